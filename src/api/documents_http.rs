//! Plain HTTP routes of the documents: the PDF download (R-INV-6) and the
//! Peppol UBL e-invoice (R-INV-8), for
//! customers and for operators, and the seller's logo. The download checks
//! the session's role and organisation like every server function: another
//! organisation's number answers 404.

use crate::api::ctx::Ctx;
use crate::domain::roles::Action;
use crate::error::AppError;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

pub async fn pdf(
    State(state): State<AppState>,
    session: Session,
    Path(number): Path<String>,
) -> Response {
    let ctx = Ctx::new(&state, session);
    let result = async {
        let member = ctx.require(Action::DownloadInvoices).await?;
        crate::services::documents::pdf(
            &ctx.db,
            &ctx.seller,
            &state.pdf,
            member.org_id,
            &number,
            ctx.now(),
        )
        .await
    }
    .await;
    file_response(result, "application/pdf", "/login")
}

/// The document as a Peppol UBL e-invoice (R-INV-8), with the PDF's checks.
pub async fn ubl(
    State(state): State<AppState>,
    session: Session,
    Path(number): Path<String>,
) -> Response {
    let ctx = Ctx::new(&state, session);
    let result = async {
        let member = ctx.require(Action::DownloadInvoices).await?;
        crate::services::documents::ubl(&ctx.db, &ctx.seller, member.org_id, &number, ctx.now())
            .await
    }
    .await;
    file_response(result, "application/xml", "/login")
}

/// A document's PDF for an operator (the outbox's attachments, the
/// organisation page): the same file the customer downloads.
pub async fn ops_pdf(
    State(state): State<AppState>,
    session: Session,
    Path((org_id, number)): Path<(i64, String)>,
) -> Response {
    let ctx = Ctx::new(&state, session);
    let result = async {
        ctx.require_operator(Action::ViewBilling).await?;
        crate::services::documents::pdf(
            &ctx.db,
            &ctx.seller,
            &state.pdf,
            org_id,
            &number,
            ctx.now(),
        )
        .await
    }
    .await;
    file_response(result, "application/pdf", "/ops/login")
}

pub(crate) fn file_response(
    result: Result<(String, Vec<u8>), AppError>,
    content_type: &str,
    login: &str,
) -> Response {
    match result {
        Ok((name, bytes)) => (
            [
                (header::CONTENT_TYPE, content_type.to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}\""),
                ),
                (header::CACHE_CONTROL, "private, no-store".to_string()),
            ],
            bytes,
        )
            .into_response(),
        Err(AppError::Unauthenticated) => Redirect::to(login).into_response(),
        Err(e) => e.into_response(),
    }
}

pub async fn logo(State(state): State<AppState>) -> Response {
    let Some(logo) = state.pdf.logo() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mime = if logo.format == "svg" {
        "image/svg+xml"
    } else {
        "image/png"
    };
    (
        [
            (header::CONTENT_TYPE, mime),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        logo.bytes.clone(),
    )
        .into_response()
}
