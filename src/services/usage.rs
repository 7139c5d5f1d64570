//! Usage events from the vendor's product (R-CRD-4/5), charged in batches.
//!
//! Events queue to one worker per server, which takes up to
//! `EVENTS_PER_TRANSACTION` at a time and charges them in one transaction:
//! per organisation one lock, one read of the grants and of earlier
//! answers, and multi-row inserts: one row per event, one ledger entry per
//! grant drawn from.
//! Each event still gets its own answer, given only after the commit. A
//! failed transaction records nothing; when it held several organisations'
//! events, each organisation is charged again in a transaction of its own,
//! so one tenant's input never fails another tenant's events. Events of one organisation are charged in arrival order, so the
//! balance never goes below zero; the organisation's lock keeps that true
//! across server instances on one PostgreSQL database.

use crate::clock::Clock;
use crate::db::credits as ledger;
use crate::db::{subscriptions, Db};
use crate::domain::credits::{balance, consume, run_cost, InsufficientCredits};
use crate::domain::period::local_day;
use crate::domain::text::{check, Lines};
use crate::error::AppError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use tokio::sync::{mpsc, oneshot};

/// The most events one batch request may carry.
pub const MAX_BATCH: usize = 500;

/// The most events the worker charges in one transaction, from as many
/// requests as are waiting. On SQLite the commit's cost is the index pages
/// it dirties (event ids are random, so about one page per event in a
/// small transaction); a larger one shares pages between events
/// (`benches/usage_ab.sh`; docs/benchmarks.md).
const EVENTS_PER_TRANSACTION: usize = 5_000;

/// One integration run (R-CRD-4).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UsageEvent {
    pub event_id: String,
    pub runtime_seconds: u64,
    #[serde(default)]
    pub iterations: u64,
    #[serde(default)]
    pub advanced_steps: Vec<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageAnswer {
    pub event_id: String,
    pub cost: i64,
    pub balance: i64,
}

#[derive(Debug, Clone)]
pub enum UsageError {
    Invalid(String),
    Insufficient(InsufficientCredits),
    App(AppError),
}

impl From<ledger::UsageRow> for UsageAnswer {
    fn from(row: ledger::UsageRow) -> UsageAnswer {
        UsageAnswer {
            event_id: row.event_id,
            cost: row.cost,
            balance: row.balance,
        }
    }
}

type Answer = Result<UsageAnswer, UsageError>;

/// What the worker knows of an organisation's live grants after its last
/// batch, valid while the organisation's version is the one it left: any
/// other billing write (a pack, an expiry, another server) bumps the
/// version, and the grants are read again.
#[derive(Clone)]
struct OrgLedger {
    version: i64,
    grants: Vec<crate::domain::credits::Grant>,
    tz: chrono_tz::Tz,
}

type Ledgers = HashMap<i64, OrgLedger>;

/// One request's events: charged in one transaction, answered together.
struct Job {
    org_id: i64,
    events: Vec<UsageEvent>,
    reply: oneshot::Sender<Vec<Answer>>,
}

/// The handle the HTTP API submits events through.
#[derive(Clone)]
pub struct UsageBatcher {
    jobs: mpsc::Sender<Job>,
}

impl UsageBatcher {
    /// Starts the worker on the current Tokio runtime; each batch is
    /// charged at the clock's "now".
    pub fn start(db: Db, clock: Clock) -> UsageBatcher {
        UsageBatcher::start_with(move |requests, mut ledgers| {
            let db = db.clone();
            let now = clock.now();
            async move {
                let answers = charge_batch(&db, requests, now, &mut ledgers).await;
                (answers, ledgers)
            }
        })
    }

    /// The worker loop around any way of charging a batch. Each batch runs
    /// as a task of its own: a panic or an error fails that batch's events
    /// only (they are answered with an error and nothing of them is
    /// committed); the next batch is charged as usual, for every tenant.
    fn start_with<F, Fut>(charge: F) -> UsageBatcher
    where
        F: Fn(Vec<(i64, UsageEvent)>, Ledgers) -> Fut + Send + 'static,
        Fut: Future<Output = (Vec<Answer>, Ledgers)> + Send + 'static,
    {
        let (jobs, mut queue) = mpsc::channel::<Job>(8 * MAX_BATCH);
        tokio::spawn(async move {
            let mut ledgers = Ledgers::new();
            // A job that did not fit the last batch starts the next one.
            let mut held: Option<Job> = None;
            loop {
                let first = match held.take() {
                    Some(job) => job,
                    None => match queue.recv().await {
                        Some(job) => job,
                        None => break,
                    },
                };
                let mut size = first.events.len();
                let mut batch = vec![first];
                while size < EVENTS_PER_TRANSACTION {
                    match queue.try_recv() {
                        Ok(job) if size + job.events.len() > EVENTS_PER_TRANSACTION => {
                            held = Some(job);
                            break;
                        }
                        Ok(job) => {
                            size += job.events.len();
                            batch.push(job);
                        }
                        Err(_) => break,
                    }
                }
                let mut requests = Vec::with_capacity(size);
                let mut replies = Vec::with_capacity(batch.len());
                for job in batch {
                    replies.push((job.reply, job.events.len()));
                    requests.extend(job.events.into_iter().map(|e| (job.org_id, e)));
                }
                let answers = match tokio::spawn(charge(requests, std::mem::take(&mut ledgers)))
                    .await
                {
                    Ok((answers, kept)) if answers.len() == size => {
                        ledgers = kept;
                        answers
                    }
                    outcome => {
                        // What the worker knew may be ahead of the database.
                        match outcome {
                            Err(e) => {
                                tracing::error!(error = %e, events = size, "a usage batch failed; its events are answered with an error")
                            }
                            Ok(_) => tracing::error!(
                                events = size,
                                "a usage batch answered the wrong number of events"
                            ),
                        }
                        vec![Err(UsageError::App(AppError::Internal)); size]
                    }
                };
                let mut answers = answers.into_iter();
                for (reply, n) in replies {
                    // The client may have gone; its events are charged all the same.
                    let _ = reply.send(answers.by_ref().take(n).collect());
                }
            }
        });
        UsageBatcher { jobs }
    }

    /// Charges one event.
    pub async fn submit(&self, org_id: i64, event: UsageEvent) -> Answer {
        self.submit_all(org_id, vec![event])
            .await
            .and_then(|mut answers| {
                answers
                    .pop()
                    .unwrap_or(Err(UsageError::App(AppError::Internal)))
            })
    }

    /// Charges a request's events (at most `MAX_BATCH`) in one transaction,
    /// in order, and answers each; `Err` when the worker has stopped.
    pub async fn submit_all(
        &self,
        org_id: i64,
        events: Vec<UsageEvent>,
    ) -> Result<Vec<Answer>, UsageError> {
        if events.is_empty() || events.len() > MAX_BATCH {
            return Err(UsageError::Invalid(format!(
                "events: send 1 to {MAX_BATCH} events"
            )));
        }
        let stopped = || UsageError::App(AppError::internal("usage", "the usage worker stopped"));
        let (reply, answers) = oneshot::channel();
        self.jobs
            .send(Job {
                org_id,
                events,
                reply,
            })
            .await
            .map_err(|_| stopped())?;
        answers.await.map_err(|_| stopped())
    }
}

fn cost_of(e: &UsageEvent) -> Result<i64, UsageError> {
    if e.event_id.is_empty() || e.event_id.len() > 128 {
        return Err(UsageError::Invalid(
            "event_id must be 1 to 128 characters".into(),
        ));
    }
    if let Err(found) = check(&e.event_id, Lines::One) {
        return Err(UsageError::Invalid(format!(
            "event_id holds a control character ({} at character {}): send printable text",
            found.code_point(),
            found.position
        )));
    }
    run_cost(e.runtime_seconds, e.iterations, &e.advanced_steps)
        .map_err(|r| UsageError::Invalid(r.to_string()))
}

/// Charges one event: a batch of one.
pub async fn record_usage(db: &Db, org_id: i64, event: UsageEvent, now: DateTime<Utc>) -> Answer {
    record_batch(db, vec![(org_id, event)], now)
        .await
        .pop()
        .unwrap_or(Err(UsageError::App(AppError::Internal)))
}

/// Charges events in one transaction and answers each, in order.
pub async fn record_batch(
    db: &Db,
    requests: Vec<(i64, UsageEvent)>,
    now: DateTime<Utc>,
) -> Vec<Answer> {
    charge_batch(db, requests, now, &mut Ledgers::new()).await
}

async fn charge_batch(
    db: &Db,
    requests: Vec<(i64, UsageEvent)>,
    now: DateTime<Utc>,
    ledgers: &mut Ledgers,
) -> Vec<Answer> {
    let mut answers: Vec<Option<Answer>> = vec![None; requests.len()];
    let mut costs = vec![0; requests.len()];
    for (i, (_, e)) in requests.iter().enumerate() {
        match cost_of(e) {
            Ok(c) => costs[i] = c,
            Err(err) => answers[i] = Some(Err(err)),
        }
    }
    let pending: Vec<usize> = (0..requests.len())
        .filter(|i| answers[*i].is_none())
        .collect();
    match charge(db, &requests, &costs, &mut answers, now, ledgers).await {
        Ok(charged) => {
            for (i, a) in charged {
                answers[i] = Some(Ok(a));
            }
        }
        Err(e) => {
            // What the worker knew may be ahead of the database now.
            ledgers.clear();
            // Nothing was recorded. One organisation's events must not fail
            // another's: each organisation is charged again on its own.
            let mut orgs: Vec<i64> = pending.iter().map(|i| requests[*i].0).collect();
            orgs.sort_unstable();
            orgs.dedup();
            for i in &pending {
                answers[*i] = None;
            }
            if orgs.len() > 1 {
                for org in orgs {
                    let mine: Vec<usize> = pending
                        .iter()
                        .copied()
                        .filter(|i| requests[*i].0 == org)
                        .collect();
                    let alone: Vec<(i64, UsageEvent)> =
                        mine.iter().map(|i| requests[*i].clone()).collect();
                    let alone_costs: Vec<i64> = mine.iter().map(|i| costs[*i]).collect();
                    let mut alone_answers: Vec<Option<Answer>> = vec![None; mine.len()];
                    let result =
                        charge(db, &alone, &alone_costs, &mut alone_answers, now, ledgers).await;
                    match result {
                        Ok(charged) => {
                            for (j, a) in charged {
                                alone_answers[j] = Some(Ok(a));
                            }
                        }
                        Err(e) => {
                            ledgers.remove(&org);
                            tracing::warn!(org_id = org, error = %e, "an organisation's usage events failed on their own");
                            for a in alone_answers.iter_mut().filter(|a| a.is_none()) {
                                *a = Some(Err(UsageError::App(e.clone())));
                            }
                        }
                    }
                    for (j, i) in mine.into_iter().enumerate() {
                        answers[i] = alone_answers[j].take();
                    }
                }
            } else {
                for i in pending {
                    answers[i] = Some(Err(UsageError::App(e.clone())));
                }
            }
        }
    }
    answers
        .into_iter()
        .map(|a| a.unwrap_or(Err(UsageError::App(AppError::Internal))))
        .collect()
}

/// Writes the batch; returns the events charged (or answered again) with
/// their answers, to be given once the transaction has committed. Refusals
/// and earlier answers go straight into `answers`.
async fn charge(
    db: &Db,
    requests: &[(i64, UsageEvent)],
    costs: &[i64],
    answers: &mut [Option<Answer>],
    now: DateTime<Utc>,
    ledgers: &mut Ledgers,
) -> Result<Vec<(usize, UsageAnswer)>, AppError> {
    let mut org_ids: Vec<i64> = requests
        .iter()
        .enumerate()
        .filter(|(i, _)| answers[*i].is_none())
        .map(|(_, r)| r.0)
        .collect();
    // Locks in one order everywhere: no deadlock between instances.
    org_ids.sort_unstable();
    org_ids.dedup();
    if org_ids.is_empty() {
        return Ok(vec![]);
    }
    let mut charged = Vec::new();
    let mut next = Ledgers::new();
    let mut tx = db.write().await?;
    for org_id in org_ids {
        let version = subscriptions::lock_org(&mut tx, org_id).await?;
        let mine: Vec<usize> = (0..requests.len())
            .filter(|i| answers[*i].is_none() && requests[*i].0 == org_id)
            .collect();
        let ids: Vec<&str> = mine
            .iter()
            .map(|i| requests[*i].1.event_id.as_str())
            .collect();
        let stored: HashMap<String, ledger::UsageRow> =
            ledger::usage_answers(&mut tx, org_id, &ids)
                .await?
                .into_iter()
                .map(|row| (row.event_id.clone(), row))
                .collect();
        let known = ledgers
            .get(&org_id)
            .filter(|l| l.version + 1 == version)
            .cloned();
        let OrgLedger { mut grants, tz, .. } = match known {
            Some(l) => l,
            None => {
                let time_zone = crate::db::orgs::time_zone(&mut tx, org_id).await?;
                OrgLedger {
                    version,
                    grants: ledger::grants(&mut tx, org_id, Some(now)).await?,
                    tz: time_zone
                        .parse()
                        .map_err(|e| AppError::internal("org time zone", e))?,
                }
            }
        };
        // The ledger gets one consumption entry per grant drawn from in
        // this batch; each event is its own row of `usage_events`.
        let mut drawn: BTreeMap<i64, i64> = BTreeMap::new();
        let mut events: Vec<ledger::UsageRow> = Vec::new();
        let mut in_batch: HashMap<&str, UsageAnswer> = HashMap::new();
        for i in mine {
            let event_id = requests[i].1.event_id.as_str();
            if let Some(row) = stored.get(event_id) {
                answers[i] = Some(Ok(UsageAnswer::from(row.clone())));
                continue;
            }
            if let Some(a) = in_batch.get(event_id) {
                charged.push((i, a.clone()));
                continue;
            }
            match consume(&grants, costs[i], now) {
                Err(short) => answers[i] = Some(Err(UsageError::Insufficient(short))),
                Ok(draws) => {
                    for (grant_id, n) in draws {
                        if let Some(g) = grants.iter_mut().find(|g| g.id == grant_id) {
                            g.used += n;
                        }
                        *drawn.entry(grant_id).or_default() += n;
                    }
                    let row = ledger::UsageRow {
                        event_id: event_id.to_string(),
                        cost: costs[i],
                        balance: balance(&grants, now),
                    };
                    let answer = UsageAnswer::from(row.clone());
                    events.push(row);
                    in_batch.insert(event_id, answer.clone());
                    charged.push((i, answer));
                }
            }
        }
        let entries: Vec<(i64, i64)> = drawn.into_iter().collect();
        ledger::insert_entries(
            &mut tx,
            org_id,
            "consumption",
            &entries,
            local_day(now, tz),
            now,
        )
        .await?;
        ledger::insert_usages(&mut tx, org_id, &events, now).await?;
        // Grants used up or expired are dropped; the rest is what this
        // transaction leaves, at the version it set.
        grants.retain(|g| g.remaining() > 0 && g.expires_at > now);
        next.insert(
            org_id,
            OrgLedger {
                version,
                grants,
                tz,
            },
        );
    }
    tx.commit().await?;
    ledgers.extend(next);
    Ok(charged)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stand-in for charging: every event answered, its cost the
    /// organisation's id (so a test sees whose answer it got).
    fn answered(requests: Vec<(i64, UsageEvent)>) -> Vec<Answer> {
        requests
            .into_iter()
            .map(|(org, e)| {
                Ok(UsageAnswer {
                    event_id: e.event_id,
                    cost: org,
                    balance: 0,
                })
            })
            .collect()
    }

    fn event(id: &str) -> UsageEvent {
        UsageEvent {
            event_id: id.into(),
            runtime_seconds: 1,
            iterations: 0,
            advanced_steps: vec![],
        }
    }

    /// Requests waiting together are charged together, never more than
    /// `EVENTS_PER_TRANSACTION` events in one transaction, and each request
    /// gets its own events' answers, in order.
    #[tokio::test]
    async fn waiting_requests_share_transactions_up_to_the_limit() {
        let sizes = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = sizes.clone();
        let batcher = UsageBatcher::start_with(move |requests: Vec<(i64, UsageEvent)>, ledgers| {
            seen.lock().unwrap().push(requests.len());
            async move { (answered(requests), ledgers) }
        });
        let requests: Vec<_> = (0..30i64)
            .map(|r| {
                let batcher = batcher.clone();
                tokio::spawn(async move {
                    let events = (0..MAX_BATCH).map(|i| event(&format!("{r}-{i}"))).collect();
                    (r, batcher.submit_all(r, events).await.unwrap())
                })
            })
            .collect();
        for request in requests {
            let (r, answers) = request.await.unwrap();
            let ids: Vec<String> = answers
                .into_iter()
                .map(|a| {
                    let a = a.unwrap();
                    assert_eq!(a.cost, r, "an answer of another request");
                    a.event_id
                })
                .collect();
            let expected: Vec<String> = (0..MAX_BATCH).map(|i| format!("{r}-{i}")).collect();
            assert_eq!(ids, expected);
        }
        let sizes = sizes.lock().unwrap();
        assert_eq!(sizes.iter().sum::<usize>(), 30 * MAX_BATCH);
        assert!(
            sizes.iter().all(|n| *n <= EVENTS_PER_TRANSACTION),
            "{sizes:?}"
        );
        // On the test's one thread every request is waiting when the worker runs.
        assert!(sizes.iter().any(|n| *n > MAX_BATCH), "{sizes:?}");
    }

    /// A batch that panics fails its own events; the worker goes on and the
    /// next tenant's event is charged.
    #[tokio::test]
    async fn a_panicking_batch_does_not_stop_the_worker() {
        let batcher =
            UsageBatcher::start_with(|requests: Vec<(i64, UsageEvent)>, ledgers| async move {
                if requests.iter().any(|(org, _)| *org == 1) {
                    panic!("poisoned batch of organisation 1");
                }
                (answered(requests), ledgers)
            });
        let poisoned = batcher.submit(1, event("a")).await;
        assert!(matches!(poisoned, Err(UsageError::App(AppError::Internal))));
        let next = batcher.submit(2, event("b")).await.unwrap();
        assert_eq!(next.event_id, "b");
        let again = batcher
            .submit_all(2, vec![event("c"), event("d")])
            .await
            .unwrap();
        assert_eq!(again.len(), 2);
    }
}
