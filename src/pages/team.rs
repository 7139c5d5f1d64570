//! Seats and the billing owner (R-ACC-4/5): seats bought and used, members
//! by role, and for the owner the handover of the role, confirmed with a
//! box. A plain form: it works before the WebAssembly loads.

use crate::api::auth::SessionInfo;
use crate::api::team::{team, HandOverOwner, TeamView};
use crate::app::SessionResource;
use crate::components::page::{error_view, sub_page};
use crate::domain::locale::Locale;
use crate::domain::roles::Role;
use crate::i18n::tr;
use leptos::prelude::*;

fn role_name(r: Role, l: Locale) -> &'static str {
    match r {
        Role::Admin => "Admin",
        Role::Member => tr(l, "Medlem", "Member"),
        Role::Custom => tr(l, "Anpassad roll", "Custom role"),
        Role::Client => tr(l, "Klient", "Client"),
        Role::CommentOnly => tr(l, "Endast kommentarer", "Comment only"),
        Role::ViewOnly => tr(l, "Endast läsbehörighet", "View only"),
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
                sub_page(info, tr(l, "Platser och faktureringsansvarig", "Seats and billing owner"), body)
            })}
        </Suspense>
    }
}

fn team_view(t: TeamView, l: Locale, hand_over: ServerAction<HandOverOwner>) -> AnyView {
    let owner = t
        .members
        .iter()
        .find(|m| m.billing_owner)
        .map(|m| m.name.clone())
        .unwrap_or_default();
    let seats = if t.under_contract {
        format!(
            "{} / {} {}",
            t.paid,
            t.seats_bought,
            tr(l, "i avtalets nivå", "in the contract's tier")
        )
    } else if t.seats_bought == 0 {
        format!(
            "{} {}",
            t.paid,
            tr(
                l,
                "(gratisplanen har inga platser att köpa)",
                "(the Free plan has no seats to buy)"
            )
        )
    } else {
        format!("{} / {}", t.paid, t.seats_bought)
    };
    let handover = t.is_owner.then(|| {
        let key = t.action_key.clone();
        let candidates = t.candidates.clone();
        view! {
            <section class="card" data-test="handover">
                <h2>{tr(l, "Lämna över rollen som faktureringsansvarig", "Hand over the billing owner's role")}</h2>
                <p>{tr(l,
                    "Den du väljer blir faktureringsansvarig direkt och blir admin om hen inte redan är det. Du förlorar rätten att ändra plan, platser, betalningsmetod och faktureringsuppgifter men förblir admin. Ni får båda ett e-postmeddelande.",
                    "The person you choose becomes the billing owner at once, and an admin if they are not one. You lose the right to change the plan, seats, payment method and billing details, and stay an admin. You both get an e-mail.")}</p>
                <ActionForm action=hand_over attr:class="details-form">
                    <input type="hidden" name="idempotency_key" value=key/>
                    <label>{tr(l, "Ny faktureringsansvarig", "New billing owner")}
                        <select name="to" required>
                            {candidates.into_iter().map(|c| {
                                let note = match (c.becomes_admin, c.needs_seat) {
                                    (_, true) => format!(" ({}, {})", role_name(c.role, l), tr(l, "behöver en ledig plats", "needs a free seat")),
                                    (true, false) => format!(" ({}, {})", role_name(c.role, l), tr(l, "blir admin", "becomes admin")),
                                    (false, false) => " (admin)".to_string(),
                                };
                                view! { <option value=c.membership_id.to_string() disabled=c.needs_seat>{format!("{}{note}", c.name)}</option> }
                            }).collect_view()}
                        </select></label>
                    <label class="check"><input type="checkbox" name="confirm" value="yes" required/>
                        {tr(l, "Jag förstår att jag förlorar den faktureringsansvariges rättigheter direkt", "I understand that I lose the billing owner's rights at once")}</label>
                    <button type="submit" class="primary">{tr(l, "Lämna över", "Hand over")}</button>
                </ActionForm>
                {move || match hand_over.value().get() {
                    Some(Err(e)) => Some(view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any()),
                    _ => None,
                }}
            </section>
        }
    });
    view! {
        <section class="card" data-test="seats">
            <h2>{tr(l, "Platser", "Seats")}</h2>
            <p class="seats">{format!("{}: ", tr(l, "Använda platser", "Seats used"))}<strong data-test="seats-used">{seats}</strong></p>
            <p class="muted">{format!(
                "{} {} · {} {}",
                t.paid, tr(l, "med betalda roller (admin, medlem, anpassad)", "with paid roles (admin, member, custom)"),
                t.free, tr(l, "med gratisroller (klient, kommentarer, läsbehörighet)", "with free roles (client, comment only, view only)"),
            )}</p>
            <div class="table-scroll">
            <table data-test="by-role">
                <thead><tr><th>{tr(l, "Roll", "Role")}</th><th>{tr(l, "Plats", "Seat")}</th><th class="num">{tr(l, "Personer", "People")}</th></tr></thead>
                <tbody>{t.by_role.iter().map(|(r, n)| view! {
                    <tr><td>{role_name(*r, l)}</td><td>{if r.is_paid() { tr(l, "betald", "paid") } else { tr(l, "gratis", "free") }}</td><td class="num">{*n}</td></tr>
                }).collect_view()}</tbody>
            </table>
            </div>
        </section>
        <section class="card" data-test="members">
            <h2>{tr(l, "Medlemmar", "Members")}</h2>
            <p>{format!("{}: {owner}", tr(l, "Faktureringsansvarig", "Billing owner"))}</p>
            <ul>{t.members.iter().map(|m| view! {
                <li>{format!("{} · {} · {}", m.name, m.email, role_name(m.role, l))}</li>
            }).collect_view()}</ul>
        </section>
        {handover}
    }
    .into_any()
}
