//! What each tool accepts.
//!
//! Every field is an [`Arg`], whose deserialisation never fails: a value of the wrong JSON type
//! is kept as it came and turned into a tool error that names the field, which the agent can
//! fix within the same call. A failed deserialisation would instead surface as a generic
//! "failed to deserialize parameters" that does not say what to send. Numbers sent as strings
//! and strings sent as numbers are accepted where the meaning is clear (`"12345"` for a
//! member id, `8` for a time), because LLM agents produce both.

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// What an agent should send for a field, used in error texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    Integer,
    Text,
    TextList,
    Date,
    DateList,
    Time,
    TimeList,
    Weekdays,
    Status,
    Attributes,
    BookingRef,
    Member,
    Name,
    Boolean,
}

/// A tool argument as the agent sent it.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Arg<T> {
    /// Left out, `null` or an empty string.
    #[default]
    Absent,
    Given(T),
    /// Present but unusable for this field; kept to quote it back.
    Invalid(Value),
}

/// A value read leniently from JSON.
pub trait Lenient: Sized {
    const HINT: Hint;
    fn from_json(value: &Value) -> Option<Self>;
}

impl<'de, T: Lenient> Deserialize<'de> for Arg<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // `Option` makes a missing required field come through as `None` too (serde asks
        // for an option then), so the tool can say which field is missing.
        Ok(match Option::<Value>::deserialize(deserializer)? {
            None | Some(Value::Null) => Arg::Absent,
            Some(Value::String(s)) if s.trim().is_empty() => Arg::Absent,
            Some(value) => match T::from_json(&value) {
                Some(v) => Arg::Given(v),
                None => Arg::Invalid(value),
            },
        })
    }
}

// The schema is the one of the value an agent should send; the leniency is not advertised.
impl<T: JsonSchema> JsonSchema for Arg<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }

    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }

    fn schema_id() -> Cow<'static, str> {
        T::schema_id()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::json_schema(generator)
    }
}

/// A field the agent got wrong: which one, what came, and what kind of value to send.
#[derive(Debug, Clone, PartialEq)]
pub struct ArgProblem {
    pub field: &'static str,
    /// The value as sent (shortened), or `None` when it was missing.
    pub got: Option<String>,
    pub hint: Hint,
}

impl<T: Lenient> Arg<T> {
    pub fn is_given(&self) -> bool {
        !matches!(self, Arg::Absent)
    }

    pub fn optional(self, field: &'static str) -> Result<Option<T>, ArgProblem> {
        self.optional_as(field, T::HINT)
    }

    pub fn optional_as(self, field: &'static str, hint: Hint) -> Result<Option<T>, ArgProblem> {
        match self {
            Arg::Absent => Ok(None),
            Arg::Given(v) => Ok(Some(v)),
            Arg::Invalid(value) => Err(ArgProblem {
                field,
                got: Some(quote(&value)),
                hint,
            }),
        }
    }

    pub fn required(self, field: &'static str) -> Result<T, ArgProblem> {
        self.optional(field)?.ok_or(ArgProblem {
            field,
            got: None,
            hint: T::HINT,
        })
    }
}

/// A JSON value as it may be quoted back in one short sentence.
pub fn quote(value: &Value) -> String {
    let text = match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let mut short: String = text.chars().take(40).collect();
    if text.chars().count() > 40 {
        short.push('…');
    }
    short
}

impl Lenient for i64 {
    const HINT: Hint = Hint::Integer;
    fn from_json(value: &Value) -> Option<Self> {
        match value {
            Value::Number(n) => n.as_i64().or_else(|| {
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                    .map(|f| f as i64)
            }),
            Value::String(s) => s.trim().trim_start_matches('#').trim().parse().ok(),
            _ => None,
        }
    }
}

impl Lenient for bool {
    const HINT: Hint = Hint::Boolean;
    fn from_json(value: &Value) -> Option<Self> {
        match value {
            Value::Bool(b) => Some(*b),
            Value::Number(n) => match n.as_i64() {
                Some(1) => Some(true),
                Some(0) => Some(false),
                _ => None,
            },
            Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
                "true" | "yes" | "1" => Some(true),
                "false" | "no" | "0" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }
}

impl Lenient for String {
    const HINT: Hint = Hint::Text;
    fn from_json(value: &Value) -> Option<Self> {
        match value {
            Value::String(s) => Some(s.trim().to_string()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }
}

impl Lenient for Vec<String> {
    const HINT: Hint = Hint::TextList;
    fn from_json(value: &Value) -> Option<Self> {
        match value {
            // "08:00, 18:00" as one string is a list too.
            Value::String(s) => Some(
                s.split([',', ';'])
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(str::to_string)
                    .collect(),
            ),
            Value::Number(n) => Some(vec![n.to_string()]),
            Value::Array(items) => items
                .iter()
                .filter(|v| !v.is_null())
                .map(String::from_json)
                .collect::<Option<Vec<String>>>()
                .map(|v| v.into_iter().filter(|s| !s.is_empty()).collect()),
            _ => None,
        }
    }
}

impl Lenient for BTreeMap<String, Vec<String>> {
    const HINT: Hint = Hint::Attributes;
    fn from_json(value: &Value) -> Option<Self> {
        let Value::Object(map) = value else {
            return None;
        };
        map.iter()
            .map(|(key, v)| Some((key.trim().to_string(), Vec::<String>::from_json(v)?)))
            .collect()
    }
}

/// A date as a caller says it: `YYYY-MM-DD`, `today`, `tomorrow`, a weekday name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateWord(pub String);

impl Lenient for DateWord {
    const HINT: Hint = Hint::Date;
    fn from_json(value: &Value) -> Option<Self> {
        match value {
            Value::String(s) => Some(DateWord(s.trim().to_string())),
            _ => None,
        }
    }
}

impl JsonSchema for DateWord {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "DateWord".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        schemars::json_schema!({ "type": "string" })
    }
}

/// A time of day: `HH:MM`, 24-hour (also `14h`, `14h30`, `14.30`, `15 Uhr`, or the hour as a
/// number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeWord(pub String);

impl Lenient for TimeWord {
    const HINT: Hint = Hint::Time;
    fn from_json(value: &Value) -> Option<Self> {
        match value {
            Value::String(s) => Some(TimeWord(s.trim().to_string())),
            Value::Number(n) if n.as_u64().is_some_and(|h| h < 24) => Some(TimeWord(n.to_string())),
            _ => None,
        }
    }
}

impl JsonSchema for TimeWord {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "TimeWord".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        schemars::json_schema!({ "type": "string", "pattern": "^[0-9]{1,2}:[0-9]{2}$" })
    }
}

/// A booking named by id, or by voucher code where an id was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BookingKey {
    Id(i64),
    Voucher(String),
}

impl Lenient for BookingKey {
    const HINT: Hint = Hint::BookingRef;
    fn from_json(value: &Value) -> Option<Self> {
        if let Some(id) = i64::from_json(value) {
            return Some(BookingKey::Id(id));
        }
        match value {
            Value::String(s) => Some(BookingKey::Voucher(s.trim().to_string())),
            _ => None,
        }
    }
}

impl JsonSchema for BookingKey {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "BookingKey".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        schemars::json_schema!({ "type": "integer", "format": "int64" })
    }
}

/// Which bookings `get_bookings` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, JsonSchema)]
#[schemars(rename_all = "lowercase")]
pub enum StatusFilter {
    Upcoming,
    Past,
    Cancelled,
    All,
}

impl StatusFilter {
    pub fn as_str(self) -> &'static str {
        match self {
            StatusFilter::Upcoming => "upcoming",
            StatusFilter::Past => "past",
            StatusFilter::Cancelled => "cancelled",
            StatusFilter::All => "all",
        }
    }
}

impl Lenient for StatusFilter {
    const HINT: Hint = Hint::Status;
    fn from_json(value: &Value) -> Option<Self> {
        let Value::String(s) = value else { return None };
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "upcoming" | "future" | "active" | "confirmed" | "next" => StatusFilter::Upcoming,
            "past" | "previous" | "completed" | "history" => StatusFilter::Past,
            "cancelled" | "canceled" => StatusFilter::Cancelled,
            "all" | "any" => StatusFilter::All,
            _ => return None,
        })
    }
}

const MEMBER_ID: &str = "The member's id, as get_members returns it (e.g. 12345).";
const MEMBER_NAME: &str = "The member's name (full or first name), when you do not have the id. Ignored when member_id is given.";
const DATE: &str = "The date: YYYY-MM-DD, or a word such as today, tomorrow or a weekday name (monday, segunda, Montag) meaning its next occurrence, today included. Relative to the business's local date.";
const TIME: &str =
    "Start time, HH:MM in 24-hour form (e.g. 08:00), exactly as get_availability offered it.";
const SERVICE: &str = "A service by code or name as get_business_info lists them (partial names work when unique); may also be an attribute value such as a level.";
const LEVEL: &str = "Filter by level (the `level` attribute), e.g. Intermediario2.";
const WAVE_SIDE: &str =
    "Filter by wave side (the `wave_side` attribute), e.g. Lado_esquerdo or Lado_direito.";
const BOOKING_ID: &str = "The booking's id, as get_bookings or book_session returned it.";
const VOUCHER: &str = "The booking's voucher code, e.g. KRM-482 (spoken forms such as 'krm 482' work). Use it when the caller reads their code instead of an id.";

/// `get_member_preferences`: one of the caller's members.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct MemberRequest {
    #[serde(default, alias = "memberId")]
    #[schemars(description = MEMBER_ID)]
    pub member_id: Arg<i64>,
    #[serde(default, alias = "memberName")]
    #[schemars(description = MEMBER_NAME)]
    pub member_name: Arg<String>,
}

/// `set_member_preferences`: fields left out keep their saved value.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct SetPreferencesRequest {
    #[serde(default, alias = "memberId")]
    #[schemars(description = MEMBER_ID)]
    pub member_id: Arg<i64>,
    #[serde(default, alias = "memberName")]
    #[schemars(description = MEMBER_NAME)]
    pub member_name: Arg<String>,
    #[serde(default)]
    #[schemars(
        description = "Preferred services, by code or name. Replaces the saved list; [] clears it."
    )]
    pub services: Arg<Vec<String>>,
    #[serde(default)]
    #[schemars(
        description = "Preferred values per service attribute, e.g. {\"level\": [\"Intermediario2\"], \"wave_side\": [\"Lado_esquerdo\"]}. Each attribute given replaces its saved values; [] clears one."
    )]
    pub attributes: Arg<BTreeMap<String, Vec<String>>>,
    #[serde(default)]
    #[schemars(description = "Shortcut for attributes.level: the preferred level(s).")]
    pub level: Arg<Vec<String>>,
    #[serde(default, alias = "waveSide")]
    #[schemars(
        description = "Shortcut for attributes.wave_side: the preferred wave side(s), e.g. Lado_esquerdo."
    )]
    pub wave_side: Arg<Vec<String>>,
    #[serde(default, alias = "targetHours")]
    #[schemars(
        description = "Preferred start times, HH:MM (e.g. [\"08:00\"]). Replaces the saved list; [] clears it."
    )]
    pub target_hours: Arg<Vec<String>>,
    #[serde(default, alias = "targetWeekdays")]
    #[schemars(
        description = "Preferred weekdays by name in English, Portuguese or German (e.g. [\"saturday\", \"domingo\"]). Replaces the saved list; [] clears it."
    )]
    pub target_weekdays: Arg<Vec<String>>,
    #[serde(default, alias = "targetDates")]
    #[schemars(
        description = "Specific wanted dates, YYYY-MM-DD or date words. Replaces the saved list; [] clears it."
    )]
    pub target_dates: Arg<Vec<String>>,
    #[serde(default)]
    #[schemars(
        description = "Free-text notes about the member's wishes (at most 1000 characters)."
    )]
    pub notes: Arg<String>,
    #[serde(default, alias = "autoBook")]
    #[schemars(
        description = "true: book this member automatically into any session matching these preferences (services or attributes, target_hours as a window, target_weekdays, target_dates) as soon as a place opens, up to the member's quota; false stops it."
    )]
    pub auto_book: Arg<bool>,
}

/// `get_availability` (alias `check_availability`).
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct AvailabilityRequest {
    #[serde(default, alias = "day")]
    #[schemars(
        description = "One day to look at (default: today). YYYY-MM-DD, today, tomorrow or a weekday name."
    )]
    pub date: Arg<DateWord>,
    #[serde(default, alias = "dateFrom", alias = "from")]
    #[schemars(description = "First day of a range (instead of date). Same forms as date.")]
    pub date_from: Arg<DateWord>,
    #[serde(default, alias = "dateTo", alias = "to")]
    #[schemars(
        description = "Last day of a range, inclusive; at most 31 days after date_from. Default: date_from."
    )]
    pub date_to: Arg<DateWord>,
    #[serde(default)]
    #[schemars(description = SERVICE)]
    pub service: Arg<String>,
    #[serde(default)]
    #[schemars(description = LEVEL)]
    pub level: Arg<String>,
    #[serde(default, alias = "waveSide")]
    #[schemars(description = WAVE_SIDE)]
    pub wave_side: Arg<String>,
    #[serde(default, alias = "memberId")]
    #[schemars(description = "Rank the slots by this member's saved preferences (best first).")]
    pub member_id: Arg<i64>,
}

/// `book_session`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct BookRequest {
    #[serde(default, alias = "memberId")]
    #[schemars(
        description = "Who the booking is for (from get_members). May be left out when the caller has exactly one member."
    )]
    pub member_id: Arg<i64>,
    #[serde(default, alias = "memberName")]
    #[schemars(description = MEMBER_NAME)]
    pub member_name: Arg<String>,
    #[serde(default)]
    #[schemars(description = SERVICE)]
    pub service: Arg<String>,
    #[serde(default)]
    #[schemars(description = "The level, when it picks the service (e.g. Intermediario2).")]
    pub level: Arg<String>,
    #[serde(default, alias = "waveSide")]
    #[schemars(
        description = "The wave side, when it picks the service (Lado_esquerdo or Lado_direito)."
    )]
    pub wave_side: Arg<String>,
    #[schemars(description = DATE)]
    pub date: Arg<DateWord>,
    #[schemars(description = TIME)]
    pub time: Arg<TimeWord>,
    #[serde(default, alias = "idempotencyKey")]
    #[schemars(
        description = "Any unique string for this booking attempt (e.g. the call id plus a counter). Retrying with the same key returns the first booking instead of booking twice; without it, a retry books again."
    )]
    pub idempotency_key: Arg<String>,
    #[serde(default, alias = "caller_name", alias = "callerName")]
    #[schemars(
        description = "The caller's full name, only for a caller without a customer account: registers them first, when the business allows new callers to book."
    )]
    pub name: Arg<String>,
    #[serde(default)]
    #[schemars(description = "A short note for the business about this booking.")]
    pub notes: Arg<String>,
}

/// `cancel_booking`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct CancelRequest {
    #[serde(default, alias = "bookingId", alias = "id")]
    #[schemars(description = BOOKING_ID)]
    pub booking_id: Arg<BookingKey>,
    #[serde(default, alias = "voucherCode", alias = "voucher", alias = "code")]
    #[schemars(description = VOUCHER)]
    pub voucher_code: Arg<String>,
    #[serde(default)]
    #[schemars(description = "Why the caller cancels, in their words (optional).")]
    pub reason: Arg<String>,
}

/// `reschedule_booking`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct RescheduleRequest {
    #[serde(default, alias = "bookingId", alias = "id")]
    #[schemars(description = BOOKING_ID)]
    pub booking_id: Arg<BookingKey>,
    #[serde(default, alias = "voucherCode", alias = "voucher", alias = "code")]
    #[schemars(description = VOUCHER)]
    pub voucher_code: Arg<String>,
    #[serde(alias = "new_date", alias = "newDate")]
    #[schemars(description = "The new date. YYYY-MM-DD, today, tomorrow or a weekday name.")]
    pub date: Arg<DateWord>,
    #[serde(alias = "new_time", alias = "newTime")]
    #[schemars(description = "The new start time, HH:MM, as get_availability offered it.")]
    pub time: Arg<TimeWord>,
    #[serde(default)]
    #[schemars(description = "Move to another service too (default: the same service).")]
    pub service: Arg<String>,
}

/// `get_bookings` (alias `list_bookings`).
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct BookingsRequest {
    #[serde(default, alias = "memberId")]
    #[schemars(description = "Only this member's bookings (default: every member of the caller).")]
    pub member_id: Arg<i64>,
    #[serde(default, alias = "memberName")]
    #[schemars(description = "Only this member's bookings, by name, when you do not have the id.")]
    pub member_name: Arg<String>,
    #[serde(default)]
    #[schemars(
        description = "upcoming (default): confirmed and not yet over; past; cancelled; all."
    )]
    pub status: Arg<StatusFilter>,
}

/// `join_waitlist`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct JoinWaitlistRequest {
    #[serde(default, alias = "memberId")]
    #[schemars(
        description = "Who waits (from get_members). May be left out when the caller has exactly one member."
    )]
    pub member_id: Arg<i64>,
    #[serde(default, alias = "memberName")]
    #[schemars(description = MEMBER_NAME)]
    pub member_name: Arg<String>,
    #[serde(default)]
    #[schemars(description = SERVICE)]
    pub service: Arg<String>,
    #[serde(default)]
    #[schemars(description = "The level, when it picks the service (e.g. Intermediario2).")]
    pub level: Arg<String>,
    #[serde(default, alias = "waveSide")]
    #[schemars(
        description = "The wave side, when it picks the service (Lado_esquerdo or Lado_direito)."
    )]
    pub wave_side: Arg<String>,
    #[serde(default, alias = "day")]
    #[schemars(
        description = "The day wanted. YYYY-MM-DD, today, tomorrow or a weekday name. Or a range with date_from and date_to."
    )]
    pub date: Arg<DateWord>,
    #[serde(default, alias = "dateFrom", alias = "from")]
    #[schemars(description = "First day of a range (instead of date). Same forms as date.")]
    pub date_from: Arg<DateWord>,
    #[serde(default, alias = "dateTo", alias = "to")]
    #[schemars(
        description = "Last day of a range, inclusive; at most 62 days after date_from. Default: date_from."
    )]
    pub date_to: Arg<DateWord>,
    #[serde(default, alias = "timeFrom", alias = "earliest")]
    #[schemars(description = "The earliest start time the caller would take, HH:MM.")]
    pub time_from: Arg<TimeWord>,
    #[serde(default, alias = "timeTo", alias = "latest")]
    #[schemars(description = "The latest start time the caller would take, HH:MM.")]
    pub time_to: Arg<TimeWord>,
    #[serde(default, alias = "autoBook")]
    #[schemars(
        description = "true (default): a freed place is booked at once and the caller gets an SMS. false: the place is held for the business's hold time and offered by SMS; the caller confirms by booking it with book_session."
    )]
    pub auto_book: Arg<bool>,
}

/// `get_waitlist`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct WaitlistRequest {
    #[serde(default, alias = "memberId")]
    #[schemars(description = "Only this member's entries (default: every member of the caller).")]
    pub member_id: Arg<i64>,
    #[serde(default, alias = "memberName")]
    #[schemars(description = "Only this member's entries, by name, when you do not have the id.")]
    pub member_name: Arg<String>,
}

/// `leave_waitlist`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct LeaveWaitlistRequest {
    #[serde(default, alias = "entryId", alias = "waitlist_id", alias = "id")]
    #[schemars(
        description = "The waitlist entry to leave (entry_id from get_waitlist or join_waitlist)."
    )]
    pub entry_id: Arg<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse<T: for<'de> Deserialize<'de>>(value: Value) -> T {
        serde_json::from_value(value).expect("lenient parse never fails")
    }

    #[test]
    fn numbers_and_numeric_strings_are_both_ids() {
        let r: MemberRequest = parse(json!({"member_id": "12345"}));
        assert_eq!(r.member_id, Arg::Given(12345));
        let r: MemberRequest = parse(json!({"memberId": 12345.0}));
        assert_eq!(r.member_id, Arg::Given(12345));
        let r: MemberRequest = parse(json!({"member_id": {"id": 1}}));
        let problem = r.member_id.optional("member_id").expect_err("invalid");
        assert_eq!(problem.field, "member_id");
        assert_eq!(problem.hint, Hint::Integer);
    }

    #[test]
    fn missing_required_fields_are_absent_not_a_failure() {
        let r: BookRequest = parse(json!({}));
        assert_eq!(r.date, Arg::Absent);
        let problem = r.time.required("time").expect_err("missing");
        assert_eq!(problem.got, None);
    }

    #[test]
    fn lists_accept_one_string_and_blank_means_absent() {
        let r: SetPreferencesRequest =
            parse(json!({"target_hours": "08:00, 18:00", "notes": "  "}));
        assert_eq!(
            r.target_hours,
            Arg::Given(vec!["08:00".to_string(), "18:00".to_string()])
        );
        assert_eq!(r.notes, Arg::Absent);
        let r: BookingsRequest = parse(json!({"status": "Cancelled"}));
        assert_eq!(r.status, Arg::Given(StatusFilter::Cancelled));
    }
}
