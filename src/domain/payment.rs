//! Which payment methods an organisation may use (R-PAY-1).

use crate::domain::money::Money;
use crate::domain::period::Interval;
use crate::domain::vat::Country;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PaymentMethodKind {
    Card,
    /// Bank transfer against an invoice with an OCR reference.
    Invoice,
    PayPal,
}

impl PaymentMethodKind {
    pub fn code(self) -> &'static str {
        match self {
            PaymentMethodKind::Card => "card",
            PaymentMethodKind::Invoice => "invoice",
            PaymentMethodKind::PayPal => "paypal",
        }
    }

    pub fn parse(code: &str) -> Result<Self, String> {
        match code {
            "card" => Ok(PaymentMethodKind::Card),
            "invoice" => Ok(PaymentMethodKind::Invoice),
            "paypal" => Ok(PaymentMethodKind::PayPal),
            other => Err(format!("unknown payment method '{other}'")),
        }
    }
}

/// Invoice payment is for organisations in Sweden, and for any annual
/// subscription of 20 seats or more (Asana).
pub fn invoice_payment_allowed(country: &Country, interval: Interval, seats: u32) -> bool {
    country.is_sweden() || (interval == Interval::Annual && seats >= 20)
}

/// How money received for an invoice settles it (R-PAY-1): as much as it
/// still owes is allocated to it, the rest becomes account balance. A
/// partial payment leaves the rest due; nothing owed, all of it is
/// balance. Returns (allocated, to the balance).
pub fn split(amount: Money, still_due: Money) -> (Money, Money) {
    let zero = Money::zero(amount.currency());
    let allocated = amount.min(still_due.max(zero)).max(zero);
    (allocated, amount - allocated)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::Currency;
    use proptest::prelude::*;

    fn sek(minor: i64) -> Money {
        Money::new(minor, Currency::Sek)
    }

    #[test]
    fn payments_settle_what_is_due_and_the_rest_is_balance() {
        assert_eq!(
            split(sek(50_000), sek(125_000)),
            (sek(50_000), sek(0)),
            "partial"
        );
        assert_eq!(
            split(sek(125_000), sek(125_000)),
            (sek(125_000), sek(0)),
            "in full"
        );
        assert_eq!(
            split(sek(130_000), sek(125_000)),
            (sek(125_000), sek(5_000)),
            "over"
        );
        assert_eq!(
            split(sek(10_000), sek(0)),
            (sek(0), sek(10_000)),
            "nothing due"
        );
    }

    proptest! {
        // Nothing is lost or made: allocated + balance = the amount, and
        // never more is allocated than was due.
        #[test]
        fn a_split_keeps_every_ore(amount in 1i64..10_000_000, due in -1_000i64..10_000_000) {
            let (allocated, rest) = split(sek(amount), sek(due));
            prop_assert_eq!(allocated + rest, sek(amount));
            prop_assert!(allocated.minor() >= 0 && rest.minor() >= 0);
            prop_assert!(allocated.minor() <= due.max(0));
        }
    }

    #[test]
    fn invoice_payment_rules() {
        let se = Country::parse("SE").unwrap();
        let no = Country::parse("NO").unwrap();
        assert!(invoice_payment_allowed(&se, Interval::Monthly, 2));
        assert!(!invoice_payment_allowed(&no, Interval::Monthly, 50));
        assert!(!invoice_payment_allowed(&no, Interval::Annual, 19));
        assert!(invoice_payment_allowed(&no, Interval::Annual, 20));
    }
}
