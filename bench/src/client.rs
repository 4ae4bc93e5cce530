//! A cheap HTTP/1.1 client for the load generator: hyper with a keep-alive pool, bodies
//! serialised once, and the few frontdesk calls the scenarios make (caller sessions, MCP tool
//! calls over Streamable HTTP in the stateless 2026-07-28 revision, logout), and the console's
//! pages as a browser asks for them (timed to the headers and to the last byte).

use anyhow::{Context, anyhow, bail};
use bytes::Bytes;
use http::header::{
    ACCEPT, ACCEPT_ENCODING, AUTHORIZATION, CONTENT_ENCODING, CONTENT_TYPE, COOKIE, SET_COOKIE,
};
use http::{HeaderMap, HeaderValue, Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The revision served without a handshake: every request stands alone.
pub const MCP_REVISION: &str = "2026-07-28";

#[derive(Clone)]
pub struct Http {
    client: Client<HttpConnector, Full<Bytes>>,
    /// The instances behind the (simulated) load balancer: requests go round robin, with no
    /// affinity, as from a load balancer without sticky sessions.
    bases: Arc<[String]>,
    next: Arc<AtomicUsize>,
}

/// A response read whole.
pub struct Answer {
    pub status: StatusCode,
    pub body: Bytes,
}

/// A page as a browser gets it: headers, body, and when each arrived.
pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// From sending the request to the response's headers (time to first byte).
    pub ttfb: Duration,
    /// From sending the request to the body's last byte.
    pub total: Duration,
}

impl Page {
    /// The value of cookie `name` set by this response (`Set-Cookie: name=value; …`).
    pub fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| v.split(';').next()?.trim().split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    }

    /// The response's `Content-Encoding`, if any.
    pub fn encoding(&self) -> Option<String> {
        self.headers
            .get(CONTENT_ENCODING)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }
}

impl Http {
    pub fn new(base: &str) -> Http {
        Http::round_robin(&[base.to_string()])
    }

    /// A client spreading requests over `bases` in turn.
    pub fn round_robin(bases: &[String]) -> Http {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(90))
            .pool_max_idle_per_host(usize::MAX)
            .build(connector);
        Http {
            client,
            bases: bases
                .iter()
                .map(|b| b.trim_end_matches('/').to_string())
                .collect(),
            next: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// `path` on the next instance in turn.
    pub fn url(&self, path: &str) -> String {
        let i = self.next.fetch_add(1, Ordering::Relaxed) % self.bases.len();
        format!("{}{path}", self.bases[i])
    }

    /// How many instances requests are spread over.
    pub fn instances(&self) -> usize {
        self.bases.len()
    }

    pub async fn send(
        &self,
        req: Request<Full<Bytes>>,
    ) -> anyhow::Result<hyper::Response<Incoming>> {
        Ok(self.client.request(req).await?)
    }

    /// Sends a request and reads its body whole.
    pub async fn call(&self, req: Request<Full<Bytes>>) -> anyhow::Result<Answer> {
        let response = self.send(req).await?;
        let status = response.status();
        let body = response.into_body().collect().await?.to_bytes();
        Ok(Answer { status, body })
    }

    pub async fn get(&self, path: &str) -> anyhow::Result<Answer> {
        let req = Request::get(self.url(path)).body(Full::new(Bytes::new()))?;
        self.call(req).await
    }

    /// A browser's `GET` (HTML accepted, compression offered) with `cookie`, timed to its
    /// headers and to its last byte.
    pub async fn page(&self, path: &str, cookie: Option<&HeaderValue>) -> anyhow::Result<Page> {
        let mut req = Request::get(self.url(path))
            .header(ACCEPT, "text/html,*/*")
            .header(ACCEPT_ENCODING, "gzip, deflate, br, zstd");
        if let Some(cookie) = cookie {
            req = req.header(COOKIE, cookie.clone());
        }
        self.timed(req.body(Full::new(Bytes::new()))?).await
    }

    /// A browser's form `POST` (`application/x-www-form-urlencoded`) with `cookie`.
    pub async fn post_form(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        cookie: Option<&HeaderValue>,
    ) -> anyhow::Result<Page> {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let mut req = Request::post(self.url(path))
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(ACCEPT, "text/html,*/*");
        if let Some(cookie) = cookie {
            req = req.header(COOKIE, cookie.clone());
        }
        self.timed(req.body(Full::new(Bytes::from(body)))?).await
    }

    async fn timed(&self, req: Request<Full<Bytes>>) -> anyhow::Result<Page> {
        let started = Instant::now();
        let response = self.send(req).await?;
        let ttfb = started.elapsed();
        let (parts, body) = response.into_parts();
        let body = body.collect().await?.to_bytes();
        Ok(Page {
            status: parts.status,
            headers: parts.headers,
            body,
            ttfb,
            total: started.elapsed(),
        })
    }

    /// `POST /mcp/auth/session`: a caller session for `phone`.
    pub async fn open_session(&self, api_key: &str, phone: &str) -> anyhow::Result<Session> {
        let body = json!({ "caller_id": phone }).to_string();
        let req = Request::post(self.url("/mcp/auth/session"))
            .header(CONTENT_TYPE, "application/json")
            .header("x-api-key", api_key)
            .body(Full::new(Bytes::from(body)))?;
        let answer = self.call(req).await?;
        if answer.status != StatusCode::OK {
            bail!(
                "POST /mcp/auth/session: {} {}",
                answer.status,
                String::from_utf8_lossy(&answer.body)
            );
        }
        let v: Value = serde_json::from_slice(&answer.body)?;
        let token = v["session_token"]
            .as_str()
            .ok_or_else(|| anyhow!("no session_token in {v}"))?
            .to_string();
        let member_ids = v["user"]["member_ids"]
            .as_array()
            .map(|ids| ids.iter().filter_map(Value::as_i64).collect())
            .unwrap_or_default();
        Ok(Session {
            bearer: HeaderValue::from_str(&format!("Bearer {token}"))?,
            member_ids,
        })
    }

    pub async fn logout(&self, session: &Session) -> anyhow::Result<()> {
        let req = Request::post(self.url("/mcp/auth/logout"))
            .header(AUTHORIZATION, session.bearer.clone())
            .body(Full::new(Bytes::new()))?;
        let answer = self.call(req).await?;
        if answer.status != StatusCode::OK {
            bail!("logout: {}", answer.status);
        }
        Ok(())
    }

    /// A prepared `POST /mcp` (Streamable HTTP, stateless revision) for `call`.
    pub fn mcp_request(&self, session: &Session, call: &ToolCall) -> Request<Full<Bytes>> {
        let mut req = Request::new(Full::new(call.body.clone()));
        *req.method_mut() = Method::POST;
        *req.uri_mut() = self.url("/mcp").parse().unwrap_or_default();
        let h = req.headers_mut();
        h.insert(AUTHORIZATION, session.bearer.clone());
        h.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        h.insert(
            ACCEPT,
            HeaderValue::from_static("application/json, text/event-stream"),
        );
        h.insert(
            "mcp-protocol-version",
            HeaderValue::from_static(MCP_REVISION),
        );
        // The 2026-07-28 revision names the method and the tool in headers too (SEP-2243).
        h.insert("mcp-method", HeaderValue::from_static("tools/call"));
        h.insert("mcp-name", HeaderValue::from_static(call.name));
        req
    }

    /// One tool call over Streamable HTTP; returns the JSON-RPC `result`.
    pub async fn tool(&self, session: &Session, call: ToolCall) -> anyhow::Result<ToolResult> {
        let answer = self.call(self.mcp_request(session, &call)).await?;
        if answer.status != StatusCode::OK {
            bail!(
                "POST /mcp: {} {}",
                answer.status,
                String::from_utf8_lossy(&answer.body)
            );
        }
        ToolResult::parse(&answer.body)
    }
}

/// An open caller session.
#[derive(Clone)]
pub struct Session {
    pub bearer: HeaderValue,
    pub member_ids: Vec<i64>,
}

/// A serialised `tools/call`.
#[derive(Clone)]
pub struct ToolCall {
    pub name: &'static str,
    pub body: Bytes,
}

/// A `tools/call` in the stateless revision (its `_meta` carries the protocol version and
/// the client's capabilities, as every request of that revision must).
pub fn tool_call_body(id: u64, tool: &'static str, arguments: Value) -> ToolCall {
    let body = Bytes::from(
        json!({
            "jsonrpc": "2.0",
            "id": id,
            "method": "tools/call",
            "params": {
                "name": tool,
                "arguments": arguments,
                "_meta": {
                    "io.modelcontextprotocol/protocolVersion": MCP_REVISION,
                    "io.modelcontextprotocol/clientCapabilities": {}
                }
            }
        })
        .to_string(),
    );
    ToolCall { name: tool, body }
}

/// A `tools/call` body for a session that ran the 2024-11-05 handshake (legacy SSE).
pub fn legacy_tool_call_body(id: u64, tool: &str, arguments: Value) -> Bytes {
    Bytes::from(
        json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
               "params": {"name": tool, "arguments": arguments}})
        .to_string(),
    )
}

/// The JSON-RPC message of a response body: plain JSON, or the first `data:` of an SSE body.
pub fn jsonrpc_payload(body: &[u8]) -> &[u8] {
    let trimmed = body.trim_ascii_start();
    if trimmed.first() == Some(&b'{') || trimmed.first() == Some(&b'[') {
        return trimmed;
    }
    let mut rest = body;
    while !rest.is_empty() {
        let end = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
        let line = &rest[..end];
        if let Some(data) = line.strip_prefix(b"data:") {
            let data = data.trim_ascii();
            if data.first() == Some(&b'{') {
                return data;
            }
        }
        rest = rest.get(end + 1..).unwrap_or(&[]);
    }
    &[]
}

/// What a tool call answered.
pub struct ToolResult {
    pub is_error: bool,
    pub structured: Value,
}

impl ToolResult {
    pub fn parse(body: &[u8]) -> anyhow::Result<ToolResult> {
        let payload = jsonrpc_payload(body);
        let v: Value = serde_json::from_slice(payload)
            .with_context(|| format!("not a JSON-RPC answer: {}", String::from_utf8_lossy(body)))?;
        if let Some(e) = v.get("error") {
            bail!("JSON-RPC error: {e}");
        }
        let result = v.get("result").ok_or_else(|| anyhow!("no result in {v}"))?;
        Ok(ToolResult {
            is_error: result["isError"].as_bool().unwrap_or(false),
            structured: result["structuredContent"].clone(),
        })
    }

    pub fn code(&self) -> &str {
        self.structured["code"].as_str().unwrap_or("")
    }
}

/// A cheap check of a hot-loop answer: a JSON-RPC result that is not a tool error.
pub fn quick_ok(body: &[u8]) -> bool {
    let payload = jsonrpc_payload(body);
    memchr::memmem::find(payload, b"\"result\"").is_some()
        && memchr::memmem::find(payload, b"\"isError\":true").is_none()
}
