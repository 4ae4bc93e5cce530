//! Rows as SQLite returns them and their conversion to the store's models. Every conversion
//! that can meet bad data (a JSON column, an enum, an instant) reports `Corrupt` instead of
//! panicking. The column macros keep each SELECT/RETURNING list next to the struct it fills.

use crate::bad_json;
use frontdesk_domain::*;
use frontdesk_store::*;
use jiff::Timestamp;

/// An INTEGER Unix-seconds column back to an instant.
pub(crate) fn ts(column: &'static str, secs: i64) -> StoreResult<Timestamp> {
    Timestamp::from_second(secs).map_err(|e| StoreError::Corrupt(format!("{column}: {e}")))
}

pub(crate) fn opt_ts(column: &'static str, secs: Option<i64>) -> StoreResult<Option<Timestamp>> {
    secs.map(|s| ts(column, s)).transpose()
}

fn parse<T: std::str::FromStr>(column: &'static str, text: &str) -> StoreResult<T> {
    text.parse()
        .map_err(|_| StoreError::Corrupt(format!("{column}: unknown value {text:?}")))
}

macro_rules! company_cols {
    () => {
        "id, slug, name, time_zone, language, phone_region, address, policy, messaging, created_at"
    };
}
pub(crate) use company_cols;

#[derive(sqlx::FromRow)]
pub(crate) struct CompanyRow {
    id: i64,
    slug: String,
    name: String,
    time_zone: String,
    language: String,
    phone_region: String,
    address: Option<String>,
    policy: String,
    messaging: String,
    created_at: i64,
}

impl CompanyRow {
    pub(crate) fn into_model(self) -> StoreResult<Company> {
        Ok(Company {
            id: self.id,
            slug: self.slug,
            name: self.name,
            time_zone: self.time_zone,
            language: parse("companies.language", &self.language)?,
            phone_region: self.phone_region,
            address: self.address,
            policy: serde_json::from_str(&self.policy).map_err(bad_json("companies.policy"))?,
            messaging: serde_json::from_str(&self.messaging)
                .map_err(bad_json("companies.messaging"))?,
            created_at: ts("companies.created_at", self.created_at)?,
        })
    }
}

macro_rules! branch_cols {
    () => {
        "id, company_id, name, time_zone, address, exceptions, retired_at"
    };
}
pub(crate) use branch_cols;

#[derive(sqlx::FromRow)]
pub(crate) struct BranchRow {
    pub(crate) id: i64,
    company_id: i64,
    name: String,
    time_zone: Option<String>,
    address: Option<String>,
    exceptions: String,
    retired_at: Option<i64>,
}

impl BranchRow {
    pub(crate) fn into_model(self, phone_numbers: Vec<String>) -> StoreResult<Branch> {
        Ok(Branch {
            id: self.id,
            company_id: self.company_id,
            name: self.name,
            time_zone: self.time_zone,
            address: self.address,
            phone_numbers,
            exceptions: serde_json::from_str(&self.exceptions)
                .map_err(bad_json("branches.exceptions"))?,
            retired: self.retired_at.is_some(),
        })
    }
}

macro_rules! staff_cols {
    () => {
        "id, company_id, branch_id, name, active, retired_at"
    };
}
pub(crate) use staff_cols;

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

macro_rules! service_cols {
    () => {
        "id, company_id, branch_id, code, name, description, duration_minutes, capacity, \
         buffer_before_minutes, buffer_after_minutes, price_cents, currency, attributes, \
         schedule, exceptions, active, retired_at"
    };
}
pub(crate) use service_cols;

#[derive(sqlx::FromRow)]
pub(crate) struct ServiceRow {
    pub(crate) id: i64,
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
    attributes: String,
    schedule: String,
    exceptions: String,
    active: bool,
    retired_at: Option<i64>,
}

impl ServiceRow {
    pub(crate) fn into_model(self, staff_ids: Vec<StaffId>) -> StoreResult<Service> {
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
            attributes: serde_json::from_str(&self.attributes)
                .map_err(bad_json("services.attributes"))?,
            schedule: serde_json::from_str(&self.schedule)
                .map_err(bad_json("services.schedule"))?,
            exceptions: serde_json::from_str(&self.exceptions)
                .map_err(bad_json("services.exceptions"))?,
            staff_ids,
            active: self.active,
            retired: self.retired_at.is_some(),
        })
    }
}

macro_rules! customer_cols {
    () => {
        "id, company_id, phone, name, email, has_linked_account, created_at"
    };
}
pub(crate) use customer_cols;

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
            created_at: ts("customers.created_at", self.created_at)?,
        })
    }
}

macro_rules! member_cols {
    () => {
        "id, company_id, customer_id, name, level, max_active_bookings, relationship"
    };
}
pub(crate) use member_cols;

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

macro_rules! booking_cols {
    () => {
        "id, company_id, branch_id, service_id, staff_id, customer_id, member_id, starts_at, \
         ends_at, status, voucher_code, source, idempotency_key, call_id, notes, \
         cancellation_reason, cancelled_at, refund_applicable, created_at, updated_at, sequence, \
         hold_until, waitlist_entry_id"
    };
}
pub(crate) use booking_cols;

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
            starts_at: ts("bookings.starts_at", self.starts_at)?,
            ends_at: ts("bookings.ends_at", self.ends_at)?,
            status: parse("bookings.status", &self.status)?,
            voucher_code: self.voucher_code,
            source: parse("bookings.source", &self.source)?,
            idempotency_key: self.idempotency_key,
            call_id: self.call_id,
            notes: self.notes,
            cancellation_reason: self.cancellation_reason,
            cancelled_at: opt_ts("bookings.cancelled_at", self.cancelled_at)?,
            refund_applicable: self.refund_applicable,
            created_at: ts("bookings.created_at", self.created_at)?,
            updated_at: ts("bookings.updated_at", self.updated_at)?,
            sequence: self.sequence,
            hold_until: opt_ts("bookings.hold_until", self.hold_until)?,
            waitlist_entry_id: self.waitlist_entry_id,
        })
    }
}

macro_rules! waitlist_cols {
    () => {
        "id, company_id, customer_id, member_id, kind, service_id, staff_id, first_date, \
         last_date, from_at, to_at, time_from, time_to, weekdays, auto_book, status, booking_id, \
         created_at, updated_at"
    };
}
pub(crate) use waitlist_cols;

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
        let date = |column: &str, text: &str| {
            text.parse::<jiff::civil::Date>()
                .map_err(|e| StoreError::Corrupt(format!("{column}: {e}")))
        };
        Ok(WaitlistEntry {
            id: self.id,
            company_id: self.company_id,
            customer_id: self.customer_id,
            member_id: self.member_id,
            kind: self.kind,
            service_id: self.service_id,
            staff_id: self.staff_id,
            first_date: date("waitlist_entries.first_date", &self.first_date)?,
            last_date: date("waitlist_entries.last_date", &self.last_date)?,
            from_at: ts("waitlist_entries.from_at", self.from_at)?,
            to_at: ts("waitlist_entries.to_at", self.to_at)?,
            time_from: self.time_from,
            time_to: self.time_to,
            weekdays: self.weekdays,
            auto_book: self.auto_book,
            status: self.status.parse().map_err(|e: String| {
                StoreError::Corrupt(format!("waitlist_entries.status: {e}"))
            })?,
            booking_id: self.booking_id,
            created_at: ts("waitlist_entries.created_at", self.created_at)?,
            updated_at: ts("waitlist_entries.updated_at", self.updated_at)?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct BookingEventRow {
    id: i64,
    booking_id: i64,
    kind: String,
    detail: String,
    at: i64,
}

impl BookingEventRow {
    pub(crate) fn into_model(self) -> StoreResult<BookingEvent> {
        Ok(BookingEvent {
            id: self.id,
            booking_id: self.booking_id,
            kind: self.kind,
            detail: serde_json::from_str(&self.detail)
                .map_err(bad_json("booking_events.detail"))?,
            at: ts("booking_events.at", self.at)?,
        })
    }
}

macro_rules! call_cols {
    () => {
        "id, company_id, provider, external_id, agent_id, from_number, to_number, direction, \
         status, started_at, ended_at, transcript, analysis, dynamic_variables, customer_id, \
         booking_id, created_at, updated_at"
    };
}
pub(crate) use call_cols;

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
    analysis: Option<String>,
    dynamic_variables: Option<String>,
    customer_id: Option<i64>,
    booking_id: Option<i64>,
    created_at: i64,
    updated_at: i64,
}

impl CallRow {
    pub(crate) fn into_model(self) -> StoreResult<Call> {
        let json = |column: &'static str, text: Option<String>| {
            text.map(|t| serde_json::from_str(&t).map_err(bad_json(column)))
                .transpose()
        };
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
            started_at: opt_ts("calls.started_at", self.started_at)?,
            ended_at: opt_ts("calls.ended_at", self.ended_at)?,
            transcript: self.transcript,
            analysis: json("calls.analysis", self.analysis)?,
            dynamic_variables: json("calls.dynamic_variables", self.dynamic_variables)?,
            customer_id: self.customer_id,
            booking_id: self.booking_id,
            created_at: ts("calls.created_at", self.created_at)?,
            updated_at: ts("calls.updated_at", self.updated_at)?,
        })
    }
}

macro_rules! agent_cols {
    () => {
        "id, company_id, provider, external_id, name, llm_id, webhook_url"
    };
}
pub(crate) use agent_cols;

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

macro_rules! api_key_cols {
    () => {
        "id, company_id, kind, name, prefix, created_at, revoked_at, last_used_at"
    };
}
pub(crate) use api_key_cols;

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
            kind: parse::<ApiKeyKind>("api_keys.kind", &self.kind)?,
            name: self.name,
            prefix: self.prefix,
            created_at: ts("api_keys.created_at", self.created_at)?,
            revoked_at: opt_ts("api_keys.revoked_at", self.revoked_at)?,
            last_used_at: opt_ts("api_keys.last_used_at", self.last_used_at)?,
        })
    }
}

macro_rules! session_cols {
    () => {
        "id, company_id, phone, customer_id, api_key_id, created_at, expires_at, revoked_at"
    };
}
pub(crate) use session_cols;

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
            created_at: ts("caller_sessions.created_at", self.created_at)?,
            expires_at: ts("caller_sessions.expires_at", self.expires_at)?,
            revoked_at: opt_ts("caller_sessions.revoked_at", self.revoked_at)?,
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

macro_rules! notification_cols {
    () => {
        "id, company_id, booking_id, kind, channel, recipient, payload, status, attempts, \
         next_attempt_at, provider_id, last_error, created_at, updated_at, sent_at"
    };
}
pub(crate) use notification_cols;

#[derive(sqlx::FromRow)]
pub(crate) struct NotificationRow {
    id: i64,
    company_id: i64,
    booking_id: Option<i64>,
    kind: String,
    channel: String,
    recipient: String,
    payload: String,
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
            payload: serde_json::from_str(&self.payload)
                .map_err(bad_json("notifications.payload"))?,
            status: self
                .status
                .parse()
                .map_err(|e| StoreError::Corrupt(format!("notifications.status: {e}")))?,
            attempts: self.attempts,
            next_attempt_at: ts("notifications.next_attempt_at", self.next_attempt_at)?,
            provider_id: self.provider_id,
            last_error: self.last_error,
            created_at: ts("notifications.created_at", self.created_at)?,
            updated_at: ts("notifications.updated_at", self.updated_at)?,
            sent_at: opt_ts("notifications.sent_at", self.sent_at)?,
        })
    }
}

/// Reads a row struct by its field names from a row of the writer's or the inline readers'
/// connections (`rusqlite`): the same columns the `*_cols!` lists select.
macro_rules! from_writer_row {
    ($row:ident { $($field:ident),* $(,)? }) => {
        impl $row {
            pub(crate) fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
                Ok($row { $($field: r.get(stringify!($field))?),* })
            }
        }
    };
}

from_writer_row!(BookingRow {
    id,
    company_id,
    branch_id,
    service_id,
    staff_id,
    customer_id,
    member_id,
    starts_at,
    ends_at,
    status,
    voucher_code,
    source,
    idempotency_key,
    call_id,
    notes,
    cancellation_reason,
    cancelled_at,
    refund_applicable,
    created_at,
    updated_at,
    sequence,
    hold_until,
    waitlist_entry_id,
});
from_writer_row!(WaitlistRow {
    id,
    company_id,
    customer_id,
    member_id,
    kind,
    service_id,
    staff_id,
    first_date,
    last_date,
    from_at,
    to_at,
    time_from,
    time_to,
    weekdays,
    auto_book,
    status,
    booking_id,
    created_at,
    updated_at,
});
from_writer_row!(CallerSessionRow {
    id,
    company_id,
    phone,
    customer_id,
    api_key_id,
    created_at,
    expires_at,
    revoked_at,
});
from_writer_row!(NotificationRow {
    id,
    company_id,
    booking_id,
    kind,
    channel,
    recipient,
    payload,
    status,
    attempts,
    next_attempt_at,
    provider_id,
    last_error,
    created_at,
    updated_at,
    sent_at,
});
from_writer_row!(CustomerRow {
    id,
    company_id,
    phone,
    name,
    email,
    has_linked_account,
    created_at,
});
from_writer_row!(MemberRow {
    id,
    company_id,
    customer_id,
    name,
    level,
    max_active_bookings,
    relationship,
});
