//! Services performed by staff (AskProAI: Dr. Smith does Beratung, Support and Training, open
//! Monday to Friday 09:00–18:00 every 30 minutes): a booking occupies the staff member across
//! every service that overlaps it.

use frontdesk_domain::BookingStatus;
use frontdesk_engine::{
    AvailabilityQuery, BookingRef, BookingScope, Caller, RescheduleRequest, Slot,
};
use jiff::civil::Time;
use tests_store::*;

tests_store::backend_tests!(
    the_demo_holds_john_does_beratung_appointment_on_the_next_open_day,
    a_staff_booking_makes_overlapping_slots_of_every_service_unavailable,
    cancelling_a_staff_booking_frees_the_staff_member,
    a_staff_booking_can_move_to_a_time_overlapping_its_own,
    a_booking_may_ask_for_a_staff_member_who_performs_the_service,
    buffers_of_both_bookings_keep_the_staff_member_busy_whichever_came_first,
);

/// A new caller of the practice, registered the way the voice agent does it.
async fn new_patient(h: &Harness, demo: &Demo, phone: &str, name: &str) -> Caller {
    let identified = h
        .engine
        .identify(demo.askpro.id, phone)
        .await
        .expect("identify");
    assert!(identified.customer.is_none());
    h.engine
        .register_caller(&identified.caller, name)
        .await
        .expect("register caller")
}

async fn staff_slots(h: &Harness, demo: &Demo, service: &str, on: jiff::civil::Date) -> Vec<Slot> {
    let query = AvailabilityQuery {
        service: Some(service.into()),
        include_full: true,
        ..AvailabilityQuery::on(on)
    };
    h.engine
        .availability(&demo.john, &query)
        .await
        .expect("availability")
        .slots
}

fn remaining_at(slots: &[Slot], at: Time) -> i64 {
    slots
        .iter()
        .find(|s| s.time == at)
        .unwrap_or_else(|| panic!("no slot at {at}"))
        .remaining
}

async fn the_demo_holds_john_does_beratung_appointment_on_the_next_open_day(h: Harness) {
    // Arrange: the demo asks for "tomorrow 14:00"; the pinned clock is a Friday, and the
    // practice is closed at the weekend.
    let demo = h.demo().await;

    // Act
    let upcoming = h
        .engine
        .bookings(&demo.john, None, BookingScope::Upcoming)
        .await
        .expect("bookings");

    // Assert
    assert_eq!(upcoming.len(), 1, "{upcoming:?}");
    let appointment = &upcoming[0];
    assert_eq!(appointment.service_code, "beratung");
    assert_eq!(
        (appointment.date, appointment.time.as_str()),
        (date(2026, 11, 23), "14:00")
    );
    assert_eq!(appointment.starts_at, ts("2026-11-23T13:00:00Z"));
    assert_eq!(appointment.duration_minutes, 60);
    assert_eq!(appointment.staff.as_deref(), Some("Dr. Smith"));
    assert_eq!(appointment.time_zone, "Europe/Berlin");
    assert_eq!(appointment.member.as_deref(), Some("John Doe"));
    assert_eq!(appointment.status, BookingStatus::Confirmed);
    // Dr. Smith is busy from 14:00 to 15:00 that Monday, whatever the service.
    let support = staff_slots(&h, &demo, "Support", date(2026, 11, 23)).await;
    assert_eq!(remaining_at(&support, time(13, 30)), 1);
    assert_eq!(remaining_at(&support, time(14, 0)), 0);
    assert_eq!(remaining_at(&support, time(14, 30)), 0);
    assert_eq!(remaining_at(&support, time(15, 0)), 1);
}

async fn a_staff_booking_makes_overlapping_slots_of_every_service_unavailable(h: Harness) {
    // Arrange
    let demo = h.demo().await;
    let erika = new_patient(&h, &demo, "030 22334455", "Erika Mustermann").await;
    let max = new_patient(&h, &demo, "+49 170 1234567", "Max Mustermann").await;
    let tuesday = date(2026, 11, 24);
    let free_support = staff_slots(&h, &demo, "support", tuesday).await;
    assert_eq!(free_support.len(), 18, "09:00 to 17:30 every 30 minutes");
    assert!(
        free_support
            .iter()
            .all(|s| s.remaining == 1 && s.capacity == 1)
    );

    // Act: Beratung 10:00-11:00 with Dr. Smith.
    let beratung = h
        .engine
        .book(&erika, book("Beratung", tuesday, time(10, 0)))
        .await
        .expect("book Beratung");

    // Assert
    let b = &beratung.booking;
    assert_eq!(b.staff.as_deref(), Some("Dr. Smith"));
    assert_eq!(b.starts_at, ts("2026-11-24T09:00:00Z"));
    let stored = h
        .store
        .get_booking(demo.askpro.id, b.id)
        .await
        .expect("stored");
    assert_eq!(stored.staff_id, b.staff_id);
    assert!(stored.staff_id.is_some());

    let support = staff_slots(&h, &demo, "Support", tuesday).await;
    assert_eq!(
        remaining_at(&support, time(9, 30)),
        1,
        "09:30-10:00 ends as Beratung starts"
    );
    assert_eq!(remaining_at(&support, time(10, 0)), 0);
    let half_past_ten = support
        .iter()
        .find(|s| s.time == time(10, 30))
        .expect("10:30 listed");
    assert_eq!(half_past_ten.remaining, 0, "staff busy");
    assert!(half_past_ten.staff.is_empty());
    assert_eq!(remaining_at(&support, time(11, 0)), 1);

    let beratung_slots = staff_slots(&h, &demo, "Beratung", tuesday).await;
    assert_eq!(remaining_at(&beratung_slots, time(9, 0)), 1);
    assert_eq!(remaining_at(&beratung_slots, time(9, 30)), 0);
    assert_eq!(remaining_at(&beratung_slots, time(10, 0)), 0);
    assert_eq!(remaining_at(&beratung_slots, time(10, 30)), 0);
    let training = staff_slots(&h, &demo, "Training", tuesday).await;
    assert_eq!(
        remaining_at(&training, time(9, 0)),
        0,
        "09:00-10:30 overlaps"
    );
    assert_eq!(remaining_at(&training, time(11, 0)), 1);

    let offered = h
        .engine
        .availability(
            &max,
            &AvailabilityQuery {
                service: Some("Support".into()),
                ..AvailabilityQuery::on(tuesday)
            },
        )
        .await
        .expect("availability");
    assert!(
        !offered
            .slots
            .iter()
            .any(|s| s.time == time(10, 30) || s.time == time(10, 0))
    );

    let clash = h
        .engine
        .book(&max, book("Support", tuesday, time(10, 30)))
        .await;
    let err = expect_code(clash, "SLOT_FULL");
    assert!(
        err.alternatives()
            .iter()
            .all(|a| a.time != "10:30" && a.time != "10:00")
    );
    expect_code(
        h.engine
            .book(&max, book("Beratung", tuesday, time(10, 0)))
            .await,
        "SLOT_FULL",
    );
    expect_code(
        h.engine
            .book(&max, book("Training", tuesday, time(9, 0)))
            .await,
        "SLOT_FULL",
    );
    assert!(
        h.engine
            .book(&max, book("Support", tuesday, time(11, 0)))
            .await
            .is_ok()
    );
    let confirmed = h.confirmed_of(demo.askpro.id).await;
    assert_eq!(
        confirmed.len(),
        3,
        "John's demo appointment, Erika's and Max's"
    );
}

async fn cancelling_a_staff_booking_frees_the_staff_member(h: Harness) {
    // Arrange
    let demo = h.demo().await;
    let erika = new_patient(&h, &demo, "030 22334455", "Erika Mustermann").await;
    let tuesday = date(2026, 11, 24);
    let beratung = h
        .engine
        .book(&erika, book("beratung", tuesday, time(10, 0)))
        .await
        .expect("book");

    // Act
    h.engine
        .cancel(&erika, &BookingRef::Id(beratung.booking.id), None)
        .await
        .expect("cancel");

    // Assert
    let support = staff_slots(&h, &demo, "Support", tuesday).await;
    assert!(
        support.iter().all(|s| s.remaining == 1),
        "Dr. Smith is free all day again"
    );
    assert!(
        h.engine
            .book(&erika, book("Support", tuesday, time(10, 30)))
            .await
            .is_ok()
    );
}

async fn a_staff_booking_can_move_to_a_time_overlapping_its_own(h: Harness) {
    // Arrange
    let demo = h.demo().await;
    let erika = new_patient(&h, &demo, "030 22334455", "Erika Mustermann").await;
    let tuesday = date(2026, 11, 24);
    let beratung = h
        .engine
        .book(&erika, book("beratung", tuesday, time(10, 0)))
        .await
        .expect("book");

    // Act: 10:30-11:30 overlaps only the booking being moved.
    let moved = h
        .engine
        .reschedule(
            &erika,
            RescheduleRequest {
                booking: BookingRef::Id(beratung.booking.id),
                date: tuesday,
                time: time(10, 30),
                service_id: None,
                service: None,
                staff_id: None,
            },
        )
        .await
        .expect("move by half an hour");
    // John's Monday 14:00 appointment blocks Dr. Smith at 14:30 on Monday.
    let into_john = h
        .engine
        .reschedule(
            &erika,
            RescheduleRequest {
                booking: BookingRef::Id(beratung.booking.id),
                date: date(2026, 11, 23),
                time: time(14, 30),
                service_id: None,
                service: None,
                staff_id: None,
            },
        )
        .await;

    // Assert
    assert_eq!(moved.after.id, beratung.booking.id);
    assert_eq!(moved.after.starts_at, ts("2026-11-24T09:30:00Z"));
    assert_eq!(moved.after.staff_id, beratung.booking.staff_id);
    expect_code(into_john, "SLOT_FULL");
    let stored = h
        .store
        .get_booking(demo.askpro.id, beratung.booking.id)
        .await
        .expect("stored");
    assert_eq!(stored.starts_at, ts("2026-11-24T09:30:00Z"));
}

async fn a_booking_may_ask_for_a_staff_member_who_performs_the_service(h: Harness) {
    // Arrange
    let demo = h.demo().await;
    let erika = new_patient(&h, &demo, "030 22334455", "Erika Mustermann").await;
    let dr_smith = h.store.list_staff(demo.askpro.id).await.expect("staff")[0].clone();
    assert_eq!(dr_smith.name, "Dr. Smith");
    let mut with_staff = book("Support", date(2026, 11, 25), time(9, 0));
    with_staff.staff_id = Some(dr_smith.id);
    let mut with_stranger = book("Support", date(2026, 11, 25), time(10, 0));
    with_stranger.staff_id = Some(dr_smith.id + 100);

    // Act
    let booked = h.engine.book(&erika, with_staff).await;
    let refused = h.engine.book(&erika, with_stranger).await;

    // Assert
    assert_eq!(
        booked.expect("book with Dr. Smith").booking.staff_id,
        Some(dr_smith.id)
    );
    expect_code(refused, "INVALID_INPUT");
}

/// One therapist, hour-long massages on the hour, and 30 minutes to turn the room round after
/// each one.
const CLINIC: &str = r#"
[company]
slug = "buffer-clinic"
name = "Buffer Clinic"
time_zone = "Europe/London"
language = "en-US"
phone_region = "GB"

[company.policy]
min_notice_minutes = 0
booking_window_days = 60

[[branches]]
name = "Main"

[[staff]]
name = "Sam"
branch = "Main"

[[services]]
code = "massage"
name = "Massage"
branch = "Main"
duration_minutes = 60
buffer_after_minutes = 30
staff = ["Sam"]
schedule = { kind = "open_hours", hours = { "mon-fri" = ["08:00-18:00"] }, interval_minutes = 60 }
"#;

async fn buffers_of_both_bookings_keep_the_staff_member_busy_whichever_came_first(h: Harness) {
    // Arrange: Tuesday 24 November 2026; a 10:00 massage keeps Sam busy until 11:30.
    h.set_now("2026-11-20T12:00:00Z");
    let clinic = h.import_toml(CLINIC).await.company;
    let first = h.customer(clinic.id, "+447700900001", "First").await;
    let second = h.customer(clinic.id, "+447700900002", "Second").await;
    let tuesday = date(2026, 11, 24);
    h.engine
        .book(&first, book("massage", tuesday, time(10, 0)))
        .await
        .expect("the 10:00 massage");

    // Act: the next hour starts inside the first booking's buffer.
    let next_hour = h
        .engine
        .book(&second, book("massage", tuesday, time(11, 0)))
        .await;

    // Assert: 11:00 is neither offered nor bookable; 12:00 is both.
    let offered = h
        .engine
        .availability(
            &second,
            &AvailabilityQuery {
                service: Some("massage".into()),
                include_full: true,
                ..AvailabilityQuery::on(tuesday)
            },
        )
        .await
        .expect("availability")
        .slots;
    assert_eq!(remaining_at(&offered, time(11, 0)), 0, "{offered:?}");
    assert_eq!(remaining_at(&offered, time(12, 0)), 1);
    expect_code(next_hour, "SLOT_FULL");
    h.engine
        .book(&second, book("massage", tuesday, time(12, 0)))
        .await
        .expect("12:00 is free: the buffer ends at 11:30");
    assert_eq!(h.confirmed_of(clinic.id).await.len(), 2);
}
