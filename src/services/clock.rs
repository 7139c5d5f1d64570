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

use crate::db::audit;
use crate::db::catalog;
use crate::db::orgs;
use crate::db::{documents, subscriptions, Db, Tx};
use crate::domain::invoice::{totals, LineItem, LineKind, Series, Totals};
use crate::domain::money::Money;
use crate::domain::party::Party;
use crate::domain::period::{local_day, Interval};
use crate::domain::renewal::{step, StepKind};
use crate::domain::subscription::Subscription;
use crate::error::AppError;
use crate::services::credits::{allowance_due, insert_allowances};
use crate::services::tasks;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

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
    /// Overdue invoices whose reminder to the billing owner was queued.
    pub reminders: usize,
    /// Card and PayPal charges: paid, declined, and subscriptions
    /// cancelled after the last retry (R-PAY-2).
    pub payments: crate::services::payments::Collected,
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

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, o: Counts) {
        self.trials_ended += o.trials_ended;
        self.renewed += o.renewed;
        self.ended += o.ended;
        self.contract_periods += o.contract_periods;
        self.instalments += o.instalments;
        self.invoices += o.invoices;
        self.allowances_granted += o.allowances_granted;
        self.credits_expired += o.credits_expired;
        self.reminders += o.reminders;
        self.payments += o.payments;
        self.failed += o.failed;
    }
}

/// Runs the clock once at `now`. Running it again for the same instant
/// changes nothing.
pub async fn advance(
    db: &Db,
    gateway: &crate::services::payments::Gateway,
    now: DateTime<Utc>,
) -> Result<Counts, AppError> {
    let mut counts = Counts {
        trials_ended: crate::services::subscription::end_due_trials(db, now).await?,
        ..Counts::default()
    };
    let due = due_organisations(db, now).await?;
    let (done, failed) = tasks::by_chunks(db, &due, "advance", |tx, held| {
        Box::pin(async move { Ok(advance_chunk(tx, held, now).await?.0) })
    })
    .await;
    counts += done;
    counts.failed += failed;
    counts.credits_expired = crate::services::credits::expire_credits(db, now).await?;
    counts.allowances_granted +=
        crate::services::credits::grant_monthly_allowances(db, now).await?;
    // Renewal invoices just issued are charged, failed charges retried.
    let (payments, failed) = crate::services::payments::collect(db, gateway, now).await?;
    counts.payments = payments;
    counts.failed += failed;
    // Invoices left unpaid past their due date, whatever the method.
    counts.payments += crate::services::payments::arrears(db, gateway, now).await?;
    counts.reminders = remind_overdue(db, now).await?;
    tracing::info!(
        trials_ended = counts.trials_ended,
        renewed = counts.renewed,
        ended = counts.ended,
        contract_periods = counts.contract_periods,
        instalments = counts.instalments,
        invoices = counts.invoices,
        allowances_granted = counts.allowances_granted,
        credits_expired = counts.credits_expired,
        reminders = counts.reminders,
        paid = counts.payments.paid,
        declined = counts.payments.declined,
        cancelled_unpaid = counts.payments.cancelled,
        overdue = counts.payments.overdue,
        failed = counts.failed,
        %now,
        "billing clock ran"
    );
    Ok(counts)
}

/// The test clock: what `advance` at `until` would issue for one
/// organisation, computed by the very same code in a transaction that is
/// rolled back, so nothing is written (numbers shown are provisional).
pub async fn predict(db: &Db, org_id: i64, until: DateTime<Utc>) -> Result<Vec<Issued>, AppError> {
    let mut tx = db.write().await?;
    subscriptions::lock_existing(&mut tx, org_id).await?;
    let (_, issued) = advance_chunk(&mut tx, &[org_id], until).await?;
    tx.rollback().await?;
    Ok(issued.into_iter().map(|(_, i)| i).collect())
}

/// The test clock for everyone: what `advance` at `until` would issue,
/// organisation by organisation, writing nothing.
pub async fn predict_all(
    db: &Db,
    until: DateTime<Utc>,
) -> Result<Vec<(i64, Vec<Issued>)>, AppError> {
    let mut out: Vec<(i64, Vec<Issued>)> = Vec::new();
    for chunk in due_organisations(db, until).await?.chunks(tasks::CHUNK) {
        let mut tx = db.write().await?;
        let held = orgs::lock_many(&mut tx, chunk).await?;
        let (_, issued) = advance_chunk(&mut tx, &held, until).await?;
        tx.rollback().await?;
        for (org_id, doc) in issued {
            match out.last_mut() {
                Some((last, docs)) if *last == org_id => docs.push(doc),
                _ => out.push((org_id, vec![doc])),
            }
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
    Ok(subscriptions::due_organisations(&mut *db.conn().await?, latest_today).await?)
}

/// How far back the reminder looks: an invoice that fell due longer ago
/// with no reminder (a clock switched off that long) gets none.
const REMINDER_WINDOW_DAYS: i64 = 60;

/// Queues one reminder to the billing owner for each invoice still owed
/// the day after its due date in the organisation's time zone; never a
/// second one for the same invoice.
async fn remind_overdue(db: &Db, now: DateTime<Utc>) -> Result<usize, AppError> {
    // No time zone is more than 14 hours ahead of UTC.
    let latest_today = (now + chrono::Duration::hours(14)).date_naive();
    let mut conn = db.conn().await?;
    // Only invoices that fell due lately are looked at: paid ones stay
    // open in storage (paid follows from the ledger), so without a bound
    // every run would read every invoice ever issued.
    let since = latest_today - chrono::Duration::days(REMINDER_WINDOW_DAYS);
    let candidates = documents::owed_without_reminder(&mut conn, since, latest_today).await?;
    drop(conn);
    let mut overdue = Vec::new();
    for (doc, org, due, time_zone) in candidates {
        let tz: chrono_tz::Tz = match time_zone.parse() {
            Ok(tz) => tz,
            Err(e) => {
                tracing::error!(org_id = org, error = %e, "no reminder: the organisation's time zone is broken");
                continue;
            }
        };
        if crate::db::parse_date(&due)? < local_day(now, tz) {
            overdue.push((doc, org));
        }
    }
    let mut queued = 0;
    for chunk in overdue.chunks(tasks::CHUNK) {
        let mut tx = db.write().await?;
        queued += documents::enqueue_for_owner(&mut tx, "reminder", chunk).await?;
        tx.commit().await?;
    }
    Ok(queued)
}

/// What the clock needs of an organisation to bill it.
struct Terms {
    tz: chrono_tz::Tz,
    currency: crate::domain::money::Currency,
    treatment: crate::domain::vat::VatTreatment,
    buyer: crate::domain::invoice::Buyer,
}

/// A document the clock will issue, before it has a number.
struct Planned {
    org: usize,
    subscription_id: i64,
    at: NaiveDate,
    lines: Vec<LineItem>,
    totals: Totals,
}

/// Carries the subscriptions of `org_ids` (whose locks `tx` holds) over
/// every boundary up to `now`, and invoices due contract instalments: read
/// in a few statements, decided by the domain organisation by
/// organisation, written many rows per statement. Returns the counts and
/// what was issued, organisation by organisation, in date order.
async fn advance_chunk(
    tx: &mut Tx,
    org_ids: &[i64],
    now: DateTime<Utc>,
) -> Result<(Counts, Vec<(i64, Issued)>), AppError> {
    // Read, under the locks: another run may have carried some already.
    let orgs = orgs::orgs(tx, org_ids).await?;
    // Each organisation's own subscription and its teams'.
    let subs = catalog::live_subscriptions(tx, org_ids).await?;
    let sub_ids: Vec<i64> = subs.iter().map(|(_, s)| s.id).collect();
    let mut pending = subscriptions::pending_lines_of(tx, &sub_ids).await?;
    let manual: Vec<i64> = orgs
        .iter()
        .filter(|o| o.manually_billed == 1)
        .map(|o| o.id)
        .collect();
    let contracts = catalog::contracts(tx, &manual).await?;
    let contract_subs: Vec<i64> = subs
        .iter()
        .filter(|(o, s)| manual.contains(o) && s.team_id.is_none())
        .map(|(_, s)| s.id)
        .collect();
    let instalments_done = subscriptions::instalments_done(tx, &contract_subs).await?;
    let mut balances = documents::balances(tx, org_ids).await?;
    let free = catalog::current_prices_of(tx, "free", Interval::Monthly).await?;
    let credits = catalog::monthly_credits(tx).await?;

    // Decide, organisation by organisation.
    let mut counts = Counts::default();
    let mut planned: Vec<Planned> = Vec::new();
    let mut transitions: Vec<(i64, String, &'static str, Option<usize>)> = Vec::new();
    let mut billed_pending: Vec<(i64, usize)> = Vec::new();
    let mut changed: Vec<(i64, i64, Subscription, Subscription)> = Vec::new();
    let mut allowances = Vec::new();
    // Each organisation's time zone, currency, VAT treatment and buyer, read once.
    let terms = orgs
        .iter()
        .map(|o| {
            Ok(Terms {
                tz: o.tz()?,
                currency: o.currency()?,
                treatment: o.vat_treatment()?,
                buyer: o.buyer(),
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    // Each subscription, the organisation's own and its teams'.
    let index: HashMap<i64, usize> = orgs
        .iter()
        .enumerate()
        .map(|(o, org)| (org.id, o))
        .collect();
    for (org_id, stored) in subs {
        let Some(&o) = index.get(&org_id) else {
            continue;
        };
        let org = &orgs[o];
        let Terms {
            tz,
            currency,
            treatment,
            ..
        } = &terms[o];
        let (tz, currency) = (*tz, *currency);
        let today = local_day(now, tz);
        let free = free
            .iter()
            .find(|p| p.currency == currency)
            .ok_or_else(|| AppError::internal("billing clock", "no Free price in the currency"))?;
        let balance = balances
            .entry((org.id, currency.code().to_string()))
            .or_insert(0);
        let mut plan_doc = |at: NaiveDate, lines: Vec<LineItem>| {
            let t = totals(
                &lines,
                treatment,
                currency,
                Money::new((*balance).max(0), currency),
            );
            *balance -= t.credit_applied.minor();
            planned.push(Planned {
                org: o,
                subscription_id: stored.id,
                at,
                lines,
                totals: t,
            });
            planned.len() - 1
        };
        let mut sub = stored.subscription.clone();
        let mut waiting = pending.remove(&stored.id).unwrap_or_default();
        while sub.period.end <= today {
            let st = step(&sub, waiting.clone(), free, org.manually_billed == 1);
            let doc = (!st.invoice_lines.is_empty()).then(|| plan_doc(st.at, st.invoice_lines));
            if let Some(doc) = doc {
                counts.invoices += 1;
                if !waiting.is_empty() {
                    billed_pending.push((stored.id, doc));
                    waiting.clear();
                }
            }
            let kind = match st.kind {
                StepKind::Renewed => {
                    counts.renewed += 1;
                    "renewed"
                }
                StepKind::Ended => {
                    counts.ended += 1;
                    "ended"
                }
                StepKind::Contract => {
                    counts.contract_periods += 1;
                    "contract"
                }
            };
            transitions.push((stored.id, crate::db::date(st.at), kind, doc));
            sub = st.next;
            // A team's subscription that comes to Free ends: the team is
            // back on the organisation's plan (R-ACC-2).
            if stored.team_id.is_some() && sub.price.is_free() {
                sub.status = crate::domain::subscription::Status::Canceled;
                break;
            }
        }
        let team = stored.team_id.is_some();
        if let Some(contract) = contracts
            .get(&org.id)
            .filter(|_| org.manually_billed == 1 && !team)
        {
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
                if instalments_done.contains(&(stored.id, key.clone())) {
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
                let doc = plan_doc(due.due, vec![line]);
                counts.invoices += 1;
                counts.instalments += 1;
                transitions.push((stored.id, key, "instalment", Some(doc)));
            }
        }
        // This month's allowance, for the organisation's subscription as it
        // now stands: credits are the organisation's.
        if !team {
            let plan_credits = credits.get(&sub.price.plan_id).copied().unwrap_or(0);
            allowances.extend(allowance_due(org.id, tz, sub.anchor, plan_credits, now));
        }
        if sub != stored.subscription {
            changed.push((org.id, stored.id, stored.subscription, sub));
        }
    }

    // Write. Numbers follow issue dates across the chunk.
    let mut order: Vec<usize> = (0..planned.len()).collect();
    order.sort_by_key(|&i| (planned[i].at, i));
    let new_docs: Vec<_> = order
        .iter()
        .map(|&i| {
            let p = &planned[i];
            let t = &terms[p.org];
            documents::NewDocument {
                org_id: orgs[p.org].id,
                series: Series::Invoice,
                subscription_id: Some(p.subscription_id),
                corrects_id: None,
                issue_date: p.at,
                currency: t.currency,
                lines: &p.lines,
                totals: &p.totals,
                vat_note: t.treatment.legal_note(),
                vat_rate: t.treatment.rate(),
                buyer: &t.buyer,
                locale: orgs[p.org].document_locale(),
            }
        })
        .collect();
    let numbered = documents::issue_many(tx, &new_docs).await?;
    // The document id and number of each planned document.
    let mut ids = vec![(0, String::new()); planned.len()];
    for (k, &i) in order.iter().enumerate() {
        ids[i] = numbered[k].clone();
    }
    let applied: Vec<_> = planned
        .iter()
        .zip(&ids)
        .filter(|(p, _)| p.totals.credit_applied.is_positive())
        .map(|(p, (id, number))| {
            (
                orgs[p.org].id,
                -p.totals.credit_applied,
                format!("applied to invoice {number}"),
                Some(*id),
            )
        })
        .collect();
    documents::add_balances(tx, &applied).await?;
    let rows: Vec<subscriptions::Transition> = transitions
        .into_iter()
        .map(
            |(subscription_id, boundary, kind, doc)| subscriptions::Transition {
                subscription_id,
                boundary,
                kind,
                document_id: doc.map(|d| ids[d].0),
            },
        )
        .collect();
    let fresh = subscriptions::record_transitions(tx, &rows).await?;
    if fresh != rows.len() {
        // Carried already, yet the subscription said otherwise: stop rather
        // than write twice, and say so.
        return Err(AppError::internal(
            "billing clock",
            format!(
                "{} of {} boundaries were carried already",
                rows.len() - fresh,
                rows.len()
            ),
        ));
    }
    let billed: Vec<(i64, i64)> = billed_pending
        .iter()
        .map(|(sub, doc)| (*sub, ids[*doc].0))
        .collect();
    subscriptions::bill_pending(tx, &billed).await?;
    // The clock changes a subscription at its period boundary: that is
    // the day in its history.
    let saves: Vec<subscriptions::Saved> = changed
        .iter()
        .map(|(_, id, before, after)| subscriptions::Saved {
            id: *id,
            before,
            after,
            on: after.period.start,
        })
        .collect();
    subscriptions::save_many(tx, &saves).await?;
    // A period that only moved on is recorded by its transition row; the
    // audit log gets what changed beyond that (a scheduled change applied,
    // the end of a commitment, a re-anchoring).
    let audits: Vec<(i64, &Subscription, &Subscription)> = changed
        .iter()
        .filter(|(_, _, before, after)| {
            let rolled = Subscription {
                period: after.period,
                ..before.clone()
            };
            rolled != *after
        })
        .map(|(org, _, before, after)| (*org, before, after))
        .collect();
    audit::record_many(tx, &Party::Clock, "clock.advance", &audits).await?;
    counts.allowances_granted =
        insert_allowances(tx, &allowances.iter().collect::<Vec<_>>()).await?;

    let mut issued: Vec<(i64, Issued)> = planned
        .into_iter()
        .zip(ids)
        .map(|(p, (_, number))| {
            (
                orgs[p.org].id,
                Issued {
                    number,
                    issue_date: p.at,
                    lines: p.lines,
                    totals: p.totals,
                },
            )
        })
        .collect();
    issued.sort_by_key(|(org, doc)| (*org, doc.issue_date));
    Ok((counts, issued))
}
