//! Outbound webhooks on every backend: endpoints are added (secret shown once, stored
//! encrypted), listed and removed; each booking change queues one event per live endpoint
//! subscribed to it, in the change's own transaction, and none for an unsubscribed or removed
//! endpoint; a failed message is announced as `message.failed` (a failed webhook event is not);
//! a `call_ended` queues `call.ended` once, with the bookings made during the call.

use frontdesk_engine::import::BusinessFile;
use frontdesk_engine::messages::{Attempt, RetryPolicy};
use frontdesk_engine::{BookingRef, Engine};
use frontdesk_store::{MessageQuery, MessageStatus, Notification};
use serde_json::json;
use tests_store::*;

tests_store::backend_tests!(
    endpoints_are_added_listed_and_removed,
    each_booking_change_queues_one_event_per_subscribed_endpoint,
    a_failed_message_is_announced_but_a_failed_event_is_not,
    a_call_ended_queues_call_ended_once_with_the_calls_bookings,
    a_business_file_adds_its_webhooks_once_and_an_inside_address_changes_nothing,
);

const KEY: [u8; 32] = [3u8; 32];
const MAX_PHONE: &str = "+4917012345678";

fn with_key(h: &Harness) -> Engine {
    h.engine.clone().with_secret_key(KEY)
}

fn events(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

/// The company's webhook rows, oldest first.
async fn webhook_rows(h: &Harness, company_id: i64) -> Vec<Notification> {
    let mut rows = h
        .store
        .list_messages(MessageQuery {
            company_id: Some(company_id),
            channel: Some("webhook".into()),
            limit: 1000,
            ..MessageQuery::default()
        })
        .await
        .expect("webhook rows");
    rows.reverse();
    rows
}

/// (event, endpoint id) of each row.
fn sent_to(rows: &[Notification]) -> Vec<(String, String)> {
    rows.iter()
        .map(|n| (n.kind.clone(), n.recipient.clone()))
        .collect()
}

async fn endpoints_are_added_listed_and_removed(h: Harness) {
    // Arrange
    let demo = h.demo().await;
    let engine = with_key(&h);

    // Act
    let all = engine
        .add_webhook(demo.askpro.id, "https://crm.example.com/hooks", &[], None)
        .await
        .expect("add");
    let some = engine
        .add_webhook(
            demo.askpro.id,
            "https://ops.example.com/in",
            &events(&["booking.created", "booking.cancelled", "booking.created"]),
            None,
        )
        .await
        .expect("add");
    let removed = engine
        .remove_webhook(all.endpoint.id)
        .await
        .expect("remove");
    let again = engine
        .remove_webhook(all.endpoint.id)
        .await
        .expect("remove twice");

    // Assert
    assert!(
        all.secret.starts_with("whsec_") && all.secret.len() > 30,
        "{}",
        all.secret
    );
    assert_ne!(all.secret, some.secret);
    assert_eq!(
        some.endpoint.events,
        events(&["booking.created", "booking.cancelled"])
    );
    let stored = engine.webhook(all.endpoint.id).await.expect("stored");
    assert!(
        stored.secret_enc.starts_with("v1:") && !stored.secret_enc.contains(&all.secret[6..]),
        "stored encrypted"
    );
    let listed = engine.webhooks(demo.askpro.id).await.expect("list");
    assert_eq!(
        listed.iter().map(|e| e.id).collect::<Vec<_>>(),
        [all.endpoint.id, some.endpoint.id]
    );
    assert!(removed.disabled_at.is_some());
    assert_eq!(
        again.disabled_at, removed.disabled_at,
        "the first removal time stays"
    );
    assert!(
        engine
            .webhooks(demo.beyond.id)
            .await
            .expect("list")
            .is_empty()
    );
    assert!(
        engine.test_webhook(all.endpoint.id).await.is_err(),
        "removed"
    );
    assert!(engine.remove_webhook(999_999).await.is_err());
    for (url, names) in [
        ("ftp://crm.example.com/hooks", vec![]),
        ("crm.example.com/hooks", vec![]),
        (
            "https://crm.example.com/hooks",
            events(&["booking.deleted"]),
        ),
    ] {
        assert!(
            engine
                .add_webhook(demo.askpro.id, url, &names, None)
                .await
                .is_err(),
            "{url} {names:?}"
        );
    }
    // Without the operator's key a secret cannot be stored.
    assert!(
        h.engine
            .add_webhook(demo.askpro.id, "https://crm.example.com/hooks", &[], None)
            .await
            .is_err()
    );
}

async fn each_booking_change_queues_one_event_per_subscribed_endpoint(h: Harness) {
    // Arrange: four endpoints of AskProAI: every event, bookings created only, calls only,
    // and one removed; and one of Beyond The Club.
    let demo = h.demo().await;
    let engine = with_key(&h);
    let add = |company_id: i64, url: &'static str, names: Vec<String>| {
        let engine = engine.clone();
        async move {
            engine
                .add_webhook(company_id, url, &names, None)
                .await
                .expect("add")
                .endpoint
                .id
                .to_string()
        }
    };
    // The catalogue is read (and cached) before any endpoint exists: adding one drops it.
    let identified = engine
        .identify(demo.askpro.id, MAX_PHONE)
        .await
        .expect("identify");
    let max = engine
        .register_caller(&identified.caller, "Max Mustermann")
        .await
        .expect("register");
    let every = add(demo.askpro.id, "https://crm.example.com/all", vec![]).await;
    let created_only = add(
        demo.askpro.id,
        "https://ops.example.com/created",
        events(&["booking.created"]),
    )
    .await;
    let calls_only = add(
        demo.askpro.id,
        "https://ops.example.com/calls",
        events(&["call.ended"]),
    )
    .await;
    let gone = add(demo.askpro.id, "https://old.example.com/hooks", vec![]).await;
    let _other = add(demo.beyond.id, "https://beyond.example.com/hooks", vec![]).await;
    engine
        .remove_webhook(gone.parse().expect("id"))
        .await
        .expect("remove");
    let tuesday = date(2026, 11, 24);

    // Act: book, move, cancel.
    let booked = engine
        .book(&max, book("Beratung", tuesday, time(10, 0)))
        .await
        .expect("book");
    let id = booked.booking.id;
    engine
        .reschedule(&max, move_to(BookingRef::Id(id), tuesday, time(11, 0)))
        .await
        .expect("move");
    engine
        .cancel(&max, &BookingRef::Id(id), Some("verreist".into()))
        .await
        .expect("cancel");

    // Assert
    let rows = webhook_rows(&h, demo.askpro.id).await;
    assert_eq!(
        sent_to(&rows),
        [
            ("booking.created".to_string(), every.clone()),
            ("booking.created".to_string(), created_only.clone()),
            ("booking.rescheduled".to_string(), every.clone()),
            ("booking.cancelled".to_string(), every.clone()),
        ]
    );
    assert!(
        !rows
            .iter()
            .any(|n| n.recipient == calls_only || n.recipient == gone)
    );
    assert!(webhook_rows(&h, demo.beyond.id).await.is_empty());
    for n in &rows {
        assert_eq!(n.booking_id, Some(id));
        assert_eq!(n.status, MessageStatus::Pending);
        let data = &n.payload;
        assert_eq!(data["booking_id"], json!(id), "filled in by the store");
        assert_eq!(
            data["confirmation_number"],
            json!(booked.booking.voucher_code)
        );
        assert_eq!(data["customer_phone"], json!(MAX_PHONE));
        assert_eq!(data["customer_name"], json!("Max Mustermann"));
        assert_eq!(data["service"], json!("Beratung"));
        assert_eq!(data["time_zone"], json!("Europe/Berlin"));
    }
    assert_eq!(rows[0].payload["starts_at"], json!("2026-11-24T09:00:00Z"));
    assert_eq!(rows[2].payload["starts_at"], json!("2026-11-24T10:00:00Z"));
    assert_eq!(rows[2].payload["previous_time"], json!("10:00"));
    assert_eq!(rows[3].payload["reason"], json!("verreist"));

    // A refused booking queues no event.
    let before = rows.len();
    let _ = engine
        .book(&max, book("Beratung", date(2026, 11, 20), time(3, 0)))
        .await;
    assert_eq!(webhook_rows(&h, demo.askpro.id).await.len(), before);
}

async fn a_failed_message_is_announced_but_a_failed_event_is_not(h: Harness) {
    // Arrange: a booking's SMS and its booking.created event, both to be tried once.
    let demo = h.demo().await;
    let engine = with_key(&h);
    let every = engine
        .add_webhook(demo.beyond.id, "https://crm.example.com/all", &[], None)
        .await
        .expect("add")
        .endpoint
        .id
        .to_string();
    engine
        .add_webhook(
            demo.beyond.id,
            "https://ops.example.com/created",
            &events(&["booking.created"]),
            None,
        )
        .await
        .expect("add");
    let mut req = book(
        "intermediario2-lado-esquerdo",
        date(2026, 11, 21),
        time(8, 0),
    );
    req.member_id = Some(RAFAEL_MEMBER);
    engine.book(&demo.rafael, req).await.expect("book");
    let once = RetryPolicy {
        max_attempts: 1,
        ..RetryPolicy::default()
    };
    let taken = engine
        .claim_messages(&["sms", "webhook"], std::time::Duration::from_secs(60), 100)
        .await
        .expect("claim");
    let sms = taken
        .iter()
        .find(|m| m.channel == "sms" && m.kind == "booking_confirmed")
        .expect("the confirmation");
    let event = taken
        .iter()
        .find(|m| m.channel == "webhook" && m.recipient == every)
        .expect("the event");

    // Act: both fail for good.
    engine
        .finish_attempt(
            sms,
            Attempt::Permanent("21211 invalid number".into()),
            &once,
        )
        .await
        .expect("sms failed");
    engine
        .finish_attempt(
            event,
            Attempt::Permanent("the endpoint answered 410".into()),
            &once,
        )
        .await
        .expect("event failed");

    // Assert: one message.failed, to the endpoint that wants every event.
    let announced: Vec<Notification> = webhook_rows(&h, demo.beyond.id)
        .await
        .into_iter()
        .filter(|n| n.kind == "message.failed")
        .collect();
    assert_eq!(announced.len(), 1, "{announced:?}");
    let failure = &announced[0];
    assert_eq!(failure.recipient, every);
    assert_eq!(failure.status, MessageStatus::Pending);
    assert_eq!(failure.payload["message_id"], json!(sms.id));
    assert_eq!(failure.payload["kind"], json!("booking_confirmed"));
    assert_eq!(failure.payload["channel"], json!("sms"));
    assert!(
        failure.payload["last_error"]
            .as_str()
            .unwrap_or("")
            .contains("21211"),
        "{failure:?}"
    );
    let recipient = failure.payload["recipient"].as_str().unwrap_or("");
    assert!(
        !recipient.contains(RAFAEL_PHONE),
        "the number is masked: {recipient}"
    );
}

async fn a_call_ended_queues_call_ended_once_with_the_calls_bookings(h: Harness) {
    // Arrange
    let demo = h.demo().await;
    let engine = with_key(&h);
    let calls = engine
        .add_webhook(
            demo.askpro.id,
            "https://crm.example.com/calls",
            &events(&["call.ended"]),
            None,
        )
        .await
        .expect("add")
        .endpoint
        .id
        .to_string();
    let call = json!({
        "call_id": "call_wh_1",
        "from_number": MAX_PHONE,
        "to_number": "+493083793369",
        "retell_llm_dynamic_variables": {
            "name": "Max Mustermann",
            "appointment_date": "2026-11-24",
            "appointment_time": "10:00",
            "service": "Beratung",
        },
    });

    // Act: Retell delivers call_ended twice.
    let first = engine
        .record_retell_event(demo.askpro.id, "call_ended", &call)
        .await
        .expect("recorded");
    let repeat = engine
        .record_retell_event(demo.askpro.id, "call_ended", &call)
        .await
        .expect("recorded again");

    // Assert
    assert!(first.booking_created && repeat.duplicate);
    let booking = first.booking.expect("booked from the call");
    let rows: Vec<Notification> = webhook_rows(&h, demo.askpro.id)
        .await
        .into_iter()
        .filter(|n| n.kind == "call.ended")
        .collect();
    assert_eq!(rows.len(), 1, "once, whatever the deliveries: {rows:?}");
    let data = &rows[0].payload;
    assert_eq!(rows[0].recipient, calls);
    assert_eq!(data["call_id"], json!("call_wh_1"));
    assert_eq!(data["from_number"], json!(MAX_PHONE));
    assert_eq!(
        data["bookings"],
        json!([{
            "booking_id": booking.id,
            "confirmation_number": booking.voucher_code,
            "status": "confirmed",
            "starts_at": "2026-11-24T09:00:00Z",
            "ends_at": booking.ends_at.to_string(),
        }])
    );
}

const FILE_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// A small business with two webhook endpoints, one with its own secret.
fn business_with_webhooks(slug: &str, second_url: &str) -> BusinessFile {
    let text = format!(
        r#"
[company]
slug = "{slug}"
name = "Hooked Practice"
time_zone = "Europe/Berlin"
language = "de-DE"
phone_region = "DE"

[[branches]]
name = "Mitte"

[[services]]
code = "beratung"
name = "Beratung"
duration_minutes = 30
schedule = {{ kind = "fixed_times", times = {{ daily = ["09:00"] }} }}

[[webhooks]]
url = "https://crm.example.com/frontdesk"

[[webhooks]]
url = "{second_url}"
events = ["booking.created", "booking.cancelled"]
secret = "{FILE_SECRET}"
"#
    );
    BusinessFile::parse(&text, "toml").expect("the file parses")
}

async fn a_business_file_adds_its_webhooks_once_and_an_inside_address_changes_nothing(h: Harness) {
    // Arrange
    let engine = with_key(&h);
    let file = business_with_webhooks("hooked", "https://ops.example.com/bookings");

    // Act: import twice.
    let first = engine.import_business(&file).await.expect("import");
    let again = engine.import_business(&file).await.expect("import again");

    // Assert
    assert_eq!(first.webhooks_added.len(), 2);
    assert!(first.webhooks_added[0].generated, "generated, shown once");
    assert!(!first.webhooks_added[1].generated, "the file's own");
    assert!(again.webhooks_added.is_empty(), "one endpoint per URL");
    let endpoints = engine.webhooks(first.company.id).await.expect("list");
    assert_eq!(endpoints.len(), 2);
    assert_eq!(
        endpoints[1].events,
        events(&["booking.created", "booking.cancelled"])
    );
    assert!(
        !endpoints[1].secret_enc.contains("MfKQ9r8G"),
        "stored encrypted"
    );
    let exported = engine
        .export_business(first.company.id)
        .await
        .expect("export")
        .to_text("toml")
        .expect("toml");
    assert!(
        !exported.contains("whsec_"),
        "no secret is exported:\n{exported}"
    );

    // A loopback or metadata endpoint refuses the whole file before anything is written.
    for (slug, url) in [
        ("hooked-2", "http://127.0.0.1:8080/hook"),
        ("hooked-3", "http://169.254.169.254/latest"),
    ] {
        let inside = business_with_webhooks(slug, url);
        assert!(engine.import_business(&inside).await.is_err(), "{url}");
        assert!(
            engine.company_by_slug(slug).await.is_err(),
            "{url}: nothing written"
        );
    }
}
