//! Changing plans end to end (R-SUB-3…11, R-ACC-5/6, R-PAY-4).

use crate::support::{both_databases, spawn_app, Backend, Client, TestApp};
use billing_portal::api::billing::{Banner, Overview};
use billing_portal::api::plan::{ChangeKind, ChangeOutcome, ChangePreview};
use billing_portal::error::AppError;

pub async fn plan_id(app: &TestApp, code: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM plans WHERE code = $1")
        .bind(code)
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

pub async fn preview(
    app: &TestApp,
    c: &Client,
    plan: i64,
    interval: &str,
    seats: u32,
) -> Result<ChangePreview, AppError> {
    app.call(
        c,
        "preview_change",
        &[
            ("plan_id", &plan.to_string()),
            ("interval", interval),
            ("seats", &seats.to_string()),
        ],
    )
    .await
}

pub async fn confirm(
    app: &TestApp,
    c: &Client,
    p: &ChangePreview,
) -> Result<ChangeOutcome, AppError> {
    app.call(
        c,
        "confirm_change",
        &[
            ("plan_id", &p.plan_id.to_string()),
            ("interval", p.interval.code()),
            ("seats", &p.seats.to_string()),
            ("token", &p.token),
            ("idempotency_key", &p.idempotency_key),
        ],
    )
    .await
}

both_databases!(upgrade_issues_credit_note_and_invoice_exactly_as_previewed);
async fn upgrade_issues_credit_note_and_invoice_exactly_as_previewed(app: TestApp) {
    let anna = app.login("anna@acme.example").await;
    let business = plan_id(&app, "business").await;
    let p = preview(&app, &anna, business, "monthly", 6).await.unwrap();
    assert_eq!(p.kind, ChangeKind::Upgrade);
    assert!(p.credited_now.is_positive() && p.charged_now.minor() > p.credited_now.minor());
    assert_eq!(
        p.due_now,
        p.charged_now - p.credited_now,
        "the credit note pays part of the invoice"
    );
    let outcome = confirm(&app, &anna, &p).await.unwrap();
    assert_eq!(outcome.preview, p, "the confirmed change is the preview");
    let cn = outcome.credit_note.clone().expect("a credit note");
    let inv = outcome.invoice.clone().expect("an invoice");

    let (cn_total, corrects): (i64, Option<i64>) =
        sqlx::query_as("SELECT total_minor, corrects_id FROM documents WHERE number = $1")
            .bind(&cn)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(cn_total, p.credited_now.minor());
    assert!(
        corrects.is_some(),
        "the credit note references the invoice it corrects"
    );
    let (total, applied, due, status): (i64, i64, i64, String) = sqlx::query_as(
        "SELECT total_minor, credit_applied_minor, amount_due_minor, status FROM documents WHERE number = $1",
    )
    .bind(&inv)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(
        (total, applied, due),
        (
            p.charged_now.minor(),
            p.credited_now.minor(),
            p.due_now.minor()
        )
    );
    assert_eq!(status, "pending");
    assert_eq!(
        app.scalar("SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) FROM balance_entries")
            .await,
        0,
        "nothing left over"
    );

    let o: Overview = app.billing_overview(&anna).await.unwrap();
    assert_eq!(o.plan_name, "Business");
    assert_eq!(o.documents[0].number, inv);
    assert_eq!(o.documents[1].number, cn);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'plan.upgrade'")
            .await,
        1
    );
}

both_databases!(a_repeated_or_concurrent_confirm_changes_once);
async fn a_repeated_or_concurrent_confirm_changes_once(app: TestApp) {
    let anna = app.login("anna@acme.example").await;
    let business = plan_id(&app, "business").await;
    let p = preview(&app, &anna, business, "monthly", 6).await.unwrap();
    let invoices_before = app.scalar("SELECT COUNT(*) FROM documents").await;
    // A double click: the same request twice at once, then once more later.
    let (a, b) = tokio::join!(confirm(&app, &anna, &p), confirm(&app, &anna, &p));
    let again = confirm(&app, &anna, &p).await.unwrap();
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a, b);
    assert_eq!(a, again);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM documents").await,
        invoices_before + 2,
        "one credit note and one invoice"
    );
    // A second tab with its own, now stale, preview is refused.
    let mut stale = p.clone();
    stale.idempotency_key = "0123456789abcdef0123456789abcdef".into();
    assert!(matches!(
        confirm(&app, &anna, &stale).await,
        Err(AppError::Conflict(_))
    ));
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM documents").await,
        invoices_before + 2
    );
}

both_databases!(downgrade_is_scheduled_replaced_and_cancelled);
async fn downgrade_is_scheduled_replaced_and_cancelled(app: TestApp) {
    let nils = app.login("nils@nedgraderingen.example").await;
    let starter = plan_id(&app, "starter").await;
    let business = plan_id(&app, "business").await;
    let documents = app.scalar("SELECT COUNT(*) FROM documents").await;
    let p = preview(&app, &nils, starter, "monthly", 4).await.unwrap();
    assert_eq!(p.kind, ChangeKind::Downgrade);
    assert!(
        p.credited_now.is_zero() && p.charged_now.is_zero(),
        "nothing moves now"
    );
    assert_eq!(Some(p.effective), p.next_invoice_date);
    confirm(&app, &nils, &p).await.unwrap();
    let o: Overview = app.billing_overview(&nils).await.unwrap();
    assert!(
        matches!(&o.banners[0], Banner::Scheduled { plan, .. } if plan == "Starter"),
        "the later downgrade replaced the earlier"
    );
    assert_eq!(
        o.plan_name, "Business",
        "still Business until the period ends"
    );
    // Choosing the current plan cancels the scheduled change.
    let p = preview(&app, &nils, business, "monthly", 4).await.unwrap();
    assert_eq!(p.kind, ChangeKind::CancelScheduled);
    confirm(&app, &nils, &p).await.unwrap();
    let o: Overview = app.billing_overview(&nils).await.unwrap();
    assert!(!o
        .banners
        .iter()
        .any(|b| matches!(b, Banner::Scheduled { .. })));
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM documents").await,
        documents,
        "no document for a scheduled change"
    );
}

both_databases!(seats_added_now_are_billed_on_the_next_invoice);
async fn seats_added_now_are_billed_on_the_next_invoice(app: TestApp) {
    let anna = app.login("anna@acme.example").await;
    let professional = plan_id(&app, "professional").await;
    let before: Overview = app.billing_overview(&anna).await.unwrap();
    let p = preview(&app, &anna, professional, "monthly", 8)
        .await
        .unwrap();
    assert_eq!(p.kind, ChangeKind::AddSeats);
    assert_eq!(p.next_invoice_extra.len(), 1);
    let extra = p.next_invoice_extra[0].amount;
    assert!(extra.is_positive());
    confirm(&app, &anna, &p).await.unwrap();
    let after: Overview = app.billing_overview(&anna).await.unwrap();
    assert_eq!(after.seats_bought, 8);
    assert_eq!(
        after.legacy_discount.map(|m| m.minor()),
        Some(40_000),
        "the added seats keep the grandfathered price"
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM pending_lines").await, 1);
    // The next invoice: the full period at 8 seats plus the prorated extra,
    // with 25 % VAT on the sum rounded half away from zero to the öre.
    let net = before.price.minor() + 2 * 24_900 + extra.minor();
    let expected = net + (net * 25 + 50) / 100;
    assert_eq!(after.next_amount.map(|m| m.minor()), Some(expected));
    // Removing seats below the paid members is refused with what to do.
    match preview(&app, &anna, professional, "monthly", 3).await {
        Err(AppError::Invalid { field, message }) => {
            assert_eq!(field, "seats");
            assert!(
                message.to_string().contains("4 people have paid roles"),
                "{message}"
            );
        }
        other => panic!("expected a seats error, got {other:?}"),
    }
    // Fewer seats, still enough: at the next renewal.
    let p = preview(&app, &anna, professional, "monthly", 5)
        .await
        .unwrap();
    assert_eq!(p.kind, ChangeKind::Downgrade);
}

both_databases!(monthly_to_annual_starts_a_new_year_now);
async fn monthly_to_annual_starts_a_new_year_now(app: TestApp) {
    let sara = app.login("sara@smaforetaget.example").await;
    let starter = plan_id(&app, "starter").await;
    let p = preview(&app, &sara, starter, "annual", 2).await.unwrap();
    assert_eq!(p.kind, ChangeKind::Upgrade);
    assert_eq!(
        p.invoice_lines[0].amount.minor(),
        2 * 99_000,
        "ten months' price for a year"
    );
    let outcome = confirm(&app, &sara, &p).await.unwrap();
    assert!(outcome.invoice.is_some());
    let o: Overview = app.billing_overview(&sara).await.unwrap();
    assert_eq!(o.interval, billing_portal::domain::period::Interval::Annual);
    assert_eq!(o.next_billing_date, p.next_invoice_date);
}

both_databases!(only_the_billing_owner_changes_and_contracts_refuse);
async fn only_the_billing_owner_changes_and_contracts_refuse(app: TestApp) {
    let business = plan_id(&app, "business").await;
    let professional = plan_id(&app, "professional").await;
    let bertil = app.login("bertil@acme.example").await;
    assert!(matches!(
        preview(&app, &bertil, business, "monthly", 6).await,
        Err(AppError::Forbidden { .. })
    ));
    let p = ChangePreview {
        ..preview(
            &app,
            &app.login("anna@acme.example").await,
            business,
            "monthly",
            6,
        )
        .await
        .unwrap()
    };
    assert!(
        matches!(
            confirm(&app, &bertil, &p).await,
            Err(AppError::Forbidden { .. })
        ),
        "the server refuses the call itself"
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE actor LIKE 'user:%'")
            .await,
        0
    );

    let pia = app.login("pia@partnerkunden.example").await;
    match preview(&app, &pia, business, "monthly", 3).await {
        Err(AppError::Forbidden { message, .. }) => {
            assert!(
                message.to_string().contains("Nordic Partners AB"),
                "{message}"
            )
        }
        other => panic!("partner-managed must refuse, got {other:?}"),
    }
    let elsa = app.login("elsa@storforetaget.example").await;
    let enterprise = plan_id(&app, "enterprise").await;
    match preview(&app, &elsa, enterprise, "annual", 200).await {
        Err(AppError::Forbidden { message, .. }) => {
            assert!(message.to_string().contains("contact sales"), "{message}")
        }
        other => panic!("contract must refuse, got {other:?}"),
    }
    let lars = app.login("lars@lastakommunen.example").await;
    assert!(
        matches!(
            preview(&app, &lars, professional, "monthly", 5).await,
            Err(AppError::Forbidden { .. })
        ),
        "plan locked"
    );
    // The agreement fixes the seats too (issue 33): the plan page said
    // "locked" while a seat increase went through.
    assert!(
        matches!(
            preview(&app, &lars, business, "monthly", 7).await,
            Err(AppError::Forbidden { .. })
        ),
        "seats are part of the locked agreement"
    );
}

both_databases!(invoice_numbers_stay_gapless_under_concurrent_upgrades);
async fn invoice_numbers_stay_gapless_under_concurrent_upgrades(app: TestApp) {
    let business = plan_id(&app, "business").await;
    let mut owners = Vec::new();
    for email in [
        "anna@acme.example",
        "tove@provperioden.example",
        "nils@nedgraderingen.example",
        "sara@smaforetaget.example",
    ] {
        let c = app.login(email).await;
        let seats = if email.starts_with("anna") { 6 } else { 2 };
        let p = preview(&app, &c, business, "monthly", seats).await.unwrap();
        owners.push((c, p));
    }
    let results = futures_join_all(&app, &owners).await;
    assert!(results.iter().all(|r| r.is_ok()), "{results:?}");
    for kind in ["invoice", "credit_note"] {
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT series_year, seq FROM documents WHERE kind = $1 ORDER BY series_year, seq",
        )
        .bind(kind)
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
        let mut years: Vec<i64> = rows.iter().map(|r| r.0).collect();
        years.dedup();
        for year in years {
            let seqs: Vec<i64> = rows.iter().filter(|r| r.0 == year).map(|r| r.1).collect();
            let expected: Vec<i64> = (1..=seqs.len() as i64).collect();
            assert_eq!(
                seqs, expected,
                "{kind} numbers of {year} are 1..n without gaps or repeats"
            );
        }
    }
}

async fn futures_join_all(
    app: &TestApp,
    owners: &[(Client, ChangePreview)],
) -> Vec<Result<ChangeOutcome, AppError>> {
    let (a, b, c, d) = tokio::join!(
        confirm(app, &owners[0].0, &owners[0].1),
        confirm(app, &owners[1].0, &owners[1].1),
        confirm(app, &owners[2].0, &owners[2].1),
        confirm(app, &owners[3].0, &owners[3].1),
    );
    vec![a, b, c, d]
}

// What the plan page offers and the preview warns of (#14): Free's three
// users and Enterprise's "contact sales" are refused, not offered; the current
// plan shows the legacy price it is paid at; an upgrade warns that it gives
// the legacy price up, more seats that they drop a scheduled downgrade.
both_databases!(
    plans_offered_as_they_can_be_bought_and_previews_warn,
    backend
);
async fn plans_offered_as_they_can_be_bought_and_previews_warn(backend: Backend) {
    use billing_portal::api::plan::PlanPage;
    use billing_portal::domain::locale::Locale;
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let anna = app.login("anna@acme.example").await;
    let page: PlanPage = app
        .call(&anna, "plans", &[("interval", "monthly"), ("seats", "6")])
        .await
        .unwrap();
    let offer = |name: &str| page.offers.iter().find(|o| o.name == name).unwrap().clone();
    let free = offer("Free")
        .unavailable
        .expect("Free is not offered to 4 paid members");
    assert_eq!(
        free.render(Locale::Sv),
        "Free har plats för 3 användare; ni har 4 med betalda roller. Ändra deras roller först."
    );
    assert!(
        offer("Enterprise").unavailable.is_some(),
        "Enterprise is sold by sales"
    );
    assert!(offer("Business").unavailable.is_none());
    let current = offer("Professional");
    assert!(current.current && current.unavailable.is_none());
    let o: Overview = app.billing_overview(&anna).await.unwrap();
    assert_eq!(
        current.price, o.price,
        "the legacy price paid, not the list price"
    );

    for code in ["free", "enterprise"] {
        let id = plan_id(&app, code).await;
        assert!(
            matches!(
                preview(&app, &anna, id, "monthly", 6).await,
                Err(AppError::Invalid { ref field, .. }) if field == "plan"
            ),
            "{code} refused on the server too"
        );
    }
    let business = plan_id(&app, "business").await;
    let p = preview(&app, &anna, business, "monthly", 6).await.unwrap();
    assert_eq!(p.warnings.len(), 1, "{:?}", p.warnings);
    assert!(
        p.warnings[0].render(Locale::En).contains("legacy price"),
        "{}",
        p.warnings[0]
    );

    // Nedgraderingen has a downgrade to Professional scheduled: more seats drop it.
    let nils = app.login("nils@nedgraderingen.example").await;
    let o: Overview = app.billing_overview(&nils).await.unwrap();
    let p = preview(&app, &nils, business, "monthly", o.seats_bought + 1)
        .await
        .unwrap();
    assert_eq!(p.kind, ChangeKind::AddSeats);
    assert!(
        p.warnings.iter().any(|w| w
            .render(Locale::Sv)
            .starts_with("Den schemalagda ändringen till Professional")),
        "{:?}",
        p.warnings
    );
}
