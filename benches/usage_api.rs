//! Throughput of the usage API on one node: events per second through
//! `POST /api/v1/usage` over loopback HTTP, on SQLite and on PostgreSQL, and
//! of the service call alone. Bounded: a fixed number of events, local only.
//!
//! `cargo bench --bench usage_api --features ssr`
//! (PostgreSQL at TEST_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres.)

use billing_portal::config::Config;
use billing_portal::db::credits::{insert_grant, NewGrant};
use billing_portal::domain::credits::GrantKind;
use billing_portal::domain::party::Acting;
use billing_portal::domain::roles::{Actor, Role};
use billing_portal::services::credits::create_api_key;
use billing_portal::services::usage::{UsageBatcher, UsageEvent};
use leptos::config::LeptosOptions;
use std::time::Instant;

const EVENTS: usize = 4_000;
/// Concurrent clients; `BENCH_CLIENTS` overrides.
fn clients() -> usize {
    std::env::var("BENCH_CLIENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(32)
}

async fn setup(database_url: String) -> (std::net::SocketAddr, billing_portal::db::Db, String) {
    let config = Config::with_database(database_url);
    let options = LeptosOptions::builder()
        .output_name("billing-portal")
        .site_root("target/site")
        .build();
    let (router, state) = billing_portal::server::build(&config, options)
        .await
        .expect("server");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, router.into_make_service())
            .await
            .unwrap()
    });
    let db = state.db;
    let (org_id, user_id): (i64, i64) = sqlx::query_as(
        "SELECT m.organisation_id, m.user_id FROM memberships m JOIN organisations o ON o.id = m.organisation_id \
         WHERE o.name = 'Acme AB' AND m.is_billing_owner = 1",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    let now = chrono::Utc::now();
    let grant = NewGrant {
        org_id,
        kind: GrantKind::Goodwill,
        amount: 100_000_000,
        granted_at: now - chrono::Duration::hours(1),
        expires_at: now + chrono::Duration::days(30),
        source: "benchmark",
        document_id: None,
    };
    insert_grant(&mut db.conn().await.unwrap(), grant)
        .await
        .unwrap();
    let member = Acting::member(
        org_id,
        user_id,
        Actor {
            role: Role::Admin,
            is_billing_owner: true,
        },
    );
    let key = create_api_key(&db, member, "benchmark")
        .await
        .unwrap()
        .secret;
    (addr, db, key)
}

async fn over_http(addr: std::net::SocketAddr, key: &str, tag: &str) -> f64 {
    let client = reqwest::Client::new();
    let start = Instant::now();
    let mut workers = Vec::new();
    for w in 0..clients() {
        let client = client.clone();
        let key = key.to_string();
        let tag = tag.to_string();
        workers.push(tokio::spawn(async move {
            for i in (w..EVENTS).step_by(clients()) {
                let r = client
                    .post(format!("http://{addr}/api/v1/usage"))
                    .bearer_auth(&key)
                    .json(&serde_json::json!({ "event_id": format!("{tag}-{i}"), "runtime_seconds": 12, "iterations": 1 }))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status().as_u16(), 200);
            }
        }));
    }
    for w in workers {
        w.await.unwrap();
    }
    EVENTS as f64 / start.elapsed().as_secs_f64()
}

/// The service without HTTP: events straight into the batching worker.
async fn in_process(db: &billing_portal::db::Db, tag: &str) -> f64 {
    let batcher = UsageBatcher::start(db.clone(), billing_portal::clock::Clock::system());
    let org_id: i64 = sqlx::query_scalar("SELECT id FROM organisations WHERE name = 'Acme AB'")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let start = Instant::now();
    let mut workers = Vec::new();
    for w in 0..clients() {
        let batcher = batcher.clone();
        let tag = tag.to_string();
        workers.push(tokio::spawn(async move {
            for i in (w..EVENTS).step_by(clients()) {
                let event = UsageEvent {
                    event_id: format!("{tag}-{i}"),
                    runtime_seconds: 12,
                    iterations: 1,
                    advanced_steps: vec![],
                };
                batcher
                    .submit(org_id, event)
                    .await
                    .map_err(|e| format!("{e:?}"))
                    .unwrap();
            }
        }));
    }
    for w in workers {
        w.await.unwrap();
    }
    EVENTS as f64 / start.elapsed().as_secs_f64()
}

#[tokio::main]
async fn main() {
    let dir = std::env::temp_dir().join(format!("usage-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sqlite = format!("sqlite://{}?mode=rwc", dir.join("bench.db").display());
    let (addr, db, key) = setup(sqlite).await;
    println!(
        "sqlite   http: {:>8.0} events/s ({EVENTS} events, {} clients)",
        over_http(addr, &key, "http").await,
        clients()
    );
    println!(
        "sqlite   call: {:>8.0} events/s",
        in_process(&db, "call").await
    );
    let _ = std::fs::remove_dir_all(&dir);

    let admin = std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    sqlx::any::install_default_drivers();
    let Ok(pool) = sqlx::AnyPool::connect(&admin).await else {
        println!("postgres: not reachable at {admin}, skipped");
        return;
    };
    let name = format!("usage_bench_{}", std::process::id());
    sqlx::query(&format!("CREATE DATABASE \"{name}\""))
        .execute(&pool)
        .await
        .unwrap();
    let base = admin.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap();
    let (addr, db, key) = setup(format!("{base}/{name}")).await;
    println!(
        "postgres http: {:>8.0} events/s",
        over_http(addr, &key, "http").await
    );
    println!(
        "postgres call: {:>8.0} events/s",
        in_process(&db, "call").await
    );
    db.pool.close().await;
    sqlx::query(&format!("DROP DATABASE \"{name}\" WITH (FORCE)"))
        .execute(&pool)
        .await
        .unwrap();
}
