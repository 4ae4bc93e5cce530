//! Bookings: taking, moving and giving back places, and the reads availability is built on.
//!
//! Every write that checks a limit first takes the advisory locks of the resources it
//! checks (slot, staff member, member, idempotency key). A competitor for the same resource
//! waits until the holder commits; the counts that follow run at READ COMMITTED with a fresh
//! snapshot per statement, so they see every committed competitor and count-then-insert
//! cannot oversell, across any number of server processes.

use crate::rows::{BookingEventRow, BookingRow, convert_all};
use crate::{begin, commit, lock_resources, map_err, outbox, rollback, waitlist};
use frontdesk_domain::*;
use frontdesk_store::*;
use jiff::Timestamp;
use serde_json::json;
use sqlx::postgres::PgConnection;
use sqlx::types::Json;
use sqlx::{PgPool, Postgres, QueryBuilder};

/// Voucher codes are short, so a company with many bookings can draw a taken one; drawing
/// this many taken codes in a row means the code space is exhausted, not bad luck.
const VOUCHER_ATTEMPTS: usize = 32;

const DEFAULT_LIST_LIMIT: i64 = 100;

pub(crate) async fn create_booking(
    pool: &PgPool,
    new: NewBooking,
    limits: BookingLimits,
) -> StoreResult<BookingOutcome> {
    let mut tx = begin(pool).await?;
    // Before the locks: the member and the idempotency key are only known once the caller is
    // registered. A refusal below rolls the registration back with the booking.
    let new = register(&mut tx, new, limits.now).await?;

    // Staff and member locks are taken whenever the booking has one, even if this call does
    // not check them: another writer that does check them must see this booking.
    let mut resources = vec![slot_resource(new.service_id, new.starts_at)];
    if let Some(staff_id) = new.staff_id {
        resources.push(format!("staff:{staff_id}"));
    }
    if let Some(member_id) = new.member_id {
        resources.push(format!("member:{member_id}"));
    }
    if let Some(key) = &new.idempotency_key {
        resources.push(format!("idem:{}:{key}", new.company_id));
    }
    lock_resources(&mut tx, &resources).await?;

    if let Some(key) = &new.idempotency_key {
        let earlier = sqlx::query_as::<_, BookingRow>(
            "SELECT * FROM bookings WHERE company_id = $1 AND idempotency_key = $2",
        )
        .bind(new.company_id)
        .bind(key)
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_err)?;
        if let Some(row) = earlier {
            let booking = row.into_model()?;
            commit(tx).await?;
            return Ok(BookingOutcome::Replayed(booking));
        }
    }

    let target = Target {
        service_id: new.service_id,
        staff_id: new.staff_id,
        starts_at: new.starts_at,
        member_id: new.member_id,
    };
    if let Some(refusal) = check_limits(&mut tx, &target, &limits, None).await? {
        rollback(tx).await;
        return Ok(BookingOutcome::Refused(refusal));
    }

    let blocked = limits.staff_window.unwrap_or((new.starts_at, new.ends_at));
    let booking = insert_booking(&mut tx, &new, blocked, limits.now).await?;
    record_event(
        &mut tx,
        booking.id,
        "created",
        json!({
            "service_id": booking.service_id,
            "staff_id": booking.staff_id,
            "starts_at": booking.starts_at,
            "ends_at": booking.ends_at,
            "source": booking.source.as_str(),
            "voucher_code": booking.voucher_code,
        }),
        limits.now,
    )
    .await?;
    outbox::queue(&mut tx, &new.notifications, &booking, limits.now).await?;
    commit(tx).await?;
    Ok(BookingOutcome::Created(booking))
}

pub(crate) async fn reschedule_booking(
    pool: &PgPool,
    company_id: CompanyId,
    id: BookingId,
    to: BookingMove,
    limits: BookingLimits,
) -> StoreResult<RescheduleOutcome> {
    let mut tx = begin(pool).await?;
    // The row lock comes before the advisory locks here, and no writer ever holds an
    // advisory lock while waiting for a booking's row lock, so the two cannot deadlock.
    let before = lock_booking(&mut tx, company_id, id).await?;
    if before.status != BookingStatus::Confirmed {
        rollback(tx).await;
        return Ok(RescheduleOutcome::NotActive(before));
    }

    let mut resources = vec![slot_resource(to.service_id, to.starts_at)];
    if let Some(staff_id) = to.staff_id {
        resources.push(format!("staff:{staff_id}"));
    }
    if to.refill.is_some() {
        // The place left behind goes to the waitlist: its slot is locked in the same sorted
        // batch, so two moves in opposite directions cannot deadlock.
        resources.extend(waitlist::refill_resources(&before));
    }
    lock_resources(&mut tx, &resources).await?;

    // The member quota is not checked again: moving a booking does not add one.
    let target = Target {
        service_id: to.service_id,
        staff_id: to.staff_id,
        starts_at: to.starts_at,
        member_id: None,
    };
    if let Some(refusal) = check_limits(&mut tx, &target, &limits, Some(id)).await? {
        rollback(tx).await;
        return Ok(RescheduleOutcome::Refused(refusal));
    }
    let blocked = limits.staff_window.unwrap_or((to.starts_at, to.ends_at));

    let after = sqlx::query_as::<_, BookingRow>(
        "UPDATE bookings SET
             service_id = $2, branch_id = $3, staff_id = $4,
             starts_at = $5, ends_at = $6, updated_at = $7,
             blocked_from = $8, blocked_to = $9, sequence = sequence + 1
         WHERE id = $1
         RETURNING *",
    )
    .bind(id)
    .bind(to.service_id)
    .bind(to.branch_id)
    .bind(to.staff_id)
    .bind(to.starts_at.as_second())
    .bind(to.ends_at.as_second())
    .bind(limits.now.as_second())
    .bind(blocked.0.as_second())
    .bind(blocked.1.as_second())
    .fetch_one(&mut *tx)
    .await
    .map_err(map_err)?
    .into_model()?;
    record_event(
        &mut tx,
        id,
        "rescheduled",
        json!({
            "from": placement(&before),
            "to": placement(&after),
        }),
        limits.now,
    )
    .await?;
    outbox::withdraw_reminders(&mut tx, id, limits.now).await?;
    outbox::queue(&mut tx, &to.notifications, &after, limits.now).await?;
    if let Some(refill) = &to.refill {
        waitlist::refill_in(&mut tx, refill).await?;
    }
    commit(tx).await?;
    Ok(RescheduleOutcome::Moved { before, after })
}

pub(crate) async fn cancel_booking(
    pool: &PgPool,
    company_id: CompanyId,
    id: BookingId,
    cancellation: Cancellation,
) -> StoreResult<CancelOutcome> {
    let mut tx = begin(pool).await?;
    let before = lock_booking(&mut tx, company_id, id).await?;
    if !matches!(
        before.status,
        BookingStatus::Confirmed | BookingStatus::Held
    ) {
        rollback(tx).await;
        return Ok(CancelOutcome::NotActive(before));
    }
    if cancellation.refill.is_some() {
        lock_resources(&mut tx, &waitlist::refill_resources(&before)).await?;
    }
    let now = cancellation.now.as_second();
    let after = sqlx::query_as::<_, BookingRow>(
        "UPDATE bookings SET
             status = $2, cancellation_reason = $3, cancelled_at = $4,
             refund_applicable = $5, updated_at = $4, sequence = sequence + 1,
             hold_until = NULL
         WHERE id = $1
         RETURNING *",
    )
    .bind(id)
    .bind(BookingStatus::Cancelled.as_str())
    .bind(&cancellation.reason)
    .bind(now)
    .bind(cancellation.refund_applicable)
    .fetch_one(&mut *tx)
    .await
    .map_err(map_err)?
    .into_model()?;
    record_event(
        &mut tx,
        id,
        "cancelled",
        json!({
            "reason": cancellation.reason,
            "refund_applicable": cancellation.refund_applicable,
        }),
        cancellation.now,
    )
    .await?;
    outbox::withdraw_reminders(&mut tx, id, cancellation.now).await?;
    outbox::queue(
        &mut tx,
        &cancellation.notifications,
        &after,
        cancellation.now,
    )
    .await?;
    if before.status == BookingStatus::Held {
        // Declining an offered place: the entry is done with, like leaving the waitlist.
        waitlist::settle_entry(&mut tx, &after, WaitlistStatus::Left, cancellation.now).await?;
    }
    if let Some(refill) = &cancellation.refill {
        waitlist::refill_in(&mut tx, refill).await?;
    }
    commit(tx).await?;
    Ok(CancelOutcome::Cancelled(after))
}

pub(crate) async fn get_booking(
    pool: &PgPool,
    company_id: CompanyId,
    id: BookingId,
) -> StoreResult<Booking> {
    sqlx::query_as::<_, BookingRow>("SELECT * FROM bookings WHERE company_id = $1 AND id = $2")
        .bind(company_id)
        .bind(id)
        .fetch_one(pool)
        .await
        .map_err(map_err)?
        .into_model()
}

pub(crate) async fn get_booking_by_voucher(
    pool: &PgPool,
    company_id: CompanyId,
    code: &str,
) -> StoreResult<Booking> {
    sqlx::query_as::<_, BookingRow>(
        "SELECT * FROM bookings WHERE company_id = $1 AND voucher_code = $2",
    )
    .bind(company_id)
    .bind(code)
    .fetch_one(pool)
    .await
    .map_err(map_err)?
    .into_model()
}

pub(crate) async fn list_bookings(
    pool: &PgPool,
    query: &BookingQuery,
) -> StoreResult<Vec<Booking>> {
    let mut sql = booking_list_query("SELECT b.* FROM bookings b", query);
    let rows = sql
        .build_query_as::<BookingRow>()
        .fetch_all(pool)
        .await
        .map_err(map_err)?;
    convert_all(rows, BookingRow::into_model)
}

/// The bookings `query` lists, read by `select_from`: a `SELECT … FROM bookings b` that may
/// join other tables one row to a booking. Adds the query's filters, order and limit on `b`,
/// so every list of bookings (`list_bookings`, the desk's) holds the same bookings in the
/// same order.
pub(crate) fn booking_list_query<'a>(
    select_from: &str,
    query: &BookingQuery,
) -> QueryBuilder<'a, Postgres> {
    let mut sql = QueryBuilder::<Postgres>::new(select_from);
    sql.push(" WHERE b.company_id = ")
        .push_bind(query.company_id);
    if let Some(customer_id) = query.customer_id {
        sql.push(" AND b.customer_id = ").push_bind(customer_id);
    }
    if let Some(member_id) = query.member_id {
        sql.push(" AND b.member_id = ").push_bind(member_id);
    }
    if let Some(call_id) = &query.call_id {
        sql.push(" AND b.call_id = ").push_bind(call_id.clone());
    }
    if !query.statuses.is_empty() {
        let statuses: Vec<&str> = query.statuses.iter().map(|s| s.as_str()).collect();
        sql.push(" AND b.status = ANY(")
            .push_bind(statuses)
            .push(")");
    }
    if let Some(after) = query.ends_after {
        sql.push(" AND b.ends_at > ").push_bind(after.as_second());
    }
    if let Some(before) = query.starts_before {
        sql.push(" AND b.starts_at < ")
            .push_bind(before.as_second());
    }
    sql.push(if query.newest_first {
        " ORDER BY b.starts_at DESC, b.id DESC"
    } else {
        " ORDER BY b.starts_at ASC, b.id ASC"
    });
    let limit = if query.limit <= 0 {
        DEFAULT_LIST_LIMIT
    } else {
        query.limit
    };
    sql.push(" LIMIT ").push_bind(limit);
    sql
}

/// `NotFound` when the booking is not the company's, so an empty trail always means a
/// booking without events rather than someone else's booking.
pub(crate) async fn list_booking_events(
    pool: &PgPool,
    company_id: CompanyId,
    id: BookingId,
) -> StoreResult<Vec<BookingEvent>> {
    let mut conn = pool.acquire().await.map_err(map_err)?;
    sqlx::query("SELECT 1 FROM bookings WHERE company_id = $1 AND id = $2")
        .bind(company_id)
        .bind(id)
        .fetch_one(&mut *conn)
        .await
        .map_err(map_err)?;
    let rows = sqlx::query_as::<_, BookingEventRow>(
        "SELECT * FROM booking_events WHERE booking_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await
    .map_err(map_err)?;
    convert_all(rows, BookingEventRow::into_model)
}

pub(crate) async fn slot_usage(
    pool: &PgPool,
    company_id: CompanyId,
    service_ids: &[ServiceId],
    from: Timestamp,
    to: Timestamp,
) -> StoreResult<Vec<SlotUsage>> {
    if service_ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT service_id, starts_at, COUNT(*)
           FROM bookings
          WHERE status IN ('confirmed', 'held') AND service_id = ANY($2)
            AND starts_at >= $3 AND starts_at < $4 AND company_id = $1
          GROUP BY service_id, starts_at
          ORDER BY service_id, starts_at",
    )
    .bind(company_id)
    .bind(service_ids)
    .bind(from.as_second())
    .bind(to.as_second())
    .fetch_all(pool)
    .await
    .map_err(map_err)?;
    rows.into_iter()
        .map(|(service_id, starts_at, booked)| {
            Ok(SlotUsage {
                service_id,
                starts_at: crate::rows::ts(starts_at, "bookings.starts_at")?,
                booked,
            })
        })
        .collect()
}

pub(crate) async fn staff_busy(
    pool: &PgPool,
    company_id: CompanyId,
    staff_ids: &[StaffId],
    from: Timestamp,
    to: Timestamp,
) -> StoreResult<Vec<BusyInterval>> {
    if staff_ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT staff_id, blocked_from, blocked_to
           FROM bookings
          WHERE status IN ('confirmed', 'held') AND staff_id = ANY($2)
            AND blocked_from < $4 AND blocked_to > $3 AND company_id = $1
          ORDER BY staff_id, blocked_from, id",
    )
    .bind(company_id)
    .bind(staff_ids)
    .bind(from.as_second())
    .bind(to.as_second())
    .fetch_all(pool)
    .await
    .map_err(map_err)?;
    rows.into_iter()
        .map(|(staff_id, blocked_from, blocked_to)| {
            Ok(BusyInterval {
                staff_id,
                starts_at: crate::rows::ts(blocked_from, "bookings.blocked_from")?,
                ends_at: crate::rows::ts(blocked_to, "bookings.blocked_to")?,
            })
        })
        .collect()
}

// ---- helpers -------------------------------------------------------------------------

/// Where a booking wants to be, as far as the limits are concerned.
pub(crate) struct Target {
    pub(crate) service_id: ServiceId,
    pub(crate) staff_id: Option<StaffId>,
    pub(crate) starts_at: Timestamp,
    pub(crate) member_id: Option<MemberId>,
}

pub(crate) fn slot_resource(service_id: ServiceId, starts_at: Timestamp) -> String {
    format!("slot:{service_id}:{}", starts_at.as_second())
}

/// Checks capacity, the staff window and the member quota against confirmed bookings, not
/// counting `moving` (the booking being rescheduled). Must run after the locks are held.
pub(crate) async fn check_limits(
    conn: &mut PgConnection,
    target: &Target,
    limits: &BookingLimits,
    moving: Option<BookingId>,
) -> StoreResult<Option<Refusal>> {
    let taken: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM bookings
          WHERE status IN ('confirmed', 'held') AND service_id = $1 AND starts_at = $2
            AND ($3::bigint IS NULL OR staff_id = $3)
            AND ($4::bigint IS NULL OR id <> $4)",
    )
    .bind(target.service_id)
    .bind(target.starts_at.as_second())
    .bind(target.staff_id)
    .bind(moving)
    .fetch_one(&mut *conn)
    .await
    .map_err(map_err)?;
    if taken >= limits.capacity {
        return Ok(Some(Refusal::SlotFull {
            capacity: limits.capacity,
        }));
    }

    if let (Some((from, to)), Some(staff_id)) = (limits.staff_window, target.staff_id) {
        let busy: bool = sqlx::query_scalar(
            "SELECT EXISTS (
                 SELECT 1 FROM bookings
                  WHERE status IN ('confirmed', 'held') AND staff_id = $1
                    AND blocked_from < $3 AND blocked_to > $2
                    AND ($4::bigint IS NULL OR id <> $4))",
        )
        .bind(staff_id)
        .bind(from.as_second())
        .bind(to.as_second())
        .bind(moving)
        .fetch_one(&mut *conn)
        .await
        .map_err(map_err)?;
        if busy {
            return Ok(Some(Refusal::StaffBusy { staff_id }));
        }
    }

    if let (Some(limit), Some(member_id)) = (limits.member_quota, target.member_id) {
        let active: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM bookings
              WHERE status IN ('confirmed', 'held') AND member_id = $1 AND ends_at > $2",
        )
        .bind(member_id)
        .bind(limits.now.as_second())
        .fetch_one(&mut *conn)
        .await
        .map_err(map_err)?;
        if active >= limit {
            return Ok(Some(Refusal::QuotaReached { active, limit }));
        }
    }
    Ok(None)
}

/// Inserts the booking under a voucher code the company has not used yet.
/// Writes the customer and their own member of a booking that registers its caller (see
/// `NewBooking::registration`), in the booking's transaction; the booking as it will be
/// written. A concurrent registration of the same number waits on the unique phone and then
/// uses the customer the first one committed.
async fn register(
    conn: &mut PgConnection,
    new: NewBooking,
    now: Timestamp,
) -> StoreResult<NewBooking> {
    let Some(registration) = &new.registration else {
        return Ok(new);
    };
    let customer_id: CustomerId = sqlx::query_scalar(
        "INSERT INTO customers (company_id, phone, name, email, has_linked_account, created_at,
                                updated_at)
         VALUES ($1, $2, $3, $5, FALSE, $4, $4)
         ON CONFLICT (company_id, phone) DO UPDATE SET updated_at = customers.updated_at
         RETURNING id",
    )
    .bind(new.company_id)
    .bind(&registration.phone)
    .bind(&registration.name)
    .bind(now.as_second())
    .bind(&registration.email)
    .fetch_one(&mut *conn)
    .await
    .map_err(map_err)?;
    let member_id: MemberId = sqlx::query_scalar(
        "INSERT INTO members (company_id, customer_id, name, relationship)
         VALUES ($1, $2, $3, 'self')
         ON CONFLICT (customer_id, name) DO UPDATE SET name = members.name
         RETURNING id",
    )
    .bind(new.company_id)
    .bind(customer_id)
    .bind(&registration.name)
    .fetch_one(&mut *conn)
    .await
    .map_err(map_err)?;
    let idempotency_key = registration
        .idempotency_key
        .as_deref()
        .map(|key| scoped_idempotency_key(customer_id, key));
    Ok(NewBooking {
        customer_id,
        member_id: Some(member_id),
        idempotency_key,
        ..new
    })
}

async fn insert_booking(
    conn: &mut PgConnection,
    new: &NewBooking,
    (blocked_from, blocked_to): (Timestamp, Timestamp),
    now: Timestamp,
) -> StoreResult<Booking> {
    for _ in 0..VOUCHER_ATTEMPTS {
        // ON CONFLICT on the voucher constraint makes "is this code free?" and the insert
        // one atomic step, even against a concurrent booking of another slot.
        let row = sqlx::query_as::<_, BookingRow>(
            "INSERT INTO bookings
                 (company_id, branch_id, service_id, staff_id, customer_id, member_id,
                  starts_at, ends_at, status, voucher_code, source, idempotency_key,
                  call_id, notes, created_at, updated_at, blocked_from, blocked_to)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15,
                     $16, $17)
             ON CONFLICT ON CONSTRAINT bookings_voucher_unique DO NOTHING
             RETURNING *",
        )
        .bind(new.company_id)
        .bind(new.branch_id)
        .bind(new.service_id)
        .bind(new.staff_id)
        .bind(new.customer_id)
        .bind(new.member_id)
        .bind(new.starts_at.as_second())
        .bind(new.ends_at.as_second())
        .bind(BookingStatus::Confirmed.as_str())
        .bind(new_voucher_code())
        .bind(new.source.as_str())
        .bind(&new.idempotency_key)
        .bind(&new.call_id)
        .bind(&new.notes)
        .bind(now.as_second())
        .bind(blocked_from.as_second())
        .bind(blocked_to.as_second())
        .fetch_optional(&mut *conn)
        .await
        .map_err(map_err)?;
        if let Some(row) = row {
            return row.into_model();
        }
    }
    Err(StoreError::Other(format!(
        "no free voucher code for company {} after {VOUCHER_ATTEMPTS} attempts",
        new.company_id
    )))
}

/// Reads the company's booking and holds its row lock until the transaction ends, so a
/// concurrent move or cancellation of the same booking waits and then sees this one's result.
/// NO KEY UPDATE because the id never changes: rows that merely reference the booking (its
/// events, a call) can still be written meanwhile.
pub(crate) async fn lock_booking(
    conn: &mut PgConnection,
    company_id: CompanyId,
    id: BookingId,
) -> StoreResult<Booking> {
    sqlx::query_as::<_, BookingRow>(
        "SELECT * FROM bookings WHERE company_id = $1 AND id = $2 FOR NO KEY UPDATE",
    )
    .bind(company_id)
    .bind(id)
    .fetch_one(&mut *conn)
    .await
    .map_err(map_err)?
    .into_model()
}

pub(crate) async fn record_event(
    conn: &mut PgConnection,
    booking_id: BookingId,
    kind: &str,
    detail: serde_json::Value,
    at: Timestamp,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO booking_events (booking_id, kind, detail, at) VALUES ($1, $2, $3, $4)",
    )
    .bind(booking_id)
    .bind(kind)
    .bind(Json(detail))
    .bind(at.as_second())
    .execute(&mut *conn)
    .await
    .map_err(map_err)?;
    Ok(())
}

/// The part of a booking a move changes, for the audit trail.
fn placement(booking: &Booking) -> serde_json::Value {
    json!({
        "service_id": booking.service_id,
        "branch_id": booking.branch_id,
        "staff_id": booking.staff_id,
        "starts_at": booking.starts_at,
        "ends_at": booking.ends_at,
    })
}
