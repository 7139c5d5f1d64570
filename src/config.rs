//! Configuration from environment variables (documented in the README).

use std::net::SocketAddr;

#[derive(Debug, Clone)]
pub struct Config {
    /// `DATABASE_URL`: `sqlite://…` or `postgres://…`; default a SQLite file
    /// under `data/`.
    pub database_url: String,
    /// `DEMO_DATA`: fill an empty database with the demo catalog and
    /// organisations (default on).
    pub demo_data: bool,
    /// `SECURE_COOKIES`: mark the session cookie Secure (behind https).
    pub secure_cookies: bool,
    /// `SESSION_DAYS`: idle days before a session expires.
    pub session_days: i64,
    /// `LOG_FORMAT`: `json` for structured logs, otherwise human-readable.
    pub json_logs: bool,
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/billing.db?mode=rwc";

fn flag(name: &str, default: bool) -> bool {
    match std::env::var(name) {
        Ok(v) => matches!(v.to_ascii_lowercase().as_str(), "1" | "true" | "yes" | "on"),
        Err(_) => default,
    }
}

impl Config {
    pub fn from_env() -> Config {
        Config {
            database_url: std::env::var("DATABASE_URL")
                .unwrap_or_else(|_| DEFAULT_DATABASE_URL.to_string()),
            demo_data: flag("DEMO_DATA", true),
            secure_cookies: flag("SECURE_COOKIES", false),
            session_days: std::env::var("SESSION_DAYS")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(7),
            json_logs: std::env::var("LOG_FORMAT").is_ok_and(|v| v == "json"),
        }
    }
}

/// `LEPTOS_SITE_ADDR` (set by cargo-leptos, or by hand) is where to listen.
pub fn site_addr(default: SocketAddr) -> SocketAddr {
    std::env::var("LEPTOS_SITE_ADDR")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
