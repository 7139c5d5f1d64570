//! Trials and auto-renew (R-SUB-8, R-SUB-9).

use crate::support::{both_databases, spawn_app, Backend, TestApp};
use billing_portal::api::billing::{Banner, Overview};
use billing_portal::api::subscription::{CancellationView, Done};
use billing_portal::error::AppError;

both_databases!(a_trial_runs_once_per_plan_and_is_never_charged);
async fn a_trial_runs_once_per_plan_and_is_never_charged(app: TestApp) {
    let sara = app.login("sara@smaforetaget.example").await;
    let professional: i64 = sqlx::query_scalar("SELECT id FROM plans WHERE code = 'professional'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let documents: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM documents")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let key = "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1";
    let start = [
        ("plan_id", professional.to_string()),
        ("idempotency_key", key.to_string()),
    ];
    let start: Vec<(&str, &str)> = start.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let done: Done = app.call(&sara, "start_trial", &start).await.unwrap();
    assert_eq!(done.action, "trial.start");
    let again: Done = app.call(&sara, "start_trial", &start).await.unwrap();
    assert_eq!(again, done, "a repeated request is answered, not repeated");
    let o: Overview = app.billing_overview(&sara).await.unwrap();
    assert!(o
        .banners
        .iter()
        .any(|b| matches!(b, Banner::Trial { plan, days_left: 14, .. } if plan == "Professional")));
    // The plan in use is the one tried; billing stays on the paid plan.
    assert_eq!(o.plan_name, "Professional");
    assert_eq!(o.paid_plan.as_deref(), Some("Starter"));
    assert_eq!(o.price.minor(), 19_800, "Starter's price, 2 seats × 99 kr");

    app.call::<Done>(
        &sara,
        "end_trial",
        &[("idempotency_key", "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2")],
    )
    .await
    .unwrap();
    let o: Overview = app.billing_overview(&sara).await.unwrap();
    assert!(!o.banners.iter().any(|b| matches!(b, Banner::Trial { .. })));
    let second = [
        ("plan_id", professional.to_string()),
        (
            "idempotency_key",
            "c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3".to_string(),
        ),
    ];
    let second: Vec<(&str, &str)> = second.iter().map(|(k, v)| (*k, v.as_str())).collect();
    match app.call::<Done>(&sara, "start_trial", &second).await {
        Err(AppError::Conflict(m)) => assert!(m.to_string().contains("already tried"), "{m}"),
        other => panic!("a second trial of the same plan is refused, got {other:?}"),
    }
    let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM documents")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(after, documents, "a trial issues no invoice");
}

both_databases!(due_trials_end_once);
async fn due_trials_end_once(app: TestApp) {
    let now = app.now();
    assert_eq!(
        billing_portal::services::subscription::end_due_trials(&app.db, now)
            .await
            .unwrap(),
        0,
        "Tove's trial has 10 days left"
    );
    let later = now + chrono::Duration::days(11);
    assert_eq!(
        billing_portal::services::subscription::end_due_trials(&app.db, later)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        billing_portal::services::subscription::end_due_trials(&app.db, later)
            .await
            .unwrap(),
        0,
        "running it again changes nothing"
    );
    let tove = app.login("tove@provperioden.example").await;
    let o: Overview = app.billing_overview(&tove).await.unwrap();
    assert_eq!(o.plan_name, "Starter");
    assert!(!o.banners.iter().any(|b| matches!(b, Banner::Trial { .. })));
}

both_databases!(cancel_and_resume_auto_renew);
async fn cancel_and_resume_auto_renew(app: TestApp) {
    let ola = app.login("ola@nordlys.example").await;
    let q: CancellationView = app.cancellation(&ola).await.unwrap();
    assert!(q.auto_renew);
    let o: Overview = app.billing_overview(&ola).await.unwrap();
    assert_eq!(
        Some(q.service_ends),
        o.next_billing_date,
        "an annual term ends with its period"
    );
    app.call::<Done>(
        &ola,
        "auto_renew",
        &[("on", "false"), ("idempotency_key", &q.action_key)],
    )
    .await
    .unwrap();
    let o: Overview = app.billing_overview(&ola).await.unwrap();
    assert!(!o.auto_renew);
    assert_eq!(o.next_amount, None, "nothing is billed after the term");
    app.call::<Done>(
        &ola,
        "auto_renew",
        &[("on", "true"), ("idempotency_key", &o.action_key)],
    )
    .await
    .unwrap();
    let o: Overview = app.billing_overview(&ola).await.unwrap();
    assert!(o.auto_renew);
    let kari = app.login("kari@nordlys.example").await;
    assert!(matches!(
        app.call::<Done>(
            &kari,
            "auto_renew",
            &[("on", "false"), ("idempotency_key", &o.action_key)]
        )
        .await,
        Err(AppError::Forbidden { .. })
    ));
}

// The subscriptions page (R-UI-2): the plan with its dates, the packs held,
// and a history written on the request's day by every path that changes the
// subscription: an upgrade, auto-renew off and on, a trial.
both_databases!(subscriptions_page_shows_the_plan_packs_and_history, backend);
async fn subscriptions_page_shows_the_plan_packs_and_history(backend: Backend) {
    use billing_portal::api::subscription::SubscriptionsView;
    use billing_portal::domain::subscription::HistoryEvent as E;
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let anna = app.login("anna@acme.example").await;
    let s: SubscriptionsView = app.subscriptions(&anna).await.unwrap();
    assert_eq!(s.plan, "Professional");
    assert!(s.renews.is_some());
    assert!(
        matches!(s.history.last(), Some((_, None, E::Started { plan, .. })) if plan == "Professional"),
        "{:?}",
        s.history
    );
    assert_eq!(s.started, s.history.last().unwrap().0);
    let business = crate::plan_changes::plan_id(&app, "business").await;
    let p = crate::plan_changes::preview(&app, &anna, business, "monthly", 6)
        .await
        .unwrap();
    crate::plan_changes::confirm(&app, &anna, &p).await.unwrap();
    let s: SubscriptionsView = app.subscriptions(&anna).await.unwrap();
    let today = app.now().date_naive();
    assert_eq!(
        s.history[0],
        (
            p.effective,
            None,
            E::PlanChanged {
                from: "Professional".into(),
                to: "Business".into(),
                seats: 6,
                upgrade: true
            }
        )
    );
    assert!(
        (s.history[0].0 - today).num_days().abs() <= 1,
        "the request's day"
    );

    // Auto-renew off and on again: two entries, newest first.
    let ola = app.login("ola@nordlys.example").await;
    let q: CancellationView = app.cancellation(&ola).await.unwrap();
    for (on, key) in [
        ("false", q.action_key.clone()),
        ("true", format!("{}-again", q.action_key)),
    ] {
        app.call::<Done>(&ola, "auto_renew", &[("on", on), ("idempotency_key", &key)])
            .await
            .unwrap();
    }
    let s: SubscriptionsView = app.subscriptions(&ola).await.unwrap();
    assert_eq!(s.history[0].2, E::AutoRenew { on: true });
    assert_eq!(s.history[1].2, E::AutoRenew { on: false });
    // Another organisation's history is never read: each sees its own.
    assert!(!s
        .history
        .iter()
        .any(|(_, _, e)| matches!(e, E::PlanChanged { .. })));
    // The billing clock's renewal at the start (Småföretaget's period was
    // due) is in the history too, on the new period's first day.
    let sara = app.login("sara@smaforetaget.example").await;
    let s: SubscriptionsView = app.subscriptions(&sara).await.unwrap();
    assert!(
        s.history
            .iter()
            .any(|(day, _, e)| matches!(e, E::Renewed { start, .. } if start == day && *start == s.period_start)),
        "{:?}",
        s.history
    );
    // Members without billing access are refused.
    let cecilia = app.login("cecilia@acme.example").await;
    assert!(matches!(
        app.subscriptions(&cecilia).await,
        Err(AppError::Forbidden { .. })
    ));
}

// A trialing organisation's plan card shows the plan it tries, with that
// plan's features, and the plan it pays for afterwards (#14).
both_databases!(a_trial_shows_the_plan_tried_and_the_plan_paid);
async fn a_trial_shows_the_plan_tried_and_the_plan_paid(app: TestApp) {
    let tove = app.login("tove@provperioden.example").await;
    let o: Overview = app.billing_overview(&tove).await.unwrap();
    let Some(Banner::Trial { plan, .. }) =
        o.banners.iter().find(|b| matches!(b, Banner::Trial { .. }))
    else {
        panic!("Provperioden is trialing: {:?}", o.banners);
    };
    assert_eq!(&o.plan_name, plan, "the card names the plan tried");
    assert_eq!(o.paid_plan.as_deref(), Some("Starter"));
    assert!(
        o.features
            .iter()
            .any(|f| f.contains("Professional") || f.contains("Starter")),
        "the tried plan's features: {:?}",
        o.features
    );
}
