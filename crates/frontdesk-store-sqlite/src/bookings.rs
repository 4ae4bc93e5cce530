//! Bookings: taking, moving and giving back a place, each checked and written in one
//! IMMEDIATE transaction so two callers can never both take the last place; plus the reads
//! the engine builds availability from.

use crate::rows::*;
use crate::writer::Done;
use crate::{SqliteStore, json_write, map_err, outbox, waitlist};
use frontdesk_domain::*;
use frontdesk_store::*;
use jiff::Timestamp;
use serde_json::json;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

/// Voucher codes are random; a company needs millions of live bookings before a few tries
/// stop finding a free one.
const VOUCHER_ATTEMPTS: usize = 32;
const DEFAULT_LIMIT: i64 = 100;
const CONFIRMED: &str = "confirmed";

/// Writes the customer and their own member of a booking that registers its caller (see
/// `NewBooking::registration`), in the booking's transaction; the booking as it will be
/// written. A customer registered by a concurrent call with the same number is used as is.
async fn register(
    conn: &mut SqliteConnection,
    new: NewBooking,
    now: Timestamp,
) -> StoreResult<NewBooking> {
    let Some(registration) = &new.registration else {
        return Ok(new);
    };
    let customer_id: CustomerId = sqlx::query_scalar(
        "INSERT INTO customers (company_id, phone, name, email, has_linked_account, created_at, \
         updated_at) VALUES (?, ?, ?, ?, 0, ?, ?) \
         ON CONFLICT (company_id, phone) DO UPDATE SET updated_at = customers.updated_at \
         RETURNING id",
    )
    .bind(new.company_id)
    .bind(&registration.phone)
    .bind(&registration.name)
    .bind(&registration.email)
    .bind(now.as_second())
    .bind(now.as_second())
    .fetch_one(&mut *conn)
    .await
    .map_err(map_err)?;
    let member_id: MemberId = sqlx::query_scalar(
        "INSERT INTO members (company_id, customer_id, name, relationship) \
         VALUES (?, ?, ?, 'self') \
         ON CONFLICT (customer_id, name) DO UPDATE SET name = members.name RETURNING id",
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

/// Where a booking is or would be, as the limits see it.
pub(crate) struct Placement {
    pub(crate) service_id: ServiceId,
    pub(crate) staff_id: Option<StaffId>,
    pub(crate) starts_at: Timestamp,
}

pub(crate) async fn create_booking(
    s: &SqliteStore,
    new: NewBooking,
    limits: BookingLimits,
) -> StoreResult<BookingOutcome> {
    s.writer
        .write(move |conn| Box::pin(create_in(conn, new, limits)))
        .await
}

async fn create_in(
    tx: &mut SqliteConnection,
    new: NewBooking,
    limits: BookingLimits,
) -> StoreResult<Done<BookingOutcome>> {
    // A refusal below is undone: the registration goes with it.
    let new = register(tx, new, limits.now).await?;

    if let Some(key) = &new.idempotency_key {
        let earlier: Option<BookingRow> = sqlx::query_as(concat!(
            "SELECT ",
            booking_cols!(),
            " FROM bookings WHERE company_id = ? AND idempotency_key = ?"
        ))
        .bind(new.company_id)
        .bind(key)
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_err)?;
        if let Some(row) = earlier {
            return Ok(Done::Undo(BookingOutcome::Replayed(row.into_model()?)));
        }
    }

    let placement = Placement {
        service_id: new.service_id,
        staff_id: new.staff_id,
        starts_at: new.starts_at,
    };
    if let Some(refusal) = check_place(tx, &placement, &limits, None).await? {
        return Ok(Done::Undo(BookingOutcome::Refused(refusal)));
    }
    if let (Some(limit), Some(member_id)) = (limits.member_quota, new.member_id) {
        let active: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM bookings \
             WHERE member_id = ? AND status IN ('confirmed', 'held') AND ends_at > ?",
        )
        .bind(member_id)
        .bind(limits.now.as_second())
        .fetch_one(&mut *tx)
        .await
        .map_err(map_err)?;
        if active >= limit {
            return Ok(Done::Undo(BookingOutcome::Refused(Refusal::QuotaReached {
                active,
                limit,
            })));
        }
    }

    let voucher = free_voucher_code(tx, new.company_id).await?;
    let now = limits.now.as_second();
    let (blocked_from, blocked_to) = limits.staff_window.unwrap_or((new.starts_at, new.ends_at));
    let row: BookingRow = sqlx::query_as(concat!(
        "INSERT INTO bookings (company_id, branch_id, service_id, staff_id, customer_id, \
         member_id, starts_at, ends_at, status, voucher_code, source, idempotency_key, call_id, \
         notes, created_at, updated_at, blocked_from, blocked_to) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING ",
        booking_cols!()
    ))
    .bind(new.company_id)
    .bind(new.branch_id)
    .bind(new.service_id)
    .bind(new.staff_id)
    .bind(new.customer_id)
    .bind(new.member_id)
    .bind(new.starts_at.as_second())
    .bind(new.ends_at.as_second())
    .bind(CONFIRMED)
    .bind(&voucher)
    .bind(new.source.as_str())
    .bind(&new.idempotency_key)
    .bind(&new.call_id)
    .bind(&new.notes)
    .bind(now)
    .bind(now)
    .bind(blocked_from.as_second())
    .bind(blocked_to.as_second())
    .fetch_one(&mut *tx)
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
    });
    add_event(tx, booking.id, "created", &detail, limits.now).await?;
    outbox::queue(tx, &new.notifications, &booking, limits.now).await?;
    Ok(Done::Keep(BookingOutcome::Created(booking)))
}

pub(crate) async fn reschedule_booking(
    s: &SqliteStore,
    company_id: CompanyId,
    id: BookingId,
    to: BookingMove,
    limits: BookingLimits,
) -> StoreResult<RescheduleOutcome> {
    s.writer
        .write(move |conn| Box::pin(reschedule_in(conn, company_id, id, to, limits)))
        .await
}

async fn reschedule_in(
    tx: &mut SqliteConnection,
    company_id: CompanyId,
    id: BookingId,
    to: BookingMove,
    limits: BookingLimits,
) -> StoreResult<Done<RescheduleOutcome>> {
    let before = load(tx, company_id, id).await?;
    if before.status != BookingStatus::Confirmed {
        return Ok(Done::Undo(RescheduleOutcome::NotActive(before)));
    }

    let placement = Placement {
        service_id: to.service_id,
        staff_id: to.staff_id,
        starts_at: to.starts_at,
    };
    if let Some(refusal) = check_place(tx, &placement, &limits, Some(id)).await? {
        return Ok(Done::Undo(RescheduleOutcome::Refused(refusal)));
    }
    let blocked = limits.staff_window.unwrap_or((to.starts_at, to.ends_at));

    let row: BookingRow = sqlx::query_as(concat!(
        "UPDATE bookings SET service_id = ?, branch_id = ?, staff_id = ?, starts_at = ?, \
         ends_at = ?, updated_at = ?, blocked_from = ?, blocked_to = ?, sequence = sequence + 1 \
         WHERE id = ? RETURNING ",
        booking_cols!()
    ))
    .bind(to.service_id)
    .bind(to.branch_id)
    .bind(to.staff_id)
    .bind(to.starts_at.as_second())
    .bind(to.ends_at.as_second())
    .bind(limits.now.as_second())
    .bind(blocked.0.as_second())
    .bind(blocked.1.as_second())
    .bind(id)
    .fetch_one(&mut *tx)
    .await
    .map_err(map_err)?;
    let after = row.into_model()?;

    let place = |b: &Booking| {
        json!({
            "service_id": b.service_id,
            "branch_id": b.branch_id,
            "staff_id": b.staff_id,
            "starts_at": b.starts_at,
            "ends_at": b.ends_at,
        })
    };
    let detail = json!({ "from": place(&before), "to": place(&after) });
    add_event(tx, id, "rescheduled", &detail, limits.now).await?;
    outbox::withdraw_reminders(tx, id, limits.now).await?;
    outbox::queue(tx, &to.notifications, &after, limits.now).await?;
    if let Some(refill) = &to.refill {
        waitlist::refill_in(tx, refill).await?;
    }
    Ok(Done::Keep(RescheduleOutcome::Moved { before, after }))
}

pub(crate) async fn cancel_booking(
    s: &SqliteStore,
    company_id: CompanyId,
    id: BookingId,
    cancellation: Cancellation,
) -> StoreResult<CancelOutcome> {
    s.writer
        .write(move |conn| Box::pin(cancel_in(conn, company_id, id, cancellation)))
        .await
}

async fn cancel_in(
    tx: &mut SqliteConnection,
    company_id: CompanyId,
    id: BookingId,
    cancellation: Cancellation,
) -> StoreResult<Done<CancelOutcome>> {
    let current = load(tx, company_id, id).await?;
    if !matches!(
        current.status,
        BookingStatus::Confirmed | BookingStatus::Held
    ) {
        return Ok(Done::Undo(CancelOutcome::NotActive(current)));
    }
    let now = cancellation.now.as_second();
    let row: BookingRow = sqlx::query_as(concat!(
        "UPDATE bookings SET status = 'cancelled', cancellation_reason = ?, cancelled_at = ?, \
         refund_applicable = ?, updated_at = ?, sequence = sequence + 1, hold_until = NULL \
         WHERE id = ? RETURNING ",
        booking_cols!()
    ))
    .bind(&cancellation.reason)
    .bind(now)
    .bind(cancellation.refund_applicable)
    .bind(now)
    .bind(id)
    .fetch_one(&mut *tx)
    .await
    .map_err(map_err)?;
    let booking = row.into_model()?;

    let detail = json!({
        "reason": cancellation.reason,
        "refund_applicable": cancellation.refund_applicable,
    });
    add_event(tx, id, "cancelled", &detail, cancellation.now).await?;
    outbox::withdraw_reminders(tx, id, cancellation.now).await?;
    outbox::queue(tx, &cancellation.notifications, &booking, cancellation.now).await?;
    if current.status == BookingStatus::Held {
        // Declining an offered place: the entry is done with, like leaving the waitlist.
        waitlist::settle_entry(tx, &booking, WaitlistStatus::Left, cancellation.now).await?;
    }
    if let Some(refill) = &cancellation.refill {
        waitlist::refill_in(tx, refill).await?;
    }
    Ok(Done::Keep(CancelOutcome::Cancelled(booking)))
}

/// The first limit the placement breaks, counting confirmed bookings other than `except`.
pub(crate) async fn check_place(
    conn: &mut SqliteConnection,
    place: &Placement,
    limits: &BookingLimits,
    except: Option<BookingId>,
) -> StoreResult<Option<Refusal>> {
    // `id IS NOT ?` with NULL excludes nothing, so one statement serves create and move.
    let taken: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM bookings \
         WHERE service_id = ? AND starts_at = ? AND status IN ('confirmed', 'held') \
         AND (? IS NULL OR staff_id = ?) AND id IS NOT ?",
    )
    .bind(place.service_id)
    .bind(place.starts_at.as_second())
    .bind(place.staff_id)
    .bind(place.staff_id)
    .bind(except)
    .fetch_one(&mut *conn)
    .await
    .map_err(map_err)?;
    if taken >= limits.capacity {
        return Ok(Some(Refusal::SlotFull {
            capacity: limits.capacity,
        }));
    }

    if let (Some((from, to)), Some(staff_id)) = (limits.staff_window, place.staff_id) {
        let clash: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM bookings \
             WHERE staff_id = ? AND status IN ('confirmed', 'held') AND blocked_from < ? \
             AND blocked_to > ? \
             AND id IS NOT ? LIMIT 1",
        )
        .bind(staff_id)
        .bind(to.as_second())
        .bind(from.as_second())
        .bind(except)
        .fetch_optional(&mut *conn)
        .await
        .map_err(map_err)?;
        if clash.is_some() {
            return Ok(Some(Refusal::StaffBusy { staff_id }));
        }
    }
    Ok(None)
}

/// A voucher code no booking of the company has. Checked inside the booking's transaction,
/// which holds the write lock, so nobody can take the code before the insert.
pub(crate) async fn free_voucher_code(
    conn: &mut SqliteConnection,
    company_id: CompanyId,
) -> StoreResult<String> {
    for _ in 0..VOUCHER_ATTEMPTS {
        let code = new_voucher_code();
        let used: Option<i64> =
            sqlx::query_scalar("SELECT 1 FROM bookings WHERE company_id = ? AND voucher_code = ?")
                .bind(company_id)
                .bind(&code)
                .fetch_optional(&mut *conn)
                .await
                .map_err(map_err)?;
        if used.is_none() {
            return Ok(code);
        }
    }
    Err(StoreError::Other(format!(
        "no free voucher code for company {company_id} after {VOUCHER_ATTEMPTS} attempts"
    )))
}

pub(crate) async fn load(
    conn: &mut SqliteConnection,
    company_id: CompanyId,
    id: BookingId,
) -> StoreResult<Booking> {
    let row: BookingRow = sqlx::query_as(concat!(
        "SELECT ",
        booking_cols!(),
        " FROM bookings WHERE company_id = ? AND id = ?"
    ))
    .bind(company_id)
    .bind(id)
    .fetch_one(&mut *conn)
    .await
    .map_err(map_err)?;
    row.into_model()
}

pub(crate) async fn add_event(
    conn: &mut SqliteConnection,
    booking_id: BookingId,
    kind: &str,
    detail: &serde_json::Value,
    at: Timestamp,
) -> StoreResult<()> {
    let detail = serde_json::to_string(detail).map_err(json_write)?;
    sqlx::query("INSERT INTO booking_events (booking_id, kind, detail, at) VALUES (?, ?, ?, ?)")
        .bind(booking_id)
        .bind(kind)
        .bind(detail)
        .bind(at.as_second())
        .execute(&mut *conn)
        .await
        .map_err(map_err)?;
    Ok(())
}

// ---- reads -------------------------------------------------------------------------------

pub(crate) async fn get_booking(
    s: &SqliteStore,
    company_id: CompanyId,
    id: BookingId,
) -> StoreResult<Booking> {
    let mut conn = s.read.acquire().await.map_err(map_err)?;
    load(&mut conn, company_id, id).await
}

pub(crate) async fn get_booking_by_voucher(
    s: &SqliteStore,
    company_id: CompanyId,
    code: &str,
) -> StoreResult<Booking> {
    let row: BookingRow = sqlx::query_as(concat!(
        "SELECT ",
        booking_cols!(),
        " FROM bookings WHERE company_id = ? AND voucher_code = ?"
    ))
    .bind(company_id)
    .bind(code)
    .fetch_one(&s.read)
    .await
    .map_err(map_err)?;
    row.into_model()
}

pub(crate) async fn list_bookings(s: &SqliteStore, q: &BookingQuery) -> StoreResult<Vec<Booking>> {
    let mut sql = booking_list_query(concat!("SELECT ", booking_cols!(), " FROM bookings b"), q);
    let rows: Vec<BookingRow> = sql
        .build_query_as()
        .fetch_all(&s.read)
        .await
        .map_err(map_err)?;
    rows.into_iter().map(BookingRow::into_model).collect()
}

/// The bookings `q` lists, read by `select_from`: a `SELECT … FROM bookings b` that may join
/// other tables one row to a booking. Adds `q`'s filters, order and limit on `b`, so every
/// list of bookings (`list_bookings`, the desk's) holds the same bookings in the same order.
pub(crate) fn booking_list_query<'a>(
    select_from: &str,
    q: &BookingQuery,
) -> QueryBuilder<'a, Sqlite> {
    let mut sql = QueryBuilder::<Sqlite>::new(select_from);
    sql.push(" WHERE b.company_id = ").push_bind(q.company_id);
    if let Some(customer_id) = q.customer_id {
        sql.push(" AND b.customer_id = ").push_bind(customer_id);
    }
    if let Some(member_id) = q.member_id {
        sql.push(" AND b.member_id = ").push_bind(member_id);
    }
    if let Some(call_id) = &q.call_id {
        sql.push(" AND b.call_id = ").push_bind(call_id.clone());
    }
    if !q.statuses.is_empty() {
        sql.push(" AND b.status IN (");
        let mut list = sql.separated(", ");
        for status in &q.statuses {
            list.push_bind(status.as_str());
        }
        sql.push(")");
    }
    if let Some(after) = q.ends_after {
        sql.push(" AND b.ends_at > ").push_bind(after.as_second());
    }
    if let Some(before) = q.starts_before {
        sql.push(" AND b.starts_at < ")
            .push_bind(before.as_second());
    }
    sql.push(if q.newest_first {
        " ORDER BY b.starts_at DESC, b.id DESC"
    } else {
        " ORDER BY b.starts_at ASC, b.id ASC"
    });
    let limit = if q.limit <= 0 { DEFAULT_LIMIT } else { q.limit };
    sql.push(" LIMIT ").push_bind(limit);
    sql
}

pub(crate) async fn list_booking_events(
    s: &SqliteStore,
    company_id: CompanyId,
    id: BookingId,
) -> StoreResult<Vec<BookingEvent>> {
    let mut conn = s.read.acquire().await.map_err(map_err)?;
    // An unknown booking (or another company's) is NotFound, not an empty trail.
    let exists: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM bookings WHERE company_id = ? AND id = ?")
            .bind(company_id)
            .bind(id)
            .fetch_optional(&mut *conn)
            .await
            .map_err(map_err)?;
    if exists.is_none() {
        return Err(StoreError::NotFound);
    }
    let rows: Vec<BookingEventRow> = sqlx::query_as(
        "SELECT id, booking_id, kind, detail, at FROM booking_events \
         WHERE booking_id = ? ORDER BY id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await
    .map_err(map_err)?;
    rows.into_iter().map(BookingEventRow::into_model).collect()
}

pub(crate) async fn slot_usage(
    s: &SqliteStore,
    company_id: CompanyId,
    service_ids: &[ServiceId],
    from: Timestamp,
    to: Timestamp,
) -> StoreResult<Vec<SlotUsage>> {
    if service_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = QueryBuilder::<Sqlite>::new(
        "SELECT service_id, starts_at, COUNT(*) FROM bookings \
         WHERE status IN ('confirmed', 'held') AND company_id = ",
    );
    sql.push_bind(company_id);
    sql.push(" AND starts_at >= ").push_bind(from.as_second());
    sql.push(" AND starts_at < ").push_bind(to.as_second());
    sql.push(" AND service_id IN (");
    let mut list = sql.separated(", ");
    for id in service_ids {
        list.push_bind(*id);
    }
    sql.push(") GROUP BY service_id, starts_at ORDER BY service_id, starts_at");

    let rows: Vec<(i64, i64, i64)> = sql
        .build_query_as()
        .fetch_all(&s.read)
        .await
        .map_err(map_err)?;
    rows.into_iter()
        .map(|(service_id, starts_at, booked)| {
            Ok(SlotUsage {
                service_id,
                starts_at: ts("bookings.starts_at", starts_at)?,
                booked,
            })
        })
        .collect()
}

pub(crate) async fn staff_busy(
    s: &SqliteStore,
    company_id: CompanyId,
    staff_ids: &[StaffId],
    from: Timestamp,
    to: Timestamp,
) -> StoreResult<Vec<BusyInterval>> {
    if staff_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = QueryBuilder::<Sqlite>::new(
        "SELECT staff_id, blocked_from, blocked_to FROM bookings \
         WHERE status IN ('confirmed', 'held') AND company_id = ",
    );
    sql.push_bind(company_id);
    sql.push(" AND blocked_from < ").push_bind(to.as_second());
    sql.push(" AND blocked_to > ").push_bind(from.as_second());
    sql.push(" AND staff_id IN (");
    let mut list = sql.separated(", ");
    for id in staff_ids {
        list.push_bind(*id);
    }
    sql.push(") ORDER BY staff_id, blocked_from");

    let rows: Vec<(i64, i64, i64)> = sql
        .build_query_as()
        .fetch_all(&s.read)
        .await
        .map_err(map_err)?;
    rows.into_iter()
        .map(|(staff_id, blocked_from, blocked_to)| {
            Ok(BusyInterval {
                staff_id,
                starts_at: ts("bookings.blocked_from", blocked_from)?,
                ends_at: ts("bookings.blocked_to", blocked_to)?,
            })
        })
        .collect()
}
