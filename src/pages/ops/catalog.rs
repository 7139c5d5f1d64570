//! The catalog: plans, price versions, credit packs (R-CAT-1…4).

use super::*;

#[component]
pub fn OpsCatalogPage() -> impl IntoView {
    let preview = ServerAction::<OpsPublishPrice>::new();
    let publish = ServerAction::<OpsPublishPrice>::new();
    let edit = ServerAction::<OpsPlanEdit>::new();
    let add_pack = ServerAction::<OpsPackAdd>::new();
    let retire = ServerAction::<OpsPackRetire>::new();
    console(
        "Catalog",
        move || {
            (
                publish.version().get(),
                edit.version().get() + add_pack.version().get() + retire.version().get(),
            )
        },
        |_| ops_catalog(),
        move |me, c| {
            let can = me.may_change();
            let plans = c.plans.clone();
            let packs = packs_card(c.packs.clone(), can, add_pack, retire);
            view! {
                {move || outcome(edit.value().get(), |_| view! { <p class="ok" data-test="plan-saved">"Plan saved."</p> })}
                {c.plans.into_iter().map(|p| {
                    let form_id = p.id.to_string();
                    let form_name = p.name.clone();
                    let form_features = p.features.join("\n");
                    let form_limits = p.limits.iter().map(|(k, v)| format!("{k} {}", v.map_or("unlimited".to_string(), |v| v.to_string()))).collect::<Vec<_>>().join("\n");
                    let form_credits = p.monthly_credits.to_string();
                    let form_packs = p.packs_allowed;
                    let form_trial = p.trial_days.map(|d| d.to_string()).unwrap_or_default();
                    view! {
                    <section class="card wide" data-plan=p.name.clone()>
                        <h2>{p.name.clone()}</h2>
                        <p class="muted">{format!(
                            "{} credits a month · packs {} · {}",
                            p.monthly_credits,
                            if p.packs_allowed { "allowed" } else { "not sold" },
                            p.trial_days.map_or("no trial".to_string(), |d| format!("{d}-day trial"))
                        )}</p>
                        <p>{p.features.join(" · ")}</p>
                        <p class="muted">{p.limits.iter().map(|(k, v)| format!("{k}: {}", v.map_or("unlimited".to_string(), |v| L.integer(v.unsigned_abs())))).collect::<Vec<_>>().join(" · ")}</p>
                        <details>
                            <summary>"Edit what it offers"</summary>
                            <ActionForm action=edit attr:class="details-form" attr:data-test="plan-edit">
                                <input type="hidden" name="edit[plan_id]" value=form_id/>
                                <label>"Name"<input type="text" name="edit[name]" value=form_name required maxlength="60"/></label>
                                <label>"Features, one a line"<textarea name="edit[features]" rows="4">{form_features}</textarea></label>
                                <label>"Limits, one a line (contacts 10000, or contacts unlimited)"
                                    <textarea name="edit[limits]" rows="3">{form_limits}</textarea></label>
                                <label>"Credits a month"<input type="number" name="edit[monthly_credits]" min="0" value=form_credits required/></label>
                                <label class="check"><input type="checkbox" name="edit[packs_allowed]" value="true" checked=form_packs/>"Credit packs sold"</label>
                                <label>"Trial days (empty: no trial)"<input type="text" name="edit[trial_days]" inputmode="numeric" value=form_trial/></label>
                                <button type="submit" disabled=!can>"Save plan"</button>
                            </ActionForm>
                        </details>
                        <div class="table-scroll">
                        <table>
                            <thead><tr><th>"Currency"</th><th>"Interval"</th><th>"Version"</th><th class="num">"Flat"</th><th class="num">"Per seat"</th><th class="num">"Min. seats"</th><th>"Offered"</th><th class="num">"Subscriptions"</th></tr></thead>
                            <tbody>
                                {p.prices.into_iter().map(|r| view! {
                                    <tr>
                                        <td>{r.price.currency.code()}</td>
                                        <td>{r.price.interval.code()}</td>
                                        <td>{format!("v{}", r.price.version)}</td>
                                        <td class="num">{money(r.price.flat)}</td>
                                        <td class="num">{money(r.price.per_seat)}</td>
                                        <td class="num">{r.price.min_seats}</td>
                                        <td>{if r.current { "current list price" } else { "kept by its subscriptions" }}</td>
                                        <td class="num">{r.subscriptions}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                        </div>
                    </section>
                }}).collect_view()}
                <section class="card">
                    <h2>"Publish a new price"</h2>
                    <p class="muted">"A new version: subscriptions keep the version they have (and see the difference as a legacy discount); new subscriptions get this one."</p>
                    <ActionForm action=preview attr:class="details-form">
                        <label>"Plan"<select name="plan_id">
                            {plans.into_iter().map(|p| view! { <option value=p.id.to_string()>{p.name}</option> }).collect_view()}
                        </select></label>
                        <label>"Currency"{currency_select()}</label>
                        <label>"Interval"<select name="interval">
                            <option value="monthly">"monthly"</option><option value="annual">"annual"</option>
                        </select></label>
                        <label>"Flat amount"<input type="text" name="flat" value="0" inputmode="decimal" required/></label>
                        <label>"Per seat"<input type="text" name="per_seat" inputmode="decimal" required/></label>
                        <label>"Minimum seats"<input type="number" name="min_seats" value="2" min="0" required/></label>
                        <button type="submit" disabled=!can>"Preview"</button>
                    </ActionForm>
                    {move || outcome(preview.value().get(), |p: PricePublished| view! {
                        <div class="card notice" data-test="price-preview">
                            {if p.published {
                                view! { <p>{format!("{} v{} is already the list price: nothing to publish.", p.plan, p.version)}</p> }.into_any()
                            } else {
                                view! {
                                    <p>{format!(
                                        "{} {} {}: version {}, {} flat + {} per seat, from {} seats.{}",
                                        p.plan, p.currency.code(), p.interval.code(), p.version, money(p.flat), money(p.per_seat), p.min_seats,
                                        p.replaces.map(|(v, f, s)| format!(" Replaces v{v} ({} + {} per seat), which {} subscriptions keep.", money(f), money(s), p.kept_by)).unwrap_or_default()
                                    )}</p>
                                    <ActionForm action=publish>
                                        <input type="hidden" name="plan_id" value=p.plan_id.to_string()/>
                                        <input type="hidden" name="currency" value=p.currency.code()/>
                                        <input type="hidden" name="interval" value=p.interval.code()/>
                                        <input type="hidden" name="flat" value=p.flat.to_decimal_major().to_string()/>
                                        <input type="hidden" name="per_seat" value=p.per_seat.to_decimal_major().to_string()/>
                                        <input type="hidden" name="min_seats" value=p.min_seats.to_string()/>
                                        <input type="hidden" name="confirm" value="yes"/>
                                        <button type="submit" class="primary">{format!("Publish {} v{}", p.plan, p.version)}</button>
                                    </ActionForm>
                                }.into_any()
                            }}
                        </div>
                    })}
                    {move || outcome(publish.value().get(), |p: PricePublished| view! {
                        <p class="ok" data-test="published">{format!("Published {} v{}.", p.plan, p.version)}</p>
                    })}
                </section>
                {packs}
            }
            .into_any()
        },
    )
}

/// The credit packs (R-CAT-4): sold and retired, retiring one, adding one.
fn packs_card(
    packs: Vec<PackRow>,
    can: bool,
    add: ServerAction<OpsPackAdd>,
    retire: ServerAction<OpsPackRetire>,
) -> AnyView {
    view! {
        <section class="card wide">
            <h2>"Credit packs"</h2>
            <p class="muted">"A pack is not changed once sold: retire it and add a new one. What customers bought stays valid."</p>
            <div class="table-scroll">
            <table data-test="packs">
                <thead><tr><th>"Name"</th><th class="num">"Credits"</th><th class="num">"Price"</th><th>"Valid"</th><th>"Sold"</th><th></th></tr></thead>
                <tbody>
                    {packs.into_iter().map(|p| view! {
                        <tr data-pack=p.name.clone()>
                            <td>{p.name.clone()}</td>
                            <td class="num">{L.integer(p.credits.unsigned_abs())}</td>
                            <td class="num">{money(p.price)}</td>
                            <td>{format!("{} months", p.validity_months)}</td>
                            <td>{if p.retired { "retired" } else { "on sale" }}</td>
                            <td>{(!p.retired).then(|| view! {
                                <ActionForm action=retire attr:class="inline-form">
                                    <input type="hidden" name="id" value=p.id.to_string()/>
                                    <button type="submit" disabled=!can>"Retire"</button>
                                </ActionForm>
                            })}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            </div>
            {move || outcome(retire.value().get(), |_| view! { <p class="ok">"Retired."</p> })}
            <h3>"Add a pack"</h3>
            <ActionForm action=add attr:class="details-form" attr:data-test="pack-add">
                <label>"Name"<input type="text" name="name" required maxlength="60"/></label>
                <label>"Credits"<input type="number" name="credits" min="1" required/></label>
                <label>"Price (before VAT)"<input type="text" name="price" inputmode="decimal" required/></label>
                <label>"Currency"{currency_select()}</label>
                <label>"Valid for (months)"<input type="number" name="validity_months" min="1" max="36" value="12" required/></label>
                <button type="submit" disabled=!can>"Add pack"</button>
            </ActionForm>
            {move || outcome(add.value().get(), |_| view! { <p class="ok" data-test="pack-added">"Pack added."</p> })}
        </section>
    }
    .into_any()
}
