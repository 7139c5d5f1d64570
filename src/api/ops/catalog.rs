//! The catalog: plans, price versions and credit packs (R-CAT-1…4).

use super::*;

#[server(endpoint = "ops_catalog")]
pub async fn ops_catalog() -> Result<CatalogView, AppError> {
    let ctx = Ctx::get()?;
    ctx.require_operator(Action::ViewBilling).await?;
    crate::services::catalog::catalog(&ctx.db).await
}

/// Publishes a new price version (`confirm`), or previews it. Amounts as
/// people type them ("1 290", "1290,50").
#[server(endpoint = "ops_publish_price")]
pub async fn ops_publish_price(
    plan_id: i64,
    currency: String,
    interval: String,
    flat: String,
    per_seat: String,
    min_seats: u32,
    confirm: Option<String>,
) -> Result<PricePublished, AppError> {
    use crate::domain::money::{Currency, Money};
    let ctx = Ctx::get()?;
    let by = ctx.require_operator(Action::Operate).await?;
    let currency = Currency::parse(&currency).map_err(|e| AppError::invalid("currency", e))?;
    let price = crate::domain::catalog::NewPrice {
        plan_id,
        currency,
        interval: crate::domain::period::Interval::parse(&interval)
            .map_err(|e| AppError::invalid("interval", e))?,
        flat: Money::parse_major(&flat, currency).map_err(|e| AppError::invalid("flat", e))?,
        per_seat: Money::parse_major(&per_seat, currency)
            .map_err(|e| AppError::invalid("per_seat", e))?,
        min_seats,
        // Steps other than one seat are not sold yet (R-CAT-2's "any number above").
        seat_step: 1,
    };
    crate::services::catalog::publish_price(&ctx.db, &by, &price, confirm.is_some()).await
}

/// Saves what a plan offers (features, limits, monthly credits, packs,
/// trial); prices are published as versions instead.
#[server(endpoint = "ops_plan_edit")]
pub async fn ops_plan_edit(edit: PlanEdit) -> Result<(), AppError> {
    let ctx = Ctx::get()?;
    let by = ctx.require_operator(Action::Operate).await?;
    crate::services::catalog::edit_plan(&ctx.db, &by, &edit).await
}

/// Adds a credit pack (R-CAT-4); the same pack again adds nothing.
#[server(endpoint = "ops_pack_add")]
pub async fn ops_pack_add(
    name: String,
    credits: i64,
    price: String,
    currency: String,
    validity_months: u32,
) -> Result<(), AppError> {
    use crate::domain::money::{Currency, Money};
    let ctx = Ctx::get()?;
    let by = ctx.require_operator(Action::Operate).await?;
    let currency = Currency::parse(&currency).map_err(|e| AppError::invalid("currency", e))?;
    let pack = crate::domain::catalog::NewPack {
        name: &name,
        credits,
        price: Money::parse_major(&price, currency).map_err(|e| AppError::invalid("price", e))?,
        validity_months,
    };
    crate::services::catalog::add_pack(&ctx.db, &by, &pack).await
}

/// Retires a credit pack: no longer sold; what was bought stays valid.
#[server(endpoint = "ops_pack_retire")]
pub async fn ops_pack_retire(id: i64) -> Result<(), AppError> {
    let ctx = Ctx::get()?;
    let by = ctx.require_operator(Action::Operate).await?;
    crate::services::catalog::retire_pack(&ctx.db, &by, id).await
}
