//! Change plan (R-UI-4): plans side by side for an interval and a seat count,
//! the preview of a choice (R-SUB-11), and the confirm. Plain forms and
//! links: it all works before the WebAssembly loads.

use crate::api::auth::SessionInfo;
use crate::api::plan::{
    plans, preview_change, ChangeKind, ChangePreview, ConfirmChange, DocLine, PlanPage,
};
use crate::api::subscription::BeginTrial;
use crate::components::page::{error_view, sub_page};
use crate::components::session::SessionResource;
use crate::domain::locale::Locale;
use crate::domain::period::Interval;
use crate::error::AppError;
use crate::i18n::t;
use crate::tf;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn PlanPageView() -> impl IntoView {
    let session = expect_context::<SessionResource>();
    let query = use_query_map();
    let param = move |k: &str| query.read().get(k);
    // The organisation's subscription, or a team's (`team`, R-ACC-2).
    let team = move || param("team").and_then(|t| t.parse::<i64>().ok());
    let page = Resource::new(
        move || {
            (
                team(),
                param("interval"),
                param("seats").and_then(|s| s.parse::<u32>().ok()),
            )
        },
        |(team, interval, seats)| plans(team, interval, seats),
    );
    let preview = Resource::new(
        move || {
            (
                team(),
                param("plan").and_then(|p| p.parse::<i64>().ok()),
                param("interval"),
                param("seats").and_then(|s| s.parse::<u32>().ok()),
            )
        },
        |(team, plan, interval, seats)| async move {
            match (plan, interval, seats) {
                (Some(plan), Some(interval), Some(seats)) => {
                    Some(preview_change(team, plan, interval, seats).await)
                }
                _ => None,
            }
        },
    );
    let confirm = ServerAction::<ConfirmChange>::new();
    view! {
        <Suspense fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                let info = session.await.unwrap_or(SessionInfo { locale: Locale::default(), user: None });
                let l = info.locale;
                let body = match page.await {
                    Ok(p) => {
                        let preview = preview.await;
                        view! {
                            {preview.map(|r| preview_view(r, l, confirm))}
                            {plans_view(p, l)}
                        }.into_any()
                    }
                    Err(e) => error_view(e, l),
                };
                sub_page(info, t(l, "plan-change-plan"), body)
            })}
        </Suspense>
    }
}

fn interval_label(i: Interval, l: Locale) -> &'static str {
    match i {
        Interval::Monthly => t(l, "plan-monthly"),
        Interval::Annual => t(l, "plan-annual-two-months-free"),
    }
}

fn plans_view(p: PlanPage, l: Locale) -> impl IntoView {
    let trial = ServerAction::<BeginTrial>::new();
    let key = p.action_key.clone();
    let interval = p.interval;
    let seats = p.seats;
    let refusal = p.refusal.clone();
    let can_choose = p.refusal.is_none() && p.not_owner.is_none();
    let not_owner = p
        .not_owner
        .clone()
        .map(|owner| tf!(l, "plan-only-owner-changes", owner = owner));
    let min_seats = p.paid_members.max(2);
    let team = p.team;
    let team_param = team.map_or(String::new(), |id| format!("&team={id}"));
    let scopes = (!p.scopes.is_empty()).then(|| {
        view! {
            <nav class="card scopes" data-test="scopes" aria-label=t(l, "plan-subscription-for")>
                <h2>{t(l, "plan-subscription-for")}</h2>
                <ul>
                    {p.scopes.iter().map(|c| {
                        let href = match c.team {
                            Some(id) => format!("/billing/plan?team={id}"),
                            None => "/billing/plan".to_string(),
                        };
                        let name = match c.team {
                            Some(_) => tf!(l, "billing-team-name", team = c.name.clone()),
                            None => tf!(l, "plan-whole-organisation", name = c.name.clone()),
                        };
                        let current = c.team == team;
                        view! {
                            <li>
                                <a href=href aria-current=current.then_some("page")>{name}</a>
                                " · "{c.plan.clone()}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </nav>
        }
    });
    view! {
        {refusal.map(|r| view! { <div class="banner info" role="status">{r.render(l)}</div> })}
        {not_owner.map(|r| view! { <div class="banner info" role="status">{r}</div> })}
        {scopes}
        <section class="card" data-test="seat-usage">
            <h2>{t(l, "billing-seats")}</h2>
            <p>{format!("{} {} · {} {} · {} {}",
                p.paid_members, t(l, "plan-paid-members"),
                p.free_members, t(l, "plan-free-client-comment-view-only"),
                p.current_seats, t(l, "plan-seats-bought"))}</p>
            <form method="get" action="/billing/plan" class="inline-form">
                {team.map(|id| view! { <input type="hidden" name="team" value=id.to_string()/> })}
                <label>
                    {t(l, "plan-billing-interval")}
                    <select name="interval">
                        {[Interval::Monthly, Interval::Annual].into_iter().map(|i| view! {
                            <option value=i.code() selected=i == interval>{interval_label(i, l)}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label>
                    {t(l, "billing-seats")}
                    <input type="number" name="seats" min=min_seats.to_string() value=seats.to_string() required/>
                </label>
                <button type="submit">{t(l, "plan-show-prices")}</button>
            </form>
        </section>
        <div class="plans">
            {p.offers.into_iter().map(|o| {
                let key = key.clone();
                let href = format!("/billing/plan?plan={}&interval={}&seats={}{team_param}", o.plan_id, interval.code(), seats);
                let per = match interval { Interval::Monthly => t(l, "plan-month"), Interval::Annual => t(l, "plan-year") };
                view! {
                    <section class=if o.current { "card plan current" } else { "card plan" } data-test=format!("plan-{}", o.name)>
                        <h2>{o.name.clone()}{o.current.then(|| view! { <span class="tag">{t(l, "plan-current")}</span> })}</h2>
                        <p class="price">{o.price.format(l)}{per}" "<small class="muted">{t(l, "plan-excl-vat")}</small></p>
                        <p class="muted">{format!("{} + {} {}", o.flat.format(l), o.per_seat.format(l), t(l, "plan-per-seat"))}</p>
                        {team.is_none().then(|| view! { <p>{format!("{} {}", l.integer(o.monthly_credits as u64), t(l, "plan-credits-per-month"))}</p> })}
                        <ul class="features">{o.features.into_iter().map(|f| view! { <li>{f}</li> }).collect_view()}</ul>
                        {o.unavailable.as_ref().map(|why| view! { <p class="muted" data-test="unavailable">{why.render(l)}</p> })}
                        {(can_choose && o.unavailable.is_none()).then(|| view! {
                            <a class="button primary" href=href>{if o.current { t(l, "plan-choose-keep") } else { t(l, "plan-choose") }}</a>
                        })}
                        {(can_choose && o.trial_available && o.unavailable.is_none()).then(|| view! {
                            <ActionForm action=trial attr:class="trial">
                                <input type="hidden" name="plan_id" value=o.plan_id.to_string()/>
                                <input type="hidden" name="idempotency_key" value=key.clone()/>
                                <button type="submit">{format!("{} {} {}", t(l, "plan-try-free-for"), o.trial_days.unwrap_or(14), t(l, "plan-days"))}</button>
                            </ActionForm>
                        })}
                    </section>
                }
            }).collect_view()}
        </div>
        {move || match trial.value().get() {
            Some(Err(e)) => Some(view! { <p class="error" role="alert">{e.message(l)}</p> }),
            _ => None,
        }}
    }
}

fn lines_table(lines: Vec<DocLine>, l: Locale) -> impl IntoView {
    view! {
        <table>
            <tbody>
                {lines.into_iter().map(|d| view! {
                    <tr><td>{d.description}</td><td class="num">{d.amount.format(l)}</td></tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

fn preview_view(
    r: Result<ChangePreview, AppError>,
    l: Locale,
    confirm: ServerAction<ConfirmChange>,
) -> impl IntoView {
    let p = match r {
        Ok(p) => p,
        Err(e) => {
            return view! { <div class="banner warning" role="alert">{e.message(l)}</div> }
                .into_any()
        }
    };
    let summary = match p.kind {
        ChangeKind::Upgrade => t(l, "plan-upgrade-takes-effect-now"),
        ChangeKind::Downgrade => t(l, "plan-the-change-takes-effect-at"),
        ChangeKind::AddSeats => t(l, "plan-the-seats-are-added-now"),
        ChangeKind::CancelScheduled => t(l, "plan-the-scheduled-change-is-cancelled"),
        ChangeKind::NoChange => t(l, "plan-this-is-already-your-plan"),
    };
    let next = match (p.next_invoice_date, p.next_invoice_amount) {
        (Some(d), Some(m)) => format!("{} {} {}", m.format(l), t(l, "plan-on"), l.date(d)),
        _ => t(l, "billing-none").to_string(),
    };
    let credit = (!p.credit_lines.is_empty()).then(|| {
        view! {
            <h3>{format!("{} ({})", t(l, "documents-credit-note"), t(l, "plan-excl-vat"))}</h3>
            {lines_table(p.credit_lines.clone(), l)}
        }
    });
    let invoice = (!p.invoice_lines.is_empty()).then(|| {
        view! {
            <h3>{format!("{} ({})", t(l, "documents-invoice"), t(l, "plan-excl-vat"))}</h3>
            {lines_table(p.invoice_lines.clone(), l)}
        }
    });
    let extra = (!p.next_invoice_extra.is_empty()).then(|| {
        view! {
            <h3>{format!("{} ({})", t(l, "plan-added-to-the-next-invoice"), t(l, "plan-excl-vat"))}</h3>
            {lines_table(p.next_invoice_extra.clone(), l)}
        }
    });
    let can_confirm = p.kind != ChangeKind::NoChange;
    view! {
        <section class="card preview" data-test="preview">
            <h2>{format!("{}: {}, {} {}", t(l, "plan-preview"), p.plan_name, p.seats, t(l, "plan-seats"))}</h2>
            <p>{summary}</p>
            {p.warnings.iter().map(|w| view! { <p class="banner warning" data-test="preview-warning">{w.render(l)}</p> }).collect_view()}
            {credit}
            {invoice}
            {extra}
            <dl class="facts">
                {(p.kind == ChangeKind::Upgrade).then(|| view! {
                    <dt>{t(l, "plan-credited-now-incl-vat")}</dt>
                    <dd data-test="credited-now">{p.credited_now.format(l)}</dd>
                    <dt>{t(l, "plan-invoiced-now-incl-vat")}</dt>
                    <dd data-test="charged-now">{p.charged_now.format(l)}</dd>
                    <dt>{t(l, "plan-due-now")}</dt>
                    <dd data-test="due-now">{p.due_now.format(l)}</dd>
                    <dt>{t(l, "plan-account-credit-after")}</dt>
                    <dd>{p.balance_after.format(l)}</dd>
                })}
                <dt>{t(l, "plan-effective")}</dt>
                <dd>{l.date(p.effective)}</dd>
                <dt>{t(l, "billing-next-invoice-incl-vat")}</dt>
                <dd data-test="next-invoice">{next}</dd>
            </dl>
            {can_confirm.then(|| view! {
                <ActionForm action=confirm attr:class="confirm">
                    {p.team.map(|id| view! { <input type="hidden" name="team" value=id.to_string()/> })}
                    <input type="hidden" name="plan_id" value=p.plan_id.to_string()/>
                    <input type="hidden" name="interval" value=p.interval.code()/>
                    <input type="hidden" name="seats" value=p.seats.to_string()/>
                    <input type="hidden" name="token" value=p.token.clone()/>
                    <input type="hidden" name="idempotency_key" value=p.idempotency_key.clone()/>
                    <button type="submit" class="primary">{t(l, "plan-confirm-the-change")}</button>
                </ActionForm>
            })}
            {move || match confirm.value().get() {
                Some(Err(e)) => Some(view! { <p class="error" role="alert">{e.message(l)}</p> }),
                _ => None,
            }}
        </section>
    }.into_any()
}
