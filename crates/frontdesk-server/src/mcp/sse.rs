//! `GET /mcp/sse`: the legacy HTTP+SSE transport (MCP 2024-11-05).
//!
//! The stream opens with `event: endpoint` naming `/mcp/messages/?session_id=…`; every
//! response of the MCP session arrives as an `event: message`. Keep-alive comments keep
//! proxies from closing it, `X-Accel-Buffering: no` keeps nginx from holding it back. It ends
//! when the caller session ends (logout or expiry), when the server shuts down, or when the
//! client goes away — and then the MCP session behind it is stopped.
//!
//! With Redis the stream is registered for every instance ([`crate::cluster::streams`]):
//! one stream per caller session across instances, and messages posted to any instance
//! reach this one. While Redis cannot be reached the stream still opens, known to this
//! instance only, and is registered once Redis answers again.

use crate::auth::{SessionAuth, check_origin};
use crate::cluster::streams::{Claim, REFRESH_EVERY};
use crate::error::ApiError;
use crate::limits::rate_limited;
use crate::mcp::tools::FrontdeskMcp;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use frontdesk_engine::keys::random_token;
use futures::StreamExt;
use futures::channel::mpsc;
use rmcp::model::{ClientJsonRpcMessage, ServerJsonRpcMessage};
use std::convert::Infallible;
use std::time::Duration;
use tokio_stream::wrappers::ReceiverStream;
use tokio_util::sync::CancellationToken;

pub async fn open(
    State(state): State<AppState>,
    headers: HeaderMap,
    SessionAuth(active): SessionAuth,
) -> Result<Response, ApiError> {
    check_origin(&state, &headers)?;
    let session_id = active.session.id;
    let stream_id = random_token(32);
    let (inbox_tx, mut accepted_rx) = mpsc::channel::<ClientJsonRpcMessage>(64);
    let (session_tx, inbox_rx) = mpsc::channel::<ClientJsonRpcMessage>(64);
    let order = super::order::AnswerOrder::default();
    let (outbox_tx, mut outbox_rx) = mpsc::channel::<ServerJsonRpcMessage>(64);
    let already_open = || {
        crate::limits::rejected("sse_streams");
        rate_limited(
            "this session already has an open SSE stream (one per session)",
            state.settings.sse_keep_alive,
        )
    };
    let ended = state
        .streams
        .open(session_id, &active.token_hash, stream_id.clone(), inbox_tx)
        .map_err(|_| already_open())?;
    let shared = state.cluster.streams.clone();
    if let Some(shared) = &shared {
        match shared.claim(session_id, &stream_id).await {
            Ok(Claim::Claimed) => {}
            Ok(Claim::HeldElsewhere) => {
                state.streams.close(&stream_id);
                return Err(already_open());
            }
            Err(e) => shared.redis().warn_fallback("SSE stream registry", &e),
        }
    }

    // Every message is noted in arrival order on its way into the session.
    let noting = order.clone();
    tokio::spawn(async move {
        use futures::SinkExt;
        let mut session_tx = session_tx;
        while let Some(message) = accepted_rx.next().await {
            noting.accepted(&message);
            if session_tx.send(message).await.is_err() {
                break;
            }
        }
    });

    // The MCP session: rmcp's server on a pair of channels, initialised by the client's
    // `initialize` like any 2024-11-05 session.
    let service_stop = CancellationToken::new();
    let handler = FrontdeskMcp::new(state.engine.clone());
    let stop = service_stop.clone();
    tokio::spawn(async move {
        match rmcp::service::serve_server_with_ct(handler, (outbox_tx, inbox_rx), stop).await {
            Ok(running) => {
                let _ = running.waiting().await;
            }
            Err(e) => tracing::debug!(error = %e, "legacy SSE session ended before initialisation"),
        }
    });

    // Events for the client; the body ends when this sender is dropped.
    let (events_tx, events_rx) = tokio::sync::mpsc::channel::<Result<Event, Infallible>>(64);
    let endpoint = Event::default()
        .event("endpoint")
        .data(format!("/mcp/messages/?session_id={stream_id}"));
    let _ = events_tx.send(Ok(endpoint)).await;
    let expires_in = active
        .session
        .expires_at
        .duration_since(state.engine.now())
        .try_into()
        .unwrap_or(Duration::ZERO);
    let shutdown = state.shutdown.clone();
    let streams = state.streams.clone();
    let mut reorder = order.buffer();
    tokio::spawn(async move {
        let expiry = tokio::time::sleep(expires_in);
        tokio::pin!(expiry);
        let mut refresh = tokio::time::interval(REFRESH_EVERY);
        refresh.tick().await;
        loop {
            tokio::select! {
                _ = refresh.tick(), if shared.is_some() => {
                    let Some(shared) = &shared else { continue };
                    match shared.refresh(session_id, &stream_id).await {
                        Ok(true) => {}
                        // The caller reconnected to another instance, which took over.
                        Ok(false) => break,
                        Err(e) => shared.redis().warn_fallback("SSE stream registry", &e),
                    }
                }
                message = outbox_rx.next() => {
                    let Some(message) = message else { break };
                    let mut gone = false;
                    for message in reorder.push(message) {
                        let Ok(data) = serde_json::to_string(&message) else { continue };
                        if events_tx.send(Ok(Event::default().event("message").data(data))).await.is_err() {
                            gone = true; // the client went away
                            break;
                        }
                    }
                    if gone {
                        break;
                    }
                }
                _ = ended.cancelled() => break,
                _ = shutdown.cancelled() => break,
                _ = &mut expiry => break,
                _ = events_tx.closed() => break,
            }
        }
        streams.close(&stream_id);
        service_stop.cancel();
        if let Some(shared) = &shared
            && let Err(e) = shared.release(session_id, &stream_id).await
        {
            tracing::debug!(error = %e, "the SSE stream's registry entry is left to expire");
        }
        tracing::debug!(session_id, "legacy SSE stream closed");
    });

    let keep_alive = KeepAlive::new()
        .interval(state.settings.sse_keep_alive)
        .text("keep-alive");
    let mut response = Sse::new(ReceiverStream::new(events_rx))
        .keep_alive(keep_alive)
        .into_response();
    response
        .headers_mut()
        .insert("x-accel-buffering", HeaderValue::from_static("no"));
    response
        .headers_mut()
        .insert("cache-control", HeaderValue::from_static("no-cache"));
    Ok(response)
}
