//! Retell call events (`call_started`, `call_ended`, `call_analyzed`): the call as Retell
//! reports it, linked to the customer by phone, and the appointment a `call_ended` carries.
//!
//! Retell delivers a webhook at least once, so the same event can arrive twice (or twice at
//! the same moment). Each delivery first applies its effects idempotently, then marks the
//! event handled with `record_call_event`, whose answer tells a first delivery from a repeat:
//!
//! - the call row is an upsert that never erases what an earlier event said;
//! - the appointment is booked at most once per call: skipped when the call already has a
//!   booking, and booked with an idempotency key derived from the call id, so two deliveries
//!   racing each other get one booking between them (the second is a replay, with no
//!   second confirmation);
//! - a `call_ended` queues the `call.ended` webhook event (with the call's bookings) in the
//!   transaction that marks it handled, so a repeat announces nothing;
//! - a delivery that fails on a fault (database unavailable) has not been marked handled, so
//!   Retell's retry does the work. A booking refused by a rule (slot full, unknown service) is
//!   reported in the outcome and the event is marked handled: retrying would not help.

use crate::Engine;
use crate::appointments::{AppointmentRequest, Registration};
use crate::booking::BookingView;
use crate::error::{EngineError, EngineResult, NotFoundAs};
use crate::webhooks::CALL_ENDED;
use frontdesk_domain::{BookingSource, CompanyId, PhoneNumber, parse_time};
use frontdesk_store::{
    BookingQuery, Call, CallUpdate, Company, NewNotification, OptionalExt, StoreError,
};
use jiff::{SignedDuration, Timestamp};
use serde_json::{Map, Value, json};

/// The provider name calls from Retell are stored under.
pub const RETELL: &str = "retell";

/// The events Retell sends to an agent's webhook.
pub const RETELL_EVENTS: [&str; 3] = ["call_started", "call_ended", "call_analyzed"];

/// What one delivery of a call event did.
#[derive(Debug, Clone)]
pub struct CallEventOutcome {
    /// Retell's call id.
    pub call_id: String,
    /// This event of this call had been handled before; nothing new was done.
    pub duplicate: bool,
    /// The booking linked to the call, if any (made by this event or earlier).
    pub booking: Option<BookingView>,
    /// This delivery made the booking.
    pub booking_created: bool,
    /// The appointment the variables asked for could not be booked, and why (stable code,
    /// sentence); the call is recorded all the same.
    pub booking_refused: Option<BookingRefused>,
    /// A confirmation of the new booking is in the outbox.
    pub confirmation_sent: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookingRefused {
    pub code: &'static str,
    pub message: String,
}

impl BookingRefused {
    fn from_error(e: &EngineError) -> Self {
        BookingRefused {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

impl Engine {
    /// The `call.ended` rows of the company's subscribed endpoints (none when no endpoint
    /// wants it): the call and the bookings made during it (by its call id). Written by the
    /// transaction that records the event, so a repeated `call_ended` announces nothing and
    /// an announced call is a recorded one.
    async fn call_ended_rows(&self, call: &Call) -> EngineResult<Vec<NewNotification>> {
        let catalog = self.catalog(call.company_id).await?;
        if !catalog.webhooks.iter().any(|w| w.wants(CALL_ENDED)) {
            return Ok(Vec::new());
        }
        let bookings = self
            .store
            .list_bookings(&BookingQuery {
                company_id: call.company_id,
                call_id: Some(call.external_id.clone()),
                limit: 100,
                ..BookingQuery::default()
            })
            .await?;
        let data = json!({
            "call_id": call.external_id,
            "from_number": call.from_number,
            "to_number": call.to_number,
            "started_at": call.started_at.map(|t| t.to_string()),
            "ended_at": call.ended_at.map(|t| t.to_string()),
            "bookings": bookings.iter().map(|b| json!({
                "booking_id": b.id,
                "confirmation_number": b.voucher_code,
                "status": b.status.to_string(),
                "starts_at": b.starts_at.to_string(),
                "ends_at": b.ends_at.to_string(),
            })).collect::<Vec<_>>(),
        });
        self.event_rows(call.company_id, call.booking_id, CALL_ENDED, data)
            .await
    }

    /// The company a Retell call was recorded for (by an earlier webhook event or function
    /// call of the same `call_id`), if any. Retell's call ids are unique, and a call id is
    /// never recorded for two companies.
    pub async fn retell_call_company(&self, call_id: &str) -> EngineResult<Option<Company>> {
        let call_id = call_id.trim();
        if call_id.is_empty() {
            return Ok(None);
        }
        match self.store.find_call(RETELL, call_id).await.optional()? {
            Some(call) => Ok(Some(self.company(call.company_id).await?)),
            None => Ok(None),
        }
    }

    /// The call recorded under Retell's `call_id` for the company, if any.
    pub async fn retell_call(
        &self,
        company_id: CompanyId,
        call_id: &str,
    ) -> EngineResult<Option<Call>> {
        Ok(self
            .store
            .get_call(company_id, RETELL, call_id)
            .await
            .optional()?)
    }

    /// Records what is known of a call: an upsert that never erases what an earlier event
    /// said. A function call uses it to link the booking it made to its call, so the call
    /// shows what it produced and a later `call_ended` does not book it again.
    pub async fn record_call(&self, update: CallUpdate) -> EngineResult<Call> {
        Ok(self.store.upsert_call(update).await?)
    }

    /// Every company with a Retell API key this server can read, with its key: the keys a
    /// signature is checked against when nothing in a request names its company. A key that
    /// cannot be decrypted (the secret key changed) is left out: it verifies nothing.
    pub async fn retell_keys(&self) -> EngineResult<Vec<(Company, String)>> {
        let mut keys = Vec::new();
        for company in self.store.list_companies().await? {
            match self.retell_api_key(company.id).await {
                Ok(Some(key)) => keys.push((company, key)),
                // Gone since it was listed.
                Ok(None) | Err(EngineError::NotFound { .. }) => {}
                Err(EngineError::Internal(cause)) => {
                    tracing::debug!(company_id = company.id, %cause, "unreadable Retell API key");
                }
                Err(e) => return Err(e),
            }
        }
        Ok(keys)
    }
}

impl Engine {
    /// Records one Retell webhook event for a call of `company_id` (see the module docs).
    /// `call` is Retell's call object: `call_id`, `agent_id`, `from_number`, `to_number`,
    /// `direction`, `call_status`, `start_timestamp`/`end_timestamp` (Unix ms), `duration_ms`
    /// or `duration` (s), `transcript`, `call_analysis`, and `retell_llm_dynamic_variables`
    /// or `variables`. A `call_ended` whose variables carry `name`, `appointment_date` and
    /// `appointment_time` (optionally `service`) books that appointment for the caller,
    /// registering them if new whatever the unknown-caller policy.
    pub async fn record_retell_event(
        &self,
        company_id: CompanyId,
        event: &str,
        call: &Value,
    ) -> EngineResult<CallEventOutcome> {
        if !RETELL_EVENTS.contains(&event) {
            return Err(EngineError::invalid(
                "event",
                format!(
                    "unknown event {:?}: send call_started, call_ended or call_analyzed",
                    truncate(event, 40)
                ),
            ));
        }
        let Some(call) = call.as_object() else {
            return Err(EngineError::invalid(
                "call",
                "the call must be an object with a call_id",
            ));
        };
        let call_id = match call.get("call_id") {
            Some(Value::String(id)) if !id.trim().is_empty() && id.len() <= 200 => {
                crate::text::plain("call.call_id", id)?;
                id.trim().to_string()
            }
            _ => {
                return Err(EngineError::invalid(
                    "call.call_id",
                    "the call needs its call_id (a string)",
                ));
            }
        };
        let company = self.company(company_id).await?;
        let now = self.now();
        // Everything else Retell reports is kept, without the characters no database should
        // hold (a transcript is not refused for one stray control character).
        let mut stripped = Value::Object(call.clone());
        frontdesk_domain::text::strip_json(&mut stripped);
        let call = match stripped {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        let fields = CallFields::read(&call, event, &company.phone_region);

        let customer_phone = fields.customer_phone();
        let customer = match customer_phone.as_deref() {
            Some(phone) => self
                .store
                .find_customer_by_phone(company_id, phone)
                .await
                .optional()?,
            None => None,
        };
        let update = CallUpdate {
            company_id,
            provider: RETELL.to_string(),
            external_id: call_id.clone(),
            agent_id: fields.agent_id.clone(),
            from_number: fields.from_number.clone(),
            to_number: fields.to_number.clone(),
            direction: fields.direction.clone(),
            status: fields.status.clone(),
            started_at: fields.started_at,
            ended_at: fields.ended_at,
            transcript: fields.transcript.clone(),
            analysis: fields.analysis.clone(),
            dynamic_variables: fields.variables.clone().map(Value::Object),
            customer_id: customer.as_ref().map(|c| c.id),
            booking_id: None,
            now,
        };
        let mut stored = self.store.upsert_call(update).await.map_err(|e| match e {
            StoreError::Conflict(_) => {
                EngineError::invalid("call.call_id", "this call_id belongs to another company")
            }
            other => other.into(),
        })?;

        let mut booking_created = false;
        let mut booking_refused = None;
        let mut confirmation_sent = false;
        if event == "call_ended"
            && stored.booking_id.is_none()
            && let Some(wanted) = fields.appointment()
        {
            match self
                .book_from_call(company_id, &call_id, customer_phone.as_deref(), wanted)
                .await
            {
                Ok(booked) => {
                    booking_created = !booked.replayed;
                    confirmation_sent = booked.confirmation_sent;
                    stored = self
                        .store
                        .upsert_call(CallUpdate {
                            company_id,
                            provider: RETELL.to_string(),
                            external_id: call_id.clone(),
                            customer_id: Some(booked.booking.customer_id),
                            booking_id: Some(booked.booking.id),
                            now,
                            ..CallUpdate::default()
                        })
                        .await?;
                    tracing::info!(company_id, call_id = %call_id, booking_id = booked.booking.id, replayed = booked.replayed, "appointment booked from a call");
                }
                Err(e) if e.is_client_error() => {
                    tracing::info!(company_id, call_id = %call_id, code = e.code(), "appointment from a call refused");
                    booking_refused = Some(BookingRefused::from_error(&e));
                }
                Err(e) => return Err(e),
            }
        }

        let announce = if event == "call_ended" {
            self.call_ended_rows(&stored).await?
        } else {
            Vec::new()
        };
        let first = self
            .store
            .record_call_event(stored.id, event, now, &announce)
            .await?;
        if first && !announce.is_empty() {
            self.messages_queued();
        }
        let booking = match stored.booking_id {
            Some(id) => {
                let catalog = self.catalog(company_id).await?;
                let b = self
                    .store
                    .get_booking(company_id, id)
                    .await
                    .or_not_found("booking")?;
                Some(self.view(&catalog, b).await?)
            }
            None => None,
        };
        tracing::info!(company_id, call_id = %call_id, event, duplicate = !first, "retell call event recorded");
        Ok(CallEventOutcome {
            call_id,
            duplicate: !first,
            booking,
            booking_created,
            booking_refused,
            confirmation_sent,
        })
    }

    async fn book_from_call(
        &self,
        company_id: CompanyId,
        call_id: &str,
        phone: Option<&str>,
        wanted: WantedAppointment,
    ) -> EngineResult<crate::appointments::AppointmentBooked> {
        let phone = phone.ok_or_else(|| {
            EngineError::invalid("from_number", "the call has no caller number to book for")
        })?;
        let date = self
            .read_date(company_id, &wanted.date)
            .await?
            .map_err(|e| EngineError::invalid("appointment_date", e.to_string()))?
            .date();
        let time = parse_time(&wanted.time)
            .map_err(|e| EngineError::invalid("appointment_time", e.to_string()))?;
        let mut req = AppointmentRequest::new(phone, date, time, BookingSource::Retell);
        req.name = Some(wanted.name);
        req.service = wanted.service;
        req.call_id = Some(call_id.to_string());
        // One booking per call, even when two deliveries race.
        req.idempotency_key = Some(format!("retell-call:{call_id}"));
        req.registration = Registration::Always;
        self.create_appointment(company_id, req).await
    }
}

/// What the call object says, normalised; absent or malformed fields are `None` (a webhook
/// must not fail because Retell added or omitted an optional field).
#[derive(Debug, Default)]
struct CallFields {
    agent_id: Option<String>,
    from_number: Option<String>,
    to_number: Option<String>,
    direction: Option<String>,
    status: Option<String>,
    started_at: Option<Timestamp>,
    ended_at: Option<Timestamp>,
    transcript: Option<String>,
    analysis: Option<Value>,
    variables: Option<Map<String, Value>>,
}

struct WantedAppointment {
    name: String,
    date: String,
    time: String,
    service: Option<String>,
}

impl CallFields {
    fn read(call: &Map<String, Value>, event: &str, region: &str) -> Self {
        let text = |key: &str, max: usize| {
            call.get(key)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| truncate(s, max))
        };
        // Stored in E.164 when it is a valid number, as given otherwise ("anonymous").
        let number = |key: &str| {
            text(key, 40).map(|raw| {
                PhoneNumber::parse(&raw, region)
                    .map(PhoneNumber::into_string)
                    .unwrap_or(raw)
            })
        };
        let millis = |key: &str| {
            call.get(key)
                .and_then(Value::as_i64)
                .and_then(|ms| Timestamp::from_millisecond(ms).ok())
        };
        let started_at = millis("start_timestamp");
        let duration = call
            .get("duration_ms")
            .and_then(Value::as_i64)
            .map(SignedDuration::from_millis)
            .or_else(|| {
                call.get("duration")
                    .and_then(Value::as_i64)
                    .map(SignedDuration::from_secs)
            });
        let ended_at = millis("end_timestamp").or_else(|| {
            let (start, duration) = (started_at?, duration?);
            start.checked_add(duration).ok()
        });
        let status = text("call_status", 40).or_else(|| {
            Some(
                if event == "call_started" {
                    "ongoing"
                } else {
                    "ended"
                }
                .to_string(),
            )
        });
        let variables = [
            "retell_llm_dynamic_variables",
            "variables",
            "collected_dynamic_variables",
        ]
        .iter()
        .filter_map(|key| call.get(*key).and_then(Value::as_object))
        .fold(None::<Map<String, Value>>, |acc, vars| {
            let mut merged = acc.unwrap_or_default();
            merged.extend(vars.clone());
            Some(merged)
        });
        CallFields {
            agent_id: text("agent_id", 200),
            from_number: number("from_number"),
            to_number: number("to_number"),
            direction: text("direction", 20),
            status,
            started_at,
            ended_at,
            transcript: text("transcript", 200_000),
            analysis: call.get("call_analysis").filter(|v| v.is_object()).cloned(),
            variables,
        }
    }

    /// The customer's number: the caller's on an inbound call, the callee's on an outbound one.
    fn customer_phone(&self) -> Option<String> {
        let number = if self.direction.as_deref() == Some("outbound") {
            &self.to_number
        } else {
            &self.from_number
        };
        number.clone().filter(|n| n.starts_with('+'))
    }

    /// The appointment the agent collected, when the variables hold a name, a date and a time.
    fn appointment(&self) -> Option<WantedAppointment> {
        let vars = self.variables.as_ref()?;
        let get = |key: &str| match vars.get(key) {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
            _ => None,
        };
        Some(WantedAppointment {
            name: get("name")?,
            date: get("appointment_date")?,
            time: get("appointment_time")?,
            service: get("service"),
        })
    }
}

fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[tokio::test]
    async fn a_recorded_call_is_found_by_its_retell_id_in_its_company_only() {
        let (engine, _dir) = crate::prompts::demo_engine().await;
        let company = engine.company_by_slug("askproai-demo").await.expect("demo");
        assert!(
            engine
                .retell_call(company.id, "call_r")
                .await
                .expect("lookup")
                .is_none()
        );
        engine
            .record_call(CallUpdate {
                company_id: company.id,
                provider: RETELL.into(),
                external_id: "call_r".into(),
                from_number: Some("+491234567890".into()),
                now: engine.now(),
                ..CallUpdate::default()
            })
            .await
            .expect("recorded");
        let found = engine
            .retell_call(company.id, "call_r")
            .await
            .expect("lookup");
        assert_eq!(
            found.and_then(|c| c.from_number).as_deref(),
            Some("+491234567890")
        );
        assert!(
            engine
                .retell_call(company.id + 1, "call_r")
                .await
                .expect("lookup")
                .is_none()
        );
    }

    fn fields(call: Value, event: &str) -> CallFields {
        CallFields::read(call.as_object().expect("object"), event, "DE")
    }

    #[test]
    fn numbers_are_normalised_in_the_company_region_and_timing_read_from_milliseconds() {
        let f = fields(
            json!({
                "call_id": "c1", "from_number": "030 1234567", "to_number": "+493083793369",
                "direction": "inbound", "start_timestamp": 1_700_000_000_000_i64, "duration": 180,
            }),
            "call_ended",
        );
        assert_eq!(f.from_number.as_deref(), Some("+49301234567"));
        assert_eq!(f.customer_phone().as_deref(), Some("+49301234567"));
        assert_eq!(f.started_at.map(|t| t.as_second()), Some(1_700_000_000));
        assert_eq!(f.ended_at.map(|t| t.as_second()), Some(1_700_000_180));
        assert_eq!(f.status.as_deref(), Some("ended"));
    }

    #[test]
    fn an_outbound_call_belongs_to_the_number_called() {
        let f = fields(
            json!({ "call_id": "c2", "from_number": "+493083793369", "to_number": "+491234567890", "direction": "outbound" }),
            "call_started",
        );
        assert_eq!(f.customer_phone().as_deref(), Some("+491234567890"));
        assert_eq!(f.status.as_deref(), Some("ongoing"));
    }

    #[test]
    fn an_appointment_needs_a_name_a_date_and_a_time() {
        let with = |vars: Value| {
            fields(json!({ "call_id": "c", "variables": vars }), "call_ended").appointment()
        };
        assert!(with(json!({ "name": "John Doe", "appointment_date": "2026-11-23" })).is_none());
        assert!(with(json!({ "name": " ", "appointment_date": "2026-11-23", "appointment_time": "14:00" })).is_none());
        let wanted = with(json!({ "name": "John Doe", "appointment_date": "2026-11-23", "appointment_time": "14:00", "service": "Beratung" }))
            .expect("appointment");
        assert_eq!(
            (wanted.name.as_str(), wanted.service.as_deref()),
            ("John Doe", Some("Beratung"))
        );
    }

    #[test]
    fn retell_dynamic_variables_and_the_documents_variables_are_both_read() {
        let f = fields(
            json!({ "call_id": "c", "retell_llm_dynamic_variables": { "name": "Ana" }, "variables": { "appointment_date": "tomorrow" } }),
            "call_ended",
        );
        let vars = f.variables.expect("variables");
        assert_eq!(vars.get("name"), Some(&json!("Ana")));
        assert_eq!(vars.get("appointment_date"), Some(&json!("tomorrow")));
    }
}
