//! The date and time words a caller (or a voice agent on their behalf) says:
//! `2026-07-15`, `today`, `tomorrow`, weekday names in English, Portuguese and German, `14:00`.

use jiff::civil::{Date, Time, Weekday};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateParseError {
    #[error(
        "{0:?} is not a date: send YYYY-MM-DD, \"today\", \"tomorrow\" or a weekday name such as \"monday\""
    )]
    Date(String),
    #[error("{0:?} is not a time: send HH:MM in 24-hour form, such as 14:00")]
    Time(String),
}

/// Resolves a date word relative to `today` (the branch's local date).
/// A weekday name means its next occurrence, today included.
pub fn parse_date(input: &str, today: Date) -> Result<Date, DateParseError> {
    let word = fold(input);
    let err = || DateParseError::Date(input.trim().chars().take(40).collect());
    if word.is_empty() {
        return Err(err());
    }
    if let Some(date) = parse_numeric_date(&word) {
        return Ok(date);
    }
    let offset = match word.as_str() {
        "today" | "hoje" | "heute" => Some(0),
        "tomorrow" | "amanha" | "morgen" => Some(1),
        "day after tomorrow"
        | "the day after tomorrow"
        | "depois de amanha"
        | "ubermorgen"
        | "uebermorgen" => Some(2),
        _ => None,
    };
    if let Some(days) = offset {
        return today
            .checked_add(jiff::Span::new().days(days))
            .map_err(|_| err());
    }
    let weekday = weekday_from_word(&word).ok_or_else(err)?;
    let ahead =
        (weekday.to_monday_zero_offset() - today.weekday().to_monday_zero_offset()).rem_euclid(7);
    today
        .checked_add(jiff::Span::new().days(i64::from(ahead)))
        .map_err(|_| err())
}

/// Parses `HH:MM` (also `H:MM`, `14h`, `14h30`, `14.30`).
pub fn parse_time(input: &str) -> Result<Time, DateParseError> {
    let err = || DateParseError::Time(input.trim().chars().take(40).collect());
    let s = input.trim().to_ascii_lowercase();
    let s = s.strip_suffix("uhr").unwrap_or(&s).trim();
    let (h, m) = if let Some((h, m)) = s.split_once([':', 'h', '.']) {
        (h, if m.is_empty() { "0" } else { m })
    } else {
        (s, "0")
    };
    if h.is_empty() || h.len() > 2 || m.len() > 2 {
        return Err(err());
    }
    let hour: i8 = h.parse().map_err(|_| err())?;
    let minute: i8 = m.parse().map_err(|_| err())?;
    Time::new(hour, minute, 0, 0).map_err(|_| err())
}

/// Weekday from its name in English, Portuguese or German (full or short).
pub fn weekday_from_word(word: &str) -> Option<Weekday> {
    let w = fold(word);
    let w = w
        .strip_suffix("-feira")
        .or_else(|| w.strip_suffix(" feira"))
        .unwrap_or(&w);
    Some(match w {
        "monday" | "mon" | "segunda" | "seg" | "montag" | "mo" => Weekday::Monday,
        "tuesday" | "tue" | "tues" | "terca" | "ter" | "dienstag" | "di" => Weekday::Tuesday,
        "wednesday" | "wed" | "quarta" | "qua" | "mittwoch" | "mi" => Weekday::Wednesday,
        "thursday" | "thu" | "thurs" | "quinta" | "qui" | "donnerstag" | "do" => Weekday::Thursday,
        "friday" | "fri" | "sexta" | "sex" | "freitag" | "fr" => Weekday::Friday,
        "saturday" | "sat" | "sabado" | "sab" | "samstag" | "sonnabend" | "sa" => Weekday::Saturday,
        "sunday" | "sun" | "domingo" | "dom" | "sonntag" | "so" => Weekday::Sunday,
        _ => return None,
    })
}

fn parse_numeric_date(word: &str) -> Option<Date> {
    if let Ok(date) = word.parse::<Date>() {
        return Some(date);
    }
    // 15/07/2026 (pt-BR) and 15.07.2026 (de-DE): day first.
    let parts: Vec<&str> = word.split(['/', '.']).collect();
    if let [d, m, y] = parts.as_slice() {
        let (d, m, y) = (d.parse().ok()?, m.parse().ok()?, y.parse().ok()?);
        return Date::new(y, m, d).ok();
    }
    None
}

/// Lower-case, trimmed, accents removed, inner whitespace collapsed.
fn fold(input: &str) -> String {
    let lowered: String = input
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ã' | 'ä' => 'a',
            'é' | 'ê' | 'è' => 'e',
            'í' => 'i',
            'ó' | 'ô' | 'õ' | 'ö' => 'o',
            'ú' | 'ü' => 'u',
            'ç' => 'c',
            'ß' => 's',
            other => other,
        })
        .collect();
    lowered.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    // 2026-11-21 is a Saturday.
    const TODAY: Date = date(2026, 11, 21);

    #[test]
    fn iso_dates_parse_as_given() {
        assert_eq!(parse_date("2026-07-15", TODAY), Ok(date(2026, 7, 15)));
        assert_eq!(parse_date("15/07/2026", TODAY), Ok(date(2026, 7, 15)));
        assert_eq!(parse_date("15.07.2026", TODAY), Ok(date(2026, 7, 15)));
    }

    #[test]
    fn relative_words_in_three_languages() {
        for w in ["today", "Hoje", "heute"] {
            assert_eq!(parse_date(w, TODAY), Ok(TODAY), "{w}");
        }
        for w in ["tomorrow", "amanhã", "Morgen"] {
            assert_eq!(parse_date(w, TODAY), Ok(date(2026, 11, 22)), "{w}");
        }
        assert_eq!(parse_date("übermorgen", TODAY), Ok(date(2026, 11, 23)));
    }

    #[test]
    fn weekday_names_mean_the_next_occurrence_today_included() {
        assert_eq!(parse_date("saturday", TODAY), Ok(TODAY));
        assert_eq!(parse_date("Monday", TODAY), Ok(date(2026, 11, 23)));
        assert_eq!(parse_date("segunda-feira", TODAY), Ok(date(2026, 11, 23)));
        assert_eq!(parse_date("Sábado", TODAY), Ok(TODAY));
        assert_eq!(parse_date("freitag", TODAY), Ok(date(2026, 11, 27)));
        assert_eq!(parse_date("terça", TODAY), Ok(date(2026, 11, 24)));
    }

    #[test]
    fn bad_dates_are_refused() {
        for w in [
            "",
            "yesterday-ish",
            "2026-02-30",
            "32/01/2026",
            "🦀",
            "9999999-01-01",
        ] {
            assert!(parse_date(w, TODAY).is_err(), "{w:?}");
        }
    }

    #[test]
    fn times_in_common_spoken_forms() {
        assert_eq!(parse_time("14:00"), Ok(Time::constant(14, 0, 0, 0)));
        assert_eq!(parse_time("9:30"), Ok(Time::constant(9, 30, 0, 0)));
        assert_eq!(parse_time("14h"), Ok(Time::constant(14, 0, 0, 0)));
        assert_eq!(parse_time("14h30"), Ok(Time::constant(14, 30, 0, 0)));
        assert_eq!(parse_time("15 Uhr"), Ok(Time::constant(15, 0, 0, 0)));
        for bad in ["", "25:00", "12:60", "noon", "1:2:3", "123:00", "-1:00"] {
            assert!(parse_time(bad).is_err(), "{bad:?}");
        }
    }
}
