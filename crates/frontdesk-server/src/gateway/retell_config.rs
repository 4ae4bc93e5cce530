//! `retell_config.*`: a company's Retell agents as the AskProAI document shows them.
//!
//! | method | params | result |
//! |---|---|---|
//! | `getWebhook` | – | `{agents: [{agent_id, agent_name, webhook_url, last_updated_timestamp}], webhook_url}` |
//! | `updateWebhook` | `webhook_url?`, `events?`, `agent_ids?` | `{success, updated_count, details: [{agent_id, status}]}` |
//! | `testWebhook` | `webhook_url?`, `test_payload?` | `{success, response: {status_code, body, headers, duration_ms}}` |
//! | `deployCustomFunctions` | `agent_ids?`, `functions?` | `{deployed: [{agent_id, success, functions}]}` |
//! | `getAgentPromptTemplate` | `branch_id?`, `language?` | `{template, variables, rendered}` |
//!
//! Choices where the document is silent:
//!
//! - The company-level `webhook_url` is where frontdesk takes Retell's call events:
//!   `{FRONTDESK_PUBLIC_URL}/api/mcp/retell/webhook`. It is what `updateWebhook` sets when no
//!   `webhook_url` is given and what `testWebhook` tests by default. Custom functions go to
//!   `{FRONTDESK_PUBLIC_URL}/api/mcp/retell/custom-function` (the document's example shows
//!   that URL as an agent's webhook too; Retell's agent `webhook_url` receives call events,
//!   which frontdesk handles on `/webhook`).
//! - `agent_ids` omitted means every agent of the company's Retell account; `events` omitted
//!   leaves the agents' `webhook_events` as they are; `functions` omitted deploys frontdesk's
//!   own functions ([`default_functions`]). `last_updated_timestamp` is in Unix seconds (the
//!   document's example), converted from Retell's milliseconds.
//! - Per-agent failures are listed (`"status": "failed"` / `"success": false` with `error`
//!   and `code`) and the call itself succeeds; a failure before any agent is reached (no key,
//!   Retell down, a rejected key) is a JSON-RPC error: `RETELL_NOT_CONFIGURED`,
//!   `RETELL_UNAVAILABLE`, `RETELL_UNAUTHORIZED`, `RETELL_RATE_LIMITED`, `RETELL_REJECTED`,
//!   `RETELL_NOT_FOUND`, `RETELL_INVALID`.
//! - `testWebhook` signs with the company's Retell key, so that the receiver's signature check
//!   is tested too, and always marks the body as a test (`"frontdesk_test": true` at its top
//!   level, inside the signed bytes, whatever `test_payload` says): frontdesk's own Retell
//!   endpoints acknowledge a marked body and act on nothing, so a test delivery cannot be
//!   replayed as a real call or event.
//! - `testWebhook` refuses loopback, private, link-local and metadata targets after DNS
//!   resolution (`WEBHOOK_TARGET_FORBIDDEN`) unless `FRONTDESK_ALLOW_PRIVATE_WEBHOOK_TARGETS`
//!   is set; metadata addresses stay refused even then. A target that cannot be reached is
//!   `WEBHOOK_UNREACHABLE` / `WEBHOOK_TIMEOUT`; any HTTP answer is reported, with `success`
//!   true for 2xx.
//! - Agents Retell confirmed for the company are remembered in the store (provider `retell`),
//!   so a call event or custom-function call can be matched to its company by `agent_id`.

use super::error::GatewayError;
use super::params::{Params, invalid};
use crate::settings::ServerSettings;
use frontdesk_conversation::functions::FUNCTIONS;
use frontdesk_engine::{Engine, EngineError, prompts};
use frontdesk_retell::{
    Agent, AgentUpdate, CustomTool, ProbeResult, RetellClient, RetellConfig, RetellError,
    WEBHOOK_EVENTS, WebhookTestError, WebhookTestOptions, is_demo_key, parse_http_url,
    send_test_webhook, valid_id, valid_tool_name,
};
use frontdesk_store::{Company, NewAgent};
use futures::stream::{self, StreamExt};
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub const METHODS: [&str; 5] = [
    "getWebhook",
    "updateWebhook",
    "testWebhook",
    "deployCustomFunctions",
    "getAgentPromptTemplate",
];

/// Where Retell sends an agent's call events.
pub const WEBHOOK_PATH: &str = "/api/mcp/retell/webhook";
/// Where Retell sends custom-function calls.
pub const CUSTOM_FUNCTION_PATH: &str = "/api/mcp/retell/custom-function";

/// Most agents one call acts on.
const MAX_AGENTS: usize = 100;
/// Most functions one deployment writes.
const MAX_FUNCTIONS: usize = 32;
/// Agents updated at the same time.
const CONCURRENCY: usize = 4;
/// How long a Retell health probe is reused.
const PROBE_TTL: Duration = Duration::from_secs(30);

/// What `retell_config` needs, built once from the settings and shared by every request.
#[derive(Clone)]
pub struct RetellContext {
    pub engine: Engine,
    /// Retell's API base URL (`FRONTDESK_RETELL_API_BASE`).
    pub client_base: String,
    /// This server's public base URL, without a trailing `/` (`FRONTDESK_PUBLIC_URL`).
    pub public_url: String,
    /// `FRONTDESK_ALLOW_PRIVATE_WEBHOOK_TARGETS`.
    pub allow_private_webhook_targets: bool,
    /// The Retell client (its circuit breaker and probe cache are shared by clones).
    pub client: RetellClient,
    /// Limits of `testWebhook` deliveries (`allow_private` comes from the field above).
    pub webhook_test: WebhookTestOptions,
    /// When [`RetellContext::connected`] last looked, and what it found.
    connected: Arc<tokio::sync::Mutex<Option<(Instant, bool)>>>,
}

impl RetellContext {
    /// A context with the default client settings (5 s timeout, 3 attempts, circuit opening
    /// after 5 failed calls for 30 s). Fails only on a malformed `client_base`.
    pub fn new(
        engine: Engine,
        client_base: &str,
        public_url: &str,
        allow_private_webhook_targets: bool,
    ) -> Result<Self, RetellError> {
        Self::with_client_config(
            engine,
            RetellConfig::with_base_url(client_base),
            public_url,
            allow_private_webhook_targets,
        )
    }

    /// From `retell_api_base`, `public_url` and `allow_private_webhook_targets`.
    pub fn from_settings(engine: Engine, settings: &ServerSettings) -> Result<Self, RetellError> {
        Self::new(
            engine,
            &settings.retell_api_base,
            &settings.public_url,
            settings.allow_private_webhook_targets,
        )
    }

    /// With explicit client settings (tests shorten timeouts and backoff).
    pub fn with_client_config(
        engine: Engine,
        config: RetellConfig,
        public_url: &str,
        allow_private_webhook_targets: bool,
    ) -> Result<Self, RetellError> {
        let client_base = config.base_url.clone();
        let client = RetellClient::new(config)?;
        Ok(RetellContext {
            engine,
            client_base,
            public_url: public_url.trim().trim_end_matches('/').to_string(),
            allow_private_webhook_targets,
            client,
            webhook_test: WebhookTestOptions {
                allow_private: allow_private_webhook_targets,
                ..Default::default()
            },
            connected: Arc::default(),
        })
    }

    /// `{public_url}/api/mcp/retell/webhook`: the company-level webhook URL.
    pub fn webhook_url(&self) -> String {
        format!("{}{WEBHOOK_PATH}", self.public_url)
    }

    /// `{public_url}/api/mcp/retell/custom-function`.
    pub fn custom_function_url(&self) -> String {
        format!("{}{CUSTOM_FUNCTION_PATH}", self.public_url)
    }

    /// The Retell API's health: a cheap request with a short timeout, reused for 30 s.
    pub async fn probe(&self) -> ProbeResult {
        self.client.probe_cached(None, PROBE_TTL).await
    }

    /// Whether some company is connected to Retell: has a Retell API key this server can read
    /// that is not one `frontdesk demo` made up (`key_demo_…`). Only then does Retell's health
    /// matter. Looked up at most every 30 s, as the probe is; if the store cannot say, the
    /// answer is yes (the probe then runs and the database's own probe reports the store).
    pub async fn connected(&self) -> bool {
        let mut last = self.connected.lock().await;
        if let Some((at, connected)) = *last
            && at.elapsed() < PROBE_TTL
        {
            return connected;
        }
        let connected = match self.engine.retell_keys().await {
            Ok(keys) => keys.iter().any(|(_, key)| !is_demo_key(key)),
            Err(_) => true,
        };
        *last = Some((Instant::now(), connected));
        connected
    }
}

/// Runs `retell_config.<method>` for `company` (whose `company_id` the caller has checked).
pub async fn call(
    ctx: &RetellContext,
    company: &Company,
    method: &str,
    params: Value,
) -> Result<Value, GatewayError> {
    let params = match params {
        Value::Object(map) => Params(map),
        Value::Null => Params::default(),
        _ => {
            return Err(GatewayError::InvalidParams(
                "params must be an object".into(),
            ));
        }
    };
    match method {
        "getWebhook" => get_webhook(ctx, company).await,
        "updateWebhook" => update_webhook(ctx, company, &params).await,
        "testWebhook" => test_webhook(ctx, company, &params).await,
        "deployCustomFunctions" => deploy_custom_functions(ctx, company, &params).await,
        "getAgentPromptTemplate" => get_agent_prompt_template(ctx, company, &params).await,
        other => {
            let shown: String = other.chars().take(80).collect();
            Err(GatewayError::MethodNotFound(format!(
                "Method not found: retell_config.{shown}"
            )))
        }
    }
}

// ---- methods -------------------------------------------------------------------------

async fn get_webhook(ctx: &RetellContext, company: &Company) -> Result<Value, GatewayError> {
    let key = api_key(ctx, company).await?;
    let agents = ctx
        .client
        .list_agents_full(&key)
        .await
        .map_err(retell_error)?;
    remember(ctx, company, &agents).await;
    let listed: Vec<Value> = agents
        .iter()
        .map(|a| {
            json!({
                "agent_id": a.agent_id,
                "agent_name": a.agent_name,
                "webhook_url": a.webhook_url,
                "last_updated_timestamp": a.last_modification_timestamp.map(unix_seconds),
            })
        })
        .collect();
    Ok(json!({ "agents": listed, "webhook_url": ctx.webhook_url() }))
}

async fn update_webhook(
    ctx: &RetellContext,
    company: &Company,
    params: &Params,
) -> Result<Value, GatewayError> {
    let webhook_url = match params.get("webhook_url") {
        None => ctx.webhook_url(),
        Some(Value::String(url)) => parse_http_url(url)
            .map(String::from)
            .map_err(|e| invalid_param("webhook_url", &e.to_string()))?,
        Some(_) => return Err(invalid("webhook_url", "an http:// or https:// URL")),
    };
    let events = match params.get("events") {
        None => None,
        Some(value) => Some(event_list(value)?),
    };
    let agent_ids = agent_ids(params)?;
    let key = api_key(ctx, company).await?;
    let agent_ids = match agent_ids {
        Some(ids) => ids,
        None => listed_ids(ctx, &key).await?,
    };
    let update = AgentUpdate {
        webhook_url: Some(webhook_url),
        webhook_events: events,
    };
    let results: Vec<(String, Result<Agent, RetellError>)> = stream::iter(agent_ids)
        .map(|id| {
            let (key, update) = (&key, &update);
            async move {
                let result = ctx.client.update_agent(key, &id, update).await;
                (id, result)
            }
        })
        .buffered(CONCURRENCY)
        .collect()
        .await;
    let updated: Vec<Agent> = results
        .iter()
        .filter_map(|(_, r)| r.as_ref().ok().cloned())
        .collect();
    remember(ctx, company, &updated).await;
    let details: Vec<Value> = results
        .iter()
        .map(|(id, result)| match result {
            Ok(_) => json!({ "agent_id": id, "status": "updated" }),
            Err(e) => json!({ "agent_id": id, "status": "failed", "error": e.to_string(), "code": e.code() }),
        })
        .collect();
    Ok(json!({
        "success": updated.len() == results.len(),
        "updated_count": updated.len(),
        "details": details,
    }))
}

async fn test_webhook(
    ctx: &RetellContext,
    company: &Company,
    params: &Params,
) -> Result<Value, GatewayError> {
    let url = match params.get("webhook_url") {
        None => ctx.webhook_url(),
        Some(Value::String(url)) => {
            parse_http_url(url).map_err(|e| invalid_param("webhook_url", &e.to_string()))?;
            url.trim().to_string()
        }
        Some(_) => return Err(invalid("webhook_url", "an http:// or https:// URL")),
    };
    let payload = match params.get("test_payload") {
        None => default_test_payload(ctx, company).await,
        Some(value @ Value::Object(_)) => value.clone(),
        Some(_) => return Err(invalid("test_payload", "a JSON object")),
    };
    let key = api_key(ctx, company).await?;
    let answer = send_test_webhook(&url, &payload, &key, &ctx.webhook_test)
        .await
        .map_err(|e| match e {
            WebhookTestError::InvalidUrl(_) => invalid_param("webhook_url", &e.to_string()),
            other => GatewayError::server(other.code(), other.to_string()),
        })?;
    Ok(json!({
        "success": (200..300).contains(&answer.status_code),
        "response": {
            "status_code": answer.status_code,
            "body": answer.body,
            "headers": answer.headers,
            "duration_ms": answer.duration_ms,
        },
    }))
}

async fn deploy_custom_functions(
    ctx: &RetellContext,
    company: &Company,
    params: &Params,
) -> Result<Value, GatewayError> {
    let url = ctx.custom_function_url();
    let tools = match params.get("functions") {
        None => default_functions(&url),
        Some(value) => functions(value, &url)?,
    };
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_str()).collect();
    let agent_ids = agent_ids(params)?;
    let key = api_key(ctx, company).await?;
    // The agents with their response engines (the Retell LLM the tools go into).
    let agents: Vec<(String, Result<Agent, RetellError>)> = match agent_ids {
        Some(ids) => {
            stream::iter(ids)
                .map(|id| {
                    let key = &key;
                    async move {
                        let result = ctx.client.get_agent(key, &id).await;
                        (id, result)
                    }
                })
                .buffered(CONCURRENCY)
                .collect()
                .await
        }
        None => {
            let all = ctx
                .client
                .list_agents_full(&key)
                .await
                .map_err(retell_error)?;
            all.into_iter()
                .take(MAX_AGENTS)
                .map(|a| (a.agent_id.clone(), Ok(a)))
                .collect()
        }
    };
    let found: Vec<Agent> = agents
        .iter()
        .filter_map(|(_, r)| r.as_ref().ok().cloned())
        .collect();
    remember(ctx, company, &found).await;

    // One read-modify-write per Retell LLM, however many agents share it.
    let mut per_llm: HashMap<String, Result<(), RetellError>> = HashMap::new();
    for agent in &found {
        if let Some(llm_id) = agent.llm_id()
            && !per_llm.contains_key(llm_id)
        {
            let result = ctx
                .client
                .deploy_custom_tools(&key, llm_id, &tools)
                .await
                .map(|_| ());
            per_llm.insert(llm_id.to_string(), result);
        }
    }
    let deployed: Vec<Value> = agents
        .iter()
        .map(|(id, result)| {
            let outcome: Result<(), (String, &'static str)> = match result {
                Err(e) => Err((e.to_string(), e.code())),
                Ok(agent) => match agent.llm_id() {
                    None => Err((
                        format!(
                            "agent {id} does not use a Retell LLM ({}); custom functions can only be deployed to Retell LLM agents",
                            agent.response_engine.as_ref().map(|e| e.kind.as_str()).unwrap_or("no response engine")
                        ),
                        "RETELL_UNSUPPORTED_AGENT",
                    )),
                    Some(llm_id) => match per_llm.get(llm_id) {
                        Some(Ok(())) => Ok(()),
                        Some(Err(e)) => Err((e.to_string(), e.code())),
                        None => Err(("not deployed".to_string(), "RETELL_INVALID")),
                    },
                },
            };
            match outcome {
                Ok(()) => json!({ "agent_id": id, "success": true, "functions": names }),
                Err((error, code)) => {
                    json!({ "agent_id": id, "success": false, "functions": [], "error": error, "code": code })
                }
            }
        })
        .collect();
    Ok(json!({ "deployed": deployed }))
}

async fn get_agent_prompt_template(
    ctx: &RetellContext,
    company: &Company,
    params: &Params,
) -> Result<Value, GatewayError> {
    let branch_id = params.i64("branch_id")?;
    // The company's language (its nearest shipped locale's) when none is given.
    let business = || prompts::business_prompt_language(company.language.tag()).to_string();
    let language = match params.get("language") {
        None => business(),
        Some(Value::String(s)) if s.trim().is_empty() => business(),
        Some(Value::String(s)) => s.clone(),
        Some(_) => {
            return Err(invalid("language", &prompts::prompt_languages_expected()));
        }
    };
    let prompt = ctx
        .engine
        .agent_prompt(company.id, branch_id, &language)
        .await
        .map_err(|e| match e {
            EngineError::InvalidInput {
                field: "language", ..
            } => invalid("language", &prompts::prompt_languages_expected()),
            EngineError::NotFound { what: "branch" } => GatewayError::server(
                "NOT_FOUND",
                format!("branch {} not found", branch_id.unwrap_or_default()),
            ),
            other => other.into(),
        })?;
    Ok(json!({
        "template": prompt.template,
        "variables": prompt.variables,
        "rendered": prompt.rendered,
    }))
}

// ---- the functions frontdesk deploys -------------------------------------------------

/// frontdesk's own custom functions, all answered at `url`: the document's
/// `collect_appointment_information` and the availability, lookup, reschedule and cancel
/// functions. The caller's number comes from the call, so no function asks for it.
pub fn default_functions(url: &str) -> Vec<CustomTool> {
    FUNCTIONS
        .iter()
        .map(|f| {
            let mut t = CustomTool::new(f.name, f.description, url);
            t.parameters = Some((f.parameters)());
            t.execution_message_description = Some(f.execution_message.to_string());
            t.timeout_ms = Some(10_000);
            t
        })
        .collect()
}

/// `functions` as the document sends it (`{name: {description, parameters}}`), or a list of
/// `{name, description, parameters}`.
fn functions(value: &Value, url: &str) -> Result<Vec<CustomTool>, GatewayError> {
    let entries: Vec<(String, &Value)> = match value {
        Value::Object(map) => map
            .iter()
            .map(|(name, spec)| (name.clone(), spec))
            .collect(),
        Value::Array(list) => list
            .iter()
            .map(|spec| match spec.get("name").and_then(Value::as_str) {
                Some(name) => Ok((name.to_string(), spec)),
                None => Err(invalid("functions", "a list of objects, each with a name")),
            })
            .collect::<Result<_, _>>()?,
        _ => {
            return Err(invalid(
                "functions",
                "an object of {name: {description, parameters}}",
            ));
        }
    };
    if entries.is_empty() {
        return Err(invalid("functions", "at least one function"));
    }
    if entries.len() > MAX_FUNCTIONS {
        return Err(invalid(
            "functions",
            &format!("at most {MAX_FUNCTIONS} functions"),
        ));
    }
    let mut tools: Vec<CustomTool> = Vec::with_capacity(entries.len());
    for (name, spec) in entries {
        let field = format!("functions.{}", name.chars().take(64).collect::<String>());
        if !valid_tool_name(&name) {
            return Err(invalid_param(
                &field,
                "a function name is 1 to 64 letters, digits, '_' or '-'",
            ));
        }
        if tools.iter().any(|t| t.name == name) {
            return Err(invalid_param(&field, "the function is listed twice"));
        }
        let spec = match spec {
            Value::Object(o) => o,
            Value::Null => &Map::new(),
            _ => {
                return Err(invalid_param(
                    &field,
                    "expected an object with description and parameters",
                ));
            }
        };
        let text = |key: &str, max: usize| -> Result<Option<String>, GatewayError> {
            match spec.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) if s.len() <= max => Ok(Some(s.trim().to_string())),
                Some(_) => Err(invalid_param(
                    &format!("{field}.{key}"),
                    &format!("a string of at most {max} characters"),
                )),
            }
        };
        let flag = |key: &str| -> Result<Option<bool>, GatewayError> {
            match spec.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::Bool(b)) => Ok(Some(*b)),
                Some(_) => Err(invalid_param(&format!("{field}.{key}"), "true or false")),
            }
        };
        let mut tool = CustomTool::new(
            name.clone(),
            text("description", 2000)?.unwrap_or_else(|| name.clone()),
            url,
        );
        tool.parameters = match spec.get("parameters") {
            None | Some(Value::Null) => None,
            Some(Value::Object(schema)) => Some(parameters_schema(&field, schema)?),
            Some(_) => {
                return Err(invalid_param(
                    &format!("{field}.parameters"),
                    "a JSON Schema object",
                ));
            }
        };
        if let Some(b) = flag("speak_during_execution")? {
            tool.speak_during_execution = b;
        }
        if let Some(b) = flag("speak_after_execution")? {
            tool.speak_after_execution = b;
        }
        tool.execution_message_description = text("execution_message_description", 1000)?;
        tool.timeout_ms = match spec.get("timeout_ms") {
            None | Some(Value::Null) => None,
            Some(v) => match v.as_u64().filter(|ms| (1000..=600_000).contains(ms)) {
                Some(ms) => Some(ms),
                None => {
                    return Err(invalid_param(
                        &format!("{field}.timeout_ms"),
                        "milliseconds from 1000 to 600000",
                    ));
                }
            },
        };
        tools.push(tool);
    }
    Ok(tools)
}

/// A function's parameters as Retell takes them: a JSON Schema object of `type: "object"`
/// with `properties` (added empty when missing).
fn parameters_schema(field: &str, schema: &Map<String, Value>) -> Result<Value, GatewayError> {
    let field = format!("{field}.parameters");
    match schema.get("type") {
        None => {}
        Some(Value::String(t)) if t == "object" => {}
        Some(_) => return Err(invalid_param(&field, "a JSON Schema of type \"object\"")),
    }
    let mut schema = schema.clone();
    schema.insert("type".into(), json!("object"));
    match schema.get("properties") {
        None => {
            schema.insert("properties".into(), json!({}));
        }
        Some(Value::Object(_)) => {}
        Some(_) => return Err(invalid_param(&format!("{field}.properties"), "an object")),
    }
    match schema.get("required") {
        None => {}
        Some(Value::Array(items)) if items.iter().all(Value::is_string) => {}
        Some(_) => {
            return Err(invalid_param(
                &format!("{field}.required"),
                "a list of property names",
            ));
        }
    }
    Ok(Value::Object(schema))
}

// ---- helpers -------------------------------------------------------------------------

fn invalid_param(name: &str, why: &str) -> GatewayError {
    GatewayError::InvalidParams(format!("Invalid parameter {name}: {why}"))
}

/// The company's Retell API key, or `RETELL_NOT_CONFIGURED`.
async fn api_key(ctx: &RetellContext, company: &Company) -> Result<String, GatewayError> {
    match ctx.engine.retell_api_key(company.id).await {
        Ok(Some(key)) => Ok(key),
        Ok(None) => Err(GatewayError::server(
            "RETELL_NOT_CONFIGURED",
            format!(
                "{} has no Retell API key: set one with `frontdesk company set {} --retell-api-key KEY`",
                company.name, company.slug
            ),
        )),
        Err(EngineError::Internal(cause)) => {
            tracing::error!(company_id = company.id, %cause, "cannot read the Retell API key");
            Err(GatewayError::server(
                "RETELL_NOT_CONFIGURED",
                "the company's Retell API key cannot be read on this server (secret key missing or changed); set it again",
            ))
        }
        Err(other) => Err(other.into()),
    }
}

fn retell_error(e: RetellError) -> GatewayError {
    GatewayError::server(e.code(), e.to_string())
}

fn agent_ids(params: &Params) -> Result<Option<Vec<String>>, GatewayError> {
    let Some(value) = params.get("agent_ids") else {
        return Ok(None);
    };
    let expected = "a non-empty list of Retell agent ids";
    let Value::Array(items) = value else {
        return Err(invalid("agent_ids", expected));
    };
    if items.is_empty() {
        return Err(invalid("agent_ids", expected));
    }
    if items.len() > MAX_AGENTS {
        return Err(invalid(
            "agent_ids",
            &format!("at most {MAX_AGENTS} agent ids"),
        ));
    }
    let mut ids: Vec<String> = Vec::with_capacity(items.len());
    for item in items {
        let id = item.as_str().map(str::trim).unwrap_or_default();
        if !valid_id(id) {
            let shown: String = item.to_string().chars().take(60).collect();
            return Err(invalid_param(
                "agent_ids",
                &format!("{shown} is not a Retell agent id"),
            ));
        }
        if !ids.iter().any(|known| known == id) {
            ids.push(id.to_string());
        }
    }
    Ok(Some(ids))
}

fn event_list(value: &Value) -> Result<Vec<String>, GatewayError> {
    let expected = format!(
        "a list of Retell webhook events ({})",
        WEBHOOK_EVENTS.join(", ")
    );
    let Value::Array(items) = value else {
        return Err(invalid("events", &expected));
    };
    let mut events: Vec<String> = Vec::with_capacity(items.len());
    for item in items {
        match item.as_str().map(str::trim) {
            Some(event) if WEBHOOK_EVENTS.contains(&event) => {
                if !events.iter().any(|e| e == event) {
                    events.push(event.to_string());
                }
            }
            _ => {
                let shown: String = item.to_string().chars().take(60).collect();
                return Err(invalid_param(
                    "events",
                    &format!("unknown event {shown}; expected {expected}"),
                ));
            }
        }
    }
    Ok(events)
}

/// The ids of every agent of the account.
async fn listed_ids(ctx: &RetellContext, key: &str) -> Result<Vec<String>, GatewayError> {
    let agents = ctx.client.list_agents(key).await.map_err(retell_error)?;
    Ok(agents
        .into_iter()
        .take(MAX_AGENTS)
        .map(|a| a.agent_id)
        .collect())
}

/// Records agents Retell confirmed for the company, so events and custom-function calls can
/// be matched to it by `agent_id`. A failure here is logged: the Retell change has happened.
async fn remember(ctx: &RetellContext, company: &Company, agents: &[Agent]) {
    for agent in agents {
        let new = NewAgent {
            company_id: company.id,
            provider: "retell".into(),
            external_id: agent.agent_id.clone(),
            name: agent.agent_name.clone(),
            llm_id: agent.llm_id().map(str::to_string),
            webhook_url: agent.webhook_url.clone(),
        };
        if let Err(e) = ctx.engine.remember_agent(new).await {
            tracing::warn!(company_id = company.id, agent_id = %agent.agent_id, error = ?e, "cannot record the Retell agent");
        }
    }
}

/// Retell's milliseconds as the document's Unix seconds.
fn unix_seconds(ms: i64) -> i64 {
    if ms > 100_000_000_000 { ms / 1000 } else { ms }
}

/// A `call_started` event for a made-up call to the company's first number (marked as a test,
/// as every test delivery is, when it is sent).
async fn default_test_payload(ctx: &RetellContext, company: &Company) -> Value {
    let to_number = ctx
        .engine
        .company_phone_number(company.id)
        .await
        .ok()
        .flatten();
    let now_ms = frontdesk_retell::signature::now_ms();
    json!({
        "event": "call_started",
        "call": {
            "call_id": format!("test_{}", frontdesk_engine::keys::random_token(16)),
            "call_type": "phone_call",
            "direction": "inbound",
            "from_number": "+491234567890",
            "to_number": to_number,
            "call_status": "ongoing",
            "start_timestamp": now_ms,
        },
    })
}
