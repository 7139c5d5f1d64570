//! Money corrections by operators (R-OPS-1, R-INV-3), decided by
//! `domain::correction`: voiding an invoice issues a full credit note and
//! marks it void; a goodwill credit note credits an amount; goodwill
//! credits are a grant. Under the organisation's guard, with an
//! idempotency key and an audit entry, like every billing write.

use crate::db::{audit, credits as ledger, documents, orgs, Db};
use crate::domain::correction::{self, CorrectionError, Credit, Invoiced};
use crate::domain::credits::GrantKind;
use crate::domain::invoice::{LineItem, Series};
use crate::domain::money::{Currency, Money};
use crate::domain::party::Acting;
use crate::domain::period::{local_day, local_midnight, within_five_years};
use crate::domain::roles::Action;
use crate::domain::vat::VatTreatment;
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

/// An organisation's invoice as a correction reads it, under the
/// caller's connection: refused when it is not one of its invoices or is
/// void already.
struct Loaded {
    number: String,
    invoiced: Invoiced,
    /// The credit packs the invoice sold (their grants).
    packs: Vec<crate::domain::credits::Grant>,
    corrected: documents::Corrected,
    org: orgs::OrgRow,
    treatment: VatTreatment,
}

async fn load(conn: &mut AnyConnection, org_id: i64, number: &str) -> Result<Loaded, AppError> {
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
    let corrected = documents::invoice_lines(conn, found.id, currency).await?;
    let org = orgs::org(conn, org_id).await?.ok_or(AppError::NotFound)?;
    let packs = ledger::pack_grants_of(conn, found.id).await?;
    Ok(Loaded {
        number: number.to_string(),
        packs,
        invoiced: Invoiced {
            total: Money::new(found.total_minor, currency),
            credited: Money::new(found.credited_minor, currency),
            owed: corrected.amount_due,
        },
        // A correction keeps the corrected invoice's treatment and buyer.
        treatment: corrected.treatment.clone(),
        corrected,
        org,
    })
}

/// The domain's refusal as the field to fix, or a fault.
fn refused(e: CorrectionError) -> AppError {
    match e {
        CorrectionError::PartlyCredited { .. } | CorrectionError::PackUsed { .. } => {
            AppError::invalid("invoice", e.to_string())
        }
        CorrectionError::NotPositive | CorrectionError::MoreThanRest { .. } => {
            AppError::invalid("amount", e.to_string())
        }
        CorrectionError::LinesDiffer { .. } => AppError::internal("correction", e),
    }
}

/// Issues the credit note of `lines` against the loaded invoice and
/// settles with it: what the invoice owes first, the rest to the balance.
async fn issue_credit_note(
    tx: &mut AnyConnection,
    who: &Acting,
    l: &Loaded,
    lines: &[LineItem],
    credit: &Credit,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let (cn_id, cn_number) = documents::issue(
        tx,
        documents::NewDocument {
            org_id: who.org_id,
            series: Series::CreditNote,
            subscription_id: None,
            corrects_id: Some(l.corrected.id),
            issue_date: local_day(now, l.org.tz()?),
            currency: l.invoiced.total.currency(),
            lines,
            totals: &credit.totals,
            vat_note: l.corrected.vat_note.as_deref(),
            vat_rate: l.treatment.rate(),
            buyer: &l.corrected.buyer,
            locale: l.org.document_locale(),
        },
    )
    .await?;
    crate::services::payments::credit(
        tx,
        who,
        Some(l.corrected.id),
        cn_id,
        &cn_number,
        credit.totals.total,
    )
    .await?;
    Ok(cn_number)
}

/// Withdraws the unused credits of the packs the loaded invoice sold (an
/// expiry entry now: the customer's history shows them gone); returns how
/// many.
async fn withdraw(
    tx: &mut AnyConnection,
    who: &Acting,
    l: &Loaded,
    net: Money,
    used_refuses: bool,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let entries = correction::withdraw_packs(&l.packs, net, used_refuses).map_err(refused)?;
    ledger::insert_entries(
        tx,
        who.org_id,
        "expiry",
        &entries,
        local_day(now, l.org.tz()?),
        now,
    )
    .await?;
    Ok(entries.iter().map(|e| e.1).sum())
}

/// What voiding does, from the loaded invoice (`domain::correction::void`).
fn void_of(l: &Loaded, reason: String) -> Result<(VoidPreview, Credit), AppError> {
    let credit =
        correction::void(&l.invoiced, &l.corrected.lines, &l.treatment).map_err(refused)?;
    correction::withdraw_packs(&l.packs, credit.totals.subtotal, true).map_err(refused)?;
    Ok((
        VoidPreview {
            invoice: l.number.clone(),
            total: l.invoiced.total,
            amount_due: credit.settles,
            to_balance: credit.to_balance,
            reason,
            credit_note: None,
        },
        credit,
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
        let l = load(&mut *db.conn().await?, who.org_id, number).await?;
        return Ok(void_of(&l, reason)?.0);
    };
    let mut g = guarded!(guard::begin(db, who.org_id, Action::Operate, key, "invoice.void").await?);
    let tx = &mut g.tx;
    let l = load(tx, who.org_id, number).await?;
    let (mut preview, credit) = void_of(&l, reason.clone())?;
    let cn_number = issue_credit_note(tx, who, &l, &l.corrected.lines, &credit, now).await?;
    let withdrawn = withdraw(tx, who, &l, credit.totals.subtotal, true, now).await?;
    if !documents::set_void(tx, l.corrected.id).await? {
        return Err(AppError::Conflict(
            "The invoice was voided meanwhile".into(),
        ));
    }
    audit::record(
        tx,
        who,
        "invoice.void",
        &serde_json::json!({ "invoice": number, "status": "pending", "amount_due": preview.amount_due }),
        &serde_json::json!({ "invoice": number, "status": "void", "credit_note": cn_number, "reason": reason, "to_balance": preview.to_balance, "credits_withdrawn": withdrawn }),
    )
    .await?;
    preview.credit_note = Some(cn_number);
    g.finish(preview).await
}

/// What a goodwill credit note of `amount` (before VAT, in the invoice's
/// currency, at the rate its first line was taxed at) does, from the
/// loaded invoice (`domain::correction::goodwill`).
fn goodwill_of(
    l: &Loaded,
    amount: &str,
    reason: String,
) -> Result<(GoodwillNote, LineItem, Credit), AppError> {
    let net = Money::parse_major(amount, l.invoiced.total.currency())
        .map_err(|e| AppError::invalid("amount", e))?;
    let rate = l
        .corrected
        .lines
        .first()
        .map_or_else(|| l.treatment.rate(), |line| line.rate(&l.treatment));
    let (line, credit) =
        correction::goodwill(&l.invoiced, net, rate, &reason, &l.treatment).map_err(refused)?;
    let t = &credit.totals;
    Ok((
        GoodwillNote {
            invoice: l.number.clone(),
            net,
            vat: t.total - t.subtotal,
            total: t.total,
            settles: credit.settles,
            to_balance: credit.to_balance,
            creditable_after: credit.creditable_after,
            reason,
            credit_note: None,
        },
        line,
        credit,
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
        let l = load(&mut *db.conn().await?, who.org_id, number).await?;
        return Ok(goodwill_of(&l, amount, reason)?.0);
    };
    let mut g =
        guarded!(guard::begin(db, who.org_id, Action::Operate, key, "credit_note.goodwill").await?);
    let tx = &mut g.tx;
    let l = load(tx, who.org_id, number).await?;
    let (mut preview, line, credit) = goodwill_of(&l, amount, reason.clone())?;
    let cn_number =
        issue_credit_note(tx, who, &l, std::slice::from_ref(&line), &credit, now).await?;
    // Crediting a pack's invoice whole takes back what is left of the pack.
    if credit.creditable_after.is_zero() {
        withdraw(tx, who, &l, credit.totals.subtotal, false, now).await?;
    }
    audit::record(
        tx,
        who,
        "credit_note.goodwill",
        &serde_json::json!({ "invoice": number, "owed": l.invoiced.owed }),
        &serde_json::json!({ "invoice": number, "credit_note": cn_number, "total": preview.total, "settles": preview.settles, "to_balance": preview.to_balance, "reason": reason }),
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
        if !within_five_years(last_day, local_day(now, tz)) {
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
