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

mod audit;
mod catalog;
mod clock;
mod contract;
mod customer;
mod goodwill;
mod home;
mod login;
mod org;
mod outbox;
mod password;
mod payments;

pub use audit::*;
pub use catalog::*;
pub use clock::*;
pub use customer::*;
pub use home::*;
pub use login::*;
pub use org::*;
pub use outbox::*;
pub use password::*;
pub use payments::*;
