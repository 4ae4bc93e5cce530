//! The error body every REST endpoint answers with: `{"error": "...", "code": "..."}`.
//!
//! Client mistakes get their message; faults are logged with their cause and the client
//! sees only a generic message and a stable code.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use frontdesk_engine::EngineError;

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// Seconds for a `Retry-After` header (rate limits, unavailability).
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        let retry_after = (status == StatusCode::SERVICE_UNAVAILABLE).then_some(5);
        ApiError {
            status,
            code,
            message: message.into(),
            retry_after,
        }
    }

    pub fn with_retry_after(mut self, secs: u64) -> Self {
        self.retry_after = Some(secs);
        self
    }

    /// The error a bare status gets when nothing more specific produced one.
    pub fn for_status(status: StatusCode) -> Self {
        let (code, message) = match status {
            StatusCode::NOT_FOUND => ("NOT_FOUND", "no such endpoint"),
            StatusCode::UNAUTHORIZED => ("UNAUTHORIZED", "authentication required"),
            StatusCode::FORBIDDEN => ("FORBIDDEN", "this request is not allowed"),
            StatusCode::NOT_ACCEPTABLE => (
                "NOT_ACCEPTABLE",
                "send Accept: application/json, text/event-stream",
            ),
            StatusCode::CONFLICT => ("CONFLICT", "the request conflicts with the current state"),
            StatusCode::METHOD_NOT_ALLOWED => (
                "METHOD_NOT_ALLOWED",
                "this endpoint does not accept that method",
            ),
            StatusCode::REQUEST_TIMEOUT => ("REQUEST_TIMEOUT", "the request took too long"),
            StatusCode::PAYLOAD_TOO_LARGE => ("PAYLOAD_TOO_LARGE", "the request body is too large"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => (
                "UNSUPPORTED_MEDIA_TYPE",
                "send the body as application/json",
            ),
            StatusCode::UNPROCESSABLE_ENTITY => (
                "INVALID_BODY",
                "the JSON body does not have the expected fields",
            ),
            StatusCode::SERVICE_UNAVAILABLE => (
                "TEMPORARILY_UNAVAILABLE",
                "the service is temporarily unavailable",
            ),
            s if s.is_client_error() => ("BAD_REQUEST", "the request is not valid"),
            _ => ("INTERNAL_ERROR", "internal server error"),
        };
        ApiError::new(status, code, message)
    }
}

impl From<EngineError> for ApiError {
    fn from(e: EngineError) -> Self {
        let status = match &e {
            EngineError::NotFound { .. } => StatusCode::NOT_FOUND,
            EngineError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            EngineError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            EngineError::UnknownCaller => StatusCode::FORBIDDEN,
            EngineError::SlotFull { .. } | EngineError::QuotaReached { .. } => StatusCode::CONFLICT,
            _ => StatusCode::BAD_REQUEST,
        };
        if !e.is_client_error() {
            tracing::error!(error = ?e, "request failed");
        }
        ApiError::new(status, e.code(), e.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = crate::openapi::ErrorBody {
            error: self.message,
            code: self.code.to_string(),
        };
        let mut response = (self.status, axum::Json(body)).into_response();
        if let Some(secs) = self.retry_after
            && let Ok(value) = HeaderValue::from_str(&secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}
