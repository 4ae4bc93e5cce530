//! Daylight saving: slots are wall-clock times at the branch. On the spring-forward night the
//! missing hour has no slots; on the fall-back night the repeated hour is offered once.

use frontdesk_engine::{AvailabilityQuery, Caller, Slot};
use tests_store::*;

tests_store::backend_tests!(
    the_spring_forward_night_has_no_slots_in_the_missing_hour,
    the_fall_back_night_offers_the_repeated_hour_once,
    a_range_across_the_change_keeps_every_instant_distinct,
);

/// A night-time pool in Berlin, open 01:00–04:00 every night, 30-minute sessions.
const NIGHT_POOL: &str = r#"
[company]
slug = "nachtbad"
name = "Nachtbad Berlin"
time_zone = "Europe/Berlin"
language = "de-DE"
phone_region = "DE"

[company.policy]
min_notice_minutes = 60
booking_window_days = 30
free_cancellation_hours = 24

[[branches]]
name = "Nachtbad Mitte"

[[services]]
code = "nachtschwimmen"
name = "Nachtschwimmen"
duration_minutes = 30
capacity = 2
schedule = { kind = "open_hours", hours = { daily = ["01:00-04:00"] }, interval_minutes = 30 }
"#;

fn locals(slots: &[Slot]) -> Vec<String> {
    slots.iter().map(|s| s.time.to_string()).collect()
}

fn instants(slots: &[Slot]) -> Vec<jiff::Timestamp> {
    slots.iter().map(|s| s.starts_at).collect()
}

async fn swimmer(h: &Harness, company_id: i64, n: usize) -> Caller {
    h.customer(
        company_id,
        &format!("+4930{:08}", 20_000_000 + n),
        &format!("Swimmer {n}"),
    )
    .await
}

async fn the_spring_forward_night_has_no_slots_in_the_missing_hour(h: Harness) {
    // Arrange: clocks go from 02:00 to 03:00 on Sunday 2026-03-29.
    h.set_now("2026-03-25T12:00:00Z");
    let pool = h.import_toml(NIGHT_POOL).await.company;
    let caller = swimmer(&h, pool.id, 1).await;
    let night = date(2026, 3, 29);

    // Act
    let slots = h
        .engine
        .availability(&caller, &AvailabilityQuery::on(night))
        .await
        .expect("availability")
        .slots;
    let at_two = h
        .engine
        .book(&caller, book("nachtschwimmen", night, time(2, 0)))
        .await;
    let at_half_past_two = h
        .engine
        .book(&caller, book("nachtschwimmen", night, time(2, 30)))
        .await;
    let at_three = h
        .engine
        .book(&caller, book("nachtschwimmen", night, time(3, 0)))
        .await;

    // Assert
    assert_eq!(
        locals(&slots),
        ["01:00:00", "01:30:00", "03:00:00", "03:30:00"]
    );
    assert_eq!(
        instants(&slots),
        [
            ts("2026-03-29T00:00:00Z"), // 01:00 CET
            ts("2026-03-29T00:30:00Z"),
            ts("2026-03-29T01:00:00Z"), // 03:00 CEST
            ts("2026-03-29T01:30:00Z"),
        ]
    );
    expect_code(at_two, "NO_SUCH_SLOT");
    let err = expect_code(at_half_past_two, "NO_SUCH_SLOT");
    assert!(
        err.alternatives()
            .iter()
            .all(|a| a.time != "02:00" && a.time != "02:30")
    );
    let booked = at_three.expect("03:00 exists").booking;
    assert_eq!(booked.starts_at, ts("2026-03-29T01:00:00Z"));
    assert_eq!(booked.time, "03:00");
    assert_eq!(h.bookings_of(pool.id).await.len(), 1);
}

async fn the_fall_back_night_offers_the_repeated_hour_once(h: Harness) {
    // Arrange: clocks go from 03:00 back to 02:00 on Sunday 2026-10-25.
    h.set_now("2026-10-20T12:00:00Z");
    let pool = h.import_toml(NIGHT_POOL).await.company;
    let night = date(2026, 10, 25);
    let (first, second, third) = (
        swimmer(&h, pool.id, 1).await,
        swimmer(&h, pool.id, 2).await,
        swimmer(&h, pool.id, 3).await,
    );

    // Act
    let slots = h
        .engine
        .availability(&first, &AvailabilityQuery::on(night))
        .await
        .expect("availability")
        .slots;
    let a = h
        .engine
        .book(&first, book("nachtschwimmen", night, time(2, 30)))
        .await
        .expect("first 02:30");
    let b = h
        .engine
        .book(&second, book("nachtschwimmen", night, time(2, 30)))
        .await
        .expect("second 02:30");
    let c = h
        .engine
        .book(&third, book("nachtschwimmen", night, time(2, 30)))
        .await;
    let after = h
        .engine
        .availability(
            &first,
            &AvailabilityQuery {
                include_full: true,
                ..AvailabilityQuery::on(night)
            },
        )
        .await
        .expect("availability")
        .slots;

    // Assert: 02:00 and 02:30 once each, at their first (summer-time) occurrence.
    assert_eq!(
        locals(&slots),
        [
            "01:00:00", "01:30:00", "02:00:00", "02:30:00", "03:00:00", "03:30:00"
        ]
    );
    assert_eq!(
        instants(&slots),
        [
            ts("2026-10-24T23:00:00Z"), // 01:00 CEST
            ts("2026-10-24T23:30:00Z"),
            ts("2026-10-25T00:00:00Z"), // 02:00 CEST
            ts("2026-10-25T00:30:00Z"),
            ts("2026-10-25T02:00:00Z"), // 03:00 CET
            ts("2026-10-25T02:30:00Z"),
        ]
    );
    assert!(slots.iter().all(|s| s.date == night));
    assert_eq!(a.booking.starts_at, ts("2026-10-25T00:30:00Z"));
    assert_eq!(
        b.booking.starts_at, a.booking.starts_at,
        "one 02:30 slot, not two"
    );
    expect_code(c, "SLOT_FULL");
    let half_past_two: Vec<&Slot> = after.iter().filter(|s| s.time == time(2, 30)).collect();
    assert_eq!(half_past_two.len(), 1);
    assert_eq!(half_past_two[0].remaining, 0);
    assert_eq!(after.len(), 6);
}

async fn a_range_across_the_change_keeps_every_instant_distinct(h: Harness) {
    // Arrange
    h.set_now("2026-03-25T12:00:00Z");
    let pool = h.import_toml(NIGHT_POOL).await.company;
    let caller = swimmer(&h, pool.id, 1).await;
    let query = AvailabilityQuery {
        to: date(2026, 3, 30),
        ..AvailabilityQuery::on(date(2026, 3, 28))
    };

    // Act
    let slots = h
        .engine
        .availability(&caller, &query)
        .await
        .expect("availability")
        .slots;

    // Assert: 6 + 4 + 6 slots, strictly increasing instants.
    assert_eq!(slots.len(), 16, "{:?}", locals(&slots));
    assert!(slots.windows(2).all(|w| w[0].starts_at < w[1].starts_at));
    assert_eq!(
        slots.iter().filter(|s| s.date == date(2026, 3, 29)).count(),
        4
    );
}
