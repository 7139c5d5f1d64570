//! The billing overview: loads the organisation, its subscription and
//! contract, and lets the domain compute what the next invoice will be.

use crate::db::Db;
use crate::domain::catalog::legacy_discount;
use crate::domain::invoice::totals;
use crate::domain::money::Money;
use crate::domain::party::Acting;
use crate::domain::payment::PaymentMethodKind;
use crate::domain::period::local_day;
use crate::domain::renewal::{next_invoice, renews};
use crate::domain::roles::{Action, Change};
use crate::domain::subscription::Status;
use crate::error::AppError;
use crate::views::billing::{Banner, ContractView, Overview, PaymentMethodView, TeamPlan};
use chrono::{DateTime, Utc};

/// The billing page of the organisation (`team` none) or of one team with
/// a plan of its own (R-ACC-2): its plan, seats and invoices.
pub async fn overview(
    db: &Db,
    who: Acting,
    team: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Overview, AppError> {
    let mut conn = db.conn().await?;
    let pool = &mut *conn;
    let read = crate::db::billing::overview(&mut *pool, who.org_id, team, 5)
        .await?
        .ok_or(AppError::NotFound)?;
    let org = read.org;
    let tz = org.tz()?;
    let today = local_day(now, tz);
    let scope =
        crate::services::scope::Scoped::of(read.subscriptions, read.teams, team, read.free, today)?;
    // On the organisation's page: the teams with a plan of their own.
    let team_plans = match team {
        Some(_) => Vec::new(),
        None => scope
            .team_plans()
            .into_iter()
            .map(|(team_id, team, s)| TeamPlan {
                team_id,
                team: team.to_string(),
                plan: s.subscription.price.plan_name.clone(),
                seats: s.subscription.seats,
            })
            .collect(),
    };
    let stored = scope.stored;
    let sub = stored.subscription;
    let plan_of = |id: i64| {
        read.plans
            .get(&id)
            .cloned()
            .ok_or_else(|| AppError::internal("overview plan", id))
    };
    let plan = plan_of(sub.price.plan_id)?;
    // During a trial the organisation uses the plan it tries (R-SUB-8): the
    // card shows that plan's features and limits, and the plan it pays for.
    let tried = sub
        .trial
        .as_ref()
        .map(|t| plan_of(t.price.plan_id))
        .transpose()?;
    let seats_used = read.paid_members as u32;
    // A contract is the organisation's.
    let contract = match team {
        None => read.contract,
        Some(_) => None,
    };

    let terms = org.terms_with(sub.status);
    let treatment = org.vat_treatment()?;

    // What the next renewal invoice will be, from the same code the billing
    // clock runs. Contract-billed organisations follow their schedule.
    // The account balance is applied as the clock applies it.
    let account_balance = Money::new(read.balance.max(0), sub.price.currency);
    let (next_billing_date, next_amount, next_amount_due) = if contract.is_some() {
        (None, None, None)
    } else {
        let pending = read.pending.get(&stored.id).cloned().unwrap_or_default();
        match next_invoice(&sub, pending) {
            Some((date, lines)) => {
                let t = totals(&lines, &treatment, sub.price.currency, account_balance);
                (Some(date), Some(t.total), Some(t.amount_due))
            }
            None => (None, None, None),
        }
    };
    // The last day of service when nothing renews.
    let ends = (!sub.auto_renew && !renews(&sub)).then_some(sub.period.last_day());

    let legacy = read
        .list_prices
        .iter()
        .find(|l| {
            l.plan_id == sub.price.plan_id
                && l.currency == sub.price.currency
                && l.interval == sub.price.interval
        })
        .and_then(|l| legacy_discount(&sub.price, l, sub.seats));

    let mut banners = Vec::new();
    if let Some(partner) = &terms.partner {
        banners.push(Banner::PartnerManaged {
            partner: partner.clone(),
            contact: org.partner_contact.clone(),
        });
    }
    if terms.manually_billed {
        banners.push(Banner::ContactSales);
    }
    if terms.plan_locked {
        banners.push(Banner::PlanLocked);
    }
    if sub.status == Status::PastDue {
        banners.push(Banner::PastDue(
            crate::services::payments::failed_payment(&mut *pool, org.id).await?,
        ));
    }
    if let Some(s) = &sub.scheduled {
        banners.push(Banner::Scheduled {
            plan: s.price.plan_name.clone(),
            seats: s.seats,
            date: s.effective,
        });
    }
    if let Some(t) = &sub.trial {
        banners.push(Banner::Trial {
            plan: t.price.plan_name.clone(),
            days_left: t.days_left(today),
            ends: t.ends,
        });
    }

    let contract = contract.as_ref().map(contract_view).transpose()?;

    // Under a contract the customer pays the contract, not the list price,
    // and may have any number of users up to the contracted tier (R-SUB-10).
    let (price, interval, seats_bought) = match &contract {
        Some(c) => (
            c.yearly,
            crate::domain::period::Interval::Annual,
            c.seat_tier,
        ),
        None => (sub.amount(), sub.price.interval, sub.seats),
    };

    // A team's page lists its subscription's documents (none before a plan).
    let documents =
        crate::services::documents::summaries_of(&read.documents, &read.credited_by, today)?;

    Ok(Overview {
        org_name: org.name,
        team: scope.team,
        team_plans,
        paid_plan: tried.is_some().then(|| plan.name.clone()),
        plan_name: tried.as_ref().map_or(plan.name.clone(), |p| p.name.clone()),
        features: tried
            .as_ref()
            .map_or(plan.features.clone(), |p| p.features.clone()),
        limits: tried
            .as_ref()
            .map_or(plan.limits.clone(), |p| p.limits.clone()),
        monthly_credits: plan.monthly_credits,
        price,
        interval,
        status: sub.status,
        seats_used,
        seats_bought,
        next_billing_date,
        next_amount,
        next_amount_due,
        account_balance,
        payment_method: PaymentMethodView {
            kind: PaymentMethodKind::parse(&org.payment_method)
                .map_err(|e| AppError::internal("payment method", e))?,
            card: org.card_brand.zip(org.card_last4),
        },
        commitment_end: sub.commitment_end,
        auto_renew: sub.auto_renew,
        legacy_discount: legacy,
        contract,
        banners,
        // A downgrade is the change the most standings still allow.
        can_change_plan: who
            .offered(None, &terms, Action::ChangePlan, Some(Change::Downgrade))
            .is_ok(),
        can_pay: who
            .offered(None, &terms, Action::EditBillingDetails, None)
            .is_ok(),
        service_ends: ends,
        documents,
        action_key: crate::services::guard::new_key(),
    })
}

/// A contract as the billing page and the console show it (R-SUB-10).
pub fn contract_view(c: &crate::domain::contract::Contract) -> Result<ContractView, AppError> {
    Ok(ContractView {
        years: c.years,
        total: c.total(),
        yearly: c.yearly_amount(),
        discount: c.discount_amount(),
        seat_tier: c.seat_tier,
        renewal_date: c.renewal_date(),
        instalments: c
            .instalments()
            .map_err(|e| AppError::internal("contract", e))?,
    })
}
