//! The operators' console (R-OPS-1/2): its own login and session, and a
//! server function per action. Every one checks the operator on the
//! session first (`Ctx::require_operator`): a customer's session or none
//! is refused, and `support` only reads.

use crate::error::AppError;
pub use crate::views::ops::*;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::api::ctx::Ctx;

#[cfg(feature = "ssr")]
use crate::api::ctx::session_err;
#[cfg(feature = "ssr")]
use crate::domain::roles::Action;

/// A day as the console's forms give it.
#[cfg(feature = "ssr")]
fn parse_day(field: &str, text: &str) -> Result<chrono::NaiveDate, AppError> {
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::invalid(field, "give the date as YYYY-MM-DD"))
}

/// The operator on this session, or `None`.
#[server(endpoint = "ops_session")]
pub async fn ops_session() -> Result<Option<OperatorInfo>, AppError> {
    match Ctx::get()?.operator().await {
        Ok((_, me)) => Ok(Some(me)),
        Err(AppError::Unauthenticated) => Ok(None),
        Err(e) => Err(e),
    }
}

#[server(endpoint = "ops_login")]
pub async fn ops_login(email: String, password: String) -> Result<(), AppError> {
    use crate::api::ctx::{OPERATOR_ID, ORG_ID, USER_ID};
    let ctx = Ctx::get()?;
    let (id, _, must_change) = crate::services::auth::operator_login(
        &ctx.db,
        &ctx.login_limits,
        &email,
        &password,
        ctx.client_ip(),
        ctx.now(),
    )
    .await?;
    ctx.begin_session(&[(OPERATOR_ID, id)], &[USER_ID, ORG_ID])
        .await?;
    leptos_axum::redirect(if must_change { "/ops/password" } else { "/ops" });
    Ok(())
}

#[server(endpoint = "ops_logout")]
pub async fn ops_logout() -> Result<(), AppError> {
    let ctx = Ctx::get()?;
    ctx.session.flush().await.map_err(session_err)?;
    leptos_axum::redirect("/ops/login");
    Ok(())
}

/// An operator changes their password: the current one, then the new one
/// twice. Their other sessions end (a session someone else holds is worth
/// nothing after); this one goes on under a new id.
#[server(endpoint = "ops_password")]
pub async fn ops_password(
    current: String,
    password: String,
    repeat: String,
) -> Result<(), AppError> {
    let ctx = Ctx::get()?;
    let (party, _) = ctx.operator().await?;
    let crate::domain::party::Party::Operator { id, .. } = party else {
        return Err(AppError::Unauthenticated);
    };
    if password != repeat {
        return Err(AppError::invalid("repeat", "type the same password twice"));
    }
    crate::services::auth::change_operator_password(
        &ctx.db,
        &ctx.login_limits,
        id,
        &current,
        &password,
        ctx.client_ip(),
        ctx.now(),
    )
    .await?;
    ctx.begin_session(&[(crate::api::ctx::OPERATOR_ID, id)], &[])
        .await?;
    let ended = crate::db::session_store::end_sessions_of(
        &ctx.db,
        crate::api::ctx::OPERATOR_ID,
        id,
        ctx.session.id().map(|i| i.to_string()).as_deref(),
    )
    .await?;
    tracing::info!(
        operator_id = id,
        ended,
        "operator password changed; other sessions ended"
    );
    leptos_axum::redirect("/ops");
    Ok(())
}

#[server(endpoint = "ops_catalog")]
pub async fn ops_catalog() -> Result<CatalogView, AppError> {
    let ctx = Ctx::get()?;
    ctx.require_operator(Action::ViewBilling).await?;
    crate::services::catalog::catalog(&ctx.db).await
}

/// Publishes a new price version (`confirm`), or previews it. Amounts as
/// people type them ("1 290", "1290,50").
#[server(endpoint = "ops_publish_price")]
pub async fn ops_publish_price(
    plan_id: i64,
    currency: String,
    interval: String,
    flat: String,
    per_seat: String,
    min_seats: u32,
    confirm: Option<String>,
) -> Result<PricePublished, AppError> {
    use crate::domain::money::{Currency, Money};
    let ctx = Ctx::get()?;
    let by = ctx.require_operator(Action::Operate).await?;
    let currency = Currency::parse(&currency).map_err(|e| AppError::invalid("currency", e))?;
    let price = crate::db::catalog::NewPrice {
        plan_id,
        currency,
        interval: crate::domain::period::Interval::parse(&interval)
            .map_err(|e| AppError::invalid("interval", e))?,
        flat: Money::parse_major(&flat, currency).map_err(|e| AppError::invalid("flat", e))?,
        per_seat: Money::parse_major(&per_seat, currency)
            .map_err(|e| AppError::invalid("per_seat", e))?,
        min_seats,
        // Steps other than one seat are not sold yet (R-CAT-2's "any number above").
        seat_step: 1,
    };
    crate::services::catalog::publish_price(&ctx.db, &by, &price, confirm.is_some()).await
}

/// Saves what a plan offers (features, limits, monthly credits, packs,
/// trial); prices are published as versions instead.
#[server(endpoint = "ops_plan_edit")]
pub async fn ops_plan_edit(edit: PlanEdit) -> Result<(), AppError> {
    let ctx = Ctx::get()?;
    let by = ctx.require_operator(Action::Operate).await?;
    crate::services::catalog::edit_plan(&ctx.db, &by, &edit).await
}

/// Adds a credit pack (R-CAT-4); the same pack again adds nothing.
#[server(endpoint = "ops_pack_add")]
pub async fn ops_pack_add(
    name: String,
    credits: i64,
    price: String,
    currency: String,
    validity_months: u32,
) -> Result<(), AppError> {
    use crate::domain::money::{Currency, Money};
    let ctx = Ctx::get()?;
    let by = ctx.require_operator(Action::Operate).await?;
    let currency = Currency::parse(&currency).map_err(|e| AppError::invalid("currency", e))?;
    let pack = crate::db::catalog::NewPack {
        name: &name,
        credits,
        price: Money::parse_major(&price, currency).map_err(|e| AppError::invalid("price", e))?,
        validity_months,
    };
    crate::services::catalog::add_pack(&ctx.db, &by, &pack).await
}

/// Retires a credit pack: no longer sold; what was bought stays valid.
#[server(endpoint = "ops_pack_retire")]
pub async fn ops_pack_retire(id: i64) -> Result<(), AppError> {
    let ctx = Ctx::get()?;
    let by = ctx.require_operator(Action::Operate).await?;
    crate::services::catalog::retire_pack(&ctx.db, &by, id).await
}

#[server(endpoint = "ops_orgs")]
pub async fn ops_orgs(q: Option<String>) -> Result<Vec<OrgRow>, AppError> {
    let ctx = Ctx::get()?;
    ctx.require_operator(Action::ViewBilling).await?;
    crate::services::console::search(&ctx.db, q.as_deref().unwrap_or_default()).await
}

#[server(endpoint = "ops_org")]
pub async fn ops_org(id: i64) -> Result<OrgView, AppError> {
    let ctx = Ctx::get()?;
    ctx.require_operator(Action::ViewBilling).await?;
    crate::services::console::organisation(&ctx.db, id, ctx.now()).await
}

#[server(endpoint = "ops_org_flags")]
pub async fn ops_org_flags(
    org_id: i64,
    partner: Option<String>,
    partner_contact: Option<String>,
    plan_locked: Option<String>,
) -> Result<(), AppError> {
    let ctx = Ctx::get()?;
    let by = ctx.require_operator(Action::Operate).await?;
    let partner = partner
        .filter(|p| !p.trim().is_empty())
        .map(|p| (p, partner_contact));
    crate::services::console::set_flags(
        &ctx.db,
        &crate::domain::party::Acting::by(org_id, by),
        partner,
        plan_locked.is_some(),
    )
    .await
}

/// Voids an invoice with a full credit note (`confirm`), or previews it.
#[server(endpoint = "ops_void")]
pub async fn ops_void(
    org_id: i64,
    number: String,
    reason: String,
    idempotency_key: String,
    confirm: Option<String>,
) -> Result<VoidPreview, AppError> {
    let ctx = Ctx::get()?;
    let by = ctx.require_operator(Action::Operate).await?;
    crate::services::corrections::void_invoice(
        &ctx.db,
        &crate::domain::party::Acting::by(org_id, by),
        &number,
        &reason,
        crate::services::corrections::Step::of(confirm.is_some(), &idempotency_key),
        ctx.now(),
    )
    .await
}

/// Issues a goodwill credit note against an invoice (`confirm`), or
/// previews it. `amount` is before VAT, in the invoice's currency.
#[server(endpoint = "ops_goodwill_note")]
pub async fn ops_goodwill_note(
    org_id: i64,
    number: String,
    amount: String,
    reason: String,
    idempotency_key: String,
    confirm: Option<String>,
) -> Result<GoodwillNote, AppError> {
    let ctx = Ctx::get()?;
    let by = ctx.require_operator(Action::Operate).await?;
    crate::services::corrections::goodwill_note(
        &ctx.db,
        &crate::domain::party::Acting::by(org_id, by),
        number.trim(),
        &amount,
        &reason,
        crate::services::corrections::Step::of(confirm.is_some(), &idempotency_key),
        ctx.now(),
    )
    .await
}

/// Grants goodwill credits usable through `last_day` (`confirm`), or
/// previews it.
#[server(endpoint = "ops_goodwill_credits")]
pub async fn ops_goodwill_credits(
    org_id: i64,
    credits: i64,
    last_day: String,
    reason: String,
    idempotency_key: String,
    confirm: Option<String>,
) -> Result<GoodwillCredits, AppError> {
    let ctx = Ctx::get()?;
    let by = ctx.require_operator(Action::Operate).await?;
    crate::services::corrections::goodwill_credits(
        &ctx.db,
        &crate::domain::party::Acting::by(org_id, by),
        credits,
        parse_day("last_day", &last_day)?,
        &reason,
        crate::services::corrections::Step::of(confirm.is_some(), &idempotency_key),
        ctx.now(),
    )
    .await
}

/// Sets up an enterprise contract (`confirm`), or previews it. Its custom
/// schedule is one instalment a line, "YYYY-MM-DD amount".
#[server(endpoint = "ops_contract")]
pub async fn ops_contract(
    org_id: i64,
    form: ContractForm,
    idempotency_key: String,
    confirm: Option<String>,
) -> Result<ContractPreview, AppError> {
    let ctx = Ctx::get()?;
    let by = ctx.require_operator(Action::Operate).await?;
    crate::services::contracts::set_contract(
        &ctx.db,
        &crate::domain::party::Acting::by(org_id, by),
        &form,
        crate::services::corrections::Step::of(confirm.is_some(), &idempotency_key),
        ctx.now(),
    )
    .await
}

/// What the customer's billing page shows, read-only: no action is
/// offered, whoever looks.
#[server(endpoint = "ops_customer_view")]
pub async fn ops_customer_view(org_id: i64) -> Result<crate::views::billing::Overview, AppError> {
    let ctx = Ctx::get()?;
    let by = ctx.require_operator(Action::ViewBilling).await?;
    let mut o = crate::services::billing::overview(
        &ctx.db,
        crate::domain::party::Acting::by(org_id, by),
        None,
        ctx.now(),
    )
    .await?;
    (o.can_change_plan, o.can_pay) = (false, false);
    Ok(o)
}

/// Deactivates (`active` false) or reactivates a member.
#[server(endpoint = "ops_member_active")]
pub async fn ops_member_active(
    org_id: i64,
    membership_id: i64,
    active: bool,
) -> Result<(), AppError> {
    let ctx = Ctx::get()?;
    let by = ctx.require_operator(Action::Operate).await?;
    crate::services::members::set_active(
        &ctx.db,
        &crate::domain::party::Acting::by(org_id, by),
        membership_id,
        active,
    )
    .await
}

#[server(endpoint = "ops_team_add")]
pub async fn ops_team_add(org_id: i64, name: String) -> Result<(), AppError> {
    let ctx = Ctx::get()?;
    let by = ctx.require_operator(Action::Operate).await?;
    crate::services::members::add_team(
        &ctx.db,
        &crate::domain::party::Acting::by(org_id, by),
        &name,
    )
    .await
}

/// Moves a member into a team; an empty `team_id` moves them out of teams.
#[server(endpoint = "ops_member_team")]
pub async fn ops_member_team(
    org_id: i64,
    membership_id: i64,
    team_id: Option<String>,
) -> Result<(), AppError> {
    let ctx = Ctx::get()?;
    let by = ctx.require_operator(Action::Operate).await?;
    let team_id = match team_id.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(t) => Some(
            t.parse::<i64>()
                .map_err(|_| AppError::invalid("team", "choose a team"))?,
        ),
    };
    crate::services::members::move_member(
        &ctx.db,
        &crate::domain::party::Acting::by(org_id, by),
        membership_id,
        team_id,
    )
    .await
}

#[server(endpoint = "ops_payments")]
pub async fn ops_payments() -> Result<PaymentsView, AppError> {
    let ctx = Ctx::get()?;
    ctx.require_operator(Action::ViewBilling).await?;
    crate::services::console::payments_waiting(&ctx.db).await
}

/// Records a bank payment by hand; the key keeps a repeat from counting twice.
#[server(endpoint = "ops_record_payment")]
pub async fn ops_record_payment(
    date: String,
    amount: String,
    currency: String,
    reference: String,
    payer: Option<String>,
    idempotency_key: String,
) -> Result<String, AppError> {
    use crate::domain::money::{Currency, Money};
    use crate::services::bank::{record, Recorded, Recording};
    let ctx = Ctx::get()?;
    let by = ctx.require_operator(Action::Operate).await?;
    let currency = Currency::parse(&currency).map_err(|e| AppError::invalid("currency", e))?;
    let r = Recording {
        key: idempotency_key,
        date: parse_day("date", &date)?,
        amount: Money::parse_major(&amount, currency)
            .map_err(|e| AppError::invalid("amount", e))?,
        reference,
        payer: payer.filter(|p| !p.trim().is_empty()),
    };
    Ok(match record(&ctx.db, &by, &r).await? {
        Recorded::Matched => "Matched to its invoice by the OCR reference".into(),
        Recorded::Unmatched(why) => format!("Kept for matching by hand: {why}"),
        Recorded::AlreadyRecorded => "Recorded before; nothing added".into(),
    })
}

#[server(endpoint = "ops_match_payment")]
pub async fn ops_match_payment(payment_id: i64, invoice: String) -> Result<(), AppError> {
    let ctx = Ctx::get()?;
    let by = ctx.require_operator(Action::Operate).await?;
    crate::services::bank::match_to_invoice(&ctx.db, &by, payment_id, invoice.trim()).await
}

/// Takes back a bank payment matched to the wrong invoice; it waits again.
#[server(endpoint = "ops_reverse_match")]
pub async fn ops_reverse_match(payment_id: i64, reason: String) -> Result<(), AppError> {
    let ctx = Ctx::get()?;
    let by = ctx.require_operator(Action::Operate).await?;
    let today = ctx.now().date_naive();
    crate::services::bank::reverse_match(&ctx.db, &by, payment_id, &reason, today).await
}

/// One page of the audit log, newest first, filtered.
#[server(endpoint = "ops_audit")]
pub async fn ops_audit(
    org_id: Option<i64>,
    actor: Option<String>,
    action: Option<String>,
    from: Option<String>,
    to: Option<String>,
    before: Option<i64>,
) -> Result<AuditPage, AppError> {
    let ctx = Ctx::get()?;
    ctx.require_operator(Action::ViewBilling).await?;
    let day = |field: &str, v: Option<String>| {
        v.filter(|s| !s.trim().is_empty())
            .map(|s| parse_day(field, &s))
            .transpose()
    };
    let text = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let filter = crate::db::audit::AuditFilter {
        org_id,
        actor: text(actor),
        action: text(action),
        from: day("from", from)?,
        to: day("to", to)?,
    };
    crate::services::console::audit_log(&ctx.db, &filter, before).await
}

/// The test clock (R-OPS-2): what the clock would have issued the
/// organisation by midday (UTC) of `date`, writing nothing. Up to five
/// years ahead: the clock steps period by period.
#[server(endpoint = "ops_clock_preview")]
pub async fn ops_clock_preview(org_id: i64, date: String) -> Result<Vec<WouldIssue>, AppError> {
    let ctx = Ctx::get()?;
    ctx.require_operator(Action::ViewBilling).await?;
    let day = parse_day("date", &date)?;
    let now = ctx.now();
    if !crate::domain::period::within_five_years(day, now.date_naive()) {
        return Err(AppError::invalid(
            "date",
            "choose a day from today to five years ahead",
        ));
    }
    let until = day
        .and_hms_opt(12, 0, 0)
        .map_or(now, |noon| noon.and_utc().max(now));
    let issued = crate::services::clock::predict(&ctx.db, org_id, until).await?;
    let locale = crate::domain::locale::Locale::default();
    Ok(issued
        .into_iter()
        .map(|i| WouldIssue {
            issue_date: i.issue_date,
            lines: i
                .lines
                .iter()
                .map(|l| (l.describe(locale), l.amount))
                .collect(),
            total: i.totals.total,
        })
        .collect())
}

/// Runs the billing clock now for everyone (idempotent): what it did.
#[server(endpoint = "ops_clock_run")]
pub async fn ops_clock_run() -> Result<Vec<(String, i64)>, AppError> {
    let ctx = Ctx::get()?;
    ctx.require_operator(Action::Operate).await?;
    let c = crate::services::clock::advance(&ctx.db, &ctx.gateway, ctx.now()).await?;
    Ok(vec![
        ("renewed".into(), c.renewed as i64),
        ("invoices".into(), c.invoices as i64),
        ("trials ended".into(), c.trials_ended as i64),
        ("subscriptions ended".into(), c.ended as i64),
        ("contract instalments".into(), c.instalments as i64),
        ("allowances granted".into(), c.allowances_granted as i64),
        ("credits expired".into(), c.credits_expired),
        ("reminders".into(), c.reminders as i64),
        ("charges paid".into(), c.payments.paid as i64),
        ("charges declined".into(), c.payments.declined as i64),
        ("failed".into(), c.failed as i64),
    ])
}

/// The e-mail outbox, newest first: `status` is `waiting`, `sent`,
/// `failed` or empty for all.
#[server(endpoint = "ops_outbox")]
pub async fn ops_outbox(
    status: Option<String>,
    before: Option<i64>,
) -> Result<OutboxPage, AppError> {
    let ctx = Ctx::get()?;
    ctx.require_operator(Action::ViewBilling).await?;
    let status = status.filter(|s| !s.is_empty());
    if let Some(s) = &status {
        if !["waiting", "sent", "failed"].contains(&s.as_str()) {
            return Err(AppError::invalid("status", "waiting, sent or failed"));
        }
    }
    crate::services::console::outbox_page(
        &ctx.db,
        &ctx.seller.legal_name,
        status.as_deref(),
        before,
        ctx.mail_delivery.to_string(),
    )
    .await
}
