//! Rate limits counted in Redis, so every instance draws on the same allowance: GCRA in one
//! Lua script (atomic; the clock is Redis's, so instances with skewed clocks agree).
//!
//! The algorithm is the one governor runs in-process: `limit` calls per minute, a burst of
//! the whole allowance, refilled evenly (one call every `60 s / limit`). The bucket's state
//! is one key holding the "theoretical arrival time" in microseconds, expiring when the
//! bucket is full again, so idle keys cost nothing.

use super::redis::{Redis, Unavailable};
use std::sync::LazyLock;
use std::time::Duration;

/// `KEYS[1]` the bucket; `ARGV` the emission interval (µs), the limit, the calls to count.
/// Returns `{verdict, remaining, wait_us, full_after_us}`; verdict 1 allowed, 0 refused, -1
/// more calls than the bucket ever holds.
const GCRA: &str = r#"
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000000 + tonumber(now_parts[2])
local interval = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local n = tonumber(ARGV[3])
local burst = interval * limit
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
if n > limit then
  return {-1, 0, 60000000, tat - now}
end
local new_tat = tat + n * interval
local allow_at = new_tat - burst
if allow_at > now then
  return {0, 0, allow_at - now, tat - now}
end
redis.call('SET', KEYS[1], string.format('%d', new_tat), 'PX', math.ceil((new_tat - now) / 1000) + 1)
return {1, math.floor((burst - (new_tat - now)) / interval), 0, new_tat - now}
"#;

static SCRIPT: LazyLock<redis::Script> = LazyLock::new(|| redis::Script::new(GCRA));

/// What the shared bucket said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allowed {
        remaining: u32,
        /// Until the bucket is full again.
        full_after: Duration,
    },
    Refused {
        /// Until the next call is allowed.
        wait: Duration,
        full_after: Duration,
    },
    /// More calls at once than the limit: never allowed.
    TooMany,
}

impl Redis {
    /// Counts `calls` calls against `bucket` (a key under the prefix, such as
    /// `rl:sess-ip:127.0.0.1`) allowing `limit` per minute; all of them or none.
    pub async fn gcra(&self, bucket: &str, limit: u32, calls: u32) -> Result<Verdict, Unavailable> {
        let limit = limit.max(1);
        let interval_us = 60_000_000u64 / u64::from(limit);
        let key = self.key(bucket);
        let (verdict, remaining, wait_us, full_us): (i64, i64, i64, i64) = self
            .run("rate_limit", |mut c| async move {
                SCRIPT
                    .key(key)
                    .arg(interval_us.max(1))
                    .arg(limit)
                    .arg(calls.max(1))
                    .invoke_async(&mut c)
                    .await
            })
            .await?;
        let micros = |us: i64| Duration::from_micros(us.max(0) as u64);
        Ok(match verdict {
            1 => Verdict::Allowed {
                remaining: remaining.clamp(0, i64::from(limit)) as u32,
                full_after: micros(full_us),
            },
            0 => Verdict::Refused {
                wait: micros(wait_us),
                full_after: micros(full_us),
            },
            _ => Verdict::TooMany,
        })
    }
}
