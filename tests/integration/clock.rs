//! The billing clock (R-OPS-2, issue 11): renewals, catch-up, scheduled
//! changes, seats, trials, Free after a cancellation, exactly once.

use crate::plan_changes::{confirm, plan_id, preview};
use crate::support::{both_databases, TestApp};
use billing_portal::domain::period::local_midnight;
use billing_portal::services::clock::{advance, predict, predict_all};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde_json::Value;

const STOCKHOLM: chrono_tz::Tz = chrono_tz::Europe::Stockholm;

pub async fn org_id(app: &TestApp, name: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM organisations WHERE name = $1")
        .bind(name)
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

/// (period start, period end, plan code, seats, status) of an organisation.
pub async fn sub(app: &TestApp, org: i64) -> (NaiveDate, NaiveDate, String, i64, String) {
    let (start, end, code, seats, status): (String, String, String, i64, String) = sqlx::query_as(
        "SELECT s.period_start, s.period_end, pl.code, s.seats, s.status FROM subscriptions s \
         JOIN prices p ON p.id = s.price_id JOIN plans pl ON pl.id = p.plan_id \
         WHERE s.organisation_id = $1 AND s.team_id IS NULL",
    )
    .bind(org)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    (d(&start), d(&end), code, seats, status)
}

/// Invoices of an organisation issued from `since` on: (number, issue date, total).
async fn invoices_since(app: &TestApp, org: i64, since: NaiveDate) -> Vec<(String, String, i64)> {
    sqlx::query_as(
        "SELECT number, issue_date, total_minor FROM documents \
         WHERE organisation_id = $1 AND kind = 'invoice' AND issue_date >= $2 ORDER BY id",
    )
    .bind(org)
    .bind(since.format("%Y-%m-%d").to_string())
    .fetch_all(&app.db.pool)
    .await
    .unwrap()
}

/// Every year's invoice numbers run 1, 2, 3 … with no gap and no repeat.
async fn assert_invoice_numbers_gapless(app: &TestApp) {
    let seqs: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT series_year, seq FROM documents WHERE kind = 'invoice' ORDER BY series_year, seq",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    for pair in seqs.windows(2) {
        if pair[0].0 == pair[1].0 {
            assert_eq!(pair[1].1, pair[0].1 + 1, "gapless: {pair:?}");
        }
    }
}

/// Every organisation named `<prefix> …` has exactly two invoices.
async fn assert_two_invoices_each(app: &TestApp, prefix: &str) {
    let counts: Vec<i64> = sqlx::query_scalar(
        "SELECT COUNT(d.id) FROM organisations o LEFT JOIN documents d ON d.organisation_id = o.id \
         WHERE o.name LIKE $1 GROUP BY o.id",
    )
    .bind(format!("{prefix} %"))
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert!(!counts.is_empty());
    assert!(
        counts.iter().all(|&n| n == 2),
        "every organisation has exactly its two renewal invoices"
    );
}

pub fn midnight(day: NaiveDate) -> DateTime<Utc> {
    local_midnight(day, STOCKHOLM)
}

// A renewal at the period end, in advance, at the grandfathered price; the
// same instant again changes nothing.
both_databases!(a_period_end_renews_once_at_the_grandfathered_price);
async fn a_period_end_renews_once_at_the_grandfathered_price(app: TestApp) {
    let acme = org_id(&app, "Acme AB").await;
    let (_, end, code, seats, _) = sub(&app, acme).await;
    let at = midnight(end);
    // A minute before the boundary (local midnight) Acme is not due.
    advance(&app.db, &app.gateway, at - chrono::Duration::minutes(1))
        .await
        .unwrap();
    assert_eq!(sub(&app, acme).await.1, end);
    let done = advance(&app.db, &app.gateway, at).await.unwrap();
    assert!(done.renewed >= 1, "{done:?}");
    let (start, next_end, code_after, seats_after, _) = sub(&app, acme).await;
    assert_eq!(start, end);
    assert!(next_end > end);
    assert_eq!((code_after, seats_after), (code, seats));
    let issued = invoices_since(&app, acme, end).await;
    assert_eq!(issued.len(), 1, "{issued:?}");
    assert_eq!(issued[0].1, end.format("%Y-%m-%d").to_string());
    // The legacy price version: 490 kr + 6 × 249 kr, with 25 % VAT.
    assert_eq!(issued[0].2, (49_000 + 6 * 24_900) * 125 / 100);
    let again = advance(&app.db, &app.gateway, at).await.unwrap();
    assert_eq!((again.renewed, again.invoices), (0, 0));
    assert_eq!(invoices_since(&app, acme, end).await.len(), 1);
}

// A server down for three months issues every missed period once, in order.
both_databases!(catch_up_issues_every_missed_period_in_order);
async fn catch_up_issues_every_missed_period_in_order(app: TestApp) {
    let acme = org_id(&app, "Acme AB").await;
    let (_, end, ..) = sub(&app, acme).await;
    let later = end + chrono::Months::new(2);
    advance(&app.db, &app.gateway, midnight(later))
        .await
        .unwrap();
    let issued = invoices_since(&app, acme, end).await;
    let dates: Vec<String> = issued.iter().map(|i| i.1.clone()).collect();
    assert_eq!(
        dates,
        [end, end + chrono::Months::new(1), later]
            .iter()
            .map(|d| d.format("%Y-%m-%d").to_string())
            .collect::<Vec<_>>()
    );
    let transitions: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM period_transitions t JOIN subscriptions s ON s.id = t.subscription_id WHERE s.organisation_id = $1",
    )
    .bind(acme)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(transitions, 3);
}

// The scheduled downgrade applies at renewal, and seats bought mid-period
// are billed on the next invoice.
both_databases!(scheduled_downgrade_and_bought_seats_reach_the_renewal);
async fn scheduled_downgrade_and_bought_seats_reach_the_renewal(app: TestApp) {
    let nils_org = org_id(&app, "Nedgraderingen AB").await;
    let nils = app.login("nils@nedgraderingen.example").await;
    let starter = plan_id(&app, "starter").await;
    let p = preview(&app, &nils, starter, "monthly", 4).await.unwrap();
    confirm(&app, &nils, &p).await.unwrap();
    let anna = app.login("anna@acme.example").await;
    let acme = org_id(&app, "Acme AB").await;
    let professional = plan_id(&app, "professional").await;
    let seats = preview(&app, &anna, professional, "monthly", 8)
        .await
        .unwrap();
    let extra = seats.next_invoice_extra[0].amount.minor();
    confirm(&app, &anna, &seats).await.unwrap();
    let (_, nils_end, ..) = sub(&app, nils_org).await;
    let (_, acme_end, ..) = sub(&app, acme).await;
    advance(&app.db, &app.gateway, midnight(nils_end.max(acme_end)))
        .await
        .unwrap();
    let (_, _, code, _, _) = sub(&app, nils_org).await;
    assert_eq!(code, "starter", "the downgrade took effect at renewal");
    let renewal = invoices_since(&app, acme, acme_end).await;
    let net = 49_000 + 8 * 24_900 + extra;
    assert_eq!(
        renewal[0].2,
        net + (net * 25 + 50) / 100,
        "8 seats plus the prorated extra"
    );
    let unbilled: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM pending_lines WHERE billed_document_id IS NULL")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(unbilled, 0, "the seat line is on the invoice");
}

// Auto-renew off, no commitment: at the period end back to Free, no invoice.
// A trial ends by itself on its last day and is never charged.
both_databases!(cancelled_subscriptions_end_on_free_and_trials_end);
async fn cancelled_subscriptions_end_on_free_and_trials_end(app: TestApp) {
    let anna = app.login("anna@acme.example").await;
    let key: billing_portal::api::credits::CreditsView = app.credits(&anna).await.unwrap();
    app.call::<Value>(
        &anna,
        "auto_renew",
        &[("on", "false"), ("idempotency_key", &key.action_key)],
    )
    .await
    .unwrap();
    let acme = org_id(&app, "Acme AB").await;
    let (_, end, ..) = sub(&app, acme).await;
    let tove_org = org_id(&app, "Provperioden AB").await;
    let trial_ends: String =
        sqlx::query_scalar("SELECT trial_ends FROM subscriptions WHERE organisation_id = $1")
            .bind(tove_org)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    let trial_ends = NaiveDate::parse_from_str(&trial_ends, "%Y-%m-%d").unwrap();
    let done = advance(&app.db, &app.gateway, midnight(end.max(trial_ends)))
        .await
        .unwrap();
    assert!(done.ended >= 1 && done.trials_ended >= 1, "{done:?}");
    let (start, _, code, seats, status) = sub(&app, acme).await;
    assert_eq!(
        (code.as_str(), seats, status.as_str(), start),
        ("free", 0, "active", end)
    );
    assert!(
        invoices_since(&app, acme, end).await.is_empty(),
        "no invoice for Free"
    );
    let trial: Option<String> =
        sqlx::query_scalar("SELECT trial_ends FROM subscriptions WHERE organisation_id = $1")
            .bind(tove_org)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(trial, None);
    let trial_charged: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM document_lines l JOIN documents d ON d.id = l.document_id \
         WHERE d.organisation_id = $1 AND l.description LIKE 'Professional%'",
    )
    .bind(tove_org)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(trial_charged, 0, "a trial is never charged");
}

// The test clock predicts exactly what `advance` then writes: for one
// organisation its documents' dates, lines and totals (their numbers depend
// on what everyone else is issued), and for everyone the very numbers too.
both_databases!(the_test_clock_predicts_what_advance_writes);
async fn the_test_clock_predicts_what_advance_writes(app: TestApp) {
    let acme = org_id(&app, "Acme AB").await;
    let (_, end, ..) = sub(&app, acme).await;
    let until = midnight(end + chrono::Months::new(1));
    let count = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM documents")
            .fetch_one(&app.db.pool)
            .await
            .unwrap()
    };
    let documents_before = count().await;
    let predicted = predict(&app.db, acme, until).await.unwrap();
    assert_eq!(predicted.len(), 2);
    let everyone = predict_all(&app.db, until).await.unwrap();
    assert_eq!(
        documents_before,
        count().await,
        "the test clock writes nothing"
    );
    let last_before: i64 =
        sqlx::query_scalar("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM documents")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    advance(&app.db, &app.gateway, until).await.unwrap();

    // One organisation: dates, lines (as stored) and totals.
    let written: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT id, issue_date, total_minor FROM documents \
         WHERE organisation_id = $1 AND kind = 'invoice' AND issue_date >= $2 ORDER BY issue_date, id",
    )
    .bind(acme)
    .bind(end.format("%Y-%m-%d").to_string())
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(written.len(), predicted.len());
    for (p, (id, date, total)) in predicted.iter().zip(&written) {
        assert_eq!(
            (
                p.issue_date.format("%Y-%m-%d").to_string(),
                p.totals.total.minor()
            ),
            (date.clone(), *total)
        );
        let amounts: Vec<i64> = sqlx::query_scalar(
            "SELECT amount_minor FROM document_lines WHERE document_id = $1 ORDER BY position",
        )
        .bind(id)
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
        let predicted_amounts: Vec<i64> = p.lines.iter().map(|l| l.amount.minor()).collect();
        assert_eq!(predicted_amounts, amounts);
    }

    // Everyone: every document, number included.
    let mut seen: Vec<(i64, String, String, i64)> = everyone
        .iter()
        .flat_map(|(org, docs)| {
            docs.iter().map(move |d| {
                (
                    *org,
                    d.number.clone(),
                    d.issue_date.format("%Y-%m-%d").to_string(),
                    d.totals.total.minor(),
                )
            })
        })
        .collect();
    seen.sort();
    let mut all_written: Vec<(i64, String, String, i64)> = sqlx::query_as(
        "SELECT organisation_id, number, issue_date, total_minor FROM documents WHERE id > $1 AND kind = 'invoice'",
    )
    .bind(last_before)
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    all_written.sort();
    assert!(!seen.is_empty());
    assert_eq!(seen, all_written);
}

// Two clocks at once (two server instances) write each renewal once, and
// the invoice numbers stay gapless.
both_databases!(two_clocks_at_once_renew_once);
async fn two_clocks_at_once_renew_once(app: TestApp) {
    let acme = org_id(&app, "Acme AB").await;
    let (_, end, ..) = sub(&app, acme).await;
    let at = midnight(end + chrono::Months::new(1));
    let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM period_transitions")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let (a, b) = tokio::join!(
        advance(&app.db, &app.gateway, at),
        advance(&app.db, &app.gateway, at)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(invoices_since(&app, acme, end).await.len(), 2);
    let carried = |c: &billing_portal::services::clock::Counts| {
        c.renewed + c.ended + c.contract_periods + c.instalments
    };
    let transitions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM period_transitions")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    // Each boundary carried by exactly one of the two clocks.
    assert!(carried(&a) + carried(&b) > 0);
    assert_eq!((carried(&a) + carried(&b)) as i64, transitions - before);
    let again = advance(&app.db, &app.gateway, at).await.unwrap();
    assert_eq!(carried(&again), 0, "a third run finds everything done");
    assert_invoice_numbers_gapless(&app).await;
}

// A clock process killed with SIGKILL in the middle of a run, then run
// again: nothing lost, nothing doubled, invoice numbers gapless.
both_databases!(a_clock_killed_mid_run_loses_and_doubles_nothing);
async fn a_clock_killed_mid_run_loses_and_doubles_nothing(app: TestApp) {
    // Several chunks (of 1 024), so the kill lands between commits.
    const ORGS: i64 = 4000;
    // Two boundaries due for each: about 30 and 61 days after the start.
    let start = app.now().date_naive() - chrono::Duration::days(70);
    billing_portal::seed::bulk_subscriptions(&app.db, "Bulk", ORGS, start)
        .await
        .unwrap();
    let carried = "SELECT COUNT(*) FROM period_transitions t JOIN subscriptions s ON s.id = t.subscription_id \
                   JOIN organisations o ON o.id = s.organisation_id WHERE o.name LIKE 'Bulk %'";
    let clock = || {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_billing-portal"));
        c.args(["clock", "--now", &app.now().to_rfc3339()])
            .env("DATABASE_URL", &app.database_url)
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::null());
        c
    };
    let mut child = clock().spawn().unwrap();
    let waited = std::time::Instant::now();
    while app.scalar(carried).await < 50 {
        assert!(
            waited.elapsed().as_secs() < 120,
            "the clock made no progress"
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let partial = app.scalar(carried).await;
    assert!(
        partial < 2 * ORGS,
        "killed in the middle ({partial} of {})",
        2 * ORGS
    );
    assert!(clock().status().unwrap().success());
    assert_eq!(app.scalar(carried).await, 2 * ORGS);
    assert_two_invoices_each(&app, "Bulk").await;
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM documents d WHERE d.kind = 'invoice' AND NOT EXISTS \
             (SELECT 1 FROM document_lines l WHERE l.document_id = d.id)"
        )
        .await,
        0,
        "no invoice without its lines"
    );
    assert_invoice_numbers_gapless(&app).await;
}

// One organisation that cannot be advanced (a broken time zone) is logged
// and counted; every other organisation is renewed all the same.
both_databases!(one_broken_organisation_does_not_stop_the_clock);
async fn one_broken_organisation_does_not_stop_the_clock(app: TestApp) {
    let acme = org_id(&app, "Acme AB").await;
    let nils = org_id(&app, "Nedgraderingen AB").await;
    sqlx::query("UPDATE organisations SET time_zone = 'Mars/Olympus_Mons' WHERE id = $1")
        .bind(nils)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let (_, end, ..) = sub(&app, acme).await;
    let (_, nils_end, ..) = sub(&app, nils).await;
    let done = advance(&app.db, &app.gateway, midnight(end.max(nils_end)))
        .await
        .unwrap();
    assert_eq!(done.failed, 1, "{done:?}");
    assert!(sub(&app, acme).await.1 > end, "Acme renewed");
    assert_eq!(sub(&app, nils).await.1, nils_end, "the broken one waits");
}

// An invoice still owed the day after its due date (in the organisation's
// time zone) gets one reminder to the billing owner, never a second.
both_databases!(an_overdue_invoice_is_reminded_once);
async fn an_overdue_invoice_is_reminded_once(app: TestApp) {
    let acme = org_id(&app, "Acme AB").await;
    app.pays_by_invoice(acme).await;
    let (_, end, ..) = sub(&app, acme).await;
    advance(&app.db, &app.gateway, midnight(end)).await.unwrap();
    let (doc, due): (i64, String) = sqlx::query_as(
        "SELECT id, due_date FROM documents WHERE organisation_id = $1 AND kind = 'invoice' AND issue_date = $2",
    )
    .bind(acme)
    .bind(end.format("%Y-%m-%d").to_string())
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let due = NaiveDate::parse_from_str(&due, "%Y-%m-%d").unwrap();
    let reminders = || async {
        sqlx::query_as::<_, (i64, Option<String>)>(
            "SELECT COUNT(*), MAX(recipient) FROM outbox WHERE document_id = $1 AND kind = 'reminder'",
        )
        .bind(doc)
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
    };
    // On the due date itself it is not overdue yet.
    advance(
        &app.db,
        &app.gateway,
        midnight(due) + chrono::Duration::hours(23),
    )
    .await
    .unwrap();
    assert_eq!(reminders().await.0, 0);
    let done = advance(
        &app.db,
        &app.gateway,
        midnight(due + chrono::Duration::days(1)),
    )
    .await
    .unwrap();
    assert!(done.reminders >= 1, "{done:?}");
    let owner: String = sqlx::query_scalar(
        "SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.organisation_id = $1 AND m.is_billing_owner = 1",
    )
    .bind(acme)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(reminders().await, (1, Some(owner)));
    advance(
        &app.db,
        &app.gateway,
        midnight(due + chrono::Duration::days(9)),
    )
    .await
    .unwrap();
    assert_eq!(reminders().await.0, 1, "one reminder per invoice");
}

// Two clock processes at once on one database (two server instances)
// write each renewal once: every organisation gets exactly its invoices,
// the numbers stay gapless.
both_databases!(two_clock_processes_at_once_write_each_renewal_once);
async fn two_clock_processes_at_once_write_each_renewal_once(app: TestApp) {
    const ORGS: i64 = 3000;
    let start = app.now().date_naive() - chrono::Duration::days(70);
    billing_portal::seed::bulk_subscriptions(&app.db, "Twice", ORGS, start)
        .await
        .unwrap();
    let clock = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_billing-portal"))
            .args(["clock", "--now", &app.now().to_rfc3339()])
            .env("DATABASE_URL", &app.database_url)
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (clock(), clock());
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    assert!(a.status.success() && b.status.success());
    // Each process prints its counts; together they carried each boundary once.
    let renewed = |out: &std::process::Output| {
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        v["done"]["renewed"].as_i64().unwrap()
    };
    let carried = "SELECT COUNT(*) FROM period_transitions t JOIN subscriptions s ON s.id = t.subscription_id \
                   JOIN organisations o ON o.id = s.organisation_id WHERE o.name LIKE 'Twice %'";
    assert_eq!(app.scalar(carried).await, 2 * ORGS);
    assert!(
        renewed(&a) + renewed(&b) >= 2 * ORGS,
        "the two processes carried {} and {}",
        renewed(&a),
        renewed(&b)
    );
    assert_two_invoices_each(&app, "Twice").await;
    assert_invoice_numbers_gapless(&app).await;
}

/// Puts an organisation's subscription on its plan's current price in
/// `interval` ("monthly" or "annual") with the given anchor and period,
/// auto-renewing, nothing scheduled or pending.
async fn put_on(app: &TestApp, org: i64, interval: &str, anchor: &str, start: &str, end: &str) {
    sqlx::query(
        "UPDATE subscriptions SET price_id = (SELECT p2.id FROM prices p JOIN prices p2 ON p2.plan_id = p.plan_id \
         AND p2.currency = p.currency WHERE p.id = subscriptions.price_id AND p2.billing_interval = $1 AND p2.is_current = 1), \
         anchor = $2, period_start = $3, period_end = $4, commitment_end = NULL, auto_renew = 1, status = 'active', \
         scheduled_price_id = NULL, scheduled_seats = NULL, trial_price_id = NULL, trial_started = NULL, trial_ends = NULL \
         WHERE organisation_id = $5 AND team_id IS NULL",
    )
    .bind(interval)
    .bind(anchor)
    .bind(start)
    .bind(end)
    .bind(org)
    .execute(&app.db.pool)
    .await
    .unwrap();
    sqlx::query("DELETE FROM pending_lines WHERE subscription_id IN (SELECT id FROM subscriptions WHERE organisation_id = $1)")
        .bind(org)
        .execute(&app.db.pool)
        .await
        .unwrap();
}

/// The issue dates of an organisation's invoices dated `from` to `to`.
async fn invoice_dates(app: &TestApp, org: i64, from: &str, to: &str) -> Vec<String> {
    let since = NaiveDate::parse_from_str(from, "%Y-%m-%d").unwrap();
    invoices_since(app, org, since)
        .await
        .into_iter()
        .map(|(_, date, _)| date)
        .filter(|date| date.as_str() <= to)
        .collect()
}

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// A year after anything the demo data holds (its history ends at the
/// test's `now`), the first from two years on that is (or is not) a leap year.
fn free_year(app: &TestApp, leap: bool) -> i32 {
    (app.now().year() + 2..)
        .find(|y| NaiveDate::from_ymd_opt(*y, 2, 29).is_some() == leap)
        .unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// The last Sunday of a month: the day Stockholm's clocks change in March
/// and October.
fn last_sunday(y: i32, m: u32) -> NaiveDate {
    let mut d = day(y, m + 1, 1) - chrono::Duration::days(1);
    while d.weekday() != chrono::Weekday::Sun {
        d -= chrono::Duration::days(1);
    }
    d
}

// Anchor day 31: Jan 31 → Feb 28 → Mar 31 → Apr 30, each renewal once.
both_databases!(anchor_day_31_renews_on_each_months_last_day);
async fn anchor_day_31_renews_on_each_months_last_day(app: TestApp) {
    let acme = org_id(&app, "Acme AB").await;
    let y = free_year(&app, false);
    let jan31 = text(day(y, 1, 31));
    put_on(&app, acme, "monthly", &jan31, &jan31, &text(day(y, 2, 28))).await;
    advance(&app.db, &app.gateway, midnight(day(y, 4, 30)))
        .await
        .unwrap();
    assert_eq!(
        invoice_dates(&app, acme, &text(day(y, 1, 1)), &text(day(y, 12, 31))).await,
        [day(y, 2, 28), day(y, 3, 31), day(y, 4, 30)].map(text)
    );
    let (start, end, ..) = sub(&app, acme).await;
    assert_eq!((start, end), (day(y, 4, 30), day(y, 5, 31)));
}

// An annual plan from 29 February renews on 28 February in common years
// and on 29 February again in a leap year.
both_databases!(annual_plan_from_29_february);
async fn annual_plan_from_29_february(app: TestApp) {
    let acme = org_id(&app, "Acme AB").await;
    let y = free_year(&app, true);
    let feb29 = text(day(y, 2, 29));
    put_on(
        &app,
        acme,
        "annual",
        &feb29,
        &feb29,
        &text(day(y + 1, 2, 28)),
    )
    .await;
    advance(&app.db, &app.gateway, midnight(day(y + 4, 2, 29)))
        .await
        .unwrap();
    assert_eq!(
        invoice_dates(&app, acme, &text(day(y, 3, 1)), &text(day(y + 4, 12, 31))).await,
        [
            day(y + 1, 2, 28),
            day(y + 2, 2, 28),
            day(y + 3, 2, 28),
            day(y + 4, 2, 29)
        ]
        .map(text)
    );
    let (start, end, ..) = sub(&app, acme).await;
    assert_eq!((start, end), (day(y + 4, 2, 29), day(y + 5, 2, 28)));
}

// 23:30 UTC on 31 January is already 1 February in Stockholm: the period
// ending on 1 February renews then, dated 1 February, and only once.
both_databases!(a_run_at_2330_utc_on_a_months_last_day_bills_the_period_once);
async fn a_run_at_2330_utc_on_a_months_last_day_bills_the_period_once(app: TestApp) {
    let acme = org_id(&app, "Acme AB").await;
    let y = free_year(&app, false);
    let jan1 = text(day(y, 1, 1));
    put_on(&app, acme, "monthly", &jan1, &jan1, &text(day(y, 2, 1))).await;
    let at = |t: &str| utc(&format!("{y}-{t}"));
    let (from, to) = (text(day(y, 1, 2)), text(day(y, 2, 28)));
    let issued = || invoice_dates(&app, acme, &from, &to);
    advance(&app.db, &app.gateway, at("01-31T22:59:00Z"))
        .await
        .unwrap();
    assert!(issued().await.is_empty(), "23:59 in Stockholm: not yet");
    advance(&app.db, &app.gateway, at("01-31T23:30:00Z"))
        .await
        .unwrap();
    advance(&app.db, &app.gateway, at("02-01T10:00:00Z"))
        .await
        .unwrap();
    assert_eq!(issued().await, [text(day(y, 2, 1))]);
}

// The daylight-saving weekends: a period ending on the Sunday the clocks
// go back (October) or forward (March) renews at that Sunday's local
// midnight, not an hour early or late.
both_databases!(renewals_at_local_midnight_across_daylight_saving);
async fn renewals_at_local_midnight_across_daylight_saving(app: TestApp) {
    let acme = org_id(&app, "Acme AB").await;
    let y = free_year(&app, false);
    // (the Sunday, the UTC instant of its local midnight)
    let october = last_sunday(y, 10);
    let march = last_sunday(y + 1, 3);
    for (sunday, midnight_utc) in [
        // Still summer time at midnight: 22:00 UTC the day before.
        (
            october,
            (october - chrono::Duration::days(1))
                .and_hms_opt(22, 0, 0)
                .unwrap()
                .and_utc(),
        ),
        // Still winter time at midnight: 23:00 UTC the day before.
        (
            march,
            (march - chrono::Duration::days(1))
                .and_hms_opt(23, 0, 0)
                .unwrap()
                .and_utc(),
        ),
    ] {
        // Anchored on the Sunday's day of the month, a year before.
        let anchor = text(sunday - chrono::Months::new(12));
        let start = text(sunday - chrono::Months::new(1));
        put_on(&app, acme, "monthly", &anchor, &start, &text(sunday)).await;
        let on = text(sunday);
        let issued = || invoice_dates(&app, acme, &on, &on);
        advance(
            &app.db,
            &app.gateway,
            midnight_utc - chrono::Duration::minutes(1),
        )
        .await
        .unwrap();
        assert!(
            issued().await.is_empty(),
            "a minute before midnight of {sunday}"
        );
        advance(&app.db, &app.gateway, midnight_utc).await.unwrap();
        assert_eq!(issued().await, [text(sunday)]);
    }
}
