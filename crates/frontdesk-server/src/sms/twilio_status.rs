//! `POST /api/sms/twilio/status`: Twilio's status callback for a message it accepted.
//!
//! The form is verified with `X-Twilio-Signature` (HMAC-SHA1 with the auth token of the
//! account that sent the message: the server's, or a company's own) over the URL Twilio was
//! given, `{public_url}/api/sms/twilio/status`, and the form's fields; a missing or wrong
//! signature is 403 and changes nothing. `MessageStatus` `delivered` moves the message to
//! `delivered`; `undelivered` and `failed` to `failed` with Twilio's `ErrorCode`; the steps
//! before (`queued`, `sending`, `sent`, …) are acknowledged and change nothing. 204 when
//! applied or acknowledged; 404 for a `MessageSid` frontdesk never sent.

use crate::error::ApiError;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use frontdesk_delivery::twilio::{STATUS_CALLBACK_PATH, signature_matches};
use frontdesk_engine::EngineError;
use frontdesk_store::ProviderReport;

pub const SIGNATURE_HEADER: &str = "x-twilio-signature";

/// Report what became of a text message
#[utoipa::path(
    post,
    path = "/api/sms/twilio/status",
    operation_id = "twilioStatusCallback",
    tag = "sms",
    summary = "Twilio's status callback for a text message frontdesk sent",
    description = "Verified with `X-Twilio-Signature` (HMAC-SHA1 with the sending account's \
        auth token over `{public_url}/api/sms/twilio/status` and the form's fields sorted by \
        name). `delivered` marks the message delivered; `undelivered` and `failed` mark it \
        failed with Twilio's `ErrorCode`; other statuses are acknowledged.",
    params(("X-Twilio-Signature" = String, Header, description = "Twilio's signature of this callback")),
    request_body(content = crate::openapi::TwilioStatusForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 204, description = "Applied, or a status on the way that changes nothing"),
        (status = 400, description = "`INVALID_CALLBACK`: `AccountSid`, `MessageSid` or `MessageStatus` missing", body = crate::openapi::ErrorBody),
        (status = 403, description = "`INVALID_SIGNATURE`: missing or wrong `X-Twilio-Signature`, or an account frontdesk does not know", body = crate::openapi::ErrorBody),
        (status = 404, description = "`NOT_FOUND`: no message was sent with this `MessageSid`", body = crate::openapi::ErrorBody),
    ),
)]
pub async fn post(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    match handle(&state, &headers, &body).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => e.into_response(),
    }
}

async fn handle(state: &AppState, headers: &HeaderMap, body: &[u8]) -> Result<(), ApiError> {
    let params: Vec<(String, String)> = url::form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let field = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    };
    let bad = |m: &str| ApiError::new(StatusCode::BAD_REQUEST, "INVALID_CALLBACK", m);
    let forbidden = || {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "INVALID_SIGNATURE",
            "the X-Twilio-Signature header does not match this callback",
        )
    };
    let signature = headers
        .get(SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(forbidden)?;
    let account = field("AccountSid").ok_or_else(|| bad("AccountSid is missing"))?;
    let token = auth_token(state, account).await?.ok_or_else(forbidden)?;
    let url = format!(
        "{}{STATUS_CALLBACK_PATH}",
        state.settings.public_url.trim_end_matches('/')
    );
    if !signature_matches(&token, &url, &params, signature) {
        tracing::warn!(account, "Twilio status callback with a wrong signature");
        return Err(forbidden());
    }
    let sid = field("MessageSid")
        .or_else(|| field("SmsSid"))
        .ok_or_else(|| bad("MessageSid is missing"))?;
    let status = field("MessageStatus")
        .or_else(|| field("SmsStatus"))
        .ok_or_else(|| bad("MessageStatus is missing"))?;
    let report = match status {
        "delivered" => ProviderReport::Delivered,
        "undelivered" | "failed" => ProviderReport::Failed {
            error: match field("ErrorCode") {
                Some(code) => format!("Twilio reported the message {status} (error {code})"),
                None => format!("Twilio reported the message {status}"),
            },
        },
        // queued, accepted, scheduled, sending, sent, receiving, received, read, canceled:
        // steps on the way, nothing to record.
        _ => return Ok(()),
    };
    match state.engine.message_report("sms", sid, report).await {
        Ok(message) => {
            tracing::info!(message_id = message.id, status, "Twilio status applied");
            Ok(())
        }
        Err(EngineError::NotFound { .. }) => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            "no message was sent with this MessageSid",
        )),
        Err(e) => Err(ApiError::from(e)),
    }
}

/// The auth token of the account that sent (or received) the message: the server's, or a
/// company's own.
pub(crate) async fn auth_token(
    state: &AppState,
    account: &str,
) -> Result<Option<String>, ApiError> {
    if let (Some(sid), Some(token)) = (
        &state.settings.twilio_account_sid,
        &state.settings.twilio_auth_token,
    ) && sid == account
    {
        return Ok(Some(token.clone()));
    }
    state
        .engine
        .twilio_token_for_account(account)
        .await
        .map_err(ApiError::from)
}
