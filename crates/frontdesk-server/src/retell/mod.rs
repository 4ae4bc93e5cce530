//! Retell.ai calls: `POST /api/mcp/retell/custom-function` (the agent's custom functions,
//! mid-call) and `POST /api/mcp/retell/webhook` (`call_started`, `call_ended`,
//! `call_analyzed`).
//!
//! ## Design
//!
//! - **Which company** ([`company`]): from the call's `agent_id` (an agent recorded by
//!   `retell_config`), else from the business's number (`to_number` of an inbound call),
//!   else from a `company` query parameter (slug or numeric id), else from the call recorded
//!   under the request's `call_id` (by its `call_started` webhook), else the one company whose
//!   Retell API key verifies the signature. None: 404 `UNKNOWN_COMPANY`.
//! - **Authentication**: the `X-Retell-Signature` header, checked against the raw body bytes
//!   with that company's Retell API key, exactly as Retell signs (`frontdesk_retell::signature`:
//!   HMAC-SHA256, five-minute window, constant-time compare). The window is measured against
//!   the engine's clock, the one clock of the app (the system clock in production, pinned in
//!   tests, so the DESIGN.md test vector can be checked over HTTP). A missing, malformed,
//!   stale or wrong signature, or a company without a Retell API key, is 401
//!   `INVALID_SIGNATURE` (`reason` says which): nothing unsigned is ever accepted. The body is
//!   parsed before the check only to find the company; nothing is done with it until the
//!   signature holds.
//! - **Test deliveries**: a body marked as a `retell_config.testWebhook` delivery
//!   (`"frontdesk_test"` at its top level, see `frontdesk_retell::webhook_test`) is answered
//!   200 with `"test": true` once its signature holds, and nothing is recorded or run: a
//!   test, signed with the company's real key, can never be replayed as a call.
//! - **Status codes**: Retell reads the body of a 2xx answer and hands it to the agent, so
//!   every outcome of a function, refusals included, is HTTP 200 with
//!   `{"success": false, "message", "code"}`; 4xx/5xx are kept for what the agent cannot fix
//!   (signature 401, unknown company 404, a body that is not JSON 400, JSON that is not a
//!   usable request 422 as for every endpoint, rate limit 429, and 5xx for a fault before
//!   the function or event could run, so that Retell retries; a fault inside a function is a
//!   spoken "try again" with code `TEMPORARILY_UNAVAILABLE`).
//! - **Rate limits**: a verified request counts against the company's webhook allowance
//!   (1000 per minute by default, the gateway's `webhook` bucket), with the `X-RateLimit-*`
//!   headers on the answer; a request that fails authentication counts against its IP.

pub mod company;
pub mod custom_function;
pub mod webhook;

use crate::openapi::{RetellErrorBody, RetellTestAcknowledged};
use crate::rate_limit::{Bucket, RateLimited, RateStatus};
use crate::state::AppState;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use company::{FoundBy, find_company};
use frontdesk_conversation::calls::CallParty;
use frontdesk_engine::EngineError;
use frontdesk_retell::{SIGNATURE_HEADER, SignatureError, is_test_body, signature};
use frontdesk_store::Company;
use serde_json::Value;
use std::net::IpAddr;

/// An answer that is not the function's: authentication, company, malformed requests, faults.
/// The body is [`RetellErrorBody`]: `{"success": false, "message", "code"}` plus `reason`,
/// `events` or `field` where they apply.
#[derive(Debug)]
pub struct RetellError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// `INVALID_SIGNATURE`'s reason (`MISSING`, `MISMATCH`, …).
    pub reason: Option<&'static str>,
    /// `UNKNOWN_EVENT`: the events accepted.
    pub events: Option<Vec<String>>,
    /// `INVALID_CALL`: the field that was wrong.
    pub field: Option<String>,
    pub rate: Option<RateStatus>,
    pub retry_after: Option<u64>,
}

impl RetellError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        RetellError {
            status,
            code,
            message: message.into(),
            reason: None,
            events: None,
            field: None,
            rate: None,
            retry_after: None,
        }
    }

    pub fn with_reason(mut self, reason: &'static str) -> Self {
        self.reason = Some(reason);
        self
    }

    pub fn with_events(mut self, events: &[&str]) -> Self {
        self.events = Some(events.iter().map(|e| e.to_string()).collect());
        self
    }

    pub fn with_field(mut self, field: &str) -> Self {
        self.field = Some(field.to_string());
        self
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        RetellError::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// JSON that is not a usable request (422, as `INVALID_BODY` is on every endpoint).
    pub fn unprocessable(code: &'static str, message: impl Into<String>) -> Self {
        RetellError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }

    pub fn unknown_company() -> Self {
        RetellError::new(
            StatusCode::NOT_FOUND,
            "UNKNOWN_COMPANY",
            "unknown company: the call's agent_id, to_number and call_id belong to no company \
             and no company's Retell API key verifies the signature; add ?company=<slug or id> \
             to the URL",
        )
    }

    pub fn invalid_json(e: &serde_json::Error) -> Self {
        RetellError::bad_request("INVALID_JSON", format!("the body is not valid JSON: {e}"))
    }

    /// A fault of the store or the engine: logged, and a retryable status for Retell.
    pub fn fault(e: EngineError) -> Self {
        let status = match &e {
            EngineError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        tracing::error!(error = ?e, "retell request failed");
        let mut error = RetellError::new(
            status,
            e.code(),
            "the booking system is temporarily unavailable; retry shortly",
        );
        if status == StatusCode::SERVICE_UNAVAILABLE {
            error.retry_after = Some(5);
        }
        error
    }

    /// The same error with the rate-limit headers of the request it answers.
    pub fn counted(mut self, rate: RateStatus) -> Response {
        self.rate = Some(rate);
        self.into_response()
    }

    pub fn rate_limited(limited: RateLimited) -> Self {
        tracing::info!(details = %limited.details, "retell rate limit");
        let mut error = RetellError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "RATE_LIMITED",
            limited.details,
        );
        error.rate = Some(limited.status);
        error.retry_after = Some(limited.retry_after);
        error
    }
}

impl IntoResponse for RetellError {
    fn into_response(self) -> Response {
        let body = RetellErrorBody {
            success: false,
            message: self.message,
            code: self.code.to_string(),
            reason: self.reason.map(str::to_string),
            events: self.events,
            field: self.field,
        };
        let mut response = (self.status, axum::Json(body)).into_response();
        if let Some(rate) = self.rate {
            rate.apply(response.headers_mut());
        }
        if let Some(secs) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

/// Checks the request's `X-Retell-Signature` over `body` with the company's Retell API key.
pub async fn verify_signature(
    state: &AppState,
    company: &Company,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(), RetellError> {
    let refused = |reason: &'static str, message: String| {
        RetellError::new(StatusCode::UNAUTHORIZED, "INVALID_SIGNATURE", message).with_reason(reason)
    };
    let key = state
        .engine
        .retell_api_key(company.id)
        .await
        .map_err(RetellError::fault)?;
    let Some(key) = key else {
        tracing::warn!(
            company_id = company.id,
            "retell request for a company without a Retell API key"
        );
        return Err(refused(
            "NO_RETELL_API_KEY",
            "this company has no Retell API key to check X-Retell-Signature with; set one \
             (frontdesk company set <slug> --retell-api-key …)"
                .into(),
        ));
    };
    let header = match headers.get(SIGNATURE_HEADER).map(HeaderValue::to_str) {
        None => Err(SignatureError::Missing),
        Some(Err(_)) => Err(SignatureError::Malformed("not ASCII")),
        Some(Ok(value)) => Ok(value),
    };
    let now_ms = u64::try_from(state.engine.now().as_millisecond()).unwrap_or(0);
    match header.and_then(|header| signature::verify(&key, body, header, now_ms)) {
        Ok(_) => Ok(()),
        Err(e) => {
            tracing::info!(
                company_id = company.id,
                reason = e.code(),
                "retell signature refused"
            );
            Err(refused(e.code(), e.to_string()))
        }
    }
}

/// What both endpoints do first: find the company of the call, check the signature with its
/// key, and count the request. `Err` is the answer to send (404, 401, 429, 5xx).
pub async fn admit(
    state: &AppState,
    ip: IpAddr,
    party: &CallParty,
    query_company: Option<&str>,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(Company, RateStatus), Response> {
    let named = match find_company(&state.engine, party, query_company).await {
        Ok(named) => named,
        Err(e) => return Err(RetellError::fault(e).into_response()),
    };
    let company = match named {
        Some((company, found_by)) => {
            tracing::debug!(company_id = company.id, ?found_by, "retell company");
            if let Err(refused) = verify_signature(state, &company, headers, body).await {
                return Err(refuse_unauthenticated(state, ip, refused).await);
            }
            company
        }
        // A company named in the URL that does not exist ends the search.
        None if query_company.is_some_and(|c| !c.trim().is_empty()) => {
            return Err(refuse_unauthenticated(state, ip, RetellError::unknown_company()).await);
        }
        None => match signer(state, headers, body).await {
            Ok(Some(company)) => {
                let found_by = FoundBy::Signature;
                tracing::debug!(company_id = company.id, ?found_by, "retell company");
                company
            }
            Ok(None) => {
                return Err(
                    refuse_unauthenticated(state, ip, RetellError::unknown_company()).await,
                );
            }
            Err(e) => return Err(RetellError::fault(e).into_response()),
        },
    };
    tracing::Span::current().record("company_id", company.id);
    match state
        .gateway
        .limits
        .check(company.id, Bucket::Webhook, 1)
        .await
    {
        Ok(rate) => Ok((company, rate)),
        Err(limited) => Err(RetellError::rate_limited(limited).into_response()),
    }
}

/// The company whose Retell API key verifies the request's signature, for a request that
/// names none: the signature says who signed it. Several companies sharing one key are
/// ambiguous (`None`: the URL must name the company). A missing, malformed or stale
/// signature verifies with no key, so no key is read for it.
async fn signer(
    state: &AppState,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Option<Company>, EngineError> {
    let Some(header) = headers.get(SIGNATURE_HEADER).and_then(|v| v.to_str().ok()) else {
        return Ok(None);
    };
    let now_ms = u64::try_from(state.engine.now().as_millisecond()).unwrap_or(0);
    let fresh = signature::parse(header)
        .is_ok_and(|parsed| parsed.timestamp_ms.abs_diff(now_ms) <= signature::MAX_SKEW_MS);
    if !fresh {
        return Ok(None);
    }
    let mut signers = state
        .engine
        .retell_keys()
        .await?
        .into_iter()
        .filter(|(_, key)| signature::verify(key, body, header, now_ms).is_ok())
        .map(|(company, _)| company);
    match (signers.next(), signers.next()) {
        (Some(company), None) => Ok(Some(company)),
        (Some(first), Some(second)) => {
            tracing::info!(
                first = first.id,
                second = second.id,
                "retell signature verifies with the key of several companies"
            );
            Ok(None)
        }
        (None, _) => Ok(None),
    }
}

/// Answers a `retell_config.testWebhook` delivery (a body marked `frontdesk_test`) whose
/// signature held: acknowledged, nothing recorded or run. `None` for any other body.
pub fn acknowledge_test(body: &Value, rate: &RateStatus) -> Option<Response> {
    is_test_body(body).then(|| {
        tracing::info!("retell test delivery acknowledged; nothing recorded");
        ok(
            rate,
            RetellTestAcknowledged {
                success: true,
                message:
                    "Test webhook received: the signature is valid; nothing was recorded or run"
                        .into(),
                test: true,
            },
        )
    })
}

/// A request refused before it was authenticated also counts, per client IP, so probing
/// signatures is slowed down; past the limit the answer is 429.
async fn refuse_unauthenticated(state: &AppState, ip: IpAddr, error: RetellError) -> Response {
    match state.gateway.limits.check_unauthenticated(ip).await {
        Ok(_) => error.into_response(),
        Err(limited) => RetellError::rate_limited(limited).into_response(),
    }
}

/// A 200 answer with the rate-limit headers.
pub fn ok(rate: &RateStatus, body: impl serde::Serialize) -> Response {
    let mut response = (StatusCode::OK, axum::Json(body)).into_response();
    rate.apply(response.headers_mut());
    response
}
