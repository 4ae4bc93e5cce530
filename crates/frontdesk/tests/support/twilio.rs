//! A local stand-in for Twilio's Messages API, behaving as Twilio documents it: `POST
//! /2010-04-01/Accounts/{AccountSid}/Messages.json` with HTTP Basic auth (SID, auth token) and
//! the form fields `To`, `From` or `MessagingServiceSid`, `Body`, `StatusCallback`; `201` with
//! the new message's `sid`; errors as `{"code", "message", "more_info", "status"}`. `GET` on the
//! same path lists the messages, filtered by `To`. A message counts as accepted when its
//! request arrives (as at Twilio, whose answer can be lost on the way back).

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use base64::Engine as _;
use serde_json::json;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const ACCOUNT_SID: &str = "AC00000000000000000000000000000001";
pub const AUTH_TOKEN: &str = "stand-in-auth-token";
pub const FROM: &str = "+15005550006";
/// A second account, as a company with its own Twilio account has.
pub const OWN_ACCOUNT_SID: &str = "AC00000000000000000000000000000002";
pub const OWN_AUTH_TOKEN: &str = "the-company-s-own-token";

#[derive(Debug, Clone)]
pub struct Sms {
    pub sid: String,
    /// The account it was sent with.
    pub account_sid: String,
    pub to: String,
    pub from: Option<String>,
    pub messaging_service_sid: Option<String>,
    pub body: String,
    pub status_callback: Option<String>,
}

#[derive(Default)]
struct Inner {
    received: Vec<Sms>,
    /// Statuses to answer the next POSTs with (500, 503, …) before accepting again.
    fail_next: VecDeque<u16>,
    /// Numbers Twilio refuses (400, error 21211).
    invalid_numbers: Vec<String>,
    /// How long accepted messages take to be answered.
    delay: Duration,
    bad_auth: usize,
}

#[derive(Clone)]
pub struct TwilioStandIn {
    inner: Arc<Mutex<Inner>>,
    pub base: String,
}

impl TwilioStandIn {
    pub async fn start() -> TwilioStandIn {
        let inner = Arc::new(Mutex::new(Inner::default()));
        let app = Router::new()
            .route(
                "/2010-04-01/Accounts/{sid}/Messages.json",
                post(create).get(list),
            )
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the Twilio stand-in");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        TwilioStandIn { inner, base }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The environment that points `frontdesk` at this stand-in.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("FRONTDESK_TWILIO_ACCOUNT_SID", ACCOUNT_SID.to_string()),
            ("FRONTDESK_TWILIO_AUTH_TOKEN", AUTH_TOKEN.to_string()),
            ("FRONTDESK_TWILIO_FROM", FROM.to_string()),
            ("FRONTDESK_TWILIO_API_BASE", self.base.clone()),
        ]
    }

    pub fn fail_next(&self, statuses: &[u16]) {
        self.lock().fail_next.extend(statuses.iter().copied());
    }

    pub fn refuse_number(&self, number: &str) {
        self.lock().invalid_numbers.push(number.to_string());
    }

    pub fn set_delay(&self, delay: Duration) {
        self.lock().delay = delay;
    }

    pub fn received(&self) -> Vec<Sms> {
        self.lock().received.clone()
    }

    pub fn requests_with_bad_auth(&self) -> usize {
        self.lock().bad_auth
    }

    /// Waits until `done` holds of the messages received (panics after `within`).
    pub async fn wait_for(
        &self,
        within: Duration,
        what: &str,
        done: impl Fn(&[Sms]) -> bool,
    ) -> Vec<Sms> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let received = self.received();
            if done(&received) {
                return received;
            }
            if tokio::time::Instant::now() > deadline {
                panic!("the Twilio stand-in did not get {what} within {within:?}: {received:#?}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

fn twilio_error(status: u16, code: i64, message: &str) -> Response {
    (
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        axum::Json(json!({
            "code": code,
            "message": message,
            "more_info": format!("https://www.twilio.com/docs/errors/{code}"),
            "status": status,
        })),
    )
        .into_response()
}

fn authorized(headers: &HeaderMap, sid: &str) -> bool {
    let token = match sid {
        ACCOUNT_SID => AUTH_TOKEN,
        OWN_ACCOUNT_SID => OWN_AUTH_TOKEN,
        _ => return false,
    };
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{sid}:{token}"))
    );
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == expected)
}

async fn create(
    State(inner): State<Arc<Mutex<Inner>>>,
    Path(sid): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !authorized(&headers, &sid) {
        inner.lock().unwrap_or_else(|e| e.into_inner()).bad_auth += 1;
        return twilio_error(401, 20003, "Authenticate");
    }
    let form: HashMap<String, String> = url::form_urlencoded::parse(&body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let (Some(to), Some(text)) = (form.get("To"), form.get("Body")) else {
        return twilio_error(400, 21604, "A 'To' phone number and a 'Body' are required.");
    };
    if !form.contains_key("From") && !form.contains_key("MessagingServiceSid") {
        return twilio_error(
            400,
            21603,
            "A 'From' or 'MessagingServiceSid' parameter is required.",
        );
    }
    let delay = {
        let mut state = inner.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(status) = state.fail_next.pop_front() {
            return twilio_error(status, 20500, "Internal Server Error");
        }
        if state.invalid_numbers.contains(to) {
            return twilio_error(
                400,
                21211,
                &format!("The 'To' number {to} is not a valid phone number."),
            );
        }
        let sms = Sms {
            sid: format!("SM{:032x}", state.received.len() + 1),
            account_sid: sid.clone(),
            to: to.clone(),
            from: form.get("From").cloned(),
            messaging_service_sid: form.get("MessagingServiceSid").cloned(),
            body: text.clone(),
            status_callback: form.get("StatusCallback").cloned(),
        };
        state.received.push(sms);
        state.delay
    };
    tokio::time::sleep(delay).await;
    let state = inner.lock().unwrap_or_else(|e| e.into_inner());
    let sms = state
        .received
        .iter()
        .rev()
        .find(|s| &s.to == to && &s.body == text)
        .cloned()
        .expect("just recorded");
    (
        StatusCode::CREATED,
        axum::Json(json!({
            "sid": sms.sid,
            "account_sid": ACCOUNT_SID,
            "to": sms.to,
            "from": sms.from,
            "body": sms.body,
            "status": "queued",
        })),
    )
        .into_response()
}

async fn list(
    State(inner): State<Arc<Mutex<Inner>>>,
    Path(sid): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    if !authorized(&headers, &sid) {
        return twilio_error(401, 20003, "Authenticate");
    }
    let state = inner.lock().unwrap_or_else(|e| e.into_inner());
    let messages: Vec<_> = state
        .received
        .iter()
        .filter(|s| query.get("To").is_none_or(|to| to == &s.to))
        .map(
            |s| json!({"sid": s.sid, "to": s.to, "from": s.from, "body": s.body, "status": "sent"}),
        )
        .collect();
    axum::Json(json!({"messages": messages, "page": 0})).into_response()
}

/// `X-Twilio-Signature` of a callback, computed here as Twilio documents it (independently
/// of frontdesk's code): base64 HMAC-SHA1 over the URL and the sorted name+value pairs.
pub fn sign(url: &str, params: &[(&str, &str)]) -> String {
    sign_with(AUTH_TOKEN, url, params)
}

/// [`sign`] with another account's token.
pub fn sign_with(token: &str, url: &str, params: &[(&str, &str)]) -> String {
    use hmac::{Hmac, Mac};
    let mut sorted = params.to_vec();
    sorted.sort();
    let mut data = url.to_string();
    for (k, v) in sorted {
        data.push_str(k);
        data.push_str(v);
    }
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(token.as_bytes()).expect("key");
    mac.update(data.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}
