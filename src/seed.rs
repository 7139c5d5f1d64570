//! Demo data for an empty database (R-RUN-1): the catalog and one
//! organisation per interesting case, with logins for every role.

use crate::db::{flag, now_text, users, Db, Tx};
use crate::domain::money::Currency;
use crate::domain::period::{boundary, local_day, period_containing, Interval};
use crate::domain::subscription::HistoryEvent;
use crate::error::AppError;
use chrono::{DateTime, Duration, NaiveDate, Utc};

pub const DEMO_PASSWORD: &str = "demo1234";

struct PlanSeed {
    code: &'static str,
    name: &'static str,
    features: &'static [&'static str],
    limits: &'static [(&'static str, Option<i64>)],
    credits: i64,
    packs: bool,
    trial_days: Option<i64>,
    /// Monthly flat and per-seat parts in whole kronor; annual is ten times.
    flat: i64,
    per_seat: i64,
}

const PLANS: &[PlanSeed] = &[
    PlanSeed {
        code: "free",
        name: "Free",
        features: &["Up to 3 users", "Basic integrations"],
        limits: &[
            ("seats", Some(3)),
            ("contacts", Some(500)),
            ("emails_per_month", Some(1_000)),
        ],
        credits: 100,
        packs: false,
        trial_days: None,
        flat: 0,
        per_seat: 0,
    },
    PlanSeed {
        code: "starter",
        name: "Starter",
        features: &[
            "Everything in Free",
            "Standard integrations",
            "E-mail support",
        ],
        limits: &[
            ("contacts", Some(2_000)),
            ("emails_per_month", Some(10_000)),
        ],
        credits: 1_000,
        packs: false,
        trial_days: None,
        flat: 0,
        per_seat: 99,
    },
    PlanSeed {
        code: "professional",
        name: "Professional",
        features: &[
            "Everything in Starter",
            "Advanced steps",
            "Iterators",
            "Priority support",
        ],
        limits: &[
            ("contacts", Some(10_000)),
            ("emails_per_month", Some(50_000)),
        ],
        credits: 10_000,
        packs: true,
        trial_days: Some(14),
        flat: 490,
        per_seat: 299,
    },
    PlanSeed {
        code: "business",
        name: "Business",
        features: &[
            "Everything in Professional",
            "Single sign-on",
            "Audit log",
            "Team subscriptions",
        ],
        limits: &[
            ("contacts", Some(50_000)),
            ("emails_per_month", Some(250_000)),
        ],
        credits: 50_000,
        packs: true,
        trial_days: Some(14),
        flat: 990,
        per_seat: 549,
    },
    PlanSeed {
        code: "enterprise",
        name: "Enterprise",
        features: &[
            "Everything in Business",
            "Dedicated account manager",
            "Contracted seat tiers",
            "Invoice payment",
        ],
        limits: &[("contacts", None), ("emails_per_month", None)],
        credits: 250_000,
        packs: true,
        trial_days: None,
        flat: 4_900,
        per_seat: 899,
    },
];

struct OrgSeed {
    name: &'static str,
    country: &'static str,
    time_zone: &'static str,
    vat: Option<&'static str>,
    partner: Option<(&'static str, &'static str)>,
    plan_locked: bool,
    manually_billed: bool,
    payment: (&'static str, Option<(&'static str, &'static str)>),
    plan: &'static str,
    /// Pin the older price version (a legacy discount).
    legacy: bool,
    interval: Interval,
    seats: i64,
    anchor_days_ago: i64,
    status: &'static str,
    commitment_months: Option<u32>,
    scheduled: Option<(&'static str, i64)>,
    trial: Option<(&'static str, i64)>,
    contract: bool,
    /// (e-mail, name, role, billing owner)
    people: &'static [(&'static str, &'static str, &'static str, bool)],
}

const ORGS: &[OrgSeed] = &[
    OrgSeed {
        name: "Acme AB",
        country: "SE",
        time_zone: "Europe/Stockholm",
        vat: Some("SE556677889901"),
        partner: None,
        plan_locked: false,
        manually_billed: false,
        payment: ("card", Some(("Visa", "4242"))),
        plan: "professional",
        legacy: true,
        interval: Interval::Monthly,
        seats: 6,
        anchor_days_ago: 10,
        status: "active",
        commitment_months: None,
        scheduled: None,
        trial: None,
        contract: false,
        people: &[
            ("anna@acme.example", "Anna Andersson", "admin", true),
            ("bertil@acme.example", "Bertil Berg", "admin", false),
            ("cecilia@acme.example", "Cecilia Carlsson", "member", false),
            ("david@acme.example", "David Dahl", "custom", false),
            ("erik@acme.example", "Erik Ek", "client", false),
            ("fia@acme.example", "Fia Falk", "comment_only", false),
            ("gustav@acme.example", "Gustav Gran", "view_only", false),
        ],
    },
    OrgSeed {
        name: "Småföretaget AB",
        country: "SE",
        time_zone: "Europe/Stockholm",
        vat: None,
        partner: None,
        plan_locked: false,
        manually_billed: false,
        payment: ("card", Some(("Mastercard", "5555"))),
        plan: "starter",
        legacy: false,
        interval: Interval::Monthly,
        seats: 2,
        anchor_days_ago: 40,
        status: "active",
        commitment_months: None,
        scheduled: None,
        trial: None,
        contract: false,
        people: &[
            ("sara@smaforetaget.example", "Sara Sjöberg", "admin", true),
            ("anna@acme.example", "Anna Andersson", "admin", false),
        ],
    },
    OrgSeed {
        name: "Nordlys AS",
        country: "NO",
        time_zone: "Europe/Oslo",
        vat: None,
        partner: None,
        plan_locked: false,
        manually_billed: false,
        payment: ("invoice", None),
        plan: "business",
        legacy: false,
        interval: Interval::Annual,
        seats: 25,
        anchor_days_ago: 120,
        status: "active",
        commitment_months: Some(12),
        scheduled: None,
        trial: None,
        contract: false,
        people: &[
            ("ola@nordlys.example", "Ola Nordmann", "admin", true),
            ("kari@nordlys.example", "Kari Nordmann", "member", false),
        ],
    },
    OrgSeed {
        name: "Partnerkunden AB",
        country: "SE",
        time_zone: "Europe/Stockholm",
        vat: None,
        partner: Some(("Nordic Partners AB", "support@nordicpartners.example")),
        plan_locked: false,
        manually_billed: false,
        payment: ("invoice", None),
        plan: "professional",
        legacy: false,
        interval: Interval::Monthly,
        seats: 3,
        anchor_days_ago: 5,
        status: "active",
        commitment_months: None,
        scheduled: None,
        trial: None,
        contract: false,
        people: &[("pia@partnerkunden.example", "Pia Persson", "admin", true)],
    },
    OrgSeed {
        name: "Låsta kommunen",
        country: "SE",
        time_zone: "Europe/Stockholm",
        vat: None,
        partner: None,
        plan_locked: true,
        manually_billed: false,
        payment: ("invoice", None),
        plan: "business",
        legacy: false,
        interval: Interval::Monthly,
        seats: 5,
        anchor_days_ago: 200,
        status: "active",
        commitment_months: None,
        scheduled: None,
        trial: None,
        contract: false,
        people: &[("lars@lastakommunen.example", "Lars Lind", "admin", true)],
    },
    OrgSeed {
        name: "Storföretaget AB",
        country: "SE",
        time_zone: "Europe/Stockholm",
        vat: Some("SE556000111201"),
        partner: None,
        plan_locked: false,
        manually_billed: true,
        payment: ("invoice", None),
        plan: "enterprise",
        legacy: false,
        interval: Interval::Annual,
        seats: 150,
        anchor_days_ago: 100,
        status: "active",
        commitment_months: Some(24),
        scheduled: None,
        trial: None,
        contract: true,
        people: &[("elsa@storforetaget.example", "Elsa Ström", "admin", true)],
    },
    OrgSeed {
        name: "Provperioden AB",
        country: "SE",
        time_zone: "Europe/Stockholm",
        vat: None,
        partner: None,
        plan_locked: false,
        manually_billed: false,
        payment: ("card", Some(("Visa", "1881"))),
        plan: "starter",
        legacy: false,
        interval: Interval::Monthly,
        seats: 2,
        anchor_days_ago: 20,
        status: "trialing",
        commitment_months: None,
        scheduled: None,
        trial: Some(("professional", 4)),
        contract: false,
        people: &[("tove@provperioden.example", "Tove Tell", "admin", true)],
    },
    OrgSeed {
        name: "Nedgraderingen AB",
        country: "SE",
        time_zone: "Europe/Stockholm",
        vat: None,
        partner: None,
        plan_locked: false,
        manually_billed: false,
        payment: ("card", Some(("Visa", "4000"))),
        plan: "business",
        legacy: false,
        interval: Interval::Monthly,
        seats: 4,
        anchor_days_ago: 12,
        status: "active",
        commitment_months: None,
        scheduled: Some(("professional", 4)),
        trial: None,
        contract: false,
        people: &[("nils@nedgraderingen.example", "Nils Nord", "admin", true)],
    },
    OrgSeed {
        name: "Förfallna AB",
        country: "SE",
        time_zone: "Europe/Stockholm",
        vat: None,
        partner: None,
        plan_locked: false,
        manually_billed: false,
        // Stripe's 4000 0000 0000 0341: saved, but every charge fails.
        payment: ("card", Some(("Visa", "0341"))),
        plan: "professional",
        legacy: false,
        interval: Interval::Monthly,
        seats: 2,
        anchor_days_ago: 33,
        status: "past_due",
        commitment_months: None,
        scheduled: None,
        trial: None,
        contract: false,
        people: &[("frida@forfallna.example", "Frida Fors", "admin", true)],
    },
    OrgSeed {
        name: "Teamet AB",
        country: "SE",
        time_zone: "Europe/Stockholm",
        vat: None,
        partner: None,
        plan_locked: false,
        manually_billed: false,
        payment: ("invoice", None),
        plan: "free",
        legacy: false,
        interval: Interval::Monthly,
        seats: 0,
        anchor_days_ago: 15,
        status: "active",
        commitment_months: None,
        scheduled: None,
        trial: None,
        contract: false,
        people: &[
            ("tea@teamet.example", "Tea Torsson", "admin", true),
            ("sam@teamet.example", "Sam Sandberg", "member", false),
            ("ulf@teamet.example", "Ulf Udd", "member", false),
            ("vera@teamet.example", "Vera Vik", "view_only", false),
        ],
    },
];

/// Teams of the demo organisations and who is in each (R-ACC-2):
/// (organisation, team, members' e-mails).
const TEAMS: &[(&str, &str, &[&str])] = &[
    (
        "Teamet AB",
        "Sälj",
        &["tea@teamet.example", "sam@teamet.example"],
    ),
    (
        "Teamet AB",
        "Support",
        &["ulf@teamet.example", "vera@teamet.example"],
    ),
];

/// The logins printed at start and listed in docs/features.md.
pub const DEMO_LOGINS: &[(&str, &str)] = &[
    (
        "anna@acme.example",
        "billing owner of Acme AB (Professional, legacy price); also admin of Småföretaget AB",
    ),
    (
        "bertil@acme.example",
        "admin of Acme AB (not the billing owner)",
    ),
    (
        "cecilia@acme.example",
        "member of Acme AB (no billing access)",
    ),
    (
        "gustav@acme.example",
        "view-only in Acme AB (no billing access)",
    ),
    ("sara@smaforetaget.example", "billing owner, Starter"),
    (
        "ola@nordlys.example",
        "billing owner, Business annual, Norway, invoice payment",
    ),
    ("pia@partnerkunden.example", "partner-managed"),
    ("lars@lastakommunen.example", "plan-locked"),
    (
        "elsa@storforetaget.example",
        "enterprise contract, billed manually",
    ),
    ("tove@provperioden.example", "trialing Professional"),
    ("nils@nedgraderingen.example", "scheduled downgrade"),
    ("frida@forfallna.example", "past due"),
    (
        "tea@teamet.example",
        "billing owner, Free with two teams: buy a plan for one team",
    ),
    (
        "olof@vendor.example",
        "operator: the console at /ops (catalog, payments, corrections, clock)",
    ),
    (
        "siv@vendor.example",
        "support: the console at /ops, read-only",
    ),
];

/// The demo operators: e-mail, name, role.
const DEMO_OPERATORS: &[(&str, &str, &str)] = &[
    ("olof@vendor.example", "Olof Operatör", "operator"),
    ("siv@vendor.example", "Siv Support", "support"),
];

pub fn print_demo_logins() {
    println!("\nDemo logins (password for all: {DEMO_PASSWORD}):");
    for (email, what) in DEMO_LOGINS {
        println!("  {email:<30} {what}");
    }
    println!();
}

async fn insert_id(tx: &mut Tx, sql: &str, binds: Vec<Bind>) -> Result<i64, sqlx::Error> {
    let mut q = sqlx::query_scalar::<_, i64>(sql);
    for b in binds {
        q = match b {
            Bind::I(v) => q.bind(v),
            Bind::S(v) => q.bind(v),
            Bind::O(v) => q.bind(v),
            Bind::OI(v) => q.bind(v),
        };
    }
    q.fetch_one(&mut **tx).await
}

enum Bind {
    I(i64),
    S(String),
    O(Option<String>),
    OI(Option<i64>),
}
use Bind::{I, O, OI, S};

fn d(date: NaiveDate) -> Bind {
    S(date.format("%Y-%m-%d").to_string())
}

/// Fills an empty database; a database with organisations is left alone.
pub async fn seed_if_empty(db: &Db, now: DateTime<Utc>) -> Result<bool, AppError> {
    let orgs: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM organisations")
        .fetch_one(&db.pool)
        .await?;
    if orgs > 0 {
        return Ok(false);
    }
    // One hash for the one demo password keeps start-up fast; real users
    // each get their own salt.
    let hash = crate::services::auth::hash_password(DEMO_PASSWORD.to_string()).await?;
    let created = now_text();
    let mut tx = db.write().await?;

    let mut plan_ids = std::collections::HashMap::new();
    for (rank, p) in PLANS.iter().enumerate() {
        let features = serde_json::to_string(p.features).expect("json");
        let limits = serde_json::to_string(p.limits).expect("json");
        let plan_id = insert_id(
            &mut tx,
            "INSERT INTO plans (code, name, rank, features, limits, monthly_credits, packs_allowed, trial_days, sales_only) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            vec![S(p.code.into()), S(p.name.into()), I(rank as i64), S(features), S(limits), I(p.credits), I(flag(p.packs)), OI(p.trial_days), I(flag(p.code == "enterprise"))],
        )
        .await?;
        let mut price_ids = Vec::new();
        // Professional had a lower seat price before: version 1 stays for the
        // subscriptions that bought it (R-CAT-3).
        let versions: Vec<(i64, i64, bool)> = if p.code == "professional" {
            vec![(1, p.per_seat - 50, false), (2, p.per_seat, true)]
        } else {
            vec![(1, p.per_seat, true)]
        };
        for (version, per_seat, current) in versions {
            for interval in [Interval::Monthly, Interval::Annual] {
                let factor = if interval == Interval::Annual { 10 } else { 1 };
                let min_seats = if p.flat == 0 && per_seat == 0 { 0 } else { 2 };
                let id = insert_id(
                    &mut tx,
                    "INSERT INTO prices (plan_id, version, currency, billing_interval, flat_minor, per_seat_minor, \
                     min_seats, seat_step, is_current, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $9) RETURNING id",
                    vec![I(plan_id), I(version), S(Currency::Sek.code().into()), S(interval.code().into()), I(p.flat * 100 * factor), I(per_seat * 100 * factor), I(min_seats), I(flag(current)), S(created.clone())],
                )
                .await?;
                price_ids.push((version, interval, current, id));
            }
        }
        plan_ids.insert(p.code, price_ids);
    }
    let price_of = |code: &str, interval: Interval, legacy: bool| -> i64 {
        plan_ids[code]
            .iter()
            .find(|(_, i, current, _)| *i == interval && *current != legacy)
            .map(|(_, _, _, id)| *id)
            .expect("seeded price")
    };

    for (name, credits, kronor) in [
        ("Kreditpaket 5 000", 5_000, 490),
        ("Kreditpaket 25 000", 25_000, 1_990),
    ] {
        insert_id(
            &mut tx,
            "INSERT INTO credit_packs (name, credits, price_minor, currency, validity_months) VALUES ($1, $2, $3, 'SEK', 12) RETURNING id",
            vec![S(name.into()), I(credits), I(kronor * 100)],
        )
        .await?;
    }

    let mut user_ids = std::collections::HashMap::new();
    for o in ORGS {
        let tz: chrono_tz::Tz = o.time_zone.parse().expect("demo time zone");
        let today = local_day(now, tz);
        let (method, card) = o.payment;
        let buyer = demo_buyer(o);
        let org_id = insert_id(
            &mut tx,
            "INSERT INTO organisations (name, country, currency, time_zone, partner_name, partner_contact, plan_locked, \
             manually_billed, legal_name, address, postal_code, city, vat_number, invoice_email, payment_method, card_brand, \
             card_last4, card_exp_month, card_exp_year, payment_token, created_at, org_number) \
             VALUES ($1, $2, 'SEK', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21) RETURNING id",
            vec![
                S(o.name.into()), S(o.country.into()), S(o.time_zone.into()),
                O(o.partner.map(|p| p.0.into())), O(o.partner.map(|p| p.1.into())),
                I(flag(o.plan_locked)), I(flag(o.manually_billed)), S(buyer.legal_name.clone()),
                S(buyer.address.clone()), S(buyer.postal_code.clone()), S(buyer.city.clone()), O(buyer.vat_number.clone()),
                O(buyer.invoice_email.clone()),
                S(method.into()), O(card.map(|c| c.0.into())), O(card.map(|c| c.1.into())),
                OI(card.map(|_| 12)), OI(card.map(|_| 2030)),
                // The test provider's tokens (`services::provider`).
                O(card.map(|c| format!("tok_test_{}_{}", if c.1 == "0341" { "fails" } else { "ok" }, c.1))),
                S(created.clone()),
                O(buyer.org_number.clone()),
            ],
        )
        .await?;
        for (email, name, role, owner) in o.people {
            let user_id = match user_ids.get(email) {
                Some(id) => *id,
                None => {
                    let id = users::insert(&mut tx, email, name, &hash).await?;
                    user_ids.insert(*email, id);
                    id
                }
            };
            insert_id(
                &mut tx,
                "INSERT INTO memberships (organisation_id, user_id, role, custom_role_name, is_billing_owner) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
                vec![I(org_id), I(user_id), S((*role).into()), O((*role == "custom").then(|| "Analytiker".into())), I(flag(*owner))],
            )
            .await?;
        }
        for (_, team, emails) in TEAMS.iter().filter(|t| t.0 == o.name) {
            let team_id = crate::db::orgs::add_team(&mut tx, org_id, team)
                .await?
                .ok_or_else(|| AppError::internal("seed", "a demo team twice"))?;
            for email in *emails {
                sqlx::query(
                    "UPDATE memberships SET team_id = $1 WHERE organisation_id = $2 \
                     AND user_id = (SELECT id FROM users WHERE email = $3)",
                )
                .bind(team_id)
                .bind(org_id)
                .bind(*email)
                .execute(&mut *tx)
                .await?;
            }
        }
        // A few more paid members for the bigger customers' seat counts.
        let extra = match o.name {
            "Nordlys AS" => 18,
            "Storföretaget AB" => 120,
            _ => 0,
        };
        for n in 0..extra {
            let email = format!(
                "user{n}@{}",
                o.people[0].0.split('@').nth(1).unwrap_or("example.com")
            );
            let id = users::insert(&mut tx, &email, &format!("Användare {n}"), &hash).await?;
            insert_id(
                &mut tx,
                "INSERT INTO memberships (organisation_id, user_id, role, is_billing_owner) VALUES ($1, $2, 'member', 0) RETURNING id",
                vec![I(org_id), I(id)],
            )
            .await?;
        }

        let anchor = today - Duration::days(o.anchor_days_ago);
        let period = period_containing(anchor, o.interval, today);
        // Småföretaget's renewal is due when the demo starts: its stored
        // period is the one before, and the billing clock (run at the end of
        // seeding, as at every start) renews it, so the demo shows time move.
        let period = if o.name == "Småföretaget AB" {
            period_containing(anchor, o.interval, period.start - Duration::days(1))
        } else {
            period
        };
        let commitment = o
            .commitment_months
            .map(|m| boundary(anchor, Interval::Monthly, m));
        let scheduled = o
            .scheduled
            .map(|(code, seats)| (price_of(code, o.interval, false), seats));
        let trial = o.trial.map(|(code, started_days_ago)| {
            let started = today - Duration::days(started_days_ago);
            (
                price_of(code, o.interval, false),
                started,
                started + Duration::days(14),
            )
        });
        let subscription_id = insert_id(
            &mut tx,
            "INSERT INTO subscriptions (organisation_id, price_id, seats, anchor, period_start, period_end, status, \
             commitment_end, auto_renew, scheduled_price_id, scheduled_seats, trial_price_id, trial_started, trial_ends, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $10, $11, $12, $13, $14) RETURNING id",
            vec![
                I(org_id), I(price_of(o.plan, o.interval, o.legacy)), I(o.seats), d(anchor), d(period.start), d(period.end),
                S(o.status.into()), O(commitment.map(|c| c.format("%Y-%m-%d").to_string())),
                OI(scheduled.map(|s| s.0)), OI(scheduled.map(|s| s.1)), OI(trial.map(|t| t.0)),
                O(trial.map(|t| t.1.format("%Y-%m-%d").to_string())), O(trial.map(|t| t.2.format("%Y-%m-%d").to_string())),
                S(created.clone()),
            ],
        )
        .await?;
        // Months of earlier invoices: Acme's fill pages of the invoice list,
        // Förfallna's oldest is unpaid and overdue.
        let months_back: u32 = match (o.name, o.interval) {
            ("Acme AB", Interval::Monthly) => 13,
            ("Förfallna AB", Interval::Monthly) => 2,
            _ => 0,
        };
        // Its history: started with its first invoiced period, a trial or a
        // scheduled change where the demo has one.
        let plan_name = |code: &str| {
            PLANS
                .iter()
                .find(|p| p.code == code)
                .map_or(code.to_string(), |p| p.name.to_string())
        };
        let mut history = vec![(
            subscription_id,
            period.start - chrono::Months::new(months_back),
            HistoryEvent::Started {
                plan: plan_name(o.plan),
                seats: o.seats as u32,
            },
        )];
        if let (Some((code, _)), Some((_, started, ends))) = (o.trial, trial) {
            history.push((
                subscription_id,
                started,
                HistoryEvent::TrialStarted {
                    plan: plan_name(code),
                    ends,
                },
            ));
        }
        if let Some((code, seats)) = o.scheduled {
            history.push((
                subscription_id,
                today,
                HistoryEvent::ChangeScheduled {
                    plan: plan_name(code),
                    seats: seats as u32,
                    effective: period.end,
                },
            ));
        }
        crate::db::subscriptions::record_events(&mut tx, &history).await?;
        // The running period's invoice, issued at its start (paid, except
        // where the card was declined), and for some a history of earlier
        // monthly invoices: Acme's fills pages of the invoice list, and
        // Förfallna's oldest is unpaid and overdue.
        // Free is never invoiced.
        if !o.contract && o.plan != "free" {
            let price =
                crate::db::catalog::price(&mut tx, price_of(o.plan, o.interval, o.legacy)).await?;
            let history = months_back;
            for back in (0..=history).rev() {
                let start = period.start - chrono::Months::new(back);
                let covers = if back == 0 {
                    period
                } else {
                    crate::domain::period::Period::new(start, start + chrono::Months::new(1))
                };
                let paid = match (o.status, back) {
                    ("past_due", 0) => None,
                    ("past_due", b) if b == history => None,
                    _ => Some(match o.payment {
                        ("card", Some((brand, last4))) => (
                            crate::db::payments::Method::Card,
                            Some(format!("{brand} •••• {last4}")),
                        ),
                        ("paypal", _) => (crate::db::payments::Method::PayPal, None),
                        _ => (crate::db::payments::Method::Bank, None),
                    }),
                };
                // The past-due organisation's card was declined when this
                // period's invoice was issued (R-PAY-2).
                let declined = (o.status == "past_due" && back == 0)
                    .then(|| {
                        o.payment
                            .1
                            .map(|(brand, last4)| format!("{brand} •••• {last4}"))
                    })
                    .flatten();
                issue_demo_invoice(
                    &mut tx,
                    org_id,
                    subscription_id,
                    &price,
                    o.seats as u32,
                    covers,
                    &buyer,
                    paid,
                    declined,
                )
                .await?;
            }
        }
        if o.contract {
            insert_id(
                &mut tx,
                "INSERT INTO contracts (organisation_id, start_date, years, annual_price_minor, currency, volume_discount, \
                 seat_tier, schedule) VALUES ($1, $2, 2, $3, 'SEK', '0.15', 250, 'quarterly') RETURNING id",
                vec![I(org_id), d(anchor), I(600_000 * 100)],
            )
            .await?;
        }
    }
    // The vendor's staff: the console at /ops.
    for (email, name, role) in DEMO_OPERATORS {
        crate::db::operators::upsert(&mut tx, email, name, role, &hash, false).await?;
    }
    tx.commit().await?;
    crate::services::credits::grant_monthly_allowances(db, now).await?;
    seed_credit_usage(db, now).await?;
    // What came due is carried out now, by the same clock as always.
    crate::services::clock::advance(db, &crate::services::payments::Gateway::test(), now).await?;
    tracing::info!("demo data created");
    Ok(true)
}

/// A valid organisation number per demo organisation: Sweden's ten digits
/// with a Luhn check digit, Norway's nine with a modulus-11 one.
fn demo_org_number(o: &OrgSeed) -> String {
    let n = ORGS.iter().position(|x| x.name == o.name).unwrap_or(0);
    if o.country == "NO" {
        // The demo's one Norwegian organisation.
        "923609016".to_string()
    } else {
        let body = format!("55600{n:04}");
        format!("{body}{}", crate::domain::ocr::luhn_check_digit(&body))
    }
}

fn demo_buyer(o: &OrgSeed) -> crate::domain::invoice::Buyer {
    let (address, postal_code, city) = match o.country {
        "NO" => ("Karl Johans gate 5", "0154", "Oslo"),
        _ => ("Storgatan 1", "111 22", "Stockholm"),
    };
    crate::domain::invoice::Buyer {
        legal_name: o.name.into(),
        address: address.into(),
        postal_code: postal_code.into(),
        city: city.into(),
        country: o.country.into(),
        vat_number: o.vat.map(Into::into),
        org_number: Some(demo_org_number(o)),
        invoice_email: Some(format!(
            "faktura@{}",
            o.people[0].0.split('@').nth(1).unwrap_or("example.com")
        )),
    }
}

/// One plan invoice for `covers`, as the billing clock would have issued it.
#[allow(clippy::too_many_arguments)]
async fn issue_demo_invoice(
    tx: &mut Tx,
    org_id: i64,
    subscription_id: i64,
    price: &crate::domain::catalog::PriceVersion,
    seats: u32,
    covers: crate::domain::period::Period,
    buyer: &crate::domain::invoice::Buyer,
    paid: Option<(crate::db::payments::Method, Option<String>)>,
    declined: Option<String>,
) -> Result<(), AppError> {
    let lines = vec![crate::domain::change::plan_line(
        price,
        seats,
        covers,
        None,
        price.amount(seats),
    )];
    let treatment = buyer
        .vat_treatment()
        .map_err(|e| AppError::internal("demo buyer", e))?;
    let currency = price.currency;
    let totals = crate::domain::invoice::totals(
        &lines,
        &treatment,
        currency,
        crate::domain::money::Money::zero(currency),
    );
    let (id, number) = crate::db::documents::issue(
        tx,
        crate::db::documents::NewDocument {
            org_id,
            series: crate::domain::invoice::Series::Invoice,
            subscription_id: Some(subscription_id),
            corrects_id: None,
            issue_date: covers.start,
            currency,
            lines: &lines,
            totals: &totals,
            vat_note: treatment.legal_note(),
            vat_rate: treatment.rate(),
            buyer,
            locale: crate::domain::locale::Locale::for_buyer_country(&buyer.country),
        },
    )
    .await?;
    // Paid in full on its date, by the organisation's method.
    if let Some((method, instrument)) = paid.filter(|_| totals.amount_due.is_positive()) {
        crate::services::payments::receive(
            tx,
            &crate::domain::party::Party::Command,
            &crate::db::payments::NewPayment {
                org_id,
                method,
                amount: totals.amount_due,
                received_on: covers.start,
                reference: &number,
                instrument: instrument.as_deref(),
            },
            Some(id),
        )
        .await?;
    }
    if let Some(instrument) = declined {
        crate::db::payments::insert_attempt(
            tx,
            &crate::db::payments::NewAttempt {
                org_id,
                invoice_id: id,
                attempt: 1,
                idempotency_key: &format!("org{org_id}-{number}-attempt1-seed"),
                occasion: "issue",
                instrument: &instrument,
                amount: totals.amount_due,
                attempted_on: covers.start,
                decline: Some(crate::domain::payment::Decline::Generic.code()),
                payment_id: None,
            },
        )
        .await?;
    }
    Ok(())
}

/// Acme bought a credit pack 25 days ago and has used credits every day
/// since, so the credits page has a balance by grant, history and a chart.
async fn seed_credit_usage(db: &Db, now: DateTime<Utc>) -> Result<(), AppError> {
    use crate::db::credits::{insert_entries, insert_grant, insert_usages, NewGrant, UsageRow};
    use crate::domain::credits::GrantKind;
    let mut tx = db.write().await?;
    let acme: i64 = sqlx::query_scalar("SELECT id FROM organisations WHERE name = 'Acme AB'")
        .fetch_one(&mut *tx)
        .await?;
    let granted_at = now - Duration::days(25);
    let grant = NewGrant {
        org_id: acme,
        kind: GrantKind::Pack,
        amount: 5_000,
        granted_at,
        expires_at: granted_at + Duration::days(365),
        source: "pack:demo",
        document_id: None,
    };
    let grant_id = insert_grant(&mut tx, grant)
        .await?
        .expect("a fresh database");
    let tz: chrono_tz::Tz = "Europe/Stockholm".parse().expect("zone");
    // One run a day, oldest first; each answer's balance is the pack's.
    let mut left = 5_000;
    for days_ago in (1..=24i64).rev() {
        let at = now - Duration::days(days_ago);
        let used = 40 + (days_ago * 37) % 90;
        left -= used;
        insert_entries(
            &mut tx,
            acme,
            "consumption",
            &[(grant_id, used)],
            local_day(at, tz),
            at,
        )
        .await?;
        let run = UsageRow {
            event_id: format!("demo-run-{days_ago}"),
            cost: used,
            balance: left,
        };
        insert_usages(&mut tx, acme, &[run], at).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// `count` organisations named "<prefix> 1…", each with a Professional
/// monthly subscription of 3 seats whose first period runs from `start`:
/// bulk data for the billing clock's crash test and benchmark. Two
/// statements, however many organisations.
pub async fn bulk_subscriptions(
    db: &Db,
    prefix: &str,
    count: i64,
    start: NaiveDate,
) -> Result<(), AppError> {
    let price: i64 = sqlx::query_scalar(
        "SELECT p.id FROM prices p JOIN plans pl ON pl.id = p.plan_id \
         WHERE pl.code = 'professional' AND p.billing_interval = 'monthly' AND p.currency = 'SEK' AND p.is_current = 1",
    )
    .fetch_one(&db.pool)
    .await?;
    let mut tx = db.write().await?;
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1) \
         INSERT INTO organisations (name, legal_name, city, postal_code, created_at) \
         SELECT $2 || ' ' || CAST(i AS TEXT), $2 || ' ' || CAST(i AS TEXT) || ' AB', 'Stockholm', '111 22', $3 FROM n",
    )
    .bind(count)
    .bind(prefix)
    .bind(now_text())
    .execute(&mut *tx)
    .await?;
    let period_end = start + chrono::Months::new(1);
    sqlx::query(
        "INSERT INTO subscriptions (organisation_id, price_id, seats, anchor, period_start, period_end, status, auto_renew, created_at) \
         SELECT id, $1, 3, $2, $2, $3, 'active', 1, $4 FROM organisations WHERE name LIKE $5",
    )
    .bind(price)
    .bind(start.format("%Y-%m-%d").to_string())
    .bind(period_end.format("%Y-%m-%d").to_string())
    .bind(now_text())
    .bind(format!("{prefix} %"))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}
