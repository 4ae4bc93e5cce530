//! Property tests of the parsers that read what callers, voice agents and business files send:
//! phone numbers, date and time words, schedule strings and voucher codes.
//!
//! For each: arbitrary input never panics, a refusal is an `Err` whose message says what to
//! send instead, and valid input (generated in the forms the parser documents) gives the
//! answer it should and round-trips through its printed form.

use frontdesk_domain::schedule::{ClockTime, DayKey};
use frontdesk_domain::{
    BookingPolicy, PhoneError, PhoneNumber, Schedule, TimeRange, new_voucher_code,
    normalize_voucher_code, parse_date, parse_time,
};
use jiff::civil::{Date, Time, Weekday};
use proptest::prelude::*;

const REGIONS: [&str; 3] = ["BR", "DE", "US"];

/// Any date jiff can hold.
fn any_date() -> impl Strategy<Value = Date> {
    (-9999i16..=9999, 1i8..=12, 1i8..=31).prop_map(|(y, m, d)| {
        let first = Date::new(y, m, 1).expect("the first of a month exists");
        Date::new(y, m, d.min(first.days_in_month())).expect("a day of the month")
    })
}

/// Text a caller or a voice agent might produce: any unicode, or mostly the characters
/// parsers care about.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ 0-9+()./:,hH-]{0,30}",
        "[ \\PC]{0,12}",
        prop::collection::vec(any::<char>(), 0..80).prop_map(|c| c.into_iter().collect()),
    ]
}

fn weekday_word() -> impl Strategy<Value = (&'static str, Weekday)> {
    prop::sample::select(vec![
        ("monday", Weekday::Monday),
        ("Segunda-feira", Weekday::Monday),
        ("montag", Weekday::Monday),
        ("tue", Weekday::Tuesday),
        ("terça", Weekday::Tuesday),
        ("Dienstag", Weekday::Tuesday),
        ("wednesday", Weekday::Wednesday),
        ("quarta feira", Weekday::Wednesday),
        ("mittwoch", Weekday::Wednesday),
        ("THURSDAY", Weekday::Thursday),
        ("quinta", Weekday::Thursday),
        ("donnerstag", Weekday::Thursday),
        ("fri", Weekday::Friday),
        ("sexta-feira", Weekday::Friday),
        ("freitag", Weekday::Friday),
        ("saturday", Weekday::Saturday),
        ("sábado", Weekday::Saturday),
        ("sonnabend", Weekday::Saturday),
        ("sun", Weekday::Sunday),
        ("domingo", Weekday::Sunday),
        ("sonntag", Weekday::Sunday),
    ])
}

fn is_e164(s: &str) -> bool {
    let digits = s.strip_prefix('+').unwrap_or("");
    (2..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
}

// ---------------------------------------------------------------------------------------------
// Phone numbers
// ---------------------------------------------------------------------------------------------

proptest! {
    #[test]
    fn phone_parsing_never_panics_and_gives_e164(input in text(), region in prop::sample::select(REGIONS.to_vec())) {
        match PhoneNumber::parse(&input, region) {
            Ok(number) => {
                prop_assert!(is_e164(number.as_str()), "{input:?} in {region} gave {number}");
                // The normal form is a fixed point, read in any region.
                for other in REGIONS {
                    prop_assert_eq!(PhoneNumber::parse(number.as_str(), other), Ok(number.clone()));
                }
            }
            Err(e) => {
                prop_assert!(!matches!(e, PhoneError::UnknownRegion(_)), "{e}");
                let message = e.to_string();
                prop_assert!(message.contains("E.164") || matches!(e, PhoneError::Empty), "{message}");
            }
        }
    }

    #[test]
    fn phone_parsing_never_panics_whatever_the_region(input in text(), region in any::<String>()) {
        if let Err(e) = PhoneNumber::parse(&input, &region) {
            prop_assert!(!e.to_string().is_empty());
        }
    }

    #[test]
    fn long_inputs_are_refused_and_the_message_stays_short(input in "[0-9 ]{41,400}") {
        let trimmed = input.trim();
        prop_assume!(trimmed.len() > 40);
        match PhoneNumber::parse(&input, "BR") {
            Err(PhoneError::Invalid(shown)) => prop_assert!(shown.chars().count() <= 40),
            other => prop_assert!(false, "{other:?}"),
        }
    }

    /// The integration guide's table, for every São Paulo mobile number: with `+`, as a
    /// caller id without `+`, and written the Brazilian way.
    #[test]
    fn the_guides_table_holds_for_every_sao_paulo_mobile(subscriber in "[0-9]{8}") {
        let e164 = format!("+55119{subscriber}");
        let national = format!("(11) 9{}-{}", &subscriber[..4], &subscriber[4..]);
        for input in [e164.clone(), e164[1..].to_string(), national] {
            prop_assert_eq!(
                PhoneNumber::parse(&input, "BR").map(PhoneNumber::into_string),
                Ok(e164.clone()),
                "{}", input
            );
        }
    }

    /// Punctuation and spacing between the digits of an international number change nothing.
    #[test]
    fn separators_between_digits_do_not_change_the_number(
        subscriber in "[0-9]{8}",
        seps in prop::collection::vec(prop::sample::select(vec!["", "", " ", "-", ".", " - "]), 13),
        lead in prop::sample::select(vec!["", " ", "\t"]),
    ) {
        let e164 = format!("+55119{subscriber}");
        let mut spaced = String::from(lead);
        spaced.push('+');
        for (digit, sep) in e164[1..].chars().zip(&seps) {
            spaced.push(digit);
            spaced.push_str(sep);
        }
        // Longer input is refused whatever it holds (the parser's 40-character limit).
        prop_assume!(spaced.trim().len() <= 40);
        for region in REGIONS {
            prop_assert_eq!(
                PhoneNumber::parse(&spaced, region).map(PhoneNumber::into_string),
                Ok(e164.clone()),
                "{:?} in {}", spaced, region
            );
        }
    }

    /// German numbers read in region DE: national `0…` and international forms agree.
    #[test]
    fn german_national_and_international_forms_agree(subscriber in "[1-9][0-9]{7}") {
        let national = format!("030 {subscriber}");
        let international = format!("+49 30 {subscriber}");
        let a = PhoneNumber::parse(&national, "DE");
        let b = PhoneNumber::parse(&international, "DE");
        prop_assert_eq!(&a, &b);
        prop_assert_eq!(a.map(PhoneNumber::into_string), Ok(format!("+4930{subscriber}")));
    }
}

// ---------------------------------------------------------------------------------------------
// Date and time words
// ---------------------------------------------------------------------------------------------

proptest! {
    #[test]
    fn date_words_never_panic(input in text(), today in any_date()) {
        if let Err(e) = parse_date(&input, today) {
            let message = e.to_string();
            prop_assert!(message.contains("YYYY-MM-DD"), "{message}");
            prop_assert!(message.len() < 400, "the message quotes at most 40 characters: {message}");
        }
    }

    #[test]
    fn iso_dates_round_trip(d in any_date(), today in any_date(), pad in "[ \t]{0,2}") {
        prop_assert_eq!(parse_date(&format!("{pad}{d}{pad}"), today), Ok(d));
    }

    #[test]
    fn day_first_dates_parse(d in any_date().prop_filter("a year of our era", |d| d.year() >= 1), today in any_date(), sep in prop::sample::select(vec!["/", "."])) {
        let written = format!("{:02}{sep}{:02}{sep}{}", d.day(), d.month(), d.year());
        prop_assert_eq!(parse_date(&written, today), Ok(d));
    }

    #[test]
    fn relative_words_count_from_today(today in any_date(), word in prop::sample::select(vec![
        ("today", 0), ("HOJE", 0), ("heute", 0), ("tomorrow", 1), ("amanhã", 1), ("Morgen", 1),
        ("day after tomorrow", 2), ("depois de  amanhã", 2), ("übermorgen", 2),
    ])) {
        let (word, days) = word;
        let expected = today.checked_add(jiff::Span::new().days(days));
        match expected {
            Ok(date) => prop_assert_eq!(parse_date(word, today), Ok(date)),
            Err(_) => prop_assert!(parse_date(word, today).is_err()),
        }
    }

    #[test]
    fn weekday_names_mean_the_next_such_day(today in any_date(), word in weekday_word()) {
        let (word, weekday) = word;
        match parse_date(word, today) {
            Ok(date) => {
                prop_assert_eq!(date.weekday(), weekday);
                let ahead = (date - today).get_days();
                prop_assert!((0..7).contains(&ahead), "{today} {word} gave {date}");
            }
            // Only at the end of the calendar.
            Err(_) => prop_assert!(today.year() == 9999),
        }
    }

    #[test]
    fn time_words_never_panic(input in text()) {
        match parse_time(&input) {
            Ok(t) => prop_assert_eq!((t.second(), t.subsec_nanosecond()), (0, 0)),
            Err(e) => {
                let message = e.to_string();
                prop_assert!(message.contains("HH:MM"), "{message}");
            }
        }
    }

    #[test]
    fn spoken_time_forms_parse(h in 0i8..24, m in 0i8..60) {
        let t = Time::new(h, m, 0, 0).expect("a time");
        let forms = [
            format!("{h:02}:{m:02}"),
            format!("{h}:{m:02}"),
            format!("{h}h{m:02}"),
            format!("{h}.{m:02}"),
            format!(" {h:02}:{m:02} "),
        ];
        for form in forms {
            prop_assert_eq!(parse_time(&form), Ok(t), "{}", form);
        }
        let hour = Time::new(h, 0, 0, 0).expect("a time");
        prop_assert_eq!(parse_time(&format!("{h}h")), Ok(hour));
        prop_assert_eq!(parse_time(&format!("{h} Uhr")), Ok(hour));
        // The printed form reads back.
        let printed = format!("{:02}:{:02}", t.hour(), t.minute());
        prop_assert_eq!(parse_time(&printed), Ok(t));
    }

    #[test]
    fn out_of_range_times_are_refused(h in 24i8..=99, m in 60i8..=99, ok_h in 0i8..24) {
        let (bad_hour, bad_minute) = (format!("{h}:00"), format!("{ok_h}:{m}"));
        prop_assert!(parse_time(&bad_hour).is_err());
        prop_assert!(parse_time(&bad_minute).is_err());
    }
}

// ---------------------------------------------------------------------------------------------
// Schedule strings
// ---------------------------------------------------------------------------------------------

fn day_word() -> impl Strategy<Value = (&'static str, Weekday)> {
    prop::sample::select(vec![
        ("mon", Weekday::Monday),
        ("tue", Weekday::Tuesday),
        ("wed", Weekday::Wednesday),
        ("thu", Weekday::Thursday),
        ("fri", Weekday::Friday),
        ("sat", Weekday::Saturday),
        ("sun", Weekday::Sunday),
        ("Segunda", Weekday::Monday),
        ("dienstag", Weekday::Tuesday),
        ("SUNDAY", Weekday::Sunday),
    ])
}

const WEEK: [Weekday; 7] = [
    Weekday::Monday,
    Weekday::Tuesday,
    Weekday::Wednesday,
    Weekday::Thursday,
    Weekday::Friday,
    Weekday::Saturday,
    Weekday::Sunday,
];

proptest! {
    #[test]
    fn clock_times_never_panic_and_round_trip(input in text()) {
        match input.parse::<ClockTime>() {
            Ok(c) => {
                prop_assert_eq!(c.to_string().parse::<ClockTime>(), Ok(c));
                prop_assert_eq!(c.0.second(), 0);
            }
            Err(e) => prop_assert!(e.to_string().contains("HH:MM")),
        }
    }

    #[test]
    fn clock_times_read_every_minute_of_the_day(h in 0i8..24, m in 0i8..60) {
        let c: ClockTime = format!("{h:02}:{m:02}").parse().expect("a clock time");
        prop_assert_eq!(c.0, Time::new(h, m, 0, 0).expect("a time"));
        prop_assert_eq!(c.to_string(), format!("{h:02}:{m:02}"));
    }

    #[test]
    fn time_ranges_never_panic_and_round_trip(input in text()) {
        match input.parse::<TimeRange>() {
            Ok(r) => {
                prop_assert!(r.start < r.end);
                prop_assert_eq!(r.to_string().parse::<TimeRange>(), Ok(r));
            }
            Err(e) => prop_assert!(e.to_string().contains("HH:MM-HH:MM")),
        }
    }

    #[test]
    fn time_ranges_need_the_start_before_the_end(a in 0i32..1440, b in 0i32..1440) {
        let hm = |x: i32| format!("{:02}:{:02}", x / 60, x % 60);
        let parsed = format!("{}-{}", hm(a), hm(b)).parse::<TimeRange>();
        prop_assert_eq!(parsed.is_ok(), a < b);
    }

    #[test]
    fn day_keys_never_panic_and_round_trip(input in prop_oneof![
        text(),
        "[a-z,\\- ]{0,24}",
    ]) {
        match input.parse::<DayKey>() {
            Ok(key) => {
                prop_assert!(WEEK.iter().any(|d| key.includes(*d)), "{input:?} names no day");
                let again: DayKey = key.label().parse().expect("a label reads back");
                prop_assert_eq!(again, key);
            }
            Err(e) => prop_assert!(e.to_string().contains("mon-fri")),
        }
    }

    #[test]
    fn day_ranges_include_exactly_their_days(a in day_word(), b in day_word()) {
        let (a_word, a_day) = a;
        let (b_word, b_day) = b;
        let (from, to) = (a_day.to_monday_zero_offset(), b_day.to_monday_zero_offset());
        let parsed = format!("{a_word}-{b_word}").parse::<DayKey>();
        if from > to {
            prop_assert!(parsed.is_err());
        } else {
            let key = parsed.expect("a range in order");
            for d in WEEK {
                let i = d.to_monday_zero_offset();
                prop_assert_eq!(key.includes(d), (from..=to).contains(&i), "{:?}", d);
            }
        }
        // A list names each of its days.
        let list: DayKey = format!("{a_word}, {b_word}").parse().expect("a list");
        for d in WEEK {
            prop_assert_eq!(list.includes(d), d == a_day || d == b_day);
        }
    }

    /// Any schedule a business file can spell gives sorted start times, each of which fits
    /// its hours and misses the breaks; nothing panics whatever the numbers.
    #[test]
    fn start_times_fit_the_hours(
        hours in prop::collection::vec((0i32..1440, 1i32..=1440), 0..4),
        breaks in prop::collection::vec((0i32..1440, 1i32..=240), 0..3),
        interval in prop_oneof![any::<i32>(), 1i32..=120],
        duration in prop_oneof![any::<i32>(), 1i32..=240],
        day in any_date(),
    ) {
        let hm = |x: i32| format!("{:02}:{:02}", x / 60, x % 60);
        let range = |(start, len): (i32, i32)| format!("{}-{}", hm(start), hm((start + len).min(1439)));
        let hours: Vec<String> = hours.into_iter().map(range).filter(|r| r.parse::<TimeRange>().is_ok()).collect();
        let breaks: Vec<String> = breaks.into_iter().map(range).filter(|r| r.parse::<TimeRange>().is_ok()).collect();
        let schedule: Schedule = serde_json::from_value(serde_json::json!({
            "kind": "open_hours",
            "hours": { "daily": hours },
            "interval_minutes": interval,
            "breaks": breaks,
        })).expect("a well-formed schedule");
        let starts = schedule.start_times_on(day, duration, &[]);
        prop_assert!(starts.windows(2).all(|w| w[0] < w[1]), "sorted, no repeats: {starts:?}");
        let span = jiff::SignedDuration::from_mins(i64::from(duration.max(1)));
        let ranges: Vec<TimeRange> = hours.iter().map(|r| r.parse().expect("checked")).collect();
        let pauses: Vec<TimeRange> = breaks.iter().map(|r| r.parse().expect("checked")).collect();
        for t in &starts {
            let end = t.checked_add(span).expect("ends the same day");
            prop_assert!(end > *t);
            prop_assert!(ranges.iter().any(|r| r.start.0 <= *t && end <= r.end.0), "{t} outside the hours");
            prop_assert!(!pauses.iter().any(|b| *t < b.end.0 && b.start.0 < end), "{t} in a break");
        }
    }

    #[test]
    fn schedule_json_never_panics(input in text()) {
        let _ = serde_json::from_str::<Schedule>(&input);
    }
}

// ---------------------------------------------------------------------------------------------
// Voucher codes
// ---------------------------------------------------------------------------------------------

fn is_voucher_shape(code: &str) -> bool {
    let b = code.as_bytes();
    b.len() == 7
        && b[..3].iter().all(u8::is_ascii_uppercase)
        && b[3] == b'-'
        && b[4..].iter().all(u8::is_ascii_digit)
}

proptest! {
    #[test]
    fn voucher_normalisation_never_panics_and_is_idempotent(input in text()) {
        if let Some(code) = normalize_voucher_code(&input) {
            prop_assert!(is_voucher_shape(&code), "{input:?} gave {code:?}");
            prop_assert_eq!(normalize_voucher_code(&code), Some(code.clone()));
        }
    }

    /// However a caller or agent spells a code — any case, spaces, dashes or dots between
    /// the characters — it normalises to the code.
    #[test]
    fn spoken_voucher_codes_normalise(
        _seed in any::<u8>(),
        seps in prop::collection::vec(prop::sample::select(vec!["", "", " ", "-", ".", "  "]), 7),
        lower in prop::collection::vec(any::<bool>(), 6),
    ) {
        let code = new_voucher_code();
        prop_assert!(is_voucher_shape(&code));
        let mut spoken = String::new();
        spoken.push_str(seps[6]);
        for (i, c) in code.chars().filter(|c| *c != '-').enumerate() {
            spoken.push(if lower[i] { c.to_ascii_lowercase() } else { c });
            spoken.push_str(seps[i]);
        }
        prop_assert_eq!(normalize_voucher_code(&spoken), Some(code));
    }

    #[test]
    fn codes_of_the_wrong_shape_are_refused(letters in "[A-Za-z]{0,5}", digits in "[0-9]{0,5}") {
        let input = format!("{letters}-{digits}");
        let expected = letters.len() == 3 && digits.len() == 3;
        prop_assert_eq!(normalize_voucher_code(&input).is_some(), expected, "{}", input);
        // Digits first is never a code.
        prop_assert_eq!(normalize_voucher_code(&format!("{digits}{letters}")).is_some(), false);
    }
}

// ---------------------------------------------------------------------------------------------
// Policies, as a business file sets them (any integers)
// ---------------------------------------------------------------------------------------------

proptest! {
    #[test]
    fn policy_checks_never_panic(
        min_notice_minutes in any::<i64>(),
        booking_window_days in any::<i64>(),
        free_cancellation_hours in any::<i64>(),
        now in -300_000_000_000i64..250_000_000_000,
        ahead in any::<i32>(),
    ) {
        let policy = BookingPolicy {
            min_notice_minutes,
            booking_window_days,
            free_cancellation_hours,
            ..BookingPolicy::default()
        };
        let now = jiff::Timestamp::from_second(now).expect("in range");
        let start = now.saturating_add(jiff::SignedDuration::from_secs(i64::from(ahead))).expect("saturates");
        let earliest = policy.earliest_start(now);
        let latest = policy.latest_start(now);
        prop_assert!(earliest >= now && latest >= now);
        match policy.check_start(start, now) {
            Ok(()) => prop_assert!(start > now && start >= earliest && start <= latest),
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
        // Free until the deadline: never free after the start.
        if policy.cancellation_is_free(start, now) {
            prop_assert!(now <= start);
        }
    }
}
