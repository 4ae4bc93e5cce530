//! MCP over the legacy HTTP+SSE transport and the guide's direct mode, over real HTTP.

mod common;

use common::spawn_app;
use futures::StreamExt;
use serde_json::{Value, json};
use std::time::Duration;

/// Reads SSE events (`event`, `data`) off a streaming response.
struct Events {
    body: std::pin::Pin<Box<dyn futures::Stream<Item = reqwest::Result<bytes::Bytes>> + Send>>,
    buffer: String,
}

impl Events {
    fn new(response: reqwest::Response) -> Self {
        Events {
            body: Box::pin(response.bytes_stream()),
            buffer: String::new(),
        }
    }

    /// The next event, `None` when the stream ends; comments (keep-alives) are skipped.
    async fn next(&mut self) -> Option<(String, String)> {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut event = String::from("message");
                let mut data = Vec::new();
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("event:") {
                        event = v.trim().to_string();
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push(v.trim_start().to_string());
                    }
                }
                if data.is_empty() {
                    continue;
                }
                return Some((event, data.join("\n")));
            }
            match tokio::time::timeout(Duration::from_secs(10), self.body.next()).await {
                Ok(Some(Ok(chunk))) => self.buffer.push_str(&String::from_utf8_lossy(&chunk)),
                Ok(_) => return None,
                Err(_) => panic!("no SSE event within 10 s"),
            }
        }
    }

    async fn message(&mut self) -> Value {
        let (event, data) = self.next().await.expect("an event");
        assert_eq!(event, "message");
        serde_json::from_str(&data).expect("JSON-RPC message")
    }
}

async fn open_stream(app: &common::TestApp, token: &str) -> (Events, String) {
    let response = app
        .client
        .get(app.url("/mcp/sse"))
        .bearer_auth(token)
        .send()
        .await
        .expect("GET /mcp/sse");
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap_or("")
            .starts_with("text/event-stream")
    );
    assert_eq!(response.headers()["x-accel-buffering"], "no");
    let mut events = Events::new(response);
    let (event, endpoint) = events.next().await.expect("endpoint event");
    assert_eq!(event, "endpoint");
    assert!(
        endpoint.starts_with("/mcp/messages/?session_id="),
        "{endpoint}"
    );
    (events, endpoint)
}

async fn post(
    app: &common::TestApp,
    token: &str,
    endpoint: &str,
    body: Value,
) -> reqwest::Response {
    app.client
        .post(app.url(endpoint))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("POST message")
}

#[tokio::test]
async fn responses_arrive_on_the_stream_in_order() {
    let app = spawn_app().await;
    let token = app.session_token("+5511999999999").await;
    let (mut events, endpoint) = open_stream(&app, &token).await;

    let init = json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2024-11-05", "capabilities": {}, "clientInfo": { "name": "test", "version": "1" } } });
    assert_eq!(post(&app, &token, &endpoint, init).await.status(), 202);
    let initialized = events.message().await;
    assert_eq!(initialized["id"], 1);
    assert_eq!(initialized["result"]["serverInfo"]["name"], "frontdesk");

    post(
        &app,
        &token,
        &endpoint,
        json!({ "jsonrpc": "2.0", "method": "notifications/initialized" }),
    )
    .await;
    for id in 2..5 {
        let call = json!({ "jsonrpc": "2.0", "id": id, "method": "tools/call", "params": { "name": "get_members", "arguments": {} } });
        assert_eq!(post(&app, &token, &endpoint, call).await.status(), 202);
    }
    for id in 2..5 {
        let answer = events.message().await;
        assert_eq!(answer["id"], id);
        let text = answer["result"]["content"][0]["text"]
            .as_str()
            .unwrap_or_default();
        assert!(text.contains("Rafael"), "{answer}");
    }
}

#[tokio::test]
async fn a_session_has_one_stream_and_only_its_owner_posts_to_it() {
    let app = spawn_app().await;
    let token = app.session_token("+5511999999999").await;
    let intruder = app.session_token("+5521988887777").await;
    let (_events, endpoint) = open_stream(&app, &token).await;

    let second = app
        .client
        .get(app.url("/mcp/sse"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("get");
    let foreign = post(
        &app,
        &intruder,
        &endpoint,
        json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list" }),
    )
    .await;

    assert_eq!(second.status(), 429);
    assert_eq!(
        second.json::<Value>().await.expect("json")["code"],
        "RATE_LIMITED"
    );
    assert_eq!(foreign.status(), 404);
    assert_eq!(
        foreign.json::<Value>().await.expect("json")["code"],
        "INVALID_SESSION_ID"
    );
}

#[tokio::test]
async fn logout_closes_the_stream() {
    let app = spawn_app().await;
    let token = app.session_token("+5511999999999").await;
    let (mut events, _endpoint) = open_stream(&app, &token).await;

    app.client
        .post(app.url("/mcp/auth/logout"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("logout");

    assert!(
        events.next().await.is_none(),
        "the stream should end after logout"
    );
    // The session may open a stream again? No: its token is refused.
    let again = app
        .client
        .get(app.url("/mcp/sse"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("get");
    assert_eq!(again.status(), 401);
}

#[tokio::test]
async fn the_guides_direct_mode_answers_in_the_http_body() {
    let app = spawn_app().await;
    let token = app.session_token("+5511999999999").await;

    let tools = app
        .rpc(
            &token,
            json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list" }),
        )
        .await;
    let bookings = app
        .rpc(
            &token,
            json!({ "jsonrpc": "2.0", "id": 2, "method": "tools/call",
            "params": { "name": "get_bookings", "arguments": { "member_id": 12345 } } }),
        )
        .await;
    let batch = app
        .rpc(&token, json!([
            { "jsonrpc": "2.0", "id": "a", "method": "tools/list" },
            { "jsonrpc": "2.0", "method": "notifications/initialized" },
            { "jsonrpc": "2.0", "id": "b", "method": "tools/call", "params": { "name": "get_members", "arguments": {} } }
        ]))
        .await;
    let garbage = app
        .client
        .post(app.url("/mcp/messages/"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("post");

    assert_eq!(tools.status(), 200);
    let body: Value = tools.json().await.expect("json");
    assert_eq!(body["id"], 1);
    let names: Vec<&str> = body["result"]["tools"]
        .as_array()
        .expect("tools")
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    for name in [
        "get_members",
        "get_member_preferences",
        "set_member_preferences",
        "get_availability",
        "book_session",
        "cancel_booking",
        "get_bookings",
        "reschedule_booking",
        "get_business_info",
    ] {
        assert!(names.contains(&name), "{name} missing from {names:?}");
    }
    assert_eq!(bookings.status(), 200);
    let body: Value = bookings.json().await.expect("json");
    assert_eq!(body["id"], 2);
    assert_ne!(body["result"]["isError"], true, "{body}");
    let answers: Value = batch.json().await.expect("json");
    assert_eq!(answers.as_array().map(Vec::len), Some(2), "{answers}");
    assert_eq!(answers[0]["id"], "a");
    assert_eq!(answers[1]["id"], "b");
    assert_eq!(garbage.status(), 400);
    assert_eq!(
        garbage.json::<Value>().await.expect("json")["code"],
        "PARSE_ERROR"
    );
}

/// `POST /mcp/messages/` (direct mode) with a raw body, as sent.
async fn post_raw(app: &common::TestApp, token: &str, body: &str) -> reqwest::Response {
    app.client
        .post(app.url("/mcp/messages/"))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .expect("POST /mcp/messages/")
}

#[tokio::test]
async fn malformed_params_are_invalid_params_and_unserved_methods_not_found() {
    let app = spawn_app().await;
    let token = app.session_token("+5511999999999").await;
    let call = |params: Value| json!({ "jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": params });

    for (params, what) in [
        (json!({ "arguments": {} }), "no name"),
        (json!({ "name": 5, "arguments": {} }), "a numeric name"),
        (
            json!({ "name": "get_members", "arguments": [1, 2] }),
            "array arguments",
        ),
        (
            json!({ "name": "get_members", "arguments": "member 1" }),
            "string arguments",
        ),
    ] {
        let answer = app.rpc(&token, call(params)).await;
        assert_eq!(answer.status(), 200, "{what}");
        let body: Value = answer.json().await.expect("json");
        assert_eq!(body["id"], 7, "{what}: {body}");
        assert_eq!(body["error"]["code"], -32602, "{what}: {body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("name")),
            "{what}: says what to send: {body}"
        );
    }
    // Only tools are served: the other capabilities' methods do not exist.
    for method in [
        "prompts/list",
        "resources/list",
        "resources/templates/list",
        "completion/complete",
        "no/such-method",
    ] {
        let answer = app
            .rpc(
                &token,
                json!({ "jsonrpc": "2.0", "id": 8, "method": method, "params": {} }),
            )
            .await;
        let body: Value = answer.json().await.expect("json");
        assert_eq!(body["error"]["code"], -32601, "{method}: {body}");
    }
}

#[tokio::test]
async fn an_integer_id_is_echoed_exactly_or_refused() {
    let app = spawn_app().await;
    let token = app.session_token("+5511999999999").await;
    let list = |id: &str| format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"tools/list"}}"#);

    for id in [
        "9007199254740993",
        "9223372036854775807",
        "-9223372036854775808",
    ] {
        let answer = post_raw(&app, &token, &list(id)).await;
        assert_eq!(answer.status(), 200, "{id}");
        let text = answer.text().await.expect("body");
        assert!(text.contains(&format!(r#""id":{id}"#)), "{id}: {text}");
    }
    for id in [
        "9223372036854775808",
        "18446744073709551616",
        "123456789012345678901234567890",
        "1.5",
    ] {
        let single = post_raw(&app, &token, &list(id)).await;
        let in_batch = post_raw(&app, &token, &format!("[{}]", list(id))).await;
        for answer in [single, in_batch] {
            assert_eq!(answer.status(), 400, "{id}");
            let body: Value = answer.json().await.expect("json");
            assert_eq!(body["code"], "INVALID_REQUEST", "{id}: {body}");
            assert!(
                body["error"].as_str().is_some_and(|e| e.contains("id")),
                "{body}"
            );
        }
    }
}

#[tokio::test]
async fn posting_to_a_closed_stream_answers_as_documented() {
    let app = common::spawn_app_with(frontdesk_server::ServerSettings {
        // The server notices a client gone at its next keep-alive.
        sse_keep_alive: Duration::from_millis(50),
        ..frontdesk_server::ServerSettings::default()
    })
    .await;
    let token = app.session_token("+5511999999999").await;
    let (events, endpoint) = open_stream(&app, &token).await;
    let list = json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list" });
    assert_eq!(
        post(&app, &token, &endpoint, list.clone()).await.status(),
        202
    );

    drop(events);
    let mut answer = None;
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let posted = post(&app, &token, &endpoint, list.clone()).await;
        if posted.status() != 202 {
            answer = Some(posted);
            break;
        }
    }

    let answer = answer.expect("the closed stream stops accepting messages");
    assert_eq!(answer.status(), 404);
    let body: Value = answer.json().await.expect("json");
    assert_eq!(body["code"], "INVALID_SESSION_ID");
    // A new stream can be opened at once.
    let (_events, again) = open_stream(&app, &token).await;
    assert_ne!(again, endpoint);
}
