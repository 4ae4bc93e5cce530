//! frontdesk-engine: the booking use cases, over the `Store` trait.
//!
//! Availability, book, cancel, reschedule, members and preferences, API keys, business import
//! and the demo businesses. Every surface (MCP, gateway, Retell, Vapi, CLI) calls these, so a
//! rule holds the same whichever way a call comes in. The engine decides the rules (which
//! slots exist, notice, window, quota, cancellation policy) and hands the limits that must
//! hold atomically to the store. It must not depend on a database driver or on any adapter.

mod agents;
pub mod appointments;
pub mod availability;
pub mod booking;
pub mod business;
pub mod calendar;
pub mod caller;
pub mod calls;
mod catalog;
pub mod clock;
pub mod credentials;
pub mod demo;
pub mod desk;
pub mod error;
mod health;
pub mod import;
pub mod keys;
pub mod members;
pub mod messages;
pub mod notifications;
pub mod operators;
pub mod prompts;
pub mod sessions;
pub mod settings;
mod text;
mod usage;
pub mod waitlist;
pub mod webhooks;

pub use availability::{Availability, AvailabilityQuery, Slot};
pub use booking::{
    BookRequest, BookingRef, BookingScope, BookingView, CancelResult, RescheduleRequest,
    RescheduleResult,
};
pub use business::BusinessInfo;
pub use caller::Caller;
pub use clock::{Clock, FixedClock, SystemClock};
pub use error::{EngineError, EngineResult};

use catalog::{CATALOG_TTL, Catalog, CatalogCache};
use frontdesk_domain::CompanyId;
use frontdesk_store::DynStore;
use std::sync::Arc;
use std::time::Duration;

/// The booking engine: cheap to clone, shared by every adapter.
#[derive(Clone)]
pub struct Engine {
    store: DynStore,
    clock: Arc<dyn Clock>,
    /// Encrypts stored secrets (the Retell API key); `None` until [`Engine::with_secret_key`].
    secrets: Option<Arc<credentials::SecretBox>>,
    /// Each company's catalogue for a few seconds (see [`catalog::CATALOG_TTL`]).
    catalogs: Arc<CatalogCache>,
    /// Live sessions of known callers for a moment (see [`sessions::SESSION_CACHE_TTL`]).
    sessions: Arc<sessions::SessionCache>,
    /// Places taken per availability window for a moment (see [`usage::USAGE_TTL`]).
    usage: Arc<usage::UsageCache>,
    /// Rung when a change queued messages, so this process's delivery worker sends them at
    /// once instead of at its next poll.
    outbox: Arc<tokio::sync::Notify>,
    /// Webhook endpoints may be loopback or private addresses (development, tests).
    private_webhook_targets: bool,
}

impl Engine {
    pub fn new(store: DynStore) -> Self {
        Engine {
            store,
            clock: Arc::new(SystemClock),
            secrets: None,
            catalogs: Arc::new(CatalogCache::new(CATALOG_TTL)),
            sessions: Arc::new(sessions::SessionCache::new(sessions::SESSION_CACHE_TTL)),
            usage: Arc::new(usage::UsageCache::new(usage::USAGE_TTL)),
            outbox: Arc::new(tokio::sync::Notify::new()),
            private_webhook_targets: false,
        }
    }

    /// An engine whose idea of "now" comes from `clock` (tests pin it).
    pub fn with_clock(store: DynStore, clock: Arc<dyn Clock>) -> Self {
        Engine {
            store,
            clock,
            secrets: None,
            catalogs: Arc::new(CatalogCache::new(CATALOG_TTL)),
            sessions: Arc::new(sessions::SessionCache::new(sessions::SESSION_CACHE_TTL)),
            usage: Arc::new(usage::UsageCache::new(usage::USAGE_TTL)),
            outbox: Arc::new(tokio::sync::Notify::new()),
            private_webhook_targets: false,
        }
    }

    /// The engine with the operator's 32-byte key for secrets stored encrypted at rest.
    pub fn with_secret_key(mut self, key: [u8; 32]) -> Self {
        self.secrets = Some(Arc::new(credentials::SecretBox::new(key)));
        self
    }

    /// Whether webhook endpoints may be loopback, private or link-local addresses
    /// (`allow_private_webhook_targets`: development and tests). Cloud metadata, multicast
    /// and unspecified addresses are refused whatever this says.
    pub fn with_private_webhook_targets(mut self, allow: bool) -> Self {
        self.private_webhook_targets = allow;
        self
    }

    /// How long a company's catalogue (company, branches, services, staff) is served from
    /// memory before it is read again; zero reads it on every use. Changes made through this
    /// engine are seen at once whatever the value; changes made by another process within it.
    pub fn with_catalog_ttl(mut self, ttl: Duration) -> Self {
        self.catalogs = Arc::new(CatalogCache::new(ttl));
        self
    }

    /// How long a looked-up caller session is trusted without reading it again; zero reads
    /// it on every request. A logout through this engine is seen at once whatever the value;
    /// one through another instance within it.
    pub fn with_session_cache_ttl(mut self, ttl: Duration) -> Self {
        self.sessions = Arc::new(sessions::SessionCache::new(ttl));
        self
    }

    /// How long the places taken in an availability window are shown without reading them
    /// again; zero reads them on every query. Bookings through this engine are shown at once
    /// whatever the value; another instance's within it.
    pub fn with_usage_ttl(mut self, ttl: Duration) -> Self {
        self.usage = Arc::new(usage::UsageCache::new(ttl));
        self
    }

    /// The company's catalogue, from the cache while it is fresh.
    pub(crate) async fn catalog(&self, company_id: CompanyId) -> EngineResult<Arc<Catalog>> {
        self.catalogs.get(&self.store, company_id).await
    }

    /// Drops the cached catalogue of a company changed through this engine.
    pub(crate) fn catalog_changed(&self, company_id: CompanyId) {
        self.catalogs.invalidate(company_id);
    }

    /// Rung whenever a change through this engine queued messages (see the delivery worker).
    pub fn outbox_signal(&self) -> Arc<tokio::sync::Notify> {
        self.outbox.clone()
    }

    pub(crate) fn messages_queued(&self) {
        self.outbox.notify_one();
    }

    /// The store itself, for the engine and for tests that seed or inspect rows directly.
    /// Adapters must not use it: every read and write they need is an engine method, so
    /// the rules stay in one place. It stays `pub` only because the integration tests of
    /// `frontdesk-server` and `frontdesk` (separate crates) seed and inspect rows with it.
    pub fn store(&self) -> &DynStore {
        &self.store
    }

    pub fn now(&self) -> jiff::Timestamp {
        self.clock.now()
    }

    /// Whether the database answers (`/readyz`).
    pub async fn ready(&self) -> EngineResult<()> {
        self.store.ping().await.map_err(EngineError::from)
    }
}
