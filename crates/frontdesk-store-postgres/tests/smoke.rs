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
            language: Language::PtBr,
            phone_region: "BR".into(),
            address: None,
            policy: BookingPolicy::default(),
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
        ..later
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
            .record_call_event(call.id, "call_ended", at(NOW))
            .await
            .expect("event")
    );
    assert!(
        !store
            .record_call_event(call.id, "call_ended", at(NOW))
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
