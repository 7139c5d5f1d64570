//! The operators' console (R-OPS-1/2): its own accounts and session, the
//! permission table (customers and anonymous refused, support reads only),
//! and each action with its audit row.

use crate::clock::org_id;
use crate::plan_changes::{confirm, plan_id, preview};
use crate::support::{both_databases, spawn_app, Backend, Client, TestApp};
use billing_portal::api::billing::Overview;
use billing_portal::api::ops::{
    AuditPage, CatalogView, ContractPreview, GoodwillCredits, GoodwillNote, OrgRow, OrgView,
    OutboxPage, PaymentsView, PricePublished, VoidPreview,
};
use billing_portal::error::AppError;
use billing_portal::services::clock::advance;

pub(crate) const OPERATOR: &str = "olof@vendor.example";
pub(crate) const SUPPORT: &str = "siv@vendor.example";

async fn ops_login(app: &TestApp, email: &str, password: &str) -> Result<Client, AppError> {
    let client = app.anonymous();
    app.call::<()>(
        &client,
        "ops_login",
        &[("email", email), ("password", password)],
    )
    .await?;
    Ok(client)
}

pub(crate) async fn operator(app: &TestApp, email: &str) -> Client {
    ops_login(app, email, billing_portal::seed::DEMO_PASSWORD)
        .await
        .unwrap_or_else(|e| panic!("operator login {email}: {e}"))
}

/// The number of audit rows of `action` by `actor`.
async fn audited(app: &TestApp, actor: &str, action: &str) -> i64 {
    app.scalar(&format!(
        "SELECT COUNT(*) FROM audit_log WHERE actor = '{actor}' AND action = '{action}'"
    ))
    .await
}

async fn operator_id(app: &TestApp, email: &str) -> i64 {
    app.scalar(&format!("SELECT id FROM operators WHERE email = '{email}'"))
        .await
}

type Args = Vec<(&'static str, String)>;

async fn call_json(
    app: &TestApp,
    c: &Client,
    endpoint: &str,
    args: &[(&'static str, String)],
) -> Result<serde_json::Value, AppError> {
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.call::<serde_json::Value>(c, endpoint, &args).await
}

mod access;
mod audit;
mod catalog;
mod clock;
mod contracts;
mod corrections;
mod members;
mod outbox;
mod payments;
