//! Subscriptions (R-UI-2): the plan and the credit packs held, with status
//! and dates, and the history of plans, seats, trials, renewals and
//! cancellations, newest first.

use crate::api::auth::SessionInfo;
use crate::api::subscription::{subscriptions, SubscriptionsView};
use crate::components::page::{error_view, sub_page};
use crate::components::session::SessionResource;
use crate::domain::locale::Locale;
use crate::domain::subscription::HistoryEvent;
use crate::i18n::t;
use crate::pages::billing::{interval_text, status_text};
use crate::tf;
use leptos::prelude::*;

#[component]
pub fn SubscriptionsPage() -> impl IntoView {
    let session = expect_context::<SessionResource>();
    let data = Resource::new(|| (), |_| subscriptions());
    view! {
        <Suspense fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                let info = session.await.unwrap_or(SessionInfo { locale: Locale::default(), user: None });
                let l = info.locale;
                let body = match data.await {
                    Ok(s) => subscriptions_view(s, l),
                    Err(e) => error_view(e, l),
                };
                sub_page(info, t(l, "subscriptions-title"), body)
            })}
        </Suspense>
    }
}

/// One history entry in words.
fn event_text(e: &HistoryEvent, l: Locale) -> String {
    use HistoryEvent as E;
    match e {
        E::Started { plan, seats } => {
            tf!(l, "history-started", plan = plan.as_str(), seats = *seats)
        }
        E::PlanChanged {
            from,
            to,
            seats,
            upgrade: true,
        } => {
            tf!(
                l,
                "history-upgraded",
                from = from.as_str(),
                to = to.as_str(),
                seats = *seats
            )
        }
        E::PlanChanged {
            from,
            to,
            seats,
            upgrade: false,
        } => {
            tf!(
                l,
                "history-plan-changed",
                from = from.as_str(),
                to = to.as_str(),
                seats = *seats
            )
        }
        E::IntervalChanged { plan, annual: true } => {
            tf!(l, "history-now-annual", plan = plan.as_str())
        }
        E::IntervalChanged {
            plan,
            annual: false,
        } => tf!(l, "history-now-monthly", plan = plan.as_str()),
        E::SeatsChanged { from, to } => tf!(l, "history-seats", from = *from, to = *to),
        E::ChangeScheduled {
            plan,
            seats,
            effective,
        } => {
            tf!(
                l,
                "history-scheduled",
                plan = plan.as_str(),
                seats = *seats,
                date = l.date(*effective)
            )
        }
        E::ScheduledDropped { plan } => tf!(l, "history-scheduled-dropped", plan = plan.as_str()),
        E::TrialStarted { plan, ends } => {
            tf!(
                l,
                "history-trial-started",
                plan = plan.as_str(),
                date = l.date(ends.pred_opt().unwrap_or(*ends))
            )
        }
        E::TrialEnded { plan } => tf!(l, "history-trial-ended", plan = plan.as_str()),
        E::AutoRenew { on: true } => t(l, "history-auto-renew-on").to_string(),
        E::AutoRenew { on: false } => t(l, "history-auto-renew-off").to_string(),
        E::Renewed { start, end } => tf!(l, "history-renewed", period = l.date_range(*start, *end)),
        E::Canceled => t(l, "history-canceled").to_string(),
    }
}

fn subscriptions_view(s: SubscriptionsView, l: Locale) -> AnyView {
    let renews = match s.renews {
        Some(day) => tf!(l, "subscriptions-renews-on", date = l.date(day)),
        None => tf!(
            l,
            "subscriptions-ends-after",
            date = l.date(s.period_last_day)
        ),
    };
    view! {
        <section class="card" data-test="subscription">
            <h2>{s.plan.clone()}</h2>
            <dl class="facts">
                <dt>{t(l, "documents-status")}</dt>
                <dd data-test="status">{status_text(s.status, l)}</dd>
                <dt>{t(l, "billing-seats")}</dt>
                <dd>{s.seats}" · "{interval_text(s.interval, l)}</dd>
                <dt>{t(l, "subscriptions-started")}</dt>
                <dd>{l.date(s.started)}</dd>
                <dt>{t(l, "subscriptions-period")}</dt>
                <dd>{l.date_range(s.period_start, s.period_last_day)}</dd>
                <dt>{t(l, "billing-terms")}</dt>
                <dd data-test="renews">{renews}</dd>
                {s.commitment_ends.map(|d| view! {
                    <dt>{t(l, "billing-committed-until")}</dt>
                    <dd>{l.date(d)}</dd>
                })}
                {s.trial.clone().map(|(plan, last)| view! {
                    <dt>{t(l, "billing-trial")}</dt>
                    <dd>{tf!(l, "subscriptions-trial-until", plan = plan, date = l.date(last))}</dd>
                })}
                {s.scheduled.clone().map(|(plan, seats, day)| view! {
                    <dt>{t(l, "subscriptions-scheduled")}</dt>
                    <dd>{tf!(l, "history-scheduled", plan = plan, seats = seats, date = l.date(day))}</dd>
                })}
            </dl>
        </section>
        <section class="card" data-test="packs">
            <h2>{t(l, "subscriptions-packs")}</h2>
            {if s.packs.is_empty() {
                view! { <p class="muted">{t(l, "subscriptions-no-packs")}</p> }.into_any()
            } else {
                view! {
                    <table>
                        <thead><tr>
                            <th>{t(l, "subscriptions-bought")}</th>
                            <th class="num">{t(l, "usage-chart-credits")}</th>
                            <th class="num">{t(l, "credits-left")}</th>
                            <th>{t(l, "credits-valid-through")}</th>
                        </tr></thead>
                        <tbody>{s.packs.iter().map(|p| view! {
                            <tr>
                                <td>{l.date(p.bought)}</td>
                                <td class="num">{l.integer(p.credits.unsigned_abs())}</td>
                                <td class="num">{l.integer(p.remaining.unsigned_abs())}</td>
                                <td>{l.date(p.last_day)}</td>
                            </tr>
                        }).collect_view()}</tbody>
                    </table>
                }.into_any()
            }}
        </section>
        <section class="card" data-test="history">
            <h2>{t(l, "credits-history")}</h2>
            <ul class="history">{s.history.iter().map(|(day, team, e)| view! {
                <li>
                    <span class="muted">{l.date(*day)}</span>" "
                    {team.as_ref().map(|team| format!("{}: ", tf!(l, "billing-team-name", team = team.clone())))}
                    {event_text(e, l)}
                </li>
            }).collect_view()}</ul>
        </section>
    }
    .into_any()
}
