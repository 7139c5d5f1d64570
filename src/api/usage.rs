//! The usage HTTP API for the vendor's product (R-CRD-4/5):
//! `POST /api/v1/usage` with `Authorization: Bearer <key>` and a JSON event.
//! Answers 200 with the cost and balance, 402 when the balance cannot cover
//! the run (nothing recorded), 400/422 for a malformed event, 401 without a
//! valid key.

use crate::server::AppState;
use crate::services::credits::authenticate;
use crate::services::usage::{UsageError, UsageEvent};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({ "error": message.into() }))).into_response()
}

pub async fn usage(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let secret = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    let org_id = match authenticate(&state.db, secret).await {
        Ok(Some(org_id)) => org_id,
        Ok(None) => {
            return error(
                StatusCode::UNAUTHORIZED,
                "send a live API key as 'Authorization: Bearer <key>'",
            )
        }
        Err(_) => {
            return error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "something went wrong on our side; retry the event",
            )
        }
    };
    let event: UsageEvent = match serde_json::from_slice(&body) {
        Ok(e) => e,
        Err(e) if e.is_syntax() || e.is_eof() => {
            return error(
                StatusCode::BAD_REQUEST,
                format!("the body is not JSON: {e}"),
            )
        }
        Err(e) => {
            return error(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("the event is not valid: {e}"),
            )
        }
    };
    match state.usage.submit(org_id, event).await {
        Ok(answer) => (StatusCode::OK, Json(answer)).into_response(),
        Err(UsageError::Invalid(m)) => error(StatusCode::UNPROCESSABLE_ENTITY, m),
        Err(UsageError::Insufficient(i)) => (
            StatusCode::PAYMENT_REQUIRED,
            Json(json!({ "error": i.to_string(), "needed": i.needed, "available": i.available })),
        )
            .into_response(),
        Err(UsageError::App(_)) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "something went wrong on our side; retry the event",
        ),
    }
}
