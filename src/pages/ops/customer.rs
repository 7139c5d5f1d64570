//! The customer's billing page as they see it, read-only.

use super::*;

/// What the customer's billing page shows, read-only (R-OPS-1).
#[component]
pub fn OpsCustomerPage() -> impl IntoView {
    let params = use_params_map();
    let acts = crate::pages::billing::OverviewActions::new();
    console(
        "What the customer sees",
        move || {
            params
                .read()
                .get("id")
                .and_then(|i| i.parse::<i64>().ok())
                .unwrap_or(0)
        },
        ops_customer_view,
        move |_, o| {
            let id = params.read_untracked().get("id").unwrap_or_default();
            view! {
                <p><a href=format!("/ops/orgs/{id}")>"← Back to the organisation"</a>" · read-only, in Swedish as the customer reads it"</p>
                <div class="customer-view" data-test="customer-view">
                    {crate::pages::billing::overview_view(o, Locale::Sv, acts)}
                </div>
            }
            .into_any()
        },
    )
}
