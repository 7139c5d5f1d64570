//! The audit log (R-OPS-1).

use super::*;

/// One page of the audit log, newest first, filtered.
#[server(endpoint = "ops_audit")]
pub async fn ops_audit(
    org_id: Option<i64>,
    actor: Option<String>,
    action: Option<String>,
    from: Option<String>,
    to: Option<String>,
    before: Option<i64>,
) -> Result<AuditPage, AppError> {
    let ctx = Ctx::get()?;
    ctx.require_operator(Action::ViewBilling).await?;
    let day = |field: &str, v: Option<String>| {
        v.filter(|s| !s.trim().is_empty())
            .map(|s| parse_day(field, &s))
            .transpose()
    };
    let text = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let filter = crate::services::console::AuditQuery {
        org_id,
        actor: text(actor),
        action: text(action),
        from: day("from", from)?,
        to: day("to", to)?,
    };
    crate::services::console::audit_log(&ctx.db, &filter, before).await
}
