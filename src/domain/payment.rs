//! Which payment methods an organisation may use (R-PAY-1).

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

#[cfg(test)]
mod tests {
    use super::*;

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
