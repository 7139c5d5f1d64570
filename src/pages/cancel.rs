//! Cancelling auto-renew (R-SUB-9): what the commitment still owes, shown
//! before confirming.

use crate::api::auth::SessionInfo;
use crate::api::subscription::{cancellation, AutoRenew};
use crate::components::page::{error_view, sub_page};
use crate::components::session::SessionResource;
use crate::domain::locale::Locale;
use crate::i18n::t;
use crate::tf;
use leptos::prelude::*;

#[component]
pub fn CancelPage() -> impl IntoView {
    let session = expect_context::<SessionResource>();
    let query = leptos_router::hooks::use_query_map();
    let team = move || query.read().get("team").and_then(|t| t.parse::<i64>().ok());
    let quote = Resource::new(team, cancellation);
    let confirm = ServerAction::<AutoRenew>::new();
    view! {
        <Suspense fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                let info = session.await.unwrap_or(SessionInfo { locale: Locale::default(), user: None });
                let l = info.locale;
                let body = match quote.await {
                    Ok(q) => {
                        let owed = if q.owed_periods.is_empty() {
                            t(l, "cancel-no-further-periods-of-the").to_string()
                        } else {
                            tf!(l, "cancel-still-owe", amount = q.total_owed.format(l))
                        };
                        view! {
                            <section class="card" data-test="cancellation">
                                <p>{format!("{} {}.", t(l, "cancel-the-subscription-stays-active-until"), l.date(q.service_ends.pred_opt().unwrap_or(q.service_ends)))}</p>
                                <p data-test="owed">{owed}</p>
                                <table>
                                    <tbody>
                                        {q.owed_periods.into_iter().map(|(first, last, m)| view! {
                                            <tr><td>{l.date_range(first, last)}</td><td class="num">{m.format(l)}</td></tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                <p>{if q.team.is_some() { t(l, "cancel-after-that-the-team-returns") } else { t(l, "cancel-after-that-the-account-moves") }}</p>
                                <ActionForm action=confirm>
                                    {q.team.map(|id| view! { <input type="hidden" name="team" value=id.to_string()/> })}
                                    <input type="hidden" name="on" value="false"/>
                                    <input type="hidden" name="idempotency_key" value=q.action_key.clone()/>
                                    <button type="submit" class="primary">{t(l, "billing-cancel-auto-renew")}</button>
                                </ActionForm>
                                {move || match confirm.value().get() {
                                    Some(Err(e)) => Some(view! { <p class="error" role="alert">{e.message(l)}</p> }),
                                    _ => None,
                                }}
                            </section>
                        }.into_any()
                    }
                    Err(e) => error_view(e, l),
                };
                sub_page(info, t(l, "billing-cancel-auto-renew"), body)
            })}
        </Suspense>
    }
}
