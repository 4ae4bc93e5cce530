//! `GET /ical/{token}.ics` over real HTTP: the feed's text and caching headers, 304 for an
//! unchanged feed, 404 for a revoked or unknown token, the company's own bookings only, and
//! a booking's `SEQUENCE` and `STATUS` following its reschedule and cancellation.

mod common;

use common::{TestApp, spawn_app_with_clock};
use frontdesk_domain::BookingSource;
use frontdesk_engine::calendar::FeedTarget;
use frontdesk_engine::{BookRequest, BookingRef, Caller, FixedClock, RescheduleRequest};
use frontdesk_server::ServerSettings;
use jiff::civil::{Date, Time, date};
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;

const ASKPRO: &str = "askproai-demo";
const BERLIN: &str = "Berlin Hauptfiliale";
const JOHN: &str = "+491234567890";
const RAFAEL: &str = "+5511999999999";

/// Friday 2026-11-20 12:00 UTC, as in the store stories.
async fn app() -> TestApp {
    let clock = Arc::new(FixedClock::new(
        "2026-11-20T12:00:00Z".parse().expect("instant"),
    ));
    spawn_app_with_clock(ServerSettings::default(), Some(clock)).await
}

async fn caller(app: &TestApp, company_id: i64, phone: &str) -> Caller {
    app.engine
        .identify(company_id, phone)
        .await
        .expect("identify")
        .caller
}

async fn book(app: &TestApp, who: &Caller, service: &str, on: Date, at: Time) -> (i64, String) {
    let mut req = BookRequest::new(on, at, BookingSource::Admin);
    req.service = Some(service.into());
    req.notify_customer = false;
    if who.company_id == app.beyond_id {
        req.member_id = Some(12345);
    }
    let booked = app.engine.book(who, req).await.expect("book").booking;
    (booked.id, booked.voucher_code)
}

fn time(h: i8, m: i8) -> Time {
    jiff::civil::time(h, m, 0, 0)
}

/// A new feed's path, `/ical/{token}.ics`.
async fn feed_path(app: &TestApp, target: FeedTarget<'_>) -> String {
    let created = app.engine.create_feed(ASKPRO, target).await.expect("feed");
    format!("/ical/{}.ics", created.token)
}

/// The unfolded content lines of each VEVENT, by UID.
fn events(text: &str) -> BTreeMap<String, Vec<String>> {
    let unfolded = text.replace("\r\n ", "");
    let mut out = BTreeMap::new();
    let mut current: Option<Vec<String>> = None;
    for line in unfolded.split("\r\n") {
        match line {
            "BEGIN:VEVENT" => current = Some(Vec::new()),
            "END:VEVENT" => {
                let lines = current.take().expect("BEGIN before END");
                let uid = lines
                    .iter()
                    .find_map(|l| l.strip_prefix("UID:"))
                    .expect("every event has a UID")
                    .to_string();
                out.insert(uid, lines);
            }
            other => {
                if let Some(lines) = current.as_mut() {
                    lines.push(other.to_string());
                }
            }
        }
    }
    out
}

fn has(event: &[String], line: &str) -> bool {
    event.iter().any(|l| l == line)
}

fn uid(id: i64) -> String {
    format!("booking-{id}@{ASKPRO}.frontdesk")
}

async fn get(app: &TestApp, path: &str, etag: Option<&str>) -> reqwest::Response {
    let mut request = app.client.get(app.url(path));
    if let Some(etag) = etag {
        request = request.header("if-none-match", etag);
    }
    request.send().await.expect("GET feed")
}

#[tokio::test]
async fn a_feed_is_text_calendar_with_an_etag_and_an_unchanged_one_answers_304() {
    // Arrange
    let app = app().await;
    let john = caller(&app, app.askpro_id, JOHN).await;
    let (id, code) = book(&app, &john, "beratung", date(2026, 11, 24), time(10, 0)).await;
    let path = feed_path(&app, FeedTarget::Branch(BERLIN)).await;

    // Act
    let first = get(&app, &path, None).await;

    // Assert
    assert_eq!(first.status(), 200);
    let header = |r: &reqwest::Response, name: &str| {
        r.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    assert_eq!(
        header(&first, "content-type").as_deref(),
        Some("text/calendar; charset=utf-8")
    );
    assert_eq!(
        header(&first, "cache-control").as_deref(),
        Some("private, max-age=300")
    );
    let etag = header(&first, "etag").expect("an ETag");
    assert!(
        etag.starts_with('"') && etag.ends_with('"'),
        "strong: {etag}"
    );
    let text = first.text().await.expect("body");
    assert!(text.starts_with("BEGIN:VCALENDAR\r\n") && text.ends_with("END:VCALENDAR\r\n"));
    assert!(text.contains("BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\n"));
    let event = &events(&text)[&uid(id)];
    assert!(
        has(event, "DTSTART;TZID=Europe/Berlin:20261124T100000"),
        "{event:#?}"
    );
    assert!(has(event, "DTEND;TZID=Europe/Berlin:20261124T110000"));
    assert!(has(event, "SUMMARY:Beratung – John Doe"));
    assert!(has(event, &format!("DESCRIPTION:Buchungscode: {code}")));
    assert!(has(event, "STATUS:CONFIRMED"));
    assert!(has(event, "SEQUENCE:0"));
    assert!(!text.contains(JOHN) && !text.contains("john.doe@example.com"));

    let again = get(&app, &path, Some(&etag)).await;
    assert_eq!(again.status(), 304);
    assert_eq!(header(&again, "etag"), Some(etag.clone()));
    assert_eq!(again.text().await.expect("body"), "");

    let other_tag = get(&app, &path, Some("\"something-else\"")).await;
    assert_eq!(other_tag.status(), 200);
}

#[tokio::test]
async fn a_revoked_or_unknown_feed_is_404_with_the_json_error_body() {
    // Arrange
    let app = app().await;
    let created = app
        .engine
        .create_feed(ASKPRO, FeedTarget::Staff("dr. smith"))
        .await
        .expect("feed");
    let path = format!("/ical/{}.ics", created.token);
    assert_eq!(get(&app, &path, None).await.status(), 200);

    // Act
    let revoked = app
        .engine
        .revoke_feed(created.feed.feed.id)
        .await
        .expect("revoke");
    let again = app
        .engine
        .revoke_feed(created.feed.feed.id)
        .await
        .expect("revoke twice");

    // Assert
    assert!(!revoked.already_revoked && again.already_revoked);
    assert_eq!(again.feed.revoked_at, revoked.feed.revoked_at);
    for path in [
        path.clone(),
        path.trim_end_matches(".ics").to_string(),
        "/ical/fd_ical_0000000000000000000000000000000000000000.ics".into(),
        "/ical/nothing.ics".into(),
    ] {
        let response = get(&app, &path, None).await;
        assert_eq!(response.status(), 404, "{path}");
        let body: Value = response.json().await.expect("JSON error body");
        assert_eq!(body["code"], "NOT_FOUND", "{path}");
        assert!(body["error"].is_string());
    }
}

#[tokio::test]
async fn a_feed_never_shows_another_companys_bookings() {
    // Arrange: both companies book; Beyond's booking is in São Paulo.
    let app = app().await;
    let john = caller(&app, app.askpro_id, JOHN).await;
    let rafael = caller(&app, app.beyond_id, RAFAEL).await;
    let (own, _) = book(&app, &john, "beratung", date(2026, 11, 24), time(10, 0)).await;
    let (_, theirs) = book(
        &app,
        &rafael,
        "intermediario2-lado-esquerdo",
        date(2026, 11, 22),
        time(8, 0),
    )
    .await;

    // Act
    for target in [FeedTarget::Branch(BERLIN), FeedTarget::Staff("Dr. Smith")] {
        let path = feed_path(&app, target).await;
        let text = get(&app, &path, None).await.text().await.expect("body");

        // Assert
        let found = events(&text);
        assert!(found.contains_key(&uid(own)), "{target:?}: {text}");
        assert!(
            found
                .keys()
                .all(|u| u.ends_with("@askproai-demo.frontdesk")),
            "{target:?}: {found:#?}"
        );
        assert!(!text.contains(&theirs), "{target:?}");
        assert!(!text.contains("Sao_Paulo"), "{target:?}");
    }
}

#[tokio::test]
async fn a_reschedule_raises_the_sequence_and_a_cancellation_shows_cancelled() {
    // Arrange
    let app = app().await;
    let john = caller(&app, app.askpro_id, JOHN).await;
    let (id, _) = book(&app, &john, "beratung", date(2026, 11, 24), time(10, 0)).await;
    let path = feed_path(&app, FeedTarget::Branch(BERLIN)).await;
    let before = get(&app, &path, None).await;
    let etag = before.headers()["etag"].to_str().expect("etag").to_string();

    // Act: move it, then cancel it.
    app.engine
        .reschedule(
            &john,
            RescheduleRequest {
                booking: BookingRef::Id(id),
                date: date(2026, 11, 25),
                time: time(11, 30),
                service_id: None,
                service: None,
                staff_id: None,
            },
        )
        .await
        .expect("reschedule");
    let moved = get(&app, &path, Some(&etag)).await;

    // Assert: the old ETag no longer matches; same UID, SEQUENCE 1, the new local time.
    assert_eq!(moved.status(), 200);
    let moved_etag = moved.headers()["etag"].to_str().expect("etag").to_string();
    assert_ne!(moved_etag, etag);
    let text = moved.text().await.expect("body");
    let event = &events(&text)[&uid(id)];
    assert!(has(event, "SEQUENCE:1"), "{event:#?}");
    assert!(has(event, "DTSTART;TZID=Europe/Berlin:20261125T113000"));
    assert!(has(event, "STATUS:CONFIRMED"));

    app.engine
        .cancel(&john, &BookingRef::Id(id), Some("verhindert".into()))
        .await
        .expect("cancel");
    let cancelled = get(&app, &path, Some(&moved_etag)).await;
    assert_eq!(cancelled.status(), 200);
    let text = cancelled.text().await.expect("body");
    let event = &events(&text)[&uid(id)];
    assert!(has(event, "STATUS:CANCELLED"), "{event:#?}");
    assert!(has(event, "SEQUENCE:2"));
    assert!(
        !text.contains("verhindert"),
        "the reason is the caller's, not the calendar's"
    );
}
