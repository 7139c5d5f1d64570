//! Trials and auto-renew (R-SUB-8, R-SUB-9), and the subscriptions page
//! with its history (R-UI-2).

use crate::domain::money::Money;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Done {
    pub action: String,
}

/// What cancelling auto-renew means, shown before confirming.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancellationView {
    /// The team whose subscription this is; none for the organisation's.
    pub team: Option<i64>,
    pub auto_renew: bool,
    pub service_ends: NaiveDate,
    /// First day, last day and amount of each period still owed.
    pub owed_periods: Vec<(NaiveDate, NaiveDate, Money)>,
    pub total_owed: Money,
    pub action_key: String,
}

/// The subscriptions page (R-UI-2): the plan and the credit packs held, with
/// status and dates, and the history of changes, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubscriptionsView {
    pub plan: String,
    pub status: crate::domain::subscription::Status,
    pub interval: crate::domain::period::Interval,
    pub seats: u32,
    /// The day the subscription started.
    pub started: NaiveDate,
    pub period_start: NaiveDate,
    pub period_last_day: NaiveDate,
    /// Renews on this day, or ends after `period_last_day`.
    pub renews: Option<NaiveDate>,
    pub commitment_ends: Option<NaiveDate>,
    /// The plan tried and the trial's last day.
    pub trial: Option<(String, NaiveDate)>,
    /// The plan, seats and day of a scheduled change.
    pub scheduled: Option<(String, u32, NaiveDate)>,
    pub packs: Vec<PackHeld>,
    /// The day, the team for a team's subscription, and what happened.
    pub history: Vec<(
        NaiveDate,
        Option<String>,
        crate::domain::subscription::HistoryEvent,
    )>,
}

/// A credit pack with credits left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackHeld {
    pub credits: i64,
    pub remaining: i64,
    pub bought: NaiveDate,
    pub last_day: NaiveDate,
}
