//! `book_session`, `cancel_booking`, `reschedule_booking`, `get_bookings` (also called as
//! `list_bookings`).

use super::members::bad;
use crate::args::{
    Arg, ArgProblem, BookRequest, BookingKey, BookingsRequest, CancelRequest, Hint,
    RescheduleRequest, StatusFilter, TimeWord,
};
use crate::results::{BookOutput, BookingOutput, BookingsOutput, CancelOutput, RescheduleOutput};
use crate::turn::{Problem, Reply, Turn};
use frontdesk_domain::{normalize_voucher_code, parse_time};
use frontdesk_engine::booking::{Register, RegistrationPolicy};
use frontdesk_engine::{BookingRef, BookingScope, Caller, EngineError};
use jiff::civil::Time;

impl Turn {
    /// Books a slot; registers an unknown caller first when they gave their name and the
    /// business lets new callers book.
    pub async fn book_session(&mut self, req: BookRequest) -> Result<Reply, Problem> {
        let member_id = req.member_id.optional("member_id")?;
        let member_name = req.member_name.optional("member_name")?;
        let service = req.service.optional("service")?;
        let level = req.level.optional("level")?;
        let wave_side = req.wave_side.optional("wave_side")?;
        let date = req.date.required("date")?;
        let time = time_of(req.time)?;
        let idempotency_key = req.idempotency_key.optional("idempotency_key")?;
        let name = req.name.optional_as("name", Hint::Name)?;
        let notes = req.notes.optional("notes")?;
        let date = self.resolve_word(&date, "date", self.today().await?)?;

        if self.caller.customer_id.is_none() && name.is_none() {
            return Err(EngineError::UnknownCaller.into());
        }

        let mut request = frontdesk_engine::BookRequest::new(date, time, self.origin.source);
        // A voice platform retrying the same request within its call gets the first booking.
        request.idempotency_key = idempotency_key.or_else(|| {
            self.origin.retry_key(&[
                "book_session",
                &date.to_string(),
                &time.to_string(),
                &member_id.map(|id| id.to_string()).unwrap_or_default(),
                member_name.as_deref().unwrap_or_default(),
                service.as_deref().unwrap_or_default(),
                level.as_deref().unwrap_or_default(),
                wave_side.as_deref().unwrap_or_default(),
            ])
        });
        request.call_id = self.origin.call_id.clone();
        request.member_id = member_id;
        request.member_name = member_name.clone();
        request.service = service;
        request.notes = notes;
        // An unknown caller is registered with the booking: both or neither.
        request.register = name.clone().map(|name| Register {
            email: None,
            name,
            policy: RegistrationPolicy::ByPolicy,
        });
        if let Some(level) = level {
            request.attributes.insert("level".into(), level);
        }
        if let Some(side) = wave_side {
            request.attributes.insert("wave_side".into(), side);
        }
        match self.engine.book(&self.caller, request).await {
            Ok(result) => {
                if result.registered {
                    self.caller = Caller::customer(
                        self.caller.company_id,
                        result.booking.customer_id,
                        self.caller.phone.clone(),
                    );
                }
                let out = BookOutput {
                    booking: BookingOutput::from(&result.booking),
                    replayed: result.replayed,
                    registered: result.registered,
                    confirmation_sent: result.confirmation_sent,
                };
                Reply::new(&out, self.say().booked(&out, name.as_deref()))
            }
            Err(error @ EngineError::QuotaReached { .. }) => {
                // Say whose quota it is and which booking holds it.
                let member = self
                    .engine
                    .find_member(&self.caller, member_id, member_name.as_deref())
                    .await
                    .ok();
                Err(Problem::Engine {
                    error: Box::new(error),
                    member: member.map(Box::new),
                })
            }
            Err(error) => Err(error.into()),
        }
    }

    pub async fn cancel_booking(&self, req: CancelRequest) -> Result<Reply, Problem> {
        let booking = booking_ref(req.booking_id, req.voucher_code)?;
        let reason = req.reason.optional("reason")?;
        let result = self.engine.cancel(&self.caller, &booking, reason).await?;
        let out = CancelOutput {
            booking: BookingOutput::from(&result.booking),
            refund_applicable: result.refund_applicable,
            already_cancelled: result.already_cancelled,
            confirmation_sent: result.confirmation_sent,
        };
        Reply::new(&out, self.say().cancelled(&out))
    }

    pub async fn reschedule_booking(&self, req: RescheduleRequest) -> Result<Reply, Problem> {
        let booking = booking_ref(req.booking_id, req.voucher_code)?;
        let date = req.date.required("date")?;
        let time = time_of(req.time)?;
        let service = req.service.optional("service")?;
        let date = self.resolve_word(&date, "date", self.today().await?)?;
        let result = self
            .engine
            .reschedule(
                &self.caller,
                frontdesk_engine::RescheduleRequest {
                    booking,
                    date,
                    time,
                    service_id: None,
                    service,
                    staff_id: None,
                },
            )
            .await?;
        let out = RescheduleOutput {
            before: BookingOutput::from(&result.before),
            after: BookingOutput::from(&result.after),
            unchanged: result.unchanged,
            confirmation_sent: result.confirmation_sent,
        };
        Reply::new(&out, self.say().rescheduled(&out))
    }

    pub async fn get_bookings(&self, req: BookingsRequest) -> Result<Reply, Problem> {
        let member_id = req.member_id.optional("member_id")?;
        let member_name = req.member_name.optional("member_name")?;
        let status = req
            .status
            .optional("status")?
            .unwrap_or(StatusFilter::Upcoming);
        let member_id = match (member_id, member_name) {
            (Some(id), _) => Some(id),
            (None, Some(name)) if self.caller.customer_id.is_some() => Some(
                self.engine
                    .find_member(&self.caller, None, Some(&name))
                    .await?
                    .id,
            ),
            _ => None,
        };
        let scope = match status {
            StatusFilter::Upcoming => BookingScope::Upcoming,
            StatusFilter::Past => BookingScope::Past,
            StatusFilter::Cancelled => BookingScope::Cancelled,
            StatusFilter::All => BookingScope::All,
        };
        let views = self.engine.bookings(&self.caller, member_id, scope).await?;
        let out = BookingsOutput {
            status: status.as_str().to_string(),
            member_id,
            count: views.len(),
            bookings: views.iter().map(BookingOutput::from).collect(),
        };
        Reply::new(&out, self.say().bookings(&out))
    }
}

fn time_of(arg: Arg<TimeWord>) -> Result<Time, Problem> {
    let word = arg.required("time")?;
    Ok(parse_time(&word.0).map_err(|_| bad("time", &word.0, Hint::Time))?)
}

/// The booking an agent means: an id, or a voucher code (also when sent as `booking_id`).
fn booking_ref(id: Arg<BookingKey>, voucher: Arg<String>) -> Result<BookingRef, ArgProblem> {
    match (
        id.optional("booking_id")?,
        voucher.optional("voucher_code")?,
    ) {
        (Some(BookingKey::Id(id)), _) => Ok(BookingRef::Id(id)),
        (_, Some(code)) => Ok(BookingRef::Voucher(code)),
        (Some(BookingKey::Voucher(code)), None) if normalize_voucher_code(&code).is_some() => {
            Ok(BookingRef::Voucher(code))
        }
        (Some(BookingKey::Voucher(code)), None) => Err(bad("booking_id", &code, Hint::BookingRef)),
        (None, None) => Err(ArgProblem {
            field: "booking_id",
            got: None,
            hint: Hint::BookingRef,
        }),
    }
}
