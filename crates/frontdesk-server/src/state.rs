//! What every handler can reach: the engine, the settings, the rate limiters, the registry
//! of open SSE streams, and the token that tells long-lived streams the server is stopping.

use crate::gateway::GatewayState;
use crate::limits::RateLimits;
use crate::mcp::hub::StreamHub;
use crate::mcp::implicit::ImplicitSessions;
use crate::settings::ServerSettings;
use frontdesk_engine::Engine;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

#[derive(Clone)]
pub struct AppState {
    pub engine: Engine,
    pub settings: Arc<ServerSettings>,
    pub limits: Arc<RateLimits>,
    pub streams: Arc<StreamHub>,
    pub implicit_sessions: Arc<ImplicitSessions>,
    /// The JSON-RPC gateway's per-company rate limits and its Retell context.
    pub gateway: Arc<GatewayState>,
    /// Cancelled when shutdown begins: open streams end so the drain can finish.
    pub shutdown: CancellationToken,
}

impl AppState {
    pub fn new(engine: Engine, settings: ServerSettings) -> Self {
        let limits = RateLimits::new(
            settings.sessions_per_ip_per_minute,
            settings.messages_per_session_per_minute,
        );
        let gateway = Arc::new(GatewayState::new(&engine, &settings));
        AppState {
            engine,
            gateway,
            settings: Arc::new(settings),
            limits: Arc::new(limits),
            streams: Arc::new(StreamHub::default()),
            implicit_sessions: Arc::new(ImplicitSessions::default()),
            shutdown: CancellationToken::new(),
        }
    }
}
