//! Proration by days (R-SUB-6): fraction = remaining days / days in the
//! period, the day of the change counting as remaining.

use crate::domain::money::Money;
use crate::domain::period::Period;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The part of a period from a change day to its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Remainder {
    pub period: Period,
    pub from: NaiveDate,
}

impl Remainder {
    /// `None` when `from` is outside the period: there is no remainder to
    /// prorate (a period that has ended waits for its renewal).
    pub fn new(period: Period, from: NaiveDate) -> Option<Self> {
        period.contains(from).then_some(Remainder { period, from })
    }

    pub fn days(self) -> i64 {
        self.period.remaining_from(self.from)
    }

    pub fn period_days(self) -> i64 {
        self.period.days()
    }

    pub fn fraction(self) -> Decimal {
        Decimal::from(self.days()) / Decimal::from(self.period_days())
    }

    /// The share of a full-period price for the remaining days, rounded once.
    /// The used part is always `full - prorate(full)`, so credit and usage add
    /// up to the price to the minor unit.
    pub fn prorate(self, full: Money) -> Money {
        if self.days() == self.period_days() {
            return full;
        }
        Money::new(
            crate::domain::money::round_to_minor(
                Decimal::from(full.minor()) * Decimal::from(self.days())
                    / Decimal::from(self.period_days()),
            ),
            full.currency(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::Currency;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn day_of_change_counts_as_remaining() {
        let p = Period::new(d(2026, 11, 1), d(2026, 12, 1));
        let r = Remainder::new(p, d(2026, 11, 16)).unwrap();
        assert_eq!(r.days(), 15);
        assert_eq!(
            r.prorate(Money::major(300, Currency::Sek)),
            Money::major(150, Currency::Sek)
        );
        assert_eq!(Remainder::new(p, d(2026, 11, 1)).unwrap().days(), 30);
        assert_eq!(Remainder::new(p, d(2026, 11, 30)).unwrap().days(), 1);
    }

    proptest! {
        /// For any change day: the credit for the unused days plus the price of
        /// the used days equals the full price, and the credit shrinks as the
        /// period goes by, from the full price on day one.
        #[test]
        fn credit_plus_used_is_the_full_price(price in 0i64..10_000_000, len in 28i64..=366, offset in 0i64..366) {
            let start = d(2026, 1, 1);
            let p = Period::new(start, start + chrono::Duration::days(len));
            let offset = offset % len;
            let full = Money::new(price, Currency::Sek);
            let r = Remainder::new(p, start + chrono::Duration::days(offset)).unwrap();
            let credit = r.prorate(full);
            let used_days = offset;
            let used_price = full - credit;
            prop_assert!(credit.minor() >= 0 && credit.minor() <= full.minor());
            prop_assert_eq!(credit + used_price, full);
            // The used price is within one minor unit of the exact share.
            let exact_used = Decimal::from(price) * Decimal::from(used_days) / Decimal::from(len);
            prop_assert!((Decimal::from(used_price.minor()) - exact_used).abs() <= Decimal::new(5, 1));
            if offset == 0 { prop_assert_eq!(credit, full); }
            if offset + 1 < len {
                let later = Remainder::new(p, start + chrono::Duration::days(offset + 1)).unwrap().prorate(full);
                prop_assert!(later.minor() <= credit.minor());
            }
        }
    }
}
