//! One tool call: the caller it is for, their company (for the language and the policy), and
//! how its outcome becomes a `CallToolResult`.
//!
//! Every outcome the agent can act on is a tool result, never a JSON-RPC error: MCP clients
//! show protocol errors to nobody, while a tool result with `isError: true` reaches the model,
//! which can then fix its input or tell the caller.

use crate::args::ArgProblem;
use crate::results::{AlternativeOutput, BookingOutput, ErrorOutput};
use crate::run::{ToolAnswer, ToolOrigin};
use crate::speech::Say;
use frontdesk_engine::{BookingScope, Caller, Engine, EngineError};
use frontdesk_store::{Company, Member};
use jiff::civil::Date;
use serde::Serialize;
use serde_json::Value;

pub struct Turn {
    pub engine: Engine,
    pub caller: Caller,
    /// `None` when it could not be loaded; the first use reports the store fault.
    pub company: Option<Company>,
    /// Which surface the call came through (the source of bookings it makes) and its call id.
    pub origin: ToolOrigin,
    say: Say,
}

/// A successful answer: the structured result and its spoken summary.
pub struct Reply {
    structured: Value,
    text: String,
}

impl Reply {
    pub fn new<T: Serialize>(out: &T, text: String) -> Result<Reply, Problem> {
        let structured = serde_json::to_value(out)
            .map_err(|e| EngineError::Internal(format!("serialising a tool result: {e}")))?;
        Ok(Reply { structured, text })
    }
}

/// Why a call did not succeed.
pub enum Problem {
    /// An argument was missing or unusable.
    Arg(ArgProblem),
    /// The engine refused, with the member concerned when known (to say whose quota is full).
    /// Boxed: results travel by value through every `?`.
    Engine {
        error: Box<EngineError>,
        member: Option<Box<Member>>,
    },
}

impl From<ArgProblem> for Problem {
    fn from(p: ArgProblem) -> Self {
        Problem::Arg(p)
    }
}

impl From<EngineError> for Problem {
    fn from(error: EngineError) -> Self {
        Problem::Engine {
            error: Box::new(error),
            member: None,
        }
    }
}

impl Turn {
    pub async fn start(engine: &Engine, caller: Caller) -> Turn {
        // A caller registered during an earlier call of the same session still arrives as
        // unknown (the session was opened before); look the number up again so they are
        // recognised from then on.
        let caller = match (&caller.customer_id, &caller.phone) {
            (None, Some(phone)) => match engine.identify(caller.company_id, phone).await {
                Ok(found) if found.caller.customer_id.is_some() => found.caller,
                _ => caller,
            },
            _ => caller,
        };
        // The language and policy only: the company as cached with its catalogue.
        let company = match engine.cached_company(caller.company_id).await {
            Ok(company) => Some(company),
            Err(e) => {
                tracing::warn!(company_id = caller.company_id, error = %e, "loading the caller's company");
                None
            }
        };
        let say = Say::new(
            &company
                .as_ref()
                .map(|c| c.language.clone())
                .unwrap_or_default(),
        );
        Turn {
            engine: engine.clone(),
            caller,
            company,
            origin: ToolOrigin::mcp(),
            say,
        }
    }

    /// The words of the business's language.
    pub fn say(&self) -> Say {
        self.say
    }

    /// The business's local date, which date words are relative to.
    pub async fn today(&self) -> Result<Date, Problem> {
        Ok(self.engine.today(self.caller.company_id).await?)
    }

    pub async fn finish(&self, outcome: Result<Reply, Problem>) -> ToolAnswer {
        match outcome {
            Ok(reply) => ToolAnswer {
                text: reply.text,
                structured: reply.structured,
                is_error: false,
            },
            Err(problem) => {
                let (text, out) = self.explain(problem).await;
                ToolAnswer {
                    text,
                    structured: serde_json::to_value(&out).unwrap_or(Value::Null),
                    is_error: true,
                }
            }
        }
    }

    /// The spoken text and the structured content of a failed call.
    async fn explain(&self, problem: Problem) -> (String, ErrorOutput) {
        let say = self.say();
        let (error, member) = match problem {
            Problem::Arg(p) => {
                let text = match &p.got {
                    None => say.missing(p.field, p.hint),
                    Some(got) => say.invalid(p.field, got, p.hint),
                };
                let out = ErrorOutput {
                    code: "INVALID_INPUT",
                    rule: None,
                    field: Some(p.field),
                    message: text.clone(),
                    alternatives: Vec::new(),
                    member_ids: Vec::new(),
                    active_bookings: Vec::new(),
                };
                return (text, out);
            }
            Problem::Engine { error, member } => (*error, member.map(|m| *m)),
        };

        let mut out = ErrorOutput {
            code: error.code(),
            rule: None,
            field: None,
            message: error.to_string(),
            alternatives: error
                .alternatives()
                .iter()
                .map(AlternativeOutput::from)
                .collect(),
            member_ids: Vec::new(),
            active_bookings: Vec::new(),
        };
        let policy = self
            .company
            .as_ref()
            .map(|c| c.policy.clone())
            .unwrap_or_default();
        let mut text = match &error {
            EngineError::NotFound { what } => say.not_found(what),
            EngineError::InvalidInput { field, .. } => {
                out.field = Some(*field);
                say.invalid_input(field)
            }
            EngineError::Choose { field, choices, .. } => {
                out.field = Some(*field);
                say.choose(field, choices)
            }
            EngineError::UnsafeText { field, .. } => {
                out.field = Some(*field);
                say.unsafe_text(field)
            }
            EngineError::InvalidPhone(_) => say.invalid_phone(),
            EngineError::UnknownCaller => {
                let name = self.company.as_ref().map(|c| c.name.as_str()).unwrap_or("");
                say.unknown_caller(name, policy.allow_unknown_callers)
            }
            EngineError::AmbiguousMember { member_ids, .. } => {
                out.member_ids = member_ids.clone();
                let members = self.engine.members(&self.caller).await.unwrap_or_default();
                let choices: Vec<(i64, String)> = members
                    .iter()
                    .filter(|m| member_ids.contains(&m.id))
                    .map(|m| (m.id, m.name.clone()))
                    .collect();
                say.which_member(&choices)
            }
            EngineError::NoSuchSlot {
                service,
                date,
                time,
                ..
            } => {
                out.rule = Some("schedule");
                say.no_such_slot(service, date, time)
            }
            EngineError::SlotFull {
                service,
                date,
                time,
                ..
            } => {
                out.rule = Some("full");
                say.slot_full(service, date, time)
            }
            EngineError::TooSoon { .. } => {
                out.rule = Some("notice");
                say.too_soon(policy.min_notice_minutes)
            }
            EngineError::InThePast { .. } => {
                out.rule = Some("notice");
                say.in_the_past()
            }
            EngineError::DatePassed { field, date } => {
                out.field = Some(*field);
                say.day_passed(*date)
            }
            EngineError::OutsideBookingWindow { .. } => {
                out.rule = Some("window");
                say.outside_window(policy.booking_window_days)
            }
            EngineError::QuotaReached { active, limit } => {
                out.rule = Some("quota");
                let mut text =
                    say.quota_reached(member.as_ref().map(|m| m.name.as_str()), *active, *limit);
                if let Some(m) = &member {
                    let held = self
                        .engine
                        .bookings(&self.caller, Some(m.id), BookingScope::Upcoming)
                        .await;
                    out.active_bookings = held
                        .unwrap_or_default()
                        .iter()
                        .map(BookingOutput::from)
                        .collect();
                    if !out.active_bookings.is_empty() {
                        text.push_str(&say.active_bookings(&out.active_bookings));
                    }
                }
                text
            }
            EngineError::BookingNotActive { status } => say.not_active(status),
            EngineError::RangeTooLong { max, requested } => say.range_too_long(*max, *requested),
            EngineError::SlotAvailable { service, .. } => {
                out.rule = Some("available");
                say.slot_available(service)
            }
            EngineError::AlreadyBooked {
                service,
                date,
                time,
            } => {
                out.rule = Some("already_booked");
                say.already_booked(service, date, time)
            }
            EngineError::Unavailable(detail) => {
                tracing::warn!(detail, "tool call: booking system unavailable");
                say.unavailable()
            }
            EngineError::Internal(detail) => {
                tracing::error!(detail, "tool call: internal error");
                say.unavailable()
            }
        };
        text.push_str(&say.alternatives(error.alternatives()));
        // What the agent reads and what it says are the same words, in the business's
        // language (the engine's English detail goes to the log only).
        tracing::debug!(code = error.code(), detail = %error, "tool call refused");
        out.message = text.clone();
        (text, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use frontdesk_store_sqlite::SqliteStore;
    use std::sync::Arc;

    /// Store faults never leak their detail: the agent hears "try again" and a stable code.
    #[tokio::test]
    async fn faults_become_a_generic_try_again() {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}", dir.path().join("fd.db").display());
        let engine = Engine::new(Arc::new(SqliteStore::connect(&url).await.expect("store")));
        let beyond = engine.load_demo().await.expect("demo")[0].company.clone();
        let turn = Turn {
            caller: Caller::anonymous(beyond.id, None),
            say: Say::new(&beyond.language),
            company: Some(beyond),
            engine,
            origin: ToolOrigin::mcp(),
        };
        for (fault, code) in [
            (
                EngineError::Unavailable("connection refused to db-7".into()),
                "TEMPORARILY_UNAVAILABLE",
            ),
            (
                EngineError::Internal("no such table: bookings".into()),
                "INTERNAL_ERROR",
            ),
        ] {
            let result = turn.finish(Err(fault.into())).await;
            assert!(result.is_error);
            let data = result.structured.clone();
            assert_eq!(data["code"], serde_json::json!(code));
            assert_eq!(
                result.text,
                "O sistema de reservas está temporariamente indisponível. Tente novamente em instantes."
            );
            let all = format!("{data}{}", result.text);
            assert!(!all.contains("db-7") && !all.contains("bookings"), "{all}");
        }
    }
}
