//! Logouts heard by every instance, so a logged-out token is refused everywhere at once.
//!
//! Each instance keeps live sessions of known callers in memory for a moment (the engine's
//! session cache) so that a tool call does not read its session from the database. A logout
//! is written to the database by the instance that received it, which then publishes the
//! session's token hash on one channel every instance subscribes to, before it answers the
//! logout; each subscriber drops that session from its cache.
//!
//! Revoking an API key ends the sessions it opened the same way: the store returns their token
//! hashes, and whoever revoked the key publishes them ([`announce`] for a process that is not
//! an instance, such as `frontdesk key revoke`).
//!
//! The cache is only trusted while this instance's subscription is up: until it is first
//! established, and from the moment it is lost until it is back, every request reads its
//! session from the database (a logout published meanwhile would go unheard).

use super::redis::{Redis, Unavailable};
use crate::mcp::hub::StreamHub;
use frontdesk_engine::Engine;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

/// Publishes this instance's logouts and applies the others'.
pub struct Revocations {
    redis: Arc<Redis>,
}

impl Revocations {
    pub fn new(redis: Arc<Redis>) -> Self {
        Revocations { redis }
    }

    fn channel(&self) -> String {
        self.redis.key("sessions:revoked")
    }

    /// Tells every instance that the session with `token_hash` has ended.
    pub async fn publish(&self, token_hash: &str) -> Result<(), Unavailable> {
        let (channel, payload) = (self.channel(), token_hash.to_string());
        self.redis
            .run("session_revoke", |mut c| async move {
                redis::cmd("PUBLISH")
                    .arg(channel)
                    .arg(payload)
                    .query_async::<i64>(&mut c)
                    .await
            })
            .await?;
        Ok(())
    }

    /// Tells every instance that these sessions have ended (those of a revoked API key).
    pub async fn publish_all(&self, token_hashes: &[String]) -> Result<(), Unavailable> {
        for token_hash in token_hashes {
            self.publish(token_hash).await?;
        }
        Ok(())
    }

    /// Applies other instances' logouts to `engine`'s session cache until `stop`, trusting
    /// the cache only while subscribed, and ends the session's SSE stream if this instance
    /// holds it; subscribes again by itself.
    pub async fn subscribe(
        self: Arc<Self>,
        engine: Engine,
        streams: Arc<StreamHub>,
        stop: CancellationToken,
    ) {
        engine.trust_session_cache(false);
        let forget = engine.clone();
        self.redis
            .listen(
                "logouts",
                self.channel(),
                |token_hash| {
                    forget.forget_cached_session(&token_hash);
                    streams.end_token(&token_hash);
                    std::future::ready(())
                },
                |live| {
                    // Whatever was cached when trust was last turned off was dropped then, so
                    // the cache starts empty once every logout can be heard again.
                    engine.trust_session_cache(live);
                    if !live {
                        tracing::warn!("logouts of other instances cannot be heard: every request reads its session from the database until they can");
                    }
                },
                stop,
            )
            .await;
    }
}

/// For a process that is not an instance (the CLI revoking a key): tells every instance
/// sharing the Redis at `url` under `prefix` that these sessions have ended, so none keeps a
/// cached copy. Without it they stop trusting their copies within the engine's session cache
/// time to live (2 s).
pub async fn announce(url: &str, prefix: &str, token_hashes: &[String]) -> Result<(), String> {
    if token_hashes.is_empty() {
        return Ok(());
    }
    let redis = Arc::new(Redis::connect(url, prefix)?);
    Revocations::new(redis)
        .publish_all(token_hashes)
        .await
        .map_err(|e| e.to_string())
}
