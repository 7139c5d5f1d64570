//! Team subscriptions (R-ACC-2, Asana): Teamet AB is on Free with two
//! teams, Sälj (Tea, the owner, and Sam: two paid) and Support (Ulf paid,
//! Vera view-only). A plan bought for one team counts only its members as
//! seats and is billed, renewed and ended on its own; a second team, or the
//! organisation beside it, is for sales.

use crate::plan_changes::plan_id;
use crate::support::{both_databases, spawn_app, Backend, Client, TestApp};
use billing_portal::api::billing::Overview;
use billing_portal::api::plan::{ChangeKind, ChangeOutcome, ChangePreview, PlanPage};
use billing_portal::domain::locale::Locale;
use billing_portal::domain::money::{Currency, Money};
use billing_portal::error::AppError;
use chrono::Duration;

pub(crate) async fn team_id(app: &TestApp, name: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM teams WHERE name = $1")
        .bind(name)
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

fn team_arg(team: Option<i64>) -> Vec<(&'static str, String)> {
    team.map(|t| ("team", t.to_string())).into_iter().collect()
}

pub(crate) async fn preview(
    app: &TestApp,
    c: &Client,
    team: Option<i64>,
    plan: i64,
    seats: u32,
) -> Result<ChangePreview, AppError> {
    let mut args = team_arg(team);
    args.extend([
        ("plan_id", plan.to_string()),
        ("interval", "monthly".to_string()),
        ("seats", seats.to_string()),
    ]);
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.call(c, "preview_change", &args).await
}

pub(crate) async fn confirm(
    app: &TestApp,
    c: &Client,
    p: &ChangePreview,
) -> Result<ChangeOutcome, AppError> {
    let mut args = team_arg(p.team);
    args.extend([
        ("plan_id", p.plan_id.to_string()),
        ("interval", p.interval.code().to_string()),
        ("seats", p.seats.to_string()),
        ("token", p.token.clone()),
        ("idempotency_key", p.idempotency_key.clone()),
    ]);
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.call(c, "confirm_change", &args).await
}

async fn overview(app: &TestApp, c: &Client, team: Option<i64>) -> Overview {
    let args = team_arg(team);
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.call(c, "billing_overview", &args).await.unwrap()
}

async fn plans(app: &TestApp, c: &Client, team: Option<i64>) -> PlanPage {
    let args = team_arg(team);
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.call(c, "plans", &args).await.unwrap()
}

/// Öre as money in kronor.
fn ore(minor: i64) -> Money {
    Money::new(minor, Currency::Sek)
}

/// Tea buys Professional for Sälj, two seats: the whole first month.
async fn buy_for_sales(app: &TestApp, tea: &Client) -> (i64, ChangeOutcome) {
    let sales = team_id(app, "Sälj").await;
    let professional = plan_id(app, "professional").await;
    let p = preview(app, tea, Some(sales), professional, 2)
        .await
        .unwrap();
    (sales, confirm(app, tea, &p).await.unwrap())
}

both_databases!(a_team_buys_its_own_plan_and_only_its_members_are_seats);
async fn a_team_buys_its_own_plan_and_only_its_members_are_seats(app: TestApp) {
    let tea = app.login("tea@teamet.example").await;
    let sales = team_id(&app, "Sälj").await;
    let professional = plan_id(&app, "professional").await;

    // Before: the organisation on Free, every paid member its own.
    let o = overview(&app, &tea, None).await;
    assert_eq!((o.plan_name.as_str(), o.seats_used), ("Free", 3));
    assert!(o.team_plans.is_empty());
    // The plan page offers the organisation and each team.
    let page = plans(&app, &tea, Some(sales)).await;
    let scopes: Vec<(Option<i64>, &str, &str)> = page
        .scopes
        .iter()
        .map(|s| (s.team, s.name.as_str(), s.plan.as_str()))
        .collect();
    assert_eq!(scopes[0], (None, "Teamet AB", "Free"));
    assert!(scopes.contains(&(Some(sales), "Sälj", "Free")));
    assert_eq!(page.paid_members, 2, "Sälj's paid members only");

    // The first month in full: (490 + 2 × 299) × 1.25 = 1 360,00 kr.
    let p = preview(&app, &tea, Some(sales), professional, 2)
        .await
        .unwrap();
    assert_eq!(p.kind, ChangeKind::Upgrade);
    assert!(p.credit_lines.is_empty(), "nothing was paid to credit");
    assert_eq!(p.due_now, ore(136_000));
    // Fewer seats than the plan's minimum are refused.
    assert!(matches!(
        preview(&app, &tea, Some(sales), professional, 1).await,
        Err(AppError::Invalid { .. })
    ));
    let outcome = confirm(&app, &tea, &p).await.unwrap();
    assert!(outcome.credit_note.is_none());
    let invoice = outcome.invoice.clone().expect("the team's invoice");
    // The same confirm again does nothing more.
    let again = confirm(&app, &tea, &p).await.unwrap();
    assert_eq!(again.invoice.as_deref(), Some(invoice.as_str()));
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM subscriptions WHERE team_id = {sales}"
        ))
        .await,
        1
    );

    // The team's own page: its plan, its two seats, its invoice.
    let t = overview(&app, &tea, Some(sales)).await;
    assert_eq!(t.team.as_ref().map(|t| t.1.as_str()), Some("Sälj"));
    assert_eq!(t.plan_name, "Professional");
    assert_eq!((t.seats_used, t.seats_bought), (2, 2));
    assert_eq!(t.documents.len(), 1);
    assert_eq!(t.documents[0].number, invoice);
    assert_eq!(t.documents[0].total, ore(136_000));
    // The organisation stays on Free with the one paid member outside Sälj,
    // and lists the team's plan.
    let o = overview(&app, &tea, None).await;
    assert_eq!((o.plan_name.as_str(), o.seats_used), ("Free", 1));
    assert_eq!(o.team_plans.len(), 1);
    assert_eq!(
        (o.team_plans[0].team.as_str(), o.team_plans[0].plan.as_str()),
        ("Sälj", "Professional")
    );
    // The plan page counts the scope's own members: outside Sälj, Ulf is
    // paid and Vera (view-only) free.
    let page = plans(&app, &tea, None).await;
    assert_eq!((page.paid_members, page.free_members), (1, 1));
    // The team's history starts with the plan bought.
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM subscription_events e JOIN subscriptions s ON s.id = e.subscription_id \
             WHERE s.team_id = {sales} AND e.event LIKE '%started%'"
        ))
        .await,
        1
    );

    // The team's page renders for the owner; another organisation's
    // person finds nothing there.
    let html = app
        .page_html(&tea, &format!("/billing/teams/{sales}"))
        .await;
    assert!(html.contains("Team Sälj") && html.contains("Professional"));
    let anna = app.login("anna@acme.example").await;
    let r = anna
        .http
        .get(app.url(&format!("/billing/teams/{sales}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}

both_databases!(a_second_team_or_the_organisation_beside_it_is_for_sales);
async fn a_second_team_or_the_organisation_beside_it_is_for_sales(app: TestApp) {
    let tea = app.login("tea@teamet.example").await;
    let (_, _) = buy_for_sales(&app, &tea).await;
    let support = team_id(&app, "Support").await;
    let professional = plan_id(&app, "professional").await;
    let documents = app.scalar("SELECT COUNT(*) FROM documents").await;

    let refused = |r: Result<ChangePreview, AppError>| match r {
        Err(AppError::Forbidden { message, .. }) => message.render(Locale::En),
        other => panic!("expected a refusal, got {other:?}"),
    };
    let second = refused(preview(&app, &tea, Some(support), professional, 2).await);
    assert!(second.contains("Sälj") && second.contains("contact sales"));
    let whole = refused(preview(&app, &tea, None, professional, 3).await);
    assert!(whole.contains("Sälj") && whole.contains("contact sales"));
    // The plan page says so on every paid plan for Support.
    let page = plans(&app, &tea, Some(support)).await;
    for o in page.offers.iter().filter(|o| o.name != "Free") {
        assert!(o.unavailable.is_some(), "{} offered to Support", o.name);
    }
    // Only the owner buys; a team of another organisation is not found.
    let sam = app.login("sam@teamet.example").await;
    assert!(matches!(
        preview(&app, &sam, Some(support), professional, 2).await,
        Err(AppError::Forbidden { .. })
    ));
    let anna = app.login("anna@acme.example").await;
    assert!(matches!(
        preview(&app, &anna, Some(support), professional, 2).await,
        Err(AppError::NotFound)
    ));
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM documents").await,
        documents,
        "refusals issue nothing"
    );
}

both_databases!(
    the_clock_renews_a_team_plan_and_ends_it_when_cancelled,
    backend
);
async fn the_clock_renews_a_team_plan_and_ends_it_when_cancelled(backend: Backend) {
    use billing_portal::services::clock::advance;
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let tea = app.login("tea@teamet.example").await;
    let (sales, _) = buy_for_sales(&app, &tea).await;
    let team_sub = app
        .scalar(&format!(
            "SELECT id FROM subscriptions WHERE team_id = {sales}"
        ))
        .await;
    let docs_of_team = || {
        format!("SELECT COUNT(*) FROM documents WHERE subscription_id = {team_sub} AND kind = 'invoice'")
    };
    // A month and two days on: the team's renewal invoice, at its price.
    let later = app.now() + Duration::days(33);
    advance(&app.db, &app.gateway, later).await.unwrap();
    assert_eq!(app.scalar(&docs_of_team()).await, 2);
    assert_eq!(
        app.scalar(&format!(
            "SELECT total_minor FROM documents WHERE subscription_id = {team_sub} ORDER BY id DESC LIMIT 1"
        ))
        .await,
        136_000
    );
    // Running the clock again for the same instant changes nothing.
    advance(&app.db, &app.gateway, later).await.unwrap();
    assert_eq!(app.scalar(&docs_of_team()).await, 2);

    // Cancelled, the team's plan ends at its period end: the subscription
    // is closed, the team back on the organisation's Free.
    app.clock.set(later);
    let key = billing_portal::services::guard::new_key();
    let done: serde_json::Value = app
        .call(
            &tea,
            "auto_renew",
            &[
                ("team", &sales.to_string()),
                ("on", "false"),
                ("idempotency_key", &key),
            ],
        )
        .await
        .unwrap();
    assert_eq!(done["action"], "subscription.cancel");
    let end = later + Duration::days(33);
    advance(&app.db, &app.gateway, end).await.unwrap();
    assert_eq!(app.scalar(&docs_of_team()).await, 2, "no third invoice");
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM subscriptions WHERE id = {team_sub} AND status = 'canceled'"
        ))
        .await,
        1
    );
    app.clock.set(end);
    let o = overview(&app, &tea, None).await;
    assert!(o.team_plans.is_empty());
    assert_eq!(
        o.seats_used, 3,
        "Sälj's members are the organisation's again"
    );
    let t = overview(&app, &tea, Some(sales)).await;
    assert_eq!(t.plan_name, "Free");
}
