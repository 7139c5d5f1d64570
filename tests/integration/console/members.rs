//! Members and teams on an organisation's page.

use super::*;

// R-ACC-7, R-OPS-1: a member is deactivated with their history kept; a
// paid member comes back only into a free seat; the owner stays; teams.
async fn an_operator_deactivates_a_member_and_manages_teams(app: TestApp) {
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
