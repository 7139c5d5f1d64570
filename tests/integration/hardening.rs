//! Hostile and unlucky input (issue 10): nothing panics the server, stops
//! metering for everyone, slips past a refusal or moves value it should not.

use crate::plan_changes::{confirm, plan_id, preview};
use crate::support::{both_databases, spawn_app, spawn_app_with, Backend, Client, TestApp};
use billing_portal::api::credits::{CreditsView, NewApiKey};
use billing_portal::api::documents::BillingDetailsView;
use billing_portal::error::AppError;
use serde_json::{json, Value};

pub(crate) async fn new_key(app: &TestApp, admin: &Client) -> String {
    let k: NewApiKey = app
        .call(admin, "create_api_key", &[("name", "hardening")])
        .await
        .unwrap();
    k.secret
}

pub(crate) async fn post(app: &TestApp, path: &str, key: &str, body: &str) -> (u16, Value) {
    let r = app
        .anonymous()
        .http
        .post(app.url(path))
        .bearer_auth(key)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// Posts a server function's form and answers the raw status and body.
pub(crate) async fn raw(
    app: &TestApp,
    c: &Client,
    endpoint: &str,
    args: &[(&str, &str)],
) -> (u16, String) {
    let r = c
        .http
        .post(app.url(&format!("/api/{endpoint}")))
        .form(args)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

// The review's poison: an overflowing run from one organisation answered
// 422 by name, and the next organisation's event is charged.
both_databases!(one_bad_usage_event_cannot_stop_metering);
async fn one_bad_usage_event_cannot_stop_metering(app: TestApp) {
    let acme = new_key(&app, &app.login("anna@acme.example").await).await;
    let nordlys = new_key(&app, &app.login("ola@nordlys.example").await).await;
    let poison = r#"{"event_id":"x","runtime_seconds":0,"iterations":18446744073709551615}"#;
    let (status, body) = post(&app, "/api/v1/usage", &acme, poison).await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["error"].as_str().unwrap().contains("iterations"),
        "{body}"
    );
    let batch = format!(r#"{{"events":[{poison}]}}"#);
    let (status, body) = post(&app, "/api/v1/usage/batch", &acme, &batch).await;
    assert!(status == 200 || status == 422, "{status} {body}");
    let (status, body) = post(
        &app,
        "/api/v1/usage",
        &nordlys,
        r#"{"event_id":"after-poison","runtime_seconds":10}"#,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    for (field, event) in [
        (
            "runtime_seconds",
            r#"{"event_id":"a","runtime_seconds":999999999}"#,
        ),
        (
            "advanced_steps",
            r#"{"event_id":"b","runtime_seconds":1,"advanced_steps":[18446744073709551615]}"#,
        ),
    ] {
        let (status, body) = post(&app, "/api/v1/usage", &acme, event).await;
        assert_eq!(status, 422, "{body}");
        assert!(body["error"].as_str().unwrap().contains(field), "{body}");
    }
}

// Usage between a preview and its confirm bumps the organisation's lock,
// not the preview: the confirm goes through with the previewed amounts.
both_databases!(usage_never_blocks_a_plan_change);
async fn usage_never_blocks_a_plan_change(app: TestApp) {
    let anna = app.login("anna@acme.example").await;
    let key = new_key(&app, &anna).await;
    let business = plan_id(&app, "business").await;
    let p = preview(&app, &anna, business, "monthly", 6).await.unwrap();
    for i in 0..5 {
        let (status, _) = post(
            &app,
            "/api/v1/usage",
            &key,
            &format!(r#"{{"event_id":"between-{i}","runtime_seconds":10}}"#),
        )
        .await;
        assert_eq!(status, 200);
    }
    let done = confirm(&app, &anna, &p).await.unwrap();
    assert_eq!(done.preview, p, "the confirmed change is the preview");
    let total: i64 = sqlx::query_scalar("SELECT total_minor FROM documents WHERE number = $1")
        .bind(done.invoice.as_ref().unwrap())
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(total, p.charged_now.minor());
}

// Past the period end, before the clock renews: a clear 409, never a panic.
both_databases!(no_panic_when_a_period_has_ended);
async fn no_panic_when_a_period_has_ended(app: TestApp) {
    let anna = app.login("anna@acme.example").await;
    let business = plan_id(&app, "business").await;
    let professional = plan_id(&app, "professional").await;
    app.clock.set(app.now() + chrono::Duration::days(45));
    for (plan, seats) in [(business, 6), (professional, 9)] {
        match preview(&app, &anna, plan, "monthly", seats).await {
            Err(AppError::Conflict(m)) => {
                assert!(m.to_string().contains("renewal is being processed"), "{m}")
            }
            other => panic!("expected a renewal conflict, got {other:?}"),
        }
    }
    let (status, _) = raw(&app, &anna, "billing_overview", &[]).await;
    assert_eq!(status, 200);
    let (status, _) = raw(&app, &anna, "plans", &[]).await;
    assert_eq!(status, 200);
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Standing {
    Normal,
    Partner,
    Locked,
    Contract,
    PastDue,
    Trialing,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Act {
    SaveDetails,
    CreateKey,
    RevokeKey,
    BuyPack,
    CancelRenewal,
    StartTrial,
    EndTrial,
    AddSeats,
    Upgrade,
}

/// SPEC R-ACC-5/6 and R-PAY-2, written out here independently of the code:
/// whether `who` in an organisation in `standing` is refused `act`.
fn refused(who: &str, standing: Standing, act: Act) -> bool {
    use Act::*;
    use Standing::*;
    let owner_only = matches!(
        act,
        SaveDetails | CancelRenewal | StartTrial | EndTrial | AddSeats | Upgrade
    );
    let by_role = match who {
        "owner" => false,
        "admin" => owner_only,
        _ => true,
    };
    let by_standing = match standing {
        Normal | Trialing => false,
        Partner => !matches!(act, CreateKey | RevokeKey),
        // Every change to the agreed subscription (issue 33).
        Locked => matches!(act, CancelRenewal | StartTrial | AddSeats | Upgrade),
        Contract => matches!(
            act,
            CancelRenewal | StartTrial | EndTrial | AddSeats | Upgrade
        ),
        PastDue => matches!(act, BuyPack | StartTrial | AddSeats | Upgrade),
    };
    by_role || by_standing
}

// R-ACC-6: every state-changing server fn × every standing × every role
// against the matrix above. A refusal is a 403 that names its rule; what
// is allowed is never a 403 and never a 5xx.
both_databases!(refusals_hold_on_every_path, backend);
async fn refusals_hold_on_every_path(backend: Backend) {
    use Act::*;
    for standing in [
        Standing::Normal,
        Standing::Partner,
        Standing::Locked,
        Standing::Contract,
        Standing::PastDue,
        Standing::Trialing,
    ] {
        let Some(app) = spawn_app(backend).await else {
            return;
        };
        let set = match standing {
            Standing::Normal => None,
            Standing::Partner => Some("UPDATE organisations SET partner_name = 'Nordic Partners AB' WHERE name = 'Acme AB'"),
            Standing::Locked => Some("UPDATE organisations SET plan_locked = 1 WHERE name = 'Acme AB'"),
            Standing::Contract => Some("UPDATE organisations SET manually_billed = 1 WHERE name = 'Acme AB'"),
            Standing::PastDue => Some("UPDATE subscriptions SET status = 'past_due' WHERE organisation_id = (SELECT id FROM organisations WHERE name = 'Acme AB')"),
            Standing::Trialing => None,
        };
        if let Some(sql) = set {
            sqlx::query(sql).execute(&app.db.pool).await.unwrap();
        }
        let anna = app.login("anna@acme.example").await;
        let business = plan_id(&app, "business").await;
        let enterprise_free_trial_plan = business;
        if standing == Standing::Trialing {
            let key = CreditsView::key_for_test(&app, &anna).await;
            app.call::<Value>(
                &anna,
                "start_trial",
                &[
                    ("plan_id", &business.to_string()),
                    ("idempotency_key", &key),
                ],
            )
            .await
            .unwrap();
        }
        let details: BillingDetailsView = app.billing_details(&anna).await.unwrap();
        let credits: CreditsView = app.credits(&anna).await.unwrap();
        let pack = credits.packs.first().map(|p| p.id).unwrap_or(1).to_string();
        let people = [
            ("view_only", app.login("gustav@acme.example").await),
            ("member", app.login("cecilia@acme.example").await),
            ("admin", app.login("bertil@acme.example").await),
            ("owner", anna.clone()),
        ];
        for (who, client) in &people {
            for act in [
                SaveDetails,
                CreateKey,
                RevokeKey,
                BuyPack,
                CancelRenewal,
                StartTrial,
                EndTrial,
                AddSeats,
                Upgrade,
            ] {
                let key = format!("{:032x}", rand_key(who, act, standing));
                let f = &details.form;
                let trial_plan = enterprise_free_trial_plan.to_string();
                // A plan change confirms the owner's own preview where the
                // owner may preview it; otherwise a token that cannot match.
                let (plan, seats) = match act {
                    Upgrade => (business, 6),
                    _ => (plan_id(&app, "professional").await, 7),
                };
                let token = match preview(&app, &anna, plan, "monthly", seats).await {
                    Ok(p) => p.token,
                    Err(_) => "0".repeat(32),
                };
                let plan_s = plan.to_string();
                let seats_s = seats.to_string();
                let (endpoint, args): (&str, Vec<(&str, &str)>) = match act {
                    SaveDetails => (
                        "save_billing_details",
                        vec![
                            ("legal_name", &f.legal_name),
                            ("address", &f.address),
                            ("postal_code", &f.postal_code),
                            ("city", &f.city),
                            ("country", &f.country),
                            ("vat_number", &f.vat_number),
                            ("invoice_email", &f.invoice_email),
                        ],
                    ),
                    CreateKey => ("create_api_key", vec![("name", "matrix")]),
                    RevokeKey => ("revoke_api_key", vec![("id", "999999")]),
                    BuyPack => (
                        "buy_pack",
                        vec![
                            ("pack_id", &pack),
                            ("last_purchase", ""),
                            ("idempotency_key", &key),
                        ],
                    ),
                    CancelRenewal => (
                        "auto_renew",
                        vec![("on", "false"), ("idempotency_key", &key)],
                    ),
                    StartTrial => (
                        "start_trial",
                        vec![("plan_id", &trial_plan), ("idempotency_key", &key)],
                    ),
                    EndTrial => ("end_trial", vec![("idempotency_key", &key)]),
                    AddSeats | Upgrade => (
                        "confirm_change",
                        vec![
                            ("plan_id", &plan_s),
                            ("interval", "monthly"),
                            ("seats", &seats_s),
                            ("token", &token),
                            ("idempotency_key", &key),
                        ],
                    ),
                };
                // The page offers exactly what the server takes: a control
                // rendered for a write the server refuses is a defect.
                let offered = offered(&app, client, act).await;
                if offered {
                    assert!(
                        !refused(who, standing, act),
                        "{standing:?} {who} {act:?} is offered but refused"
                    );
                }
                let (status, body) = raw(&app, client, endpoint, &args).await;
                assert!(status < 500, "{standing:?} {who} {act:?}: {status} {body}");
                if refused(who, standing, act) {
                    assert_eq!(
                        status, 403,
                        "{standing:?} {who} {act:?} must be refused: {body}"
                    );
                    let err: AppError = serde_json::from_str(&body).unwrap();
                    let AppError::Forbidden { message, .. } = err else {
                        panic!("{body}")
                    };
                    assert!(
                        ["Only", "managed by", "locked", "contract", "unpaid"]
                            .iter()
                            .any(|rule| message.to_string().contains(rule)),
                        "the refusal names its rule: {message}"
                    );
                } else {
                    assert_ne!(
                        status, 403,
                        "{standing:?} {who} {act:?} must be allowed: {body}"
                    );
                }
            }
        }
    }
}

/// Whether the page where a person does `act` offers it to `client`:
/// the form or button is rendered and enabled (pages render from the views
/// read here).
async fn offered(app: &TestApp, client: &Client, act: Act) -> bool {
    use billing_portal::api::plan::PlanPage;
    let overview = app.billing_overview(client).await.ok();
    let can_change = overview.as_ref().is_some_and(|o| o.can_change_plan);
    match act {
        Act::SaveDetails => app.billing_details(client).await.is_ok_and(|d| d.editable),
        Act::BuyPack => app
            .credits(client)
            .await
            .is_ok_and(|c| !c.packs.is_empty() && c.packs_refusal.is_none()),
        Act::CancelRenewal => {
            can_change
                && overview.as_ref().is_some_and(|o| o.auto_renew)
                && app.cancellation(client).await.is_ok()
        }
        Act::StartTrial | Act::AddSeats | Act::Upgrade => {
            can_change
                && app
                    .call::<PlanPage>(client, "plans", &[])
                    .await
                    .is_ok_and(|p| p.refusal.is_none() && p.not_owner.is_none())
        }
        // Keys are the admins' in every standing; ending a trial is offered
        // with the trial's banner.
        Act::CreateKey | Act::RevokeKey | Act::EndTrial => false,
    }
}

fn rand_key(who: &str, act: Act, standing: Standing) -> u128 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (who, format!("{act:?}{standing:?}")).hash(&mut h);
    u128::from(h.finish()) << 64 | 0xfeed
}

trait KeyForTest {
    async fn key_for_test(app: &TestApp, c: &Client) -> String;
}

impl KeyForTest for CreditsView {
    async fn key_for_test(app: &TestApp, c: &Client) -> String {
        let v: CreditsView = app.credits(c).await.unwrap();
        v.action_key
    }
}

// R-INV-3/4: the buyer moves from Sweden to Norway after being invoiced
// with 25 % VAT; the upgrade's credit note credits that invoice's lines at
// 25 %, the new invoice has none.
both_databases!(a_credit_note_mirrors_the_invoice_it_corrects);
async fn a_credit_note_mirrors_the_invoice_it_corrects(app: TestApp) {
    let anna = app.login("anna@acme.example").await;
    app.call::<()>(
        &anna,
        "save_billing_details",
        &[
            ("legal_name", "Acme Norge AS"),
            ("address", "Karl Johans gate 1"),
            ("postal_code", "0154"),
            ("city", "Oslo"),
            ("country", "NO"),
            ("vat_number", ""),
            ("invoice_email", "faktura@acme.example"),
        ],
    )
    .await
    .unwrap();
    let business = plan_id(&app, "business").await;
    let p = preview(&app, &anna, business, "monthly", 6).await.unwrap();
    let done = confirm(&app, &anna, &p).await.unwrap();
    let rates = |number: String| {
        let app = &app;
        async move {
            let rows: Vec<(String,)> = sqlx::query_as(
                "SELECT l.vat_rate FROM document_lines l JOIN documents d ON d.id = l.document_id WHERE d.number = $1",
            )
            .bind(number)
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
            rows.into_iter().map(|r| r.0).collect::<Vec<_>>()
        }
    };
    let corrected: (String, i64) = sqlx::query_as(
        "SELECT c.number, c.vat_minor FROM documents d JOIN documents c ON c.id = d.corrects_id WHERE d.number = $1",
    )
    .bind(done.credit_note.as_ref().unwrap())
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert!(corrected.1 > 0, "the corrected invoice charged Swedish VAT");
    assert!(rates(corrected.0.clone()).await.iter().all(|r| r == "0.25"));
    assert!(rates(done.credit_note.clone().unwrap())
        .await
        .iter()
        .all(|r| r == "0.25"));
    assert!(rates(done.invoice.clone().unwrap())
        .await
        .iter()
        .all(|r| r == "0"));
    let (cn_vat, cn_note): (i64, Option<String>) =
        sqlx::query_as("SELECT vat_minor, vat_note FROM documents WHERE number = $1")
            .bind(done.credit_note.as_ref().unwrap())
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert!(cn_vat > 0);
    assert_eq!(
        cn_note, None,
        "the credit note keeps the invoice's (absent) export note"
    );
    assert!(p.credited_now.is_positive());
}

// Cross-site POSTs are refused before any handler; the portal's own pages
// and programs without an Origin go through.
both_databases!(cross_site_requests_are_refused);
async fn cross_site_requests_are_refused(app: TestApp) {
    let anna = app.login("anna@acme.example").await;
    let evil = anna
        .http
        .post(app.url("/api/create_api_key"))
        .header("origin", "https://evil.example")
        .form(&[("name", "stolen")])
        .send()
        .await
        .unwrap();
    assert_eq!(evil.status().as_u16(), 403);
    let sniffed = anna
        .http
        .post(app.url("/api/login"))
        .header("sec-fetch-site", "cross-site")
        .form(&[("email", "anna@acme.example"), ("password", "demo1234")])
        .send()
        .await
        .unwrap();
    assert_eq!(sniffed.status().as_u16(), 403);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM api_keys WHERE name = 'stolen'")
            .await,
        0
    );
    let own = anna
        .http
        .post(app.url("/api/create_api_key"))
        .header("origin", format!("http://{}", app.addr))
        .header("sec-fetch-site", "same-origin")
        .form(&[("name", "mine")])
        .send()
        .await
        .unwrap();
    assert_eq!(own.status().as_u16(), 200);
}

// Login abuse: per client address, per account, and no argon2 while locked.
both_databases!(login_abuse_is_bounded, backend);
async fn login_abuse_is_bounded(backend: Backend) {
    let Some(app) = spawn_app_with(backend, |c| c.login_attempts_per_minute = 6).await else {
        return;
    };
    let c = app.anonymous();
    let attempt = |email: String, password: &'static str| {
        let c = c.clone();
        let app = &app;
        async move {
            let r = c
                .http
                .post(app.url("/api/login"))
                .form(&[("email", email.as_str()), ("password", password)])
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.headers().get("retry-after").cloned())
        }
    };
    // Five wrong passwords lock the account: even the right one waits.
    for _ in 0..5 {
        assert_eq!(attempt("anna@acme.example".into(), "wrong").await.0, 401);
    }
    let (status, retry) = attempt("anna@acme.example".into(), "demo1234").await;
    assert_eq!(status, 429);
    assert!(retry.is_some(), "429 says when to retry");
    // An e-mail longer than any address is refused without a check.
    assert_eq!(attempt("a".repeat(300), "x").await.0, 422);
    // The address has had its six attempts this minute.
    let (status, retry) = attempt("nobody@acme.example".into(), "x").await;
    assert_eq!(status, 429);
    assert!(retry.is_some());
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM login_failures WHERE email = 'nobody@acme.example'")
            .await,
        0,
        "unknown e-mails leave nothing behind"
    );
}

// Errors answer their own status; 5xx stays for faults.
both_databases!(errors_answer_their_own_status);
async fn errors_answer_their_own_status(app: TestApp) {
    let cecilia = app.login("cecilia@acme.example").await;
    let business = plan_id(&app, "business").await.to_string();
    let args = [
        ("plan_id", business.as_str()),
        ("interval", "monthly"),
        ("seats", "6"),
    ];
    let (status, body) = raw(&app, &cecilia, "preview_change", &args).await;
    assert_eq!(status, 403, "{body}");
    let (status, _) = raw(&app, &app.anonymous(), "preview_change", &args).await;
    assert_eq!(status, 401);
    let anna = app.login("anna@acme.example").await;
    let (status, body) = raw(
        &app,
        &anna,
        "preview_change",
        &[
            ("plan_id", business.as_str()),
            ("interval", "weekly"),
            ("seats", "6"),
        ],
    )
    .await;
    assert_eq!(status, 422, "{body}");
    let (status, body) = raw(
        &app,
        &anna,
        "preview_change",
        &[
            ("plan_id", business.as_str()),
            ("interval", "monthly"),
            ("seats", "10001"),
        ],
    )
    .await;
    assert_eq!(status, 422, "a seat maximum: {body}");
    let key = CreditsView::key_for_test(&app, &anna).await;
    let (status, body) = raw(
        &app,
        &anna,
        "start_trial",
        &[("plan_id", "987654"), ("idempotency_key", &key)],
    )
    .await;
    assert_eq!(status, 404, "an unknown plan: {body}");
    let (status, body) = raw(&app, &anna, "end_trial", &[("idempotency_key", &key)]).await;
    assert_eq!(status, 409, "no trial is running: {body}");
}

// What the pages say about money is what is owed.
both_databases!(pages_say_what_is_owed);
async fn pages_say_what_is_owed(app: TestApp) {
    // A contract is not quoted at list price on the cancel page.
    let elsa = app.login("elsa@storforetaget.example").await;
    match app.cancellation(&elsa).await {
        Err(AppError::Forbidden { message, .. }) => {
            assert!(message.to_string().contains("contract"), "{message}")
        }
        other => panic!("a contract is not cancelled self-serve: {other:?}"),
    }
    // A paid invoice (settled by a payment) owes nothing.
    let anna = app.login("anna@acme.example").await;
    let paid: (String,) = sqlx::query_as(
        "SELECT d.number FROM documents d JOIN organisations o ON o.id = d.organisation_id \
         WHERE o.name = 'Acme AB' AND d.kind = 'invoice' AND d.amount_due_minor > 0 \
         AND EXISTS (SELECT 1 FROM allocations a WHERE a.invoice_id = d.id) ORDER BY d.id LIMIT 1",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let view: Value = app
        .call(&anna, "document", &[("number", &paid.0)])
        .await
        .unwrap();
    assert_eq!(view["summary"]["amount_due"]["minor"], json!(0), "{view}");
    assert_eq!(view["summary"]["status"], json!("Paid"), "{view}");
    // Auto-renew off: the overview says when service ends, and a seat bought
    // then lands on the final invoice, which the preview names.
    let key = CreditsView::key_for_test(&app, &anna).await;
    app.call::<Value>(
        &anna,
        "auto_renew",
        &[("on", "false"), ("idempotency_key", &key)],
    )
    .await
    .unwrap();
    let o: billing_portal::api::billing::Overview = app.billing_overview(&anna).await.unwrap();
    assert!(o.service_ends.is_some());
    assert_eq!(o.next_billing_date, None);
    let professional = plan_id(&app, "professional").await;
    let p = preview(&app, &anna, professional, "monthly", 7)
        .await
        .unwrap();
    assert!(!p.next_invoice_extra.is_empty());
    assert!(
        p.next_invoice_date.is_some() && p.next_invoice_amount.is_some(),
        "a seat charge has an invoice to land on"
    );
    // An admin is told the rule, not that billing is closed to them.
    let bertil = app.login("bertil@acme.example").await;
    match preview(&app, &bertil, professional, "monthly", 7).await {
        Err(AppError::Forbidden { message, .. }) => {
            assert!(
                message
                    .to_string()
                    .starts_with("Only the billing owner can change the plan"),
                "{message}"
            )
        }
        other => panic!("{other:?}"),
    }
}

// Small ones: the locale switch stays on this site, expired sessions are
// purged, the API-key cache is bounded, issued documents take no new
// lines, ledgers are append-only.
both_databases!(small_ones_hold, backend);
async fn small_ones_hold(backend: Backend) {
    let Some(app) = spawn_app_with(backend, |c| {
        c.session_purge = std::time::Duration::from_millis(100)
    })
    .await
    else {
        return;
    };
    let anna = app.login("anna@acme.example").await;
    for back in ["/\\evil.com", "//evil.com"] {
        let r = anna
            .http
            .post(app.url("/api/set_locale"))
            .header("accept", "text/html")
            .form(&[("locale", "en"), ("back", back)])
            .send()
            .await
            .unwrap();
        let location = r.headers().get("location").unwrap().to_str().unwrap();
        assert_eq!(location, "/", "{back:?}");
    }
    // A control character is refused by the text rule: the form comes
    // back with the refusal (the server function's own error path), and
    // nobody is sent anywhere else.
    let r = anna
        .http
        .post(app.url("/api/set_locale"))
        .header("accept", "text/html")
        .header("referer", app.url("/billing/plan"))
        .form(&[("locale", "en"), ("back", "/billing\u{7}")])
        .send()
        .await
        .unwrap();
    let location = r.headers().get("location").unwrap().to_str().unwrap();
    assert!(
        location.starts_with(&app.url("/billing/plan?")) && location.contains("__err="),
        "{location}"
    );
    sqlx::query("INSERT INTO sessions (id, data, expiry_date) VALUES ('expired-one', '{}', 1)")
        .execute(&app.db.pool)
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM sessions WHERE id = 'expired-one'")
            .await,
        0
    );

    for i in 0..(billing_portal::services::credits::KEY_CACHE_SIZE + 500) {
        let secret = format!("bp_{:012x}_nothing", i);
        assert_eq!(
            billing_portal::services::credits::authenticate(&app.db, &secret)
                .await
                .unwrap(),
            None
        );
    }
    assert!(
        billing_portal::services::credits::cached_keys()
            <= billing_portal::services::credits::KEY_CACHE_SIZE
    );

    new_key(&app, &anna).await; // an audited change
    let issued = app.scalar("SELECT MIN(id) FROM documents").await;
    let line = sqlx::query(
        "INSERT INTO document_lines (document_id, position, description, quantity, unit_price_minor, vat_rate, amount_minor) \
         VALUES ($1, 99, 'slipped in', 1, 100, '0.25', 100)",
    )
    .bind(issued)
    .execute(&app.db.pool)
    .await;
    assert!(line.is_err(), "an issued document takes no new lines");
    let vat = sqlx::query("INSERT INTO document_vat (document_id, rate, base_minor, vat_minor) VALUES ($1, '0.12', 1, 1)")
        .bind(issued)
        .execute(&app.db.pool)
        .await;
    assert!(vat.is_err(), "nor VAT rows");
    for sql in [
        "UPDATE credit_entries SET amount = amount + 1",
        "DELETE FROM credit_entries",
        "UPDATE audit_log SET actor = 'someone else'",
        "DELETE FROM audit_log",
        "UPDATE balance_entries SET amount_minor = 0",
        "UPDATE usage_events SET cost = cost + 1",
        "DELETE FROM usage_events",
    ] {
        let before_credit = app.scalar("SELECT COUNT(*) FROM credit_entries").await;
        let r = sqlx::query(sql).execute(&app.db.pool).await;
        let rows = r.as_ref().map(|d| d.rows_affected()).unwrap_or(0);
        assert!(r.is_err() || rows == 0, "{sql} must be refused");
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM credit_entries").await,
            before_credit
        );
    }
    assert!(app.scalar("SELECT COUNT(*) FROM credit_entries").await > 0);
    assert!(app.scalar("SELECT COUNT(*) FROM usage_events").await > 0);
    // SQLite's writers leave the write-ahead log to the checkpoint task
    // (past 64 MB they copy it themselves); the task's call runs beside them.
    if backend == Backend::Sqlite {
        assert_eq!(app.scalar("PRAGMA wal_autocheckpoint").await, 16384);
    }
    app.db.checkpoint().await.unwrap();
    assert!(app.scalar("SELECT COUNT(*) FROM audit_log").await > 0);
}

/// Every server function with its argument names, for the fuzz test.
const SERVER_FNS: &[(&str, &[&str])] = &[
    ("credits", &["page"]),
    ("buy_pack", &["pack_id", "last_purchase", "idempotency_key"]),
    ("api_keys", &[]),
    ("create_api_key", &["name"]),
    ("revoke_api_key", &["id"]),
    ("session", &[]),
    ("switch_org", &["org_id"]),
    ("set_locale", &["locale", "back"]),
    ("billing_overview", &[]),
    ("start_trial", &["plan_id", "idempotency_key"]),
    ("end_trial", &["idempotency_key"]),
    ("cancellation", &[]),
    ("auto_renew", &["on", "idempotency_key"]),
    ("plans", &["interval", "seats"]),
    ("preview_change", &["plan_id", "interval", "seats"]),
    (
        "confirm_change",
        &["plan_id", "interval", "seats", "token", "idempotency_key"],
    ),
    ("documents", &["status", "page"]),
    ("document", &["number"]),
    ("billing_details", &[]),
    (
        "save_billing_details",
        &[
            "legal_name",
            "address",
            "postal_code",
            "city",
            "country",
            "vat_number",
            "invoice_email",
        ],
    ),
    ("team", &[]),
    ("hand_over_owner", &["to", "confirm", "idempotency_key"]),
    ("login", &["email", "password"]),
    ("logout", &[]),
];

/// The console's server functions, fuzzed as an operator.
const OPS_FNS: &[(&str, &[&str])] = &[
    ("ops_session", &[]),
    ("ops_catalog", &[]),
    (
        "ops_publish_price",
        &[
            "plan_id",
            "currency",
            "interval",
            "flat",
            "per_seat",
            "min_seats",
            "confirm",
        ],
    ),
    ("ops_orgs", &["q"]),
    ("ops_org", &["id"]),
    (
        "ops_org_flags",
        &["org_id", "partner", "partner_contact", "plan_locked"],
    ),
    (
        "ops_void",
        &["org_id", "number", "reason", "idempotency_key", "confirm"],
    ),
    ("ops_payments", &[]),
    (
        "ops_record_payment",
        &[
            "date",
            "amount",
            "currency",
            "reference",
            "payer",
            "idempotency_key",
        ],
    ),
    ("ops_match_payment", &["payment_id", "invoice"]),
    (
        "ops_audit",
        &["org_id", "actor", "action", "from", "to", "before"],
    ),
    ("ops_clock_preview", &["org_id", "date"]),
    (
        "ops_goodwill_note",
        &[
            "org_id",
            "number",
            "amount",
            "reason",
            "idempotency_key",
            "confirm",
        ],
    ),
    (
        "ops_goodwill_credits",
        &[
            "org_id",
            "credits",
            "last_day",
            "reason",
            "idempotency_key",
            "confirm",
        ],
    ),
    (
        "ops_contract",
        &[
            "org_id",
            "form[years]",
            "form[annual_price]",
            "form[discount]",
            "form[seat_tier]",
            "form[schedule]",
            "form[custom]",
            "idempotency_key",
            "confirm",
        ],
    ),
    (
        "ops_plan_edit",
        &[
            "edit[plan_id]",
            "edit[name]",
            "edit[features]",
            "edit[limits]",
            "edit[monthly_credits]",
            "edit[packs_allowed]",
            "edit[trial_days]",
        ],
    ),
    (
        "ops_pack_add",
        &["name", "credits", "price", "currency", "validity_months"],
    ),
    ("ops_pack_retire", &["id"]),
    ("ops_outbox", &["status", "before"]),
    ("ops_customer_view", &["org_id"]),
    ("ops_member_active", &["org_id", "membership_id", "active"]),
    ("ops_team_add", &["org_id", "name"]),
    ("ops_member_team", &["org_id", "membership_id", "team_id"]),
];

/// Inputs per server function and per usage endpoint in the fuzz test.
pub const FUZZ_INPUTS: usize = 40;

/// A small deterministic generator: the same inputs on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[(self.next() % from.len() as u64) as usize]
    }

    fn value(&mut self) -> String {
        let odd = [
            "",
            "0",
            "-1",
            "1",
            "2",
            "6",
            "7",
            "monthly",
            "annual",
            "weekly",
            "true",
            "false",
            "18446744073709551615",
            "-9223372036854775808",
            "99999999999999999999999",
            "1e9",
            "NaN",
            "null",
            "[]",
            "{}",
            "SE",
            "NO",
            "US",
            "XX",
            "SE556677889901",
            "0123456789abcdef0123456789abcdef",
            "2026-000001",
            "../../etc/passwd",
            "/\\evil.com",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "åäö ÅÄÖ ñ 漢字 🙂",
            "\u{0}\u{7}\r\n",
        ];
        match self.next() % 4 {
            0 => "x".repeat((self.next() % 5000) as usize),
            1 => (self.next() as i64).to_string(),
            _ => self.pick(&odd).to_string(),
        }
    }
}

// R-ACC-5 and issue 10: random and malformed bodies to every server fn (as
// the billing owner and as nobody) and to both usage endpoints: never a
// 5xx, and every 4xx says what is wrong.
both_databases!(fuzzed_requests_never_answer_5xx);
async fn fuzzed_requests_never_answer_5xx(app: TestApp) {
    let anna = app.login("anna@acme.example").await;
    let key = new_key(&app, &anna).await;
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut tried = 0;
    let olof = app.anonymous();
    app.call::<()>(
        &olof,
        "ops_login",
        &[
            ("email", "olof@vendor.example"),
            ("password", billing_portal::seed::DEMO_PASSWORD),
        ],
    )
    .await
    .unwrap();
    let fns = SERVER_FNS
        .iter()
        .map(|f| (f, &anna))
        .chain(OPS_FNS.iter().map(|f| (f, &olof)));
    for ((endpoint, names), caller) in fns {
        for i in 0..FUZZ_INPUTS {
            let client = if i % 4 == 3 {
                app.anonymous()
            } else {
                caller.clone()
            };
            let request = client.http.post(app.url(&format!("/api/{endpoint}")));
            let request = match i % 5 {
                // Raw bytes under a form content type.
                0 => request
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(
                        (0..rng.next() % 200)
                            .map(|_| rng.next() as u8)
                            .collect::<Vec<u8>>(),
                    ),
                // The wrong content type.
                1 => request
                    .header("content-type", "application/json")
                    .body(rng.value()),
                // The real names, random values, some missing, some extra.
                _ => {
                    let mut form: Vec<(String, String)> = Vec::new();
                    for n in names.iter() {
                        if rng.next() % 6 != 0 {
                            form.push((n.to_string(), rng.value()));
                        }
                    }
                    if rng.next() % 4 == 0 {
                        form.push((rng.value(), rng.value()));
                    }
                    request.form(&form)
                }
            };
            let r = request.send().await.unwrap();
            let status = r.status().as_u16();
            let body = r.text().await.unwrap();
            tried += 1;
            assert!(status < 500, "{endpoint} #{i}: {status} {body}");
            if status >= 400 {
                assert!(
                    !body.trim().is_empty(),
                    "{endpoint} #{i}: a {status} says what is wrong"
                );
            }
        }
    }
    for path in ["/api/v1/usage", "/api/v1/usage/batch"] {
        for i in 0..FUZZ_INPUTS {
            let body = match i % 4 {
                0 => rng.value(),
                1 => json!({"event_id": rng.value(), "runtime_seconds": rng.next() >> (rng.next() % 64), "iterations": rng.next() >> (rng.next() % 64), "advanced_steps": [rng.next() >> 40]}).to_string(),
                2 => json!({"events": (0..rng.next() % 600).map(|n| json!({"event_id": format!("f{i}-{n}"), "runtime_seconds": n})).collect::<Vec<_>>()}).to_string(),
                _ => json!({"event_id": rng.value(), "runtime_seconds": rng.value(), "extra": true}).to_string(),
            };
            let (status, answer) = post(&app, path, &key, &body).await;
            tried += 1;
            assert!(status < 500, "{path} #{i}: {status} {answer}");
            if status >= 400 {
                assert!(
                    answer["error"].is_string(),
                    "{path} #{i}: {status} {answer}"
                );
            }
        }
    }
    assert_eq!(tried, (SERVER_FNS.len() + OPS_FNS.len() + 2) * FUZZ_INPUTS);
}
