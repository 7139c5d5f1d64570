//! Bulk work in few statements: multi-row `VALUES` lists, batches as large
//! as the parameters a statement may hold, and `IN` lists over many ids.

use super::*;

/// Rows per multi-row statement of bulk work (INSERT … VALUES, IN lists). SQLite finds a bound
/// parameter's name by a linear scan and sqlx asks it for every parameter,
/// so binding costs grow with the square of a statement's parameters: with
/// 1 000-row statements the usage worker spent 66 % of its time in
/// `sqlite3_bind_parameter_name` (perf, under `benches/usage_load.sh`).
/// Full chunks of this size also share one prepared statement.
pub const ROWS_PER_STATEMENT: usize = 64;

/// One column of a multi-row `VALUES` list: a parameter bound once for the
/// whole statement (`Shared(n)` is `$n`), or the row's own next parameter.
#[derive(Clone, Copy)]
pub enum Col {
    Shared(usize),
    Own,
}

/// `prefix ($1, $2), ($3, $4)…`: a multi-row insert with numbered
/// placeholders, which both SQLite and PostgreSQL read (sqlx's QueryBuilder
/// writes `?` for the Any driver, which PostgreSQL does not). Bind the
/// shared parameters first, then each row's own in order.
pub fn values_sql(prefix: &str, rows: usize, row: &[Col]) -> String {
    use std::fmt::Write;
    let shared = row
        .iter()
        .map(|c| match c {
            Col::Shared(n) => *n,
            Col::Own => 0,
        })
        .max()
        .unwrap_or(0);
    let mut next = shared;
    let mut sql = String::from(prefix);
    for r in 0..rows {
        sql.push_str(if r > 0 { ", (" } else { "(" });
        for (c, col) in row.iter().enumerate() {
            if c > 0 {
                sql.push_str(", ");
            }
            let n = match col {
                Col::Shared(n) => *n,
                Col::Own => {
                    next += 1;
                    next
                }
            };
            write!(sql, "${n}").expect("writing to a String");
        }
        sql.push(')');
    }
    sql
}

/// Parameters per multi-row statement of batch work: enough rows to spread
/// the per-statement cost (a thread hand-off on SQLite, a round trip on
/// PostgreSQL) thin. On SQLite batch statements use anonymous `?`
/// parameters: sqlx asks SQLite for every parameter's name, which for
/// numbered ones is a linear scan, so `$n` parameters cost the square of
/// their count (29 % of the clock's time at 512 per statement, by `perf`).
pub const PARAMS_PER_STATEMENT: usize = 16384;

/// A value bound into a batch statement.
#[derive(Debug, Clone)]
pub enum Val {
    Int(i64),
    OptInt(Option<i64>),
    Text(String),
    OptText(Option<String>),
}

impl From<i64> for Val {
    fn from(v: i64) -> Val {
        Val::Int(v)
    }
}
impl From<Option<i64>> for Val {
    fn from(v: Option<i64>) -> Val {
        Val::OptInt(v)
    }
}
impl From<String> for Val {
    fn from(v: String) -> Val {
        Val::Text(v)
    }
}
impl From<&str> for Val {
    fn from(v: &str) -> Val {
        Val::Text(v.to_string())
    }
}
impl From<Option<String>> for Val {
    fn from(v: Option<String>) -> Val {
        Val::OptText(v)
    }
}

/// Runs `head (row), (row)… tail` over `rows`, as many rows per statement
/// as [`PARAMS_PER_STATEMENT`] allows, and returns what the statements
/// return (`RETURNING …` in `tail`). Every row has the same width. For
/// inserts (`INSERT INTO t (a, b) VALUES `) and batch updates
/// (`UPDATE t SET … FROM (VALUES ` … `) AS v WHERE t.id = v.column1`).
pub async fn batch(
    conn: &mut sqlx::AnyConnection,
    head: &str,
    tail: &str,
    rows: Vec<Vec<Val>>,
) -> Result<Vec<sqlx::any::AnyRow>, sqlx::Error> {
    let mut out = Vec::new();
    for q in batch_statements(conn, head, tail, rows) {
        out.extend(q.bound().fetch_all(&mut *conn).await?);
    }
    Ok(out)
}

/// [`batch`] for statements that return nothing: how many rows they
/// wrote. Each returned row costs SQLite a hand-off between threads, so
/// counts are better asked this way.
pub async fn batch_execute(
    conn: &mut sqlx::AnyConnection,
    head: &str,
    tail: &str,
    rows: Vec<Vec<Val>>,
) -> Result<u64, sqlx::Error> {
    let mut affected = 0;
    for q in batch_statements(conn, head, tail, rows) {
        affected += q.bound().execute(&mut *conn).await?.rows_affected();
    }
    Ok(affected)
}

/// One statement of a batch: its text and its values in order.
struct Statement {
    sql: String,
    values: Vec<Val>,
}

impl Statement {
    /// Not kept prepared: a batch's row count varies, and every count kept
    /// was a statement of its own in each connection's cache (the usage
    /// API's transactions of up to 5 000 events held 166 MB so).
    fn bound(&self) -> sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments<'_>> {
        bound(&self.sql, &self.values).persistent(false)
    }
}

/// `sql` with `values` bound in order.
pub(super) fn bound<'q>(
    sql: &'q str,
    values: &'q [Val],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    let mut q = sqlx::query(sql);
    for v in values {
        q = match v {
            Val::Int(v) => q.bind(*v),
            Val::OptInt(v) => q.bind(*v),
            Val::Text(v) => q.bind(v.as_str()),
            Val::OptText(v) => q.bind(v.as_deref()),
        };
    }
    q
}

fn batch_statements(
    conn: &sqlx::AnyConnection,
    head: &str,
    tail: &str,
    rows: Vec<Vec<Val>>,
) -> Vec<Statement> {
    let Some(width) = rows.first().map(Vec::len) else {
        return Vec::new();
    };
    let per = (PARAMS_PER_STATEMENT / width.max(1)).max(1);
    let anonymous = Backend::of(conn) == Backend::Sqlite;
    let mut out = Vec::new();
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<Vec<Val>> = rows.by_ref().take(per).collect();
        let mut sql = if anonymous {
            anonymous_values_sql(head, chunk.len(), width)
        } else {
            values_sql(head, chunk.len(), &vec![Col::Own; width])
        };
        sql.push_str(tail);
        out.push(Statement {
            sql,
            values: chunk.into_iter().flatten().collect(),
        });
    }
    out
}

/// `prefix (?, ?), (?, ?)…`: SQLite's anonymous parameters, bound in order.
fn anonymous_values_sql(prefix: &str, rows: usize, width: usize) -> String {
    let row = format!("({})", vec!["?"; width].join(", "));
    let mut sql = String::with_capacity(prefix.len() + rows * (row.len() + 2));
    sql.push_str(prefix);
    for r in 0..rows {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&row);
    }
    sql
}

/// `($first, $first+1, …)` for an `IN` list of `n` parameters.
pub fn in_list(first: usize, n: usize) -> String {
    let items: Vec<String> = (first..first + n).map(|i| format!("${i}")).collect();
    format!("({})", items.join(", "))
}

/// `sql` with `{ids}` replaced by an `IN` list for each chunk of `ids`.
fn in_statements(conn: &sqlx::AnyConnection, sql: &str, ids: &[i64]) -> Vec<(String, Vec<i64>)> {
    let anonymous = Backend::of(conn) == Backend::Sqlite;
    ids.chunks(PARAMS_PER_STATEMENT)
        .map(|chunk| {
            let list = if anonymous {
                format!("({})", vec!["?"; chunk.len()].join(", "))
            } else {
                in_list(1, chunk.len())
            };
            (sql.replace("{ids}", &list), chunk.to_vec())
        })
        .collect()
}

/// Runs `sql` (with `{ids}` where the `IN` list goes, and no other
/// parameter) for `ids`, many per statement, and collects the rows.
pub async fn select_in<T>(
    conn: &mut sqlx::AnyConnection,
    sql: &str,
    ids: &[i64],
) -> Result<Vec<T>, sqlx::Error>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    let mut out = Vec::new();
    for (sql, chunk) in in_statements(conn, sql, ids) {
        let mut q = sqlx::query_as::<_, T>(&sql);
        for id in chunk {
            q = q.bind(id);
        }
        out.extend(q.fetch_all(&mut *conn).await?);
    }
    Ok(out)
}

/// [`select_in`] for a statement that returns nothing: rows written.
pub async fn execute_in(
    conn: &mut sqlx::AnyConnection,
    sql: &str,
    ids: &[i64],
) -> Result<u64, sqlx::Error> {
    let mut affected = 0;
    for (sql, chunk) in in_statements(conn, sql, ids) {
        let mut q = sqlx::query(&sql);
        for id in chunk {
            q = q.bind(id);
        }
        affected += q.execute(&mut *conn).await?.rows_affected();
    }
    Ok(affected)
}

#[cfg(test)]
mod tests {
    use super::{values_sql, Col::*};

    #[test]
    fn values_sql_binds_shared_columns_once_and_numbers_the_rest_in_order() {
        assert_eq!(
            values_sql("INSERT INTO t (a, b, c) VALUES ", 2, &[Shared(1), Own, Own]),
            "INSERT INTO t (a, b, c) VALUES ($1, $2, $3), ($1, $4, $5)"
        );
        assert_eq!(
            values_sql("V ", 2, &[Own, Shared(2), Own, Shared(1)]),
            "V ($3, $2, $4, $1), ($5, $2, $6, $1)"
        );
        assert_eq!(values_sql("V ", 2, &[Own; 2]), "V ($1, $2), ($3, $4)");
    }
}
