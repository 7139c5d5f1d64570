//! The payments page: bank payments recorded and matched by hand.

use super::corrections::acme_owes_an_upgrade;
use super::*;

async fn an_operator_records_a_bank_payment_and_matches_it_by_hand(app: TestApp) {
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
