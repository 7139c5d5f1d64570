//! The billing portal: a Leptos app (SSR + hydration) whose server functions
//! hold the role checks and call services over a pure billing domain.
//!
//! Data flows one way: pages/components → api (server fns) → services →
//! domain (pure) and db (sqlx); `state` (what the server keeps for a
//! request) sits below `api` and `server`, and `tools/import_graph.py`
//! checks that no import points back up. The read models in `views` are what
//! services answer and pages show; the acting party (`domain::party`) is
//! what services take.

#![recursion_limit = "256"]

pub mod api;
pub mod app;
pub mod components;
pub mod domain;
pub mod error;
pub mod i18n;
pub mod pages;
pub mod views;

#[cfg(feature = "ssr")]
pub mod clock;
#[cfg(feature = "ssr")]
pub mod config;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod pdf;
#[cfg(feature = "ssr")]
pub mod seed;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod services;
#[cfg(feature = "ssr")]
pub mod state;
#[cfg(feature = "ssr")]
pub mod ubl;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Lazy routes (`cargo leptos build --split`) hydrate once their piece
    // of WebAssembly has loaded.
    leptos::mount::hydrate_lazy(app::App);
}
