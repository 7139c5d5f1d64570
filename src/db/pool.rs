//! The database handle: one pool for reads and, on SQLite, one connection
//! for writes (writers queue there, and only it keeps the large page
//! cache); transactions, migrations, checkpoints.

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

#[cfg(test)]
mod tests {
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
