//! The appointment functions of the AskProAI document, which a Retell (or Vapi) agent calls
//! beside the tools: `collect_appointment_information` (book for the calling number,
//! registering it when new: the business's own agent took the details down),
//! `check_availability`, `find_appointments`, `reschedule_appointment` and
//! `cancel_appointment`. Each is written once here, with what the agent is told about it; all
//! but `collect_appointment_information` are tools under other argument names.

use crate::args::{Arg, ArgProblem, DateWord, Hint, TimeWord};
use crate::catalog::{GET_BOOKINGS, TOOL_NAMES, tool_named};
use crate::run::{ToolAnswer, ToolOrigin, run_tool_from};
use crate::speech::Say;
use frontdesk_domain::parse_time;
use frontdesk_engine::appointments::{AppointmentBooked, AppointmentRequest, Registration};
use frontdesk_engine::{Caller, Engine, EngineError};
use serde::Deserialize;
use serde_json::{Map, Value, json};

/// One function as a voice platform shows it to its agent.
#[derive(Debug, Clone, Copy)]
pub struct FunctionSpec {
    pub name: &'static str,
    pub description: &'static str,
    /// What the agent says while the function runs.
    pub execution_message: &'static str,
    /// The JSON Schema of its arguments.
    pub parameters: fn() -> Value,
}

pub const COLLECT_APPOINTMENT: &str = "collect_appointment_information";

/// The document's functions, in the order they are deployed.
pub const FUNCTIONS: [FunctionSpec; 5] = [
    FunctionSpec {
        name: COLLECT_APPOINTMENT,
        description: "Book an appointment for the caller once you know their name, the date, the time and ideally the service. Repeat the details to the caller before calling this.",
        execution_message: "Tell the caller you are booking the appointment now.",
        parameters: || {
            json!({
                "type": "object",
                "properties": {
                    "name": {"type": "string", "description": "The caller's full name"},
                    "date": date_schema(),
                    "time": time_schema(),
                    "service": {"type": "string", "description": "The service to book"},
                },
                "required": ["name", "date", "time"],
            })
        },
    },
    FunctionSpec {
        name: "check_availability",
        description: "Find free appointment times on a date, optionally for one service or around a time. Call this before offering or promising a time.",
        execution_message: "Tell the caller you are checking the calendar.",
        parameters: || {
            json!({
                "type": "object",
                "properties": {
                    "date": date_schema(),
                    "service": {"type": "string", "description": "The service, if the caller named one"},
                    "time": {"type": "string", "description": "A preferred time, HH:MM"},
                },
                "required": ["date"],
            })
        },
    },
    FunctionSpec {
        name: "find_appointments",
        description: "Look up the caller's upcoming appointments (found by the number they are calling from). Use it before rescheduling or cancelling.",
        execution_message: "Tell the caller you are looking up their appointments.",
        parameters: || json!({"type": "object", "properties": {}}),
    },
    FunctionSpec {
        name: "reschedule_appointment",
        description: "Move one of the caller's appointments to a new date and time.",
        execution_message: "Tell the caller you are moving the appointment.",
        parameters: || {
            json!({
                "type": "object",
                "properties": {
                    "appointment_id": {"type": "integer", "description": "The appointment's id from find_appointments"},
                    "new_date": date_schema(),
                    "new_time": time_schema(),
                },
                "required": ["appointment_id", "new_date", "new_time"],
            })
        },
    },
    FunctionSpec {
        name: "cancel_appointment",
        description: "Cancel one of the caller's appointments.",
        execution_message: "Tell the caller you are cancelling the appointment.",
        parameters: || {
            json!({
                "type": "object",
                "properties": {
                    "appointment_id": {"type": "integer", "description": "The appointment's id from find_appointments"},
                    "reason": {"type": "string", "description": "Why the caller cancels, if they said"},
                },
                "required": ["appointment_id"],
            })
        },
    },
];

fn date_schema() -> Value {
    json!({"type": "string", "description": "The date: YYYY-MM-DD, or words such as today, tomorrow, Monday"})
}

fn time_schema() -> Value {
    json!({"type": "string", "description": "The time, HH:MM (24-hour clock)"})
}

/// The names of [`FUNCTIONS`].
pub fn function_names() -> [&'static str; 5] {
    FUNCTIONS.map(|f| f.name)
}

/// What a function call did.
pub enum FunctionOutcome {
    /// A tool answered (the function is a tool under other argument names, or a tool by its
    /// own name).
    Tool {
        tool: &'static str,
        answer: ToolAnswer,
    },
    /// `collect_appointment_information` booked (or replayed) the appointment.
    Collected {
        booked: Box<AppointmentBooked>,
        text: String,
    },
    /// Nothing ran: an unknown function, unusable arguments, or the engine refused.
    Refused(ToolAnswer),
}

/// Runs the function (or tool) `name` for `caller`, who is calling through `origin`.
pub async fn run_function(
    engine: &Engine,
    caller: &Caller,
    say: Say,
    name: &str,
    args: Value,
    origin: &ToolOrigin,
) -> FunctionOutcome {
    let name = name.trim();
    let (tool, args) = match name {
        COLLECT_APPOINTMENT => {
            return collect_appointment(engine, caller, say, args, origin).await;
        }
        "reschedule_appointment" => ("reschedule_booking", appointment_args(args)),
        "cancel_appointment" => ("cancel_booking", appointment_args(args)),
        // The caller's upcoming appointments, answered by the same tool as `get_bookings`.
        "find_appointments" => (GET_BOOKINGS.name, args),
        // `check_availability` is also a legacy name of `get_availability`; every tool is
        // called by its own name too.
        other => match tool_named(other) {
            Some(tool) => (tool, args),
            None => return FunctionOutcome::Refused(unknown_function(say, other)),
        },
    };
    let answer = run_tool_from(engine, caller, tool, args, origin.clone()).await;
    FunctionOutcome::Tool { tool, answer }
}

/// The document's appointment arguments in the tools' words: `appointment_id` is the
/// booking id and `confirmation_number` the voucher code (`new_date`, `new_time` and
/// `reason` the tools read as they are).
pub fn appointment_args(args: Value) -> Value {
    let Some(mut map) = as_object(args.clone()) else {
        return args;
    };
    for (from, to) in [
        ("appointment_id", "booking_id"),
        ("confirmation_number", "voucher_code"),
    ] {
        if !map.contains_key(to)
            && let Some(value) = map.remove(from)
        {
            map.insert(to.to_string(), value);
        }
    }
    Value::Object(map)
}

/// The arguments as an object: an object, a JSON text holding one, or nothing (`{}`).
pub fn as_object(args: Value) -> Option<Map<String, Value>> {
    match args {
        Value::Null => Some(Map::new()),
        Value::Object(map) => Some(map),
        Value::String(text) if text.trim().is_empty() => Some(Map::new()),
        Value::String(text) => match serde_json::from_str(&text) {
            Ok(Value::Object(map)) => Some(map),
            _ => None,
        },
        _ => None,
    }
}

/// `collect_appointment_information`'s arguments.
#[derive(Debug, Default, Deserialize)]
struct CollectArgs {
    #[serde(default, alias = "customer_name", alias = "full_name")]
    name: Arg<String>,
    #[serde(default, alias = "appointment_date")]
    date: Arg<DateWord>,
    #[serde(default, alias = "appointment_time")]
    time: Arg<TimeWord>,
    #[serde(default)]
    service: Arg<String>,
    #[serde(default, alias = "phone_number", alias = "caller_phone")]
    phone: Arg<String>,
    #[serde(default)]
    email: Arg<String>,
    #[serde(default)]
    notes: Arg<String>,
    #[serde(default)]
    idempotency_key: Arg<String>,
}

/// Books the appointment the agent collected for the calling number, registering the number
/// as a customer when it is new, and queues its confirmation.
async fn collect_appointment(
    engine: &Engine,
    caller: &Caller,
    say: Say,
    args: Value,
    origin: &ToolOrigin,
) -> FunctionOutcome {
    let refused = FunctionOutcome::Refused;
    let Some(args) = as_object(args) else {
        let mut data = Map::new();
        data.insert("field".into(), json!("args"));
        return refused(ToolAnswer::error(
            "INVALID_INPUT",
            say.arguments_not_an_object(),
            data,
        ));
    };
    let args: CollectArgs = match serde_json::from_value(Value::Object(args)) {
        Ok(args) => args,
        // The parser's own words are English: they go with the data, not into what is spoken.
        Err(e) => {
            let mut data = Map::new();
            data.insert("detail".into(), json!(e.to_string()));
            return refused(ToolAnswer::error(
                "INVALID_INPUT",
                say.arguments_unreadable(),
                data,
            ));
        }
    };
    let read = |args: CollectArgs| -> Result<_, ArgProblem> {
        let name = args
            .name
            .optional_as("name", Hint::Name)?
            .ok_or(ArgProblem {
                field: "name",
                got: None,
                hint: Hint::Name,
            })?;
        Ok((
            name,
            args.date.required("date")?,
            args.time.required("time")?,
            args.service.optional("service")?,
            args.phone.optional("phone")?,
            args.email.optional("email")?,
            args.notes.optional("notes")?,
            args.idempotency_key.optional("idempotency_key")?,
        ))
    };
    let (name, date, time, service, phone, email, notes, key) = match read(args) {
        Ok(values) => values,
        Err(problem) => return refused(argument_problem(say, problem)),
    };
    let explain = async |e: EngineError| refused(crate::explain_error(engine, caller, e).await);
    let said = match engine.read_date(caller.company_id, &date.0).await {
        Ok(said) => said,
        Err(e) => return explain(e).await,
    };
    let date = match said {
        Ok(said) if said.is_past() => {
            let passed = EngineError::DatePassed {
                field: "date",
                date: said.date(),
            };
            return explain(passed).await;
        }
        Ok(said) => said.date(),
        Err(_) => return refused(argument_problem(say, problem("date", &date.0, Hint::Date))),
    };
    let Ok(time) = parse_time(&time.0) else {
        return refused(argument_problem(say, problem("time", &time.0, Hint::Time)));
    };
    // The calling number; the `phone` argument only when the call has none (a web call).
    let Some(phone) = caller.phone.clone().or(phone) else {
        let mut data = Map::new();
        data.insert("field".into(), json!("phone"));
        return refused(ToolAnswer::error(
            "INVALID_INPUT",
            say.caller_number_unknown(),
            data,
        ));
    };

    let mut req = AppointmentRequest::new(phone, date, time, origin.source);
    req.name = Some(name.clone());
    req.service = service.clone();
    req.notes = match (notes, email) {
        (Some(notes), Some(email)) => Some(format!("{notes} (E-Mail: {email})")),
        (None, Some(email)) => Some(format!("E-Mail: {email}")),
        (notes, None) => notes,
    };
    req.call_id = origin.call_id.clone();
    req.idempotency_key = key.or_else(|| {
        origin.retry_key(&[
            COLLECT_APPOINTMENT,
            &date.to_string(),
            &time.to_string(),
            &name,
            service.as_deref().unwrap_or_default(),
        ])
    });
    // The business's own agent took these details down: a new number is registered
    // whatever the unknown-caller policy says.
    req.registration = Registration::Always;
    let booked = match engine.create_appointment(caller.company_id, req).await {
        Ok(booked) => booked,
        Err(e) => return explain(e).await,
    };
    let out = crate::results::BookOutput {
        booking: crate::results::BookingOutput::from(&booked.booking),
        replayed: booked.replayed,
        registered: booked.registered,
        confirmation_sent: booked.confirmation_sent,
    };
    let text = say.booked(&out, None);
    FunctionOutcome::Collected {
        booked: Box::new(booked),
        text,
    }
}

fn problem(field: &'static str, got: &str, hint: Hint) -> ArgProblem {
    ArgProblem {
        field,
        got: Some(got.chars().take(40).collect()),
        hint,
    }
}

fn argument_problem(say: Say, problem: ArgProblem) -> ToolAnswer {
    let message = match &problem.got {
        None => say.missing(problem.field, problem.hint),
        Some(got) => say.invalid(problem.field, got, problem.hint),
    };
    let mut data = Map::new();
    data.insert("field".into(), json!(problem.field));
    ToolAnswer::error("INVALID_INPUT", message, data)
}

fn unknown_function(say: Say, name: &str) -> ToolAnswer {
    let name: String = name.chars().take(60).collect();
    let names: Vec<&str> = function_names()
        .into_iter()
        .chain(TOOL_NAMES.iter().copied())
        .collect();
    let message = say.unknown_function(&name, &names.join(", "));
    let mut data = Map::new();
    data.insert("functions".into(), json!(names));
    ToolAnswer::error("UNKNOWN_FUNCTION", message, data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appointment_ids_and_confirmation_numbers_become_the_tools_fields() {
        assert_eq!(
            appointment_args(json!({"appointment_id": 7, "new_date": "tomorrow"})),
            json!({"booking_id": 7, "new_date": "tomorrow"})
        );
        assert_eq!(
            appointment_args(json!({"confirmation_number": "KRM-482"})),
            json!({"voucher_code": "KRM-482"})
        );
    }

    #[test]
    fn every_function_has_an_object_schema_and_no_name_is_a_tool_twice() {
        for f in FUNCTIONS {
            assert_eq!((f.parameters)()["type"], json!("object"), "{}", f.name);
            assert!(!TOOL_NAMES.contains(&f.name), "{}", f.name);
        }
    }
}
