//! The login page. A plain form: it works before the WebAssembly loads.

use crate::api::auth::Login;
use crate::components::header::Header;
use crate::components::session::SessionResource;
use crate::i18n::t;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn LoginPage() -> impl IntoView {
    let session = expect_context::<SessionResource>();
    let login = ServerAction::<Login>::new();
    // Logged in: the header and every page read the new session.
    Effect::new(move |_| {
        if login.version().get() > 0 {
            session.refetch();
        }
    });
    view! {
        <Suspense fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                let info = session.await.unwrap_or_else(|_| crate::api::auth::SessionInfo { locale: Default::default(), user: None });
                let l = info.locale;
                let error = move || match login.value().get() {
                    Some(Err(e)) => Some(e.message(l)),
                    _ => None,
                };
                view! {
                    <Title text=format!("{} – {}", t(l, "login-log-in"), t(l, "header-billing"))/>
                    <Header info=info.clone()/>
                    <main class="page narrow">
                        <h1>{t(l, "login-log-in")}</h1>
                        <ActionForm action=login attr:class="card form">
                            <label>
                                {t(l, "login-e-mail")}
                                <input type="email" name="email" autocomplete="username" required/>
                            </label>
                            <label>
                                {t(l, "login-password")}
                                <input type="password" name="password" autocomplete="current-password" required/>
                            </label>
                            {move || error().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                            <button type="submit" class="primary">{t(l, "login-log-in")}</button>
                        </ActionForm>
                    </main>
                }
            })}
        </Suspense>
    }
}
