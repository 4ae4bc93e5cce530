//! Rate limits of the integration guide: session creation per client IP, and MCP messages
//! per caller session. GCRA: a burst of the whole minute's allowance, refilled evenly.
//!
//! Every message counts, a batch as its number of messages (at most [`MAX_BATCH`]), admitted
//! whole or not at all. Every session opened counts, explicitly (`POST /mcp/auth/session`) or
//! implicitly (`/mcp` with `X-API-Key` + `X-Caller-Id`). A request whose API key is refused
//! counts in a bucket of its own per IP (as large as the session one), so that a burst of bad
//! keys does not use up the allowance of an agent's good ones.
//!
//! With Redis configured the allowance is counted there, across every instance (10 session
//! creations a minute from one IP means 10 in total); otherwise, or for a request during
//! which Redis cannot be reached, in this process (governor).

use crate::cluster::rate::Verdict;
use crate::cluster::redis::Redis;
use crate::error::ApiError;
use axum::http::StatusCode;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

const SESSIONS_WHAT: &str = "too many sessions opened from this address";
const MESSAGES_WHAT: &str = "too many messages in this session";
const FAILURES_WHAT: &str = "too many refused API keys from this address";
const LOGINS_WHAT: &str = "too many console logins from this address";
/// Console login attempts allowed per client IP per minute (each costs an argon2id hash).
pub const LOGINS_PER_IP_PER_MINUTE: u32 = 10;

/// Most messages in one JSON-RPC batch, as on the gateway.
pub const MAX_BATCH: usize = 100;

pub struct RateLimits {
    sessions_per_ip: DefaultKeyedRateLimiter<IpAddr>,
    failed_auth_per_ip: DefaultKeyedRateLimiter<IpAddr>,
    logins_per_ip: DefaultKeyedRateLimiter<IpAddr>,
    messages_per_session: DefaultKeyedRateLimiter<i64>,
    sessions_per_minute: u32,
    messages_per_minute: u32,
    /// Counts across instances when set.
    shared: Option<Arc<Redis>>,
}

impl RateLimits {
    pub fn new(sessions_per_ip_per_minute: u32, messages_per_session_per_minute: u32) -> Self {
        let per_minute =
            |n: u32| Quota::per_minute(NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN));
        RateLimits {
            sessions_per_ip: DefaultKeyedRateLimiter::keyed(per_minute(sessions_per_ip_per_minute)),
            failed_auth_per_ip: DefaultKeyedRateLimiter::keyed(per_minute(
                sessions_per_ip_per_minute,
            )),
            logins_per_ip: DefaultKeyedRateLimiter::keyed(per_minute(LOGINS_PER_IP_PER_MINUTE)),
            messages_per_session: DefaultKeyedRateLimiter::keyed(per_minute(
                messages_per_session_per_minute,
            )),
            sessions_per_minute: sessions_per_ip_per_minute.max(1),
            messages_per_minute: messages_per_session_per_minute.max(1),
            shared: None,
        }
    }

    /// Counts in Redis, across instances (in-process while Redis cannot be reached).
    pub fn shared(mut self, redis: Arc<Redis>) -> Self {
        self.shared = Some(redis);
        self
    }

    /// Counts one session opened from `ip`.
    pub async fn check_session_creation(&self, ip: IpAddr) -> Result<(), ApiError> {
        self.count(
            &format!("rl:sessions:{ip}"),
            self.sessions_per_minute,
            1,
            Counted::PerIp(&self.sessions_per_ip, &ip),
            "sessions",
            SESSIONS_WHAT,
        )
        .await
    }

    /// Counts one request from `ip` whose API key was refused.
    pub async fn check_failed_auth(&self, ip: IpAddr) -> Result<(), ApiError> {
        self.count(
            &format!("rl:auth-failures:{ip}"),
            self.sessions_per_minute,
            1,
            Counted::PerIp(&self.failed_auth_per_ip, &ip),
            "auth_failures",
            FAILURES_WHAT,
        )
        .await
    }

    /// Counts one console login attempt from `ip`, right or wrong.
    pub async fn check_login(&self, ip: IpAddr) -> Result<(), ApiError> {
        self.count(
            &format!("rl:console-logins:{ip}"),
            LOGINS_PER_IP_PER_MINUTE,
            1,
            Counted::PerIp(&self.logins_per_ip, &ip),
            "console_logins",
            LOGINS_WHAT,
        )
        .await
    }

    /// Counts one message of a caller session.
    pub async fn check_message(&self, session_id: i64) -> Result<(), ApiError> {
        self.check_messages(session_id, 1).await
    }

    /// Counts `messages` messages of a caller session at once (a batch): all of them or
    /// none. More than the limit never fits.
    pub async fn check_messages(&self, session_id: i64, messages: u32) -> Result<(), ApiError> {
        self.count(
            &format!("rl:messages:{session_id}"),
            self.messages_per_minute,
            messages,
            Counted::PerSession(&self.messages_per_session, &session_id),
            "messages",
            MESSAGES_WHAT,
        )
        .await
    }

    /// Counts `calls` in Redis when shared (falling back to this process while Redis cannot
    /// be reached), in this process otherwise.
    async fn count(
        &self,
        bucket: &str,
        limit: u32,
        calls: u32,
        local: Counted<'_>,
        name: &'static str,
        what: &str,
    ) -> Result<(), ApiError> {
        let calls = calls.max(1);
        if let Some(redis) = &self.shared {
            match redis.gcra(bucket, limit, calls).await {
                Ok(verdict) => return shared_outcome(verdict, limit, calls, name, what),
                Err(e) => redis.warn_fallback("rate limit (MCP)", &e),
            }
        }
        match local {
            Counted::PerIp(limiter, ip) => check(limiter, ip, limit, calls, name, what),
            Counted::PerSession(limiter, id) => check(limiter, id, limit, calls, name, what),
        }
    }

    /// Forgets keys that have been idle long enough to be full again (bounded memory).
    pub fn prune(&self) {
        self.sessions_per_ip.retain_recent();
        self.failed_auth_per_ip.retain_recent();
        self.logins_per_ip.retain_recent();
        self.messages_per_session.retain_recent();
    }
}

/// How many messages a JSON-RPC body holds, for [`RateLimits::check_messages`]: one, or
/// the length of a batch. A batch over [`MAX_BATCH`] is refused (`INVALID_REQUEST`), as on
/// the gateway; an empty one is left to the reader to refuse and counts as one.
pub fn messages_in(body: &serde_json::Value) -> Result<u32, ApiError> {
    match body {
        serde_json::Value::Array(items) if items.len() > MAX_BATCH => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "INVALID_REQUEST",
            format!(
                "Invalid Request: a batch may hold at most {MAX_BATCH} messages, this one holds {}",
                items.len()
            ),
        )),
        serde_json::Value::Array(items) => Ok(items.len().max(1) as u32),
        _ => Ok(1),
    }
}

/// The in-process limiter a count falls back to.
enum Counted<'a> {
    PerIp(&'a DefaultKeyedRateLimiter<IpAddr>, &'a IpAddr),
    PerSession(&'a DefaultKeyedRateLimiter<i64>, &'a i64),
}

fn check<K: Hash + Eq + Clone>(
    limiter: &DefaultKeyedRateLimiter<K>,
    key: &K,
    limit: u32,
    calls: u32,
    name: &'static str,
    what: &str,
) -> Result<(), ApiError> {
    let n = NonZeroU32::new(calls).unwrap_or(NonZeroU32::MIN);
    match limiter.check_key_n(key, n) {
        Ok(Ok(())) => Ok(()),
        Ok(Err(not_until)) => {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            rejected(name);
            Err(rate_limited(what, wait))
        }
        Err(_) => {
            rejected(name);
            Err(too_many_at_once(limit, calls))
        }
    }
}

fn shared_outcome(
    verdict: Verdict,
    limit: u32,
    calls: u32,
    name: &'static str,
    what: &str,
) -> Result<(), ApiError> {
    match verdict {
        Verdict::Allowed { .. } => Ok(()),
        Verdict::Refused { wait, .. } => {
            rejected(name);
            Err(rate_limited(what, wait))
        }
        Verdict::TooMany => {
            rejected(name);
            Err(too_many_at_once(limit, calls))
        }
    }
}

/// A batch larger than a whole minute's allowance: it never fits, however long one waits.
fn too_many_at_once(limit: u32, calls: u32) -> ApiError {
    rate_limited(
        &format!(
            "this batch holds {calls} messages, more than the {limit} a session may send per minute: split it"
        ),
        Duration::from_secs(60),
    )
}

/// Counts a rejection for `/metrics`.
pub fn rejected(limit: &'static str) {
    metrics::counter!("frontdesk_rate_limit_rejections_total", "limit" => limit).increment(1);
}

pub fn rate_limited(what: &str, wait: Duration) -> ApiError {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "RATE_LIMITED",
        format!("{what}; retry in {secs} s"),
    )
    .with_retry_after(secs.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_unreachable_redis_falls_back_to_this_process() {
        let redis = Redis::connect("redis://127.0.0.1:1", "test:").expect("a valid URL");
        let limits = RateLimits::new(2, 60).shared(Arc::new(redis));
        let ip = IpAddr::from([10, 0, 0, 1]);
        assert!(limits.check_session_creation(ip).await.is_ok());
        assert!(limits.check_session_creation(ip).await.is_ok());
        let refused = limits
            .check_session_creation(ip)
            .await
            .expect_err("the in-process limit holds");
        assert_eq!(refused.code, "RATE_LIMITED");
    }

    #[tokio::test]
    async fn a_batch_counts_whole_in_process() {
        let limits = RateLimits::new(10, 60);
        assert_eq!(
            limits
                .check_messages(1, 61)
                .await
                .expect_err("never fits")
                .code,
            "RATE_LIMITED"
        );
        assert!(limits.check_messages(1, 30).await.is_ok());
        assert!(limits.check_messages(1, 30).await.is_ok());
        assert!(limits.check_message(1).await.is_err());
        assert!(limits.check_message(2).await.is_ok(), "per session");
    }

    /// In Redis too, a batch is counted whole, across instances.
    #[tokio::test]
    async fn a_batch_counts_whole_in_redis() {
        let Some(url) = std::env::var("FRONTDESK_TEST_REDIS_URL")
            .ok()
            .filter(|u| !u.is_empty())
        else {
            println!("skipped: FRONTDESK_TEST_REDIS_URL is not set");
            return;
        };
        let prefix = format!("test-{}:", frontdesk_engine::keys::random_token(12));
        let instance = || {
            let redis = Redis::connect(&url, &prefix).expect("a valid URL");
            RateLimits::new(10, 60).shared(Arc::new(redis))
        };
        let (a, b) = (instance(), instance());
        let refused = a.check_messages(1, 61).await.expect_err("never fits");
        assert!(refused.message.contains("split it"), "{}", refused.message);
        assert!(a.check_messages(1, 30).await.is_ok());
        assert!(b.check_messages(1, 30).await.is_ok());
        assert!(a.check_message(1).await.is_err());
        let ip = IpAddr::from([10, 0, 0, 3]);
        for _ in 0..10 {
            assert!(b.check_failed_auth(ip).await.is_ok());
        }
        assert!(a.check_failed_auth(ip).await.is_err());
        assert!(
            a.check_session_creation(ip).await.is_ok(),
            "a bucket of its own"
        );
    }

    /// Two instances' limiters on one Redis draw on one allowance.
    #[tokio::test]
    async fn instances_sharing_redis_share_the_allowance() {
        let Some(url) = std::env::var("FRONTDESK_TEST_REDIS_URL")
            .ok()
            .filter(|u| !u.is_empty())
        else {
            assert!(
                !std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true")),
                "FRONTDESK_TEST_REDIS_URL must be set when CI=true"
            );
            println!("skipped: FRONTDESK_TEST_REDIS_URL is not set");
            return;
        };
        let prefix = format!("test-{}:", frontdesk_engine::keys::random_token(12));
        let instance = || {
            let redis = Redis::connect(&url, &prefix).expect("a valid URL");
            RateLimits::new(3, 60).shared(Arc::new(redis))
        };
        let (a, b) = (instance(), instance());
        let ip = IpAddr::from([10, 0, 0, 2]);
        assert!(a.check_session_creation(ip).await.is_ok());
        assert!(b.check_session_creation(ip).await.is_ok());
        assert!(a.check_session_creation(ip).await.is_ok());
        let refused = b
            .check_session_creation(ip)
            .await
            .expect_err("the fourth of three");
        let retry: u64 = refused.retry_after.expect("Retry-After on a refusal");
        assert!((1..=20).contains(&retry), "{retry}");
    }
}
