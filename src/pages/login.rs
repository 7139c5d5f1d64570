//! The login page. A plain form: it works before the WebAssembly loads.

use crate::app::{SessionActions, SessionResource};
use crate::components::header::Header;
use crate::error::AppError;
use crate::i18n::tr;
use leptos::prelude::*;

#[component]
pub fn LoginPage() -> impl IntoView {
    let actions = expect_context::<SessionActions>();
    let session = expect_context::<SessionResource>();
    let login = actions.login;
    view! {
        <Suspense fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                let info = session.await.unwrap_or_else(|_| crate::api::auth::SessionInfo { locale: Default::default(), user: None });
                let l = info.locale;
                let error = move || match login.value().get() {
                    Some(Err(AppError::LoginFailed)) => Some(tr(l, "Fel e-postadress eller lösenord.", "The e-mail or password is wrong.").to_string()),
                    Some(Err(e)) => Some(e.to_string()),
                    _ => None,
                };
                view! {
                    <Header info=info.clone()/>
                    <main class="page narrow">
                        <h1>{tr(l, "Logga in", "Log in")}</h1>
                        <ActionForm action=login attr:class="card form">
                            <label>
                                {tr(l, "E-post", "E-mail")}
                                <input type="email" name="email" autocomplete="username" required/>
                            </label>
                            <label>
                                {tr(l, "Lösenord", "Password")}
                                <input type="password" name="password" autocomplete="current-password" required/>
                            </label>
                            {move || error().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                            <button type="submit" class="primary">{tr(l, "Logga in", "Log in")}</button>
                        </ActionForm>
                    </main>
                }
            })}
        </Suspense>
    }
}
