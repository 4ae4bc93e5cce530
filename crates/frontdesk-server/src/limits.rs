//! Rate limits of the integration guide: session creation per client IP, and MCP messages
//! per caller session. GCRA: a burst of the whole minute's allowance, refilled evenly.
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

pub struct RateLimits {
    sessions_per_ip: DefaultKeyedRateLimiter<IpAddr>,
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

    pub async fn check_session_creation(&self, ip: IpAddr) -> Result<(), ApiError> {
        if let Some(redis) = &self.shared {
            match redis
                .gcra(&format!("rl:sessions:{ip}"), self.sessions_per_minute, 1)
                .await
            {
                Ok(verdict) => return shared_outcome(verdict, "sessions", SESSIONS_WHAT),
                Err(e) => redis.warn_fallback("rate limit (sessions per IP)", &e),
            }
        }
        check(&self.sessions_per_ip, &ip, "sessions", SESSIONS_WHAT)
    }

    pub async fn check_message(&self, session_id: i64) -> Result<(), ApiError> {
        if let Some(redis) = &self.shared {
            match redis
                .gcra(
                    &format!("rl:messages:{session_id}"),
                    self.messages_per_minute,
                    1,
                )
                .await
            {
                Ok(verdict) => return shared_outcome(verdict, "messages", MESSAGES_WHAT),
                Err(e) => redis.warn_fallback("rate limit (messages per session)", &e),
            }
        }
        check(
            &self.messages_per_session,
            &session_id,
            "messages",
            MESSAGES_WHAT,
        )
    }

    /// Forgets keys that have been idle long enough to be full again (bounded memory).
    pub fn prune(&self) {
        self.sessions_per_ip.retain_recent();
        self.messages_per_session.retain_recent();
    }
}

fn check<K: Hash + Eq + Clone>(
    limiter: &DefaultKeyedRateLimiter<K>,
    key: &K,
    limit: &'static str,
    what: &str,
) -> Result<(), ApiError> {
    limiter.check_key(key).map_err(|not_until| {
        let wait = not_until.wait_time_from(DefaultClock::default().now());
        rejected(limit);
        rate_limited(what, wait)
    })
}

fn shared_outcome(verdict: Verdict, limit: &'static str, what: &str) -> Result<(), ApiError> {
    match verdict {
        Verdict::Allowed { .. } => Ok(()),
        Verdict::Refused { wait, .. } => {
            rejected(limit);
            Err(rate_limited(what, wait))
        }
        Verdict::TooMany => {
            rejected(limit);
            Err(rate_limited(what, Duration::from_secs(60)))
        }
    }
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
