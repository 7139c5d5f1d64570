//! The second review of hostile and unlucky input (issue 33): one tenant's
//! input never fails another's work, nobody gets value without paying,
//! every correction stays inside what it corrects.

use crate::hardening::{new_key, post, raw};
use crate::support::{both_databases, spawn_app, Backend, TestApp};

// One organisation sends event ids with a NUL byte (PostgreSQL refuses the
// whole transaction for one) while another meters as usual, many times at
// once so their events share the worker's transactions: every normal event
// is charged, every NUL one is refused 422 by name, and nothing of them is kept.
both_databases!(one_tenants_control_characters_never_fail_anothers_usage);
async fn one_tenants_control_characters_never_fail_anothers_usage(app: TestApp) {
    let acme = new_key(&app, &app.login("anna@acme.example").await).await;
    let nordlys = new_key(&app, &app.login("ola@nordlys.example").await).await;
    let mut calls = Vec::new();
    for i in 0..30 {
        let (app_a, app_b) = (app.clone(), app.clone());
        let (acme, nordlys) = (acme.clone(), nordlys.clone());
        calls.push(tokio::spawn(async move {
            let good = format!(r#"{{"event_id":"ok-{i}","runtime_seconds":10}}"#);
            post(&app_a, "/api/v1/usage", &acme, &good).await
        }));
        calls.push(tokio::spawn(async move {
            let bad = format!(r#"{{"event_id":"a\u0000b-{i}","runtime_seconds":10}}"#);
            let (status, body) = post(&app_b, "/api/v1/usage", &nordlys, &bad).await;
            (status + 1000, body)
        }));
    }
    for call in calls {
        let (status, body) = call.await.unwrap();
        match status {
            200 => assert!(body["event_id"].as_str().unwrap().starts_with("ok-")),
            1422 => assert!(body["error"].as_str().unwrap().contains("U+0000"), "{body}"),
            other => panic!("answered {other}: {body}"),
        }
    }
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM usage_events WHERE event_id LIKE 'ok-%'")
            .await,
        30
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM usage_events WHERE event_id NOT LIKE 'ok-%' AND event_id LIKE 'a%'")
            .await,
        0
    );
    // In one batch request: the NUL event is refused by name, the other charged.
    let batch = r#"{"events":[{"event_id":"b-ok","runtime_seconds":1},{"event_id":"b\u0007","runtime_seconds":1}]}"#;
    let (status, body) = post(&app, "/api/v1/usage/batch", &nordlys, batch).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["results"][0]["status"], 200, "{body}");
    assert_eq!(body["results"][1]["status"], 422, "{body}");
}

// Every text that reaches the database from a form goes through the one
// text rule: a control character is refused 422 naming the field, and
// nothing is saved; an address may hold line breaks, a name may not.
both_databases!(control_characters_in_forms_are_refused_by_field);
async fn control_characters_in_forms_are_refused_by_field(app: TestApp) {
    let anna = app.login("anna@acme.example").await;
    let before = app
        .scalar("SELECT COUNT(*) FROM organisations WHERE legal_name LIKE '%Evil%'")
        .await;
    assert_eq!(before, 0);
    let details = |name: &'static str, address: &'static str| {
        vec![
            ("legal_name", name),
            ("address", address),
            ("postal_code", "111 22"),
            ("city", "Stockholm"),
            ("country", "SE"),
            ("vat_number", ""),
            ("invoice_email", "faktura@acme.example"),
        ]
    };
    for (name, address, field) in [
        ("Evil\u{1}AB", "Storgatan 1", "legal_name"),
        ("Evil\nAB", "Storgatan 1", "legal_name"),
        ("Evil\u{202E}AB", "Storgatan 1", "legal_name"),
        ("Acme AB", "Storgatan\u{0}1", "address"),
    ] {
        let (status, body) =
            raw(&app, &anna, "save_billing_details", &details(name, address)).await;
        assert_eq!(status, 422, "{name:?}: {body}");
        assert!(body.contains(field), "{name:?}: {body}");
    }
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM organisations WHERE legal_name LIKE '%Evil%' OR address LIKE '%Storgatan%1%' AND address <> 'Storgatan 1'")
            .await,
        0,
        "nothing saved"
    );
    let (status, body) = raw(
        &app,
        &anna,
        "save_billing_details",
        &details("Acme AB", "Storgatan 1\r\nBox 12"),
    )
    .await;
    assert_eq!(status, 200, "an address keeps its lines: {body}");
    let (status, body) = raw(&app, &anna, "create_api_key", &[("name", "key\u{0}")]).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("name"), "{body}");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM api_keys WHERE name LIKE 'key%'")
            .await,
        0
    );
}

// Fifty wrong passwords for one account at once: each attempt is counted
// before its password is checked, so at most the five free failures reach
// argon2 and the rest are refused as locked. Meanwhile a client flooding
// logins from another address queues behind itself and cannot turn a
// third person's login into a refusal.
both_databases!(login_limits_hold_under_concurrency);
async fn login_limits_hold_under_concurrency(app: TestApp) {
    let attacker = app.anonymous_from("127.0.0.2".parse().unwrap());
    let before = app.login_limits.verified();
    let attempts: Vec<_> = (0..50)
        .map(|_| {
            let (app, attacker) = (app.clone(), attacker.clone());
            tokio::spawn(async move {
                app.call::<()>(
                    &attacker,
                    "login",
                    &[("email", "bertil@acme.example"), ("password", "wrong")],
                )
                .await
            })
        })
        .collect();
    let mut failed = 0;
    let mut locked = 0;
    for a in attempts {
        match a.await.unwrap() {
            Err(billing_portal::error::AppError::LoginFailed) => failed += 1,
            Err(billing_portal::error::AppError::TooManyRequests { .. }) => locked += 1,
            other => panic!("{other:?}"),
        }
    }
    let checked = app.login_limits.verified() - before;
    assert!(checked <= 5, "{checked} passwords reached argon2");
    assert_eq!((failed, locked), (checked as i32, 50 - checked as i32));
    // The right password is refused too while the account is locked.
    let locked_out = app
        .call::<()>(
            &app.anonymous(),
            "login",
            &[
                ("email", "bertil@acme.example"),
                ("password", billing_portal::seed::DEMO_PASSWORD),
            ],
        )
        .await;
    assert!(matches!(
        locked_out,
        Err(billing_portal::error::AppError::TooManyRequests { .. })
    ));

    let flooder = app.anonymous_from("127.0.0.3".parse().unwrap());
    let flood: Vec<_> = (0..120)
        .map(|i| {
            let (app, flooder) = (app.clone(), flooder.clone());
            tokio::spawn(async move {
                let email = format!("nobody{i}@example.com");
                app.call::<()>(
                    &flooder,
                    "login",
                    &[("email", email.as_str()), ("password", "x")],
                )
                .await
            })
        })
        .collect();
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let before = app.login_limits.verified();
    app.login("anna@acme.example").await; // panics on a refusal
    let waited_behind = app.login_limits.verified() - before;
    for f in flood {
        assert!(f.await.unwrap().is_err());
    }
    // Anna waited behind at most the flood's one check at a time, not its queue.
    assert!(
        waited_behind <= 10,
        "{waited_behind} checks ran before Anna's"
    );
}

/// A BgMax file paying `amount` öre to `bankgiro` with `reference`.
fn bank_file(
    bankgiro: &str,
    test: bool,
    reference: &str,
    amount: i64,
    date: chrono::NaiveDate,
) -> Vec<u8> {
    use billing_portal::domain::bgmax::{write, BgMaxFile, BgPayment, Deposit};
    write(&BgMaxFile {
        written_at: "20261201120000000000".into(),
        test,
        deposits: vec![Deposit {
            bankgiro: bankgiro.into(),
            currency: "SEK".into(),
            account: "00000000000000000005841000001009823".into(),
            date,
            serial: 1,
            amount_minor: amount,
            payments: vec![BgPayment {
                deduction: false,
                sender_bankgiro: "0003783511".into(),
                references: vec![reference.into()],
                amount_minor: amount,
                reference_code: 2,
                channel: 1,
                bgc_serial: "000000000001".into(),
                information: vec![],
                payer_name: Some("Acme AB".into()),
                payer_org_number: None,
            }],
        }],
    })
}

/// (id, OCR reference, due date, amount due) of an invoice by number.
async fn owed(
    app: &crate::support::TestApp,
    number: &str,
) -> (i64, String, chrono::NaiveDate, i64) {
    let (id, ocr, due, owed): (i64, String, String, i64) = sqlx::query_as(&format!(
        "SELECT d.id, d.ocr, d.due_date, {} FROM documents d WHERE d.number = $1",
        billing_portal::db::documents::DUE
    ))
    .bind(number)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    (id, ocr, due.parse().unwrap(), owed)
}

// An organisation paying by invoice buys a credit pack: its credits are
// usable at once, a second pack waits until the first is paid, and the
// unpaid invoice makes it past due 14 days after its due date (refusals,
// banner), until the bank file pays it. A bank file marked as a test, or
// for another bankgiro, pays nothing.
both_databases!(
    unpaid_invoices_make_any_organisation_past_due_until_paid,
    backend
);
async fn unpaid_invoices_make_any_organisation_past_due_until_paid(backend: Backend) {
    use crate::card_payments::{books_balance, status};
    use crate::clock::{midnight, org_id};
    use billing_portal::api::credits::{CreditsView, PackBought};
    use billing_portal::domain::party::Party;
    use billing_portal::error::AppError;
    use billing_portal::services::bank::import_bgmax;
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let acme = org_id(&app, "Acme AB").await;
    app.pays_by_invoice(acme).await;
    let anna = app.login("anna@acme.example").await;
    let buy = |view: CreditsView| {
        let (app, anna) = (app.clone(), anna.clone());
        async move {
            let args = [
                ("pack_id", view.packs[0].id.to_string()),
                ("last_purchase", view.last_purchase.clone()),
                ("idempotency_key", view.action_key.clone()),
            ];
            let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.call::<PackBought>(&anna, "buy_pack", &args).await
        }
    };
    let view: CreditsView = app.credits(&anna).await.unwrap();
    let (before, credits) = (view.balance, view.packs[0].credits);
    let offered_before = view.clone();
    let first = buy(view.clone()).await.unwrap();
    let view: CreditsView = app.credits(&anna).await.unwrap();
    assert_eq!(view.balance, before + credits, "usable at once");
    match buy(view).await {
        Err(AppError::Conflict(m)) => assert!(m.to_string().contains(&first.invoice), "{m}"),
        other => panic!("a second pack while the first is unpaid: {other:?}"),
    }
    let (_, ocr, due, owed) = self::owed(&app, &first.invoice).await;
    assert!(owed > 0);
    // 14 days after the due date nothing happens; the 15th it is past due.
    let gateway = app.gateway.clone();
    billing_portal::services::clock::advance(
        &app.db,
        &gateway,
        midnight(due + chrono::Days::new(14)) + chrono::Duration::hours(12),
    )
    .await
    .unwrap();
    assert_ne!(status(&app, acme).await, "past_due");
    let done = billing_portal::services::clock::advance(
        &app.db,
        &gateway,
        midnight(due + chrono::Days::new(15)) + chrono::Duration::hours(12),
    )
    .await
    .unwrap();
    assert!(done.payments.overdue >= 1, "{done:?}");
    assert_eq!(status(&app, acme).await, "past_due");
    let again = billing_portal::services::clock::advance(
        &app.db,
        &gateway,
        midnight(due + chrono::Days::new(15)) + chrono::Duration::hours(13),
    )
    .await
    .unwrap();
    assert_eq!(again.payments.overdue, 0, "marked once");
    app.clock
        .set(midnight(due + chrono::Days::new(15)) + chrono::Duration::hours(13));
    let overview: billing_portal::api::billing::Overview =
        app.billing_overview(&anna).await.unwrap();
    let banner = overview.banners.iter().find_map(|b| match b {
        billing_portal::api::billing::Banner::PastDue(f) => Some(f.clone()),
        _ => None,
    });
    let failed = banner.expect("a past-due banner").expect("what is owed");
    assert_eq!(failed.decline, None, "overdue, not declined");
    assert!(failed.amount.minor() >= owed);
    // No pack while past due: none is offered, and the server refuses one.
    let view: CreditsView = app.credits(&anna).await.unwrap();
    assert!(view.packs.is_empty() && view.packs_refusal.is_some());
    let mut offered_before = offered_before.clone();
    offered_before.last_purchase = view.last_purchase.clone();
    offered_before.action_key = view.action_key.clone();
    assert!(
        matches!(buy(offered_before).await, Err(AppError::Forbidden { .. })),
        "no pack while past due"
    );
    // Money that never reached the seller's account pays nothing.
    for (bankgiro, test) in [("0009912346", true), ("0001234566", false)] {
        let file = bank_file(bankgiro, test, &ocr, owed, due + chrono::Days::new(16));
        let refused = import_bgmax(&app.db, &Party::Command, &file, "991-2346").await;
        assert!(
            matches!(refused, Err(AppError::Invalid { .. })),
            "{refused:?}"
        );
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM bank_payments").await, 0);
    assert_eq!(self::owed(&app, &first.invoice).await.3, owed);
    assert_eq!(status(&app, acme).await, "past_due");
    // The real file pays it, and past due is gone.
    let file = bank_file("0009912346", false, &ocr, owed, due + chrono::Days::new(16));
    let report = import_bgmax(&app.db, &Party::Command, &file, "991-2346")
        .await
        .unwrap();
    assert_eq!(report.matched, 1);
    assert_eq!(self::owed(&app, &first.invoice).await.3, 0);
    assert_eq!(status(&app, acme).await, "active");
    books_balance(&app, acme).await;
}

// A past-due card customer who switches to paying by invoice stays past
// due, and the dunning schedule still ends in Free at the period end.
both_databases!(switching_to_invoice_never_escapes_dunning, backend);
async fn switching_to_invoice_never_escapes_dunning(backend: Backend) {
    use crate::card_payments::status;
    use crate::clock::org_id;
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let forfallna = org_id(&app, "Förfallna AB").await;
    assert_eq!(status(&app, forfallna).await, "past_due");
    app.pays_by_invoice(forfallna).await;
    let free_scheduled = || async {
        app.scalar(&format!(
            "SELECT COUNT(*) FROM subscriptions s JOIN prices p ON p.id = s.scheduled_price_id JOIN plans pl ON pl.id = p.plan_id \
             WHERE s.organisation_id = {forfallna} AND s.team_id IS NULL AND pl.code = 'free'"
        ))
        .await
    };
    assert_eq!(free_scheduled().await, 0);
    let gateway = app.gateway.clone();
    billing_portal::services::clock::advance(&app.db, &gateway, app.now())
        .await
        .unwrap();
    assert_eq!(
        status(&app, forfallna).await,
        "past_due",
        "switching clears nothing"
    );
    let later = app.now() + chrono::Duration::days(8);
    billing_portal::services::clock::advance(&app.db, &gateway, later)
        .await
        .unwrap();
    assert_eq!(
        free_scheduled().await,
        1,
        "cancelled to Free at the period end"
    );
}

// An idempotency key used for one action and sent again with another is
// refused 409, never answered with the first action's answer.
both_databases!(a_key_reused_for_another_action_is_refused);
async fn a_key_reused_for_another_action_is_refused(app: TestApp) {
    let anna = app.login("anna@acme.example").await;
    let key = billing_portal::services::guard::new_key();
    let (status, body) = raw(
        &app,
        &anna,
        "auto_renew",
        &[("on", "false"), ("idempotency_key", &key)],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = raw(
        &app,
        &anna,
        "auto_renew",
        &[("on", "false"), ("idempotency_key", &key)],
    )
    .await;
    assert_eq!(
        status, 200,
        "the same action again: the first answer ({body})"
    );
    let (status, body) = raw(&app, &anna, "retry_payment", &[("idempotency_key", &key)]).await;
    assert_eq!(status, 409, "{body}");
}

/// Operator corrections, as the console's service does them.
fn operator() -> billing_portal::domain::party::Party {
    billing_portal::domain::party::Party::Command
}

/// (id, number, total, net) of the organisation's latest invoice that is not void.
async fn latest_invoice(app: &crate::support::TestApp, org: i64) -> (i64, String, i64, i64) {
    sqlx::query_as(
        "SELECT id, number, total_minor, subtotal_minor FROM documents WHERE organisation_id = $1 \
         AND kind = 'invoice' AND status <> 'void' ORDER BY id DESC LIMIT 1",
    )
    .bind(org)
    .fetch_one(&app.db.pool)
    .await
    .unwrap()
}

/// What the credit notes correcting an invoice credited, VAT included.
async fn credited(app: &crate::support::TestApp, invoice: i64) -> i64 {
    app.scalar(&format!(
        "SELECT CAST(COALESCE(SUM(total_minor), 0) AS BIGINT) FROM documents WHERE kind = 'credit_note' AND corrects_id = {invoice}"
    ))
    .await
}

// A goodwill note for all of the running period's invoice, then an
// upgrade: nothing more is credited. An upgrade, its invoice voided, and
// an upgrade again: the first invoice's unused days are credited once.
both_databases!(a_correction_never_credits_more_than_it_corrects, backend);
async fn a_correction_never_credits_more_than_it_corrects(backend: Backend) {
    use crate::clock::org_id;
    use crate::plan_changes::{confirm, plan_id, preview};
    use billing_portal::domain::party::Acting;
    use billing_portal::services::corrections::{goodwill_note, void_invoice, Step};
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let acme = org_id(&app, "Acme AB").await;
    let anna = app.login("anna@acme.example").await;
    let ops = Acting::by(acme, operator());
    let (a, a_number, a_total, a_net) = latest_invoice(&app, acme).await;
    let net = format!("{}.{:02}", a_net / 100, a_net % 100);
    let key = billing_portal::services::guard::new_key();
    goodwill_note(
        &app.db,
        &ops,
        &a_number,
        &net,
        "the whole month back",
        Step::Confirm { key: &key },
        app.now(),
    )
    .await
    .unwrap();
    assert_eq!(credited(&app, a).await, a_total);
    let business = plan_id(&app, "business").await;
    let p = preview(&app, &anna, business, "monthly", 6).await.unwrap();
    assert!(p.credited_now.is_zero(), "{:?}", p.credited_now);
    let done = confirm(&app, &anna, &p).await.unwrap();
    assert!(done.credit_note.is_none());
    assert_eq!(
        credited(&app, a).await,
        a_total,
        "never more than the invoice"
    );

    // The second case on a fresh app.
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let acme = org_id(&app, "Acme AB").await;
    let anna = app.login("anna@acme.example").await;
    let ops = Acting::by(acme, operator());
    let (a, _, a_total, _) = latest_invoice(&app, acme).await;
    let business = plan_id(&app, "business").await;
    let p = preview(&app, &anna, business, "monthly", 6).await.unwrap();
    assert!(p.credited_now.is_positive());
    let first = p.credited_now.minor();
    let done = confirm(&app, &anna, &p).await.unwrap();
    let upgrade_invoice = done.invoice.unwrap();
    let key = billing_portal::services::guard::new_key();
    void_invoice(
        &app.db,
        &ops,
        &upgrade_invoice,
        "charged by mistake",
        Step::Confirm { key: &key },
        app.now(),
    )
    .await
    .unwrap();
    // Monthly to annual is an upgrade too: it would credit the latest
    // invoice that is not void, A, whose unused days were credited already.
    let p = preview(&app, &anna, business, "annual", 6).await.unwrap();
    assert!(
        p.credited_now.is_zero(),
        "A's unused days again: {:?}",
        p.credited_now
    );
    confirm(&app, &anna, &p).await.unwrap();
    assert_eq!(credited(&app, a).await, first);
    assert!(credited(&app, a).await <= a_total);
}

// After the customer moves from Sweden to Germany, an upgrade's credit
// note and a goodwill note are addressed to the Swedish buyer the invoice
// was issued to, with its 25 % VAT; the new invoice to the German one,
// reverse charged.
both_databases!(a_credit_note_is_addressed_to_the_invoices_buyer, backend);
async fn a_credit_note_is_addressed_to_the_invoices_buyer(backend: Backend) {
    use crate::clock::org_id;
    use crate::plan_changes::{confirm, plan_id, preview};
    use billing_portal::domain::party::Acting;
    use billing_portal::services::corrections::{goodwill_note, Step};
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let acme = org_id(&app, "Acme AB").await;
    let anna = app.login("anna@acme.example").await;
    let (a, a_number, ..) = latest_invoice(&app, acme).await;
    let (status, body) = raw(
        &app,
        &anna,
        "save_billing_details",
        &[
            ("legal_name", "Acme GmbH"),
            ("address", "Hauptstraße 5"),
            ("postal_code", "10115"),
            ("city", "Berlin"),
            ("country", "DE"),
            ("vat_number", "DE123456789"),
            ("invoice_email", "rechnung@acme.example"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let business = plan_id(&app, "business").await;
    let p = preview(&app, &anna, business, "monthly", 6).await.unwrap();
    let done = confirm(&app, &anna, &p).await.unwrap();
    let country = |number: String| {
        let app = app.clone();
        async move {
            let (buyer, rate): (String, String) = sqlx::query_as(
                "SELECT d.buyer, v.rate FROM documents d JOIN document_vat v ON v.document_id = d.id WHERE d.number = $1",
            )
            .bind(&number)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
            let buyer: serde_json::Value = serde_json::from_str(&buyer).unwrap();
            (buyer["country"].as_str().unwrap().to_string(), rate)
        }
    };
    let (cn_country, cn_rate) = country(done.credit_note.clone().unwrap()).await;
    assert_eq!(cn_country, "SE");
    assert!(cn_rate.starts_with("0.25"), "{cn_rate}");
    let (inv_country, inv_rate) = country(done.invoice.clone().unwrap()).await;
    assert_eq!(inv_country, "DE");
    assert!(
        inv_rate
            .trim_start_matches('0')
            .trim_start_matches('.')
            .trim_matches('0')
            .is_empty(),
        "{inv_rate}"
    );
    let ops = Acting::by(acme, operator());
    let key = billing_portal::services::guard::new_key();
    let note = goodwill_note(
        &app.db,
        &ops,
        &a_number,
        "10",
        "sorry",
        Step::Confirm { key: &key },
        app.now(),
    )
    .await
    .unwrap();
    let (gw_country, gw_rate) = country(note.credit_note.unwrap()).await;
    assert_eq!(
        (gw_country.as_str(), gw_rate.starts_with("0.25")),
        ("SE", true)
    );
    let _ = a;
}

// Voiding a credit-pack invoice takes the pack's credits back in the same
// transaction; once some were used, voiding is refused naming what a
// goodwill note can credit, and nothing changes.
both_databases!(voiding_a_pack_invoice_takes_back_its_credits, backend);
async fn voiding_a_pack_invoice_takes_back_its_credits(backend: Backend) {
    use crate::clock::org_id;
    use billing_portal::api::credits::{CreditsView, PackBought};
    use billing_portal::domain::party::Acting;
    use billing_portal::services::corrections::{void_invoice, Step};
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let acme = org_id(&app, "Acme AB").await;
    let anna = app.login("anna@acme.example").await;
    let ops = Acting::by(acme, operator());
    let buy = || async {
        let view: CreditsView = app.credits(&anna).await.unwrap();
        let args = [
            ("pack_id", view.packs[0].id.to_string()),
            ("last_purchase", view.last_purchase.clone()),
            ("idempotency_key", view.action_key.clone()),
        ];
        let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let bought = app
            .call::<PackBought>(&anna, "buy_pack", &args)
            .await
            .unwrap();
        (view, bought)
    };
    let balance = || async { app.credits(&anna).await.unwrap().balance };
    let (before, bought) = buy().await;
    assert_eq!(balance().await, before.balance + before.packs[0].credits);
    let key = billing_portal::services::guard::new_key();
    void_invoice(
        &app.db,
        &ops,
        &bought.invoice,
        "bought by mistake",
        Step::Confirm { key: &key },
        app.now(),
    )
    .await
    .unwrap();
    assert_eq!(
        balance().await,
        before.balance,
        "no usable credit of a voided invoice"
    );
    let withdrawn = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM credit_entries e JOIN credit_grants g ON g.id = e.grant_id \
             JOIN documents d ON d.id = g.document_id WHERE d.number = '{}' AND e.kind = 'expiry'",
            bought.invoice
        ))
        .await;
    assert_eq!(
        withdrawn, 1,
        "the customer's history shows the credits gone"
    );

    // A second pack, used beyond the allowance: voiding is refused.
    let (view, bought) = buy().await;
    let key_secret = new_key(&app, &anna).await;
    let mut left = balance().await;
    let mut n = 0;
    while left > view.packs[0].credits / 2 {
        let run = (left - view.packs[0].credits / 2).min(20_000) * 30;
        let (status, body) = post(
            &app,
            "/api/v1/usage",
            &key_secret,
            &format!(r#"{{"event_id":"use-{n}","runtime_seconds":{run}}}"#),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        left = body["balance"].as_i64().unwrap();
        n += 1;
    }
    let key = billing_portal::services::guard::new_key();
    let refused = void_invoice(
        &app.db,
        &ops,
        &bought.invoice,
        "too late",
        Step::Confirm { key: &key },
        app.now(),
    )
    .await;
    match refused {
        Err(billing_portal::error::AppError::Invalid { message, .. }) => {
            assert!(message.to_string().contains("goodwill"), "{message}")
        }
        other => panic!("a used pack's invoice is not voided: {other:?}"),
    }
    assert_eq!(balance().await, left, "nothing changed");
    let _ = view;
}

// The account balance left by a goodwill note is shown on the overview and
// the invoices page, and the overview's next invoice equals what the test
// clock predicts the clock will issue, balance applied.
both_databases!(the_next_invoice_counts_the_account_balance, backend);
async fn the_next_invoice_counts_the_account_balance(backend: Backend) {
    use crate::clock::{midnight, org_id};
    use billing_portal::api::billing::Overview;
    use billing_portal::api::documents::DocumentList;
    use billing_portal::domain::party::Acting;
    use billing_portal::services::corrections::{goodwill_note, Step};
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let acme = org_id(&app, "Acme AB").await;
    let anna = app.login("anna@acme.example").await;
    let (_, a_number, ..) = latest_invoice(&app, acme).await;
    // Paid already (card), so the whole note becomes account credit.
    let ops = Acting::by(acme, operator());
    let key = billing_portal::services::guard::new_key();
    let note = goodwill_note(
        &app.db,
        &ops,
        &a_number,
        "590",
        "a month of trouble",
        Step::Confirm { key: &key },
        app.now(),
    )
    .await
    .unwrap();
    assert!(note.to_balance.is_positive(), "{note:?}");
    let o: Overview = app.billing_overview(&anna).await.unwrap();
    assert_eq!(o.account_balance, note.to_balance);
    let list: DocumentList = app.call(&anna, "documents", &[]).await.unwrap();
    assert_eq!(list.account_balance, note.to_balance);
    let html = app.page_html(&anna, "/billing").await;
    assert!(html.contains("data-test=\"account-balance\""));
    let date = o.next_billing_date.unwrap();
    let predicted = billing_portal::services::clock::predict(
        &app.db,
        acme,
        midnight(date) + chrono::Duration::hours(1),
    )
    .await
    .unwrap();
    let renewal = predicted.first().expect("the clock renews");
    assert_eq!(o.next_amount, Some(renewal.totals.total));
    assert_eq!(o.next_amount_due, Some(renewal.totals.amount_due));
    assert!(renewal.totals.credit_applied.is_positive());
}

// A request that loaded the session before a logout deleted it and saves
// it after does not bring the session back: the old cookie stays logged out.
both_databases!(a_session_saved_after_logout_stays_gone, backend);
async fn a_session_saved_after_logout_stays_gone(backend: Backend) {
    use billing_portal::db::session_store::DbSessionStore;
    use tower_sessions::session::Id;
    use tower_sessions::SessionStore;
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let anna = app.login("anna@acme.example").await;
    let cookie = app.session_cookie(&anna).unwrap();
    let id: Id = cookie.parse().unwrap();
    let store = DbSessionStore::new(app.db.clone());
    let loaded = store
        .load(&id)
        .await
        .unwrap()
        .expect("the logged-in session");
    app.call::<()>(&anna, "logout", &[]).await.unwrap();
    store.save(&loaded).await.unwrap();
    assert!(store.load(&id).await.unwrap().is_none(), "not brought back");
    let copied = app.client_with_cookie(&cookie);
    let refused = app.billing_overview(&copied).await;
    assert_eq!(
        refused.unwrap_err(),
        billing_portal::error::AppError::Unauthenticated
    );
}

// The partner-managed owner is told why she cannot change billing (the
// partner manages it), never that only the billing owner can: she is it.
both_databases!(a_partner_managed_owner_is_told_the_real_reason, backend);
async fn a_partner_managed_owner_is_told_the_real_reason(backend: Backend) {
    use billing_portal::api::documents::BillingDetailsView;
    use billing_portal::api::payment::PaymentMethodPage;
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let pia = app.login("pia@partnerkunden.example").await;
    let page: PaymentMethodPage = app.payment_method(&pia).await.unwrap();
    assert!(!page.editable);
    let why = page.refusal.unwrap().to_string();
    assert!(why.contains("Nordic Partners AB"), "{why}");
    let details: BillingDetailsView = app.billing_details(&pia).await.unwrap();
    assert!(!details.editable);
    assert!(details
        .refusal
        .unwrap()
        .to_string()
        .contains("Nordic Partners AB"));
    let credits: billing_portal::api::credits::CreditsView = app.credits(&pia).await.unwrap();
    assert!(credits.packs.is_empty());
    assert!(credits
        .packs_refusal
        .unwrap()
        .to_string()
        .contains("Nordic Partners AB"));
}

/// A provider stand-in around the test provider: counts the calls per
/// key, can lose its first answer (the card is charged, the answer never
/// arrives: a timeout), and checks on every charge that nobody holds the
/// organisation's lock (on SQLite: the one writer) while it is asked.
struct Provider {
    inner: billing_portal::services::provider::TestProvider,
    lose_first: std::sync::atomic::AtomicBool,
    calls: std::sync::Mutex<std::collections::HashMap<String, u32>>,
    lock_free: std::sync::Mutex<Vec<bool>>,
    db: billing_portal::db::Db,
    org_id: i64,
}

#[async_trait::async_trait]
impl billing_portal::services::provider::PaymentProvider for Provider {
    async fn save_card(
        &self,
        card: &billing_portal::domain::card::Card,
    ) -> Result<
        billing_portal::services::provider::SavedCard,
        billing_portal::domain::payment::Decline,
    > {
        self.inner.save_card(card).await
    }

    async fn charge(
        &self,
        token: &str,
        amount: billing_portal::domain::money::Money,
        key: &str,
    ) -> Result<String, billing_portal::services::provider::ChargeError> {
        let free = tokio::time::timeout(std::time::Duration::from_secs(5), async {
            let mut tx = self.db.write().await.unwrap();
            billing_portal::db::subscriptions::lock_org(&mut tx, self.org_id)
                .await
                .unwrap();
            tx.rollback().await.unwrap();
        })
        .await
        .is_ok();
        self.lock_free.lock().unwrap().push(free);
        *self
            .calls
            .lock()
            .unwrap()
            .entry(key.to_string())
            .or_default() += 1;
        let answer = self.inner.charge(token, amount, key).await;
        let ours = key.starts_with(&format!("org{}-", self.org_id));
        if ours
            && self
                .lose_first
                .swap(false, std::sync::atomic::Ordering::SeqCst)
        {
            return Err(billing_portal::services::provider::ChargeError::Unknown(
                "timed out".into(),
            ));
        }
        answer
    }

    async fn begin_paypal(
        &self,
        approval: &str,
    ) -> Result<String, billing_portal::domain::payment::Decline> {
        self.inner.begin_paypal(approval).await
    }

    async fn finish_paypal(
        &self,
        approval: &str,
    ) -> Result<
        billing_portal::services::provider::SavedAgreement,
        billing_portal::domain::payment::Decline,
    > {
        self.inner.finish_paypal(approval).await
    }
}

fn gateway_of(provider: std::sync::Arc<Provider>) -> billing_portal::services::payments::Gateway {
    billing_portal::services::payments::Gateway {
        provider,
        retry_days: vec![1, 3, 5, 7],
        overdue_days: 14,
    }
}

/// (attempts, payments) recorded for an invoice.
async fn charged(app: &crate::support::TestApp, invoice: i64) -> (i64, i64) {
    (
        app.scalar(&format!("SELECT COUNT(*) FROM payment_attempts WHERE invoice_id = {invoice}"))
            .await,
        app.scalar(&format!(
            "SELECT COUNT(*) FROM allocations WHERE invoice_id = {invoice} AND payment_id IS NOT NULL"
        ))
        .await,
    )
}

// The renewal is charged by the clock with no lock held while the provider
// answers; the answer is lost (a timeout): that is no decline, nothing is
// recorded, the organisation is not past due. The next run asks again with
// the same key and records the one charge the provider made.
both_databases!(
    an_unknown_charge_outcome_is_asked_again_never_declined,
    backend
);
async fn an_unknown_charge_outcome_is_asked_again_never_declined(backend: Backend) {
    use crate::card_payments::status;
    use crate::clock::{midnight, org_id, sub};
    use billing_portal::services::clock::advance;
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let acme = org_id(&app, "Acme AB").await;
    let provider = std::sync::Arc::new(Provider {
        inner: Default::default(),
        lose_first: true.into(),
        calls: Default::default(),
        lock_free: Default::default(),
        db: app.db.clone(),
        org_id: acme,
    });
    let gateway = gateway_of(provider.clone());
    let (_, end, ..) = sub(&app, acme).await;
    advance(
        &app.db,
        &gateway,
        midnight(end) + chrono::Duration::hours(1),
    )
    .await
    .unwrap();
    let (renewal, ..) = latest_invoice(&app, acme).await;
    assert_eq!(charged(&app, renewal).await, (0, 0), "nothing recorded");
    assert_ne!(
        status(&app, acme).await,
        "past_due",
        "an unknown outcome is no decline"
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM charge_intents WHERE resolved_at IS NULL")
            .await,
        1
    );
    advance(
        &app.db,
        &gateway,
        midnight(end) + chrono::Duration::hours(2),
    )
    .await
    .unwrap();
    assert_eq!(charged(&app, renewal).await, (1, 1), "recorded once");
    // Other organisations renew too; Acme's charge is one key, asked twice.
    let calls: Vec<(String, u32)> = provider
        .calls
        .lock()
        .unwrap()
        .iter()
        .filter(|(k, _)| k.starts_with(&format!("org{acme}-")))
        .map(|(k, n)| (k.clone(), *n))
        .collect();
    assert_eq!(calls.len(), 1, "one key: {calls:?}");
    assert_eq!(calls[0].1, 2, "asked twice with it: {calls:?}");
    assert!(
        provider.lock_free.lock().unwrap().iter().all(|free| *free),
        "no lock held while the provider answers"
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM charge_intents WHERE resolved_at IS NULL")
            .await,
        0
    );
    crate::card_payments::books_balance(&app, acme).await;
}

// A pack is bought and charged, but recording the charge fails (a fault
// injected into the database): the purchase stands, the charge stays open,
// and the clock records it by asking the provider again with its key, so
// the card is charged once and the invoice paid once.
both_databases!(
    a_charge_whose_recording_failed_is_recorded_once_later,
    backend
);
async fn a_charge_whose_recording_failed_is_recorded_once_later(backend: Backend) {
    use crate::clock::org_id;
    use billing_portal::api::credits::CreditsView;
    use billing_portal::domain::party::Acting;
    use billing_portal::domain::roles::{Actor, Role};
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let acme = org_id(&app, "Acme AB").await;
    let anna = app.login("anna@acme.example").await;
    let view: CreditsView = app.credits(&anna).await.unwrap();
    let provider = std::sync::Arc::new(Provider {
        inner: Default::default(),
        lose_first: false.into(),
        calls: Default::default(),
        lock_free: Default::default(),
        db: app.db.clone(),
        org_id: acme,
    });
    let gateway = gateway_of(provider.clone());
    let fault: &[&str] = match backend {
        Backend::Sqlite => &["CREATE TRIGGER fault BEFORE INSERT ON payment_attempts BEGIN SELECT RAISE(ABORT, 'injected fault'); END"],
        Backend::Postgres => &[
            "CREATE FUNCTION fault() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected fault'; END $$",
            "CREATE TRIGGER fault BEFORE INSERT ON payment_attempts FOR EACH ROW EXECUTE FUNCTION fault()",
        ],
    };
    for sql in fault {
        sqlx::query(sql).execute(&app.db.pool).await.unwrap();
    }
    let anna_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = 'anna@acme.example'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let who = Acting::member(
        acme,
        anna_id,
        Actor {
            role: Role::Admin,
            is_billing_owner: true,
        },
    );
    let bought = billing_portal::services::credits::buy_pack(
        &app.db,
        &gateway,
        who,
        view.packs[0].id,
        &view.last_purchase,
        &view.action_key,
        app.now(),
    )
    .await
    .unwrap();
    assert_eq!(bought.payment, None, "no outcome could be recorded");
    let invoice: i64 = sqlx::query_scalar("SELECT id FROM documents WHERE number = $1")
        .bind(&bought.invoice)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(charged(&app, invoice).await, (0, 0));
    let drop_fault: &[&str] = match backend {
        Backend::Sqlite => &["DROP TRIGGER fault"],
        Backend::Postgres => &[
            "DROP TRIGGER fault ON payment_attempts",
            "DROP FUNCTION fault()",
        ],
    };
    for sql in drop_fault {
        sqlx::query(sql).execute(&app.db.pool).await.unwrap();
    }
    let done = billing_portal::services::payments::resolve_open(&app.db, &gateway)
        .await
        .unwrap();
    assert_eq!(done.paid, 1);
    assert_eq!(charged(&app, invoice).await, (1, 1), "paid once");
    let calls = provider.calls.lock().unwrap().clone();
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(
        calls.values().sum::<u32>(),
        2,
        "asked again with the same key"
    );
    assert!(provider.lock_free.lock().unwrap().iter().all(|free| *free));
    // The purchase's key now answers with the payment.
    let again = billing_portal::services::credits::buy_pack(
        &app.db,
        &gateway,
        who,
        view.packs[0].id,
        &view.last_purchase,
        &view.action_key,
        app.now(),
    )
    .await
    .unwrap();
    assert_eq!(again.invoice, bought.invoice, "the first answer");
    crate::card_payments::books_balance(&app, acme).await;
}

// A bank payment matched to the wrong invoice is reversed by an operator:
// the invoice owes it again, what went to the balance comes off it, the
// payment waits for matching by hand, the books balance, the SIE export
// books the reversal, and the audit log says who and why. Once.
both_databases!(an_operator_reverses_a_wrong_match, backend);
async fn an_operator_reverses_a_wrong_match(backend: Backend) {
    use crate::clock::org_id;
    use billing_portal::domain::party::Party;
    use billing_portal::services::bank::{import_bgmax, reverse_match, unmatched};
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let acme = org_id(&app, "Acme AB").await;
    app.pays_by_invoice(acme).await;
    let anna = app.login("anna@acme.example").await;
    let view: billing_portal::api::credits::CreditsView = app.credits(&anna).await.unwrap();
    let args = [
        ("pack_id", view.packs[0].id.to_string()),
        ("last_purchase", view.last_purchase.clone()),
        ("idempotency_key", view.action_key.clone()),
    ];
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let bought = app
        .call::<billing_portal::api::credits::PackBought>(&anna, "buy_pack", &args)
        .await
        .unwrap();
    let (invoice, ocr, due, owed_before) = owed(&app, &bought.invoice).await;
    // 100 kr more than owed: the rest goes to the balance.
    let file = bank_file("0009912346", false, &ocr, owed_before + 10_000, due);
    let report = import_bgmax(&app.db, &Party::Command, &file, "991-2346")
        .await
        .unwrap();
    assert_eq!(report.matched, 1);
    assert_eq!(owed(&app, &bought.invoice).await.3, 0);
    let balance = || async {
        app.scalar(&format!(
            "SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) FROM balance_entries WHERE organisation_id = {acme}"
        ))
        .await
    };
    let balance_before = balance().await;
    let bank_payment = app.scalar("SELECT MAX(id) FROM bank_payments").await;
    let operator = Party::Command;
    reverse_match(
        &app.db,
        &operator,
        bank_payment,
        "matched to Acme by mistake",
        due,
    )
    .await
    .unwrap();
    assert_eq!(
        owed(&app, &bought.invoice).await.3,
        owed_before,
        "owed again"
    );
    assert_eq!(balance().await, balance_before - 10_000);
    assert!(
        unmatched(&app.db)
            .await
            .unwrap()
            .iter()
            .any(|u| u.id == bank_payment),
        "waits again"
    );
    let (l, r) = crate::payments::books(&app, acme).await;
    assert_eq!(l, r, "the books balance");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'payment.reversed'")
            .await,
        1
    );
    // Once: the payment is no longer matched.
    let again = reverse_match(&app.db, &operator, bank_payment, "again", due).await;
    assert!(
        matches!(again, Err(billing_portal::error::AppError::Invalid { .. })),
        "{again:?}"
    );
    // The bookkeeping export books the payment and its reversal, which cancel out.
    let export = billing_portal::services::bookkeeping::sie(
        &app.db,
        &billing_portal::config::Config::with_database(String::new()).seller,
        due,
        due,
        app.now(),
    )
    .await
    .unwrap();
    let text = billing_portal::domain::sie::cp437::decode(&export.file);
    assert!(text.contains("Återförd inbetalning"), "{text}");
    let _ = invoice;
}

// A member of a team with a subscription of its own takes a seat of that
// subscription: reactivating one is refused when the team's seats are
// full, though the organisation (on Free) has no limit.
both_databases!(team_seats_hold_when_a_member_comes_back, backend);
async fn team_seats_hold_when_a_member_comes_back(backend: Backend) {
    use crate::clock::org_id;
    use crate::team_plans::{confirm, preview, team_id};
    use billing_portal::domain::party::{Acting, Party};
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let teamet = org_id(&app, "Teamet AB").await;
    let sales = team_id(&app, "Sälj").await;
    let tea = app.login("tea@teamet.example").await;
    let professional = crate::plan_changes::plan_id(&app, "professional").await;
    let p = preview(&app, &tea, Some(sales), professional, 2)
        .await
        .unwrap();
    confirm(&app, &tea, &p).await.unwrap();
    let ops = Acting::by(teamet, Party::Command);
    let sam: i64 = sqlx::query_scalar(
        "SELECT m.id FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.email = 'sam@teamet.example'",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    billing_portal::services::members::set_active(&app.db, &ops, sam, false)
        .await
        .unwrap();
    // Sam's seat is taken by another paid member of Sälj meanwhile.
    sqlx::query(
        "INSERT INTO memberships (organisation_id, user_id, team_id, role) \
         SELECT $1, u.id, $2, 'member' FROM users u WHERE u.email = 'bertil@acme.example'",
    )
    .bind(teamet)
    .bind(sales)
    .execute(&app.db.pool)
    .await
    .unwrap();
    match billing_portal::services::members::set_active(&app.db, &ops, sam, true).await {
        Err(billing_portal::error::AppError::Invalid { message, .. }) => {
            assert!(message.to_string().contains("seats"), "{message}")
        }
        other => panic!("Sälj's two seats are taken: {other:?}"),
    }
}
