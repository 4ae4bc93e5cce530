//! The message outbox: messages the engine queues next to the booking change they announce,
//! taken by delivery workers and marked with how each attempt ended. On SQLite every write
//! goes through the one writer connection, so a row is claimed by one worker at a time.

use crate::rows::*;
use crate::writer::{Done, map_err as write_err};
use crate::{SqliteStore, json_write, map_err};
use frontdesk_domain::*;
use frontdesk_store::*;
use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};
use sqlx::{QueryBuilder, Sqlite};

const DEFAULT_LIMIT: i64 = 100;

fn limit_or_default(limit: i64) -> i64 {
    if limit <= 0 { DEFAULT_LIMIT } else { limit }
}

pub(crate) async fn enqueue_notification(
    s: &SqliteStore,
    new: NewNotification,
) -> StoreResult<Notification> {
    insert(&s.write, &new).await
}

const INSERT: &str = concat!(
    "INSERT INTO notifications (company_id, booking_id, kind, channel, recipient, payload, \
     status, next_attempt_at, created_at, updated_at) \
     VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?) RETURNING ",
    notification_cols!()
);

/// A message on its own or in a call event's transaction, on the sqlx write pool.
pub(crate) async fn insert<'e>(
    conn: impl sqlx::Executor<'e, Database = Sqlite>,
    new: &NewNotification,
) -> StoreResult<Notification> {
    let payload = serde_json::to_string(&new.payload).map_err(json_write)?;
    // The composite key refuses a booking of another company (Conflict).
    let row: NotificationRow = sqlx::query_as(INSERT)
        .bind(new.company_id)
        .bind(new.booking_id)
        .bind(&new.kind)
        .bind(&new.channel)
        .bind(&new.recipient)
        .bind(payload)
        .bind(new.due_at.unwrap_or(new.now).as_second())
        .bind(new.now.as_second())
        .bind(new.now.as_second())
        .fetch_one(conn)
        .await
        .map_err(map_err)?;
    row.into_model()
}

/// The messages of a booking change, in its transaction (on the writer).
pub(crate) fn queue(
    conn: &Connection,
    drafts: &[NotificationDraft],
    booking: &Booking,
    now: Timestamp,
) -> StoreResult<()> {
    for draft in drafts {
        let new = draft.for_booking(booking, now);
        let payload = serde_json::to_string(&new.payload).map_err(json_write)?;
        conn.prepare_cached(INSERT)
            .and_then(|mut st| {
                st.query_row(
                    params![
                        new.company_id,
                        new.booking_id,
                        new.kind,
                        new.channel,
                        new.recipient,
                        payload,
                        new.due_at.unwrap_or(new.now).as_second(),
                        new.now.as_second(),
                        new.now.as_second(),
                    ],
                    |_| Ok(()),
                )
            })
            .map_err(write_err)?;
    }
    Ok(())
}

/// Cancels the booking's reminders still waiting, in the transaction that moves or cancels it.
pub(crate) fn withdraw_reminders(
    conn: &Connection,
    booking_id: BookingId,
    now: Timestamp,
) -> StoreResult<()> {
    // `+status`: without statistics the planner would take the status index and walk every
    // pending message of the server instead of the booking's few.
    conn.prepare_cached(
        "UPDATE notifications SET status = 'cancelled', updated_at = ?, \
         last_error = 'the booking moved or was cancelled' \
         WHERE booking_id = ? AND kind = ? AND +status = 'pending'",
    )
    .and_then(|mut st| st.execute(params![now.as_second(), booking_id, REMINDER_KIND]))
    .map_err(write_err)?;
    Ok(())
}

pub(crate) async fn list_pending_notifications(
    s: &SqliteStore,
    company_id: Option<CompanyId>,
    limit: i64,
) -> StoreResult<Vec<Notification>> {
    let mut sql = QueryBuilder::<Sqlite>::new(concat!(
        "SELECT ",
        notification_cols!(),
        " FROM notifications WHERE status IN ('pending', 'sending')"
    ));
    if let Some(company_id) = company_id {
        sql.push(" AND company_id = ").push_bind(company_id);
    }
    // Oldest first; the id orders messages queued within the same second.
    sql.push(" ORDER BY created_at, id LIMIT ");
    sql.push_bind(limit_or_default(limit));
    let rows: Vec<NotificationRow> = sql
        .build_query_as()
        .fetch_all(&s.read)
        .await
        .map_err(map_err)?;
    rows.into_iter().map(NotificationRow::into_model).collect()
}

pub(crate) async fn mark_notification_sent(
    s: &SqliteStore,
    id: i64,
    now: Timestamp,
) -> StoreResult<()> {
    // COALESCE keeps the first delivery time when a worker marks a message twice.
    let done = sqlx::query(
        "UPDATE notifications SET sent_at = COALESCE(sent_at, ?), updated_at = ?, \
         status = CASE WHEN status = 'delivered' THEN status ELSE 'sent' END, \
         lease_until = NULL WHERE id = ?",
    )
    .bind(now.as_second())
    .bind(now.as_second())
    .bind(id)
    .execute(&s.write)
    .await
    .map_err(map_err)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub(crate) async fn claim_messages(
    s: &SqliteStore,
    claim: MessageClaim,
) -> StoreResult<Vec<Notification>> {
    if claim.channels.is_empty() {
        return Ok(Vec::new());
    }
    let mut rows: Vec<Notification> = s
        .writer
        .write(move |conn| claim_in(conn, &claim).map(Done::Keep))
        .await?;
    rows.sort_by_key(|n| (n.next_attempt_at, n.id));
    Ok(rows)
}

fn claim_in(conn: &Connection, claim: &MessageClaim) -> StoreResult<Vec<Notification>> {
    let now = claim.now.as_second();
    let channels = vec!["?"; claim.channels.len()].join(", ");
    // A row still `sending` was left by a worker that stopped mid-attempt.
    let sql = format!(
        concat!(
            "UPDATE notifications SET status = 'sending', \
             last_error = CASE WHEN status = 'sending' THEN ? ELSE last_error END, \
             attempts = attempts + 1, lease_until = ?, updated_at = ? \
             WHERE id IN (SELECT id FROM notifications \
             WHERE status IN ('pending', 'sending') AND next_attempt_at <= ? \
             AND (status = 'pending' OR lease_until <= ?) AND channel IN ({}) \
             ORDER BY next_attempt_at, id LIMIT ?) RETURNING ",
            notification_cols!()
        ),
        channels
    );
    let mut values: Vec<rusqlite::types::Value> = vec![
        UNFINISHED_ATTEMPT.to_string().into(),
        claim.lease_until.as_second().into(),
        now.into(),
        now.into(),
        now.into(),
    ];
    values.extend(claim.channels.iter().map(|c| c.clone().into()));
    values.push(limit_or_default(claim.limit).into());
    let mut st = conn.prepare_cached(&sql).map_err(write_err)?;
    let rows = st
        .query_map(rusqlite::params_from_iter(values), NotificationRow::read)
        .map_err(write_err)?;
    rows.map(|row| row.map_err(write_err).and_then(NotificationRow::into_model))
        .collect()
}

pub(crate) async fn finish_message(
    s: &SqliteStore,
    id: i64,
    outcome: AttemptOutcome,
    now: Timestamp,
) -> StoreResult<Notification> {
    let columns = outcome.columns(now);
    let now = now.as_second();
    let row: Option<NotificationRow> = s
        .writer
        .write(move |conn| {
            conn.prepare_cached(concat!(
                "UPDATE notifications SET status = ?, provider_id = COALESCE(?, provider_id), \
                 next_attempt_at = COALESCE(?, next_attempt_at), sent_at = COALESCE(?, sent_at), \
                 last_error = ?, lease_until = NULL, updated_at = ? \
                 WHERE id = ? AND status = 'sending' RETURNING ",
                notification_cols!()
            ))
            .and_then(|mut st| {
                st.query_row(
                    params![
                        columns.status,
                        columns.provider_id,
                        columns.next_attempt_at,
                        columns.sent_at,
                        columns.last_error,
                        now,
                        id
                    ],
                    NotificationRow::read,
                )
                .optional()
            })
            .map(Done::Keep)
            .map_err(write_err)
        })
        .await?;
    match row {
        Some(row) => row.into_model(),
        None => Err(not_sending(s, id).await),
    }
}

/// Why a message could not be finished or retried: it does not exist, or its status.
async fn not_sending(s: &SqliteStore, id: i64) -> StoreError {
    match get_message(s, id).await {
        Ok(n) => StoreError::Conflict(format!("the message is {}", n.status)),
        Err(e) => e,
    }
}

pub(crate) async fn list_messages(
    s: &SqliteStore,
    query: MessageQuery,
) -> StoreResult<Vec<Notification>> {
    let mut sql = QueryBuilder::<Sqlite>::new(concat!(
        "SELECT ",
        notification_cols!(),
        " FROM notifications WHERE 1 = 1"
    ));
    if let Some(company_id) = query.company_id {
        sql.push(" AND company_id = ").push_bind(company_id);
    }
    if let Some(status) = query.status {
        sql.push(" AND status = ").push_bind(status.as_str());
    }
    if let Some(booking_id) = query.booking_id {
        sql.push(" AND booking_id = ").push_bind(booking_id);
    }
    if let Some(channel) = query.channel {
        sql.push(" AND channel = ").push_bind(channel);
    }
    if let Some(recipient) = query.recipient {
        sql.push(" AND recipient = ").push_bind(recipient);
    }
    sql.push(" ORDER BY created_at DESC, id DESC LIMIT ");
    sql.push_bind(limit_or_default(query.limit));
    let rows: Vec<NotificationRow> = sql
        .build_query_as()
        .fetch_all(&s.read)
        .await
        .map_err(map_err)?;
    rows.into_iter().map(NotificationRow::into_model).collect()
}

pub(crate) async fn get_message(s: &SqliteStore, id: i64) -> StoreResult<Notification> {
    let row: Option<NotificationRow> = sqlx::query_as(concat!(
        "SELECT ",
        notification_cols!(),
        " FROM notifications WHERE id = ?"
    ))
    .bind(id)
    .fetch_optional(&s.read)
    .await
    .map_err(map_err)?;
    row.ok_or(StoreError::NotFound)?.into_model()
}

pub(crate) async fn retry_message(
    s: &SqliteStore,
    id: i64,
    now: Timestamp,
) -> StoreResult<Notification> {
    let row: Option<NotificationRow> = sqlx::query_as(concat!(
        "UPDATE notifications SET status = 'pending', next_attempt_at = ?, updated_at = ? \
         WHERE id = ? AND status IN ('pending', 'failed', 'cancelled') RETURNING ",
        notification_cols!()
    ))
    .bind(now.as_second())
    .bind(now.as_second())
    .bind(id)
    .fetch_optional(&s.write)
    .await
    .map_err(map_err)?;
    match row {
        Some(row) => row.into_model(),
        None => Err(not_sending(s, id).await),
    }
}

pub(crate) async fn record_provider_report(
    s: &SqliteStore,
    channel: &str,
    provider_id: &str,
    report: ProviderReport,
    now: Timestamp,
) -> StoreResult<Notification> {
    let (status, error) = report.columns();
    // Only a sent message moves: a late "failed" never undoes "delivered".
    let row: Option<NotificationRow> = sqlx::query_as(concat!(
        "UPDATE notifications SET status = CASE WHEN status IN ('sent', 'sending') THEN ? \
         ELSE status END, last_error = CASE WHEN status IN ('sent', 'sending') THEN \
         COALESCE(?, last_error) ELSE last_error END, updated_at = ? \
         WHERE channel = ? AND provider_id = ? RETURNING ",
        notification_cols!()
    ))
    .bind(status)
    .bind(error)
    .bind(now.as_second())
    .bind(channel)
    .bind(provider_id)
    .fetch_optional(&s.write)
    .await
    .map_err(map_err)?;
    row.ok_or(StoreError::NotFound)?.into_model()
}

pub(crate) async fn message_stats(s: &SqliteStore, now: Timestamp) -> StoreResult<MessageStats> {
    let counts: Vec<(String, i64)> =
        sqlx::query_as("SELECT status, COUNT(*) FROM notifications GROUP BY status")
            .fetch_all(&s.read)
            .await
            .map_err(map_err)?;
    let oldest: Option<i64> = sqlx::query_scalar(
        "SELECT MIN(next_attempt_at) FROM notifications \
         WHERE status IN ('pending', 'sending') AND next_attempt_at <= ?",
    )
    .bind(now.as_second())
    .fetch_one(&s.read)
    .await
    .map_err(map_err)?;
    let oldest_due = oldest
        .map(|secs| ts("notifications.next_attempt_at", secs))
        .transpose()?;
    Ok(MessageStats::from_counts(&counts, oldest_due))
}
