//! Every booking change through the engine writes its text message to the outbox in the
//! change's own transaction: one row per booking, move and cancellation, addressed to the
//! customer, with the booking's id and voucher code filled in by the store. Replays, repeated
//! cancels, refusals and imported bookings queue nothing.

use frontdesk_engine::messages::{Attempt, RetryPolicy};
use frontdesk_engine::{BookingRef, Caller};
use frontdesk_store::{
    MessageQuery, MessageStatus, Notification, ProviderReport, UNFINISHED_ATTEMPT,
};
use serde_json::json;
use tests_store::*;

tests_store::backend_tests!(
    each_change_queues_one_message_with_the_booking_as_it_became,
    replays_repeats_and_refusals_queue_nothing,
    reminders_are_scheduled_moved_and_withdrawn_with_the_booking,
    a_message_is_held_by_one_worker_retried_with_backoff_and_reported_on,
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
    // A confirmation and a reminder each.
    assert_eq!(outbox(&h, demo.askpro.id).await.len(), 4);

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
            "booking_reminder",
            "booking_cancelled"
        ],
        "only the two bookings, Erika's reminder (Max's went with his booking) and the one \
         real cancellation"
    );
}

/// The reminders of a booking, oldest due first: (due, status).
async fn reminders(h: &Harness, booking_id: i64) -> Vec<(String, MessageStatus)> {
    let mut rows: Vec<(String, MessageStatus)> = h
        .engine
        .list_messages(MessageQuery {
            booking_id: Some(booking_id),
            ..MessageQuery::default()
        })
        .await
        .expect("messages")
        .into_iter()
        .filter(|n| n.kind == "booking_reminder")
        .map(|n| (n.next_attempt_at.to_string(), n.status))
        .collect();
    rows.sort();
    rows
}

async fn reminders_are_scheduled_moved_and_withdrawn_with_the_booking(h: Harness) {
    // Arrange: the practice reminds 5 days, 24 hours and 2 hours ahead.
    let demo = h.demo().await;
    let mut file = h
        .engine
        .export_business(demo.askpro.id)
        .await
        .expect("export");
    file.company.policy.reminders = ["5d", "24h", "2h"]
        .iter()
        .map(|r| r.parse().expect("offset"))
        .collect();
    h.engine.import_business(&file).await.expect("import");
    let max = max(&h, &demo).await;
    let tuesday = date(2026, 11, 24);

    // Act: Tuesday 10:00 in Berlin (09:00 UTC), booked on Friday at noon UTC.
    let booked = h
        .engine
        .book(&max, book("Beratung", tuesday, time(10, 0)))
        .await
        .expect("book");
    let id = booked.booking.id;

    // Assert: 5 days ahead had passed already; 24 h and 2 h are due before the start.
    use MessageStatus::*;
    assert_eq!(
        reminders(&h, id).await,
        [
            ("2026-11-23T09:00:00Z".to_string(), Pending),
            ("2026-11-24T07:00:00Z".to_string(), Pending),
        ]
    );

    // A move withdraws them and schedules the new time's, in the same transaction.
    h.engine
        .reschedule(&max, move_to(BookingRef::Id(id), tuesday, time(11, 0)))
        .await
        .expect("move");
    assert_eq!(
        reminders(&h, id).await,
        [
            ("2026-11-23T09:00:00Z".to_string(), Cancelled),
            ("2026-11-23T10:00:00Z".to_string(), Pending),
            ("2026-11-24T07:00:00Z".to_string(), Cancelled),
            ("2026-11-24T08:00:00Z".to_string(), Pending),
        ]
    );

    // A reminder a worker took before the cancellation does not go out after it.
    h.set_now("2026-11-23T10:00:00Z");
    let taken = h
        .engine
        .claim_messages(&["sms"], std::time::Duration::from_secs(60), 100)
        .await
        .expect("claim");
    let reminder = taken
        .iter()
        .find(|n| n.kind == "booking_reminder")
        .expect("the 24 h reminder is due")
        .clone();
    assert!(
        h.engine
            .message_still_holds(&reminder)
            .await
            .expect("holds")
    );
    h.engine
        .cancel(&max, &BookingRef::Id(id), None)
        .await
        .expect("cancel");
    assert!(
        !h.engine
            .message_still_holds(&reminder)
            .await
            .expect("holds")
    );
    let statuses: Vec<MessageStatus> = reminders(&h, id).await.into_iter().map(|r| r.1).collect();
    assert_eq!(statuses, [Cancelled, Sending, Cancelled, Cancelled]);
}

async fn a_message_is_held_by_one_worker_retried_with_backoff_and_reported_on(h: Harness) {
    let demo = h.demo().await;
    let max = max(&h, &demo).await;
    let booked = h
        .engine
        .book(&max, book("Beratung", date(2026, 11, 24), time(10, 0)))
        .await
        .expect("book");
    let lease = std::time::Duration::from_secs(60);
    let retry = RetryPolicy::default();
    let claim = || h.engine.claim_messages(&["sms"], lease, 10);

    // Only what is due on the worker's channels: the confirmation, not the reminder.
    assert!(
        h.engine
            .claim_messages(&["email"], lease, 10)
            .await
            .expect("claim")
            .is_empty()
    );
    let taken = claim().await.expect("claim");
    assert_eq!(taken.len(), 1, "{taken:?}");
    let message = &taken[0];
    assert_eq!(message.kind, "booking_confirmed");
    assert_eq!(
        (message.status, message.attempts),
        (MessageStatus::Sending, 1)
    );
    assert_eq!(message.booking_id, Some(booked.booking.id));
    // Held: no other worker takes it.
    assert!(claim().await.expect("claim").is_empty());

    // A transient failure: back in the queue within 7.5-12.5 s (the first retry).
    let failed = h
        .engine
        .finish_attempt(message, Attempt::Transient("Twilio 503".into()), &retry)
        .await
        .expect("finish");
    assert_eq!(failed.status, MessageStatus::Pending);
    assert_eq!(failed.last_error.as_deref(), Some("Twilio 503"));
    let wait = failed.next_attempt_at.as_second() - h.now().as_second();
    assert!((7..=13).contains(&wait), "{wait}");
    assert!(
        claim().await.expect("claim").is_empty(),
        "not before its time"
    );

    // A worker that dies holding it: taken again after the lease, flagged as unfinished.
    h.set_now("2026-11-20T12:00:30Z");
    let second = claim().await.expect("claim");
    assert_eq!(second.len(), 1);
    assert_eq!(second[0].attempts, 2);
    h.set_now("2026-11-20T12:01:31Z");
    let third = claim().await.expect("claim");
    assert_eq!(third.len(), 1);
    assert_eq!(third[0].attempts, 3);
    assert_eq!(third[0].last_error.as_deref(), Some(UNFINISHED_ATTEMPT));

    // Sent, then the provider reports it delivered; a late "failed" does not undo that.
    let sent = h
        .engine
        .finish_attempt(
            &third[0],
            Attempt::Sent {
                provider_id: Some("SM0001".into()),
            },
            &retry,
        )
        .await
        .expect("sent");
    assert_eq!(sent.status, MessageStatus::Sent);
    assert!(sent.sent_at.is_some());
    let delivered = h
        .engine
        .message_report("sms", "SM0001", ProviderReport::Delivered)
        .await
        .expect("report");
    assert_eq!(delivered.status, MessageStatus::Delivered);
    let late = h
        .engine
        .message_report(
            "sms",
            "SM0001",
            ProviderReport::Failed {
                error: "late".into(),
            },
        )
        .await
        .expect("report");
    assert_eq!(late.status, MessageStatus::Delivered);
    assert!(
        h.engine
            .message_report("sms", "SM9999", ProviderReport::Delivered)
            .await
            .is_err(),
        "an unknown provider id is not found"
    );
    // A sent message is not retried; recording an attempt on it twice is refused.
    assert!(h.engine.retry_message(sent.id).await.is_err());
    assert!(
        h.engine
            .finish_attempt(&third[0], Attempt::Permanent("x".into()), &retry)
            .await
            .is_err()
    );

    // A permanent failure ends it at once; `retry` puts it back, due now.
    let cancel = h
        .engine
        .cancel(&max, &BookingRef::Id(booked.booking.id), None)
        .await
        .expect("cancel");
    assert!(cancel.confirmation_sent);
    let notice = claim().await.expect("claim");
    assert_eq!(notice.len(), 1);
    assert_eq!(notice[0].kind, "booking_cancelled");
    let failed = h
        .engine
        .finish_attempt(
            &notice[0],
            Attempt::Permanent("Twilio 400 (error 21211)".into()),
            &retry,
        )
        .await
        .expect("failed");
    assert_eq!((failed.status, failed.attempts), (MessageStatus::Failed, 1));
    let stats = h.engine.message_stats().await.expect("stats");
    assert_eq!(stats.count(MessageStatus::Failed), 1);
    assert_eq!(stats.count(MessageStatus::Delivered), 1);
    let again = h.engine.retry_message(failed.id).await.expect("retry");
    assert_eq!(again.status, MessageStatus::Pending);
    assert_eq!(claim().await.expect("claim").len(), 1);
}
