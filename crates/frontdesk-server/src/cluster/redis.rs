//! The Redis connection every instance shares, with what makes it safe to depend on: each
//! round trip has a short deadline, a failure marks Redis down so the next requests fall back
//! at once instead of each waiting for a deadline, and a probe brings it back as soon as
//! Redis answers again. Round trips are counted and timed for `/metrics`.

use futures::StreamExt;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{Client, RedisError, RedisResult};
use std::collections::HashMap;
use std::future::Future;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

/// Longest one round trip may take before Redis counts as down.
pub const OP_TIMEOUT: Duration = Duration::from_millis(1000);
/// How often Redis is pinged while it answers, and while it does not.
const PROBE_EVERY_UP: Duration = Duration::from_secs(2);
const PROBE_EVERY_DOWN: Duration = Duration::from_millis(250);
/// Fallback warnings of one kind are logged at most this often.
const WARN_EVERY: Duration = Duration::from_secs(10);
/// How often a subscriber connection is pinged (a silent connection is replaced).
const SUBSCRIBER_PING_EVERY: Duration = Duration::from_secs(5);
/// Pause before subscribing again after a subscription was lost.
const RESUBSCRIBE_AFTER: Duration = Duration::from_millis(250);

/// Redis could not be used for this request (down, unreachable, too slow, or a script error).
#[derive(Debug, Clone, thiserror::Error)]
#[error("Redis unavailable: {0}")]
pub struct Unavailable(pub String);

pub struct Redis {
    client: Client,
    manager: ConnectionManager,
    prefix: String,
    /// Where the URL points, password hidden, for messages.
    display: String,
    healthy: AtomicBool,
    warned_at: Mutex<HashMap<&'static str, Instant>>,
}

impl Redis {
    /// A client for `url` whose connection is made on first use (an instance starts while
    /// Redis is down and uses it once it is up); an unparsable URL is an error.
    pub fn connect(url: &str, prefix: &str) -> Result<Redis, String> {
        let display = redact(url);
        let client = Client::open(url).map_err(|e| format!("invalid Redis URL {display}: {e}"))?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(OP_TIMEOUT))
            .set_response_timeout(Some(OP_TIMEOUT))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_millis(200));
        let manager = ConnectionManager::new_lazy_with_config(client.clone(), config)
            .map_err(|e| format!("Redis client for {display}: {e}"))?;
        Ok(Redis {
            client,
            manager,
            prefix: prefix.to_string(),
            display,
            healthy: AtomicBool::new(true),
            warned_at: Mutex::new(HashMap::new()),
        })
    }

    /// `rest` under this deployment's prefix.
    pub fn key(&self, rest: impl std::fmt::Display) -> String {
        format!("{}{rest}", self.prefix)
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn display(&self) -> &str {
        &self.display
    }

    /// Whether the last round trip (or probe) succeeded.
    pub fn is_healthy(&self) -> bool {
        self.healthy.load(Ordering::Relaxed)
    }

    /// Runs one round trip (a command, a script, a pipeline) with the deadline. While Redis
    /// is marked down it fails at once, without trying: the probe decides when to try again.
    pub async fn run<T, F, Fut>(&self, op: &'static str, f: F) -> Result<T, Unavailable>
    where
        F: FnOnce(ConnectionManager) -> Fut,
        Fut: Future<Output = RedisResult<T>>,
    {
        if !self.is_healthy() {
            metrics::counter!("frontdesk_redis_round_trips_total", "op" => op, "outcome" => "skipped")
                .increment(1);
            return Err(Unavailable("marked down until it answers a probe".into()));
        }
        self.round_trip(op, f).await
    }

    async fn round_trip<T, F, Fut>(&self, op: &'static str, f: F) -> Result<T, Unavailable>
    where
        F: FnOnce(ConnectionManager) -> Fut,
        Fut: Future<Output = RedisResult<T>>,
    {
        let started = Instant::now();
        let outcome = tokio::time::timeout(OP_TIMEOUT, f(self.manager.clone())).await;
        metrics::histogram!("frontdesk_redis_round_trip_seconds", "op" => op)
            .record(started.elapsed().as_secs_f64());
        let error = match outcome {
            Ok(Ok(value)) => {
                metrics::counter!("frontdesk_redis_round_trips_total", "op" => op, "outcome" => "ok")
                    .increment(1);
                self.mark_up();
                return Ok(value);
            }
            Ok(Err(e)) => {
                if is_connection_error(&e) {
                    self.mark_down(op, &e.to_string());
                }
                e.to_string()
            }
            Err(_) => {
                let message = format!("no answer within {} ms", OP_TIMEOUT.as_millis());
                self.mark_down(op, &message);
                message
            }
        };
        metrics::counter!("frontdesk_redis_round_trips_total", "op" => op, "outcome" => "error")
            .increment(1);
        Err(Unavailable(error))
    }

    fn mark_down(&self, op: &str, cause: &str) {
        if self.healthy.swap(false, Ordering::Relaxed) {
            metrics::gauge!("frontdesk_redis_up").set(0.0);
            tracing::warn!(
                redis = %self.display,
                op,
                %cause,
                "Redis is unavailable: falling back to this instance's own state until it answers again"
            );
        }
    }

    fn mark_up(&self) {
        if !self.healthy.swap(true, Ordering::Relaxed) {
            metrics::gauge!("frontdesk_redis_up").set(1.0);
            tracing::info!(redis = %self.display, "Redis answers again: shared state resumed");
        }
    }

    /// `PING`, whatever the health mark says (an answer marks Redis up); the round trip time.
    pub async fn ping(&self) -> Result<Duration, Unavailable> {
        let started = Instant::now();
        self.round_trip("ping", |mut c| async move {
            redis::cmd("PING").query_async::<()>(&mut c).await
        })
        .await?;
        Ok(started.elapsed())
    }

    /// Pings Redis until `stop`: marks it up again as soon as it answers.
    pub async fn watch(&self, stop: CancellationToken) {
        loop {
            let pause = if self.is_healthy() {
                PROBE_EVERY_UP
            } else {
                PROBE_EVERY_DOWN
            };
            tokio::select! {
                _ = tokio::time::sleep(pause) => {}
                _ = stop.cancelled() => return,
            }
            // An answer marks Redis up again (in `round_trip`).
            let _ = self.ping().await;
        }
    }

    /// Logs that `what` fell back to this instance's own state — at most once per
    /// [`WARN_EVERY`] for each `what`, so an outage does not flood the log.
    pub fn warn_fallback(&self, what: &'static str, cause: &Unavailable) {
        metrics::counter!("frontdesk_redis_fallbacks_total", "what" => what).increment(1);
        let now = Instant::now();
        let mut warned = self.warned_at.lock().unwrap_or_else(|e| e.into_inner());
        if warned
            .get(what)
            .is_some_and(|at| now.duration_since(*at) < WARN_EVERY)
        {
            return;
        }
        warned.insert(what, now);
        tracing::warn!(what, %cause, "Redis unavailable: using this instance's own state");
    }
}

impl Redis {
    /// Subscribes to `channel` until `stop`, handing each message's payload to `on_message`
    /// in the order Redis delivers them. `on_live(true)` runs each time the subscription is
    /// up, `on_live(false)` each time it is lost (messages published meanwhile are never
    /// received);
    /// it subscribes again by itself. The connection is pinged so that a silent one is
    /// noticed and replaced.
    pub async fn listen<M, Fut>(
        &self,
        what: &'static str,
        channel: String,
        mut on_message: M,
        on_live: impl Fn(bool),
        stop: CancellationToken,
    ) where
        M: FnMut(String) -> Fut,
        Fut: Future<Output = ()>,
    {
        let mut lost_before = false;
        loop {
            let mut was_up = false;
            let ended = tokio::select! {
                ended = self.subscription(&channel, &mut on_message, &on_live, &mut lost_before, &mut was_up) => ended,
                _ = stop.cancelled() => return,
            };
            if was_up {
                on_live(false);
            }
            if !lost_before {
                tracing::warn!(subscription = what, error = %ended, "a Redis subscription of this instance was lost: reconnecting");
                lost_before = true;
            }
            tokio::select! {
                _ = tokio::time::sleep(RESUBSCRIBE_AFTER) => {}
                _ = stop.cancelled() => return,
            }
        }
    }

    /// One subscription, until it fails; why it ended.
    async fn subscription<M, Fut>(
        &self,
        channel: &str,
        on_message: &mut M,
        on_live: &impl Fn(bool),
        lost_before: &mut bool,
        was_up: &mut bool,
    ) -> String
    where
        M: FnMut(String) -> Fut,
        Fut: Future<Output = ()>,
    {
        let mut pubsub =
            match tokio::time::timeout(OP_TIMEOUT, self.client.get_async_pubsub()).await {
                Ok(Ok(p)) => p,
                Ok(Err(e)) => return e.to_string(),
                Err(_) => return "connecting timed out".into(),
            };
        match tokio::time::timeout(OP_TIMEOUT, pubsub.subscribe(channel)).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return e.to_string(),
            Err(_) => return "subscribing timed out".into(),
        }
        if *lost_before {
            tracing::info!(channel, "the Redis subscription of this instance is back");
            *lost_before = false;
        }
        on_live(true);
        *was_up = true;
        let (mut sink, mut messages) = pubsub.split();
        let mut ping = tokio::time::interval(SUBSCRIBER_PING_EVERY);
        ping.tick().await;
        loop {
            tokio::select! {
                message = messages.next() => {
                    let Some(message) = message else { return "the connection closed".into() };
                    if let Ok(payload) = message.get_payload::<String>() {
                        on_message(payload).await;
                    }
                }
                _ = ping.tick() => {
                    // In subscribed mode Redis answers PING with an array, not a string.
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

/// Errors that say the connection, not the command, failed.
fn is_connection_error(e: &RedisError) -> bool {
    e.is_io_error()
        || e.is_timeout()
        || e.is_connection_dropped()
        || e.is_connection_refusal()
        || e.is_unrecoverable_error()
}

/// The URL with its password replaced by `***`.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            let user = userinfo.split_once(':').map_or(userinfo, |(u, _)| u);
            format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..])
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(
            redact("redis://:s3cret@cache:6379/0"),
            "redis://:***@cache:6379/0"
        );
        assert_eq!(
            redact("redis://app:s3cret@cache/1"),
            "redis://app:***@cache/1"
        );
        assert_eq!(redact("redis://127.0.0.1:6379"), "redis://127.0.0.1:6379");
    }
}
