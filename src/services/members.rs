//! Members and teams as operators manage them (R-OPS-1, R-ACC-7): a
//! member is deactivated, never deleted, so their history stays; a member
//! with a paid role comes back only into a free seat; the billing owner is
//! never deactivated (the owner hands the role over first). Teams are
//! added by name, and members moved between them, except where a team has
//! a subscription of its own (its seats are counted per team).

use crate::db::{audit, catalog, orgs, Db};
use crate::domain::party::Acting;
use crate::domain::roles::{Action, Role};
use crate::error::AppError;
use crate::services::guard;
use crate::views::ops::{MemberRow, TeamRow};
use sqlx::AnyConnection;

/// The organisation's members and teams, for the console.
pub async fn members_and_teams(
    conn: &mut AnyConnection,
    org_id: i64,
) -> Result<(Vec<MemberRow>, Vec<TeamRow>), AppError> {
    let teams: Vec<TeamRow> = orgs::teams(conn, org_id)
        .await?
        .into_iter()
        .map(|(id, name, subscriptions)| TeamRow {
            id,
            name,
            own_subscription: subscriptions > 0,
        })
        .collect();
    let members = orgs::members(conn, org_id)
        .await?
        .into_iter()
        .map(|m| MemberRow {
            id: m.id,
            team: m
                .team_id
                .and_then(|t| teams.iter().find(|x| x.id == t).map(|x| x.name.clone())),
            name: m.name,
            email: m.email,
            role: m.role,
            billing_owner: m.is_billing_owner == 1,
            active: m.active == 1,
        })
        .collect();
    Ok((members, teams))
}

async fn member(
    conn: &mut AnyConnection,
    org_id: i64,
    membership_id: i64,
) -> Result<orgs::MemberRow, AppError> {
    orgs::member(conn, org_id, membership_id)
        .await?
        .ok_or_else(|| AppError::invalid("member", "no member of this organisation has that id"))
}

/// Deactivates or reactivates a member.
pub async fn set_active(
    db: &Db,
    who: &Acting,
    membership_id: i64,
    active: bool,
) -> Result<(), AppError> {
    let mut g = guard::write(db, who.org_id, Action::Operate, "member.active").await?;
    let tx = &mut g.tx;
    let m = member(tx, who.org_id, membership_id).await?;
    if (m.active == 1) == active {
        return g.finish(()).await;
    }
    if !active && m.is_billing_owner == 1 {
        return Err(AppError::invalid(
            "member",
            "the billing owner stays active: the owner hands the role to another admin first",
        ));
    }
    let role = Role::parse(&m.role).map_err(|e| AppError::internal("role", e))?;
    if active && role.is_paid() {
        let paid = orgs::paid_members(tx, who.org_id, None).await?;
        let seats = match catalog::contract(tx, who.org_id).await? {
            Some(c) => Some(i64::from(c.seat_tier)),
            None => catalog::org_subscription(tx, who.org_id)
                .await?
                .filter(|s| !s.subscription.price.is_free())
                .map(|s| i64::from(s.subscription.seats)),
        };
        if let Some(seats) = seats.filter(|s| paid >= *s) {
            return Err(AppError::invalid(
                "member",
                format!(
                    "all {seats} seats are taken by paid members: the billing owner adds a seat first"
                ),
            ));
        }
    }
    orgs::set_member_active(tx, membership_id, active).await?;
    let state = |active: bool| serde_json::json!({ "member": m.email, "active": active });
    audit::record(
        tx,
        who,
        if active {
            "member.reactivated"
        } else {
            "member.deactivated"
        },
        &state(!active),
        &state(active),
    )
    .await?;
    g.finish(()).await
}

/// Adds a team of that name; the same name again adds nothing.
pub async fn add_team(db: &Db, who: &Acting, name: &str) -> Result<(), AppError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(AppError::invalid(
            "name",
            "give the team a name of 1 to 80 characters",
        ));
    }
    let mut g = guard::write(db, who.org_id, Action::Operate, "team.added").await?;
    if orgs::add_team(&mut g.tx, who.org_id, name).await?.is_some() {
        audit::record(
            &mut g.tx,
            who,
            "team.added",
            &serde_json::Value::Null,
            &serde_json::json!({ "team": name }),
        )
        .await?;
    }
    g.finish(()).await
}

/// Moves a member into a team, or out of every team (`None`).
pub async fn move_member(
    db: &Db,
    who: &Acting,
    membership_id: i64,
    team_id: Option<i64>,
) -> Result<(), AppError> {
    let mut g = guard::write(db, who.org_id, Action::Operate, "member.team").await?;
    let tx = &mut g.tx;
    let m = member(tx, who.org_id, membership_id).await?;
    let teams = orgs::teams(tx, who.org_id).await?;
    let team = |id: Option<i64>| -> Result<Option<&(i64, String, i64)>, AppError> {
        id.map(|id| {
            teams.iter().find(|t| t.0 == id).ok_or_else(|| {
                AppError::invalid("team", "no team of this organisation has that id")
            })
        })
        .transpose()
    };
    let (from, to) = (team(m.team_id)?, team(team_id)?);
    if [from, to].iter().flatten().any(|t| t.2 > 0) && m.team_id != team_id {
        return Err(AppError::invalid(
            "team",
            "a team with a subscription of its own counts its seats itself: change its subscription first",
        ));
    }
    if m.team_id == team_id {
        return g.finish(()).await;
    }
    orgs::set_member_team(tx, membership_id, team_id).await?;
    let name = |t: Option<&(i64, String, i64)>| t.map(|t| t.1.clone());
    audit::record(
        tx,
        who,
        "member.team",
        &serde_json::json!({ "member": m.email, "team": name(from) }),
        &serde_json::json!({ "member": m.email, "team": name(to) }),
    )
    .await?;
    g.finish(()).await
}
