//! The public API of frontdesk-locale against every shipped locale.

use frontdesk_locale::i18n_embed::fluent::FluentLanguageLoader;
use frontdesk_locale::{
    DateWord, DateWordError, FALLBACK_TAG, Loaders, Locale, Localizations, fallback, resolve,
    shipped, unusable_folders,
};
use jiff::civil::{Date, Time, Weekday, date, time};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::LazyLock;

fn locale(tag: &str) -> &'static Locale {
    let resolved = resolve(tag);
    assert!(resolved.exact, "{tag} is not shipped");
    resolved.locale
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

// ---------------------------------------------------------------------------------------------
// Which locales exist, and resolving a business's language.

#[test]
fn shipped_lists_exactly_the_folders_sorted_by_tag() {
    let tags: Vec<&str> = shipped().iter().map(|l| l.tag()).collect();
    assert_eq!(tags, ["de-DE", "en-US", "es-ES", "fr-FR", "pt-BR"]);
    assert!(unusable_folders().is_empty(), "{:?}", unusable_folders());
    assert_eq!(fallback().tag(), FALLBACK_TAG);
    for l in shipped() {
        assert_eq!(l.langid().to_string(), l.tag());
        assert_eq!(resolve(l.tag()).locale, *l);
    }
}

#[test]
fn resolve_falls_back_by_language_then_to_english() {
    let cases = [
        ("pt-BR", "pt-BR", true),
        ("pt_br", "pt-BR", true),
        ("PT-br", "pt-BR", true),
        (" de-DE ", "de-DE", true),
        ("pt", "pt-BR", true),
        ("de", "de-DE", true),
        ("en", "en-US", true),
        ("pt-Latn-BR", "pt-BR", true),
        ("es-MX", "es-ES", false),
        ("es-419", "es-ES", false),
        ("pt-PT", "pt-BR", false),
        ("pt-AO", "pt-BR", false),
        ("en-GB", "en-US", false),
        ("de-AT", "de-DE", false),
        ("de-CH", "de-DE", false),
        ("fr-CA", "fr-FR", false),
        ("fr", "fr-FR", true),
        ("xx", "en-US", false),
        ("it-IT", "en-US", false),
        ("und", "en-US", false),
        ("", "en-US", false),
        ("🦀", "en-US", false),
        ("not a tag at all", "en-US", false),
    ];
    for (tag, want, exact) in cases {
        let r = resolve(tag);
        assert_eq!((r.locale.tag(), r.exact), (want, exact), "resolve({tag:?})");
    }
}

// ---------------------------------------------------------------------------------------------
// Formats.

#[test]
fn dates_times_and_weekdays_per_locale() {
    let saturday = date(2026, 11, 21);
    let tuesday = date(2026, 12, 1);
    let rows = [
        (
            "en-US",
            "Saturday, November 21",
            "Saturday, November 21, 2026",
            "Tuesday, December 1",
            "8:00 AM",
            "8:05 PM",
            "Saturday",
        ),
        (
            "pt-BR",
            "sábado, 21 de novembro",
            "sábado, 21 de novembro de 2026",
            "terça-feira, 1º de dezembro",
            "08:00",
            "20:05",
            "sábado",
        ),
        (
            "de-DE",
            "Samstag, 21. November",
            "Samstag, 21. November 2026",
            "Dienstag, 1. Dezember",
            "08:00",
            "20:05",
            "Samstag",
        ),
        (
            "es-ES",
            "sábado, 21 de noviembre",
            "sábado, 21 de noviembre de 2026",
            "martes, 1 de diciembre",
            "08:00",
            "20:05",
            "sábado",
        ),
        (
            "fr-FR",
            "samedi 21 novembre",
            "samedi 21 novembre 2026",
            "mardi 1er décembre",
            "08:00",
            "20:05",
            "samedi",
        ),
    ];
    for (tag, date_s, with_year, december, morning, evening, weekday) in rows {
        let l = locale(tag);
        assert_eq!(l.date(saturday), date_s, "{tag}");
        assert_eq!(l.date_with_year(saturday), with_year, "{tag}");
        assert_eq!(l.date(tuesday), december, "{tag}");
        assert_eq!(l.time(time(8, 0, 0, 0)), morning, "{tag}");
        assert_eq!(l.time(time(20, 5, 0, 0)), evening, "{tag}");
        assert_eq!(l.weekday(Weekday::Saturday), weekday, "{tag}");
    }
    assert_eq!(locale("en-US").time(time(0, 30, 0, 0)), "12:30 AM");
    assert_eq!(locale("de-DE").weekday(Weekday::Monday), "Montag");
    assert_eq!(locale("pt-BR").weekday(Weekday::Monday), "segunda-feira");
}

#[test]
fn lists_of_one_two_and_three() {
    let rows = [
        (
            "en-US",
            ["A", "A and B", "A, B, and C"],
            ["A", "A or B", "A, B, or C"],
        ),
        (
            "pt-BR",
            ["A", "A e B", "A, B e C"],
            ["A", "A ou B", "A, B ou C"],
        ),
        (
            "de-DE",
            ["A", "A und B", "A, B und C"],
            ["A", "A oder B", "A, B oder C"],
        ),
        (
            "es-ES",
            ["A", "A y B", "A, B y C"],
            ["A", "A o B", "A, B o C"],
        ),
        (
            "fr-FR",
            ["A", "A et B", "A, B et C"],
            ["A", "A ou B", "A, B ou C"],
        ),
    ];
    let inputs = [
        strings(&["A"]),
        strings(&["A", "B"]),
        strings(&["A", "B", "C"]),
    ];
    for (tag, and, or) in rows {
        let l = locale(tag);
        for (i, items) in inputs.iter().enumerate() {
            assert_eq!(l.and_list(items), and[i], "{tag}");
            assert_eq!(l.or_list(items), or[i], "{tag}");
        }
        assert_eq!(l.and_list(&[]), "");
    }
    // Spanish "y" becomes "e" before an "i" sound, and "o" becomes "u" before an "o" (CLDR).
    assert_eq!(
        locale("es-ES").and_list(&strings(&["Ana", "Inés"])),
        "Ana e Inés"
    );
    assert_eq!(
        locale("es-ES").or_list(&strings(&["siete", "ocho"])),
        "siete u ocho"
    );
}

/// A character the text rules refuse or a speech engine would read or stumble on.
fn unspeakable(c: char) -> bool {
    c.is_control()
        || (c.is_whitespace() && c != ' ')
        || matches!(c, '\u{00AD}' | '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}' | '\u{FEFF}')
}

#[test]
fn formats_have_only_plain_spaces_and_no_control_or_bidi_characters() {
    let mut day = date(2026, 1, 1);
    let mut out = Vec::new();
    for l in shipped() {
        for _ in 0..366 {
            out.push(l.date(day));
            out.push(l.date_with_year(day));
            day = day.tomorrow().expect("in range");
        }
        for h in 0..24 {
            for m in [0, 15, 30, 45] {
                out.push(l.time(time(h, m, 0, 0)));
            }
        }
        for w in 0..7 {
            out.push(l.weekday(Weekday::from_monday_zero_offset(w).expect("weekday")));
        }
        out.push(l.and_list(&strings(&["Ana", "Bea", "Cid"])));
        out.push(l.or_list(&strings(&["Ana", "Bea"])));
    }
    for s in out {
        assert!(!s.is_empty());
        assert!(!s.chars().any(unspeakable), "{s:?}");
    }
}

#[test]
fn dates_at_the_ends_of_jiffs_range_do_not_panic() {
    for l in shipped() {
        for d in [Date::MIN, Date::MAX, date(1, 1, 1), date(-44, 3, 15)] {
            assert!(!l.date(d).is_empty());
            assert!(!l.date_with_year(d).is_empty());
        }
        assert!(!l.time(Time::MAX).is_empty());
    }
}

// ---------------------------------------------------------------------------------------------
// Date words.

#[derive(Debug, Clone, Copy)]
enum Want {
    Day(Date),
    Past(Date),
    Bad,
}
use Want::{Bad, Day, Past};

fn check(tag: &str, today: Date, rows: &[(&str, Want)]) {
    let l = locale(tag);
    for &(input, want) in rows {
        let got = l.parse_date(input, today);
        let ok = match (want, &got) {
            (Day(d), Ok(DateWord::Day(g))) | (Past(d), Ok(DateWord::Past(g))) => d == *g,
            (Bad, Err(DateWordError::Unreadable(_))) => true,
            _ => false,
        };
        assert!(
            ok,
            "{tag}: {input:?} on {today}: want {want:?}, got {got:?}"
        );
    }
}

/// Monday 2026-11-23 (the Saturday before is the 21st).
const MONDAY: Date = date(2026, 11, 23);

#[test]
fn date_words_en_us() {
    check(
        "en-US",
        MONDAY,
        &[
            ("today", Day(MONDAY)),
            ("Tomorrow", Day(date(2026, 11, 24))),
            ("tomorrow morning", Day(date(2026, 11, 24))),
            ("the day after tomorrow", Day(date(2026, 11, 25))),
            ("yesterday", Past(date(2026, 11, 22))),
            ("the day before yesterday", Past(date(2026, 11, 21))),
            ("friday", Day(date(2026, 11, 27))),
            ("Fri", Day(date(2026, 11, 27))),
            ("this Friday", Day(date(2026, 11, 27))),
            ("on friday", Day(date(2026, 11, 27))),
            ("next friday", Day(date(2026, 11, 27))),
            ("friday next week", Day(date(2026, 12, 4))),
            ("monday", Day(MONDAY)),
            ("next Monday", Day(date(2026, 11, 30))),
            ("monday next week", Day(date(2026, 11, 30))),
            ("sunday next week", Day(date(2026, 12, 6))),
            ("thurs", Day(date(2026, 11, 26))),
            ("in 3 days", Day(date(2026, 11, 26))),
            ("in 1 day", Day(date(2026, 11, 24))),
            ("10 days from now", Day(date(2026, 12, 3))),
            ("in 2 weeks", Day(date(2026, 12, 7))),
            ("November 30", Day(date(2026, 11, 30))),
            ("November 30th", Day(date(2026, 11, 30))),
            ("Nov. 30", Day(date(2026, 11, 30))),
            ("the 1st of December", Day(date(2026, 12, 1))),
            ("December 1st, 2027", Day(date(2027, 12, 1))),
            ("1 December 2027", Day(date(2027, 12, 1))),
            ("Sept 5", Day(date(2027, 9, 5))),
            ("November 21", Past(date(2026, 11, 21))),
            ("November 23", Day(MONDAY)),
            ("21 November 2026", Past(date(2026, 11, 21))),
            ("2026-11-30", Day(date(2026, 11, 30))),
            ("2026-11-01", Past(date(2026, 11, 1))),
            ("11/30", Day(date(2026, 11, 30))),
            ("11/30/2026", Day(date(2026, 11, 30))),
            ("11/30/26", Day(date(2026, 11, 30))),
            ("30/11", Bad),
            ("Saturday, November 28", Day(date(2026, 11, 28))),
            ("Saturday, November 28, 2026", Day(date(2026, 11, 28))),
            ("Friday, November 28", Bad),
            ("next blursday", Bad),
            ("blursday", Bad),
            ("November 31", Bad),
            ("🦀", Bad),
            ("", Bad),
            ("   ", Bad),
            ("32/13", Bad),
            ("13/32", Bad),
            ("2026-02-30", Bad),
            ("in 9999999 days", Bad),
            ("today tomorrow", Bad),
        ],
    );
}

#[test]
fn date_words_pt_br() {
    check(
        "pt-BR",
        MONDAY,
        &[
            ("hoje", Day(MONDAY)),
            ("amanhã", Day(date(2026, 11, 24))),
            ("AMANHA", Day(date(2026, 11, 24))),
            ("depois de amanhã", Day(date(2026, 11, 25))),
            ("ontem", Past(date(2026, 11, 22))),
            ("anteontem", Past(date(2026, 11, 21))),
            ("sexta", Day(date(2026, 11, 27))),
            ("sexta-feira", Day(date(2026, 11, 27))),
            ("na sexta", Day(date(2026, 11, 27))),
            ("próxima sexta", Day(date(2026, 11, 27))),
            ("sexta que vem", Day(date(2026, 11, 27))),
            ("sexta da semana que vem", Day(date(2026, 12, 4))),
            ("segunda", Day(MONDAY)),
            ("próxima segunda-feira", Day(date(2026, 11, 30))),
            ("sábado", Day(date(2026, 11, 28))),
            ("sab", Day(date(2026, 11, 28))),
            ("daqui a 3 dias", Day(date(2026, 11, 26))),
            ("em 3 dias", Day(date(2026, 11, 26))),
            ("daqui a 2 semanas", Day(date(2026, 12, 7))),
            ("21 de novembro", Past(date(2026, 11, 21))),
            ("1º de dezembro", Day(date(2026, 12, 1))),
            ("1° de dezembro", Day(date(2026, 12, 1))),
            ("dia 1 de dezembro de 2027", Day(date(2027, 12, 1))),
            ("2 de janeiro", Day(date(2027, 1, 2))),
            ("30/11", Day(date(2026, 11, 30))),
            ("30/11/2026", Day(date(2026, 11, 30))),
            ("30.11.", Day(date(2026, 11, 30))),
            ("30-11", Day(date(2026, 11, 30))),
            ("2026-11-30", Day(date(2026, 11, 30))),
            ("11/30", Bad),
            ("sábado, 28 de novembro", Day(date(2026, 11, 28))),
            ("sábado, 28/11", Day(date(2026, 11, 28))),
            ("sexta, 28 de novembro", Bad),
            // English is always understood.
            ("tomorrow", Day(date(2026, 11, 24))),
            ("next friday", Day(date(2026, 11, 27))),
            ("December 1", Day(date(2026, 12, 1))),
            ("31 de fevereiro", Bad),
            ("próxima blursday", Bad),
        ],
    );
}

#[test]
fn date_words_de_de() {
    check(
        "de-DE",
        MONDAY,
        &[
            ("heute", Day(MONDAY)),
            ("Morgen", Day(date(2026, 11, 24))),
            ("übermorgen", Day(date(2026, 11, 25))),
            ("uebermorgen", Day(date(2026, 11, 25))),
            ("gestern", Past(date(2026, 11, 22))),
            ("vorgestern", Past(date(2026, 11, 21))),
            ("Freitag", Day(date(2026, 11, 27))),
            ("am Freitag", Day(date(2026, 11, 27))),
            ("Fr.", Day(date(2026, 11, 27))),
            ("nächsten Freitag", Day(date(2026, 11, 27))),
            ("kommenden Freitag", Day(date(2026, 11, 27))),
            ("Freitag nächste Woche", Day(date(2026, 12, 4))),
            ("nächsten Montag", Day(date(2026, 11, 30))),
            ("Sonnabend", Day(date(2026, 11, 28))),
            ("in 3 Tagen", Day(date(2026, 11, 26))),
            ("in 2 Wochen", Day(date(2026, 12, 7))),
            ("21. November", Past(date(2026, 11, 21))),
            ("1. Dezember", Day(date(2026, 12, 1))),
            ("am 1. Dezember 2027", Day(date(2027, 12, 1))),
            ("1. Maerz", Day(date(2027, 3, 1))),
            ("1. März", Day(date(2027, 3, 1))),
            ("30.11.", Day(date(2026, 11, 30))),
            ("30.11.2026", Day(date(2026, 11, 30))),
            ("Samstag, 28. November", Day(date(2026, 11, 28))),
            ("Samstag, den 28. November 2026", Day(date(2026, 11, 28))),
            ("Samstag, 28.11.", Day(date(2026, 11, 28))),
            ("tomorrow", Day(date(2026, 11, 24))),
            ("nächsten Blursday", Bad),
            ("30.02.", Bad),
        ],
    );
}

#[test]
fn date_words_es_es() {
    check(
        "es-ES",
        MONDAY,
        &[
            ("hoy", Day(MONDAY)),
            ("mañana", Day(date(2026, 11, 24))),
            ("pasado mañana", Day(date(2026, 11, 25))),
            ("ayer", Past(date(2026, 11, 22))),
            ("anteayer", Past(date(2026, 11, 21))),
            ("viernes", Day(date(2026, 11, 27))),
            ("el viernes", Day(date(2026, 11, 27))),
            ("el próximo viernes", Day(date(2026, 11, 27))),
            ("el viernes que viene", Day(date(2026, 11, 27))),
            ("el viernes de la semana que viene", Day(date(2026, 12, 4))),
            ("el próximo lunes", Day(date(2026, 11, 30))),
            ("miércoles", Day(date(2026, 11, 25))),
            ("miercoles", Day(date(2026, 11, 25))),
            ("en 3 días", Day(date(2026, 11, 26))),
            ("dentro de 3 días", Day(date(2026, 11, 26))),
            ("en 2 semanas", Day(date(2026, 12, 7))),
            ("21 de noviembre", Past(date(2026, 11, 21))),
            ("1 de diciembre", Day(date(2026, 12, 1))),
            ("1º de diciembre", Day(date(2026, 12, 1))),
            ("el 1 de diciembre de 2027", Day(date(2027, 12, 1))),
            ("2 de enero", Day(date(2027, 1, 2))),
            ("30/11", Day(date(2026, 11, 30))),
            ("30/11/2026", Day(date(2026, 11, 30))),
            ("sábado, 28 de noviembre", Day(date(2026, 11, 28))),
            ("¿mañana?", Day(date(2026, 11, 24))),
            ("tomorrow", Day(date(2026, 11, 24))),
            ("el próximo blursday", Bad),
        ],
    );
}

#[test]
fn date_words_fr_fr() {
    check(
        "fr-FR",
        MONDAY,
        &[
            ("aujourd'hui", Day(MONDAY)),
            ("Aujourd’hui", Day(MONDAY)),
            ("demain", Day(date(2026, 11, 24))),
            ("après-demain", Day(date(2026, 11, 25))),
            ("hier", Past(date(2026, 11, 22))),
            ("avant-hier", Past(date(2026, 11, 21))),
            ("vendredi", Day(date(2026, 11, 27))),
            ("ce vendredi", Day(date(2026, 11, 27))),
            ("vendredi prochain", Day(date(2026, 11, 27))),
            ("vendredi de la semaine prochaine", Day(date(2026, 12, 4))),
            ("lundi prochain", Day(date(2026, 11, 30))),
            ("dans 3 jours", Day(date(2026, 11, 26))),
            ("dans 2 semaines", Day(date(2026, 12, 7))),
            ("21 novembre", Past(date(2026, 11, 21))),
            ("1er décembre", Day(date(2026, 12, 1))),
            ("le 1er décembre 2027", Day(date(2027, 12, 1))),
            ("2 janvier", Day(date(2027, 1, 2))),
            ("30/11", Day(date(2026, 11, 30))),
            ("samedi 28 novembre", Day(date(2026, 11, 28))),
            ("tomorrow", Day(date(2026, 11, 24))),
            ("vendredi blursday", Bad),
        ],
    );
}

/// The locale's own word for tomorrow, and for "2 January" and "next monday".
fn own_words(tag: &str) -> (&'static str, &'static str, &'static str) {
    match tag {
        "pt-BR" => ("amanhã", "2 de janeiro", "próxima segunda"),
        "de-DE" => ("morgen", "2. Januar", "nächsten Montag"),
        "es-ES" => ("mañana", "2 de enero", "el próximo lunes"),
        "fr-FR" => ("demain", "2 janvier", "lundi prochain"),
        _ => ("tomorrow", "January 2", "next monday"),
    }
}

#[test]
fn date_words_across_month_and_year_ends_a_leap_day_and_a_clock_change() {
    let berlin = jiff::tz::TimeZone::get("Europe/Berlin").expect("tz database");
    // The night the clocks go forward in Berlin (2026-03-29, 02:00 → 03:00): today is a civil
    // date, so tomorrow is the next civil date whatever the length of the day.
    let dst_today = "2026-03-28T22:30:00Z"
        .parse::<jiff::Timestamp>()
        .expect("ts")
        .to_zoned(berlin)
        .date();
    assert_eq!(dst_today, date(2026, 3, 28));
    for l in shipped() {
        let (tomorrow, second_january, next_monday) = own_words(l.tag());
        for word in [tomorrow, "tomorrow"] {
            check(
                l.tag(),
                date(2026, 11, 30),
                &[(word, Day(date(2026, 12, 1)))],
            );
            check(
                l.tag(),
                date(2026, 12, 31),
                &[(word, Day(date(2027, 1, 1)))],
            );
            check(
                l.tag(),
                date(2028, 2, 28),
                &[(word, Day(date(2028, 2, 29)))],
            );
            check(l.tag(), date(2028, 2, 29), &[(word, Day(date(2028, 3, 1)))]);
            check(l.tag(), dst_today, &[(word, Day(date(2026, 3, 29)))]);
            check(l.tag(), Date::MAX, &[(word, Bad)]);
        }
        check(
            l.tag(),
            date(2026, 12, 31),
            &[
                (second_january, Day(date(2027, 1, 2))),
                (next_monday, Day(date(2027, 1, 4))),
                ("next monday", Day(date(2027, 1, 4))),
                ("in 3 days", Day(date(2027, 1, 3))),
                ("2027-01-02", Day(date(2027, 1, 2))),
            ],
        );
    }
}

#[test]
fn a_day_without_a_year_is_next_unless_it_passed_in_the_last_60_days() {
    check(
        "en-US",
        date(2026, 12, 5),
        &[
            ("November 21", Past(date(2026, 11, 21))),
            ("October 7", Past(date(2026, 10, 7))),
            ("October 5", Day(date(2027, 10, 5))),
            ("December 5", Day(date(2026, 12, 5))),
            ("January 5", Day(date(2027, 1, 5))),
            ("11/21", Past(date(2026, 11, 21))),
        ],
    );
    check(
        "pt-BR",
        date(2027, 1, 5),
        &[
            ("20 de dezembro", Past(date(2026, 12, 20))),
            ("20/12", Past(date(2026, 12, 20))),
            ("20/12/2027", Day(date(2027, 12, 20))),
        ],
    );
    check(
        "en-US",
        date(2026, 3, 10),
        &[
            ("February 29", Day(date(2028, 2, 29))),
            ("February 29, 2027", Bad),
        ],
    );
}

#[test]
fn every_weekday_phrase_in_every_locale_over_a_week() {
    // For each day of one week and each weekday: bare = today or later, next = after today,
    // next week = in the following Monday-to-Sunday week.
    for l in shipped() {
        for offset in 0..7 {
            let today = date(2026, 11, 23)
                .checked_add(jiff::Span::new().days(offset))
                .expect("date");
            for w in 0..7i8 {
                let weekday = Weekday::from_monday_zero_offset(w).expect("weekday");
                let name = fallback().weekday(weekday);
                let own = l.weekday(weekday);
                let ahead = i64::from((w - today.weekday().to_monday_zero_offset()).rem_euclid(7));
                let plus = |n: i64| today.checked_add(jiff::Span::new().days(n)).expect("date");
                for word in [name.as_str(), own.as_str()] {
                    let got = l.parse_date(word, today).map(DateWord::date);
                    assert_eq!(got, Ok(plus(ahead)), "{}: {word} on {today}", l.tag());
                }
                let next = l
                    .parse_date(&format!("next {name}"), today)
                    .map(DateWord::date);
                assert_eq!(
                    next,
                    Ok(plus(if ahead == 0 { 7 } else { ahead })),
                    "{}: next {name} on {today}",
                    l.tag()
                );
                let week = l
                    .parse_date(&format!("{name} next week"), today)
                    .map(DateWord::date);
                let monday = date(2026, 11, 30);
                assert_eq!(
                    week,
                    Ok(monday
                        .checked_add(jiff::Span::new().days(i64::from(w)))
                        .expect("date"))
                );
            }
        }
    }
}

#[test]
fn garbage_is_unreadable_and_the_error_quotes_the_input_cut_to_40_characters() {
    for l in shipped() {
        for input in [
            "🦀",
            "",
            "  ",
            "32/13",
            "next blursday",
            "0/0",
            "2026-13-01",
            "99999-01-01",
            "-",
            "..",
            "1/2/3/4",
            "in -3 days",
            "000000000000000000000001",
        ] {
            assert!(
                l.parse_date(input, MONDAY).is_err(),
                "{}: {input:?}",
                l.tag()
            );
        }
    }
    let long = "x".repeat(100);
    assert_eq!(
        fallback().parse_date(&long, MONDAY),
        Err(DateWordError::Unreadable("x".repeat(40)))
    );
    assert_eq!(
        fallback().parse_date("  blursday ", MONDAY),
        Err(DateWordError::Unreadable("blursday".into()))
    );
}

#[test]
fn every_locale_reads_its_own_formatted_dates_back() {
    for l in shipped() {
        let mut day = MONDAY;
        for _ in 0..400 {
            for text in [l.date(day), l.date_with_year(day)] {
                let got = l.parse_date(&text, MONDAY);
                let want = if day < MONDAY {
                    DateWord::Past(day)
                } else {
                    DateWord::Day(day)
                };
                // Without a year, a day whose date last year passed less than 60 days ago
                // (from 2027-09-24 on) reads as that past day.
                if text == l.date(day) && day >= date(2027, 9, 24) {
                    continue;
                }
                assert_eq!(got, Ok(want), "{}: {text:?}", l.tag());
            }
            day = day.tomorrow().expect("date");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The ftl files.

/// Message ids of one ftl file, each with the variables its value and attributes use.
fn messages(source: &str) -> BTreeMap<String, BTreeSet<String>> {
    use fluent_syntax::ast;
    fn vars(pattern: &ast::Pattern<&str>, out: &mut BTreeSet<String>) {
        for element in &pattern.elements {
            if let ast::PatternElement::Placeable { expression } = element {
                expression_vars(expression, out);
            }
        }
    }
    fn expression_vars(expression: &ast::Expression<&str>, out: &mut BTreeSet<String>) {
        match expression {
            ast::Expression::Inline(inline) => inline_vars(inline, out),
            ast::Expression::Select { selector, variants } => {
                inline_vars(selector, out);
                variants.iter().for_each(|v| vars(&v.value, out));
            }
        }
    }
    fn inline_vars(inline: &ast::InlineExpression<&str>, out: &mut BTreeSet<String>) {
        match inline {
            ast::InlineExpression::VariableReference { id } => {
                out.insert(id.name.to_string());
            }
            ast::InlineExpression::Placeable { expression } => expression_vars(expression, out),
            ast::InlineExpression::FunctionReference { arguments, .. } => {
                arguments
                    .positional
                    .iter()
                    .for_each(|a| inline_vars(a, out));
                arguments
                    .named
                    .iter()
                    .for_each(|a| inline_vars(&a.value, out));
            }
            _ => {}
        }
    }
    let resource = match fluent_syntax::parser::parse(source) {
        Ok(r) => r,
        Err((_, errors)) => panic!("{errors:?}"),
    };
    let mut out = BTreeMap::new();
    for entry in &resource.body {
        match entry {
            ast::Entry::Message(m) => {
                let mut v = BTreeSet::new();
                if let Some(value) = &m.value {
                    vars(value, &mut v);
                }
                for a in &m.attributes {
                    vars(&a.value, &mut v);
                }
                out.insert(m.id.name.to_string(), v);
            }
            ast::Entry::Junk { content } => panic!("unreadable: {content:?}"),
            _ => {}
        }
    }
    out
}

fn file(path: &str) -> String {
    let f = Localizations::get(path).unwrap_or_else(|| panic!("{path} missing"));
    String::from_utf8(f.data.into_owned()).expect("utf-8")
}

#[test]
fn every_locale_has_every_date_word_message_with_the_same_variables() {
    let english = messages(&file("en-US/frontdesk_locale.ftl"));
    assert!(english.len() >= 10);
    for l in shipped() {
        let own = messages(&file(&format!("{}/frontdesk_locale.ftl", l.tag())));
        assert_eq!(own, english, "{}", l.tag());
        assert!(
            l.date_word_problems().is_empty(),
            "{}: {:?}",
            l.tag(),
            l.date_word_problems()
        );
    }
}

#[test]
fn every_ftl_file_of_every_domain_has_exactly_the_english_ids_and_only_their_variables() {
    let mut files = 0;
    for path in Localizations::iter().filter(|p| p.ends_with(".ftl")) {
        files += 1;
        let (tag, domain) = path.split_once('/').expect("tag/domain.ftl");
        let own = messages(&file(&path));
        let english = messages(&file(&format!("{FALLBACK_TAG}/{domain}")));
        // Complete: a caller never hears English in the middle of their language.
        for id in english.keys() {
            assert!(
                own.contains_key(id),
                "{path}: {id} is missing (en-US has it)"
            );
        }
        for (id, vars) in own {
            let english_vars = english
                .get(&id)
                .unwrap_or_else(|| panic!("{path}: {id} is not in en-US"));
            assert!(
                vars.is_subset(english_vars),
                "{tag}/{domain}: {id} uses {vars:?}, en-US passes {english_vars:?}"
            );
        }
    }
    assert!(files >= 5);
}

// ---------------------------------------------------------------------------------------------
// Loaders.

static TEXTS: LazyLock<Loaders> = LazyLock::new(|| {
    Loaders::new(|| {
        FluentLanguageLoader::new("frontdesk_locale", FALLBACK_TAG.parse().expect("tag"))
    })
});

#[test]
fn loaders_give_each_locale_its_file_then_english_without_isolation_marks() {
    for l in shipped() {
        let loader = TEXTS.get(l);
        let mut want = vec![l.langid().clone()];
        if l.tag() != FALLBACK_TAG {
            want.push(fallback().langid().clone());
        }
        assert_eq!(loader.current_languages(), want);
        assert!(loader.has("date-in-days"));
        let text = loader.get_args("date-in-days", HashMap::from([("n", 3)]));
        assert!(
            text.contains('3') && !text.chars().any(unspeakable),
            "{text:?}"
        );
    }
    let pt = TEXTS.get(locale("pt-BR"));
    assert!(pt.get("date-tomorrow").starts_with("amanhã"));
    assert!(
        pt.get_args("date-in-days", HashMap::from([("n", 3)]))
            .starts_with("daqui a 3 dias")
    );
    assert_eq!(TEXTS.get(locale("de-DE")).get("date-yesterday"), "gestern");
    assert_eq!(
        TEXTS
            .get(locale("pt-BR"))
            .get_attr("date-weekday-extra", "friday"),
        "sexta"
    );
}

#[test]
fn loaders_refuse_a_domain_without_an_english_file() {
    // A locale without the domain's file gets English only; a domain without its English file
    // is a packaging bug that Loaders::new refuses loudly.
    let built = std::panic::catch_unwind(|| {
        Loaders::new(|| {
            FluentLanguageLoader::new("no_such_domain", FALLBACK_TAG.parse().expect("tag"))
        })
    });
    assert!(built.is_err());
}

// ---------------------------------------------------------------------------------------------
// Properties.

fn any_date() -> impl proptest::strategy::Strategy<Value = Date> {
    use proptest::prelude::*;
    (-9999i16..=9999, 1i8..=12, 1i8..=31)
        .prop_filter_map("a valid date", |(y, m, d)| Date::new(y, m, d).ok())
}

proptest::proptest! {
    #[test]
    fn any_iso_date_reads_back_as_itself(day in any_date(), today in any_date(), index in 0usize..5) {
        let l = shipped()[index % shipped().len()];
        if day.year() >= 1000 {
            let got = l.parse_date(&day.to_string(), today).map(DateWord::date);
            proptest::prop_assert_eq!(got, Ok(day));
        }
    }

    #[test]
    fn any_input_on_any_day_never_panics(input in "\\PC{0,60}", today in any_date(), index in 0usize..5) {
        let l = shipped()[index % shipped().len()];
        let _ = l.parse_date(&input, today);
    }

    #[test]
    fn date_like_input_on_any_day_never_panics(
        input in "(next |in |the |dia |am |le )?([0-9]{1,7}|[0-9]{1,4}[./-][0-9]{1,4}([./-][0-9]{1,5})?)\\.?( ?(st|º|er|de|days|dias|tagen|jours|of|november|dezembro|janvier|friday|sexta|weeks))*",
        today in any_date(),
        index in 0usize..5,
    ) {
        let l = shipped()[index % shipped().len()];
        let _ = l.parse_date(&input, today);
        let _ = l.parse_date(&format!("friday {input}"), today);
    }

    #[test]
    fn every_format_is_speakable_on_any_day(day in any_date(), index in 0usize..5) {
        let l = shipped()[index % shipped().len()];
        for text in [l.date(day), l.date_with_year(day)] {
            proptest::prop_assert!(!text.is_empty() && !text.chars().any(unspeakable), "{:?}", text);
        }
    }
}

#[test]
fn weekday_names_in_each_language_and_english() {
    for (tag, name) in [
        ("fr-FR", "samedi"),
        ("fr-FR", "Saturday"),
        ("es-ES", "Sábado"),
        ("pt-BR", "sábado"),
        ("de-DE", "Samstag"),
        ("en-US", "sat"),
    ] {
        assert_eq!(
            locale(tag).weekday_named(name),
            Some(Weekday::Saturday),
            "{tag} {name}"
        );
    }
    assert_eq!(locale("fr-FR").weekday_named("demain"), None);
    assert_eq!(locale("de-DE").weekday_named("samedi"), None);
}
