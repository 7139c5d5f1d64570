//! The operators' console (R-OPS-1/2): its own accounts and session, the
//! permission table (customers and anonymous refused, support reads only),
//! and each action with its audit row.

use crate::clock::org_id;
use crate::plan_changes::{confirm, plan_id, preview};
use crate::support::{both_databases, spawn_app, Backend, Client, TestApp};
use billing_portal::api::billing::Overview;
use billing_portal::api::ops::{
    AuditPage, CatalogView, ContractPreview, GoodwillCredits, GoodwillNote, OrgRow, OrgView,
    OutboxPage, PaymentsView, PricePublished, VoidPreview,
};
use billing_portal::error::AppError;
use billing_portal::services::clock::advance;

pub(crate) const OPERATOR: &str = "olof@vendor.example";
pub(crate) const SUPPORT: &str = "siv@vendor.example";

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

pub(crate) async fn operator(app: &TestApp, email: &str) -> Client {
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

async fn goodwill_note(
    app: &TestApp,
    op: &Client,
    org: i64,
    invoice: &str,
    amount: &str,
    key: &str,
    confirm: bool,
) -> Result<GoodwillNote, AppError> {
    let mut args = vec![
        ("org_id", org.to_string()),
        ("number", invoice.to_string()),
        ("amount", amount.to_string()),
        ("reason", "The export was down two days".to_string()),
        ("idempotency_key", key.to_string()),
    ];
    if confirm {
        args.push(("confirm", "yes".to_string()));
    }
    call_json(app, op, "ops_goodwill_note", &args)
        .await
        .map(|v| serde_json::from_value(v).unwrap())
}

async fn a_goodwill_credit_note_settles_what_is_owed_and_never_credits_more_than_the_invoice(
    backend: Backend,
) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let (acme, anna, invoice, _) = acme_owes_an_upgrade(&app).await;
    let op = operator(&app, OPERATOR).await;
    let first: billing_portal::api::documents::DocumentView = app
        .call(&anna, "document", &[("number", &invoice)])
        .await
        .unwrap();
    let (total, due) = (
        first.summary.total.minor(),
        first.summary.amount_due.minor(),
    );
    assert!(due >= 12_500, "the upgrade owes {due}");
    let notes = || app.scalar("SELECT COUNT(*) FROM documents WHERE kind = 'credit_note'");
    let notes_before = notes().await;

    // 100,00 before VAT at Acme's 25 %: 125,00, all of it settles the invoice.
    let shown = goodwill_note(
        &app,
        &op,
        acme,
        &invoice,
        "100",
        "goodwill-key-0123456",
        false,
    )
    .await
    .unwrap();
    assert_eq!(
        (shown.net.minor(), shown.vat.minor(), shown.total.minor()),
        (10_000, 2_500, 12_500)
    );
    assert_eq!(
        (shown.settles.minor(), shown.to_balance.minor()),
        (12_500, 0)
    );
    assert_eq!(shown.creditable_after.minor(), total - 12_500);
    assert_eq!(notes().await, notes_before, "a preview issues nothing");

    let done = goodwill_note(
        &app,
        &op,
        acme,
        &invoice,
        "100",
        "goodwill-key-0123456",
        true,
    )
    .await
    .unwrap();
    let number = done.credit_note.clone().expect("a credit note");
    // A double click answers the same and issues one.
    let again = goodwill_note(
        &app,
        &op,
        acme,
        &invoice,
        "100",
        "goodwill-key-0123456",
        true,
    )
    .await
    .unwrap();
    assert_eq!(again, done);
    assert_eq!(notes().await, notes_before + 1);

    // The customer owes 125,00 less and reads the reason on the credit note.
    let inv: billing_portal::api::documents::DocumentView = app
        .call(&anna, "document", &[("number", &invoice)])
        .await
        .unwrap();
    assert_eq!(inv.summary.amount_due.minor(), due - 12_500);
    assert_eq!(inv.summary.status.code(), "pending");
    let cn: billing_portal::api::documents::DocumentView = app
        .call(&anna, "document", &[("number", &number)])
        .await
        .unwrap();
    assert_eq!(cn.summary.corrects.as_deref(), Some(invoice.as_str()));
    assert_eq!(cn.summary.total.minor(), 12_500);
    assert_eq!(cn.lines.len(), 1);
    assert!(
        cn.lines[0]
            .description
            .contains("The export was down two days"),
        "{}",
        cn.lines[0].description
    );

    // No more than the invoice minus what was credited: the whole rest
    // before VAT is more than the rest with VAT.
    let rest = total - 12_500;
    let too_much = format!("{}", rest / 100);
    assert!(matches!(
        goodwill_note(&app, &op, acme, &invoice, &too_much, "goodwill-key-too-much", true).await,
        Err(AppError::Invalid { field, .. }) if field == "amount"
    ));
    // A reason with a NUL (PostgreSQL takes none) is refused, not a fault.
    let nul = vec![
        ("org_id", acme.to_string()),
        ("number", invoice.clone()),
        ("amount", "1".to_string()),
        ("reason", "Sorry\u{0}".to_string()),
        ("idempotency_key", "goodwill-key-nul-reason".to_string()),
        ("confirm", "yes".to_string()),
    ];
    assert!(matches!(
        call_json(&app, &op, "ops_goodwill_note", &nul).await,
        Err(AppError::Invalid { field, .. }) if field == "reason"
    ));
    for bad in ["0", "-5", "abc", "1,001"] {
        assert!(
            matches!(
                goodwill_note(&app, &op, acme, &invoice, bad, "goodwill-key-bad-amount", true).await,
                Err(AppError::Invalid { field, .. }) if field == "amount"
            ),
            "{bad}"
        );
    }
    assert_eq!(notes().await, notes_before + 1);

    // Voiding it now would credit the 125,00 twice: refused, naming the way.
    let void = call_json(
        &app,
        &op,
        "ops_void",
        &[
            ("org_id", acme.to_string()),
            ("number", invoice.clone()),
            ("reason", "Sold by mistake".to_string()),
            ("idempotency_key", "void-after-goodwill-1".to_string()),
            ("confirm", "yes".to_string()),
        ],
    )
    .await;
    match void {
        Err(AppError::Invalid { message, .. }) => {
            assert!(message.to_string().contains("goodwill"), "{message}")
        }
        other => panic!("void after a goodwill credit note: {other:?}"),
    }

    // The most that may still be credited: the largest amount before VAT
    // whose total fits the rest (VAT rounds to the öre, so at most one öre
    // of the rest can stay out of reach); one öre more is refused.
    let major = |minor: i64| format!("{}.{:02}", minor / 100, minor % 100);
    let mut net = rest * 4 / 5 + 1;
    while goodwill_note(
        &app,
        &op,
        acme,
        &invoice,
        &major(net),
        "goodwill-key-the-rest",
        false,
    )
    .await
    .is_err()
    {
        net -= 1;
        assert!(net > rest * 4 / 5 - 2, "no amount fits the rest {rest}");
    }
    let last = goodwill_note(
        &app,
        &op,
        acme,
        &invoice,
        &major(net),
        "goodwill-key-the-rest",
        true,
    )
    .await
    .unwrap();
    assert_eq!(last.creditable_after.minor(), rest - last.total.minor());
    assert!(last.creditable_after.minor() <= 1, "{last:?}");
    let inv: billing_portal::api::documents::DocumentView = app
        .call(&anna, "document", &[("number", &invoice)])
        .await
        .unwrap();
    // What was owed is settled first; what was paid of it goes to the balance.
    let owed = (due - 12_500 - last.total.minor()).max(0);
    assert_eq!(inv.summary.amount_due.minor(), owed);
    assert_eq!(last.settles.minor(), due - 12_500 - owed);
    assert!(goodwill_note(
        &app,
        &op,
        acme,
        &invoice,
        "0.02",
        "goodwill-key-one-more",
        true
    )
    .await
    .is_err());

    let op_id = operator_id(&app, OPERATOR).await;
    assert_eq!(
        audited(&app, &format!("operator:{op_id}"), "credit_note.goodwill").await,
        2
    );
    // Credit notes are not corrected by credit notes.
    assert!(matches!(
        goodwill_note(&app, &op, acme, &number, "1", "goodwill-key-on-a-cn-1", false).await,
        Err(AppError::Invalid { field, .. }) if field == "invoice"
    ));
}
both_databases!(
    a_goodwill_credit_note_settles_what_is_owed_and_never_credits_more_than_the_invoice
);

async fn goodwill_credits_are_granted_once_and_the_customer_sees_them(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let acme = org_id(&app, "Acme AB").await;
    let anna = app.login("anna@acme.example").await;
    let op = operator(&app, OPERATOR).await;
    let before: billing_portal::api::credits::CreditsView =
        app.call(&anna, "credits", &[]).await.unwrap();
    let last_day = (app.now().date_naive() + chrono::Duration::days(30)).to_string();
    let args = |credits: &str, day: &str, key: &str, confirm: bool| {
        let mut a = vec![
            ("org_id", acme.to_string()),
            ("credits", credits.to_string()),
            ("last_day", day.to_string()),
            ("reason", "Sorry for the outage".to_string()),
            ("idempotency_key", key.to_string()),
        ];
        if confirm {
            a.push(("confirm", "yes".to_string()));
        }
        a
    };
    let grant = |a: Vec<(&'static str, String)>| {
        let (app, op) = (&app, &op);
        async move {
            call_json(app, op, "ops_goodwill_credits", &a)
                .await
                .map(|v| serde_json::from_value::<GoodwillCredits>(v).unwrap())
        }
    };
    let shown = grant(args("500", &last_day, "credits-key-01234567", false))
        .await
        .unwrap();
    assert!(!shown.granted);
    let unchanged: billing_portal::api::credits::CreditsView =
        app.call(&anna, "credits", &[]).await.unwrap();
    assert_eq!(
        unchanged.balance, before.balance,
        "a preview grants nothing"
    );

    let done = grant(args("500", &last_day, "credits-key-01234567", true))
        .await
        .unwrap();
    assert!(done.granted);
    assert_eq!(
        grant(args("500", &last_day, "credits-key-01234567", true))
            .await
            .unwrap(),
        done,
        "a double click grants once"
    );
    let after: billing_portal::api::credits::CreditsView =
        app.call(&anna, "credits", &[]).await.unwrap();
    assert_eq!(after.balance, before.balance + 500);
    let g = after
        .grants
        .iter()
        .find(|g| g.kind == "goodwill")
        .expect("a goodwill grant");
    assert_eq!((g.amount, g.remaining), (500, 500));
    assert_eq!(g.last_day.to_string(), last_day);
    assert!(after
        .history
        .iter()
        .any(|h| h.amount == 500 && h.detail.starts_with("Sorry for the outage")));

    // Refused: nothing, too many, a past day, more than five years ahead.
    let yesterday = (app.now().date_naive() - chrono::Duration::days(1)).to_string();
    let far = (app.now().date_naive() + chrono::Duration::days(6 * 366)).to_string();
    for (credits, day, field) in [
        ("0", last_day.as_str(), "credits"),
        ("10000001", last_day.as_str(), "credits"),
        ("5", yesterday.as_str(), "last_day"),
        ("5", far.as_str(), "last_day"),
    ] {
        match grant(args(credits, day, "credits-key-refused-1", true)).await {
            Err(AppError::Invalid { field: f, .. }) => assert_eq!(f, field, "{credits} {day}"),
            other => panic!("{credits} {day}: {other:?}"),
        }
    }
    let op_id = operator_id(&app, OPERATOR).await;
    assert_eq!(
        audited(&app, &format!("operator:{op_id}"), "credits.goodwill").await,
        1
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM credit_grants WHERE kind = 'goodwill'")
            .await,
        1
    );
}
both_databases!(goodwill_credits_are_granted_once_and_the_customer_sees_them);

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

async fn the_outbox_lists_each_message_with_its_document_attached(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let (acme, anna, invoice, _) = acme_owes_an_upgrade(&app).await;
    let op = operator(&app, OPERATOR).await;
    let page = |status: &str| {
        let (app, op, status) = (&app, &op, status.to_string());
        async move {
            app.call::<OutboxPage>(op, "ops_outbox", &[("status", status.as_str())])
                .await
        }
    };
    // The upgrade's invoice copy waits for the mail task (not running in tests).
    let waiting = page("waiting").await.unwrap();
    let copy = waiting
        .entries
        .iter()
        .find(|e| e.attachment.as_deref() == Some(invoice.as_str()) && e.kind == "copy")
        .unwrap_or_else(|| panic!("{invoice} not in {waiting:?}"));
    assert_eq!(copy.org_id, acme);
    assert_eq!(copy.status, "queued");
    assert!(copy.subject.starts_with(&invoice), "{}", copy.subject);
    assert!(copy.recipient.is_some());
    assert!(waiting.delivery.contains("no SMTP"), "{}", waiting.delivery);
    assert!(page("sent")
        .await
        .unwrap()
        .entries
        .iter()
        .all(|e| e.status == "sent"));
    let all = page("").await.unwrap();
    assert!(all.entries.len() >= waiting.entries.len());
    assert!(
        all.entries.windows(2).all(|w| w[0].id > w[1].id),
        "newest first"
    );
    assert!(matches!(
        page("everything").await,
        Err(AppError::Invalid { .. })
    ));

    // The attachment: the operator gets the PDF; a customer is sent to the
    // console's login, even for their own organisation's document.
    let pdf_path = format!("/ops/orgs/{acme}/documents/{invoice}/pdf");
    let r = op.http.get(app.url(&pdf_path)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert!(r.bytes().await.unwrap().starts_with(b"%PDF"));
    let r = anna.http.get(app.url(&pdf_path)).send().await.unwrap();
    assert!(r.status().is_redirection(), "{}", r.status());
    assert_eq!(r.headers()["location"], "/ops/login");
    // Another organisation's id with Acme's number: not found.
    let small = org_id(&app, "Småföretaget AB").await;
    let r = op
        .http
        .get(app.url(&format!("/ops/orgs/{small}/documents/{invoice}/pdf")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}
both_databases!(the_outbox_lists_each_message_with_its_document_attached);

fn contract_args(
    org: i64,
    schedule: &str,
    custom: &str,
    tier: &str,
    key: &str,
    confirm: bool,
) -> Vec<(&'static str, String)> {
    let mut a = vec![
        ("org_id", org.to_string()),
        ("form[years]", "2".to_string()),
        ("form[annual_price]", "600 000".to_string()),
        ("form[discount]", "15".to_string()),
        ("form[seat_tier]", tier.to_string()),
        ("form[schedule]", schedule.to_string()),
        ("form[custom]", custom.to_string()),
        ("idempotency_key", key.to_string()),
    ];
    if confirm {
        a.push(("confirm", "yes".to_string()));
    }
    a
}

// R-SUB-10: an operator sets up Acme's contract; it starts at Acme's next
// renewal, the clock invoices its instalments and no plan renewal.
async fn an_operator_sets_up_a_contract_and_the_clock_invoices_its_instalments(backend: Backend) {
    use crate::clock::{midnight, sub};
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let acme = org_id(&app, "Acme AB").await;
    let op = operator(&app, OPERATOR).await;
    let (_, end, plan_before, ..) = sub(&app, acme).await;
    let contract = |a: Vec<(&'static str, String)>| {
        let (app, op) = (&app, &op);
        async move {
            call_json(app, op, "ops_contract", &a)
                .await
                .map(|v| serde_json::from_value::<ContractPreview>(v).unwrap())
        }
    };

    // 2 × 600 000 less 15 % = 1 020 000 kr, eight quarters of 127 500.
    let shown = contract(contract_args(
        acme,
        "quarterly",
        "",
        "250",
        "contract-key-0123456",
        false,
    ))
    .await
    .unwrap();
    assert_eq!(
        shown.start, end,
        "it starts when what was paid for runs out"
    );
    assert_eq!(shown.total.minor(), 102_000_000);
    assert_eq!(shown.discount.minor(), 18_000_000);
    assert_eq!(shown.instalments.len(), 8);
    assert!(shown
        .instalments
        .iter()
        .all(|(_, m)| m.minor() == 12_750_000));
    assert_eq!(shown.plan_after, "Enterprise, annual, 250 seats");
    assert!(!shown.saved);
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM contracts WHERE organisation_id = {acme}"
        ))
        .await,
        0,
        "a preview saves nothing"
    );

    // Refused, with the field to fix: a custom schedule that does not add
    // up or falls outside the term, a tier below the paid members, a term
    // of four years.
    let day = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    let short = format!(
        "{} 500000\n{} 500000",
        day(end),
        day(end + chrono::Months::new(12))
    );
    let outside = format!(
        "{} 520000\n{} 500000",
        day(end),
        day(end + chrono::Months::new(24))
    );
    for (a, field) in [
        (
            contract_args(acme, "custom", &short, "250", "contract-key-refused", true),
            "custom",
        ),
        (
            contract_args(
                acme,
                "custom",
                &outside,
                "250",
                "contract-key-refused",
                true,
            ),
            "custom",
        ),
        (
            contract_args(
                acme,
                "custom",
                "tomorrow 5",
                "250",
                "contract-key-refused",
                true,
            ),
            "custom",
        ),
        (
            contract_args(acme, "quarterly", "", "1", "contract-key-refused", true),
            "seat_tier",
        ),
        (
            contract_args(acme, "weekly", "", "250", "contract-key-refused", true),
            "schedule",
        ),
    ] {
        match contract(a).await {
            Err(AppError::Invalid { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{field}: {other:?}"),
        }
    }
    let mut four = contract_args(acme, "annual", "", "250", "contract-key-refused", true);
    four[1].1 = "4".into();
    assert!(
        matches!(contract(four).await, Err(AppError::Invalid { field, .. }) if field == "years")
    );

    // A custom schedule that adds up, set up and then replaced by the
    // quarterly one before anything is invoiced; a double click once.
    let custom = format!(
        "{} 520000\n{} 500000",
        day(end),
        day(end + chrono::Months::new(12))
    );
    let first = contract(contract_args(
        acme,
        "custom",
        &custom,
        "250",
        "contract-key-custom-1",
        true,
    ))
    .await
    .unwrap();
    assert!(first.saved && !first.replaces);
    assert_eq!(first.instalments.len(), 2);
    let done = contract(contract_args(
        acme,
        "quarterly",
        "",
        "250",
        "contract-key-0123456",
        true,
    ))
    .await
    .unwrap();
    assert!(done.saved && done.replaces);
    assert_eq!(
        contract(contract_args(
            acme,
            "quarterly",
            "",
            "250",
            "contract-key-0123456",
            true
        ))
        .await
        .unwrap(),
        done
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM organisations WHERE id = {acme} AND manually_billed = 1 AND payment_method = 'invoice'"
        ))
        .await,
        1,
        "billed by the contract, by invoice"
    );
    let op_id = operator_id(&app, OPERATOR).await;
    assert_eq!(
        audited(&app, &format!("operator:{op_id}"), "contract.set").await,
        2
    );

    // The customer's page shows the contract and its schedule.
    let anna = app.login("anna@acme.example").await;
    let overview: Overview = app.call(&anna, "billing_overview", &[]).await.unwrap();
    let c = overview.contract.expect("the contract on the billing page");
    assert_eq!((c.seat_tier, c.instalments.len()), (250, 8));
    assert_eq!(c.renewal_date, end + chrono::Months::new(24));

    // At the start: the first instalment, no renewal of the old plan, and
    // Enterprise with the tier's seats.
    let count_invoices = format!(
        "SELECT COUNT(*) FROM documents WHERE organisation_id = {acme} AND kind = 'invoice'"
    );
    let invoices = || app.scalar(&count_invoices);
    let before = invoices().await;
    advance(
        &app.db,
        &app.gateway,
        midnight(end) + chrono::Duration::hours(1),
    )
    .await
    .unwrap();
    assert_eq!(invoices().await, before + 1);
    let (subtotal, issued): (i64, String) = sqlx::query_as(
        "SELECT subtotal_minor, issue_date FROM documents WHERE organisation_id = $1 AND kind = 'invoice' ORDER BY id DESC LIMIT 1",
    )
    .bind(acme)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!((subtotal, issued), (12_750_000, day(end)));
    let (start, _, plan, seats, _) = sub(&app, acme).await;
    assert_eq!((start, plan.as_str(), seats), (end, "enterprise", 250));
    assert_ne!(plan_before, "enterprise");

    // Invoiced once: now it is not replaced.
    assert!(matches!(
        contract(contract_args(acme, "annual", "", "250", "contract-key-too-late", true)).await,
        Err(AppError::Invalid { field, .. }) if field == "organisation"
    ));
}
both_databases!(an_operator_sets_up_a_contract_and_the_clock_invoices_its_instalments);

async fn offered(app: &TestApp, c: &Client) -> billing_portal::api::credits::CreditsView {
    app.call(c, "credits", &[]).await.unwrap()
}

// R-CAT-4, R-OPS-1: what a plan offers is edited in place (its prices are
// versions); a pack is retired, not changed, and a new one added.
async fn an_operator_edits_a_plan_and_retires_and_adds_credit_packs(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let op = operator(&app, OPERATOR).await;
    let professional = plan_id(&app, "professional").await;
    let edit = |credits: &str, limits: &str, trial: &str| {
        vec![
            ("edit[plan_id]", professional.to_string()),
            ("edit[name]", "Professional".to_string()),
            (
                "edit[features]",
                "Everything in Starter\n\nAutomations ".to_string(),
            ),
            ("edit[limits]", limits.to_string()),
            ("edit[monthly_credits]", credits.to_string()),
            ("edit[packs_allowed]", "true".to_string()),
            ("edit[trial_days]", trial.to_string()),
        ]
    };
    let limits = "contacts 5 000\nemails_per_month unlimited";
    call_json(&app, &op, "ops_plan_edit", &edit("12345", limits, "21"))
        .await
        .unwrap();
    // The same again changes nothing and is not audited twice.
    call_json(&app, &op, "ops_plan_edit", &edit("12345", limits, "21"))
        .await
        .unwrap();
    let catalog: CatalogView = app.call(&op, "ops_catalog", &[]).await.unwrap();
    let p = catalog.plans.iter().find(|p| p.id == professional).unwrap();
    assert_eq!(p.monthly_credits, 12_345);
    assert_eq!(p.trial_days, Some(21));
    assert_eq!(p.features, vec!["Everything in Starter", "Automations"]);
    assert_eq!(
        p.limits,
        vec![
            ("contacts".to_string(), Some(5_000)),
            ("emails_per_month".to_string(), None)
        ]
    );
    assert!(!p.prices.is_empty(), "its price versions are untouched");
    let op_id = operator_id(&app, OPERATOR).await;
    let actor = format!("operator:{op_id}");
    assert_eq!(audited(&app, &actor, "catalog.plan_edited").await, 1);
    for (args, field) in [
        (edit("12345", "contacts lots", ""), "limits"),
        (edit("12345", "contacts 1\ncontacts 2", ""), "limits"),
        (edit("12345", "", "200"), "trial_days"),
        (edit("-1", "", ""), "monthly_credits"),
    ] {
        match call_json(&app, &op, "ops_plan_edit", &args).await {
            Err(AppError::Invalid { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{field}: {other:?}"),
        }
    }

    // Acme (Professional, SEK) is offered the SEK packs; one is retired.
    let anna = app.login("anna@acme.example").await;
    let before = offered(&app, &anna).await;
    let retired = before.packs.first().expect("packs on sale").clone();
    for _ in 0..2 {
        call_json(
            &app,
            &op,
            "ops_pack_retire",
            &[("id", retired.id.to_string())],
        )
        .await
        .unwrap();
    }
    assert_eq!(audited(&app, &actor, "catalog.pack_retired").await, 1);
    let after = offered(&app, &anna).await;
    assert!(after.packs.iter().all(|p| p.id != retired.id));
    // A page loaded before the retirement cannot buy it.
    let bought = app
        .call::<serde_json::Value>(
            &anna,
            "buy_pack",
            &[
                ("pack_id", &retired.id.to_string()),
                ("last_purchase", &after.last_purchase),
                ("idempotency_key", &after.action_key),
            ],
        )
        .await;
    assert!(matches!(bought, Err(AppError::Conflict(_))), "{bought:?}");

    // A new pack, added twice, is on sale once.
    let pack = [
        ("name", "Mega".to_string()),
        ("credits", "100000".to_string()),
        ("price", "4 900".to_string()),
        ("currency", "SEK".to_string()),
        ("validity_months", "12".to_string()),
    ];
    for _ in 0..2 {
        call_json(&app, &op, "ops_pack_add", &pack).await.unwrap();
    }
    let now_offered = offered(&app, &anna).await;
    let mega: Vec<_> = now_offered
        .packs
        .iter()
        .filter(|p| p.name == "Mega")
        .collect();
    assert_eq!(mega.len(), 1);
    assert_eq!((mega[0].credits, mega[0].price.minor()), (100_000, 490_000));
    assert_eq!(audited(&app, &actor, "catalog.pack_added").await, 1);
    let mut bad = pack.clone();
    bad[4].1 = "0".into();
    assert!(matches!(
        call_json(&app, &op, "ops_pack_add", &bad).await,
        Err(AppError::Invalid { field, .. }) if field == "validity_months"
    ));
}
both_databases!(an_operator_edits_a_plan_and_retires_and_adds_credit_packs);

// R-ACC-7, R-OPS-1: a member is deactivated with their history kept; a
// paid member comes back only into a free seat; the owner stays; teams.
async fn an_operator_deactivates_a_member_and_manages_teams(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let acme = org_id(&app, "Acme AB").await;
    let op = operator(&app, OPERATOR).await;
    let acme_s = acme.to_string();
    let org = || {
        let (op, acme_s, app) = (op.clone(), acme_s.clone(), &app);
        async move {
            app.call::<OrgView>(&op, "ops_org", &[("id", &acme_s)])
                .await
                .unwrap()
        }
    };
    let view = org().await;
    let find = |v: &OrgView, email: &str| {
        v.members
            .iter()
            .find(|m| m.email == email)
            .unwrap_or_else(|| panic!("{email}"))
            .clone()
    };
    let cecilia = find(&view, "cecilia@acme.example");
    let anna = find(&view, "anna@acme.example");
    assert!(anna.billing_owner && cecilia.active);
    let set_active = |id: i64, active: bool| {
        let (op, app) = (op.clone(), &app);
        async move {
            call_json(
                app,
                &op,
                "ops_member_active",
                &[
                    ("org_id", acme.to_string()),
                    ("membership_id", id.to_string()),
                    ("active", active.to_string()),
                ],
            )
            .await
        }
    };
    set_active(cecilia.id, false).await.unwrap();
    set_active(cecilia.id, false).await.unwrap();
    let view = org().await;
    assert!(
        !find(&view, "cecilia@acme.example").active,
        "kept, deactivated"
    );
    let op_id = operator_id(&app, OPERATOR).await;
    let actor = format!("operator:{op_id}");
    assert_eq!(audited(&app, &actor, "member.deactivated").await, 1);
    // The billing owner is not deactivated.
    assert!(matches!(
        set_active(anna.id, false).await,
        Err(AppError::Invalid { field, .. }) if field == "member"
    ));
    // Back only into a free seat: with the seats down to the 3 paid
    // members left, refused; with a seat free, back.
    let seats = |n: i64| {
        sqlx::query("UPDATE subscriptions SET seats = $1 WHERE organisation_id = $2")
            .bind(n)
            .bind(acme)
            .execute(&app.db.pool)
    };
    seats(3).await.unwrap();
    match set_active(cecilia.id, true).await {
        Err(AppError::Invalid { message, .. }) => {
            assert!(message.to_string().contains("seats"), "{message}")
        }
        other => panic!("reactivated into no seat: {other:?}"),
    }
    seats(6).await.unwrap();
    set_active(cecilia.id, true).await.unwrap();
    assert!(find(&org().await, "cecilia@acme.example").active);
    assert_eq!(audited(&app, &actor, "member.reactivated").await, 1);

    // A team, added twice, is one; a member moves in and out.
    for _ in 0..2 {
        call_json(
            &app,
            &op,
            "ops_team_add",
            &[("org_id", acme.to_string()), ("name", "Sales".to_string())],
        )
        .await
        .unwrap();
    }
    let view = org().await;
    let sales: Vec<_> = view.teams.iter().filter(|t| t.name == "Sales").collect();
    assert_eq!(sales.len(), 1);
    let move_to = |team: &str| {
        let (op, app, team) = (op.clone(), &app, team.to_string());
        async move {
            call_json(
                app,
                &op,
                "ops_member_team",
                &[
                    ("org_id", acme.to_string()),
                    ("membership_id", cecilia.id.to_string()),
                    ("team_id", team),
                ],
            )
            .await
        }
    };
    move_to(&sales[0].id.to_string()).await.unwrap();
    assert_eq!(
        find(&org().await, "cecilia@acme.example").team.as_deref(),
        Some("Sales")
    );
    move_to("").await.unwrap();
    assert_eq!(find(&org().await, "cecilia@acme.example").team, None);
    assert_eq!(audited(&app, &actor, "member.team").await, 2);
    assert!(matches!(
        move_to("999999").await,
        Err(AppError::Invalid { field, .. }) if field == "team"
    ));

    // What the customer sees, read-only even for an operator.
    let seen: Overview = app
        .call(&op, "ops_customer_view", &[("org_id", &acme.to_string())])
        .await
        .unwrap();
    assert_eq!(seen.org_name, "Acme AB");
    assert!(!seen.can_pay && !seen.can_change_plan);
    assert_eq!(seen.seats_used, 4);
}
both_databases!(an_operator_deactivates_a_member_and_manages_teams);
