//! Enterprise contracts (R-SUB-10, Blue): a custom price per term of one to
//! three years, a volume discount, unlimited users within a contracted seat
//! tier, and a payment schedule that is always paid by invoice.

use crate::domain::money::{checked_sum, Money};
use chrono::{Months, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Schedule {
    Annual,
    Quarterly,
    /// Dates and amounts agreed in the contract.
    Custom(Vec<(NaiveDate, Money)>),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contract {
    pub start: NaiveDate,
    pub years: u32,
    /// List price of one contract year before the discount.
    pub annual_price: Money,
    /// e.g. 0.15 for 15 %.
    pub volume_discount: Decimal,
    pub seat_tier: u32,
    pub schedule: Schedule,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instalment {
    pub due: NaiveDate,
    pub amount: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum ContractError {
    #[error("a contract runs 1 to 3 years")]
    Term,
    #[error("the volume discount must be between 0 and 100 %")]
    Discount,
    #[error("the custom schedule adds up to {scheduled}, the contract is worth {total}")]
    ScheduleSum { scheduled: String, total: String },
    #[error("custom instalments fall inside the term ({start} to {end}), each on a later day than the one before, each above zero")]
    ScheduleDates { start: NaiveDate, end: NaiveDate },
    #[error("the seat tier must be 1 or more")]
    Tier,
    #[error("the amounts are too large to add up; check the price and the instalments")]
    TooLarge,
    #[error("{users} users exceed the contracted tier of {tier}; contact sales to move up a tier")]
    AboveTier { users: u32, tier: u32 },
}

impl Contract {
    pub fn end(&self) -> NaiveDate {
        self.start + Months::new(12 * self.years)
    }

    /// The renewal date is the day the term ends.
    pub fn renewal_date(&self) -> NaiveDate {
        self.end()
    }

    pub fn discount_amount(&self) -> Money {
        self.annual_price
            .times(i64::from(self.years))
            .scale(self.volume_discount)
    }

    /// What the whole term costs after the discount.
    pub fn total(&self) -> Money {
        self.annual_price.times(i64::from(self.years)) - self.discount_amount()
    }

    /// What one contract year costs after the discount, rounded once.
    pub fn yearly_amount(&self) -> Money {
        self.total()
            .scale(Decimal::ONE / Decimal::from(self.years.max(1)))
    }

    /// The instalments of the schedule; they add up to the total exactly,
    /// the last one taking the rounding.
    pub fn instalments(&self) -> Result<Vec<Instalment>, ContractError> {
        if !(1..=3).contains(&self.years) {
            return Err(ContractError::Term);
        }
        if self.volume_discount < Decimal::ZERO || self.volume_discount > Decimal::ONE {
            return Err(ContractError::Discount);
        }
        if self.seat_tier == 0 {
            return Err(ContractError::Tier);
        }
        // An operator typed the price: the term's total must fit before
        // anything is computed from it.
        self.annual_price
            .checked_times(i64::from(self.years))
            .ok_or(ContractError::TooLarge)?;
        let total = self.total();
        let (count, step_months) = match &self.schedule {
            Schedule::Annual => (self.years, 12),
            Schedule::Quarterly => (self.years * 4, 3),
            Schedule::Custom(items) => {
                // The clock invoices each day's instalment once, in order.
                let (start, end) = (self.start, self.end());
                let in_order = items.windows(2).all(|w| w[0].0 < w[1].0);
                let inside = items
                    .iter()
                    .all(|(due, m)| *due >= start && *due < end && m.is_positive());
                if items.is_empty() || !in_order || !inside {
                    return Err(ContractError::ScheduleDates { start, end });
                }
                let scheduled =
                    checked_sum(Money::zero(total.currency()), items.iter().map(|(_, m)| *m))
                        .ok_or(ContractError::TooLarge)?;
                if scheduled != total {
                    return Err(ContractError::ScheduleSum {
                        scheduled: format!("{}", scheduled.to_decimal_major()),
                        total: format!("{}", total.to_decimal_major()),
                    });
                }
                return Ok(items
                    .iter()
                    .map(|(due, amount)| Instalment {
                        due: *due,
                        amount: *amount,
                    })
                    .collect());
            }
        };
        let share = total.scale(Decimal::ONE / Decimal::from(count));
        let mut out: Vec<Instalment> = (0..count)
            .map(|i| Instalment {
                due: self.start + Months::new(step_months * i),
                amount: share,
            })
            .collect();
        let paid_before_last = share.times(i64::from(count - 1));
        out.last_mut().expect("at least one").amount = total - paid_before_last;
        Ok(out)
    }

    /// Adding users inside the tier costs nothing (Blue).
    pub fn check_users(&self, users: u32) -> Result<(), ContractError> {
        if users > self.seat_tier {
            Err(ContractError::AboveTier {
                users,
                tier: self.seat_tier,
            })
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::{sum, Currency};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn contract(schedule: Schedule) -> Contract {
        Contract {
            start: d(2026, 1, 1),
            years: 2,
            annual_price: Money::major(100_000, Currency::Sek),
            volume_discount: Decimal::new(15, 2),
            seat_tier: 250,
            schedule,
        }
    }

    /// Amounts an operator typed that cannot be added up are refused by
    /// name instead of overflowing.
    #[test]
    fn amounts_too_large_to_add_up_are_refused() {
        let mut c = contract(Schedule::Annual);
        c.years = 3;
        c.annual_price = Money::new(i64::MAX / 2, Currency::Sek);
        assert_eq!(c.instalments(), Err(ContractError::TooLarge));
        let huge = Money::new(i64::MAX - 1, Currency::Sek);
        let c = contract(Schedule::Custom(vec![
            (d(2026, 2, 1), huge),
            (d(2026, 3, 1), huge),
        ]));
        assert_eq!(c.instalments(), Err(ContractError::TooLarge));
    }

    #[test]
    fn seed_blue_quarterly_contract_with_volume_discount() {
        let c = contract(Schedule::Quarterly);
        assert_eq!(c.total(), Money::major(170_000, Currency::Sek));
        let inst = c.instalments().unwrap();
        assert_eq!(inst.len(), 8);
        assert_eq!(inst[1].due, d(2026, 4, 1));
        assert_eq!(inst[0].amount, Money::major(21_250, Currency::Sek));
        assert_eq!(
            sum(Money::zero(Currency::Sek), inst.iter().map(|i| i.amount)),
            c.total()
        );
        assert_eq!(c.renewal_date(), d(2028, 1, 1));
        assert_eq!(c.yearly_amount(), Money::major(85_000, Currency::Sek));
    }

    #[test]
    fn instalments_absorb_rounding_in_the_last() {
        let c = Contract {
            annual_price: Money::new(100_001, Currency::Sek),
            volume_discount: Decimal::ZERO,
            years: 1,
            ..contract(Schedule::Quarterly)
        };
        let inst = c.instalments().unwrap();
        assert_eq!(
            sum(Money::zero(Currency::Sek), inst.iter().map(|i| i.amount)),
            Money::new(100_001, Currency::Sek)
        );
    }

    #[test]
    fn custom_schedule_must_add_up() {
        let bad = contract(Schedule::Custom(vec![(
            d(2026, 1, 1),
            Money::major(1, Currency::Sek),
        )]));
        assert!(matches!(
            bad.instalments(),
            Err(ContractError::ScheduleSum { .. })
        ));
        let good = contract(Schedule::Custom(vec![
            (d(2026, 1, 1), Money::major(70_000, Currency::Sek)),
            (d(2027, 1, 1), Money::major(100_000, Currency::Sek)),
        ]));
        assert_eq!(good.instalments().unwrap().len(), 2);
    }

    #[test]
    fn custom_instalments_fall_inside_the_term_in_order_each_day_once() {
        let sek = |n| Money::major(n, Currency::Sek);
        for items in [
            // Before the start, on the end day (the next term's), out of order,
            // twice on one day (the clock would invoice it once), zero, none.
            vec![
                (d(2025, 12, 31), sek(70_000)),
                (d(2027, 1, 1), sek(100_000)),
            ],
            vec![(d(2026, 1, 1), sek(70_000)), (d(2028, 1, 1), sek(100_000))],
            vec![(d(2027, 1, 1), sek(100_000)), (d(2026, 1, 1), sek(70_000))],
            vec![(d(2026, 1, 1), sek(70_000)), (d(2026, 1, 1), sek(100_000))],
            vec![(d(2026, 1, 1), sek(170_000)), (d(2026, 6, 1), sek(0))],
            vec![],
        ] {
            assert_eq!(
                contract(Schedule::Custom(items.clone())).instalments(),
                Err(ContractError::ScheduleDates {
                    start: d(2026, 1, 1),
                    end: d(2028, 1, 1)
                }),
                "{items:?}"
            );
        }
        let last_day = contract(Schedule::Custom(vec![
            (d(2026, 1, 1), sek(70_000)),
            (d(2027, 12, 31), sek(100_000)),
        ]));
        assert_eq!(last_day.instalments().unwrap().len(), 2);
        let no_tier = Contract {
            seat_tier: 0,
            ..contract(Schedule::Annual)
        };
        assert_eq!(no_tier.instalments(), Err(ContractError::Tier));
    }

    #[test]
    fn seed_blue_users_inside_the_tier_cost_nothing() {
        let c = contract(Schedule::Annual);
        assert!(c.check_users(250).is_ok());
        assert_eq!(
            c.check_users(251),
            Err(ContractError::AboveTier {
                users: 251,
                tier: 250
            })
        );
    }
}
