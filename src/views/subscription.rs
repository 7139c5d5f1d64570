//! Trials and auto-renew (R-SUB-8, R-SUB-9).

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
    pub auto_renew: bool,
    pub service_ends: NaiveDate,
    /// First day, last day and amount of each period still owed.
    pub owed_periods: Vec<(NaiveDate, NaiveDate, Money)>,
    pub total_owed: Money,
    pub action_key: String,
}
