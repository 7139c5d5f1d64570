//! The audit log page.

use super::*;

async fn the_audit_log_filters_by_organisation_actor_action_and_pages(app: TestApp) {
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
    let o = app.billing_overview(&anna).await.unwrap();
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
