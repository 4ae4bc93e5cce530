//! Business definition files (TOML or YAML): a company with its branches, staff, services,
//! schedules, customers, members and appointments. A file describes the business as it is:
//! importing creates what is missing, updates what exists (matched by slug, names, service
//! codes, phone numbers and member ids) and retires the branches, staff and services the file
//! no longer lists (their bookings stay), so importing the same file twice changes nothing the
//! second time. [`Engine::plan_import`] says what an import would change without writing;
//! [`Engine::export_business`] writes a company's file back.

use crate::caller::Caller;
use crate::error::{EngineError, EngineResult};
use crate::{BookRequest, BookingScope, Engine};
use frontdesk_domain::schedule::DateException;
use frontdesk_domain::{
    BookingPolicy, BookingSource, CompanyMessaging, Language, MemberPreferences, PhoneNumber,
    Schedule, parse_date, parse_time,
};
use frontdesk_domain::{BookingStatus, CompanyId};
use frontdesk_store::{
    BookingQuery, Branch, CatalogRetirement, Company, NewBranch, NewCompany, NewCustomer,
    NewMember, NewService, NewStaff, StoreError,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BusinessFile {
    pub company: CompanyDef,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub branches: Vec<BranchDef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub staff: Vec<StaffDef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<ServiceDef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub customers: Vec<CustomerDef>,
    /// Signed webhook endpoints (matched by URL; an import adds those missing).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub webhooks: Vec<WebhookDef>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookDef {
    pub url: String,
    /// Event names; empty or left out: every event.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<String>,
    /// `whsec_…`; left out, a new endpoint gets a generated one, printed by the import.
    /// Never exported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CompanyDef {
    pub slug: String,
    pub name: String,
    pub time_zone: String,
    pub language: Language,
    pub phone_region: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default)]
    pub policy: BookingPolicy,
    /// The company's Retell API key (stored encrypted; needs the engine's secret key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retell_api_key: Option<String>,
    /// The secret Vapi sends with tool calls (stored as a hash).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vapi_secret: Option<String>,
    /// How the company's messages go out: its SMS sender or Twilio account, the address told
    /// of every booking change.
    #[serde(default, skip_serializing_if = "CompanyMessaging::is_empty")]
    pub messaging: CompanyMessaging,
    /// The auth token of the company's own Twilio account (stored encrypted; needs the
    /// engine's secret key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub twilio_auth_token: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BranchDef {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phone_numbers: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exceptions: Vec<DateException>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StaffDef {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceDef {
    pub code: String,
    pub name: String,
    /// Branch name; may be left out when the company has one branch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub duration_minutes: i32,
    #[serde(default = "one")]
    pub capacity: i32,
    #[serde(default)]
    pub buffer_before_minutes: i32,
    #[serde(default)]
    pub buffer_after_minutes: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_cents: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
    pub schedule: Schedule,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exceptions: Vec<DateException>,
    /// Names of the staff who perform it; empty for group sessions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub staff: Vec<String>,
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CustomerDef {
    pub phone: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default)]
    pub has_linked_account: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<MemberDef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub appointments: Vec<AppointmentDef>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MemberDef {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_active_bookings: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relationship: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferences: Option<MemberPreferences>,
}

/// The longest a freed place may be held for a waiting caller: a week.
pub const MAX_HOLD_MINUTES: i64 = 7 * 24 * 60;

/// An appointment to hold for the customer: on the first day from `date` (a date word such
/// as `tomorrow` or `monday`, or YYYY-MM-DD) on which `time` can be booked. Skipped when the
/// customer already has an upcoming booking of that service.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AppointmentDef {
    pub service: String,
    pub date: String,
    pub time: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<String>,
}

fn yes() -> bool {
    true
}

fn is_true(value: &bool) -> bool {
    *value
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
    /// What the import retired because the file no longer lists it (names, service codes).
    pub retired: Retired,
    /// The shipped language callers are answered in.
    pub spoken: SpokenLanguage,
    /// Webhook endpoints the import added, with their secrets (shown once; never serialized).
    #[serde(skip)]
    pub webhooks_added: Vec<crate::webhooks::AddedWebhook>,
}

/// The language a company names and the shipped one its callers hear (the nearest by
/// language, else en-US): `es-MX` is answered in `es-ES`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SpokenLanguage {
    pub language: String,
    pub answered_in: String,
    /// The company's language is shipped as it is (`exact`) or fell back.
    pub exact: bool,
}

impl SpokenLanguage {
    pub fn of(language: &Language) -> SpokenLanguage {
        let resolved = frontdesk_locale::resolve(language.tag());
        SpokenLanguage {
            language: language.tag().to_string(),
            answered_in: resolved.locale.tag().to_string(),
            exact: resolved.exact,
        }
    }

    /// Every shipped language, as the notice lists them.
    pub fn shipped() -> Vec<String> {
        frontdesk_locale::shipped()
            .iter()
            .map(|l| l.tag().to_string())
            .collect()
    }
}

/// Branch names, staff names and service codes.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Retired {
    pub branches: Vec<String>,
    pub staff: Vec<String>,
    pub services: Vec<String>,
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
        // The rule for text from outside holds for an operator's file too: every name, note
        // and address is stored, read aloud and shown.
        let text = serde_json::to_value(self).map_err(|e| EngineError::Internal(e.to_string()))?;
        if let Some((at, bad)) = unsafe_text(&text, String::new()) {
            return Err(EngineError::UnsafeText {
                field: "file",
                message: format!("{at} {bad}"),
            });
        }
        for w in &self.webhooks {
            crate::webhooks::check_url(&w.url)?;
            crate::webhooks::check_events(&w.events)?;
            if let Some(secret) = &w.secret {
                crate::webhooks::check_secret(secret)?;
            }
        }
        let c = &self.company;
        let hold = c.policy.waitlist_hold_minutes;
        if !(1..=MAX_HOLD_MINUTES).contains(&hold) {
            return bad(
                "company.policy.waitlist_hold_minutes",
                format!("{hold} is not between 1 and {MAX_HOLD_MINUTES} (a week)"),
            );
        }
        if let Some(problem) = c.messaging.problems().into_iter().next() {
            return bad("company.messaging", problem);
        }
        if c.twilio_auth_token.is_some() && c.messaging.twilio_account_sid.is_none() {
            return bad(
                "company.twilio_auth_token",
                "a Twilio auth token needs the account it belongs to \
                 (company.messaging.twilio_account_sid)"
                    .into(),
            );
        }
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

/// The first text in the file the rule for text from outside refuses, with where it is
/// (`branches[0].name`).
fn unsafe_text(
    value: &serde_json::Value,
    at: String,
) -> Option<(String, frontdesk_domain::text::UnsafeChar)> {
    use frontdesk_domain::text::{Lines, check};
    use serde_json::Value;
    match value {
        Value::String(s) => check(s, Lines::Multi).err().map(|bad| (at, bad)),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| unsafe_text(v, format!("{at}[{i}]"))),
        Value::Object(map) => map.iter().find_map(|(k, v)| {
            let here = if at.is_empty() {
                k.clone()
            } else {
                format!("{at}.{k}")
            };
            match check(k, Lines::Single) {
                Err(bad) => Some((here, bad)),
                Ok(()) => unsafe_text(v, here),
            }
        }),
        _ => None,
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
        if !file.webhooks.is_empty() && self.secrets.is_none() {
            return Err(EngineError::invalid(
                "webhooks",
                "storing webhook secrets needs the secret key (FRONTDESK_SECRET_KEY or its key file)",
            ));
        }
        // Where each endpoint points (the SSRF rule, with a DNS look-up) is checked before
        // anything is written too: an inside address refuses the file, not half of it.
        for w in &file.webhooks {
            self.check_webhook_target(&crate::webhooks::check_url(&w.url)?)
                .await?;
        }
        if file.company.twilio_auth_token.is_some() && self.secrets.is_none() {
            return Err(EngineError::invalid(
                "company.twilio_auth_token",
                "storing a Twilio auth token needs the secret key (FRONTDESK_SECRET_KEY or its key file)",
            ));
        }
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
                language: c.language.clone(),
                phone_region: c.phone_region.trim().to_ascii_uppercase(),
                address: c.address.clone(),
                policy: c.policy.clone(),
                messaging: c.messaging.clone(),
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
        if let Some(token) = &c.twilio_auth_token {
            self.set_twilio_auth_token(company.id, token).await?;
        }

        // What the file no longer lists is retired first, so an inbound number can move from
        // a retired branch to a listed one.
        let retired = self.retire_unlisted(company.id, file).await?;

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
            let caller = Caller::customer(company.id, customer.id, Some(phone.as_str().into()));
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
                    // Auto-book preferences are standing waitlist entries; the refill at the
                    // end of the import gives them the places already free.
                    let entries = self.preference_entries(&caller, &member, p).await?;
                    self.store
                        .set_preference_entries(member.id, entries, now)
                        .await?;
                }
                members += 1;
            }
            for a in &cu.appointments {
                if self.hold_appointment(&caller, a).await? {
                    appointments_created += 1;
                }
            }
        }

        // Endpoints are matched by URL: those the company has (and has not removed) stay.
        let existing = self.store.list_webhook_endpoints(company.id).await?;
        let mut webhooks_added = Vec::new();
        for w in &file.webhooks {
            let url = crate::webhooks::check_url(&w.url)?;
            if existing
                .iter()
                .any(|e| e.url == url && e.disabled_at.is_none())
            {
                continue;
            }
            webhooks_added.push(
                self.add_webhook(company.id, &url, &w.events, w.secret.as_deref())
                    .await?,
            );
        }

        // The import may have changed the catalogue's and the people's sizes a lot: the
        // planner should know.
        // Stale statistics slow reads and break nothing: a failure is only logged.
        if let Err(error) = self.store.refresh_statistics().await {
            tracing::warn!(%error, "could not refresh the database's statistics");
        }

        // A raised capacity or new sessions may have made room for people waiting.
        let refilled = self.refill_free_places(company.id).await?;
        if refilled > 0 {
            tracing::info!(
                company_id = company.id,
                refilled,
                "the import made room for the waitlist"
            );
        }

        Ok(ImportSummary {
            webhooks_added,
            company,
            branches: file.branches.len(),
            staff: file.staff.len(),
            services: file.services.len(),
            customers: file.customers.len(),
            members,
            appointments_created,
            retired,
            spoken: SpokenLanguage::of(&file.company.language),
        })
    }

    /// Retires the company's branches, staff and services that `file` does not list (those
    /// already retired stay so).
    async fn retire_unlisted(
        &self,
        company_id: CompanyId,
        file: &BusinessFile,
    ) -> EngineResult<Retired> {
        let (branches, staff, services) = (
            self.store.list_branches(company_id).await?,
            self.store.list_staff(company_id).await?,
            self.store.list_services(company_id).await?,
        );
        let mut retire = CatalogRetirement::default();
        let mut names = Retired::default();
        for b in branches
            .iter()
            .filter(|b| !b.retired && !file.branches.iter().any(|d| d.name == b.name))
        {
            retire.branch_ids.push(b.id);
            names.branches.push(b.name.clone());
        }
        for st in staff
            .iter()
            .filter(|st| !st.retired && !file.staff.iter().any(|d| d.name == st.name))
        {
            retire.staff_ids.push(st.id);
            names.staff.push(st.name.clone());
        }
        for sv in services
            .iter()
            .filter(|sv| !sv.retired && !file.services.iter().any(|d| d.code == sv.code))
        {
            retire.service_ids.push(sv.id);
            names.services.push(sv.code.clone());
        }
        if retire != CatalogRetirement::default() {
            self.store
                .retire_catalog(company_id, &retire, self.now())
                .await?;
        }
        Ok(names)
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

// ---- export and the import plan -------------------------------------------------------------

/// What importing a file would change, item by item (names, service codes, phone numbers).
/// Nothing is written to compute it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ImportPlan {
    pub slug: String,
    /// The shipped language callers would be answered in.
    pub spoken: SpokenLanguage,
    /// The company does not exist yet: everything in the file would be created.
    pub new_company: bool,
    /// Company fields the file changes (`name`, `time_zone`, `policy`, …).
    pub company_changed: Vec<String>,
    pub branches: Changes,
    pub staff: Changes,
    pub services: Changes,
    /// Opening hours and closures that change: `service CODE: hours`, `branch NAME: closures`.
    pub hours_changed: Vec<String>,
    /// Customers (phone numbers) the file adds or changes; an import never removes one.
    pub customers: Changes,
    /// Credentials the file sets (`retell_api_key`, `vapi_secret`).
    pub credentials: Vec<String>,
    /// Confirmed bookings still to start that the file leaves outside the schedule.
    pub bookings_outside: Vec<BookingOutside>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Changes {
    pub added: Vec<String>,
    pub changed: Vec<String>,
    pub retired: Vec<String>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.changed.is_empty() && self.retired.is_empty()
    }

    /// Sorts a keyed comparison of what exists (`before`) and what the file says (`after`).
    fn of<K: PartialEq + ToString, V: PartialEq>(before: &[(K, V)], after: &[(K, V)]) -> Changes {
        let mut out = Changes::default();
        for (key, value) in after {
            match before.iter().find(|(k, _)| k == key) {
                None => out.added.push(key.to_string()),
                Some((_, old)) if old != value => out.changed.push(key.to_string()),
                Some(_) => {}
            }
        }
        for (key, _) in before {
            if !after.iter().any(|(k, _)| k == key) {
                out.retired.push(key.to_string());
            }
        }
        out
    }
}

/// A confirmed booking still to start that the new schedule no longer holds. It is kept as it
/// is (visible and cancellable); the business decides what to tell the customer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BookingOutside {
    pub booking_id: i64,
    pub voucher_code: String,
    pub service: String,
    /// Local date and time at the branch, `YYYY-MM-DD HH:MM`.
    pub starts: String,
    /// `service retired`, `branch retired`, `staff member retired`, `outside the new hours`.
    pub reason: String,
}

impl ImportPlan {
    /// The file describes the business exactly as it is.
    pub fn is_empty(&self) -> bool {
        !self.new_company
            && self.company_changed.is_empty()
            && self.branches.is_empty()
            && self.staff.is_empty()
            && self.services.is_empty()
            && self.hours_changed.is_empty()
            && self.customers.is_empty()
            && self.credentials.is_empty()
            && self.bookings_outside.is_empty()
    }
}

impl BusinessFile {
    /// The file as the store keeps it, so a file and an export compare equal when importing
    /// the file would change nothing: trimmed names, upper-case region, numbers in E.164
    /// without repeats, each service's branch named, staff lists without repeats.
    fn normalized(&self) -> EngineResult<BusinessFile> {
        self.validate()?;
        let mut out = self.clone();
        let region = self.company.phone_region.trim().to_ascii_uppercase();
        out.company.name = self.company.name.trim().to_string();
        for b in &mut out.branches {
            let mut phones: Vec<String> = Vec::new();
            for p in &b.phone_numbers {
                let e164 = PhoneNumber::parse(p, &region)
                    .map_err(|e| EngineError::invalid("branches.phone_numbers", e.to_string()))?
                    .into_string();
                if !phones.contains(&e164) {
                    phones.push(e164);
                }
            }
            b.phone_numbers = phones;
        }
        for sv in &mut out.services {
            sv.branch = Some(self.branch_name_for(sv.branch.as_deref())?.to_string());
            let mut staff: Vec<String> = Vec::new();
            for n in &sv.staff {
                if !staff.contains(n) {
                    staff.push(n.clone());
                }
            }
            sv.staff = staff;
        }
        for cu in &mut out.customers {
            cu.phone = PhoneNumber::parse(&cu.phone, &region)
                .map_err(|e| EngineError::InvalidPhone(e.to_string()))?
                .into_string();
        }
        out.company.phone_region = region;
        Ok(out)
    }

    /// Writes the file as TOML or YAML (`ext`), with a first comment line.
    pub fn to_text(&self, ext: &str) -> EngineResult<String> {
        let header = format!(
            "# {} ({}), written by `frontdesk export`. Importing it again changes nothing;\n# edit it and run `frontdesk import --check FILE`, then `frontdesk import FILE`.\n",
            self.company.name, self.company.slug
        );
        let body = match ext {
            "toml" => toml::to_string(self).map_err(|e| EngineError::Internal(e.to_string()))?,
            "yaml" | "yml" => {
                serde_yaml_ng::to_string(self).map_err(|e| EngineError::Internal(e.to_string()))?
            }
            other => {
                return Err(EngineError::invalid(
                    "format",
                    format!("{other:?}: use toml or yaml"),
                ));
            }
        };
        Ok(format!("{header}{body}"))
    }
}

impl Engine {
    /// The company's business file as it stands: company, branches, staff and services that
    /// are not retired. Customers, members and bookings are records, not the business's
    /// definition, and are left out (an import never removes them); so are the voice-platform
    /// credentials (stored encrypted or hashed). Importing the export changes nothing.
    pub async fn export_business(&self, company_id: CompanyId) -> EngineResult<BusinessFile> {
        let company = self.company(company_id).await?;
        let branches = self.store.list_branches(company_id).await?;
        let staff = self.store.list_staff(company_id).await?;
        let services = self.store.list_services(company_id).await?;
        let branch_name = |id: i64| branches.iter().find(|b| b.id == id).map(|b| b.name.clone());
        Ok(BusinessFile {
            company: CompanyDef {
                slug: company.slug,
                name: company.name,
                time_zone: company.time_zone,
                language: company.language,
                phone_region: company.phone_region,
                address: company.address,
                policy: company.policy,
                retell_api_key: None,
                vapi_secret: None,
                messaging: company.messaging,
                twilio_auth_token: None,
            },
            branches: branches
                .iter()
                .filter(|b| !b.retired)
                .map(|b| BranchDef {
                    name: b.name.clone(),
                    time_zone: b.time_zone.clone(),
                    address: b.address.clone(),
                    phone_numbers: b.phone_numbers.clone(),
                    exceptions: b.exceptions.clone(),
                })
                .collect(),
            staff: staff
                .iter()
                .filter(|st| !st.retired)
                .map(|st| StaffDef {
                    name: st.name.clone(),
                    branch: st.branch_id.and_then(branch_name),
                    active: st.active,
                })
                .collect(),
            services: services
                .iter()
                .filter(|sv| !sv.retired)
                .map(|sv| ServiceDef {
                    code: sv.code.clone(),
                    name: sv.name.clone(),
                    branch: branch_name(sv.branch_id),
                    description: sv.description.clone(),
                    duration_minutes: sv.duration_minutes,
                    capacity: sv.capacity,
                    buffer_before_minutes: sv.buffer_before_minutes,
                    buffer_after_minutes: sv.buffer_after_minutes,
                    price_cents: sv.price_cents,
                    currency: sv.currency.clone(),
                    attributes: sv.attributes.clone(),
                    schedule: sv.schedule.clone(),
                    exceptions: sv.exceptions.clone(),
                    staff: sv
                        .staff_ids
                        .iter()
                        .filter_map(|id| staff.iter().find(|st| st.id == *id && !st.retired))
                        .map(|st| st.name.clone())
                        .collect(),
                    active: sv.active,
                })
                .collect(),
            customers: Vec::new(),
            webhooks: self
                .store
                .list_webhook_endpoints(company_id)
                .await?
                .into_iter()
                .filter(|w| w.disabled_at.is_none())
                .map(|w| WebhookDef {
                    url: w.url,
                    events: w.events,
                    secret: None,
                })
                .collect(),
        })
    }

    /// What importing `file` would change, and the confirmed bookings still to start that it
    /// would leave outside the schedule. Writes nothing; a file that does not validate is
    /// refused as the import would refuse it.
    pub async fn plan_import(&self, file: &BusinessFile) -> EngineResult<ImportPlan> {
        let after = file.normalized()?;
        let mut plan = ImportPlan {
            slug: after.company.slug.clone(),
            spoken: SpokenLanguage::of(&after.company.language),
            ..ImportPlan::default()
        };
        let c = &after.company;
        if c.retell_api_key.is_some() {
            plan.credentials.push("retell_api_key".into());
        }
        if c.vapi_secret.is_some() {
            plan.credentials.push("vapi_secret".into());
        }
        let company = match self.store.get_company_by_slug(&c.slug).await {
            Ok(company) => company,
            Err(StoreError::NotFound) => {
                plan.new_company = true;
                plan.branches.added = after.branches.iter().map(|b| b.name.clone()).collect();
                plan.staff.added = after.staff.iter().map(|s| s.name.clone()).collect();
                plan.services.added = after.services.iter().map(|s| s.code.clone()).collect();
                plan.customers.added = after.customers.iter().map(|s| s.phone.clone()).collect();
                return Ok(plan);
            }
            Err(e) => return Err(e.into()),
        };
        let before = self.export_business(company.id).await?;
        let b = &before.company;
        for (field, differs) in [
            ("name", b.name != c.name),
            ("time_zone", b.time_zone != c.time_zone),
            ("language", b.language != c.language),
            ("phone_region", b.phone_region != c.phone_region),
            ("address", b.address != c.address),
            ("policy", b.policy != c.policy),
        ] {
            if differs {
                plan.company_changed.push(field.into());
            }
        }
        let keyed_branches = |f: &BusinessFile| -> Vec<(String, BranchDef)> {
            f.branches
                .iter()
                .map(|d| (d.name.clone(), d.clone()))
                .collect()
        };
        let keyed_staff = |f: &BusinessFile| -> Vec<(String, StaffDef)> {
            f.staff
                .iter()
                .map(|d| (d.name.clone(), d.clone()))
                .collect()
        };
        let keyed_services = |f: &BusinessFile| -> Vec<(String, ServiceDef)> {
            f.services
                .iter()
                .map(|d| (d.code.clone(), d.clone()))
                .collect()
        };
        plan.branches = Changes::of(&keyed_branches(&before), &keyed_branches(&after));
        plan.staff = Changes::of(&keyed_staff(&before), &keyed_staff(&after));
        plan.services = Changes::of(&keyed_services(&before), &keyed_services(&after));
        for new in &after.branches {
            if let Some(old) = before.branches.iter().find(|o| o.name == new.name)
                && old.exceptions != new.exceptions
            {
                plan.hours_changed
                    .push(format!("branch {}: closures and special days", new.name));
            }
        }
        for new in &after.services {
            if let Some(old) = before.services.iter().find(|o| o.code == new.code) {
                if old.schedule != new.schedule {
                    plan.hours_changed
                        .push(format!("service {}: hours", new.code));
                }
                if old.exceptions != new.exceptions {
                    plan.hours_changed
                        .push(format!("service {}: closures and special days", new.code));
                }
            }
        }
        plan.customers = self.customer_changes(company.id, &after).await?;
        plan.bookings_outside = self.bookings_outside(&company, &before, &after).await?;
        Ok(plan)
    }

    /// Customers of the file that are new, or whose details or members differ.
    async fn customer_changes(
        &self,
        company_id: CompanyId,
        file: &BusinessFile,
    ) -> EngineResult<Changes> {
        let mut out = Changes::default();
        for cu in &file.customers {
            let existing = match self
                .store
                .find_customer_by_phone(company_id, &cu.phone)
                .await
            {
                Ok(c) => c,
                Err(StoreError::NotFound) => {
                    out.added.push(cu.phone.clone());
                    continue;
                }
                Err(e) => return Err(e.into()),
            };
            let members = self.store.list_members(company_id, existing.id).await?;
            let mut differs = existing.name != cu.name
                || existing.email != cu.email
                || existing.has_linked_account != cu.has_linked_account;
            for m in &cu.members {
                let found = members
                    .iter()
                    .find(|e| m.id.map_or(e.name == m.name, |id| e.id == id));
                differs |= !found.is_some_and(|e| {
                    e.name == m.name
                        && e.level == m.level
                        && e.max_active_bookings == m.max_active_bookings
                        && e.relationship == m.relationship
                });
            }
            if differs {
                out.changed.push(cu.phone.clone());
            }
        }
        Ok(out)
    }

    /// Confirmed bookings still to start whose service, branch or staff member the file
    /// retires, or whose start its hours and closures no longer hold.
    async fn bookings_outside(
        &self,
        company: &Company,
        before: &BusinessFile,
        after: &BusinessFile,
    ) -> EngineResult<Vec<BookingOutside>> {
        let now = self.now();
        let bookings = self
            .store
            .list_bookings(&BookingQuery {
                company_id: company.id,
                statuses: vec![BookingStatus::Confirmed],
                ends_after: Some(now),
                limit: i64::from(i32::MAX),
                ..BookingQuery::default()
            })
            .await?;
        let services = self.store.list_services(company.id).await?;
        let staff = self.store.list_staff(company.id).await?;
        let branches = self.store.list_branches(company.id).await?;
        let zone = |branch: Option<&BranchDef>, company_tz: &str| {
            let name = branch
                .and_then(|b| b.time_zone.clone())
                .unwrap_or_else(|| company_tz.to_string());
            jiff::tz::TimeZone::get(&name)
                .map_err(|_| EngineError::Internal(format!("unknown time zone {name:?}")))
        };
        let mut out = Vec::new();
        for booking in bookings.into_iter().filter(|b| b.starts_at > now) {
            let Some(service) = services.iter().find(|s| s.id == booking.service_id) else {
                continue;
            };
            let old_branch = branches.iter().find(|b| b.id == booking.branch_id);
            let new_def = after.services.iter().find(|d| d.code == service.code);
            let old_def = before.services.iter().find(|d| d.code == service.code);
            let new_branch =
                old_branch.and_then(|b| after.branches.iter().find(|d| d.name == b.name));
            let old_branch_def =
                old_branch.and_then(|b| before.branches.iter().find(|d| d.name == b.name));
            let staff_name = booking
                .staff_id
                .and_then(|id| staff.iter().find(|s| s.id == id))
                .map(|s| s.name.clone());
            let tz_before = zone(old_branch_def, &before.company.time_zone)?;
            let reason = if service.retired {
                // Retired before this file: not this import's doing.
                None
            } else if new_def.is_none() {
                Some("service retired".to_string())
            } else if old_branch.is_some_and(|b| !b.retired) && new_branch.is_none() {
                Some("branch retired".to_string())
            } else if staff_name
                .as_ref()
                .is_some_and(|n| !after.staff.iter().any(|d| &d.name == n))
            {
                Some(format!(
                    "staff member {} retired",
                    staff_name.as_deref().unwrap_or_default()
                ))
            } else if let Some(def) = new_def {
                let branch_def = after
                    .branches
                    .iter()
                    .find(|d| Some(&d.name) == def.branch.as_ref());
                let tz = zone(branch_def, &after.company.time_zone)?;
                let unchanged = old_def == Some(def)
                    && old_branch_def.map(|b| (&b.exceptions, &b.time_zone))
                        == branch_def.map(|b| (&b.exceptions, &b.time_zone))
                    && before.company.time_zone == after.company.time_zone;
                let local = booking.starts_at.to_zoned(tz);
                let mut exceptions = def.exceptions.clone();
                if let Some(b) = branch_def {
                    exceptions.extend(b.exceptions.iter().cloned());
                }
                let held = def
                    .schedule
                    .start_times_on(local.date(), def.duration_minutes, &exceptions)
                    .contains(&local.time());
                (!unchanged && !held).then(|| "outside the new hours or closures".to_string())
            } else {
                None
            };
            if let Some(reason) = reason {
                out.push(BookingOutside {
                    booking_id: booking.id,
                    voucher_code: booking.voucher_code.clone(),
                    service: service.code.clone(),
                    starts: booking
                        .starts_at
                        .to_zoned(tz_before)
                        .strftime("%Y-%m-%d %H:%M")
                        .to_string(),
                    reason,
                });
            }
        }
        Ok(out)
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

    #[test]
    fn a_file_with_control_or_bidi_characters_is_refused_and_says_where() {
        let text = WITH_CREDENTIALS.replace("name = \"Main\"", "name = \"Ma\u{202E}in\"");
        let file = BusinessFile::parse(&text, "toml").expect("parses");
        match file.validate() {
            Err(EngineError::UnsafeText { field, message }) => {
                assert_eq!(field, "file");
                assert!(message.starts_with("branches[0].name "), "{message}");
                assert!(message.contains("U+202E"), "{message}");
            }
            other => panic!("refused, not {other:?}"),
        }
        let nul = WITH_CREDENTIALS.replace("name = \"Clinic\"", "name = \"Cli\\u0000nic\"");
        let file = BusinessFile::parse(&nul, "toml").expect("parses");
        assert!(matches!(
            file.validate(),
            Err(EngineError::UnsafeText { .. })
        ));
        let plain = BusinessFile::parse(WITH_CREDENTIALS, "toml").expect("parses");
        assert!(plain.validate().is_ok());
    }

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
