//! What the server keeps for every request: the application's state
//! (`AppState`), what one request has read already (`RequestMemo`), the keys
//! a session holds, and a refusal the text rule put on a request. Below
//! `api` and `server`, which both use it, so no arrow points back up.

use crate::db::users::Who;
use crate::db::Db;
use crate::domain::invoice::Seller;
use crate::error::AppError;
use crate::pdf::Typesetter;
use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use std::sync::Arc;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub db: Db,
    /// The vendor printed on every document.
    pub seller: Arc<Seller>,
    /// Typesets documents in a worker process; also holds the seller's logo.
    pub pdf: Arc<Typesetter>,
    pub usage: crate::services::usage::UsageBatcher,
    /// Where "now" comes from: the system clock, or a pinned one in tests.
    pub clock: crate::clock::Clock,
    pub login_limits: Arc<crate::services::auth::LoginLimits>,
    /// Charges cards and PayPal; retries on its schedule.
    pub gateway: crate::services::payments::Gateway,
    /// Where e-mail goes, for the console's outbox page.
    pub mail_delivery: Arc<str>,
    pub leptos_options: LeptosOptions,
}

/// The session's keys.
pub const USER_ID: &str = "user_id";
pub const ORG_ID: &str = "org_id";
pub const LOCALE: &str = "locale";
/// A key created on this session whose secret the keys page has not shown
/// yet: taken out of the session by the page that shows it.
pub const NEW_API_KEY: &str = "new_api_key";
/// An operator's session carries this instead of `USER_ID`: logging in as
/// one removes the other, so a session is a customer's or an operator's.
pub const OPERATOR_ID: &str = "operator_id";

/// A field of the request that the text rule refused (`server::plain_text`):
/// every server function answers it from `api::ctx::Ctx::get`, before
/// anything else.
#[derive(Clone, Debug)]
pub struct RefusedText(pub AppError);

impl RefusedText {
    pub fn field_name(&self) -> &str {
        match &self.0 {
            AppError::Invalid { field, .. } => field,
            _ => "",
        }
    }
}

/// What one request has read already, shared by everything that serves
/// it (a page renders several server functions): put on every request by
/// the router, so a page view reads its user once.
#[derive(Clone, Default)]
pub struct RequestMemo {
    pub(crate) who: Arc<tokio::sync::Mutex<Option<UserRead>>>,
}

/// A user id and what reading it found.
pub(crate) type UserRead = (i64, Option<Arc<Who>>);
