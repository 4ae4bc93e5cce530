//! What is free: the slots of a company's services over a date range, with the places left in
//! each, after the schedule, its exceptions, the booking policy and the confirmed bookings.

use crate::Engine;
use crate::caller::Caller;
use crate::catalog::Catalog;
use crate::error::{Alternative, EngineError, EngineResult, NotFoundAs};
use crate::text::same;
use crate::usage::{Usage, Window};
use frontdesk_domain::preferences::SlotFacts;
use frontdesk_domain::schedule::zoned_starts;
use frontdesk_domain::{BranchId, MemberId, MemberPreferences, ServiceId, StaffId};
use frontdesk_store::{OptionalExt, Service};
use jiff::civil::{Date, Time};
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Instant;

/// The longest date range one availability query may cover.
pub const MAX_RANGE_DAYS: i64 = 31;

/// How many free times are offered instead of one that is taken.
pub const MAX_ALTERNATIVES: usize = 3;

/// How many days after the asked ones alternatives are looked for.
const ALTERNATIVE_DAYS_AFTER: i64 = 7;

#[derive(Debug, Clone)]
pub struct AvailabilityQuery {
    pub from: Date,
    /// Inclusive.
    pub to: Date,
    /// A service by code or name (partial names match when unique).
    pub service: Option<String>,
    pub service_id: Option<ServiceId>,
    /// Attribute filters such as `level` and `wave_side`; values match loosely.
    pub attributes: BTreeMap<String, String>,
    pub branch_id: Option<BranchId>,
    /// Rank by this member's preferences (the member must be the caller's).
    pub member_id: Option<MemberId>,
    /// Also list slots with no place left.
    pub include_full: bool,
}

impl AvailabilityQuery {
    pub fn on(date: Date) -> Self {
        AvailabilityQuery {
            from: date,
            to: date,
            service: None,
            service_id: None,
            attributes: BTreeMap::new(),
            branch_id: None,
            member_id: None,
            include_full: false,
        }
    }

    /// The days a caller asked about, the one rule of every surface: the range from
    /// `date_from` (else `date`, else `today`) to `date_to` (else that first day).
    pub fn between(
        date: Option<Date>,
        date_from: Option<Date>,
        date_to: Option<Date>,
        today: Date,
    ) -> Self {
        let from = date_from.or(date).unwrap_or(today);
        AvailabilityQuery {
            to: date_to.unwrap_or(from),
            ..AvailabilityQuery::on(from)
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct StaffRef {
    pub id: StaffId,
    pub name: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Slot {
    pub service_id: ServiceId,
    pub service_code: String,
    pub service_name: String,
    pub branch_id: BranchId,
    pub attributes: BTreeMap<String, String>,
    /// Local date and start time at the branch.
    pub date: Date,
    #[serde(serialize_with = "hh_mm")]
    pub time: Time,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub duration_minutes: i32,
    pub capacity: i64,
    pub remaining: i64,
    /// For services performed by staff: who is free.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub staff: Vec<StaffRef>,
    /// How well the slot matches the member's preferences (0 when not ranked).
    pub score: u32,
}

fn hh_mm<S: serde::Serializer>(t: &Time, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&format_args!("{:02}:{:02}", t.hour(), t.minute()))
}

impl Slot {
    pub fn alternative(&self) -> Alternative {
        Alternative {
            service_id: self.service_id,
            service: self.service_name.clone(),
            date: self.date.to_string(),
            time: format!("{:02}:{:02}", self.time.hour(), self.time.minute()),
            remaining: self.remaining,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Availability {
    pub from: Date,
    pub to: Date,
    pub time_zone: String,
    pub slots: Vec<Slot>,
    /// When nothing is free in the range: the first free slot after it, if any within the
    /// booking window.
    pub next_available: Option<Slot>,
    /// Whether the slots are ordered by the member's preferences.
    pub ranked: bool,
}

impl Engine {
    pub async fn availability(
        &self,
        caller: &Caller,
        query: &AvailabilityQuery,
    ) -> EngineResult<Availability> {
        let days = (query.to - query.from).get_days() as i64 + 1;
        if query.to < query.from {
            return Err(EngineError::invalid(
                "date",
                "the end date is before the start date",
            ));
        }
        if days > MAX_RANGE_DAYS {
            return Err(EngineError::RangeTooLong {
                max: MAX_RANGE_DAYS,
                requested: days,
            });
        }
        let catalog = self.catalog(caller.company_id).await?;
        let services = filter_services(&catalog, query)?;
        let preferences = match query.member_id {
            Some(member_id) => self.preferences_for_ranking(caller, member_id).await?,
            None => None,
        };
        let now = self.now();
        let mut slots = self
            .slots(&catalog, &services, query.from, query.to, now)
            .await?;
        let mut next_available = None;
        if !slots.iter().any(|s| s.remaining > 0) {
            next_available = self
                .next_free_slot(&catalog, &services, query.to, now)
                .await?;
        }
        if !query.include_full {
            slots.retain(|s| s.remaining > 0);
        }
        let ranked = preferences.as_ref().is_some_and(|p| !p.is_empty());
        if let Some(prefs) = preferences.filter(|p| !p.is_empty()) {
            for slot in &mut slots {
                slot.score = prefs.score(&SlotFacts {
                    service_code: &slot.service_code,
                    service_name: &slot.service_name,
                    attributes: &slot.attributes,
                    date: slot.date,
                    time: slot.time,
                });
            }
            slots.sort_by(|a, b| b.score.cmp(&a.score).then(a.starts_at.cmp(&b.starts_at)));
        }
        let time_zone = services
            .first()
            .map(|s| catalog.tz(s.branch_id))
            .unwrap_or_else(|| catalog.company_tz.clone())
            .iana_name()
            .unwrap_or("UTC")
            .to_string();
        Ok(Availability {
            from: query.from,
            to: query.to,
            time_zone,
            slots,
            next_available,
            ranked,
        })
    }

    /// The free slots to offer instead of `time` when it is taken (or not on the schedule):
    /// of the query's services, on the query's days the nearest to `time` first, else the
    /// first free ones in the week after; at most [`MAX_ALTERNATIVES`]. The same rule as a
    /// refused booking's alternatives.
    pub async fn alternatives_near(
        &self,
        caller: &Caller,
        query: &AvailabilityQuery,
        time: Time,
    ) -> EngineResult<Vec<Slot>> {
        let catalog = self.catalog(caller.company_id).await?;
        let services = filter_services(&catalog, query)?;
        let until = query
            .to
            .saturating_add(jiff::Span::new().days(ALTERNATIVE_DAYS_AFTER));
        let slots = self
            .slots(&catalog, &services, query.from, until, self.now())
            .await?;
        Ok(nearest_free(slots, query.from, query.to, time))
    }

    async fn preferences_for_ranking(
        &self,
        caller: &Caller,
        member_id: MemberId,
    ) -> EngineResult<Option<MemberPreferences>> {
        let member = self.member_of(caller, member_id).await?;
        Ok(self
            .store
            .get_member_preferences(member.id)
            .await
            .optional()?)
    }

    /// Every offered slot of `services` from `from` to `to` (local dates), chronological.
    pub(crate) async fn slots(
        &self,
        catalog: &Catalog,
        services: &[&Service],
        from: Date,
        to: Date,
        now: Timestamp,
    ) -> EngineResult<Vec<Slot>> {
        let policy = &catalog.company.policy;
        let mut slots = Vec::new();
        let mut date = from;
        while date <= to {
            for service in services {
                let tz = catalog.tz(service.branch_id);
                let exceptions = catalog.exceptions_for(service);
                let times =
                    service
                        .schedule
                        .start_times_on(date, service.duration_minutes, &exceptions);
                for zoned in zoned_starts(date, &times, &tz) {
                    let starts_at = zoned.timestamp();
                    if policy.check_start(starts_at, now).is_err() {
                        continue;
                    }
                    let duration = SignedDuration::from_mins(i64::from(service.duration_minutes));
                    slots.push(Slot {
                        service_id: service.id,
                        service_code: service.code.clone(),
                        service_name: service.name.clone(),
                        branch_id: service.branch_id,
                        attributes: service.attributes.clone(),
                        date,
                        time: zoned.time(),
                        starts_at,
                        ends_at: starts_at.saturating_add(duration).unwrap_or(starts_at),
                        duration_minutes: service.duration_minutes,
                        capacity: i64::from(service.capacity),
                        remaining: i64::from(service.capacity),
                        staff: Vec::new(),
                        score: 0,
                    });
                }
            }
            date = match date.tomorrow() {
                Ok(d) => d,
                Err(_) => break,
            };
        }
        self.apply_usage(catalog, services, &mut slots).await?;
        slots.sort_by(|a, b| {
            a.starts_at
                .cmp(&b.starts_at)
                .then(a.service_name.cmp(&b.service_name))
        });
        Ok(slots)
    }

    /// Subtracts confirmed bookings: places taken in group slots, busy staff in staff slots.
    async fn apply_usage(
        &self,
        catalog: &Catalog,
        services: &[&Service],
        slots: &mut [Slot],
    ) -> EngineResult<()> {
        let (Some(first), Some(last)) = (
            slots.iter().map(|s| s.starts_at).min(),
            slots.iter().map(|s| s.ends_at).max(),
        ) else {
            return Ok(());
        };
        let by_id: HashMap<ServiceId, &Service> = services.iter().map(|s| (s.id, *s)).collect();
        let group_ids: Vec<ServiceId> = services
            .iter()
            .filter(|s| s.staff_ids.is_empty())
            .map(|s| s.id)
            .collect();
        let staff_ids: Vec<StaffId> = {
            let mut ids: Vec<StaffId> = services
                .iter()
                .flat_map(|s| s.staff_ids.iter().copied())
                .collect();
            ids.sort_unstable();
            ids.dedup();
            ids
        };
        let window = Window {
            company_id: catalog.company.id,
            services: group_ids,
            staff: staff_ids,
            from: first.as_second(),
            to: last.as_second(),
        };
        let usage = match self.usage.get(&window) {
            Some(usage) => usage,
            None => {
                let generation = self.usage.generation();
                let read_at = Instant::now();
                let usage = Arc::new(self.read_usage(&window, first, last).await?);
                self.usage.put(generation, read_at, window, usage.clone());
                usage
            }
        };
        let (taken, busy) = (&usage.taken, &usage.busy);
        for slot in slots.iter_mut() {
            let Some(service) = by_id.get(&slot.service_id) else {
                continue;
            };
            if service.staff_ids.is_empty() {
                let booked = taken
                    .get(&(slot.service_id, slot.starts_at.as_second()))
                    .copied()
                    .unwrap_or(0);
                slot.remaining = (slot.capacity - booked).max(0);
                continue;
            }
            let (window_start, window_end) = staff_window(service, slot.starts_at, slot.ends_at);
            slot.staff = service
                .staff_ids
                .iter()
                .filter(|id| catalog.staff.iter().any(|s| s.id == **id && s.active))
                .filter(|id| {
                    !busy.iter().any(|b| {
                        b.staff_id == **id && b.starts_at < window_end && b.ends_at > window_start
                    })
                })
                .map(|id| StaffRef {
                    id: *id,
                    name: catalog.staff_name(*id).unwrap_or("").to_string(),
                })
                .collect();
            slot.capacity = service.staff_ids.len() as i64;
            slot.remaining = slot.staff.len() as i64;
        }
        Ok(())
    }

    /// Reads what the confirmed bookings of `window` take.
    async fn read_usage(
        &self,
        window: &Window,
        first: Timestamp,
        last: Timestamp,
    ) -> EngineResult<Usage> {
        let taken = self
            .store
            .slot_usage(window.company_id, &window.services, first, last)
            .await?
            .into_iter()
            .map(|u| ((u.service_id, u.starts_at.as_second()), u.booked))
            .collect();
        // Buffers reach a few hours at most; widen the window so bookings just outside the
        // range still block the staff member.
        let margin = SignedDuration::from_hours(24);
        let busy = self
            .store
            .staff_busy(
                window.company_id,
                &window.staff,
                first.saturating_sub(margin).unwrap_or(first),
                last.saturating_add(margin).unwrap_or(last),
            )
            .await?;
        Ok(Usage { taken, busy })
    }

    /// The first slot with a place after `after`, looking a week at a time up to the end of
    /// the booking window.
    async fn next_free_slot(
        &self,
        catalog: &Catalog,
        services: &[&Service],
        after: Date,
        now: Timestamp,
    ) -> EngineResult<Option<Slot>> {
        let Some(branch_id) = services.first().map(|s| s.branch_id) else {
            return Ok(None);
        };
        let window_end = catalog.today(branch_id, catalog.company.policy.latest_start(now));
        let mut from = match after.tomorrow() {
            Ok(d) => d,
            Err(_) => return Ok(None),
        };
        while from <= window_end {
            let to = from
                .saturating_add(jiff::Span::new().days(6))
                .min(window_end);
            let slots = self.slots(catalog, services, from, to, now).await?;
            if let Some(slot) = slots.into_iter().find(|s| s.remaining > 0) {
                return Ok(Some(slot));
            }
            from = match to.tomorrow() {
                Ok(d) => d,
                Err(_) => break,
            };
        }
        Ok(None)
    }
}

/// The free slots among `slots` to offer instead of `time` on the days `from..=to`: those days
/// first, nearest to `time` first (then the earlier), then later days in time order; at most
/// [`MAX_ALTERNATIVES`].
pub(crate) fn nearest_free(slots: Vec<Slot>, from: Date, to: Date, time: Time) -> Vec<Slot> {
    let minutes = |t: Time| i64::from(t.hour()) * 60 + i64::from(t.minute());
    let asked = |s: &Slot| (from..=to).contains(&s.date);
    let mut free: Vec<Slot> = slots.into_iter().filter(|s| s.remaining > 0).collect();
    free.sort_by_key(|s| {
        (
            !asked(s),
            if asked(s) {
                (minutes(s.time) - minutes(time)).abs()
            } else {
                0
            },
            s.starts_at,
        )
    });
    free.truncate(MAX_ALTERNATIVES);
    free
}

/// The interval a staff member must be free for: the slot widened by the service's buffers.
pub(crate) fn staff_window(
    service: &Service,
    start: Timestamp,
    end: Timestamp,
) -> (Timestamp, Timestamp) {
    let before = SignedDuration::from_mins(i64::from(service.buffer_before_minutes.max(0)));
    let after = SignedDuration::from_mins(i64::from(service.buffer_after_minutes.max(0)));
    (
        start.saturating_sub(before).unwrap_or(start),
        end.saturating_add(after).unwrap_or(end),
    )
}

/// The services a query asks about, after its service, branch and attribute filters.
pub(crate) fn filter_services<'c>(
    catalog: &'c Catalog,
    query: &AvailabilityQuery,
) -> EngineResult<Vec<&'c Service>> {
    if let Some(id) = query.service_id {
        return Ok(vec![catalog.service_by_id(id)?]);
    }
    let named = match &query.service {
        Some(name) if !name.trim().is_empty() => Some(catalog.service_by_name(name).map(|s| s.id)),
        _ => None,
    };
    // A service word may also name an attribute value ("Intermediario2" is a level).
    let named = match named {
        Some(Err(e)) => {
            let word = query.service.as_deref().unwrap_or_default();
            let by_attribute = catalog
                .services
                .iter()
                .any(|s| s.active && s.attributes.values().any(|v| same(v, word)));
            if !by_attribute {
                return Err(e);
            }
            None
        }
        Some(Ok(id)) => Some(id),
        None => None,
    };
    let attribute_word = query.service.as_deref().filter(|_| named.is_none());
    let selected: Vec<&Service> = catalog
        .services
        .iter()
        .filter(|s| s.active)
        .filter(|s| named.is_none_or(|id| s.id == id))
        .filter(|s| attribute_word.is_none_or(|w| s.attributes.values().any(|v| same(v, w))))
        .filter(|s| query.branch_id.is_none_or(|b| s.branch_id == b))
        .filter(|s| {
            query.attributes.iter().all(|(key, wanted)| {
                s.attributes
                    .iter()
                    .any(|(k, v)| same(k, key) && same(v, wanted))
            })
        })
        .collect();
    if selected.is_empty() && !query.attributes.is_empty() {
        let known: Vec<String> = query
            .attributes
            .keys()
            .map(|key| {
                let mut values: Vec<&str> = catalog
                    .services
                    .iter()
                    .filter_map(|s| {
                        s.attributes
                            .iter()
                            .find(|(k, _)| same(k, key))
                            .map(|(_, v)| v.as_str())
                    })
                    .collect();
                values.sort_unstable();
                values.dedup();
                format!(
                    "{key}: {}",
                    if values.is_empty() {
                        "none".into()
                    } else {
                        values.join(", ")
                    }
                )
            })
            .collect();
        return Err(EngineError::invalid(
            "attributes",
            format!(
                "no service matches these filters; known values are {}",
                known.join("; ")
            ),
        ));
    }
    Ok(selected)
}

impl Engine {
    /// The member, if it belongs to the caller's customer; otherwise "member not found".
    pub(crate) async fn member_of(
        &self,
        caller: &Caller,
        member_id: MemberId,
    ) -> EngineResult<frontdesk_store::Member> {
        let member = self
            .store
            .get_member(caller.company_id, member_id)
            .await
            .or_not_found("member")?;
        if Some(member.customer_id) != caller.customer_id {
            return Err(EngineError::NotFound { what: "member" });
        }
        Ok(member)
    }
}
