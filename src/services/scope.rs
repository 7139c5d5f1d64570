//! A subscription's scope (R-ACC-2): the whole organisation, or one team.
//! Every page and change that works on "the" subscription reads it here,
//! with what the scope rules need: whether the organisation itself is on
//! Free and which teams have a plan of their own.

use crate::db::catalog::{self, StoredSubscription};
use crate::db::orgs;
use crate::domain::catalog::PriceVersion;
use crate::domain::money::Currency;
use crate::domain::period::{boundary, Interval, Period};
use crate::domain::roles::{scope_permitted, Refusal};
use crate::domain::subscription::{Status, Subscription};
use crate::error::AppError;
use chrono::NaiveDate;
use sqlx::AnyConnection;

/// The subscription of a scope and its neighbours.
pub struct Scoped {
    /// The scope's live subscription. A team without one is on Free from
    /// today: id 0, stored only when a plan is bought for it.
    pub stored: StoredSubscription,
    /// The team and its name, for a team's scope.
    pub team: Option<(i64, String)>,
    /// Every team of the organisation, by name.
    pub teams: Vec<(i64, String)>,
    /// The organisation's other live subscriptions (its own, its teams').
    pub others: Vec<StoredSubscription>,
}

impl Scoped {
    /// A team on Free that has never had a plan stored.
    pub fn unstored(&self) -> bool {
        self.stored.id == 0
    }

    /// The stored live subscriptions of the organisation, this one included.
    pub fn live(&self) -> impl Iterator<Item = &StoredSubscription> {
        std::iter::once(&self.stored)
            .filter(|s| s.id != 0)
            .chain(&self.others)
    }

    /// The teams with a live subscription of their own: id, name and it.
    pub fn team_plans(&self) -> Vec<(i64, &str, &StoredSubscription)> {
        self.teams
            .iter()
            .filter_map(|(id, name)| {
                let s = self.live().find(|s| s.team_id == Some(*id))?;
                Some((*id, name.as_str(), s))
            })
            .collect()
    }

    /// Whether a change of this scope to a plan (free or not) is allowed.
    pub fn permits(&self, to_free: bool) -> Result<(), Refusal> {
        let organisation_on_free = self
            .live()
            .find(|s| s.team_id.is_none())
            .is_none_or(|s| s.subscription.price.is_free());
        let teams_with_plan: Vec<(i64, String)> = self
            .team_plans()
            .into_iter()
            .map(|(id, name, _)| (id, name.to_string()))
            .collect();
        scope_permitted(
            self.team.as_ref().map(|t| t.0),
            organisation_on_free,
            &teams_with_plan,
            to_free,
        )
    }
}

/// Reads the subscription of the organisation (`team` none) or of one of
/// its teams; a team of another organisation is not found.
pub async fn scoped(
    conn: &mut AnyConnection,
    org_id: i64,
    team: Option<i64>,
    currency: Currency,
    today: NaiveDate,
) -> Result<Scoped, AppError> {
    let subs: Vec<StoredSubscription> = catalog::live_subscriptions(conn, &[org_id])
        .await?
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    let teams: Vec<(i64, String)> = orgs::teams(conn, org_id)
        .await?
        .into_iter()
        .map(|(id, name, _)| (id, name))
        .collect();
    // Free's price only for a team that never had a plan.
    let free = match team {
        Some(id) if !subs.iter().any(|s| s.team_id == Some(id)) => {
            catalog::current_prices_of(conn, "free", Interval::Monthly)
                .await?
                .into_iter()
                .find(|p| p.currency == currency)
        }
        _ => None,
    };
    Scoped::of(subs, teams, team, free, today)
}

impl Scoped {
    /// The scope `team` (none: the organisation's) among the organisation's
    /// live subscriptions and teams. `free` is Free's current monthly price
    /// in the organisation's currency, which a team without a plan is on.
    pub fn of(
        subs: Vec<StoredSubscription>,
        teams: Vec<(i64, String)>,
        team: Option<i64>,
        free: Option<PriceVersion>,
        today: NaiveDate,
    ) -> Result<Scoped, AppError> {
        let team = match team {
            Some(id) => Some(
                teams
                    .iter()
                    .find(|t| t.0 == id)
                    .cloned()
                    .ok_or(AppError::NotFound)?,
            ),
            None => None,
        };
        let team_id = team.as_ref().map(|t| t.0);
        let (mine, others): (Vec<_>, Vec<_>) = subs.into_iter().partition(|s| s.team_id == team_id);
        let stored = match mine.into_iter().next() {
            Some(s) => s,
            None if team_id.is_some() => StoredSubscription {
                id: 0,
                team_id,
                subscription: on_free(
                    free.ok_or_else(|| {
                        AppError::internal("team scope", "no Free price in the currency")
                    })?,
                    today,
                ),
            },
            None => return Err(AppError::NotFound),
        };
        Ok(Scoped {
            stored,
            team,
            teams,
            others,
        })
    }
}

/// A team's subscription before any plan: Free, monthly from today.
fn on_free(price: PriceVersion, today: NaiveDate) -> Subscription {
    Subscription {
        price,
        seats: 0,
        anchor: today,
        period: Period::new(today, boundary(today, Interval::Monthly, 1)),
        status: Status::Active,
        commitment_end: None,
        auto_renew: true,
        scheduled: None,
        trial: None,
    }
}
