//! Calendar feeds: `GET /ical/{token}.ics`, a branch's or a staff member's bookings as
//! RFC 5545 text for calendar applications to subscribe to. The engine renders the feed
//! (`frontdesk_engine::calendar`); this adapter only maps the token, the caching headers and
//! the status codes.

pub mod feed;
