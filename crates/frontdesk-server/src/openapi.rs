//! The OpenAPI 3.1 document of the REST endpoints, served at `GET /openapi.json`.
//!
//! It is generated from the code: every operation comes from the `#[utoipa::path(...)]`
//! attribute on its handler (method, path, parameters, request body, each status with its
//! body and headers, security), the schemas from `#[derive(ToSchema)]` on the types below,
//! and the value lists (gateway methods, MCP tools, Retell functions and events) from the
//! constants the handlers dispatch on. The handlers build their answers with `json!`; the
//! types here are schema-only and describe those bodies exactly, and
//! `tests/openapi.rs` checks real responses against them (CI also runs schemathesis against
//! the served document).
//!
//! The MCP transports (`/mcp` Streamable HTTP, `/mcp/sse`) are described by the MCP
//! specification, not here; `/mcp/messages` is the same handler as `/mcp/messages/`; `/metrics`
//! is Prometheus text for scrapers.

use crate::gateway::dispatch::{MAX_BATCH, methods as gateway_methods};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use frontdesk_conversation::TOOL_NAMES;
use frontdesk_conversation::calls::FunctionAnswer;
use frontdesk_conversation::functions::function_names;
use frontdesk_conversation::results::Appointment;
use frontdesk_engine::calls::RETELL_EVENTS;
use serde::Serialize;
use serde_json::Value;
use std::sync::OnceLock;
use utoipa::openapi::schema::{ArrayBuilder, Object, ObjectBuilder, Schema, Type};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Components, HeaderBuilder, Ref, RefOr};
use utoipa::{Modify, OpenApi, ToSchema};

/// The document, built from the annotations of the handlers listed here.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "frontdesk",
        description = "The REST endpoints of frontdesk, the booking server for AI voice agents: \
            operations health, caller sessions, the MCP direct mode, the JSON-RPC gateway, \
            Retell and Vapi, and the calendar feeds. Every error body is JSON; every response carries `x-request-id`.",
        license(name = "MIT", identifier = "MIT"),
    ),
    paths(
        crate::http::health::healthz,
        crate::http::health::readyz,
        crate::http::sessions::create,
        crate::http::sessions::validate,
        crate::http::sessions::logout,
        crate::http::sessions::health,
        crate::mcp::messages::post,
        crate::gateway::dispatch::post,
        crate::gateway::health::get,
        crate::retell::custom_function::post,
        crate::retell::webhook::post,
        crate::vapi::tool_calls::post,
        crate::sms::twilio_status::post,
        crate::sms::twilio_inbound::post,
        crate::calendar::feed::get,
        openapi_json,
        crate::prometheus::get,
    ),
    modifiers(&SecuritySchemes, &EveryResponse),
    tags(
        (name = "operations", description = "Liveness, readiness and this document"),
        (name = "sessions", description = "Caller sessions: one per phone call"),
        (name = "mcp", description = "MCP over plain HTTP: the direct mode of `/mcp/messages/`"),
        (name = "gateway", description = "The JSON-RPC 2.0 gateway (`server.method`)"),
        (name = "retell", description = "Retell.ai custom functions and call events"),
        (name = "vapi", description = "Vapi assistants' tool calls"),
        (name = "sms", description = "SMS providers reporting on the messages frontdesk sent"),
        (name = "calendar", description = "Subscribable iCalendar feeds of a branch or a staff member"),
    ),
)]
pub struct ApiDoc;

/// The OpenAPI document of these endpoints
#[utoipa::path(
    get,
    path = "/openapi.json",
    operation_id = "openapi",
    tag = "operations",
    responses((status = 200, description = "This document (OpenAPI 3.1)", body = Object)),
)]
pub async fn openapi_json() -> Response {
    // Built once: the document only changes with the code.
    static BODY: OnceLock<Vec<u8>> = OnceLock::new();
    let body = BODY.get_or_init(|| serde_json::to_vec(&ApiDoc::openapi()).unwrap_or_default());
    (
        [(header::CONTENT_TYPE, "application/json")],
        body.as_slice(),
    )
        .into_response()
}

// ---------------------------------------------------------------------------------------------
// Security schemes, and what every response carries
// ---------------------------------------------------------------------------------------------

/// Names of the security schemes, as the handlers' `security(...)` use them.
pub mod scheme {
    pub const MCP_API_KEY: &str = "mcp_api_key";
    pub const SESSION: &str = "session_token";
    pub const GATEWAY: &str = "gateway_token";
    pub const RETELL_SIGNATURE: &str = "retell_signature";
    pub const VAPI_SECRET: &str = "vapi_secret";
    pub const VAPI_BEARER: &str = "vapi_bearer";
}

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Components::new);
        let header_key = |name: &str, description: &str| {
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                name,
                description,
            )))
        };
        let bearer = |format: &str, description: &str| {
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format(format)
                    .description(Some(description))
                    .build(),
            )
        };
        components.add_security_scheme(
            scheme::MCP_API_KEY,
            header_key(
                "X-API-Key",
                "A company's MCP key (`fd_mcp_…`, `frontdesk key create --kind mcp`)",
            ),
        );
        components.add_security_scheme(
            scheme::SESSION,
            bearer(
                "sess_…",
                "A caller session token from `POST /mcp/auth/session`",
            ),
        );
        components.add_security_scheme(
            scheme::GATEWAY,
            bearer(
                "fd_gw_…",
                "A company's gateway token (`frontdesk key create --kind gateway`)",
            ),
        );
        components.add_security_scheme(
            scheme::RETELL_SIGNATURE,
            header_key(
                "X-Retell-Signature",
                "`v=<unix ms>,d=<hex HMAC-SHA256(key = the company's Retell API key, message = \
                 raw body followed by the timestamp)>`, accepted within 5 minutes",
            ),
        );
        components.add_security_scheme(
            scheme::VAPI_SECRET,
            header_key("X-Vapi-Secret", "The company's Vapi secret"),
        );
        components.add_security_scheme(
            scheme::VAPI_BEARER,
            bearer("secret", "The company's Vapi secret as a bearer credential"),
        );
    }
}

/// Adds what every operation can answer: `x-request-id` on every response, and 408 when the
/// request outlasts the configured timeout.
struct EveryResponse;

impl Modify for EveryResponse {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let error_ref = RefOr::Ref(Ref::from_schema_name(ErrorBody::name()));
        for item in openapi.paths.paths.values_mut() {
            for operation in [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                let responses = &mut operation.responses.responses;
                responses.entry("408".to_string()).or_insert_with(|| {
                    RefOr::T(
                        utoipa::openapi::ResponseBuilder::new()
                            .description(
                                "`REQUEST_TIMEOUT`: the request took longer than the configured \
                                 timeout",
                            )
                            .content(
                                "application/json",
                                utoipa::openapi::ContentBuilder::new()
                                    .schema(Some(error_ref.clone()))
                                    .build(),
                            )
                            .build(),
                    )
                });
                for response in responses.values_mut() {
                    if let RefOr::T(response) = response {
                        response.headers.insert(
                            "x-request-id".to_string(),
                            HeaderBuilder::new()
                                .schema(Object::with_type(Type::String))
                                .description(Some(
                                    "The client's `x-request-id`, or a generated UUID",
                                ))
                                .build(),
                        );
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Value lists and literals, from the code
// ---------------------------------------------------------------------------------------------

fn strings<S: Into<String>>(values: impl IntoIterator<Item = S>) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(
            values.into_iter().map(Into::into).collect::<Vec<String>>(),
        ))
        .build()
}

fn literal_bool(value: bool) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::Boolean)
        .enum_values(Some([value]))
        .build()
}

pub(crate) fn lit_true() -> Object {
    literal_bool(true)
}
pub(crate) fn lit_false() -> Object {
    literal_bool(false)
}
pub(crate) fn lit_ok() -> Object {
    strings(["ok"])
}
pub(crate) fn lit_ready() -> Object {
    strings(["ready"])
}
pub(crate) fn lit_healthy() -> Object {
    strings(["healthy"])
}
pub(crate) fn lit_unhealthy() -> Object {
    strings(["unhealthy"])
}
pub(crate) fn lit_mcp_server() -> Object {
    strings(["mcp-server"])
}
pub(crate) fn lit_unavailable() -> Object {
    strings(["TEMPORARILY_UNAVAILABLE"])
}
fn lit_jsonrpc() -> Object {
    strings(["2.0"])
}
fn lit_webhook_processed() -> Object {
    strings(["Webhook processed"])
}
pub(crate) fn session_codes() -> Object {
    strings(["MISSING_TOKEN", "INVALID_SESSION"])
}
fn health_states() -> Object {
    strings(["healthy", "unhealthy", "not_configured"])
}
fn gateway_states() -> Object {
    strings(["healthy", "degraded"])
}
fn gateway_method() -> Object {
    strings(gateway_methods())
}
fn retell_event() -> Object {
    strings(RETELL_EVENTS)
}
fn mcp_method() -> Object {
    let mut schema = strings([
        "initialize",
        "ping",
        "tools/list",
        "tools/call",
        "notifications/initialized",
        "notifications/cancelled",
    ]);
    schema.description = Some(
        "An MCP method; `tools/call` runs a booking tool. Other methods are answered with a \
         JSON-RPC error in the 200 body."
            .into(),
    );
    schema
}
fn tool_name() -> Object {
    strings(TOOL_NAMES)
}
fn function_name() -> Object {
    let mut schema = strings(
        function_names()
            .into_iter()
            .chain(TOOL_NAMES.iter().copied()),
    );
    schema.description = Some(
        "The AskProAI document's functions and every MCP tool by its name; any other name is \
         answered with `success: false`, `code: UNKNOWN_FUNCTION`"
            .into(),
    );
    schema
}
fn gateway_error_code() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .enum_values(Some([-32700i64, -32600, -32601, -32602, -32603, -32000]))
        .description(Some(
            "-32700 parse error, -32600 invalid request, -32601 method not found, -32602 \
             invalid params, -32603 internal error, -32000 application error (`data.code`)",
        ))
        .build()
}
fn gateway_error_message() -> Object {
    strings([
        "Parse error",
        "Invalid Request",
        "Method not found",
        "Invalid params",
        "Internal error",
        "Server error",
    ])
}

/// Declares a batch schema: an array of `$item`, with its bounds.
macro_rules! batch {
    ($(#[$doc:meta])* $name:ident of $item:ty, min $min:expr, max $max:expr) => {
        $(#[$doc])*
        pub struct $name;

        impl utoipa::PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                ArrayBuilder::new()
                    .items(RefOr::Ref(Ref::from_schema_name(<$item as ToSchema>::name())))
                    .min_items(Some($min))
                    .max_items($max)
                    .into()
            }
        }

        impl ToSchema for $name {
            fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
                schemas.push((
                    <$item as ToSchema>::name().into_owned(),
                    <$item as utoipa::PartialSchema>::schema(),
                ));
                <$item as ToSchema>::schemas(schemas);
            }
        }
    };
}

// ---------------------------------------------------------------------------------------------
// Errors and operations
// ---------------------------------------------------------------------------------------------

/// Every REST error: a message written to be read to a caller, and a stable code
/// (`ApiError` answers with it).
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"error": "API key invalid or missing", "code": "INVALID_API_KEY"}))]
pub struct ErrorBody {
    /// What went wrong, in words.
    pub error: String,
    /// Stable: `INVALID_API_KEY`, `MISSING_TOKEN`, `INVALID_SESSION`, `RATE_LIMITED`,
    /// `TEMPORARILY_UNAVAILABLE`, …
    pub code: String,
}

// ---------------------------------------------------------------------------------------------
// Caller sessions
// ---------------------------------------------------------------------------------------------

/// A caller's number: a string in any common notation, or digits as a JSON number.
#[derive(ToSchema)]
#[serde(untagged)]
pub enum CallerId {
    #[schema(example = "+5511999999999")]
    Text(String),
    Digits(u64),
}

/// `POST /mcp/auth/session`.
#[derive(ToSchema)]
#[schema(example = json!({"caller_id": "+5511999999999"}))]
pub struct SessionRequest {
    /// Normalised to E.164 in the company's phone region.
    pub caller_id: CallerId,
}

// ---------------------------------------------------------------------------------------------
// MCP direct mode
// ---------------------------------------------------------------------------------------------

/// A JSON-RPC id: a string or an integer.
#[derive(ToSchema)]
#[serde(untagged)]
pub enum McpId {
    Text(String),
    Number(i64),
}

/// Parameters of an MCP request; `tools/call` takes `name` and `arguments`.
#[derive(ToSchema)]
pub struct McpParams {
    /// The tool of `tools/call`.
    #[schema(schema_with = tool_name)]
    pub name: Option<String>,
    /// The tool's arguments (see the tool's `inputSchema` in `tools/list`).
    #[schema(value_type = Option<Object>)]
    pub arguments: Option<Value>,
}

/// An MCP JSON-RPC message from the client: a request (with `id`) or a notification.
#[derive(ToSchema)]
#[schema(example = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "get_availability", "arguments": {"date": "tomorrow"}}}))]
pub struct McpMessage {
    #[schema(schema_with = lit_jsonrpc)]
    pub jsonrpc: String,
    /// Absent: a notification, which gets no answer.
    #[schema(nullable = false)]
    pub id: Option<McpId>,
    #[schema(schema_with = mcp_method)]
    pub method: String,
    #[schema(nullable = false)]
    pub params: Option<McpParams>,
}

/// One message or a batch.
#[derive(ToSchema)]
#[serde(untagged)]
pub enum McpRequestBody {
    One(McpMessage),
    Batch(McpBatch),
}

/// A JSON-RPC error object of the MCP server.
#[derive(ToSchema)]
pub struct McpErrorObject {
    pub code: i64,
    pub message: String,
    pub data: Option<Value>,
}

batch!(
    /// A batch of MCP messages, at most 100 (an empty or bigger one is 400 `INVALID_REQUEST`);
    /// each message counts against the session's rate limit.
    McpBatch of McpMessage, min 1, max Some(crate::limits::MAX_BATCH)
);

batch!(
    /// The answers to a batch's requests, in order.
    McpResponseBatch of McpResponse, min 1, max None
);

/// The MCP server's answer to a request: its `result`…
#[derive(ToSchema)]
pub struct McpResult {
    #[schema(schema_with = lit_jsonrpc)]
    pub jsonrpc: String,
    pub id: McpId,
    /// The method's result (`tools/call`: `content`, `structuredContent`, `isError`).
    #[schema(value_type = Object)]
    pub result: Value,
}

/// …or a JSON-RPC error (`id` absent when the request's could not be read).
#[derive(ToSchema)]
pub struct McpError {
    #[schema(schema_with = lit_jsonrpc)]
    pub jsonrpc: String,
    pub id: Option<McpId>,
    pub error: McpErrorObject,
}

/// One answer.
#[derive(ToSchema)]
#[serde(untagged)]
pub enum McpResponse {
    Result(McpResult),
    Error(McpError),
}

/// The answer to one request, or the answers to a batch's requests in order.
#[derive(ToSchema)]
#[serde(untagged)]
pub enum McpReply {
    One(McpResponse),
    Batch(McpResponseBatch),
}

// ---------------------------------------------------------------------------------------------
// The JSON-RPC gateway
// ---------------------------------------------------------------------------------------------

/// A JSON-RPC id as the gateway echoes it: a string or a number (null when unreadable).
#[derive(ToSchema)]
#[serde(untagged)]
pub enum RpcId {
    Text(String),
    Number(f64),
}

/// A company id or slug.
#[derive(ToSchema)]
#[serde(untagged)]
pub enum CompanyRef {
    Id(i64),
    Slug(String),
}

/// Named parameters of the gateway's methods (each method reads the ones it needs; see
/// docs/API.md); any other name is ignored.
#[derive(ToSchema)]
pub struct GatewayParams {
    /// Must be the token's company (id or slug); default: the token's company.
    pub company_id: Option<CompanyRef>,
    pub phone: Option<String>,
    pub upcoming_only: Option<bool>,
    pub appointment_id: Option<i64>,
    pub new_date: Option<String>,
    pub new_time: Option<String>,
    pub reason: Option<String>,
    pub name: Option<String>,
    pub service: Option<String>,
    /// `YYYY-MM-DD` or words such as `tomorrow`.
    pub date: Option<String>,
    /// `HH:MM`.
    pub time: Option<String>,
    pub date_from: Option<String>,
    pub date_to: Option<String>,
    pub staff: Option<String>,
    pub notes: Option<String>,
    pub idempotency_key: Option<String>,
    /// `webhook.processRetellWebhook`: Retell's event and call.
    pub event: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub call: Option<Value>,
    pub webhook_url: Option<String>,
    pub events: Option<Vec<String>>,
    pub agent_ids: Option<Vec<String>>,
    #[schema(value_type = Option<Object>)]
    pub test_payload: Option<Value>,
    #[schema(value_type = Option<Object>)]
    pub functions: Option<Value>,
    pub branch_id: Option<i64>,
    pub language: Option<String>,
}

/// A gateway call: `server.method` with named params.
#[derive(ToSchema)]
#[schema(example = json!({"jsonrpc": "2.0", "method": "appointment_mgmt.findAppointments", "params": {"phone": "+491234567890"}, "id": "req_006"}))]
pub struct GatewayRequest {
    #[schema(schema_with = lit_jsonrpc)]
    pub jsonrpc: String,
    #[schema(schema_with = gateway_method)]
    pub method: String,
    pub params: Option<GatewayParams>,
    /// Absent: a notification, which gets no answer.
    pub id: Option<RpcId>,
}

/// One call or a batch of at most 100.
#[derive(ToSchema)]
#[serde(untagged)]
pub enum GatewayRequestBody {
    One(Box<GatewayRequest>),
    Batch(GatewayBatch),
}

batch!(
    /// A batch of calls, at most [`MAX_BATCH`] (an empty or bigger one is answered with -32600).
    GatewayBatch of GatewayRequest, min 1, max Some(MAX_BATCH)
);

batch!(
    /// The answers to a batch's calls, in order.
    GatewayResponseBatch of GatewayResponse, min 1, max None
);

/// `data` of a gateway error.
#[derive(Serialize, ToSchema)]
pub struct GatewayErrorData {
    /// What is wrong, in words.
    pub details: String,
    /// For -32000: `NOT_FOUND`, `SLOT_FULL`, `FORBIDDEN`, `UNAUTHORIZED`, `RATE_LIMITED`,
    /// `RETELL_NOT_CONFIGURED`, …
    #[schema(nullable = false)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// A JSON-RPC error object of the gateway.
#[derive(Serialize, ToSchema)]
pub struct GatewayErrorObject {
    #[schema(schema_with = gateway_error_code)]
    pub code: i64,
    #[schema(schema_with = gateway_error_message)]
    pub message: String,
    pub data: GatewayErrorData,
}

/// A method's result.
#[derive(Serialize, ToSchema)]
pub struct GatewayResult {
    #[schema(schema_with = lit_jsonrpc)]
    pub jsonrpc: String,
    /// The method's result (see docs/API.md for each method's).
    pub result: Value,
    /// The request's id, as it came.
    #[schema(required = true, value_type = Option<RpcId>)]
    pub id: Value,
}

/// The JSON-RPC error envelope: `{"jsonrpc": "2.0", "error": {code, message, data}, "id"}`.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"jsonrpc": "2.0", "error": {"code": -32000, "message": "Server error", "data": {"details": "missing or invalid gateway token", "code": "UNAUTHORIZED"}}, "id": null}))]
pub struct GatewayError {
    #[schema(schema_with = lit_jsonrpc)]
    pub jsonrpc: String,
    pub error: GatewayErrorObject,
    /// The request's id, as it came (null when it could not be read).
    #[schema(required = true, value_type = Option<RpcId>)]
    pub id: Value,
}

/// One answer.
#[derive(ToSchema)]
#[serde(untagged)]
pub enum GatewayResponse {
    Result(GatewayResult),
    Error(GatewayError),
}

/// The answer to one call, or the answers to a batch's calls in order (notifications get
/// none).
#[derive(ToSchema)]
#[serde(untagged)]
pub enum GatewayReply {
    One(GatewayResponse),
    Batch(GatewayResponseBatch),
}

/// One internal server's health, from a real probe. `not_configured` (only `retell_config`,
/// while no company has a real Retell API key) is not probed and counts as healthy.
#[derive(Serialize, ToSchema)]
pub struct ServerProbe {
    #[schema(schema_with = health_states)]
    pub status: String,
    pub response_time_ms: u64,
    /// Why it is unhealthy, naming the address tried.
    #[schema(nullable = false)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Why it is `not_configured`, and how to configure it.
    #[schema(nullable = false)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// The gateway's servers.
#[derive(Serialize, ToSchema)]
pub struct GatewayServers {
    pub retell_config: ServerProbe,
    pub retell_custom: ServerProbe,
    pub webhook: ServerProbe,
    pub appointment_mgmt: ServerProbe,
    pub database: ServerProbe,
}

/// `GET /api/mcp/health`.
#[derive(Serialize, ToSchema)]
pub struct GatewayHealth {
    /// `degraded` (and HTTP 503) when any server is unhealthy.
    #[schema(schema_with = gateway_states)]
    pub gateway: String,
    pub servers: GatewayServers,
    /// UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    #[schema(format = DateTime)]
    pub timestamp: String,
    /// The instance that answered (`FRONTDESK_INSTANCE_ID`).
    pub instance_id: String,
    /// The Redis the instances share (a `PING` round trip), when configured. Unhealthy does
    /// not make the answer 503: every instance still serves on its own state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redis: Option<ServerProbe>,
}

// ---------------------------------------------------------------------------------------------
// Retell
// ---------------------------------------------------------------------------------------------

/// Retell's call object (only these fields are read to find the company and the caller).
#[derive(ToSchema)]
pub struct RetellCall {
    pub call_id: Option<String>,
    pub agent_id: Option<String>,
    pub from_number: Option<String>,
    pub to_number: Option<String>,
    /// `inbound` (default) or `outbound`.
    pub direction: Option<String>,
}

/// A custom-function call in one of three forms: Retell's `{name, call, args}`; the
/// arguments alone ("args at root", the function named by `?name=` or
/// `X-Retell-Function-Name`, the company by `?company=`); or the AskProAI document's
/// `{function_name, call_id, parameters}` with `?company=`.
#[derive(ToSchema)]
#[schema(example = json!({"name": "check_availability", "call": {"call_id": "call_1", "from_number": "+491234567890", "to_number": "+493083793369"}, "args": {"date": "tomorrow"}}))]
pub struct RetellFunctionRequest {
    #[schema(schema_with = function_name)]
    pub name: Option<String>,
    pub call: Option<RetellCall>,
    #[schema(value_type = Option<Object>)]
    pub args: Option<Value>,
    #[schema(schema_with = function_name)]
    pub function_name: Option<String>,
    pub call_id: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub parameters: Option<Value>,
}

/// A `retell_config.testWebhook` delivery (a body with `frontdesk_test` at its top level)
/// whose signature held: acknowledged, nothing recorded or run.
#[derive(Serialize, ToSchema)]
pub struct RetellTestAcknowledged {
    #[schema(schema_with = lit_true)]
    pub success: bool,
    pub message: String,
    #[schema(schema_with = lit_true)]
    pub test: bool,
}

/// The answer of a custom function, or the acknowledgement of a test delivery.
#[derive(ToSchema)]
#[serde(untagged)]
pub enum RetellFunctionReply {
    Function(FunctionAnswer),
    Test(RetellTestAcknowledged),
}

/// An event processed, or the acknowledgement of a test delivery.
#[derive(ToSchema)]
#[serde(untagged)]
pub enum RetellWebhookReply {
    Processed(Box<RetellWebhookProcessed>),
    Test(RetellTestAcknowledged),
}

/// A Retell request refused before its function or event ran.
#[derive(Serialize, ToSchema)]
pub struct RetellErrorBody {
    #[schema(schema_with = lit_false)]
    pub success: bool,
    pub message: String,
    /// `INVALID_SIGNATURE`, `UNKNOWN_COMPANY`, `INVALID_JSON`, `INVALID_BODY`,
    /// `MISSING_FUNCTION_NAME`, `INVALID_EVENT`, `UNKNOWN_EVENT`, `INVALID_CALL`,
    /// `RATE_LIMITED`, `TEMPORARILY_UNAVAILABLE`, `INTERNAL_ERROR`
    pub code: String,
    /// `INVALID_SIGNATURE`: `MISSING`, `MALFORMED`, `STALE`, `MISMATCH`, `NO_RETELL_API_KEY`, …
    #[schema(nullable = false)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// `UNKNOWN_EVENT`: the events accepted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub events: Option<Vec<String>>,
    /// `INVALID_CALL`: the field that was wrong.
    #[schema(nullable = false)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// `POST /api/mcp/retell/webhook`: a Retell call event.
#[derive(ToSchema)]
#[schema(example = json!({"event": "call_started", "call": {"call_id": "call_1", "from_number": "+491234567890", "to_number": "+493083793369"}}))]
pub struct RetellWebhookEvent {
    #[schema(schema_with = retell_event)]
    pub event: String,
    pub call: RetellCall,
}

/// Why the appointment the call's variables asked for was not booked.
#[derive(Serialize, ToSchema)]
pub struct AppointmentRefusal {
    pub code: String,
    pub message: String,
}

/// An event processed (a repeated one too: `duplicate: true`).
#[derive(Serialize, ToSchema)]
pub struct RetellWebhookProcessed {
    #[schema(schema_with = lit_true)]
    pub success: bool,
    #[schema(schema_with = lit_webhook_processed)]
    pub message: String,
    #[schema(schema_with = retell_event)]
    pub event: String,
    pub call_id: String,
    pub duplicate: bool,
    #[schema(required = true)]
    /// The appointment linked to the call, as the gateway's appointment methods show one.
    pub appointment: Option<Appointment>,
    pub appointment_created: bool,
    pub confirmation_sent: bool,
    #[schema(required = true)]
    pub appointment_error: Option<AppointmentRefusal>,
}

// ---------------------------------------------------------------------------------------------
// Vapi
// ---------------------------------------------------------------------------------------------

/// The function of an OpenAI-style tool call.
#[derive(ToSchema)]
pub struct VapiFunction {
    pub name: Option<String>,
    /// An object, or a JSON text holding one.
    pub arguments: Option<Value>,
}

/// One entry of `toolCallList`: OpenAI-style (`function`) or flat (`name`, `arguments`).
#[derive(ToSchema)]
pub struct VapiToolCall {
    pub id: String,
    #[schema(rename = "type")]
    pub kind: Option<String>,
    pub function: Option<VapiFunction>,
    pub name: Option<String>,
    pub arguments: Option<Value>,
}

/// The customer of a call.
#[derive(ToSchema)]
pub struct VapiCustomer {
    pub number: Option<String>,
}

/// Vapi's call object (only these fields are read).
#[derive(ToSchema)]
pub struct VapiCall {
    pub id: Option<String>,
    /// `outboundPhoneCall` swaps the customer and the business number.
    #[schema(rename = "type")]
    pub kind: Option<String>,
    pub customer: Option<VapiCustomer>,
    #[schema(rename = "phoneNumber")]
    pub phone_number: Option<VapiCustomer>,
    #[schema(rename = "assistantId")]
    pub assistant_id: Option<String>,
}

/// A Vapi server message; only `tool-calls` is acted on.
#[derive(ToSchema)]
pub struct VapiMessage {
    /// `tool-calls`, or any other type (acknowledged with `{}`).
    #[schema(rename = "type")]
    pub kind: String,
    pub call: Option<VapiCall>,
    pub customer: Option<VapiCustomer>,
    /// At most 20.
    #[schema(rename = "toolCallList", max_items = 20)]
    pub tool_call_list: Option<Vec<VapiToolCall>>,
}

/// `POST /api/sms/twilio/status`: the fields frontdesk reads (Twilio sends more; every field
/// is covered by the signature).
#[derive(ToSchema)]
#[allow(non_snake_case, dead_code)]
pub struct TwilioStatusForm {
    pub AccountSid: String,
    pub MessageSid: String,
    /// `queued`, `sent`, `delivered`, `undelivered`, `failed`, …
    pub MessageStatus: String,
    pub ErrorCode: Option<String>,
}

/// `POST /api/sms/twilio/inbound`: the fields frontdesk reads (Twilio sends more; every field
/// is covered by the signature).
#[derive(ToSchema)]
#[allow(non_snake_case, dead_code)]
pub struct TwilioInboundForm {
    pub AccountSid: String,
    /// The sender, E.164.
    pub From: String,
    /// The business's number the text was sent to.
    pub To: Option<String>,
    pub Body: Option<String>,
}

/// `POST /api/vapi/tool-calls`.
#[derive(ToSchema)]
#[schema(example = json!({"message": {"type": "tool-calls", "call": {"id": "call_1", "customer": {"number": "+491234567890"}}, "toolCallList": [{"id": "tc_1", "type": "function", "function": {"name": "get_availability", "arguments": {"date": "tomorrow"}}}]}}))]
pub struct VapiRequest {
    pub message: VapiMessage,
}

/// A tool call's answer.
#[derive(Serialize, ToSchema)]
pub struct VapiToolResult {
    #[serde(rename = "toolCallId")]
    pub tool_call_id: String,
    /// One line the assistant speaks.
    pub result: String,
}

/// A refused tool call.
#[derive(Serialize, ToSchema)]
pub struct VapiToolError {
    #[serde(rename = "toolCallId")]
    pub tool_call_id: String,
    /// One line saying what went wrong.
    pub error: String,
}

/// One entry of `results`.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum VapiToolOutcome {
    Result(VapiToolResult),
    Error(VapiToolError),
}

/// The answers to a `tool-calls` message, in order.
#[derive(Serialize, ToSchema)]
pub struct VapiResults {
    pub results: Vec<VapiToolOutcome>,
}

/// Any other message type: acknowledged, nothing done.
#[derive(Serialize, ToSchema)]
#[schema(max_properties = 0)]
pub struct VapiAck {}

/// `{"results": […]}` or `{}`.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum VapiReply {
    Results(VapiResults),
    Ack(VapiAck),
}
