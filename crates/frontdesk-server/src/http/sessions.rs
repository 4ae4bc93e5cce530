//! Caller sessions, as the integration guide documents them:
//! `POST /mcp/auth/session`, `GET /mcp/auth/validate`, `POST /mcp/auth/logout`, `GET /mcp/health`.

use crate::auth::{
    ClientIp, SessionAuth, bearer, invalid_session, mcp_key, missing_token, session_for_token,
};
use crate::error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use frontdesk_engine::EngineError;
use serde_json::{Value, json};

/// `POST /mcp/auth/session` with `X-API-Key` and `{"caller_id": "+5511999999999"}`.
pub async fn create(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    state.limits.check_session_creation(ip)?;
    let key = mcp_key(&state, &headers).await?;
    let caller_id = caller_id_from(&headers, &body)?;
    let ttl = jiff::SignedDuration::try_from(state.settings.session_ttl)
        .unwrap_or(jiff::SignedDuration::from_secs(600));
    let opened = state
        .engine
        .open_session(key.company_id, &caller_id, ttl)
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
    Ok(Json(json!({
        "session_token": opened.token,
        "expires_in": state.settings.session_ttl.as_secs(),
        "user": opened.user,
    })))
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
pub async fn validate(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let invalid = |e: ApiError| {
        (
            e.status,
            Json(json!({ "valid": false, "error": e.message, "code": e.code })),
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
        Ok(user) => Json(json!({ "valid": true, "user": user })).into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// `POST /mcp/auth/logout`: ends the session everywhere, closing its SSE stream.
pub async fn logout(
    State(state): State<AppState>,
    SessionAuth(active): SessionAuth,
) -> Result<Json<Value>, ApiError> {
    state
        .engine
        .close_session(&active)
        .await
        .map_err(|e| match e {
            EngineError::NotFound { .. } => invalid_session(),
            other => other.into(),
        })?;
    state.streams.end_session(active.session.id);
    tracing::info!(session_id = active.session.id, "caller session closed");
    Ok(Json(json!({ "success": true })))
}

/// `GET /mcp/health`: no authentication; the number of live sessions.
pub async fn health(State(state): State<AppState>) -> Response {
    match state.engine.active_session_count().await {
        Ok(n) => {
            Json(json!({ "status": "healthy", "service": "mcp-server", "active_sessions": n }))
                .into_response()
        }
        Err(e) => {
            tracing::warn!(error = %e, "mcp health: database unavailable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "unhealthy", "service": "mcp-server", "error": "database unavailable", "code": "TEMPORARILY_UNAVAILABLE" })),
            )
                .into_response()
        }
    }
}
