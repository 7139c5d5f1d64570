//! The organisation guard: the one way a billing write runs. In one
//! transaction it takes the organisation's lock, answers a repeated
//! idempotency key with the first answer (R-PAY-4), and asks the
//! organisation's standing whether the action is allowed at all
//! (partner-managed, contract, past due: `domain::roles`), so a refusal
//! holds on every path; the answer is stored with the key.

use crate::db::{subscriptions, Db, Tx};
use crate::domain::roles::{standing_permits, Action};
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
    org_id: i64,
    /// The idempotency key, for writes that carry one.
    key: Option<String>,
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
    permission: Action,
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
    subscriptions::lock_existing(&mut tx, org_id).await?;
    if let Some((done, stored)) = subscriptions::idempotent_response(&mut tx, org_id, key).await? {
        tx.rollback().await?;
        if done != action {
            // The first answer belongs to another change: repeating it
            // would tell this caller something about a change it did not ask.
            tracing::info!(org_id, action, used_for = %done, "idempotency key reused for another action");
            return Err(AppError::conflict(crate::msg!("error-key-reused")));
        }
        let answer =
            serde_json::from_str(&stored).map_err(|e| AppError::internal("stored response", e))?;
        return Ok(Begin::Repeat(answer));
    }
    permitted(&mut tx, org_id, permission).await?;
    Ok(Begin::Fresh(Guarded {
        tx,
        org_id,
        key: Some(key.to_string()),
        action,
    }))
}

/// A write that carries no idempotency key (creating an API key, saving
/// billing details: repeating them is harmless), under the same lock and
/// the same standing check.
pub async fn write(
    db: &Db,
    org_id: i64,
    permission: Action,
    action: &'static str,
) -> Result<Guarded, AppError> {
    let mut tx = db.write().await?;
    subscriptions::lock_existing(&mut tx, org_id).await?;
    permitted(&mut tx, org_id, permission).await?;
    Ok(Guarded {
        tx,
        org_id,
        key: None,
        action,
    })
}

async fn permitted(tx: &mut Tx, org_id: i64, permission: Action) -> Result<(), AppError> {
    let terms = subscriptions::standing(tx, org_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(standing_permits(&terms, permission)?)
}

/// The answer stored for `action` under `key` in the organisation, if it
/// was done: the repeat of a change that took the caller's own right to
/// make it (the billing owner's handover) gets the first answer, not a
/// refusal. The key is the caller's page's, random and single-use.
pub async fn answered<T: DeserializeOwned>(
    db: &Db,
    org_id: i64,
    key: &str,
    action: &'static str,
) -> Result<Option<T>, AppError> {
    subscriptions::response_of_action(&mut *db.conn().await?, org_id, key, action)
        .await?
        .map(|s| serde_json::from_str(&s).map_err(|e| AppError::internal("stored response", e)))
        .transpose()
}

impl Guarded {
    /// Stores the answer with the key and commits.
    pub async fn finish<T: Serialize>(mut self, answer: T) -> Result<T, AppError> {
        if let Some(key) = &self.key {
            let response =
                serde_json::to_string(&answer).map_err(|e| AppError::internal("response", e))?;
            subscriptions::store_response(&mut self.tx, self.org_id, key, self.action, &response)
                .await?;
        }
        self.tx.commit().await?;
        tracing::info!(org_id = self.org_id, action = self.action, "billing change");
        Ok(answer)
    }
}

/// Replaces the answer stored with `key` for `action` once what the write
/// left to do after its commit is done (a charge carried out after the
/// organisation's lock was let go): a repeat then gets the whole answer.
pub async fn amend<T: Serialize>(
    db: &Db,
    org_id: i64,
    key: &str,
    action: &'static str,
    answer: &T,
) -> Result<(), AppError> {
    let response = serde_json::to_string(answer).map_err(|e| AppError::internal("response", e))?;
    subscriptions::amend_response(&mut *db.write_conn().await?, org_id, key, action, &response)
        .await?;
    Ok(())
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
