//! Assembles the server: database, migrations, demo data, sessions, the
//! Leptos routes and server functions, and the health endpoint.

use crate::app::{shell, App};
use crate::config::Config;
use crate::db::session_store::DbSessionStore;
use crate::db::Db;
use crate::pdf::Typesetter;
use axum::body::Body;
use axum::extract::State;
use axum::http::Request;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, handle_server_fns_with_context, LeptosRoutes};
use std::sync::Arc;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

/// How long the PDF worker stays without work: a month's invoices go out
/// in one run of the mail worker, downloads come one by one.
const PDF_WORKER_IDLE: std::time::Duration = std::time::Duration::from_secs(60);

pub use crate::state::AppState;

/// Puts on every request a fresh [`RequestMemo`](crate::state::RequestMemo),
/// and on a page request the session's language, for the shell's `<html
/// lang>`: the shell renders before anything can wait for the session.
async fn request_context(
    session: tower_sessions::Session,
    mut req: Request<Body>,
    next: axum::middleware::Next,
) -> Response {
    let page = req.method() == axum::http::Method::GET
        && !req.uri().path().starts_with("/api/")
        && !req.uri().path().starts_with("/pkg/");
    req.extensions_mut()
        .insert(crate::state::RequestMemo::default());
    if page {
        if let Ok(Some(code)) = session.get::<String>(crate::state::LOCALE).await {
            if let Some(locale) = crate::domain::locale::Locale::parse(&code) {
                req.extensions_mut().insert(locale);
            }
        }
    }
    next.run(req).await
}

/// Server function fields that hold several lines (text areas): the text
/// rule lets line breaks through there and nowhere else.
const MULTI_LINE_FIELDS: &[&str] = &["address", "features", "limits", "custom"];

/// The most a server function's form may weigh when the text rule reads it.
const MAX_FORM_BYTES: usize = 2 << 20;

/// The text rule (`domain::text`) on every field of every server function
/// (query and url-encoded body): the first field with a control character
/// is put on the request, and the function refuses it from `Ctx::get` with
/// 422 naming the field, through its own error path (JSON for a script,
/// back to the form for a plain post), before it reads or writes anything.
async fn plain_text(req: Request<Body>, next: axum::middleware::Next) -> Response {
    let path = req.uri().path();
    if !path.starts_with("/api/") || path.starts_with("/api/v1/") {
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    let form = parts
        .headers
        .get(axum::http::header::CONTENT_TYPE)
        .is_some_and(|v| {
            v.as_bytes()
                .starts_with(b"application/x-www-form-urlencoded")
        });
    let body = if form {
        match axum::body::to_bytes(body, MAX_FORM_BYTES).await {
            Ok(bytes) => bytes,
            Err(_) => return axum::http::StatusCode::PAYLOAD_TOO_LARGE.into_response(),
        }
    } else {
        let refused = refused_field(parts.uri.query().unwrap_or("").as_bytes());
        if let Some(refused) = refused {
            parts.extensions.insert(refused);
        }
        return next.run(Request::from_parts(parts, body)).await;
    };
    let query = parts.uri.query().unwrap_or("").as_bytes().to_vec();
    if let Some(refused) = refused_field(&query).or_else(|| refused_field(&body)) {
        tracing::info!(field = %refused.field_name(), "control character refused");
        parts.extensions.insert(refused);
    }
    next.run(Request::from_parts(parts, Body::from(body))).await
}

/// The first field of a url-encoded form that breaks the text rule. A
/// nested field (`edit[name]`) is named by its last part.
fn refused_field(form: &[u8]) -> Option<crate::state::RefusedText> {
    use crate::domain::text::{check, Lines};
    form_urlencoded::parse(form).find_map(|(name, value)| {
        let field = name
            .trim_end_matches(']')
            .rsplit('[')
            .next()
            .unwrap_or(&name)
            .to_string();
        let lines = if MULTI_LINE_FIELDS.contains(&field.as_str()) {
            Lines::Many
        } else {
            Lines::One
        };
        let shown = crate::domain::text::check(&field, Lines::One)
            .map(|()| field.clone())
            .unwrap_or_else(|_| "field".into());
        check(&value, lines).err().map(|found| {
            crate::state::RefusedText(crate::error::AppError::control_character(&shown, &found))
        })
    })
}

/// The page routes, found once per process by rendering the app with its
/// resources held back. The hold-back is process-wide in Leptos 0.8
/// (leptos-rs/leptos#4773): a page rendering anywhere in the process while
/// the list is being generated waits forever. Every router waits for the
/// one list, so no page renders while it is made.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

async fn server_fn_handler(State(state): State<AppState>, req: Request<Body>) -> impl IntoResponse {
    handle_server_fns_with_context(move || provide_context(state.clone()), req).await
}

/// Answers a server function's error with the error's own status (401,
/// 403, 404, 409, 422, 429; 5xx only for faults): server_fn answers every
/// error with 500. A layer over the whole router, since leptos_axum routes
/// each server function itself. A plain form post that is redirected back
/// keeps its redirect.
async fn error_status(req: Request<Body>, next: axum::middleware::Next) -> Response {
    let path = req.uri().path().to_string();
    let response = next.run(req).await;
    if response.status() != axum::http::StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key("serverfnerror")
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 1 << 20).await else {
        return (parts.status, "").into_response();
    };
    if let Ok(err) = serde_json::from_slice::<crate::error::AppError>(&bytes) {
        let status = axum::http::StatusCode::from_u16(err.status())
            .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
        if status.is_client_error() {
            tracing::info!(%path, status = status.as_u16(), error = ?err, "request refused");
        }
        if let crate::error::AppError::TooManyRequests { retry_after } = err {
            parts
                .headers
                .insert(axum::http::header::RETRY_AFTER, retry_after.into());
        }
        parts.status = status;
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Cache headers: the hashed assets under `/pkg/` (their names change
/// with their content) for a year; pages and answers never, since they
/// show money that a confirmed change moves. Files without a hash in their
/// name (`hash-files` off) are revalidated every time.
async fn cache_headers(
    State(hashed): State<bool>,
    req: Request<Body>,
    next: axum::middleware::Next,
) -> Response {
    use axum::http::header::{HeaderValue, CACHE_CONTROL};
    let assets = req.uri().path().starts_with("/pkg/");
    let mut res = next.run(req).await;
    if !res.headers().contains_key(CACHE_CONTROL) {
        let value = match (assets, hashed) {
            (true, true) if res.status().is_success() => "public, max-age=31536000, immutable",
            (true, _) => "no-cache",
            (false, _) => "no-store",
        };
        res.headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static(value));
    }
    res
}

async fn healthz(State(state): State<AppState>) -> Response {
    let backend = format!("{:?}", state.db.backend).to_lowercase();
    match sqlx::query("SELECT 1").execute(&state.db.pool).await {
        Ok(_) => Json(serde_json::json!({ "status": "ok", "database": backend })).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({ "status": "unavailable" })),
            )
                .into_response()
        }
    }
}

/// Refuses state-changing requests from other sites (CSRF): a browser
/// names the page's origin in `Origin` (and `Sec-Fetch-Site`) on every
/// POST; one that is not this host is answered 403 before any handler
/// runs. Requests without either header come from programs, not from a
/// browser on another site. The usage API authenticates with a bearer key,
/// which a browser never sends on its own, so it is not checked here.
async fn same_origin(req: Request<Body>, next: axum::middleware::Next) -> Response {
    use axum::http::{header, Method};
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if safe || req.uri().path().starts_with("/api/v1/") {
        return next.run(req).await;
    }
    let headers = req.headers();
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let origin = headers
        .get(header::ORIGIN)
        .map(|o| o.to_str().unwrap_or("?"));
    let fetch_site = headers.get("sec-fetch-site").and_then(|s| s.to_str().ok());
    let same = match (origin, fetch_site) {
        (Some(origin), _) => {
            let authority = origin
                .strip_prefix("https://")
                .or_else(|| origin.strip_prefix("http://"));
            authority.is_some() && authority == host
        }
        (None, Some(site)) => matches!(site, "same-origin" | "none"),
        (None, None) => true,
    };
    if same {
        return next.run(req).await;
    }
    tracing::warn!(?origin, ?fetch_site, ?host, path = %req.uri().path(), "cross-site request refused");
    let err = crate::error::AppError::Forbidden {
        message: "Cross-site request refused: send it from this portal's own pages".into(),
        billing_owner: None,
    };
    (axum::http::StatusCode::FORBIDDEN, Json(err)).into_response()
}

/// Connects, migrates, seeds an empty database when asked, and returns the
/// router with its state. Used by `main` and by the integration tests.
pub async fn build(
    config: &Config,
    leptos_options: LeptosOptions,
) -> Result<(Router, AppState), Box<dyn std::error::Error>> {
    let db = Db::connect_with(&config.database_url, config.checkpoint_interval.is_some()).await?;
    // PostgreSQL checkpoints itself: no task there.
    if let Some(every) = config
        .checkpoint_interval
        .filter(|_| db.backend == crate::db::Backend::Sqlite)
    {
        let db = db.clone();
        crate::services::tasks::every("wal checkpoint", every, move || {
            let db = db.clone();
            async move {
                db.checkpoint()
                    .await
                    .map(|()| "checkpointed".to_string())
                    .map_err(|e| e.to_string())
            }
        });
    }
    db.migrate().await?;
    if config.demo_data {
        crate::seed::seed_if_empty(&db, config.clock.now())
            .await
            .map_err(|e| format!("demo data: {e}"))?;
    } else if crate::db::users::count(&mut *db.conn().await?).await? == 0 {
        tracing::warn!(
            "this database has no users and no demo logins were created (DEMO_DATA is off); \
             to try the portal, start it once with DEMO_DATA=true on an empty database (the README's .ci/serve does)"
        );
    }
    let pdf = Typesetter::new(
        config.pdf_worker.clone(),
        Some(config.logo.clone()),
        PDF_WORKER_IDLE,
    );
    let gateway = crate::services::payments::Gateway::from_config(config)?;
    let seller = Arc::new(config.seller.clone());
    let state = AppState {
        db: db.clone(),
        seller: seller.clone(),
        pdf: pdf.clone(),
        usage: crate::services::usage::UsageBatcher::start(db.clone(), config.clock.clone()),
        clock: config.clock.clone(),
        login_limits: Arc::new(crate::services::auth::LoginLimits::new(
            config.login_attempts_per_minute,
        )),
        gateway: gateway.clone(),
        mail_delivery: crate::services::mail::delivery(
            config.smtp_url.as_deref(),
            &config.outbox_dir,
        )
        .into(),
        leptos_options: leptos_options.clone(),
    };

    if let Some(every) = config.clock_interval {
        let (db, clock, gateway) = (db.clone(), config.clock.clone(), gateway.clone());
        crate::services::tasks::every("billing clock", every, move || {
            let (db, gateway, now) = (db.clone(), gateway.clone(), clock.now());
            async move {
                crate::services::clock::advance(&db, &gateway, now)
                    .await
                    .map(|c| format!("{c:?}"))
                    .map_err(|e| e.to_string())
            }
        });
    }
    if let Some(every) = config.mail_interval {
        use crate::services::mail::{Mailer, OutboxFolder, Smtp};
        let mailer: Arc<dyn Mailer> = match &config.smtp_url {
            Some(url) => Arc::new(Smtp::from_url(url)?),
            None => Arc::new(OutboxFolder {
                dir: config.outbox_dir.clone(),
            }),
        };
        let (db, clock, seller, pdf) = (
            db.clone(),
            config.clock.clone(),
            seller.clone(),
            pdf.clone(),
        );
        crate::services::tasks::every("invoice e-mail", every, move || {
            let (db, seller, pdf, mailer, now) = (
                db.clone(),
                seller.clone(),
                pdf.clone(),
                mailer.clone(),
                clock.now(),
            );
            async move {
                crate::services::mail::deliver_due(&db, &seller, &pdf, &*mailer, now, 50)
                    .await
                    .map(|n| format!("{n} sent"))
                    .map_err(|e| e.to_string())
            }
        });
    }
    let store = DbSessionStore::new(db.clone());
    {
        let store = store.clone();
        crate::services::tasks::every("session purge", config.session_purge, move || {
            let store = store.clone();
            async move {
                store
                    .delete_expired()
                    .await
                    .map(|n| format!("{n} expired sessions removed"))
                    .map_err(|e| e.to_string())
            }
        });
    }
    let sessions = SessionManagerLayer::new(store)
        .with_name("billing_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(config.secure_cookies)
        .with_expiry(Expiry::OnInactivity(time::Duration::days(
            config.session_days,
        )));

    let router = Router::new()
        .route("/healthz", get(healthz))
        .route(
            "/api/v1/usage",
            axum::routing::post(crate::api::usage::usage),
        )
        .route(
            "/api/v1/usage/batch",
            axum::routing::post(crate::api::usage::usage_batch),
        )
        .route(
            "/billing/invoices/{number}/pdf",
            get(crate::api::documents_http::pdf),
        )
        .route(
            "/billing/invoices/{number}/ubl",
            get(crate::api::documents_http::ubl),
        )
        .route("/billing/logo", get(crate::api::documents_http::logo))
        .route(
            "/ops/orgs/{id}/documents/{number}/pdf",
            get(crate::api::documents_http::ops_pdf),
        )
        .route("/ops/export/sie", get(crate::api::ops_http::export_sie))
        .route(
            "/ops/payments/bgmax",
            axum::routing::post(crate::api::ops_http::import_bgmax).layer(
                axum::extract::DefaultBodyLimit::max(
                    crate::api::ops_http::MAX_BGMAX_BYTES + 64 * 1024,
                ),
            ),
        )
        .route(
            "/api/{*fn_name}",
            get(server_fn_handler).post(server_fn_handler),
        )
        .leptos_routes_with_context(
            &state,
            route_list(),
            {
                let state = state.clone();
                move || provide_context(state.clone())
            },
            {
                let options = leptos_options.clone();
                move || shell(options.clone())
            },
        )
        .nest_service(
            &format!("/{}", leptos_options.site_pkg_dir),
            tower_http::services::ServeDir::new(format!(
                "{}/{}",
                leptos_options.site_root, leptos_options.site_pkg_dir
            ))
            .precompressed_br()
            .precompressed_gzip(),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn(request_context))
        .layer(axum::middleware::from_fn(plain_text))
        .layer(sessions)
        .layer(axum::middleware::from_fn(error_status))
        .layer(axum::middleware::from_fn(same_origin))
        .layer(axum::middleware::from_fn_with_state(
            leptos_options.hash_files,
            cache_headers,
        ))
        // Pages, answers, JavaScript and CSS are compressed as they go out,
        // at the fastest level (they are small). WebAssembly is not: the
        // debug build's 16 MB took 1.3 s a download; `/pkg` serves the
        // `.br`/`.gz` files made once at release (docs/operations.md).
        .layer(
            tower_http::compression::CompressionLayer::new()
                .quality(tower_http::CompressionLevel::Fastest)
                .compress_when(
                    DefaultPredicate::new().and(NotForContentType::const_new("application/wasm")),
                ),
        )
        .with_state(state.clone());
    Ok((router, state))
}
