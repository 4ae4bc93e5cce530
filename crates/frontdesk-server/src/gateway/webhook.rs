//! `webhook.processRetellWebhook`: a Retell call event (`{"event", "call"}`) handed to the
//! engine's `record_retell_event`, the same use case `POST /api/mcp/retell/webhook` calls.
//! A repeated delivery of the same event answers `duplicate: true` and changes nothing.

use super::error::GatewayError;
use super::params::{Params, invalid, missing};
use crate::state::AppState;
use frontdesk_conversation::results::Appointment;
use frontdesk_engine::EngineError;
use frontdesk_store::Company;
use serde_json::{Value, json};

pub const METHODS: [&str; 1] = ["processRetellWebhook"];

pub async fn call(
    state: &AppState,
    company: &Company,
    method: &str,
    params: &Params,
) -> Result<Value, GatewayError> {
    match method {
        "processRetellWebhook" => process_retell_webhook(state, company, params).await,
        other => Err(GatewayError::MethodNotFound(format!(
            "Method not found: webhook.{other}"
        ))),
    }
}

/// → `{"success", "event", "call_id", "duplicate", "appointment", "appointment_created",
/// "confirmation_sent", "appointment_error"}`.
async fn process_retell_webhook(
    state: &AppState,
    company: &Company,
    params: &Params,
) -> Result<Value, GatewayError> {
    let event = params.required_str("event")?;
    let call = match params.get("call") {
        None => return Err(missing("call")),
        Some(call @ Value::Object(_)) => call,
        Some(_) => return Err(invalid("call", "an object with the call's call_id")),
    };
    let outcome = state
        .engine
        .record_retell_event(company.id, &event, call)
        .await
        .map_err(|e| match e {
            EngineError::InvalidInput { field, message }
            | EngineError::UnsafeText { field, message } => {
                GatewayError::InvalidParams(format!("Invalid parameter {field}: {message}"))
            }
            other => other.into(),
        })?;
    let appointment = outcome.booking.as_ref().map(Appointment::from);
    let message = match (outcome.duplicate, &outcome.booking_refused) {
        (true, _) => "Webhook already processed".to_string(),
        (false, Some(refused)) => format!(
            "Webhook processed; appointment not booked: {}",
            refused.message
        ),
        (false, None) if outcome.booking_created => {
            "Webhook processed; appointment booked".to_string()
        }
        (false, None) => "Webhook processed".to_string(),
    };
    Ok(json!({
        "success": true,
        "message": message,
        "event": event,
        "call_id": outcome.call_id,
        "duplicate": outcome.duplicate,
        "appointment": appointment,
        "appointment_created": outcome.booking_created,
        "confirmation_sent": outcome.confirmation_sent,
        "appointment_error": outcome.booking_refused.map(|r| json!({ "code": r.code, "details": r.message })),
    }))
}
