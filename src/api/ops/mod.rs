//! The operators' console (R-OPS-1/2): its own login and session, and a
//! server function per action. Every one checks the operator on the
//! session first (`Ctx::require_operator`): a customer's session or none
//! is refused, and `support` only reads.

use crate::error::AppError;
pub use crate::views::ops::*;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::api::ctx::Ctx;

#[cfg(feature = "ssr")]
use crate::api::ctx::session_err;
#[cfg(feature = "ssr")]
use crate::domain::roles::Action;

/// A day as the console's forms give it.
#[cfg(feature = "ssr")]
fn parse_day(field: &str, text: &str) -> Result<chrono::NaiveDate, AppError> {
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::invalid(field, "give the date as YYYY-MM-DD"))
}

mod audit;
mod catalog;
mod clock;
mod corrections;
mod orgs;
mod outbox;
mod payments;
mod session;

pub use audit::*;
pub use catalog::*;
pub use clock::*;
pub use corrections::*;
pub use orgs::*;
pub use outbox::*;
pub use payments::*;
pub use session::*;
