//! The catalog as operators run it (R-CAT-1…4, R-OPS-1): every plan with
//! every price version, and publishing a new list price as a new immutable
//! version. Subscriptions keep the version they bought (their billing page
//! shows the legacy discount); new subscriptions get the new one. What a
//! plan offers (features, limits, monthly credits, packs, trial) is edited
//! in place; a credit pack is never changed once sold: it is retired and a
//! new one added.

use crate::db::catalog;
use crate::db::{audit, Db};
use crate::domain::catalog::{Limit, Plan};
use crate::domain::catalog::{NewPack, NewPrice};
use crate::domain::money::{Currency, Money};
use crate::domain::party::Party;
use crate::error::AppError;
use crate::services::guard;
use crate::views::ops::{CatalogView, PackRow, PlanEdit, PlanRow, PricePublished, PriceRow};

pub async fn catalog(db: &Db) -> Result<CatalogView, AppError> {
    let mut conn = db.conn().await?;
    let prices = catalog::all_prices(&mut conn).await?;
    let counts = catalog::subscriptions_per_price(&mut conn).await?;
    let mut plans = Vec::new();
    for plan in catalog::plans(&mut conn).await? {
        plans.push(PlanRow {
            id: plan.id,
            name: plan.name,
            features: plan.features,
            limits: plan
                .limits
                .iter()
                .map(|l| (l.key.clone(), l.value))
                .collect(),
            monthly_credits: plan.monthly_credits,
            packs_allowed: plan.packs_allowed,
            trial_days: plan.trial_days,
            prices: prices
                .iter()
                .filter(|(p, _)| p.plan_id == plan.id)
                .map(|(p, current)| PriceRow {
                    price: p.clone(),
                    current: *current,
                    subscriptions: counts.get(&p.id).copied().unwrap_or(0),
                })
                .collect(),
        });
    }
    let packs = catalog::all_packs(&mut conn)
        .await?
        .into_iter()
        .map(|p| {
            let currency =
                Currency::parse(&p.currency).map_err(|e| AppError::internal("pack currency", e))?;
            Ok(PackRow {
                id: p.id,
                name: p.name,
                credits: p.credits,
                price: Money::new(p.price_minor, currency),
                validity_months: p.validity_months as u32,
                retired: p.retired == 1,
            })
        })
        .collect::<Result<_, AppError>>()?;
    Ok(CatalogView {
        plans,
        packs,
        action_key: guard::new_key(),
    })
}

fn check(p: &NewPrice) -> Result<(), AppError> {
    if p.flat.currency() != p.currency || p.per_seat.currency() != p.currency {
        return Err(AppError::invalid(
            "currency",
            "give every amount in the price's currency",
        ));
    }
    if p.flat.is_negative() || p.per_seat.is_negative() {
        return Err(AppError::invalid("per_seat", "a price cannot be negative"));
    }
    if p.min_seats > crate::domain::catalog::MAX_SEATS || p.seat_step == 0 {
        return Err(AppError::invalid(
            "min_seats",
            "give a minimum of 0 to 10 000 seats and a step of at least 1",
        ));
    }
    Ok(())
}

/// Publishes `p`, or with `confirm` false only says what publishing would
/// do. Publishing the current list price again changes nothing, so a
/// repeated confirm publishes once.
pub async fn publish_price(
    db: &Db,
    by: &Party,
    p: &NewPrice,
    confirm: bool,
) -> Result<PricePublished, AppError> {
    check(p)?;
    let mut tx = db.write().await?;
    let plan = catalog::plan(&mut tx, p.plan_id).await?;
    let current = catalog::current_price(&mut tx, p.plan_id, p.currency, p.interval).await?;
    let kept_by = match &current {
        Some(c) => catalog::subscriptions_on(&mut tx, c.id).await?,
        None => 0,
    };
    let same = current.as_ref().is_some_and(|c| {
        c.flat == p.flat
            && c.per_seat == p.per_seat
            && c.min_seats == p.min_seats
            && c.seat_step == p.seat_step
    });
    let mut answer = PricePublished {
        plan_id: p.plan_id,
        plan: plan.name,
        currency: p.currency,
        interval: p.interval,
        seat_step: p.seat_step,
        version: current.as_ref().map_or(1, |c| c.version + i32::from(!same)),
        flat: p.flat,
        per_seat: p.per_seat,
        min_seats: p.min_seats,
        replaces: current
            .as_ref()
            .filter(|_| !same)
            .map(|c| (c.version, c.flat, c.per_seat)),
        kept_by,
        published: same,
    };
    if !confirm || same {
        tx.rollback().await?;
        return Ok(answer);
    }
    let id = catalog::publish_price(&mut tx, p).await?;
    let new = catalog::price(&mut tx, id).await?;
    audit::record_global(
        &mut tx,
        by,
        "catalog.price_published",
        &current,
        &Some(&new),
    )
    .await?;
    tx.commit().await?;
    answer.version = new.version;
    answer.published = true;
    tracing::info!(
        plan_id = p.plan_id,
        version = new.version,
        "price published"
    );
    Ok(answer)
}

/// "contacts 10000" or "contacts unlimited", one a line.
fn limits_of(text: &str) -> Result<Vec<Limit>, AppError> {
    let mut limits: Vec<Limit> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let wrong = || {
            AppError::invalid(
                "limits",
                format!(
                    "line {}: write a name and a number or \"unlimited\", e.g. contacts 10000",
                    n + 1
                ),
            )
        };
        let (key, value) = line.split_once(char::is_whitespace).ok_or_else(wrong)?;
        let valid_key = !key.is_empty()
            && key.len() <= 50
            && key.chars().all(|c| c.is_ascii_lowercase() || c == '_');
        let value = value.trim().replace([' ', '\u{a0}'], "");
        let value = match value.as_str() {
            "unlimited" => None,
            v => Some(
                v.parse::<i64>()
                    .ok()
                    .filter(|v| *v >= 0)
                    .ok_or_else(wrong)?,
            ),
        };
        if !valid_key || limits.iter().any(|l| l.key == key) {
            return Err(wrong());
        }
        limits.push(Limit {
            key: key.to_string(),
            value,
        });
    }
    Ok(limits)
}

/// Saves what a plan offers. Its prices are versions and are not touched;
/// a change of monthly credits applies from the next allowance on.
pub async fn edit_plan(db: &Db, by: &Party, e: &PlanEdit) -> Result<(), AppError> {
    let name = &crate::services::plain_text("name", &e.name, 1, 60, "give the plan a name")?;
    let features: Vec<String> = e
        .features
        .lines()
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .map(|f| crate::services::plain_text("features", f, 1, 200, "one feature a line"))
        .collect::<Result<_, _>>()?;
    if features.len() > 30 {
        return Err(AppError::invalid(
            "features",
            "at most 30 features of at most 200 characters each, one a line",
        ));
    }
    if !(0..=100_000_000).contains(&e.monthly_credits) {
        return Err(AppError::invalid(
            "monthly_credits",
            "give 0 to 100 000 000 credits a month",
        ));
    }
    let trial_days = match e.trial_days.trim() {
        "" => None,
        t => Some(
            t.parse::<u32>()
                .ok()
                .filter(|d| (1..=90).contains(d))
                .ok_or_else(|| {
                    AppError::invalid("trial_days", "1 to 90 days, or empty for no trial")
                })?,
        ),
    };
    let limits = limits_of(&e.limits)?;
    let mut tx = db.write().await?;
    let before = catalog::plan(&mut tx, e.plan_id).await?;
    let after = Plan {
        name: name.to_string(),
        features,
        limits,
        monthly_credits: e.monthly_credits,
        packs_allowed: e.packs_allowed,
        trial_days,
        ..before.clone()
    };
    if after == before {
        return Ok(());
    }
    catalog::save_plan(&mut tx, &after).await?;
    audit::record_global(&mut tx, by, "catalog.plan_edited", &before, &after).await?;
    tx.commit().await?;
    Ok(())
}

/// Adds a credit pack; the same pack again (one on sale with the same
/// name, credits, price and validity) adds nothing.
pub async fn add_pack(db: &Db, by: &Party, p: &NewPack<'_>) -> Result<(), AppError> {
    let name = &crate::services::plain_text("name", p.name, 1, 60, "give the pack a name")?;
    if !(1..=100_000_000).contains(&p.credits) {
        return Err(AppError::invalid(
            "credits",
            "give 1 to 100 000 000 credits",
        ));
    }
    if p.price.is_negative() {
        return Err(AppError::invalid("price", "a price cannot be negative"));
    }
    if !(1..=36).contains(&p.validity_months) {
        return Err(AppError::invalid(
            "validity_months",
            "a pack lasts 1 to 36 months",
        ));
    }
    let mut tx = db.write().await?;
    let on_sale = catalog::packs_in(&mut tx, p.price.currency()).await?;
    if on_sale.iter().any(|o| {
        o.name == *name
            && o.credits == p.credits
            && o.price_minor == p.price.minor()
            && o.validity_months == i64::from(p.validity_months)
    }) {
        return Ok(());
    }
    let id = catalog::add_pack(&mut tx, &NewPack { name, ..*p }).await?;
    audit::record_global(
        &mut tx,
        by,
        "catalog.pack_added",
        &serde_json::Value::Null,
        &serde_json::json!({ "id": id, "name": name, "credits": p.credits, "price": p.price, "validity_months": p.validity_months }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Retires a pack: it is not sold any more; what was bought stays valid.
/// Retiring it again changes nothing.
pub async fn retire_pack(db: &Db, by: &Party, id: i64) -> Result<(), AppError> {
    let mut tx = db.write().await?;
    let pack = catalog::pack(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if catalog::retire_pack(&mut tx, id).await? {
        audit::record_global(
            &mut tx,
            by,
            "catalog.pack_retired",
            &serde_json::json!({ "id": id, "name": pack.name, "retired": false }),
            &serde_json::json!({ "id": id, "name": pack.name, "retired": true }),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
