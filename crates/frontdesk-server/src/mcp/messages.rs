//! `POST /mcp/messages/`: MCP messages from a voice agent.
//!
//! With `?session_id=…` (from the SSE stream's `endpoint` event) the message goes to that
//! stream's MCP session and the answer arrives on the stream: 202 Accepted here. Without it,
//! the integration guide's direct mode: the JSON-RPC request (or a batch) is handled at once
//! and the response is the HTTP body, no `initialize` needed.

use crate::auth::{SessionAuth, check_origin};
use crate::error::ApiError;
use crate::http::sessions::require_json;
use crate::mcp::tools::FrontdeskMcp;
use crate::mcp::with_caller;
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use frontdesk_engine::Caller;
use futures::channel::mpsc;
use futures::{SinkExt, StreamExt};
use rmcp::model::{ClientJsonRpcMessage, ServerJsonRpcMessage};
use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Deserialize)]
pub struct MessageQuery {
    session_id: Option<String>,
}

pub async fn post(
    State(state): State<AppState>,
    Query(query): Query<MessageQuery>,
    headers: HeaderMap,
    SessionAuth(active): SessionAuth,
    body: Bytes,
) -> Result<Response, ApiError> {
    check_origin(&state, &headers)?;
    state.limits.check_message(active.session.id)?;
    require_json(&headers)?;
    let value: Value = serde_json::from_slice(&body)
        .map_err(|e| jsonrpc_error(-32700, format!("Parse error: {e}")))?;
    let messages = parse_messages(value)?;

    match query.session_id.as_deref().filter(|s| !s.is_empty()) {
        Some(stream_id) => {
            let mut inbox = state.streams.inbox(stream_id, active.session.id).ok_or_else(|| {
                ApiError::new(StatusCode::NOT_FOUND, "INVALID_SESSION_ID", "no open SSE stream with this session_id for this caller session: open GET /mcp/sse first")
            })?;
            for message in messages {
                inbox
                    .send(with_caller(message, &active.caller))
                    .await
                    .map_err(|_| {
                        ApiError::new(
                            StatusCode::GONE,
                            "STREAM_CLOSED",
                            "the SSE stream has closed: open a new one",
                        )
                    })?;
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
                (_, 0) => StatusCode::ACCEPTED.into_response(),
                (false, _) => Json(answers.remove(0)).into_response(),
                (true, _) => Json(Value::Array(answers)).into_response(),
            })
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
            serde_json::from_value::<ClientJsonRpcMessage>(item).map_err(|e| {
                jsonrpc_error(
                    -32600,
                    format!("Invalid Request: not an MCP JSON-RPC message ({e})"),
                )
            })
        })
        .collect()
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
