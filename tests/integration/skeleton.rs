//! The walking skeleton: health, login and sessions, the permission matrix
//! on the overview, organisation switching, demo cases, server rendering.

use crate::support::{both_databases, spawn_app, Backend, TestApp};
use billing_portal::api::auth::SessionInfo;
use billing_portal::api::billing::{Banner, Overview};
use billing_portal::error::AppError;

both_databases!(health_reports_the_database, backend);
async fn health_reports_the_database(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let body: serde_json::Value = app
        .anonymous()
        .http
        .get(app.url("/healthz"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], backend.name());
}

both_databases!(login_sets_a_new_session_id_and_logout_destroys_it);
async fn login_sets_a_new_session_id_and_logout_destroys_it(app: TestApp) {
    let client = app.anonymous();
    // A session exists before login (the language choice)…
    app.call::<()>(
        &client,
        "set_locale",
        &[("locale", "en"), ("back", "/login")],
    )
    .await
    .unwrap();
    let before = app.session_cookie(&client).expect("a session before login");
    // …and login replaces its id, keeping its data.
    app.call::<()>(
        &client,
        "login",
        &[("email", "anna@acme.example"), ("password", "demo1234")],
    )
    .await
    .unwrap();
    let after = app.session_cookie(&client).expect("a session after login");
    assert_ne!(before, after, "session id rotated at login");
    let info: SessionInfo = app.call(&client, "session", &[]).await.unwrap();
    assert_eq!(info.user.as_ref().unwrap().email, "anna@acme.example");
    assert_eq!(info.locale, billing_portal::domain::locale::Locale::En);
    // The id from before login is worth nothing now.
    let planted = app.client_with_cookie(&before);
    let info: SessionInfo = app.call(&planted, "session", &[]).await.unwrap();
    assert!(info.user.is_none());

    app.call::<()>(&client, "logout", &[]).await.unwrap();
    let info: SessionInfo = app.call(&client, "session", &[]).await.unwrap();
    assert!(info.user.is_none());
    // The old cookie is dead on the server too, not just forgotten by the client.
    let replay = app.client_with_cookie(&after);
    assert_eq!(
        app.billing_overview(&replay).await.unwrap_err(),
        AppError::Unauthenticated
    );
}

both_databases!(wrong_password_and_unknown_email_get_the_same_answer);
async fn wrong_password_and_unknown_email_get_the_same_answer(app: TestApp) {
    let client = app.anonymous();
    let wrong = app
        .call::<()>(
            &client,
            "login",
            &[("email", "anna@acme.example"), ("password", "nope")],
        )
        .await;
    let unknown = app
        .call::<()>(
            &client,
            "login",
            &[("email", "nobody@acme.example"), ("password", "nope")],
        )
        .await;
    assert_eq!(wrong.unwrap_err(), AppError::LoginFailed);
    assert_eq!(unknown.unwrap_err(), AppError::LoginFailed);
    // E-mail case and spaces do not matter; the right password still works
    // after failures, and clears them.
    app.call::<()>(
        &client,
        "login",
        &[("email", " Anna@Acme.example "), ("password", "demo1234")],
    )
    .await
    .unwrap();
    let failures: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM login_failures")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(
        failures, 0,
        "the owner's failures are cleared, and an unknown e-mail leaves nothing behind"
    );
}

both_databases!(overview_permission_matrix);
async fn overview_permission_matrix(app: TestApp) {
    for (email, allowed) in [
        ("anna@acme.example", true),
        ("bertil@acme.example", true),
        ("cecilia@acme.example", false),
        ("david@acme.example", false),
        ("erik@acme.example", false),
        ("fia@acme.example", false),
        ("gustav@acme.example", false),
    ] {
        let client = app.login(email).await;
        let result = app.billing_overview(&client).await;
        if allowed {
            let o = result.unwrap_or_else(|e| panic!("{email} may view billing: {e}"));
            assert_eq!(o.org_name, "Acme AB");
            assert_eq!(o.plan_name, "Professional");
            // Pinned version 1: 490 kr + 6 × 249 kr.
            assert_eq!(o.price.minor(), 198_400);
            assert_eq!(
                o.seats_used, 4,
                "admin, admin, member and custom are paid; free roles are not"
            );
            assert_eq!(o.seats_bought, 6);
            assert_eq!(o.legacy_discount.map(|m| m.minor()), Some(30_000));
            assert_eq!(
                o.next_amount.map(|m| m.minor()),
                Some(248_000),
                "1 984 kr + 25 % VAT"
            );
            assert_eq!(
                o.can_change_plan,
                email == "anna@acme.example",
                "only the billing owner changes plans"
            );
        } else {
            match result {
                Err(AppError::Forbidden { billing_owner, .. }) => {
                    assert_eq!(
                        billing_owner.as_deref(),
                        Some("Anna Andersson"),
                        "{email} is told whom to ask"
                    )
                }
                other => panic!("{email} must be refused, got {other:?}"),
            }
        }
    }
    let anonymous = app.anonymous();
    assert_eq!(
        app.billing_overview(&anonymous).await.unwrap_err(),
        AppError::Unauthenticated
    );
}

both_databases!(another_organisations_admin_sees_nothing_of_it);
async fn another_organisations_admin_sees_nothing_of_it(app: TestApp) {
    let acme_id: i64 = sqlx::query_scalar("SELECT id FROM organisations WHERE name = 'Acme AB'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let sara = app.login("sara@smaforetaget.example").await;
    let own: Overview = app.billing_overview(&sara).await.unwrap();
    assert_eq!(own.org_name, "Småföretaget AB");
    let err = app
        .call::<()>(&sara, "switch_org", &[("org_id", &acme_id.to_string())])
        .await
        .unwrap_err();
    assert_eq!(err, AppError::NotFound);
    let still: Overview = app.billing_overview(&sara).await.unwrap();
    assert_eq!(still.org_name, "Småföretaget AB");
}

both_databases!(a_user_in_two_organisations_switches_between_them);
async fn a_user_in_two_organisations_switches_between_them(app: TestApp) {
    let anna = app.login("anna@acme.example").await;
    let info: SessionInfo = app.call(&anna, "session", &[]).await.unwrap();
    let orgs = &info.user.as_ref().unwrap().orgs;
    assert_eq!(orgs.len(), 2);
    let small = orgs
        .iter()
        .find(|o| o.name == "Småföretaget AB")
        .unwrap()
        .id;
    app.call::<()>(&anna, "switch_org", &[("org_id", &small.to_string())])
        .await
        .unwrap();
    let o: Overview = app.billing_overview(&anna).await.unwrap();
    assert_eq!(o.org_name, "Småföretaget AB");
    assert_eq!(o.plan_name, "Starter");
    assert!(
        !o.can_change_plan,
        "Anna is an admin there, not the billing owner"
    );
}

both_databases!(demo_cases_show_their_banners);
async fn demo_cases_show_their_banners(app: TestApp) {
    let banners = |o: &Overview| o.banners.clone();
    let pia: Overview = app
        .call(
            &app.login("pia@partnerkunden.example").await,
            "billing_overview",
            &[],
        )
        .await
        .unwrap();
    assert!(
        matches!(&banners(&pia)[0], Banner::PartnerManaged { partner, .. } if partner == "Nordic Partners AB")
    );
    assert!(!pia.can_change_plan);
    let lars: Overview = app
        .call(
            &app.login("lars@lastakommunen.example").await,
            "billing_overview",
            &[],
        )
        .await
        .unwrap();
    assert!(banners(&lars).contains(&Banner::PlanLocked));
    let elsa: Overview = app
        .call(
            &app.login("elsa@storforetaget.example").await,
            "billing_overview",
            &[],
        )
        .await
        .unwrap();
    let contract = elsa.contract.expect("contract shown");
    assert_eq!(
        contract.total.minor(),
        102_000_000,
        "2 × 600 000 kr less 15 %"
    );
    assert_eq!(contract.instalments.len(), 8);
    assert_eq!(
        elsa.price.minor(),
        51_000_000,
        "the contract's yearly amount, not the list price"
    );
    assert_eq!(elsa.seats_bought, 250, "users up to the contracted tier");
    let nils: Overview = app
        .call(
            &app.login("nils@nedgraderingen.example").await,
            "billing_overview",
            &[],
        )
        .await
        .unwrap();
    assert!(matches!(&banners(&nils)[0], Banner::Scheduled { plan, .. } if plan == "Professional"));
    let tove: Overview = app
        .call(
            &app.login("tove@provperioden.example").await,
            "billing_overview",
            &[],
        )
        .await
        .unwrap();
    assert!(matches!(
        &banners(&tove)[0],
        Banner::Trial { days_left: 10, .. }
    ));
    let frida: Overview = app
        .call(
            &app.login("frida@forfallna.example").await,
            "billing_overview",
            &[],
        )
        .await
        .unwrap();
    // The demo's past-due organisation: its card was declined on this
    // period's invoice, an older one is unpaid weeks past its due date, and
    // the banner says for how much and why.
    assert!(
        banners(&frida).iter().any(|b| matches!(
            b,
            Banner::PastDue(Some(f)) if f.amount.is_positive() && f.invoices == 2
        )),
        "{:?}",
        banners(&frida)
    );
    let ola: Overview = app
        .call(
            &app.login("ola@nordlys.example").await,
            "billing_overview",
            &[],
        )
        .await
        .unwrap();
    // Norway is outside the EU: no VAT on the next invoice.
    assert_eq!(ola.next_amount, Some(ola.price));
}

both_databases!(the_overview_is_server_rendered);
async fn the_overview_is_server_rendered(app: TestApp) {
    let anna = app.login("anna@acme.example").await;
    let html = app.page_html(&anna, "/billing").await;
    assert!(html.contains("Professional"), "plan in the HTML");
    assert!(
        html.contains("1\u{a0}984,00\u{a0}kr"),
        "price in Swedish format in the HTML"
    );
    let cecilia = app.login("cecilia@acme.example").await;
    let html = app.page_html(&cecilia, "/billing").await;
    assert!(html.contains("Du har inte tillgång till fakturering. Fråga Anna Andersson."));
    let anonymous = app.anonymous();
    let r = anonymous
        .http
        .get(app.url("/billing"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert!(
        r.status().is_redirection(),
        "logged-out users are sent to login, got {}",
        r.status()
    );
}

both_databases!(the_database_keeps_one_billing_owner_who_is_an_admin);
async fn the_database_keeps_one_billing_owner_who_is_an_admin(app: TestApp) {
    let pool = &app.db.pool;
    let bertil = "UPDATE memberships SET is_billing_owner = 1 WHERE user_id = (SELECT id FROM users WHERE email = 'bertil@acme.example')";
    assert!(
        sqlx::query(bertil).execute(pool).await.is_err(),
        "a second billing owner is refused"
    );
    let demote = "UPDATE memberships SET role = 'member' WHERE is_billing_owner = 1 AND user_id = (SELECT id FROM users WHERE email = 'anna@acme.example')";
    assert!(
        sqlx::query(demote).execute(pool).await.is_err(),
        "the billing owner stays an admin"
    );
}

both_databases!(the_session_cookie_is_http_only_and_same_site_lax);
async fn the_session_cookie_is_http_only_and_same_site_lax(app: TestApp) {
    let r = app
        .anonymous()
        .http
        .post(app.url("/api/login"))
        .form(&[("email", "anna@acme.example"), ("password", "demo1234")])
        .send()
        .await
        .unwrap();
    let cookie = r
        .headers()
        .get("set-cookie")
        .expect("a session cookie")
        .to_str()
        .unwrap()
        .to_string();
    assert!(cookie.starts_with("billing_session="), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(
        !cookie.contains("Secure"),
        "Secure only when SECURE_COOKIES is set: {cookie}"
    );
}
