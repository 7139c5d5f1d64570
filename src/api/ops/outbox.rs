//! The e-mail outbox (R-INV-7).

use super::*;

/// The e-mail outbox, newest first: `status` is `waiting`, `sent`,
/// `failed` or empty for all.
#[server(endpoint = "ops_outbox")]
pub async fn ops_outbox(
    status: Option<String>,
    before: Option<i64>,
) -> Result<OutboxPage, AppError> {
    let ctx = Ctx::get()?;
    ctx.require_operator(Action::ViewBilling).await?;
    let status = status.filter(|s| !s.is_empty());
    if let Some(s) = &status {
        if !["waiting", "sent", "failed"].contains(&s.as_str()) {
            return Err(AppError::invalid("status", "waiting, sent or failed"));
        }
    }
    crate::services::console::outbox_page(
        &ctx.db,
        &ctx.seller.legal_name,
        status.as_deref(),
        before,
        ctx.mail_delivery.to_string(),
    )
    .await
}
