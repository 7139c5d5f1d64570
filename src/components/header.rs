//! The top bar: organisation switcher, language and logout.

use crate::api::auth::SessionInfo;
use crate::app::SessionActions;
use crate::domain::locale::Locale;
use crate::i18n::tr;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

#[component]
pub fn Header(info: SessionInfo) -> impl IntoView {
    let actions = expect_context::<SessionActions>();
    let l = info.locale;
    let here = use_location().pathname.get_untracked();
    let other = match l {
        Locale::Sv => (Locale::En, "English"),
        Locale::En => (Locale::Sv, "Svenska"),
    };
    let user = info.user.map(|u| {
        let current = u.org_id;
        let switcher = (u.orgs.len() > 1).then(|| {
            view! {
                <ActionForm action=actions.switch_org attr:class="switcher">
                    <label>
                        <span class="visually-hidden">{tr(l, "Organisation", "Organisation")}</span>
                        <select name="org_id">
                            {u.orgs.into_iter().map(|o| view! {
                                <option value=o.id.to_string() selected=o.id == current>{o.name}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    <button type="submit">{tr(l, "Byt", "Switch")}</button>
                </ActionForm>
            }
        });
        view! {
            {switcher}
            <span class="who">{u.name}</span>
            <ActionForm action=actions.logout attr:class="logout">
                <button type="submit">{tr(l, "Logga ut", "Log out")}</button>
            </ActionForm>
        }
    });
    view! {
        <header class="topbar">
            <a class="brand" href="/billing">{tr(l, "Fakturering", "Billing")}</a>
            <nav class="tools">
                {user}
                <ActionForm action=actions.set_locale attr:class="lang">
                    <input type="hidden" name="locale" value=other.0.code()/>
                    <input type="hidden" name="back" value=here/>
                    <button type="submit" lang=other.0.code()>{other.1}</button>
                </ActionForm>
            </nav>
        </header>
    }
}
