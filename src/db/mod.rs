//! Storage: one sqlx `AnyPool` over SQLite (the embedded default) or
//! PostgreSQL. Queries are written once, with `$n` placeholders, portable
//! types (BIGINT/INTEGER, TEXT) and integer 0/1 flags, so both backends run
//! the same code; only the DDL differs (`migrations/sqlite`, `migrations/postgres`).

pub mod audit;
pub mod billing;
mod bulk;
pub mod catalog;
pub mod credits;
pub mod documents;
mod one_read;
pub mod operators;
pub mod orgs;
pub mod outbox;
pub mod payments;
mod pool;
pub mod session_store;
pub mod subscriptions;
pub mod users;

pub use bulk::*;
pub use one_read::*;
pub use pool::*;

/// Flags are stored as 0/1 integers on both backends.
pub fn flag(v: bool) -> i64 {
    i64::from(v)
}

pub fn now_text() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

pub fn parse_date(s: &str) -> Result<chrono::NaiveDate, crate::error::AppError> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|e| crate::error::AppError::internal("stored date", e))
}

/// Text for `LIKE … ESCAPE '\\'`: `%` and `_` in what a person typed
/// match themselves, not any text.
pub fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// Dates are stored as `YYYY-MM-DD`.
pub fn date(d: chrono::NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn like_escape_makes_wildcards_plain() {
        assert_eq!(super::like_escape("org_flags 5%"), "org\\_flags 5\\%");
        assert_eq!(super::like_escape("a\\b"), "a\\\\b");
        assert_eq!(super::like_escape("plan."), "plan.");
    }
}
