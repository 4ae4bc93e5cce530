//! Outbound webhooks: a company's endpoints and the events queued for them.
//!
//! An event is an outbox row like a text message (`channel` `webhook`, `recipient` the
//! endpoint's id, `kind` the event name), written in the transaction of the change it reports,
//! so it is retried, listed and logged like any message. The delivery worker signs each POST
//! per the Standard Webhooks specification with the endpoint's `whsec_…` secret, which is
//! stored encrypted (it must be read back to sign).

use crate::Engine;
use crate::error::{EngineError, EngineResult, NotFoundAs};
use base64::Engine as _;
use frontdesk_domain::CompanyId;
use frontdesk_store::{NewNotification, NewWebhookEndpoint, Notification, WebhookEndpoint};
use rand::RngCore;
use serde_json::{Value, json};

pub const WEBHOOK: &str = "webhook";
pub const CALL_ENDED: &str = "call.ended";

/// Every event an endpoint can receive.
pub const EVENTS: [&str; 6] = [
    "booking.created",
    "booking.rescheduled",
    "booking.cancelled",
    "call.ended",
    "message.failed",
    "webhook.test",
];

/// An endpoint just added, with its secret (shown once).
#[derive(Debug, Clone)]
pub struct AddedWebhook {
    pub endpoint: WebhookEndpoint,
    pub secret: String,
    /// The secret was generated (not given): show it once.
    pub generated: bool,
}

/// Where and with what secret an event row goes.
#[derive(Debug, Clone)]
pub struct WebhookTarget {
    pub url: String,
    pub secret: String,
}

fn secret_aad(company_id: CompanyId) -> Vec<u8> {
    format!("frontdesk:webhook_secret:company:{company_id}").into_bytes()
}

/// How long the DNS look-up of a new endpoint's host may take.
const RESOLVE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(3);

/// `http(s)://host…`, no credentials, at most 2,000 characters. Where it points (loopback,
/// private networks) is checked by [`Engine::add_webhook`] and again when sending, as DNS
/// may change.
pub fn check_url(url: &str) -> EngineResult<String> {
    let url = url.trim();
    let bad = |why: &str| EngineError::invalid("url", format!("{url:?} {why}"));
    if url.len() > 2000 {
        return Err(bad("is longer than 2000 characters"));
    }
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| bad("is not an http:// or https:// URL"))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.is_empty() || authority.contains('@') || url.chars().any(char::is_whitespace) {
        return Err(bad("needs a host, without credentials or spaces"));
    }
    Ok(url.to_string())
}

/// `whsec_` and base64 of at least 16 bytes (the Standard Webhooks secret form).
pub fn check_secret(secret: &str) -> EngineResult<()> {
    let key = secret.trim().strip_prefix("whsec_").unwrap_or("");
    match base64::engine::general_purpose::STANDARD.decode(key) {
        Ok(bytes) if bytes.len() >= 16 => Ok(()),
        _ => Err(EngineError::invalid(
            "secret",
            "a webhook secret is whsec_ followed by base64 of at least 16 bytes",
        )),
    }
}

/// Event names as given: each must be one of [`EVENTS`]; empty means all.
pub fn check_events(events: &[String]) -> EngineResult<Vec<String>> {
    let mut out = Vec::new();
    for e in events.iter().map(|e| e.trim()).filter(|e| !e.is_empty()) {
        if !EVENTS.contains(&e) {
            return Err(EngineError::invalid(
                "events",
                format!("unknown event {e:?} (one of {})", EVENTS.join(", ")),
            ));
        }
        if !out.iter().any(|o| o == e) {
            out.push(e.to_string());
        }
    }
    Ok(out)
}

impl Engine {
    /// Adds an endpoint; its secret is generated (`whsec_` + 24 random bytes, base64) unless
    /// given, and returned once.
    pub async fn add_webhook(
        &self,
        company_id: CompanyId,
        url: &str,
        events: &[String],
        secret: Option<&str>,
    ) -> EngineResult<AddedWebhook> {
        let url = self.check_webhook_target(&check_url(url)?).await?;
        let events = check_events(events)?;
        let generated = secret.is_none();
        let secret = match secret.map(str::trim) {
            Some(s) => {
                check_secret(s)?;
                s.to_string()
            }
            None => {
                let mut bytes = [0u8; 24];
                rand::thread_rng().fill_bytes(&mut bytes);
                format!(
                    "whsec_{}",
                    base64::engine::general_purpose::STANDARD.encode(bytes)
                )
            }
        };
        let secrets = self.secrets_to_store("secret")?;
        let secret_enc = secrets.encrypt(&secret, &secret_aad(company_id))?;
        let endpoint = self
            .store
            .create_webhook_endpoint(NewWebhookEndpoint {
                company_id,
                url,
                events,
                secret_enc,
                now: self.now(),
            })
            .await?;
        self.catalog_changed(company_id);
        Ok(AddedWebhook {
            endpoint,
            secret,
            generated,
        })
    }

    /// The SSRF rule of `testWebhook` (`frontdesk_retell::webhook_test`): the URL parses as
    /// http(s) with a host, and neither an address literal nor what the name resolves to now
    /// is an inside address (loopback, private, link-local… unless private targets are
    /// allowed; cloud metadata, multicast and unspecified ever). A name that does not
    /// resolve now is accepted: every send resolves and checks it again.
    pub(crate) async fn check_webhook_target(&self, url: &str) -> EngineResult<String> {
        use frontdesk_retell::WebhookTestError;
        let parsed = frontdesk_retell::parse_http_url(url)
            .map_err(|e| EngineError::invalid("url", e.to_string()))?;
        match frontdesk_retell::check_target(
            parsed.as_str(),
            self.private_webhook_targets,
            RESOLVE_TIMEOUT,
        )
        .await
        {
            Ok(_) | Err(WebhookTestError::Resolve(_)) => Ok(url.to_string()),
            Err(WebhookTestError::Forbidden { host, ip, reason }) => Err(EngineError::invalid(
                "url",
                format!(
                    "{host} is {ip}, a {reason} address: webhooks go to public addresses only \
                     (allow_private_webhook_targets lets development use private ones)"
                ),
            )),
            Err(e) => Err(EngineError::invalid("url", e.to_string())),
        }
    }

    pub async fn webhooks(&self, company_id: CompanyId) -> EngineResult<Vec<WebhookEndpoint>> {
        Ok(self.store.list_webhook_endpoints(company_id).await?)
    }

    pub async fn webhook(&self, id: i64) -> EngineResult<WebhookEndpoint> {
        self.store
            .get_webhook_endpoint(id)
            .await
            .or_not_found("webhook endpoint")
    }

    /// Stops the endpoint receiving events; its delivery log stays.
    pub async fn remove_webhook(&self, id: i64) -> EngineResult<WebhookEndpoint> {
        let removed = self
            .store
            .disable_webhook_endpoint(id, self.now())
            .await
            .or_not_found("webhook endpoint")?;
        self.catalog_changed(removed.company_id);
        Ok(removed)
    }

    /// Queues a `webhook.test` ping to the endpoint.
    pub async fn test_webhook(&self, id: i64) -> EngineResult<Notification> {
        let endpoint = self.webhook(id).await?;
        if endpoint.disabled_at.is_some() {
            return Err(EngineError::invalid("id", "this endpoint was removed"));
        }
        let queued = self
            .store
            .enqueue_notification(NewNotification {
                company_id: endpoint.company_id,
                booking_id: None,
                kind: "webhook.test".into(),
                channel: WEBHOOK.into(),
                recipient: endpoint.id.to_string(),
                payload: json!({ "endpoint_id": endpoint.id, "message": "a test from frontdesk" }),
                now: self.now(),
                due_at: None,
            })
            .await?;
        self.messages_queued();
        Ok(queued)
    }

    /// The URL and secret an event row of `company_id` goes to; `None` when the endpoint was
    /// removed (its pending events are then not sent).
    pub async fn webhook_target(
        &self,
        company_id: CompanyId,
        recipient: &str,
    ) -> EngineResult<Option<WebhookTarget>> {
        let id: i64 = recipient
            .parse()
            .map_err(|_| EngineError::Internal(format!("webhook recipient {recipient:?}")))?;
        let endpoint = self.webhook(id).await?;
        if endpoint.company_id != company_id || endpoint.disabled_at.is_some() {
            return Ok(None);
        }
        let secrets = self.secrets_to_read("webhook secret")?;
        let secret = secrets.decrypt(&endpoint.secret_enc, &secret_aad(company_id))?;
        Ok(Some(WebhookTarget {
            url: endpoint.url,
            secret,
        }))
    }

    /// Queues `event` to every endpoint of the company that wants it, outside a booking
    /// change (a failed message).
    pub(crate) async fn queue_event(
        &self,
        company_id: CompanyId,
        booking_id: Option<i64>,
        event: &str,
        data: Value,
    ) -> EngineResult<usize> {
        let rows = self.event_rows(company_id, booking_id, event, data).await?;
        for row in &rows {
            self.store.enqueue_notification(row.clone()).await?;
        }
        if !rows.is_empty() {
            self.messages_queued();
        }
        Ok(rows.len())
    }

    /// The outbox rows of `event` for every endpoint of the company that wants it, for the
    /// caller to write (alone, or in the transaction of what the event reports).
    pub(crate) async fn event_rows(
        &self,
        company_id: CompanyId,
        booking_id: Option<i64>,
        event: &str,
        data: Value,
    ) -> EngineResult<Vec<NewNotification>> {
        let catalog = self.catalog(company_id).await?;
        let now = self.now();
        Ok(catalog
            .webhooks
            .iter()
            .filter(|e| e.wants(event))
            .map(|endpoint| NewNotification {
                company_id,
                booking_id,
                kind: event.to_string(),
                channel: WEBHOOK.into(),
                recipient: endpoint.id.to_string(),
                payload: data.clone(),
                now,
                due_at: None,
            })
            .collect())
    }
}

/// The event a booking message reports, by the message's kind.
pub fn booking_event(kind: &str) -> Option<&'static str> {
    match kind {
        "booking_confirmed" | "waitlist_booked" => Some("booking.created"),
        "booking_rescheduled" => Some("booking.rescheduled"),
        "booking_cancelled" => Some("booking.cancelled"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_events_are_checked() {
        assert!(check_url("https://hooks.example.com/in?x=1").is_ok());
        for bad in [
            "ftp://x",
            "https://",
            "https://user:pw@host/",
            "http://a b",
            "hooks.example.com",
        ] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
        assert_eq!(
            check_events(&["booking.created".into(), " booking.created ".into()]).expect("ok"),
            ["booking.created"]
        );
        assert!(check_events(&["booking.deleted".into()]).is_err());
    }
}
