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
    /// Each limit's name and value; `None` is unlimited.
    pub limits: Vec<(String, Option<i64>)>,
    pub monthly_credits: i64,
    pub packs_allowed: bool,
    pub trial_days: Option<u32>,
    pub prices: Vec<PriceRow>,
}

/// A credit pack of the catalog (R-CAT-4), sold or retired.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackRow {
    pub id: i64,
    pub name: String,
    pub credits: i64,
    pub price: Money,
    pub validity_months: u32,
    pub retired: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatalogView {
    pub plans: Vec<PlanRow>,
    pub packs: Vec<PackRow>,
    pub action_key: String,
}

/// What a plan offers, as the operator edits it: features one a line,
/// limits one a line ("contacts 10000", "contacts unlimited"), the trial
/// length in days or empty for none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanEdit {
    pub plan_id: i64,
    pub name: String,
    pub features: String,
    pub limits: String,
    pub monthly_credits: i64,
    #[serde(default)]
    pub packs_allowed: bool,
    pub trial_days: String,
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

/// A bank payment that settled an invoice (or went to the balance).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchedPayment {
    pub id: i64,
    pub date: NaiveDate,
    pub amount: Money,
    pub reference: String,
    pub organisation: String,
    pub invoice: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaymentsView {
    pub waiting: Vec<WaitingPayment>,
    /// The latest matched, newest first: a wrong match is reversed here.
    pub matched: Vec<MatchedPayment>,
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

/// One organisation in the console: its flags, contract and documents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgView {
    pub org: OrgRow,
    pub partner_contact: Option<String>,
    /// Its plan as it stands, e.g. "Professional, monthly, 6 seats".
    pub plan: Option<String>,
    pub contract: Option<crate::views::billing::ContractView>,
    /// The day a contract set up now would start: its next renewal.
    pub contract_start: Option<NaiveDate>,
    pub documents: Vec<DocumentSummary>,
    pub members: Vec<MemberRow>,
    pub teams: Vec<TeamRow>,
    pub action_key: String,
}

/// A membership as the console lists it (R-ACC-7: deactivated, not gone).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: String,
    pub team: Option<String>,
    pub billing_owner: bool,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamRow {
    pub id: i64,
    pub name: String,
    /// It has a subscription of its own (R-ACC-2).
    pub own_subscription: bool,
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

/// A goodwill credit note against an invoice, before and after confirming.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GoodwillNote {
    pub invoice: String,
    /// Before VAT, as the operator gave it.
    pub net: Money,
    pub vat: Money,
    pub total: Money,
    /// What it settles of what the invoice still owes.
    pub settles: Money,
    /// What goes to the account balance.
    pub to_balance: Money,
    /// What credit notes may still credit of the invoice after this one.
    pub creditable_after: Money,
    pub reason: String,
    /// The credit note's number, once issued.
    pub credit_note: Option<String>,
}

/// Goodwill credits, before and after confirming.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GoodwillCredits {
    pub credits: i64,
    /// The last day they can be used, in the organisation's time zone.
    pub last_day: NaiveDate,
    pub reason: String,
    pub granted: bool,
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

/// One e-mail in the outbox (R-INV-7).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxEntry {
    pub id: i64,
    pub created_at: String,
    /// `copy`, `reminder` or `payment_failed`.
    pub kind: String,
    pub subject: String,
    /// `None`: the organisation has no billing owner's address yet.
    pub recipient: Option<String>,
    /// `queued`, `sending`, `sent` or `failed`.
    pub status: String,
    pub attempts: i64,
    pub sent_at: Option<String>,
    pub last_error: Option<String>,
    pub org_id: i64,
    pub organisation: String,
    /// The attached document's number (its PDF), if it carries one.
    pub attachment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxPage {
    pub entries: Vec<OutboxEntry>,
    pub older: Option<i64>,
    /// Where messages go: the SMTP server, or the folder of `.eml` files.
    pub delivery: String,
}

/// An enterprise contract as the operator enters it (R-SUB-10): amounts in
/// the organisation's currency as people type them; the custom schedule
/// one instalment a line, "YYYY-MM-DD amount".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContractForm {
    pub years: u32,
    pub annual_price: String,
    /// Per cent, e.g. "15".
    pub discount: String,
    pub seat_tier: u32,
    /// `annual`, `quarterly` or `custom`.
    pub schedule: String,
    pub custom: String,
}

/// What a contract does, before and after confirming.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContractPreview {
    pub form: ContractForm,
    pub start: NaiveDate,
    /// The first day after its term: the renewal date.
    pub end: NaiveDate,
    pub total: Money,
    pub discount: Money,
    pub instalments: Vec<(NaiveDate, Money)>,
    pub plan_before: String,
    pub plan_after: String,
    /// How it pays now; under the contract it pays by invoice.
    pub payment_before: String,
    /// It replaces a contract that has not invoiced anything yet.
    pub replaces: bool,
    pub saved: bool,
}
