//! frontdesk-store-postgres: the [`Store`](frontdesk_store::Store) on PostgreSQL, for
//! deployments where several server processes share one database.
//!
//! Booking writes are serialised with transaction-scoped advisory locks, so the limits the
//! engine decides hold across processes, not only inside one. This crate implements the
//! storage contract and nothing else: it must not depend on the engine or any adapter.

mod bookings;
mod calls;
mod catalog;
mod console;
mod credentials;
mod feeds;
mod keys;
mod outbox;
mod people;
mod rows;
mod store;
mod templates;
mod waitlist;
mod webhooks;

use frontdesk_store::{StoreError, StoreResult};
use sqlx::postgres::{PgConnection, PgPool, PgPoolOptions};
use sqlx::{Postgres, Transaction};
use std::time::Duration;

const DEFAULT_MAX_CONNECTIONS: u32 = 10;

/// Long enough to ride out a burst of bookings queueing for a pool connection, short enough
/// that an unreachable database turns into a prompt error instead of a hung request. While
/// the database refuses connections, every request waits this long (the pool retries the
/// connection until then) before it is answered "temporarily unavailable".
pub const DEFAULT_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

/// Two pools of connections to one PostgreSQL database holding frontdesk's schema.
#[derive(Clone, Debug)]
pub struct PostgresStore {
    /// Writes (and reads inside them): a booking holds its connection through its locks and
    /// its commit.
    pool: PgPool,
    /// Plain reads. Apart, so a read never queues behind writes holding every connection
    /// (`get_bookings` waited 23 ms for one at 50 lines when they shared a pool).
    reads: PgPool,
}

impl PostgresStore {
    /// Connects to `url` (`postgres://…`) with up to 10 connections for writes and 10 for
    /// reads, and applies migrations.
    pub async fn connect(url: &str) -> StoreResult<Self> {
        Self::connect_with(url, DEFAULT_MAX_CONNECTIONS).await
    }

    /// Connects to `url` with up to `max_connections` connections for writes and as many for
    /// reads, and applies migrations.
    pub async fn connect_with(url: &str, max_connections: u32) -> StoreResult<Self> {
        Self::connect_with_timeout(url, max_connections, DEFAULT_ACQUIRE_TIMEOUT).await
    }

    /// Connects to `url` with up to `max_connections` connections in each pool (writes,
    /// reads), each request waiting at
    /// most `acquire_timeout` for one (including reconnecting to a database that went away),
    /// and applies migrations.
    pub async fn connect_with_timeout(
        url: &str,
        max_connections: u32,
        acquire_timeout: Duration,
    ) -> StoreResult<Self> {
        let options = PgPoolOptions::new()
            .max_connections(max_connections.max(1))
            .acquire_timeout(acquire_timeout);
        let pool = options.clone().connect(url).await.map_err(map_err)?;
        let mut migrator = sqlx::migrate!("./migrations");
        // During a rolling upgrade a newer process may already have applied migrations this
        // build does not know; those only ever add to the schema, so an older process keeps
        // working instead of refusing to start.
        migrator.set_ignore_missing(true);
        migrator.run(&pool).await.map_err(map_migrate_err)?;
        let reads = options.connect(url).await.map_err(map_err)?;
        Ok(PostgresStore { pool, reads })
    }
}

/// Translates a driver error into the store's vocabulary, which is all the engine acts on.
pub(crate) fn map_err(error: sqlx::Error) -> StoreError {
    use sqlx::Error as E;
    match error {
        E::RowNotFound => StoreError::NotFound,
        E::Database(db) => {
            let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
            let constraint = db.constraint().unwrap_or("unnamed constraint").to_string();
            match code.as_str() {
                "23505" => StoreError::Conflict(format!("already exists ({constraint})")),
                "23503" => StoreError::Conflict(format!("refers to a missing row ({constraint})")),
                // Connection exceptions, administrator shutdown, crash and startup, and too
                // many connections: the database is there but cannot serve us right now.
                c if c.starts_with("08") || matches!(c, "57P01" | "57P02" | "57P03" | "53300") => {
                    StoreError::Unavailable(db.message().to_string())
                }
                _ => StoreError::Other(db.to_string()),
            }
        }
        E::PoolTimedOut | E::PoolClosed | E::Io(_) | E::Tls(_) | E::WorkerCrashed => {
            StoreError::Unavailable(error.to_string())
        }
        E::ColumnDecode { .. } | E::Decode(_) => StoreError::Corrupt(error.to_string()),
        other => StoreError::Other(other.to_string()),
    }
}

fn map_migrate_err(error: sqlx::migrate::MigrateError) -> StoreError {
    use sqlx::migrate::MigrateError as M;
    match error {
        M::Execute(e) => map_err(e),
        other => StoreError::Other(format!("migration failed: {other}")),
    }
}

/// Starts a transaction at READ COMMITTED whatever the server's default, because the
/// booking checks rely on each statement taking a fresh snapshot after the locks are held.
pub(crate) async fn begin(pool: &PgPool) -> StoreResult<Transaction<'static, Postgres>> {
    pool.begin_with("BEGIN ISOLATION LEVEL READ COMMITTED")
        .await
        .map_err(map_err)
}

pub(crate) async fn commit(tx: Transaction<'static, Postgres>) -> StoreResult<()> {
    tx.commit().await.map_err(map_err)
}

/// Ends a transaction that wrote nothing (a refusal, a booking no longer active). Done
/// explicitly because a dropped transaction only queues its ROLLBACK, and the advisory locks
/// it holds would stay taken until the pool gets round to flushing it. A failure changes
/// nothing for the caller: nothing was written, and the server ends the transaction when
/// the connection goes.
pub(crate) async fn rollback(tx: Transaction<'static, Postgres>) {
    if let Err(error) = tx.rollback().await {
        tracing::warn!(%error, "rolling back a transaction that wrote nothing failed");
    }
}

/// The advisory lock key of a named resource (`slot:12:1764000000`, `staff:4`).
///
/// FNV-1a is stable across processes, builds and machines, unlike std's randomly seeded
/// hasher, so every server sharing the database derives the same key. A collision only
/// serialises two unrelated writes; it never lets two competing ones through.
pub(crate) fn lock_key(resource: &str) -> i64 {
    let hash = fnv1a(b"frontdesk:".iter().chain(resource.as_bytes()));
    i64::from_be_bytes(hash.to_be_bytes())
}

fn fnv1a<'a>(bytes: impl Iterator<Item = &'a u8>) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes.fold(OFFSET, |h, &b| (h ^ u64::from(b)).wrapping_mul(PRIME))
}

/// Takes the transaction-scoped advisory locks of `resources`, in ascending key order so two
/// writers needing overlapping sets queue instead of deadlocking. They are released at
/// commit or rollback, after the writer's rows became visible.
pub(crate) async fn lock_resources(
    conn: &mut PgConnection,
    resources: &[String],
) -> StoreResult<()> {
    let mut keys: Vec<i64> = resources.iter().map(|r| lock_key(r)).collect();
    keys.sort_unstable();
    keys.dedup();
    // One round trip: a plain set-returning query would not promise the order in which it
    // takes them; the function (migration 0012) walks the sorted array in order.
    sqlx::query("SELECT frontdesk_lock_in_order($1)")
        .bind(&keys)
        .execute(&mut *conn)
        .await
        .map_err(map_err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PINNED_SLOT_KEY: i64 = 7_702_510_668_919_298_440;

    #[test]
    fn lock_keys_are_stable_and_distinct() {
        // The published FNV-1a test vector, and a pinned key: every process and every build
        // sharing a database must derive the same keys, so these must never change.
        assert_eq!(fnv1a(b"a".iter()), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(lock_key("slot:1:2"), PINNED_SLOT_KEY);
        assert_ne!(lock_key("staff:1"), lock_key("staff:2"));
        assert_ne!(lock_key("member:1"), lock_key("staff:1"));
    }

    #[test]
    fn pool_errors_mean_unavailable() {
        assert!(matches!(
            map_err(sqlx::Error::PoolTimedOut),
            StoreError::Unavailable(_)
        ));
        assert!(matches!(
            map_err(sqlx::Error::RowNotFound),
            StoreError::NotFound
        ));
    }
}
