//! The organisations: found by name, organisation or VAT number, invoice number or OCR reference.

use super::*;

#[component]
pub fn OpsHomePage() -> impl IntoView {
    let query = use_query_map();
    console(
        "Organisations",
        move || query.read().get("q"),
        ops_orgs,
        move |_, orgs| {
            let q = query.read_untracked().get("q").unwrap_or_default();
            view! {
                <form method="get" action="/ops" class="inline-form" role="search">
                    <label>"Name, organisation or VAT number, invoice number or OCR reference"
                        <input type="search" name="q" value=q/>
                    </label>
                    <button type="submit">"Search"</button>
                </form>
                <div class="table-scroll">
                <table data-test="orgs">
                    <thead><tr><th>"Organisation"</th><th>"Country"</th><th>"VAT number"</th><th>"Flags"</th></tr></thead>
                    <tbody>
                        {orgs.into_iter().map(|o| {
                            let mut flags = Vec::new();
                            if let Some(p) = &o.partner { flags.push(format!("partner-managed by {p}")); }
                            if o.plan_locked { flags.push("plan-locked".to_string()); }
                            if o.manually_billed { flags.push("contract".to_string()); }
                            view! {
                                <tr>
                                    <td><a href=format!("/ops/orgs/{}", o.id)>{o.name}</a></td>
                                    <td>{o.country}</td>
                                    <td>{o.vat_number.unwrap_or_default()}</td>
                                    <td>{flags.join(", ")}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                </div>
            }
            .into_any()
        },
    )
}
