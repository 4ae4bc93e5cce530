//! Book, cancel, reschedule and list bookings for a caller.
//!
//! The engine checks what only it knows (the slot exists in the schedule, notice, window, who
//! the member belongs to) and hands the limits that must hold under concurrency (capacity,
//! staff, quota, idempotency) to the store, which enforces them in the same transaction as
//! the write.

use crate::Engine;
use crate::availability::{AvailabilityQuery, Slot, filter_services, staff_window};
use crate::caller::Caller;
use crate::catalog::Catalog;
use crate::error::{Alternative, EngineError, EngineResult, NotFoundAs};
use crate::notifications::{Announcer, NotificationKind, Recipient};
use crate::text::{plain, plain_lines, same};
use crate::usage::BookingsChanging;
use frontdesk_domain::schedule::zoned_starts;
use frontdesk_domain::{
    BookingId, BookingSource, BookingStatus, MemberId, PolicyViolation, ServiceId, StaffId,
    normalize_voucher_code,
};
use frontdesk_store::{
    Booking, BookingLimits, BookingMove, BookingOutcome, BookingQuery, CancelOutcome, Cancellation,
    HoldOutcome, Member, NewBooking, NewRegistration, Refusal, RescheduleOutcome, Service,
    scoped_idempotency_key,
};
use jiff::civil::{Date, Time};
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone)]
pub struct BookRequest {
    pub member_id: Option<MemberId>,
    pub member_name: Option<String>,
    pub service_id: Option<ServiceId>,
    /// A service by code or name, or an attribute value such as a level.
    pub service: Option<String>,
    /// Attribute filters (`level`, `wave_side`) that pick the service when it is not named.
    pub attributes: BTreeMap<String, String>,
    pub date: Date,
    pub time: Time,
    pub staff_id: Option<StaffId>,
    /// A retry with the same key (from the same customer) returns the first booking.
    pub idempotency_key: Option<String>,
    pub source: BookingSource,
    pub call_id: Option<String>,
    pub notes: Option<String>,
    /// Queue a confirmation to the customer's phone (the notification outbox). True for
    /// bookings callers make; false for bookings written from an import file.
    pub notify_customer: bool,
    /// For a caller the company does not know: register them under this name, together
    /// with the booking (both or neither). Ignored for a known customer.
    pub register: Option<Register>,
}

/// Registering an unknown caller with their booking.
#[derive(Debug, Clone)]
pub struct Register {
    /// The caller's full name.
    pub name: String,
    /// The caller's e-mail address (checked by the caller of `book`).
    pub email: Option<String>,
    pub policy: RegistrationPolicy,
}

/// Whether an unknown caller may be registered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegistrationPolicy {
    /// Only when the company's policy lets unknown callers book (`allow_unknown_callers`),
    /// as for every booking a caller asks for.
    ByPolicy,
    /// Always: the business's own agent collected the name and the time during the call
    /// (a Retell `call_ended` with appointment variables).
    Always,
}

impl BookRequest {
    pub fn new(date: Date, time: Time, source: BookingSource) -> Self {
        BookRequest {
            member_id: None,
            member_name: None,
            service_id: None,
            service: None,
            attributes: BTreeMap::new(),
            date,
            time,
            staff_id: None,
            idempotency_key: None,
            source,
            call_id: None,
            notes: None,
            notify_customer: true,
            register: None,
        }
    }
}

impl BookRequest {
    /// The request's free text obeys the rule for text from outside (nothing reaches the
    /// store that it cannot store or that would display as something else).
    fn check_text(&self) -> EngineResult<()> {
        let single = [
            ("member_name", &self.member_name),
            ("service", &self.service),
            ("idempotency_key", &self.idempotency_key),
            ("call_id", &self.call_id),
        ];
        for (field, value) in single {
            if let Some(text) = value {
                plain(field, text)?;
            }
        }
        for (key, value) in &self.attributes {
            plain("attributes", key)?;
            plain("attributes", value)?;
        }
        if let Some(notes) = &self.notes {
            plain_lines("notes", notes)?;
        }
        Ok(())
    }
}

/// A booking as a caller is told about it: names and local times resolved.
#[derive(Debug, Clone, Serialize)]
pub struct BookingView {
    pub id: BookingId,
    pub voucher_code: String,
    pub status: BookingStatus,
    pub service_id: ServiceId,
    pub service: String,
    pub service_code: String,
    pub attributes: BTreeMap<String, String>,
    pub branch_id: i64,
    pub branch: String,
    pub staff_id: Option<StaffId>,
    pub staff: Option<String>,
    pub customer_id: i64,
    pub member_id: Option<MemberId>,
    pub member: Option<String>,
    /// Local date and time at the branch.
    pub date: Date,
    pub time: String,
    pub duration_minutes: i64,
    pub time_zone: String,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub source: BookingSource,
    pub call_id: Option<String>,
    pub cancellation_reason: Option<String>,
    pub refund_applicable: Option<bool>,
    pub created_at: Timestamp,
    /// A place held for the member from the waitlist: until when (book it to confirm).
    pub hold_until: Option<Timestamp>,
    /// The waitlist entry the booking was made or held for.
    pub waitlist_entry_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BookResult {
    pub booking: BookingView,
    /// True when the idempotency key had been used and this is the first booking.
    pub replayed: bool,
    /// The caller had no customer account and was registered with this booking (see
    /// [`BookRequest::register`]).
    pub registered: bool,
    /// A confirmation is in the notification outbox (never for a replay: the first booking
    /// queued it).
    pub confirmation_sent: bool,
}

/// How a caller names a booking: its id or its voucher code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BookingRef {
    Id(BookingId),
    Voucher(String),
}

#[derive(Debug, Clone, Serialize)]
pub struct CancelResult {
    pub booking: BookingView,
    pub refund_applicable: bool,
    /// The booking had been cancelled before (a retried cancel changes nothing).
    pub already_cancelled: bool,
    /// A cancellation notice is in the notification outbox (never for a repeated cancel).
    pub confirmation_sent: bool,
}

#[derive(Debug, Clone)]
pub struct RescheduleRequest {
    pub booking: BookingRef,
    pub date: Date,
    pub time: Time,
    /// Move to another service too (same company); default: the same service.
    pub service_id: Option<ServiceId>,
    pub service: Option<String>,
    pub staff_id: Option<StaffId>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RescheduleResult {
    pub before: BookingView,
    pub after: BookingView,
    /// The booking already was at the requested service, date, time (and staff member):
    /// nothing changed and no notice was queued.
    pub unchanged: bool,
    /// A notice of the new time is in the notification outbox.
    pub confirmation_sent: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BookingScope {
    /// Confirmed and not yet ended.
    Upcoming,
    /// Started before now, any status but cancelled.
    Past,
    Cancelled,
    All,
}

impl Engine {
    /// Books a slot for the caller, counted in `frontdesk_bookings_total` by outcome and rule.
    pub async fn book(&self, caller: &Caller, req: BookRequest) -> EngineResult<BookResult> {
        count_booking(self.book_once(caller, req).await)
    }

    pub(crate) async fn book_once(
        &self,
        caller: &Caller,
        req: BookRequest,
    ) -> EngineResult<BookResult> {
        req.check_text()?;
        let catalog = self.catalog(caller.company_id).await?;
        // A caller the company does not know yet is registered with the booking, in its
        // transaction: a refused booking registers nobody.
        let registration = match caller.customer_id {
            Some(_) => None,
            None => Some(registration(&catalog, caller, &req)?),
        };
        let customer_id = caller.customer_id.unwrap_or_default();
        let member = match registration {
            Some(_) => None,
            None => {
                self.resolve_member(caller, req.member_id, req.member_name.as_deref())
                    .await?
            }
        };
        let service = pick_service(
            &catalog,
            req.service_id,
            req.service.as_deref(),
            &req.attributes,
            req.date,
            req.time,
        )?;
        let now = self.now();
        if let Some(member) = &member
            && let Some(held) = self
                .held_place(&catalog, member.id, service, req.date, req.time)
                .await?
            && let Some(result) = self
                .confirm_held(
                    &catalog,
                    held,
                    member.name.clone(),
                    req.notify_customer,
                    now,
                )
                .await?
        {
            return Ok(result);
        }
        let (starts_at, ends_at) = self
            .checked_slot(&catalog, service, req.date, req.time, now)
            .await?;

        let policy = &catalog.company.policy;
        let quota = member.as_ref().and_then(|m| {
            m.max_active_bookings
                .or(policy.max_active_bookings_per_member)
        });
        let new = NewBooking {
            company_id: caller.company_id,
            branch_id: service.branch_id,
            service_id: service.id,
            staff_id: None,
            customer_id,
            member_id: member.as_ref().map(|m| m.id),
            starts_at,
            ends_at,
            source: req.source,
            // Scoped to the customer, so one caller's key can never return another's booking.
            idempotency_key: match registration {
                Some(_) => None,
                None => req
                    .idempotency_key
                    .as_deref()
                    .map(|k| scoped_idempotency_key(customer_id, k)),
            },
            call_id: req.call_id.clone(),
            notes: req.notes.clone(),
            notifications: Vec::new(),
            registration: registration.clone(),
        };
        let limits = BookingLimits {
            capacity: i64::from(service.capacity),
            staff_window: None,
            member_quota: quota,
            now,
        };
        // The confirmation is written with the booking; it names the staff member, so each
        // attempt gets its own.
        let recipient = match (req.notify_customer, &registration) {
            (false, _) => None,
            (true, Some(new)) => Some(Recipient::new(
                new.phone.clone(),
                Some(new.name.clone()),
                new.email.clone(),
            )),
            (true, None) => self.recipient(caller.company_id, customer_id).await,
        };
        let member_name = match &registration {
            Some(new) => Some(new.name.clone()),
            None => member.as_ref().map(|m| m.name.clone()),
        };
        let company = announcer(&catalog, now);
        let announce = |new: &NewBooking| match &recipient {
            Some(to) => {
                let booking = present(&catalog, prospective(new, now), member_name.clone());
                to.drafts(&company, NotificationKind::BookingConfirmed, &booking, None)
            }
            None => Vec::new(),
        };

        let _changing = BookingsChanging::new(&self.usage, caller.company_id);
        let outcome = if service.staff_ids.is_empty() {
            let new = NewBooking {
                notifications: announce(&new),
                ..new
            };
            self.store.create_booking(new, limits).await?
        } else {
            let candidates = staff_candidates(&catalog, service, req.staff_id)?;
            let window = staff_window(service, starts_at, ends_at);
            let mut last = None;
            for staff_id in candidates {
                let mut attempt = NewBooking {
                    staff_id: Some(staff_id),
                    ..new.clone()
                };
                attempt.notifications = announce(&attempt);
                let limits = BookingLimits {
                    staff_window: Some(window),
                    ..limits.clone()
                };
                match self.store.create_booking(attempt, limits).await? {
                    BookingOutcome::Refused(Refusal::StaffBusy { .. }) => {
                        last = Some(BookingOutcome::Refused(Refusal::SlotFull { capacity: 1 }))
                    }
                    other => {
                        last = Some(other);
                        break;
                    }
                }
            }
            last.unwrap_or(BookingOutcome::Refused(Refusal::SlotFull { capacity: 0 }))
        };

        match outcome {
            BookingOutcome::Created(b) => {
                if recipient.is_some() {
                    self.messages_queued();
                }
                tracing::info!(
                    booking_id = b.id,
                    company_id = b.company_id,
                    "booking confirmed"
                );
                if registration.is_some() {
                    tracing::info!(
                        company_id = b.company_id,
                        customer_id = b.customer_id,
                        "registered a new caller with their booking"
                    );
                }
                Ok(BookResult {
                    booking: self.view(&catalog, b).await?,
                    replayed: false,
                    registered: registration.is_some(),
                    confirmation_sent: recipient.is_some(),
                })
            }
            BookingOutcome::Replayed(b) => Ok(BookResult {
                booking: self.view(&catalog, b).await?,
                replayed: true,
                registered: false,
                confirmation_sent: false,
            }),
            BookingOutcome::Refused(refusal) => Err(self
                .refusal_error(&catalog, service, req.date, req.time, refusal, now)
                .await),
        }
    }

    /// Books the place held for the member from the waitlist; `None` when the hold ended
    /// meanwhile (then the booking is tried like any other).
    pub(crate) async fn confirm_held(
        &self,
        catalog: &Catalog,
        held: Booking,
        member_name: String,
        notify: bool,
        now: Timestamp,
    ) -> EngineResult<Option<BookResult>> {
        let recipient = match notify {
            true => self.recipient(held.company_id, held.customer_id).await,
            false => None,
        };
        let notifications = match &recipient {
            Some(to) => {
                let confirmed = Booking {
                    status: BookingStatus::Confirmed,
                    hold_until: None,
                    ..held.clone()
                };
                let view = present(catalog, confirmed, Some(member_name));
                to.drafts(
                    &announcer(catalog, now),
                    NotificationKind::BookingConfirmed,
                    &view,
                    None,
                )
            }
            None => Vec::new(),
        };
        let _changing = BookingsChanging::new(&self.usage, held.company_id);
        match self
            .store
            .confirm_hold(held.company_id, held.id, notifications, now)
            .await?
        {
            HoldOutcome::Confirmed(b) => {
                if recipient.is_some() {
                    self.messages_queued();
                }
                tracing::info!(booking_id = b.id, "held waitlist place confirmed");
                Ok(Some(BookResult {
                    booking: self.view(catalog, b).await?,
                    replayed: false,
                    registered: false,
                    confirmation_sent: recipient.is_some(),
                }))
            }
            HoldOutcome::NotHeld(_) => Ok(None),
        }
    }

    pub async fn cancel(
        &self,
        caller: &Caller,
        booking: &BookingRef,
        reason: Option<String>,
    ) -> EngineResult<CancelResult> {
        if let Some(reason) = &reason {
            plain_lines("reason", reason)?;
        }
        let catalog = self.catalog(caller.company_id).await?;
        let existing = self.owned_booking(caller, booking).await?;
        let now = self.now();
        if existing.status == BookingStatus::Cancelled {
            let refund = existing.refund_applicable.unwrap_or(false);
            return Ok(CancelResult {
                booking: self.view(&catalog, existing).await?,
                refund_applicable: refund,
                already_cancelled: true,
                confirmation_sent: false,
            });
        }
        let refund_applicable = catalog
            .company
            .policy
            .cancellation_is_free(existing.starts_at, now);
        let reason = reason
            .map(|r| r.trim().chars().take(500).collect::<String>())
            .filter(|r| !r.is_empty());
        // Declining a place only held from the waitlist tells nobody: it was never booked.
        let recipient = match existing.status {
            BookingStatus::Held => None,
            _ => {
                self.recipient(caller.company_id, existing.customer_id)
                    .await
            }
        };
        let notifications = match &recipient {
            Some(to) => {
                let cancelled = Booking {
                    status: BookingStatus::Cancelled,
                    cancellation_reason: reason.clone(),
                    refund_applicable: Some(refund_applicable),
                    ..existing.clone()
                };
                let booking = self.view(&catalog, cancelled).await?;
                to.drafts(
                    &announcer(&catalog, now),
                    NotificationKind::BookingCancelled,
                    &booking,
                    None,
                )
            }
            None => Vec::new(),
        };
        let _changing = BookingsChanging::new(&self.usage, caller.company_id);
        // The place goes to the waitlist in the cancellation's own transaction.
        let refill = self.refill_for_booking(&catalog, &existing, now);
        match self
            .store
            .cancel_booking(
                caller.company_id,
                existing.id,
                Cancellation {
                    reason,
                    refund_applicable,
                    now,
                    notifications,
                    refill,
                },
            )
            .await
            .or_not_found("booking")?
        {
            CancelOutcome::Cancelled(b) => {
                self.messages_queued();
                if let Some(member_id) = b.member_id {
                    // The quota this frees may let one of the member's entries take a place.
                    self.refill_for_member(b.company_id, member_id).await;
                }
                Ok(CancelResult {
                    booking: self.view(&catalog, b).await?,
                    refund_applicable,
                    already_cancelled: false,
                    confirmation_sent: recipient.is_some(),
                })
            }
            CancelOutcome::NotActive(b) if b.status == BookingStatus::Cancelled => {
                Ok(CancelResult {
                    refund_applicable: b.refund_applicable.unwrap_or(false),
                    booking: self.view(&catalog, b).await?,
                    already_cancelled: true,
                    confirmation_sent: false,
                })
            }
            CancelOutcome::NotActive(b) => Err(EngineError::BookingNotActive {
                status: b.status.to_string(),
            }),
        }
    }

    pub async fn reschedule(
        &self,
        caller: &Caller,
        req: RescheduleRequest,
    ) -> EngineResult<RescheduleResult> {
        let catalog = self.catalog(caller.company_id).await?;
        let existing = self.owned_booking(caller, &req.booking).await?;
        if existing.status != BookingStatus::Confirmed {
            return Err(EngineError::BookingNotActive {
                status: existing.status.to_string(),
            });
        }
        if let Some(service) = &req.service {
            plain("service", service)?;
        }
        let service = match (req.service_id, req.service.as_deref()) {
            (None, None) => catalog.service_by_id(existing.service_id)?,
            (id, name) => pick_service(&catalog, id, name, &BTreeMap::new(), req.date, req.time)?,
        };
        // Moving a booking to where it already is changes nothing and tells nobody (each
        // such call used to queue another text message to the customer).
        if already_there(&catalog, &existing, service, &req) {
            let view = self.view(&catalog, existing).await?;
            return Ok(RescheduleResult {
                before: view.clone(),
                after: view,
                unchanged: true,
                confirmation_sent: false,
            });
        }
        let now = self.now();
        let (starts_at, ends_at) = self
            .checked_slot(&catalog, service, req.date, req.time, now)
            .await?;
        let limits = BookingLimits {
            capacity: i64::from(service.capacity),
            staff_window: None,
            member_quota: None,
            now,
        };
        let to = BookingMove {
            service_id: service.id,
            branch_id: service.branch_id,
            staff_id: None,
            starts_at,
            ends_at,
            notifications: Vec::new(),
            // The place left behind goes to the waitlist in the move's own transaction.
            refill: self.refill_for_booking(&catalog, &existing, now),
        };
        // The notice is written with the move; it names the staff member, so each attempt
        // gets its own.
        let recipient = match self
            .recipient(caller.company_id, existing.customer_id)
            .await
        {
            Some(r) => Some((r, self.view(&catalog, existing.clone()).await?)),
            None => None,
        };
        let company = announcer(&catalog, now);
        let announce = |to: &BookingMove| {
            let Some((r, before)) = &recipient else {
                return Vec::new();
            };
            {
                let moved = Booking {
                    service_id: to.service_id,
                    branch_id: to.branch_id,
                    staff_id: to.staff_id,
                    starts_at: to.starts_at,
                    ends_at: to.ends_at,
                    ..existing.clone()
                };
                let after = present(&catalog, moved, before.member.clone());
                r.drafts(
                    &company,
                    NotificationKind::BookingRescheduled,
                    &after,
                    Some(before),
                )
            }
        };
        let _changing = BookingsChanging::new(&self.usage, caller.company_id);
        let outcome = if service.staff_ids.is_empty() {
            let to = BookingMove {
                notifications: announce(&to),
                ..to
            };
            self.store
                .reschedule_booking(caller.company_id, existing.id, to, limits)
                .await?
        } else {
            let preferred = req.staff_id.or(existing
                .staff_id
                .filter(|id| service.staff_ids.contains(id)));
            let mut candidates = staff_candidates(&catalog, service, req.staff_id)?;
            if let Some(p) = preferred {
                candidates.sort_by_key(|id| *id != p);
            }
            let window = staff_window(service, starts_at, ends_at);
            let mut last = RescheduleOutcome::Refused(Refusal::SlotFull { capacity: 0 });
            for staff_id in candidates {
                let mut to = BookingMove {
                    staff_id: Some(staff_id),
                    ..to.clone()
                };
                to.notifications = announce(&to);
                let limits = BookingLimits {
                    staff_window: Some(window),
                    ..limits.clone()
                };
                last = self
                    .store
                    .reschedule_booking(caller.company_id, existing.id, to, limits)
                    .await?;
                if !matches!(last, RescheduleOutcome::Refused(Refusal::StaffBusy { .. })) {
                    break;
                }
            }
            last
        };
        match outcome {
            RescheduleOutcome::Moved { before, after } => {
                self.messages_queued();
                Ok(RescheduleResult {
                    before: self.view(&catalog, before).await?,
                    after: self.view(&catalog, after).await?,
                    unchanged: false,
                    confirmation_sent: recipient.is_some(),
                })
            }
            RescheduleOutcome::NotActive(b) => Err(EngineError::BookingNotActive {
                status: b.status.to_string(),
            }),
            RescheduleOutcome::Refused(refusal) => Err(self
                .refusal_error(&catalog, service, req.date, req.time, refusal, now)
                .await),
        }
    }

    /// The caller's bookings, optionally of one of their members.
    pub async fn bookings(
        &self,
        caller: &Caller,
        member_id: Option<MemberId>,
        scope: BookingScope,
    ) -> EngineResult<Vec<BookingView>> {
        // A member id is checked first: an unknown caller asking about someone's member gets
        // "not found", not an empty list that would read as "no bookings".
        if let Some(id) = member_id {
            self.member_of(caller, id).await?;
        }
        let Some(customer_id) = caller.customer_id else {
            return Ok(Vec::new());
        };
        let now = self.now();
        let mut query = BookingQuery {
            company_id: caller.company_id,
            customer_id: Some(customer_id),
            member_id,
            limit: 100,
            ..Default::default()
        };
        match scope {
            BookingScope::Upcoming => {
                // A place held from the waitlist is upcoming too: the caller may confirm it.
                query.statuses = vec![BookingStatus::Confirmed, BookingStatus::Held];
                query.ends_after = Some(now);
            }
            BookingScope::Past => {
                query.statuses = vec![
                    BookingStatus::Confirmed,
                    BookingStatus::Completed,
                    BookingStatus::NoShow,
                ];
                query.starts_before = Some(now);
                query.newest_first = true;
            }
            BookingScope::Cancelled => {
                query.statuses = vec![BookingStatus::Cancelled];
                query.newest_first = true;
            }
            BookingScope::All => query.newest_first = true,
        }
        let catalog = self.catalog(caller.company_id).await?;
        let mut views = Vec::new();
        for booking in self.store.list_bookings(&query).await? {
            views.push(self.view(&catalog, booking).await?);
        }
        Ok(views)
    }

    /// One of the caller's bookings, by id or voucher code.
    pub async fn booking(
        &self,
        caller: &Caller,
        booking: &BookingRef,
    ) -> EngineResult<BookingView> {
        let catalog = self.catalog(caller.company_id).await?;
        let b = self.owned_booking(caller, booking).await?;
        self.view(&catalog, b).await
    }

    /// The booking if it is the caller's; anybody else's is "not found", like a wrong id.
    async fn owned_booking(&self, caller: &Caller, booking: &BookingRef) -> EngineResult<Booking> {
        let found = match booking {
            BookingRef::Id(id) => self.store.get_booking(caller.company_id, *id).await,
            BookingRef::Voucher(code) => {
                let code = normalize_voucher_code(code).ok_or_else(|| {
                    EngineError::invalid(
                        "voucher_code",
                        "a voucher code has three letters and three digits, like KRM-482",
                    )
                })?;
                self.store
                    .get_booking_by_voucher(caller.company_id, &code)
                    .await
            }
        }
        .or_not_found("booking")?;
        if caller.customer_id != Some(found.customer_id) {
            return Err(EngineError::NotFound { what: "booking" });
        }
        Ok(found)
    }

    /// The member a booking is for: named by id or name, or the caller's only member.
    pub(crate) async fn resolve_member(
        &self,
        caller: &Caller,
        member_id: Option<MemberId>,
        member_name: Option<&str>,
    ) -> EngineResult<Option<Member>> {
        let customer_id = caller.customer_id.ok_or(EngineError::UnknownCaller)?;
        if let Some(id) = member_id {
            return self.member_of(caller, id).await.map(Some);
        }
        let members = self
            .store
            .list_members(caller.company_id, customer_id)
            .await?;
        let listing = || {
            members
                .iter()
                .map(|m| format!("{} ({})", m.name, m.id))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if let Some(name) = member_name.map(str::trim).filter(|n| !n.is_empty()) {
            let first_word = |m: &Member| {
                m.name
                    .split_whitespace()
                    .next()
                    .is_some_and(|w| same(w, name))
            };
            let matches: Vec<&Member> = match members.iter().find(|m| same(&m.name, name)) {
                Some(exact) => vec![exact],
                None => members.iter().filter(|m| first_word(m)).collect(),
            };
            return match matches.as_slice() {
                [one] => Ok(Some((*one).clone())),
                [] => Err(EngineError::choose(
                    "member_name",
                    format!(
                        "no member called {name:?}; the caller's members are: {}",
                        listing()
                    ),
                    members.iter().map(|m| format!("{} ({})", m.name, m.id)),
                )),
                _ => Err(EngineError::AmbiguousMember {
                    message: format!(
                        "several members are called {name:?}: send member_id, one of {}",
                        listing()
                    ),
                    member_ids: matches.iter().map(|m| m.id).collect(),
                }),
            };
        }
        match members.as_slice() {
            [] => Ok(None),
            [only] => Ok(Some(only.clone())),
            many => Err(EngineError::AmbiguousMember {
                message: format!(
                    "who is the booking for? send member_id, one of {}",
                    listing()
                ),
                member_ids: many.iter().map(|m| m.id).collect(),
            }),
        }
    }

    /// The instants of a requested local slot, after checking it is in the schedule and
    /// allowed by the policy.
    async fn checked_slot(
        &self,
        catalog: &Catalog,
        service: &Service,
        date: Date,
        time: Time,
        now: Timestamp,
    ) -> EngineResult<(Timestamp, Timestamp)> {
        let tz = catalog.tz(service.branch_id);
        let starts = service.schedule.start_times_on(
            date,
            service.duration_minutes,
            &catalog.exceptions_for(service),
        );
        let zoned = if starts.contains(&time) {
            zoned_starts(date, &[time], &tz)
        } else {
            Vec::new()
        };
        let Some(start) = zoned.first().map(|z| z.timestamp()) else {
            return Err(EngineError::NoSuchSlot {
                service: service.name.clone(),
                date: date.to_string(),
                time: hh_mm(time),
                alternatives: self.alternatives(catalog, service, date, time, now).await,
            });
        };
        if let Err(violation) = catalog.company.policy.check_start(start, now) {
            return Err(match violation {
                PolicyViolation::InThePast => EngineError::InThePast {
                    message: format!("{} {} has already started or passed", date, hh_mm(time)),
                    alternatives: self.alternatives(catalog, service, date, time, now).await,
                },
                PolicyViolation::TooSoon {
                    min_notice_minutes, ..
                } => EngineError::TooSoon {
                    message: format!(
                        "{} {} starts too soon: bookings need at least {min_notice_minutes} minutes notice",
                        date,
                        hh_mm(time)
                    ),
                    alternatives: self.alternatives(catalog, service, date, time, now).await,
                },
                PolicyViolation::TooFarAhead {
                    booking_window_days,
                    latest,
                } => EngineError::OutsideBookingWindow {
                    message: format!(
                        "{date} is too far ahead: bookings open {booking_window_days} days in advance, until {}",
                        latest.to_zoned(tz.clone()).date()
                    ),
                },
            });
        }
        let end = start
            .saturating_add(SignedDuration::from_mins(i64::from(
                service.duration_minutes,
            )))
            .unwrap_or(start);
        Ok((start, end))
    }

    async fn refusal_error(
        &self,
        catalog: &Catalog,
        service: &Service,
        date: Date,
        time: Time,
        refusal: Refusal,
        now: Timestamp,
    ) -> EngineError {
        match refusal {
            Refusal::QuotaReached { active, limit } => EngineError::QuotaReached { active, limit },
            Refusal::SlotFull { .. } | Refusal::StaffBusy { .. } => EngineError::SlotFull {
                service: service.name.clone(),
                date: date.to_string(),
                time: hh_mm(time),
                alternatives: self.alternatives(catalog, service, date, time, now).await,
            },
        }
    }

    /// Up to three free slots of the same service nearest the asked time on the asked day,
    /// or else the first free ones in the following week.
    async fn alternatives(
        &self,
        catalog: &Catalog,
        service: &Service,
        date: Date,
        time: Time,
        now: Timestamp,
    ) -> Vec<Alternative> {
        let services = [service];
        let week_end = date.saturating_add(jiff::Span::new().days(7));
        let Ok(slots) = self.slots(catalog, &services, date, week_end, now).await else {
            return Vec::new();
        };
        crate::availability::nearest_free(slots, date, date, time)
            .iter()
            .map(Slot::alternative)
            .collect()
    }

    pub(crate) async fn view(&self, catalog: &Catalog, b: Booking) -> EngineResult<BookingView> {
        let member = match b.member_id {
            Some(id) => self
                .store
                .get_member(b.company_id, id)
                .await
                .ok()
                .map(|m| m.name),
            None => None,
        };
        Ok(present(catalog, b, member))
    }
}

/// A booking as a caller is told about it, its member's name already known.
pub(crate) fn present(catalog: &Catalog, b: Booking, member: Option<String>) -> BookingView {
    let service = catalog.services.iter().find(|s| s.id == b.service_id);
    let tz = catalog.tz(b.branch_id);
    let local = b.starts_at.to_zoned(tz.clone());
    BookingView {
        id: b.id,
        voucher_code: b.voucher_code,
        status: b.status,
        service_id: b.service_id,
        service: service.map(|s| s.name.clone()).unwrap_or_default(),
        service_code: service.map(|s| s.code.clone()).unwrap_or_default(),
        attributes: service.map(|s| s.attributes.clone()).unwrap_or_default(),
        branch_id: b.branch_id,
        branch: catalog
            .branch(b.branch_id)
            .map(|br| br.name.clone())
            .unwrap_or_default(),
        staff_id: b.staff_id,
        staff: b
            .staff_id
            .and_then(|id| catalog.staff_name(id))
            .map(str::to_string),
        customer_id: b.customer_id,
        member_id: b.member_id,
        member,
        date: local.date(),
        time: hh_mm(local.time()),
        duration_minutes: (b.ends_at.as_second() - b.starts_at.as_second()) / 60,
        time_zone: tz.iana_name().unwrap_or("UTC").to_string(),
        starts_at: b.starts_at,
        ends_at: b.ends_at,
        source: b.source,
        call_id: b.call_id,
        cancellation_reason: b.cancellation_reason,
        refund_applicable: b.refund_applicable,
        created_at: b.created_at,
        hold_until: b.hold_until,
        waitlist_entry_id: b.waitlist_entry_id,
    }
}

/// The booking `new` will be once written; its id and voucher code are not known yet.
fn prospective(new: &NewBooking, now: Timestamp) -> Booking {
    Booking {
        id: 0,
        company_id: new.company_id,
        branch_id: new.branch_id,
        service_id: new.service_id,
        staff_id: new.staff_id,
        customer_id: new.customer_id,
        member_id: new.member_id,
        starts_at: new.starts_at,
        ends_at: new.ends_at,
        status: BookingStatus::Confirmed,
        voucher_code: String::new(),
        source: new.source,
        idempotency_key: new.idempotency_key.clone(),
        call_id: new.call_id.clone(),
        notes: new.notes.clone(),
        cancellation_reason: None,
        cancelled_at: None,
        refund_applicable: None,
        created_at: now,
        updated_at: now,
        sequence: 0,
        hold_until: None,
        waitlist_entry_id: None,
    }
}

/// The one service a booking request means, among those with a start at `time` on `date`.
pub(crate) fn pick_service<'c>(
    catalog: &'c Catalog,
    service_id: Option<ServiceId>,
    service: Option<&str>,
    attributes: &BTreeMap<String, String>,
    date: Date,
    time: Time,
) -> EngineResult<&'c Service> {
    let query = AvailabilityQuery {
        service_id,
        service: service.map(str::to_string),
        attributes: attributes.clone(),
        ..AvailabilityQuery::on(date)
    };
    let candidates = filter_services(catalog, &query)?;
    if candidates.len() == 1 {
        return Ok(candidates[0]);
    }
    if candidates.is_empty() {
        return Err(EngineError::invalid(
            "service",
            "no service matches; ask which service the caller wants",
        ));
    }
    let at_that_time: Vec<&Service> = candidates
        .iter()
        .copied()
        .filter(|s| {
            s.schedule
                .start_times_on(date, s.duration_minutes, &catalog.exceptions_for(s))
                .contains(&time)
        })
        .collect();
    match at_that_time.as_slice() {
        [one] => Ok(one),
        _ => {
            let names: Vec<&str> = if at_that_time.is_empty() {
                candidates.iter().map(|s| s.name.as_str()).collect()
            } else {
                at_that_time.iter().map(|s| s.name.as_str()).collect()
            };
            Err(EngineError::choose(
                "service",
                format!("say which service: {}", names.join(", ")),
                names,
            ))
        }
    }
}

/// Staff who may take the booking: the requested one, or everyone active who performs it.
fn staff_candidates(
    catalog: &Catalog,
    service: &Service,
    requested: Option<StaffId>,
) -> EngineResult<Vec<StaffId>> {
    let active = |id: &StaffId| catalog.staff.iter().any(|s| s.id == *id && s.active);
    match requested {
        Some(id) if service.staff_ids.contains(&id) && active(&id) => Ok(vec![id]),
        Some(_) => Err(EngineError::invalid(
            "staff_id",
            format!("that staff member does not perform {}", service.name),
        )),
        None => Ok(service.staff_ids.iter().copied().filter(active).collect()),
    }
}

/// Whether a reschedule asks for the service, local date and time (and staff member, when
/// named) the booking already has.
fn already_there(
    catalog: &Catalog,
    existing: &Booking,
    service: &Service,
    req: &RescheduleRequest,
) -> bool {
    let local = existing.starts_at.to_zoned(catalog.tz(existing.branch_id));
    service.id == existing.service_id
        && local.date() == req.date
        && local.time().hour() == req.time.hour()
        && local.time().minute() == req.time.minute()
        && req.staff_id.is_none_or(|id| existing.staff_id == Some(id))
}

/// The registration of an unknown caller booking (refused when they gave no name or the
/// company only books for its customers).
fn registration(
    catalog: &Catalog,
    caller: &Caller,
    req: &BookRequest,
) -> EngineResult<NewRegistration> {
    let Some(register) = &req.register else {
        return Err(EngineError::UnknownCaller);
    };
    if register.policy == RegistrationPolicy::ByPolicy
        && !catalog.company.policy.allow_unknown_callers
    {
        return Err(EngineError::UnknownCaller);
    }
    let name = register.name.trim();
    if name.is_empty() || name.chars().count() > 120 {
        return Err(EngineError::invalid(
            "name",
            "send the caller's full name (1 to 120 characters)",
        ));
    }
    plain("name", name)?;
    let phone = caller
        .phone
        .clone()
        .ok_or_else(|| EngineError::invalid("caller_id", "the caller's phone number is unknown"))?;
    Ok(NewRegistration {
        phone,
        name: name.to_string(),
        email: register.email.clone(),
        idempotency_key: req.idempotency_key.clone(),
    })
}

pub(crate) fn hh_mm(t: Time) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// Counts one booking attempt's outcome (`/metrics`) and passes it on.
pub(crate) fn count_booking<T>(outcome: EngineResult<T>) -> EngineResult<T> {
    let (result, rule) = match &outcome {
        Ok(_) => ("confirmed", "none"),
        Err(e) => ("refused", e.code()),
    };
    metrics::counter!("frontdesk_bookings_total", "outcome" => result, "rule" => rule).increment(1);
    outcome
}

/// The company's side of the messages a change causes.
pub(crate) fn announcer(catalog: &Catalog, now: Timestamp) -> Announcer<'_> {
    Announcer {
        company_name: &catalog.company.name,
        policy: &catalog.company.policy,
        messaging: &catalog.company.messaging,
        webhooks: &catalog.webhooks,
        now,
    }
}
