//! HTTP fuzzing of every JSON-RPC and JSON surface, over real HTTP on a random port.
//!
//! For each surface — direct-mode MCP (`POST /mcp/messages/`), Streamable HTTP (`POST /mcp`),
//! the JSON-RPC gateway, Retell custom functions and webhooks (signed), Vapi tool calls and
//! caller sessions — a bounded, seeded number of bodies generated with proptest: random
//! bytes and text, random JSON, and near-valid messages of the surface's own protocol with
//! fields removed or given the wrong type, odd ids, huge numbers, deep nesting, unicode,
//! batches, oversized bodies. Every answer must be:
//! - never a 5xx and never a dropped or hung connection;
//! - a JSON body (Streamable HTTP: JSON, or server-sent events whose data is JSON), or an
//!   empty 204 / a `202 Accepted` where the API documents one.
//!
//! After each surface the server still answers `/healthz` and a valid call of that surface.
//! A failing body is shrunk and printed. Cases: 64 per surface (`PROPTEST_CASES` changes it);
//! seeds are fixed per surface (`PROPTEST_RNG_SEED` changes them). `FUZZ_DEBUG=1` prints
//! every request and answer.

mod common;

use common::{TestApp, spawn_app_with_clock};
use frontdesk_engine::{Clock, FixedClock};
use frontdesk_server::ServerSettings;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestError, TestRunner};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};

const NOW: &str = "2026-11-20T12:00:00Z";
const CASES_PER_SURFACE: u32 = 64;
const RETELL_KEY: &str = "key_fuzz_retell";
const VAPI_SECRET: &str = "vapi_fuzz_secret";
const RAFAEL: &str = "+5511999999999";
const JOHN: &str = "+491234567890";
const PRACTICE: &str = "+493083793369";
const BEYOND_NUMBER: &str = "+551130000000";
/// Longer than the server's 64 KiB body limit.
const OVERSIZED: usize = 70 * 1024;

// ---------------------------------------------------------------------------------------------
// Generated values
// ---------------------------------------------------------------------------------------------

/// A string stored in a generated value and replaced, once serialised, by a raw number
/// literal that `serde_json::Value` cannot hold.
const RAW: &str = "@@raw-number@@";

fn raw_number() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "1e400",
        "-1e400",
        "123456789012345678901234567890",
        "18446744073709551616",
        "-9223372036854775809",
        "1.0e-400",
        "-0",
        "0.000000000000000000000000000001",
    ])
}

fn text() -> BoxedStrategy<String> {
    prop_oneof![
        4 => any::<String>(),
        2 => "[a-z_]{0,12}",
        1 => prop::sample::select(vec![
            "", " ", "\u{0}", "\u{202e}rtl", "🦀🏄‍♀️", "ção", "Ünïcödé", "\u{feff}bom",
            "null", "true", "NaN", "<script>", "' OR 1=1 --", "../../etc/passwd", RAW,
        ])
        .prop_map(str::to_string),
    ]
    .boxed()
}

fn number() -> BoxedStrategy<Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_filter_map("finite", |f| serde_json::Number::from_f64(f)
            .map(Value::Number)),
        Just(json!(0)),
        Just(json!(-1)),
        Just(json!(1.5)),
    ]
    .boxed()
}

fn leaf() -> BoxedStrategy<Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        number(),
        text().prop_map(Value::String),
    ]
    .boxed()
}

fn json_value() -> BoxedStrategy<Value> {
    leaf()
        .prop_recursive(4, 24, 5, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::btree_map(text(), inner, 0..5)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
        .boxed()
}

fn id() -> BoxedStrategy<Value> {
    prop_oneof![
        4 => (0i64..1000).prop_map(Value::from),
        2 => "[a-z0-9_]{0,10}".prop_map(Value::String),
        1 => Just(Value::Null),
        1 => json_value(),
    ]
    .boxed()
}

/// Either a well-formed value from `good` or anything.
fn or_anything(good: BoxedStrategy<Value>) -> BoxedStrategy<Value> {
    prop_oneof![4 => good, 1 => json_value()].boxed()
}

fn words(list: &[&'static str]) -> BoxedStrategy<Value> {
    prop::sample::select(list.to_vec())
        .prop_map(|w| Value::String(w.to_string()))
        .boxed()
}

fn phone() -> BoxedStrategy<Value> {
    or_anything(words(&[
        RAFAEL,
        JOHN,
        "5511999999999",
        "(11) 99999-9999",
        "+49 30 83793369",
        "99999999",
        "+999999999999999999999",
        "anonymous",
        "",
    ]))
}

/// Values of the arguments tools and methods take.
fn argument() -> BoxedStrategy<Value> {
    prop_oneof![
        3 => words(&[
            "tomorrow", "today", "segunda", "2026-11-23", "2026-11-24", "2026-02-30", "14:00",
            "9h30", "25:99", "Intermediario2", "Lado_esquerdo", "Beratung", "KRM-482", "krm 482",
            "upcoming", "all", "cancelled", "Rafael", "Lucas", "Dr. Smith", "",
        ]),
        2 => prop::sample::select(vec![12345i64, 12346, 1, 0, -1, i64::MAX])
            .prop_map(Value::from),
        1 => phone(),
        2 => json_value(),
    ]
    .boxed()
}

fn arguments(keys: &[&'static str]) -> BoxedStrategy<Value> {
    or_anything(
        prop::collection::btree_map(prop::sample::select(keys.to_vec()), argument(), 0..5)
            .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_string(), v)).collect()))
            .boxed(),
    )
}

const TOOL_ARGS: &[&str] = &[
    "date",
    "time",
    "level",
    "wave_side",
    "service",
    "member_id",
    "member_name",
    "booking_id",
    "voucher_code",
    "reason",
    "status",
    "new_date",
    "new_time",
    "preferences",
    "target_hours",
    "include_full",
];

fn tool_name() -> BoxedStrategy<Value> {
    prop_oneof![
        4 => words(&[
            "get_members", "get_member_preferences", "set_member_preferences", "get_availability",
            "book_session", "cancel_booking", "get_bookings", "reschedule_booking",
            "get_business_info", "check_availability", "book_appointment",
        ]),
        1 => text().prop_map(Value::String),
        1 => json_value(),
    ]
    .boxed()
}

// ---------------------------------------------------------------------------------------------
// Near-valid messages of each protocol
// ---------------------------------------------------------------------------------------------

fn mcp_message() -> BoxedStrategy<Value> {
    let message = prop_oneof![
        5 => (id(), tool_name(), arguments(TOOL_ARGS)).prop_map(|(id, name, args)| json!({
            "jsonrpc": "2.0", "id": id, "method": "tools/call",
            "params": { "name": name, "arguments": args },
        })),
        1 => id().prop_map(|id| json!({ "jsonrpc": "2.0", "id": id, "method": "tools/list", "params": {} })),
        1 => (id(), or_anything(words(&["2025-03-26", "2025-06-18", "2025-11-25", "2026-07-28", "1999-01-01"])))
            .prop_map(|(id, version)| json!({
                "jsonrpc": "2.0", "id": id, "method": "initialize",
                "params": { "protocolVersion": version, "capabilities": {},
                            "clientInfo": { "name": "fuzz", "version": "1" } },
            })),
        1 => Just(json!({ "jsonrpc": "2.0", "method": "notifications/initialized" })),
        1 => (id(), or_anything(words(&["ping", "resources/list", "prompts/list", "server/discover", "completion/complete", "logging/setLevel"])), json_value())
            .prop_map(|(id, method, params)| json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params })),
        1 => id().prop_map(|id| json!({ "jsonrpc": "2.0", "id": id, "result": {} })),
    ];
    // Half carry the request metadata the stateless 2026-07-28 revision requires.
    (message, any::<bool>())
        .prop_map(|(mut message, modern)| {
            if modern && let Some(params) = message.get_mut("params").and_then(Value::as_object_mut)
            {
                params.insert(
                    "_meta".into(),
                    json!({
                        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
                        "io.modelcontextprotocol/clientCapabilities": {},
                        "io.modelcontextprotocol/clientInfo": { "name": "fuzz", "version": "1" },
                    }),
                );
            }
            message
        })
        .boxed()
}

const GATEWAY_PARAMS: &[&str] = &[
    "phone",
    "company_id",
    "date",
    "time",
    "appointment_id",
    "booking_id",
    "service",
    "new_date",
    "new_time",
    "reason",
    "customer_name",
    "agent_ids",
    "event",
    "call",
    "url",
    "events",
    "functions",
];

fn gateway_message() -> BoxedStrategy<Value> {
    let method = prop_oneof![
        5 => words(&[
            "appointment_mgmt.findAppointments", "appointment_mgmt.rescheduleAppointment",
            "appointment_mgmt.cancelAppointment", "appointment_mgmt.createAppointment",
            "appointment_mgmt.checkAvailability", "webhook.processRetellWebhook",
            "retell_config.getWebhook", "retell_config.updateWebhook",
            "retell_config.deployCustomFunctions", "retell_config.getAgentPromptTemplate",
            "retell_config.testWebhook", "appointment_mgmt.", ".findAppointments", "nope.nope",
        ]),
        1 => json_value(),
    ];
    (method, arguments(GATEWAY_PARAMS), id())
        .prop_map(|(method, params, id)| {
            json!({ "jsonrpc": "2.0", "method": method, "params": params, "id": id })
        })
        .boxed()
}

fn retell_call() -> BoxedStrategy<Value> {
    or_anything(
        (
            "[a-z0-9_]{1,12}",
            phone(),
            or_anything(words(&[PRACTICE, BEYOND_NUMBER, "", "+15550000000"])),
            or_anything(words(&["inbound", "outbound", "sideways"])),
            prop::option::of(text()),
        )
            .prop_map(|(call_id, from, to, direction, agent)| {
                let mut call = json!({
                    "call_id": call_id, "from_number": from, "to_number": to,
                    "direction": direction,
                });
                if let Some(agent) = agent {
                    call["agent_id"] = Value::String(agent);
                }
                call
            })
            .boxed(),
    )
}

fn retell_function_message() -> BoxedStrategy<Value> {
    prop_oneof![
        3 => (tool_name(), retell_call(), arguments(TOOL_ARGS))
            .prop_map(|(name, call, args)| json!({ "name": name, "call": call, "args": args })),
        1 => (tool_name(), "[a-z0-9_]{0,12}", arguments(TOOL_ARGS))
            .prop_map(|(name, call_id, args)| json!({
                "function_name": name, "call_id": call_id, "parameters": args,
            })),
    ]
    .boxed()
}

fn retell_webhook_message() -> BoxedStrategy<Value> {
    (
        or_anything(words(&[
            "call_started",
            "call_ended",
            "call_analyzed",
            "call_exploded",
        ])),
        retell_call(),
        prop::option::of(any::<i64>()),
        prop::option::of(text()),
    )
        .prop_map(|(event, mut call, ended, transcript)| {
            if let Some(object) = call.as_object_mut() {
                if let Some(ms) = ended {
                    object.insert("end_timestamp".into(), json!(ms));
                }
                if let Some(t) = transcript {
                    object.insert("transcript".into(), json!(t));
                }
            }
            json!({ "event": event, "call": call })
        })
        .boxed()
}

fn vapi_message() -> BoxedStrategy<Value> {
    let tool_call = prop_oneof![
        ("[a-z0-9_]{0,10}", tool_name(), arguments(TOOL_ARGS)).prop_map(|(id, name, args)| {
            json!({ "id": id, "type": "function", "function": { "name": name, "arguments": args } })
        }),
        ("[a-z0-9_]{0,10}", tool_name(), arguments(TOOL_ARGS)).prop_map(|(id, name, args)| {
            json!({ "id": id, "name": name, "arguments": args.to_string() })
        }),
        json_value(),
    ];
    (
        or_anything(words(&[
            "tool-calls",
            "status-update",
            "end-of-call-report",
            "assistant-request",
            "nonsense",
        ])),
        or_anything(
            prop::collection::vec(tool_call, 0..4)
                .prop_map(Value::Array)
                .boxed(),
        ),
        "[a-z0-9_]{0,10}",
        phone(),
    )
        .prop_map(|(kind, list, call_id, number)| {
            json!({ "message": {
                "type": kind, "toolCallList": list,
                "call": { "id": call_id, "type": "inboundPhoneCall", "customer": { "number": number } },
            } })
        })
        .boxed()
}

fn session_message() -> BoxedStrategy<Value> {
    prop_oneof![
        4 => phone().prop_map(|p| json!({ "caller_id": p })),
        1 => (phone(), json_value()).prop_map(|(p, extra)| json!({ "caller_id": p, "extra": extra })),
        1 => any::<u64>().prop_map(|n| json!({ "caller_id": n })),
    ]
    .boxed()
}

/// A change to a near-valid message.
#[derive(Debug, Clone)]
enum Mutation {
    /// Removes the member or element at the chosen path.
    Remove(prop::sample::Index),
    /// Gives the value at the chosen path another, probably wrongly typed, value.
    Replace(prop::sample::Index, Value),
    /// Nests the value at the chosen path `depth` arrays deep.
    Nest(prop::sample::Index, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        2 => any::<prop::sample::Index>().prop_map(Mutation::Remove),
        3 => (any::<prop::sample::Index>(), json_value()).prop_map(|(at, v)| Mutation::Replace(at, v)),
        1 => (any::<prop::sample::Index>(), Just(Value::String(RAW.into())))
            .prop_map(|(at, v)| Mutation::Replace(at, v)),
        1 => (any::<prop::sample::Index>(), 1usize..300).prop_map(|(at, d)| Mutation::Nest(at, d)),
    ]
}

/// Every path in `value`, as object keys and array indices.
fn paths(value: &Value, here: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
    out.push(here.clone());
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                here.push(Value::String(k.clone()));
                paths(v, here, out);
                here.pop();
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                here.push(Value::from(i));
                paths(v, here, out);
                here.pop();
            }
        }
        _ => {}
    }
}

fn at_path<'a>(value: &'a mut Value, path: &[Value]) -> Option<&'a mut Value> {
    path.iter().try_fold(value, |v, step| match (v, step) {
        (Value::Object(map), Value::String(k)) => map.get_mut(k),
        (Value::Array(items), Value::Number(i)) => {
            items.get_mut(usize::try_from(i.as_u64()?).ok()?)
        }
        _ => None,
    })
}

fn mutate(mut value: Value, mutations: &[Mutation]) -> Value {
    for m in mutations {
        let mut all = Vec::new();
        paths(&value, &mut Vec::new(), &mut all);
        let pick = |at: &prop::sample::Index| all[at.index(all.len())].clone();
        match m {
            Mutation::Remove(at) => {
                let path = pick(at);
                let Some((last, parent)) = path.split_last() else {
                    value = Value::Null;
                    continue;
                };
                match (at_path(&mut value, parent), last) {
                    (Some(Value::Object(map)), Value::String(k)) => {
                        map.remove(k);
                    }
                    (Some(Value::Array(items)), Value::Number(i)) => {
                        if let Some(i) = i.as_u64().and_then(|i| usize::try_from(i).ok())
                            && i < items.len()
                        {
                            items.remove(i);
                        }
                    }
                    _ => {}
                }
            }
            Mutation::Replace(at, new) => {
                if let Some(slot) = at_path(&mut value, &pick(at)) {
                    *slot = new.clone();
                }
            }
            Mutation::Nest(at, depth) => {
                if let Some(slot) = at_path(&mut value, &pick(at)) {
                    let mut nested = slot.take();
                    for _ in 0..*depth {
                        nested = Value::Array(vec![nested]);
                    }
                    *slot = nested;
                }
            }
        }
    }
    value
}

/// The bytes of a JSON value, with the raw-number placeholder replaced.
fn serialise(value: &Value, raw: &str) -> Vec<u8> {
    let text = value.to_string();
    text.replace(&format!("\"{RAW}\""), raw).into_bytes()
}

/// What one request sends.
#[derive(Debug, Clone)]
struct Input {
    body: Vec<u8>,
    /// `Content-Type`; `None` sends none.
    content_type: Option<&'static str>,
    /// A choice each surface reads its own way (Retell: a wrong signature; Streamable HTTP:
    /// protocol and session headers).
    variant: u8,
}

fn body_of(message: BoxedStrategy<Value>) -> BoxedStrategy<Vec<u8>> {
    let mutations = prop_oneof![
        1 => Just(Vec::new()),
        2 => prop::collection::vec(mutation(), 1..4),
    ];
    let near_valid = (message.clone(), mutations, raw_number())
        .prop_map(|(m, mutations, raw)| serialise(&mutate(m, &mutations), raw));
    let batch = (prop::collection::vec(message.clone(), 0..5), raw_number())
        .prop_map(|(items, raw)| serialise(&Value::Array(items), raw));
    let deep = (1usize..5000, any::<bool>()).prop_map(|(depth, arrays)| {
        if arrays {
            format!("{}{}", "[".repeat(depth), "]".repeat(depth)).into_bytes()
        } else {
            format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth)).into_bytes()
        }
    });
    let oversized = message.prop_map(|m| {
        let mut m = m;
        m["padding"] = Value::String("x".repeat(OVERSIZED));
        m.to_string().into_bytes()
    });
    prop_oneof![
        10 => near_valid,
        2 => batch,
        2 => prop::collection::vec(any::<u8>(), 0..2048),
        2 => any::<String>().prop_map(String::into_bytes),
        2 => json_value().prop_map(|v| v.to_string().into_bytes()),
        1 => deep,
        1 => oversized,
    ]
    .boxed()
}

fn input(message: BoxedStrategy<Value>) -> impl Strategy<Value = Input> {
    (
        body_of(message),
        prop_oneof![
            12 => Just(Some("application/json")),
            1 => Just(Some("text/plain")),
            1 => Just(Some("application/json; charset=utf-8")),
            1 => Just(None),
        ],
        any::<u8>(),
    )
        .prop_map(|(body, content_type, variant)| Input {
            body,
            content_type,
            variant,
        })
}

// ---------------------------------------------------------------------------------------------
// The surfaces
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Surface {
    Direct,
    Streamable,
    Gateway,
    RetellFunction,
    RetellWebhook,
    Vapi,
    Sessions,
}

struct Fuzz {
    /// How often each status answered, per surface (printed, to show what was reached).
    statuses: std::sync::Mutex<std::collections::BTreeMap<(String, u16), usize>>,
    app: TestApp,
    client: reqwest::Client,
    clock: Arc<FixedClock>,
    session: String,
    gateway: String,
}

impl Fuzz {
    async fn start() -> Fuzz {
        let settings = ServerSettings {
            // The fuzz reaches the parsers, not the rate limits (which have their own tests).
            sessions_per_ip_per_minute: 100_000,
            messages_per_session_per_minute: 100_000,
            gateway_requests_per_minute: 100_000,
            gateway_webhook_requests_per_minute: 100_000,
            gateway_test_requests_per_minute: 100_000,
            // Nothing here may reach the real Retell: a closed local port.
            retell_api_base: "http://127.0.0.1:9".into(),
            ..ServerSettings::default()
        };
        let clock = Arc::new(FixedClock::new(NOW.parse().expect("instant")));
        let app = spawn_app_with_clock(settings, Some(clock.clone() as Arc<dyn Clock>)).await;
        app.set_credentials(app.askpro_id, Some(RETELL_KEY), Some(VAPI_SECRET))
            .await;
        let session = app.session_token(RAFAEL).await;
        let gateway = app.gateway_token(app.beyond_id).await;
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .expect("client");
        Fuzz {
            statuses: Default::default(),
            app,
            client,
            clock,
            session,
            gateway,
        }
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.clock.now().as_millisecond()).expect("after 1970")
    }

    fn request(&self, surface: Surface, input: &Input) -> reqwest::RequestBuilder {
        let path = match surface {
            Surface::Direct => "/mcp/messages/",
            Surface::Streamable => "/mcp",
            Surface::Gateway => "/api/mcp/gateway",
            Surface::RetellFunction => "/api/mcp/retell/custom-function?company=askproai-demo",
            Surface::RetellWebhook => "/api/mcp/retell/webhook?company=askproai-demo",
            Surface::Vapi => "/api/vapi/tool-calls",
            Surface::Sessions => "/mcp/auth/session",
        };
        let mut request = self
            .client
            .post(self.app.url(path))
            .body(input.body.clone());
        if let Some(content_type) = input.content_type {
            request = request.header("content-type", content_type);
        }
        match surface {
            Surface::Direct => request.bearer_auth(&self.session),
            Surface::Streamable => {
                let request = request
                    .bearer_auth(&self.session)
                    .header("accept", "application/json, text/event-stream");
                match input.variant % 4 {
                    0 => {
                        // The stateless revision also names the method (and the tool) in
                        // headers.
                        let body = serde_json::from_slice::<Value>(&input.body).unwrap_or_default();
                        let header = |v: &Value| {
                            v.as_str()
                                .filter(|m| {
                                    !m.is_empty() && m.bytes().all(|b| b.is_ascii_graphic())
                                })
                                .map(str::to_string)
                        };
                        let mut request = request.header("mcp-protocol-version", "2026-07-28");
                        if let Some(method) = header(&body["method"]) {
                            request = request.header("mcp-method", method);
                        }
                        if let Some(name) = header(&body["params"]["name"]) {
                            request = request.header("mcp-name", name);
                        }
                        request
                    }
                    1 => request.header("mcp-protocol-version", "2025-06-18"),
                    2 => request.header("mcp-session-id", format!("fuzz-{}", input.variant)),
                    _ => request,
                }
            }
            Surface::Gateway => request.bearer_auth(&self.gateway),
            Surface::RetellFunction | Surface::RetellWebhook => {
                let signature = match input.variant % 8 {
                    0 => format!("v={},d={}", self.now_ms(), "0".repeat(64)),
                    1 => "garbage".to_string(),
                    _ => frontdesk_retell::sign(RETELL_KEY, &input.body, self.now_ms()),
                };
                request.header("x-retell-signature", signature)
            }
            Surface::Vapi => match input.variant % 8 {
                0 => request.bearer_auth("wrong_secret"),
                1 => request.header("x-vapi-secret", VAPI_SECRET),
                _ => request.bearer_auth(VAPI_SECRET),
            },
            Surface::Sessions => match input.variant % 8 {
                0 => request.header("x-api-key", "fd_mcp_wrong"),
                _ => request.header("x-api-key", &self.app.beyond_key),
            },
        }
    }

    /// Sends one fuzzed request and checks the answer's shape.
    async fn probe(&self, surface: Surface, input: &Input) -> Result<(), TestCaseError> {
        let answer =
            self.request(surface, input).send().await.map_err(|e| {
                TestCaseError::fail(format!("no answer (connection dropped?): {e:?}"))
            })?;
        let status = answer.status();
        if let Ok(mut statuses) = self.statuses.lock() {
            *statuses
                .entry((format!("{surface:?}"), status.as_u16()))
                .or_default() += 1;
        }
        let content_type = answer
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let body = answer
            .bytes()
            .await
            .map_err(|e| TestCaseError::fail(format!("{status}: the body was cut: {e:?}")))?;
        let shown = String::from_utf8_lossy(&body[..body.len().min(600)]).to_string();
        if status.is_server_error() {
            return Err(TestCaseError::fail(format!("{status}: {shown}")));
        }
        if std::env::var_os("FUZZ_DEBUG").is_some() {
            let sent = String::from_utf8_lossy(&input.body);
            eprintln!(
                "{surface:?} {status} (variant {}) {} <= {}",
                input.variant % 4,
                shown.chars().take(200).collect::<String>(),
                sent.chars().take(300).collect::<String>()
            );
        }
        if body.is_empty() && (status == 204 || status == 202) {
            return Ok(());
        }
        // Direct mode answers notifications as the stream mode does: `202 Accepted`.
        if surface == Surface::Direct && status == 202 && body.as_ref() == b"Accepted" {
            return Ok(());
        }
        if content_type.starts_with("text/event-stream") {
            let text = std::str::from_utf8(&body)
                .map_err(|_| TestCaseError::fail(format!("{status}: SSE that is not UTF-8")))?;
            for data in text
                .lines()
                .filter_map(|line| line.strip_prefix("data:"))
                .map(str::trim)
                .filter(|d| !d.is_empty())
            {
                serde_json::from_str::<Value>(data).map_err(|e| {
                    TestCaseError::fail(format!("{status}: SSE data is not JSON ({e}): {data}"))
                })?;
            }
            return Ok(());
        }
        if !content_type.starts_with("application/json") {
            return Err(TestCaseError::fail(format!(
                "{status}: content type {content_type:?}, body {shown:?}"
            )));
        }
        serde_json::from_slice::<Value>(&body).map_err(|e| {
            TestCaseError::fail(format!("{status}: the body is not JSON ({e}): {shown}"))
        })?;
        Ok(())
    }

    /// `/healthz` and one valid call of `surface` still work.
    async fn still_serving(&self, surface: Surface) {
        let health = self
            .client
            .get(self.app.url("/healthz"))
            .send()
            .await
            .expect("GET /healthz");
        assert_eq!(health.status(), 200, "{surface:?}: /healthz after the fuzz");

        let (body, check): (Value, fn(&Value) -> bool) = match surface {
            Surface::Direct => (
                json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list" }),
                |v| {
                    v["result"]["tools"]
                        .as_array()
                        .is_some_and(|t| !t.is_empty())
                },
            ),
            Surface::Streamable => (
                json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
                    "protocolVersion": "2025-06-18", "capabilities": {},
                    "clientInfo": { "name": "fuzz", "version": "1" } } }),
                |v| v["result"]["serverInfo"].is_object(),
            ),
            Surface::Gateway => (
                json!({ "jsonrpc": "2.0", "id": "ok", "method": "appointment_mgmt.findAppointments",
                        "params": { "phone": RAFAEL } }),
                |v| v["result"].is_object() || v["result"].is_array(),
            ),
            Surface::RetellFunction => (
                json!({ "name": "get_business_info", "args": {},
                        "call": { "call_id": "fuzz_ok", "from_number": JOHN, "to_number": PRACTICE,
                                  "direction": "inbound" } }),
                |v| !v.is_null(),
            ),
            Surface::RetellWebhook => (
                json!({ "event": "call_started",
                        "call": { "call_id": "fuzz_ok_call", "from_number": JOHN,
                                  "to_number": PRACTICE, "direction": "inbound" } }),
                |v| v["success"] == true,
            ),
            Surface::Vapi => (
                json!({ "message": { "type": "tool-calls",
                    "toolCallList": [{ "id": "tc_ok", "type": "function",
                        "function": { "name": "get_business_info", "arguments": {} } }],
                    "call": { "id": "fuzz_ok", "customer": { "number": JOHN } } } }),
                |v| v["results"].as_array().is_some_and(|r| r.len() == 1),
            ),
            Surface::Sessions => (json!({ "caller_id": RAFAEL }), |v| {
                v["session_token"].as_str().is_some_and(|t| !t.is_empty())
            }),
        };
        let input = Input {
            body: body.to_string().into_bytes(),
            content_type: Some("application/json"),
            // Valid credentials, no extra protocol header.
            variant: 3,
        };
        let answer = self
            .request(surface, &input)
            .send()
            .await
            .expect("a valid call");
        let status = answer.status();
        let is_sse = answer
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|c| c.starts_with("text/event-stream"));
        let text = answer.text().await.expect("the body");
        let value: Value = if is_sse {
            text.lines()
                .filter_map(|l| l.strip_prefix("data:"))
                .map(str::trim)
                .find(|d| !d.is_empty())
                .and_then(|d| serde_json::from_str(d).ok())
                .unwrap_or(Value::Null)
        } else {
            serde_json::from_str(&text).unwrap_or(Value::Null)
        };
        assert_eq!(
            status, 200,
            "{surface:?}: a valid call after the fuzz: {text}"
        );
        assert!(
            check(&value),
            "{surface:?}: a valid call after the fuzz: {text}"
        );
    }
}

fn message_for(surface: Surface) -> BoxedStrategy<Value> {
    match surface {
        Surface::Direct | Surface::Streamable => mcp_message(),
        Surface::Gateway => gateway_message(),
        Surface::RetellFunction => retell_function_message(),
        Surface::RetellWebhook => retell_webhook_message(),
        Surface::Vapi => vapi_message(),
        Surface::Sessions => session_message(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_surface_answers_fuzzed_bodies_with_json_and_keeps_serving() {
    let started = Instant::now();
    let fuzz = Arc::new(Fuzz::start().await);
    let defaults = Config::default();
    let cases = if std::env::var_os("PROPTEST_CASES").is_some() {
        defaults.cases
    } else {
        CASES_PER_SURFACE
    };
    let surfaces = [
        Surface::Direct,
        Surface::Streamable,
        Surface::Gateway,
        Surface::RetellFunction,
        Surface::RetellWebhook,
        Surface::Vapi,
        Surface::Sessions,
    ];
    for (i, surface) in surfaces.into_iter().enumerate() {
        let config = Config {
            cases,
            failure_persistence: None,
            rng_seed: if std::env::var_os("PROPTEST_RNG_SEED").is_some() {
                defaults.rng_seed
            } else {
                RngSeed::Fixed(0x5eed_0000 + i as u64)
            },
            // Each shrinking step is a request; a failure shrinks within seconds.
            max_shrink_iters: 256,
            ..defaults.clone()
        };
        let runtime = tokio::runtime::Handle::current();
        let runner_fuzz = fuzz.clone();
        let surface_started = Instant::now();
        let outcome = tokio::task::spawn_blocking(move || {
            let mut runner = TestRunner::new(config);
            runner.run(&input(message_for(surface)), |input| {
                runtime.block_on(runner_fuzz.probe(surface, &input))
            })
        })
        .await
        .expect("the runner thread");
        match outcome {
            Ok(()) => {}
            Err(TestError::Fail(reason, input)) => panic!(
                "{surface:?}: {reason}\nminimal failing body ({:?}, variant {}):\n{}",
                input.content_type,
                input.variant,
                String::from_utf8_lossy(&input.body)
            ),
            Err(TestError::Abort(reason)) => panic!("{surface:?}: aborted: {reason}"),
        }
        fuzz.still_serving(surface).await;
        let statuses: Vec<(u16, usize)> = fuzz
            .statuses
            .lock()
            .map(|s| {
                s.iter()
                    .filter(|((name, _), _)| *name == format!("{surface:?}"))
                    .map(|((_, status), n)| (*status, *n))
                    .collect()
            })
            .unwrap_or_default();
        eprintln!(
            "{surface:?}: {cases} fuzzed requests answered in {:.1} s; statuses {statuses:?}",
            surface_started.elapsed().as_secs_f64()
        );
    }
    eprintln!("all surfaces: {:.1} s", started.elapsed().as_secs_f64());
}
