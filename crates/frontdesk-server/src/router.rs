//! Every route, in one place, with the middleware stack around them.

use crate::error::ApiError;
use crate::http::{self, sessions};
use crate::mcp::{messages, sse, streamable};
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{header, HeaderName, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use tower::ServiceBuilder;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

pub fn router(state: AppState) -> Router {
    let settings = state.settings.clone();
    // rmcp's service owns `/mcp`; our authentication runs in front of it.
    let streamable_http = Router::new()
        .route_service("/mcp", streamable::service(&state))
        .layer(middleware::from_fn_with_state(state.clone(), streamable::authenticate));
    Router::new()
        .route("/healthz", get(http::health::healthz))
        .route("/readyz", get(http::health::readyz))
        .route("/mcp/health", get(sessions::health))
        .route("/mcp/auth/session", post(sessions::create))
        .route("/mcp/auth/validate", get(sessions::validate))
        .route("/mcp/auth/logout", post(sessions::logout))
        .route("/mcp/sse", get(sse::open))
        .route("/mcp/messages/", post(messages::post))
        .route("/mcp/messages", post(messages::post))
        .merge(streamable_http)
        .fallback(not_found)
        .with_state(state)
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<Body>| {
                    let request_id = req
                        .headers()
                        .get(REQUEST_ID)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-");
                    tracing::info_span!(
                        "request",
                        method = %req.method(),
                        path = %req.uri().path(),
                        request_id,
                    )
                }))
                .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                .layer(middleware::from_fn(json_errors))
                .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, settings.request_timeout))
                .layer(DefaultBodyLimit::max(settings.body_limit_bytes)),
        )
}

async fn not_found() -> ApiError {
    ApiError::for_status(StatusCode::NOT_FOUND)
}

/// Gives every error response the JSON body clients expect, including the ones produced by
/// the framework or the MCP SDK (unknown method, body too large, malformed JSON, timeouts);
/// a short plain-text reason is kept as the message.
async fn json_errors(req: Request, next: Next) -> Response {
    let response = next.run(req).await;
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    if !(status.is_client_error() || status.is_server_error()) || content_type.starts_with("application/json") {
        return response;
    }
    let (parts, body) = response.into_parts();
    let mut error = ApiError::for_status(status);
    if let Ok(bytes) = axum::body::to_bytes(body, 2048).await
        && let Ok(text) = std::str::from_utf8(&bytes)
        && !text.trim().is_empty()
        && status != StatusCode::INTERNAL_SERVER_ERROR
    {
        error.message = text.trim().to_string();
    }
    let mut replaced = error.into_response();
    for name in [header::RETRY_AFTER, header::ALLOW, header::WWW_AUTHENTICATE] {
        if let Some(value) = parts.headers.get(&name) {
            replaced.headers_mut().insert(name, value.clone());
        }
    }
    replaced
}
