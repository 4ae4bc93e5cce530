//! Places taken and staff busy in an availability window, kept for a moment.
//!
//! Every availability answer reads the confirmed bookings of its window: one query per call,
//! the only one left on the hot path once the catalogue and the session are cached. Callers
//! of one business ask about the same few days, so [`UsageCache`] keeps each window's usage
//! for [`USAGE_TTL`]. Any booking, cancellation or reschedule through this engine drops the
//! company's windows at once, before and after its write (a read that began before the write
//! is not kept), so this instance never shows its own bookings late. A booking made by
//! another instance is shown within the time to live. Only what is *shown* can lag: a booking
//! always checks capacity in the database under its lock.

use frontdesk_domain::{CompanyId, ServiceId, StaffId};
use frontdesk_store::BusyInterval;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a window's usage is shown without reading it again.
pub const USAGE_TTL: Duration = Duration::from_secs(1);
/// Entries past which stale ones are swept out.
const SWEEP_AT: usize = 1024;

/// One availability window: the services and staff it covers and its time span (seconds).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Window {
    pub company_id: CompanyId,
    pub services: Vec<ServiceId>,
    pub staff: Vec<StaffId>,
    pub from: i64,
    pub to: i64,
}

/// What the bookings of a window take.
#[derive(Debug, Default)]
pub(crate) struct Usage {
    /// Confirmed bookings per (group service, start second).
    pub taken: HashMap<(ServiceId, i64), i64>,
    /// Confirmed bookings of the window's staff (widened by the longest buffer).
    pub busy: Vec<BusyInterval>,
}

pub(crate) struct UsageCache {
    ttl: Duration,
    /// Bumped by every change: a read that began before one is not kept.
    generation: AtomicU64,
    entries: Mutex<HashMap<Window, (Instant, Arc<Usage>)>>,
}

impl UsageCache {
    pub fn new(ttl: Duration) -> Self {
        UsageCache {
            ttl,
            generation: AtomicU64::new(0),
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Window, (Instant, Arc<Usage>)>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The window's usage if read less than the time to live ago.
    pub fn get(&self, window: &Window) -> Option<Arc<Usage>> {
        let entries = self.lock();
        let (at, usage) = entries.get(window)?;
        (at.elapsed() < self.ttl).then(|| usage.clone())
    }

    /// The generation to pass to [`UsageCache::put`] for a read starting now.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Keeps a window's usage read at `read_at`, unless a change happened since the read began.
    pub fn put(&self, generation: u64, read_at: Instant, window: Window, usage: Arc<Usage>) {
        if self.ttl.is_zero() {
            return;
        }
        let mut entries = self.lock();
        if self.generation() != generation {
            return;
        }
        if entries.len() >= SWEEP_AT {
            let ttl = self.ttl;
            entries.retain(|_, (at, _)| at.elapsed() < ttl);
        }
        entries.insert(window, (read_at, usage));
    }

    /// Forgets every window of a company (its bookings changed through this engine).
    pub fn invalidate(&self, company_id: CompanyId) {
        let mut entries = self.lock();
        self.generation.fetch_add(1, Ordering::AcqRel);
        entries.retain(|w, _| w.company_id != company_id);
    }
}

/// Drops a company's cached usage now and again when it goes out of scope: around a booking
/// write, whether it succeeded or not.
pub(crate) struct BookingsChanging<'a> {
    cache: &'a UsageCache,
    company_id: CompanyId,
}

impl<'a> BookingsChanging<'a> {
    pub fn new(cache: &'a UsageCache, company_id: CompanyId) -> Self {
        cache.invalidate(company_id);
        BookingsChanging { cache, company_id }
    }
}

impl Drop for BookingsChanging<'_> {
    fn drop(&mut self) {
        self.cache.invalidate(self.company_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(company: i64, from: i64) -> Window {
        Window {
            company_id: CompanyId::from(company),
            services: vec![ServiceId::from(1)],
            staff: Vec::new(),
            from,
            to: from + 86_400,
        }
    }

    fn usage(taken: i64) -> Arc<Usage> {
        let mut u = Usage::default();
        u.taken.insert((ServiceId::from(1), 0), taken);
        Arc::new(u)
    }

    #[test]
    fn a_change_drops_the_company_windows_and_no_older_read_comes_back() {
        let cache = UsageCache::new(Duration::from_secs(60));
        let g = cache.generation();
        cache.put(g, Instant::now(), window(1, 0), usage(3));
        cache.put(g, Instant::now(), window(2, 0), usage(4));
        assert!(cache.get(&window(1, 0)).is_some());

        // A read that began before the change ends after it: not kept.
        let before = cache.generation();
        let changing = BookingsChanging::new(&cache, CompanyId::from(1));
        assert!(cache.get(&window(1, 0)).is_none(), "dropped at once");
        assert!(cache.get(&window(2, 0)).is_some(), "other companies kept");
        drop(changing);
        cache.put(before, Instant::now(), window(1, 0), usage(3));
        assert!(
            cache.get(&window(1, 0)).is_none(),
            "a read older than the change"
        );

        let after = cache.generation();
        cache.put(after, Instant::now(), window(1, 0), usage(5));
        assert_eq!(cache.get(&window(1, 0)).expect("kept").taken.len(), 1);
    }

    #[test]
    fn entries_expire_and_a_zero_ttl_keeps_nothing() {
        let cache = UsageCache::new(Duration::from_millis(20));
        let read_at = Instant::now() - Duration::from_millis(30);
        cache.put(cache.generation(), read_at, window(1, 0), usage(1));
        assert!(cache.get(&window(1, 0)).is_none());

        let off = UsageCache::new(Duration::ZERO);
        off.put(off.generation(), Instant::now(), window(1, 0), usage(1));
        assert!(off.get(&window(1, 0)).is_none());
    }
}
