//! A voice platform's call (Retell, Vapi): who is on it, which functions its agent calls, and
//! how a function's answer reads on the wire every platform shares (`success`, `message`,
//! `code`, `data`). A booking made during a call is linked to the call's record.

use crate::catalog::BOOK_SESSION;
use crate::functions::{self, FunctionOutcome};
use crate::run::{ToolAnswer, ToolOrigin};
use crate::speech::Say;
use frontdesk_engine::{Caller, Engine, EngineError, EngineResult};
use frontdesk_store::{Call, CallUpdate, Company};
use serde_json::{Value, json};

/// Who is on a call, as the platform tells it (its ids and the two numbers).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallParty {
    pub call_id: Option<String>,
    pub agent_id: Option<String>,
    pub from_number: Option<String>,
    pub to_number: Option<String>,
    /// `inbound` (the default) or `outbound`.
    pub direction: Option<String>,
}

impl CallParty {
    /// The numbers and agent of a call recorded earlier (by a webhook event), where this
    /// request said nothing.
    pub fn fill_from(&mut self, call: &Call) {
        let fill = |field: &mut Option<String>, value: &Option<String>| {
            if field.is_none() {
                field.clone_from(value);
            }
        };
        fill(&mut self.agent_id, &call.agent_id);
        fill(&mut self.from_number, &call.from_number);
        fill(&mut self.to_number, &call.to_number);
        fill(&mut self.direction, &call.direction);
    }

    fn outbound(&self) -> bool {
        self.direction
            .as_deref()
            .is_some_and(|d| d.eq_ignore_ascii_case("outbound"))
    }

    /// The business's number: called on an inbound call, calling on an outbound one.
    pub fn business_number(&self) -> Option<&str> {
        if self.outbound() {
            self.from_number.as_deref()
        } else {
            self.to_number.as_deref()
        }
    }

    /// The customer's number: the other one.
    pub fn customer_number(&self) -> Option<&str> {
        if self.outbound() {
            self.to_number.as_deref()
        } else {
            self.from_number.as_deref()
        }
    }
}

/// The caller with this number at the company: a known customer, or an unknown caller with
/// the number (so booking tools can register them). A number that is not a phone number
/// (`anonymous`, a web call) gives a caller without a number.
pub async fn identify_caller(
    engine: &Engine,
    company: &Company,
    phone: Option<&str>,
) -> EngineResult<Caller> {
    let Some(phone) = phone.map(str::trim).filter(|p| !p.is_empty()) else {
        return Ok(Caller::anonymous(company.id, None));
    };
    match engine.identify(company.id, phone).await {
        Ok(found) => Ok(found.caller),
        Err(EngineError::InvalidPhone(why)) => {
            tracing::info!(
                company_id = company.id,
                why,
                "the caller's number is not a phone number"
            );
            Ok(Caller::anonymous(company.id, None))
        }
        Err(e) => Err(e),
    }
}

/// What a function answered: HTTP 200 for every outcome of the function, refusals included
/// (`{"success", "message", "data"}`, plus `code` when it failed).
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = RetellFunctionAnswer)]
pub struct FunctionAnswer {
    pub success: bool,
    /// One short sentence (or a few) in the company's language, to be spoken.
    pub message: String,
    /// The function's result, or the refusal's details.
    pub data: Value,
    /// When it failed: `SLOT_FULL`, `NOT_FOUND`, `INVALID_INPUT`, `UNKNOWN_FUNCTION`, …
    #[schema(nullable = false)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

impl From<ToolAnswer> for FunctionAnswer {
    fn from(answer: ToolAnswer) -> Self {
        FunctionAnswer {
            success: !answer.is_error,
            code: answer.code().map(str::to_string),
            message: answer.text,
            data: answer.structured,
        }
    }
}

/// Who a function runs for: the company, the caller, the call it is part of.
pub struct FunctionContext<'a> {
    pub engine: &'a Engine,
    pub company: &'a Company,
    pub caller: Caller,
    /// The surface (Retell, Vapi) and the call id, recorded on bookings.
    pub origin: ToolOrigin,
    /// The call's numbers and agent, recorded on the call when a booking is linked to it.
    pub party: CallParty,
}

/// Runs the function `name` (one of [`functions::FUNCTIONS`] or a tool) for the
/// context's caller, and links a booking it made to the call.
pub async fn answer_function(ctx: &FunctionContext<'_>, name: &str, args: Value) -> FunctionAnswer {
    let say = Say::new(&ctx.company.language);
    let outcome =
        functions::run_function(ctx.engine, &ctx.caller, say, name, args, &ctx.origin).await;
    match outcome {
        FunctionOutcome::Tool { tool, answer } => {
            if tool == BOOK_SESSION.name
                && !answer.is_error
                && let Some(booking_id) = answer.structured["booking"]["booking_id"].as_i64()
            {
                link_booking(ctx, booking_id, None).await;
            }
            answer.into()
        }
        FunctionOutcome::Refused(answer) => answer.into(),
        FunctionOutcome::Collected { booked, text } => {
            link_booking(ctx, booked.booking.id, Some(booked.booking.customer_id)).await;
            let b = &booked.booking;
            FunctionAnswer {
                success: true,
                message: text,
                code: None,
                data: json!({
                    "confirmation_number": b.voucher_code,
                    "appointment_id": b.id,
                    "date": b.date.to_string(),
                    "time": b.time,
                    "service": b.service,
                    "duration": b.duration_minutes,
                    "branch": b.branch,
                    "staff": b.staff,
                    "customer_name": booked.customer_name,
                    "registered": booked.registered,
                    "replayed": booked.replayed,
                    "confirmation_sent": booked.confirmation_sent,
                }),
            }
        }
    }
}

/// Links a booking made during a call to the call's record, so the call shows what it
/// produced and a `call_ended` carrying the same appointment does not book it again. A
/// failure is logged: the booking stands either way.
async fn link_booking(ctx: &FunctionContext<'_>, booking_id: i64, customer_id: Option<i64>) {
    let Some(call_id) = &ctx.origin.call_id else {
        return;
    };
    let update = CallUpdate {
        company_id: ctx.company.id,
        provider: ctx.origin.source.as_str().to_string(),
        external_id: call_id.clone(),
        agent_id: ctx.party.agent_id.clone(),
        from_number: ctx.party.from_number.clone(),
        to_number: ctx.party.to_number.clone(),
        direction: ctx.party.direction.clone(),
        customer_id: customer_id.or(ctx.caller.customer_id),
        booking_id: Some(booking_id),
        now: ctx.engine.now(),
        ..CallUpdate::default()
    };
    if let Err(e) = ctx.engine.record_call(update).await {
        tracing::warn!(company_id = ctx.company.id, call_id = %call_id, error = ?e, "cannot link the booking to its call");
    }
}
