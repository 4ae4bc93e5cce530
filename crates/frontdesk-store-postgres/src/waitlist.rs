//! The waitlist: entries, and the refill that gives a freed place to the first matching entry
//! inside the transaction that freed it. The refill runs under the slot's advisory lock (taken
//! by the change that freed it), takes the entry's row with `FOR UPDATE SKIP LOCKED` (so two
//! refills of different slots never place the same entry) and the member's lock only if it is
//! free at once: a member busy booking elsewhere is passed over for this place rather than
//! waited for, since waiting could deadlock against that booking's sorted locks.

use crate::bookings::{Target, check_limits, lock_booking, record_event, slot_resource};
use crate::rows::*;
use crate::{begin, commit, lock_key, lock_resources, map_err, outbox, rollback};
use frontdesk_domain::*;
use frontdesk_store::*;
use jiff::Timestamp;
use serde_json::json;
use sqlx::postgres::PgConnection;
use sqlx::{PgPool, Postgres, QueryBuilder};

/// Voucher codes drawn before giving up (see bookings.rs).
const VOUCHER_ATTEMPTS: usize = 32;
const DEFAULT_LIMIT: i64 = 100;

/// The advisory locks a refill of `booking`'s place needs: its slot and staff member.
pub(crate) fn refill_resources(booking: &Booking) -> Vec<String> {
    let mut resources = vec![slot_resource(booking.service_id, booking.starts_at)];
    if let Some(staff_id) = booking.staff_id {
        resources.push(format!("staff:{staff_id}"));
    }
    resources
}

pub(crate) async fn join(pool: &PgPool, new: NewWaitlistEntry) -> StoreResult<WaitlistEntry> {
    insert(pool, &new).await
}

async fn insert<'e>(
    conn: impl sqlx::Executor<'e, Database = Postgres>,
    new: &NewWaitlistEntry,
) -> StoreResult<WaitlistEntry> {
    sqlx::query_as::<_, WaitlistRow>(
        "INSERT INTO waitlist_entries (company_id, customer_id, member_id, kind, service_id,
             staff_id, first_date, last_date, from_at, to_at, time_from, time_to, weekdays,
             auto_book, status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'waiting', $15, $15)
         RETURNING *",
    )
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
    .fetch_one(conn)
    .await
    .map_err(map_err)?
    .into_model()
}

pub(crate) async fn list(pool: &PgPool, q: &WaitlistQuery) -> StoreResult<Vec<WaitlistEntry>> {
    let mut sql =
        QueryBuilder::<Postgres>::new("SELECT * FROM waitlist_entries WHERE company_id = ");
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
        let kinds: Vec<&str> = q.kinds.to_vec();
        sql.push(" AND kind = ANY(").push_bind(kinds).push(")");
    }
    if !q.statuses.is_empty() {
        let statuses: Vec<&str> = q.statuses.iter().map(|s| s.as_str()).collect();
        sql.push(" AND status = ANY(").push_bind(statuses).push(")");
    }
    let limit = if q.limit <= 0 { DEFAULT_LIMIT } else { q.limit };
    sql.push(" ORDER BY id LIMIT ").push_bind(limit);
    let rows = sql
        .build_query_as::<WaitlistRow>()
        .fetch_all(pool)
        .await
        .map_err(map_err)?;
    convert_all(rows, WaitlistRow::into_model)
}

pub(crate) async fn get(
    pool: &PgPool,
    company_id: CompanyId,
    id: i64,
) -> StoreResult<WaitlistEntry> {
    sqlx::query_as::<_, WaitlistRow>(
        "SELECT * FROM waitlist_entries WHERE company_id = $1 AND id = $2",
    )
    .bind(company_id)
    .bind(id)
    .fetch_one(pool)
    .await
    .map_err(map_err)?
    .into_model()
}

pub(crate) async fn position(pool: &PgPool, e: &WaitlistEntry) -> StoreResult<i64> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM waitlist_entries o
          WHERE o.service_id = $1 AND o.status = 'waiting' AND o.id <= $2
            AND o.first_date <= $3 AND o.last_date >= $4
            AND (o.time_from IS NULL OR $5::text IS NULL OR o.time_from <= $5)
            AND (o.time_to IS NULL OR $6::text IS NULL OR o.time_to >= $6)",
    )
    .bind(e.service_id)
    .bind(e.id)
    .bind(e.last_date.to_string())
    .bind(e.first_date.to_string())
    .bind(&e.time_to)
    .bind(&e.time_from)
    .fetch_one(pool)
    .await
    .map_err(map_err)
}

pub(crate) async fn leave(
    pool: &PgPool,
    company_id: CompanyId,
    id: i64,
    now: Timestamp,
) -> StoreResult<WaitlistEntry> {
    let row = sqlx::query_as::<_, WaitlistRow>(
        "UPDATE waitlist_entries SET status = 'left', updated_at = $3
          WHERE company_id = $1 AND id = $2 AND status = 'waiting'
          RETURNING *",
    )
    .bind(company_id)
    .bind(id)
    .bind(now.as_second())
    .fetch_optional(pool)
    .await
    .map_err(map_err)?;
    match row {
        Some(row) => row.into_model(),
        None => get(pool, company_id, id).await,
    }
}

pub(crate) async fn set_preference_entries(
    pool: &PgPool,
    member_id: MemberId,
    entries: Vec<NewWaitlistEntry>,
    now: Timestamp,
) -> StoreResult<()> {
    let mut tx = begin(pool).await?;
    let rows = sqlx::query_as::<_, WaitlistRow>(
        "SELECT * FROM waitlist_entries
          WHERE member_id = $1 AND kind = $2 AND status = 'waiting'
          FOR UPDATE",
    )
    .bind(member_id)
    .bind(WAITLIST_PREFERENCE)
    .fetch_all(&mut *tx)
    .await
    .map_err(map_err)?;
    let existing = convert_all(rows, WaitlistRow::into_model)?;
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
                    "UPDATE waitlist_entries SET first_date = $2, last_date = $3, from_at = $4,
                         to_at = $5, updated_at = $6
                      WHERE id = $1",
                )
                .bind(e.id)
                .bind(entry.first_date.to_string())
                .bind(entry.last_date.to_string())
                .bind(entry.from_at.as_second())
                .bind(entry.to_at.as_second())
                .bind(now.as_second())
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
            }
            None => {
                insert(&mut *tx, entry).await?;
            }
        }
    }
    let gone: Vec<i64> = existing
        .iter()
        .filter(|e| !kept.contains(&e.id))
        .map(|e| e.id)
        .collect();
    sqlx::query("UPDATE waitlist_entries SET status = 'left', updated_at = $2 WHERE id = ANY($1)")
        .bind(&gone)
        .bind(now.as_second())
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
    commit(tx).await
}

pub(crate) async fn refill_slot(pool: &PgPool, refill: Refill) -> StoreResult<Refilled> {
    let mut tx = begin(pool).await?;
    let mut resources = vec![slot_resource(refill.service_id, refill.starts_at)];
    if let Some(staff_id) = refill.staff_id {
        resources.push(format!("staff:{staff_id}"));
    }
    lock_resources(&mut tx, &resources).await?;
    let refilled = refill_in(&mut tx, &refill).await?;
    commit(tx).await?;
    Ok(refilled)
}

/// Gives the free places of the refill's slot to the first matching entries, in the caller's
/// transaction, which holds the slot's (and staff member's) advisory locks.
pub(crate) async fn refill_in(conn: &mut PgConnection, refill: &Refill) -> StoreResult<Refilled> {
    let target = Target {
        service_id: refill.service_id,
        staff_id: refill.staff_id,
        starts_at: refill.starts_at,
        member_id: None,
    };
    let limits = BookingLimits {
        capacity: refill.capacity,
        staff_window: refill.staff_window,
        member_quota: None,
        now: refill.now,
    };
    let mut refilled = Refilled::default();
    // Entries passed over in this refill: their member was busy or their quota full.
    let mut passed: Vec<i64> = Vec::new();
    while (refilled.placed.len() as i64) < refill.capacity {
        // The entry first: with nobody waiting (the common case) this one indexed look-up is
        // all a cancellation adds to its transaction.
        let Some(entry) = next_entry(conn, refill, &passed).await? else {
            break;
        };
        if check_limits(conn, &target, &limits, None).await?.is_some() {
            break;
        }
        if !member_free(conn, refill, &entry).await? {
            passed.push(entry.id);
            continue;
        }
        let contact = contact(conn, &entry).await?;
        let booking = place_entry(conn, refill, &entry, &contact).await?;
        let entry = get_in(conn, entry.id).await?;
        refilled.placed.push((entry, booking));
    }
    Ok(refilled)
}

/// The first waiting entry the slot matches whose member has no booking in the slot (of any
/// status) and room in their quota, locked for this transaction; entries another refill holds
/// are skipped.
async fn next_entry(
    conn: &mut PgConnection,
    refill: &Refill,
    passed: &[i64],
) -> StoreResult<Option<WaitlistEntry>> {
    let row = sqlx::query_as::<_, WaitlistRow>(
        "SELECT e.* FROM waitlist_entries e JOIN members m ON m.id = e.member_id
          WHERE e.service_id = $1 AND e.status = 'waiting' AND e.from_at <= $2 AND e.to_at > $2
            AND (e.time_from IS NULL OR e.time_from <= $3)
            AND (e.time_to IS NULL OR e.time_to >= $3)
            AND (e.weekdays = 0 OR (e.weekdays & $4) <> 0)
            AND (e.staff_id IS NULL OR e.staff_id = $5)
            AND e.id <> ALL($8)
            AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.member_id = e.member_id
                              AND b.service_id = e.service_id AND b.starts_at = $2)
            AND (COALESCE(m.max_active_bookings, $6) IS NULL
                 OR (SELECT COUNT(*) FROM bookings b WHERE b.member_id = e.member_id
                       AND b.status IN ('confirmed', 'held') AND b.ends_at > $7)
                    < COALESCE(m.max_active_bookings, $6))
          ORDER BY e.id
          LIMIT 1
          FOR UPDATE OF e SKIP LOCKED",
    )
    .bind(refill.service_id)
    .bind(refill.starts_at.as_second())
    .bind(&refill.local_time)
    .bind(refill.weekday_bit)
    .bind(refill.staff_id)
    .bind(refill.default_quota)
    .bind(refill.now.as_second())
    .bind(passed)
    .fetch_optional(&mut *conn)
    .await
    .map_err(map_err)?;
    row.map(WaitlistRow::into_model).transpose()
}

/// Takes the member's lock if nobody holds it, then checks their quota again (a booking of
/// theirs may have committed since the entry was chosen).
async fn member_free(
    conn: &mut PgConnection,
    refill: &Refill,
    entry: &WaitlistEntry,
) -> StoreResult<bool> {
    let locked: bool = sqlx::query_scalar("SELECT pg_try_advisory_xact_lock($1)")
        .bind(lock_key(&format!("member:{}", entry.member_id)))
        .fetch_one(&mut *conn)
        .await
        .map_err(map_err)?;
    if !locked {
        return Ok(false);
    }
    let room: bool = sqlx::query_scalar(
        "SELECT COALESCE(m.max_active_bookings, $2) IS NULL
             OR (SELECT COUNT(*) FROM bookings b WHERE b.member_id = m.id
                   AND b.status IN ('confirmed', 'held') AND b.ends_at > $3)
                < COALESCE(m.max_active_bookings, $2)
           FROM members m WHERE m.id = $1",
    )
    .bind(entry.member_id)
    .bind(refill.default_quota)
    .bind(refill.now.as_second())
    .fetch_one(&mut *conn)
    .await
    .map_err(map_err)?;
    Ok(room)
}

#[derive(sqlx::FromRow)]
struct ContactRow {
    phone: String,
    email: Option<String>,
    customer_name: Option<String>,
    member_name: String,
}

async fn contact(conn: &mut PgConnection, entry: &WaitlistEntry) -> StoreResult<EntryContact> {
    let row = sqlx::query_as::<_, ContactRow>(
        "SELECT c.phone, c.email, c.name AS customer_name, m.name AS member_name
           FROM customers c JOIN members m ON m.customer_id = c.id
          WHERE c.id = $1 AND m.id = $2",
    )
    .bind(entry.customer_id)
    .bind(entry.member_id)
    .fetch_one(&mut *conn)
    .await
    .map_err(map_err)?;
    Ok(EntryContact {
        phone: row.phone,
        email: row.email,
        customer_name: row.customer_name,
        member_name: row.member_name,
    })
}

/// Books (auto-book) or holds the place for the entry, moves the entry on and queues its
/// messages.
async fn place_entry(
    conn: &mut PgConnection,
    refill: &Refill,
    entry: &WaitlistEntry,
    contact: &EntryContact,
) -> StoreResult<Booking> {
    let (status, hold_until) = if entry.auto_book {
        (BookingStatus::Confirmed, None)
    } else {
        (BookingStatus::Held, Some(refill.hold_until.as_second()))
    };
    let (blocked_from, blocked_to) = refill
        .staff_window
        .unwrap_or((refill.starts_at, refill.ends_at));
    let mut inserted = None;
    for _ in 0..VOUCHER_ATTEMPTS {
        inserted = sqlx::query_as::<_, BookingRow>(
            "INSERT INTO bookings
                 (company_id, branch_id, service_id, staff_id, customer_id, member_id,
                  starts_at, ends_at, status, voucher_code, source, created_at, updated_at,
                  blocked_from, blocked_to, hold_until, waitlist_entry_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13, $14, $15, $16)
             ON CONFLICT ON CONSTRAINT bookings_voucher_unique DO NOTHING
             RETURNING *",
        )
        .bind(entry.company_id)
        .bind(refill.branch_id)
        .bind(refill.service_id)
        .bind(refill.staff_id)
        .bind(entry.customer_id)
        .bind(entry.member_id)
        .bind(refill.starts_at.as_second())
        .bind(refill.ends_at.as_second())
        .bind(status.as_str())
        .bind(new_voucher_code())
        .bind(BookingSource::Waitlist.as_str())
        .bind(refill.now.as_second())
        .bind(blocked_from.as_second())
        .bind(blocked_to.as_second())
        .bind(hold_until)
        .bind(entry.id)
        .fetch_optional(&mut *conn)
        .await
        .map_err(map_err)?;
        if inserted.is_some() {
            break;
        }
    }
    let Some(row) = inserted else {
        return Err(StoreError::Other(format!(
            "no free voucher code for company {} after {VOUCHER_ATTEMPTS} attempts",
            entry.company_id
        )));
    };
    let booking = row.into_model()?;
    record_event(
        conn,
        booking.id,
        "created",
        json!({
            "service_id": booking.service_id,
            "staff_id": booking.staff_id,
            "starts_at": booking.starts_at,
            "ends_at": booking.ends_at,
            "source": booking.source.as_str(),
            "voucher_code": booking.voucher_code,
            "waitlist_entry_id": entry.id,
            "held_until": booking.hold_until,
        }),
        refill.now,
    )
    .await?;

    // A request is done once placed; a preference stays for the next place.
    let entry_status = match (entry.kind.as_str(), entry.auto_book) {
        (WAITLIST_PREFERENCE, _) => WaitlistStatus::Waiting,
        (_, true) => WaitlistStatus::Booked,
        (_, false) => WaitlistStatus::Offered,
    };
    sqlx::query(
        "UPDATE waitlist_entries SET status = $2, booking_id = $3, updated_at = $4 WHERE id = $1",
    )
    .bind(entry.id)
    .bind(entry_status.as_str())
    .bind(booking.id)
    .bind(refill.now.as_second())
    .execute(&mut *conn)
    .await
    .map_err(map_err)?;
    let drafts = refill.drafts_for(entry.auto_book, contact);
    outbox::queue(conn, &drafts, &booking, refill.now).await?;
    Ok(booking)
}

async fn get_in(conn: &mut PgConnection, id: i64) -> StoreResult<WaitlistEntry> {
    sqlx::query_as::<_, WaitlistRow>("SELECT * FROM waitlist_entries WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *conn)
        .await
        .map_err(map_err)?
        .into_model()
}

/// Moves the entry a held booking was made for to `status` (an offered entry only).
pub(crate) async fn settle_entry(
    conn: &mut PgConnection,
    booking: &Booking,
    status: WaitlistStatus,
    now: Timestamp,
) -> StoreResult<()> {
    if let Some(entry_id) = booking.waitlist_entry_id {
        sqlx::query(
            "UPDATE waitlist_entries SET status = $2, updated_at = $3
              WHERE id = $1 AND status = 'offered'",
        )
        .bind(entry_id)
        .bind(status.as_str())
        .bind(now.as_second())
        .execute(&mut *conn)
        .await
        .map_err(map_err)?;
    }
    Ok(())
}

pub(crate) async fn confirm_hold(
    pool: &PgPool,
    company_id: CompanyId,
    id: BookingId,
    notifications: Vec<NotificationDraft>,
    now: Timestamp,
) -> StoreResult<HoldOutcome> {
    let mut tx = begin(pool).await?;
    let current = lock_booking(&mut tx, company_id, id).await?;
    let held = current.status == BookingStatus::Held
        && current.hold_until.is_some_and(|until| until > now);
    if !held {
        rollback(tx).await;
        return Ok(HoldOutcome::NotHeld(current));
    }
    let booking = sqlx::query_as::<_, BookingRow>(
        "UPDATE bookings SET status = 'confirmed', hold_until = NULL, updated_at = $2
          WHERE id = $1 RETURNING *",
    )
    .bind(id)
    .bind(now.as_second())
    .fetch_one(&mut *tx)
    .await
    .map_err(map_err)?
    .into_model()?;
    record_event(&mut tx, id, "confirmed", json!({}), now).await?;
    settle_entry(&mut tx, &booking, WaitlistStatus::Booked, now).await?;
    outbox::queue(&mut tx, &notifications, &booking, now).await?;
    commit(tx).await?;
    Ok(HoldOutcome::Confirmed(booking))
}

pub(crate) async fn held_for_phone(
    pool: &PgPool,
    phone: &str,
    now: Timestamp,
) -> StoreResult<Vec<Booking>> {
    let rows = sqlx::query_as::<_, BookingRow>(
        "SELECT * FROM bookings
          WHERE status = 'held' AND hold_until > $1
            AND customer_id IN (SELECT id FROM customers WHERE phone = $2)
          ORDER BY hold_until, id LIMIT 20",
    )
    .bind(now.as_second())
    .bind(phone)
    .fetch_all(pool)
    .await
    .map_err(map_err)?;
    convert_all(rows, BookingRow::into_model)
}

pub(crate) async fn lapsed_holds(
    pool: &PgPool,
    now: Timestamp,
    limit: i64,
) -> StoreResult<Vec<Booking>> {
    let rows = sqlx::query_as::<_, BookingRow>(
        "SELECT * FROM bookings WHERE status = 'held' AND hold_until <= $1
          ORDER BY hold_until, id LIMIT $2",
    )
    .bind(now.as_second())
    .bind(limit)
    .fetch_all(pool)
    .await
    .map_err(map_err)?;
    convert_all(rows, BookingRow::into_model)
}

pub(crate) async fn release_hold(
    pool: &PgPool,
    company_id: CompanyId,
    id: BookingId,
    refill: Option<Refill>,
    now: Timestamp,
) -> StoreResult<bool> {
    let mut tx = begin(pool).await?;
    let current = lock_booking(&mut tx, company_id, id).await?;
    let lapsed = current.status == BookingStatus::Held
        && current.hold_until.is_some_and(|until| until <= now);
    if !lapsed {
        rollback(tx).await;
        return Ok(false);
    }
    if refill.is_some() {
        lock_resources(&mut tx, &refill_resources(&current)).await?;
    }
    let booking = sqlx::query_as::<_, BookingRow>(
        "UPDATE bookings SET status = 'cancelled', cancellation_reason = 'hold_lapsed',
             cancelled_at = $2, refund_applicable = TRUE, updated_at = $2, hold_until = NULL
          WHERE id = $1 RETURNING *",
    )
    .bind(id)
    .bind(now.as_second())
    .fetch_one(&mut *tx)
    .await
    .map_err(map_err)?
    .into_model()?;
    record_event(&mut tx, id, "hold_lapsed", json!({}), now).await?;
    settle_entry(&mut tx, &booking, WaitlistStatus::Lapsed, now).await?;
    if let Some(refill) = &refill {
        refill_in(&mut tx, refill).await?;
    }
    commit(tx).await?;
    Ok(true)
}

pub(crate) async fn counts(s: &PgPool) -> StoreResult<Vec<(WaitlistStatus, i64)>> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT status, COUNT(*) FROM waitlist_entries \
         WHERE status IN ('waiting', 'offered') GROUP BY status",
    )
    .fetch_all(s)
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

pub(crate) async fn expire(pool: &PgPool, now: Timestamp) -> StoreResult<u64> {
    let done = sqlx::query(
        "UPDATE waitlist_entries SET status = 'expired', updated_at = $1
          WHERE status = 'waiting' AND to_at <= $1",
    )
    .bind(now.as_second())
    .execute(pool)
    .await
    .map_err(map_err)?;
    Ok(done.rows_affected())
}
