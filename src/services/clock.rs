//! The billing clock (R-OPS-2): brings every organisation up to `now` in its
//! own time zone. Trials that are over end; every subscription whose period
//! has ended is carried over each missed boundary in order (renewal invoice
//! in advance, scheduled change applied, seats bought during the period
//! billed, or back to Free after a cancelled commitment); enterprise
//! contracts move on and invoice their schedule; monthly allowances are
//! granted and expired credits written off.
//!
//! Exactly once: each subscription is advanced under its organisation's
//! lock, re-read under it, and each boundary is a row keyed by
//! (subscription, boundary), so a second run, a second server or a run
//! after a crash finds the work done. Decisions are the domain's
//! (`renewal::step`); this module loads, asks and writes.

use crate::db::catalog::{self, StoredSubscription};
use crate::db::orgs::{self, OrgRow};
use crate::db::{documents, subscriptions, Db, Tx};
use crate::domain::invoice::{totals, LineItem, LineKind, Series, Totals};
use crate::domain::money::Money;
use crate::domain::period::{local_day, Interval};
use crate::domain::renewal::{step, StepKind};
use crate::error::AppError;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// What one run did, by kind (logged, and answered by the command).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub trials_ended: usize,
    pub renewed: usize,
    pub ended: usize,
    pub contract_periods: usize,
    /// Enterprise contract instalments invoiced (R-SUB-10).
    pub instalments: usize,
    pub invoices: usize,
    pub allowances_granted: usize,
    pub credits_expired: i64,
    /// Organisations that could not be advanced (logged; tried again next run).
    pub failed: usize,
}

/// A document the clock issues (or, in a test-clock run, would issue).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issued {
    pub number: String,
    pub issue_date: NaiveDate,
    pub lines: Vec<LineItem>,
    pub totals: Totals,
}

/// Runs the clock once at `now`. Running it again for the same instant
/// changes nothing.
pub async fn advance(db: &Db, now: DateTime<Utc>) -> Result<Counts, AppError> {
    let mut counts = Counts {
        trials_ended: crate::services::subscription::end_due_trials(db, now).await?,
        ..Counts::default()
    };
    for org_id in due_organisations(db, now).await? {
        // One organisation's failure is logged and left for the next run;
        // every other organisation is still advanced.
        let done = match advance_committed(db, org_id, now).await {
            Ok(done) => done,
            Err(e) => {
                tracing::error!(org_id, error = %e, "the billing clock could not advance this organisation; the others go on");
                counts.failed += 1;
                continue;
            }
        };
        counts.renewed += done.renewed;
        counts.ended += done.ended;
        counts.contract_periods += done.contract_periods;
        counts.instalments += done.instalments;
        counts.invoices += done.invoices;
    }
    counts.credits_expired = crate::services::credits::expire_credits(db, now).await?;
    counts.allowances_granted = crate::services::credits::grant_monthly_allowances(db, now).await?;
    tracing::info!(
        trials_ended = counts.trials_ended,
        renewed = counts.renewed,
        ended = counts.ended,
        contract_periods = counts.contract_periods,
        instalments = counts.instalments,
        invoices = counts.invoices,
        allowances_granted = counts.allowances_granted,
        credits_expired = counts.credits_expired,
        failed = counts.failed,
        %now,
        "billing clock ran"
    );
    Ok(counts)
}

async fn advance_committed(db: &Db, org_id: i64, now: DateTime<Utc>) -> Result<Counts, AppError> {
    let mut tx = db.write().await?;
    let (done, _) = advance_org(&mut tx, org_id, now).await?;
    tx.commit().await?;
    Ok(done)
}

/// The test clock: what `advance` at `until` would issue for one
/// organisation, computed by the very same code in a transaction that is
/// rolled back, so nothing is written (numbers shown are provisional).
pub async fn predict(db: &Db, org_id: i64, until: DateTime<Utc>) -> Result<Vec<Issued>, AppError> {
    let mut tx = db.write().await?;
    let (_, issued) = advance_org(&mut tx, org_id, until).await?;
    tx.rollback().await?;
    Ok(issued)
}

/// The test clock for everyone: what `advance` at `until` would issue,
/// organisation by organisation, writing nothing.
pub async fn predict_all(
    db: &Db,
    until: DateTime<Utc>,
) -> Result<Vec<(i64, Vec<Issued>)>, AppError> {
    let mut out = Vec::new();
    for org_id in due_organisations(db, until).await? {
        let issued = predict(db, org_id, until).await?;
        if !issued.is_empty() {
            out.push((org_id, issued));
        }
    }
    Ok(out)
}

/// Organisations with a subscription whose period has ended by `now`
/// somewhere on earth, and those with a contract (whose schedule may be
/// due): each is checked in its own time zone after.
async fn due_organisations(db: &Db, now: DateTime<Utc>) -> Result<Vec<i64>, AppError> {
    // No time zone is more than 14 hours ahead of UTC.
    let latest_today = (now + chrono::Duration::hours(14)).date_naive();
    Ok(sqlx::query_scalar(
        "SELECT organisation_id FROM subscriptions \
         WHERE status <> 'canceled' AND team_id IS NULL AND period_end <= $1 \
         UNION SELECT organisation_id FROM contracts ORDER BY 1",
    )
    .bind(crate::db::date(latest_today))
    .fetch_all(&db.pool)
    .await?)
}

/// Carries one organisation's subscription over every boundary up to
/// `now`, under the organisation's lock, in `tx`.
async fn advance_org(
    tx: &mut Tx,
    org_id: i64,
    now: DateTime<Utc>,
) -> Result<(Counts, Vec<Issued>), AppError> {
    subscriptions::lock_org(tx, org_id).await?;
    let mut counts = Counts::default();
    let mut issued = Vec::new();
    let org = orgs::org(tx, org_id).await?.ok_or(AppError::NotFound)?;
    let today = local_day(now, org.tz()?);
    // Read under the lock: another run may have carried it already.
    let Some(stored) = catalog::org_subscription(tx, org_id).await? else {
        return Ok((counts, issued));
    };
    let StoredSubscription {
        id, subscription, ..
    } = stored;
    let currency = org.currency()?;
    let free_plan: i64 = sqlx::query_scalar("SELECT id FROM plans WHERE code = 'free'")
        .fetch_one(&mut **tx)
        .await?;
    let free = catalog::current_price(tx, free_plan, currency, Interval::Monthly)
        .await?
        .ok_or_else(|| AppError::internal("billing clock", "no Free price in the currency"))?;
    let mut sub = subscription;
    let before = sub.clone();
    while sub.period.end <= today {
        let pending = subscriptions::pending_lines(tx, id).await?;
        let st = step(&sub, pending, &free, org.manually_billed == 1);
        let kind = match st.kind {
            StepKind::Renewed => "renewed",
            StepKind::Ended => "ended",
            StepKind::Contract => "contract",
        };
        let fresh: Option<String> = sqlx::query_scalar(
            "INSERT INTO period_transitions (subscription_id, boundary, kind, created_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (subscription_id, boundary) DO NOTHING RETURNING boundary",
        )
        .bind(id)
        .bind(crate::db::date(st.at))
        .bind(kind)
        .bind(crate::db::now_text())
        .fetch_optional(&mut **tx)
        .await?;
        if fresh.is_none() {
            // Carried already, yet the subscription says otherwise: stop
            // rather than write twice, and say so.
            return Err(AppError::internal(
                "billing clock",
                format!("subscription {id}: boundary {} was carried already", st.at),
            ));
        }
        if !st.invoice_lines.is_empty() {
            let doc = issue_renewal(tx, &org, id, st.at, &st.invoice_lines).await?;
            sqlx::query("UPDATE pending_lines SET billed_document_id = $1 WHERE subscription_id = $2 AND billed_document_id IS NULL")
                .bind(doc.0)
                .bind(id)
                .execute(&mut **tx)
                .await?;
            sqlx::query("UPDATE period_transitions SET document_id = $1 WHERE subscription_id = $2 AND boundary = $3")
                .bind(doc.0)
                .bind(id)
                .bind(crate::db::date(st.at))
                .execute(&mut **tx)
                .await?;
            counts.invoices += 1;
            issued.push(doc.1);
        }
        match st.kind {
            StepKind::Renewed => counts.renewed += 1,
            StepKind::Ended => counts.ended += 1,
            StepKind::Contract => counts.contract_periods += 1,
        }
        sub = st.next;
    }
    if org.manually_billed == 1 {
        if let Some(contract) = catalog::contract(tx, org_id).await? {
            let instalments = contract
                .instalments()
                .map_err(|e| AppError::internal("contract", e))?;
            let count = instalments.len();
            for (n, due) in instalments.into_iter().enumerate() {
                if due.due > today {
                    break;
                }
                // Each instalment once, keyed like a boundary.
                let key = format!("instalment {}", crate::db::date(due.due));
                let fresh: Option<String> = sqlx::query_scalar(
                    "INSERT INTO period_transitions (subscription_id, boundary, kind, created_at) \
                     VALUES ($1, $2, 'instalment', $3) ON CONFLICT (subscription_id, boundary) DO NOTHING RETURNING boundary",
                )
                .bind(id)
                .bind(&key)
                .bind(crate::db::now_text())
                .fetch_optional(&mut **tx)
                .await?;
                if fresh.is_none() {
                    continue;
                }
                let line = LineItem {
                    kind: LineKind::Contract {
                        label: format!("Enterprise contract, instalment {} of {count}", n + 1),
                    },
                    covers: None,
                    days: None,
                    quantity: 1,
                    unit_price: due.amount,
                    amount: due.amount,
                    vat_rate: None,
                };
                let doc = issue_renewal(tx, &org, id, due.due, &[line]).await?;
                sqlx::query("UPDATE period_transitions SET document_id = $1 WHERE subscription_id = $2 AND boundary = $3")
                    .bind(doc.0)
                    .bind(id)
                    .bind(&key)
                    .execute(&mut **tx)
                    .await?;
                counts.invoices += 1;
                counts.instalments += 1;
                issued.push(doc.1);
            }
        }
    }
    if sub != before {
        subscriptions::save(tx, id, &sub).await?;
        subscriptions::audit(tx, org_id, "billing-clock", "clock.advance", &before, &sub).await?;
    }
    Ok((counts, issued))
}

/// Issues a renewal (or final) invoice dated at the boundary, with the
/// account balance applied; returns its id and what was issued.
async fn issue_renewal(
    tx: &mut Tx,
    org: &OrgRow,
    subscription_id: i64,
    at: NaiveDate,
    lines: &[LineItem],
) -> Result<(i64, Issued), AppError> {
    let currency = org.currency()?;
    let treatment = org.vat_treatment()?;
    let balance = documents::balance(tx, org.id, currency).await?;
    let t = totals(
        lines,
        &treatment,
        currency,
        balance.max(Money::zero(currency)),
    );
    let status = if t.amount_due.is_zero() {
        "paid"
    } else {
        "pending"
    };
    let (doc_id, number) = documents::issue(
        tx,
        documents::NewDocument {
            org_id: org.id,
            series: Series::Invoice,
            subscription_id: Some(subscription_id),
            corrects_id: None,
            issue_date: at,
            currency,
            lines,
            totals: &t,
            vat_note: treatment.legal_note(),
            vat_rate: treatment.rate(),
            buyer: &org.buyer(),
            locale: org.document_locale(),
            status,
        },
    )
    .await?;
    if t.credit_applied.is_positive() {
        documents::add_balance(
            tx,
            org.id,
            -t.credit_applied,
            &format!("applied to invoice {number}"),
            Some(doc_id),
        )
        .await?;
    }
    Ok((
        doc_id,
        Issued {
            number,
            issue_date: at,
            lines: lines.to_vec(),
            totals: t,
        },
    ))
}
