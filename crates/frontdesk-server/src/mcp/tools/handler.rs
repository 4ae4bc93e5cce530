//! The MCP server handler: one `#[tool]` method per tool, each a thin shell that hands a
//! [`ToolCall`] to the dispatch shared with [`run_tool`](super::run::run_tool), plus the two
//! legacy names that `tools/call` still accepts.

use super::params::{
    AvailabilityRequest, BookRequest, BookingsRequest, CancelRequest, MemberRequest,
    RescheduleRequest, SetPreferencesRequest,
};
use super::results::{
    AvailabilityOutput, BookOutput, BookingsOutput, BusinessOutput, CancelOutput, MembersOutput,
    PreferencesOutput, RescheduleOutput,
};
use super::run::ToolCall;
use super::turn::Turn;
use axum::http::request::Parts;
use frontdesk_engine::{Caller, Engine};
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::tool::{ToolCallContext, schema_for_output};
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, CompleteRequestMethod,
    CompleteRequestParams, CompleteResult, CustomRequest, CustomResult, ErrorCode, Implementation,
    ListPromptsRequestMethod, ListPromptsResult, ListResourceTemplatesRequestMethod,
    ListResourceTemplatesResult, ListResourcesRequestMethod, ListResourcesResult,
    PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler, tool, tool_handler, tool_router};
use serde_json::Value;
use std::borrow::Cow;
use std::sync::{Arc, OnceLock};

/// Names `tools/call` accepts but `tools/list` does not show: earlier integrations call them.
pub const ALIASES: [(&str, &str); 2] = [
    ("check_availability", "get_availability"),
    ("list_bookings", "get_bookings"),
];

const INSTRUCTIONS: &str = "\
frontdesk books sessions and appointments for the person on this phone call. The caller is \
already identified by their phone number: never ask for it, and never ask for ids.
A typical call: get_members to learn who the caller can book for (empty when the number is \
not a customer); get_availability for a date (YYYY-MM-DD, today, tomorrow or a weekday name) \
with service, level or wave_side filters, passing member_id to rank by that member's saved \
preferences; then book_session with the member, the service (or level and wave_side), and the \
date and time exactly as offered, plus an idempotency_key so a retry never books twice. Read \
the booking code (voucher_code) to the caller. get_bookings lists bookings; reschedule_booking \
and cancel_booking take booking_id or voucher_code. get_business_info gives the address, \
opening hours, services with prices, policies, and today's date and time at the business.
Every result carries structuredContent and one short text in the business's language that can \
be read aloud as is. When isError is true the text says what was wrong and what to send \
instead; structuredContent.code is stable (SLOT_FULL, QUOTA_REACHED, TOO_SOON, \
OUTSIDE_BOOKING_WINDOW, NOT_FOUND, INVALID_INPUT, UNKNOWN_CALLER, MEMBER_REQUIRED, ...) and \
structuredContent.alternatives lists free slots to offer instead. A caller without an account \
can hear about the business and availability; booking for them needs their full name in \
book_session's name, and only when the business allows new callers.";

/// The booking tools for one caller (fixed, for stdio) or for whichever caller each request
/// carries (HTTP transports).
#[derive(Clone)]
pub struct FrontdeskMcp {
    engine: Engine,
    caller: Option<Caller>,
    tool_router: Arc<ToolRouter<Self>>,
}

impl FrontdeskMcp {
    /// The caller of each request comes from its extensions: a [`Caller`] put there by the
    /// transport, or one on the HTTP request parts that rmcp's Streamable HTTP server passes on.
    pub fn new(engine: Engine) -> Self {
        FrontdeskMcp {
            engine,
            caller: None,
            tool_router: Self::shared_router(),
        }
    }

    /// Every request acts for `caller` (the stdio transport).
    pub fn for_caller(engine: Engine, caller: Caller) -> Self {
        FrontdeskMcp {
            engine,
            caller: Some(caller),
            tool_router: Self::shared_router(),
        }
    }

    /// The tools, built once: Streamable HTTP makes a handler per request, and building the
    /// nine tools with their schemas for each one is wasted work.
    fn shared_router() -> Arc<ToolRouter<Self>> {
        static ROUTER: OnceLock<Arc<ToolRouter<FrontdeskMcp>>> = OnceLock::new();
        ROUTER
            .get_or_init(|| {
                let mut router = Self::tool_router();
                for route in router.map.values_mut() {
                    standard_formats_only(Arc::make_mut(&mut route.attr.input_schema));
                    if let Some(output) = &mut route.attr.output_schema {
                        standard_formats_only(Arc::make_mut(output));
                    }
                }
                Arc::new(router)
            })
            .clone()
    }

    /// The tool a name means, after the legacy aliases.
    pub fn canonical_name(name: &str) -> &str {
        ALIASES
            .iter()
            .find(|(alias, _)| *alias == name)
            .map_or(name, |(_, real)| real)
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

    /// Runs one tool call through the dispatch [`run_tool`](super::run::run_tool) shares.
    async fn run(
        &self,
        ctx: &RequestContext<RoleServer>,
        call: ToolCall,
    ) -> Result<CallToolResult, ErrorData> {
        let mut turn = Turn::start(&self.engine, self.caller_of(ctx)?).await;
        let outcome = turn.run(call).await;
        Ok(turn.finish(outcome).await)
    }
}

#[tool_router]
impl FrontdeskMcp {
    #[tool(
        name = "get_members",
        title = "List the caller's members",
        description = "List the members the caller can book for (the caller and their family): member_id, name, level, relationship. Call this first. An empty list with known_caller false means the phone number is not a customer.",
        output_schema = schema_for_output::<MembersOutput>(),
        annotations(read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    async fn get_members(
        &self,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, ErrorData> {
        self.run(&ctx, ToolCall::GetMembers).await
    }

    #[tool(
        name = "get_member_preferences",
        title = "Read a member's preferences",
        description = "Read a member's saved booking preferences: preferred services, attributes (such as level and wave_side), start times, weekdays, dates and notes. Name the member by member_id or member_name.",
        output_schema = schema_for_output::<PreferencesOutput>(),
        annotations(read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    async fn get_member_preferences(
        &self,
        Parameters(req): Parameters<MemberRequest>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, ErrorData> {
        self.run(&ctx, ToolCall::GetMemberPreferences(req)).await
    }

    #[tool(
        name = "set_member_preferences",
        title = "Save a member's preferences",
        description = "Save a member's booking preferences, used to rank get_availability results. Only the fields you send change; the others keep their saved value. Lists replace the saved list ([] clears it); level and wave_side are shortcuts for attributes.level and attributes.wave_side.",
        output_schema = schema_for_output::<PreferencesOutput>(),
        annotations(read_only_hint = false, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    async fn set_member_preferences(
        &self,
        Parameters(req): Parameters<SetPreferencesRequest>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, ErrorData> {
        self.run(&ctx, ToolCall::SetMemberPreferences(req)).await
    }

    #[tool(
        name = "get_availability",
        title = "Find free slots",
        description = "Find free slots (sessions or appointments with places left) on one date (default today) or a range of up to 31 days (date_from, date_to). Filter by service, level or wave_side. With member_id the slots are ranked by that member's preferences, best first. When nothing is free, next_available is the first free slot after the range. Offer the caller the date and time of a slot; book it with book_session.",
        output_schema = schema_for_output::<AvailabilityOutput<'static>>(),
        annotations(read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    async fn get_availability(
        &self,
        Parameters(req): Parameters<AvailabilityRequest>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, ErrorData> {
        self.run(&ctx, ToolCall::GetAvailability(req)).await
    }

    #[tool(
        name = "book_session",
        title = "Book a slot",
        description = "Book a slot for one of the caller's members: the member (member_id or member_name; optional when the caller has one member), the service (service, or level and wave_side), and the date and time as get_availability offered them. Not idempotent by itself: send an idempotency_key and a retry with the same key returns the first booking instead of booking twice. A refusal says which rule applied (full, quota, notice, window, schedule) and lists alternatives. For a caller without an account, send their full name as name; it registers them when the business allows new callers.",
        output_schema = schema_for_output::<BookOutput>(),
        annotations(read_only_hint = false, destructive_hint = false, idempotent_hint = false, open_world_hint = false)
    )]
    async fn book_session(
        &self,
        Parameters(req): Parameters<BookRequest>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, ErrorData> {
        self.run(&ctx, ToolCall::BookSession(req)).await
    }

    #[tool(
        name = "cancel_booking",
        title = "Cancel a booking",
        description = "Cancel one of the caller's bookings, named by booking_id or voucher_code, with an optional reason. Says whether the cancellation is free (refund_applicable) under the business's cancellation policy. Cancelling an already cancelled booking changes nothing.",
        output_schema = schema_for_output::<CancelOutput>(),
        annotations(read_only_hint = false, destructive_hint = true, idempotent_hint = true, open_world_hint = false)
    )]
    async fn cancel_booking(
        &self,
        Parameters(req): Parameters<CancelRequest>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, ErrorData> {
        self.run(&ctx, ToolCall::CancelBooking(req)).await
    }

    #[tool(
        name = "get_bookings",
        title = "List the caller's bookings",
        description = "List the caller's bookings, optionally of one member (member_id or member_name), by status: upcoming (default), past, cancelled or all. Each has booking_id and voucher_code for cancel_booking and reschedule_booking.",
        output_schema = schema_for_output::<BookingsOutput>(),
        annotations(read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    async fn get_bookings(
        &self,
        Parameters(req): Parameters<BookingsRequest>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, ErrorData> {
        self.run(&ctx, ToolCall::GetBookings(req)).await
    }

    #[tool(
        name = "reschedule_booking",
        title = "Move a booking",
        description = "Move one of the caller's confirmed bookings (booking_id or voucher_code) to a new date and time, optionally to another service. The new slot is checked like a new booking; if it is refused the booking stays where it was, and the refusal lists alternatives.",
        output_schema = schema_for_output::<RescheduleOutput>(),
        annotations(read_only_hint = false, destructive_hint = false, idempotent_hint = false, open_world_hint = false)
    )]
    async fn reschedule_booking(
        &self,
        Parameters(req): Parameters<RescheduleRequest>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, ErrorData> {
        self.run(&ctx, ToolCall::RescheduleBooking(req)).await
    }

    #[tool(
        name = "get_business_info",
        title = "About the business",
        description = "The business: name, address, phone, language, branches, opening hours per weekday (session start times or open hours) with holidays in the next 14 days, services with duration, capacity, price and attributes, booking policies (notice, booking window, active bookings per member, free cancellation, whether new callers may book), and the current local date, weekday and time.",
        output_schema = schema_for_output::<BusinessOutput>(),
        annotations(read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    async fn get_business_info(
        &self,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, ErrorData> {
        self.run(&ctx, ToolCall::GetBusinessInfo).await
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for FrontdeskMcp {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("frontdesk", env!("CARGO_PKG_VERSION")))
            .with_instructions(INSTRUCTIONS)
    }

    async fn call_tool(
        &self,
        mut request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let canonical = Self::canonical_name(&request.name);
        if canonical != request.name {
            request.name = Cow::Owned(canonical.to_string());
        }
        let call = ToolCallContext::new(self, request, context);
        self.tool_router.call(call).await
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        self.tool_router.get(Self::canonical_name(name)).cloned()
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
