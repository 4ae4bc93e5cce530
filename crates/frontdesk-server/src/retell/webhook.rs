//! `POST /api/mcp/retell/webhook`: Retell's call events, `{"event": "call_started" |
//! "call_ended" | "call_analyzed", "call": {…}}`, recorded by the engine's
//! `record_retell_event`, the use case `webhook.processRetellWebhook` of the gateway calls too.
//!
//! The answer is HTTP 200 `{"success": true, "message": "Webhook processed", "event",
//! "call_id", "duplicate", "appointment", "appointment_created", "confirmation_sent",
//! "appointment_error"}`, the document's `testWebhook` example body plus what the event did.
//! Retell delivers at least once: a repeated event answers 200 with `duplicate: true` and
//! changes nothing (the engine sees to it), so Retell stops retrying. An appointment the
//! call's variables asked for that a rule refused is reported in `appointment_error`, still
//! 200: retrying would not help. A body that is not JSON is 400 `INVALID_JSON`; JSON that is
//! not a usable event is 422 (as `INVALID_BODY` is on every endpoint): `INVALID_EVENT` (no
//! event), `UNKNOWN_EVENT`, `INVALID_CALL` (no usable `call`). Faults are 5xx so that Retell
//! retries. A `retell_config.testWebhook` delivery is acknowledged and not recorded.

use super::company::party_from_call;
use super::{RetellError, acknowledge_test, admit, ok};
use crate::auth::ClientIp;
use crate::openapi::{AppointmentRefusal, RetellWebhookProcessed};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use frontdesk_conversation::results::Appointment;
use frontdesk_engine::EngineError;
use frontdesk_engine::calls::RETELL_EVENTS;
use serde_json::Value;
use std::collections::HashMap;

/// The handler of `POST /api/mcp/retell/webhook`.
#[utoipa::path(
    post,
    path = "/api/mcp/retell/webhook",
    operation_id = "retellWebhook",
    tag = "retell",
    summary = "Record a Retell call event",
    description = "Signed as custom functions are. The call is recorded and linked to the customer; \
        a `call_ended` whose variables carry `name`, `appointment_date` and `appointment_time` books \
        that appointment. The same event delivered twice has its effect once. A `testWebhook` \
        delivery (`frontdesk_test`) is acknowledged with `test: true` and not recorded.",
    params(("company" = Option<String>, Query, description = "The company's slug or id, for calls that name none")),
    request_body(content = crate::openapi::RetellWebhookEvent, content_type = "application/json"),
    security(("retell_signature" = [])),
    responses(
        (status = 200, description = "Processed (`duplicate: true` for a repeated event), or a test delivery acknowledged (`test: true`)", body = crate::openapi::RetellWebhookReply,
            headers(
                ("X-RateLimit-Limit" = u32, description = "Calls allowed per minute"),
                ("X-RateLimit-Remaining" = u32, description = "Calls left in this minute"),
                ("X-RateLimit-Reset" = u64, description = "Unix seconds when the allowance is full again"),
            )),
        (status = 400, description = "`INVALID_JSON`: the body is not JSON", body = crate::openapi::RetellErrorBody,
            headers(
                ("X-RateLimit-Limit" = u32, description = "Calls allowed per minute"),
                ("X-RateLimit-Remaining" = u32, description = "Calls left in this minute"),
                ("X-RateLimit-Reset" = u64, description = "Unix seconds when the allowance is full again"),
            )),
        (status = 422, description = "JSON that is not an event: `INVALID_EVENT`, `UNKNOWN_EVENT` (with `events`) or `INVALID_CALL` (with `field`)", body = crate::openapi::RetellErrorBody,
            headers(
                ("X-RateLimit-Limit" = u32, description = "Calls allowed per minute"),
                ("X-RateLimit-Remaining" = u32, description = "Calls left in this minute"),
                ("X-RateLimit-Reset" = u64, description = "Unix seconds when the allowance is full again"),
            )),
        (status = 401, description = "`INVALID_SIGNATURE`: missing, malformed, stale or wrong signature, or a company without a Retell API key (`reason` says which)", body = crate::openapi::RetellErrorBody),
        (status = 404, description = "`UNKNOWN_COMPANY`: nothing in the call or the query names a company", body = crate::openapi::RetellErrorBody),
        (status = 413, description = "`PAYLOAD_TOO_LARGE`: body over the configured limit", body = crate::openapi::ErrorBody),
        (status = 429, description = "`RATE_LIMITED`: over the company's webhook allowance, or too many refused requests from this address", body = crate::openapi::RetellErrorBody,
            headers(
                ("Retry-After" = u64, description = "Seconds to wait before retrying"),
                ("X-RateLimit-Limit" = u32, description = "Calls allowed per minute"),
                ("X-RateLimit-Remaining" = u32, description = "Calls left in this minute"),
                ("X-RateLimit-Reset" = u64, description = "Unix seconds when the allowance is full again"),
            )),
        (status = 500, description = "`INTERNAL_ERROR`: a fault before the function or event could run (Retell retries)", body = crate::openapi::RetellErrorBody),
        (status = 503, description = "`TEMPORARILY_UNAVAILABLE`: the database cannot be reached (Retell retries)", body = crate::openapi::RetellErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait before retrying"))),
    ),
)]
#[tracing::instrument(skip_all, fields(company_id, event))]
pub async fn post(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    // Parsed first only to find the company whose key checks the signature.
    let parsed = serde_json::from_slice::<Value>(&body);
    let party = parsed
        .as_ref()
        .ok()
        .and_then(|v| v.get("call"))
        .map(party_from_call)
        .unwrap_or_default();
    let query_company = query.get("company").map(String::as_str);
    let (company, rate) = match admit(&state, ip, &party, query_company, &headers, &body).await {
        Ok(admitted) => admitted,
        Err(refused) => return refused,
    };
    let refuse = |error: RetellError| error.counted(rate);

    let body = match parsed {
        Ok(body) => body,
        Err(e) => return refuse(RetellError::invalid_json(&e)),
    };
    if let Some(acknowledged) = acknowledge_test(&body, &rate) {
        return acknowledged;
    }
    let Some(event) = body.get("event").and_then(Value::as_str).map(str::trim) else {
        return refuse(RetellError::unprocessable(
            "INVALID_EVENT",
            format!(
                "the body needs an event: one of {}",
                RETELL_EVENTS.join(", ")
            ),
        ));
    };
    tracing::Span::current().record("event", event);
    if !RETELL_EVENTS.contains(&event) {
        let shown: String = event.chars().take(40).collect();
        return refuse(
            RetellError::unprocessable(
                "UNKNOWN_EVENT",
                format!(
                    "unknown event {shown:?}: send one of {}",
                    RETELL_EVENTS.join(", ")
                ),
            )
            .with_events(&RETELL_EVENTS),
        );
    }
    let Some(call) = body.get("call").filter(|c| c.is_object()) else {
        return refuse(RetellError::unprocessable(
            "INVALID_CALL",
            "the body needs a call: an object with the call's call_id",
        ));
    };

    let outcome = match state
        .engine
        .record_retell_event(company.id, event, call)
        .await
    {
        Ok(outcome) => outcome,
        Err(
            EngineError::InvalidInput { field, message }
            | EngineError::UnsafeText { field, message },
        ) => {
            let code = if field == "event" {
                "UNKNOWN_EVENT"
            } else {
                "INVALID_CALL"
            };
            return refuse(
                RetellError::unprocessable(code, format!("{field}: {message}")).with_field(field),
            );
        }
        Err(e) => return refuse(RetellError::fault(e)),
    };
    ok(
        &rate,
        RetellWebhookProcessed {
            success: true,
            message: "Webhook processed".into(),
            event: event.to_string(),
            call_id: outcome.call_id,
            duplicate: outcome.duplicate,
            appointment: outcome.booking.as_ref().map(Appointment::from),
            appointment_created: outcome.booking_created,
            confirmation_sent: outcome.confirmation_sent,
            appointment_error: outcome.booking_refused.map(|r| AppointmentRefusal {
                code: r.code.to_string(),
                message: r.message,
            }),
        },
    )
}
