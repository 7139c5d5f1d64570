//! Settling invoices (R-PAY-1…3): money received and credit notes are
//! allocated to the invoice they are for, up to what it still owes; the
//! rest becomes account balance, which later invoices use. Every caller
//! holds the organisation's lock (`guard` or the clock's chunk), so two
//! settlements of one invoice never both see it unpaid.
//!
//! Charging (R-PAY-2): an invoice of a card or PayPal organisation is
//! charged when it is issued, for what it still owes. Each charge is an
//! attempt numbered per invoice, first recorded as an intent under the
//! organisation's lock and committed; the provider is called after, outside
//! any transaction, with a key fixed for the attempt (the organisation, the
//! invoice number, the attempt's number), and the outcome recorded after
//! that. An unknown outcome (a timeout) is no decline: the intent stays
//! open and is asked again with the same key before any new attempt, so a
//! retry, a crash or a second server gets the provider's first answer
//! instead of a second charge. A
//! decline marks the organisation past due and e-mails the billing owner;
//! the clock retries on its schedule (`domain::payment::dunning`) and in the
//! end cancels to Free at the period end; any payment that leaves no failed
//! charge owed clears past due.

use crate::db::audit;
use crate::db::payments::{self, Chargeable, InstrumentRow, NewAttempt, NewPayment, Source};
use crate::db::{catalog, documents, orgs, subscriptions, Db, Tx};
use crate::domain::card::CardForm;
use crate::domain::money::{Currency, Money};
use crate::domain::party::{Acting, Party};
use crate::domain::payment::{
    dunning, invoice_payment_allowed, split, Charged, Decline, Dunning, PaymentMethodKind,
};
use crate::domain::period::{local_day, Interval};
use crate::domain::renewal::cancel_unpaid;
use crate::domain::roles::Action;
use crate::error::AppError;
use crate::i18n::TextArg;
use crate::services::guard;
use crate::services::provider::{ChargeError, PaymentProvider};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use std::sync::Arc;

/// The payment provider and the retry schedule: what charging needs.
#[derive(Clone)]
pub struct Gateway {
    pub provider: Arc<dyn PaymentProvider>,
    /// Days after the first failed charge on which the clock tries again.
    pub retry_days: Vec<u32>,
    /// Days after its due date an unpaid invoice makes the organisation
    /// past due, whatever it pays with.
    pub overdue_days: u32,
}

impl Gateway {
    /// The built-in test provider on the default schedule (days 1, 3, 5, 7):
    /// the demo data's and the tests'.
    pub fn test() -> Gateway {
        Gateway {
            provider: Arc::new(crate::services::provider::TestProvider::default()),
            retry_days: crate::config::DEFAULT_RETRY_DAYS.to_vec(),
            overdue_days: crate::config::DEFAULT_OVERDUE_DAYS,
        }
    }

    /// The provider the configuration names, and its retry schedule. A
    /// real provider (Stripe) is one more arm here and one more
    /// `PaymentProvider`; services do not change.
    pub fn from_config(config: &crate::config::Config) -> Result<Gateway, String> {
        let provider: Arc<dyn PaymentProvider> = match config.payment_provider.as_str() {
            "test" => Arc::new(crate::services::provider::TestProvider::default()),
            other => {
                return Err(format!(
                    "PAYMENT_PROVIDER={other}: the built-in provider is `test`"
                ))
            }
        };
        Ok(Gateway {
            provider,
            retry_days: config.retry_days.clone(),
            overdue_days: config.overdue_days,
        })
    }
}

/// Why a charge was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Occasion {
    /// The invoice was just issued.
    Issue,
    /// The clock's retry schedule.
    Retry,
    /// The customer pressed *Retry now*.
    Customer,
}

impl Occasion {
    fn code(self) -> &'static str {
        match self {
            Occasion::Issue => "issue",
            Occasion::Retry => "retry",
            Occasion::Customer => "customer",
        }
    }
}

/// What a payment or credit note did: allocated to the invoice, and the
/// rest put on the account balance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settled {
    pub allocated: Money,
    pub to_balance: Money,
}

/// Records money received for an invoice of the organisation (or for none:
/// all of it is balance) and settles it; returns the payment's id too.
pub async fn receive(
    conn: &mut AnyConnection,
    by: &Party,
    payment: &NewPayment<'_>,
    invoice_id: Option<i64>,
) -> Result<(i64, Settled), AppError> {
    let id = payments::insert_payment(conn, payment).await?;
    let settled = settle(
        conn,
        &Acting::by(payment.org_id, *by),
        invoice_id,
        Source::Payment(id),
        payment.amount,
    )
    .await?;
    if settled.to_balance.is_positive() {
        documents::add_balance(
            conn,
            payment.org_id,
            settled.to_balance,
            &format!("payment {} beyond what was due", payment.reference),
            None,
        )
        .await?;
    }
    Ok((id, settled))
}

/// Settles the invoice a credit note corrects with the credit note's total
/// (R-INV-2): first what that invoice still owes, the rest onto the account
/// balance.
pub async fn credit(
    conn: &mut AnyConnection,
    who: &Acting,
    corrected_id: Option<i64>,
    credit_note_id: i64,
    credit_note_number: &str,
    total: Money,
) -> Result<Settled, AppError> {
    let org_id = who.org_id;
    let settled = settle(
        conn,
        who,
        corrected_id,
        Source::CreditNote(credit_note_id),
        total,
    )
    .await?;
    documents::add_balance(
        conn,
        org_id,
        settled.to_balance,
        &format!("credit note {credit_note_number}"),
        Some(credit_note_id),
    )
    .await?;
    Ok(settled)
}

async fn settle(
    conn: &mut AnyConnection,
    who: &Acting,
    invoice_id: Option<i64>,
    source: Source,
    amount: Money,
) -> Result<Settled, AppError> {
    let org_id = who.org_id;
    let due = match invoice_id {
        Some(id) => payments::amount_due(conn, org_id, id)
            .await?
            .ok_or(AppError::NotFound)?,
        None => 0,
    };
    let (allocated, to_balance) = split(amount, Money::new(due, amount.currency()));
    if let (Some(id), true) = (invoice_id, allocated.is_positive()) {
        payments::allocate(conn, org_id, id, source, allocated).await?;
        clear_past_due(conn, who).await?;
    }
    Ok(Settled {
        allocated,
        to_balance,
    })
}

/// How long the provider may take to answer a charge: past it, the
/// outcome is unknown and the charge is asked again later with its key.
const CHARGE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// The first step of charging invoice `c`: under the caller's lock on its
/// organisation, the charge is recorded (`charge_intents`) with a key fixed
/// for this attempt: the organisation, the invoice and the attempt's
/// number. A charge of the invoice still open (an unknown outcome) is
/// returned instead: it is asked again with its own key before any new
/// attempt, so an invoice is never charged twice.
async fn intend(
    conn: &mut AnyConnection,
    c: &Chargeable,
    instrument: &InstrumentRow,
    occasion: Occasion,
    today: NaiveDate,
) -> Result<payments::Intent, AppError> {
    if let Some(open) = payments::open_intent(conn, c.invoice_id).await? {
        return Ok(open);
    }
    let token = instrument
        .payment_token
        .as_deref()
        .ok_or_else(|| AppError::internal("charge", "no saved card or PayPal agreement"))?;
    let attempt = c.attempts + 1;
    let key = format!("org{}-{}-attempt{attempt}", c.organisation_id, c.number);
    let method = match instrument.kind()? {
        PaymentMethodKind::PayPal => payments::Method::PayPal,
        _ => payments::Method::Card,
    };
    Ok(payments::insert_intent(
        conn,
        c,
        attempt,
        &key,
        occasion.code(),
        &instrument.shown(),
        method,
        token,
        today,
    )
    .await?)
}

/// The rest of a charge, after its intent is committed: the provider is
/// called outside any transaction (no lock is held while it answers), then
/// the outcome is recorded under the organisation's lock. An unknown
/// outcome records nothing and is `None`: not a decline; the intent stays
/// open and is asked again with the same key. A failed recording leaves
/// it open too, to the same end.
pub async fn carry_out(
    db: &Db,
    gateway: &Gateway,
    by: &Party,
    intent: payments::Intent,
) -> Result<Option<Charged>, AppError> {
    let currency =
        Currency::parse(&intent.currency).map_err(|e| AppError::internal("invoice currency", e))?;
    let amount = Money::new(intent.amount_minor, currency);
    let asked = tokio::time::timeout(
        CHARGE_TIMEOUT,
        gateway
            .provider
            .charge(&intent.token, amount, &intent.idempotency_key),
    )
    .await;
    let answer = match asked {
        Ok(Ok(charge_id)) => Ok(charge_id),
        Ok(Err(ChargeError::Declined(decline))) => Err(decline),
        Ok(Err(ChargeError::Unknown(why))) => {
            tracing::warn!(org_id = intent.organisation_id, invoice = ?intent.number, why = ?why, "charge outcome unknown; asked again later with its key");
            return Ok(None);
        }
        Err(_) => {
            tracing::warn!(org_id = intent.organisation_id, invoice = ?intent.number, "charge timed out; asked again later with its key");
            return Ok(None);
        }
    };
    let mut tx = db.write().await?;
    subscriptions::lock_org(&mut tx, intent.organisation_id).await?;
    let charged = record(&mut tx, by, &intent, amount, answer).await?;
    tx.commit().await?;
    Ok(charged)
}

/// Records a charge's outcome as the invoice's attempt: a payment that
/// settles it, or a decline that makes the organisation past due and
/// e-mails the billing owner; once, whoever asked the provider (another
/// server, a repeat of the request, the clock asking again): `None` for
/// all but the one that recorded it.
async fn record(
    conn: &mut AnyConnection,
    by: &Party,
    intent: &payments::Intent,
    amount: Money,
    answer: Result<String, Decline>,
) -> Result<Option<Charged>, AppError> {
    if !payments::resolve_intent(conn, intent.id).await? {
        // Recorded by another (a repeat of the request, the clock), whose
        // answer it is: the provider answered both the same.
        return Ok(None);
    }
    let today = crate::db::parse_date(&intent.attempted_on)?;
    let method = match intent.method.as_str() {
        "paypal" => payments::Method::PayPal,
        _ => payments::Method::Card,
    };
    let mut record = NewAttempt {
        org_id: intent.organisation_id,
        invoice_id: intent.invoice_id,
        attempt: intent.attempt,
        idempotency_key: &intent.idempotency_key,
        occasion: &intent.occasion,
        instrument: &intent.instrument,
        amount,
        attempted_on: today,
        decline: None,
        payment_id: None,
    };
    match answer {
        Ok(charge_id) => {
            let (payment_id, _) = receive(
                conn,
                by,
                &NewPayment {
                    org_id: intent.organisation_id,
                    method,
                    amount,
                    received_on: today,
                    reference: &charge_id,
                    instrument: Some(&intent.instrument),
                },
                Some(intent.invoice_id),
            )
            .await?;
            record.payment_id = Some(payment_id);
            payments::insert_attempt(conn, &record).await?;
            tracing::info!(org_id = intent.organisation_id, invoice = ?intent.number, attempt = intent.attempt, "charge paid");
            Ok(Some(Charged::Paid {
                invoice: intent.number.clone(),
                amount,
            }))
        }
        Err(decline) => {
            record.decline = Some(decline.code());
            payments::insert_attempt(conn, &record).await?;
            let org_id = intent.organisation_id;
            if let Some(before) = payments::set_past_due(conn, org_id, true).await? {
                audit::record(
                    conn,
                    &Acting::by(org_id, *by),
                    "subscription.past_due",
                    &serde_json::json!({ "status": before }),
                    &serde_json::json!({ "status": "past_due", "invoice": intent.number, "decline": decline.code() }),
                )
                .await?;
            }
            documents::enqueue_for_owner(conn, "payment_failed", &[(intent.invoice_id, org_id)])
                .await?;
            tracing::info!(org_id, invoice = ?intent.number, attempt = intent.attempt, decline = decline.code(), "charge declined");
            Ok(Some(Charged::Declined {
                invoice: intent.number.clone(),
                amount,
                decline,
            }))
        }
    }
}

/// Carries out every charge left open (an unknown outcome, a crash, a
/// recording that failed): each asked again with its own key, so the
/// provider answers what it did and nothing is charged twice. One that
/// fails again is logged and left open; the others go on.
pub async fn resolve_open(db: &Db, gateway: &Gateway) -> Result<Collected, AppError> {
    let open = payments::open_intents(&mut *db.conn().await?).await?;
    let mut done = Collected::default();
    for intent in open {
        let org_id = intent.organisation_id;
        match carry_out(db, gateway, &Party::Clock, intent).await {
            Ok(Some(outcome)) => count(&mut done, &outcome),
            Ok(None) => {}
            Err(e) => {
                tracing::error!(org_id, error = ?e, "an open charge could not be recorded; asked again next run")
            }
        }
    }
    Ok(done)
}

/// What became of the charge of an invoice a write issued, for a repeat of
/// that write that came while the first was still charging: the charge
/// still open is carried out (asked with its own key, so the provider
/// answers what it did), else the recorded attempt says; `None` when the
/// invoice was not charged.
pub async fn charge_of(
    db: &Db,
    gateway: &Gateway,
    by: &Party,
    org_id: i64,
    number: &str,
) -> Result<Option<Charged>, AppError> {
    let open = payments::open_intent_of(&mut *db.conn().await?, org_id, number).await?;
    if let Some(intent) = open {
        if let Some(charged) = carry_out(db, gateway, by, intent).await? {
            return Ok(Some(charged));
        }
        // Recorded meanwhile by the request that made it (committed: the
        // recording held the organisation's lock), or still unknown.
    }
    let last = payments::last_attempt_of(&mut *db.conn().await?, org_id, number).await?;
    let Some(last) = last else {
        return Ok(None);
    };
    let currency =
        Currency::parse(&last.currency).map_err(|e| AppError::internal("invoice currency", e))?;
    let amount = Money::new(last.amount_minor, currency);
    Ok(Some(match last.decline_code.as_deref() {
        None => Charged::Paid {
            invoice: number.to_string(),
            amount,
        },
        Some(code) => Charged::Declined {
            invoice: number.to_string(),
            amount,
            decline: Decline::parse(code).unwrap_or(Decline::Generic),
        },
    }))
}

/// Carries out the charges a write just committed, for its answer: the
/// write is done whatever the provider says, so a charge that cannot be
/// recorded now is logged and left open for the clock (its answer then
/// says nothing of a payment).
pub async fn carry_out_after(
    db: &Db,
    gateway: &Gateway,
    by: &Party,
    intents: Vec<payments::Intent>,
) -> Vec<Charged> {
    let mut outcomes = Vec::new();
    for intent in intents {
        let org_id = intent.organisation_id;
        match carry_out(db, gateway, by, intent).await {
            Ok(Some(outcome)) => outcomes.push(outcome),
            Ok(None) => {}
            Err(e) => {
                tracing::error!(org_id, error = ?e, "a charge could not be recorded; the clock asks again")
            }
        }
    }
    outcomes
}

/// Clears past due once nothing is owed whose charge failed (R-PAY-2).
/// Most settlements are of organisations in good standing: for them the
/// standing is the one read.
async fn clear_past_due(conn: &mut AnyConnection, who: &Acting) -> Result<(), AppError> {
    let org_id = who.org_id;
    let past_due = subscriptions::standing(conn, org_id)
        .await?
        .is_some_and(|t| t.past_due);
    if past_due
        && payments::failed_owed(conn, org_id).await?.is_empty()
        && payments::set_past_due(conn, org_id, false).await?.is_some()
    {
        audit::record(
            conn,
            who,
            "subscription.paid",
            &serde_json::json!({ "status": "past_due" }),
            &serde_json::json!({ "status": "active" }),
        )
        .await?;
    }
    Ok(())
}

/// The organisation's saved card or PayPal agreement, when it pays that way.
async fn chargeable_instrument(
    conn: &mut AnyConnection,
    org_id: i64,
) -> Result<Option<InstrumentRow>, AppError> {
    Ok(payments::instrument(conn, org_id).await?.filter(|i| {
        i.payment_token.is_some() && i.kind().is_ok_and(PaymentMethodKind::charged_automatically)
    }))
}

/// The charge of an invoice just issued, when the organisation pays by
/// card or PayPal (R-PAY-2): recorded in the issuing transaction, carried
/// out (`carry_out_after`) once it has committed. `None` when the
/// organisation pays otherwise or nothing is owed.
pub async fn intend_on_issue(
    conn: &mut AnyConnection,
    who: &Acting,
    invoice_id: i64,
    today: NaiveDate,
) -> Result<Option<payments::Intent>, AppError> {
    let Some(instrument) = chargeable_instrument(conn, who.org_id).await? else {
        return Ok(None);
    };
    let owed = payments::chargeable_of(conn, &[who.org_id], None).await?;
    match owed
        .iter()
        .find(|c| c.invoice_id == invoice_id && c.attempts == 0)
    {
        Some(c) => Ok(Some(
            intend(conn, c, &instrument, Occasion::Issue, today).await?,
        )),
        None => Ok(None),
    }
}

/// What the clock's payment pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Collected {
    pub paid: usize,
    pub declined: usize,
    /// Subscriptions cancelled to Free at their period end after the last
    /// retry failed (or, for an organisation not paying by card or PayPal,
    /// the same number of days after its invoice was marked overdue).
    pub cancelled: usize,
    /// Invoices marked overdue: unpaid `overdue_days` after their due date.
    pub overdue: usize,
}

impl std::ops::AddAssign for Collected {
    fn add_assign(&mut self, o: Collected) {
        self.paid += o.paid;
        self.declined += o.declined;
        self.cancelled += o.cancelled;
        self.overdue += o.overdue;
    }
}

/// How far back the clock looks for invoices to charge: far beyond the
/// retry schedule, so only invoices of the last two months are read each run.
const COLLECT_WINDOW_DAYS: u64 = 60;

/// The clock's payment pass (R-PAY-2): charges invoices issued to card and
/// PayPal organisations that were never charged (renewals), retries failed
/// ones on the schedule, and cancels to Free after the last failure. Each
/// organisation under its lock, a chunk per transaction; a second run on
/// the same day finds nothing to do.
pub async fn collect(
    db: &Db,
    gateway: &Gateway,
    now: DateTime<Utc>,
) -> Result<(Collected, usize), AppError> {
    let since = now.date_naive() - chrono::Days::new(COLLECT_WINDOW_DAYS);
    let org_ids = payments::orgs_owing_by_card_since(&mut *db.conn().await?, since).await?;
    let pass = |charge: bool| {
        crate::services::tasks::by_chunks(db, &org_ids, "collect", move |tx, held| {
            let retry_days = gateway.retry_days.clone();
            Box::pin(async move { collect_chunk(tx, &retry_days, held, since, now, charge).await })
        })
    };
    // What to charge is decided and recorded under the locks; the
    // provider is called after they are let go, charges left open before
    // included; then the declines of the schedule's last day cancel.
    let (mut done, mut failed) = pass(true).await;
    done += resolve_open(db, gateway).await?;
    let (cancelled, failed_again) = pass(false).await;
    done += cancelled;
    failed += failed_again;
    Ok((done, failed))
}

/// Decides the chunk's charges on the dunning schedule: records a charge
/// (an intent, when `charge`) for every invoice never charged or due a
/// retry today, and cancels to Free after the last failed retry.
async fn collect_chunk(
    tx: &mut Tx,
    retry_days: &[u32],
    held: &[i64],
    since: NaiveDate,
    now: DateTime<Utc>,
    charge: bool,
) -> Result<Collected, AppError> {
    let mut done = Collected::default();
    let owed = payments::chargeable_of(tx, held, Some(since)).await?;
    for org_owed in owed.chunk_by(|a, b| a.organisation_id == b.organisation_id) {
        let org_id = org_owed[0].organisation_id;
        let Some(instrument) = chargeable_instrument(tx, org_id).await? else {
            continue;
        };
        let org = orgs::org(tx, org_id).await?.ok_or(AppError::NotFound)?;
        let today = local_day(now, org.tz()?);
        let shown = instrument.shown();
        for c in org_owed {
            let (Some(first_failed), Some(last_attempted)) = (&c.first_failed, &c.last_attempted)
            else {
                if c.attempts == 0 && charge {
                    intend(tx, c, &instrument, Occasion::Issue, today).await?;
                }
                continue;
            };
            let first_failed = crate::db::parse_date(first_failed)?;
            let last_attempted = crate::db::parse_date(last_attempted)?;
            // A hard decline of another card than the one saved now does
            // not hold back the new one.
            let mut last = c
                .last_decline
                .as_deref()
                .and_then(Decline::parse)
                .unwrap_or(Decline::Generic);
            if c.last_instrument.as_deref() != Some(shown.as_str()) {
                last = Decline::Generic;
            }
            match dunning(retry_days, first_failed, last_attempted, last, today) {
                Dunning::Wait => {}
                Dunning::Cancel => {
                    if cancel_for_nonpayment(tx, org_id, &c.number, today).await? {
                        done.cancelled += 1;
                    }
                }
                Dunning::Retry if charge => {
                    intend(tx, c, &instrument, Occasion::Retry, today).await?;
                }
                Dunning::Retry => {}
            }
        }
    }
    Ok(done)
}

/// How far back the arrears pass looks: invoices issued in the last 400
/// days (an invoice owed longer has long made its organisation past due).
const ARREARS_WINDOW_DAYS: u64 = 400;

/// The clock's arrears pass (R-PAY-2, whatever the payment method): an
/// invoice still owed `overdue_days` after its due date is marked overdue
/// and makes its organisation past due, as a declined charge does. An
/// organisation that does not pay by card or PayPal (the collect pass
/// duns those) and is still in arrears the schedule's last retry day
/// after its arrears began is cancelled to Free at its period end. Each
/// organisation in a transaction of its own: one's failure is logged and
/// the others go on.
pub async fn arrears(
    db: &Db,
    gateway: &Gateway,
    now: DateTime<Utc>,
) -> Result<Collected, AppError> {
    // No time zone is more than 14 hours ahead of UTC.
    let latest_today = (now + chrono::Duration::hours(14)).date_naive();
    let grace = chrono::Days::new(gateway.overdue_days.into());
    let since = latest_today - chrono::Days::new(ARREARS_WINDOW_DAYS);
    let mut done = Collected::default();
    let unmarked =
        payments::overdue_unmarked(&mut *db.conn().await?, latest_today - grace, since).await?;
    for invoice in unmarked {
        match mark_overdue(db, &invoice, gateway.overdue_days, now).await {
            Ok(marked) => done.overdue += usize::from(marked),
            Err(e) => {
                tracing::error!(org_id = invoice.organisation_id, error = ?e, "overdue mark failed")
            }
        }
    }
    let last_retry = chrono::Days::new(gateway.retry_days.last().copied().unwrap_or(0).into());
    let open = payments::in_arrears(&mut *db.conn().await?, since).await?;
    for org_owed in open.chunk_by(|a, b| a.organisation_id == b.organisation_id) {
        match cancel_in_arrears(db, org_owed, last_retry, now).await {
            Ok(cancelled) => done.cancelled += usize::from(cancelled),
            Err(e) => {
                tracing::error!(org_id = org_owed[0].organisation_id, error = ?e, "arrears cancellation failed")
            }
        }
    }
    Ok(done)
}

/// Marks one invoice overdue and its organisation past due, when it is
/// still owed `grace` days after its due date in the organisation's time zone.
async fn mark_overdue(
    db: &Db,
    invoice: &payments::Unmarked,
    overdue_days: u32,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let grace = chrono::Days::new(overdue_days.into());
    let tz: chrono_tz::Tz = invoice
        .time_zone
        .parse()
        .map_err(|e| AppError::internal("organisation time zone", e))?;
    let today = local_day(now, tz);
    if crate::db::parse_date(&invoice.due_date)? + grace >= today {
        return Ok(false);
    }
    let org_id = invoice.organisation_id;
    let mut tx = db.write().await?;
    subscriptions::lock_org(&mut tx, org_id).await?;
    // Paid meanwhile, under the lock: nothing to mark.
    if payments::amount_due(&mut tx, org_id, invoice.id).await? <= Some(0) {
        return Ok(false);
    }
    if !payments::mark_overdue(&mut tx, invoice.id, org_id, today).await? {
        return Ok(false);
    }
    if let Some(before) = payments::set_past_due(&mut tx, org_id, true).await? {
        audit::record(
            &mut tx,
            &Acting::clock(org_id),
            "subscription.past_due",
            &serde_json::json!({ "status": before }),
            &serde_json::json!({ "status": "past_due", "invoice": invoice.number, "overdue_days": overdue_days }),
        )
        .await?;
    }
    tx.commit().await?;
    tracing::info!(org_id, invoice = %invoice.number, "invoice overdue: organisation past due");
    Ok(true)
}

/// Cancels an organisation in arrears (`owed`, its invoices, oldest first)
/// to Free at the period end once the dunning schedule has run out, when
/// it does not pay by card or PayPal.
async fn cancel_in_arrears(
    db: &Db,
    owed: &[payments::InArrears],
    last_retry: chrono::Days,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let first = &owed[0];
    let tz: chrono_tz::Tz = first
        .time_zone
        .parse()
        .map_err(|e| AppError::internal("organisation time zone", e))?;
    let today = local_day(now, tz);
    let mut began = None;
    for o in owed {
        for day in [&o.failed_on, &o.marked_on].into_iter().flatten() {
            let day = crate::db::parse_date(day)?;
            began = Some(began.map_or(day, |b: NaiveDate| b.min(day)));
        }
    }
    let Some(began) = began else { return Ok(false) };
    if began + last_retry > today {
        return Ok(false);
    }
    let org_id = first.organisation_id;
    let mut tx = db.write().await?;
    subscriptions::lock_org(&mut tx, org_id).await?;
    if chargeable_instrument(&mut tx, org_id).await?.is_some() {
        return Ok(false);
    }
    let cancelled = cancel_for_nonpayment(&mut tx, org_id, &first.number, today).await?;
    tx.commit().await?;
    Ok(cancelled)
}

fn count(done: &mut Collected, outcome: &Charged) {
    match outcome {
        Charged::Paid { .. } => done.paid += 1,
        Charged::Declined { .. } => done.declined += 1,
    }
}

/// After the last failed retry: the organisation's subscriptions (its own
/// and its teams') go to Free at their period end (a scheduled change,
/// like a downgrade); the invoice stays owed. `false` when that is
/// already so.
async fn cancel_for_nonpayment(
    tx: &mut Tx,
    org_id: i64,
    invoice: &str,
    today: NaiveDate,
) -> Result<bool, AppError> {
    let mut cancelled = false;
    let free_prices = catalog::current_prices_of(tx, "free", Interval::Monthly).await?;
    for (_, stored) in catalog::live_subscriptions(tx, &[org_id]).await? {
        let sub = stored.subscription;
        let free = free_prices
            .iter()
            .find(|p| p.currency == sub.price.currency)
            .ok_or_else(|| AppError::internal("dunning", "no Free price in the currency"))?;
        let Some(after) = cancel_unpaid(&sub, free) else {
            continue;
        };
        subscriptions::save(tx, stored.id, &sub, &after, today).await?;
        audit::record(
            tx,
            &Acting::clock(org_id),
            &format!("subscription.cancel_unpaid:{invoice}"),
            &sub,
            &after,
        )
        .await?;
        cancelled = true;
    }
    Ok(cancelled)
}

/// *Retry now* (R-PAY-2): charges every invoice the organisation owes by
/// card or PayPal, oldest first, under the organisation guard; a repeated
/// key answers the first answer, and invoices paid meanwhile are not
/// charged again.
pub async fn retry_now(
    db: &Db,
    gateway: &Gateway,
    who: Acting,
    key: &str,
    now: DateTime<Utc>,
) -> Result<Vec<Charged>, AppError> {
    const ACTION: &str = "payment.retry";
    let mut g = crate::guarded!(
        guard::begin(db, who.org_id, Action::EditBillingDetails, key, ACTION).await?
    );
    let tx = &mut g.tx;
    let instrument = chargeable_instrument(tx, who.org_id)
        .await?
        .ok_or_else(|| {
            AppError::invalid(
                "payment_method",
                "Add a card or PayPal as your payment method first",
            )
        })?;
    let org = orgs::org(tx, who.org_id).await?.ok_or(AppError::NotFound)?;
    let today = local_day(now, org.tz()?);
    let mut intents = Vec::new();
    for c in payments::chargeable_of(tx, &[who.org_id], None).await? {
        intents.push(intend(tx, &c, &instrument, Occasion::Customer, today).await?);
    }
    // The charges are recorded with the key; the provider is called once
    // the lock is let go, and the key's answer then says what it did.
    g.finish(Vec::<Charged>::new()).await?;
    let outcomes = carry_out_after(db, gateway, &who.by, intents).await;
    guard::amend(db, who.org_id, key, ACTION, &outcomes).await?;
    Ok(outcomes)
}

/// Saves a card as the organisation's payment method (R-PAY-1): every
/// field checked, then verified by the provider; only its token, brand,
/// last four digits and expiry are kept.
pub async fn save_card(
    db: &Db,
    gateway: &Gateway,
    who: Acting,
    form: &CardForm,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let card = form.validate(now.date_naive()).map_err(AppError::Fields)?;
    let saved = gateway.provider.save_card(&card).await.map_err(|d| {
        AppError::Fields(vec![crate::domain::billing_details::FieldError {
            field: "number".into(),
            message: crate::msg!("card-declined", reason = TextArg::message(d.message_id())),
            typed: None,
        }])
    })?;
    let after = InstrumentRow {
        payment_token: Some(saved.token),
        card_brand: Some(saved.shown.brand.name().into()),
        card_last4: Some(saved.shown.last4.clone()),
        card_exp_month: Some(saved.shown.exp_month.into()),
        card_exp_year: Some(saved.shown.exp_year.into()),
        ..InstrumentRow::of(PaymentMethodKind::Card)
    };
    set_instrument(db, who, after, "payment_method.card").await
}

/// Invoice (bank transfer) as the payment method: for organisations in
/// Sweden and annual subscriptions of 20 seats or more (R-PAY-1).
pub async fn choose_invoice(db: &Db, who: Acting) -> Result<String, AppError> {
    set_instrument(
        db,
        who,
        InstrumentRow::of(PaymentMethodKind::Invoice),
        "payment_method.invoice",
    )
    .await
}

/// Whether the organisation may pay by invoice, as things stand.
pub async fn invoice_allowed(conn: &mut AnyConnection, org_id: i64) -> Result<bool, AppError> {
    let org = orgs::org(conn, org_id).await?.ok_or(AppError::NotFound)?;
    invoice_allowed_of(
        &org,
        catalog::org_subscription(conn, org_id).await?.as_ref(),
    )
}

/// Whether `org` with its own live `subscription` may pay by invoice.
fn invoice_allowed_of(
    org: &orgs::OrgRow,
    subscription: Option<&catalog::StoredSubscription>,
) -> Result<bool, AppError> {
    let country = crate::domain::vat::Country::parse(&org.country)
        .map_err(|e| AppError::internal("org country", e))?;
    let (interval, seats) = match subscription {
        Some(s) => (s.subscription.price.interval, s.subscription.seats),
        None => (Interval::Monthly, 0),
    };
    Ok(invoice_payment_allowed(&country, interval, seats))
}

/// Starts PayPal's approval: returns where to send the customer.
pub async fn begin_paypal(db: &Db, gateway: &Gateway, who: Acting) -> Result<String, AppError> {
    let mut g = guard::write(
        db,
        who.org_id,
        Action::EditBillingDetails,
        "payment_method.paypal_begin",
    )
    .await?;
    let token = guard::new_key();
    payments::insert_paypal_approval(
        &mut g.tx,
        &token,
        who.org_id,
        who.user_id().ok_or(AppError::Unauthenticated)?,
    )
    .await?;
    let url = gateway.provider.begin_paypal(&token).await.map_err(|d| {
        AppError::invalid(
            "payment_method",
            crate::msg!("paypal-refused", reason = TextArg::message(d.message_id())),
        )
    })?;
    g.finish(url).await
}

/// The customer came back from PayPal having approved (or cancelled) the
/// billing agreement; an approval is used once, by its own organisation.
/// Returns whether PayPal is now the payment method.
pub async fn finish_paypal(
    db: &Db,
    gateway: &Gateway,
    who: Acting,
    token: &str,
    approved: bool,
) -> Result<bool, AppError> {
    let mut g = guard::write(
        db,
        who.org_id,
        Action::EditBillingDetails,
        "payment_method.paypal",
    )
    .await?;
    if !payments::finish_paypal_approval(&mut g.tx, token, who.org_id).await? {
        return Err(AppError::invalid(
            "token",
            "This PayPal approval was used already or is not yours; start again from the payment method page",
        ));
    }
    if !approved {
        return g.finish(false).await;
    }
    let agreement = gateway.provider.finish_paypal(token).await.map_err(|d| {
        AppError::invalid(
            "payment_method",
            crate::msg!("paypal-refused", reason = TextArg::message(d.message_id())),
        )
    })?;
    let after = InstrumentRow {
        payment_token: Some(agreement.token),
        paypal_email: Some(agreement.payer),
        ..InstrumentRow::of(PaymentMethodKind::PayPal)
    };
    store_instrument(&mut g.tx, who, &after, "payment_method.paypal").await?;
    g.finish(true).await
}

async fn set_instrument(
    db: &Db,
    who: Acting,
    after: InstrumentRow,
    action: &'static str,
) -> Result<String, AppError> {
    let mut g = guard::write(db, who.org_id, Action::EditBillingDetails, action).await?;
    store_instrument(&mut g.tx, who, &after, action).await?;
    g.finish(after.shown()).await
}

/// Makes `after` the organisation's payment method inside the caller's
/// guarded write, refusing invoice payment where it is not allowed, and
/// audits what changed.
async fn store_instrument(
    tx: &mut Tx,
    who: Acting,
    after: &InstrumentRow,
    action: &str,
) -> Result<(), AppError> {
    if after.kind()? == PaymentMethodKind::Invoice && !invoice_allowed(tx, who.org_id).await? {
        return Err(AppError::invalid(
            "method",
            "Invoice payment is for organisations in Sweden and for annual subscriptions of 20 seats or more; choose card or PayPal",
        ));
    }
    replace_instrument(tx, who, after, action).await
}

/// Makes `after` the organisation's way to pay, with an audit entry, with
/// no check of who may pay by invoice: an enterprise contract always is.
pub async fn replace_instrument(
    tx: &mut Tx,
    who: Acting,
    after: &InstrumentRow,
    action: &str,
) -> Result<(), AppError> {
    let before = payments::instrument(tx, who.org_id)
        .await?
        .ok_or(AppError::NotFound)?;
    payments::set_instrument(tx, who.org_id, after).await?;
    let shown =
        |i: &InstrumentRow| serde_json::json!({ "method": i.payment_method, "shown": i.shown() });
    audit::record(tx, &who, action, &shown(&before), &shown(after)).await
}

/// What the organisation owes after failed charges, for the past-due
/// banner: the total and the last decline; `None` when nothing is owed.
pub async fn failed_payment(
    conn: &mut AnyConnection,
    org_id: i64,
) -> Result<Option<crate::views::billing::FailedPayment>, AppError> {
    failed_payment_of(&payments::failed_owed(conn, org_id).await?)
}

/// What the invoices a declined charge left owing (`owed`, oldest first)
/// add up to, with the latest decline.
fn failed_payment_of(
    owed: &[payments::FailedOwed],
) -> Result<Option<crate::views::billing::FailedPayment>, AppError> {
    let Some(first) = owed.first() else {
        return Ok(None);
    };
    let code = &first.currency;
    let currency = Currency::parse(code).map_err(|e| AppError::internal("invoice currency", e))?;
    let amount = Money::new(
        owed.iter()
            .filter(|o| &o.currency == code)
            .map(|o| o.due)
            .sum(),
        currency,
    );
    // The latest decline, if any charge was declined at all; invoices only
    // left unpaid past their due date have none.
    let decline = owed
        .iter()
        .rev()
        .find_map(|o| o.decline_code.as_deref())
        .map(|code| Decline::parse(code).unwrap_or(Decline::Generic));
    Ok(Some(crate::views::billing::FailedPayment {
        amount,
        decline,
        invoices: owed.len(),
    }))
}

/// The payment method page: what is saved, what may be chosen, and what
/// failed charges left owed.
pub async fn page(
    db: &Db,
    who: Acting,
) -> Result<crate::views::payment::PaymentMethodPage, AppError> {
    let read = crate::db::billing::payment_method(&mut *db.conn().await?, who.org_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let i = &read.instrument;
    let kind = i.kind()?;
    let shown = match (i.card_exp_month, i.card_exp_year) {
        (Some(m), Some(y)) if kind == PaymentMethodKind::Card => {
            format!("{}, {m:02}/{:02}", i.shown(), y % 100)
        }
        _ => i.shown(),
    };
    let refusal = who
        .offered(
            read.billing_owner.clone(),
            &read.terms,
            Action::EditBillingDetails,
            None,
        )
        .err()
        .map(|r| r.text());
    Ok(crate::views::payment::PaymentMethodPage {
        kind,
        shown,
        chargeable: i.payment_token.is_some() && kind.charged_automatically(),
        invoice_allowed: invoice_allowed_of(&read.org, read.subscription.as_ref())?,
        editable: refusal.is_none(),
        refusal,
        billing_owner: read.billing_owner.clone(),
        failed: failed_payment_of(&read.failed)?,
        action_key: guard::new_key(),
    })
}
