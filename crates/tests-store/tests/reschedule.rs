//! Rescheduling: a booking moves in one step, keeping its id and voucher code, or not at all.

use frontdesk_domain::BookingStatus;
use frontdesk_engine::{BookingRef, BookingView, RescheduleRequest};
use jiff::civil::Date;
use tests_store::*;

tests_store::backend_tests!(
    rescheduling_moves_the_booking_keeping_its_id_and_voucher,
    rescheduling_into_a_full_slot_is_refused_and_leaves_the_booking_as_it_was,
    a_cancelled_booking_cannot_be_rescheduled,
    the_audit_trail_records_created_rescheduled_and_cancelled,
    rescheduling_is_limited_to_the_callers_own_bookings_and_real_slots,
);

const INT2_LEFT: &str = "intermediario2-lado-esquerdo";

async fn book_for_rafael(h: &Harness, demo: &Demo, on: Date) -> BookingView {
    let mut req = book(INT2_LEFT, on, time(8, 0));
    req.member_id = Some(RAFAEL_MEMBER);
    h.engine
        .book(&demo.rafael, req)
        .await
        .expect("book for Rafael")
        .booking
}

async fn rescheduling_moves_the_booking_keeping_its_id_and_voucher(h: Harness) {
    // Arrange
    let demo = h.demo().await;
    let booking = book_for_rafael(&h, &demo, date(2026, 11, 21)).await;
    let service = h.service(demo.beyond.id, INT2_LEFT).await;

    // Act: the member holds their one allowed booking; moving it is not a second one.
    let moved = h
        .engine
        .reschedule(
            &demo.rafael,
            move_to(BookingRef::Id(booking.id), date(2026, 11, 22), time(12, 0)),
        )
        .await
        .expect("reschedule");

    // Assert
    assert_eq!(moved.before.starts_at, ts("2026-11-21T11:00:00Z"));
    assert_eq!(moved.after.id, booking.id);
    assert_eq!(moved.after.voucher_code, booking.voucher_code);
    assert_eq!(
        (moved.after.date, moved.after.time.as_str()),
        (date(2026, 11, 22), "12:00")
    );
    assert_eq!(moved.after.starts_at, ts("2026-11-22T15:00:00Z"));
    assert_eq!(moved.after.ends_at, ts("2026-11-22T16:00:00Z"));
    assert_eq!(moved.after.status, BookingStatus::Confirmed);
    let stored = h
        .store
        .get_booking(demo.beyond.id, booking.id)
        .await
        .expect("stored");
    assert_eq!(stored.starts_at, moved.after.starts_at);
    assert_eq!(stored.voucher_code, booking.voucher_code);
    assert_eq!(
        h.bookings_of(demo.beyond.id).await.len(),
        1,
        "moved, not copied"
    );
    assert_eq!(
        h.confirmed_in_slot(demo.beyond.id, service.id, booking.starts_at)
            .await,
        0
    );
    assert_eq!(
        h.confirmed_in_slot(demo.beyond.id, service.id, stored.starts_at)
            .await,
        1
    );

    // And to another service, by voucher code.
    let other = h
        .engine
        .reschedule(
            &demo.rafael,
            RescheduleRequest {
                service: Some("avancado2-lado-esquerdo".into()),
                ..move_to(
                    BookingRef::Voucher(booking.voucher_code.clone()),
                    date(2026, 11, 23),
                    time(7, 0),
                )
            },
        )
        .await
        .expect("reschedule to another service");
    assert_eq!(other.after.id, booking.id);
    assert_eq!(other.after.service_code, "avancado2-lado-esquerdo");
    assert_eq!(other.after.starts_at, ts("2026-11-23T10:00:00Z"));
}

async fn rescheduling_into_a_full_slot_is_refused_and_leaves_the_booking_as_it_was(h: Harness) {
    // Arrange: Sunday 08:00 is full.
    let demo = h.demo().await;
    let booking = book_for_rafael(&h, &demo, date(2026, 11, 21)).await;
    let group = h.customer(demo.beyond.id, &br_phone(1), "Group").await;
    for _ in 0..6 {
        h.engine
            .book(&group, book(INT2_LEFT, date(2026, 11, 22), time(8, 0)))
            .await
            .expect("a place");
    }
    let before = h
        .store
        .get_booking(demo.beyond.id, booking.id)
        .await
        .expect("stored");

    // Act
    let refused = h
        .engine
        .reschedule(
            &demo.rafael,
            move_to(BookingRef::Id(booking.id), date(2026, 11, 22), time(8, 0)),
        )
        .await;

    // Assert
    let err = expect_code(refused, "SLOT_FULL");
    assert!(!err.alternatives().is_empty());
    let after = h
        .store
        .get_booking(demo.beyond.id, booking.id)
        .await
        .expect("stored");
    assert_eq!(after, before, "a refused move leaves the booking untouched");
    let events = h
        .store
        .list_booking_events(demo.beyond.id, booking.id)
        .await
        .expect("events");
    assert_eq!(events.len(), 1, "nothing but 'created'");
    let service = h.service(demo.beyond.id, INT2_LEFT).await;
    assert_eq!(
        h.confirmed_in_slot(demo.beyond.id, service.id, ts("2026-11-22T11:00:00Z"))
            .await,
        6
    );
}

async fn a_cancelled_booking_cannot_be_rescheduled(h: Harness) {
    // Arrange
    let demo = h.demo().await;
    let booking = book_for_rafael(&h, &demo, date(2026, 11, 21)).await;
    h.engine
        .cancel(&demo.rafael, &BookingRef::Id(booking.id), None)
        .await
        .expect("cancel");

    // Act
    let result = h
        .engine
        .reschedule(
            &demo.rafael,
            move_to(BookingRef::Id(booking.id), date(2026, 11, 22), time(8, 0)),
        )
        .await;

    // Assert
    let err = expect_code(result, "BOOKING_NOT_ACTIVE");
    assert!(err.to_string().contains("cancelled"), "{err}");
    let stored = h
        .store
        .get_booking(demo.beyond.id, booking.id)
        .await
        .expect("stored");
    assert_eq!(
        (stored.status, stored.starts_at),
        (BookingStatus::Cancelled, booking.starts_at)
    );
}

async fn the_audit_trail_records_created_rescheduled_and_cancelled(h: Harness) {
    // Arrange
    let demo = h.demo().await;
    let booking = book_for_rafael(&h, &demo, date(2026, 11, 21)).await;
    h.set_now("2026-11-20T13:00:00Z");
    h.engine
        .reschedule(
            &demo.rafael,
            move_to(BookingRef::Id(booking.id), date(2026, 11, 22), time(18, 0)),
        )
        .await
        .expect("reschedule");
    h.set_now("2026-11-20T14:00:00Z");
    h.engine
        .cancel(
            &demo.rafael,
            &BookingRef::Id(booking.id),
            Some("travel".into()),
        )
        .await
        .expect("cancel");

    // Act
    let events = h
        .store
        .list_booking_events(demo.beyond.id, booking.id)
        .await
        .expect("events");

    // Assert
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["created", "rescheduled", "cancelled"]);
    assert!(events.iter().all(|e| e.booking_id == booking.id));
    assert_eq!(
        events.iter().map(|e| e.at).collect::<Vec<_>>(),
        [
            ts(NOW),
            ts("2026-11-20T13:00:00Z"),
            ts("2026-11-20T14:00:00Z")
        ]
    );
    assert!(events.windows(2).all(|w| w[0].id < w[1].id));
    let stored = h
        .store
        .get_booking(demo.beyond.id, booking.id)
        .await
        .expect("stored");
    assert_eq!(stored.updated_at, ts("2026-11-20T14:00:00Z"));
    assert_eq!(stored.created_at, ts(NOW));
    // Another company cannot read the trail.
    let foreign = h
        .store
        .list_booking_events(demo.askpro.id, booking.id)
        .await;
    assert!(
        matches!(foreign, Err(frontdesk_store::StoreError::NotFound)),
        "{foreign:?}"
    );
}

async fn rescheduling_is_limited_to_the_callers_own_bookings_and_real_slots(h: Harness) {
    // Arrange
    let demo = h.demo().await;
    let booking = book_for_rafael(&h, &demo, date(2026, 11, 21)).await;
    let stranger = h.customer(demo.beyond.id, &br_phone(1), "Stranger").await;

    // Act
    let not_theirs = h
        .engine
        .reschedule(
            &stranger,
            move_to(BookingRef::Id(booking.id), date(2026, 11, 22), time(8, 0)),
        )
        .await;
    let no_slot = h
        .engine
        .reschedule(
            &demo.rafael,
            move_to(BookingRef::Id(booking.id), date(2026, 11, 22), time(9, 0)),
        )
        .await;
    let too_far = h
        .engine
        .reschedule(
            &demo.rafael,
            move_to(BookingRef::Id(booking.id), date(2027, 1, 10), time(8, 0)),
        )
        .await;

    // Assert
    expect_code(not_theirs, "NOT_FOUND");
    expect_code(no_slot, "NO_SUCH_SLOT");
    expect_code(too_far, "OUTSIDE_BOOKING_WINDOW");
    let stored = h
        .store
        .get_booking(demo.beyond.id, booking.id)
        .await
        .expect("stored");
    assert_eq!(stored.starts_at, booking.starts_at);
}
