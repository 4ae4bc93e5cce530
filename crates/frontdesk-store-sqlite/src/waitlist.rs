//! The waitlist: entries, and the refill that gives a freed place to the first matching entry
//! inside the transaction that freed it. On SQLite every write goes through the one writer
//! connection, so two refills never race for the same entry or place.

use crate::bookings::{Placement, add_event, check_place, free_voucher_code, load};
use crate::rows::*;
use crate::writer::Done;
use crate::{SqliteStore, map_err, outbox};
use frontdesk_domain::*;
use frontdesk_store::*;
use jiff::Timestamp;
use serde_json::json;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

const DEFAULT_LIMIT: i64 = 100;

pub(crate) async fn join(s: &SqliteStore, new: NewWaitlistEntry) -> StoreResult<WaitlistEntry> {
    s.writer
        .write(move |conn| Box::pin(async move { insert(conn, &new).await.map(Done::Keep) }))
        .await
}

async fn insert<'e>(
    conn: impl sqlx::Executor<'e, Database = Sqlite>,
    new: &NewWaitlistEntry,
) -> StoreResult<WaitlistEntry> {
    let row: WaitlistRow = sqlx::query_as(concat!(
        "INSERT INTO waitlist_entries (company_id, customer_id, member_id, kind, service_id, \
         staff_id, first_date, last_date, from_at, to_at, time_from, time_to, weekdays, \
         auto_book, status, created_at, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'waiting', ?, ?) RETURNING ",
        waitlist_cols!()
    ))
    .bind(new.company_id)
    .bind(new.customer_id)
    .bind(new.member_id)
    .bind(new.kind)
    .bind(new.service_id)
    .bind(new.staff_id)
    .bind(new.first_date.to_string())
    .bind(new.last_date.to_string())
    .bind(new.from_at.as_second())
    .bind(new.to_at.as_second())
    .bind(&new.time_from)
    .bind(&new.time_to)
    .bind(new.weekdays)
    .bind(new.auto_book)
    .bind(new.now.as_second())
    .bind(new.now.as_second())
    .fetch_one(conn)
    .await
    .map_err(map_err)?;
    row.into_model()
}

pub(crate) async fn list(s: &SqliteStore, q: &WaitlistQuery) -> StoreResult<Vec<WaitlistEntry>> {
    let mut sql = QueryBuilder::<Sqlite>::new(concat!(
        "SELECT ",
        waitlist_cols!(),
        " FROM waitlist_entries WHERE company_id = "
    ));
    sql.push_bind(q.company_id);
    if let Some(customer_id) = q.customer_id {
        sql.push(" AND customer_id = ").push_bind(customer_id);
    }
    if let Some(member_id) = q.member_id {
        sql.push(" AND member_id = ").push_bind(member_id);
    }
    if let Some(service_id) = q.service_id {
        sql.push(" AND service_id = ").push_bind(service_id);
    }
    if !q.kinds.is_empty() {
        sql.push(" AND kind IN (");
        let mut list = sql.separated(", ");
        for kind in &q.kinds {
            list.push_bind(*kind);
        }
        sql.push(")");
    }
    if !q.statuses.is_empty() {
        sql.push(" AND status IN (");
        let mut list = sql.separated(", ");
        for status in &q.statuses {
            list.push_bind(status.as_str());
        }
        sql.push(")");
    }
    let limit = if q.limit <= 0 { DEFAULT_LIMIT } else { q.limit };
    sql.push(" ORDER BY id LIMIT ").push_bind(limit);
    let rows: Vec<WaitlistRow> = sql
        .build_query_as()
        .fetch_all(&s.read)
        .await
        .map_err(map_err)?;
    rows.into_iter().map(WaitlistRow::into_model).collect()
}

pub(crate) async fn get(
    s: &SqliteStore,
    company_id: CompanyId,
    id: i64,
) -> StoreResult<WaitlistEntry> {
    let mut conn = s.read.acquire().await.map_err(map_err)?;
    get_in(&mut conn, company_id, id).await
}

pub(crate) async fn position(s: &SqliteStore, e: &WaitlistEntry) -> StoreResult<i64> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM waitlist_entries o \
         WHERE o.service_id = ? AND o.status = 'waiting' AND o.id <= ? \
           AND o.first_date <= ? AND o.last_date >= ? \
           AND (o.time_from IS NULL OR ? IS NULL OR o.time_from <= ?) \
           AND (o.time_to IS NULL OR ? IS NULL OR o.time_to >= ?)",
    )
    .bind(e.service_id)
    .bind(e.id)
    .bind(e.last_date.to_string())
    .bind(e.first_date.to_string())
    .bind(&e.time_to)
    .bind(&e.time_to)
    .bind(&e.time_from)
    .bind(&e.time_from)
    .fetch_one(&s.read)
    .await
    .map_err(map_err)
}

pub(crate) async fn leave(
    s: &SqliteStore,
    company_id: CompanyId,
    id: i64,
    now: Timestamp,
) -> StoreResult<WaitlistEntry> {
    let row: Option<WaitlistRow> = s
        .writer
        .write(move |conn| {
            Box::pin(async move {
                sqlx::query_as(concat!(
                    "UPDATE waitlist_entries SET status = 'left', updated_at = ? \
                     WHERE company_id = ? AND id = ? AND status = 'waiting' RETURNING ",
                    waitlist_cols!()
                ))
                .bind(now.as_second())
                .bind(company_id)
                .bind(id)
                .fetch_optional(&mut *conn)
                .await
                .map(Done::Keep)
                .map_err(map_err)
            })
        })
        .await?;
    match row {
        Some(row) => row.into_model(),
        None => get(s, company_id, id).await,
    }
}

pub(crate) async fn set_preference_entries(
    s: &SqliteStore,
    member_id: MemberId,
    entries: Vec<NewWaitlistEntry>,
    now: Timestamp,
) -> StoreResult<()> {
    let mut tx = s.begin_write().await?;
    let rows: Vec<WaitlistRow> = sqlx::query_as(concat!(
        "SELECT ",
        waitlist_cols!(),
        " FROM waitlist_entries WHERE member_id = ? AND kind = ? AND status = 'waiting'"
    ))
    .bind(member_id)
    .bind(WAITLIST_PREFERENCE)
    .fetch_all(&mut *tx)
    .await
    .map_err(map_err)?;
    let existing = rows
        .into_iter()
        .map(WaitlistRow::into_model)
        .collect::<StoreResult<Vec<_>>>()?;
    let mut kept = Vec::new();
    for entry in &entries {
        match existing
            .iter()
            .find(|e| !kept.contains(&e.id) && entry.same_wish(e))
        {
            // The same wish keeps its entry (and place in line), with the new dates.
            Some(e) => {
                kept.push(e.id);
                sqlx::query(
                    "UPDATE waitlist_entries SET first_date = ?, last_date = ?, from_at = ?, \
                     to_at = ?, updated_at = ? WHERE id = ?",
                )
                .bind(entry.first_date.to_string())
                .bind(entry.last_date.to_string())
                .bind(entry.from_at.as_second())
                .bind(entry.to_at.as_second())
                .bind(now.as_second())
                .bind(e.id)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
            }
            None => {
                insert(&mut *tx, entry).await?;
            }
        }
    }
    for e in existing.iter().filter(|e| !kept.contains(&e.id)) {
        sqlx::query("UPDATE waitlist_entries SET status = 'left', updated_at = ? WHERE id = ?")
            .bind(now.as_second())
            .bind(e.id)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
    }
    tx.commit().await.map_err(map_err)?;
    Ok(())
}

pub(crate) async fn refill_slot(s: &SqliteStore, refill: Refill) -> StoreResult<Refilled> {
    s.writer
        .write(move |conn| Box::pin(async move { refill_in(conn, &refill).await.map(Done::Keep) }))
        .await
}

/// Gives the free places of the refill's slot to the first matching entries, in the caller's
/// transaction.
pub(crate) async fn refill_in(
    conn: &mut SqliteConnection,
    refill: &Refill,
) -> StoreResult<Refilled> {
    let place = Placement {
        service_id: refill.service_id,
        staff_id: refill.staff_id,
        starts_at: refill.starts_at,
    };
    let limits = BookingLimits {
        capacity: refill.capacity,
        staff_window: refill.staff_window,
        member_quota: None,
        now: refill.now,
    };
    let mut refilled = Refilled::default();
    // Each round takes one place; capacity bounds the rounds.
    for _ in 0..refill.capacity.max(0) {
        // The entry first: with nobody waiting (the common case) this one indexed look-up is
        // all a cancellation adds to the writer's transaction.
        let Some((entry, contact)) = next_entry(conn, refill).await? else {
            break;
        };
        if check_place(conn, &place, &limits, None).await?.is_some() {
            break;
        }
        let booking = place_entry(conn, refill, &entry, &contact).await?;
        let entry = crate::waitlist::get_in(conn, entry.company_id, entry.id).await?;
        refilled.placed.push((entry, booking));
    }
    Ok(refilled)
}

#[derive(sqlx::FromRow)]
struct ContactRow {
    phone: String,
    email: Option<String>,
    customer_name: Option<String>,
    member_name: String,
}

/// The first waiting entry the slot matches whose member has no booking in the slot (of any
/// status) and room in their quota.
async fn next_entry(
    conn: &mut SqliteConnection,
    refill: &Refill,
) -> StoreResult<Option<(WaitlistEntry, EntryContact)>> {
    let start = refill.starts_at.as_second();
    let id: Option<i64> = sqlx::query_scalar(
        "SELECT e.id FROM waitlist_entries e JOIN members m ON m.id = e.member_id \
         WHERE e.service_id = ? AND e.status = 'waiting' AND e.from_at <= ? AND e.to_at > ? \
           AND (e.time_from IS NULL OR e.time_from <= ?) AND (e.time_to IS NULL OR e.time_to >= ?) \
           AND (e.weekdays = 0 OR (e.weekdays & ?) <> 0) \
           AND (e.staff_id IS NULL OR e.staff_id = ?) \
           AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.member_id = e.member_id \
                           AND b.service_id = e.service_id AND b.starts_at = ?) \
           AND (COALESCE(m.max_active_bookings, ?) IS NULL \
                OR (SELECT COUNT(*) FROM bookings b WHERE b.member_id = e.member_id \
                    AND b.status IN ('confirmed', 'held') AND b.ends_at > ?) \
                   < COALESCE(m.max_active_bookings, ?)) \
         ORDER BY e.id LIMIT 1",
    )
    .bind(refill.service_id)
    .bind(start)
    .bind(start)
    .bind(&refill.local_time)
    .bind(&refill.local_time)
    .bind(refill.weekday_bit)
    .bind(refill.staff_id)
    .bind(start)
    .bind(refill.default_quota)
    .bind(refill.now.as_second())
    .bind(refill.default_quota)
    .fetch_optional(&mut *conn)
    .await
    .map_err(map_err)?;
    let Some(id) = id else {
        return Ok(None);
    };
    let row: WaitlistRow = sqlx::query_as(concat!(
        "SELECT ",
        waitlist_cols!(),
        " FROM waitlist_entries WHERE id = ?"
    ))
    .bind(id)
    .fetch_one(&mut *conn)
    .await
    .map_err(map_err)?;
    let entry = row.into_model()?;
    let contact: ContactRow = sqlx::query_as(
        "SELECT c.phone, c.email, c.name AS customer_name, m.name AS member_name \
         FROM customers c JOIN members m ON m.customer_id = c.id \
         WHERE c.id = ? AND m.id = ?",
    )
    .bind(entry.customer_id)
    .bind(entry.member_id)
    .fetch_one(&mut *conn)
    .await
    .map_err(map_err)?;
    let contact = EntryContact {
        phone: contact.phone,
        email: contact.email,
        customer_name: contact.customer_name,
        member_name: contact.member_name,
    };
    Ok(Some((entry, contact)))
}

/// Books (auto-book) or holds the place for the entry, moves the entry on and queues its
/// messages.
async fn place_entry(
    conn: &mut SqliteConnection,
    refill: &Refill,
    entry: &WaitlistEntry,
    contact: &EntryContact,
) -> StoreResult<Booking> {
    let (status, hold_until) = if entry.auto_book {
        (BookingStatus::Confirmed, None)
    } else {
        (BookingStatus::Held, Some(refill.hold_until.as_second()))
    };
    let voucher = free_voucher_code(conn, entry.company_id).await?;
    let now = refill.now.as_second();
    let (blocked_from, blocked_to) = refill
        .staff_window
        .unwrap_or((refill.starts_at, refill.ends_at));
    let row: BookingRow = sqlx::query_as(concat!(
        "INSERT INTO bookings (company_id, branch_id, service_id, staff_id, customer_id, \
         member_id, starts_at, ends_at, status, voucher_code, source, created_at, updated_at, \
         blocked_from, blocked_to, hold_until, waitlist_entry_id) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING ",
        booking_cols!()
    ))
    .bind(entry.company_id)
    .bind(refill.branch_id)
    .bind(refill.service_id)
    .bind(refill.staff_id)
    .bind(entry.customer_id)
    .bind(entry.member_id)
    .bind(refill.starts_at.as_second())
    .bind(refill.ends_at.as_second())
    .bind(status.as_str())
    .bind(&voucher)
    .bind(BookingSource::Waitlist.as_str())
    .bind(now)
    .bind(now)
    .bind(blocked_from.as_second())
    .bind(blocked_to.as_second())
    .bind(hold_until)
    .bind(entry.id)
    .fetch_one(&mut *conn)
    .await
    .map_err(map_err)?;
    let booking = row.into_model()?;
    let detail = json!({
        "service_id": booking.service_id,
        "staff_id": booking.staff_id,
        "starts_at": booking.starts_at,
        "ends_at": booking.ends_at,
        "source": booking.source.as_str(),
        "voucher_code": booking.voucher_code,
        "waitlist_entry_id": entry.id,
        "held_until": booking.hold_until,
    });
    add_event(conn, booking.id, "created", &detail, refill.now).await?;

    // A request is done once placed; a preference stays for the next place.
    let entry_status = match (entry.kind.as_str(), entry.auto_book) {
        (WAITLIST_PREFERENCE, _) => WaitlistStatus::Waiting,
        (_, true) => WaitlistStatus::Booked,
        (_, false) => WaitlistStatus::Offered,
    };
    sqlx::query(
        "UPDATE waitlist_entries SET status = ?, booking_id = ?, updated_at = ? WHERE id = ?",
    )
    .bind(entry_status.as_str())
    .bind(booking.id)
    .bind(now)
    .bind(entry.id)
    .execute(&mut *conn)
    .await
    .map_err(map_err)?;
    let drafts = refill.drafts_for(entry.auto_book, contact);
    outbox::queue(conn, &drafts, &booking, refill.now).await?;
    Ok(booking)
}

pub(crate) async fn get_in(
    conn: &mut SqliteConnection,
    company_id: CompanyId,
    id: i64,
) -> StoreResult<WaitlistEntry> {
    let row: WaitlistRow = sqlx::query_as(concat!(
        "SELECT ",
        waitlist_cols!(),
        " FROM waitlist_entries WHERE company_id = ? AND id = ?"
    ))
    .bind(company_id)
    .bind(id)
    .fetch_one(&mut *conn)
    .await
    .map_err(map_err)?;
    row.into_model()
}

/// Moves the entry a held booking was made for to `status` (an offered entry only).
pub(crate) async fn settle_entry(
    conn: &mut SqliteConnection,
    booking: &Booking,
    status: WaitlistStatus,
    now: Timestamp,
) -> StoreResult<()> {
    if let Some(entry_id) = booking.waitlist_entry_id {
        sqlx::query(
            "UPDATE waitlist_entries SET status = ?, updated_at = ? \
             WHERE id = ? AND status = 'offered'",
        )
        .bind(status.as_str())
        .bind(now.as_second())
        .bind(entry_id)
        .execute(&mut *conn)
        .await
        .map_err(map_err)?;
    }
    Ok(())
}

pub(crate) async fn confirm_hold(
    s: &SqliteStore,
    company_id: CompanyId,
    id: BookingId,
    notifications: Vec<NotificationDraft>,
    now: Timestamp,
) -> StoreResult<HoldOutcome> {
    s.writer
        .write(move |conn| Box::pin(confirm_hold_in(conn, company_id, id, notifications, now)))
        .await
}

async fn confirm_hold_in(
    tx: &mut SqliteConnection,
    company_id: CompanyId,
    id: BookingId,
    notifications: Vec<NotificationDraft>,
    now: Timestamp,
) -> StoreResult<Done<HoldOutcome>> {
    let current = load(tx, company_id, id).await?;
    let held = current.status == BookingStatus::Held
        && current.hold_until.is_some_and(|until| until > now);
    if !held {
        return Ok(Done::Undo(HoldOutcome::NotHeld(current)));
    }
    let row: BookingRow = sqlx::query_as(concat!(
        "UPDATE bookings SET status = 'confirmed', hold_until = NULL, updated_at = ? \
         WHERE id = ? RETURNING ",
        booking_cols!()
    ))
    .bind(now.as_second())
    .bind(id)
    .fetch_one(&mut *tx)
    .await
    .map_err(map_err)?;
    let booking = row.into_model()?;
    add_event(tx, id, "confirmed", &json!({}), now).await?;
    settle_entry(tx, &booking, WaitlistStatus::Booked, now).await?;
    outbox::queue(tx, &notifications, &booking, now).await?;
    Ok(Done::Keep(HoldOutcome::Confirmed(booking)))
}

pub(crate) async fn held_for_phone(
    s: &SqliteStore,
    phone: &str,
    now: Timestamp,
) -> StoreResult<Vec<Booking>> {
    let rows: Vec<BookingRow> = sqlx::query_as(concat!(
        "SELECT ",
        booking_cols!(),
        " FROM bookings WHERE status = 'held' AND hold_until > ? AND customer_id IN \
         (SELECT id FROM customers WHERE phone = ?) ORDER BY hold_until, id LIMIT 20"
    ))
    .bind(now.as_second())
    .bind(phone)
    .fetch_all(&s.read)
    .await
    .map_err(map_err)?;
    rows.into_iter().map(BookingRow::into_model).collect()
}

pub(crate) async fn lapsed_holds(
    s: &SqliteStore,
    now: Timestamp,
    limit: i64,
) -> StoreResult<Vec<Booking>> {
    let rows: Vec<BookingRow> = sqlx::query_as(concat!(
        "SELECT ",
        booking_cols!(),
        " FROM bookings WHERE status = 'held' AND hold_until <= ? ORDER BY hold_until, id LIMIT ?"
    ))
    .bind(now.as_second())
    .bind(limit)
    .fetch_all(&s.read)
    .await
    .map_err(map_err)?;
    rows.into_iter().map(BookingRow::into_model).collect()
}

pub(crate) async fn release_hold(
    s: &SqliteStore,
    company_id: CompanyId,
    id: BookingId,
    refill: Option<Refill>,
    now: Timestamp,
) -> StoreResult<bool> {
    s.writer
        .write(move |conn| Box::pin(release_hold_in(conn, company_id, id, refill, now)))
        .await
}

async fn release_hold_in(
    tx: &mut SqliteConnection,
    company_id: CompanyId,
    id: BookingId,
    refill: Option<Refill>,
    now: Timestamp,
) -> StoreResult<Done<bool>> {
    let current = load(tx, company_id, id).await?;
    let lapsed = current.status == BookingStatus::Held
        && current.hold_until.is_some_and(|until| until <= now);
    if !lapsed {
        return Ok(Done::Undo(false));
    }
    let row: BookingRow = sqlx::query_as(concat!(
        "UPDATE bookings SET status = 'cancelled', cancellation_reason = 'hold_lapsed', \
         cancelled_at = ?, refund_applicable = 1, updated_at = ?, hold_until = NULL \
         WHERE id = ? RETURNING ",
        booking_cols!()
    ))
    .bind(now.as_second())
    .bind(now.as_second())
    .bind(id)
    .fetch_one(&mut *tx)
    .await
    .map_err(map_err)?;
    let booking = row.into_model()?;
    add_event(tx, id, "hold_lapsed", &json!({}), now).await?;
    settle_entry(tx, &booking, WaitlistStatus::Lapsed, now).await?;
    if let Some(refill) = &refill {
        refill_in(tx, refill).await?;
    }
    Ok(Done::Keep(true))
}

pub(crate) async fn counts(s: &SqliteStore) -> StoreResult<Vec<(WaitlistStatus, i64)>> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT status, COUNT(*) FROM waitlist_entries \
         WHERE status IN ('waiting', 'offered') GROUP BY status",
    )
    .fetch_all(&s.read)
    .await
    .map_err(map_err)?;
    let mut counts = vec![(WaitlistStatus::Waiting, 0), (WaitlistStatus::Offered, 0)];
    for (status, n) in rows {
        if let Some(slot) = counts.iter_mut().find(|(s, _)| s.as_str() == status) {
            slot.1 = n;
        }
    }
    Ok(counts)
}

pub(crate) async fn expire(s: &SqliteStore, now: Timestamp) -> StoreResult<u64> {
    // A read first: the sweep runs every second and most seconds there is nothing to write.
    let due: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM waitlist_entries WHERE status = 'waiting' AND to_at <= ? LIMIT 1",
    )
    .bind(now.as_second())
    .fetch_optional(&s.read)
    .await
    .map_err(map_err)?;
    if due.is_none() {
        return Ok(0);
    }
    let done = sqlx::query(
        "UPDATE waitlist_entries SET status = 'expired', updated_at = ? \
         WHERE status = 'waiting' AND to_at <= ?",
    )
    .bind(now.as_second())
    .bind(now.as_second())
    .execute(&s.write)
    .await
    .map_err(map_err)?;
    Ok(done.rows_affected())
}
