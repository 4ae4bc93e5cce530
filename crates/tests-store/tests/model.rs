//! Model-based property test: random sequences of book, cancel and reschedule — with retries
//! that reuse an idempotency key — from several customers and their members at one or two
//! companies, run against the engine and against a small in-memory model of the rules.
//!
//! After every step the engine's answer must be the model's (which booking was made, or which
//! refusal: `SLOT_FULL`, `QUOTA_REACHED`, `NOT_FOUND`, `BOOKING_NOT_ACTIVE`, …), and the
//! store's rows must be the model's rows, which means:
//! - capacity: no slot holds more confirmed bookings than its capacity;
//! - quota: no member holds more active bookings than their quota;
//! - isolation: a caller naming another customer's booking (by id or voucher code, in their
//!   own company or another) gets `NOT_FOUND` and nothing changes; each caller's
//!   `bookings` lists exactly their own;
//! - idempotency: a reused key returns the booking it made first, and there is one row per key.
//!
//! Each case imports fresh companies into the test's database (cheaper than a database per
//! case). The slots are few and small (capacity 1 and 2) and the quotas low, so "full" and
//! "quota reached" happen often. Cases: 24 by default, `PROPTEST_CASES` raises it; up to 30
//! steps each. A failure is shrunk and the minimal world and sequence are printed.

use frontdesk_domain::BookingStatus;
use frontdesk_engine::booking::BookingScope;
use frontdesk_engine::{BookingRef, Caller, EngineError, RescheduleRequest};
use frontdesk_store::{Booking, NewMember};
use jiff::Timestamp;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestError, TestRunner};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use tests_store::*;

tests_store::backend_tests!(random_sequences_of_bookings_agree_with_the_model);

const DEFAULT_CASES: u32 = 24;
const MAX_STEPS: usize = 30;
/// The companies' `max_active_bookings_per_member`; members may have their own.
const POLICY_QUOTA: i64 = 2;
/// A booking id no company has.
const MISSING_ID: i64 = 9_000_000_000;

/// The business every case imports (once or twice), under a fresh slug.
fn business(slug: &str) -> String {
    format!(
        r#"
[company]
slug = "{slug}"
name = "Model {slug}"
time_zone = "America/Sao_Paulo"
language = "pt-BR"
phone_region = "BR"

[company.policy]
min_notice_minutes = 0
booking_window_days = 365
max_active_bookings_per_member = {POLICY_QUOTA}
free_cancellation_hours = 24

[[branches]]
name = "Main"

[[services]]
code = "duo"
name = "Duo"
duration_minutes = 60
capacity = 2
schedule = {{ kind = "fixed_times", times = {{ daily = ["10:00", "11:00"] }} }}

[[services]]
code = "solo"
name = "Solo"
duration_minutes = 60
capacity = 1
schedule = {{ kind = "fixed_times", times = {{ daily = ["10:00"] }} }}
"#
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Validity {
    Open,
    /// Not a start time of the service's schedule: `NO_SUCH_SLOT`.
    NotInSchedule,
    /// Before the pinned clock: `TOO_SOON`.
    Past,
}

#[derive(Debug, Clone, Copy)]
struct SlotDef {
    service: &'static str,
    capacity: i64,
    day: i8,
    month: i8,
    hour: i8,
    minute: i8,
    validity: Validity,
}

const fn slot(service: &'static str, month: i8, day: i8, hour: i8, minute: i8) -> SlotDef {
    // The capacities of the business file: duo 2, solo 1.
    let capacity = if service.as_bytes()[0] == b'd' { 2 } else { 1 };
    SlotDef {
        service,
        capacity,
        day,
        month,
        hour,
        minute,
        validity: Validity::Open,
    }
}

/// Six bookable slots over two days (three of capacity 2, three of capacity 1), a time the
/// schedule does not have and a day already past.
const SLOTS: [SlotDef; 8] = [
    slot("duo", 12, 1, 10, 0),
    slot("duo", 12, 1, 11, 0),
    slot("solo", 12, 1, 10, 0),
    slot("duo", 12, 2, 10, 0),
    slot("duo", 12, 2, 11, 0),
    slot("solo", 12, 2, 10, 0),
    SlotDef {
        minute: 30,
        validity: Validity::NotInSchedule,
        ..slot("duo", 12, 1, 10, 0)
    },
    SlotDef {
        validity: Validity::Past,
        ..slot("duo", 11, 19, 10, 0)
    },
];

impl SlotDef {
    fn date(&self) -> jiff::civil::Date {
        date(2026, self.month, self.day)
    }

    fn time(&self) -> jiff::civil::Time {
        time(self.hour, self.minute)
    }

    fn starts_at(&self) -> Timestamp {
        self.date()
            .at(self.hour, self.minute, 0, 0)
            .in_tz("America/Sao_Paulo")
            .expect("São Paulo time")
            .timestamp()
    }
}

// ---------------------------------------------------------------------------------------------
// What the strategies generate
// ---------------------------------------------------------------------------------------------

/// Companies, each with its customers, each with their members' own quotas (`None`: the
/// company's).
#[derive(Debug, Clone)]
struct World {
    companies: Vec<Vec<Vec<Option<i64>>>>,
}

#[derive(Debug, Clone)]
enum MemberPick {
    /// One of the actor's members, by id.
    Own(usize),
    /// No member named: the caller's only member, or `MEMBER_REQUIRED` when they have two.
    Unnamed,
    /// Somebody else's member, by id: `NOT_FOUND`.
    Foreign(usize),
}

#[derive(Debug, Clone)]
enum Target {
    /// The `nth` booking made so far (by id, or by its voucher code as a caller says it),
    /// acted on by its owner.
    Owned { nth: usize, by_voucher: bool },
    /// The `nth` booking made so far, acted on by `actor`: somebody else's booking, unless the
    /// actor happens to own it; maybe of another company.
    ByAnyone {
        nth: usize,
        by_voucher: bool,
        actor: usize,
    },
    /// An id no booking has, sent by `actor`.
    Missing { actor: usize },
}

#[derive(Debug, Clone)]
enum Op {
    Book {
        actor: usize,
        member: MemberPick,
        slot: usize,
        key: Option<u8>,
    },
    /// The `nth` earlier keyed booking request, sent again exactly as it was.
    Retry {
        nth: usize,
    },
    Cancel {
        target: Target,
    },
    Reschedule {
        target: Target,
        slot: usize,
    },
}

fn world_strategy() -> impl Strategy<Value = World> {
    let member_quota = prop::option::weighted(0.4, 1..=3i64);
    let customer = prop::collection::vec(member_quota, 1..=2);
    let company = prop::collection::vec(customer, 2..=3);
    prop::collection::vec(company, 1..=2).prop_map(|companies| World { companies })
}

fn slot_strategy() -> impl Strategy<Value = usize> {
    // The first day's slots more often than the second's, so they fill up.
    prop_oneof![
        5 => Just(0usize),
        2 => Just(1usize),
        4 => Just(2usize),
        1 => Just(3usize),
        1 => Just(4usize),
        2 => Just(5usize),
        1 => Just(6usize),
        1 => Just(7usize),
    ]
}

fn target_strategy() -> impl Strategy<Value = Target> {
    prop_oneof![
        6 => (0..MAX_STEPS, prop::bool::weighted(0.3))
            .prop_map(|(nth, by_voucher)| Target::Owned { nth, by_voucher }),
        3 => (0..MAX_STEPS, prop::bool::weighted(0.3), 0..6usize)
            .prop_map(|(nth, by_voucher, actor)| Target::ByAnyone { nth, by_voucher, actor }),
        1 => (0..6usize).prop_map(|actor| Target::Missing { actor }),
    ]
}

fn op_strategy() -> impl Strategy<Value = Op> {
    let actor = 0..6usize;
    let member = prop_oneof![
        6 => (0..MAX_STEPS).prop_map(MemberPick::Own),
        2 => Just(MemberPick::Unnamed),
        1 => (0..MAX_STEPS).prop_map(MemberPick::Foreign),
    ];
    prop_oneof![
        6 => (actor, member, slot_strategy(), prop::option::weighted(0.5, 0..3u8))
            .prop_map(|(actor, member, slot, key)| Op::Book { actor, member, slot, key }),
        2 => (0..MAX_STEPS).prop_map(|nth| Op::Retry { nth }),
        2 => target_strategy().prop_map(|target| Op::Cancel { target }),
        3 => (target_strategy(), slot_strategy())
            .prop_map(|(target, slot)| Op::Reschedule { target, slot }),
    ]
}

// ---------------------------------------------------------------------------------------------
// The world in the database, and the model
// ---------------------------------------------------------------------------------------------

struct MemberRec {
    id: i64,
    quota: i64,
}

/// A customer who calls: `company` indexes [`Setup::companies`].
struct Actor {
    company: usize,
    caller: Caller,
    customer_id: i64,
    members: Vec<MemberRec>,
}

struct CompanyRec {
    id: i64,
    /// Service id by code.
    services: BTreeMap<String, i64>,
}

struct Setup {
    companies: Vec<CompanyRec>,
    actors: Vec<Actor>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct ModelBooking {
    id: i64,
    company: usize,
    actor: usize,
    member: Option<i64>,
    slot: usize,
    confirmed: bool,
    voucher: String,
}

#[derive(Default)]
struct Model {
    /// Every booking made, in the order they were made.
    bookings: Vec<ModelBooking>,
    /// (actor, key) → the booking the key made.
    keys: BTreeMap<(usize, u8), i64>,
    /// Keyed book requests sent so far (the ones `Retry` picks from).
    keyed: Vec<Op>,
}

/// What the model says the engine must answer.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Expected {
    Created,
    Replayed(i64),
    Cancelled(i64),
    AlreadyCancelled(i64),
    Moved(i64),
    Refused(&'static str),
}

static CASE: AtomicUsize = AtomicUsize::new(0);

/// How often each answer was expected, printed at the end so a run shows what it covered.
static TALLY: Mutex<BTreeMap<(String, String), usize>> = Mutex::new(BTreeMap::new());

fn tally(backend: Backend, op: &Op, expected: &Expected) {
    let kind = match op {
        Op::Book { .. } | Op::Retry { .. } => "book",
        Op::Cancel { .. } => "cancel",
        Op::Reschedule { .. } => "reschedule",
    };
    let answer = match expected {
        Expected::Refused(code) => (*code).to_string(),
        other => format!("{other:?}")
            .split('(')
            .next()
            .unwrap_or_default()
            .to_string(),
    };
    if let Ok(mut t) = TALLY.lock() {
        *t.entry((format!("{backend:?}"), format!("{kind} {answer}")))
            .or_default() += 1;
    }
}

async fn set_up(h: &Harness, world: &World) -> Setup {
    let case = CASE.fetch_add(1, Ordering::Relaxed);
    let mut companies = Vec::new();
    let mut actors = Vec::new();
    for (c, customers) in world.companies.iter().enumerate() {
        let slug = format!("model-{case}-{c}");
        let company = h.import_toml(&business(&slug)).await.company;
        let services = h
            .store
            .list_services(company.id)
            .await
            .expect("list services")
            .into_iter()
            .map(|s| (s.code, s.id))
            .collect();
        for (i, quotas) in customers.iter().enumerate() {
            let caller = h
                .customer(company.id, &br_phone(i), &format!("Customer {c}.{i}"))
                .await;
            let customer_id = customer_id(&caller);
            let mut members = Vec::new();
            for (j, quota) in quotas.iter().enumerate() {
                let member = h
                    .store
                    .upsert_member(NewMember {
                        id: None,
                        company_id: company.id,
                        customer_id,
                        name: format!("Member {c}.{i}.{j}"),
                        level: None,
                        max_active_bookings: *quota,
                        relationship: None,
                    })
                    .await
                    .expect("upsert member");
                members.push(MemberRec {
                    id: member.id,
                    quota: quota.unwrap_or(POLICY_QUOTA),
                });
            }
            actors.push(Actor {
                company: c,
                caller,
                customer_id,
                members,
            });
        }
        companies.push(CompanyRec {
            id: company.id,
            services,
        });
    }
    Setup { companies, actors }
}

impl Model {
    fn confirmed_in(&self, company: usize, slot: usize, except: Option<i64>) -> i64 {
        let count = self
            .bookings
            .iter()
            .filter(|b| b.confirmed && b.company == company && b.slot == slot)
            .filter(|b| Some(b.id) != except)
            .count();
        i64::try_from(count).expect("small")
    }

    fn active_of(&self, member: i64) -> i64 {
        let count = self
            .bookings
            .iter()
            .filter(|b| b.confirmed && b.member == Some(member))
            .count();
        i64::try_from(count).expect("small")
    }

    fn index_of(&self, id: i64) -> usize {
        self.bookings
            .iter()
            .position(|b| b.id == id)
            .expect("a booking of the model")
    }

    /// Who acts, the reference they send (by id or voucher code) and the booking the engine
    /// must find with it: in the actor's company, and the actor's own; `None` for "not found".
    fn resolve(&self, setup: &Setup, target: &Target) -> (usize, BookingRef, Option<usize>) {
        let n = setup.actors.len();
        let missing = |actor: usize| (actor % n, BookingRef::Id(MISSING_ID), None);
        let (nth, by_voucher, actor) = match *target {
            Target::Missing { actor } => return missing(actor),
            _ if self.bookings.is_empty() => return missing(0),
            Target::Owned { nth, by_voucher } => {
                let nth = nth % self.bookings.len();
                (nth, by_voucher, self.bookings[nth].actor)
            }
            Target::ByAnyone {
                nth,
                by_voucher,
                actor,
            } => (nth % self.bookings.len(), by_voucher, actor % n),
        };
        let booking = &self.bookings[nth];
        let company = setup.actors[actor].company;
        let (reference, found) = if by_voucher {
            // As a caller says it: lower case, a space instead of the dash.
            (
                BookingRef::Voucher(booking.voucher.to_lowercase().replace('-', " ")),
                self.bookings
                    .iter()
                    .position(|b| b.company == company && b.voucher == booking.voucher),
            )
        } else {
            (
                BookingRef::Id(booking.id),
                (booking.company == company).then_some(nth),
            )
        };
        (
            actor,
            reference,
            found.filter(|&i| self.bookings[i].actor == actor),
        )
    }
}

fn fail(message: String) -> TestCaseError {
    TestCaseError::fail(message)
}

macro_rules! ensure {
    ($cond:expr, $($fmt:tt)+) => {
        if !$cond {
            return Err(fail(format!($($fmt)+)));
        }
    };
}

/// The code of an engine answer, for comparing with the model.
fn refusal_code(e: &EngineError) -> Result<&'static str, TestCaseError> {
    ensure!(e.is_client_error(), "a fault, not an answer: {e:?}");
    Ok(e.code())
}

// ---------------------------------------------------------------------------------------------
// One step
// ---------------------------------------------------------------------------------------------

async fn step(h: &Harness, setup: &Setup, model: &mut Model, op: &Op) -> Result<(), TestCaseError> {
    let n = setup.actors.len();
    match op {
        Op::Retry { nth } => {
            if model.keyed.is_empty() {
                return Ok(());
            }
            let again = model.keyed[nth % model.keyed.len()].clone();
            Box::pin(step(h, setup, model, &again)).await
        }
        Op::Book {
            actor,
            member,
            slot,
            key,
        } => {
            let a = actor % n;
            let actor = &setup.actors[a];
            let slot_def = SLOTS[*slot];
            if key.is_some() {
                model.keyed.push(op.clone());
            }

            // The member the request names, and what the model expects.
            let (member_id, member): (Option<i64>, Result<Option<&MemberRec>, &'static str>) =
                match member {
                    MemberPick::Own(i) => {
                        let m = &actor.members[i % actor.members.len()];
                        (Some(m.id), Ok(Some(m)))
                    }
                    MemberPick::Unnamed => (
                        None,
                        match actor.members.as_slice() {
                            [] => Ok(None),
                            [only] => Ok(Some(only)),
                            _ => Err("MEMBER_REQUIRED"),
                        },
                    ),
                    MemberPick::Foreign(i) => {
                        let others: Vec<i64> = setup
                            .actors
                            .iter()
                            .enumerate()
                            .filter(|(j, _)| *j != a)
                            .flat_map(|(_, o)| o.members.iter().map(|m| m.id))
                            .collect();
                        (Some(others[i % others.len()]), Err("NOT_FOUND"))
                    }
                };
            let expected = match member {
                Err(code) => Expected::Refused(code),
                Ok(member) => match slot_def.validity {
                    Validity::NotInSchedule => Expected::Refused("NO_SUCH_SLOT"),
                    Validity::Past => Expected::Refused("TOO_SOON"),
                    Validity::Open => match key.and_then(|k| model.keys.get(&(a, k))) {
                        Some(&id) => Expected::Replayed(id),
                        None if model.confirmed_in(actor.company, *slot, None)
                            >= slot_def.capacity =>
                        {
                            Expected::Refused("SLOT_FULL")
                        }
                        None if member.is_some_and(|m| model.active_of(m.id) >= m.quota) => {
                            Expected::Refused("QUOTA_REACHED")
                        }
                        None => Expected::Created,
                    },
                },
            };

            let mut req = book(slot_def.service, slot_def.date(), slot_def.time());
            req.member_id = member_id;
            req.idempotency_key = key.map(|k| format!("call-{k}:book_session"));
            tally(h.backend, op, &expected);
            let got = h.engine.book(&actor.caller, req).await;

            match (&expected, got) {
                (Expected::Refused(code), Err(e)) => {
                    let got = refusal_code(&e)?;
                    ensure!(got == *code, "expected {code}, the engine said {e:?}");
                }
                (Expected::Created, Ok(r)) => {
                    let b = &r.booking;
                    ensure!(!r.replayed, "a new booking reported as replayed: {r:?}");
                    ensure!(
                        model.bookings.iter().all(|m| m.id != b.id),
                        "booking id {} was already taken",
                        b.id
                    );
                    ensure!(
                        b.status == BookingStatus::Confirmed
                            && b.customer_id == actor.customer_id
                            && b.member_id == member.ok().flatten().map(|m| m.id)
                            && b.starts_at == slot_def.starts_at()
                            && b.service_code == slot_def.service
                            && is_voucher_code(&b.voucher_code),
                        "created booking does not match the request: {b:?}"
                    );
                    let made = ModelBooking {
                        id: b.id,
                        company: actor.company,
                        actor: a,
                        member: b.member_id,
                        slot: *slot,
                        confirmed: true,
                        voucher: b.voucher_code.clone(),
                    };
                    model.bookings.push(made);
                    if let Some(k) = key {
                        model.keys.insert((a, *k), b.id);
                    }
                }
                (Expected::Replayed(id), Ok(r)) => {
                    let m = &model.bookings[model.index_of(*id)];
                    let b = &r.booking;
                    ensure!(r.replayed, "a retry not reported as replayed: {r:?}");
                    ensure!(
                        b.id == *id
                            && (b.status == BookingStatus::Confirmed) == m.confirmed
                            && b.starts_at == SLOTS[m.slot].starts_at(),
                        "a retry must return the first booking as it is now ({m:?}), got {b:?}"
                    );
                }
                (expected, got) => {
                    return Err(fail(format!(
                        "expected {expected:?}, the engine answered {:?}",
                        got.map(|r| (r.replayed, r.booking))
                    )));
                }
            }
            Ok(())
        }
        Op::Cancel { target } => {
            let (a, reference, found) = model.resolve(setup, target);
            let expected = match found {
                None => Expected::Refused("NOT_FOUND"),
                Some(i) if model.bookings[i].confirmed => Expected::Cancelled(model.bookings[i].id),
                Some(i) => Expected::AlreadyCancelled(model.bookings[i].id),
            };
            tally(h.backend, op, &expected);
            let got = h
                .engine
                .cancel(&setup.actors[a].caller, &reference, Some("model".into()))
                .await;
            match (&expected, got) {
                (Expected::Refused(code), Err(e)) => {
                    let got = refusal_code(&e)?;
                    ensure!(got == *code, "expected {code}, the engine said {e:?}");
                }
                (Expected::Cancelled(id) | Expected::AlreadyCancelled(id), Ok(r)) => {
                    let again = matches!(expected, Expected::AlreadyCancelled(_));
                    ensure!(
                        r.booking.id == *id
                            && r.booking.status == BookingStatus::Cancelled
                            && r.already_cancelled == again
                            && r.refund_applicable,
                        "expected {expected:?} (free: more than 24 h ahead), got {r:?}"
                    );
                    let i = model.index_of(*id);
                    model.bookings[i].confirmed = false;
                }
                (expected, got) => {
                    return Err(fail(format!(
                        "expected {expected:?}, the engine answered {got:?}"
                    )));
                }
            }
            Ok(())
        }
        Op::Reschedule { target, slot } => {
            let (a, reference, found) = model.resolve(setup, target);
            let company = setup.actors[a].company;
            let slot_def = SLOTS[*slot];
            let expected = match found {
                None => Expected::Refused("NOT_FOUND"),
                Some(i) if !model.bookings[i].confirmed => Expected::Refused("BOOKING_NOT_ACTIVE"),
                Some(i) => match slot_def.validity {
                    Validity::NotInSchedule => Expected::Refused("NO_SUCH_SLOT"),
                    Validity::Past => Expected::Refused("TOO_SOON"),
                    Validity::Open
                        if model.confirmed_in(company, *slot, Some(model.bookings[i].id))
                            >= slot_def.capacity =>
                    {
                        Expected::Refused("SLOT_FULL")
                    }
                    Validity::Open => Expected::Moved(model.bookings[i].id),
                },
            };
            let req = RescheduleRequest {
                booking: reference,
                date: slot_def.date(),
                time: slot_def.time(),
                service_id: None,
                service: Some(slot_def.service.to_string()),
                staff_id: None,
            };
            tally(h.backend, op, &expected);
            let got = h.engine.reschedule(&setup.actors[a].caller, req).await;
            match (&expected, got) {
                (Expected::Refused(code), Err(e)) => {
                    let got = refusal_code(&e)?;
                    ensure!(got == *code, "expected {code}, the engine said {e:?}");
                }
                (Expected::Moved(id), Ok(r)) => {
                    let i = model.index_of(*id);
                    let m = &model.bookings[i];
                    ensure!(
                        r.before.id == *id
                            && r.after.id == *id
                            && r.before.starts_at == SLOTS[m.slot].starts_at()
                            && r.after.starts_at == slot_def.starts_at()
                            && r.after.service_code == slot_def.service
                            && r.after.voucher_code == m.voucher
                            && r.after.status == BookingStatus::Confirmed,
                        "expected {m:?} to move to {slot_def:?}, got {r:?}"
                    );
                    model.bookings[i].slot = *slot;
                }
                (expected, got) => {
                    return Err(fail(format!(
                        "expected {expected:?}, the engine answered {:?}",
                        got.map(|r| (r.before, r.after))
                    )));
                }
            }
            Ok(())
        }
    }
}

// ---------------------------------------------------------------------------------------------
// What must hold after every step
// ---------------------------------------------------------------------------------------------

async fn check_invariants(h: &Harness, setup: &Setup, model: &Model) -> Result<(), TestCaseError> {
    let quotas: BTreeMap<i64, i64> = setup
        .actors
        .iter()
        .flat_map(|a| a.members.iter().map(|m| (m.id, m.quota)))
        .collect();
    for (c, company) in setup.companies.iter().enumerate() {
        let rows: BTreeMap<i64, Booking> = h
            .bookings_of(company.id)
            .await
            .into_iter()
            .map(|b| (b.id, b))
            .collect();

        // The store holds exactly the model's bookings of the company, as the model has them.
        let expected: Vec<&ModelBooking> =
            model.bookings.iter().filter(|b| b.company == c).collect();
        ensure!(
            rows.keys().copied().collect::<BTreeSet<_>>()
                == expected.iter().map(|b| b.id).collect::<BTreeSet<_>>(),
            "company {c}: the store has bookings {:?}, the model {:?}",
            rows.keys().collect::<Vec<_>>(),
            expected.iter().map(|b| b.id).collect::<Vec<_>>()
        );
        for m in &expected {
            let row = &rows[&m.id];
            let slot_def = SLOTS[m.slot];
            let status = if m.confirmed {
                BookingStatus::Confirmed
            } else {
                BookingStatus::Cancelled
            };
            ensure!(
                row.status == status
                    && row.customer_id == setup.actors[m.actor].customer_id
                    && row.member_id == m.member
                    && row.service_id == company.services[slot_def.service]
                    && row.starts_at == slot_def.starts_at()
                    && row.voucher_code == m.voucher,
                "the store's row {row:?} is not the model's {m:?}"
            );
        }

        // Capacity, per slot.
        let mut per_slot: BTreeMap<(i64, Timestamp), i64> = BTreeMap::new();
        for row in rows
            .values()
            .filter(|b| b.status == BookingStatus::Confirmed)
        {
            *per_slot.entry((row.service_id, row.starts_at)).or_default() += 1;
        }
        for ((service_id, starts_at), count) in per_slot {
            let capacity = SLOTS
                .iter()
                .find(|s| company.services[s.service] == service_id)
                .map_or(0, |s| s.capacity);
            ensure!(
                count <= capacity,
                "company {c}: {count} confirmed bookings of service {service_id} at {starts_at}, capacity {capacity}"
            );
        }

        // Quota, per member.
        let mut per_member: BTreeMap<i64, i64> = BTreeMap::new();
        for row in rows
            .values()
            .filter(|b| b.status == BookingStatus::Confirmed)
        {
            if let Some(member) = row.member_id {
                *per_member.entry(member).or_default() += 1;
            }
        }
        for (member, active) in per_member {
            let quota = quotas.get(&member).copied().unwrap_or(0);
            ensure!(
                active <= quota,
                "member {member} holds {active} active bookings, quota {quota}"
            );
        }

        // Idempotency: one row per key, the one the key made.
        for ((a, k), id) in &model.keys {
            let actor = &setup.actors[*a];
            if actor.company != c {
                continue;
            }
            let scoped = format!("{}:call-{k}:book_session", actor.customer_id);
            let holders: Vec<i64> = rows
                .values()
                .filter(|b| b.idempotency_key.as_deref() == Some(scoped.as_str()))
                .map(|b| b.id)
                .collect();
            ensure!(
                holders == [*id],
                "key {scoped:?} is held by rows {holders:?}, expected only {id}"
            );
        }
    }

    // Isolation: each caller sees exactly their own bookings.
    for (a, actor) in setup.actors.iter().enumerate() {
        let seen: BTreeSet<i64> = h
            .engine
            .bookings(&actor.caller, None, BookingScope::All)
            .await
            .map_err(|e| fail(format!("bookings of actor {a}: {e:?}")))?
            .iter()
            .map(|b| b.id)
            .collect();
        let own: BTreeSet<i64> = model
            .bookings
            .iter()
            .filter(|b| b.actor == a)
            .map(|b| b.id)
            .collect();
        ensure!(
            seen == own,
            "actor {a} is shown bookings {seen:?}, owns {own:?}"
        );
    }
    Ok(())
}

async fn run_case(h: &Harness, world: &World, ops: &[Op]) -> Result<(), TestCaseError> {
    let setup = set_up(h, world).await;
    let mut model = Model::default();
    for (i, op) in ops.iter().enumerate() {
        step(h, &setup, &mut model, op)
            .await
            .map_err(|e| fail(format!("step {i} ({op:?}): {e}")))?;
        check_invariants(h, &setup, &model)
            .await
            .map_err(|e| fail(format!("after step {i} ({op:?}): {e}")))?;
    }
    Ok(())
}

fn answers(backend: Backend) -> BTreeMap<String, usize> {
    let backend = format!("{backend:?}");
    TALLY
        .lock()
        .map(|t| {
            t.iter()
                .filter(|((b, _), _)| *b == backend)
                .map(|((_, answer), n)| (answer.clone(), *n))
                .collect()
        })
        .unwrap_or_default()
}

async fn random_sequences_of_bookings_agree_with_the_model(h: Harness) {
    let defaults = Config::default();
    let cases = if std::env::var_os("PROPTEST_CASES").is_some() {
        defaults.cases
    } else {
        DEFAULT_CASES
    };
    let config = Config {
        cases,
        failure_persistence: None,
        ..defaults
    };
    let strategy = (
        world_strategy(),
        prop::collection::vec(op_strategy(), 1..=MAX_STEPS),
    );
    let started = std::time::Instant::now();
    let backend = h.backend;

    // The runner is synchronous; it runs on a blocking thread and drives each case on the
    // test's runtime.
    let runtime = tokio::runtime::Handle::current();
    let outcome = tokio::task::spawn_blocking(move || {
        let mut runner = TestRunner::new(config);
        runner.run(&strategy, |(world, ops)| {
            runtime.block_on(run_case(&h, &world, &ops))
        })
    })
    .await
    .expect("the runner thread");

    match outcome {
        Ok(()) => eprintln!(
            "{backend:?}: {cases} cases of up to {MAX_STEPS} steps agree with the model ({:.1} s); \
             answers: {:?}",
            started.elapsed().as_secs_f64(),
            answers(backend)
        ),
        Err(TestError::Fail(reason, (world, ops))) => panic!(
            "{backend:?}: the engine disagrees with the model.\n{reason}\n\
             minimal failing case:\nworld = {world:#?}\nops = {ops:#?}"
        ),
        Err(TestError::Abort(reason)) => panic!("{backend:?}: aborted: {reason}"),
    }
}
