//! Concurrency, the heart of the story: many callers at once never take more places than a
//! slot has, never double-book a staff member or exceed a member's quota, and a retried
//! request never books twice. Every call goes through the engine, as the adapters do, on a
//! multi-threaded runtime, released together by a barrier.

use frontdesk_domain::BookingStatus;
use frontdesk_engine::booking::{BookResult, RescheduleResult};
use frontdesk_engine::{BookRequest, BookingRef, Caller, EngineResult, RescheduleRequest};
use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::sync::Arc;
use tests_store::*;
use tokio::sync::Barrier;

tests_store::backend_tests!(
    two_hundred_callers_racing_for_five_places_get_exactly_five_bookings,
    racing_reschedules_fill_a_slot_exactly_to_capacity_and_leave_the_rest_untouched,
    fifty_concurrent_retries_with_one_idempotency_key_make_one_booking,
    a_member_racing_for_many_slots_gets_only_their_quota,
    callers_racing_for_overlapping_times_with_one_staff_member_get_one_booking,
);

/// A pool with a large booking window: `lane` (5 places at 10:00), `clinic` (3 places every
/// hour) and `coaching` (one coach, every 30 minutes).
const RUSH_HOUR: &str = r#"
[company]
slug = "rush-hour"
name = "Rush Hour Pool"
time_zone = "America/Sao_Paulo"
language = "pt-BR"
phone_region = "BR"

[company.policy]
min_notice_minutes = 0
booking_window_days = 365
max_active_bookings_per_member = 1
free_cancellation_hours = 24

[[branches]]
name = "Main"

[[staff]]
name = "Coach Duda"

[[services]]
code = "lane"
name = "Lane"
duration_minutes = 60
capacity = 5
schedule = { kind = "fixed_times", times = { daily = ["10:00"] } }

[[services]]
code = "clinic"
name = "Clinic"
duration_minutes = 60
capacity = 3
schedule = { kind = "fixed_times", times = { daily = ["08:00", "09:00", "10:00", "11:00", "12:00", "13:00", "14:00", "15:00", "16:00", "17:00"] } }

[[services]]
code = "coaching"
name = "Coaching"
duration_minutes = 60
staff = ["Coach Duda"]
schedule = { kind = "open_hours", hours = { daily = ["08:00-18:00"] }, interval_minutes = 30 }
"#;

/// Runs every future at once (each on its own task, released together) and returns their
/// results in order.
async fn race<F, T>(calls: Vec<F>) -> Vec<T>
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let barrier = Arc::new(Barrier::new(calls.len()));
    let tasks: Vec<_> = calls
        .into_iter()
        .map(|call| {
            let barrier = barrier.clone();
            tokio::spawn(async move {
                barrier.wait().await;
                call.await
            })
        })
        .collect();
    let mut results = Vec::with_capacity(tasks.len());
    for task in tasks {
        results.push(task.await.expect("task panicked"));
    }
    results
}

fn book_call(
    h: &Harness,
    caller: Caller,
    req: BookRequest,
) -> impl Future<Output = EngineResult<BookResult>> + use<> {
    let engine = h.engine.clone();
    async move { engine.book(&caller, req).await }
}

/// Error codes and how often each occurred, for readable failures.
fn error_codes<'a, T: 'a>(
    results: impl IntoIterator<Item = &'a EngineResult<T>>,
) -> BTreeMap<String, usize> {
    let mut codes = BTreeMap::new();
    for e in results.into_iter().filter_map(|r| r.as_ref().err()) {
        let key = if e.is_client_error() {
            e.code().to_string()
        } else {
            format!("{}: {e:?}", e.code())
        };
        *codes.entry(key).or_default() += 1;
    }
    codes
}

async fn two_hundred_callers_racing_for_five_places_get_exactly_five_bookings(h: Harness) {
    // Arrange: 200 customers, half of them booking for a member of their own.
    const CALLERS: usize = 200;
    let company = h.import_toml(RUSH_HOUR).await.company;
    let mut callers = Vec::with_capacity(CALLERS);
    for i in 0..CALLERS {
        let name = format!("Caller {i}");
        if i % 2 == 0 {
            let (caller, member) = h
                .customer_with_member(company.id, &br_phone(i), &name)
                .await;
            callers.push((caller, Some(member.id)));
        } else {
            callers.push((h.customer(company.id, &br_phone(i), &name).await, None));
        }
    }
    let lane = h.service(company.id, "lane").await;
    let (on, at) = (date(2026, 12, 15), time(10, 0));

    // Act
    let calls = callers
        .iter()
        .map(|(caller, member)| {
            let mut req = book("lane", on, at);
            req.member_id = *member;
            book_call(&h, caller.clone(), req)
        })
        .collect();
    let results = race(calls).await;

    // Assert
    let ok: Vec<&BookResult> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    let codes = error_codes(&results);
    assert_eq!(ok.len(), 5, "successes; errors were {codes:?}");
    assert_eq!(
        codes,
        BTreeMap::from([("SLOT_FULL".to_string(), CALLERS - 5)])
    );
    let starts_at = ts("2026-12-15T13:00:00Z");
    assert!(
        ok.iter()
            .all(|r| r.booking.starts_at == starts_at && !r.replayed)
    );
    assert_eq!(
        ok.iter()
            .map(|r| r.booking.customer_id)
            .collect::<BTreeSet<_>>()
            .len(),
        5
    );
    assert_eq!(
        ok.iter()
            .map(|r| r.booking.voucher_code.clone())
            .collect::<BTreeSet<_>>()
            .len(),
        5
    );

    assert_eq!(h.confirmed_in_slot(company.id, lane.id, starts_at).await, 5);
    assert_eq!(
        h.bookings_of(company.id).await.len(),
        5,
        "refusals wrote no rows"
    );
    let usage = h
        .store
        .slot_usage(
            company.id,
            &[lane.id],
            ts("2026-12-15T00:00:00Z"),
            ts("2026-12-16T00:00:00Z"),
        )
        .await
        .expect("slot usage");
    assert_eq!(usage.len(), 1);
    assert_eq!(usage[0].booked, 5);
}

async fn racing_reschedules_fill_a_slot_exactly_to_capacity_and_leave_the_rest_untouched(
    h: Harness,
) {
    // Arrange: 20 customers hold clinic bookings in 20 different slots over two days; the
    // target slot (capacity 3) is empty.
    const BOOKINGS: usize = 20;
    const ATTEMPTS: usize = 50;
    let company = h.import_toml(RUSH_HOUR).await.company;
    let clinic = h.service(company.id, "clinic").await;
    let mut held = Vec::with_capacity(BOOKINGS);
    for i in 0..BOOKINGS {
        let caller = h
            .customer(company.id, &br_phone(i), &format!("Swimmer {i}"))
            .await;
        let on = date(2026, 12, 14 + (i / 10) as i8);
        let at = time(8 + (i % 10) as i8, 0);
        let booked = h
            .engine
            .book(&caller, book("clinic", on, at))
            .await
            .expect("initial booking");
        held.push((caller, booked.booking));
    }
    let (target_date, target_time) = (date(2026, 12, 16), time(10, 0));
    let target = ts("2026-12-16T13:00:00Z");
    let before: BTreeMap<i64, frontdesk_store::Booking> = h
        .bookings_of(company.id)
        .await
        .into_iter()
        .map(|b| (b.id, b))
        .collect();
    assert_eq!(before.len(), BOOKINGS);
    assert_eq!(
        before
            .values()
            .map(|b| b.starts_at)
            .collect::<BTreeSet<_>>()
            .len(),
        BOOKINGS,
        "different slots"
    );

    // Act: 50 attempts, some bookings tried more than once.
    let calls: Vec<_> = (0..ATTEMPTS)
        .map(|k| {
            let (caller, booking) = held[k % BOOKINGS].clone();
            let engine = h.engine.clone();
            async move {
                let req = RescheduleRequest {
                    booking: BookingRef::Id(booking.id),
                    date: target_date,
                    time: target_time,
                    service_id: None,
                    service: None,
                    staff_id: None,
                };
                (booking.id, engine.reschedule(&caller, req).await)
            }
        })
        .collect();
    let results: Vec<(i64, EngineResult<RescheduleResult>)> = race(calls).await;

    // Assert
    let moved: BTreeSet<i64> = results
        .iter()
        .filter(|(_, r)| r.is_ok())
        .map(|(id, _)| *id)
        .collect();
    let codes = error_codes(results.iter().map(|(_, r)| r));
    assert_eq!(moved.len(), 3, "bookings moved; errors were {codes:?}");
    assert_eq!(codes.keys().collect::<Vec<_>>(), ["SLOT_FULL"], "{codes:?}");
    for (id, result) in &results {
        if let Ok(r) = result {
            assert_eq!((r.after.id, r.after.starts_at), (*id, target));
        }
    }

    assert_eq!(h.confirmed_in_slot(company.id, clinic.id, target).await, 3);
    let after = h.bookings_of(company.id).await;
    assert_eq!(after.len(), BOOKINGS, "moves never copy or drop a booking");
    for b in &after {
        let original = &before[&b.id];
        assert_eq!(b.status, BookingStatus::Confirmed);
        assert_eq!(b.voucher_code, original.voucher_code);
        if moved.contains(&b.id) {
            assert_eq!(b.starts_at, target);
        } else {
            assert_eq!(b, original, "a refused move leaves the booking untouched");
        }
    }
}

async fn fifty_concurrent_retries_with_one_idempotency_key_make_one_booking(h: Harness) {
    // Arrange: a voice platform retries the same tool call 50 times at once.
    const RETRIES: usize = 50;
    let company = h.import_toml(RUSH_HOUR).await.company;
    let (caller, member) = h
        .customer_with_member(company.id, &br_phone(1), "Impatient")
        .await;

    // Act
    let calls = (0..RETRIES)
        .map(|_| {
            let mut req = book("lane", date(2026, 12, 17), time(10, 0));
            req.member_id = Some(member.id);
            req.idempotency_key = Some("call_abc:book_session".into());
            book_call(&h, caller.clone(), req)
        })
        .collect();
    let results = race(calls).await;

    // Assert
    let codes = error_codes(&results);
    assert!(codes.is_empty(), "every retry succeeds: {codes:?}");
    let ok: Vec<&BookResult> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    let ids: BTreeSet<i64> = ok.iter().map(|r| r.booking.id).collect();
    assert_eq!(ids.len(), 1, "one booking id for all");
    assert_eq!(
        ok.iter().filter(|r| !r.replayed).count(),
        1,
        "exactly one created it"
    );
    let rows = h.bookings_of(company.id).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].member_id, Some(member.id));
}

async fn a_member_racing_for_many_slots_gets_only_their_quota(h: Harness) {
    // Arrange: the company allows one active booking per member.
    const SLOTS: usize = 20;
    let company = h.import_toml(RUSH_HOUR).await.company;
    let (caller, member) = h
        .customer_with_member(company.id, &br_phone(1), "Greedy")
        .await;

    // Act: 20 different clinic slots at once, for the same member.
    let calls = (0..SLOTS)
        .map(|i| {
            let mut req = book(
                "clinic",
                date(2026, 12, 14 + (i / 10) as i8),
                time(8 + (i % 10) as i8, 0),
            );
            req.member_id = Some(member.id);
            book_call(&h, caller.clone(), req)
        })
        .collect();
    let results = race(calls).await;

    // Assert
    let codes = error_codes(&results);
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "errors were {codes:?}"
    );
    assert_eq!(
        codes,
        BTreeMap::from([("QUOTA_REACHED".to_string(), SLOTS - 1)])
    );
    assert_eq!(h.confirmed_of(company.id).await.len(), 1);
}

async fn callers_racing_for_overlapping_times_with_one_staff_member_get_one_booking(h: Harness) {
    // Arrange: 08:00-09:00 and 08:30-09:30 overlap; there is one coach.
    const CALLERS: usize = 30;
    let company = h.import_toml(RUSH_HOUR).await.company;
    let mut callers = Vec::with_capacity(CALLERS);
    for i in 0..CALLERS {
        callers.push(
            h.customer(company.id, &br_phone(i), &format!("Student {i}"))
                .await,
        );
    }

    // Act
    let calls = callers
        .iter()
        .enumerate()
        .map(|(i, caller)| {
            let at = if i % 2 == 0 { time(8, 0) } else { time(8, 30) };
            book_call(&h, caller.clone(), book("coaching", date(2026, 12, 15), at))
        })
        .collect();
    let results = race(calls).await;

    // Assert
    let codes = error_codes(&results);
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "errors were {codes:?}"
    );
    assert_eq!(
        codes,
        BTreeMap::from([("SLOT_FULL".to_string(), CALLERS - 1)])
    );
    let confirmed = h.confirmed_of(company.id).await;
    assert_eq!(confirmed.len(), 1);
    assert!(confirmed[0].staff_id.is_some());
}
