//! The vendor's sales as SIE 4 vouchers (R-INV-8), for the operators'
//! console and `billing-portal export sie`: every document issued and
//! every payment received in a period, read in one transaction and booked
//! by `domain::sie`. The books are kept in kronor: documents and payments
//! in another currency are left out and named, for booking by hand at the
//! day's rate.

use crate::db::{documents, parse_date, payments, Db};
use crate::domain::invoice::{Buyer, Seller};
use crate::domain::money::Currency;
use crate::domain::period::local_day;
use crate::domain::sie::{self, BookedDocument, BookedPayment, Received, VatPart};
use crate::error::AppError;
use crate::services::documents::{currency, rate};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;

/// An SIE file and what it holds.
#[derive(Debug, Clone)]
pub struct SieExport {
    pub name: String,
    pub file: Vec<u8>,
    pub documents: usize,
    pub payments: usize,
    /// Documents and payments not in kronor, by number or reference and
    /// currency: "2026-000123 (EUR)"; the file's `#PROSA` names them too.
    pub left_out: Vec<String>,
}

/// A period's dates as typed: `YYYY-MM-DD`, the end on or after the start,
/// at most two years.
pub fn period(from: &str, to: &str) -> Result<(NaiveDate, NaiveDate), AppError> {
    let day = |field: &str, v: &str| {
        NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d")
            .map_err(|_| AppError::invalid(field, format!("{v:?} is not a date: use YYYY-MM-DD")))
    };
    let (from, to) = (day("from", from)?, day("to", to)?);
    if to < from {
        return Err(AppError::invalid(
            "to",
            "the last day comes on or after the first",
        ));
    }
    if (to - from).num_days() > 731 {
        return Err(AppError::invalid(
            "to",
            "export at most two years at a time (a financial year is at most 18 months)",
        ));
    }
    Ok((from, to))
}

/// The SIE 4I file of the period `from`–`to` (both included), generated
/// `now` (the seller's day in Stockholm).
pub async fn sie(
    db: &Db,
    seller: &Seller,
    from: NaiveDate,
    to: NaiveDate,
    now: DateTime<Utc>,
) -> Result<SieExport, AppError> {
    let mut tx = db.pool.begin().await?;
    let (docs, vat_rows) = documents::issued_between(&mut tx, from, to).await?;
    let received = payments::received_between(&mut tx, from, to).await?;
    tx.commit().await?;

    let mut vat: HashMap<i64, Vec<VatPart>> = HashMap::new();
    for (id, r, base, v) in vat_rows {
        vat.entry(id).or_default().push(VatPart {
            rate: rate(&r)?,
            base,
            vat: v,
        });
    }
    let mut left_out = Vec::new();
    let mut vouchers = Vec::with_capacity(docs.len() + received.len());
    for d in &docs {
        if currency(&d.currency)? != Currency::Sek {
            left_out.push(format!("{} ({})", d.number, d.currency));
            continue;
        }
        let buyer: Buyer =
            serde_json::from_str(&d.buyer).map_err(|e| AppError::internal("stored buyer", e))?;
        let treatment = buyer
            .vat_treatment()
            .map_err(|e| AppError::internal("stored buyer's country", e))?;
        let voucher = sie::document_voucher(&BookedDocument {
            credit_note: d.kind == "credit_note",
            number: &d.number,
            corrects: d.corrects_number.as_deref(),
            issue_date: parse_date(&d.issue_date)?,
            buyer: &buyer.legal_name,
            treatment: &treatment,
            total: d.total_minor,
            vat: vat.get(&d.id).map_or(&[], Vec::as_slice),
        })
        .map_err(|e| AppError::internal("document as booked", e))?;
        vouchers.push(voucher);
    }
    let booked_documents = vouchers.len();
    for p in &received {
        if currency(&p.currency)? != Currency::Sek {
            left_out.push(format!("inbetalning {} ({})", p.reference, p.currency));
            continue;
        }
        vouchers.push(sie::payment_voucher(&BookedPayment {
            received: if p.method == "bank" {
                Received::Bank
            } else {
                Received::Provider
            },
            date: parse_date(&p.received_on)?,
            payer: &p.payer,
            invoice: p.invoice.as_deref(),
            reference: &p.reference,
            amount: p.amount_minor,
        }));
    }
    // Documents first, then payments; each in date order: an accountant
    // reads sales, then what came in.
    let payments = vouchers.len() - booked_documents;
    let generated = local_day(now, chrono_tz::Europe::Stockholm);
    let file = sie::render(
        &sie::Header {
            company: &seller.legal_name,
            org_number: &seller.org_number,
            program_version: env!("CARGO_PKG_VERSION"),
            generated,
            from,
            to,
            left_out: &left_out,
        },
        &vouchers,
    );
    Ok(SieExport {
        name: format!("sales-{}-{}.si", from.format("%Y%m%d"), to.format("%Y%m%d")),
        file,
        documents: booked_documents,
        payments,
        left_out,
    })
}
