//! The payment method (R-UI-6, R-PAY-1): card, PayPal or invoice. Only the
//! billing owner changes it; every form posts without JavaScript too. The
//! PayPal approval page stands in for PayPal's own while the built-in test
//! provider is configured.

use crate::api::auth::SessionInfo;
use crate::api::billing::FailedPayment;
use crate::api::payment::{
    payment_method, BeginPaypal, ChooseInvoice, FinishPaypal, PaymentMethodPage, RetryPayment,
    SaveCard,
};
use crate::components::page::{error_view, sub_page};
use crate::components::session::SessionResource;
use crate::domain::billing_details::FieldError;
use crate::domain::locale::Locale;
use crate::domain::payment::{Decline, PaymentMethodKind};
use crate::error::AppError;
use crate::i18n::t;
use crate::tf;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// Why a charge failed, in the reader's language (English is the
/// domain's own message).
pub fn decline_text(d: Decline, l: Locale) -> &'static str {
    t(l, d.message_id())
}

/// "Your payment of 1 250,00 kr failed: card declined. Update your payment
/// method", with *Retry now* for the billing owner, and a link to the
/// payment method page unless it is that page (`on_method_page`).
pub fn failed_payment_view(
    f: FailedPayment,
    l: Locale,
    key: String,
    can_pay: bool,
    on_method_page: bool,
    retry: ServerAction<RetryPayment>,
) -> impl IntoView {
    let text = match f.decline {
        Some(decline) => tf!(
            l,
            "payment-failed-update",
            amount = f.amount.format(l),
            reason = decline_text(decline, l)
        ),
        None => tf!(l, "payment-overdue-update", amount = f.amount.format(l)),
    };
    view! {
        <div class="banner warning" role="alert" data-test="payment-failed">
            <p>{text}</p>
            {can_pay.then(|| view! {
                <div class="actions">
                    {(!on_method_page).then(|| view! {
                        <a class="button" href="/billing/payment-method">{t(l, "payment-method-update-payment-method")}</a>
                    })}
                    <ActionForm action=retry>
                        <input type="hidden" name="idempotency_key" value=key/>
                        <button type="submit" class="primary" data-test="retry-now">{t(l, "payment-method-retry-now")}</button>
                    </ActionForm>
                </div>
            })}
            {move || match retry.value().get() {
                Some(Err(e)) => Some(view! { <p class="error" role="alert">{e.message(l)}</p> }),
                _ => None,
            }}
        </div>
    }
}

#[component]
pub fn PaymentMethodPageView() -> impl IntoView {
    let session = expect_context::<SessionResource>();
    let save = ServerAction::<SaveCard>::new();
    let invoice = ServerAction::<ChooseInvoice>::new();
    let retry = ServerAction::<RetryPayment>::new();
    let page = Resource::new(
        move || {
            (
                save.version().get(),
                invoice.version().get(),
                retry.version().get(),
            )
        },
        |_| payment_method(),
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                let info = session.await.unwrap_or(SessionInfo { locale: Locale::default(), user: None });
                let l = info.locale;
                let body = match page.await {
                    Ok(p) => method_view(p, l, save, invoice, retry).into_any(),
                    Err(e) => error_view(e, l),
                };
                sub_page(info, t(l, "billing-payment-method"), body)
            })}
        </Suspense>
    }
}

fn method_view(
    p: PaymentMethodPage,
    l: Locale,
    save: ServerAction<SaveCard>,
    invoice: ServerAction<ChooseInvoice>,
    retry: ServerAction<RetryPayment>,
) -> impl IntoView {
    let paypal = ServerAction::<BeginPaypal>::new();
    let errors = move || -> Vec<FieldError> {
        match save.value().get() {
            Some(Err(AppError::Fields(e))) => e,
            _ => Vec::new(),
        }
    };
    let field = move |name: &'static str,
                      label: &'static str,
                      autocomplete: &'static str,
                      placeholder: &'static str| {
        let err = move || {
            errors()
                .into_iter()
                .find(|e| e.field == name)
                .map(|e| e.message.render(l))
        };
        let id = format!("pm-{name}");
        let err_id = format!("pm-{name}-error");
        view! {
            <div class="field">
                <label for=id.clone()>{label}</label>
                <input id=id name=name type="text" inputmode="numeric" autocomplete=autocomplete placeholder=placeholder
                    aria-invalid=move || err().is_some().then_some("true") aria-describedby=err_id.clone()/>
                <p class="field-error" id=err_id data-test=format!("error-{name}")>{err}</p>
            </div>
        }
    };
    let current = match p.kind {
        PaymentMethodKind::Invoice => t(l, "billing-invoice-bank-transfer").to_string(),
        _ => p.shown.clone(),
    };
    let failed = p
        .failed
        .clone()
        .map(|f| failed_payment_view(f, l, p.action_key.clone(), p.editable, true, retry));
    let editable = p.editable;
    let invoice_allowed = p.invoice_allowed;
    let is_invoice = p.kind == PaymentMethodKind::Invoice;
    view! {
        {failed}
        <section class="card" data-test="current-method">
            <h2>{t(l, "payment-method-current-payment-method")}</h2>
            <p class="big" data-test="method-shown">{current}</p>
            {(!p.chargeable && !is_invoice).then(|| view! {
                <p class="notice">{t(l, "payment-method-no-card-or-paypal-account")}</p>
            })}
            {(!editable).then(|| view! {
                <p class="notice" data-test="read-only">{p.refusal.clone().map(|r| r.render(l)).unwrap_or_default()}</p>
            })}
        </section>
        {editable.then(|| view! {
            <section class="card" data-test="card-form">
                <h2>{t(l, "payment-method-pay-by-card")}</h2>
                <ActionForm action=save attr:class="details-form">
                    {field("number", t(l, "payment-method-card-number"), "cc-number", "4242 4242 4242 4242")}
                    <div class="field-row">
                        {field("expiry", t(l, "payment-method-expiry-mm-yy"), "cc-exp", "12/30")}
                        {field("cvc", t(l, "payment-method-cvc"), "cc-csc", "123")}
                    </div>
                    <button type="submit" class="primary" data-test="save-card">{t(l, "payment-method-save-card")}</button>
                </ActionForm>
                {move || match save.value().get() {
                    Some(Ok(shown)) => Some(view! { <p class="ok" role="status" data-test="saved">{format!("{} {shown}", t(l, "payment-method-saved"))}</p> }.into_any()),
                    Some(Err(AppError::Fields(_))) => Some(view! { <p class="error" role="alert">{t(l, "billing-details-please-correct-the-marked-fields")}</p> }.into_any()),
                    Some(Err(e)) => Some(view! { <p class="error" role="alert">{e.message(l)}</p> }.into_any()),
                    None => None,
                }}
                <p class="muted">{t(l, "payment-method-the-card-number-and-cvc")}</p>
            </section>
            <section class="card" data-test="other-methods">
                <h2>{t(l, "payment-method-other-ways-to-pay")}</h2>
                <ActionForm action=paypal>
                    <button type="submit" data-test="choose-paypal">{t(l, "payment-method-pay-with-paypal")}</button>
                </ActionForm>
                {move || match paypal.value().get() {
                    Some(Err(e)) => Some(view! { <p class="error" role="alert">{e.message(l)}</p> }),
                    _ => None,
                }}
                {if invoice_allowed {
                    view! {
                        <ActionForm action=invoice>
                            <button type="submit" data-test="choose-invoice" disabled=is_invoice>{t(l, "payment-method-pay-by-invoice-bank-transfer")}</button>
                        </ActionForm>
                    }.into_any()
                } else {
                    view! { <p class="muted" data-test="invoice-not-allowed">{t(l, "payment-method-invoice-payment-is-available-to")}</p> }.into_any()
                }}
                {move || match invoice.value().get() {
                    Some(Err(e)) => Some(view! { <p class="error" role="alert">{e.message(l)}</p> }),
                    _ => None,
                }}
            </section>
        })}
    }
}

/// Stands in for PayPal's approval page (the test provider): the customer
/// approves the billing agreement or cancels, and comes back.
#[component]
pub fn PayPalApprovalPage() -> impl IntoView {
    let session = expect_context::<SessionResource>();
    let query = use_query_map();
    let finish = ServerAction::<FinishPaypal>::new();
    view! {
        <Suspense fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                let info = session.await.unwrap_or(SessionInfo { locale: Locale::default(), user: None });
                let l = info.locale;
                let approve = query.read_untracked().get("approval").unwrap_or_default();
                let cancel = approve.clone();
                let body = view! {
                    <section class="card" data-test="paypal-approval">
                        <p class="notice">{t(l, "payment-method-test-mode-this-page-stands")}</p>
                        <p>{t(l, "payment-method-approve-a-billing-agreement-so")}</p>
                        <div class="actions">
                            <ActionForm action=finish>
                                <input type="hidden" name="approval" value=approve.clone()/>
                                <input type="hidden" name="approved" value="true"/>
                                <button type="submit" class="primary" data-test="paypal-approve">{t(l, "payment-method-approve")}</button>
                            </ActionForm>
                            <ActionForm action=finish>
                                <input type="hidden" name="approval" value=cancel.clone()/>
                                <input type="hidden" name="approved" value="false"/>
                                <button type="submit" data-test="paypal-cancel">{t(l, "payment-method-cancel")}</button>
                            </ActionForm>
                        </div>
                        {move || match finish.value().get() {
                            Some(Err(e)) => Some(view! { <p class="error" role="alert">{e.message(l)}</p> }),
                            _ => None,
                        }}
                    </section>
                }
                .into_any();
                sub_page(info, "PayPal", body)
            })}
        </Suspense>
    }
}
