//! The audit log, filtered (R-OPS-1).

use super::*;

#[component]
pub fn OpsAuditPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |k: &str| query.read().get(k).filter(|v| !v.is_empty());
    console(
        "Audit log",
        move || {
            (
                get("org_id").and_then(|v| v.parse::<i64>().ok()),
                get("actor"),
                get("action"),
                get("from"),
                get("to"),
                get("before").and_then(|v| v.parse::<i64>().ok()),
            )
        },
        |(org, actor, action, from, to, before)| ops_audit(org, actor, action, from, to, before),
        move |_, page| {
            let q = query.read_untracked();
            let val = |k: &str| q.get(k).unwrap_or_default();
            let older = page.older.map(|id| {
                let mut params: Vec<String> = ["org_id", "actor", "action", "from", "to"]
                    .iter()
                    .filter_map(|k| {
                        q.get(k)
                            .filter(|v| !v.is_empty())
                            .map(|v| format!("{k}={v}"))
                    })
                    .collect();
                params.push(format!("before={id}"));
                format!("/ops/audit?{}", params.join("&"))
            });
            view! {
                <form method="get" action="/ops/audit" class="details-form" role="search">
                    <label>"Organisation id"<input type="number" name="org_id" value=val("org_id")/></label>
                    <label>"Who (user:7, operator:2, billing-clock, api-key:5, or a prefix)"<input type="text" name="actor" value=val("actor")/></label>
                    <label>"Action (or a prefix such as plan.)"<input type="text" name="action" value=val("action")/></label>
                    <label>"From (YYYY-MM-DD)"<input type="text" name="from" value=val("from")/></label>
                    <label>"To (YYYY-MM-DD)"<input type="text" name="to" value=val("to")/></label>
                    <button type="submit">"Filter"</button>
                </form>
                <div class="table-scroll">
                <table data-test="audit">
                    <thead><tr><th>"When (UTC)"</th><th>"Organisation"</th><th>"Who"</th><th>"What"</th><th>"Before"</th><th>"After"</th></tr></thead>
                    <tbody>
                        {page.entries.into_iter().map(|e| view! {
                            <tr>
                                <td>{e.at}</td>
                                <td>{e.organisation.unwrap_or_else(|| "—".into())}</td>
                                <td>{e.actor}</td>
                                <td>{e.action}</td>
                                <td><code>{e.before}</code></td>
                                <td><code>{e.after}</code></td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                </div>
                {older.map(|href| view! { <p class="pager"><a href=href>"Older entries →"</a></p> })}
            }
            .into_any()
        },
    )
}
