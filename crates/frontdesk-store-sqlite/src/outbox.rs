//! The notification outbox: messages the engine queues next to the booking change they
//! announce, for a delivery worker to send and then mark sent.

use crate::rows::*;
use crate::{SqliteStore, json_write, map_err};
use frontdesk_domain::*;
use frontdesk_store::*;
use jiff::Timestamp;
use sqlx::{QueryBuilder, Sqlite};

const DEFAULT_LIMIT: i64 = 100;

pub(crate) async fn enqueue_notification(
    s: &SqliteStore,
    new: NewNotification,
) -> StoreResult<Notification> {
    insert(&s.write, &new).await
}

/// On the writer pool, or inside the transaction of the booking change it announces.
pub(crate) async fn insert<'e>(
    conn: impl sqlx::Executor<'e, Database = Sqlite>,
    new: &NewNotification,
) -> StoreResult<Notification> {
    let payload = serde_json::to_string(&new.payload).map_err(json_write)?;
    // The composite key refuses a booking of another company (Conflict).
    let row: NotificationRow = sqlx::query_as(concat!(
        "INSERT INTO notifications (company_id, booking_id, kind, channel, recipient, payload, \
         created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING ",
        notification_cols!()
    ))
    .bind(new.company_id)
    .bind(new.booking_id)
    .bind(&new.kind)
    .bind(&new.channel)
    .bind(&new.recipient)
    .bind(payload)
    .bind(new.now.as_second())
    .fetch_one(conn)
    .await
    .map_err(map_err)?;
    row.into_model()
}

pub(crate) async fn list_pending_notifications(
    s: &SqliteStore,
    company_id: Option<CompanyId>,
    limit: i64,
) -> StoreResult<Vec<Notification>> {
    let mut sql = QueryBuilder::<Sqlite>::new(concat!(
        "SELECT ",
        notification_cols!(),
        " FROM notifications WHERE sent_at IS NULL"
    ));
    if let Some(company_id) = company_id {
        sql.push(" AND company_id = ").push_bind(company_id);
    }
    // Oldest first; the id orders messages queued within the same second.
    sql.push(" ORDER BY created_at, id LIMIT ");
    sql.push_bind(if limit <= 0 { DEFAULT_LIMIT } else { limit });
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
    let done = sqlx::query("UPDATE notifications SET sent_at = COALESCE(sent_at, ?) WHERE id = ?")
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
