//! The console's file upload: Bankgirot's BgMax file of incoming payments
//! (R-PAY-3), posted as a plain multipart form so it works without
//! JavaScript. The answer is a redirect to the payments page with what the
//! import did, or with what is wrong with the file (nothing imported).

use crate::api::ctx::Ctx;
use crate::error::AppError;
use crate::state::AppState;
use axum::extract::{Multipart, State};
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

/// The largest file taken: BgMax files of a day's payments are a few
/// hundred kB at most.
pub const MAX_BGMAX_BYTES: usize = 5 * 1024 * 1024;

pub async fn import_bgmax(
    State(state): State<AppState>,
    session: Session,
    mut form: Multipart,
) -> Response {
    let ctx = Ctx::new(&state, session);
    let result = async {
        let by = ctx
            .require_operator(crate::domain::roles::Action::Operate)
            .await?;
        let mut bytes = None;
        while let Some(field) = form
            .next_field()
            .await
            .map_err(|e| AppError::invalid("file", e.to_string()))?
        {
            if field.name() == Some("file") {
                let data = field
                    .bytes()
                    .await
                    .map_err(|e| AppError::invalid("file", e.to_string()))?;
                if data.len() > MAX_BGMAX_BYTES {
                    return Err(AppError::invalid("file", "a BgMax file of at most 5 MB"));
                }
                bytes = Some(data);
            }
        }
        let bytes = bytes
            .filter(|b| !b.is_empty())
            .ok_or_else(|| AppError::invalid("file", "choose a BgMax file to import"))?;
        crate::services::bank::import_bgmax(&ctx.db, &by, &bytes, &ctx.seller.bankgiro).await
    }
    .await;
    let query = match result {
        Ok(r) => format!(
            "in_file={}&matched={}&unmatched={}&already={}",
            r.in_file,
            r.matched,
            r.unmatched.len(),
            r.already_imported
        ),
        Err(AppError::Unauthenticated) => return Redirect::to("/ops/login").into_response(),
        Err(e @ AppError::Invalid { .. }) => format!("error={}", urlencoding(&e.to_string())),
        Err(e) => return e.into_response(),
    };
    Redirect::to(&format!("/ops/payments?{query}")).into_response()
}

/// Percent-encodes a query value.
fn urlencoding(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The period's sales and payments as an SIE 4 file (R-INV-8), for the
/// vendor's bookkeeping: `/ops/export/sie?from=YYYY-MM-DD&to=YYYY-MM-DD`.
/// Operators only: the file holds every organisation's sales.
pub async fn export_sie(
    State(state): State<AppState>,
    session: Session,
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Response {
    let ctx = Ctx::new(&state, session);
    let result = async {
        ctx.require_operator(crate::domain::roles::Action::Operate)
            .await?;
        let field = |name: &str| q.get(name).map_or("", String::as_str);
        let (from, to) = crate::services::bookkeeping::period(field("from"), field("to"))?;
        let export =
            crate::services::bookkeeping::sie(&ctx.db, &ctx.seller, from, to, ctx.now()).await?;
        Ok((export.name, export.file))
    }
    .await;
    crate::api::documents_http::file_response(result, "text/plain; charset=IBM437", "/ops/login")
}
