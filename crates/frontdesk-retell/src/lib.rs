//! frontdesk-retell: everything frontdesk knows about Retell.ai's wire formats.
//!
//! - [`signature`]: the `X-Retell-Signature` header Retell puts on webhooks and custom-function
//!   calls (HMAC-SHA256 of the raw body followed by the timestamp, keyed by the API key),
//!   signed and verified in constant time within a five-minute window.
//! - [`client`]: a small client of Retell's REST API (agents, Retell LLM tools) with
//!   per-request timeouts, retries with exponential backoff and a circuit breaker.
//! - [`webhook_test`]: sends a signed test event to a URL and reports what came back,
//!   refusing private, loopback, link-local and metadata addresses after DNS resolution;
//!   every test body is marked (`"frontdesk_test": true`) so it cannot pass for a real call.
//!
//! This crate is an adapter library: it must not depend on the engine, the store or the
//! server. Callers hand it API keys and URLs; it never reads configuration or environment.

pub mod client;
pub mod signature;
pub mod webhook_test;

pub use client::{
    Agent, AgentUpdate, CustomTool, DEFAULT_BASE_URL, DEMO_KEY_PREFIX, ProbeResult, ResponseEngine,
    RetellClient, RetellConfig, RetellError, RetellLlm, WEBHOOK_EVENTS, is_demo_key,
    merge_custom_tools, valid_id, valid_tool_name,
};
pub use signature::{SIGNATURE_HEADER, SignatureError, sign, verify, verify_now};
pub use webhook_test::{
    TEST_MARKER, WebhookTestError, WebhookTestOptions, WebhookTestResponse, check_target,
    is_test_body, mark_as_test, parse_http_url, send_test_webhook,
};
