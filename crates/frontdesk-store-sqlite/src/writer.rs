//! Group commit: the writes of many callers in one durable transaction.
//!
//! `SQLite` has one writer and, at `synchronous=FULL`, one `fsync` per commit: writes one at a
//! time top out at the disk's sync rate however little each does. The [`Writer`] is a thread
//! with its own connection to the file; it takes every write waiting in its queue, runs each
//! inside a savepoint of one `BEGIN IMMEDIATE` transaction (so a refused booking or a failed
//! statement undoes only its own work), commits once, and only then answers each caller. What
//! a caller is told was written is on disk, as before; it just shares the sync with the writes
//! queued beside it. Each write sees the ones before it in the batch, so capacity checks stay
//! exact.
//!
//! The writes run synchronously on that thread (`rusqlite` on the same bundled `SQLite` as
//! sqlx): a statement costs no hand-off between threads, which was most of a booking's CPU
//! when every statement went to sqlx's connection thread and back.
//!
//! Writes outside the queue (imports, the console's settings) still use the sqlx write pool.
//! The writer holds that pool's only connection while it runs a batch, so the two take turns
//! in the pool's fair queue instead of spinning on the file lock.

use frontdesk_store::{StoreError, StoreResult};
use rusqlite::Connection;
use sqlx::SqlitePool;
use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;
use tokio::sync::oneshot;

/// Writes taken into one transaction at most: bounds how long the first of them waits.
const MAX_BATCH: usize = 128;
/// Prepared statements the writer keeps: every hot write's statements fit.
const STATEMENT_CACHE: usize = 64;

/// What a write leaves behind: its changes kept, or undone (a refusal that must not leave a
/// half-registered caller) while its answer still goes back.
pub(crate) enum Done<T> {
    Keep(T),
    Undo(T),
}

/// One caller's write, with the type of its answer erased so one queue carries them all.
trait Job: Send {
    /// Runs the work; says whether to keep it and how to answer once the batch is settled.
    fn run(self: Box<Self>, conn: &Connection) -> Ran;
    /// Answers without running: the batch could not start.
    fn fail(self: Box<Self>, error: StoreError);
}

struct Ran {
    keep: bool,
    /// Called with the batch's commit result (a write that failed keeps its own error).
    answer: Box<dyn FnOnce(StoreResult<()>) + Send>,
}

struct Typed<T, F> {
    work: F,
    reply: oneshot::Sender<StoreResult<T>>,
}

impl<T, F> Job for Typed<T, F>
where
    T: Send + 'static,
    F: FnOnce(&Connection) -> StoreResult<Done<T>> + Send,
{
    fn run(self: Box<Self>, conn: &Connection) -> Ran {
        let Typed { work, reply } = *self;
        // A panicking write must not take the writer (and every later write) with it.
        let result = std::panic::catch_unwind(AssertUnwindSafe(|| work(conn)))
            .unwrap_or_else(|_| Err(StoreError::Other("a write panicked".into())));
        let (keep, result) = match result {
            Ok(Done::Keep(value)) => (true, Ok(value)),
            // A refusal may rest on an earlier write of the batch: like a kept write's answer,
            // it stands only if the batch was committed.
            Ok(Done::Undo(value)) => (false, Ok(value)),
            // A failed write keeps its own error whatever the batch does.
            Err(error) => (false, Err(error)),
        };
        Ran {
            keep,
            answer: Box::new(move |committed| {
                let _ = reply.send(result.and_then(|value| committed.map(|()| value)));
            }),
        }
    }

    fn fail(self: Box<Self>, error: StoreError) {
        let _ = self.reply.send(Err(error));
    }
}

/// The queue into the writer thread. Cloned with the store; the thread ends when the last
/// clone is dropped.
#[derive(Clone, Debug)]
pub(crate) struct Writer {
    queue: mpsc::Sender<Box<dyn Job>>,
}

impl Writer {
    /// Opens the writer's connection to the (migrated) database file at `path` and starts its
    /// thread. `pool` is the sqlx write pool the writer takes turns with.
    pub(crate) fn start(
        path: &Path,
        busy_timeout: Duration,
        pool: SqlitePool,
    ) -> StoreResult<Writer> {
        let conn = open(path, busy_timeout).map_err(map_err)?;
        let (queue, jobs) = mpsc::channel();
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || run(&conn, &pool, &jobs))
            .map_err(|e| StoreError::Other(format!("cannot start the sqlite writer: {e}")))?;
        Ok(Writer { queue })
    }

    /// Runs `work` in the next batch and answers once that batch is committed (or at once
    /// with its error).
    pub(crate) async fn write<T, F>(&self, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<Done<T>> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        self.queue
            .send(Box::new(Typed { work, reply }))
            .map_err(|_| StoreError::Unavailable("the sqlite writer has stopped".into()))?;
        answer
            .await
            .map_err(|_| StoreError::Unavailable("the sqlite writer has stopped".into()))?
    }
}

/// The writer's connection: the same guarantees as the sqlx writer (WAL, `synchronous=FULL`,
/// foreign keys, the same patience with another process's lock).
fn open(path: &Path, busy_timeout: Duration) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(busy_timeout)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;",
    )?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(conn)
}

fn run(conn: &Connection, pool: &SqlitePool, jobs: &mpsc::Receiver<Box<dyn Job>>) {
    // sqlx's pool spawns a task to take a connection back: a runtime with a thread of its own
    // runs it while this thread waits for the next write.
    let turns = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("sqlite-writer-turns")
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            tracing::error!(%error, "the sqlite writer cannot start");
            return;
        }
    };
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        // The pool's connection is the turn: held (unused) while the batch runs.
        let turn = match turns.block_on(pool.acquire()) {
            Ok(turn) => turn,
            Err(e) => {
                fail_all(batch, &crate::map_err(e));
                continue;
            }
        };
        commit_batch(conn, batch);
        let _in_runtime = turns.enter();
        drop(turn);
    }
}

fn commit_batch(conn: &Connection, batch: Vec<Box<dyn Job>>) {
    if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE") {
        return fail_all(batch, &map_err(e));
    }
    let mut answers = Vec::with_capacity(batch.len());
    let mut jobs = batch.into_iter();
    let mut failure = None;
    for job in jobs.by_ref() {
        if let Err(e) = conn.execute_batch("SAVEPOINT job") {
            let error = map_err(e);
            job.fail(error.clone());
            failure = Some(error);
            break;
        }
        let ran = job.run(conn);
        answers.push(ran.answer);
        let settled = if ran.keep {
            conn.execute_batch("RELEASE job")
        } else {
            conn.execute_batch("ROLLBACK TO job; RELEASE job")
        };
        if let Err(e) = settled {
            failure = Some(map_err(e));
            break;
        }
    }
    let settled = match failure {
        // The transaction is in an unknown state: nothing of this batch is kept.
        Some(error) => {
            if let Err(e) = conn.execute_batch("ROLLBACK") {
                tracing::warn!(error = %e, "rolling back a failed write batch failed");
            }
            Err(error)
        }
        None => conn.execute_batch("COMMIT").map_err(|e| {
            // A failed COMMIT leaves the transaction open: end it before the next batch.
            let _ = conn.execute_batch("ROLLBACK");
            map_err(e)
        }),
    };
    if settled.is_ok() {
        // One commit, one sync of the WAL: `bench bookings` divides the two.
        metrics::counter!("frontdesk_sqlite_group_commits_total").increment(1);
        metrics::counter!("frontdesk_sqlite_group_writes_total").increment(answers.len() as u64);
    }
    if let Err(error) = &settled {
        tracing::warn!(%error, writes = answers.len(), "a write batch was not committed");
        fail_all(jobs.collect(), error);
    }
    for answer in answers {
        answer(settled.clone());
    }
}

fn fail_all(batch: Vec<Box<dyn Job>>, error: &StoreError) {
    for job in batch {
        job.fail(error.clone());
    }
}

/// Sorts an error of the writer's connection into what the engine can act on, as
/// [`crate::map_err`] does for sqlx's.
pub(crate) fn map_err(e: rusqlite::Error) -> StoreError {
    use rusqlite::ErrorCode;
    match e {
        rusqlite::Error::QueryReturnedNoRows => StoreError::NotFound,
        rusqlite::Error::SqliteFailure(failure, message) => {
            let message = message.unwrap_or_else(|| failure.to_string());
            match failure.code {
                ErrorCode::ConstraintViolation
                    if matches!(
                        failure.extended_code,
                        rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                            | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
                            | rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY
                    ) =>
                {
                    StoreError::Conflict(message)
                }
                ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => {
                    StoreError::Unavailable(message)
                }
                _ => StoreError::Other(message),
            }
        }
        rusqlite::Error::FromSqlConversionFailure(..)
        | rusqlite::Error::InvalidColumnType(..)
        | rusqlite::Error::IntegralValueOutOfRange(..) => StoreError::Corrupt(e.to_string()),
        other => StoreError::Other(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
    use std::str::FromStr;

    async fn writer(dir: &tempfile::TempDir) -> Writer {
        let path = dir.path().join("w.db");
        let options = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))
            .expect("test setup")
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .expect("test setup");
        sqlx::query("CREATE TABLE t (n INTEGER PRIMARY KEY)")
            .execute(&pool)
            .await
            .expect("test setup");
        Writer::start(&path, Duration::from_secs(5), pool).expect("test setup")
    }

    /// Writes `n`; every third is undone after writing, every fifth fails after writing, and
    /// one writes a duplicate key (a failed statement).
    async fn write_n(writer: &Writer, n: i64) -> StoreResult<i64> {
        writer
            .write(move |conn| {
                conn.execute("INSERT INTO t (n) VALUES (?)", [n])
                    .map_err(map_err)?;
                if n == 7 {
                    conn.execute("INSERT INTO t (n) VALUES (1)", [])
                        .map_err(map_err)?;
                }
                match n {
                    _ if n % 5 == 0 => Err(StoreError::Other("refused late".into())),
                    _ if n % 3 == 0 => Ok(Done::Undo(n)),
                    _ => Ok(Done::Keep(n)),
                }
            })
            .await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn each_write_keeps_or_loses_only_its_own_work_and_answers_after_commit() {
        let dir = tempfile::tempdir().expect("test setup");
        let writer = writer(&dir).await;
        let writes: Vec<_> = (1..=200)
            .map(|n| {
                let writer = writer.clone();
                tokio::spawn(async move { (n, write_n(&writer, n).await) })
            })
            .collect();
        // A separate connection: what it sees after an answer is on disk, not in the batch.
        let reader = SqlitePoolOptions::new()
            .max_connections(1)
            .connect(&format!("sqlite://{}", dir.path().join("w.db").display()))
            .await
            .expect("test setup");
        for write in writes {
            let (n, answer) = write.await.expect("the write task ran");
            let stored: Option<i64> = sqlx::query_scalar("SELECT n FROM t WHERE n = ?")
                .bind(n)
                .fetch_optional(&reader)
                .await
                .expect("test setup");
            match answer {
                Ok(v) if n % 3 == 0 => assert_eq!((v, stored), (n, None), "undone {n}"),
                Ok(v) => assert_eq!((v, stored), (n, Some(n)), "kept {n}"),
                Err(e) => {
                    assert!(n % 5 == 0 || n == 7, "{n} failed: {e}");
                    assert_eq!(stored, None, "failed {n} left its row");
                    if n == 7 {
                        assert!(matches!(e, StoreError::Conflict(_)), "{e}");
                    }
                }
            }
        }
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
            .fetch_one(&reader)
            .await
            .expect("test setup");
        let kept = (1..=200)
            .filter(|n| n % 5 != 0 && n % 3 != 0 && *n != 7)
            .count() as i64;
        assert_eq!(count, kept);
    }

    #[tokio::test]
    async fn a_panicking_write_fails_alone_and_the_writer_goes_on() {
        let dir = tempfile::tempdir().expect("test setup");
        let writer = writer(&dir).await;
        let panicked = writer.write::<(), _>(|_conn| panic!("boom")).await;
        assert!(matches!(panicked, Err(StoreError::Other(_))));
        assert_eq!(write_n(&writer, 1).await.expect("the writer goes on"), 1);
    }
}
