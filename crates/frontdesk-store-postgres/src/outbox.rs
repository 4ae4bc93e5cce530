//! The message outbox: messages the engine queues next to the booking change they announce,
//! taken by delivery workers (`FOR UPDATE SKIP LOCKED`: several instances share the queue, a
//! row goes to one of them) and marked with how each attempt ended.

use crate::map_err;
use crate::rows::{NotificationRow, convert_all};
use frontdesk_domain::*;
use frontdesk_store::*;
use jiff::Timestamp;
use sqlx::postgres::PgConnection;
use sqlx::types::Json;
use sqlx::{PgPool, Postgres, QueryBuilder};

const DEFAULT_LIST_LIMIT: i64 = 100;

fn limit_or_default(limit: i64) -> i64 {
    if limit <= 0 {
        DEFAULT_LIST_LIMIT
    } else {
        limit
    }
}

pub(crate) async fn enqueue_notification(
    pool: &PgPool,
    new: NewNotification,
) -> StoreResult<Notification> {
    insert(pool, &new).await
}

/// On the pool, or inside the transaction of the booking change it announces. The composite
/// key refuses a booking of another company (Conflict).
pub(crate) async fn insert<'e>(
    conn: impl sqlx::Executor<'e, Database = Postgres>,
    new: &NewNotification,
) -> StoreResult<Notification> {
    sqlx::query_as::<_, NotificationRow>(
        "INSERT INTO notifications
             (company_id, booking_id, kind, channel, recipient, payload, status,
              next_attempt_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8, $8)
         RETURNING *",
    )
    .bind(new.company_id)
    .bind(new.booking_id)
    .bind(&new.kind)
    .bind(&new.channel)
    .bind(&new.recipient)
    .bind(Json(&new.payload))
    .bind(new.due_at.unwrap_or(new.now).as_second())
    .bind(new.now.as_second())
    .fetch_one(conn)
    .await
    .map_err(map_err)?
    .into_model()
}

/// The messages of a booking change, in its transaction.
pub(crate) async fn queue(
    tx: &mut PgConnection,
    drafts: &[NotificationDraft],
    booking: &Booking,
    now: Timestamp,
) -> StoreResult<()> {
    for draft in drafts {
        insert(&mut *tx, &draft.for_booking(booking, now)).await?;
    }
    Ok(())
}

/// Cancels the booking's reminders still waiting, in the transaction that moves or cancels it.
pub(crate) async fn withdraw_reminders(
    tx: &mut PgConnection,
    booking_id: BookingId,
    now: Timestamp,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE notifications SET status = 'cancelled', updated_at = $1,
                last_error = 'the booking moved or was cancelled'
          WHERE booking_id = $2 AND kind = $3 AND status = 'pending'",
    )
    .bind(now.as_second())
    .bind(booking_id)
    .bind(REMINDER_KIND)
    .execute(&mut *tx)
    .await
    .map_err(map_err)?;
    Ok(())
}

/// Oldest first; the id orders messages queued within the same second.
pub(crate) async fn list_pending_notifications(
    pool: &PgPool,
    company_id: Option<CompanyId>,
    limit: i64,
) -> StoreResult<Vec<Notification>> {
    let mut sql = QueryBuilder::<Postgres>::new(
        "SELECT * FROM notifications WHERE status IN ('pending', 'sending')",
    );
    if let Some(company_id) = company_id {
        sql.push(" AND company_id = ").push_bind(company_id);
    }
    sql.push(" ORDER BY created_at, id LIMIT ");
    sql.push_bind(limit_or_default(limit));
    let rows = sql
        .build_query_as::<NotificationRow>()
        .fetch_all(pool)
        .await
        .map_err(map_err)?;
    convert_all(rows, NotificationRow::into_model)
}

/// Marking again keeps the first delivery time.
pub(crate) async fn mark_notification_sent(
    pool: &PgPool,
    id: i64,
    now: Timestamp,
) -> StoreResult<()> {
    let marked = sqlx::query(
        "UPDATE notifications SET sent_at = COALESCE(sent_at, $2), updated_at = $2,
                status = CASE WHEN status = 'delivered' THEN status ELSE 'sent' END,
                lease_until = NULL
          WHERE id = $1",
    )
    .bind(id)
    .bind(now.as_second())
    .execute(pool)
    .await
    .map_err(map_err)?
    .rows_affected();
    if marked == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub(crate) async fn claim_messages(
    pool: &PgPool,
    claim: MessageClaim,
) -> StoreResult<Vec<Notification>> {
    if claim.channels.is_empty() {
        return Ok(Vec::new());
    }
    // SKIP LOCKED: rows another instance is claiming right now are left to it.
    let rows = sqlx::query_as::<_, NotificationRow>(
        "WITH due AS (
             SELECT id FROM notifications
              WHERE status IN ('pending', 'sending') AND next_attempt_at <= $1
                AND (status = 'pending' OR lease_until <= $1)
                AND channel = ANY($2)
              ORDER BY next_attempt_at, id
              LIMIT $3
              FOR UPDATE SKIP LOCKED)
         UPDATE notifications n
            SET status = 'sending', attempts = n.attempts + 1, lease_until = $4, updated_at = $1,
                -- A row still `sending` was left by a worker that stopped mid-attempt.
                last_error = CASE WHEN n.status = 'sending' THEN $5 ELSE n.last_error END
           FROM due WHERE n.id = due.id
         RETURNING n.*",
    )
    .bind(claim.now.as_second())
    .bind(&claim.channels)
    .bind(limit_or_default(claim.limit))
    .bind(claim.lease_until.as_second())
    .bind(UNFINISHED_ATTEMPT)
    .fetch_all(pool)
    .await
    .map_err(map_err)?;
    let mut rows = convert_all(rows, NotificationRow::into_model)?;
    rows.sort_by_key(|n| (n.next_attempt_at, n.id));
    Ok(rows)
}

pub(crate) async fn finish_message(
    pool: &PgPool,
    id: i64,
    outcome: AttemptOutcome,
    now: Timestamp,
) -> StoreResult<Notification> {
    let columns = outcome.columns(now);
    let now = now.as_second();
    let row = sqlx::query_as::<_, NotificationRow>(
        "UPDATE notifications
            SET status = $1, provider_id = COALESCE($2, provider_id),
                next_attempt_at = COALESCE($3, next_attempt_at),
                sent_at = COALESCE($4, sent_at), last_error = $5, lease_until = NULL,
                updated_at = $6
          WHERE id = $7 AND status = 'sending'
         RETURNING *",
    )
    .bind(columns.status)
    .bind(columns.provider_id)
    .bind(columns.next_attempt_at)
    .bind(columns.sent_at)
    .bind(columns.last_error)
    .bind(now)
    .bind(id)
    .fetch_optional(pool)
    .await
    .map_err(map_err)?;
    match row {
        Some(row) => row.into_model(),
        None => Err(not_sending(pool, id).await),
    }
}

/// Why a message could not be finished or retried: it does not exist, or its status.
async fn not_sending(pool: &PgPool, id: i64) -> StoreError {
    match get_message(pool, id).await {
        Ok(n) => StoreError::Conflict(format!("the message is {}", n.status)),
        Err(e) => e,
    }
}

pub(crate) async fn list_messages(
    pool: &PgPool,
    query: MessageQuery,
) -> StoreResult<Vec<Notification>> {
    let mut sql = QueryBuilder::<Postgres>::new("SELECT * FROM notifications WHERE TRUE");
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
    let rows = sql
        .build_query_as::<NotificationRow>()
        .fetch_all(pool)
        .await
        .map_err(map_err)?;
    convert_all(rows, NotificationRow::into_model)
}

pub(crate) async fn get_message(pool: &PgPool, id: i64) -> StoreResult<Notification> {
    sqlx::query_as::<_, NotificationRow>("SELECT * FROM notifications WHERE id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await
        .map_err(map_err)?
        .ok_or(StoreError::NotFound)?
        .into_model()
}

pub(crate) async fn retry_message(
    pool: &PgPool,
    id: i64,
    now: Timestamp,
) -> StoreResult<Notification> {
    let row = sqlx::query_as::<_, NotificationRow>(
        "UPDATE notifications SET status = 'pending', next_attempt_at = $2, updated_at = $2
          WHERE id = $1 AND status IN ('pending', 'failed', 'cancelled')
         RETURNING *",
    )
    .bind(id)
    .bind(now.as_second())
    .fetch_optional(pool)
    .await
    .map_err(map_err)?;
    match row {
        Some(row) => row.into_model(),
        None => Err(not_sending(pool, id).await),
    }
}

pub(crate) async fn record_provider_report(
    pool: &PgPool,
    channel: &str,
    provider_id: &str,
    report: ProviderReport,
    now: Timestamp,
) -> StoreResult<Notification> {
    let (status, error) = report.columns();
    // Only a sent message moves: a late "failed" never undoes "delivered".
    sqlx::query_as::<_, NotificationRow>(
        "UPDATE notifications
            SET status = CASE WHEN status IN ('sent', 'sending') THEN $1 ELSE status END,
                last_error = CASE WHEN status IN ('sent', 'sending')
                                  THEN COALESCE($2, last_error) ELSE last_error END,
                updated_at = $3
          WHERE channel = $4 AND provider_id = $5
         RETURNING *",
    )
    .bind(status)
    .bind(error)
    .bind(now.as_second())
    .bind(channel)
    .bind(provider_id)
    .fetch_optional(pool)
    .await
    .map_err(map_err)?
    .ok_or(StoreError::NotFound)?
    .into_model()
}

pub(crate) async fn message_stats(pool: &PgPool, now: Timestamp) -> StoreResult<MessageStats> {
    let counts: Vec<(String, i64)> =
        sqlx::query_as("SELECT status, COUNT(*) FROM notifications GROUP BY status")
            .fetch_all(pool)
            .await
            .map_err(map_err)?;
    let oldest: Option<i64> = sqlx::query_scalar(
        "SELECT MIN(next_attempt_at) FROM notifications
          WHERE status IN ('pending', 'sending') AND next_attempt_at <= $1",
    )
    .bind(now.as_second())
    .fetch_one(pool)
    .await
    .map_err(map_err)?;
    let oldest_due = oldest
        .map(|secs| crate::rows::ts(secs, "notifications.next_attempt_at"))
        .transpose()?;
    Ok(MessageStats::from_counts(&counts, oldest_due))
}
