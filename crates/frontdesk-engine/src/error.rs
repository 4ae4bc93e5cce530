//! Engine errors. Each variant is an answer a client can act on and has a stable `code()`;
//! the `Display` text is what a voice agent reads, so it says what was wrong and what to send
//! instead. Database faults keep their detail for the log only.

use frontdesk_store::StoreError;

/// A bookable alternative offered when a slot is refused (local date and time).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Alternative {
    pub service_id: i64,
    pub service: String,
    pub date: String,
    pub time: String,
    pub remaining: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("{what} not found")]
    NotFound { what: &'static str },
    #[error("invalid {field}: {message}")]
    InvalidInput {
        field: &'static str,
        message: String,
    },
    /// The caller must pick one of `choices` (a service, a member, a staff member): said
    /// as a question in the business's language by the voice surfaces.
    #[error("invalid {field}: {message}")]
    Choose {
        field: &'static str,
        message: String,
        choices: Vec<String>,
    },
    /// The text holds a control or bidirectional formatting character (see
    /// `frontdesk_domain::text`).
    #[error("invalid {field}: {message}")]
    UnsafeText {
        field: &'static str,
        message: String,
    },
    #[error("{0}")]
    InvalidPhone(String),
    #[error(
        "the caller is not a customer yet: ask for their name to register them, or transfer the call"
    )]
    UnknownCaller,
    #[error("{message}")]
    AmbiguousMember {
        message: String,
        member_ids: Vec<i64>,
    },
    #[error("{service} has no session at {date} {time}{}", hint(.alternatives))]
    NoSuchSlot {
        service: String,
        date: String,
        time: String,
        alternatives: Vec<Alternative>,
    },
    #[error("{service} at {date} {time} is full{}", hint(.alternatives))]
    SlotFull {
        service: String,
        date: String,
        time: String,
        alternatives: Vec<Alternative>,
    },
    #[error("{message}")]
    TooSoon {
        message: String,
        alternatives: Vec<Alternative>,
    },
    /// The slot has already started or passed. Its code stays `TOO_SOON` (the rule is the
    /// notice), but voice surfaces say it differently.
    #[error("{message}")]
    InThePast {
        message: String,
        alternatives: Vec<Alternative>,
    },
    /// The caller named a day that is over ("yesterday", last Friday's date).
    #[error("{field}: {date} has already passed: send today or a later day")]
    DatePassed {
        field: &'static str,
        date: jiff::civil::Date,
    },
    #[error("{message}")]
    OutsideBookingWindow { message: String },
    #[error(
        "this member already has {active} active booking(s), the most allowed is {limit}: cancel or wait for one to pass before booking another"
    )]
    QuotaReached { active: i64, limit: i64 },
    #[error("this booking is {status} and can no longer be changed")]
    BookingNotActive { status: String },
    /// `join_waitlist` for a place that is free right now: book one of `alternatives`.
    #[error("{service} has a free place{}", hint(.alternatives))]
    SlotAvailable {
        service: String,
        alternatives: Vec<Alternative>,
    },
    /// `join_waitlist` for a member who already has a place in what they asked for.
    #[error("this member is already booked for {service} on {date} at {time}")]
    AlreadyBooked {
        service: String,
        date: String,
        time: String,
    },
    #[error("a date range may cover at most {max} days, not {requested}")]
    RangeTooLong { max: i64, requested: i64 },
    #[error("the booking system is temporarily unavailable, please try again in a moment")]
    Unavailable(String),
    #[error("internal error")]
    Internal(String),
}

fn hint(alternatives: &[Alternative]) -> String {
    if alternatives.is_empty() {
        return String::new();
    }
    let list: Vec<String> = alternatives
        .iter()
        .take(3)
        .map(|a| format!("{} {} {}", a.service, a.date, a.time))
        .collect();
    format!("; available instead: {}", list.join(", "))
}

pub type EngineResult<T> = Result<T, EngineError>;

impl EngineError {
    /// The stable code clients match on.
    pub fn code(&self) -> &'static str {
        match self {
            EngineError::NotFound { .. } => "NOT_FOUND",
            EngineError::InvalidInput { .. }
            | EngineError::Choose { .. }
            | EngineError::UnsafeText { .. } => "INVALID_INPUT",
            EngineError::InvalidPhone(_) => "INVALID_PHONE",
            EngineError::UnknownCaller => "UNKNOWN_CALLER",
            EngineError::AmbiguousMember { .. } => "MEMBER_REQUIRED",
            EngineError::NoSuchSlot { .. } => "NO_SUCH_SLOT",
            EngineError::SlotFull { .. } => "SLOT_FULL",
            EngineError::TooSoon { .. } | EngineError::InThePast { .. } => "TOO_SOON",
            EngineError::DatePassed { .. } => "DATE_PASSED",
            EngineError::OutsideBookingWindow { .. } => "OUTSIDE_BOOKING_WINDOW",
            EngineError::QuotaReached { .. } => "QUOTA_REACHED",
            EngineError::BookingNotActive { .. } => "BOOKING_NOT_ACTIVE",
            EngineError::RangeTooLong { .. } => "RANGE_TOO_LONG",
            EngineError::SlotAvailable { .. } => "SLOT_AVAILABLE",
            EngineError::AlreadyBooked { .. } => "ALREADY_BOOKED",
            EngineError::Unavailable(_) => "TEMPORARILY_UNAVAILABLE",
            EngineError::Internal(_) => "INTERNAL_ERROR",
        }
    }

    /// Whether the caller's input or a booking rule caused it (as opposed to a fault).
    pub fn is_client_error(&self) -> bool {
        !matches!(self, EngineError::Unavailable(_) | EngineError::Internal(_))
    }

    /// Alternatives to offer the caller, if the error carries any.
    pub fn alternatives(&self) -> &[Alternative] {
        match self {
            EngineError::NoSuchSlot { alternatives, .. }
            | EngineError::SlotFull { alternatives, .. }
            | EngineError::TooSoon { alternatives, .. }
            | EngineError::InThePast { alternatives, .. }
            | EngineError::SlotAvailable { alternatives, .. } => alternatives,
            _ => &[],
        }
    }

    /// The field the caller's input was wrong in, for the input errors.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            EngineError::InvalidInput { field, .. }
            | EngineError::Choose { field, .. }
            | EngineError::UnsafeText { field, .. }
            | EngineError::DatePassed { field, .. } => Some(field),
            _ => None,
        }
    }

    pub(crate) fn choose(
        field: &'static str,
        message: impl Into<String>,
        choices: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        EngineError::Choose {
            field,
            message: message.into(),
            choices: choices.into_iter().map(Into::into).collect(),
        }
    }

    pub(crate) fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        EngineError::InvalidInput {
            field,
            message: message.into(),
        }
    }
}

impl From<StoreError> for EngineError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => EngineError::NotFound { what: "record" },
            StoreError::Unavailable(m) => EngineError::Unavailable(m),
            StoreError::Conflict(m) => EngineError::InvalidInput {
                field: "record",
                message: m,
            },
            StoreError::Corrupt(m) | StoreError::Other(m) => EngineError::Internal(m),
        }
    }
}

/// `NotFound` from the store becomes "`what` not found"; other errors convert as usual.
pub(crate) trait NotFoundAs<T> {
    fn or_not_found(self, what: &'static str) -> EngineResult<T>;
}

impl<T> NotFoundAs<T> for Result<T, StoreError> {
    fn or_not_found(self, what: &'static str) -> EngineResult<T> {
        self.map_err(|e| match e {
            StoreError::NotFound => EngineError::NotFound { what },
            other => other.into(),
        })
    }
}
