//! What the operators' console shows (R-OPS-1): the catalog with every
//! price version, bank payments waiting, an organisation's documents, the
//! audit log, the test clock and the outbox.

use crate::domain::catalog::PriceVersion;
use crate::domain::money::{Currency, Money};
use crate::domain::party::OperatorRole;
use crate::domain::period::Interval;
use crate::views::documents::DocumentSummary;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The operator logged in, for the console's header.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OperatorInfo {
    pub name: String,
    pub email: String,
    pub role: OperatorRole,
    /// A one-time password still to be replaced.
    pub must_change_password: bool,
}

impl OperatorInfo {
    pub fn may_change(&self) -> bool {
        self.role.may(crate::domain::roles::Action::Operate) && !self.must_change_password
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriceRow {
    pub price: PriceVersion,
    pub current: bool,
    /// Live subscriptions on this version.
    pub subscriptions: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanRow {
    pub id: i64,
    pub name: String,
    pub features: Vec<String>,
    pub monthly_credits: i64,
    pub packs_allowed: bool,
    pub trial_days: Option<u32>,
    pub prices: Vec<PriceRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatalogView {
    pub plans: Vec<PlanRow>,
    pub action_key: String,
}

/// What publishing a price will do, shown before confirming, and what it
/// did after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PricePublished {
    pub plan_id: i64,
    pub plan: String,
    pub currency: Currency,
    pub interval: Interval,
    pub seat_step: u32,
    pub version: i32,
    pub flat: Money,
    pub per_seat: Money,
    pub min_seats: u32,
    /// The version it replaces, if any, and how many subscriptions keep it.
    pub replaces: Option<(i32, Money, Money)>,
    pub kept_by: i64,
    /// Set once published.
    pub published: bool,
}

/// A bank payment waiting to be matched by hand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WaitingPayment {
    pub id: i64,
    pub date: NaiveDate,
    pub amount: Money,
    pub reference: String,
    pub payer: Option<String>,
    pub deduction: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaymentsView {
    pub waiting: Vec<WaitingPayment>,
    pub action_key: String,
}

/// An organisation as the console lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgRow {
    pub id: i64,
    pub name: String,
    pub country: String,
    pub vat_number: Option<String>,
    pub partner: Option<String>,
    pub plan_locked: bool,
    pub manually_billed: bool,
}

/// One organisation in the console: its flags and documents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgView {
    pub org: OrgRow,
    pub partner_contact: Option<String>,
    pub documents: Vec<DocumentSummary>,
    pub action_key: String,
}

/// What voiding an invoice does, before and after confirming.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VoidPreview {
    pub invoice: String,
    pub total: Money,
    /// What the invoice still owes: the credit note settles it first.
    pub amount_due: Money,
    /// What goes to the account balance (what was paid already).
    pub to_balance: Money,
    pub reason: String,
    /// The credit note's number, once issued.
    pub credit_note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub org_id: Option<i64>,
    pub organisation: Option<String>,
    pub actor: String,
    pub action: String,
    pub before: String,
    pub after: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// The id to ask `before` for the next (older) page, if there is one.
    pub older: Option<i64>,
}

/// One document the test clock would issue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WouldIssue {
    pub issue_date: NaiveDate,
    pub lines: Vec<(String, Money)>,
    pub total: Money,
}
