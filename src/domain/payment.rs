//! Which payment methods an organisation may use (R-PAY-1).

use crate::domain::money::Money;
use crate::domain::period::Interval;
use crate::domain::vat::Country;
use chrono::NaiveDate;
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

    /// Card and PayPal invoices are charged when issued (R-PAY-2); invoice
    /// payers pay by bank transfer.
    pub fn charged_automatically(self) -> bool {
        matches!(self, PaymentMethodKind::Card | PaymentMethodKind::PayPal)
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

/// Why the provider refused a card or a charge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Decline {
    /// `card_declined`: the bank said no, without a reason.
    Generic,
    InsufficientFunds,
    /// Hard declines: retrying cannot help until the card is replaced.
    ExpiredCard,
    LostCard,
    StolenCard,
    IncorrectCvc,
    /// The provider could not process it: trying again may work.
    ProcessingError,
}

impl Decline {
    pub const ALL: [Decline; 7] = [
        Decline::Generic,
        Decline::InsufficientFunds,
        Decline::ExpiredCard,
        Decline::LostCard,
        Decline::StolenCard,
        Decline::IncorrectCvc,
        Decline::ProcessingError,
    ];

    pub fn parse(code: &str) -> Option<Decline> {
        Decline::ALL.into_iter().find(|d| d.code() == code)
    }

    pub fn code(self) -> &'static str {
        match self {
            Decline::Generic => "card_declined",
            Decline::InsufficientFunds => "insufficient_funds",
            Decline::ExpiredCard => "expired_card",
            Decline::LostCard => "lost_card",
            Decline::StolenCard => "stolen_card",
            Decline::IncorrectCvc => "incorrect_cvc",
            Decline::ProcessingError => "processing_error",
        }
    }

    /// The message id of what the customer is told.
    pub fn message_id(self) -> &'static str {
        match self {
            Decline::Generic => "decline-generic",
            Decline::InsufficientFunds => "decline-insufficient-funds",
            Decline::ExpiredCard => "decline-expired-card",
            Decline::LostCard => "decline-lost-card",
            Decline::StolenCard => "decline-stolen-card",
            Decline::IncorrectCvc => "decline-incorrect-cvc",
            Decline::ProcessingError => "decline-processing-error",
        }
    }

    /// Whether the clock retries it by itself. Hard declines (an expired,
    /// lost or stolen card, a wrong CVC) wait for a new payment method.
    pub fn retried_automatically(self) -> bool {
        matches!(
            self,
            Decline::Generic | Decline::InsufficientFunds | Decline::ProcessingError
        )
    }
}

/// What one charge did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Charged {
    Paid {
        invoice: String,
        amount: Money,
    },
    Declined {
        invoice: String,
        amount: Money,
        decline: Decline,
    },
}

/// What the clock does about an invoice whose charge failed (R-PAY-2),
/// on `today`: retry it on the days of `schedule` after the first failure
/// (`first_failed`); a hard decline waits for the customer instead (a new
/// payment method, then *Retry now*). Once the last day of the schedule
/// has come and the invoice is still owed — its last retry failed, or a
/// hard decline was never mended — the subscription is cancelled to Free
/// at its period end. The retry is due when a schedule day fell after the
/// last attempt (`last_attempted`), so a customer's own retry in between
/// does not use up the clock's, and a run missed for days retries once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dunning {
    Retry,
    Cancel,
    Wait,
}

pub fn dunning(
    schedule: &[u32],
    first_failed: NaiveDate,
    last_attempted: NaiveDate,
    last_decline: Decline,
    today: NaiveDate,
) -> Dunning {
    let on = |days: u32| first_failed + chrono::Days::new(days.into());
    let retry_due = schedule
        .iter()
        .any(|&d| on(d) > last_attempted && on(d) <= today);
    if retry_due && last_decline.retried_automatically() {
        return Dunning::Retry;
    }
    if schedule_over(schedule, first_failed, today) {
        Dunning::Cancel
    } else {
        Dunning::Wait
    }
}

/// Whether the retry schedule that began on `first_failed` (the first
/// declined charge, or the day an unpaid invoice was marked overdue) has
/// run out by `today`: its last retry day has come. Then the organisation
/// is cancelled to Free at its period end, whatever it pays with.
pub fn schedule_over(schedule: &[u32], first_failed: NaiveDate, today: NaiveDate) -> bool {
    match schedule.iter().max() {
        Some(&last) => today >= first_failed + chrono::Days::new(last.into()),
        None => true,
    }
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

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
    }

    #[test]
    fn the_clock_retries_on_days_1_3_5_and_7_then_cancels() {
        let s = [1, 3, 5, 7];
        let soft = Decline::InsufficientFunds;
        // Failed on the 1st: nothing more that day, a retry on the 2nd.
        assert_eq!(dunning(&s, day(1), day(1), soft, day(1)), Dunning::Wait);
        assert_eq!(dunning(&s, day(1), day(1), soft, day(2)), Dunning::Retry);
        // That retry failed: the next is on the 4th.
        assert_eq!(dunning(&s, day(1), day(2), soft, day(3)), Dunning::Wait);
        assert_eq!(dunning(&s, day(1), day(2), soft, day(4)), Dunning::Retry);
        // A run missed for days retries once, not once per missed day.
        assert_eq!(dunning(&s, day(1), day(2), soft, day(7)), Dunning::Retry);
        assert_eq!(dunning(&s, day(1), day(7), soft, day(7)), Dunning::Wait);
        // The last retry, on the 8th; when it fails, cancel.
        assert_eq!(dunning(&s, day(1), day(6), soft, day(8)), Dunning::Retry);
        assert_eq!(dunning(&s, day(1), day(8), soft, day(8)), Dunning::Cancel);
        // The customer's own retry on the 3rd does not use up the 4th.
        assert_eq!(dunning(&s, day(1), day(3), soft, day(4)), Dunning::Retry);
    }

    #[test]
    fn hard_declines_are_not_retried_but_still_end_in_cancellation() {
        let s = [1, 3, 5, 7];
        for hard in [
            Decline::ExpiredCard,
            Decline::LostCard,
            Decline::StolenCard,
            Decline::IncorrectCvc,
        ] {
            assert!(!hard.retried_automatically());
            assert_eq!(
                dunning(&s, day(1), day(1), hard, day(2)),
                Dunning::Wait,
                "{hard:?}"
            );
            assert_eq!(
                dunning(&s, day(1), day(1), hard, day(7)),
                Dunning::Wait,
                "{hard:?}"
            );
            assert_eq!(
                dunning(&s, day(1), day(1), hard, day(8)),
                Dunning::Cancel,
                "{hard:?}"
            );
        }
        for soft in [
            Decline::Generic,
            Decline::InsufficientFunds,
            Decline::ProcessingError,
        ] {
            assert!(soft.retried_automatically());
        }
        for d in Decline::ALL {
            assert_eq!(Decline::parse(d.code()), Some(d));
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
