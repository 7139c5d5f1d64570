//! Billing details (R-UI-6): who invoices are addressed to. Only the billing
//! owner edits; every wrong field says what to fix, next to the field.

use crate::api::auth::SessionInfo;
use crate::api::documents::{billing_details, BillingDetailsView, SaveBillingDetails};
use crate::components::page::{error_view, sub_page};
use crate::components::session::SessionResource;
use crate::domain::billing_details::FieldError;
use crate::domain::locale::Locale;
use crate::error::AppError;
use crate::i18n::t;
use leptos::prelude::*;

#[component]
pub fn BillingDetailsPage() -> impl IntoView {
    let session = expect_context::<SessionResource>();
    let save = ServerAction::<SaveBillingDetails>::new();
    // Reloaded after a save that went through; after a refused one the
    // form keeps what was typed.
    let saved = RwSignal::new(0u32);
    Effect::new(move |_| {
        if matches!(save.value().get(), Some(Ok(()))) {
            saved.update(|n| *n += 1);
        }
    });
    let details = Resource::new(move || saved.get(), |_| billing_details());
    view! {
        <Suspense fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                let info = session.await.unwrap_or(SessionInfo { locale: Locale::default(), user: None });
                let l = info.locale;
                let body = match details.await {
                    Ok(d) => details_view(d, l, save).into_any(),
                    Err(e) => error_view(e, l),
                };
                sub_page(info, t(l, "billing-billing-details"), body)
            })}
        </Suspense>
    }
}

/// The countries the form offers, by code and message id; a stored code
/// outside the list is offered too, as its code.
const COUNTRIES: [(&str, &str); 41] = [
    ("SE", "country-se"),
    ("NO", "country-no"),
    ("DK", "country-dk"),
    ("FI", "country-fi"),
    ("IS", "country-is"),
    ("DE", "country-de"),
    ("NL", "country-nl"),
    ("BE", "country-be"),
    ("FR", "country-fr"),
    ("ES", "country-es"),
    ("IT", "country-it"),
    ("PL", "country-pl"),
    ("AT", "country-at"),
    ("IE", "country-ie"),
    ("PT", "country-pt"),
    ("LU", "country-lu"),
    ("EE", "country-ee"),
    ("LV", "country-lv"),
    ("LT", "country-lt"),
    ("CZ", "country-cz"),
    ("SK", "country-sk"),
    ("SI", "country-si"),
    ("HR", "country-hr"),
    ("HU", "country-hu"),
    ("RO", "country-ro"),
    ("BG", "country-bg"),
    ("GR", "country-gr"),
    ("CY", "country-cy"),
    ("MT", "country-mt"),
    ("CH", "country-ch"),
    ("GB", "country-gb"),
    ("US", "country-us"),
    ("CA", "country-ca"),
    ("AU", "country-au"),
    ("NZ", "country-nz"),
    ("JP", "country-jp"),
    ("SG", "country-sg"),
    ("IN", "country-in"),
    ("BR", "country-br"),
    ("ZA", "country-za"),
    ("AE", "country-ae"),
];

/// The country choices in `l`, by name, with `current` among them.
fn country_options(l: Locale, current: &str) -> Vec<(String, String)> {
    let mut options: Vec<(String, String)> = COUNTRIES
        .iter()
        .map(|(code, id)| (code.to_string(), t(l, id).to_string()))
        .collect();
    if !current.is_empty()
        && !COUNTRIES
            .iter()
            .any(|(code, _)| code.eq_ignore_ascii_case(current))
    {
        options.push((current.to_string(), current.to_string()));
    }
    options.sort_by(|a, b| a.1.cmp(&b.1));
    if current.is_empty() {
        options.insert(0, (String::new(), "—".to_string()));
    }
    options
}

fn field_label(field: &str, l: Locale) -> &'static str {
    match field {
        "legal_name" => t(l, "billing-details-legal-name"),
        "address" => t(l, "billing-details-address"),
        "postal_code" => t(l, "billing-details-postal-code"),
        "city" => t(l, "billing-details-city"),
        "country" => t(l, "billing-details-country"),
        "vat_number" => t(l, "billing-details-vat-number"),
        "org_number" => t(l, "billing-details-org-number"),
        "invoice_email" => t(l, "billing-details-invoice-e-mail"),
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
                .map(|e| e.message.render(l))
        }
    };
    let f = d.form;
    // What a refused save had in a wrong field, shown again instead of the
    // stored value (the page a form post without JavaScript comes back to).
    let typed = move |name: &str| {
        save.value()
            .get_untracked()
            .and_then(|r| r.err())
            .and_then(|e| match e {
                AppError::Fields(errors) => errors.into_iter().find(|e| e.field == name),
                _ => None,
            })
            .and_then(|e| e.typed)
    };
    let field = move |name: &'static str, stored: String, editable: bool| {
        let value = typed(name).unwrap_or(stored);
        let err = error_of(name);
        let id = format!("bd-{name}");
        let err_id = format!("bd-{name}-error");
        let multiline = name == "address";
        view! {
            <div class="field">
                <label for=id.clone()>{field_label(name, l)}</label>
                {if name == "country" {
                    let chosen = value.to_ascii_uppercase();
                    view! { <select id=id name=name disabled=!editable autocomplete="country"
                        aria-invalid=move || err().is_some().then_some("true") aria-describedby=err_id.clone()>
                        {country_options(l, &chosen).into_iter().map(|(code, name)| {
                            let selected = code == chosen;
                            view! { <option value=code selected=selected>{name}</option> }
                        }).collect_view()}
                    </select> }.into_any()
                } else if multiline {
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
                <p class="notice" data-test="read-only">{d.refusal.clone().map(|r| r.render(l)).unwrap_or_default()}</p>
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
                {field("org_number", f.org_number, editable)}
                {field("invoice_email", f.invoice_email, editable)}
                {editable.then(|| view! { <button type="submit" class="primary">{t(l, "billing-details-save")}</button> })}
            </ActionForm>
            {move || match save.value().get() {
                Some(Ok(())) => Some(view! { <p class="ok" role="status" data-test="saved">{t(l, "billing-details-saved-new-invoices-use-these")}</p> }.into_any()),
                Some(Err(AppError::Fields(_))) => Some(view! { <p class="error" role="alert">{t(l, "billing-details-please-correct-the-marked-fields")}</p> }.into_any()),
                Some(Err(e)) => Some(view! { <p class="error" role="alert">{e.message(l)}</p> }.into_any()),
                None => None,
            }}
            <p class="muted">{t(l, "billing-details-swedish-buyers-pay-25-vat")}</p>
        </section>
    }
}
