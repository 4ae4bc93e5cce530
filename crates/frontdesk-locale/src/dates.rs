//! Date words: what a caller says for a day, resolved against `today` (the business's civil
//! date in its own time zone). The grammar shapes are here; the words are in the ftl files.

use crate::words::{Item, Kind, NumericOrder, Slot, Tok, WeekdayRule, Words, tokenize};
use jiff::Span;
use jiff::civil::{Date, Weekday};

/// A day a caller named.
///
/// `Past` is still a reading, not an error: the caller (who knows what the day is for)
/// refuses it with its own "that day has passed". A day is past when it is before `today`:
/// "yesterday", an ISO date before today, or a day and month without a year that passed less
/// than [`RECENT_DAYS`] days ago ("November 21" said on December 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateWord {
    /// Today or a later day.
    Day(Date),
    /// A day before today.
    Past(Date),
}

impl DateWord {
    /// The day, past or not.
    pub fn date(self) -> Date {
        match self {
            DateWord::Day(d) | DateWord::Past(d) => d,
        }
    }

    /// Whether the day is before the `today` it was read against.
    pub fn is_past(self) -> bool {
        matches!(self, DateWord::Past(_))
    }
}

/// A date word that is not a day.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateWordError {
    /// The input (trimmed, cut to 40 characters) names no day: unknown words, an impossible
    /// date ("32/13", "31 de fevereiro"), a weekday that does not match the date given with it,
    /// or a day outside the supported range.
    #[error("{0:?} is not a day: send YYYY-MM-DD, a weekday name, \"today\" or \"tomorrow\"")]
    Unreadable(String),
}

/// A day and month without a year that passed at most this many days ago means that past day.
pub const RECENT_DAYS: i64 = 60;

/// Longest input read at all (longer is unreadable); keeps matching cheap.
const MAX_INPUT: usize = 200;

/// What a phrase's placeholders matched.
#[derive(Debug, Clone, Copy, Default)]
struct Captures {
    n: Option<i64>,
    weekday: Option<Weekday>,
    day: Option<i8>,
    month: Option<i8>,
    year: Option<i16>,
}

/// Reads date words with the vocabularies of the locale, then of English.
pub(crate) struct Reader<'a> {
    /// The locale's words first, then English (when the locale is not English).
    pub(crate) langs: Vec<&'a Words>,
    /// The order of dates in digits: the locale's own.
    pub(crate) order: NumericOrder,
    pub(crate) today: Date,
}

impl Reader<'_> {
    pub(crate) fn parse(&self, input: &str) -> Result<DateWord, DateWordError> {
        let err = || DateWordError::Unreadable(input.trim().chars().take(40).collect());
        if input.len() > MAX_INPUT {
            return Err(err());
        }
        let toks = tokenize(input);
        if toks.is_empty() {
            return Err(err());
        }
        if let Some(word) = self.read(&toks, false) {
            return Ok(word);
        }
        // "Saturday, November 21", "sábado, 21/11": a weekday before a date must match it.
        for words in &self.langs {
            for (name, weekday) in &words.weekdays {
                if let Some(rest) = strip_words(&toks, name)
                    && !rest.is_empty()
                    && let Some(word) = self.read(rest, true)
                    && word.date().weekday() == *weekday
                {
                    return Ok(word);
                }
            }
        }
        Err(err())
    }

    /// The first reading of `toks` as a whole that is a valid day; with `dates_only`, only
    /// dates written in digits and day-month phrases.
    fn read(&self, toks: &[Tok], dates_only: bool) -> Option<DateWord> {
        if let [Tok::Digits(digits)] = toks {
            return self.numeric(digits);
        }
        for words in &self.langs {
            for phrase in &words.phrases {
                if dates_only && phrase.kind != Kind::DayMonth {
                    continue;
                }
                let found =
                    self.each_match(&phrase.items, toks, Captures::default(), &mut |caps| {
                        self.resolve(phrase.kind, caps)
                    });
                if found.is_some() {
                    return found;
                }
            }
        }
        None
    }

    /// Calls `done` for each way `items` match all of `toks`, until it returns a day.
    fn each_match(
        &self,
        items: &[Item],
        toks: &[Tok],
        caps: Captures,
        done: &mut dyn FnMut(Captures) -> Option<DateWord>,
    ) -> Option<DateWord> {
        let Some((item, rest_items)) = items.split_first() else {
            return if toks.is_empty() { done(caps) } else { None };
        };
        let slot = match item {
            Item::Word(word) => {
                let (first, rest) = toks.split_first()?;
                return if first.is(word) {
                    self.each_match(rest_items, rest, caps, done)
                } else {
                    None
                };
            }
            Item::Slot(slot) => *slot,
        };
        match slot {
            Slot::N | Slot::Year | Slot::Day => {
                let (Tok::Num(digits), rest) = toks.split_first()? else {
                    return None;
                };
                let mut caps = caps;
                match slot {
                    Slot::N => caps.n = Some(digits.parse().ok().filter(|_| digits.len() <= 6)?),
                    Slot::Year => {
                        caps.year = Some(digits.parse().ok().filter(|_| digits.len() == 4)?)
                    }
                    _ => caps.day = Some(digits.parse().ok().filter(|_| digits.len() <= 2)?),
                }
                if slot == Slot::Day {
                    for words in &self.langs {
                        for ending in &words.ordinal_endings {
                            if let Some(after) = strip_words(rest, ending)
                                && let Some(found) = self.each_match(rest_items, after, caps, done)
                            {
                                return Some(found);
                            }
                        }
                    }
                }
                self.each_match(rest_items, rest, caps, done)
            }
            Slot::Weekday => {
                for words in &self.langs {
                    for (name, weekday) in &words.weekdays {
                        if let Some(rest) = strip_words(toks, name) {
                            let caps = Captures {
                                weekday: Some(*weekday),
                                ..caps
                            };
                            if let Some(found) = self.each_match(rest_items, rest, caps, done) {
                                return Some(found);
                            }
                        }
                    }
                }
                None
            }
            Slot::Month => {
                for words in &self.langs {
                    for (name, month) in &words.months {
                        if let Some(rest) = strip_words(toks, name) {
                            let caps = Captures {
                                month: Some(*month),
                                ..caps
                            };
                            if let Some(found) = self.each_match(rest_items, rest, caps, done) {
                                return Some(found);
                            }
                        }
                    }
                }
                None
            }
        }
    }

    fn resolve(&self, kind: Kind, caps: Captures) -> Option<DateWord> {
        let today = self.today;
        let date = match kind {
            Kind::Offset(days) => add_days(today, days)?,
            Kind::InDays => add_days(today, caps.n?)?,
            Kind::InWeeks => add_days(today, caps.n?.checked_mul(7)?)?,
            Kind::Weekday(rule) => {
                let wanted = i64::from(caps.weekday?.to_monday_zero_offset());
                let now = i64::from(today.weekday().to_monday_zero_offset());
                let ahead = (wanted - now).rem_euclid(7);
                let days = match rule {
                    WeekdayRule::TodayOrLater => ahead,
                    WeekdayRule::AfterToday if ahead == 0 => 7,
                    WeekdayRule::AfterToday => ahead,
                    WeekdayRule::NextWeek => 7 - now + wanted,
                };
                add_days(today, days)?
            }
            Kind::DayMonth => return self.day_month(caps.day?, caps.month?, caps.year),
        };
        Some(self.classify(date))
    }

    fn classify(&self, date: Date) -> DateWord {
        if date < self.today {
            DateWord::Past(date)
        } else {
            DateWord::Day(date)
        }
    }

    /// A day and month, with the year given or not (see [`DateWord`]).
    fn day_month(&self, day: i8, month: i8, year: Option<i16>) -> Option<DateWord> {
        if let Some(year) = year {
            return Date::new(year, month, day).ok().map(|d| self.classify(d));
        }
        let today = self.today;
        let this_year = today.year();
        // Feb 29 may be up to 8 years away (1896 → 1904); other days are this year or the next.
        let next = (0..=8)
            .filter_map(|k| this_year.checked_add(k))
            .filter_map(|y| Date::new(y, month, day).ok())
            .find(|d| *d >= today);
        let recent = (0..=8)
            .filter_map(|k| this_year.checked_sub(k))
            .filter_map(|y| Date::new(y, month, day).ok())
            .find(|d| *d < today);
        let cutoff = add_days(today, -RECENT_DAYS);
        match (next, recent, cutoff) {
            (Some(next), _, _) if next == today => Some(DateWord::Day(next)),
            (_, Some(past), Some(cutoff)) if past >= cutoff => Some(DateWord::Past(past)),
            (Some(next), _, _) => Some(DateWord::Day(next)),
            (None, Some(past), None) => Some(DateWord::Past(past)),
            _ => None,
        }
    }

    /// A date in digits: ISO `2026-11-21` (any four-digit year first), or the locale's order
    /// with or without the year (`21/11`, `21.11.2026`, `11/21/26`).
    fn numeric(&self, digits: &str) -> Option<DateWord> {
        let parts: Vec<&str> = digits.split(['.', '/', '-']).collect();
        if parts.iter().any(|p| p.is_empty() || p.len() > 4) {
            return None;
        }
        let small = |s: &str| -> Option<i8> { s.parse().ok().filter(|_| s.len() <= 2) };
        if parts[0].len() == 4 {
            let [y, m, d] = parts.as_slice() else {
                return None;
            };
            let date = Date::new(y.parse().ok()?, small(m)?, small(d)?).ok()?;
            return Some(self.classify(date));
        }
        let (first, second, year) = match parts.as_slice() {
            [a, b] => (*a, *b, None),
            [a, b, y] => (*a, *b, Some(*y)),
            _ => return None,
        };
        let (day, month) = match self.order {
            NumericOrder::DayMonth => (small(first)?, small(second)?),
            NumericOrder::MonthDay => (small(second)?, small(first)?),
        };
        let year = match year {
            None => None,
            Some(y) if y.len() == 4 => Some(y.parse().ok()?),
            Some(y) if y.len() == 2 => Some(2000 + y.parse::<i16>().ok()?),
            Some(_) => return None,
        };
        self.day_month(day, month, year)
    }
}

fn add_days(date: Date, days: i64) -> Option<Date> {
    date.checked_add(Span::new().try_days(days).ok()?).ok()
}

/// `toks` without the leading `words`, if it starts with them.
fn strip_words<'t>(toks: &'t [Tok], words: &[String]) -> Option<&'t [Tok]> {
    if toks.len() < words.len() {
        return None;
    }
    let (head, rest) = toks.split_at(words.len());
    head.iter().zip(words).all(|(t, w)| t.is(w)).then_some(rest)
}
