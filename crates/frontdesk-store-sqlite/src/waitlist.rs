//! The waitlist: entries, and the refill that gives a freed place to the first matching entry
//! inside the transaction that freed it. Every write goes through the writer (see
//! [`crate::writer`]), one at a time, so two refills never race for the same entry or place.

use crate::bookings::{Placement, add_event, booking_row, check_place, free_voucher_code, load};
use crate::rows::*;
use crate::writer::{Done, map_err as write_err};
use crate::{SqliteStore, map_err, outbox};
use frontdesk_domain::*;
use frontdesk_store::*;
use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::json;
use sqlx::{QueryBuilder, Sqlite};

const DEFAULT_LIMIT: i64 = 100;
/// An entry of a company, for the writer and the readers alike.
const ENTRY_BY_ID: &str = concat!(
    "SELECT ",
    waitlist_cols!(),
    " FROM waitlist_entries WHERE company_id = ? AND id = ?"
);

pub(crate) async fn join(s: &SqliteStore, new: NewWaitlistEntry) -> StoreResult<WaitlistEntry> {
    s.writer
        .write(move |conn| insert(conn, &new).map(Done::Keep))
        .await
}

fn insert(conn: &Connection, new: &NewWaitlistEntry) -> StoreResult<WaitlistEntry> {
    conn.prepare_cached(concat!(
        "INSERT INTO waitlist_entries (company_id, customer_id, member_id, kind, service_id, \
         staff_id, first_date, last_date, from_at, to_at, time_from, time_to, weekdays, \
         auto_book, status, created_at, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'waiting', ?, ?) RETURNING ",
        waitlist_cols!()
    ))
    .and_then(|mut st| {
        st.query_row(
            params![
                new.company_id,
                new.customer_id,
                new.member_id,
                new.kind,
                new.service_id,
                new.staff_id,
                new.first_date.to_string(),
                new.last_date.to_string(),
                new.from_at.as_second(),
                new.to_at.as_second(),
                new.time_from,
                new.time_to,
                new.weekdays,
                new.auto_book,
                new.now.as_second(),
                new.now.as_second(),
            ],
            WaitlistRow::read,
        )
    })
    .map_err(write_err)?
    .into_model()
}

/// One entry as a query of the writer's connection returns it.
fn entry_row(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> StoreResult<Option<WaitlistEntry>> {
    conn.prepare_cached(sql)
        .and_then(|mut st| st.query_row(params, WaitlistRow::read).optional())
        .map_err(write_err)?
        .map(WaitlistRow::into_model)
        .transpose()
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
    s.readers
        .one(ENTRY_BY_ID, params![company_id, id], WaitlistRow::read)?
        .into_model()
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
    s.writer
        .write(move |conn| {
            let left = entry_row(
                conn,
                concat!(
                    "UPDATE waitlist_entries SET status = 'left', updated_at = ? \
                     WHERE company_id = ? AND id = ? AND status = 'waiting' RETURNING ",
                    waitlist_cols!()
                ),
                params![now.as_second(), company_id, id],
            )?;
            match left {
                Some(entry) => Ok(Done::Keep(entry)),
                None => get_in(conn, company_id, id).map(Done::Undo),
            }
        })
        .await
}

pub(crate) async fn set_preference_entries(
    s: &SqliteStore,
    member_id: MemberId,
    entries: Vec<NewWaitlistEntry>,
    now: Timestamp,
) -> StoreResult<()> {
    s.writer
        .write(move |conn| set_preferences_in(conn, member_id, &entries, now).map(Done::Keep))
        .await
}

fn set_preferences_in(
    conn: &Connection,
    member_id: MemberId,
    entries: &[NewWaitlistEntry],
    now: Timestamp,
) -> StoreResult<()> {
    let existing = {
        let mut st = conn
            .prepare_cached(concat!(
                "SELECT ",
                waitlist_cols!(),
                " FROM waitlist_entries WHERE member_id = ? AND kind = ? AND status = 'waiting'"
            ))
            .map_err(write_err)?;
        let rows = st
            .query_map(params![member_id, WAITLIST_PREFERENCE], WaitlistRow::read)
            .map_err(write_err)?;
        rows.map(|row| row.map_err(write_err).and_then(WaitlistRow::into_model))
            .collect::<StoreResult<Vec<_>>>()?
    };
    let mut kept = Vec::new();
    for entry in entries {
        match existing
            .iter()
            .find(|e| !kept.contains(&e.id) && entry.same_wish(e))
        {
            // The same wish keeps its entry (and place in line), with the new dates.
            Some(e) => {
                kept.push(e.id);
                conn.prepare_cached(
                    "UPDATE waitlist_entries SET first_date = ?, last_date = ?, from_at = ?, \
                     to_at = ?, updated_at = ? WHERE id = ?",
                )
                .and_then(|mut st| {
                    st.execute(params![
                        entry.first_date.to_string(),
                        entry.last_date.to_string(),
                        entry.from_at.as_second(),
                        entry.to_at.as_second(),
                        now.as_second(),
                        e.id
                    ])
                })
                .map_err(write_err)?;
            }
            None => {
                insert(conn, entry)?;
            }
        }
    }
    for e in existing.iter().filter(|e| !kept.contains(&e.id)) {
        conn.prepare_cached(
            "UPDATE waitlist_entries SET status = 'left', updated_at = ? WHERE id = ?",
        )
        .and_then(|mut st| st.execute(params![now.as_second(), e.id]))
        .map_err(write_err)?;
    }
    Ok(())
}

pub(crate) async fn refill_slot(s: &SqliteStore, refill: Refill) -> StoreResult<Refilled> {
    s.writer
        .write(move |conn| refill_in(conn, &refill).map(Done::Keep))
        .await
}

/// Gives the free places of the refill's slot to the first matching entries, in the caller's
/// transaction.
pub(crate) fn refill_in(conn: &Connection, refill: &Refill) -> StoreResult<Refilled> {
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
        // all a cancellation adds to the writer's transaction (`+e.to_at` keeps the planner on
        // the slot's index, in line order, rather than every waiting entry by end date).
        let Some((entry, contact)) = next_entry(conn, refill)? else {
            break;
        };
        if check_place(conn, &place, &limits, None)?.is_some() {
            break;
        }
        let booking = place_entry(conn, refill, &entry, &contact)?;
        let entry = get_in(conn, entry.company_id, entry.id)?;
        refilled.placed.push((entry, booking));
    }
    Ok(refilled)
}

/// The first waiting entry the slot matches whose member has no booking in the slot (of any
/// status) and room in their quota.
fn next_entry(
    conn: &Connection,
    refill: &Refill,
) -> StoreResult<Option<(WaitlistEntry, EntryContact)>> {
    let start = refill.starts_at.as_second();
    let id: Option<i64> = conn
        .prepare_cached(
            "SELECT e.id FROM waitlist_entries e JOIN members m ON m.id = e.member_id \
             WHERE e.service_id = ? AND e.status = 'waiting' AND e.from_at <= ? AND +e.to_at > ? \
               AND (e.time_from IS NULL OR e.time_from <= ?) \
               AND (e.time_to IS NULL OR e.time_to >= ?) \
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
        .and_then(|mut st| {
            st.query_row(
                params![
                    refill.service_id,
                    start,
                    start,
                    refill.local_time,
                    refill.local_time,
                    refill.weekday_bit,
                    refill.staff_id,
                    start,
                    refill.default_quota,
                    refill.now.as_second(),
                    refill.default_quota,
                ],
                |r| r.get(0),
            )
            .optional()
        })
        .map_err(write_err)?;
    let Some(id) = id else {
        return Ok(None);
    };
    let entry = entry_row(
        conn,
        concat!(
            "SELECT ",
            waitlist_cols!(),
            " FROM waitlist_entries WHERE id = ?"
        ),
        params![id],
    )?
    .ok_or(StoreError::NotFound)?;
    let contact = conn
        .prepare_cached(
            "SELECT c.phone, c.email, c.name, m.name \
             FROM customers c JOIN members m ON m.customer_id = c.id \
             WHERE c.id = ? AND m.id = ?",
        )
        .and_then(|mut st| {
            st.query_row(params![entry.customer_id, entry.member_id], |r| {
                Ok(EntryContact {
                    phone: r.get(0)?,
                    email: r.get(1)?,
                    customer_name: r.get(2)?,
                    member_name: r.get(3)?,
                })
            })
        })
        .map_err(write_err)?;
    Ok(Some((entry, contact)))
}

/// Books (auto-book) or holds the place for the entry, moves the entry on and queues its
/// messages.
fn place_entry(
    conn: &Connection,
    refill: &Refill,
    entry: &WaitlistEntry,
    contact: &EntryContact,
) -> StoreResult<Booking> {
    let (status, hold_until) = if entry.auto_book {
        (BookingStatus::Confirmed, None)
    } else {
        (BookingStatus::Held, Some(refill.hold_until.as_second()))
    };
    let voucher = free_voucher_code(conn, entry.company_id)?;
    let now = refill.now.as_second();
    let (blocked_from, blocked_to) = refill
        .staff_window
        .unwrap_or((refill.starts_at, refill.ends_at));
    let booking = booking_row(
        conn,
        concat!(
            "INSERT INTO bookings (company_id, branch_id, service_id, staff_id, customer_id, \
             member_id, starts_at, ends_at, status, voucher_code, source, created_at, \
             updated_at, blocked_from, blocked_to, hold_until, waitlist_entry_id) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING ",
            booking_cols!()
        ),
        params![
            entry.company_id,
            refill.branch_id,
            refill.service_id,
            refill.staff_id,
            entry.customer_id,
            entry.member_id,
            refill.starts_at.as_second(),
            refill.ends_at.as_second(),
            status.as_str(),
            voucher,
            BookingSource::Waitlist.as_str(),
            now,
            now,
            blocked_from.as_second(),
            blocked_to.as_second(),
            hold_until,
            entry.id,
        ],
    )?
    .ok_or(StoreError::NotFound)?;
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
    add_event(conn, booking.id, "created", &detail, refill.now)?;

    // A request is done once placed; a preference stays for the next place.
    let entry_status = match (entry.kind.as_str(), entry.auto_book) {
        (WAITLIST_PREFERENCE, _) => WaitlistStatus::Waiting,
        (_, true) => WaitlistStatus::Booked,
        (_, false) => WaitlistStatus::Offered,
    };
    conn.prepare_cached(
        "UPDATE waitlist_entries SET status = ?, booking_id = ?, updated_at = ? WHERE id = ?",
    )
    .and_then(|mut st| st.execute(params![entry_status.as_str(), booking.id, now, entry.id]))
    .map_err(write_err)?;
    let drafts = refill.drafts_for(entry.auto_book, contact);
    outbox::queue(conn, &drafts, &booking, refill.now)?;
    Ok(booking)
}

/// An entry of the company, inside a write.
fn get_in(conn: &Connection, company_id: CompanyId, id: i64) -> StoreResult<WaitlistEntry> {
    entry_row(conn, ENTRY_BY_ID, params![company_id, id])?.ok_or(StoreError::NotFound)
}

/// Moves the entry a held booking was made for to `status` (an offered entry only).
pub(crate) fn settle_entry(
    conn: &Connection,
    booking: &Booking,
    status: WaitlistStatus,
    now: Timestamp,
) -> StoreResult<()> {
    if let Some(entry_id) = booking.waitlist_entry_id {
        conn.prepare_cached(
            "UPDATE waitlist_entries SET status = ?, updated_at = ? \
             WHERE id = ? AND status = 'offered'",
        )
        .and_then(|mut st| st.execute(params![status.as_str(), now.as_second(), entry_id]))
        .map_err(write_err)?;
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
        .write(move |conn| confirm_hold_in(conn, company_id, id, &notifications, now))
        .await
}

fn confirm_hold_in(
    conn: &Connection,
    company_id: CompanyId,
    id: BookingId,
    notifications: &[NotificationDraft],
    now: Timestamp,
) -> StoreResult<Done<HoldOutcome>> {
    let current = load(conn, company_id, id)?;
    let held = current.status == BookingStatus::Held
        && current.hold_until.is_some_and(|until| until > now);
    if !held {
        return Ok(Done::Undo(HoldOutcome::NotHeld(current)));
    }
    let booking = booking_row(
        conn,
        concat!(
            "UPDATE bookings SET status = 'confirmed', hold_until = NULL, updated_at = ? \
             WHERE id = ? RETURNING ",
            booking_cols!()
        ),
        params![now.as_second(), id],
    )?
    .ok_or(StoreError::NotFound)?;
    add_event(conn, id, "confirmed", &json!({}), now)?;
    settle_entry(conn, &booking, WaitlistStatus::Booked, now)?;
    outbox::queue(conn, notifications, &booking, now)?;
    Ok(Done::Keep(HoldOutcome::Confirmed(booking)))
}

pub(crate) async fn held_for_phone(
    s: &SqliteStore,
    phone: &str,
    now: Timestamp,
) -> StoreResult<Vec<Booking>> {
    s.readers
        .all(
            concat!(
                "SELECT ",
                booking_cols!(),
                " FROM bookings WHERE status = 'held' AND hold_until > ? AND customer_id IN \
                 (SELECT id FROM customers WHERE phone = ?) ORDER BY hold_until, id LIMIT 20"
            ),
            params![now.as_second(), phone],
            BookingRow::read,
        )?
        .into_iter()
        .map(BookingRow::into_model)
        .collect()
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
        .write(move |conn| release_hold_in(conn, company_id, id, refill.as_ref(), now))
        .await
}

fn release_hold_in(
    conn: &Connection,
    company_id: CompanyId,
    id: BookingId,
    refill: Option<&Refill>,
    now: Timestamp,
) -> StoreResult<Done<bool>> {
    let current = load(conn, company_id, id)?;
    let lapsed = current.status == BookingStatus::Held
        && current.hold_until.is_some_and(|until| until <= now);
    if !lapsed {
        return Ok(Done::Undo(false));
    }
    let booking = booking_row(
        conn,
        concat!(
            "UPDATE bookings SET status = 'cancelled', cancellation_reason = 'hold_lapsed', \
             cancelled_at = ?, refund_applicable = 1, updated_at = ?, hold_until = NULL \
             WHERE id = ? RETURNING ",
            booking_cols!()
        ),
        params![now.as_second(), now.as_second(), id],
    )?
    .ok_or(StoreError::NotFound)?;
    add_event(conn, id, "hold_lapsed", &json!({}), now)?;
    settle_entry(conn, &booking, WaitlistStatus::Lapsed, now)?;
    if let Some(refill) = refill {
        refill_in(conn, refill)?;
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
