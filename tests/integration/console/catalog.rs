//! The catalog page: price versions, what a plan offers, credit packs.

use super::*;

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

async fn a_new_price_is_a_new_version_and_acme_keeps_its_own(app: TestApp) {
    let professional = plan_id(&app, "professional").await.to_string();
    let op = operator(&app, OPERATOR).await;
    let anna = app.login("anna@acme.example").await;
    let before = app.billing_overview(&anna).await.unwrap();
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
    let after = app.billing_overview(&anna).await.unwrap();
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

async fn offered(app: &TestApp, c: &Client) -> billing_portal::api::credits::CreditsView {
    app.credits(c).await.unwrap()
}

// R-CAT-4, R-OPS-1: what a plan offers is edited in place (its prices are
// versions); a pack is retired, not changed, and a new one added.
async fn an_operator_edits_a_plan_and_retires_and_adds_credit_packs(app: TestApp) {
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
