//! The billing clock's throughput: `BENCH_SUBSCRIPTIONS` (default 100 000)
//! organisations with a monthly subscription whose period has just ended
//! are renewed and invoiced by one `advance` run (documents, lines, VAT
//! rows, numbers, OCR references, transitions, outbox rows). On SQLite in a
//! temporary folder, or on PostgreSQL with `BENCH_DATABASE_URL`.
//!
//! `cargo bench --features ssr --bench clock`

use billing_portal::db::Db;
use chrono::{Duration, TimeZone, Utc};
use std::time::Instant;

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(run());
}

async fn run() {
    let count: i64 = std::env::var("BENCH_SUBSCRIPTIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = std::env::temp_dir().join(format!("billing_clock_bench_{}", std::process::id()));
    let url = std::env::var("BENCH_DATABASE_URL").unwrap_or_else(|_| {
        std::fs::create_dir_all(&dir).unwrap();
        format!("sqlite://{}?mode=rwc", dir.join("bench.db").display())
    });
    let db = Db::connect(&url).await.expect("database");
    db.migrate().await.expect("migrations");
    // The demo catalog and organisations, at a fixed instant.
    let seeded_at = Utc.with_ymd_and_hms(2026, 11, 16, 10, 0, 0).unwrap();
    billing_portal::seed::seed_if_empty(&db, seeded_at)
        .await
        .expect("seed");
    let start = seeded_at.date_naive() - chrono::Months::new(1) + Duration::days(1);
    billing_portal::seed::bulk_subscriptions(&db, "Bench", count, start)
        .await
        .expect("bulk");
    let now = seeded_at + Duration::days(1);
    let began = Instant::now();
    let done = billing_portal::services::clock::advance(
        &db,
        &billing_portal::services::payments::Gateway::test(),
        now,
    )
    .await
    .expect("clock");
    let took = began.elapsed();
    // The process's peak resident memory, from the kernel.
    let peak = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.trim_start_matches("VmHWM:").trim().to_string())
        })
        .unwrap_or_default();
    println!(
        "clock: {} renewals, {} invoices, {} allowances in {:.2} s = {:.0} renewals/s ({:?}, peak RSS {peak})",
        done.renewed,
        done.invoices,
        done.allowances_granted,
        took.as_secs_f64(),
        done.renewed as f64 / took.as_secs_f64(),
        db.backend
    );
    let _ = std::fs::remove_dir_all(&dir);
}
