//! The payment method (R-UI-6, R-PAY-1) and paying a failed invoice again
//! (R-PAY-2): card, PayPal or invoice, changed by the billing owner only.

use crate::domain::payment::Charged;
use crate::error::AppError;
pub use crate::views::payment::*;
use leptos::prelude::*;

#[server(endpoint = "payment_method")]
pub async fn payment_method() -> Result<PaymentMethodPage, AppError> {
    use crate::api::ctx::Ctx;
    use crate::domain::roles::Action;
    let ctx = Ctx::get()?;
    let member = ctx.require(Action::ViewBilling).await?;
    crate::services::payments::page(&ctx.db, member).await
}

/// Saves a card (number, `MM/YY` expiry, CVC); answers what is kept of it.
#[server(endpoint = "save_card")]
pub async fn save_card(number: String, expiry: String, cvc: String) -> Result<String, AppError> {
    use crate::api::ctx::Ctx;
    use crate::domain::roles::Action;
    let ctx = Ctx::get()?;
    let member = ctx.require(Action::EditBillingDetails).await?;
    let form = crate::domain::card::CardForm {
        number,
        expiry,
        cvc,
    };
    crate::services::payments::save_card(&ctx.db, &ctx.gateway, member, &form, ctx.now()).await
}

#[server(endpoint = "choose_invoice")]
pub async fn choose_invoice() -> Result<String, AppError> {
    use crate::api::ctx::Ctx;
    use crate::domain::roles::Action;
    let ctx = Ctx::get()?;
    let member = ctx.require(Action::EditBillingDetails).await?;
    crate::services::payments::choose_invoice(&ctx.db, member).await
}

/// Sends the customer to PayPal to approve a billing agreement.
#[server(endpoint = "begin_paypal")]
pub async fn begin_paypal() -> Result<(), AppError> {
    use crate::api::ctx::Ctx;
    use crate::domain::roles::Action;
    let ctx = Ctx::get()?;
    let member = ctx.require(Action::EditBillingDetails).await?;
    let url = crate::services::payments::begin_paypal(&ctx.db, &ctx.gateway, member).await?;
    leptos_axum::redirect(&url);
    Ok(())
}

/// Back from PayPal: `approved` is `true` or `false` (cancelled there).
#[server(endpoint = "finish_paypal")]
pub async fn finish_paypal(approval: String, approved: bool) -> Result<bool, AppError> {
    use crate::api::ctx::Ctx;
    use crate::domain::roles::Action;
    let ctx = Ctx::get()?;
    let member = ctx.require(Action::EditBillingDetails).await?;
    let saved = crate::services::payments::finish_paypal(
        &ctx.db,
        &ctx.gateway,
        member,
        &approval,
        approved,
    )
    .await?;
    leptos_axum::redirect("/billing/payment-method");
    Ok(saved)
}

/// *Retry now*: charges what failed charges left owed.
#[server(endpoint = "retry_payment")]
pub async fn retry_payment(idempotency_key: String) -> Result<Vec<Charged>, AppError> {
    use crate::api::ctx::Ctx;
    use crate::domain::roles::Action;
    let ctx = Ctx::get()?;
    let member = ctx.require(Action::EditBillingDetails).await?;
    let charged = crate::services::payments::retry_now(
        &ctx.db,
        &ctx.gateway,
        member,
        &idempotency_key,
        ctx.now(),
    )
    .await?;
    leptos_axum::redirect("/billing");
    Ok(charged)
}
