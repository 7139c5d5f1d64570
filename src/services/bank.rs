//! Bank payments (R-PAY-3): a BgMax file from Bankgirot is imported whole
//! or refused whole. Each payment is kept once (by where it stands in the
//! file: bankgiro, date, deposit serial, place, BGC's serial number), and
//! one whose reference is a valid OCR reference of an invoice settles that
//! invoice through the settlement ledger (`services::payments::receive`:
//! partial and over-payments as for any payment); the rest wait for an
//! operator to match them by hand.

use crate::db::payments::{self, BankPayment, Method, NewPayment};
use crate::db::{subscriptions, Db};
use crate::domain::bgmax;
use crate::domain::money::{Currency, Money};
use crate::domain::ocr::OcrReference;
use crate::error::AppError;
use serde::{Deserialize, Serialize};

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    /// Payments and deductions in the file.
    pub in_file: usize,
    /// Seen in an earlier import: nothing added.
    pub already_imported: usize,
    /// Matched by OCR reference and settled.
    pub matched: usize,
    /// Kept for manual matching: no valid reference of an open invoice, or
    /// a deduction.
    pub unmatched: Vec<UnmatchedPayment>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnmatchedPayment {
    pub bgc_serial: String,
    pub amount: Money,
    pub references: Vec<String>,
    pub payer: Option<String>,
    pub why: String,
}

/// Imports a BgMax file in one transaction.
pub async fn import_bgmax(db: &Db, bytes: &[u8]) -> Result<ImportReport, AppError> {
    let file = bgmax::parse(bytes).map_err(|e| AppError::invalid("file", e.to_string()))?;
    let mut report = ImportReport::default();
    let mut tx = db.write().await?;
    for deposit in &file.deposits {
        let currency = Currency::parse(&deposit.currency)
            .map_err(|e| AppError::invalid("file", format!("deposit {}: {e}", deposit.serial)))?;
        for (place, p) in deposit.payments.iter().enumerate() {
            report.in_file += 1;
            let key = format!(
                "{}/{}/{}/{place}/{}",
                deposit.bankgiro, deposit.date, deposit.serial, p.bgc_serial
            );
            let amount = Money::new(p.amount_minor, currency);
            if p.amount_minor == 0 {
                // Nothing was paid: there is nothing to keep or settle.
                report.unmatched.push(UnmatchedPayment {
                    bgc_serial: p.bgc_serial.clone(),
                    amount,
                    references: p.references.clone(),
                    payer: p.payer_name.clone(),
                    why: "an amount of nothing".into(),
                });
                continue;
            }
            let reference = p.references.join(" ");
            let fresh = payments::insert_bank_payment(
                &mut tx,
                &BankPayment {
                    import_key: &key,
                    bgc_serial: &p.bgc_serial,
                    deposit_date: deposit.date,
                    deduction: p.deduction,
                    amount,
                    reference: &reference,
                    payer: p.payer_name.as_deref(),
                },
            )
            .await?;
            if !fresh {
                report.already_imported += 1;
                continue;
            }
            let unmatched = |why: &str| UnmatchedPayment {
                bgc_serial: p.bgc_serial.clone(),
                amount,
                references: p.references.clone(),
                payer: p.payer_name.clone(),
                why: why.into(),
            };
            if p.deduction {
                report.unmatched.push(unmatched("a deduction"));
                continue;
            }
            // The first reference that is a valid OCR reference of an invoice.
            let mut invoice = None;
            for reference in &p.references {
                let Ok(ocr) = OcrReference::parse(reference) else {
                    continue;
                };
                if let Some(found) = payments::invoice_by_ocr(&mut tx, ocr.as_str()).await? {
                    invoice = Some((found, ocr));
                    break;
                }
            }
            let Some(((invoice_id, org_id, invoice_currency), ocr)) = invoice else {
                report
                    .unmatched
                    .push(unmatched("no valid OCR reference of an invoice"));
                continue;
            };
            if invoice_currency != currency.code() {
                report
                    .unmatched
                    .push(unmatched("the invoice is in another currency"));
                continue;
            }
            subscriptions::lock_org(&mut tx, org_id).await?;
            let (payment_id, _) = crate::services::payments::receive(
                &mut tx,
                &NewPayment {
                    org_id,
                    method: Method::Bank,
                    amount,
                    received_on: deposit.date,
                    reference: ocr.as_str(),
                    instrument: None,
                },
                Some(invoice_id),
            )
            .await?;
            payments::link_bank_payment(&mut tx, &key, payment_id).await?;
            report.matched += 1;
        }
    }
    tx.commit().await?;
    tracing::info!(
        in_file = report.in_file,
        matched = report.matched,
        unmatched = report.unmatched.len(),
        already_imported = report.already_imported,
        "BgMax file imported"
    );
    Ok(report)
}
