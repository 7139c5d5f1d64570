//! Card and PayPal payments (R-PAY-1, R-PAY-2, issue 12): saving a card
//! with its checks, charging on issue, declines leading to past due, the
//! clock's retries and the cancellation after the last, *Retry now*, PayPal's
//! approval, invoice eligibility, and concurrency that never charges twice.

use crate::clock::{midnight, org_id, sub};
use crate::plan_changes::{confirm, plan_id, preview};
use crate::support::{both_databases, spawn_app, Backend, Client, TestApp};
use billing_portal::api::billing::{Banner, Overview};
use billing_portal::api::credits::PackBought;
use billing_portal::api::documents::DocumentView;
use billing_portal::api::payment::PaymentMethodPage;
use billing_portal::domain::payment::{Charged, Decline, PaymentMethodKind};
use billing_portal::error::AppError;
use billing_portal::services::clock::advance;
use chrono::{DateTime, Duration, Utc};

fn key() -> String {
    billing_portal::services::guard::new_key()
}

async fn save_card(app: &TestApp, c: &Client, number: &str) -> Result<String, AppError> {
    app.call(
        c,
        "save_card",
        &[("number", number), ("expiry", "12/30"), ("cvc", "123")],
    )
    .await
}

async fn retry(app: &TestApp, c: &Client) -> Result<Vec<Charged>, AppError> {
    app.call(c, "retry_payment", &[("idempotency_key", &key())])
        .await
}

async fn method_page(app: &TestApp, c: &Client) -> PaymentMethodPage {
    app.payment_method(c).await.unwrap()
}

/// (attempt, occasion, outcome, decline code) of an invoice's charges.
async fn attempts(app: &TestApp, invoice: i64) -> Vec<(i64, String, String, Option<String>)> {
    sqlx::query_as(
        "SELECT attempt, occasion, outcome, decline_code FROM payment_attempts WHERE invoice_id = $1 ORDER BY attempt",
    )
    .bind(invoice)
    .fetch_all(&app.db.pool)
    .await
    .unwrap()
}

/// (id, number, still due) of the organisation's newest invoice.
pub(crate) async fn newest_invoice(app: &TestApp, org: i64) -> (i64, String, i64) {
    sqlx::query_as(&format!(
        "SELECT d.id, d.number, {} FROM documents d WHERE d.organisation_id = $1 AND d.kind = 'invoice' ORDER BY d.id DESC LIMIT 1",
        billing_portal::db::documents::DUE
    ))
    .bind(org)
    .fetch_one(&app.db.pool)
    .await
    .unwrap()
}

pub(crate) async fn status(app: &TestApp, org: i64) -> String {
    sub(app, org).await.4
}

/// The books balance, and no invoice is paid beyond what it owed.
pub(crate) async fn books_balance(app: &TestApp, org: i64) {
    let (left, right) = crate::payments::books(app, org).await;
    assert_eq!(left, right, "the books balance");
    let overpaid = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM documents d WHERE d.organisation_id = {org} AND {} < 0",
            billing_portal::db::documents::DUE
        ))
        .await;
    assert_eq!(overpaid, 0, "no invoice is paid beyond what it owed");
}

// Every field is checked, every test card answers as in Stripe's test mode,
// and only brand, last four digits and expiry are kept.
both_databases!(a_card_is_checked_and_only_its_last_four_digits_are_kept);
async fn a_card_is_checked_and_only_its_last_four_digits_are_kept(app: TestApp) {
    let anna = app.login("anna@acme.example").await;
    let bertil = app.login("bertil@acme.example").await;
    let before = method_page(&app, &anna).await.shown;
    match app
        .call::<String>(
            &anna,
            "save_card",
            &[
                ("number", "4242 4242 4242 4241"),
                ("expiry", "13/30"),
                ("cvc", "12"),
            ],
        )
        .await
    {
        Err(AppError::Fields(errors)) => {
            let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
            assert_eq!(fields, ["number", "expiry", "cvc"], "{errors:?}");
        }
        other => panic!("a wrong card is refused field by field: {other:?}"),
    }
    for (number, decline) in [
        ("4000000000000002", Decline::Generic),
        ("4000000000009995", Decline::InsufficientFunds),
        ("4000000000000069", Decline::ExpiredCard),
        ("4000000000000127", Decline::IncorrectCvc),
        ("4000000000000119", Decline::ProcessingError),
        ("4000000000009987", Decline::LostCard),
        ("4000000000009979", Decline::StolenCard),
    ] {
        match save_card(&app, &anna, number).await {
            Err(AppError::Fields(e)) => {
                assert_eq!(e[0].field, "number");
                assert!(
                    e[0].message.to_string().contains(billing_portal::i18n::t(
                        billing_portal::domain::locale::Locale::En,
                        decline.message_id()
                    )),
                    "{number}: {}",
                    e[0].message
                );
            }
            other => panic!("{number} is declined: {other:?}"),
        }
    }
    assert_eq!(
        method_page(&app, &anna).await.shown,
        before,
        "a declined card changes nothing"
    );
    assert!(
        matches!(
            save_card(&app, &bertil, "4242424242424242").await,
            Err(AppError::Forbidden { .. })
        ),
        "only the billing owner changes the payment method"
    );
    assert_eq!(
        save_card(&app, &anna, "5555 5555 5555 4444").await.unwrap(),
        "Mastercard •••• 4444"
    );
    let page = method_page(&app, &anna).await;
    assert_eq!(
        (page.kind, page.shown.as_str(), page.chargeable),
        (PaymentMethodKind::Card, "Mastercard •••• 4444, 12/30", true)
    );
    // Not in the organisation's row, not in the audit log, not anywhere a
    // charge is recorded (nor the first twelve digits alone).
    for digits in ["5555555555554444", "555555555555"] {
        let stored = app
            .scalar(&format!(
                "SELECT (SELECT COUNT(*) FROM organisations WHERE COALESCE(payment_token, '') || COALESCE(card_brand, '') \
                 || COALESCE(card_last4, '') || COALESCE(paypal_email, '') LIKE '%{digits}%') \
                 + (SELECT COUNT(*) FROM audit_log WHERE before LIKE '%{digits}%' OR after LIKE '%{digits}%') \
                 + (SELECT COUNT(*) FROM payment_attempts WHERE instrument LIKE '%{digits}%' OR idempotency_key LIKE '%{digits}%')"
            ))
            .await;
        assert_eq!(stored, 0, "no card number is stored");
    }
    let last4: String =
        sqlx::query_scalar("SELECT card_last4 FROM organisations WHERE name = 'Acme AB'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(last4, "4444");
    let audited = app
        .scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'payment_method.card'")
        .await;
    assert_eq!(audited, 1);
}

// A pack bought on a card is charged at once; on a card that fails, the
// invoice stays owed, the organisation goes past due, the billing owner is
// e-mailed once, and no more packs or upgrades until it pays.
both_databases!(charged_on_issue_and_a_decline_makes_the_organisation_past_due);
async fn charged_on_issue_and_a_decline_makes_the_organisation_past_due(app: TestApp) {
    let acme = org_id(&app, "Acme AB").await;
    let anna = app.login("anna@acme.example").await;
    let pack: i64 = app.scalar("SELECT MIN(id) FROM credit_packs").await;
    let buy = |last: String| {
        let (app, anna) = (&app, &anna);
        async move {
            app.call::<PackBought>(
                anna,
                "buy_pack",
                &[
                    ("pack_id", &pack.to_string()),
                    ("last_purchase", &last),
                    ("idempotency_key", &key()),
                ],
            )
            .await
        }
    };
    let last: String = app.credits(&anna).await.unwrap().last_purchase;
    let bought = buy(last).await.unwrap();
    assert!(
        matches!(bought.payment, Some(Charged::Paid { .. })),
        "{:?}",
        bought.payment
    );
    let (invoice, _, due) = newest_invoice(&app, acme).await;
    assert_eq!(due, 0, "paid on issue");
    assert_eq!(
        attempts(&app, invoice).await,
        vec![(1, "issue".into(), "succeeded".into(), None)]
    );
    let doc: DocumentView = app
        .call(&anna, "document", &[("number", &bought.invoice)])
        .await
        .unwrap();
    assert_eq!(doc.summary.status.code(), "paid");
    assert!(doc.settlements[0]
        .receipt_text(billing_portal::domain::locale::Locale::Sv)
        .contains("med Visa •••• 4242"));

    save_card(&app, &anna, "4000000000000341").await.unwrap();
    let bought = buy(bought.invoice).await.unwrap();
    match &bought.payment {
        Some(Charged::Declined {
            decline, amount, ..
        }) => {
            assert_eq!(*decline, Decline::Generic);
            assert!(amount.is_positive());
        }
        other => panic!("0341 fails when charged: {other:?}"),
    }
    let (invoice, _, due) = newest_invoice(&app, acme).await;
    assert!(due > 0, "a declined charge leaves the invoice owed");
    assert_eq!(status(&app, acme).await, "past_due");
    let mails = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM outbox WHERE kind = 'payment_failed' AND document_id = {invoice}"
        ))
        .await;
    assert_eq!(mails, 1, "the billing owner is e-mailed");
    let o: Overview = app.billing_overview(&anna).await.unwrap();
    match o.banners.iter().find(|b| matches!(b, Banner::PastDue(_))) {
        Some(Banner::PastDue(Some(f))) => {
            assert_eq!(f.amount.minor(), due);
            assert_eq!(f.decline, Some(Decline::Generic));
        }
        other => panic!("the past-due banner says what failed: {other:?}"),
    }
    assert!(o.can_pay);
    assert!(
        matches!(
            buy(bought.invoice.clone()).await,
            Err(AppError::Forbidden { .. })
        ),
        "no more packs while past due"
    );
    // Retrying on the same card fails again, and is listed.
    let again = retry(&app, &anna).await.unwrap();
    assert!(matches!(again[..], [Charged::Declined { .. }]), "{again:?}");
    assert_eq!(attempts(&app, invoice).await.len(), 2);
    assert_eq!(
        mails,
        app.scalar(&format!(
            "SELECT COUNT(*) FROM outbox WHERE kind = 'payment_failed' AND document_id = {invoice}"
        ))
        .await,
        "one e-mail per invoice"
    );
    // A good card and Retry now: paid, and past due is over.
    save_card(&app, &anna, "4242424242424242").await.unwrap();
    let paid = retry(&app, &anna).await.unwrap();
    assert!(matches!(paid[..], [Charged::Paid { .. }]), "{paid:?}");
    assert_eq!(newest_invoice(&app, acme).await.2, 0);
    assert_eq!(status(&app, acme).await, "active");
    let o: Overview = app.billing_overview(&anna).await.unwrap();
    assert!(
        !o.banners.iter().any(|b| matches!(b, Banner::PastDue(_))),
        "{:?}",
        o.banners
    );
    let doc: DocumentView = app
        .call(&anna, "document", &[("number", &bought.invoice)])
        .await
        .unwrap();
    assert_eq!(
        doc.attempts.len(),
        3,
        "every attempt is listed on the invoice"
    );
    assert_eq!(doc.attempts[2].decline, None);
    // The PDF shows the payment, the receipt and nothing left to pay.
    let pdf = anna
        .http
        .get(app.url(&format!("/billing/invoices/{}/pdf", bought.invoice)))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let text = crate::documents::pdf_text(&pdf);
    assert!(text.contains("Visa •••• 4242"), "{text}");
    assert!(text.contains("Betald "), "{text}");
    let due_line = text
        .lines()
        .find(|l| l.contains("Att betala"))
        .unwrap_or_default();
    assert!(due_line.trim_end().ends_with("0,00"), "{due_line}");
    books_balance(&app, acme).await;
}

/// Acme's card swapped for one whose charges answer `token`'s way, then
/// Acme renewed at its period end: (Acme, the renewal invoice id, the
/// boundary instant).
async fn renewed_on(app: &TestApp, token: &str) -> (i64, i64, DateTime<Utc>) {
    let acme = org_id(app, "Acme AB").await;
    sqlx::query("UPDATE organisations SET payment_token = $1, card_last4 = '0000' WHERE id = $2")
        .bind(token)
        .bind(acme)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let (_, end, ..) = sub(app, acme).await;
    let at = midnight(end);
    advance(&app.db, &app.gateway, at).await.unwrap();
    let (invoice, ..) = newest_invoice(app, acme).await;
    (acme, invoice, at)
}

// The clock charges a renewal; on a decline it retries on days 1, 3, 5 and
// 7 after the first failure, once per day however often it runs, and after
// the last failure the subscription goes to Free at its period end while
// the invoice stays owed.
both_databases!(the_clock_retries_on_schedule_and_then_cancels_to_free);
async fn the_clock_retries_on_schedule_and_then_cancels_to_free(app: TestApp) {
    let (acme, invoice, at) = renewed_on(&app, "tok_test_insufficient_funds_0000").await;
    let occasions = |a: Vec<(i64, String, String, Option<String>)>| {
        a.into_iter().map(|a| a.1).collect::<Vec<_>>()
    };
    assert_eq!(occasions(attempts(&app, invoice).await), ["issue"]);
    assert_eq!(status(&app, acme).await, "past_due");
    for (day, expected) in [(1, 2), (2, 2), (3, 3), (4, 3), (5, 4), (6, 4)] {
        let now = at + Duration::days(day) + Duration::hours(1);
        advance(&app.db, &app.gateway, now).await.unwrap();
        advance(&app.db, &app.gateway, now).await.unwrap();
        assert_eq!(attempts(&app, invoice).await.len(), expected, "day {day}");
    }
    let before_last = sub(&app, acme).await;
    let free_scheduled = || async {
        app.scalar(&format!(
            "SELECT COUNT(*) FROM subscriptions s JOIN prices p ON p.id = s.scheduled_price_id JOIN plans pl ON pl.id = p.plan_id \
             WHERE s.organisation_id = {acme} AND s.team_id IS NULL AND pl.code = 'free'"
        ))
        .await
    };
    assert_eq!(free_scheduled().await, 0);
    let done = advance(
        &app.db,
        &app.gateway,
        at + Duration::days(7) + Duration::hours(1),
    )
    .await
    .unwrap();
    assert_eq!((done.payments.declined, done.payments.cancelled), (1, 1));
    assert_eq!(
        occasions(attempts(&app, invoice).await),
        ["issue", "retry", "retry", "retry", "retry"]
    );
    assert_eq!(
        free_scheduled().await,
        1,
        "cancelled to Free at the period end"
    );
    assert_eq!(
        sub(&app, acme).await.1,
        before_last.1,
        "the period runs to its end"
    );
    assert!(
        newest_invoice(&app, acme).await.2 > 0,
        "the invoice stays owed"
    );
    // Nothing more is tried after the last retry.
    advance(&app.db, &app.gateway, at + Duration::days(9))
        .await
        .unwrap();
    assert_eq!(attempts(&app, invoice).await.len(), 5);
    // At the period end the organisation is on Free, and owes the invoice.
    let (_, end, ..) = sub(&app, acme).await;
    advance(&app.db, &app.gateway, midnight(end)).await.unwrap();
    assert_eq!(sub(&app, acme).await.2, "free");
    let owed = app
        .scalar(&format!(
            "SELECT {} FROM documents d WHERE d.id = {invoice}",
            billing_portal::db::documents::DUE
        ))
        .await;
    assert!(owed > 0);
    books_balance(&app, acme).await;
}

// A hard decline (an expired, lost or stolen card) is not retried by the
// clock; a new card and Retry now pay it.
both_databases!(a_hard_decline_waits_for_a_new_card);
async fn a_hard_decline_waits_for_a_new_card(app: TestApp) {
    let (acme, invoice, at) = renewed_on(&app, "tok_test_expired_card_0000").await;
    assert_eq!(
        attempts(&app, invoice).await[0].3.as_deref(),
        Some("expired_card")
    );
    for day in 1..=6 {
        advance(&app.db, &app.gateway, at + Duration::days(day))
            .await
            .unwrap();
    }
    assert_eq!(
        attempts(&app, invoice).await.len(),
        1,
        "not retried automatically"
    );
    let anna = app.login("anna@acme.example").await;
    save_card(&app, &anna, "4242424242424242").await.unwrap();
    let paid = retry(&app, &anna).await.unwrap();
    assert!(matches!(paid[..], [Charged::Paid { .. }]), "{paid:?}");
    assert_eq!(status(&app, acme).await, "active");
    books_balance(&app, acme).await;
}

// A new card after a hard decline is retried by the clock on its own
// schedule: the decline was the old card's.
both_databases!(the_clock_tries_a_new_card_after_a_hard_decline);
async fn the_clock_tries_a_new_card_after_a_hard_decline(app: TestApp) {
    let (acme, invoice, at) = renewed_on(&app, "tok_test_lost_card_0000").await;
    let anna = app.login("anna@acme.example").await;
    save_card(&app, &anna, "4242424242424242").await.unwrap();
    advance(
        &app.db,
        &app.gateway,
        at + Duration::days(1) + Duration::hours(1),
    )
    .await
    .unwrap();
    let a = attempts(&app, invoice).await;
    assert_eq!((a.len(), a[1].2.as_str()), (2, "succeeded"));
    assert_eq!(status(&app, acme).await, "active");
}

// Fifty Retry now at once on one owed invoice charge it once.
both_databases!(fifty_concurrent_retries_charge_once);
async fn fifty_concurrent_retries_charge_once(app: TestApp) {
    let org = org_id(&app, "Förfallna AB").await;
    let frida = app.login("frida@forfallna.example").await;
    save_card(&app, &frida, "4242424242424242").await.unwrap();
    let owed = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM documents d WHERE d.organisation_id = {org} AND {} > 0",
            billing_portal::db::documents::DUE
        ))
        .await;
    assert!(owed > 0);
    let payments_before = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM payments WHERE organisation_id = {org}"
        ))
        .await;
    let tries = (0..50).map(|_| retry(&app, &frida));
    let answers = futures::future::join_all(tries).await;
    let paid: usize = answers
        .iter()
        .map(|a| {
            a.as_ref()
                .unwrap()
                .iter()
                .filter(|c| matches!(c, Charged::Paid { .. }))
                .count()
        })
        .sum();
    assert_eq!(paid as i64, owed, "each owed invoice is charged once");
    let succeeded = app
        .scalar(&format!("SELECT COUNT(*) FROM payment_attempts WHERE organisation_id = {org} AND outcome = 'succeeded'"))
        .await;
    assert_eq!(succeeded, owed);
    let payments_after = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM payments WHERE organisation_id = {org}"
        ))
        .await;
    assert_eq!(payments_after - payments_before, owed);
    assert_eq!(status(&app, org).await, "active");
    books_balance(&app, org).await;
}

// A card payment and a credit note settling the same invoice at the same
// moment never pay it twice: what one settles, the other finds settled.
both_databases!(a_card_payment_and_a_credit_note_at_once_never_overpay);
async fn a_card_payment_and_a_credit_note_at_once_never_overpay(app: TestApp) {
    let acme = org_id(&app, "Acme AB").await;
    // The renewal is left owed (paid by invoice), then a card is saved.
    app.pays_by_invoice(acme).await;
    let (_, end, ..) = sub(&app, acme).await;
    let at = midnight(end);
    advance(&app.db, &app.gateway, at).await.unwrap();
    app.clock.set(at + Duration::days(3));
    let anna = app.login("anna@acme.example").await;
    save_card(&app, &anna, "4242424242424242").await.unwrap();
    let (invoice, _, due) = newest_invoice(&app, acme).await;
    assert!(due > 0);
    let business = plan_id(&app, "business").await;
    let p = preview(&app, &anna, business, "monthly", 5).await.unwrap();
    let (upgrade, card) = tokio::join!(confirm(&app, &anna, &p), retry(&app, &anna));
    card.unwrap();
    // The upgrade's preview counted on the credit note settling the owed
    // invoice: when the card paid it first, the preview no longer holds
    // and the upgrade asks to be reviewed again instead of paying twice.
    match upgrade {
        Ok(_) | Err(AppError::Conflict(_)) => {}
        Err(e) => panic!("{e:?}"),
    }
    let allocated = app
        .scalar(&format!("SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) FROM allocations WHERE invoice_id = {invoice}"))
        .await;
    assert_eq!(allocated, due, "settled exactly once");
    books_balance(&app, acme).await;
}

// Invoice payment is for organisations in Sweden and for annual
// subscriptions of 20 seats or more; the server refuses it otherwise.
both_databases!(invoice_payment_is_for_sweden_or_big_annual_subscriptions);
async fn invoice_payment_is_for_sweden_or_big_annual_subscriptions(app: TestApp) {
    let acme = org_id(&app, "Acme AB").await;
    let anna = app.login("anna@acme.example").await;
    assert!(method_page(&app, &anna).await.invoice_allowed);
    sqlx::query("UPDATE organisations SET country = 'NO' WHERE id = $1")
        .bind(acme)
        .execute(&app.db.pool)
        .await
        .unwrap();
    assert!(!method_page(&app, &anna).await.invoice_allowed);
    match app.call::<String>(&anna, "choose_invoice", &[]).await {
        Err(AppError::Invalid { field, message }) => {
            assert_eq!(field, "method");
            assert!(message.to_string().contains("20 seats"), "{message}");
        }
        other => panic!("refused outside Sweden on a small monthly plan: {other:?}"),
    }
    assert_eq!(method_page(&app, &anna).await.kind, PaymentMethodKind::Card);
    sqlx::query("UPDATE subscriptions SET seats = 20, price_id = (SELECT p.id FROM prices p JOIN plans pl ON pl.id = p.plan_id \
                 WHERE pl.code = 'professional' AND p.billing_interval = 'annual' AND p.currency = 'SEK' AND p.is_current = 1) \
                 WHERE organisation_id = $1 AND team_id IS NULL")
        .bind(acme)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let shown: String = app.call(&anna, "choose_invoice", &[]).await.unwrap();
    assert_eq!(shown, "bankgiro");
    let page = method_page(&app, &anna).await;
    assert_eq!(
        (page.kind, page.chargeable),
        (PaymentMethodKind::Invoice, false)
    );
}

// PayPal: the customer is sent to approve a billing agreement and comes
// back; an approval is used once; cancelling there changes nothing; the
// agreement is then charged like a card.
both_databases!(paypal_approval_saves_an_agreement_that_is_charged);
async fn paypal_approval_saves_an_agreement_that_is_charged(app: TestApp) {
    let org = org_id(&app, "Förfallna AB").await;
    let frida = app.login("frida@forfallna.example").await;
    // The page says what the declined charge left owed, and the past-due
    // billing owner may change how to pay.
    let before = method_page(&app, &frida).await;
    let failed = before.failed.clone().expect("the declined invoice is owed");
    let owed = app
        .scalar(&format!(
            "SELECT CAST(SUM(amount_due_minor) AS BIGINT) FROM documents \
             WHERE organisation_id = {org} AND kind = 'invoice' AND status = 'pending' \
             AND (id IN (SELECT invoice_id FROM payment_attempts WHERE outcome = 'declined') \
             OR id IN (SELECT invoice_id FROM overdue_marks))"
        ))
        .await;
    // The declined invoice, and the older one left unpaid past its due date.
    assert_eq!((failed.invoices, failed.amount.minor()), (2, owed));
    assert!(before.editable && before.billing_owner.is_some());
    let begin = |c: &Client| {
        let c = c.clone();
        let app = &app;
        async move {
            let response = c
                .http
                .post(app.url("/api/begin_paypal"))
                .header("accept", "text/html")
                .send()
                .await
                .unwrap();
            let location = response
                .headers()
                .get("location")
                .expect("sent to PayPal")
                .to_str()
                .unwrap()
                .to_string();
            location
                .split("approval=")
                .nth(1)
                .expect("the approval token")
                .to_string()
        }
    };
    let cancelled = begin(&frida).await;
    let saved: bool = app
        .call(
            &frida,
            "finish_paypal",
            &[("approval", &cancelled), ("approved", "false")],
        )
        .await
        .unwrap();
    assert!(!saved);
    assert_eq!(
        method_page(&app, &frida).await.kind,
        PaymentMethodKind::Card
    );
    let approval = begin(&frida).await;
    let anna = app.login("anna@acme.example").await;
    assert!(
        app.call::<bool>(
            &anna,
            "finish_paypal",
            &[("approval", &approval), ("approved", "true")]
        )
        .await
        .is_err(),
        "another organisation's approval is refused"
    );
    let saved: bool = app
        .call(
            &frida,
            "finish_paypal",
            &[("approval", &approval), ("approved", "true")],
        )
        .await
        .unwrap();
    assert!(saved);
    assert!(
        matches!(
            app.call::<bool>(
                &frida,
                "finish_paypal",
                &[("approval", &approval), ("approved", "true")]
            )
            .await,
            Err(AppError::Invalid { .. })
        ),
        "an approval is used once"
    );
    let page = method_page(&app, &frida).await;
    assert_eq!(page.kind, PaymentMethodKind::PayPal);
    assert!(page.shown.starts_with("PayPal ("), "{}", page.shown);
    let paid = retry(&app, &frida).await.unwrap();
    assert!(
        !paid.is_empty() && paid.iter().all(|c| matches!(c, Charged::Paid { .. })),
        "{paid:?}"
    );
    let method: String = sqlx::query_scalar(
        "SELECT method FROM payments WHERE organisation_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(org)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(method, "paypal");
    assert_eq!(status(&app, org).await, "active");
    assert_eq!(method_page(&app, &frida).await.failed, None, "nothing owed");
}

// A trialing subscription goes past due like an active one, and the audit
// log says what it was before.
both_databases!(a_trialing_subscription_goes_past_due_too);
async fn a_trialing_subscription_goes_past_due_too(app: TestApp) {
    let acme = org_id(&app, "Acme AB").await;
    sqlx::query("UPDATE subscriptions SET status = 'trialing' WHERE organisation_id = $1")
        .bind(acme)
        .execute(&app.db.pool)
        .await
        .unwrap();
    renewed_on(&app, "tok_test_fails_0000").await;
    assert_eq!(status(&app, acme).await, "past_due");
    let (before, after): (String, String) = sqlx::query_as(
        "SELECT before, after FROM audit_log WHERE organisation_id = $1 AND action = 'subscription.past_due'",
    )
    .bind(acme)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert!(before.contains("trialing"), "{before}");
    assert!(
        after.contains("past_due") && after.contains("card_declined"),
        "{after}"
    );
}

// A declined charge e-mails the billing owner, once, with the invoice.
both_databases!(a_declined_charge_is_mailed_to_the_billing_owner, backend);
async fn a_declined_charge_is_mailed_to_the_billing_owner(backend: Backend) {
    use billing_portal::services::mail::{deliver_due, OutboxFolder};
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    // The demo's own messages are not this test's business.
    sqlx::query("UPDATE outbox SET status = 'sent'")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let (_, _, at) = renewed_on(&app, "tok_test_fails_0000").await;
    // A retry that fails too sends nothing more.
    advance(
        &app.db,
        &app.gateway,
        at + Duration::days(1) + Duration::hours(1),
    )
    .await
    .unwrap();
    let dir = std::env::temp_dir().join(format!("bp-dunning-{}", key()));
    let folder = OutboxFolder { dir: dir.clone() };
    let seller = billing_portal::config::seller_from_env();
    deliver_due(&app.db, &seller, &app.pdf, &folder, app.now(), 100)
        .await
        .unwrap();
    let failed: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
        .filter(|m| m.contains("Betalningen misslyckades"))
        .collect();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(failed.len(), 1, "one message for the invoice");
    assert!(failed[0].contains("To: anna@acme.example"), "{}", failed[0]);
    assert!(failed[0].contains("application/pdf"));
}
