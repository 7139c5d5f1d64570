//! The catalog (R-CAT-1…4): plans with features, limits and credits; price
//! versions that are immutable once made; credit packs.

use crate::domain::money::{Currency, Money};
use crate::domain::period::Interval;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limit {
    /// e.g. "contacts", "emails_per_month", "seats".
    pub key: String,
    /// `None` is unlimited.
    pub value: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub id: i64,
    pub code: String,
    pub name: String,
    /// Tier order: a higher rank is a higher plan.
    pub rank: i32,
    pub features: Vec<String>,
    pub limits: Vec<Limit>,
    pub monthly_credits: i64,
    pub packs_allowed: bool,
    pub trial_days: Option<u32>,
    /// Sold through sales only (Enterprise): never bought self-serve.
    pub sales_only: bool,
}

impl Plan {
    /// Whether an organisation with `paid_members` can move to this plan by
    /// itself: not a plan sold through sales, and no more paid members than
    /// the plan's `seats` limit (Free: up to 3 users).
    pub fn admits(&self, paid_members: u32) -> Result<(), crate::domain::change::ChangeError> {
        use crate::domain::change::ChangeError;
        if self.sales_only {
            return Err(ChangeError::SalesOnly {
                plan: self.name.clone(),
            });
        }
        let limit = self
            .limits
            .iter()
            .find(|l| l.key == "seats")
            .and_then(|l| l.value);
        match limit {
            Some(limit) if i64::from(paid_members) > limit => Err(ChangeError::TooManyMembers {
                plan: self.name.clone(),
                limit: limit as u32,
                paid: paid_members,
            }),
            _ => Ok(()),
        }
    }
}

/// One immutable version of a plan's price in one currency and interval.
/// Subscriptions pin a version; a new list price is a new version (R-CAT-3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceVersion {
    pub id: i64,
    pub plan_id: i64,
    pub plan_name: String,
    pub plan_rank: i32,
    pub version: i32,
    pub currency: Currency,
    pub interval: Interval,
    pub flat: Money,
    pub per_seat: Money,
    pub min_seats: u32,
    /// Seat counts above the minimum go in steps of this size.
    pub seat_step: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SeatError {
    BelowMinimum { plan: String, min: u32 },
    NotAStep { plan: String, min: u32, step: u32 },
    AboveMaximum { max: u32 },
}

impl SeatError {
    pub fn text(&self) -> crate::i18n::Text {
        match self {
            SeatError::BelowMinimum { plan, min } => {
                crate::msg!("seats-below-minimum", plan = plan.as_str(), min = *min)
            }
            SeatError::NotAStep { plan, min, step } => crate::msg!(
                "seats-not-a-step",
                plan = plan.as_str(),
                min = *min,
                step = *step
            ),
            SeatError::AboveMaximum { max } => crate::msg!("seats-above-maximum", max = *max),
        }
    }
}

impl std::fmt::Display for SeatError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.text().fmt(f)
    }
}

impl std::error::Error for SeatError {}

/// The most seats a self-service subscription can have.
pub const MAX_SEATS: u32 = 10_000;

impl PriceVersion {
    /// The price of one full period for `seats` seats.
    pub fn amount(&self, seats: u32) -> Money {
        self.flat + self.per_seat.times(i64::from(seats))
    }

    pub fn is_free(&self) -> bool {
        self.flat.is_zero() && self.per_seat.is_zero()
    }

    /// Paid plans are sold for the minimum seat count and above in steps
    /// (Asana: 2, 3, 4, 5 seats and any number above; no one-seat paid plan).
    pub fn check_seats(&self, seats: u32) -> Result<(), SeatError> {
        if self.is_free() {
            return Ok(());
        }
        if seats > MAX_SEATS {
            return Err(SeatError::AboveMaximum { max: MAX_SEATS });
        }
        if seats < self.min_seats {
            return Err(SeatError::BelowMinimum {
                plan: self.plan_name.clone(),
                min: self.min_seats,
            });
        }
        let step = self.seat_step.max(1);
        if (seats - self.min_seats) % step != 0 {
            return Err(SeatError::NotAStep {
                plan: self.plan_name.clone(),
                min: self.min_seats,
                step,
            });
        }
        Ok(())
    }

    pub fn same_plan(&self, other: &PriceVersion) -> bool {
        self.plan_id == other.plan_id
    }
}

/// The annual price when the catalog gives none: ten monthly prices, two
/// months free (R-CAT-2).
pub fn annual_from_monthly(monthly: Money) -> Money {
    monthly.times(10)
}

/// What a grandfathered subscription saves against today's list price
/// (R-CAT-3, HubSpot's "legacy discount"), if anything.
pub fn legacy_discount(pinned: &PriceVersion, list: &PriceVersion, seats: u32) -> Option<Money> {
    let saving = list.amount(seats) - pinned.amount(seats);
    saving.is_positive().then_some(saving)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditPack {
    pub id: i64,
    pub name: String,
    pub credits: i64,
    pub price: Money,
    pub validity_months: u32,
}

/// A new list price of a plan in a currency and interval.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPrice {
    pub plan_id: i64,
    pub currency: Currency,
    pub interval: Interval,
    pub flat: Money,
    pub per_seat: Money,
    pub min_seats: u32,
    pub seat_step: u32,
}

/// A credit pack to add to the catalog (R-CAT-4).
#[derive(Debug, Clone, Copy)]
pub struct NewPack<'a> {
    pub name: &'a str,
    pub credits: i64,
    pub price: Money,
    pub validity_months: u32,
}

#[cfg(test)]
pub(crate) mod fixtures {
    use super::*;

    /// The demo catalog's monthly SEK prices, used across the domain tests.
    pub fn price(
        id: i64,
        name: &str,
        rank: i32,
        flat: i64,
        per_seat: i64,
        interval: Interval,
    ) -> PriceVersion {
        let factor = if interval == Interval::Annual { 10 } else { 1 };
        PriceVersion {
            id,
            plan_id: rank as i64,
            plan_name: name.into(),
            plan_rank: rank,
            version: 1,
            currency: Currency::Sek,
            interval,
            flat: Money::major(flat * factor, Currency::Sek),
            per_seat: Money::major(per_seat * factor, Currency::Sek),
            min_seats: if flat == 0 && per_seat == 0 { 0 } else { 2 },
            seat_step: 1,
        }
    }

    /// An active subscription on `price` in the period that contains `today`.
    pub fn subscription(
        price: PriceVersion,
        seats: u32,
        anchor: chrono::NaiveDate,
        today: chrono::NaiveDate,
    ) -> crate::domain::subscription::Subscription {
        crate::domain::subscription::Subscription {
            period: crate::domain::period::period_containing(anchor, price.interval, today),
            price,
            seats,
            anchor,
            status: crate::domain::subscription::Status::Active,
            commitment_end: None,
            auto_renew: true,
            scheduled: None,
            trial: None,
        }
    }

    pub fn free() -> PriceVersion {
        price(1, "Free", 0, 0, 0, Interval::Monthly)
    }
    pub fn starter(i: Interval) -> PriceVersion {
        price(10 + i as i64, "Starter", 1, 0, 99, i)
    }
    pub fn professional(i: Interval) -> PriceVersion {
        price(20 + i as i64, "Professional", 2, 0, 300, i)
    }
    pub fn business(i: Interval) -> PriceVersion {
        price(30 + i as i64, "Business", 3, 0, 600, i)
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::*;
    use super::*;

    #[test]
    fn seed_asana_annual_is_ten_times_monthly() {
        let m = professional(Interval::Monthly);
        let a = professional(Interval::Annual);
        assert_eq!(a.amount(5), annual_from_monthly(m.amount(5)));
        assert_eq!(
            annual_from_monthly(Money::major(299, Currency::Sek)),
            Money::major(2990, Currency::Sek)
        );
    }

    #[test]
    fn seed_asana_no_one_seat_paid_plan() {
        let p = professional(Interval::Monthly);
        assert!(matches!(
            p.check_seats(1),
            Err(SeatError::BelowMinimum { min: 2, .. })
        ));
        for n in [2, 3, 4, 5, 6, 17, 250] {
            assert!(p.check_seats(n).is_ok());
        }
        let stepped = PriceVersion { seat_step: 5, ..p };
        assert!(stepped.check_seats(8).is_err());
        assert!(stepped.check_seats(7).is_ok());
        assert!(stepped.check_seats(12).is_ok());
        assert!(free().check_seats(0).is_ok());
    }

    #[test]
    fn seed_hubspot_legacy_discount_against_list_price() {
        let old = professional(Interval::Monthly);
        let list = PriceVersion {
            id: 99,
            version: 2,
            per_seat: Money::major(350, Currency::Sek),
            ..old.clone()
        };
        assert_eq!(
            legacy_discount(&old, &list, 5),
            Some(Money::major(250, Currency::Sek))
        );
        assert_eq!(legacy_discount(&list, &old, 5), None);
    }
}
