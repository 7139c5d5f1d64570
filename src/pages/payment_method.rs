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
use crate::app::SessionResource;
use crate::components::page::{error_view, sub_page};
use crate::domain::billing_details::FieldError;
use crate::domain::locale::Locale;
use crate::domain::payment::{Decline, PaymentMethodKind};
use crate::error::AppError;
use crate::i18n::tr;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// Why a charge failed, in the reader's language (English is the
/// domain's own message).
pub fn decline_text(d: Decline, l: Locale) -> &'static str {
    let sv = match d {
        Decline::Generic => "kortet nekades",
        Decline::InsufficientFunds => "otillräckligt saldo",
        Decline::ExpiredCard => "kortet har gått ut",
        Decline::LostCard => "kortet är anmält förlorat",
        Decline::StolenCard => "kortet är anmält stulet",
        Decline::IncorrectCvc => "fel säkerhetskod (CVC)",
        Decline::ProcessingError => "betalningen kunde inte behandlas; försök igen",
    };
    tr(l, sv, d.message())
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
    let text = match l {
        Locale::Sv => format!(
            "Din betalning på {} misslyckades: {}. Uppdatera din betalningsmetod.",
            f.amount.format(l),
            decline_text(f.decline, l)
        ),
        Locale::En => format!(
            "Your payment of {} failed: {}. Update your payment method.",
            f.amount.format(l),
            decline_text(f.decline, l)
        ),
    };
    view! {
        <div class="banner warning" role="alert" data-test="payment-failed">
            <p>{text}</p>
            {can_pay.then(|| view! {
                <div class="actions">
                    {(!on_method_page).then(|| view! {
                        <a class="button" href="/billing/payment-method">{tr(l, "Uppdatera betalningsmetod", "Update payment method")}</a>
                    })}
                    <ActionForm action=retry>
                        <input type="hidden" name="idempotency_key" value=key/>
                        <button type="submit" class="primary" data-test="retry-now">{tr(l, "Försök igen nu", "Retry now")}</button>
                    </ActionForm>
                </div>
            })}
            {move || match retry.value().get() {
                Some(Err(e)) => Some(view! { <p class="error" role="alert">{e.to_string()}</p> }),
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
                sub_page(info, tr(l, "Betalningsmetod", "Payment method"), body)
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
                .map(|e| e.message)
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
        PaymentMethodKind::Invoice => {
            tr(l, "Faktura (bankgiro)", "Invoice (bank transfer)").to_string()
        }
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
            <h2>{tr(l, "Nuvarande betalningsmetod", "Current payment method")}</h2>
            <p class="big" data-test="method-shown">{current}</p>
            {(!p.chargeable && !is_invoice).then(|| view! {
                <p class="notice">{tr(l, "Inget kort eller PayPal-konto är sparat: fakturor betalas inte automatiskt.", "No card or PayPal account is saved: invoices are not paid automatically.")}</p>
            })}
            {(!editable).then(|| view! {
                <p class="notice" data-test="read-only">{format!("{} {}", tr(l, "Bara faktureringsansvarig kan ändra betalningsmetoden:", "Only the billing owner can change the payment method:"), p.billing_owner.clone().unwrap_or_default())}</p>
            })}
        </section>
        {editable.then(|| view! {
            <section class="card" data-test="card-form">
                <h2>{tr(l, "Betala med kort", "Pay by card")}</h2>
                <ActionForm action=save attr:class="details-form">
                    {field("number", tr(l, "Kortnummer", "Card number"), "cc-number", "4242 4242 4242 4242")}
                    <div class="field-row">
                        {field("expiry", tr(l, "Giltigt till (MM/ÅÅ)", "Expiry (MM/YY)"), "cc-exp", "12/30")}
                        {field("cvc", tr(l, "CVC", "CVC"), "cc-csc", "123")}
                    </div>
                    <button type="submit" class="primary" data-test="save-card">{tr(l, "Spara kortet", "Save card")}</button>
                </ActionForm>
                {move || match save.value().get() {
                    Some(Ok(shown)) => Some(view! { <p class="ok" role="status" data-test="saved">{format!("{} {shown}", tr(l, "Sparat:", "Saved:"))}</p> }.into_any()),
                    Some(Err(AppError::Fields(_))) => Some(view! { <p class="error" role="alert">{tr(l, "Rätta de markerade fälten.", "Please correct the marked fields.")}</p> }.into_any()),
                    Some(Err(e)) => Some(view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any()),
                    None => None,
                }}
                <p class="muted">{tr(l, "Kortnumret och CVC skickas till betalleverantören och sparas aldrig här; vi sparar bara korttyp, de fyra sista siffrorna och giltighetstiden.", "The card number and CVC go to the payment provider and are never stored here; we keep only the brand, the last four digits and the expiry.")}</p>
            </section>
            <section class="card" data-test="other-methods">
                <h2>{tr(l, "Andra sätt att betala", "Other ways to pay")}</h2>
                <ActionForm action=paypal>
                    <button type="submit" data-test="choose-paypal">{tr(l, "Betala med PayPal", "Pay with PayPal")}</button>
                </ActionForm>
                {move || match paypal.value().get() {
                    Some(Err(e)) => Some(view! { <p class="error" role="alert">{e.to_string()}</p> }),
                    _ => None,
                }}
                {if invoice_allowed {
                    view! {
                        <ActionForm action=invoice>
                            <button type="submit" data-test="choose-invoice" disabled=is_invoice>{tr(l, "Betala mot faktura (bankgiro)", "Pay by invoice (bank transfer)")}</button>
                        </ActionForm>
                    }.into_any()
                } else {
                    view! { <p class="muted" data-test="invoice-not-allowed">{tr(l, "Betalning mot faktura finns för organisationer i Sverige och för årsabonnemang med minst 20 platser.", "Invoice payment is available to organisations in Sweden and to annual subscriptions of 20 seats or more.")}</p> }.into_any()
                }}
                {move || match invoice.value().get() {
                    Some(Err(e)) => Some(view! { <p class="error" role="alert">{e.to_string()}</p> }),
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
                        <p class="notice">{tr(l, "Testläge: den här sidan står för PayPals godkännandesida.", "Test mode: this page stands in for PayPal's approval page.")}</p>
                        <p>{tr(l, "Godkänn ett betalningsavtal så att kommande fakturor dras från ditt PayPal-konto.", "Approve a billing agreement so that future invoices are paid from your PayPal account.")}</p>
                        <div class="actions">
                            <ActionForm action=finish>
                                <input type="hidden" name="approval" value=approve.clone()/>
                                <input type="hidden" name="approved" value="true"/>
                                <button type="submit" class="primary" data-test="paypal-approve">{tr(l, "Godkänn", "Approve")}</button>
                            </ActionForm>
                            <ActionForm action=finish>
                                <input type="hidden" name="approval" value=cancel.clone()/>
                                <input type="hidden" name="approved" value="false"/>
                                <button type="submit" data-test="paypal-cancel">{tr(l, "Avbryt", "Cancel")}</button>
                            </ActionForm>
                        </div>
                        {move || match finish.value().get() {
                            Some(Err(e)) => Some(view! { <p class="error" role="alert">{e.to_string()}</p> }),
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
