//! frontdesk-store-sqlite: the [`Store`](frontdesk_store::Store) on an embedded `SQLite` file,
//! the default backend for a single server.
//!
//! Only SQL and row conversion live here; booking rules belong to the engine, which passes the
//! limits a write must respect. This crate must not depend on the engine or on any adapter
//! (HTTP, voice platforms).

mod bookings;
mod calls;
mod catalog;
mod console;
mod credentials;
mod feeds;
mod keys;
mod outbox;
mod people;
mod readers;
mod rows;
mod store;
mod templates;
mod waitlist;
mod webhooks;
mod writer;

use frontdesk_store::{StoreError, StoreResult};
use sqlx::error::ErrorKind;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Sqlite, Transaction};
use std::str::FromStr;
use std::time::Duration;

/// How long a statement waits for another process's write lock before giving up as unavailable.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
const READ_CONNECTIONS: u32 = 4;

/// SQLite storage: one writer connection and a small pool of read-only connections.
#[derive(Clone, Debug)]
pub struct SqliteStore {
    /// SQLite allows one writer at a time; a single connection queues writers in the pool
    /// instead of letting them fight over the file lock.
    write: SqlitePool,
    /// WAL lets readers run beside the writer, so reads never wait for a booking.
    read: SqlitePool,
    /// The hot reads, inline on read-only connections of their own.
    readers: std::sync::Arc<readers::Readers>,
    /// The hot writes (bookings, caller sessions, the waitlist, message claims): group commit
    /// on a connection of its own, taking turns with `write`.
    writer: writer::Writer,
}

impl SqliteStore {
    /// Opens (creating the file if missing) the database at `url` (`sqlite://frontdesk.db`)
    /// and applies migrations.
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let base = SqliteConnectOptions::from_str(url)
            .map_err(map_err)?
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);

        // FULL: a booking acknowledged to a caller must survive a power cut, not just a crash
        // of the process.
        let write_options = base
            .clone()
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full);
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            // Taken for every write batch (see `writer`): no ping on each turn.
            .test_before_acquire(false)
            // Keeping the writer open keeps the WAL and its index in place for the readers.
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(write_options)
            .await
            .map_err(map_err)?;

        sqlx::migrate!("./migrations")
            .run(&write)
            .await
            .map_err(|e| match e {
                sqlx::migrate::MigrateError::Execute(e) => map_err(e),
                other => StoreError::Other(format!("migration failed: {other}")),
            })?;

        // Opened after the migrations: a read-only connection can neither create the file nor
        // switch it to WAL.
        let read = SqlitePoolOptions::new()
            .max_connections(READ_CONNECTIONS)
            .connect_with(base.clone().read_only(true))
            .await
            .map_err(map_err)?;

        let writer = writer::Writer::start(base.get_filename(), BUSY_TIMEOUT, write.clone())?;
        let readers =
            std::sync::Arc::new(readers::Readers::new(base.get_filename(), BUSY_TIMEOUT)?);
        tracing::debug!(url, "sqlite store ready");
        Ok(SqliteStore {
            write,
            read,
            readers,
            writer,
        })
    }

    /// A write transaction that holds the write lock from its first statement. A deferred
    /// transaction would read first and could then fail to upgrade (SQLITE_BUSY) when another
    /// process wrote in between, so every write transaction starts IMMEDIATE. If the returned
    /// transaction is dropped unfinished (error or cancelled future), sqlx queues a ROLLBACK on
    /// the connection before anyone else can use it.
    pub(crate) async fn begin_write(&self) -> StoreResult<Transaction<'static, Sqlite>> {
        self.write
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(map_err)
    }
}

/// Sorts a driver error into what the engine can act on.
pub(crate) fn map_err(e: sqlx::Error) -> StoreError {
    match e {
        sqlx::Error::RowNotFound => StoreError::NotFound,
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed
        | sqlx::Error::Io(_) => StoreError::Unavailable(e.to_string()),
        sqlx::Error::ColumnDecode { .. } | sqlx::Error::Decode(_) => {
            StoreError::Corrupt(e.to_string())
        }
        sqlx::Error::Database(db) => {
            // Extended result codes carry the primary code in the low byte.
            let primary = db
                .code()
                .and_then(|c| c.parse::<i32>().ok())
                .map(|c| c & 0xff);
            match db.kind() {
                ErrorKind::UniqueViolation | ErrorKind::ForeignKeyViolation => {
                    StoreError::Conflict(db.message().to_string())
                }
                // SQLITE_BUSY (5), SQLITE_LOCKED (6): another writer held on too long.
                _ if matches!(primary, Some(5 | 6)) => {
                    StoreError::Unavailable(db.message().to_string())
                }
                _ => StoreError::Other(db.to_string()),
            }
        }
        other => StoreError::Other(other.to_string()),
    }
}

/// A JSON column that does not parse as the type it should hold.
pub(crate) fn bad_json(column: &'static str) -> impl Fn(serde_json::Error) -> StoreError {
    move |e| StoreError::Corrupt(format!("{column}: {e}"))
}

/// A value that cannot be written as JSON is a bug in a model, not a database fault.
pub(crate) fn json_write(e: serde_json::Error) -> StoreError {
    StoreError::Other(format!("cannot encode JSON: {e}"))
}
