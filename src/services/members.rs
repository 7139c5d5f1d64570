//! Members, seats and the billing owner. Operators deactivate members
//! (R-OPS-1, R-ACC-7): never deleted, so their history stays; a member
//! with a paid role comes back only into a free seat; the billing owner is
//! never deactivated. Teams are added by name, and members moved between
//! them, except where a team has a subscription of its own (its seats are
//! counted per team). Admins see the seats used by role (R-ACC-5), and the
//! owner hands the role to another member, who is made admin (R-ACC-5):
//! there is one owner before and after, in one transaction under the
//! organisation's lock, and both are told by e-mail.

use crate::db::{audit, catalog, orgs, outbox, Db};
use crate::domain::party::Acting;
use crate::domain::roles::{Action, Role};
use crate::domain::subscription::SeatLimit;
use crate::error::AppError;
use crate::services::guard;
use crate::views::ops::{MemberRow, TeamRow};
use crate::views::team::{Candidate, HandedOver, TeamMember, TeamView};
use chrono::{DateTime, Utc};
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

/// The seats paid members may fill: the contract's tier, or the seats
/// bought; Free has no limit here.
async fn seat_limit(conn: &mut AnyConnection, org_id: i64) -> Result<SeatLimit, AppError> {
    let contract = catalog::contract(conn, org_id).await?;
    let subscription = match contract {
        Some(_) => None,
        None => catalog::org_subscription(conn, org_id).await?,
    };
    Ok(seat_limit_of(contract, subscription))
}

/// The seats an organisation has: its contract's tier, else what its
/// subscription bought (none on Free).
fn seat_limit_of(
    contract: Option<crate::domain::contract::Contract>,
    subscription: Option<catalog::StoredSubscription>,
) -> SeatLimit {
    match (contract, subscription) {
        (Some(c), _) => SeatLimit::ContractTier(c.seat_tier),
        (None, Some(s)) if !s.subscription.price.is_free() => {
            SeatLimit::Bought(s.subscription.seats)
        }
        _ => SeatLimit::Free,
    }
}

/// `Some(seats)` when every seat of the subscription a member of `team`
/// takes a seat in is taken by a paid member: the team's own subscription
/// where it has one (R-ACC-2: it counts its seats itself), else the
/// organisation's.
async fn seats_full(
    conn: &mut AnyConnection,
    org_id: i64,
    team: Option<i64>,
) -> Result<Option<u32>, AppError> {
    let own = match team {
        Some(team) => catalog::live_subscriptions(conn, &[org_id])
            .await?
            .into_iter()
            .map(|(_, s)| s)
            .find(|s| s.team_id == Some(team)),
        None => None,
    };
    let (limit, scope) = match own {
        Some(s) => (seat_limit_of(None, Some(s)), team),
        None => (seat_limit(conn, org_id).await?, None),
    };
    let paid = u32::try_from(orgs::paid_members(conn, org_id, scope).await?).unwrap_or(u32::MAX);
    Ok(limit.seats().filter(|_| !limit.room_for_one_more(paid)))
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
        if let Some(seats) = seats_full(tx, who.org_id, m.team_id).await? {
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

fn roles_of(rows: &[orgs::MemberRow]) -> Result<Vec<(orgs::MemberRow, Role)>, AppError> {
    rows.iter()
        .map(|m| {
            Role::parse(&m.role)
                .map(|r| (m.clone(), r))
                .map_err(|e| AppError::internal("role", e))
        })
        .collect()
}

/// Seats used by role, the members, and for the owner whom the role can
/// go to (R-ACC-5).
pub async fn team(db: &Db, who: Acting) -> Result<TeamView, AppError> {
    let read = crate::db::billing::team(&mut *db.conn().await?, who.org_id).await?;
    let active: Vec<(orgs::MemberRow, Role)> = roles_of(&read.members)?
        .into_iter()
        .filter(|(m, _)| m.active == 1)
        .collect();
    let limit = seat_limit_of(read.contract, read.subscription);
    let paid = active.iter().filter(|(_, r)| r.is_paid()).count() as u32;
    let full = !limit.room_for_one_more(paid);
    let me = match who.by {
        crate::domain::party::Party::Member { user_id, .. } => Some(user_id),
        _ => None,
    };
    let is_owner = active
        .iter()
        .any(|(m, _)| m.is_billing_owner == 1 && Some(m.user_id) == me);
    Ok(TeamView {
        seats_bought: limit.seats().unwrap_or(0),
        under_contract: matches!(limit, SeatLimit::ContractTier(_)),
        paid,
        free: active.len() as u32 - paid,
        by_role: Role::ALL
            .iter()
            .map(|r| (*r, active.iter().filter(|(_, x)| x == r).count() as u32))
            .collect(),
        candidates: if is_owner {
            active
                .iter()
                .filter(|(m, _)| m.is_billing_owner == 0)
                .map(|(m, r)| Candidate {
                    membership_id: m.id,
                    name: m.name.clone(),
                    role: *r,
                    becomes_admin: *r != Role::Admin,
                    needs_seat: !r.is_paid() && full,
                })
                .collect()
        } else {
            Vec::new()
        },
        members: active
            .into_iter()
            .map(|(m, role)| TeamMember {
                membership_id: m.id,
                name: m.name,
                email: m.email,
                role,
                billing_owner: m.is_billing_owner == 1,
            })
            .collect(),
        is_owner,
        action_key: guard::new_key(),
    })
}

/// The handover's action name, in the audit log and with its key.
pub const HANDOVER: &str = "owner.handover";

/// Hands the billing owner's role to membership `to` (R-ACC-5). Checked
/// again under the lock: the one asking must still be the owner (two
/// handovers at once leave exactly one owner), `to` an active member of
/// the organisation; a member without the admin role is made admin, and a
/// free role made admin needs a free seat. Both are e-mailed.
pub async fn hand_over(
    db: &Db,
    who: Acting,
    to: i64,
    key: &str,
    now: DateTime<Utc>,
) -> Result<HandedOver, AppError> {
    let crate::domain::party::Party::Member { user_id, .. } = who.by else {
        return Err(AppError::Unauthenticated);
    };
    let mut g = crate::guarded!(
        guard::begin(db, who.org_id, Action::ReassignBillingOwner, key, HANDOVER).await?
    );
    let tx = &mut g.tx;
    let members = orgs::members(tx, who.org_id).await?;
    let owner = members
        .iter()
        .find(|m| m.is_billing_owner == 1)
        .ok_or_else(|| AppError::internal("owner", "an organisation with no billing owner"))?;
    if owner.user_id != user_id {
        return Err(AppError::Forbidden {
            message: crate::msg!("handover-not-owner", owner = owner.name.as_str()),
            billing_owner: Some(owner.name.clone()),
        });
    }
    let next = members
        .iter()
        .find(|m| m.id == to && m.active == 1 && m.is_billing_owner == 0)
        .ok_or_else(|| {
            AppError::invalid("to", "choose another active member of the organisation")
        })?;
    let role = Role::parse(&next.role).map_err(|e| AppError::internal("role", e))?;
    if !role.is_paid() {
        if let Some(seats) = seats_full(tx, who.org_id, next.team_id).await? {
            return Err(AppError::invalid(
                "to",
                format!(
                    "{} would take a seat as admin, and all {seats} are taken: add a seat first",
                    next.name
                ),
            ));
        }
    }
    orgs::hand_over_ownership(tx, owner.id, next.id).await?;
    audit::record(
        tx,
        &who,
        HANDOVER,
        &serde_json::json!({ "owner": owner.email, "to_role": next.role }),
        &serde_json::json!({ "owner": next.email, "to_role": "admin" }),
    )
    .await?;
    let org = orgs::org(tx, who.org_id).await?.ok_or(AppError::NotFound)?;
    let (subject, body) = crate::services::mail::owner_changed(
        crate::domain::locale::Locale::for_buyer_country(&org.country),
        &owner.name,
        &next.name,
        &org.name,
        now,
    );
    let messages: Vec<outbox::Composed> = [&owner.email, &next.email]
        .into_iter()
        .map(|recipient| outbox::Composed {
            org_id: who.org_id,
            kind: "owner_changed",
            recipient,
            subject: &subject,
            body: &body,
        })
        .collect();
    outbox::enqueue_composed(tx, &messages, now).await?;
    g.finish(HandedOver {
        owner: next.name.clone(),
    })
    .await
}
