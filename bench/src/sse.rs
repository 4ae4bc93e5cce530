//! The legacy HTTP+SSE transport from the client side: open `GET /mcp/sse`, read its
//! `endpoint` event, and read `event: message` answers off the stream.

use crate::client::{Http, Session};
use anyhow::{Context, anyhow, bail};
use bytes::{Bytes, BytesMut};
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use http::{Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use serde_json::json;

/// Longest wait for an answer on a stream.
pub const ANSWER_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// One open SSE stream.
pub struct SseStream {
    body: Incoming,
    buf: BytesMut,
    /// `/mcp/messages/?session_id=…`
    pub endpoint: String,
    /// Bytes received so far (the endpoint event included).
    pub received: usize,
}

pub struct Event {
    pub name: String,
    pub data: String,
}

impl SseStream {
    pub async fn open(http: &Http, session: &Session) -> anyhow::Result<SseStream> {
        let req = Request::get(http.url("/mcp/sse"))
            .header(AUTHORIZATION, session.bearer.clone())
            .header(ACCEPT, "text/event-stream")
            .body(Full::new(Bytes::new()))?;
        let response = http.send(req).await?;
        if response.status() != StatusCode::OK {
            let status = response.status();
            let body = response.into_body().collect().await?.to_bytes();
            bail!("GET /mcp/sse: {status} {}", String::from_utf8_lossy(&body));
        }
        let mut stream = SseStream {
            body: response.into_body(),
            buf: BytesMut::new(),
            endpoint: String::new(),
            received: 0,
        };
        let first = stream.next_event().await?;
        if first.name != "endpoint" {
            bail!("the first SSE event is {:?}, not endpoint", first.name);
        }
        stream.endpoint = first.data;
        Ok(stream)
    }

    /// The next event (comments such as keep-alives skipped).
    pub async fn next_event(&mut self) -> anyhow::Result<Event> {
        loop {
            if let Some(end) = memchr::memmem::find(&self.buf, b"\n\n") {
                let block = self.buf.split_to(end + 2);
                let mut name = String::from("message");
                let mut data = String::new();
                let mut any = false;
                for line in std::str::from_utf8(&block)?.lines() {
                    if let Some(v) = line.strip_prefix("event:") {
                        name = v.trim().to_string();
                        any = true;
                    } else if let Some(v) = line.strip_prefix("data:") {
                        if !data.is_empty() {
                            data.push('\n');
                        }
                        data.push_str(v.strip_prefix(' ').unwrap_or(v));
                        any = true;
                    }
                }
                if any {
                    return Ok(Event { name, data });
                }
                continue;
            }
            let frame = self
                .body
                .frame()
                .await
                .ok_or_else(|| anyhow!("the SSE stream ended"))?
                .context("reading the SSE stream")?;
            if let Ok(data) = frame.into_data() {
                self.received += data.len();
                self.buf.extend_from_slice(&data);
            }
        }
    }

    /// POSTs one message to the stream's endpoint (answered 202).
    pub async fn post(&self, http: &Http, session: &Session, body: Bytes) -> anyhow::Result<()> {
        let req = Request::post(http.url(&self.endpoint))
            .header(AUTHORIZATION, session.bearer.clone())
            .header(CONTENT_TYPE, "application/json")
            .body(Full::new(body))?;
        let answer = http.call(req).await?;
        if answer.status != StatusCode::ACCEPTED {
            bail!(
                "POST {}: {} {}",
                self.endpoint,
                answer.status,
                String::from_utf8_lossy(&answer.body)
            );
        }
        Ok(())
    }

    /// The 2024-11-05 handshake: `initialize`, its answer, `notifications/initialized`.
    pub async fn initialize(&mut self, http: &Http, session: &Session) -> anyhow::Result<()> {
        let init = json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
            "protocolVersion": "2024-11-05", "capabilities": {},
            "clientInfo": {"name": "frontdesk-bench", "version": "1"}}});
        self.post(http, session, Bytes::from(init.to_string()))
            .await?;
        let answer = self.next_message().await?;
        if !answer.contains("\"result\"") {
            bail!("initialize answered {answer}");
        }
        let done = json!({"jsonrpc": "2.0", "method": "notifications/initialized"});
        self.post(http, session, Bytes::from(done.to_string()))
            .await
    }

    /// The data of the next `message` event; an error when none comes within
    /// [`ANSWER_TIMEOUT`] (a lost answer is counted, not waited for forever).
    pub async fn next_message(&mut self) -> anyhow::Result<String> {
        let next = async {
            loop {
                let event = self.next_event().await?;
                if event.name == "message" {
                    return Ok(event.data);
                }
            }
        };
        match tokio::time::timeout(ANSWER_TIMEOUT, next).await {
            Ok(answer) => answer,
            Err(_) => bail!("no answer on the stream within {ANSWER_TIMEOUT:?}"),
        }
    }
}
