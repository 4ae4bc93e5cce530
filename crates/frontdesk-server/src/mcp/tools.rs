//! The MCP server handler: the conversation's tools over MCP. `tools/list` is the catalogue
//! with rmcp's schemas of each tool's argument and result types; `tools/call` runs a tool
//! through the conversation's one dispatch, so a tool answers the same way on every surface.

use axum::http::request::Parts;
use frontdesk_conversation::catalog::{self, CatalogReader, INSTRUCTIONS, ToolSpec};
use frontdesk_conversation::{ToolAnswer, ToolOrigin, canonical_name, run_tool_from};
use frontdesk_engine::{Caller, Engine};
use rmcp::handler::server::common::{schema_for_empty_input, schema_for_input};
use rmcp::handler::server::tool::schema_for_output;
use rmcp::model::{
    CacheScope, CallToolRequestParams, CallToolResponse, CallToolResult, CompleteRequestMethod,
    CompleteRequestParams, CompleteResult, ContentBlock, CustomRequest, CustomResult, ErrorCode,
    Implementation, ListPromptsRequestMethod, ListPromptsResult,
    ListResourceTemplatesRequestMethod, ListResourceTemplatesResult, ListResourcesRequestMethod,
    ListResourcesResult, ListToolsResult, PaginatedRequestParams, ProtocolVersion, ResultType,
    ServerCapabilities, ServerConfig, Tool, ToolAnnotations,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler};
use schemars::JsonSchema;
use serde_json::Value;
use std::sync::{Arc, OnceLock};

/// The booking tools for one caller (fixed, for stdio) or for whichever caller each request
/// carries (HTTP transports).
#[derive(Clone)]
pub struct FrontdeskMcp {
    engine: Engine,
    caller: Option<Caller>,
}

impl FrontdeskMcp {
    /// The caller of each request comes from its extensions: a [`Caller`] put there by the
    /// transport, or one on the HTTP request parts that rmcp's Streamable HTTP server passes on.
    pub fn new(engine: Engine) -> Self {
        FrontdeskMcp {
            engine,
            caller: None,
        }
    }

    /// Every request acts for `caller` (the stdio transport).
    pub fn for_caller(engine: Engine, caller: Caller) -> Self {
        FrontdeskMcp {
            engine,
            caller: Some(caller),
        }
    }

    fn caller_of(&self, ctx: &RequestContext<RoleServer>) -> Result<Caller, ErrorData> {
        if let Some(caller) = &self.caller {
            return Ok(caller.clone());
        }
        ctx.extensions
            .get::<Caller>()
            .or_else(|| {
                ctx.extensions
                    .get::<Parts>()
                    .and_then(|p| p.extensions.get::<Caller>())
            })
            .cloned()
            // Not the agent's doing and nothing it can fix in its arguments: a protocol error.
            .ok_or_else(|| ErrorData::invalid_request("no caller session", None))
    }
}

/// The catalogue as MCP tools, sorted by name, built once: Streamable HTTP makes a handler per
/// request, and building the nine tools with their schemas for each one is wasted work.
fn mcp_tools() -> &'static [Tool] {
    static TOOLS: OnceLock<Vec<Tool>> = OnceLock::new();
    TOOLS.get_or_init(|| {
        let mut tools = McpTools(Vec::new());
        catalog::read_catalog(&mut tools);
        let mut tools = tools.0;
        tools.sort_by(|a, b| a.name.cmp(&b.name));
        tools
    })
}

struct McpTools(Vec<Tool>);

impl CatalogReader for McpTools {
    fn tool<Args: JsonSchema + 'static, Output: JsonSchema + 'static>(
        &mut self,
        spec: &'static ToolSpec,
        takes_arguments: bool,
    ) {
        let mut input = if takes_arguments {
            schema_for_input::<Args>()
                .unwrap_or_else(|e| panic!("the input schema of {}: {e}", spec.name))
        } else {
            schema_for_empty_input()
        };
        standard_formats_only(Arc::make_mut(&mut input));
        let mut output = schema_for_output::<Output>();
        standard_formats_only(Arc::make_mut(&mut output));
        let hints = spec.hints;
        let annotations = ToolAnnotations::from_raw(
            None,
            Some(hints.read_only),
            Some(hints.destructive),
            Some(hints.idempotent),
            Some(hints.open_world),
        );
        self.0.push(
            Tool::new_with_raw(spec.name, Some(spec.description.into()), input)
                .with_title(spec.title)
                .with_raw_output_schema(output)
                .with_annotations(annotations),
        );
    }
}

/// A conversation answer as an MCP tool result: the spoken text is the one content block (not
/// the structured value written out again as JSON), the structured result is
/// `structuredContent`.
fn call_tool_result(answer: ToolAnswer) -> CallToolResult {
    let content = vec![ContentBlock::text(answer.text)];
    let mut result = if answer.is_error {
        CallToolResult::error(content)
    } else {
        CallToolResult::success(content)
    };
    result.structured_content = Some(answer.structured);
    result
}

impl ServerHandler for FrontdeskMcp {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("frontdesk", env!("CARGO_PKG_VERSION")))
            .with_instructions(INSTRUCTIONS)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        let supports_cache_hints = context
            .protocol_version()
            .is_some_and(|version| version >= ProtocolVersion::V_2026_07_28);
        Ok(ListToolsResult {
            result_type: Some(ResultType::COMPLETE),
            tools: mcp_tools().to_vec(),
            meta: None,
            next_cursor: None,
            ttl_ms: supports_cache_hints.then_some(0),
            cache_scope: supports_cache_hints.then_some(CacheScope::Public),
        })
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        if !catalog::is_tool(&request.name) {
            return Err(ErrorData::invalid_params("tool not found", None));
        }
        let caller = self.caller_of(&context)?;
        let args = request.arguments.map(Value::Object).unwrap_or(Value::Null);
        let answer = run_tool_from(
            &self.engine,
            &caller,
            &request.name,
            args,
            ToolOrigin::mcp(),
        )
        .await;
        Ok(call_tool_result(answer).into())
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        let name = canonical_name(name);
        mcp_tools().iter().find(|t| t.name == name).cloned()
    }

    // Only tools are served, and only tools are declared (`initialize`, `server/discover`):
    // the methods of the capabilities not declared are "method not found", not empty lists.

    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, ErrorData> {
        Err(ErrorData::method_not_found::<ListPromptsRequestMethod>())
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        Err(ErrorData::method_not_found::<ListResourcesRequestMethod>())
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, ErrorData> {
        Err(ErrorData::method_not_found::<
            ListResourceTemplatesRequestMethod,
        >())
    }

    async fn complete(
        &self,
        _request: CompleteRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CompleteResult, ErrorData> {
        Err(ErrorData::method_not_found::<CompleteRequestMethod>())
    }

    /// rmcp hands over as "custom" every request it could not read as a method it knows,
    /// including a known method with malformed params.
    async fn on_custom_request(
        &self,
        request: CustomRequest,
        _context: RequestContext<RoleServer>,
    ) -> Result<CustomResult, ErrorData> {
        Err(unreadable_request(&request.method, request.params.as_ref()))
    }
}

/// The `format`s JSON Schema (2020-12) defines. schemars also writes the Rust type of numbers
/// (`uint32`, `uint`, `int64`, `double`, …), which clients validating schemas warn about on
/// every call (the official TypeScript SDK does); `minimum`/`maximum` already say the range.
const STANDARD_FORMATS: [&str; 19] = [
    "date-time",
    "date",
    "time",
    "duration",
    "email",
    "idn-email",
    "hostname",
    "idn-hostname",
    "ipv4",
    "ipv6",
    "uri",
    "uri-reference",
    "iri",
    "iri-reference",
    "uuid",
    "uri-template",
    "json-pointer",
    "relative-json-pointer",
    "regex",
];

/// Drops every non-standard `format` from a schema, at any depth.
pub fn standard_formats_only(schema: &mut serde_json::Map<String, Value>) {
    if schema
        .get("format")
        .and_then(Value::as_str)
        .is_some_and(|f| !STANDARD_FORMATS.contains(&f))
    {
        schema.remove("format");
    }
    for value in schema.values_mut() {
        strip_formats_in(value);
    }
}

fn strip_formats_in(value: &mut Value) {
    match value {
        Value::Object(object) => standard_formats_only(object),
        Value::Array(items) => items.iter_mut().for_each(strip_formats_in),
        _ => {}
    }
}

/// A method this server serves, sent with params it cannot read, is `-32602` (invalid
/// params) saying what to send; any other method is `-32601` (method not found).
pub fn unreadable_request(method: &str, params: Option<&Value>) -> ErrorData {
    let problem = match method {
        "tools/call" => tools_call_problem(params),
        "tools/list" | "initialize" | "ping" | "server/discover" => {
            format!("the params of {method} are malformed")
        }
        _ => {
            return ErrorData::new(ErrorCode::METHOD_NOT_FOUND, method.to_string(), None);
        }
    };
    ErrorData::invalid_params(problem, None)
}

fn tools_call_problem(params: Option<&Value>) -> String {
    const SEND: &str = r#"send {"name": "<tool>", "arguments": {…}}"#;
    let Some(Value::Object(params)) = params else {
        return format!("tools/call needs params: {SEND}");
    };
    match (params.get("name"), params.get("arguments")) {
        (None | Some(Value::Null), _) => format!("tools/call needs params.name: {SEND}"),
        (Some(name), _) if !name.is_string() => {
            format!("params.name must be a tool's name as a string: {SEND}")
        }
        (_, Some(arguments)) if !arguments.is_object() && !arguments.is_null() => {
            format!("params.arguments must be an object of the tool's arguments: {SEND}")
        }
        _ => format!("the params of tools/call are malformed: {SEND}"),
    }
}
