//! Caller sessions: a voice agent opens one per call with its company's MCP key and the
//! caller's number, then calls tools with the `sess_…` token until it logs out or the session
//! expires. Tokens are stored as SHA-256 hashes, so they survive a restart and any instance
//! can check them, and a leaked database does not leak live tokens.
//!
//! Every MCP request checks its token, so [`SessionCache`] remembers a live session of a
//! known caller for [`SESSION_CACHE_TTL`]. Expiry is checked on every use; a logout through
//! this engine drops the entry at once (and no lookup that began before it can put it back),
//! so this instance refuses a logged-out token immediately. Instances sharing a database
//! tell each other of logouts ([`Engine::forget_cached_session`]) and stop trusting the
//! cache while they cannot hear each other ([`Engine::trust_session_cache`]); without that,
//! another instance could accept a logged-out token for up to the cache's time to live.

use crate::Engine;
use crate::caller::Caller;
use crate::error::{EngineError, EngineResult, NotFoundAs};
use crate::keys::{hash_secret, random_token};
use frontdesk_store::{ApiKey, CallerSession, NewCallerSession, OptionalExt};
use jiff::SignedDuration;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How long a looked-up session of a known caller is trusted without reading it again.
pub const SESSION_CACHE_TTL: Duration = Duration::from_secs(2);
/// Entries past which expired ones are swept out.
const SESSION_CACHE_SWEEP: usize = 4096;

/// Live sessions by token hash, as last read from the store.
pub(crate) struct SessionCache {
    ttl: Duration,
    /// Bumped by every logout: a lookup that began before one does not store its answer.
    generation: AtomicU64,
    /// Off while logouts elsewhere might go unheard: every lookup then reads the store.
    trusted: AtomicBool,
    entries: Mutex<HashMap<String, (Instant, CallerSession)>>,
}

impl SessionCache {
    pub fn new(ttl: Duration) -> Self {
        SessionCache {
            ttl,
            generation: AtomicU64::new(0),
            trusted: AtomicBool::new(true),
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Instant, CallerSession)>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn get(&self, token_hash: &str) -> Option<CallerSession> {
        if !self.trusted.load(Ordering::Acquire) {
            return None;
        }
        let entries = self.lock();
        let (at, session) = entries.get(token_hash)?;
        (at.elapsed() < self.ttl).then(|| session.clone())
    }

    fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    fn put(&self, generation: u64, read_at: Instant, token_hash: &str, session: &CallerSession) {
        if self.ttl.is_zero() {
            return;
        }
        let mut entries = self.lock();
        if self.generation() != generation || !self.trusted.load(Ordering::Acquire) {
            return;
        }
        if entries.len() >= SESSION_CACHE_SWEEP {
            let ttl = self.ttl;
            entries.retain(|_, (at, _)| at.elapsed() < ttl);
        }
        entries.insert(token_hash.to_string(), (read_at, session.clone()));
    }

    fn forget(&self, token_hash: &str) {
        let mut entries = self.lock();
        self.generation.fetch_add(1, Ordering::AcqRel);
        entries.remove(token_hash);
    }

    /// Turning trust off forgets everything: what was cached may have been logged out since.
    fn set_trusted(&self, trusted: bool) {
        let mut entries = self.lock();
        self.generation.fetch_add(1, Ordering::AcqRel);
        self.trusted.store(trusted, Ordering::Release);
        entries.clear();
    }
}

/// The caller as the integration guide shows them in `user`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SessionUser {
    pub phone: String,
    pub name: Option<String>,
    pub has_beyond_token: bool,
    pub member_ids: Vec<i64>,
}

#[derive(Debug, Clone)]
pub struct OpenedSession {
    /// `sess_` and 48 random alphanumerics (about 285 bits); shown once.
    pub token: String,
    pub session: CallerSession,
    pub user: SessionUser,
    pub caller: Caller,
}

/// A live session found by its token.
#[derive(Debug, Clone)]
pub struct ActiveSession {
    pub session: CallerSession,
    pub caller: Caller,
    pub token_hash: String,
}

impl Engine {
    /// Opens a session with `key` (an MCP key, already verified: it decides the company) for
    /// `caller_id` (normalised in the company's region). A number the company does not know
    /// still gets a session, as an anonymous caller. Revoking the key ends the session.
    pub async fn open_session(
        &self,
        key: &ApiKey,
        caller_id: &str,
        ttl: SignedDuration,
    ) -> EngineResult<OpenedSession> {
        let company_id = key.company_id;
        let identified = self.identify(company_id, caller_id).await?;
        let token = format!("sess_{}", random_token(48));
        let now = self.now();
        let session = self
            .store
            .create_caller_session(NewCallerSession {
                company_id,
                api_key_id: Some(key.id),
                token_hash: hash_secret(&token),
                phone: identified.phone.as_str().to_string(),
                customer_id: identified.customer.as_ref().map(|c| c.id),
                now,
                expires_at: now.saturating_add(ttl).unwrap_or(now),
            })
            .await?;
        let user = SessionUser {
            phone: identified.phone.as_str().to_string(),
            name: identified.customer.as_ref().and_then(|c| c.name.clone()),
            has_beyond_token: identified
                .customer
                .as_ref()
                .is_some_and(|c| c.has_linked_account),
            member_ids: identified.members.iter().map(|m| m.id).collect(),
        };
        Ok(OpenedSession {
            token,
            session,
            user,
            caller: identified.caller,
        })
    }

    /// The session a token opens, if it is neither expired nor logged out. A caller who
    /// registered during the call is recognised from then on.
    pub async fn session(&self, token: &str) -> EngineResult<ActiveSession> {
        self.lookup_session(token, false).await
    }

    /// [`Engine::session`] for a hot path (every Streamable HTTP request): a known caller's
    /// live session may come from [`SessionCache`], read at most [`SESSION_CACHE_TTL`] ago.
    /// Expiry is still checked now, and a logout through this engine is seen at once.
    pub async fn session_cached(&self, token: &str) -> EngineResult<ActiveSession> {
        self.lookup_session(token, true).await
    }

    async fn lookup_session(&self, token: &str, use_cache: bool) -> EngineResult<ActiveSession> {
        let token = token.trim();
        if !token.starts_with("sess_") || token.len() > 200 {
            return Err(EngineError::NotFound { what: "session" });
        }
        let token_hash = hash_secret(token);
        let cached = if use_cache {
            self.sessions.get(&token_hash)
        } else {
            None
        };
        let session = match cached {
            Some(session) => session,
            None => {
                let generation = self.sessions.generation();
                let read_at = Instant::now();
                let session = self
                    .store
                    .find_caller_session(&token_hash)
                    .await
                    .or_not_found("session")?;
                // Only a known caller's live session: an unknown caller is looked up again on
                // every request, so a registration during the call is seen at once.
                if use_cache
                    && session.revoked_at.is_none()
                    && session.expires_at > self.now()
                    && session.customer_id.is_some()
                {
                    self.sessions
                        .put(generation, read_at, &token_hash, &session);
                }
                session
            }
        };
        if session.revoked_at.is_some() || session.expires_at <= self.now() {
            return Err(EngineError::NotFound { what: "session" });
        }
        let customer_id = match session.customer_id {
            Some(id) => Some(id),
            None => self
                .store
                .find_customer_by_phone(session.company_id, &session.phone)
                .await
                .optional()?
                .map(|c| c.id),
        };
        let caller = Caller {
            company_id: session.company_id,
            phone: Some(session.phone.clone()),
            customer_id,
        };
        Ok(ActiveSession {
            session,
            caller,
            token_hash,
        })
    }

    /// The `user` object of a live session, read fresh from the database.
    pub async fn session_user(&self, active: &ActiveSession) -> EngineResult<SessionUser> {
        let identified = self
            .identify(active.session.company_id, &active.session.phone)
            .await?;
        Ok(SessionUser {
            phone: identified.phone.as_str().to_string(),
            name: identified.customer.as_ref().and_then(|c| c.name.clone()),
            has_beyond_token: identified
                .customer
                .as_ref()
                .is_some_and(|c| c.has_linked_account),
            member_ids: identified.members.iter().map(|m| m.id).collect(),
        })
    }

    /// Ends a session at once; its token is refused from then on.
    pub async fn close_session(&self, active: &ActiveSession) -> EngineResult<()> {
        self.sessions.forget(&active.token_hash);
        let _forget_again = ForgetOnDrop(self, &active.token_hash);
        self.store
            .revoke_caller_session(&active.token_hash, self.now())
            .await
            .or_not_found("session")
    }

    /// Drops a session from this engine's cache: another instance logged it out (its token
    /// hash came over the cluster's invalidation channel).
    pub fn forget_cached_session(&self, token_hash: &str) {
        self.sessions.forget(token_hash);
    }

    /// Whether [`Engine::session_cached`] may answer from memory. A cluster turns this off
    /// while it cannot hear other instances' logouts, and on again (empty) once it can.
    pub fn trust_session_cache(&self, trusted: bool) {
        self.sessions.set_trusted(trusted);
    }

    /// Sessions neither expired nor logged out.
    pub async fn active_session_count(&self) -> EngineResult<i64> {
        Ok(self.store.count_active_caller_sessions(self.now()).await?)
    }

    /// Deletes sessions that ended more than a day ago; returns how many.
    pub async fn purge_old_sessions(&self) -> EngineResult<u64> {
        let before = self
            .now()
            .saturating_sub(SignedDuration::from_hours(24))
            .unwrap_or(self.now());
        Ok(self.store.purge_caller_sessions(before).await?)
    }
}

/// Drops a token's cached session again once its logout is written (or failed), so a
/// lookup that raced with the logout cannot leave it cached.
struct ForgetOnDrop<'a>(&'a Engine, &'a str);

impl Drop for ForgetOnDrop<'_> {
    fn drop(&mut self) {
        self.0.sessions.forget(self.1);
    }
}
