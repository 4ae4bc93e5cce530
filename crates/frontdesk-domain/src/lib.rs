//! frontdesk-domain: the booking rules and value types every other crate shares.
//!
//! Phone numbers, languages, local dates and times, schedules and their slot generation,
//! company policies and voucher codes. Everything here is pure: no I/O, no database, no HTTP,
//! so the same rule is applied whichever surface a call comes in through. This crate must not
//! depend on any other frontdesk crate.

pub mod booking;
pub mod dates;
pub mod ids;
pub mod language;
pub mod messaging;
pub mod opening;
pub mod phone;
pub mod policy;
pub mod preferences;
pub mod schedule;
pub mod text;
pub mod voucher;

pub use booking::{ApiKeyKind, BookingSource, BookingStatus, OperatorRole};
pub use dates::{DateParseError, parse_date, parse_time};
pub use ids::*;
pub use language::Language;
pub use messaging::CompanyMessaging;
pub use phone::{PhoneError, PhoneNumber};
pub use policy::{BookingPolicy, PolicyViolation, ReminderOffset};
pub use preferences::MemberPreferences;
pub use schedule::{DateException, Schedule, ScheduleError, TimeRange};
pub use voucher::{new_voucher_code, normalize_voucher_code};
