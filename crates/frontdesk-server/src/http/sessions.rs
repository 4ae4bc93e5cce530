//! Caller sessions, as the integration guide documents them:
//! `POST /mcp/auth/session`, `GET /mcp/auth/validate`, `POST /mcp/auth/logout`, `GET /mcp/health`.

use crate::auth::{
    ClientIp, SessionAuth, bearer, invalid_session, missing_token, session_for_token,
    verified_mcp_key,
};
use crate::error::ApiError;
use crate::openapi::{
    lit_false, lit_healthy, lit_mcp_server, lit_true, lit_unavailable, lit_unhealthy, session_codes,
};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use frontdesk_engine::EngineError;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

/// `POST /mcp/auth/session` with `X-API-Key` and `{"caller_id": "+5511999999999"}`.
#[utoipa::path(
    post,
    path = "/mcp/auth/session",
    operation_id = "createSession",
    tag = "sessions",
    summary = "Open a caller session",
    description = "One session per phone call: the key decides the company, `caller_id` the caller \
        (normalised to E.164 in the company's region). A caller the company does not know still gets \
        a session (`name` null, `member_ids` empty).",
    request_body(content = crate::openapi::SessionRequest, content_type = "application/json"),
    security(("mcp_api_key" = [])),
    responses(
        (status = 200, description = "The session", body = SessionCreated),
        (status = 400, description = "`MISSING_CALLER_ID`, `INVALID_CALLER_ID` or `INVALID_JSON`", body = crate::openapi::ErrorBody),
        (status = 401, description = "`INVALID_API_KEY`: `X-API-Key` missing, unknown, revoked or not an MCP key", body = crate::openapi::ErrorBody),
        (status = 413, description = "`PAYLOAD_TOO_LARGE`: body over the configured limit", body = crate::openapi::ErrorBody),
        (status = 415, description = "`UNSUPPORTED_MEDIA_TYPE`: the body is not `application/json`", body = crate::openapi::ErrorBody),
        (status = 429, description = "`RATE_LIMITED`: too many sessions opened from this address (`/mcp` with `X-API-Key` counts too), or too many refused API keys from it", body = crate::openapi::ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait before retrying"))),
        (status = 500, description = "`INTERNAL_ERROR`: a fault", body = crate::openapi::ErrorBody),
        (status = 503, description = "`TEMPORARILY_UNAVAILABLE`: the database cannot be reached", body = crate::openapi::ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait before retrying"))),
    ),
)]
pub async fn create(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<SessionCreated>, ApiError> {
    let key = verified_mcp_key(&state, &headers, ip).await?;
    state.limits.check_session_creation(ip).await?;
    let caller_id = caller_id_from(&headers, &body)?;
    let ttl = jiff::SignedDuration::try_from(state.settings.session_ttl)
        .unwrap_or(jiff::SignedDuration::from_secs(600));
    let opened = state
        .engine
        .open_session(&key, &caller_id, ttl)
        .await
        .map_err(|e| match e {
            EngineError::InvalidPhone(message) => {
                ApiError::new(StatusCode::BAD_REQUEST, "INVALID_CALLER_ID", message)
            }
            other => other.into(),
        })?;
    tracing::info!(
        company_id = key.company_id,
        session_id = opened.session.id,
        known = opened.caller.customer_id.is_some(),
        "caller session opened"
    );
    Ok(Json(SessionCreated {
        session_token: opened.token,
        expires_in: state.settings.session_ttl.as_secs(),
        user: opened.user.into(),
    }))
}

/// The `caller_id` of a JSON body: a string, or a number as some platforms send it.
fn caller_id_from(headers: &HeaderMap, body: &Bytes) -> Result<String, ApiError> {
    let missing = || {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "MISSING_CALLER_ID",
            "caller_id not provided: send {\"caller_id\": \"+5511999999999\"}",
        )
    };
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(missing());
    }
    require_json(headers)?;
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "INVALID_JSON",
            format!("the body is not valid JSON: {e}"),
        )
    })?;
    match value.get("caller_id") {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.trim().to_string()),
        Some(Value::Number(n)) => Ok(n.to_string()),
        Some(Value::Null) | None => Err(missing()),
        Some(Value::String(_)) => Err(missing()),
        Some(_) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "INVALID_CALLER_ID",
            "caller_id must be a phone number string such as \"+5511999999999\"",
        )),
    }
}

/// Refuses a body sent as something other than JSON.
pub fn require_json(headers: &HeaderMap) -> Result<(), ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
    {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            "send the body as application/json",
        ))
    }
}

/// `GET /mcp/auth/validate`: `{"valid": true, "user": …}` or 401 `{"valid": false, …}`.
#[utoipa::path(
    get,
    path = "/mcp/auth/validate",
    operation_id = "validateSession",
    tag = "sessions",
    summary = "Check a session token",
    description = "The user is read fresh: a caller who registered during the call now has their name and members.",
    security(("session_token" = [])),
    responses(
        (status = 200, description = "A live session", body = SessionValid),
        (status = 401, description = "`MISSING_TOKEN` or `INVALID_SESSION`", body = SessionInvalid),
        (status = 500, description = "`INTERNAL_ERROR`: a fault", body = crate::openapi::ErrorBody),
        (status = 503, description = "`TEMPORARILY_UNAVAILABLE`: the database cannot be reached", body = crate::openapi::ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait before retrying"))),
    ),
)]
pub async fn validate(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let invalid = |e: ApiError| {
        (
            e.status,
            Json(SessionInvalid {
                valid: false,
                error: e.message,
                code: e.code.to_string(),
            }),
        )
            .into_response()
    };
    let Some(token) = bearer(&headers) else {
        return invalid(missing_token());
    };
    let active = match session_for_token(&state, token).await {
        Ok(a) => a,
        Err(e) if e.code == "INVALID_SESSION" => return invalid(invalid_session()),
        Err(e) => return e.into_response(),
    };
    match state.engine.session_user(&active).await {
        Ok(user) => Json(SessionValid {
            valid: true,
            user: user.into(),
        })
        .into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// `POST /mcp/auth/logout`: ends the session everywhere, closing its SSE stream.
#[utoipa::path(
    post,
    path = "/mcp/auth/logout",
    operation_id = "logout",
    tag = "sessions",
    summary = "End a session",
    description = "The token is refused from then on, everywhere, and an open SSE stream of the session ends at once.",
    security(("session_token" = [])),
    responses(
        (status = 200, description = "Logged out", body = LogoutResult),
        (status = 401, description = "`MISSING_TOKEN` or `INVALID_SESSION` (a second logout too)", body = crate::openapi::ErrorBody),
        (status = 500, description = "`INTERNAL_ERROR`: a fault", body = crate::openapi::ErrorBody),
        (status = 503, description = "`TEMPORARILY_UNAVAILABLE`: the database cannot be reached", body = crate::openapi::ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait before retrying"))),
    ),
)]
pub async fn logout(
    State(state): State<AppState>,
    SessionAuth(active): SessionAuth,
) -> Result<Json<LogoutResult>, ApiError> {
    state
        .engine
        .close_session(&active)
        .await
        .map_err(|e| match e {
            EngineError::NotFound { .. } => invalid_session(),
            other => other.into(),
        })?;
    // Heard by every instance before the caller is told the session has ended.
    if let (Some(revocations), Some(redis)) = (&state.cluster.revocations, &state.cluster.redis)
        && let Err(e) = revocations.publish(&active.token_hash).await
    {
        // Other instances stop trusting their caches once they lose Redis too; until then
        // they may accept this token for at most the session cache's time to live.
        redis.warn_fallback("logout broadcast", &e);
    }
    state.streams.end_session(active.session.id);
    if let Some(shared) = &state.cluster.streams
        && let Err(e) = shared.end_session(active.session.id).await
    {
        // The stream (on another instance) ends at the latest when the session would have
        // expired, and its messages are refused from now on: the token is invalid.
        shared.redis().warn_fallback("SSE stream end on logout", &e);
    }
    tracing::info!(session_id = active.session.id, "caller session closed");
    Ok(Json(LogoutResult { success: true }))
}

/// `GET /mcp/health`: no authentication; the number of live sessions.
#[utoipa::path(
    get,
    path = "/mcp/health",
    operation_id = "mcpHealth",
    tag = "sessions",
    summary = "The MCP server's health",
    responses(
        (status = 200, description = "Healthy", body = McpHealth),
        (status = 503, description = "The database cannot be reached", body = McpUnhealthy),
    ),
)]
pub async fn health(State(state): State<AppState>) -> Response {
    match state.engine.active_session_count().await {
        Ok(n) => Json(McpHealth {
            status: "healthy".into(),
            service: "mcp-server".into(),
            active_sessions: u64::try_from(n).unwrap_or(0),
            instance_id: state.cluster.instance_id.to_string(),
        })
        .into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "mcp health: database unavailable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(McpUnhealthy {
                    status: "unhealthy".into(),
                    service: "mcp-server".into(),
                    error: "database unavailable".into(),
                    code: "TEMPORARILY_UNAVAILABLE".into(),
                    instance_id: state.cluster.instance_id.to_string(),
                }),
            )
                .into_response()
        }
    }
}

// ---- what these endpoints answer (their OpenAPI schemas) -----------------------------

/// The caller as the integration guide shows them.
#[derive(Serialize, ToSchema)]
pub struct SessionUser {
    /// E.164.
    pub phone: String,
    /// Null for a caller the company does not know.
    #[schema(required = true)]
    pub name: Option<String>,
    /// A known customer with a linked account.
    pub has_beyond_token: bool,
    pub member_ids: Vec<i64>,
}

impl From<frontdesk_engine::sessions::SessionUser> for SessionUser {
    fn from(u: frontdesk_engine::sessions::SessionUser) -> Self {
        SessionUser {
            phone: u.phone,
            name: u.name,
            has_beyond_token: u.has_beyond_token,
            member_ids: u.member_ids,
        }
    }
}

/// A new caller session.
#[derive(Serialize, ToSchema)]
pub struct SessionCreated {
    /// `sess_` and 48 random alphanumerics; shown once.
    #[schema(pattern = "^sess_[A-Za-z0-9]+$")]
    pub session_token: String,
    /// Seconds the token is valid.
    pub expires_in: u64,
    pub user: SessionUser,
}

/// `GET /mcp/auth/validate` of a live session: the user read fresh.
#[derive(Serialize, ToSchema)]
pub struct SessionValid {
    #[schema(schema_with = lit_true)]
    pub valid: bool,
    pub user: SessionUser,
}

/// `GET /mcp/auth/validate` without a live session.
#[derive(Serialize, ToSchema)]
pub struct SessionInvalid {
    #[schema(schema_with = lit_false)]
    pub valid: bool,
    pub error: String,
    #[schema(schema_with = session_codes)]
    pub code: String,
}

/// `POST /mcp/auth/logout`.
#[derive(Serialize, ToSchema)]
pub struct LogoutResult {
    #[schema(schema_with = lit_true)]
    pub success: bool,
}

/// `GET /mcp/health`.
#[derive(Serialize, ToSchema)]
pub struct McpHealth {
    #[schema(schema_with = lit_healthy)]
    pub status: String,
    #[schema(schema_with = lit_mcp_server)]
    pub service: String,
    /// Sessions neither expired nor logged out, on every instance (they are in the database).
    pub active_sessions: u64,
    /// The instance that answered (`FRONTDESK_INSTANCE_ID`).
    pub instance_id: String,
}

/// `GET /mcp/health` when the database cannot be reached.
#[derive(Serialize, ToSchema)]
pub struct McpUnhealthy {
    #[schema(schema_with = lit_unhealthy)]
    pub status: String,
    #[schema(schema_with = lit_mcp_server)]
    pub service: String,
    pub error: String,
    #[schema(schema_with = lit_unavailable)]
    pub code: String,
    /// The instance that answered (`FRONTDESK_INSTANCE_ID`).
    pub instance_id: String,
}
