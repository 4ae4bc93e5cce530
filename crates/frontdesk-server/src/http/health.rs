//! `GET /healthz` (the process answers) and `GET /readyz` (the database answers too).

use crate::error::ApiError;
use crate::openapi::{lit_ok, lit_ready};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

/// Liveness: the process answers
#[utoipa::path(
    get,
    path = "/healthz",
    operation_id = "healthz",
    tag = "operations",
    responses((status = 200, description = "The process answers", body = Healthz)),
)]
pub async fn healthz() -> Json<Healthz> {
    Json(Healthz {
        status: "ok".into(),
    })
}

/// Readiness: the database answers too
#[utoipa::path(
    get,
    path = "/readyz",
    operation_id = "readyz",
    tag = "operations",
    responses(
        (status = 200, description = "Ready", body = Readyz),
        (status = 500, description = "`INTERNAL_ERROR`: a fault", body = crate::openapi::ErrorBody),
        (status = 503, description = "`TEMPORARILY_UNAVAILABLE`: the database cannot be reached",
            body = crate::openapi::ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait before retrying"))),
    ),
)]
pub async fn readyz(State(state): State<AppState>) -> Result<Json<Readyz>, ApiError> {
    state.engine.ready().await?;
    Ok(Json(Readyz {
        status: "ready".into(),
        database: "ok".into(),
    }))
}

/// `GET /healthz`: the process answers.
#[derive(Serialize, ToSchema)]
pub struct Healthz {
    #[schema(schema_with = lit_ok)]
    pub status: String,
}

/// `GET /readyz`: the database answers too.
#[derive(Serialize, ToSchema)]
pub struct Readyz {
    #[schema(schema_with = lit_ready)]
    pub status: String,
    #[schema(schema_with = lit_ok)]
    pub database: String,
}
