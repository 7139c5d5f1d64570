//! The e-mail outbox (R-INV-7): messages queued in the transaction that
//! caused them, claimed by one sender at a time, marked sent or retried.

use super::credits::ts;
use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

/// A message claimed for sending: about a document (its number and due
/// date), or composed when it was queued (its subject and body).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Claimed {
    pub id: i64,
    pub document_id: Option<i64>,
    pub organisation_id: i64,
    pub kind: String,
    pub recipient: Option<String>,
    pub attempts: i64,
    pub number: Option<String>,
    pub due_date: Option<String>,
    pub subject: Option<String>,
    pub body: Option<String>,
    /// The organisation's country: the language of a document's message.
    pub country: String,
}

/// Claims up to `limit` messages due at `now`, and those claimed before
/// `stale` by a sender that never finished, in one statement. The outer
/// condition is checked again on the row itself, so two servers never
/// claim one message.
pub async fn claim(
    conn: &mut AnyConnection,
    now: DateTime<Utc>,
    stale: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Claimed>, sqlx::Error> {
    sqlx::query_as(
        "UPDATE outbox SET status = 'sending', claimed_at = $1 \
         WHERE id IN (SELECT id FROM outbox WHERE (status = 'queued' AND next_attempt_at <= $1) \
                      OR (status = 'sending' AND claimed_at < $2) ORDER BY id LIMIT $3) \
         AND ((status = 'queued' AND next_attempt_at <= $1) OR (status = 'sending' AND claimed_at < $2)) \
         RETURNING id, document_id, organisation_id, kind, recipient, attempts, \
         (SELECT number FROM documents d WHERE d.id = outbox.document_id) AS number, \
         (SELECT due_date FROM documents d WHERE d.id = outbox.document_id) AS due_date, subject, body, \
         (SELECT country FROM organisations o WHERE o.id = outbox.organisation_id) AS country",
    )
    .bind(ts(now))
    .bind(ts(stale))
    .bind(limit)
    .fetch_all(&mut *conn)
    .await
}

pub async fn mark_sent(
    conn: &mut AnyConnection,
    id: i64,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE outbox SET status = 'sent', sent_at = $1, last_error = NULL WHERE id = $2")
        .bind(ts(now))
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A failed send: tried again at `next` (status `queued`), or given up
/// (`failed`).
pub async fn mark_unsent(
    conn: &mut AnyConnection,
    id: i64,
    given_up: bool,
    attempts: i64,
    next: DateTime<Utc>,
    error: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE outbox SET status = $1, attempts = $2, next_attempt_at = $3, last_error = $4 WHERE id = $5",
    )
    .bind(if given_up { "failed" } else { "queued" })
    .bind(attempts)
    .bind(ts(next))
    .bind(error)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// One message as the console lists it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Listed {
    pub id: i64,
    pub created_at: String,
    pub kind: String,
    pub recipient: Option<String>,
    pub status: String,
    pub attempts: i64,
    pub sent_at: Option<String>,
    pub last_error: Option<String>,
    pub organisation_id: i64,
    pub organisation: String,
    pub number: Option<String>,
    pub subject: Option<String>,
    pub country: String,
}

/// Messages newest first, `limit` of them older than `before`, of one
/// status or all; `waiting` means queued or being sent.
pub async fn page(
    conn: &mut AnyConnection,
    status: Option<&str>,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Listed>, sqlx::Error> {
    let statuses: &[&str] = match status {
        Some("waiting") => &["queued", "sending"],
        Some("sent") => &["sent"],
        Some("failed") => &["failed"],
        _ => &["queued", "sending", "sent", "failed"],
    };
    let list = statuses
        .iter()
        .map(|s| format!("'{s}'"))
        .collect::<Vec<_>>()
        .join(", ");
    sqlx::query_as(&format!(
        "SELECT x.id, x.created_at, x.kind, x.recipient, x.status, x.attempts, x.sent_at, x.last_error, \
         x.organisation_id, o.name AS organisation, d.number, x.subject, o.country \
         FROM outbox x JOIN organisations o ON o.id = x.organisation_id LEFT JOIN documents d ON d.id = x.document_id \
         WHERE x.status IN ({list}) AND x.id < $1 ORDER BY x.id DESC LIMIT $2"
    ))
    .bind(before.unwrap_or(i64::MAX))
    .bind(limit)
    .fetch_all(&mut *conn)
    .await
}

/// A message composed now, about no document: one a recipient.
pub struct Composed<'a> {
    pub org_id: i64,
    pub kind: &'a str,
    pub recipient: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
}

/// Queues composed messages in the caller's transaction.
pub async fn enqueue_composed(
    conn: &mut AnyConnection,
    messages: &[Composed<'_>],
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    for m in messages {
        sqlx::query(
            "INSERT INTO outbox (organisation_id, kind, recipient, status, attempts, next_attempt_at, created_at, subject, body) \
             VALUES ($1, $2, $3, 'queued', 0, $4, $4, $5, $6)",
        )
        .bind(m.org_id)
        .bind(m.kind)
        .bind(m.recipient)
        .bind(ts(now))
        .bind(m.subject)
        .bind(m.body)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
