//! A company's catalogue as one use case needs it: the company, its branches and services,
//! with time zones resolved and services found by what a caller calls them.
//!
//! Loading it costs four queries and the parsing of every schedule, and nearly every tool
//! call needs it, so [`CatalogCache`] keeps each company's catalogue for a few seconds. An
//! import through this engine drops the company's entry at once; a change made by another
//! process (`frontdesk import` beside a running server, another instance) is seen within the
//! cache's time to live ([`CATALOG_TTL`]).

use crate::error::{EngineError, EngineResult, NotFoundAs};
use crate::text::{fold, same};
use frontdesk_domain::schedule::DateException;
use frontdesk_domain::{BranchId, CompanyId, ServiceId};
use frontdesk_store::{Branch, Company, DynStore, Service, Staff};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a loaded catalogue is served before it is read again.
pub const CATALOG_TTL: Duration = Duration::from_secs(5);

/// Each company's catalogue as last loaded, for [`CATALOG_TTL`]. Shared by the clones of an
/// engine.
pub(crate) struct CatalogCache {
    ttl: Duration,
    /// Bumped by every invalidation: a load that started before one is not kept.
    generation: AtomicU64,
    entries: Mutex<HashMap<CompanyId, (Instant, Arc<Catalog>)>>,
    /// One load at a time: requests that miss together wait for it (in arrival order)
    /// instead of each reading the same catalogue.
    loading: tokio::sync::Mutex<()>,
}

impl CatalogCache {
    pub fn new(ttl: Duration) -> Self {
        CatalogCache {
            ttl,
            generation: AtomicU64::new(0),
            entries: Mutex::new(HashMap::new()),
            loading: tokio::sync::Mutex::new(()),
        }
    }

    fn fresh(&self, company_id: CompanyId) -> Option<Arc<Catalog>> {
        let entries = self.lock();
        let (at, catalog) = entries.get(&company_id)?;
        (at.elapsed() < self.ttl).then(|| catalog.clone())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<CompanyId, (Instant, Arc<Catalog>)>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The company's catalogue: the cached one while fresh, else loaded from the store.
    pub async fn get(&self, store: &DynStore, company_id: CompanyId) -> EngineResult<Arc<Catalog>> {
        if self.ttl.is_zero() {
            return Ok(Arc::new(Catalog::load(store, company_id).await?));
        }
        if let Some(catalog) = self.fresh(company_id) {
            return Ok(catalog);
        }
        let _loading = self.loading.lock().await;
        if let Some(catalog) = self.fresh(company_id) {
            return Ok(catalog);
        }
        let generation = self.generation.load(Ordering::Acquire);
        let loaded_at = Instant::now();
        let catalog = Arc::new(Catalog::load(store, company_id).await?);
        let mut entries = self.lock();
        if self.generation.load(Ordering::Acquire) == generation {
            entries.insert(company_id, (loaded_at, catalog.clone()));
        }
        Ok(catalog)
    }

    /// Forgets a company's catalogue (it was just changed through this engine).
    pub fn invalidate(&self, company_id: CompanyId) {
        let mut entries = self.lock();
        self.generation.fetch_add(1, Ordering::AcqRel);
        entries.remove(&company_id);
    }
}

/// Drops a company's cached catalogue when it goes out of scope: at the end of a change,
/// whether it succeeded or not.
pub(crate) struct Changed<'a> {
    engine: &'a crate::Engine,
    company_id: CompanyId,
}

impl<'a> Changed<'a> {
    pub fn new(engine: &'a crate::Engine, company_id: CompanyId) -> Self {
        engine.catalog_changed(company_id);
        Changed { engine, company_id }
    }
}

impl Drop for Changed<'_> {
    fn drop(&mut self) {
        self.engine.catalog_changed(self.company_id);
    }
}

pub(crate) struct Catalog {
    pub company: Company,
    pub company_tz: TimeZone,
    pub branches: Vec<Branch>,
    pub services: Vec<Service>,
    pub staff: Vec<Staff>,
    /// The company's webhook endpoints (removed ones included; see `WebhookEndpoint::wants`).
    pub webhooks: Vec<frontdesk_store::WebhookEndpoint>,
}

impl Catalog {
    pub async fn load(store: &DynStore, company_id: CompanyId) -> EngineResult<Catalog> {
        let company = store
            .get_company(company_id)
            .await
            .or_not_found("company")?;
        let company_tz = time_zone(&company.time_zone)?;
        let (branches, services, staff, webhooks) = (
            store.list_branches(company_id).await?,
            store.list_services(company_id).await?,
            store.list_staff(company_id).await?,
            store.list_webhook_endpoints(company_id).await?,
        );
        Ok(Catalog {
            company,
            company_tz,
            branches,
            services,
            staff,
            webhooks,
        })
    }

    pub fn branch(&self, id: BranchId) -> Option<&Branch> {
        self.branches.iter().find(|b| b.id == id)
    }

    /// The time zone a branch's local times are in.
    pub fn tz(&self, branch_id: BranchId) -> TimeZone {
        self.branch(branch_id)
            .and_then(|b| b.time_zone.as_deref())
            .and_then(|name| TimeZone::get(name).ok())
            .unwrap_or_else(|| self.company_tz.clone())
    }

    /// Today's date at the branch.
    pub fn today(&self, branch_id: BranchId, now: Timestamp) -> Date {
        now.to_zoned(self.tz(branch_id)).date()
    }

    pub fn exceptions_for(&self, service: &Service) -> Vec<DateException> {
        let mut all = service.exceptions.clone();
        if let Some(branch) = self.branch(service.branch_id) {
            all.extend(branch.exceptions.iter().cloned());
        }
        all
    }

    pub fn service_by_id(&self, id: ServiceId) -> EngineResult<&Service> {
        self.services
            .iter()
            .find(|s| s.id == id && s.active)
            .ok_or(EngineError::NotFound { what: "service" })
    }

    /// Finds the one active service a caller means: by code, by name, or by a unique partial
    /// match on either. Several matches ask the caller to choose.
    pub fn service_by_name(&self, wanted: &str) -> EngineResult<&Service> {
        let active = || self.services.iter().filter(|s| s.active);
        if let Some(s) = active().find(|s| same(&s.code, wanted) || same(&s.name, wanted)) {
            return Ok(s);
        }
        let needle = fold(wanted);
        if needle.is_empty() {
            return Err(EngineError::invalid("service", "the service name is empty"));
        }
        let partial: Vec<&Service> = active()
            .filter(|s| fold(&s.name).contains(&needle) || fold(&s.code).contains(&needle))
            .collect();
        match partial.as_slice() {
            [one] => Ok(one),
            [] => Err(EngineError::choose(
                "service",
                format!(
                    "there is no service called {wanted:?}; services are: {}",
                    self.service_names().join(", ")
                ),
                self.service_names(),
            )),
            many => Err(EngineError::choose(
                "service",
                format!(
                    "{wanted:?} matches several services, say which one: {}",
                    many.iter()
                        .map(|s| s.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                many.iter().map(|s| s.name.as_str()),
            )),
        }
    }

    pub fn service_names(&self) -> Vec<&str> {
        self.services
            .iter()
            .filter(|s| s.active)
            .map(|s| s.name.as_str())
            .collect()
    }

    pub fn staff_name(&self, id: i64) -> Option<&str> {
        self.staff
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.name.as_str())
    }
}

pub(crate) fn time_zone(name: &str) -> EngineResult<TimeZone> {
    TimeZone::get(name).map_err(|_| EngineError::Internal(format!("unknown time zone {name:?}")))
}
