//! The vendor's operators (R-OPS-1): accounts apart from customers'.

use sqlx::AnyConnection;

/// A stored operator with the password hash; never serialised, never sent
/// to a browser.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OperatorRow {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: String,
    pub password_hash: String,
    pub must_change_password: i64,
    pub active: i64,
}

const OPERATOR: &str =
    "SELECT id, email, name, role, password_hash, must_change_password, active FROM operators";

pub async fn by_email(
    conn: &mut AnyConnection,
    email: &str,
) -> Result<Option<OperatorRow>, sqlx::Error> {
    sqlx::query_as(&format!("{OPERATOR} WHERE email = $1"))
        .bind(email)
        .fetch_optional(&mut *conn)
        .await
}

pub async fn by_id(conn: &mut AnyConnection, id: i64) -> Result<Option<OperatorRow>, sqlx::Error> {
    sqlx::query_as(&format!("{OPERATOR} WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
}

/// Creates an operator, or gives an existing one (same e-mail) a new
/// password and role; either way the password must be changed at the
/// next login when `one_time`. Returns the id.
pub async fn upsert(
    conn: &mut AnyConnection,
    email: &str,
    name: &str,
    role: &str,
    password_hash: &str,
    one_time: bool,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO operators (email, name, role, password_hash, must_change_password, active, created_at) \
         VALUES ($1, $2, $3, $4, $5, 1, $6) \
         ON CONFLICT (email) DO UPDATE SET role = excluded.role, password_hash = excluded.password_hash, \
         must_change_password = excluded.must_change_password, active = 1 RETURNING id",
    )
    .bind(email)
    .bind(name)
    .bind(role)
    .bind(password_hash)
    .bind(super::flag(one_time))
    .bind(super::now_text())
    .fetch_one(&mut *conn)
    .await
}

pub async fn set_password(
    conn: &mut AnyConnection,
    id: i64,
    password_hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE operators SET password_hash = $1, must_change_password = 0 WHERE id = $2")
        .bind(password_hash)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
