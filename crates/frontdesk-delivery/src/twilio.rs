//! SMS through Twilio's Messages API, the shape many SMS providers copy:
//! `POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json`, HTTP Basic auth (account SID,
//! auth token), form fields `To`, `From` or `MessagingServiceSid`, `Body`, `StatusCallback`;
//! `201` with the message's `sid`. Twilio signs the status callbacks it sends back with
//! `X-Twilio-Signature` (see [`signature`]).

use crate::channel::Channel;
use crate::render::Facts;
use async_trait::async_trait;
use base64::Engine as _;
use frontdesk_engine::Engine;
use frontdesk_engine::messages::Attempt;
use frontdesk_store::{Company, Notification, UNFINISHED_ATTEMPT};
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha1::Sha1;
use std::time::Duration;

pub const DEFAULT_API_BASE: &str = "https://api.twilio.com";
/// Where Twilio posts a message's status changes, under the server's public URL.
pub const STATUS_CALLBACK_PATH: &str = "/api/sms/twilio/status";

/// The server-wide Twilio account; a company may bring its own sender or account.
#[derive(Debug, Clone)]
pub struct TwilioSettings {
    pub account_sid: String,
    pub auth_token: String,
    /// The default sender number (E.164), unless a Messaging Service picks it.
    pub from: Option<String>,
    pub messaging_service_sid: Option<String>,
    /// `https://api.twilio.com`, or a stand-in's address.
    pub api_base: String,
    /// The full status callback URL (`{public_url}/api/sms/twilio/status`); `None` sends
    /// none (Twilio then reports nothing back and messages stay `sent`).
    pub status_callback: Option<String>,
    pub timeout: Duration,
}

pub struct TwilioSms {
    settings: TwilioSettings,
    http: reqwest::Client,
}

impl TwilioSms {
    pub fn new(settings: TwilioSettings) -> Result<TwilioSms, String> {
        let http = reqwest::Client::builder()
            .timeout(settings.timeout)
            .connect_timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("cannot build the Twilio HTTP client: {e}"))?;
        Ok(TwilioSms { settings, http })
    }
}

/// Twilio's error body: `{"code": 21211, "message": "The 'To' number … is not valid.", …}`.
#[derive(Deserialize)]
struct TwilioError {
    code: Option<i64>,
    message: Option<String>,
}

#[derive(Deserialize)]
struct Created {
    sid: String,
}

/// A page of Twilio's message list.
#[derive(Deserialize)]
struct MessagePage {
    #[serde(default)]
    messages: Vec<Listed>,
}

#[derive(Deserialize)]
struct Listed {
    sid: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    body: String,
}

impl TwilioSms {
    /// The sid of a message with this body Twilio already took for `to` since the row was
    /// queued (its list, filtered by `To` and `DateSent>=`), if any.
    async fn already_sent(
        &self,
        account_sid: &str,
        auth_token: &str,
        to: &str,
        body: &str,
        message: &Notification,
    ) -> Result<Option<String>, String> {
        let url = format!(
            "{}/2010-04-01/Accounts/{}/Messages.json",
            self.settings.api_base.trim_end_matches('/'),
            account_sid
        );
        let since = message
            .created_at
            .to_zoned(jiff::tz::TimeZone::UTC)
            .date()
            .to_string();
        let response = self
            .http
            .get(&url)
            .basic_auth(account_sid, Some(auth_token))
            .query(&[
                ("To", to),
                ("DateSent>", since.as_str()),
                ("PageSize", "100"),
            ])
            .send()
            .await
            .map_err(|e| format!("Twilio unreachable (checking for an earlier send): {e}"))?;
        if !response.status().is_success() {
            return Err(format!(
                "Twilio {} when checking for an earlier send",
                response.status().as_u16()
            ));
        }
        let page: MessagePage = response
            .json()
            .await
            .map_err(|e| format!("Twilio's message list did not parse: {e}"))?;
        Ok(page
            .messages
            .into_iter()
            .find(|m| m.to == to && m.body == body)
            .map(|m| m.sid))
    }
}

#[async_trait]
impl Channel for TwilioSms {
    fn name(&self) -> &'static str {
        "sms"
    }

    async fn send(&self, engine: &Engine, company: &Company, message: &Notification) -> Attempt {
        let facts = match Facts::read(company, message) {
            Ok(f) => f,
            Err(e) => return Attempt::Permanent(e.to_string()),
        };
        let messaging = &company.messaging;
        // A company's own account, else the server's.
        let (account_sid, auth_token) = match &messaging.twilio_account_sid {
            Some(sid) => match engine.twilio_auth_token(company.id).await {
                Ok(Some(token)) => (sid.clone(), token),
                Ok(None) => {
                    return Attempt::Permanent(format!(
                        "the company's Twilio account {sid} has no auth token stored"
                    ));
                }
                Err(e) => return Attempt::Transient(format!("reading the Twilio token: {e}")),
            },
            None => (
                self.settings.account_sid.clone(),
                self.settings.auth_token.clone(),
            ),
        };
        let mut form: Vec<(&str, String)> = vec![("To", message.recipient.clone())];
        let service =
            messaging
                .twilio_messaging_service_sid
                .clone()
                .or_else(|| match &messaging.sms_from {
                    Some(_) => None,
                    None => self.settings.messaging_service_sid.clone(),
                });
        match (&messaging.sms_from, service) {
            (Some(from), _) => form.push(("From", from.clone())),
            (None, Some(sid)) => form.push(("MessagingServiceSid", sid)),
            (None, None) => match &self.settings.from {
                Some(from) => form.push(("From", from.clone())),
                None => {
                    return Attempt::Permanent(
                        "no SMS sender: set FRONTDESK_TWILIO_FROM or the company's \
                         messaging.sms_from"
                            .into(),
                    );
                }
            },
        }
        let body = facts.sms();
        if message.last_error.as_deref() == Some(UNFINISHED_ATTEMPT) {
            // The last attempt may have reached Twilio: ask before texting the customer again.
            match self
                .already_sent(
                    &account_sid,
                    &auth_token,
                    &message.recipient,
                    &body,
                    message,
                )
                .await
            {
                Ok(Some(sid)) => {
                    tracing::info!(
                        message_id = message.id,
                        sid,
                        "found at Twilio: not sent again"
                    );
                    return Attempt::Sent {
                        provider_id: Some(sid),
                    };
                }
                Ok(None) => {}
                Err(e) => return Attempt::Transient(e),
            }
        }
        form.push(("Body", body));
        if let Some(callback) = &self.settings.status_callback {
            form.push(("StatusCallback", callback.clone()));
        }
        let url = format!(
            "{}/2010-04-01/Accounts/{}/Messages.json",
            self.settings.api_base.trim_end_matches('/'),
            account_sid
        );
        let response = match self
            .http
            .post(&url)
            .basic_auth(&account_sid, Some(&auth_token))
            .form(&form)
            .send()
            .await
        {
            Ok(r) => r,
            Err(e) => return Attempt::Transient(format!("Twilio unreachable: {e}")),
        };
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        if status.is_success() {
            return match serde_json::from_str::<Created>(&body) {
                Ok(created) => Attempt::Sent {
                    provider_id: Some(created.sid),
                },
                // Accepted all the same: sending again would text the customer twice.
                Err(_) => Attempt::Sent { provider_id: None },
            };
        }
        let detail = match serde_json::from_str::<TwilioError>(&body) {
            Ok(TwilioError {
                code: Some(code),
                message: Some(text),
            }) => format!("Twilio {} (error {code}): {text}", status.as_u16()),
            _ => format!(
                "Twilio {}: {}",
                status.as_u16(),
                body.chars().take(200).collect::<String>()
            ),
        };
        if status.is_server_error() || status.as_u16() == 429 {
            Attempt::Transient(detail)
        } else {
            Attempt::Permanent(detail)
        }
    }
}

/// `X-Twilio-Signature` of a callback: base64 of HMAC-SHA1 keyed with the auth token, over the
/// full URL Twilio posted to followed by every POST parameter's name and value, sorted by name,
/// without separators (Twilio's "Webhooks security" document).
pub fn signature(auth_token: &str, url: &str, params: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort();
    let mut mac = Hmac::<Sha1>::new_from_slice(auth_token.as_bytes())
        .expect("HMAC takes a key of any length");
    mac.update(url.as_bytes());
    for (name, value) in sorted {
        mac.update(name.as_bytes());
        mac.update(value.as_bytes());
    }
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// Whether `given` is the callback's signature under `auth_token`, compared in constant time.
pub fn signature_matches(
    auth_token: &str,
    url: &str,
    params: &[(String, String)],
    given: &str,
) -> bool {
    use subtle::ConstantTimeEq;
    let expected = signature(auth_token, url, params);
    expected.as_bytes().ct_eq(given.trim().as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The parameters of Twilio's "Webhooks security" example, signed with the token `12345`;
    /// the expected value was computed apart with Python's `hmac` (url + sorted name+value).
    #[test]
    fn signs_as_twilio_documents() {
        let params: Vec<(String, String)> = [
            ("CallSid", "CA1234567890ABCDE"),
            ("Caller", "+12349013030"),
            ("Digits", "1234"),
            ("From", "+12349013030"),
            ("To", "+18005551212"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let url = "https://mycompany.com/myapp.php?foo=1&bar=2";
        assert_eq!(
            signature("12345", url, &params),
            "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
        );
        assert!(signature_matches(
            "12345",
            url,
            &params,
            "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
        ));
        assert!(!signature_matches(
            "12346",
            url,
            &params,
            "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
        ));
    }
}
