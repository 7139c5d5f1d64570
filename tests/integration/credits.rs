//! Credits end to end (R-CRD-1…6): allowance and expiry, packs, the usage API.

use crate::support::{both_databases, Backend, Client, TestApp};
use billing_portal::api::credits::{CreditsView, NewApiKey, PackBought};
use billing_portal::error::AppError;
use billing_portal::services::credits::{expire_credits, grant_monthly_allowances};
use serde_json::{json, Value};

async fn new_key(app: &TestApp, admin: &Client) -> String {
    let k: NewApiKey = app
        .call(admin, "create_api_key", &[("name", "integration")])
        .await
        .unwrap();
    k.secret
}

async fn post_usage(app: &TestApp, key: &str, body: Value) -> (u16, Value) {
    post_json(app, "/api/v1/usage", key, body).await
}

async fn post_batch(app: &TestApp, key: &str, body: Value) -> (u16, Value) {
    post_json(app, "/api/v1/usage/batch", key, body).await
}

async fn post_json(app: &TestApp, path: &str, key: &str, body: Value) -> (u16, Value) {
    let r = app
        .anonymous()
        .http
        .post(app.url(path))
        .bearer_auth(key)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn balance(app: &TestApp, c: &Client) -> i64 {
    let v: CreditsView = app.credits(c).await.unwrap();
    v.balance
}

both_databases!(allowance_and_expiry_run_once_per_instant);
async fn allowance_and_expiry_run_once_per_instant(app: TestApp) {
    let now = app.now();
    let grants = app
        .scalar("SELECT COUNT(*) FROM credit_grants WHERE kind = 'allowance'")
        .await;
    assert!(
        grants >= 9,
        "every demo organisation got this month's allowance"
    );
    assert_eq!(
        grant_monthly_allowances(&app.db, now).await.unwrap(),
        0,
        "granting the same month again adds nothing"
    );
    let later = now + chrono::Duration::days(40);
    let expired = expire_credits(&app.db, later).await.unwrap();
    assert!(expired > 0, "last month's allowances expire");
    assert_eq!(
        expire_credits(&app.db, later).await.unwrap(),
        0,
        "and only once"
    );
    assert!(
        grant_monthly_allowances(&app.db, later).await.unwrap() >= 9,
        "a new month, a new allowance"
    );
}

both_databases!(an_admin_buys_a_pack_once_and_starter_cannot);
async fn an_admin_buys_a_pack_once_and_starter_cannot(app: TestApp) {
    let bertil = app.login("bertil@acme.example").await;
    let before: CreditsView = app.credits(&bertil).await.unwrap();
    assert_eq!(before.packs.len(), 2);
    let pack = &before.packs[0];
    let args = [
        ("pack_id", pack.id.to_string()),
        ("last_purchase", before.last_purchase.clone()),
        ("idempotency_key", before.action_key.clone()),
    ];
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let documents = app.scalar("SELECT COUNT(*) FROM documents").await;
    let (a, b) = tokio::join!(
        app.call::<PackBought>(&bertil, "buy_pack", &args),
        app.call::<PackBought>(&bertil, "buy_pack", &args)
    );
    assert_eq!(a.clone().unwrap(), b.unwrap(), "a double click buys once");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM documents").await,
        documents + 1
    );
    let after: CreditsView = app.credits(&bertil).await.unwrap();
    assert_eq!(after.balance, before.balance + pack.credits);
    // The subscriptions page lists the pack held, unused, bought today
    // (the organisation's day).
    let held: billing_portal::api::subscription::SubscriptionsView =
        app.subscriptions(&bertil).await.unwrap();
    assert!(
        held.packs.iter().any(|p| p.credits == pack.credits
            && p.remaining == pack.credits
            && (p.bought - app.now().date_naive()).num_days().abs() <= 1),
        "{:?}",
        held.packs
    );
    assert!(after
        .history
        .iter()
        .any(|h| h.kind == "pack" && h.amount == pack.credits));
    let (status, total): (String, i64) =
        sqlx::query_as("SELECT status, total_minor FROM documents WHERE number = $1")
            .bind(&a.unwrap().invoice)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(
        (status.as_str(), total),
        ("pending", pack.price.minor() * 125 / 100)
    );

    let sara = app.login("sara@smaforetaget.example").await;
    let view: CreditsView = app.credits(&sara).await.unwrap();
    assert!(
        view.packs.is_empty() && view.packs_refusal.is_some(),
        "Starter is offered no packs"
    );
    let args = [
        ("pack_id", pack.id.to_string()),
        ("last_purchase", view.last_purchase.clone()),
        ("idempotency_key", view.action_key.clone()),
    ];
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert!(
        matches!(
            app.call::<PackBought>(&sara, "buy_pack", &args).await,
            Err(AppError::Forbidden { .. })
        ),
        "and the server refuses"
    );
    let cecilia = app.login("cecilia@acme.example").await;
    assert!(
        matches!(
            app.call::<PackBought>(&cecilia, "buy_pack", &args).await,
            Err(AppError::Forbidden { .. })
        ),
        "members may not buy"
    );
}

both_databases!(seed_standout_usage_api_examples);
/// Standout: a run with one iteration costs 2, with two iterations 3; a 45 s
/// run without an iterator costs 2.
async fn seed_standout_usage_api_examples(app: TestApp) {
    let anna = app.login("anna@acme.example").await;
    let key = new_key(&app, &anna).await;
    let start = balance(&app, &anna).await;
    let (s, a) = post_usage(
        &app,
        &key,
        json!({ "event_id": "run-1", "runtime_seconds": 10, "iterations": 1 }),
    )
    .await;
    assert_eq!((s, a["cost"].as_i64()), (200, Some(2)));
    let (_, b) = post_usage(
        &app,
        &key,
        json!({ "event_id": "run-2", "runtime_seconds": 10, "iterations": 2 }),
    )
    .await;
    assert_eq!(b["cost"], 3);
    let (_, c) = post_usage(
        &app,
        &key,
        json!({ "event_id": "run-3", "runtime_seconds": 45 }),
    )
    .await;
    assert_eq!(c["cost"], 2);
    assert_eq!(c["balance"].as_i64(), Some(start - 7));
    // The same event again: the first answer, charged once.
    let (s, again) = post_usage(
        &app,
        &key,
        json!({ "event_id": "run-1", "runtime_seconds": 10, "iterations": 1 }),
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(again, a);
    assert_eq!(balance(&app, &anna).await, start - 7);
    // The history shows each event once, newest first.
    let view: CreditsView = app.credits(&anna).await.unwrap();
    let runs: Vec<(&str, i64)> = view
        .history
        .iter()
        .filter(|h| h.kind == "consumption" && h.detail.starts_with("run-"))
        .map(|h| (h.detail.as_str(), h.amount))
        .collect();
    assert_eq!(runs, [("run-3", -2), ("run-2", -3), ("run-1", -2)]);
    // What is wrong is said, and nothing is recorded.
    let entries = app.scalar("SELECT COUNT(*) FROM credit_entries").await;
    let r = app
        .anonymous()
        .http
        .post(app.url("/api/v1/usage"))
        .bearer_auth(&key)
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let (s, e) = post_usage(&app, &key, json!({ "event_id": "x", "iterations": 1 })).await;
    assert_eq!(s, 422);
    assert!(
        e["error"].as_str().unwrap().contains("runtime_seconds"),
        "{e}"
    );
    let (s, _) = post_usage(
        &app,
        "bp_nope_nope",
        json!({ "event_id": "y", "runtime_seconds": 1 }),
    )
    .await;
    assert_eq!(s, 401);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM credit_entries").await,
        entries
    );
}

both_databases!(insufficient_credits_answer_402_and_record_nothing);
async fn insufficient_credits_answer_402_and_record_nothing(app: TestApp) {
    let sara = app.login("sara@smaforetaget.example").await;
    let key = new_key(&app, &sara).await;
    let start = balance(&app, &sara).await;
    assert_eq!(start, 1_000, "Starter's monthly allowance");
    let entries = app.scalar("SELECT COUNT(*) FROM credit_entries").await;
    let (s, e) = post_usage(
        &app,
        &key,
        json!({ "event_id": "big", "runtime_seconds": 60_000 }),
    )
    .await;
    assert_eq!(s, 402);
    assert_eq!(
        (e["needed"].as_i64(), e["available"].as_i64()),
        (Some(2_000), Some(1_000))
    );
    assert!(e["error"].as_str().unwrap().contains("buy a credit pack"));
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM credit_entries").await,
        entries
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM usage_events WHERE event_id = 'big'")
            .await,
        0
    );
    // A key made by a script's call was answered with its secret; none
    // waits in the session for the keys page.
    let page: billing_portal::api::credits::ApiKeys = app.api_keys(&sara).await.unwrap();
    assert_eq!(page.created, None);
    // A plain form (no JavaScript) is sent back to the keys page, which
    // shows the secret once, taking it out of the session store.
    let posted = sara
        .http
        .post(app.url("/api/create_api_key"))
        .header("accept", "text/html")
        .header("referer", app.url("/billing/api-keys"))
        .form(&[("name", "from a form")])
        .send()
        .await
        .unwrap();
    assert!(posted.status().is_redirection(), "{}", posted.status());
    let in_store = || async {
        app.scalar("SELECT COUNT(*) FROM sessions WHERE data LIKE '%bp_%'")
            .await
    };
    assert_eq!(in_store().await, 1, "waiting for the page that shows it");
    let page: billing_portal::api::credits::ApiKeys = app.api_keys(&sara).await.unwrap();
    let shown = page
        .created
        .as_ref()
        .expect("the new key's secret, shown once");
    assert!(shown.secret.starts_with("bp_"));
    assert_eq!(
        in_store().await,
        0,
        "gone from the session store once shown"
    );
    let again: billing_portal::api::credits::ApiKeys = app.api_keys(&sara).await.unwrap();
    assert_eq!(again.created, None, "and never again");
    // A revoked key stops working at once.
    let keys = page.keys;
    let first = keys.iter().find(|k| k.name == "integration").unwrap();
    app.call::<()>(&sara, "revoke_api_key", &[("id", &first.id.to_string())])
        .await
        .unwrap();
    let (s, _) = post_usage(
        &app,
        &key,
        json!({ "event_id": "after-revoke", "runtime_seconds": 1 }),
    )
    .await;
    assert_eq!(s, 401);
}

/// What the credit ledger says was consumed is, for every organisation,
/// the sum of the usage events it answered (the ledger is entered once
/// per grant and batch, the events one by one).
async fn assert_ledger_matches_events(app: &TestApp) {
    let off = app
        .scalar(
            "SELECT COUNT(*) FROM organisations o WHERE \
             COALESCE((SELECT SUM(e.amount) FROM credit_entries e WHERE e.organisation_id = o.id AND e.kind = 'consumption'), 0) \
             <> COALESCE((SELECT SUM(u.cost) FROM usage_events u WHERE u.organisation_id = o.id), 0)",
        )
        .await;
    assert_eq!(off, 0, "organisations whose ledger and events disagree");
}

/// Tove's trial organisation (1 000 credits) with 150 left, and a key.
async fn tove_with_150_left(app: &TestApp) -> (Client, String) {
    let tove = app.login("tove@provperioden.example").await;
    let key = new_key(app, &tove).await;
    let (s, _) = post_usage(
        app,
        &key,
        json!({ "event_id": "setup", "runtime_seconds": 25_500 }),
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(balance(app, &tove).await, 150);
    (tove, key)
}

/// Of 200 one-credit "burst-" events, 150 were accepted and 50 refused,
/// and exactly the accepted ones were charged.
async fn assert_150_of_200_charged(app: &TestApp, tove: &Client, statuses: Vec<u16>) {
    let mut accepted = 0;
    let mut refused = 0;
    for status in statuses {
        match status {
            200 => accepted += 1,
            402 => refused += 1,
            other => panic!("unexpected status {other}"),
        }
    }
    assert_eq!((accepted, refused), (150, 50));
    assert_eq!(balance(app, tove).await, 0);
    let consumed = app
        .scalar("SELECT CAST(SUM(cost) AS BIGINT) FROM usage_events WHERE event_id LIKE 'burst-%'")
        .await;
    assert_eq!(consumed, 150, "charged exactly what was accepted");
    assert_ledger_matches_events(app).await;
}

both_databases!(concurrent_events_never_take_the_balance_below_zero);
async fn concurrent_events_never_take_the_balance_below_zero(app: TestApp) {
    let (tove, key) = tove_with_150_left(&app).await;
    let mut tasks = Vec::new();
    for i in 0..200 {
        let url = app.url("/api/v1/usage");
        let key = key.clone();
        tasks.push(tokio::spawn(async move {
            let r = reqwest::Client::new()
                .post(url)
                .bearer_auth(key)
                .json(&json!({ "event_id": format!("burst-{i}"), "runtime_seconds": 10 }))
                .send()
                .await
                .unwrap();
            r.status().as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    assert_150_of_200_charged(&app, &tove, statuses).await;
}

both_databases!(credits_bought_between_events_are_used_at_once);
async fn credits_bought_between_events_are_used_at_once(app: TestApp) {
    let anna = app.login("anna@acme.example").await;
    let key = new_key(&app, &anna).await;
    let start = balance(&app, &anna).await;
    // Spend everything (one event costing the whole balance), then one more.
    let seconds = (start - 1) * 30;
    let (s, all) = post_usage(
        &app,
        &key,
        json!({ "event_id": "all", "runtime_seconds": seconds, "iterations": 1 }),
    )
    .await;
    assert_eq!((s, all["balance"].as_i64()), (200, Some(0)), "{all}");
    let (s, _) = post_usage(
        &app,
        &key,
        json!({ "event_id": "one", "runtime_seconds": 1 }),
    )
    .await;
    assert_eq!(s, 402);
    // A pack bought now is drawn on by the very next event.
    let view: CreditsView = app.credits(&anna).await.unwrap();
    let args = [
        ("pack_id", view.packs[0].id.to_string()),
        ("last_purchase", view.last_purchase.clone()),
        ("idempotency_key", view.action_key.clone()),
    ];
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.call::<PackBought>(&anna, "buy_pack", &args)
        .await
        .unwrap();
    let (s, after) = post_usage(
        &app,
        &key,
        json!({ "event_id": "one-again", "runtime_seconds": 1 }),
    )
    .await;
    assert_eq!(
        (s, after["balance"].as_i64()),
        (200, Some(view.packs[0].credits - 1)),
        "{after}"
    );
}

/// (status, balance or needed) of each result, for compact assertions.
fn outcomes(results: &Value) -> Vec<(i64, Option<i64>)> {
    results["results"]
        .as_array()
        .expect("a results array")
        .iter()
        .map(|r| {
            let figure = r.get("balance").or_else(|| r.get("needed"));
            (
                r["status"].as_i64().unwrap(),
                figure.and_then(Value::as_i64),
            )
        })
        .collect()
}

both_databases!(a_batch_is_charged_in_order_with_one_answer_per_event);
async fn a_batch_is_charged_in_order_with_one_answer_per_event(app: TestApp) {
    let tove = app.login("tove@provperioden.example").await;
    let key = new_key(&app, &tove).await;
    assert_eq!(balance(&app, &tove).await, 1000);
    let batch = json!({ "events": [
        { "event_id": "a", "runtime_seconds": 10, "iterations": 1 },
        { "event_id": "b", "runtime_seconds": 45 },
        { "event_id": "a", "runtime_seconds": 10, "iterations": 1 },
        { "event_id": "too-big", "runtime_seconds": 30_000 },
        { "event_id": "", "runtime_seconds": 1 },
        { "event_id": "c", "runtime_seconds": 10, "iterations": 2, "advanced_steps": [4] },
    ]});
    let (s, first) = post_batch(&app, &key, batch.clone()).await;
    assert_eq!(s, 200, "{first}");
    // a costs 2, b 2, a again is a's answer, too-big needs 1000 of 996,
    // the empty id is refused, c costs 1 + 2 + 4 = 7.
    assert_eq!(
        outcomes(&first),
        vec![
            (200, Some(998)),
            (200, Some(996)),
            (200, Some(998)),
            (402, Some(1000)),
            (422, None),
            (200, Some(989)),
        ],
        "{first}"
    );
    assert_eq!(first["results"][3]["available"], 996);
    assert_eq!(balance(&app, &tove).await, 989);
    // The same batch again: the same answers, charged once.
    let (s, again) = post_batch(&app, &key, batch).await;
    assert_eq!(s, 200);
    assert_eq!(outcomes(&again)[..3], outcomes(&first)[..3]);
    assert_eq!(again["results"][5], first["results"][5]);
    assert_eq!(balance(&app, &tove).await, 989);
    // The single-event call knows the batch's events, and the other way round.
    let (s, b) = post_usage(
        &app,
        &key,
        json!({ "event_id": "b", "runtime_seconds": 45 }),
    )
    .await;
    let mut expected = first["results"][1].clone();
    expected.as_object_mut().unwrap().remove("status");
    assert_eq!((s, b), (200, expected));
    let consumed = app
        .scalar(
            "SELECT CAST(SUM(cost) AS BIGINT) FROM usage_events \
         WHERE event_id IN ('a', 'b', 'c', 'too-big', '')",
        )
        .await;
    assert_eq!(consumed, 11, "a + b + c, once each");
    assert_ledger_matches_events(&app).await;
}

both_databases!(a_malformed_batch_is_refused_whole_and_records_nothing);
async fn a_malformed_batch_is_refused_whole_and_records_nothing(app: TestApp) {
    let anna = app.login("anna@acme.example").await;
    let key = new_key(&app, &anna).await;
    let before = balance(&app, &anna).await;
    let (s, e) = post_batch(
        &app,
        &key,
        json!({ "events": [
            { "event_id": "ok", "runtime_seconds": 1 },
            { "event_id": "no-runtime", "iterations": 1 },
        ]}),
    )
    .await;
    assert_eq!(s, 422);
    let message = e["error"].as_str().unwrap();
    assert!(message.starts_with("events[1] is not valid"), "{message}");
    assert!(message.to_string().contains("runtime_seconds"), "{message}");
    let (s, e) = post_batch(&app, &key, json!({ "events": [] })).await;
    assert_eq!(s, 422);
    assert!(e["error"].as_str().unwrap().contains("1 to 500"), "{e}");
    let too_many: Vec<Value> = (0..501)
        .map(|i| json!({ "event_id": format!("e{i}"), "runtime_seconds": 1 }))
        .collect();
    let (s, _) = post_batch(&app, &key, json!({ "events": too_many })).await;
    assert_eq!(s, 422);
    let r = app
        .anonymous()
        .http
        .post(app.url("/api/v1/usage/batch"))
        .bearer_auth(&key)
        .body("{\"events\": [")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let (s, _) = post_batch(&app, "bp_not-a-key", json!({ "events": [] })).await;
    assert_eq!(s, 401);
    assert_eq!(balance(&app, &anna).await, before);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM usage_events WHERE event_id NOT LIKE 'demo-run-%'")
            .await,
        0
    );
}

both_databases!(concurrent_batches_never_take_the_balance_below_zero);
async fn concurrent_batches_never_take_the_balance_below_zero(app: TestApp) {
    let (tove, key) = tove_with_150_left(&app).await;
    // 20 batches of 10 one-credit events.
    let mut tasks = Vec::new();
    for b in 0..20 {
        let url = app.url("/api/v1/usage/batch");
        let key = key.clone();
        let events: Vec<Value> = (0..10)
            .map(|i| json!({ "event_id": format!("burst-{b}-{i}"), "runtime_seconds": 10 }))
            .collect();
        tasks.push(tokio::spawn(async move {
            let r = reqwest::Client::new()
                .post(url)
                .bearer_auth(key)
                .json(&json!({ "events": events }))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status().as_u16(), 200);
            outcomes(&r.json().await.unwrap())
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.extend(t.await.unwrap().into_iter().map(|(s, _)| s as u16));
    }
    assert_150_of_200_charged(&app, &tove, statuses).await;
}

// R-PAY-4: two tabs opened before a purchase buy once. The second tab is
// asked again, told which purchase came first; a reloaded page buys.
both_databases!(two_tabs_buy_a_pack_once);
async fn two_tabs_buy_a_pack_once(app: TestApp) {
    let anna = app.login("anna@acme.example").await;
    let tab_a: CreditsView = app.credits(&anna).await.unwrap();
    let tab_b: CreditsView = app.credits(&anna).await.unwrap();
    assert_ne!(tab_a.action_key, tab_b.action_key);
    let buy = |view: &CreditsView| {
        vec![
            ("pack_id".to_string(), view.packs[0].id.to_string()),
            ("last_purchase".to_string(), view.last_purchase.clone()),
            ("idempotency_key".to_string(), view.action_key.clone()),
        ]
    };
    let call = |args: Vec<(String, String)>| {
        let app = &app;
        let anna = anna.clone();
        async move {
            let args: Vec<(&str, &str)> =
                args.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            app.call::<PackBought>(&anna, "buy_pack", &args).await
        }
    };
    let documents = app.scalar("SELECT COUNT(*) FROM documents").await;
    let first = call(buy(&tab_a)).await.unwrap();
    match call(buy(&tab_b)).await {
        Err(AppError::Conflict(message)) => {
            assert!(message.to_string().contains(&first.invoice), "{message}")
        }
        other => panic!("the second tab must be asked again, got {other:?}"),
    }
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM documents").await,
        documents + 1
    );
    let reloaded: CreditsView = app.credits(&anna).await.unwrap();
    assert_eq!(reloaded.last_purchase, first.invoice);
    call(buy(&reloaded)).await.unwrap();
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM documents").await,
        documents + 2
    );
}

// A database from before usage answers were columns: each stored answer's
// balance becomes its column, the same event again gets the same answer,
// and the ledger's per-event entries still count toward the grants.
both_databases!(usage_answers_stored_as_json_become_columns, backend);
async fn usage_answers_stored_as_json_become_columns(backend: Backend) {
    let Some((db, all, _cleanup)) = crate::support::database_before(backend, 18).await else {
        return;
    };
    for sql in [
        "INSERT INTO organisations (name, legal_name, city, postal_code, created_at) \
         VALUES ('Gamla AB', 'Gamla AB', 'Stockholm', '111 22', '2026-01-01T00:00:00Z')",
        "INSERT INTO credit_grants (organisation_id, kind, amount, granted_at, expires_at, source) \
         SELECT id, 'goodwill', 100, '2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z', 'old' FROM organisations",
        "INSERT INTO credit_entries (organisation_id, grant_id, kind, amount, event_id, day, created_at) \
         SELECT organisation_id, id, 'consumption', 7, 'old-run', '2026-01-02', '2026-01-02T10:00:00Z' FROM credit_grants",
        "INSERT INTO usage_events (organisation_id, event_id, cost, response, created_at) \
         SELECT id, 'old-run', 7, '{\"event_id\":\"old-run\",\"cost\":7,\"balance\":93}', '2026-01-02T10:00:00Z' FROM organisations",
    ] {
        sqlx::query(sql).execute(&db.pool).await.unwrap();
    }
    all.run(&db.pool).await.unwrap();
    let now = chrono::DateTime::parse_from_rfc3339("2026-02-01T10:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    // Gamla AB is the database's first organisation; a one-second run.
    let run = |id: &'static str| {
        let event =
            serde_json::from_value(json!({ "event_id": id, "runtime_seconds": 1 })).unwrap();
        billing_portal::services::usage::record_usage(&db, 1, event, now)
    };
    let again = run("old-run").await.unwrap();
    assert_eq!((again.cost, again.balance), (7, 93), "the first answer");
    let next = run("new-run").await.unwrap();
    assert_eq!((next.cost, next.balance), (1, 92));
    let events: Vec<(String, i64, i64)> =
        sqlx::query_as("SELECT event_id, cost, balance FROM usage_events ORDER BY id")
            .fetch_all(&db.pool)
            .await
            .unwrap();
    assert_eq!(
        events,
        [
            ("old-run".to_string(), 7, 93),
            ("new-run".to_string(), 1, 92)
        ]
    );
}

// The credits page (R-CRD-5): the history 25 lines a page, newest first,
// and what was used on each of the last 30 days, today's last.
both_databases!(the_credits_page_pages_its_history_and_shows_usage_by_day);
async fn the_credits_page_pages_its_history_and_shows_usage_by_day(app: TestApp) {
    let tove = app.login("tove@provperioden.example").await;
    let key = new_key(&app, &tove).await;
    let page = |n: u32| {
        let (app, tove) = (&app, &tove);
        async move {
            app.call::<CreditsView>(tove, "credits", &[("page", &n.to_string())])
                .await
                .unwrap()
        }
    };
    // Every line of the history, page by page.
    let all_lines = || async {
        let (mut lines, mut n) = (0, 0);
        loop {
            let p = page(n).await;
            lines += p.history.len();
            if !p.has_more {
                return lines;
            }
            n += 1;
        }
    };
    let before = page(0).await;
    let lines_before = all_lines().await;
    let events: Vec<Value> = (0..30)
        .map(|i| json!({ "event_id": format!("day-{i}"), "runtime_seconds": 10 + i }))
        .collect();
    let (s, answer) = post_batch(&app, &key, json!({ "events": events })).await;
    assert_eq!(s, 200, "{answer}");

    let first = page(0).await;
    let consumed = before.balance - first.balance;
    assert!(consumed > 0);
    assert_eq!((first.history.len(), first.has_more), (25, true));
    assert!(first.history.iter().all(|h| h.kind == "consumption"));
    assert_eq!(first.history[0].detail, "day-29", "newest first");
    let second = page(1).await;
    assert_eq!(second.page, 1);
    assert_eq!(second.history[4].detail, "day-0");
    assert_eq!(
        all_lines().await,
        lines_before + 30,
        "each event once, on one page"
    );

    assert_eq!(first.daily_usage.len(), 30);
    let (today, used) = *first.daily_usage.last().unwrap();
    assert_eq!(before.daily_usage.last().unwrap().0, today);
    assert_eq!(used - before.daily_usage.last().unwrap().1, consumed);
    assert!((today - app.now().date_naive()).num_days().abs() <= 1);
    assert!(first
        .daily_usage
        .windows(2)
        .all(|w| w[1].0 == w[0].0.succ_opt().unwrap()));
}
