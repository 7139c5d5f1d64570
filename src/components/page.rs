//! The frame of a billing sub-page and the one way pages show an error.

use crate::api::auth::SessionInfo;
use crate::components::header::Header;
use crate::domain::locale::Locale;
use crate::error::AppError;
use crate::i18n::tr;
use leptos::prelude::*;
use leptos_router::components::Redirect;

/// Header, a way back to the overview, the title and the body.
pub fn sub_page(info: SessionInfo, title: &'static str, body: AnyView) -> impl IntoView {
    let l = info.locale;
    view! {
        <Header info=info.clone()/>
        <main class="page">
            <p><a href="/billing">{tr(l, "← Tillbaka till fakturering", "← Back to billing")}</a></p>
            <h1>{title}</h1>
            {body}
        </main>
    }
}

/// Logged out: to the login page. Refused: what the server said. Anything
/// else: the error's message.
pub fn error_view(e: AppError, l: Locale) -> AnyView {
    match e {
        AppError::Unauthenticated => view! { <Redirect path="/login"/> }.into_any(),
        AppError::Forbidden { message, .. } => view! {
            <p class="card notice" role="alert">{format!("{} {message}", tr(l, "Ej tillåtet:", "Not allowed:"))}</p>
        }
        .into_any(),
        e => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
    }
}
