//! The billing overview (R-UI-1).

use crate::domain::catalog::Limit;
use crate::domain::contract::Instalment;
use crate::domain::money::Money;
use crate::domain::payment::PaymentMethodKind;
use crate::domain::period::Interval;
use crate::domain::subscription::Status;
pub use crate::views::documents::{DocumentStatus, DocumentSummary};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Banner {
    Scheduled {
        plan: String,
        seats: u32,
        date: NaiveDate,
    },
    Trial {
        plan: String,
        days_left: i64,
        ends: NaiveDate,
    },
    /// Charges failed and are still owed (R-PAY-2); `None` when the
    /// subscription was marked past due otherwise.
    PastDue(Option<FailedPayment>),
    PartnerManaged {
        partner: String,
        contact: Option<String>,
    },
    PlanLocked,
    ContactSales,
}

/// "Your payment of 1 250,00 kr failed: card declined.", or "Your invoices
/// of 1 250,00 kr are overdue." when no charge was declined (`decline` is
/// `None`: the invoices were left unpaid past their due date).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FailedPayment {
    pub amount: Money,
    pub decline: Option<crate::domain::payment::Decline>,
    /// How many invoices it is.
    pub invoices: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContractView {
    pub years: u32,
    pub total: Money,
    /// What one contract year costs after the discount.
    pub yearly: Money,
    pub discount: Money,
    pub seat_tier: u32,
    pub renewal_date: NaiveDate,
    pub instalments: Vec<Instalment>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaymentMethodView {
    pub kind: PaymentMethodKind,
    pub card: Option<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamPlan {
    pub team_id: i64,
    pub team: String,
    pub plan: String,
    pub seats: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Overview {
    pub org_name: String,
    /// The team whose billing page this is: its id and name (R-ACC-2).
    pub team: Option<(i64, String)>,
    /// On the organisation's page: the teams with a plan of their own.
    pub team_plans: Vec<TeamPlan>,
    /// The plan in use: during a trial, the plan tried.
    pub plan_name: String,
    /// During a trial, the plan paid for and returned to.
    pub paid_plan: Option<String>,
    pub features: Vec<String>,
    pub limits: Vec<Limit>,
    pub monthly_credits: i64,
    pub price: Money,
    pub interval: Interval,
    pub status: Status,
    pub seats_used: u32,
    pub seats_bought: u32,
    pub next_billing_date: Option<NaiveDate>,
    /// The next invoice's total with VAT, as the billing clock issues it.
    pub next_amount: Option<Money>,
    /// What it will ask to be paid: the total less the account balance it
    /// will use (shown when the balance changes it).
    pub next_amount_due: Option<Money>,
    /// Account credit (credit notes, payments beyond what was due) that
    /// later invoices use; zero when there is none.
    pub account_balance: Money,
    pub payment_method: PaymentMethodView,
    pub commitment_end: Option<NaiveDate>,
    pub auto_renew: bool,
    pub legacy_discount: Option<Money>,
    pub contract: Option<ContractView>,
    pub banners: Vec<Banner>,
    /// Whether plan-change controls are shown to this user: any change the
    /// server would take (a past-due owner may still downgrade).
    pub can_change_plan: bool,
    /// Whether this user may change the payment method and retry a failed
    /// payment (the billing owner).
    pub can_pay: bool,
    /// The last day of service, when the subscription does not renew.
    pub service_ends: Option<NaiveDate>,
    /// The latest invoices and credit notes, newest first.
    pub documents: Vec<DocumentSummary>,
    /// A fresh idempotency key for the actions on this page.
    pub action_key: String,
}

/// The billing page of a scope: the organisation's, or a team's own
/// (R-ACC-2).
pub fn billing_href(team: Option<i64>) -> String {
    match team {
        Some(team) => format!("/billing/teams/{team}"),
        None => "/billing".into(),
    }
}
