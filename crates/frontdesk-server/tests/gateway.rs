//! The JSON-RPC gateway (`POST /api/mcp/gateway`) and its health (`GET /api/mcp/health`) over
//! real HTTP on a random port, with the demo businesses and the engine's clock pinned to
//! Friday 2026-11-20 12:00 UTC (13:00 in Berlin). John Doe (+491234567890) of AskProAI Demo
//! holds a Beratung with Dr. Smith on Monday 2026-11-23 at 14:00.

mod common;

use common::{TestApp, spawn_app_with_clock};
use frontdesk_engine::{Clock, FixedClock};
use frontdesk_server::ServerSettings;
use frontdesk_store::Notification;
use serde_json::{Value, json};
use std::sync::Arc;

const JOHN: &str = "+491234567890";
const NOW: &str = "2026-11-20T12:00:00Z";

struct Gateway {
    app: TestApp,
    clock: Arc<FixedClock>,
    /// A gateway token of AskProAI Demo.
    token: String,
}

async fn gateway_with(settings: ServerSettings) -> Gateway {
    let clock = Arc::new(FixedClock::new(NOW.parse().expect("instant")));
    let app = spawn_app_with_clock(settings, Some(clock.clone() as Arc<dyn Clock>)).await;
    let token = app.gateway_token(app.askpro_id).await;
    Gateway { app, clock, token }
}

async fn gateway() -> Gateway {
    gateway_with(ServerSettings::default()).await
}

fn request(method: &str, params: Value, id: &str) -> Value {
    json!({ "jsonrpc": "2.0", "method": method, "params": params, "id": id })
}

impl Gateway {
    /// One call with the AskProAI token; asserts HTTP 200 and the rate-limit headers.
    async fn call(&self, method: &str, params: Value) -> Value {
        self.call_with(&self.token, method, params).await
    }

    async fn call_with(&self, token: &str, method: &str, params: Value) -> Value {
        let response = self
            .app
            .gateway(token, &request(method, params, "req_1"))
            .await;
        assert_eq!(response.status(), 200, "{method}");
        assert_rate_headers(&response);
        let body: Value = response.json().await.expect("json");
        assert_eq!(body["jsonrpc"], "2.0");
        assert_eq!(body["id"], "req_1");
        body
    }

    /// The result of a call that must succeed.
    async fn result(&self, method: &str, params: Value) -> Value {
        let body = self.call(method, params).await;
        assert!(body.get("error").is_none(), "{method} failed: {body}");
        body["result"].clone()
    }

    /// The error of a call that must fail.
    async fn error(&self, method: &str, params: Value) -> Value {
        let body = self.call(method, params).await;
        assert!(
            body.get("result").is_none(),
            "{method} should have failed: {body}"
        );
        body["error"].clone()
    }

    async fn johns_appointment(&self) -> Value {
        let found = self
            .result(
                "appointment_mgmt.findAppointments",
                json!({ "phone": JOHN, "upcoming_only": true }),
            )
            .await;
        found["appointments"][0].clone()
    }

    async fn outbox(&self) -> Vec<Notification> {
        self.app
            .engine
            .store()
            .list_pending_notifications(Some(self.app.askpro_id), 100)
            .await
            .expect("outbox")
    }
}

fn assert_rate_headers(response: &reqwest::Response) {
    for name in [
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-reset",
    ] {
        let value = response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("{name} missing"));
        assert!(value.parse::<u64>().is_ok(), "{name}: {value}");
    }
}

fn header(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

// ---- appointment_mgmt -----------------------------------------------------------------------

#[tokio::test]
async fn find_appointments_answers_in_the_documented_shape() {
    let gw = gateway().await;

    let result = gw
        .result(
            "appointment_mgmt.findAppointments",
            json!({ "phone": JOHN, "upcoming_only": true }),
        )
        .await;

    assert_eq!(result["customer_name"], "John Doe");
    let appointments = result["appointments"].as_array().expect("appointments");
    assert_eq!(appointments.len(), 1);
    let a = &appointments[0];
    assert!(a["id"].is_i64());
    assert_eq!(a["date"], "2026-11-23");
    assert_eq!(a["time"], "14:00");
    assert_eq!(a["service"], "Beratung");
    assert_eq!(a["duration"], 60);
    assert_eq!(a["branch"], "Berlin Hauptfiliale");
    assert_eq!(a["staff"], "Dr. Smith");
}

#[tokio::test]
async fn find_appointments_of_an_unknown_number_is_an_empty_list() {
    let gw = gateway().await;

    let result = gw
        .result(
            "appointment_mgmt.findAppointments",
            json!({ "phone": "+4915100000000" }),
        )
        .await;

    assert_eq!(result, json!({ "appointments": [], "customer_name": null }));
}

#[tokio::test]
async fn reschedule_moves_the_appointment_and_queues_a_confirmation() {
    let gw = gateway().await;
    let id = gw.johns_appointment().await["id"].clone();

    let result = gw
        .result(
            "appointment_mgmt.rescheduleAppointment",
            json!({ "appointment_id": id, "phone": JOHN, "new_date": "2026-11-24", "new_time": "15:00" }),
        )
        .await;

    assert_eq!(
        result,
        json!({
            "success": true,
            "appointment": {
                "id": id,
                "old_datetime": "2026-11-23 14:00",
                "new_datetime": "2026-11-24 15:00",
                "confirmation_sent": true,
            },
        })
    );
    let now = gw.johns_appointment().await;
    assert_eq!(
        (now["id"].clone(), now["date"].clone(), now["time"].clone()),
        (id.clone(), json!("2026-11-24"), json!("15:00"))
    );
    let outbox = gw.outbox().await;
    // One text to his phone, one e-mail to his address (the demo knows it).
    let sent: Vec<&Notification> = outbox
        .iter()
        .filter(|n| n.kind == "booking_rescheduled" && n.channel == "sms")
        .collect();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        outbox
            .iter()
            .filter(|n| n.kind == "booking_rescheduled" && n.channel == "email")
            .map(|n| n.recipient.as_str())
            .collect::<Vec<_>>(),
        ["john.doe@example.com"]
    );
    assert_eq!(
        (sent[0].channel.as_str(), sent[0].recipient.as_str()),
        ("sms", JOHN)
    );
    assert_eq!(sent[0].booking_id, id.as_i64());
    assert_eq!(sent[0].payload["date"], "2026-11-24");
    assert_eq!(sent[0].payload["previous_date"], "2026-11-23");
}

#[tokio::test]
async fn cancel_ahead_of_the_free_cancellation_hours_is_refundable() {
    let gw = gateway().await;
    let id = gw.johns_appointment().await["id"].clone();

    let result = gw
        .result(
            "appointment_mgmt.cancelAppointment",
            json!({ "appointment_id": id, "phone": JOHN, "reason": "Schedule conflict" }),
        )
        .await;

    assert_eq!(result["success"], true);
    assert_eq!(result["message"], "Appointment cancelled successfully");
    assert_eq!(
        result["refund_applicable"], true,
        "73 hours ahead, 24 are free"
    );
    assert_eq!(result["confirmation_sent"], true);
    let found = gw
        .result(
            "appointment_mgmt.findAppointments",
            json!({ "phone": JOHN }),
        )
        .await;
    assert_eq!(found["appointments"], json!([]));
    let outbox = gw.outbox().await;
    let cancelled: Vec<&Notification> = outbox
        .iter()
        .filter(|n| n.kind == "booking_cancelled" && n.channel == "sms")
        .collect();
    assert_eq!(cancelled.len(), 1);
    assert_eq!(cancelled[0].payload["refund_applicable"], true);
    assert_eq!(cancelled[0].payload["reason"], "Schedule conflict");

    // Cancelling again changes nothing and queues nothing.
    let again = gw
        .result(
            "appointment_mgmt.cancelAppointment",
            json!({ "appointment_id": id, "phone": JOHN }),
        )
        .await;
    assert_eq!(again["message"], "Appointment was already cancelled");
    assert_eq!(again["confirmation_sent"], false);
    assert_eq!(
        gw.outbox()
            .await
            .iter()
            .filter(|n| n.kind == "booking_cancelled")
            .count(),
        2,
        "the first cancel's text and e-mail, nothing more"
    );
}

#[tokio::test]
async fn cancel_within_the_free_cancellation_hours_is_not_refundable() {
    let gw = gateway().await;
    let id = gw.johns_appointment().await["id"].clone();
    // Monday 10:00 in Berlin: the appointment starts in four hours.
    gw.clock
        .set("2026-11-23T09:00:00Z".parse().expect("instant"));

    let result = gw
        .result(
            "appointment_mgmt.cancelAppointment",
            json!({ "appointment_id": id, "phone": JOHN }),
        )
        .await;

    assert_eq!(result["success"], true);
    assert_eq!(result["refund_applicable"], false);
}

#[tokio::test]
async fn create_appointment_registers_a_new_caller_books_and_queues_the_confirmation() {
    let gw = gateway().await;

    let result = gw
        .result(
            "appointment_mgmt.createAppointment",
            json!({
                "name": "Erika Mustermann", "phone": "0151 23456789", "service": "Support",
                "date": "2026-11-24", "time": "10:30", "staff": "Dr. Smith", "notes": "first visit",
            }),
        )
        .await;

    assert_eq!(result["success"], true);
    assert_eq!(result["confirmation_sent"], true);
    let a = &result["appointment"];
    assert!(a["id"].is_i64());
    assert_eq!(
        (a["date"].clone(), a["time"].clone()),
        (json!("2026-11-24"), json!("10:30"))
    );
    assert_eq!(
        (a["service"].clone(), a["duration"].clone()),
        (json!("Support"), json!(30))
    );
    assert_eq!(
        (a["branch"].clone(), a["staff"].clone()),
        (json!("Berlin Hauptfiliale"), json!("Dr. Smith"))
    );
    let voucher = a["confirmation_number"]
        .as_str()
        .expect("confirmation number");
    assert_eq!(voucher.len(), 7, "{voucher}");

    let found = gw
        .result(
            "appointment_mgmt.findAppointments",
            json!({ "phone": "+4915123456789" }),
        )
        .await;
    assert_eq!(found["customer_name"], "Erika Mustermann");
    assert_eq!(found["appointments"][0]["id"], a["id"]);
    let outbox = gw.outbox().await;
    let confirmed: Vec<&Notification> = outbox
        .iter()
        .filter(|n| n.kind == "booking_confirmed")
        .collect();
    assert_eq!(confirmed.len(), 1);
    assert_eq!(confirmed[0].recipient, "+4915123456789");
    assert_eq!(confirmed[0].payload["confirmation_number"], voucher);
}

#[tokio::test]
async fn create_appointment_for_an_unknown_caller_follows_the_company_policy() {
    let gw = gateway().await;
    let beyond = gw.app.gateway_token(gw.app.beyond_id).await;

    let body = gw
        .call_with(
            &beyond,
            "appointment_mgmt.createAppointment",
            json!({
                "name": "Ana Souza", "phone": "+5511988887777", "service": "Iniciante1 · Lado esquerdo",
                "date": "2026-11-21", "time": "13:00",
            }),
        )
        .await;

    assert_eq!(body["error"]["code"], -32000);
    assert_eq!(body["error"]["data"]["code"], "UNKNOWN_CALLER");
    assert!(
        gw.app
            .engine
            .store()
            .find_customer_by_phone(gw.app.beyond_id, "+5511988887777")
            .await
            .is_err()
    );
}

#[tokio::test]
async fn a_full_slot_is_an_application_error_with_alternatives() {
    let gw = gateway().await;

    let error = gw
        .error(
            "appointment_mgmt.createAppointment",
            json!({ "name": "Erika Mustermann", "phone": "+4915123456789", "service": "Beratung", "date": "2026-11-23", "time": "14:00" }),
        )
        .await;

    assert_eq!(error["code"], -32000);
    assert_eq!(error["message"], "Server error");
    assert_eq!(error["data"]["code"], "SLOT_FULL");
    let details = error["data"]["details"].as_str().expect("details");
    assert!(details.contains("available instead"), "{details}");
}

#[tokio::test]
async fn check_availability_lists_the_free_slots_of_a_day() {
    let gw = gateway().await;

    let day = gw
        .result(
            "appointment_mgmt.checkAvailability",
            json!({ "date": "2026-11-23", "service": "Beratung" }),
        )
        .await;

    assert_eq!(day["available"], true);
    assert_eq!(day["time_zone"], "Europe/Berlin");
    let slots = day["slots"].as_array().expect("slots");
    assert_eq!(
        slots[0],
        json!({ "date": "2026-11-23", "time": "09:00", "service": "Beratung", "duration": 60, "staff": ["Dr. Smith"], "available_spots": 1 })
    );
    // John's appointment (14:00-15:00) blocks Dr. Smith from 13:30 to 14:30.
    let times: Vec<&str> = slots.iter().filter_map(|s| s["time"].as_str()).collect();
    for taken in ["13:30", "14:00", "14:30"] {
        assert!(!times.contains(&taken), "{taken} is taken: {times:?}");
    }

    let at_two = gw
        .result(
            "appointment_mgmt.checkAvailability",
            json!({ "date": "2026-11-23", "time": "14:00", "service": "Beratung" }),
        )
        .await;
    assert_eq!(at_two["available"], false);

    let range = gw
        .result(
            "appointment_mgmt.checkAvailability",
            json!({ "date_from": "2026-11-21", "date_to": "2026-11-22", "service": "Beratung" }),
        )
        .await;
    assert_eq!(range["available"], false, "closed at the weekend");
    assert_eq!(range["next_available"]["date"], "2026-11-23");
}

#[tokio::test]
async fn check_availability_for_a_taken_time_offers_the_nearest_free_times() {
    let gw = gateway().await;

    // John's appointment takes Dr. Smith at 14:00 on Monday; the hours around it are free.
    let taken = gw
        .result(
            "appointment_mgmt.checkAvailability",
            json!({ "date": "2026-11-23", "time": "14:00", "service": "Beratung" }),
        )
        .await;
    let off_schedule = gw
        .result(
            "appointment_mgmt.checkAvailability",
            json!({ "date": "2026-11-23", "time": "14:10", "service": "Beratung" }),
        )
        .await;
    let free = gw
        .result(
            "appointment_mgmt.checkAvailability",
            json!({ "date": "2026-11-23", "time": "09:00", "service": "Beratung" }),
        )
        .await;

    assert_eq!(taken["available"], false);
    assert_eq!(taken["slots"], json!([]));
    let alternatives = taken["alternatives"].as_array().expect("alternatives");
    let offered: Vec<(&str, &str)> = alternatives
        .iter()
        .map(|a| {
            (
                a["date"].as_str().unwrap_or(""),
                a["time"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        offered[..2],
        [("2026-11-23", "13:00"), ("2026-11-23", "15:00")],
        "{taken}"
    );
    assert_eq!(alternatives.len(), 3, "{taken}");
    assert_eq!(
        alternatives[0],
        json!({ "date": "2026-11-23", "time": "13:00", "service": "Beratung", "duration": 60, "staff": ["Dr. Smith"], "available_spots": 1 })
    );
    // A time off the schedule gets the nearest: 15:00 is 50 minutes away, 13:00 is 70.
    assert_eq!(off_schedule["available"], false);
    assert_eq!(
        off_schedule["alternatives"][0]["time"], "15:00",
        "{off_schedule}"
    );
    assert_eq!(
        off_schedule["alternatives"][1]["time"], "13:00",
        "{off_schedule}"
    );
    // A free time needs no alternatives.
    assert_eq!(free["available"], true);
    assert_eq!(free["alternatives"], json!([]));
}

#[tokio::test]
async fn a_caller_on_the_waitlist_by_phone_gets_the_appointment_freed_by_another() {
    let gw = gateway().await;
    // Erika becomes a customer with an appointment on Tuesday.
    gw.result(
        "appointment_mgmt.createAppointment",
        json!({ "name": "Erika Mustermann", "phone": "+4915123456789", "service": "Beratung",
                "date": "2026-11-24", "time": "10:00" }),
    )
    .await;

    // Monday 14:00 is John's: Erika joins its waitlist.
    let wait = json!({ "phone": "+4915123456789", "service": "Beratung",
                       "date": "2026-11-23", "time_from": "14:00", "time_to": "14:00" });
    let joined = gw
        .result("appointment_mgmt.joinWaitlist", wait.clone())
        .await;
    assert_eq!(joined["success"], true);
    assert_eq!(joined["already_waiting"], false);
    assert_eq!(joined["entry"]["status"], "waiting");
    assert_eq!(joined["entry"]["position"], 1);
    let again = gw.result("appointment_mgmt.joinWaitlist", wait).await;
    assert_eq!(again["already_waiting"], true);
    assert_eq!(again["entry"]["entry_id"], joined["entry"]["entry_id"]);
    let listed = gw
        .result(
            "appointment_mgmt.findWaitlist",
            json!({ "phone": "+4915123456789" }),
        )
        .await;
    assert_eq!(listed["entries"].as_array().map(Vec::len), Some(1));

    // A free time is booked, not waited for; an unknown number cannot wait.
    let free = gw
        .error(
            "appointment_mgmt.joinWaitlist",
            json!({ "phone": "+4915123456789", "service": "Beratung", "date": "2026-11-25" }),
        )
        .await;
    assert_eq!(free["data"]["code"], "SLOT_AVAILABLE");
    let stranger = gw
        .error(
            "appointment_mgmt.joinWaitlist",
            json!({ "phone": "+4917099999999", "service": "Beratung", "date": "2026-11-23" }),
        )
        .await;
    assert_eq!(stranger["data"]["code"], "UNKNOWN_CALLER");
    // Nobody else can leave Erika's entry.
    let theirs = gw
        .error(
            "appointment_mgmt.leaveWaitlist",
            json!({ "phone": JOHN, "entry_id": joined["entry"]["entry_id"] }),
        )
        .await;
    assert_eq!(theirs["data"]["code"], "NOT_FOUND");

    // Act: John cancels.
    let johns = gw.johns_appointment().await;
    gw.result(
        "appointment_mgmt.cancelAppointment",
        json!({ "appointment_id": johns["id"], "phone": JOHN }),
    )
    .await;

    // Assert: Erika has Monday 14:00, was told, and is no longer waiting.
    let found = gw
        .result(
            "appointment_mgmt.findAppointments",
            json!({ "phone": "+4915123456789" }),
        )
        .await;
    let times: Vec<(Value, Value)> = found["appointments"]
        .as_array()
        .expect("appointments")
        .iter()
        .map(|a| (a["date"].clone(), a["time"].clone()))
        .collect();
    assert!(
        times.contains(&(json!("2026-11-23"), json!("14:00"))),
        "{found}"
    );
    let outbox = gw.outbox().await;
    assert!(
        outbox
            .iter()
            .any(|n| n.kind == "waitlist_booked" && n.recipient == "+4915123456789"),
        "{outbox:?}"
    );
    let left = gw
        .result(
            "appointment_mgmt.leaveWaitlist",
            json!({ "phone": "+4915123456789", "entry_id": joined["entry"]["entry_id"] }),
        )
        .await;
    assert_eq!(left["already_left"], true);
    assert_eq!(left["entry"]["status"], "booked");
}

#[tokio::test]
async fn the_phone_of_another_customer_does_not_find_the_appointment() {
    let gw = gateway().await;
    let id = gw.johns_appointment().await["id"].clone();

    for (method, extra) in [
        ("appointment_mgmt.cancelAppointment", json!({})),
        (
            "appointment_mgmt.rescheduleAppointment",
            json!({ "new_date": "2026-11-24", "new_time": "15:00" }),
        ),
    ] {
        let mut params = json!({ "appointment_id": id, "phone": "+4915199999999" });
        params
            .as_object_mut()
            .expect("object")
            .extend(extra.as_object().expect("object").clone());
        let error = gw.error(method, params).await;
        assert_eq!(error["code"], -32000, "{method}");
        assert_eq!(error["data"]["code"], "NOT_FOUND", "{method}");
        assert_eq!(
            error["data"]["details"], "Appointment not found",
            "{method}"
        );
    }
    let still = gw.johns_appointment().await;
    assert_eq!(
        (still["id"].clone(), still["date"].clone()),
        (id, json!("2026-11-23"))
    );
}

// ---- webhook.processRetellWebhook --------------------------------------------------------------

fn call_ended(call_id: &str, from: &str, date: &str, time: &str) -> Value {
    json!({
        "event": "call_ended",
        "call": {
            "call_id": call_id,
            "from_number": from,
            "to_number": "+493083793369",
            "direction": "inbound",
            "start_timestamp": 1_795_600_000_000_i64,
            "end_timestamp": 1_795_600_180_000_i64,
            "duration": 180,
            "transcript": "Agent: Guten Tag! User: Ich hätte gern einen Termin.",
            "variables": { "name": "Max Weber", "appointment_date": date, "appointment_time": time },
        },
    })
}

#[tokio::test]
async fn a_call_ended_with_appointment_variables_books_once_however_often_it_is_delivered() {
    let gw = gateway().await;
    let event = call_ended("call_123", "+4915211112222", "2026-11-24", "11:00");

    let first = gw
        .result("webhook.processRetellWebhook", event.clone())
        .await;
    let second = gw.result("webhook.processRetellWebhook", event).await;

    assert_eq!(first["success"], true);
    assert_eq!(
        (
            first["duplicate"].clone(),
            first["appointment_created"].clone()
        ),
        (json!(false), json!(true))
    );
    assert_eq!(first["confirmation_sent"], true);
    let appointment = &first["appointment"];
    assert_eq!(
        (appointment["date"].clone(), appointment["time"].clone()),
        (json!("2026-11-24"), json!("11:00"))
    );
    assert_eq!(
        appointment["service"], "Beratung",
        "no service named: the first one at that time"
    );
    assert_eq!(
        (
            second["duplicate"].clone(),
            second["appointment_created"].clone()
        ),
        (json!(true), json!(false))
    );
    assert_eq!(second["appointment"]["id"], appointment["id"]);

    let found = gw
        .result(
            "appointment_mgmt.findAppointments",
            json!({ "phone": "+4915211112222" }),
        )
        .await;
    assert_eq!(found["customer_name"], "Max Weber");
    assert_eq!(found["appointments"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        gw.outbox()
            .await
            .iter()
            .filter(|n| n.recipient == "+4915211112222" && n.kind == "booking_confirmed")
            .count(),
        1
    );
    let call = gw
        .app
        .engine
        .store()
        .get_call(gw.app.askpro_id, "retell", "call_123")
        .await
        .expect("call");
    assert_eq!(call.booking_id, appointment["id"].as_i64());
    assert!(call.customer_id.is_some());
    assert_eq!(call.from_number.as_deref(), Some("+4915211112222"));
    assert_eq!(call.started_at.map(|t| t.as_second()), Some(1_795_600_000));
    assert_eq!(call.ended_at.map(|t| t.as_second()), Some(1_795_600_180));
    assert!(call.transcript.is_some_and(|t| t.contains("Termin")));
    assert_eq!(
        call.dynamic_variables.as_ref().map(|v| v["name"].clone()),
        Some(json!("Max Weber"))
    );
}

#[tokio::test]
async fn the_same_call_ended_delivered_twice_at_once_books_one_appointment() {
    let gw = gateway().await;
    let event = request(
        "webhook.processRetellWebhook",
        call_ended("call_race", "+4915233334444", "2026-11-25", "09:30"),
        "w",
    );

    let (a, b) = tokio::join!(
        gw.app.gateway(&gw.token, &event),
        gw.app.gateway(&gw.token, &event)
    );

    let (a, b): (Value, Value) = (a.json().await.expect("json"), b.json().await.expect("json"));
    assert_eq!(
        a["result"]["appointment"]["id"], b["result"]["appointment"]["id"],
        "{a} {b}"
    );
    let created = [&a, &b]
        .iter()
        .filter(|r| r["result"]["appointment_created"] == true)
        .count();
    assert_eq!(created, 1, "{a} {b}");
    let found = gw
        .result(
            "appointment_mgmt.findAppointments",
            json!({ "phone": "+4915233334444" }),
        )
        .await;
    assert_eq!(found["appointments"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        gw.outbox()
            .await
            .iter()
            .filter(|n| n.recipient == "+4915233334444" && n.kind == "booking_confirmed")
            .count(),
        1
    );
}

#[tokio::test]
async fn each_event_of_a_call_is_recorded_once_and_linked_to_the_customer() {
    let gw = gateway().await;
    let started = json!({ "event": "call_started", "call": { "call_id": "call_9", "from_number": JOHN, "agent_id": "agent_abc123", "start_timestamp": 1_795_600_000_000_i64 } });
    let analyzed = json!({ "event": "call_analyzed", "call": { "call_id": "call_9", "call_analysis": { "call_summary": "Asked for opening hours" } } });

    let a = gw
        .result("webhook.processRetellWebhook", started.clone())
        .await;
    let b = gw.result("webhook.processRetellWebhook", analyzed).await;
    let c = gw.result("webhook.processRetellWebhook", started).await;

    assert_eq!(
        (
            a["duplicate"].clone(),
            b["duplicate"].clone(),
            c["duplicate"].clone()
        ),
        (json!(false), json!(false), json!(true))
    );
    assert_eq!(a["appointment"], Value::Null);
    let call = gw
        .app
        .engine
        .store()
        .get_call(gw.app.askpro_id, "retell", "call_9")
        .await
        .expect("call");
    let john = gw
        .app
        .engine
        .store()
        .find_customer_by_phone(gw.app.askpro_id, JOHN)
        .await
        .expect("john");
    assert_eq!(call.customer_id, Some(john.id));
    assert_eq!(call.agent_id.as_deref(), Some("agent_abc123"));
    assert_eq!(
        call.analysis.map(|v| v["call_summary"].clone()),
        Some(json!("Asked for opening hours"))
    );
}

#[tokio::test]
async fn the_documents_webhook_example_is_recorded_and_its_past_appointment_refused() {
    let gw = gateway().await;

    let result = gw
        .result(
            "webhook.processRetellWebhook",
            json!({
                "event": "call_ended",
                "call": {
                    "call_id": "call_doc", "from_number": "+491234567890", "to_number": "+493083793369", "duration": 180,
                    "variables": { "name": "John Doe", "appointment_date": "2025-07-15", "appointment_time": "14:00" },
                },
            }),
        )
        .await;

    assert_eq!(result["success"], true);
    assert_eq!(result["appointment"], Value::Null);
    assert_eq!(result["appointment_error"]["code"], "TOO_SOON");
    assert!(
        gw.app
            .engine
            .store()
            .get_call(gw.app.askpro_id, "retell", "call_doc")
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn a_webhook_without_a_call_id_or_with_an_unknown_event_is_invalid_params() {
    let gw = gateway().await;

    let no_id = gw
        .error(
            "webhook.processRetellWebhook",
            json!({ "event": "call_ended", "call": { "from_number": JOHN } }),
        )
        .await;
    let bad_event = gw
        .error(
            "webhook.processRetellWebhook",
            json!({ "event": "call_exploded", "call": { "call_id": "x" } }),
        )
        .await;
    let no_call = gw
        .error(
            "webhook.processRetellWebhook",
            json!({ "event": "call_ended" }),
        )
        .await;

    assert_eq!(no_id["code"], -32602);
    assert!(
        no_id["data"]["details"]
            .as_str()
            .is_some_and(|d| d.contains("call.call_id")),
        "{no_id}"
    );
    assert_eq!(bad_event["code"], -32602);
    assert_eq!(
        no_call["data"]["details"],
        "Missing required parameter: call"
    );
}

// ---- retell_config (delegated to the Retell module after the gateway's own checks) ------------

#[tokio::test]
async fn retell_config_methods_are_served_for_the_tokens_company() {
    let gw = gateway().await;
    let company_id = gw.app.askpro_id;

    let template = gw
        .result(
            "retell_config.getAgentPromptTemplate",
            json!({ "company_id": company_id, "language": "de" }),
        )
        .await;
    let no_key = gw
        .error(
            "retell_config.getWebhook",
            json!({ "company_id": company_id }),
        )
        .await;
    let other = gw
        .error(
            "retell_config.getWebhook",
            json!({ "company_id": gw.app.beyond_id }),
        )
        .await;

    assert!(
        template["template"].is_string() && template["variables"].is_object(),
        "{template}"
    );
    assert!(
        template["rendered"]
            .as_str()
            .is_some_and(|r| r.contains("AskProAI Demo")),
        "{template}"
    );
    assert_eq!(
        (no_key["code"].clone(), no_key["data"]["code"].clone()),
        (json!(-32000), json!("RETELL_NOT_CONFIGURED"))
    );
    assert_eq!(other["data"]["code"], "FORBIDDEN");
}

// ---- JSON-RPC envelope ----------------------------------------------------------------------

#[tokio::test]
async fn garbage_is_a_parse_error() {
    let gw = gateway().await;

    let response = gw
        .app
        .gateway_raw(&gw.token, "{\"jsonrpc\": \"2.0\", \"method\": ")
        .await;

    assert_eq!(response.status(), 200);
    assert_rate_headers(&response);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["error"]["code"], -32700);
    assert_eq!(body["error"]["message"], "Parse error");
    assert_eq!(body["id"], Value::Null);
}

#[tokio::test]
async fn an_oversized_body_is_refused_with_the_rate_limit_headers() {
    let gw = gateway().await;
    let huge = format!(
        "{{\"jsonrpc\":\"2.0\",\"method\":\"x.y\",\"params\":{{\"pad\":\"{}\"}},\"id\":1}}",
        "a".repeat(70 * 1024)
    );

    let response = gw.app.gateway_raw(&gw.token, &huge).await;

    assert_eq!(response.status(), 413);
    assert_rate_headers(&response);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["error"]["code"], -32600);
}

#[tokio::test]
async fn malformed_requests_are_invalid_requests() {
    let gw = gateway().await;

    for (body, id) in [
        (json!(42), Value::Null),
        (
            json!({ "method": "appointment_mgmt.findAppointments", "id": "a" }),
            json!("a"),
        ),
        (
            json!({ "jsonrpc": "2.0", "method": 5, "id": "b" }),
            json!("b"),
        ),
        (
            json!({ "jsonrpc": "2.0", "method": "appointment_mgmt.findAppointments", "params": "x", "id": 3 }),
            json!(3),
        ),
        (json!([]), Value::Null),
    ] {
        let response = gw.app.gateway(&gw.token, &body).await;
        assert_eq!(response.status(), 200, "{body}");
        assert_rate_headers(&response);
        let answer: Value = response.json().await.expect("json");
        assert_eq!(answer["error"]["code"], -32600, "{body}: {answer}");
        assert_eq!(answer["error"]["message"], "Invalid Request");
        assert_eq!(answer["id"], id, "{body}");
    }
}

#[tokio::test]
async fn unknown_methods_are_method_not_found() {
    let gw = gateway().await;

    for method in [
        "appointment_mgmt.deleteEverything",
        "nope.findAppointments",
        "findAppointments",
    ] {
        let error = gw.error(method, json!({})).await;
        assert_eq!(error["code"], -32601, "{method}");
        assert_eq!(error["message"], "Method not found");
        assert!(
            error["data"]["details"]
                .as_str()
                .is_some_and(|d| d.contains("appointment_mgmt.findAppointments"))
        );
    }
}

#[tokio::test]
async fn a_missing_parameter_is_invalid_params_naming_it() {
    let gw = gateway().await;

    let error = gw
        .error(
            "appointment_mgmt.findAppointments",
            json!({ "upcoming_only": true }),
        )
        .await;
    let bad_type = gw
        .error(
            "appointment_mgmt.cancelAppointment",
            json!({ "appointment_id": "twelve", "phone": JOHN }),
        )
        .await;
    let bad_date = gw
        .error("appointment_mgmt.rescheduleAppointment", json!({ "appointment_id": 1, "phone": JOHN, "new_date": "someday", "new_time": "10:00" }))
        .await;

    assert_eq!(
        error,
        json!({ "code": -32602, "message": "Invalid params", "data": { "details": "Missing required parameter: phone" } })
    );
    assert_eq!(
        bad_type["data"]["details"],
        "Invalid parameter appointment_id: expected an integer"
    );
    assert_eq!(bad_date["code"], -32602);
    assert!(
        bad_date["data"]["details"]
            .as_str()
            .is_some_and(|d| d.starts_with("Invalid parameter new_date"))
    );
}

#[tokio::test]
async fn a_batch_is_answered_in_order_without_its_notifications() {
    let gw = gateway().await;
    let batch = json!([
        request("appointment_mgmt.findAppointments", json!({ "phone": JOHN }), "one"),
        { "jsonrpc": "2.0", "method": "appointment_mgmt.findAppointments", "params": { "phone": JOHN } },
        { "foo": "boo" },
        request("nope.nothing", json!({}), "three"),
        { "jsonrpc": "2.0", "method": "appointment_mgmt.checkAvailability", "params": { "date": "2026-11-23" }, "id": 4 },
    ]);

    let response = gw.app.gateway(&gw.token, &batch).await;

    assert_eq!(response.status(), 200);
    assert_eq!(
        header(&response, "x-ratelimit-remaining").as_deref(),
        Some("95"),
        "a batch counts each call"
    );
    let answers: Value = response.json().await.expect("json");
    let answers = answers.as_array().expect("array");
    assert_eq!(answers.len(), 4);
    assert_eq!(answers[0]["id"], "one");
    assert_eq!(answers[0]["result"]["customer_name"], "John Doe");
    assert_eq!(
        (
            answers[1]["id"].clone(),
            answers[1]["error"]["code"].clone()
        ),
        (Value::Null, json!(-32600))
    );
    assert_eq!(
        (
            answers[2]["id"].clone(),
            answers[2]["error"]["code"].clone()
        ),
        (json!("three"), json!(-32601))
    );
    assert_eq!(answers[3]["id"], 4);
    assert_eq!(answers[3]["result"]["available"], true);
}

#[tokio::test]
async fn notifications_alone_get_no_content() {
    let gw = gateway().await;
    let note = json!({ "jsonrpc": "2.0", "method": "appointment_mgmt.findAppointments", "params": { "phone": JOHN } });

    let single = gw.app.gateway(&gw.token, &note).await;
    let batch = gw
        .app
        .gateway(&gw.token, &json!([note.clone(), note]))
        .await;

    for response in [single, batch] {
        assert_eq!(response.status(), 204);
        assert_rate_headers(&response);
        assert!(response.bytes().await.expect("body").is_empty());
    }
}

// ---- authentication and companies -----------------------------------------------------------------

#[tokio::test]
async fn a_request_without_a_valid_gateway_token_is_401_with_a_json_rpc_error() {
    let gw = gateway().await;
    let mcp_key = gw.app.askpro_key.clone();
    let body = request(
        "appointment_mgmt.findAppointments",
        json!({ "phone": JOHN }),
        "x",
    );

    let missing = gw
        .app
        .client
        .post(gw.app.url("/api/mcp/gateway"))
        .json(&body)
        .send()
        .await
        .expect("send");
    let wrong = gw.app.gateway("fd_gw_not-a-real-token", &body).await;
    let other_kind = gw.app.gateway(&mcp_key, &body).await;

    for response in [missing, wrong, other_kind] {
        assert_eq!(response.status(), 401);
        assert_eq!(
            header(&response, "www-authenticate").as_deref(),
            Some("Bearer")
        );
        assert_rate_headers(&response);
        let answer: Value = response.json().await.expect("json");
        assert_eq!(
            answer,
            json!({
                "jsonrpc": "2.0",
                "error": { "code": -32000, "message": "Server error", "data": { "details": "missing or invalid gateway token", "code": "UNAUTHORIZED" } },
                "id": null,
            })
        );
    }
}

#[tokio::test]
async fn a_company_id_of_another_company_is_refused() {
    let gw = gateway().await;
    let beyond = gw.app.beyond_id;

    let refused = gw
        .error(
            "appointment_mgmt.findAppointments",
            json!({ "company_id": beyond, "phone": JOHN }),
        )
        .await;
    let own = gw
        .result(
            "appointment_mgmt.findAppointments",
            json!({ "company_id": gw.app.askpro_id, "phone": JOHN }),
        )
        .await;

    assert_eq!(refused["code"], -32000);
    assert_eq!(refused["data"]["code"], "FORBIDDEN");
    assert_eq!(
        refused["data"]["details"],
        format!("company_id {beyond} does not belong to this token")
    );
    assert_eq!(own["customer_name"], "John Doe");
}

#[tokio::test]
async fn appointments_of_another_company_are_not_found_by_id() {
    let gw = gateway().await;
    let beyond = gw.app.gateway_token(gw.app.beyond_id).await;
    let rafael = "+5511999999999";
    let booked = gw
        .call_with(
            &beyond,
            "appointment_mgmt.createAppointment",
            json!({ "name": "Rafael Silva", "phone": rafael, "service": "Iniciante1 · Lado esquerdo", "date": "2026-11-21", "time": "13:00" }),
        )
        .await;
    let id = booked["result"]["appointment"]["id"].clone();
    assert!(id.is_i64(), "{booked}");

    // AskProAI's token, Beyond's appointment and even the right customer's phone.
    let error = gw
        .error(
            "appointment_mgmt.cancelAppointment",
            json!({ "appointment_id": id, "phone": rafael }),
        )
        .await;

    assert_eq!(error["data"]["code"], "NOT_FOUND");
    let mine = gw
        .call_with(
            &beyond,
            "appointment_mgmt.findAppointments",
            json!({ "phone": rafael }),
        )
        .await;
    assert_eq!(mine["result"]["appointments"][0]["id"], id, "still booked");
}

// ---- rate limits ---------------------------------------------------------------------------------

#[tokio::test]
async fn requests_beyond_the_limit_get_429_with_retry_after() {
    let gw = gateway_with(ServerSettings {
        gateway_requests_per_minute: 3,
        gateway_webhook_requests_per_minute: 5,
        ..ServerSettings::default()
    })
    .await;
    let find = request(
        "appointment_mgmt.findAppointments",
        json!({ "phone": JOHN }),
        "r",
    );

    let mut remaining = Vec::new();
    for _ in 0..3 {
        let response = gw.app.gateway(&gw.token, &find).await;
        assert_eq!(response.status(), 200);
        assert_eq!(header(&response, "x-ratelimit-limit").as_deref(), Some("3"));
        remaining.push(header(&response, "x-ratelimit-remaining").unwrap_or_default());
    }
    let refused = gw.app.gateway(&gw.token, &find).await;
    let webhook = gw
        .app
        .gateway(
            &gw.token,
            &request(
                "webhook.processRetellWebhook",
                json!({ "event": "call_started", "call": { "call_id": "rl" } }),
                "w",
            ),
        )
        .await;

    assert_eq!(remaining, ["2", "1", "0"]);
    assert_eq!(refused.status(), 429);
    assert_rate_headers(&refused);
    assert_eq!(
        header(&refused, "x-ratelimit-remaining").as_deref(),
        Some("0")
    );
    let retry_after: u64 = header(&refused, "retry-after")
        .and_then(|v| v.parse().ok())
        .expect("Retry-After");
    assert!((1..=20).contains(&retry_after), "{retry_after}");
    let reset: u64 = header(&refused, "x-ratelimit-reset")
        .and_then(|v| v.parse().ok())
        .expect("reset");
    assert!(reset > jiff::Timestamp::now().as_second() as u64);
    let body: Value = refused.json().await.expect("json");
    assert_eq!(body["error"]["code"], -32000);
    assert_eq!(body["error"]["data"]["code"], "RATE_LIMITED");
    assert_eq!(body["id"], "r");
    // Webhook methods have their own allowance.
    assert_eq!(webhook.status(), 200);
    assert_eq!(header(&webhook, "x-ratelimit-limit").as_deref(), Some("5"));
    assert_eq!(
        header(&webhook, "x-ratelimit-remaining").as_deref(),
        Some("4")
    );
}

#[tokio::test]
async fn the_limit_is_per_company_and_test_methods_have_the_smallest() {
    let gw = gateway_with(ServerSettings {
        gateway_requests_per_minute: 1,
        ..ServerSettings::default()
    })
    .await;
    let beyond = gw.app.gateway_token(gw.app.beyond_id).await;
    let find = |phone: &str| {
        request(
            "appointment_mgmt.findAppointments",
            json!({ "phone": phone }),
            "r",
        )
    };

    let askpro = gw.app.gateway(&gw.token, &find(JOHN)).await;
    let askpro_again = gw.app.gateway(&gw.token, &find(JOHN)).await;
    let other_company = gw.app.gateway(&beyond, &find("+5511999999999")).await;
    let test = gw
        .app
        .gateway(
            &gw.token,
            &request(
                "retell_config.testWebhook",
                json!({ "webhook_url": "http://127.0.0.1:9/hook" }),
                "t",
            ),
        )
        .await;

    let statuses = [
        askpro.status(),
        askpro_again.status(),
        other_company.status(),
    ]
    .map(|s| s.as_u16());
    assert_eq!(statuses, [200, 429, 200]);
    assert_eq!(header(&test, "x-ratelimit-limit").as_deref(), Some("10"));
}

// ---- health ----------------------------------------------------------------------------------------

/// A stand-in for Retell's API that answers the probe as Retell does without a key (401).
async fn fake_retell() -> String {
    let app = axum::Router::new().route(
        "/list-agents",
        axum::routing::get(|| async {
            (
                axum::http::StatusCode::UNAUTHORIZED,
                axum::Json(json!({ "error_message": "Unauthorized" })),
            )
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    base
}

/// A base URL nobody listens on.
async fn closed_port() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    drop(listener);
    base
}

/// A Retell API key as Retell issues them (not one the demo makes up).
const REAL_RETELL_KEY: &str = "key_3f9a1c0e2b7d4a8f9e6c5b4a3d2e1f00";

/// `GET /api/mcp/health` of a new app whose AskProAI has `retell_key` (`None`: no key).
async fn health_with_key(settings: ServerSettings, retell_key: Option<&str>) -> (u16, Value) {
    let gw = gateway_with(settings).await;
    if let Some(key) = retell_key {
        gw.app
            .set_credentials(gw.app.askpro_id, Some(key), None)
            .await;
    }
    let response = gw
        .app
        .client
        .get(gw.app.url("/api/mcp/health"))
        .send()
        .await
        .expect("health");
    (
        response.status().as_u16(),
        response.json().await.expect("json"),
    )
}

async fn health(settings: ServerSettings) -> (u16, Value) {
    health_with_key(settings, Some(REAL_RETELL_KEY)).await
}

#[tokio::test]
async fn health_is_200_when_every_probe_answers() {
    let retell = fake_retell().await;

    let (status, body) = health(ServerSettings {
        retell_api_base: retell,
        ..ServerSettings::default()
    })
    .await;

    assert_eq!(status, 200, "{body}");
    assert_eq!(body["gateway"], "healthy");
    for server in [
        "retell_config",
        "retell_custom",
        "webhook",
        "appointment_mgmt",
        "database",
    ] {
        let s = &body["servers"][server];
        assert_eq!(s["status"], "healthy", "{server}: {body}");
        assert!(s["response_time_ms"].is_u64(), "{server}: {body}");
    }
    let timestamp = body["timestamp"].as_str().expect("timestamp");
    assert!(
        timestamp.parse::<jiff::Timestamp>().is_ok() && timestamp.ends_with('Z'),
        "{timestamp}"
    );
}

#[tokio::test]
async fn health_is_503_and_degraded_when_the_retell_api_is_unreachable() {
    let retell = closed_port().await;

    let (status, body) = health(ServerSettings {
        retell_api_base: retell.clone(),
        ..ServerSettings::default()
    })
    .await;

    assert_eq!(status, 503, "{body}");
    assert_eq!(body["gateway"], "degraded");
    assert_eq!(body["servers"]["retell_config"]["status"], "unhealthy");
    // The error names the address it tried.
    assert_eq!(
        body["servers"]["retell_config"]["error"],
        format!("Retell API unreachable: cannot connect to {retell}/list-agents"),
        "{body}"
    );
    assert_eq!(body["servers"]["database"]["status"], "healthy");
}

#[tokio::test]
async fn without_a_real_retell_key_retell_is_not_configured_and_the_gateway_healthy() {
    // Arrange: Retell cannot be reached, as on a machine running the demo offline.
    let retell = closed_port().await;
    let settings = || ServerSettings {
        retell_api_base: retell.clone(),
        ..ServerSettings::default()
    };

    // Act: no company has a key; then only a key of the kind `frontdesk demo` makes up.
    let (no_key, no_key_body) = health_with_key(settings(), None).await;
    let (demo_key, demo_key_body) = health_with_key(
        settings(),
        Some("key_demo_Xw3kQ9LmT2vB8nR5pZ7yC1dF4gH6jK0s"),
    )
    .await;

    // Assert
    for (status, body) in [(no_key, &no_key_body), (demo_key, &demo_key_body)] {
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["gateway"], "healthy", "{body}");
        let retell_config = &body["servers"]["retell_config"];
        assert_eq!(retell_config["status"], "not_configured", "{body}");
        assert!(
            retell_config["detail"]
                .as_str()
                .is_some_and(|d| d.contains("--retell-api-key")),
            "{body}"
        );
        assert!(retell_config.get("error").is_none(), "{body}");
        assert_eq!(body["servers"]["database"]["status"], "healthy");
    }
}
