//! What the HTTP server needs to know; the binary fills it from flags, environment and file.

use std::net::SocketAddr;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    #[default]
    Human,
    Json,
}

#[derive(Debug, Clone)]
pub struct ServerSettings {
    pub bind: SocketAddr,
    /// Largest request body accepted, in bytes.
    pub body_limit_bytes: usize,
    /// Longest a request may take to produce its response.
    pub request_timeout: Duration,
    /// How long in-flight requests get to finish after a shutdown signal.
    pub shutdown_grace: Duration,
    /// How long a client has to send a request's headers, counted from the moment the server
    /// starts waiting for them (a new connection, or the end of the previous response on a
    /// kept-alive one); then the connection is closed. Slow or silent clients cannot hold
    /// connections open for ever, and this is also how long an idle connection is kept.
    pub header_read_timeout: Duration,
    /// How long a caller session lives (`expires_in`).
    pub session_ttl: Duration,
    /// Session creations allowed per client IP per minute.
    pub sessions_per_ip_per_minute: u32,
    /// MCP messages (`/mcp/messages/` and `/mcp` POSTs together) per caller session per minute.
    pub messages_per_session_per_minute: u32,
    /// Interval of the keep-alive comments on SSE streams.
    pub sse_keep_alive: Duration,
    /// Take the client IP from `X-Forwarded-For` (only behind a proxy that sets it).
    pub trust_forwarded_for: bool,
    /// `Host` values accepted on `/mcp` (DNS-rebinding protection); empty accepts any.
    pub mcp_allowed_hosts: Vec<String>,
    /// Browser `Origin`s accepted on the MCP endpoints (`https://app.example.com`); a request
    /// with another `Origin` gets 403. Empty: no `Origin` check.
    pub mcp_allowed_origins: Vec<String>,
    /// Base URL of Retell's REST API (`FRONTDESK_RETELL_API_BASE`).
    pub retell_api_base: String,
    /// This server's public base URL as Retell reaches it (`FRONTDESK_PUBLIC_URL`): agents'
    /// webhooks and custom functions point at `{public_url}/api/mcp/retell/…`.
    pub public_url: String,
    /// Let `retell_config.testWebhook` reach loopback, private and link-local addresses
    /// (`FRONTDESK_ALLOW_PRIVATE_WEBHOOK_TARGETS`; development only).
    pub allow_private_webhook_targets: bool,
    /// JSON-RPC gateway calls per company per minute (the AskProAI default: 100).
    pub gateway_requests_per_minute: u32,
    /// Gateway `webhook.*` calls per company per minute (1000).
    pub gateway_webhook_requests_per_minute: u32,
    /// Gateway test calls (`retell_config.testWebhook`) per company per minute (10).
    pub gateway_test_requests_per_minute: u32,
    /// Redis shared by every instance (`FRONTDESK_REDIS_URL`): rate limits counted across
    /// instances, legacy SSE messages routed to the stream's instance, MCP sessions that
    /// continue on any instance. `None`: all of it stays in this process.
    pub redis_url: Option<String>,
    /// Prefix of every Redis key and channel (`FRONTDESK_REDIS_PREFIX`), so several
    /// deployments (or tests) can share one Redis.
    pub redis_prefix: String,
    /// This instance's name in logs, health answers and Redis (`FRONTDESK_INSTANCE_ID`);
    /// generated at start when not given.
    pub instance_id: String,
    /// The server-wide Twilio account (`FRONTDESK_TWILIO_ACCOUNT_SID`) and its auth token:
    /// status callbacks for this account are verified with the token.
    pub twilio_account_sid: Option<String>,
    pub twilio_auth_token: Option<String>,
}

impl Default for ServerSettings {
    fn default() -> Self {
        ServerSettings {
            bind: SocketAddr::from(([127, 0, 0, 1], 8001)),
            body_limit_bytes: 64 * 1024,
            request_timeout: Duration::from_secs(30),
            shutdown_grace: Duration::from_secs(10),
            header_read_timeout: Duration::from_secs(30),
            session_ttl: Duration::from_secs(600),
            sessions_per_ip_per_minute: 10,
            messages_per_session_per_minute: 60,
            sse_keep_alive: Duration::from_secs(15),
            trust_forwarded_for: false,
            mcp_allowed_hosts: vec!["localhost".into(), "127.0.0.1".into(), "::1".into()],
            mcp_allowed_origins: Vec::new(),
            retell_api_base: frontdesk_retell::DEFAULT_BASE_URL.into(),
            public_url: "http://127.0.0.1:8001".into(),
            allow_private_webhook_targets: false,
            gateway_requests_per_minute: 100,
            gateway_webhook_requests_per_minute: 1000,
            gateway_test_requests_per_minute: 10,
            redis_url: None,
            redis_prefix: "frontdesk:".into(),
            instance_id: generated_instance_id(),
            twilio_account_sid: None,
            twilio_auth_token: None,
        }
    }
}

/// A fresh instance id: `fd-` and 8 random letters and digits.
pub fn generated_instance_id() -> String {
    format!(
        "fd-{}",
        frontdesk_engine::keys::random_token(8).to_ascii_lowercase()
    )
}
