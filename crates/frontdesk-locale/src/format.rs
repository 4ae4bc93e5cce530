//! ICU4X formatters of one locale, built once: dates, times, weekday names, lists; and the
//! weekday and month names the date words accept.

use icu_calendar::Gregorian;
use icu_datetime::fieldsets::enums::DateFieldSet;
use icu_datetime::fieldsets::{MDE, T, YMDE};
use icu_datetime::input::Date as IcuDate;
use icu_datetime::input::Time as IcuTime;
use icu_datetime::pattern::{DateTimePattern, FixedCalendarDateTimeNames};
use icu_datetime::{FixedCalendarDateTimeFormatter, NoCalendarFormatter};
use icu_list::ListFormatter;
use icu_list::options::{ListFormatterOptions, ListLength};
use jiff::civil::{Date, Time, Weekday};
use writeable::{TryWriteable, Writeable};

/// The formatters of one locale. The Gregorian calendar is fixed (the business's dates are
/// Gregorian civil dates), which also keeps other calendars' data out of the binary.
pub(crate) struct Formats {
    date: FixedCalendarDateTimeFormatter<Gregorian, MDE>,
    date_with_year: FixedCalendarDateTimeFormatter<Gregorian, YMDE>,
    time: NoCalendarFormatter<T>,
    and: ListFormatter,
    or: ListFormatter,
    /// Stand-alone wide names, Monday first.
    weekdays: [String; 7],
    /// Stand-alone abbreviated names, Monday first.
    weekdays_short: [String; 7],
}

/// ICU's names for weekdays and months in one locale, cleaned (not yet folded for matching).
pub(crate) struct IcuNames {
    pub(crate) weekdays: Vec<(String, Weekday)>,
    /// Month number 1..=12.
    pub(crate) months: Vec<(String, i8)>,
}

/// A Monday (2024-01-01) and the first of each month of 2024: sample dates for names.
fn monday_plus(days: i8) -> Date {
    Date::constant(2024, 1, 1 + days)
}

fn icu_date(d: Date) -> Option<IcuDate<Gregorian>> {
    let month = u8::try_from(d.month()).ok()?;
    let day = u8::try_from(d.day()).ok()?;
    IcuDate::try_new_gregorian(i32::from(d.year()), month, day).ok()
}

impl Formats {
    /// Builds every formatter of `locale`. Compiled data has every formatter for every
    /// locale (an unknown language falls back to CLDR's root), so this fails only on a bug.
    pub(crate) fn new(locale: &icu_locale::Locale) -> Result<Formats, String> {
        let err = |what: &str, e: &dyn std::fmt::Debug| format!("ICU {what} for {locale}: {e:?}");
        let date = FixedCalendarDateTimeFormatter::try_new(locale.into(), MDE::long())
            .map_err(|e| err("date formatter", &e))?;
        let date_with_year = FixedCalendarDateTimeFormatter::try_new(locale.into(), YMDE::long())
            .map_err(|e| err("date formatter", &e))?;
        let time = NoCalendarFormatter::try_new(locale.into(), T::hm())
            .map_err(|e| err("time formatter", &e))?;
        let wide = ListFormatterOptions::default().with_length(ListLength::Wide);
        let and = ListFormatter::try_new_and(locale.into(), wide)
            .map_err(|e| err("list formatter", &e))?;
        let or = ListFormatter::try_new_or(locale.into(), wide)
            .map_err(|e| err("list formatter", &e))?;
        let standalone = names_for(locale, "cccc")?;
        let mut weekdays: [String; 7] = Default::default();
        for (name, day) in standalone {
            weekdays[usize::try_from(day.to_monday_zero_offset()).unwrap_or(0)] = name;
        }
        let mut weekdays_short: [String; 7] = Default::default();
        for (name, day) in names_for(locale, "ccc")? {
            weekdays_short[usize::try_from(day.to_monday_zero_offset()).unwrap_or(0)] = name;
        }
        Ok(Formats {
            date,
            date_with_year,
            time,
            and,
            or,
            weekdays,
            weekdays_short,
        })
    }

    pub(crate) fn date(&self, d: Date) -> String {
        match icu_date(d) {
            Some(icu) => clean(&self.date.format(&icu).to_string()),
            None => d.to_string(),
        }
    }

    pub(crate) fn date_with_year(&self, d: Date) -> String {
        match icu_date(d) {
            Some(icu) => clean(&self.date_with_year.format(&icu).to_string()),
            None => d.to_string(),
        }
    }

    pub(crate) fn time(&self, t: Time) -> String {
        let hour = u8::try_from(t.hour()).unwrap_or(0);
        let minute = u8::try_from(t.minute()).unwrap_or(0);
        match IcuTime::try_new(hour, minute, 0, 0) {
            Ok(icu) => clean(&self.time.format(&icu).to_string()),
            Err(_) => t.strftime("%H:%M").to_string(),
        }
    }

    pub(crate) fn weekday(&self, w: Weekday) -> &str {
        let i = usize::try_from(w.to_monday_zero_offset()).unwrap_or(0);
        &self.weekdays[i]
    }

    pub(crate) fn weekday_short(&self, w: Weekday) -> &str {
        let i = usize::try_from(w.to_monday_zero_offset()).unwrap_or(0);
        &self.weekdays_short[i]
    }

    pub(crate) fn and_list(&self, items: &[String]) -> String {
        clean(
            &self
                .and
                .format(items.iter().map(String::as_str))
                .write_to_string(),
        )
    }

    pub(crate) fn or_list(&self, items: &[String]) -> String {
        clean(
            &self
                .or
                .format(items.iter().map(String::as_str))
                .write_to_string(),
        )
    }
}

impl IcuNames {
    /// Weekday names: wide and abbreviated, format and stand-alone, and the short forms
    /// ("Mo", "lu"); month names: wide and abbreviated, format and stand-alone.
    pub(crate) fn new(locale: &icu_locale::Locale) -> Result<IcuNames, String> {
        let mut weekdays = Vec::new();
        for pattern in ["EEEE", "cccc", "EEE", "ccc", "EEEEEE"] {
            weekdays.extend(names_for(locale, pattern)?);
        }
        let mut months = Vec::new();
        for pattern in ["MMMM", "LLLL", "MMM", "LLL"] {
            months.extend(month_names_for(locale, pattern)?);
        }
        Ok(IcuNames { weekdays, months })
    }
}

/// Formats the seven days of one week with a one-field `pattern` (a weekday field).
fn names_for(locale: &icu_locale::Locale, pattern: &str) -> Result<Vec<(String, Weekday)>, String> {
    format_samples(
        locale,
        pattern,
        (0..7).map(monday_plus).map(|d| (d, d.weekday())),
    )
}

/// Formats the first of each month with a one-field `pattern` (a month field).
fn month_names_for(
    locale: &icu_locale::Locale,
    pattern: &str,
) -> Result<Vec<(String, i8)>, String> {
    format_samples(
        locale,
        pattern,
        (1..=12).map(|m| (Date::constant(2024, m, 1), m)),
    )
}

fn format_samples<V>(
    locale: &icu_locale::Locale,
    pattern: &str,
    samples: impl Iterator<Item = (Date, V)>,
) -> Result<Vec<(String, V)>, String> {
    let err = |e: &dyn std::fmt::Debug| format!("ICU names {pattern:?} for {locale}: {e:?}");
    let parsed: DateTimePattern = pattern.parse().map_err(|e| err(&e))?;
    let mut names = FixedCalendarDateTimeNames::<Gregorian, DateFieldSet>::try_new(locale.into())
        .map_err(|e| err(&e))?;
    let formatter = names.include_for_pattern(&parsed).map_err(|e| err(&e))?;
    let mut out = Vec::new();
    for (date, value) in samples {
        let icu = icu_date(date).ok_or_else(|| err(&date))?;
        let formatted = formatter.format(&icu);
        let name = formatted.try_write_to_string().map_err(|(e, _)| err(&e))?;
        out.push((clean(&name), value));
    }
    Ok(out)
}

/// Text for speech and for frontdesk's text rules: every kind of space (ICU puts U+202F
/// NARROW NO-BREAK SPACE in "8:00 AM", and no-break spaces elsewhere) becomes a plain space,
/// and control and invisible formatting characters (bidi marks and isolates, zero-width
/// characters) are dropped.
pub(crate) fn clean(s: &str) -> String {
    s.chars()
        .filter(|&c| !is_invisible(c))
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect()
}

/// Control characters and the format characters ICU or Fluent may emit: bidi marks, embeddings,
/// overrides and isolates, zero-width characters, the BOM.
pub(crate) fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}' | '\u{FEFF}')
}
