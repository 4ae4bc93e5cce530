//! Messages that reach people (issue 13), over the real binary and a Twilio stand-in that
//! checks Basic auth and the form as Twilio does:
//!
//! - a booking through MCP, the gateway or Vapi texts the caller once, in the business's
//!   language, with the confirmation code; a move and a cancellation text their own; reminders
//!   are scheduled and withdrawn with the booking;
//! - Twilio's signed status callback moves a message to delivered or failed; a wrong signature
//!   changes nothing;
//! - a provider 500 is retried and succeeds; a 400 ends `failed` with Twilio's error;
//! - kill -9 while messages are being sent loses none and sends none twice;
//! - two instances on one PostgreSQL share the queue and send no message twice.
//!
//! PostgreSQL variants run when `FRONTDESK_TEST_POSTGRES_URL` is set.

mod support;

use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::time::Duration;
use support::twilio::{self, TwilioStandIn};
use support::*;

const TEST_LIMIT: Duration = Duration::from_secs(150);
const SMS_WAIT: Duration = Duration::from_secs(20);
const VAPI_SECRET: &str = "vapi-messages-test-secret";

/// The business in Portuguese with `customers` known callers and two times a day.
fn business(setup: &Setup, customers: usize, capacity: u32) -> String {
    let text = Business {
        capacity,
        times: vec!["08:00", "09:00"],
        customers,
    }
    .toml()
    .replace("language = \"en-US\"", "language = \"pt-BR\"");
    let file = setup.dir.path().join("business.toml");
    std::fs::write(&file, text).expect("write business file");
    setup.cli(&["import", file.to_str().expect("utf-8 path")]);
    setup.key("mcp")
}

fn env_of<'a>(pairs: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    pairs.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// `frontdesk messages list --json` on the test database.
fn messages(setup: &Setup) -> Vec<Value> {
    let out = setup.cli(&["messages", "list", "--json", "--limit", "1000"]);
    serde_json::from_slice(&out.stdout).expect("messages JSON")
}

fn with_status<'a>(rows: &'a [Value], kind: &str, status: &str) -> Vec<&'a Value> {
    rows.iter()
        .filter(|m| m["kind"] == json!(kind) && m["status"] == json!(status))
        .collect()
}

async fn postgres_setup(test: &str) -> Option<Setup> {
    PgDatabase::create_or_skip(test).await.map(Setup::postgres)
}

async fn book(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    date: &str,
    time: &str,
) -> (i64, String) {
    let (status, body) = call_tool(
        client,
        base,
        token,
        "book_session",
        json!({"service": SERVICE, "date": date, "time": time}),
    )
    .await
    .expect("book_session answers");
    match booked(status, &body) {
        Booked::Confirmed { id, voucher } => (id, voucher),
        Booked::Refused(code) => panic!("refused {code}: {body}"),
    }
}

// =============================================================================================
// Every surface texts the caller

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_surface_texts_the_caller_in_the_business_language_sqlite() {
    bounded(TEST_LIMIT, every_surface(Setup::sqlite())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_surface_texts_the_caller_in_the_business_language_postgres() {
    let test = "every_surface_texts_the_caller_in_the_business_language_postgres";
    if let Some(setup) = postgres_setup(test).await {
        bounded(TEST_LIMIT, every_surface(setup)).await;
    }
}

async fn every_surface(setup: Setup) {
    let key = business(&setup, 3, 4);
    let gateway_key = setup.key("gateway");
    setup.cli(&["company", "set", SLUG, "--vapi-secret", VAPI_SECRET]);
    let stand_in = TwilioStandIn::start().await;
    let env = stand_in.env();
    let server = setup.serve(None, &env_of(&env)).await;
    let (client, base) = (client(), server.base.clone());
    let date = utc_date_in(2);

    // MCP: caller 0 books.
    let token = open_session(&client, &base, &key, &phone(0)).await;
    let (id, code) = book(&client, &base, &token, &date, "08:00").await;
    let sms = stand_in
        .wait_for(SMS_WAIT, "the MCP confirmation", |r| {
            r.iter().any(|s| s.to == phone(0))
        })
        .await;
    let first = sms.iter().find(|s| s.to == phone(0)).expect("sms").clone();
    assert!(first.body.contains(&code), "{first:?}");
    assert!(first.body.contains("Caller 0"), "{first:?}");
    assert!(
        first.body.contains("está reservado"),
        "not in Portuguese: {first:?}"
    );
    assert!(first.body.contains("Código de confirmação"), "{first:?}");
    assert_eq!(first.from.as_deref(), Some(twilio::FROM));
    assert_eq!(
        first.status_callback.as_deref(),
        Some(format!("{base}/api/sms/twilio/status").as_str())
    );

    // The gateway: caller 1, a known customer.
    let answer = gateway_call(
        &client,
        &base,
        &gateway_key,
        "createAppointment",
        json!({"name": "Caller 1", "phone": phone(1), "service": SERVICE, "date": date,
               "time": "09:00", "email": "caller1@example.com"}),
    )
    .await;
    assert_eq!(
        answer["result"]["confirmation_sent"],
        json!(true),
        "{answer}"
    );
    let gateway_code = answer["result"]["appointment"]["confirmation_number"]
        .as_str()
        .expect("confirmation_number")
        .to_string();

    // Vapi: caller 2 books through a tool call.
    let vapi = client
        .post(format!("{base}/api/vapi/tool-calls"))
        .header("x-vapi-secret", VAPI_SECRET)
        .json(&json!({"message": {
            "type": "tool-calls",
            "call": {"id": "vapi-call-1", "customer": {"number": phone(2)}},
            "toolCallList": [{"id": "t1", "name": "book_session",
                "arguments": {"service": SERVICE, "date": date, "time": "08:00"}}]
        }}))
        .send()
        .await
        .expect("vapi answers");
    assert_eq!(vapi.status(), 200);

    let sms = stand_in
        .wait_for(SMS_WAIT, "the gateway and Vapi confirmations", |r| {
            r.iter().any(|s| s.to == phone(1)) && r.iter().any(|s| s.to == phone(2))
        })
        .await;
    let to = |n: usize| sms.iter().filter(|s| s.to == phone(n)).collect::<Vec<_>>();
    assert_eq!(to(1).len(), 1, "{sms:#?}");
    assert!(to(1)[0].body.contains(&gateway_code), "{sms:#?}");
    assert_eq!(to(2).len(), 1, "{sms:#?}");
    assert!(to(2)[0].body.contains("Caller 2") && to(2)[0].body.contains("está reservado"));

    // The e-mail copy waits: no SMTP server is configured, and `messages list` says so.
    let rows = messages(&setup);
    let mails: Vec<&Value> = rows
        .iter()
        .filter(|m| m["channel"] == json!("email"))
        .collect();
    assert_eq!(mails.len(), 1, "{rows:#?}");
    assert_eq!(mails[0]["recipient"], json!("caller1@example.com"));
    assert_eq!(mails[0]["status"], json!("pending"));
    let listed = setup.cli(&["messages", "list"]);
    let why = String::from_utf8_lossy(&listed.stderr);
    assert!(
        why.contains("1 email message(s) stay pending") && why.contains("FRONTDESK_SMTP_URL"),
        "{why}"
    );
    // A malformed address is refused and books nothing.
    let bad = gateway_call(
        &client,
        &base,
        &gateway_key,
        "createAppointment",
        json!({"name": "Caller 1", "phone": phone(1), "service": SERVICE, "date": date,
               "time": "08:00", "email": "not an address"}),
    )
    .await;
    assert!(bad["error"].is_object(), "{bad}");
    assert!(bad.to_string().contains("email"), "{bad}");

    // Each booking scheduled its reminder (24 h before; the start is two days away).
    assert_eq!(
        with_status(&rows, "booking_reminder", "pending").len(),
        3,
        "{rows:#?}"
    );

    // Move caller 0's booking, then cancel it: one text each; its reminders follow.
    let (status, body) = call_tool(
        &client,
        &base,
        &token,
        "reschedule_booking",
        json!({"booking_id": id, "new_date": date, "new_time": "09:00"}),
    )
    .await
    .expect("reschedule answers");
    tool_ok(status, &body);
    stand_in
        .wait_for(SMS_WAIT, "the notice of the move", |r| {
            r.iter()
                .any(|s| s.to == phone(0) && s.body.contains("remarcado"))
        })
        .await;
    let (status, body) = call_tool(
        &client,
        &base,
        &token,
        "cancel_booking",
        json!({"booking_id": id}),
    )
    .await
    .expect("cancel answers");
    tool_ok(status, &body);
    let sms = stand_in
        .wait_for(SMS_WAIT, "the notice of the cancellation", |r| {
            r.iter()
                .any(|s| s.to == phone(0) && s.body.contains("cancelado"))
        })
        .await;
    assert_eq!(
        sms.iter().filter(|s| s.to == phone(0)).count(),
        3,
        "{sms:#?}"
    );
    let rows = messages(&setup);
    let of_booking = |status: &str| {
        with_status(&rows, "booking_reminder", status)
            .into_iter()
            .filter(|m| m["booking_id"] == json!(id))
            .count()
    };
    assert_eq!(
        (of_booking("pending"), of_booking("cancelled")),
        (0, 2),
        "{rows:#?}"
    );
    assert_eq!(with_status(&rows, "booking_reminder", "pending").len(), 2);
    assert_eq!(stand_in.requests_with_bad_auth(), 0);

    // Twilio's status callback: a wrong signature changes nothing, a right one applies.
    let callback = format!("{base}/api/sms/twilio/status");
    let delivered = [
        ("AccountSid", twilio::ACCOUNT_SID),
        ("MessageSid", first.sid.as_str()),
        ("MessageStatus", "delivered"),
        ("To", first.to.as_str()),
    ];
    let post = |params: Vec<(&'static str, String)>, signature: String| {
        client
            .post(&callback)
            .header("x-twilio-signature", signature)
            .form(&params)
            .send()
    };
    let owned = |p: &[(&'static str, &str)]| -> Vec<(&'static str, String)> {
        p.iter().map(|(k, v)| (*k, v.to_string())).collect()
    };
    let forged = post(owned(&delivered), "bm90IGEgc2lnbmF0dXJl".into())
        .await
        .expect("callback answers");
    assert_eq!(forged.status(), 403);
    let confirmation = |rows: &[Value]| {
        rows.iter()
            .find(|m| m["provider_id"] == json!(first.sid))
            .cloned()
            .expect("the first confirmation")
    };
    assert_eq!(confirmation(&messages(&setup))["status"], json!("sent"));
    let applied = post(owned(&delivered), twilio::sign(&callback, &delivered))
        .await
        .expect("callback answers");
    assert_eq!(applied.status(), 204);
    assert_eq!(
        confirmation(&messages(&setup))["status"],
        json!("delivered")
    );

    let gateway_sms = to(1)[0].sid.clone();
    let undelivered = [
        ("AccountSid", twilio::ACCOUNT_SID),
        ("ErrorCode", "30003"),
        ("MessageSid", gateway_sms.as_str()),
        ("MessageStatus", "undelivered"),
    ];
    let applied = post(owned(&undelivered), twilio::sign(&callback, &undelivered))
        .await
        .expect("callback answers");
    assert_eq!(applied.status(), 204);
    let rows = messages(&setup);
    let failed = rows
        .iter()
        .find(|m| m["provider_id"] == json!(gateway_sms))
        .expect("the gateway's confirmation");
    assert_eq!(failed["status"], json!("failed"), "{failed}");
    assert!(
        failed["last_error"]
            .as_str()
            .unwrap_or("")
            .contains("30003")
    );
    server.assert_no_panic();
}

async fn gateway_call(
    client: &reqwest::Client,
    base: &str,
    key: &str,
    method: &str,
    params: Value,
) -> Value {
    let response = client
        .post(format!("{base}/api/mcp/gateway"))
        .bearer_auth(key)
        .json(&json!({"jsonrpc": "2.0", "id": 1, "method": format!("appointment_mgmt.{method}"), "params": params}))
        .send()
        .await
        .expect("gateway answers");
    assert_eq!(response.status(), 200);
    response.json().await.expect("JSON")
}

// =============================================================================================
// Retries and failures

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_500_is_retried_and_a_400_fails_with_the_providers_error() {
    bounded(TEST_LIMIT, async {
        let setup = Setup::sqlite();
        let key = business(&setup, 2, 4);
        let stand_in = TwilioStandIn::start().await;
        stand_in.fail_next(&[500]);
        stand_in.refuse_number(&phone(1));
        let mut env = stand_in.env();
        env.push(("FRONTDESK_MESSAGE_RETRY_FIRST_SECS", "1".into()));
        let server = setup.serve(None, &env_of(&env)).await;
        let (client, base) = (client(), server.base.clone());
        let date = utc_date_in(2);

        let token = open_session(&client, &base, &key, &phone(0)).await;
        let (_, code) = book(&client, &base, &token, &date, "08:00").await;
        let sms = stand_in
            .wait_for(SMS_WAIT, "the retried confirmation", |r| !r.is_empty())
            .await;
        assert_eq!(sms.len(), 1, "{sms:#?}");
        assert!(sms[0].body.contains(&code));
        let rows = messages(&setup);
        let sent = with_status(&rows, "booking_confirmed", "sent");
        assert_eq!(sent.len(), 1, "{rows:#?}");
        assert_eq!(sent[0]["attempts"], json!(2), "{rows:#?}");

        let token = open_session(&client, &base, &key, &phone(1)).await;
        book(&client, &base, &token, &date, "08:00").await;
        let deadline = tokio::time::Instant::now() + SMS_WAIT;
        let failed = loop {
            let rows = messages(&setup);
            if let Some(f) = with_status(&rows, "booking_confirmed", "failed").first() {
                break (*f).clone();
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "never failed: {rows:#?}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        assert_eq!(failed["recipient"], json!(phone(1)));
        assert_eq!(
            failed["attempts"],
            json!(1),
            "a 400 is not retried: {failed}"
        );
        let error = failed["last_error"].as_str().unwrap_or("");
        assert!(
            error.contains("21211") && error.contains("not a valid"),
            "{error}"
        );
        assert_eq!(stand_in.received().len(), 1);

        // `messages retry` puts it back; Twilio still refuses, so it fails again.
        let id = failed["id"].as_i64().expect("id").to_string();
        let out = setup.cli(&["messages", "retry", &id]);
        assert!(String::from_utf8_lossy(&out.stdout).contains("pending again"));
        server.assert_no_panic();
    })
    .await;
}

// =============================================================================================
// Crashes and several instances

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_while_sending_loses_no_message_and_sends_none_twice() {
    bounded(TEST_LIMIT, async {
        let setup = Setup::sqlite();
        let callers = 8;
        let key = business(&setup, callers, 20);
        let stand_in = TwilioStandIn::start().await;
        // Slow answers: the kill lands while Twilio holds messages it has accepted.
        stand_in.set_delay(Duration::from_millis(700));
        let mut env = stand_in.env();
        env.push(("FRONTDESK_MESSAGE_LEASE_SECS", "5".into()));
        let mut first = setup.serve(None, &env_of(&env)).await;
        let (client, date) = (client(), utc_date_in(2));
        let mut codes = Vec::new();
        for i in 0..callers {
            let token = open_session(&client, &first.base, &key, &phone(i)).await;
            codes.push(book(&client, &first.base, &token, &date, "08:00").await.1);
        }
        stand_in
            .wait_for(SMS_WAIT, "the first accepted message", |r| !r.is_empty())
            .await;
        first.kill9();
        let at_kill = stand_in.received().len();
        assert!(at_kill < callers, "every message went out before the kill");

        let second = setup.serve(None, &env_of(&env)).await;
        stand_in.set_delay(Duration::ZERO);
        stand_in
            .wait_for(Duration::from_secs(40), "every confirmation", |r| {
                codes
                    .iter()
                    .all(|c| r.iter().any(|s| s.body.contains(c.as_str())))
            })
            .await;
        // Every row settled (the killed worker's after its lease), and nothing more arrives.
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        while with_status(&messages(&setup), "booking_confirmed", "sent").len() < callers {
            assert!(
                tokio::time::Instant::now() < deadline,
                "{:#?}",
                messages(&setup)
            );
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
        let received = stand_in.received();
        let mut per_code: BTreeMap<&str, usize> = BTreeMap::new();
        for code in &codes {
            per_code.insert(
                code,
                received
                    .iter()
                    .filter(|s| s.body.contains(code.as_str()))
                    .count(),
            );
        }
        assert!(
            per_code.values().all(|n| *n == 1),
            "sent twice: {per_code:?}"
        );
        assert_eq!(received.len(), callers);
        let rows = messages(&setup);
        let sent = with_status(&rows, "booking_confirmed", "sent");
        assert_eq!(sent.len(), callers, "{rows:#?}");
        // The message the kill caught in flight was taken again, found at Twilio, not resent.
        assert!(sent.iter().any(|m| m["attempts"] == json!(2)), "{rows:#?}");
        second.assert_no_panic();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_postgres_share_the_queue_and_send_no_message_twice() {
    let test = "two_instances_on_postgres_share_the_queue_and_send_no_message_twice";
    let Some(setup) = postgres_setup(test).await else {
        return;
    };
    bounded(TEST_LIMIT, async {
        let callers = 12;
        let key = business(&setup, callers, 20);
        let stand_in = TwilioStandIn::start().await;
        stand_in.set_delay(Duration::from_millis(30));
        let env = stand_in.env();
        let a = setup.serve(None, &env_of(&env)).await;
        let b = setup.serve(None, &env_of(&env)).await;
        let (client, date) = (client(), utc_date_in(2));
        let mut codes = Vec::new();
        for i in 0..callers {
            let base = if i % 2 == 0 { &a.base } else { &b.base };
            let token = open_session(&client, base, &key, &phone(i)).await;
            codes.push(book(&client, base, &token, &date, "09:00").await.1);
        }
        stand_in
            .wait_for(SMS_WAIT, "every confirmation", |r| {
                codes
                    .iter()
                    .all(|c| r.iter().any(|s| s.body.contains(c.as_str())))
            })
            .await;
        tokio::time::sleep(Duration::from_secs(2)).await;
        let received = stand_in.received();
        assert_eq!(received.len(), callers, "{received:#?}");
        for code in &codes {
            assert_eq!(
                received
                    .iter()
                    .filter(|s| s.body.contains(code.as_str()))
                    .count(),
                1,
                "{code}"
            );
        }
        a.assert_no_panic();
        b.assert_no_panic();
    })
    .await;
}

// =============================================================================================
// Webhooks in the business file

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_business_file_adds_its_webhooks_once_and_exports_them_without_secrets() {
    let setup = Setup::sqlite();
    let mut text = Business {
        capacity: 2,
        times: vec!["08:00"],
        customers: 1,
    }
    .toml();
    text.push_str(
        "\n[[webhooks]]\nurl = \"https://hooks.example.com/frontdesk\"\n\
         events = [\"booking.created\"]\nsecret = \"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\"\n\
         \n[[webhooks]]\nurl = \"https://audit.example.com/in\"\n",
    );
    let file = setup.dir.path().join("business.toml");
    std::fs::write(&file, &text).expect("write");
    let path = file.to_str().expect("utf-8");

    let first = String::from_utf8_lossy(&setup.cli(&["import", path]).stdout).to_string();
    // The endpoint without a secret got one, printed once; the given one is not echoed.
    assert!(
        first.contains("https://audit.example.com/in") && first.contains("whsec_"),
        "{first}"
    );
    assert!(
        !first.contains("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
        "{first}"
    );
    let again = String::from_utf8_lossy(&setup.cli(&["import", path]).stdout).to_string();
    assert!(
        !again.contains("webhook"),
        "a second import adds nothing: {again}"
    );
    let listed =
        String::from_utf8_lossy(&setup.cli(&["webhook", "list", "--company", SLUG]).stdout)
            .to_string();
    assert_eq!(listed.matches("https://").count(), 2, "{listed}");
    assert!(listed.contains("booking.created"), "{listed}");
    let exported =
        String::from_utf8_lossy(&setup.cli(&["export", "--company", SLUG]).stdout).to_string();
    assert!(
        exported.contains("https://hooks.example.com/frontdesk"),
        "{exported}"
    );
    assert!(!exported.contains("whsec_"), "{exported}");

    // A bad URL in the file changes nothing.
    std::fs::write(
        &file,
        text.replace("https://audit.example.com/in", "ftp://x"),
    )
    .expect("write");
    let refused = std::process::Command::new(env!("CARGO_BIN_EXE_frontdesk"))
        .args(["import", path, "--database", &setup.db.url])
        .env("FRONTDESK_SECRET_KEY_FILE", setup.key_file())
        .output()
        .expect("run");
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("url"));
}

// =============================================================================================
// A company with its own Twilio account

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_company_with_its_own_twilio_account_sends_and_is_verified_with_it() {
    bounded(TEST_LIMIT, async {
        let setup = Setup::sqlite();
        let own_sender = "+15005550009";
        let mut text = Business {
            capacity: 2,
            times: vec!["08:00"],
            customers: 1,
        }
        .toml();
        text = text.replace(
            "[company.policy]",
            &format!(
                "twilio_auth_token = \"{}\"\n\n[company.messaging]\nsms_from = \"{own_sender}\"\n\
                 twilio_account_sid = \"{}\"\n\n[company.policy]",
                twilio::OWN_AUTH_TOKEN,
                twilio::OWN_ACCOUNT_SID
            ),
        );
        let file = setup.dir.path().join("business.toml");
        std::fs::write(&file, &text).expect("write");
        setup.cli(&["import", file.to_str().expect("utf-8")]);
        let key = setup.key("mcp");
        // The token is stored encrypted, never as given.
        let needle = twilio::OWN_AUTH_TOKEN.as_bytes();
        for file in ["fd.db", "fd.db-wal"] {
            let bytes = std::fs::read(setup.dir.path().join(file)).unwrap_or_default();
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle),
                "the token is stored in clear in {file}"
            );
        }
        assert!(setup.dir.path().join("fd.db").exists());

        let stand_in = TwilioStandIn::start().await;
        let server = setup.serve(None, &env_of(&stand_in.env())).await;
        let (client, base) = (client(), server.base.clone());
        let token = open_session(&client, &base, &key, &phone(0)).await;
        book(&client, &base, &token, &utc_date_in(2), "08:00").await;
        let sms = stand_in
            .wait_for(SMS_WAIT, "the confirmation", |r| !r.is_empty())
            .await;
        assert_eq!(sms[0].account_sid, twilio::OWN_ACCOUNT_SID, "{sms:#?}");
        assert_eq!(sms[0].from.as_deref(), Some(own_sender));

        // Its callbacks are signed with its own token: the server's does not pass.
        let callback = format!("{base}/api/sms/twilio/status");
        let params = [
            ("AccountSid", twilio::OWN_ACCOUNT_SID),
            ("MessageSid", sms[0].sid.as_str()),
            ("MessageStatus", "delivered"),
        ];
        let post = |signature: String| {
            client
                .post(&callback)
                .header("x-twilio-signature", signature)
                .form(&params)
                .send()
        };
        let wrong = post(twilio::sign(&callback, &params))
            .await
            .expect("answer");
        assert_eq!(wrong.status(), 403);
        let right = post(twilio::sign_with(
            twilio::OWN_AUTH_TOKEN,
            &callback,
            &params,
        ))
        .await
        .expect("answer");
        assert_eq!(right.status(), 204);
        let rows = messages(&setup);
        assert_eq!(
            with_status(&rows, "booking_confirmed", "delivered").len(),
            1,
            "{rows:#?}"
        );
        server.assert_no_panic();
    })
    .await;
}
