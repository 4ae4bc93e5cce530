//! tests-store: one booking story, run against every storage backend.
//!
//! Each test in `tests/` is an `async fn(Harness)` written once; [`backend_tests!`] turns it
//! into a `sqlite` and a `postgres` test. SQLite always runs, on a fresh file in a temporary
//! directory. PostgreSQL runs when `FRONTDESK_TEST_POSTGRES_URL` names a server the tests may
//! create databases on (each test gets its own `fdt_<random hex>` database, dropped
//! afterwards); without it the PostgreSQL variants are skipped, except under `CI=true`, where
//! they fail so that CI can never pass by skipping them silently.
//!
//! The engine's clock is pinned to [`NOW`] (Friday 2026-11-20, 12:00 UTC: 09:00 in São
//! Paulo, 13:00 in Berlin), so notice, window and cancellation rules are tested exactly.

use frontdesk_domain::{BookingSource, BookingStatus, CompanyId, CustomerId, ServiceId};
use frontdesk_engine::import::{BusinessFile, ImportSummary};
use frontdesk_engine::{BookRequest, Caller, Engine, EngineError, EngineResult, FixedClock};
use frontdesk_store::{
    Booking, BookingQuery, Company, DynStore, Member, NewCustomer, NewMember, Service,
};
use frontdesk_store_postgres::PostgresStore;
use frontdesk_store_sqlite::SqliteStore;
use jiff::Timestamp;
use jiff::civil::{Date, Time};
use std::fmt::Debug;
use std::sync::Arc;

/// The variable naming a PostgreSQL server the tests may create and drop databases on.
pub const POSTGRES_URL_VAR: &str = "FRONTDESK_TEST_POSTGRES_URL";

/// Where the pinned clock starts: Friday 2026-11-20 12:00 UTC.
pub const NOW: &str = "2026-11-20T12:00:00Z";

/// Connections per PostgreSQL test database: enough for the concurrency story to queue on
/// the database's locks rather than on the pool.
const POSTGRES_CONNECTIONS: u32 = 30;

/// The demo businesses' slugs and well-known records.
pub const BEYOND: &str = "beyond-the-club";
pub const ASKPRO: &str = "askproai-demo";
pub const RAFAEL_PHONE: &str = "+5511999999999";
pub const RAFAEL_MEMBER: i64 = 12345;
pub const LUCAS_MEMBER: i64 = 12346;
pub const JOHN_PHONE: &str = "+491234567890";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A fresh, empty, migrated database; cleaned up when dropped.
pub struct TestDb {
    pub store: DynStore,
    pub backend: Backend,
    /// Kept alive for the store's lifetime; removed (or dropped) after it.
    _dir: Option<tempfile::TempDir>,
    _database: Option<PgDatabase>,
}

impl TestDb {
    /// A SQLite file in a temporary directory that lives as long as the `TestDb`.
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("create a temporary directory");
        let url = format!("sqlite://{}", dir.path().join("fd.db").display());
        let store = SqliteStore::connect(&url)
            .await
            .unwrap_or_else(|e| panic!("open SQLite store at {url}: {e}"));
        TestDb {
            store: Arc::new(store),
            backend: Backend::Sqlite,
            _dir: Some(dir),
            _database: None,
        }
    }

    /// A new database `fdt_<random hex>` on the server named by `FRONTDESK_TEST_POSTGRES_URL`;
    /// `None` when the variable is unset or empty.
    pub async fn postgres() -> Option<TestDb> {
        let admin_url = std::env::var(POSTGRES_URL_VAR)
            .ok()
            .filter(|u| !u.trim().is_empty())?;
        let name = format!("fdt_{:016x}", rand::random::<u64>());
        admin_execute(&admin_url, &format!("CREATE DATABASE \"{name}\""))
            .await
            .unwrap_or_else(|e| panic!("create test database {name} via {POSTGRES_URL_VAR}: {e}"));
        // From here on the guard drops the database, even if connecting fails.
        let guard = PgDatabase {
            admin_url: admin_url.clone(),
            name: name.clone(),
        };
        let url = database_url(&admin_url, &name);
        let store = PostgresStore::connect_with(&url, POSTGRES_CONNECTIONS)
            .await
            .unwrap_or_else(|e| panic!("open PostgreSQL store on {name}: {e}"));
        Some(TestDb {
            store: Arc::new(store),
            backend: Backend::Postgres,
            _dir: None,
            _database: Some(guard),
        })
    }
}

/// The PostgreSQL variant's database, or `None` (skip) when no server is configured. Under
/// `CI=true` a missing server is a failure, so CI can never pass by skipping PostgreSQL.
pub async fn postgres_or_skip() -> Option<TestDb> {
    if let Some(db) = TestDb::postgres().await {
        return Some(db);
    }
    if std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true")) {
        panic!(
            "{POSTGRES_URL_VAR} must be set when CI=true: the PostgreSQL tests may not be skipped"
        );
    }
    eprintln!("skipped: {POSTGRES_URL_VAR} not set");
    None
}

/// Drops its database when dropped (best effort; set `FRONTDESK_TEST_KEEP_DB=1` to keep it
/// for a post-mortem).
struct PgDatabase {
    admin_url: String,
    name: String,
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        if std::env::var_os("FRONTDESK_TEST_KEEP_DB").is_some() {
            eprintln!("kept test database {}", self.name);
            return;
        }
        let (url, name) = (self.admin_url.clone(), self.name.clone());
        // Drop runs inside the test's runtime, which cannot be blocked on; a thread with its
        // own runtime can. FORCE ends the store's pooled connections still open.
        let dropper = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build();
            match runtime {
                Ok(rt) => rt.block_on(admin_execute(
                    &url,
                    &format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
                )),
                Err(e) => Err(e.to_string()),
            }
        });
        match dropper.join() {
            Ok(Ok(())) => {}
            Ok(Err(e)) => eprintln!("could not drop test database {}: {e}", self.name),
            Err(_) => eprintln!(
                "could not drop test database {}: the dropper panicked",
                self.name
            ),
        }
    }
}

async fn admin_execute(url: &str, sql: &str) -> Result<(), String> {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(url)
        .await
        .map_err(|e| e.to_string())?;
    sqlx::raw_sql(sql)
        .execute(&mut conn)
        .await
        .map_err(|e| e.to_string())?;
    conn.close().await.map_err(|e| e.to_string())
}

/// `base` with its database name replaced by `name`, keeping user, host and parameters.
pub fn database_url(base: &str, name: &str) -> String {
    let (head, query) = match base.split_once('?') {
        Some((head, query)) => (head, Some(query)),
        None => (base, None),
    };
    let authority = head.find("://").map_or(0, |i| i + 3);
    let root = match head[authority..].find('/') {
        Some(slash) => &head[..authority + slash],
        None => head,
    };
    match query {
        Some(query) => format!("{root}/{name}?{query}"),
        None => format!("{root}/{name}"),
    }
}

/// Writes each test once and runs it on every backend: `backend_tests!(a, b)` makes modules
/// `a` and `b`, each with a `sqlite` and a `postgres` test calling `async fn a(Harness)`.
#[macro_export]
macro_rules! backend_tests {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn sqlite() {
                    let db = $crate::TestDb::sqlite().await;
                    super::$name($crate::Harness::new(&db)).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn postgres() {
                    let Some(db) = $crate::postgres_or_skip().await else { return };
                    super::$name($crate::Harness::new(&db)).await;
                }
            }
        )+
    };
}

/// What a test gets: an engine on a fresh database, with its clock pinned to [`NOW`].
#[derive(Clone)]
pub struct Harness {
    pub engine: Engine,
    pub store: DynStore,
    pub clock: Arc<FixedClock>,
    pub backend: Backend,
}

/// The two demo businesses after `load_demo`.
#[derive(Debug, Clone)]
pub struct Demo {
    pub beyond: Company,
    pub askpro: Company,
    /// Rafael Silva at Beyond, owner of members 12345 (Rafael) and 12346 (Lucas).
    pub rafael: Caller,
    /// John Doe at AskProAI.
    pub john: Caller,
}

impl Harness {
    pub fn new(db: &TestDb) -> Harness {
        let clock = Arc::new(FixedClock::new(ts(NOW)));
        Harness {
            engine: Engine::with_clock(db.store.clone(), clock.clone()),
            store: db.store.clone(),
            clock,
            backend: db.backend,
        }
    }

    /// Moves the pinned clock.
    pub fn set_now(&self, at: &str) {
        self.clock.set(ts(at));
    }

    pub fn now(&self) -> Timestamp {
        self.engine.now()
    }

    /// Loads both demo businesses and returns their well-known records.
    pub async fn demo(&self) -> Demo {
        self.engine
            .load_demo()
            .await
            .expect("load the demo businesses");
        let beyond = self
            .engine
            .company_by_slug(BEYOND)
            .await
            .expect("Beyond The Club");
        let askpro = self
            .engine
            .company_by_slug(ASKPRO)
            .await
            .expect("AskProAI Demo");
        let rafael = self.known_caller(beyond.id, RAFAEL_PHONE).await;
        let john = self.known_caller(askpro.id, JOHN_PHONE).await;
        Demo {
            beyond,
            askpro,
            rafael,
            john,
        }
    }

    /// Imports a business defined inline in TOML.
    pub async fn import_toml(&self, toml: &str) -> ImportSummary {
        let file = BusinessFile::parse(toml, "toml").expect("inline business parses");
        self.engine
            .import_business(&file)
            .await
            .expect("import the inline business")
    }

    /// The caller behind `phone`, who must be a customer of the company.
    pub async fn known_caller(&self, company_id: CompanyId, phone: &str) -> Caller {
        let identified = self
            .engine
            .identify(company_id, phone)
            .await
            .expect("identify caller");
        assert!(
            identified.customer.is_some(),
            "{phone} should be a customer of company {company_id}"
        );
        identified.caller
    }

    /// Registers a customer straight in the store (no members, so no quota applies).
    pub async fn customer(&self, company_id: CompanyId, phone: &str, name: &str) -> Caller {
        let customer = self
            .store
            .upsert_customer(NewCustomer {
                company_id,
                phone: phone.to_string(),
                name: Some(name.to_string()),
                email: None,
                has_linked_account: false,
                now: self.now(),
            })
            .await
            .expect("upsert customer");
        Caller::customer(company_id, customer.id, Some(customer.phone))
    }

    /// Registers a customer with one member of the same name.
    pub async fn customer_with_member(
        &self,
        company_id: CompanyId,
        phone: &str,
        name: &str,
    ) -> (Caller, Member) {
        let caller = self.customer(company_id, phone, name).await;
        let member = self
            .store
            .upsert_member(NewMember {
                id: None,
                company_id,
                customer_id: customer_id(&caller),
                name: name.to_string(),
                level: None,
                max_active_bookings: None,
                relationship: Some("self".into()),
            })
            .await
            .expect("upsert member");
        (caller, member)
    }

    /// The company's service with this code.
    pub async fn service(&self, company_id: CompanyId, code: &str) -> Service {
        self.store
            .list_services(company_id)
            .await
            .expect("list services")
            .into_iter()
            .find(|s| s.code == code)
            .unwrap_or_else(|| panic!("company {company_id} has no service {code:?}"))
    }

    /// Every booking of the company, any status, oldest start first.
    pub async fn bookings_of(&self, company_id: CompanyId) -> Vec<Booking> {
        self.store
            .list_bookings(&BookingQuery {
                company_id,
                limit: 10_000,
                ..Default::default()
            })
            .await
            .expect("list bookings")
    }

    /// Confirmed bookings of the company, read from the store.
    pub async fn confirmed_of(&self, company_id: CompanyId) -> Vec<Booking> {
        self.store
            .list_bookings(&BookingQuery {
                company_id,
                statuses: vec![BookingStatus::Confirmed],
                limit: 10_000,
                ..Default::default()
            })
            .await
            .expect("list confirmed bookings")
    }

    /// How many confirmed bookings of `service_id` start at `starts_at`, read from the store.
    pub async fn confirmed_in_slot(
        &self,
        company_id: CompanyId,
        service_id: ServiceId,
        starts_at: Timestamp,
    ) -> usize {
        self.confirmed_of(company_id)
            .await
            .iter()
            .filter(|b| b.service_id == service_id && b.starts_at == starts_at)
            .count()
    }
}

pub fn customer_id(caller: &Caller) -> CustomerId {
    caller.customer_id.expect("a known caller")
}

pub fn ts(s: &str) -> Timestamp {
    s.parse().unwrap_or_else(|e| panic!("timestamp {s:?}: {e}"))
}

pub fn date(y: i16, m: i8, d: i8) -> Date {
    jiff::civil::date(y, m, d)
}

pub fn time(h: i8, m: i8) -> Time {
    jiff::civil::time(h, m, 0, 0)
}

/// A request to book the service with this code at a local date and time.
/// Moves `booking` to `at` on `on`, same service, any staff member who performs it.
pub fn move_to(
    booking: frontdesk_engine::BookingRef,
    on: Date,
    at: Time,
) -> frontdesk_engine::RescheduleRequest {
    frontdesk_engine::RescheduleRequest {
        booking,
        date: on,
        time: at,
        service_id: None,
        service: None,
        staff_id: None,
    }
}

pub fn book(service_code: &str, on: Date, at: Time) -> BookRequest {
    let mut req = BookRequest::new(on, at, BookingSource::Mcp);
    req.service = Some(service_code.to_string());
    req
}

/// The error of `result`, which must fail with `code`.
pub fn expect_code<T: Debug>(result: EngineResult<T>, code: &str) -> EngineError {
    match result {
        Ok(value) => panic!("expected {code}, got Ok({value:?})"),
        Err(e) => {
            assert_eq!(e.code(), code, "expected {code}, got {e:?}");
            e
        }
    }
}

/// Whether `code` has the shape `^[A-Z]{3}-[0-9]{3}$`.
pub fn is_voucher_code(code: &str) -> bool {
    let b = code.as_bytes();
    b.len() == 7
        && b[..3].iter().all(u8::is_ascii_uppercase)
        && b[3] == b'-'
        && b[4..].iter().all(u8::is_ascii_digit)
}

/// A distinct, well-formed Brazilian mobile number for the `i`-th generated customer.
pub fn br_phone(i: usize) -> String {
    format!("+55119{:08}", 10_000_000 + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_urls_keep_everything_but_the_name() {
        assert_eq!(
            database_url("postgres://postgres@127.0.0.1:5432/test", "fdt_1"),
            "postgres://postgres@127.0.0.1:5432/fdt_1"
        );
        assert_eq!(
            database_url("postgres://u:p@db/test?sslmode=disable", "fdt_1"),
            "postgres://u:p@db/fdt_1?sslmode=disable"
        );
        assert_eq!(
            database_url("postgres://db:5432", "fdt_1"),
            "postgres://db:5432/fdt_1"
        );
    }

    #[test]
    fn voucher_shape() {
        assert!(is_voucher_code("KRM-482"));
        for bad in ["KRM482", "krm-482", "KR-4821", "KRM-48A", "KRM-4823"] {
            assert!(!is_voucher_code(bad), "{bad}");
        }
    }

    #[test]
    fn generated_phones_are_valid_and_distinct() {
        let a = frontdesk_domain::PhoneNumber::parse(&br_phone(0), "BR").expect("valid");
        assert_eq!(a.as_str(), br_phone(0));
        assert_ne!(br_phone(1), br_phone(2));
    }
}
