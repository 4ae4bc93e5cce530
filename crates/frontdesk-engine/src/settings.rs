//! What an owner changes from the console: closed days, policies, and the whole business file
//! (hours, breaks, services, staff). Every change is an edit of the company's business file
//! followed by the same import as `frontdesk import`, so the console and the CLI cannot
//! disagree, and every change can be planned first: the plan lists confirmed bookings the new
//! schedule would leave outside it, before anything is saved.

use crate::Engine;
use crate::error::{EngineError, EngineResult, NotFoundAs};
use crate::import::{BusinessFile, ImportPlan, ImportSummary};
use crate::keys::MintedKey;
use crate::text::plain;
use frontdesk_domain::{ApiKeyId, ApiKeyKind, BookingPolicy, BranchId, CompanyId, DateException};
use frontdesk_store::{ApiKey, RevokedApiKey};
use jiff::civil::Date;
use serde::Serialize;

/// One change to a company's settings.
#[derive(Debug, Clone)]
pub enum SettingsEdit {
    /// Closes the branch for the whole day (a holiday).
    CloseDay {
        branch_id: BranchId,
        date: Date,
        note: Option<String>,
    },
    /// Removes the branch's dated exception of that day.
    ReopenDay { branch_id: BranchId, date: Date },
    /// Replaces the booking policies.
    Policy(BookingPolicy),
    /// Replaces the whole business file (its `slug` must be the company's).
    File(Box<BusinessFile>),
}

/// A branch's dated exception, for the list of closed days.
#[derive(Debug, Clone, Serialize)]
pub struct Closure {
    pub branch_id: BranchId,
    pub branch: String,
    pub exception: DateException,
}

impl Engine {
    /// The company's business file as it is now (what `frontdesk export` prints).
    pub async fn settings_file(&self, company_id: CompanyId) -> EngineResult<BusinessFile> {
        self.export_business(company_id).await
    }

    /// The branches' closed and special days from today on, by date.
    pub async fn closures(&self, company_id: CompanyId) -> EngineResult<Vec<Closure>> {
        let today = self.today(company_id).await?;
        let mut out: Vec<Closure> = self
            .store
            .list_branches(company_id)
            .await?
            .into_iter()
            .filter(|b| !b.retired)
            .flat_map(|b| {
                b.exceptions
                    .iter()
                    .filter(|e| e.date >= today)
                    .map(|e| Closure {
                        branch_id: b.id,
                        branch: b.name.clone(),
                        exception: e.clone(),
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        out.sort_by_key(|c| (c.exception.date, c.branch_id));
        Ok(out)
    }

    /// What saving the edit would change, the bookings it would leave outside the schedule
    /// included; nothing is written.
    pub async fn plan_settings(
        &self,
        company_id: CompanyId,
        edit: SettingsEdit,
    ) -> EngineResult<ImportPlan> {
        let file = self.edited_file(company_id, edit).await?;
        self.plan_import(&file).await
    }

    /// Saves the edit (the import of the edited business file).
    pub async fn save_settings(
        &self,
        company_id: CompanyId,
        edit: SettingsEdit,
    ) -> EngineResult<ImportSummary> {
        let file = self.edited_file(company_id, edit).await?;
        self.import_business(&file).await
    }

    async fn edited_file(
        &self,
        company_id: CompanyId,
        edit: SettingsEdit,
    ) -> EngineResult<BusinessFile> {
        let mut file = self.export_business(company_id).await?;
        match edit {
            SettingsEdit::CloseDay {
                branch_id,
                date,
                note,
            } => {
                if date < self.today(company_id).await? {
                    return Err(EngineError::DatePassed {
                        field: "date",
                        date,
                    });
                }
                let note = note
                    .map(|n| n.trim().chars().take(200).collect::<String>())
                    .filter(|n| !n.is_empty());
                if let Some(note) = &note {
                    plain("reason", note)?;
                }
                let branch = self.branch_def(company_id, &mut file, branch_id).await?;
                branch.exceptions.retain(|e| e.date != date);
                branch.exceptions.push(DateException {
                    date,
                    closed: true,
                    hours: None,
                    times: None,
                    note,
                });
                branch.exceptions.sort_by_key(|e| e.date);
            }
            SettingsEdit::ReopenDay { branch_id, date } => {
                let branch = self.branch_def(company_id, &mut file, branch_id).await?;
                let before = branch.exceptions.len();
                branch.exceptions.retain(|e| e.date != date);
                if branch.exceptions.len() == before {
                    return Err(EngineError::NotFound { what: "closure" });
                }
            }
            SettingsEdit::Policy(policy) => file.company.policy = policy,
            SettingsEdit::File(new) => {
                if new.company.slug != file.company.slug {
                    return Err(EngineError::invalid(
                        "company.slug",
                        format!(
                            "this is the business file of {}: its slug stays {:?}",
                            file.company.name, file.company.slug
                        ),
                    ));
                }
                file = *new;
            }
        }
        Ok(file)
    }

    /// The business file's entry of one of the company's branches.
    async fn branch_def<'f>(
        &self,
        company_id: CompanyId,
        file: &'f mut BusinessFile,
        branch_id: BranchId,
    ) -> EngineResult<&'f mut crate::import::BranchDef> {
        let branch = self
            .store
            .get_branch(company_id, branch_id)
            .await
            .or_not_found("branch")?;
        file.branches
            .iter_mut()
            .find(|b| b.name == branch.name)
            .ok_or(EngineError::NotFound { what: "branch" })
    }

    /// Mints a key of the company (its secret shown once).
    pub async fn desk_create_key(
        &self,
        company_id: CompanyId,
        kind: ApiKeyKind,
        name: &str,
    ) -> EngineResult<MintedKey> {
        let name = name.trim();
        plain("name", name)?;
        let name = (!name.is_empty()).then(|| name.chars().take(100).collect());
        self.create_api_key(company_id, kind, name).await
    }

    /// Revokes one of the company's keys and ends the caller sessions it opened; another
    /// company's key is not found.
    pub async fn desk_revoke_key(
        &self,
        company_id: CompanyId,
        id: ApiKeyId,
    ) -> EngineResult<RevokedApiKey> {
        let keys: Vec<ApiKey> = self.api_keys(company_id).await?;
        if !keys.iter().any(|k| k.id == id) {
            return Err(EngineError::NotFound { what: "api key" });
        }
        self.revoke_api_key_and_sessions(id).await
    }
}

impl Engine {
    /// Whether the company has a Retell API key and a Vapi secret (never the values).
    pub async fn voice_credentials_set(&self, company_id: CompanyId) -> EngineResult<(bool, bool)> {
        let stored = self
            .store
            .get_company_credentials(company_id)
            .await
            .or_not_found("company")?;
        Ok((
            stored.retell_api_key_enc.is_some(),
            stored.vapi_secret_hash.is_some(),
        ))
    }
}

impl Engine {
    /// A business file as an owner pasted it (TOML).
    pub fn parse_settings_file(&self, text: &str) -> EngineResult<BusinessFile> {
        BusinessFile::parse(text, "toml").map_err(|e| EngineError::invalid("file", e.to_string()))
    }

    /// Disables or enables an operator for `acting` (an owner of the company); nobody disables
    /// themselves, so a company never locks out the owner doing it.
    pub async fn desk_set_operator_disabled(
        &self,
        company_id: CompanyId,
        acting: i64,
        id: i64,
        disabled: bool,
    ) -> EngineResult<frontdesk_store::Operator> {
        if disabled && acting == id {
            return Err(EngineError::invalid(
                "operator",
                "you cannot disable yourself",
            ));
        }
        self.set_operator_disabled(company_id, id, disabled).await
    }
}

/// Whose bookings a new calendar feed shows.
#[derive(Debug, Clone, Copy)]
pub enum FeedOf {
    Branch(BranchId),
    Staff(frontdesk_domain::StaffId),
}

impl Engine {
    /// Adds a signed webhook endpoint of the company (its secret returned once).
    pub async fn desk_add_webhook(
        &self,
        company_id: CompanyId,
        url: &str,
        events: &str,
    ) -> EngineResult<crate::webhooks::AddedWebhook> {
        let events: Vec<String> = events
            .split(',')
            .map(|e| e.trim().to_string())
            .filter(|e| !e.is_empty())
            .collect();
        self.add_webhook(company_id, url, &events, None).await
    }

    /// Stops one of the company's endpoints; another company's is not found.
    pub async fn desk_remove_webhook(&self, company_id: CompanyId, id: i64) -> EngineResult<()> {
        if self.webhook(id).await?.company_id != company_id {
            return Err(EngineError::NotFound { what: "webhook" });
        }
        self.remove_webhook(id).await.map(|_| ())
    }

    /// Mints a calendar feed of one of the company's branches or staff members (its token
    /// returned once).
    pub async fn desk_create_feed(
        &self,
        company_id: CompanyId,
        of: FeedOf,
    ) -> EngineResult<crate::calendar::feeds::CreatedFeed> {
        let catalog = self.catalog(company_id).await?;
        let slug = catalog.company.slug.clone();
        match of {
            FeedOf::Branch(id) => {
                let name = catalog
                    .branch(id)
                    .map(|b| b.name.clone())
                    .ok_or(EngineError::NotFound { what: "branch" })?;
                self.create_feed(&slug, crate::calendar::FeedTarget::Branch(&name))
                    .await
            }
            FeedOf::Staff(id) => {
                let name =
                    catalog
                        .staff_name(id)
                        .map(str::to_string)
                        .ok_or(EngineError::NotFound {
                            what: "staff member",
                        })?;
                self.create_feed(&slug, crate::calendar::FeedTarget::Staff(&name))
                    .await
            }
        }
    }

    /// Revokes one of the company's feeds; another company's is not found.
    pub async fn desk_revoke_feed(&self, company_id: CompanyId, id: i64) -> EngineResult<()> {
        let feed = self
            .store
            .get_calendar_feed(id)
            .await
            .or_not_found("calendar feed")?;
        if feed.company_id != company_id {
            return Err(EngineError::NotFound {
                what: "calendar feed",
            });
        }
        self.revoke_feed(id).await.map(|_| ())
    }
}
