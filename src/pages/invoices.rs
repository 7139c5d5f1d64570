//! Invoices and credit notes (R-UI-3): the list with status filter and
//! pages, and the detail page with everything the PDF shows (R-INV-1).

use crate::api::auth::SessionInfo;
use crate::api::documents::{
    document, documents, pdf_href, DocumentList, DocumentStatus, DocumentView,
};
use crate::components::documents::{document_href, documents_table, kind_label, status_label};
use crate::components::page::{error_view, sub_page};
use crate::components::session::SessionResource;
use crate::domain::locale::Locale;
use crate::domain::vat::percent;
use crate::i18n::t;
use crate::pages::payment_method::decline_text;
use crate::tf;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

fn list_href(status: Option<DocumentStatus>, page: u32) -> String {
    match status {
        Some(s) => format!("/billing/invoices?status={}&page={page}", s.code()),
        None => format!("/billing/invoices?page={page}"),
    }
}

#[component]
pub fn InvoicesPage() -> impl IntoView {
    let session = expect_context::<SessionResource>();
    let query = use_query_map();
    let list = Resource::new(
        move || {
            let q = query.read();
            (
                q.get("status"),
                q.get("page").and_then(|p| p.parse::<u32>().ok()),
            )
        },
        |(status, page)| documents(status, page),
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                let info = session.await.unwrap_or(SessionInfo { locale: Locale::default(), user: None });
                let l = info.locale;
                let body = match list.await {
                    Ok(list) => list_view(list, l).into_any(),
                    Err(e) => error_view(e, l),
                };
                sub_page(info, t(l, "invoices-invoices-and-credit-notes"), body)
            })}
        </Suspense>
    }
}

fn list_view(list: DocumentList, l: Locale) -> impl IntoView {
    let current = list.status;
    let filters = std::iter::once(None)
        .chain(DocumentStatus::ALL.into_iter().map(Some))
        .map(|s| {
            let label = match s {
                None => t(l, "invoices-all"),
                Some(s) => status_label(s, false, l),
            };
            view! {
                <a href=list_href(s, 1) class="filter" class:active=move || s == current
                   aria-current=(s == current).then_some("page")>{label}</a>
            }
        })
        .collect_view();
    let (page, pages) = (list.page, list.pages);
    let balance = list.account_balance.is_positive().then(|| {
        view! {
            <p class="balance" data-test="account-balance">
                {tf!(l, "billing-account-credit-used", amount = list.account_balance.format(l))}
            </p>
        }
    });
    view! {
        <section class="card wide">
            {balance}
            <nav class="filters" aria-label=t(l, "invoices-filter-by-status")>{filters}</nav>
            {if list.items.is_empty() {
                view! { <p data-test="no-documents">{t(l, "invoices-no-documents-with-that-status")}</p> }.into_any()
            } else {
                documents_table(list.items, l).into_any()
            }}
            <p class="pager" data-test="pager">
                {(page > 1).then(|| view! { <a href=list_href(current, page - 1) rel="prev">{t(l, "credits-newer")}</a> })}
                " "<span>{format!("{} {page} {} {pages} ({} {})", t(l, "invoices-page"), t(l, "invoices-of"), list.count, t(l, "invoices-documents"))}</span>" "
                {(page < pages).then(|| view! { <a href=list_href(current, page + 1) rel="next">{t(l, "credits-older")}</a> })}
            </p>
        </section>
    }
}

#[component]
pub fn InvoicePage() -> impl IntoView {
    let session = expect_context::<SessionResource>();
    let params = use_params_map();
    let doc = Resource::new(
        move || params.read().get("number").unwrap_or_default(),
        document,
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                let info = session.await.unwrap_or(SessionInfo { locale: Locale::default(), user: None });
                let l = info.locale;
                let (title, body) = match doc.await {
                    Ok(d) => (kind_label(d.summary.credit_note, l), detail_view(d, l).into_any()),
                    Err(e) => (t(l, "invoices-document"), error_view(e, l)),
                };
                sub_page(info, title, body)
            })}
        </Suspense>
    }
}

fn detail_view(d: DocumentView, l: Locale) -> impl IntoView {
    let money = move |m: crate::domain::money::Money| m.format(l);
    let buyer_lines = d.buyer.address_lines();
    let s = d.summary.clone();
    let status_class = format!("badge {}", s.status.code());
    view! {
        <section class="card wide document" data-test="document">
            <header class="document-head">
                <div>
                    <p class="big" data-test="number">{s.number.clone()}</p>
                    <span class=status_class data-test="status">{status_label(s.status, s.credit_note, l)}</span>
                    {s.corrects.clone().map(|c| view! { <p>{t(l, "invoices-credits-invoice")}<a href=document_href(&c)>{c.clone()}</a></p> })}
                    {(!s.credited_by.is_empty()).then(|| view! {
                        <p>{t(l, "invoices-credited-by")}{s.credited_by.iter().map(|n| view! { <a href=document_href(n)>{n.clone()}</a>" " }).collect_view()}</p>
                    })}
                </div>
                <a class="button primary" href=pdf_href(&s.number) download data-test="pdf-download">{t(l, "invoices-download-pdf")}</a>
                <a class="button" href=format!("/billing/invoices/{}/ubl", s.number) download data-test="ubl-download">{t(l, "invoices-download-e-invoice")}</a>
            </header>
            <div class="parties">
                <div data-test="seller">
                    <h2>{t(l, "invoices-seller")}</h2>
                    <img src="/billing/logo" alt="" class="logo"/>
                    <p><strong>{d.seller.legal_name.clone()}</strong><br/>
                    {d.seller.address.iter().map(|a| view! { {a.clone()}<br/> }).collect_view()}
                    {t(l, "invoices-company-reg-no")}{d.seller.org_number.clone()}<br/>
                    {t(l, "invoices-vat-reg-no")}{d.seller.vat_number.clone()}<br/>
                    {"Bankgiro "}{d.seller.bankgiro.clone()}<br/>
                    {d.seller.f_tax.then(|| t(l, "invoices-approved-for-f-tax"))}</p>
                </div>
                <div data-test="buyer">
                    <h2>{t(l, "invoices-buyer")}</h2>
                    <p><strong>{d.buyer.legal_name.clone()}</strong><br/>
                    {buyer_lines.into_iter().map(|a| view! { {a}<br/> }).collect_view()}
                    {d.buyer.country.clone()}<br/>
                    {d.buyer.vat_number.clone().map(|v| view! { {t(l, "invoices-vat-reg-no")}{v}<br/> })}
                    {d.buyer.invoice_email.clone()}</p>
                </div>
                <dl class="facts">
                    <dt>{t(l, "documents-issued")}</dt><dd>{l.date(s.issue_date)}</dd>
                    {(!s.credit_note).then(|| view! {
                        <dt>{t(l, "invoices-due-date")}</dt><dd data-test="due-date">{l.date(s.due_date)}</dd>
                        <dt>{t(l, "invoices-payment-terms")}</dt><dd>{format!("{} {}", d.payment_terms_days, t(l, "invoices-days-net"))}</dd>
                    })}
                    {d.ocr.clone().map(|o| view! { <dt>{t(l, "invoices-payment-reference-ocr")}</dt><dd data-test="ocr"><code>{o}</code></dd> })}
                    <dt>{t(l, "invoices-currency")}</dt><dd>{s.total.currency().code()}</dd>
                </dl>
            </div>
            <div class="table-scroll">
            <table data-test="lines">
                <thead><tr>
                    <th>{t(l, "invoices-description")}</th>
                    <th class="num">{t(l, "invoices-qty")}</th>
                    <th class="num">{t(l, "invoices-unit-price")}</th>
                    <th class="num">{t(l, "invoices-vat")}</th>
                    <th class="num">{t(l, "documents-amount")}</th>
                </tr></thead>
                <tbody>
                    {d.lines.iter().map(|line| view! {
                        <tr>
                            <td>{line.description.clone()}</td>
                            <td class="num">{line.quantity}</td>
                            <td class="num">{money(line.unit_price)}</td>
                            <td class="num">{percent(line.vat_rate)}</td>
                            <td class="num">{money(line.amount)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            </div>
            <dl class="totals" data-test="totals">
                <dt>{t(l, "invoices-subtotal-excl-vat")}</dt><dd>{money(d.subtotal)}</dd>
                {d.vat.iter().map(|v| view! {
                    <dt>{tf!(l, "pdf-vat-rate-on", rate = percent(v.rate), base = money(v.base))}</dt><dd data-test="vat">{money(v.vat)}</dd>
                }).collect_view()}
                <dt><strong>{t(l, "invoices-total")}</strong></dt><dd data-test="total"><strong>{money(s.total)}</strong></dd>
                {(!d.credit_applied.is_zero()).then(|| view! {
                    <dt>{t(l, "invoices-less-account-credit")}</dt><dd>{format!("-{}", money(d.credit_applied))}</dd>
                })}
                {d.settlements.iter().map(|p| view! {
                    <dt data-test="settlement">{p.line_text(l)}</dt><dd>{format!("-{}", money(p.amount))}</dd>
                }).collect_view()}
                {(!s.credit_note).then(|| view! {
                    <dt><strong>{t(l, "documents-amount-due")}</strong></dt><dd data-test="amount-due"><strong>{money(s.amount_due)}</strong></dd>
                })}
            </dl>
            {(s.status == DocumentStatus::Paid).then(|| d.settlements.last().map(|p| view! {
                <p class="ok" data-test="receipt">{p.receipt_text(l)}</p>
            }))}
            {(!d.attempts.is_empty()).then(|| view! {
                <h2>{t(l, "invoices-payment-attempts")}</h2>
                <div class="table-scroll">
                <table data-test="attempts">
                    <thead><tr>
                        <th>{t(l, "invoices-date")}</th>
                        <th>{t(l, "invoices-method")}</th>
                        <th class="num">{t(l, "documents-amount")}</th>
                        <th>{t(l, "invoices-outcome")}</th>
                    </tr></thead>
                    <tbody>
                        {d.attempts.iter().map(|a| view! {
                            <tr>
                                <td>{l.date(a.on)}</td>
                                <td>{a.instrument.clone()}</td>
                                <td class="num">{money(a.amount)}</td>
                                <td>{match a.decline {
                                    None => t(l, "documents-paid").to_string(),
                                    Some(d) => format!("{}: {}", t(l, "invoices-declined"), decline_text(d, l)),
                                }}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                </div>
            })}
            {d.vat_note.clone().map(|n| view! { <p class="notice" data-test="vat-note">{n}</p> })}
            {(!s.credit_note && s.amount_due.is_positive()).then(|| view! {
                <p class="muted">{format!("{} {} {}, {} {}.",
                    t(l, "invoices-pay-to-bankgiro"), d.seller.bankgiro,
                    d.ocr.clone().map(|o| format!("{} {o}", t(l, "invoices-quoting-ocr"))).unwrap_or_default(),
                    t(l, "invoices-by"), l.date(s.due_date))}</p>
            })}
        </section>
    }
}
