//! A client of Retell's REST API, the parts frontdesk needs: list, get and update agents
//! (`webhook_url`, `webhook_events`) and get and update a Retell LLM's `general_tools`.
//!
//! Every call carries the company's API key as a bearer token and its own timeout. Server
//! errors (5xx), timeouts and connection failures are retried with exponential backoff; after
//! `breaker_threshold` calls in a row fail that way, the circuit opens and calls fail fast
//! with [`RetellError::CircuitOpen`] for `breaker_cooldown`, after which one trial call is let
//! through. Client errors (401, 404, 422, 429 …) are answers, not outages: they are neither
//! retried nor counted against the circuit.
//!
//! Endpoints (Retell API reference): `POST /v2/list-agents` (older accounts: `GET
//! /list-agents`), `GET /get-agent/{agent_id}`, `PATCH /update-agent/{agent_id}`, `GET
//! /get-retell-llm/{llm_id}`, `PATCH /update-retell-llm/{llm_id}`.

use reqwest::header::{AUTHORIZATION, HeaderValue, RETRY_AFTER, USER_AGENT};
use reqwest::{Method, StatusCode, Url};
use serde::Serialize;
use serde_json::{Map, Value, json};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const DEFAULT_BASE_URL: &str = "https://api.retellai.com";

/// The webhook events an agent can subscribe to (`webhook_events` of `update-agent`).
pub const WEBHOOK_EVENTS: [&str; 8] = [
    "call_started",
    "call_ended",
    "call_analyzed",
    "transcript_updated",
    "transfer_started",
    "transfer_bridged",
    "transfer_cancelled",
    "transfer_ended",
];

/// Largest Retell response body read.
const MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;
/// Pages of `/v2/list-agents` followed at most.
const MAX_PAGES: usize = 50;

#[derive(Debug, Clone)]
pub struct RetellConfig {
    /// `https://api.retellai.com`, or a test server.
    pub base_url: String,
    /// Timeout of one HTTP attempt.
    pub request_timeout: Duration,
    /// Timeout of [`RetellClient::probe`].
    pub probe_timeout: Duration,
    /// Attempts per call (1 = no retry).
    pub max_attempts: u32,
    /// Wait before the first retry; doubled for each further one, up to `backoff_max`.
    pub backoff_initial: Duration,
    pub backoff_max: Duration,
    /// Consecutive failed calls (after their retries) that open the circuit.
    pub breaker_threshold: u32,
    /// How long an open circuit fails calls fast.
    pub breaker_cooldown: Duration,
}

impl Default for RetellConfig {
    fn default() -> Self {
        RetellConfig {
            base_url: DEFAULT_BASE_URL.to_string(),
            request_timeout: Duration::from_secs(5),
            probe_timeout: Duration::from_secs(2),
            max_attempts: 3,
            backoff_initial: Duration::from_millis(200),
            backoff_max: Duration::from_secs(2),
            breaker_threshold: 5,
            breaker_cooldown: Duration::from_secs(30),
        }
    }
}

impl RetellConfig {
    pub fn with_base_url(base_url: impl Into<String>) -> Self {
        RetellConfig {
            base_url: base_url.into(),
            ..RetellConfig::default()
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RetellError {
    #[error("Retell rejected the API key (HTTP 401/403): check the company's Retell API key")]
    Unauthorized,
    #[error("Retell has no {0}")]
    NotFound(String),
    #[error("Retell rate limit reached{}", retry_hint(*.retry_after_s))]
    RateLimited { retry_after_s: Option<u64> },
    #[error("Retell refused the request (HTTP {status}): {message}")]
    Rejected { status: u16, message: String },
    #[error("Retell API error (HTTP {status})")]
    Upstream { status: u16 },
    #[error("Retell API did not answer within {after_ms} ms")]
    Timeout { after_ms: u64 },
    #[error("Retell API unreachable: {0}")]
    Unreachable(String),
    #[error("Retell API unavailable (circuit open), retry in {retry_in_s} s")]
    CircuitOpen { retry_in_s: u64 },
    #[error("{0}")]
    Invalid(String),
}

fn retry_hint(after: Option<u64>) -> String {
    after
        .map(|s| format!(", retry in {s} s"))
        .unwrap_or_default()
}

impl RetellError {
    /// A stable code for clients.
    pub fn code(&self) -> &'static str {
        match self {
            RetellError::Unauthorized => "RETELL_UNAUTHORIZED",
            RetellError::NotFound(_) => "RETELL_NOT_FOUND",
            RetellError::RateLimited { .. } => "RETELL_RATE_LIMITED",
            RetellError::Rejected { .. } => "RETELL_REJECTED",
            RetellError::Upstream { .. }
            | RetellError::Timeout { .. }
            | RetellError::Unreachable(_)
            | RetellError::CircuitOpen { .. } => "RETELL_UNAVAILABLE",
            RetellError::Invalid(_) => "RETELL_INVALID",
        }
    }

    /// Whether Retell itself is down or unreachable (retried, counted by the circuit).
    pub fn is_outage(&self) -> bool {
        matches!(
            self,
            RetellError::Upstream { .. }
                | RetellError::Timeout { .. }
                | RetellError::Unreachable(_)
        )
    }
}

/// An agent as Retell describes it. Full agents (`get-agent`, the old `list-agents`) carry
/// every field; summaries from `/v2/list-agents` have no `response_engine` or `webhook_url`
/// (see [`Agent::is_summary`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Agent {
    pub agent_id: String,
    pub agent_name: Option<String>,
    pub webhook_url: Option<String>,
    pub webhook_events: Option<Vec<String>>,
    /// Milliseconds since the epoch (`last_modification_timestamp`, or a summary's
    /// `user_modified_timestamp`).
    pub last_modification_timestamp: Option<i64>,
    pub response_engine: Option<ResponseEngine>,
    pub version: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResponseEngine {
    /// `retell-llm`, `custom-llm`, `conversation-flow`.
    #[serde(rename = "type")]
    pub kind: String,
    pub llm_id: Option<String>,
}

impl Agent {
    /// Reads an agent leniently: unknown fields are ignored, odd types become `None`.
    pub fn from_json(value: &Value) -> Option<Agent> {
        let agent_id = value.get("agent_id")?.as_str()?.to_string();
        let text = |k: &str| value.get(k).and_then(Value::as_str).map(str::to_string);
        let int = |k: &str| {
            value
                .get(k)
                .and_then(|v| v.as_i64().or_else(|| v.as_f64().map(|f| f as i64)))
        };
        let response_engine = value
            .get("response_engine")
            .filter(|v| v.is_object())
            .map(|e| ResponseEngine {
                kind: e
                    .get("type")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                llm_id: e.get("llm_id").and_then(Value::as_str).map(str::to_string),
            });
        let webhook_events = value
            .get("webhook_events")
            .and_then(Value::as_array)
            .map(|events| {
                events
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            });
        Some(Agent {
            agent_id,
            agent_name: text("agent_name"),
            webhook_url: text("webhook_url"),
            webhook_events,
            last_modification_timestamp: int("last_modification_timestamp")
                .or_else(|| int("user_modified_timestamp")),
            response_engine,
            version: int("version"),
        })
    }

    /// A `/v2/list-agents` summary, without the agent's configuration.
    pub fn is_summary(&self) -> bool {
        self.response_engine.is_none()
    }

    /// The Retell LLM behind the agent, if its response engine is one.
    pub fn llm_id(&self) -> Option<&str> {
        self.response_engine
            .as_ref()
            .filter(|e| e.kind == "retell-llm")
            .and_then(|e| e.llm_id.as_deref())
    }
}

/// What `update-agent` changes; `None` fields are not sent (Retell keeps them).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct AgentUpdate {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webhook_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webhook_events: Option<Vec<String>>,
}

/// A Retell LLM: its id and its general tools, kept as JSON so tools of every type survive
/// a read-modify-write untouched.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RetellLlm {
    pub llm_id: String,
    pub general_tools: Vec<Value>,
    pub version: Option<i64>,
    pub last_modification_timestamp: Option<i64>,
}

impl RetellLlm {
    pub fn from_json(value: &Value) -> Option<RetellLlm> {
        Some(RetellLlm {
            llm_id: value.get("llm_id")?.as_str()?.to_string(),
            general_tools: value
                .get("general_tools")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
            version: value.get("version").and_then(Value::as_i64),
            last_modification_timestamp: value
                .get("last_modification_timestamp")
                .and_then(Value::as_i64),
        })
    }
}

/// A `general_tools` entry of `type: "custom"`: Retell POSTs the call to `url`.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomTool {
    /// `a-z A-Z 0-9 _ -`, at most 64 characters.
    pub name: String,
    pub description: String,
    pub url: String,
    /// A JSON Schema object (`{"type":"object","properties":{…},"required":[…]}`).
    pub parameters: Option<Value>,
    pub speak_during_execution: bool,
    pub speak_after_execution: bool,
    pub execution_message_description: Option<String>,
    pub timeout_ms: Option<u64>,
}

impl CustomTool {
    pub fn new(
        name: impl Into<String>,
        description: impl Into<String>,
        url: impl Into<String>,
    ) -> Self {
        CustomTool {
            name: name.into(),
            description: description.into(),
            url: url.into(),
            parameters: None,
            speak_during_execution: true,
            speak_after_execution: true,
            execution_message_description: None,
            timeout_ms: None,
        }
    }

    /// The entry as Retell's `general_tools` takes it.
    pub fn to_json(&self) -> Value {
        let mut tool = Map::new();
        tool.insert("type".into(), json!("custom"));
        tool.insert("name".into(), json!(self.name));
        tool.insert("description".into(), json!(self.description));
        tool.insert("url".into(), json!(self.url));
        if let Some(parameters) = &self.parameters {
            tool.insert("parameters".into(), parameters.clone());
        }
        tool.insert(
            "speak_during_execution".into(),
            json!(self.speak_during_execution),
        );
        tool.insert(
            "speak_after_execution".into(),
            json!(self.speak_after_execution),
        );
        if let Some(text) = &self.execution_message_description {
            tool.insert("execution_message_description".into(), json!(text));
        }
        if let Some(ms) = self.timeout_ms {
            tool.insert("timeout_ms".into(), json!(ms));
        }
        Value::Object(tool)
    }
}

/// Whether `name` is a valid Retell tool name.
pub fn valid_tool_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// `existing` general tools with `tools` written in: a tool with the same name (of any type)
/// is replaced where it stands, the others are kept in order, new ones are appended.
pub fn merge_custom_tools(existing: &[Value], tools: &[CustomTool]) -> Vec<Value> {
    let name_of = |v: &Value| v.get("name").and_then(Value::as_str).map(str::to_string);
    let mut written = vec![false; tools.len()];
    let mut out: Vec<Value> = Vec::with_capacity(existing.len() + tools.len());
    for tool in existing {
        match name_of(tool).and_then(|n| tools.iter().position(|t| t.name == n)) {
            Some(i) if !written[i] => {
                out.push(tools[i].to_json());
                written[i] = true;
            }
            Some(_) => {} // a duplicate of a replaced name: dropped, names must be unique
            None => out.push(tool.clone()),
        }
    }
    for (tool, done) in tools.iter().zip(written) {
        if !done {
            out.push(tool.to_json());
        }
    }
    out
}

/// How the API keys `frontdesk demo` makes up begin. Retell's own keys are `key_` and hex
/// digits, so a key with this prefix is never a real Retell account's: frontdesk signs and
/// checks webhooks with it, and never counts it as a connection to Retell (the health check
/// reports Retell "not configured" while only such keys are set).
pub const DEMO_KEY_PREFIX: &str = "key_demo_";

/// Whether `api_key` is one `frontdesk demo` made up ([`DEMO_KEY_PREFIX`]).
pub fn is_demo_key(api_key: &str) -> bool {
    api_key.trim().starts_with(DEMO_KEY_PREFIX)
}

/// Whether `id` is safe as a Retell agent or LLM id in a URL path.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 128
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// The outcome of a health probe; cheap to clone and cache.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProbeResult {
    /// Retell answered (any status below 500: a 401 without a key still proves it is up).
    pub healthy: bool,
    pub status_code: Option<u16>,
    pub response_time_ms: u64,
    pub error: Option<String>,
    /// Whether the client's circuit is open (real calls are failing fast right now).
    pub circuit_open: bool,
    #[serde(skip)]
    pub checked_at: Instant,
}

// ---- circuit breaker -------------------------------------------------------------------

#[derive(Debug)]
struct Breaker {
    threshold: u32,
    cooldown: Duration,
    state: Mutex<BreakerState>,
}

#[derive(Debug, Default)]
struct BreakerState {
    consecutive_failures: u32,
    open_until: Option<Instant>,
    trial_in_flight: bool,
}

/// Leave to make one call; says how it went, or releases a half-open trial when dropped.
struct Permit<'a> {
    breaker: &'a Breaker,
    trial: bool,
    done: bool,
}

impl Breaker {
    fn new(threshold: u32, cooldown: Duration) -> Self {
        Breaker {
            threshold: threshold.max(1),
            cooldown,
            state: Mutex::new(BreakerState::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BreakerState> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn admit(&self) -> Result<Permit<'_>, RetellError> {
        let mut state = self.lock();
        let Some(until) = state.open_until else {
            return Ok(Permit {
                breaker: self,
                trial: false,
                done: false,
            });
        };
        let now = Instant::now();
        if now < until {
            let left = until - now;
            let retry_in_s = left.as_secs() + u64::from(left.subsec_nanos() > 0);
            return Err(RetellError::CircuitOpen {
                retry_in_s: retry_in_s.max(1),
            });
        }
        if state.trial_in_flight {
            return Err(RetellError::CircuitOpen { retry_in_s: 1 });
        }
        state.trial_in_flight = true;
        Ok(Permit {
            breaker: self,
            trial: true,
            done: false,
        })
    }

    fn is_open(&self) -> bool {
        self.lock()
            .open_until
            .is_some_and(|until| Instant::now() < until)
    }
}

impl Permit<'_> {
    fn success(mut self) {
        self.done = true;
        let mut state = self.breaker.lock();
        *state = BreakerState::default();
    }

    fn failure(mut self) {
        self.done = true;
        let mut state = self.breaker.lock();
        state.consecutive_failures = state.consecutive_failures.saturating_add(1);
        if self.trial || state.consecutive_failures >= self.breaker.threshold {
            state.open_until = Some(Instant::now() + self.breaker.cooldown);
            tracing::warn!(
                failures = state.consecutive_failures,
                cooldown_s = self.breaker.cooldown.as_secs(),
                "Retell API circuit opened"
            );
        }
        state.trial_in_flight = false;
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        if !self.done && self.trial {
            self.breaker.lock().trial_in_flight = false;
        }
    }
}

// ---- the client ----------------------------------------------------------------------

/// Cheap to clone: clones share the connection pool, the circuit and the probe cache.
#[derive(Debug, Clone)]
pub struct RetellClient {
    http: reqwest::Client,
    base: Url,
    config: Arc<RetellConfig>,
    breaker: Arc<Breaker>,
    last_probe: Arc<tokio::sync::Mutex<Option<ProbeResult>>>,
}

impl RetellClient {
    /// `Invalid` when the base URL is not an http(s) URL.
    pub fn new(config: RetellConfig) -> Result<Self, RetellError> {
        let base = Url::parse(config.base_url.trim()).map_err(|e| {
            RetellError::Invalid(format!(
                "invalid Retell API base URL {:?}: {e}",
                config.base_url
            ))
        })?;
        if !matches!(base.scheme(), "http" | "https") || base.cannot_be_a_base() {
            return Err(RetellError::Invalid(format!(
                "invalid Retell API base URL {:?}: use http:// or https://",
                config.base_url
            )));
        }
        let http = reqwest::Client::builder()
            .connect_timeout(config.request_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| RetellError::Invalid(format!("cannot build the HTTP client: {e}")))?;
        Ok(RetellClient {
            http,
            base,
            breaker: Arc::new(Breaker::new(
                config.breaker_threshold,
                config.breaker_cooldown,
            )),
            config: Arc::new(config),
            last_probe: Arc::new(tokio::sync::Mutex::new(None)),
        })
    }

    pub fn base_url(&self) -> &str {
        self.base.as_str()
    }

    pub fn config(&self) -> &RetellConfig {
        &self.config
    }

    /// Whether calls are failing fast right now.
    pub fn circuit_open(&self) -> bool {
        self.breaker.is_open()
    }

    /// Every agent of the account, one entry per agent id. Uses `POST /v2/list-agents`
    /// (following pagination) and falls back to `GET /list-agents` when the former is 404.
    /// Entries from `/v2` are summaries (see [`Agent::is_summary`]).
    pub async fn list_agents(&self, api_key: &str) -> Result<Vec<Agent>, RetellError> {
        let mut agents = Vec::new();
        let mut pagination_key: Option<String> = None;
        for page in 0..MAX_PAGES {
            let mut query = vec![("limit", "1000".to_string())];
            if let Some(key) = &pagination_key {
                query.push(("pagination_key", key.clone()));
            }
            let url = self.url(&["v2", "list-agents"], &query);
            let answer = match self
                .call(api_key, Method::POST, url, Some(&json!({})), "agent list")
                .await
            {
                Err(RetellError::NotFound(_)) if page == 0 => {
                    return self.list_agents_legacy(api_key).await;
                }
                Err(e) => return Err(e),
                Ok(v) => v,
            };
            let (items, next) = match &answer {
                Value::Array(items) => (items.as_slice(), None),
                Value::Object(o) => (
                    o.get("items")
                        .and_then(Value::as_array)
                        .map(Vec::as_slice)
                        .unwrap_or(&[]),
                    o.get("has_more")
                        .and_then(Value::as_bool)
                        .filter(|more| *more)
                        .and_then(|_| o.get("pagination_key").and_then(Value::as_str))
                        .map(str::to_string),
                ),
                _ => {
                    return Err(RetellError::Invalid(
                        "Retell answered the agent list with no list".into(),
                    ));
                }
            };
            agents.extend(items.iter().filter_map(Agent::from_json));
            match next {
                Some(key) if Some(&key) != pagination_key.as_ref() => pagination_key = Some(key),
                _ => break,
            }
        }
        Ok(dedupe(agents))
    }

    async fn list_agents_legacy(&self, api_key: &str) -> Result<Vec<Agent>, RetellError> {
        let url = self.url(&["list-agents"], &[]);
        let answer = self
            .call(api_key, Method::GET, url, None, "agent list")
            .await?;
        let items = answer.as_array().ok_or_else(|| {
            RetellError::Invalid("Retell answered the agent list with no list".into())
        })?;
        Ok(dedupe(items.iter().filter_map(Agent::from_json).collect()))
    }

    /// [`list_agents`](Self::list_agents) with every summary replaced by the full agent
    /// (`get-agent`); agents deleted in between are left out.
    pub async fn list_agents_full(&self, api_key: &str) -> Result<Vec<Agent>, RetellError> {
        let mut out = Vec::new();
        for agent in self.list_agents(api_key).await? {
            if !agent.is_summary() {
                out.push(agent);
                continue;
            }
            match self.get_agent(api_key, &agent.agent_id).await {
                Ok(full) => out.push(full),
                Err(RetellError::NotFound(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }

    /// `GET /get-agent/{agent_id}`.
    pub async fn get_agent(&self, api_key: &str, agent_id: &str) -> Result<Agent, RetellError> {
        check_id("agent_id", agent_id)?;
        let url = self.url(&["get-agent", agent_id], &[]);
        let answer = self
            .call(
                api_key,
                Method::GET,
                url,
                None,
                &format!("agent {agent_id}"),
            )
            .await?;
        Agent::from_json(&answer)
            .ok_or_else(|| RetellError::Invalid("Retell answered with no agent".into()))
    }

    /// `PATCH /update-agent/{agent_id}` with the fields of `update` that are set.
    pub async fn update_agent(
        &self,
        api_key: &str,
        agent_id: &str,
        update: &AgentUpdate,
    ) -> Result<Agent, RetellError> {
        check_id("agent_id", agent_id)?;
        let events = update.webhook_events.as_deref().unwrap_or_default();
        if let Some(bad) = events
            .iter()
            .find(|e| !WEBHOOK_EVENTS.contains(&e.as_str()))
        {
            return Err(RetellError::Invalid(format!(
                "unknown webhook event {bad:?}; Retell knows {}",
                WEBHOOK_EVENTS.join(", ")
            )));
        }
        let body = serde_json::to_value(update).map_err(|e| RetellError::Invalid(e.to_string()))?;
        let url = self.url(&["update-agent", agent_id], &[]);
        let answer = self
            .call(
                api_key,
                Method::PATCH,
                url,
                Some(&body),
                &format!("agent {agent_id}"),
            )
            .await?;
        Agent::from_json(&answer)
            .ok_or_else(|| RetellError::Invalid("Retell answered with no agent".into()))
    }

    /// `GET /get-retell-llm/{llm_id}`.
    pub async fn get_llm(&self, api_key: &str, llm_id: &str) -> Result<RetellLlm, RetellError> {
        check_id("llm_id", llm_id)?;
        let url = self.url(&["get-retell-llm", llm_id], &[]);
        let answer = self
            .call(
                api_key,
                Method::GET,
                url,
                None,
                &format!("Retell LLM {llm_id}"),
            )
            .await?;
        RetellLlm::from_json(&answer)
            .ok_or_else(|| RetellError::Invalid("Retell answered with no LLM".into()))
    }

    /// `PATCH /update-retell-llm/{llm_id}` with `{"general_tools": tools}` (the whole list:
    /// merge with [`merge_custom_tools`] first to keep the other tools).
    pub async fn update_llm_tools(
        &self,
        api_key: &str,
        llm_id: &str,
        general_tools: Vec<Value>,
    ) -> Result<RetellLlm, RetellError> {
        check_id("llm_id", llm_id)?;
        let body = json!({ "general_tools": general_tools });
        let url = self.url(&["update-retell-llm", llm_id], &[]);
        let answer = self
            .call(
                api_key,
                Method::PATCH,
                url,
                Some(&body),
                &format!("Retell LLM {llm_id}"),
            )
            .await?;
        RetellLlm::from_json(&answer)
            .ok_or_else(|| RetellError::Invalid("Retell answered with no LLM".into()))
    }

    /// Reads the LLM, writes `tools` into its general tools (replacing same-named ones,
    /// keeping the others) and saves it.
    pub async fn deploy_custom_tools(
        &self,
        api_key: &str,
        llm_id: &str,
        tools: &[CustomTool],
    ) -> Result<RetellLlm, RetellError> {
        let llm = self.get_llm(api_key, llm_id).await?;
        let merged = merge_custom_tools(&llm.general_tools, tools);
        self.update_llm_tools(api_key, llm_id, merged).await
    }

    /// A cheap reachability check: `GET /list-agents` with the probe timeout, no retries,
    /// not counted by the circuit. With no key Retell answers 401, which still shows it is up.
    /// An error names the address it tried, so a wrong `retell_api_base` shows at once.
    pub async fn probe(&self, api_key: Option<&str>) -> ProbeResult {
        let started = Instant::now();
        let url = self.url(&["list-agents"], &[]);
        let mut request = self
            .http
            .get(url.clone())
            .header(USER_AGENT, user_agent())
            .timeout(self.config.probe_timeout);
        if let Some(value) = api_key.and_then(|k| bearer(k).ok()) {
            request = request.header(AUTHORIZATION, value);
        }
        let outcome = request.send().await;
        let response_time_ms = elapsed_ms(started);
        let circuit_open = self.circuit_open();
        let checked_at = Instant::now();
        match outcome {
            Ok(response) => {
                let status = response.status();
                ProbeResult {
                    healthy: !status.is_server_error(),
                    status_code: Some(status.as_u16()),
                    response_time_ms,
                    error: status.is_server_error().then(|| {
                        format!(
                            "Retell API error: GET {url} answered HTTP {}",
                            status.as_u16()
                        )
                    }),
                    circuit_open,
                    checked_at,
                }
            }
            Err(e) => ProbeResult {
                healthy: false,
                status_code: None,
                response_time_ms,
                error: Some(if e.is_timeout() {
                    format!(
                        "Retell API did not answer within {} ms: GET {url}",
                        self.config.probe_timeout.as_millis()
                    )
                } else if e.is_connect() {
                    format!("Retell API unreachable: cannot connect to {url}")
                } else {
                    format!("Retell API unreachable: GET {url} failed")
                }),
                circuit_open,
                checked_at,
            },
        }
    }

    /// The last probe if it is younger than `ttl`, else a new one (one probe at a time).
    pub async fn probe_cached(&self, api_key: Option<&str>, ttl: Duration) -> ProbeResult {
        let mut last = self.last_probe.lock().await;
        if let Some(result) = last.as_ref().filter(|r| r.checked_at.elapsed() < ttl) {
            return result.clone();
        }
        let result = self.probe(api_key).await;
        *last = Some(result.clone());
        result
    }

    // ---- plumbing --------------------------------------------------------------------

    fn url(&self, segments: &[&str], query: &[(&str, String)]) -> Url {
        let mut url = self.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        if !query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        url
    }

    /// One logical call: circuit check, attempts with backoff, circuit bookkeeping.
    async fn call(
        &self,
        api_key: &str,
        method: Method,
        url: Url,
        body: Option<&Value>,
        what: &str,
    ) -> Result<Value, RetellError> {
        let auth = bearer(api_key)?;
        let permit = self.breaker.admit()?;
        let attempts = self.config.max_attempts.max(1);
        let mut attempt = 1;
        let result = loop {
            let result = self
                .attempt(&auth, method.clone(), url.clone(), body, what)
                .await;
            match result {
                Err(e) if e.is_outage() && attempt < attempts => {
                    let wait = self.backoff(attempt);
                    tracing::debug!(error = %e, attempt, wait_ms = wait.as_millis() as u64, "Retell call failed, retrying");
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                other => break other,
            }
        };
        match &result {
            Err(e) if e.is_outage() => permit.failure(),
            _ => permit.success(),
        }
        result
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
        self.config
            .backoff_initial
            .saturating_mul(factor)
            .min(self.config.backoff_max)
    }

    async fn attempt(
        &self,
        auth: &HeaderValue,
        method: Method,
        url: Url,
        body: Option<&Value>,
        what: &str,
    ) -> Result<Value, RetellError> {
        let mut request = self
            .http
            .request(method, url)
            .header(AUTHORIZATION, auth.clone())
            .header(USER_AGENT, user_agent())
            .timeout(self.config.request_timeout);
        if let Some(body) = body {
            request = request.json(body);
        }
        let mut response = request.send().await.map_err(|e| self.transport_error(&e))?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        let mut bytes = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| self.transport_error(&e))?
        {
            if bytes.len() + chunk.len() > MAX_RESPONSE_BYTES {
                return Err(RetellError::Invalid("Retell's answer is too large".into()));
            }
            bytes.extend_from_slice(&chunk);
        }
        if status.is_success() {
            if bytes.iter().all(u8::is_ascii_whitespace) {
                return Ok(Value::Null);
            }
            return serde_json::from_slice(&bytes).map_err(|_| {
                RetellError::Invalid(format!(
                    "Retell answered the {what} request with invalid JSON"
                ))
            });
        }
        Err(match status {
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => RetellError::Unauthorized,
            StatusCode::NOT_FOUND => RetellError::NotFound(what.to_string()),
            StatusCode::TOO_MANY_REQUESTS => RetellError::RateLimited {
                retry_after_s: retry_after,
            },
            s if s.is_server_error() => RetellError::Upstream { status: s.as_u16() },
            s => RetellError::Rejected {
                status: s.as_u16(),
                message: error_message(&bytes),
            },
        })
    }

    fn transport_error(&self, e: &reqwest::Error) -> RetellError {
        if e.is_timeout() {
            RetellError::Timeout {
                after_ms: self.config.request_timeout.as_millis() as u64,
            }
        } else if e.is_connect() {
            RetellError::Unreachable("connection failed".into())
        } else {
            RetellError::Unreachable("the connection broke off".into())
        }
    }
}

fn user_agent() -> HeaderValue {
    HeaderValue::from_static(concat!("frontdesk/", env!("CARGO_PKG_VERSION")))
}

fn bearer(api_key: &str) -> Result<HeaderValue, RetellError> {
    let key = api_key.trim();
    if key.is_empty() {
        return Err(RetellError::Invalid("the Retell API key is empty".into()));
    }
    let mut value = HeaderValue::from_str(&format!("Bearer {key}")).map_err(|_| {
        RetellError::Invalid(
            "the Retell API key contains characters not allowed in a header".into(),
        )
    })?;
    value.set_sensitive(true);
    Ok(value)
}

fn check_id(field: &str, id: &str) -> Result<(), RetellError> {
    if valid_id(id) {
        Ok(())
    } else {
        Err(RetellError::Invalid(format!(
            "invalid {field} {:?}: use 1 to 128 letters, digits, '_' or '-'",
            id.chars().take(140).collect::<String>()
        )))
    }
}

/// Retell's error message from an error body, shortened; the status text otherwise.
fn error_message(body: &[u8]) -> String {
    let parsed: Option<Value> = serde_json::from_slice(body).ok();
    let message = parsed
        .as_ref()
        .and_then(|v| {
            ["error_message", "message", "error"]
                .iter()
                .find_map(|k| v.get(*k)?.as_str().map(str::to_string))
        })
        .unwrap_or_else(|| String::from_utf8_lossy(body).trim().to_string());
    let message: String = message
        .chars()
        .filter(|c| !c.is_control())
        .take(300)
        .collect();
    if message.is_empty() {
        "no details given".to_string()
    } else {
        message
    }
}

fn elapsed_ms(since: Instant) -> u64 {
    u64::try_from(since.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// One entry per agent id: the newest version (then the latest modification) wins; the
/// order of first appearance is kept.
fn dedupe(agents: Vec<Agent>) -> Vec<Agent> {
    let mut out: Vec<Agent> = Vec::with_capacity(agents.len());
    for agent in agents {
        match out.iter_mut().find(|a| a.agent_id == agent.agent_id) {
            Some(existing) => {
                let rank = |a: &Agent| {
                    (
                        a.version.unwrap_or(-1),
                        a.last_modification_timestamp.unwrap_or(-1),
                    )
                };
                if rank(&agent) > rank(existing) {
                    *existing = agent;
                }
            }
            None => out.push(agent),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tool(name: &str) -> CustomTool {
        CustomTool::new(
            name,
            format!("{name} description"),
            "https://fd.example/api/mcp/retell/custom-function",
        )
    }

    #[test]
    fn merging_replaces_same_named_tools_in_place_and_keeps_the_others() {
        let existing = vec![
            json!({"type": "end_call", "name": "end_call"}),
            json!({"type": "custom", "name": "check_availability", "url": "https://old"}),
            json!({"type": "transfer_call", "name": "transfer"}),
        ];
        let merged = merge_custom_tools(
            &existing,
            &[
                tool("collect_appointment_information"),
                tool("check_availability"),
            ],
        );
        let names: Vec<&str> = merged.iter().filter_map(|t| t["name"].as_str()).collect();
        assert_eq!(
            names,
            [
                "end_call",
                "check_availability",
                "transfer",
                "collect_appointment_information"
            ]
        );
        assert_eq!(
            merged[1]["url"],
            "https://fd.example/api/mcp/retell/custom-function"
        );
        assert_eq!(merged[1]["type"], "custom");
        assert_eq!(merged[0], existing[0]);
        assert_eq!(merged[2], existing[2]);
    }

    #[test]
    fn a_custom_tool_serialises_as_retell_expects() {
        let mut t = tool("book");
        t.parameters = Some(json!({"type": "object", "properties": {}}));
        t.timeout_ms = Some(10_000);
        let v = t.to_json();
        assert_eq!(v["type"], "custom");
        assert_eq!(v["name"], "book");
        assert_eq!(v["speak_during_execution"], true);
        assert_eq!(v["speak_after_execution"], true);
        assert_eq!(v["timeout_ms"], 10_000);
        assert!(v.get("execution_message_description").is_none());
    }

    #[test]
    fn ids_and_tool_names_are_checked() {
        assert!(valid_id("agent_abc123"));
        assert!(valid_id("16b980523634a6dc504898cda492e939"));
        for bad in ["", "../x", "a/b", "a b", "a?b", "ä", &"a".repeat(129)] {
            assert!(!valid_id(bad), "{bad}");
        }
        assert!(valid_tool_name("collect_appointment_information"));
        assert!(!valid_tool_name("has space"));
    }

    #[test]
    fn agents_are_read_leniently_and_deduplicated() {
        let full = json!({"agent_id": "a1", "agent_name": "Main", "webhook_url": null, "version": 2,
            "last_modification_timestamp": 1719156000000_i64,
            "response_engine": {"type": "retell-llm", "llm_id": "llm_1", "version": 1.0}});
        let agent = Agent::from_json(&full).expect("agent");
        assert_eq!(agent.llm_id(), Some("llm_1"));
        assert!(!agent.is_summary());
        assert_eq!(agent.webhook_url, None);
        let summary = Agent::from_json(
            &json!({"agent_id": "a2", "agent_name": "B", "user_modified_timestamp": 5}),
        )
        .expect("summary");
        assert!(summary.is_summary());
        assert_eq!(summary.last_modification_timestamp, Some(5));
        assert!(Agent::from_json(&json!({"agent_name": "no id"})).is_none());
        let old = Agent::from_json(&json!({"agent_id": "a1", "version": 1})).expect("old");
        let deduped = dedupe(vec![old, agent.clone(), summary]);
        assert_eq!(deduped.len(), 2);
        assert_eq!(deduped[0], agent);
    }

    #[test]
    fn the_breaker_opens_after_the_threshold_and_lets_one_trial_through_after_the_cooldown() {
        let breaker = Breaker::new(2, Duration::from_millis(0));
        breaker.admit().map(Permit::failure).expect("closed");
        breaker.admit().map(Permit::failure).expect("closed");
        // Cooldown of zero: half-open at once, one trial at a time.
        let trial = breaker.admit().expect("trial");
        assert!(matches!(
            breaker.admit(),
            Err(RetellError::CircuitOpen { .. })
        ));
        drop(trial); // a cancelled trial frees the slot
        let trial = breaker.admit().expect("trial again");
        trial.success();
        assert!(!breaker.is_open());
        assert!(breaker.admit().is_ok());

        let slow = Breaker::new(1, Duration::from_secs(27));
        slow.admit().map(Permit::failure).expect("closed");
        let err = slow.admit().err().expect("open");
        assert_eq!(
            err.to_string(),
            "Retell API unavailable (circuit open), retry in 27 s"
        );
        assert_eq!(err.code(), "RETELL_UNAVAILABLE");
    }

    #[test]
    fn error_messages_are_extracted_and_cleaned() {
        assert_eq!(
            error_message(br#"{"error_message":"bad field"}"#),
            "bad field"
        );
        assert_eq!(error_message(b"plain\ntext"), "plaintext");
        assert_eq!(error_message(b""), "no details given");
    }
}
