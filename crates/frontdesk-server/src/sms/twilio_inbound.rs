//! `POST /api/sms/twilio/inbound`: a text message a customer sends to the business's number
//! (Twilio's "a message comes in" webhook), verified with `X-Twilio-Signature` like the status
//! callback. A yes in any shipped language (`sms-reply-yes-words`: "SIM", "JA", "OUI", …)
//! confirms the place held for the sender's number from the waitlist: the same as booking it
//! on a call, with the confirmation texted through the outbox. The answer is TwiML: empty
//! after a confirmation (the confirmation text follows), otherwise one short reply in the
//! business's language (nothing is held; or reply YES to take the held place).

use crate::error::ApiError;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use frontdesk_delivery::render::{SmsReply, is_yes, sms_reply};
use frontdesk_delivery::twilio::signature_matches;
use frontdesk_domain::Language;

pub const INBOUND_PATH: &str = "/api/sms/twilio/inbound";

/// Answer a text message a customer sent
#[utoipa::path(
    post,
    path = "/api/sms/twilio/inbound",
    operation_id = "twilioInboundMessage",
    tag = "sms",
    summary = "A text message a customer sent to the business's number",
    description = "Verified with `X-Twilio-Signature` (HMAC-SHA1 with the receiving account's \
        auth token over `{public_url}/api/sms/twilio/inbound` and the form's fields sorted by \
        name). A yes in any shipped language confirms the place held for `From` from the \
        waitlist (the confirmation is texted); the answer is TwiML, with a short reply when \
        nothing was confirmed.",
    params(("X-Twilio-Signature" = String, Header, description = "Twilio's signature of this request")),
    request_body(content = crate::openapi::TwilioInboundForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "TwiML: `<Response/>` after a confirmation, else `<Response><Message>…</Message></Response>`", content_type = "text/xml", body = String),
        (status = 400, description = "`INVALID_CALLBACK`: `AccountSid` or `From` missing", body = crate::openapi::ErrorBody),
        (status = 403, description = "`INVALID_SIGNATURE`: missing or wrong `X-Twilio-Signature`, or an account frontdesk does not know", body = crate::openapi::ErrorBody),
    ),
)]
pub async fn post(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    match handle(&state, &headers, &body).await {
        Ok(reply) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
            twiml(reply.as_deref()),
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}

/// The reply to send back, if any.
async fn handle(
    state: &AppState,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Option<String>, ApiError> {
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
            "the X-Twilio-Signature header does not match this request",
        )
    };
    let signature = headers
        .get(super::twilio_status::SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(forbidden)?;
    let account = field("AccountSid").ok_or_else(|| bad("AccountSid is missing"))?;
    let token = super::twilio_status::auth_token(state, account)
        .await?
        .ok_or_else(forbidden)?;
    let url = format!(
        "{}{INBOUND_PATH}",
        state.settings.public_url.trim_end_matches('/')
    );
    if !signature_matches(&token, &url, &params, signature) {
        tracing::warn!(account, "Twilio inbound message with a wrong signature");
        return Err(forbidden());
    }
    let from = field("From").ok_or_else(|| bad("From is missing"))?;
    let text = field("Body").unwrap_or_default();

    if is_yes(text)
        && let Some((company, booking)) = state
            .engine
            .confirm_offer_by_text(from)
            .await
            .map_err(ApiError::from)?
    {
        tracing::info!(
            booking_id = booking.id,
            company_id = company.id,
            "a held place confirmed by text message"
        );
        return Ok(None);
    }
    // Nothing confirmed: say why, in the language of the business that holds a place for the
    // sender (or whose number was texted).
    let held = state
        .engine
        .held_offer_company(from)
        .await
        .map_err(ApiError::from)?;
    let (language, reply) = match held {
        Some(company) => (company.language, SmsReply::SayYes),
        None => (
            receiving_company_language(state, field("To")).await,
            SmsReply::NothingHeld,
        ),
    };
    Ok(Some(sms_reply(&language, reply)))
}

/// The language of the company texting from `to` (its own sender), else en-US.
async fn receiving_company_language(state: &AppState, to: Option<&str>) -> Language {
    let english = || "en-US".parse().expect("en-US is a language tag");
    let Some(to) = to else {
        return english();
    };
    match state.engine.companies().await {
        Ok(companies) => companies
            .into_iter()
            .find(|c| c.messaging.sms_from.as_deref() == Some(to))
            .map(|c| c.language)
            .unwrap_or_else(english),
        Err(_) => english(),
    }
}

/// TwiML with at most one message.
fn twiml(reply: Option<&str>) -> String {
    match reply {
        None => "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>".to_string(),
        Some(text) => format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message>{}</Message></Response>",
            frontdesk_delivery::render::escape(text)
        ),
    }
}
