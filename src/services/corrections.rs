//! Money corrections by operators (R-OPS-1, R-INV-3): an issued invoice
//! never changes, so voiding one issues a full credit note that settles
//! what it still owes (what was paid goes to the account balance), and
//! marks it void. Under the organisation's guard, with an idempotency key
//! and an audit entry, like every billing write.

use crate::db::{audit, documents, orgs, Db};
use crate::domain::invoice::{totals, Series};
use crate::domain::money::{Currency, Money};
use crate::domain::party::Acting;
use crate::domain::payment::split;
use crate::domain::period::local_day;
use crate::domain::roles::Action;
use crate::error::AppError;
use crate::guarded;
use crate::services::guard;
use crate::views::ops::VoidPreview;
use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

fn reason_of(reason: &str) -> Result<String, AppError> {
    let reason = reason.trim();
    if reason.chars().count() < 3 || reason.len() > 500 {
        return Err(AppError::invalid(
            "reason",
            "say why, in 3 to 500 characters: the customer and the auditor read it",
        ));
    }
    Ok(reason.to_string())
}

/// What voiding `number` does now, read under the caller's connection,
/// with the invoice as the credit note corrects it. The credit note
/// settles what the invoice still owes, the rest goes to the balance: the
/// same split the settlement makes (`domain::payment::split`).
async fn void_preview(
    conn: &mut AnyConnection,
    org_id: i64,
    number: &str,
    reason: String,
) -> Result<(VoidPreview, documents::Corrected), AppError> {
    let (id, currency, total) = documents::open_invoice(conn, org_id, number)
        .await?
        .ok_or_else(|| {
            AppError::invalid(
                "invoice",
                "no open invoice of this organisation with that number",
            )
        })?;
    let currency = Currency::parse(&currency).map_err(|e| AppError::internal("currency", e))?;
    let corrected = documents::invoice_lines(conn, id, currency).await?;
    let total = Money::new(total, currency);
    let (amount_due, to_balance) = split(total, corrected.amount_due);
    Ok((
        VoidPreview {
            invoice: number.to_string(),
            total,
            amount_due,
            to_balance,
            reason,
            credit_note: None,
        },
        corrected,
    ))
}

/// Voids an invoice with a full credit note (`confirm`), or only says what
/// that would do. A repeat of a confirmed key answers the first result.
pub async fn void_invoice(
    db: &Db,
    who: &Acting,
    number: &str,
    reason: &str,
    key: &str,
    confirm: bool,
    now: DateTime<Utc>,
) -> Result<VoidPreview, AppError> {
    let reason = reason_of(reason)?;
    if !confirm {
        let (preview, ..) =
            void_preview(&mut *db.conn().await?, who.org_id, number, reason).await?;
        return Ok(preview);
    }
    let mut g = guarded!(guard::begin(db, who.org_id, Action::Operate, key, "invoice.void").await?);
    let tx = &mut g.tx;
    let (mut preview, corrected) = void_preview(tx, who.org_id, number, reason.clone()).await?;
    let (id, currency) = (corrected.id, preview.total.currency());
    let org = orgs::org(tx, who.org_id).await?.ok_or(AppError::NotFound)?;
    let treatment = org.vat_treatment()?;
    let t = totals(
        &corrected.lines,
        &treatment,
        currency,
        Money::zero(currency),
    );
    if t.total != preview.total {
        return Err(AppError::internal(
            "void",
            format!(
                "credit note total {:?} differs from invoice total {:?}",
                t.total, preview.total
            ),
        ));
    }
    let buyer = org.buyer();
    let (cn_id, cn_number) = documents::issue(
        tx,
        documents::NewDocument {
            org_id: who.org_id,
            series: Series::CreditNote,
            subscription_id: None,
            corrects_id: Some(id),
            issue_date: local_day(now, org.tz()?),
            currency,
            lines: &corrected.lines,
            totals: &t,
            vat_note: corrected.vat_note.as_deref(),
            vat_rate: treatment.rate(),
            buyer: &buyer,
            locale: org.document_locale(),
        },
    )
    .await?;
    crate::services::payments::credit(tx, who, Some(id), cn_id, &cn_number, t.total).await?;
    if !documents::set_void(tx, id).await? {
        return Err(AppError::Conflict(
            "The invoice was voided meanwhile".into(),
        ));
    }
    audit::record(
        tx,
        who,
        "invoice.void",
        &serde_json::json!({ "invoice": number, "status": "pending", "amount_due": preview.amount_due }),
        &serde_json::json!({ "invoice": number, "status": "void", "credit_note": cn_number, "reason": reason, "to_balance": preview.to_balance }),
    )
    .await?;
    preview.credit_note = Some(cn_number);
    g.finish(preview).await
}
