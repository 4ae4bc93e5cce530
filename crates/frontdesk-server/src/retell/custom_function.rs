//! `POST /api/mcp/retell/custom-function`: a Retell agent's custom function, mid-call.
//!
//! ## Request
//!
//! Three body forms are accepted:
//!
//! 1. Retell's own: `{"name": "<function>", "call": {call_id, agent_id, from_number,
//!    to_number, direction, …}, "args": {…}}`.
//! 2. Args at root (a Retell custom function with `args_at_root: true`): the body is only the
//!    arguments, and Retell sends no `name` and no `call`. The function is then named by the
//!    URL, `?name=<function>` (or `?function=` / `?function_name=`), or by an
//!    `X-Retell-Function-Name` (or `X-Function-Name`) header, both of which Retell lets a
//!    custom function configure; the body's own `name` is an argument (the person's name of
//!    `collect_appointment_information`), never the function. The company comes from
//!    `?company=`, else from the call or the key that signed it (see [`super::company`]);
//!    `?call_id=`, `?from_number=`, `?to_number=` and `?agent_id=` may carry the call
//!    (Retell fills query parameters from dynamic variables). The query is not covered by the
//!    signature: it selects what to run, the signed body says with what.
//! 3. The AskProAI document's `{"function_name", "call_id", "parameters"}`: the company from
//!    the call recorded under `call_id` by its webhook, else from the Retell key that signed
//!    the request (or `?company=`); the caller from `parameters.phone` or else the recorded
//!    call's number.
//!
//! The caller is the customer side of the call (`from_number` of an inbound call), identified
//! in the company; `parameters.phone` stands in when the call has no number.
//!
//! ## Functions
//!
//! [`run_function`] serves the document's `collect_appointment_information` (books for the
//! calling number, registering it if new: the business's own agent collected the details),
//! `check_availability`, `reschedule_appointment` and `cancel_appointment` (by
//! `appointment_id` or `confirmation_number`), and every MCP tool by its name through
//! [`run_tool_from`], so a rule answers the same on every surface. Vapi calls the same.
//!
//! ## Response
//!
//! HTTP 200 `{"success": true, "message": "<a sentence to speak>", "data": {…}}`, or
//! `{"success": false, "message": "<what went wrong and what to ask>", "code", "data"}`.
//! Faults inside a function are such an answer too (`TEMPORARILY_UNAVAILABLE`: the agent can
//! say so at once rather than wait for Retell's retries); 4xx/5xx are for what comes before
//! the function (see the module docs of [`super`]).

use super::company::{party_from_call, recorded_call};
use super::{RetellError, acknowledge_test, admit, ok};
use crate::auth::ClientIp;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use frontdesk_conversation::ToolOrigin;
use frontdesk_conversation::calls::{CallParty, FunctionContext, answer_function, identify_caller};
use frontdesk_conversation::functions::as_object;
use frontdesk_domain::BookingSource;
use frontdesk_engine::{Caller, EngineResult};
use frontdesk_store::Company;
use serde_json::Value;
use std::collections::HashMap;

/// Query parameters and headers that name the function of an args-at-root body.
const NAME_PARAMS: [&str; 3] = ["name", "function", "function_name"];
const NAME_HEADERS: [&str; 2] = ["x-retell-function-name", "x-function-name"];

/// The body forms (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    Retell,
    ArgsAtRoot,
    Document,
}

/// A request read: which function, with what, in which call.
#[derive(Debug)]
struct FunctionRequest {
    form: Form,
    name: Option<String>,
    args: Value,
    party: CallParty,
}

impl FunctionRequest {
    fn read(body: &Value, query: &HashMap<String, String>, headers: &HeaderMap) -> Self {
        let named_outside = || {
            NAME_PARAMS
                .iter()
                .find_map(|p| query.get(*p))
                .map(String::as_str)
                .or_else(|| {
                    NAME_HEADERS
                        .iter()
                        .find_map(|h| headers.get(*h).and_then(|v| v.to_str().ok()))
                })
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_string)
        };
        let string = |key: &str| {
            body.get(key)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        if let Some(name) = string("function_name") {
            return FunctionRequest {
                form: Form::Document,
                name: Some(name),
                args: body.get("parameters").cloned().unwrap_or(Value::Null),
                party: CallParty {
                    call_id: string("call_id"),
                    ..CallParty::default()
                },
            };
        }
        if let Some(call) = body.get("call").filter(|c| c.is_object()) {
            return FunctionRequest {
                form: Form::Retell,
                name: string("name").or_else(named_outside),
                args: body.get("args").cloned().unwrap_or(Value::Null),
                party: party_from_call(call),
            };
        }
        let from_query = |key: &str| {
            query
                .get(key)
                .map(|v| v.trim())
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        FunctionRequest {
            form: Form::ArgsAtRoot,
            name: named_outside(),
            args: body.clone(),
            party: CallParty {
                call_id: from_query("call_id").or_else(|| string("call_id")),
                agent_id: from_query("agent_id"),
                from_number: from_query("from_number"),
                to_number: from_query("to_number"),
                direction: from_query("direction"),
            },
        }
    }
}

/// The handler of `POST /api/mcp/retell/custom-function`.
#[utoipa::path(
    post,
    path = "/api/mcp/retell/custom-function",
    operation_id = "retellCustomFunction",
    tag = "retell",
    summary = "Run a Retell agent's custom function",
    description = "Signed by Retell with the company's Retell API key. The company comes from the \
        call's `agent_id`, else its `to_number`, else `?company=`, else the call recorded under its \
        `call_id`, else the company whose Retell key verifies the signature. Every outcome of the \
        function, refusals included, is HTTP 200 with what the agent should say. A \
        `testWebhook` delivery (`frontdesk_test`) is acknowledged and nothing is run.",
    params(
        ("company" = Option<String>, Query, description = "The company's slug or id, for calls that name none"),
        ("name" = Option<String>, Query, description = "The function, for args at root (also `function`, `function_name`)"),
        ("function" = Option<String>, Query, description = "Same as `name`"),
        ("function_name" = Option<String>, Query, description = "Same as `name`"),
        ("call_id" = Option<String>, Query, description = "Args at root: the call"),
        ("agent_id" = Option<String>, Query, description = "Args at root: the agent"),
        ("from_number" = Option<String>, Query, description = "Args at root: the calling number"),
        ("to_number" = Option<String>, Query, description = "Args at root: the called number"),
        ("direction" = Option<String>, Query, description = "Args at root: `inbound` or `outbound`"),
        ("X-Retell-Function-Name" = Option<String>, Header, description = "The function, for args at root (also `X-Function-Name`)"),
    ),
    request_body(content = crate::openapi::RetellFunctionRequest, content_type = "application/json"),
    security(("retell_signature" = [])),
    responses(
        (status = 200, description = "What the agent speaks (`success: false` for a refusal), or a test delivery acknowledged (`test: true`)", body = crate::openapi::RetellFunctionReply,
            headers(
                ("X-RateLimit-Limit" = u32, description = "Calls allowed per minute"),
                ("X-RateLimit-Remaining" = u32, description = "Calls left in this minute"),
                ("X-RateLimit-Reset" = u64, description = "Unix seconds when the allowance is full again"),
            )),
        (status = 400, description = "`INVALID_JSON`: the body is not JSON", body = crate::openapi::RetellErrorBody,
            headers(
                ("X-RateLimit-Limit" = u32, description = "Calls allowed per minute"),
                ("X-RateLimit-Remaining" = u32, description = "Calls left in this minute"),
                ("X-RateLimit-Reset" = u64, description = "Unix seconds when the allowance is full again"),
            )),
        (status = 422, description = "JSON that is not a function call: `INVALID_BODY` (not an object) or `MISSING_FUNCTION_NAME`", body = crate::openapi::RetellErrorBody,
            headers(
                ("X-RateLimit-Limit" = u32, description = "Calls allowed per minute"),
                ("X-RateLimit-Remaining" = u32, description = "Calls left in this minute"),
                ("X-RateLimit-Reset" = u64, description = "Unix seconds when the allowance is full again"),
            )),
        (status = 401, description = "`INVALID_SIGNATURE`: missing, malformed, stale or wrong signature, or a company without a Retell API key (`reason` says which)", body = crate::openapi::RetellErrorBody),
        (status = 404, description = "`UNKNOWN_COMPANY`: nothing in the call or the query names a company", body = crate::openapi::RetellErrorBody),
        (status = 413, description = "`PAYLOAD_TOO_LARGE`: body over the configured limit", body = crate::openapi::ErrorBody),
        (status = 429, description = "`RATE_LIMITED`: over the company's webhook allowance, or too many refused requests from this address", body = crate::openapi::RetellErrorBody,
            headers(
                ("Retry-After" = u64, description = "Seconds to wait before retrying"),
                ("X-RateLimit-Limit" = u32, description = "Calls allowed per minute"),
                ("X-RateLimit-Remaining" = u32, description = "Calls left in this minute"),
                ("X-RateLimit-Reset" = u64, description = "Unix seconds when the allowance is full again"),
            )),
        (status = 500, description = "`INTERNAL_ERROR`: a fault before the function or event could run (Retell retries)", body = crate::openapi::RetellErrorBody),
        (status = 503, description = "`TEMPORARILY_UNAVAILABLE`: the database cannot be reached (Retell retries)", body = crate::openapi::RetellErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait before retrying"))),
    ),
)]
#[tracing::instrument(skip_all, fields(company_id, function))]
pub async fn post(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    // Parsed first only to find the company whose key checks the signature.
    let parsed = serde_json::from_slice::<Value>(&body);
    let request = parsed
        .as_ref()
        .ok()
        .filter(|v| v.is_object())
        .map(|v| FunctionRequest::read(v, &query, &headers));
    let party = request
        .as_ref()
        .map(|r| r.party.clone())
        .unwrap_or_default();
    let query_company = query.get("company").map(String::as_str);
    let (company, rate) = match admit(&state, ip, &party, query_company, &headers, &body).await {
        Ok(admitted) => admitted,
        Err(refused) => return refused,
    };

    let request = match (parsed, request) {
        (Err(e), _) => return RetellError::invalid_json(&e).counted(rate),
        (Ok(_), None) => {
            let error = RetellError::unprocessable(
                "INVALID_BODY",
                "the body must be a JSON object: {\"name\", \"call\", \"args\"}, the arguments \
                 alone, or {\"function_name\", \"call_id\", \"parameters\"}",
            );
            return error.counted(rate);
        }
        (Ok(body), Some(request)) => {
            if let Some(acknowledged) = acknowledge_test(&body, &rate) {
                return acknowledged;
            }
            request
        }
    };
    let Some(name) = request.name.clone() else {
        let error = RetellError::unprocessable(
            "MISSING_FUNCTION_NAME",
            "which function? With args at root, name it in the URL (?name=<function>) or in \
             an X-Retell-Function-Name header",
        );
        return error.counted(rate);
    };
    tracing::Span::current().record("function", name.as_str());

    let (party, caller) = match call_and_caller(&state, &company, &request).await {
        Ok(found) => found,
        Err(e) => return RetellError::fault(e).counted(rate),
    };
    let ctx = FunctionContext {
        engine: &state.engine,
        company: &company,
        caller,
        origin: ToolOrigin::call(BookingSource::Retell, party.call_id.clone()),
        party,
    };
    let answer = answer_function(&ctx, &name, request.args).await;
    tracing::info!(
        success = answer.success,
        code = answer.code.as_deref().unwrap_or(""),
        form = ?request.form,
        "retell custom function"
    );
    ok(&rate, answer)
}

/// The call (its numbers completed from the call recorded under its id, for the forms that
/// carry no call object) and the caller: the call's customer number first, then
/// `parameters.phone`, then the recorded call's number.
async fn call_and_caller(
    state: &AppState,
    company: &Company,
    request: &FunctionRequest,
) -> EngineResult<(CallParty, Caller)> {
    let mut party = request.party.clone();
    let record = match &party.call_id {
        Some(call_id) if request.form != Form::Retell => {
            recorded_call(&state.engine, company, call_id).await?
        }
        _ => None,
    };
    let recorded_number = record.as_ref().and_then(|call| {
        let mut recorded = CallParty::default();
        recorded.fill_from(call);
        recorded.customer_number().map(str::to_string)
    });
    let phone = party
        .customer_number()
        .map(str::to_string)
        .or_else(|| phone_argument(&request.args))
        .or(recorded_number);
    if let Some(call) = &record {
        party.fill_from(call);
    }
    let caller = identify_caller(&state.engine, company, phone.as_deref()).await?;
    Ok((party, caller))
}

/// `phone` (or `phone_number`) among the arguments, when it is a string.
fn phone_argument(args: &Value) -> Option<String> {
    let args = as_object(args.clone())?;
    ["phone", "phone_number", "caller_phone"]
        .iter()
        .find_map(|key| args.get(*key).and_then(Value::as_str))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(body: Value, query: &[(&str, &str)]) -> FunctionRequest {
        let query = query
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        FunctionRequest::read(&body, &query, &HeaderMap::new())
    }

    #[test]
    fn retells_body_names_the_function_and_carries_the_call() {
        let r = read(
            json!({"name": "get_availability", "call": {"call_id": "c1", "from_number": "+491"}, "args": {"date": "today"}}),
            &[("name", "ignored")],
        );
        assert_eq!(r.form, Form::Retell);
        assert_eq!(r.name.as_deref(), Some("get_availability"));
        assert_eq!(r.args, json!({"date": "today"}));
        assert_eq!(r.party.call_id.as_deref(), Some("c1"));
    }

    #[test]
    fn args_at_root_take_the_function_from_the_url_never_from_the_name_argument() {
        let r = read(
            json!({"name": "John Doe", "date": "2026-11-23", "time": "14:00"}),
            &[
                ("function", "collect_appointment_information"),
                ("call_id", "c2"),
            ],
        );
        assert_eq!(r.form, Form::ArgsAtRoot);
        assert_eq!(r.name.as_deref(), Some("collect_appointment_information"));
        assert_eq!(r.args["name"], "John Doe");
        assert_eq!(r.party.call_id.as_deref(), Some("c2"));
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-retell-function-name",
            "get_business_info".parse().expect("value"),
        );
        let r = FunctionRequest::read(&json!({}), &HashMap::new(), &headers);
        assert_eq!(r.name.as_deref(), Some("get_business_info"));
        assert_eq!(read(json!({"name": "Ana"}), &[]).name, None);
    }

    #[test]
    fn the_documents_form_reads_function_name_call_id_and_parameters() {
        let r = read(
            json!({"function_name": "collect_appointment_information", "call_id": "call_abc123", "parameters": {"name": "John Doe"}}),
            &[],
        );
        assert_eq!(r.form, Form::Document);
        assert_eq!(r.args, json!({"name": "John Doe"}));
        assert_eq!(r.party.call_id.as_deref(), Some("call_abc123"));
    }

    #[test]
    fn a_phone_argument_is_read_from_an_object_or_a_json_text() {
        assert_eq!(
            phone_argument(&json!("{\"phone\": \" +49 1 \"}")).as_deref(),
            Some("+49 1")
        );
    }
}
