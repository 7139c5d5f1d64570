//! The settlement ledger (R-PAY-1, issue 12): payments and credit notes are
//! allocated to invoices; amounts due and paid status follow from them; the
//! books balance to the öre.

use crate::clock::{midnight, org_id, sub};
use crate::plan_changes::{confirm, plan_id, preview};
use crate::support::{both_databases, spawn_app, Backend, TestApp};
use billing_portal::db::payments::{Method, NewPayment};
use billing_portal::domain::money::{Currency, Money};
use billing_portal::domain::party::Party;
use billing_portal::services::clock::advance;
use billing_portal::services::payments::receive;
use chrono::{DateTime, Duration, NaiveDate, Utc};

/// Acme renewed by the clock at its period end and nobody paying: (Acme,
/// the boundary instant, its day, the renewal invoice, what it owes).
async fn acme_renewed(app: &TestApp) -> (i64, DateTime<Utc>, NaiveDate, i64, i64) {
    let acme = org_id(app, "Acme AB").await;
    app.pays_by_invoice(acme).await;
    let (_, end, ..) = sub(app, acme).await;
    let at = midnight(end);
    advance(&app.db, &app.gateway, at).await.unwrap();
    let (renewal, due) = *invoices(app, acme).await.last().unwrap();
    assert!(due > 0, "a renewal nobody paid is owed");
    (acme, at, end, renewal, due)
}

/// Σ invoices − Σ credit notes = Σ payments + Σ amounts due − balance, for
/// one organisation, to the öre; returns the two sides.
pub(crate) async fn books(app: &TestApp, org: i64) -> (i64, i64) {
    let q = |sql: &str| sql.replace("$ORG", &org.to_string());
    let invoiced = app
        .scalar(&q("SELECT CAST(COALESCE(SUM(total_minor), 0) AS BIGINT) FROM documents WHERE organisation_id = $ORG AND kind = 'invoice' AND status <> 'void'"))
        .await;
    let credited = app
        .scalar(&q("SELECT CAST(COALESCE(SUM(total_minor), 0) AS BIGINT) FROM documents WHERE organisation_id = $ORG AND kind = 'credit_note'"))
        .await;
    let paid = app
        .scalar(&q("SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) FROM payments WHERE organisation_id = $ORG"))
        .await
        - app
            .scalar(&q("SELECT CAST(COALESCE(SUM(allocated_minor + to_balance_minor), 0) AS BIGINT) FROM payment_reversals WHERE organisation_id = $ORG"))
            .await;
    let due = app
        .scalar(&q(&format!(
            "SELECT CAST(COALESCE(SUM({}), 0) AS BIGINT) FROM documents d WHERE d.organisation_id = $ORG",
            billing_portal::db::documents::DUE
        )))
        .await;
    let balance = app
        .scalar(&q("SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) FROM balance_entries WHERE organisation_id = $ORG"))
        .await;
    (invoiced - credited, paid + due - balance)
}

/// (id, still due) of an organisation's invoices, oldest first.
async fn invoices(app: &TestApp, org: i64) -> Vec<(i64, i64)> {
    sqlx::query_as(&format!(
        "SELECT d.id, {} FROM documents d WHERE d.organisation_id = $1 AND d.kind = 'invoice' ORDER BY d.id",
        billing_portal::db::documents::DUE
    ))
    .bind(org)
    .fetch_all(&app.db.pool)
    .await
    .unwrap()
}

async fn pay(app: &TestApp, org: i64, invoice: Option<i64>, minor: i64, on: NaiveDate) {
    let mut tx = app.db.write().await.unwrap();
    billing_portal::db::subscriptions::lock_org(&mut tx, org)
        .await
        .unwrap();
    receive(
        &mut tx,
        &Party::Command,
        &NewPayment {
            org_id: org,
            method: Method::Bank,
            amount: Money::new(minor, Currency::Sek),
            received_on: on,
            reference: "test",
            instrument: None,
        },
        invoice,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

// Partial payments leave the rest due, a payment in full makes the invoice
// paid, an overpayment becomes account balance that the next invoice uses;
// after every step the books balance to the öre.
both_databases!(payments_settle_invoices_and_the_books_balance);
async fn payments_settle_invoices_and_the_books_balance(app: TestApp) {
    let acme = org_id(&app, "Acme AB").await;
    let (l, r) = books(&app, acme).await;
    assert_eq!(l, r, "the demo data balances");
    let (acme, at, end, renewal, due) = acme_renewed(&app).await;

    // A partial payment: the rest stays due.
    pay(&app, acme, Some(renewal), 10_000, end).await;
    assert_eq!(invoices(&app, acme).await.last().unwrap().1, due - 10_000);
    let (l, r) = books(&app, acme).await;
    assert_eq!(l, r);
    // The rest and 500 kr more: paid, and 500 kr on the balance.
    pay(&app, acme, Some(renewal), due - 10_000 + 50_000, end).await;
    assert_eq!(invoices(&app, acme).await.last().unwrap().1, 0);
    let balance = app
        .scalar(&format!("SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) FROM balance_entries WHERE organisation_id = {acme}"))
        .await;
    assert_eq!(balance, 50_000);
    let (l, r) = books(&app, acme).await;
    assert_eq!(l, r);
    // The next renewal uses the balance: 500 kr less is due.
    advance(&app.db, &app.gateway, at + Duration::days(31))
        .await
        .unwrap();
    let (_, next_due) = *invoices(&app, acme).await.last().unwrap();
    assert_eq!(next_due, due - 50_000);
    let (l, r) = books(&app, acme).await;
    assert_eq!(l, r);
    // The invoice page says paid, and what is owed.
    let number: String = sqlx::query_scalar("SELECT number FROM documents WHERE id = $1")
        .bind(renewal)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let anna = app.login("anna@acme.example").await;
    let view: serde_json::Value = app
        .call(&anna, "document", &[("number", &number)])
        .await
        .unwrap();
    assert_eq!(
        view["summary"]["status"],
        serde_json::json!("Paid"),
        "{view}"
    );
    assert_eq!(view["summary"]["amount_due"]["minor"], serde_json::json!(0));
}

// An upgrade's credit note first settles what the invoice it corrects
// still owes (an unpaid renewal's due drops); only the rest is balance.
both_databases!(a_credit_note_settles_the_unpaid_invoice_it_corrects);
async fn a_credit_note_settles_the_unpaid_invoice_it_corrects(app: TestApp) {
    let (acme, at, _, renewal, due) = acme_renewed(&app).await;
    // Ten days into the new period the owner upgrades.
    app.clock.set(at + Duration::days(10));
    let anna = app.login("anna@acme.example").await;
    let business = plan_id(&app, "business").await;
    let p = preview(&app, &anna, business, "monthly", 6).await.unwrap();
    confirm(&app, &anna, &p).await.unwrap();
    let credited: i64 = sqlx::query_scalar(
        "SELECT total_minor FROM documents WHERE corrects_id = $1 AND kind = 'credit_note'",
    )
    .bind(renewal)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert!(credited > 0 && credited < due);
    let after = invoices(&app, acme).await;
    let renewal_due = after.iter().find(|(id, _)| *id == renewal).unwrap().1;
    assert_eq!(
        renewal_due,
        due - credited,
        "the credit note settles the unpaid renewal"
    );
    let balance = app
        .scalar(&format!("SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) FROM balance_entries WHERE organisation_id = {acme}"))
        .await;
    assert_eq!(balance, 0, "nothing of it became spendable balance");
    let (l, r) = books(&app, acme).await;
    assert_eq!(l, r);
}

// Random payments — partial, exact, over, for no invoice — in random order
// on random invoices, with renewals between: the books balance to the öre
// after every step, and no invoice ever owes less than nothing.
both_databases!(the_books_balance_after_any_sequence_of_payments);
async fn the_books_balance_after_any_sequence_of_payments(app: TestApp) {
    let acme = org_id(&app, "Acme AB").await;
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let mut now = app.now();
    for step in 0..60 {
        match next(5) {
            0 => {
                now += Duration::days(1 + next(40) as i64);
                advance(&app.db, &app.gateway, now).await.unwrap();
            }
            1 => pay(&app, acme, None, 1 + next(100_000) as i64, now.date_naive()).await,
            _ => {
                let all = invoices(&app, acme).await;
                let (id, due) = all[next(all.len() as u64) as usize];
                let amount = match next(3) {
                    0 => due.max(1),
                    1 => 1 + next(due.max(1) as u64) as i64,
                    _ => due + 1 + next(200_000) as i64,
                };
                pay(&app, acme, Some(id), amount, now.date_naive()).await;
            }
        }
        let (l, r) = books(&app, acme).await;
        assert_eq!(l, r, "step {step}");
        assert!(invoices(&app, acme).await.iter().all(|(_, due)| *due >= 0));
    }
}

// A database from before the ledger: invoices stored as paid become
// payments allocated to them (by the organisation's method of the time),
// their stored status open; they still read as paid, owing nothing.
both_databases!(invoices_paid_before_the_ledger_become_payments, backend);
async fn invoices_paid_before_the_ledger_become_payments(backend: Backend) {
    // The migrations up to the one before the ledger.
    let Some((db, all, _cleanup)) = crate::support::database_before(backend, 9).await else {
        return;
    };
    sqlx::query(
        "INSERT INTO organisations (name, legal_name, city, postal_code, payment_method, created_at) \
         VALUES ('Gamla AB', 'Gamla AB', 'Stockholm', '111 22', 'card', '2026-01-01T00:00:00Z')",
    )
    .execute(&db.pool)
    .await
    .unwrap();
    for (number, status, due) in [
        ("2026-000001", "paid", 125_000),
        ("2026-000002", "pending", 125_000),
        ("2026-000003", "paid", 0),
    ] {
        sqlx::query(
            "INSERT INTO documents (organisation_id, kind, number, series_year, seq, issue_date, due_date, status, currency, \
             subtotal_minor, vat_minor, total_minor, credit_applied_minor, amount_due_minor, buyer, created_at) \
             SELECT id, 'invoice', $1, 2026, $4, '2026-01-01', '2026-01-31', $2, 'SEK', 100000, 25000, 125000, \
             125000 - $3, $3, '{}', '2026-01-01T00:00:00Z' FROM organisations WHERE name = 'Gamla AB'",
        )
        .bind(number)
        .bind(status)
        .bind(due)
        .bind(number[5..].parse::<i64>().unwrap())
        .execute(&db.pool)
        .await
        .unwrap();
    }
    all.run(&db.pool).await.unwrap();
    let rows: Vec<(String, String, i64)> = sqlx::query_as(&format!(
        "SELECT d.number, d.status, {} FROM documents d ORDER BY d.number",
        billing_portal::db::documents::DUE
    ))
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert_eq!(
        rows,
        [
            ("2026-000001".to_string(), "pending".to_string(), 0),
            ("2026-000002".to_string(), "pending".to_string(), 125_000),
            ("2026-000003".to_string(), "pending".to_string(), 0)
        ]
    );
    let payments: Vec<(String, i64)> = sqlx::query_as("SELECT method, amount_minor FROM payments")
        .fetch_all(&db.pool)
        .await
        .unwrap();
    assert_eq!(payments, [("card".to_string(), 125_000)]);
}

// A BgMax file: a payment with the renewal's OCR reference settles it, one
// with a wrong reference waits for manual matching, a deduction too; the
// same file again adds nothing; a malformed file changes nothing.
both_databases!(a_bgmax_file_settles_invoices_by_ocr_once, backend);
async fn a_bgmax_file_settles_invoices_by_ocr_once(backend: Backend) {
    use billing_portal::domain::bgmax::{write, BgMaxFile, BgPayment, Deposit};
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let (acme, _, end, renewal, due) = acme_renewed(&app).await;
    let ocr: String = sqlx::query_scalar("SELECT ocr FROM documents WHERE id = $1")
        .bind(renewal)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let payment = |serial: &str, reference: &str, amount: i64, deduction: bool| BgPayment {
        deduction,
        sender_bankgiro: "0003783511".into(),
        references: vec![reference.into()],
        amount_minor: amount,
        reference_code: 2,
        channel: 1,
        bgc_serial: serial.into(),
        information: vec![],
        payer_name: Some("Acme AB".into()),
        payer_org_number: None,
    };
    let payments = vec![
        payment("000000000001", &ocr, due, false),
        payment("000000000002", "12345678", 10_000, false),
        payment("000000000003", "", 500, true),
        payment("000000000004", &ocr, 0, false),
    ];
    let file = BgMaxFile {
        written_at: "20261201120000000000".into(),
        test: false,
        deposits: vec![Deposit {
            bankgiro: "0009912346".into(),
            currency: "SEK".into(),
            account: "00000000000000000005841000001009823".into(),
            date: end + Duration::days(3),
            serial: 1,
            amount_minor: due + 10_000 - 500,
            payments,
        }],
    };
    let bytes = write(&file);
    let report =
        billing_portal::services::bank::import_bgmax(&app.db, &Party::Command, &bytes, "991-2346")
            .await
            .unwrap();
    assert_eq!(
        (report.in_file, report.matched, report.already_imported),
        (4, 1, 0)
    );
    let why: Vec<&str> = report.unmatched.iter().map(|u| u.why.as_str()).collect();
    assert_eq!(
        why,
        [
            "no valid OCR reference of an invoice",
            "a deduction",
            "an amount of nothing"
        ]
    );
    assert_eq!(
        invoices(&app, acme).await.last().unwrap(),
        &(renewal, 0),
        "paid by the bank"
    );
    let (l, r) = books(&app, acme).await;
    assert_eq!(l, r);
    // The same file again: nothing new.
    let again =
        billing_portal::services::bank::import_bgmax(&app.db, &Party::Command, &bytes, "991-2346")
            .await
            .unwrap();
    assert_eq!((again.matched, again.already_imported), (0, 3));
    assert_eq!(
        again.unmatched.len(),
        1,
        "the payment of nothing, again not kept"
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM bank_payments").await,
        3,
        "each payment kept once"
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM bank_payments WHERE payment_id IS NOT NULL")
            .await,
        1
    );
    // Bankgirot's example repeats a BGC serial number in one deposit: both
    // payments are kept, once each.
    let example = include_bytes!(
        "../fixtures/bgmax/bankgiroinbetalningar_exempelfil_avtal-om-ocr-kontroll_checksiffra_langd_sv.txt"
    );
    for already in [0, 7] {
        let r = billing_portal::services::bank::import_bgmax(
            &app.db,
            &Party::Command,
            example,
            "991-2346",
        )
        .await
        .unwrap();
        assert_eq!((r.in_file, r.already_imported), (7, already));
    }
    // A malformed file is refused whole: 422 naming the line, nothing kept.
    let mut broken = bytes.clone();
    // A count in the end record (70) that is not a number.
    let end_record = broken.windows(4).rposition(|w| w == b"\r\n70").unwrap();
    broken[end_record + 6] = b'x';
    let before = app.scalar("SELECT COUNT(*) FROM bank_payments").await;
    match billing_portal::services::bank::import_bgmax(
        &app.db,
        &Party::Command,
        &broken,
        "991-2346",
    )
    .await
    {
        Err(e) => assert!(e.to_string().contains("line"), "{e}"),
        Ok(r) => panic!("a broken file was imported: {r:?}"),
    }
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM bank_payments").await,
        before
    );
}

// An operator records a bank payment by hand: by its OCR reference it
// settles the invoice, recorded twice it counts once; one without a usable
// reference waits in the list until the operator matches it to an invoice
// by number; a second match of the same payment is refused.
both_databases!(recorded_bank_payments_match_by_ocr_or_by_hand, backend);
async fn recorded_bank_payments_match_by_ocr_or_by_hand(backend: Backend) {
    use billing_portal::error::AppError;
    use billing_portal::services::bank::{
        match_to_invoice, record, unmatched, Recorded, Recording,
    };
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let (acme, _, day, renewal, due) = acme_renewed(&app).await;
    let (ocr, number): (String, String) =
        sqlx::query_as("SELECT ocr, number FROM documents WHERE id = $1")
            .bind(renewal)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    let sek = |minor| Money::new(minor, Currency::Sek);
    let part = Recording {
        key: "statement-1/line-4".into(),
        date: day,
        amount: sek(due - 10_000),
        reference: ocr.clone(),
        payer: Some("Acme AB".into()),
    };
    assert_eq!(
        record(&app.db, &Party::Command, &part).await.unwrap(),
        Recorded::Matched
    );
    assert_eq!(
        record(&app.db, &Party::Command, &part).await.unwrap(),
        Recorded::AlreadyRecorded
    );
    assert_eq!(
        invoices(&app, acme).await.last().unwrap().1,
        10_000,
        "the rest is still due"
    );
    let wrong = Recording {
        key: "statement-1/line-5".into(),
        reference: "betalning acme".into(),
        amount: sek(10_000),
        ..part.clone()
    };
    match record(&app.db, &Party::Command, &wrong).await.unwrap() {
        Recorded::Unmatched(why) => assert!(why.contains("OCR"), "{why}"),
        other => panic!("no OCR reference: {other:?}"),
    }
    let waiting = unmatched(&app.db).await.unwrap();
    let w = waiting
        .iter()
        .find(|w| w.reference == "betalning acme")
        .expect("listed for matching");
    assert!(matches!(
        match_to_invoice(&app.db, &Party::Command, w.id, "2099-999999").await,
        Err(AppError::Invalid { .. })
    ));
    match_to_invoice(&app.db, &Party::Command, w.id, &number)
        .await
        .unwrap();
    assert_eq!(
        invoices(&app, acme).await.last().unwrap().1,
        0,
        "paid in full"
    );
    assert!(!unmatched(&app.db)
        .await
        .unwrap()
        .iter()
        .any(|u| u.id == w.id));
    assert!(
        matches!(
            match_to_invoice(&app.db, &Party::Command, w.id, &number).await,
            Err(AppError::Invalid { .. })
        ),
        "matched once"
    );
    assert!(matches!(
        record(
            &app.db,
            &Party::Command,
            &Recording {
                amount: sek(0),
                key: "x".into(),
                ..part.clone()
            }
        )
        .await,
        Err(AppError::Invalid { .. })
    ));
    let (left, right) = books(&app, acme).await;
    assert_eq!(left, right);
}
