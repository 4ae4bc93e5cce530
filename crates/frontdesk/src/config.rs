//! One typed configuration from three layers: flags, then `FRONTDESK_*` environment
//! variables, then the optional TOML file, then defaults. Invalid values stop start-up with
//! a message naming the setting.

use crate::cli::{Cli, Command};
use crate::secret_key::SecretKeySource;
use anyhow::{Context, bail};
use frontdesk_engine::messages::RetryPolicy;
use frontdesk_server::{LogFormat, ServerSettings};
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub const EXAMPLE: &str = include_str!("../frontdesk.example.toml");
pub const DEFAULT_DATABASE: &str = "sqlite://frontdesk.db";
/// The shortest caller session lifetime accepted: a session must outlive a few tool calls.
pub const MIN_SESSION_TTL_SECS: u64 = 10;

/// The file layer: every field optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    bind: Option<SocketAddr>,
    database: Option<String>,
    db_max_connections: Option<u32>,
    db_acquire_timeout_secs: Option<u64>,
    log_format: Option<String>,
    body_limit_bytes: Option<usize>,
    request_timeout_secs: Option<u64>,
    shutdown_grace_secs: Option<u64>,
    header_read_timeout_secs: Option<u64>,
    session_ttl_secs: Option<u64>,
    rate_sessions_per_minute: Option<u32>,
    rate_messages_per_minute: Option<u32>,
    gateway_rate_per_minute: Option<u32>,
    gateway_webhook_rate_per_minute: Option<u32>,
    gateway_test_rate_per_minute: Option<u32>,
    trust_forwarded_for: Option<bool>,
    mcp_allowed_hosts: Option<Vec<String>>,
    mcp_allowed_origins: Option<Vec<String>>,
    retell_api_base: Option<String>,
    public_url: Option<String>,
    allow_private_webhook_targets: Option<bool>,
    secret_key_file: Option<PathBuf>,
    redis_url: Option<String>,
    redis_prefix: Option<String>,
    instance_id: Option<String>,
    delivery: Option<bool>,
    twilio_account_sid: Option<String>,
    twilio_auth_token: Option<String>,
    twilio_from: Option<String>,
    twilio_messaging_service_sid: Option<String>,
    twilio_api_base: Option<String>,
    smtp_url: Option<String>,
    mail_from: Option<String>,
    message_retry_first_secs: Option<u64>,
    message_max_attempts: Option<i32>,
    message_lease_secs: Option<u64>,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub database: String,
    pub db_max_connections: u32,
    /// Longest a request waits for a PostgreSQL connection (or for the database to accept
    /// one again) before it is answered "temporarily unavailable".
    pub db_acquire_timeout: Duration,
    pub log_format: LogFormat,
    pub server: ServerSettings,
    /// The key that encrypts secrets at rest: `FRONTDESK_SECRET_KEY`, else the key file.
    pub secret_key: SecretKeySource,
    /// `public_url` was configured; otherwise `serve` sets it to the address it bound.
    pub public_url_given: bool,
    /// How messages go out (SMS, e-mail) and whether `serve` sends them.
    pub delivery: DeliveryConfig,
}

/// The message channels and the worker's pace (`frontdesk serve`, `frontdesk deliver`).
#[derive(Debug, Clone)]
pub struct DeliveryConfig {
    /// `serve` runs the delivery worker (`FRONTDESK_DELIVERY`, default true); off when a
    /// separate `frontdesk deliver` sends.
    pub in_serve: bool,
    pub twilio: Option<TwilioConfig>,
    pub smtp: Option<SmtpConfig>,
    pub retry: RetryPolicy,
    /// How long a worker holds a message it took; a worker that dies mid-send leaves its
    /// messages to others after this.
    pub lease: Duration,
}

#[derive(Debug, Clone)]
pub struct TwilioConfig {
    pub account_sid: String,
    pub auth_token: String,
    pub from: Option<String>,
    pub messaging_service_sid: Option<String>,
    pub api_base: String,
}

#[derive(Debug, Clone)]
pub struct SmtpConfig {
    /// `smtp://host:port` (plain), `smtp://…?tls=required` (STARTTLS), `smtps://` (TLS).
    pub url: String,
    pub from: String,
}

impl Config {
    pub fn load(cli: &Cli) -> anyhow::Result<Config> {
        let file = match &cli.config {
            Some(path) => read_file(path)?,
            None => FileConfig::default(),
        };
        let defaults = ServerSettings::default();
        let flag_bind = match &cli.command {
            Command::Serve { bind, .. } => *bind,
            _ => None,
        };
        let flag_database = cli.database.clone();
        // `serve --redis` (clap reads its variable); the other commands read the variable
        // themselves (`key revoke` tells the running instances through it).
        let flag_redis = match &cli.command {
            Command::Serve { redis_url, .. } => redis_url.clone(),
            _ => env("FRONTDESK_REDIS_URL"),
        };

        let delivery = DeliveryConfig::load(&file)?;
        let log_format = match env("FRONTDESK_LOG_FORMAT").or(file.log_format) {
            None => LogFormat::Human,
            Some(v) => match v.trim().to_ascii_lowercase().as_str() {
                "human" | "text" | "pretty" => LogFormat::Human,
                "json" => LogFormat::Json,
                other => bail!("log_format must be \"human\" or \"json\", not {other:?}"),
            },
        };
        let secret_key = match env("FRONTDESK_SECRET_KEY") {
            Some(hex) => SecretKeySource::Hex(hex),
            None => SecretKeySource::File(
                env("FRONTDESK_SECRET_KEY_FILE")
                    .map(PathBuf::from)
                    .or(file.secret_key_file)
                    .unwrap_or_else(|| PathBuf::from(crate::secret_key::DEFAULT_KEY_FILE)),
            ),
        };
        let public_url = env("FRONTDESK_PUBLIC_URL")
            .or(file.public_url)
            .map(|u| u.trim().trim_end_matches('/').to_string());
        let config = Config {
            public_url_given: public_url.is_some(),
            database: flag_database
                .or(file.database)
                .unwrap_or_else(|| DEFAULT_DATABASE.to_string()),
            db_max_connections: env_parse("FRONTDESK_DB_MAX_CONNECTIONS")?
                .or(file.db_max_connections)
                .unwrap_or(10),
            db_acquire_timeout: env_parse("FRONTDESK_DB_ACQUIRE_TIMEOUT_SECS")?
                .or(file.db_acquire_timeout_secs)
                .map(Duration::from_secs)
                .unwrap_or(frontdesk_store_postgres::DEFAULT_ACQUIRE_TIMEOUT),
            log_format,
            server: ServerSettings {
                bind: flag_bind.or(file.bind).unwrap_or(defaults.bind),
                body_limit_bytes: env_parse("FRONTDESK_BODY_LIMIT_BYTES")?
                    .or(file.body_limit_bytes)
                    .unwrap_or(defaults.body_limit_bytes),
                request_timeout: env_parse("FRONTDESK_REQUEST_TIMEOUT_SECS")?
                    .or(file.request_timeout_secs)
                    .map(Duration::from_secs)
                    .unwrap_or(defaults.request_timeout),
                shutdown_grace: env_parse("FRONTDESK_SHUTDOWN_GRACE_SECS")?
                    .or(file.shutdown_grace_secs)
                    .map(Duration::from_secs)
                    .unwrap_or(defaults.shutdown_grace),
                header_read_timeout: env_parse("FRONTDESK_HEADER_READ_TIMEOUT_SECS")?
                    .or(file.header_read_timeout_secs)
                    .map(Duration::from_secs)
                    .unwrap_or(defaults.header_read_timeout),
                session_ttl: env_parse("FRONTDESK_SESSION_TTL_SECS")?
                    .or(file.session_ttl_secs)
                    .map(Duration::from_secs)
                    .unwrap_or(defaults.session_ttl),
                sessions_per_ip_per_minute: env_parse("FRONTDESK_RATE_SESSIONS_PER_MINUTE")?
                    .or(file.rate_sessions_per_minute)
                    .unwrap_or(defaults.sessions_per_ip_per_minute),
                messages_per_session_per_minute: env_parse("FRONTDESK_RATE_MESSAGES_PER_MINUTE")?
                    .or(file.rate_messages_per_minute)
                    .unwrap_or(defaults.messages_per_session_per_minute),
                sse_keep_alive: defaults.sse_keep_alive,
                trust_forwarded_for: env_parse("FRONTDESK_TRUST_FORWARDED_FOR")?
                    .or(file.trust_forwarded_for)
                    .unwrap_or(defaults.trust_forwarded_for),
                mcp_allowed_hosts: env_list("FRONTDESK_MCP_ALLOWED_HOSTS")
                    .or(file.mcp_allowed_hosts)
                    .unwrap_or(defaults.mcp_allowed_hosts),
                mcp_allowed_origins: env_list("FRONTDESK_MCP_ALLOWED_ORIGINS")
                    .or(file.mcp_allowed_origins)
                    .unwrap_or(defaults.mcp_allowed_origins),
                retell_api_base: env("FRONTDESK_RETELL_API_BASE")
                    .or(file.retell_api_base)
                    .map(|u| u.trim().trim_end_matches('/').to_string())
                    .unwrap_or(defaults.retell_api_base),
                // Until `serve` has bound its address (see `public_url_given`).
                public_url: public_url.clone().unwrap_or(defaults.public_url),
                allow_private_webhook_targets: env_parse(
                    "FRONTDESK_ALLOW_PRIVATE_WEBHOOK_TARGETS",
                )?
                .or(file.allow_private_webhook_targets)
                .unwrap_or(defaults.allow_private_webhook_targets),
                gateway_requests_per_minute: env_parse("FRONTDESK_GATEWAY_RATE_PER_MINUTE")?
                    .or(file.gateway_rate_per_minute)
                    .unwrap_or(defaults.gateway_requests_per_minute),
                gateway_webhook_requests_per_minute: env_parse(
                    "FRONTDESK_GATEWAY_WEBHOOK_RATE_PER_MINUTE",
                )?
                .or(file.gateway_webhook_rate_per_minute)
                .unwrap_or(defaults.gateway_webhook_requests_per_minute),
                gateway_test_requests_per_minute: env_parse(
                    "FRONTDESK_GATEWAY_TEST_RATE_PER_MINUTE",
                )?
                .or(file.gateway_test_rate_per_minute)
                .unwrap_or(defaults.gateway_test_requests_per_minute),
                redis_url: flag_redis
                    .or(file.redis_url)
                    .map(|u| u.trim().to_string())
                    .filter(|u| !u.is_empty()),
                redis_prefix: env("FRONTDESK_REDIS_PREFIX")
                    .or(file.redis_prefix)
                    .unwrap_or(defaults.redis_prefix),
                instance_id: env("FRONTDESK_INSTANCE_ID")
                    .or(file.instance_id)
                    .map(|id| id.trim().to_string())
                    .unwrap_or(defaults.instance_id),
                twilio_account_sid: delivery.twilio.as_ref().map(|t| t.account_sid.clone()),
                twilio_auth_token: delivery.twilio.as_ref().map(|t| t.auth_token.clone()),
            },
            secret_key,
            delivery,
        };
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> anyhow::Result<()> {
        if self.db_max_connections == 0 {
            bail!("db_max_connections must be at least 1");
        }
        if self.server.body_limit_bytes < 1024 {
            bail!("body_limit_bytes must be at least 1024");
        }
        if self.server.session_ttl.as_secs() < MIN_SESSION_TTL_SECS {
            bail!("session_ttl_secs must be at least {MIN_SESSION_TTL_SECS}");
        }
        for (name, rate) in [
            (
                "rate_sessions_per_minute",
                self.server.sessions_per_ip_per_minute,
            ),
            (
                "rate_messages_per_minute",
                self.server.messages_per_session_per_minute,
            ),
            (
                "gateway_rate_per_minute",
                self.server.gateway_requests_per_minute,
            ),
            (
                "gateway_webhook_rate_per_minute",
                self.server.gateway_webhook_requests_per_minute,
            ),
            (
                "gateway_test_rate_per_minute",
                self.server.gateway_test_requests_per_minute,
            ),
        ] {
            if rate == 0 {
                bail!("{name} must be at least 1");
            }
        }
        if self.server.request_timeout.is_zero() {
            bail!("request_timeout_secs must be at least 1");
        }
        if self.server.header_read_timeout.is_zero() {
            bail!("header_read_timeout_secs must be at least 1");
        }
        if self.db_acquire_timeout.is_zero() {
            bail!("db_acquire_timeout_secs must be at least 1");
        }
        if let Some(url) = &self.server.redis_url
            && !(url.starts_with("redis://")
                || url.starts_with("redis+unix://")
                || url.starts_with("unix://"))
        {
            bail!(
                "redis_url must be a redis:// or redis+unix:// URL (TLS is not built in), not {:?}",
                crate::store::redact(url)
            );
        }
        let id = &self.server.instance_id;
        if id.is_empty()
            || id.len() > 64
            || !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            bail!("instance_id must be 1 to 64 letters, digits, '-', '_' or '.', not {id:?}");
        }
        for (name, url) in [
            ("retell_api_base", &self.server.retell_api_base),
            ("public_url", &self.server.public_url),
        ] {
            let rest = url
                .strip_prefix("https://")
                .or_else(|| url.strip_prefix("http://"));
            if !rest.is_some_and(|r| !r.is_empty() && !r.contains(char::is_whitespace)) {
                bail!("{name} must be an http:// or https:// URL, not {url:?}");
            }
        }
        Ok(())
    }
}

impl DeliveryConfig {
    fn load(file: &FileConfig) -> anyhow::Result<DeliveryConfig> {
        let defaults = RetryPolicy::default();
        let sid = env("FRONTDESK_TWILIO_ACCOUNT_SID").or(file.twilio_account_sid.clone());
        let token = env("FRONTDESK_TWILIO_AUTH_TOKEN").or(file.twilio_auth_token.clone());
        let twilio = match (sid, token) {
            (None, None) => None,
            (Some(_), None) | (None, Some(_)) => {
                bail!("twilio_account_sid and twilio_auth_token go together: set both or neither")
            }
            (Some(account_sid), Some(auth_token)) => Some(TwilioConfig {
                account_sid: account_sid.trim().to_string(),
                auth_token: auth_token.trim().to_string(),
                from: env("FRONTDESK_TWILIO_FROM").or(file.twilio_from.clone()),
                messaging_service_sid: env("FRONTDESK_TWILIO_MESSAGING_SERVICE_SID")
                    .or(file.twilio_messaging_service_sid.clone()),
                api_base: env("FRONTDESK_TWILIO_API_BASE")
                    .or(file.twilio_api_base.clone())
                    .map(|u| u.trim().trim_end_matches('/').to_string())
                    .unwrap_or_else(|| frontdesk_delivery::twilio::DEFAULT_API_BASE.to_string()),
            }),
        };
        let smtp = match (
            env("FRONTDESK_SMTP_URL").or(file.smtp_url.clone()),
            env("FRONTDESK_MAIL_FROM").or(file.mail_from.clone()),
        ) {
            (None, _) => None,
            (Some(_), None) => bail!("smtp_url needs mail_from, the address e-mails come from"),
            (Some(url), Some(from)) => Some(SmtpConfig {
                url: url.trim().to_string(),
                from: from.trim().to_string(),
            }),
        };
        let retry = RetryPolicy {
            first_retry: env_parse("FRONTDESK_MESSAGE_RETRY_FIRST_SECS")?
                .or(file.message_retry_first_secs)
                .map(Duration::from_secs)
                .unwrap_or(defaults.first_retry),
            max_attempts: env_parse("FRONTDESK_MESSAGE_MAX_ATTEMPTS")?
                .or(file.message_max_attempts)
                .unwrap_or(defaults.max_attempts),
            ..defaults
        };
        let config = DeliveryConfig {
            in_serve: env_parse("FRONTDESK_DELIVERY")?
                .or(file.delivery)
                .unwrap_or(true),
            twilio,
            smtp,
            retry,
            lease: env_parse("FRONTDESK_MESSAGE_LEASE_SECS")?
                .or(file.message_lease_secs)
                .map(Duration::from_secs)
                .unwrap_or(Duration::from_secs(120)),
        };
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> anyhow::Result<()> {
        if self.retry.first_retry.is_zero() || self.retry.first_retry.as_secs() > 30 {
            bail!("message_retry_first_secs must be 1 to 30 (a confirmation is late by seconds)");
        }
        if !(5..=3600).contains(&self.lease.as_secs()) {
            bail!("message_lease_secs must be 5 to 3600 (longer than a send takes)");
        }
        if !(1..=50).contains(&self.retry.max_attempts) {
            bail!("message_max_attempts must be 1 to 50");
        }
        if let Some(t) = &self.twilio {
            if !(t.api_base.starts_with("https://") || t.api_base.starts_with("http://")) {
                bail!(
                    "twilio_api_base must be an http:// or https:// URL, not {:?}",
                    t.api_base
                );
            }
            if t.account_sid.is_empty() || t.auth_token.is_empty() {
                bail!("twilio_account_sid and twilio_auth_token must not be empty");
            }
        }
        if let Some(m) = &self.smtp {
            if !(m.url.starts_with("smtp://") || m.url.starts_with("smtps://")) {
                bail!(
                    "smtp_url must be an smtp:// or smtps:// URL, not {:?}",
                    crate::store::redact(&m.url)
                );
            }
            if !frontdesk_domain::messaging::looks_like_email(&m.from) {
                bail!("mail_from must be an e-mail address, not {:?}", m.from);
            }
        }
        Ok(())
    }
}

fn read_file(path: &Path) -> anyhow::Result<FileConfig> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read configuration file {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("invalid configuration file {}", path.display()))
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// A comma-separated list (`a, b`); empty entries dropped.
fn env_list(name: &str) -> Option<Vec<String>> {
    env(name).map(|v| {
        v.split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    })
}

fn env_parse<T: std::str::FromStr>(name: &str) -> anyhow::Result<Option<T>>
where
    T::Err: std::fmt::Display,
{
    match env(name) {
        None => Ok(None),
        Some(v) => v
            .trim()
            .parse()
            .map(Some)
            .map_err(|e| anyhow::anyhow!("{name}={v:?} is not valid: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_file_parses_and_every_key_is_known() {
        // The example has every key commented out; uncommented it must still parse.
        let uncommented: String = EXAMPLE
            .lines()
            .filter_map(|l| l.strip_prefix("# ").filter(|l| l.contains(" = ")))
            .map(|l| format!("{}\n", l.split("  ").next().unwrap_or(l).trim()))
            .collect();
        let parsed: FileConfig = toml::from_str(&uncommented).expect("example parses");
        assert_eq!(parsed.database.as_deref(), Some(DEFAULT_DATABASE));
        assert_eq!(parsed.db_max_connections, Some(10));
        assert!(parsed.bind.is_some());
    }

    #[test]
    fn every_setting_read_from_the_environment_is_in_the_example_file() {
        // Each `FRONTDESK_X` read here has the file key `x` (the key itself only comes from
        // the environment or its file, never from the configuration file).
        let source = include_str!("config.rs");
        let mut names: Vec<&str> = source
            .split('"')
            .filter(|s| s.starts_with("FRONTDESK_") && s.len() > "FRONTDESK_".len())
            .filter(|s| s.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
            .collect();
        names.sort();
        names.dedup();
        assert!(names.len() > 20, "{names:?}");
        for name in names.into_iter().filter(|n| *n != "FRONTDESK_SECRET_KEY") {
            let key = name["FRONTDESK_".len()..].to_ascii_lowercase();
            assert!(
                EXAMPLE.contains(&format!("# {key} = ")),
                "{name}: no `{key}` in frontdesk.example.toml"
            );
            assert!(EXAMPLE.contains(name), "{name} is not named in the example");
        }
    }
}
