//! Rows as the engine sees them. `New*` structs are what an insert or upsert takes; the plain
//! structs are what reads return. Times are UTC instants (`jiff::Timestamp`); backends store
//! them as integer Unix seconds.

use crate::outbox::NotificationDraft;
use crate::waitlist::Refill;
use frontdesk_domain::*;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use frontdesk_domain::schedule::DateException;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Company {
    pub id: CompanyId,
    pub slug: String,
    pub name: String,
    /// IANA time zone, such as `America/Sao_Paulo`.
    pub time_zone: String,
    pub language: Language,
    /// Two-letter region for phone numbers written without a country code (`BR`, `DE`).
    pub phone_region: String,
    pub address: Option<String>,
    pub policy: BookingPolicy,
    pub messaging: CompanyMessaging,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewCompany {
    pub slug: String,
    pub name: String,
    pub time_zone: String,
    pub language: Language,
    pub phone_region: String,
    pub address: Option<String>,
    pub policy: BookingPolicy,
    pub messaging: CompanyMessaging,
    pub now: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Branch {
    pub id: BranchId,
    pub company_id: CompanyId,
    pub name: String,
    /// Overrides the company's time zone when set.
    pub time_zone: Option<String>,
    pub address: Option<String>,
    /// Inbound numbers in E.164: a call to one of them is for this branch.
    pub phone_numbers: Vec<String>,
    /// Dated exceptions for every service of the branch (holidays).
    pub exceptions: Vec<DateException>,
    /// Retired by an import whose file no longer lists it: not offered, has no inbound
    /// numbers; its bookings stay.
    pub retired: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewBranch {
    pub company_id: CompanyId,
    pub name: String,
    pub time_zone: Option<String>,
    pub address: Option<String>,
    pub phone_numbers: Vec<String>,
    pub exceptions: Vec<DateException>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Staff {
    pub id: StaffId,
    pub company_id: CompanyId,
    pub branch_id: Option<BranchId>,
    pub name: String,
    pub active: bool,
    /// Retired by an import whose file no longer lists them (and then inactive too).
    pub retired: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewStaff {
    pub company_id: CompanyId,
    pub branch_id: Option<BranchId>,
    pub name: String,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Service {
    pub id: ServiceId,
    pub company_id: CompanyId,
    pub branch_id: BranchId,
    /// Stable, unique per company (`intermediario2-lado-esquerdo`, `beratung`).
    pub code: String,
    pub name: String,
    pub description: Option<String>,
    pub duration_minutes: i32,
    /// Places per slot of a group service. A service performed by staff takes one booking
    /// per free staff member at a time.
    pub capacity: i32,
    pub buffer_before_minutes: i32,
    pub buffer_after_minutes: i32,
    pub price_cents: Option<i64>,
    pub currency: Option<String>,
    /// Free-form attributes a caller can filter on (`level`, `wave_side`).
    pub attributes: BTreeMap<String, String>,
    pub schedule: Schedule,
    pub exceptions: Vec<DateException>,
    /// Staff who perform it; empty for services without staff (group sessions).
    pub staff_ids: Vec<StaffId>,
    pub active: bool,
    /// Retired by an import whose file no longer lists it (and then inactive too): not
    /// bookable; its bookings stay visible and cancellable.
    pub retired: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewService {
    pub company_id: CompanyId,
    pub branch_id: BranchId,
    pub code: String,
    pub name: String,
    pub description: Option<String>,
    pub duration_minutes: i32,
    pub capacity: i32,
    pub buffer_before_minutes: i32,
    pub buffer_after_minutes: i32,
    pub price_cents: Option<i64>,
    pub currency: Option<String>,
    pub attributes: BTreeMap<String, String>,
    pub schedule: Schedule,
    pub exceptions: Vec<DateException>,
    pub staff_ids: Vec<StaffId>,
    pub active: bool,
}

/// What an import retires in one go: the company's branches, staff and services its file no
/// longer lists.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CatalogRetirement {
    pub branch_ids: Vec<BranchId>,
    pub staff_ids: Vec<StaffId>,
    pub service_ids: Vec<ServiceId>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Customer {
    pub id: CustomerId,
    pub company_id: CompanyId,
    /// E.164, unique per company.
    pub phone: String,
    pub name: Option<String>,
    pub email: Option<String>,
    /// Whether the customer has a linked account at the business (`has_beyond_token`).
    pub has_linked_account: bool,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewCustomer {
    pub company_id: CompanyId,
    pub phone: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub has_linked_account: bool,
    pub now: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Member {
    pub id: MemberId,
    pub company_id: CompanyId,
    pub customer_id: CustomerId,
    pub name: String,
    pub level: Option<String>,
    /// Overrides the company's max active bookings per member when set.
    pub max_active_bookings: Option<i64>,
    /// `self`, `child`, `partner`, ...
    pub relationship: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewMember {
    pub id: Option<MemberId>,
    pub company_id: CompanyId,
    pub customer_id: CustomerId,
    pub name: String,
    pub level: Option<String>,
    pub max_active_bookings: Option<i64>,
    pub relationship: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Booking {
    pub id: BookingId,
    pub company_id: CompanyId,
    pub branch_id: BranchId,
    pub service_id: ServiceId,
    pub staff_id: Option<StaffId>,
    pub customer_id: CustomerId,
    pub member_id: Option<MemberId>,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub status: BookingStatus,
    pub voucher_code: String,
    pub source: BookingSource,
    pub idempotency_key: Option<String>,
    /// The voice platform's call id, when the booking was made during a call.
    pub call_id: Option<String>,
    pub notes: Option<String>,
    pub cancellation_reason: Option<String>,
    pub cancelled_at: Option<Timestamp>,
    pub refund_applicable: Option<bool>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// RFC 5545 `SEQUENCE`: 0 when made, raised by one by each reschedule and by the
    /// cancellation, so a calendar holding the event knows the newer version.
    pub sequence: i64,
    /// A `held` place: until when it is kept for its waitlist entry.
    pub hold_until: Option<Timestamp>,
    /// The waitlist entry the booking was made or held for.
    pub waitlist_entry_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewBooking {
    pub company_id: CompanyId,
    pub branch_id: BranchId,
    pub service_id: ServiceId,
    pub staff_id: Option<StaffId>,
    pub customer_id: CustomerId,
    pub member_id: Option<MemberId>,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub source: BookingSource,
    pub idempotency_key: Option<String>,
    pub call_id: Option<String>,
    pub notes: Option<String>,
    /// The messages to queue in the same transaction (not for a replay or a refusal): the
    /// confirmation and the reminders.
    pub notifications: Vec<NotificationDraft>,
    /// Register the caller in the booking's own transaction: the customer and their member
    /// are written with the booking, and a refused booking leaves no trace of them. When
    /// set, `customer_id` and `member_id` are ignored (the registered ones are used) and so
    /// is `idempotency_key` (the registration's key is scoped once the customer is known).
    pub registration: Option<NewRegistration>,
}

/// A caller registering with their first booking.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRegistration {
    /// E.164.
    pub phone: String,
    /// The caller's full name: the customer's name and their own member's.
    pub name: String,
    /// Where the caller's confirmations are e-mailed too.
    pub email: Option<String>,
    /// The request's idempotency key as the caller sent it (not yet scoped).
    pub idempotency_key: Option<String>,
}

/// An idempotency key as stored: scoped to the customer, so one caller's key can never
/// return another's booking.
pub fn scoped_idempotency_key(customer_id: CustomerId, key: &str) -> String {
    let key: String = key.trim().chars().take(200).collect();
    format!("{customer_id}:{key}")
}

/// The limits a booking must fit, decided by the engine and enforced by the store inside the
/// transaction that writes the booking.
#[derive(Debug, Clone, PartialEq)]
pub struct BookingLimits {
    /// Most confirmed or held bookings of the service starting at the same instant (for a
    /// staff service: with the same staff member).
    pub capacity: i64,
    /// For a staff service: the interval (start minus buffer before, end plus buffer after)
    /// in which the staff member must have no other confirmed booking.
    pub staff_window: Option<(Timestamp, Timestamp)>,
    /// Most active bookings (confirmed, not yet ended at `now`) the member may hold.
    pub member_quota: Option<i64>,
    pub now: Timestamp,
}

#[derive(Debug, Clone, PartialEq)]
pub enum BookingOutcome {
    Created(Booking),
    /// The idempotency key had been used: this is the booking it made.
    Replayed(Booking),
    Refused(Refusal),
}

/// Why the store refused to take a place.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    SlotFull { capacity: i64 },
    StaffBusy { staff_id: StaffId },
    QuotaReached { active: i64, limit: i64 },
}

/// Where a booking moves to.
#[derive(Debug, Clone, PartialEq)]
pub struct BookingMove {
    pub service_id: ServiceId,
    pub branch_id: BranchId,
    pub staff_id: Option<StaffId>,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    /// The messages to queue in the same transaction when the booking moves (the notice and
    /// the new reminders; the store withdraws the booking's pending reminders first).
    pub notifications: Vec<NotificationDraft>,
    /// The place left behind, for the waitlist (in the same transaction).
    pub refill: Option<Refill>,
}

// One value per reschedule, moved once: boxing the bookings would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum RescheduleOutcome {
    Moved {
        before: Booking,
        after: Booking,
    },
    Refused(Refusal),
    /// The booking is not confirmed any more (cancelled, completed, no-show).
    NotActive(Booking),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cancellation {
    pub reason: Option<String>,
    pub refund_applicable: bool,
    pub now: Timestamp,
    /// The messages to queue in the same transaction when the booking is cancelled by it (the
    /// store withdraws the booking's pending reminders first).
    pub notifications: Vec<NotificationDraft>,
    /// The place freed, for the waitlist (in the same transaction).
    pub refill: Option<Refill>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CancelOutcome {
    Cancelled(Booking),
    NotActive(Booking),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct BookingQuery {
    pub company_id: CompanyId,
    pub customer_id: Option<CustomerId>,
    pub member_id: Option<MemberId>,
    /// Bookings made during this voice call (the platform's call id).
    pub call_id: Option<String>,
    /// Empty: any status.
    pub statuses: Vec<BookingStatus>,
    /// Bookings ending after this instant.
    pub ends_after: Option<Timestamp>,
    /// Bookings starting before this instant.
    pub starts_before: Option<Timestamp>,
    pub newest_first: bool,
    pub limit: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BookingEvent {
    pub id: i64,
    pub booking_id: BookingId,
    /// `created`, `rescheduled`, `cancelled`.
    pub kind: String,
    pub detail: serde_json::Value,
    pub at: Timestamp,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SlotUsage {
    pub service_id: ServiceId,
    pub starts_at: Timestamp,
    pub booked: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BusyInterval {
    pub staff_id: StaffId,
    /// The booking's start minus its service's buffer before, and end plus the buffer after.
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Call {
    pub id: CallId,
    pub company_id: CompanyId,
    /// `retell`, `vapi`.
    pub provider: String,
    pub external_id: String,
    pub agent_id: Option<String>,
    pub from_number: Option<String>,
    pub to_number: Option<String>,
    pub direction: Option<String>,
    pub status: Option<String>,
    pub started_at: Option<Timestamp>,
    pub ended_at: Option<Timestamp>,
    pub transcript: Option<String>,
    pub analysis: Option<serde_json::Value>,
    pub dynamic_variables: Option<serde_json::Value>,
    pub customer_id: Option<CustomerId>,
    pub booking_id: Option<BookingId>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// A call as last reported; `None` fields leave the stored value as it is.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CallUpdate {
    pub company_id: CompanyId,
    pub provider: String,
    pub external_id: String,
    pub agent_id: Option<String>,
    pub from_number: Option<String>,
    pub to_number: Option<String>,
    pub direction: Option<String>,
    pub status: Option<String>,
    pub started_at: Option<Timestamp>,
    pub ended_at: Option<Timestamp>,
    pub transcript: Option<String>,
    pub analysis: Option<serde_json::Value>,
    pub dynamic_variables: Option<serde_json::Value>,
    pub customer_id: Option<CustomerId>,
    pub booking_id: Option<BookingId>,
    pub now: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Agent {
    pub id: AgentId,
    pub company_id: CompanyId,
    pub provider: String,
    pub external_id: String,
    pub name: Option<String>,
    pub llm_id: Option<String>,
    pub webhook_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewAgent {
    pub company_id: CompanyId,
    pub provider: String,
    pub external_id: String,
    pub name: Option<String>,
    pub llm_id: Option<String>,
    pub webhook_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApiKey {
    pub id: ApiKeyId,
    pub company_id: CompanyId,
    pub kind: ApiKeyKind,
    pub name: Option<String>,
    /// The first characters of the key, safe to show (`fd_mcp_3kq8`).
    pub prefix: String,
    pub created_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
    pub last_used_at: Option<Timestamp>,
}

/// A key revoked together with the caller sessions it had opened.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RevokedApiKey {
    pub key: ApiKey,
    /// Token hashes of the sessions this revocation ended (live ones only; none when the key
    /// was already revoked).
    pub ended_sessions: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewApiKey {
    pub company_id: CompanyId,
    pub kind: ApiKeyKind,
    pub name: Option<String>,
    pub prefix: String,
    /// Hex SHA-256 of the whole key; the key itself is never stored.
    pub hash: String,
    pub now: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallerSession {
    pub id: SessionId,
    pub company_id: CompanyId,
    /// E.164 caller number.
    pub phone: String,
    pub customer_id: Option<CustomerId>,
    /// The MCP key that opened it (none for sessions opened before keys were recorded):
    /// revoking the key ends the session.
    #[serde(default)]
    pub api_key_id: Option<ApiKeyId>,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewCallerSession {
    pub company_id: CompanyId,
    /// The MCP key the session is opened with.
    pub api_key_id: Option<ApiKeyId>,
    pub token_hash: String,
    pub phone: String,
    pub customer_id: Option<CustomerId>,
    pub now: Timestamp,
    pub expires_at: Timestamp,
}

/// A company's voice-platform credentials as stored: the Retell API key encrypted by the
/// engine (it must be read back to call Retell and check signatures), the Vapi secret only as
/// a SHA-256 hash (it is only ever compared).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CompanyCredentials {
    pub retell_api_key_enc: Option<String>,
    pub vapi_secret_hash: Option<String>,
    /// The company's own Twilio auth token, encrypted like the Retell key.
    pub twilio_auth_token_enc: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CredentialsUpdate {
    pub retell_api_key_enc: Option<String>,
    pub vapi_secret_hash: Option<String>,
    pub twilio_auth_token_enc: Option<String>,
    pub now: Timestamp,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewPromptTemplate {
    pub company_id: CompanyId,
    /// `None`: every branch of the company.
    pub branch_id: Option<BranchId>,
    /// `de`, `en`, `pt`.
    pub language: String,
    pub template: String,
    pub now: Timestamp,
}
