//! Bank payments (R-PAY-3): a BgMax file from Bankgirot is imported whole
//! or refused whole. Each payment is kept once (by where it stands in the
//! file: bankgiro, date, deposit serial, place, BGC's serial number), and
//! one whose reference is a valid OCR reference of an invoice settles that
//! invoice through the settlement ledger (`services::payments::receive`:
//! partial and over-payments as for any payment); the rest wait for an
//! operator to match them by hand.

use crate::db::payments::{self, BankPayment, Method, NewPayment};
use crate::db::{audit, subscriptions, Db, Tx};
use crate::domain::bgmax;
use crate::domain::money::{Currency, Money};
use crate::domain::ocr::OcrReference;
use crate::domain::party::{Acting, Party};
use crate::error::AppError;
use chrono::NaiveDate;
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

/// Imports a BgMax file of payments to the seller's `bankgiro` in one
/// transaction.
pub async fn import_bgmax(
    db: &Db,
    by: &Party,
    bytes: &[u8],
    bankgiro: &str,
) -> Result<ImportReport, AppError> {
    let file =
        bgmax::parse_for(bytes, bankgiro).map_err(|e| AppError::invalid("file", e.to_string()))?;
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
            let kept = BankPayment {
                import_key: &key,
                bgc_serial: &p.bgc_serial,
                deposit_date: deposit.date,
                deduction: p.deduction,
                amount,
                reference: &p.references.join(" "),
                payer: p.payer_name.as_deref(),
            };
            match keep_and_match(&mut tx, by, &kept, &p.references).await? {
                Kept::Before => report.already_imported += 1,
                Kept::Matched => report.matched += 1,
                Kept::Unmatched(why) => report.unmatched.push(UnmatchedPayment {
                    bgc_serial: p.bgc_serial.clone(),
                    amount,
                    references: p.references.clone(),
                    payer: p.payer_name.clone(),
                    why: why.into(),
                }),
            }
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

/// What became of one bank payment.
enum Kept {
    /// Kept before (the same file, or the same recording, again).
    Before,
    /// Settled the invoice its OCR reference names.
    Matched,
    /// Kept for an operator to match, and why.
    Unmatched(&'static str),
}

/// Keeps a bank payment once, and settles the invoice whose valid OCR
/// reference it carries (the first of `references` that is one).
async fn keep_and_match(
    tx: &mut Tx,
    by: &Party,
    p: &BankPayment<'_>,
    references: &[String],
) -> Result<Kept, AppError> {
    if !payments::insert_bank_payment(tx, p).await? {
        return Ok(Kept::Before);
    }
    if p.deduction {
        return Ok(Kept::Unmatched("a deduction"));
    }
    let mut invoice = None;
    for reference in references {
        let Ok(ocr) = OcrReference::parse(reference) else {
            continue;
        };
        if let Some(found) = payments::invoice_by_ocr(tx, ocr.as_str()).await? {
            invoice = Some(found);
            break;
        }
    }
    let Some((invoice_id, org_id, currency)) = invoice else {
        return Ok(Kept::Unmatched("no valid OCR reference of an invoice"));
    };
    if currency != p.amount.currency().code() {
        return Ok(Kept::Unmatched("the invoice is in another currency"));
    }
    settle(
        tx,
        &Acting::by(org_id, *by),
        p.import_key,
        invoice_id,
        p.amount,
        p.deposit_date,
        p.reference,
    )
    .await?;
    Ok(Kept::Matched)
}

/// Settles an invoice with a kept bank payment and links the two.
async fn settle(
    tx: &mut Tx,
    who: &Acting,
    import_key: &str,
    invoice_id: i64,
    amount: Money,
    on: NaiveDate,
    reference: &str,
) -> Result<(), AppError> {
    let org_id = who.org_id;
    subscriptions::lock_org(tx, org_id).await?;
    let (payment_id, settled) = crate::services::payments::receive(
        tx,
        &who.by,
        &NewPayment {
            org_id,
            method: Method::Bank,
            amount,
            received_on: on,
            reference,
            instrument: None,
        },
        Some(invoice_id),
    )
    .await?;
    payments::link_bank_payment(tx, import_key, payment_id).await?;
    audit::record(
        tx,
        who,
        "payment.bank",
        &serde_json::Value::Null,
        &serde_json::json!({
            "invoice_id": invoice_id,
            "reference": reference,
            "amount": amount,
            "allocated": settled.allocated,
            "to_balance": settled.to_balance,
        }),
    )
    .await?;
    Ok(())
}

/// A bank payment an operator records by hand (R-PAY-3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recording {
    /// Makes the recording idempotent: the same key again adds nothing.
    pub key: String,
    pub date: NaiveDate,
    pub amount: Money,
    /// The OCR reference the payer gave, or whatever text came with it.
    pub reference: String,
    pub payer: Option<String>,
}

/// What recording a payment did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Recorded {
    Matched,
    /// Kept for manual matching, and why.
    Unmatched(String),
    AlreadyRecorded,
}

/// Records a bank payment by hand: matched by its OCR reference as an
/// imported one would be, or kept for manual matching.
pub async fn record(db: &Db, by: &Party, r: &Recording) -> Result<Recorded, AppError> {
    if !r.amount.is_positive() {
        return Err(AppError::invalid(
            "amount",
            "record a payment of more than nothing",
        ));
    }
    if r.key.trim().is_empty() {
        return Err(AppError::invalid(
            "key",
            "give the recording a key, so it is kept once",
        ));
    }
    let mut tx = db.write().await?;
    let key = format!("manual/{}", r.key.trim());
    let kept = BankPayment {
        import_key: &key,
        bgc_serial: "",
        deposit_date: r.date,
        deduction: false,
        amount: r.amount,
        reference: r.reference.trim(),
        payer: r.payer.as_deref(),
    };
    let outcome =
        match keep_and_match(&mut tx, by, &kept, &[r.reference.trim().to_string()]).await? {
            Kept::Before => Recorded::AlreadyRecorded,
            Kept::Matched => Recorded::Matched,
            Kept::Unmatched(why) => Recorded::Unmatched(why.into()),
        };
    tx.commit().await?;
    Ok(outcome)
}

pub use crate::db::payments::UnmatchedBankPayment as Unmatched;

/// Bank payments waiting for an operator, oldest first.
pub async fn unmatched(db: &Db) -> Result<Vec<Unmatched>, AppError> {
    Ok(payments::unmatched_bank_payments(&mut *db.conn().await?).await?)
}

/// An operator matches a waiting bank payment to an invoice by its number:
/// it settles the invoice like any payment (the rest to the account
/// balance). A deduction, a payment matched before, or an invoice in
/// another currency is refused.
pub async fn match_to_invoice(
    db: &Db,
    by: &Party,
    bank_payment_id: i64,
    invoice_number: &str,
) -> Result<(), AppError> {
    let mut tx = db.write().await?;
    let p = payments::unmatched_bank_payment(&mut tx, bank_payment_id)
        .await?
        .ok_or_else(|| {
            AppError::invalid(
                "payment",
                "no bank payment waiting with that id (matched already?)",
            )
        })?;
    if p.deduction == 1 {
        return Err(AppError::invalid(
            "payment",
            "a deduction is not a payment; settle it with the payer",
        ));
    }
    let (invoice_id, org_id, currency) = payments::invoice_by_number(&mut tx, invoice_number)
        .await?
        .ok_or_else(|| AppError::invalid("invoice", "no open invoice with that number"))?;
    if currency != p.currency {
        return Err(AppError::invalid(
            "invoice",
            "the invoice is in another currency than the payment",
        ));
    }
    let currency = Currency::parse(&currency).map_err(|e| AppError::internal("currency", e))?;
    settle(
        &mut tx,
        &Acting::by(org_id, *by),
        &p.import_key,
        invoice_id,
        Money::new(p.amount_minor, currency),
        crate::db::parse_date(&p.deposit_date)?,
        &p.reference,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(
        bank_payment_id,
        invoice = invoice_number,
        "bank payment matched by hand"
    );
    Ok(())
}

/// An operator takes back a bank payment matched to the wrong invoice
/// (R-PAY-3): payments and allocations never change, so a reversal takes
/// back what it allocated (the invoice owes it again) and what it put on
/// the account balance, in one transaction with an audit entry; the bank
/// payment then waits to be matched by hand. Refused when its balance part
/// was used on later invoices already (the balance would go below zero),
/// or when it was reversed before.
pub async fn reverse_match(
    db: &Db,
    by: &Party,
    bank_payment_id: i64,
    reason: &str,
    today: NaiveDate,
) -> Result<(), AppError> {
    let reason = crate::services::plain_text(
        "reason",
        reason,
        3,
        500,
        "say why: the customer and the auditor read it",
    )?;
    let mut tx = db.write().await?;
    let m = payments::matched_bank_payment(&mut tx, bank_payment_id)
        .await?
        .ok_or_else(|| {
            AppError::invalid(
                "payment",
                "no matched bank payment has that id (reversed already?)",
            )
        })?;
    subscriptions::lock_org(&mut tx, m.organisation_id).await?;
    let currency = Currency::parse(&m.currency).map_err(|e| AppError::internal("currency", e))?;
    let to_balance = m.amount_minor - m.allocated_minor;
    let balance = crate::db::documents::balance_of(&mut tx, m.organisation_id, currency).await?;
    if to_balance > balance {
        return Err(AppError::conflict(format!(
            "{} of this payment went to the account balance and later invoices used it; \
             settle the difference with the customer instead",
            Money::new(to_balance, currency).format(crate::domain::locale::Locale::En)
        )));
    }
    if !payments::reverse_payment(&mut tx, &m, to_balance, today, &reason).await? {
        return Err(AppError::conflict("This payment was reversed already"));
    }
    if to_balance > 0 {
        crate::db::documents::add_balance(
            &mut tx,
            m.organisation_id,
            Money::new(-to_balance, currency),
            &format!("payment {} reversed", m.reference),
            None,
        )
        .await?;
    }
    audit::record(
        &mut tx,
        &Acting::by(m.organisation_id, *by),
        "payment.reversed",
        &serde_json::json!({ "bank_payment": m.id, "invoice": m.invoice, "allocated": m.allocated_minor, "to_balance": to_balance }),
        &serde_json::json!({ "bank_payment": m.id, "invoice": null, "reason": reason }),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(
        bank_payment_id,
        org_id = m.organisation_id,
        "bank payment match reversed"
    );
    Ok(())
}
