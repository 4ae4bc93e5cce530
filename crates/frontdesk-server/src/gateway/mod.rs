//! The AskProAI MCP gateway: `POST /api/mcp/gateway` (JSON-RPC 2.0, `server.method`) and
//! `GET /api/mcp/health`.
//!
//! One job per file: [`dispatch`] is the JSON-RPC envelope (authentication, batches,
//! notifications, error codes, the company check, rate-limit headers) and routes each call to
//! its server: [`appointments`] (`appointment_mgmt.*`), [`webhook`] (`webhook.*`) and
//! [`retell_config`] (`retell_config.*`, Retell agent configuration). [`params`] reads
//! parameters, [`crate::rate_limit`]
//! holds the per-company limits, [`health`] probes what every server depends on, [`error`]
//! maps everything to JSON-RPC error objects. The servers are thin adapters over the engine.

pub mod appointments;
pub mod dispatch;
pub mod error;
pub mod health;
pub mod params;
pub mod retell_config;
pub mod webhook;

use crate::rate_limit::GatewayLimits;
use crate::settings::ServerSettings;
use crate::state::AppState;
use error::GatewayError;
use frontdesk_engine::Engine;
use frontdesk_store::Company;
use health::Probe;
use params::Params;
use retell_config::RetellContext;
use serde_json::Value;

/// What the gateway keeps between requests.
pub struct GatewayState {
    pub limits: GatewayLimits,
    /// `retell_config`'s context: the one Retell client of the app (its circuit breaker and
    /// probe cache are shared by the methods and the health check); `Err` says why the
    /// configured Retell base URL is unusable.
    pub retell: Result<RetellContext, String>,
}

impl GatewayState {
    pub fn new(engine: &Engine, settings: &ServerSettings) -> Self {
        let retell =
            RetellContext::from_settings(engine.clone(), settings).map_err(|e| e.to_string());
        if let Err(e) = &retell {
            tracing::warn!(error = %e, "the Retell API client is not usable");
        }
        GatewayState {
            limits: GatewayLimits::new(
                settings.gateway_requests_per_minute,
                settings.gateway_webhook_requests_per_minute,
                settings.gateway_test_requests_per_minute,
            ),
            retell,
        }
    }
}

/// `retell_config.*`, served by [`retell_config::call`] once the company check and the rate
/// limits have run.
async fn retell_config_call(
    state: &AppState,
    company: &Company,
    method: &str,
    params: &Params,
) -> Result<Value, GatewayError> {
    let ctx = state.gateway.retell.as_ref().map_err(|e| {
        GatewayError::server(
            "RETELL_NOT_CONFIGURED",
            format!("the Retell API client is not configured: {e}"),
        )
    })?;
    retell_config::call(ctx, company, method, Value::Object(params.0.clone())).await
}

/// The `retell_config` server's health is the Retell API's: a request without a key (401
/// proves it answers) with the client's short probe timeout, cached for 30 s so health
/// checks do not hammer Retell. An open circuit (real calls failing fast) is unhealthy too.
/// While no company is connected to Retell (no key, or only the demo's made-up keys) nothing
/// is probed: `not_configured`.
async fn retell_api_probe(state: &AppState) -> Probe {
    let ctx = match &state.gateway.retell {
        Ok(ctx) => ctx,
        Err(e) => {
            return Probe {
                healthy: false,
                response_time_ms: 0,
                error: Some(e.clone()),
                not_configured: None,
            };
        }
    };
    if !ctx.connected().await {
        return Probe::not_configured(
            "no company has a Retell API key (the demo's key_demo_… keys do not count): \
             frontdesk company set SLUG --retell-api-key KEY",
        );
    }
    let probe = ctx.probe().await;
    let circuit_open = ctx.client.circuit_open();
    Probe {
        healthy: probe.healthy && !circuit_open,
        response_time_ms: probe.response_time_ms,
        error: if circuit_open {
            Some(format!(
                "Retell API calls to {} are failing: circuit open",
                ctx.client_base
            ))
        } else {
            probe.error
        },
        not_configured: None,
    }
}
