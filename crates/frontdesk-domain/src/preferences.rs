//! A member's booking preferences and how they rank offered slots.

use crate::schedule::ClockTime;
use jiff::civil::{Date, Time, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a member likes to book. Every field is optional; an empty value means "no preference".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MemberPreferences {
    /// Service codes or names the member prefers.
    pub services: Vec<String>,
    /// Preferred values per service attribute, such as `{"level": ["Intermediario2"],
    /// "wave_side": ["Lado_esquerdo"]}`.
    pub attributes: BTreeMap<String, Vec<String>>,
    /// Preferred start times (`HH:MM`).
    pub target_hours: Vec<ClockTime>,
    /// Preferred weekdays (`monday`, `segunda`, ...), stored as English lower-case names.
    pub target_weekdays: Vec<String>,
    /// Specific dates the member wants.
    pub target_dates: Vec<Date>,
    pub notes: Option<String>,
    /// Book the member into any session matching these preferences as soon as a place opens
    /// (the waitlist's preference entries), up to the member's quota.
    pub auto_book: bool,
}

/// What the ranking needs to know about one offered slot.
pub struct SlotFacts<'a> {
    pub service_code: &'a str,
    pub service_name: &'a str,
    pub attributes: &'a BTreeMap<String, String>,
    pub date: Date,
    pub time: Time,
}

impl MemberPreferences {
    pub fn is_empty(&self) -> bool {
        *self == MemberPreferences::default()
    }

    /// A score for a slot: higher is a better match. Zero when nothing matches.
    pub fn score(&self, slot: &SlotFacts<'_>) -> u32 {
        let mut score = 0;
        if self.services.iter().any(|s| {
            s.eq_ignore_ascii_case(slot.service_code) || s.eq_ignore_ascii_case(slot.service_name)
        }) {
            score += 8;
        }
        for (key, wanted) in &self.attributes {
            if let Some(value) = slot.attributes.get(key)
                && wanted.iter().any(|w| w.eq_ignore_ascii_case(value))
            {
                score += 4;
            }
        }
        if self.target_dates.contains(&slot.date) {
            score += 4;
        }
        if self
            .target_weekdays
            .iter()
            .filter_map(|w| crate::dates::weekday_from_word(w))
            .any(|w| w == slot.date.weekday())
        {
            score += 2;
        }
        if let Some(best) = self
            .target_hours
            .iter()
            .map(|h| minutes_apart(h.0, slot.time))
            .min()
        {
            // Full points for the exact hour, fewer the further away, none beyond 3 hours.
            score += (3 - (best / 60).min(3)) as u32;
        }
        score
    }
}

fn minutes_apart(a: Time, b: Time) -> i64 {
    let m = |t: Time| i64::from(t.hour()) * 60 + i64::from(t.minute());
    (m(a) - m(b)).abs()
}

/// English lower-case weekday name, the stored form of `target_weekdays`.
pub fn weekday_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Monday => "monday",
        Weekday::Tuesday => "tuesday",
        Weekday::Wednesday => "wednesday",
        Weekday::Thursday => "thursday",
        Weekday::Friday => "friday",
        Weekday::Saturday => "saturday",
        Weekday::Sunday => "sunday",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{date, time};

    #[test]
    fn matching_slots_score_higher() {
        let prefs = MemberPreferences {
            attributes: BTreeMap::from([("wave_side".into(), vec!["Lado_esquerdo".into()])]),
            target_hours: vec!["08:00".parse().expect("time")],
            ..Default::default()
        };
        let left = BTreeMap::from([("wave_side".to_string(), "Lado_esquerdo".to_string())]);
        let right = BTreeMap::from([("wave_side".to_string(), "Lado_direito".to_string())]);
        let slot = |attributes, t| SlotFacts {
            service_code: "x",
            service_name: "x",
            attributes,
            date: date(2026, 11, 23),
            time: t,
        };
        let best = prefs.score(&slot(&left, time(8, 0, 0, 0)));
        assert!(best > prefs.score(&slot(&right, time(8, 0, 0, 0))));
        assert!(best > prefs.score(&slot(&left, time(18, 0, 0, 0))));
        assert_eq!(
            MemberPreferences::default().score(&slot(&left, time(8, 0, 0, 0))),
            0
        );
    }
}
