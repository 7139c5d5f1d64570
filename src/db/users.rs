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

/// A user and their live memberships: what the header and the permission
/// check need, in one read.
#[derive(Debug, Clone)]
pub struct Who {
    pub name: String,
    pub email: String,
    /// By organisation name.
    pub memberships: Vec<Membership>,
}

#[derive(Debug, Clone)]
pub struct Membership {
    pub org_id: i64,
    pub org_name: String,
    pub role: String,
    pub billing_owner: bool,
}

#[derive(sqlx::FromRow)]
struct WhoRow {
    name: String,
    email: String,
    org_id: Option<i64>,
    org_name: Option<String>,
    role: Option<String>,
    is_billing_owner: Option<i64>,
}

/// The user `id` with their live memberships, or `None` for no such user.
pub async fn who(conn: &mut AnyConnection, id: i64) -> Result<Option<Who>, sqlx::Error> {
    let rows: Vec<WhoRow> = sqlx::query_as(
        "SELECT u.name, u.email, o.id AS org_id, o.name AS org_name, m.role, m.is_billing_owner \
         FROM users u LEFT JOIN memberships m ON m.user_id = u.id AND m.active = 1 \
         LEFT JOIN organisations o ON o.id = m.organisation_id \
         WHERE u.id = $1 ORDER BY o.name, o.id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let (name, email) = (first.name.clone(), first.email.clone());
    let memberships = rows
        .into_iter()
        .filter_map(|r| {
            Some(Membership {
                org_id: r.org_id?,
                org_name: r.org_name?,
                role: r.role?,
                billing_owner: r.is_billing_owner? == 1,
            })
        })
        .collect();
    Ok(Some(Who {
        name,
        email,
        memberships,
    }))
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

/// Counts one more attempt on an account whose count was `seen` (the
/// failures and the time of the last, `None` for no row): `false` when
/// another attempt counted first, so the caller reads again. Compare and
/// set, so attempts at once each take their own place in the count.
pub async fn count_attempt(
    conn: &mut AnyConnection,
    email: &str,
    seen: Option<(i64, i64)>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done =
        match seen {
            None => sqlx::query(
                "INSERT INTO login_failures (email, failures, last_failure_at) VALUES ($1, 1, $2) \
             ON CONFLICT (email) DO NOTHING",
            )
            .bind(email)
            .bind(now)
            .execute(&mut *conn)
            .await?,
            Some((failures, last)) => {
                sqlx::query(
                    "UPDATE login_failures SET failures = $1, last_failure_at = $2 \
             WHERE email = $3 AND failures = $4 AND last_failure_at = $5",
                )
                .bind(failures + 1)
                .bind(now)
                .bind(email)
                .bind(failures)
                .bind(last)
                .execute(&mut *conn)
                .await?
            }
        };
    Ok(done.rows_affected() == 1)
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
