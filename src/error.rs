//! The one error type of the server functions. User-facing variants carry a
//! message a person can act on; `Internal` is logged with its context on the
//! server and shown as a generic message.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Please log in")]
    Unauthenticated,
    #[error("The e-mail or password is wrong")]
    LoginFailed,
    /// `billing_owner` names the person to ask, where there is one.
    #[error("{message}")]
    Forbidden {
        message: String,
        billing_owner: Option<String>,
    },
    #[error("Not found")]
    NotFound,
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    /// A form with several wrong fields: each says what to fix.
    #[error("Please correct: {}", .0.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; "))]
    Fields(Vec<crate::domain::billing_details::FieldError>),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    InsufficientCredits(String),
    #[error("Something went wrong on our side; please try again")]
    Internal,
    /// The request never reached the server, or its answer was unreadable.
    #[error("Could not reach the server: {0}")]
    Transport(String),
}

impl AppError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    /// Logs an unexpected failure with its context; the user sees a generic
    /// message and nothing of the internals.
    #[cfg(feature = "ssr")]
    pub fn internal(context: &str, err: impl std::fmt::Display) -> Self {
        tracing::error!(context, error = %err, "internal error");
        AppError::Internal
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(e)
            | ServerFnErrorErr::Deserialization(e)
            | ServerFnErrorErr::Serialization(e) => AppError::Transport(e),
            ServerFnErrorErr::Args(e) | ServerFnErrorErr::MissingArg(e) => {
                AppError::invalid("request", e)
            }
            other => {
                #[cfg(feature = "ssr")]
                tracing::error!(error = %other, "server function failure");
                let _ = other;
                AppError::Internal
            }
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    /// The one place that turns database constraint violations into domain
    /// errors, by constraint name, never by message text.
    fn from(err: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &err {
            // PostgreSQL names the constraint; SQLite names it only for CHECKs,
            // so the kind gives the general answer there.
            match (db.constraint(), db.kind()) {
                (Some("one_billing_owner"), _) => {
                    return AppError::Conflict(
                        "The organisation already has a billing owner".into(),
                    )
                }
                (Some("billing_owner_is_admin"), _) => {
                    return AppError::Conflict("The billing owner must be an active admin".into())
                }
                (
                    _,
                    sqlx::error::ErrorKind::UniqueViolation
                    | sqlx::error::ErrorKind::CheckViolation,
                ) => {
                    tracing::warn!(error = %db, "constraint refused a write");
                    return AppError::Conflict(
                        "That change conflicts with the current state; reload the page and try again".into(),
                    );
                }
                _ => {}
            }
        }
        AppError::internal("database", err)
    }
}
