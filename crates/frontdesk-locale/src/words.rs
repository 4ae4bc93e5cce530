//! The date-word vocabulary of one locale, read from its `frontdesk_locale.ftl`, and the
//! folding and tokenizing shared by that vocabulary and by what a caller says.
//!
//! Rust knows only the grammar shapes (which message means what, and what its placeholders
//! stand for); every word is in the ftl file. See the conventions at the top of
//! `locales/en-US/frontdesk_locale.ftl`.

use crate::format::{IcuNames, is_invisible};
use fluent_syntax::ast;
use icu_normalizer::DecomposingNormalizerBorrowed;
use jiff::civil::Weekday;

/// The domain (file name without `.ftl`) of this crate's messages.
pub(crate) const DOMAIN: &str = "frontdesk_locale";

/// One unit of folded text: a word, a number, or digits with date separators ("21/11/2026").
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Tok {
    Word(String),
    Num(String),
    Digits(String),
}

impl Tok {
    /// Whether this token is the literal `word` of a phrase.
    pub(crate) fn is(&self, word: &str) -> bool {
        match self {
            Tok::Word(s) | Tok::Num(s) => s == word,
            Tok::Digits(_) => false,
        }
    }
}

/// Separators inside a chunk: kept between digits ("21.11.2026"), spaces elsewhere.
fn is_soft_separator(c: char) -> bool {
    matches!(c, '.' | '/' | '-')
}

/// Separators between chunks: spaces, punctuation, symbols that are not letters or digits.
fn is_hard_separator(c: char) -> bool {
    c.is_whitespace()
        || is_invisible(c)
        || (c.is_ascii_punctuation() && !is_soft_separator(c))
        || matches!(
            c,
            '¿' | '¡'
                | '«'
                | '»'
                | '‘'
                | '’'
                | '‚'
                | '“'
                | '”'
                | '„'
                | '‹'
                | '›'
                | '–'
                | '—'
                | '‐'
                | '‑'
                | '…'
                | '·'
                | '、'
                | '。'
                | '，'
        )
}

/// Combining marks (accents) removed after canonical decomposition.
fn is_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
}

/// Lower case, without accents ("Sábado" → "sabado", "März" → "marz").
pub(crate) fn fold(s: &str) -> String {
    DecomposingNormalizerBorrowed::new_nfd()
        .normalize_iter(s.chars())
        .filter(|&c| !is_mark(c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Folds and splits `s` into tokens: "Sábado, 21 de Novembro" → sabado · 21 · de · novembro;
/// "21st" → 21 · st; "1.º" → 1 · º; "21." → 21; "21.11." and "2026-11-21" stay one token.
pub(crate) fn tokenize(s: &str) -> Vec<Tok> {
    let folded = fold(s);
    let mut out = Vec::new();
    for chunk in folded.split(is_hard_separator).filter(|c| !c.is_empty()) {
        let numeric = chunk
            .chars()
            .all(|c| c.is_ascii_digit() || is_soft_separator(c));
        if numeric && chunk.chars().any(|c| c.is_ascii_digit()) {
            let trimmed = chunk.strip_suffix('.').unwrap_or(chunk);
            if trimmed.contains(is_soft_separator) {
                out.push(Tok::Digits(trimmed.to_string()));
            } else {
                out.push(Tok::Num(trimmed.to_string()));
            }
            continue;
        }
        for piece in chunk.split(is_soft_separator).filter(|p| !p.is_empty()) {
            split_digits(piece, &mut out);
        }
    }
    out
}

/// Splits "21st" into "21" and "st".
fn split_digits(piece: &str, out: &mut Vec<Tok>) {
    let mut current = String::new();
    let mut digits = false;
    for c in piece.chars() {
        let d = c.is_ascii_digit();
        if !current.is_empty() && d != digits {
            out.push(make_tok(std::mem::take(&mut current), digits));
        }
        digits = d;
        current.push(c);
    }
    if !current.is_empty() {
        out.push(make_tok(current, digits));
    }
}

fn make_tok(s: String, digits: bool) -> Tok {
    if digits { Tok::Num(s) } else { Tok::Word(s) }
}

/// What a placeholder stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Slot {
    /// `{ $n }`: a count in digits.
    N,
    /// `{ $weekday }`: a weekday name.
    Weekday,
    /// `{ $day }`: a day of the month, with an optional ordinal ending.
    Day,
    /// `{ $month }`: a month name.
    Month,
    /// `{ $year }`: a year in four digits.
    Year,
}

impl Slot {
    fn from_variable(name: &str) -> Option<Slot> {
        Some(match name {
            "n" => Slot::N,
            "weekday" => Slot::Weekday,
            "day" => Slot::Day,
            "month" => Slot::Month,
            "year" => Slot::Year,
            _ => return None,
        })
    }
}

/// One element of a phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Item {
    Word(String),
    Slot(Slot),
}

/// Which day a weekday phrase means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WeekdayRule {
    /// The next such day, today included.
    TodayOrLater,
    /// The first such day strictly after today.
    AfterToday,
    /// That day in the following week (weeks start on Monday).
    NextWeek,
}

/// What a phrase means: the grammar shapes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Today plus this many days.
    Offset(i64),
    /// Today plus `$n` days.
    InDays,
    /// Today plus `$n` weeks.
    InWeeks,
    Weekday(WeekdayRule),
    /// `$day` and `$month`, optionally `$year`.
    DayMonth,
}

/// The phrase messages: id, meaning, the placeholders they must use, and those they may use.
const PHRASES: &[(&str, Kind, &[Slot], &[Slot])] = &[
    ("date-today", Kind::Offset(0), &[], &[]),
    ("date-tomorrow", Kind::Offset(1), &[], &[]),
    ("date-day-after-tomorrow", Kind::Offset(2), &[], &[]),
    ("date-yesterday", Kind::Offset(-1), &[], &[]),
    ("date-day-before-yesterday", Kind::Offset(-2), &[], &[]),
    ("date-in-days", Kind::InDays, &[Slot::N], &[]),
    ("date-in-weeks", Kind::InWeeks, &[Slot::N], &[]),
    (
        "date-weekday",
        Kind::Weekday(WeekdayRule::TodayOrLater),
        &[Slot::Weekday],
        &[],
    ),
    (
        "date-weekday-after-today",
        Kind::Weekday(WeekdayRule::AfterToday),
        &[Slot::Weekday],
        &[],
    ),
    (
        "date-weekday-next-week",
        Kind::Weekday(WeekdayRule::NextWeek),
        &[Slot::Weekday],
        &[],
    ),
    (
        "date-day-month",
        Kind::DayMonth,
        &[Slot::Day, Slot::Month],
        &[Slot::Year],
    ),
];
const WEEKDAY_EXTRA: &str = "date-weekday-extra";
const MONTH_EXTRA: &str = "date-month-extra";
const ORDINAL_ENDINGS: &str = "date-ordinal-endings";
const NUMERIC_ORDER: &str = "date-numeric-order";
const FIRST_OF_MONTH: &str = "date-first-of-month";

/// Every message id a `frontdesk_locale.ftl` has.
pub(crate) fn message_ids() -> impl Iterator<Item = &'static str> {
    PHRASES.iter().map(|p| p.0).chain([
        WEEKDAY_EXTRA,
        MONTH_EXTRA,
        ORDINAL_ENDINGS,
        NUMERIC_ORDER,
        FIRST_OF_MONTH,
    ])
}

const WEEKDAY_KEYS: [(&str, Weekday); 7] = [
    ("monday", Weekday::Monday),
    ("tuesday", Weekday::Tuesday),
    ("wednesday", Weekday::Wednesday),
    ("thursday", Weekday::Thursday),
    ("friday", Weekday::Friday),
    ("saturday", Weekday::Saturday),
    ("sunday", Weekday::Sunday),
];
const MONTH_KEYS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// The order of a date written in digits without a four-digit year first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NumericOrder {
    DayMonth,
    MonthDay,
}

#[derive(Debug)]
pub(crate) struct Phrase {
    pub(crate) kind: Kind,
    pub(crate) items: Vec<Item>,
}

/// The date words of one locale.
#[derive(Debug)]
pub(crate) struct Words {
    pub(crate) phrases: Vec<Phrase>,
    /// Folded, tokenized names (ICU's, then the extras), longest first.
    pub(crate) weekdays: Vec<(Vec<String>, Weekday)>,
    pub(crate) months: Vec<(Vec<String>, i8)>,
    pub(crate) ordinal_endings: Vec<Vec<String>>,
    pub(crate) numeric_order: NumericOrder,
    /// How a spoken date writes the first of a month where usage differs from ICU's plain
    /// "1" ("1º de dezembro", "1er décembre").
    pub(crate) first_of_month: Option<String>,
    /// What was wrong in the file (a test requires none); the rest of the file still works.
    pub(crate) problems: Vec<String>,
}

/// A pattern's alternatives, each a list of text and placeholders.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Var(String),
}

fn alternatives(
    pattern: &ast::Pattern<&str>,
    problems: &mut Vec<String>,
    id: &str,
) -> Vec<Vec<Piece>> {
    let mut out = vec![Vec::new()];
    let text = |out: &mut Vec<Vec<Piece>>, value: &str| {
        let mut parts = value.split(',');
        if let (Some(first), Some(alt)) = (parts.next(), out.last_mut()) {
            alt.push(Piece::Text(first.to_string()));
        }
        for part in parts {
            out.push(vec![Piece::Text(part.to_string())]);
        }
    };
    for element in &pattern.elements {
        match element {
            ast::PatternElement::TextElement { value } => text(&mut out, value),
            ast::PatternElement::Placeable { expression } => match expression {
                ast::Expression::Inline(ast::InlineExpression::VariableReference { id: var }) => {
                    if let Some(alt) = out.last_mut() {
                        alt.push(Piece::Var(var.name.to_string()));
                    }
                }
                ast::Expression::Inline(ast::InlineExpression::StringLiteral { value }) => {
                    text(&mut out, value)
                }
                other => problems.push(format!("{id}: unsupported placeable {other:?}")),
            },
        }
    }
    out.retain(|alt| {
        alt.iter().any(|p| match p {
            Piece::Text(t) => !t.trim().is_empty(),
            Piece::Var(_) => true,
        })
    });
    out
}

/// The words of an alternative without placeholders.
fn plain_words(alt: &[Piece], problems: &mut Vec<String>, id: &str) -> Vec<String> {
    let mut words = Vec::new();
    for piece in alt {
        match piece {
            Piece::Text(t) => words.extend(tokenize(t).into_iter().map(tok_text)),
            Piece::Var(v) => {
                problems.push(format!("{id}: no placeholder allowed here, found ${v}"))
            }
        }
    }
    words
}

pub(crate) fn tok_text(t: Tok) -> String {
    match t {
        Tok::Word(s) | Tok::Num(s) | Tok::Digits(s) => s,
    }
}

impl Words {
    /// Reads a `frontdesk_locale.ftl` (None: the locale has no such file) with ICU's `names`.
    pub(crate) fn new(source: Option<&str>, names: &IcuNames) -> Words {
        let mut problems = Vec::new();
        let mut words = Words {
            phrases: Vec::new(),
            weekdays: Vec::new(),
            months: Vec::new(),
            ordinal_endings: Vec::new(),
            numeric_order: NumericOrder::DayMonth,
            first_of_month: None,
            problems: Vec::new(),
        };
        for (name, day) in &names.weekdays {
            words.add_weekday(name, *day);
        }
        for (name, month) in &names.months {
            words.add_month(name, *month);
        }
        let resource = match source.map(fluent_syntax::parser::parse) {
            None => {
                problems.push(format!("no {DOMAIN}.ftl"));
                None
            }
            Some(Ok(resource)) => Some(resource),
            Some(Err((resource, errors))) => {
                problems.extend(errors.iter().map(|e| format!("syntax error: {e:?}")));
                Some(resource)
            }
        };
        let messages: Vec<&ast::Message<&str>> = resource
            .iter()
            .flat_map(|r| &r.body)
            .filter_map(|entry| match entry {
                ast::Entry::Message(m) => Some(m),
                ast::Entry::Junk { content } => {
                    problems.push(format!("unreadable entry {content:?}"));
                    None
                }
                _ => None,
            })
            .collect();
        for message in &messages {
            let id = message.id.name;
            if !message_ids().any(|known| known == id) {
                problems.push(format!("{id}: unknown message"));
            }
        }
        for known in message_ids() {
            if !messages.iter().any(|m| m.id.name == known) {
                problems.push(format!("{known}: missing"));
            }
        }
        for message in &messages {
            words.read_message(message, &mut problems);
        }
        words
            .weekdays
            .sort_by_key(|(toks, _)| std::cmp::Reverse(toks.len()));
        words
            .months
            .sort_by_key(|(toks, _)| std::cmp::Reverse(toks.len()));
        words.problems = problems;
        words
    }

    fn add_weekday(&mut self, name: &str, day: Weekday) {
        let toks: Vec<String> = tokenize(name).into_iter().map(tok_text).collect();
        if !toks.is_empty() && !self.weekdays.iter().any(|(t, d)| *t == toks && *d == day) {
            self.weekdays.push((toks, day));
        }
    }

    fn add_month(&mut self, name: &str, month: i8) {
        let toks: Vec<String> = tokenize(name).into_iter().map(tok_text).collect();
        if !toks.is_empty() && !self.months.iter().any(|(t, m)| *t == toks && *m == month) {
            self.months.push((toks, month));
        }
    }

    fn read_message(&mut self, message: &ast::Message<&str>, problems: &mut Vec<String>) {
        let id = message.id.name;
        let value = message.value.as_ref();
        let alts = value
            .map(|v| alternatives(v, problems, id))
            .unwrap_or_default();
        if let Some(&(_, kind, required, optional)) = PHRASES.iter().find(|p| p.0 == id) {
            for alt in alts {
                if let Some(items) = phrase_items(&alt, required, optional, problems, id) {
                    self.phrases.push(Phrase { kind, items });
                }
            }
            return;
        }
        match id {
            ORDINAL_ENDINGS => {
                for alt in alts {
                    let words = plain_words(&alt, problems, id);
                    if !words.is_empty() {
                        self.ordinal_endings.push(words);
                    }
                }
            }
            FIRST_OF_MONTH => {
                let text: String = value
                    .iter()
                    .flat_map(|v| &v.elements)
                    .filter_map(|e| match e {
                        ast::PatternElement::TextElement { value } => Some(*value),
                        _ => None,
                    })
                    .collect();
                let text = text.trim();
                self.first_of_month = (!text.is_empty()).then(|| text.to_string());
            }
            NUMERIC_ORDER => {
                let text: Vec<String> = alts
                    .iter()
                    .map(|alt| plain_words(alt, problems, id).join("-"))
                    .collect();
                match text.as_slice() {
                    [order] if order == "day-month-year" => {
                        self.numeric_order = NumericOrder::DayMonth
                    }
                    [order] if order == "month-day-year" => {
                        self.numeric_order = NumericOrder::MonthDay
                    }
                    _ => problems.push(format!("{id}: write day-month-year or month-day-year")),
                }
            }
            WEEKDAY_EXTRA | MONTH_EXTRA => {
                if !alts.is_empty() {
                    problems.push(format!("{id}: the value is unused, write {{ \"\" }}"));
                }
                for attribute in &message.attributes {
                    let key = attribute.id.name;
                    let names: Vec<String> = alternatives(&attribute.value, problems, id)
                        .iter()
                        .map(|alt| plain_words(alt, problems, id).join(" "))
                        .filter(|n| !n.is_empty())
                        .collect();
                    if id == WEEKDAY_EXTRA {
                        match WEEKDAY_KEYS.iter().find(|(k, _)| *k == key) {
                            Some(&(_, day)) => names.iter().for_each(|n| self.add_weekday(n, day)),
                            None => problems.push(format!("{id}: unknown weekday .{key}")),
                        }
                    } else {
                        match MONTH_KEYS.iter().position(|k| *k == key) {
                            Some(i) => {
                                let month = i8::try_from(i + 1).unwrap_or(1);
                                names.iter().for_each(|n| self.add_month(n, month));
                            }
                            None => problems.push(format!("{id}: unknown month .{key}")),
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

/// A phrase alternative as items, if it uses its placeholders as its message requires.
fn phrase_items(
    alt: &[Piece],
    required: &[Slot],
    optional: &[Slot],
    problems: &mut Vec<String>,
    id: &str,
) -> Option<Vec<Item>> {
    let mut items = Vec::new();
    let mut used = Vec::new();
    for piece in alt {
        match piece {
            Piece::Text(t) => {
                items.extend(tokenize(t).into_iter().map(|t| Item::Word(tok_text(t))))
            }
            Piece::Var(v) => match Slot::from_variable(v) {
                Some(slot) if required.contains(&slot) || optional.contains(&slot) => {
                    if used.contains(&slot) {
                        problems.push(format!("{id}: ${v} twice in one alternative"));
                        return None;
                    }
                    used.push(slot);
                    items.push(Item::Slot(slot));
                }
                _ => {
                    problems.push(format!("{id}: ${v} is not a placeholder of this message"));
                    return None;
                }
            },
        }
    }
    if let Some(missing) = required.iter().find(|s| !used.contains(s)) {
        problems.push(format!(
            "{id}: an alternative without its {missing:?} placeholder"
        ));
        return None;
    }
    Some(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<Tok> {
        tokenize(s)
    }

    #[test]
    fn folds_case_and_accents() {
        assert_eq!(
            fold("Sábado MÄRZ Übermorgen août"),
            "sabado marz ubermorgen aout"
        );
    }

    #[test]
    fn tokenizes_words_numbers_and_numeric_dates() {
        use Tok::*;
        let w = |s: &str| Word(s.to_string());
        let n = |s: &str| Num(s.to_string());
        assert_eq!(
            words("Sábado, 21 de Novembro"),
            [w("sabado"), n("21"), w("de"), w("novembro")]
        );
        assert_eq!(
            words("November 21st, 2026"),
            [w("november"), n("21"), w("st"), n("2026")]
        );
        assert_eq!(
            words("1.º de dezembro"),
            [n("1"), w("º"), w("de"), w("dezembro")]
        );
        assert_eq!(
            words("Samstag, 21. November"),
            [w("samstag"), n("21"), w("november")]
        );
        assert_eq!(words("21.11."), [Digits("21.11".into())]);
        assert_eq!(words(" 2026-11-21 "), [Digits("2026-11-21".into())]);
        assert_eq!(words("aujourd'hui"), [w("aujourd"), w("hui")]);
        assert_eq!(words("segunda-feira"), [w("segunda"), w("feira")]);
        assert_eq!(words("¿mañana?"), [w("manana")]);
        assert!(words("  ,. ").is_empty());
    }
}
