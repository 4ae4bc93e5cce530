//! A company's booking policies: how soon and how far ahead a caller may book, how many active
//! bookings one member may hold, and until when a cancellation is free.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BookingPolicy {
    /// Slots starting sooner than this are not offered and cannot be booked.
    pub min_notice_minutes: i64,
    /// Slots starting more than this many days ahead are not offered.
    pub booking_window_days: i64,
    /// Most confirmed, not yet ended bookings one member may hold (`None`: no limit).
    pub max_active_bookings_per_member: Option<i64>,
    /// A cancellation at least this many hours before the start is free (refund applicable).
    pub free_cancellation_hours: i64,
    /// Whether a caller the company does not know may book by giving their name.
    pub allow_unknown_callers: bool,
    /// How long before each booking a reminder goes out (`["24h", "2h"]`); empty: none.
    pub reminders: Vec<ReminderOffset>,
    /// How long a place freed for a waitlist entry without auto-book is held for it before it
    /// passes to the next entry.
    pub waitlist_hold_minutes: i64,
}

impl Default for BookingPolicy {
    fn default() -> Self {
        BookingPolicy {
            min_notice_minutes: 60,
            booking_window_days: 60,
            max_active_bookings_per_member: None,
            free_cancellation_hours: 24,
            allow_unknown_callers: false,
            reminders: vec![ReminderOffset::hours(24)],
            waitlist_hold_minutes: 15,
        }
    }
}

/// How long before a booking's start a reminder is due: `"24h"`, `"90m"`, `"2d"`, between a
/// minute and 30 days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ReminderOffset {
    minutes: i64,
}

impl ReminderOffset {
    pub const MAX_MINUTES: i64 = 30 * 24 * 60;

    pub fn hours(hours: i64) -> Self {
        ReminderOffset {
            minutes: hours * 60,
        }
    }

    pub fn minutes(self) -> i64 {
        self.minutes
    }

    pub fn duration(self) -> SignedDuration {
        SignedDuration::from_secs(self.minutes * 60)
    }

    /// When the reminder of a booking starting at `start` is due.
    pub fn due(self, start: Timestamp) -> Timestamp {
        start.saturating_sub(self.duration()).unwrap_or(start)
    }
}

impl std::str::FromStr for ReminderOffset {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let text = s.trim().to_ascii_lowercase();
        let bad = || {
            format!(
                "reminder {s:?} is not a duration such as \"24h\", \"90m\" or \"2d\" \
                 (between 1m and 30d)"
            )
        };
        let split = text.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
        let (number, unit) = text.split_at(split);
        let number: i64 = number.parse().map_err(|_| bad())?;
        let unit_minutes = match unit.trim() {
            "m" | "min" => 1,
            "h" => 60,
            "d" => 24 * 60,
            _ => return Err(bad()),
        };
        let minutes = number.checked_mul(unit_minutes).ok_or_else(bad)?;
        if !(1..=Self::MAX_MINUTES).contains(&minutes) {
            return Err(bad());
        }
        Ok(ReminderOffset { minutes })
    }
}

impl std::fmt::Display for ReminderOffset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.minutes {
            m if m % (24 * 60) == 0 => write!(f, "{}d", m / (24 * 60)),
            m if m % 60 == 0 => write!(f, "{}h", m / 60),
            m => write!(f, "{m}m"),
        }
    }
}

impl Serialize for ReminderOffset {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ReminderOffset {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyViolation {
    #[error(
        "this slot starts too soon: bookings need at least {min_notice_minutes} minutes notice"
    )]
    TooSoon {
        min_notice_minutes: i64,
        earliest: Timestamp,
    },
    #[error("this slot is too far ahead: bookings open {booking_window_days} days in advance")]
    TooFarAhead {
        booking_window_days: i64,
        latest: Timestamp,
    },
    #[error("this slot has already started")]
    InThePast,
}

impl BookingPolicy {
    /// The first instant a booking may start at, seen from `now`.
    pub fn earliest_start(&self, now: Timestamp) -> Timestamp {
        now.saturating_add(seconds(self.min_notice_minutes, 60))
            .unwrap_or(now)
    }

    /// The last instant a booking may start at, seen from `now`.
    pub fn latest_start(&self, now: Timestamp) -> Timestamp {
        now.saturating_add(seconds(self.booking_window_days, 24 * 3600))
            .unwrap_or(now)
    }

    /// Whether a slot starting at `start` may be offered and booked at `now`.
    pub fn check_start(&self, start: Timestamp, now: Timestamp) -> Result<(), PolicyViolation> {
        if start <= now {
            return Err(PolicyViolation::InThePast);
        }
        let earliest = self.earliest_start(now);
        if start < earliest {
            return Err(PolicyViolation::TooSoon {
                min_notice_minutes: self.min_notice_minutes,
                earliest,
            });
        }
        let latest = self.latest_start(now);
        if start > latest {
            return Err(PolicyViolation::TooFarAhead {
                booking_window_days: self.booking_window_days,
                latest,
            });
        }
        Ok(())
    }

    /// Whether cancelling a booking that starts at `start` is free at `now`.
    pub fn cancellation_is_free(&self, start: Timestamp, now: Timestamp) -> bool {
        let deadline = start
            .saturating_sub(seconds(self.free_cancellation_hours, 3600))
            .unwrap_or(start);
        now <= deadline
    }
}

/// `count` units of `unit_seconds` (a negative count is none), saturating: a business file may
/// set any integer, and `SignedDuration::from_mins`/`from_hours` panic on overflow.
fn seconds(count: i64, unit_seconds: i64) -> SignedDuration {
    SignedDuration::from_secs(count.max(0).saturating_mul(unit_seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().expect("timestamp")
    }

    #[test]
    fn reminder_offsets_read_and_write_as_short_durations() {
        let read = |s: &str| s.parse::<ReminderOffset>();
        assert_eq!(read("24h").map(|r| r.minutes()), Ok(24 * 60));
        assert_eq!(read(" 90m ").map(|r| r.to_string()), Ok("90m".into()));
        assert_eq!(read("2d").map(|r| r.to_string()), Ok("2d".into()));
        assert_eq!(read("120m").map(|r| r.to_string()), Ok("2h".into()));
        for bad in [
            "",
            "h",
            "24",
            "0h",
            "-1h",
            "31d",
            "24 hours",
            "99999999999999999d",
        ] {
            assert!(read(bad).is_err(), "{bad:?} was read");
        }
        let due = read("2h").expect("2h").due(at("2026-11-21T10:00:00Z"));
        assert_eq!(due, at("2026-11-21T08:00:00Z"));
    }

    #[test]
    fn notice_and_window_bound_what_can_be_booked() {
        let p = BookingPolicy {
            min_notice_minutes: 20,
            booking_window_days: 7,
            ..Default::default()
        };
        let now = at("2026-11-21T10:00:00Z");
        assert!(matches!(
            p.check_start(at("2026-11-21T10:10:00Z"), now),
            Err(PolicyViolation::TooSoon { .. })
        ));
        assert_eq!(p.check_start(at("2026-11-21T10:20:00Z"), now), Ok(()));
        assert_eq!(p.check_start(at("2026-11-28T10:00:00Z"), now), Ok(()));
        assert!(matches!(
            p.check_start(at("2026-11-28T10:01:00Z"), now),
            Err(PolicyViolation::TooFarAhead { .. })
        ));
        assert_eq!(
            p.check_start(at("2026-11-21T09:00:00Z"), now),
            Err(PolicyViolation::InThePast)
        );
    }

    #[test]
    fn huge_policy_values_saturate_instead_of_panicking() {
        let p = BookingPolicy {
            min_notice_minutes: i64::MAX,
            booking_window_days: i64::MAX,
            free_cancellation_hours: i64::MAX,
            ..Default::default()
        };
        let now = at("2026-11-21T10:00:00Z");
        assert!(matches!(
            p.check_start(at("2026-11-22T10:00:00Z"), now),
            Err(PolicyViolation::TooSoon { .. })
        ));
        assert!(!p.cancellation_is_free(at("2026-11-22T10:00:00Z"), now));
    }

    #[test]
    fn cancellation_is_free_until_the_deadline() {
        let p = BookingPolicy {
            free_cancellation_hours: 24,
            ..Default::default()
        };
        let start = at("2026-11-22T10:00:00Z");
        assert!(p.cancellation_is_free(start, at("2026-11-21T10:00:00Z")));
        assert!(!p.cancellation_is_free(start, at("2026-11-21T10:00:01Z")));
    }
}
