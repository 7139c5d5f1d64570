//! Supervised background work: a task that runs every `period`, each run in
//! a task of its own, so an error or a panic is logged and the next run
//! goes on; nothing a run does can stop the server or the other tasks.

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
