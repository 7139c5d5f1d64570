//! The usage HTTP API for the vendor's product (R-CRD-4/5), with
//! `Authorization: Bearer <key>`:
//!
//! - `POST /api/v1/usage` with one JSON event. Answers 200 with the cost and
//!   balance, 402 when the balance cannot cover the run (nothing recorded),
//!   400/422 for a malformed event, 401 without a valid key.
//! - `POST /api/v1/usage/batch` with `{"events": [...]}`, 1 to `MAX_BATCH`
//!   events, charged in order in one transaction. Answers 200 with one
//!   result per event, each carrying the status and body the single-event
//!   call would have answered; a malformed body is refused whole (400/422,
//!   naming the event) and records nothing.

use crate::services::credits::authenticate;
use crate::services::usage::{UsageError, UsageEvent, MAX_BATCH};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({ "error": message.into() }))).into_response()
}

fn server_error() -> Response {
    error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "something went wrong on our side; retry the event",
    )
}

/// The organisation of the request's live API key.
async fn organisation(state: &AppState, headers: &HeaderMap) -> Result<i64, Response> {
    let secret = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    match authenticate(&state.db, secret).await {
        Ok(Some(org_id)) => Ok(org_id),
        Ok(None) => Err(error(
            StatusCode::UNAUTHORIZED,
            "send a live API key as 'Authorization: Bearer <key>'",
        )),
        Err(_) => Err(server_error()),
    }
}

/// 400 for a body that is not JSON, 422 for JSON that is not what we asked.
fn malformed(e: serde_json::Error, what: &str) -> Response {
    if e.is_syntax() || e.is_eof() {
        error(
            StatusCode::BAD_REQUEST,
            format!("the body is not JSON: {e}"),
        )
    } else {
        error(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("{what} is not valid: {e}"),
        )
    }
}

/// The status and body the single-event call answers for an outcome.
fn outcome(answer: Result<crate::services::usage::UsageAnswer, UsageError>) -> (StatusCode, Value) {
    match answer {
        Ok(a) => (StatusCode::OK, json!(a)),
        Err(UsageError::Invalid(m)) => (StatusCode::UNPROCESSABLE_ENTITY, json!({ "error": m })),
        Err(UsageError::Insufficient(i)) => (
            StatusCode::PAYMENT_REQUIRED,
            json!({ "error": i.to_string(), "needed": i.needed, "available": i.available }),
        ),
        Err(UsageError::App(_)) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            json!({ "error": "something went wrong on our side; retry the event" }),
        ),
    }
}

pub async fn usage(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let org_id = match organisation(&state, &headers).await {
        Ok(org_id) => org_id,
        Err(refused) => return refused,
    };
    let event: UsageEvent = match serde_json::from_slice(&body) {
        Ok(e) => e,
        Err(e) => return malformed(e, "the event"),
    };
    let (status, body) = outcome(state.usage.submit(org_id, event).await);
    (status, Json(body)).into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Batch {
    events: Vec<UsageEvent>,
}

pub async fn usage_batch(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let org_id = match organisation(&state, &headers).await {
        Ok(org_id) => org_id,
        Err(refused) => return refused,
    };
    let events = match serde_json::from_slice::<Batch>(&body) {
        Ok(batch) => batch.events,
        Err(e) => return malformed(e, &which_event(&body)),
    };
    if events.is_empty() || events.len() > MAX_BATCH {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "send 1 to {MAX_BATCH} events in 'events'; this batch has {}",
                events.len()
            ),
        );
    }
    let answers = match state.usage.submit_all(org_id, events).await {
        Ok(answers) => answers,
        Err(_) => return server_error(),
    };
    let results: Vec<Value> = answers
        .into_iter()
        .map(|answer| {
            let (status, mut body) = outcome(answer);
            body["status"] = json!(status.as_u16());
            body
        })
        .collect();
    (StatusCode::OK, Json(json!({ "results": results }))).into_response()
}

/// Names the first event the batch's body gets wrong ("events[3]"), or "the
/// batch" when the fault is not in one event. Runs only on refused bodies.
fn which_event(body: &[u8]) -> String {
    let events = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v.get("events").and_then(Value::as_array).cloned());
    events
        .and_then(|events| {
            events
                .into_iter()
                .position(|e| serde_json::from_value::<UsageEvent>(e).is_err())
        })
        .map(|i| format!("events[{i}]"))
        .unwrap_or_else(|| "the batch".into())
}
