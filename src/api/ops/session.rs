//! The console's session: who is logged in, logging in and out, one's own password.

use super::*;

/// The operator on this session, or `None`.
#[server(endpoint = "ops_session")]
pub async fn ops_session() -> Result<Option<OperatorInfo>, AppError> {
    match Ctx::get()?.operator().await {
        Ok((_, me)) => Ok(Some(me)),
        Err(AppError::Unauthenticated) => Ok(None),
        Err(e) => Err(e),
    }
}

#[server(endpoint = "ops_login")]
pub async fn ops_login(email: String, password: String) -> Result<(), AppError> {
    use crate::state::{OPERATOR_ID, ORG_ID, USER_ID};
    let ctx = Ctx::get()?;
    let (id, _, must_change) = crate::services::auth::operator_login(
        &ctx.db,
        &ctx.login_limits,
        &email,
        &password,
        ctx.client_ip(),
        ctx.now(),
    )
    .await?;
    ctx.begin_session(&[(OPERATOR_ID, id)], &[USER_ID, ORG_ID])
        .await?;
    leptos_axum::redirect(if must_change { "/ops/password" } else { "/ops" });
    Ok(())
}

#[server(endpoint = "ops_logout")]
pub async fn ops_logout() -> Result<(), AppError> {
    let ctx = Ctx::get()?;
    ctx.session.flush().await.map_err(session_err)?;
    leptos_axum::redirect("/ops/login");
    Ok(())
}

/// An operator changes their password: the current one, then the new one
/// twice. Their other sessions end (a session someone else holds is worth
/// nothing after); this one goes on under a new id.
#[server(endpoint = "ops_password")]
pub async fn ops_password(
    current: String,
    password: String,
    repeat: String,
) -> Result<(), AppError> {
    let ctx = Ctx::get()?;
    let (party, _) = ctx.operator().await?;
    let crate::domain::party::Party::Operator { id, .. } = party else {
        return Err(AppError::Unauthenticated);
    };
    if password != repeat {
        return Err(AppError::invalid("repeat", "type the same password twice"));
    }
    crate::services::auth::change_operator_password(
        &ctx.db,
        &ctx.login_limits,
        id,
        &current,
        &password,
        ctx.client_ip(),
        ctx.now(),
    )
    .await?;
    ctx.begin_session(&[(crate::state::OPERATOR_ID, id)], &[])
        .await?;
    let ended = crate::db::session_store::end_sessions_of(
        &ctx.db,
        crate::state::OPERATOR_ID,
        id,
        ctx.session.id().map(|i| i.to_string()).as_deref(),
    )
    .await?;
    tracing::info!(
        operator_id = id,
        ended,
        "operator password changed; other sessions ended"
    );
    leptos_axum::redirect("/ops");
    Ok(())
}
