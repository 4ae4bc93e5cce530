//! Bookings: taking, moving and giving back a place, each checked and written in one
//! transaction of the writer (see [`crate::writer`]) so two callers can never both take the
//! last place; plus the reads the engine builds availability from.

use crate::rows::*;
use crate::writer::{Done, map_err as write_err};
use crate::{SqliteStore, json_write, map_err, outbox, waitlist};
use frontdesk_domain::*;
use frontdesk_store::*;
use jiff::Timestamp;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params, params_from_iter};
use serde_json::json;

/// Voucher codes are random; a company needs millions of live bookings before a few tries
/// stop finding a free one.
const VOUCHER_ATTEMPTS: usize = 32;
const DEFAULT_LIMIT: i64 = 100;
const CONFIRMED: &str = "confirmed";
/// A booking of a company, for the writer and the readers alike.
const BOOKING_BY_ID: &str = concat!(
    "SELECT ",
    booking_cols!(),
    " FROM bookings WHERE company_id = ? AND id = ?"
);

/// Writes the customer and their own member of a booking that registers its caller (see
/// `NewBooking::registration`), in the booking's transaction; the booking as it will be
/// written. A customer registered by a concurrent call with the same number is used as is.
fn register(conn: &Connection, new: NewBooking, now: Timestamp) -> StoreResult<NewBooking> {
    let Some(registration) = &new.registration else {
        return Ok(new);
    };
    let customer_id: CustomerId = conn
        .prepare_cached(
            "INSERT INTO customers (company_id, phone, name, email, has_linked_account, \
             created_at, updated_at) VALUES (?, ?, ?, ?, 0, ?, ?) \
             ON CONFLICT (company_id, phone) DO UPDATE SET updated_at = customers.updated_at \
             RETURNING id",
        )
        .and_then(|mut st| {
            st.query_row(
                params![
                    new.company_id,
                    registration.phone,
                    registration.name,
                    registration.email,
                    now.as_second(),
                    now.as_second()
                ],
                |r| r.get(0),
            )
        })
        .map_err(write_err)?;
    let member_id: MemberId = conn
        .prepare_cached(
            "INSERT INTO members (company_id, customer_id, name, relationship) \
             VALUES (?, ?, ?, 'self') \
             ON CONFLICT (customer_id, name) DO UPDATE SET name = members.name RETURNING id",
        )
        .and_then(|mut st| {
            st.query_row(
                params![new.company_id, customer_id, registration.name],
                |r| r.get(0),
            )
        })
        .map_err(write_err)?;
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
        .write(move |conn| create_in(conn, new, limits))
        .await
}

/// One booking as a query of the writer's connection returns it.
pub(crate) fn booking_row(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> StoreResult<Option<Booking>> {
    conn.prepare_cached(sql)
        .and_then(|mut st| st.query_row(params, BookingRow::read).optional())
        .map_err(write_err)?
        .map(BookingRow::into_model)
        .transpose()
}

fn create_in(
    conn: &Connection,
    new: NewBooking,
    limits: BookingLimits,
) -> StoreResult<Done<BookingOutcome>> {
    // A refusal below is undone: the registration goes with it.
    let new = register(conn, new, limits.now)?;

    if let Some(key) = &new.idempotency_key {
        let earlier = booking_row(
            conn,
            concat!(
                "SELECT ",
                booking_cols!(),
                " FROM bookings WHERE company_id = ? AND idempotency_key = ?"
            ),
            params![new.company_id, key],
        )?;
        if let Some(booking) = earlier {
            return Ok(Done::Undo(BookingOutcome::Replayed(booking)));
        }
    }

    let placement = Placement {
        service_id: new.service_id,
        staff_id: new.staff_id,
        starts_at: new.starts_at,
    };
    if let Some(refusal) = check_place(conn, &placement, &limits, None)? {
        return Ok(Done::Undo(BookingOutcome::Refused(refusal)));
    }
    if let (Some(limit), Some(member_id)) = (limits.member_quota, new.member_id) {
        let active: i64 = conn
            .prepare_cached(
                "SELECT COUNT(*) FROM bookings \
                 WHERE member_id = ? AND status IN ('confirmed', 'held') AND ends_at > ?",
            )
            .and_then(|mut st| {
                st.query_row(params![member_id, limits.now.as_second()], |r| r.get(0))
            })
            .map_err(write_err)?;
        if active >= limit {
            return Ok(Done::Undo(BookingOutcome::Refused(Refusal::QuotaReached {
                active,
                limit,
            })));
        }
    }

    let voucher = free_voucher_code(conn, new.company_id)?;
    let now = limits.now.as_second();
    let (blocked_from, blocked_to) = limits.staff_window.unwrap_or((new.starts_at, new.ends_at));
    let booking = booking_row(
        conn,
        concat!(
            "INSERT INTO bookings (company_id, branch_id, service_id, staff_id, customer_id, \
             member_id, starts_at, ends_at, status, voucher_code, source, idempotency_key, \
             call_id, notes, created_at, updated_at, blocked_from, blocked_to) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING ",
            booking_cols!()
        ),
        params![
            new.company_id,
            new.branch_id,
            new.service_id,
            new.staff_id,
            new.customer_id,
            new.member_id,
            new.starts_at.as_second(),
            new.ends_at.as_second(),
            CONFIRMED,
            voucher,
            new.source.as_str(),
            new.idempotency_key,
            new.call_id,
            new.notes,
            now,
            now,
            blocked_from.as_second(),
            blocked_to.as_second(),
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
    });
    add_event(conn, booking.id, "created", &detail, limits.now)?;
    outbox::queue(conn, &new.notifications, &booking, limits.now)?;
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
        .write(move |conn| reschedule_in(conn, company_id, id, to, limits))
        .await
}

fn reschedule_in(
    conn: &Connection,
    company_id: CompanyId,
    id: BookingId,
    to: BookingMove,
    limits: BookingLimits,
) -> StoreResult<Done<RescheduleOutcome>> {
    let before = load(conn, company_id, id)?;
    if before.status != BookingStatus::Confirmed {
        return Ok(Done::Undo(RescheduleOutcome::NotActive(before)));
    }

    let placement = Placement {
        service_id: to.service_id,
        staff_id: to.staff_id,
        starts_at: to.starts_at,
    };
    if let Some(refusal) = check_place(conn, &placement, &limits, Some(id))? {
        return Ok(Done::Undo(RescheduleOutcome::Refused(refusal)));
    }
    let blocked = limits.staff_window.unwrap_or((to.starts_at, to.ends_at));

    let after = booking_row(
        conn,
        concat!(
            "UPDATE bookings SET service_id = ?, branch_id = ?, staff_id = ?, starts_at = ?, \
             ends_at = ?, updated_at = ?, blocked_from = ?, blocked_to = ?, \
             sequence = sequence + 1 WHERE id = ? RETURNING ",
            booking_cols!()
        ),
        params![
            to.service_id,
            to.branch_id,
            to.staff_id,
            to.starts_at.as_second(),
            to.ends_at.as_second(),
            limits.now.as_second(),
            blocked.0.as_second(),
            blocked.1.as_second(),
            id,
        ],
    )?
    .ok_or(StoreError::NotFound)?;

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
    add_event(conn, id, "rescheduled", &detail, limits.now)?;
    outbox::withdraw_reminders(conn, id, limits.now)?;
    outbox::queue(conn, &to.notifications, &after, limits.now)?;
    if let Some(refill) = &to.refill {
        waitlist::refill_in(conn, refill)?;
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
        .write(move |conn| cancel_in(conn, company_id, id, cancellation))
        .await
}

fn cancel_in(
    conn: &Connection,
    company_id: CompanyId,
    id: BookingId,
    cancellation: Cancellation,
) -> StoreResult<Done<CancelOutcome>> {
    let current = load(conn, company_id, id)?;
    if !matches!(
        current.status,
        BookingStatus::Confirmed | BookingStatus::Held
    ) {
        return Ok(Done::Undo(CancelOutcome::NotActive(current)));
    }
    let now = cancellation.now.as_second();
    let booking = booking_row(
        conn,
        concat!(
            "UPDATE bookings SET status = 'cancelled', cancellation_reason = ?, \
             cancelled_at = ?, refund_applicable = ?, updated_at = ?, sequence = sequence + 1, \
             hold_until = NULL WHERE id = ? RETURNING ",
            booking_cols!()
        ),
        params![
            cancellation.reason,
            now,
            cancellation.refund_applicable,
            now,
            id
        ],
    )?
    .ok_or(StoreError::NotFound)?;

    let detail = json!({
        "reason": cancellation.reason,
        "refund_applicable": cancellation.refund_applicable,
    });
    add_event(conn, id, "cancelled", &detail, cancellation.now)?;
    outbox::withdraw_reminders(conn, id, cancellation.now)?;
    outbox::queue(
        conn,
        &cancellation.notifications,
        &booking,
        cancellation.now,
    )?;
    if current.status == BookingStatus::Held {
        // Declining an offered place: the entry is done with, like leaving the waitlist.
        waitlist::settle_entry(conn, &booking, WaitlistStatus::Left, cancellation.now)?;
    }
    if let Some(refill) = &cancellation.refill {
        waitlist::refill_in(conn, refill)?;
    }
    Ok(Done::Keep(CancelOutcome::Cancelled(booking)))
}

/// The first limit the placement breaks, counting confirmed bookings other than `except`.
pub(crate) fn check_place(
    conn: &Connection,
    place: &Placement,
    limits: &BookingLimits,
    except: Option<BookingId>,
) -> StoreResult<Option<Refusal>> {
    // `id IS NOT ?` with NULL excludes nothing, so one statement serves create and move.
    let taken: i64 = conn
        .prepare_cached(
            "SELECT COUNT(*) FROM bookings \
             WHERE service_id = ? AND starts_at = ? AND status IN ('confirmed', 'held') \
             AND (? IS NULL OR staff_id = ?) AND id IS NOT ?",
        )
        .and_then(|mut st| {
            st.query_row(
                params![
                    place.service_id,
                    place.starts_at.as_second(),
                    place.staff_id,
                    place.staff_id,
                    except
                ],
                |r| r.get(0),
            )
        })
        .map_err(write_err)?;
    if taken >= limits.capacity {
        return Ok(Some(Refusal::SlotFull {
            capacity: limits.capacity,
        }));
    }

    if let (Some((from, to)), Some(staff_id)) = (limits.staff_window, place.staff_id) {
        let clash: Option<i64> = conn
            .prepare_cached(
                "SELECT id FROM bookings \
                 WHERE staff_id = ? AND status IN ('confirmed', 'held') AND blocked_from < ? \
                 AND blocked_to > ? AND id IS NOT ? LIMIT 1",
            )
            .and_then(|mut st| {
                st.query_row(
                    params![staff_id, to.as_second(), from.as_second(), except],
                    |r| r.get(0),
                )
                .optional()
            })
            .map_err(write_err)?;
        if clash.is_some() {
            return Ok(Some(Refusal::StaffBusy { staff_id }));
        }
    }
    Ok(None)
}

/// A voucher code no booking of the company has. Checked inside the booking's transaction,
/// which holds the write lock, so nobody can take the code before the insert.
pub(crate) fn free_voucher_code(conn: &Connection, company_id: CompanyId) -> StoreResult<String> {
    let mut used = conn
        .prepare_cached("SELECT 1 FROM bookings WHERE company_id = ? AND voucher_code = ?")
        .map_err(write_err)?;
    for _ in 0..VOUCHER_ATTEMPTS {
        let code = new_voucher_code();
        if !used.exists(params![company_id, code]).map_err(write_err)? {
            return Ok(code);
        }
    }
    Err(StoreError::Other(format!(
        "no free voucher code for company {company_id} after {VOUCHER_ATTEMPTS} attempts"
    )))
}

/// A booking of the company, inside a write.
pub(crate) fn load(
    conn: &Connection,
    company_id: CompanyId,
    id: BookingId,
) -> StoreResult<Booking> {
    booking_row(conn, BOOKING_BY_ID, params![company_id, id])?.ok_or(StoreError::NotFound)
}

pub(crate) fn add_event(
    conn: &Connection,
    booking_id: BookingId,
    kind: &str,
    detail: &serde_json::Value,
    at: Timestamp,
) -> StoreResult<()> {
    let detail = serde_json::to_string(detail).map_err(json_write)?;
    conn.prepare_cached(
        "INSERT INTO booking_events (booking_id, kind, detail, at) VALUES (?, ?, ?, ?)",
    )
    .and_then(|mut st| st.execute(params![booking_id, kind, detail, at.as_second()]))
    .map_err(write_err)?;
    Ok(())
}

// ---- reads -------------------------------------------------------------------------------

pub(crate) async fn get_booking(
    s: &SqliteStore,
    company_id: CompanyId,
    id: BookingId,
) -> StoreResult<Booking> {
    s.readers
        .one(BOOKING_BY_ID, params![company_id, id], BookingRow::read)?
        .into_model()
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
    let (sql, values) =
        booking_list_query(concat!("SELECT ", booking_cols!(), " FROM bookings b"), q);
    s.readers
        .all(&sql, params_from_iter(values), BookingRow::read)?
        .into_iter()
        .map(BookingRow::into_model)
        .collect()
}

/// `select_from` (naming `bookings` as `b`) narrowed to what `q` asks for, in its order, with
/// the values to bind.
pub(crate) fn booking_list_query(select_from: &str, q: &BookingQuery) -> (String, Vec<Value>) {
    let mut sql = String::from(select_from);
    let mut values: Vec<Value> = Vec::new();
    // A customer's or member's bookings are found by their index, the company only guarding
    // (`+`): without statistics the planner would walk every booking of the company.
    sql.push_str(if q.customer_id.is_some() || q.member_id.is_some() {
        " WHERE +b.company_id = ?"
    } else {
        " WHERE b.company_id = ?"
    });
    values.push(q.company_id.into());
    if let Some(customer_id) = q.customer_id {
        sql.push_str(" AND b.customer_id = ?");
        values.push(customer_id.into());
    }
    if let Some(member_id) = q.member_id {
        sql.push_str(" AND b.member_id = ?");
        values.push(member_id.into());
    }
    if let Some(call_id) = &q.call_id {
        sql.push_str(" AND b.call_id = ?");
        values.push(call_id.clone().into());
    }
    if !q.statuses.is_empty() {
        sql.push_str(" AND b.status IN (");
        sql.push_str(&placeholders(q.statuses.len()));
        sql.push(')');
        values.extend(q.statuses.iter().map(|s| s.as_str().to_string().into()));
    }
    if let Some(after) = q.ends_after {
        sql.push_str(" AND b.ends_at > ?");
        values.push(after.as_second().into());
    }
    if let Some(before) = q.starts_before {
        sql.push_str(" AND b.starts_at < ?");
        values.push(before.as_second().into());
    }
    sql.push_str(if q.newest_first {
        " ORDER BY b.starts_at DESC, b.id DESC"
    } else {
        " ORDER BY b.starts_at ASC, b.id ASC"
    });
    let limit = if q.limit <= 0 { DEFAULT_LIMIT } else { q.limit };
    sql.push_str(" LIMIT ?");
    values.push(limit.into());
    (sql, values)
}

/// `?, ?, …` for a list of `n` values.
pub(crate) fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
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

/// The rows of three integers `sql` selects, binding `head` and then `ids` (its `IN` list).
fn int_triples(
    s: &SqliteStore,
    sql: &str,
    head: [i64; 3],
    ids: &[i64],
) -> StoreResult<Vec<(i64, i64, i64)>> {
    let values = head.iter().chain(ids).map(|&v| Value::from(v));
    s.readers.all(sql, params_from_iter(values), |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
    })
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
    // `+company_id`: the company only guards; the slot index (service, start) finds the
    // rows. Without statistics the planner would walk every booking of the company.
    let sql = format!(
        "SELECT service_id, starts_at, COUNT(*) FROM bookings \
         WHERE status IN ('confirmed', 'held') AND +company_id = ? AND starts_at >= ? \
         AND starts_at < ? AND service_id IN ({}) \
         GROUP BY service_id, starts_at ORDER BY service_id, starts_at",
        placeholders(service_ids.len())
    );
    let head = [company_id, from.as_second(), to.as_second()];
    let rows = int_triples(s, &sql, head, service_ids)?;
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
    let sql = format!(
        "SELECT staff_id, blocked_from, blocked_to FROM bookings \
         WHERE status IN ('confirmed', 'held') AND company_id = ? AND blocked_from < ? \
         AND blocked_to > ? AND staff_id IN ({}) ORDER BY staff_id, blocked_from",
        placeholders(staff_ids.len())
    );
    let head = [company_id, to.as_second(), from.as_second()];
    let rows = int_triples(s, &sql, head, staff_ids)?;
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
