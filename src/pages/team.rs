//! Seats and the billing owner (R-ACC-4/5): seats bought and used, members
//! by role, and for the owner the handover of the role, confirmed with a
//! box. A plain form: it works before the WebAssembly loads.

use crate::api::auth::SessionInfo;
use crate::api::team::{team, HandOverOwner, TeamView};
use crate::components::page::{error_view, sub_page};
use crate::components::session::SessionResource;
use crate::domain::locale::Locale;
use crate::domain::roles::Role;
use crate::i18n::t;
use leptos::prelude::*;

fn role_name(r: Role, l: Locale) -> &'static str {
    match r {
        Role::Admin => "Admin",
        Role::Member => t(l, "team-member"),
        Role::Custom => t(l, "team-custom-role"),
        Role::Client => t(l, "team-client"),
        Role::CommentOnly => t(l, "team-comment-only"),
        Role::ViewOnly => t(l, "team-view-only"),
    }
}

#[component]
pub fn TeamPage() -> impl IntoView {
    let session = expect_context::<SessionResource>();
    let hand_over = ServerAction::<HandOverOwner>::new();
    let data = Resource::new(move || hand_over.version().get(), |_| team());
    view! {
        <Suspense fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                let info = session.await.unwrap_or(SessionInfo { locale: Locale::default(), user: None });
                let l = info.locale;
                let body = match data.await {
                    Ok(t) => team_view(t, l, hand_over),
                    Err(e) => error_view(e, l),
                };
                sub_page(info, t(l, "team-seats-and-billing-owner"), body)
            })}
        </Suspense>
    }
}

fn team_view(v: TeamView, l: Locale, hand_over: ServerAction<HandOverOwner>) -> AnyView {
    let owner = v
        .members
        .iter()
        .find(|m| m.billing_owner)
        .map(|m| m.name.clone())
        .unwrap_or_default();
    let seats = if v.under_contract {
        format!(
            "{} / {} {}",
            v.paid,
            v.seats_bought,
            t(l, "team-in-the-contract-s-tier")
        )
    } else if v.seats_bought == 0 {
        format!("{} {}", v.paid, t(l, "team-the-free-plan-has-no"))
    } else {
        format!("{} / {}", v.paid, v.seats_bought)
    };
    let handover = v.is_owner.then(|| {
        let key = v.action_key.clone();
        let candidates = v.candidates.clone();
        view! {
            <section class="card" data-test="handover">
                <h2>{t(l, "team-hand-over-the-billing-owner")}</h2>
                <p>{t(l, "team-the-person-you-choose-becomes")}</p>
                <ActionForm action=hand_over attr:class="details-form">
                    <input type="hidden" name="idempotency_key" value=key/>
                    <label>{t(l, "team-new-billing-owner")}
                        <select name="to" required>
                            {candidates.into_iter().map(|c| {
                                let note = match (c.becomes_admin, c.needs_seat) {
                                    (_, true) => format!(" ({}, {})", role_name(c.role, l), t(l, "team-needs-a-free-seat")),
                                    (true, false) => format!(" ({}, {})", role_name(c.role, l), t(l, "team-becomes-admin")),
                                    (false, false) => " (admin)".to_string(),
                                };
                                view! { <option value=c.membership_id.to_string() disabled=c.needs_seat>{format!("{}{note}", c.name)}</option> }
                            }).collect_view()}
                        </select></label>
                    <label class="check"><input type="checkbox" name="confirm" value="yes" required/>
                        {t(l, "team-i-understand-that-i-lose")}</label>
                    <button type="submit" class="primary">{t(l, "team-hand-over")}</button>
                </ActionForm>
                {move || match hand_over.value().get() {
                    Some(Err(e)) => Some(view! { <p class="error" role="alert">{e.message(l)}</p> }.into_any()),
                    _ => None,
                }}
            </section>
        }
    });
    view! {
        <section class="card" data-test="seats">
            <h2>{t(l, "billing-seats")}</h2>
            <p class="seats">{format!("{}: ", t(l, "team-seats-used"))}<strong data-test="seats-used">{seats}</strong></p>
            <p class="muted">{format!(
                "{} {} · {} {}",
                v.paid, t(l, "team-with-paid-roles-admin-member"),
                v.free, t(l, "team-with-free-roles-client-comment"),
            )}</p>
            <div class="table-scroll">
            <table data-test="by-role">
                <thead><tr><th>{t(l, "team-role")}</th><th>{t(l, "team-seat")}</th><th class="num">{t(l, "team-people")}</th></tr></thead>
                <tbody>{v.by_role.iter().map(|(r, n)| view! {
                    <tr><td>{role_name(*r, l)}</td><td>{if r.is_paid() { t(l, "team-paid") } else { t(l, "team-free") }}</td><td class="num">{*n}</td></tr>
                }).collect_view()}</tbody>
            </table>
            </div>
        </section>
        <section class="card" data-test="members">
            <h2>{t(l, "team-members")}</h2>
            <p>{format!("{}: {owner}", t(l, "team-billing-owner"))}</p>
            <ul>{v.members.iter().map(|m| view! {
                <li>{format!("{} · {} · {}", m.name, m.email, role_name(m.role, l))}</li>
            }).collect_view()}</ul>
        </section>
        {handover}
    }
    .into_any()
}
