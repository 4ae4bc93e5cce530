//! `GET /openapi.json`: served, a well-formed OpenAPI 3.1 document, listing every REST route
//! of the router, and describing what the server really answers: real responses of every
//! documented operation (successes and errors) are checked against the document: the status
//! is documented, the content type too, the body validates against the schema (JSON Schema
//! 2020-12, `$ref`s resolved from the document's components) and the documented headers are
//! present.

mod common;

use common::{TestApp, spawn_app_with};
use frontdesk_retell::signature::sign_now;
use frontdesk_server::ServerSettings;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// The REST routes, as `(method, path)`: all of them are documented.
const REST: [(&str, &str); 17] = [
    ("get", "/healthz"),
    ("get", "/readyz"),
    ("get", "/openapi.json"),
    ("get", "/metrics"),
    ("post", "/mcp/auth/session"),
    ("get", "/mcp/auth/validate"),
    ("post", "/mcp/auth/logout"),
    ("get", "/mcp/health"),
    ("post", "/mcp/messages/"),
    ("post", "/api/mcp/gateway"),
    ("get", "/api/mcp/health"),
    ("post", "/api/mcp/retell/custom-function"),
    ("post", "/api/mcp/retell/webhook"),
    ("post", "/api/vapi/tool-calls"),
    ("post", "/api/sms/twilio/status"),
    ("post", "/api/sms/twilio/inbound"),
    ("get", "/ical/{feed}"),
];

/// Routes of the router that are not in the document: the MCP transports, which the MCP
/// specification describes (`/mcp` is a `route_service`), the alias without the slash, and the
/// Prometheus metrics (text exposition format, for scrapers).
const NOT_REST: [(&str, &str); 3] = [
    ("get", "/mcp/sse"),
    ("post", "/mcp/messages"),
    ("get", "/metrics"),
];

const RETELL_KEY: &str = "key_openapi_test";
const VAPI_SECRET: &str = "vapi_openapi_test";

async fn app() -> TestApp {
    // Nothing here may reach the real Retell API: its health probe fails fast instead.
    let settings = ServerSettings {
        retell_api_base: "http://127.0.0.1:9".into(),
        ..ServerSettings::default()
    };
    let app = spawn_app_with(settings).await;
    app.set_credentials(app.askpro_id, Some(RETELL_KEY), Some(VAPI_SECRET))
        .await;
    app
}

async fn document(app: &TestApp) -> Value {
    let response = app
        .client
        .get(app.url("/openapi.json"))
        .send()
        .await
        .expect("GET /openapi.json");
    assert_eq!(response.status(), 200);
    assert_eq!(
        response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/json")
    );
    response.json().await.expect("the document is JSON")
}

/// `(method, path)` of every `.route("path", method(…))` in router.rs.
fn router_routes() -> BTreeSet<(String, String)> {
    let source = include_str!("../src/router.rs");
    let mut routes = BTreeSet::new();
    for (at, _) in source.match_indices(".route(") {
        let rest = source[at + ".route(".len()..].trim_start();
        let Some(rest) = rest.strip_prefix('"') else {
            continue;
        };
        let Some((path, rest)) = rest.split_once('"') else {
            continue;
        };
        let rest = rest.trim_start().trim_start_matches(',').trim_start();
        let method: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .collect();
        routes.insert((method, path.to_string()));
    }
    routes
}

fn operations(doc: &Value) -> BTreeMap<(String, String), &Value> {
    let mut found = BTreeMap::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            found.insert((method.clone(), path.clone()), operation);
        }
    }
    found
}

/// Every `$ref` in `value`.
fn refs<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                out.push(target);
            }
            map.values().for_each(|v| refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[tokio::test]
async fn the_document_is_served_and_well_formed() {
    let app = app().await;
    let doc = document(&app).await;

    assert!(
        doc["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1")),
        "{}",
        doc["openapi"]
    );
    assert_eq!(doc["info"]["title"], "frontdesk");
    assert!(doc["info"]["version"].is_string());

    let schemes = doc["components"]["securitySchemes"]
        .as_object()
        .expect("security schemes");
    for name in [
        "mcp_api_key",
        "session_token",
        "gateway_token",
        "retell_signature",
        "vapi_secret",
        "vapi_bearer",
    ] {
        assert!(schemes.contains_key(name), "security scheme {name}");
    }
    assert_eq!(schemes["mcp_api_key"]["name"], "X-API-Key");
    assert_eq!(schemes["retell_signature"]["name"], "X-Retell-Signature");
    assert_eq!(schemes["vapi_secret"]["name"], "X-Vapi-Secret");
    assert_eq!(schemes["session_token"]["scheme"], "bearer");

    let mut ids = BTreeSet::new();
    for ((method, path), operation) in operations(&doc) {
        let id = operation["operationId"].as_str().expect("operationId");
        assert!(ids.insert(id.to_string()), "duplicate operationId {id}");
        let responses = operation["responses"].as_object().expect("responses");
        assert!(!responses.is_empty(), "{method} {path}: no responses");
        for (status, response) in responses {
            assert!(
                status.len() == 3 && status.parse::<u16>().is_ok(),
                "{method} {path}: status {status}"
            );
            assert!(
                response["description"].is_string(),
                "{method} {path} {status}"
            );
            assert!(
                response["headers"]["x-request-id"].is_object(),
                "{method} {path} {status}: x-request-id"
            );
        }
        assert!(responses.contains_key("408"), "{method} {path}: 408");
        for requirement in operation["security"].as_array().into_iter().flatten() {
            for name in requirement.as_object().expect("requirement").keys() {
                assert!(schemes.contains_key(name), "{method} {path}: scheme {name}");
            }
        }
    }

    // Every reference resolves, and every schema is a valid JSON Schema 2020-12.
    let mut targets = Vec::new();
    refs(&doc, &mut targets);
    assert!(!targets.is_empty());
    for target in targets {
        let pointer = target.strip_prefix('#').expect("local $ref");
        assert!(doc.pointer(pointer).is_some(), "unresolved $ref {target}");
    }
    for (name, schema) in doc["components"]["schemas"].as_object().expect("schemas") {
        let mut schema = schema.clone();
        schema["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
        if let Err(e) = jsonschema::meta::validate(&schema) {
            panic!("schema {name} is not a valid JSON Schema: {e}");
        }
    }
}

#[tokio::test]
async fn every_rest_route_of_the_router_is_documented() {
    let app = app().await;
    let doc = document(&app).await;

    let expected: BTreeSet<(String, String)> = REST
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    let excluded: BTreeSet<(String, String)> = NOT_REST
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    let routed = router_routes();
    assert_eq!(
        routed,
        expected.union(&excluded).cloned().collect::<BTreeSet<_>>(),
        "router.rs has routes this test does not know: document them (or list them in NOT_REST)"
    );
    let documented: BTreeSet<(String, String)> = operations(&doc).into_keys().collect();
    assert_eq!(documented, expected);
}

/// Checks one real response against the document.
struct Checker {
    doc: Value,
}

impl Checker {
    async fn check(&self, method: &str, path: &str, response: reqwest::Response) -> Value {
        let status = response.status().as_u16().to_string();
        let headers = response.headers().clone();
        let text = response.text().await.expect("body");
        let label = format!("{} {path} → {status}: {text}", method.to_uppercase());
        let documented = &self.doc["paths"][path][method]["responses"][&status];
        assert!(documented.is_object(), "{label}: status not documented");
        for name in documented["headers"]
            .as_object()
            .into_iter()
            .flat_map(|h| h.keys())
        {
            assert!(
                headers.contains_key(name.as_str()),
                "{label}: no {name} header"
            );
        }
        let content = documented["content"].as_object();
        let content_type = headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(';').next().unwrap_or("").trim().to_string());
        let Some(content) = content else {
            assert!(text.is_empty(), "{label}: a body where none is documented");
            return Value::Null;
        };
        let content_type = content_type.unwrap_or_else(|| panic!("{label}: no content type"));
        let media = &content[&content_type];
        assert!(media.is_object(), "{label}: {content_type} not documented");
        if content_type != "application/json" {
            return Value::String(text);
        }
        let body: Value = serde_json::from_str(&text).expect("JSON body");
        let errors = schema_errors(&self.doc, &media["schema"], &body);
        assert!(errors.is_empty(), "{label}: {errors:#?}");
        body
    }
}

/// Why `instance` does not match `schema`, a schema of `doc` (its `$ref`s resolved from the
/// document's components).
fn schema_errors(doc: &Value, schema: &Value, instance: &Value) -> Vec<String> {
    let root = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "components": doc["components"],
        "allOf": [schema],
    });
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&root)
        .unwrap_or_else(|e| panic!("the schema does not compile: {e}"));
    validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// The checks above can fail: bodies the document does not allow are refused.
#[test]
fn the_schemas_refuse_what_the_server_never_answers() {
    let doc =
        serde_json::to_value(<frontdesk_server::openapi::ApiDoc as utoipa::OpenApi>::openapi())
            .expect("document");
    let schema = |name: &str| json!({ "$ref": format!("#/components/schemas/{name}") });
    for (name, good, bad) in [
        (
            "Healthz",
            json!({"status": "ok"}),
            json!({"status": "down"}),
        ),
        (
            "SessionUser",
            json!({"phone": "+1", "name": null, "has_beyond_token": false, "member_ids": []}),
            json!({"phone": "+1", "has_beyond_token": false, "member_ids": []}),
        ),
        (
            "GatewayReply",
            json!([{"jsonrpc": "2.0", "result": {}, "id": 1}]),
            json!({"jsonrpc": "2.0", "id": 1}),
        ),
        (
            "GatewayError",
            json!({"jsonrpc": "2.0", "error": {"code": -32601, "message": "Method not found", "data": {"details": "x"}}, "id": null}),
            json!({"jsonrpc": "2.0", "error": {"code": -1, "message": "Method not found", "data": {"details": "x"}}, "id": null}),
        ),
        (
            "VapiReply",
            json!({"results": [{"toolCallId": "a", "error": "no"}]}),
            json!({"results": [{"toolCallId": "a"}]}),
        ),
        ("VapiReply", json!({}), json!({"other": 1})),
    ] {
        assert_eq!(
            schema_errors(&doc, &schema(name), &good),
            Vec::<String>::new(),
            "{name}"
        );
        assert!(
            !schema_errors(&doc, &schema(name), &bad).is_empty(),
            "{name}: {bad}"
        );
    }
}

#[tokio::test]
async fn real_responses_match_the_document() {
    let app = app().await;
    let checker = Checker {
        doc: document(&app).await,
    };
    let client = &app.client;
    let url = |path: &str| app.url(path);

    // Operations.
    for path in ["/healthz", "/readyz", "/mcp/health", "/openapi.json"] {
        let response = client.get(url(path)).send().await.expect("GET");
        assert_eq!(response.status(), 200, "{path}");
        checker.check("get", path, response).await;
    }
    // Retell is unreachable here: the gateway is degraded, and says so as documented.
    let health = client
        .get(url("/api/mcp/health"))
        .send()
        .await
        .expect("GET");
    let body = checker.check("get", "/api/mcp/health", health).await;
    assert_eq!(body["servers"]["database"]["status"], "healthy");

    // A calendar feed: the text, not modified, unknown.
    let feed = "/ical/{feed}";
    let created = app
        .engine
        .create_feed(
            "askproai-demo",
            frontdesk_engine::calendar::FeedTarget::Branch("Berlin Hauptfiliale"),
        )
        .await
        .expect("feed");
    let feed_url = url(&format!("/ical/{}.ics", created.token));
    let served = client.get(&feed_url).send().await.expect("GET");
    assert_eq!(served.status(), 200);
    let etag = served.headers()["etag"].clone();
    let text = checker.check("get", feed, served).await;
    assert!(
        text.as_str()
            .is_some_and(|t| t.starts_with("BEGIN:VCALENDAR"))
    );
    let unchanged = client
        .get(&feed_url)
        .header("if-none-match", etag)
        .send()
        .await
        .expect("GET");
    assert_eq!(unchanged.status(), 304);
    checker.check("get", feed, unchanged).await;
    let unknown = client
        .get(url("/ical/fd_ical_unknown.ics"))
        .send()
        .await
        .expect("GET");
    assert_eq!(unknown.status(), 404);
    checker.check("get", feed, unknown).await;

    // Sessions: a known caller, an unknown one, and the refusals.
    let session = "/mcp/auth/session";
    let known = app
        .create_session(&app.beyond_key, json!({ "caller_id": "+5511999999999" }))
        .await;
    let known = checker.check("post", session, known).await;
    let token = known["session_token"].as_str().expect("token").to_string();
    let unknown = app
        .create_session(&app.beyond_key, json!({ "caller_id": 5511988887777u64 }))
        .await;
    assert_eq!(
        checker.check("post", session, unknown).await["user"]["name"],
        Value::Null
    );
    for (key, body) in [
        ("fd_mcp_wrong", json!({ "caller_id": "+5511999999999" })),
        (app.beyond_key.as_str(), json!({})),
        (app.beyond_key.as_str(), json!({ "caller_id": "99999999" })),
        (app.beyond_key.as_str(), json!({ "caller_id": [1] })),
    ] {
        let refused = app.create_session(key, body).await;
        assert!(refused.status().is_client_error());
        checker.check("post", session, refused).await;
    }
    let not_json = client
        .post(url(session))
        .header("x-api-key", &app.beyond_key)
        .header("content-type", "text/plain")
        .body("caller_id=1")
        .send()
        .await
        .expect("POST");
    assert_eq!(not_json.status(), 415);
    checker.check("post", session, not_json).await;

    // Bodies over the limit (64 KiB by default), on a REST endpoint and on the gateway.
    let huge = json!({ "caller_id": "+5511999999999", "padding": "x".repeat(70 * 1024) });
    let too_large = app.create_session(&app.beyond_key, huge.clone()).await;
    assert_eq!(too_large.status(), 413);
    checker.check("post", session, too_large).await;

    let validate = "/mcp/auth/validate";
    let valid = client
        .get(url(validate))
        .bearer_auth(&token)
        .send()
        .await
        .expect("GET");
    assert_eq!(valid.status(), 200);
    checker.check("get", validate, valid).await;
    for bearer in [Some("sess_invalid"), None] {
        let mut request = client.get(url(validate));
        if let Some(bearer) = bearer {
            request = request.bearer_auth(bearer);
        }
        let invalid = request.send().await.expect("GET");
        assert_eq!(invalid.status(), 401);
        let body = checker.check("get", validate, invalid).await;
        assert_eq!(body["valid"], false);
    }

    // MCP direct mode: a request, a batch, a notification, the refusals.
    let messages = "/mcp/messages/";
    let list = app
        .rpc(
            &token,
            json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}),
        )
        .await;
    assert_eq!(list.status(), 200);
    checker.check("post", messages, list).await;
    let batch = app
        .rpc(
            &token,
            json!([
                {"jsonrpc": "2.0", "id": "a", "method": "tools/call", "params": {"name": "get_members", "arguments": {}}},
                {"jsonrpc": "2.0", "id": 2, "method": "no/such/method"},
                {"jsonrpc": "2.0", "method": "notifications/initialized"}
            ]),
        )
        .await;
    assert_eq!(batch.status(), 200);
    let answers = checker.check("post", messages, batch).await;
    assert_eq!(answers.as_array().map(Vec::len), Some(2));
    let notification = app
        .rpc(
            &token,
            json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
        )
        .await;
    assert_eq!(notification.status(), 202);
    checker.check("post", messages, notification).await;
    for body in [json!([]), json!({"hello": "world"})] {
        let refused = app.rpc(&token, body).await;
        assert_eq!(refused.status(), 400);
        checker.check("post", messages, refused).await;
    }
    let stream = client
        .post(url("/mcp/messages/?session_id=nope"))
        .bearer_auth(&token)
        .json(&json!({"jsonrpc": "2.0", "id": 1, "method": "ping"}))
        .send()
        .await
        .expect("POST");
    assert_eq!(stream.status(), 404);
    checker.check("post", messages, stream).await;
    let anonymous = app
        .rpc(
            "sess_invalid",
            json!({"jsonrpc": "2.0", "id": 1, "method": "ping"}),
        )
        .await;
    assert_eq!(anonymous.status(), 401);
    checker.check("post", messages, anonymous).await;

    // Logout, twice.
    for expected in [200, 401] {
        let logout = client
            .post(url("/mcp/auth/logout"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("POST");
        assert_eq!(logout.status(), expected);
        checker.check("post", "/mcp/auth/logout", logout).await;
    }

    // The gateway: its errors, a result, a batch, notifications only.
    let gateway = "/api/mcp/gateway";
    let gw_token = app.gateway_token(app.askpro_id).await;
    let unauthorized = app
        .gateway(
            "fd_gw_wrong",
            &json!({"jsonrpc": "2.0", "method": "x.y", "id": 1}),
        )
        .await;
    assert_eq!(unauthorized.status(), 401);
    let body = checker.check("post", gateway, unauthorized).await;
    assert_eq!(body["error"]["data"]["code"], "UNAUTHORIZED");
    for request in [
        json!({"jsonrpc": "2.0", "method": "nope.nothing", "id": 1}),
        json!({"jsonrpc": "2.0", "method": "appointment_mgmt.findAppointments", "params": {}, "id": "x"}),
        json!({"jsonrpc": "2.0", "method": "appointment_mgmt.findAppointments", "params": {"phone": "+491234567890"}, "id": 2.5}),
        json!({"jsonrpc": "2.0", "method": "appointment_mgmt.findAppointments", "params": {"phone": "+491234567890", "company_id": 999}, "id": null}),
        json!({"jsonrpc": "2.0", "method": "retell_config.getAgentPromptTemplate", "params": {"language": "de"}, "id": 3}),
        json!([
            {"jsonrpc": "2.0", "method": "appointment_mgmt.checkAvailability", "params": {"date": "tomorrow"}, "id": 1},
            {"jsonrpc": "1.0", "method": "x", "id": 2},
            {"jsonrpc": "2.0", "method": "appointment_mgmt.checkAvailability", "params": {"date": "tomorrow"}}
        ]),
        json!([]),
        json!("not a request"),
    ] {
        let response = app.gateway(&gw_token, &request).await;
        assert_eq!(response.status(), 200, "{request}");
        checker.check("post", gateway, response).await;
    }
    let too_large = app.gateway(&gw_token, &huge).await;
    assert_eq!(too_large.status(), 413);
    checker.check("post", gateway, too_large).await;
    let parse_error = app.gateway_raw(&gw_token, "{not json").await;
    let body = checker.check("post", gateway, parse_error).await;
    assert_eq!(body["error"]["code"], -32700);
    let notifications = app
        .gateway(
            &gw_token,
            &json!({"jsonrpc": "2.0", "method": "appointment_mgmt.checkAvailability", "params": {"date": "tomorrow"}}),
        )
        .await;
    assert_eq!(notifications.status(), 204);
    checker.check("post", gateway, notifications).await;

    // Retell: unknown company, unsigned, signed.
    let function = "/api/mcp/retell/custom-function";
    let call = json!({"call_id": "call_openapi", "from_number": "+491234567890", "to_number": "+493083793369"});
    let unknown_company = app.retell_post(function, r#"{"args": {}}"#, None).await;
    assert_eq!(unknown_company.status(), 404);
    checker.check("post", function, unknown_company).await;
    let body = json!({"name": "check_availability", "call": call, "args": {"date": "tomorrow"}})
        .to_string();
    let unsigned = app.retell_post(function, &body, None).await;
    assert_eq!(unsigned.status(), 401);
    checker.check("post", function, unsigned).await;
    for body in [
        body.clone(),
        json!({"name": "no_such_function", "call": call, "args": {}}).to_string(),
    ] {
        let signed = app
            .retell_post(
                function,
                &body,
                Some(&sign_now(RETELL_KEY, body.as_bytes())),
            )
            .await;
        assert_eq!(signed.status(), 200);
        checker.check("post", function, signed).await;
    }
    let not_json = "[1, 2";
    let path_with_company = format!("{function}?company=askproai-demo");
    let refused = app
        .retell_post(
            &path_with_company,
            not_json,
            Some(&sign_now(RETELL_KEY, not_json.as_bytes())),
        )
        .await;
    assert_eq!(refused.status(), 400);
    checker.check("post", function, refused).await;

    // A testWebhook delivery is acknowledged by both endpoints, as documented.
    let test_delivery =
        json!({"event": "call_started", "call": call, "frontdesk_test": true}).to_string();
    for path in [function, "/api/mcp/retell/webhook"] {
        let response = app
            .retell_post(
                path,
                &test_delivery,
                Some(&sign_now(RETELL_KEY, test_delivery.as_bytes())),
            )
            .await;
        assert_eq!(response.status(), 200);
        let body = checker.check("post", path, response).await;
        assert_eq!(body["test"], true);
    }

    let webhook = "/api/mcp/retell/webhook";
    for (event, status) in [("call_started", 200), ("call_exploded", 422)] {
        let body = json!({"event": event, "call": call}).to_string();
        let response = app
            .retell_post(webhook, &body, Some(&sign_now(RETELL_KEY, body.as_bytes())))
            .await;
        assert_eq!(response.status(), status);
        checker.check("post", webhook, response).await;
    }

    // Vapi: no secret, tool calls, another message type, a malformed message.
    let vapi = "/api/vapi/tool-calls";
    let post_vapi = |secret: Option<&str>, body: Value| {
        let mut request = client.post(url(vapi)).json(&body);
        if let Some(secret) = secret {
            request = request.header("x-vapi-secret", secret);
        }
        request.send()
    };
    let tool_calls = json!({"message": {"type": "tool-calls",
    "call": {"id": "vapi_openapi", "customer": {"number": "+491234567890"}},
    "toolCallList": [
        {"id": "tc_1", "type": "function", "function": {"name": "get_business_info", "arguments": "{}"}},
        {"id": "tc_2", "name": "no_such_tool", "arguments": {}},
        {"id": "tc_3"}
    ]}});
    for (secret, body, status) in [
        (None, tool_calls.clone(), 401),
        (Some("wrong"), tool_calls.clone(), 401),
        (Some(VAPI_SECRET), tool_calls, 200),
        (
            Some(VAPI_SECRET),
            json!({"message": {"type": "status-update"}}),
            200,
        ),
        (Some(VAPI_SECRET), json!({"message": "hi"}), 400),
    ] {
        let response = post_vapi(secret, body).await.expect("POST");
        assert_eq!(response.status(), status);
        checker.check("post", vapi, response).await;
    }
}

/// The gateway's batch limit in the document is the code's.
#[test]
fn the_batch_limit_is_the_gateways() {
    let doc =
        serde_json::to_value(<frontdesk_server::openapi::ApiDoc as utoipa::OpenApi>::openapi())
            .expect("document");
    assert_eq!(
        doc["components"]["schemas"]["GatewayBatch"]["maxItems"],
        json!(frontdesk_server::gateway::dispatch::MAX_BATCH)
    );
    let methods: Vec<Value> = frontdesk_server::gateway::dispatch::methods()
        .into_iter()
        .map(Value::String)
        .collect();
    assert_eq!(
        doc["components"]["schemas"]["GatewayRequest"]["properties"]["method"]["enum"],
        Value::Array(methods)
    );
}
