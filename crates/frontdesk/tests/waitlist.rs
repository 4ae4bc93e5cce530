//! The waitlist end to end (issue 14), over the real binary, MCP tool calls and the Twilio
//! stand-in:
//!
//! - a full slot, a caller joins, another cancels: the first caller's `get_bookings` shows the
//!   new booking and the caller was texted, in the business's language, with its code;
//! - without auto-book the freed place is held and offered by text; booking it confirms it, and
//!   so does answering the text with a yes (Twilio's signed inbound webhook);
//! - on PostgreSQL, ten places freed at once through two instances go to the first ten of
//!   twenty waiting callers, one each, and nobody else.
//!
//! PostgreSQL variants run when `FRONTDESK_TEST_POSTGRES_URL` is set.

mod support;

use serde_json::{Value, json};
use std::time::Duration;
use support::twilio::{self, TwilioStandIn};
use support::*;

const TEST_LIMIT: Duration = Duration::from_secs(150);
const SMS_WAIT: Duration = Duration::from_secs(20);

/// The business in Portuguese, `customers` known callers, `capacity` places at 08:00 and 09:00.
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

async fn tool(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    name: &str,
    arguments: Value,
) -> Value {
    let (status, body) = call_tool(client, base, token, name, arguments)
        .await
        .unwrap_or_else(|e| panic!("{name} answers: {e}"));
    tool_ok(status, &body).clone()
}

async fn book(client: &reqwest::Client, base: &str, token: &str, date: &str, time: &str) -> Value {
    tool(
        client,
        base,
        token,
        "book_session",
        json!({"service": SERVICE, "date": date, "time": time}),
    )
    .await["booking"]
        .clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_freed_place_goes_to_the_waiting_caller_who_is_texted_sqlite() {
    bounded(TEST_LIMIT, freed_place(Setup::sqlite())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_freed_place_goes_to_the_waiting_caller_who_is_texted_postgres() {
    let test = "a_freed_place_goes_to_the_waiting_caller_who_is_texted_postgres";
    if let Some(pg) = PgDatabase::create_or_skip(test).await {
        bounded(TEST_LIMIT, freed_place(Setup::postgres(pg))).await;
    }
}

async fn freed_place(setup: Setup) {
    let key = business(&setup, 3, 1);
    let stand_in = TwilioStandIn::start().await;
    let env = stand_in.env();
    let server = setup.serve(None, &env_of(&env)).await;
    let (client, base) = (client(), server.base.clone());
    let date = utc_date_in(2);
    let tokens = [
        open_session(&client, &base, &key, &phone(0)).await,
        open_session(&client, &base, &key, &phone(1)).await,
        open_session(&client, &base, &key, &phone(2)).await,
    ];

    // Caller 0 takes the only place at 08:00 and at 09:00.
    let first = book(&client, &base, &tokens[0], &date, "08:00").await;
    let second = book(&client, &base, &tokens[0], &date, "09:00").await;

    // Caller 1 waits for 08:00 (auto-book); caller 2 for 09:00, offer first.
    let (status, body) = call_tool(
        &client,
        &base,
        &tokens[1],
        "book_session",
        json!({"service": SERVICE, "date": date, "time": "08:00"}),
    )
    .await
    .expect("book_session answers");
    assert_eq!(
        body["result"]["structuredContent"]["code"],
        json!("SLOT_FULL"),
        "{status} {body}"
    );
    let joined = tool(
        &client,
        &base,
        &tokens[1],
        "join_waitlist",
        json!({"service": SERVICE, "date": date, "time_from": "08:00", "time_to": "08:00"}),
    )
    .await;
    assert_eq!(joined["entry"]["status"], json!("waiting"), "{joined}");
    assert_eq!(joined["entry"]["position"], json!(1), "{joined}");
    tool(
        &client,
        &base,
        &tokens[2],
        "join_waitlist",
        json!({"service": SERVICE, "date": date, "time_from": "09:00", "time_to": "09:00",
               "auto_book": false}),
    )
    .await;

    // /metrics counts them.
    let metrics = client
        .get(format!("{base}/metrics"))
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    assert!(
        metrics.contains("frontdesk_waitlist_entries{status=\"waiting\"} 2"),
        "{metrics}"
    );

    // The operator sees both, in order of joining.
    let listed = setup.cli(&["waitlist", "list", "--company", SLUG, "--json"]);
    let listed: Value = serde_json::from_slice(&listed.stdout).expect("waitlist JSON");
    let members: Vec<&str> = listed
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["member"].as_str())
        .collect();
    assert_eq!(members, ["Caller 1", "Caller 2"], "{listed}");
    let table = setup.cli(&["waitlist", "list", "--company", SLUG]);
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(table.contains("waiting, #1 in line"), "{table}");

    // Act: caller 0 cancels the 08:00 place.
    tool(
        &client,
        &base,
        &tokens[0],
        "cancel_booking",
        json!({"booking_id": first["booking_id"]}),
    )
    .await;

    // Assert: caller 1 holds it now, and is texted in Portuguese with its code.
    let theirs = tool(&client, &base, &tokens[1], "get_bookings", json!({})).await;
    let bookings = theirs["bookings"].as_array().expect("bookings");
    assert_eq!(bookings.len(), 1, "{theirs}");
    assert_eq!(bookings[0]["status"], json!("confirmed"));
    assert_eq!(bookings[0]["time"], json!("08:00"));
    let code = bookings[0]["voucher_code"]
        .as_str()
        .expect("code")
        .to_string();
    let texts = stand_in
        .wait_for(SMS_WAIT, "the waitlist booking's text", |r| {
            r.iter().any(|s| s.to == phone(1) && s.body.contains(&code))
        })
        .await;
    let text = texts
        .iter()
        .find(|s| s.to == phone(1) && s.body.contains(&code))
        .expect("text");
    assert!(text.body.contains("abriu uma vaga"), "{text:?}");
    let left = tool(&client, &base, &tokens[1], "get_waitlist", json!({})).await;
    assert_eq!(
        left["count"],
        json!(0),
        "a booked entry is off the list: {left}"
    );

    // Act: caller 0 cancels 09:00, which is offered to caller 2.
    tool(
        &client,
        &base,
        &tokens[0],
        "cancel_booking",
        json!({"booking_id": second["booking_id"]}),
    )
    .await;
    let waiting = tool(&client, &base, &tokens[2], "get_waitlist", json!({})).await;
    let entry = &waiting["entries"][0];
    assert_eq!(entry["status"], json!("offered"), "{waiting}");
    assert_eq!(entry["booking"]["status"], json!("held"), "{waiting}");
    assert!(entry["booking"]["held_until"].is_string(), "{waiting}");
    stand_in
        .wait_for(SMS_WAIT, "the offer", |r| {
            r.iter()
                .any(|s| s.to == phone(2) && s.body.contains("guardada para você"))
        })
        .await;
    // Nobody else can take the held place.
    let (_, refused) = call_tool(
        &client,
        &base,
        &tokens[1],
        "book_session",
        json!({"service": SERVICE, "date": date, "time": "09:00"}),
    )
    .await
    .expect("book_session answers");
    assert_eq!(
        refused["result"]["structuredContent"]["code"],
        json!("SLOT_FULL"),
        "{refused}"
    );

    // Caller 2 calls back and books it: the held place is confirmed.
    let confirmed = book(&client, &base, &tokens[2], &date, "09:00").await;
    assert_eq!(confirmed["booking_id"], entry["booking"]["booking_id"]);
    let code = confirmed["voucher_code"]
        .as_str()
        .expect("code")
        .to_string();
    stand_in
        .wait_for(SMS_WAIT, "the confirmation of the held place", |r| {
            r.iter()
                .filter(|s| s.to == phone(2) && s.body.contains(&code))
                .count()
                >= 2
        })
        .await;

    // Answering an offer by text: caller 2 waits for 08:00 too (offer first), caller 1 gives
    // it up. (Caller 0 cancelled a place at 08:00 before, so is not given it back.)
    tool(
        &client,
        &base,
        &tokens[2],
        "join_waitlist",
        json!({"service": SERVICE, "date": date, "time_from": "08:00", "time_to": "08:00",
               "auto_book": false}),
    )
    .await;
    tool(
        &client,
        &base,
        &tokens[1],
        "cancel_booking",
        json!({"booking_id": bookings[0]["booking_id"]}),
    )
    .await;
    stand_in
        .wait_for(SMS_WAIT, "the second offer to caller 2", |r| {
            r.iter()
                .filter(|s| s.to == phone(2) && s.body.contains("responda SIM"))
                .count()
                >= 2
        })
        .await;
    let inbound = format!("{base}/api/sms/twilio/inbound");
    let reply = |from: String, text: &'static str, forge: bool| {
        let (client, inbound) = (client.clone(), inbound.clone());
        async move {
            let params = [
                ("AccountSid", twilio::ACCOUNT_SID.to_string()),
                ("From", from),
                ("To", twilio::FROM.to_string()),
                ("Body", text.to_string()),
            ];
            let borrowed: Vec<(&str, &str)> =
                params.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let signature = if forge {
                "bm90IGEgc2lnbmF0dXJl".to_string()
            } else {
                twilio::sign(&inbound, &borrowed)
            };
            let response = client
                .post(&inbound)
                .header("x-twilio-signature", signature)
                .form(&params)
                .send()
                .await
                .expect("inbound answers");
            (
                response.status().as_u16(),
                response.text().await.expect("body"),
            )
        }
    };
    let at_eight = |answer: &Value| {
        answer["bookings"]
            .as_array()
            .and_then(|b| b.iter().find(|b| b["time"] == json!("08:00")).cloned())
            .unwrap_or(Value::Null)
    };
    // A forged request changes nothing; a text that is not a yes is told how to answer.
    assert_eq!(reply(phone(2), "Sim", true).await.0, 403);
    let (status, twiml) = reply(phone(2), "talvez", false).await;
    assert_eq!(status, 200, "{twiml}");
    assert!(twiml.contains("responda SIM"), "{twiml}");
    let held = tool(&client, &base, &tokens[2], "get_bookings", json!({})).await;
    assert_eq!(at_eight(&held)["status"], json!("held"), "{held}");

    // "Sim": the held place is confirmed, and the confirmation is texted.
    let (status, twiml) = reply(phone(2), " Sim! ", false).await;
    assert_eq!(
        (status, twiml.contains("<Response/>")),
        (200, true),
        "{twiml}"
    );
    let mine = tool(&client, &base, &tokens[2], "get_bookings", json!({})).await;
    let confirmed = at_eight(&mine);
    assert_eq!(confirmed["status"], json!("confirmed"), "{mine}");
    let code = confirmed["voucher_code"]
        .as_str()
        .expect("code")
        .to_string();
    stand_in
        .wait_for(SMS_WAIT, "the confirmation after the yes", |r| {
            r.iter()
                .filter(|s| s.to == phone(2) && s.body.contains(&code))
                .count()
                >= 2
        })
        .await;
    // Nothing is held for caller 0: they are told so.
    let (status, twiml) = reply(phone(0), "sim", false).await;
    assert_eq!(status, 200);
    assert!(twiml.contains("<Message>"), "{twiml}");
    server.assert_no_panic();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn places_freed_through_two_instances_go_to_one_waiting_caller_each_postgres() {
    let test = "places_freed_through_two_instances_go_to_one_waiting_caller_each_postgres";
    let Some(pg) = PgDatabase::create_or_skip(test).await else {
        return;
    };
    let setup = Setup::postgres(pg);
    bounded(TEST_LIMIT, async {
        let (booked, waiting) = (10, 20);
        let key = business(&setup, booked + waiting, 10);
        let a = setup.serve(None, &[]).await;
        let b = setup.serve(None, &[]).await;
        let (client, date) = (client(), utc_date_in(3));
        let base = |i: usize| {
            if i.is_multiple_of(2) {
                a.base.clone()
            } else {
                b.base.clone()
            }
        };
        let mut tokens = Vec::new();
        for i in 0..booked + waiting {
            tokens.push(open_session(&client, &base(i), &key, &phone(i)).await);
        }
        let mut ids = Vec::new();
        for (i, token) in tokens.iter().enumerate().take(booked) {
            ids.push(book(&client, &base(i), token, &date, "08:00").await["booking_id"].clone());
        }
        for (i, token) in tokens.iter().enumerate().skip(booked) {
            tool(
                &client,
                &base(i),
                token,
                "join_waitlist",
                json!({"service": SERVICE, "date": date, "time_from": "08:00",
                       "time_to": "08:00"}),
            )
            .await;
        }

        // Act: the ten cancel at once, half through each instance.
        let cancels: Vec<_> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| {
                let (client, base, token) = (client.clone(), base(i), tokens[i].clone());
                let id = id.clone();
                tokio::spawn(async move {
                    call_tool(
                        &client,
                        &base,
                        &token,
                        "cancel_booking",
                        json!({"booking_id": id}),
                    )
                    .await
                    .map(|(status, body)| (status, body["result"]["isError"].clone()))
                })
            })
            .collect();
        for cancel in cancels {
            let (status, is_error) = cancel.await.expect("task").expect("cancel answers");
            assert_eq!((status, is_error), (200, json!(false)));
        }

        // Assert: the first ten waiting callers have one place each; the other ten none.
        for (i, token) in tokens.iter().enumerate().skip(booked) {
            let theirs = tool(
                &client,
                &base(i),
                token,
                "get_bookings",
                json!({"status": "upcoming"}),
            )
            .await;
            let expected = usize::from(i < 2 * booked);
            assert_eq!(
                theirs["bookings"].as_array().map(Vec::len),
                Some(expected),
                "caller {i}: {theirs}"
            );
        }
        a.assert_no_panic();
        b.assert_no_panic();
    })
    .await;
}
