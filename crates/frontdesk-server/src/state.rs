//! What every handler can reach: the engine, the settings, the rate limiters, the registry
//! of open SSE streams, the cluster (this instance's id and the Redis it shares), and the
//! token that tells long-lived streams the server is stopping.

use crate::cluster::Cluster;
use crate::gateway::GatewayState;
use crate::limits::RateLimits;
use crate::mcp::hub::StreamHub;
use crate::mcp::implicit::ImplicitSessions;
use crate::mcp::owners::SessionOwners;
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
    /// The caller session that opened each Streamable HTTP session.
    pub mcp_session_owners: Arc<SessionOwners>,
    /// The JSON-RPC gateway's per-company rate limits and its Retell context.
    pub gateway: Arc<GatewayState>,
    /// This instance and the Redis it shares with the others, if any.
    pub cluster: Arc<Cluster>,
    /// Cancelled when shutdown begins: open streams end so the drain can finish.
    pub shutdown: CancellationToken,
}

impl AppState {
    /// The state of an app; an unusable Redis URL is logged and the instance runs alone.
    pub fn new(engine: Engine, settings: ServerSettings) -> Self {
        let shutdown = CancellationToken::new();
        let cluster = Cluster::from_settings(&settings, &shutdown).unwrap_or_else(|e| {
            tracing::error!(error = %e, "Redis not used: this instance keeps its state to itself");
            Cluster::standalone(settings.instance_id.clone())
        });
        Self::with_cluster(engine, settings, cluster, shutdown)
    }

    /// The state of an app, or why the configured Redis cannot be used.
    pub fn try_new(engine: Engine, settings: ServerSettings) -> Result<Self, String> {
        let shutdown = CancellationToken::new();
        let cluster = Cluster::from_settings(&settings, &shutdown)?;
        Ok(Self::with_cluster(engine, settings, cluster, shutdown))
    }

    fn with_cluster(
        engine: Engine,
        settings: ServerSettings,
        cluster: Cluster,
        shutdown: CancellationToken,
    ) -> Self {
        let mut limits = RateLimits::new(
            settings.sessions_per_ip_per_minute,
            settings.messages_per_session_per_minute,
        );
        let mut gateway = GatewayState::new(&engine, &settings);
        if let Some(redis) = &cluster.redis {
            limits = limits.shared(redis.clone());
            gateway.limits = gateway.limits.shared(redis.clone());
        }
        let streams = Arc::new(StreamHub::default());
        if let Some(shared) = &cluster.streams {
            tokio::spawn(shared.clone().subscribe(streams.clone(), shutdown.clone()));
        }
        if let Some(revocations) = &cluster.revocations {
            // Until subscribed, cached sessions are not trusted (see `cluster::revocations`).
            engine.trust_session_cache(false);
            tokio::spawn(revocations.clone().subscribe(
                engine.clone(),
                streams.clone(),
                shutdown.clone(),
            ));
        }
        let mcp_session_owners = match &cluster.redis {
            Some(redis) => {
                SessionOwners::shared(crate::cluster::sessions::SharedOwners::new(redis.clone()))
            }
            None => SessionOwners::default(),
        };
        AppState {
            mcp_session_owners: Arc::new(mcp_session_owners),
            engine,
            gateway: Arc::new(gateway),
            settings: Arc::new(settings),
            limits: Arc::new(limits),
            streams,
            implicit_sessions: Arc::new(ImplicitSessions::default()),
            cluster: Arc::new(cluster),
            shutdown,
        }
    }
}
