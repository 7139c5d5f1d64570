//! The settlement ledger (R-PAY-1): payments received, and allocations of
//! payments and credit notes to the invoices they settle. Both are only
//! ever inserted; an invoice's amount due is derived from them
//! (`documents::DUE`).

use super::{documents::DUE, Val};
use crate::domain::money::Money;
use crate::domain::payment::PaymentMethodKind;
use sqlx::AnyConnection;

/// How money came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Card,
    PayPal,
    Bank,
}

impl Method {
    pub fn code(self) -> &'static str {
        match self {
            Method::Card => "card",
            Method::PayPal => "paypal",
            Method::Bank => "bank",
        }
    }
}

pub struct NewPayment<'a> {
    pub org_id: i64,
    pub method: Method,
    pub amount: Money,
    pub received_on: chrono::NaiveDate,
    /// What identifies it where it came from: the OCR reference of a bank
    /// payment, the provider's charge id of a card payment.
    pub reference: &'a str,
    /// By what it was paid, as the receipt names it ("Visa •••• 4242").
    pub instrument: Option<&'a str>,
}

/// Records a payment and returns its id.
pub async fn insert_payment(
    conn: &mut AnyConnection,
    p: &NewPayment<'_>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO payments (organisation_id, method, amount_minor, currency, received_on, reference, instrument, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(p.org_id)
    .bind(p.method.code())
    .bind(p.amount.minor())
    .bind(p.amount.currency().code())
    .bind(super::date(p.received_on))
    .bind(p.reference)
    .bind(p.instrument)
    .bind(super::now_text())
    .fetch_one(&mut *conn)
    .await
}

/// What settles an invoice: a payment or a credit note.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Payment(i64),
    CreditNote(i64),
}

/// Allocates `amount` of `source` to an invoice of the organisation.
pub async fn allocate(
    conn: &mut AnyConnection,
    org_id: i64,
    invoice_id: i64,
    source: Source,
    amount: Money,
) -> Result<(), sqlx::Error> {
    let (payment, credit_note) = match source {
        Source::Payment(id) => (Some(id), None),
        Source::CreditNote(id) => (None, Some(id)),
    };
    super::batch_execute(
        conn,
        "INSERT INTO allocations (organisation_id, invoice_id, payment_id, credit_note_id, amount_minor, created_at) VALUES ",
        "",
        vec![vec![
            Val::from(org_id),
            invoice_id.into(),
            payment.into(),
            credit_note.into(),
            amount.minor().into(),
            super::now_text().into(),
        ]],
    )
    .await?;
    Ok(())
}

/// What an invoice of the organisation still owes, in minor units; `None`
/// for no such invoice.
pub async fn amount_due(
    conn: &mut AnyConnection,
    org_id: i64,
    invoice_id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(&format!(
        "SELECT {DUE} FROM documents d WHERE d.id = $1 AND d.organisation_id = $2"
    ))
    .bind(invoice_id)
    .bind(org_id)
    .fetch_optional(&mut *conn)
    .await
}

/// A payment read from a bank file, kept once by `import_key`.
pub struct BankPayment<'a> {
    pub import_key: &'a str,
    pub bgc_serial: &'a str,
    pub deposit_date: chrono::NaiveDate,
    pub deduction: bool,
    pub amount: Money,
    pub reference: &'a str,
    pub payer: Option<&'a str>,
}

/// Keeps a bank payment; `false` when it was kept before.
pub async fn insert_bank_payment(
    conn: &mut AnyConnection,
    p: &BankPayment<'_>,
) -> Result<bool, sqlx::Error> {
    let fresh = super::batch_execute(
        conn,
        "INSERT INTO bank_payments (import_key, bgc_serial, deposit_date, deduction, amount_minor, currency, reference, payer, created_at) VALUES ",
        " ON CONFLICT (import_key) DO NOTHING",
        vec![vec![
            Val::from(p.import_key),
            p.bgc_serial.into(),
            super::date(p.deposit_date).into(),
            super::flag(p.deduction).into(),
            p.amount.minor().into(),
            p.amount.currency().code().into(),
            p.reference.into(),
            p.payer.map(str::to_string).into(),
            super::now_text().into(),
        ]],
    )
    .await?;
    Ok(fresh == 1)
}

/// Records which ledger payment a bank payment became.
pub async fn link_bank_payment(
    conn: &mut AnyConnection,
    import_key: &str,
    payment_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE bank_payments SET payment_id = $1 WHERE import_key = $2")
        .bind(payment_id)
        .bind(import_key)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A bank payment that settled something, as a reversal reads it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MatchedBankPayment {
    pub id: i64,
    pub payment_id: i64,
    pub organisation_id: i64,
    pub amount_minor: i64,
    pub currency: String,
    pub deposit_date: String,
    pub reference: String,
    pub payer: Option<String>,
    /// The invoice it was allocated to, if any.
    pub invoice_id: Option<i64>,
    pub invoice: Option<String>,
    pub allocated_minor: i64,
    pub organisation: String,
}

const MATCHED: &str = "SELECT b.id, b.payment_id, p.organisation_id, p.amount_minor, p.currency, b.deposit_date, \
     b.reference, b.payer, (SELECT MIN(a.invoice_id) FROM allocations a WHERE a.payment_id = p.id) AS invoice_id, \
     (SELECT MIN(d.number) FROM allocations a JOIN documents d ON d.id = a.invoice_id WHERE a.payment_id = p.id) AS invoice, \
     CAST(COALESCE((SELECT SUM(a.amount_minor) FROM allocations a WHERE a.payment_id = p.id), 0) AS BIGINT) AS allocated_minor, \
     o.name AS organisation \
     FROM bank_payments b JOIN payments p ON p.id = b.payment_id JOIN organisations o ON o.id = p.organisation_id";

/// The bank payments matched most lately, newest first.
pub async fn matched_bank_payments(
    conn: &mut AnyConnection,
    limit: i64,
) -> Result<Vec<MatchedBankPayment>, sqlx::Error> {
    sqlx::query_as(&format!("{MATCHED} ORDER BY b.id DESC LIMIT $1"))
        .bind(limit)
        .fetch_all(&mut *conn)
        .await
}

/// One matched bank payment by id.
pub async fn matched_bank_payment(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<MatchedBankPayment>, sqlx::Error> {
    sqlx::query_as(&format!("{MATCHED} WHERE b.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
}

/// Takes back what a payment settled: its allocation (the invoice owes it
/// again) and what it put on the balance; the bank payment waits again.
/// `false` when the payment was reversed before.
pub async fn reverse_payment(
    conn: &mut AnyConnection,
    m: &MatchedBankPayment,
    to_balance: i64,
    on: chrono::NaiveDate,
    reason: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO payment_reversals (organisation_id, payment_id, invoice_id, allocated_minor, to_balance_minor, \
         currency, reversed_on, reason, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (payment_id) DO NOTHING",
    )
    .bind(m.organisation_id)
    .bind(m.payment_id)
    .bind(m.invoice_id)
    .bind(m.allocated_minor)
    .bind(to_balance)
    .bind(&m.currency)
    .bind(super::date(on))
    .bind(reason)
    .bind(super::now_text())
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query("UPDATE bank_payments SET payment_id = NULL WHERE id = $1")
        .bind(m.id)
        .execute(&mut *conn)
        .await?;
    Ok(true)
}

/// The invoice (not void) with an OCR reference: (id, organisation id, currency code).
pub async fn invoice_by_ocr(
    conn: &mut AnyConnection,
    ocr: &str,
) -> Result<Option<(i64, i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, organisation_id, currency FROM documents WHERE ocr = $1 AND kind = 'invoice' AND status <> 'void'",
    )
    .bind(ocr)
    .fetch_optional(&mut *conn)
    .await
}

/// What the organisation pays with: its method, and for a card or PayPal
/// the provider's token and what may be shown of it.
#[derive(Debug, Clone, sqlx::FromRow, serde::Deserialize)]
pub struct InstrumentRow {
    pub payment_method: String,
    pub payment_token: Option<String>,
    pub card_brand: Option<String>,
    pub card_last4: Option<String>,
    pub card_exp_month: Option<i64>,
    pub card_exp_year: Option<i64>,
    pub paypal_email: Option<String>,
}

impl InstrumentRow {
    /// A method with nothing of a card or PayPal account saved yet.
    pub fn of(kind: PaymentMethodKind) -> InstrumentRow {
        InstrumentRow {
            payment_method: kind.code().into(),
            payment_token: None,
            card_brand: None,
            card_last4: None,
            card_exp_month: None,
            card_exp_year: None,
            paypal_email: None,
        }
    }

    pub fn kind(&self) -> Result<PaymentMethodKind, crate::error::AppError> {
        PaymentMethodKind::parse(&self.payment_method)
            .map_err(|e| crate::error::AppError::internal("payment method", e))
    }

    /// As a receipt names it: "Visa •••• 4242", "PayPal (a@b.se)".
    pub fn shown(&self) -> String {
        match (self.kind().ok(), &self.card_brand, &self.card_last4) {
            (Some(PaymentMethodKind::Card), Some(brand), Some(last4)) => {
                format!("{brand} •••• {last4}")
            }
            (Some(PaymentMethodKind::PayPal), ..) => match &self.paypal_email {
                Some(email) => format!("PayPal ({email})"),
                None => "PayPal".into(),
            },
            (Some(PaymentMethodKind::Invoice), ..) => "bankgiro".into(),
            _ => "card".into(),
        }
    }
}

pub async fn instrument(
    conn: &mut AnyConnection,
    org_id: i64,
) -> Result<Option<InstrumentRow>, sqlx::Error> {
    sqlx::query_as(INSTRUMENT_SELECT)
        .bind(org_id)
        .fetch_optional(&mut *conn)
        .await
}

/// What organisation `$1` pays with.
pub(super) const INSTRUMENT_SELECT: &str =
    "SELECT payment_method, payment_token, card_brand, card_last4, \
     card_exp_month, card_exp_year, paypal_email FROM organisations WHERE id = $1";

/// Makes `instrument` the organisation's way to pay.
pub async fn set_instrument(
    conn: &mut AnyConnection,
    org_id: i64,
    i: &InstrumentRow,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE organisations SET payment_method = $1, payment_token = $2, card_brand = $3, card_last4 = $4, \
         card_exp_month = $5, card_exp_year = $6, paypal_email = $7 WHERE id = $8",
    )
    .bind(&i.payment_method)
    .bind(&i.payment_token)
    .bind(&i.card_brand)
    .bind(&i.card_last4)
    .bind(i.card_exp_month)
    .bind(i.card_exp_year)
    .bind(&i.paypal_email)
    .bind(org_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// One charge of an invoice, as it is recorded.
pub struct NewAttempt<'a> {
    pub org_id: i64,
    pub invoice_id: i64,
    pub attempt: i64,
    pub idempotency_key: &'a str,
    /// `issue`, `retry` (the clock) or `customer` (*Retry now*).
    pub occasion: &'a str,
    pub instrument: &'a str,
    pub amount: Money,
    pub attempted_on: chrono::NaiveDate,
    /// `None` for a charge that went through.
    pub decline: Option<&'a str>,
    pub payment_id: Option<i64>,
}

pub async fn insert_attempt(
    conn: &mut AnyConnection,
    a: &NewAttempt<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO payment_attempts (organisation_id, invoice_id, attempt, idempotency_key, occasion, instrument, \
         amount_minor, currency, attempted_on, outcome, decline_code, payment_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(a.org_id)
    .bind(a.invoice_id)
    .bind(a.attempt)
    .bind(a.idempotency_key)
    .bind(a.occasion)
    .bind(a.instrument)
    .bind(a.amount.minor())
    .bind(a.amount.currency().code())
    .bind(super::date(a.attempted_on))
    .bind(if a.decline.is_some() { "declined" } else { "succeeded" })
    .bind(a.decline)
    .bind(a.payment_id)
    .bind(super::now_text())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A charge recorded before the provider is called (`charge_intents`).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Intent {
    pub id: i64,
    pub organisation_id: i64,
    pub invoice_id: i64,
    /// The invoice's number.
    pub number: String,
    pub attempt: i64,
    pub idempotency_key: String,
    pub occasion: String,
    pub instrument: String,
    /// `card` or `paypal`.
    pub method: String,
    pub token: String,
    pub amount_minor: i64,
    pub currency: String,
    pub attempted_on: String,
}

const INTENT_SELECT: &str =
    "SELECT i.id, i.organisation_id, i.invoice_id, d.number, i.attempt, i.idempotency_key, \
     i.occasion, i.instrument, i.method, i.token, i.amount_minor, i.currency, i.attempted_on \
     FROM charge_intents i JOIN documents d ON d.id = i.invoice_id";

/// Records a charge about to be made; returns it as read back.
#[allow(clippy::too_many_arguments)]
pub async fn insert_intent(
    conn: &mut AnyConnection,
    c: &Chargeable,
    attempt: i64,
    key: &str,
    occasion: &str,
    instrument: &str,
    method: Method,
    token: &str,
    on: chrono::NaiveDate,
) -> Result<Intent, sqlx::Error> {
    sqlx::query(
        "INSERT INTO charge_intents (organisation_id, invoice_id, attempt, idempotency_key, occasion, instrument, \
         method, token, amount_minor, currency, attempted_on, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(c.organisation_id)
    .bind(c.invoice_id)
    .bind(attempt)
    .bind(key)
    .bind(occasion)
    .bind(instrument)
    .bind(method.code())
    .bind(token)
    .bind(c.due_minor)
    .bind(&c.currency)
    .bind(super::date(on))
    .bind(super::now_text())
    .execute(&mut *conn)
    .await?;
    sqlx::query_as(&format!("{INTENT_SELECT} WHERE i.idempotency_key = $1"))
        .bind(key)
        .fetch_one(&mut *conn)
        .await
}

/// The charge of an invoice made but not yet recorded, if any.
pub async fn open_intent(
    conn: &mut AnyConnection,
    invoice_id: i64,
) -> Result<Option<Intent>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{INTENT_SELECT} WHERE i.invoice_id = $1 AND i.resolved_at IS NULL"
    ))
    .bind(invoice_id)
    .fetch_optional(&mut *conn)
    .await
}

/// The open charge of an organisation's invoice, by the invoice's number.
pub async fn open_intent_of(
    conn: &mut AnyConnection,
    org_id: i64,
    number: &str,
) -> Result<Option<Intent>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{INTENT_SELECT} WHERE i.organisation_id = $1 AND d.number = $2 AND i.resolved_at IS NULL"
    ))
    .bind(org_id)
    .bind(number)
    .fetch_optional(&mut *conn)
    .await
}

/// One recorded attempt to charge an invoice, by its number.
pub async fn attempt_of(
    conn: &mut AnyConnection,
    invoice_id: i64,
    attempt: i64,
) -> Result<Option<AttemptRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT attempt, occasion, instrument, amount_minor, currency, attempted_on, outcome, decline_code \
         FROM payment_attempts WHERE invoice_id = $1 AND attempt = $2",
    )
    .bind(invoice_id)
    .bind(attempt)
    .fetch_optional(&mut *conn)
    .await
}

/// The latest recorded attempt to charge an organisation's invoice.
pub async fn last_attempt_of(
    conn: &mut AnyConnection,
    org_id: i64,
    number: &str,
) -> Result<Option<AttemptRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.attempt, a.occasion, a.instrument, a.amount_minor, a.currency, a.attempted_on, a.outcome, a.decline_code \
         FROM payment_attempts a JOIN documents d ON d.id = a.invoice_id \
         WHERE a.organisation_id = $1 AND d.number = $2 ORDER BY a.attempt DESC LIMIT 1",
    )
    .bind(org_id)
    .bind(number)
    .fetch_optional(&mut *conn)
    .await
}

/// Every charge made but not yet recorded, oldest first.
pub async fn open_intents(conn: &mut AnyConnection) -> Result<Vec<Intent>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{INTENT_SELECT} WHERE i.resolved_at IS NULL ORDER BY i.id"
    ))
    .fetch_all(&mut *conn)
    .await
}

/// Marks a charge recorded: `false` when it was already (the caller then
/// records nothing).
pub async fn resolve_intent(conn: &mut AnyConnection, id: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE charge_intents SET resolved_at = $1 WHERE id = $2 AND resolved_at IS NULL",
    )
    .bind(super::now_text())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// An invoice that a card or PayPal charge is for: its attempts so far.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Chargeable {
    pub invoice_id: i64,
    pub organisation_id: i64,
    pub number: String,
    pub currency: String,
    pub due_minor: i64,
    /// Attempts made so far (0: never charged).
    pub attempts: i64,
    pub first_failed: Option<String>,
    pub last_attempted: Option<String>,
    pub last_decline: Option<String>,
    pub last_instrument: Option<String>,
}

/// Invoices a card or PayPal organisation (not billed by contract) owes.
const OWED_BY_CARD_OR_PAYPAL: &str =
    "FROM documents d JOIN organisations o ON o.id = d.organisation_id \
     WHERE d.kind = 'invoice' AND d.status = 'pending' AND o.payment_method IN ('card', 'paypal') \
     AND o.payment_token IS NOT NULL AND o.manually_billed = 0";

/// Organisations that owe an invoice issued from `since` by card or
/// PayPal: never charged, or charged and declined. The clock's candidates,
/// read every run, so only their ids.
pub async fn orgs_owing_by_card_since(
    conn: &mut AnyConnection,
    since: chrono::NaiveDate,
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(&format!(
        "SELECT DISTINCT d.organisation_id {OWED_BY_CARD_OR_PAYPAL} AND d.issue_date >= $1 AND {DUE} > 0 \
         ORDER BY d.organisation_id"
    ))
    .bind(super::date(since))
    .fetch_all(&mut *conn)
    .await
}

/// What organisations owe by card or PayPal, invoice by invoice, oldest
/// first, with their attempts so far (issued from `since`, when given); for
/// those whose locks the caller holds.
pub async fn chargeable_of(
    conn: &mut AnyConnection,
    org_ids: &[i64],
    since: Option<chrono::NaiveDate>,
) -> Result<Vec<Chargeable>, sqlx::Error> {
    // `select_in` binds only the ids; a date of ours is safe inline.
    let since = since
        .map(|d| format!(" AND d.issue_date >= '{}'", super::date(d)))
        .unwrap_or_default();
    super::select_in(
        conn,
        &format!(
            "SELECT d.id AS invoice_id, d.organisation_id, d.number, d.currency, {DUE} AS due_minor, \
             (SELECT COUNT(*) FROM payment_attempts a WHERE a.invoice_id = d.id) AS attempts, \
             (SELECT MIN(a.attempted_on) FROM payment_attempts a WHERE a.invoice_id = d.id AND a.outcome = 'declined') AS first_failed, \
             (SELECT a.attempted_on FROM payment_attempts a WHERE a.invoice_id = d.id ORDER BY a.attempt DESC LIMIT 1) AS last_attempted, \
             (SELECT a.decline_code FROM payment_attempts a WHERE a.invoice_id = d.id ORDER BY a.attempt DESC LIMIT 1) AS last_decline, \
             (SELECT a.instrument FROM payment_attempts a WHERE a.invoice_id = d.id ORDER BY a.attempt DESC LIMIT 1) AS last_instrument \
             {OWED_BY_CARD_OR_PAYPAL}{since} AND d.organisation_id IN {{ids}} AND {DUE} > 0 ORDER BY d.organisation_id, d.id"
        ),
        org_ids,
    )
    .await
}

/// The attempts to charge one invoice, in order.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AttemptRow {
    pub attempt: i64,
    pub occasion: String,
    pub instrument: String,
    pub amount_minor: i64,
    pub currency: String,
    pub attempted_on: String,
    pub outcome: String,
    pub decline_code: Option<String>,
}

pub async fn attempts(
    conn: &mut AnyConnection,
    org_id: i64,
    invoice_id: i64,
) -> Result<Vec<AttemptRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT attempt, occasion, instrument, amount_minor, currency, attempted_on, outcome, decline_code \
         FROM payment_attempts WHERE organisation_id = $1 AND invoice_id = $2 ORDER BY attempt",
    )
    .bind(org_id)
    .bind(invoice_id)
    .fetch_all(&mut *conn)
    .await
}

/// What settled an invoice: each allocation, by payment or credit note.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SettlementRow {
    pub amount_minor: i64,
    /// The payment's date, or the credit note's issue date.
    pub on_date: String,
    /// `card`, `paypal`, `bank`, or `credit_note`.
    pub method: String,
    /// "Visa •••• 4242", the OCR reference, or the credit note's number.
    pub detail: Option<String>,
}

pub async fn settlements(
    conn: &mut AnyConnection,
    org_id: i64,
    invoice_id: i64,
) -> Result<Vec<SettlementRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.amount_minor, COALESCE(p.received_on, c.issue_date) AS on_date, \
         COALESCE(p.method, 'credit_note') AS method, COALESCE(p.instrument, c.number, p.reference) AS detail \
         FROM allocations a LEFT JOIN payments p ON p.id = a.payment_id LEFT JOIN documents c ON c.id = a.credit_note_id \
         WHERE a.organisation_id = $1 AND a.invoice_id = $2 ORDER BY a.id",
    )
    .bind(org_id)
    .bind(invoice_id)
    .fetch_all(&mut *conn)
    .await
}

/// Starts a PayPal approval for the organisation.
pub async fn insert_paypal_approval(
    conn: &mut AnyConnection,
    token: &str,
    org_id: i64,
    user_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO paypal_approvals (token, organisation_id, user_id, created_at) VALUES ($1, $2, $3, $4)")
        .bind(token)
        .bind(org_id)
        .bind(user_id)
        .bind(super::now_text())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Finishes an open approval of the organisation; `false` when there is no
/// such open approval (finished before, or another organisation's).
pub async fn finish_paypal_approval(
    conn: &mut AnyConnection,
    token: &str,
    org_id: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE paypal_approvals SET finished_at = $1 WHERE token = $2 AND organisation_id = $3 AND finished_at IS NULL",
    )
    .bind(super::now_text())
    .bind(token)
    .bind(org_id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Marks the organisation's subscriptions past due (`true`) or clears it;
/// returns the organisation-wide subscription's status before, when it
/// changed.
pub async fn set_past_due(
    conn: &mut AnyConnection,
    org_id: i64,
    past_due: bool,
) -> Result<Option<String>, sqlx::Error> {
    // A trialing subscription goes past due too; paid, it is active (the
    // trial itself is kept apart from the status and runs on).
    let (from, to) = if past_due {
        ("('active', 'trialing')", "past_due")
    } else {
        ("('past_due')", "active")
    };
    let before: Option<String> = sqlx::query_scalar(&format!(
        "SELECT status FROM subscriptions WHERE organisation_id = $1 AND team_id IS NULL AND status IN {from}"
    ))
    .bind(org_id)
    .fetch_optional(&mut *conn)
    .await?;
    sqlx::query(&format!(
        "UPDATE subscriptions SET status = $1 WHERE organisation_id = $2 AND status IN {from}"
    ))
    .bind(to)
    .bind(org_id)
    .execute(&mut *conn)
    .await?;
    Ok(before)
}

/// Invoices of the organisation still owed whose last charge was declined:
/// (currency, amount due, the last decline's code), oldest first.
pub async fn failed_owed(
    conn: &mut AnyConnection,
    org_id: i64,
) -> Result<Vec<FailedOwed>, sqlx::Error> {
    sqlx::query_as(&failed_owed_select())
        .bind(org_id)
        .fetch_all(&mut *conn)
        .await
}

/// An invoice a declined charge left owing: its currency, what it owes and
/// the latest attempt's decline code.
#[derive(Debug, Clone, sqlx::FromRow, serde::Deserialize)]
pub struct FailedOwed {
    pub currency: String,
    pub due: i64,
    pub decline_code: Option<String>,
}

/// The invoices of organisation `$1` that keep it in arrears, oldest
/// first: owed after a declined charge, or marked overdue by the clock.
pub(super) fn failed_owed_select() -> String {
    format!(
        "SELECT d.currency, {DUE} AS due, (SELECT a.decline_code FROM payment_attempts a WHERE a.invoice_id = d.id \
         ORDER BY a.attempt DESC LIMIT 1) AS decline_code FROM documents d WHERE d.organisation_id = $1 AND d.kind = 'invoice' \
         AND d.status = 'pending' AND {DUE} > 0 AND ({IN_ARREARS}) ORDER BY d.id"
    )
}

/// An invoice `d` that puts its organisation in arrears while owed.
const IN_ARREARS: &str = "EXISTS (SELECT 1 FROM payment_attempts a WHERE a.invoice_id = d.id AND a.outcome = 'declined') \
     OR EXISTS (SELECT 1 FROM overdue_marks m WHERE m.invoice_id = d.id)";

/// An owed invoice that fell due before `$1` (and after `$2`, the window
/// looked at) and is not marked overdue yet, with its organisation's time zone.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Unmarked {
    pub id: i64,
    pub organisation_id: i64,
    pub number: String,
    pub due_date: String,
    pub time_zone: String,
}

pub async fn overdue_unmarked(
    conn: &mut AnyConnection,
    before: chrono::NaiveDate,
    since: chrono::NaiveDate,
) -> Result<Vec<Unmarked>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT d.id, d.organisation_id, d.number, d.due_date, o.time_zone FROM documents d \
         JOIN organisations o ON o.id = d.organisation_id \
         WHERE d.kind = 'invoice' AND d.status = 'pending' AND d.due_date < $1 AND d.due_date >= $2 AND {DUE} > 0 \
         AND NOT EXISTS (SELECT 1 FROM overdue_marks m WHERE m.invoice_id = d.id) ORDER BY d.organisation_id, d.id"
    ))
    .bind(super::date(before))
    .bind(super::date(since))
    .fetch_all(&mut *conn)
    .await
}

/// Marks an invoice overdue (once): `false` when it was marked already.
pub async fn mark_overdue(
    conn: &mut AnyConnection,
    invoice_id: i64,
    org_id: i64,
    on: chrono::NaiveDate,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO overdue_marks (invoice_id, organisation_id, marked_on, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (invoice_id) DO NOTHING",
    )
    .bind(invoice_id)
    .bind(org_id)
    .bind(super::date(on))
    .bind(super::now_text())
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// An owed invoice that keeps its organisation in arrears (issued on or
/// after `$1`), and the day its arrears began: the first declined charge
/// or the overdue mark, whichever came first.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InArrears {
    pub organisation_id: i64,
    pub number: String,
    pub time_zone: String,
    pub failed_on: Option<String>,
    pub marked_on: Option<String>,
}

pub async fn in_arrears(
    conn: &mut AnyConnection,
    since: chrono::NaiveDate,
) -> Result<Vec<InArrears>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT d.organisation_id, d.number, o.time_zone, \
         (SELECT MIN(a.attempted_on) FROM payment_attempts a WHERE a.invoice_id = d.id AND a.outcome = 'declined') AS failed_on, \
         (SELECT m.marked_on FROM overdue_marks m WHERE m.invoice_id = d.id) AS marked_on \
         FROM documents d JOIN organisations o ON o.id = d.organisation_id \
         WHERE d.kind = 'invoice' AND d.status = 'pending' AND d.issue_date >= $1 AND {DUE} > 0 AND ({IN_ARREARS}) \
         ORDER BY d.organisation_id, d.id"
    ))
    .bind(super::date(since))
    .fetch_all(&mut *conn)
    .await
}

/// A bank payment that settled nothing yet.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, sqlx::FromRow)]
pub struct UnmatchedBankPayment {
    pub id: i64,
    pub import_key: String,
    pub deposit_date: String,
    pub amount_minor: i64,
    pub currency: String,
    pub reference: String,
    pub payer: Option<String>,
    pub deduction: i64,
}

const UNMATCHED: &str = "SELECT id, import_key, deposit_date, amount_minor, currency, reference, payer, deduction FROM bank_payments";

/// Bank payments not linked to a ledger payment, oldest first.
pub async fn unmatched_bank_payments(
    conn: &mut AnyConnection,
) -> Result<Vec<UnmatchedBankPayment>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{UNMATCHED} \
         WHERE payment_id IS NULL ORDER BY id"
    ))
    .fetch_all(&mut *conn)
    .await
}

/// One waiting bank payment, locked for matching (on PostgreSQL).
pub async fn unmatched_bank_payment(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<UnmatchedBankPayment>, sqlx::Error> {
    // The update takes the row's lock, so two operators matching the same
    // payment wait for each other and the second finds it matched.
    sqlx::query("UPDATE bank_payments SET payment_id = payment_id WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    sqlx::query_as(&format!("{UNMATCHED} WHERE id = $1 AND payment_id IS NULL"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
}

/// The invoice (not void) with a number: (id, organisation id, currency code).
pub async fn invoice_by_number(
    conn: &mut AnyConnection,
    number: &str,
) -> Result<Option<(i64, i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, organisation_id, currency FROM documents WHERE number = $1 AND kind = 'invoice' AND status <> 'void'",
    )
    .bind(number)
    .fetch_optional(&mut *conn)
    .await
}

/// A payment as the bookkeeping export reads it: how and when it came in,
/// from whom, and the invoice it was allocated to (the first, if several).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BookedPaymentRow {
    pub method: String,
    pub amount_minor: i64,
    pub currency: String,
    pub received_on: String,
    pub reference: String,
    pub payer: String,
    pub invoice: Option<String>,
}

/// Every payment received from `from` to `to` (both included), in order;
/// a reversal of a payment in the period is one more, of the negative amount.
pub async fn received_between(
    conn: &mut AnyConnection,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> Result<Vec<BookedPaymentRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT method, amount_minor, currency, received_on, reference, payer, invoice FROM ( \
         SELECT p.method, p.amount_minor, p.currency, p.received_on, p.reference, o.name AS payer, \
         (SELECT MIN(d.number) FROM allocations a JOIN documents d ON d.id = a.invoice_id \
          WHERE a.payment_id = p.id) AS invoice, p.id AS payment_id, 0 AS reversal \
         FROM payments p JOIN organisations o ON o.id = p.organisation_id \
         WHERE p.received_on BETWEEN $1 AND $2 \
         UNION ALL \
         SELECT p.method, -(r.allocated_minor + r.to_balance_minor) AS amount_minor, r.currency, \
         r.reversed_on AS received_on, p.reference, o.name AS payer, d.number AS invoice, p.id AS payment_id, 1 AS reversal \
         FROM payment_reversals r JOIN payments p ON p.id = r.payment_id \
         JOIN organisations o ON o.id = r.organisation_id LEFT JOIN documents d ON d.id = r.invoice_id \
         WHERE r.reversed_on BETWEEN $1 AND $2) AS x ORDER BY received_on, payment_id, reversal",
    )
    .bind(super::date(from))
    .bind(super::date(to))
    .fetch_all(&mut *conn)
    .await
}
