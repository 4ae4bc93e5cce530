//! Business definition files (TOML or YAML): a company with its branches, staff, services,
//! schedules, customers, members and appointments. Importing creates what is missing and
//! updates what exists (matched by slug, names, service codes, phone numbers and member ids),
//! so importing the same file twice changes nothing the second time.

use crate::caller::Caller;
use crate::error::{EngineError, EngineResult};
use crate::{BookRequest, BookingScope, Engine};
use frontdesk_domain::schedule::DateException;
use frontdesk_domain::{
    BookingPolicy, BookingSource, Language, MemberPreferences, PhoneNumber, Schedule, parse_date,
    parse_time,
};
use frontdesk_store::{
    Branch, Company, NewBranch, NewCompany, NewCustomer, NewMember, NewService, NewStaff,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BusinessFile {
    pub company: CompanyDef,
    #[serde(default)]
    pub branches: Vec<BranchDef>,
    #[serde(default)]
    pub staff: Vec<StaffDef>,
    #[serde(default)]
    pub services: Vec<ServiceDef>,
    #[serde(default)]
    pub customers: Vec<CustomerDef>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CompanyDef {
    pub slug: String,
    pub name: String,
    pub time_zone: String,
    pub language: Language,
    pub phone_region: String,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub policy: BookingPolicy,
    /// The company's Retell API key (stored encrypted; needs the engine's secret key).
    #[serde(default)]
    pub retell_api_key: Option<String>,
    /// The secret Vapi sends with tool calls (stored as a hash).
    #[serde(default)]
    pub vapi_secret: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BranchDef {
    pub name: String,
    #[serde(default)]
    pub time_zone: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub phone_numbers: Vec<String>,
    #[serde(default)]
    pub exceptions: Vec<DateException>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StaffDef {
    pub name: String,
    #[serde(default)]
    pub branch: Option<String>,
    #[serde(default = "yes")]
    pub active: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceDef {
    pub code: String,
    pub name: String,
    /// Branch name; may be left out when the company has one branch.
    #[serde(default)]
    pub branch: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    pub duration_minutes: i32,
    #[serde(default = "one")]
    pub capacity: i32,
    #[serde(default)]
    pub buffer_before_minutes: i32,
    #[serde(default)]
    pub buffer_after_minutes: i32,
    #[serde(default)]
    pub price_cents: Option<i64>,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    pub schedule: Schedule,
    #[serde(default)]
    pub exceptions: Vec<DateException>,
    /// Names of the staff who perform it; empty for group sessions.
    #[serde(default)]
    pub staff: Vec<String>,
    #[serde(default = "yes")]
    pub active: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CustomerDef {
    pub phone: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub has_linked_account: bool,
    #[serde(default)]
    pub members: Vec<MemberDef>,
    #[serde(default)]
    pub appointments: Vec<AppointmentDef>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MemberDef {
    #[serde(default)]
    pub id: Option<i64>,
    pub name: String,
    #[serde(default)]
    pub level: Option<String>,
    #[serde(default)]
    pub max_active_bookings: Option<i64>,
    #[serde(default)]
    pub relationship: Option<String>,
    #[serde(default)]
    pub preferences: Option<MemberPreferences>,
}

/// An appointment to hold for the customer: on the first day from `date` (a date word such
/// as `tomorrow` or `monday`, or YYYY-MM-DD) on which `time` can be booked. Skipped when the
/// customer already has an upcoming booking of that service.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AppointmentDef {
    pub service: String,
    pub date: String,
    pub time: String,
    #[serde(default)]
    pub member: Option<String>,
}

fn yes() -> bool {
    true
}

fn one() -> i32 {
    1
}

#[derive(Debug, Clone, Serialize)]
pub struct ImportSummary {
    pub company: Company,
    pub branches: usize,
    pub staff: usize,
    pub services: usize,
    pub customers: usize,
    pub members: usize,
    pub appointments_created: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: unknown file type: use .toml, .yaml or .yml")]
    UnknownType { path: String },
    #[error("{path}: {message}")]
    Parse { path: String, message: String },
}

impl BusinessFile {
    pub fn from_path(path: &Path) -> Result<Self, FileError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| FileError::Read {
            path: shown.clone(),
            source,
        })?;
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        Self::parse(&text, &ext).map_err(|e| match e {
            FileError::UnknownType { .. } => FileError::UnknownType {
                path: shown.clone(),
            },
            FileError::Parse { message, .. } => FileError::Parse {
                path: shown.clone(),
                message,
            },
            other => other,
        })
    }

    /// Parses the text of a file whose extension is `ext` (`toml`, `yaml`, `yml`).
    pub fn parse(text: &str, ext: &str) -> Result<Self, FileError> {
        let parse_err = |message: String| FileError::Parse {
            path: String::new(),
            message,
        };
        match ext {
            "toml" => toml::from_str(text).map_err(|e| parse_err(e.to_string())),
            "yaml" | "yml" => serde_yaml_ng::from_str(text).map_err(|e| parse_err(e.to_string())),
            _ => Err(FileError::UnknownType {
                path: String::new(),
            }),
        }
    }

    /// Checks everything that can be checked without the database, so a bad file changes
    /// nothing.
    pub fn validate(&self) -> EngineResult<()> {
        let bad = |field: &'static str, m: String| Err(EngineError::invalid(field, m));
        let c = &self.company;
        let slug_ok = !c.slug.is_empty()
            && c.slug.len() <= 64
            && c.slug
                .chars()
                .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-');
        if !slug_ok {
            return bad(
                "company.slug",
                format!(
                    "{:?}: use 1-64 lower-case letters, digits and dashes",
                    c.slug
                ),
            );
        }
        if c.name.trim().is_empty() {
            return bad("company.name", "the company needs a name".into());
        }
        check_tz(&c.time_zone, "company.time_zone")?;
        PhoneNumber::parse("+5511999999999", &c.phone_region)
            .map_err(|e| EngineError::invalid("company.phone_region", e.to_string()))?;
        if self.branches.is_empty() {
            return bad("branches", "define at least one branch".into());
        }
        let mut names = HashSet::new();
        for b in &self.branches {
            if !names.insert(b.name.as_str()) {
                return bad("branches", format!("branch {:?} is defined twice", b.name));
            }
            if let Some(tz) = &b.time_zone {
                check_tz(tz, "branches.time_zone")?;
            }
            for p in &b.phone_numbers {
                PhoneNumber::parse(p, &c.phone_region)
                    .map_err(|e| EngineError::invalid("branches.phone_numbers", e.to_string()))?;
            }
        }
        let staff_names: HashSet<&str> = self.staff.iter().map(|s| s.name.as_str()).collect();
        for s in &self.staff {
            if let Some(b) = &s.branch
                && !names.contains(b.as_str())
            {
                return bad(
                    "staff.branch",
                    format!("staff {:?}: no branch called {b:?}", s.name),
                );
            }
        }
        let mut codes = HashSet::new();
        for s in &self.services {
            if !codes.insert(s.code.as_str()) || s.code.trim().is_empty() {
                return bad(
                    "services.code",
                    format!("service code {:?} is empty or used twice", s.code),
                );
            }
            if !(1..=1440).contains(&s.duration_minutes) {
                return bad(
                    "services.duration_minutes",
                    format!("{}: between 1 and 1440", s.code),
                );
            }
            if !(1..=10_000).contains(&s.capacity) {
                return bad(
                    "services.capacity",
                    format!("{}: between 1 and 10000", s.code),
                );
            }
            if s.buffer_before_minutes < 0 || s.buffer_after_minutes < 0 {
                return bad(
                    "services.buffer",
                    format!("{}: buffers cannot be negative", s.code),
                );
            }
            s.schedule.validate().map_err(|e| {
                EngineError::invalid("services.schedule", format!("{}: {e}", s.code))
            })?;
            self.branch_name_for(s.branch.as_deref())?;
            if let Some(missing) = s.staff.iter().find(|n| !staff_names.contains(n.as_str())) {
                return bad(
                    "services.staff",
                    format!("{}: no staff member called {missing:?}", s.code),
                );
            }
        }
        let mut phones = HashSet::new();
        let mut member_ids = HashSet::new();
        for cu in &self.customers {
            let phone = PhoneNumber::parse(&cu.phone, &c.phone_region)
                .map_err(|e| EngineError::invalid("customers.phone", e.to_string()))?;
            if !phones.insert(phone) {
                return bad("customers.phone", format!("{} is listed twice", cu.phone));
            }
            let mut member_names = HashSet::new();
            for m in &cu.members {
                // The store keeps one member of a name per customer.
                if !member_names.insert(m.name.as_str()) {
                    return bad(
                        "members.name",
                        format!("{}: member {:?} is listed twice", cu.phone, m.name),
                    );
                }
                if let Some(id) = m.id
                    && (id <= 0 || !member_ids.insert(id))
                {
                    return bad(
                        "members.id",
                        format!("member id {id} is not positive or used twice"),
                    );
                }
            }
            for a in &cu.appointments {
                parse_time(&a.time)
                    .map_err(|e| EngineError::invalid("appointments.time", e.to_string()))?;
                // Date words are relative to the import day, but whether one is a date is not.
                parse_date(&a.date, jiff::civil::date(2000, 1, 1))
                    .map_err(|e| EngineError::invalid("appointments.date", e.to_string()))?;
                if !self.services.iter().any(|s| s.code == a.service) {
                    return bad(
                        "appointments.service",
                        format!("no service with code {:?}", a.service),
                    );
                }
                // Booking it would stop at "which member?" after the company was written.
                if a.member.is_none() && cu.members.len() > 1 {
                    return bad(
                        "appointments.member",
                        format!(
                            "{}: the customer has several members, name the member",
                            cu.phone
                        ),
                    );
                }
            }
        }
        Ok(())
    }

    fn branch_name_for<'a>(&'a self, named: Option<&'a str>) -> EngineResult<&'a str> {
        match (named, self.branches.as_slice()) {
            (Some(n), branches) if branches.iter().any(|b| b.name == n) => Ok(n),
            (Some(n), _) => Err(EngineError::invalid(
                "branch",
                format!("no branch called {n:?}"),
            )),
            (None, [only]) => Ok(only.name.as_str()),
            (None, _) => Err(EngineError::invalid(
                "branch",
                "name the branch: the company has several".to_string(),
            )),
        }
    }
}

fn check_tz(name: &str, field: &'static str) -> EngineResult<()> {
    jiff::tz::TimeZone::get(name).map(|_| ()).map_err(|_| {
        EngineError::invalid(
            field,
            format!("{name:?} is not an IANA time zone such as Europe/Berlin"),
        )
    })
}

impl Engine {
    /// Creates or updates the business a file defines. The file is validated first; a file
    /// that does not validate changes nothing.
    pub async fn import_business(&self, file: &BusinessFile) -> EngineResult<ImportSummary> {
        file.validate()?;
        if file.company.retell_api_key.is_some() && self.secrets.is_none() {
            // Checked before anything is written: a file that cannot be imported changes nothing.
            return Err(EngineError::invalid(
                "company.retell_api_key",
                "storing a Retell API key needs the secret key (FRONTDESK_SECRET_KEY or its key file)",
            ));
        }
        let now = self.now();
        let c = &file.company;
        let company = self
            .store
            .upsert_company(NewCompany {
                slug: c.slug.clone(),
                name: c.name.trim().to_string(),
                time_zone: c.time_zone.clone(),
                language: c.language,
                phone_region: c.phone_region.trim().to_ascii_uppercase(),
                address: c.address.clone(),
                policy: c.policy.clone(),
                now,
            })
            .await?;
        // However the import ends, this engine's cached catalogue of the company is dropped.
        let _changed = crate::catalog::Changed::new(self, company.id);

        if c.retell_api_key.is_some() || c.vapi_secret.is_some() {
            self.set_company_credentials(
                company.id,
                c.retell_api_key.as_deref(),
                c.vapi_secret.as_deref(),
            )
            .await?;
        }

        let mut branches: HashMap<String, Branch> = HashMap::new();
        for b in &file.branches {
            let phone_numbers = b
                .phone_numbers
                .iter()
                .map(|p| PhoneNumber::parse(p, &company.phone_region).map(PhoneNumber::into_string))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| EngineError::invalid("branches.phone_numbers", e.to_string()))?;
            let branch = self
                .store
                .upsert_branch(NewBranch {
                    company_id: company.id,
                    name: b.name.clone(),
                    time_zone: b.time_zone.clone(),
                    address: b.address.clone(),
                    phone_numbers,
                    exceptions: b.exceptions.clone(),
                })
                .await?;
            branches.insert(b.name.clone(), branch);
        }
        let branch_id = |name: Option<&str>| -> EngineResult<i64> {
            let name = file.branch_name_for(name)?;
            branches
                .get(name)
                .map(|b| b.id)
                .ok_or_else(|| EngineError::invalid("branch", format!("no branch called {name:?}")))
        };

        let mut staff_ids: HashMap<String, i64> = HashMap::new();
        for s in &file.staff {
            let branch = match &s.branch {
                Some(name) => Some(branch_id(Some(name))?),
                None => None,
            };
            let staff = self
                .store
                .upsert_staff(NewStaff {
                    company_id: company.id,
                    branch_id: branch,
                    name: s.name.clone(),
                    active: s.active,
                })
                .await?;
            staff_ids.insert(s.name.clone(), staff.id);
        }

        for s in &file.services {
            self.store
                .upsert_service(NewService {
                    company_id: company.id,
                    branch_id: branch_id(s.branch.as_deref())?,
                    code: s.code.clone(),
                    name: s.name.clone(),
                    description: s.description.clone(),
                    duration_minutes: s.duration_minutes,
                    capacity: s.capacity,
                    buffer_before_minutes: s.buffer_before_minutes,
                    buffer_after_minutes: s.buffer_after_minutes,
                    price_cents: s.price_cents,
                    currency: s.currency.clone(),
                    attributes: s.attributes.clone(),
                    schedule: s.schedule.clone(),
                    exceptions: s.exceptions.clone(),
                    staff_ids: s
                        .staff
                        .iter()
                        .filter_map(|n| staff_ids.get(n).copied())
                        .collect(),
                    active: s.active,
                })
                .await?;
        }

        let mut members = 0;
        let mut appointments_created = 0;
        for cu in &file.customers {
            let phone = PhoneNumber::parse(&cu.phone, &company.phone_region)
                .map_err(|e| EngineError::InvalidPhone(e.to_string()))?;
            let customer = self
                .store
                .upsert_customer(NewCustomer {
                    company_id: company.id,
                    phone: phone.as_str().to_string(),
                    name: cu.name.clone(),
                    email: cu.email.clone(),
                    has_linked_account: cu.has_linked_account,
                    now,
                })
                .await?;
            for m in &cu.members {
                let member = self
                    .store
                    .upsert_member(NewMember {
                        id: m.id,
                        company_id: company.id,
                        customer_id: customer.id,
                        name: m.name.clone(),
                        level: m.level.clone(),
                        max_active_bookings: m.max_active_bookings,
                        relationship: m.relationship.clone(),
                    })
                    .await?;
                if let Some(p) = &m.preferences {
                    self.store.set_member_preferences(member.id, p, now).await?;
                }
                members += 1;
            }
            let caller = Caller::customer(company.id, customer.id, Some(phone.into_string()));
            for a in &cu.appointments {
                if self.hold_appointment(&caller, a).await? {
                    appointments_created += 1;
                }
            }
        }

        Ok(ImportSummary {
            company,
            branches: file.branches.len(),
            staff: file.staff.len(),
            services: file.services.len(),
            customers: file.customers.len(),
            members,
            appointments_created,
        })
    }

    /// Books an appointment from a file on the first day it fits; `false` when the customer
    /// already holds one for that service or no day in the next two weeks has room.
    async fn hold_appointment(&self, caller: &Caller, a: &AppointmentDef) -> EngineResult<bool> {
        let catalog_service = self
            .store
            .list_services(caller.company_id)
            .await?
            .into_iter()
            .find(|s| s.code == a.service)
            .ok_or_else(|| {
                EngineError::invalid(
                    "appointments.service",
                    format!("no service {:?}", a.service),
                )
            })?;
        let upcoming = self.bookings(caller, None, BookingScope::Upcoming).await?;
        if upcoming.iter().any(|b| b.service_id == catalog_service.id) {
            return Ok(false);
        }
        let company = self.company(caller.company_id).await?;
        let tz = jiff::tz::TimeZone::get(&company.time_zone)
            .map_err(|_| EngineError::Internal("bad time zone".into()))?;
        let today = self.now().to_zoned(tz).date();
        let mut date = parse_date(&a.date, today)
            .map_err(|e| EngineError::invalid("appointments.date", e.to_string()))?;
        let time = parse_time(&a.time)
            .map_err(|e| EngineError::invalid("appointments.time", e.to_string()))?;
        for _ in 0..14 {
            let mut req = BookRequest::new(date, time, BookingSource::Admin);
            req.service_id = Some(catalog_service.id);
            req.member_name = a.member.clone();
            // The business's own records, not a caller's booking: nobody is messaged.
            req.notify_customer = false;
            match self.book(caller, req).await {
                Ok(_) => return Ok(true),
                Err(e)
                    if e.is_client_error() && !matches!(e, EngineError::AmbiguousMember { .. }) =>
                {
                    date = date.saturating_add(jiff::Span::new().days(1));
                }
                Err(e) => return Err(e),
            }
        }
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    const WITH_CREDENTIALS: &str = r#"
[company]
slug = "clinic"
name = "Clinic"
time_zone = "Europe/Berlin"
language = "de-DE"
phone_region = "DE"
retell_api_key = "key_from_file"
vapi_secret = "vapi_from_file"

[[branches]]
name = "Main"
"#;

    #[tokio::test]
    async fn a_business_file_can_carry_its_voice_platform_credentials() {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}", dir.path().join("import.db").display());
        let store = frontdesk_store_sqlite::SqliteStore::connect(&url)
            .await
            .expect("store");
        let engine = Engine::new(Arc::new(store)).with_secret_key([9u8; 32]);
        let file = BusinessFile::parse(WITH_CREDENTIALS, "toml").expect("parses");

        let summary = engine.import_business(&file).await.expect("imports");

        let id = summary.company.id;
        assert_eq!(
            engine.retell_api_key(id).await.expect("read"),
            Some("key_from_file".to_string())
        );
        assert_eq!(
            engine
                .company_by_vapi_secret("vapi_from_file")
                .await
                .expect("found")
                .id,
            id
        );
    }
}
