//! One organisation: its flags, members and teams, contract, documents and corrections.

use super::contract::{contract_card, forget_preview_after};
use super::goodwill::{goodwill_card, GoodwillForms};
use super::*;

#[component]
pub fn OpsOrgPage() -> impl IntoView {
    let params = use_params_map();
    let flags = ServerAction::<OpsOrgFlags>::new();
    let preview = ServerAction::<OpsVoid>::new();
    let void = ServerAction::<OpsVoid>::new();
    let note_preview = ServerAction::<OpsGoodwillNote>::new();
    let note = ServerAction::<OpsGoodwillNote>::new();
    let grant_preview = ServerAction::<OpsGoodwillCredits>::new();
    let grant = ServerAction::<OpsGoodwillCredits>::new();
    let active = ServerAction::<OpsMemberActive>::new();
    let team_add = ServerAction::<OpsTeamAdd>::new();
    let team_move = ServerAction::<OpsMemberTeam>::new();
    let contract_preview = ServerAction::<OpsContract>::new();
    let contract = ServerAction::<OpsContract>::new();
    // A confirmed change reloads the page with a new key: its preview goes,
    // so a second click cannot confirm it again under the new key.
    forget_preview_after(preview, void);
    forget_preview_after(note_preview, note);
    forget_preview_after(grant_preview, grant);
    forget_preview_after(contract_preview, contract);
    console(
        "Organisation",
        move || {
            (
                params
                    .read()
                    .get("id")
                    .and_then(|i| i.parse::<i64>().ok())
                    .unwrap_or(0),
                flags.version().get(),
                void.version().get()
                    + note.version().get()
                    + grant.version().get()
                    + contract.version().get()
                    + active.version().get()
                    + team_add.version().get()
                    + team_move.version().get(),
            )
        },
        |(id, _, _)| ops_org(id),
        move |me, v| {
            let id = v.org.id.to_string();
            let can = me.may_change();
            let key = v.action_key.clone();
            let org_id = id.clone();
            let flags_id = id.clone();
            let docs_id = id.clone();
            let invoices: Vec<String> = v
                .documents
                .iter()
                .filter(|d| !d.credit_note && d.status.code() != "void")
                .map(|d| d.number.clone())
                .collect();
            let members = members_card(&v, can, active, team_add, team_move);
            let contract_card = contract_card(
                &v,
                format!("{}-contract", v.action_key),
                can,
                contract_preview,
                contract,
            );
            let goodwill = goodwill_card(GoodwillForms {
                org_id: id.clone(),
                key: v.action_key.clone(),
                can,
                invoices,
                note_preview,
                note,
                grant_preview,
                grant,
            });
            view! {
                <section class="card">
                    <h2 data-test="org-name">{v.org.name.clone()}</h2>
                    <p>{format!("{} · {}", v.org.country, v.org.vat_number.clone().unwrap_or_default())}</p>
                    <p><a href=format!("/ops/audit?org_id={id}")>"Audit log of this organisation"</a>
                        " · "<a href=format!("/ops/orgs/{id}/customer")>"What the customer sees"</a></p>
                </section>
                <section class="card">
                    <h2>"Flags"</h2>
                    <ActionForm action=flags attr:class="details-form">
                        <input type="hidden" name="org_id" value=flags_id/>
                        <label>"Managed by partner (empty: not partner-managed)"
                            <input type="text" name="partner" value=v.org.partner.clone().unwrap_or_default() maxlength="200"/></label>
                        <label>"Partner contact"
                            <input type="text" name="partner_contact" value=v.partner_contact.clone().unwrap_or_default() maxlength="200"/></label>
                        <label class="check"><input type="checkbox" name="plan_locked" value="on" checked=v.org.plan_locked/>"Plan locked by agreement"</label>
                        <button type="submit" disabled=!can>"Save flags"</button>
                    </ActionForm>
                    {move || outcome(flags.value().get(), |_| view! { <p class="ok">"Saved."</p> })}
                </section>
                <section class="card wide">
                    <h2>"Invoices and credit notes"</h2>
                    <div class="table-scroll">
                    <table data-test="documents">
                        <thead><tr><th>"Number"</th><th>"Issued"</th><th>"Status"</th><th class="num">"Total"</th><th class="num">"Due"</th><th>"Void"</th></tr></thead>
                        <tbody>
                            {v.documents.into_iter().map(|d| {
                                let open = !d.credit_note && d.status.code() != "void" && can;
                                let (id, number) = (docs_id.clone(), d.number.clone());
                                let preview_key = key.clone();
                                view! {
                                    <tr data-number=d.number.clone()>
                                        <td><a href=format!("/ops/orgs/{id}/documents/{number}/pdf") rel="external" download>{d.number.clone()}</a>{d.corrects.clone().map(|c| format!(" (credits {c})"))}</td>
                                        <td>{L.date(d.issue_date)}</td>
                                        <td data-test="status">{d.status.code()}</td>
                                        <td class="num">{money(d.total)}</td>
                                        <td class="num">{money(d.amount_due)}</td>
                                        <td>{open.then(|| view! {
                                            <ActionForm action=preview attr:class="inline-form">
                                                <input type="hidden" name="org_id" value=id/>
                                                <input type="hidden" name="number" value=number/>
                                                <input type="hidden" name="idempotency_key" value=preview_key.clone()/>
                                                <label>"Reason"<input type="text" name="reason" required minlength="3" maxlength="500"/></label>
                                                <button type="submit">"Void…"</button>
                                            </ActionForm>
                                        })}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                    </div>
                    {move || {
                        let (key, org_id) = (key.clone(), org_id.clone());
                        outcome(preview.value().get(), move |p: VoidPreview| view! {
                            <div class="card notice" data-test="void-preview">
                                <p>{format!(
                                    "Void {}: a credit note of {} is issued; it settles the {} still owed, and {} already paid goes to the account balance. Reason: {}",
                                    p.invoice, money(p.total), money(p.amount_due), money(p.to_balance), p.reason
                                )}</p>
                                <ActionForm action=void>
                                    <input type="hidden" name="org_id" value=org_id.clone()/>
                                    <input type="hidden" name="number" value=p.invoice.clone()/>
                                    <input type="hidden" name="reason" value=p.reason.clone()/>
                                    <input type="hidden" name="idempotency_key" value=key/>
                                    <input type="hidden" name="confirm" value="yes"/>
                                    <button type="submit" class="primary">{format!("Void {} with a credit note", p.invoice)}</button>
                                </ActionForm>
                            </div>
                        })
                    }}
                    {move || outcome(void.value().get(), |p: VoidPreview| view! {
                        <p class="ok" data-test="voided">{format!("{} is void; credit note {} issued.", p.invoice, p.credit_note.unwrap_or_default())}</p>
                    })}
                </section>
                {members}
                {contract_card}
                {goodwill}
            }
            .into_any()
        },
    )
}

/// Members (deactivated, never deleted: R-ACC-7) and teams.
fn members_card(
    v: &OrgView,
    can: bool,
    active: ServerAction<OpsMemberActive>,
    team_add: ServerAction<OpsTeamAdd>,
    team_move: ServerAction<OpsMemberTeam>,
) -> AnyView {
    let org_id = v.org.id.to_string();
    let teams = v.teams.clone();
    let rows = v.members.clone().into_iter().map(|m| {
        let (org_a, org_t) = (org_id.clone(), org_id.clone());
        let (id_a, id_t) = (m.id.to_string(), m.id.to_string());
        let teams = teams.clone();
        let current_team = m.team.clone();
        let (is_active, owner) = (m.active, m.billing_owner);
        view! {
            <tr data-member=m.email.clone() class:inactive=!m.active>
                <td>{m.name.clone()}<br/><span class="muted">{m.email.clone()}</span></td>
                <td>{m.role.clone()}{m.billing_owner.then_some(" · billing owner")}</td>
                <td>
                    <ActionForm action=team_move attr:class="inline-form">
                        <input type="hidden" name="org_id" value=org_t/>
                        <input type="hidden" name="membership_id" value=id_t/>
                        <select name="team_id" aria-label="Team">
                            <option value="" selected=current_team.is_none()>"No team"</option>
                            {teams.into_iter().map(|t| view! {
                                <option value=t.id.to_string() selected=current_team.as_deref() == Some(t.name.as_str())>{t.name.clone()}</option>
                            }).collect_view()}
                        </select>
                        <button type="submit" disabled=!can>"Move"</button>
                    </ActionForm>
                </td>
                <td data-test="active">{if m.active { "active" } else { "deactivated" }}</td>
                <td>
                    <ActionForm action=active attr:class="inline-form">
                        <input type="hidden" name="org_id" value=org_a/>
                        <input type="hidden" name="membership_id" value=id_a/>
                        <input type="hidden" name="active" value=(!is_active).to_string()/>
                        <button type="submit" disabled=!can || owner>{if is_active { "Deactivate" } else { "Reactivate" }}</button>
                    </ActionForm>
                </td>
            </tr>
        }
    }).collect_view();
    view! {
        <section class="card wide">
            <h2>"Members"</h2>
            <div class="table-scroll">
            <table data-test="members">
                <thead><tr><th>"Name"</th><th>"Role"</th><th>"Team"</th><th>"Status"</th><th></th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
            </div>
            {move || outcome(active.value().get(), |_| view! { <p class="ok" data-test="member-saved">"Saved; the member's history stays."</p> })}
            {move || outcome(team_move.value().get(), |_| view! { <p class="ok">"Moved."</p> })}
            <h3>"Teams"</h3>
            <ul>{v.teams.iter().map(|t| view! {
                <li>{t.name.clone()}{t.own_subscription.then_some(" (its own subscription)")}</li>
            }).collect_view()}</ul>
            <ActionForm action=team_add attr:class="inline-form">
                <input type="hidden" name="org_id" value=org_id/>
                <label>"New team"<input type="text" name="name" required maxlength="80"/></label>
                <button type="submit" disabled=!can>"Add team"</button>
            </ActionForm>
            {move || outcome(team_add.value().get(), |_| view! { <p class="ok">"Team added."</p> })}
        </section>
    }
    .into_any()
}
