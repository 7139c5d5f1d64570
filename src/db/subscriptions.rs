//! Writing a subscription's state, its pending lines and the audit log.

use super::{date, Val};
use crate::domain::invoice::LineItem;
use crate::domain::subscription::{history as changes, HistoryEvent, Subscription};
use crate::error::AppError;
use sqlx::AnyConnection;
use std::collections::HashMap;

/// A subscription saved: as it was, as it is, and the organisation's day
/// of the change (the request's or the clock's, never the wall clock).
pub struct Saved<'a> {
    pub id: i64,
    pub before: &'a Subscription,
    pub after: &'a Subscription,
    pub on: chrono::NaiveDate,
}

/// Stores every field the domain may change, from the domain value, and
/// what changed in the subscription's history.
pub async fn save(
    conn: &mut AnyConnection,
    id: i64,
    before: &Subscription,
    after: &Subscription,
    on: chrono::NaiveDate,
) -> Result<(), sqlx::Error> {
    save_many(
        conn,
        &[Saved {
            id,
            before,
            after,
            on,
        }],
    )
    .await
}

/// Stores several subscriptions and their history, many per statement.
pub async fn save_many(conn: &mut AnyConnection, subs: &[Saved<'_>]) -> Result<(), sqlx::Error> {
    let mut events = Vec::new();
    for s in subs {
        for e in changes(s.before, s.after) {
            events.push((s.id, s.on, e));
        }
    }
    record_events(conn, &events).await?;
    let rows = subs
        .iter()
        .map(|Saved { id, after: s, .. }| {
            vec![
                Val::from(*id),
                s.price.id.into(),
                i64::from(s.seats).into(),
                date(s.anchor).into(),
                date(s.period.start).into(),
                date(s.period.end).into(),
                s.status.code().into(),
                s.commitment_end.map(date).into(),
                super::flag(s.auto_renew).into(),
                s.scheduled.as_ref().map(|c| c.price.id).into(),
                s.scheduled.as_ref().map(|c| i64::from(c.seats)).into(),
                s.trial.as_ref().map(|t| t.price.id).into(),
                s.trial.as_ref().map(|t| date(t.started)).into(),
                s.trial.as_ref().map(|t| date(t.ends)).into(),
            ]
        })
        .collect();
    // PostgreSQL types a VALUES list by its first row, so NULLs are cast.
    super::batch(
        conn,
        "UPDATE subscriptions SET price_id = v.column2, seats = v.column3, anchor = v.column4, \
         period_start = v.column5, period_end = v.column6, status = v.column7, commitment_end = v.column8, \
         auto_renew = v.column9, scheduled_price_id = v.column10, scheduled_seats = v.column11, \
         trial_price_id = v.column12, trial_started = v.column13, trial_ends = v.column14 FROM (VALUES ",
        ") AS v WHERE subscriptions.id = v.column1",
        rows,
    )
    .await?;
    Ok(())
}

/// Stores a new subscription of a scope (a team's first plan, R-ACC-2) as
/// `sub` stands, its history starting with it on `on`; returns its id.
pub async fn insert(
    conn: &mut AnyConnection,
    org_id: i64,
    team_id: Option<i64>,
    sub: &Subscription,
    on: chrono::NaiveDate,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<i64, sqlx::Error> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO subscriptions (organisation_id, team_id, price_id, seats, anchor, period_start, period_end, \
         status, commitment_end, auto_renew, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(org_id)
    .bind(team_id)
    .bind(sub.price.id)
    .bind(i64::from(sub.seats))
    .bind(date(sub.anchor))
    .bind(date(sub.period.start))
    .bind(date(sub.period.end))
    .bind(sub.status.code())
    .bind(sub.commitment_end.map(date))
    .bind(super::flag(sub.auto_renew))
    .bind(now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
    .fetch_one(&mut *conn)
    .await?;
    record_events(
        conn,
        &[(
            id,
            on,
            HistoryEvent::Started {
                plan: sub.price.plan_name.clone(),
                seats: sub.seats,
            },
        )],
    )
    .await?;
    Ok(id)
}

/// Writes history entries: (subscription, day, what happened).
pub async fn record_events(
    conn: &mut AnyConnection,
    events: &[(i64, chrono::NaiveDate, HistoryEvent)],
) -> Result<(), sqlx::Error> {
    if events.is_empty() {
        return Ok(());
    }
    let mut rows = Vec::with_capacity(events.len());
    for (id, on, e) in events {
        let json = serde_json::to_string(e).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
        rows.push(vec![Val::from(*id), date(*on).into(), json.into()]);
    }
    super::batch_execute(
        conn,
        "INSERT INTO subscription_events (subscription_id, on_day, event) VALUES ",
        "",
        rows,
    )
    .await?;
    Ok(())
}

/// A subscription's history entry as stored, with its team's name.
#[derive(serde::Deserialize)]
pub(super) struct HistoryRow {
    on_day: String,
    team: Option<String>,
    event: String,
}

/// The history of organisation `$1`'s subscriptions, newest first.
pub(super) const HISTORY_SELECT: &str =
    "SELECT e.on_day, t.name AS team, e.event FROM subscription_events e \
     JOIN subscriptions s ON s.id = e.subscription_id LEFT JOIN teams t ON t.id = s.team_id \
     WHERE s.organisation_id = $1 ORDER BY e.id DESC";

/// An entry as the pages read it: the day, the team for a team's
/// subscription, what happened.
pub(super) fn history_entry(
    r: HistoryRow,
) -> Result<(chrono::NaiveDate, Option<String>, HistoryEvent), AppError> {
    let day = super::parse_date(&r.on_day)?;
    let event =
        serde_json::from_str(&r.event).map_err(|e| AppError::internal("history event", e))?;
    Ok((day, r.team, event))
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

/// The pending lines of several subscriptions, by subscription, in order.
pub async fn pending_lines_of(
    conn: &mut AnyConnection,
    subscription_ids: &[i64],
) -> Result<HashMap<i64, Vec<LineItem>>, AppError> {
    let rows: Vec<(i64, String)> = super::select_in(
        conn,
        "SELECT subscription_id, line FROM pending_lines WHERE subscription_id IN {ids} \
         AND billed_document_id IS NULL ORDER BY id",
        subscription_ids,
    )
    .await?;
    let mut out: HashMap<i64, Vec<LineItem>> = HashMap::new();
    for (id, line) in rows {
        let line =
            serde_json::from_str(&line).map_err(|e| AppError::internal("pending line", e))?;
        out.entry(id).or_default().push(line);
    }
    Ok(out)
}

/// Marks each subscription's pending lines as billed on a document:
/// `(subscription id, document id)` pairs.
pub async fn bill_pending(
    conn: &mut AnyConnection,
    billed: &[(i64, i64)],
) -> Result<(), sqlx::Error> {
    let rows = billed
        .iter()
        .map(|(sub, doc)| vec![Val::from(*sub), Val::from(*doc)])
        .collect();
    super::batch(
        conn,
        "UPDATE pending_lines SET billed_document_id = v.column2 FROM (VALUES ",
        ") AS v WHERE pending_lines.subscription_id = v.column1 AND pending_lines.billed_document_id IS NULL",
        rows,
    )
    .await?;
    Ok(())
}

/// One carried boundary of the billing clock: its key (a period boundary,
/// or `instalment <date>`), kind and invoice.
pub struct Transition {
    pub subscription_id: i64,
    pub boundary: String,
    pub kind: &'static str,
    pub document_id: Option<i64>,
}

/// Records carried boundaries; returns how many were new. The key
/// (subscription, boundary) is unique, so a boundary is carried once.
pub async fn record_transitions(
    conn: &mut AnyConnection,
    transitions: &[Transition],
) -> Result<usize, sqlx::Error> {
    let now = super::now_text();
    let rows = transitions
        .iter()
        .map(|t| {
            vec![
                Val::from(t.subscription_id),
                t.boundary.as_str().into(),
                t.kind.into(),
                t.document_id.into(),
                now.as_str().into(),
            ]
        })
        .collect();
    Ok(super::batch_execute(
        conn,
        "INSERT INTO period_transitions (subscription_id, boundary, kind, document_id, created_at) VALUES ",
        " ON CONFLICT (subscription_id, boundary) DO NOTHING",
        rows,
    )
    .await? as usize)
}

/// The instalments already invoiced, as `(subscription id, key)`.
pub async fn instalments_done(
    conn: &mut AnyConnection,
    subscription_ids: &[i64],
) -> Result<std::collections::HashSet<(i64, String)>, sqlx::Error> {
    Ok(super::select_in::<(i64, String)>(
        conn,
        "SELECT subscription_id, boundary FROM period_transitions WHERE kind = 'instalment' AND subscription_id IN {ids}",
        subscription_ids,
    )
    .await?
    .into_iter()
    .collect())
}

pub async fn tried_plans(conn: &mut AnyConnection, org_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT plan_id FROM trials_used WHERE organisation_id = $1")
        .bind(org_id)
        .fetch_all(&mut *conn)
        .await
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

/// [`lock_org`] for an id that came from a request: no such organisation
/// is `NotFound`.
pub async fn lock_existing(conn: &mut AnyConnection, org_id: i64) -> Result<i64, AppError> {
    match lock_org(conn, org_id).await {
        Err(sqlx::Error::RowNotFound) => Err(AppError::NotFound),
        other => Ok(other?),
    }
}

/// The organisation's standing (R-ACC-6, R-PAY-2): its flags and whether
/// its subscription is past due. `None` for no such organisation.
pub async fn standing(
    conn: &mut AnyConnection,
    org_id: i64,
) -> Result<Option<crate::domain::subscription::OrgTerms>, sqlx::Error> {
    let row: Option<StandingRow> = sqlx::query_as(STANDING_SELECT)
        .bind(org_id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.map(StandingRow::terms))
}

/// What organisation `$1`'s standing is read from.
pub(super) const STANDING_SELECT: &str =
    "SELECT o.partner_name, o.plan_locked, o.manually_billed, \
     (SELECT COUNT(*) FROM subscriptions s WHERE s.organisation_id = o.id AND s.status = 'past_due') AS past_due \
     FROM organisations o WHERE o.id = $1";

#[derive(sqlx::FromRow, serde::Deserialize)]
pub(super) struct StandingRow {
    partner_name: Option<String>,
    plan_locked: i64,
    manually_billed: i64,
    past_due: i64,
}

impl StandingRow {
    pub(super) fn terms(self) -> crate::domain::subscription::OrgTerms {
        crate::domain::subscription::OrgTerms {
            partner: self.partner_name,
            plan_locked: self.plan_locked == 1,
            manually_billed: self.manually_billed == 1,
            past_due: self.past_due > 0,
        }
    }
}

/// The stored answer to an earlier request with this key, if there was one.
/// The stored answer of one action under `key`, if it was done.
pub async fn response_of_action(
    conn: &mut AnyConnection,
    org_id: i64,
    key: &str,
    action: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT response FROM idempotency_keys WHERE organisation_id = $1 AND key = $2 AND action = $3",
    )
    .bind(org_id)
    .bind(key)
    .bind(action)
    .fetch_optional(&mut *conn)
    .await
}

/// The action a key was used for in the organisation, and its answer.
pub async fn idempotent_response(
    conn: &mut AnyConnection,
    org_id: i64,
    key: &str,
) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT action, response FROM idempotency_keys WHERE organisation_id = $1 AND key = $2",
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

/// Replaces the answer stored for `key` and `action` in the organisation.
pub async fn amend_response(
    conn: &mut AnyConnection,
    org_id: i64,
    key: &str,
    action: &str,
    response: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE idempotency_keys SET response = $1 WHERE organisation_id = $2 AND key = $3 AND action = $4",
    )
    .bind(response)
    .bind(org_id)
    .bind(key)
    .bind(action)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Records that the organisation has tried `plan_id` (R-SUB-8: once per plan).
pub async fn record_trial(
    conn: &mut AnyConnection,
    org_id: i64,
    plan_id: i64,
    started: chrono::NaiveDate,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO trials_used (organisation_id, plan_id, started) VALUES ($1, $2, $3)")
        .bind(org_id)
        .bind(plan_id)
        .bind(date(started))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Organisations with a trial running (or over and not yet ended).
pub async fn orgs_with_trials(conn: &mut AnyConnection) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT organisation_id FROM subscriptions WHERE trial_ends IS NOT NULL AND status <> 'canceled'",
    )
    .fetch_all(&mut *conn)
    .await
}

/// Organisations with a subscription (their own or a team's) whose period has ended by `latest_today`
/// (the latest local date anywhere), and those with a contract (whose
/// schedule may be due).
pub async fn due_organisations(
    conn: &mut AnyConnection,
    latest_today: chrono::NaiveDate,
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT organisation_id FROM subscriptions \
         WHERE status <> 'canceled' AND period_end <= $1 \
         UNION SELECT organisation_id FROM contracts ORDER BY 1",
    )
    .bind(date(latest_today))
    .fetch_all(&mut *conn)
    .await
}
