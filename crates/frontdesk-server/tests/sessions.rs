//! Caller sessions over real HTTP, exactly as the integration guide documents them.

mod common;

use common::{spawn_app, spawn_app_with};
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
        session_ttl: Duration::from_secs(1),
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

    tokio::time::sleep(Duration::from_millis(1300)).await;
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
