//! The frame of a billing sub-page and the one way pages show an error.

use crate::api::auth::SessionInfo;
use crate::components::header::Header;
use crate::domain::locale::Locale;
use crate::error::AppError;
use crate::i18n::t;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

/// Header, a way back to the overview, the title (also the window's) and
/// the body.
pub fn sub_page(info: SessionInfo, title: impl Into<String>, body: AnyView) -> impl IntoView {
    let l = info.locale;
    let title = title.into();
    view! {
        <Title text=format!("{title} – {}", t(l, "header-billing"))/>
        <Header info=info.clone()/>
        <main class="page">
            <p><a href="/billing">{t(l, "page-back-to-billing")}</a></p>
            <h1>{title}</h1>
            {body}
        </main>
    }
}

/// The page answers with the error's status (a refused or missing
/// document is 403 or 404, not 200), when rendered on the server.
pub fn answer_status(e: &AppError) {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(status) = axum::http::StatusCode::from_u16(e.status()) {
            response.set_status(status);
        }
    }
    #[cfg(not(feature = "ssr"))]
    let _ = e;
}

/// Logged out: to the login page. Refused: what the server said. Anything
/// else: the error's message. The page answers with the error's status.
pub fn error_view(e: AppError, l: Locale) -> AnyView {
    if e != AppError::Unauthenticated {
        answer_status(&e);
    }
    match e {
        AppError::Unauthenticated => view! { <Redirect path="/login"/> }.into_any(),
        AppError::Forbidden { message, .. } => view! {
            <p class="card notice" role="alert">{format!("{} {}", t(l, "page-not-allowed"), message.render(l))}</p>
        }
        .into_any(),
        e => view! { <p class="error" role="alert">{e.message(l)}</p> }.into_any(),
    }
}
