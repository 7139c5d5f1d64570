//! The audit log (R-OPS-1): every billing change by anyone — customer,
//! operator, clock, API key — with who, what, when and before → after.
//! Append-only: the database refuses updates and deletes.

use super::Val;
use crate::domain::party::{Acting, Party};
use crate::error::AppError;
use chrono::NaiveDate;
use sqlx::AnyConnection;

/// Who changed what, when, from what to what (R-OPS-1). Of two objects
/// only the fields that changed are kept, before and after, so an entry
/// reads as the change it records.
pub async fn record(
    conn: &mut AnyConnection,
    who: &Acting,
    action: &str,
    before: &impl serde::Serialize,
    after: &impl serde::Serialize,
) -> Result<(), AppError> {
    let entry = audit_entry(Some(who.org_id), before, after)?;
    insert_audit(conn, &who.audit_name(), action, vec![entry]).await
}

/// Several audit entries by one party for one action, many per statement:
/// `(organisation id, before, after)`.
pub async fn record_many<T: serde::Serialize>(
    conn: &mut AnyConnection,
    by: &Party,
    action: &str,
    entries: &[(i64, T, T)],
) -> Result<(), AppError> {
    let entries = entries
        .iter()
        .map(|(org_id, before, after)| audit_entry(Some(*org_id), before, after))
        .collect::<Result<Vec<_>, AppError>>()?;
    insert_audit(conn, &by.audit_name(), action, entries).await
}

/// A change of no one organisation (the catalog) by `by`.
pub async fn record_global(
    conn: &mut AnyConnection,
    by: &Party,
    action: &str,
    before: &impl serde::Serialize,
    after: &impl serde::Serialize,
) -> Result<(), AppError> {
    let entry = audit_entry(None, before, after)?;
    insert_audit(conn, &by.audit_name(), action, vec![entry]).await
}

fn audit_entry(
    org_id: Option<i64>,
    before: &impl serde::Serialize,
    after: &impl serde::Serialize,
) -> Result<(Option<i64>, String, String), AppError> {
    use serde_json::Value;
    let json = |v: Result<Value, serde_json::Error>| v.map_err(|e| AppError::internal("audit", e));
    let (before, after) = match (
        json(serde_json::to_value(before))?,
        json(serde_json::to_value(after))?,
    ) {
        (Value::Object(mut b), Value::Object(mut a)) => {
            let same: Vec<String> = b
                .iter()
                .filter(|(k, v)| a.get(*k) == Some(*v))
                .map(|(k, _)| k.clone())
                .collect();
            for k in same {
                b.remove(&k);
                a.remove(&k);
            }
            (Value::Object(b), Value::Object(a))
        }
        other => other,
    };
    Ok((org_id, before.to_string(), after.to_string()))
}

async fn insert_audit(
    conn: &mut AnyConnection,
    actor: &str,
    action: &str,
    entries: Vec<(Option<i64>, String, String)>,
) -> Result<(), AppError> {
    let now = super::now_text();
    let rows = entries
        .into_iter()
        .map(|(org_id, before, after)| {
            vec![
                Val::from(org_id),
                actor.into(),
                action.into(),
                before.into(),
                after.into(),
                now.as_str().into(),
            ]
        })
        .collect();
    super::batch(
        conn,
        "INSERT INTO audit_log (organisation_id, actor, action, before, after, created_at) VALUES ",
        "",
        rows,
    )
    .await?;
    Ok(())
}

/// One entry as the console lists it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub organisation_id: Option<i64>,
    pub organisation: Option<String>,
    pub actor: String,
    pub action: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub created_at: String,
}

/// What the console filters the log by; every part optional.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub org_id: Option<i64>,
    /// `user:7`, `operator:2`, `billing-clock`, `api-key:5`, or a prefix
    /// such as `operator:`.
    pub actor: Option<String>,
    /// An action or its prefix: `plan.` matches every plan change.
    pub action: Option<String>,
    /// Local dates (UTC), both included.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// Up to `limit` entries matching `f`, newest first, older than `before`
/// (an entry id) when given: the next page starts below the last id shown.
pub async fn entries(
    conn: &mut AnyConnection,
    f: &AuditFilter,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<AuditRow>, sqlx::Error> {
    let mut sql = String::from(
        "SELECT a.id, a.organisation_id, o.name AS organisation, a.actor, a.action, a.before, a.after, a.created_at \
         FROM audit_log a LEFT JOIN organisations o ON o.id = a.organisation_id WHERE 1 = 1",
    );
    let mut texts: Vec<String> = Vec::new();
    let mut n = 0;
    let mut param = |sql: &mut String, clause: &str| {
        n += 1;
        sql.push_str(&clause.replace('?', &format!("${n}")));
    };
    // Numbers first, then texts, in the order bound below.
    if f.org_id.is_some() {
        param(&mut sql, " AND a.organisation_id = ?");
    }
    if before.is_some() {
        param(&mut sql, " AND a.id < ?");
    }
    if let Some(actor) = &f.actor {
        param(&mut sql, " AND a.actor LIKE ? ESCAPE '\\'");
        texts.push(format!("{}%", super::like_escape(actor)));
    }
    if let Some(action) = &f.action {
        param(&mut sql, " AND a.action LIKE ? ESCAPE '\\'");
        texts.push(format!("{}%", super::like_escape(action)));
    }
    if let Some(from) = f.from {
        param(&mut sql, " AND a.created_at >= ?");
        texts.push(super::date(from));
    }
    if let Some(to) = f.to {
        param(&mut sql, " AND a.created_at < ?");
        texts.push(super::date(to + chrono::Duration::days(1)));
    }
    param(&mut sql, " ORDER BY a.id DESC LIMIT ?");
    let mut q = sqlx::query_as::<_, AuditRow>(&sql);
    if let Some(org) = f.org_id {
        q = q.bind(org);
    }
    if let Some(b) = before {
        q = q.bind(b);
    }
    for t in texts {
        q = q.bind(t);
    }
    q.bind(limit).fetch_all(&mut *conn).await
}
