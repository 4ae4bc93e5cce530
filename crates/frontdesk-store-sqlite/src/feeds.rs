//! Calendar feeds: the secret URLs of a branch's or a staff member's bookings (stored only as
//! token hashes), and the bookings a feed shows.

use crate::rows::{BookingRow, booking_cols, ts};
use crate::{SqliteStore, map_err};
use frontdesk_domain::*;
use frontdesk_store::*;
use jiff::Timestamp;

const FEED_COLS: &str = "id, company_id, branch_id, staff_id, created_at, revoked_at";

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
            created_at: ts("calendar_feeds.created_at", self.created_at)?,
            revoked_at: self
                .revoked_at
                .map(|s| ts("calendar_feeds.revoked_at", s))
                .transpose()?,
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
    s: &SqliteStore,
    new: NewCalendarFeed,
) -> StoreResult<CalendarFeed> {
    let (branch_id, staff_id) = subject_columns(new.subject);
    let row: FeedRow = sqlx::query_as(&format!(
        "INSERT INTO calendar_feeds (company_id, branch_id, staff_id, token_hash, created_at) \
         VALUES (?, ?, ?, ?, ?) RETURNING {FEED_COLS}"
    ))
    .bind(new.company_id)
    .bind(branch_id)
    .bind(staff_id)
    .bind(&new.token_hash)
    .bind(new.now.as_second())
    .fetch_one(&s.write)
    .await
    .map_err(map_err)?;
    row.into_model()
}

pub(crate) async fn find_calendar_feed_by_token_hash(
    s: &SqliteStore,
    hash: &str,
) -> StoreResult<CalendarFeed> {
    let row: FeedRow = sqlx::query_as(&format!(
        "SELECT {FEED_COLS} FROM calendar_feeds WHERE token_hash = ?"
    ))
    .bind(hash)
    .fetch_one(&s.read)
    .await
    .map_err(map_err)?;
    row.into_model()
}

pub(crate) async fn get_calendar_feed(
    s: &SqliteStore,
    id: CalendarFeedId,
) -> StoreResult<CalendarFeed> {
    let row: FeedRow = sqlx::query_as(&format!(
        "SELECT {FEED_COLS} FROM calendar_feeds WHERE id = ?"
    ))
    .bind(id)
    .fetch_one(&s.read)
    .await
    .map_err(map_err)?;
    row.into_model()
}

pub(crate) async fn list_calendar_feeds(
    s: &SqliteStore,
    company_id: CompanyId,
) -> StoreResult<Vec<CalendarFeed>> {
    let rows: Vec<FeedRow> = sqlx::query_as(&format!(
        "SELECT {FEED_COLS} FROM calendar_feeds WHERE company_id = ? ORDER BY id"
    ))
    .bind(company_id)
    .fetch_all(&s.read)
    .await
    .map_err(map_err)?;
    rows.into_iter().map(FeedRow::into_model).collect()
}

pub(crate) async fn revoke_calendar_feed(
    s: &SqliteStore,
    id: CalendarFeedId,
    now: Timestamp,
) -> StoreResult<CalendarFeed> {
    // COALESCE keeps the first revocation time when a feed is revoked twice.
    let row: FeedRow = sqlx::query_as(&format!(
        "UPDATE calendar_feeds SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ? \
         RETURNING {FEED_COLS}"
    ))
    .bind(now.as_second())
    .bind(id)
    .fetch_one(&s.write)
    .await
    .map_err(map_err)?;
    row.into_model()
}

#[derive(sqlx::FromRow)]
struct FeedBookingRow {
    #[sqlx(flatten)]
    booking: BookingRow,
    member_name: Option<String>,
}

pub(crate) async fn feed_bookings(
    s: &SqliteStore,
    q: &FeedBookingsQuery,
) -> StoreResult<Vec<FeedBooking>> {
    let (branch_id, staff_id) = subject_columns(q.subject);
    // `? IS NULL OR column = ?` lets one statement serve both kinds of feed; the company
    // is checked too, so a feed never shows another company's booking.
    let rows: Vec<FeedBookingRow> = sqlx::query_as(concat!(
        "SELECT ",
        booking_cols!(),
        ", (SELECT m.name FROM members m WHERE m.id = bookings.member_id) AS member_name \
         FROM bookings WHERE company_id = ? \
         AND (? IS NULL OR branch_id = ?) AND (? IS NULL OR staff_id = ?) \
         AND starts_at < ? AND ends_at > ? \
         AND (status <> 'cancelled' OR cancelled_at > ?) \
         ORDER BY starts_at, id LIMIT ?"
    ))
    .bind(q.company_id)
    .bind(branch_id)
    .bind(branch_id)
    .bind(staff_id)
    .bind(staff_id)
    .bind(q.to.as_second())
    .bind(q.from.as_second())
    .bind(q.cancelled_after.as_second())
    .bind(q.limit.max(1))
    .fetch_all(&s.read)
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
