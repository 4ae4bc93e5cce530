//! Per-company rate limits of the gateway, the Retell endpoints and Vapi (shared by those
//! adapters), as the AskProAI document sets them: 100 calls per
//! minute by default, 1000 for `webhook.*` methods, 10 for test methods
//! (`retell_config.testWebhook`), each configurable in [`ServerSettings`].
//!
//! GCRA, like the other limits of this server: a burst of the whole minute's allowance,
//! refilled evenly — counted in Redis across every instance when Redis is configured
//! ([`crate::cluster::rate`]), in this process (governor) otherwise or while Redis cannot be
//! reached. Every call of a batch counts, and a batch is admitted whole or
//! not at all (no half-executed batch). Requests without a valid token are counted per client
//! IP against the default allowance, so guessing tokens is slowed down too.
//!
//! The answer's `X-RateLimit-Limit` / `X-RateLimit-Remaining` / `X-RateLimit-Reset` describe
//! the bucket the request was counted in (for a batch touching several, the one with the
//! fewest calls left). `X-RateLimit-Reset` is the Unix second at which the bucket is full
//! again; a refused request gets HTTP 429 with `Retry-After`, the seconds until the next call
//! is allowed.
//!
//! [`ServerSettings`]: crate::ServerSettings

use crate::cluster::rate::Verdict;
use crate::cluster::redis::Redis;
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use frontdesk_domain::CompanyId;
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub const LIMIT: HeaderName = HeaderName::from_static("x-ratelimit-limit");
pub const REMAINING: HeaderName = HeaderName::from_static("x-ratelimit-remaining");
pub const RESET: HeaderName = HeaderName::from_static("x-ratelimit-reset");

/// Which allowance a method is counted against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Bucket {
    Default,
    Webhook,
    Test,
}

/// The methods that send test traffic somewhere (the document's "test endpoints").
const TEST_METHODS: [&str; 1] = ["retell_config.testWebhook"];

impl Bucket {
    pub fn for_method(method: &str) -> Bucket {
        if TEST_METHODS.contains(&method) {
            Bucket::Test
        } else if method.starts_with("webhook.") {
            Bucket::Webhook
        } else {
            Bucket::Default
        }
    }
}

/// Where a bucket stands after a request was counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateStatus {
    pub limit: u32,
    pub remaining: u32,
    /// Unix seconds at which the bucket is full again.
    pub reset: u64,
}

impl RateStatus {
    /// Sets the three `X-RateLimit-*` headers.
    pub fn apply(&self, headers: &mut HeaderMap) {
        for (name, value) in [
            (LIMIT, self.limit as u64),
            (REMAINING, self.remaining as u64),
            (RESET, self.reset),
        ] {
            headers.insert(name, HeaderValue::from(value));
        }
    }
}

/// A request refused for going over a limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimited {
    pub status: RateStatus,
    /// Seconds until the next call is allowed (`Retry-After`), at least 1.
    pub retry_after: u64,
    pub details: String,
}

type Limiter<K> =
    RateLimiter<K, DefaultKeyedStateStore<K>, DefaultClock, StateInformationMiddleware>;

pub struct GatewayLimits {
    default: Limiter<CompanyId>,
    webhook: Limiter<CompanyId>,
    test: Limiter<CompanyId>,
    unauthenticated: Limiter<IpAddr>,
    per_minute: [u32; 3],
    /// Counts unauthenticated checks, to forget idle IPs now and then (bounded memory).
    anonymous_checks: AtomicU64,
    /// Counts across instances when set.
    shared: Option<Arc<Redis>>,
}

impl GatewayLimits {
    /// Limits per company per minute; 0 is taken as 1.
    pub fn new(default_per_minute: u32, webhook_per_minute: u32, test_per_minute: u32) -> Self {
        let per_minute = [
            default_per_minute.max(1),
            webhook_per_minute.max(1),
            test_per_minute.max(1),
        ];
        GatewayLimits {
            default: limiter(per_minute[0]),
            webhook: limiter(per_minute[1]),
            test: limiter(per_minute[2]),
            unauthenticated: limiter(per_minute[0]),
            per_minute,
            anonymous_checks: AtomicU64::new(0),
            shared: None,
        }
    }

    /// Counts in Redis, across instances (in-process while Redis cannot be reached).
    pub fn shared(mut self, redis: Arc<Redis>) -> Self {
        self.shared = Some(redis);
        self
    }

    pub fn limit_of(&self, bucket: Bucket) -> u32 {
        self.per_minute[bucket as usize]
    }

    /// Counts `calls` calls of `company` against `bucket`; all of them or none.
    pub async fn check(
        &self,
        company: CompanyId,
        bucket: Bucket,
        calls: u32,
    ) -> Result<RateStatus, RateLimited> {
        if let Some(redis) = &self.shared {
            let key = format!("rl:gateway:{}:{company}", bucket.name());
            match check_shared(redis, &key, self.limit_of(bucket), calls, bucket.what()).await {
                Ok(outcome) => return outcome,
                Err(e) => redis.warn_fallback("rate limit (gateway)", &e),
            }
        }
        self.check_local(company, bucket, calls)
    }

    /// [`GatewayLimits::check`] in this process.
    pub fn check_local(
        &self,
        company: CompanyId,
        bucket: Bucket,
        calls: u32,
    ) -> Result<RateStatus, RateLimited> {
        let limiter = match bucket {
            Bucket::Default => &self.default,
            Bucket::Webhook => &self.webhook,
            Bucket::Test => &self.test,
        };
        check_n(
            limiter,
            &company,
            self.limit_of(bucket),
            calls,
            bucket.what(),
        )
    }

    /// Counts one request that carried no valid token, per client IP.
    pub async fn check_unauthenticated(&self, ip: IpAddr) -> Result<RateStatus, RateLimited> {
        if let Some(redis) = &self.shared {
            let key = format!("rl:gateway-anonymous:{ip}");
            match check_shared(redis, &key, self.per_minute[0], 1, ANONYMOUS).await {
                Ok(outcome) => return outcome,
                Err(e) => redis.warn_fallback("rate limit (gateway)", &e),
            }
        }
        self.check_unauthenticated_local(ip)
    }

    /// [`GatewayLimits::check_unauthenticated`] in this process.
    pub fn check_unauthenticated_local(&self, ip: IpAddr) -> Result<RateStatus, RateLimited> {
        if self.anonymous_checks.fetch_add(1, Ordering::Relaxed) % 1024 == 1023 {
            self.unauthenticated.retain_recent();
        }
        check_n(&self.unauthenticated, &ip, self.per_minute[0], 1, ANONYMOUS)
    }

    /// Counts each bucket's calls of one request; the status to report is the bucket with the
    /// fewest calls left, or the first refusal.
    pub async fn check_all(
        &self,
        company: CompanyId,
        counts: &[(Bucket, u32)],
    ) -> Result<RateStatus, RateLimited> {
        let mut reported: Option<RateStatus> = None;
        for (bucket, calls) in counts.iter().filter(|(_, n)| *n > 0) {
            let status = self.check(company, *bucket, *calls).await?;
            if reported.is_none_or(|r| (status.remaining, status.limit) < (r.remaining, r.limit)) {
                reported = Some(status);
            }
        }
        // Nothing counted (no calls): the default bucket, untouched.
        let limit = self.per_minute[0];
        Ok(reported.unwrap_or(RateStatus {
            limit,
            remaining: limit,
            reset: unix_now(),
        }))
    }
}

const ANONYMOUS: &str = "unauthenticated gateway requests";

impl Bucket {
    /// The bucket's name in Redis keys.
    fn name(self) -> &'static str {
        match self {
            Bucket::Default => "default",
            Bucket::Webhook => "webhook",
            Bucket::Test => "test",
        }
    }

    /// What its calls are called in messages.
    fn what(self) -> &'static str {
        match self {
            Bucket::Default => "gateway calls",
            Bucket::Webhook => "webhook calls",
            Bucket::Test => "test calls",
        }
    }
}

/// Counts in Redis; `Err` when Redis cannot be used for this request.
async fn check_shared(
    redis: &Redis,
    key: &str,
    limit: u32,
    calls: u32,
    what: &str,
) -> Result<Result<RateStatus, RateLimited>, crate::cluster::redis::Unavailable> {
    let verdict = redis.gcra(key, limit, calls).await?;
    Ok(match verdict {
        Verdict::Allowed {
            remaining,
            full_after,
        } => Ok(RateStatus {
            limit,
            remaining: remaining.min(limit),
            reset: unix_now() + ceil_secs(full_after),
        }),
        Verdict::Refused { wait, full_after } => {
            crate::limits::rejected("gateway");
            let retry_after = ceil_secs(wait).max(1);
            Err(RateLimited {
                status: RateStatus {
                    limit,
                    remaining: 0,
                    reset: unix_now() + ceil_secs(full_after),
                },
                retry_after,
                details: format!(
                    "rate limit exceeded: at most {limit} {what} per minute; retry in {retry_after} s"
                ),
            })
        }
        Verdict::TooMany => {
            crate::limits::rejected("gateway");
            Err(too_big(limit, calls, what))
        }
    })
}

fn too_big(limit: u32, calls: u32, what: &str) -> RateLimited {
    RateLimited {
        status: RateStatus {
            limit,
            remaining: 0,
            reset: unix_now() + 60,
        },
        retry_after: 60,
        details: format!(
            "this batch holds {calls} {what}, more than the {limit} allowed per minute: split it"
        ),
    }
}

fn limiter<K: Hash + Eq + Clone>(per_minute: u32) -> Limiter<K> {
    RateLimiter::keyed(Quota::per_minute(
        NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN),
    ))
    .with_middleware::<StateInformationMiddleware>()
}

fn check_n<K: Hash + Eq + Clone>(
    limiter: &Limiter<K>,
    key: &K,
    limit: u32,
    calls: u32,
    what: &str,
) -> Result<RateStatus, RateLimited> {
    let n = NonZeroU32::new(calls.max(1)).unwrap_or(NonZeroU32::MIN);
    let per_call = Duration::from_secs(60) / limit.max(1);
    match limiter.check_key_n(key, n) {
        Ok(Ok(snapshot)) => {
            let remaining = snapshot.remaining_burst_capacity().min(limit);
            let refill = per_call * (limit - remaining);
            Ok(RateStatus {
                limit,
                remaining,
                reset: unix_now() + ceil_secs(refill),
            })
        }
        Ok(Err(not_until)) => {
            crate::limits::rejected("gateway");
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            let retry_after = ceil_secs(wait).max(1);
            let refill = wait + per_call * (limit - 1);
            Err(RateLimited {
                status: RateStatus {
                    limit,
                    remaining: 0,
                    reset: unix_now() + ceil_secs(refill),
                },
                retry_after,
                details: format!(
                    "rate limit exceeded: at most {limit} {what} per minute; retry in {retry_after} s"
                ),
            })
        }
        Err(_insufficient) => {
            crate::limits::rejected("gateway");
            Err(too_big(limit, calls, what))
        }
    }
}

fn ceil_secs(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_are_counted_in_their_documented_bucket() {
        assert_eq!(
            Bucket::for_method("appointment_mgmt.findAppointments"),
            Bucket::Default
        );
        assert_eq!(
            Bucket::for_method("retell_config.getWebhook"),
            Bucket::Default
        );
        assert_eq!(
            Bucket::for_method("webhook.processRetellWebhook"),
            Bucket::Webhook
        );
        assert_eq!(
            Bucket::for_method("retell_config.testWebhook"),
            Bucket::Test
        );
    }

    #[test]
    fn the_limit_counts_down_and_then_refuses_with_a_retry_time() {
        let limits = GatewayLimits::new(3, 1000, 10);
        let first = limits.check_local(1, Bucket::Default, 1).expect("allowed");
        assert_eq!((first.limit, first.remaining), (3, 2));
        assert!(first.reset > unix_now() && first.reset <= unix_now() + 21);
        assert_eq!(
            limits
                .check_local(1, Bucket::Default, 2)
                .expect("allowed")
                .remaining,
            0
        );
        let refused = limits
            .check_local(1, Bucket::Default, 1)
            .expect_err("over the limit");
        assert_eq!(refused.status.remaining, 0);
        assert!((1..=20).contains(&refused.retry_after), "{refused:?}");
        // Another company and another bucket are not affected.
        assert!(limits.check_local(2, Bucket::Default, 1).is_ok());
        assert_eq!(
            limits
                .check_local(1, Bucket::Webhook, 1)
                .expect("allowed")
                .limit,
            1000
        );
    }

    #[test]
    fn a_batch_is_admitted_whole_or_not_at_all() {
        let limits = GatewayLimits::new(5, 1000, 10);
        assert!(limits.check_local(1, Bucket::Default, 4).is_ok());
        let refused = limits
            .check_local(1, Bucket::Default, 2)
            .expect_err("two do not fit");
        assert!(refused.details.contains("at most 5"), "{}", refused.details);
        assert_eq!(
            limits
                .check_local(1, Bucket::Default, 1)
                .expect("one still fits")
                .remaining,
            0
        );
        let too_big = limits
            .check_local(2, Bucket::Default, 6)
            .expect_err("never fits");
        assert!(too_big.details.contains("split it"), "{}", too_big.details);
    }

    #[test]
    fn headers_are_written_as_integers() {
        let mut headers = HeaderMap::new();
        RateStatus {
            limit: 100,
            remaining: 95,
            reset: 1_719_156_000,
        }
        .apply(&mut headers);
        assert_eq!(
            headers
                .get("x-ratelimit-limit")
                .and_then(|v| v.to_str().ok()),
            Some("100")
        );
        assert_eq!(
            headers
                .get("x-ratelimit-remaining")
                .and_then(|v| v.to_str().ok()),
            Some("95")
        );
        assert_eq!(
            headers
                .get("x-ratelimit-reset")
                .and_then(|v| v.to_str().ok()),
            Some("1719156000")
        );
    }
}
