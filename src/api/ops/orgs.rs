//! Organisations: finding them, their flags, members and teams, their customer's page.

use super::*;

#[server(endpoint = "ops_orgs")]
pub async fn ops_orgs(q: Option<String>) -> Result<Vec<OrgRow>, AppError> {
    let ctx = Ctx::get()?;
    ctx.require_operator(Action::ViewBilling).await?;
    crate::services::console::search(&ctx.db, q.as_deref().unwrap_or_default()).await
}

#[server(endpoint = "ops_org")]
pub async fn ops_org(id: i64) -> Result<OrgView, AppError> {
    let ctx = Ctx::get()?;
    ctx.require_operator(Action::ViewBilling).await?;
    crate::services::console::organisation(&ctx.db, id, ctx.now()).await
}

#[server(endpoint = "ops_org_flags")]
pub async fn ops_org_flags(
    org_id: i64,
    partner: Option<String>,
    partner_contact: Option<String>,
    plan_locked: Option<String>,
) -> Result<(), AppError> {
    let ctx = Ctx::get()?;
    let by = ctx.require_operator(Action::Operate).await?;
    let partner = partner
        .filter(|p| !p.trim().is_empty())
        .map(|p| (p, partner_contact));
    crate::services::console::set_flags(
        &ctx.db,
        &crate::domain::party::Acting::by(org_id, by),
        partner,
        plan_locked.is_some(),
    )
    .await
}

/// What the customer's billing page shows, read-only: no action is
/// offered, whoever looks.
#[server(endpoint = "ops_customer_view")]
pub async fn ops_customer_view(org_id: i64) -> Result<crate::views::billing::Overview, AppError> {
    let ctx = Ctx::get()?;
    let by = ctx.require_operator(Action::ViewBilling).await?;
    let mut o = crate::services::billing::overview(
        &ctx.db,
        crate::domain::party::Acting::by(org_id, by),
        None,
        ctx.now(),
    )
    .await?;
    (o.can_change_plan, o.can_pay) = (false, false);
    Ok(o)
}

/// Deactivates (`active` false) or reactivates a member.
#[server(endpoint = "ops_member_active")]
pub async fn ops_member_active(
    org_id: i64,
    membership_id: i64,
    active: bool,
) -> Result<(), AppError> {
    let ctx = Ctx::get()?;
    let by = ctx.require_operator(Action::Operate).await?;
    crate::services::members::set_active(
        &ctx.db,
        &crate::domain::party::Acting::by(org_id, by),
        membership_id,
        active,
    )
    .await
}

#[server(endpoint = "ops_team_add")]
pub async fn ops_team_add(org_id: i64, name: String) -> Result<(), AppError> {
    let ctx = Ctx::get()?;
    let by = ctx.require_operator(Action::Operate).await?;
    crate::services::members::add_team(
        &ctx.db,
        &crate::domain::party::Acting::by(org_id, by),
        &name,
    )
    .await
}

/// Moves a member into a team; an empty `team_id` moves them out of teams.
#[server(endpoint = "ops_member_team")]
pub async fn ops_member_team(
    org_id: i64,
    membership_id: i64,
    team_id: Option<String>,
) -> Result<(), AppError> {
    let ctx = Ctx::get()?;
    let by = ctx.require_operator(Action::Operate).await?;
    let team_id = match team_id.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(t) => Some(
            t.parse::<i64>()
                .map_err(|_| AppError::invalid("team", "choose a team"))?,
        ),
    };
    crate::services::members::move_member(
        &ctx.db,
        &crate::domain::party::Acting::by(org_id, by),
        membership_id,
        team_id,
    )
    .await
}
