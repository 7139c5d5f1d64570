//! The session every page shows and the actions that change it: the
//! resource the header and pages read, refetched after any of the actions.

use crate::api::auth::{Logout, SessionInfo, SetLocale, SwitchOrg};
use crate::error::AppError;
use leptos::prelude::*;

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
