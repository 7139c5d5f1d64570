//! The billing overview (R-UI-1).

use crate::error::AppError;
pub use crate::views::billing::*;
use leptos::prelude::*;

#[server(endpoint = "billing_overview")]
pub async fn billing_overview(team: Option<i64>) -> Result<Overview, AppError> {
    use crate::api::ctx::Ctx;
    use crate::domain::roles::Action;
    let ctx = Ctx::get()?;
    let member = ctx.require(Action::ViewBilling).await?;
    crate::services::billing::overview(&ctx.db, member, team, ctx.now()).await
}
