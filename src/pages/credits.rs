//! Credits (R-UI-5, R-CRD-6): balance by grant, buying a pack, the daily
//! usage chart and the history.

use crate::api::auth::SessionInfo;
use crate::api::credits::{credits, BuyPack, CreditsView};
use crate::components::page::{error_view, sub_page};
use crate::components::session::SessionResource;
use crate::components::usage_chart::UsageChart;
use crate::domain::locale::Locale;
use crate::i18n::t;
use crate::tf;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

fn kind_label(kind: &str, l: Locale) -> &'static str {
    match kind {
        "allowance" => t(l, "credits-monthly-allowance"),
        "pack" => t(l, "credits-credit-pack"),
        "goodwill" => t(l, "credits-goodwill"),
        "consumption" => t(l, "credits-usage"),
        "expiry" => t(l, "credits-expired"),
        _ => "",
    }
}

#[component]
pub fn CreditsPage() -> impl IntoView {
    let session = expect_context::<SessionResource>();
    let query = use_query_map();
    let buy = ServerAction::<BuyPack>::new();
    let view_data = Resource::new(
        move || {
            (
                query.read().get("page").and_then(|p| p.parse::<u32>().ok()),
                buy.version().get(),
            )
        },
        |(page, _)| credits(page),
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                let info = session.await.unwrap_or(SessionInfo { locale: Locale::default(), user: None });
                let l = info.locale;
                let body = match view_data.await {
                    Ok(c) => credits_view(c, l, buy).into_any(),
                    Err(e) => error_view(e, l),
                };
                sub_page(info, t(l, "usage-chart-credits"), body)
            })}
        </Suspense>
    }
}

fn credits_view(c: CreditsView, l: Locale, buy: ServerAction<BuyPack>) -> impl IntoView {
    let key = c.action_key.clone();
    let last_purchase = c.last_purchase.clone();
    let page = c.page;
    view! {
        <div class="grid">
            <section class="card" data-test="balance">
                <h2>{t(l, "credits-balance")}</h2>
                <p class="big" data-test="balance-total">{l.integer(c.balance.max(0) as u64)}" "{t(l, "credits-credits")}</p>
                <table>
                    <thead><tr><th>{t(l, "credits-source")}</th><th class="num">{t(l, "credits-left")}</th><th>{t(l, "credits-valid-through")}</th></tr></thead>
                    <tbody>
                        {c.grants.into_iter().map(|g| view! {
                            <tr>
                                <td>{kind_label(&g.kind, l)}</td>
                                <td class="num">{format!("{} / {}", l.integer(g.remaining as u64), l.integer(g.amount as u64))}</td>
                                <td>{l.date(g.last_day)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
            <section class="card" data-test="packs">
                <h2>{t(l, "credits-buy-extra-credits")}</h2>
                {c.packs_refusal.map(|r| view! { <p data-test="no-packs">{r.render(l)}</p> })}
                {c.packs.into_iter().map(|p| {
                    let key = key.clone();
                    let last_purchase = last_purchase.clone();
                    view! {
                        <ActionForm action=buy attr:class="pack">
                            <input type="hidden" name="pack_id" value=p.id.to_string()/>
                            <input type="hidden" name="last_purchase" value=last_purchase.clone()/>
                            <input type="hidden" name="idempotency_key" value=key/>
                            <p>{tf!(l, "credits-pack-line", name = p.name.clone(), credits = l.integer(p.credits as u64), months = p.validity_months)}</p>
                            // Two steps, no JavaScript needed: the disclosure
                            // says what the invoice will be, then confirm.
                            <details class="confirm-buy">
                                <summary class="button primary">{tf!(l, "credits-buy-pack", price = p.price_with_vat.format(l))}</summary>
                                <p data-test="pack-confirm">{tf!(l, "credits-confirm-pack", credits = l.integer(p.credits as u64), net = p.price.format(l), total = p.price_with_vat.format(l))}</p>
                                <button type="submit" class="primary">{t(l, "credits-confirm-buy")}</button>
                            </details>
                        </ActionForm>
                    }
                }).collect_view()}
                {move || match buy.value().get() {
                    Some(Ok(b)) => Some(view! { <p class="ok" role="status">{tf!(l, "credits-bought-done", credits = l.integer(b.credits as u64), invoice = b.invoice.clone())}</p> }.into_any()),
                    Some(Err(e)) => Some(view! { <p class="error" role="alert">{e.message(l)}</p> }.into_any()),
                    None => None,
                }}
            </section>
            <section class="card wide">
                <h2>{t(l, "credits-daily-usage")}</h2>
                <UsageChart days=c.daily_usage locale=l/>
            </section>
            <section class="card wide" data-test="history">
                <h2>{t(l, "credits-history")}</h2>
                <table>
                    <thead><tr><th>{t(l, "usage-chart-day")}</th><th>{t(l, "credits-event")}</th><th>{t(l, "credits-detail")}</th><th class="num">{t(l, "usage-chart-credits")}</th></tr></thead>
                    <tbody>
                        {c.history.into_iter().map(|h| view! {
                            <tr>
                                <td>{l.date(h.day)}</td>
                                <td>{kind_label(&h.kind, l)}</td>
                                <td>{detail_text(&h.detail, l)}</td>
                                <td class="num">{if h.amount > 0 { format!("+{}", l.integer(h.amount as u64)) } else { format!("−{}", l.integer(h.amount.unsigned_abs())) }}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <p class="pager">
                    {(page > 0).then(|| view! { <a href=format!("/billing/credits?page={}", page - 1)>{t(l, "credits-newer")}</a> })}
                    " "
                    {c.has_more.then(|| view! { <a href=format!("/billing/credits?page={}", page + 1)>{t(l, "credits-older")}</a> })}
                </p>
            </section>
        </div>
    }
}

/// A history row's detail in words: the pack's invoice, the allowance's
/// month; usage keeps the product's event id, goodwill its reason.
fn detail_text(detail: &str, l: Locale) -> String {
    if let Some(number) = detail.strip_prefix("pack:") {
        return format!("{} {number}", t(l, "documents-invoice"));
    }
    if let Some(day) = detail.strip_prefix("allowance:") {
        let from = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
            .map(|d| l.date(d))
            .unwrap_or_else(|_| day.to_string());
        return format!("{} {from}", t(l, "credits-monthly-allowance-from"));
    }
    detail.to_string()
}
