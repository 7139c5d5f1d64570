//! The enterprise contract card of an organisation's page (R-SUB-10).

use super::*;

/// The enterprise contract (R-SUB-10): the one in force, and setting one
/// up from the next renewal, previewed first.
pub(super) fn contract_card(
    v: &OrgView,
    key: String,
    can: bool,
    preview: ServerAction<OpsContract>,
    confirm: ServerAction<OpsContract>,
) -> AnyView {
    let org_id = v.org.id.to_string();
    let current = v.contract.clone().map(|c| view! {
        <dl class="facts" data-test="contract">
            <dt>"Term"</dt><dd>{format!("{} years, renews {}", c.years, L.date(c.renewal_date))}</dd>
            <dt>"Value"</dt><dd>{format!("{} ({} a year, {} volume discount)", money(c.total), money(c.yearly), money(c.discount))}</dd>
            <dt>"Seat tier"</dt><dd>{c.seat_tier}</dd>
            <dt>"Instalments"</dt>
            <dd><ul>{c.instalments.into_iter().map(|i| view! { <li>{format!("{} {}", L.date(i.due), money(i.amount))}</li> }).collect_view()}</ul></dd>
        </dl>
    });
    let starts = v.contract_start.map(|d| L.date(d)).unwrap_or_default();
    let plan = v.plan.clone().unwrap_or_default();
    let (form_org, form_key) = (org_id.clone(), key.clone());
    view! {
        <section class="card wide">
            <h2>"Enterprise contract"</h2>
            <p>{format!("Plan now: {plan}.")}</p>
            {current}
            <ActionForm action=preview attr:class="details-form" attr:data-test="contract-form">
                <input type="hidden" name="org_id" value=form_org/>
                <input type="hidden" name="idempotency_key" value=form_key/>
                <p>{format!("A contract set up now starts {starts}, when what was paid for runs out; replacing one is possible until its first instalment is invoiced.")}</p>
                <label>"Term"
                    <select name="form[years]">
                        <option value="1">"1 year"</option>
                        <option value="2">"2 years"</option>
                        <option value="3">"3 years"</option>
                    </select></label>
                <label>"List price per year"<input type="text" name="form[annual_price]" inputmode="decimal" required/></label>
                <label>"Volume discount (%)"<input type="text" name="form[discount]" inputmode="decimal" value="0" required/></label>
                <label>"Seat tier (users inside it are free)"<input type="number" name="form[seat_tier]" min="1" required/></label>
                <label>"Schedule"
                    <select name="form[schedule]">
                        <option value="annual">"Annual"</option>
                        <option value="quarterly">"Quarterly"</option>
                        <option value="custom">"Custom (below)"</option>
                    </select></label>
                <label>"Custom instalments, one a line: YYYY-MM-DD amount"<textarea name="form[custom]" rows="4"></textarea></label>
                <button type="submit" disabled=!can>"Preview contract"</button>
            </ActionForm>
            {move || {
                let (key, org_id) = (key.clone(), org_id.clone());
                outcome(preview.value().get(), move |p: ContractPreview| {
                    let f = p.form.clone();
                    view! {
                        <div class="card notice" data-test="contract-preview">
                            <p>{format!(
                                "From {} to {}: {} after a volume discount of {}. {} becomes {}; it pays by invoice from now (was: {}).{}",
                                L.date(p.start), L.date(p.end - chrono::Duration::days(1)), money(p.total), money(p.discount),
                                p.plan_before, p.plan_after, p.payment_before,
                                if p.replaces { " It replaces the contract set up before." } else { "" }
                            )}</p>
                            <ul>{p.instalments.iter().map(|(d, m)| view! { <li>{format!("{} {}", L.date(*d), money(*m))}</li> }).collect_view()}</ul>
                            <ActionForm action=confirm>
                                <input type="hidden" name="org_id" value=org_id/>
                                <input type="hidden" name="form[years]" value=f.years.to_string()/>
                                <input type="hidden" name="form[annual_price]" value=f.annual_price/>
                                <input type="hidden" name="form[discount]" value=f.discount/>
                                <input type="hidden" name="form[seat_tier]" value=f.seat_tier.to_string()/>
                                <input type="hidden" name="form[schedule]" value=f.schedule/>
                                <input type="hidden" name="form[custom]" value=f.custom/>
                                <input type="hidden" name="idempotency_key" value=key/>
                                <input type="hidden" name="confirm" value="yes"/>
                                <button type="submit" class="primary">"Set up the contract"</button>
                            </ActionForm>
                        </div>
                    }
                })
            }}
            {move || outcome(confirm.value().get(), |p: ContractPreview| view! {
                <p class="ok" data-test="contract-saved">{format!("Contract set up; it starts {}.", L.date(p.start))}</p>
            })}
        </section>
    }
    .into_any()
}

/// Clears `preview`'s answer once `confirm` has an answer.
pub(super) fn forget_preview_after<A, B>(preview: ServerAction<A>, confirm: ServerAction<B>)
where
    A: leptos::server_fn::ServerFn + Clone + Send + Sync + 'static,
    A::Output: Send + Sync + 'static,
    A::Error: Send + Sync + 'static,
    B: leptos::server_fn::ServerFn + Clone + Send + Sync + 'static,
    B::Output: Send + Sync + 'static,
    B::Error: Send + Sync + 'static,
{
    Effect::new(move |_| {
        if confirm.version().get() > 0 {
            preview.value().set(None);
        }
    });
}
