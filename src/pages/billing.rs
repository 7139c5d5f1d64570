//! The billing overview (R-UI-1): plan, price, credits, features and limits,
//! seats, next invoice, payment method, terms and banners.

use crate::api::auth::SessionInfo;
use crate::api::billing::{billing_overview, Banner, Overview};
use crate::api::payment::RetryPayment;
use crate::api::subscription::{AutoRenew, FinishTrial};
use crate::app::{SessionActions, SessionResource};
use crate::components::documents::documents_table;
use crate::components::header::Header;
use crate::domain::locale::Locale;
use crate::domain::payment::PaymentMethodKind;
use crate::domain::period::Interval;
use crate::domain::subscription::Status;
use crate::error::AppError;
use crate::i18n::tr;
use crate::pages::payment_method::failed_payment_view;
use leptos::prelude::*;
use leptos_router::components::Redirect;

#[component]
pub fn BillingPage() -> impl IntoView {
    let actions = expect_context::<SessionActions>();
    let session = expect_context::<SessionResource>();
    let retry = ServerAction::<RetryPayment>::new();
    let overview = Resource::new(
        move || (actions.switch_org.version().get(), retry.version().get()),
        |_| billing_overview(),
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                let info = session.await.unwrap_or(SessionInfo { locale: Locale::default(), user: None });
                let l = info.locale;
                let body = match overview.await {
                    Ok(o) => overview_view(o, l, retry).into_any(),
                    Err(AppError::Unauthenticated) => view! { <Redirect path="/login"/> }.into_any(),
                    Err(AppError::Forbidden { billing_owner, .. }) => no_access(l, billing_owner).into_any(),
                    Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
                };
                view! {
                    <Header info=info.clone()/>
                    <main class="page">{body}</main>
                }
            })}
        </Suspense>
    }
}

fn no_access(l: Locale, owner: Option<String>) -> impl IntoView {
    let text = match (l, owner) {
        (Locale::Sv, Some(o)) => format!("Du har inte tillgång till fakturering. Fråga {o}."),
        (Locale::En, Some(o)) => format!("You don't have access to billing. Ask {o}."),
        (Locale::Sv, None) => "Du har inte tillgång till fakturering.".to_string(),
        (Locale::En, None) => "You don't have access to billing.".to_string(),
    };
    view! {
        <section class="card notice" data-test="no-access">
            <h1>{tr(l, "Fakturering", "Billing")}</h1>
            <p>{text}</p>
        </section>
    }
}

fn banner_view(b: Banner, l: Locale) -> impl IntoView {
    let (class, text) = match b {
        Banner::Scheduled { plan, seats, date } => (
            "info",
            match l {
                Locale::Sv => format!("Din plan ändras till {plan} ({seats} platser) den {}.", l.date(date)),
                Locale::En => format!("Your plan changes to {plan} ({seats} seats) on {}.", l.date(date)),
            },
        ),
        Banner::Trial { plan, days_left, ends } => (
            "info",
            match l {
                Locale::Sv => format!("Du provar {plan}: {days_left} dagar kvar (till {}). Du debiteras inte automatiskt.", l.date(ends)),
                Locale::En => format!("You are trying {plan}: {days_left} days left (until {}). You will not be charged automatically.", l.date(ends)),
            },
        ),
        Banner::PastDue(_) => (
            "warning",
            tr(l, "Betalningen misslyckades. Uppdatera betalningsmetoden.", "Your payment failed. Please update your payment method.").to_string(),
        ),
        Banner::PartnerManaged { partner, contact } => (
            "info",
            match l {
                Locale::Sv => format!("Ditt konto hanteras av {partner}; kontakta dem för att ändra faktureringen."),
                Locale::En => format!("Your account is managed by {partner}; contact them to change billing."),
            } + &contact.map(|c| format!(" ({c})")).unwrap_or_default(),
        ),
        Banner::PlanLocked => (
            "info",
            tr(l, "Planen är låst enligt ert avtal. Kontakta er kontaktperson för att ändra den.", "Your plan is locked by your agreement. Contact your account manager to change it.").to_string(),
        ),
        Banner::ContactSales => (
            "info",
            tr(l, "Ni faktureras enligt avtal. Kontakta säljavdelningen för att ändra plan eller platser.", "You are billed under a contract. Contact sales to change plan or seats.").to_string(),
        ),
    };
    view! { <div class=format!("banner {class}") role="status">{text}</div> }
}

fn interval_text(i: Interval, l: Locale) -> &'static str {
    match i {
        Interval::Monthly => tr(l, "per månad", "per month"),
        Interval::Annual => tr(l, "per år", "per year"),
    }
}

fn status_text(s: Status, l: Locale) -> &'static str {
    match s {
        Status::Trialing => tr(l, "Provperiod", "Trial"),
        Status::Active => tr(l, "Aktiv", "Active"),
        Status::PastDue => tr(l, "Förfallen betalning", "Past due"),
        Status::Canceled => tr(l, "Avslutad", "Canceled"),
    }
}

fn limit_name(key: &str, l: Locale) -> String {
    match key {
        "contacts" => tr(l, "Kontakter", "Contacts").into(),
        "emails_per_month" => tr(l, "E-postutskick per månad", "E-mail sends per month").into(),
        "integrations" => tr(l, "Integrationer", "Integrations").into(),
        other => other.to_string(),
    }
}

fn count(n: i64, l: Locale) -> String {
    l.integer(n.unsigned_abs())
}

/// The overview's body; the console shows it read-only too.
pub(crate) fn overview_view(
    o: Overview,
    l: Locale,
    retry: ServerAction<RetryPayment>,
) -> impl IntoView {
    let payment = match (o.payment_method.kind, o.payment_method.card) {
        (PaymentMethodKind::Card, Some((brand, last4))) => format!("{brand} •••• {last4}"),
        (PaymentMethodKind::Card, None) => tr(l, "Kort", "Card").to_string(),
        (PaymentMethodKind::Invoice, _) => {
            tr(l, "Faktura (bankgiro)", "Invoice (bank transfer)").to_string()
        }
        (PaymentMethodKind::PayPal, _) => "PayPal".to_string(),
    };
    let next = match (o.next_billing_date, o.next_amount, o.service_ends) {
        (Some(d), Some(m), _) => format!("{} – {}", l.date(d), m.format(l)),
        (_, _, Some(end)) => format!(
            "{} {}",
            tr(
                l,
                "Ingen – abonnemanget upphör efter",
                "None – the subscription ends after"
            ),
            l.date(end)
        ),
        _ if o.contract.is_some() => tr(l, "Enligt avtal", "As per contract").to_string(),
        _ => tr(l, "Ingen", "None").to_string(),
    };
    let terms = match (o.commitment_end, o.auto_renew) {
        (Some(c), true) => format!(
            "{} {}, {}",
            tr(l, "Bindningstid till", "Committed until"),
            l.date(c),
            tr(l, "förnyas automatiskt", "renews automatically")
        ),
        (Some(c), false) => format!(
            "{} {}, {}",
            tr(l, "Bindningstid till", "Committed until"),
            l.date(c),
            tr(l, "förnyas inte", "does not renew")
        ),
        (None, true) => tr(l, "Förnyas automatiskt", "Renews automatically").to_string(),
        (None, false) => tr(l, "Förnyas inte", "Does not renew").to_string(),
    };
    let contract = o.contract.map(|c| {
        view! {
            <section class="card" data-test="contract">
                <h2>{tr(l, "Avtal", "Contract")}</h2>
                <dl class="facts">
                    <dt>{tr(l, "Avtalsvärde", "Contract value")}</dt>
                    <dd>{format!("{} ({} {})", c.total.format(l), c.years, tr(l, "år", "years"))}</dd>
                    <dt>{tr(l, "Volymrabatt", "Volume discount")}</dt>
                    <dd>{c.discount.format(l)}</dd>
                    <dt>{tr(l, "Användare", "Users")}</dt>
                    <dd>{format!("{} {}", tr(l, "Obegränsat upp till", "Unlimited up to"), c.seat_tier)}</dd>
                    <dt>{tr(l, "Förnyas", "Renews")}</dt>
                    <dd>{l.date(c.renewal_date)}</dd>
                </dl>
                <h3>{tr(l, "Betalningsplan", "Payment schedule")}</h3>
                <table>
                    <thead><tr><th>{tr(l, "Förfallodatum", "Due")}</th><th class="num">{tr(l, "Belopp", "Amount")}</th></tr></thead>
                    <tbody>
                        {c.instalments.into_iter().map(|i| view! {
                            <tr><td>{l.date(i.due)}</td><td class="num">{i.amount.format(l)}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        }
    });
    let documents = (!o.documents.is_empty()).then(|| {
        view! {
            <section class="card wide" data-test="documents">
                <h2>{tr(l, "Senaste fakturor", "Latest invoices")}</h2>
                {documents_table(o.documents, l)}
                <p><a href="/billing/invoices" data-test="all-documents">{tr(l, "Alla fakturor och kreditfakturor →", "All invoices and credit notes →")}</a></p>
            </section>
        }
    });
    let trial_running = o.banners.iter().any(|b| matches!(b, Banner::Trial { .. }));
    let auto_renew = o.auto_renew;
    let key = o.action_key.clone();
    let resume_key = o.action_key.clone();
    let change = o.can_change_plan.then(|| {
        let end_trial = ServerAction::<FinishTrial>::new();
        let resume = ServerAction::<AutoRenew>::new();
        view! {
            <div class="actions">
                <a class="button primary" href="/billing/plan">{tr(l, "Ändra plan eller platser", "Change plan or seats")}</a>
                {trial_running.then(|| view! {
                    <ActionForm action=end_trial>
                        <input type="hidden" name="idempotency_key" value=key.clone()/>
                        <button type="submit">{tr(l, "Avsluta provperioden", "End the trial")}</button>
                    </ActionForm>
                })}
                {if auto_renew {
                    view! { <a class="button" href="/billing/cancel">{tr(l, "Avsluta automatisk förnyelse", "Cancel auto-renew")}</a> }.into_any()
                } else {
                    view! {
                        <ActionForm action=resume>
                            <input type="hidden" name="on" value="true"/>
                            <input type="hidden" name="idempotency_key" value=resume_key.clone()/>
                            <button type="submit">{tr(l, "Återuppta automatisk förnyelse", "Resume auto-renew")}</button>
                        </ActionForm>
                    }.into_any()
                }}
            </div>
        }
    });
    view! {
        <h1>{tr(l, "Fakturering", "Billing")}" · "{o.org_name}</h1>
        <nav class="actions" aria-label=tr(l, "Fakturering", "Billing")>
            <a class="button" href="/billing/credits">{tr(l, "Krediter", "Credits")}</a>
            <a class="button" href="/billing/api-keys">{tr(l, "API-nycklar", "API keys")}</a>
            <a class="button" href="/billing/invoices">{tr(l, "Fakturor", "Invoices")}</a>
            <a class="button" href="/billing/details">{tr(l, "Faktureringsuppgifter", "Billing details")}</a>
            <a class="button" href="/billing/payment-method">{tr(l, "Betalningsmetod", "Payment method")}</a>
            <a class="button" href="/billing/team">{tr(l, "Platser och ägare", "Seats and owner")}</a>
        </nav>
        {change}
        <div class="banners">{o.banners.into_iter().map(|b| match b {
            Banner::PastDue(Some(f)) => failed_payment_view(f, l, o.action_key.clone(), o.can_pay, false, retry).into_any(),
            b => banner_view(b, l).into_any(),
        }).collect_view()}</div>
        <div class="grid">
            <section class="card" data-test="plan">
                <h2>{tr(l, "Nuvarande plan", "Current plan")}</h2>
                <p class="plan-name">{o.plan_name}</p>
                <p class="price"><span data-test="price">{o.price.format(l)}</span>" "{interval_text(o.interval, l)}</p>
                {o.legacy_discount.map(|d| view! {
                    <p class="legacy">{format!("{} {} {}", tr(l, "Äldre pris: du sparar", "Legacy price: you save"), d.format(l), interval_text(o.interval, l))}</p>
                })}
                <dl class="facts">
                    <dt>{tr(l, "Status", "Status")}</dt>
                    <dd>{status_text(o.status, l)}</dd>
                    <dt>{tr(l, "Krediter per månad", "Credits per month")}</dt>
                    <dd>{count(o.monthly_credits, l)}</dd>
                    <dt>{tr(l, "Platser", "Seats")}</dt>
                    <dd data-test="seats">{format!("{} {} {} {}", o.seats_used, tr(l, "använda av", "used of"), o.seats_bought, tr(l, "köpta", "bought"))}</dd>
                    <dt>{tr(l, "Nästa faktura (inkl. moms)", "Next invoice (incl. VAT)")}</dt>
                    <dd data-test="next-invoice">{next}</dd>
                    <dt>{tr(l, "Betalningsmetod", "Payment method")}</dt>
                    <dd data-test="payment-method">{payment}" "<a href="/billing/payment-method">{tr(l, "Ändra", "Change")}</a></dd>
                    <dt>{tr(l, "Villkor", "Terms")}</dt>
                    <dd>{terms}</dd>
                </dl>
            </section>
            <section class="card">
                <h2>{tr(l, "Ingår i planen", "Included in your plan")}</h2>
                <ul class="features">{o.features.into_iter().map(|f| view! { <li>{f}</li> }).collect_view()}</ul>
                <h3>{tr(l, "Gränser", "Limits")}</h3>
                <dl class="facts">
                    {o.limits.into_iter().map(|lim| view! {
                        <dt>{limit_name(&lim.key, l)}</dt>
                        <dd>{lim.value.map(|v| count(v, l)).unwrap_or_else(|| tr(l, "Obegränsat", "Unlimited").to_string())}</dd>
                    }).collect_view()}
                </dl>
            </section>
            {contract}
            {documents}
        </div>
    }
}
