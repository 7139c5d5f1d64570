//! Credits (R-CRD-1…6, R-UI-5): balance by grant, history, daily usage,
//! buying a pack, and the usage API keys.

use crate::domain::money::Money;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantView {
    /// allowance, pack or goodwill
    pub kind: String,
    pub amount: i64,
    pub remaining: i64,
    /// The last local day it can be used.
    pub last_day: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub day: NaiveDate,
    /// allowance, pack, goodwill (grants), consumption or expiry
    pub kind: String,
    /// Positive for grants, negative for consumption and expiry.
    pub amount: i64,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackView {
    pub id: i64,
    pub name: String,
    pub credits: i64,
    /// Before VAT, and what the invoice will say with VAT.
    pub price: Money,
    pub price_with_vat: Money,
    pub validity_months: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditsView {
    pub balance: i64,
    pub grants: Vec<GrantView>,
    pub history: Vec<HistoryEntry>,
    pub page: u32,
    pub has_more: bool,
    /// The last 30 local days, oldest first, with credits consumed.
    pub daily_usage: Vec<(NaiveDate, i64)>,
    /// Empty where the plan allows no packs (Starter).
    pub packs: Vec<PackView>,
    pub packs_refusal: Option<crate::i18n::Text>,
    pub action_key: String,
    /// The invoice number of the latest pack purchase this page knows of
    /// ("" before the first): a purchase from a page older than the last
    /// purchase asks again (two tabs buy once).
    pub last_purchase: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackBought {
    pub invoice: String,
    pub credits: i64,
    pub expires: NaiveDate,
    /// The charge, when the organisation pays by card or PayPal.
    pub payment: Option<crate::domain::payment::Charged>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyView {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub created: String,
    pub revoked: bool,
}

/// A new key: the secret is in this answer once and never again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewApiKey {
    pub id: i64,
    pub secret: String,
}

/// The API keys page: the keys, and the secret of a key just created,
/// shown this once (after a form post without JavaScript too).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiKeys {
    pub keys: Vec<ApiKeyView>,
    pub created: Option<NewApiKey>,
}
