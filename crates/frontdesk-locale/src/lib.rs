//! frontdesk's languages as data.
//!
//! Each folder under the repository's `locales/` is a [`Locale`], named by its BCP-47 tag and
//! holding Fluent files, one per domain (`<crate>.ftl`). The folders are embedded at build time
//! ([`Localizations`]); which locales exist is read from them, never listed in Rust. Adding a
//! language is adding a folder (and a test).
//!
//! A locale formats dates, times, weekday names and lists with ICU4X (CLDR data for its tag),
//! reads the date words a caller says ([`Locale::parse_date`], vocabulary in
//! `locales/<tag>/frontdesk_locale.ftl`), and gives any crate per-locale Fluent loaders
//! ([`Loaders`]) for its own messages.
//!
//! A business's `language` may be any tag: [`resolve`] finds the exact folder, else one of the
//! same language, else [`fallback`] (en-US).

mod dates;
mod format;
mod loaders;
mod words;

pub use dates::{DateWord, DateWordError, RECENT_DAYS};
pub use i18n_embed;
pub use loaders::Loaders;
pub use unic_langid;

use format::{Formats, IcuNames};
use icu_locale::LocaleExpander;
use jiff::civil::{Date, Time, Weekday};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, RwLock};
use unic_langid::LanguageIdentifier;
use words::{DOMAIN, NumericOrder, Words};

/// The repository's `locales/` folder, embedded (also in debug builds and tests, so nothing
/// depends on the working directory). Paths are `<tag>/<domain>.ftl`, as i18n-embed expects.
#[derive(rust_embed::RustEmbed)]
#[folder = "../../locales/"]
pub struct Localizations;

/// The tag of the fallback locale: English fills every message another locale lacks, and an
/// unknown language resolves to it.
pub const FALLBACK_TAG: &str = "en-US";

/// One shipped locale: a folder under `locales/`. Built once per process (formatters
/// included) and shared as `&'static`.
pub struct Locale {
    /// Position in [`shipped`] (and in every [`Loaders`]).
    index: usize,
    tag: String,
    langid: LanguageIdentifier,
    /// The tag with likely subtags added (`pt-Latn-BR`), for [`resolve`].
    maximized: icu_locale::LanguageIdentifier,
    formats: Formats,
    words: Words,
    /// Dates as [`Locale::date`] says them, kept: a voice agent's answers name the same few
    /// days over and over, and a read of this map is a fraction of an ICU format.
    spoken_dates: RwLock<HashMap<Date, Arc<str>>>,
    /// Date words read, by (word, today): callers say "tomorrow" and "friday" over and over.
    read_dates: RwLock<ReadDates>,
}

/// Date words read, by (word, today).
type ReadDates = HashMap<(Box<str>, Date), Result<DateWord, DateWordError>>;

/// Longest date word kept once read (longer ones are read each time and never kept).
const READ_DATE_KEPT_LEN: usize = 64;

/// How many spoken dates a locale keeps before it starts over.
const SPOKEN_DATES_KEPT: usize = 4096;

impl Locale {
    fn build(index: usize, tag: &str, langid: LanguageIdentifier) -> Result<Locale, String> {
        let icu: icu_locale::Locale = tag.parse().map_err(|e| format!("{tag}: {e:?}"))?;
        let formats = Formats::new(&icu)?;
        let names = IcuNames::new(&icu)?;
        let file = Localizations::get(&format!("{tag}/{DOMAIN}.ftl"));
        let source = file
            .as_ref()
            .and_then(|f| std::str::from_utf8(&f.data).ok());
        let words = Words::new(source, &names);
        Ok(Locale {
            index,
            tag: tag.to_string(),
            langid,
            maximized: maximized(&icu.id),
            formats,
            words,
            spoken_dates: RwLock::new(HashMap::new()),
            read_dates: RwLock::new(HashMap::new()),
        })
    }

    /// The BCP-47 tag, as the folder is named: `"pt-BR"`.
    pub fn tag(&self) -> &str {
        &self.tag
    }

    /// The tag as i18n-embed and Fluent take it.
    pub fn langid(&self) -> &LanguageIdentifier {
        &self.langid
    }

    /// Weekday, day and month, without the year (ICU long format): "Saturday, November 21",
    /// "sábado, 21 de novembro", "Samstag, 21. November", "samedi 21 novembre".
    pub fn date(&self, d: Date) -> String {
        if let Some(said) = self
            .spoken_dates
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&d)
        {
            return said.to_string();
        }
        let said = self.first_of_month(d, self.formats.date(d));
        let mut kept = self.spoken_dates.write().unwrap_or_else(|e| e.into_inner());
        if kept.len() >= SPOKEN_DATES_KEPT {
            kept.clear();
        }
        kept.insert(d, Arc::from(said.as_str()));
        said
    }

    /// [`Locale::date`] with the year: "Saturday, November 21, 2026".
    pub fn date_with_year(&self, d: Date) -> String {
        self.first_of_month(d, self.formats.date_with_year(d))
    }

    /// The day number "1" of a formatted date written as the locale's `date-first-of-month`.
    fn first_of_month(&self, d: Date, formatted: String) -> String {
        let Some(first) = self
            .words
            .first_of_month
            .as_deref()
            .filter(|_| d.day() == 1)
        else {
            return formatted;
        };
        let bytes = formatted.as_bytes();
        let standalone = (0..bytes.len()).find(|&i| {
            bytes[i] == b'1'
                && (i == 0 || !bytes[i - 1].is_ascii_digit())
                && bytes.get(i + 1).is_none_or(|b| !b.is_ascii_digit())
        });
        match standalone {
            Some(i) => format!("{}{first}{}", &formatted[..i], &formatted[i + 1..]),
            None => formatted,
        }
    }

    /// Hours and minutes on the locale's clock: "8:00 AM" (en-US), "08:00" (pt-BR, de-DE, …).
    /// Plain spaces only (ICU's narrow no-break space before AM/PM is replaced).
    pub fn time(&self, t: Time) -> String {
        self.formats.time(t)
    }

    /// The weekday's stand-alone name: "Saturday", "sábado", "Samstag".
    pub fn weekday(&self, w: Weekday) -> String {
        self.formats.weekday(w).to_string()
    }

    /// The weekday's stand-alone abbreviated name (ICU), for written schedules: "Mon", "Mo",
    /// "seg.", "lun", "lun.". Plain spaces only, no control or bidi characters.
    pub fn weekday_short(&self, w: Weekday) -> String {
        self.formats.weekday_short(w).to_string()
    }

    /// A file of this locale's folder that is not a Fluent domain, e.g. `"agent-prompt.j2"`:
    /// `locales/<tag>/<name>`, else en-US's (the fallback), else `None`. Text files only (a
    /// file that is not UTF-8 counts as missing).
    pub fn file(&self, name: &str) -> Option<Cow<'static, str>> {
        let text = |tag: &str| {
            let data = Localizations::get(&format!("{tag}/{name}"))?.data;
            match data {
                Cow::Borrowed(bytes) => std::str::from_utf8(bytes).ok().map(Cow::Borrowed),
                Cow::Owned(bytes) => String::from_utf8(bytes).ok().map(Cow::Owned),
            }
        };
        text(&self.tag).or_else(|| text(FALLBACK_TAG))
    }

    /// "A, B and C" in the locale's words ("A, B e C", "A, B und C"); empty for no items.
    pub fn and_list(&self, items: &[String]) -> String {
        self.formats.and_list(items)
    }

    /// "A, B or C" in the locale's words ("A, B ou C", "A, B oder C"); empty for no items.
    pub fn or_list(&self, items: &[String]) -> String {
        self.formats.or_list(items)
    }

    /// Reads a date word, in this locale's language or in English, against `today` (the
    /// business's civil date): ISO `2026-11-21`, the local numeric form (`21/11`, `21.11.2026`;
    /// month first for en-US), today / tomorrow / the day after / yesterday / the day before,
    /// weekday names with "this" and "next", "in N days" / "in N weeks", and a day and month in
    /// words with an optional year ("21 de novembro", "November 21st", "1er décembre"), also
    /// after a weekday that matches it ("Saturday, November 21"). Case, accents and punctuation
    /// do not matter. See [`DateWord`] for past days.
    pub fn parse_date(&self, input: &str, today: Date) -> Result<DateWord, DateWordError> {
        if input.len() > READ_DATE_KEPT_LEN {
            return self.read_date(input, today);
        }
        let key = (Box::<str>::from(input), today);
        if let Some(read) = self
            .read_dates
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
        {
            return read.clone();
        }
        let read = self.read_date(input, today);
        let mut kept = self.read_dates.write().unwrap_or_else(|e| e.into_inner());
        if kept.len() >= SPOKEN_DATES_KEPT {
            kept.clear();
        }
        kept.insert(key, read.clone());
        read
    }

    fn read_date(&self, input: &str, today: Date) -> Result<DateWord, DateWordError> {
        let english = fallback();
        let mut langs = vec![&self.words];
        if english.index != self.index {
            langs.push(&english.words);
        }
        let reader = dates::Reader {
            langs,
            order: self.words.numeric_order,
            today,
        };
        reader.parse(input)
    }

    /// What is wrong in this locale's `frontdesk_locale.ftl` (unknown or missing messages,
    /// misused placeholders, syntax errors); empty when all is well. Tests require it empty.
    pub fn date_word_problems(&self) -> &[String] {
        &self.words.problems
    }

    /// Whether a date in digits puts the month first (`11/21`): en-US does.
    pub fn month_first(&self) -> bool {
        self.words.numeric_order == NumericOrder::MonthDay
    }

    /// The weekday a name means, in this locale's language or in English, full or short, case
    /// and accents aside: "samedi", "Sábado", "sa", "Saturday" → Saturday.
    pub fn weekday_named(&self, name: &str) -> Option<Weekday> {
        let wanted: Vec<String> = words::tokenize(name)
            .into_iter()
            .map(words::tok_text)
            .collect();
        [&self.words, &fallback().words].into_iter().find_map(|w| {
            w.weekdays
                .iter()
                .find(|(toks, _)| *toks == wanted)
                .map(|(_, day)| *day)
        })
    }
}

impl std::fmt::Debug for Locale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Locale").field(&self.tag).finish()
    }
}

impl std::fmt::Display for Locale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.tag)
    }
}

impl PartialEq for Locale {
    fn eq(&self, other: &Self) -> bool {
        self.index == other.index
    }
}

impl Eq for Locale {}

/// The folders under `locales/` holding at least one `.ftl` file: (tag, problem if any).
/// A folder whose name is not a canonical BCP-47 tag is not a locale.
fn folders() -> Vec<(String, Option<LanguageIdentifier>)> {
    let mut tags: Vec<String> = Localizations::iter()
        .filter_map(|path| {
            let (folder, file) = path.split_once('/')?;
            file.ends_with(".ftl").then(|| folder.to_string())
        })
        .collect();
    tags.sort();
    tags.dedup();
    tags.into_iter()
        .map(|tag| {
            let langid = tag
                .parse::<LanguageIdentifier>()
                .ok()
                .filter(|id| id.to_string() == tag);
            (tag, langid)
        })
        .collect()
}

/// Folder names under `locales/` that are not canonical BCP-47 tags, so not locales
/// (`pt_br`, `pt-br`, `portuguese`). Tests require none.
pub fn unusable_folders() -> Vec<String> {
    folders()
        .into_iter()
        .filter(|(_, id)| id.is_none())
        .map(|(tag, _)| tag)
        .collect()
}

static LOCALES: LazyLock<Vec<Locale>> = LazyLock::new(|| {
    let mut locales = Vec::new();
    for (tag, langid) in folders() {
        let Some(langid) = langid else { continue };
        match Locale::build(locales.len(), &tag, langid) {
            Ok(locale) => locales.push(locale),
            // Compiled ICU data serves any tag (CLDR root at worst): only a bug gets here.
            Err(e) => panic!("locale {tag}: {e}"),
        }
    }
    locales
});

static SHIPPED: LazyLock<Vec<&'static Locale>> = LazyLock::new(|| LOCALES.iter().collect());

/// Every locale: the folders under `locales/`, sorted by tag.
pub fn shipped() -> &'static [&'static Locale] {
    &SHIPPED
}

/// The fallback locale, en-US.
///
/// # Panics
/// When `locales/en-US/` is missing, which the crate's tests rule out.
pub fn fallback() -> &'static Locale {
    match shipped().iter().find(|l| l.tag == FALLBACK_TAG) {
        Some(locale) => locale,
        None => panic!("locales/{FALLBACK_TAG}/ is missing"),
    }
}

/// A business language resolved to a shipped locale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resolved {
    pub locale: &'static Locale,
    /// False when the request named another language or region and this is a fallback
    /// (es-MX → es-ES, pt-PT → pt-BR, xx → en-US). True when it names this locale, possibly
    /// without subtags that likely-subtags data would add: `pt_br`, `PT-br`, `pt`,
    /// `pt-Latn-BR` are all exactly pt-BR.
    pub exact: bool,
}

/// Likely subtags (CLDR): `pt` → `pt-Latn-BR`, `es-MX` → `es-Latn-MX`, `zh-TW` → `zh-Hant-TW`.
fn maximized(id: &icu_locale::LanguageIdentifier) -> icu_locale::LanguageIdentifier {
    static EXPANDER: LocaleExpander = LocaleExpander::new_common();
    let mut id = id.clone();
    id.variants.clear();
    EXPANDER.maximize(&mut id);
    id
}

/// Finds the locale for a business's `language`: the exact tag (case-insensitive, `_` as `-`),
/// else the best locale of the same language (same script first, then the language's likely
/// region: `pt-PT` → `pt-BR`, `es-MX` → `es-ES`, `en-GB` → `en-US`), else en-US.
pub fn resolve(tag: &str) -> Resolved {
    let wanted = tag.trim().replace('_', "-");
    let not_found = Resolved {
        locale: fallback(),
        exact: false,
    };
    if let Some(locale) = shipped()
        .iter()
        .find(|l| l.tag.eq_ignore_ascii_case(&wanted))
    {
        return Resolved {
            locale,
            exact: true,
        };
    }
    let Ok(id) = icu_locale::LanguageIdentifier::try_from_str(&wanted) else {
        return not_found;
    };
    if id.language.is_unknown() {
        return not_found;
    }
    let want = maximized(&id);
    let mut language_only = icu_locale::LanguageIdentifier::UNKNOWN;
    language_only.language = id.language;
    let likely = maximized(&language_only);
    // The highest score; among equals, the first tag.
    let mut best: Option<((bool, bool, bool), &'static Locale)> = None;
    for &locale in shipped() {
        let have = &locale.maximized;
        if have.language != want.language {
            continue;
        }
        let score = (
            have.script == want.script,
            have.region == want.region,
            have.region == likely.region,
        );
        if best.is_none_or(|(top, _)| score > top) {
            best = Some((score, locale));
        }
    }
    match best {
        Some((_, locale)) => Resolved {
            locale,
            exact: locale.maximized == want,
        },
        None => not_found,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn locale(tag: &str) -> &'static Locale {
        let resolved = resolve(tag);
        assert!(resolved.exact, "{tag}");
        resolved.locale
    }

    #[test]
    fn short_weekday_names_are_icus_stand_alone_abbreviations() {
        for (tag, monday, friday, saturday) in [
            ("en-US", "Mon", "Fri", "Sat"),
            ("de-DE", "Mo", "Fr", "Sa"),
            ("pt-BR", "seg.", "sex.", "sáb."),
            ("es-ES", "lun", "vie", "sáb"),
            ("fr-FR", "lun.", "ven.", "sam."),
        ] {
            let l = locale(tag);
            assert_eq!(l.weekday_short(Weekday::Monday), monday, "{tag}");
            assert_eq!(l.weekday_short(Weekday::Friday), friday, "{tag}");
            assert_eq!(l.weekday_short(Weekday::Saturday), saturday, "{tag}");
        }
        for l in shipped() {
            for day in 0..7 {
                let name = l.weekday_short(Weekday::from_monday_zero_offset(day).expect("day"));
                assert!(!name.is_empty(), "{l}");
                assert!(
                    name.chars()
                        .all(|c| !format::is_invisible(c) && (c == ' ' || !c.is_whitespace())),
                    "{l}: {name:?}"
                );
            }
        }
    }

    #[test]
    fn a_file_comes_from_the_locales_own_folder_and_a_missing_one_is_none() {
        let english = fallback();
        // Every locale has its own Fluent files: the locale's wins over English.
        for l in shipped() {
            let own = l.file("frontdesk_locale.ftl").expect("own file");
            assert_eq!(
                own.as_ref().as_bytes(),
                Localizations::get(&format!("{}/frontdesk_locale.ftl", l.tag()))
                    .expect("file")
                    .data
                    .as_ref(),
                "{l}"
            );
        }
        assert!(english.file("no-such-file.txt").is_none());
        assert!(locale("de-DE").file("no-such-file.txt").is_none());
        assert!(english.file("../README.md").is_none());
    }
}
