//! Every text a caller may hear is wholly in the business's language, and a refusal's
//! `structuredContent.message` is that same text (issue 11, item 11). Over real HTTP (the
//! guide's direct mode) on the demo businesses: Beyond The Club speaks pt-BR and books only
//! for its customers, AskProAI Demo speaks de-DE.

mod common;

use common::{TestApp, spawn_app};
use serde_json::{Value, json};

const RAFAEL: &str = "+5511999999999";
const STRANGER_BR: &str = "+5511988887777";
const JOHN: &str = "+491234567890";

/// Phrases of the engine's English details that used to leak into spoken refusals.
const ENGLISH: [&str; 10] = [
    "say which",
    "there is no",
    "services are",
    "staff are",
    "members are",
    "send the",
    "no member called",
    "is not",
    "register them",
    "Invalid",
];

async fn token(app: &TestApp, key: &str, caller: &str) -> String {
    let response = app
        .create_session(key, json!({ "caller_id": caller }))
        .await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("json");
    body["session_token"].as_str().expect("token").to_string()
}

/// A refused `tools/call`: (spoken text, structured content).
async fn refusal(app: &TestApp, token: &str, tool: &str, arguments: Value) -> (String, Value) {
    let response = app
        .rpc(
            token,
            json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                   "params": {"name": tool, "arguments": arguments}}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("json");
    let result = &body["result"];
    assert_eq!(result["isError"], json!(true), "expected a refusal: {body}");
    let text = result["content"][0]["text"]
        .as_str()
        .expect("text")
        .to_string();
    let out = result["structuredContent"].clone();
    assert_eq!(
        out["message"],
        json!(text),
        "message and spoken text differ"
    );
    for english in ENGLISH {
        assert!(!text.contains(english), "English {english:?} in {text:?}");
    }
    (text, out)
}

#[tokio::test]
async fn refusals_are_said_wholly_in_the_business_language() {
    let app = spawn_app().await;

    // pt-BR
    let rafael = token(&app, &app.beyond_key, RAFAEL).await;
    let (text, out) = refusal(
        &app,
        &rafael,
        "book_session",
        json!({"service": "kitesurf", "date": "tomorrow", "time": "08:00", "member_name": "Rafael"}),
    )
    .await;
    assert_eq!(out["code"], json!("INVALID_INPUT"));
    assert!(text.starts_with("Qual serviço?"), "{text}");
    assert!(
        text.contains("Iniciante1"),
        "the services are offered: {text}"
    );

    let (text, out) = refusal(
        &app,
        &rafael,
        "book_session",
        json!({"service": "iniciante1-lado-esquerdo", "date": "tomorrow", "time": "08:00",
               "member_name": "Zeca"}),
    )
    .await;
    assert_eq!(out["field"], json!("member_name"));
    assert!(text.starts_with("Para qual membro?"), "{text}");

    let (text, _) = refusal(
        &app,
        &rafael,
        "book_session",
        json!({"service": "iniciante1-lado-esquerdo", "date": "tomorrow", "time": "08:00",
               "member_name": "Rafael", "notes": "oi\u{0}"}),
    )
    .await;
    assert!(text.starts_with("O texto em notes"), "{text}");

    // Beyond books only for its customers: the refusal says so, and so does its message.
    let stranger = token(&app, &app.beyond_key, STRANGER_BR).await;
    let (text, out) = refusal(
        &app,
        &stranger,
        "book_session",
        json!({"service": "iniciante1-lado-esquerdo", "date": "tomorrow", "time": "08:00"}),
    )
    .await;
    assert_eq!(out["code"], json!("UNKNOWN_CALLER"));
    assert!(
        text.contains("só faz reservas para clientes cadastrados"),
        "{text}"
    );

    // de-DE
    let john = token(&app, &app.askpro_key, JOHN).await;
    let (text, _) = refusal(
        &app,
        &john,
        "book_session",
        json!({"service": "Zumba", "date": "tomorrow", "time": "14:00"}),
    )
    .await;
    assert!(text.starts_with("Welche Leistung?"), "{text}");

    let (text, _) = refusal(
        &app,
        &john,
        "book_session",
        json!({"service": "Zumba", "date": "tomorrow", "time": "14:00",
               "idempotency_key": "\u{202E}x"}),
    )
    .await;
    assert!(text.starts_with("Der Text in idempotency_key"), "{text}");
}
