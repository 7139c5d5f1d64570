//! `spawn_app`: the real router on a free port over a fresh database (a
//! SQLite file, or a new PostgreSQL database that is dropped after), and an
//! HTTP client per person.

use billing_portal::clock::Clock;
use billing_portal::config::Config;
use billing_portal::db::Db;
use billing_portal::error::AppError;
use chrono::{DateTime, Utc};
use leptos::config::LeptosOptions;
use reqwest::cookie::{CookieStore, Jar};
use serde::de::DeserializeOwned;
use std::sync::Arc;

mod client;

/// An HTTP client with its own cookie jar: one browser, one person.
#[derive(Clone)]
pub struct Client {
    pub http: reqwest::Client,
    jar: Arc<Jar>,
    base: reqwest::Url,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// Generates one test per database for a scenario: `async fn name(app:
/// TestApp)` gets a ready app on a fresh database of each kind (none, and
/// the test passes with a `SKIPPED:` line, where PostgreSQL is not there
/// outside CI); `both_databases!(name, backend)` hands a scenario that
/// makes its own apps the `Backend` instead.
macro_rules! both_databases {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                if let Some(app) = crate::support::spawn_app(crate::support::Backend::Sqlite).await
                {
                    super::$name(app).await
                }
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(app) =
                    crate::support::spawn_app(crate::support::Backend::Postgres).await
                {
                    super::$name(app).await
                }
            }
        }
    };
    ($name:ident, backend) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(crate::support::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name(crate::support::Backend::Postgres).await
            }
        }
    };
}
pub(crate) use both_databases;

#[derive(Clone)]
pub struct TestApp {
    pub addr: std::net::SocketAddr,
    pub db: Db,
    /// The server's clock, pinned: tests move it, never read the wall clock.
    pub clock: Clock,
    /// The test database, for a second process on it.
    pub database_url: String,
    /// The server's payment provider (the test provider) and retry schedule.
    pub gateway: billing_portal::services::payments::Gateway,
    /// The server's typesetter: PDFs from the worker process cargo built.
    pub pdf: Arc<billing_portal::pdf::Typesetter>,
    /// The server's login limits, to see how many passwords it checked.
    pub login_limits: Arc<billing_portal::services::auth::LoginLimits>,
    _cleanup: Arc<Cleanup>,
}

pub struct Cleanup {
    pg_admin_url: Option<String>,
    pg_database: Option<String>,
    sqlite_dir: Option<std::path::PathBuf>,
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        if let Some(dir) = &self.sqlite_dir {
            let _ = std::fs::remove_dir_all(dir);
        }
        if let (Some(url), Some(name)) = (self.pg_admin_url.clone(), self.pg_database.clone()) {
            // Drop the test database on a thread of its own: Drop is sync.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async {
                    sqlx::any::install_default_drivers();
                    if let Ok(pool) = sqlx::AnyPool::connect(&url).await {
                        let _ = sqlx::query(&format!(
                            "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                        ))
                        .execute(&pool)
                        .await;
                    }
                });
            })
            .join();
        }
    }
}

fn pg_admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn unique_name() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!(
        "billing_test_{}_{}_{}",
        std::process::id(),
        nanos % 1_000_000_000,
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// The instant every test app starts at: `TEST_NOW` (RFC 3339) when set, so
/// CI runs the money tests on several calendar cases (28-, 29-, 30- and
/// 31-day months, a DST change, year end); otherwise a fixed mid-month day.
pub fn test_now() -> DateTime<Utc> {
    match std::env::var("TEST_NOW") {
        Ok(v) => DateTime::parse_from_rfc3339(&v)
            .unwrap_or_else(|e| panic!("TEST_NOW={v}: {e}"))
            .with_timezone(&Utc),
        Err(_) => DateTime::parse_from_rfc3339("2026-11-16T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc),
    }
}

/// An empty database migrated up to the migration before `version` (as an
/// older release left it), the portal's migrations to run once the test
/// has written its old rows, and what drops the database; `None` as for
/// [`fresh_database`].
pub async fn database_before(
    backend: Backend,
    version: i64,
) -> Option<(billing_portal::db::Db, sqlx::migrate::Migrator, Cleanup)> {
    let (url, cleanup) = fresh_database(backend).await?;
    let db = billing_portal::db::Db::connect(&url).await.unwrap();
    let (all, before) = migrations(backend, version);
    before.run(&db.pool).await.unwrap();
    Some((db, all, cleanup))
}

/// The portal's migrations, and those of them before `version`.
fn migrations(
    backend: Backend,
    version: i64,
) -> (sqlx::migrate::Migrator, sqlx::migrate::Migrator) {
    let all = match backend {
        Backend::Sqlite => sqlx::migrate!("./migrations/sqlite"),
        Backend::Postgres => sqlx::migrate!("./migrations/postgres"),
    };
    let before = sqlx::migrate::Migrator {
        migrations: all
            .migrations
            .iter()
            .filter(|m| m.version < version)
            .cloned()
            .collect::<Vec<_>>()
            .into(),
        ..sqlx::migrate::Migrator::DEFAULT
    };
    (all, before)
}

/// An empty database (no tables) and what drops it, or `None` when
/// PostgreSQL is not there and this is not CI.
pub async fn fresh_database(backend: Backend) -> Option<(String, Cleanup)> {
    let name = unique_name();
    let mut cleanup = Cleanup {
        pg_admin_url: None,
        pg_database: None,
        sqlite_dir: None,
    };
    let database_url = match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join(&name);
            std::fs::create_dir_all(&dir).unwrap();
            cleanup.sqlite_dir = Some(dir.clone());
            format!("sqlite://{}?mode=rwc", dir.join("test.db").display())
        }
        Backend::Postgres => {
            sqlx::any::install_default_drivers();
            let admin = pg_admin_url();
            let pool = match sqlx::AnyPool::connect(&admin).await {
                Ok(pool) => pool,
                Err(e) if std::env::var("CI").is_err() => {
                    eprintln!("SKIPPED: PostgreSQL test, no database at {admin}: {e}");
                    return None;
                }
                Err(e) => panic!("PostgreSQL is required under CI ({admin}): {e}"),
            };
            sqlx::query(&format!("CREATE DATABASE \"{name}\""))
                .execute(&pool)
                .await
                .unwrap();
            pool.close().await;
            cleanup.pg_admin_url = Some(admin.clone());
            cleanup.pg_database = Some(name.clone());
            let base = admin
                .rsplit_once('/')
                .map(|(b, _)| b.to_string())
                .unwrap_or(admin);
            format!("{base}/{name}")
        }
    };
    Some((database_url, cleanup))
}

/// A server on a fresh database, or `None` when PostgreSQL is not there and
/// this is not CI (where a missing PostgreSQL fails the test instead).
pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    spawn_app_with(backend, |_| {}).await
}

/// `spawn_app` with the configuration changed first.
pub async fn spawn_app_with(
    backend: Backend,
    configure: impl FnOnce(&mut Config),
) -> Option<TestApp> {
    let (database_url, cleanup) = fresh_database(backend).await?;
    let mut config = Config::with_database(database_url.clone());
    config.clock = Clock::pinned(test_now());
    config.pdf_worker = env!("CARGO_BIN_EXE_billing-portal").into();
    configure(&mut config);
    let options = LeptosOptions::builder()
        .output_name("billing-portal")
        .site_root("target/site")
        .build();
    let (router, state) = billing_portal::server::build(&config, options)
        .await
        .expect("server builds");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
        .unwrap()
    });
    Some(TestApp {
        addr,
        db: state.db,
        clock: state.clock,
        gateway: state.gateway,
        pdf: state.pdf,
        login_limits: state.login_limits,
        database_url,
        _cleanup: Arc::new(cleanup),
    })
}

impl TestApp {
    /// One number from the database (a count, a sum), for assertions.
    pub async fn scalar(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql)
            .fetch_one(&self.db.pool)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// The organisation pays by bank transfer from now on: nothing is
    /// charged when its invoices are issued, so they stay owed.
    pub async fn pays_by_invoice(&self, org: i64) {
        sqlx::query("UPDATE organisations SET payment_method = 'invoice', payment_token = NULL WHERE id = $1")
            .bind(org)
            .execute(&self.db.pool)
            .await
            .unwrap();
    }

    /// The server's "now".
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    fn client(&self, jar: Arc<Jar>) -> Client {
        self.client_at(jar, None)
    }

    /// A client whose requests come from `ip` (any address of 127.0.0.0/8),
    /// as another machine's would.
    pub fn anonymous_from(&self, ip: std::net::IpAddr) -> Client {
        self.client_at(Arc::new(Jar::default()), Some(ip))
    }

    fn client_at(&self, jar: Arc<Jar>, ip: Option<std::net::IpAddr>) -> Client {
        // A request that never answers fails its test instead of holding
        // the whole run (seen once: a page request that did not return).
        let http = reqwest::Client::builder()
            .local_address(ip)
            .timeout(std::time::Duration::from_secs(60))
            .redirect(reqwest::redirect::Policy::none())
            .cookie_provider(jar.clone())
            .build()
            .unwrap();
        Client {
            http,
            jar,
            base: self.url("/").parse().unwrap(),
        }
    }

    /// A page as the browser gets it before the WebAssembly loads. `path`
    /// may also be a full URL on this app (a redirect's `location`).
    pub async fn page_html(&self, client: &Client, path: &str) -> String {
        let url = if path.starts_with("http") {
            path.to_string()
        } else {
            self.url(path)
        };
        client
            .http
            .get(url)
            .header("accept", "text/html")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    pub fn anonymous(&self) -> Client {
        self.client(Arc::new(Jar::default()))
    }

    /// A client that sends exactly this session cookie, as an attacker who
    /// copied it would.
    pub fn client_with_cookie(&self, cookie: &str) -> Client {
        let jar = Jar::default();
        jar.add_cookie_str(
            &format!("billing_session={cookie}"),
            &self.url("/").parse().unwrap(),
        );
        self.client(Arc::new(jar))
    }

    pub fn session_cookie(&self, client: &Client) -> Option<String> {
        let header = client.jar.cookies(&client.base)?;
        header
            .to_str()
            .ok()?
            .split("; ")
            .find_map(|c| c.strip_prefix("billing_session="))
            .map(str::to_string)
    }

    pub async fn login(&self, email: &str) -> Client {
        let client = self.anonymous();
        self.call::<()>(
            &client,
            "login",
            &[
                ("email", email),
                ("password", billing_portal::seed::DEMO_PASSWORD),
            ],
        )
        .await
        .unwrap_or_else(|e| panic!("login {email}: {e}"));
        client
    }

    /// Calls a server function as the browser's JavaScript would (form
    /// arguments, JSON answer) and decodes its result or its `AppError`.
    pub async fn call<T: DeserializeOwned>(
        &self,
        client: &Client,
        endpoint: &str,
        args: &[(&str, &str)],
    ) -> Result<T, AppError> {
        let response = client
            .http
            .post(self.url(&format!("/api/{endpoint}")))
            .form(args)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let body = response.text().await.unwrap();
        if status.is_success() || status.is_redirection() {
            let body = if body.is_empty() { "null" } else { &body };
            Ok(serde_json::from_str(body)
                .unwrap_or_else(|e| panic!("{endpoint} answered {body}: {e}")))
        } else {
            Err(serde_json::from_str(&body)
                .unwrap_or_else(|e| panic!("{endpoint} failed with {status} {body}: {e}")))
        }
    }
}
