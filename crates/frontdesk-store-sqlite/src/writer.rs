//! Group commit: the writes of many callers in one durable transaction.
//!
//! `SQLite` has one writer and, at `synchronous=FULL`, one `fsync` per commit: writes one at a
//! time top out at the disk's sync rate however little each does. The [`Writer`] runs on its
//! own thread; it takes every write waiting in its queue, runs each inside a savepoint of one
//! `BEGIN IMMEDIATE` transaction (so a refused booking or a failed statement undoes only its
//! own work), commits once, and only then answers each caller. What a caller is told was
//! written is on disk, as before; it just shares the sync with the writes queued beside it.
//! Each write sees the ones before it in the batch, so capacity checks stay exact.

use crate::map_err;
use frontdesk_store::{StoreError, StoreResult};
use futures::FutureExt;
use futures::future::BoxFuture;
use sqlx::{Connection, SqliteConnection, SqlitePool};
use std::panic::AssertUnwindSafe;
use tokio::sync::{mpsc, oneshot};

/// Writes taken into one transaction at most: bounds how long the first of them waits.
const MAX_BATCH: usize = 128;

/// What a write leaves behind: its changes kept, or undone (a refusal that must not leave a
/// half-registered caller) while its answer still goes back.
pub(crate) enum Done<T> {
    Keep(T),
    Undo(T),
}

/// A write's work, run on the writer's connection inside its own savepoint.
pub(crate) type Work<T> =
    Box<dyn for<'c> FnOnce(&'c mut SqliteConnection) -> BoxFuture<'c, StoreResult<Done<T>>> + Send>;

/// One caller's write, with the type of its answer erased so one queue carries them all.
trait Job: Send {
    /// Runs the work; says whether to keep it and how to answer once the batch is settled.
    fn run<'c>(self: Box<Self>, conn: &'c mut SqliteConnection) -> BoxFuture<'c, Ran>;
    /// Answers without running: the batch could not start.
    fn fail(self: Box<Self>, error: StoreError);
}

struct Ran {
    keep: bool,
    /// Called with the batch's commit result (a write that failed keeps its own error).
    answer: Box<dyn FnOnce(StoreResult<()>) + Send>,
}

struct Typed<T> {
    work: Work<T>,
    reply: oneshot::Sender<StoreResult<T>>,
}

impl<T: Send + 'static> Job for Typed<T> {
    fn run<'c>(self: Box<Self>, conn: &'c mut SqliteConnection) -> BoxFuture<'c, Ran> {
        let Typed { work, reply } = *self;
        Box::pin(async move {
            // A panicking write must not take the writer (and every later write) with it.
            let result = AssertUnwindSafe((work)(conn))
                .catch_unwind()
                .await
                .unwrap_or_else(|_| Err(StoreError::Other("a write panicked".into())));
            match result {
                Ok(Done::Keep(value)) => Ran {
                    keep: true,
                    answer: Box::new(move |committed| {
                        let _ = reply.send(committed.map(|()| value));
                    }),
                },
                // A refusal may rest on an earlier write of the batch: it stands only if that
                // write was committed.
                Ok(Done::Undo(value)) => Ran {
                    keep: false,
                    answer: Box::new(move |committed| {
                        let _ = reply.send(committed.map(|()| value));
                    }),
                },
                Err(error) => Ran {
                    keep: false,
                    answer: Box::new(move |_| {
                        let _ = reply.send(Err(error));
                    }),
                },
            }
        })
    }

    fn fail(self: Box<Self>, error: StoreError) {
        let _ = self.reply.send(Err(error));
    }
}

/// The queue into the writer thread. Cloned with the store; the thread ends when the last
/// clone is dropped.
#[derive(Clone, Debug)]
pub(crate) struct Writer {
    queue: mpsc::UnboundedSender<Box<dyn Job>>,
}

impl Writer {
    /// Starts the writer thread on `pool` (the store's single write connection). Writes that
    /// do not go through the queue still use the pool between batches.
    pub(crate) fn start(pool: SqlitePool) -> StoreResult<Writer> {
        let (queue, jobs) = mpsc::unbounded_channel();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| StoreError::Other(format!("cannot start the sqlite writer: {e}")))?;
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || runtime.block_on(run(pool, jobs)))
            .map_err(|e| StoreError::Other(format!("cannot start the sqlite writer: {e}")))?;
        Ok(Writer { queue })
    }

    /// Runs `work` in the next batch and answers once that batch is committed (or at once
    /// with its refusal or error).
    pub(crate) async fn write<T, F>(&self, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut SqliteConnection) -> BoxFuture<'c, StoreResult<Done<T>>>
            + Send
            + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let work: Work<T> = Box::new(work);
        self.queue
            .send(Box::new(Typed { work, reply }))
            .map_err(|_| StoreError::Unavailable("the sqlite writer has stopped".into()))?;
        answer
            .await
            .map_err(|_| StoreError::Unavailable("the sqlite writer has stopped".into()))?
    }
}

async fn run(pool: SqlitePool, mut jobs: mpsc::UnboundedReceiver<Box<dyn Job>>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while jobs.recv_many(&mut batch, MAX_BATCH).await > 0 {
        commit_batch(&pool, std::mem::take(&mut batch)).await;
    }
    pool.close().await;
}

async fn commit_batch(pool: &SqlitePool, batch: Vec<Box<dyn Job>>) {
    let mut conn = match pool.acquire().await {
        Ok(conn) => conn,
        Err(e) => return fail_all(batch, &map_err(e)),
    };
    let mut tx = match conn.begin_with("BEGIN IMMEDIATE").await {
        Ok(tx) => tx,
        Err(e) => return fail_all(batch, &map_err(e)),
    };
    let mut answers = Vec::with_capacity(batch.len());
    let mut jobs = batch.into_iter();
    let mut failure = None;
    for job in jobs.by_ref() {
        let mut savepoint = match tx.begin().await {
            Ok(savepoint) => savepoint,
            Err(e) => {
                let error = map_err(e);
                job.fail(error.clone());
                failure = Some(error);
                break;
            }
        };
        let ran = job.run(&mut savepoint).await;
        answers.push(ran.answer);
        let settled = if ran.keep {
            savepoint.commit().await
        } else {
            savepoint.rollback().await
        };
        if let Err(e) = settled {
            failure = Some(map_err(e));
            break;
        }
    }
    let settled = match failure {
        // The transaction is in an unknown state: nothing of this batch is kept.
        Some(error) => {
            if let Err(e) = tx.rollback().await {
                tracing::warn!(error = %e, "rolling back a failed write batch failed");
            }
            Err(error)
        }
        None => tx.commit().await.map_err(map_err),
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

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
    use std::str::FromStr;

    async fn pool(dir: &tempfile::TempDir) -> SqlitePool {
        let url = format!("sqlite://{}", dir.path().join("w.db").display());
        let options = SqliteConnectOptions::from_str(&url)
            .unwrap()
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .unwrap();
        sqlx::query("CREATE TABLE t (n INTEGER PRIMARY KEY)")
            .execute(&pool)
            .await
            .unwrap();
        pool
    }

    /// Writes `n`; every third is undone after writing, every fifth fails after writing, and
    /// one writes a duplicate key (a failed statement).
    async fn write_n(writer: &Writer, n: i64) -> StoreResult<i64> {
        writer
            .write(move |conn| {
                Box::pin(async move {
                    sqlx::query("INSERT INTO t (n) VALUES (?)")
                        .bind(n)
                        .execute(&mut *conn)
                        .await
                        .map_err(map_err)?;
                    if n == 7 {
                        sqlx::query("INSERT INTO t (n) VALUES (1)")
                            .execute(&mut *conn)
                            .await
                            .map_err(map_err)?;
                    }
                    match n {
                        _ if n % 5 == 0 => Err(StoreError::Other("refused late".into())),
                        _ if n % 3 == 0 => Ok(Done::Undo(n)),
                        _ => Ok(Done::Keep(n)),
                    }
                })
            })
            .await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn each_write_keeps_or_loses_only_its_own_work_and_answers_after_commit() {
        let dir = tempfile::tempdir().unwrap();
        let pool = pool(&dir).await;
        let writer = Writer::start(pool.clone()).unwrap();
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
            .unwrap();
        for write in writes {
            let (n, answer) = write.await.unwrap();
            let stored: Option<i64> = sqlx::query_scalar("SELECT n FROM t WHERE n = ?")
                .bind(n)
                .fetch_optional(&reader)
                .await
                .unwrap();
            match answer {
                Ok(v) if n % 3 == 0 => assert_eq!((v, stored), (n, None), "undone {n}"),
                Ok(v) => assert_eq!((v, stored), (n, Some(n)), "kept {n}"),
                Err(_) => {
                    assert!(n % 5 == 0 || n == 7, "{n} failed");
                    assert_eq!(stored, None, "failed {n} left its row");
                }
            }
        }
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
            .fetch_one(&reader)
            .await
            .unwrap();
        let kept = (1..=200)
            .filter(|n| n % 5 != 0 && n % 3 != 0 && *n != 7)
            .count() as i64;
        assert_eq!(count, kept);
    }

    #[tokio::test]
    async fn a_panicking_write_fails_alone_and_the_writer_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        let writer = Writer::start(pool(&dir).await).unwrap();
        let panicked = writer
            .write::<(), _>(|_conn| Box::pin(async { panic!("boom") }))
            .await;
        assert!(matches!(panicked, Err(StoreError::Other(_))));
        assert_eq!(write_n(&writer, 1).await.unwrap(), 1);
    }
}
