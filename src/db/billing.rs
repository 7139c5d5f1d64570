//! Pages' reads, each one statement ([`super::OneRead`]): the billing
//! overview's (R-UI-1: the organisation, its live subscriptions with their
//! prices and plans, teams, seats in use, the contract, what the next
//! invoice carries and the latest documents), the subscriptions, team,
//! credits and payment method pages'.
//! The rows are the ones the single reads use, mapped by the same
//! functions.

use super::catalog::{
    assemble, contract_of, ContractRow, PackRow, PlanRow, PriceRow, StoredSubscription,
    SubscriptionRow, CONTRACT_SELECT, PACK, PLAN_COLUMNS, PRICE_SELECT, SUBSCRIPTION_COLUMNS,
};
use super::credits::{
    grant, ts, DayUsed, GrantRow, HistoryRow as CreditHistoryRow, PurchaseRow, GRANT_SELECT,
    HISTORY_SELECT as CREDIT_HISTORY, LAST_PACK_PURCHASE,
};
use super::documents::{
    corrected, document_select, Corrected, CorrectedRow, CreditedRow, DocumentRow, LineRow,
    BALANCE, CORRECTED_LINES, CREDIT_NOTES_OF, DUE,
};
use super::orgs::{
    MemberRow, NameRow, OrgRow, BILLING_OWNER, IN_SCOPE, MEMBERS_SELECT, ORG_SELECT, PAID_ROLES,
};
use super::payments::{failed_owed_select, FailedOwed, InstrumentRow, INSTRUMENT_SELECT};
use super::subscriptions::{
    history_entry, HistoryRow, StandingRow, HISTORY_SELECT, STANDING_SELECT,
};
use super::{Count, OneRead, Part, Parts, Val};
use crate::domain::catalog::{Plan, PriceVersion};
use crate::domain::contract::Contract;
use crate::domain::credits::Grant;
use crate::domain::invoice::LineItem;
use crate::domain::subscription::{HistoryEvent, OrgTerms};
use crate::error::AppError;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use sqlx::AnyConnection;
use std::collections::HashMap;
use std::sync::LazyLock;

/// What the overview of an organisation or one of its teams shows.
pub struct OverviewRead {
    pub org: OrgRow,
    /// The organisation's live subscriptions, its own first.
    pub subscriptions: Vec<StoredSubscription>,
    /// Every team, by name: (id, name).
    pub teams: Vec<(i64, String)>,
    /// The plans of the live subscriptions, their trials and Free.
    pub plans: HashMap<i64, Plan>,
    /// Paid members in the scope (R-ACC-4).
    pub paid_members: i64,
    pub contract: Option<Contract>,
    /// Lines owed for the running period, by subscription.
    pub pending: HashMap<i64, Vec<LineItem>>,
    /// Today's list prices of the live subscriptions' plans, currencies and
    /// intervals.
    pub list_prices: Vec<PriceVersion>,
    /// Free's current monthly price in the organisation's currency.
    pub free: Option<PriceVersion>,
    /// The scope's latest documents, newest first.
    pub documents: Vec<DocumentRow>,
    /// Credit notes correcting any of them: (corrected id, number).
    pub credited_by: Vec<(i64, String)>,
    /// The account balance, minor units of the organisation's currency.
    pub balance: i64,
}

#[derive(Deserialize)]
struct TeamRow {
    id: i64,
    name: String,
}

#[derive(Deserialize)]
struct PendingRow {
    subscription_id: i64,
    line: String,
}

#[derive(Deserialize)]
struct IdRow {
    id: i64,
}

/// The overview's read and where each part's rows are: put together once.
struct Query {
    read: OneRead,
    org: Part<OrgRow>,
    subscriptions: Part<SubscriptionRow>,
    prices: Part<PriceRow>,
    free: Part<IdRow>,
    list_prices: Part<PriceRow>,
    plans: Part<PlanRow>,
    teams: Part<TeamRow>,
    paid: Part<Count>,
    contract: Part<ContractRow>,
    pending: Part<PendingRow>,
    credited: Part<CreditedRow>,
    documents: Part<DocumentRow>,
    balance: Part<Count>,
}

/// The ids of the prices the subscriptions `s` that `which` selects are on,
/// will move to or try.
fn price_ids(which: &str) -> String {
    format!(
        "SELECT s.price_id FROM subscriptions s WHERE {which} \
         UNION SELECT s.scheduled_price_id FROM subscriptions s WHERE {which} \
         UNION SELECT s.trial_price_id FROM subscriptions s WHERE {which}"
    )
}

/// A part's price versions, by id.
fn prices_of(rows: &Parts, part: Part<PriceRow>) -> Result<HashMap<i64, PriceVersion>, AppError> {
    rows.rows(part)?
        .into_iter()
        .map(|r| PriceVersion::try_from(r).map(|p| (p.id, p)))
        .collect()
}

/// Free's current monthly price in the currency of organisation `$1`: the
/// plan a team without one of its own is on.
const FREE_IDS: &str =
    "SELECT p.id FROM prices p JOIN plans pl ON pl.id = p.plan_id WHERE pl.code = 'free' \
     AND p.billing_interval = 'monthly' AND p.is_current = 1 \
     AND p.currency = (SELECT currency FROM organisations WHERE id = $1)";

/// The live subscriptions `s` of organisation `$1`.
const LIVE: &str = "s.organisation_id = $1 AND s.status <> 'canceled'";

/// The lines owed for the running period by the live subscriptions of
/// organisation `$1`, in order.
fn pending_select() -> String {
    format!(
        "SELECT subscription_id, line FROM pending_lines WHERE billed_document_id IS NULL \
         AND subscription_id IN (SELECT s.id FROM subscriptions s WHERE {LIVE}) ORDER BY id"
    )
}

/// The pending lines a read holds, by subscription.
fn pending_of(rows: Vec<PendingRow>) -> Result<HashMap<i64, Vec<LineItem>>, AppError> {
    let mut owed: HashMap<i64, Vec<LineItem>> = HashMap::new();
    for r in rows {
        let line =
            serde_json::from_str(&r.line).map_err(|e| AppError::internal("pending line", e))?;
        owed.entry(r.subscription_id).or_default().push(line);
    }
    Ok(owed)
}

/// The live subscriptions of organisation `$1`, its own first.
fn live_select() -> String {
    format!(
        "SELECT {SUBSCRIPTION_COLUMNS} FROM subscriptions s WHERE {LIVE} ORDER BY COALESCE(team_id, 0), id"
    )
}

/// The teams of organisation `$1`, by name.
const TEAMS: &str = "SELECT id, name FROM teams WHERE organisation_id = $1 ORDER BY name, id";

/// A part's subscriptions of organisation `org_id` with their `prices`, as
/// the domain sees them.
fn subscriptions_of(
    rows: &Parts,
    part: Part<SubscriptionRow>,
    prices: &HashMap<i64, PriceVersion>,
    org_id: i64,
) -> Result<Vec<StoredSubscription>, AppError> {
    let rows = rows.rows(part)?.into_iter().map(|r| (org_id, r)).collect();
    Ok(assemble(rows, prices)?
        .into_iter()
        .map(|(_, s)| s)
        .collect())
}

/// A part's teams: (id, name).
fn teams_of(rows: &Parts, part: Part<TeamRow>) -> Result<Vec<(i64, String)>, AppError> {
    Ok(rows
        .rows(part)?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect())
}

/// Parameters: `$1` the organisation, `$2` the team (or NULL), `$3` how
/// many documents.
static QUERY: LazyLock<Query> = LazyLock::new(|| {
    let price_ids = price_ids(LIVE);
    let free_ids = FREE_IDS;
    // The scope's latest documents.
    let latest = format!(
        "WHERE d.organisation_id = $1 AND ($2 IS NULL OR d.subscription_id IN \
         (SELECT s.id FROM subscriptions s WHERE {LIVE} AND s.team_id = $2)) \
         ORDER BY d.issue_date DESC, d.id DESC LIMIT $3"
    );

    let mut read = OneRead::new();
    Query {
        org: read.part(format!("{ORG_SELECT} WHERE id = $1")),
        subscriptions: read.part(live_select()),
        prices: read.part(format!(
            "{PRICE_SELECT} WHERE p.id IN ({price_ids}) OR p.id IN ({free_ids})"
        )),
        free: read.part(free_ids),
        list_prices: read.part(format!(
            "{PRICE_SELECT} WHERE p.is_current = 1 AND EXISTS (SELECT 1 FROM subscriptions s \
             JOIN prices sp ON sp.id = s.price_id WHERE {LIVE} AND sp.plan_id = p.plan_id \
             AND sp.currency = p.currency AND sp.billing_interval = p.billing_interval)"
        )),
        plans: read.part(format!(
            "SELECT {PLAN_COLUMNS} FROM plans WHERE id IN \
             (SELECT p.plan_id FROM prices p WHERE p.id IN ({price_ids}) OR p.id IN ({free_ids}))"
        )),
        teams: read.part(TEAMS),
        paid: read.part(format!(
            "SELECT COUNT(*) AS n FROM memberships m WHERE {IN_SCOPE} AND m.role IN {PAID_ROLES}"
        )),
        contract: read.part(format!("{CONTRACT_SELECT} WHERE organisation_id = $1")),
        pending: read.part(pending_select()),
        // Only the documents' ids, not their amounts owed, a second time.
        credited: read.part(format!(
            "SELECT corrects_id, number FROM documents WHERE organisation_id = $1 \
             AND corrects_id IN (SELECT x.id FROM (SELECT d.id FROM documents d {latest}) AS x) ORDER BY id"
        )),
        documents: read.part(format!("{} {latest}", document_select())),
        balance: read.part(BALANCE),
        read,
    }
});

/// The overview of organisation `org_id` (`team` none) or of one of its
/// teams, with its `latest` documents; `None` when there is no such
/// organisation.
pub async fn overview(
    conn: &mut AnyConnection,
    org_id: i64,
    team: Option<i64>,
    latest: i64,
) -> Result<Option<OverviewRead>, AppError> {
    let q = &*QUERY;
    let rows = q
        .read
        .run(
            conn,
            vec![Val::from(org_id), Val::from(team), Val::from(latest)],
        )
        .await?;

    let Some(org) = rows.first(q.org)? else {
        return Ok(None);
    };
    let prices = prices_of(&rows, q.prices)?;
    let free = rows
        .rows(q.free)?
        .first()
        .and_then(|r| prices.get(&r.id).cloned());
    let subscriptions = subscriptions_of(&rows, q.subscriptions, &prices, org_id)?;
    Ok(Some(OverviewRead {
        org,
        subscriptions,
        teams: teams_of(&rows, q.teams)?,
        plans: rows
            .rows(q.plans)?
            .into_iter()
            .map(Plan::try_from)
            .map(|p| p.map(|p| (p.id, p)))
            .collect::<Result<_, AppError>>()?,
        paid_members: rows.first(q.paid)?.map_or(0, |c| c.n),
        contract: rows.first(q.contract)?.map(contract_of).transpose()?,
        pending: pending_of(rows.rows(q.pending)?)?,
        list_prices: rows
            .rows(q.list_prices)?
            .into_iter()
            .map(PriceVersion::try_from)
            .collect::<Result<_, _>>()?,
        free,
        documents: rows.rows(q.documents)?,
        balance: rows.first(q.balance)?.map_or(0, |c| c.n),
        credited_by: rows
            .rows(q.credited)?
            .into_iter()
            .map(|r| (r.corrects_id, r.number))
            .collect(),
    }))
}

/// What the subscriptions page shows: the organisation, its own live
/// subscription, the grants live at `now` and the latest history.
pub struct SubscriptionsRead {
    pub org: OrgRow,
    pub subscription: Option<StoredSubscription>,
    pub grants: Vec<Grant>,
    /// Newest first: the day, the team for a team's subscription, what
    /// happened.
    pub history: Vec<(NaiveDate, Option<String>, HistoryEvent)>,
}

/// The organisation `$1`'s own live subscription `s`.
const OWN: &str = "s.organisation_id = $1 AND s.status <> 'canceled' AND s.team_id IS NULL";

/// The grants `g` of organisation `$1` live at `$2`, soonest to expire
/// first.
const LIVE_GRANTS: &str =
    "g.organisation_id = $1 AND g.expires_at > $2 ORDER BY g.expires_at, g.id";

/// The organisation's own live subscription (`$1` the organisation) with
/// its prices, as parts of a read.
struct OwnSubscription {
    subscription: Part<SubscriptionRow>,
    prices: Part<PriceRow>,
}

impl OwnSubscription {
    fn add(read: &mut OneRead) -> OwnSubscription {
        OwnSubscription {
            subscription: read.part(format!(
                "SELECT {SUBSCRIPTION_COLUMNS} FROM subscriptions s WHERE {OWN} ORDER BY id"
            )),
            prices: read.part(format!("{PRICE_SELECT} WHERE p.id IN ({})", price_ids(OWN))),
        }
    }

    fn of(&self, rows: &Parts, org_id: i64) -> Result<Option<StoredSubscription>, AppError> {
        let prices = prices_of(rows, self.prices)?;
        Ok(subscriptions_of(rows, self.subscription, &prices, org_id)?
            .into_iter()
            .next())
    }
}

struct SubscriptionsQuery {
    read: OneRead,
    org: Part<OrgRow>,
    own: OwnSubscription,
    grants: Part<GrantRow>,
    history: Part<HistoryRow>,
}

/// Parameters: `$1` the organisation, `$2` now, `$3` how many history
/// entries.
static SUBSCRIPTIONS: LazyLock<SubscriptionsQuery> = LazyLock::new(|| {
    let mut read = OneRead::new();
    SubscriptionsQuery {
        org: read.part(format!("{ORG_SELECT} WHERE id = $1")),
        own: OwnSubscription::add(&mut read),
        grants: read.part(format!("{GRANT_SELECT} WHERE {LIVE_GRANTS}")),
        history: read.part(format!("{HISTORY_SELECT} LIMIT $3")),
        read,
    }
});

/// The subscriptions page of organisation `org_id` at `now`, with its
/// `history` latest entries, in one statement; `None` when there is no
/// such organisation.
pub async fn subscriptions(
    conn: &mut AnyConnection,
    org_id: i64,
    now: DateTime<Utc>,
    history: i64,
) -> Result<Option<SubscriptionsRead>, AppError> {
    let q = &*SUBSCRIPTIONS;
    let rows = q
        .read
        .run(
            conn,
            vec![Val::from(org_id), Val::from(ts(now)), Val::from(history)],
        )
        .await?;
    let Some(org) = rows.first(q.org)? else {
        return Ok(None);
    };
    Ok(Some(SubscriptionsRead {
        org,
        subscription: q.own.of(&rows, org_id)?,
        grants: rows
            .rows(q.grants)?
            .into_iter()
            .map(grant)
            .collect::<Result<_, _>>()?,
        history: rows
            .rows(q.history)?
            .into_iter()
            .map(history_entry)
            .collect::<Result<_, _>>()?,
    }))
}

/// What the team page shows: every membership, the contract and the
/// organisation's own live subscription (they say how many seats there
/// are).
pub struct TeamRead {
    pub members: Vec<MemberRow>,
    pub contract: Option<Contract>,
    pub subscription: Option<StoredSubscription>,
}

struct TeamQuery {
    read: OneRead,
    members: Part<MemberRow>,
    contract: Part<ContractRow>,
    own: OwnSubscription,
}

/// Parameters: `$1` the organisation.
static TEAM: LazyLock<TeamQuery> = LazyLock::new(|| {
    let mut read = OneRead::new();
    TeamQuery {
        members: read.part(MEMBERS_SELECT),
        contract: read.part(format!("{CONTRACT_SELECT} WHERE organisation_id = $1")),
        own: OwnSubscription::add(&mut read),
        read,
    }
});

/// The team page of organisation `org_id`, in one statement.
pub async fn team(conn: &mut AnyConnection, org_id: i64) -> Result<TeamRead, AppError> {
    let q = &*TEAM;
    let rows = q.read.run(conn, vec![Val::from(org_id)]).await?;
    Ok(TeamRead {
        members: rows.rows(q.members)?,
        contract: rows.first(q.contract)?.map(contract_of).transpose()?,
        subscription: q.own.of(&rows, org_id)?,
    })
}

/// What the credits page shows: the organisation, the plan of its own live
/// subscription, the grants live at `now`, a
/// page of the history, the credits used per day, the packs on sale in
/// the organisation's currency and the latest pack bought.
pub struct CreditsRead {
    pub org: OrgRow,
    /// None without a live subscription of the organisation's own.
    pub plan: Option<Plan>,
    pub grants: Vec<Grant>,
    pub history: Vec<CreditHistoryRow>,
    /// From the day asked for on, by day.
    pub daily_usage: Vec<DayUsed>,
    pub packs: Vec<PackRow>,
    /// The invoice number of the latest pack bought.
    pub last_purchase: Option<String>,
    pub terms: OrgTerms,
}

struct CreditsQuery {
    read: OneRead,
    org: Part<OrgRow>,
    standing: Part<StandingRow>,
    plan: Part<PlanRow>,
    grants: Part<GrantRow>,
    history: Part<CreditHistoryRow>,
    daily_usage: Part<DayUsed>,
    packs: Part<PackRow>,
    last_purchase: Part<PurchaseRow>,
}

/// Parameters: `$1` the organisation, `$2` now, `$3` and `$4` the history's
/// page (how many, how many to skip), `$5` the first day of usage.
static CREDITS: LazyLock<CreditsQuery> = LazyLock::new(|| {
    let mut read = OneRead::new();
    CreditsQuery {
        org: read.part(format!("{ORG_SELECT} WHERE id = $1")),
        standing: read.part(STANDING_SELECT),
        plan: read.part(format!(
            "SELECT {PLAN_COLUMNS} FROM plans WHERE id IN (SELECT p.plan_id FROM prices p \
             WHERE p.id IN (SELECT s.price_id FROM subscriptions s WHERE {OWN}))"
        )),
        grants: read.part(format!("{GRANT_SELECT} WHERE {LIVE_GRANTS}")),
        history: read.part(format!("{CREDIT_HISTORY} LIMIT $3 OFFSET $4")),
        daily_usage: read.part(
            "SELECT day, CAST(SUM(amount) AS BIGINT) AS used FROM credit_entries \
             WHERE organisation_id = $1 AND kind = 'consumption' AND day >= $5 GROUP BY day ORDER BY day",
        ),
        packs: read.part(format!(
            "{PACK} WHERE currency = (SELECT currency FROM organisations WHERE id = $1) \
             AND retired = 0 ORDER BY credits"
        )),
        last_purchase: read.part(LAST_PACK_PURCHASE),
        read,
    }
});

/// The credits page of organisation `org_id` at `now`: `history` lines
/// after the first `skip`, usage from `since` on; one statement. `None`
/// when there is no such organisation.
pub async fn credits(
    conn: &mut AnyConnection,
    org_id: i64,
    now: DateTime<Utc>,
    (history, skip): (i64, i64),
    since: NaiveDate,
) -> Result<Option<CreditsRead>, AppError> {
    let q = &*CREDITS;
    let rows = q
        .read
        .run(
            conn,
            vec![
                Val::from(org_id),
                Val::from(ts(now)),
                Val::from(history),
                Val::from(skip),
                Val::from(super::date(since)),
            ],
        )
        .await?;
    let Some(org) = rows.first(q.org)? else {
        return Ok(None);
    };
    Ok(Some(CreditsRead {
        org,
        plan: rows.first(q.plan)?.map(Plan::try_from).transpose()?,
        grants: rows
            .rows(q.grants)?
            .into_iter()
            .map(grant)
            .collect::<Result<_, _>>()?,
        history: rows.rows(q.history)?,
        daily_usage: rows.rows(q.daily_usage)?,
        packs: rows.rows(q.packs)?,
        last_purchase: rows.first(q.last_purchase)?.map(|p| p.number),
        terms: rows
            .first(q.standing)?
            .map(StandingRow::terms)
            .unwrap_or_default(),
    }))
}

/// What the payment method page shows: the organisation (its country), what
/// it pays with, its standing, its own live subscription (interval and
/// seats decide whether it may pay by invoice), the billing owner's name
/// and the invoices a declined charge left owing.
pub struct PaymentMethodRead {
    pub org: OrgRow,
    pub instrument: InstrumentRow,
    pub terms: OrgTerms,
    pub subscription: Option<StoredSubscription>,
    pub billing_owner: Option<String>,
    pub failed: Vec<FailedOwed>,
}

struct PaymentMethodQuery {
    read: OneRead,
    org: Part<OrgRow>,
    instrument: Part<InstrumentRow>,
    standing: Part<StandingRow>,
    own: OwnSubscription,
    owner: Part<NameRow>,
    failed: Part<FailedOwed>,
}

/// Parameters: `$1` the organisation.
static PAYMENT_METHOD: LazyLock<PaymentMethodQuery> = LazyLock::new(|| {
    let mut read = OneRead::new();
    PaymentMethodQuery {
        org: read.part(format!("{ORG_SELECT} WHERE id = $1")),
        instrument: read.part(INSTRUMENT_SELECT),
        standing: read.part(STANDING_SELECT),
        own: OwnSubscription::add(&mut read),
        owner: read.part(BILLING_OWNER),
        failed: read.part(failed_owed_select()),
        read,
    }
});

/// The payment method page of organisation `org_id`, in one statement;
/// `None` when there is no such organisation.
pub async fn payment_method(
    conn: &mut AnyConnection,
    org_id: i64,
) -> Result<Option<PaymentMethodRead>, AppError> {
    let q = &*PAYMENT_METHOD;
    let rows = q.read.run(conn, vec![Val::from(org_id)]).await?;
    let (Some(org), Some(instrument), Some(standing)) = (
        rows.first(q.org)?,
        rows.first(q.instrument)?,
        rows.first(q.standing)?,
    ) else {
        return Ok(None);
    };
    Ok(Some(PaymentMethodRead {
        org,
        instrument,
        terms: standing.terms(),
        subscription: q.own.of(&rows, org_id)?,
        billing_owner: rows.first(q.owner)?.map(|r| r.name),
        failed: rows.rows(q.failed)?,
    }))
}

/// What changing the plan, seats or interval of a scope reads (R-SUB-3…7,
/// R-UI-4): the organisation, its live subscriptions with their prices,
/// teams, today's catalog in its currency, the scope's members, the lines
/// waiting for the next invoices, the account balance, the invoice an
/// upgrade's credit note corrects, the trials used and the billing owner.
/// The plan page, the preview and the confirm all start from it.
pub struct ChangeRead {
    pub org: OrgRow,
    /// The organisation's live subscriptions, its own first.
    pub subscriptions: Vec<StoredSubscription>,
    /// Every team, by name: (id, name).
    pub teams: Vec<(i64, String)>,
    /// Today's list prices in the organisation's currency.
    pub list_prices: Vec<PriceVersion>,
    /// The id of every price version on sale today, in every currency.
    pub current_ids: Vec<i64>,
    /// Free's current monthly price in the organisation's currency.
    pub free: Option<PriceVersion>,
    /// Every plan, cheapest tier first.
    pub plans: Vec<Plan>,
    /// Active members of the scope with paid roles (R-ACC-4) and with free ones.
    pub paid_members: i64,
    pub free_members: i64,
    /// Lines owed for the running period, by subscription.
    pub pending: HashMap<i64, Vec<LineItem>>,
    /// The account credit balance in the organisation's currency, minor units.
    pub balance: i64,
    /// The scope's latest invoice, not void, with its lines.
    pub corrected: Option<Corrected>,
    /// The plans the organisation has had a trial of.
    pub tried: Vec<i64>,
    pub owner: Option<String>,
}

struct ChangeQuery {
    read: OneRead,
    org: Part<OrgRow>,
    subscriptions: Part<SubscriptionRow>,
    prices: Part<PriceRow>,
    current: Part<IdRow>,
    free: Part<IdRow>,
    plans: Part<PlanRow>,
    teams: Part<TeamRow>,
    paid: Part<Count>,
    unpaid: Part<Count>,
    pending: Part<PendingRow>,
    balance: Part<Count>,
    corrected: Part<CorrectedRow>,
    lines: Part<LineRow>,
    credited_lines: Part<LineRow>,
    tried: Part<IdRow>,
    owner: Part<NameRow>,
}

/// Parameters: `$1` the organisation, `$2` the team (or NULL).
static CHANGE: LazyLock<ChangeQuery> = LazyLock::new(|| {
    const CURRENCY: &str = "(SELECT currency FROM organisations WHERE id = $1)";
    // The scope's live subscription: the organisation's own or the team's
    // (the first, as `Scoped::of` takes it), and its latest invoice.
    let latest = format!(
        "SELECT d.id FROM documents d WHERE d.kind = 'invoice' AND d.status <> 'void' AND d.subscription_id = \
         (SELECT s.id FROM subscriptions s WHERE {LIVE} AND CASE WHEN $2 IS NULL THEN s.team_id IS NULL \
         ELSE s.team_id = $2 END ORDER BY s.id LIMIT 1) ORDER BY d.id DESC LIMIT 1"
    );
    let mut read = OneRead::new();
    ChangeQuery {
        org: read.part(format!("{ORG_SELECT} WHERE id = $1")),
        subscriptions: read.part(live_select()),
        prices: read.part(format!(
            "{PRICE_SELECT} WHERE p.id IN ({}) OR (p.is_current = 1 AND p.currency = {CURRENCY})",
            price_ids(LIVE)
        )),
        current: read.part("SELECT id FROM prices WHERE is_current = 1"),
        free: read.part(FREE_IDS),
        plans: read.part(format!("SELECT {PLAN_COLUMNS} FROM plans ORDER BY rank")),
        teams: read.part(TEAMS),
        paid: read.part(format!(
            "SELECT COUNT(*) AS n FROM memberships m WHERE {IN_SCOPE} AND m.role IN {PAID_ROLES}"
        )),
        unpaid: read.part(format!(
            "SELECT COUNT(*) AS n FROM memberships m WHERE {IN_SCOPE} AND m.role NOT IN {PAID_ROLES}"
        )),
        pending: read.part(pending_select()),
        balance: read.part(BALANCE),
        corrected: read.part(format!(
            "SELECT d.id, d.vat_note, {DUE} AS due, d.buyer FROM documents d WHERE d.id = ({latest})"
        )),
        lines: read.part(format!(
            "{CORRECTED_LINES} WHERE document_id = ({latest}) ORDER BY position"
        )),
        credited_lines: read.part(format!(
            "{CORRECTED_LINES} WHERE document_id IN ({CREDIT_NOTES_OF} ({latest})) ORDER BY document_id, position"
        )),
        tried: read.part("SELECT plan_id AS id FROM trials_used WHERE organisation_id = $1"),
        owner: read.part(BILLING_OWNER),
        read,
    }
});

/// What a change of organisation `org_id`'s subscription (`team` none) or
/// one of its teams' reads, in one statement; `None` when there is no
/// such organisation.
pub async fn change(
    conn: &mut AnyConnection,
    org_id: i64,
    team: Option<i64>,
) -> Result<Option<ChangeRead>, AppError> {
    let q = &*CHANGE;
    let rows = q
        .read
        .run(conn, vec![Val::from(org_id), Val::from(team)])
        .await?;
    let Some(org) = rows.first(q.org)? else {
        return Ok(None);
    };
    let currency = org.currency()?;
    let prices = prices_of(&rows, q.prices)?;
    let current: Vec<i64> = rows.rows(q.current)?.into_iter().map(|r| r.id).collect();
    let free = rows.first(q.free)?.and_then(|r| prices.get(&r.id).cloned());
    let subscriptions = subscriptions_of(&rows, q.subscriptions, &prices, org_id)?;
    let mut list_prices: Vec<PriceVersion> = prices
        .into_values()
        .filter(|p| p.currency == currency && current.contains(&p.id))
        .collect();
    list_prices.sort_by_key(|p| p.id);
    let corrected = match rows.first(q.corrected)? {
        Some(d) => Some(corrected(
            d,
            rows.rows(q.lines)?,
            rows.rows(q.credited_lines)?,
            currency,
        )?),
        None => None,
    };
    Ok(Some(ChangeRead {
        subscriptions,
        teams: teams_of(&rows, q.teams)?,
        list_prices,
        current_ids: current,
        free,
        plans: rows
            .rows(q.plans)?
            .into_iter()
            .map(Plan::try_from)
            .collect::<Result<_, _>>()?,
        paid_members: rows.first(q.paid)?.map_or(0, |c| c.n),
        free_members: rows.first(q.unpaid)?.map_or(0, |c| c.n),
        pending: pending_of(rows.rows(q.pending)?)?,
        balance: rows.first(q.balance)?.map_or(0, |c| c.n),
        corrected,
        tried: rows.rows(q.tried)?.into_iter().map(|r| r.id).collect(),
        owner: rows.first(q.owner)?.map(|r| r.name),
        org,
    }))
}
