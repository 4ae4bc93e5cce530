//! Appointments named by the customer's phone number, as the AskProAI gateway and the Retell
//! call webhooks work with them: find, create, reschedule and cancel (each queues its
//! notification in the outbox, as every booking change through the engine does).
//!
//! These are compositions of the caller-scoped use cases (`identify`, `book`, `reschedule`,
//! `cancel`, `bookings`), so every rule (slot, notice, window, capacity, quota, cancellation
//! policy, "only your own bookings") is the one the MCP tools obey. A phone number that is
//! not the booking's customer's gets "booking not found", exactly like a wrong id.

use crate::Engine;
use crate::booking::{
    BookRequest, BookingRef, BookingScope, BookingView, Register, RescheduleRequest,
};
use crate::catalog::Catalog;
use crate::error::{EngineError, EngineResult};
use crate::text::{plain, same};
use frontdesk_domain::{BookingId, BookingSource, CompanyId, StaffId};
use jiff::civil::{Date, Time};

/// Whether an appointment for a phone number the company does not know may register it.
pub use crate::booking::RegistrationPolicy as Registration;

/// How an appointment names its staff member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaffChoice {
    Id(StaffId),
    Name(String),
}

#[derive(Debug, Clone)]
pub struct AppointmentRequest {
    /// The customer's phone number, normalised in the company's region.
    pub phone: String,
    /// The person's name: registers a new customer, and picks the member of a known one.
    pub name: Option<String>,
    /// The service by code or name; without one, the company's first service offering that
    /// time.
    pub service: Option<String>,
    pub date: Date,
    pub time: Time,
    pub staff: Option<StaffChoice>,
    pub notes: Option<String>,
    pub source: BookingSource,
    pub call_id: Option<String>,
    pub idempotency_key: Option<String>,
    pub registration: Registration,
    /// The customer's e-mail address: confirmations go there too (a known customer's
    /// stored address is replaced by it).
    pub email: Option<String>,
}

impl AppointmentRequest {
    pub fn new(phone: impl Into<String>, date: Date, time: Time, source: BookingSource) -> Self {
        AppointmentRequest {
            phone: phone.into(),
            name: None,
            service: None,
            date,
            time,
            staff: None,
            notes: None,
            source,
            call_id: None,
            idempotency_key: None,
            registration: Registration::ByPolicy,
            email: None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct AppointmentBooked {
    pub booking: BookingView,
    pub customer_name: Option<String>,
    /// The phone number was registered as a new customer by this request.
    pub registered: bool,
    /// The idempotency key had been used: this is the first booking, nothing new was made.
    pub replayed: bool,
    /// A confirmation is in the outbox (written with the booking).
    pub confirmation_sent: bool,
}

#[derive(Debug, Clone)]
pub struct CustomerAppointments {
    /// `None` when the phone number is not a customer of the company.
    pub customer_name: Option<String>,
    /// Chronological.
    pub appointments: Vec<BookingView>,
}

#[derive(Debug, Clone)]
pub struct AppointmentMoved {
    pub before: BookingView,
    pub after: BookingView,
    /// It already was at that date and time: nothing changed and nothing was queued.
    pub unchanged: bool,
    pub confirmation_sent: bool,
}

#[derive(Debug, Clone)]
pub struct AppointmentCancelled {
    pub booking: BookingView,
    pub refund_applicable: bool,
    /// It had been cancelled before; nothing changed and nothing was queued.
    pub already_cancelled: bool,
    pub confirmation_sent: bool,
}

impl Engine {
    /// The appointments of the customer with this phone number: upcoming ones, or all of them
    /// (past and cancelled too). An unknown number has none.
    pub async fn find_appointments(
        &self,
        company_id: CompanyId,
        phone: &str,
        upcoming_only: bool,
    ) -> EngineResult<CustomerAppointments> {
        let identified = self.identify(company_id, phone).await?;
        let scope = if upcoming_only {
            BookingScope::Upcoming
        } else {
            BookingScope::All
        };
        let mut appointments = self.bookings(&identified.caller, None, scope).await?;
        appointments.sort_by_key(|b| b.starts_at);
        Ok(CustomerAppointments {
            customer_name: identified.customer.and_then(|c| c.name),
            appointments,
        })
    }

    /// Books an appointment for the phone number, registering it first when it is new (see
    /// [`Registration`]), and queues the confirmation.
    pub async fn create_appointment(
        &self,
        company_id: CompanyId,
        req: AppointmentRequest,
    ) -> EngineResult<AppointmentBooked> {
        let identified = self.identify(company_id, &req.phone).await?;
        let name = req.name.as_deref().map(str::trim).filter(|n| !n.is_empty());
        if let Some(name) = name {
            plain("name", name)?;
        }
        let email = req
            .email
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty());
        if let Some(email) = email
            && (email.len() > 254 || !frontdesk_domain::messaging::looks_like_email(email))
        {
            return Err(EngineError::invalid(
                "email",
                format!("{email:?} is not an e-mail address"),
            ));
        }
        // A known customer's new address is stored before the booking, so its confirmation
        // goes there.
        if let (Some(customer), Some(email)) = (&identified.customer, email)
            && customer.email.as_deref() != Some(email)
        {
            self.store
                .upsert_customer(frontdesk_store::NewCustomer {
                    company_id,
                    phone: customer.phone.clone(),
                    name: customer.name.clone(),
                    email: Some(email.to_string()),
                    has_linked_account: customer.has_linked_account,
                    now: self.now(),
                })
                .await?;
        }
        let caller = identified.caller.clone();
        // A new number is registered with the booking, in its transaction (see `book`).
        let register = match (&identified.customer, name) {
            (Some(_), _) => None,
            (None, None) => return Err(EngineError::UnknownCaller),
            (None, Some(name)) => Some(Register {
                name: name.to_string(),
                email: email.map(str::to_string),
                policy: req.registration,
            }),
        };
        let customer_name = match &identified.customer {
            Some(c) => c.name.clone(),
            None => name.map(str::to_string),
        };

        let catalog = self.catalog(company_id).await?;
        let mut book = BookRequest::new(req.date, req.time, req.source);
        book.service = req.service.clone().filter(|s| !s.trim().is_empty());
        if book.service.is_none() {
            book.service_id = default_service(&catalog, req.date, req.time);
        }
        book.staff_id = match &req.staff {
            Some(choice) => Some(staff_id(&catalog, choice)?),
            None => None,
        };
        book.notes = req.notes.clone();
        book.call_id = req.call_id.clone();
        book.idempotency_key = req.idempotency_key.clone();
        book.member_name = name.map(str::to_string);
        book.register = register;

        let result = match self.book_once(&caller, book.clone()).await {
            // The name is somebody the customer has not registered as a member: book for the
            // customer's only member instead (or ask which one, when there are several).
            Err(EngineError::Choose {
                field: "member_name",
                ..
            }) => {
                self.book_once(
                    &caller,
                    BookRequest {
                        member_name: None,
                        ..book
                    },
                )
                .await
            }
            other => other,
        };
        let result = crate::booking::count_booking(result)?;
        Ok(AppointmentBooked {
            registered: result.registered,
            booking: result.booking,
            customer_name,
            replayed: result.replayed,
            confirmation_sent: result.confirmation_sent,
        })
    }

    /// Moves the appointment, if it is the phone number's customer's, and queues the notice.
    pub async fn reschedule_appointment(
        &self,
        company_id: CompanyId,
        phone: &str,
        booking_id: BookingId,
        date: Date,
        time: Time,
    ) -> EngineResult<AppointmentMoved> {
        let caller = self.identify(company_id, phone).await?.caller;
        let result = self
            .reschedule(
                &caller,
                RescheduleRequest {
                    booking: BookingRef::Id(booking_id),
                    date,
                    time,
                    service_id: None,
                    service: None,
                    staff_id: None,
                },
            )
            .await?;
        Ok(AppointmentMoved {
            before: result.before,
            after: result.after,
            unchanged: result.unchanged,
            confirmation_sent: result.confirmation_sent,
        })
    }

    /// Cancels the appointment, if it is the phone number's customer's; the refund follows
    /// the company's free-cancellation hours. Cancelling twice changes nothing the second time.
    pub async fn cancel_appointment(
        &self,
        company_id: CompanyId,
        phone: &str,
        booking_id: BookingId,
        reason: Option<String>,
    ) -> EngineResult<AppointmentCancelled> {
        let caller = self.identify(company_id, phone).await?.caller;
        let result = self
            .cancel(&caller, &BookingRef::Id(booking_id), reason)
            .await?;
        Ok(AppointmentCancelled {
            booking: result.booking,
            refund_applicable: result.refund_applicable,
            already_cancelled: result.already_cancelled,
            confirmation_sent: result.confirmation_sent,
        })
    }
}

/// When no service is named: the first active service (in catalogue order) that has a start
/// at that time, so "an appointment on Tuesday at 14:00" books the business's main service.
/// `None` lets the booking ask which service is meant.
fn default_service(catalog: &Catalog, date: Date, time: Time) -> Option<i64> {
    let mut services: Vec<_> = catalog.services.iter().filter(|s| s.active).collect();
    services.sort_by_key(|s| s.id);
    services
        .into_iter()
        .find(|s| {
            s.schedule
                .start_times_on(date, s.duration_minutes, &catalog.exceptions_for(s))
                .contains(&time)
        })
        .map(|s| s.id)
}

fn staff_id(catalog: &Catalog, choice: &StaffChoice) -> EngineResult<StaffId> {
    let active = || catalog.staff.iter().filter(|s| s.active);
    let found = match choice {
        StaffChoice::Id(id) => active().find(|s| s.id == *id),
        StaffChoice::Name(name) => active().find(|s| {
            same(&s.name, name)
                || s.name
                    .split_whitespace()
                    .last()
                    .is_some_and(|last| same(last, name))
        }),
    };
    found.map(|s| s.id).ok_or_else(|| {
        let names: Vec<&str> = active().map(|s| s.name.as_str()).collect();
        EngineError::choose(
            "staff",
            format!("no such staff member; staff are: {}", names.join(", ")),
            names,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registration_defaults_to_the_company_policy() {
        let req = AppointmentRequest::new(
            "+491234567890",
            jiff::civil::date(2026, 11, 23),
            jiff::civil::time(14, 0, 0, 0),
            BookingSource::Gateway,
        );
        assert_eq!(req.registration, Registration::ByPolicy);
        assert!(req.name.is_none() && req.service.is_none() && req.staff.is_none());
    }
}
