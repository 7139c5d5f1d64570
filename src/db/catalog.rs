//! Plans, price versions, subscriptions and contracts, mapped to domain types.

use crate::domain::catalog::{Limit, NewPack, NewPrice, Plan, PriceVersion};
use crate::domain::contract::{Contract, Schedule};
use crate::domain::money::{Currency, Money};
use crate::domain::period::{Interval, Period};
use crate::domain::subscription::{ScheduledChange, Status, Subscription, Trial};
use crate::error::AppError;
use sqlx::AnyConnection;
use std::collections::HashMap;
use std::str::FromStr;

#[derive(sqlx::FromRow, serde::Deserialize)]
pub(crate) struct PlanRow {
    id: i64,
    code: String,
    name: String,
    rank: i64,
    features: String,
    limits: String,
    monthly_credits: i64,
    packs_allowed: i64,
    trial_days: Option<i64>,
    sales_only: i64,
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
            sales_only: r.sales_only == 1,
        })
    }
}

pub(crate) const PLAN_COLUMNS: &str =
    "id, code, name, rank, features, limits, monthly_credits, packs_allowed, trial_days, sales_only";

/// A plan of the catalog; an unknown id is `NotFound` (404), never a fault.
pub async fn plan(conn: &mut AnyConnection, id: i64) -> Result<Plan, AppError> {
    let row: Option<PlanRow> =
        sqlx::query_as(&format!("SELECT {PLAN_COLUMNS} FROM plans WHERE id = $1"))
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    row.ok_or(AppError::NotFound)?.try_into()
}

#[derive(sqlx::FromRow, serde::Deserialize)]
pub(crate) struct PriceRow {
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

pub(crate) const PRICE_SELECT: &str =
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

/// Every plan's monthly credits, by plan id.
pub async fn monthly_credits(conn: &mut AnyConnection) -> Result<HashMap<i64, i64>, sqlx::Error> {
    Ok(
        sqlx::query_as::<_, (i64, i64)>("SELECT id, monthly_credits FROM plans")
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .collect(),
    )
}

/// Today's list prices of a plan, by its code, in every currency.
pub async fn current_prices_of(
    conn: &mut AnyConnection,
    plan_code: &str,
    interval: Interval,
) -> Result<Vec<PriceVersion>, AppError> {
    let rows: Vec<PriceRow> = sqlx::query_as(&format!(
        "{PRICE_SELECT} WHERE pl.code = $1 AND p.billing_interval = $2 AND p.is_current = 1"
    ))
    .bind(plan_code)
    .bind(interval.code())
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter().map(TryInto::try_into).collect()
}

#[derive(sqlx::FromRow)]
struct SubscriptionRowOf {
    organisation_id: i64,
    #[sqlx(flatten)]
    row: SubscriptionRow,
}

#[derive(sqlx::FromRow, serde::Deserialize)]
pub(crate) struct SubscriptionRow {
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

pub(crate) const SUBSCRIPTION_COLUMNS: &str =
    "id, team_id, price_id, seats, anchor, period_start, period_end, status, commitment_end, \
     auto_renew, scheduled_price_id, scheduled_seats, trial_price_id, trial_started, trial_ends";

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
    Ok(live_subscriptions(conn, &[org_id])
        .await?
        .into_iter()
        .map(|(_, s)| s)
        .find(|s| s.team_id.is_none()))
}

/// Price versions by id, in one read.
pub async fn prices(
    conn: &mut AnyConnection,
    ids: &[i64],
) -> Result<HashMap<i64, PriceVersion>, AppError> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let rows: Vec<PriceRow> =
        super::select_in(conn, &format!("{PRICE_SELECT} WHERE p.id IN {{ids}}"), &ids).await?;
    rows.into_iter()
        .map(|r| Ok((r.id, PriceVersion::try_from(r)?)))
        .collect()
}

/// The live subscriptions of several organisations, each organisation's
/// own and its teams', with their organisation's id, organisation first,
/// in two reads (subscriptions, then their prices).
pub async fn live_subscriptions(
    conn: &mut AnyConnection,
    org_ids: &[i64],
) -> Result<Vec<(i64, StoredSubscription)>, AppError> {
    let rows: Vec<(i64, SubscriptionRow)> = super::select_in::<SubscriptionRowOf>(
        conn,
        &format!(
            "SELECT organisation_id, {SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE organisation_id IN {{ids}} \
             AND status <> 'canceled' ORDER BY organisation_id, COALESCE(team_id, 0), id"
        ),
        org_ids,
    )
    .await?
    .into_iter()
    .map(|r| (r.organisation_id, r.row))
    .collect();
    let price_ids: Vec<i64> = rows
        .iter()
        .flat_map(|(_, r)| [Some(r.price_id), r.scheduled_price_id, r.trial_price_id])
        .flatten()
        .collect();
    let prices = prices(conn, &price_ids).await?;
    assemble(rows, &prices)
}

/// Subscription rows with their prices, as the domain sees them.
pub(crate) fn assemble(
    rows: Vec<(i64, SubscriptionRow)>,
    prices: &HashMap<i64, PriceVersion>,
) -> Result<Vec<(i64, StoredSubscription)>, AppError> {
    let price = |id: i64| {
        prices
            .get(&id)
            .cloned()
            .ok_or_else(|| AppError::internal("subscription price", id))
    };
    let date = |s: &str| super::parse_date(s);
    let mut out = Vec::with_capacity(rows.len());
    for (org_id, r) in rows {
        let period = Period::new(date(&r.period_start)?, date(&r.period_end)?);
        let scheduled = match (r.scheduled_price_id, r.scheduled_seats) {
            (Some(p), Some(seats)) => Some(ScheduledChange {
                price: price(p)?,
                seats: seats as u32,
                effective: period.end,
            }),
            _ => None,
        };
        let trial = match (r.trial_price_id, &r.trial_started, &r.trial_ends) {
            (Some(p), Some(started), Some(ends)) => Some(Trial {
                price: price(p)?,
                started: date(started)?,
                ends: date(ends)?,
            }),
            _ => None,
        };
        let stored = StoredSubscription {
            id: r.id,
            team_id: r.team_id,
            subscription: Subscription {
                price: price(r.price_id)?,
                seats: r.seats as u32,
                anchor: date(&r.anchor)?,
                period,
                status: Status::parse(&r.status).map_err(|e| AppError::internal("status", e))?,
                commitment_end: r.commitment_end.as_deref().map(date).transpose()?,
                auto_renew: r.auto_renew == 1,
                scheduled,
                trial,
            },
        };
        out.push((org_id, stored));
    }
    Ok(out)
}

#[derive(sqlx::FromRow, serde::Deserialize)]
pub(crate) struct ContractRow {
    organisation_id: i64,
    start_date: String,
    years: i64,
    annual_price_minor: i64,
    currency: String,
    volume_discount: String,
    seat_tier: i64,
    schedule: String,
    custom_schedule: Option<String>,
}

pub(crate) const CONTRACT_SELECT: &str =
    "SELECT organisation_id, start_date, years, annual_price_minor, currency, volume_discount, \
     seat_tier, schedule, custom_schedule FROM contracts";

pub async fn contract(conn: &mut AnyConnection, org_id: i64) -> Result<Option<Contract>, AppError> {
    Ok(contracts(conn, &[org_id]).await?.remove(&org_id))
}

/// Stores the organisation's contract, replacing the one it had.
pub async fn save_contract(
    conn: &mut AnyConnection,
    org_id: i64,
    c: &Contract,
) -> Result<(), sqlx::Error> {
    let (kind, custom) = match &c.schedule {
        Schedule::Annual => ("annual", None),
        Schedule::Quarterly => ("quarterly", None),
        Schedule::Custom(items) => (
            "custom",
            Some(
                serde_json::to_string(
                    &items
                        .iter()
                        .map(|(d, m)| (super::date(*d), m.minor()))
                        .collect::<Vec<_>>(),
                )
                .unwrap_or_default(),
            ),
        ),
    };
    sqlx::query(
        "INSERT INTO contracts (organisation_id, start_date, years, annual_price_minor, currency, volume_discount, \
         seat_tier, schedule, custom_schedule) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (organisation_id) DO UPDATE SET start_date = excluded.start_date, years = excluded.years, \
         annual_price_minor = excluded.annual_price_minor, currency = excluded.currency, \
         volume_discount = excluded.volume_discount, seat_tier = excluded.seat_tier, \
         schedule = excluded.schedule, custom_schedule = excluded.custom_schedule",
    )
    .bind(org_id)
    .bind(super::date(c.start))
    .bind(i64::from(c.years))
    .bind(c.annual_price.minor())
    .bind(c.annual_price.currency().code())
    .bind(c.volume_discount.to_string())
    .bind(i64::from(c.seat_tier))
    .bind(kind)
    .bind(custom)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The enterprise contracts of several organisations, by organisation id.
pub async fn contracts(
    conn: &mut AnyConnection,
    org_ids: &[i64],
) -> Result<HashMap<i64, Contract>, AppError> {
    let rows: Vec<ContractRow> = super::select_in(
        conn,
        &format!("{CONTRACT_SELECT} WHERE organisation_id IN {{ids}}"),
        org_ids,
    )
    .await?;
    rows.into_iter()
        .map(|r| Ok((r.organisation_id, contract_of(r)?)))
        .collect()
}

pub(crate) fn contract_of(r: ContractRow) -> Result<Contract, AppError> {
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
    Ok(Contract {
        start: super::parse_date(&r.start_date)?,
        years: r.years as u32,
        annual_price: Money::new(r.annual_price_minor, currency),
        volume_discount: rust_decimal::Decimal::from_str(&r.volume_discount)
            .map_err(|e| AppError::internal("contract discount", e))?,
        seat_tier: r.seat_tier as u32,
        schedule,
    })
}

/// Every plan, cheapest tier first.
pub async fn plans(conn: &mut AnyConnection) -> Result<Vec<Plan>, AppError> {
    let rows: Vec<PlanRow> =
        sqlx::query_as(&format!("SELECT {PLAN_COLUMNS} FROM plans ORDER BY rank"))
            .fetch_all(&mut *conn)
            .await?;
    rows.into_iter().map(TryInto::try_into).collect()
}

/// A credit pack of the catalog (R-CAT-4).
#[derive(Debug, Clone, sqlx::FromRow, serde::Deserialize)]
pub struct PackRow {
    pub id: i64,
    pub name: String,
    pub credits: i64,
    pub price_minor: i64,
    pub currency: String,
    pub validity_months: i64,
    /// Retired packs are not sold any more.
    pub retired: i64,
}

pub(crate) const PACK: &str =
    "SELECT id, name, credits, price_minor, currency, validity_months, retired FROM credit_packs";

/// The packs sold in `currency`, smallest first.
pub async fn packs_in(
    conn: &mut AnyConnection,
    currency: Currency,
) -> Result<Vec<PackRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{PACK} WHERE currency = $1 AND retired = 0 ORDER BY credits"
    ))
    .bind(currency.code())
    .fetch_all(&mut *conn)
    .await
}

pub async fn pack(conn: &mut AnyConnection, id: i64) -> Result<Option<PackRow>, sqlx::Error> {
    sqlx::query_as(&format!("{PACK} WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
}

/// Every pack, sold and retired, by currency and size.
pub async fn all_packs(conn: &mut AnyConnection) -> Result<Vec<PackRow>, sqlx::Error> {
    sqlx::query_as(&format!("{PACK} ORDER BY currency, credits, id"))
        .fetch_all(&mut *conn)
        .await
}

pub async fn add_pack(conn: &mut AnyConnection, p: &NewPack<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO credit_packs (name, credits, price_minor, currency, validity_months) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(p.name)
    .bind(p.credits)
    .bind(p.price.minor())
    .bind(p.price.currency().code())
    .bind(i64::from(p.validity_months))
    .fetch_one(&mut *conn)
    .await
}

/// Retires a pack; `false` when it was retired already or does not exist.
pub async fn retire_pack(conn: &mut AnyConnection, id: i64) -> Result<bool, sqlx::Error> {
    Ok(
        sqlx::query("UPDATE credit_packs SET retired = 1 WHERE id = $1 AND retired = 0")
            .bind(id)
            .execute(&mut *conn)
            .await?
            .rows_affected()
            == 1,
    )
}

/// Saves what a plan offers (not its prices: those are versions).
pub async fn save_plan(conn: &mut AnyConnection, p: &Plan) -> Result<(), sqlx::Error> {
    let limits: Vec<(&str, Option<i64>)> =
        p.limits.iter().map(|l| (l.key.as_str(), l.value)).collect();
    sqlx::query(
        "UPDATE plans SET name = $1, features = $2, limits = $3, monthly_credits = $4, packs_allowed = $5, \
         trial_days = $6 WHERE id = $7",
    )
    .bind(&p.name)
    .bind(serde_json::to_string(&p.features).unwrap_or_default())
    .bind(serde_json::to_string(&limits).unwrap_or_default())
    .bind(p.monthly_credits)
    .bind(i64::from(p.packs_allowed))
    .bind(p.trial_days.map(i64::from))
    .bind(p.id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Every price version of every plan, with whether it is the current list
/// price: plans by rank, then currency, interval and newest version first.
pub async fn all_prices(conn: &mut AnyConnection) -> Result<Vec<(PriceVersion, bool)>, AppError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        price: PriceRow,
        is_current: i64,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT p.id, p.plan_id, pl.name AS plan_name, pl.rank AS plan_rank, p.version, p.currency, \
         p.billing_interval, p.flat_minor, p.per_seat_minor, p.min_seats, p.seat_step, p.is_current \
         FROM prices p JOIN plans pl ON pl.id = p.plan_id \
         ORDER BY pl.rank, p.currency, p.billing_interval, p.version DESC",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|r| Ok((r.price.try_into()?, r.is_current == 1)))
        .collect()
}

/// How many live subscriptions are on each price version, by price id.
pub async fn subscriptions_per_price(
    conn: &mut AnyConnection,
) -> Result<HashMap<i64, i64>, sqlx::Error> {
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT price_id, COUNT(*) FROM subscriptions WHERE status <> 'canceled' GROUP BY price_id",
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().collect())
}

/// How many live subscriptions are on one price version.
pub async fn subscriptions_on(conn: &mut AnyConnection, price_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM subscriptions WHERE status <> 'canceled' AND price_id = $1",
    )
    .bind(price_id)
    .fetch_one(&mut *conn)
    .await
}

/// Publishes `p` as the next version (R-CAT-3): the current version stops
/// being offered, and stays on the subscriptions that have it. Returns the
/// new version's id.
pub async fn publish_price(conn: &mut AnyConnection, p: &NewPrice) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "UPDATE prices SET is_current = 0 WHERE plan_id = $1 AND currency = $2 AND billing_interval = $3 AND is_current = 1",
    )
    .bind(p.plan_id)
    .bind(p.currency.code())
    .bind(p.interval.code())
    .execute(&mut *conn)
    .await?;
    sqlx::query_scalar(
        "INSERT INTO prices (plan_id, version, currency, billing_interval, flat_minor, per_seat_minor, min_seats, seat_step, is_current, created_at) \
         SELECT $1, COALESCE(MAX(version), 0) + 1, $2, $3, $4, $5, $6, $7, 1, $8 FROM prices \
         WHERE plan_id = $1 AND currency = $2 AND billing_interval = $3 RETURNING id",
    )
    .bind(p.plan_id)
    .bind(p.currency.code())
    .bind(p.interval.code())
    .bind(p.flat.minor())
    .bind(p.per_seat.minor())
    .bind(i64::from(p.min_seats))
    .bind(i64::from(p.seat_step))
    .bind(super::now_text())
    .fetch_one(&mut *conn)
    .await
}
