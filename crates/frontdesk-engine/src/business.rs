//! What a caller may ask about the business itself: who and where it is, when it opens, what
//! it offers at which price, on which terms, and what day and time it is there right now.
//!
//! Opening hours are derived from the real service schedules rather than stored separately,
//! so what an agent says about the hours can never contradict what `availability` offers.

use crate::Engine;
use crate::caller::Caller;
use crate::error::EngineResult;
use frontdesk_domain::opening::{self, day_opening};
use frontdesk_domain::preferences::weekday_name;
use frontdesk_domain::schedule::DateException;
use frontdesk_domain::{BranchId, CompanyId, Language, ServiceId};
use frontdesk_locale::{DateWord, DateWordError};
use frontdesk_store::{Branch, Company, Service};
use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use serde::Serialize;
use std::collections::BTreeMap;

/// How far ahead dated exceptions (holidays, short days) are reported.
pub const EXCEPTION_HORIZON_DAYS: i64 = 14;

const WEEK: [Weekday; 7] = [
    Weekday::Monday,
    Weekday::Tuesday,
    Weekday::Wednesday,
    Weekday::Thursday,
    Weekday::Friday,
    Weekday::Saturday,
    Weekday::Sunday,
];

#[derive(Debug, Clone, Serialize)]
pub struct BusinessInfo {
    pub company_id: CompanyId,
    pub name: String,
    pub address: Option<String>,
    /// The main branch's first inbound number (E.164), if it has one.
    pub phone: Option<String>,
    pub language: Language,
    /// The main branch's time zone.
    pub time_zone: String,
    /// Now, at the main branch.
    pub now: LocalNow,
    pub branches: Vec<BranchInfo>,
    pub services: Vec<ServiceInfo>,
    pub policy: PolicyInfo,
}

/// A moment as a caller at the branch would say it.
#[derive(Debug, Clone, Serialize)]
pub struct LocalNow {
    pub date: Date,
    /// English lower-case weekday name (`saturday`).
    pub weekday: &'static str,
    /// `HH:MM`, 24-hour.
    pub time: String,
    pub time_zone: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct BranchInfo {
    pub id: BranchId,
    pub name: String,
    pub address: Option<String>,
    pub phone_numbers: Vec<String>,
    pub time_zone: String,
    /// Monday to Sunday.
    pub opening_hours: Vec<DayHours>,
    /// Dated changes in the next [`EXCEPTION_HORIZON_DAYS`] days, by date.
    pub exceptions: Vec<ExceptionInfo>,
}

/// One weekday's usual hours at a branch: the union over its active services.
#[derive(Debug, Clone, Serialize)]
pub struct DayHours {
    /// English lower-case weekday name.
    pub weekday: &'static str,
    /// Start times of fixed-time services (sessions), `HH:MM`, sorted.
    pub start_times: Vec<String>,
    /// Open periods of open-hours services (appointments), `HH:MM-HH:MM`, breaks left out.
    pub open_ranges: Vec<String>,
    /// Nothing can start on this weekday.
    pub closed: bool,
}

/// A dated exception within the horizon.
#[derive(Debug, Clone, Serialize)]
pub struct ExceptionInfo {
    pub date: Date,
    pub weekday: &'static str,
    /// `None`: the whole branch; otherwise the one service it concerns.
    pub service: Option<String>,
    pub closed: bool,
    /// Special hours (`HH:MM-HH:MM`) for the day, when it is not closed.
    pub hours: Vec<String>,
    /// Special start times (`HH:MM`) for the day, when it is not closed.
    pub start_times: Vec<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServiceInfo {
    pub id: ServiceId,
    pub code: String,
    pub name: String,
    pub description: Option<String>,
    pub branch_id: BranchId,
    pub branch: String,
    pub duration_minutes: i32,
    /// Places per session; for services performed by staff, per staff member.
    pub capacity: i32,
    pub price_cents: Option<i64>,
    pub currency: Option<String>,
    pub attributes: BTreeMap<String, String>,
    /// Names of the active staff who perform it; empty for group sessions.
    pub staff: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PolicyInfo {
    pub min_notice_minutes: i64,
    pub booking_window_days: i64,
    pub max_active_bookings_per_member: Option<i64>,
    pub free_cancellation_hours: i64,
    pub allow_unknown_callers: bool,
}

impl Engine {
    /// Today's date at the company's main branch (its first), which is what date words such
    /// as "tomorrow" are relative to.
    pub async fn today(&self, company_id: CompanyId) -> EngineResult<Date> {
        let catalog = self.catalog(company_id).await?;
        let tz = main_zone(&catalog.branches, &catalog.company.time_zone)?;
        Ok(self.now().to_zoned(tz).date())
    }

    /// The day a date word means for the company's callers: in its language (or English, or
    /// ISO), relative to its [`today`](Engine::today). A day that passed is returned as it is
    /// (`Past`); whether that is refused is the use case's rule.
    pub async fn read_date(
        &self,
        company_id: CompanyId,
        text: &str,
    ) -> EngineResult<Result<DateWord, DateWordError>> {
        let catalog = self.catalog(company_id).await?;
        let tz = main_zone(&catalog.branches, &catalog.company.time_zone)?;
        let today = self.now().to_zoned(tz).date();
        let locale = frontdesk_locale::resolve(catalog.company.language.tag()).locale;
        Ok(locale.parse_date(text, today))
    }

    /// The company as last loaded with its catalogue (at most [`CATALOG_TTL`] old): for what
    /// only needs its language, name or policy on a hot path, such as a tool call's answer.
    ///
    /// [`CATALOG_TTL`]: crate::catalog::CATALOG_TTL
    pub async fn cached_company(&self, company_id: CompanyId) -> EngineResult<Company> {
        Ok(self.catalog(company_id).await?.company.clone())
    }

    /// The business as a caller may ask about it. Any caller of the company may read it,
    /// known or not: nothing in it is about a customer.
    pub async fn business_info(&self, caller: &Caller) -> EngineResult<BusinessInfo> {
        let catalog = self.catalog(caller.company_id).await?;
        // Retired branches stay in the catalogue for their bookings but are not offered.
        let offered: Vec<&Branch> = catalog.branches.iter().filter(|b| !b.retired).collect();
        let main = offered.first().copied();
        let tz = main
            .map(|b| catalog.tz(b.id))
            .unwrap_or_else(|| catalog.company_tz.clone());
        let now = self.now().to_zoned(tz.clone());
        let today = now.date();
        let services: Vec<&Service> = catalog.services.iter().filter(|s| s.active).collect();

        let branches = offered
            .iter()
            .map(|branch| {
                let own: Vec<&Service> = services
                    .iter()
                    .copied()
                    .filter(|s| s.branch_id == branch.id)
                    .collect();
                BranchInfo {
                    id: branch.id,
                    name: branch.name.clone(),
                    address: branch.address.clone(),
                    phone_numbers: branch.phone_numbers.clone(),
                    time_zone: zone_name(&catalog.tz(branch.id)),
                    opening_hours: WEEK.iter().map(|day| day_hours(*day, &own)).collect(),
                    exceptions: upcoming_exceptions(
                        branch,
                        &own,
                        catalog.today(branch.id, self.now()),
                    ),
                }
            })
            .collect();

        let company = &catalog.company;
        let policy = &company.policy;
        Ok(BusinessInfo {
            company_id: company.id,
            name: company.name.clone(),
            address: company
                .address
                .clone()
                .or_else(|| main.and_then(|b| b.address.clone())),
            phone: main.and_then(|b| b.phone_numbers.first().cloned()),
            language: company.language.clone(),
            time_zone: zone_name(&tz),
            now: LocalNow {
                date: today,
                weekday: weekday_name(today.weekday()),
                time: hh_mm(now.time()),
                time_zone: zone_name(&tz),
            },
            branches,
            services: services
                .iter()
                .map(|s| ServiceInfo {
                    id: s.id,
                    code: s.code.clone(),
                    name: s.name.clone(),
                    description: s.description.clone(),
                    branch_id: s.branch_id,
                    branch: catalog
                        .branch(s.branch_id)
                        .map(|b| b.name.clone())
                        .unwrap_or_default(),
                    duration_minutes: s.duration_minutes,
                    capacity: s.capacity,
                    price_cents: s.price_cents,
                    currency: s.currency.clone(),
                    attributes: s.attributes.clone(),
                    staff: s
                        .staff_ids
                        .iter()
                        .filter(|id| catalog.staff.iter().any(|st| st.id == **id && st.active))
                        .filter_map(|id| catalog.staff_name(*id).map(str::to_string))
                        .collect(),
                })
                .collect(),
            policy: PolicyInfo {
                min_notice_minutes: policy.min_notice_minutes,
                booking_window_days: policy.booking_window_days,
                max_active_bookings_per_member: policy.max_active_bookings_per_member,
                free_cancellation_hours: policy.free_cancellation_hours,
                allow_unknown_callers: policy.allow_unknown_callers,
            },
        })
    }
}

pub(crate) fn main_zone(branches: &[Branch], company_tz: &str) -> EngineResult<TimeZone> {
    let branch_tz = branches
        .iter()
        .find(|b| !b.retired)
        .and_then(|b| b.time_zone.as_deref())
        .and_then(|name| TimeZone::get(name).ok());
    match branch_tz {
        Some(tz) => Ok(tz),
        None => crate::catalog::time_zone(company_tz),
    }
}

/// The union of the branch's services' usual hours on `day` (the domain's one rule).
fn day_hours(day: Weekday, services: &[&Service]) -> DayHours {
    let opening = day_opening(
        day,
        services.iter().map(|s| (&s.schedule, s.duration_minutes)),
    );
    DayHours {
        weekday: weekday_name(day),
        closed: opening.is_closed(),
        start_times: opening
            .start_times
            .iter()
            .map(ToString::to_string)
            .collect(),
        open_ranges: opening
            .open
            .iter()
            .map(|(a, b)| format!("{}-{}", opening::hh_mm(*a), opening::hh_mm(*b)))
            .collect(),
    }
}

/// Branch-wide and per-service exceptions dated from `today` to the end of the horizon.
fn upcoming_exceptions(branch: &Branch, services: &[&Service], today: Date) -> Vec<ExceptionInfo> {
    let last = today.saturating_add(jiff::Span::new().days(EXCEPTION_HORIZON_DAYS - 1));
    let within = |e: &&DateException| e.date >= today && e.date <= last;
    let mut out: Vec<ExceptionInfo> = branch
        .exceptions
        .iter()
        .filter(within)
        .map(|e| exception_info(e, None))
        .chain(services.iter().flat_map(|s| {
            s.exceptions
                .iter()
                .filter(within)
                .map(|e| exception_info(e, Some(s.name.clone())))
        }))
        .collect();
    out.sort_by(|a, b| a.date.cmp(&b.date).then(a.service.cmp(&b.service)));
    out
}

fn exception_info(e: &DateException, service: Option<String>) -> ExceptionInfo {
    ExceptionInfo {
        date: e.date,
        weekday: weekday_name(e.date.weekday()),
        service,
        closed: e.closed,
        hours: e.hours.iter().flatten().map(ToString::to_string).collect(),
        start_times: e.times.iter().flatten().map(ToString::to_string).collect(),
        note: e.note.clone(),
    }
}

fn zone_name(tz: &TimeZone) -> String {
    tz.iana_name().unwrap_or("UTC").to_string()
}

fn hh_mm(t: Time) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}
