//! Service schedules and the slots they produce.
//!
//! A schedule is either fixed start times per weekday (a surf session at 08:00, 12:00 and 18:00)
//! or open hours cut into slots every N minutes around breaks (a practice open 09:00–18:00 every
//! 30 minutes). Dated exceptions close a day or replace its hours. Slot times are civil (wall
//! clock) times; [`zoned_starts`] places them in a time zone, skipping times that do not exist on
//! a daylight-saving day and never offering a repeated hour twice.

use crate::dates::weekday_from_word;
use jiff::civil::{Date, Time, Weekday};
use jiff::tz::{AmbiguousOffset, TimeZone};
use jiff::{Timestamp, Zoned};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error(
        "{0:?} is not a day: use mon..sun, a range such as mon-fri, daily, weekdays or weekend"
    )]
    Day(String),
    #[error("{0:?} is not a time: use HH:MM")]
    Time(String),
    #[error("{0:?} is not a time range: use HH:MM-HH:MM with the start before the end")]
    Range(String),
    #[error("slot interval must be between 5 and 1440 minutes, not {0}")]
    Interval(i32),
}

/// A wall-clock time written `HH:MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClockTime(pub Time);

impl FromStr for ClockTime {
    type Err = ScheduleError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ScheduleError::Time(s.to_string());
        let (h, m) = s.trim().split_once(':').ok_or_else(err)?;
        let (h, m): (i8, i8) = (h.parse().map_err(|_| err())?, m.parse().map_err(|_| err())?);
        Time::new(h, m, 0, 0).map(ClockTime).map_err(|_| err())
    }
}

impl fmt::Display for ClockTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0.hour(), self.0.minute())
    }
}

impl Serialize for ClockTime {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ClockTime {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// `HH:MM-HH:MM`, start before end, within one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct TimeRange {
    pub start: ClockTime,
    pub end: ClockTime,
}

impl TimeRange {
    fn contains_span(&self, start: Time, end: Time) -> bool {
        self.start.0 <= start && end <= self.end.0
    }

    fn overlaps(&self, start: Time, end: Time) -> bool {
        start < self.end.0 && self.start.0 < end
    }
}

impl FromStr for TimeRange {
    type Err = ScheduleError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ScheduleError::Range(s.to_string());
        let (a, b) = s.split_once('-').ok_or_else(err)?;
        let (start, end): (ClockTime, ClockTime) =
            (a.parse().map_err(|_| err())?, b.parse().map_err(|_| err())?);
        if start >= end {
            return Err(err());
        }
        Ok(TimeRange { start, end })
    }
}

impl fmt::Display for TimeRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.start, self.end)
    }
}

impl Serialize for TimeRange {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for TimeRange {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A set of weekdays as written in a business file: `mon`, `mon-fri`, `sat,sun`, `daily`,
/// `weekdays`, `weekend`. Keeps its spelling so a schedule reads back as it was written.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct DayKey {
    label: String,
    mask: u8,
}

impl DayKey {
    pub fn includes(&self, day: Weekday) -> bool {
        self.mask & bit(day) != 0
    }

    pub fn label(&self) -> &str {
        &self.label
    }
}

fn bit(day: Weekday) -> u8 {
    1 << day.to_monday_zero_offset()
}

impl FromStr for DayKey {
    type Err = ScheduleError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ScheduleError::Day(s.to_string());
        let label = s.trim().to_ascii_lowercase();
        let mut mask = 0u8;
        for part in label.split(',').map(str::trim) {
            mask |= match part {
                "daily" | "every_day" | "everyday" | "all" => 0x7f,
                "weekdays" => 0x1f,
                "weekend" | "weekends" => 0x60,
                _ => match part.split_once('-') {
                    Some((a, b)) => {
                        let a = weekday_from_word(a).ok_or_else(err)?;
                        let b = weekday_from_word(b).ok_or_else(err)?;
                        let (a, b) = (a.to_monday_zero_offset(), b.to_monday_zero_offset());
                        if a > b {
                            return Err(err());
                        }
                        (a..=b).fold(0, |m, i| m | (1 << i))
                    }
                    None => bit(weekday_from_word(part).ok_or_else(err)?),
                },
            };
        }
        Ok(DayKey { label, mask })
    }
}

impl Serialize for DayKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.label)
    }
}

impl<'de> Deserialize<'de> for DayKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// When a service can start.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Schedule {
    /// Fixed start times per weekday.
    FixedTimes {
        times: BTreeMap<DayKey, Vec<ClockTime>>,
    },
    /// Open hours per weekday, cut into slots every `interval_minutes`, skipping breaks.
    OpenHours {
        hours: BTreeMap<DayKey, Vec<TimeRange>>,
        interval_minutes: i32,
        #[serde(default)]
        breaks: Vec<TimeRange>,
    },
}

/// A dated change to the usual schedule: the day is closed, or has other hours or start times.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DateException {
    pub date: Date,
    #[serde(default)]
    pub closed: bool,
    /// Special opening hours for the day (open-hours schedules slot within them; fixed
    /// times outside them are dropped).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<Vec<TimeRange>>,
    /// Special start times for the day (fixed-times schedules).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<Vec<ClockTime>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Schedule {
    pub fn validate(&self) -> Result<(), ScheduleError> {
        if let Schedule::OpenHours {
            interval_minutes, ..
        } = self
            && !(5..=1440).contains(interval_minutes)
        {
            return Err(ScheduleError::Interval(*interval_minutes));
        }
        Ok(())
    }

    /// The local start times on `date` for a service lasting `duration_minutes`, after the
    /// exceptions that fall on that date. Sorted, without repeats.
    pub fn start_times_on(
        &self,
        date: Date,
        duration_minutes: i32,
        exceptions: &[DateException],
    ) -> Vec<Time> {
        let todays: Vec<&DateException> = exceptions.iter().filter(|e| e.date == date).collect();
        if todays.iter().any(|e| e.closed) {
            return Vec::new();
        }
        let special_hours: Option<Vec<TimeRange>> = todays.iter().find_map(|e| e.hours.clone());
        let special_times: Option<Vec<ClockTime>> = todays.iter().find_map(|e| e.times.clone());
        let weekday = date.weekday();
        let duration = jiff::SignedDuration::from_mins(i64::from(duration_minutes.max(1)));

        let mut starts: Vec<Time> = match self {
            Schedule::FixedTimes { times } => {
                let listed: Vec<Time> = match special_times {
                    Some(t) => t.iter().map(|c| c.0).collect(),
                    None => times
                        .iter()
                        .filter(|(day, _)| day.includes(weekday))
                        .flat_map(|(_, ts)| ts.iter().map(|c| c.0))
                        .collect(),
                };
                match &special_hours {
                    Some(ranges) => listed
                        .into_iter()
                        .filter(|t| {
                            end_of(*t, duration)
                                .is_some_and(|end| ranges.iter().any(|r| r.contains_span(*t, end)))
                        })
                        .collect(),
                    None => listed,
                }
            }
            Schedule::OpenHours {
                hours,
                interval_minutes,
                breaks,
            } => {
                let ranges: Vec<TimeRange> = special_hours.unwrap_or_else(|| {
                    hours
                        .iter()
                        .filter(|(day, _)| day.includes(weekday))
                        .flat_map(|(_, rs)| rs.iter().copied())
                        .collect()
                });
                let step = jiff::SignedDuration::from_mins(i64::from((*interval_minutes).max(5)));
                let mut out = Vec::new();
                for range in ranges {
                    let mut t = range.start.0;
                    while let Some(end) = end_of(t, duration) {
                        if end > range.end.0 {
                            break;
                        }
                        if !breaks.iter().any(|b| b.overlaps(t, end)) {
                            out.push(t);
                        }
                        match t.checked_add(step) {
                            Ok(next) if next > t => t = next,
                            _ => break,
                        }
                    }
                }
                out
            }
        };
        starts.sort();
        starts.dedup();
        starts
    }
}

/// `t + duration` on the same day, or `None` when it would pass midnight.
fn end_of(t: Time, duration: jiff::SignedDuration) -> Option<Time> {
    t.checked_add(duration).ok().filter(|end| *end > t)
}

/// Places local start times of `date` in `tz`. A time that does not exist (skipped by a
/// daylight-saving jump) is not offered; a time that exists twice (the repeated hour) is
/// offered once, at its first occurrence.
pub fn zoned_starts(date: Date, times: &[Time], tz: &TimeZone) -> Vec<Zoned> {
    let mut out: Vec<Zoned> = Vec::with_capacity(times.len());
    for t in times {
        let dt = date.to_datetime(*t);
        let ambiguous = tz.to_ambiguous_zoned(dt);
        if matches!(ambiguous.offset(), AmbiguousOffset::Gap { .. }) {
            continue;
        }
        let Ok(zoned) = ambiguous.earlier() else {
            continue;
        };
        if out
            .last()
            .is_some_and(|prev| prev.timestamp() >= zoned.timestamp())
        {
            continue;
        }
        out.push(zoned);
    }
    out
}

/// The local date of `instant` in `tz`.
pub fn local_date(instant: Timestamp, tz: &TimeZone) -> Date {
    instant.to_zoned(tz.clone()).date()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{date, time};

    fn fixed(json: serde_json::Value) -> Schedule {
        serde_json::from_value(json).expect("valid schedule")
    }

    fn practice() -> Schedule {
        fixed(serde_json::json!({
            "kind": "open_hours",
            "hours": {"mon-fri": ["09:00-18:00"]},
            "interval_minutes": 30,
            "breaks": ["12:00-13:00"]
        }))
    }

    #[test]
    fn fixed_times_apply_to_the_listed_days() {
        let s = fixed(serde_json::json!({
            "kind": "fixed_times",
            "times": {"daily": ["08:00", "12:00"], "sat,sun": ["18:00"]}
        }));
        // 2026-11-20 is a Friday, 2026-11-21 a Saturday.
        assert_eq!(
            s.start_times_on(date(2026, 11, 20), 60, &[]),
            vec![time(8, 0, 0, 0), time(12, 0, 0, 0)]
        );
        assert_eq!(
            s.start_times_on(date(2026, 11, 21), 60, &[]),
            vec![time(8, 0, 0, 0), time(12, 0, 0, 0), time(18, 0, 0, 0)]
        );
    }

    #[test]
    fn open_hours_are_cut_into_slots_around_breaks() {
        let starts = practice().start_times_on(date(2026, 11, 20), 30, &[]);
        assert_eq!(starts.first(), Some(&time(9, 0, 0, 0)));
        assert_eq!(starts.last(), Some(&time(17, 30, 0, 0)));
        assert!(!starts.contains(&time(12, 0, 0, 0)));
        assert!(!starts.contains(&time(12, 30, 0, 0)));
        assert_eq!(starts.len(), 16);
        // A 60-minute service cannot start at 11:30 (it would run into the break) or 17:30.
        let long = practice().start_times_on(date(2026, 11, 20), 60, &[]);
        assert!(!long.contains(&time(11, 30, 0, 0)));
        assert_eq!(long.last(), Some(&time(17, 0, 0, 0)));
        // Weekend closed.
        assert!(
            practice()
                .start_times_on(date(2026, 11, 21), 30, &[])
                .is_empty()
        );
    }

    #[test]
    fn exceptions_close_days_or_replace_hours() {
        let closed = DateException {
            date: date(2026, 12, 24),
            closed: true,
            hours: None,
            times: None,
            note: Some("Christmas Eve".into()),
        };
        assert!(
            practice()
                .start_times_on(date(2026, 12, 24), 30, std::slice::from_ref(&closed))
                .is_empty()
        );
        assert!(
            !practice()
                .start_times_on(date(2026, 12, 23), 30, &[closed])
                .is_empty()
        );

        let short_day = DateException {
            date: date(2026, 12, 23),
            closed: false,
            hours: Some(vec!["09:00-11:00".parse().expect("range")]),
            times: None,
            note: None,
        };
        assert_eq!(
            practice()
                .start_times_on(date(2026, 12, 23), 30, &[short_day])
                .len(),
            4
        );
    }

    #[test]
    fn bad_schedule_text_is_refused() {
        assert!("mon-sun".parse::<DayKey>().is_ok());
        assert!("fri-mon".parse::<DayKey>().is_err());
        assert!("someday".parse::<DayKey>().is_err());
        assert!("18:00-09:00".parse::<TimeRange>().is_err());
        assert!("25:00".parse::<ClockTime>().is_err());
        let bad = serde_json::from_value::<Schedule>(serde_json::json!({
            "kind": "open_hours", "hours": {"mon": ["09:00-10:00"]}, "interval_minutes": 0
        }))
        .expect("parses");
        assert_eq!(bad.validate(), Err(ScheduleError::Interval(0)));
    }

    #[test]
    fn berlin_spring_forward_has_no_slot_in_the_missing_hour() {
        let tz = TimeZone::get("Europe/Berlin").expect("tz");
        let night = fixed(serde_json::json!({
            "kind": "open_hours", "hours": {"daily": ["01:00-04:00"]}, "interval_minutes": 30
        }));
        let day = date(2026, 3, 29);
        let zoned = zoned_starts(day, &night.start_times_on(day, 30, &[]), &tz);
        let locals: Vec<String> = zoned.iter().map(|z| z.time().to_string()).collect();
        assert_eq!(locals, ["01:00:00", "01:30:00", "03:00:00", "03:30:00"]);
        // Instants strictly increase: no slot twice.
        assert!(
            zoned
                .windows(2)
                .all(|w| w[0].timestamp() < w[1].timestamp())
        );
    }

    #[test]
    fn berlin_fall_back_offers_the_repeated_hour_once() {
        let tz = TimeZone::get("Europe/Berlin").expect("tz");
        let night = fixed(serde_json::json!({
            "kind": "open_hours", "hours": {"daily": ["01:00-04:00"]}, "interval_minutes": 30
        }));
        let day = date(2026, 10, 25);
        let zoned = zoned_starts(day, &night.start_times_on(day, 30, &[]), &tz);
        let locals: Vec<String> = zoned.iter().map(|z| z.time().to_string()).collect();
        assert_eq!(
            locals,
            [
                "01:00:00", "01:30:00", "02:00:00", "02:30:00", "03:00:00", "03:30:00"
            ]
        );
        // 02:00 is the first (summer-time, +02:00) occurrence.
        assert_eq!(zoned[2].offset().seconds(), 7200);
        assert!(
            zoned
                .windows(2)
                .all(|w| w[0].timestamp() < w[1].timestamp())
        );
    }

    #[test]
    fn schedules_round_trip_through_json() {
        let s = practice();
        let json = serde_json::to_string(&s).expect("serialise");
        assert_eq!(serde_json::from_str::<Schedule>(&json).expect("parse"), s);
    }
}
