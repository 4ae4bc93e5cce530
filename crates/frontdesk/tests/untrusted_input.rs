//! Input from outside, over the real binary on SQLite and PostgreSQL (issue 11, items 5–7):
//!
//! - one rule for text: control characters and bidi overrides are refused with a clear error
//!   on every surface (MCP tools, the gateway, Retell), a transcript is stripped instead, and
//!   nothing reaches the database that it cannot store (PostgreSQL used to answer NUL with an
//!   internal error, the Retell webhook with a 500 that Retell retries forever);
//! - caller ids with anything but digits and the usual punctuation are refused, not resolved;
//! - a reschedule to the booking's own slot changes nothing and queues no second message;
//! - a refused booking registers nobody: registration and booking commit together.
//!
//! PostgreSQL variants run when `FRONTDESK_TEST_POSTGRES_URL` is set (each on a database of
//! its own); without it they are skipped, except under `CI=true`, where that fails.

mod support;

use serde_json::{Value, json};
use std::time::Duration;
use support::*;

const TEST_LIMIT: Duration = Duration::from_secs(90);
const RETELL_KEY: &str = "key_untrusted_input_test";

/// The business with unknown callers allowed to register by booking.
fn open_business(setup: &Setup, capacity: u32) -> String {
    let text = Business {
        capacity,
        times: vec!["08:00", "09:00"],
        customers: 2,
    }
    .toml()
    .replace(
        "allow_unknown_callers = false",
        "allow_unknown_callers = true",
    );
    let file = setup.dir.path().join("business.toml");
    std::fs::write(&file, text).expect("write business file");
    setup.cli(&["import", file.to_str().expect("utf-8 path")]);
    setup.key("mcp")
}

/// One number from a query on the test database (`SELECT COUNT(*) …`).
async fn count(setup: &Setup, sql: &str) -> i64 {
    use sqlx::Connection;
    if setup.db.pg.is_some() {
        let mut conn = sqlx::PgConnection::connect(&setup.db.url)
            .await
            .expect("connect to the test database");
        sqlx::query_scalar(sql)
            .fetch_one(&mut conn)
            .await
            .expect(sql)
    } else {
        let mut conn = sqlx::SqliteConnection::connect(&setup.db.url)
            .await
            .expect("open the test database");
        sqlx::query_scalar(sql)
            .fetch_one(&mut conn)
            .await
            .expect(sql)
    }
}

/// The refusal of a tool call: its structured content (code, field, message) and text.
fn refused(status: u16, body: &Value) -> (Value, String) {
    assert_eq!(status, 200, "{body}");
    let result = &body["result"];
    assert_eq!(result["isError"], json!(true), "expected a refusal: {body}");
    let text = result["content"][0]["text"]
        .as_str()
        .expect("spoken text")
        .to_string();
    (result["structuredContent"].clone(), text)
}

/// A gateway `appointment_mgmt.*` call: HTTP 200 and the JSON-RPC answer.
async fn gateway(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    method: &str,
    params: Value,
) -> Value {
    let response = client
        .post(format!("{base}/api/mcp/gateway"))
        .bearer_auth(token)
        .json(&json!({"jsonrpc": "2.0", "id": 1, "method": format!("appointment_mgmt.{method}"), "params": params}))
        .send()
        .await
        .expect("gateway answers");
    assert_eq!(response.status(), 200);
    response.json().await.expect("JSON")
}

async fn postgres_setup(test: &str) -> Option<Setup> {
    PgDatabase::create_or_skip(test).await.map(Setup::postgres)
}

// =============================================================================================
// Control characters and bidi overrides

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn control_and_bidi_characters_are_refused_on_every_surface_sqlite() {
    bounded(TEST_LIMIT, untrusted_text(Setup::sqlite())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn control_and_bidi_characters_are_refused_on_every_surface_postgres() {
    let test = "control_and_bidi_characters_are_refused_on_every_surface_postgres";
    if let Some(setup) = postgres_setup(test).await {
        bounded(TEST_LIMIT, untrusted_text(setup)).await;
    }
}

async fn untrusted_text(setup: Setup) {
    let key = open_business(&setup, 4);
    let gateway_key = setup.key("gateway");
    setup.cli(&["company", "set", SLUG, "--retell-api-key", RETELL_KEY]);
    let server = setup.serve(None, &[]).await;
    let (client, base) = (client(), server.base.clone());
    let date = utc_date_in(2);
    let token = open_session(&client, &base, &key, &phone(0)).await;

    // MCP tools: each free-text argument, with NUL and with a right-to-left override.
    let bad_texts = ["Eve\u{0}", "Eve\u{202E}enoD nhoJ", "a\u{7}b"];
    for bad in bad_texts {
        for (field, arguments) in [
            (
                "notes",
                json!({"service": SERVICE, "date": date, "time": "08:00", "notes": bad}),
            ),
            (
                "idempotency_key",
                json!({"service": SERVICE, "date": date, "time": "08:00", "idempotency_key": bad}),
            ),
            (
                "member_name",
                json!({"service": SERVICE, "date": date, "time": "08:00", "member_name": bad}),
            ),
        ] {
            let (status, body) = call_tool(&client, &base, &token, "book_session", arguments)
                .await
                .expect("book_session answers");
            let (out, text) = refused(status, &body);
            assert_eq!(
                out["code"],
                json!("INVALID_INPUT"),
                "{field} {bad:?}: {body}"
            );
            assert_eq!(out["field"], json!(field), "{body}");
            assert!(
                text.contains("control") && !text.contains('\u{0}'),
                "{field}: {text}"
            );
        }
    }
    // An unknown caller's name is refused before anybody is registered.
    let stranger = open_session(&client, &base, &key, &phone(50)).await;
    let (status, body) = call_tool(
        &client,
        &base,
        &stranger,
        "book_session",
        json!({"service": SERVICE, "date": date, "time": "08:00", "name": "Eve\u{0}\u{202E}enoD nhoJ"}),
    )
    .await
    .expect("book_session answers");
    let (out, _) = refused(status, &body);
    assert_eq!(out["code"], json!("INVALID_INPUT"), "{body}");
    assert_eq!(out["field"], json!("name"), "{body}");

    // A cancellation reason.
    let (status, body) = call_tool(
        &client,
        &base,
        &token,
        "book_session",
        json!({"service": SERVICE, "date": date, "time": "08:00"}),
    )
    .await
    .expect("book_session answers");
    let Booked::Confirmed { id, .. } = booked(status, &body) else {
        panic!("a plain booking is confirmed: {body}");
    };
    let (status, body) = call_tool(
        &client,
        &base,
        &token,
        "cancel_booking",
        json!({"booking_id": id, "reason": "ill\u{0}"}),
    )
    .await
    .expect("cancel_booking answers");
    let (out, _) = refused(status, &body);
    assert_eq!(out["field"], json!("reason"), "{body}");

    // The gateway: invalid params, not an internal error.
    for params in [
        json!({"name": "Eve\u{0}", "phone": phone(51), "service": SERVICE, "date": date, "time": "09:00"}),
        json!({"name": "Caller 1", "phone": phone(1), "service": SERVICE, "date": date, "time": "09:00", "notes": "\u{202E}x"}),
        json!({"name": "Caller 1", "phone": phone(1), "service": SERVICE, "date": date, "time": "09:00", "idempotency_key": "k\u{0}"}),
    ] {
        let body = gateway(
            &client,
            &base,
            &gateway_key,
            "createAppointment",
            params.clone(),
        )
        .await;
        assert_eq!(body["error"]["code"], json!(-32602), "{params}: {body}");
    }

    // Retell: a call id with NUL is refused with 422 (Retell does not retry a 4xx), a transcript
    // with NUL is kept without it.
    let webhook = format!("{base}/api/mcp/retell/webhook?company={SLUG}");
    let post = |body: Value| {
        let text = body.to_string();
        let signature = frontdesk_retell::signature::sign_now(RETELL_KEY, text.as_bytes());
        client
            .post(&webhook)
            .header("content-type", "application/json")
            .header("x-retell-signature", signature)
            .body(text)
            .send()
    };
    let response = post(json!({"event": "call_started", "call": {"call_id": "call\u{0}1", "from_number": phone(0)}}))
        .await
        .expect("webhook answers");
    assert_eq!(response.status(), 422, "{:?}", response.text().await);
    let response = post(json!({"event": "call_ended", "call": {
        "call_id": "call_nul_transcript", "from_number": phone(0),
        "transcript": "Agent: hello\u{0}\nUser: \u{202E}hi", "call_analysis": {"summary\u{0}": "ok\u{0}"}
    }}))
    .await
    .expect("webhook answers");
    let status = response.status();
    assert_eq!(status, 200, "{:?}", response.text().await);
    assert_eq!(
        count(
            &setup,
            "SELECT COUNT(*) FROM calls WHERE external_id = 'call_nul_transcript' \
             AND transcript = 'Agent: hello\nUser: hi'"
        )
        .await,
        1
    );

    // Nothing else was written: one booking (the plain one), still confirmed; nobody new.
    let bookings = all_bookings(&client, &base, &token).await;
    assert_eq!(bookings.len(), 1, "{bookings:?}");
    assert_eq!(bookings[0]["status"], json!("confirmed"));
    assert_eq!(count(&setup, "SELECT COUNT(*) FROM customers").await, 2);
    server.assert_no_panic();
}

// =============================================================================================
// Caller ids

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn caller_ids_with_letters_or_a_sign_are_refused_not_resolved() {
    let setup = Setup::sqlite();
    let key = open_business(&setup, 4);
    let server = setup.serve(None, &[]).await;
    let client = client();
    let known = phone(0);
    for caller_id in [
        format!("{}abc", &known[1..]),
        format!("-{}", &known[1..]),
        format!("{known}\u{0}"),
    ] {
        let response = client
            .post(format!("{}/mcp/auth/session", server.base))
            .header("x-api-key", &key)
            .json(&json!({ "caller_id": caller_id }))
            .send()
            .await
            .expect("session answers");
        assert_eq!(response.status(), 400, "{caller_id:?}");
        let body: Value = response.json().await.expect("JSON");
        assert_eq!(
            body["code"],
            json!("INVALID_CALLER_ID"),
            "{caller_id:?}: {body}"
        );
    }
    // The plain forms still resolve to the customer.
    open_session(&client, &server.base, &key, &known[1..]).await;
}

// =============================================================================================
// Reschedule to the same slot

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reschedule_to_the_same_slot_is_a_no_op_that_queues_nothing_sqlite() {
    bounded(TEST_LIMIT, same_slot(Setup::sqlite())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reschedule_to_the_same_slot_is_a_no_op_that_queues_nothing_postgres() {
    let test = "reschedule_to_the_same_slot_is_a_no_op_that_queues_nothing_postgres";
    if let Some(setup) = postgres_setup(test).await {
        bounded(TEST_LIMIT, same_slot(setup)).await;
    }
}

/// Customer notices (confirmation, move) and pending reminders in the outbox.
async fn notices(setup: &Setup) -> (i64, i64) {
    let sent = "SELECT COUNT(*) FROM notifications WHERE kind <> 'booking_reminder'";
    let reminders = "SELECT COUNT(*) FROM notifications WHERE kind = 'booking_reminder' \
                     AND status = 'pending'";
    (count(setup, sent).await, count(setup, reminders).await)
}

async fn same_slot(setup: Setup) {
    let key = open_business(&setup, 4);
    let gateway_key = setup.key("gateway");
    let server = setup.serve(None, &[]).await;
    let (client, base) = (client(), server.base.clone());
    let date = utc_date_in(2);
    let token = open_session(&client, &base, &key, &phone(0)).await;
    let (status, body) = call_tool(
        &client,
        &base,
        &token,
        "book_session",
        json!({"service": SERVICE, "date": date, "time": "08:00"}),
    )
    .await
    .expect("book_session answers");
    let Booked::Confirmed { id, .. } = booked(status, &body) else {
        panic!("booked: {body}");
    };
    assert_eq!(notices(&setup).await, (1, 1));

    for _ in 0..3 {
        let (status, body) = call_tool(
            &client,
            &base,
            &token,
            "reschedule_booking",
            json!({"booking_id": id, "new_date": date, "new_time": "08:00"}),
        )
        .await
        .expect("reschedule answers");
        let out = tool_ok(status, &body);
        assert_eq!(out["unchanged"], json!(true), "{body}");
        assert_eq!(out["confirmation_sent"], json!(false), "{body}");
        let text = body["result"]["content"][0]["text"].as_str().unwrap_or("");
        assert!(text.contains("nothing was changed"), "{text}");
    }
    // The gateway's reschedule says the same.
    let body = gateway(
        &client,
        &base,
        &gateway_key,
        "rescheduleAppointment",
        json!({"appointment_id": id, "phone": phone(0), "new_date": date, "new_time": "08:00"}),
    )
    .await;
    assert_eq!(
        body["result"]["appointment"]["unchanged"],
        json!(true),
        "{body}"
    );
    assert_eq!(notices(&setup).await, (1, 1));

    // A real move still moves and tells the customer.
    let (status, body) = call_tool(
        &client,
        &base,
        &token,
        "reschedule_booking",
        json!({"booking_id": id, "new_date": date, "new_time": "09:00"}),
    )
    .await
    .expect("reschedule answers");
    let out = tool_ok(status, &body);
    assert_eq!(out["unchanged"], json!(false), "{body}");
    assert_eq!(out["after"]["time"], json!("09:00"), "{body}");
    assert_eq!(notices(&setup).await, (2, 1));
}

// =============================================================================================
// Registration commits with the booking

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_booking_registers_nobody_sqlite() {
    bounded(TEST_LIMIT, refused_registration(Setup::sqlite())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_booking_registers_nobody_postgres() {
    let test = "a_refused_booking_registers_nobody_postgres";
    if let Some(setup) = postgres_setup(test).await {
        bounded(TEST_LIMIT, refused_registration(setup)).await;
    }
}

async fn refused_registration(setup: Setup) {
    let key = open_business(&setup, 1);
    let gateway_key = setup.key("gateway");
    let server = setup.serve(None, &[]).await;
    let (client, base) = (client(), server.base.clone());
    let date = utc_date_in(2);
    let customers = || count(&setup, "SELECT COUNT(*) FROM customers");
    let members = || count(&setup, "SELECT COUNT(*) FROM members");
    assert_eq!((customers().await, members().await), (2, 2));

    // Fill 08:00 (capacity 1) with a known caller.
    let known = open_session(&client, &base, &key, &phone(0)).await;
    let (status, body) = call_tool(
        &client,
        &base,
        &known,
        "book_session",
        json!({"service": SERVICE, "date": date, "time": "08:00"}),
    )
    .await
    .expect("book_session answers");
    assert!(matches!(booked(status, &body), Booked::Confirmed { .. }));

    let stranger = open_session(&client, &base, &key, &phone(60)).await;
    for (arguments, code) in [
        // full
        (
            json!({"service": SERVICE, "date": date, "time": "08:00", "name": "Nova Pessoa"}),
            "SLOT_FULL",
        ),
        // not in the schedule
        (
            json!({"service": SERVICE, "date": date, "time": "07:00", "name": "Nova Pessoa"}),
            "NO_SUCH_SLOT",
        ),
        // unknown service
        (
            json!({"service": "kitesurf", "date": date, "time": "09:00", "name": "Nova Pessoa"}),
            "INVALID_INPUT",
        ),
        // outside the booking window
        (
            json!({"service": SERVICE, "date": utc_date_in(60), "time": "09:00", "name": "Nova Pessoa"}),
            "OUTSIDE_BOOKING_WINDOW",
        ),
        // a day that has passed (its own code since issue 12)
        (
            json!({"service": SERVICE, "date": utc_date_in(-2), "time": "09:00", "name": "Nova Pessoa"}),
            "DATE_PASSED",
        ),
    ] {
        let (status, body) = call_tool(&client, &base, &stranger, "book_session", arguments)
            .await
            .expect("book_session answers");
        let (out, _) = refused(status, &body);
        assert_eq!(out["code"], json!(code), "{body}");
        assert_eq!((customers().await, members().await), (2, 2), "{body}");
    }
    // The gateway's createAppointment for a new number, refused: nobody registered either.
    let body = gateway(
        &client,
        &base,
        &gateway_key,
        "createAppointment",
        json!({"name": "Outra Pessoa", "phone": phone(61), "service": SERVICE, "date": date, "time": "08:00"}),
    )
    .await;
    assert!(body["error"].is_object(), "{body}");
    assert_eq!((customers().await, members().await), (2, 2), "{body}");

    // A booking that fits registers the caller with it, and the session knows them after.
    let (status, body) = call_tool(
        &client,
        &base,
        &stranger,
        "book_session",
        json!({"service": SERVICE, "date": date, "time": "09:00", "name": "Nova Pessoa"}),
    )
    .await
    .expect("book_session answers");
    let out = tool_ok(status, &body);
    assert_eq!(out["registered"], json!(true), "{body}");
    assert_eq!((customers().await, members().await), (3, 3));
    assert_eq!(all_bookings(&client, &base, &stranger).await.len(), 1);
    assert_eq!(
        count(
            &setup,
            "SELECT COUNT(*) FROM members m JOIN customers c ON c.id = m.customer_id \
             WHERE m.name = 'Nova Pessoa' AND c.name = 'Nova Pessoa'"
        )
        .await,
        1
    );
    server.assert_no_panic();
}
