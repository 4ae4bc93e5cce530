//! Cancelling: the refund rule, the reason, retries, ownership, and the place given back.

use frontdesk_domain::BookingStatus;
use frontdesk_engine::{AvailabilityQuery, BookingRef, BookingScope};
use tests_store::*;

tests_store::backend_tests!(
    cancelling_a_day_or_more_ahead_is_refundable_and_keeps_the_reason,
    cancelling_less_than_a_day_ahead_is_not_refundable,
    cancelling_twice_reports_already_cancelled_and_changes_nothing,
    another_customers_booking_cannot_be_cancelled_by_id_or_voucher,
    a_cancelled_place_is_offered_again,
);

const INT2_LEFT: &str = "intermediario2-lado-esquerdo";

async fn book_for_rafael(
    h: &Harness,
    demo: &Demo,
    on: jiff::civil::Date,
) -> frontdesk_engine::BookingView {
    let mut req = book(INT2_LEFT, on, time(8, 0));
    req.member_id = Some(RAFAEL_MEMBER);
    h.engine
        .book(&demo.rafael, req)
        .await
        .expect("book for Rafael")
        .booking
}

async fn cancelling_a_day_or_more_ahead_is_refundable_and_keeps_the_reason(h: Harness) {
    // Arrange: Sunday 08:00 local is 47 hours after the pinned clock (free cancellation: 24 h).
    let demo = h.demo().await;
    let booking = book_for_rafael(&h, &demo, date(2026, 11, 22)).await;

    // Act
    let result = h
        .engine
        .cancel(
            &demo.rafael,
            &BookingRef::Id(booking.id),
            Some("  caught a cold  ".into()),
        )
        .await
        .expect("cancel");

    // Assert
    assert!(result.refund_applicable);
    assert!(!result.already_cancelled);
    assert_eq!(result.booking.status, BookingStatus::Cancelled);
    let stored = h
        .store
        .get_booking(demo.beyond.id, booking.id)
        .await
        .expect("stored");
    assert_eq!(stored.status, BookingStatus::Cancelled);
    assert_eq!(stored.cancellation_reason.as_deref(), Some("caught a cold"));
    assert_eq!(stored.refund_applicable, Some(true));
    assert_eq!(stored.cancelled_at, Some(h.now()));
    let upcoming = h
        .engine
        .bookings(&demo.rafael, None, BookingScope::Upcoming)
        .await
        .expect("upcoming");
    assert!(upcoming.is_empty());
    let cancelled = h
        .engine
        .bookings(&demo.rafael, None, BookingScope::Cancelled)
        .await
        .expect("cancelled");
    assert_eq!(
        cancelled.iter().map(|b| b.id).collect::<Vec<_>>(),
        [booking.id]
    );
}

async fn cancelling_less_than_a_day_ahead_is_not_refundable(h: Harness) {
    // Arrange: Saturday 08:00 local is 23 hours after the pinned clock.
    let demo = h.demo().await;
    let booking = book_for_rafael(&h, &demo, date(2026, 11, 21)).await;

    // Act: by voucher code, as a caller would read it out.
    let spoken = booking.voucher_code.to_lowercase().replace('-', " ");
    let result = h
        .engine
        .cancel(&demo.rafael, &BookingRef::Voucher(spoken), None)
        .await
        .expect("cancel");

    // Assert
    assert_eq!(result.booking.id, booking.id);
    assert!(!result.refund_applicable);
    let stored = h
        .store
        .get_booking(demo.beyond.id, booking.id)
        .await
        .expect("stored");
    assert_eq!(stored.refund_applicable, Some(false));
    assert_eq!(stored.cancellation_reason, None);
}

async fn cancelling_twice_reports_already_cancelled_and_changes_nothing(h: Harness) {
    // Arrange
    let demo = h.demo().await;
    let booking = book_for_rafael(&h, &demo, date(2026, 11, 22)).await;
    let first = h
        .engine
        .cancel(
            &demo.rafael,
            &BookingRef::Id(booking.id),
            Some("first".into()),
        )
        .await
        .expect("first cancel");
    let after_first = h
        .store
        .get_booking(demo.beyond.id, booking.id)
        .await
        .expect("stored");
    h.set_now("2026-11-21T12:00:00Z");

    // Act
    let second = h
        .engine
        .cancel(
            &demo.rafael,
            &BookingRef::Id(booking.id),
            Some("second".into()),
        )
        .await
        .expect("second cancel");

    // Assert
    assert!(!first.already_cancelled);
    assert!(second.already_cancelled);
    assert_eq!(
        second.refund_applicable, first.refund_applicable,
        "the first decision stands"
    );
    assert!(second.refund_applicable);
    let after_second = h
        .store
        .get_booking(demo.beyond.id, booking.id)
        .await
        .expect("stored");
    assert_eq!(after_second, after_first);
    let events = h
        .store
        .list_booking_events(demo.beyond.id, booking.id)
        .await
        .expect("events");
    assert_eq!(
        events.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>(),
        ["created", "cancelled"]
    );
}

async fn another_customers_booking_cannot_be_cancelled_by_id_or_voucher(h: Harness) {
    // Arrange
    let demo = h.demo().await;
    let booking = book_for_rafael(&h, &demo, date(2026, 11, 22)).await;
    let stranger = h.customer(demo.beyond.id, &br_phone(1), "Stranger").await;

    // Act
    let by_id = h
        .engine
        .cancel(&stranger, &BookingRef::Id(booking.id), None)
        .await;
    let by_voucher = h
        .engine
        .cancel(
            &stranger,
            &BookingRef::Voucher(booking.voucher_code.clone()),
            None,
        )
        .await;
    let read = h
        .engine
        .booking(&stranger, &BookingRef::Id(booking.id))
        .await;
    let unknown_id = h
        .engine
        .cancel(&demo.rafael, &BookingRef::Id(booking.id + 1000), None)
        .await;
    let bad_voucher = h
        .engine
        .cancel(&demo.rafael, &BookingRef::Voucher("12-ABCD".into()), None)
        .await;

    // Assert
    expect_code(by_id, "NOT_FOUND");
    expect_code(by_voucher, "NOT_FOUND");
    expect_code(read, "NOT_FOUND");
    expect_code(unknown_id, "NOT_FOUND");
    expect_code(bad_voucher, "INVALID_INPUT");
    let stored = h
        .store
        .get_booking(demo.beyond.id, booking.id)
        .await
        .expect("stored");
    assert_eq!(stored.status, BookingStatus::Confirmed, "untouched");
}

async fn a_cancelled_place_is_offered_again(h: Harness) {
    // Arrange: a group takes all 6 places on Sunday 08:00.
    let demo = h.demo().await;
    let group = h.customer(demo.beyond.id, &br_phone(1), "Group").await;
    let sunday = date(2026, 11, 22);
    let mut taken = Vec::new();
    for _ in 0..6 {
        taken.push(
            h.engine
                .book(&group, book(INT2_LEFT, sunday, time(8, 0)))
                .await
                .expect("place")
                .booking,
        );
    }
    let query = AvailabilityQuery {
        service: Some(INT2_LEFT.into()),
        ..AvailabilityQuery::on(sunday)
    };
    let eight = |slots: &[frontdesk_engine::Slot]| {
        slots
            .iter()
            .find(|s| s.time == time(8, 0))
            .map(|s| s.remaining)
    };
    let before = h
        .engine
        .availability(&group, &query)
        .await
        .expect("availability")
        .slots;
    let mut seventh = book(INT2_LEFT, sunday, time(8, 0));
    seventh.member_id = Some(RAFAEL_MEMBER);
    expect_code(
        h.engine.book(&demo.rafael, seventh.clone()).await,
        "SLOT_FULL",
    );

    // Act
    h.engine
        .cancel(&group, &BookingRef::Id(taken[2].id), None)
        .await
        .expect("cancel one");

    // Assert
    assert_eq!(eight(&before), None, "a full slot is not offered");
    let after = h
        .engine
        .availability(&group, &query)
        .await
        .expect("availability")
        .slots;
    assert_eq!(eight(&after), Some(1));
    let rebooked = h
        .engine
        .book(&demo.rafael, seventh)
        .await
        .expect("the freed place can be booked");
    assert_eq!(rebooked.booking.starts_at, taken[2].starts_at);
    let service = h.service(demo.beyond.id, INT2_LEFT).await;
    assert_eq!(
        h.confirmed_in_slot(demo.beyond.id, service.id, taken[0].starts_at)
            .await,
        6
    );
}
