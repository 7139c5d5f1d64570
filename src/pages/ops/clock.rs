//! The test clock (R-OPS-2).

use super::*;

#[component]
pub fn OpsClockPage() -> impl IntoView {
    let preview = ServerAction::<OpsClockPreview>::new();
    let run = ServerAction::<OpsClockRun>::new();
    console(
        "Test clock",
        || (),
        |_| ops_orgs(None),
        move |me, orgs| {
            let can = me.may_change();
            view! {
                <section class="card">
                    <h2>"What would the clock bill?"</h2>
                    <p class="muted">"Runs the billing clock for one organisation to a day, with nothing written."</p>
                    <ActionForm action=preview attr:class="details-form">
                        <label>"Organisation"<select name="org_id">
                            {orgs.into_iter().map(|o| view! { <option value=o.id.to_string()>{o.name}</option> }).collect_view()}
                        </select></label>
                        <label>"Day (YYYY-MM-DD)"<input type="text" name="date" required/></label>
                        <button type="submit">"Show"</button>
                    </ActionForm>
                    {move || outcome(preview.value().get(), |docs: Vec<WouldIssue>| if docs.is_empty() {
                        view! { <p data-test="would-issue">"Nothing would be invoiced by then."</p> }.into_any()
                    } else {
                        view! {
                            <div data-test="would-issue">
                                {docs.into_iter().map(|d| view! {
                                    <h3>{format!("Invoice of {}: {}", L.date(d.issue_date), money(d.total))}</h3>
                                    <ul>{d.lines.into_iter().map(|(text, amount)| view! { <li>{format!("{text}: {}", money(amount))}</li> }).collect_view()}</ul>
                                }).collect_view()}
                            </div>
                        }.into_any()
                    })}
                </section>
                <section class="card">
                    <h2>"Run the clock now"</h2>
                    <p class="muted">"For everyone, at this moment; running it twice does nothing the second time."</p>
                    <ActionForm action=run>
                        <button type="submit" disabled=!can>"Run now"</button>
                    </ActionForm>
                    {move || outcome(run.value().get(), |counts: Vec<(String, i64)>| view! {
                        <dl class="facts" data-test="clock-counts">
                            {counts.into_iter().map(|(k, n)| view! { <dt>{k}</dt><dd>{n}</dd> }).collect_view()}
                        </dl>
                    })}
                </section>
            }
            .into_any()
        },
    )
}
