//! The settlement ledger (R-PAY-1): payments received, and allocations of
//! payments and credit notes to the invoices they settle. Both are only
//! ever inserted; an invoice's amount due is derived from them
//! (`documents::DUE`).

use super::{documents::DUE, Val};
use crate::domain::money::Money;
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
}

/// Records a payment and returns its id.
pub async fn insert_payment(
    conn: &mut AnyConnection,
    p: &NewPayment<'_>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO payments (organisation_id, method, amount_minor, currency, received_on, reference, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(p.org_id)
    .bind(p.method.code())
    .bind(p.amount.minor())
    .bind(p.amount.currency().code())
    .bind(super::date(p.received_on))
    .bind(p.reference)
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
