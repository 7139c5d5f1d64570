//! Changing plan, seats and interval (R-SUB-3…7, R-SUB-11, R-UI-4): the plan
//! catalog, a preview, and the confirm that carries out exactly the preview.

use crate::domain::catalog::Limit;
use crate::domain::money::Money;
use crate::domain::period::Interval;
use crate::i18n::Text;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanOffer {
    pub plan_id: i64,
    pub name: String,
    pub features: Vec<String>,
    pub limits: Vec<Limit>,
    pub monthly_credits: i64,
    pub flat: Money,
    pub per_seat: Money,
    pub min_seats: u32,
    /// The price at the seats asked about.
    pub price: Money,
    pub current: bool,
    /// Why the organisation cannot choose this plan by itself (sales only,
    /// too many paid members).
    pub unavailable: Option<Text>,
    pub trial_days: Option<u32>,
    pub trial_available: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanPage {
    /// The subscription shown: the organisation's (none) or a team's.
    pub team: Option<i64>,
    /// Where a subscription can be, when the organisation has teams: the
    /// organisation first, then each team (R-ACC-2).
    pub scopes: Vec<ScopeChoice>,
    pub interval: Interval,
    pub seats: u32,
    pub current_plan_id: i64,
    pub current_interval: Interval,
    pub current_seats: u32,
    pub paid_members: u32,
    pub free_members: u32,
    pub offers: Vec<PlanOffer>,
    /// Set when the viewer is not the billing owner: the owner's name.
    pub not_owner: Option<String>,
    /// Why the organisation's terms refuse changes, if they do.
    pub refusal: Option<Text>,
    /// A fresh idempotency key for starting a trial from this page.
    pub action_key: String,
}

/// A scope to choose on the plan page: the organisation or one team, with
/// its plan today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopeChoice {
    pub team: Option<i64>,
    /// The organisation's or the team's name.
    pub name: String,
    pub plan: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChangeKind {
    Upgrade,
    Downgrade,
    AddSeats,
    CancelScheduled,
    NoChange,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocLine {
    pub description: String,
    pub amount: Money,
}

/// What a change will do, shown before confirming (R-SUB-11).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangePreview {
    pub kind: ChangeKind,
    /// The team whose subscription changes; none for the organisation's.
    pub team: Option<i64>,
    /// What is given up or dropped by confirming (a legacy price, a
    /// scheduled change).
    pub warnings: Vec<Text>,
    pub plan_id: i64,
    pub plan_name: String,
    pub interval: Interval,
    pub seats: u32,
    pub credit_lines: Vec<DocLine>,
    pub invoice_lines: Vec<DocLine>,
    /// Credit note total, VAT included.
    pub credited_now: Money,
    /// New invoice total, VAT included.
    pub charged_now: Money,
    pub paid_by_credit: Money,
    pub due_now: Money,
    pub balance_after: Money,
    pub effective: NaiveDate,
    pub next_invoice_date: Option<NaiveDate>,
    pub next_invoice_amount: Option<Money>,
    /// Lines added to the next invoice (seats bought now).
    pub next_invoice_extra: Vec<DocLine>,
    /// A digest of what this preview shows; a confirm whose change would
    /// show anything else is refused, so the result always equals the
    /// preview.
    pub token: String,
    /// Sent back with the confirm: a repeat of it changes nothing.
    pub idempotency_key: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeOutcome {
    pub preview: ChangePreview,
    pub credit_note: Option<String>,
    pub invoice: Option<String>,
    /// The charge of the invoice, when the organisation pays by card or PayPal.
    pub payment: Option<crate::domain::payment::Charged>,
}
