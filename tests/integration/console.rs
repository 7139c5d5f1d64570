//! The operators' console (R-OPS-1/2): its own accounts and session, the
//! permission table (customers and anonymous refused, support reads only),
//! and each action with its audit row.

use crate::clock::org_id;
use crate::plan_changes::{confirm, plan_id, preview};
use crate::support::{both_databases, spawn_app, Backend, Client, TestApp};
use billing_portal::api::billing::Overview;
use billing_portal::api::ops::{
    AuditPage, CatalogView, OrgRow, PaymentsView, PricePublished, VoidPreview,
};
use billing_portal::error::AppError;

const OPERATOR: &str = "olof@vendor.example";
const SUPPORT: &str = "siv@vendor.example";

async fn ops_login(app: &TestApp, email: &str, password: &str) -> Result<Client, AppError> {
    let client = app.anonymous();
    app.call::<()>(
        &client,
        "ops_login",
        &[("email", email), ("password", password)],
    )
    .await?;
    Ok(client)
}

async fn operator(app: &TestApp, email: &str) -> Client {
    ops_login(app, email, billing_portal::seed::DEMO_PASSWORD)
        .await
        .unwrap_or_else(|e| panic!("operator login {email}: {e}"))
}

/// The number of audit rows of `action` by `actor`.
async fn audited(app: &TestApp, actor: &str, action: &str) -> i64 {
    app.scalar(&format!(
        "SELECT COUNT(*) FROM audit_log WHERE actor = '{actor}' AND action = '{action}'"
    ))
    .await
}

async fn operator_id(app: &TestApp, email: &str) -> i64 {
    app.scalar(&format!("SELECT id FROM operators WHERE email = '{email}'"))
        .await
}

type Args = Vec<(&'static str, String)>;

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

async fn call_json(
    app: &TestApp,
    c: &Client,
    endpoint: &str,
    args: &[(&'static str, String)],
) -> Result<serde_json::Value, AppError> {
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.call::<serde_json::Value>(c, endpoint, &args).await
}

async fn customers_and_anonymous_never_reach_the_console(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
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

async fn a_session_is_a_customers_or_an_operators_never_both(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let op = operator(&app, OPERATOR).await;
    // An operator's session is not a customer's.
    assert_eq!(
        app.call::<Overview>(&op, "billing_overview", &[])
            .await
            .err(),
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
    assert!(app
        .call::<Overview>(&op, "billing_overview", &[])
        .await
        .is_ok());
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
        app.call::<Overview>(&op, "billing_overview", &[])
            .await
            .err(),
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

async fn the_first_operator_changes_the_one_time_password_first(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
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
            &[("password", "short"), ("repeat", "short")]
        )
        .await,
        Err(AppError::Invalid { .. })
    ));
    let mine = "a long password of my own";
    app.call::<()>(&op, "ops_password", &[("password", mine), ("repeat", mine)])
        .await
        .unwrap();
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

fn price_args(plan: &str, per_seat: &str) -> Vec<(&'static str, String)> {
    vec![
        ("plan_id", plan.to_string()),
        ("currency", "SEK".into()),
        ("interval", "monthly".into()),
        ("flat", "490".into()),
        ("per_seat", per_seat.to_string()),
        ("min_seats", "2".into()),
    ]
}

async fn a_new_price_is_a_new_version_and_acme_keeps_its_own(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let professional = plan_id(&app, "professional").await.to_string();
    let op = operator(&app, OPERATOR).await;
    let anna = app.login("anna@acme.example").await;
    let before = app
        .call::<Overview>(&anna, "billing_overview", &[])
        .await
        .unwrap();
    assert_eq!(before.legacy_discount.map(|m| m.minor()), Some(30_000));

    let mut args = price_args(&professional, "349");
    let args_of = |a: &Vec<(&'static str, String)>| {
        a.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>()
    };
    let shown: PricePublished = serde_json::from_value(
        call_json(&app, &op, "ops_publish_price", &args_of(&args))
            .await
            .unwrap(),
    )
    .unwrap();
    assert!(!shown.published, "a preview publishes nothing");
    assert_eq!(shown.version, 3);
    assert_eq!(shown.replaces.map(|(v, ..)| v), Some(2));
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM prices WHERE version = 3")
            .await,
        0
    );

    args.push(("confirm", "yes".into()));
    let done: PricePublished = serde_json::from_value(
        call_json(&app, &op, "ops_publish_price", &args_of(&args))
            .await
            .unwrap(),
    )
    .unwrap();
    assert!(done.published);
    assert_eq!(done.version, 3);
    // Publishing the same price again adds no version.
    let again: PricePublished = serde_json::from_value(
        call_json(&app, &op, "ops_publish_price", &args_of(&args))
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(again.version, 3);
    assert_eq!(
        app.scalar(&format!("SELECT COUNT(*) FROM prices WHERE plan_id = {professional} AND currency = 'SEK' AND billing_interval = 'monthly'")).await,
        3
    );
    assert_eq!(
        app.scalar(&format!("SELECT version FROM prices WHERE plan_id = {professional} AND currency = 'SEK' AND billing_interval = 'monthly' AND is_current = 1")).await,
        3
    );

    // Acme keeps version 1 (490 kr + 6 × 249 kr); the list price is now
    // 490 kr + 6 × 349 kr, so the legacy discount is 6 × 100 kr.
    let after = app
        .call::<Overview>(&anna, "billing_overview", &[])
        .await
        .unwrap();
    assert_eq!(after.price.minor(), 198_400);
    assert_eq!(after.legacy_discount.map(|m| m.minor()), Some(60_000));
    let op_id = operator_id(&app, OPERATOR).await;
    assert_eq!(
        audited(
            &app,
            &format!("operator:{op_id}"),
            "catalog.price_published"
        )
        .await,
        1
    );

    // The catalog lists all three versions with who keeps them.
    let catalog = app
        .call::<CatalogView>(&op, "ops_catalog", &[])
        .await
        .unwrap();
    let pro = catalog
        .plans
        .iter()
        .find(|p| p.name == "Professional")
        .unwrap();
    let sek_monthly: Vec<_> = pro
        .prices
        .iter()
        .filter(|r| r.price.currency.code() == "SEK" && r.price.interval.code() == "monthly")
        .collect();
    assert_eq!(sek_monthly.len(), 3);
    assert!(sek_monthly
        .iter()
        .any(|r| r.price.version == 1 && !r.current && r.subscriptions >= 1));
    assert!(sek_monthly
        .iter()
        .any(|r| r.price.version == 3 && r.current));

    // Nonsense is refused with what to fix.
    let mut bad = price_args(&professional, "-5");
    bad.push(("confirm", "yes".into()));
    assert!(matches!(
        call_json(&app, &op, "ops_publish_price", &bad).await,
        Err(AppError::Invalid { .. })
    ));
}
both_databases!(a_new_price_is_a_new_version_and_acme_keeps_its_own);

/// Acme, paying by bank transfer, upgrades to Business: its id, Anna's
/// client, the invoice's number and what it owes.
async fn acme_owes_an_upgrade(
    app: &TestApp,
) -> (i64, Client, String, billing_portal::domain::money::Money) {
    let acme = org_id(app, "Acme AB").await;
    app.pays_by_invoice(acme).await;
    let anna = app.login("anna@acme.example").await;
    let business = plan_id(app, "business").await;
    let p = preview(app, &anna, business, "monthly", 6).await.unwrap();
    let invoice = confirm(app, &anna, &p)
        .await
        .unwrap()
        .invoice
        .expect("an upgrade invoice");
    (acme, anna, invoice, p.due_now)
}

async fn an_operator_voids_an_invoice_with_a_credit_note(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let (acme, anna, invoice, _) = acme_owes_an_upgrade(&app).await;
    let op = operator(&app, OPERATOR).await;
    let acme_s = acme.to_string();
    let args = |confirm: bool| {
        let mut a = vec![
            ("org_id", acme_s.clone()),
            ("number", invoice.clone()),
            ("reason", "Sold by mistake".to_string()),
            ("idempotency_key", "void-key-0123456789".to_string()),
        ];
        if confirm {
            a.push(("confirm", "yes".to_string()));
        }
        a
    };
    let shown: VoidPreview = serde_json::from_value(
        call_json(&app, &op, "ops_void", &args(false))
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(shown.credit_note, None);
    assert!(shown.amount_due.is_positive());
    assert_eq!(
        shown.to_balance.minor(),
        shown.total.minor() - shown.amount_due.minor()
    );
    let notes_before = app
        .scalar("SELECT COUNT(*) FROM documents WHERE kind = 'credit_note'")
        .await;

    let done: VoidPreview =
        serde_json::from_value(call_json(&app, &op, "ops_void", &args(true)).await.unwrap())
            .unwrap();
    let note = done.credit_note.clone().expect("a credit note");
    // A repeat (double click) answers the same and issues nothing more.
    let again: VoidPreview =
        serde_json::from_value(call_json(&app, &op, "ops_void", &args(true)).await.unwrap())
            .unwrap();
    assert_eq!(again, done);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM documents WHERE kind = 'credit_note'")
            .await,
        notes_before + 1
    );

    // The customer sees the invoice void and the credit note correcting it.
    let inv: billing_portal::api::documents::DocumentView = app
        .call(&anna, "document", &[("number", &invoice)])
        .await
        .unwrap();
    assert_eq!(inv.summary.status.code(), "void");
    assert_eq!(inv.summary.amount_due.minor(), 0);
    assert_eq!(inv.summary.credited_by, vec![note.clone()]);
    let cn: billing_portal::api::documents::DocumentView = app
        .call(&anna, "document", &[("number", &note)])
        .await
        .unwrap();
    assert_eq!(cn.summary.corrects.as_deref(), Some(invoice.as_str()));
    assert_eq!(cn.summary.total, shown.total);

    // Voided once: a second void (another key) is refused with the reason.
    let mut other = args(true);
    other[3].1 = "void-key-another-one".into();
    assert!(matches!(
        call_json(&app, &op, "ops_void", &other).await,
        Err(AppError::Invalid { .. })
    ));
    let op_id = operator_id(&app, OPERATOR).await;
    assert_eq!(
        audited(&app, &format!("operator:{op_id}"), "invoice.void").await,
        1
    );
    // Another organisation's invoice is not found through Acme.
    let small = org_id(&app, "Småföretaget AB").await.to_string();
    let mut wrong_org = args(true);
    wrong_org[0].1 = small;
    wrong_org[3].1 = "void-key-wrong-org-1".into();
    assert!(matches!(
        call_json(&app, &op, "ops_void", &wrong_org).await,
        Err(AppError::Invalid { .. })
    ));
}
both_databases!(an_operator_voids_an_invoice_with_a_credit_note);

async fn an_operator_records_a_bank_payment_and_matches_it_by_hand(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let (_, anna, invoice, due) = acme_owes_an_upgrade(&app).await;
    let op = operator(&app, OPERATOR).await;
    let amount = due.to_decimal_major().to_string();
    let record = |key: &str| {
        vec![
            ("date", "2026-11-20".to_string()),
            ("amount", amount.clone()),
            ("currency", "SEK".to_string()),
            ("reference", "payment for the upgrade".to_string()),
            ("idempotency_key", key.to_string()),
        ]
    };
    let said: String = serde_json::from_value(
        call_json(
            &app,
            &op,
            "ops_record_payment",
            &record("bank-record-key-0001"),
        )
        .await
        .unwrap(),
    )
    .unwrap();
    assert!(said.starts_with("Kept for matching by hand"), "{said}");
    // The same recording again adds nothing.
    call_json(
        &app,
        &op,
        "ops_record_payment",
        &record("bank-record-key-0001"),
    )
    .await
    .unwrap();
    let waiting = app
        .call::<PaymentsView>(&op, "ops_payments", &[])
        .await
        .unwrap()
        .waiting;
    assert_eq!(waiting.len(), 1, "{waiting:?}");
    app.call::<()>(
        &op,
        "ops_match_payment",
        &[
            ("payment_id", &waiting[0].id.to_string()),
            ("invoice", &invoice),
        ],
    )
    .await
    .unwrap();
    assert!(app
        .call::<PaymentsView>(&op, "ops_payments", &[])
        .await
        .unwrap()
        .waiting
        .is_empty());
    let inv: billing_portal::api::documents::DocumentView = app
        .call(&anna, "document", &[("number", &invoice)])
        .await
        .unwrap();
    assert_eq!(inv.summary.status.code(), "paid");
    let op_id = operator_id(&app, OPERATOR).await;
    assert_eq!(
        audited(&app, &format!("operator:{op_id}"), "payment.bank").await,
        1
    );
}
both_databases!(an_operator_records_a_bank_payment_and_matches_it_by_hand);

async fn the_audit_log_filters_by_organisation_actor_action_and_pages(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let acme = org_id(&app, "Acme AB").await;
    let op = operator(&app, OPERATOR).await;
    // Flags set 60 times: more than a page.
    for i in 0..60 {
        app.call::<()>(
            &op,
            "ops_org_flags",
            &[
                ("org_id", &acme.to_string()),
                ("partner", &format!("Partner {i}")),
            ],
        )
        .await
        .unwrap();
    }
    let op_id = operator_id(&app, OPERATOR).await;
    let actor = format!("operator:{op_id}");
    let page1 = app
        .call::<AuditPage>(
            &op,
            "ops_audit",
            &[("actor", "operator:"), ("action", "org.")],
        )
        .await
        .unwrap();
    assert_eq!(page1.entries.len(), 50);
    assert!(page1
        .entries
        .iter()
        .all(|e| e.actor == actor && e.action == "org.flags"));
    assert!(
        page1.entries.windows(2).all(|w| w[0].id > w[1].id),
        "newest first"
    );
    let older = page1.older.expect("a second page").to_string();
    let page2 = app
        .call::<AuditPage>(
            &op,
            "ops_audit",
            &[("actor", "operator:"), ("before", &older)],
        )
        .await
        .unwrap();
    assert_eq!(page2.entries.len(), 10);
    assert_eq!(page2.older, None);
    assert!(
        page2.entries[0].after.contains("Partner 9"),
        "{:?}",
        page2.entries[0]
    );
    // By organisation: another organisation has none of these.
    let small = org_id(&app, "Småföretaget AB").await.to_string();
    let none = app
        .call::<AuditPage>(
            &op,
            "ops_audit",
            &[("org_id", &small), ("action", "org.flags")],
        )
        .await
        .unwrap();
    assert!(none.entries.is_empty());
    // `_` in a filter is a character, not a wildcard.
    let literal = app
        .call::<AuditPage>(&op, "ops_audit", &[("action", "org_flags")])
        .await
        .unwrap();
    assert!(literal.entries.is_empty());
    // The partner flag reaches the customer's page.
    let anna = app.login("anna@acme.example").await;
    let o = app
        .call::<Overview>(&anna, "billing_overview", &[])
        .await
        .unwrap();
    assert!(o.banners.iter().any(|b| matches!(b, billing_portal::api::billing::Banner::PartnerManaged { partner, .. } if partner == "Partner 59")));
    // Dates: nothing is logged in the far future.
    let future = app
        .call::<AuditPage>(&op, "ops_audit", &[("from", "2999-01-01")])
        .await
        .unwrap();
    assert!(future.entries.is_empty());
    let found = app
        .call::<Vec<OrgRow>>(&op, "ops_orgs", &[("q", "acme")])
        .await
        .unwrap();
    assert!(found
        .iter()
        .any(|o| o.id == acme && o.partner.as_deref() == Some("Partner 59")));
}
both_databases!(the_audit_log_filters_by_organisation_actor_action_and_pages);

async fn the_test_clock_shows_what_would_be_billed_and_writes_nothing(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let acme = org_id(&app, "Acme AB").await.to_string();
    let support = operator(&app, SUPPORT).await;
    let today = app.now().date_naive();
    let preview = |days: i64| {
        let day = (today + chrono::Duration::days(days)).to_string();
        let (app, support, acme) = (&app, &support, &acme);
        async move {
            app.call::<Vec<billing_portal::api::ops::WouldIssue>>(
                support,
                "ops_clock_preview",
                &[("org_id", acme), ("date", &day)],
            )
            .await
        }
    };
    let documents = app.scalar("SELECT COUNT(*) FROM documents").await;
    // Acme renews monthly: within 40 days at least one renewal invoice.
    let shown = preview(40).await.unwrap();
    assert!(!shown.is_empty());
    assert!(shown
        .iter()
        .all(|d| d.total.is_positive() && !d.lines.is_empty()));
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM documents").await,
        documents,
        "nothing written"
    );
    // Yesterday and beyond five years are refused with what to choose.
    for days in [-1, 6 * 366] {
        assert!(
            matches!(preview(days).await, Err(AppError::Invalid { .. })),
            "{days}"
        );
    }
    let missing = app
        .call::<Vec<billing_portal::api::ops::WouldIssue>>(
            &support,
            "ops_clock_preview",
            &[("org_id", "999999"), ("date", &today.to_string())],
        )
        .await;
    assert_eq!(missing.err(), Some(AppError::NotFound));
}
both_databases!(the_test_clock_shows_what_would_be_billed_and_writes_nothing);
