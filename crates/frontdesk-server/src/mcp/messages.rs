//! `POST /mcp/messages/`: MCP messages from a voice agent.
//!
//! With `?session_id=…` (from the SSE stream's `endpoint` event) the message goes to that
//! stream's MCP session and the answer arrives on the stream: 202 Accepted here. Without it,
//! the integration guide's direct mode: the JSON-RPC request (or a batch) is handled at once
//! and the response is the HTTP body, no `initialize` needed.

use crate::auth::{SessionAuth, check_origin};
use crate::cluster::streams::Forwarded;
use crate::error::ApiError;
use crate::http::sessions::require_json;
use crate::limits;
use crate::mcp::tools::FrontdeskMcp;
use crate::mcp::with_caller;
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use frontdesk_engine::Caller;
use frontdesk_engine::sessions::ActiveSession;
use futures::channel::mpsc;
use futures::{SinkExt, StreamExt};
use rmcp::model::{ClientJsonRpcMessage, ServerJsonRpcMessage};
use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Deserialize)]
pub struct MessageQuery {
    session_id: Option<String>,
}

/// MCP messages in direct mode (or for a legacy SSE stream)
#[utoipa::path(
    post,
    path = "/mcp/messages/",
    operation_id = "mcpMessages",
    tag = "mcp",
    description = "Without `session_id` (direct mode): a JSON-RPC request, or a batch, with only the \
        session token, no `initialize`; the answer is the HTTP body. With `session_id` (from the \
        `endpoint` event of `GET /mcp/sse`): the message goes to that stream's MCP session, the \
        answer arrives on the stream, and this answers 202. `/mcp/messages` (no slash) is the same.",
    params(("session_id" = Option<String>, Query, description = "The legacy SSE stream to post to; absent: direct mode")),
    request_body(content = crate::openapi::McpRequestBody, content_type = "application/json"),
    security(("session_token" = [])),
    responses(
        (status = 200, description = "Direct mode: the JSON-RPC answer (an array for a batch)", body = crate::openapi::McpReply),
        (status = 202, description = "Accepted: a message for an SSE stream, or only notifications in direct mode", body = String, content_type = "text/plain"),
        (status = 400, description = "`PARSE_ERROR` (not JSON), `INVALID_REQUEST` (not an MCP JSON-RPC message, an empty batch, a batch of more than 100) or `BAD_REQUEST` (query)", body = crate::openapi::ErrorBody),
        (status = 401, description = "`MISSING_TOKEN` or `INVALID_SESSION`", body = crate::openapi::ErrorBody),
        (status = 403, description = "`ORIGIN_NOT_ALLOWED`: a browser `Origin` not configured", body = crate::openapi::ErrorBody),
        (status = 404, description = "`INVALID_SESSION_ID`: no open SSE stream with this `session_id` for this caller session (also once the stream has closed)", body = crate::openapi::ErrorBody),
        (status = 410, description = "`STREAM_CLOSED`: the SSE stream ended while the message was handed to it, or the instance holding it has gone", body = crate::openapi::ErrorBody),
        (status = 413, description = "`PAYLOAD_TOO_LARGE`: body over the configured limit", body = crate::openapi::ErrorBody),
        (status = 415, description = "`UNSUPPORTED_MEDIA_TYPE`: the body is not `application/json`", body = crate::openapi::ErrorBody),
        (status = 429, description = "`RATE_LIMITED`: too many messages in this session (each message of a batch counts)", body = crate::openapi::ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait before retrying"))),
        (status = 500, description = "`INTERNAL_ERROR`: a fault", body = crate::openapi::ErrorBody),
        (status = 503, description = "`TEMPORARILY_UNAVAILABLE`: the database cannot be reached, or (several instances) the instance holding the SSE stream cannot be reached through Redis", body = crate::openapi::ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait before retrying"))),
    ),
)]
pub async fn post(
    State(state): State<AppState>,
    Query(query): Query<MessageQuery>,
    headers: HeaderMap,
    SessionAuth(active): SessionAuth,
    body: Bytes,
) -> Result<Response, ApiError> {
    check_origin(&state, &headers)?;
    let value: Result<Value, _> = serde_json::from_slice(&body);
    // Every message of a batch counts against the session's limit; a batch too large for
    // any session is refused (and counts as one).
    let counted = match &value {
        Ok(value) => limits::messages_in(value),
        Err(_) => Ok(1),
    };
    let messages_in = counted.as_ref().map_or(1, |n| *n);
    state
        .limits
        .check_messages(active.session.id, messages_in)
        .await?;
    counted?;
    require_json(&headers)?;
    let value = value.map_err(|e| jsonrpc_error(-32700, format!("Parse error: {e}")))?;
    let messages = parse_messages(value)?;

    match query.session_id.as_deref().filter(|s| !s.is_empty()) {
        Some(stream_id) => {
            let Some(mut inbox) = state.streams.inbox(stream_id, active.session.id) else {
                // Not held here: with Redis, maybe by another instance.
                return forward(&state, stream_id, &active, messages).await;
            };
            for message in messages {
                inbox
                    .send(with_caller(message, &active.caller))
                    .await
                    .map_err(|_| stream_closed())?;
            }
            Ok((StatusCode::ACCEPTED, "Accepted").into_response())
        }
        None => {
            let batch = messages.len() > 1;
            let mut answers = Vec::new();
            for message in messages {
                if let Some(answer) = answer_directly(&state, &active.caller, message).await? {
                    answers.push(answer);
                }
            }
            Ok(match (batch, answers.len()) {
                // As the stream mode answers: one 202 for the endpoint, whatever the mode.
                (_, 0) => (StatusCode::ACCEPTED, "Accepted").into_response(),
                (false, _) => Json(answers.remove(0)).into_response(),
                (true, _) => Json(Value::Array(answers)).into_response(),
            })
        }
    }
}

fn unknown_stream() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "INVALID_SESSION_ID",
        "no open SSE stream with this session_id for this caller session: open GET /mcp/sse first",
    )
}

fn stream_closed() -> ApiError {
    ApiError::new(
        StatusCode::GONE,
        "STREAM_CLOSED",
        "the SSE stream has closed: open a new one",
    )
}

/// Sends messages for a stream another instance holds to that instance (through Redis);
/// its MCP session answers on the stream.
async fn forward(
    state: &AppState,
    stream_id: &str,
    active: &ActiveSession,
    messages: Vec<ClientJsonRpcMessage>,
) -> Result<Response, ApiError> {
    let Some(shared) = &state.cluster.streams else {
        return Err(unknown_stream());
    };
    match shared
        .forward(stream_id, active.session.id, &active.caller, messages)
        .await
    {
        Ok(Forwarded::Delivered) => Ok((StatusCode::ACCEPTED, "Accepted").into_response()),
        Ok(Forwarded::Unknown) => Err(unknown_stream()),
        Ok(Forwarded::HolderGone) => Err(stream_closed()),
        Err(e) => {
            shared
                .redis()
                .warn_fallback("SSE message routing (refused)", &e);
            Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "TEMPORARILY_UNAVAILABLE",
                "the SSE stream is held by another instance, which cannot be reached now: retry, or open a new stream",
            ))
        }
    }
}

/// One message or a batch (an array), each a valid JSON-RPC message for an MCP server.
fn parse_messages(value: Value) -> Result<Vec<ClientJsonRpcMessage>, ApiError> {
    let items = match value {
        Value::Array(items) if items.is_empty() => {
            return Err(jsonrpc_error(-32600, "Invalid Request: empty batch".into()));
        }
        Value::Array(items) => items,
        single => vec![single],
    };
    items
        .into_iter()
        .map(|item| {
            if !id_is_exact(&item) {
                return Err(inexact_id());
            }
            serde_json::from_value::<ClientJsonRpcMessage>(item).map_err(|e| {
                jsonrpc_error(
                    -32600,
                    format!("Invalid Request: not an MCP JSON-RPC message ({e})"),
                )
            })
        })
        .collect()
}

/// Whether the message's id (if it has one) comes back exactly as sent: strings do, and
/// integers that fit in 64 bits signed. A larger integer, or a fraction, could only be
/// answered changed (rounded, or as a float), so it is refused instead.
pub fn id_is_exact(message: &Value) -> bool {
    message.get("id").is_none_or(is_exact_id)
}

/// [`id_is_exact`] for the id itself.
pub fn is_exact_id(id: &Value) -> bool {
    match id {
        Value::Number(n) => n.is_i64(),
        _ => true,
    }
}

/// The refusal of an id that could not come back exactly (`400 INVALID_REQUEST`).
pub fn inexact_id() -> ApiError {
    jsonrpc_error(
        -32600,
        "Invalid Request: a numeric id must be an integer within 64 bits (or send a string id)"
            .into(),
    )
}

/// Handles one message on a short-lived MCP session without handshake and returns its
/// response (`None` for a notification).
async fn answer_directly(
    state: &AppState,
    caller: &Caller,
    message: ClientJsonRpcMessage,
) -> Result<Option<Value>, ApiError> {
    let expects_answer = matches!(message, ClientJsonRpcMessage::Request(_));
    let (mut inbox_tx, inbox_rx) = mpsc::channel::<ClientJsonRpcMessage>(4);
    let (outbox_tx, mut outbox_rx) = mpsc::channel::<ServerJsonRpcMessage>(16);
    let running = rmcp::service::serve_directly(
        FrontdeskMcp::new(state.engine.clone()),
        (outbox_tx, inbox_rx),
        None,
    );
    let sent = inbox_tx.send(with_caller(message, caller)).await;
    let mut answer = None;
    if sent.is_ok() && expects_answer {
        while let Some(out) = outbox_rx.next().await {
            if matches!(
                out,
                ServerJsonRpcMessage::Response(_) | ServerJsonRpcMessage::Error(_)
            ) {
                answer = Some(serde_json::to_value(&out).map_err(|e| {
                    ApiError::new(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "INTERNAL_ERROR",
                        e.to_string(),
                    )
                })?);
                break;
            }
        }
    }
    drop(inbox_tx);
    running.cancellation_token().cancel();
    if expects_answer && answer.is_none() {
        return Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL_ERROR",
            "the MCP session ended without an answer",
        ));
    }
    Ok(answer)
}

/// A JSON-RPC error as the HTTP answer to a message that could not be read.
fn jsonrpc_error(code: i64, message: String) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        if code == -32700 {
            "PARSE_ERROR"
        } else {
            "INVALID_REQUEST"
        },
        message,
    )
}
