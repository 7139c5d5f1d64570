//! Money corrections by operators (R-OPS-1, R-INV-3): an issued invoice
//! never changes, so voiding one issues a full credit note that settles
//! what it still owes (what was paid goes to the account balance), and
//! marks it void. Under the organisation's guard, with an idempotency key
//! and an audit entry, like every billing write.

use crate::db::{audit, credits as ledger, documents, orgs, Db};
use crate::domain::credits::GrantKind;
use crate::domain::invoice::{totals, LineItem, LineKind, Series};
use crate::domain::locale::Locale;
use crate::domain::money::{Currency, Money};
use crate::domain::party::Acting;
use crate::domain::payment::split;
use crate::domain::period::{local_day, local_midnight};
use crate::domain::roles::Action;
use crate::error::AppError;
use crate::guarded;
use crate::services::guard;
use crate::views::ops::{GoodwillCredits, GoodwillNote, VoidPreview};
use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

/// A correction is shown first and done when confirmed with the page's
/// idempotency key.
#[derive(Debug, Clone, Copy)]
pub enum Step<'a> {
    Preview,
    Confirm { key: &'a str },
}

impl<'a> Step<'a> {
    pub fn of(confirm: bool, key: &'a str) -> Self {
        if confirm {
            Step::Confirm { key }
        } else {
            Step::Preview
        }
    }
}

fn reason_of(reason: &str) -> Result<String, AppError> {
    crate::services::plain_text(
        "reason",
        reason,
        3,
        500,
        "say why: the customer and the auditor read it",
    )
}

/// An organisation's invoice as a correction reads it: refused when it is
/// not one of its invoices or is void already.
async fn to_correct(
    conn: &mut AnyConnection,
    org_id: i64,
    number: &str,
) -> Result<(documents::ToCorrect, Currency), AppError> {
    let found = documents::invoice_to_correct(conn, org_id, number)
        .await?
        .ok_or_else(|| {
            AppError::invalid("invoice", "no invoice of this organisation has that number")
        })?;
    if found.status == "void" {
        return Err(AppError::invalid("invoice", "that invoice is void already"));
    }
    let currency =
        Currency::parse(&found.currency).map_err(|e| AppError::internal("currency", e))?;
    Ok((found, currency))
}

/// What voiding `number` does now, read under the caller's connection,
/// with the invoice as the credit note corrects it. The credit note
/// settles what the invoice still owes, the rest goes to the balance: the
/// same split the settlement makes (`domain::payment::split`). An invoice
/// a credit note corrected in part already is not voided (that would
/// credit the part twice): a goodwill credit note credits the rest.
async fn void_preview(
    conn: &mut AnyConnection,
    org_id: i64,
    number: &str,
    reason: String,
) -> Result<(VoidPreview, documents::Corrected), AppError> {
    let (found, currency) = to_correct(conn, org_id, number).await?;
    let total = Money::new(found.total_minor, currency);
    if found.credited_minor != 0 {
        return Err(AppError::invalid(
            "invoice",
            format!(
                "a credit note corrected {} of this invoice already; credit the rest (up to {}) with a goodwill credit note",
                Money::new(found.credited_minor, currency).format(Locale::En),
                (total - Money::new(found.credited_minor, currency)).format(Locale::En),
            ),
        ));
    }
    let corrected = documents::invoice_lines(conn, found.id, currency).await?;
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
    step: Step<'_>,
    now: DateTime<Utc>,
) -> Result<VoidPreview, AppError> {
    let reason = reason_of(reason)?;
    let Step::Confirm { key } = step else {
        let (preview, ..) =
            void_preview(&mut *db.conn().await?, who.org_id, number, reason).await?;
        return Ok(preview);
    };
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

/// The goodwill credit note for `number` (R-OPS-1): one line of `amount`
/// (before VAT, in the invoice's currency, at the rate the invoice's first line was taxed at) with the
/// reason, read under the caller's connection. What it may credit is what
/// the invoice's credit notes have not credited yet.
async fn goodwill_note_preview(
    conn: &mut AnyConnection,
    org_id: i64,
    number: &str,
    amount: &str,
    reason: String,
) -> Result<(GoodwillNote, documents::Corrected, LineItem), AppError> {
    let (found, currency) = to_correct(conn, org_id, number).await?;
    let net = Money::parse_major(amount, currency).map_err(|e| AppError::invalid("amount", e))?;
    if !net.is_positive() {
        return Err(AppError::invalid("amount", "give an amount above zero"));
    }
    let corrected = documents::invoice_lines(conn, found.id, currency).await?;
    let org = orgs::org(conn, org_id).await?.ok_or(AppError::NotFound)?;
    let treatment = org.vat_treatment()?;
    let rate = corrected
        .lines
        .first()
        .map_or_else(|| treatment.rate(), |l| l.rate(&treatment));
    let line = LineItem {
        kind: LineKind::Goodwill {
            reason: reason.clone(),
        },
        covers: None,
        days: None,
        quantity: 1,
        unit_price: net,
        amount: net,
        vat_rate: Some(rate),
    };
    let t = totals(
        std::slice::from_ref(&line),
        &treatment,
        currency,
        Money::zero(currency),
    );
    let creditable = Money::new(found.total_minor - found.credited_minor, currency);
    if t.total.minor() > creditable.minor() {
        return Err(AppError::invalid(
            "amount",
            format!(
                "{} with VAT is more than the {} of this invoice not yet credited",
                t.total.format(Locale::En),
                creditable.format(Locale::En)
            ),
        ));
    }
    let (settles, to_balance) = split(t.total, corrected.amount_due);
    Ok((
        GoodwillNote {
            invoice: number.to_string(),
            net,
            vat: t.total - t.subtotal,
            total: t.total,
            settles,
            to_balance,
            creditable_after: creditable - t.total,
            reason,
            credit_note: None,
        },
        corrected,
        line,
    ))
}

/// Issues a goodwill credit note against an invoice (`confirm`), or only
/// says what it would do. It settles what the invoice still owes first;
/// the rest goes to the account balance. A repeat of a confirmed key
/// answers the first result.
pub async fn goodwill_note(
    db: &Db,
    who: &Acting,
    number: &str,
    amount: &str,
    reason: &str,
    step: Step<'_>,
    now: DateTime<Utc>,
) -> Result<GoodwillNote, AppError> {
    let reason = reason_of(reason)?;
    let Step::Confirm { key } = step else {
        let mut conn = db.conn().await?;
        let (preview, ..) =
            goodwill_note_preview(&mut conn, who.org_id, number, amount, reason).await?;
        return Ok(preview);
    };
    let mut g =
        guarded!(guard::begin(db, who.org_id, Action::Operate, key, "credit_note.goodwill").await?);
    let tx = &mut g.tx;
    let (mut preview, corrected, line) =
        goodwill_note_preview(tx, who.org_id, number, amount, reason.clone()).await?;
    let org = orgs::org(tx, who.org_id).await?.ok_or(AppError::NotFound)?;
    let treatment = org.vat_treatment()?;
    let currency = preview.net.currency();
    let t = totals(
        std::slice::from_ref(&line),
        &treatment,
        currency,
        Money::zero(currency),
    );
    let (cn_id, cn_number) = documents::issue(
        tx,
        documents::NewDocument {
            org_id: who.org_id,
            series: Series::CreditNote,
            subscription_id: None,
            corrects_id: Some(corrected.id),
            issue_date: local_day(now, org.tz()?),
            currency,
            lines: std::slice::from_ref(&line),
            totals: &t,
            vat_note: corrected.vat_note.as_deref(),
            vat_rate: treatment.rate(),
            buyer: &org.buyer(),
            locale: org.document_locale(),
        },
    )
    .await?;
    crate::services::payments::credit(tx, who, Some(corrected.id), cn_id, &cn_number, t.total)
        .await?;
    audit::record(
        tx,
        who,
        "credit_note.goodwill",
        &serde_json::json!({ "invoice": number, "owed": corrected.amount_due }),
        &serde_json::json!({ "invoice": number, "credit_note": cn_number, "total": t.total, "settles": preview.settles, "to_balance": preview.to_balance, "reason": reason }),
    )
    .await?;
    preview.credit_note = Some(cn_number);
    g.finish(preview).await
}

/// The most goodwill credits one grant gives.
pub const MAX_GOODWILL_CREDITS: i64 = 10_000_000;

/// Grants goodwill credits (`confirm`) usable through `last_day` in the
/// organisation's time zone, or only says what that would do. Consumption
/// draws from them like any grant (R-CRD-3).
pub async fn goodwill_credits(
    db: &Db,
    who: &Acting,
    credits: i64,
    last_day: chrono::NaiveDate,
    reason: &str,
    step: Step<'_>,
    now: DateTime<Utc>,
) -> Result<GoodwillCredits, AppError> {
    let reason = reason_of(reason)?;
    if !(1..=MAX_GOODWILL_CREDITS).contains(&credits) {
        return Err(AppError::invalid(
            "credits",
            format!("give 1 to {MAX_GOODWILL_CREDITS} credits"),
        ));
    }
    let mut preview = GoodwillCredits {
        credits,
        last_day,
        reason: reason.clone(),
        granted: false,
    };
    let check_day = |tz| {
        let today = local_day(now, tz);
        let latest = today
            .checked_add_months(chrono::Months::new(60))
            .unwrap_or(chrono::NaiveDate::MAX);
        if last_day < today || last_day > latest {
            return Err(AppError::invalid(
                "last_day",
                "choose a last day from today to five years ahead",
            ));
        }
        Ok(())
    };
    let Step::Confirm { key } = step else {
        let mut conn = db.conn().await?;
        let org = orgs::org(&mut conn, who.org_id)
            .await?
            .ok_or(AppError::NotFound)?;
        check_day(org.tz()?)?;
        return Ok(preview);
    };
    let mut g =
        guarded!(guard::begin(db, who.org_id, Action::Operate, key, "credits.goodwill").await?);
    let tx = &mut g.tx;
    let org = orgs::org(tx, who.org_id).await?.ok_or(AppError::NotFound)?;
    let tz = org.tz()?;
    check_day(tz)?;
    // The customer's history shows the reason; the key's start keeps two
    // grants with the same reason apart and finds the audit row.
    let source = format!("{reason} ({})", &key[..8]);
    let granted = ledger::insert_grant(
        tx,
        ledger::NewGrant {
            org_id: who.org_id,
            kind: GrantKind::Goodwill,
            amount: credits,
            granted_at: now,
            expires_at: local_midnight(last_day + chrono::Duration::days(1), tz),
            source: &source,
            document_id: None,
        },
    )
    .await?;
    if granted.is_none() {
        return Err(AppError::Conflict(
            "A grant with this reason and key exists; reload the page".into(),
        ));
    }
    audit::record(
        tx,
        who,
        "credits.goodwill",
        &serde_json::json!(null),
        &serde_json::json!({ "credits": credits, "last_day": last_day, "reason": reason }),
    )
    .await?;
    preview.granted = true;
    g.finish(preview).await
}
