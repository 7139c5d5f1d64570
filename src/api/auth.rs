//! Login, logout, switching organisation and language.

use crate::domain::locale::Locale;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgChoice {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserInfo {
    pub name: String,
    pub email: String,
    pub org_id: i64,
    pub orgs: Vec<OrgChoice>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub locale: Locale,
    pub user: Option<UserInfo>,
}

#[server(endpoint = "session")]
pub async fn current_session() -> Result<SessionInfo, AppError> {
    use crate::api::ctx::{Ctx, ORG_ID};
    let ctx = Ctx::get()?;
    let locale = ctx.locale().await?;
    let Some(user_id) = ctx.user_id().await? else {
        return Ok(SessionInfo { locale, user: None });
    };
    let org_id: Option<i64> = ctx
        .session
        .get(ORG_ID)
        .await
        .map_err(|e| AppError::internal("session", e))?;
    let user = crate::services::auth::user_info(&ctx.db, user_id, org_id).await?;
    Ok(SessionInfo { locale, user })
}

#[server(endpoint = "login")]
pub async fn login(email: String, password: String) -> Result<(), AppError> {
    use crate::api::ctx::{Ctx, ORG_ID, USER_ID};
    let ctx = Ctx::get()?;
    let (user_id, org_id) = crate::services::auth::login(&ctx.db, &email, &password).await?;
    // A new session id at login: a session id planted before login is
    // worth nothing after it (session fixation).
    ctx.session
        .cycle_id()
        .await
        .map_err(|e| AppError::internal("session", e))?;
    ctx.session
        .insert(USER_ID, user_id)
        .await
        .map_err(|e| AppError::internal("session", e))?;
    ctx.session
        .insert(ORG_ID, org_id)
        .await
        .map_err(|e| AppError::internal("session", e))?;
    leptos_axum::redirect("/billing");
    Ok(())
}

#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    let ctx = crate::api::ctx::Ctx::get()?;
    ctx.session
        .flush()
        .await
        .map_err(|e| AppError::internal("session", e))?;
    leptos_axum::redirect("/login");
    Ok(())
}

#[server(endpoint = "switch_org")]
pub async fn switch_org(org_id: i64) -> Result<(), AppError> {
    use crate::api::ctx::{Ctx, ORG_ID};
    let ctx = Ctx::get()?;
    let user_id = ctx.user_id().await?.ok_or(AppError::Unauthenticated)?;
    // Only an organisation the user belongs to; any other id is not found.
    crate::db::orgs::membership(&mut *ctx.db.conn().await?, user_id, org_id)
        .await?
        .ok_or(AppError::NotFound)?;
    ctx.session
        .insert(ORG_ID, org_id)
        .await
        .map_err(|e| AppError::internal("session", e))?;
    leptos_axum::redirect("/billing");
    Ok(())
}

#[server(endpoint = "set_locale")]
pub async fn set_locale(locale: String, back: String) -> Result<(), AppError> {
    use crate::api::ctx::{Ctx, LOCALE};
    let ctx = Ctx::get()?;
    let locale =
        Locale::parse(&locale).ok_or_else(|| AppError::invalid("locale", "choose sv or en"))?;
    ctx.session
        .insert(LOCALE, locale.code())
        .await
        .map_err(|e| AppError::internal("session", e))?;
    // Only paths of this site, never another host.
    let back = if back.starts_with('/') && !back.starts_with("//") {
        back
    } else {
        "/".into()
    };
    leptos_axum::redirect(&back);
    Ok(())
}
