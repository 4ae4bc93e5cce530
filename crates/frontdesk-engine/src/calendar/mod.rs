//! Calendars: bookings as RFC 5545 events, for the subscribable feeds of a branch or a staff
//! member (`GET /ical/{token}.ics`) and for e-mailed invitations.
//!
//! # Design
//!
//! [`ics`] writes the text and knows nothing of bookings: pure functions of a
//! [`CalendarEvent`] list, so the same bookings always give the same bytes (a feed's ETag
//! is the hash of its body). [`booking_event`] turns a booking into an event: a `UID`
//! stable per booking, its `SEQUENCE` (raised by the store on every reschedule and on the
//! cancellation), local times in the branch's zone. [`feeds`] holds the use cases: create,
//! list, revoke and render a feed behind its secret token.

pub mod feeds;
pub mod ics;

pub use feeds::{CreatedFeed, FeedTarget, FeedView, RenderedFeed, RevokedFeed};
pub use ics::{CalendarEvent, EventStatus, Method, Party, feed, invitation};

use crate::Engine;
use crate::catalog::Catalog;
use crate::error::EngineResult;
use frontdesk_domain::{BookingStatus, CompanyId};
use frontdesk_store::Booking;
use i18n_embed_fl::fl;

/// The `UID` of a booking's event, the same in every feed and invitation, for ever.
pub fn booking_uid(company_slug: &str, booking_id: i64) -> String {
    format!("booking-{booking_id}@{company_slug}.frontdesk")
}

/// What an event shows besides its times: decided by the caller (the feed and the
/// invitation say the same, see [`Engine::calendar_event`]).
#[derive(Debug, Clone, PartialEq)]
pub struct EventText {
    pub summary: String,
    pub location: Option<String>,
    pub description: Option<String>,
}

/// A booking as an event in `time_zone` (its branch's IANA zone): `CANCELLED` when the
/// booking was cancelled, `CONFIRMED` otherwise (completed and no-show bookings still
/// happened at that time).
pub fn booking_event(
    company_slug: &str,
    time_zone: &str,
    booking: &Booking,
    text: EventText,
) -> CalendarEvent {
    CalendarEvent {
        uid: booking_uid(company_slug, booking.id),
        sequence: booking.sequence,
        status: match booking.status {
            BookingStatus::Cancelled => EventStatus::Cancelled,
            _ => EventStatus::Confirmed,
        },
        starts_at: booking.starts_at,
        ends_at: booking.ends_at,
        time_zone: time_zone.to_string(),
        summary: text.summary,
        location: text.location,
        description: text.description,
        updated_at: booking.updated_at,
    }
}

impl Engine {
    /// The event of one of the company's bookings, as its feeds show it: for the `.ics` of
    /// an e-mailed confirmation ([`invitation`]). `member_name` is the name of the member
    /// the booking is for, when the caller has it.
    pub async fn calendar_event(
        &self,
        company_id: CompanyId,
        booking: &Booking,
        member_name: Option<&str>,
    ) -> EngineResult<CalendarEvent> {
        let catalog = self.catalog(company_id).await?;
        Ok(event_of(&catalog, booking, member_name))
    }
}

impl Engine {
    /// The event an e-mailed message about a booking carries: the booking as its feeds
    /// show it, at the time the message announces (a later move has its own message), and
    /// the method: `CANCEL` for a cancellation, `REQUEST` otherwise. `None` for a message
    /// without a booking, or whose booking is gone.
    pub async fn message_event(
        &self,
        message: &frontdesk_store::Notification,
    ) -> EngineResult<Option<(CalendarEvent, Method)>> {
        // A place only offered (held) is not in anyone's calendar until it is confirmed.
        let Some(booking_id) = message
            .booking_id
            .filter(|_| message.kind != "waitlist_offered")
        else {
            return Ok(None);
        };
        let booking = match self.store.get_booking(message.company_id, booking_id).await {
            Ok(b) => b,
            Err(frontdesk_store::StoreError::NotFound) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let member = message.payload.get("member").and_then(|m| m.as_str());
        let mut event = self
            .calendar_event(message.company_id, &booking, member)
            .await?;
        let at = |field: &str| {
            message
                .payload
                .get(field)
                .and_then(|v| v.as_str())
                .and_then(|s| s.parse::<jiff::Timestamp>().ok())
        };
        if let (Some(starts), Some(ends)) = (at("starts_at"), at("ends_at")) {
            event.starts_at = starts;
            event.ends_at = ends;
        }
        let method = if message.kind == "booking_cancelled" {
            Method::Cancel
        } else {
            event.status = EventStatus::Confirmed;
            Method::Request
        };
        Ok(Some((event, method)))
    }
}

/// The branch's IANA zone name (the company's when the branch has none or an unknown one).
pub(crate) fn zone_name(catalog: &Catalog, branch_id: i64) -> String {
    catalog
        .branch(branch_id)
        .and_then(|b| b.time_zone.as_deref())
        .filter(|name| jiff::tz::TimeZone::get(name).is_ok())
        .unwrap_or(&catalog.company.time_zone)
        .to_string()
}

/// A booking's event in the company's words: "service – member" (the service alone when the
/// booking is for no member), the branch's address (else the company's), and the
/// confirmation code as the description. No phone number or other caller data.
pub(crate) fn event_of(
    catalog: &Catalog,
    booking: &Booking,
    member_name: Option<&str>,
) -> CalendarEvent {
    let locale = frontdesk_locale::resolve(catalog.company.language.tag()).locale;
    let texts = crate::prompts::TEXTS.get(locale);
    let service = catalog
        .services
        .iter()
        .find(|s| s.id == booking.service_id)
        .map(|s| s.name.clone())
        .unwrap_or_default();
    let summary = match member_name.map(str::trim).filter(|m| !m.is_empty()) {
        Some(member) => fl!(
            texts,
            "calendar-event-summary",
            service = service.as_str(),
            member = member
        ),
        None => service,
    };
    let location = catalog
        .branch(booking.branch_id)
        .and_then(|b| b.address.clone())
        .or_else(|| catalog.company.address.clone());
    let description = fl!(
        texts,
        "calendar-event-description",
        code = booking.voucher_code.as_str()
    );
    booking_event(
        &catalog.company.slug,
        &zone_name(catalog, booking.branch_id),
        booking,
        EventText {
            summary,
            location,
            description: Some(description),
        },
    )
}
