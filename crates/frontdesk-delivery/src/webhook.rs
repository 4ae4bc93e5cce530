//! Webhook events, signed per the Standard Webhooks specification (standardwebhooks.com):
//! `webhook-id` (stable per event: `msg_<outbox id>`, so a receiver drops a retried copy),
//! `webhook-timestamp` (Unix seconds of this attempt), `webhook-signature: v1,<base64
//! HMAC-SHA256(base64-decoded secret after "whsec_", "{id}.{timestamp}.{body}")>`. The body is
//! `{"type", "timestamp", "data"}`. The target is checked like `testWebhook`'s (no metadata or,
//! unless allowed, private addresses) at every attempt, and only the checked addresses are
//! connected to.

use crate::channel::Channel;
use async_trait::async_trait;
use base64::Engine as _;
use frontdesk_engine::Engine;
use frontdesk_engine::messages::Attempt;
use frontdesk_retell::WebhookTestError;
use frontdesk_retell::webhook_test::check_target;
use frontdesk_store::{Company, Notification};
use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::Sha256;
use std::time::Duration;

pub struct WebhookChannel {
    allow_private: bool,
    timeout: Duration,
}

impl WebhookChannel {
    /// `allow_private`: loopback and private networks may be targets (development, tests).
    pub fn new(allow_private: bool, timeout: Duration) -> WebhookChannel {
        WebhookChannel {
            allow_private,
            timeout,
        }
    }
}

/// `v1,<signature>` of `body` under a `whsec_…` secret.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &str) -> Result<String, String> {
    let key = base64::engine::general_purpose::STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap_or(secret))
        .map_err(|e| format!("the endpoint's secret is not base64: {e}"))?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).map_err(|e| e.to_string())?;
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    Ok(format!(
        "v1,{}",
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    ))
}

#[async_trait]
impl Channel for WebhookChannel {
    fn name(&self) -> &'static str {
        "webhook"
    }

    async fn send(&self, engine: &Engine, _company: &Company, message: &Notification) -> Attempt {
        let target = match engine
            .webhook_target(message.company_id, &message.recipient)
            .await
        {
            Ok(Some(t)) => t,
            Ok(None) => return Attempt::Withdrawn("the endpoint was removed".into()),
            Err(e) => return Attempt::Transient(format!("reading the endpoint: {e}")),
        };
        let checked = match check_target(&target.url, self.allow_private, self.timeout).await {
            Ok(c) => c,
            // A bad URL or an inside address stays so: retrying would send nowhere else.
            Err(e @ (WebhookTestError::InvalidUrl(_) | WebhookTestError::Forbidden { .. })) => {
                return Attempt::Permanent(e.to_string());
            }
            Err(e) => return Attempt::Transient(e.to_string()),
        };
        let now = engine.now();
        let id = format!("msg_{}", message.id);
        let body = json!({
            "type": message.kind,
            "timestamp": message.created_at.to_string(),
            "data": message.payload,
        })
        .to_string();
        let signature = match sign(&target.secret, &id, now.as_second(), &body) {
            Ok(s) => s,
            Err(e) => return Attempt::Permanent(e),
        };
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .timeout(self.timeout);
        if let Some(url::Host::Domain(domain)) = checked.url.host() {
            builder = builder.resolve_to_addrs(domain, &checked.addrs);
        }
        let client = match builder.build() {
            Ok(c) => c,
            Err(e) => return Attempt::Transient(format!("HTTP client: {e}")),
        };
        let sent = client
            .post(checked.url.as_str())
            .header("content-type", "application/json")
            .header("webhook-id", &id)
            .header("webhook-timestamp", now.as_second().to_string())
            .header("webhook-signature", signature)
            .body(body)
            .send()
            .await;
        match sent {
            Err(e) if e.is_timeout() => {
                Attempt::Transient(format!("no answer within {:?}", self.timeout))
            }
            Err(e) => Attempt::Transient(format!("{} unreachable: {e}", checked.host)),
            Ok(r) if r.status().is_success() => Attempt::Sent {
                provider_id: Some(id),
            },
            Ok(r) => {
                let status = r.status().as_u16();
                let detail = format!("the endpoint answered {status}");
                if status == 408 || status == 429 || status >= 500 {
                    Attempt::Transient(detail)
                } else {
                    Attempt::Permanent(detail)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Standard Webhooks specification's own example (also what its Python library
    /// `standardwebhooks` signs for these inputs).
    #[test]
    fn signs_the_specifications_example() {
        let signature = sign(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1_614_265_330,
            r#"{"test": 2432232314}"#,
        );
        assert_eq!(
            signature.as_deref(),
            Ok("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        );
        assert!(sign("whsec_not base64!", "m", 1, "{}").is_err());
    }
}
