//! Rate limits of the integration guide, kept in this process: session creation per client
//! IP, and MCP messages per caller session. GCRA (governor): a burst of the whole minute's
//! allowance, refilled evenly.

use crate::error::ApiError;
use axum::http::StatusCode;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

pub struct RateLimits {
    sessions_per_ip: DefaultKeyedRateLimiter<IpAddr>,
    messages_per_session: DefaultKeyedRateLimiter<i64>,
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
        }
    }

    pub fn check_session_creation(&self, ip: IpAddr) -> Result<(), ApiError> {
        check(
            &self.sessions_per_ip,
            &ip,
            "too many sessions opened from this address",
        )
    }

    pub fn check_message(&self, session_id: i64) -> Result<(), ApiError> {
        check(
            &self.messages_per_session,
            &session_id,
            "too many messages in this session",
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
    what: &str,
) -> Result<(), ApiError> {
    limiter.check_key(key).map_err(|not_until| {
        let wait = not_until.wait_time_from(DefaultClock::default().now());
        rate_limited(what, wait)
    })
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
