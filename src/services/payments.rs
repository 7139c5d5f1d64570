//! Settling invoices (R-PAY-1…3): money received and credit notes are
//! allocated to the invoice they are for, up to what it still owes; the
//! rest becomes account balance, which later invoices use. Every caller
//! holds the organisation's lock (`guard` or the clock's chunk), so two
//! settlements of one invoice never both see it unpaid.

use crate::db::documents;
use crate::db::payments::{self, NewPayment, Source};
use crate::domain::money::Money;
use crate::domain::payment::split;
use crate::error::AppError;
use sqlx::AnyConnection;

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
    payment: &NewPayment<'_>,
    invoice_id: Option<i64>,
) -> Result<(i64, Settled), AppError> {
    let id = payments::insert_payment(conn, payment).await?;
    let settled = settle(
        conn,
        payment.org_id,
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
    org_id: i64,
    corrected_id: Option<i64>,
    credit_note_id: i64,
    credit_note_number: &str,
    total: Money,
) -> Result<Settled, AppError> {
    let settled = settle(
        conn,
        org_id,
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
    org_id: i64,
    invoice_id: Option<i64>,
    source: Source,
    amount: Money,
) -> Result<Settled, AppError> {
    let due = match invoice_id {
        Some(id) => payments::amount_due(conn, org_id, id)
            .await?
            .ok_or(AppError::NotFound)?,
        None => 0,
    };
    let (allocated, to_balance) = split(amount, Money::new(due, amount.currency()));
    if let (Some(id), true) = (invoice_id, allocated.is_positive()) {
        payments::allocate(conn, org_id, id, source, allocated).await?;
    }
    Ok(Settled {
        allocated,
        to_balance,
    })
}
