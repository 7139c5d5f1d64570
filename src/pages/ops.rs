//! The operators' console under `/ops` (R-OPS-1/2): its own login, the
//! organisations, the catalog, payments, the audit log and the test clock.
//! Operators read English; every change shows what it will do first.

use crate::api::ops::*;
use crate::domain::locale::Locale;
use crate::domain::money::{Currency, Money};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_params_map, use_query_map};

const L: Locale = Locale::En;

/// The currencies the catalog and payments take (R-ACC-1).
fn currency_select() -> impl IntoView {
    view! {
        <select name="currency">
            {Currency::ALL.into_iter().map(|c| view! { <option value=c.code()>{c.code()}</option> }).collect_view()}
        </select>
    }
}

fn money(m: Money) -> String {
    m.format(L)
}

fn error_line(e: AppError) -> AnyView {
    view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any()
}

/// The result of an action: its error, or what `ok` makes of its value.
fn outcome<T: Clone + Send + Sync + 'static, V: IntoView + 'static>(
    value: Option<Result<T, AppError>>,
    ok: impl FnOnce(T) -> V,
) -> Option<AnyView> {
    match value {
        Some(Ok(v)) => Some(ok(v).into_any()),
        Some(Err(e)) => Some(error_line(e)),
        None => None,
    }
}

/// The console's frame: who is logged in, the sections, logging out.
fn frame(me: OperatorInfo, title: &'static str, body: AnyView) -> AnyView {
    let logout = ServerAction::<OpsLogout>::new();
    let role = if me.may_change() {
        "operator"
    } else {
        "support, read-only"
    };
    view! {
        <header class="topbar">
            <a class="brand" href="/ops">"Billing console"</a>
            <nav class="tools" aria-label="Console">
                <a href="/ops">"Organisations"</a>
                <a href="/ops/catalog">"Catalog"</a>
                <a href="/ops/payments">"Payments"</a>
                <a href="/ops/audit">"Audit log"</a>
                <a href="/ops/clock">"Test clock"</a>
                <a href="/ops/outbox">"Outbox"</a>
            </nav>
            <div class="tools">
                <span class="who" data-test="operator">{format!("{} ({role})", me.name)}</span>
                <ActionForm action=logout>
                    <button type="submit">"Log out"</button>
                </ActionForm>
            </div>
        </header>
        <main class="page ops">
            <h1>{title}</h1>
            {body}
        </main>
    }
    .into_any()
}

/// A console page: the operator on the session (or the login page), then
/// `body` with what `load` fetched.
fn console<T, F, Fut>(
    title: &'static str,
    source: impl Fn() -> F + Send + Sync + 'static,
    load: impl Fn(F) -> Fut + Send + Sync + 'static,
    body: impl Fn(OperatorInfo, T) -> AnyView + Send + Sync + Copy + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    F: PartialEq + Clone + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<T, AppError>> + Send + 'static,
{
    let me = Resource::new(|| (), |_| ops_session());
    let data = Resource::new(source, load);
    view! {
        <Suspense fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(me)) if me.must_change_password => view! { <Redirect path="/ops/password"/> }.into_any(),
                    Ok(Some(me)) => match data.await {
                        Ok(d) => frame(me.clone(), title, body(me, d)),
                        Err(e) => frame(me, title, error_line(e)),
                    },
                    Ok(None) | Err(AppError::Unauthenticated) => view! { <Redirect path="/ops/login"/> }.into_any(),
                    Err(e) => error_line(e),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn OpsLoginPage() -> impl IntoView {
    let login = ServerAction::<OpsLogin>::new();
    view! {
        <main class="page login">
            <h1>"Billing console"</h1>
            <p class="muted">"For the vendor's operators and support staff. Customers log in at " <a href="/login">"/login"</a>"."</p>
            <ActionForm action=login attr:class="card">
                <label>"E-mail"<input type="email" name="email" autocomplete="username" required/></label>
                <label>"Password"<input type="password" name="password" autocomplete="current-password" required/></label>
                <button type="submit" class="primary">"Log in"</button>
            </ActionForm>
            {move || outcome(login.value().get(), |_| ())}
        </main>
    }
}

#[component]
pub fn OpsPasswordPage() -> impl IntoView {
    let change = ServerAction::<OpsPassword>::new();
    view! {
        <main class="page login">
            <h1>"Choose your password"</h1>
            <p>"Replace the one-time password with your own, at least 12 characters. Your other sessions end."</p>
            <ActionForm action=change attr:class="card">
                <label>"Current password"<input type="password" name="current" autocomplete="current-password" required/></label>
                <label>"New password"<input type="password" name="password" autocomplete="new-password" minlength="12" required/></label>
                <label>"Again"<input type="password" name="repeat" autocomplete="new-password" minlength="12" required/></label>
                <button type="submit" class="primary">"Save"</button>
            </ActionForm>
            {move || outcome(change.value().get(), |_| ())}
        </main>
    }
}

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

/// The enterprise contract (R-SUB-10): the one in force, and setting one
/// up from the next renewal, previewed first.
fn contract_card(
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
fn forget_preview_after<A, B>(preview: ServerAction<A>, confirm: ServerAction<B>)
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

struct GoodwillForms {
    org_id: String,
    key: String,
    can: bool,
    /// The invoices a credit note may correct: not void.
    invoices: Vec<String>,
    note_preview: ServerAction<OpsGoodwillNote>,
    note: ServerAction<OpsGoodwillNote>,
    grant_preview: ServerAction<OpsGoodwillCredits>,
    grant: ServerAction<OpsGoodwillCredits>,
}

/// Goodwill (R-OPS-1): a credit note against an invoice, and credits with
/// a last day; each previewed, then confirmed under its own key.
fn goodwill_card(f: GoodwillForms) -> AnyView {
    let GoodwillForms {
        org_id,
        key,
        can,
        invoices,
        note_preview,
        note,
        grant_preview,
        grant,
    } = f;
    let (note_key, grant_key) = (format!("{key}-note"), format!("{key}-credits"));
    let (note_org, grant_org) = (org_id.clone(), org_id.clone());
    let (note_form_key, grant_form_key) = (note_key.clone(), grant_key.clone());
    let note_form_org = org_id.clone();
    view! {
        <section class="card wide">
            <h2>"Goodwill"</h2>
            <h3>"Credit note"</h3>
            <ActionForm action=note_preview attr:class="details-form" attr:data-test="goodwill-note-form">
                <input type="hidden" name="org_id" value=note_form_org/>
                <input type="hidden" name="idempotency_key" value=note_form_key/>
                <label>"Invoice it corrects"
                    <select name="number" required>
                        {invoices.into_iter().map(|n| view! { <option value=n.clone()>{n.clone()}</option> }).collect_view()}
                    </select></label>
                <label>"Amount before VAT (the invoice's currency)"<input type="text" name="amount" inputmode="decimal" required/></label>
                <label>"Reason (the customer reads it on the credit note)"<input type="text" name="reason" required minlength="3" maxlength="500"/></label>
                <button type="submit" disabled=!can>"Preview credit note"</button>
            </ActionForm>
            {move || {
                let (key, org_id) = (note_key.clone(), note_org.clone());
                outcome(note_preview.value().get(), move |p: GoodwillNote| view! {
                    <div class="card notice" data-test="goodwill-note-preview">
                        <p>{format!(
                            "A credit note against {}: {} + VAT {} = {}. It settles {} still owed; {} goes to the account balance. {} of the invoice may be credited after it. Reason: {}",
                            p.invoice, money(p.net), money(p.vat), money(p.total), money(p.settles), money(p.to_balance), money(p.creditable_after), p.reason
                        )}</p>
                        <ActionForm action=note>
                            <input type="hidden" name="org_id" value=org_id/>
                            <input type="hidden" name="number" value=p.invoice.clone()/>
                            <input type="hidden" name="amount" value=p.net.to_decimal_major().to_string()/>
                            <input type="hidden" name="reason" value=p.reason.clone()/>
                            <input type="hidden" name="idempotency_key" value=key/>
                            <input type="hidden" name="confirm" value="yes"/>
                            <button type="submit" class="primary">{format!("Issue the credit note of {}", money(p.total))}</button>
                        </ActionForm>
                    </div>
                })
            }}
            {move || outcome(note.value().get(), |p: GoodwillNote| view! {
                <p class="ok" data-test="goodwill-note-issued">{format!("Credit note {} of {} issued against {}.", p.credit_note.unwrap_or_default(), money(p.total), p.invoice)}</p>
            })}
            <h3>"Credits"</h3>
            <ActionForm action=grant_preview attr:class="details-form" attr:data-test="goodwill-credits-form">
                <input type="hidden" name="org_id" value=org_id/>
                <input type="hidden" name="idempotency_key" value=grant_form_key/>
                <label>"Credits"<input type="number" name="credits" min="1" required/></label>
                <label>"Last day they can be used"<input type="date" name="last_day" required/></label>
                <label>"Reason (the customer reads it in the credit history)"<input type="text" name="reason" required minlength="3" maxlength="500"/></label>
                <button type="submit" disabled=!can>"Preview credits"</button>
            </ActionForm>
            {move || {
                let (key, org_id) = (grant_key.clone(), grant_org.clone());
                outcome(grant_preview.value().get(), move |p: GoodwillCredits| view! {
                    <div class="card notice" data-test="goodwill-credits-preview">
                        <p>{format!("{} credits, usable through {}. Reason: {}", L.integer(p.credits.unsigned_abs()), L.date(p.last_day), p.reason)}</p>
                        <ActionForm action=grant>
                            <input type="hidden" name="org_id" value=org_id/>
                            <input type="hidden" name="credits" value=p.credits.to_string()/>
                            <input type="hidden" name="last_day" value=p.last_day.to_string()/>
                            <input type="hidden" name="reason" value=p.reason.clone()/>
                            <input type="hidden" name="idempotency_key" value=key/>
                            <input type="hidden" name="confirm" value="yes"/>
                            <button type="submit" class="primary">{format!("Grant {} credits", L.integer(p.credits.unsigned_abs()))}</button>
                        </ActionForm>
                    </div>
                })
            }}
            {move || outcome(grant.value().get(), |p: GoodwillCredits| view! {
                <p class="ok" data-test="goodwill-credits-granted">{format!("{} credits granted.", L.integer(p.credits.unsigned_abs()))}</p>
            })}
        </section>
    }
    .into_any()
}

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

#[component]
pub fn OpsPaymentsPage() -> impl IntoView {
    let query = use_query_map();
    let record = ServerAction::<OpsRecordPayment>::new();
    let matched = ServerAction::<OpsMatchPayment>::new();
    let reversed = ServerAction::<OpsReverseMatch>::new();
    console(
        "Payments",
        move || {
            (
                record.version().get(),
                matched.version().get(),
                reversed.version().get(),
            )
        },
        |_| ops_payments(),
        move |me, v| {
            let can = me.may_change();
            let q = query.read_untracked();
            let imported = q.get("in_file").map(|n| {
                format!(
                    "Imported: {n} payments in the file, {} matched by OCR reference, {} waiting for matching by hand, {} seen in an earlier import.",
                    q.get("matched").unwrap_or_default(),
                    q.get("unmatched").unwrap_or_default(),
                    q.get("already").unwrap_or_default()
                )
            });
            let error = q.get("error");
            view! {
                {imported.map(|t| view! { <p class="ok" role="status" data-test="imported">{t}</p> })}
                {error.map(|e| view! { <p class="error" role="alert">{format!("Nothing imported: {e}")}</p> })}
                <section class="card">
                    <h2>"Import a BgMax file"</h2>
                    <p class="muted">"Bankgirot's file of incoming payments: matched by OCR reference; the rest waits below. A file imported twice adds nothing."</p>
                    <form method="post" action="/ops/payments/bgmax" enctype="multipart/form-data" class="inline-form">
                        <label>"File"<input type="file" name="file" required/></label>
                        <button type="submit" disabled=!can>"Import"</button>
                    </form>
                </section>
                <section class="card">
                    <h2>"Bookkeeping export (SIE 4)"</h2>
                    <p class="muted">"Every invoice, credit note and payment of the period as vouchers for Fortnox, Visma and the like (SIE 4I, code page 437). Documents and payments in another currency than SEK are left out."</p>
                    <form method="get" action="/ops/export/sie" class="inline-form" data-test="sie-export">
                        <label>"First day"<input type="date" name="from" required/></label>
                        <label>"Last day"<input type="date" name="to" required/></label>
                        <button type="submit" disabled=!can>"Download"</button>
                    </form>
                </section>
                <section class="card">
                    <h2>"Record a bank payment"</h2>
                    <ActionForm action=record attr:class="details-form">
                        <input type="hidden" name="idempotency_key" value=v.action_key.clone()/>
                        <label>"Date (YYYY-MM-DD)"<input type="text" name="date" required pattern="\\d{4}-\\d{2}-\\d{2}"/></label>
                        <label>"Amount"<input type="text" name="amount" inputmode="decimal" required/></label>
                        <label>"Currency"{currency_select()}</label>
                        <label>"OCR reference or message"<input type="text" name="reference" required/></label>
                        <label>"Payer"<input type="text" name="payer"/></label>
                        <button type="submit" disabled=!can>"Record"</button>
                    </ActionForm>
                    {move || outcome(record.value().get(), |t: String| view! { <p class="ok" role="status">{t}</p> })}
                </section>
                <section class="card wide">
                    <h2>"Waiting for matching by hand"</h2>
                    {move || outcome(matched.value().get(), |_| view! { <p class="ok" role="status" data-test="matched">"Matched."</p> })}
                    <div class="table-scroll">
                    <table data-test="waiting">
                        <thead><tr><th>"Date"</th><th class="num">"Amount"</th><th>"Reference"</th><th>"Payer"</th><th>"Match to invoice"</th></tr></thead>
                        <tbody>
                            {v.waiting.into_iter().map(|p| view! {
                                <tr data-payment=p.id.to_string()>
                                    <td>{L.date(p.date)}</td>
                                    <td class="num">{money(p.amount)}{p.deduction.then_some(" (deduction)")}</td>
                                    <td>{p.reference}</td>
                                    <td>{p.payer.unwrap_or_default()}</td>
                                    <td>{(!p.deduction && can).then(|| view! {
                                        <ActionForm action=matched attr:class="inline-form">
                                            <input type="hidden" name="payment_id" value=p.id.to_string()/>
                                            <label>"Invoice number"<input type="text" name="invoice" required/></label>
                                            <button type="submit">"Match"</button>
                                        </ActionForm>
                                    })}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    </div>
                </section>
                <section class="card wide">
                    <h2>"Matched lately"</h2>
                    <p class="muted">"A payment matched to the wrong invoice is taken back here: the invoice owes it again, and the payment waits above to be matched by hand."</p>
                    {move || outcome(reversed.value().get(), |_| view! { <p class="ok" role="status" data-test="reversed">"Reversed: the payment waits for matching."</p> })}
                    <div class="table-scroll">
                    <table data-test="matched-payments">
                        <thead><tr><th>"Date"</th><th class="num">"Amount"</th><th>"Reference"</th><th>"Customer"</th><th>"Invoice"</th><th>"Reverse"</th></tr></thead>
                        <tbody>
                            {v.matched.into_iter().map(|p| view! {
                                <tr data-payment=p.id.to_string()>
                                    <td>{L.date(p.date)}</td>
                                    <td class="num">{money(p.amount)}</td>
                                    <td>{p.reference}</td>
                                    <td>{p.organisation}</td>
                                    <td>{p.invoice.unwrap_or_default()}</td>
                                    <td>{can.then(|| view! {
                                        <ActionForm action=reversed attr:class="inline-form">
                                            <input type="hidden" name="payment_id" value=p.id.to_string()/>
                                            <label>"Reason"<input type="text" name="reason" required minlength="3"/></label>
                                            <button type="submit">"Reverse"</button>
                                        </ActionForm>
                                    })}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    </div>
                </section>
            }
            .into_any()
        },
    )
}

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
