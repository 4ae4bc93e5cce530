//! Calendar feeds: the secret iCalendar URL of a branch or a staff member, and the bookings
//! such a feed shows.

use crate::Booking;
use frontdesk_domain::*;
use jiff::Timestamp;
use serde::Serialize;

/// Whose bookings a feed shows: exactly one branch or one staff member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum FeedSubject {
    Branch(BranchId),
    Staff(StaffId),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CalendarFeed {
    pub id: CalendarFeedId,
    pub company_id: CompanyId,
    pub subject: FeedSubject,
    pub created_at: Timestamp,
    /// A revoked feed's URL answers 404; the row stays for the record.
    pub revoked_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewCalendarFeed {
    pub company_id: CompanyId,
    pub subject: FeedSubject,
    /// Hex SHA-256 of the token; the token itself is never stored.
    pub token_hash: String,
    pub now: Timestamp,
}

/// The bookings of one feed: those of its subject overlapping [from, to), in any status
/// except cancelled ones cancelled at or before `cancelled_after` (a recent cancellation
/// stays in the feed, so calendars that hold the event learn it was cancelled).
#[derive(Debug, Clone, PartialEq)]
pub struct FeedBookingsQuery {
    pub company_id: CompanyId,
    pub subject: FeedSubject,
    pub from: Timestamp,
    pub to: Timestamp,
    pub cancelled_after: Timestamp,
    /// Most bookings returned, earliest start first.
    pub limit: i64,
}

/// A booking in a feed, with the name of the member it is for (what the business's calendar
/// shows; no phone number or other caller data).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeedBooking {
    pub booking: Booking,
    pub member_name: Option<String>,
}
