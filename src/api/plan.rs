//! Changing plan, seats and interval (R-SUB-3…7, R-SUB-11, R-UI-4): the plan
//! catalog, a preview, and the confirm that carries out exactly the preview.

#[cfg(feature = "ssr")]
use crate::domain::period::Interval;
use crate::error::AppError;
pub use crate::views::plan::*;
use leptos::prelude::*;

#[server(endpoint = "plans")]
pub async fn plans(
    team: Option<i64>,
    interval: Option<String>,
    seats: Option<u32>,
) -> Result<PlanPage, AppError> {
    use crate::api::ctx::Ctx;
    use crate::domain::roles::Action;
    let ctx = Ctx::get()?;
    let member = ctx.require(Action::ViewBilling).await?;
    let interval = interval
        .as_deref()
        .map(Interval::parse)
        .transpose()
        .map_err(|e| AppError::invalid("interval", e))?;
    crate::services::plan_change::plan_page(&ctx.db, member, team, interval, seats, ctx.now()).await
}

#[server(endpoint = "preview_change")]
pub async fn preview_change(
    team: Option<i64>,
    plan_id: i64,
    interval: String,
    seats: u32,
) -> Result<ChangePreview, AppError> {
    use crate::api::ctx::Ctx;
    use crate::domain::roles::Action;
    let ctx = Ctx::get()?;
    let member = ctx.require(Action::ChangePlan).await?;
    let interval = Interval::parse(&interval).map_err(|e| AppError::invalid("interval", e))?;
    crate::services::plan_change::preview(
        &ctx.db,
        member,
        team,
        plan_id,
        interval,
        seats,
        ctx.now(),
    )
    .await
}

#[server(endpoint = "confirm_change")]
pub async fn confirm_change(
    team: Option<i64>,
    plan_id: i64,
    interval: String,
    seats: u32,
    token: String,
    idempotency_key: String,
) -> Result<ChangeOutcome, AppError> {
    use crate::api::ctx::Ctx;
    use crate::domain::roles::Action;
    let ctx = Ctx::get()?;
    let member = ctx.require(Action::ChangePlan).await?;
    let interval = Interval::parse(&interval).map_err(|e| AppError::invalid("interval", e))?;
    let outcome = crate::services::plan_change::confirm(
        &ctx.db,
        &ctx.gateway,
        member,
        crate::services::plan_change::Confirm {
            team,
            plan_id,
            interval,
            seats,
            token,
            key: idempotency_key,
        },
        ctx.now(),
    )
    .await?;
    leptos_axum::redirect(&crate::views::billing::billing_href(team));
    Ok(outcome)
}
