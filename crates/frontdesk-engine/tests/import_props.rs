//! Property tests of business import files: `BusinessFile::parse` on arbitrary and on
//! near-valid TOML and YAML never panics and refuses with a message; `validate()` on
//! structurally valid files with random values never panics and refuses with an
//! `INVALID_INPUT` that names the field; and a file that validates imports (on a fresh SQLite
//! database), twice, without a fault — `validate` promises to check everything that can be
//! checked before the database is touched.

use frontdesk_domain::schedule::{ClockTime, DateException, DayKey};
use frontdesk_domain::{BookingPolicy, Language, Schedule, TimeRange};
use frontdesk_engine::import::{
    AppointmentDef, BranchDef, BusinessFile, CompanyDef, CustomerDef, FileError, MemberDef,
    ServiceDef, StaffDef,
};
use frontdesk_engine::{AvailabilityQuery, Caller, Engine, EngineError, FixedClock};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestError, TestRunner};
use std::sync::Arc;

const EXAMPLE_TOML: &str = include_str!("../../../examples/beyond-the-club.toml");
const EXAMPLE_YAML: &str = include_str!("../../../examples/askproai-demo.yaml");

// ---------------------------------------------------------------------------------------------
// Random files, mostly close to valid
// ---------------------------------------------------------------------------------------------

/// A value from `good` most of the time, else anything from `bad`.
fn mostly<T: std::fmt::Debug + Clone + 'static>(
    good: impl Strategy<Value = T> + 'static,
    bad: impl Strategy<Value = T> + 'static,
) -> BoxedStrategy<T> {
    prop_oneof![6 => good, 1 => bad].boxed()
}

fn small_name() -> BoxedStrategy<String> {
    mostly(
        prop::sample::select(vec!["Main", "North", "Ana", "Dr. Smith", "Coach"])
            .prop_map(str::to_string),
        any::<String>(),
    )
}

fn phone() -> BoxedStrategy<String> {
    mostly(
        prop_oneof![
            "\\+55119[0-9]{8}",
            "\\+4930[1-9][0-9]{7}",
            "\\(11\\) 9[0-9]{4}-[0-9]{4}",
        ],
        prop_oneof![any::<String>(), "[0-9+() -]{0,20}"],
    )
}

fn time_zone() -> BoxedStrategy<String> {
    mostly(
        prop::sample::select(vec!["America/Sao_Paulo", "Europe/Berlin", "UTC"])
            .prop_map(str::to_string),
        prop_oneof![
            any::<String>(),
            prop::sample::select(vec![
                "",
                "Mars/Olympus",
                "../../etc/passwd",
                "/etc/localtime",
                "Europe/../Europe/Berlin",
                "Europe/Berlin\0",
                "europe/berlin",
                "+03:00",
            ])
            .prop_map(str::to_string),
        ],
    )
}

fn clock_time() -> impl Strategy<Value = ClockTime> {
    (0i8..24, 0i8..60).prop_map(|(h, m)| ClockTime(jiff::civil::time(h, m, 0, 0)))
}

fn time_range() -> impl Strategy<Value = TimeRange> {
    (0i32..1439, 1i32..600).prop_map(|(start, len)| {
        let end = (start + len).min(1439);
        let hm = |x: i32| format!("{:02}:{:02}", x / 60, x % 60);
        format!("{}-{}", hm(start), hm(end))
            .parse()
            .expect("start before end")
    })
}

fn day_key() -> impl Strategy<Value = DayKey> {
    prop::sample::select(vec![
        "daily", "mon-fri", "sat,sun", "weekend", "tue", "wed-thu",
    ])
    .prop_map(|k| k.parse().expect("a day key"))
}

fn schedule() -> impl Strategy<Value = Schedule> {
    prop_oneof![
        prop::collection::btree_map(day_key(), prop::collection::vec(clock_time(), 0..4), 0..3)
            .prop_map(|times| Schedule::FixedTimes { times }),
        (
            prop::collection::btree_map(day_key(), prop::collection::vec(time_range(), 0..3), 0..3),
            mostly(5i32..=240, any::<i32>()),
            prop::collection::vec(time_range(), 0..2),
        )
            .prop_map(|(hours, interval_minutes, breaks)| Schedule::OpenHours {
                hours,
                interval_minutes,
                breaks,
            }),
    ]
}

fn date() -> impl Strategy<Value = jiff::civil::Date> {
    (1990i16..2100, 1i8..=12, 1i8..=28).prop_map(|(y, m, d)| jiff::civil::date(y, m, d))
}

fn exception() -> impl Strategy<Value = DateException> {
    (
        date(),
        any::<bool>(),
        prop::option::of(prop::collection::vec(time_range(), 0..2)),
        prop::option::of(prop::collection::vec(clock_time(), 0..2)),
    )
        .prop_map(|(date, closed, hours, times)| DateException {
            date,
            closed,
            hours,
            times,
            note: None,
        })
}

fn policy() -> BoxedStrategy<BookingPolicy> {
    let value = || mostly(0i64..10_000, any::<i64>());
    (
        value(),
        value(),
        prop::option::of(mostly(1i64..5, any::<i64>())),
        value(),
        any::<bool>(),
    )
        .prop_map(
            |(min_notice, window, quota, free_hours, unknown)| BookingPolicy {
                min_notice_minutes: min_notice,
                booking_window_days: window,
                max_active_bookings_per_member: quota,
                free_cancellation_hours: free_hours,
                allow_unknown_callers: unknown,
                reminders: BookingPolicy::default().reminders,
                waitlist_hold_minutes: 15,
            },
        )
        .boxed()
}

fn company() -> impl Strategy<Value = CompanyDef> {
    (
        mostly("[a-z0-9-]{1,20}", any::<String>()),
        small_name(),
        time_zone(),
        prop::sample::select(vec!["pt-BR", "de-DE", "en-US", "es-MX", "fr"])
            .prop_map(|tag| tag.parse::<Language>().expect("a tag")),
        mostly(
            prop::sample::select(vec!["BR", "DE", "US", "br", " de "]).prop_map(str::to_string),
            any::<String>(),
        ),
        policy(),
        prop::option::weighted(0.1, "[a-z_]{1,20}"),
        prop::option::weighted(0.2, "[a-z_]{1,20}"),
    )
        .prop_map(
            |(slug, name, time_zone, language, phone_region, policy, retell, vapi)| CompanyDef {
                slug,
                name,
                time_zone,
                language,
                phone_region,
                address: None,
                policy,
                retell_api_key: retell,
                vapi_secret: vapi,
                messaging: Default::default(),
                twilio_auth_token: None,
            },
        )
}

fn branch() -> impl Strategy<Value = BranchDef> {
    (
        small_name(),
        prop::option::weighted(0.2, time_zone()),
        prop::collection::vec(phone(), 0..2),
        prop::collection::vec(exception(), 0..2),
    )
        .prop_map(|(name, time_zone, phone_numbers, exceptions)| BranchDef {
            name,
            time_zone,
            address: None,
            phone_numbers,
            exceptions,
        })
}

fn staff() -> impl Strategy<Value = StaffDef> {
    (
        small_name(),
        prop::option::weighted(0.3, small_name()),
        any::<bool>(),
    )
        .prop_map(|(name, branch, active)| StaffDef {
            name,
            branch,
            active,
        })
}

fn service() -> impl Strategy<Value = ServiceDef> {
    (
        (
            mostly(
                prop::sample::select(vec!["surf", "yoga", "beratung"]).prop_map(str::to_string),
                any::<String>(),
            ),
            small_name(),
            prop::option::weighted(0.2, small_name()),
            mostly(1i32..=240, any::<i32>()),
            mostly(1i32..=20, any::<i32>()),
            mostly(0i32..=30, any::<i32>()),
            mostly(0i32..=30, any::<i32>()),
        ),
        (
            prop::collection::btree_map("[a-z]{1,8}", "[A-Za-z0-9]{1,8}", 0..2),
            schedule(),
            prop::collection::vec(exception(), 0..2),
            prop::collection::vec(small_name(), 0..2),
            any::<bool>(),
        ),
    )
        .prop_map(
            |(
                (code, name, branch, duration, capacity, before, after),
                (attributes, schedule, exceptions, staff, active),
            )| ServiceDef {
                code,
                name,
                branch,
                description: None,
                duration_minutes: duration,
                capacity,
                buffer_before_minutes: before,
                buffer_after_minutes: after,
                price_cents: None,
                currency: None,
                attributes,
                schedule,
                exceptions,
                staff,
                active,
            },
        )
}

fn member() -> impl Strategy<Value = MemberDef> {
    (
        prop::option::weighted(0.3, mostly(1i64..1_000_000_000, any::<i64>())),
        small_name(),
        prop::option::of(mostly(0i64..5, any::<i64>())),
    )
        .prop_map(|(id, name, max_active_bookings)| MemberDef {
            id,
            name,
            level: None,
            max_active_bookings,
            relationship: None,
            preferences: None,
        })
}

fn appointment() -> impl Strategy<Value = AppointmentDef> {
    (
        mostly(
            prop::sample::select(vec!["surf", "yoga", "beratung"]).prop_map(str::to_string),
            any::<String>(),
        ),
        mostly(
            prop::sample::select(vec!["tomorrow", "monday", "2026-12-01", "hoje"])
                .prop_map(str::to_string),
            any::<String>(),
        ),
        mostly(
            prop::sample::select(vec!["09:00", "10:30", "14h", "18:00"]).prop_map(str::to_string),
            any::<String>(),
        ),
        prop::option::weighted(0.3, small_name()),
    )
        .prop_map(|(service, date, time, member)| AppointmentDef {
            service,
            date,
            time,
            member,
        })
}

fn customer() -> impl Strategy<Value = CustomerDef> {
    (
        phone(),
        prop::option::of(small_name()),
        prop::collection::vec(member(), 0..3),
        prop::collection::vec(appointment(), 0..2),
    )
        .prop_map(|(phone, name, members, appointments)| CustomerDef {
            phone,
            name,
            email: None,
            has_linked_account: false,
            members,
            appointments,
        })
}

fn business_file() -> impl Strategy<Value = BusinessFile> {
    (
        company(),
        prop::collection::vec(branch(), 0..3),
        prop::collection::vec(staff(), 0..3),
        prop::collection::vec(service(), 0..4),
        prop::collection::vec(customer(), 0..3),
    )
        .prop_map(
            |(company, branches, staff, services, customers)| BusinessFile {
                company,
                branches,
                staff,
                services,
                customers,
                webhooks: Vec::new(),
            },
        )
}

/// Text edits that turn a valid file into a near-valid one.
#[derive(Debug, Clone)]
enum Edit {
    Delete(prop::sample::Index, usize),
    Insert(prop::sample::Index, String),
    Truncate(prop::sample::Index),
    Duplicate(prop::sample::Index, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<prop::sample::Index>(), 1usize..20).prop_map(|(i, n)| Edit::Delete(i, n)),
        (
            any::<prop::sample::Index>(),
            prop_oneof![
                any::<String>(),
                prop::sample::select(vec![
                    "\n",
                    "[",
                    "]",
                    "{",
                    "}",
                    "\"",
                    "'",
                    "=",
                    ":",
                    "- ",
                    "&a",
                    "*a",
                    "!!",
                    "#",
                    "\t",
                    "[[services]]\n",
                    "\n  - ",
                    "99999999999999999999999",
                    "-1",
                    "null",
                    "~",
                    "1e400",
                    "2026-02-30",
                    "\\u0000",
                ])
                .prop_map(str::to_string),
            ]
        )
            .prop_map(|(i, s)| Edit::Insert(i, s)),
        any::<prop::sample::Index>().prop_map(Edit::Truncate),
        (any::<prop::sample::Index>(), 1usize..200).prop_map(|(i, n)| Edit::Duplicate(i, n)),
    ]
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for e in edits {
        let len = chars.len().max(1);
        match e {
            Edit::Delete(at, n) => {
                let i = at.index(len).min(chars.len());
                let end = (i + n).min(chars.len());
                chars.drain(i..end);
            }
            Edit::Insert(at, s) => {
                let i = at.index(len + 1).min(chars.len());
                chars.splice(i..i, s.chars());
            }
            Edit::Truncate(at) => chars.truncate(at.index(len)),
            Edit::Duplicate(at, n) => {
                let i = at.index(len).min(chars.len());
                let end = (i + n).min(chars.len());
                let copy: Vec<char> = chars[i..end].to_vec();
                chars.splice(end..end, copy);
            }
        }
    }
    chars.into_iter().collect()
}

/// Nesting deep enough to overflow a naïve recursive parser's stack.
fn deeply_nested() -> impl Strategy<Value = (String, &'static str)> {
    (
        1usize..5_000,
        prop::sample::select(vec![
            ("a = ", "[", "]", "toml"),
            ("a = ", "{b = ", "}", "toml"),
            ("", "[", "]", "yaml"),
            ("", "{a: ", "}", "yaml"),
            ("", "- ", "", "yaml"),
            ("company: ", "[", "]", "yaml"),
        ]),
    )
        .prop_map(|(depth, (head, open, close, ext))| {
            (
                format!("{head}{}{}", open.repeat(depth), close.repeat(depth)),
                ext,
            )
        })
}

fn is_parse_refusal(e: &FileError) -> Result<(), TestCaseError> {
    match e {
        FileError::Parse { message, .. } => {
            prop_assert!(!message.trim().is_empty());
            Ok(())
        }
        other => Err(TestCaseError::fail(format!("not a parse error: {other:?}"))),
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

proptest! {
    #[test]
    fn arbitrary_text_never_panics(text in any::<String>(), ext in prop::sample::select(vec!["toml", "yaml", "yml"])) {
        if let Err(e) = BusinessFile::parse(&text, ext) {
            is_parse_refusal(&e)?;
        }
    }

    #[test]
    fn unknown_file_types_are_refused(text in any::<String>(), ext in "[a-z]{0,5}") {
        prop_assume!(!matches!(ext.as_str(), "toml" | "yaml" | "yml"));
        let refused = matches!(BusinessFile::parse(&text, &ext), Err(FileError::UnknownType { .. }));
        prop_assert!(refused, "{ext:?}");
    }

    #[test]
    fn edited_example_files_never_panic(edits in prop::collection::vec(edit(), 1..6)) {
        for (text, ext) in [(EXAMPLE_TOML, "toml"), (EXAMPLE_YAML, "yaml")] {
            let edited = apply(text, &edits);
            match BusinessFile::parse(&edited, ext) {
                // Whatever parses is then checked, without panicking either.
                Ok(file) => {
                    if let Err(e) = file.validate() {
                        prop_assert_eq!(e.code(), "INVALID_INPUT");
                    }
                }
                Err(e) => is_parse_refusal(&e)?,
            }
        }
    }

    /// Files written by the serialisers read back as they were; the same text edited
    /// never panics.
    #[test]
    fn written_files_read_back(file in business_file(), edits in prop::collection::vec(edit(), 0..4)) {
        if let Ok(toml_text) = toml::to_string(&file) {
            let back = BusinessFile::parse(&toml_text, "toml").map_err(|e| TestCaseError::fail(format!("{e}\n{toml_text}")))?;
            prop_assert_eq!(toml::to_string(&back).ok(), Some(toml_text.clone()));
            if let Err(e) = BusinessFile::parse(&apply(&toml_text, &edits), "toml") {
                is_parse_refusal(&e)?;
            }
        }
        let yaml_text = serde_yaml_ng::to_string(&file).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back = BusinessFile::parse(&yaml_text, "yaml").map_err(|e| TestCaseError::fail(format!("{e}\n{yaml_text}")))?;
        prop_assert_eq!(serde_yaml_ng::to_string(&back).ok(), Some(yaml_text.clone()));
        if let Err(e) = BusinessFile::parse(&apply(&yaml_text, &edits), "yaml") {
            is_parse_refusal(&e)?;
        }
    }
}

proptest! {
    // Deep documents are slow to build and to parse (the YAML parser is superlinear in the
    // depth of flow collections): fewer cases.
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn deep_nesting_is_refused_without_overflowing_the_stack(input in deeply_nested()) {
        let (text, ext) = input;
        if let Err(e) = BusinessFile::parse(&text, ext) {
            is_parse_refusal(&e)?;
        }
    }
}

#[test]
fn a_yaml_alias_bomb_is_refused_quickly() {
    let mut text = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names: Vec<char> = ('b'..='j').collect();
    let mut previous = 'a';
    for name in names {
        text.push_str(&format!(
            "{name}: &{name} [*{previous},*{previous},*{previous},*{previous},*{previous},*{previous},*{previous},*{previous},*{previous}]\n"
        ));
        previous = name;
    }
    let started = std::time::Instant::now();
    let parsed = BusinessFile::parse(&text, "yaml");
    assert!(parsed.is_err());
    assert!(
        started.elapsed() < std::time::Duration::from_secs(2),
        "took {:?}",
        started.elapsed()
    );
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

proptest! {
    #[test]
    fn validation_never_panics_and_names_the_field(file in business_file()) {
        if let Err(e) = file.validate() {
            // An input error that names its field (text with control or bidi characters is
            // `UnsafeText`, the rest `InvalidInput`).
            prop_assert!(
                matches!(e, EngineError::InvalidInput { .. } | EngineError::UnsafeText { .. }),
                "{e:?}"
            );
            prop_assert!(e.field().is_some(), "{e:?}");
            prop_assert!(!e.to_string().trim().is_empty());
        }
    }
}

/// Found by `files_that_validate_import_twice`: two members of one name passed `validate`, and
/// the import then stopped on the database's uniqueness rule after writing the company.
#[test]
fn a_customer_cannot_list_one_member_name_twice() {
    let text = r#"
[company]
slug = "a"
name = "A"
time_zone = "America/Sao_Paulo"
language = "pt-BR"
phone_region = "BR"

[[branches]]
name = "Main"

[[customers]]
phone = "+5511900000000"
members = [{ name = "North" }, { id = 2, name = "North" }]
"#;
    let file = BusinessFile::parse(text, "toml").expect("parses");
    match file.validate() {
        Err(EngineError::InvalidInput { field, message }) => {
            assert_eq!(field, "members.name");
            assert!(message.contains("North"), "{message}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// A file that validates imports without a fault, twice (the second time changes nothing),
/// on a fresh database: `validate` is the promise that a bad file is refused before anything
/// is written. Refusals that need the database (a member id another company holds) are
/// client errors, never faults.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_that_validate_import_twice() {
    let defaults = Config::default();
    let config = Config {
        cases: if std::env::var_os("PROPTEST_CASES").is_some() {
            defaults.cases
        } else {
            48
        },
        failure_persistence: None,
        ..defaults
    };
    let runtime = tokio::runtime::Handle::current();
    let outcome = tokio::task::spawn_blocking(move || {
        let mut runner = TestRunner::new(config);
        runner
            .run(&business_file(), |file| {
                if file.validate().is_err() {
                    return Ok(());
                }
                runtime.block_on(import_twice(&file))
            })
            .map_err(|e| match e {
                TestError::Fail(reason, file) => format!(
                    "{reason}\nminimal failing file:\n{}",
                    toml::to_string(&file).unwrap_or_else(|_| format!("{file:#?}"))
                ),
                TestError::Abort(reason) => format!("aborted: {reason}"),
            })
    })
    .await
    .expect("the runner thread");
    if let Err(failure) = outcome {
        panic!("{failure}");
    }
}

async fn import_twice(file: &BusinessFile) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("import.db").display());
    let store = frontdesk_store_sqlite::SqliteStore::connect(&url)
        .await
        .expect("store");
    let clock = Arc::new(FixedClock::new(
        "2026-11-20T12:00:00Z".parse().expect("instant"),
    ));
    let engine = Engine::with_clock(Arc::new(store), clock).with_secret_key([3u8; 32]);
    let first = engine
        .import_business(file)
        .await
        .map_err(|e| TestCaseError::fail(format!("first import: {e:?}")))?;
    let second = engine
        .import_business(file)
        .await
        .map_err(|e| TestCaseError::fail(format!("second import: {e:?}")))?;
    prop_assert_eq!(first.company.id, second.company.id);
    prop_assert_eq!(
        second.appointments_created,
        0,
        "the second import books nothing new"
    );
    let counts = |s: &frontdesk_engine::import::ImportSummary| {
        (s.branches, s.staff, s.services, s.customers, s.members)
    };
    prop_assert_eq!(counts(&first), counts(&second));

    // The business it made answers: availability for the coming week and the business
    // information, each an answer or a refusal, never a fault.
    let caller = Caller::anonymous(first.company.id, None);
    let mut week = AvailabilityQuery::on(jiff::civil::date(2026, 11, 21));
    week.to = jiff::civil::date(2026, 11, 27);
    week.include_full = true;
    if let Err(e) = engine.availability(&caller, &week).await {
        prop_assert!(e.is_client_error(), "availability: {e:?}");
    }
    if let Err(e) = engine.business_info(&caller).await {
        prop_assert!(e.is_client_error(), "business info: {e:?}");
    }
    Ok(())
}
