//! What the operators' console reads (R-OPS-1): organisations found by
//! name, number, invoice or OCR reference; one organisation's flags and
//! documents; bank payments waiting; the audit log; the e-mail outbox. Flags are changed here
//! too, under the organisation's guard and with an audit entry.

use crate::db::audit::{self, AuditFilter};
use crate::db::{orgs, outbox, payments, Db};
use crate::domain::money::{Currency, Money};
use crate::domain::party::Acting;
use crate::domain::period::local_day;
use crate::domain::roles::Action;
use crate::error::AppError;
use crate::services::guard;
use crate::views::ops::{
    AuditEntry, AuditPage, OrgRow, OrgView, OutboxEntry, OutboxPage, PaymentsView, WaitingPayment,
};
use chrono::{DateTime, Utc};

fn row(o: &orgs::OrgRow) -> OrgRow {
    OrgRow {
        id: o.id,
        name: o.name.clone(),
        country: o.country.clone(),
        vat_number: o.vat_number.clone(),
        partner: o.partner_name.clone(),
        plan_locked: o.plan_locked == 1,
        manually_billed: o.manually_billed == 1,
    }
}

pub async fn search(db: &Db, text: &str) -> Result<Vec<OrgRow>, AppError> {
    if text.len() > 200 {
        return Err(AppError::invalid("q", "search for at most 200 characters"));
    }
    // PostgreSQL takes no NUL in text; no name or number has control characters.
    if text.chars().any(char::is_control) {
        return Err(AppError::invalid(
            "q",
            "search for letters, digits and punctuation",
        ));
    }
    let mut conn = db.conn().await?;
    let ids = orgs::search(&mut conn, text, 50).await?;
    let mut found = orgs::orgs(&mut conn, &ids).await?;
    found.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(found.iter().map(row).collect())
}

pub async fn organisation(db: &Db, org_id: i64, now: DateTime<Utc>) -> Result<OrgView, AppError> {
    let mut conn = db.conn().await?;
    let latest = crate::db::documents::listing(&mut conn, org_id, None, None, 50, 0)
        .await?
        .ok_or(AppError::NotFound)?;
    let org = latest.org;
    let today = local_day(now, org.tz()?);
    let documents =
        crate::services::documents::summaries_of(&latest.rows, &latest.credited_by, today)?;
    let stored = crate::db::catalog::org_subscription(&mut conn, org_id).await?;
    let contract = crate::db::catalog::contract(&mut conn, org_id).await?;
    let (members, teams) = crate::services::members::members_and_teams(&mut conn, org_id).await?;
    Ok(OrgView {
        org: row(&org),
        partner_contact: org.partner_contact.clone(),
        plan: stored
            .as_ref()
            .map(|s| crate::services::contracts::described(&s.subscription)),
        contract_start: contract
            .as_ref()
            .map(|c| c.start)
            .or(stored.map(|s| s.subscription.period.end)),
        contract: contract
            .as_ref()
            .map(crate::services::billing::contract_view)
            .transpose()?,
        documents,
        members,
        teams,
        action_key: guard::new_key(),
    })
}

/// Sets partner-managed (with the partner's name and contact) and
/// plan-locked (R-ACC-6).
pub async fn set_flags(
    db: &Db,
    who: &Acting,
    partner: Option<(String, Option<String>)>,
    plan_locked: bool,
) -> Result<(), AppError> {
    if let Some((name, contact)) = &partner {
        let what = "give the partner's name (and contact)";
        crate::services::plain_text("partner", name, 1, 200, what)?;
        if let Some(c) = contact {
            crate::services::plain_text("partner_contact", c, 0, 200, what)?;
        }
    }
    let mut g = guard::write(db, who.org_id, Action::Operate, "org.flags").await?;
    let before = orgs::org(&mut g.tx, who.org_id)
        .await?
        .ok_or(AppError::NotFound)?;
    orgs::set_flags(
        &mut g.tx,
        who.org_id,
        partner.as_ref().map(|(n, c)| {
            (
                n.trim(),
                c.as_deref().map(str::trim).filter(|c| !c.is_empty()),
            )
        }),
        plan_locked,
    )
    .await?;
    let after = orgs::org(&mut g.tx, who.org_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let flags = |o: &orgs::OrgRow| {
        serde_json::json!({
            "partner": o.partner_name, "partner_contact": o.partner_contact, "plan_locked": o.plan_locked == 1
        })
    };
    audit::record(&mut g.tx, who, "org.flags", &flags(&before), &flags(&after)).await?;
    g.finish(()).await
}

pub async fn payments_waiting(db: &Db) -> Result<PaymentsView, AppError> {
    let waiting = payments::unmatched_bank_payments(&mut *db.conn().await?)
        .await?
        .into_iter()
        .map(|p| {
            let currency =
                Currency::parse(&p.currency).map_err(|e| AppError::internal("currency", e))?;
            Ok(WaitingPayment {
                id: p.id,
                date: crate::db::parse_date(&p.deposit_date)?,
                amount: Money::new(p.amount_minor, currency),
                reference: p.reference,
                payer: p.payer,
                deduction: p.deduction == 1,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let matched = payments::matched_bank_payments(&mut *db.conn().await?, 20)
        .await?
        .into_iter()
        .map(|p| {
            let currency =
                Currency::parse(&p.currency).map_err(|e| AppError::internal("currency", e))?;
            Ok(crate::views::ops::MatchedPayment {
                id: p.id,
                date: crate::db::parse_date(&p.deposit_date)?,
                amount: Money::new(p.amount_minor, currency),
                reference: p.reference,
                organisation: p.organisation,
                invoice: p.invoice,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok(PaymentsView {
        waiting,
        matched,
        action_key: guard::new_key(),
    })
}

/// Entries per page of the audit log.
pub const AUDIT_PAGE: i64 = 50;

/// What the audit log is filtered by.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub org_id: Option<i64>,
    /// `user:7`, `operator:2`, `billing-clock`, `api-key:5`, or a prefix
    /// such as `operator:`.
    pub actor: Option<String>,
    /// An action or its prefix: `plan.` matches every plan change.
    pub action: Option<String>,
    /// Dates (UTC), both included.
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
}

pub async fn audit_log(
    db: &Db,
    query: &AuditQuery,
    before: Option<i64>,
) -> Result<AuditPage, AppError> {
    let filter = AuditFilter {
        org_id: query.org_id,
        actor: query.actor.clone(),
        action: query.action.clone(),
        from: query.from,
        to: query.to,
    };
    let rows = audit::entries(&mut *db.conn().await?, &filter, before, AUDIT_PAGE + 1).await?;
    let (rows, older) = keyset(rows, |r| r.id);
    let entries: Vec<AuditEntry> = rows
        .into_iter()
        .map(|r| AuditEntry {
            id: r.id,
            at: r.created_at,
            org_id: r.organisation_id,
            organisation: r.organisation,
            actor: r.actor,
            action: r.action,
            before: r.before.unwrap_or_default(),
            after: r.after.unwrap_or_default(),
        })
        .collect();
    Ok(AuditPage { entries, older })
}

/// A page of the `AUDIT_PAGE + 1` rows read: the first `AUDIT_PAGE`, and
/// the id to ask `before` for the next page when there is one.
fn keyset<T>(mut rows: Vec<T>, id: impl Fn(&T) -> i64) -> (Vec<T>, Option<i64>) {
    let more = rows.len() as i64 > AUDIT_PAGE;
    rows.truncate(AUDIT_PAGE as usize);
    let older = rows.last().filter(|_| more).map(id);
    (rows, older)
}

/// The outbox (R-INV-7): messages newest first, 50 a page, of one status
/// (`waiting`, `sent`, `failed`) or all, each with its subject and the
/// document attached. `delivery` says where sent messages went.
pub async fn outbox_page(
    db: &Db,
    seller: &str,
    status: Option<&str>,
    before: Option<i64>,
    delivery: String,
) -> Result<OutboxPage, AppError> {
    let rows = outbox::page(&mut *db.conn().await?, status, before, AUDIT_PAGE + 1).await?;
    let (rows, older) = keyset(rows, |r| r.id);
    let entries: Vec<OutboxEntry> = rows
        .into_iter()
        .map(|r| OutboxEntry {
            id: r.id,
            created_at: r.created_at,
            subject: r.subject.clone().unwrap_or_else(|| {
                crate::services::mail::subject(
                    crate::domain::locale::Locale::for_buyer_country(&r.country),
                    &r.kind,
                    r.number.as_deref().unwrap_or_default(),
                    seller,
                )
            }),
            kind: r.kind,
            recipient: r.recipient,
            status: r.status,
            attempts: r.attempts,
            sent_at: r.sent_at,
            last_error: r.last_error,
            org_id: r.organisation_id,
            organisation: r.organisation,
            attachment: r.number,
        })
        .collect();
    Ok(OutboxPage {
        entries,
        older,
        delivery,
    })
}
