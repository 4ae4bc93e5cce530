//! Booking: what a confirmed booking looks like and every rule that refuses one.

use frontdesk_domain::{BookingSource, BookingStatus};
use frontdesk_engine::{AvailabilityQuery, BookingRef, Caller, EngineError};
use tests_store::*;

tests_store::backend_tests!(
    booking_a_free_slot_confirms_it_with_a_speakable_voucher_code,
    a_caller_with_several_members_must_say_who_the_booking_is_for,
    a_full_slot_is_refused_with_slot_full_and_nearby_alternatives,
    a_member_at_their_quota_is_refused_until_a_booking_is_cancelled,
    a_booking_that_has_ended_no_longer_counts_toward_the_quota,
    a_slot_inside_the_notice_period_is_too_soon,
    a_slot_beyond_the_booking_window_is_refused,
    a_time_that_is_not_in_the_schedule_is_no_such_slot,
    a_member_of_another_customer_is_not_found,
    an_unknown_caller_cannot_book,
    retrying_with_the_same_idempotency_key_returns_the_first_booking,
    idempotency_keys_are_scoped_to_the_customer,
);

const INT2_LEFT: &str = "intermediario2-lado-esquerdo";

async fn booking_a_free_slot_confirms_it_with_a_speakable_voucher_code(h: Harness) {
    // Arrange
    let demo = h.demo().await;
    let mut req = book(INT2_LEFT, date(2026, 11, 21), time(8, 0));
    req.member_id = Some(RAFAEL_MEMBER);
    req.call_id = Some("call_123".into());
    req.notes = Some("first session".into());

    // Act
    let result = h.engine.book(&demo.rafael, req).await.expect("book");

    // Assert: what the caller is told...
    let b = &result.booking;
    assert!(!result.replayed);
    assert_eq!(b.status, BookingStatus::Confirmed);
    assert!(is_voucher_code(&b.voucher_code), "{}", b.voucher_code);
    assert_eq!(b.service_code, INT2_LEFT);
    assert_eq!(b.attributes["wave_side"], "Lado_esquerdo");
    assert_eq!((b.date, b.time.as_str()), (date(2026, 11, 21), "08:00"));
    assert_eq!(b.time_zone, "America/Sao_Paulo");
    assert_eq!(
        (b.starts_at, b.ends_at),
        (ts("2026-11-21T11:00:00Z"), ts("2026-11-21T12:00:00Z"))
    );
    assert_eq!(b.duration_minutes, 60);
    assert_eq!(b.member_id, Some(RAFAEL_MEMBER));
    assert_eq!(b.member.as_deref(), Some("Rafael Silva"));
    assert_eq!(b.customer_id, customer_id(&demo.rafael));
    assert_eq!(b.branch, "Beyond The Club São Paulo");
    assert_eq!(b.source, BookingSource::Mcp);
    assert_eq!(b.call_id.as_deref(), Some("call_123"));

    // ...is what the store holds...
    let stored = h
        .store
        .get_booking(demo.beyond.id, b.id)
        .await
        .expect("stored booking");
    assert_eq!(stored.status, BookingStatus::Confirmed);
    assert_eq!(stored.voucher_code, b.voucher_code);
    assert_eq!(stored.notes.as_deref(), Some("first session"));
    assert_eq!(stored.created_at, h.now());
    let by_voucher = h
        .store
        .get_booking_by_voucher(demo.beyond.id, &b.voucher_code)
        .await
        .expect("by voucher");
    assert_eq!(by_voucher.id, b.id);
    let events = h
        .store
        .list_booking_events(demo.beyond.id, b.id)
        .await
        .expect("events");
    assert_eq!(
        events.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>(),
        ["created"]
    );

    // ...and the slot has one place less.
    let query = AvailabilityQuery {
        service: Some(INT2_LEFT.into()),
        ..AvailabilityQuery::on(date(2026, 11, 21))
    };
    let slots = h
        .engine
        .availability(&demo.rafael, &query)
        .await
        .expect("availability")
        .slots;
    let eight = slots
        .iter()
        .find(|s| s.time == time(8, 0))
        .expect("08:00 still offered");
    assert_eq!(eight.remaining, 5);
    let upcoming = h
        .engine
        .bookings(
            &demo.rafael,
            Some(RAFAEL_MEMBER),
            frontdesk_engine::BookingScope::Upcoming,
        )
        .await
        .expect("upcoming bookings");
    assert_eq!(upcoming.iter().map(|v| v.id).collect::<Vec<_>>(), [b.id]);
}

async fn a_caller_with_several_members_must_say_who_the_booking_is_for(h: Harness) {
    // Arrange: Rafael's customer record has two members.
    let demo = h.demo().await;
    let saturday = date(2026, 11, 21);

    // Act
    let unnamed = h
        .engine
        .book(&demo.rafael, book(INT2_LEFT, saturday, time(8, 0)))
        .await;
    let mut by_name = book("iniciante2-lado-esquerdo", saturday, time(9, 0));
    by_name.member_name = Some("lucas".into());
    let named = h.engine.book(&demo.rafael, by_name).await;

    // Assert
    let err = expect_code(unnamed, "MEMBER_REQUIRED");
    match err {
        EngineError::AmbiguousMember { mut member_ids, .. } => {
            member_ids.sort_unstable();
            assert_eq!(member_ids, [RAFAEL_MEMBER, LUCAS_MEMBER]);
        }
        other => panic!("{other:?}"),
    }
    assert!(
        h.bookings_of(demo.beyond.id).await.len() == 1,
        "only the named booking exists"
    );
    assert_eq!(
        named.expect("booking by member name").booking.member_id,
        Some(LUCAS_MEMBER)
    );
}

async fn a_full_slot_is_refused_with_slot_full_and_nearby_alternatives(h: Harness) {
    // Arrange: a group customer (no members, so no quota) takes all 6 places at 12:00.
    let demo = h.demo().await;
    let group = h
        .customer(demo.beyond.id, &br_phone(1), "Surf School")
        .await;
    let saturday = date(2026, 11, 21);
    for _ in 0..6 {
        h.engine
            .book(&group, book(INT2_LEFT, saturday, time(12, 0)))
            .await
            .expect("a place");
    }
    let service = h.service(demo.beyond.id, INT2_LEFT).await;

    // Act
    let mut seventh = book(INT2_LEFT, saturday, time(12, 0));
    seventh.member_id = Some(RAFAEL_MEMBER);
    let refused = h.engine.book(&demo.rafael, seventh).await;

    // Assert
    let err = expect_code(refused, "SLOT_FULL");
    let alternatives = err.alternatives();
    assert!(!alternatives.is_empty(), "a full slot offers alternatives");
    assert!(alternatives.len() <= 3);
    assert!(
        alternatives
            .iter()
            .all(|a| a.remaining > 0 && a.service_id == service.id)
    );
    assert!(
        !alternatives
            .iter()
            .any(|a| a.date == "2026-11-21" && a.time == "12:00")
    );
    // The nearest free time on the same day comes first.
    assert_eq!(
        (alternatives[0].date.as_str(), alternatives[0].time.as_str()),
        ("2026-11-21", "08:00")
    );
    assert_eq!(
        h.confirmed_in_slot(demo.beyond.id, service.id, ts("2026-11-21T15:00:00Z"))
            .await,
        6
    );
    assert_eq!(
        h.bookings_of(demo.beyond.id).await.len(),
        6,
        "the refusal wrote nothing"
    );
}

async fn a_member_at_their_quota_is_refused_until_a_booking_is_cancelled(h: Harness) {
    // Arrange: Beyond allows one active booking per member.
    let demo = h.demo().await;
    let for_rafael = |on, at| {
        let mut req = book(INT2_LEFT, on, at);
        req.member_id = Some(RAFAEL_MEMBER);
        req
    };
    let first = h
        .engine
        .book(&demo.rafael, for_rafael(date(2026, 11, 21), time(8, 0)))
        .await
        .expect("first booking");

    // Act
    let second = h
        .engine
        .book(&demo.rafael, for_rafael(date(2026, 11, 22), time(8, 0)))
        .await;
    let mut for_lucas = book(INT2_LEFT, date(2026, 11, 22), time(8, 0));
    for_lucas.member_id = Some(LUCAS_MEMBER);
    let lucas = h.engine.book(&demo.rafael, for_lucas).await;
    h.engine
        .cancel(&demo.rafael, &BookingRef::Id(first.booking.id), None)
        .await
        .expect("cancel the first booking");
    let after_cancel = h
        .engine
        .book(&demo.rafael, for_rafael(date(2026, 11, 22), time(8, 0)))
        .await;

    // Assert
    let err = expect_code(second, "QUOTA_REACHED");
    assert!(
        matches!(
            err,
            EngineError::QuotaReached {
                active: 1,
                limit: 1
            }
        ),
        "{err:?}"
    );
    assert!(lucas.is_ok(), "the quota is per member: {lucas:?}");
    assert!(
        after_cancel.is_ok(),
        "a cancelled booking is not active: {after_cancel:?}"
    );
    let confirmed = h.confirmed_of(demo.beyond.id).await;
    assert_eq!(confirmed.len(), 2);
    assert_eq!(
        confirmed
            .iter()
            .filter(|b| b.member_id == Some(RAFAEL_MEMBER))
            .count(),
        1
    );
}

async fn a_booking_that_has_ended_no_longer_counts_toward_the_quota(h: Harness) {
    // Arrange: Rafael's session on Saturday runs 08:00-09:00 (11:00-12:00 UTC).
    let demo = h.demo().await;
    let for_rafael = |on, at| {
        let mut req = book(INT2_LEFT, on, at);
        req.member_id = Some(RAFAEL_MEMBER);
        req
    };
    let first = h
        .engine
        .book(&demo.rafael, for_rafael(date(2026, 11, 21), time(8, 0)))
        .await
        .expect("first booking");

    // Act
    h.set_now("2026-11-21T11:30:00Z");
    let during = h
        .engine
        .book(&demo.rafael, for_rafael(date(2026, 11, 22), time(8, 0)))
        .await;
    h.set_now("2026-11-21T12:00:00Z");
    let after = h
        .engine
        .book(&demo.rafael, for_rafael(date(2026, 11, 22), time(8, 0)))
        .await;

    // Assert
    expect_code(during, "QUOTA_REACHED");
    let second = after.expect("the first booking has ended");
    let upcoming = h
        .engine
        .bookings(
            &demo.rafael,
            Some(RAFAEL_MEMBER),
            frontdesk_engine::BookingScope::Upcoming,
        )
        .await
        .expect("upcoming");
    assert_eq!(
        upcoming.iter().map(|b| b.id).collect::<Vec<_>>(),
        [second.booking.id]
    );
    let past = h
        .engine
        .bookings(
            &demo.rafael,
            Some(RAFAEL_MEMBER),
            frontdesk_engine::BookingScope::Past,
        )
        .await
        .expect("past");
    assert_eq!(
        past.iter().map(|b| b.id).collect::<Vec<_>>(),
        [first.booking.id]
    );
}

async fn a_slot_inside_the_notice_period_is_too_soon(h: Harness) {
    // Arrange: 08:45 in São Paulo; notice is 20 minutes.
    let demo = h.demo().await;
    let group = h.customer(demo.beyond.id, &br_phone(1), "Walk-in").await;
    let today = date(2026, 11, 20);
    h.set_now("2026-11-20T11:45:00Z");

    // Act
    let in_fifteen_minutes = h
        .engine
        .book(&group, book("iniciante2-lado-direito", today, time(9, 0)))
        .await;
    let already_started = h
        .engine
        .book(&group, book("avancado2-lado-direito", today, time(7, 0)))
        .await;
    h.set_now("2026-11-20T11:40:00Z");
    let in_twenty_minutes = h
        .engine
        .book(&group, book("iniciante2-lado-direito", today, time(9, 0)))
        .await;

    // Assert
    let err = expect_code(in_fifteen_minutes, "TOO_SOON");
    assert!(err.to_string().contains("20 minutes"), "{err}");
    assert!(!err.alternatives().is_empty());
    assert!(
        err.alternatives()
            .iter()
            .all(|a| a.time != "09:00" || a.date != "2026-11-20")
    );
    expect_code(already_started, "TOO_SOON");
    assert!(
        in_twenty_minutes.is_ok(),
        "exactly the notice is enough: {in_twenty_minutes:?}"
    );
    assert_eq!(h.bookings_of(demo.beyond.id).await.len(), 1);
}

async fn a_slot_beyond_the_booking_window_is_refused(h: Harness) {
    // Arrange: the 30-day window ends 2026-12-20 12:00 UTC, 09:00 in São Paulo.
    let demo = h.demo().await;
    let group = h.customer(demo.beyond.id, &br_phone(1), "Planner").await;

    // Act
    let last_start = h
        .engine
        .book(
            &group,
            book("iniciante2-lado-direito", date(2026, 12, 20), time(9, 0)),
        )
        .await;
    let an_hour_later = h
        .engine
        .book(
            &group,
            book(
                "intermediario1-lado-direito",
                date(2026, 12, 20),
                time(10, 0),
            ),
        )
        .await;
    let next_month = h
        .engine
        .book(&group, book(INT2_LEFT, date(2027, 1, 5), time(8, 0)))
        .await;

    // Assert
    assert!(
        last_start.is_ok(),
        "the window's last instant is bookable: {last_start:?}"
    );
    expect_code(an_hour_later, "OUTSIDE_BOOKING_WINDOW");
    expect_code(next_month, "OUTSIDE_BOOKING_WINDOW");
    assert_eq!(h.bookings_of(demo.beyond.id).await.len(), 1);
}

async fn a_time_that_is_not_in_the_schedule_is_no_such_slot(h: Harness) {
    // Arrange
    let demo = h.demo().await;
    let group = h.customer(demo.beyond.id, &br_phone(1), "Group").await;

    // Act
    let half_past = h
        .engine
        .book(&group, book(INT2_LEFT, date(2026, 11, 21), time(8, 30)))
        .await;
    let christmas = h
        .engine
        .book(&group, book(INT2_LEFT, date(2026, 12, 25), time(8, 0)))
        .await;

    // Assert
    let err = expect_code(half_past, "NO_SUCH_SLOT");
    assert_eq!(
        (
            err.alternatives()[0].date.as_str(),
            err.alternatives()[0].time.as_str()
        ),
        ("2026-11-21", "08:00")
    );
    expect_code(christmas, "NO_SUCH_SLOT");
    assert!(h.bookings_of(demo.beyond.id).await.is_empty());
}

async fn a_member_of_another_customer_is_not_found(h: Harness) {
    // Arrange
    let demo = h.demo().await;
    let (stranger, strangers_member) = h
        .customer_with_member(demo.beyond.id, &br_phone(1), "Stranger")
        .await;
    let johns_member = h.engine.members(&demo.john).await.expect("John's members")[0].id;
    let with_member = |id| {
        let mut req = book(INT2_LEFT, date(2026, 11, 21), time(8, 0));
        req.member_id = Some(id);
        req
    };

    // Act
    let strangers_use_of_rafael = h.engine.book(&stranger, with_member(RAFAEL_MEMBER)).await;
    let rafaels_use_of_stranger = h
        .engine
        .book(&demo.rafael, with_member(strangers_member.id))
        .await;
    let other_company_member = h.engine.book(&demo.rafael, with_member(johns_member)).await;
    let no_such_member = h.engine.book(&demo.rafael, with_member(999_999)).await;

    // Assert
    for result in [
        strangers_use_of_rafael,
        rafaels_use_of_stranger,
        other_company_member,
        no_such_member,
    ] {
        expect_code(result, "NOT_FOUND");
    }
    assert!(h.bookings_of(demo.beyond.id).await.is_empty());
}

async fn an_unknown_caller_cannot_book(h: Harness) {
    // Arrange
    let demo = h.demo().await;
    let identified = h
        .engine
        .identify(demo.beyond.id, "(11) 98888-7777")
        .await
        .expect("identify");
    assert!(identified.customer.is_none());
    let anonymous = identified.caller;

    // Act
    let booked = h
        .engine
        .book(&anonymous, book(INT2_LEFT, date(2026, 11, 21), time(8, 0)))
        .await;
    // Beyond does not let unknown callers register themselves.
    let registered = h.engine.register_caller(&anonymous, "New Caller").await;

    // Assert
    expect_code(booked, "UNKNOWN_CALLER");
    expect_code(registered, "UNKNOWN_CALLER");
    assert_eq!(anonymous.phone.as_deref(), Some("+5511988887777"));
    assert!(h.bookings_of(demo.beyond.id).await.is_empty());
    let nobody = Caller::anonymous(demo.beyond.id, None);
    expect_code(
        h.engine
            .book(&nobody, book(INT2_LEFT, date(2026, 11, 21), time(8, 0)))
            .await,
        "UNKNOWN_CALLER",
    );
}

async fn retrying_with_the_same_idempotency_key_returns_the_first_booking(h: Harness) {
    // Arrange
    let demo = h.demo().await;
    let request = || {
        let mut req = book(INT2_LEFT, date(2026, 11, 21), time(8, 0));
        req.member_id = Some(RAFAEL_MEMBER);
        req.idempotency_key = Some("call_42:book".into());
        req
    };

    // Act
    let first = h
        .engine
        .book(&demo.rafael, request())
        .await
        .expect("first attempt");
    let retry = h.engine.book(&demo.rafael, request()).await.expect("retry");

    // Assert
    assert!(!first.replayed);
    assert!(retry.replayed, "the retry is a replay, not a quota refusal");
    assert_eq!(retry.booking.id, first.booking.id);
    assert_eq!(retry.booking.voucher_code, first.booking.voucher_code);
    let all = h.bookings_of(demo.beyond.id).await;
    assert_eq!(all.len(), 1, "one row");
    let events = h
        .store
        .list_booking_events(demo.beyond.id, first.booking.id)
        .await
        .expect("events");
    assert_eq!(events.len(), 1, "a replay records nothing");
}

async fn idempotency_keys_are_scoped_to_the_customer(h: Harness) {
    // Arrange: two customers whose agents happen to send the same key.
    let demo = h.demo().await;
    let other = h
        .customer(demo.beyond.id, &br_phone(1), "Other Customer")
        .await;
    let with_key = |member: Option<i64>| {
        let mut req = book(INT2_LEFT, date(2026, 11, 21), time(8, 0));
        req.member_id = member;
        req.idempotency_key = Some("retell-call-1".into());
        req
    };

    // Act
    let rafaels = h
        .engine
        .book(&demo.rafael, with_key(Some(RAFAEL_MEMBER)))
        .await
        .expect("Rafael");
    let others = h
        .engine
        .book(&other, with_key(None))
        .await
        .expect("the other customer");

    // Assert
    assert!(
        !others.replayed,
        "another customer's key never replays someone else's booking"
    );
    assert_ne!(others.booking.id, rafaels.booking.id);
    assert_eq!(others.booking.customer_id, customer_id(&other));
    assert_eq!(h.bookings_of(demo.beyond.id).await.len(), 2);
}
