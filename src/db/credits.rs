//! The credit ledger's rows: grants, consumption and expiry entries, usage
//! events, API keys.

use crate::domain::credits::{Grant, GrantKind};
use crate::error::AppError;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use sqlx::AnyConnection;

/// Instants are stored as `YYYY-MM-DDTHH:MM:SSZ`, which sorts as it reads.
pub fn ts(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

pub fn parse_ts(s: &str) -> Result<DateTime<Utc>, AppError> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%SZ")
        .map(|t| t.and_utc())
        .map_err(|e| AppError::internal("stored instant", e))
}

fn kind(code: &str) -> Result<GrantKind, AppError> {
    match code {
        "allowance" => Ok(GrantKind::Allowance),
        "pack" => Ok(GrantKind::Pack),
        "goodwill" => Ok(GrantKind::Goodwill),
        other => Err(AppError::internal("grant kind", other)),
    }
}

#[derive(sqlx::FromRow)]
struct GrantRow {
    id: i64,
    kind: String,
    amount: i64,
    granted_at: String,
    expires_at: String,
    used: i64,
    expired: i64,
}

/// Grants with what was consumed and expired of each. `live_at` keeps only
/// grants that still have credits and have not expired by then.
pub async fn grants(
    conn: &mut AnyConnection,
    org_id: i64,
    live_at: Option<DateTime<Utc>>,
) -> Result<Vec<Grant>, AppError> {
    let rows: Vec<GrantRow> = sqlx::query_as(
        "SELECT g.id, g.kind, g.amount, g.granted_at, g.expires_at, \
         CAST(COALESCE((SELECT SUM(e.amount) FROM credit_entries e WHERE e.grant_id = g.id AND e.kind = 'consumption'), 0) AS BIGINT) AS used, \
         CAST(COALESCE((SELECT SUM(e.amount) FROM credit_entries e WHERE e.grant_id = g.id AND e.kind = 'expiry'), 0) AS BIGINT) AS expired \
         FROM credit_grants g WHERE g.organisation_id = $1 AND ($2 IS NULL OR g.expires_at > $2) ORDER BY g.expires_at, g.id",
    )
    .bind(org_id)
    .bind(live_at.map(ts))
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(Grant {
                id: r.id,
                kind: kind(&r.kind)?,
                amount: r.amount,
                granted_at: parse_ts(&r.granted_at)?,
                expires_at: parse_ts(&r.expires_at)?,
                used: r.used,
                expired: r.expired,
            })
        })
        .collect()
}

pub struct NewGrant<'a> {
    pub org_id: i64,
    pub kind: GrantKind,
    pub amount: i64,
    pub granted_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub source: &'a str,
    pub document_id: Option<i64>,
}

/// Adds a grant; `None` when its source was granted before.
pub async fn insert_grant(
    conn: &mut AnyConnection,
    g: NewGrant<'_>,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO credit_grants (organisation_id, kind, amount, granted_at, expires_at, source, document_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (organisation_id, source) DO NOTHING RETURNING id",
    )
    .bind(g.org_id)
    .bind(g.kind.code())
    .bind(g.amount)
    .bind(ts(g.granted_at))
    .bind(ts(g.expires_at))
    .bind(g.source)
    .bind(g.document_id)
    .fetch_optional(&mut *conn)
    .await
}

/// Consumption or expiry entries `(grant id, credits, event id)`, many rows
/// per statement.
pub async fn insert_entries(
    conn: &mut AnyConnection,
    org_id: i64,
    kind: &str,
    entries: &[(i64, i64, Option<String>)],
    day: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    use super::Col::{Own, Shared};
    let day = day.format("%Y-%m-%d").to_string();
    let now = ts(now);
    for chunk in entries.chunks(super::ROWS_PER_STATEMENT) {
        let sql = super::values_sql(
            "INSERT INTO credit_entries (organisation_id, grant_id, kind, amount, event_id, day, created_at) VALUES ",
            chunk.len(),
            &[Shared(1), Own, Shared(2), Own, Own, Shared(3), Shared(4)],
        );
        let mut q = sqlx::query(&sql)
            .bind(org_id)
            .bind(kind)
            .bind(day.as_str())
            .bind(now.as_str());
        for (grant_id, amount, event_id) in chunk {
            q = q.bind(*grant_id).bind(*amount).bind(event_id.as_deref());
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Stored answers for those of `event_ids` seen before: (event id, answer).
pub async fn usage_responses(
    conn: &mut AnyConnection,
    org_id: i64,
    event_ids: &[&str],
) -> Result<Vec<(String, String)>, sqlx::Error> {
    let mut found = Vec::new();
    for chunk in event_ids.chunks(super::ROWS_PER_STATEMENT) {
        let placeholders: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
        let sql = format!(
            "SELECT event_id, response FROM usage_events WHERE organisation_id = $1 AND event_id IN ({})",
            placeholders.join(", ")
        );
        // Planned with its values each time: a plan cached while the table
        // was small would scan the organisation's every event.
        let mut q = sqlx::query_as::<_, (String, String)>(&sql)
            .persistent(false)
            .bind(org_id);
        for id in chunk {
            q = q.bind(*id);
        }
        found.extend(q.fetch_all(&mut *conn).await?);
    }
    Ok(found)
}

/// Records answered events `(event id, cost, answer)`, many rows per statement.
pub async fn insert_usages(
    conn: &mut AnyConnection,
    org_id: i64,
    events: &[(String, i64, String)],
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    use super::Col::{Own, Shared};
    let now = ts(now);
    for chunk in events.chunks(super::ROWS_PER_STATEMENT) {
        let sql = super::values_sql(
            "INSERT INTO usage_events (organisation_id, event_id, cost, response, created_at) VALUES ",
            chunk.len(),
            &[Shared(1), Own, Own, Own, Shared(2)],
        );
        let mut q = sqlx::query(&sql).bind(org_id).bind(now.as_str());
        for (event_id, cost, response) in chunk {
            q = q
                .bind(event_id.as_str())
                .bind(*cost)
                .bind(response.as_str());
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HistoryRow {
    pub at: String,
    pub kind: String,
    pub amount: i64,
    pub detail: String,
}

/// Grants (+) and entries (−), newest first.
pub async fn history(
    conn: &mut AnyConnection,
    org_id: i64,
    limit: i64,
    offset: i64,
) -> Result<Vec<HistoryRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT at, kind, amount, detail FROM ( \
           SELECT granted_at AS at, kind, amount, source AS detail, id AS seq FROM credit_grants WHERE organisation_id = $1 \
           UNION ALL \
           SELECT created_at AS at, kind, -amount AS amount, COALESCE(event_id, '') AS detail, id AS seq FROM credit_entries WHERE organisation_id = $1 \
         ) h ORDER BY at DESC, seq DESC LIMIT $2 OFFSET $3",
    )
    .bind(org_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(&mut *conn)
    .await
}

/// Credits consumed per local day from `since` on.
pub async fn daily_usage(
    conn: &mut AnyConnection,
    org_id: i64,
    since: NaiveDate,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT day, CAST(SUM(amount) AS BIGINT) FROM credit_entries \
         WHERE organisation_id = $1 AND kind = 'consumption' AND day >= $2 GROUP BY day ORDER BY day",
    )
    .bind(org_id)
    .bind(since.format("%Y-%m-%d").to_string())
    .fetch_all(&mut *conn)
    .await
}

/// The organisation and key id behind a live API key's prefix and hash.
pub async fn api_key(
    conn: &mut AnyConnection,
    prefix: &str,
) -> Result<Option<(i64, i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, organisation_id, hash FROM api_keys WHERE prefix = $1 AND revoked_at IS NULL",
    )
    .bind(prefix)
    .fetch_optional(&mut *conn)
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApiKeyRow {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

pub async fn api_keys(
    conn: &mut AnyConnection,
    org_id: i64,
) -> Result<Vec<ApiKeyRow>, sqlx::Error> {
    sqlx::query_as("SELECT id, name, prefix, created_at, revoked_at FROM api_keys WHERE organisation_id = $1 ORDER BY id DESC")
        .bind(org_id)
        .fetch_all(&mut *conn)
        .await
}

/// The organisation's latest credit-pack purchase: its invoice number, the
/// day it was issued and the credits. `None` before the first.
pub async fn last_pack_purchase(
    conn: &mut AnyConnection,
    org_id: i64,
) -> Result<Option<(String, String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT d.number, d.issue_date, g.amount FROM credit_grants g JOIN documents d ON d.id = g.document_id \
         WHERE g.organisation_id = $1 AND g.kind = 'pack' ORDER BY g.id DESC LIMIT 1",
    )
    .bind(org_id)
    .fetch_optional(&mut *conn)
    .await
}
