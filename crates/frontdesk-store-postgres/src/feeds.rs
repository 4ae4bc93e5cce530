//! Calendar feeds: the secret URLs of a branch's or a staff member's bookings (stored only as
//! token hashes), and the bookings a feed shows.

use crate::map_err;
use crate::rows::{BookingRow, convert_all, opt_ts, ts};
use frontdesk_domain::*;
use frontdesk_store::*;
use jiff::Timestamp;
use sqlx::PgPool;

#[derive(sqlx::FromRow)]
struct FeedRow {
    id: i64,
    company_id: i64,
    branch_id: Option<i64>,
    staff_id: Option<i64>,
    created_at: i64,
    revoked_at: Option<i64>,
}

impl FeedRow {
    fn into_model(self) -> StoreResult<CalendarFeed> {
        let subject = match (self.branch_id, self.staff_id) {
            (Some(branch), None) => FeedSubject::Branch(branch),
            (None, Some(staff)) => FeedSubject::Staff(staff),
            _ => {
                return Err(StoreError::Corrupt(format!(
                    "calendar_feeds {}: not exactly one of branch_id, staff_id",
                    self.id
                )));
            }
        };
        Ok(CalendarFeed {
            id: self.id,
            company_id: self.company_id,
            subject,
            created_at: ts(self.created_at, "calendar_feeds.created_at")?,
            revoked_at: opt_ts(self.revoked_at, "calendar_feeds.revoked_at")?,
        })
    }
}

fn subject_columns(subject: FeedSubject) -> (Option<BranchId>, Option<StaffId>) {
    match subject {
        FeedSubject::Branch(id) => (Some(id), None),
        FeedSubject::Staff(id) => (None, Some(id)),
    }
}

pub(crate) async fn create_calendar_feed(
    pool: &PgPool,
    new: NewCalendarFeed,
) -> StoreResult<CalendarFeed> {
    let (branch_id, staff_id) = subject_columns(new.subject);
    sqlx::query_as::<_, FeedRow>(
        "INSERT INTO calendar_feeds (company_id, branch_id, staff_id, token_hash, created_at)
         VALUES ($1, $2, $3, $4, $5)
         RETURNING *",
    )
    .bind(new.company_id)
    .bind(branch_id)
    .bind(staff_id)
    .bind(&new.token_hash)
    .bind(new.now.as_second())
    .fetch_one(pool)
    .await
    .map_err(map_err)?
    .into_model()
}

pub(crate) async fn find_calendar_feed_by_token_hash(
    pool: &PgPool,
    hash: &str,
) -> StoreResult<CalendarFeed> {
    sqlx::query_as::<_, FeedRow>("SELECT * FROM calendar_feeds WHERE token_hash = $1")
        .bind(hash)
        .fetch_one(pool)
        .await
        .map_err(map_err)?
        .into_model()
}

pub(crate) async fn get_calendar_feed(
    pool: &PgPool,
    id: CalendarFeedId,
) -> StoreResult<CalendarFeed> {
    sqlx::query_as::<_, FeedRow>("SELECT * FROM calendar_feeds WHERE id = $1")
        .bind(id)
        .fetch_one(pool)
        .await
        .map_err(map_err)?
        .into_model()
}

pub(crate) async fn list_calendar_feeds(
    pool: &PgPool,
    company_id: CompanyId,
) -> StoreResult<Vec<CalendarFeed>> {
    let rows = sqlx::query_as::<_, FeedRow>(
        "SELECT * FROM calendar_feeds WHERE company_id = $1 ORDER BY id",
    )
    .bind(company_id)
    .fetch_all(pool)
    .await
    .map_err(map_err)?;
    convert_all(rows, FeedRow::into_model)
}

/// Revoking again keeps the first revocation time.
pub(crate) async fn revoke_calendar_feed(
    pool: &PgPool,
    id: CalendarFeedId,
    now: Timestamp,
) -> StoreResult<CalendarFeed> {
    sqlx::query_as::<_, FeedRow>(
        "UPDATE calendar_feeds SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1
         RETURNING *",
    )
    .bind(id)
    .bind(now.as_second())
    .fetch_one(pool)
    .await
    .map_err(map_err)?
    .into_model()
}

#[derive(sqlx::FromRow)]
struct FeedBookingRow {
    #[sqlx(flatten)]
    booking: BookingRow,
    member_name: Option<String>,
}

pub(crate) async fn feed_bookings(
    pool: &PgPool,
    q: &FeedBookingsQuery,
) -> StoreResult<Vec<FeedBooking>> {
    let (branch_id, staff_id) = subject_columns(q.subject);
    // The company is checked too, so a feed never shows another company's booking.
    let rows = sqlx::query_as::<_, FeedBookingRow>(
        "SELECT b.*, m.name AS member_name
           FROM bookings b
           LEFT JOIN members m ON m.id = b.member_id
          WHERE b.company_id = $1
            AND ($2::BIGINT IS NULL OR b.branch_id = $2)
            AND ($3::BIGINT IS NULL OR b.staff_id = $3)
            AND b.starts_at < $4 AND b.ends_at > $5
            AND (b.status <> 'cancelled' OR b.cancelled_at > $6)
          ORDER BY b.starts_at, b.id
          LIMIT $7",
    )
    .bind(q.company_id)
    .bind(branch_id)
    .bind(staff_id)
    .bind(q.to.as_second())
    .bind(q.from.as_second())
    .bind(q.cancelled_after.as_second())
    .bind(q.limit.max(1))
    .fetch_all(pool)
    .await
    .map_err(map_err)?;
    rows.into_iter()
        .map(|row| {
            Ok(FeedBooking {
                booking: row.booking.into_model()?,
                member_name: row.member_name,
            })
        })
        .collect()
}
