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

#[derive(sqlx::FromRow, serde::Deserialize)]
pub(super) struct GrantRow {
    organisation_id: i64,
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
    let rows: Vec<GrantRow> = sqlx::query_as(&format!(
        "{GRANT_SELECT} WHERE g.organisation_id = $1 AND ($2 IS NULL OR g.expires_at > $2) ORDER BY g.expires_at, g.id"
    ))
    .bind(org_id)
    .bind(live_at.map(ts))
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter().map(grant).collect()
}

/// The credit packs an invoice sold: its pack grants, with what was used.
pub async fn pack_grants_of(
    conn: &mut AnyConnection,
    invoice_id: i64,
) -> Result<Vec<Grant>, AppError> {
    let rows: Vec<GrantRow> = sqlx::query_as(&format!(
        "{GRANT_SELECT} WHERE g.document_id = $1 AND g.kind = 'pack' ORDER BY g.id"
    ))
    .bind(invoice_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter().map(grant).collect()
}

/// The grants of several organisations, by organisation, each in
/// [`grants`]' order.
pub async fn grants_of(
    conn: &mut AnyConnection,
    org_ids: &[i64],
) -> Result<std::collections::HashMap<i64, Vec<Grant>>, AppError> {
    let rows: Vec<GrantRow> = super::select_in(
        conn,
        &format!("{GRANT_SELECT} WHERE g.organisation_id IN {{ids}} ORDER BY g.expires_at, g.id"),
        org_ids,
    )
    .await?;
    let mut out: std::collections::HashMap<i64, Vec<Grant>> = std::collections::HashMap::new();
    for r in rows {
        out.entry(r.organisation_id).or_default().push(grant(r)?);
    }
    Ok(out)
}

/// A grant with what was consumed and expired of it.
pub(super) const GRANT_SELECT: &str = "SELECT g.organisation_id, g.id, g.kind, g.amount, g.granted_at, g.expires_at, \
     CAST(COALESCE((SELECT SUM(e.amount) FROM credit_entries e WHERE e.grant_id = g.id AND e.kind = 'consumption'), 0) AS BIGINT) AS used, \
     CAST(COALESCE((SELECT SUM(e.amount) FROM credit_entries e WHERE e.grant_id = g.id AND e.kind = 'expiry'), 0) AS BIGINT) AS expired \
     FROM credit_grants g";

pub(super) fn grant(r: GrantRow) -> Result<Grant, AppError> {
    Ok(Grant {
        id: r.id,
        kind: kind(&r.kind)?,
        amount: r.amount,
        granted_at: parse_ts(&r.granted_at)?,
        expires_at: parse_ts(&r.expires_at)?,
        used: r.used,
        expired: r.expired,
    })
}

/// Live organisation-wide subscriptions on a plan with monthly credits and
/// no live allowance grant at `now` (a live one is this window's):
/// (organisation, time zone, anchor, monthly credits).
pub async fn subscriptions_without_live_allowance(
    conn: &mut AnyConnection,
    now: DateTime<Utc>,
) -> Result<Vec<(i64, String, String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.organisation_id, o.time_zone, s.anchor, pl.monthly_credits \
         FROM subscriptions s JOIN organisations o ON o.id = s.organisation_id JOIN prices p ON p.id = s.price_id \
         JOIN plans pl ON pl.id = p.plan_id WHERE s.status <> 'canceled' AND s.team_id IS NULL AND pl.monthly_credits > 0 \
         AND NOT EXISTS (SELECT 1 FROM credit_grants g WHERE g.organisation_id = s.organisation_id \
         AND g.kind = 'allowance' AND g.expires_at > $1) ORDER BY s.organisation_id",
    )
    .bind(ts(now))
    .fetch_all(&mut *conn)
    .await
}

/// Organisations with a grant whose time is up at `now` and which still
/// has credits left to expire.
pub async fn orgs_with_expired_credits(
    conn: &mut AnyConnection,
    now: DateTime<Utc>,
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT DISTINCT g.organisation_id FROM credit_grants g WHERE g.expires_at <= $1 \
         AND g.amount > COALESCE((SELECT SUM(e.amount) FROM credit_entries e WHERE e.grant_id = g.id), 0) ORDER BY 1",
    )
    .bind(ts(now))
    .fetch_all(&mut *conn)
    .await
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
    use sqlx::Row;
    let tail = format!("{GRANT_CONFLICT} RETURNING id");
    let rows = super::batch(conn, GRANT_INSERT, &tail, grant_rows(&[g])).await?;
    rows.first().map(|r| r.try_get::<i64, _>(0)).transpose()
}

/// Adds grants many per statement and returns how many were added; one
/// whose (organisation, source) was granted before is left out.
pub async fn insert_grants(
    conn: &mut AnyConnection,
    grants: &[NewGrant<'_>],
) -> Result<u64, sqlx::Error> {
    super::batch_execute(conn, GRANT_INSERT, GRANT_CONFLICT, grant_rows(grants)).await
}

const GRANT_INSERT: &str = "INSERT INTO credit_grants (organisation_id, kind, amount, granted_at, expires_at, source, document_id) VALUES ";
const GRANT_CONFLICT: &str = " ON CONFLICT (organisation_id, source) DO NOTHING";

fn grant_rows(grants: &[NewGrant<'_>]) -> Vec<Vec<super::Val>> {
    grants
        .iter()
        .map(|g| {
            vec![
                super::Val::from(g.org_id),
                g.kind.code().into(),
                g.amount.into(),
                ts(g.granted_at).into(),
                ts(g.expires_at).into(),
                g.source.into(),
                g.document_id.into(),
            ]
        })
        .collect()
}

/// Consumption or expiry entries `(grant id, credits)` of one organisation,
/// many rows per statement.
pub async fn insert_entries(
    conn: &mut AnyConnection,
    org_id: i64,
    kind: &str,
    entries: &[(i64, i64)],
    day: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let rows: Vec<Entry> = entries
        .iter()
        .map(|&(grant_id, amount)| Entry {
            org_id,
            grant_id,
            amount,
            day,
        })
        .collect();
    insert_entries_of(conn, kind, &rows, now).await
}

/// One consumption or expiry entry of any organisation. Usage is entered
/// once per grant and batch; the events themselves are `usage_events`.
pub struct Entry {
    pub org_id: i64,
    pub grant_id: i64,
    pub amount: i64,
    /// The organisation's local day it counts for.
    pub day: NaiveDate,
}

/// Entries of one kind for any organisations, many rows per statement.
pub async fn insert_entries_of(
    conn: &mut AnyConnection,
    kind: &str,
    entries: &[Entry],
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let now = ts(now);
    let rows = entries
        .iter()
        .map(|e| {
            vec![
                super::Val::from(e.org_id),
                e.grant_id.into(),
                kind.into(),
                e.amount.into(),
                e.day.format("%Y-%m-%d").to_string().into(),
                now.as_str().into(),
            ]
        })
        .collect();
    super::batch(
        conn,
        "INSERT INTO credit_entries (organisation_id, grant_id, kind, amount, day, created_at) VALUES ",
        "",
        rows,
    )
    .await?;
    Ok(())
}

/// A usage event's answer: what it cost and the balance it left.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UsageRow {
    pub event_id: String,
    pub cost: i64,
    pub balance: i64,
}

/// The answers given before to those of `event_ids` seen before.
pub async fn usage_answers(
    conn: &mut AnyConnection,
    org_id: i64,
    event_ids: &[&str],
) -> Result<Vec<UsageRow>, sqlx::Error> {
    // Anonymous parameters on SQLite: see `super::PARAMS_PER_STATEMENT`.
    let anonymous = super::Backend::of(conn) == super::Backend::Sqlite;
    let mut found = Vec::new();
    for chunk in event_ids.chunks(super::PARAMS_PER_STATEMENT - 1) {
        let (org, list) = if anonymous {
            ("?", format!("({})", vec!["?"; chunk.len()].join(", ")))
        } else {
            ("$1", super::in_list(2, chunk.len()))
        };
        let sql = format!(
            "SELECT event_id, cost, balance FROM usage_events WHERE organisation_id = {org} AND event_id IN {list}"
        );
        // Planned with its values each time: a plan cached while the table
        // was small would scan the organisation's every event.
        let mut q = sqlx::query_as::<_, UsageRow>(&sql)
            .persistent(false)
            .bind(org_id);
        for id in chunk {
            q = q.bind(*id);
        }
        found.extend(q.fetch_all(&mut *conn).await?);
    }
    Ok(found)
}

/// Records answered events, many rows per statement.
pub async fn insert_usages(
    conn: &mut AnyConnection,
    org_id: i64,
    events: &[UsageRow],
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let now = ts(now);
    let rows = events
        .iter()
        .map(|e| {
            vec![
                super::Val::from(org_id),
                e.event_id.as_str().into(),
                e.cost.into(),
                e.balance.into(),
                now.as_str().into(),
            ]
        })
        .collect();
    super::batch_execute(
        conn,
        "INSERT INTO usage_events (organisation_id, event_id, cost, balance, created_at) VALUES ",
        "",
        rows,
    )
    .await?;
    Ok(())
}

/// A line of the credit history.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct HistoryRow {
    pub at: String,
    pub kind: String,
    pub amount: i64,
    pub detail: String,
}

/// Grants (+), usage events and expiries (−) of organisation `$1`, newest
/// first. Consumption entries are left out: the events they were charged
/// for are shown.
pub(super) const HISTORY_SELECT: &str = "SELECT at, kind, amount, detail FROM ( \
       SELECT granted_at AS at, kind, amount, source AS detail, id AS seq FROM credit_grants WHERE organisation_id = $1 \
       UNION ALL \
       SELECT created_at AS at, 'consumption' AS kind, -cost AS amount, event_id AS detail, id AS seq FROM usage_events WHERE organisation_id = $1 \
       UNION ALL \
       SELECT created_at AS at, kind, -amount AS amount, '' AS detail, id AS seq FROM credit_entries WHERE organisation_id = $1 AND kind = 'expiry' \
     ) h ORDER BY at DESC, seq DESC";

/// Credits consumed on a local day.
#[derive(serde::Deserialize)]
pub struct DayUsed {
    pub day: String,
    pub used: i64,
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
    sqlx::query_as(LAST_PACK_PURCHASE)
        .bind(org_id)
        .fetch_optional(&mut *conn)
        .await
}

/// The number of a credit-pack invoice of the organisation that is still
/// owed, if any: a pack bought on invoice gives its credits at once, and
/// the next one waits until it is paid.
pub async fn unpaid_pack(
    conn: &mut AnyConnection,
    org_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(&format!(
        "SELECT d.number FROM documents d WHERE d.organisation_id = $1 AND d.kind = 'invoice' \
         AND d.status = 'pending' AND {DUE} > 0 \
         AND EXISTS (SELECT 1 FROM credit_grants g WHERE g.document_id = d.id AND g.kind = 'pack') \
         ORDER BY d.id LIMIT 1",
        DUE = super::documents::DUE
    ))
    .bind(org_id)
    .fetch_optional(&mut *conn)
    .await
}

/// Organisation `$1`'s latest credit-pack purchase.
pub(super) const LAST_PACK_PURCHASE: &str =
    "SELECT d.number, d.issue_date, g.amount FROM credit_grants g \
     JOIN documents d ON d.id = g.document_id \
     WHERE g.organisation_id = $1 AND g.kind = 'pack' ORDER BY g.id DESC LIMIT 1";

/// A pack purchase as [`LAST_PACK_PURCHASE`] reads it.
#[derive(serde::Deserialize)]
pub(super) struct PurchaseRow {
    pub number: String,
}

/// Stores a new key by its prefix and hash (never the secret); `created_by`
/// is the user who made it. Returns its id.
pub async fn insert_api_key(
    conn: &mut AnyConnection,
    org_id: i64,
    name: &str,
    prefix: &str,
    hash: &str,
    created_by: Option<i64>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO api_keys (organisation_id, name, prefix, hash, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(org_id)
    .bind(name)
    .bind(prefix)
    .bind(hash)
    .bind(created_by)
    .bind(super::now_text())
    .fetch_one(&mut *conn)
    .await
}

/// Revokes the organisation's live key `id`, returning its prefix; `None`
/// when the organisation has no such live key (another organisation's id
/// is not found).
pub async fn revoke_api_key(
    conn: &mut AnyConnection,
    org_id: i64,
    id: i64,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND organisation_id = $3 AND revoked_at IS NULL RETURNING prefix",
    )
    .bind(super::now_text())
    .bind(id)
    .bind(org_id)
    .fetch_optional(&mut *conn)
    .await
}
