//! The Retell client and the webhook tester against a local server that behaves as Retell's
//! API is documented to (agents, Retell LLMs with `general_tools`, `/v2/list-agents`
//! summaries with pagination) and records every request it gets, so the tests can assert the
//! exact requests sent.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use frontdesk_retell::client::DEFAULT_BASE_URL;
use frontdesk_retell::webhook_test::check_target;
use frontdesk_retell::{
    AgentUpdate, CustomTool, RetellClient, RetellConfig, RetellError, WebhookTestError,
    WebhookTestOptions, send_test_webhook, signature,
};
use serde_json::{Value, json};
use std::collections::{BTreeMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const KEY: &str = "key_test_company";

#[derive(Debug, Clone)]
struct Recorded {
    method: String,
    /// Path and query, as sent.
    target: String,
    authorization: Option<String>,
    content_type: Option<String>,
    signature: Option<String>,
    body: Value,
    raw: Vec<u8>,
}

#[derive(Default)]
struct Fake {
    requests: Mutex<Vec<Recorded>>,
    agents: Mutex<BTreeMap<String, Value>>,
    llms: Mutex<BTreeMap<String, Value>>,
    /// Statuses answered (before anything else) to the next requests.
    fail_next: Mutex<VecDeque<u16>>,
    /// Answer every API request with this status.
    fail_always: Mutex<Option<u16>>,
    /// `/v2/list-agents` answers 404 (an older account).
    no_v2: bool,
    /// Delay of every API answer.
    delay: Mutex<Option<Duration>>,
}

impl Fake {
    fn with_agents(no_v2: bool) -> Arc<Fake> {
        let fake = Fake {
            no_v2,
            ..Fake::default()
        };
        {
            let mut agents = lock(&fake.agents);
            for (id, name, llm, modified) in [
                (
                    "agent_abc123",
                    "Main Reception",
                    "llm_main",
                    1_719_156_000_000_i64,
                ),
                (
                    "agent_xyz789",
                    "After Hours",
                    "llm_night",
                    1_719_157_000_000,
                ),
                ("agent_flow1", "Flow Agent", "", 1_719_158_000_000),
            ] {
                let engine = if llm.is_empty() {
                    json!({"type": "conversation-flow", "conversation_flow_id": "cf_1"})
                } else {
                    json!({"type": "retell-llm", "llm_id": llm, "version": 0})
                };
                agents.insert(
                    id.to_string(),
                    json!({
                        "agent_id": id, "agent_name": name, "version": 0, "voice_id": "11labs-Adrian",
                        "webhook_url": format!("https://old.example/{id}"),
                        "last_modification_timestamp": modified, "response_engine": engine,
                    }),
                );
            }
            lock(&fake.llms).insert(
                "llm_main".into(),
                json!({"llm_id": "llm_main", "version": 0, "general_prompt": "Be nice.",
                    "last_modification_timestamp": 1_719_156_000_000_i64,
                    "general_tools": [
                        {"type": "end_call", "name": "end_call", "description": "End the call."},
                        {"type": "custom", "name": "check_availability", "url": "https://old.example/fn",
                         "description": "old", "speak_during_execution": false, "speak_after_execution": true}
                    ]}),
            );
        }
        Arc::new(fake)
    }

    fn requests(&self) -> Vec<Recorded> {
        lock(&self.requests).clone()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn json_response(status: StatusCode, body: Value) -> Response {
    (
        status,
        [("content-type", "application/json")],
        body.to_string(),
    )
        .into_response()
}

async fn handle(
    State(fake): State<Arc<Fake>>,
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
        content_type: header("content-type"),
        signature: header("x-retell-signature"),
        body: parsed.clone(),
        raw: body.to_vec(),
    });
    let path = uri.path().to_string();

    // Webhook targets (not part of the API).
    match path.as_str() {
        "/hook" => {
            return (
                StatusCode::OK,
                [("content-type", "application/json"), ("x-test", "yes")],
                json!({"success": true, "message": "Webhook processed"}).to_string(),
            )
                .into_response();
        }
        "/hook-text" => return (StatusCode::ACCEPTED, "thanks").into_response(),
        "/hook-redirect" => {
            return (
                StatusCode::FOUND,
                [("location", "http://169.254.169.254/latest/meta-data/")],
                "",
            )
                .into_response();
        }
        "/hook-big" => return (StatusCode::OK, "x".repeat(1_000_000)).into_response(),
        _ => {}
    }

    let delay = *lock(&fake.delay);
    if let Some(delay) = delay {
        tokio::time::sleep(delay).await;
    }
    let failure = lock(&fake.fail_next)
        .pop_front()
        .or(*lock(&fake.fail_always));
    if let Some(status) = failure {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = json_response(status, json!({"error_message": "simulated failure"}));
        if status == StatusCode::TOO_MANY_REQUESTS {
            response
                .headers_mut()
                .insert("retry-after", axum::http::HeaderValue::from_static("7"));
        }
        return response;
    }
    if header("authorization").as_deref() != Some(&format!("Bearer {KEY}")) {
        return json_response(
            StatusCode::UNAUTHORIZED,
            json!({"error_message": "Invalid API key"}),
        );
    }
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match (method.as_str(), segments.as_slice()) {
        ("POST", ["v2", "list-agents"]) if !fake.no_v2 => {
            // Summaries, two per page, as the v2 endpoint documents them.
            let agents = lock(&fake.agents);
            let after = uri
                .query()
                .unwrap_or_default()
                .split('&')
                .find_map(|p| p.strip_prefix("pagination_key="))
                .map(str::to_string);
            let rest: Vec<&Value> = agents
                .values()
                .filter(|a| {
                    after
                        .as_deref()
                        .is_none_or(|k| a["agent_id"].as_str().is_some_and(|id| id > k))
                })
                .collect();
            let page: Vec<Value> = rest
                .iter()
                .take(2)
                .map(|a| {
                    json!({"agent_id": a["agent_id"], "agent_name": a["agent_name"], "channel": "voice",
                        "tags": {}, "user_modified_timestamp": a["last_modification_timestamp"]})
                })
                .collect();
            let has_more = rest.len() > 2;
            let key = page
                .last()
                .map(|a| a["agent_id"].clone())
                .unwrap_or(Value::Null);
            json_response(
                StatusCode::OK,
                json!({"items": page, "has_more": has_more, "pagination_key": key}),
            )
        }
        ("GET", ["list-agents"]) => {
            let agents = lock(&fake.agents);
            // Older accounts list every version of an agent.
            let mut list: Vec<Value> = agents.values().cloned().collect();
            if let Some(first) = list.first().cloned() {
                let mut older = first;
                older["version"] = json!(-1);
                older["agent_name"] = json!("stale version");
                list.push(older);
            }
            json_response(StatusCode::OK, Value::Array(list))
        }
        ("GET", ["get-agent", id]) => match lock(&fake.agents).get(*id) {
            Some(agent) => json_response(StatusCode::OK, agent.clone()),
            None => json_response(
                StatusCode::NOT_FOUND,
                json!({"error_message": "Agent not found"}),
            ),
        },
        ("PATCH", ["update-agent", id]) => {
            let mut agents = lock(&fake.agents);
            let Some(agent) = agents.get_mut(*id) else {
                return json_response(
                    StatusCode::NOT_FOUND,
                    json!({"error_message": "Agent not found"}),
                );
            };
            if let Some(fields) = parsed.as_object() {
                for (k, v) in fields {
                    agent[k] = v.clone();
                }
            }
            agent["last_modification_timestamp"] = json!(1_800_000_000_000_i64);
            json_response(StatusCode::OK, agent.clone())
        }
        ("GET", ["get-retell-llm", id]) => match lock(&fake.llms).get(*id) {
            Some(llm) => json_response(StatusCode::OK, llm.clone()),
            None => json_response(
                StatusCode::NOT_FOUND,
                json!({"error_message": "LLM not found"}),
            ),
        },
        ("PATCH", ["update-retell-llm", id]) => {
            let mut llms = lock(&fake.llms);
            let Some(llm) = llms.get_mut(*id) else {
                return json_response(
                    StatusCode::NOT_FOUND,
                    json!({"error_message": "LLM not found"}),
                );
            };
            if let Some(tools) = parsed.get("general_tools") {
                if !tools.as_array().is_some_and(|t| {
                    t.iter()
                        .all(|t| t["type"].is_string() && t["name"].is_string())
                }) {
                    return json_response(
                        StatusCode::BAD_REQUEST,
                        json!({"error_message": "invalid general_tools"}),
                    );
                }
                llm["general_tools"] = tools.clone();
            }
            json_response(StatusCode::OK, llm.clone())
        }
        _ => json_response(StatusCode::NOT_FOUND, json!({"error_message": "Not Found"})),
    }
}

async fn start(fake: Arc<Fake>) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let app = Router::new().fallback(handle).with_state(fake);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    addr
}

fn quick_config(addr: SocketAddr) -> RetellConfig {
    RetellConfig {
        base_url: format!("http://{addr}"),
        request_timeout: Duration::from_secs(2),
        probe_timeout: Duration::from_millis(500),
        max_attempts: 3,
        backoff_initial: Duration::from_millis(5),
        backoff_max: Duration::from_millis(20),
        breaker_threshold: 2,
        breaker_cooldown: Duration::from_secs(30),
    }
}

async fn setup(no_v2: bool) -> (Arc<Fake>, RetellClient, SocketAddr) {
    let fake = Fake::with_agents(no_v2);
    let addr = start(fake.clone()).await;
    let client = RetellClient::new(quick_config(addr)).expect("client");
    (fake, client, addr)
}

#[test]
fn the_default_base_url_is_retells() {
    assert_eq!(DEFAULT_BASE_URL, "https://api.retellai.com");
    assert_eq!(RetellConfig::default().base_url, DEFAULT_BASE_URL);
    assert!(RetellClient::new(RetellConfig::with_base_url("ftp://x")).is_err());
    assert!(RetellClient::new(RetellConfig::with_base_url("not a url")).is_err());
}

#[tokio::test]
async fn list_agents_posts_v2_and_follows_pagination() {
    let (fake, client, _) = setup(false).await;

    let agents = client.list_agents(KEY).await.expect("agents");

    let ids: Vec<&str> = agents.iter().map(|a| a.agent_id.as_str()).collect();
    assert_eq!(ids, ["agent_abc123", "agent_flow1", "agent_xyz789"]);
    assert!(agents.iter().all(|a| a.is_summary()));
    assert_eq!(agents[0].agent_name.as_deref(), Some("Main Reception"));
    assert_eq!(
        agents[0].last_modification_timestamp,
        Some(1_719_156_000_000)
    );
    let requests = fake.requests();
    let sent: Vec<(&str, &str)> = requests
        .iter()
        .map(|r| (r.method.as_str(), r.target.as_str()))
        .collect();
    assert_eq!(
        sent,
        [
            ("POST", "/v2/list-agents?limit=1000"),
            (
                "POST",
                "/v2/list-agents?limit=1000&pagination_key=agent_flow1"
            )
        ]
    );
    for r in &requests {
        assert_eq!(r.authorization.as_deref(), Some("Bearer key_test_company"));
        assert_eq!(r.content_type.as_deref(), Some("application/json"));
        assert_eq!(r.body, json!({}));
    }
}

#[tokio::test]
async fn list_agents_falls_back_to_the_old_endpoint_on_404_and_keeps_the_newest_version() {
    let (fake, client, _) = setup(true).await;

    let agents = client.list_agents(KEY).await.expect("agents");

    let sent: Vec<(String, String)> = fake
        .requests()
        .into_iter()
        .map(|r| (r.method, r.target))
        .collect();
    assert_eq!(
        sent,
        [
            ("POST".into(), "/v2/list-agents?limit=1000".into()),
            ("GET".into(), "/list-agents".into())
        ]
    );
    assert_eq!(agents.len(), 3);
    assert!(agents.iter().all(|a| !a.is_summary()));
    assert_eq!(agents[0].agent_name.as_deref(), Some("Main Reception"));
    assert_eq!(
        agents[0].webhook_url.as_deref(),
        Some("https://old.example/agent_abc123")
    );
    assert_eq!(agents[0].llm_id(), Some("llm_main"));
    assert_eq!(
        agents[1].llm_id(),
        None,
        "a conversation-flow agent has no Retell LLM"
    );
}

#[tokio::test]
async fn list_agents_full_fetches_each_summary() {
    let (fake, client, _) = setup(false).await;

    let agents = client.list_agents_full(KEY).await.expect("agents");

    assert_eq!(agents.len(), 3);
    assert!(
        agents
            .iter()
            .all(|a| !a.is_summary() && a.webhook_url.is_some())
    );
    let gets: Vec<String> = fake
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET")
        .map(|r| r.target)
        .collect();
    assert_eq!(
        gets,
        [
            "/get-agent/agent_abc123",
            "/get-agent/agent_flow1",
            "/get-agent/agent_xyz789"
        ]
    );
}

#[tokio::test]
async fn get_and_update_agent_send_exactly_the_documented_requests() {
    let (fake, client, _) = setup(false).await;

    let agent = client.get_agent(KEY, "agent_abc123").await.expect("agent");
    assert_eq!(agent.agent_name.as_deref(), Some("Main Reception"));
    let update = AgentUpdate {
        webhook_url: Some("https://fd.example/api/mcp/retell/webhook".into()),
        webhook_events: Some(vec![
            "call_started".into(),
            "call_ended".into(),
            "call_analyzed".into(),
        ]),
    };
    let updated = client
        .update_agent(KEY, "agent_abc123", &update)
        .await
        .expect("update");
    let missing = client.get_agent(KEY, "agent_nope").await;

    assert_eq!(
        updated.webhook_url.as_deref(),
        Some("https://fd.example/api/mcp/retell/webhook")
    );
    assert_eq!(
        updated.webhook_events.as_deref(),
        Some(
            &[
                "call_started".to_string(),
                "call_ended".into(),
                "call_analyzed".into()
            ][..]
        )
    );
    assert_eq!(updated.last_modification_timestamp, Some(1_800_000_000_000));
    assert!(
        matches!(missing, Err(RetellError::NotFound(ref what)) if what == "agent agent_nope"),
        "{missing:?}"
    );
    let requests = fake.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(
        (requests[0].method.as_str(), requests[0].target.as_str()),
        ("GET", "/get-agent/agent_abc123")
    );
    assert_eq!(requests[0].raw, b"");
    assert_eq!(
        (requests[1].method.as_str(), requests[1].target.as_str()),
        ("PATCH", "/update-agent/agent_abc123")
    );
    assert_eq!(
        requests[1].authorization.as_deref(),
        Some("Bearer key_test_company")
    );
    assert_eq!(
        requests[1].content_type.as_deref(),
        Some("application/json")
    );
    assert_eq!(
        requests[1].body,
        json!({"webhook_url": "https://fd.example/api/mcp/retell/webhook",
               "webhook_events": ["call_started", "call_ended", "call_analyzed"]})
    );

    // Only the fields that are set are sent.
    let only_url = AgentUpdate {
        webhook_url: Some("https://x.example/h".into()),
        webhook_events: None,
    };
    client
        .update_agent(KEY, "agent_xyz789", &only_url)
        .await
        .expect("update");
    assert_eq!(
        fake.requests()[3].body,
        json!({"webhook_url": "https://x.example/h"})
    );
}

#[tokio::test]
async fn bad_ids_and_events_are_refused_before_sending() {
    let (fake, client, _) = setup(false).await;
    for id in ["../delete-agent/x", "a/b", "", "a?b=c"] {
        assert!(
            matches!(
                client.get_agent(KEY, id).await,
                Err(RetellError::Invalid(_))
            ),
            "{id}"
        );
    }
    let bad = AgentUpdate {
        webhook_url: None,
        webhook_events: Some(vec!["call_exploded".into()]),
    };
    let err = client
        .update_agent(KEY, "agent_abc123", &bad)
        .await
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        err.contains("call_exploded") && err.contains("call_analyzed"),
        "{err}"
    );
    assert!(fake.requests().is_empty());
}

#[tokio::test]
async fn deploying_custom_tools_reads_the_llm_and_writes_its_general_tools() {
    let (fake, client, _) = setup(false).await;
    let url = "https://fd.example/api/mcp/retell/custom-function";
    let mut collect = CustomTool::new(
        "collect_appointment_information",
        "Collect appointment details",
        url,
    );
    collect.parameters = Some(
        json!({"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}),
    );
    let availability = CustomTool::new("check_availability", "Free slots", url);

    let llm = client
        .deploy_custom_tools(KEY, "llm_main", &[collect, availability])
        .await
        .expect("deploy");

    let requests = fake.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(
        (requests[0].method.as_str(), requests[0].target.as_str()),
        ("GET", "/get-retell-llm/llm_main")
    );
    assert_eq!(
        (requests[1].method.as_str(), requests[1].target.as_str()),
        ("PATCH", "/update-retell-llm/llm_main")
    );
    assert_eq!(
        requests[1].authorization.as_deref(),
        Some("Bearer key_test_company")
    );
    let expected_tools = json!([
        {"type": "end_call", "name": "end_call", "description": "End the call."},
        {"type": "custom", "name": "check_availability", "description": "Free slots", "url": url,
         "speak_during_execution": true, "speak_after_execution": true},
        {"type": "custom", "name": "collect_appointment_information", "description": "Collect appointment details",
         "url": url, "parameters": {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]},
         "speak_during_execution": true, "speak_after_execution": true},
    ]);
    assert_eq!(requests[1].body, json!({ "general_tools": expected_tools }));
    assert_eq!(
        llm.general_tools,
        expected_tools.as_array().cloned().unwrap_or_default()
    );

    let missing = client.get_llm(KEY, "llm_gone").await;
    assert!(matches!(missing, Err(RetellError::NotFound(_))));
}

#[tokio::test]
async fn server_errors_are_retried_with_backoff_until_they_succeed() {
    let (fake, client, _) = setup(false).await;
    lock(&fake.fail_next).extend([500, 503]);

    let agent = client
        .get_agent(KEY, "agent_abc123")
        .await
        .expect("third attempt succeeds");

    assert_eq!(agent.agent_id, "agent_abc123");
    let targets: Vec<String> = fake.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(targets, ["/get-agent/agent_abc123"; 3]);
    assert!(!client.circuit_open());
}

#[tokio::test]
async fn repeated_failures_open_the_circuit_and_calls_then_fail_fast_without_a_request() {
    let (fake, client, _) = setup(false).await;
    *lock(&fake.fail_always) = Some(502);

    let first = client.get_agent(KEY, "agent_abc123").await;
    let second = client.list_agents(KEY).await;
    let sent = fake.requests().len();
    let third = client.get_agent(KEY, "agent_abc123").await;

    assert_eq!(first.err(), Some(RetellError::Upstream { status: 502 }));
    assert_eq!(second.err(), Some(RetellError::Upstream { status: 502 }));
    assert_eq!(sent, 6, "three attempts per call");
    let err = third.expect_err("fails fast");
    assert!(
        matches!(err, RetellError::CircuitOpen { retry_in_s } if (29..=30).contains(&retry_in_s)),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .starts_with("Retell API unavailable (circuit open), retry in "),
        "{err}"
    );
    assert_eq!(
        fake.requests().len(),
        6,
        "no request while the circuit is open"
    );
    assert!(client.circuit_open());
    // Clones share the circuit.
    assert!(matches!(
        client.clone().get_llm(KEY, "llm_main").await,
        Err(RetellError::CircuitOpen { .. })
    ));
}

#[tokio::test]
async fn client_errors_are_answers_not_outages() {
    let (fake, client, _) = setup(false).await;

    let unauthorized = client.get_agent("key_wrong", "agent_abc123").await;
    lock(&fake.fail_next).push_back(429);
    let limited = client.get_agent(KEY, "agent_abc123").await;
    lock(&fake.fail_next).push_back(422);
    let rejected = client.get_agent(KEY, "agent_abc123").await;
    for _ in 0..3 {
        let _ = client.get_agent("key_wrong", "agent_abc123").await;
    }

    assert_eq!(unauthorized.err(), Some(RetellError::Unauthorized));
    assert_eq!(
        limited.err(),
        Some(RetellError::RateLimited {
            retry_after_s: Some(7)
        })
    );
    assert_eq!(
        rejected.err(),
        Some(RetellError::Rejected {
            status: 422,
            message: "simulated failure".into()
        })
    );
    assert_eq!(fake.requests().len(), 6, "one request each, no retries");
    assert_eq!(
        fake.requests()[0].authorization.as_deref(),
        Some("Bearer key_wrong")
    );
    assert!(
        !client.circuit_open(),
        "4xx answers do not open the circuit"
    );
}

#[tokio::test]
async fn timeouts_and_refused_connections_are_reported_as_such() {
    let (fake, _, addr) = setup(false).await;
    *lock(&fake.delay) = Some(Duration::from_secs(3));
    let config = RetellConfig {
        request_timeout: Duration::from_millis(200),
        max_attempts: 2,
        ..quick_config(addr)
    };
    let slow = RetellClient::new(config).expect("client");
    let timeout = slow.get_agent(KEY, "agent_abc123").await;
    assert_eq!(timeout.err(), Some(RetellError::Timeout { after_ms: 200 }));
    assert_eq!(fake.requests().len(), 2);

    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr")
    };
    let config = RetellConfig {
        max_attempts: 1,
        ..quick_config(closed)
    };
    let nowhere = RetellClient::new(config).expect("client");
    let refused = nowhere.get_agent(KEY, "agent_abc123").await;
    assert!(
        matches!(refused, Err(RetellError::Unreachable(_))),
        "{refused:?}"
    );
    let probe = nowhere.probe(None).await;
    assert!(!probe.healthy);
    assert!(probe.error.is_some());
}

#[tokio::test]
async fn the_probe_is_cheap_and_cached() {
    let (fake, client, _) = setup(false).await;

    let probe = client.probe(None).await;
    assert!(probe.healthy, "{probe:?}");
    assert_eq!(
        probe.status_code,
        Some(401),
        "no key: Retell answers 401, which proves it is up"
    );
    let with_key = client.probe(Some(KEY)).await;
    assert_eq!(with_key.status_code, Some(200));
    let requests = fake.requests();
    assert_eq!(
        (requests[0].method.as_str(), requests[0].target.as_str()),
        ("GET", "/list-agents")
    );
    assert_eq!(requests[0].authorization, None);
    assert_eq!(
        requests[1].authorization.as_deref(),
        Some("Bearer key_test_company")
    );

    let a = client.probe_cached(None, Duration::from_secs(60)).await;
    let b = client.probe_cached(None, Duration::from_secs(60)).await;
    assert_eq!(a, b);
    assert_eq!(
        fake.requests().len(),
        3,
        "the second cached probe sent nothing"
    );

    *lock(&fake.fail_always) = Some(500);
    let down = client.probe(None).await;
    assert!(!down.healthy);
    assert_eq!(down.status_code, Some(500));
}

fn local_options() -> WebhookTestOptions {
    WebhookTestOptions {
        allow_private: true,
        timeout: Duration::from_secs(3),
        max_response_bytes: 64 * 1024,
    }
}

#[tokio::test]
async fn a_test_webhook_is_signed_the_retell_way_and_its_answer_reported() {
    let (fake, _, addr) = setup(false).await;
    let payload = json!({"event": "call_ended", "call": {"call_id": "test_123", "from_number": "+491234567890"}});

    let answer = send_test_webhook(
        &format!("http://{addr}/hook"),
        &payload,
        KEY,
        &local_options(),
    )
    .await
    .expect("answer");

    assert_eq!(answer.status_code, 200);
    assert_eq!(
        answer.body,
        json!({"success": true, "message": "Webhook processed"})
    );
    assert_eq!(
        answer.headers.get("content-type").map(String::as_str),
        Some("application/json")
    );
    assert_eq!(
        answer.headers.get("x-test").map(String::as_str),
        Some("yes")
    );
    assert!(answer.duration_ms < 3000);
    let received = fake.requests().pop().expect("received");
    assert_eq!(received.method, "POST");
    assert_eq!(received.content_type.as_deref(), Some("application/json"));
    // The payload, marked as a test inside the signed bytes.
    let mut marked = payload.clone();
    marked["frontdesk_test"] = json!(true);
    assert_eq!(received.body, marked);
    let header = received.signature.expect("signed");
    assert!(
        signature::verify_now(KEY, &received.raw, &header).is_ok(),
        "{header}"
    );
    assert_eq!(
        signature::verify_now("key_other", &received.raw, &header),
        Err(signature::SignatureError::Mismatch)
    );

    let contract = serde_json::to_value(&answer).expect("json");
    let mut fields: Vec<&str> = contract
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    fields.sort_unstable();
    assert_eq!(fields, ["body", "duration_ms", "headers", "status_code"]);
}

#[tokio::test]
async fn a_host_name_is_resolved_checked_and_pinned() {
    let (fake, _, addr) = setup(false).await;
    let url = format!("http://localhost:{}/hook", addr.port());

    let refused = send_test_webhook(&url, &json!({}), KEY, &WebhookTestOptions::default()).await;
    assert!(
        matches!(refused, Err(WebhookTestError::Forbidden { ref host, reason: "loopback", .. }) if host == "localhost"),
        "{refused:?}"
    );
    assert!(
        fake.requests().is_empty(),
        "nothing was sent to a refused target"
    );

    let target = check_target(&url, true, Duration::from_secs(2))
        .await
        .expect("allowed");
    assert!(
        target
            .addrs
            .iter()
            .all(|a| a.ip().is_loopback() && a.port() == addr.port())
    );
    let answer = send_test_webhook(
        &url,
        &json!({"event": "call_started"}),
        KEY,
        &local_options(),
    )
    .await;
    assert_eq!(answer.map(|a| a.status_code).ok(), Some(200));
}

#[tokio::test]
async fn inside_addresses_are_refused_unless_allowed() {
    let opts = WebhookTestOptions {
        timeout: Duration::from_secs(2),
        ..WebhookTestOptions::default()
    };
    for url in [
        "http://127.0.0.1:1/hook",
        "http://10.0.0.1/hook",
        "http://172.16.5.4/hook",
        "http://192.168.1.1/hook",
        "http://100.64.0.1/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/",
        "http://[fe80::1]/",
        "http://[::1]:1/",
        "http://0.0.0.0:1/",
    ] {
        let err = send_test_webhook(url, &json!({}), KEY, &opts).await.err();
        assert!(
            matches!(err, Some(WebhookTestError::Forbidden { .. })),
            "{url}: {err:?}"
        );
        assert_eq!(err.map(|e| e.code()), Some("WEBHOOK_TARGET_FORBIDDEN"));
    }
    for url in [
        "ftp://example.com/",
        "gopher://x/",
        "javascript:alert(1)",
        "http://",
    ] {
        let err = send_test_webhook(url, &json!({}), KEY, &opts).await.err();
        assert!(
            matches!(err, Some(WebhookTestError::InvalidUrl(_))),
            "{url}: {err:?}"
        );
    }
    // Allowed with the flag (checked without sending anything to those networks).
    for url in [
        "http://10.0.0.1/hook",
        "http://192.168.1.1/",
        "http://[fe80::1]/",
        "http://127.0.0.1:1/",
    ] {
        assert!(
            check_target(url, true, Duration::from_secs(1))
                .await
                .is_ok(),
            "{url}"
        );
    }
}

#[tokio::test]
async fn redirects_are_reported_not_followed_and_big_or_plain_answers_are_handled() {
    let (fake, _, addr) = setup(false).await;

    let redirect = send_test_webhook(
        &format!("http://{addr}/hook-redirect"),
        &json!({}),
        KEY,
        &local_options(),
    )
    .await
    .expect("answer");
    assert_eq!(redirect.status_code, 302);
    assert_eq!(
        redirect.headers.get("location").map(String::as_str),
        Some("http://169.254.169.254/latest/meta-data/")
    );
    assert_eq!(fake.requests().len(), 1, "the redirect was not followed");

    let text = send_test_webhook(
        &format!("http://{addr}/hook-text"),
        &json!({}),
        KEY,
        &local_options(),
    )
    .await
    .expect("answer");
    assert_eq!((text.status_code, text.body), (202, json!("thanks")));

    let opts = WebhookTestOptions {
        max_response_bytes: 1000,
        ..local_options()
    };
    let big = send_test_webhook(&format!("http://{addr}/hook-big"), &json!({}), KEY, &opts)
        .await
        .expect("answer");
    assert!(big.truncated);
    assert_eq!(big.body.as_str().map(str::len), Some(1000));

    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr")
    };
    let down = send_test_webhook(
        &format!("http://{closed}/hook"),
        &json!({}),
        KEY,
        &local_options(),
    )
    .await;
    assert!(
        matches!(down, Err(WebhookTestError::Unreachable(_))),
        "{down:?}"
    );
}
