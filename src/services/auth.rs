//! Password login with argon2id (hashing off the async executor), limited
//! per client address, per account and in checks running at once.

use crate::db::{operators, orgs, users, Db};
use crate::domain::party::OperatorRole;
use crate::error::AppError;
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock};
use std::time::Duration;
use tokio::sync::Semaphore;

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

/// Failed passwords in a row an account may have before it is locked.
pub const FREE_FAILURES: i64 = 5;
/// Password checks running at once: argon2 takes ~20 ms of a core each,
/// so more would only queue behind each other and starve other requests.
const CONCURRENT_CHECKS: usize = 2;
pub const MAX_EMAIL: usize = 254;
const MAX_PASSWORD: usize = 1024;

/// How long an account stays locked after `failures` wrong passwords in a
/// row: none for the first five, then 30 s doubling up to 15 minutes.
pub fn lockout(failures: i64) -> Duration {
    if failures < FREE_FAILURES {
        return Duration::ZERO;
    }
    let doublings = (failures - FREE_FAILURES).min(5) as u32;
    Duration::from_secs((30u64 << doublings).min(900))
}

type IpLimiter = governor::DefaultKeyedRateLimiter<std::net::IpAddr>;

/// One server's login limits: attempts per client address, password
/// checks running at once, and a queue per client address in front of
/// them, so one client holds at most one of the shared checks and cannot
/// turn everyone else's logins into refusals.
pub struct LoginLimits {
    per_address: IpLimiter,
    checks: Semaphore,
    queues: std::sync::Mutex<HashMap<std::net::IpAddr, Arc<Semaphore>>>,
    /// Passwords checked with argon2 since start (a measure for tests).
    verified: AtomicU64,
}

impl LoginLimits {
    pub fn new(attempts_per_minute: u32) -> LoginLimits {
        LoginLimits {
            per_address: governor::RateLimiter::keyed(governor::Quota::per_minute(
                std::num::NonZeroU32::new(attempts_per_minute).unwrap_or(std::num::NonZeroU32::MIN),
            )),
            checks: Semaphore::new(CONCURRENT_CHECKS),
            queues: Default::default(),
            verified: AtomicU64::new(0),
        }
    }

    /// Passwords checked with argon2 since the server started.
    pub fn verified(&self) -> u64 {
        self.verified.load(Ordering::Relaxed)
    }

    /// The client address's own queue (one check at a time); queues no
    /// request holds any more are dropped.
    fn queue(&self, ip: Option<std::net::IpAddr>) -> Option<Arc<Semaphore>> {
        let ip = ip?;
        let mut queues = self.queues.lock().unwrap_or_else(|p| p.into_inner());
        queues.retain(|_, q| Arc::strong_count(q) > 1);
        Some(
            queues
                .entry(ip)
                .or_insert_with(|| Arc::new(Semaphore::new(1)))
                .clone(),
        )
    }

    /// The client address's share of login attempts (R-ACC-3): 429 with the
    /// wait once it is used up. Addresses not seen for a while are forgotten.
    fn per_address(&self, ip: Option<std::net::IpAddr>) -> Result<(), AppError> {
        let Some(ip) = ip else { return Ok(()) };
        if self.per_address.len() > 10_000 {
            self.per_address.retain_recent();
        }
        self.per_address.check_key(&ip).map_err(|not_until| {
            too_many(not_until.wait_time_from(governor::clock::Clock::now(
                &governor::clock::DefaultClock::default(),
            )))
        })
    }
}

fn too_many(wait: Duration) -> AppError {
    AppError::TooManyRequests {
        retry_after: wait.as_secs().max(1),
    }
}

/// Who logs in: a customer's user or one of the vendor's operators. Each
/// has its own accounts, and failures are counted apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Account {
    Customer,
    Operator,
}

/// A password that matched: the account's id, and for an operator the row.
enum Matched {
    Customer(i64),
    Operator(operators::OperatorRow),
}

/// Checks an e-mail and password. A wrong password and an unknown e-mail
/// get the same answer. Limits: per client address, per known account
/// (locked after repeated failures, without running argon2), and a bound
/// on password checks running at once.
async fn authenticate(
    db: &Db,
    limits: &LoginLimits,
    account: Account,
    email: &str,
    password: &str,
    ip: Option<std::net::IpAddr>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Matched, AppError> {
    let email = email.trim().to_lowercase();
    if email.len() > MAX_EMAIL {
        return Err(AppError::invalid(
            "email",
            format!("an e-mail address has at most {MAX_EMAIL} characters"),
        ));
    }
    if password.len() > MAX_PASSWORD {
        return Err(AppError::invalid(
            "password",
            format!("a password has at most {MAX_PASSWORD} characters"),
        ));
    }
    limits.per_address(ip)?;
    let mut conn = db.conn().await?;
    let (found, failure_key) = match account {
        Account::Customer => (
            users::by_email(&mut conn, &email)
                .await?
                .map(|u| (u.password_hash.clone(), Matched::Customer(u.id))),
            email.clone(),
        ),
        Account::Operator => (
            operators::by_email(&mut conn, &email)
                .await?
                .filter(|o| o.active == 1)
                .map(|o| (o.password_hash.clone(), Matched::Operator(o))),
            format!("operator:{email}"),
        ),
    };
    drop(conn);
    // The client waits its turn behind its own earlier attempts, then for
    // one of the shared checks: a bounded wait each.
    let queue = limits.queue(ip);
    let _turn = match queue {
        Some(q) => Some(
            tokio::time::timeout(Duration::from_secs(5), q.acquire_owned())
                .await
                .map_err(|_| too_many(Duration::from_secs(1)))?
                .map_err(|e| AppError::internal("login queue", e))?,
        ),
        None => None,
    };
    let _permit = tokio::time::timeout(Duration::from_secs(5), limits.checks.acquire())
        .await
        .map_err(|_| too_many(Duration::from_secs(1)))?
        .map_err(|e| AppError::internal("password checks", e))?;
    // Failures are counted for known accounts only (unknown e-mails leave
    // nothing behind; the per-address limit covers guessing them), and
    // counted before the password is checked: each attempt takes its own
    // place in the count, so attempts at once cannot all pass a lock read
    // before any of them was counted. A locked account costs no argon2.
    if found.is_some() {
        count_attempt(db, &failure_key, now).await?;
    }
    let (hash, matched) = match found {
        Some((hash, matched)) => (Some(hash), Some(matched)),
        None => (None, None),
    };
    limits.verified.fetch_add(1, Ordering::Relaxed);
    let ok = verify(password.to_string(), hash).await?;
    match (ok, matched) {
        (true, Some(matched)) => {
            users::clear_failures(&mut *db.write_conn().await?, &failure_key).await?;
            Ok(matched)
        }
        _ => {
            tracing::info!(email = ?email, ?account, "failed login");
            Err(AppError::LoginFailed)
        }
    }
}

/// Counts an attempt on an account, or refuses it while the account is
/// locked (with the wait).
async fn count_attempt(
    db: &Db,
    key: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    let now = now.timestamp();
    for _ in 0..50 {
        let mut conn = db.write_conn().await?;
        let seen = users::failures(&mut conn, key).await?;
        if let Some((failures, last)) = seen {
            let until = last.saturating_add(lockout(failures).as_secs() as i64);
            if until > now {
                return Err(too_many(Duration::from_secs((until - now) as u64)));
            }
        }
        if users::count_attempt(&mut conn, key, seen, now).await? {
            return Ok(());
        }
    }
    // Fifty others counted between each read and write: busy enough.
    Err(too_many(Duration::from_secs(1)))
}

/// A customer's login: checks the password and picks the organisation to
/// start in.
pub async fn login(
    db: &Db,
    limits: &LoginLimits,
    email: &str,
    password: &str,
    ip: Option<std::net::IpAddr>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(i64, i64), AppError> {
    let Matched::Customer(user_id) =
        authenticate(db, limits, Account::Customer, email, password, ip, now).await?
    else {
        return Err(AppError::LoginFailed);
    };
    let org = orgs::organisations_of(&mut *db.conn().await?, user_id)
        .await?
        .into_iter()
        .next()
        .ok_or(AppError::LoginFailed)?;
    tracing::info!(user_id, "login");
    Ok((user_id, org.0))
}

/// An operator's login: the id, the role, and whether the one-time
/// password must be changed first.
pub async fn operator_login(
    db: &Db,
    limits: &LoginLimits,
    email: &str,
    password: &str,
    ip: Option<std::net::IpAddr>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(i64, OperatorRole, bool), AppError> {
    let Matched::Operator(op) =
        authenticate(db, limits, Account::Operator, email, password, ip, now).await?
    else {
        return Err(AppError::LoginFailed);
    };
    let role = OperatorRole::parse(&op.role).map_err(|e| AppError::internal("operator role", e))?;
    tracing::info!(operator_id = op.id, "operator login");
    Ok((op.id, role, op.must_change_password == 1))
}

/// The shortest password an operator may choose.
pub const MIN_OPERATOR_PASSWORD: usize = 12;

/// Creates an operator (or resets one) with a one-time password, which is
/// returned to be shown once: the `operator create` command.
pub async fn create_operator(db: &Db, email: &str, role: OperatorRole) -> Result<String, AppError> {
    let email = email.trim().to_lowercase();
    if !crate::domain::billing_details::email_ok(&email) || email.len() > MAX_EMAIL {
        return Err(AppError::invalid(
            "email",
            format!("'{email}' is not an e-mail address such as ops@example.se"),
        ));
    }
    let password = crate::services::guard::new_key();
    let hash = hash_password(password.clone()).await?;
    let name = email.split('@').next().unwrap_or_default().to_string();
    operators::upsert(
        &mut *db.conn().await?,
        &email,
        &name,
        role.code(),
        &hash,
        true,
    )
    .await?;
    Ok(password)
}

/// An operator chooses their own password (after a one-time one), giving
/// the current one first: checked as a login is, with the same limits, so
/// a session left open cannot be used to take the account over or to
/// guess the password without bound.
pub async fn change_operator_password(
    db: &Db,
    limits: &LoginLimits,
    operator_id: i64,
    current: &str,
    password: &str,
    ip: Option<std::net::IpAddr>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    if password.chars().count() < MIN_OPERATOR_PASSWORD || password.len() > MAX_PASSWORD {
        return Err(AppError::invalid(
            "password",
            format!("choose a password of at least {MIN_OPERATOR_PASSWORD} characters"),
        ));
    }
    let email = operators::by_id(&mut *db.conn().await?, operator_id)
        .await?
        .ok_or(AppError::Unauthenticated)?
        .email;
    match authenticate(db, limits, Account::Operator, &email, current, ip, now).await {
        Ok(Matched::Operator(op)) if op.id == operator_id => {}
        Err(AppError::LoginFailed) | Ok(_) => {
            return Err(AppError::invalid(
                "current",
                "the current password is wrong",
            ))
        }
        Err(e) => return Err(e),
    }
    let hash = hash_password(password.to_string()).await?;
    operators::set_password(&mut *db.write_conn().await?, operator_id, &hash).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lockout_grows_and_is_capped() {
        assert_eq!(lockout(0), Duration::ZERO);
        assert_eq!(lockout(4), Duration::ZERO);
        assert_eq!(lockout(5), Duration::from_secs(30));
        assert_eq!(lockout(6), Duration::from_secs(60));
        assert_eq!(lockout(50), Duration::from_secs(900));
    }
}
