//! Rows as PostgreSQL returns them, and their conversion into the store's models.
//!
//! Columns are decoded into plain types first and parsed afterwards, so a value the domain
//! no longer accepts (an unknown status, JSON that no longer matches its type) surfaces
//! as `StoreError::Corrupt` naming the column, not as a driver error.

use frontdesk_domain::*;
use frontdesk_store::*;
use jiff::Timestamp;
use serde::de::DeserializeOwned;
use sqlx::types::Json;
use std::str::FromStr;

pub(crate) type JsonValue = Json<serde_json::Value>;

pub(crate) fn ts(seconds: i64, column: &str) -> StoreResult<Timestamp> {
    Timestamp::from_second(seconds)
        .map_err(|e| StoreError::Corrupt(format!("{column}: {seconds} is not an instant: {e}")))
}

pub(crate) fn opt_ts(seconds: Option<i64>, column: &str) -> StoreResult<Option<Timestamp>> {
    seconds.map(|s| ts(s, column)).transpose()
}

pub(crate) fn parse_json<T: DeserializeOwned>(value: JsonValue, column: &str) -> StoreResult<T> {
    serde_json::from_value(value.0).map_err(|e| StoreError::Corrupt(format!("{column}: {e}")))
}

pub(crate) fn parse_text<T: FromStr>(text: &str, column: &str) -> StoreResult<T>
where
    T::Err: std::fmt::Display,
{
    text.parse()
        .map_err(|e| StoreError::Corrupt(format!("{column}: {e}")))
}

#[derive(sqlx::FromRow)]
pub(crate) struct CompanyRow {
    id: i64,
    slug: String,
    name: String,
    time_zone: String,
    language: String,
    phone_region: String,
    address: Option<String>,
    policy: JsonValue,
    messaging: JsonValue,
    created_at: i64,
}

impl CompanyRow {
    pub(crate) fn into_model(self) -> StoreResult<Company> {
        Ok(Company {
            id: self.id,
            slug: self.slug,
            name: self.name,
            time_zone: self.time_zone,
            language: parse_text(&self.language, "companies.language")?,
            phone_region: self.phone_region,
            address: self.address,
            policy: parse_json(self.policy, "companies.policy")?,
            messaging: parse_json(self.messaging, "companies.messaging")?,
            created_at: ts(self.created_at, "companies.created_at")?,
        })
    }
}

/// A branch with its phone numbers aggregated in by the query.
#[derive(sqlx::FromRow)]
pub(crate) struct BranchRow {
    id: i64,
    company_id: i64,
    name: String,
    time_zone: Option<String>,
    address: Option<String>,
    exceptions: JsonValue,
    phone_numbers: Vec<String>,
    retired_at: Option<i64>,
}

impl BranchRow {
    pub(crate) fn into_model(self) -> StoreResult<Branch> {
        Ok(Branch {
            id: self.id,
            company_id: self.company_id,
            name: self.name,
            time_zone: self.time_zone,
            address: self.address,
            phone_numbers: self.phone_numbers,
            exceptions: parse_json(self.exceptions, "branches.exceptions")?,
            retired: self.retired_at.is_some(),
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct StaffRow {
    id: i64,
    company_id: i64,
    branch_id: Option<i64>,
    name: String,
    active: bool,
    retired_at: Option<i64>,
}

impl StaffRow {
    pub(crate) fn into_model(self) -> Staff {
        Staff {
            id: self.id,
            company_id: self.company_id,
            branch_id: self.branch_id,
            name: self.name,
            active: self.active,
            retired: self.retired_at.is_some(),
        }
    }
}

/// A service with its staff links aggregated in by the query.
#[derive(sqlx::FromRow)]
pub(crate) struct ServiceRow {
    id: i64,
    company_id: i64,
    branch_id: i64,
    code: String,
    name: String,
    description: Option<String>,
    duration_minutes: i32,
    capacity: i32,
    buffer_before_minutes: i32,
    buffer_after_minutes: i32,
    price_cents: Option<i64>,
    currency: Option<String>,
    attributes: JsonValue,
    schedule: JsonValue,
    exceptions: JsonValue,
    active: bool,
    staff_ids: Vec<i64>,
    retired_at: Option<i64>,
}

impl ServiceRow {
    pub(crate) fn into_model(self) -> StoreResult<Service> {
        Ok(Service {
            id: self.id,
            company_id: self.company_id,
            branch_id: self.branch_id,
            code: self.code,
            name: self.name,
            description: self.description,
            duration_minutes: self.duration_minutes,
            capacity: self.capacity,
            buffer_before_minutes: self.buffer_before_minutes,
            buffer_after_minutes: self.buffer_after_minutes,
            price_cents: self.price_cents,
            currency: self.currency,
            attributes: parse_json(self.attributes, "services.attributes")?,
            schedule: parse_json(self.schedule, "services.schedule")?,
            exceptions: parse_json(self.exceptions, "services.exceptions")?,
            staff_ids: self.staff_ids,
            active: self.active,
            retired: self.retired_at.is_some(),
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct CustomerRow {
    id: i64,
    company_id: i64,
    phone: String,
    name: Option<String>,
    email: Option<String>,
    has_linked_account: bool,
    created_at: i64,
}

impl CustomerRow {
    pub(crate) fn into_model(self) -> StoreResult<Customer> {
        Ok(Customer {
            id: self.id,
            company_id: self.company_id,
            phone: self.phone,
            name: self.name,
            email: self.email,
            has_linked_account: self.has_linked_account,
            created_at: ts(self.created_at, "customers.created_at")?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct MemberRow {
    id: i64,
    company_id: i64,
    customer_id: i64,
    name: String,
    level: Option<String>,
    max_active_bookings: Option<i64>,
    relationship: Option<String>,
}

impl MemberRow {
    pub(crate) fn into_model(self) -> Member {
        Member {
            id: self.id,
            company_id: self.company_id,
            customer_id: self.customer_id,
            name: self.name,
            level: self.level,
            max_active_bookings: self.max_active_bookings,
            relationship: self.relationship,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct BookingRow {
    id: i64,
    company_id: i64,
    branch_id: i64,
    service_id: i64,
    staff_id: Option<i64>,
    customer_id: i64,
    member_id: Option<i64>,
    starts_at: i64,
    ends_at: i64,
    status: String,
    voucher_code: String,
    source: String,
    idempotency_key: Option<String>,
    call_id: Option<String>,
    notes: Option<String>,
    cancellation_reason: Option<String>,
    cancelled_at: Option<i64>,
    refund_applicable: Option<bool>,
    created_at: i64,
    updated_at: i64,
    sequence: i64,
    hold_until: Option<i64>,
    waitlist_entry_id: Option<i64>,
}

impl BookingRow {
    pub(crate) fn into_model(self) -> StoreResult<Booking> {
        Ok(Booking {
            id: self.id,
            company_id: self.company_id,
            branch_id: self.branch_id,
            service_id: self.service_id,
            staff_id: self.staff_id,
            customer_id: self.customer_id,
            member_id: self.member_id,
            starts_at: ts(self.starts_at, "bookings.starts_at")?,
            ends_at: ts(self.ends_at, "bookings.ends_at")?,
            status: parse_text(&self.status, "bookings.status")?,
            voucher_code: self.voucher_code,
            source: parse_text(&self.source, "bookings.source")?,
            idempotency_key: self.idempotency_key,
            call_id: self.call_id,
            notes: self.notes,
            cancellation_reason: self.cancellation_reason,
            cancelled_at: opt_ts(self.cancelled_at, "bookings.cancelled_at")?,
            refund_applicable: self.refund_applicable,
            created_at: ts(self.created_at, "bookings.created_at")?,
            updated_at: ts(self.updated_at, "bookings.updated_at")?,
            sequence: self.sequence,
            hold_until: opt_ts(self.hold_until, "bookings.hold_until")?,
            waitlist_entry_id: self.waitlist_entry_id,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct WaitlistRow {
    id: i64,
    company_id: i64,
    customer_id: i64,
    member_id: i64,
    kind: String,
    service_id: i64,
    staff_id: Option<i64>,
    first_date: String,
    last_date: String,
    from_at: i64,
    to_at: i64,
    time_from: Option<String>,
    time_to: Option<String>,
    weekdays: i64,
    auto_book: bool,
    status: String,
    booking_id: Option<i64>,
    created_at: i64,
    updated_at: i64,
}

impl WaitlistRow {
    pub(crate) fn into_model(self) -> StoreResult<WaitlistEntry> {
        Ok(WaitlistEntry {
            id: self.id,
            company_id: self.company_id,
            customer_id: self.customer_id,
            member_id: self.member_id,
            kind: self.kind,
            service_id: self.service_id,
            staff_id: self.staff_id,
            first_date: parse_text(&self.first_date, "waitlist_entries.first_date")?,
            last_date: parse_text(&self.last_date, "waitlist_entries.last_date")?,
            from_at: ts(self.from_at, "waitlist_entries.from_at")?,
            to_at: ts(self.to_at, "waitlist_entries.to_at")?,
            time_from: self.time_from,
            time_to: self.time_to,
            weekdays: self.weekdays,
            auto_book: self.auto_book,
            status: parse_text(&self.status, "waitlist_entries.status")?,
            booking_id: self.booking_id,
            created_at: ts(self.created_at, "waitlist_entries.created_at")?,
            updated_at: ts(self.updated_at, "waitlist_entries.updated_at")?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct BookingEventRow {
    id: i64,
    booking_id: i64,
    kind: String,
    detail: JsonValue,
    at: i64,
}

impl BookingEventRow {
    pub(crate) fn into_model(self) -> StoreResult<BookingEvent> {
        Ok(BookingEvent {
            id: self.id,
            booking_id: self.booking_id,
            kind: self.kind,
            detail: self.detail.0,
            at: ts(self.at, "booking_events.at")?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct CallRow {
    id: i64,
    company_id: i64,
    provider: String,
    external_id: String,
    agent_id: Option<String>,
    from_number: Option<String>,
    to_number: Option<String>,
    direction: Option<String>,
    status: Option<String>,
    started_at: Option<i64>,
    ended_at: Option<i64>,
    transcript: Option<String>,
    analysis: Option<JsonValue>,
    dynamic_variables: Option<JsonValue>,
    customer_id: Option<i64>,
    booking_id: Option<i64>,
    created_at: i64,
    updated_at: i64,
}

impl CallRow {
    pub(crate) fn into_model(self) -> StoreResult<Call> {
        Ok(Call {
            id: self.id,
            company_id: self.company_id,
            provider: self.provider,
            external_id: self.external_id,
            agent_id: self.agent_id,
            from_number: self.from_number,
            to_number: self.to_number,
            direction: self.direction,
            status: self.status,
            started_at: opt_ts(self.started_at, "calls.started_at")?,
            ended_at: opt_ts(self.ended_at, "calls.ended_at")?,
            transcript: self.transcript,
            analysis: self.analysis.map(|j| j.0),
            dynamic_variables: self.dynamic_variables.map(|j| j.0),
            customer_id: self.customer_id,
            booking_id: self.booking_id,
            created_at: ts(self.created_at, "calls.created_at")?,
            updated_at: ts(self.updated_at, "calls.updated_at")?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct AgentRow {
    id: i64,
    company_id: i64,
    provider: String,
    external_id: String,
    name: Option<String>,
    llm_id: Option<String>,
    webhook_url: Option<String>,
}

impl AgentRow {
    pub(crate) fn into_model(self) -> Agent {
        Agent {
            id: self.id,
            company_id: self.company_id,
            provider: self.provider,
            external_id: self.external_id,
            name: self.name,
            llm_id: self.llm_id,
            webhook_url: self.webhook_url,
        }
    }
}

/// The hash is left out on purpose: it is only ever compared inside a query.
#[derive(sqlx::FromRow)]
pub(crate) struct ApiKeyRow {
    id: i64,
    company_id: i64,
    kind: String,
    name: Option<String>,
    prefix: String,
    created_at: i64,
    revoked_at: Option<i64>,
    last_used_at: Option<i64>,
}

impl ApiKeyRow {
    pub(crate) fn into_model(self) -> StoreResult<ApiKey> {
        Ok(ApiKey {
            id: self.id,
            company_id: self.company_id,
            kind: parse_text::<ApiKeyKind>(&self.kind, "api_keys.kind")?,
            name: self.name,
            prefix: self.prefix,
            created_at: ts(self.created_at, "api_keys.created_at")?,
            revoked_at: opt_ts(self.revoked_at, "api_keys.revoked_at")?,
            last_used_at: opt_ts(self.last_used_at, "api_keys.last_used_at")?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct CallerSessionRow {
    id: i64,
    company_id: i64,
    phone: String,
    customer_id: Option<i64>,
    api_key_id: Option<i64>,
    created_at: i64,
    expires_at: i64,
    revoked_at: Option<i64>,
}

impl CallerSessionRow {
    pub(crate) fn into_model(self) -> StoreResult<CallerSession> {
        Ok(CallerSession {
            id: self.id,
            company_id: self.company_id,
            phone: self.phone,
            customer_id: self.customer_id,
            api_key_id: self.api_key_id,
            created_at: ts(self.created_at, "caller_sessions.created_at")?,
            expires_at: ts(self.expires_at, "caller_sessions.expires_at")?,
            revoked_at: opt_ts(self.revoked_at, "caller_sessions.revoked_at")?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct CredentialsRow {
    retell_api_key_enc: Option<String>,
    vapi_secret_hash: Option<String>,
    twilio_auth_token_enc: Option<String>,
}

impl CredentialsRow {
    pub(crate) fn into_model(self) -> CompanyCredentials {
        CompanyCredentials {
            retell_api_key_enc: self.retell_api_key_enc,
            vapi_secret_hash: self.vapi_secret_hash,
            twilio_auth_token_enc: self.twilio_auth_token_enc,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct NotificationRow {
    id: i64,
    company_id: i64,
    booking_id: Option<i64>,
    kind: String,
    channel: String,
    recipient: String,
    payload: JsonValue,
    status: String,
    attempts: i32,
    next_attempt_at: i64,
    provider_id: Option<String>,
    last_error: Option<String>,
    created_at: i64,
    updated_at: i64,
    sent_at: Option<i64>,
}

impl NotificationRow {
    pub(crate) fn into_model(self) -> StoreResult<Notification> {
        Ok(Notification {
            id: self.id,
            company_id: self.company_id,
            booking_id: self.booking_id,
            kind: self.kind,
            channel: self.channel,
            recipient: self.recipient,
            payload: self.payload.0,
            status: self
                .status
                .parse()
                .map_err(|e| StoreError::Corrupt(format!("notifications.status: {e}")))?,
            attempts: self.attempts,
            next_attempt_at: ts(self.next_attempt_at, "notifications.next_attempt_at")?,
            provider_id: self.provider_id,
            last_error: self.last_error,
            created_at: ts(self.created_at, "notifications.created_at")?,
            updated_at: ts(self.updated_at, "notifications.updated_at")?,
            sent_at: opt_ts(self.sent_at, "notifications.sent_at")?,
        })
    }
}

/// Converts every row, failing on the first corrupt one.
pub(crate) fn convert_all<R, T>(
    rows: Vec<R>,
    convert: impl Fn(R) -> StoreResult<T>,
) -> StoreResult<Vec<T>> {
    rows.into_iter().map(convert).collect()
}
