//! What each tool returns as `structuredContent`, and the `outputSchema` it is described by.
//!
//! These mirror the engine's views rather than reusing them: the engine has no schema
//! dependency, and the wire contract should not change whenever an engine struct does.
//! Dates are `YYYY-MM-DD` and times `HH:MM` in the branch's time zone; instants are RFC 3339.

use frontdesk_domain::MemberPreferences;
use frontdesk_domain::preferences::weekday_name;
use frontdesk_engine::business::{BranchInfo, DayHours, ExceptionInfo, ServiceInfo};
use frontdesk_engine::error::Alternative;
use frontdesk_engine::waitlist::WaitlistView;
use frontdesk_engine::{BookingView, BusinessInfo, Slot};
use frontdesk_store::Member;
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct MembersOutput {
    /// Whether the phone number belongs to a customer of the business. When false, the
    /// caller can still ask about the business and availability.
    pub known_caller: bool,
    pub members: Vec<MemberOutput>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct MemberOutput {
    pub member_id: i64,
    pub name: String,
    pub level: Option<String>,
    /// `self`, `child`, `partner`, ...
    pub relationship: Option<String>,
}

impl From<&Member> for MemberOutput {
    fn from(m: &Member) -> Self {
        MemberOutput {
            member_id: m.id,
            name: m.name.clone(),
            level: m.level.clone(),
            relationship: m.relationship.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct PreferencesOutput {
    pub member_id: i64,
    pub member: String,
    /// Nothing is saved.
    pub empty: bool,
    pub preferences: PreferencesData,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct PreferencesData {
    pub services: Vec<String>,
    pub attributes: BTreeMap<String, Vec<String>>,
    /// `HH:MM`.
    pub target_hours: Vec<String>,
    /// English lower-case weekday names.
    pub target_weekdays: Vec<String>,
    /// `YYYY-MM-DD`.
    pub target_dates: Vec<String>,
    pub notes: Option<String>,
    /// The member is booked automatically into matching sessions as places open.
    pub auto_book: bool,
}

impl From<&MemberPreferences> for PreferencesData {
    fn from(p: &MemberPreferences) -> Self {
        PreferencesData {
            services: p.services.clone(),
            attributes: p.attributes.clone(),
            target_hours: p.target_hours.iter().map(ToString::to_string).collect(),
            target_weekdays: p.target_weekdays.clone(),
            target_dates: p.target_dates.iter().map(ToString::to_string).collect(),
            notes: p.notes.clone(),
            auto_book: p.auto_book,
        }
    }
}

/// Borrows from the engine's slots: `get_availability` is the hottest tool, and copying every
/// name into this struct before serialising copied it twice.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct AvailabilityOutput<'a> {
    pub date_from: String,
    pub date_to: String,
    pub time_zone: &'a str,
    /// Slots are ordered by the member's preferences (best first) instead of by time.
    pub ranked: bool,
    /// Free slots found; `slots` holds at most the first 50.
    pub total: usize,
    /// More slots were found than listed: narrow the dates or filters.
    pub truncated: bool,
    pub slots: Vec<SlotOutput<'a>>,
    /// When nothing is free in the range: the first free slot after it, if any.
    pub next_available: Option<SlotOutput<'a>>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SlotOutput<'a> {
    pub service_id: i64,
    pub service_code: &'a str,
    pub service: &'a str,
    pub attributes: &'a BTreeMap<String, String>,
    pub date: String,
    /// English lower-case weekday name.
    pub weekday: &'static str,
    pub time: String,
    pub starts_at: String,
    pub duration_minutes: i32,
    pub capacity: i64,
    /// Places left.
    pub remaining: i64,
    /// For appointments with staff: who is free.
    pub staff: Vec<&'a str>,
    /// Preference match score (0 when not ranked).
    pub score: u32,
}

impl<'a> From<&'a Slot> for SlotOutput<'a> {
    fn from(s: &'a Slot) -> Self {
        SlotOutput {
            service_id: s.service_id,
            service_code: &s.service_code,
            service: &s.service_name,
            attributes: &s.attributes,
            date: s.date.to_string(),
            weekday: weekday_name(s.date.weekday()),
            time: hh_mm(s.time),
            starts_at: s.starts_at.to_string(),
            duration_minutes: s.duration_minutes,
            capacity: s.capacity,
            remaining: s.remaining,
            staff: s.staff.iter().map(|st| st.name.as_str()).collect(),
            score: s.score,
        }
    }
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct BookingOutput {
    pub booking_id: i64,
    /// Short code the caller can quote (e.g. KRM-482).
    pub voucher_code: String,
    /// `confirmed`, `held` (a waitlist place kept until `held_until`), `cancelled`,
    /// `completed` or `no_show`.
    pub status: String,
    pub service_id: i64,
    pub service: String,
    pub service_code: String,
    pub attributes: BTreeMap<String, String>,
    pub branch: String,
    pub staff: Option<String>,
    pub member_id: Option<i64>,
    pub member: Option<String>,
    pub date: String,
    /// English lower-case weekday name.
    pub weekday: String,
    pub time: String,
    pub duration_minutes: i64,
    pub time_zone: String,
    pub starts_at: String,
    pub ends_at: String,
    pub cancellation_reason: Option<String>,
    /// For cancelled bookings: whether the cancellation was free.
    pub refund_applicable: Option<bool>,
    /// For a place held from the waitlist: until when (RFC 3339); book_session for the same
    /// member, service, date and time confirms it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub held_until: Option<String>,
}

impl From<&BookingView> for BookingOutput {
    fn from(b: &BookingView) -> Self {
        BookingOutput {
            booking_id: b.id,
            voucher_code: b.voucher_code.clone(),
            status: b.status.to_string(),
            service_id: b.service_id,
            service: b.service.clone(),
            service_code: b.service_code.clone(),
            attributes: b.attributes.clone(),
            branch: b.branch.clone(),
            staff: b.staff.clone(),
            member_id: b.member_id,
            member: b.member.clone(),
            date: b.date.to_string(),
            weekday: weekday_name(b.date.weekday()).to_string(),
            time: b.time.clone(),
            duration_minutes: b.duration_minutes,
            time_zone: b.time_zone.clone(),
            starts_at: b.starts_at.to_string(),
            ends_at: b.ends_at.to_string(),
            cancellation_reason: b.cancellation_reason.clone(),
            refund_applicable: b.refund_applicable,
            held_until: b.hold_until.map(|t| t.to_string()),
        }
    }
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct BookOutput {
    pub booking: BookingOutput,
    /// The idempotency key had been used: this is the booking the first attempt made.
    pub replayed: bool,
    /// The caller had no customer account and was registered under `name` first.
    pub registered: bool,
    /// A text message about it to the caller's phone number is queued (the business's
    /// delivery worker sends it).
    pub confirmation_sent: bool,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct BookingsOutput {
    /// The filter applied: upcoming, past, cancelled or all.
    pub status: String,
    pub member_id: Option<i64>,
    pub count: usize,
    pub bookings: Vec<BookingOutput>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CancelOutput {
    pub booking: BookingOutput,
    /// Cancelled within the free cancellation period.
    pub refund_applicable: bool,
    /// It had been cancelled before; nothing changed.
    pub already_cancelled: bool,
    /// A text message about it to the caller's phone number is queued (the business's
    /// delivery worker sends it).
    pub confirmation_sent: bool,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct RescheduleOutput {
    pub before: BookingOutput,
    pub after: BookingOutput,
    /// The booking already was at that date and time: nothing changed, no message queued.
    pub unchanged: bool,
    /// A text message about it to the caller's phone number is queued (the business's
    /// delivery worker sends it).
    pub confirmation_sent: bool,
}

/// One waitlist entry.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct WaitlistEntryOutput {
    /// For leave_waitlist.
    pub entry_id: i64,
    pub member_id: i64,
    pub member: String,
    pub service_id: i64,
    pub service: String,
    pub branch: String,
    pub staff: Option<String>,
    /// `YYYY-MM-DD`, inclusive.
    pub date_from: String,
    pub date_to: String,
    /// `HH:MM`: the window of start times the member takes, inclusive.
    pub time_from: Option<String>,
    pub time_to: Option<String>,
    pub auto_book: bool,
    /// `request` (joined on a call) or `preference` (the member's auto-book preference).
    pub kind: String,
    /// `waiting`, `offered` (a place is held: see `booking`), `booked`, `left`, `lapsed` or
    /// `expired`.
    pub status: String,
    /// Place in line among those waiting for some of the same places (1: next).
    pub position: Option<i64>,
    /// The place booked or held for the entry.
    pub booking: Option<BookingOutput>,
    pub joined_at: String,
}

impl From<&WaitlistView> for WaitlistEntryOutput {
    fn from(e: &WaitlistView) -> Self {
        WaitlistEntryOutput {
            entry_id: e.entry_id,
            member_id: e.member_id,
            member: e.member.clone(),
            service_id: e.service_id,
            service: e.service.clone(),
            branch: e.branch.clone(),
            staff: e.staff.clone(),
            date_from: e.date_from.to_string(),
            date_to: e.date_to.to_string(),
            time_from: e.time_from.clone(),
            time_to: e.time_to.clone(),
            auto_book: e.auto_book,
            kind: e.kind.clone(),
            status: e.status.to_string(),
            position: e.position,
            booking: e.booking.as_ref().map(BookingOutput::from),
            joined_at: e.joined_at.to_string(),
        }
    }
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct JoinWaitlistOutput {
    pub entry: WaitlistEntryOutput,
    /// The member was already waiting for this; nothing was added.
    pub already_waiting: bool,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct WaitlistOutput {
    pub member_id: Option<i64>,
    pub count: usize,
    /// Entries still waiting or with a place held, oldest first.
    pub entries: Vec<WaitlistEntryOutput>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct LeaveWaitlistOutput {
    pub entry: WaitlistEntryOutput,
    /// It was no longer on the waitlist; nothing changed.
    pub already_left: bool,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct BusinessOutput {
    pub company_id: i64,
    pub name: String,
    pub address: Option<String>,
    pub phone: Option<String>,
    /// `pt-BR`, `de-DE` or `en-US`: the language to speak with callers.
    pub language: String,
    pub time_zone: String,
    /// Now at the main branch.
    pub now: NowOutput,
    pub branches: Vec<BranchOutput>,
    pub services: Vec<ServiceOutput>,
    pub policy: PolicyOutput,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct NowOutput {
    pub date: String,
    /// English lower-case weekday name.
    pub weekday: String,
    pub time: String,
    pub time_zone: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct BranchOutput {
    pub branch_id: i64,
    pub name: String,
    pub address: Option<String>,
    pub phone_numbers: Vec<String>,
    pub time_zone: String,
    /// Usual hours, Monday to Sunday.
    pub opening_hours: Vec<DayHoursOutput>,
    /// Holidays and other dated changes in the next 14 days.
    pub exceptions: Vec<ExceptionOutput>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct DayHoursOutput {
    pub weekday: String,
    /// Session start times (`HH:MM`) of fixed-time services.
    pub start_times: Vec<String>,
    /// Open periods (`HH:MM-HH:MM`) of appointment services, breaks left out.
    pub open_ranges: Vec<String>,
    pub closed: bool,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ExceptionOutput {
    pub date: String,
    pub weekday: String,
    /// The one service concerned; null for the whole branch.
    pub service: Option<String>,
    pub closed: bool,
    pub hours: Vec<String>,
    pub start_times: Vec<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ServiceOutput {
    pub service_id: i64,
    pub code: String,
    pub name: String,
    pub description: Option<String>,
    pub branch: String,
    pub duration_minutes: i32,
    /// Places per session (per staff member for appointments).
    pub capacity: i32,
    pub price_cents: Option<i64>,
    pub currency: Option<String>,
    /// The price written out, e.g. "250.00 BRL".
    pub price: Option<String>,
    pub attributes: BTreeMap<String, String>,
    pub staff: Vec<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct PolicyOutput {
    /// Bookings must start at least this many minutes from now.
    pub min_notice_minutes: i64,
    /// Bookings may start at most this many days ahead.
    pub booking_window_days: i64,
    /// Most active bookings one member may hold (null: no limit).
    pub max_active_bookings_per_member: Option<i64>,
    /// Cancelling at least this many hours before the start is free.
    pub free_cancellation_hours: i64,
    /// Whether a caller without an account may book by giving their name.
    pub allow_unknown_callers: bool,
}

impl From<&BusinessInfo> for BusinessOutput {
    fn from(b: &BusinessInfo) -> Self {
        BusinessOutput {
            company_id: b.company_id,
            name: b.name.clone(),
            address: b.address.clone(),
            phone: b.phone.clone(),
            language: b.language.tag().to_string(),
            time_zone: b.time_zone.clone(),
            now: NowOutput {
                date: b.now.date.to_string(),
                weekday: b.now.weekday.to_string(),
                time: b.now.time.clone(),
                time_zone: b.now.time_zone.clone(),
            },
            branches: b.branches.iter().map(BranchOutput::from).collect(),
            services: b.services.iter().map(ServiceOutput::from).collect(),
            policy: PolicyOutput {
                min_notice_minutes: b.policy.min_notice_minutes,
                booking_window_days: b.policy.booking_window_days,
                max_active_bookings_per_member: b.policy.max_active_bookings_per_member,
                free_cancellation_hours: b.policy.free_cancellation_hours,
                allow_unknown_callers: b.policy.allow_unknown_callers,
            },
        }
    }
}

impl From<&BranchInfo> for BranchOutput {
    fn from(b: &BranchInfo) -> Self {
        BranchOutput {
            branch_id: b.id,
            name: b.name.clone(),
            address: b.address.clone(),
            phone_numbers: b.phone_numbers.clone(),
            time_zone: b.time_zone.clone(),
            opening_hours: b.opening_hours.iter().map(DayHoursOutput::from).collect(),
            exceptions: b.exceptions.iter().map(ExceptionOutput::from).collect(),
        }
    }
}

impl From<&DayHours> for DayHoursOutput {
    fn from(d: &DayHours) -> Self {
        DayHoursOutput {
            weekday: d.weekday.to_string(),
            start_times: d.start_times.clone(),
            open_ranges: d.open_ranges.clone(),
            closed: d.closed,
        }
    }
}

impl From<&ExceptionInfo> for ExceptionOutput {
    fn from(e: &ExceptionInfo) -> Self {
        ExceptionOutput {
            date: e.date.to_string(),
            weekday: e.weekday.to_string(),
            service: e.service.clone(),
            closed: e.closed,
            hours: e.hours.clone(),
            start_times: e.start_times.clone(),
            note: e.note.clone(),
        }
    }
}

impl From<&ServiceInfo> for ServiceOutput {
    fn from(s: &ServiceInfo) -> Self {
        ServiceOutput {
            service_id: s.id,
            code: s.code.clone(),
            name: s.name.clone(),
            description: s.description.clone(),
            branch: s.branch.clone(),
            duration_minutes: s.duration_minutes,
            capacity: s.capacity,
            price_cents: s.price_cents,
            currency: s.currency.clone(),
            price: s.price_cents.map(|cents| {
                let amount = format!("{}.{:02}", cents / 100, (cents % 100).abs());
                match &s.currency {
                    Some(c) => format!("{amount} {c}"),
                    None => amount,
                }
            }),
            attributes: s.attributes.clone(),
            staff: s.staff.clone(),
        }
    }
}

/// The `structuredContent` of an error result (`isError: true`). Not an output schema: MCP
/// clients validate structured content against `outputSchema` only on success.
#[derive(Debug, Clone, Serialize)]
pub struct ErrorOutput {
    /// Stable: `INVALID_INPUT`, `NOT_FOUND`, `SLOT_FULL`, `QUOTA_REACHED`, `TOO_SOON`, ...
    pub code: &'static str,
    /// For a refused booking: `full`, `quota`, `notice`, `window` or `schedule`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<&'static str>,
    /// For input the tool could not use: the argument to send differently.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<&'static str>,
    pub message: String,
    /// Free slots to offer instead.
    pub alternatives: Vec<AlternativeOutput>,
    /// When a member must be chosen: the caller's member ids.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub member_ids: Vec<i64>,
    /// When the member's quota is reached: the bookings that hold it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub active_bookings: Vec<BookingOutput>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AlternativeOutput {
    pub service_id: i64,
    pub service: String,
    pub date: String,
    pub time: String,
    pub remaining: i64,
}

impl From<&Alternative> for AlternativeOutput {
    fn from(a: &Alternative) -> Self {
        AlternativeOutput {
            service_id: a.service_id,
            service: a.service.clone(),
            date: a.date.clone(),
            time: a.time.clone(),
            remaining: a.remaining,
        }
    }
}

pub fn hh_mm(t: jiff::civil::Time) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// An appointment as the gateway's appointment methods and the Retell webhook answer it (the
/// seed documents' shape): one type, so the two surfaces cannot drift apart.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Appointment {
    pub id: i64,
    #[schema(format = Date)]
    pub date: String,
    /// `HH:MM`, local to the branch.
    pub time: String,
    pub service: String,
    /// Minutes.
    pub duration: i64,
    pub branch: String,
    #[schema(required = true)]
    pub staff: Option<String>,
    #[schema(schema_with = booking_status)]
    pub status: String,
    /// The booking code the caller is told.
    pub confirmation_number: String,
}

impl From<&BookingView> for Appointment {
    fn from(b: &BookingView) -> Self {
        Appointment {
            id: b.id,
            date: b.date.to_string(),
            time: b.time.clone(),
            service: b.service.clone(),
            duration: b.duration_minutes,
            branch: b.branch.clone(),
            staff: b.staff.clone(),
            status: b.status.to_string(),
            confirmation_number: b.voucher_code.clone(),
        }
    }
}

fn booking_status() -> utoipa::openapi::schema::Object {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(["confirmed", "cancelled", "completed", "no_show"]))
        .build()
}
