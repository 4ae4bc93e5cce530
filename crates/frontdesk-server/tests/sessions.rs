//! Caller sessions over real HTTP, exactly as the integration guide documents them.

mod common;

use common::{spawn_app, spawn_app_with};
use frontdesk_domain::ApiKeyKind;
use frontdesk_server::ServerSettings;
use serde_json::{Value, json};
use std::time::Duration;

#[tokio::test]
async fn a_known_caller_gets_a_session_with_their_members() {
    let app = spawn_app().await;

    let response = app
        .create_session(&app.beyond_key, json!({ "caller_id": "+5511999999999" }))
        .await;

    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("json");
    let token = body["session_token"].as_str().expect("token");
    assert!(
        token.starts_with("sess_") && token.len() >= 5 + 43,
        "{token}"
    );
    assert_eq!(body["expires_in"], 600);
    assert_eq!(
        body["user"],
        json!({ "phone": "+5511999999999", "name": "Rafael Silva", "has_beyond_token": true, "member_ids": [12345, 12346] })
    );
}

#[tokio::test]
async fn caller_ids_are_normalised_as_the_guide_says() {
    let app = spawn_app().await;
    for caller_id in [
        json!("5511999999999"),
        json!("(11) 99999-9999"),
        json!(5511999999999u64),
    ] {
        let response = app
            .create_session(&app.beyond_key, json!({ "caller_id": caller_id }))
            .await;
        assert_eq!(response.status(), 200, "{caller_id}");
        let body: Value = response.json().await.expect("json");
        assert_eq!(body["user"]["phone"], "+5511999999999", "{caller_id}");
        assert_eq!(body["user"]["name"], "Rafael Silva");
    }

    let invalid = app
        .create_session(&app.beyond_key, json!({ "caller_id": "99999999" }))
        .await;
    assert_eq!(invalid.status(), 400);
    let body: Value = invalid.json().await.expect("json");
    assert_eq!(body["code"], "INVALID_CALLER_ID");
    assert!(
        body["error"]
            .as_str()
            .is_some_and(|e| e.contains("99999999"))
    );
}

#[tokio::test]
async fn an_unknown_caller_still_gets_a_session() {
    let app = spawn_app().await;

    let response = app
        .create_session(&app.beyond_key, json!({ "caller_id": "+5521988887777" }))
        .await;

    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("json");
    assert_eq!(
        body["user"],
        json!({ "phone": "+5521988887777", "name": null, "has_beyond_token": false, "member_ids": [] })
    );
}

#[tokio::test]
async fn session_creation_errors_have_the_documented_codes() {
    let app = spawn_app().await;

    let no_key = app
        .client
        .post(app.url("/mcp/auth/session"))
        .json(&json!({ "caller_id": "+5511999999999" }))
        .send()
        .await
        .expect("post");
    let bad_key = app
        .create_session("fd_mcp_not-a-key", json!({ "caller_id": "+5511999999999" }))
        .await;
    let no_caller = app.create_session(&app.beyond_key, json!({})).await;
    let empty_caller = app
        .create_session(&app.beyond_key, json!({ "caller_id": "  " }))
        .await;
    let not_json = app
        .client
        .post(app.url("/mcp/auth/session"))
        .header("x-api-key", &app.beyond_key)
        .header("content-type", "text/plain")
        .body("caller_id=+5511999999999")
        .send()
        .await
        .expect("post");
    let broken_json = app
        .client
        .post(app.url("/mcp/auth/session"))
        .header("x-api-key", &app.beyond_key)
        .header("content-type", "application/json")
        .body("{\"caller_id\": ")
        .send()
        .await
        .expect("post");

    for (response, status, code) in [
        (no_key, 401, "INVALID_API_KEY"),
        (bad_key, 401, "INVALID_API_KEY"),
        (no_caller, 400, "MISSING_CALLER_ID"),
        (empty_caller, 400, "MISSING_CALLER_ID"),
        (not_json, 415, "UNSUPPORTED_MEDIA_TYPE"),
        (broken_json, 400, "INVALID_JSON"),
    ] {
        assert_eq!(response.status(), status, "{code}");
        let body: Value = response.json().await.expect("json error body");
        assert_eq!(body["code"], code);
        assert!(body["error"].as_str().is_some_and(|e| !e.is_empty()));
    }
}

#[tokio::test]
async fn validate_answers_valid_with_the_user_or_invalid() {
    let app = spawn_app().await;
    let token = app.session_token("+5511999999999").await;

    let valid = app
        .client
        .get(app.url("/mcp/auth/validate"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("get");
    let invalid = app
        .client
        .get(app.url("/mcp/auth/validate"))
        .bearer_auth("sess_nope")
        .send()
        .await
        .expect("get");
    let missing = app
        .client
        .get(app.url("/mcp/auth/validate"))
        .send()
        .await
        .expect("get");

    assert_eq!(valid.status(), 200);
    let body: Value = valid.json().await.expect("json");
    assert_eq!(body["valid"], true);
    assert_eq!(body["user"]["member_ids"], json!([12345, 12346]));
    assert_eq!(invalid.status(), 401);
    let body: Value = invalid.json().await.expect("json");
    assert_eq!(
        body,
        json!({ "valid": false, "error": "Invalid or expired session", "code": "INVALID_SESSION" })
    );
    assert_eq!(missing.status(), 401);
    let body: Value = missing.json().await.expect("json");
    assert_eq!(body["code"], "MISSING_TOKEN");
}

#[tokio::test]
async fn after_logout_the_token_is_refused_everywhere() {
    let app = spawn_app().await;
    let token = app.session_token("+5511999999999").await;

    let logout = app
        .client
        .post(app.url("/mcp/auth/logout"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("post");
    assert_eq!(logout.status(), 200);
    assert_eq!(
        logout.json::<Value>().await.expect("json"),
        json!({ "success": true })
    );

    let validate = app
        .client
        .get(app.url("/mcp/auth/validate"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("get");
    let message = app
        .rpc(
            &token,
            json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list" }),
        )
        .await;
    let sse = app
        .client
        .get(app.url("/mcp/sse"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("get");
    let again = app
        .client
        .post(app.url("/mcp/auth/logout"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("post");
    for response in [validate, message, sse, again] {
        assert_eq!(response.status(), 401);
        let body: Value = response.json().await.expect("json");
        assert_eq!(body["code"], "INVALID_SESSION");
    }
}

#[tokio::test]
async fn an_expired_session_is_refused() {
    let app = spawn_app_with(ServerSettings {
        // Expiry is stored in whole seconds: a 1 s session opened late in a second could
        // already have expired when checked just after the next second began.
        session_ttl: Duration::from_secs(2),
        ..ServerSettings::default()
    })
    .await;
    let token = app.session_token("+5511999999999").await;
    let before = app
        .client
        .get(app.url("/mcp/auth/validate"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("get");
    assert_eq!(before.status(), 200);

    tokio::time::sleep(Duration::from_millis(2300)).await;
    let after = app
        .client
        .get(app.url("/mcp/auth/validate"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("get");

    assert_eq!(after.status(), 401);
}

#[tokio::test]
async fn health_counts_the_live_sessions() {
    let app = spawn_app().await;
    let count = || async {
        let body: Value = app
            .client
            .get(app.url("/mcp/health"))
            .send()
            .await
            .expect("get")
            .json()
            .await
            .expect("json");
        assert_eq!(body["status"], "healthy");
        assert_eq!(body["service"], "mcp-server");
        body["active_sessions"].as_i64().expect("count")
    };
    assert_eq!(count().await, 0);

    let a = app.session_token("+5511999999999").await;
    let _b = app.session_token("+5521988887777").await;
    assert_eq!(count().await, 2);

    app.client
        .post(app.url("/mcp/auth/logout"))
        .bearer_auth(&a)
        .send()
        .await
        .expect("logout");
    assert_eq!(count().await, 1);
}

#[tokio::test]
async fn session_creation_is_limited_to_ten_a_minute_per_ip() {
    let app = spawn_app().await;
    for i in 0..10 {
        let ok = app
            .create_session(&app.beyond_key, json!({ "caller_id": "+5511999999999" }))
            .await;
        assert_eq!(ok.status(), 200, "request {i}");
    }

    let limited = app
        .create_session(&app.beyond_key, json!({ "caller_id": "+5511999999999" }))
        .await;

    assert_eq!(limited.status(), 429);
    let retry_after: u64 = limited
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After seconds");
    assert!((1..=60).contains(&retry_after));
    let body: Value = limited.json().await.expect("json");
    assert_eq!(body["code"], "RATE_LIMITED");
}

#[tokio::test]
async fn messages_are_limited_to_sixty_a_minute_per_session() {
    let app = spawn_app().await;
    let token = app.session_token("+5511999999999").await;
    let other = app.session_token("+5521988887777").await;
    let list = json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list" });
    for i in 0..60 {
        assert_eq!(
            app.rpc(&token, list.clone()).await.status(),
            200,
            "message {i}"
        );
    }

    let limited = app.rpc(&token, list.clone()).await;
    let other_session = app.rpc(&other, list).await;

    assert_eq!(limited.status(), 429);
    assert!(limited.headers().contains_key("retry-after"));
    assert_eq!(
        limited.json::<Value>().await.expect("json")["code"],
        "RATE_LIMITED"
    );
    assert_eq!(other_session.status(), 200, "the limit is per session");
}

#[tokio::test]
async fn an_oversized_body_gets_a_json_413() {
    let app = spawn_app().await;
    let huge = "9".repeat(100 * 1024);

    let response = app
        .create_session(&app.beyond_key, json!({ "caller_id": huge }))
        .await;

    assert_eq!(response.status(), 413);
    assert_eq!(
        response.json::<Value>().await.expect("json")["code"],
        "PAYLOAD_TOO_LARGE"
    );
}

#[tokio::test]
async fn a_disallowed_origin_is_refused_on_every_mcp_endpoint() {
    let app = spawn_app_with(ServerSettings {
        mcp_allowed_origins: vec!["https://agent.example".into()],
        ..ServerSettings::default()
    })
    .await;
    let token = app.session_token("+5511999999999").await;
    let list = json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list" });

    let allowed = app
        .client
        .post(app.url("/mcp/messages/"))
        .bearer_auth(&token)
        .header("origin", "https://agent.example")
        .json(&list)
        .send()
        .await
        .expect("post");
    let no_origin = app.rpc(&token, list.clone()).await;
    let mut refused = Vec::new();
    for (method, path) in [
        ("POST", "/mcp/messages/"),
        ("POST", "/mcp"),
        ("GET", "/mcp/sse"),
    ] {
        let request = match method {
            "GET" => app.client.get(app.url(path)),
            _ => app.client.post(app.url(path)).json(&list),
        };
        refused.push(
            request
                .bearer_auth(&token)
                .header("origin", "https://evil.example")
                .header("accept", "application/json, text/event-stream")
                .send()
                .await
                .expect("request"),
        );
    }

    assert_eq!(allowed.status(), 200);
    assert_eq!(
        no_origin.status(),
        200,
        "clients that send no Origin are not browsers"
    );
    for response in refused {
        assert_eq!(response.status(), 403, "{}", response.url());
        assert_eq!(
            response.json::<Value>().await.expect("json")["code"],
            "ORIGIN_NOT_ALLOWED"
        );
    }
}

/// `POST /mcp` with the headers Streamable HTTP wants and whatever `auth` adds.
async fn post_mcp(
    app: &common::TestApp,
    auth: impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder,
    body: Value,
) -> reqwest::Response {
    auth(
        app.client
            .post(app.url("/mcp"))
            .header("accept", "application/json, text/event-stream"),
    )
    .json(&body)
    .send()
    .await
    .expect("POST /mcp")
}

fn initialize() -> Value {
    json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {},
        "clientInfo": { "name": "test", "version": "1" } } })
}

fn tools_list(n: usize) -> Value {
    Value::Array(
        (0..n)
            .map(|i| json!({ "jsonrpc": "2.0", "id": i, "method": "tools/list" }))
            .collect(),
    )
}

#[tokio::test]
async fn a_batch_holds_at_most_a_hundred_messages() {
    let app = spawn_app_with(ServerSettings {
        messages_per_session_per_minute: 1000,
        ..ServerSettings::default()
    })
    .await;
    let token = app.session_token("+5511999999999").await;

    let refused = app.rpc(&token, tools_list(101)).await;
    let hundred = app.rpc(&token, tools_list(100)).await;

    assert_eq!(refused.status(), 400);
    let body: Value = refused.json().await.expect("json");
    assert_eq!(body["code"], "INVALID_REQUEST");
    assert!(
        body["error"].as_str().is_some_and(|e| e.contains("100")),
        "{body}"
    );
    assert_eq!(hundred.status(), 200);
    let answers: Value = hundred.json().await.expect("json");
    assert_eq!(answers.as_array().map(Vec::len), Some(100));
}

#[tokio::test]
async fn every_message_of_a_batch_counts_against_the_session_limit() {
    let app = spawn_app().await;
    let list = json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list" });

    // More than a minute's allowance at once never fits, and uses none of it.
    let fresh = app.session_token("+5511999999999").await;
    let too_big = app.rpc(&fresh, tools_list(61)).await;
    assert_eq!(too_big.status(), 429);
    assert!(too_big.headers().contains_key("retry-after"));
    assert_eq!(
        too_big.json::<Value>().await.expect("json")["code"],
        "RATE_LIMITED"
    );
    assert_eq!(app.rpc(&fresh, list.clone()).await.status(), 200);

    // Two batches of 30 use up the 60.
    let token = app.session_token("+5521988887777").await;
    for round in 0..2 {
        let batch = app.rpc(&token, tools_list(30)).await;
        assert_eq!(batch.status(), 200, "batch {round}");
        let answers: Value = batch.json().await.expect("json");
        assert_eq!(answers.as_array().map(Vec::len), Some(30));
    }
    let limited = app.rpc(&token, list).await;
    assert_eq!(limited.status(), 429);
    assert_eq!(
        limited.json::<Value>().await.expect("json")["code"],
        "RATE_LIMITED"
    );
}

#[tokio::test]
async fn sessions_opened_implicitly_on_mcp_count_against_the_ip() {
    let app = spawn_app().await;
    let implicit = |caller: String| {
        let key = app.beyond_key.clone();
        move |r: reqwest::RequestBuilder| r.header("x-api-key", key).header("x-caller-id", caller)
    };
    // One caller's requests reuse one session: one counted.
    for i in 0..12 {
        let reused = post_mcp(&app, implicit("+5511999999999".into()), initialize()).await;
        assert_eq!(reused.status(), 200, "request {i} of one caller");
    }
    // Nine more callers make ten sessions from this address.
    for i in 1..10 {
        let caller = format!("+55119999900{i:02}");
        let opened = post_mcp(&app, implicit(caller), initialize()).await;
        assert_eq!(opened.status(), 200, "caller {i}");
    }

    let eleventh = post_mcp(&app, implicit("+5511999990099".into()), initialize()).await;
    let explicit = app
        .create_session(&app.beyond_key, json!({ "caller_id": "+5511999990098" }))
        .await;

    assert_eq!(eleventh.status(), 429);
    assert!(eleventh.headers().contains_key("retry-after"));
    assert_eq!(
        eleventh.json::<Value>().await.expect("json")["code"],
        "RATE_LIMITED"
    );
    assert_eq!(explicit.status(), 429, "one allowance for both ways");
    // The sessions already open keep working.
    let reused = post_mcp(&app, implicit("+5511999999999".into()), initialize()).await;
    assert_eq!(reused.status(), 200);
}

#[tokio::test]
async fn refused_keys_count_in_a_bucket_of_their_own() {
    let app = spawn_app().await;
    for i in 0..10 {
        let bad = app
            .create_session("fd_mcp_wrong", json!({ "caller_id": "+5511999999999" }))
            .await;
        assert_eq!(bad.status(), 401, "bad key {i}");
    }

    let eleventh = app
        .create_session("fd_mcp_wrong", json!({ "caller_id": "+5511999999999" }))
        .await;
    let on_mcp = post_mcp(
        &app,
        |r| {
            r.header("x-api-key", "fd_mcp_wrong")
                .header("x-caller-id", "+5511999999999")
        },
        initialize(),
    )
    .await;
    let good = app
        .create_session(&app.beyond_key, json!({ "caller_id": "+5511999999999" }))
        .await;
    let good_implicit = post_mcp(
        &app,
        |r| {
            r.header("x-api-key", &app.beyond_key)
                .header("x-caller-id", "+5521988887777")
        },
        initialize(),
    )
    .await;

    assert_eq!(eleventh.status(), 429);
    assert_eq!(
        eleventh.json::<Value>().await.expect("json")["code"],
        "RATE_LIMITED"
    );
    assert_eq!(on_mcp.status(), 429);
    assert_eq!(good.status(), 200, "a good key is not locked out");
    assert_eq!(good_implicit.status(), 200);
}

/// With Redis the same counts hold across instances (here: one instance counting in Redis).
#[tokio::test]
async fn with_redis_implicit_sessions_and_refused_keys_are_counted_there() {
    let Some(url) = std::env::var("FRONTDESK_TEST_REDIS_URL")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        assert!(
            !std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true")),
            "FRONTDESK_TEST_REDIS_URL must be set when CI=true"
        );
        println!("skipped: FRONTDESK_TEST_REDIS_URL is not set");
        return;
    };
    let prefix = format!("test-{}:", frontdesk_engine::keys::random_token(12));
    let app = spawn_app_with(ServerSettings {
        redis_url: Some(url),
        redis_prefix: prefix,
        sessions_per_ip_per_minute: 3,
        ..ServerSettings::default()
    })
    .await;
    for i in 0..3 {
        let bad = app
            .create_session("fd_mcp_wrong", json!({ "caller_id": "+5511999999999" }))
            .await;
        assert_eq!(bad.status(), 401, "bad key {i}");
    }
    let fourth_bad = app
        .create_session("fd_mcp_wrong", json!({ "caller_id": "+5511999999999" }))
        .await;
    assert_eq!(fourth_bad.status(), 429);
    for i in 0..3 {
        let caller = format!("+55119999900{i:02}");
        let opened = post_mcp(
            &app,
            |r| {
                r.header("x-api-key", &app.beyond_key)
                    .header("x-caller-id", caller)
            },
            initialize(),
        )
        .await;
        assert_eq!(opened.status(), 200, "caller {i}");
    }
    let fourth = post_mcp(
        &app,
        |r| {
            r.header("x-api-key", &app.beyond_key)
                .header("x-caller-id", "+5511999990099")
        },
        initialize(),
    )
    .await;
    assert_eq!(fourth.status(), 429);
}

/// A session token opened with `key` for `caller`.
async fn token_with(app: &common::TestApp, key: &str, caller: &str) -> String {
    let response = app
        .create_session(key, json!({ "caller_id": caller }))
        .await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("json");
    body["session_token"].as_str().expect("token").to_string()
}

#[tokio::test]
async fn revoking_a_key_ends_the_sessions_it_opened_at_once() {
    let app = spawn_app().await;
    let minted = app
        .engine
        .create_api_key(app.beyond_id, ApiKeyKind::Mcp, None)
        .await
        .expect("key");
    let known = token_with(&app, &minted.secret, "+5511999999999").await;
    let unknown = token_with(&app, &minted.secret, "+5511955554444").await;
    let other_key = app.session_token("+5521988887777").await;
    let list = json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list" });
    let stateless = |token: String| {
        post_mcp(
            &app,
            move |r| {
                r.bearer_auth(token)
                    .header("mcp-protocol-version", "2025-06-18")
            },
            initialize(),
        )
    };
    // In use, so the known caller's session sits in the session cache.
    assert_eq!(stateless(known.clone()).await.status(), 200);
    assert_eq!(app.rpc(&known, list.clone()).await.status(), 200);
    let implicit = post_mcp(
        &app,
        |r| {
            r.header("x-api-key", &minted.secret)
                .header("x-caller-id", "+5511999999999")
        },
        initialize(),
    )
    .await;
    assert_eq!(implicit.status(), 200);

    let revoked = app
        .engine
        .revoke_api_key_and_sessions(minted.key.id)
        .await
        .expect("revoke");
    assert!(revoked.key.revoked_at.is_some());
    assert_eq!(revoked.ended_sessions.len(), 3, "two opened, one implicit");

    for token in [&known, &unknown] {
        let on_mcp = stateless(token.clone()).await;
        assert_eq!(on_mcp.status(), 401);
        assert_eq!(
            on_mcp.json::<Value>().await.expect("json")["code"],
            "INVALID_SESSION"
        );
        let direct = app.rpc(token, list.clone()).await;
        assert_eq!(direct.status(), 401);
        let validate = app
            .client
            .get(app.url("/mcp/auth/validate"))
            .bearer_auth(token)
            .send()
            .await
            .expect("get");
        assert_eq!(validate.status(), 401);
    }
    let implicit = post_mcp(
        &app,
        |r| {
            r.header("x-api-key", &minted.secret)
                .header("x-caller-id", "+5511999999999")
        },
        initialize(),
    )
    .await;
    assert_eq!(implicit.status(), 401);
    assert_eq!(
        app.rpc(&other_key, list).await.status(),
        200,
        "another key's sessions go on"
    );
    let again = app
        .engine
        .revoke_api_key_and_sessions(minted.key.id)
        .await
        .expect("revoke again");
    assert!(again.ended_sessions.is_empty());
    assert_eq!(again.key.revoked_at, revoked.key.revoked_at);
}

#[tokio::test]
async fn an_mcp_session_belongs_to_the_caller_session_that_opened_it() {
    let app = spawn_app().await;
    let owner = app.session_token("+5511999999999").await;
    let intruder = app.session_token("+5521988887777").await;
    let opened = post_mcp(&app, |r| r.bearer_auth(&owner), initialize()).await;
    assert_eq!(opened.status(), 200);
    let session_id = opened
        .headers()
        .get("mcp-session-id")
        .and_then(|v| v.to_str().ok())
        .expect("Mcp-Session-Id")
        .to_string();
    let in_session = |token: String, body: Value| {
        let session_id = session_id.clone();
        post_mcp(
            &app,
            move |r| {
                r.bearer_auth(token)
                    .header("mcp-session-id", session_id)
                    .header("mcp-protocol-version", "2025-06-18")
            },
            body,
        )
    };
    let initialized = json!({ "jsonrpc": "2.0", "method": "notifications/initialized" });
    let list = json!({ "jsonrpc": "2.0", "id": 2, "method": "tools/list" });
    assert_eq!(
        in_session(owner.clone(), initialized.clone())
            .await
            .status(),
        202
    );

    let foreign_post = in_session(intruder.clone(), list.clone()).await;
    let foreign_delete = app
        .client
        .delete(app.url("/mcp"))
        .bearer_auth(&intruder)
        .header("mcp-session-id", &session_id)
        .header("mcp-protocol-version", "2025-06-18")
        .send()
        .await
        .expect("DELETE /mcp");
    let unknown = post_mcp(
        &app,
        |r| {
            r.bearer_auth(&owner)
                .header("mcp-session-id", "no-such-session")
                .header("mcp-protocol-version", "2025-06-18")
        },
        list.clone(),
    )
    .await;

    assert_eq!(foreign_post.status(), 404);
    assert_eq!(foreign_delete.status(), 404);
    assert_eq!(unknown.status(), 404);
    let foreign: Value = foreign_post.json().await.expect("json");
    let not_found: Value = unknown.json().await.expect("json");
    assert_eq!(
        foreign, not_found,
        "another's session looks like no session"
    );
    let own = in_session(owner.clone(), list).await;
    assert_eq!(own.status(), 200, "the owner's session still works");
    let text = own.text().await.expect("body");
    assert!(text.contains("get_members"), "{text}");
    let own_delete = app
        .client
        .delete(app.url("/mcp"))
        .bearer_auth(&owner)
        .header("mcp-session-id", &session_id)
        .header("mcp-protocol-version", "2025-06-18")
        .send()
        .await
        .expect("DELETE /mcp");
    assert!(own_delete.status().is_success(), "{}", own_delete.status());
}

/// The JSON-RPC message in a `/mcp` answer, JSON or a one-event SSE stream.
async fn mcp_answer(response: reqwest::Response) -> (u16, String, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    let json = text
        .lines()
        .filter_map(|l| l.strip_prefix("data:"))
        .map(str::trim)
        .find(|d| d.contains("jsonrpc"))
        .unwrap_or(&text)
        .to_string();
    let value = serde_json::from_str(&json).unwrap_or(Value::Null);
    (status, json, value)
}

#[tokio::test]
async fn streamable_http_answers_json_rpc_details_as_the_spec_says() {
    let app = spawn_app().await;
    let token = app.session_token("+5511999999999").await;
    let opened = post_mcp(&app, |r| r.bearer_auth(&token), initialize()).await;
    let session_id = opened
        .headers()
        .get("mcp-session-id")
        .and_then(|v| v.to_str().ok())
        .expect("Mcp-Session-Id")
        .to_string();
    let send = |body: String| {
        app.client
            .post(app.url("/mcp"))
            .bearer_auth(&token)
            .header("accept", "application/json, text/event-stream")
            .header("content-type", "application/json")
            .header("mcp-session-id", &session_id)
            .header("mcp-protocol-version", "2025-06-18")
            .body(body)
            .send()
    };
    send(r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#.into())
        .await
        .expect("initialized");

    let (_, _, no_name) = mcp_answer(
        send(r#"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"arguments":{}}}"#.into())
            .await
            .expect("post"),
    )
    .await;
    let (_, _, bad_arguments) = mcp_answer(
        send(
            r#"{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"get_members","arguments":[1]}}"#
                .into(),
        )
        .await
        .expect("post"),
    )
    .await;
    let (_, _, prompts) = mcp_answer(
        send(r#"{"jsonrpc":"2.0","id":5,"method":"prompts/list"}"#.into())
            .await
            .expect("post"),
    )
    .await;
    let (status, raw, huge) = mcp_answer(
        send(r#"{"jsonrpc":"2.0","id":18446744073709551616,"method":"tools/list"}"#.into())
            .await
            .expect("post"),
    )
    .await;

    assert_eq!(no_name["error"]["code"], -32602, "{no_name}");
    assert_eq!(bad_arguments["error"]["code"], -32602, "{bad_arguments}");
    assert_eq!(prompts["error"]["code"], -32601, "{prompts}");
    assert_eq!(status, 400, "refused, as in direct mode: {raw}");
    assert_eq!(huge["code"], "INVALID_REQUEST", "{raw}");
    assert!(
        !raw.contains("e19") && !raw.contains(".0"),
        "never a float: {raw}"
    );
}

/// A stateless (2026-07-28) request on `/mcp`: the status and the JSON-RPC answer.
async fn stateless(app: &common::TestApp, token: &str, method: &str) -> (u16, Value) {
    let body = json!({
        "jsonrpc": "2.0", "id": 1, "method": method,
        "params": { "_meta": {
            "io.modelcontextprotocol/protocolVersion": "2026-07-28",
            "io.modelcontextprotocol/clientCapabilities": {},
            "io.modelcontextprotocol/clientInfo": { "name": "test", "version": "1" }
        } }
    });
    let response = post_mcp(
        app,
        |r| {
            r.bearer_auth(token)
                .header("mcp-protocol-version", "2026-07-28")
                .header("mcp-method", method)
        },
        body,
    )
    .await;
    let (status, _, value) = mcp_answer(response).await;
    (status, value)
}

/// The 2026-07-28 conformance check `sep-2575-server-declares-prompts-in-discover`: what
/// `server/discover` declares is exactly what answers.
#[tokio::test]
async fn server_discover_declares_exactly_what_is_served() {
    let app = spawn_app().await;
    let token = app.session_token("+5511999999999").await;

    let (status, discover) = stateless(&app, &token, "server/discover").await;
    let (_, tools) = stateless(&app, &token, "tools/list").await;
    let (prompts_status, prompts) = stateless(&app, &token, "prompts/list").await;
    let (_, resources) = stateless(&app, &token, "resources/list").await;

    assert_eq!(status, 200, "{discover}");
    let capabilities = &discover["result"]["capabilities"];
    assert!(capabilities["tools"].is_object(), "{discover}");
    assert!(tools["result"]["tools"].is_array(), "{tools}");
    for (name, answer) in [("prompts", &prompts), ("resources", &resources)] {
        assert!(
            capabilities.get(name).is_none(),
            "{name} declared: {discover}"
        );
        assert_eq!(answer["error"]["code"], -32601, "{name}: {answer}");
    }
    assert_eq!(prompts_status, 404, "method not found is 404 on HTTP");
}
