//! Booking notifications, queued in the store's outbox for a delivery worker (SMS, e-mail).
//!
//! The engine never sends anything itself: `book`, `cancel` and `reschedule` hand the store a
//! [`NotificationDraft`] with the change, and the store writes the outbox row in the change's
//! own transaction, so a booking and its confirmation are committed together or not at all —
//! whichever surface asked (MCP tools, the gateway, Retell, Vapi). Any worker (on any
//! instance) reads the pending rows. Bookings written from an import file queue nothing.

use crate::Engine;
use crate::booking::BookingView;
use frontdesk_domain::{CompanyId, CustomerId};
use frontdesk_store::NotificationDraft;
use serde_json::{Value, json};

/// What happened to the booking, as the outbox's `kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotificationKind {
    BookingConfirmed,
    BookingRescheduled,
    BookingCancelled,
}

impl NotificationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NotificationKind::BookingConfirmed => "booking_confirmed",
            NotificationKind::BookingRescheduled => "booking_rescheduled",
            NotificationKind::BookingCancelled => "booking_cancelled",
        }
    }
}

/// The channel confirmations go out on: the customer is known by their phone number.
pub const SMS: &str = "sms";

/// Whom a booking's messages go to, read once before the change's transaction.
pub(crate) struct Recipient {
    phone: String,
    name: Option<String>,
}

impl Recipient {
    pub(crate) fn new(phone: String, name: Option<String>) -> Self {
        Recipient { phone, name }
    }

    /// The outbox row announcing `booking` as the change will leave it (`previous`: before a
    /// reschedule); the store adds the booking id and confirmation number.
    pub(crate) fn draft(
        &self,
        kind: NotificationKind,
        booking: &BookingView,
        previous: Option<&BookingView>,
    ) -> NotificationDraft {
        NotificationDraft {
            kind: kind.as_str().to_string(),
            channel: SMS.to_string(),
            recipient: self.phone.clone(),
            payload: payload(kind, booking, previous, self.name.as_deref()),
        }
    }
}

impl Engine {
    /// The customer's number and name; `None` (logged, nothing queued, the change still
    /// made) when the customer cannot be read.
    pub(crate) async fn recipient(
        &self,
        company_id: CompanyId,
        customer_id: CustomerId,
    ) -> Option<Recipient> {
        match self.store.get_customer(company_id, customer_id).await {
            Ok(c) => Some(Recipient {
                phone: c.phone,
                name: c.name,
            }),
            Err(e) => {
                tracing::warn!(customer_id, error = %e, "notification not queued: customer not readable");
                None
            }
        }
    }
}

/// What a delivery worker needs to write the message without reading the database again.
fn payload(
    kind: NotificationKind,
    booking: &BookingView,
    previous: Option<&BookingView>,
    customer_name: Option<&str>,
) -> Value {
    let mut payload = json!({
        "kind": kind.as_str(),
        "customer_name": customer_name,
        "member": booking.member,
        "service": booking.service,
        "branch": booking.branch,
        "staff": booking.staff,
        "date": booking.date.to_string(),
        "time": booking.time,
        "duration_minutes": booking.duration_minutes,
        "time_zone": booking.time_zone,
        "starts_at": booking.starts_at.to_string(),
    });
    if let Some(before) = previous {
        payload["previous_date"] = json!(before.date.to_string());
        payload["previous_time"] = json!(before.time);
    }
    if kind == NotificationKind::BookingCancelled {
        payload["refund_applicable"] = json!(booking.refund_applicable.unwrap_or(false));
        payload["reason"] = json!(booking.cancellation_reason);
    }
    payload
}
