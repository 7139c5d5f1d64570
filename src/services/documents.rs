//! Invoices and credit notes as the customer reads them (R-INV-1/2/6), and
//! the billing details future documents are addressed to (R-UI-6).

use crate::db::audit;
use crate::db::{documents, orgs, parse_date, Db};
use crate::domain::billing_details::BillingDetailsForm;
use crate::domain::invoice::{Buyer, DocumentStatus, Seller};
use crate::domain::locale::Locale;
use crate::domain::money::{Currency, Money};
use crate::domain::party::Acting;
use crate::domain::payment::Decline;
use crate::domain::period::local_day;
use crate::domain::roles::Action;
use crate::error::AppError;
use crate::services::guard;
use crate::views::documents::{
    BillingDetailsView, ChargeAttempt, DocumentLine, DocumentList, DocumentSummary, DocumentView,
    SettledBy, Settlement, VatRow, PAGE_SIZE,
};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

pub(crate) fn currency(code: &str) -> Result<Currency, AppError> {
    Currency::parse(code).map_err(|e| AppError::internal("document currency", e))
}

pub(crate) fn rate(text: &str) -> Result<Decimal, AppError> {
    text.parse()
        .map_err(|e| AppError::internal("document VAT rate", e))
}

async fn org_today(
    conn: &mut sqlx::AnyConnection,
    org_id: i64,
    now: DateTime<Utc>,
) -> Result<chrono::NaiveDate, AppError> {
    let org = orgs::org(conn, org_id).await?.ok_or(AppError::NotFound)?;
    Ok(local_day(now, org.tz()?))
}

/// What the list shows of a stored document; `credited_by` are the numbers
/// of the credit notes correcting it.
fn summary(
    d: &documents::DocumentRow,
    credited_by: Vec<String>,
    today: chrono::NaiveDate,
) -> Result<DocumentSummary, AppError> {
    let c = currency(&d.currency)?;
    let due_date = parse_date(&d.due_date)?;
    // What is still owed, from the settlement ledger (`documents::DUE`).
    let amount_due = d.amount_due_minor.max(0);
    let status = DocumentStatus::derive(&d.status, amount_due, due_date, today);
    Ok(DocumentSummary {
        credit_note: d.kind == "credit_note",
        number: d.number.clone(),
        corrects: d.corrects_number.clone(),
        credited_by,
        issue_date: parse_date(&d.issue_date)?,
        due_date,
        status,
        total: Money::new(d.total_minor, c),
        amount_due: Money::new(amount_due, c),
    })
}

/// Documents as the lists show them, with the credit notes correcting
/// them: (corrected id, credit note number).
pub fn summaries_of(
    rows: &[documents::DocumentRow],
    credits: &[(i64, String)],
    today: chrono::NaiveDate,
) -> Result<Vec<DocumentSummary>, AppError> {
    rows.iter()
        .map(|d| {
            let credited_by = credits
                .iter()
                .filter(|(id, _)| *id == d.id)
                .map(|(_, n)| n.clone())
                .collect();
            summary(d, credited_by, today)
        })
        .collect()
}

/// One page of the organisation's documents with a status (R-INV-1/2); a
/// page past the last shows the last. One read: the organisation, the
/// count, the page and its credit notes; a status that depends on the date
/// reads the organisation's day first.
pub async fn list(
    db: &Db,
    who: Acting,
    status: Option<DocumentStatus>,
    page: u32,
    now: DateTime<Utc>,
) -> Result<DocumentList, AppError> {
    let mut conn = db.conn().await?;
    let today = match status {
        Some(s) if s.depends_on_date() => Some(org_today(&mut conn, who.org_id, now).await?),
        _ => None,
    };
    let size = i64::from(PAGE_SIZE);
    let mut page = page.max(1);
    loop {
        let offset = i64::from(page - 1) * size;
        let read = documents::listing(&mut conn, who.org_id, status, today, size, offset)
            .await?
            .ok_or(AppError::NotFound)?;
        let pages = (read.count as u32).div_ceil(PAGE_SIZE).max(1);
        if page > pages {
            page = pages;
            continue;
        }
        let today = match today {
            Some(today) => today,
            None => local_day(now, read.org.tz()?),
        };
        return Ok(DocumentList {
            items: summaries_of(&read.rows, &read.credited_by, today)?,
            status,
            page,
            pages,
            count: read.count,
            account_balance: Money::new(read.balance.max(0), read.org.currency()?),
        });
    }
}

/// One document as issued, by number, in that organisation only.
pub async fn detail(
    db: &Db,
    seller: &Seller,
    org_id: i64,
    number: &str,
    now: DateTime<Utc>,
) -> Result<DocumentView, AppError> {
    let mut conn = db.conn().await?;
    let today = org_today(&mut conn, org_id, now).await?;
    let (doc, lines, vat) = documents::find(&mut conn, org_id, number)
        .await?
        .ok_or(AppError::NotFound)?;
    let credited_by = documents::credited_by(&mut conn, org_id, &[doc.id])
        .await?
        .into_iter()
        .map(|(_, n)| n)
        .collect();
    let summary = summary(&doc, credited_by, today)?;
    let c = summary.total.currency();
    let money = |minor| Money::new(minor, c);
    let buyer: Buyer =
        serde_json::from_str(&doc.buyer).map_err(|e| AppError::internal("document buyer", e))?;
    let lines = lines
        .into_iter()
        .map(|l| {
            let period = match (&l.period_start, &l.period_end) {
                (Some(s), Some(e)) => Some((parse_date(s)?, parse_date(e)?)),
                _ => None,
            };
            Ok(DocumentLine {
                description: l.description,
                period,
                quantity: l.quantity,
                unit_price: money(l.unit_price_minor),
                vat_rate: rate(&l.vat_rate)?,
                amount: money(l.amount_minor),
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let vat = vat
        .into_iter()
        .map(|(r, base, v)| {
            Ok(VatRow {
                rate: rate(&r)?,
                base: money(base),
                vat: money(v),
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let settlements = crate::db::payments::settlements(&mut conn, org_id, doc.id)
        .await?
        .into_iter()
        .map(|r| {
            let detail = r.detail.unwrap_or_default();
            Ok(Settlement {
                on: parse_date(&r.on_date)?,
                by: match r.method.as_str() {
                    "credit_note" => SettledBy::CreditNote(detail),
                    "bank" => SettledBy::Bank(detail),
                    _ => SettledBy::Charge(detail),
                },
                amount: money(r.amount_minor),
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let attempts = crate::db::payments::attempts(&mut conn, org_id, doc.id)
        .await?
        .into_iter()
        .map(|a| {
            Ok(ChargeAttempt {
                attempt: a.attempt,
                on: parse_date(&a.attempted_on)?,
                instrument: a.instrument,
                amount: money(a.amount_minor),
                decline: a.decline_code.as_deref().and_then(Decline::parse),
                occasion: a.occasion,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok(DocumentView {
        settlements,
        attempts,
        locale: Locale::for_buyer_country(&buyer.country),
        payment_terms_days: (summary.due_date - summary.issue_date).num_days(),
        summary,
        seller: seller.clone(),
        buyer,
        lines,
        subtotal: money(doc.subtotal_minor),
        vat,
        credit_applied: money(doc.credit_applied_minor),
        vat_note: doc.vat_note,
        ocr: doc.ocr,
    })
}

/// The PDF of one document: its file name (the number) and bytes, typeset
/// in the worker process.
pub async fn pdf(
    db: &Db,
    seller: &Seller,
    typesetter: &std::sync::Arc<crate::pdf::Typesetter>,
    org_id: i64,
    number: &str,
    now: DateTime<Utc>,
) -> Result<(String, Vec<u8>), AppError> {
    let doc = detail(db, seller, org_id, number, now).await?;
    let name = format!("{}.pdf", doc.summary.number);
    let bytes = typesetter
        .render(&doc)
        .await
        .map_err(|e| AppError::internal("pdf", e))?;
    Ok((name, bytes))
}

/// The document as a Peppol BIS Billing 3.0 UBL file (R-INV-8): the same
/// stored document as the PDF, another rendering.
pub async fn ubl(
    db: &Db,
    seller: &Seller,
    org_id: i64,
    number: &str,
    now: DateTime<Utc>,
) -> Result<(String, Vec<u8>), AppError> {
    let doc = detail(db, seller, org_id, number, now).await?;
    let bytes = crate::ubl::render(&doc).map_err(|e| AppError::internal("ubl", e))?;
    Ok((format!("{}.xml", doc.summary.number), bytes))
}

pub async fn billing_details(db: &Db, who: Acting) -> Result<BillingDetailsView, AppError> {
    let mut conn = db.conn().await?;
    let (org, billing_owner) = orgs::org_and_owner(&mut conn, who.org_id)
        .await?
        .ok_or(AppError::NotFound)?;
    // No change needs past due here: editing details is refused by role
    // and by a partner's management only.
    let terms = org.terms_with(crate::domain::subscription::Status::Active);
    let refusal = who
        .offered(
            billing_owner.clone(),
            &terms,
            Action::EditBillingDetails,
            None,
        )
        .err()
        .map(|r| r.text());
    Ok(BillingDetailsView {
        form: BillingDetailsForm {
            legal_name: org.legal_name,
            address: org.address,
            postal_code: org.postal_code,
            city: org.city,
            country: org.country,
            vat_number: org.vat_number.unwrap_or_default(),
            invoice_email: org.invoice_email.unwrap_or_default(),
            org_number: org.org_number.unwrap_or_default(),
        },
        editable: refusal.is_none(),
        refusal,
        billing_owner,
    })
}

/// Checks every field, then saves in one transaction with an audit entry.
/// The caller has checked `Action::EditBillingDetails`.
/// Documents issued from now on use the new details and VAT treatment;
/// issued ones keep the buyer they were issued to.
pub async fn save_billing_details(
    db: &Db,
    who: Acting,
    form: &BillingDetailsForm,
) -> Result<(), AppError> {
    let buyer = form.validate().map_err(AppError::Fields)?;
    let mut g = guard::write(
        db,
        who.org_id,
        Action::EditBillingDetails,
        "billing_details.update",
    )
    .await?;
    let tx = &mut g.tx;
    let org = orgs::org(tx, who.org_id).await?.ok_or(AppError::NotFound)?;
    let before = org.buyer();
    if before != buyer {
        orgs::save_billing_details(tx, who.org_id, &buyer).await?;
        audit::record(tx, &who, "billing_details.update", &before, &buyer).await?;
    }
    g.finish(()).await
}
