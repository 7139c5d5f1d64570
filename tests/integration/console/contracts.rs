//! Enterprise contracts set up on an organisation's page.

use super::*;

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
    let overview: Overview = app.billing_overview(&anna).await.unwrap();
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
both_databases!(
    an_operator_sets_up_a_contract_and_the_clock_invoices_its_instalments,
    backend
);
