//! Storage: one sqlx `AnyPool` over SQLite (the embedded default) or
//! PostgreSQL. Queries are written once, with `$n` placeholders, portable
//! types (BIGINT/INTEGER, TEXT) and integer 0/1 flags, so both backends run
//! the same code; only the DDL differs (`migrations/sqlite`, `migrations/postgres`).

pub mod audit;
pub mod billing;
pub mod catalog;
pub mod credits;
pub mod documents;
pub mod operators;
pub mod orgs;
pub mod outbox;
pub mod payments;
pub mod session_store;
pub mod subscriptions;
pub mod users;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, ConnectOptions};
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, Clone)]
pub struct Db {
    /// Reads. On PostgreSQL also the writes: it is `writer` itself.
    pub pool: AnyPool,
    /// Writes ([`Db::write`]). On SQLite one connection: the file has one
    /// writer at a time anyway, so writers queue here instead of in SQLite's
    /// busy handler, and only this connection needs the large page cache.
    writer: AnyPool,
    pub backend: Backend,
}

pub type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// SQLite's page cache per connection, in KiB. The writer's holds the usage
/// index's pages, which every commit touches (otherwise read back from the
/// file: 18 % of the usage API's time by `perf`); readers keep
/// SQLite's default, so four of them do not hold 8 MiB each.
const WRITER_CACHE_KIB: i64 = 8192;
const READER_CACHE_KIB: i64 = 2048;

impl Db {
    pub async fn connect(url: &str) -> Result<Db, sqlx::Error> {
        Db::connect_with(url, false).await
    }

    /// `background_checkpoints`: a SQLite writer leaves copying the
    /// write-ahead log into the database to [`Db::checkpoint`], run off the
    /// requests' path; it does so itself only past 64 MB of log.
    pub async fn connect_with(url: &str, background_checkpoints: bool) -> Result<Db, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("postgres") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        };
        let opts =
            AnyConnectOptions::from_str(url)?.log_statements(tracing::log::LevelFilter::Trace);
        if backend == Backend::Postgres {
            let pool = AnyPoolOptions::new()
                .max_connections(10)
                .connect_with(opts)
                .await?;
            return Ok(Db {
                writer: pool.clone(),
                pool,
                backend,
            });
        }
        create_sqlite_parent_dir(url);
        // The writer first: it creates the file and switches it to WAL.
        let writer = sqlite_pool(opts.clone(), 1, WRITER_CACHE_KIB, background_checkpoints).await?;
        let pool = sqlite_pool(opts, 4, READER_CACHE_KIB, background_checkpoints).await?;
        Ok(Db {
            pool,
            writer,
            backend,
        })
    }

    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        match self.backend {
            Backend::Sqlite => sqlx::migrate!("./migrations/sqlite").run(&self.pool).await,
            Backend::Postgres => {
                sqlx::migrate!("./migrations/postgres")
                    .run(&self.pool)
                    .await
            }
        }
    }

    /// Copies what it can of SQLite's write-ahead log into the database
    /// without waiting for readers or writers (PostgreSQL: nothing to do).
    pub async fn checkpoint(&self) -> Result<(), sqlx::Error> {
        if self.backend == Backend::Sqlite {
            sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    /// A connection for reads; db functions take `&mut AnyConnection`, so the
    /// same query runs on a pooled connection or inside a transaction.
    pub async fn conn(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Any>, sqlx::Error> {
        self.pool.acquire().await
    }

    /// A transaction for a write. On SQLite it waits for the writer
    /// connection, then takes the file's write lock at once (`BEGIN
    /// IMMEDIATE`), so a writer in another process (the `clock` command)
    /// makes it wait instead of failing when it upgrades a read lock;
    /// PostgreSQL locks rows as they are written.
    pub async fn write(&self) -> Result<Tx, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.writer.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.writer.begin().await,
        }
    }

    /// A connection for a single-statement write outside a transaction
    /// (a session saved, an e-mail marked sent): the writer's, so it queues
    /// with the other writes.
    pub async fn write_conn(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Any>, sqlx::Error> {
        self.writer.acquire().await
    }
}

/// A SQLite pool of `connections`, each with `cache_kib` of page cache.
async fn sqlite_pool(
    opts: AnyConnectOptions,
    connections: u32,
    cache_kib: i64,
    background_checkpoints: bool,
) -> Result<AnyPool, sqlx::Error> {
    AnyPoolOptions::new()
        .max_connections(connections)
        // sqlx pings a connection before handing it out; a SQLite file does
        // not drop connections, and the ping was a hand-off to the
        // connection's thread per acquire (6 % of a `/billing` view's time,
        // by `perf`).
        .test_before_acquire(false)
        .after_connect(move |conn, _| {
            Box::pin(async move {
                // WAL lets readers run beside the one writer; the busy
                // timeout makes a writer outside the writer pool (a test's
                // direct insert) wait instead of failing.
                let mut pragmas = vec![
                    "PRAGMA journal_mode = WAL".to_string(),
                    "PRAGMA busy_timeout = 5000".to_string(),
                    "PRAGMA foreign_keys = ON".to_string(),
                    "PRAGMA synchronous = NORMAL".to_string(),
                    format!("PRAGMA cache_size = -{cache_kib}"),
                ];
                if background_checkpoints {
                    pragmas.push("PRAGMA wal_autocheckpoint = 16384".to_string());
                }
                for pragma in pragmas {
                    sqlx::query(&pragma).execute(&mut *conn).await?;
                }
                Ok(())
            })
        })
        .connect_with(opts)
        .await
}

impl Backend {
    /// The database a connection talks to.
    pub fn of(conn: &sqlx::AnyConnection) -> Backend {
        if conn.backend_name() == "PostgreSQL" {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }
}

fn create_sqlite_parent_dir(url: &str) {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or_default();
    if let Some(parent) = std::path::Path::new(path).parent() {
        if !parent.as_os_str().is_empty() {
            let _ = std::fs::create_dir_all(parent);
        }
    }
}

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
fn bound<'q>(
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
    use super::{values_sql, Col::*};

    #[test]
    fn like_escape_makes_wildcards_plain() {
        assert_eq!(super::like_escape("org_flags 5%"), "org\\_flags 5\\%");
        assert_eq!(super::like_escape("a\\b"), "a\\\\b");
        assert_eq!(super::like_escape("plan."), "plan.");
    }

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

    /// A SQLite file of its own for one test, removed with its WAL after.
    struct TempDb(std::path::PathBuf);

    impl TempDb {
        fn new(name: &str) -> TempDb {
            let dir = std::env::temp_dir().join(format!("db-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            TempDb(dir)
        }

        fn url(&self) -> String {
            format!("sqlite://{}/t.db?mode=rwc", self.0.display())
        }
    }

    impl Drop for TempDb {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    async fn cache_kib(conn: &mut sqlx::AnyConnection) -> i64 {
        let pages: i64 = sqlx::query_scalar("PRAGMA cache_size")
            .fetch_one(conn)
            .await
            .unwrap();
        -pages
    }

    #[tokio::test]
    async fn on_sqlite_only_the_one_writer_keeps_the_large_page_cache() {
        let file = TempDb::new("cache");
        let db = super::Db::connect(&file.url()).await.unwrap();
        let mut tx = db.write().await.unwrap();
        assert_eq!(cache_kib(&mut tx).await, super::WRITER_CACHE_KIB);
        // Every reader, even while the writer is taken.
        let mut readers = Vec::new();
        for _ in 0..4 {
            let mut conn = db.conn().await.unwrap();
            assert_eq!(cache_kib(&mut conn).await, super::READER_CACHE_KIB);
            readers.push(conn);
        }
        tx.commit().await.unwrap();
    }

    #[tokio::test]
    async fn a_second_sqlite_writer_waits_for_the_first_and_then_writes() {
        let file = TempDb::new("queue");
        let db = super::Db::connect(&file.url()).await.unwrap();
        sqlx::query("CREATE TABLE t (n INTEGER)")
            .execute(&mut *db.write_conn().await.unwrap())
            .await
            .unwrap();
        let mut first = db.write().await.unwrap();
        sqlx::query("INSERT INTO t VALUES (1)")
            .execute(&mut *first)
            .await
            .unwrap();
        let second = tokio::spawn({
            let db = db.clone();
            async move {
                let mut tx = db.write().await?;
                // The first writer's row is there: this one began after it committed.
                let seen: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
                    .fetch_one(&mut *tx)
                    .await?;
                sqlx::query("INSERT INTO t VALUES (2)")
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok::<i64, sqlx::Error>(seen)
            }
        });
        tokio::task::yield_now().await;
        assert!(!second.is_finished());
        // Readers are not held up by the open write.
        let committed: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
            .fetch_one(&mut *db.conn().await.unwrap())
            .await
            .unwrap();
        assert_eq!(committed, 0);
        first.commit().await.unwrap();
        assert_eq!(second.await.unwrap().unwrap(), 1);
        let rows: Vec<i64> = sqlx::query_scalar("SELECT n FROM t ORDER BY n")
            .fetch_all(&mut *db.conn().await.unwrap())
            .await
            .unwrap();
        assert_eq!(rows, vec![1, 2]);
    }
}

/// A page's whole read in one statement: each part is a `SELECT` whose
/// rows come back as one JSON array of objects (SQLite's
/// `json_group_array(json_object(…))`, PostgreSQL's `json_agg(…)`), keyed
/// by the fields of the row type that reads them. The parts share the
/// statement's parameters (`$1`, `$2`, …). Per statement SQLite pays a
/// hand-off between threads and PostgreSQL a round trip; JSON costs less
/// than either. A read is put together once per process (a `static`) and
/// run with each request's parameters; its SQL is written once per backend.
pub struct OneRead {
    parts: Vec<(String, &'static [&'static str])>,
    sql: [std::sync::OnceLock<String>; 2],
}

/// A part that counts: `SELECT COUNT(*) AS n …`.
#[derive(serde::Deserialize)]
pub struct Count {
    pub n: i64,
}

/// Where a part's rows are in a [`OneRead`]'s answer.
pub struct Part<T>(usize, std::marker::PhantomData<fn() -> T>);

impl<T> Clone for Part<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Part<T> {}

/// The answer of a [`OneRead`]: each part's rows as JSON text.
pub struct Parts(Vec<String>);

impl Default for OneRead {
    fn default() -> Self {
        OneRead::new()
    }
}

impl OneRead {
    pub fn new() -> OneRead {
        OneRead {
            parts: Vec::new(),
            sql: Default::default(),
        }
    }

    /// Adds a part: `sql` selects the columns of `T`'s fields.
    pub fn part<T: serde::de::DeserializeOwned>(&mut self, sql: impl Into<String>) -> Part<T> {
        self.parts.push((sql.into(), introspect::fields::<T>()));
        Part(self.parts.len() - 1, std::marker::PhantomData)
    }

    fn sql(&self, backend: Backend) -> &str {
        self.sql[backend as usize].get_or_init(|| {
            let mut sql = String::from("SELECT ");
            for (i, (part, fields)) in self.parts.iter().enumerate() {
                if i > 0 {
                    sql.push_str(", ");
                }
                let pairs: Vec<String> =
                    fields.iter().map(|f| format!("'{f}', t.\"{f}\"")).collect();
                let pairs = pairs.join(", ");
                sql.push_str(&match backend {
                    Backend::Sqlite => format!(
                        "(SELECT json_group_array(json_object({pairs})) FROM ({part}) AS t) AS p{i}"
                    ),
                    Backend::Postgres => format!(
                        "(SELECT COALESCE(json_agg(json_build_object({pairs})), '[]'::json)::text FROM ({part}) AS t) AS p{i}"
                    ),
                });
            }
            sql
        })
    }

    /// Runs the read with these parameters, `$1` first: one statement.
    pub async fn run(
        &self,
        conn: &mut sqlx::AnyConnection,
        binds: Vec<Val>,
    ) -> Result<Parts, sqlx::Error> {
        use sqlx::Row;
        let sql = self.sql(Backend::of(conn));
        let row = bound(sql, &binds).fetch_one(&mut *conn).await?;
        (0..self.parts.len())
            .map(|i| row.try_get::<String, _>(i))
            .collect::<Result<_, _>>()
            .map(Parts)
    }
}

impl Parts {
    /// The first row of a part, if it has one.
    pub fn first<T: serde::de::DeserializeOwned>(
        &self,
        part: Part<T>,
    ) -> Result<Option<T>, crate::error::AppError> {
        Ok(self.rows(part)?.into_iter().next())
    }

    /// The rows of a part.
    pub fn rows<T: serde::de::DeserializeOwned>(
        &self,
        part: Part<T>,
    ) -> Result<Vec<T>, crate::error::AppError> {
        serde_json::from_str(&self.0[part.0])
            .map_err(|e| crate::error::AppError::internal("one read", e))
    }
}

/// The field names a row type deserializes, asked of its `Deserialize`
/// (what `#[serde(rename)]` says included), so a part's columns are
/// written in one place: the row type.
mod introspect {
    use serde::de::{self, Deserializer, Visitor};

    pub fn fields<T: serde::de::DeserializeOwned>() -> &'static [&'static str] {
        let mut fields: &'static [&'static str] = &[];
        let _ = T::deserialize(Introspect(&mut fields));
        fields
    }

    struct Introspect<'a>(&'a mut &'static [&'static str]);

    impl<'de> Deserializer<'de> for Introspect<'_> {
        type Error = de::value::Error;

        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom("not a struct"))
        }

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            fields: &'static [&'static str],
            _visitor: V,
        ) -> Result<V::Value, Self::Error> {
            *self.0 = fields;
            Err(de::Error::custom("fields read"))
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
            bytes byte_buf option unit unit_struct newtype_struct seq tuple
            tuple_struct map enum identifier ignored_any
        }
    }

    #[cfg(test)]
    mod tests {
        #[derive(serde::Deserialize)]
        #[allow(dead_code)]
        struct Row {
            id: i64,
            #[serde(rename = "plan_name")]
            name: String,
        }

        #[test]
        fn a_row_types_fields_are_its_columns() {
            assert_eq!(super::fields::<Row>(), &["id", "plan_name"]);
        }
    }
}
