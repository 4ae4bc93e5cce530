//! Logouts heard by every instance, so a logged-out token is refused everywhere at once.
//!
//! Each instance keeps live sessions of known callers in memory for a moment (the engine's
//! session cache) so that a tool call does not read its session from the database. A logout
//! is written to the database by the instance that received it, which then publishes the
//! session's token hash on one channel every instance subscribes to, before it answers the
//! logout; each subscriber drops that session from its cache.
//!
//! The cache is only trusted while this instance's subscription is up: until it is first
//! established, and from the moment it is lost until it is back, every request reads its
//! session from the database (a logout published meanwhile would go unheard).

use super::redis::{OP_TIMEOUT, Redis, Unavailable};
use frontdesk_engine::Engine;
use futures::StreamExt;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// How often the subscriber connection is pinged (a silent connection is replaced).
const PING_EVERY: Duration = Duration::from_secs(5);
/// Pause before subscribing again after the subscription was lost.
const RESUBSCRIBE_AFTER: Duration = Duration::from_millis(250);

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

    /// Applies other instances' logouts to `engine`'s session cache until `stop`, trusting
    /// the cache only while subscribed; reconnects by itself.
    pub async fn subscribe(self: Arc<Self>, engine: Engine, stop: CancellationToken) {
        engine.trust_session_cache(false);
        let mut lost_before = false;
        loop {
            let outcome = tokio::select! {
                outcome = self.subscription(&engine) => outcome,
                _ = stop.cancelled() => return,
            };
            engine.trust_session_cache(false);
            if !lost_before {
                tracing::warn!(error = %outcome, "logouts of other instances cannot be heard: every request reads its session from the database until they can");
                lost_before = true;
            }
            tokio::select! {
                _ = tokio::time::sleep(RESUBSCRIBE_AFTER) => {}
                _ = stop.cancelled() => return,
            }
        }
    }

    /// One subscription, until it fails; why it ended.
    async fn subscription(&self, engine: &Engine) -> String {
        let mut pubsub =
            match tokio::time::timeout(OP_TIMEOUT, self.redis.client().get_async_pubsub()).await {
                Ok(Ok(p)) => p,
                Ok(Err(e)) => return e.to_string(),
                Err(_) => return "connecting timed out".into(),
            };
        match tokio::time::timeout(OP_TIMEOUT, pubsub.subscribe(self.channel())).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return e.to_string(),
            Err(_) => return "subscribing timed out".into(),
        }
        // From here on every logout is heard: whatever was cached before was dropped when
        // trust was last turned off, so the cache starts empty.
        engine.trust_session_cache(true);
        let (mut sink, mut messages) = pubsub.split();
        let mut ping = tokio::time::interval(PING_EVERY);
        ping.tick().await;
        loop {
            tokio::select! {
                message = messages.next() => {
                    let Some(message) = message else { return "the connection closed".into() };
                    if let Ok(token_hash) = message.get_payload::<String>() {
                        engine.forget_cached_session(&token_hash);
                    }
                }
                _ = ping.tick() => {
                    match tokio::time::timeout(OP_TIMEOUT, sink.ping::<redis::Value>()).await {
                        Ok(Ok(_)) => {}
                        Ok(Err(e)) => return e.to_string(),
                        Err(_) => return "no answer to a ping".into(),
                    }
                }
            }
        }
    }
}
