//! Prometheus metrics of this instance at `GET /metrics` (text format 0.0.4), rendered into
//! the app's own route: no listener of its own. Scrape every instance; each reports its own
//! counts (the `instance` label comes from the scrape target).
//!
//! | metric | labels | what |
//! |---|---|---|
//! | `frontdesk_http_requests_total` | `surface`, `status` | requests answered |
//! | `frontdesk_http_request_duration_seconds` | `surface` | time to the response head (an SSE stream counts until it opens) |
//! | `frontdesk_tool_calls_total` | `tool`, `outcome` (`ok`, `invalid`, `refused`) | tool calls, whatever the surface (MCP, Retell, Vapi) |
//! | `frontdesk_tool_call_duration_seconds` | `tool` | their duration |
//! | `frontdesk_bookings_total` | `outcome` (`confirmed`, `refused`), `rule` | booking attempts; `rule` is the refusal's code (`SLOT_FULL`, `QUOTA_REACHED`, …), `none` when confirmed |
//! | `frontdesk_rate_limit_rejections_total` | `limit` (`sessions`, `messages`, `sse_streams`, `gateway`) | requests refused with 429 |
//! | `frontdesk_sse_streams_open` | | legacy SSE streams held by this instance |
//! | `frontdesk_db_pool_connections` | `state` (`idle`, `in_use`) | PostgreSQL pool use (absent on SQLite) |
//! | `frontdesk_db_pool_max_connections` | | the pool's size |
//! | `frontdesk_redis_round_trips_total` | `op`, `outcome` (`ok`, `error`, `skipped`) | Redis round trips (`skipped`: Redis was marked down) |
//! | `frontdesk_redis_round_trip_seconds` | `op` | their duration |
//! | `frontdesk_redis_fallbacks_total` | `what` | uses of this instance's own state because Redis could not be reached |
//! | `frontdesk_redis_up` | | 1 while Redis answers |

use crate::state::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// Latency buckets, in seconds: a tool call is dead air on a phone line, so the low end is fine.
const BUCKETS: [f64; 14] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];
/// Histogram samples are folded into their buckets at least every this many requests, so
/// memory stays bounded when nobody scrapes.
const UPKEEP_EVERY: u64 = 4096;

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
static REQUESTS: AtomicU64 = AtomicU64::new(0);

/// The process's recorder, installed on first use; `None` if another recorder was installed
/// first (then `/metrics` is empty).
pub fn handle() -> Option<&'static PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), &BUCKETS)
                .ok()?
                .build_recorder();
            let handle = recorder.handle();
            metrics::set_global_recorder(recorder).ok()?;
            Some(handle)
        })
        .as_ref()
}

/// Prometheus metrics of this instance
#[utoipa::path(
    get,
    path = "/metrics",
    operation_id = "metrics",
    tag = "operations",
    description = "This instance's counters, gauges and histograms in the Prometheus text format \
        (0.0.4): requests and latency per surface, tool calls, bookings by outcome and rule, \
        rate-limit rejections, open SSE streams, database pool use, Redis round trips.",
    responses((status = 200, description = "The metrics", body = String, content_type = "text/plain")),
)]
pub async fn get(State(state): State<AppState>) -> Response {
    if let Some(pool) = state.engine.pool_usage() {
        metrics::gauge!("frontdesk_db_pool_connections", "state" => "idle")
            .set(f64::from(pool.idle));
        metrics::gauge!("frontdesk_db_pool_connections", "state" => "in_use")
            .set(f64::from(pool.open.saturating_sub(pool.idle)));
        metrics::gauge!("frontdesk_db_pool_max_connections").set(f64::from(pool.max));
    }
    // The outbox as the database holds it (the same on every instance): two cheap queries,
    // the per-status count and the oldest due message still to send.
    match state.engine.message_stats().await {
        Ok(stats) => {
            for (status, count) in &stats.by_status {
                metrics::gauge!("frontdesk_messages", "status" => status.as_str())
                    .set(*count as f64);
            }
            let age = stats.oldest_due.map_or(0.0, |due| {
                (state.engine.now().as_second() - due.as_second()).max(0) as f64
            });
            metrics::gauge!("frontdesk_messages_oldest_due_age_seconds").set(age);
        }
        Err(e) => tracing::debug!(error = %e, "message counts not read for /metrics"),
    }
    match state.engine.waitlist_counts().await {
        Ok(counts) => {
            for (status, count) in counts {
                metrics::gauge!("frontdesk_waitlist_entries", "status" => status.as_str())
                    .set(count as f64);
            }
        }
        Err(e) => tracing::debug!(error = %e, "waitlist counts not read for /metrics"),
    }
    let body = handle().map(PrometheusHandle::render).unwrap_or_default();
    let mut response = body.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    response
}

/// Counts and times every request by surface.
pub async fn track(req: Request, next: Next) -> Response {
    let path = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| req.uri().path().to_string(), |p| p.as_str().to_string());
    let surface = surface_of(&path);
    let started = Instant::now();
    let response = next.run(req).await;
    metrics::histogram!("frontdesk_http_request_duration_seconds", "surface" => surface)
        .record(started.elapsed().as_secs_f64());
    metrics::counter!(
        "frontdesk_http_requests_total",
        "surface" => surface,
        "status" => response.status().as_str().to_string()
    )
    .increment(1);
    if REQUESTS.fetch_add(1, Ordering::Relaxed) % UPKEEP_EVERY == UPKEEP_EVERY - 1
        && let Some(handle) = handle()
    {
        handle.run_upkeep();
    }
    response
}

/// The surface a path belongs to (a fixed, small set of label values).
fn surface_of(path: &str) -> &'static str {
    match path {
        "/mcp" => "mcp_streamable",
        "/mcp/sse" | "/mcp/messages" | "/mcp/messages/" => "mcp_sse",
        "/mcp/health" | "/healthz" | "/readyz" | "/api/mcp/health" => "health",
        "/metrics" | "/openapi.json" => "operations",
        "/api/mcp/gateway" => "gateway",
        "/api/vapi/tool-calls" => "vapi",
        "/api/sms/twilio/status" => "sms",
        "/ical/{feed}" => "calendar",
        p if p.starts_with("/mcp/auth/") => "sessions",
        p if p.starts_with("/api/mcp/retell/") => "retell",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_has_a_surface() {
        assert_eq!(surface_of("/mcp"), "mcp_streamable");
        assert_eq!(surface_of("/mcp/messages/"), "mcp_sse");
        assert_eq!(surface_of("/mcp/auth/session"), "sessions");
        assert_eq!(surface_of("/api/mcp/retell/webhook"), "retell");
        assert_eq!(surface_of("/ical/{feed}"), "calendar");
        assert_eq!(surface_of("/nope"), "other");
    }
}
