//! Retell calls over real HTTP on a random port: `POST /api/mcp/retell/custom-function` and
//! `POST /api/mcp/retell/webhook`, with the demo businesses and the engine's clock pinned to
//! Friday 2026-11-20 12:00 UTC (13:00 in Berlin). AskProAI Demo (Berlin, +493083793369) has
//! a Retell API key; John Doe (+491234567890) holds a Beratung with Dr. Smith on Monday
//! 2026-11-23 at 14:00.
//!
//! The signature window is measured against the engine's clock, so requests here are signed
//! at the pinned time, and the DESIGN.md test vector (signed in November 2023) is checked over
//! HTTP with the clock pinned next to its timestamp.

mod common;

use common::{TestApp, spawn_app_with_clock};
use frontdesk_domain::BookingSource;
use frontdesk_engine::calls::RETELL;
use frontdesk_engine::{Clock, FixedClock};
use frontdesk_retell::sign;
use frontdesk_server::ServerSettings;
use frontdesk_store::NewAgent;
use serde_json::{Value, json};
use std::sync::Arc;

const KEY: &str = "key_askpro_retell_test";
const NOW: &str = "2026-11-20T12:00:00Z";
const JOHN: &str = "+491234567890";
const PRACTICE: &str = "+493083793369";
const FUNCTION: &str = "/api/mcp/retell/custom-function";
const WEBHOOK: &str = "/api/mcp/retell/webhook";

struct Retell {
    app: TestApp,
    clock: Arc<FixedClock>,
}

async fn retell_at(now: &str, key: &str) -> Retell {
    let clock = Arc::new(FixedClock::new(now.parse().expect("instant")));
    let app = spawn_app_with_clock(
        ServerSettings::default(),
        Some(clock.clone() as Arc<dyn Clock>),
    )
    .await;
    app.set_credentials(app.askpro_id, Some(key), None).await;
    Retell { app, clock }
}

async fn retell() -> Retell {
    retell_at(NOW, KEY).await
}

struct Answer {
    status: u16,
    body: Value,
    rate_limit: Option<String>,
}

impl Retell {
    fn now_ms(&self) -> u64 {
        u64::try_from(self.clock.now().as_millisecond()).expect("after 1970")
    }

    fn sign(&self, body: &str) -> String {
        sign(KEY, body.as_bytes(), self.now_ms())
    }

    async fn post(&self, path: &str, body: &str, signature: Option<&str>) -> Answer {
        let response = self.app.retell_post(path, body, signature).await;
        let status = response.status().as_u16();
        let rate_limit = response
            .headers()
            .get("x-ratelimit-limit")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = response.json().await.expect("a JSON answer");
        Answer {
            status,
            body,
            rate_limit,
        }
    }

    /// A request signed with the company's key at the engine's now.
    async fn signed(&self, path: &str, body: &Value) -> Answer {
        let text = body.to_string();
        let signature = self.sign(&text);
        self.post(path, &text, Some(&signature)).await
    }

    /// A custom function answered with HTTP 200; its body.
    async fn function(&self, query: &str, body: Value) -> Value {
        let answer = self.signed(&format!("{FUNCTION}{query}"), &body).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        answer.body
    }

    /// `{"name", "call", "args"}` for a call from `from` to the practice.
    async fn call_function(&self, call_id: &str, from: &str, name: &str, args: Value) -> Value {
        let body = json!({
            "name": name,
            "call": { "call_id": call_id, "from_number": from, "to_number": PRACTICE, "direction": "inbound" },
            "args": args,
        });
        self.function("", body).await
    }

    async fn webhook(&self, event: &str, call: Value) -> Answer {
        self.signed(WEBHOOK, &json!({ "event": event, "call": call }))
            .await
    }

    async fn appointments(&self, phone: &str) -> Vec<frontdesk_engine::BookingView> {
        self.app
            .engine
            .find_appointments(self.app.askpro_id, phone, true)
            .await
            .expect("appointments")
            .appointments
    }

    async fn recorded_call(&self, call_id: &str) -> Option<frontdesk_store::Call> {
        self.app
            .engine
            .store()
            .get_call(self.app.askpro_id, RETELL, call_id)
            .await
            .ok()
    }
}

fn assert_refused(answer: &Answer, reason: &str) {
    assert_eq!(answer.status, 401, "{}", answer.body);
    assert_eq!(answer.body["success"], false);
    assert_eq!(answer.body["code"], "INVALID_SIGNATURE");
    assert_eq!(answer.body["reason"], reason, "{}", answer.body);
    assert!(
        answer.body["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty())
    );
}

// ---- signatures ------------------------------------------------------------------------

#[tokio::test]
async fn the_design_test_vector_is_accepted_over_http() {
    // Arrange: the vector's key, and the clock one minute after its timestamp.
    let r = retell_at("2023-11-14T22:14:20Z", "key_test123").await;
    let body = r#"{"event":"call_started","call":{"call_id":"abc"}}"#;
    let vector =
        "v=1700000000000,d=8c60a3d3400d1aa12a2f9870cf081333750ac75af310b1c6931f5ecc71eab81a";
    let path = format!("{WEBHOOK}?company=askproai-demo");

    // Act
    let first = r.post(&path, body, Some(vector)).await;

    // Assert
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(first.body["success"], true);
    assert_eq!(first.body["message"], "Webhook processed");
    assert_eq!(first.body["duplicate"], false);
    let call = r.recorded_call("abc").await.expect("the call is recorded");
    assert_eq!(call.status.as_deref(), Some("ongoing"));

    // The same delivery again has no second effect; six minutes later it is stale.
    let again = r.post(&path, body, Some(vector)).await;
    assert_eq!(again.body["duplicate"], true);
    r.clock
        .set("2023-11-14T22:19:20Z".parse().expect("instant"));
    let late = r.post(&path, body, Some(vector)).await;
    assert_refused(&late, "SIGNATURE_STALE");
}

#[tokio::test]
async fn unsigned_tampered_stale_and_wrongly_signed_requests_are_refused() {
    let r = retell().await;
    let path = format!("{WEBHOOK}?company=askproai-demo");
    let body =
        json!({ "event": "call_started", "call": { "call_id": "sig_1", "from_number": JOHN } })
            .to_string();
    let tampered = body.replace(JOHN, "+491111111111");
    let now = r.now_ms();

    let missing = r.post(&path, &body, None).await;
    assert_refused(&missing, "SIGNATURE_MISSING");
    let garbage = r.post(&path, &body, Some("garbage")).await;
    assert_refused(&garbage, "SIGNATURE_MALFORMED");
    let changed = r.post(&path, &tampered, Some(&r.sign(&body))).await;
    assert_refused(&changed, "SIGNATURE_MISMATCH");
    let stale = sign(KEY, body.as_bytes(), now - 6 * 60 * 1000);
    assert_refused(&r.post(&path, &body, Some(&stale)).await, "SIGNATURE_STALE");
    let future = sign(KEY, body.as_bytes(), now + 6 * 60 * 1000);
    assert_refused(
        &r.post(&path, &body, Some(&future)).await,
        "SIGNATURE_STALE",
    );
    let wrong_key = sign("key_someone_else", body.as_bytes(), now);
    assert_refused(
        &r.post(&path, &body, Some(&wrong_key)).await,
        "SIGNATURE_MISMATCH",
    );
    // A company without a Retell API key accepts nothing, signed or not.
    let beyond = format!("{WEBHOOK}?company=beyond-the-club");
    assert_refused(
        &r.post(&beyond, &body, Some(&r.sign(&body))).await,
        "NO_RETELL_API_KEY",
    );
    assert_refused(&r.post(&beyond, &body, None).await, "NO_RETELL_API_KEY");
    // The custom-function endpoint checks the same way.
    let function = json!({ "name": "get_business_info", "call": { "call_id": "sig_2", "to_number": PRACTICE }, "args": {} })
        .to_string();
    assert_refused(
        &r.post(FUNCTION, &function, None).await,
        "SIGNATURE_MISSING",
    );
    let wrong = sign("key_someone_else", function.as_bytes(), now);
    assert_refused(
        &r.post(FUNCTION, &function, Some(&wrong)).await,
        "SIGNATURE_MISMATCH",
    );

    assert!(
        r.recorded_call("sig_1").await.is_none(),
        "nothing was recorded"
    );
    // The right signature is accepted.
    let accepted = r.post(&path, &body, Some(&r.sign(&body))).await;
    assert_eq!(accepted.status, 200, "{}", accepted.body);
    assert_eq!(accepted.rate_limit.as_deref(), Some("1000"));
}

// ---- the company -----------------------------------------------------------------------

#[tokio::test]
async fn the_company_is_found_by_agent_id_by_number_and_by_the_company_parameter() {
    let r = retell().await;
    r.app
        .engine
        .store()
        .upsert_agent(NewAgent {
            company_id: r.app.askpro_id,
            provider: RETELL.into(),
            external_id: "agent_abc123".into(),
            name: Some("Main Reception".into()),
            llm_id: None,
            webhook_url: None,
        })
        .await
        .expect("agent");
    let info = |call: Value| json!({ "name": "get_business_info", "call": call, "args": {} });

    let by_agent = r
        .function(
            "",
            info(json!({ "call_id": "c1", "agent_id": "agent_abc123" })),
        )
        .await;
    let by_number = r
        .function(
            "",
            info(json!({ "call_id": "c2", "to_number": PRACTICE, "from_number": JOHN })),
        )
        .await;
    let by_slug = r
        .function("?company=askproai-demo", info(json!({ "call_id": "c3" })))
        .await;
    let by_id = r
        .function(
            &format!("?company={}", r.app.askpro_id),
            info(json!({ "call_id": "c4" })),
        )
        .await;
    for answer in [&by_agent, &by_number, &by_slug, &by_id] {
        assert_eq!(answer["success"], true, "{answer}");
        assert_eq!(answer["data"]["name"], "AskProAI Demo");
    }

    // Nothing names a company and no company's key signed it; or the URL names none.
    for (query, call, key) in [
        ("", json!({ "call_id": "c5" }), "key_of_nobody"),
        (
            "",
            json!({ "call_id": "c6", "agent_id": "agent_unknown", "to_number": "+4930000000" }),
            "key_of_nobody",
        ),
        ("?company=no-such-company", json!({ "call_id": "c7" }), KEY),
    ] {
        let body = info(call).to_string();
        let signature = sign(key, body.as_bytes(), r.now_ms());
        let answer = r
            .post(&format!("{FUNCTION}{query}"), &body, Some(&signature))
            .await;
        assert_eq!(answer.status, 404, "{}", answer.body);
        assert_eq!(answer.body["success"], false);
        assert_eq!(answer.body["code"], "UNKNOWN_COMPANY");
    }
}

#[tokio::test]
async fn the_documents_body_is_matched_to_its_company_by_its_call_or_by_the_key_that_signed_it() {
    // Arrange: a second company with its own Retell key, and a call announced by its webhook.
    let r = retell().await;
    let beyond_key = "key_beyond_retell_test";
    r.app
        .set_credentials(r.app.beyond_id, Some(beyond_key), None)
        .await;
    let started = r
        .webhook(
            "call_started",
            json!({ "call_id": "call_doc_1", "from_number": JOHN, "to_number": PRACTICE }),
        )
        .await;
    assert_eq!(started.status, 200, "{}", started.body);
    let document = |function: &str, call_id: &str, parameters: Value| {
        json!({ "function_name": function, "call_id": call_id, "parameters": parameters })
            .to_string()
    };

    // Act: the seed document's own body, with nothing in the URL.
    let by_call = r
        .post(
            FUNCTION,
            &document("find_appointments", "call_doc_1", json!({})),
            Some(&r.sign(&document("find_appointments", "call_doc_1", json!({})))),
        )
        .await;
    let by_signature = r
        .signed(
            FUNCTION,
            &json!({ "function_name": "get_business_info", "call_id": "call_doc_unseen", "parameters": {} }),
        )
        .await;
    let beyond_body = document("get_business_info", "call_doc_beyond", json!({}));
    let by_beyonds_key = r
        .post(
            FUNCTION,
            &beyond_body,
            Some(&sign(beyond_key, beyond_body.as_bytes(), r.now_ms())),
        )
        .await;
    let foreign_body = document("find_appointments", "call_doc_1", json!({}));
    let foreign_key_on_askpros_call = r
        .post(
            FUNCTION,
            &foreign_body,
            Some(&sign(beyond_key, foreign_body.as_bytes(), r.now_ms())),
        )
        .await;
    let nobodys_body = document("get_business_info", "call_doc_2", json!({}));
    let nobodys_key = r
        .post(
            FUNCTION,
            &nobodys_body,
            Some(&sign("key_of_nobody", nobodys_body.as_bytes(), r.now_ms())),
        )
        .await;
    let unsigned = r.post(FUNCTION, &nobodys_body, None).await;

    // Assert: the recorded call names AskProAI and its caller (John, found by the call).
    assert_eq!(by_call.status, 200, "{}", by_call.body);
    assert_eq!(by_call.body["success"], true, "{}", by_call.body);
    let bookings = by_call.body["data"]["bookings"]
        .as_array()
        .expect("John's bookings");
    assert_eq!(bookings.len(), 1, "{}", by_call.body);
    // The key that signed it names the company when no call was recorded.
    assert_eq!(by_signature.status, 200, "{}", by_signature.body);
    assert_eq!(by_signature.body["data"]["name"], "AskProAI Demo");
    assert_eq!(by_beyonds_key.status, 200, "{}", by_beyonds_key.body);
    assert_eq!(by_beyonds_key.body["data"]["name"], "Beyond The Club");
    // Another company's key does not reach AskProAI's call.
    assert_refused(&foreign_key_on_askpros_call, "SIGNATURE_MISMATCH");
    for answer in [&nobodys_key, &unsigned] {
        assert_eq!(answer.status, 404, "{}", answer.body);
        assert_eq!(answer.body["code"], "UNKNOWN_COMPANY");
    }
}

// ---- body forms and tools ----------------------------------------------------------------

#[tokio::test]
async fn the_three_body_forms_reach_the_same_tools() {
    let r = retell().await;
    let args = json!({ "date": "2026-11-23", "service": "Beratung" });

    let retell_form = r
        .call_function("form_1", JOHN, "get_availability", args.clone())
        .await;
    let at_root = r
        .function("?company=askproai-demo&name=get_availability", args.clone())
        .await;
    let document = r
        .function(
            "?company=askproai-demo",
            json!({ "function_name": "check_availability", "call_id": "form_3", "parameters": args }),
        )
        .await;

    let slots = &retell_form["data"]["slots"];
    assert!(
        slots.as_array().is_some_and(|s| !s.is_empty()),
        "{retell_form}"
    );
    assert!(
        !slots
            .as_array()
            .into_iter()
            .flatten()
            .any(|s| s["time"] == "14:00"),
        "John's 14:00 is taken"
    );
    for answer in [&retell_form, &at_root, &document] {
        assert_eq!(answer["success"], true, "{answer}");
        assert_eq!(&answer["data"]["slots"], slots);
        assert!(
            answer["message"]
                .as_str()
                .is_some_and(|m| m.contains("Montag")),
            "{answer}"
        );
    }

    // Args at root with nothing naming the function is a malformed request.
    let unnamed = r
        .signed(
            &format!("{FUNCTION}?company=askproai-demo"),
            &json!({ "date": "2026-11-23" }),
        )
        .await;
    assert_eq!(unnamed.status, 422, "{}", unnamed.body);
    assert_eq!(unnamed.body["code"], "MISSING_FUNCTION_NAME");
    // So is a body that is not JSON (once the signature holds).
    let text = "{not json";
    let broken = r
        .post(
            &format!("{FUNCTION}?company=askproai-demo"),
            text,
            Some(&r.sign(text)),
        )
        .await;
    assert_eq!(broken.status, 400, "{}", broken.body);
    assert_eq!(broken.body["code"], "INVALID_JSON");
}

#[tokio::test]
async fn collect_appointment_information_books_for_the_calling_number_and_registers_it() {
    let r = retell().await;
    let erika = "+4915112345678";
    let args = json!({
        "name": "Erika Mustermann", "date": "2026-11-24", "time": "10:00",
        "service": "Beratung", "email": "erika@example.com",
    });

    // Act
    let answer = r
        .call_function(
            "call_collect",
            erika,
            "collect_appointment_information",
            args.clone(),
        )
        .await;

    // Assert: the document's shape, a sentence in German, a confirmation number.
    assert_eq!(answer["success"], true, "{answer}");
    let code = answer["data"]["confirmation_number"]
        .as_str()
        .expect("confirmation_number")
        .to_string();
    let message = answer["message"].as_str().expect("message");
    assert!(message.starts_with("Gebucht: "), "{message}");
    assert!(message.contains(&code), "{message}");
    assert_eq!(answer["data"]["registered"], true);
    let booked = r.appointments(erika).await;
    assert_eq!(booked.len(), 1);
    assert_eq!(booked[0].voucher_code, code);
    assert_eq!(booked[0].source, BookingSource::Retell);
    assert_eq!(booked[0].call_id.as_deref(), Some("call_collect"));
    assert_eq!(booked[0].time, "10:00");
    let found = r
        .app
        .engine
        .find_appointments(r.app.askpro_id, erika, true)
        .await
        .expect("find");
    assert_eq!(found.customer_name.as_deref(), Some("Erika Mustermann"));
    let call = r.recorded_call("call_collect").await.expect("call linked");
    assert_eq!(call.booking_id, Some(booked[0].id));

    // Retell retrying the same function call gets the same appointment.
    let retry = r
        .call_function(
            "call_collect",
            erika,
            "collect_appointment_information",
            args,
        )
        .await;
    assert_eq!(retry["data"]["confirmation_number"], code.as_str());
    assert_eq!(retry["data"]["replayed"], true);
    // And the call's end, carrying the same details, books nothing more.
    let ended = r
        .webhook(
            "call_ended",
            json!({
                "call_id": "call_collect", "from_number": erika, "to_number": PRACTICE,
                "retell_llm_dynamic_variables": {
                    "name": "Erika Mustermann", "appointment_date": "2026-11-24", "appointment_time": "10:00",
                },
            }),
        )
        .await;
    assert_eq!(ended.status, 200, "{}", ended.body);
    assert_eq!(ended.body["appointment_created"], false);
    assert_eq!(
        ended.body["appointment"]["confirmation_number"],
        code.as_str()
    );
    assert_eq!(r.appointments(erika).await.len(), 1);
}

#[tokio::test]
async fn the_documents_request_books_for_the_phone_parameter_or_the_recorded_caller() {
    let r = retell().await;

    // The document's example, with a service of this practice and the caller's phone.
    let answer = r
        .function(
            "?company=askproai-demo",
            json!({
                "function_name": "collect_appointment_information",
                "call_id": "call_abc123",
                "parameters": { "name": "John Doe", "date": "2026-11-25", "time": "14:00", "service": "Beratung", "phone": JOHN },
            }),
        )
        .await;
    let mut keys: Vec<&str> = answer
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(keys, ["data", "message", "success"], "{answer}");
    assert_eq!(answer["success"], true);
    let code = answer["data"]["confirmation_number"]
        .as_str()
        .expect("code");
    let johns = r.appointments(JOHN).await;
    assert_eq!(johns.len(), 2, "the demo appointment and this one");
    assert!(johns.iter().any(|b| b.voucher_code == code));

    // Without a phone: the number of the call recorded under call_id.
    let started = r
        .webhook(
            "call_started",
            json!({ "call_id": "call_rec", "from_number": "+4917000000001", "to_number": PRACTICE }),
        )
        .await;
    assert_eq!(started.status, 200, "{}", started.body);
    let answer = r
        .function(
            "?company=askproai-demo",
            json!({
                "function_name": "collect_appointment_information",
                "call_id": "call_rec",
                "parameters": { "name": "Mia Beispiel", "date": "2026-11-25", "time": "10:00" },
            }),
        )
        .await;
    assert_eq!(answer["success"], true, "{answer}");
    let mias = r.appointments("+4917000000001").await;
    assert_eq!(mias.len(), 1);
    assert_eq!(
        mias[0].service, "Beratung",
        "the first service open at that time"
    );
}

#[tokio::test]
async fn refusals_are_spoken_answers_with_http_200() {
    let r = retell().await;
    let collect = |args: Value| {
        let r = &r;
        async move {
            r.call_function(
                "call_refused",
                "+4915199999999",
                "collect_appointment_information",
                args,
            )
            .await
        }
    };

    let taken = collect(
        json!({ "name": "Eva", "date": "2026-11-23", "time": "14:00", "service": "Beratung" }),
    )
    .await;
    assert_eq!(taken["success"], false, "{taken}");
    assert_eq!(taken["code"], "SLOT_FULL");
    assert!(
        taken["data"]["alternatives"]
            .as_array()
            .is_some_and(|a| !a.is_empty()),
        "{taken}"
    );
    let sunday = collect(
        json!({ "name": "Eva", "date": "2026-11-22", "time": "10:00", "service": "Beratung" }),
    )
    .await;
    assert_eq!(sunday["success"], false, "{sunday}");
    assert!(sunday["code"].as_str().is_some());
    let no_time = collect(json!({ "name": "Eva", "date": "2026-11-24" })).await;
    assert_eq!(no_time["code"], "INVALID_INPUT");
    assert_eq!(no_time["data"]["field"], "time");
    assert!(
        no_time["message"]
            .as_str()
            .is_some_and(|m| m.contains("time fehlt")),
        "{no_time}"
    );
    let unknown = r
        .call_function("call_refused", JOHN, "fly_to_the_moon", json!({}))
        .await;
    assert_eq!(unknown["success"], false);
    assert_eq!(unknown["code"], "UNKNOWN_FUNCTION");
    assert!(
        unknown["message"]
            .as_str()
            .is_some_and(|m| m.contains("collect_appointment_information"))
    );
    assert!(r.appointments("+4915199999999").await.is_empty());
}

#[tokio::test]
async fn appointments_are_rescheduled_and_cancelled_only_by_their_customer() {
    let r = retell().await;
    let johns = r.appointments(JOHN).await;
    let (id, code) = (johns[0].id, johns[0].voucher_code.clone());

    let moved = r
        .call_function(
            "call_move",
            JOHN,
            "reschedule_appointment",
            json!({ "confirmation_number": code, "new_date": "2026-11-24", "new_time": "15:00" }),
        )
        .await;
    assert_eq!(moved["success"], true, "{moved}");
    assert!(
        moved["message"]
            .as_str()
            .is_some_and(|m| m.contains("verschoben"))
    );
    assert_eq!(r.appointments(JOHN).await[0].time, "15:00");

    let stranger = r
        .call_function(
            "call_other",
            "+4915100000000",
            "cancel_appointment",
            json!({ "appointment_id": id }),
        )
        .await;
    assert_eq!(stranger["success"], false);
    assert_eq!(stranger["code"], "NOT_FOUND");

    let cancelled = r
        .call_function(
            "call_move",
            JOHN,
            "cancel_appointment",
            json!({ "appointment_id": id, "reason": "Terminkonflikt" }),
        )
        .await;
    assert_eq!(cancelled["success"], true, "{cancelled}");
    assert!(r.appointments(JOHN).await.is_empty());
}

#[tokio::test]
async fn an_mcp_tool_answers_by_its_name_and_its_bookings_carry_the_call() {
    let r = retell().await;

    let bookings = r
        .call_function("call_tools", JOHN, "get_bookings", json!({}))
        .await;
    assert_eq!(bookings["success"], true, "{bookings}");
    assert_eq!(bookings["data"]["count"], 1);

    let booked = r
        .call_function(
            "call_tools",
            JOHN,
            "book_session",
            json!({ "service": "Support", "date": "2026-11-24", "time": "09:00" }),
        )
        .await;
    assert_eq!(booked["success"], true, "{booked}");
    let code = booked["data"]["booking"]["voucher_code"]
        .as_str()
        .expect("code");
    let made = r
        .appointments(JOHN)
        .await
        .into_iter()
        .find(|b| b.voucher_code == code)
        .expect("booked");
    assert_eq!(made.source, BookingSource::Retell);
    assert_eq!(made.call_id.as_deref(), Some("call_tools"));
}

#[tokio::test]
async fn every_function_deploy_custom_functions_offers_is_answered() {
    let r = retell().await;

    let found = r
        .call_function("call_find", JOHN, "find_appointments", json!({}))
        .await;

    assert_eq!(found["success"], true, "{found}");
    assert_eq!(
        found["data"]["count"], 1,
        "John Doe's demo appointment: {found}"
    );
    let deployed: Vec<String> =
        frontdesk_server::gateway::retell_config::default_functions("http://x")
            .iter()
            .map(|f| f.name.clone())
            .collect();
    for name in &deployed {
        assert!(
            frontdesk_conversation::functions::function_names().contains(&name.as_str()),
            "{name} is deployed to Retell but not answered"
        );
    }
}

// ---- webhooks ----------------------------------------------------------------------------

#[tokio::test]
async fn call_events_are_recorded_once_each() {
    let r = retell().await;
    let call = json!({
        "call_id": "call_w1", "agent_id": "agent_x", "from_number": JOHN, "to_number": PRACTICE,
        "direction": "inbound", "start_timestamp": 1_795_176_000_000_i64,
    });

    let started = r.webhook("call_started", call.clone()).await;
    assert_eq!(started.status, 200, "{}", started.body);
    assert_eq!(started.body["success"], true);
    assert_eq!(started.body["message"], "Webhook processed");
    assert_eq!(started.body["duplicate"], false);
    assert_eq!(started.body["call_id"], "call_w1");
    let again = r.webhook("call_started", call.clone()).await;
    assert_eq!(again.status, 200);
    assert_eq!(again.body["duplicate"], true);

    let mut ended = call.clone();
    ended["end_timestamp"] = json!(1_795_176_180_000_i64);
    ended["transcript"] = json!("Agent: Guten Tag.\nUser: Ich möchte einen Termin.");
    let ended_answer = r.webhook("call_ended", ended.clone()).await;
    assert_eq!(
        ended_answer.body["duplicate"], false,
        "{}",
        ended_answer.body
    );
    let mut analyzed = ended;
    analyzed["call_analysis"] =
        json!({ "call_summary": "Termin angefragt", "user_sentiment": "Positive" });
    let analyzed_answer = r.webhook("call_analyzed", analyzed).await;
    assert_eq!(analyzed_answer.body["duplicate"], false);

    let recorded = r.recorded_call("call_w1").await.expect("recorded");
    assert_eq!(recorded.from_number.as_deref(), Some(JOHN));
    assert_eq!(recorded.to_number.as_deref(), Some(PRACTICE));
    assert_eq!(recorded.direction.as_deref(), Some("inbound"));
    assert_eq!(recorded.agent_id.as_deref(), Some("agent_x"));
    assert!(
        recorded
            .transcript
            .as_deref()
            .is_some_and(|t| t.contains("Termin"))
    );
    assert_eq!(
        recorded
            .analysis
            .as_ref()
            .map(|a| a["call_summary"].clone()),
        Some(json!("Termin angefragt"))
    );
    assert!(recorded.ended_at.is_some());
    assert!(recorded.customer_id.is_some(), "linked to John by phone");
}

#[tokio::test]
async fn a_call_ended_with_appointment_variables_books_exactly_once_even_when_delivered_twice() {
    let r = retell().await;
    let max = "+4917600000002";
    let call = |id: &str| {
        json!({
            "call_id": id, "from_number": max, "to_number": PRACTICE, "duration": 180,
            "variables": { "name": "Max Muster", "appointment_date": "2026-11-26", "appointment_time": "11:00", "service": "Beratung" },
        })
    };

    let first = r.webhook("call_ended", call("call_w2")).await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(first.body["appointment_created"], true, "{}", first.body);
    let code = first.body["appointment"]["confirmation_number"].clone();
    let second = r.webhook("call_ended", call("call_w2")).await;
    assert_eq!(second.body["duplicate"], true);
    assert_eq!(second.body["appointment_created"], false);
    assert_eq!(second.body["appointment"]["confirmation_number"], code);
    assert_eq!(r.appointments(max).await.len(), 1);

    // Two deliveries of another call's end at the same moment: still one appointment.
    let racing = call("call_w3");
    let racing = racing.to_string().replace("11:00", "12:00");
    let racing: Value = serde_json::from_str(&racing).expect("json");
    let (a, b) = tokio::join!(
        r.webhook("call_ended", racing.clone()),
        r.webhook("call_ended", racing.clone())
    );
    assert_eq!((a.status, b.status), (200, 200), "{} {}", a.body, b.body);
    assert_eq!(r.appointments(max).await.len(), 2, "one per call");
    assert_eq!(
        a.body["appointment"]["confirmation_number"],
        b.body["appointment"]["confirmation_number"]
    );
}

#[tokio::test]
async fn a_body_that_is_not_json_is_400_and_json_that_is_no_request_is_422_as_api_md_says() {
    let r = retell().await;
    let webhook = format!("{WEBHOOK}?company=askproai-demo");
    let function = format!("{FUNCTION}?company=askproai-demo");
    let cases = [
        (&webhook, "{\"event\":", 400, "INVALID_JSON"),
        (
            &webhook,
            r#"{"event":"call_exploded","call":{"call_id":"x"}}"#,
            422,
            "UNKNOWN_EVENT",
        ),
        (
            &webhook,
            r#"{"call":{"call_id":"x"}}"#,
            422,
            "INVALID_EVENT",
        ),
        (&webhook, r#"{"event":"call_started"}"#, 422, "INVALID_CALL"),
        (
            &webhook,
            r#"{"event":"call_started","call":{"from_number":"+491"}}"#,
            422,
            "INVALID_CALL",
        ),
        (&function, "[1, 2", 400, "INVALID_JSON"),
        (&function, "[1, 2]", 422, "INVALID_BODY"),
        (&function, "\"get_business_info\"", 422, "INVALID_BODY"),
        (
            &function,
            r#"{"date": "today"}"#,
            422,
            "MISSING_FUNCTION_NAME",
        ),
    ];
    for (path, body, status, code) in cases {
        let answer = r.post(path, body, Some(&r.sign(body))).await;
        assert_eq!(answer.status, status, "{body}: {}", answer.body);
        assert_eq!(answer.body["success"], false);
        assert_eq!(answer.body["code"], code, "{body}");
        assert_eq!(answer.rate_limit.as_deref(), Some("1000"), "counted");
    }
    // API.md says the same: in the table of errors every endpoint can answer, and in Retell's.
    let api = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/API.md"))
        .expect("docs/API.md");
    for row in [
        "| 422 | `INVALID_BODY` | JSON without the expected fields",
        "| 400 | `INVALID_JSON` | the body is not JSON",
        "| 422 | `INVALID_BODY`, `MISSING_FUNCTION_NAME` |",
        "| 422 | `INVALID_EVENT`, `UNKNOWN_EVENT`, `INVALID_CALL` |",
    ] {
        assert!(api.contains(row), "API.md: {row}");
    }
}

// ---- test deliveries -----------------------------------------------------------------------

/// What a receiver got: the raw body and its `X-Retell-Signature`.
type Received = Arc<std::sync::Mutex<Vec<(String, String)>>>;

/// A local webhook receiver that records every delivery and answers 200.
async fn receiver() -> (String, Received) {
    let received: Received = Arc::default();
    let app = axum::Router::new()
        .route(
            "/hook",
            axum::routing::post(
                |axum::extract::State(received): axum::extract::State<Received>,
                 headers: axum::http::HeaderMap,
                 body: String| async move {
                    let signature = headers
                        .get("x-retell-signature")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_string();
                    received
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .push((body, signature));
                    axum::Json(json!({ "success": true }))
                },
            ),
        )
        .with_state(received.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, received)
}

#[tokio::test]
async fn a_test_webhook_replayed_to_the_retell_endpoints_is_acknowledged_and_changes_nothing() {
    // Arrange: the system clock (testWebhook signs at the real now), a receiver on loopback.
    let app = common::spawn_app_with(ServerSettings {
        allow_private_webhook_targets: true,
        ..ServerSettings::default()
    })
    .await;
    app.set_credentials(app.askpro_id, Some(KEY), None).await;
    let token = app.gateway_token(app.askpro_id).await;
    let (hook, received) = receiver().await;
    let stranger = "+4915199990000";
    let payloads = [
        // A call event, and one whose variables ask for an appointment.
        json!({ "event": "call_started", "call": { "call_id": "replay_1", "from_number": stranger, "to_number": PRACTICE } }),
        json!({ "event": "call_ended", "call": { "call_id": "replay_2", "from_number": stranger, "to_number": PRACTICE,
            "retell_llm_dynamic_variables": { "name": "Eve", "appointment_date": "tomorrow", "appointment_time": "10:00" } } }),
        // Custom-function calls in Retell's form, the document's and args at root.
        json!({ "name": "get_business_info", "call": { "call_id": "replay_3", "from_number": stranger, "to_number": PRACTICE }, "args": {} }),
        json!({ "function_name": "get_business_info", "call_id": "replay_4", "parameters": { "phone": stranger } }),
        json!({ "date": "tomorrow" }),
        // A payload that claims not to be a test.
        json!({ "event": "call_started", "frontdesk_test": false, "call": { "call_id": "replay_5", "to_number": PRACTICE } }),
    ];

    // Act: testWebhook delivers each payload to the receiver.
    for (i, payload) in payloads.iter().enumerate() {
        let answer: Value = app
            .gateway(
                &token,
                &json!({ "jsonrpc": "2.0", "id": i, "method": "retell_config.testWebhook",
                    "params": { "webhook_url": hook, "test_payload": payload } }),
            )
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(answer["result"]["success"], true, "{answer}");
    }
    let deliveries = received.lock().unwrap_or_else(|p| p.into_inner()).clone();
    assert_eq!(deliveries.len(), payloads.len());

    // Assert: each delivery is marked, and replayed to either endpoint it does nothing.
    for (body, signature) in &deliveries {
        let sent: Value = serde_json::from_str(body).expect("JSON");
        assert_eq!(sent["frontdesk_test"], true, "{body}");
        assert!(
            frontdesk_retell::verify_now(KEY, body.as_bytes(), signature).is_ok(),
            "signed with the company's key"
        );
        for path in [
            WEBHOOK.to_string(),
            FUNCTION.to_string(),
            format!(
                "{FUNCTION}?company=askproai-demo&name=collect_appointment_information&from_number=%2B4915199990000"
            ),
        ] {
            let response = app.retell_post(&path, body, Some(signature)).await;
            assert_eq!(response.status(), 200, "{path}");
            let answer: Value = response.json().await.expect("json");
            assert_eq!(answer["test"], true, "{path}: {answer}");
            assert!(
                answer.get("data").is_none(),
                "{path}: nothing ran: {answer}"
            );
            assert!(
                answer.get("event").is_none(),
                "{path}: nothing recorded: {answer}"
            );
        }
    }
    for call_id in ["replay_1", "replay_2", "replay_3", "replay_4", "replay_5"] {
        let call = app
            .engine
            .store()
            .get_call(app.askpro_id, RETELL, call_id)
            .await;
        assert!(call.is_err(), "{call_id} was recorded");
    }
    let strangers = app
        .engine
        .find_appointments(app.askpro_id, stranger, false)
        .await;
    assert!(
        strangers.map(|f| f.appointments.is_empty()).unwrap_or(true),
        "nothing was booked"
    );

    // Aimed at frontdesk's own webhook, the test reports the acknowledgement.
    let own = format!("{}{WEBHOOK}", app.base);
    let answer: Value = app
        .gateway(
            &token,
            &json!({ "jsonrpc": "2.0", "id": 99, "method": "retell_config.testWebhook",
                "params": { "webhook_url": own } }),
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(answer["result"]["success"], true, "{answer}");
    assert_eq!(
        answer["result"]["response"]["body"]["test"], true,
        "{answer}"
    );
}

#[tokio::test]
async fn a_calls_page_shows_the_tools_its_agent_called_and_what_they_answered() {
    let r = retell().await;
    let call = json!({ "call_id": "call_page", "from_number": JOHN, "to_number": PRACTICE });
    assert_eq!(r.webhook("call_started", call).await.status, 200);
    r.call_function("call_page", JOHN, "get_bookings", json!({}))
        .await;
    let refused = r
        .call_function(
            "call_page",
            JOHN,
            "book_session",
            json!({ "service": "Support", "date": "2026-11-24", "time": "03:17" }),
        )
        .await;
    assert_eq!(refused["success"], false, "{refused}");
    let booked = r
        .call_function(
            "call_page",
            JOHN,
            "book_session",
            json!({ "service": "Support", "date": "2026-11-24", "time": "09:00" }),
        )
        .await;
    assert_eq!(booked["success"], true, "{booked}");
    let id = r.recorded_call("call_page").await.expect("recorded").id;
    // The tool calls are written beside the answers, not before them.
    let mut dossier = r
        .app
        .engine
        .call_dossier(r.app.askpro_id, id)
        .await
        .expect("call");
    for _ in 0..50 {
        if dossier.tool_calls.len() == 3 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        dossier = r
            .app
            .engine
            .call_dossier(r.app.askpro_id, id)
            .await
            .expect("call");
    }
    let tools: Vec<(&str, Option<&str>)> = dossier
        .tool_calls
        .iter()
        .map(|t| (t.tool.as_str(), t.error_code.as_deref()))
        .collect();
    assert_eq!(
        tools,
        [
            ("get_bookings", None),
            ("book_session", Some("NO_SUCH_SLOT")),
            ("book_session", None)
        ]
    );
    assert_eq!(dossier.tool_calls[2].arguments["time"], "09:00");
    assert!(
        dossier.tool_calls[2]
            .result
            .as_str()
            .is_some_and(|t| !t.is_empty()),
        "the words the agent got are kept"
    );
    assert_eq!(
        dossier.bookings.len(),
        1,
        "the call's booking is on its page"
    );
    assert!(
        r.app
            .engine
            .call_dossier(r.app.beyond_id, id)
            .await
            .is_err(),
        "another company's operator cannot open it"
    );
}
