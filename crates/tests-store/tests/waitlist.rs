//! The waitlist: a place that frees up goes to the first matching entry, in the transaction
//! that freed it; booked at once (auto-book) or held and offered; every booking rule still
//! applies; and under concurrency each freed place goes to exactly one entry.

use frontdesk_domain::{BookingSource, BookingStatus, MemberPreferences};
use frontdesk_engine::waitlist::JoinWaitlistRequest;
use frontdesk_engine::{BookingRef, BookingScope, Caller, RescheduleRequest};
use frontdesk_store::{Member, MessageQuery, Notification, WaitlistQuery, WaitlistStatus};
use std::sync::Arc;
use tests_store::*;
use tokio::sync::Barrier;

tests_store::backend_tests!(
    a_freed_place_is_booked_for_the_first_entry_and_texted,
    an_offered_place_is_held_then_passes_on_when_the_hold_lapses,
    a_held_place_is_confirmed_by_booking_it,
    quota_and_notice_still_apply_to_the_waitlist,
    cancelling_a_waitlist_booking_does_not_put_the_member_back,
    joining_is_refused_when_a_place_is_free_or_already_booked,
    a_reschedule_away_gives_the_old_place_to_the_waitlist,
    auto_book_preferences_take_matching_places_up_to_the_quota,
    an_import_raising_the_capacity_fills_it_from_the_waitlist,
    places_freed_at_once_go_to_different_entries_exactly_once,
    leaving_takes_an_entry_off_and_releases_a_held_place,
    a_business_file_sets_the_hold_and_auto_book_preferences,
);

/// Two places at 10:00 and 18:00 every day, one coach; one hour's notice; two active
/// bookings per member; a hold lasts 15 minutes.
const TIDE_POOL: &str = r#"
[company]
slug = "tide-pool"
name = "Tide Pool"
time_zone = "America/Sao_Paulo"
language = "en-US"
phone_region = "BR"

[company.policy]
min_notice_minutes = 60
booking_window_days = 60
max_active_bookings_per_member = 2
free_cancellation_hours = 24
waitlist_hold_minutes = 15

[[branches]]
name = "Main"

[[staff]]
name = "Coach Duda"

[[services]]
code = "lane"
name = "Lane"
duration_minutes = 60
capacity = 2
attributes = { level = "Open" }
schedule = { kind = "fixed_times", times = { daily = ["10:00", "18:00"] } }

[[services]]
code = "coaching"
name = "Coaching"
duration_minutes = 60
staff = ["Coach Duda"]
schedule = { kind = "fixed_times", times = { daily = ["09:00", "11:00"] } }
"#;

/// Saturday: 10:00 local is 13:00 UTC, 25 hours after the pinned clock.
fn saturday() -> jiff::civil::Date {
    date(2026, 11, 21)
}

struct Pool {
    company_id: i64,
    people: Vec<(Caller, Member)>,
}

async fn pool(h: &Harness, people: usize) -> Pool {
    let summary = h.import_toml(TIDE_POOL).await;
    let company_id = summary.company.id;
    let mut all = Vec::new();
    for i in 0..people {
        all.push(
            h.customer_with_member(company_id, &br_phone(i), &format!("Swimmer {i}"))
                .await,
        );
    }
    Pool {
        company_id,
        people: all,
    }
}

impl Pool {
    fn caller(&self, i: usize) -> &Caller {
        &self.people[i].0
    }
    fn member(&self, i: usize) -> i64 {
        self.people[i].1.id
    }
}

async fn book_lane(h: &Harness, p: &Pool, i: usize, at: jiff::civil::Time) -> i64 {
    let mut req = book("lane", saturday(), at);
    req.member_id = Some(p.member(i));
    h.engine
        .book(p.caller(i), req)
        .await
        .unwrap_or_else(|e| panic!("swimmer {i} books: {e}"))
        .booking
        .id
}

fn join_lane(p: &Pool, i: usize, auto_book: bool) -> JoinWaitlistRequest {
    let mut req = JoinWaitlistRequest::new(saturday());
    req.member_id = Some(p.member(i));
    req.service = Some("lane".into());
    req.time_from = Some(time(10, 0));
    req.time_to = Some(time(10, 0));
    req.auto_book = auto_book;
    req
}

async fn join(h: &Harness, p: &Pool, i: usize, auto_book: bool) -> i64 {
    h.engine
        .join_waitlist(p.caller(i), join_lane(p, i, auto_book))
        .await
        .unwrap_or_else(|e| panic!("swimmer {i} joins: {e}"))
        .entry
        .entry_id
}

async fn cancel(h: &Harness, p: &Pool, i: usize, booking_id: i64) {
    h.engine
        .cancel(p.caller(i), &BookingRef::Id(booking_id), None)
        .await
        .unwrap_or_else(|e| panic!("swimmer {i} cancels: {e}"));
}

async fn entry_status(h: &Harness, p: &Pool, id: i64) -> WaitlistStatus {
    h.store
        .get_waitlist_entry(p.company_id, id)
        .await
        .expect("entry")
        .status
}

/// The member's bookings in the 10:00 lane on Saturday that hold a place.
async fn places_of(h: &Harness, p: &Pool, i: usize) -> Vec<frontdesk_store::Booking> {
    h.bookings_of(p.company_id)
        .await
        .into_iter()
        .filter(|b| {
            b.member_id == Some(p.member(i))
                && matches!(b.status, BookingStatus::Confirmed | BookingStatus::Held)
        })
        .collect()
}

async fn messages_to(h: &Harness, p: &Pool, i: usize) -> Vec<Notification> {
    h.store
        .list_messages(MessageQuery {
            company_id: Some(p.company_id),
            recipient: Some(p.caller(i).phone.clone().expect("phone")),
            limit: 100,
            ..Default::default()
        })
        .await
        .expect("messages")
}

async fn lane_taken(h: &Harness, p: &Pool) -> usize {
    h.bookings_of(p.company_id)
        .await
        .iter()
        .filter(|b| {
            b.starts_at == ts("2026-11-21T13:00:00Z")
                && matches!(b.status, BookingStatus::Confirmed | BookingStatus::Held)
        })
        .count()
}

async fn a_freed_place_is_booked_for_the_first_entry_and_texted(h: Harness) {
    // Arrange: the 10:00 lane is full; swimmers 2 and 3 wait, in that order.
    let p = pool(&h, 4).await;
    let first = book_lane(&h, &p, 0, time(10, 0)).await;
    book_lane(&h, &p, 1, time(10, 0)).await;
    let e2 = join(&h, &p, 2, true).await;
    let e3 = join(&h, &p, 3, true).await;

    // Act
    cancel(&h, &p, 0, first).await;

    // Assert: swimmer 2 has the place, booked from the waitlist, and a text says so.
    let got = places_of(&h, &p, 2).await;
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].status, BookingStatus::Confirmed);
    assert_eq!(got[0].source, BookingSource::Waitlist);
    assert_eq!(got[0].waitlist_entry_id, Some(e2));
    assert_eq!(entry_status(&h, &p, e2).await, WaitlistStatus::Booked);
    assert_eq!(entry_status(&h, &p, e3).await, WaitlistStatus::Waiting);
    assert!(places_of(&h, &p, 3).await.is_empty());
    assert_eq!(lane_taken(&h, &p).await, 2);
    let texts = messages_to(&h, &p, 2).await;
    let booked = texts
        .iter()
        .find(|m| m.kind == "waitlist_booked" && m.channel == "sms")
        .unwrap_or_else(|| panic!("no waitlist_booked SMS: {texts:?}"));
    assert_eq!(booked.booking_id, Some(got[0].id));
    assert_eq!(booked.payload["member"], "Swimmer 2");
    assert_eq!(booked.payload["confirmation_number"], got[0].voucher_code);
    assert!(
        texts.iter().any(|m| m.kind == "booking_reminder"),
        "an auto-booking gets its reminder like any booking: {texts:?}"
    );
    // The caller sees it as their booking, and the next in line moved up.
    let upcoming = h
        .engine
        .bookings(p.caller(2), None, BookingScope::Upcoming)
        .await
        .expect("bookings");
    assert_eq!(upcoming.len(), 1);
    let line = h
        .engine
        .waitlist(p.caller(3), None)
        .await
        .expect("waitlist");
    assert_eq!(line[0].position, Some(1));
}

async fn an_offered_place_is_held_then_passes_on_when_the_hold_lapses(h: Harness) {
    // Arrange: swimmer 2 waits for an offer, swimmer 3 behind them auto-books.
    let p = pool(&h, 5).await;
    let first = book_lane(&h, &p, 0, time(10, 0)).await;
    book_lane(&h, &p, 1, time(10, 0)).await;
    let e2 = join(&h, &p, 2, false).await;
    let e3 = join(&h, &p, 3, true).await;

    // Act: a place frees up.
    cancel(&h, &p, 0, first).await;

    // Assert: held for swimmer 2 until 15 minutes from now, taken for everyone else.
    let held = places_of(&h, &p, 2).await;
    assert_eq!(held.len(), 1);
    assert_eq!(held[0].status, BookingStatus::Held);
    assert_eq!(held[0].hold_until, Some(ts("2026-11-20T12:15:00Z")));
    assert_eq!(entry_status(&h, &p, e2).await, WaitlistStatus::Offered);
    let offer = messages_to(&h, &p, 2).await;
    let offer = offer
        .iter()
        .find(|m| m.kind == "waitlist_offered")
        .expect("an offer SMS");
    assert_eq!(offer.payload["held_until_time"], "09:15");
    let mut req = book("lane", saturday(), time(10, 0));
    req.member_id = Some(p.member(4));
    expect_code(h.engine.book(p.caller(4), req).await, "SLOT_FULL");
    assert_eq!(h.engine.sweep_waitlist().await.expect("sweep").lapsed, 0);

    // Act: the hold runs out.
    h.set_now("2026-11-20T12:15:00Z");
    let sweep = h.engine.sweep_waitlist().await.expect("sweep");

    // Assert: swimmer 2's hold lapsed and the place went to swimmer 3.
    assert_eq!(sweep.lapsed, 1);
    assert_eq!(entry_status(&h, &p, e2).await, WaitlistStatus::Lapsed);
    assert!(places_of(&h, &p, 2).await.is_empty());
    assert_eq!(entry_status(&h, &p, e3).await, WaitlistStatus::Booked);
    assert_eq!(places_of(&h, &p, 3).await.len(), 1);
    assert_eq!(lane_taken(&h, &p).await, 2);
    // A second sweep finds nothing more to do.
    assert_eq!(h.engine.sweep_waitlist().await.expect("sweep").lapsed, 0);
}

async fn a_held_place_is_confirmed_by_booking_it(h: Harness) {
    let p = pool(&h, 3).await;
    let first = book_lane(&h, &p, 0, time(10, 0)).await;
    book_lane(&h, &p, 1, time(10, 0)).await;
    let e2 = join(&h, &p, 2, false).await;
    cancel(&h, &p, 0, first).await;
    let held = places_of(&h, &p, 2).await[0].clone();

    // Act: the caller calls back and books the slot.
    let mut req = book("lane", saturday(), time(10, 0));
    req.member_id = Some(p.member(2));
    let result = h.engine.book(p.caller(2), req).await.expect("confirm");

    // Assert: the same booking, now confirmed; nothing lapses later.
    assert_eq!(result.booking.id, held.id);
    assert_eq!(result.booking.status, BookingStatus::Confirmed);
    assert!(result.confirmation_sent);
    assert_eq!(entry_status(&h, &p, e2).await, WaitlistStatus::Booked);
    assert_eq!(lane_taken(&h, &p).await, 2);
    h.set_now("2026-11-20T13:00:00Z");
    assert_eq!(h.engine.sweep_waitlist().await.expect("sweep").lapsed, 0);
    let texts = messages_to(&h, &p, 2).await;
    assert!(
        texts.iter().any(|m| m.kind == "booking_confirmed"),
        "{texts:?}"
    );
}

async fn quota_and_notice_still_apply_to_the_waitlist(h: Harness) {
    // Arrange: swimmer 2 is first in line but already holds two bookings (the quota).
    let p = pool(&h, 4).await;
    let first = book_lane(&h, &p, 0, time(10, 0)).await;
    book_lane(&h, &p, 1, time(10, 0)).await;
    let e2 = join(&h, &p, 2, true).await;
    let e3 = join(&h, &p, 3, true).await;
    book_lane(&h, &p, 2, time(18, 0)).await;
    let mut sunday = book("lane", date(2026, 11, 22), time(10, 0));
    sunday.member_id = Some(p.member(2));
    h.engine.book(p.caller(2), sunday).await.expect("second");

    // Act
    cancel(&h, &p, 0, first).await;

    // Assert: the quota passes swimmer 2 over; swimmer 3 gets the place.
    assert_eq!(entry_status(&h, &p, e2).await, WaitlistStatus::Waiting);
    assert_eq!(entry_status(&h, &p, e3).await, WaitlistStatus::Booked);

    // Arrange: today's 10:00 lane (13:00 UTC) is full and someone waits for it.
    h.set_now("2026-11-20T10:00:00Z");
    let today = date(2026, 11, 20);
    let mut ids = Vec::new();
    for i in [0, 1] {
        let mut req = book("lane", today, time(10, 0));
        req.member_id = Some(p.member(i));
        ids.push(
            h.engine
                .book(p.caller(i), req)
                .await
                .expect("today")
                .booking
                .id,
        );
    }
    let mut wait = join_lane(&p, 3, true);
    wait.date_from = today;
    let e3_today = h
        .engine
        .join_waitlist(p.caller(3), wait)
        .await
        .expect("join today")
        .entry
        .entry_id;

    // Act: a place frees up 30 minutes before the start, inside the hour's notice.
    h.set_now("2026-11-20T12:30:00Z");
    cancel(&h, &p, 0, ids[0]).await;

    // Assert: nobody may book it now, so nobody is given it.
    assert_eq!(
        entry_status(&h, &p, e3_today).await,
        WaitlistStatus::Waiting
    );
}

async fn cancelling_a_waitlist_booking_does_not_put_the_member_back(h: Harness) {
    let p = pool(&h, 4).await;
    let first = book_lane(&h, &p, 0, time(10, 0)).await;
    book_lane(&h, &p, 1, time(10, 0)).await;
    let e2 = join(&h, &p, 2, true).await;
    let e3 = join(&h, &p, 3, true).await;
    cancel(&h, &p, 0, first).await;
    let from_waitlist = places_of(&h, &p, 2).await[0].id;

    // Act: swimmer 2 cancels the place the waitlist gave them.
    cancel(&h, &p, 2, from_waitlist).await;

    // Assert: the place goes to swimmer 3, and swimmer 2 is not waiting again.
    assert_eq!(entry_status(&h, &p, e2).await, WaitlistStatus::Booked);
    assert_eq!(entry_status(&h, &p, e3).await, WaitlistStatus::Booked);
    assert!(places_of(&h, &p, 2).await.is_empty());
    assert!(
        h.engine
            .waitlist(p.caller(2), None)
            .await
            .expect("waitlist")
            .is_empty()
    );
    assert_eq!(lane_taken(&h, &p).await, 2);
}

async fn joining_is_refused_when_a_place_is_free_or_already_booked(h: Harness) {
    let p = pool(&h, 3).await;
    // A free place: book it instead, with the slot offered.
    let free = expect_code(
        h.engine
            .join_waitlist(p.caller(2), join_lane(&p, 2, true))
            .await,
        "SLOT_AVAILABLE",
    );
    assert_eq!(free.alternatives()[0].time, "10:00");
    book_lane(&h, &p, 0, time(10, 0)).await;
    book_lane(&h, &p, 1, time(10, 0)).await;
    // Already booked there.
    expect_code(
        h.engine
            .join_waitlist(p.caller(0), join_lane(&p, 0, true))
            .await,
        "ALREADY_BOOKED",
    );
    // Joining twice is the same entry.
    let once = join(&h, &p, 2, true).await;
    let again = h
        .engine
        .join_waitlist(p.caller(2), join_lane(&p, 2, true))
        .await
        .expect("again");
    assert!(again.already_waiting);
    assert_eq!(again.entry.entry_id, once);
    // Someone else's member, a range too long, a day that passed.
    let mut theirs = join_lane(&p, 2, true);
    theirs.member_id = Some(p.member(0));
    expect_code(
        h.engine.join_waitlist(p.caller(2), theirs).await,
        "NOT_FOUND",
    );
    let mut long = join_lane(&p, 2, true);
    long.date_to = Some(date(2027, 3, 1));
    expect_code(
        h.engine.join_waitlist(p.caller(2), long).await,
        "RANGE_TOO_LONG",
    );
    let mut past = join_lane(&p, 2, true);
    past.date_from = date(2026, 11, 1);
    past.date_to = Some(date(2026, 11, 2));
    expect_code(
        h.engine.join_waitlist(p.caller(2), past).await,
        "DATE_PASSED",
    );
    // Nothing was added by the refusals.
    let entries = h
        .store
        .list_waitlist(&WaitlistQuery {
            company_id: p.company_id,
            ..Default::default()
        })
        .await
        .expect("entries");
    assert_eq!(entries.len(), 1);
}

async fn a_reschedule_away_gives_the_old_place_to_the_waitlist(h: Harness) {
    let p = pool(&h, 3).await;
    let first = book_lane(&h, &p, 0, time(10, 0)).await;
    book_lane(&h, &p, 1, time(10, 0)).await;
    let e2 = join(&h, &p, 2, true).await;

    // Act: swimmer 0 moves to 18:00.
    h.engine
        .reschedule(
            p.caller(0),
            RescheduleRequest {
                booking: BookingRef::Id(first),
                date: saturday(),
                time: time(18, 0),
                service_id: None,
                service: None,
                staff_id: None,
            },
        )
        .await
        .expect("move");

    // Assert
    assert_eq!(entry_status(&h, &p, e2).await, WaitlistStatus::Booked);
    assert_eq!(lane_taken(&h, &p).await, 2);
}

async fn auto_book_preferences_take_matching_places_up_to_the_quota(h: Harness) {
    // Arrange: the 10:00 lanes of the weekend are full; swimmer 2 has one booking (of two
    // allowed) and opts in to auto-book 10:00 lanes this weekend.
    let p = pool(&h, 5).await;
    let a = book_lane(&h, &p, 0, time(10, 0)).await;
    book_lane(&h, &p, 1, time(10, 0)).await;
    let mut sunday = Vec::new();
    for i in [3, 4] {
        let mut req = book("lane", date(2026, 11, 22), time(10, 0));
        req.member_id = Some(p.member(i));
        sunday.push(
            h.engine
                .book(p.caller(i), req)
                .await
                .expect("sunday")
                .booking
                .id,
        );
    }
    book_lane(&h, &p, 2, time(18, 0)).await;
    let mut auto = h
        .engine
        .member_preferences(p.caller(2), p.member(2))
        .await
        .expect("prefs");
    auto.services = vec!["lane".into()];
    auto.target_hours = vec!["10:00".parse().expect("time")];
    auto.target_dates = vec![saturday(), date(2026, 11, 22)];
    auto.auto_book = true;
    h.engine
        .set_member_preferences(p.caller(2), p.member(2), auto)
        .await
        .expect("opt in");
    assert_eq!(places_of(&h, &p, 2).await.len(), 1, "nothing was free yet");

    // Act: a place frees up on Saturday, then one on Sunday.
    cancel(&h, &p, 0, a).await;
    cancel(&h, &p, 3, sunday[0]).await;

    // Assert: booked into Saturday, then stopped by the quota of two for Sunday.
    let places = places_of(&h, &p, 2).await;
    assert_eq!(places.len(), 2, "{places:?}");
    let from_waitlist: Vec<_> = places
        .iter()
        .filter(|b| b.source == BookingSource::Waitlist)
        .collect();
    assert_eq!(from_waitlist.len(), 1);
    assert_eq!(from_waitlist[0].starts_at, ts("2026-11-21T13:00:00Z"));
    assert_eq!(lane_taken(&h, &p).await, 2);
    let still = h
        .store
        .list_waitlist(&WaitlistQuery {
            company_id: p.company_id,
            member_id: Some(p.member(2)),
            statuses: vec![WaitlistStatus::Waiting],
            ..Default::default()
        })
        .await
        .expect("entries");
    assert_eq!(still.len(), 1, "a preference stays for the next place");

    // Opting out removes the standing entry.
    h.engine
        .set_member_preferences(p.caller(2), p.member(2), MemberPreferences::default())
        .await
        .expect("opt out");
    assert!(
        h.engine
            .waitlist(p.caller(2), None)
            .await
            .expect("waitlist")
            .is_empty()
    );
    // Auto-book without anything to book is refused, and nothing is saved.
    let nothing = MemberPreferences {
        auto_book: true,
        ..Default::default()
    };
    expect_code(
        h.engine
            .set_member_preferences(p.caller(2), p.member(2), nothing)
            .await,
        "INVALID_INPUT",
    );
}

async fn an_import_raising_the_capacity_fills_it_from_the_waitlist(h: Harness) {
    let p = pool(&h, 4).await;
    book_lane(&h, &p, 0, time(10, 0)).await;
    book_lane(&h, &p, 1, time(10, 0)).await;
    let e2 = join(&h, &p, 2, true).await;
    let e3 = join(&h, &p, 3, false).await;

    // Act: the business raises the lane to four places.
    h.import_toml(&TIDE_POOL.replace("capacity = 2", "capacity = 4"))
        .await;

    // Assert: both waiting swimmers got a place, in their own way.
    assert_eq!(entry_status(&h, &p, e2).await, WaitlistStatus::Booked);
    assert_eq!(entry_status(&h, &p, e3).await, WaitlistStatus::Offered);
    assert_eq!(lane_taken(&h, &p).await, 4);
}

async fn places_freed_at_once_go_to_different_entries_exactly_once(h: Harness) {
    // Arrange: the lane holds ten; ten booked, twenty waiting.
    let summary = h
        .import_toml(&TIDE_POOL.replace("capacity = 2", "capacity = 10"))
        .await;
    let company_id = summary.company.id;
    let mut people = Vec::new();
    for i in 0..30 {
        people.push(
            h.customer_with_member(company_id, &br_phone(i), &format!("Swimmer {i}"))
                .await,
        );
    }
    let p = Pool { company_id, people };
    let mut booked = Vec::new();
    for i in 0..10 {
        booked.push(book_lane(&h, &p, i, time(10, 0)).await);
    }
    let mut entries = Vec::new();
    for i in 10..30 {
        entries.push(join(&h, &p, i, true).await);
    }

    // Act: all ten cancel at once.
    let barrier = Arc::new(Barrier::new(10));
    let tasks: Vec<_> = (0..10)
        .map(|i| {
            let (engine, caller, id, barrier) = (
                h.engine.clone(),
                p.caller(i).clone(),
                booked[i],
                barrier.clone(),
            );
            tokio::spawn(async move {
                barrier.wait().await;
                engine.cancel(&caller, &BookingRef::Id(id), None).await
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("task").expect("cancel");
    }

    // Assert: the first ten entries have one place each; the rest still wait; never over.
    assert_eq!(lane_taken(&h, &p).await, 10);
    for (n, entry) in entries.iter().enumerate() {
        let expected = if n < 10 {
            WaitlistStatus::Booked
        } else {
            WaitlistStatus::Waiting
        };
        assert_eq!(entry_status(&h, &p, *entry).await, expected, "entry {n}");
        assert_eq!(places_of(&h, &p, 10 + n).await.len(), usize::from(n < 10));
    }
}

async fn leaving_takes_an_entry_off_and_releases_a_held_place(h: Harness) {
    let p = pool(&h, 4).await;
    let first = book_lane(&h, &p, 0, time(10, 0)).await;
    book_lane(&h, &p, 1, time(10, 0)).await;
    let e2 = join(&h, &p, 2, false).await;
    let e3 = join(&h, &p, 3, true).await;
    cancel(&h, &p, 0, first).await;
    assert_eq!(entry_status(&h, &p, e2).await, WaitlistStatus::Offered);

    // Act: swimmer 2 declines the offer by leaving.
    let left = h
        .engine
        .leave_waitlist(p.caller(2), e2)
        .await
        .expect("leave");

    // Assert: the held place went straight to swimmer 3.
    assert!(!left.already_left);
    assert_eq!(left.entry.status, WaitlistStatus::Left);
    assert!(places_of(&h, &p, 2).await.is_empty());
    assert_eq!(entry_status(&h, &p, e3).await, WaitlistStatus::Booked);
    // Leaving again changes nothing; another caller cannot leave someone's entry.
    let again = h
        .engine
        .leave_waitlist(p.caller(2), e2)
        .await
        .expect("again");
    assert!(again.already_left);
    expect_code(h.engine.leave_waitlist(p.caller(1), e3).await, "NOT_FOUND");
}

async fn a_business_file_sets_the_hold_and_auto_book_preferences(h: Harness) {
    // A hold outside one minute to a week refuses the whole file.
    for bad in ["0", "-5", "10081"] {
        let text = TIDE_POOL.replace(
            "waitlist_hold_minutes = 15",
            &format!("waitlist_hold_minutes = {bad}"),
        );
        let file = frontdesk_engine::import::BusinessFile::parse(&text, "toml").expect("parses");
        let refused = expect_code(h.engine.import_business(&file).await, "INVALID_INPUT");
        assert!(
            refused.to_string().contains("waitlist_hold_minutes"),
            "{refused}"
        );
    }
    assert!(h.engine.companies().await.expect("companies").is_empty());

    // A member listed with auto-book preferences waits from the import on, and takes the
    // free place the import itself leaves.
    let text = format!(
        "{TIDE_POOL}\n[[customers]]\nphone = \"+5511900000001\"\nname = \"Ana\"\n\n\
         [[customers.members]]\nname = \"Ana\"\npreferences = {{ services = [\"lane\"], \
         target_hours = [\"18:00\"], target_dates = [\"2026-11-21\"], auto_book = true }}\n"
    );
    let summary = h.import_toml(&text).await;
    let ana = h.known_caller(summary.company.id, "+5511900000001").await;
    let upcoming = h
        .engine
        .bookings(&ana, None, BookingScope::Upcoming)
        .await
        .expect("bookings");
    assert_eq!(upcoming.len(), 1, "{upcoming:?}");
    assert_eq!(upcoming[0].source, BookingSource::Waitlist);
    assert_eq!(upcoming[0].starts_at, ts("2026-11-21T21:00:00Z"));
    // Importing the same file again changes nothing: the same entry, the same booking.
    let entries = |h: Harness, company_id| async move {
        h.store
            .list_waitlist(&WaitlistQuery {
                company_id,
                ..Default::default()
            })
            .await
            .expect("entries")
    };
    let before = entries(h.clone(), summary.company.id).await;
    h.import_toml(&text).await;
    assert_eq!(
        entries(h.clone(), summary.company.id).await.len(),
        before.len()
    );
    let again = h
        .engine
        .bookings(&ana, None, BookingScope::Upcoming)
        .await
        .expect("bookings");
    assert_eq!(again.len(), 1);
}
