//! Credits (R-CRD-1…6, R-UI-5): balance by grant, history, daily usage,
//! buying a pack, and the usage API keys.

use crate::error::AppError;
pub use crate::views::credits::*;
use leptos::prelude::*;

#[server(endpoint = "credits")]
pub async fn credits(page: Option<u32>) -> Result<CreditsView, AppError> {
    use crate::api::ctx::Ctx;
    use crate::domain::roles::Action;
    let ctx = Ctx::get()?;
    let member = ctx.require(Action::ViewBilling).await?;
    crate::services::credits::view(&ctx.db, member, page.unwrap_or(0), ctx.now()).await
}

#[server(endpoint = "buy_pack")]
pub async fn buy_pack(
    pack_id: i64,
    last_purchase: String,
    idempotency_key: String,
) -> Result<PackBought, AppError> {
    use crate::api::ctx::Ctx;
    use crate::domain::roles::Action;
    let ctx = Ctx::get()?;
    let member = ctx.require(Action::BuyCredits).await?;
    let bought = crate::services::credits::buy_pack(
        &ctx.db,
        &ctx.gateway,
        member,
        pack_id,
        &last_purchase,
        &idempotency_key,
        ctx.now(),
    )
    .await?;
    leptos_axum::redirect("/billing/credits");
    Ok(bought)
}

#[server(endpoint = "api_keys")]
pub async fn list_api_keys() -> Result<ApiKeys, AppError> {
    use crate::api::ctx::Ctx;
    use crate::domain::roles::Action;
    use crate::state::NEW_API_KEY;
    let ctx = Ctx::get()?;
    let member = ctx.require(Action::ManageApiKeys).await?;
    let keys = crate::services::credits::api_keys(&ctx.db, member).await?;
    // Shown once: taken from the session, which is written only when it
    // held one (a removal marks the session changed, and a changed session
    // is saved: one more statement on every view).
    let created: Option<NewApiKey> = ctx
        .session
        .get(NEW_API_KEY)
        .await
        .map_err(|e| AppError::internal("session", e))?;
    if created.is_some() {
        ctx.session
            .remove::<NewApiKey>(NEW_API_KEY)
            .await
            .map_err(|e| AppError::internal("session", e))?;
    }
    // Only a key of this organisation that is still listed.
    let created = created.filter(|c| keys.iter().any(|k| k.id == c.id && !k.revoked));
    Ok(ApiKeys { keys, created })
}

#[server(endpoint = "create_api_key")]
pub async fn create_api_key(name: String) -> Result<NewApiKey, AppError> {
    use crate::api::ctx::Ctx;
    use crate::domain::roles::Action;
    let ctx = Ctx::get()?;
    let member = ctx.require(Action::ManageApiKeys).await?;
    let key = crate::services::credits::create_api_key(&ctx.db, member, &name).await?;
    // A page with its WebAssembly shows the answer itself; a plain form
    // (no JavaScript) is sent back to the keys page, which takes the
    // secret out of the session as it shows it: only then is it kept there.
    if ctx.plain_form() {
        ctx.session
            .insert(crate::state::NEW_API_KEY, &key)
            .await
            .map_err(|e| AppError::internal("session", e))?;
    }
    Ok(key)
}

#[server(endpoint = "revoke_api_key")]
pub async fn revoke_api_key(id: i64) -> Result<(), AppError> {
    use crate::api::ctx::Ctx;
    use crate::domain::roles::Action;
    let ctx = Ctx::get()?;
    let member = ctx.require(Action::ManageApiKeys).await?;
    crate::services::credits::revoke_api_key(&ctx.db, member, id).await
}
