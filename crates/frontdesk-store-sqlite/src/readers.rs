//! The hot reads (a caller's session, customer and members, a slot's usage, bookings), run
//! inline on the calling thread on a small set of read-only connections.
//!
//! sqlx runs every statement on a connection thread of its own and hands the rows back: two
//! thread switches per statement, which was the largest cost of a tool call once the writes
//! were batched. These reads find their rows through an index in the page cache in
//! microseconds, less than the switches cost, and a WAL reader never waits for the writer, so
//! they run where they are asked for. Cold or wide reads (the console's lists, exports) stay on
//! sqlx's read pool.

use crate::writer::map_err;
use frontdesk_store::{StoreError, StoreResult};
use rusqlite::{Connection, OpenFlags, OptionalExtension, Params, Row};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

/// Connections kept between reads: one per runtime thread is what is ever in use at once.
const KEPT: usize = 8;
const STATEMENT_CACHE: usize = 64;

#[derive(Debug)]
pub(crate) struct Readers {
    path: PathBuf,
    busy_timeout: Duration,
    idle: Mutex<Vec<Connection>>,
}

impl Readers {
    pub(crate) fn new(path: &Path, busy_timeout: Duration) -> StoreResult<Readers> {
        let readers = Readers {
            path: path.to_path_buf(),
            busy_timeout,
            idle: Mutex::new(Vec::new()),
        };
        // Opened now, so a database that cannot be read fails at start, not on a call.
        let first = readers.open().map_err(map_err)?;
        readers.give_back(first);
        Ok(readers)
    }

    fn open(&self) -> rusqlite::Result<Connection> {
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(self.busy_timeout)?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        Ok(conn)
    }

    fn give_back(&self, conn: Connection) {
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        if idle.len() < KEPT {
            idle.push(conn);
        }
    }

    /// Runs `read` on an idle connection (or a new one when all are in use).
    pub(crate) fn read<T>(
        &self,
        read: impl FnOnce(&Connection) -> rusqlite::Result<T>,
    ) -> StoreResult<T> {
        let idle = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let conn = match idle {
            Some(conn) => conn,
            None => self.open().map_err(map_err)?,
        };
        let result = read(&conn).map_err(map_err);
        self.give_back(conn);
        result
    }

    /// The one row `sql` finds (`NotFound` when none).
    pub(crate) fn one<R>(
        &self,
        sql: &str,
        params: impl Params,
        row: impl FnOnce(&Row<'_>) -> rusqlite::Result<R>,
    ) -> StoreResult<R> {
        self.read(|conn| conn.prepare_cached(sql)?.query_row(params, row).optional())?
            .ok_or(StoreError::NotFound)
    }

    /// Every row `sql` finds.
    pub(crate) fn all<R>(
        &self,
        sql: &str,
        params: impl Params,
        row: impl FnMut(&Row<'_>) -> rusqlite::Result<R>,
    ) -> StoreResult<Vec<R>> {
        self.read(|conn| {
            conn.prepare_cached(sql)?
                .query_map(params, row)?
                .collect::<rusqlite::Result<Vec<R>>>()
        })
    }
}
