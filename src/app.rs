//! The HTML shell, the router and the actions shared by every page.

use crate::api::auth::current_session;
use crate::components::session::{SessionActions, SessionResource};
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
use leptos_router::{lazy_route, path, Lazy, LazyRoute, SsrMode};

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
    if let Some(split) = &names.split {
        // Leptos' integration names the pieces of the lazy routes this
        // page rendered, for the browser to preload.
        provide_context(split.clone());
    }
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

/// The file names of the stylesheet, the JavaScript and the WebAssembly,
/// and the pieces `cargo leptos build --split` cut the WebAssembly into.
struct AssetNames {
    css: String,
    js: String,
    wasm: String,
    split: Option<leptos::WasmSplitManifest>,
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
            let hash = |kind: &str| {
                hashes.as_deref().and_then(|h| {
                    h.lines().find_map(|line| {
                        let (k, v) = line.trim().split_once(':')?;
                        (k == kind).then(|| v.trim().to_string())
                    })
                })
            };
            let name = |stem: &str, kind: &str, ext: &str| match hash(kind) {
                Some(hash) => format!("{stem}.{hash}.{ext}"),
                None => format!("{stem}.{ext}"),
            };
            let out = &*options.output_name;
            let mut wasm = name(out, "wasm", "wasm");
            // As Leptos names it: wasm-bindgen's `_bg` suffix stays unless
            // cargo-leptos named the output.
            if !options.hash_files && option_env!("LEPTOS_OUTPUT_NAME").is_none() {
                wasm = format!("{out}_bg.wasm");
            }
            #[cfg(feature = "ssr")]
            let split = split_manifest(
                options,
                &name("__wasm_split_manifest", "manifest", "json"),
                // Unhashed, the loader's name is padded to the hashed length.
                match hash("split") {
                    Some(hash) => format!("__wasm_split.{hash}.js"),
                    None => "__wasm_split.______________________.js".to_string(),
                },
            );
            #[cfg(not(feature = "ssr"))]
            let split = None;
            AssetNames {
                css: name(out, "css", "css"),
                js: name(out, "js", "js"),
                wasm,
                split,
            }
        })
    }
}

/// Which pieces of WebAssembly each lazy route needs, from the manifest a
/// `--split` build writes (the format Leptos' `HydrationScripts` reads);
/// `None` for a build without `--split`.
#[cfg(feature = "ssr")]
fn split_manifest(
    options: &LeptosOptions,
    manifest: &str,
    loader: String,
) -> Option<leptos::WasmSplitManifest> {
    let path = std::path::Path::new(&*options.site_root)
        .join(&*options.site_pkg_dir)
        .join(manifest);
    let text = std::fs::read_to_string(path).ok()?;
    let preloads: std::collections::HashMap<String, Vec<String>> = match serde_json::from_str(&text)
    {
        Ok(preloads) => preloads,
        Err(e) => {
            leptos::logging::error!("{manifest} is not a split manifest: {e}");
            return None;
        }
    };
    let pkg = format!("/{}", options.site_pkg_dir);
    Some(leptos::WasmSplitManifest(ArcStoredValue::new((
        pkg, preloads, loader,
    ))))
}

/// Every page is a route of its own in the WebAssembly: built with
/// `cargo leptos build --split`, a first visit downloads the shell and the
/// page it opens (the page names its pieces for the browser to preload, in
/// about half the renders: docs/operations.md, Production build), and another page's code comes
/// when it is first opened. On the server a lazy route renders as any other.
macro_rules! lazy_routes {
    ($($route:ident => $page:ident),* $(,)?) => {$(
        struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(_this: Self) -> AnyView {
                view! { <$page/> }.into_any()
            }
        }
    )*};
}

lazy_routes! {
    LoginRoute => LoginPage,
    BillingRoute => BillingPage,
    PlanRoute => PlanPageView,
    CancelRoute => CancelPage,
    CreditsRoute => CreditsPage,
    ApiKeysRoute => ApiKeysPage,
    TeamRoute => TeamPage,
    SubscriptionsRoute => SubscriptionsPage,
    InvoicesRoute => InvoicesPage,
    InvoiceRoute => InvoicePage,
    BillingDetailsRoute => BillingDetailsPage,
    PaymentMethodRoute => PaymentMethodPageView,
    PayPalApprovalRoute => PayPalApprovalPage,
    OpsHomeRoute => OpsHomePage,
    OpsLoginRoute => OpsLoginPage,
    OpsPasswordRoute => OpsPasswordPage,
    OpsOrgRoute => OpsOrgPage,
    OpsCatalogRoute => OpsCatalogPage,
    OpsPaymentsRoute => OpsPaymentsPage,
    OpsAuditRoute => OpsAuditPage,
    OpsClockRoute => OpsClockPage,
    OpsOutboxRoute => OpsOutboxPage,
    OpsCustomerRoute => OpsCustomerPage,
}

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
                <Route path=path!("/login") view={Lazy::<LoginRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/billing") view={Lazy::<BillingRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/billing/plan") view={Lazy::<PlanRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/billing/cancel") view={Lazy::<CancelRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/billing/credits") view={Lazy::<CreditsRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/billing/api-keys") view={Lazy::<ApiKeysRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/billing/team") view={Lazy::<TeamRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/billing/teams/:id") view={Lazy::<BillingRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/billing/subscriptions") view={Lazy::<SubscriptionsRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/billing/invoices") view={Lazy::<InvoicesRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/billing/invoices/:number") view={Lazy::<InvoiceRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/billing/details") view={Lazy::<BillingDetailsRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/billing/payment-method") view={Lazy::<PaymentMethodRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/billing/payment-method/paypal") view={Lazy::<PayPalApprovalRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/ops") view={Lazy::<OpsHomeRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/ops/login") view={Lazy::<OpsLoginRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/ops/password") view={Lazy::<OpsPasswordRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/ops/orgs/:id") view={Lazy::<OpsOrgRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/ops/catalog") view={Lazy::<OpsCatalogRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/ops/payments") view={Lazy::<OpsPaymentsRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/ops/audit") view={Lazy::<OpsAuditRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/ops/clock") view={Lazy::<OpsClockRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/ops/outbox") view={Lazy::<OpsOutboxRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/ops/orgs/:id/customer") view={Lazy::<OpsCustomerRoute>::new()} ssr=SsrMode::Async/>
            </Routes>
        </Router>
    }
}
