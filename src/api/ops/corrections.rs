//! Money corrections and contracts: voids, goodwill notes and credits, enterprise contracts.

use super::*;

/// Voids an invoice with a full credit note (`confirm`), or previews it.
#[server(endpoint = "ops_void")]
pub async fn ops_void(
    org_id: i64,
    number: String,
    reason: String,
    idempotency_key: String,
    confirm: Option<String>,
) -> Result<VoidPreview, AppError> {
    let ctx = Ctx::get()?;
    let by = ctx.require_operator(Action::Operate).await?;
    crate::services::corrections::void_invoice(
        &ctx.db,
        &crate::domain::party::Acting::by(org_id, by),
        &number,
        &reason,
        crate::services::corrections::Step::of(confirm.is_some(), &idempotency_key),
        ctx.now(),
    )
    .await
}

/// Issues a goodwill credit note against an invoice (`confirm`), or
/// previews it. `amount` is before VAT, in the invoice's currency.
#[server(endpoint = "ops_goodwill_note")]
pub async fn ops_goodwill_note(
    org_id: i64,
    number: String,
    amount: String,
    reason: String,
    idempotency_key: String,
    confirm: Option<String>,
) -> Result<GoodwillNote, AppError> {
    let ctx = Ctx::get()?;
    let by = ctx.require_operator(Action::Operate).await?;
    crate::services::corrections::goodwill_note(
        &ctx.db,
        &crate::domain::party::Acting::by(org_id, by),
        number.trim(),
        &amount,
        &reason,
        crate::services::corrections::Step::of(confirm.is_some(), &idempotency_key),
        ctx.now(),
    )
    .await
}

/// Grants goodwill credits usable through `last_day` (`confirm`), or
/// previews it.
#[server(endpoint = "ops_goodwill_credits")]
pub async fn ops_goodwill_credits(
    org_id: i64,
    credits: i64,
    last_day: String,
    reason: String,
    idempotency_key: String,
    confirm: Option<String>,
) -> Result<GoodwillCredits, AppError> {
    let ctx = Ctx::get()?;
    let by = ctx.require_operator(Action::Operate).await?;
    crate::services::corrections::goodwill_credits(
        &ctx.db,
        &crate::domain::party::Acting::by(org_id, by),
        credits,
        parse_day("last_day", &last_day)?,
        &reason,
        crate::services::corrections::Step::of(confirm.is_some(), &idempotency_key),
        ctx.now(),
    )
    .await
}

/// Sets up an enterprise contract (`confirm`), or previews it. Its custom
/// schedule is one instalment a line, "YYYY-MM-DD amount".
#[server(endpoint = "ops_contract")]
pub async fn ops_contract(
    org_id: i64,
    form: ContractForm,
    idempotency_key: String,
    confirm: Option<String>,
) -> Result<ContractPreview, AppError> {
    let ctx = Ctx::get()?;
    let by = ctx.require_operator(Action::Operate).await?;
    crate::services::contracts::set_contract(
        &ctx.db,
        &crate::domain::party::Acting::by(org_id, by),
        &form,
        crate::services::corrections::Step::of(confirm.is_some(), &idempotency_key),
        ctx.now(),
    )
    .await
}
