//! Who reaches the console: customers and anonymous never, support reads
//! only, a session is a customer's or an operator's, and the first operator
//! chooses a password first.

use super::*;

/// Every console server function with arguments it accepts, and whether
/// it changes anything.
fn ops_calls(org: &str, day: &str) -> Vec<(&'static str, Args, bool)> {
    let s = |v: &str| v.to_string();
    vec![
        ("ops_catalog", vec![], false),
        ("ops_orgs", vec![("q", s("acme"))], false),
        ("ops_org", vec![("id", s(org))], false),
        ("ops_payments", vec![], false),
        ("ops_audit", vec![], false),
        ("ops_outbox", vec![], false),
        ("ops_customer_view", vec![("org_id", s(org))], false),
        (
            "ops_clock_preview",
            vec![("org_id", s(org)), ("date", s(day))],
            false,
        ),
        (
            "ops_publish_price",
            vec![
                ("plan_id", s("1")),
                ("currency", s("SEK")),
                ("interval", s("monthly")),
                ("flat", s("0")),
                ("per_seat", s("0")),
                ("min_seats", s("0")),
            ],
            true,
        ),
        ("ops_org_flags", vec![("org_id", s(org))], true),
        (
            "ops_plan_edit",
            vec![
                ("edit[plan_id]", s("1")),
                ("edit[name]", s("Free")),
                ("edit[features]", s("")),
                ("edit[limits]", s("")),
                ("edit[monthly_credits]", s("0")),
                ("edit[trial_days]", s("")),
            ],
            true,
        ),
        (
            "ops_pack_add",
            vec![
                ("name", s("Permission pack")),
                ("credits", s("10")),
                ("price", s("1")),
                ("currency", s("SEK")),
                ("validity_months", s("1")),
            ],
            true,
        ),
        ("ops_pack_retire", vec![("id", s("999999"))], true),
        (
            "ops_member_active",
            vec![
                ("org_id", s(org)),
                ("membership_id", s("999999")),
                ("active", s("false")),
            ],
            true,
        ),
        (
            "ops_team_add",
            vec![("org_id", s(org)), ("name", s("Permission team"))],
            true,
        ),
        (
            "ops_member_team",
            vec![("org_id", s(org)), ("membership_id", s("999999"))],
            true,
        ),
        (
            "ops_void",
            vec![
                ("org_id", s(org)),
                ("number", s("2099-000001")),
                ("reason", s("wrong")),
                ("idempotency_key", s("permission-test-key-1")),
            ],
            true,
        ),
        (
            "ops_goodwill_note",
            vec![
                ("org_id", s(org)),
                ("number", s("2099-000001")),
                ("amount", s("10")),
                ("reason", s("sorry")),
                ("idempotency_key", s("permission-test-key-3")),
            ],
            true,
        ),
        (
            "ops_goodwill_credits",
            vec![
                ("org_id", s(org)),
                ("credits", s("10")),
                ("last_day", s(day)),
                ("reason", s("sorry")),
                ("idempotency_key", s("permission-test-key-4")),
            ],
            true,
        ),
        (
            "ops_contract",
            vec![
                ("org_id", s(org)),
                ("form[years]", s("1")),
                ("form[annual_price]", s("100000")),
                ("form[discount]", s("0")),
                ("form[seat_tier]", s("250")),
                ("form[schedule]", s("annual")),
                ("form[custom]", s("")),
                ("idempotency_key", s("permission-test-key-5")),
            ],
            true,
        ),
        (
            "ops_record_payment",
            vec![
                ("date", s("2026-01-01")),
                ("amount", s("1")),
                ("currency", s("SEK")),
                ("reference", s("x")),
                ("idempotency_key", s("permission-test-key-2")),
            ],
            true,
        ),
        (
            "ops_match_payment",
            vec![("payment_id", s("999999")), ("invoice", s("x"))],
            true,
        ),
        ("ops_clock_run", vec![], true),
    ]
}

async fn customers_and_anonymous_never_reach_the_console(app: TestApp) {
    let acme = org_id(&app, "Acme AB").await.to_string();
    let anna = app.login("anna@acme.example").await;
    let anonymous = app.anonymous();
    let support = operator(&app, SUPPORT).await;
    let op = operator(&app, OPERATOR).await;
    // A month from the server's (pinned) today: the test clock looks ahead.
    let day = (app.now().date_naive() + chrono::Days::new(30)).to_string();
    for (endpoint, args, changes) in ops_calls(&acme, &day) {
        for (who, client) in [("anonymous", &anonymous), ("a billing owner", &anna)] {
            assert_eq!(
                call_json(&app, client, endpoint, &args).await.err(),
                Some(AppError::Unauthenticated),
                "{endpoint} refuses {who}"
            );
        }
        let by_support = call_json(&app, &support, endpoint, &args).await;
        if changes {
            assert!(
                matches!(by_support, Err(AppError::Forbidden { .. })),
                "support may not {endpoint}: {by_support:?}"
            );
        } else {
            assert!(by_support.is_ok(), "support may {endpoint}: {by_support:?}");
        }
        // An operator passes the permission check (the action itself may
        // still refuse these made-up arguments).
        let by_operator = call_json(&app, &op, endpoint, &args).await;
        assert!(
            !matches!(
                by_operator,
                Err(AppError::Unauthenticated | AppError::Forbidden { .. })
            ),
            "an operator may {endpoint}: {by_operator:?}"
        );
    }
    // Support's refusals changed nothing.
    assert_eq!(
        audited(
            &app,
            &format!("operator:{}", operator_id(&app, SUPPORT).await),
            "org.flags"
        )
        .await,
        0
    );
}
both_databases!(customers_and_anonymous_never_reach_the_console);

async fn a_session_is_a_customers_or_an_operators_never_both(app: TestApp) {
    let op = operator(&app, OPERATOR).await;
    // An operator's session is not a customer's.
    assert_eq!(
        app.billing_overview(&op).await.err(),
        Some(AppError::Unauthenticated)
    );
    // The same browser logs in as a customer: the operator is gone from it.
    app.call::<()>(
        &op,
        "login",
        &[
            ("email", "anna@acme.example"),
            ("password", billing_portal::seed::DEMO_PASSWORD),
        ],
    )
    .await
    .unwrap();
    assert!(app.billing_overview(&op).await.is_ok());
    assert_eq!(
        app.call::<CatalogView>(&op, "ops_catalog", &[]).await.err(),
        Some(AppError::Unauthenticated)
    );
    // And back: the customer is gone.
    app.call::<()>(
        &op,
        "ops_login",
        &[
            ("email", OPERATOR),
            ("password", billing_portal::seed::DEMO_PASSWORD),
        ],
    )
    .await
    .unwrap();
    assert!(app
        .call::<CatalogView>(&op, "ops_catalog", &[])
        .await
        .is_ok());
    assert_eq!(
        app.billing_overview(&op).await.err(),
        Some(AppError::Unauthenticated)
    );
    // A customer's password is not an operator's, nor the other way round.
    assert_eq!(
        ops_login(
            &app,
            "anna@acme.example",
            billing_portal::seed::DEMO_PASSWORD
        )
        .await
        .err(),
        Some(AppError::LoginFailed)
    );
}
both_databases!(a_session_is_a_customers_or_an_operators_never_both);

async fn the_first_operator_changes_the_one_time_password_first(app: TestApp) {
    let password = billing_portal::services::auth::create_operator(
        &app.db,
        " New.Op@Vendor.example ",
        billing_portal::domain::party::OperatorRole::Operator,
    )
    .await
    .unwrap();
    assert!(
        password.len() >= 16,
        "a one-time password long enough: {password}"
    );
    let hash: String = sqlx::query_scalar(
        "SELECT password_hash FROM operators WHERE email = 'new.op@vendor.example'",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert!(hash.starts_with("$argon2id$"), "stored as an argon2id hash");
    assert!(!hash.contains(&password));
    let op = ops_login(&app, "new.op@vendor.example", &password)
        .await
        .unwrap();
    assert!(matches!(
        app.call::<CatalogView>(&op, "ops_catalog", &[]).await,
        Err(AppError::Forbidden { .. })
    ));
    assert!(matches!(
        app.call::<()>(
            &op,
            "ops_password",
            &[
                ("current", &password),
                ("password", "short"),
                ("repeat", "short")
            ]
        )
        .await,
        Err(AppError::Invalid { .. })
    ));
    let mine = "a long password of my own";
    // Another session of the same operator, and a wrong current password.
    let elsewhere = ops_login(&app, "new.op@vendor.example", &password)
        .await
        .unwrap();
    assert!(matches!(
        app.call::<()>(
            &op,
            "ops_password",
            &[("current", "not it"), ("password", mine), ("repeat", mine)]
        )
        .await,
        Err(AppError::Invalid { ref field, .. }) if field == "current"
    ));
    app.call::<()>(
        &op,
        "ops_password",
        &[("current", &password), ("password", mine), ("repeat", mine)],
    )
    .await
    .unwrap();
    assert_eq!(
        app.call::<Option<billing_portal::views::ops::OperatorInfo>>(
            &elsewhere,
            "ops_session",
            &[]
        )
        .await
        .unwrap(),
        None,
        "the other session ended"
    );
    assert!(app
        .call::<CatalogView>(&op, "ops_catalog", &[])
        .await
        .is_ok());
    // The one-time password is spent.
    assert_eq!(
        ops_login(&app, "new.op@vendor.example", &password)
            .await
            .err(),
        Some(AppError::LoginFailed)
    );
    assert!(ops_login(&app, "new.op@vendor.example", mine).await.is_ok());
}
both_databases!(the_first_operator_changes_the_one_time_password_first);
