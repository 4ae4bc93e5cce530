//! The RFC 5545 text itself: content lines (escaped, folded at 75 octets, CRLF), events with
//! local times and their `TZID`, and a `VTIMEZONE` per zone built from jiff's transitions.
//!
//! Written by hand rather than with the `icalendar` crate: its builder has no typed
//! `VTIMEZONE` with `STANDARD`/`DAYLIGHT` observances, and the whole format needed here is a
//! few dozen lines. Everything is a pure function of its inputs (no clock), so the same
//! bookings give the same bytes and a feed's ETag only changes when a booking does.

use jiff::Timestamp;
use jiff::tz::{Offset, TimeZone};
use std::collections::BTreeMap;

/// Who wrote the calendar (RFC 5545 `PRODID`).
pub const PRODID: &str = "-//frontdesk//frontdesk calendar 1.0//EN";

/// The longest content line in octets, CRLF not counted (RFC 5545 3.1).
const LINE_OCTETS: usize = 75;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventStatus {
    Confirmed,
    Cancelled,
}

impl EventStatus {
    fn as_str(self) -> &'static str {
        match self {
            EventStatus::Confirmed => "CONFIRMED",
            EventStatus::Cancelled => "CANCELLED",
        }
    }
}

/// The iTIP method of an e-mailed invitation (RFC 5546).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// A new or changed booking: calendars add the event or replace it (higher `SEQUENCE`).
    Request,
    /// A cancelled booking: calendars remove the event.
    Cancel,
}

impl Method {
    fn as_str(self) -> &'static str {
        match self {
            Method::Request => "REQUEST",
            Method::Cancel => "CANCEL",
        }
    }
}

/// One booking as a calendar event.
#[derive(Debug, Clone, PartialEq)]
pub struct CalendarEvent {
    /// Stable per booking: `booking-{id}@{company slug}.frontdesk`.
    pub uid: String,
    /// Raised by every change of the booking (reschedule, cancellation).
    pub sequence: i64,
    pub status: EventStatus,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    /// The IANA zone the start and end are written in (the branch's).
    pub time_zone: String,
    pub summary: String,
    pub location: Option<String>,
    pub description: Option<String>,
    /// The booking's last change: `DTSTAMP` and `LAST-MODIFIED`.
    pub updated_at: Timestamp,
}

/// The person sending an invitation (`ORGANIZER`) and, when known, its recipient
/// (`ATTENDEE`).
#[derive(Debug, Clone, PartialEq)]
pub struct Party {
    pub name: Option<String>,
    pub email: String,
}

/// An e-mailed invitation or cancellation (RFC 5546): a `VCALENDAR` with `METHOD`, the
/// event's zone and the event, with its organizer and attendee.
pub fn invitation(
    event: &CalendarEvent,
    method: Method,
    organizer: &Party,
    attendee: Option<&Party>,
) -> String {
    let mut out = Writer::default();
    out.line("BEGIN:VCALENDAR");
    out.line("VERSION:2.0");
    out.line(&format!("PRODID:{PRODID}"));
    out.line("CALSCALE:GREGORIAN");
    out.line(&format!("METHOD:{}", method.as_str()));
    let status = match method {
        Method::Cancel => EventStatus::Cancelled,
        Method::Request => event.status,
    };
    let event = CalendarEvent {
        status,
        ..event.clone()
    };
    write_time_zones(&mut out, std::slice::from_ref(&event));
    write_event(&mut out, &event, |out| {
        out.line(&format!(
            "ORGANIZER{}:mailto:{}",
            common_name(organizer),
            organizer.email
        ));
        if let Some(attendee) = attendee {
            out.line(&format!(
                "ATTENDEE{};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION:mailto:{}",
                common_name(attendee),
                attendee.email
            ));
        }
    });
    out.line("END:VCALENDAR");
    out.text
}

/// A subscribable calendar (no `METHOD`): its name, its zone, one `VTIMEZONE` per zone its
/// events use (covering their range), and the events. An empty feed has no component.
pub fn feed(name: &str, time_zone: &str, events: &[CalendarEvent]) -> String {
    let mut out = Writer::default();
    out.line("BEGIN:VCALENDAR");
    out.line("VERSION:2.0");
    out.line(&format!("PRODID:{PRODID}"));
    out.line("CALSCALE:GREGORIAN");
    // RFC 7986 NAME, and the names most clients read (Apple, Google, Outlook).
    out.line(&format!("NAME:{}", escape(name)));
    out.line(&format!("X-WR-CALNAME:{}", escape(name)));
    out.line(&format!("X-WR-TIMEZONE:{}", escape(time_zone)));
    // A hint to poll every 5 minutes, like the response's Cache-Control.
    out.line("REFRESH-INTERVAL;VALUE=DURATION:PT5M");
    out.line("X-PUBLISHED-TTL:PT5M");
    write_time_zones(&mut out, events);
    for event in events {
        write_event(&mut out, event, |_| {});
    }
    out.line("END:VCALENDAR");
    out.text
}

fn common_name(party: &Party) -> String {
    match &party.name {
        // A parameter value with `:`, `;` or `,` must be quoted; a quote cannot appear at all.
        Some(name) if !name.trim().is_empty() => {
            let clean: String = name
                .chars()
                .filter(|c| *c != '"' && !c.is_control())
                .collect();
            format!(";CN=\"{clean}\"")
        }
        _ => String::new(),
    }
}

fn write_event(out: &mut Writer, event: &CalendarEvent, extra: impl FnOnce(&mut Writer)) {
    out.line("BEGIN:VEVENT");
    out.line(&format!("UID:{}", escape(&event.uid)));
    out.line(&format!("SEQUENCE:{}", event.sequence.max(0)));
    out.line(&format!("DTSTAMP:{}", utc(event.updated_at)));
    out.line(&format!("LAST-MODIFIED:{}", utc(event.updated_at)));
    out.line(&format!(
        "DTSTART{}",
        local(event.starts_at, &event.time_zone)
    ));
    out.line(&format!("DTEND{}", local(event.ends_at, &event.time_zone)));
    out.line(&format!("SUMMARY:{}", escape(&event.summary)));
    if let Some(location) = &event.location {
        out.line(&format!("LOCATION:{}", escape(location)));
    }
    if let Some(description) = &event.description {
        out.line(&format!("DESCRIPTION:{}", escape(description)));
    }
    out.line(&format!("STATUS:{}", event.status.as_str()));
    // A cancelled booking no longer blocks the time.
    out.line(match event.status {
        EventStatus::Confirmed => "TRANSP:OPAQUE",
        EventStatus::Cancelled => "TRANSP:TRANSPARENT",
    });
    extra(out);
    out.line("END:VEVENT");
}

/// `DTSTART`/`DTEND`'s parameters and value: `;TZID=Europe/Berlin:20270328T100000`, or a UTC
/// time when the zone is unknown (it then has no `VTIMEZONE` either).
fn local(at: Timestamp, zone: &str) -> String {
    match TimeZone::get(zone) {
        Ok(tz) => format!(
            ";TZID={}:{}",
            param_text(zone),
            at.to_zoned(tz).datetime().strftime("%Y%m%dT%H%M%S")
        ),
        Err(_) => format!(":{}", utc(at)),
    }
}

fn utc(at: Timestamp) -> String {
    at.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// A parameter value without the characters that would need quoting.
fn param_text(value: &str) -> String {
    value
        .chars()
        .filter(|c| !matches!(c, '"' | ';' | ':' | ',') && !c.is_control())
        .collect()
}

/// One `VTIMEZONE` per known zone of `events`, each covering the events in that zone.
fn write_time_zones(out: &mut Writer, events: &[CalendarEvent]) {
    let mut ranges: BTreeMap<&str, (Timestamp, Timestamp)> = BTreeMap::new();
    for event in events {
        let range = ranges
            .entry(event.time_zone.as_str())
            .or_insert((event.starts_at, event.ends_at));
        range.0 = range.0.min(event.starts_at);
        range.1 = range.1.max(event.ends_at);
    }
    for (zone, (from, to)) in ranges {
        if let Ok(tz) = TimeZone::get(zone) {
            write_time_zone(out, zone, &tz, from, to);
        }
    }
}

/// A zone's observances from the one in effect at `from` through every transition up to
/// `to`: each `DTSTART` is the transition's local time in the offset it leaves
/// (`TZOFFSETFROM`), as RFC 5545 3.6.5 defines it. A zone with no transition at all gets one
/// `STANDARD` observance of its fixed offset.
fn write_time_zone(out: &mut Writer, zone: &str, tz: &TimeZone, from: Timestamp, to: Timestamp) {
    out.line("BEGIN:VTIMEZONE");
    out.line(&format!("TZID:{}", param_text(zone)));
    let just_after = from
        .checked_add(jiff::SignedDuration::from_secs(1))
        .unwrap_or(from);
    let first = tz.preceding(just_after).next();
    let Some(first) = first else {
        let info = tz.to_offset_info(from);
        let offset = info.offset();
        write_observance(
            out,
            false,
            "19700101T000000",
            offset,
            offset,
            info.abbreviation(),
        );
        out.line("END:VTIMEZONE");
        return;
    };
    let first_at = first.timestamp();
    let mut transitions = vec![first];
    transitions.extend(
        tz.following(first_at)
            .skip_while(|t| t.timestamp() <= first_at)
            .take_while(|t| t.timestamp() <= to)
            // A year of a zone has at most a handful of transitions; this bounds a corrupt
            // range without limiting any real one.
            .take(1000),
    );
    for transition in transitions {
        let at = transition.timestamp();
        let before = at
            .checked_sub(jiff::SignedDuration::from_secs(1))
            .map(|t| tz.to_offset(t))
            .unwrap_or(transition.offset());
        let onset = at.to_zoned(TimeZone::fixed(before)).datetime();
        write_observance(
            out,
            transition.dst().is_dst(),
            &onset.strftime("%Y%m%dT%H%M%S").to_string(),
            before,
            transition.offset(),
            transition.abbreviation(),
        );
    }
    out.line("END:VTIMEZONE");
}

fn write_observance(
    out: &mut Writer,
    daylight: bool,
    onset: &str,
    from: Offset,
    to: Offset,
    name: &str,
) {
    let kind = if daylight { "DAYLIGHT" } else { "STANDARD" };
    out.line(&format!("BEGIN:{kind}"));
    out.line(&format!("DTSTART:{onset}"));
    out.line(&format!("TZOFFSETFROM:{}", utc_offset(from)));
    out.line(&format!("TZOFFSETTO:{}", utc_offset(to)));
    if !name.is_empty() {
        out.line(&format!("TZNAME:{}", escape(name)));
    }
    out.line(&format!("END:{kind}"));
}

/// RFC 5545 UTC-OFFSET: `+0100`, `-0330`, seconds only when there are any.
fn utc_offset(offset: Offset) -> String {
    let total = offset.seconds();
    let sign = if total < 0 { '-' } else { '+' };
    let total = total.unsigned_abs();
    let (h, m, s) = (total / 3600, total / 60 % 60, total % 60);
    if s == 0 {
        format!("{sign}{h:02}{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}{s:02}")
    }
}

/// RFC 5545 TEXT: backslash, semicolon and comma escaped, every line break as `\n`, other
/// control characters (not allowed in TEXT) dropped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// One content line, folded: no physical line longer than 75 octets, continuation lines
/// starting with a space, never splitting a UTF-8 character; CRLF after each.
pub fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 64 * 3 + 2);
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > LINE_OCTETS {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
    out
}

/// Accumulates folded content lines.
#[derive(Default)]
struct Writer {
    text: String,
}

impl Writer {
    fn line(&mut self, line: &str) {
        self.text.push_str(&fold(line));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().expect("timestamp")
    }

    fn event(zone: &str, start: &str, end: &str) -> CalendarEvent {
        CalendarEvent {
            uid: "booking-7@praxis.frontdesk".into(),
            sequence: 2,
            status: EventStatus::Confirmed,
            starts_at: at(start),
            ends_at: at(end),
            time_zone: zone.into(),
            summary: "Beratung – Anna".into(),
            location: Some("Hauptstraße 1, Berlin".into()),
            description: Some("Confirmation code: K7P2Q".into()),
            updated_at: at("2027-03-01T09:30:00Z"),
        }
    }

    /// The unfolded content lines of an iCalendar text.
    fn unfolded(text: &str) -> Vec<String> {
        assert!(text.ends_with("\r\n"));
        text.replace("\r\n ", "")
            .trim_end_matches("\r\n")
            .split("\r\n")
            .map(str::to_string)
            .collect()
    }

    /// The lines of the first `BEGIN:{name}` … `END:{name}` block.
    fn block(lines: &[String], name: &str) -> Vec<String> {
        let begin = lines
            .iter()
            .position(|l| *l == format!("BEGIN:{name}"))
            .unwrap_or_else(|| panic!("no {name}"));
        let end = begin
            + lines[begin..]
                .iter()
                .position(|l| *l == format!("END:{name}"))
                .expect("end");
        lines[begin..=end].to_vec()
    }

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_characters() {
        let text = format!("DESCRIPTION:{}", "ä€x".repeat(40));
        let folded = fold(&text);
        for physical in folded.trim_end_matches("\r\n").split("\r\n") {
            assert!(
                physical.len() <= 75,
                "{} octets: {physical:?}",
                physical.len()
            );
        }
        assert!(folded.contains("\r\n "));
        assert_eq!(folded.replace("\r\n ", ""), format!("{text}\r\n"));
    }

    #[test]
    fn a_short_line_is_not_folded_and_ends_with_crlf() {
        assert_eq!(fold("VERSION:2.0"), "VERSION:2.0\r\n");
        let exactly = "X".repeat(75);
        assert_eq!(fold(&exactly), format!("{exactly}\r\n"));
        assert_eq!(fold(&"X".repeat(76)), format!("{exactly}\r\n X\r\n"));
    }

    #[test]
    fn text_escapes_backslash_semicolon_comma_and_line_breaks() {
        assert_eq!(
            escape("a\\b; c, d\r\ne\nf\rg\u{7}h"),
            "a\\\\b\\; c\\, d\\ne\\nf\\ngh"
        );
        assert_eq!(escape("Zürich: 10 €"), "Zürich: 10 €");
    }

    #[test]
    fn every_line_of_a_feed_is_crlf_terminated_and_at_most_75_octets() {
        let mut long = event(
            "Europe/Berlin",
            "2027-03-20T09:00:00Z",
            "2027-03-20T10:00:00Z",
        );
        long.summary = "Ein sehr langer Termin, mit Kommas; und Semikolons ".repeat(4);
        let text = feed("Praxis – Berlin", "Europe/Berlin", &[long]);
        assert!(!text.replace("\r\n", "").contains('\n'));
        for physical in text.trim_end_matches("\r\n").split("\r\n") {
            assert!(physical.len() <= 75, "{physical:?}");
        }
        let lines = unfolded(&text);
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("SUMMARY:Ein sehr langer Termin\\, mit"))
        );
    }

    #[test]
    fn berlin_events_are_local_with_tzid_and_the_zone_has_both_sides_of_the_change() {
        // 2027-03-28 02:00 CET → 03:00 CEST. Saturday 10:00 CET is 09:00Z; Monday 10:00 CEST
        // is 08:00Z.
        let before = event(
            "Europe/Berlin",
            "2027-03-27T09:00:00Z",
            "2027-03-27T10:00:00Z",
        );
        let after = CalendarEvent {
            uid: "booking-8@praxis.frontdesk".into(),
            ..event(
                "Europe/Berlin",
                "2027-03-29T08:00:00Z",
                "2027-03-29T09:00:00Z",
            )
        };
        let lines = unfolded(&feed("Praxis", "Europe/Berlin", &[before, after]));

        let events: Vec<&String> = lines.iter().filter(|l| l.starts_with("DTSTART;")).collect();
        assert_eq!(
            events,
            [
                "DTSTART;TZID=Europe/Berlin:20270327T100000",
                "DTSTART;TZID=Europe/Berlin:20270329T100000"
            ]
        );
        let zone = block(&lines, "VTIMEZONE");
        assert_eq!(zone[1], "TZID:Europe/Berlin");
        // The winter observance in effect at the first event, then the spring change.
        let standard = block(&zone, "STANDARD");
        assert_eq!(
            standard[1..5],
            [
                "DTSTART:20261025T030000",
                "TZOFFSETFROM:+0200",
                "TZOFFSETTO:+0100",
                "TZNAME:CET"
            ]
        );
        let daylight = block(&zone, "DAYLIGHT");
        assert_eq!(
            daylight[1..5],
            [
                "DTSTART:20270328T020000",
                "TZOFFSETFROM:+0100",
                "TZOFFSETTO:+0200",
                "TZNAME:CEST"
            ]
        );
        assert_eq!(
            zone.iter().filter(|l| l.starts_with("BEGIN:")).count(),
            3,
            "VTIMEZONE, one STANDARD, one DAYLIGHT: {zone:#?}"
        );
    }

    #[test]
    fn new_york_in_autumn_gets_the_daylight_then_the_standard_observance() {
        // 2026-11-01 02:00 EDT → 01:00 EST.
        let lines = unfolded(&feed(
            "Studio",
            "America/New_York",
            &[
                event(
                    "America/New_York",
                    "2026-10-31T13:00:00Z",
                    "2026-10-31T14:00:00Z",
                ),
                event(
                    "America/New_York",
                    "2026-11-02T14:00:00Z",
                    "2026-11-02T15:00:00Z",
                ),
            ],
        ));
        let starts: Vec<&String> = lines.iter().filter(|l| l.starts_with("DTSTART;")).collect();
        assert_eq!(
            starts,
            [
                "DTSTART;TZID=America/New_York:20261031T090000",
                "DTSTART;TZID=America/New_York:20261102T090000"
            ]
        );
        let zone = block(&lines, "VTIMEZONE");
        let daylight = block(&zone, "DAYLIGHT");
        assert_eq!(daylight[1], "DTSTART:20260308T020000");
        assert_eq!(daylight[2..4], ["TZOFFSETFROM:-0500", "TZOFFSETTO:-0400"]);
        let standard = block(&zone, "STANDARD");
        assert_eq!(standard[1], "DTSTART:20261101T020000");
        assert_eq!(standard[2..4], ["TZOFFSETFROM:-0400", "TZOFFSETTO:-0500"]);
    }

    #[test]
    fn a_zone_without_daylight_saving_gets_one_standard_observance() {
        // São Paulo has had no DST since 2019; Tokyo none since 1951.
        for (zone, offset) in [("America/Sao_Paulo", "-0300"), ("Asia/Tokyo", "+0900")] {
            let lines = unfolded(&feed(
                "Club",
                zone,
                &[event(zone, "2026-11-20T11:00:00Z", "2027-02-20T12:00:00Z")],
            ));
            let tz = block(&lines, "VTIMEZONE");
            assert_eq!(
                tz.iter().filter(|l| l.starts_with("BEGIN:")).count(),
                2,
                "{zone}: {tz:#?}"
            );
            let standard = block(&tz, "STANDARD");
            assert_eq!(standard[3], format!("TZOFFSETTO:{offset}"), "{zone}");
        }
    }

    #[test]
    fn a_fixed_offset_zone_has_one_standard_observance_from_1970() {
        let lines = unfolded(&feed(
            "UTC desk",
            "UTC",
            &[event("UTC", "2026-11-20T11:00:00Z", "2026-11-20T12:00:00Z")],
        ));
        let standard = block(&lines, "STANDARD");
        assert_eq!(
            standard[1..4],
            [
                "DTSTART:19700101T000000",
                "TZOFFSETFROM:+0000",
                "TZOFFSETTO:+0000"
            ]
        );
        assert!(lines.contains(&"DTSTART;TZID=UTC:20261120T110000".to_string()));
    }

    #[test]
    fn an_event_carries_uid_sequence_status_and_stamps() {
        let mut cancelled = event(
            "Europe/Berlin",
            "2027-03-20T09:00:00Z",
            "2027-03-20T10:00:00Z",
        );
        cancelled.status = EventStatus::Cancelled;
        let lines = unfolded(&feed("Praxis", "Europe/Berlin", &[cancelled]));
        let vevent = block(&lines, "VEVENT");
        for expected in [
            "UID:booking-7@praxis.frontdesk",
            "SEQUENCE:2",
            "DTSTAMP:20270301T093000Z",
            "LAST-MODIFIED:20270301T093000Z",
            "DTEND;TZID=Europe/Berlin:20270320T110000",
            "SUMMARY:Beratung – Anna",
            "LOCATION:Hauptstraße 1\\, Berlin",
            "DESCRIPTION:Confirmation code: K7P2Q",
            "STATUS:CANCELLED",
        ] {
            assert!(
                vevent.iter().any(|l| l == expected),
                "{expected}: {vevent:#?}"
            );
        }
        assert!(!lines.iter().any(|l| l.starts_with("METHOD:")));
    }

    #[test]
    fn invitations_carry_the_method_organizer_and_attendee() {
        let e = event(
            "Europe/Berlin",
            "2027-03-20T09:00:00Z",
            "2027-03-20T10:00:00Z",
        );
        let organizer = Party {
            name: Some("Praxis Dr. Müller, Berlin".into()),
            email: "praxis@example.com".into(),
        };
        let attendee = Party {
            name: None,
            email: "anna@example.com".into(),
        };
        let request = unfolded(&invitation(
            &e,
            Method::Request,
            &organizer,
            Some(&attendee),
        ));
        assert!(request.contains(&"METHOD:REQUEST".to_string()));
        assert!(request.contains(&"STATUS:CONFIRMED".to_string()));
        assert!(request.contains(
            &"ORGANIZER;CN=\"Praxis Dr. Müller, Berlin\":mailto:praxis@example.com".to_string()
        ));
        assert!(
            request
                .iter()
                .any(|l| l.starts_with("ATTENDEE;") && l.ends_with(":mailto:anna@example.com"))
        );
        assert!(request.contains(&"BEGIN:VTIMEZONE".to_string()));

        let cancel = unfolded(&invitation(&e, Method::Cancel, &organizer, None));
        assert!(cancel.contains(&"METHOD:CANCEL".to_string()));
        assert!(cancel.contains(&"STATUS:CANCELLED".to_string()));
    }

    #[test]
    fn an_unknown_zone_falls_back_to_utc_times() {
        let lines = unfolded(&feed(
            "X",
            "Mars/Olympus",
            &[event(
                "Mars/Olympus",
                "2027-03-20T09:00:00Z",
                "2027-03-20T10:00:00Z",
            )],
        ));
        assert!(lines.contains(&"DTSTART:20270320T090000Z".to_string()));
        assert!(!lines.contains(&"BEGIN:VTIMEZONE".to_string()));
    }

    #[test]
    fn the_same_events_give_the_same_bytes() {
        let events = [event(
            "Europe/Berlin",
            "2027-03-20T09:00:00Z",
            "2027-03-20T10:00:00Z",
        )];
        assert_eq!(
            feed("Praxis", "Europe/Berlin", &events),
            feed("Praxis", "Europe/Berlin", &events)
        );
    }
}
