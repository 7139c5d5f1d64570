//! Charging a card or PayPal: an intent recorded under the lock, the provider
//! asked outside any transaction, the outcome recorded once; Retry now.

use super::*;

/// How long the provider may take to answer a charge: past it, the
/// outcome is unknown and the charge is asked again later with its key.
const CHARGE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// The first step of charging invoice `c`: under the caller's lock on its
/// organisation, the charge is recorded (`charge_intents`) with a key fixed
/// for this attempt: the organisation, the invoice and the attempt's
/// number. A charge of the invoice still open (an unknown outcome) is
/// returned instead: it is asked again with its own key before any new
/// attempt, so an invoice is never charged twice.
pub(super) async fn intend(
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

/// The charge a write just recorded for the invoice it issued, carried out
/// for its answer: what the provider answered, also when a repeat of the
/// request recorded it first (its attempt is read back); `None` when the
/// outcome is unknown yet or could not be recorded (logged; the clock asks
/// again). The write itself is done either way.
pub async fn charge_issued(
    db: &Db,
    gateway: &Gateway,
    by: &Party,
    intent: payments::Intent,
) -> Option<Charged> {
    let (org_id, invoice_id, attempt, number) = (
        intent.organisation_id,
        intent.invoice_id,
        intent.attempt,
        intent.number.clone(),
    );
    match carry_out(db, gateway, by, intent).await {
        Ok(Some(charged)) => return Some(charged),
        Ok(None) => {}
        Err(e) => {
            tracing::error!(org_id, error = ?e, "a charge could not be recorded; the clock asks again");
            return None;
        }
    }
    let recorded = async {
        let row = payments::attempt_of(&mut *db.conn().await?, invoice_id, attempt).await?;
        Ok::<_, AppError>(row)
    }
    .await;
    charged_of(&recorded.ok().flatten()?, &number).ok()
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
    last.map(|row| charged_of(&row, number)).transpose()
}

/// A recorded attempt of invoice `number` as its outcome.
fn charged_of(row: &payments::AttemptRow, number: &str) -> Result<Charged, AppError> {
    let currency =
        Currency::parse(&row.currency).map_err(|e| AppError::internal("invoice currency", e))?;
    let amount = Money::new(row.amount_minor, currency);
    Ok(match row.decline_code.as_deref() {
        None => Charged::Paid {
            invoice: number.to_string(),
            amount,
        },
        Some(code) => Charged::Declined {
            invoice: number.to_string(),
            amount,
            decline: Decline::parse(code).unwrap_or(Decline::Generic),
        },
    })
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

/// The organisation's saved card or PayPal agreement, when it pays that way.
pub(super) async fn chargeable_instrument(
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
