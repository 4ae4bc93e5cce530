//! Streamable HTTP sessions that continue on any instance: rmcp's [`SessionStore`] on Redis.
//!
//! rmcp keeps a session in the memory of the instance that ran its `initialize`, and stores
//! the client's `initialize` parameters here. A request for that session arriving at
//! another instance loads them and rmcp replays the handshake there, so the client never
//! notices. The stateless revision (2026-07-28) has no sessions and needs none of this.
//!
//! Redis unavailable: `store` and `delete` log and carry on (the session lives on its own
//! instance), `load` answers "unknown" — the client then gets 404 and, as the protocol
//! says, initialises a new session.

use super::redis::Redis;
use rmcp::transport::streamable_http_server::session::store::{
    SessionState, SessionStore, SessionStoreError,
};
use std::sync::Arc;
use std::time::Duration;

/// How long an entry lives after its last use on an instance that did not have it in memory.
const ENTRY_TTL: Duration = Duration::from_secs(24 * 3600);

pub struct RedisSessionStore {
    redis: Arc<Redis>,
}

impl RedisSessionStore {
    pub fn new(redis: Arc<Redis>) -> Self {
        RedisSessionStore { redis }
    }

    fn key(&self, session_id: &str) -> String {
        self.redis.key(format_args!("mcp:session:{session_id}"))
    }
}

#[async_trait::async_trait]
impl SessionStore for RedisSessionStore {
    async fn load(&self, session_id: &str) -> Result<Option<SessionState>, SessionStoreError> {
        let key = self.key(session_id);
        let found: Result<Option<String>, _> = self
            .redis
            .run("mcp_session_load", |mut c| async move {
                redis::cmd("GETEX")
                    .arg(key)
                    .arg("PX")
                    .arg(ENTRY_TTL.as_millis() as u64)
                    .query_async(&mut c)
                    .await
            })
            .await;
        match found {
            Ok(Some(json)) => Ok(serde_json::from_str(&json)
                .inspect_err(|e| tracing::warn!(error = %e, "an unreadable MCP session entry"))
                .ok()),
            Ok(None) => Ok(None),
            Err(e) => {
                self.redis.warn_fallback("MCP session lookup", &e);
                Ok(None)
            }
        }
    }

    async fn store(&self, session_id: &str, state: &SessionState) -> Result<(), SessionStoreError> {
        let key = self.key(session_id);
        let json = serde_json::to_string(state)?;
        set_for_entry_ttl(
            &self.redis,
            "mcp_session_store",
            "MCP session store",
            key,
            json,
        )
        .await;
        Ok(())
    }

    async fn delete(&self, session_id: &str) -> Result<(), SessionStoreError> {
        let key = self.key(session_id);
        let deleted = self
            .redis
            .run("mcp_session_delete", |mut c| async move {
                redis::cmd("DEL").arg(key).query_async::<()>(&mut c).await
            })
            .await;
        if let Err(e) = deleted {
            self.redis.warn_fallback("MCP session delete", &e);
        }
        Ok(())
    }
}

/// Which caller session opened a Streamable HTTP session, for every instance: a session
/// continues anywhere, but only for the caller session that opened it.
pub struct SharedOwners {
    redis: Arc<Redis>,
}

impl SharedOwners {
    pub fn new(redis: Arc<Redis>) -> Self {
        SharedOwners { redis }
    }

    fn key(&self, session_id: &str) -> String {
        self.redis.key(format_args!("mcp:owner:{session_id}"))
    }

    /// Records the owner; a failure is logged (the session is then usable on its own
    /// instance only, as when its state could not be stored).
    pub async fn store(&self, session_id: &str, caller_session: i64) {
        let key = self.key(session_id);
        set_for_entry_ttl(
            &self.redis,
            "mcp_owner_store",
            "MCP session owner store",
            key,
            caller_session,
        )
        .await;
    }

    /// The owner, if known; `None` also when Redis cannot be reached (the session is then
    /// treated as unknown, as its state would be).
    pub async fn load(&self, session_id: &str) -> Option<i64> {
        let key = self.key(session_id);
        let found: Result<Option<i64>, _> = self
            .redis
            .run("mcp_owner_load", |mut c| async move {
                redis::cmd("GETEX")
                    .arg(key)
                    .arg("PX")
                    .arg(ENTRY_TTL.as_millis() as u64)
                    .query_async(&mut c)
                    .await
            })
            .await;
        found
            .inspect_err(|e| self.redis.warn_fallback("MCP session owner lookup", e))
            .ok()
            .flatten()
    }

    pub async fn delete(&self, session_id: &str) {
        let key = self.key(session_id);
        let deleted = self
            .redis
            .run("mcp_owner_delete", |mut c| async move {
                redis::cmd("DEL").arg(key).query_async::<()>(&mut c).await
            })
            .await;
        if let Err(e) = deleted {
            self.redis.warn_fallback("MCP session owner delete", &e);
        }
    }
}

/// `SET key value PX ENTRY_TTL`; when Redis cannot take it, this instance's own state serves
/// (logged as a fallback).
async fn set_for_entry_ttl(
    redis: &Redis,
    op: &'static str,
    what: &'static str,
    key: String,
    value: impl redis::ToRedisArgs,
) {
    let stored = redis
        .run(op, |mut c| async move {
            redis::cmd("SET")
                .arg(key)
                .arg(value)
                .arg("PX")
                .arg(ENTRY_TTL.as_millis() as u64)
                .query_async::<()>(&mut c)
                .await
        })
        .await;
    if let Err(e) = stored {
        redis.warn_fallback(what, &e);
    }
}
