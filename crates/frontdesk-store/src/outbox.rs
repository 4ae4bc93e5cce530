//! The message outbox's rows: what the engine queues next to the booking change it announces,
//! and where each message is in its delivery.

use crate::models::Booking;
use frontdesk_domain::{BookingId, CompanyId};
use jiff::Timestamp;
use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// The kind of the reminders a booking schedules: withdrawn (cancelled) by the store in the
/// transaction that moves or cancels the booking, so none goes out for a time that no longer
/// holds.
pub const REMINDER_KIND: &str = "booking_reminder";

/// The `last_error` of a message taken again after its worker's lease ran out: the previous
/// attempt may or may not have reached the provider, so a channel that can ask the provider
/// (Twilio's message list) does before sending again.
pub const UNFINISHED_ATTEMPT: &str =
    "the previous attempt ended without an outcome (its worker stopped before recording it)";

/// Where a message is in its delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum MessageStatus {
    /// Waiting for its time (`next_attempt_at`) or for a channel to be configured.
    Pending,
    /// Held by a worker until its lease ends (then another may take it again).
    Sending,
    /// The provider accepted it.
    Sent,
    /// The provider reported it delivered.
    Delivered,
    /// Given up: a permanent error, the last attempt, or the provider's report.
    Failed,
    /// Withdrawn before sending (a reminder of a booking that moved or was cancelled).
    Cancelled,
}

impl MessageStatus {
    pub const ALL: [MessageStatus; 6] = [
        MessageStatus::Pending,
        MessageStatus::Sending,
        MessageStatus::Sent,
        MessageStatus::Delivered,
        MessageStatus::Failed,
        MessageStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MessageStatus::Pending => "pending",
            MessageStatus::Sending => "sending",
            MessageStatus::Sent => "sent",
            MessageStatus::Delivered => "delivered",
            MessageStatus::Failed => "failed",
            MessageStatus::Cancelled => "cancelled",
        }
    }
}

impl fmt::Display for MessageStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for MessageStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        MessageStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "unknown message status {s:?} (one of pending, sending, sent, delivered, \
                     failed, cancelled)"
                )
            })
    }
}

/// A message to a customer or the business (SMS, e-mail) or an event to a webhook endpoint.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Notification {
    pub id: i64,
    pub company_id: CompanyId,
    pub booking_id: Option<BookingId>,
    /// `booking_confirmed`, `booking_rescheduled`, `booking_cancelled`, `booking_reminder`, …
    pub kind: String,
    /// `sms`, `email`, `webhook`.
    pub channel: String,
    /// A phone number (E.164), an e-mail address or a webhook endpoint's id.
    pub recipient: String,
    pub payload: serde_json::Value,
    pub status: MessageStatus,
    /// Attempts made so far (taken by a worker).
    pub attempts: i32,
    /// When a worker may take it next (a reminder's due time, a retry's backoff).
    pub next_attempt_at: Timestamp,
    /// The provider's message id (Twilio's `sid`, the e-mail's `Message-ID`).
    pub provider_id: Option<String>,
    pub last_error: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub sent_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewNotification {
    pub company_id: CompanyId,
    pub booking_id: Option<BookingId>,
    pub kind: String,
    pub channel: String,
    pub recipient: String,
    pub payload: serde_json::Value,
    pub now: Timestamp,
    /// Not before (a reminder); `None`: at once.
    pub due_at: Option<Timestamp>,
}

/// A notification written in the same transaction as the booking change it announces, so the
/// change and its message are committed together or not at all.
#[derive(Debug, Clone, PartialEq)]
pub struct NotificationDraft {
    pub kind: String,
    pub channel: String,
    pub recipient: String,
    /// Everything but `booking_id` and `confirmation_number`, which exist only once the
    /// booking is written.
    pub payload: serde_json::Value,
    /// Not before (a reminder); `None`: at once.
    pub due_at: Option<Timestamp>,
}

impl NotificationDraft {
    /// The outbox row for `booking`, as written by the transaction that changed it.
    pub fn for_booking(&self, booking: &Booking, now: Timestamp) -> NewNotification {
        let mut payload = self.payload.clone();
        if let Some(fields) = payload.as_object_mut() {
            fields.insert("booking_id".into(), booking.id.into());
            fields.insert(
                "confirmation_number".into(),
                booking.voucher_code.clone().into(),
            );
        }
        NewNotification {
            company_id: booking.company_id,
            booking_id: Some(booking.id),
            kind: self.kind.clone(),
            channel: self.channel.clone(),
            recipient: self.recipient.clone(),
            payload,
            now,
            due_at: self.due_at,
        }
    }
}

/// A worker taking the messages it can send now.
#[derive(Debug, Clone, PartialEq)]
pub struct MessageClaim {
    /// The channels this worker has configured; rows of others stay pending.
    pub channels: Vec<String>,
    pub now: Timestamp,
    /// Until when the rows are the worker's (then another worker may take them again).
    pub lease_until: Timestamp,
    pub limit: i64,
}

/// How an attempt ended.
#[derive(Debug, Clone, PartialEq)]
pub enum AttemptOutcome {
    /// The provider accepted it, with its message id when it gives one.
    Sent { provider_id: Option<String> },
    /// Try again at `at`.
    Retry { at: Timestamp, error: String },
    /// Given up.
    Failed { error: String },
    /// Not sent and never will be (its booking moved or was cancelled meanwhile).
    Cancelled { reason: String },
}

/// The columns an attempt's outcome sets, the same on every backend.
#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeColumns {
    pub status: &'static str,
    /// Kept when `None` (COALESCE).
    pub provider_id: Option<String>,
    /// Kept when `None`.
    pub next_attempt_at: Option<i64>,
    /// Kept when `None`.
    pub sent_at: Option<i64>,
    pub last_error: Option<String>,
}

impl AttemptOutcome {
    pub fn columns(self, now: Timestamp) -> OutcomeColumns {
        let (status, provider_id, next_attempt_at, sent_at, last_error) = match self {
            AttemptOutcome::Sent { provider_id } => {
                ("sent", provider_id, None, Some(now.as_second()), None)
            }
            AttemptOutcome::Retry { at, error } => {
                ("pending", None, Some(at.as_second()), None, Some(error))
            }
            AttemptOutcome::Failed { error } => ("failed", None, None, None, Some(error)),
            AttemptOutcome::Cancelled { reason } => ("cancelled", None, None, None, Some(reason)),
        };
        OutcomeColumns {
            status,
            provider_id,
            next_attempt_at,
            sent_at,
            last_error,
        }
    }
}

/// What a provider reported later about a message it accepted.
#[derive(Debug, Clone, PartialEq)]
pub enum ProviderReport {
    Delivered,
    Failed { error: String },
}

impl ProviderReport {
    /// The status and error the report sets on a sent message.
    pub fn columns(self) -> (&'static str, Option<String>) {
        match self {
            ProviderReport::Delivered => ("delivered", None),
            ProviderReport::Failed { error } => ("failed", Some(error)),
        }
    }
}

/// Which messages to list, newest first.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MessageQuery {
    pub company_id: Option<CompanyId>,
    pub status: Option<MessageStatus>,
    pub booking_id: Option<BookingId>,
    pub channel: Option<String>,
    pub recipient: Option<String>,
    /// `0`: the default (100).
    pub limit: i64,
}

/// The outbox at a glance, for `/metrics`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MessageStats {
    /// Rows per status (every status present, zeros included).
    pub by_status: Vec<(MessageStatus, i64)>,
    /// The oldest due time of a row still to send that is due (`None`: nothing due).
    pub oldest_due: Option<Timestamp>,
}

impl MessageStats {
    /// From `(status, count)` rows as a `GROUP BY status` returns them.
    pub fn from_counts(counts: &[(String, i64)], oldest_due: Option<Timestamp>) -> Self {
        let by_status = MessageStatus::ALL
            .into_iter()
            .map(|status| {
                let n = counts
                    .iter()
                    .find(|(s, _)| s == status.as_str())
                    .map_or(0, |(_, n)| *n);
                (status, n)
            })
            .collect();
        MessageStats {
            by_status,
            oldest_due,
        }
    }

    pub fn count(&self, status: MessageStatus) -> i64 {
        self.by_status
            .iter()
            .find(|(s, _)| *s == status)
            .map_or(0, |(_, n)| *n)
    }
}

/// A company's webhook endpoint: where its events are posted, signed with its secret.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WebhookEndpoint {
    pub id: i64,
    pub company_id: CompanyId,
    pub url: String,
    /// Event names it receives; empty: every event.
    pub events: Vec<String>,
    /// The `whsec_…` secret, encrypted by the engine.
    #[serde(skip)]
    pub secret_enc: String,
    pub created_at: Timestamp,
    pub disabled_at: Option<Timestamp>,
}

impl WebhookEndpoint {
    pub fn wants(&self, event: &str) -> bool {
        self.disabled_at.is_none()
            && (self.events.is_empty() || self.events.iter().any(|e| e == event))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewWebhookEndpoint {
    pub company_id: CompanyId,
    pub url: String,
    pub events: Vec<String>,
    pub secret_enc: String,
    pub now: Timestamp,
}
