//! `GET /api/mcp/health`: the health of every internal server, each from a real probe of what
//! it depends on, timed. No authentication; nothing in it is about a company.
//!
//! | server | probe |
//! |---|---|
//! | `database` | the engine's readiness round trip (`SELECT 1`) |
//! | `appointment_mgmt` | a read of the bookings table, as `findAppointments` does |
//! | `webhook` | a read of the calls table, as `processRetellWebhook` does |
//! | `retell_custom` | a lookup of a branch by inbound number, as a custom function finds its company |
//! | `retell_config` | the Retell API, reached with a short timeout and cached for 30 s (so a busy health check does not hammer Retell) |
//!
//! A probe that fails or outlasts its timeout makes its server `unhealthy`, the gateway
//! `degraded` and the answer HTTP 503, so a load balancer takes the instance out.
//!
//! `retell_config` is `not_configured` (and not probed) while no company is connected to
//! Retell: no company has a Retell API key, or only keys `frontdesk demo` made up
//! (`key_demo_…`, which no Retell account has). Nothing depends on Retell then, so it does
//! not make the gateway degraded: a fresh demo is healthy.
//!
//! The answer also names the instance (`instance_id`) and, when several instances share a
//! Redis, its health (`redis`, a `PING` round trip) — which never makes the answer 503.

use crate::openapi::{GatewayHealth, GatewayServers, ServerProbe};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use frontdesk_engine::EngineError;
use std::future::Future;
use std::time::{Duration, Instant};

/// How long a database probe may take before it counts as down.
const DB_TIMEOUT: Duration = Duration::from_secs(2);

/// The outcome of one probe.
#[derive(Debug, Clone, PartialEq)]
pub struct Probe {
    pub healthy: bool,
    pub response_time_ms: u64,
    pub error: Option<String>,
    /// Why nothing was probed: the server has nothing to reach (`not_configured`, healthy).
    pub not_configured: Option<String>,
}

impl Probe {
    /// A server with nothing to probe: healthy, reported as `not_configured` with why.
    pub fn not_configured(why: impl Into<String>) -> Self {
        Probe {
            healthy: true,
            response_time_ms: 0,
            error: None,
            not_configured: Some(why.into()),
        }
    }

    fn answer(&self) -> ServerProbe {
        let status = match (&self.not_configured, self.healthy) {
            (Some(_), _) => "not_configured",
            (None, true) => "healthy",
            (None, false) => "unhealthy",
        };
        ServerProbe {
            status: status.into(),
            response_time_ms: self.response_time_ms,
            error: self.error.clone(),
            detail: self.not_configured.clone(),
        }
    }
}

/// The handler of `GET /api/mcp/health`.
#[utoipa::path(
    get,
    path = "/api/mcp/health",
    operation_id = "gatewayHealth",
    tag = "gateway",
    summary = "The gateway's health",
    description = "Each internal server's status from a real probe of what it depends on: the \
        database is queried, the Retell API probed with a short timeout (cached 30 s). While no \
        company has a real Retell API key (none, or only the demo's `key_demo_…`), \
        `retell_config` is `not_configured` and does not make the gateway degraded.",
    responses(
        (status = 200, description = "Every server healthy", body = crate::openapi::GatewayHealth),
        (status = 503, description = "Some server unhealthy: `gateway` is `degraded`", body = crate::openapi::GatewayHealth),
    ),
)]
pub async fn get(State(state): State<AppState>) -> Response {
    let engine = &state.engine;
    let (database, appointment_mgmt, webhook, retell_custom, retell_config) = tokio::join!(
        timed(async { engine.ready().await.map_err(|e| e.to_string()) }),
        timed(async { engine.probe_bookings().await.map_err(cause) }),
        timed(async { engine.probe_calls().await.map_err(cause) }),
        timed(async { engine.probe_branch_lookup().await.map_err(cause) }),
        super::retell_api_probe(&state),
    );
    let servers = [
        ("retell_config", &retell_config),
        ("retell_custom", &retell_custom),
        ("webhook", &webhook),
        ("appointment_mgmt", &appointment_mgmt),
        ("database", &database),
    ];
    let healthy = servers.iter().all(|(_, p)| p.healthy);
    for (name, probe) in servers.iter().filter(|(_, p)| !p.healthy) {
        tracing::warn!(
            server = name,
            error = probe.error.as_deref().unwrap_or(""),
            "gateway health: server unhealthy"
        );
    }
    // Redis is reported but does not make the answer 503: without it every instance still
    // serves (each on its own state), so a load balancer must not take them all out.
    let redis = match &state.cluster.redis {
        Some(redis) => Some(redis_probe(redis).await.answer()),
        None => None,
    };
    let body = GatewayHealth {
        gateway: if healthy { "healthy" } else { "degraded" }.into(),
        servers: GatewayServers {
            retell_config: retell_config.answer(),
            retell_custom: retell_custom.answer(),
            webhook: webhook.answer(),
            appointment_mgmt: appointment_mgmt.answer(),
            database: database.answer(),
        },
        timestamp: jiff::Timestamp::now()
            .strftime("%Y-%m-%dT%H:%M:%SZ")
            .to_string(),
        instance_id: state.cluster.instance_id.to_string(),
        redis,
    };
    let status = if healthy {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body)).into_response()
}

/// A `PING` round trip to the Redis the instances share.
async fn redis_probe(redis: &crate::cluster::redis::Redis) -> Probe {
    let started = Instant::now();
    match redis.ping().await {
        Ok(round_trip) => Probe {
            healthy: true,
            response_time_ms: round_trip.as_millis() as u64,
            error: None,
            not_configured: None,
        },
        Err(e) => {
            tracing::warn!(error = %e, "gateway health: Redis unavailable");
            Probe {
                healthy: false,
                response_time_ms: started.elapsed().as_millis() as u64,
                error: Some(
                    "Redis unavailable: rate limits and SSE streams are per instance".into(),
                ),
                not_configured: None,
            }
        }
    }
}

/// A failed probe's cause for the log, with the detail the error's message keeps back (the
/// store's own words, such as why the database is unavailable).
fn cause(e: EngineError) -> String {
    format!("{e:?}")
}

/// Runs a database probe with its timeout and measures it.
async fn timed(probe: impl Future<Output = Result<(), String>>) -> Probe {
    let started = Instant::now();
    let outcome = tokio::time::timeout(DB_TIMEOUT, probe).await;
    let response_time_ms = started.elapsed().as_millis() as u64;
    match outcome {
        Ok(Ok(())) => Probe {
            healthy: true,
            response_time_ms,
            error: None,
            not_configured: None,
        },
        Ok(Err(cause)) => {
            // The cause may name tables or hosts: the log gets it, the public answer does not.
            tracing::warn!(%cause, "gateway health: database probe failed");
            Probe {
                healthy: false,
                response_time_ms,
                error: Some("database unavailable".into()),
                not_configured: None,
            }
        }
        Err(_) => Probe {
            healthy: false,
            response_time_ms,
            error: Some(format!("no answer within {} ms", DB_TIMEOUT.as_millis())),
            not_configured: None,
        },
    }
}
