//! The billing overview (R-UI-1): plan, price, credits, features and limits,
//! seats, next invoice, payment method, terms and banners.

use crate::api::auth::SessionInfo;
use crate::api::billing::{billing_overview, Banner, Overview};
use crate::api::payment::RetryPayment;
use crate::api::subscription::{AutoRenew, FinishTrial};
use crate::components::documents::documents_table;
use crate::components::header::Header;
use crate::components::page::{answer_status, error_view};
use crate::components::session::{SessionActions, SessionResource};
use crate::domain::locale::Locale;
use crate::domain::payment::PaymentMethodKind;
use crate::domain::period::Interval;
use crate::domain::subscription::Status;
use crate::error::AppError;
use crate::i18n::t;
use crate::pages::payment_method::failed_payment_view;
use crate::tf;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

#[component]
pub fn BillingPage() -> impl IntoView {
    let actions = expect_context::<SessionActions>();
    let session = expect_context::<SessionResource>();
    let acts = OverviewActions::new();
    // Read again after anything done on it, so the page shows the new state.
    // A team's own billing page is /billing/teams/:id (R-ACC-2).
    let params = leptos_router::hooks::use_params_map();
    let team = move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
    };
    let overview = Resource::new(
        move || (actions.switch_org.version().get(), acts.versions(), team()),
        |(_, _, team)| billing_overview(team),
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                let info = session.await.unwrap_or(SessionInfo { locale: Locale::default(), user: None });
                let l = info.locale;
                let body = match overview.await {
                    Ok(o) => overview_view(o, l, acts).into_any(),
                    Err(AppError::Unauthenticated) => view! { <Redirect path="/login"/> }.into_any(),
                    Err(e @ AppError::Forbidden { .. }) => {
                        answer_status(&e);
                        let owner = match e {
                            AppError::Forbidden { billing_owner, .. } => billing_owner,
                            _ => None,
                        };
                        no_access(l, owner).into_any()
                    }
                    Err(e) => error_view(e, l),
                };
                view! {
                    <Title text=t(l, "header-billing")/>
                    <Header info=info.clone()/>
                    <main class="page">{body}</main>
                }
            })}
        </Suspense>
    }
}

fn no_access(l: Locale, owner: Option<String>) -> impl IntoView {
    let text = match owner {
        Some(owner) => tf!(l, "billing-no-access-ask", owner = owner),
        None => t(l, "billing-no-access").to_string(),
    };
    view! {
        <section class="card notice" data-test="no-access">
            <h1>{t(l, "header-billing")}</h1>
            <p>{text}</p>
        </section>
    }
}

fn banner_view(b: Banner, l: Locale) -> impl IntoView {
    let (class, text) = match b {
        Banner::Scheduled { plan, seats, date } => (
            "info",
            tf!(
                l,
                "billing-plan-changes-on",
                plan = plan,
                seats = seats,
                date = l.date(date)
            ),
        ),
        Banner::Trial {
            plan,
            days_left,
            ends,
        } => (
            "info",
            tf!(
                l,
                "billing-trial-days-left",
                plan = plan,
                days = days_left,
                date = l.date(ends)
            ),
        ),
        Banner::PastDue(_) => (
            "warning",
            t(l, "billing-your-payment-failed-please-update").to_string(),
        ),
        Banner::PartnerManaged { partner, contact } => (
            "info",
            tf!(l, "billing-partner-managed", partner = partner)
                + &contact.map(|c| format!(" ({c})")).unwrap_or_default(),
        ),
        Banner::PlanLocked => ("info", t(l, "billing-your-plan-is-locked-by").to_string()),
        Banner::ContactSales => ("info", t(l, "billing-you-are-billed-under-a").to_string()),
    };
    view! { <div class=format!("banner {class}") role="status">{text}</div> }
}

pub(crate) fn interval_text(i: Interval, l: Locale) -> &'static str {
    match i {
        Interval::Monthly => t(l, "billing-per-month"),
        Interval::Annual => t(l, "billing-per-year"),
    }
}

pub(crate) fn status_text(s: Status, l: Locale) -> &'static str {
    match s {
        Status::Trialing => t(l, "billing-trial"),
        Status::Active => t(l, "billing-active"),
        Status::PastDue => t(l, "billing-past-due"),
        Status::Canceled => t(l, "billing-canceled"),
    }
}

fn limit_name(key: &str, l: Locale) -> String {
    match key {
        "contacts" => t(l, "billing-contacts").into(),
        "emails_per_month" => t(l, "billing-e-mail-sends-per-month").into(),
        "integrations" => t(l, "billing-integrations").into(),
        other => other.to_string(),
    }
}

fn count(n: i64, l: Locale) -> String {
    l.integer(n.unsigned_abs())
}

/// What can be done on the overview: pay now, end a trial, resume
/// auto-renew. The page reads the overview again after each.
#[derive(Clone, Copy)]
pub(crate) struct OverviewActions {
    retry: ServerAction<RetryPayment>,
    end_trial: ServerAction<FinishTrial>,
    resume: ServerAction<AutoRenew>,
}

impl OverviewActions {
    pub(crate) fn new() -> Self {
        OverviewActions {
            retry: ServerAction::new(),
            end_trial: ServerAction::new(),
            resume: ServerAction::new(),
        }
    }

    fn versions(self) -> (usize, usize, usize) {
        (
            self.retry.version().get(),
            self.end_trial.version().get(),
            self.resume.version().get(),
        )
    }
}

/// The overview's body; the console shows it read-only too.
pub(crate) fn overview_view(o: Overview, l: Locale, acts: OverviewActions) -> impl IntoView {
    let OverviewActions {
        retry,
        end_trial,
        resume,
    } = acts;
    let payment = match (o.payment_method.kind, o.payment_method.card) {
        (PaymentMethodKind::Card, Some((brand, last4))) => format!("{brand} •••• {last4}"),
        (PaymentMethodKind::Card, None) => t(l, "billing-card").to_string(),
        (PaymentMethodKind::Invoice, _) => t(l, "billing-invoice-bank-transfer").to_string(),
        (PaymentMethodKind::PayPal, _) => "PayPal".to_string(),
    };
    let next = match (o.next_billing_date, o.next_amount, o.service_ends) {
        (Some(d), Some(m), _) => format!("{} – {}", l.date(d), m.format(l)),
        (_, _, Some(end)) => format!(
            "{} {}",
            t(l, "billing-none-the-subscription-ends-after"),
            l.date(end)
        ),
        _ if o.contract.is_some() => t(l, "billing-as-per-contract").to_string(),
        _ => t(l, "billing-none").to_string(),
    };
    let terms = match (o.commitment_end, o.auto_renew) {
        (Some(c), true) => format!(
            "{} {}, {}",
            t(l, "billing-committed-until"),
            l.date(c),
            t(l, "billing-renews-automatically")
        ),
        (Some(c), false) => format!(
            "{} {}, {}",
            t(l, "billing-committed-until"),
            l.date(c),
            t(l, "billing-does-not-renew")
        ),
        (None, true) => t(l, "billing-renews-automatically-2").to_string(),
        (None, false) => t(l, "billing-does-not-renew-2").to_string(),
    };
    let contract = o.contract.map(|c| {
        view! {
            <section class="card" data-test="contract">
                <h2>{t(l, "billing-contract")}</h2>
                <dl class="facts">
                    <dt>{t(l, "billing-contract-value")}</dt>
                    <dd>{format!("{} ({} {})", c.total.format(l), c.years, t(l, "billing-years"))}</dd>
                    <dt>{t(l, "billing-volume-discount")}</dt>
                    <dd>{c.discount.format(l)}</dd>
                    <dt>{t(l, "billing-users")}</dt>
                    <dd>{format!("{} {}", t(l, "billing-unlimited-up-to"), c.seat_tier)}</dd>
                    <dt>{t(l, "billing-renews")}</dt>
                    <dd>{l.date(c.renewal_date)}</dd>
                </dl>
                <h3>{t(l, "billing-payment-schedule")}</h3>
                <table>
                    <thead><tr><th>{t(l, "billing-due")}</th><th class="num">{t(l, "documents-amount")}</th></tr></thead>
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
                <h2>{t(l, "billing-latest-invoices")}</h2>
                {documents_table(o.documents, l)}
                <p><a href="/billing/invoices" data-test="all-documents">{t(l, "billing-all-invoices-and-credit-notes")}</a></p>
            </section>
        }
    });
    let trial_running = o.banners.iter().any(|b| matches!(b, Banner::Trial { .. }));
    let auto_renew = o.auto_renew;
    // On a team's page the actions are the team's subscription's.
    let team_id = o.team.as_ref().map(|t| t.0);
    let scoped = move |path: &str| match team_id {
        Some(id) => format!("{path}?team={id}"),
        None => path.to_string(),
    };
    let title = match &o.team {
        Some((_, team)) => format!(
            "{} · {} · {}",
            t(l, "header-billing"),
            o.org_name,
            tf!(l, "billing-team-name", team = team.clone())
        ),
        None => format!("{} · {}", t(l, "header-billing"), o.org_name),
    };
    let nav = match team_id {
        Some(_) => view! {
            <nav class="actions" aria-label=t(l, "header-billing")>
                <a class="button" href="/billing">{t(l, "billing-organisation-billing")}</a>
                <a class="button" href="/billing/invoices">{t(l, "billing-invoices")}</a>
                <a class="button" href="/billing/team">{t(l, "billing-seats-and-owner")}</a>
            </nav>
        }
        .into_any(),
        None => view! {
            <nav class="actions" aria-label=t(l, "header-billing")>
                <a class="button" href="/billing/subscriptions">{t(l, "subscriptions-title")}</a>
                <a class="button" href="/billing/credits">{t(l, "usage-chart-credits")}</a>
                <a class="button" href="/billing/api-keys">{t(l, "billing-api-keys")}</a>
                <a class="button" href="/billing/invoices">{t(l, "billing-invoices")}</a>
                <a class="button" href="/billing/details">{t(l, "billing-billing-details")}</a>
                <a class="button" href="/billing/payment-method">{t(l, "billing-payment-method")}</a>
                <a class="button" href="/billing/team">{t(l, "billing-seats-and-owner")}</a>
            </nav>
        }
        .into_any(),
    };
    let team_plans = (!o.team_plans.is_empty()).then(|| {
        view! {
            <section class="card" data-test="team-plans">
                <h2>{t(l, "billing-team-plans")}</h2>
                <ul>
                    {o.team_plans.iter().map(|p| view! {
                        <li>
                            {tf!(l, "billing-team-plan-line", team = p.team.clone(), plan = p.plan.clone(), seats = p.seats)}
                            " "<a href=crate::views::billing::billing_href(Some(p.team_id))>{t(l, "billing-manage")}</a>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        }
    });
    let key = o.action_key.clone();
    let resume_key = o.action_key.clone();
    let change = o.can_change_plan.then(|| {
        view! {
            <div class="actions">
                <a class="button primary" href=scoped("/billing/plan")>{t(l, "billing-change-plan-or-seats")}</a>
                {trial_running.then(|| view! {
                    <ActionForm action=end_trial>
                        <input type="hidden" name="idempotency_key" value=key.clone()/>
                        <button type="submit">{t(l, "billing-end-the-trial")}</button>
                    </ActionForm>
                })}
                {if auto_renew {
                    view! { <a class="button" href=scoped("/billing/cancel")>{t(l, "billing-cancel-auto-renew")}</a> }.into_any()
                } else {
                    view! {
                        <ActionForm action=resume>
                            {team_id.map(|id| view! { <input type="hidden" name="team" value=id.to_string()/> })}
                            <input type="hidden" name="on" value="true"/>
                            <input type="hidden" name="idempotency_key" value=resume_key.clone()/>
                            <button type="submit">{t(l, "billing-resume-auto-renew")}</button>
                        </ActionForm>
                    }.into_any()
                }}
            </div>
        }
    });
    view! {
        <h1>{title}</h1>
        {nav}
        {change}
        {team_plans}
        <div class="banners">{o.banners.into_iter().map(|b| match b {
            Banner::PastDue(Some(f)) => failed_payment_view(f, l, o.action_key.clone(), o.can_pay, false, retry).into_any(),
            b => banner_view(b, l).into_any(),
        }).collect_view()}</div>
        <div class="grid">
            <section class="card" data-test="plan">
                <h2>{t(l, "billing-current-plan")}</h2>
                <p class="plan-name">{o.plan_name}{o.paid_plan.is_some().then(|| view! { <span class="tag">{t(l, "billing-trial")}</span> })}</p>
                {match o.paid_plan.clone() {
                    Some(paid) => view! {
                        <p class="price" data-test="trial-price">{tf!(l, "billing-trial-then", plan = paid, price = o.price.format(l), interval = interval_text(o.interval, l))}</p>
                    }.into_any(),
                    None => view! {
                        <p class="price"><span data-test="price">{o.price.format(l)}</span>" "{interval_text(o.interval, l)}" "<small class="muted">{t(l, "plan-excl-vat")}</small></p>
                    }.into_any(),
                }}
                {o.legacy_discount.map(|d| view! {
                    <p class="legacy">{format!("{} {} {}", t(l, "billing-legacy-price-you-save"), d.format(l), interval_text(o.interval, l))}</p>
                })}
                <dl class="facts">
                    <dt>{t(l, "documents-status")}</dt>
                    <dd>{status_text(o.status, l)}</dd>
                    {o.team.is_none().then(|| view! {
                        <dt>{t(l, "billing-credits-per-month")}</dt>
                        <dd>{count(o.monthly_credits, l)}</dd>
                    })}
                    <dt>{t(l, "billing-seats")}</dt>
                    <dd data-test="seats">{tf!(l, "billing-seats-used", used = o.seats_used, bought = o.seats_bought)}</dd>
                    <dt>{t(l, "billing-next-invoice-incl-vat")}</dt>
                    <dd data-test="next-invoice">{next}</dd>
                    {o.next_amount_due.filter(|due| Some(*due) != o.next_amount).map(|due| view! {
                        <dd data-test="next-invoice-due">{tf!(l, "billing-next-invoice-due", amount = due.format(l))}</dd>
                    })}
                    {o.account_balance.is_positive().then(|| view! {
                        <dt>{t(l, "billing-account-credit")}</dt>
                        <dd data-test="account-balance">{tf!(l, "billing-account-credit-used", amount = o.account_balance.format(l))}</dd>
                    })}
                    <dt>{t(l, "billing-payment-method")}</dt>
                    <dd data-test="payment-method">{payment}" "<a href="/billing/payment-method">{t(l, "billing-change")}</a></dd>
                    <dt>{t(l, "billing-terms")}</dt>
                    <dd>{terms}</dd>
                </dl>
            </section>
            <section class="card">
                <h2>{t(l, "billing-included-in-your-plan")}</h2>
                <ul class="features">{o.features.into_iter().map(|f| view! { <li>{f}</li> }).collect_view()}</ul>
                <h3>{t(l, "billing-limits")}</h3>
                <dl class="facts">
                    {o.limits.into_iter().map(|lim| view! {
                        <dt>{limit_name(&lim.key, l)}</dt>
                        <dd>{lim.value.map(|v| count(v, l)).unwrap_or_else(|| t(l, "billing-unlimited").to_string())}</dd>
                    }).collect_view()}
                </dl>
            </section>
            {contract}
            {documents}
        </div>
    }
}
