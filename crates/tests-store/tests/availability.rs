//! Availability: which slots a caller is offered, with how many places, in what order.

use frontdesk_engine::{AvailabilityQuery, Caller, Slot};
use std::collections::{BTreeMap, BTreeSet};
use tests_store::*;

tests_store::backend_tests!(
    a_demo_day_offers_every_level_and_side_with_all_places_free,
    attribute_filters_narrow_the_slots_to_matching_services,
    a_three_day_range_lists_each_day_in_order,
    a_range_longer_than_31_days_is_refused,
    slots_inside_the_notice_period_or_beyond_the_window_are_not_offered,
    closed_days_offer_nothing,
    a_members_preferences_rank_matching_slots_first,
    a_fully_booked_day_reports_the_next_available_slot,
);

fn times(slots: &[Slot]) -> Vec<String> {
    slots
        .iter()
        .map(|s| format!("{} {}", s.service_code, s.time))
        .collect()
}

fn filtered(on: jiff::civil::Date, filters: &[(&str, &str)]) -> AvailabilityQuery {
    AvailabilityQuery {
        attributes: filters
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..AvailabilityQuery::on(on)
    }
}

async fn a_demo_day_offers_every_level_and_side_with_all_places_free(h: Harness) {
    // Arrange
    let demo = h.demo().await;
    let anyone = Caller::anonymous(demo.beyond.id, None);

    // Act: Saturday 2026-11-21, the day after the pinned "now".
    let day = h
        .engine
        .availability(&anyone, &AvailabilityQuery::on(date(2026, 11, 21)))
        .await
        .expect("availability");

    // Assert: 12 services (6 levels x 2 sides), 26 sessions, all with 6 of 6 places.
    assert_eq!(day.time_zone, "America/Sao_Paulo");
    assert!(!day.ranked);
    assert!(day.next_available.is_none());
    assert_eq!(day.slots.len(), 26, "{:?}", times(&day.slots));
    let services: BTreeSet<&str> = day.slots.iter().map(|s| s.service_code.as_str()).collect();
    assert_eq!(services.len(), 12);
    let pairs: BTreeSet<(String, String)> = day
        .slots
        .iter()
        .map(|s| {
            (
                s.attributes["level"].clone(),
                s.attributes["wave_side"].clone(),
            )
        })
        .collect();
    assert_eq!(pairs.len(), 12, "every level on both sides");
    for slot in &day.slots {
        assert_eq!(slot.date, date(2026, 11, 21));
        assert_eq!(
            (slot.capacity, slot.remaining),
            (6, 6),
            "{}",
            slot.service_code
        );
        assert_eq!(slot.duration_minutes, 60);
        assert_eq!(slot.ends_at.as_second() - slot.starts_at.as_second(), 3600);
    }
    assert!(
        day.slots
            .windows(2)
            .all(|w| w[0].starts_at <= w[1].starts_at),
        "chronological"
    );
    // São Paulo is UTC-3 all year: the 08:00 sessions start at 11:00 UTC.
    let eight = day
        .slots
        .iter()
        .find(|s| s.service_code == "intermediario2-lado-esquerdo" && s.time == time(8, 0))
        .expect("Intermediario2 left at 08:00");
    assert_eq!(eight.starts_at, ts("2026-11-21T11:00:00Z"));
}

async fn attribute_filters_narrow_the_slots_to_matching_services(h: Harness) {
    // Arrange
    let demo = h.demo().await;
    let anyone = Caller::anonymous(demo.beyond.id, None);
    let saturday = date(2026, 11, 21);

    // Act
    let by_level = h
        .engine
        .availability(&anyone, &filtered(saturday, &[("level", "Intermediario2")]))
        .await
        .expect("level filter");
    let by_level_and_side = h
        .engine
        .availability(
            &anyone,
            &filtered(
                saturday,
                &[("level", "intermediario 2"), ("wave_side", "lado esquerdo")],
            ),
        )
        .await
        .expect("level and side filter, written loosely");
    let by_side = h
        .engine
        .availability(
            &anyone,
            &filtered(saturday, &[("wave_side", "Lado_direito")]),
        )
        .await
        .expect("side filter");
    let unknown = h
        .engine
        .availability(&anyone, &filtered(saturday, &[("level", "Profissional")]))
        .await;

    // Assert
    assert_eq!(by_level.slots.len(), 6, "{:?}", times(&by_level.slots));
    assert!(
        by_level
            .slots
            .iter()
            .all(|s| s.attributes["level"] == "Intermediario2")
    );
    assert_eq!(
        times(&by_level_and_side.slots),
        [
            "intermediario2-lado-esquerdo 08:00:00",
            "intermediario2-lado-esquerdo 12:00:00",
            "intermediario2-lado-esquerdo 18:00:00",
        ]
    );
    assert_eq!(by_side.slots.len(), 13);
    assert!(
        by_side
            .slots
            .iter()
            .all(|s| s.attributes["wave_side"] == "Lado_direito")
    );
    expect_code(unknown, "INVALID_INPUT");
}

async fn a_three_day_range_lists_each_day_in_order(h: Harness) {
    // Arrange
    let demo = h.demo().await;
    let anyone = Caller::anonymous(demo.beyond.id, None);
    let query = AvailabilityQuery {
        to: date(2026, 11, 23),
        ..filtered(date(2026, 11, 21), &[("level", "Avançado2")])
    };

    // Act
    let range = h
        .engine
        .availability(&anyone, &query)
        .await
        .expect("availability");

    // Assert: Avançado2 runs at 07:00 and 19:00 on both sides, every day.
    assert_eq!(
        (range.from, range.to),
        (date(2026, 11, 21), date(2026, 11, 23))
    );
    assert_eq!(range.slots.len(), 3 * 4);
    let mut per_day: BTreeMap<jiff::civil::Date, usize> = BTreeMap::new();
    for slot in &range.slots {
        *per_day.entry(slot.date).or_default() += 1;
    }
    assert_eq!(
        per_day.into_iter().collect::<Vec<_>>(),
        [
            (date(2026, 11, 21), 4),
            (date(2026, 11, 22), 4),
            (date(2026, 11, 23), 4)
        ]
    );
    assert!(
        range
            .slots
            .windows(2)
            .all(|w| w[0].starts_at <= w[1].starts_at)
    );
}

async fn a_range_longer_than_31_days_is_refused(h: Harness) {
    // Arrange
    let demo = h.demo().await;
    let anyone = Caller::anonymous(demo.beyond.id, None);
    let thirty_one = AvailabilityQuery {
        to: date(2026, 12, 21),
        ..AvailabilityQuery::on(date(2026, 11, 21))
    };
    let thirty_two = AvailabilityQuery {
        to: date(2026, 12, 22),
        ..AvailabilityQuery::on(date(2026, 11, 21))
    };
    let backwards = AvailabilityQuery {
        to: date(2026, 11, 20),
        ..AvailabilityQuery::on(date(2026, 11, 21))
    };

    // Act
    let allowed = h.engine.availability(&anyone, &thirty_one).await;
    let too_long = h.engine.availability(&anyone, &thirty_two).await;
    let reversed = h.engine.availability(&anyone, &backwards).await;

    // Assert
    assert!(allowed.is_ok(), "31 days are allowed: {allowed:?}");
    let err = expect_code(too_long, "RANGE_TOO_LONG");
    assert!(
        matches!(
            err,
            frontdesk_engine::EngineError::RangeTooLong {
                max: 31,
                requested: 32
            }
        ),
        "{err:?}"
    );
    expect_code(reversed, "INVALID_INPUT");
}

async fn slots_inside_the_notice_period_or_beyond_the_window_are_not_offered(h: Harness) {
    // Arrange: 08:45 in São Paulo, so the 09:00 sessions are 15 minutes away (notice is 20).
    let demo = h.demo().await;
    let anyone = Caller::anonymous(demo.beyond.id, None);
    h.set_now("2026-11-20T11:45:00Z");

    // Act
    let today = h
        .engine
        .availability(&anyone, &AvailabilityQuery::on(date(2026, 11, 20)))
        .await
        .expect("today");
    // The 30-day window ends 2026-12-20 08:45 local.
    let last_day = h
        .engine
        .availability(&anyone, &AvailabilityQuery::on(date(2026, 12, 20)))
        .await
        .expect("last day of the window");
    let beyond_window = h
        .engine
        .availability(&anyone, &AvailabilityQuery::on(date(2026, 12, 21)))
        .await
        .expect("past the window");

    // Assert
    let earliest = today
        .slots
        .iter()
        .map(|s| s.time)
        .min()
        .expect("slots today");
    assert_eq!(
        earliest,
        time(10, 0),
        "07:00, 08:00 have passed, 09:00 is too soon"
    );
    assert!(
        today
            .slots
            .iter()
            .all(|s| s.starts_at >= ts("2026-11-20T12:05:00Z"))
    );
    assert!(!today.slots.is_empty());

    let last_times: BTreeSet<_> = last_day.slots.iter().map(|s| s.time).collect();
    assert_eq!(
        last_times.into_iter().collect::<Vec<_>>(),
        [time(7, 0), time(8, 0)]
    );

    assert!(
        beyond_window.slots.is_empty(),
        "{:?}",
        times(&beyond_window.slots)
    );
    assert!(
        beyond_window.next_available.is_none(),
        "nothing is bookable after the window"
    );
}

async fn closed_days_offer_nothing(h: Harness) {
    // Arrange: the branch is closed on Christmas day; a clock in December puts it in the window.
    let demo = h.demo().await;
    let anyone = Caller::anonymous(demo.beyond.id, None);
    h.set_now("2026-12-10T12:00:00Z");

    // Act
    let christmas = h
        .engine
        .availability(&anyone, &AvailabilityQuery::on(date(2026, 12, 25)))
        .await
        .expect("christmas");
    let boxing_day = h
        .engine
        .availability(&anyone, &AvailabilityQuery::on(date(2026, 12, 26)))
        .await
        .expect("boxing day");

    // Assert
    assert!(christmas.slots.is_empty());
    let next = christmas
        .next_available
        .expect("the next open day is offered");
    assert_eq!(next.date, date(2026, 12, 26));
    assert_eq!(next.time, time(7, 0));
    assert_eq!(boxing_day.slots.len(), 26);
}

async fn a_members_preferences_rank_matching_slots_first(h: Harness) {
    // Arrange: Rafael (member 12345) prefers Intermediario2, left side, at 08:00.
    let demo = h.demo().await;
    let rafael = h
        .engine
        .identify(demo.beyond.id, RAFAEL_PHONE)
        .await
        .expect("identify Rafael");
    let rafael = rafael.caller;
    let stranger = h
        .customer(demo.beyond.id, &br_phone(1), "Somebody Else")
        .await;
    let saturday = date(2026, 11, 21);
    let for_member = |id| AvailabilityQuery {
        member_id: Some(id),
        ..AvailabilityQuery::on(saturday)
    };

    // Act
    let ranked = h
        .engine
        .availability(&rafael, &for_member(RAFAEL_MEMBER))
        .await
        .expect("ranked");
    let lucas = h
        .engine
        .availability(&rafael, &for_member(LUCAS_MEMBER))
        .await
        .expect("Lucas");
    let not_theirs = h
        .engine
        .availability(&stranger, &for_member(RAFAEL_MEMBER))
        .await;

    // Assert
    assert!(ranked.ranked);
    assert_eq!(
        ranked.slots.len(),
        26,
        "ranking reorders, it does not filter"
    );
    assert_eq!(
        times(&ranked.slots[..4]),
        [
            "intermediario2-lado-esquerdo 08:00:00",
            "intermediario2-lado-esquerdo 12:00:00",
            "intermediario2-lado-esquerdo 18:00:00",
            "intermediario2-lado-direito 08:00:00",
        ]
    );
    assert!(ranked.slots[0].score > ranked.slots[1].score);
    assert!(
        ranked.slots.windows(2).all(|w| w[0].score >= w[1].score),
        "by score"
    );

    assert!(!lucas.ranked, "Lucas has no preferences");
    assert!(lucas.slots.iter().all(|s| s.score == 0));
    assert!(
        lucas
            .slots
            .windows(2)
            .all(|w| w[0].starts_at <= w[1].starts_at)
    );

    expect_code(not_theirs, "NOT_FOUND");
}

async fn a_fully_booked_day_reports_the_next_available_slot(h: Harness) {
    // Arrange: a customer without members (so no quota) takes all 18 places of
    // Intermediario2 left on Saturday (08:00, 12:00, 18:00, 6 places each).
    let demo = h.demo().await;
    let group = h
        .customer(demo.beyond.id, &br_phone(7), "Surf School Group")
        .await;
    let saturday = date(2026, 11, 21);
    for at in [time(8, 0), time(12, 0), time(18, 0)] {
        for _ in 0..6 {
            h.engine
                .book(&group, book("intermediario2-lado-esquerdo", saturday, at))
                .await
                .expect("book a place");
        }
    }
    let query = AvailabilityQuery {
        service: Some("intermediario2-lado-esquerdo".into()),
        ..AvailabilityQuery::on(saturday)
    };

    // Act
    let full = h
        .engine
        .availability(&group, &query)
        .await
        .expect("availability");
    let with_full = h
        .engine
        .availability(
            &group,
            &AvailabilityQuery {
                include_full: true,
                ..query.clone()
            },
        )
        .await;

    // Assert
    assert!(full.slots.is_empty(), "{:?}", times(&full.slots));
    let next = full.next_available.expect("next available slot");
    assert_eq!((next.date, next.time), (date(2026, 11, 22), time(8, 0)));
    assert_eq!(next.service_code, "intermediario2-lado-esquerdo");
    assert_eq!(next.remaining, 6);
    let with_full = with_full.expect("availability including full slots");
    assert_eq!(with_full.slots.len(), 3);
    assert!(
        with_full
            .slots
            .iter()
            .all(|s| s.remaining == 0 && s.capacity == 6)
    );
}
