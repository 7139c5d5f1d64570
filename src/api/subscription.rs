//! Trials and auto-renew (R-SUB-8, R-SUB-9).

use crate::error::AppError;
pub use crate::views::subscription::*;
use leptos::prelude::*;

#[server(endpoint = "start_trial")]
pub async fn begin_trial(plan_id: i64, idempotency_key: String) -> Result<Done, AppError> {
    use crate::api::ctx::Ctx;
    use crate::domain::roles::Action;
    let ctx = Ctx::get()?;
    let member = ctx.require(Action::ChangePlan).await?;
    let done = crate::services::subscription::begin_trial(
        &ctx.db,
        member,
        plan_id,
        &idempotency_key,
        ctx.now(),
    )
    .await?;
    leptos_axum::redirect("/billing");
    Ok(done)
}

#[server(endpoint = "end_trial")]
pub async fn finish_trial(idempotency_key: String) -> Result<Done, AppError> {
    use crate::api::ctx::Ctx;
    use crate::domain::roles::Action;
    let ctx = Ctx::get()?;
    let member = ctx.require(Action::ChangePlan).await?;
    let done =
        crate::services::subscription::end_trial(&ctx.db, member, &idempotency_key, ctx.now())
            .await?;
    leptos_axum::redirect("/billing");
    Ok(done)
}

#[server(endpoint = "cancellation")]
pub async fn cancellation(team: Option<i64>) -> Result<CancellationView, AppError> {
    use crate::api::ctx::Ctx;
    use crate::domain::roles::Action;
    let ctx = Ctx::get()?;
    let member = ctx.require(Action::ChangePlan).await?;
    crate::services::subscription::cancellation(&ctx.db, member, team, ctx.now()).await
}

#[server(endpoint = "auto_renew")]
pub async fn auto_renew(
    team: Option<i64>,
    on: bool,
    idempotency_key: String,
) -> Result<Done, AppError> {
    use crate::api::ctx::Ctx;
    use crate::domain::roles::Action;
    let ctx = Ctx::get()?;
    let member = ctx.require(Action::ChangePlan).await?;
    let done = crate::services::subscription::set_auto_renew(
        &ctx.db,
        member,
        team,
        on,
        &idempotency_key,
        ctx.now(),
    )
    .await?;
    leptos_axum::redirect(&crate::views::billing::billing_href(team));
    Ok(done)
}

#[server(endpoint = "subscriptions")]
pub async fn subscriptions() -> Result<SubscriptionsView, AppError> {
    use crate::api::ctx::Ctx;
    use crate::domain::roles::Action;
    let ctx = Ctx::get()?;
    let member = ctx.require(Action::ViewBilling).await?;
    crate::services::subscription::subscriptions(&ctx.db, member, ctx.now()).await
}
