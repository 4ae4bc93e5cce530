//! Several identical instances behind one load balancer, with no sticky sessions.
//!
//! # Context
//! Caller sessions, API keys and bookings live in the database, so any instance answers any
//! request about them. What a single process kept in memory has to be shared for the
//! instances to behave as one server: the rate limits, the registry of open legacy SSE
//! streams (a stream is held by one instance, its messages may be posted to any), and the
//! MCP sessions of Streamable HTTP.
//!
//! # Design
//! That shared state lives in Redis (`FRONTDESK_REDIS_URL`) under a key prefix
//! (`FRONTDESK_REDIS_PREFIX`). Without Redis every piece of it stays in-process, as for a
//! single instance. With Redis, losing it never stops the service: each use falls back to the
//! instance's own state for that request (logged, counted in `/metrics`), and Redis is used
//! again as soon as it answers ([`redis::Redis::watch`]). Nothing that must be durable — a
//! booking, a session — is ever only in Redis.
//!
//! # Implementation
//! [`redis`] is the connection with its deadline, health mark and probe; [`rate`] the GCRA
//! script of the shared rate limits; [`streams`] the registry of legacy SSE streams and the
//! routing of their messages between instances; [`sessions`] the store that lets a
//! Streamable HTTP session continue on any instance; [`revocations`] the logouts every
//! instance hears, so none keeps trusting a cached session that ended elsewhere.

pub mod rate;
pub mod redis;
pub mod revocations;
pub mod sessions;
pub mod streams;

use crate::settings::ServerSettings;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

/// This instance and, when configured, the Redis it shares with the others.
pub struct Cluster {
    pub instance_id: String,
    pub redis: Option<Arc<redis::Redis>>,
    /// Legacy SSE streams across instances (with Redis).
    pub streams: Option<Arc<streams::SharedStreams>>,
    /// Logouts heard by every instance (with Redis).
    pub revocations: Option<Arc<revocations::Revocations>>,
}

impl Cluster {
    /// A single instance: everything in-process.
    pub fn standalone(instance_id: String) -> Cluster {
        Cluster {
            instance_id,
            redis: None,
            streams: None,
            revocations: None,
        }
    }

    /// The cluster the settings describe; an unusable Redis URL is an error. Background
    /// work (the Redis probe) runs until `stop`.
    pub fn from_settings(
        settings: &ServerSettings,
        stop: &CancellationToken,
    ) -> Result<Cluster, String> {
        let Some(url) = settings.redis_url.as_deref() else {
            return Ok(Cluster::standalone(settings.instance_id.clone()));
        };
        let redis = Arc::new(redis::Redis::connect(url, &settings.redis_prefix)?);
        metrics::gauge!("frontdesk_redis_up").set(1.0);
        let watched = redis.clone();
        let stop = stop.clone();
        tokio::spawn(async move { watched.watch(stop).await });
        tracing::info!(
            redis = %redis.display(),
            prefix = %settings.redis_prefix,
            "sharing rate limits, SSE streams and MCP sessions through Redis"
        );
        Ok(Cluster {
            instance_id: settings.instance_id.clone(),
            streams: Some(Arc::new(streams::SharedStreams::new(
                redis.clone(),
                settings.instance_id.clone(),
            ))),
            revocations: Some(Arc::new(revocations::Revocations::new(redis.clone()))),
            redis: Some(redis),
        })
    }
}
