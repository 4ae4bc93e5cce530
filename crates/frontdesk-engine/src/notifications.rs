//! Booking messages, queued in the store's outbox for the delivery worker (SMS, e-mail).
//!
//! The engine never sends anything itself: `book`, `cancel` and `reschedule` hand the store
//! the drafts of every message the change causes, and the store writes them in the change's
//! own transaction, so a booking and its messages are committed together or not at all —
//! whichever surface asked (MCP tools, the gateway, Retell, Vapi). A change causes:
//!
//! - to the customer, by SMS (and by e-mail when their address is known): the confirmation,
//!   the notice of the new time, or of the cancellation;
//! - to the customer, by SMS: one reminder per offset of the company's `reminders` policy,
//!   due that long before the start (an offset already past is skipped); the store withdraws
//!   the booking's pending reminders when it moves or is cancelled;
//! - to the business (`messaging.notify_email`): a short notice of the change.
//!
//! Texts are written by the worker at sending time, in the company's language, from the
//! payload (everything the message says, so the worker reads nothing else). Bookings written
//! from an import file queue nothing.

use crate::Engine;
use crate::booking::BookingView;
use frontdesk_domain::{BookingPolicy, CompanyId, CompanyMessaging, CustomerId};
use frontdesk_store::{NotificationDraft, REMINDER_KIND, WebhookEndpoint};
use jiff::Timestamp;
use serde_json::{Value, json};

/// What happened to the booking, as the outbox's `kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotificationKind {
    BookingConfirmed,
    BookingRescheduled,
    BookingCancelled,
    BookingReminder,
    /// A place freed up and the waitlist booked it for the member (auto-book).
    WaitlistBooked,
    /// A place freed up and is held for the member until `held_until`.
    WaitlistOffered,
}

impl NotificationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NotificationKind::BookingConfirmed => "booking_confirmed",
            NotificationKind::BookingRescheduled => "booking_rescheduled",
            NotificationKind::BookingCancelled => "booking_cancelled",
            NotificationKind::BookingReminder => REMINDER_KIND,
            NotificationKind::WaitlistBooked => "waitlist_booked",
            NotificationKind::WaitlistOffered => "waitlist_offered",
        }
    }
}

/// The channel every customer has: they are known by their phone number.
pub const SMS: &str = "sms";
pub const EMAIL: &str = "email";

/// Who reads a message: the customer, or the business's own staff.
pub const AUDIENCE_CUSTOMER: &str = "customer";
pub const AUDIENCE_BUSINESS: &str = "business";

/// Whom a booking's messages go to, read once before the change's transaction.
pub(crate) struct Recipient {
    phone: String,
    name: Option<String>,
    email: Option<String>,
}

/// The company's side of a booking's messages.
pub(crate) struct Announcer<'a> {
    pub(crate) company_name: &'a str,
    pub(crate) policy: &'a BookingPolicy,
    pub(crate) messaging: &'a CompanyMessaging,
    pub(crate) webhooks: &'a [WebhookEndpoint],
    pub(crate) now: Timestamp,
}

impl Recipient {
    pub(crate) fn new(phone: String, name: Option<String>, email: Option<String>) -> Self {
        Recipient { phone, name, email }
    }

    /// Whoever the store picks from the waitlist: the drafts are addressed once the entry is
    /// known (`RefillDraft`).
    pub(crate) fn waitlist_entry() -> Self {
        Recipient {
            phone: String::new(),
            name: None,
            email: Some(String::new()),
        }
    }

    /// Every outbox row announcing `booking` as the change will leave it (`previous`: before
    /// a reschedule); the store adds the booking id and confirmation number.
    pub(crate) fn drafts(
        &self,
        company: &Announcer<'_>,
        kind: NotificationKind,
        booking: &BookingView,
        previous: Option<&BookingView>,
    ) -> Vec<NotificationDraft> {
        let payload = payload(
            kind,
            booking,
            previous,
            self.name.as_deref(),
            company.company_name,
        );
        let draft = |kind: NotificationKind, channel: &str, to: &str, audience: &str, due| {
            let mut payload = payload.clone();
            payload["kind"] = json!(kind.as_str());
            payload["audience"] = json!(audience);
            if audience == AUDIENCE_BUSINESS {
                // The business calls its customer back; the customer needs no number of theirs.
                payload["customer_phone"] = json!(self.phone);
            }
            NotificationDraft {
                kind: kind.as_str().to_string(),
                channel: channel.to_string(),
                recipient: to.to_string(),
                payload,
                due_at: due,
            }
        };
        let mut drafts = vec![draft(kind, SMS, &self.phone, AUDIENCE_CUSTOMER, None)];
        if let Some(email) = &self.email {
            drafts.push(draft(kind, EMAIL, email, AUDIENCE_CUSTOMER, None));
        }
        if let Some(staff) = &company.messaging.notify_email {
            drafts.push(draft(kind, EMAIL, staff, AUDIENCE_BUSINESS, None));
        }
        if let Some(event) = crate::webhooks::booking_event(kind.as_str()) {
            for endpoint in company.webhooks.iter().filter(|e| e.wants(event)) {
                let mut data = payload.clone();
                data["customer_phone"] = json!(self.phone);
                data["customer_email"] = json!(self.email);
                drafts.push(NotificationDraft {
                    kind: event.to_string(),
                    channel: crate::webhooks::WEBHOOK.to_string(),
                    recipient: endpoint.id.to_string(),
                    payload: data,
                    due_at: None,
                });
            }
        }
        if !matches!(
            kind,
            NotificationKind::BookingCancelled | NotificationKind::WaitlistOffered
        ) {
            // A reminder already due would arrive with the confirmation: skipped.
            for offset in &company.policy.reminders {
                let due = offset.due(booking.starts_at);
                if due > company.now {
                    let mut reminder = draft(
                        NotificationKind::BookingReminder,
                        SMS,
                        &self.phone,
                        AUDIENCE_CUSTOMER,
                        Some(due),
                    );
                    reminder.payload["reminder"] = json!(offset.to_string());
                    drafts.push(reminder);
                }
            }
        }
        drafts
    }
}

impl Engine {
    /// The customer's number, name and e-mail; `None` (logged, nothing queued, the change
    /// still made) when the customer cannot be read.
    pub(crate) async fn recipient(
        &self,
        company_id: CompanyId,
        customer_id: CustomerId,
    ) -> Option<Recipient> {
        match self.store.get_customer(company_id, customer_id).await {
            Ok(c) => Some(Recipient::new(c.phone, c.name, c.email)),
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
    company_name: &str,
) -> Value {
    let mut payload = json!({
        "kind": kind.as_str(),
        "company": company_name,
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
        "ends_at": booking.ends_at.to_string(),
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
