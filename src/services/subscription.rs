//! Trials (R-SUB-8) and auto-renew (R-SUB-9): small state changes that run
//! through the same guarded write as plan changes.

use crate::db::audit;
use crate::db::{catalog, orgs, subscriptions, Db, Tx};
use crate::domain::change::start_trial;
use crate::domain::party::Acting;
use crate::domain::period::local_day;
use crate::domain::renewal::{cancellation_quote, trial_over};
use crate::domain::roles::{change_permitted, Action, Change};
use crate::domain::subscription::{OrgTerms, Status, Subscription};
use crate::error::AppError;
use crate::services::guard;
use crate::views::subscription::{CancellationView, Done};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::AnyConnection;

struct Current {
    id: i64,
    sub: Subscription,
    terms: OrgTerms,
    today: NaiveDate,
}

/// The subscription of the organisation (`team` none) or of one team with
/// a plan of its own.
async fn current(
    conn: &mut AnyConnection,
    org_id: i64,
    team: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Current, AppError> {
    let org = orgs::org(conn, org_id).await?.ok_or(AppError::NotFound)?;
    let today = local_day(now, org.tz()?);
    let scope = crate::services::scope::scoped(conn, org_id, team, org.currency()?, today).await?;
    if scope.unstored() {
        return Err(AppError::NotFound);
    }
    Ok(Current {
        id: scope.stored.id,
        terms: org.terms_with(scope.stored.subscription.status),
        sub: scope.stored.subscription,
        today,
    })
}

async fn record(
    tx: &mut Tx,
    who: Acting,
    c: &Current,
    after: &Subscription,
    action: &str,
) -> Result<Done, AppError> {
    subscriptions::save(tx, c.id, &c.sub, after, c.today).await?;
    audit::record(tx, &who, action, &c.sub, after).await?;
    Ok(Done {
        action: action.to_string(),
    })
}

pub async fn begin_trial(
    db: &Db,
    who: Acting,
    plan_id: i64,
    key: &str,
    now: DateTime<Utc>,
) -> Result<Done, AppError> {
    let mut g = crate::guarded!(
        guard::begin(db, who.org_id, Action::ChangePlan, key, "trial.start").await?
    );
    let tx = &mut g.tx;
    {
        let c = current(tx, who.org_id, None, now).await?;
        let plan = catalog::plan(tx, plan_id).await?;
        let price = catalog::current_price(tx, plan_id, c.sub.price.currency, c.sub.price.interval)
            .await?
            .ok_or_else(|| AppError::invalid("plan", "That plan cannot be tried"))?;
        let tried = subscriptions::tried_plans(tx, who.org_id).await?;
        let trial = start_trial(&c.sub, &c.terms, &price, plan.trial_days, &tried, c.today)?;
        subscriptions::record_trial(tx, who.org_id, plan_id, c.today).await?;
        let after = Subscription {
            trial: Some(trial),
            status: Status::Trialing,
            ..c.sub.clone()
        };
        let done = record(tx, who, &c, &after, "trial.start").await?;
        g.finish(done).await
    }
}

fn without_trial(sub: &Subscription) -> Subscription {
    let status = if sub.status == Status::Trialing {
        Status::Active
    } else {
        sub.status
    };
    Subscription {
        trial: None,
        status,
        ..sub.clone()
    }
}

pub async fn end_trial(
    db: &Db,
    who: Acting,
    key: &str,
    now: DateTime<Utc>,
) -> Result<Done, AppError> {
    let mut g =
        crate::guarded!(guard::begin(db, who.org_id, Action::ChangePlan, key, "trial.end").await?);
    let c = current(&mut g.tx, who.org_id, None, now).await?;
    if c.sub.trial.is_none() {
        return Err(AppError::Conflict("No trial is running".into()));
    }
    let after = without_trial(&c.sub);
    let done = record(&mut g.tx, who, &c, &after, "trial.end").await?;
    g.finish(done).await
}

/// Ends every trial whose time is up (the billing clock calls this). Running
/// it twice for the same instant changes nothing the second time. Returns
/// how many trials ended.
pub async fn end_due_trials(db: &Db, now: DateTime<Utc>) -> Result<usize, AppError> {
    let org_ids = subscriptions::orgs_with_trials(&mut *db.conn().await?).await?;
    let mut ended = 0;
    for org_id in org_ids {
        // One organisation's failure is logged and retried next run.
        let one = async {
            let mut tx = db.write().await?;
            subscriptions::lock_org(&mut tx, org_id).await?;
            let c = current(&mut tx, org_id, None, now).await?;
            if !trial_over(&c.sub, c.today) {
                tx.rollback().await?;
                return Ok::<usize, AppError>(0);
            }
            let after = without_trial(&c.sub);
            subscriptions::save(&mut tx, c.id, &c.sub, &after, c.today).await?;
            audit::record(
                &mut tx,
                &Acting::clock(org_id),
                "trial.expire",
                &c.sub,
                &after,
            )
            .await?;
            tx.commit().await?;
            Ok(1)
        };
        match one.await {
            Ok(n) => ended += n,
            Err(e) => tracing::error!(org_id, error = %e, "trial not ended; tried again next run"),
        }
    }
    Ok(ended)
}

pub async fn cancellation(
    db: &Db,
    who: Acting,
    team: Option<i64>,
    now: DateTime<Utc>,
) -> Result<CancellationView, AppError> {
    let c = current(&mut *db.conn().await?, who.org_id, team, now).await?;
    // A contract or a partner's account is not cancelled here: the quote of
    // a list price would not be what is owed.
    change_permitted(&c.terms, Change::AutoRenew)?;
    let q = cancellation_quote(&c.sub);
    Ok(CancellationView {
        team,
        auto_renew: c.sub.auto_renew,
        service_ends: q.service_ends,
        owed_periods: q
            .owed_periods
            .into_iter()
            .map(|(p, m)| (p.start, p.last_day(), m))
            .collect(),
        total_owed: q.total_owed,
        action_key: guard::new_key(),
    })
}

pub async fn set_auto_renew(
    db: &Db,
    who: Acting,
    team: Option<i64>,
    on: bool,
    key: &str,
    now: DateTime<Utc>,
) -> Result<Done, AppError> {
    let action = if on {
        "subscription.resume"
    } else {
        "subscription.cancel"
    };
    let mut g =
        crate::guarded!(guard::begin(db, who.org_id, Action::ChangePlan, key, action).await?);
    let c = current(&mut g.tx, who.org_id, team, now).await?;
    change_permitted(&c.terms, Change::AutoRenew)?;
    if c.sub.auto_renew == on {
        return g
            .finish(Done {
                action: "subscription.unchanged".into(),
            })
            .await;
    }
    let after = Subscription {
        auto_renew: on,
        ..c.sub.clone()
    };
    let done = record(&mut g.tx, who, &c, &after, action).await?;
    g.finish(done).await
}

/// The subscriptions page: the plan and packs held and the history.
pub async fn subscriptions(
    db: &Db,
    who: Acting,
    now: DateTime<Utc>,
) -> Result<crate::views::subscription::SubscriptionsView, AppError> {
    use crate::domain::credits::GrantKind;
    use crate::views::subscription::{PackHeld, SubscriptionsView};
    let read = crate::db::billing::subscriptions(&mut *db.conn().await?, who.org_id, now, 100)
        .await?
        .ok_or(AppError::NotFound)?;
    let tz = read.org.tz()?;
    let sub = read.subscription.ok_or(AppError::NotFound)?.subscription;
    let (grants, history) = (read.grants, read.history);
    let started = history
        .iter()
        .rev()
        .find(|(_, team, e)| {
            team.is_none() && matches!(e, crate::domain::subscription::HistoryEvent::Started { .. })
        })
        .map_or(sub.anchor, |(day, _, _)| *day);
    let local = |t: DateTime<Utc>| crate::domain::period::local_day(t, tz);
    Ok(SubscriptionsView {
        plan: sub.price.plan_name.clone(),
        status: sub.status,
        interval: sub.price.interval,
        seats: sub.seats,
        started,
        period_start: sub.period.start,
        period_last_day: sub.period.last_day(),
        renews: sub.auto_renew.then_some(sub.period.end),
        commitment_ends: sub.commitment_end.map(|d| d.pred_opt().unwrap_or(d)),
        trial: sub.trial.as_ref().map(|t| {
            (
                t.price.plan_name.clone(),
                t.ends.pred_opt().unwrap_or(t.ends),
            )
        }),
        scheduled: sub
            .scheduled
            .as_ref()
            .map(|s| (s.price.plan_name.clone(), s.seats, s.effective)),
        packs: grants
            .iter()
            .filter(|g| g.kind == GrantKind::Pack && g.remaining() > 0 && g.granted_at <= now)
            .map(|g| PackHeld {
                credits: g.amount,
                remaining: g.remaining(),
                bought: local(g.granted_at),
                last_day: local(g.expires_at - chrono::Duration::seconds(1)),
            })
            .collect(),
        history,
    })
}
