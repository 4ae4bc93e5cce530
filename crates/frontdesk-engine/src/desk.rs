//! The front desk's view of a company: its agenda, a booking with its history, calls,
//! customers, and the actions the people at the desk take for a customer (book, move,
//! cancel). Every action goes through the same use cases as a caller's, so capacity, notice,
//! quota, staff and the waitlist hold the same from the console as on the phone.

use crate::availability::AvailabilityQuery;
use crate::booking::{BookRequest, BookResult, BookingRef, CancelResult, RescheduleRequest};
use crate::caller::Caller;
use crate::error::{EngineError, EngineResult, NotFoundAs};
use crate::text::plain;
use crate::{BookingView, Engine, RescheduleResult};
use frontdesk_domain::{
    BookingId, BookingSource, BookingStatus, BranchId, CallId, CompanyId, CustomerId, MemberId,
    MemberPreferences, ServiceId, StaffId,
};
use frontdesk_store::{
    BookingEvent, BookingQuery, Call, CallQuery, CallSummary, CallToolCall, Customer,
    CustomerSearch, DeskBooking, Member, MessageQuery, Notification, OptionalExt, WaitlistEntry,
    WaitlistQuery,
};
use jiff::Timestamp;
use jiff::civil::{Date, Time};
use serde::Serialize;
use std::collections::BTreeMap;

/// Longest agenda asked for at once (a week view).
pub const MAX_AGENDA_DAYS: i64 = 7;

/// Which part of the agenda to show.
#[derive(Debug, Clone, Default)]
pub struct AgendaQuery {
    /// First day; `None`: today.
    pub from: Option<Date>,
    /// Days shown (1 for a day, 7 for a week).
    pub days: i64,
    pub branch_id: Option<BranchId>,
    pub staff_id: Option<StaffId>,
}

/// A booking as the desk sees it: the caller's view plus who the customer is.
#[derive(Debug, Clone, Serialize)]
pub struct DeskBookingView {
    #[serde(flatten)]
    pub booking: BookingView,
    pub customer_name: Option<String>,
    pub customer_phone: String,
}

/// One session of a service at one time, with its bookings and the places still free.
#[derive(Debug, Clone, Serialize)]
pub struct AgendaSession {
    pub date: Date,
    /// `HH:MM`, local to the branch.
    pub time: String,
    pub starts_at: Timestamp,
    pub service_id: ServiceId,
    pub service: String,
    pub branch_id: BranchId,
    pub branch: String,
    pub staff: Option<String>,
    pub capacity: i64,
    /// Confirmed and held places.
    pub taken: i64,
    pub left: i64,
    /// Every booking of the session, cancelled ones too (last).
    pub bookings: Vec<DeskBookingView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AgendaDay {
    pub date: Date,
    pub sessions: Vec<AgendaSession>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NamedRef {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Agenda {
    pub from: Date,
    pub to: Date,
    pub today: Date,
    pub days: Vec<AgendaDay>,
    /// The branches and staff members to filter by.
    pub branches: Vec<NamedRef>,
    pub staff: Vec<NamedRef>,
    /// The services the desk can book.
    pub services: Vec<NamedRef>,
}

/// What a form lets the desk pick: branches, active staff members, services.
#[derive(Debug, Clone, Serialize)]
pub struct Directory {
    pub branches: Vec<NamedRef>,
    pub staff: Vec<NamedRef>,
    pub services: Vec<NamedRef>,
}

impl Directory {
    fn of(catalog: &crate::catalog::Catalog) -> Directory {
        let named = |id: i64, name: &str| NamedRef {
            id,
            name: name.to_string(),
        };
        Directory {
            branches: catalog
                .branches
                .iter()
                .filter(|b| !b.retired)
                .map(|b| named(b.id, &b.name))
                .collect(),
            staff: catalog
                .staff
                .iter()
                .filter(|s| s.active)
                .map(|s| named(s.id, &s.name))
                .collect(),
            services: catalog
                .services
                .iter()
                .filter(|s| !s.retired)
                .map(|s| named(s.id, &s.name))
                .collect(),
        }
    }
}

/// A booking with everything the desk may want to know about it.
#[derive(Debug, Clone, Serialize)]
pub struct BookingDossier {
    pub booking: DeskBookingView,
    pub customer: Customer,
    pub events: Vec<BookingEvent>,
    pub messages: Vec<Notification>,
}

/// A call with what the agent did during it.
#[derive(Debug, Clone, Serialize)]
pub struct CallDossier {
    pub call: Call,
    pub customer: Option<Customer>,
    pub tool_calls: Vec<CallToolCall>,
    pub bookings: Vec<BookingView>,
}

/// A member with their saved preferences.
#[derive(Debug, Clone, Serialize)]
pub struct MemberDossier {
    pub member: Member,
    pub preferences: Option<MemberPreferences>,
}

/// A customer with their family, bookings and waitlist entries.
#[derive(Debug, Clone, Serialize)]
pub struct CustomerDossier {
    pub customer: Customer,
    pub members: Vec<MemberDossier>,
    pub bookings: Vec<BookingView>,
    pub waitlist: Vec<WaitlistEntry>,
}

/// A booking the desk makes for a customer, known or new.
#[derive(Debug, Clone)]
pub struct DeskBookRequest {
    /// The customer's phone number (any form the company's country reads).
    pub phone: String,
    /// Registers a new customer under this name; ignored for a known one.
    pub customer_name: Option<String>,
    pub member_id: Option<MemberId>,
    pub service_id: ServiceId,
    pub date: Date,
    pub time: Time,
    pub staff_id: Option<StaffId>,
    pub notes: Option<String>,
}

impl Engine {
    /// The bookings and sessions of one day or a week, by branch and staff member.
    pub async fn agenda(&self, company_id: CompanyId, query: &AgendaQuery) -> EngineResult<Agenda> {
        let days = query.days.clamp(1, MAX_AGENDA_DAYS);
        let catalog = self.catalog(company_id).await?;
        let today = self.today(company_id).await?;
        let from = query.from.unwrap_or(today);
        let to = from
            .checked_add(jiff::Span::new().days(days - 1))
            .map_err(|_| EngineError::invalid("date", "the date is out of range"))?;
        let zone = crate::business::main_zone(&catalog.branches, &catalog.company.time_zone)?;
        let start = from
            .to_zoned(zone.clone())
            .map_err(|e| EngineError::Internal(e.to_string()))?
            .timestamp();
        let end = to
            .tomorrow()
            .and_then(|d| d.to_zoned(zone.clone()))
            .map_err(|e| EngineError::Internal(e.to_string()))?
            .timestamp();
        let rows = self
            .store
            .desk_bookings(&BookingQuery {
                company_id,
                ends_after: Some(start),
                starts_before: Some(end),
                limit: 5000,
                ..Default::default()
            })
            .await?;
        // Sessions keyed by (start, service, branch, staff): a booking of a session with a
        // staff member is a session of its own per staff member.
        type Key = (Timestamp, ServiceId, BranchId, Option<StaffId>);
        let mut sessions: BTreeMap<Key, AgendaSession> = BTreeMap::new();
        let keep = |branch_id: BranchId, staff_id: Option<StaffId>| {
            query.branch_id.is_none_or(|b| b == branch_id)
                && query.staff_id.is_none_or(|s| staff_id == Some(s))
        };
        for row in rows {
            let b = &row.booking;
            if !keep(b.branch_id, b.staff_id) || b.starts_at < start {
                continue;
            }
            let capacity = catalog
                .services
                .iter()
                .find(|s| s.id == b.service_id)
                .map_or(0, |s| i64::from(s.capacity));
            let key = (b.starts_at, b.service_id, b.branch_id, b.staff_id);
            let view = self.desk_view(&catalog, row);
            let session = sessions.entry(key).or_insert_with(|| AgendaSession {
                date: view.booking.date,
                time: view.booking.time.clone(),
                starts_at: view.booking.starts_at,
                service_id: view.booking.service_id,
                service: view.booking.service.clone(),
                branch_id: view.booking.branch_id,
                branch: view.booking.branch.clone(),
                staff: view.booking.staff.clone(),
                capacity,
                taken: 0,
                left: capacity,
                bookings: Vec::new(),
            });
            if matches!(
                view.booking.status,
                BookingStatus::Confirmed | BookingStatus::Held
            ) {
                session.taken += 1;
                session.left = (session.capacity - session.taken).max(0);
            }
            session.bookings.push(view);
        }
        // Sessions nobody booked yet, with their free places (the same slots a caller hears).
        if query.staff_id.is_none() {
            let mut free = AvailabilityQuery::on(from);
            free.to = to;
            free.branch_id = query.branch_id;
            free.include_full = true;
            let anyone = Caller::anonymous(company_id, None);
            if let Ok(found) = self.availability(&anyone, &free).await {
                for slot in found.slots {
                    let key = (slot.starts_at, slot.service_id, slot.branch_id, None);
                    if sessions.contains_key(&key) {
                        continue;
                    }
                    let taken = slot.capacity - slot.remaining;
                    if taken > 0 && sessions.keys().any(|k| k.0 == key.0 && k.1 == key.1) {
                        continue;
                    }
                    sessions.insert(
                        key,
                        AgendaSession {
                            date: slot.date,
                            time: format!("{:02}:{:02}", slot.time.hour(), slot.time.minute()),
                            starts_at: slot.starts_at,
                            service_id: slot.service_id,
                            service: slot.service_name.clone(),
                            branch_id: slot.branch_id,
                            branch: catalog
                                .branch(slot.branch_id)
                                .map(|b| b.name.clone())
                                .unwrap_or_default(),
                            staff: None,
                            capacity: slot.capacity,
                            taken,
                            left: slot.remaining,
                            bookings: Vec::new(),
                        },
                    );
                }
            }
        }
        let mut by_day: BTreeMap<Date, Vec<AgendaSession>> = BTreeMap::new();
        let mut day = from;
        while day <= to {
            by_day.insert(day, Vec::new());
            day = day
                .tomorrow()
                .map_err(|e| EngineError::Internal(e.to_string()))?;
        }
        for (_, mut session) in sessions {
            // Cancelled bookings last, so the list reads as who is coming.
            session
                .bookings
                .sort_by_key(|b| b.booking.status == BookingStatus::Cancelled);
            if let Some(list) = by_day.get_mut(&session.date) {
                list.push(session);
            }
        }
        let directory = Directory::of(&catalog);
        Ok(Agenda {
            from,
            to,
            today,
            days: by_day
                .into_iter()
                .map(|(date, sessions)| AgendaDay { date, sessions })
                .collect(),
            branches: directory.branches,
            staff: directory.staff,
            services: directory.services,
        })
    }

    /// The company's branches, active staff and services to pick from (no bookings read).
    pub async fn directory(&self, company_id: CompanyId) -> EngineResult<Directory> {
        Ok(Directory::of(&*self.catalog(company_id).await?))
    }

    /// The company's bookings starting on `date` (every status), in start order: what
    /// `frontdesk bookings list` prints.
    pub async fn bookings_on(
        &self,
        company_id: CompanyId,
        date: Option<Date>,
    ) -> EngineResult<Vec<DeskBookingView>> {
        let agenda = self
            .agenda(
                company_id,
                &AgendaQuery {
                    from: date,
                    days: 1,
                    ..Default::default()
                },
            )
            .await?;
        Ok(agenda
            .days
            .into_iter()
            .flat_map(|d| d.sessions)
            .flat_map(|s| s.bookings)
            .collect())
    }

    fn desk_view(&self, catalog: &crate::catalog::Catalog, row: DeskBooking) -> DeskBookingView {
        DeskBookingView {
            booking: crate::booking::present(catalog, row.booking, row.member_name),
            customer_name: row.customer_name,
            customer_phone: row.customer_phone,
        }
    }

    /// A booking of the company with its customer, audit trail and messages.
    pub async fn booking_dossier(
        &self,
        company_id: CompanyId,
        id: BookingId,
    ) -> EngineResult<BookingDossier> {
        let catalog = self.catalog(company_id).await?;
        let booking = self
            .store
            .get_booking(company_id, id)
            .await
            .or_not_found("booking")?;
        let customer = self
            .store
            .get_customer(company_id, booking.customer_id)
            .await
            .or_not_found("customer")?;
        let member = match booking.member_id {
            Some(m) => self
                .store
                .get_member(company_id, m)
                .await
                .optional()?
                .map(|m| m.name),
            None => None,
        };
        let events = self.store.list_booking_events(company_id, id).await?;
        let messages = self
            .store
            .list_messages(MessageQuery {
                company_id: Some(company_id),
                booking_id: Some(id),
                limit: 50,
                ..Default::default()
            })
            .await?;
        let view = self.desk_view(
            &catalog,
            DeskBooking {
                booking,
                member_name: member,
                customer_name: customer.name.clone(),
                customer_phone: customer.phone.clone(),
            },
        );
        Ok(BookingDossier {
            booking: view,
            customer,
            events,
            messages,
        })
    }

    /// The caller a booking's customer would be: the desk acts on their behalf.
    async fn on_behalf(&self, company_id: CompanyId, id: BookingId) -> EngineResult<Caller> {
        let booking = self
            .store
            .get_booking(company_id, id)
            .await
            .or_not_found("booking")?;
        let customer = self
            .store
            .get_customer(company_id, booking.customer_id)
            .await
            .or_not_found("customer")?;
        Ok(Caller::customer(
            company_id,
            customer.id,
            Some(customer.phone),
        ))
    }

    /// Cancels a booking for its customer (who is told, as when they cancel themselves).
    pub async fn desk_cancel(
        &self,
        company_id: CompanyId,
        id: BookingId,
        reason: Option<String>,
    ) -> EngineResult<CancelResult> {
        let caller = self.on_behalf(company_id, id).await?;
        self.cancel(&caller, &BookingRef::Id(id), reason).await
    }

    /// Moves a booking for its customer to another day, time or staff member.
    pub async fn desk_move(
        &self,
        company_id: CompanyId,
        id: BookingId,
        date: Date,
        time: Time,
        staff_id: Option<StaffId>,
    ) -> EngineResult<RescheduleResult> {
        let caller = self.on_behalf(company_id, id).await?;
        self.reschedule(
            &caller,
            RescheduleRequest {
                booking: BookingRef::Id(id),
                date,
                time,
                service_id: None,
                service: None,
                staff_id,
            },
        )
        .await
    }

    /// Books for a customer who asked the desk: a known phone number books for that
    /// customer (and member), a new one registers the customer under `customer_name`.
    pub async fn desk_book(
        &self,
        company_id: CompanyId,
        req: DeskBookRequest,
    ) -> EngineResult<BookResult> {
        let identified = self.identify(company_id, &req.phone).await?;
        let caller = identified.caller;
        let mut book = BookRequest::new(req.date, req.time, BookingSource::Console);
        book.service_id = Some(req.service_id);
        book.member_id = req.member_id;
        book.staff_id = req.staff_id;
        book.notes = req.notes.filter(|n| !n.trim().is_empty());
        if caller.customer_id.is_none() {
            let name = req
                .customer_name
                .map(|n| n.trim().to_string())
                .filter(|n| !n.is_empty())
                .ok_or_else(|| {
                    EngineError::invalid(
                        "customer_name",
                        "this number is not a customer yet: give their name to register them",
                    )
                })?;
            plain("customer_name", &name)?;
            book.register = Some(crate::booking::Register {
                name,
                email: None,
                policy: crate::booking::RegistrationPolicy::Always,
            });
        }
        self.book(&caller, book).await
    }

    /// The company's calls, newest first (`before`: the next page).
    pub async fn calls(
        &self,
        company_id: CompanyId,
        before: Option<Timestamp>,
        limit: i64,
    ) -> EngineResult<Vec<CallSummary>> {
        Ok(self
            .store
            .list_calls(CallQuery {
                company_id,
                before,
                limit: limit.clamp(1, 200),
            })
            .await?)
    }

    /// A call with its transcript, the agent's tool calls and the bookings it produced.
    pub async fn call_dossier(
        &self,
        company_id: CompanyId,
        id: CallId,
    ) -> EngineResult<CallDossier> {
        let call = self
            .store
            .get_call_by_id(company_id, id)
            .await
            .or_not_found("call")?;
        let customer = match call.customer_id {
            Some(c) => self.store.get_customer(company_id, c).await.optional()?,
            None => None,
        };
        let tool_calls = self
            .store
            .list_call_tool_calls(company_id, &call.provider, &call.external_id)
            .await?;
        let catalog = self.catalog(company_id).await?;
        let mut bookings = Vec::new();
        for b in self
            .store
            .list_bookings(&BookingQuery {
                company_id,
                call_id: Some(call.external_id.clone()),
                limit: 50,
                ..Default::default()
            })
            .await?
        {
            bookings.push(self.view(&catalog, b).await?);
        }
        Ok(CallDossier {
            call,
            customer,
            tool_calls,
            bookings,
        })
    }

    /// Records a tool call an agent made during a call and the answer it got, for the call's
    /// page. A failure to record is logged, never the tool call's failure.
    pub async fn record_tool_call(&self, record: frontdesk_store::NewCallToolCall) {
        if let Err(e) = self.store.record_call_tool_call(record).await {
            tracing::warn!(error = %e, "tool call not recorded for the call's page");
        }
    }

    /// The company's customers whose name, member's name or number contains `text`.
    pub async fn find_customers(
        &self,
        company_id: CompanyId,
        text: &str,
    ) -> EngineResult<Vec<Customer>> {
        plain("q", text)?;
        Ok(self
            .store
            .search_customers(CustomerSearch {
                company_id,
                text: text.trim().chars().take(100).collect(),
                limit: 100,
            })
            .await?)
    }

    /// A customer with their members (and preferences), bookings and waitlist entries.
    pub async fn customer_dossier(
        &self,
        company_id: CompanyId,
        id: CustomerId,
    ) -> EngineResult<CustomerDossier> {
        let customer = self
            .store
            .get_customer(company_id, id)
            .await
            .or_not_found("customer")?;
        let mut members = Vec::new();
        for member in self.store.list_members(company_id, id).await? {
            let preferences = self
                .store
                .get_member_preferences(member.id)
                .await
                .optional()?;
            members.push(MemberDossier {
                member,
                preferences,
            });
        }
        let caller = Caller::customer(company_id, id, Some(customer.phone.clone()));
        let bookings = self
            .bookings(&caller, None, crate::BookingScope::All)
            .await?;
        let waitlist = self
            .store
            .list_waitlist(&WaitlistQuery {
                company_id,
                customer_id: Some(id),
                ..Default::default()
            })
            .await?;
        Ok(CustomerDossier {
            customer,
            members,
            bookings,
            waitlist,
        })
    }

    /// Corrects a customer's name and e-mail (empty: none).
    pub async fn update_customer(
        &self,
        company_id: CompanyId,
        id: CustomerId,
        name: &str,
        email: &str,
    ) -> EngineResult<Customer> {
        let name = name.trim();
        let email = email.trim();
        plain("name", name)?;
        plain("email", email)?;
        if name.chars().count() > 200 {
            return Err(EngineError::invalid(
                "name",
                "a name has at most 200 characters",
            ));
        }
        if !email.is_empty() && !frontdesk_domain::messaging::looks_like_email(email) {
            return Err(EngineError::invalid(
                "email",
                "an e-mail address looks like name@example.com",
            ));
        }
        let customer = self
            .store
            .update_customer(
                company_id,
                id,
                (!name.is_empty()).then_some(name),
                (!email.is_empty()).then_some(email),
            )
            .await
            .or_not_found("customer")?;
        Ok(customer)
    }
}

impl Engine {
    /// The company's active staff members, to pick from.
    pub async fn agenda_staff(&self, company_id: CompanyId) -> EngineResult<Vec<NamedRef>> {
        Ok(self.directory(company_id).await?.staff)
    }
}

impl Engine {
    /// Sends a company's failed or withdrawn message again; another company's is not found.
    pub async fn desk_retry_message(
        &self,
        company_id: CompanyId,
        id: i64,
    ) -> EngineResult<Notification> {
        let message = self.store.get_message(id).await.or_not_found("message")?;
        if message.company_id != company_id {
            return Err(EngineError::NotFound { what: "message" });
        }
        self.retry_message(id).await
    }
}

impl Engine {
    /// Adds a member to a customer's family (`member_id` none) or renames one of theirs and
    /// sets their relationship.
    pub async fn desk_save_member(
        &self,
        company_id: CompanyId,
        customer_id: CustomerId,
        member_id: Option<MemberId>,
        name: &str,
        relationship: &str,
    ) -> EngineResult<Member> {
        let name = name.trim();
        let relationship = relationship.trim();
        plain("name", name)?;
        plain("relationship", relationship)?;
        if name.is_empty() || name.chars().count() > 200 {
            return Err(EngineError::invalid(
                "name",
                "a member's name has 1 to 200 characters",
            ));
        }
        self.store
            .get_customer(company_id, customer_id)
            .await
            .or_not_found("customer")?;
        let existing = match member_id {
            Some(id) => {
                let member = self
                    .store
                    .get_member(company_id, id)
                    .await
                    .or_not_found("member")?;
                if member.customer_id != customer_id {
                    return Err(EngineError::NotFound { what: "member" });
                }
                Some(member)
            }
            None => None,
        };
        let member = self
            .store
            .upsert_member(frontdesk_store::NewMember {
                id: member_id,
                company_id,
                customer_id,
                name: name.to_string(),
                level: existing.as_ref().and_then(|m| m.level.clone()),
                max_active_bookings: existing.as_ref().and_then(|m| m.max_active_bookings),
                relationship: (!relationship.is_empty()).then(|| relationship.to_string()),
            })
            .await?;
        Ok(member)
    }
}
