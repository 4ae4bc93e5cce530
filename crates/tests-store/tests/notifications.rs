//! Every booking change through the engine writes its text message to the outbox in the
//! change's own transaction: one row per booking, move and cancellation, addressed to the
//! customer, with the booking's id and voucher code filled in by the store. Replays, repeated
//! cancels, refusals and imported bookings queue nothing.

use frontdesk_engine::{BookingRef, Caller};
use frontdesk_store::Notification;
use serde_json::json;
use tests_store::*;

tests_store::backend_tests!(
    each_change_queues_one_message_with_the_booking_as_it_became,
    replays_repeats_and_refusals_queue_nothing,
);

const MAX_PHONE: &str = "+4917012345678";

async fn outbox(h: &Harness, company_id: i64) -> Vec<Notification> {
    h.store
        .list_pending_notifications(Some(company_id), 100)
        .await
        .expect("outbox")
}

/// A new patient of the practice (Dr. Smith's services), registered as the agent does it.
async fn max(h: &Harness, demo: &Demo) -> Caller {
    let identified = h
        .engine
        .identify(demo.askpro.id, MAX_PHONE)
        .await
        .expect("identify");
    h.engine
        .register_caller(&identified.caller, "Max Mustermann")
        .await
        .expect("register")
}

async fn each_change_queues_one_message_with_the_booking_as_it_became(h: Harness) {
    // Arrange
    let demo = h.demo().await;
    assert!(
        outbox(&h, demo.askpro.id).await.is_empty(),
        "the demo's imported appointment messaged nobody"
    );
    let max = max(&h, &demo).await;
    let tuesday = date(2026, 11, 24);

    // Act: Beratung with Dr. Smith on Tuesday at 10:00, moved to 11:00, then cancelled.
    let booked = h
        .engine
        .book(&max, book("Beratung", tuesday, time(10, 0)))
        .await
        .expect("book");
    let id = booked.booking.id;
    let moved = h
        .engine
        .reschedule(&max, move_to(BookingRef::Id(id), tuesday, time(11, 0)))
        .await
        .expect("move");
    let cancelled = h
        .engine
        .cancel(&max, &BookingRef::Id(id), Some("verreist".into()))
        .await
        .expect("cancel");

    // Assert
    assert!(booked.confirmation_sent && moved.confirmation_sent && cancelled.confirmation_sent);
    let rows = outbox(&h, demo.askpro.id).await;
    let kinds: Vec<&str> = rows.iter().map(|n| n.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "booking_confirmed",
            "booking_rescheduled",
            "booking_cancelled"
        ]
    );
    for n in &rows {
        assert_eq!(
            (n.booking_id, n.channel.as_str(), n.recipient.as_str()),
            (Some(id), "sms", MAX_PHONE)
        );
        let p = &n.payload;
        assert_eq!(p["kind"], json!(n.kind));
        assert_eq!(p["booking_id"], json!(id), "filled in by the store");
        assert_eq!(
            p["confirmation_number"],
            json!(booked.booking.voucher_code),
            "filled in by the store"
        );
        assert_eq!(p["customer_name"], json!("Max Mustermann"));
        assert_eq!(p["member"], json!(booked.booking.member));
        assert_eq!(p["service"], json!("Beratung"));
        assert_eq!(p["staff"], json!("Dr. Smith"));
        assert_eq!(p["time_zone"], json!("Europe/Berlin"));
        assert_eq!(p["date"], json!("2026-11-24"));
    }
    let (confirmed, rescheduled, cancellation) =
        (&rows[0].payload, &rows[1].payload, &rows[2].payload);
    assert_eq!(confirmed["time"], json!("10:00"));
    assert_eq!(confirmed["starts_at"], json!("2026-11-24T09:00:00Z"));
    assert_eq!(
        (&rescheduled["previous_time"], &rescheduled["time"]),
        (&json!("10:00"), &json!("11:00"))
    );
    assert_eq!(rescheduled["starts_at"], json!("2026-11-24T10:00:00Z"));
    assert_eq!(cancellation["time"], json!("11:00"));
    assert_eq!(cancellation["reason"], json!("verreist"));
    assert_eq!(
        cancellation["refund_applicable"],
        json!(cancelled.refund_applicable)
    );
}

async fn replays_repeats_and_refusals_queue_nothing(h: Harness) {
    // Arrange: Max holds Tuesday 10:00 with Dr. Smith, booked with an idempotency key.
    let demo = h.demo().await;
    let max = max(&h, &demo).await;
    let erika = h
        .customer(demo.askpro.id, "+4930123456", "Erika Mustermann")
        .await;
    let tuesday = date(2026, 11, 24);
    let mut request = book("Beratung", tuesday, time(10, 0));
    request.idempotency_key = Some("call-7/book".into());
    let first = h.engine.book(&max, request.clone()).await.expect("book");
    let erikas = h
        .engine
        .book(&erika, book("Beratung", tuesday, time(14, 0)))
        .await
        .expect("Erika books");
    assert_eq!(outbox(&h, demo.askpro.id).await.len(), 2);

    // Act
    let replay = h.engine.book(&max, request).await.expect("replay");
    let taken = h
        .engine
        .book(&erika, book("Beratung", tuesday, time(10, 0)))
        .await;
    let clash = h
        .engine
        .reschedule(
            &erika,
            move_to(BookingRef::Id(erikas.booking.id), tuesday, time(10, 0)),
        )
        .await;
    h.engine
        .cancel(&max, &BookingRef::Id(first.booking.id), None)
        .await
        .expect("cancel");
    let again = h
        .engine
        .cancel(&max, &BookingRef::Id(first.booking.id), None)
        .await
        .expect("cancel again");

    // Assert
    assert!(replay.replayed && !replay.confirmation_sent);
    assert_eq!(replay.booking.id, first.booking.id);
    assert!(taken.is_err(), "Dr. Smith is busy at 10:00: {taken:?}");
    assert!(clash.is_err(), "Dr. Smith is busy at 10:00: {clash:?}");
    assert!(again.already_cancelled && !again.confirmation_sent);
    let kinds: Vec<String> = outbox(&h, demo.askpro.id)
        .await
        .into_iter()
        .map(|n| n.kind)
        .collect();
    assert_eq!(
        kinds,
        [
            "booking_confirmed",
            "booking_confirmed",
            "booking_cancelled"
        ],
        "only the two bookings and the one real cancellation"
    );
}
