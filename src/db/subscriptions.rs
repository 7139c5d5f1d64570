//! Writing a subscription's state, its pending lines and the audit log.

use super::date;
use crate::domain::invoice::LineItem;
use crate::domain::subscription::Subscription;
use crate::error::AppError;
use sqlx::AnyConnection;

/// Stores every field the domain may change, from the domain value.
pub async fn save(conn: &mut AnyConnection, id: i64, s: &Subscription) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE subscriptions SET price_id = $1, seats = $2, anchor = $3, period_start = $4, period_end = $5, \
         status = $6, commitment_end = $7, auto_renew = $8, scheduled_price_id = $9, scheduled_seats = $10, \
         trial_price_id = $11, trial_started = $12, trial_ends = $13 WHERE id = $14",
    )
    .bind(s.price.id)
    .bind(i64::from(s.seats))
    .bind(date(s.anchor))
    .bind(date(s.period.start))
    .bind(date(s.period.end))
    .bind(s.status.code())
    .bind(s.commitment_end.map(date))
    .bind(super::flag(s.auto_renew))
    .bind(s.scheduled.as_ref().map(|c| c.price.id))
    .bind(s.scheduled.as_ref().map(|c| i64::from(c.seats)))
    .bind(s.trial.as_ref().map(|t| t.price.id))
    .bind(s.trial.as_ref().map(|t| date(t.started)))
    .bind(s.trial.as_ref().map(|t| date(t.ends)))
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn add_pending_lines(
    conn: &mut AnyConnection,
    subscription_id: i64,
    lines: &[LineItem],
) -> Result<(), AppError> {
    for line in lines {
        let json =
            serde_json::to_string(line).map_err(|e| AppError::internal("pending line", e))?;
        sqlx::query(
            "INSERT INTO pending_lines (subscription_id, line, created_at) VALUES ($1, $2, $3)",
        )
        .bind(subscription_id)
        .bind(json)
        .bind(super::now_text())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Replaces the lines still waiting for an invoice (an upgrade cuts them).
pub async fn replace_pending_lines(
    conn: &mut AnyConnection,
    subscription_id: i64,
    lines: &[LineItem],
) -> Result<(), AppError> {
    sqlx::query(
        "DELETE FROM pending_lines WHERE subscription_id = $1 AND billed_document_id IS NULL",
    )
    .bind(subscription_id)
    .execute(&mut *conn)
    .await?;
    add_pending_lines(conn, subscription_id, lines).await
}

/// Lines owed for the running period, not yet on an invoice.
pub async fn pending_lines(
    conn: &mut AnyConnection,
    subscription_id: i64,
) -> Result<Vec<LineItem>, AppError> {
    let rows: Vec<String> = sqlx::query_scalar(
        "SELECT line FROM pending_lines WHERE subscription_id = $1 AND billed_document_id IS NULL ORDER BY id",
    )
    .bind(subscription_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| serde_json::from_str(r).map_err(|e| AppError::internal("pending line", e)))
        .collect()
}

pub async fn tried_plans(conn: &mut AnyConnection, org_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT plan_id FROM trials_used WHERE organisation_id = $1")
        .bind(org_id)
        .fetch_all(&mut *conn)
        .await
}

/// Who changed what, when, from what to what (R-OPS-1).
pub async fn audit(
    conn: &mut AnyConnection,
    org_id: i64,
    actor: &str,
    action: &str,
    before: &impl serde::Serialize,
    after: &impl serde::Serialize,
) -> Result<(), AppError> {
    let before = serde_json::to_string(before).map_err(|e| AppError::internal("audit", e))?;
    let after = serde_json::to_string(after).map_err(|e| AppError::internal("audit", e))?;
    sqlx::query(
        "INSERT INTO audit_log (organisation_id, actor, action, before, after, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(org_id)
    .bind(actor)
    .bind(action)
    .bind(before)
    .bind(after)
    .bind(super::now_text())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Takes the organisation's billing lock and returns its new version. Every
/// billing write does this first, so writes on one organisation serialise on
/// PostgreSQL as on SQLite.
pub async fn lock_org(conn: &mut AnyConnection, org_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("UPDATE organisations SET lock_version = lock_version + 1 WHERE id = $1 RETURNING lock_version")
        .bind(org_id)
        .fetch_one(&mut *conn)
        .await
}

/// The organisation's standing (R-ACC-6, R-PAY-2): its flags and whether
/// its subscription is past due. `None` for no such organisation.
pub async fn standing(
    conn: &mut AnyConnection,
    org_id: i64,
) -> Result<Option<crate::domain::subscription::OrgTerms>, sqlx::Error> {
    let row: Option<(Option<String>, i64, i64, i64)> = sqlx::query_as(
        "SELECT o.partner_name, o.plan_locked, o.manually_billed, \
         (SELECT COUNT(*) FROM subscriptions s WHERE s.organisation_id = o.id AND s.status = 'past_due') \
         FROM organisations o WHERE o.id = $1",
    )
    .bind(org_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(
        |(partner, locked, manual, past_due)| crate::domain::subscription::OrgTerms {
            partner,
            plan_locked: locked == 1,
            manually_billed: manual == 1,
            past_due: past_due > 0,
        },
    ))
}

/// The stored answer to an earlier request with this key, if there was one.
pub async fn idempotent_response(
    conn: &mut AnyConnection,
    org_id: i64,
    key: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT response FROM idempotency_keys WHERE organisation_id = $1 AND key = $2",
    )
    .bind(org_id)
    .bind(key)
    .fetch_optional(&mut *conn)
    .await
}

pub async fn store_response(
    conn: &mut AnyConnection,
    org_id: i64,
    key: &str,
    action: &str,
    response: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO idempotency_keys (organisation_id, key, action, response, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(org_id)
        .bind(key)
        .bind(action)
        .bind(response)
        .bind(super::now_text())
        .execute(&mut *conn)
        .await?;
    Ok(())
}
