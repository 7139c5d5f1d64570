//! Filling an empty database with the demo data, at `now`.

use super::data::*;
use super::*;

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
