//! The documents table of the overview and the invoice list: number (to the
//! detail page), what it is, status, dates, amounts and the PDF.

use crate::api::documents::{pdf_href, DocumentStatus, DocumentSummary};
use crate::domain::locale::Locale;
use crate::i18n::t;
use leptos::prelude::*;

pub fn status_label(status: DocumentStatus, credit_note: bool, l: Locale) -> &'static str {
    match status {
        DocumentStatus::Pending => t(l, "documents-pending"),
        DocumentStatus::Paid if credit_note => t(l, "documents-applied"),
        DocumentStatus::Paid => t(l, "documents-paid"),
        DocumentStatus::Overdue => t(l, "documents-overdue"),
        DocumentStatus::Void => t(l, "documents-void"),
    }
}

pub fn kind_label(credit_note: bool, l: Locale) -> &'static str {
    if credit_note {
        t(l, "documents-credit-note")
    } else {
        t(l, "documents-invoice")
    }
}

pub fn document_href(number: &str) -> String {
    format!("/billing/invoices/{number}")
}

pub fn documents_table(items: Vec<DocumentSummary>, l: Locale) -> impl IntoView {
    view! {
        <div class="table-scroll">
        <table class="documents">
            <thead><tr>
                <th>{t(l, "documents-number")}</th>
                <th>{t(l, "documents-status")}</th>
                <th>{t(l, "documents-issued")}</th>
                <th>{t(l, "documents-due")}</th>
                <th class="num">{t(l, "documents-amount")}</th>
                <th class="num">{t(l, "documents-amount-due")}</th>
                <th><span class="visually-hidden">"PDF"</span></th>
            </tr></thead>
            <tbody>
                {items.into_iter().map(|d| {
                    let relation = match (&d.corrects, d.credited_by.is_empty()) {
                        (Some(c), _) => Some(view! {
                            <>{t(l, "documents-corrects")}<a href=document_href(c)>{c.clone()}</a></>
                        }.into_any()),
                        (None, false) => Some(view! {
                            <>{t(l, "documents-credited-by")}{d.credited_by.iter().map(|n| view! {
                                <a href=document_href(n)>{n.clone()}</a>" "
                            }).collect_view()}</>
                        }.into_any()),
                        _ => None,
                    };
                    let status_class = format!("badge {}", d.status.code());
                    view! {
                        <tr data-test="document-row" class:credit-note=d.credit_note>
                            <td>
                                <a href=document_href(&d.number) data-test="document-number">{d.number.clone()}</a>
                                <br/><small class="muted">{kind_label(d.credit_note, l)}" "{relation}</small>
                            </td>
                            <td><span class=status_class data-test="document-status">{status_label(d.status, d.credit_note, l)}</span></td>
                            <td data-label=t(l, "documents-issued")>{l.date(d.issue_date)}</td>
                            <td data-label=t(l, "documents-due")>{if d.credit_note { "–".to_string() } else { l.date(d.due_date) }}</td>
                            <td class="num" data-label=t(l, "documents-amount")>{d.total.format(l)}</td>
                            <td class="num" data-label=t(l, "documents-amount-due")>{if d.credit_note { "–".to_string() } else { d.amount_due.format(l) }}</td>
                            <td><a href=pdf_href(&d.number) download data-test="pdf-link" aria-label=format!("PDF {}", d.number)>"PDF"</a></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        </div>
    }
}
