//! The one error type of the server functions. User-facing variants carry a
//! message a person can act on, as a [`Text`] the page shows in its
//! language ([`AppError::message`]); `Internal` is logged with its context
//! on the server and shown as a generic message.

use crate::domain::locale::Locale;
use crate::i18n::{t, Text};
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
        message: Text,
        billing_owner: Option<String>,
    },
    #[error("Not found")]
    NotFound,
    #[error("{field}: {message}")]
    Invalid { field: String, message: Text },
    /// A form with several wrong fields: each says what to fix.
    #[error("Please correct: {}", .0.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; "))]
    Fields(Vec<crate::domain::billing_details::FieldError>),
    #[error("{0}")]
    Conflict(Text),
    #[error("{0}")]
    InsufficientCredits(Text),
    /// Too many attempts: try again after `retry_after` seconds.
    #[error("Too many attempts; try again in {retry_after} seconds")]
    TooManyRequests { retry_after: u64 },
    #[error("Something went wrong on our side; please try again")]
    Internal,
    /// The request never reached the server, or its answer was unreadable.
    #[error("Could not reach the server: {0}")]
    Transport(String),
}

impl AppError {
    pub fn invalid(field: &str, message: impl Into<Text>) -> Self {
        AppError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The text rule's refusal (`domain::text`): 422 naming the field and
    /// the character to remove.
    pub fn control_character(field: &str, found: &crate::domain::text::ControlCharacter) -> Self {
        AppError::invalid(
            field,
            crate::msg!(
                "error-control-character",
                field = field,
                code = found.code_point(),
                position = found.position
            ),
        )
    }

    pub fn conflict(message: impl Into<Text>) -> Self {
        AppError::Conflict(message.into())
    }

    /// What the person reads, in their language.
    pub fn message(&self, l: Locale) -> String {
        match self {
            AppError::Unauthenticated => t(l, "error-unauthenticated").to_string(),
            AppError::LoginFailed => t(l, "error-login-failed").to_string(),
            AppError::Forbidden { message, .. } => message.render(l),
            AppError::NotFound => t(l, "error-not-found").to_string(),
            AppError::Invalid { message, .. } => message.render(l),
            AppError::Fields(_) => t(l, "error-fields").to_string(),
            AppError::Conflict(message) | AppError::InsufficientCredits(message) => {
                message.render(l)
            }
            AppError::TooManyRequests { retry_after } => {
                crate::tf!(l, "error-too-many-requests", seconds = *retry_after)
            }
            AppError::Internal => t(l, "error-internal").to_string(),
            AppError::Transport(detail) => {
                crate::tf!(l, "error-transport", detail = detail.clone())
            }
        }
    }

    /// The HTTP status this error answers with: 4xx for what the caller can
    /// fix, 5xx only for faults on our side.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthenticated | AppError::LoginFailed => 401,
            AppError::InsufficientCredits(_) => 402,
            AppError::Forbidden { .. } => 403,
            AppError::NotFound => 404,
            AppError::Conflict(_) => 409,
            AppError::Invalid { .. } | AppError::Fields(_) => 422,
            AppError::TooManyRequests { .. } => 429,
            AppError::Internal => 500,
            AppError::Transport(_) => 502,
        }
    }

    /// Logs an unexpected failure with its context; the user sees a generic
    /// message and nothing of the internals.
    #[cfg(feature = "ssr")]
    pub fn internal(context: &str, err: impl std::fmt::Display) -> Self {
        // As a quoted, escaped string: an error may carry outside text, and
        // a line break in it must not start a forged log line.
        let error = err.to_string();
        tracing::error!(context, error = ?error, "internal error");
        AppError::Internal
    }
}

impl From<crate::domain::roles::Refusal> for AppError {
    fn from(r: crate::domain::roles::Refusal) -> Self {
        AppError::Forbidden {
            message: r.text(),
            billing_owner: None,
        }
    }
}

/// The one mapping of a refused change: the standing answers 403, wrong
/// seats or plans 422, a state that moved on 409.
impl From<crate::domain::change::ChangeError> for AppError {
    fn from(e: crate::domain::change::ChangeError) -> Self {
        use crate::domain::change::ChangeError as E;
        match e {
            E::Refused(r) => r.into(),
            E::Seats(_) | E::BelowPaidMembers { .. } => AppError::invalid("seats", e.text()),
            E::PriceNotOffered
            | E::CurrencyMismatch { .. }
            | E::NoTrial { .. }
            | E::TrialNotHigher
            | E::SalesOnly { .. }
            | E::TooManyMembers { .. } => AppError::invalid("plan", e.text()),
            E::RenewalDue | E::Canceled | E::TrialRunning | E::TrialUsed { .. } => {
                AppError::Conflict(e.text())
            }
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // On the server these mean the request's body could not be read
            // as the function's arguments: the caller's to fix.
            ServerFnErrorErr::Request(e) | ServerFnErrorErr::Deserialization(e)
                if cfg!(feature = "ssr") =>
            {
                AppError::invalid("request", e)
            }
            ServerFnErrorErr::Request(e)
            | ServerFnErrorErr::Deserialization(e)
            | ServerFnErrorErr::Serialization(e) => AppError::Transport(e),
            ServerFnErrorErr::Args(e) | ServerFnErrorErr::MissingArg(e) => {
                AppError::invalid("request", e)
            }
            other => {
                #[cfg(feature = "ssr")]
                tracing::error!(error = ?other, "server function failure");
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
                    return AppError::Conflict(crate::msg!("error-one-billing-owner"))
                }
                (Some("billing_owner_is_admin"), _) => {
                    return AppError::Conflict(crate::msg!("error-owner-is-admin"))
                }
                (
                    _,
                    sqlx::error::ErrorKind::UniqueViolation
                    | sqlx::error::ErrorKind::CheckViolation,
                ) => {
                    tracing::warn!(error = ?db, "constraint refused a write");
                    return AppError::Conflict(crate::msg!("error-state-moved"));
                }
                _ => {}
            }
        }
        AppError::internal("database", err)
    }
}

/// The answer of a plain HTTP route (downloads, uploads): the same status
/// as a server function's, with the message as text.
#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        let status = axum::http::StatusCode::from_u16(self.status())
            .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
        (status, self.to_string()).into_response()
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Log(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Log {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// Outside text in an error (an e-mail typed at login, a stored name)
    /// is logged quoted and escaped: a line break in it cannot start a
    /// second, forged log line.
    #[test]
    fn outside_text_cannot_forge_a_log_line() {
        let log = Log::default();
        let writer = log.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            let _ = AppError::internal("login", "anna@x.se\n2026-12-07 INFO operator 1 logged in");
        });
        let out = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
        assert_eq!(out.lines().count(), 1, "{out}");
        assert!(out.contains("\\n2026-12-07"), "{out}");
    }
}
