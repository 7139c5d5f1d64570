//! Enterprise contracts set up by operators (R-SUB-10, R-OPS-1): a price
//! per term of one to three years, a volume discount, a contracted seat
//! tier, and a schedule of instalments (annual, quarterly, or dates and
//! amounts that add up to the contract's value). A contract starts at the
//! organisation's next renewal, so what it paid for runs out first and
//! nothing is prorated: from then on the subscription is Enterprise with
//! the tier's seats, the clock invoices the instalments instead of the
//! plan, and it pays by invoice. A contract is replaced only before its
//! first instalment is invoiced.

use crate::db::{audit, catalog, orgs, payments as ledger, subscriptions, Db};
use crate::domain::contract::{Contract, Schedule};
use crate::domain::money::{Currency, Money};
use crate::domain::party::Acting;
use crate::domain::period::{local_day, Interval};
use crate::domain::roles::Action;
use crate::domain::subscription::{ScheduledChange, Status, Subscription};
use crate::error::AppError;
use crate::guarded;
use crate::services::corrections::Step;
use crate::services::guard;
use crate::views::ops::{ContractForm, ContractPreview};
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use sqlx::AnyConnection;
use std::str::FromStr;

/// The schedule as the form gives it: `annual`, `quarterly`, or `custom`
/// with one instalment a line, "YYYY-MM-DD amount".
fn schedule_of(form: &ContractForm, currency: Currency) -> Result<Schedule, AppError> {
    match form.schedule.as_str() {
        "annual" => Ok(Schedule::Annual),
        "quarterly" => Ok(Schedule::Quarterly),
        "custom" => {
            let mut items = Vec::new();
            for (n, line) in form.custom.split(['\n', ';']).enumerate() {
                let line = line.trim();
                if line.is_empty() {
                    continue;
                }
                let wrong = || {
                    AppError::invalid(
                        "custom",
                        format!(
                            "line {}: write \"YYYY-MM-DD amount\", e.g. 2027-01-01 85000",
                            n + 1
                        ),
                    )
                };
                let (day, amount) = line.split_once(char::is_whitespace).ok_or_else(wrong)?;
                let day = NaiveDate::parse_from_str(day, "%Y-%m-%d").map_err(|_| wrong())?;
                let amount = Money::parse_major(amount, currency).map_err(|_| wrong())?;
                items.push((day, amount));
            }
            Ok(Schedule::Custom(items))
        }
        _ => Err(AppError::invalid(
            "schedule",
            "choose annual, quarterly or custom",
        )),
    }
}

/// "15" or "12,5" per cent as a fraction.
fn discount_of(text: &str) -> Result<Decimal, AppError> {
    let wrong = || AppError::invalid("discount", "give the volume discount in per cent, 0 to 100");
    let percent = Decimal::from_str(&text.trim().replace(',', ".")).map_err(|_| wrong())?;
    if percent < Decimal::ZERO || percent > Decimal::ONE_HUNDRED || percent.scale() > 2 {
        return Err(wrong());
    }
    Ok(percent / Decimal::ONE_HUNDRED)
}

/// "Professional, monthly, 6 seats".
pub fn described(s: &Subscription) -> String {
    format!(
        "{}, {}, {} seats",
        s.price.plan_name,
        s.price.interval.code(),
        s.seats
    )
}

struct Planned {
    preview: ContractPreview,
    contract: Contract,
    /// The contract it replaces, not started yet.
    existing: Option<Contract>,
    subscription_id: i64,
    before: Subscription,
    after: Subscription,
    /// The organisation's day.
    today: chrono::NaiveDate,
}

/// What the contract in `form` does for the organisation, read under the
/// caller's connection; refused with what to fix.
async fn plan(
    conn: &mut AnyConnection,
    org_id: i64,
    form: &ContractForm,
    now: DateTime<Utc>,
) -> Result<Planned, AppError> {
    let org = orgs::org(conn, org_id).await?.ok_or(AppError::NotFound)?;
    let currency = org.currency()?;
    let stored = catalog::org_subscription(conn, org_id)
        .await?
        .ok_or_else(|| AppError::invalid("organisation", "it has no subscription"))?;
    let sub = &stored.subscription;
    if sub.status == Status::Trialing || sub.trial.is_some() {
        return Err(AppError::invalid(
            "organisation",
            "it is trying a plan: end the trial first",
        ));
    }
    let existing = catalog::contract(conn, org_id).await?;
    if existing.is_some() {
        let done = subscriptions::instalments_done(conn, &[stored.id]).await?;
        if !done.is_empty() {
            return Err(AppError::invalid(
                "organisation",
                "its contract has invoiced instalments already; a contract is replaced only before its first instalment",
            ));
        }
    }
    // It starts when what was paid for runs out (an existing contract that
    // has not started yet starts on the same day).
    let start = existing.as_ref().map_or(sub.period.end, |c| c.start);
    let today = local_day(now, org.tz()?);
    if start < today {
        // The clock has not carried the organisation past that day yet.
        return Err(AppError::Conflict(
            "The billing clock has not reached this organisation's renewal yet: run the clock, then set up the contract".into(),
        ));
    }
    let enterprise = catalog::current_prices_of(conn, "enterprise", Interval::Annual)
        .await?
        .into_iter()
        .find(|p| p.currency == currency)
        .ok_or_else(|| {
            AppError::invalid(
                "organisation",
                format!(
                    "publish an annual Enterprise price in {} first",
                    currency.code()
                ),
            )
        })?;
    let contract = Contract {
        start,
        years: form.years,
        annual_price: Money::parse_major(&form.annual_price, currency)
            .map_err(|e| AppError::invalid("annual_price", e))?,
        volume_discount: discount_of(&form.discount)?,
        seat_tier: form.seat_tier,
        schedule: schedule_of(form, currency)?,
    };
    let field = |e: &crate::domain::contract::ContractError| {
        use crate::domain::contract::ContractError::*;
        match e {
            Term => "years",
            Discount => "discount",
            Tier | AboveTier { .. } => "seat_tier",
            ScheduleSum { .. } | ScheduleDates { .. } | TooLarge => "custom",
        }
    };
    let instalments = contract
        .instalments()
        .map_err(|e| AppError::invalid(field(&e), e.to_string()))?;
    let paid = orgs::paid_members(conn, org_id, None).await?;
    contract
        .check_users(u32::try_from(paid).unwrap_or(u32::MAX))
        .map_err(|e| AppError::invalid(field(&e), e.to_string()))?;
    let mut after = sub.clone();
    after.scheduled = Some(ScheduledChange {
        price: enterprise.clone(),
        seats: contract.seat_tier,
        effective: start,
    });
    let instrument = ledger::instrument(conn, org_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Planned {
        preview: ContractPreview {
            form: form.clone(),
            start,
            end: contract.end(),
            total: contract.total(),
            discount: contract.discount_amount(),
            instalments: instalments.into_iter().map(|i| (i.due, i.amount)).collect(),
            plan_before: described(sub),
            plan_after: format!(
                "{}, annual, {} seats",
                enterprise.plan_name, contract.seat_tier
            ),
            payment_before: instrument.shown(),
            replaces: existing.is_some(),
            saved: false,
        },
        contract,
        existing,
        subscription_id: stored.id,
        before: sub.clone(),
        after,
        today,
    })
}

/// Sets up (or, before its first instalment, replaces) the organisation's
/// contract (`confirm`), or only says what it would do.
pub async fn set_contract(
    db: &Db,
    who: &Acting,
    form: &ContractForm,
    step: Step<'_>,
    now: DateTime<Utc>,
) -> Result<ContractPreview, AppError> {
    let Step::Confirm { key } = step else {
        return Ok(plan(&mut *db.conn().await?, who.org_id, form, now)
            .await?
            .preview);
    };
    let mut g = guarded!(guard::begin(db, who.org_id, Action::Operate, key, "contract.set").await?);
    let tx = &mut g.tx;
    let Planned {
        mut preview,
        contract,
        existing: before,
        subscription_id,
        before: sub_before,
        after,
        today,
    } = plan(tx, who.org_id, form, now).await?;
    catalog::save_contract(tx, who.org_id, &contract).await?;
    orgs::set_manually_billed(tx, who.org_id, true).await?;
    subscriptions::save(tx, subscription_id, &sub_before, &after, today).await?;
    // Always paid by invoice (R-SUB-10).
    crate::services::payments::replace_instrument(
        tx,
        *who,
        &ledger::InstrumentRow::of(crate::domain::payment::PaymentMethodKind::Invoice),
        "payment_method.contract",
    )
    .await?;
    audit::record(
        tx,
        who,
        "contract.set",
        &serde_json::json!({ "contract": before, "plan": preview.plan_before }),
        &serde_json::json!({ "contract": contract, "plan": preview.plan_after }),
    )
    .await?;
    preview.saved = true;
    g.finish(preview).await
}
