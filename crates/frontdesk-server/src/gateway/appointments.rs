//! `appointment_mgmt.*`: the document's `findAppointments`, `rescheduleAppointment` and
//! `cancelAppointment`, plus `createAppointment`, `checkAvailability` and the waitlist by
//! phone: `joinWaitlist`, `findWaitlist`, `leaveWaitlist`.
//!
//! Each method reads its parameters, makes one engine call and shapes the answer as the
//! document shows it. The rules (whose appointment it is, slots, notice, refunds) are the
//! engine's: a phone number that is not the appointment's customer's gets "Appointment not
//! found", exactly like an id that does not exist or belongs to another company.

use super::error::GatewayError;
use super::params::Params;
use crate::state::AppState;
use frontdesk_conversation::results::{Appointment, WaitlistEntryOutput};
use frontdesk_domain::BookingSource;
use frontdesk_engine::appointments::{AppointmentRequest, StaffChoice};
use frontdesk_engine::waitlist::JoinWaitlistRequest;
use frontdesk_engine::{AvailabilityQuery, BookingView, Caller, EngineError, Slot};
use frontdesk_store::Company;
use serde_json::{Value, json};

pub const METHODS: [&str; 8] = [
    "findAppointments",
    "rescheduleAppointment",
    "cancelAppointment",
    "createAppointment",
    "checkAvailability",
    "joinWaitlist",
    "findWaitlist",
    "leaveWaitlist",
];

/// Most slots listed in one `checkAvailability` answer.
const MAX_SLOTS: usize = 50;

pub async fn call(
    state: &AppState,
    company: &Company,
    method: &str,
    params: &Params,
) -> Result<Value, GatewayError> {
    match method {
        "findAppointments" => find_appointments(state, company, params).await,
        "rescheduleAppointment" => reschedule_appointment(state, company, params).await,
        "cancelAppointment" => cancel_appointment(state, company, params).await,
        "createAppointment" => create_appointment(state, company, params).await,
        "checkAvailability" => check_availability(state, company, params).await,
        "joinWaitlist" => join_waitlist(state, company, params).await,
        "findWaitlist" => find_waitlist(state, company, params).await,
        "leaveWaitlist" => leave_waitlist(state, company, params).await,
        other => Err(GatewayError::MethodNotFound(format!(
            "Method not found: appointment_mgmt.{other}"
        ))),
    }
}

/// `{"phone", "upcoming_only"}` → `{"appointments": [...], "customer_name"}`.
async fn find_appointments(
    state: &AppState,
    company: &Company,
    params: &Params,
) -> Result<Value, GatewayError> {
    let phone = params.required_str("phone")?;
    let upcoming_only = params.bool("upcoming_only")?.unwrap_or(true);
    let found = state
        .engine
        .find_appointments(company.id, &phone, upcoming_only)
        .await
        .map_err(refusal)?;
    Ok(json!({
        "appointments": found.appointments.iter().map(appointment).collect::<Vec<_>>(),
        "customer_name": found.customer_name,
    }))
}

/// `{"appointment_id", "phone", "new_date", "new_time"}` →
/// `{"success", "appointment": {"id", "old_datetime", "new_datetime", "confirmation_sent"}}`.
async fn reschedule_appointment(
    state: &AppState,
    company: &Company,
    params: &Params,
) -> Result<Value, GatewayError> {
    let appointment_id = params.required_i64("appointment_id")?;
    let phone = params.required_str("phone")?;
    let new_date = params
        .required_date("new_date", &state.engine, company.id)
        .await?;
    let new_time = params.required_time("new_time")?;
    let moved = state
        .engine
        .reschedule_appointment(company.id, &phone, appointment_id, new_date, new_time)
        .await
        .map_err(refusal)?;
    let mut appointment = json!({
        "id": moved.after.id,
        "old_datetime": datetime(&moved.before),
        "new_datetime": datetime(&moved.after),
        "confirmation_sent": moved.confirmation_sent,
    });
    // Only when it applies, so a real move answers exactly the document's shape.
    if moved.unchanged {
        appointment["unchanged"] = json!(true);
    }
    Ok(json!({ "success": true, "appointment": appointment }))
}

/// `{"appointment_id", "phone", "reason"}` → `{"success", "message", "refund_applicable"}`.
async fn cancel_appointment(
    state: &AppState,
    company: &Company,
    params: &Params,
) -> Result<Value, GatewayError> {
    let appointment_id = params.required_i64("appointment_id")?;
    let phone = params.required_str("phone")?;
    let reason = params.str("reason")?;
    let cancelled = state
        .engine
        .cancel_appointment(company.id, &phone, appointment_id, reason)
        .await
        .map_err(refusal)?;
    let message = if cancelled.already_cancelled {
        "Appointment was already cancelled"
    } else {
        "Appointment cancelled successfully"
    };
    Ok(json!({
        "success": true,
        "message": message,
        "refund_applicable": cancelled.refund_applicable,
        "confirmation_sent": cancelled.confirmation_sent,
    }))
}

/// `{"name", "phone", "service", "date", "time", "staff"?, "notes"?, "idempotency_key"?}` →
/// `{"success", "appointment": {…, "confirmation_number"}, "confirmation_sent"}`. A new phone
/// number is registered as a customer when the company lets unknown callers book.
async fn create_appointment(
    state: &AppState,
    company: &Company,
    params: &Params,
) -> Result<Value, GatewayError> {
    let name = params.required_str("name")?;
    let phone = params.required_str("phone")?;
    let service = params.required_str("service")?;
    let date = params
        .required_date("date", &state.engine, company.id)
        .await?;
    let time = params.required_time("time")?;
    let staff = match params.get("staff") {
        None => None,
        Some(Value::Number(_)) => params.i64("staff")?.map(StaffChoice::Id),
        Some(_) => params.str("staff")?.map(StaffChoice::Name),
    };
    let mut req = AppointmentRequest::new(phone, date, time, BookingSource::Gateway);
    req.name = Some(name);
    req.service = Some(service);
    req.staff = staff;
    req.notes = params.str("notes")?;
    req.idempotency_key = params.str("idempotency_key")?;
    req.email = params.str("email")?;
    let booked = state
        .engine
        .create_appointment(company.id, req)
        .await
        .map_err(refusal)?;
    let appointment = appointment(&booked.booking);
    Ok(json!({
        "success": true,
        "appointment": appointment,
        "confirmation_sent": booked.confirmation_sent,
    }))
}

/// `{"date"}` or `{"date_from", "date_to"}`, with `service`, `time` optional →
/// `{"available", "slots": [{"date", "time", "service", "duration", "staff", "available_spots"}], …,
/// "alternatives"}`. When the asked `time` is not free, `alternatives` lists the nearest free
/// times (the engine's rule, as a refused booking offers them); otherwise it is empty.
async fn check_availability(
    state: &AppState,
    company: &Company,
    params: &Params,
) -> Result<Value, GatewayError> {
    let today = state.engine.today(company.id).await?;
    let date = params.date("date", &state.engine, company.id).await?;
    let date_from = params.date("date_from", &state.engine, company.id).await?;
    let date_to = params.date("date_to", &state.engine, company.id).await?;
    if date.is_none() && date_from.is_none() {
        return Err(super::params::missing("date"));
    }
    let time = params.time("time")?;

    let mut query = AvailabilityQuery::between(date, date_from, date_to, today);
    query.service = params.str("service")?;
    let caller = Caller::anonymous(company.id, None);
    let availability = state
        .engine
        .availability(&caller, &query)
        .await
        .map_err(refusal)?;
    let slots: Vec<&Slot> = availability
        .slots
        .iter()
        .filter(|s| time.is_none_or(|t| s.time == t))
        .collect();
    let alternatives = match time {
        Some(time) if slots.is_empty() => state
            .engine
            .alternatives_near(&caller, &query, time)
            .await
            .map_err(refusal)?,
        _ => Vec::new(),
    };
    Ok(json!({
        "available": !slots.is_empty(),
        "date_from": availability.from.to_string(),
        "date_to": availability.to.to_string(),
        "time_zone": availability.time_zone,
        "slots": slots.iter().take(MAX_SLOTS).map(|s| slot(s)).collect::<Vec<_>>(),
        "total": slots.len(),
        "truncated": slots.len() > MAX_SLOTS,
        "next_available": availability.next_available.as_ref().map(slot),
        "alternatives": alternatives.iter().map(slot).collect::<Vec<_>>(),
    }))
}

/// `{"phone", "service", "date" | "date_from" + "date_to", "time_from"?, "time_to"?,
/// "member_name"?, "auto_book"?}` → `{"success", "entry", "already_waiting"}`. Refused when a
/// matching place is free now (`SLOT_AVAILABLE`, with the slots), the member is already booked
/// there (`ALREADY_BOOKED`) or at their quota (`QUOTA_REACHED`); only a known customer waits.
async fn join_waitlist(
    state: &AppState,
    company: &Company,
    params: &Params,
) -> Result<Value, GatewayError> {
    let phone = params.required_str("phone")?;
    let service = params.required_str("service")?;
    let date = params.date("date", &state.engine, company.id).await?;
    let date_from = params.date("date_from", &state.engine, company.id).await?;
    let date_to = params.date("date_to", &state.engine, company.id).await?;
    let Some(first) = date_from.or(date) else {
        return Err(super::params::missing("date"));
    };
    let mut req = JoinWaitlistRequest::new(first);
    req.date_to = date_to;
    req.service = Some(service);
    req.member_name = params.str("member_name")?;
    req.time_from = params.time("time_from")?;
    req.time_to = params.time("time_to")?;
    req.auto_book = params.bool("auto_book")?.unwrap_or(true);
    let caller = caller_by_phone(state, company, &phone).await?;
    let joined = state
        .engine
        .join_waitlist(&caller, req)
        .await
        .map_err(refusal)?;
    Ok(json!({
        "success": true,
        "entry": WaitlistEntryOutput::from(&joined.entry),
        "already_waiting": joined.already_waiting,
    }))
}

/// `{"phone"}` → `{"entries": [...]}`: the customer's entries still waiting or with a place
/// held for them.
async fn find_waitlist(
    state: &AppState,
    company: &Company,
    params: &Params,
) -> Result<Value, GatewayError> {
    let phone = params.required_str("phone")?;
    let caller = caller_by_phone(state, company, &phone).await?;
    let entries = state
        .engine
        .waitlist(&caller, None)
        .await
        .map_err(refusal)?;
    Ok(json!({
        "entries": entries.iter().map(WaitlistEntryOutput::from).collect::<Vec<_>>(),
    }))
}

/// `{"phone", "entry_id"}` → `{"success", "entry", "already_left"}`; a place held for the
/// entry goes to the next in line.
async fn leave_waitlist(
    state: &AppState,
    company: &Company,
    params: &Params,
) -> Result<Value, GatewayError> {
    let phone = params.required_str("phone")?;
    let entry_id = params.required_i64("entry_id")?;
    let caller = caller_by_phone(state, company, &phone).await?;
    let left = state
        .engine
        .leave_waitlist(&caller, entry_id)
        .await
        .map_err(refusal)?;
    Ok(json!({
        "success": true,
        "entry": WaitlistEntryOutput::from(&left.entry),
        "already_left": left.already_left,
    }))
}

/// The company's customer with this number (or an unknown caller, whom the engine refuses).
async fn caller_by_phone(
    state: &AppState,
    company: &Company,
    phone: &str,
) -> Result<Caller, GatewayError> {
    Ok(state
        .engine
        .identify(company.id, phone)
        .await
        .map_err(refusal)?
        .caller)
}

/// An appointment as `findAppointments` lists it (the document's fields, then ours).
fn appointment(b: &BookingView) -> Value {
    serde_json::to_value(Appointment::from(b)).unwrap_or(Value::Null)
}

fn slot(s: &Slot) -> Value {
    json!({
        "date": s.date.to_string(),
        "time": format!("{:02}:{:02}", s.time.hour(), s.time.minute()),
        "service": s.service_name,
        "duration": s.duration_minutes,
        "staff": s.staff.iter().map(|st| st.name.as_str()).collect::<Vec<_>>(),
        "available_spots": s.remaining,
    })
}

/// `YYYY-MM-DD HH:MM`, local to the branch.
fn datetime(b: &BookingView) -> String {
    format!("{} {}", b.date, b.time)
}

/// Engine answers in the document's words: a booking of somebody else is simply not found.
fn refusal(e: EngineError) -> GatewayError {
    match e {
        EngineError::NotFound { what: "booking" } => {
            GatewayError::server("NOT_FOUND", "Appointment not found")
        }
        EngineError::NotFound {
            what: "waitlist entry",
        } => GatewayError::server("NOT_FOUND", "Waitlist entry not found"),
        EngineError::InvalidPhone(message) => {
            GatewayError::InvalidParams(format!("Invalid parameter phone: {message}"))
        }
        other => other.into(),
    }
}
