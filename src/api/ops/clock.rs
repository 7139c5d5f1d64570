//! The test clock and running the billing clock now (R-OPS-2).

use super::*;

/// The test clock (R-OPS-2): what the clock would have issued the
/// organisation by midday (UTC) of `date`, writing nothing. Up to five
/// years ahead: the clock steps period by period.
#[server(endpoint = "ops_clock_preview")]
pub async fn ops_clock_preview(org_id: i64, date: String) -> Result<Vec<WouldIssue>, AppError> {
    let ctx = Ctx::get()?;
    ctx.require_operator(Action::ViewBilling).await?;
    let day = parse_day("date", &date)?;
    let now = ctx.now();
    if !crate::domain::period::within_five_years(day, now.date_naive()) {
        return Err(AppError::invalid(
            "date",
            "choose a day from today to five years ahead",
        ));
    }
    let until = day
        .and_hms_opt(12, 0, 0)
        .map_or(now, |noon| noon.and_utc().max(now));
    let issued = crate::services::clock::predict(&ctx.db, org_id, until).await?;
    let locale = crate::domain::locale::Locale::default();
    Ok(issued
        .into_iter()
        .map(|i| WouldIssue {
            issue_date: i.issue_date,
            lines: i
                .lines
                .iter()
                .map(|l| (l.describe(locale), l.amount))
                .collect(),
            total: i.totals.total,
        })
        .collect())
}

/// Runs the billing clock now for everyone (idempotent): what it did.
#[server(endpoint = "ops_clock_run")]
pub async fn ops_clock_run() -> Result<Vec<(String, i64)>, AppError> {
    let ctx = Ctx::get()?;
    ctx.require_operator(Action::Operate).await?;
    let c = crate::services::clock::advance(&ctx.db, &ctx.gateway, ctx.now()).await?;
    Ok(vec![
        ("renewed".into(), c.renewed as i64),
        ("invoices".into(), c.invoices as i64),
        ("trials ended".into(), c.trials_ended as i64),
        ("subscriptions ended".into(), c.ended as i64),
        ("contract instalments".into(), c.instalments as i64),
        ("allowances granted".into(), c.allowances_granted as i64),
        ("credits expired".into(), c.credits_expired),
        ("reminders".into(), c.reminders as i64),
        ("charges paid".into(), c.payments.paid as i64),
        ("charges declined".into(), c.payments.declined as i64),
        ("failed".into(), c.failed as i64),
    ])
}
