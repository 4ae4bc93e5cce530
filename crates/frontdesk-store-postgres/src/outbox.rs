//! The notification outbox: messages the engine queues next to the booking change they
//! announce, for a delivery worker to send and then mark sent.

use crate::map_err;
use crate::rows::{NotificationRow, convert_all};
use frontdesk_domain::*;
use frontdesk_store::*;
use jiff::Timestamp;
use sqlx::types::Json;
use sqlx::{PgPool, Postgres, QueryBuilder};

const DEFAULT_LIST_LIMIT: i64 = 100;

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
             (company_id, booking_id, kind, channel, recipient, payload, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         RETURNING *",
    )
    .bind(new.company_id)
    .bind(new.booking_id)
    .bind(&new.kind)
    .bind(&new.channel)
    .bind(&new.recipient)
    .bind(Json(&new.payload))
    .bind(new.now.as_second())
    .fetch_one(conn)
    .await
    .map_err(map_err)?
    .into_model()
}

/// Oldest first; the id orders messages queued within the same second.
pub(crate) async fn list_pending_notifications(
    pool: &PgPool,
    company_id: Option<CompanyId>,
    limit: i64,
) -> StoreResult<Vec<Notification>> {
    let mut sql =
        QueryBuilder::<Postgres>::new("SELECT * FROM notifications WHERE sent_at IS NULL");
    if let Some(company_id) = company_id {
        sql.push(" AND company_id = ").push_bind(company_id);
    }
    sql.push(" ORDER BY created_at, id LIMIT ");
    sql.push_bind(if limit <= 0 {
        DEFAULT_LIST_LIMIT
    } else {
        limit
    });
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
    let marked =
        sqlx::query("UPDATE notifications SET sent_at = COALESCE(sent_at, $2) WHERE id = $1")
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
