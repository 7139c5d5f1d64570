//! Login, logout, switching organisation and language.

#[cfg(feature = "ssr")]
use crate::domain::locale::Locale;
use crate::error::AppError;
pub use crate::views::auth::*;
use leptos::prelude::*;

#[server(endpoint = "session")]
pub async fn current_session() -> Result<SessionInfo, AppError> {
    use crate::api::ctx::Ctx;
    use crate::state::ORG_ID;
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
    let user = ctx.who(user_id).await?.and_then(|who| {
        let orgs: Vec<OrgChoice> = who
            .memberships
            .iter()
            .map(|m| OrgChoice {
                id: m.org_id,
                name: m.org_name.clone(),
            })
            .collect();
        let org_id = org_id
            .filter(|id| orgs.iter().any(|o| o.id == *id))
            .or_else(|| orgs.first().map(|o| o.id))?;
        Some(UserInfo {
            name: who.name.clone(),
            email: who.email.clone(),
            org_id,
            orgs,
        })
    });
    Ok(SessionInfo { locale, user })
}

#[server(endpoint = "login")]
pub async fn login(email: String, password: String) -> Result<(), AppError> {
    use crate::api::ctx::Ctx;
    use crate::state::{OPERATOR_ID, ORG_ID, USER_ID};
    let ctx = Ctx::get()?;
    let (user_id, org_id) = crate::services::auth::login(
        &ctx.db,
        &ctx.login_limits,
        &email,
        &password,
        ctx.client_ip(),
        ctx.now(),
    )
    .await?;
    ctx.begin_session(&[(USER_ID, user_id), (ORG_ID, org_id)], &[OPERATOR_ID])
        .await?;
    // No language chosen yet: the organisation's (Norwegian for Nordlys).
    let chosen: Option<String> = ctx
        .session
        .get(crate::state::LOCALE)
        .await
        .map_err(|e| AppError::internal("session", e))?;
    if chosen.is_none() {
        let org = crate::db::orgs::org(&mut *ctx.db.conn().await?, org_id).await?;
        if let Some(org) = org {
            ctx.session
                .insert(
                    crate::state::LOCALE,
                    Locale::for_buyer_country(&org.country).code(),
                )
                .await
                .map_err(|e| AppError::internal("session", e))?;
        }
    }
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
    use crate::api::ctx::Ctx;
    use crate::state::ORG_ID;
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
    use crate::api::ctx::Ctx;
    use crate::state::LOCALE;
    let ctx = Ctx::get()?;
    let locale =
        Locale::parse(&locale).ok_or_else(|| AppError::invalid("locale", "choose sv, en or nb"))?;
    ctx.session
        .insert(LOCALE, locale.code())
        .await
        .map_err(|e| AppError::internal("session", e))?;
    leptos_axum::redirect(local_path(&back));
    Ok(())
}

/// `back` when it is a path on this site, else `/`: never another host
/// (`//evil.com`, `/\\evil.com` — browsers read a backslash as a slash) and
/// no control characters (a header cannot carry them).
pub fn local_path(back: &str) -> &str {
    let mut rest = back.chars().skip(1);
    let second = rest.next();
    let safe = back.starts_with('/')
        && !matches!(second, Some('/') | Some('\\'))
        && !back.chars().any(|c| c.is_control() || c == '\\')
        && back.len() <= 2048;
    if safe {
        back
    } else {
        "/"
    }
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn back_stays_on_this_site() {
        assert_eq!(local_path("/billing/plan?x=1"), "/billing/plan?x=1");
        assert_eq!(local_path("//evil.com"), "/");
        assert_eq!(local_path("/\\evil.com"), "/");
        assert_eq!(local_path("/billing\\..\\x"), "/");
        assert_eq!(local_path("https://evil.com"), "/");
        assert_eq!(local_path("/billing\r\nSet-Cookie: x=1"), "/");
        assert_eq!(local_path(""), "/");
    }
}
