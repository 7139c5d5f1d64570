//! The clock's passes over what is owed: charging and retrying on the
//! schedule, marking invoices overdue, and cancelling to Free after the last
//! failure.

use super::*;

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
    let open = payments::in_arrears(&mut *db.conn().await?, since).await?;
    for org_owed in open.chunk_by(|a, b| a.organisation_id == b.organisation_id) {
        match cancel_in_arrears(db, org_owed, &gateway.retry_days, now).await {
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
    retry_days: &[u32],
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
    if !crate::domain::payment::schedule_over(retry_days, began, today) {
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

pub(super) fn count(done: &mut Collected, outcome: &Charged) {
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
