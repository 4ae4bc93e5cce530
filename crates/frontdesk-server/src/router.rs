//! Every route, in one place, with the middleware stack around them.

use crate::calendar;
use crate::error::ApiError;
use crate::gateway;
use crate::http::{self, sessions};
use crate::mcp::{messages, sse, streamable};
use crate::openapi;
use crate::retell;
use crate::state::AppState;
use crate::vapi;
use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderName, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tower::ServiceBuilder;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

pub fn router(state: AppState) -> Router {
    // The Prometheus recorder, before anything is counted.
    crate::prometheus::handle();
    let settings = state.settings.clone();
    // rmcp's service owns `/mcp`; our authentication runs in front of it.
    let streamable_http = Router::new()
        .route_service("/mcp", streamable::service(&state))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            streamable::authenticate,
        ));
    Router::new()
        .route("/healthz", get(http::health::healthz))
        .route("/readyz", get(http::health::readyz))
        .route("/openapi.json", get(openapi::openapi_json))
        .route("/metrics", get(crate::prometheus::get))
        .route("/mcp/health", get(sessions::health))
        .route("/mcp/auth/session", post(sessions::create))
        .route("/mcp/auth/validate", get(sessions::validate))
        .route("/mcp/auth/logout", post(sessions::logout))
        .route("/mcp/sse", get(sse::open))
        .route("/mcp/messages/", post(messages::post))
        .route("/mcp/messages", post(messages::post))
        .route("/api/mcp/gateway", post(gateway::dispatch::post))
        .route("/api/mcp/health", get(gateway::health::get))
        .route(
            "/api/mcp/retell/custom-function",
            post(retell::custom_function::post),
        )
        .route("/api/mcp/retell/webhook", post(retell::webhook::post))
        .route("/api/vapi/tool-calls", post(vapi::tool_calls::post))
        // frontdesk_delivery::twilio::STATUS_CALLBACK_PATH, the StatusCallback it sends.
        .route(
            "/api/sms/twilio/status",
            post(crate::sms::twilio_status::post),
        )
        .route(
            "/api/sms/twilio/inbound",
            post(crate::sms::twilio_inbound::post),
        )
        .route("/ical/{feed}", get(calendar::feed::get))
        .merge(streamable_http)
        .merge(crate::console::routes())
        // After routing, so each request is counted under its route's surface.
        .layer(middleware::from_fn(crate::prometheus::track))
        .fallback(not_found)
        .with_state(state)
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(
                    TraceLayer::new_for_http().make_span_with(|req: &Request<Body>| {
                        let request_id = req
                            .headers()
                            .get(REQUEST_ID)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or("-");
                        tracing::info_span!(
                            "request",
                            method = %req.method(),
                            path = %logged_path(req.uri().path()),
                            request_id,
                        )
                    }),
                )
                .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                .layer(middleware::from_fn(json_errors))
                .layer(TimeoutLayer::with_status_code(
                    StatusCode::REQUEST_TIMEOUT,
                    settings.request_timeout,
                ))
                .layer(DefaultBodyLimit::max(settings.body_limit_bytes)),
        )
}

/// The path as logged: a calendar feed's path is its secret token, which never goes to a log.
fn logged_path(path: &str) -> &str {
    if path.starts_with("/ical/") {
        "/ical/…"
    } else {
        path
    }
}

async fn not_found() -> ApiError {
    ApiError::for_status(StatusCode::NOT_FOUND)
}

/// Gives every error response the JSON body clients expect, including the ones produced by
/// the framework or the MCP SDK (unknown method, body too large, malformed JSON, timeouts);
/// a short plain-text reason is kept as the message.
async fn json_errors(req: Request, next: Next) -> Response {
    let sent_body = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .is_some_and(|v| v != "0")
        || req.headers().contains_key(header::TRANSFER_ENCODING);
    let mut response = next.run(req).await;
    // A request refused before its body was read (bad token, rate limit) leaves unread bytes
    // on the connection, so the server closes it; saying so keeps keep-alive clients from
    // sending their next request into a closing socket.
    if sent_body && (response.status().is_client_error() || response.status().is_server_error()) {
        response.headers_mut().insert(
            header::CONNECTION,
            axum::http::HeaderValue::from_static("close"),
        );
    }
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    // The console's error pages are HTML meant for a person.
    if !(status.is_client_error() || status.is_server_error())
        || content_type.starts_with("application/json")
        || content_type.starts_with("text/html")
    {
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
    for name in [
        header::RETRY_AFTER,
        header::ALLOW,
        header::WWW_AUTHENTICATE,
        header::CONNECTION,
    ] {
        if let Some(value) = parts.headers.get(&name) {
            replaced.headers_mut().insert(name, value.clone());
        }
    }
    replaced
}
