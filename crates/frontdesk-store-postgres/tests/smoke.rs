//! Smoke tests against a real PostgreSQL server named by `FRONTDESK_TEST_POSTGRES_URL`
//! (skipped when unset). Each test gets a database of its own, so they run in parallel.
//! The full booking story across backends lives in `tests-store`; this checks the pieces
//! that are specific to this backend: migrations, explicit ids, and the locking.

use frontdesk_domain::*;
use frontdesk_store::*;
use frontdesk_store_postgres::PostgresStore;
use jiff::Timestamp;
use serde_json::json;
use sqlx::Connection;
use std::collections::BTreeMap;

const URL_VAR: &str = "FRONTDESK_TEST_POSTGRES_URL";

/// A database created for one test and dropped (best effort) when the test ends, even if
/// it panicked.
struct TestDb {
    admin_url: String,
    name: String,
    url: String,
}

impl TestDb {
    async fn create() -> Option<TestDb> {
        let Some(admin_url) = std::env::var(URL_VAR).ok().filter(|u| !u.trim().is_empty()) else {
            println!("skipped: set {URL_VAR} to run the PostgreSQL tests");
            return None;
        };
        let name = format!("fd_test_{:016x}", rand::random::<u64>());
        let mut admin = sqlx::PgConnection::connect(&admin_url)
            .await
            .unwrap_or_else(|e| panic!("connect to {URL_VAR}: {e}"));
        sqlx::query(&format!("CREATE DATABASE \"{name}\""))
            .execute(&mut admin)
            .await
            .unwrap_or_else(|e| panic!("create database {name}: {e}"));
        let url = with_database(&admin_url, &name);
        Some(TestDb {
            admin_url,
            name,
            url,
        })
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        // Drop cannot await, and may run while a panic unwinds: a thread with its own
        // runtime does the clean-up outside the test's runtime.
        let cleanup = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(async move {
                if let Ok(mut admin) = sqlx::PgConnection::connect(&admin_url).await {
                    let drop = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                    let _ = sqlx::query(&drop).execute(&mut admin).await;
                }
            });
        });
        let _ = cleanup.join();
    }
}

/// `url` with its database replaced by `name`, keeping credentials and parameters.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[authority_start..]
        .find('/')
        .map_or(base.len(), |i| authority_start + i);
    let mut out = format!("{}/{name}", &base[..host_end]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

fn at(s: &str) -> Timestamp {
    s.parse().expect("a valid timestamp")
}

const NOW: &str = "2026-11-20T12:00:00Z";
const SLOT: &str = "2026-11-23T08:00:00Z";
const SLOT_END: &str = "2026-11-23T09:00:00Z";

/// One company with a branch, a service of `capacity` places and one customer.
struct Fixture {
    company: Company,
    branch: Branch,
    service: Service,
    customer: Customer,
}

async fn fixture(store: &PostgresStore, slug: &str, capacity: i32) -> Fixture {
    let company = store
        .upsert_company(NewCompany {
            slug: slug.into(),
            name: "Beyond the Club".into(),
            time_zone: "America/Sao_Paulo".into(),
            language: "pt-BR".parse().expect("tag"),
            phone_region: "BR".into(),
            address: None,
            policy: BookingPolicy::default(),
            messaging: Default::default(),
            now: at(NOW),
        })
        .await
        .expect("company");
    let branch = store
        .upsert_branch(NewBranch {
            company_id: company.id,
            name: "Main".into(),
            time_zone: None,
            address: Some("Rua 1".into()),
            phone_numbers: vec![format!("+55119{:08}", company.id)],
            exceptions: vec![],
        })
        .await
        .expect("branch");
    let schedule: Schedule =
        serde_json::from_value(json!({"kind": "fixed_times", "times": {"daily": ["08:00"]}}))
            .expect("schedule");
    let service = store
        .upsert_service(NewService {
            company_id: company.id,
            branch_id: branch.id,
            code: "surf".into(),
            name: "Surf".into(),
            description: None,
            duration_minutes: 60,
            capacity,
            buffer_before_minutes: 0,
            buffer_after_minutes: 0,
            price_cents: Some(9000),
            currency: Some("BRL".into()),
            attributes: BTreeMap::from([("level".into(), "Intermediario2".into())]),
            schedule,
            exceptions: vec![],
            staff_ids: vec![],
            active: true,
        })
        .await
        .expect("service");
    let customer = store
        .upsert_customer(NewCustomer {
            company_id: company.id,
            phone: "+5511999999999".into(),
            name: Some("Rafael".into()),
            email: None,
            has_linked_account: true,
            now: at(NOW),
        })
        .await
        .expect("customer");
    Fixture {
        company,
        branch,
        service,
        customer,
    }
}

fn new_booking(f: &Fixture, key: Option<&str>) -> NewBooking {
    NewBooking {
        company_id: f.company.id,
        branch_id: f.branch.id,
        service_id: f.service.id,
        staff_id: None,
        customer_id: f.customer.id,
        member_id: None,
        starts_at: at(SLOT),
        ends_at: at(SLOT_END),
        source: BookingSource::Mcp,
        idempotency_key: key.map(str::to_string),
        call_id: None,
        notes: None,
        notifications: Vec::new(),
        registration: None,
    }
}

fn limits(capacity: i64) -> BookingLimits {
    BookingLimits {
        capacity,
        staff_window: None,
        member_quota: None,
        now: at(NOW),
    }
}

#[tokio::test]
async fn booking_story() {
    let Some(db) = TestDb::create().await else {
        return;
    };
    // Connecting twice applies the migrations twice: the second run must be a no-op.
    PostgresStore::connect(&db.url)
        .await
        .expect("first connect");
    let store = PostgresStore::connect(&db.url)
        .await
        .expect("second connect");
    store.ping().await.expect("ping");

    let f = fixture(&store, "beyond", 2).await;
    let found = store
        .find_branch_by_phone(&f.branch.phone_numbers[0])
        .await
        .expect("branch by phone");
    assert_eq!(found, f.branch);
    let other = fixture(&store, "other", 2).await;
    let stolen = store
        .upsert_branch(NewBranch {
            company_id: other.company.id,
            name: "Thief".into(),
            time_zone: None,
            address: None,
            phone_numbers: f.branch.phone_numbers.clone(),
            exceptions: vec![],
        })
        .await;
    assert!(matches!(stolen, Err(StoreError::Conflict(_))), "{stolen:?}");
    assert_eq!(
        store
            .get_service(f.company.id, f.service.id)
            .await
            .expect("service"),
        f.service
    );

    // A member keeps the id it was given; generated ids then start past it.
    let member = |id, name: &str| NewMember {
        id,
        company_id: f.company.id,
        customer_id: f.customer.id,
        name: name.into(),
        level: Some("Intermediario2".into()),
        max_active_bookings: None,
        relationship: Some("self".into()),
    };
    let rafael = store
        .upsert_member(member(Some(12345), "Rafael"))
        .await
        .expect("rafael");
    assert_eq!(rafael.id, 12345);
    let lucas = store
        .upsert_member(member(None, "Lucas"))
        .await
        .expect("lucas");
    assert!(lucas.id > 12345, "generated id {} collides", lucas.id);
    let hijack = store
        .upsert_member(NewMember {
            company_id: other.company.id,
            customer_id: other.customer.id,
            ..member(Some(12345), "Someone")
        })
        .await;
    assert!(matches!(hijack, Err(StoreError::Conflict(_))), "{hijack:?}");

    // Two places, then the slot is full; the idempotency key replays the first booking.
    let mut first = new_booking(&f, Some("call-1:book"));
    first.member_id = Some(rafael.id);
    let BookingOutcome::Created(a) = store
        .create_booking(first.clone(), limits(2))
        .await
        .expect("a")
    else {
        panic!("first booking not created");
    };
    assert_eq!(a.status, BookingStatus::Confirmed);
    assert_eq!(
        normalize_voucher_code(&a.voucher_code).as_deref(),
        Some(a.voucher_code.as_str())
    );
    let b = store
        .create_booking(new_booking(&f, None), limits(2))
        .await
        .expect("b");
    assert!(matches!(b, BookingOutcome::Created(_)), "{b:?}");
    let full = store
        .create_booking(new_booking(&f, None), limits(2))
        .await
        .expect("c");
    assert_eq!(
        full,
        BookingOutcome::Refused(Refusal::SlotFull { capacity: 2 })
    );
    let replay = store
        .create_booking(first, limits(2))
        .await
        .expect("replay");
    assert_eq!(replay, BookingOutcome::Replayed(a.clone()));

    // The member already holds one active booking: a quota of one refuses another.
    let mut quota = new_booking(&f, None);
    quota.member_id = Some(rafael.id);
    quota.starts_at = at("2026-11-24T08:00:00Z");
    quota.ends_at = at("2026-11-24T09:00:00Z");
    let refused = store
        .create_booking(
            quota,
            BookingLimits {
                member_quota: Some(1),
                ..limits(2)
            },
        )
        .await
        .expect("quota");
    assert_eq!(
        refused,
        BookingOutcome::Refused(Refusal::QuotaReached {
            active: 1,
            limit: 1
        })
    );

    // Moving keeps id and voucher; moving into a full slot changes nothing.
    let later = BookingMove {
        service_id: f.service.id,
        branch_id: f.branch.id,
        staff_id: None,
        starts_at: at("2026-11-25T08:00:00Z"),
        ends_at: at("2026-11-25T09:00:00Z"),
        notifications: Vec::new(),
        refill: None,
    };
    let moved = store
        .reschedule_booking(f.company.id, a.id, later.clone(), limits(1))
        .await
        .expect("move");
    let RescheduleOutcome::Moved { before, after } = moved else {
        panic!("not moved: {moved:?}");
    };
    assert_eq!((before.id, after.id), (a.id, a.id));
    assert_eq!(after.voucher_code, a.voucher_code);
    assert_eq!(after.starts_at, later.starts_at);
    let BookingOutcome::Created(c) = store
        .create_booking(new_booking(&f, None), limits(2))
        .await
        .expect("c")
    else {
        panic!("the freed place was not offered again");
    };
    let back = BookingMove {
        starts_at: at(SLOT),
        ends_at: at(SLOT_END),
        ..later.clone()
    };
    let crowded = store
        .reschedule_booking(f.company.id, a.id, back, limits(2))
        .await
        .expect("move back");
    assert_eq!(
        crowded,
        RescheduleOutcome::Refused(Refusal::SlotFull { capacity: 2 })
    );
    assert_eq!(
        store.get_booking(f.company.id, a.id).await.expect("a"),
        after
    );
    let elsewhere = store
        .reschedule_booking(other.company.id, a.id, later.clone(), limits(9))
        .await;
    assert!(
        matches!(elsewhere, Err(StoreError::NotFound)),
        "{elsewhere:?}"
    );

    // Cancel once; the second time the booking is no longer active.
    let cancellation = Cancellation {
        reason: Some("sick".into()),
        refund_applicable: true,
        now: at("2026-11-21T10:00:00Z"),
        notifications: Vec::new(),
        refill: None,
    };
    let cancelled = store
        .cancel_booking(f.company.id, a.id, cancellation.clone())
        .await
        .expect("cancel");
    let CancelOutcome::Cancelled(cancelled) = cancelled else {
        panic!("not cancelled: {cancelled:?}");
    };
    assert_eq!(cancelled.status, BookingStatus::Cancelled);
    assert_eq!(cancelled.refund_applicable, Some(true));
    let again = store
        .cancel_booking(f.company.id, a.id, cancellation)
        .await
        .expect("again");
    assert_eq!(again, CancelOutcome::NotActive(cancelled.clone()));
    let not_active = store
        .reschedule_booking(f.company.id, a.id, later, limits(9))
        .await;
    assert_eq!(
        not_active.expect("not active"),
        RescheduleOutcome::NotActive(cancelled)
    );

    let events = store
        .list_booking_events(f.company.id, a.id)
        .await
        .expect("events");
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["created", "rescheduled", "cancelled"]);
    assert_eq!(events[1].detail["from"]["starts_at"], json!(SLOT));
    assert_eq!(
        events[1].detail["to"]["starts_at"],
        json!("2026-11-25T08:00:00Z")
    );
    let foreign = store.list_booking_events(other.company.id, a.id).await;
    assert!(matches!(foreign, Err(StoreError::NotFound)), "{foreign:?}");

    let usage = store
        .slot_usage(
            f.company.id,
            &[f.service.id],
            at(NOW),
            at("2026-12-01T00:00:00Z"),
        )
        .await
        .expect("usage");
    assert_eq!(
        usage,
        [SlotUsage {
            service_id: f.service.id,
            starts_at: at(SLOT),
            booked: 2
        }]
    );
    let listed = store
        .list_bookings(&BookingQuery {
            company_id: f.company.id,
            statuses: vec![BookingStatus::Confirmed],
            newest_first: true,
            ..Default::default()
        })
        .await
        .expect("list");
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0].id, c.id, "newest first, then id");
    assert_eq!(
        store
            .get_booking_by_voucher(f.company.id, &c.voucher_code)
            .await
            .expect("voucher"),
        c
    );

    // Webhook events are handled once.
    let call = store
        .upsert_call(CallUpdate {
            company_id: f.company.id,
            provider: "retell".into(),
            external_id: "call-1".into(),
            status: Some("ongoing".into()),
            now: at(NOW),
            ..Default::default()
        })
        .await
        .expect("call");
    let updated = store
        .upsert_call(CallUpdate {
            company_id: f.company.id,
            provider: "retell".into(),
            external_id: "call-1".into(),
            analysis: Some(json!({"summary": "booked"})),
            now: at(NOW),
            ..Default::default()
        })
        .await
        .expect("call update");
    assert_eq!(
        (updated.id, updated.status.as_deref()),
        (call.id, Some("ongoing"))
    );
    assert!(
        store
            .record_call_event(call.id, "call_ended", at(NOW), &[])
            .await
            .expect("event")
    );
    assert!(
        !store
            .record_call_event(call.id, "call_ended", at(NOW), &[])
            .await
            .expect("event")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_bookings_never_oversell() {
    let Some(db) = TestDb::create().await else {
        return;
    };
    let store = PostgresStore::connect_with(&db.url, 20)
        .await
        .expect("connect");
    let f = fixture(&store, "busy", 5).await;

    let tasks: Vec<_> = (0..200)
        .map(|_| {
            let (store, new) = (store.clone(), new_booking(&f, None));
            tokio::spawn(async move { store.create_booking(new, limits(5)).await })
        })
        .collect();
    let (mut created, mut full) = (0, 0);
    for task in tasks {
        match task.await.expect("task").expect("create_booking") {
            BookingOutcome::Created(_) => created += 1,
            BookingOutcome::Refused(Refusal::SlotFull { capacity: 5 }) => full += 1,
            other => panic!("unexpected outcome {other:?}"),
        }
    }
    assert_eq!((created, full), (5, 195));
    let usage = store
        .slot_usage(f.company.id, &[f.service.id], at(SLOT), at(SLOT_END))
        .await
        .expect("usage");
    assert_eq!(usage[0].booked, 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_retries_make_one_booking() {
    let Some(db) = TestDb::create().await else {
        return;
    };
    let store = PostgresStore::connect_with(&db.url, 20)
        .await
        .expect("connect");
    let f = fixture(&store, "retry", 100).await;

    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let (store, new) = (store.clone(), new_booking(&f, Some("call-9:book")));
            tokio::spawn(async move { store.create_booking(new, limits(100)).await })
        })
        .collect();
    let mut ids = Vec::new();
    let mut created = 0;
    for task in tasks {
        match task.await.expect("task").expect("create_booking") {
            BookingOutcome::Created(b) => {
                created += 1;
                ids.push(b.id);
            }
            BookingOutcome::Replayed(b) => ids.push(b.id),
            other => panic!("unexpected outcome {other:?}"),
        }
    }
    assert_eq!(created, 1);
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 1, "every retry must return the same booking");
    let all = store
        .list_bookings(&BookingQuery {
            company_id: f.company.id,
            ..Default::default()
        })
        .await
        .expect("list");
    assert_eq!(all.len(), 1);
}

fn credentials(retell: Option<&str>, vapi: Option<&str>) -> CredentialsUpdate {
    CredentialsUpdate {
        retell_api_key_enc: retell.map(str::to_string),
        vapi_secret_hash: vapi.map(str::to_string),
        twilio_auth_token_enc: None,
        now: at(NOW),
    }
}

#[tokio::test]
async fn company_credentials_keep_unset_fields_and_route_vapi() {
    let Some(db) = TestDb::create().await else {
        return;
    };
    let store = PostgresStore::connect(&db.url).await.expect("connect");
    let f = fixture(&store, "beyond", 1).await;
    let other = fixture(&store, "other", 1).await;
    let (id, other_id) = (f.company.id, other.company.id);

    // A company that never connected a platform has empty credentials.
    assert_eq!(
        store.get_company_credentials(id).await.expect("empty"),
        CompanyCredentials::default()
    );

    // Each update sets what it names and keeps the rest.
    store
        .set_company_credentials(id, credentials(Some("enc-1"), None))
        .await
        .expect("retell");
    store
        .set_company_credentials(id, credentials(None, Some("hash-a")))
        .await
        .expect("vapi");
    let both = CompanyCredentials {
        retell_api_key_enc: Some("enc-1".into()),
        vapi_secret_hash: Some("hash-a".into()),
        twilio_auth_token_enc: None,
    };
    assert_eq!(store.get_company_credentials(id).await.expect("both"), both);
    store
        .set_company_credentials(id, credentials(None, None))
        .await
        .expect("nothing");
    assert_eq!(store.get_company_credentials(id).await.expect("kept"), both);
    // Setting its own hash again is not a conflict with itself.
    store
        .set_company_credentials(id, credentials(Some("enc-2"), Some("hash-a")))
        .await
        .expect("again");
    let got = store.get_company_credentials(id).await.expect("enc-2");
    assert_eq!(got.retell_api_key_enc.as_deref(), Some("enc-2"));

    assert_eq!(
        store
            .find_company_by_vapi_secret_hash("hash-a")
            .await
            .expect("by hash"),
        f.company
    );
    let unknown = store.find_company_by_vapi_secret_hash("hash-unknown").await;
    assert!(matches!(unknown, Err(StoreError::NotFound)), "{unknown:?}");

    // A hash names one company: another company cannot take it, and keeps what it had.
    let taken = store
        .set_company_credentials(other_id, credentials(Some("enc-o"), Some("hash-a")))
        .await;
    assert!(matches!(taken, Err(StoreError::Conflict(_))), "{taken:?}");
    assert_eq!(
        store
            .get_company_credentials(other_id)
            .await
            .expect("other"),
        CompanyCredentials::default()
    );

    let missing = other_id + 100;
    for update in [credentials(Some("enc"), None), credentials(None, None)] {
        let set = store.set_company_credentials(missing, update).await;
        assert!(matches!(set, Err(StoreError::NotFound)), "{set:?}");
    }
    let get = store.get_company_credentials(missing).await;
    assert!(matches!(get, Err(StoreError::NotFound)), "{get:?}");
    // The company row itself is untouched by its credentials.
    assert_eq!(store.get_company(id).await.expect("company"), f.company);
}

#[tokio::test]
async fn notification_outbox_lists_pending_oldest_first() {
    let Some(db) = TestDb::create().await else {
        return;
    };
    let store = PostgresStore::connect(&db.url).await.expect("connect");
    let f = fixture(&store, "beyond", 1).await;
    let other = fixture(&store, "other", 1).await;
    let BookingOutcome::Created(booked) = store
        .create_booking(new_booking(&f, None), limits(1))
        .await
        .expect("booking")
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
    let later = at("2026-11-20T12:01:00Z");
    // Queued first but created later: "oldest" is by creation time.
    let late = store
        .enqueue_notification(note(f.company.id, None, "+1", later))
        .await
        .expect("late");
    let first = store
        .enqueue_notification(note(f.company.id, Some(booked.id), "+2", at(NOW)))
        .await
        .expect("first");
    let foreign = store
        .enqueue_notification(note(other.company.id, None, "+3", at(NOW)))
        .await
        .expect("foreign");
    assert_eq!(
        (first.booking_id, first.sent_at, first.created_at),
        (Some(booked.id), None, at(NOW))
    );
    assert_eq!(
        first.payload,
        json!({"voucher": "ABC", "lines": ["a", "b"]})
    );

    let ids = |list: Vec<Notification>| list.into_iter().map(|n| n.id).collect::<Vec<_>>();
    let all = store
        .list_pending_notifications(None, 0)
        .await
        .expect("all");
    assert_eq!(all[0], first);
    assert_eq!(ids(all), [first.id, foreign.id, late.id]);
    let mine = store
        .list_pending_notifications(Some(f.company.id), -1)
        .await
        .expect("mine");
    assert_eq!(ids(mine), [first.id, late.id]);
    let one = store
        .list_pending_notifications(None, 1)
        .await
        .expect("one");
    assert_eq!(ids(one), [first.id]);

    // Marked sent leaves the queue; marking again is not an error.
    store
        .mark_notification_sent(first.id, later)
        .await
        .expect("sent");
    store
        .mark_notification_sent(first.id, later)
        .await
        .expect("sent twice");
    let left = store
        .list_pending_notifications(Some(f.company.id), 10)
        .await
        .expect("left");
    assert_eq!(ids(left), [late.id]);
    let missing = store.mark_notification_sent(late.id + 100, later).await;
    assert!(matches!(missing, Err(StoreError::NotFound)), "{missing:?}");

    // A notification cannot point at another company's booking.
    let stolen = store
        .enqueue_notification(note(other.company.id, Some(booked.id), "+4", at(NOW)))
        .await;
    assert!(matches!(stolen, Err(StoreError::Conflict(_))), "{stolen:?}");
}

#[tokio::test]
async fn prompt_templates_fall_back_from_branch_to_company() {
    let Some(db) = TestDb::create().await else {
        return;
    };
    let store = PostgresStore::connect(&db.url).await.expect("connect");
    let f = fixture(&store, "beyond", 1).await;
    let other = fixture(&store, "other", 1).await;
    let second = store
        .upsert_branch(NewBranch {
            company_id: f.company.id,
            name: "Lagoon".into(),
            time_zone: None,
            address: None,
            phone_numbers: vec![],
            exceptions: vec![],
        })
        .await
        .expect("second branch");
    let template = |branch_id, language: &str, text: &str| NewPromptTemplate {
        company_id: f.company.id,
        branch_id,
        language: language.into(),
        template: text.into(),
        now: at(NOW),
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
    let set = |new: NewPromptTemplate| {
        let store = store.clone();
        async move { store.set_prompt_template(new).await.expect("set template") }
    };
    let not_found = |r: StoreResult<String>| matches!(r, Err(StoreError::NotFound));

    assert!(not_found(get(Some(f.branch.id), "pt").await));
    assert!(not_found(get(None, "pt").await));

    // Company-wide only: every branch gets it.
    set(template(None, "pt", "company v1")).await;
    set(template(None, "pt", "company v2")).await;
    assert_eq!(get(None, "pt").await.expect("company"), "company v2");
    assert_eq!(
        get(Some(f.branch.id), "pt").await.expect("fallback"),
        "company v2"
    );

    // A branch's own template wins for that branch only, and is replaced in place.
    set(template(Some(f.branch.id), "pt", "beach v1")).await;
    set(template(Some(f.branch.id), "pt", "beach v2")).await;
    assert_eq!(
        get(Some(f.branch.id), "pt").await.expect("branch"),
        "beach v2"
    );
    assert_eq!(
        get(Some(second.id), "pt").await.expect("other branch"),
        "company v2"
    );
    assert_eq!(get(None, "pt").await.expect("company"), "company v2");

    // Languages do not fall back to each other.
    assert!(not_found(get(Some(f.branch.id), "en").await));
    set(template(Some(second.id), "en", "lagoon en")).await;
    assert_eq!(get(Some(second.id), "en").await.expect("en"), "lagoon en");
    assert!(not_found(get(None, "en").await));
    assert!(not_found(get(Some(f.branch.id), "en").await));

    // Another company sees none of it and cannot use this company's branch.
    assert!(not_found(
        store
            .get_prompt_template(other.company.id, Some(f.branch.id), "pt")
            .await
    ));
    let stolen = store
        .set_prompt_template(NewPromptTemplate {
            company_id: other.company.id,
            ..template(Some(f.branch.id), "pt", "stolen")
        })
        .await;
    assert!(matches!(stolen, Err(StoreError::Conflict(_))), "{stolen:?}");
    assert_eq!(
        get(Some(f.branch.id), "pt").await.expect("kept"),
        "beach v2"
    );
}

#[tokio::test]
async fn a_call_stays_with_its_company() {
    let Some(db) = TestDb::create().await else {
        return;
    };
    let store = PostgresStore::connect(&db.url).await.expect("connect");
    let f = fixture(&store, "beyond", 1).await;
    let other = fixture(&store, "other", 1).await;
    let call = |company_id, status: &str| CallUpdate {
        company_id,
        provider: "retell".into(),
        external_id: "call-1".into(),
        status: Some(status.into()),
        now: at(NOW),
        ..Default::default()
    };

    let first = store
        .upsert_call(call(f.company.id, "ongoing"))
        .await
        .expect("call");
    let hijack = store.upsert_call(call(other.company.id, "ended")).await;
    assert!(matches!(hijack, Err(StoreError::Conflict(_))), "{hijack:?}");
    assert_eq!(
        store
            .get_call(f.company.id, "retell", "call-1")
            .await
            .expect("unchanged"),
        first
    );
    let foreign = store.get_call(other.company.id, "retell", "call-1").await;
    assert!(matches!(foreign, Err(StoreError::NotFound)), "{foreign:?}");

    // Its own company still updates it.
    let ended = store
        .upsert_call(call(f.company.id, "ended"))
        .await
        .expect("update");
    assert_eq!(
        (ended.id, ended.status.as_deref()),
        (first.id, Some("ended"))
    );
}

#[test]
fn database_urls_keep_credentials_and_parameters() {
    assert_eq!(
        with_database("postgres://postgres@127.0.0.1:5432/test", "fd_1"),
        "postgres://postgres@127.0.0.1:5432/fd_1"
    );
    assert_eq!(
        with_database("postgres://u:p@db/test?sslmode=disable", "fd_1"),
        "postgres://u:p@db/fd_1?sslmode=disable"
    );
    assert_eq!(
        with_database("postgres://db:5432", "fd_1"),
        "postgres://db:5432/fd_1"
    );
}
