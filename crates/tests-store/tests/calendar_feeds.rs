//! Calendar feeds on every backend: a feed's life (create, find by token hash, list,
//! revoke twice), the bookings it shows (its subject's, in its range, recent cancellations
//! only, never another company's), and the booking SEQUENCE each change raises.

use frontdesk_domain::BookingStatus;
use frontdesk_engine::calendar::FeedTarget;
use frontdesk_engine::keys::hash_secret;
use frontdesk_engine::{BookingRef, EngineError};
use frontdesk_store::{FeedBookingsQuery, FeedSubject, NewCalendarFeed, StoreError};
use jiff::SignedDuration;
use tests_store::*;

tests_store::backend_tests!(
    a_feed_is_found_by_its_token_hash_listed_and_revoked_once,
    a_feed_belongs_to_exactly_one_branch_or_staff_member_of_its_company,
    each_reschedule_and_the_cancellation_raise_the_sequence,
    a_feed_shows_its_subjects_bookings_in_range_and_recent_cancellations_only,
    a_rendered_feed_keeps_its_etag_until_a_booking_changes,
);

const ASKPRO_BRANCH: &str = "Berlin Hauptfiliale";
const INT2_LEFT: &str = "intermediario2-lado-esquerdo";

async fn a_feed_is_found_by_its_token_hash_listed_and_revoked_once(h: Harness) {
    // Arrange
    let demo = h.demo().await;
    let branch = h
        .engine
        .create_feed(ASKPRO, FeedTarget::Branch("berlin hauptfiliale"))
        .await
        .expect("branch feed");
    let staff = h
        .engine
        .create_feed(ASKPRO, FeedTarget::Staff("Dr. Smith"))
        .await
        .expect("staff feed");

    // Act
    let found = h
        .store
        .find_calendar_feed_by_token_hash(&hash_secret(&branch.token))
        .await
        .expect("found by hash");
    let listed = h.engine.list_feeds(ASKPRO).await.expect("list");
    h.set_now("2026-11-21T08:00:00Z");
    let revoked = h
        .engine
        .revoke_feed(branch.feed.feed.id)
        .await
        .expect("revoke");
    h.set_now("2026-11-22T08:00:00Z");
    let again = h
        .engine
        .revoke_feed(branch.feed.feed.id)
        .await
        .expect("again");

    // Assert
    assert!(branch.token.starts_with("fd_ical_") && branch.token.len() == 48);
    assert_ne!(branch.token, staff.token);
    assert_eq!(found, branch.feed.feed);
    assert_eq!(found.company_id, demo.askpro.id);
    assert!(matches!(found.subject, FeedSubject::Branch(_)));
    assert_eq!(
        listed
            .iter()
            .map(|v| (v.feed.id, v.subject_name.as_str()))
            .collect::<Vec<_>>(),
        [
            (branch.feed.feed.id, ASKPRO_BRANCH),
            (staff.feed.feed.id, "Dr. Smith")
        ]
    );
    assert!(h.engine.list_feeds(BEYOND).await.expect("list").is_empty());
    assert!(!revoked.already_revoked);
    assert_eq!(revoked.feed.revoked_at, Some(ts("2026-11-21T08:00:00Z")));
    assert!(again.already_revoked);
    assert_eq!(again.feed.revoked_at, revoked.feed.revoked_at);
    let stored = h
        .store
        .revoke_calendar_feed(branch.feed.feed.id, ts("2026-11-23T08:00:00Z"))
        .await
        .expect("store revoke twice");
    assert_eq!(stored.revoked_at, revoked.feed.revoked_at);
    assert!(
        h.engine
            .render_feed(&branch.token)
            .await
            .expect("render")
            .is_none()
    );
    assert!(
        h.engine
            .render_feed(&staff.token)
            .await
            .expect("render")
            .is_some()
    );
    assert!(matches!(
        h.engine.revoke_feed(999_999).await,
        Err(EngineError::NotFound { .. })
    ));
}

async fn a_feed_belongs_to_exactly_one_branch_or_staff_member_of_its_company(h: Harness) {
    // Arrange
    let demo = h.demo().await;
    let beyond_branch = h
        .store
        .list_branches(demo.beyond.id)
        .await
        .expect("branches")[0]
        .id;
    let askpro_staff = h.store.list_staff(demo.askpro.id).await.expect("staff")[0].id;
    let feed = |subject| NewCalendarFeed {
        company_id: demo.askpro.id,
        subject,
        token_hash: hash_secret(&format!("{subject:?}")),
        now: h.now(),
    };

    // Act
    let foreign = h
        .store
        .create_calendar_feed(feed(FeedSubject::Branch(beyond_branch)))
        .await;
    let own = h
        .store
        .create_calendar_feed(feed(FeedSubject::Staff(askpro_staff)))
        .await;
    let same_hash = h
        .store
        .create_calendar_feed(feed(FeedSubject::Staff(askpro_staff)))
        .await;

    // Assert
    assert!(
        matches!(foreign, Err(StoreError::Conflict(_))),
        "{foreign:?}"
    );
    assert_eq!(
        own.expect("own staff").subject,
        FeedSubject::Staff(askpro_staff)
    );
    assert!(
        matches!(same_hash, Err(StoreError::Conflict(_))),
        "{same_hash:?}"
    );
    expect_code(
        h.engine
            .create_feed(ASKPRO, FeedTarget::Branch("Lisboa"))
            .await,
        "INVALID_INPUT",
    );
    expect_code(
        h.engine
            .create_feed("no-such-company", FeedTarget::Staff("x"))
            .await,
        "NOT_FOUND",
    );
}

async fn each_reschedule_and_the_cancellation_raise_the_sequence(h: Harness) {
    // Arrange
    let demo = h.demo().await;
    let mut req = book(INT2_LEFT, date(2026, 11, 22), time(8, 0));
    req.member_id = Some(RAFAEL_MEMBER);
    let made = h
        .engine
        .book(&demo.rafael, req)
        .await
        .expect("book")
        .booking;
    let sequence = |b: frontdesk_store::Booking| b.sequence;
    let stored = || h.store.get_booking(demo.beyond.id, made.id);
    assert_eq!(sequence(stored().await.expect("booking")), 0);

    // Act + Assert: two moves, then the cancellation.
    for (n, (day, hour)) in [(23, 8), (24, 12)].into_iter().enumerate() {
        h.engine
            .reschedule(
                &demo.rafael,
                move_to(BookingRef::Id(made.id), date(2026, 11, day), time(hour, 0)),
            )
            .await
            .expect("reschedule");
        assert_eq!(sequence(stored().await.expect("booking")), n as i64 + 1);
    }
    h.engine
        .cancel(&demo.rafael, &BookingRef::Id(made.id), None)
        .await
        .expect("cancel");
    let cancelled = stored().await.expect("booking");
    assert_eq!(cancelled.status, BookingStatus::Cancelled);
    assert_eq!(cancelled.sequence, 3);
    // A second cancellation changes nothing, the sequence included.
    h.engine
        .cancel(&demo.rafael, &BookingRef::Id(made.id), None)
        .await
        .expect("cancel again");
    assert_eq!(sequence(stored().await.expect("booking")), 3);
}

async fn a_feed_shows_its_subjects_bookings_in_range_and_recent_cancellations_only(h: Harness) {
    // Arrange: at Beyond, one booking that stays, one cancelled now; at AskPro, one.
    let demo = h.demo().await;
    let beyond_branch = h
        .store
        .list_branches(demo.beyond.id)
        .await
        .expect("branches")[0]
        .id;
    let mut req = book(INT2_LEFT, date(2026, 11, 22), time(8, 0));
    req.member_id = Some(RAFAEL_MEMBER);
    let kept = h
        .engine
        .book(&demo.rafael, req)
        .await
        .expect("book")
        .booking;
    let mut req = book(INT2_LEFT, date(2026, 11, 23), time(8, 0));
    req.member_id = Some(LUCAS_MEMBER);
    let dropped = h
        .engine
        .book(&demo.rafael, req)
        .await
        .expect("book")
        .booking;
    h.engine
        .cancel(&demo.rafael, &BookingRef::Id(dropped.id), None)
        .await
        .expect("cancel");
    let query = |from: &str, to: &str, cancelled_after: &str| FeedBookingsQuery {
        company_id: demo.beyond.id,
        subject: FeedSubject::Branch(beyond_branch),
        from: ts(from),
        to: ts(to),
        cancelled_after: ts(cancelled_after),
        limit: 100,
    };
    let ids = |rows: Vec<frontdesk_store::FeedBooking>| {
        rows.into_iter().map(|r| r.booking.id).collect::<Vec<_>>()
    };

    // Act
    let all = h
        .store
        .feed_bookings(&query(
            "2026-11-20T00:00:00Z",
            "2026-12-31T00:00:00Z",
            "2026-11-19T00:00:00Z",
        ))
        .await
        .expect("feed");
    let old_cancellations_dropped = h
        .store
        .feed_bookings(&query(
            "2026-11-20T00:00:00Z",
            "2026-12-31T00:00:00Z",
            "2026-11-20T12:00:00Z",
        ))
        .await
        .expect("feed");
    let before_range = h
        .store
        .feed_bookings(&query(
            "2026-11-22T12:00:00Z",
            "2026-12-31T00:00:00Z",
            "2026-11-19T00:00:00Z",
        ))
        .await
        .expect("feed");
    let another_company = h
        .store
        .feed_bookings(&FeedBookingsQuery {
            company_id: demo.askpro.id,
            ..query(
                "2026-11-20T00:00:00Z",
                "2026-12-31T00:00:00Z",
                "2026-11-19T00:00:00Z",
            )
        })
        .await
        .expect("feed");

    // Assert
    assert_eq!(ids(all.clone()), [kept.id, dropped.id]);
    assert_eq!(all[0].member_name.as_deref(), Some("Rafael Silva"));
    assert_eq!(all[1].booking.status, BookingStatus::Cancelled);
    assert_eq!(ids(old_cancellations_dropped), [kept.id]);
    assert_eq!(ids(before_range), [dropped.id]);
    assert!(another_company.is_empty());

    // The engine's window: 30 days back, cancellations of the last 30 days.
    let created = h
        .engine
        .create_feed(
            BEYOND,
            FeedTarget::Branch(&h.store.list_branches(demo.beyond.id).await.expect("b")[0].name),
        )
        .await
        .expect("feed");
    let text = |h: &Harness| {
        let h = h.clone();
        let token = created.token.clone();
        async move {
            h.engine
                .render_feed(&token)
                .await
                .expect("render")
                .expect("live")
                .body
        }
    };
    let now = text(&h).await;
    assert!(now.contains(&kept.voucher_code) && now.contains(&dropped.voucher_code));
    h.clock.set(h.now() + SignedDuration::from_hours(31 * 24));
    let later = text(&h).await;
    assert!(
        later.contains(&kept.voucher_code),
        "still within the 30 days past"
    );
    assert!(
        !later.contains(&dropped.voucher_code),
        "cancelled over 30 days ago"
    );
    h.clock.set(h.now() + SignedDuration::from_hours(31 * 24));
    assert!(!text(&h).await.contains(&kept.voucher_code));
}

async fn a_rendered_feed_keeps_its_etag_until_a_booking_changes(h: Harness) {
    // Arrange
    let demo = h.demo().await;
    let created = h
        .engine
        .create_feed(ASKPRO, FeedTarget::Branch(ASKPRO_BRANCH))
        .await
        .expect("feed");
    let render = || async {
        h.engine
            .render_feed(&created.token)
            .await
            .expect("render")
            .expect("live")
    };
    let first = render().await;

    // Act
    let second = render().await;
    let mut req = book("beratung", date(2026, 11, 24), time(10, 0));
    req.notify_customer = false;
    h.engine.book(&demo.john, req).await.expect("book");
    let third = render().await;

    // Assert
    assert_eq!(first.body, second.body);
    assert_eq!(first.etag, second.etag);
    assert_ne!(third.etag, first.etag);
    assert_eq!(third.events, first.events + 1);
    assert!(
        third
            .body
            .contains("DTSTART;TZID=Europe/Berlin:20261124T100000")
    );
}
