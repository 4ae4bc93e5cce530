//! Every spoken answer of every tool, in every shipped locale, as a person would hear it.
//!
//! Each locale gets the two demo businesses (Beyond The Club: sessions, members, quotas;
//! AskProAI Demo: appointments with staff, open hours, new callers) switched to that locale,
//! on its own SQLite database with the clock pinned, and one scripted conversation per business
//! that reaches each tool's outcomes. The transcript is a snapshot (`tests/snapshots/`): a
//! change in wording shows up as a diff to review, as text.

use frontdesk_conversation::{ToolAnswer, run_tool};
use frontdesk_engine::import::BusinessFile;
use frontdesk_engine::{Caller, Engine, FixedClock};
use frontdesk_store_sqlite::SqliteStore;
use serde_json::{Value, json};
use std::fmt::Write;
use std::sync::Arc;

const LOCALES: [&str; 5] = ["en-US", "pt-BR", "de-DE", "es-ES", "fr-FR"];

const BEYOND: &str = include_str!("../../../examples/beyond-the-club.toml");
const ASKPROAI: &str = include_str!("../../../examples/askproai-demo.yaml");

/// A Thursday at 13:00 in São Paulo (16:00 UTC, 17:00 in Berlin).
const NOW: &str = "2026-11-19T16:00:00Z";

struct Business {
    engine: Engine,
    company_id: i64,
    _dir: tempfile::TempDir,
}

async fn business(text: &str, ext: &str, tag: &str) -> Business {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("fd.db").display());
    let store = SqliteStore::connect(&url).await.expect("store");
    let clock = Arc::new(FixedClock::new(NOW.parse().expect("now")));
    let engine = Engine::with_clock(Arc::new(store), clock);
    let mut file = BusinessFile::parse(text, ext).expect("business file");
    file.company.language = tag.parse().expect("tag");
    let summary = engine.import_business(&file).await.expect("import");
    Business {
        engine,
        company_id: summary.company.id,
        _dir: dir,
    }
}

/// One conversation: each call's spoken text, under a heading naming the tool and outcome.
struct Transcript<'a> {
    business: &'a Business,
    caller: Caller,
    text: String,
    /// Voucher codes are random: each is written as the n-th code seen (`CODE-001`).
    codes: Vec<String>,
}

impl<'a> Transcript<'a> {
    async fn new(business: &'a Business, phone: &str) -> Transcript<'a> {
        let caller = business
            .engine
            .identify(business.company_id, phone)
            .await
            .expect("identify")
            .caller;
        Transcript {
            business,
            caller,
            text: String::new(),
            codes: Vec::new(),
        }
    }

    async fn call(&mut self, outcome: &str, tool: &str, args: Value) -> ToolAnswer {
        let answer = run_tool(&self.business.engine, &self.caller, tool, args.clone()).await;
        let code = answer.code().map(|c| format!(" [{c}]")).unwrap_or_default();
        let entry = format!(
            "## {tool}: {outcome}{code}\n{}\n> {}\n\n",
            visible(&args.to_string()),
            answer.text
        );
        let entry = self.stable_codes(entry);
        self.text.push_str(&entry);
        assert_eq!(
            answer
                .structured
                .get("message")
                .map(|m| m == &json!(answer.text)),
            answer.is_error.then_some(true),
            "an error's message is its spoken text: {}",
            answer.structured
        );
        assert_spoken(&answer.text);
        answer
    }
}

impl Transcript<'_> {
    /// Replaces each voucher code (`ABC-123`) by a stable stand-in, in order of appearance.
    fn stable_codes(&mut self, text: String) -> String {
        let chars: Vec<char> = text.chars().collect();
        let mut out = String::new();
        let mut i = 0;
        while i < chars.len() {
            let window = &chars[i..(i + 7).min(chars.len())];
            let candidate: String = window.iter().collect();
            let is_code = window.len() == 7
                && window[..3].iter().all(|c| c.is_ascii_uppercase())
                && window[3] == '-'
                && window[4..].iter().all(|c| c.is_ascii_digit())
                && (i == 0 || !chars[i - 1].is_alphanumeric());
            if is_code && candidate != "KRM-482" {
                let n = match self.codes.iter().position(|c| *c == candidate) {
                    Some(n) => n,
                    None => {
                        self.codes.push(candidate);
                        self.codes.len() - 1
                    }
                };
                let _ = write!(out, "CODE-{:03}", n + 1);
                i += 7;
            } else {
                out.push(chars[i]);
                i += 1;
            }
        }
        out
    }
}

/// Arguments as a reviewer can read them: control and bidi characters written as escapes.
fn visible(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{200E}'..='\u{200F}' | '\u{2066}'..='\u{2069}' | '\u{202A}'..='\u{202E}') {
                format!("\\u{{{:x}}}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Words for the ear: no markup, no emoji, no control or bidi characters, nothing left
/// unfilled by Fluent.
fn assert_spoken(text: &str) {
    assert!(!text.trim().is_empty(), "empty answer");
    for c in text.chars() {
        assert!(
            !c.is_control()
                && !matches!(c, '\u{200E}'..='\u{200F}' | '\u{2066}'..='\u{2069}' | '\u{202A}'..='\u{202E}'),
            "{c:?} in {text:?}"
        );
        assert!((c as u32) < 0x1F000, "emoji {c:?} in {text:?}");
    }
    for leftover in ["{ $", "{$", "**", "__", "Unknown variable"] {
        assert!(!text.contains(leftover), "{leftover:?} in {text:?}");
    }
}

fn first_slot(answer: &ToolAnswer) -> (String, String, String) {
    let slot = &answer.structured["slots"][0];
    (
        slot["date"].as_str().expect("date").to_string(),
        slot["time"].as_str().expect("time").to_string(),
        slot["service"].as_str().expect("service").to_string(),
    )
}

async fn beyond_transcript(tag: &str) -> String {
    let beyond = business(BEYOND, "toml", tag).await;
    let mut t = Transcript::new(&beyond, "+5511999999999").await;
    t.call("two members", "get_members", json!({})).await;
    t.call(
        "saved",
        "get_member_preferences",
        json!({"member_id": 12345}),
    )
    .await;
    t.call(
        "none yet",
        "get_member_preferences",
        json!({"member_id": 12346}),
    )
    .await;
    t.call(
        "saved",
        "set_member_preferences",
        json!({"member_id": 12346, "target_weekdays": ["saturday", "sunday"],
               "target_hours": ["09:00", "10:00"], "target_dates": ["2026-11-28"],
               "services": ["Iniciante2 · Lado direito"]}),
    )
    .await;
    t.call(
        "cleared",
        "set_member_preferences",
        json!({"member_id": 12346, "target_weekdays": [], "target_hours": [],
               "target_dates": [], "services": []}),
    )
    .await;
    let slots = t
        .call(
            "one service",
            "get_availability",
            json!({"date": "tomorrow", "level": "Intermediario2", "wave_side": "Lado_esquerdo"}),
        )
        .await;
    t.call(
        "several services",
        "get_availability",
        json!({"date": "tomorrow"}),
    )
    .await;
    t.call(
        "ranked",
        "get_availability",
        json!({"date": "tomorrow", "member_id": 12345}),
    )
    .await;
    t.call(
        "a range",
        "get_availability",
        json!({"date_from": "2026-11-20", "date_to": "2026-11-21", "level": "Avançado2"}),
    )
    .await;
    t.call(
        "a weekday word",
        "get_availability",
        json!({"date": "saturday", "level": "Avançado2", "wave_side": "Lado_direito"}),
    )
    .await;
    t.call(
        "range too long",
        "get_availability",
        json!({"date_from": "2026-11-20", "date_to": "2027-02-20"}),
    )
    .await;
    t.call(
        "a day that passed",
        "get_availability",
        json!({"date": "2026-11-18"}),
    )
    .await;
    t.call(
        "unreadable date",
        "get_availability",
        json!({"date": "someday"}),
    )
    .await;

    let (date, time, service) = first_slot(&slots);
    let book = json!({"member_id": 12345, "service": service, "date": date, "time": time,
                      "idempotency_key": "golden-1"});
    let booked = t.call("booked", "book_session", book.clone()).await;
    t.call("replayed", "book_session", book).await;
    let code = booked.structured["booking"]["voucher_code"]
        .as_str()
        .expect("voucher")
        .to_string();
    t.call(
        "quota reached",
        "book_session",
        json!({"member_id": 12345, "service": service, "date": "2026-11-27", "time": time}),
    )
    .await;
    t.call(
        "which member",
        "book_session",
        json!({"service": service, "date": date, "time": time}),
    )
    .await;
    t.call(
        "no such member",
        "book_session",
        json!({"member_id": 999, "service": service, "date": date, "time": time}),
    )
    .await;
    t.call(
        "no such slot",
        "book_session",
        json!({"member_id": 12346, "service": service, "date": date, "time": "03:00"}),
    )
    .await;
    t.call(
        "started already",
        "book_session",
        json!({"member_id": 12346, "service": service, "date": "2026-11-19", "time": "08:00"}),
    )
    .await;
    t.call(
        "too far ahead",
        "book_session",
        json!({"member_id": 12346, "service": service, "date": "2027-03-20", "time": time}),
    )
    .await;
    t.call(
        "missing date",
        "book_session",
        json!({"member_id": 12346, "time": time}),
    )
    .await;
    t.call(
        "invalid time",
        "book_session",
        json!({"member_id": 12346, "service": service, "date": date, "time": "noonish"}),
    )
    .await;
    t.call("upcoming", "get_bookings", json!({})).await;
    t.call(
        "none cancelled",
        "get_bookings",
        json!({"status": "cancelled"}),
    )
    .await;
    t.call(
        "moved",
        "reschedule_booking",
        json!({"voucher_code": code, "new_date": "2026-11-21", "new_time": time}),
    )
    .await;
    t.call(
        "unchanged",
        "reschedule_booking",
        json!({"voucher_code": code, "new_date": "2026-11-21", "new_time": time}),
    )
    .await;
    t.call(
        "no such booking",
        "cancel_booking",
        json!({"voucher_code": "ZZZ-999"}),
    )
    .await;
    t.call(
        "cancelled late, no refund",
        "cancel_booking",
        json!({"voucher_code": code, "reason": "sick"}),
    )
    .await;
    t.call(
        "already cancelled",
        "cancel_booking",
        json!({"voucher_code": code}),
    )
    .await;
    t.call(
        "not active",
        "reschedule_booking",
        json!({"voucher_code": code, "new_date": "2026-11-28", "new_time": time}),
    )
    .await;
    t.call("all", "get_bookings", json!({"status": "all"}))
        .await;
    t.call("with holidays", "get_business_info", json!({}))
        .await;
    t.call("unknown tool", "book_everything", json!({})).await;
    t.call("arguments not an object", "get_bookings", json!([1]))
        .await;
    t.call(
        "text with a bidi mark",
        "set_member_preferences",
        json!({"member_id": 12345, "notes": "a\u{202E}b"}),
    )
    .await;

    let mut stranger = Transcript::new(&beyond, "+5511988887777").await;
    stranger
        .call("unknown caller", "get_members", json!({}))
        .await;
    stranger
        .call(
            "customers only",
            "book_session",
            json!({"name": "Ana Souza", "service": service, "date": date, "time": time}),
        )
        .await;
    let mut all = t.text;
    all.push_str(&stranger.text);
    all
}

async fn askproai_transcript(tag: &str) -> String {
    let practice = business(ASKPROAI, "yaml", tag).await;
    let mut t = Transcript::new(&practice, "+491234567890").await;
    t.call("open hours", "get_business_info", json!({})).await;
    t.call(
        "closed day, next free",
        "get_availability",
        json!({"date": "2026-11-21", "service": "Beratung"}),
    )
    .await;
    t.call(
        "nothing in a range",
        "get_availability",
        json!({"date_from": "2026-11-21", "date_to": "2026-11-22"}),
    )
    .await;
    let slots = t
        .call(
            "appointments",
            "get_availability",
            json!({"date": "2026-11-23", "service": "Beratung"}),
        )
        .await;
    let (date, time, service) = first_slot(&slots);
    t.call(
        "which service",
        "book_session",
        json!({"date": date, "time": time}),
    )
    .await;
    let booked = t
        .call(
            "booked with staff",
            "book_session",
            json!({"service": service, "date": date, "time": time}),
        )
        .await;
    let code = booked.structured["booking"]["voucher_code"]
        .as_str()
        .expect("voucher")
        .to_string();
    t.call(
        "slot taken",
        "book_session",
        json!({"service": service, "date": date, "time": time}),
    )
    .await;
    t.call(
        "cancelled free",
        "cancel_booking",
        json!({"voucher_code": code}),
    )
    .await;
    t.call("upcoming", "get_bookings", json!({})).await;

    let mut newcomer = Transcript::new(&practice, "+491701234567").await;
    newcomer
        .call(
            "needs a name",
            "book_session",
            json!({"service": service, "date": date, "time": "15:00"}),
        )
        .await;
    newcomer
        .call(
            "registered and booked",
            "book_session",
            json!({"name": "Erika Mustermann", "service": service, "date": date, "time": "15:00"}),
        )
        .await;

    // The waitlist: a full slot, a place held and confirmed, joining and leaving.
    let again = t
        .call(
            "booked again",
            "book_session",
            json!({"service": service, "date": date, "time": time}),
        )
        .await;
    let code = again.structured["booking"]["voucher_code"]
        .as_str()
        .expect("voucher")
        .to_string();
    let slot = json!({"service": service, "date": date, "time_from": time, "time_to": time,
                      "auto_book": false});
    newcomer
        .call("joined, offer first", "join_waitlist", slot.clone())
        .await;
    newcomer
        .call("already waiting", "join_waitlist", slot)
        .await;
    newcomer.call("waiting", "get_waitlist", json!({})).await;
    t.call(
        "cancelled, the place goes to the waitlist",
        "cancel_booking",
        json!({"voucher_code": code}),
    )
    .await;
    let offered = newcomer
        .call("a place held", "get_waitlist", json!({}))
        .await;
    newcomer
        .call("with a held place", "get_bookings", json!({}))
        .await;
    newcomer
        .call(
            "held place confirmed",
            "book_session",
            json!({"service": service, "date": date, "time": time}),
        )
        .await;
    let entry_id = offered.structured["entries"][0]["entry_id"].clone();
    newcomer
        .call(
            "no longer waiting",
            "leave_waitlist",
            json!({"entry_id": entry_id}),
        )
        .await;
    newcomer
        .call(
            "a place is free",
            "join_waitlist",
            json!({"service": service, "date": "2026-11-24"}),
        )
        .await;
    newcomer
        .call(
            "already booked",
            "join_waitlist",
            json!({"service": service, "date": date, "time_from": "15:00", "time_to": "15:00"}),
        )
        .await;
    let joined = t
        .call(
            "joined, auto-book",
            "join_waitlist",
            json!({"service": service, "date": date, "time_from": time, "time_to": time}),
        )
        .await;
    t.call(
        "left",
        "leave_waitlist",
        json!({"entry_id": joined.structured["entry"]["entry_id"]}),
    )
    .await;
    t.call("none", "get_waitlist", json!({})).await;
    t.call(
        "no such entry",
        "leave_waitlist",
        json!({"entry_id": 999999}),
    )
    .await;
    let mut all = t.text;
    all.push_str(&newcomer.text);
    all
}

#[tokio::test]
async fn every_answer_in_every_locale() {
    for tag in LOCALES {
        let text = beyond_transcript(tag).await;
        insta::assert_snapshot!(format!("sessions-{tag}"), text);
        let text = askproai_transcript(tag).await;
        insta::assert_snapshot!(format!("appointments-{tag}"), text);
    }
}

/// A business speaking a language frontdesk does not ship is answered in the nearest one.
#[tokio::test]
async fn a_regional_tag_falls_back_by_language() {
    for (tag, expected) in [
        ("es-MX", "es-ES"),
        ("pt-PT", "pt-BR"),
        ("en-GB", "en-US"),
        ("fr-CA", "fr-FR"),
        ("ja-JP", "en-US"),
    ] {
        let near = business(BEYOND, "toml", tag).await;
        let shipped = business(BEYOND, "toml", expected).await;
        let a = run_tool(
            &near.engine,
            &Transcript::new(&near, "+5511999999999").await.caller,
            "get_members",
            json!({}),
        )
        .await;
        let b = run_tool(
            &shipped.engine,
            &Transcript::new(&shipped, "+5511999999999").await.caller,
            "get_members",
            json!({}),
        )
        .await;
        assert_eq!(a.text, b.text, "{tag} → {expected}");
    }
}

/// Weekdays a caller names in the business's language are understood and kept.
#[tokio::test]
async fn preferred_weekdays_in_the_business_language() {
    for (tag, days, spoken) in [
        ("fr-FR", ["samedi", "Dimanche"], "jours samedi ou dimanche"),
        ("es-ES", ["sábado", "domingo"], "días sábado o domingo"),
        (
            "de-DE",
            ["Samstag", "so"],
            "Wochentage Samstag oder Sonntag",
        ),
    ] {
        let beyond = business(BEYOND, "toml", tag).await;
        let t = Transcript::new(&beyond, "+5511999999999").await;
        let answer = run_tool(
            &beyond.engine,
            &t.caller,
            "set_member_preferences",
            json!({"member_id": 12346, "target_weekdays": days}),
        )
        .await;
        assert!(!answer.is_error, "{tag}: {}", answer.text);
        assert_eq!(
            answer.structured["preferences"]["target_weekdays"],
            json!(["saturday", "sunday"]),
            "{tag}"
        );
        assert!(answer.text.contains(spoken), "{tag}: {}", answer.text);
    }
}
