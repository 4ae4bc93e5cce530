//! The booking tools by name, outside MCP: [`run_tool`] is what the Retell custom functions
//! and the Vapi tool calls call, and [`ToolCall`] + `Turn::run` is the one dispatch that the
//! MCP handler's `#[tool]` methods use too, so a tool answers the same way on every surface.
//!
//! ## Design
//!
//! - A tool is named as in `tools/list` ([`TOOL_NAMES`]) or by a legacy alias ([`ALIASES`]);
//!   the arguments are the same lenient JSON object the MCP tool takes (a JSON text holding an
//!   object is accepted too, as Vapi may send it). `null` means no arguments.
//! - The answer is the MCP result taken apart: the spoken text, the `structuredContent` and
//!   whether it is an error. An unknown name or arguments that are not an object are errors
//!   of the same shape (`code` `UNKNOWN_TOOL` / `INVALID_INPUT`) rather than protocol errors:
//!   a webhook has no protocol error to give, and the agent can act on the text.
//! - [`ToolOrigin`] says which surface a call came through: bookings are recorded with that
//!   source and the platform's call id, and a retried request of the same call (same tool,
//!   same slot, same member) books once even without an `idempotency_key`.

use crate::args::{
    AvailabilityRequest, BookRequest, BookingsRequest, CancelRequest, JoinWaitlistRequest,
    LeaveWaitlistRequest, MemberRequest, RescheduleRequest, SetPreferencesRequest, WaitlistRequest,
};
use crate::catalog::{TOOL_NAMES, canonical_name};
use crate::speech::Say;
use crate::turn::{Problem, Reply, Turn};
use frontdesk_domain::BookingSource;
use frontdesk_engine::{Caller, Engine, EngineError};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

/// What a tool answered: the text to read aloud, the structured result, and whether the call
/// failed (then `structured.code` says why and the text what to do instead).
#[derive(Debug, Clone, PartialEq)]
pub struct ToolAnswer {
    pub text: String,
    pub structured: Value,
    pub is_error: bool,
}

impl ToolAnswer {
    /// The stable error code of a failed call (`SLOT_FULL`, `NOT_FOUND`, `UNKNOWN_TOOL`, …).
    pub fn code(&self) -> Option<&str> {
        self.is_error
            .then(|| self.structured.get("code").and_then(Value::as_str))
            .flatten()
    }

    pub(crate) fn error(code: &str, text: String, extra: Map<String, Value>) -> ToolAnswer {
        let mut structured = Map::new();
        structured.insert("code".into(), json!(code));
        structured.insert("message".into(), json!(text));
        structured.extend(extra);
        ToolAnswer {
            text,
            structured: Value::Object(structured),
            is_error: true,
        }
    }
}

/// The surface a tool call came through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolOrigin {
    /// Recorded on the bookings the call makes.
    pub source: BookingSource,
    /// The voice platform's call id, recorded on bookings; it also scopes retry keys.
    pub call_id: Option<String>,
}

impl ToolOrigin {
    /// An MCP client: bookings from `mcp`, no call id.
    pub fn mcp() -> Self {
        ToolOrigin {
            source: BookingSource::Mcp,
            call_id: None,
        }
    }

    /// A voice platform's call (`Retell`, `Vapi`), with its call id when known.
    pub fn call(source: BookingSource, call_id: Option<String>) -> Self {
        let call_id = call_id
            .map(|id| id.trim().chars().take(200).collect::<String>())
            .filter(|id| !id.is_empty());
        ToolOrigin { source, call_id }
    }

    /// An idempotency key for a request that did not send one: the same request in the same
    /// call (a platform's retry after a timeout) gets the same key, so it books once. `None`
    /// without a call id: outside a call, a retry without a key books again, as documented.
    pub fn retry_key(&self, parts: &[&str]) -> Option<String> {
        let call_id = self.call_id.as_deref()?;
        let what = parts
            .iter()
            .map(|p| p.trim().to_lowercase())
            .collect::<Vec<_>>()
            .join("|");
        Some(format!("{}-call:{call_id}:{what}", self.source))
    }
}

/// One call of a tool, with its arguments read.
pub enum ToolCall {
    GetMembers,
    GetMemberPreferences(MemberRequest),
    SetMemberPreferences(SetPreferencesRequest),
    GetAvailability(AvailabilityRequest),
    BookSession(BookRequest),
    CancelBooking(CancelRequest),
    GetBookings(BookingsRequest),
    RescheduleBooking(RescheduleRequest),
    GetBusinessInfo,
    JoinWaitlist(JoinWaitlistRequest),
    GetWaitlist(WaitlistRequest),
    LeaveWaitlist(LeaveWaitlistRequest),
}

/// Why a name and arguments are not a tool call.
enum NotACall {
    UnknownTool,
    ArgumentsNotAnObject,
    /// An object serde still refused (the same field under two of its names).
    Unreadable(String),
}

impl ToolCall {
    /// The call `name` (a tool or a legacy alias) makes with `args`.
    fn parse(name: &str, args: Value) -> Result<ToolCall, NotACall> {
        let args = match args {
            Value::Null => Value::Object(Map::new()),
            Value::String(text) if text.trim().is_empty() => Value::Object(Map::new()),
            Value::String(text) => match serde_json::from_str::<Value>(&text) {
                Ok(object @ Value::Object(_)) => object,
                _ => return Err(NotACall::ArgumentsNotAnObject),
            },
            object @ Value::Object(_) => object,
            _ => return Err(NotACall::ArgumentsNotAnObject),
        };
        Ok(match canonical_name(name.trim()) {
            "get_members" => ToolCall::GetMembers,
            "get_member_preferences" => ToolCall::GetMemberPreferences(read(args)?),
            "set_member_preferences" => ToolCall::SetMemberPreferences(read(args)?),
            "get_availability" => ToolCall::GetAvailability(read(args)?),
            "book_session" => ToolCall::BookSession(read(args)?),
            "cancel_booking" => ToolCall::CancelBooking(read(args)?),
            "get_bookings" => ToolCall::GetBookings(read(args)?),
            "reschedule_booking" => ToolCall::RescheduleBooking(read(args)?),
            "get_business_info" => ToolCall::GetBusinessInfo,
            "join_waitlist" => ToolCall::JoinWaitlist(read(args)?),
            "get_waitlist" => ToolCall::GetWaitlist(read(args)?),
            "leave_waitlist" => ToolCall::LeaveWaitlist(read(args)?),
            _ => return Err(NotACall::UnknownTool),
        })
    }
}

/// Every field is lenient (see `params`): an object fails only when it names a field twice
/// (`date` and its alias `new_date`).
fn read<T: DeserializeOwned>(args: Value) -> Result<T, NotACall> {
    serde_json::from_value(args).map_err(|e| NotACall::Unreadable(e.to_string()))
}

impl ToolCall {
    /// The tool's name, for metrics.
    fn name(&self) -> &'static str {
        match self {
            ToolCall::GetMembers => "get_members",
            ToolCall::GetMemberPreferences(_) => "get_member_preferences",
            ToolCall::SetMemberPreferences(_) => "set_member_preferences",
            ToolCall::GetAvailability(_) => "get_availability",
            ToolCall::BookSession(_) => "book_session",
            ToolCall::CancelBooking(_) => "cancel_booking",
            ToolCall::GetBookings(_) => "get_bookings",
            ToolCall::RescheduleBooking(_) => "reschedule_booking",
            ToolCall::GetBusinessInfo => "get_business_info",
            ToolCall::JoinWaitlist(_) => "join_waitlist",
            ToolCall::GetWaitlist(_) => "get_waitlist",
            ToolCall::LeaveWaitlist(_) => "leave_waitlist",
        }
    }
}

impl Turn {
    /// The one dispatch from a tool call to the code that answers it, counted and timed.
    pub(crate) async fn run(&mut self, call: ToolCall) -> Result<Reply, Problem> {
        let tool = call.name();
        let started = std::time::Instant::now();
        let outcome = self.dispatch(call).await;
        let label = match &outcome {
            Ok(_) => "ok",
            Err(Problem::Arg(_)) => "invalid",
            Err(Problem::Engine { .. }) => "refused",
        };
        metrics::counter!("frontdesk_tool_calls_total", "tool" => tool, "outcome" => label)
            .increment(1);
        metrics::histogram!("frontdesk_tool_call_duration_seconds", "tool" => tool)
            .record(started.elapsed().as_secs_f64());
        outcome
    }

    async fn dispatch(&mut self, call: ToolCall) -> Result<Reply, Problem> {
        match call {
            ToolCall::GetMembers => self.get_members().await,
            ToolCall::GetMemberPreferences(req) => self.get_member_preferences(req).await,
            ToolCall::SetMemberPreferences(req) => self.set_member_preferences(req).await,
            ToolCall::GetAvailability(req) => self.get_availability(req).await,
            ToolCall::BookSession(req) => self.book_session(req).await,
            ToolCall::CancelBooking(req) => self.cancel_booking(req).await,
            ToolCall::GetBookings(req) => self.get_bookings(req).await,
            ToolCall::RescheduleBooking(req) => self.reschedule_booking(req).await,
            ToolCall::GetBusinessInfo => self.get_business_info().await,
            ToolCall::JoinWaitlist(req) => self.join_waitlist(req).await,
            ToolCall::GetWaitlist(req) => self.get_waitlist(req).await,
            ToolCall::LeaveWaitlist(req) => self.leave_waitlist(req).await,
        }
    }
}

/// Runs the tool `name` for `caller` with `args`, as an MCP client would (bookings recorded
/// with source `mcp`).
pub async fn run_tool(engine: &Engine, caller: &Caller, name: &str, args: Value) -> ToolAnswer {
    run_tool_from(engine, caller, name, args, ToolOrigin::mcp()).await
}

/// [`run_tool`] for a call that came through `origin` (a Retell or Vapi call).
pub async fn run_tool_from(
    engine: &Engine,
    caller: &Caller,
    name: &str,
    args: Value,
    origin: ToolOrigin,
) -> ToolAnswer {
    // Only a voice call's tool calls are kept (for its page): nothing is copied for the others.
    let Some(provider) = recorded_provider(&origin) else {
        return answer_tool(engine, caller, name, args, origin).await;
    };
    let answer = answer_tool(engine, caller, name, args.clone(), origin.clone()).await;
    record(engine, caller, name, args, provider, &origin, &answer);
    answer
}

/// The platform whose calls' tool calls are recorded: Retell or Vapi, with a call id.
fn recorded_provider(origin: &ToolOrigin) -> Option<&'static str> {
    origin.call_id.as_ref()?;
    match origin.source {
        BookingSource::Retell => Some("retell"),
        BookingSource::Vapi => Some("vapi"),
        _ => None,
    }
}

/// Keeps what the agent asked and heard during a voice call, for the call's page in the
/// console. The write runs beside the answer, so the caller never waits for it.
fn record(
    engine: &Engine,
    caller: &Caller,
    name: &str,
    arguments: Value,
    provider: &'static str,
    origin: &ToolOrigin,
    answer: &ToolAnswer,
) {
    let Some(call_id) = origin.call_id.clone() else {
        return;
    };
    let record = frontdesk_store::NewCallToolCall {
        company_id: caller.company_id,
        provider: provider.to_string(),
        call_external_id: call_id,
        tool: name.chars().take(100).collect(),
        arguments,
        result: Value::String(answer.text.clone()),
        error_code: answer.code().map(str::to_string),
        now: engine.now(),
    };
    let engine = engine.clone();
    tokio::spawn(async move { engine.record_tool_call(record).await });
}

async fn answer_tool(
    engine: &Engine,
    caller: &Caller,
    name: &str,
    args: Value,
    origin: ToolOrigin,
) -> ToolAnswer {
    let mut turn = Turn::start(engine, caller.clone()).await;
    turn.origin = origin;
    let call = match ToolCall::parse(name, args) {
        Ok(call) => call,
        Err(NotACall::UnknownTool) => return unknown_tool(turn.say(), name),
        Err(NotACall::ArgumentsNotAnObject) => {
            let mut extra = Map::new();
            extra.insert("field".into(), json!("arguments"));
            return ToolAnswer::error("INVALID_INPUT", turn.say().arguments_not_an_object(), extra);
        }
        Err(NotACall::Unreadable(why)) => {
            // The parser's words are English: they go with the data, not into what is spoken.
            let mut extra = Map::new();
            extra.insert("field".into(), json!("arguments"));
            extra.insert("detail".into(), json!(why));
            return ToolAnswer::error("INVALID_INPUT", turn.say().arguments_unreadable(), extra);
        }
    };
    let outcome = turn.run(call).await;
    turn.finish(outcome).await
}

/// The answer a tool gives when the engine refuses: the same spoken explanation and
/// structured error (`code`, `alternatives`, …) as any tool, for adapters that call the engine
/// themselves (Retell's `collect_appointment_information`).
pub async fn explain_error(engine: &Engine, caller: &Caller, error: EngineError) -> ToolAnswer {
    let turn = Turn::start(engine, caller.clone()).await;
    turn.finish(Err(error.into())).await
}

fn unknown_tool(say: Say, name: &str) -> ToolAnswer {
    let name: String = name.trim().chars().take(60).collect();
    let text = say.unknown_tool(&name, &TOOL_NAMES.join(", "));
    let mut extra = Map::new();
    extra.insert("tools".into(), json!(TOOL_NAMES));
    ToolAnswer::error("UNKNOWN_TOOL", text, extra)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{ALIASES, is_tool};

    #[test]
    fn every_listed_tool_and_alias_parses_and_nothing_else() {
        for name in TOOL_NAMES
            .iter()
            .chain(ALIASES.iter().map(|(alias, _)| alias))
        {
            assert!(is_tool(name), "{name}");
            assert!(ToolCall::parse(name, Value::Null).is_ok(), "{name}");
        }
        assert!(!is_tool("book"));
        assert!(matches!(
            ToolCall::parse("book", json!({})),
            Err(NotACall::UnknownTool)
        ));
    }

    #[test]
    fn arguments_may_be_an_object_a_json_text_or_nothing() {
        for args in [
            json!({"date": "today"}),
            json!("{\"date\": \"today\"}"),
            json!(""),
            Value::Null,
        ] {
            assert!(
                ToolCall::parse("get_availability", args.clone()).is_ok(),
                "{args}"
            );
        }
        for args in [json!([1]), json!("not json"), json!("[1]"), json!(7)] {
            assert!(
                matches!(
                    ToolCall::parse("get_availability", args.clone()),
                    Err(NotACall::ArgumentsNotAnObject)
                ),
                "{args}"
            );
        }
    }

    #[test]
    fn retry_keys_need_a_call_and_tell_requests_apart() {
        assert_eq!(ToolOrigin::mcp().retry_key(&["book", "x"]), None);
        let origin = ToolOrigin::call(BookingSource::Retell, Some(" call_1 ".into()));
        let a = origin.retry_key(&["book", "2026-11-23", "14:00", "Ana"]);
        assert_eq!(
            a.as_deref(),
            Some("retell-call:call_1:book|2026-11-23|14:00|ana")
        );
        assert_ne!(a, origin.retry_key(&["book", "2026-11-23", "15:00", "Ana"]));
        assert_eq!(
            ToolOrigin::call(BookingSource::Vapi, Some("  ".into())).call_id,
            None
        );
    }
}
