//! The top bar: organisation switcher, language and logout.

use crate::api::auth::SessionInfo;
use crate::components::session::SessionActions;
use crate::domain::locale::Locale;
use crate::i18n::t;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

#[component]
pub fn Header(info: SessionInfo) -> impl IntoView {
    let actions = expect_context::<SessionActions>();
    let l = info.locale;
    let here = use_location().pathname.get_untracked();
    let user = info.user.map(|u| {
        let current = u.org_id;
        let switcher = (u.orgs.len() > 1).then(|| {
            view! {
                <ActionForm action=actions.switch_org attr:class="switcher">
                    <label>
                        <span class="visually-hidden">{t(l, "header-organisation")}</span>
                        <select name="org_id">
                            {u.orgs.into_iter().map(|o| view! {
                                <option value=o.id.to_string() selected=o.id == current>{o.name}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    <button type="submit">{t(l, "header-switch")}</button>
                </ActionForm>
            }
        });
        view! {
            {switcher}
            <span class="who">{u.name}</span>
            <ActionForm action=actions.logout attr:class="logout">
                <button type="submit">{t(l, "header-log-out")}</button>
            </ActionForm>
        }
    });
    // <html lang> is written by the server (app::shell); after a language
    // switch in the browser it follows here. (leptos_meta's <Html> left some
    // server-rendered pages waiting forever now and then: seen in tests.)
    Effect::new(move |_| {
        if let Some(html) = document().document_element() {
            let _ = html.set_attribute("lang", l.code());
        }
    });
    view! {
        <header class="topbar">
            <a class="brand" href="/billing">{t(l, "header-billing")}</a>
            <nav class="tools">
                {user}
                {Locale::ALL.into_iter().filter(|o| *o != l).map(|other| { let here = here.clone(); view! {
                    <ActionForm action=actions.set_locale attr:class="lang">
                        <input type="hidden" name="locale" value=other.code()/>
                        <input type="hidden" name="back" value=here.clone()/>
                        <button type="submit" lang=other.code()>{other.name()}</button>
                    </ActionForm>
                }}).collect_view()}
            </nav>
        </header>
    }
}
