//! `retell_config.*` through `retell_config::call`, against a local server that behaves as
//! Retell's API is documented to and records every request, on the demo businesses in a
//! temporary SQLite database. (The HTTP-level gateway tests live with the gateway.)

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use frontdesk_engine::Engine;
use frontdesk_retell::{RetellConfig, signature};
use frontdesk_server::gateway::error::GatewayError;
use frontdesk_server::gateway::retell_config::{RetellContext, call, default_functions};
use frontdesk_store::Company;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const KEY: &str = "key_test_askpro";
const PUBLIC: &str = "https://fd.example";

#[derive(Debug, Clone)]
struct Recorded {
    method: String,
    target: String,
    authorization: Option<String>,
    signature: Option<String>,
    body: Value,
    raw: Vec<u8>,
}

#[derive(Default)]
struct FakeRetell {
    requests: Mutex<Vec<Recorded>>,
    agents: Mutex<BTreeMap<String, Value>>,
    llms: Mutex<BTreeMap<String, Value>>,
    fail_always: Mutex<Option<u16>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl FakeRetell {
    fn new() -> Arc<FakeRetell> {
        let fake = FakeRetell::default();
        {
            let mut agents = lock(&fake.agents);
            for (id, name, engine, ms) in [
                (
                    "agent_abc123",
                    "Main Reception",
                    json!({"type": "retell-llm", "llm_id": "llm_main"}),
                    1_719_156_000_000_i64,
                ),
                (
                    "agent_xyz789",
                    "After Hours",
                    json!({"type": "retell-llm", "llm_id": "llm_main"}),
                    1_719_157_000_000,
                ),
                (
                    "agent_flow1",
                    "Flow",
                    json!({"type": "conversation-flow", "conversation_flow_id": "cf_1"}),
                    1_719_158_000_000,
                ),
            ] {
                agents.insert(
                    id.into(),
                    json!({"agent_id": id, "agent_name": name, "version": 0, "voice_id": "11labs-Adrian",
                        "webhook_url": null, "last_modification_timestamp": ms, "response_engine": engine}),
                );
            }
            lock(&fake.llms).insert(
                "llm_main".into(),
                json!({"llm_id": "llm_main", "version": 0, "general_tools": [
                    {"type": "end_call", "name": "end_call", "description": "End the call."},
                    {"type": "custom", "name": "collect_appointment_information", "url": "https://old.example/fn", "description": "old"}
                ]}),
            );
        }
        Arc::new(fake)
    }

    fn requests(&self) -> Vec<Recorded> {
        lock(&self.requests).clone()
    }

    fn api_requests(&self) -> Vec<(String, String)> {
        self.requests()
            .into_iter()
            .filter(|r| !r.target.starts_with("/hook"))
            .map(|r| (r.method, r.target))
            .collect()
    }
}

fn reply(status: StatusCode, body: Value) -> Response {
    (
        status,
        [("content-type", "application/json")],
        body.to_string(),
    )
        .into_response()
}

async fn handle(
    State(fake): State<Arc<FakeRetell>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let parsed: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    lock(&fake.requests).push(Recorded {
        method: method.to_string(),
        target: uri
            .path_and_query()
            .map(|p| p.to_string())
            .unwrap_or_default(),
        authorization: header("authorization"),
        signature: header("x-retell-signature"),
        body: parsed.clone(),
        raw: body.to_vec(),
    });
    if uri.path() == "/hook" {
        return (
            StatusCode::OK,
            [("content-type", "application/json"), ("x-hook", "1")],
            r#"{"success":true,"message":"Webhook processed"}"#,
        )
            .into_response();
    }
    let failure = *lock(&fake.fail_always);
    if let Some(status) = failure {
        return reply(
            StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY),
            json!({"error_message": "down"}),
        );
    }
    if header("authorization").as_deref() != Some(&format!("Bearer {KEY}")) {
        return reply(
            StatusCode::UNAUTHORIZED,
            json!({"error_message": "Invalid API key"}),
        );
    }
    let segments: Vec<&str> = uri.path().trim_start_matches('/').split('/').collect();
    match (method.as_str(), segments.as_slice()) {
        ("POST", ["v2", "list-agents"]) => {
            let items: Vec<Value> = lock(&fake.agents)
                .values()
                .map(|a| json!({"agent_id": a["agent_id"], "agent_name": a["agent_name"], "channel": "voice",
                    "tags": {}, "user_modified_timestamp": a["last_modification_timestamp"]}))
                .collect();
            reply(StatusCode::OK, json!({"items": items, "has_more": false}))
        }
        ("GET", ["get-agent", id]) => match lock(&fake.agents).get(*id) {
            Some(a) => reply(StatusCode::OK, a.clone()),
            None => reply(
                StatusCode::NOT_FOUND,
                json!({"error_message": "Agent not found"}),
            ),
        },
        ("PATCH", ["update-agent", id]) => {
            let mut agents = lock(&fake.agents);
            let Some(agent) = agents.get_mut(*id) else {
                return reply(
                    StatusCode::NOT_FOUND,
                    json!({"error_message": "Agent not found"}),
                );
            };
            for (k, v) in parsed.as_object().cloned().unwrap_or_default() {
                agent[k] = v;
            }
            reply(StatusCode::OK, agent.clone())
        }
        ("GET", ["get-retell-llm", id]) => match lock(&fake.llms).get(*id) {
            Some(l) => reply(StatusCode::OK, l.clone()),
            None => reply(
                StatusCode::NOT_FOUND,
                json!({"error_message": "LLM not found"}),
            ),
        },
        ("PATCH", ["update-retell-llm", id]) => {
            let mut llms = lock(&fake.llms);
            let Some(llm) = llms.get_mut(*id) else {
                return reply(
                    StatusCode::NOT_FOUND,
                    json!({"error_message": "LLM not found"}),
                );
            };
            llm["general_tools"] = parsed["general_tools"].clone();
            reply(StatusCode::OK, llm.clone())
        }
        _ => reply(StatusCode::NOT_FOUND, json!({"error_message": "Not Found"})),
    }
}

struct World {
    fake: Arc<FakeRetell>,
    addr: SocketAddr,
    engine: Engine,
    askpro: Company,
    beyond: Company,
    _dir: tempfile::TempDir,
}

impl World {
    fn ctx(&self, allow_private: bool) -> RetellContext {
        let config = RetellConfig {
            base_url: format!("http://{}", self.addr),
            request_timeout: Duration::from_secs(2),
            backoff_initial: Duration::from_millis(5),
            backoff_max: Duration::from_millis(10),
            breaker_threshold: 2,
            ..RetellConfig::default()
        };
        RetellContext::with_client_config(
            self.engine.clone(),
            config,
            &format!("{PUBLIC}/"),
            allow_private,
        )
        .expect("context")
    }
}

async fn world() -> World {
    let fake = FakeRetell::new();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let app = Router::new().fallback(handle).with_state(fake.clone());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("retell.db").display());
    let store = frontdesk_store_sqlite::SqliteStore::connect(&url)
        .await
        .expect("store");
    let engine = Engine::new(Arc::new(store)).with_secret_key([3u8; 32]);
    engine.load_demo().await.expect("demo");
    let askpro = engine
        .company_by_slug("askproai-demo")
        .await
        .expect("askpro");
    let beyond = engine
        .company_by_slug("beyond-the-club")
        .await
        .expect("beyond");
    engine
        .set_company_credentials(askpro.id, Some(KEY), None)
        .await
        .expect("retell key");
    World {
        fake,
        addr,
        engine,
        askpro,
        beyond,
        _dir: dir,
    }
}

fn server_code(result: &Result<Value, GatewayError>) -> Option<&'static str> {
    match result {
        Err(GatewayError::Server { code, .. }) => Some(code),
        _ => None,
    }
}

#[tokio::test]
async fn get_webhook_lists_the_agents_as_the_document_shows_and_remembers_them() {
    let w = world().await;

    let result = call(
        &w.ctx(false),
        &w.askpro,
        "getWebhook",
        json!({"company_id": w.askpro.id}),
    )
    .await
    .expect("result");

    assert_eq!(
        result,
        json!({
            "agents": [
                {"agent_id": "agent_abc123", "agent_name": "Main Reception", "webhook_url": null, "last_updated_timestamp": 1_719_156_000},
                {"agent_id": "agent_flow1", "agent_name": "Flow", "webhook_url": null, "last_updated_timestamp": 1_719_158_000},
                {"agent_id": "agent_xyz789", "agent_name": "After Hours", "webhook_url": null, "last_updated_timestamp": 1_719_157_000},
            ],
            "webhook_url": "https://fd.example/api/mcp/retell/webhook",
        })
    );
    assert_eq!(
        w.fake.api_requests(),
        [
            ("POST".to_string(), "/v2/list-agents?limit=1000".to_string()),
            ("GET".into(), "/get-agent/agent_abc123".into()),
            ("GET".into(), "/get-agent/agent_flow1".into()),
            ("GET".into(), "/get-agent/agent_xyz789".into()),
        ]
    );
    assert!(
        w.fake
            .requests()
            .iter()
            .all(|r| r.authorization.as_deref() == Some("Bearer key_test_askpro"))
    );
    let stored = w
        .engine
        .store()
        .find_agent("retell", "agent_abc123")
        .await
        .expect("remembered");
    assert_eq!(
        (stored.company_id, stored.llm_id.as_deref()),
        (w.askpro.id, Some("llm_main"))
    );
}

#[tokio::test]
async fn update_webhook_patches_each_agent_and_lists_failures() {
    let w = world().await;
    let ctx = w.ctx(false);

    let result = call(
        &ctx,
        &w.askpro,
        "updateWebhook",
        json!({
            "company_id": w.askpro.id,
            "webhook_url": "https://api.askproai.de/api/mcp/retell/custom-function",
            "events": ["call_started", "call_ended", "call_analyzed"],
            "agent_ids": ["agent_abc123", "agent_xyz789"],
        }),
    )
    .await
    .expect("result");

    assert_eq!(
        result,
        json!({"success": true, "updated_count": 2, "details": [
            {"agent_id": "agent_abc123", "status": "updated"},
            {"agent_id": "agent_xyz789", "status": "updated"},
        ]})
    );
    let patches: Vec<Recorded> = w
        .fake
        .requests()
        .into_iter()
        .filter(|r| r.method == "PATCH")
        .collect();
    assert_eq!(patches.len(), 2);
    assert_eq!(patches[0].target, "/update-agent/agent_abc123");
    assert_eq!(patches[1].target, "/update-agent/agent_xyz789");
    for p in &patches {
        assert_eq!(
            p.body,
            json!({"webhook_url": "https://api.askproai.de/api/mcp/retell/custom-function",
                   "webhook_events": ["call_started", "call_ended", "call_analyzed"]})
        );
    }

    // An agent Retell does not know is listed as failed; the others are still updated.
    let partial = call(
        &ctx,
        &w.askpro,
        "updateWebhook",
        json!({"agent_ids": ["agent_abc123", "agent_gone"]}),
    )
    .await
    .expect("result");
    assert_eq!(partial["success"], false);
    assert_eq!(partial["updated_count"], 1);
    assert_eq!(
        partial["details"][0],
        json!({"agent_id": "agent_abc123", "status": "updated"})
    );
    assert_eq!(partial["details"][1]["agent_id"], "agent_gone");
    assert_eq!(partial["details"][1]["status"], "failed");
    assert_eq!(partial["details"][1]["code"], "RETELL_NOT_FOUND");
    assert!(
        partial["details"][1]["error"]
            .as_str()
            .is_some_and(|e| e.contains("agent_gone"))
    );

    // No agent_ids: every agent, to this server's webhook, events left as they are.
    let all = call(&ctx, &w.askpro, "updateWebhook", json!({}))
        .await
        .expect("result");
    assert_eq!(all["updated_count"], 3);
    let last = w
        .fake
        .requests()
        .into_iter()
        .rev()
        .find(|r| r.method == "PATCH")
        .expect("patch");
    assert_eq!(
        last.body,
        json!({"webhook_url": "https://fd.example/api/mcp/retell/webhook"})
    );
}

#[tokio::test]
async fn invalid_params_name_the_field_and_send_nothing() {
    let w = world().await;
    let ctx = w.ctx(false);
    for (method, params, field) in [
        (
            "updateWebhook",
            json!({"events": ["call_exploded"]}),
            "events",
        ),
        ("updateWebhook", json!({"events": "call_started"}), "events"),
        (
            "updateWebhook",
            json!({"agent_ids": "agent_abc123"}),
            "agent_ids",
        ),
        ("updateWebhook", json!({"agent_ids": []}), "agent_ids"),
        ("updateWebhook", json!({"agent_ids": ["../x"]}), "agent_ids"),
        (
            "updateWebhook",
            json!({"webhook_url": "ftp://x.example/"}),
            "webhook_url",
        ),
        ("testWebhook", json!({"webhook_url": 42}), "webhook_url"),
        (
            "testWebhook",
            json!({"webhook_url": "not a url"}),
            "webhook_url",
        ),
        (
            "testWebhook",
            json!({"test_payload": "hello"}),
            "test_payload",
        ),
        (
            "deployCustomFunctions",
            json!({"functions": {"has space": {}}}),
            "functions.has space",
        ),
        (
            "deployCustomFunctions",
            json!({"functions": {"f": {"parameters": {"type": "string"}}}}),
            "functions.f.parameters",
        ),
        (
            "deployCustomFunctions",
            json!({"functions": {"f": {"timeout_ms": 5}}}),
            "functions.f.timeout_ms",
        ),
        (
            "deployCustomFunctions",
            json!({"functions": 3}),
            "functions",
        ),
        (
            "deployCustomFunctions",
            json!({"functions": {}}),
            "functions",
        ),
        (
            "getAgentPromptTemplate",
            json!({"branch_id": "x"}),
            "branch_id",
        ),
        (
            "getAgentPromptTemplate",
            json!({"language": "ja"}),
            "language",
        ),
    ] {
        let result = call(&ctx, &w.askpro, method, params.clone()).await;
        match result {
            Err(GatewayError::InvalidParams(details)) => {
                assert!(details.contains(field), "{method} {params}: {details}")
            }
            other => panic!("{method} {params}: {other:?}"),
        }
    }
    assert!(w.fake.requests().is_empty());
    assert!(matches!(
        call(&ctx, &w.askpro, "getWebhooks", json!({})).await,
        Err(GatewayError::MethodNotFound(_))
    ));
}

#[tokio::test]
async fn test_webhook_sends_a_signed_payload_and_reports_the_answer() {
    let w = world().await;
    let url = format!("http://{}/hook", w.addr);
    let payload = json!({"event": "call_ended", "call": {"call_id": "test_123", "from_number": "+491234567890", "to_number": "+493083793369"}});

    let result = call(
        &w.ctx(true),
        &w.askpro,
        "testWebhook",
        json!({"webhook_url": url, "test_payload": payload}),
    )
    .await
    .expect("result");

    assert_eq!(result["success"], true);
    assert_eq!(result["response"]["status_code"], 200);
    assert_eq!(
        result["response"]["body"],
        json!({"success": true, "message": "Webhook processed"})
    );
    assert_eq!(
        result["response"]["headers"]["content-type"],
        "application/json"
    );
    assert_eq!(result["response"]["headers"]["x-hook"], "1");
    assert!(result["response"]["duration_ms"].as_u64().is_some());
    let got = w.fake.requests().pop().expect("delivered");
    // The payload, marked as a test inside the signed bytes (so it cannot pass for a call).
    let mut marked = payload.clone();
    marked["frontdesk_test"] = json!(true);
    assert_eq!(got.body, marked);
    let header = got.signature.expect("signed");
    assert!(
        signature::verify_now(KEY, &got.raw, &header).is_ok(),
        "signed with the company's Retell key"
    );

    // No payload: a call_started test event for the company's number.
    call(
        &w.ctx(true),
        &w.askpro,
        "testWebhook",
        json!({"webhook_url": url}),
    )
    .await
    .expect("result");
    let got = w.fake.requests().pop().expect("delivered");
    assert_eq!(got.body["event"], "call_started");
    assert_eq!(got.body["call"]["to_number"], "+493083793369");
    assert!(
        got.body["call"]["call_id"]
            .as_str()
            .is_some_and(|id| id.starts_with("test_"))
    );
}

#[tokio::test]
async fn test_webhook_refuses_inside_addresses_unless_allowed() {
    let w = world().await;
    let ctx = w.ctx(false);
    for url in [
        format!("http://{}/hook", w.addr),
        "http://localhost/hook".to_string(),
        "http://10.1.2.3/hook".into(),
        "http://192.168.0.1/".into(),
        "http://169.254.169.254/latest/meta-data/".into(),
        "http://[fd00:ec2::254]/".into(),
    ] {
        let result = call(&ctx, &w.askpro, "testWebhook", json!({"webhook_url": url})).await;
        assert_eq!(
            server_code(&result),
            Some("WEBHOOK_TARGET_FORBIDDEN"),
            "{url}: {result:?}"
        );
    }
    // The default target is this server's own public URL.
    assert_eq!(
        ctx.webhook_url(),
        "https://fd.example/api/mcp/retell/webhook"
    );
    assert!(w.fake.requests().is_empty(), "nothing reached the inside");
    // Even with private targets allowed, metadata stays refused.
    let metadata = call(
        &w.ctx(true),
        &w.askpro,
        "testWebhook",
        json!({"webhook_url": "http://169.254.169.254/"}),
    )
    .await;
    assert_eq!(server_code(&metadata), Some("WEBHOOK_TARGET_FORBIDDEN"));
}

#[tokio::test]
async fn deploy_custom_functions_writes_them_into_the_agents_retell_llm() {
    let w = world().await;
    let ctx = w.ctx(false);
    let functions = json!({
        "collect_appointment_information": {
            "description": "Collect appointment details",
            "parameters": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "date": {"type": "string"}, "time": {"type": "string"}, "service": {"type": "string"}},
                "required": ["name", "date", "time"]
            }
        }
    });

    let result = call(
        &ctx,
        &w.askpro,
        "deployCustomFunctions",
        json!({"company_id": w.askpro.id, "agent_ids": ["agent_abc123"], "functions": functions}),
    )
    .await
    .expect("result");

    assert_eq!(
        result,
        json!({"deployed": [{"agent_id": "agent_abc123", "success": true, "functions": ["collect_appointment_information"]}]})
    );
    assert_eq!(
        w.fake.api_requests(),
        [
            ("GET".to_string(), "/get-agent/agent_abc123".to_string()),
            ("GET".into(), "/get-retell-llm/llm_main".into()),
            ("PATCH".into(), "/update-retell-llm/llm_main".into()),
        ]
    );
    let patch = w.fake.requests().pop().expect("patch");
    assert_eq!(
        patch.body,
        json!({"general_tools": [
            {"type": "end_call", "name": "end_call", "description": "End the call."},
            {"type": "custom", "name": "collect_appointment_information", "description": "Collect appointment details",
             "url": "https://fd.example/api/mcp/retell/custom-function",
             "parameters": functions["collect_appointment_information"]["parameters"],
             "speak_during_execution": true, "speak_after_execution": true},
        ]})
    );
}

#[tokio::test]
async fn deploying_the_defaults_to_every_agent_updates_each_llm_once_and_reports_unsupported_agents()
 {
    let w = world().await;
    let ctx = w.ctx(false);

    let result = call(&ctx, &w.askpro, "deployCustomFunctions", json!({}))
        .await
        .expect("result");

    let names: Vec<String> = default_functions(PUBLIC)
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(
        names,
        [
            "collect_appointment_information",
            "check_availability",
            "find_appointments",
            "reschedule_appointment",
            "cancel_appointment"
        ]
    );
    let deployed = result["deployed"].as_array().expect("deployed");
    assert_eq!(deployed.len(), 3);
    let by_id = |id: &str| {
        deployed
            .iter()
            .find(|d| d["agent_id"] == id)
            .cloned()
            .unwrap_or_default()
    };
    assert_eq!(
        by_id("agent_abc123"),
        json!({"agent_id": "agent_abc123", "success": true, "functions": names})
    );
    assert_eq!(by_id("agent_xyz789")["success"], true);
    assert_eq!(by_id("agent_flow1")["success"], false);
    assert_eq!(by_id("agent_flow1")["code"], "RETELL_UNSUPPORTED_AGENT");
    assert!(
        by_id("agent_flow1")["error"]
            .as_str()
            .is_some_and(|e| e.contains("conversation-flow"))
    );
    let patches = w
        .fake
        .api_requests()
        .into_iter()
        .filter(|(m, _)| m == "PATCH")
        .count();
    assert_eq!(patches, 1, "two agents share llm_main: one write");
    let tools = lock(&w.fake.llms)["llm_main"]["general_tools"].clone();
    let tool_names: Vec<&str> = tools
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t["name"].as_str())
        .collect();
    assert_eq!(
        tool_names.len(),
        6,
        "end_call kept, the old same-named custom tool replaced: {tool_names:?}"
    );
    assert!(
        tools
            .as_array()
            .into_iter()
            .flatten()
            .filter(|t| t["type"] == "custom")
            .all(|t| {
                t["url"] == "https://fd.example/api/mcp/retell/custom-function"
                    && t["parameters"]["type"] == "object"
            })
    );
}

#[tokio::test]
async fn the_prompt_template_is_rendered_from_the_companys_data() {
    let w = world().await;
    let ctx = w.ctx(false);
    let branch = w
        .engine
        .store()
        .list_branches(w.askpro.id)
        .await
        .expect("branches")[0]
        .id;

    let result = call(
        &ctx,
        &w.askpro,
        "getAgentPromptTemplate",
        json!({"company_id": w.askpro.id, "branch_id": branch, "language": "de"}),
    )
    .await
    .expect("result");

    assert!(
        result["template"]
            .as_str()
            .is_some_and(|t| t.starts_with("Sie sind der KI-Assistent für {{company_name}}"))
    );
    assert_eq!(result["variables"]["company_name"], "AskProAI Demo");
    assert_eq!(result["variables"]["branch_name"], "Berlin Hauptfiliale");
    assert_eq!(
        result["variables"]["services"],
        json!(["Beratung", "Support", "Training"])
    );
    assert_eq!(result["variables"]["working_hours"], "Mo-Fr 9:00-18:00");
    assert!(
        result["rendered"]
            .as_str()
            .is_some_and(|r| r.starts_with("Sie sind der KI-Assistent für AskProAI Demo"))
    );
    // The company's language when none is given; no Retell key needed.
    let beyond = call(&ctx, &w.beyond, "getAgentPromptTemplate", json!({}))
        .await
        .expect("result");
    assert_eq!(
        beyond["variables"]["working_hours"],
        "todos os dias 7:00-20:00"
    );
    // Another company's branch is not found.
    let foreign = call(
        &ctx,
        &w.beyond,
        "getAgentPromptTemplate",
        json!({"branch_id": branch}),
    )
    .await;
    assert_eq!(server_code(&foreign), Some("NOT_FOUND"));
    assert!(w.fake.requests().is_empty());
}

#[tokio::test]
async fn without_a_retell_key_or_with_retell_down_the_errors_say_so() {
    let w = world().await;
    let ctx = w.ctx(false);
    for method in [
        "getWebhook",
        "updateWebhook",
        "testWebhook",
        "deployCustomFunctions",
    ] {
        let result = call(&ctx, &w.beyond, method, json!({})).await;
        assert_eq!(
            server_code(&result),
            Some("RETELL_NOT_CONFIGURED"),
            "{method}: {result:?}"
        );
        let details = match result {
            Err(GatewayError::Server { details, .. }) => details,
            _ => String::new(),
        };
        assert!(
            details.contains("frontdesk company set beyond-the-club --retell-api-key"),
            "{details}"
        );
    }
    assert!(w.fake.requests().is_empty());

    w.engine
        .set_company_credentials(w.beyond.id, Some("key_wrong"), None)
        .await
        .expect("key");
    let rejected = call(&ctx, &w.beyond, "getWebhook", json!({})).await;
    assert_eq!(server_code(&rejected), Some("RETELL_UNAUTHORIZED"));

    *lock(&w.fake.fail_always) = Some(503);
    let first = call(&ctx, &w.askpro, "getWebhook", json!({})).await;
    let second = call(&ctx, &w.askpro, "getWebhook", json!({})).await;
    let sent = w.fake.requests().len();
    let third = call(
        &ctx,
        &w.askpro,
        "updateWebhook",
        json!({"agent_ids": ["agent_abc123"]}),
    )
    .await;
    assert_eq!(server_code(&first), Some("RETELL_UNAVAILABLE"));
    assert_eq!(server_code(&second), Some("RETELL_UNAVAILABLE"));
    assert_eq!(
        third.as_ref().ok().map(|r| r["details"][0]["code"].clone()),
        Some(json!("RETELL_UNAVAILABLE"))
    );
    let message = third
        .ok()
        .and_then(|r| r["details"][0]["error"].as_str().map(str::to_string))
        .unwrap_or_default();
    assert!(message.contains("circuit open"), "{message}");
    assert_eq!(
        w.fake.requests().len(),
        sent,
        "the open circuit sent nothing"
    );
    let after = call(&ctx, &w.askpro, "getWebhook", json!({})).await;
    match after {
        Err(GatewayError::Server {
            code: "RETELL_UNAVAILABLE",
            details,
        }) => {
            assert!(
                details.starts_with("Retell API unavailable (circuit open), retry in "),
                "{details}"
            )
        }
        other => panic!("{other:?}"),
    }
}
