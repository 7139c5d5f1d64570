//! Configuration from environment variables (documented in docs/operations.md).

use crate::domain::invoice::Seller;
use std::net::SocketAddr;

#[derive(Debug, Clone)]
pub struct Config {
    /// `DATABASE_URL`: `sqlite://…` or `postgres://…`; default a SQLite file
    /// under `data/`.
    pub database_url: String,
    /// `DEMO_DATA`: fill an empty database with the demo catalog,
    /// organisations and logins (default off; the README's run command sets it).
    pub demo_data: bool,
    /// `SECURE_COOKIES`: mark the session cookie Secure (behind https).
    pub secure_cookies: bool,
    /// `SESSION_DAYS`: idle days before a session expires.
    pub session_days: i64,
    /// `LOG_FORMAT`: `json` for structured logs, otherwise human-readable.
    pub json_logs: bool,
    /// The vendor printed on every invoice: `SELLER_NAME`, `SELLER_ORG_NUMBER`,
    /// `SELLER_VAT_NUMBER`, `SELLER_ADDRESS` (lines separated by `|`),
    /// `SELLER_BANKGIRO`, `SELLER_EMAIL`.
    pub seller: Seller,
    /// `SELLER_LOGO`: an SVG or PNG file for the documents' header; the
    /// bundled demo logo when unset.
    pub logo: Logo,
    /// Where "now" comes from: the system clock; tests pin it.
    pub clock: crate::clock::Clock,
    /// How often expired sessions are removed (one hour).
    pub session_purge: std::time::Duration,
    /// `LOGIN_ATTEMPTS_PER_MINUTE`: login attempts one client address may
    /// make per minute (20).
    pub login_attempts_per_minute: u32,
    /// `CLOCK_INTERVAL_SECONDS`: how often this instance runs the billing
    /// clock (60); `0` switches it off here (another instance, or the
    /// `billing-portal clock` command, runs it).
    pub clock_interval: Option<std::time::Duration>,
    /// `SMTP_URL`: invoice e-mails go out over SMTP (`smtp://host:port`,
    /// `smtps://user:password@host`); unset, they are written as `.eml`
    /// files to `OUTBOX_DIR` (`data/outbox`).
    pub smtp_url: Option<String>,
    pub outbox_dir: std::path::PathBuf,
    /// How often queued invoice e-mails are delivered (10 s); `None` in
    /// tests, which deliver at the instants they choose.
    pub mail_interval: Option<std::time::Duration>,
    /// `CHECKPOINT_INTERVAL_SECONDS`: how often a supervised task copies
    /// SQLite's write-ahead log into the database (1), so that the writer
    /// (the usage worker, a page's change) does not; `0` leaves it to the
    /// writers, as SQLite does by default. Nothing on PostgreSQL.
    pub checkpoint_interval: Option<std::time::Duration>,
    /// `PAYMENT_PROVIDER`: who charges cards and PayPal; `test` (the
    /// default, and the only one built in) behaves like Stripe's test mode.
    pub payment_provider: String,
    /// `PAYMENT_RETRY_DAYS`: the days after a failed charge on which the
    /// clock tries again, comma-separated (`1,3,5,7`).
    pub retry_days: Vec<u32>,
    /// `OVERDUE_DAYS`: how many days after its due date an unpaid invoice
    /// makes the organisation past due, whatever its payment method (14).
    pub overdue_days: u32,
    /// The program that typesets PDFs as `PROGRAM pdf-worker`: this binary
    /// (tests name the one cargo built).
    pub pdf_worker: std::path::PathBuf,
}

/// The seller's logo as the documents embed it.
#[derive(Debug, Clone)]
pub struct Logo {
    pub bytes: Vec<u8>,
    /// `svg` or `png`.
    pub format: &'static str,
}

impl Logo {
    pub fn bundled() -> Logo {
        Logo {
            bytes: include_bytes!("../public/logo.svg").to_vec(),
            format: "svg",
        }
    }

    /// The formats a logo may have, by name (`svg`, `png`, any case).
    pub fn format_named(name: &str) -> Option<&'static str> {
        ["svg", "png"]
            .into_iter()
            .find(|f| f.eq_ignore_ascii_case(name))
    }

    /// Reads `path`; the extension says the format.
    pub fn read(path: &str) -> Result<Logo, String> {
        let format = path
            .rsplit('.')
            .next()
            .and_then(Logo::format_named)
            .ok_or_else(|| format!("SELLER_LOGO {path}: use an .svg or .png file"))?;
        let bytes = std::fs::read(path).map_err(|e| format!("SELLER_LOGO {path}: {e}"))?;
        Ok(Logo { bytes, format })
    }
}

fn text(name: &str, default: &str) -> String {
    std::env::var(name)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| default.to_string())
}

/// The demo vendor: every field an accountant looks for on a Swedish invoice.
pub fn seller_from_env() -> Seller {
    Seller {
        legal_name: text("SELLER_NAME", "Molnportalen Sverige AB"),
        org_number: text("SELLER_ORG_NUMBER", "556677-8899"),
        vat_number: text("SELLER_VAT_NUMBER", "SE556677889901"),
        address: text(
            "SELLER_ADDRESS",
            "Drottninggatan 12|111 51 Stockholm|Sverige",
        )
        .split('|')
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect(),
        bankgiro: text("SELLER_BANKGIRO", "5050-1055"),
        email: text("SELLER_EMAIL", "faktura@molnportalen.example"),
        f_tax: flag("SELLER_F_TAX", true),
    }
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/billing.db?mode=rwc";

fn flag(name: &str, default: bool) -> bool {
    match std::env::var(name) {
        Ok(v) => matches!(v.to_ascii_lowercase().as_str(), "1" | "true" | "yes" | "on"),
        Err(_) => default,
    }
}

impl Config {
    /// Defaults with demo data on `database_url`: for tests and benchmarks.
    pub fn with_database(database_url: String) -> Config {
        Config {
            database_url,
            demo_data: true,
            secure_cookies: false,
            session_days: 1,
            json_logs: false,
            seller: seller_from_env(),
            logo: Logo::bundled(),
            clock: crate::clock::Clock::system(),
            session_purge: std::time::Duration::from_secs(3600),
            // The test suite logs in from one address many times.
            login_attempts_per_minute: 10_000,
            // Tests run the clock themselves, at the instants they choose.
            clock_interval: None,
            smtp_url: None,
            outbox_dir: std::path::PathBuf::from("data/outbox"),
            mail_interval: None,
            checkpoint_interval: Some(std::time::Duration::from_secs(1)),
            payment_provider: "test".into(),
            retry_days: DEFAULT_RETRY_DAYS.to_vec(),
            overdue_days: DEFAULT_OVERDUE_DAYS,
            pdf_worker: this_program(),
        }
    }

    /// Reads the environment; a broken setting is an error that names it.
    pub fn from_env() -> Result<Config, String> {
        Ok(Config {
            database_url: std::env::var("DATABASE_URL")
                .unwrap_or_else(|_| DEFAULT_DATABASE_URL.to_string()),
            // Off unless asked: a production database never gets public logins.
            demo_data: flag("DEMO_DATA", false),
            secure_cookies: flag("SECURE_COOKIES", false),
            session_days: std::env::var("SESSION_DAYS")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(7),
            json_logs: std::env::var("LOG_FORMAT").is_ok_and(|v| v == "json"),
            seller: seller_from_env(),
            logo: match std::env::var("SELLER_LOGO") {
                Ok(path) if !path.trim().is_empty() => Logo::read(path.trim())?,
                _ => Logo::bundled(),
            },
            clock: crate::clock::Clock::system(),
            session_purge: std::time::Duration::from_secs(3600),
            login_attempts_per_minute: std::env::var("LOGIN_ATTEMPTS_PER_MINUTE")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(DEFAULT_LOGIN_ATTEMPTS_PER_MINUTE),
            clock_interval: seconds("CLOCK_INTERVAL_SECONDS", 60)?,
            smtp_url: std::env::var("SMTP_URL")
                .ok()
                .filter(|v| !v.trim().is_empty()),
            outbox_dir: std::path::PathBuf::from(text("OUTBOX_DIR", "data/outbox")),
            mail_interval: seconds("MAIL_INTERVAL_SECONDS", 10)?,
            checkpoint_interval: seconds("CHECKPOINT_INTERVAL_SECONDS", 1)?,
            payment_provider: text("PAYMENT_PROVIDER", "test"),
            retry_days: match std::env::var("PAYMENT_RETRY_DAYS") {
                Ok(v) if !v.trim().is_empty() => retry_days(&v)?,
                _ => DEFAULT_RETRY_DAYS.to_vec(),
            },
            overdue_days: match std::env::var("OVERDUE_DAYS") {
                Ok(v) if !v.trim().is_empty() => v
                    .trim()
                    .parse()
                    .map_err(|_| format!("OVERDUE_DAYS={v}: give a number of days, such as 14"))?,
                _ => DEFAULT_OVERDUE_DAYS,
            },
            pdf_worker: this_program(),
        })
    }
}

/// The running binary, which is also the PDF worker. On Linux
/// `/proc/self/exe`: it starts this very file even after a deployment
/// replaced or removed it (a newer binary as the worker could speak
/// another version of the pipe's protocol).
fn this_program() -> std::path::PathBuf {
    let running = std::path::Path::new("/proc/self/exe");
    if running.exists() {
        return running.into();
    }
    std::env::current_exe().unwrap_or_else(|_| "billing-portal".into())
}

/// An interval in whole seconds from `name`; `0` switches the task off.
fn seconds(name: &str, default: u64) -> Result<Option<std::time::Duration>, String> {
    let n = match std::env::var(name) {
        Ok(v) => v
            .trim()
            .parse::<u64>()
            .map_err(|_| format!("{name}={v}: a whole number of seconds, 0 for off"))?,
        Err(_) => default,
    };
    Ok((n > 0).then(|| std::time::Duration::from_secs(n)))
}

/// The clock's retry days after a failed charge when `PAYMENT_RETRY_DAYS`
/// is unset (R-PAY-2).
pub const DEFAULT_RETRY_DAYS: [u32; 4] = [1, 3, 5, 7];
/// Login attempts per client address per minute, known account or not.
pub const DEFAULT_LOGIN_ATTEMPTS_PER_MINUTE: u32 = 20;
/// Days after its due date an unpaid invoice makes its organisation past due.
pub const DEFAULT_OVERDUE_DAYS: u32 = 14;

/// The retry schedule: whole days after the first failure, rising.
fn retry_days(v: &str) -> Result<Vec<u32>, String> {
    let days = v
        .split(',')
        .map(|d| d.trim().parse::<u32>())
        .collect::<Result<Vec<u32>, _>>()
        .map_err(|_| {
            format!("PAYMENT_RETRY_DAYS={v}: whole days after the first failure, e.g. 1,3,5,7")
        })?;
    if days.is_empty() || days.windows(2).any(|w| w[0] >= w[1]) || days[0] == 0 {
        return Err(format!(
            "PAYMENT_RETRY_DAYS={v}: days must rise from 1 or more, e.g. 1,3,5,7"
        ));
    }
    Ok(days)
}

/// `LEPTOS_SITE_ADDR` (set by cargo-leptos, or by hand) is where to listen.
pub fn site_addr(default: SocketAddr) -> SocketAddr {
    std::env::var("LEPTOS_SITE_ADDR")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a production start gets when nothing is set: no demo logins,
    /// the login limit, the clock and the e-mail running.
    #[test]
    fn production_defaults() {
        let set = |n: &str| std::env::var(n).is_ok();
        let c = Config::from_env().unwrap();
        if !set("DEMO_DATA") {
            assert!(!c.demo_data);
        }
        if !set("LOGIN_ATTEMPTS_PER_MINUTE") {
            assert_eq!(c.login_attempts_per_minute, 20);
        }
        if !set("CLOCK_INTERVAL_SECONDS") {
            assert_eq!(c.clock_interval, Some(std::time::Duration::from_secs(60)));
        }
        if !set("MAIL_INTERVAL_SECONDS") {
            assert_eq!(c.mail_interval, Some(std::time::Duration::from_secs(10)));
        }
        if !set("CHECKPOINT_INTERVAL_SECONDS") {
            assert_eq!(
                c.checkpoint_interval,
                Some(std::time::Duration::from_secs(1))
            );
        }
        if !set("PAYMENT_RETRY_DAYS") {
            assert_eq!(c.retry_days, vec![1, 3, 5, 7]);
        }
        assert_eq!(retry_days("2, 4").unwrap(), vec![2, 4]);
        assert!(retry_days("3,1").is_err() && retry_days("0").is_err() && retry_days("x").is_err());
        let t = Config::with_database("sqlite::memory:".into());
        assert_eq!((t.clock_interval, t.mail_interval), (None, None));
    }
}
