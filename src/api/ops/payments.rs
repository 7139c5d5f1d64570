//! Bank payments: recorded, matched and reversed by hand (R-PAY-3).

use super::*;

#[server(endpoint = "ops_payments")]
pub async fn ops_payments() -> Result<PaymentsView, AppError> {
    let ctx = Ctx::get()?;
    ctx.require_operator(Action::ViewBilling).await?;
    crate::services::console::payments_waiting(&ctx.db).await
}

/// Records a bank payment by hand; the key keeps a repeat from counting twice.
#[server(endpoint = "ops_record_payment")]
pub async fn ops_record_payment(
    date: String,
    amount: String,
    currency: String,
    reference: String,
    payer: Option<String>,
    idempotency_key: String,
) -> Result<String, AppError> {
    use crate::domain::money::{Currency, Money};
    use crate::services::bank::{record, Recorded, Recording};
    let ctx = Ctx::get()?;
    let by = ctx.require_operator(Action::Operate).await?;
    let currency = Currency::parse(&currency).map_err(|e| AppError::invalid("currency", e))?;
    let r = Recording {
        key: idempotency_key,
        date: parse_day("date", &date)?,
        amount: Money::parse_major(&amount, currency)
            .map_err(|e| AppError::invalid("amount", e))?,
        reference,
        payer: payer.filter(|p| !p.trim().is_empty()),
    };
    Ok(match record(&ctx.db, &by, &r).await? {
        Recorded::Matched => "Matched to its invoice by the OCR reference".into(),
        Recorded::Unmatched(why) => format!("Kept for matching by hand: {why}"),
        Recorded::AlreadyRecorded => "Recorded before; nothing added".into(),
    })
}

#[server(endpoint = "ops_match_payment")]
pub async fn ops_match_payment(payment_id: i64, invoice: String) -> Result<(), AppError> {
    let ctx = Ctx::get()?;
    let by = ctx.require_operator(Action::Operate).await?;
    crate::services::bank::match_to_invoice(&ctx.db, &by, payment_id, invoice.trim()).await
}

/// Takes back a bank payment matched to the wrong invoice; it waits again.
#[server(endpoint = "ops_reverse_match")]
pub async fn ops_reverse_match(payment_id: i64, reason: String) -> Result<(), AppError> {
    let ctx = Ctx::get()?;
    let by = ctx.require_operator(Action::Operate).await?;
    let today = ctx.now().date_naive();
    crate::services::bank::reverse_match(&ctx.db, &by, payment_id, &reason, today).await
}
