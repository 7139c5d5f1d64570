//! The catalog as operators run it (R-CAT-1…3, R-OPS-1): every plan with
//! every price version, and publishing a new list price as a new immutable
//! version. Subscriptions keep the version they bought (their billing page
//! shows the legacy discount); new subscriptions get the new one.

use crate::db::catalog::{self, NewPrice};
use crate::db::{audit, Db};
use crate::domain::party::Party;
use crate::error::AppError;
use crate::services::guard;
use crate::views::ops::{CatalogView, PlanRow, PricePublished, PriceRow};

pub async fn catalog(db: &Db) -> Result<CatalogView, AppError> {
    let mut conn = db.conn().await?;
    let prices = catalog::all_prices(&mut conn).await?;
    let counts = catalog::subscriptions_per_price(&mut conn).await?;
    let mut plans = Vec::new();
    for id in catalog::plan_ids(&mut conn).await? {
        let plan = catalog::plan(&mut conn, id).await?;
        plans.push(PlanRow {
            id,
            name: plan.name,
            features: plan.features,
            monthly_credits: plan.monthly_credits,
            packs_allowed: plan.packs_allowed,
            trial_days: plan.trial_days,
            prices: prices
                .iter()
                .filter(|(p, _)| p.plan_id == id)
                .map(|(p, current)| PriceRow {
                    price: p.clone(),
                    current: *current,
                    subscriptions: counts.get(&p.id).copied().unwrap_or(0),
                })
                .collect(),
        });
    }
    Ok(CatalogView {
        plans,
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
