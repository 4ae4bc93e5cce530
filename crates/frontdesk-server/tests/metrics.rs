//! `GET /metrics`: the Prometheus text of this instance, counting what the app just did.

mod common;

use common::spawn_app;
use serde_json::json;

#[tokio::test]
async fn metrics_count_requests_tool_calls_and_refused_bookings() {
    // Arrange: a session, a tool call and a booking the engine refuses.
    let app = spawn_app().await;
    let token = app.session_token("+5511999999999").await;
    let members = app
        .rpc(
            &token,
            json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                   "params": {"name": "get_members", "arguments": {}}}),
        )
        .await;
    assert_eq!(members.status(), 200);
    let refused = app
        .rpc(
            &token,
            json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call",
                   "params": {"name": "book_session",
                              "arguments": {"date": "tomorrow", "time": "03:17", "level": "Intermediario2"}}}),
        )
        .await;
    assert_eq!(refused.status(), 200);

    // Act
    let response = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .expect("GET /metrics");

    // Assert
    assert_eq!(response.status(), 200);
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    let text = response.text().await.expect("text");
    for expected in [
        r#"frontdesk_http_requests_total{surface="sessions",status="200"}"#,
        r#"frontdesk_http_requests_total{surface="mcp_sse",status="200"}"#,
        r#"frontdesk_tool_calls_total{tool="get_members",outcome="ok"}"#,
        r#"frontdesk_tool_calls_total{tool="book_session",outcome="refused"}"#,
        r#"frontdesk_bookings_total{outcome="refused",rule=""#,
        "frontdesk_tool_call_duration_seconds_bucket{tool=\"get_members\",le=\"0.005\"}",
        "# TYPE frontdesk_http_request_duration_seconds histogram",
    ] {
        assert!(text.contains(expected), "missing {expected} in:\n{text}");
    }
}
