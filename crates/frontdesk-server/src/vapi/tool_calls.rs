//! `POST /api/vapi/tool-calls` (see the module docs of [`super`]).
//!
//! Both `toolCallList` entry forms Vapi has used are read: the OpenAI-style
//! `{"id", "type": "function", "function": {"name", "arguments"}}` and the flat
//! `{"id", "name", "arguments"}` (`parameters` also accepted for `arguments`). Arguments are an
//! object or a JSON text holding one, as OpenAI-style tool calls carry them.

use crate::auth::{ClientIp, bearer};
use crate::error::ApiError;
use crate::openapi::{
    VapiAck, VapiReply, VapiResults, VapiToolError, VapiToolOutcome, VapiToolResult,
};
use crate::rate_limit::{Bucket, RateStatus};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use frontdesk_conversation::ToolOrigin;
use frontdesk_conversation::calls::{CallParty, FunctionContext, answer_function, identify_caller};
use frontdesk_domain::BookingSource;
use frontdesk_engine::EngineError;
use frontdesk_store::Company;
use serde_json::Value;

/// The header Vapi sends a server URL's secret in.
pub const SECRET_HEADER: &str = "x-vapi-secret";

/// Most tool calls answered in one message.
pub const MAX_TOOL_CALLS: usize = 20;

/// One entry of `toolCallList`.
#[derive(Debug, Clone, PartialEq)]
struct ToolCall {
    id: String,
    name: Option<String>,
    arguments: Value,
}

impl ToolCall {
    fn read(entry: &Value) -> Result<ToolCall, String> {
        let id = match entry.get("id") {
            Some(Value::String(id)) if !id.trim().is_empty() => id.trim().to_string(),
            Some(Value::Number(n)) => n.to_string(),
            _ => return Err("every toolCallList entry needs its id".into()),
        };
        let function = entry.get("function").filter(|f| f.is_object());
        let field = |key: &str| {
            function
                .and_then(|f| f.get(key))
                .or_else(|| entry.get(key))
                .filter(|v| !v.is_null())
        };
        let name = field("name")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_string);
        let arguments = field("arguments")
            .or_else(|| field("parameters"))
            .cloned()
            .unwrap_or(Value::Null);
        Ok(ToolCall {
            id,
            name,
            arguments,
        })
    }
}

/// The handler of `POST /api/vapi/tool-calls`.
#[utoipa::path(
    post,
    path = "/api/vapi/tool-calls",
    operation_id = "vapiToolCalls",
    tag = "vapi",
    summary = "Answer a Vapi assistant's tool calls",
    description = "Runs each tool call of a `tool-calls` message in order for the caller \
        `message.call.customer.number`; other message types are acknowledged with `{}`.",
    request_body(content = crate::openapi::VapiRequest, content_type = "application/json"),
    security(("vapi_secret" = []), ("vapi_bearer" = [])),
    responses(
        (status = 200, description = "The tool calls' answers, or `{}`", body = crate::openapi::VapiReply,
            headers(
                ("X-RateLimit-Limit" = u32, description = "Calls allowed per minute"),
                ("X-RateLimit-Remaining" = u32, description = "Calls left in this minute"),
                ("X-RateLimit-Reset" = u64, description = "Unix seconds when the allowance is full again"),
            )),
        (status = 400, description = "`INVALID_JSON`, `INVALID_MESSAGE`, `TOO_MANY_TOOL_CALLS` or `INVALID_TOOL_CALL`", body = crate::openapi::ErrorBody,
            headers(
                ("X-RateLimit-Limit" = u32, description = "Calls allowed per minute"),
                ("X-RateLimit-Remaining" = u32, description = "Calls left in this minute"),
                ("X-RateLimit-Reset" = u64, description = "Unix seconds when the allowance is full again"),
            )),
        (status = 401, description = "`MISSING_SECRET` or `INVALID_SECRET`", body = crate::openapi::ErrorBody),
        (status = 413, description = "`PAYLOAD_TOO_LARGE`: body over the configured limit", body = crate::openapi::ErrorBody),
        (status = 429, description = "`RATE_LIMITED`: over the company's webhook allowance, or too many refused requests from this address", body = crate::openapi::ErrorBody,
            headers(
                ("Retry-After" = u64, description = "Seconds to wait before retrying"),
                ("X-RateLimit-Limit" = u32, description = "Calls allowed per minute"),
                ("X-RateLimit-Remaining" = u32, description = "Calls left in this minute"),
                ("X-RateLimit-Reset" = u64, description = "Unix seconds when the allowance is full again"),
            )),
        (status = 500, description = "`INTERNAL_ERROR`: a fault", body = crate::openapi::ErrorBody),
        (status = 503, description = "`TEMPORARILY_UNAVAILABLE`: the database cannot be reached", body = crate::openapi::ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait before retrying"))),
    ),
)]
#[tracing::instrument(skip_all, fields(company_id))]
pub async fn post(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let company = match authenticate(&state, &headers).await {
        Ok(company) => company,
        Err(refused) => {
            return match state.gateway.limits.check_unauthenticated(ip).await {
                Ok(_) => refused.into_response(),
                Err(limited) => rate_limited(limited.status, limited.retry_after, limited.details),
            };
        }
    };
    tracing::Span::current().record("company_id", company.id);
    let rate = match state
        .gateway
        .limits
        .check(company.id, Bucket::Webhook, 1)
        .await
    {
        Ok(rate) => rate,
        Err(limited) => return rate_limited(limited.status, limited.retry_after, limited.details),
    };
    let (status, body) = match answer(&state, &company, &body).await {
        Ok(body) => (StatusCode::OK, body),
        Err(error) => return with_rate(error.into_response(), &rate),
    };
    with_rate((status, axum::Json(body)).into_response(), &rate)
}

/// The company whose Vapi secret the request carries (`X-Vapi-Secret`, else the bearer token).
async fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<Company, ApiError> {
    let from_header = headers
        .get(SECRET_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let candidates: Vec<&str> = from_header.into_iter().chain(bearer(headers)).collect();
    if candidates.is_empty() {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "MISSING_SECRET",
            "send the company's Vapi secret as X-Vapi-Secret or Authorization: Bearer",
        ));
    }
    for secret in candidates {
        match state.engine.company_by_vapi_secret(secret).await {
            Ok(company) => return Ok(company),
            Err(EngineError::NotFound { .. }) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    tracing::info!("vapi request with an unknown secret");
    Err(ApiError::new(
        StatusCode::UNAUTHORIZED,
        "INVALID_SECRET",
        "the Vapi secret is not valid",
    ))
}

/// The answer to one server message.
async fn answer(state: &AppState, company: &Company, body: &[u8]) -> Result<VapiReply, ApiError> {
    let bad =
        |code: &'static str, message: String| ApiError::new(StatusCode::BAD_REQUEST, code, message);
    let body: Value = serde_json::from_slice(body)
        .map_err(|e| bad("INVALID_JSON", format!("the body is not valid JSON: {e}")))?;
    let Some(message) = body.get("message").filter(|m| m.is_object()) else {
        return Err(bad(
            "INVALID_MESSAGE",
            "expected a Vapi server message: {\"message\": {\"type\": \"tool-calls\", \"toolCallList\": [...]}}".into(),
        ));
    };
    let Some(kind) = message.get("type").and_then(Value::as_str) else {
        return Err(bad("INVALID_MESSAGE", "the message needs its type".into()));
    };
    if kind != "tool-calls" {
        // status-update, end-of-call-report, transcript, …: acknowledged, nothing to do.
        tracing::debug!(kind, "vapi message ignored");
        return Ok(VapiReply::Ack(VapiAck {}));
    }
    let Some(list) = message.get("toolCallList").and_then(Value::as_array) else {
        return Err(bad(
            "INVALID_MESSAGE",
            "a tool-calls message needs its toolCallList (an array)".into(),
        ));
    };
    if list.len() > MAX_TOOL_CALLS {
        return Err(bad(
            "TOO_MANY_TOOL_CALLS",
            format!("at most {MAX_TOOL_CALLS} tool calls per message"),
        ));
    }
    let calls = list
        .iter()
        .map(ToolCall::read)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| bad("INVALID_TOOL_CALL", e))?;

    let party = call_party(message);
    let caller = identify_caller(&state.engine, company, party.customer_number())
        .await
        .map_err(ApiError::from)?;
    let ctx = FunctionContext {
        engine: &state.engine,
        company,
        caller,
        origin: ToolOrigin::call(BookingSource::Vapi, party.call_id.clone()),
        party,
    };
    let mut results = Vec::with_capacity(calls.len());
    for call in calls {
        let entry = match &call.name {
            None => VapiToolOutcome::Error(VapiToolError {
                tool_call_id: call.id,
                error: "The tool call has no function name.".into(),
            }),
            Some(name) => {
                let answer = answer_function(&ctx, name, call.arguments).await;
                tracing::info!(function = %name, success = answer.success, code = answer.code.as_deref().unwrap_or(""), "vapi tool call");
                let text = single_line(&answer.message);
                if answer.success {
                    VapiToolOutcome::Result(VapiToolResult {
                        tool_call_id: call.id,
                        result: text,
                    })
                } else {
                    VapiToolOutcome::Error(VapiToolError {
                        tool_call_id: call.id,
                        error: text,
                    })
                }
            }
        };
        results.push(entry);
    }
    Ok(VapiReply::Results(VapiResults { results }))
}

/// The call as the message describes it: its id and the customer's number (the called
/// number on an outbound call, the calling one otherwise).
fn call_party(message: &Value) -> CallParty {
    let call = message.get("call");
    let text = |v: Option<&Value>| {
        v.and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| s.chars().take(200).collect::<String>())
    };
    let customer = text(call.and_then(|c| c.pointer("/customer/number")))
        .or_else(|| text(message.pointer("/customer/number")));
    let business = text(call.and_then(|c| c.pointer("/phoneNumber/number")))
        .or_else(|| text(message.pointer("/phoneNumber/number")));
    let outbound = text(call.and_then(|c| c.get("type"))).as_deref() == Some("outboundPhoneCall");
    let (from_number, to_number) = if outbound {
        (business, customer)
    } else {
        (customer, business)
    };
    CallParty {
        call_id: text(call.and_then(|c| c.get("id"))),
        agent_id: text(call.and_then(|c| c.get("assistantId"))),
        from_number,
        to_number,
        direction: Some(if outbound { "outbound" } else { "inbound" }.to_string()),
    }
}

/// One line: every run of whitespace, newlines included, becomes one space.
pub fn single_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn with_rate(mut response: Response, rate: &RateStatus) -> Response {
    rate.apply(response.headers_mut());
    response
}

fn rate_limited(status: RateStatus, retry_after: u64, details: String) -> Response {
    tracing::info!(details = %details, "vapi rate limit");
    let error = ApiError::new(StatusCode::TOO_MANY_REQUESTS, "RATE_LIMITED", details)
        .with_retry_after(retry_after);
    with_rate(error.into_response(), &status)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn both_entry_forms_and_both_argument_kinds_are_read() {
        let nested = ToolCall::read(&json!({
            "id": "call_1", "type": "function",
            "function": {"name": "get_availability", "arguments": "{\"date\":\"today\"}"}
        }))
        .expect("nested");
        assert_eq!(nested.name.as_deref(), Some("get_availability"));
        assert_eq!(nested.arguments, json!("{\"date\":\"today\"}"));
        let flat =
            ToolCall::read(&json!({"id": "call_2", "name": "get_members", "arguments": {"x": 1}}))
                .expect("flat");
        assert_eq!(flat.name.as_deref(), Some("get_members"));
        assert_eq!(flat.arguments, json!({"x": 1}));
        assert!(ToolCall::read(&json!({"name": "get_members"})).is_err());
        assert_eq!(
            ToolCall::read(&json!({"id": "c"})).expect("no name").name,
            None
        );
    }

    #[test]
    fn results_are_one_line() {
        assert_eq!(single_line(" a\nb \r\n\n c\td "), "a b c d");
    }

    #[test]
    fn the_customer_is_the_called_number_on_an_outbound_call() {
        let inbound = call_party(&json!({"call": {"id": "v1", "customer": {"number": "+491"}}}));
        assert_eq!(inbound.customer_number(), Some("+491"));
        assert_eq!(inbound.call_id.as_deref(), Some("v1"));
        let outbound = call_party(
            &json!({"call": {"type": "outboundPhoneCall", "customer": {"number": "+492"}, "phoneNumber": {"number": "+493"}}}),
        );
        assert_eq!(outbound.customer_number(), Some("+492"));
        assert_eq!(outbound.business_number(), Some("+493"));
        let top = call_party(&json!({"customer": {"number": "+494"}}));
        assert_eq!(top.customer_number(), Some("+494"));
    }
}
