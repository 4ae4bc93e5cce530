//! Tenant isolation: a caller of one company never sees or touches another company's
//! bookings, members, customers or services, even with a forged customer id.

use frontdesk_engine::{AvailabilityQuery, BookingRef, BookingScope, Caller, RescheduleRequest};
use frontdesk_store::StoreError;
use tests_store::*;

tests_store::backend_tests!(
    another_companys_bookings_are_not_found_by_id_or_voucher,
    another_companys_members_and_customers_are_not_found,
    a_forged_caller_cannot_reach_across_companies,
    availability_and_listings_only_show_the_callers_company,
);

struct Scene {
    demo: Demo,
    /// Rafael's booking at Beyond.
    beyond_booking: frontdesk_engine::BookingView,
    /// John's demo appointment at AskProAI.
    askpro_booking: frontdesk_engine::BookingView,
}

async fn scene(h: &Harness) -> Scene {
    let demo = h.demo().await;
    let mut req = book(
        "intermediario2-lado-esquerdo",
        date(2026, 11, 21),
        time(8, 0),
    );
    req.member_id = Some(RAFAEL_MEMBER);
    let beyond_booking = h
        .engine
        .book(&demo.rafael, req)
        .await
        .expect("Rafael books")
        .booking;
    let askpro_booking = h
        .engine
        .bookings(&demo.john, None, BookingScope::Upcoming)
        .await
        .expect("John's bookings")
        .pop()
        .expect("John's demo appointment");
    Scene {
        demo,
        beyond_booking,
        askpro_booking,
    }
}

async fn another_companys_bookings_are_not_found_by_id_or_voucher(h: Harness) {
    // Arrange
    let Scene {
        demo,
        beyond_booking,
        askpro_booking,
    } = scene(&h).await;
    let rafael_booking = BookingRef::Id(beyond_booking.id);
    let rafael_voucher = BookingRef::Voucher(beyond_booking.voucher_code.clone());

    // Act / Assert: John (AskProAI) asks for Rafael's (Beyond) booking every way he can.
    for r in [&rafael_booking, &rafael_voucher] {
        expect_code(h.engine.booking(&demo.john, r).await, "NOT_FOUND");
        expect_code(h.engine.cancel(&demo.john, r, None).await, "NOT_FOUND");
        let req = RescheduleRequest {
            booking: r.clone(),
            date: date(2026, 11, 24),
            time: time(10, 0),
            service_id: None,
            service: None,
            staff_id: None,
        };
        expect_code(h.engine.reschedule(&demo.john, req).await, "NOT_FOUND");
    }
    // And the other way round.
    expect_code(
        h.engine
            .booking(&demo.rafael, &BookingRef::Id(askpro_booking.id))
            .await,
        "NOT_FOUND",
    );
    expect_code(
        h.engine
            .cancel(
                &demo.rafael,
                &BookingRef::Voucher(askpro_booking.voucher_code.clone()),
                None,
            )
            .await,
        "NOT_FOUND",
    );

    // The store itself scopes reads by company.
    assert!(matches!(
        h.store.get_booking(demo.askpro.id, beyond_booking.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        h.store
            .get_booking_by_voucher(demo.askpro.id, &beyond_booking.voucher_code)
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        h.store
            .list_booking_events(demo.askpro.id, beyond_booking.id)
            .await,
        Err(StoreError::NotFound)
    ));
    let cancel = h
        .store
        .cancel_booking(
            demo.askpro.id,
            beyond_booking.id,
            frontdesk_store::Cancellation {
                reason: None,
                refund_applicable: true,
                now: h.now(),
                notifications: Vec::new(),
                refill: None,
            },
        )
        .await;
    assert!(matches!(cancel, Err(StoreError::NotFound)), "{cancel:?}");

    // Nothing changed.
    let stored = h
        .store
        .get_booking(demo.beyond.id, beyond_booking.id)
        .await
        .expect("stored");
    assert_eq!(stored.status, frontdesk_domain::BookingStatus::Confirmed);
    assert_eq!(stored.starts_at, beyond_booking.starts_at);
}

async fn another_companys_members_and_customers_are_not_found(h: Harness) {
    // Arrange
    let Scene { demo, .. } = scene(&h).await;
    let johns_member = h.engine.members(&demo.john).await.expect("members")[0].id;

    // Act / Assert
    expect_code(
        h.engine.member_preferences(&demo.john, RAFAEL_MEMBER).await,
        "NOT_FOUND",
    );
    expect_code(
        h.engine
            .set_member_preferences(&demo.john, RAFAEL_MEMBER, Default::default())
            .await,
        "NOT_FOUND",
    );
    expect_code(
        h.engine
            .member_preferences(&demo.rafael, johns_member)
            .await,
        "NOT_FOUND",
    );
    assert!(matches!(
        h.store.get_member(demo.askpro.id, RAFAEL_MEMBER).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        h.store
            .get_customer(demo.askpro.id, customer_id(&demo.rafael))
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        h.store
            .find_customer_by_phone(demo.askpro.id, RAFAEL_PHONE)
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(
        h.store
            .list_members(demo.askpro.id, customer_id(&demo.rafael))
            .await
            .expect("list")
            .is_empty()
    );
    let rafael_at_askpro = h
        .engine
        .identify(demo.askpro.id, RAFAEL_PHONE)
        .await
        .expect("identify");
    assert!(
        rafael_at_askpro.customer.is_none(),
        "Rafael is only Beyond's customer"
    );
    assert!(rafael_at_askpro.members.is_empty());
    // Rafael's preferences are still there.
    let prefs = h
        .engine
        .member_preferences(&demo.rafael, RAFAEL_MEMBER)
        .await
        .expect("own preferences");
    assert!(!prefs.is_empty());
}

async fn a_forged_caller_cannot_reach_across_companies(h: Harness) {
    // Arrange: AskProAI's company with Beyond's customer id (a bug or a forged session).
    let Scene {
        demo,
        beyond_booking,
        ..
    } = scene(&h).await;
    let forged = Caller::customer(
        demo.askpro.id,
        customer_id(&demo.rafael),
        Some(RAFAEL_PHONE.into()),
    );

    // Act
    let read = h
        .engine
        .booking(&forged, &BookingRef::Id(beyond_booking.id))
        .await;
    let cancel = h
        .engine
        .cancel(&forged, &BookingRef::Id(beyond_booking.id), None)
        .await;
    let listed = h
        .engine
        .bookings(&forged, None, BookingScope::All)
        .await
        .expect("list");
    let members = h.engine.members(&forged).await.expect("members");
    let mut req = book("beratung", date(2026, 11, 24), time(10, 0));
    req.member_id = Some(RAFAEL_MEMBER);
    let booked = h.engine.book(&forged, req).await;

    // Assert
    expect_code(read, "NOT_FOUND");
    expect_code(cancel, "NOT_FOUND");
    assert!(listed.is_empty(), "{listed:?}");
    assert!(members.is_empty(), "{members:?}");
    expect_code(booked, "NOT_FOUND");
    assert_eq!(
        h.bookings_of(demo.askpro.id).await.len(),
        1,
        "only John's appointment"
    );
}

async fn availability_and_listings_only_show_the_callers_company(h: Harness) {
    // Arrange
    let Scene {
        demo,
        beyond_booking,
        askpro_booking,
    } = scene(&h).await;
    let beyond_services: Vec<i64> = h
        .store
        .list_services(demo.beyond.id)
        .await
        .expect("services")
        .iter()
        .map(|s| s.id)
        .collect();

    // Act
    let askpro_slots = h
        .engine
        .availability(&demo.john, &AvailabilityQuery::on(date(2026, 11, 24)))
        .await
        .expect("availability")
        .slots;
    let by_beyond_service = h
        .engine
        .availability(
            &demo.john,
            &AvailabilityQuery {
                service_id: Some(beyond_services[0]),
                ..AvailabilityQuery::on(date(2026, 11, 24))
            },
        )
        .await;
    let beyond_all = h.bookings_of(demo.beyond.id).await;
    let askpro_all = h.bookings_of(demo.askpro.id).await;

    // Assert
    assert!(!askpro_slots.is_empty());
    assert!(
        askpro_slots
            .iter()
            .all(|s| !beyond_services.contains(&s.service_id))
    );
    expect_code(by_beyond_service, "NOT_FOUND");
    assert_eq!(
        beyond_all.iter().map(|b| b.id).collect::<Vec<_>>(),
        [beyond_booking.id]
    );
    assert_eq!(
        askpro_all.iter().map(|b| b.id).collect::<Vec<_>>(),
        [askpro_booking.id]
    );
    let usage = h
        .store
        .slot_usage(
            demo.askpro.id,
            &beyond_services,
            ts("2026-11-20T00:00:00Z"),
            ts("2026-12-31T00:00:00Z"),
        )
        .await
        .expect("usage");
    assert!(
        usage.is_empty(),
        "another company's services have no usage here: {usage:?}"
    );
    assert!(
        h.engine
            .api_keys(demo.askpro.id)
            .await
            .expect("keys")
            .is_empty()
    );
}
