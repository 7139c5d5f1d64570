//! Seats by role and the billing owner's handover (R-ACC-4/5, issue 14):
//! exactly one owner before and after, also when two handovers race; the
//! old owner's rights end at once; both are e-mailed; refusals change
//! nothing.

use crate::clock::org_id;
use crate::plan_changes::{plan_id, preview};
use crate::support::{both_databases, spawn_app, Backend, Client, TestApp};
use billing_portal::api::team::{HandedOver, TeamView};
use billing_portal::error::AppError;

async fn team(app: &TestApp, c: &Client) -> Result<TeamView, AppError> {
    app.team(c).await
}

async fn hand_over(
    app: &TestApp,
    c: &Client,
    to: i64,
    key: &str,
    confirm: bool,
) -> Result<HandedOver, AppError> {
    let to = to.to_string();
    let mut args = vec![("to", to.as_str()), ("idempotency_key", key)];
    if confirm {
        args.push(("confirm", "yes"));
    }
    app.call(c, "hand_over_owner", &args).await
}

async fn owners(app: &TestApp, org: i64) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.organisation_id = $1 AND m.is_billing_owner = 1",
    )
    .bind(org)
    .fetch_all(&app.db.pool)
    .await
    .unwrap()
}

fn membership(t: &TeamView, email: &str) -> i64 {
    t.members
        .iter()
        .find(|m| m.email == email)
        .unwrap_or_else(|| panic!("{email}"))
        .membership_id
}

// Acme: 4 paid members (2 admins, a member, a custom role) of 6 seats, 3
// with free roles; admins see it, a member does not.
both_databases!(admins_see_the_seats_used_by_role, backend);
async fn admins_see_the_seats_used_by_role(backend: Backend) {
    use billing_portal::domain::roles::Role;
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let bertil = app.login("bertil@acme.example").await;
    let t = team(&app, &bertil).await.unwrap();
    assert_eq!((t.paid, t.free, t.seats_bought), (4, 3, 6));
    assert!(!t.under_contract);
    // Under a contract the seats are the contract's tier; on Free none.
    let elsa = app.login("elsa@storforetaget.example").await;
    let t_contract = team(&app, &elsa).await.unwrap();
    let tier = app
        .scalar(
            "SELECT c.seat_tier FROM contracts c JOIN organisations o ON o.id = c.organisation_id \
             WHERE o.name = 'Storföretaget AB'",
        )
        .await;
    assert!(t_contract.under_contract);
    assert_eq!(i64::from(t_contract.seats_bought), tier);
    let tea = app.login("tea@teamet.example").await;
    let t_free = team(&app, &tea).await.unwrap();
    assert_eq!((t_free.seats_bought, t_free.under_contract), (0, false));
    let count = |r: Role| t.by_role.iter().find(|(x, _)| *x == r).unwrap().1;
    assert_eq!(
        (
            count(Role::Admin),
            count(Role::Member),
            count(Role::Custom),
            count(Role::Client),
            count(Role::CommentOnly),
            count(Role::ViewOnly)
        ),
        (2, 1, 1, 1, 1, 1)
    );
    // An admin who is not the owner sees no one to hand the role to.
    assert!(!t.is_owner && t.candidates.is_empty());
    let cecilia = app.login("cecilia@acme.example").await;
    assert!(matches!(
        team(&app, &cecilia).await,
        Err(AppError::Forbidden { .. })
    ));
}

// Anna hands the role to Cecilia (a member, made admin): Cecilia may
// change the plan at once, Anna may not; both get an e-mail; the repeat
// of the same request does nothing more; refusals change nothing.
both_databases!(the_owner_hands_the_role_over_and_loses_it_at_once, backend);
async fn the_owner_hands_the_role_over_and_loses_it_at_once(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let acme = org_id(&app, "Acme AB").await;
    let anna = app.login("anna@acme.example").await;
    let t = team(&app, &anna).await.unwrap();
    assert!(t.is_owner);
    let cecilia_id = membership(&t, "cecilia@acme.example");
    let gustav_id = membership(&t, "gustav@acme.example");
    let cecilia = t
        .candidates
        .iter()
        .find(|c| c.membership_id == cecilia_id)
        .unwrap();
    assert!(cecilia.becomes_admin && !cecilia.needs_seat);
    let mails = || app.scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'owner_changed'");

    // Refused: no confirmation; someone not in the organisation; oneself;
    // a non-owner admin. Nothing changes.
    assert!(matches!(
        hand_over(&app, &anna, cecilia_id, "handover-key-0000001", false).await,
        Err(AppError::Invalid { field, .. }) if field == "confirm"
    ));
    let small = org_id(&app, "Småföretaget AB").await;
    let stranger: i64 = sqlx::query_scalar(
        "SELECT id FROM memberships WHERE organisation_id = $1 AND is_billing_owner = 1",
    )
    .bind(small)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let anna_id = membership(&t, "anna@acme.example");
    for (to, key) in [
        (stranger, "handover-key-stranger"),
        (anna_id, "handover-key-oneself"),
    ] {
        assert!(matches!(
            hand_over(&app, &anna, to, key, true).await,
            Err(AppError::Invalid { field, .. }) if field == "to"
        ));
    }
    let bertil = app.login("bertil@acme.example").await;
    assert!(matches!(
        hand_over(&app, &bertil, cecilia_id, "handover-key-bertil1", true).await,
        Err(AppError::Forbidden { .. })
    ));
    assert_eq!(owners(&app, acme).await, vec!["anna@acme.example"]);
    assert_eq!(mails().await, 0);

    // A free role made admin takes a seat: with every seat taken, refused.
    sqlx::query("UPDATE subscriptions SET seats = 4 WHERE organisation_id = $1")
        .bind(acme)
        .execute(&app.db.pool)
        .await
        .unwrap();
    match hand_over(&app, &anna, gustav_id, "handover-key-gustav1", true).await {
        Err(AppError::Invalid { message, .. }) => {
            assert!(message.to_string().contains("seat"), "{message}")
        }
        other => panic!("a free role made admin with no seat: {other:?}"),
    }
    let t = team(&app, &anna).await.unwrap();
    assert!(
        t.candidates
            .iter()
            .find(|c| c.membership_id == gustav_id)
            .unwrap()
            .needs_seat
    );

    let done = hand_over(&app, &anna, cecilia_id, "handover-key-0000002", true)
        .await
        .unwrap();
    assert_eq!(done.owner, "Cecilia Carlsson");
    let again = hand_over(&app, &anna, cecilia_id, "handover-key-0000002", true)
        .await
        .unwrap();
    assert_eq!(again, done, "a double click does it once");
    assert_eq!(owners(&app, acme).await, vec!["cecilia@acme.example"]);
    let role: String = sqlx::query_scalar("SELECT role FROM memberships WHERE id = $1")
        .bind(cecilia_id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(role, "admin");

    // The rights moved with the role, on the sessions already open.
    let business = plan_id(&app, "business").await;
    assert!(matches!(
        preview(&app, &anna, business, "monthly", 6).await,
        Err(AppError::Forbidden { .. })
    ));
    let cecilia_client = app.login("cecilia@acme.example").await;
    assert!(preview(&app, &cecilia_client, business, "monthly", 6)
        .await
        .is_ok());
    assert!(team(&app, &anna).await.unwrap().candidates.is_empty());

    // Both were told, once each.
    let recipients: Vec<String> = sqlx::query_scalar(
        "SELECT recipient FROM outbox WHERE kind = 'owner_changed' ORDER BY recipient",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(
        recipients,
        vec!["anna@acme.example", "cecilia@acme.example"]
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'owner.handover'")
            .await,
        1
    );
    // The message goes out with no attachment.
    use billing_portal::services::mail::{deliver_due, OutboxFolder};
    sqlx::query("UPDATE outbox SET status = 'sent' WHERE kind <> 'owner_changed'")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let dir = std::env::temp_dir().join(format!(
        "bp-owner-{}-{}",
        std::process::id(),
        backend.name()
    ));
    let seller = billing_portal::config::seller_from_env();
    let sent = deliver_due(
        &app.db,
        &seller,
        &app.pdf,
        &OutboxFolder { dir: dir.clone() },
        app.now(),
        100,
    )
    .await
    .unwrap();
    let messages: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
        .collect();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!((sent, messages.len()), (2, 2));
    for m in &messages {
        // Acme AB is Swedish: the message is in Swedish.
        assert!(m.contains("Ny faktureringsansvarig: Acme AB"), "{m}");
        assert!(m.contains("Cecilia Carlsson"), "{m}");
        assert!(!m.contains("application/pdf"), "{m}");
    }
}

// Two handovers at once, to two people, from two tabs: one wins, the
// other is refused, and there is exactly one owner.
both_databases!(two_handovers_at_once_leave_exactly_one_owner);
async fn two_handovers_at_once_leave_exactly_one_owner(app: TestApp) {
    let acme = org_id(&app, "Acme AB").await;
    let anna = app.login("anna@acme.example").await;
    let t = team(&app, &anna).await.unwrap();
    let (bertil, cecilia) = (
        membership(&t, "bertil@acme.example"),
        membership(&t, "cecilia@acme.example"),
    );
    let (a, b) = tokio::join!(
        hand_over(&app, &anna, bertil, "race-key-bertil-0001", true),
        hand_over(&app, &anna, cecilia, "race-key-cecilia-001", true),
    );
    let won = [&a, &b].iter().filter(|r| r.is_ok()).count();
    assert_eq!(won, 1, "{a:?} {b:?}");
    assert!(
        [&a, &b]
            .iter()
            .any(|r| matches!(r, Err(AppError::Forbidden { .. }))),
        "{a:?} {b:?}"
    );
    let now = owners(&app, acme).await;
    assert_eq!(now.len(), 1, "{now:?}");
    assert_ne!(now[0], "anna@acme.example");
    // The owner's membership is never deleted.
    let deleted =
        sqlx::query("DELETE FROM memberships WHERE organisation_id = $1 AND is_billing_owner = 1")
            .bind(acme)
            .execute(&app.db.pool)
            .await
            .unwrap_err()
            .to_string();
    assert!(deleted.contains("billing owner"), "{deleted}");
}
