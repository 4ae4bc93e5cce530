//! `GET /healthz` (the process answers) and `GET /readyz` (the database answers too).

use crate::error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

pub async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

pub async fn readyz(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    state.engine.ready().await?;
    Ok(Json(json!({ "status": "ready", "database": "ok" })))
}
