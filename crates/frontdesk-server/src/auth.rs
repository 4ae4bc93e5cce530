//! Who is calling, as extractors: a caller session from `Authorization: Bearer sess_…`, a
//! company from `X-API-Key`, and the client's IP. A handler that needs one says so in its
//! signature; a request without it is refused before the handler runs.

use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use frontdesk_domain::ApiKeyKind;
use frontdesk_engine::EngineError;
use frontdesk_engine::sessions::ActiveSession;
use frontdesk_store::ApiKey;
use std::net::{IpAddr, SocketAddr};

pub fn missing_token() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "MISSING_TOKEN",
        "Authorization header missing: send Authorization: Bearer <session_token>",
    )
}

pub fn invalid_session() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "INVALID_SESSION",
        "Invalid or expired session",
    )
}

pub fn invalid_api_key() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "INVALID_API_KEY",
        "API key invalid or missing",
    )
}

/// The token of an `Authorization: Bearer …` header.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .trim();
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// A live caller session.
pub struct SessionAuth(pub ActiveSession);

impl FromRequestParts<AppState> for SessionAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer(&parts.headers).ok_or_else(missing_token)?;
        session_for_token(state, token).await.map(SessionAuth)
    }
}

pub async fn session_for_token(state: &AppState, token: &str) -> Result<ActiveSession, ApiError> {
    state.engine.session(token).await.map_err(session_error)
}

/// [`session_for_token`] for the Streamable HTTP hot path: the session may come from the
/// engine's short-lived cache (a logout on this instance is still refused at once).
pub async fn session_for_token_cached(
    state: &AppState,
    token: &str,
) -> Result<ActiveSession, ApiError> {
    state
        .engine
        .session_cached(token)
        .await
        .map_err(session_error)
}

fn session_error(e: EngineError) -> ApiError {
    match e {
        EngineError::NotFound { .. } => invalid_session(),
        other => other.into(),
    }
}

/// The company's active MCP key from `X-API-Key`.
pub async fn mcp_key(state: &AppState, headers: &HeaderMap) -> Result<ApiKey, ApiError> {
    let secret = headers
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(invalid_api_key)?;
    state
        .engine
        .verify_api_key(secret, ApiKeyKind::Mcp)
        .await
        .map_err(|e| match e {
            EngineError::NotFound { .. } => invalid_api_key(),
            other => other.into(),
        })
}

/// [`mcp_key`], counting a refused key against `ip`'s allowance of failed authentications
/// (its own bucket: a burst of bad keys does not use up the sessions good keys may open).
/// Past that allowance the answer is 429 instead of 401.
pub async fn verified_mcp_key(
    state: &AppState,
    headers: &HeaderMap,
    ip: IpAddr,
) -> Result<ApiKey, ApiError> {
    match mcp_key(state, headers).await {
        Err(e) if e.code == "INVALID_API_KEY" => {
            state.limits.check_failed_auth(ip).await?;
            Err(e)
        }
        other => other,
    }
}

/// The client's IP: the connection's peer, or the first `X-Forwarded-For` hop when the
/// server is configured to sit behind a proxy that sets it.
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if state.settings.trust_forwarded_for
            && let Some(ip) = parts
                .headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .and_then(|v| v.trim().parse().ok())
        {
            return Ok(ClientIp(ip));
        }
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        Ok(ClientIp(peer.unwrap_or(IpAddr::from([0, 0, 0, 0]))))
    }
}

/// Refuses a browser `Origin` that is not configured (DNS rebinding and cross-site calls).
pub fn check_origin(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let allowed = &state.settings.mcp_allowed_origins;
    let Some(origin) = headers.get(axum::http::header::ORIGIN) else {
        return Ok(());
    };
    if allowed.is_empty() {
        return Ok(());
    }
    let origin = origin.to_str().unwrap_or("").trim_end_matches('/');
    if allowed
        .iter()
        .any(|a| a == "*" || a.trim_end_matches('/').eq_ignore_ascii_case(origin))
    {
        return Ok(());
    }
    Err(ApiError::new(
        StatusCode::FORBIDDEN,
        "ORIGIN_NOT_ALLOWED",
        "this Origin may not call the MCP server",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_tokens_are_read_case_insensitively_and_trimmed() {
        let mut h = HeaderMap::new();
        assert_eq!(bearer(&h), None);
        h.insert(
            "authorization",
            "bearer  sess_abc ".parse().expect("header"),
        );
        assert_eq!(bearer(&h), Some("sess_abc"));
        h.insert("authorization", "Basic dXNlcg==".parse().expect("header"));
        assert_eq!(bearer(&h), None);
        h.insert("authorization", "Bearer".parse().expect("header"));
        assert_eq!(bearer(&h), None);
    }
}
