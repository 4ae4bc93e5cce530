//! `GET /healthz` (the process answers) and `GET /readyz` (the database answers too).

use crate::error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

/// Liveness: the process answers
#[utoipa::path(
    get,
    path = "/healthz",
    operation_id = "healthz",
    tag = "operations",
    responses((status = 200, description = "The process answers", body = crate::openapi::Healthz)),
)]
pub async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// Readiness: the database answers too
#[utoipa::path(
    get,
    path = "/readyz",
    operation_id = "readyz",
    tag = "operations",
    responses(
        (status = 200, description = "Ready", body = crate::openapi::Readyz),
        (status = 500, description = "`INTERNAL_ERROR`: a fault", body = crate::openapi::ErrorBody),
        (status = 503, description = "`TEMPORARILY_UNAVAILABLE`: the database cannot be reached",
            body = crate::openapi::ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait before retrying"))),
    ),
)]
pub async fn readyz(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    state.engine.ready().await?;
    Ok(Json(json!({ "status": "ready", "database": "ok" })))
}
