//! `/mcp`: MCP over Streamable HTTP, served by rmcp — every protocol revision it speaks, from
//! the `initialize` handshake revisions (2025-03-26, 2025-06-18, 2025-11-25) to the stateless
//! 2026-07-28 one. In front of it, [`authenticate`] turns the caller session (or an API key
//! with a caller id) into a `Caller` on the request, counts the message against the
//! session's rate limit, checks the `Origin`, and keeps each `Mcp-Session-Id` to the caller
//! session that opened it ([`crate::mcp::owners`]).

use crate::auth::{
    ClientIp, bearer, check_origin, missing_token, session_for_token, session_for_token_cached,
    verified_mcp_key,
};
use crate::error::ApiError;
use crate::mcp::messages::{inexact_id, is_exact_id};
use crate::mcp::tools::FrontdeskMcp;
use crate::state::AppState;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use frontdesk_engine::EngineError;
use frontdesk_engine::sessions::ActiveSession;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use std::net::IpAddr;
use std::sync::Arc;

/// The header naming a Streamable HTTP session.
const HEADER_SESSION_ID: &str = "mcp-session-id";

pub fn service(state: &AppState) -> StreamableHttpService<FrontdeskMcp, LocalSessionManager> {
    let settings = &state.settings;
    let mut config = StreamableHttpServerConfig::default()
        .with_sse_keep_alive(Some(settings.sse_keep_alive))
        .with_cancellation_token(state.shutdown.child_token())
        .with_max_request_body_bytes(settings.body_limit_bytes)
        // A stateless (2026-07-28) request that only gets its answer is answered as plain
        // JSON rather than as a one-event SSE stream: no stream, no keep-alive timer.
        // Handshake sessions (Mcp-Session-Id) are not affected.
        .with_json_response(true);
    config = if settings.mcp_allowed_hosts.is_empty()
        || settings.mcp_allowed_hosts.iter().any(|h| h == "*")
    {
        config.disable_allowed_hosts()
    } else {
        config.with_allowed_hosts(settings.mcp_allowed_hosts.clone())
    };
    if !settings.mcp_allowed_origins.is_empty()
        && !settings.mcp_allowed_origins.iter().any(|o| o == "*")
    {
        config = config.with_allowed_origins(settings.mcp_allowed_origins.clone());
    }
    // Several instances: a session initialised on one continues on any other.
    if let Some(redis) = &state.cluster.redis {
        config.session_store = Some(Arc::new(crate::cluster::sessions::RedisSessionStore::new(
            redis.clone(),
        )));
    }
    let engine = state.engine.clone();
    StreamableHttpService::new(
        move || Ok(FrontdeskMcp::new(engine.clone())),
        Arc::new(LocalSessionManager::default()),
        config,
    )
}

/// Resolves the caller of an `/mcp` request and puts it on the request for the tools.
pub async fn authenticate(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if let Err(e) = check_origin(&state, req.headers()) {
        return e.into_response();
    }
    let (mut parts, body) = req.into_parts();
    let ip = match ClientIp::from_request_parts(&mut parts, &state).await {
        Ok(ClientIp(ip)) => ip,
        Err(e) => return e.into_response(),
    };
    let req = Request::from_parts(parts, body);
    let active = match caller_session(&state, req.headers(), ip).await {
        Ok(active) => active,
        Err(e) => return e.into_response(),
    };
    // A session belongs to the caller session that opened it; to anyone else it does not
    // exist (rmcp's own answer for an unknown session).
    let mcp_session = req
        .headers()
        .get(HEADER_SESSION_ID)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    if let Some(id) = &mcp_session
        && state.mcp_session_owners.owner(id).await != Some(active.session.id)
    {
        return ApiError::new(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            "Not Found: Session not found",
        )
        .into_response();
    }
    if req.method() == Method::POST
        && let Err(e) = state.limits.check_message(active.session.id).await
    {
        return e.into_response();
    }
    let mut req = match refuse_inexact_id(&state, req).await {
        Ok(req) => req,
        Err(refused) => return refused,
    };
    let method = req.method().clone();
    let caller_session = active.session.id;
    req.extensions_mut().insert(active.caller.clone());
    req.extensions_mut().insert(active);
    let response = next.run(req).await;
    match mcp_session {
        // `initialize` opened a session: it is this caller session's.
        None => {
            if let Some(opened) = response
                .headers()
                .get(HEADER_SESSION_ID)
                .and_then(|v| v.to_str().ok())
            {
                state
                    .mcp_session_owners
                    .record(opened, caller_session)
                    .await;
            }
        }
        Some(id) if method == Method::DELETE && response.status().is_success() => {
            state.mcp_session_owners.forget(&id).await;
        }
        Some(_) => {}
    }
    response
}

/// Refuses a message whose numeric id could only be answered changed (see
/// [`is_exact_id`]), as direct mode does; rmcp would answer it 415. The body is read here
/// (within the body limit) and handed on unchanged.
async fn refuse_inexact_id(state: &AppState, req: Request) -> Result<Request, Response> {
    #[derive(serde::Deserialize)]
    struct Envelope {
        #[serde(default)]
        id: Option<serde_json::Value>,
    }
    if req.method() != Method::POST {
        return Ok(req);
    }
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, state.settings.body_limit_bytes)
        .await
        .map_err(|_| ApiError::for_status(StatusCode::PAYLOAD_TOO_LARGE).into_response())?;
    if let Ok(Envelope { id: Some(id) }) = serde_json::from_slice::<Envelope>(&bytes)
        && !is_exact_id(&id)
    {
        return Err(inexact_id().into_response());
    }
    Ok(Request::from_parts(parts, axum::body::Body::from(bytes)))
}

/// The session of a Bearer token, or — for platforms that can only send static headers — the
/// session implicitly opened (or reused) for `X-API-Key` + `X-Caller-Id`. Opening one counts
/// against the client's sessions per minute like `POST /mcp/auth/session`; a refused key
/// counts against its failed authentications.
async fn caller_session(
    state: &AppState,
    headers: &HeaderMap,
    ip: IpAddr,
) -> Result<ActiveSession, ApiError> {
    if let Some(token) = bearer(headers) {
        return session_for_token_cached(state, token).await;
    }
    let caller_id = headers
        .get("x-caller-id")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty());
    let has_key = headers.contains_key("x-api-key");
    let Some(caller_id) = caller_id else {
        return Err(if has_key {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "MISSING_CALLER_ID",
                "send X-Caller-Id with X-API-Key, or a Bearer session token",
            )
        } else {
            missing_token()
        });
    };
    let key = verified_mcp_key(state, headers, ip).await?;
    if let Some(token) = state.implicit_sessions.token(key.company_id, caller_id)
        && let Ok(active) = session_for_token(state, &token).await
    {
        return Ok(active);
    }
    state.limits.check_session_creation(ip).await?;
    let ttl = jiff::SignedDuration::try_from(state.settings.session_ttl)
        .unwrap_or(jiff::SignedDuration::from_secs(600));
    let opened = state
        .engine
        .open_session(&key, caller_id, ttl)
        .await
        .map_err(|e| match e {
            EngineError::InvalidPhone(message) => {
                ApiError::new(StatusCode::BAD_REQUEST, "INVALID_CALLER_ID", message)
            }
            other => other.into(),
        })?;
    state
        .implicit_sessions
        .remember(key.company_id, caller_id, opened.token.clone());
    session_for_token(state, &opened.token).await
}
