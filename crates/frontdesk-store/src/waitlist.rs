//! The waitlist's rows, and the refill: what the store needs to give a place that frees up to
//! the first matching entry inside the transaction that freed it.

use crate::outbox::NotificationDraft;
use frontdesk_domain::{BookingId, BranchId, CompanyId, CustomerId, MemberId, ServiceId, StaffId};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// Where an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WaitlistStatus {
    /// Waiting for a place.
    Waiting,
    /// A place is held for it (a `held` booking) until the member confirms or the hold ends.
    Offered,
    /// A place was booked for it (auto-book, or a held place confirmed).
    Booked,
    /// The caller left the waitlist.
    Left,
    /// A held place was not confirmed in time and went to the next entry.
    Lapsed,
    /// Its dates passed without a place.
    Expired,
}

impl WaitlistStatus {
    pub const ALL: [WaitlistStatus; 6] = [
        WaitlistStatus::Waiting,
        WaitlistStatus::Offered,
        WaitlistStatus::Booked,
        WaitlistStatus::Left,
        WaitlistStatus::Lapsed,
        WaitlistStatus::Expired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WaitlistStatus::Waiting => "waiting",
            WaitlistStatus::Offered => "offered",
            WaitlistStatus::Booked => "booked",
            WaitlistStatus::Left => "left",
            WaitlistStatus::Lapsed => "lapsed",
            WaitlistStatus::Expired => "expired",
        }
    }

    /// Still on the waitlist (waiting, or with a place held).
    pub fn is_active(self) -> bool {
        matches!(self, WaitlistStatus::Waiting | WaitlistStatus::Offered)
    }
}

impl fmt::Display for WaitlistStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for WaitlistStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        WaitlistStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == s)
            .ok_or_else(|| format!("unknown waitlist status {s:?}"))
    }
}

/// A caller's `join_waitlist` (done once booked), or a member's standing auto-book
/// preference (it stays, bounded by the member's quota).
pub const WAITLIST_REQUEST: &str = "request";
pub const WAITLIST_PREFERENCE: &str = "preference";

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WaitlistEntry {
    pub id: i64,
    pub company_id: CompanyId,
    pub customer_id: CustomerId,
    pub member_id: MemberId,
    /// [`WAITLIST_REQUEST`] or [`WAITLIST_PREFERENCE`].
    pub kind: String,
    pub service_id: ServiceId,
    pub staff_id: Option<StaffId>,
    pub first_date: Date,
    pub last_date: Date,
    /// A place's start lies in `[from_at, to_at)`: the dates in the business's time zone.
    pub from_at: Timestamp,
    pub to_at: Timestamp,
    /// Local `HH:MM`, inclusive.
    pub time_from: Option<String>,
    pub time_to: Option<String>,
    /// Bit `1 << (ISO weekday - 1)`; 0: any day.
    pub weekdays: i64,
    pub auto_book: bool,
    pub status: WaitlistStatus,
    /// The booking made or held for it (the latest, for a preference).
    pub booking_id: Option<BookingId>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewWaitlistEntry {
    pub company_id: CompanyId,
    pub customer_id: CustomerId,
    pub member_id: MemberId,
    pub kind: &'static str,
    pub service_id: ServiceId,
    pub staff_id: Option<StaffId>,
    pub first_date: Date,
    pub last_date: Date,
    pub from_at: Timestamp,
    pub to_at: Timestamp,
    pub time_from: Option<String>,
    pub time_to: Option<String>,
    pub weekdays: i64,
    pub auto_book: bool,
    pub now: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct WaitlistQuery {
    pub company_id: CompanyId,
    pub customer_id: Option<CustomerId>,
    pub member_id: Option<MemberId>,
    pub service_id: Option<ServiceId>,
    /// Empty: any kind.
    pub kinds: Vec<&'static str>,
    /// Empty: any status.
    pub statuses: Vec<WaitlistStatus>,
    pub limit: i64,
}

/// Whom a refill's message goes to: known only once the store has picked the entry.
#[derive(Debug, Clone, PartialEq)]
pub enum DraftRecipient {
    /// The entry's customer, by their phone number.
    CustomerPhone,
    /// The entry's customer, by e-mail (skipped when they have no address).
    CustomerEmail,
    /// As the draft says (the business, a webhook endpoint).
    AsDrafted,
}

/// One message of a refill. The store fills in the recipient, the payload's `member`,
/// `customer_name` (and for the business, `customer_phone`) from the entry it picked, then
/// the booking id and confirmation number as for any booking.
#[derive(Debug, Clone, PartialEq)]
pub struct RefillDraft {
    pub to: DraftRecipient,
    pub draft: NotificationDraft,
}

/// A place (or several) that may be free in one slot, to give to the waitlist: the slot, the
/// limits every booking must fit (decided by the engine: the freed slot already passed the
/// notice and window rules), and the messages of either outcome. The store takes the first
/// waiting entry that matches the slot, whose member has no booking in it (of any status, so a
/// member who cancelled a place is not put back in it) and whose quota allows one more, books
/// or holds the place for it, and repeats while places remain.
#[derive(Debug, Clone, PartialEq)]
pub struct Refill {
    pub service_id: ServiceId,
    pub branch_id: BranchId,
    pub staff_id: Option<StaffId>,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    /// The slot's local start, `HH:MM`, for the entries' time windows.
    pub local_time: String,
    /// `1 << (ISO weekday - 1)` of the slot's local date.
    pub weekday_bit: i64,
    /// Places in the slot (for a staff service: 1, with `staff_id`).
    pub capacity: i64,
    /// For a staff service: the interval its staff member must be free.
    pub staff_window: Option<(Timestamp, Timestamp)>,
    /// The company's quota; a member's own `max_active_bookings` overrides it.
    pub default_quota: Option<i64>,
    /// How long an offered place is held.
    pub hold_until: Timestamp,
    /// The messages of an auto-booking (the confirmation and reminders).
    pub booked: Vec<RefillDraft>,
    /// The messages of an offer (the place held until `hold_until`).
    pub offered: Vec<RefillDraft>,
    pub now: Timestamp,
}

/// What a refill did: the bookings made or held, with the entries they went to.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Refilled {
    pub placed: Vec<(WaitlistEntry, crate::models::Booking)>,
}

/// Confirming a place held for the member.
#[derive(Debug, Clone, PartialEq)]
pub enum HoldOutcome {
    Confirmed(crate::models::Booking),
    /// Not held any more (confirmed already, lapsed, cancelled).
    NotHeld(crate::models::Booking),
}

impl NewWaitlistEntry {
    /// Whether `entry` asks for the same thing (service, staff, times, weekdays): a saved
    /// preference that did not change keeps its entry, and its place in line, with new dates.
    pub fn same_wish(&self, entry: &WaitlistEntry) -> bool {
        self.service_id == entry.service_id
            && self.staff_id == entry.staff_id
            && self.time_from == entry.time_from
            && self.time_to == entry.time_to
            && self.weekdays == entry.weekdays
    }
}

/// The customer an entry belongs to, as a refill's messages address them.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryContact {
    pub phone: String,
    pub email: Option<String>,
    pub customer_name: Option<String>,
    pub member_name: String,
}

impl RefillDraft {
    /// The draft addressed to the entry's customer; `None` for an e-mail to a customer without
    /// an address. The same on every backend.
    pub fn for_entry(&self, contact: &EntryContact) -> Option<NotificationDraft> {
        let mut draft = self.draft.clone();
        match self.to {
            DraftRecipient::CustomerPhone => draft.recipient = contact.phone.clone(),
            DraftRecipient::CustomerEmail => draft.recipient = contact.email.clone()?,
            DraftRecipient::AsDrafted => {}
        }
        if let Some(fields) = draft.payload.as_object_mut() {
            fields.insert("member".into(), contact.member_name.clone().into());
            fields.insert("customer_name".into(), contact.customer_name.clone().into());
            if fields.contains_key("customer_phone") {
                fields.insert("customer_phone".into(), contact.phone.clone().into());
            }
            if fields.contains_key("customer_email") {
                fields.insert("customer_email".into(), contact.email.clone().into());
            }
        }
        Some(draft)
    }
}

impl Refill {
    /// The messages of placing the entry: an auto-booking's or an offer's.
    pub fn drafts_for(&self, auto_book: bool, contact: &EntryContact) -> Vec<NotificationDraft> {
        let drafts = if auto_book {
            &self.booked
        } else {
            &self.offered
        };
        drafts.iter().filter_map(|d| d.for_entry(contact)).collect()
    }
}
