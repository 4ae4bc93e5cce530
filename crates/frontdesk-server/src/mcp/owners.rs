//! Which caller session opened each Streamable HTTP session (`Mcp-Session-Id`). A session
//! belongs to the caller session that initialised it: a request for it with another caller's
//! token is answered as if the session did not exist (404), so no caller can post into, read
//! from or end another's session. With Redis the owners are shared
//! ([`crate::cluster::sessions::SharedOwners`]), since a session continues on any instance.

use crate::cluster::sessions::SharedOwners;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Entries past which old ones are swept out.
const SWEEP_AT: usize = 100_000;
/// How long an owner is kept on this instance (as long as a session's shared state).
const KEEP: Duration = Duration::from_secs(24 * 3600);

#[derive(Default)]
pub struct SessionOwners {
    local: Mutex<HashMap<String, (i64, Instant)>>,
    shared: Option<SharedOwners>,
}

impl SessionOwners {
    pub fn shared(shared: SharedOwners) -> Self {
        SessionOwners {
            local: Mutex::default(),
            shared: Some(shared),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (i64, Instant)>> {
        self.local.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records that `caller_session` opened `session_id`.
    pub async fn record(&self, session_id: &str, caller_session: i64) {
        {
            let mut local = self.lock();
            if local.len() >= SWEEP_AT {
                local.retain(|_, (_, at)| at.elapsed() < KEEP);
            }
            local.insert(session_id.to_string(), (caller_session, Instant::now()));
        }
        if let Some(shared) = &self.shared {
            shared.store(session_id, caller_session).await;
        }
    }

    /// The caller session that opened `session_id`, if known here or (with Redis) anywhere.
    pub async fn owner(&self, session_id: &str) -> Option<i64> {
        let local = self.lock().get(session_id).map(|(owner, _)| *owner);
        if local.is_some() {
            return local;
        }
        let shared = self.shared.as_ref()?.load(session_id).await?;
        self.lock()
            .insert(session_id.to_string(), (shared, Instant::now()));
        Some(shared)
    }

    /// Forgets a session that was ended (DELETE).
    pub async fn forget(&self, session_id: &str) {
        self.lock().remove(session_id);
        if let Some(shared) = &self.shared {
            shared.delete(session_id).await;
        }
    }
}
