//! A subscription's state as the domain sees it (R-SUB-1), and the
//! organisation's terms that restrict changes (R-ACC-6).

use crate::domain::catalog::PriceVersion;
use crate::domain::money::Money;
use crate::domain::period::Period;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    Trialing,
    Active,
    PastDue,
    Canceled,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::Trialing => "trialing",
            Status::Active => "active",
            Status::PastDue => "past_due",
            Status::Canceled => "canceled",
        }
    }

    pub fn parse(code: &str) -> Result<Status, String> {
        match code {
            "trialing" => Ok(Status::Trialing),
            "active" => Ok(Status::Active),
            "past_due" => Ok(Status::PastDue),
            "canceled" => Ok(Status::Canceled),
            other => Err(format!("unknown subscription status '{other}'")),
        }
    }
}

/// A downgrade waiting for the end of the period (R-SUB-4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduledChange {
    pub price: PriceVersion,
    pub seats: u32,
    pub effective: NaiveDate,
}

/// A trial of a higher plan (R-SUB-8). The paid subscription underneath goes
/// on unchanged and is what the customer returns to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trial {
    pub price: PriceVersion,
    pub started: NaiveDate,
    /// First day after the trial.
    pub ends: NaiveDate,
}

impl Trial {
    pub fn days_left(&self, today: NaiveDate) -> i64 {
        (self.ends - today).num_days().max(0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscription {
    pub price: PriceVersion,
    pub seats: u32,
    pub anchor: NaiveDate,
    pub period: Period,
    pub status: Status,
    /// Last day + 1 of the commitment term, when it is longer than a period.
    pub commitment_end: Option<NaiveDate>,
    pub auto_renew: bool,
    pub scheduled: Option<ScheduledChange>,
    pub trial: Option<Trial>,
}

impl Subscription {
    pub fn amount(&self) -> Money {
        self.price.amount(self.seats)
    }

    pub fn next_billing_date(&self) -> NaiveDate {
        self.period.end
    }
}

/// The seats paid members may fill (R-SUB-7, R-SUB-10): seats bought, or
/// an enterprise contract's tier; Free has none to buy and no limit here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SeatLimit {
    Free,
    Bought(u32),
    ContractTier(u32),
}

impl SeatLimit {
    pub fn seats(self) -> Option<u32> {
        match self {
            SeatLimit::Free => None,
            SeatLimit::Bought(n) | SeatLimit::ContractTier(n) => Some(n),
        }
    }

    /// Whether one more paid member fits beside `paid`: seats are never
    /// fewer than the paid members.
    pub fn room_for_one_more(self, paid: u32) -> bool {
        self.seats().is_none_or(|n| paid < n)
    }
}

/// Contract terms of the organisation that restrict self-service changes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgTerms {
    /// The partner's name when a partner manages the account.
    pub partner: Option<String>,
    pub plan_locked: bool,
    /// An enterprise contract billed manually by the vendor.
    pub manually_billed: bool,
    /// An invoice is unpaid past its payment attempts (R-PAY-2).
    pub past_due: bool,
}
