//! `POST /api/mcp/gateway`: JSON-RPC 2.0 over HTTP, one company per token.
//!
//! ## Design
//!
//! - **Authentication** comes first: `Authorization: Bearer <gateway key>` (an API key of kind
//!   `gateway`, which belongs to one company). Without a valid one the answer is HTTP 401 with
//!   a JSON-RPC error body (`-32000`, `data.code` `UNAUTHORIZED`, `id: null`) and
//!   `WWW-Authenticate: Bearer`: the request never reached JSON-RPC, so HTTP says why, and a
//!   JSON-RPC client still finds an error object where it looks.
//! - **JSON-RPC errors are HTTP 200**, as JSON-RPC over HTTP does: `-32700` for a body that is
//!   not JSON, `-32600` for something that is not a request object, `-32601` for an unknown
//!   `server.method`, `-32602` for missing or malformed parameters (`data.details` names the
//!   parameter), `-32603` for faults, `-32000` for refusals of the application (`data.code`
//!   says which: `NOT_FOUND`, `SLOT_FULL`, `FORBIDDEN` …).
//! - **Batches** (an array) are answered with an array in the same order, without entries for
//!   notifications (requests without `id`); an empty array is one `-32600` error; a request
//!   whose every call is a notification gets HTTP 204 and no body.
//! - **Company**: the token's company is the only one a request can act on. A `company_id`
//!   parameter naming another company is refused with `-32000` / `data.code` `FORBIDDEN`
//!   ("company_id 7 does not belong to this token"): the parameter is well-formed, the caller
//!   is not allowed, which is an application refusal rather than bad params. Omitted, it is the
//!   token's company.
//! - **Rate limits** ([`crate::rate_limit`]) are counted before anything runs, per company and
//!   bucket, a batch as its number of calls; their headers are on every answer of this route,
//!   errors included, and going over is HTTP 429 with `Retry-After` and a JSON-RPC error body.

use super::error::GatewayError;
use super::params::Params;
use super::{appointments, webhook};
use crate::auth::{ClientIp, bearer};
use crate::openapi::{GatewayError as GatewayErrorResponse, GatewayResult};
use crate::rate_limit::{Bucket, RateLimited, RateStatus};
use crate::state::AppState;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use frontdesk_domain::ApiKeyKind;
use frontdesk_engine::EngineError;
use frontdesk_store::Company;
use serde_json::Value;
use std::collections::BTreeMap;
use std::time::Instant;

/// The most requests one batch may hold: one cap for every JSON-RPC surface.
pub use crate::limits::MAX_BATCH;

/// Every method, as `server.method`.
pub fn methods() -> Vec<String> {
    let servers: [(&str, &[&str]); 3] = [
        ("retell_config", &super::retell_config::METHODS),
        ("appointment_mgmt", &appointments::METHODS),
        ("webhook", &webhook::METHODS),
    ];
    servers
        .iter()
        .flat_map(|(server, methods)| methods.iter().map(move |m| format!("{server}.{m}")))
        .collect()
}

/// The handler of `POST /api/mcp/gateway`.
#[utoipa::path(
    post,
    path = "/api/mcp/gateway",
    operation_id = "gateway",
    tag = "gateway",
    summary = "Call the JSON-RPC gateway",
    description = "JSON-RPC 2.0, methods `server.method`, one company per token. JSON-RPC errors are \
        HTTP 200 with an error object; a batch is answered with an array in the same order, without \
        entries for notifications; only notifications: 204. Every answer carries the company's \
        `X-RateLimit-*` headers (per client IP before authentication).",
    request_body(content = crate::openapi::GatewayRequestBody, content_type = "application/json"),
    security(("gateway_token" = [])),
    responses(
        (status = 200, description = "The answer, or the answers of a batch; JSON-RPC errors too", body = crate::openapi::GatewayReply,
            headers(
                ("X-RateLimit-Limit" = u32, description = "Calls allowed per minute"),
                ("X-RateLimit-Remaining" = u32, description = "Calls left in this minute"),
                ("X-RateLimit-Reset" = u64, description = "Unix seconds when the allowance is full again"),
            )),
        (status = 204, description = "Only notifications: no answer",
            headers(
                ("X-RateLimit-Limit" = u32, description = "Calls allowed per minute"),
                ("X-RateLimit-Remaining" = u32, description = "Calls left in this minute"),
                ("X-RateLimit-Reset" = u64, description = "Unix seconds when the allowance is full again"),
            )),
        (status = 401, description = "Missing or invalid gateway token: -32000, `data.code` `UNAUTHORIZED`", body = crate::openapi::GatewayError,
            headers(
                ("WWW-Authenticate" = String, description = "`Bearer`"),
                ("X-RateLimit-Limit" = u32, description = "Calls allowed per minute"),
                ("X-RateLimit-Remaining" = u32, description = "Calls left in this minute"),
                ("X-RateLimit-Reset" = u64, description = "Unix seconds when the allowance is full again"),
            )),
        (status = 413, description = "Body over the configured limit: -32600", body = crate::openapi::GatewayError,
            headers(
                ("X-RateLimit-Limit" = u32, description = "Calls allowed per minute"),
                ("X-RateLimit-Remaining" = u32, description = "Calls left in this minute"),
                ("X-RateLimit-Reset" = u64, description = "Unix seconds when the allowance is full again"),
            )),
        (status = 429, description = "Over the rate limit: -32000, `data.code` `RATE_LIMITED`", body = crate::openapi::GatewayError,
            headers(
                ("Retry-After" = u64, description = "Seconds to wait before retrying"),
                ("X-RateLimit-Limit" = u32, description = "Calls allowed per minute"),
                ("X-RateLimit-Remaining" = u32, description = "Calls left in this minute"),
                ("X-RateLimit-Reset" = u64, description = "Unix seconds when the allowance is full again"),
            )),
        (status = 503, description = "The token could not be checked: -32000, `data.code` `TEMPORARILY_UNAVAILABLE`", body = crate::openapi::GatewayError,
            headers(
                ("Retry-After" = u64, description = "Seconds to wait before retrying"),
                ("X-RateLimit-Limit" = u32, description = "Calls allowed per minute"),
                ("X-RateLimit-Remaining" = u32, description = "Calls left in this minute"),
                ("X-RateLimit-Reset" = u64, description = "Unix seconds when the allowance is full again"),
            )),
    ),
)]
pub async fn post(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let company = match authenticate(&state, &headers).await {
        Ok(company) => company,
        Err(refused) => {
            return match state.gateway.limits.check_unauthenticated(ip).await {
                Ok(rate) => refused.into_response(&rate),
                Err(limited) => too_many(limited, Value::Null),
            };
        }
    };
    let bytes = match axum::body::to_bytes(body, state.settings.body_limit_bytes).await {
        Ok(bytes) => bytes,
        Err(_) => {
            let error = GatewayError::InvalidRequest(format!(
                "the request body is larger than {} bytes",
                state.settings.body_limit_bytes
            ));
            return counted(
                &state,
                &company,
                &[(Bucket::Default, 1)],
                Value::Null,
                |rate| {
                    reply(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        rate,
                        Some(error_response(&error, Value::Null)),
                    )
                },
            )
            .await;
        }
    };

    let request: Value = match serde_json::from_slice(&bytes) {
        Ok(v) => v,
        Err(e) => {
            let error = GatewayError::Parse(format!("the body is not valid JSON: {e}"));
            return counted(
                &state,
                &company,
                &[(Bucket::Default, 1)],
                Value::Null,
                |rate| {
                    reply(
                        StatusCode::OK,
                        rate,
                        Some(error_response(&error, Value::Null)),
                    )
                },
            )
            .await;
        }
    };

    match request {
        Value::Array(items) if items.is_empty() => {
            let error = GatewayError::InvalidRequest(
                "the batch is empty: send at least one request".into(),
            );
            counted(
                &state,
                &company,
                &[(Bucket::Default, 1)],
                Value::Null,
                |rate| {
                    reply(
                        StatusCode::OK,
                        rate,
                        Some(error_response(&error, Value::Null)),
                    )
                },
            )
            .await
        }
        Value::Array(items) if items.len() > MAX_BATCH => {
            let error = GatewayError::InvalidRequest(format!(
                "a batch may hold at most {MAX_BATCH} requests, this one holds {}",
                items.len()
            ));
            counted(
                &state,
                &company,
                &[(Bucket::Default, 1)],
                Value::Null,
                |rate| {
                    reply(
                        StatusCode::OK,
                        rate,
                        Some(error_response(&error, Value::Null)),
                    )
                },
            )
            .await
        }
        Value::Array(items) => {
            let rate = match state
                .gateway
                .limits
                .check_all(company.id, &bucket_counts(&items))
                .await
            {
                Ok(rate) => rate,
                Err(limited) => return too_many(limited, Value::Null),
            };
            let mut answers = Vec::with_capacity(items.len());
            for item in items {
                if let Some(answer) = handle(&state, &company, item).await {
                    answers.push(answer);
                }
            }
            if answers.is_empty() {
                reply(StatusCode::NO_CONTENT, &rate, None)
            } else {
                reply(StatusCode::OK, &rate, Some(Value::Array(answers)))
            }
        }
        single => {
            let id = single
                .get("id")
                .cloned()
                .filter(valid_id)
                .unwrap_or(Value::Null);
            let rate = match state
                .gateway
                .limits
                .check_all(company.id, &bucket_counts(std::slice::from_ref(&single)))
                .await
            {
                Ok(rate) => rate,
                Err(limited) => return too_many(limited, id),
            };
            match handle(&state, &company, single).await {
                Some(answer) => reply(StatusCode::OK, &rate, Some(answer)),
                None => reply(StatusCode::NO_CONTENT, &rate, None),
            }
        }
    }
}

/// Why a request was not let in, before JSON-RPC.
struct Refused {
    status: StatusCode,
    error: GatewayError,
}

impl Refused {
    fn into_response(self, rate: &RateStatus) -> Response {
        let mut response = reply(
            self.status,
            rate,
            Some(error_response(&self.error, Value::Null)),
        );
        if self.status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        } else if self.status == StatusCode::SERVICE_UNAVAILABLE {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(5));
        }
        response
    }
}

/// The company of the request's gateway token.
async fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<Company, Refused> {
    let unauthorized = || Refused {
        status: StatusCode::UNAUTHORIZED,
        error: GatewayError::server("UNAUTHORIZED", "missing or invalid gateway token"),
    };
    let token = bearer(headers).ok_or_else(unauthorized)?;
    let fault = |e: EngineError| match e {
        EngineError::NotFound { .. } => unauthorized(),
        other => {
            tracing::warn!(error = ?other, "gateway authentication failed on a fault");
            Refused {
                status: StatusCode::SERVICE_UNAVAILABLE,
                error: GatewayError::server(
                    "TEMPORARILY_UNAVAILABLE",
                    "the service is temporarily unavailable, please retry",
                ),
            }
        }
    };
    let key = state
        .engine
        .verify_api_key(token, ApiKeyKind::Gateway)
        .await
        .map_err(fault)?;
    state.engine.company(key.company_id).await.map_err(fault)
}

/// Counts `counts` and answers with `answer`, or 429 when over the limit.
async fn counted(
    state: &AppState,
    company: &Company,
    counts: &[(Bucket, u32)],
    id: Value,
    answer: impl FnOnce(&RateStatus) -> Response,
) -> Response {
    match state.gateway.limits.check_all(company.id, counts).await {
        Ok(rate) => answer(&rate),
        Err(limited) => too_many(limited, id),
    }
}

/// How many calls of each bucket the request holds (invalid entries count as default calls).
fn bucket_counts(items: &[Value]) -> Vec<(Bucket, u32)> {
    let mut counts: BTreeMap<Bucket, u32> = BTreeMap::new();
    for item in items {
        let bucket = item
            .get("method")
            .and_then(Value::as_str)
            .map_or(Bucket::Default, Bucket::for_method);
        *counts.entry(bucket).or_default() += 1;
    }
    counts.into_iter().collect()
}

/// One request object: its response, or `None` for a notification.
async fn handle(state: &AppState, company: &Company, item: Value) -> Option<Value> {
    let call = match Call::read(item) {
        Ok(call) => call,
        Err((error, id)) => return Some(error_response(&error, id)),
    };
    let started = Instant::now();
    let result = dispatch(state, company, &call.method, &call.params).await;
    let elapsed_ms = started.elapsed().as_millis() as u64;
    match &result {
        Ok(_) => {
            tracing::info!(company_id = company.id, method = %call.method, elapsed_ms, "gateway call")
        }
        Err(e) => {
            tracing::info!(company_id = company.id, method = %call.method, elapsed_ms, code = e.code(), "gateway call refused")
        }
    }
    let id = call.id?;
    Some(match result {
        Ok(result) => to_value(GatewayResult {
            jsonrpc: "2.0".into(),
            result,
            id,
        }),
        Err(error) => error_response(&error, id),
    })
}

/// A request object, checked.
#[derive(Debug)]
struct Call {
    /// `None`: a notification.
    id: Option<Value>,
    method: String,
    params: Params,
}

impl Call {
    fn read(item: Value) -> Result<Call, (GatewayError, Value)> {
        let Value::Object(mut object) = item else {
            return Err((
                GatewayError::InvalidRequest("the request must be a JSON object".into()),
                Value::Null,
            ));
        };
        let id = match object.remove("id") {
            None => None,
            Some(id) if valid_id(&id) => Some(id),
            Some(_) => {
                return Err((
                    GatewayError::InvalidRequest("id must be a string, a number or null".into()),
                    Value::Null,
                ));
            }
        };
        let reply_id = id.clone().unwrap_or(Value::Null);
        if object.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
            return Err((
                GatewayError::InvalidRequest("jsonrpc must be exactly \"2.0\"".into()),
                reply_id,
            ));
        }
        let method = match object.remove("method") {
            Some(Value::String(m)) => m,
            Some(_) => {
                return Err((
                    GatewayError::InvalidRequest(
                        "method must be a string such as \"appointment_mgmt.findAppointments\""
                            .into(),
                    ),
                    reply_id,
                ));
            }
            None => {
                return Err((
                    GatewayError::InvalidRequest("the request has no method".into()),
                    reply_id,
                ));
            }
        };
        let params = match object.remove("params") {
            None | Some(Value::Null) => Params::default(),
            Some(Value::Object(map)) => Params(map),
            Some(Value::Array(_)) => {
                return Err((
                    GatewayError::InvalidParams(
                        "params must be an object of named parameters".into(),
                    ),
                    reply_id,
                ));
            }
            Some(_) => {
                return Err((
                    GatewayError::InvalidRequest("params must be an object".into()),
                    reply_id,
                ));
            }
        };
        Ok(Call { id, method, params })
    }
}

fn valid_id(id: &Value) -> bool {
    matches!(id, Value::String(_) | Value::Number(_) | Value::Null)
}

/// Routes `server.method` to its server, after checking the method exists and the company.
async fn dispatch(
    state: &AppState,
    company: &Company,
    method: &str,
    params: &Params,
) -> Result<Value, GatewayError> {
    let known = methods();
    if !known.iter().any(|m| m == method) {
        let shown: String = method.chars().take(80).collect();
        return Err(GatewayError::MethodNotFound(format!(
            "Method not found: {shown}; methods are named server.method: {}",
            known.join(", ")
        )));
    }
    check_company(company, params)?;
    let (server, name) = method.split_once('.').unwrap_or((method, ""));
    match server {
        "appointment_mgmt" => appointments::call(state, company, name, params).await,
        "webhook" => webhook::call(state, company, name, params).await,
        "retell_config" => super::retell_config_call(state, company, name, params).await,
        _ => Err(GatewayError::MethodNotFound(format!(
            "Method not found: {method}"
        ))),
    }
}

/// A `company_id` parameter must be the token's company (by id, or by slug).
fn check_company(company: &Company, params: &Params) -> Result<(), GatewayError> {
    let Some(value) = params.get("company_id") else {
        return Ok(());
    };
    let matches = match value {
        Value::Number(n) => n.as_i64() == Some(company.id),
        Value::String(s) => match s.trim().parse::<i64>() {
            Ok(id) => id == company.id,
            Err(_) => s.trim() == company.slug,
        },
        _ => return Err(super::params::invalid("company_id", "an integer")),
    };
    if matches {
        return Ok(());
    }
    let shown: String = match value {
        Value::String(s) => s.chars().take(40).collect(),
        other => other.to_string(),
    };
    Err(GatewayError::server(
        "FORBIDDEN",
        format!("company_id {shown} does not belong to this token"),
    ))
}

fn error_response(error: &GatewayError, id: Value) -> Value {
    to_value(GatewayErrorResponse {
        jsonrpc: "2.0".into(),
        error: error.object(),
        id,
    })
}

/// A response envelope as JSON (for batches, which hold results and errors side by side).
fn to_value(envelope: impl serde::Serialize) -> Value {
    serde_json::to_value(envelope).unwrap_or(Value::Null)
}

fn too_many(limited: RateLimited, id: Value) -> Response {
    tracing::info!(details = %limited.details, "gateway rate limit");
    let error = GatewayError::server("RATE_LIMITED", limited.details.clone());
    let mut response = reply(
        StatusCode::TOO_MANY_REQUESTS,
        &limited.status,
        Some(error_response(&error, id)),
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(limited.retry_after));
    response
}

/// A JSON answer (or an empty 204) with the rate-limit headers.
fn reply(status: StatusCode, rate: &RateStatus, body: Option<Value>) -> Response {
    let mut response = match body {
        Some(body) => (status, axum::Json(body)).into_response(),
        None => status.into_response(),
    };
    rate.apply(response.headers_mut());
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(v: Value) -> Result<Call, (GatewayError, Value)> {
        Call::read(v)
    }

    #[test]
    fn requests_must_be_json_rpc_2_objects_with_a_string_method() {
        let (e, id) = read(json!([1])).expect_err("not an object");
        assert_eq!((e.code(), id), (-32600, Value::Null));
        let (e, id) =
            read(json!({ "jsonrpc": "1.0", "method": "x.y", "id": 7 })).expect_err("version");
        assert_eq!((e.code(), id), (-32600, json!(7)));
        let (e, _) =
            read(json!({ "jsonrpc": "2.0", "method": 1, "id": 7 })).expect_err("method type");
        assert_eq!(e.code(), -32600);
        let (e, id) = read(json!({ "jsonrpc": "2.0", "method": "x.y", "id": {"a": 1} }))
            .expect_err("id type");
        assert_eq!((e.code(), id), (-32600, Value::Null));
        let (e, _) = read(json!({ "jsonrpc": "2.0", "method": "x.y", "params": [1], "id": 1 }))
            .expect_err("positional");
        assert_eq!(e.code(), -32602);
    }

    #[test]
    fn a_request_without_id_is_a_notification_and_a_null_id_is_not() {
        let note = read(json!({ "jsonrpc": "2.0", "method": "x.y" })).expect("valid");
        assert!(note.id.is_none());
        let null = read(json!({ "jsonrpc": "2.0", "method": "x.y", "id": null })).expect("valid");
        assert_eq!(null.id, Some(Value::Null));
    }

    #[test]
    fn batches_are_counted_per_bucket() {
        let items = vec![
            json!({ "method": "appointment_mgmt.findAppointments" }),
            json!({ "method": "webhook.processRetellWebhook" }),
            json!({ "method": "webhook.processRetellWebhook" }),
            json!({ "method": "retell_config.testWebhook" }),
            json!("garbage"),
        ];
        assert_eq!(
            bucket_counts(&items),
            vec![
                (Bucket::Default, 2),
                (Bucket::Webhook, 2),
                (Bucket::Test, 1)
            ]
        );
    }

    #[test]
    fn a_company_id_of_another_company_is_refused() {
        let company = Company {
            id: 3,
            slug: "askproai-demo".into(),
            name: "AskProAI Demo".into(),
            time_zone: "Europe/Berlin".into(),
            language: "de-DE".parse().expect("tag"),
            phone_region: "DE".into(),
            address: None,
            policy: Default::default(),
            messaging: Default::default(),
            created_at: jiff::Timestamp::UNIX_EPOCH,
        };
        let with = |v: Value| {
            check_company(
                &company,
                &Params(
                    json!({ "company_id": v })
                        .as_object()
                        .cloned()
                        .unwrap_or_default(),
                ),
            )
        };
        assert!(with(json!(3)).is_ok());
        assert!(with(json!("3")).is_ok());
        assert!(with(json!("askproai-demo")).is_ok());
        assert!(with(Value::Null).is_ok());
        let refused = with(json!(1)).expect_err("other company");
        assert_eq!(
            refused,
            GatewayError::server("FORBIDDEN", "company_id 1 does not belong to this token")
        );
        assert_eq!(with(json!([3])).expect_err("bad type").code(), -32602);
    }
}
