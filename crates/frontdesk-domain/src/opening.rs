//! When a place is open on a weekday, from the regular schedules of its services. Computed once
//! here, so what the business info says, what the agent's prompt says and what availability
//! offers agree.

use crate::schedule::{ClockTime, Schedule};
use jiff::civil::{Time, Weekday};

/// Minutes since midnight, `[start, end)`; `end` may be 1440 (midnight).
pub type Span = (u32, u32);

/// One weekday's usual opening.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DayOpening {
    /// Fixed session start times, sorted, each once.
    pub start_times: Vec<ClockTime>,
    /// Open hours less breaks, sorted, overlapping or touching hours joined.
    pub open: Vec<Span>,
    /// Per service with fixed start times, from its first start to the end of its last
    /// session (cut at midnight); overlapping spans joined.
    pub sessions: Vec<Span>,
}

impl DayOpening {
    pub fn is_closed(&self) -> bool {
        self.start_times.is_empty() && self.open.is_empty()
    }

    /// Every span the place is busy: the open hours and the sessions, joined.
    pub fn spans(&self) -> Vec<Span> {
        merge(self.open.iter().chain(&self.sessions).copied().collect())
    }
}

/// The opening on `day` of services with these regular schedules and durations (minutes).
pub fn day_opening<'a>(
    day: Weekday,
    services: impl IntoIterator<Item = (&'a Schedule, i32)>,
) -> DayOpening {
    let mut starts: Vec<ClockTime> = Vec::new();
    let mut open: Vec<Span> = Vec::new();
    let mut sessions: Vec<Span> = Vec::new();
    for (schedule, duration) in services {
        match schedule {
            Schedule::FixedTimes { times } => {
                let today: Vec<ClockTime> = times
                    .iter()
                    .filter(|(key, _)| key.includes(day))
                    .flat_map(|(_, ts)| ts.iter().copied())
                    .collect();
                let first = today.iter().map(|t| minutes(t.0)).min();
                let last = today.iter().map(|t| minutes(t.0)).max();
                if let (Some(first), Some(last)) = (first, last) {
                    let duration = u32::try_from(duration.max(0)).unwrap_or(0);
                    sessions.push((first, (last + duration).min(MIDNIGHT)));
                }
                starts.extend(today);
            }
            Schedule::OpenHours { hours, breaks, .. } => {
                let ranges: Vec<Span> = hours
                    .iter()
                    .filter(|(key, _)| key.includes(day))
                    .flat_map(|(_, rs)| rs.iter().map(|r| (minutes(r.start.0), minutes(r.end.0))))
                    .collect();
                let breaks: Vec<Span> = breaks
                    .iter()
                    .map(|b| (minutes(b.start.0), minutes(b.end.0)))
                    .collect();
                open.extend(subtract(merge(ranges), &breaks));
            }
        }
    }
    starts.sort();
    starts.dedup();
    DayOpening {
        start_times: starts,
        open: merge(open),
        sessions: merge(sessions),
    }
}

const MIDNIGHT: u32 = 24 * 60;

pub fn minutes(t: Time) -> u32 {
    u32::try_from(t.hour()).unwrap_or(0) * 60 + u32::try_from(t.minute()).unwrap_or(0)
}

/// "09:00" (and "24:00" for midnight at the end of a day).
pub fn hh_mm(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// `spans` minus `breaks`.
fn subtract(spans: Vec<Span>, breaks: &[Span]) -> Vec<Span> {
    let mut out = spans;
    for &(bs, be) in breaks {
        out = out
            .into_iter()
            .flat_map(|(s, e)| {
                if be <= s || e <= bs {
                    vec![(s, e)]
                } else {
                    [(s, bs.max(s)), (be.min(e), e)]
                        .into_iter()
                        .filter(|(a, b)| a < b)
                        .collect()
                }
            })
            .collect();
    }
    out
}

/// Sorted, with overlapping or touching spans joined.
fn merge(mut spans: Vec<Span>) -> Vec<Span> {
    spans.sort_unstable();
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for (s, e) in spans.into_iter().filter(|(s, e)| s < e) {
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schedule(json: serde_json::Value) -> Schedule {
        serde_json::from_value(json).expect("schedule")
    }

    #[test]
    fn open_hours_less_breaks_joined_with_other_services() {
        let a = schedule(serde_json::json!({"kind": "open_hours",
            "hours": {"mon-fri": ["09:00-18:00"]}, "interval_minutes": 30,
            "breaks": ["12:00-13:00"]}));
        let b = schedule(serde_json::json!({"kind": "open_hours",
            "hours": {"mon": ["17:00-20:00"]}, "interval_minutes": 30}));
        let monday = day_opening(Weekday::Monday, [(&a, 30), (&b, 30)]);
        assert_eq!(monday.open, vec![(540, 720), (780, 1200)]);
        assert!(monday.start_times.is_empty() && monday.sessions.is_empty());
        let sunday = day_opening(Weekday::Sunday, [(&a, 30), (&b, 30)]);
        assert!(sunday.is_closed());
    }

    #[test]
    fn fixed_times_span_from_the_first_start_to_the_last_end() {
        let s = schedule(serde_json::json!({"kind": "fixed_times",
            "times": {"sat": ["08:00", "10:00", "23:30"], "sun": ["09:00"]}}));
        let saturday = day_opening(Weekday::Saturday, [(&s, 60), (&s, 60)]);
        assert_eq!(saturday.start_times.len(), 3);
        assert_eq!(saturday.sessions, vec![(480, MIDNIGHT)]);
        assert_eq!(saturday.spans(), vec![(480, MIDNIGHT)]);
        assert_eq!(hh_mm(MIDNIGHT), "24:00");
    }
}
