//! Settling invoices: money received and credit notes allocated to the
//! invoice they are for, the rest to the account balance; past due cleared
//! once nothing is owed in arrears.

use super::*;

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
