//! The one way a billing write runs: in a transaction that first takes the
//! organisation's lock, answers a repeated idempotency key with the first
//! answer, and stores this answer with the key (R-PAY-4).

use crate::db::{subscriptions, Db, Tx};
use crate::error::AppError;
use serde::de::DeserializeOwned;
use serde::Serialize;

pub fn new_key() -> String {
    use rand::Rng;
    let bytes: [u8; 16] = rand::thread_rng().gen();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A write in progress: dropping it without [`Guarded::finish`] rolls
/// everything back, the lock included.
pub struct Guarded {
    pub tx: Tx,
    /// The organisation's version before this write.
    pub version: i64,
    org_id: i64,
    key: String,
    action: &'static str,
}

pub enum Begin<T> {
    Fresh(Guarded),
    /// The key was used before: its answer, and nothing written.
    Repeat(T),
}

pub async fn begin<T: DeserializeOwned>(
    db: &Db,
    org_id: i64,
    key: &str,
    action: &'static str,
) -> Result<Begin<T>, AppError> {
    if key.len() < 16
        || key.len() > 64
        || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        return Err(AppError::invalid(
            "idempotency_key",
            "reload the page and try again",
        ));
    }
    let mut tx = db.write().await?;
    let version = subscriptions::lock_org(&mut tx, org_id).await? - 1;
    if let Some(stored) = subscriptions::idempotent_response(&mut tx, org_id, key).await? {
        tx.rollback().await?;
        let answer =
            serde_json::from_str(&stored).map_err(|e| AppError::internal("stored response", e))?;
        return Ok(Begin::Repeat(answer));
    }
    Ok(Begin::Fresh(Guarded {
        tx,
        version,
        org_id,
        key: key.to_string(),
        action,
    }))
}

impl Guarded {
    /// Stores the answer with the key and commits.
    pub async fn finish<T: Serialize>(mut self, answer: T) -> Result<T, AppError> {
        let response =
            serde_json::to_string(&answer).map_err(|e| AppError::internal("response", e))?;
        subscriptions::store_response(&mut self.tx, self.org_id, &self.key, self.action, &response)
            .await?;
        self.tx.commit().await?;
        tracing::info!(org_id = self.org_id, action = self.action, "billing change");
        Ok(answer)
    }
}

/// `let mut g = guarded!(guard::begin(...).await?);` returns a repeat's
/// answer at once, or goes on with the fresh write.
#[macro_export]
macro_rules! guarded {
    ($begin:expr) => {
        match $begin {
            $crate::services::guard::Begin::Repeat(answer) => return Ok(answer),
            $crate::services::guard::Begin::Fresh(g) => g,
        }
    };
}
