//! Users and the failed-login counter.

use sqlx::AnyConnection;

/// A stored user with the password hash; never serialised, never sent to a
/// browser.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub password_hash: String,
}

pub async fn by_email(
    conn: &mut AnyConnection,
    email: &str,
) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query_as("SELECT id, email, name, password_hash FROM users WHERE email = $1")
        .bind(email)
        .fetch_optional(&mut *conn)
        .await
}

pub async fn name(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT name, email FROM users WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
}

pub async fn insert(
    conn: &mut AnyConnection,
    email: &str,
    name: &str,
    password_hash: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("INSERT INTO users (email, name, password_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
        .bind(email)
        .bind(name)
        .bind(password_hash)
        .bind(super::now_text())
        .fetch_one(&mut *conn)
        .await
}

/// Failed attempts in a row for this e-mail, and when the last one was.
pub async fn failures(
    conn: &mut AnyConnection,
    email: &str,
) -> Result<Option<(i64, i64)>, sqlx::Error> {
    sqlx::query_as("SELECT failures, last_failure_at FROM login_failures WHERE email = $1")
        .bind(email)
        .fetch_optional(&mut *conn)
        .await
}

pub async fn record_failure(
    conn: &mut AnyConnection,
    email: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO login_failures (email, failures, last_failure_at) VALUES ($1, 1, $2) \
         ON CONFLICT (email) DO UPDATE SET failures = login_failures.failures + 1, last_failure_at = excluded.last_failure_at",
    )
    .bind(email)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn clear_failures(conn: &mut AnyConnection, email: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM login_failures WHERE email = $1")
        .bind(email)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn count(conn: &mut AnyConnection) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&mut *conn)
        .await
}
