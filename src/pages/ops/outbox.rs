//! The e-mails sent and waiting (R-INV-7).

use super::*;

/// The e-mails sent and waiting (R-INV-7), with the document attached to
/// each: where SMTP is not configured, they wait here as `.eml` files.
#[component]
pub fn OpsOutboxPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |k: &str| query.read().get(k).filter(|v| !v.is_empty());
    console(
        "Outbox",
        move || {
            (
                get("status"),
                get("before").and_then(|v| v.parse::<i64>().ok()),
            )
        },
        |(status, before)| ops_outbox(status, before),
        move |_, page| {
            let status = query.read_untracked().get("status").unwrap_or_default();
            let older = page.older.map(|id| {
                let filter = if status.is_empty() {
                    String::new()
                } else {
                    format!("status={status}&")
                };
                format!("/ops/outbox?{filter}before={id}")
            });
            view! {
                <p data-test="delivery">{format!("Delivery: {}", page.delivery)}</p>
                <form method="get" action="/ops/outbox" class="details-form" role="search">
                    <label>"Status"
                        <select name="status">
                            {[("", "All"), ("waiting", "Waiting"), ("sent", "Sent"), ("failed", "Failed")].into_iter().map(|(v, label)| view! {
                                <option value=v selected=status == v>{label}</option>
                            }).collect_view()}
                        </select></label>
                    <button type="submit">"Filter"</button>
                </form>
                <div class="table-scroll">
                <table data-test="outbox">
                    <thead><tr><th>"Queued (UTC)"</th><th>"Organisation"</th><th>"To"</th><th>"Subject"</th><th>"Attachment"</th><th>"Status"</th><th>"Attempts"</th></tr></thead>
                    <tbody>
                        {page.entries.into_iter().map(|e| {
                            let pdf = e.attachment.as_ref().map(|n| (format!("/ops/orgs/{}/documents/{n}/pdf", e.org_id), format!("{n}.pdf")));
                            let state = match (&e.status[..], &e.sent_at, &e.last_error) {
                                ("sent", Some(at), _) => format!("sent {at}"),
                                (s, _, Some(err)) => format!("{s}: {err}"),
                                (s, ..) => s.to_string(),
                            };
                            view! {
                                <tr data-kind=e.kind.clone()>
                                    <td>{e.created_at}</td>
                                    <td><a href=format!("/ops/orgs/{}", e.org_id)>{e.organisation}</a></td>
                                    <td>{e.recipient.unwrap_or_else(|| "— (no billing owner's address)".into())}</td>
                                    <td>{e.subject}</td>
                                    <td>{pdf.map(|(href, name)| view! { <a href=href rel="external" download>{name}</a> })}</td>
                                    <td data-test="status">{state}</td>
                                    <td class="num">{e.attempts}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                </div>
                {older.map(|href| view! { <p class="pager"><a href=href>"Older messages →"</a></p> })}
            }
            .into_any()
        },
    )
}
