//! The outbox seen from the delivery worker and the operator: take the messages due, record
//! how each attempt ended (with backoff and a bounded number of tries), list, retry, and
//! apply a provider's later report. The sending itself (SMS, e-mail, webhooks) lives in the
//! delivery crate; the rules of when and how often live here.

use crate::Engine;
use crate::error::{EngineError, EngineResult, NotFoundAs};
use frontdesk_domain::{BookingStatus, CompanyId};
use frontdesk_store::{
    AttemptOutcome, MessageClaim, MessageQuery, MessageStats, Notification, ProviderReport,
    REMINDER_KIND, StoreError,
};
use jiff::{SignedDuration, Timestamp};
use rand::Rng;
use std::time::Duration;

/// When and how often a message is tried.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// The wait before the first retry; each further one doubles it (with ±25 % jitter).
    pub first_retry: Duration,
    /// The longest wait between two attempts.
    pub max_wait: Duration,
    /// Attempts in all, the first included; the last failure marks the message `failed`.
    pub max_attempts: i32,
}

impl Default for RetryPolicy {
    /// 10 s, 20 s, 40 s, … up to an hour, eight attempts: a confirmation held up by a
    /// provider's hiccup is late by seconds, and one the provider keeps refusing gives up
    /// after about four hours.
    fn default() -> Self {
        RetryPolicy {
            first_retry: Duration::from_secs(10),
            max_wait: Duration::from_secs(3600),
            max_attempts: 8,
        }
    }
}

impl RetryPolicy {
    /// The wait after the `attempt`-th attempt failed (1 for the first), jittered.
    pub fn wait_after(&self, attempt: i32) -> Duration {
        let doublings = u32::try_from(attempt.saturating_sub(1).clamp(0, 30)).unwrap_or(30);
        let base = self
            .first_retry
            .saturating_mul(2u32.saturating_pow(doublings))
            .min(self.max_wait);
        let jitter = rand::thread_rng().gen_range(0.75..=1.25);
        base.mul_f64(jitter).min(self.max_wait)
    }
}

/// How one attempt went, as the channel saw it.
#[derive(Debug, Clone, PartialEq)]
pub enum Attempt {
    Sent {
        provider_id: Option<String>,
    },
    /// Worth trying again (a timeout, a 5xx, a 429).
    Transient(String),
    /// Trying again would fail the same way (a 4xx: a bad number, a refused sender).
    Permanent(String),
    /// Not to be sent any more (its webhook endpoint was removed): `cancelled`.
    Withdrawn(String),
}

impl Engine {
    /// Takes the messages due now on `channels` for `lease` (then another worker may take
    /// them again, should this one die).
    pub async fn claim_messages(
        &self,
        channels: &[&str],
        lease: Duration,
        limit: i64,
    ) -> EngineResult<Vec<Notification>> {
        let now = self.now();
        let lease = SignedDuration::try_from(lease).unwrap_or(SignedDuration::from_secs(60));
        Ok(self
            .store
            .claim_messages(MessageClaim {
                channels: channels.iter().map(|c| c.to_string()).collect(),
                now,
                lease_until: now.saturating_add(lease).unwrap_or(now),
                limit,
            })
            .await?)
    }

    /// Whether a reminder still announces what holds: its booking confirmed and starting
    /// when the reminder says. Other messages always hold (they report a change made).
    pub async fn message_still_holds(&self, message: &Notification) -> EngineResult<bool> {
        if message.kind != REMINDER_KIND {
            return Ok(true);
        }
        let Some(booking_id) = message.booking_id else {
            return Ok(false);
        };
        let booking = match self.store.get_booking(message.company_id, booking_id).await {
            Ok(b) => b,
            Err(StoreError::NotFound) => return Ok(false),
            Err(e) => return Err(e.into()),
        };
        let announced = message
            .payload
            .get("starts_at")
            .and_then(|v| v.as_str())
            .and_then(|s| s.parse::<Timestamp>().ok());
        Ok(booking.status == BookingStatus::Confirmed
            && announced == Some(booking.starts_at)
            && booking.starts_at > self.now())
    }

    /// Records how an attempt on a message this worker holds ended: sent, retried later
    /// (backoff), or failed for good (a permanent error, or the last attempt).
    pub async fn finish_attempt(
        &self,
        message: &Notification,
        attempt: Attempt,
        retry: &RetryPolicy,
    ) -> EngineResult<Notification> {
        let now = self.now();
        let outcome = match attempt {
            Attempt::Sent { provider_id } => AttemptOutcome::Sent { provider_id },
            Attempt::Permanent(error) => AttemptOutcome::Failed { error },
            Attempt::Withdrawn(reason) => AttemptOutcome::Cancelled { reason },
            Attempt::Transient(error) if message.attempts >= retry.max_attempts => {
                AttemptOutcome::Failed {
                    error: format!("{error} (gave up after {} attempts)", message.attempts),
                }
            }
            Attempt::Transient(error) => {
                let wait = SignedDuration::try_from(retry.wait_after(message.attempts))
                    .unwrap_or(SignedDuration::from_secs(60));
                AttemptOutcome::Retry {
                    at: now.saturating_add(wait).unwrap_or(now),
                    error,
                }
            }
        };
        let done = self.store.finish_message(message.id, outcome, now).await?;
        if done.status == frontdesk_store::MessageStatus::Failed
            && done.channel != crate::webhooks::WEBHOOK
        {
            let data = serde_json::json!({
                "message_id": done.id,
                "kind": done.kind,
                "channel": done.channel,
                "recipient": mask(&done.recipient),
                "booking_id": done.booking_id,
                "attempts": done.attempts,
                "last_error": done.last_error,
            });
            if let Err(e) = self
                .queue_event(done.company_id, done.booking_id, "message.failed", data)
                .await
            {
                tracing::warn!(message_id = done.id, error = %e, "message.failed not queued");
            }
        }
        Ok(done)
    }

    /// Withdraws a message the worker holds that no longer holds (a reminder of a booking
    /// that moved or was cancelled while it waited).
    pub async fn withdraw_message(
        &self,
        message: &Notification,
        reason: &str,
    ) -> EngineResult<Notification> {
        Ok(self
            .store
            .finish_message(
                message.id,
                AttemptOutcome::Cancelled {
                    reason: reason.to_string(),
                },
                self.now(),
            )
            .await?)
    }

    pub async fn list_messages(&self, query: MessageQuery) -> EngineResult<Vec<Notification>> {
        Ok(self.store.list_messages(query).await?)
    }

    /// Puts a failed or withdrawn message back in the queue, due now.
    pub async fn retry_message(&self, id: i64) -> EngineResult<Notification> {
        match self.store.retry_message(id, self.now()).await {
            Ok(n) => Ok(n),
            Err(StoreError::Conflict(why)) => Err(EngineError::invalid(
                "id",
                format!("{why}: only a failed, cancelled or pending message can be retried"),
            )),
            Err(e) => Err(e).or_not_found("message"),
        }
    }

    /// A provider's later report (delivered, or failed after it accepted the message).
    pub async fn message_report(
        &self,
        channel: &str,
        provider_id: &str,
        report: ProviderReport,
    ) -> EngineResult<Notification> {
        self.store
            .record_provider_report(channel, provider_id, report, self.now())
            .await
            .or_not_found("message")
    }

    pub async fn message_stats(&self) -> EngineResult<MessageStats> {
        Ok(self.store.message_stats(self.now()).await?)
    }

    /// The company a message belongs to, for its language and settings.
    pub async fn message_company(
        &self,
        company_id: CompanyId,
    ) -> EngineResult<frontdesk_store::Company> {
        Ok(self.catalog(company_id).await?.company.clone())
    }
}

/// A recipient shown to a webhook: enough to recognise, not to reuse ("+55119…99", "j…@example.com").
fn mask(recipient: &str) -> String {
    let chars: Vec<char> = recipient.chars().collect();
    if let Some(at) = recipient.find('@') {
        let first = recipient.chars().next().unwrap_or('?');
        return format!("{first}…{}", &recipient[at..]);
    }
    if chars.len() <= 6 {
        return "…".into();
    }
    let head: String = chars[..5].iter().collect();
    let tail: String = chars[chars.len() - 2..].iter().collect();
    format!("{head}…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_and_the_first_retry_is_within_30_seconds() {
        let p = RetryPolicy::default();
        for _ in 0..200 {
            let first = p.wait_after(1);
            assert!(first >= Duration::from_millis(7500) && first <= Duration::from_millis(12500));
            let third = p.wait_after(3);
            assert!(third >= Duration::from_secs(30) && third <= Duration::from_secs(50));
            assert!(p.wait_after(40) <= p.max_wait);
        }
    }
}
