//! The typed request context every server function starts from: the
//! database, the session, and — through [`Ctx::require`] — the one
//! permission check of R-ACC-5.

use crate::db::users::{self, Who};
use crate::db::{orgs, Db};
use crate::domain::locale::Locale;
use crate::domain::party::{Acting, OperatorRole, Party};
use crate::domain::roles::{Action, Actor, Role};
use crate::error::AppError;
use crate::views::ops::OperatorInfo;
use leptos::prelude::*;
use std::sync::Arc;
use tower_sessions::Session;

use crate::state::{AppState, RefusedText, RequestMemo, LOCALE, OPERATOR_ID, ORG_ID, USER_ID};

pub struct Ctx {
    pub db: Db,
    memo: RequestMemo,
    pub session: Session,
    pub seller: std::sync::Arc<crate::domain::invoice::Seller>,
    pub clock: crate::clock::Clock,
    pub login_limits: std::sync::Arc<crate::services::auth::LoginLimits>,
    pub gateway: crate::services::payments::Gateway,
    pub mail_delivery: std::sync::Arc<str>,
}

pub fn session_err(e: impl std::fmt::Display) -> AppError {
    AppError::internal("session", e)
}

impl Ctx {
    pub fn get() -> Result<Ctx, AppError> {
        let state = use_context::<AppState>()
            .ok_or_else(|| AppError::internal("context", "no AppState"))?;
        let parts = use_context::<axum::http::request::Parts>()
            .ok_or_else(|| AppError::internal("context", "no request parts"))?;
        if let Some(RefusedText(refusal)) = parts.extensions.get::<RefusedText>() {
            return Err(refusal.clone());
        }
        let session = parts
            .extensions
            .get::<Session>()
            .cloned()
            .ok_or_else(|| AppError::internal("context", "no session layer"))?;
        Ok(Ctx {
            memo: parts
                .extensions
                .get::<RequestMemo>()
                .cloned()
                .unwrap_or_default(),
            ..Ctx::new(&state, session)
        })
    }

    /// The context of a plain axum route that extracted the session itself.
    pub fn new(state: &AppState, session: Session) -> Ctx {
        Ctx {
            db: state.db.clone(),
            memo: RequestMemo::default(),
            session,
            seller: state.seller.clone(),
            clock: state.clock.clone(),
            login_limits: state.login_limits.clone(),
            gateway: state.gateway.clone(),
            mail_delivery: state.mail_delivery.clone(),
        }
    }

    /// The request's "now": the server's clock, pinned in tests.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    pub async fn locale(&self) -> Result<Locale, AppError> {
        let code: Option<String> = self.session.get(LOCALE).await.map_err(session_err)?;
        Ok(code.as_deref().and_then(Locale::parse).unwrap_or_default())
    }

    pub async fn user_id(&self) -> Result<Option<i64>, AppError> {
        self.session.get(USER_ID).await.map_err(session_err)
    }

    /// The user `user_id` with their live memberships, read once per
    /// request: a page asks for the header and for the permission check.
    pub async fn who(&self, user_id: i64) -> Result<Option<Arc<Who>>, AppError> {
        let mut memo = self.memo.who.lock().await;
        if let Some((id, who)) = memo.as_ref() {
            if *id == user_id {
                return Ok(who.clone());
            }
        }
        let who = users::who(&mut *self.db.conn().await?, user_id)
            .await?
            .map(Arc::new);
        *memo = Some((user_id, who.clone()));
        Ok(who)
    }

    /// The logged-in user acting in their current organisation. A
    /// membership that ended since login, or an organisation id in the
    /// session that is not the user's, logs out.
    pub async fn member(&self) -> Result<Acting, AppError> {
        let user_id = self.user_id().await?.ok_or(AppError::Unauthenticated)?;
        let org_id: i64 = self
            .session
            .get(ORG_ID)
            .await
            .map_err(session_err)?
            .ok_or(AppError::Unauthenticated)?;
        let who = self.who(user_id).await?.ok_or(AppError::Unauthenticated)?;
        let membership = who
            .memberships
            .iter()
            .find(|m| m.org_id == org_id)
            .ok_or(AppError::Unauthenticated)?;
        let role =
            Role::parse(&membership.role).map_err(|e| AppError::internal("membership role", e))?;
        Ok(Acting::member(
            org_id,
            user_id,
            Actor {
                role,
                is_billing_owner: membership.billing_owner,
            },
        ))
    }

    /// The permission check (R-ACC-5): the member's role may do `action`,
    /// or a Forbidden that names the rule and the billing owner to ask. The
    /// organisation's standing is checked by the organisation guard
    /// (`services::guard`) under the organisation's lock.
    pub async fn require(&self, action: Action) -> Result<Acting, AppError> {
        let member = self.member().await?;
        if member.may(action) {
            return Ok(member);
        }
        let Party::Member { actor, .. } = member.by else {
            return Err(AppError::Unauthenticated);
        };
        let owner = orgs::billing_owner_name(&mut *self.db.conn().await?, member.org_id).await?;
        match actor.permit(action, owner.clone()) {
            Ok(()) => Ok(member),
            Err(refusal) => Err(AppError::Forbidden {
                message: refusal.text(),
                billing_owner: owner,
            }),
        }
    }

    /// The operator logged in on this session (R-OPS-1): a customer's
    /// session has none and is refused like an anonymous one. An operator
    /// still holding a one-time password may do nothing but change it.
    pub async fn operator(&self) -> Result<(Party, OperatorInfo), AppError> {
        let id: i64 = self
            .session
            .get(OPERATOR_ID)
            .await
            .map_err(session_err)?
            .ok_or(AppError::Unauthenticated)?;
        let row = crate::db::operators::by_id(&mut *self.db.conn().await?, id)
            .await?
            .filter(|o| o.active == 1)
            .ok_or(AppError::Unauthenticated)?;
        let role =
            OperatorRole::parse(&row.role).map_err(|e| AppError::internal("operator role", e))?;
        Ok((
            Party::Operator { id, role },
            OperatorInfo {
                name: row.name,
                email: row.email,
                role,
                must_change_password: row.must_change_password == 1,
            },
        ))
    }

    /// The permission check of the console: the operator's role may do
    /// `action` (`domain::party`: support only reads).
    pub async fn require_operator(&self, action: Action) -> Result<Party, AppError> {
        let (party, me) = self.operator().await?;
        let refused = |message: &str| AppError::Forbidden {
            message: message.into(),
            billing_owner: None,
        };
        if me.must_change_password {
            return Err(refused(
                "Choose your own password first (Console → Password)",
            ));
        }
        if !party.may(action) {
            return Err(refused(
                "Support can look but not change anything; ask an operator",
            ));
        }
        Ok(party)
    }

    /// Whether this request is a plain form a browser posted without
    /// JavaScript (it asks for a page back), not a script's call.
    pub fn plain_form(&self) -> bool {
        use_context::<axum::http::request::Parts>().is_some_and(|p| {
            p.headers
                .get(axum::http::header::ACCEPT)
                .and_then(|a| a.to_str().ok())
                .is_some_and(|a| a.contains("text/html"))
        })
    }

    /// The client's address, for the login limits.
    pub fn client_ip(&self) -> Option<std::net::IpAddr> {
        use_context::<axum::http::request::Parts>().and_then(|p| {
            p.extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|c| c.0.ip())
        })
    }

    /// After a login: a new session id (a session id planted before login
    /// is worth nothing after it), the other side's keys removed (a session
    /// acts for a customer or an operator, never both), this side's set.
    pub async fn begin_session(
        &self,
        set: &[(&'static str, i64)],
        clear: &[&'static str],
    ) -> Result<(), AppError> {
        self.session.cycle_id().await.map_err(session_err)?;
        for key in clear {
            self.session.remove_value(key).await.map_err(session_err)?;
        }
        for (key, value) in set {
            self.session
                .insert(key, *value)
                .await
                .map_err(session_err)?;
        }
        Ok(())
    }
}
