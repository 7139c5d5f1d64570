//! Billing details (R-UI-6): who invoices are addressed to. Only the billing
//! owner edits; every wrong field says what to fix, next to the field.

use crate::api::auth::SessionInfo;
use crate::api::documents::{billing_details, BillingDetailsView, SaveBillingDetails};
use crate::app::SessionResource;
use crate::components::page::{error_view, sub_page};
use crate::domain::billing_details::FieldError;
use crate::domain::locale::Locale;
use crate::error::AppError;
use crate::i18n::tr;
use leptos::prelude::*;

#[component]
pub fn BillingDetailsPage() -> impl IntoView {
    let session = expect_context::<SessionResource>();
    let save = ServerAction::<SaveBillingDetails>::new();
    let details = Resource::new(move || save.version().get(), |_| billing_details());
    view! {
        <Suspense fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                let info = session.await.unwrap_or(SessionInfo { locale: Locale::default(), user: None });
                let l = info.locale;
                let body = match details.await {
                    Ok(d) => details_view(d, l, save).into_any(),
                    Err(e) => error_view(e, l),
                };
                sub_page(info, tr(l, "Faktureringsuppgifter", "Billing details"), body)
            })}
        </Suspense>
    }
}

fn field_label(field: &str, l: Locale) -> &'static str {
    match field {
        "legal_name" => tr(l, "Juridiskt namn", "Legal name"),
        "address" => tr(l, "Adress", "Address"),
        "postal_code" => tr(l, "Postnummer", "Postal code"),
        "city" => tr(l, "Ort", "City"),
        "country" => tr(l, "Land (ISO-kod, t.ex. SE)", "Country (ISO code, e.g. SE)"),
        "vat_number" => tr(l, "Momsregistreringsnummer", "VAT number"),
        "invoice_email" => tr(l, "E-post för fakturor", "Invoice e-mail"),
        _ => "",
    }
}

fn details_view(
    d: BillingDetailsView,
    l: Locale,
    save: ServerAction<SaveBillingDetails>,
) -> impl IntoView {
    let errors = move || -> Vec<FieldError> {
        match save.value().get() {
            Some(Err(AppError::Fields(e))) => e,
            _ => Vec::new(),
        }
    };
    let error_of = move |field: &'static str| {
        move || {
            errors()
                .into_iter()
                .find(|e| e.field == field)
                .map(|e| e.message)
        }
    };
    let f = d.form;
    let field = move |name: &'static str, value: String, editable: bool| {
        let err = error_of(name);
        let id = format!("bd-{name}");
        let err_id = format!("bd-{name}-error");
        let multiline = name == "address";
        view! {
            <div class="field">
                <label for=id.clone()>{field_label(name, l)}</label>
                {if multiline {
                    view! { <textarea id=id name=name rows="3" disabled=!editable
                        aria-invalid=move || err().is_some().then_some("true") aria-describedby=err_id.clone()>{value}</textarea> }.into_any()
                } else {
                    view! { <input id=id name=name type="text" value=value disabled=!editable
                        aria-invalid=move || err().is_some().then_some("true") aria-describedby=err_id.clone()/> }.into_any()
                }}
                <p class="field-error" id=err_id data-test=format!("error-{name}")>{err}</p>
            </div>
        }
    };
    let editable = d.editable;
    view! {
        <section class="card">
            {(!editable).then(|| view! {
                <p class="notice" data-test="read-only">{format!("{} {}", tr(l, "Bara faktureringsansvarig kan ändra uppgifterna:", "Only the billing owner can change these details:"), d.billing_owner.clone().unwrap_or_default())}</p>
            })}
            <ActionForm action=save attr:class="details-form">
                {field("legal_name", f.legal_name, editable)}
                {field("address", f.address, editable)}
                <div class="field-row">
                    {field("postal_code", f.postal_code, editable)}
                    {field("city", f.city, editable)}
                </div>
                {field("country", f.country, editable)}
                {field("vat_number", f.vat_number, editable)}
                {field("invoice_email", f.invoice_email, editable)}
                {editable.then(|| view! { <button type="submit" class="primary">{tr(l, "Spara", "Save")}</button> })}
            </ActionForm>
            {move || match save.value().get() {
                Some(Ok(())) => Some(view! { <p class="ok" role="status" data-test="saved">{tr(l, "Sparat. Nya fakturor använder uppgifterna; utfärdade fakturor ändras inte.", "Saved. New invoices use these details; issued invoices do not change.")}</p> }.into_any()),
                Some(Err(AppError::Fields(_))) => Some(view! { <p class="error" role="alert">{tr(l, "Rätta de markerade fälten.", "Please correct the marked fields.")}</p> }.into_any()),
                Some(Err(e)) => Some(view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any()),
                None => None,
            }}
            <p class="muted">{tr(l, "Svenska köpare betalar 25 % moms. Företag i andra EU-länder med giltigt momsregistreringsnummer faktureras med omvänd betalningsskyldighet; utanför EU utan moms (export).", "Swedish buyers pay 25 % VAT. Businesses in other EU countries with a valid VAT number are invoiced under reverse charge; outside the EU without VAT (export).")}</p>
        </section>
    }
}
