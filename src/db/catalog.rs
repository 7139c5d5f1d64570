//! Plans, price versions, subscriptions and contracts, mapped to domain types.

use crate::domain::catalog::{Limit, Plan, PriceVersion};
use crate::domain::contract::{Contract, Schedule};
use crate::domain::money::{Currency, Money};
use crate::domain::period::{Interval, Period};
use crate::domain::subscription::{ScheduledChange, Status, Subscription, Trial};
use crate::error::AppError;
use sqlx::AnyConnection;
use std::str::FromStr;

#[derive(sqlx::FromRow)]
struct PlanRow {
    id: i64,
    code: String,
    name: String,
    rank: i64,
    features: String,
    limits: String,
    monthly_credits: i64,
    packs_allowed: i64,
    trial_days: Option<i64>,
}

impl TryFrom<PlanRow> for Plan {
    type Error = AppError;
    fn try_from(r: PlanRow) -> Result<Plan, AppError> {
        let limits: Vec<(String, Option<i64>)> =
            serde_json::from_str(&r.limits).map_err(|e| AppError::internal("plan limits", e))?;
        Ok(Plan {
            id: r.id,
            code: r.code,
            name: r.name,
            rank: r.rank as i32,
            features: serde_json::from_str(&r.features)
                .map_err(|e| AppError::internal("plan features", e))?,
            limits: limits
                .into_iter()
                .map(|(key, value)| Limit { key, value })
                .collect(),
            monthly_credits: r.monthly_credits,
            packs_allowed: r.packs_allowed == 1,
            trial_days: r.trial_days.map(|d| d as u32),
        })
    }
}

const PLAN_COLUMNS: &str =
    "id, code, name, rank, features, limits, monthly_credits, packs_allowed, trial_days";

/// A plan of the catalog; an unknown id is `NotFound` (404), never a fault.
pub async fn plan(conn: &mut AnyConnection, id: i64) -> Result<Plan, AppError> {
    let row: Option<PlanRow> =
        sqlx::query_as(&format!("SELECT {PLAN_COLUMNS} FROM plans WHERE id = $1"))
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    row.ok_or(AppError::NotFound)?.try_into()
}

#[derive(sqlx::FromRow)]
struct PriceRow {
    id: i64,
    plan_id: i64,
    plan_name: String,
    plan_rank: i64,
    version: i64,
    currency: String,
    billing_interval: String,
    flat_minor: i64,
    per_seat_minor: i64,
    min_seats: i64,
    seat_step: i64,
}

impl TryFrom<PriceRow> for PriceVersion {
    type Error = AppError;
    fn try_from(r: PriceRow) -> Result<PriceVersion, AppError> {
        let currency =
            Currency::parse(&r.currency).map_err(|e| AppError::internal("price currency", e))?;
        Ok(PriceVersion {
            id: r.id,
            plan_id: r.plan_id,
            plan_name: r.plan_name,
            plan_rank: r.plan_rank as i32,
            version: r.version as i32,
            currency,
            interval: Interval::parse(&r.billing_interval)
                .map_err(|e| AppError::internal("price interval", e))?,
            flat: Money::new(r.flat_minor, currency),
            per_seat: Money::new(r.per_seat_minor, currency),
            min_seats: r.min_seats as u32,
            seat_step: r.seat_step as u32,
        })
    }
}

const PRICE_SELECT: &str =
    "SELECT p.id, p.plan_id, pl.name AS plan_name, pl.rank AS plan_rank, p.version, p.currency, \
     p.billing_interval, p.flat_minor, p.per_seat_minor, p.min_seats, p.seat_step \
     FROM prices p JOIN plans pl ON pl.id = p.plan_id";

pub async fn price(conn: &mut AnyConnection, id: i64) -> Result<PriceVersion, AppError> {
    let row: PriceRow = sqlx::query_as(&format!("{PRICE_SELECT} WHERE p.id = $1"))
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    row.try_into()
}

/// Today's list price of a plan in a currency and interval.
pub async fn current_price(
    conn: &mut AnyConnection,
    plan_id: i64,
    currency: Currency,
    interval: Interval,
) -> Result<Option<PriceVersion>, AppError> {
    let row: Option<PriceRow> = sqlx::query_as(&format!(
        "{PRICE_SELECT} WHERE p.plan_id = $1 AND p.currency = $2 AND p.billing_interval = $3 AND p.is_current = 1"
    ))
    .bind(plan_id)
    .bind(currency.code())
    .bind(interval.code())
    .fetch_optional(&mut *conn)
    .await?;
    row.map(TryInto::try_into).transpose()
}

#[derive(sqlx::FromRow)]
struct SubscriptionRow {
    id: i64,
    team_id: Option<i64>,
    price_id: i64,
    seats: i64,
    anchor: String,
    period_start: String,
    period_end: String,
    status: String,
    commitment_end: Option<String>,
    auto_renew: i64,
    scheduled_price_id: Option<i64>,
    scheduled_seats: Option<i64>,
    trial_price_id: Option<i64>,
    trial_started: Option<String>,
    trial_ends: Option<String>,
}

/// A live subscription with its id and scope (team id, if a team's).
pub struct StoredSubscription {
    pub id: i64,
    pub team_id: Option<i64>,
    pub subscription: Subscription,
}

/// The organisation-wide live subscription, if any.
pub async fn org_subscription(
    conn: &mut AnyConnection,
    org_id: i64,
) -> Result<Option<StoredSubscription>, AppError> {
    let row: Option<SubscriptionRow> = sqlx::query_as(
        "SELECT id, team_id, price_id, seats, anchor, period_start, period_end, status, commitment_end, auto_renew, \
         scheduled_price_id, scheduled_seats, trial_price_id, trial_started, trial_ends \
         FROM subscriptions WHERE organisation_id = $1 AND team_id IS NULL AND status <> 'canceled'",
    )
    .bind(org_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let date = |s: &str| super::parse_date(s);
    let period = Period::new(date(&r.period_start)?, date(&r.period_end)?);
    let scheduled = match (r.scheduled_price_id, r.scheduled_seats) {
        (Some(p), Some(seats)) => Some(ScheduledChange {
            price: price(conn, p).await?,
            seats: seats as u32,
            effective: period.end,
        }),
        _ => None,
    };
    let trial = match (r.trial_price_id, &r.trial_started, &r.trial_ends) {
        (Some(p), Some(started), Some(ends)) => Some(Trial {
            price: price(conn, p).await?,
            started: date(started)?,
            ends: date(ends)?,
        }),
        _ => None,
    };
    Ok(Some(StoredSubscription {
        id: r.id,
        team_id: r.team_id,
        subscription: Subscription {
            price: price(conn, r.price_id).await?,
            seats: r.seats as u32,
            anchor: date(&r.anchor)?,
            period,
            status: Status::parse(&r.status).map_err(|e| AppError::internal("status", e))?,
            commitment_end: r.commitment_end.as_deref().map(date).transpose()?,
            auto_renew: r.auto_renew == 1,
            scheduled,
            trial,
        },
    }))
}

#[derive(sqlx::FromRow)]
struct ContractRow {
    start_date: String,
    years: i64,
    annual_price_minor: i64,
    currency: String,
    volume_discount: String,
    seat_tier: i64,
    schedule: String,
    custom_schedule: Option<String>,
}

pub async fn contract(conn: &mut AnyConnection, org_id: i64) -> Result<Option<Contract>, AppError> {
    let row: Option<ContractRow> = sqlx::query_as(
        "SELECT start_date, years, annual_price_minor, currency, volume_discount, seat_tier, schedule, custom_schedule \
         FROM contracts WHERE organisation_id = $1",
    )
    .bind(org_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let currency =
        Currency::parse(&r.currency).map_err(|e| AppError::internal("contract currency", e))?;
    let schedule = match r.schedule.as_str() {
        "annual" => Schedule::Annual,
        "quarterly" => Schedule::Quarterly,
        _ => {
            let items: Vec<(String, i64)> =
                serde_json::from_str(r.custom_schedule.as_deref().unwrap_or("[]"))
                    .map_err(|e| AppError::internal("contract schedule", e))?;
            Schedule::Custom(
                items
                    .into_iter()
                    .map(|(d, m)| Ok((super::parse_date(&d)?, Money::new(m, currency))))
                    .collect::<Result<_, AppError>>()?,
            )
        }
    };
    Ok(Some(Contract {
        start: super::parse_date(&r.start_date)?,
        years: r.years as u32,
        annual_price: Money::new(r.annual_price_minor, currency),
        volume_discount: rust_decimal::Decimal::from_str(&r.volume_discount)
            .map_err(|e| AppError::internal("contract discount", e))?,
        seat_tier: r.seat_tier as u32,
        schedule,
    }))
}
