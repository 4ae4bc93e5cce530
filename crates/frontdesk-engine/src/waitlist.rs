//! The waitlist: a caller joins it for a full service, and a place that frees up goes to the
//! first matching entry in order of joining.
//!
//! The engine decides what it alone knows: which service and dates an entry means, whether a
//! freed place may be booked at all (notice, booking window), the messages of either outcome.
//! It hands that to the store as a [`Refill`] with the change that frees the place (a
//! cancellation, a move away, a hold that lapsed), and the store picks the entry, checks the
//! member's quota and books or holds the place in that same transaction, so a freed place is
//! never taken twice nor left free while a matching entry waits. Places that free up without
//! such a change (an import raising a capacity or adding sessions, a member's quota freed by a
//! cancellation) are refilled slot by slot in transactions of their own.

use crate::Engine;
use crate::availability::{AvailabilityQuery, filter_services, staff_window};
use crate::booking::{BookingView, announcer, hh_mm, present};
use crate::caller::Caller;
use crate::catalog::Catalog;
use crate::error::{EngineError, EngineResult, NotFoundAs};
use crate::notifications::{AUDIENCE_CUSTOMER, EMAIL, NotificationKind, Recipient, SMS};
use crate::text::plain;
use crate::usage::BookingsChanging;
use frontdesk_domain::{
    BookingSource, BookingStatus, MemberId, MemberPreferences, ServiceId, StaffId,
};
use frontdesk_store::{
    Booking, BookingQuery, DraftRecipient, NewWaitlistEntry, NotificationDraft, Refill,
    RefillDraft, Service, WAITLIST_PREFERENCE, WAITLIST_REQUEST, WaitlistEntry, WaitlistQuery,
    WaitlistStatus,
};
use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Span, Timestamp};
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeMap;

/// The longest range of dates one entry may cover.
pub const MAX_WAITLIST_DAYS: i64 = 62;
/// How far ahead a standing auto-book preference reaches (the booking window bounds it too).
const PREFERENCE_YEARS: i64 = 10;
/// Held places released per sweep.
const SWEEP_BATCH: i64 = 100;
/// The waiting entries one refill pass of a company reads.
const REFILL_SCAN: i64 = 10_000;

/// A caller asking to be put on the waitlist.
#[derive(Debug, Clone)]
pub struct JoinWaitlistRequest {
    pub member_id: Option<MemberId>,
    pub member_name: Option<String>,
    pub service_id: Option<ServiceId>,
    /// A service by code or name, or an attribute value such as a level.
    pub service: Option<String>,
    /// Attribute filters (`level`, `wave_side`) that pick the service when it is not named.
    pub attributes: BTreeMap<String, String>,
    pub date_from: Date,
    /// Default: `date_from`.
    pub date_to: Option<Date>,
    /// The earliest and latest start time the member would take (inclusive).
    pub time_from: Option<Time>,
    pub time_to: Option<Time>,
    pub staff_id: Option<StaffId>,
    /// Book a freed place at once (true) or hold it and offer it first (false).
    pub auto_book: bool,
}

impl JoinWaitlistRequest {
    pub fn new(date_from: Date) -> Self {
        JoinWaitlistRequest {
            member_id: None,
            member_name: None,
            service_id: None,
            service: None,
            attributes: BTreeMap::new(),
            date_from,
            date_to: None,
            time_from: None,
            time_to: None,
            staff_id: None,
            auto_book: true,
        }
    }
}

/// An entry as a caller is told about it.
#[derive(Debug, Clone, Serialize)]
pub struct WaitlistView {
    pub entry_id: i64,
    pub member_id: MemberId,
    pub member: String,
    pub service_id: ServiceId,
    pub service: String,
    pub branch: String,
    pub staff_id: Option<StaffId>,
    pub staff: Option<String>,
    pub date_from: Date,
    pub date_to: Date,
    pub time_from: Option<String>,
    pub time_to: Option<String>,
    pub auto_book: bool,
    /// `request` (joined by a caller) or `preference` (the member's auto-book preference).
    pub kind: String,
    pub status: WaitlistStatus,
    /// Place in line among the waiting entries that want some of the same places (1: the
    /// next such place is theirs).
    pub position: Option<i64>,
    /// The place booked or held for the entry.
    pub booking: Option<BookingView>,
    pub joined_at: Timestamp,
}

#[derive(Debug, Clone, Serialize)]
pub struct JoinWaitlistResult {
    pub entry: WaitlistView,
    /// The member was already waiting for this: nothing was added.
    pub already_waiting: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct LeaveWaitlistResult {
    pub entry: WaitlistView,
    /// It was no longer on the waitlist: nothing changed.
    pub already_left: bool,
}

/// What one sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct WaitlistSweep {
    /// Entries whose dates passed.
    pub expired: u64,
    /// Held places not confirmed in time, passed on.
    pub lapsed: u64,
}

impl Engine {
    /// Puts one of the caller's members on the waitlist of a full service.
    pub async fn join_waitlist(
        &self,
        caller: &Caller,
        req: JoinWaitlistRequest,
    ) -> EngineResult<JoinWaitlistResult> {
        for (field, value) in [("member_name", &req.member_name), ("service", &req.service)] {
            if let Some(text) = value {
                plain(field, text)?;
            }
        }
        for (key, value) in &req.attributes {
            plain("attributes", key)?;
            plain("attributes", value)?;
        }
        let catalog = self.catalog(caller.company_id).await?;
        let member = self
            .resolve_member(caller, req.member_id, req.member_name.as_deref())
            .await?
            .ok_or(EngineError::NotFound { what: "member" })?;
        let service = one_service(&catalog, &req)?;
        if let Some(staff_id) = req.staff_id
            && !service.staff_ids.contains(&staff_id)
        {
            return Err(EngineError::invalid(
                "staff_id",
                "that staff member does not provide this service",
            ));
        }
        let now = self.now();
        let policy = &catalog.company.policy;
        let tz = catalog.tz(service.branch_id);
        let today = catalog.today(service.branch_id, now);
        let date_to = req.date_to.unwrap_or(req.date_from);
        if date_to < req.date_from {
            return Err(EngineError::invalid(
                "date_to",
                "the end date is before the start date",
            ));
        }
        if date_to < today {
            return Err(EngineError::DatePassed {
                field: "date_to",
                date: date_to,
            });
        }
        let date_from = req.date_from.max(today);
        let days = (date_to - date_from).get_days() as i64 + 1;
        if days > MAX_WAITLIST_DAYS {
            return Err(EngineError::RangeTooLong {
                max: MAX_WAITLIST_DAYS,
                requested: days,
            });
        }
        let latest = policy.latest_start(now).to_zoned(tz.clone()).date();
        if date_from > latest {
            return Err(EngineError::OutsideBookingWindow {
                message: format!(
                    "{date_from} is too far ahead: bookings open {} days in advance, until {latest}",
                    policy.booking_window_days
                ),
            });
        }
        if let (Some(from), Some(to)) = (req.time_from, req.time_to)
            && to < from
        {
            return Err(EngineError::invalid(
                "time_to",
                "the latest time is before the earliest time",
            ));
        }
        let window = TimeWindow {
            from: req.time_from,
            to: req.time_to,
        };

        // Already waiting for this service on these dates: the same entry, not a second one.
        let active = self
            .store
            .list_waitlist(&WaitlistQuery {
                company_id: caller.company_id,
                member_id: Some(member.id),
                service_id: Some(service.id),
                kinds: vec![WAITLIST_REQUEST],
                statuses: vec![WaitlistStatus::Waiting, WaitlistStatus::Offered],
                ..Default::default()
            })
            .await?;
        let wanted = (req.time_from.map(hh_mm), req.time_to.map(hh_mm));
        if let Some(existing) = active.into_iter().find(|e| {
            e.first_date <= date_to
                && date_from <= e.last_date
                && windows_overlap((&e.time_from, &e.time_to), (&wanted.0, &wanted.1))
        }) {
            return Ok(JoinWaitlistResult {
                entry: self.waitlist_view(&catalog, existing).await?,
                already_waiting: true,
            });
        }

        let (from_at, to_at) = day_bounds(&tz, date_from, date_to);
        let booked = self
            .store
            .list_bookings(&BookingQuery {
                company_id: caller.company_id,
                member_id: Some(member.id),
                statuses: vec![BookingStatus::Confirmed, BookingStatus::Held],
                ends_after: Some(now),
                limit: 1000,
                ..Default::default()
            })
            .await?;
        if let Some(b) = booked.iter().find(|b| {
            b.service_id == service.id
                && b.starts_at >= from_at
                && b.starts_at < to_at
                && window.contains(b.starts_at.to_zoned(tz.clone()).time())
        }) {
            let local = b.starts_at.to_zoned(tz.clone());
            return Err(EngineError::AlreadyBooked {
                service: service.name.clone(),
                date: local.date().to_string(),
                time: hh_mm(local.time()),
            });
        }
        let quota = member
            .max_active_bookings
            .or(policy.max_active_bookings_per_member);
        if let Some(limit) = quota {
            let active = booked.len() as i64;
            if active >= limit {
                return Err(EngineError::QuotaReached { active, limit });
            }
        }

        // A place free right now is booked, not waited for.
        let slots = self
            .slots(&catalog, &[service], date_from, date_to, now)
            .await?;
        let free: Vec<_> = slots
            .iter()
            .filter(|s| s.remaining > 0 && window.contains(s.time))
            .filter(|s| {
                req.staff_id
                    .is_none_or(|id| s.staff.is_empty() || s.staff.iter().any(|st| st.id == id))
            })
            .take(3)
            .map(|s| s.alternative())
            .collect();
        if !free.is_empty() {
            return Err(EngineError::SlotAvailable {
                service: service.name.clone(),
                alternatives: free,
            });
        }

        let entry = self
            .store
            .join_waitlist(NewWaitlistEntry {
                company_id: caller.company_id,
                customer_id: member.customer_id,
                member_id: member.id,
                kind: WAITLIST_REQUEST,
                service_id: service.id,
                staff_id: req.staff_id,
                first_date: date_from,
                last_date: date_to,
                from_at,
                to_at,
                time_from: req.time_from.map(hh_mm),
                time_to: req.time_to.map(hh_mm),
                weekdays: 0,
                auto_book: req.auto_book,
                now,
            })
            .await?;
        tracing::info!(
            entry_id = entry.id,
            company_id = entry.company_id,
            service_id = entry.service_id,
            "joined the waitlist"
        );
        // A cancellation that committed between the look at the slots and the insert found
        // nobody waiting: give its place now rather than leave it free next to the entry.
        let entry = if self
            .refill_entries(caller.company_id, std::slice::from_ref(&entry))
            .await?
            > 0
        {
            self.store
                .get_waitlist_entry(caller.company_id, entry.id)
                .await?
        } else {
            entry
        };
        Ok(JoinWaitlistResult {
            entry: self.waitlist_view(&catalog, entry).await?,
            already_waiting: false,
        })
    }

    /// The caller's entries still on the waitlist (waiting, or with a place held), optionally
    /// of one member; oldest first.
    pub async fn waitlist(
        &self,
        caller: &Caller,
        member_id: Option<MemberId>,
    ) -> EngineResult<Vec<WaitlistView>> {
        if let Some(id) = member_id {
            self.member_of(caller, id).await?;
        }
        let Some(customer_id) = caller.customer_id else {
            return Ok(Vec::new());
        };
        let catalog = self.catalog(caller.company_id).await?;
        let entries = self
            .store
            .list_waitlist(&WaitlistQuery {
                company_id: caller.company_id,
                customer_id: Some(customer_id),
                member_id,
                statuses: vec![WaitlistStatus::Waiting, WaitlistStatus::Offered],
                ..Default::default()
            })
            .await?;
        let mut views = Vec::with_capacity(entries.len());
        for entry in entries {
            views.push(self.waitlist_view(&catalog, entry).await?);
        }
        Ok(views)
    }

    /// The company's entries still on the waitlist (waiting, or with a place held), oldest
    /// first: what its operators see (`frontdesk waitlist list`).
    pub async fn company_waitlist(
        &self,
        company_id: frontdesk_domain::CompanyId,
    ) -> EngineResult<Vec<WaitlistView>> {
        let catalog = self.catalog(company_id).await?;
        let entries = self
            .store
            .list_waitlist(&WaitlistQuery {
                company_id,
                statuses: vec![WaitlistStatus::Waiting, WaitlistStatus::Offered],
                limit: REFILL_SCAN,
                ..Default::default()
            })
            .await?;
        let mut views = Vec::with_capacity(entries.len());
        for entry in entries {
            views.push(self.waitlist_view(&catalog, entry).await?);
        }
        Ok(views)
    }

    /// Takes the caller's entry off the waitlist; a place held for it goes to the next entry.
    /// Leaving twice changes nothing.
    pub async fn leave_waitlist(
        &self,
        caller: &Caller,
        entry_id: i64,
    ) -> EngineResult<LeaveWaitlistResult> {
        let entry = self
            .store
            .get_waitlist_entry(caller.company_id, entry_id)
            .await
            .or_not_found("waitlist entry")?;
        if caller.customer_id != Some(entry.customer_id) {
            return Err(EngineError::NotFound {
                what: "waitlist entry",
            });
        }
        let left = match (entry.status, entry.booking_id) {
            (WaitlistStatus::Offered, Some(held)) => {
                // Declining the held place is leaving: it passes to the next entry.
                self.cancel(
                    caller,
                    &crate::BookingRef::Id(held),
                    Some("left the waitlist".into()),
                )
                .await?;
                self.store
                    .get_waitlist_entry(caller.company_id, entry_id)
                    .await?
            }
            _ => {
                self.store
                    .leave_waitlist(caller.company_id, entry_id, self.now())
                    .await?
            }
        };
        let catalog = self.catalog(caller.company_id).await?;
        Ok(LeaveWaitlistResult {
            already_left: !entry.status.is_active(),
            entry: self.waitlist_view(&catalog, left).await?,
        })
    }

    /// Releases held places whose time ran out (each to the next entry) and marks entries whose
    /// dates passed; the delivery loop of `serve` runs it every second.
    pub async fn sweep_waitlist(&self) -> EngineResult<WaitlistSweep> {
        let now = self.now();
        let expired = self.store.expire_waitlist(now).await?;
        let mut lapsed = 0;
        for hold in self.store.lapsed_holds(now, SWEEP_BATCH).await? {
            let catalog = self.catalog(hold.company_id).await?;
            let refill = self.refill_for_booking(&catalog, &hold, now);
            let _changing = BookingsChanging::new(&self.usage, hold.company_id);
            if self
                .store
                .release_hold(hold.company_id, hold.id, refill, now)
                .await?
            {
                lapsed += 1;
            }
        }
        if lapsed > 0 {
            tracing::info!(lapsed, "held waitlist places lapsed and passed on");
            self.messages_queued();
        }
        Ok(WaitlistSweep { expired, lapsed })
    }

    /// Entries waiting and with a place held, in all companies (`/metrics`).
    pub async fn waitlist_counts(&self) -> EngineResult<Vec<(WaitlistStatus, i64)>> {
        Ok(self.store.waitlist_counts().await?)
    }

    /// Gives every free place of the company that a waiting entry matches to the waitlist, slot
    /// by slot (after an import raised a capacity or added sessions); how many were placed.
    pub async fn refill_free_places(
        &self,
        company_id: frontdesk_domain::CompanyId,
    ) -> EngineResult<usize> {
        let entries = self
            .store
            .list_waitlist(&WaitlistQuery {
                company_id,
                statuses: vec![WaitlistStatus::Waiting],
                limit: REFILL_SCAN,
                ..Default::default()
            })
            .await?;
        self.refill_entries(company_id, &entries).await
    }

    /// The free places the entries match, each given to the waitlist in its own transaction.
    async fn refill_entries(
        &self,
        company_id: frontdesk_domain::CompanyId,
        entries: &[WaitlistEntry],
    ) -> EngineResult<usize> {
        if entries.is_empty() {
            return Ok(0);
        }
        let catalog = self.catalog(company_id).await?;
        let now = self.now();
        let mut ranges: BTreeMap<ServiceId, (Date, Date)> = BTreeMap::new();
        for e in entries {
            let range = ranges
                .entry(e.service_id)
                .or_insert((e.first_date, e.last_date));
            range.0 = range.0.min(e.first_date);
            range.1 = range.1.max(e.last_date);
        }
        let _changing = BookingsChanging::new(&self.usage, company_id);
        let mut placed = 0;
        for (service_id, (from, to)) in ranges {
            let Ok(service) = catalog.service_by_id(service_id) else {
                continue;
            };
            if !service.active {
                continue;
            }
            let today = catalog.today(service.branch_id, now);
            let latest = catalog
                .company
                .policy
                .latest_start(now)
                .to_zoned(catalog.tz(service.branch_id))
                .date();
            let (from, to) = (from.max(today), to.min(latest));
            if to < from {
                continue;
            }
            for slot in self.slots(&catalog, &[service], from, to, now).await? {
                if slot.remaining <= 0 || !entries.iter().any(|e| entry_matches(e, &slot)) {
                    continue;
                }
                let staff: Vec<Option<StaffId>> = if service.staff_ids.is_empty() {
                    vec![None]
                } else {
                    slot.staff.iter().map(|s| Some(s.id)).collect()
                };
                for staff_id in staff {
                    if let Some(refill) = self.refill(
                        &catalog,
                        service,
                        staff_id,
                        slot.starts_at,
                        slot.ends_at,
                        now,
                    ) {
                        placed += self.store.refill_slot(refill).await?.placed.len();
                    }
                }
            }
        }
        if placed > 0 {
            self.messages_queued();
        }
        Ok(placed)
    }

    /// After a member's booking is cancelled: the quota it frees may let one of their waiting
    /// entries take a place that is free already.
    pub(crate) async fn refill_for_member(
        &self,
        company_id: frontdesk_domain::CompanyId,
        member_id: MemberId,
    ) {
        let entries = self
            .store
            .list_waitlist(&WaitlistQuery {
                company_id,
                member_id: Some(member_id),
                statuses: vec![WaitlistStatus::Waiting],
                ..Default::default()
            })
            .await;
        match entries {
            Ok(entries) => {
                if let Err(e) = self.refill_entries(company_id, &entries).await {
                    tracing::warn!(member_id, error = %e, "waitlist refill for a member failed");
                }
            }
            Err(e) => tracing::warn!(member_id, error = %e, "waitlist not readable"),
        }
    }

    /// The refill of the place `booking` takes, for the change that frees it.
    pub(crate) fn refill_for_booking(
        &self,
        catalog: &Catalog,
        booking: &Booking,
        now: Timestamp,
    ) -> Option<Refill> {
        let service = catalog.service_by_id(booking.service_id).ok()?;
        self.refill(
            catalog,
            service,
            booking.staff_id,
            booking.starts_at,
            booking.ends_at,
            now,
        )
    }

    /// A place in `service` at `starts_at` for the waitlist, if the policy lets anyone book it
    /// now: the limits and the messages of an auto-booking and of an offer.
    pub(crate) fn refill(
        &self,
        catalog: &Catalog,
        service: &Service,
        staff_id: Option<StaffId>,
        starts_at: Timestamp,
        ends_at: Timestamp,
        now: Timestamp,
    ) -> Option<Refill> {
        let policy = &catalog.company.policy;
        if !service.active || policy.check_start(starts_at, now).is_err() {
            return None;
        }
        let tz = catalog.tz(service.branch_id);
        let local = starts_at.to_zoned(tz.clone());
        let hold_minutes = policy
            .waitlist_hold_minutes
            .clamp(1, crate::import::MAX_HOLD_MINUTES);
        let hold_until = now
            .saturating_add(SignedDuration::from_mins(hold_minutes))
            .unwrap_or(now);
        let place = Booking {
            id: 0,
            company_id: catalog.company.id,
            branch_id: service.branch_id,
            service_id: service.id,
            staff_id,
            customer_id: 0,
            member_id: None,
            starts_at,
            ends_at,
            status: BookingStatus::Confirmed,
            voucher_code: String::new(),
            source: BookingSource::Waitlist,
            idempotency_key: None,
            call_id: None,
            notes: None,
            cancellation_reason: None,
            cancelled_at: None,
            refund_applicable: None,
            created_at: now,
            updated_at: now,
            sequence: 0,
            hold_until: None,
            waitlist_entry_id: None,
        };
        let company = announcer(catalog, now);
        let anyone = Recipient::waitlist_entry();
        let booked_view = present(catalog, place.clone(), None);
        let booked = anyone.drafts(
            &company,
            NotificationKind::WaitlistBooked,
            &booked_view,
            None,
        );
        let held_view = present(
            catalog,
            Booking {
                status: BookingStatus::Held,
                hold_until: Some(hold_until),
                ..place
            },
            None,
        );
        let mut offered = anyone.drafts(
            &company,
            NotificationKind::WaitlistOffered,
            &held_view,
            None,
        );
        let until = hold_until.to_zoned(tz);
        for draft in &mut offered {
            draft.payload["held_until"] = json!(hold_until.to_string());
            draft.payload["held_until_date"] = json!(until.date().to_string());
            draft.payload["held_until_time"] = json!(hh_mm(until.time()));
        }
        Some(Refill {
            service_id: service.id,
            branch_id: service.branch_id,
            staff_id,
            starts_at,
            ends_at,
            local_time: hh_mm(local.time()),
            weekday_bit: weekday_bit(local.date().weekday()),
            capacity: i64::from(service.capacity),
            staff_window: staff_id.map(|_| staff_window(service, starts_at, ends_at)),
            default_quota: policy.max_active_bookings_per_member,
            hold_until,
            booked: addressed(booked),
            offered: addressed(offered),
            now,
        })
    }

    /// The member's standing auto-book entries as their preferences say: one per service the
    /// preferences match, or none when `auto_book` is off. Refused (nothing saved) when
    /// auto-book is on but the preferences name nothing bookable.
    pub(crate) async fn preference_entries(
        &self,
        caller: &Caller,
        member: &frontdesk_store::Member,
        preferences: &MemberPreferences,
    ) -> EngineResult<Vec<NewWaitlistEntry>> {
        let catalog = self.catalog(caller.company_id).await?;
        let now = self.now();
        let mut entries = Vec::new();
        if preferences.auto_book {
            let services = preferred_services(&catalog, preferences)?;
            let hours: Vec<Time> = preferences.target_hours.iter().map(|h| h.0).collect();
            let weekdays = preferences
                .target_weekdays
                .iter()
                .filter_map(|w| frontdesk_domain::dates::weekday_from_word(w))
                .fold(0, |bits, day| bits | weekday_bit(day));
            for service in services {
                let tz = catalog.tz(service.branch_id);
                let today = catalog.today(service.branch_id, now);
                let (first, last) = match (
                    preferences.target_dates.iter().min(),
                    preferences.target_dates.iter().max(),
                ) {
                    (Some(first), Some(last)) => ((*first).max(today), *last),
                    _ => (
                        today,
                        today.saturating_add(Span::new().years(PREFERENCE_YEARS)),
                    ),
                };
                if last < first {
                    continue;
                }
                let (from_at, to_at) = day_bounds(&tz, first, last);
                entries.push(NewWaitlistEntry {
                    company_id: caller.company_id,
                    customer_id: member.customer_id,
                    member_id: member.id,
                    kind: WAITLIST_PREFERENCE,
                    service_id: service.id,
                    staff_id: None,
                    first_date: first,
                    last_date: last,
                    from_at,
                    to_at,
                    time_from: hours.iter().min().map(|t| hh_mm(*t)),
                    time_to: hours.iter().max().map(|t| hh_mm(*t)),
                    weekdays,
                    auto_book: true,
                    now,
                });
            }
        }
        Ok(entries)
    }

    /// Replaces the member's auto-book entries and gives them any matching place already free.
    pub(crate) async fn set_preference_entries(
        &self,
        caller: &Caller,
        member: &frontdesk_store::Member,
        entries: Vec<NewWaitlistEntry>,
    ) -> EngineResult<()> {
        let any = !entries.is_empty();
        self.store
            .set_preference_entries(member.id, entries, self.now())
            .await?;
        if any {
            let placed = self
                .store
                .list_waitlist(&WaitlistQuery {
                    company_id: caller.company_id,
                    member_id: Some(member.id),
                    kinds: vec![WAITLIST_PREFERENCE],
                    statuses: vec![WaitlistStatus::Waiting],
                    ..Default::default()
                })
                .await?;
            self.refill_entries(caller.company_id, &placed).await?;
        }
        Ok(())
    }

    /// A text message answering an offer ("yes"): confirms the place held for the sender's
    /// number whose hold ends first, in whichever company. `None` when nothing is held for
    /// that number (or the hold ended meanwhile).
    pub async fn confirm_offer_by_text(
        &self,
        from: &str,
    ) -> EngineResult<Option<(frontdesk_store::Company, BookingView)>> {
        let now = self.now();
        for held in self.store.held_for_phone(from, now).await? {
            let catalog = self.catalog(held.company_id).await?;
            let member = match held.member_id {
                Some(id) => self.store.get_member(held.company_id, id).await?.name,
                None => String::new(),
            };
            if let Some(done) = self.confirm_held(&catalog, held, member, true, now).await? {
                return Ok(Some((catalog.company.clone(), done.booking)));
            }
        }
        Ok(None)
    }

    /// The company holding a place for this number, if one does.
    pub async fn held_offer_company(
        &self,
        from: &str,
    ) -> EngineResult<Option<frontdesk_store::Company>> {
        match self.store.held_for_phone(from, self.now()).await?.first() {
            Some(held) => Ok(Some(self.catalog(held.company_id).await?.company.clone())),
            None => Ok(None),
        }
    }

    /// The member's place held at `service`, `date` `time`, if they have one.
    pub(crate) async fn held_place(
        &self,
        catalog: &Catalog,
        member_id: MemberId,
        service: &Service,
        date: Date,
        time: Time,
    ) -> EngineResult<Option<Booking>> {
        let held = self
            .store
            .list_bookings(&BookingQuery {
                company_id: catalog.company.id,
                member_id: Some(member_id),
                statuses: vec![BookingStatus::Held],
                limit: 50,
                ..Default::default()
            })
            .await?;
        let tz = catalog.tz(service.branch_id);
        Ok(held.into_iter().find(|b| {
            let local = b.starts_at.to_zoned(tz.clone());
            b.service_id == service.id && local.date() == date && local.time() == time
        }))
    }

    async fn waitlist_view(
        &self,
        catalog: &Catalog,
        e: WaitlistEntry,
    ) -> EngineResult<WaitlistView> {
        let service = catalog.services.iter().find(|s| s.id == e.service_id);
        let member = self
            .store
            .get_member(e.company_id, e.member_id)
            .await
            .map(|m| m.name)
            .unwrap_or_default();
        let position = if e.status == WaitlistStatus::Waiting {
            Some(self.store.waitlist_position(&e).await?)
        } else {
            None
        };
        let booking = match e.booking_id {
            Some(id) if e.kind == WAITLIST_REQUEST => {
                match self.store.get_booking(e.company_id, id).await {
                    Ok(b) => Some(present(catalog, b, Some(member.clone()))),
                    Err(_) => None,
                }
            }
            _ => None,
        };
        Ok(WaitlistView {
            entry_id: e.id,
            member_id: e.member_id,
            member,
            service_id: e.service_id,
            service: service.map(|s| s.name.clone()).unwrap_or_default(),
            branch: service
                .and_then(|s| catalog.branch(s.branch_id))
                .map(|b| b.name.clone())
                .unwrap_or_default(),
            staff_id: e.staff_id,
            staff: e
                .staff_id
                .and_then(|id| catalog.staff_name(id))
                .map(str::to_string),
            date_from: e.first_date,
            date_to: e.last_date,
            time_from: e.time_from,
            time_to: e.time_to,
            auto_book: e.auto_book,
            kind: e.kind,
            status: e.status,
            position,
            booking,
            joined_at: e.created_at,
        })
    }
}

/// Whether a waiting entry wants a slot: the rule of the store's refill query.
fn entry_matches(entry: &WaitlistEntry, slot: &crate::Slot) -> bool {
    let time = hh_mm(slot.time);
    entry.service_id == slot.service_id
        && entry.from_at <= slot.starts_at
        && slot.starts_at < entry.to_at
        && entry
            .time_from
            .as_deref()
            .is_none_or(|from| from <= time.as_str())
        && entry
            .time_to
            .as_deref()
            .is_none_or(|to| time.as_str() <= to)
        && (entry.weekdays == 0 || entry.weekdays & weekday_bit(slot.date.weekday()) != 0)
        && entry
            .staff_id
            .is_none_or(|id| slot.staff.is_empty() || slot.staff.iter().any(|s| s.id == id))
}

/// An entry's window of start times, inclusive at both ends.
struct TimeWindow {
    from: Option<Time>,
    to: Option<Time>,
}

impl TimeWindow {
    fn contains(&self, t: Time) -> bool {
        self.from.is_none_or(|from| from <= t) && self.to.is_none_or(|to| t <= to)
    }
}

/// Whether two windows of `HH:MM` start times (open-ended where `None`) share a time.
fn windows_overlap(
    a: (&Option<String>, &Option<String>),
    b: (&Option<String>, &Option<String>),
) -> bool {
    let starts_before_end = |from: &Option<String>, to: &Option<String>| match (from, to) {
        (Some(from), Some(to)) => from <= to,
        _ => true,
    };
    starts_before_end(a.0, b.1) && starts_before_end(b.0, a.1)
}

/// `1 << (ISO weekday - 1)`, the entries' weekday bits.
pub fn weekday_bit(day: Weekday) -> i64 {
    1 << (day.to_monday_one_offset() - 1)
}

/// The instants of the first moment of `first` and of the day after `last`, local to `tz`.
fn day_bounds(tz: &TimeZone, first: Date, last: Date) -> (Timestamp, Timestamp) {
    let start = |d: Date| {
        d.to_zoned(tz.clone())
            .map(|z| z.timestamp())
            .unwrap_or(Timestamp::MAX)
    };
    (
        start(first),
        start(last.saturating_add(Span::new().days(1))),
    )
}

/// Which draft goes to whom once the store has picked the entry.
fn addressed(drafts: Vec<NotificationDraft>) -> Vec<RefillDraft> {
    drafts
        .into_iter()
        .map(|draft| {
            let customer = draft.payload["audience"] == AUDIENCE_CUSTOMER;
            let to = match draft.channel.as_str() {
                SMS if customer => DraftRecipient::CustomerPhone,
                EMAIL if customer => DraftRecipient::CustomerEmail,
                _ => DraftRecipient::AsDrafted,
            };
            RefillDraft { to, draft }
        })
        .collect()
}

/// The one service a waitlist request means.
fn one_service<'c>(catalog: &'c Catalog, req: &JoinWaitlistRequest) -> EngineResult<&'c Service> {
    let query = AvailabilityQuery {
        service_id: req.service_id,
        service: req.service.clone(),
        attributes: req.attributes.clone(),
        ..AvailabilityQuery::on(req.date_from)
    };
    let candidates = filter_services(catalog, &query)?;
    match candidates.as_slice() {
        [one] => Ok(one),
        [] => Err(EngineError::invalid(
            "service",
            "no service matches; ask which service the caller wants",
        )),
        many => {
            let names: Vec<&str> = many.iter().map(|s| s.name.as_str()).collect();
            Err(EngineError::choose(
                "service",
                format!("say which service: {}", names.join(", ")),
                names,
            ))
        }
    }
}

/// The active services a member's preferences name (by service or by attribute values).
fn preferred_services<'c>(
    catalog: &'c Catalog,
    p: &MemberPreferences,
) -> EngineResult<Vec<&'c Service>> {
    if p.services.is_empty() && p.attributes.is_empty() {
        return Err(EngineError::invalid(
            "auto_book",
            "auto-booking needs services or attributes (such as level) to know what to book",
        ));
    }
    let named = |s: &Service| {
        p.services.is_empty()
            || p.services
                .iter()
                .any(|w| w.eq_ignore_ascii_case(&s.code) || w.eq_ignore_ascii_case(&s.name))
    };
    let attributes = |s: &Service| {
        p.attributes.iter().all(|(key, wanted)| {
            wanted.is_empty()
                || s.attributes
                    .get(key)
                    .is_some_and(|v| wanted.iter().any(|w| w.eq_ignore_ascii_case(v)))
        })
    };
    let services: Vec<&Service> = catalog
        .services
        .iter()
        .filter(|s| s.active && named(s) && attributes(s))
        .collect();
    if services.is_empty() {
        return Err(EngineError::invalid(
            "auto_book",
            "no service matches these preferences, so nothing could be auto-booked",
        ));
    }
    Ok(services)
}

#[cfg(test)]
mod tests {
    use super::*;
    use frontdesk_domain::preferences::weekday_name;

    #[test]
    fn weekday_bits_are_iso_ordered() {
        assert_eq!(weekday_bit(Weekday::Monday), 1);
        assert_eq!(weekday_bit(Weekday::Sunday), 64);
        assert_eq!(weekday_name(Weekday::Sunday), "sunday");
    }
}
