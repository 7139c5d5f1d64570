//! Seats by role and the billing owner's handover (R-ACC-4/5).

use crate::error::AppError;
pub use crate::views::team::*;
use leptos::prelude::*;

#[server(endpoint = "team")]
pub async fn team() -> Result<TeamView, AppError> {
    use crate::api::ctx::Ctx;
    use crate::domain::roles::Action;
    let ctx = Ctx::get()?;
    let member = ctx.require(Action::ViewSeatUsage).await?;
    crate::services::members::team(&ctx.db, member).await
}

/// Hands the billing owner's role to membership `to`; `confirm` is the
/// box that says the owner loses the owner's rights at once.
#[server(endpoint = "hand_over_owner")]
pub async fn hand_over_owner(
    to: i64,
    confirm: Option<String>,
    idempotency_key: String,
) -> Result<HandedOver, AppError> {
    use crate::api::ctx::Ctx;
    use crate::domain::roles::Action;
    let ctx = Ctx::get()?;
    let member = match ctx.require(Action::ReassignBillingOwner).await {
        Ok(member) => member,
        // A repeat of a handover done: its sender is no longer the owner.
        Err(refused @ AppError::Forbidden { .. }) => {
            let org_id = ctx.member().await?.org_id;
            let done = crate::services::guard::answered(
                &ctx.db,
                org_id,
                &idempotency_key,
                crate::services::members::HANDOVER,
            )
            .await?
            .ok_or(refused)?;
            leptos_axum::redirect("/billing/team");
            return Ok(done);
        }
        Err(e) => return Err(e),
    };
    if confirm.is_none() {
        return Err(AppError::invalid(
            "confirm",
            "tick the box: you lose the billing owner's rights at once",
        ));
    }
    let done =
        crate::services::members::hand_over(&ctx.db, member, to, &idempotency_key, ctx.now())
            .await?;
    leptos_axum::redirect("/billing/team");
    Ok(done)
}
