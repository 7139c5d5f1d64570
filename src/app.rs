//! The HTML shell, the router and the actions shared by every page.

use crate::api::auth::{current_session, Logout, SessionInfo, SetLocale, SwitchOrg};
use crate::error::AppError;
use crate::pages::{
    api_keys::ApiKeysPage,
    billing::BillingPage,
    billing_details::BillingDetailsPage,
    cancel::CancelPage,
    credits::CreditsPage,
    invoices::{InvoicePage, InvoicesPage},
    login::LoginPage,
    ops::{
        OpsAuditPage, OpsCatalogPage, OpsClockPage, OpsCustomerPage, OpsHomePage, OpsLoginPage,
        OpsOrgPage, OpsOutboxPage, OpsPasswordPage, OpsPaymentsPage,
    },
    payment_method::{PayPalApprovalPage, PaymentMethodPageView},
    plan::PlanPageView,
    subscriptions::SubscriptionsPage,
    team::TeamPage,
};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{Redirect, Route, Router, Routes};
use leptos_router::{path, SsrMode};

pub fn shell(options: LeptosOptions) -> impl IntoView {
    // The session's language, which server::request_context put on the request.
    #[cfg(feature = "ssr")]
    let lang = use_context::<axum::http::request::Parts>()
        .and_then(|p| p.extensions.get::<crate::domain::locale::Locale>().copied())
        .unwrap_or_default();
    #[cfg(not(feature = "ssr"))]
    let lang = crate::domain::locale::Locale::default();
    view! {
        <!DOCTYPE html>
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" href="data:,"/>
                <AutoReload options=options.clone()/>
                <Assets options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The stylesheet and the hydration script under the names `cargo leptos`
/// gave them. Leptos' `HashedStylesheet` and `HydrationScripts` read
/// `hash.txt` from disk on every page they render; the names are read once
/// per process here. The script is theirs: load the JavaScript, start the
/// WebAssembly, hydrate.
#[component]
fn Assets(options: LeptosOptions) -> impl IntoView {
    let names = AssetNames::of(&options);
    let pkg = format!("/{}", options.site_pkg_dir);
    let (js, wasm) = (
        format!("{pkg}/{}", names.js),
        format!("{pkg}/{}", names.wasm),
    );
    let script = format!(
        "import({js:?}).then(m => m.default({{module_or_path: {wasm:?}}}).then(() => m.hydrate()));"
    );
    view! {
        <link rel="stylesheet" id="leptos" href=format!("{pkg}/{}", names.css)/>
        <link rel="modulepreload" href=js/>
        <link rel="preload" href=wasm r#as="fetch" r#type="application/wasm" crossorigin=""/>
        <script type="module">{script}</script>
    }
}

/// The file names of the stylesheet, the JavaScript and the WebAssembly.
struct AssetNames {
    css: String,
    js: String,
    wasm: String,
}

impl AssetNames {
    fn of(options: &LeptosOptions) -> &'static AssetNames {
        static NAMES: std::sync::OnceLock<AssetNames> = std::sync::OnceLock::new();
        NAMES.get_or_init(|| {
            // `hash-files` writes `kind: hash` lines beside the server binary.
            #[cfg(feature = "ssr")]
            let hashes = options
                .hash_files
                .then(|| {
                    let exe = std::env::current_exe().ok()?;
                    std::fs::read_to_string(exe.parent()?.join(&*options.hash_file)).ok()
                })
                .flatten();
            #[cfg(not(feature = "ssr"))]
            let hashes: Option<String> = None;
            if options.hash_files && hashes.is_none() {
                leptos::logging::error!("hash-files is on but the hash file was not found");
            }
            let name = |kind: &str, ext: &str| {
                let hash = hashes.as_deref().and_then(|h| {
                    h.lines().find_map(|line| {
                        let (k, v) = line.trim().split_once(':')?;
                        (k == kind).then(|| v.trim().to_string())
                    })
                });
                match hash {
                    Some(hash) => format!("{}.{hash}.{ext}", options.output_name),
                    None => format!("{}.{ext}", options.output_name),
                }
            };
            let mut wasm = name("wasm", "wasm");
            // As Leptos names it: wasm-bindgen's `_bg` suffix stays unless
            // cargo-leptos named the output.
            if !options.hash_files && option_env!("LEPTOS_OUTPUT_NAME").is_none() {
                wasm = format!("{}_bg.wasm", options.output_name);
            }
            AssetNames {
                css: name("css", "css"),
                js: name("js", "js"),
                wasm,
            }
        })
    }
}

/// Actions every page may trigger; the session resource refetches after any.
/// (Logging in is the login page's own action, so that a refusal posted
/// without JavaScript comes back to it: the router hands an error in the
/// URL only to actions created inside it.)
#[derive(Clone, Copy)]
pub struct SessionActions {
    pub logout: ServerAction<Logout>,
    pub switch_org: ServerAction<SwitchOrg>,
    pub set_locale: ServerAction<SetLocale>,
}

pub type SessionResource = Resource<Result<SessionInfo, AppError>>;

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let actions = SessionActions {
        logout: ServerAction::new(),
        switch_org: ServerAction::new(),
        set_locale: ServerAction::new(),
    };
    let session: SessionResource = Resource::new(
        move || {
            (
                actions.logout.version().get(),
                actions.switch_org.version().get(),
                actions.set_locale.version().get(),
            )
        },
        |_| current_session(),
    );
    provide_context(actions);
    provide_context(session);

    view! {
        <Title text="Billing"/>
        <Router>
            <Routes fallback=|| view! { <main class="page"><h1>"404"</h1></main> }>
                <Route path=path!("/") view=|| view! { <Redirect path="/billing"/> }/>
                <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async/>
                <Route path=path!("/billing") view=BillingPage ssr=SsrMode::Async/>
                <Route path=path!("/billing/plan") view=PlanPageView ssr=SsrMode::Async/>
                <Route path=path!("/billing/cancel") view=CancelPage ssr=SsrMode::Async/>
                <Route path=path!("/billing/credits") view=CreditsPage ssr=SsrMode::Async/>
                <Route path=path!("/billing/api-keys") view=ApiKeysPage ssr=SsrMode::Async/>
                <Route path=path!("/billing/team") view=TeamPage ssr=SsrMode::Async/>
                <Route path=path!("/billing/teams/:id") view=BillingPage ssr=SsrMode::Async/>
                <Route path=path!("/billing/subscriptions") view=SubscriptionsPage ssr=SsrMode::Async/>
                <Route path=path!("/billing/invoices") view=InvoicesPage ssr=SsrMode::Async/>
                <Route path=path!("/billing/invoices/:number") view=InvoicePage ssr=SsrMode::Async/>
                <Route path=path!("/billing/details") view=BillingDetailsPage ssr=SsrMode::Async/>
                <Route path=path!("/billing/payment-method") view=PaymentMethodPageView ssr=SsrMode::Async/>
                <Route path=path!("/billing/payment-method/paypal") view=PayPalApprovalPage ssr=SsrMode::Async/>
                <Route path=path!("/ops") view=OpsHomePage ssr=SsrMode::Async/>
                <Route path=path!("/ops/login") view=OpsLoginPage ssr=SsrMode::Async/>
                <Route path=path!("/ops/password") view=OpsPasswordPage ssr=SsrMode::Async/>
                <Route path=path!("/ops/orgs/:id") view=OpsOrgPage ssr=SsrMode::Async/>
                <Route path=path!("/ops/catalog") view=OpsCatalogPage ssr=SsrMode::Async/>
                <Route path=path!("/ops/payments") view=OpsPaymentsPage ssr=SsrMode::Async/>
                <Route path=path!("/ops/audit") view=OpsAuditPage ssr=SsrMode::Async/>
                <Route path=path!("/ops/clock") view=OpsClockPage ssr=SsrMode::Async/>
                <Route path=path!("/ops/outbox") view=OpsOutboxPage ssr=SsrMode::Async/>
                <Route path=path!("/ops/orgs/:id/customer") view=OpsCustomerPage ssr=SsrMode::Async/>
            </Routes>
        </Router>
    }
}
