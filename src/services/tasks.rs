//! Supervised background work: a task that runs every `period`, each run in
//! a task of its own, so an error or a panic is logged and the next run
//! goes on; nothing a run does can stop the server or the other tasks.

use crate::db::{orgs, subscriptions, Db, Tx};
use crate::error::AppError;
use std::future::Future;
use std::time::Duration;

pub fn every<F, Fut>(name: &'static str, period: Duration, run: F)
where
    F: Fn() -> Fut + Send + 'static,
    Fut: Future<Output = Result<String, String>> + Send + 'static,
{
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(period);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match tokio::spawn(run()).await {
                Ok(Ok(done)) => tracing::debug!(task = name, %done, "background task ran"),
                Ok(Err(e)) => {
                    tracing::error!(task = name, error = %e, "background task failed; it runs again")
                }
                Err(e) => {
                    tracing::error!(task = name, error = %e, "background task panicked; it runs again")
                }
            }
        }
    });
}

/// Organisations per chunk of batch work: each chunk is one transaction
/// that locks its organisations, reads what they need in a few statements,
/// asks the domain, and writes many rows per statement.
pub const CHUNK: usize = 1024;

/// Runs `work` over the organisations `ids` a chunk per transaction, each
/// chunk under its organisations' billing locks: `work` gets the ids whose
/// locks it holds. On PostgreSQL a first pass skips organisations another
/// transaction holds (so the clocks of several servers share the work);
/// those get a second pass that waits for each lock in turn, in order, so
/// two passes never wait on each other and a run leaves no one behind. A
/// chunk that fails is rolled back and run again one organisation at a
/// time, so one broken organisation is logged and left for the next run
/// while every other is done. Returns the sum of what the chunks did and
/// how many organisations failed.
pub async fn by_chunks<T, F>(db: &Db, ids: &[i64], what: &str, work: F) -> (T, usize)
where
    T: Default + std::ops::AddAssign,
    F: for<'a> Fn(&'a mut Tx, &'a [i64]) -> ChunkWork<'a, T>,
{
    let mut total = T::default();
    let mut failed = 0;
    let mut skipped = Vec::new();
    for (lock, ids) in [(Lock::SkipHeld, ids.to_vec()), (Lock::Wait, Vec::new())] {
        let ids = if lock == Lock::Wait {
            skipped.sort_unstable();
            std::mem::take(&mut skipped)
        } else {
            ids
        };
        for chunk in ids.chunks(CHUNK) {
            match in_transaction(db, chunk, lock, &work).await {
                Ok((done, held)) => {
                    total += done;
                    let held: std::collections::HashSet<i64> = held.into_iter().collect();
                    skipped.extend(chunk.iter().filter(|id| !held.contains(id)));
                }
                Err(e) => {
                    if chunk.len() > 1 {
                        tracing::warn!(error = %e, what, "a chunk failed; its organisations are tried one by one");
                    }
                    for id in chunk {
                        match in_transaction(db, &[*id], Lock::Wait, &work).await {
                            Ok((done, _)) => total += done,
                            Err(e) => {
                                tracing::error!(org_id = id, error = %e, what, "the billing clock could not do this organisation; the others go on");
                                failed += 1;
                            }
                        }
                    }
                }
            }
        }
    }
    (total, failed)
}

/// What one chunk's work is: a future borrowing the transaction and ids.
pub type ChunkWork<'a, T> =
    std::pin::Pin<Box<dyn Future<Output = Result<T, AppError>> + Send + 'a>>;

/// How a chunk takes its organisations' locks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lock {
    /// In one statement, leaving those another transaction holds.
    SkipHeld,
    /// One by one in the order given, waiting for each.
    Wait,
}

/// One chunk in one transaction: its locks, then `work` on those held.
/// Returns what it did and the ids it held.
async fn in_transaction<T, F>(
    db: &Db,
    ids: &[i64],
    lock: Lock,
    work: &F,
) -> Result<(T, Vec<i64>), AppError>
where
    F: for<'a> Fn(&'a mut Tx, &'a [i64]) -> ChunkWork<'a, T>,
{
    let mut tx = db.write().await?;
    let result = async {
        let held = match lock {
            Lock::SkipHeld => orgs::lock_many(&mut tx, ids).await?,
            Lock::Wait => {
                for id in ids {
                    subscriptions::lock_org(&mut tx, *id).await?;
                }
                ids.to_vec()
            }
        };
        let done = work(&mut tx, &held).await?;
        Ok::<_, AppError>((done, held))
    }
    .await;
    match result {
        Ok(done) => {
            tx.commit().await?;
            Ok(done)
        }
        Err(e) => {
            // Rolled back now, not when the connection is next used: until
            // then its row locks would make the retry one by one skip
            // (`SKIP LOCKED`) the very organisations it is meant to do.
            if let Err(rollback) = tx.rollback().await {
                tracing::warn!(error = %rollback, "rollback of a failed chunk");
            }
            Err(e)
        }
    }
}
