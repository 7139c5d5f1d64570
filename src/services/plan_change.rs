//! Plan, seat and interval changes: load the subscription, let the domain
//! plan the change, and for a confirm write exactly that plan in one
//! transaction, once per idempotency key.

use crate::db::audit;
use crate::db::orgs::OrgRow;
use crate::db::{billing, documents, subscriptions, Db, Tx};
use crate::domain::catalog::{Plan, PriceVersion};
use crate::domain::change::{
    apply, credit_unused, plan_change, trim_pending, ChangePlan, ChangeRequest, Upgrade,
};
use crate::domain::invoice::{totals, LineItem, Series};
use crate::domain::locale::Locale;
use crate::domain::money::{Currency, Money};
use crate::domain::party::Acting;
use crate::domain::period::{local_day, Interval};
use crate::domain::renewal::next_invoice;
use crate::domain::roles::{change_permitted, Action, Change};
use crate::domain::subscription::OrgTerms;
use crate::domain::vat::VatTreatment;
use crate::error::AppError;
use crate::services::guard;
use crate::services::scope::Scoped;
use crate::views::plan::{ChangeKind, ChangeOutcome, ChangePreview, DocLine, PlanOffer, PlanPage};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::AnyConnection;

/// Everything a decision needs, read in one place.
struct Loaded {
    org: OrgRow,
    today: NaiveDate,
    /// The subscription changed: the organisation's or a team's.
    scope: Scoped,
    terms: OrgTerms,
    treatment: VatTreatment,
    currency: Currency,
    paid_members: u32,
    pending: Vec<LineItem>,
    balance: Money,
    /// The invoice an upgrade's credit note corrects.
    corrected: Option<documents::Corrected>,
    /// Today's list prices in the organisation's currency.
    list_prices: Vec<PriceVersion>,
    /// The id of every price version on sale today.
    current_ids: Vec<i64>,
    /// Every plan, cheapest tier first.
    plans: Vec<Plan>,
    /// Free's current monthly price in the organisation's currency.
    free: Option<PriceVersion>,
    /// What the plan page also shows.
    free_members: u32,
    tried: Vec<i64>,
    owner: Option<String>,
}

impl Loaded {
    fn locale(&self) -> Locale {
        self.org.document_locale()
    }

    fn buyer(&self) -> crate::domain::invoice::Buyer {
        self.org.buyer()
    }

    /// What the invoice an upgrade's credit note corrects still owes.
    /// The VAT treatment of the invoice an upgrade's credit note corrects.
    fn credited_treatment(&self) -> &VatTreatment {
        self.corrected
            .as_ref()
            .map_or(&self.treatment, |c| &c.treatment)
    }

    fn corrected_due(&self) -> Money {
        self.corrected
            .as_ref()
            .map_or(Money::zero(self.currency), |c| c.amount_due)
    }

    /// What the subscription saves against today's list price of its plan
    /// (a legacy price, R-CAT-3): given up when the plan or interval changes.
    fn legacy(&self) -> Option<Money> {
        let sub = &self.scope.stored.subscription;
        self.list_price(sub.price.plan_id, sub.price.interval)
            .and_then(|list| crate::domain::catalog::legacy_discount(&sub.price, list, sub.seats))
    }

    /// Today's list price of a plan in an interval, in the organisation's
    /// currency.
    fn list_price(&self, plan_id: i64, interval: Interval) -> Option<&PriceVersion> {
        self.list_prices
            .iter()
            .find(|p| p.plan_id == plan_id && p.interval == interval)
    }
}

/// Reads what a change needs in one statement ([`billing::change`]).
async fn load(
    conn: &mut AnyConnection,
    org_id: i64,
    team: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Loaded, AppError> {
    let mut read = billing::change(conn, org_id, team)
        .await?
        .ok_or(AppError::NotFound)?;
    let org = read.org;
    let tz = org.tz()?;
    let currency = org.currency()?;
    let today = local_day(now, tz);
    let scope = Scoped::of(
        read.subscriptions,
        read.teams,
        team,
        read.free.clone(),
        today,
    )?;
    let stored = &scope.stored;
    let pending = read.pending.remove(&stored.id).unwrap_or_default();
    Ok(Loaded {
        corrected: read.corrected,
        today,
        terms: org.terms_with(stored.subscription.status),
        treatment: org.vat_treatment()?,
        paid_members: read.paid_members as u32,
        free_members: read.free_members as u32,
        balance: Money::new(read.balance, currency),
        list_prices: read.list_prices,
        current_ids: read.current_ids,
        plans: read.plans,
        free: read.free,
        tried: read.tried,
        owner: read.owner,
        org,
        currency,
        pending,
        scope,
    })
}

fn decide(
    l: &Loaded,
    plan_id: i64,
    interval: Interval,
    seats: u32,
) -> Result<(PriceVersion, ChangePlan), AppError> {
    let target = l.list_price(plan_id, interval).cloned().ok_or_else(|| {
        AppError::invalid(
            "plan",
            "That plan is not offered with this currency and interval",
        )
    })?;
    // A paid plan on the organisation or on one team (R-ACC-2).
    l.scope.permits(target.is_free())?;
    // Another plan must take the organisation as it is (R-ACC-6: sales
    // only; Free's three users).
    if plan_id != l.scope.stored.subscription.price.plan_id {
        l.plans
            .iter()
            .find(|p| p.id == plan_id)
            .ok_or(AppError::NotFound)?
            .admits(l.paid_members)?;
    }
    // A team without a plan has nothing to change until one is bought.
    if l.scope.unstored() && target.is_free() {
        return Ok((target, ChangePlan::NoChange));
    }
    let req = ChangeRequest {
        price: target.clone(),
        seats,
    };
    let mut plan = plan_change(
        &l.scope.stored.subscription,
        &l.terms,
        &req,
        &l.current_ids,
        l.paid_members,
        l.today,
    )?;
    // The credit note credits what the corrected invoice charged, line by
    // line at its rates; with no invoice for these days, nothing was charged.
    if let ChangePlan::Upgrade(u) = &mut plan {
        u.credit_lines = l
            .corrected
            .as_ref()
            .map(|c| credit_unused(&c.lines, &c.credited, l.today))
            .unwrap_or_default();
    }
    Ok((target, plan))
}

/// The lines waiting for the next invoice once `plan` is carried out: an
/// upgrade cuts them at today (the new plan's invoice charges the rest).
fn pending_after(l: &Loaded, plan: &ChangePlan) -> Vec<LineItem> {
    match plan {
        ChangePlan::Upgrade(_) => trim_pending(&l.pending, l.today),
        _ => l.pending.clone(),
    }
}

fn doc_lines(lines: &[LineItem], locale: Locale) -> Vec<DocLine> {
    lines
        .iter()
        .map(|l| DocLine {
            description: l.describe(locale),
            amount: l.amount,
        })
        .collect()
}

/// Prices a planned change: what is credited and charged now, and the next
/// renewal invoice of the subscription as it will be afterwards.
fn price_plan(l: &Loaded, target: &PriceVersion, plan: &ChangePlan, key: String) -> ChangePreview {
    let sub = &l.scope.stored.subscription;
    let locale = l.locale();
    let zero = Money::zero(l.currency);
    let after = apply(sub, plan);
    let mut pending = pending_after(l, plan);
    let (kind, effective) = match plan {
        ChangePlan::Upgrade(_) => (ChangeKind::Upgrade, l.today),
        ChangePlan::AddSeats {
            next_invoice_lines, ..
        } => {
            pending.extend(next_invoice_lines.iter().cloned());
            (ChangeKind::AddSeats, l.today)
        }
        ChangePlan::Schedule(s) => (ChangeKind::Downgrade, s.effective),
        ChangePlan::CancelScheduled => (ChangeKind::CancelScheduled, l.today),
        ChangePlan::NoChange => (ChangeKind::NoChange, l.today),
    };
    let next = next_invoice(&after, pending);
    let mut preview = ChangePreview {
        kind,
        team: l.scope.stored.team_id,
        plan_id: target.plan_id,
        plan_name: target.plan_name.clone(),
        interval: target.interval,
        seats: match plan {
            ChangePlan::Upgrade(u) => u.seats,
            ChangePlan::AddSeats { seats, .. } => *seats,
            ChangePlan::Schedule(s) => s.seats,
            _ => sub.seats,
        },
        credit_lines: vec![],
        invoice_lines: vec![],
        credited_now: zero,
        charged_now: zero,
        paid_by_credit: zero,
        due_now: zero,
        balance_after: l.balance,
        effective,
        next_invoice_date: next.as_ref().map(|(date, _)| *date),
        next_invoice_amount: None,
        next_invoice_extra: match plan {
            ChangePlan::AddSeats {
                next_invoice_lines, ..
            } => doc_lines(next_invoice_lines, locale),
            _ => vec![],
        },
        warnings: Vec::new(),
        token: String::new(),
        idempotency_key: key,
    };
    if let ChangePlan::Upgrade(u) = plan {
        let s = u.settle(
            &l.treatment,
            l.credited_treatment(),
            l.balance,
            l.corrected_due(),
        );
        preview.credit_lines = doc_lines(&u.credit_lines, locale);
        preview.invoice_lines = doc_lines(&u.invoice_lines, locale);
        preview.credited_now = s.credit_note.as_ref().map_or(zero, |t| t.total);
        preview.charged_now = s.invoice.total;
        preview.paid_by_credit = s.invoice.credit_applied;
        preview.due_now = s.invoice.amount_due;
        preview.balance_after = s.balance_after;
    }
    // The next invoice uses the balance left, as the clock will issue it.
    preview.next_invoice_amount = next.map(|(_, lines)| {
        totals(
            &lines,
            &l.treatment,
            l.currency,
            preview.balance_after.max(zero),
        )
        .amount_due
    });
    // What the person should know before confirming: a legacy price is
    // given up by a new plan or interval; a scheduled change is dropped by
    // an upgrade or more seats.
    if let (Some(saving), ChangePlan::Upgrade(_) | ChangePlan::Schedule(_)) = (l.legacy(), plan) {
        preview.warnings.push(crate::msg!(
            "preview-legacy-lost",
            saving = saving.format(locale)
        ));
    }
    if let (Some(s), ChangePlan::Upgrade(_) | ChangePlan::AddSeats { .. }) = (&sub.scheduled, plan)
    {
        preview.warnings.push(crate::msg!(
            "preview-scheduled-dropped",
            plan = s.price.plan_name.as_str(),
            date = locale.date(s.effective)
        ));
    }
    preview.token = preview_token(&preview);
    preview
}

/// A digest of everything the preview shows: a confirm is carried out only
/// when the change priced again under the lock shows exactly the same, so
/// the confirmed result always equals the preview (R-SUB-11). Usage, or any
/// other write that does not change these figures, leaves it as it was.
fn preview_token(p: &ChangePreview) -> String {
    use sha2::{Digest, Sha256};
    let mut shown = p.clone();
    shown.token.clear();
    shown.idempotency_key.clear();
    let json = serde_json::to_string(&shown).unwrap_or_default();
    Sha256::digest(json.as_bytes())
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub async fn plan_page(
    db: &Db,
    who: Acting,
    team: Option<i64>,
    interval: Option<Interval>,
    seats: Option<u32>,
    now: DateTime<Utc>,
) -> Result<PlanPage, AppError> {
    let mut conn = db.conn().await?;
    let l = load(&mut conn, who.org_id, team, now).await?;
    let sub = &l.scope.stored.subscription;
    let interval = interval.unwrap_or(sub.price.interval);
    let seats = seats.unwrap_or(sub.seats.max(l.paid_members)).max(1);
    let mut offers = Vec::new();
    for plan in &l.plans {
        let plan_id = plan.id;
        let Some(price) = l.list_price(plan_id, interval) else {
            continue;
        };
        let current = plan_id == sub.price.plan_id && interval == sub.price.interval;
        let unavailable = if plan_id == sub.price.plan_id {
            None
        } else if let Err(r) = l.scope.permits(price.is_free()) {
            Some(r.text())
        } else {
            plan.admits(l.paid_members).err().map(|e| e.text())
        };
        offers.push(PlanOffer {
            plan_id,
            name: plan.name.clone(),
            features: plan.features.clone(),
            limits: plan.limits.clone(),
            monthly_credits: plan.monthly_credits,
            flat: price.flat,
            per_seat: price.per_seat,
            min_seats: price.min_seats,
            // The current plan at the price it is paid at (a legacy price
            // stays until the plan changes), others at today's list price.
            price: if current { &sub.price } else { price }.amount(if price.is_free() {
                0
            } else {
                seats.max(price.min_seats)
            }),
            current,
            trial_days: plan.trial_days,
            unavailable,
            // Trials are the organisation's (R-SUB-8).
            trial_available: team.is_none()
                && plan.trial_days.is_some()
                && plan.rank > sub.price.plan_rank
                && !l.tried.contains(&plan_id)
                && sub.trial.is_none(),
        });
    }
    let not_owner = if who.may(crate::domain::roles::Action::ChangePlan) {
        None
    } else {
        Some(l.owner.clone().unwrap_or_default())
    };
    let refusal = change_permitted(&l.terms, Change::Upgrade)
        .err()
        .map(|e| e.text());
    Ok(PlanPage {
        team,
        scopes: scope_choices(&l),
        interval,
        seats,
        current_plan_id: sub.price.plan_id,
        current_interval: sub.price.interval,
        current_seats: sub.seats,
        paid_members: l.paid_members,
        free_members: l.free_members,
        offers,
        not_owner,
        refusal,
        action_key: guard::new_key(),
    })
}

/// The organisation and each of its teams with the plan each is on, when
/// it has teams.
fn scope_choices(l: &Loaded) -> Vec<crate::views::plan::ScopeChoice> {
    use crate::views::plan::ScopeChoice;
    if l.scope.teams.is_empty() {
        return Vec::new();
    }
    let plan_of = |team: Option<i64>| {
        l.scope
            .live()
            .find(|s| s.team_id == team)
            .map(|s| s.subscription.price.plan_name.clone())
    };
    // A team without a subscription of its own is on Free.
    let free = l
        .free
        .as_ref()
        .map(|p| p.plan_name.clone())
        .unwrap_or_default();
    let mut out = vec![ScopeChoice {
        team: None,
        name: l.org.name.clone(),
        plan: plan_of(None).unwrap_or_default(),
    }];
    for (id, name) in &l.scope.teams {
        out.push(ScopeChoice {
            team: Some(*id),
            name: name.clone(),
            plan: plan_of(Some(*id)).unwrap_or_else(|| free.clone()),
        });
    }
    out
}

pub async fn preview(
    db: &Db,
    who: Acting,
    team: Option<i64>,
    plan_id: i64,
    interval: Interval,
    seats: u32,
    now: DateTime<Utc>,
) -> Result<ChangePreview, AppError> {
    let mut conn = db.conn().await?;
    let l = load(&mut conn, who.org_id, team, now).await?;
    let (target, plan) = decide(&l, plan_id, interval, seats)?;
    Ok(price_plan(&l, &target, &plan, guard::new_key()))
}

pub struct Confirm {
    /// The team whose subscription changes; none for the organisation's.
    pub team: Option<i64>,
    pub plan_id: i64,
    pub interval: Interval,
    pub seats: u32,
    /// The token of the preview the customer confirms.
    pub token: String,
    pub key: String,
}

pub async fn confirm(
    db: &Db,
    gateway: &crate::services::payments::Gateway,
    who: Acting,
    c: Confirm,
    now: DateTime<Utc>,
) -> Result<ChangeOutcome, AppError> {
    let mut g = match guard::begin(db, who.org_id, Action::ChangePlan, &c.key, "plan.change")
        .await?
    {
        guard::Begin::Fresh(g) => g,
        // A repeat while the first was still charging gets the charge too.
        guard::Begin::Repeat(mut outcome @ ChangeOutcome { payment: None, .. }) => {
            if let Some(invoice) = &outcome.invoice {
                outcome.payment =
                    crate::services::payments::charge_of(db, gateway, &who.by, who.org_id, invoice)
                        .await?;
            }
            return Ok(outcome);
        }
        guard::Begin::Repeat(outcome) => return Ok(outcome),
    };
    let tx = &mut g.tx;
    let mut l = load(tx, who.org_id, c.team, now).await?;
    let (target, plan) = decide(&l, c.plan_id, c.interval, c.seats)?;
    let preview = price_plan(&l, &target, &plan, c.key.clone());
    if preview.token != c.token {
        return Err(AppError::Conflict(
            "Your subscription changed since this preview; review the change again".into(),
        ));
    }
    let before = l.scope.stored.subscription.clone();
    let after = apply(&before, &plan);
    let mut outcome = ChangeOutcome {
        preview,
        credit_note: None,
        invoice: None,
        payment: None,
    };
    let mut intent = None;
    // A team's first plan: its subscription is stored now, as it will be,
    // and its history starts with the plan bought.
    let first_plan = l.scope.unstored() && plan != ChangePlan::NoChange;
    if first_plan {
        l.scope.stored.id =
            subscriptions::insert(tx, who.org_id, c.team, &after, l.today, now).await?;
    }
    if let ChangePlan::Upgrade(u) = &plan {
        let (credit_note, (invoice_id, invoice)) = issue_upgrade(tx, &l, &who, u).await?;
        outcome.credit_note = credit_note;
        outcome.invoice = Some(invoice);
        // Charged at once when the organisation pays by card or PayPal
        // (R-PAY-2): recorded here, carried out once the lock is let go.
        intent = crate::services::payments::intend_on_issue(tx, &who, invoice_id, l.today).await?;
        if l.pending.iter().any(|p| p.covers.is_some()) {
            subscriptions::replace_pending_lines(tx, l.scope.stored.id, &pending_after(&l, &plan))
                .await?;
        }
    }
    if let ChangePlan::AddSeats {
        next_invoice_lines, ..
    } = &plan
    {
        subscriptions::add_pending_lines(tx, l.scope.stored.id, next_invoice_lines).await?;
    }
    if !first_plan {
        subscriptions::save(tx, l.scope.stored.id, &before, &after, l.today).await?;
    }
    let action = match outcome.preview.kind {
        ChangeKind::Upgrade => "plan.upgrade",
        ChangeKind::Downgrade => "plan.schedule_change",
        ChangeKind::AddSeats => "plan.add_seats",
        ChangeKind::CancelScheduled => "plan.cancel_scheduled_change",
        ChangeKind::NoChange => "plan.no_change",
    };
    audit::record(tx, &who, action, &before, &after).await?;
    let mut outcome = g.finish(outcome).await?;
    if let Some(intent) = intent {
        outcome.payment =
            crate::services::payments::charge_issued(db, gateway, &who.by, intent).await;
        guard::amend(db, who.org_id, &c.key, "plan.change", &outcome).await?;
    }
    Ok(outcome)
}

/// Issues the credit note for the unused old plan and the invoice for the
/// new one, the credit note's total applied in full, any rest to the
/// account balance (R-SUB-3). Returns the credit note's number and the
/// invoice's id and number.
async fn issue_upgrade(
    tx: &mut Tx,
    l: &Loaded,
    who: &Acting,
    u: &Upgrade,
) -> Result<(Option<String>, (i64, String)), AppError> {
    let org_id = who.org_id;
    let s = u.settle(
        &l.treatment,
        l.credited_treatment(),
        l.balance,
        l.corrected_due(),
    );
    let buyer = l.buyer();
    let document =
        |series, lines, totals, corrects_id, vat_note, vat_rate, buyer| documents::NewDocument {
            org_id,
            series,
            subscription_id: Some(l.scope.stored.id),
            corrects_id,
            issue_date: l.today,
            currency: l.currency,
            lines,
            totals,
            vat_note,
            vat_rate,
            buyer,
            locale: l.locale(),
        };
    let mut credit_note = None;
    if let Some(cn) = &s.credit_note {
        // The credit note is addressed to the corrected invoice's buyer,
        // with its VAT treatment and note, whatever the details are now.
        let corrected = l.corrected.as_ref();
        let (id, number) = documents::issue(
            tx,
            document(
                Series::CreditNote,
                &u.credit_lines,
                cn,
                corrected.map(|c| c.id),
                corrected.and_then(|c| c.vat_note.as_deref()),
                l.credited_treatment().rate(),
                corrected.map_or(&buyer, |c| &c.buyer),
            ),
        )
        .await?;
        // It settles what the corrected invoice still owes; the rest is balance.
        crate::services::payments::credit(tx, who, corrected.map(|c| c.id), id, &number, cn.total)
            .await?;
        credit_note = Some(number);
    }
    let (id, number) = documents::issue(
        tx,
        document(
            Series::Invoice,
            &u.invoice_lines,
            &s.invoice,
            None,
            l.treatment.legal_note(),
            l.treatment.rate(),
            &buyer,
        ),
    )
    .await?;
    documents::add_balance(
        tx,
        org_id,
        -s.invoice.credit_applied,
        &format!("applied to invoice {number}"),
        Some(id),
    )
    .await?;
    Ok((credit_note, (id, number)))
}
