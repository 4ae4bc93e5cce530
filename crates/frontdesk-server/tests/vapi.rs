//! Vapi tool calls over real HTTP on a random port: `POST /api/vapi/tool-calls`, with the demo
//! businesses and the engine's clock pinned to Friday 2026-11-20 12:00 UTC (13:00 in Berlin).
//! AskProAI Demo has a Vapi secret; John Doe (+491234567890) holds a Beratung on Monday
//! 2026-11-23 at 14:00.

mod common;

use common::{TestApp, spawn_app_with_clock};
use frontdesk_domain::BookingSource;
use frontdesk_engine::{Clock, FixedClock};
use frontdesk_server::ServerSettings;
use serde_json::{Value, json};
use std::sync::Arc;

const SECRET: &str = "vapi_secret_askpro_test";
const JOHN: &str = "+491234567890";
const PATH: &str = "/api/vapi/tool-calls";

enum Auth<'a> {
    Bearer(&'a str),
    Header(&'a str),
    Nothing,
}

async fn vapi() -> TestApp {
    let clock = Arc::new(FixedClock::new(
        "2026-11-20T12:00:00Z".parse().expect("instant"),
    ));
    let app = spawn_app_with_clock(ServerSettings::default(), Some(clock as Arc<dyn Clock>)).await;
    app.set_credentials(app.askpro_id, None, Some(SECRET)).await;
    app
}

async fn post(app: &TestApp, auth: Auth<'_>, body: &str) -> (u16, Value) {
    let mut request = app
        .client
        .post(app.url(PATH))
        .header("content-type", "application/json")
        .body(body.to_string());
    request = match auth {
        Auth::Bearer(secret) => request.bearer_auth(secret),
        Auth::Header(secret) => request.header("x-vapi-secret", secret),
        Auth::Nothing => request,
    };
    let response = request.send().await.expect("POST /api/vapi/tool-calls");
    let status = response.status().as_u16();
    (status, response.json().await.expect("a JSON answer"))
}

/// A `tool-calls` message of a call from `customer`.
fn tool_calls(call_id: &str, customer: &str, list: Value) -> String {
    json!({
        "message": {
            "type": "tool-calls",
            "toolCallList": list,
            "call": { "id": call_id, "type": "inboundPhoneCall", "customer": { "number": customer } },
        }
    })
    .to_string()
}

/// The `results` of a message that must be answered with 200.
async fn answered(app: &TestApp, auth: Auth<'_>, body: &str) -> Vec<Value> {
    let (status, answer) = post(app, auth, body).await;
    assert_eq!(status, 200, "{answer}");
    let results = answer["results"].as_array().expect("results").clone();
    for entry in &results {
        let text = entry["result"]
            .as_str()
            .or(entry["error"].as_str())
            .expect("result or error");
        assert!(!text.is_empty());
        assert!(
            !text.contains('\n') && !text.contains('\r'),
            "one line: {text:?}"
        );
    }
    results
}

#[tokio::test]
async fn both_entry_forms_and_both_argument_kinds_are_answered_in_order() {
    let app = vapi().await;
    let body = tool_calls(
        "vapi_call_1",
        JOHN,
        json!([
            {
                "id": "tc_nested", "type": "function",
                "function": { "name": "get_availability", "arguments": { "date": "2026-11-23", "service": "Beratung" } },
            },
            { "id": "tc_flat", "name": "get_bookings", "arguments": "{\"status\": \"upcoming\"}" },
            {
                "id": "tc_nested_text", "type": "function",
                "function": { "name": "check_availability", "arguments": "{\"date\":\"2026-11-23\",\"service\":\"Beratung\"}" },
            },
            { "id": "tc_info", "type": "function", "function": { "name": "get_business_info", "arguments": {} } },
        ]),
    );

    let results = answered(&app, Auth::Bearer(SECRET), &body).await;

    let ids: Vec<&str> = results
        .iter()
        .filter_map(|r| r["toolCallId"].as_str())
        .collect();
    assert_eq!(ids, ["tc_nested", "tc_flat", "tc_nested_text", "tc_info"]);
    assert!(
        results.iter().all(|r| r.get("error").is_none()),
        "{results:?}"
    );
    let availability = results[0]["result"].as_str().expect("result");
    assert!(availability.contains("Montag"), "{availability}");
    assert_eq!(
        results[0]["result"], results[2]["result"],
        "alias and string arguments"
    );
    let johns = app
        .engine
        .find_appointments(app.askpro_id, JOHN, true)
        .await
        .expect("find");
    let bookings = results[1]["result"].as_str().expect("result");
    assert!(
        bookings.contains(&johns.appointments[0].voucher_code),
        "{bookings}"
    );
    assert!(
        results[3]["result"]
            .as_str()
            .is_some_and(|r| r.contains("AskProAI Demo")),
        "{results:?}"
    );
}

#[tokio::test]
async fn the_secret_is_accepted_in_either_header_and_refused_otherwise() {
    let app = vapi().await;
    let body = tool_calls(
        "vapi_call_2",
        JOHN,
        json!([{ "id": "tc", "name": "get_members", "arguments": {} }]),
    );

    let by_header = answered(&app, Auth::Header(SECRET), &body).await;
    assert!(
        by_header[0]["result"]
            .as_str()
            .is_some_and(|r| r.contains("John Doe"))
    );
    let by_bearer = answered(&app, Auth::Bearer(SECRET), &body).await;
    assert_eq!(by_header, by_bearer);

    for (auth, code) in [
        (Auth::Bearer("wrong_secret"), "INVALID_SECRET"),
        (Auth::Header("wrong_secret"), "INVALID_SECRET"),
        (Auth::Nothing, "MISSING_SECRET"),
    ] {
        let (status, answer) = post(&app, auth, &body).await;
        assert_eq!(status, 401, "{answer}");
        assert_eq!(answer["code"], code);
        assert!(answer["error"].as_str().is_some());
    }
}

#[tokio::test]
async fn failed_calls_are_error_entries_and_the_others_still_run() {
    let app = vapi().await;
    let body = tool_calls(
        "vapi_call_3",
        JOHN,
        json!([
            { "id": "tc_unknown", "name": "teleport", "arguments": {} },
            { "id": "tc_bad_args", "name": "get_availability", "arguments": "date=tomorrow" },
            { "id": "tc_no_name", "arguments": {} },
            { "id": "tc_full", "name": "book_session", "arguments": { "service": "Beratung", "date": "2026-11-23", "time": "14:00" } },
            { "id": "tc_ok", "name": "get_business_info" },
        ]),
    );

    let results = answered(&app, Auth::Bearer(SECRET), &body).await;

    assert_eq!(results.len(), 5);
    for entry in &results[..4] {
        assert!(entry.get("result").is_none(), "{entry}");
        assert!(entry["error"].as_str().is_some(), "{entry}");
    }
    assert!(
        results[0]["error"]
            .as_str()
            .is_some_and(|e| e.contains("get_availability"))
    );
    assert!(
        results[1]["error"]
            .as_str()
            .is_some_and(|e| e.contains("JSON"))
    );
    assert!(results[4]["result"].as_str().is_some());
}

#[tokio::test]
async fn bookings_made_through_vapi_carry_the_source_and_the_call() {
    let app = vapi().await;
    let body = tool_calls(
        "vapi_call_4",
        JOHN,
        json!([{ "id": "tc_book", "type": "function", "function": {
            "name": "book_session", "arguments": "{\"service\":\"Support\",\"date\":\"2026-11-24\",\"time\":\"09:00\"}",
        } }]),
    );

    let results = answered(&app, Auth::Bearer(SECRET), &body).await;

    assert!(
        results[0]["result"]
            .as_str()
            .is_some_and(|r| r.contains("Gebucht")),
        "{results:?}"
    );
    let found = app
        .engine
        .find_appointments(app.askpro_id, JOHN, true)
        .await
        .expect("find");
    let made = found
        .appointments
        .iter()
        .find(|b| b.service == "Support")
        .expect("booked");
    assert_eq!(made.source, BookingSource::Vapi);
    assert_eq!(made.call_id.as_deref(), Some("vapi_call_4"));
    // The document's collect_appointment_information works here too, for a new caller.
    let body = tool_calls(
        "vapi_call_5",
        "+4915122223333",
        json!([{ "id": "tc_collect", "name": "collect_appointment_information",
                 "arguments": { "name": "Lena Neu", "date": "2026-11-24", "time": "11:00", "service": "Beratung" } }]),
    );
    let results = answered(&app, Auth::Header(SECRET), &body).await;
    assert!(results[0]["result"].as_str().is_some(), "{results:?}");
}

#[tokio::test]
async fn other_messages_are_acknowledged_and_malformed_ones_are_400() {
    let app = vapi().await;
    for kind in ["status-update", "end-of-call-report", "transcript"] {
        let body =
            json!({ "message": { "type": kind, "call": { "id": "vapi_call_6" } } }).to_string();
        let (status, answer) = post(&app, Auth::Bearer(SECRET), &body).await;
        assert_eq!(status, 200, "{kind}");
        assert_eq!(answer, json!({}));
    }
    let cases = [
        ("{not json", "INVALID_JSON"),
        ("{}", "INVALID_MESSAGE"),
        (r#"{"message":{"toolCallList":[]}}"#, "INVALID_MESSAGE"),
        (r#"{"message":{"type":"tool-calls"}}"#, "INVALID_MESSAGE"),
        (
            r#"{"message":{"type":"tool-calls","toolCallList":[{"name":"get_members"}]}}"#,
            "INVALID_TOOL_CALL",
        ),
    ];
    for (body, code) in cases {
        let (status, answer) = post(&app, Auth::Bearer(SECRET), body).await;
        assert_eq!(status, 400, "{body}: {answer}");
        assert_eq!(answer["code"], code, "{body}");
    }
}
