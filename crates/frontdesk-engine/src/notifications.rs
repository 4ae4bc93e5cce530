//! Booking notifications, queued in the store's outbox for a delivery worker (SMS, e-mail).
//!
//! The engine never sends anything itself: `book`, `cancel` and `reschedule` write one outbox
//! row per confirmation, reschedule or cancellation, whichever surface asked (MCP tools, the
//! gateway, Retell, Vapi), and any worker (on any instance) reads the pending rows. Bookings
//! written from an import file queue nothing. The
//! booking is already durable when the row is written, so a failure to queue is logged and
//! reported as "not queued" (`confirmation_sent: false`), never as a failed booking.

use crate::Engine;
use crate::booking::BookingView;
use frontdesk_domain::CompanyId;
use frontdesk_store::NewNotification;
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

impl Engine {
    /// Queues a notification about `booking` to its customer's phone; `true` only when the
    /// row is in the outbox. `previous` is the booking before a reschedule.
    pub async fn queue_booking_notification(
        &self,
        company_id: CompanyId,
        kind: NotificationKind,
        booking: &BookingView,
        previous: Option<&BookingView>,
    ) -> bool {
        let customer = match self
            .store
            .get_customer(company_id, booking.customer_id)
            .await
        {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(booking_id = booking.id, error = %e, "notification not queued: customer not readable");
                return false;
            }
        };
        let new = NewNotification {
            company_id: customer.company_id,
            booking_id: Some(booking.id),
            kind: kind.as_str().to_string(),
            channel: SMS.to_string(),
            recipient: customer.phone.clone(),
            payload: payload(kind, booking, previous, customer.name.as_deref()),
            now: self.now(),
        };
        match self.store.enqueue_notification(new).await {
            Ok(n) => {
                tracing::info!(
                    notification_id = n.id,
                    booking_id = booking.id,
                    kind = kind.as_str(),
                    "notification queued"
                );
                true
            }
            Err(e) => {
                tracing::warn!(booking_id = booking.id, kind = kind.as_str(), error = %e, "notification not queued");
                false
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
        "booking_id": booking.id,
        "confirmation_number": booking.voucher_code,
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
