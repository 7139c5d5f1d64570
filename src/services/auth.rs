//! Password login with argon2id (hashing off the async executor) and a
//! growing delay after failed attempts.

use crate::api::auth::{OrgChoice, UserInfo};
use crate::db::{orgs, users, Db};
use crate::error::AppError;
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use std::sync::LazyLock;
use std::time::Duration;

/// Verified against when the e-mail is unknown, so both failures take as long.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_blocking("no such user, no such password"));

fn hash_blocking(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashes any input")
        .to_string()
}

pub async fn hash_password(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .map_err(|e| AppError::internal("password hashing", e))
}

async fn verify(password: String, hash: Option<String>) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || {
        let hash = hash.unwrap_or_else(|| DUMMY_HASH.clone());
        let parsed = PasswordHash::new(&hash).map_err(|e| e.to_string())?;
        Ok::<bool, String>(
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok(),
        )
    })
    .await
    .map_err(|e| AppError::internal("password check", e))?
    .map_err(|e| AppError::internal("stored password hash", e))
}

/// The wait before answering after `failures` wrong passwords in a row:
/// none for the first, then doubling from a quarter second up to 4 s.
pub fn throttle_delay(failures: i64) -> Duration {
    if failures <= 0 {
        return Duration::ZERO;
    }
    Duration::from_millis((250u64 << (failures - 1).min(4) as u32).min(4000))
}

/// Checks the password and picks the organisation to start in. A wrong
/// password and an unknown e-mail get the same answer.
pub async fn login(db: &Db, email: &str, password: &str) -> Result<(i64, i64), AppError> {
    let email = email.trim().to_lowercase();
    // Bound first, so no pooled connection is held while waiting.
    let failures = users::failures(&mut *db.conn().await?, &email).await?;
    if let Some((failures, _)) = failures {
        tokio::time::sleep(throttle_delay(failures)).await;
    }
    let user = users::by_email(&mut *db.conn().await?, &email).await?;
    let ok = verify(
        password.to_string(),
        user.as_ref().map(|u| u.password_hash.clone()),
    )
    .await?;
    let user = match (ok, user) {
        (true, Some(user)) => user,
        _ => {
            users::record_failure(
                &mut *db.conn().await?,
                &email,
                chrono::Utc::now().timestamp(),
            )
            .await?;
            tracing::info!(email = %email, "failed login");
            return Err(AppError::LoginFailed);
        }
    };
    users::clear_failures(&mut *db.conn().await?, &email).await?;
    let org = orgs::organisations_of(&mut *db.conn().await?, user.id)
        .await?
        .into_iter()
        .next()
        .ok_or(AppError::LoginFailed)?;
    tracing::info!(user_id = user.id, "login");
    Ok((user.id, org.0))
}

pub async fn user_info(
    db: &Db,
    user_id: i64,
    org_id: Option<i64>,
) -> Result<Option<UserInfo>, AppError> {
    let mut conn = db.conn().await?;
    let Some((name, email)) = users::name(&mut conn, user_id).await? else {
        return Ok(None);
    };
    let orgs: Vec<OrgChoice> = orgs::organisations_of(&mut conn, user_id)
        .await?
        .into_iter()
        .map(|(id, name)| OrgChoice { id, name })
        .collect();
    let org_id = org_id.filter(|id| orgs.iter().any(|o| o.id == *id));
    let Some(org_id) = org_id.or_else(|| orgs.first().map(|o| o.id)) else {
        return Ok(None);
    };
    Ok(Some(UserInfo {
        name,
        email,
        org_id,
        orgs,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delay_grows_and_is_capped() {
        assert_eq!(throttle_delay(0), Duration::ZERO);
        assert_eq!(throttle_delay(1), Duration::from_millis(250));
        assert_eq!(throttle_delay(2), Duration::from_millis(500));
        assert_eq!(throttle_delay(5), Duration::from_millis(4000));
        assert_eq!(throttle_delay(50), Duration::from_millis(4000));
    }
}
