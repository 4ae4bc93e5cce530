//! A short tour of the SQLite store on a real file: migrations, the catalog, the booking
//! lifecycle and its audit trail, and the guarantee that concurrent bookings never overfill a
//! slot. The full cross-backend story lives in the shared store tests.

use frontdesk_domain::*;
use frontdesk_store::*;
use frontdesk_store_sqlite::SqliteStore;
use jiff::{SignedDuration, Timestamp};
use serde_json::json;
use std::collections::BTreeMap;

type TestResult = Result<(), Box<dyn std::error::Error>>;

struct Fixture {
    company: Company,
    branch: Branch,
    service: Service,
    customer: Customer,
    now: Timestamp,
    slot: Timestamp,
}

fn url(dir: &tempfile::TempDir) -> String {
    format!("sqlite://{}", dir.path().join("frontdesk.db").display())
}

async fn fixture(
    store: &SqliteStore,
    capacity: i32,
) -> Result<Fixture, Box<dyn std::error::Error>> {
    let now: Timestamp = "2026-11-21T10:00:00Z".parse()?;
    let slot = now + SignedDuration::from_hours(22);
    let company = store
        .upsert_company(NewCompany {
            slug: "surf".into(),
            name: "Surf School".into(),
            time_zone: "America/Sao_Paulo".into(),
            language: "pt-BR".parse().expect("tag"),
            phone_region: "BR".into(),
            address: None,
            policy: BookingPolicy::default(),
            messaging: Default::default(),
            now,
        })
        .await?;
    let branch = store
        .upsert_branch(NewBranch {
            company_id: company.id,
            name: "Beach".into(),
            time_zone: None,
            address: Some("Praia 1".into()),
            phone_numbers: vec!["+5511999990000".into()],
            exceptions: vec![],
        })
        .await?;
    let schedule =
        serde_json::from_value(json!({"kind": "fixed_times", "times": {"daily": ["08:00"]}}))?;
    let service = store
        .upsert_service(NewService {
            company_id: company.id,
            branch_id: branch.id,
            code: "wave".into(),
            name: "Wave pool".into(),
            description: None,
            duration_minutes: 60,
            capacity,
            buffer_before_minutes: 0,
            buffer_after_minutes: 0,
            price_cents: Some(10_000),
            currency: Some("BRL".into()),
            attributes: BTreeMap::from([("level".into(), "beginner".into())]),
            schedule,
            exceptions: vec![],
            staff_ids: vec![],
            active: true,
        })
        .await?;
    let customer = customer(store, company.id, "+5511988887777", now).await?;
    Ok(Fixture {
        company,
        branch,
        service,
        customer,
        now,
        slot,
    })
}

async fn customer(
    store: &SqliteStore,
    company_id: CompanyId,
    phone: &str,
    now: Timestamp,
) -> StoreResult<Customer> {
    store
        .upsert_customer(NewCustomer {
            company_id,
            phone: phone.into(),
            name: Some("Ana".into()),
            email: None,
            has_linked_account: false,
            now,
        })
        .await
}

fn booking(
    f: &Fixture,
    customer_id: CustomerId,
    member_id: Option<MemberId>,
    key: Option<&str>,
) -> NewBooking {
    NewBooking {
        company_id: f.company.id,
        branch_id: f.branch.id,
        service_id: f.service.id,
        staff_id: None,
        customer_id,
        member_id,
        starts_at: f.slot,
        ends_at: f.slot + SignedDuration::from_hours(1),
        source: BookingSource::Mcp,
        idempotency_key: key.map(str::to_string),
        call_id: None,
        notes: None,
        notifications: Vec::new(),
        registration: None,
    }
}

fn limits(capacity: i64, now: Timestamp) -> BookingLimits {
    BookingLimits {
        capacity,
        staff_window: None,
        member_quota: Some(2),
        now,
    }
}

#[tokio::test]
async fn booking_lifecycle() -> TestResult {
    let dir = tempfile::tempdir()?;
    // Connecting twice to one file proves the migrations can be re-applied.
    drop(SqliteStore::connect(&url(&dir)).await?);
    let store = SqliteStore::connect(&url(&dir)).await?;
    store.ping().await?;

    let f = fixture(&store, 2).await?;
    assert_eq!(store.get_company_by_slug("surf").await?, f.company);
    assert_eq!(
        store.find_branch_by_phone("+5511999990000").await?,
        f.branch
    );
    assert_eq!(
        store.get_service(f.company.id, f.service.id).await?,
        f.service
    );
    let member = store
        .upsert_member(NewMember {
            id: Some(12345),
            company_id: f.company.id,
            customer_id: f.customer.id,
            name: "Bia".into(),
            level: Some("beginner".into()),
            max_active_bookings: None,
            relationship: Some("child".into()),
        })
        .await?;
    assert_eq!(member.id, 12345);

    let first = match store
        .create_booking(
            booking(&f, f.customer.id, Some(member.id), Some("key-1")),
            limits(2, f.now),
        )
        .await?
    {
        BookingOutcome::Created(b) => b,
        other => panic!("expected Created, got {other:?}"),
    };
    assert_eq!(first.status, BookingStatus::Confirmed);
    assert_eq!(
        store
            .get_booking_by_voucher(f.company.id, &first.voucher_code)
            .await?,
        first
    );

    // The same key returns the first booking, even with other details.
    let replay = store
        .create_booking(
            booking(&f, f.customer.id, None, Some("key-1")),
            limits(2, f.now),
        )
        .await?;
    assert_eq!(replay, BookingOutcome::Replayed(first.clone()));

    let other = customer(&store, f.company.id, "+5511977776666", f.now).await?;
    let second = store
        .create_booking(booking(&f, other.id, None, None), limits(2, f.now))
        .await?;
    assert!(matches!(second, BookingOutcome::Created(_)));
    let third = store
        .create_booking(booking(&f, other.id, None, None), limits(2, f.now))
        .await?;
    assert_eq!(
        third,
        BookingOutcome::Refused(Refusal::SlotFull { capacity: 2 })
    );

    // Moving to a free hour keeps the id and the voucher code.
    let later = f.slot + SignedDuration::from_hours(2);
    let to = BookingMove {
        service_id: f.service.id,
        branch_id: f.branch.id,
        staff_id: None,
        starts_at: later,
        ends_at: later + SignedDuration::from_hours(1),
        notifications: Vec::new(),
        refill: None,
    };
    let (before, after) = match store
        .reschedule_booking(f.company.id, first.id, to, limits(2, f.now))
        .await?
    {
        RescheduleOutcome::Moved { before, after } => (before, after),
        other => panic!("expected Moved, got {other:?}"),
    };
    assert_eq!(before, first);
    assert_eq!(
        (after.id, &after.voucher_code, after.starts_at),
        (first.id, &first.voucher_code, later)
    );

    let cancel = Cancellation {
        reason: Some("rain".into()),
        refund_applicable: true,
        now: f.now,
        notifications: Vec::new(),
        refill: None,
    };
    let cancelled = match store
        .cancel_booking(f.company.id, first.id, cancel.clone())
        .await?
    {
        CancelOutcome::Cancelled(b) => b,
        other => panic!("expected Cancelled, got {other:?}"),
    };
    assert_eq!(cancelled.status, BookingStatus::Cancelled);
    assert_eq!(cancelled.refund_applicable, Some(true));
    assert!(matches!(
        store.cancel_booking(f.company.id, first.id, cancel).await?,
        CancelOutcome::NotActive(_)
    ));

    let kinds: Vec<String> = store
        .list_booking_events(f.company.id, first.id)
        .await?
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(kinds, ["created", "rescheduled", "cancelled"]);

    let usage = store
        .slot_usage(
            f.company.id,
            &[f.service.id],
            f.now,
            f.slot + SignedDuration::from_hours(24),
        )
        .await?;
    assert_eq!(
        usage,
        [SlotUsage {
            service_id: f.service.id,
            starts_at: f.slot,
            booked: 1
        }]
    );
    assert!(
        store
            .get_booking(f.company.id + 1, first.id)
            .await
            .is_err_and(|e| e.is_not_found())
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_bookings_never_overfill_a_slot() -> TestResult {
    let dir = tempfile::tempdir()?;
    let store = SqliteStore::connect(&url(&dir)).await?;
    // A second store on the same file is a second writer, as another process would be: only
    // the file lock (BEGIN IMMEDIATE) can keep the two from overfilling the slot together.
    let other = SqliteStore::connect(&url(&dir)).await?;
    let f = fixture(&store, 5).await?;

    let mut tasks = Vec::new();
    for i in 0..100 {
        let store = if i % 2 == 0 {
            store.clone()
        } else {
            other.clone()
        };
        let new = booking(&f, f.customer.id, None, Some(&format!("key-{i}")));
        let limits = limits(5, f.now);
        tasks.push(tokio::spawn(async move {
            store.create_booking(new, limits).await
        }));
    }
    let (mut created, mut full) = (0, 0);
    for task in tasks {
        match task.await?? {
            BookingOutcome::Created(_) => created += 1,
            BookingOutcome::Refused(Refusal::SlotFull { capacity: 5 }) => full += 1,
            other => panic!("unexpected outcome {other:?}"),
        }
    }
    assert_eq!((created, full), (5, 95));
    Ok(())
}

/// A second company beside the fixture's, to prove that rows stay with their company.
async fn other_company(store: &SqliteStore, slug: &str, now: Timestamp) -> StoreResult<Company> {
    store
        .upsert_company(NewCompany {
            slug: slug.into(),
            name: "Other".into(),
            time_zone: "Europe/Berlin".into(),
            language: "de-DE".parse().expect("tag"),
            phone_region: "DE".into(),
            address: None,
            policy: BookingPolicy::default(),
            messaging: Default::default(),
            now,
        })
        .await
}

fn credentials(retell: Option<&str>, vapi: Option<&str>, now: Timestamp) -> CredentialsUpdate {
    CredentialsUpdate {
        retell_api_key_enc: retell.map(str::to_string),
        vapi_secret_hash: vapi.map(str::to_string),
        twilio_auth_token_enc: None,
        now,
    }
}

#[tokio::test]
async fn company_credentials_keep_unset_fields_and_route_vapi() -> TestResult {
    let dir = tempfile::tempdir()?;
    let store = SqliteStore::connect(&url(&dir)).await?;
    let f = fixture(&store, 1).await?;
    let other = other_company(&store, "other", f.now).await?;

    // A company that never connected a platform has empty credentials.
    assert_eq!(
        store.get_company_credentials(f.company.id).await?,
        CompanyCredentials::default()
    );

    // Each update sets what it names and keeps the rest.
    store
        .set_company_credentials(f.company.id, credentials(Some("enc-1"), None, f.now))
        .await?;
    store
        .set_company_credentials(f.company.id, credentials(None, Some("hash-a"), f.now))
        .await?;
    let both = CompanyCredentials {
        retell_api_key_enc: Some("enc-1".into()),
        vapi_secret_hash: Some("hash-a".into()),
        twilio_auth_token_enc: None,
    };
    assert_eq!(store.get_company_credentials(f.company.id).await?, both);
    store
        .set_company_credentials(f.company.id, credentials(None, None, f.now))
        .await?;
    assert_eq!(store.get_company_credentials(f.company.id).await?, both);
    // Setting its own hash again is not a conflict with itself.
    store
        .set_company_credentials(
            f.company.id,
            credentials(Some("enc-2"), Some("hash-a"), f.now),
        )
        .await?;
    assert_eq!(
        store
            .get_company_credentials(f.company.id)
            .await?
            .retell_api_key_enc
            .as_deref(),
        Some("enc-2")
    );

    assert_eq!(
        store.find_company_by_vapi_secret_hash("hash-a").await?,
        f.company
    );
    assert!(
        store
            .find_company_by_vapi_secret_hash("hash-unknown")
            .await
            .is_err_and(|e| e.is_not_found())
    );

    // A hash names one company: another company cannot take it, and keeps what it had.
    let taken = store
        .set_company_credentials(other.id, credentials(Some("enc-o"), Some("hash-a"), f.now))
        .await;
    assert!(matches!(taken, Err(StoreError::Conflict(_))), "{taken:?}");
    assert_eq!(
        store.get_company_credentials(other.id).await?,
        CompanyCredentials::default()
    );
    assert_eq!(
        store.find_company_by_vapi_secret_hash("hash-a").await?,
        f.company
    );

    let missing = other.id + 100;
    assert!(
        store
            .set_company_credentials(missing, credentials(Some("enc"), None, f.now))
            .await
            .is_err_and(|e| e.is_not_found())
    );
    assert!(
        store
            .set_company_credentials(missing, credentials(None, None, f.now))
            .await
            .is_err_and(|e| e.is_not_found())
    );
    assert!(
        store
            .get_company_credentials(missing)
            .await
            .is_err_and(|e| e.is_not_found())
    );
    // The company row itself is untouched by its credentials.
    assert_eq!(store.get_company(f.company.id).await?, f.company);
    Ok(())
}

#[tokio::test]
async fn notification_outbox_lists_pending_oldest_first() -> TestResult {
    let dir = tempfile::tempdir()?;
    let store = SqliteStore::connect(&url(&dir)).await?;
    let f = fixture(&store, 1).await?;
    let other = other_company(&store, "other", f.now).await?;
    let BookingOutcome::Created(booked) = store
        .create_booking(booking(&f, f.customer.id, None, None), limits(1, f.now))
        .await?
    else {
        panic!("booking not created");
    };

    let note = |company_id, booking_id, recipient: &str, now| NewNotification {
        company_id,
        booking_id,
        kind: "booking_confirmed".into(),
        channel: "sms".into(),
        recipient: recipient.into(),
        payload: json!({"voucher": "ABC", "lines": ["a", "b"]}),
        now,
        due_at: None,
    };
    let later = f.now + SignedDuration::from_secs(60);
    // Queued first but created later: "oldest" is by creation time.
    let late = store
        .enqueue_notification(note(f.company.id, None, "+1", later))
        .await?;
    let first = store
        .enqueue_notification(note(f.company.id, Some(booked.id), "+2", f.now))
        .await?;
    let foreign = store
        .enqueue_notification(note(other.id, None, "+3", f.now))
        .await?;
    assert_eq!(
        (first.booking_id, first.sent_at, first.created_at),
        (Some(booked.id), None, f.now)
    );
    assert_eq!(
        first.payload,
        json!({"voucher": "ABC", "lines": ["a", "b"]})
    );

    let ids = |list: Vec<Notification>| list.into_iter().map(|n| n.id).collect::<Vec<_>>();
    let all = store.list_pending_notifications(None, 0).await?;
    assert_eq!(all[0], first);
    assert_eq!(ids(all), [first.id, foreign.id, late.id]);
    assert_eq!(
        ids(store
            .list_pending_notifications(Some(f.company.id), -1)
            .await?),
        [first.id, late.id]
    );
    assert_eq!(
        ids(store.list_pending_notifications(None, 1).await?),
        [first.id]
    );

    // Marked sent leaves the queue; marking again is not an error.
    store.mark_notification_sent(first.id, later).await?;
    store.mark_notification_sent(first.id, later).await?;
    assert_eq!(
        ids(store
            .list_pending_notifications(Some(f.company.id), 10)
            .await?),
        [late.id]
    );
    assert!(
        store
            .mark_notification_sent(late.id + 100, later)
            .await
            .is_err_and(|e| e.is_not_found())
    );

    // A notification cannot point at another company's booking.
    let stolen = store
        .enqueue_notification(note(other.id, Some(booked.id), "+4", f.now))
        .await;
    assert!(matches!(stolen, Err(StoreError::Conflict(_))), "{stolen:?}");
    Ok(())
}

#[tokio::test]
async fn prompt_templates_fall_back_from_branch_to_company() -> TestResult {
    let dir = tempfile::tempdir()?;
    let store = SqliteStore::connect(&url(&dir)).await?;
    let f = fixture(&store, 1).await?;
    let other = other_company(&store, "other", f.now).await?;
    let second = store
        .upsert_branch(NewBranch {
            company_id: f.company.id,
            name: "Lagoon".into(),
            time_zone: None,
            address: None,
            phone_numbers: vec![],
            exceptions: vec![],
        })
        .await?;
    let template = |branch_id, language: &str, text: &str| NewPromptTemplate {
        company_id: f.company.id,
        branch_id,
        language: language.into(),
        template: text.into(),
        now: f.now,
    };
    let get = |branch_id, language: &'static str| {
        let store = store.clone();
        let company_id = f.company.id;
        async move {
            store
                .get_prompt_template(company_id, branch_id, language)
                .await
        }
    };

    assert!(
        get(Some(f.branch.id), "pt")
            .await
            .is_err_and(|e| e.is_not_found())
    );
    assert!(get(None, "pt").await.is_err_and(|e| e.is_not_found()));

    // Company-wide only: every branch gets it.
    store
        .set_prompt_template(template(None, "pt", "company v1"))
        .await?;
    store
        .set_prompt_template(template(None, "pt", "company v2"))
        .await?;
    assert_eq!(get(None, "pt").await?, "company v2");
    assert_eq!(get(Some(f.branch.id), "pt").await?, "company v2");

    // A branch's own template wins for that branch only, and is replaced in place.
    store
        .set_prompt_template(template(Some(f.branch.id), "pt", "beach v1"))
        .await?;
    store
        .set_prompt_template(template(Some(f.branch.id), "pt", "beach v2"))
        .await?;
    assert_eq!(get(Some(f.branch.id), "pt").await?, "beach v2");
    assert_eq!(get(Some(second.id), "pt").await?, "company v2");
    assert_eq!(get(None, "pt").await?, "company v2");

    // Languages do not fall back to each other.
    assert!(
        get(Some(f.branch.id), "en")
            .await
            .is_err_and(|e| e.is_not_found())
    );
    store
        .set_prompt_template(template(Some(second.id), "en", "lagoon en"))
        .await?;
    assert_eq!(get(Some(second.id), "en").await?, "lagoon en");
    assert!(get(None, "en").await.is_err_and(|e| e.is_not_found()));
    assert!(
        get(Some(f.branch.id), "en")
            .await
            .is_err_and(|e| e.is_not_found())
    );

    // Another company sees none of it and cannot use this company's branch.
    assert!(
        store
            .get_prompt_template(other.id, Some(f.branch.id), "pt")
            .await
            .is_err_and(|e| e.is_not_found())
    );
    let stolen = store
        .set_prompt_template(NewPromptTemplate {
            company_id: other.id,
            ..template(Some(f.branch.id), "pt", "stolen")
        })
        .await;
    assert!(matches!(stolen, Err(StoreError::Conflict(_))), "{stolen:?}");
    assert_eq!(get(Some(f.branch.id), "pt").await?, "beach v2");
    Ok(())
}

#[tokio::test]
async fn a_call_stays_with_its_company() -> TestResult {
    let dir = tempfile::tempdir()?;
    let store = SqliteStore::connect(&url(&dir)).await?;
    let f = fixture(&store, 1).await?;
    let other = other_company(&store, "other", f.now).await?;
    let call = |company_id, status: &str| CallUpdate {
        company_id,
        provider: "retell".into(),
        external_id: "call-1".into(),
        status: Some(status.into()),
        now: f.now,
        ..Default::default()
    };

    let first = store.upsert_call(call(f.company.id, "ongoing")).await?;
    let hijack = store.upsert_call(call(other.id, "ended")).await;
    assert!(matches!(hijack, Err(StoreError::Conflict(_))), "{hijack:?}");
    assert_eq!(
        store.get_call(f.company.id, "retell", "call-1").await?,
        first
    );
    assert!(
        store
            .get_call(other.id, "retell", "call-1")
            .await
            .is_err_and(|e| e.is_not_found())
    );

    // Its own company still updates it.
    let ended = store.upsert_call(call(f.company.id, "ended")).await?;
    assert_eq!(
        (ended.id, ended.status.as_deref()),
        (first.id, Some("ended"))
    );
    Ok(())
}
