//! Model-based property test: random sequences of book, cancel and reschedule — with retries
//! that reuse an idempotency key — and of joining and leaving the waitlist, from several
//! customers and their members at one or two companies, run against the engine and against a
//! small in-memory model of the rules.
//!
//! After every step the engine's answer must be the model's (which booking was made, or which
//! refusal: `SLOT_FULL`, `QUOTA_REACHED`, `NOT_FOUND`, `BOOKING_NOT_ACTIVE`, …), and the
//! store's rows must be the model's rows, which means:
//! - capacity: no slot holds more confirmed bookings than its capacity;
//! - quota: no member holds more active bookings than their quota;
//! - isolation: a caller naming another customer's booking (by id or voucher code, in their
//!   own company or another) gets `NOT_FOUND` and nothing changes; each caller's
//!   `bookings` lists exactly their own;
//! - idempotency: a reused key returns the booking it made first, and there is one row per key;
//! - the waitlist: a place freed by a cancellation or a move goes to the first waiting entry of
//!   that slot whose member may take it (no booking of theirs in the slot, room in their
//!   quota), every booking the waitlist made matches its entry, and no entry waits while a
//!   place it matches is free and its member may take it.
//!
//! Each case imports fresh companies into the test's database (cheaper than a database per
//! case). The slots are few and small (capacity 1 and 2) and the quotas low, so "full" and
//! "quota reached" happen often. Cases: 64 by default, `PROPTEST_CASES` raises it; up to 30
//! steps each. A failure is shrunk and the minimal world and sequence are printed.

use frontdesk_domain::{BookingSource, BookingStatus};
use frontdesk_engine::booking::BookingScope;
use frontdesk_engine::waitlist::JoinWaitlistRequest;
use frontdesk_engine::{BookingRef, Caller, EngineError, RescheduleRequest};
use frontdesk_store::{Booking, NewMember, WaitlistQuery, WaitlistStatus};
use jiff::Timestamp;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestError, TestRunner};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use tests_store::*;

tests_store::backend_tests!(random_sequences_of_bookings_agree_with_the_model);

const DEFAULT_CASES: u32 = 64;
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
    /// The actor puts one of their members on the waitlist of a bookable slot (auto-book).
    Join {
        actor: usize,
        member: usize,
        slot: usize,
    },
    /// The owner of the `nth` entry made so far takes it off the waitlist.
    Leave {
        nth: usize,
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

fn join_slot_strategy() -> impl Strategy<Value = usize> {
    // Mostly the slots that fill up (the first day's, the single places), so joins often find
    // them full and cancellations often have someone waiting.
    prop_oneof![
        4 => Just(2usize),
        3 => Just(0usize),
        2 => Just(5usize),
        1 => Just(1usize),
        1 => Just(3usize),
        1 => Just(4usize),
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
        // Only the six bookable slots have a waitlist.
        5 => (0..6usize, 0..MAX_STEPS, join_slot_strategy())
            .prop_map(|(actor, member, slot)| Op::Join { actor, member, slot }),
        1 => (0..MAX_STEPS).prop_map(|nth| Op::Leave { nth }),
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
    /// Made by the waitlist for this entry (its id and voucher code are learnt from the store
    /// after the step: 0 and empty until then).
    entry: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EntryState {
    Waiting,
    Booked,
    Left,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct ModelEntry {
    id: i64,
    company: usize,
    actor: usize,
    member: i64,
    slot: usize,
    state: EntryState,
}

#[derive(Default)]
struct Model {
    /// Every booking made, in the order they were made.
    bookings: Vec<ModelBooking>,
    /// (actor, key) → the booking the key made.
    keys: BTreeMap<(usize, u8), i64>,
    /// Keyed book requests sent so far (the ones `Retry` picks from).
    keyed: Vec<Op>,
    /// Every waitlist entry made, in the order they were made.
    entries: Vec<ModelEntry>,
    /// Each member's quota.
    quotas: BTreeMap<i64, i64>,
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
    Joined,
    AlreadyWaiting(i64),
    Left(i64),
    AlreadyLeft(i64),
}

static CASE: AtomicUsize = AtomicUsize::new(0);

/// How often each answer was expected, printed at the end so a run shows what it covered.
static TALLY: Mutex<BTreeMap<(String, String), usize>> = Mutex::new(BTreeMap::new());

fn tally(backend: Backend, op: &Op, expected: &Expected) {
    let kind = match op {
        Op::Book { .. } | Op::Retry { .. } => "book",
        Op::Cancel { .. } => "cancel",
        Op::Reschedule { .. } => "reschedule",
        Op::Join { .. } => "join",
        Op::Leave { .. } => "leave",
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

    /// Whether the member may be given a place in the slot: no booking of theirs there (of any
    /// status) and room in their quota.
    fn may_take(&self, company: usize, member: i64, slot: usize) -> bool {
        let there = self
            .bookings
            .iter()
            .any(|b| b.company == company && b.member == Some(member) && b.slot == slot);
        !there && self.active_of(member) < self.quotas[&member]
    }

    /// The first waiting entry of the slot whose member may take a place there.
    fn next_in_line(&self, company: usize, slot: usize) -> Option<usize> {
        self.entries.iter().position(|e| {
            e.company == company
                && e.slot == slot
                && e.state == EntryState::Waiting
                && self.may_take(company, e.member, slot)
        })
    }

    /// Gives the slot's free places to the waitlist, as the store does in the change's
    /// transaction: the bookings it makes are pending until [`Model::adopt`].
    fn refill(&mut self, company: usize, slot: usize) {
        if SLOTS[slot].validity != Validity::Open {
            return;
        }
        while self.confirmed_in(company, slot, None) < SLOTS[slot].capacity {
            let Some(i) = self.next_in_line(company, slot) else {
                break;
            };
            self.entries[i].state = EntryState::Booked;
            let e = self.entries[i].clone();
            self.bookings.push(ModelBooking {
                id: 0,
                company,
                actor: e.actor,
                member: Some(e.member),
                slot,
                confirmed: true,
                voucher: String::new(),
                entry: Some(e.id),
            });
        }
    }

    /// After a cancellation frees the member's quota: their waiting entries' slots, by
    /// service and time (as the engine goes through them), each refilled.
    fn refill_for_member(&mut self, company: usize, member: i64) {
        let mut slots: Vec<usize> = self
            .entries
            .iter()
            .filter(|e| e.company == company && e.member == member)
            .filter(|e| e.state == EntryState::Waiting)
            .map(|e| e.slot)
            .collect();
        slots.sort_by_key(|&s| (SLOTS[s].service, SLOTS[s].starts_at()));
        slots.dedup();
        for slot in slots {
            self.refill(company, slot);
        }
    }

    /// Learns the ids and voucher codes of the bookings the waitlist made in the last step
    /// from the store's rows: exactly one new row per pending booking, with its entry,
    /// member and slot.
    async fn adopt(&mut self, h: &Harness, setup: &Setup) -> Result<(), TestCaseError> {
        let known: BTreeSet<i64> = self.bookings.iter().map(|b| b.id).collect();
        for (c, company) in setup.companies.iter().enumerate() {
            let new_rows: Vec<Booking> = h
                .bookings_of(company.id)
                .await
                .into_iter()
                .filter(|b| !known.contains(&b.id))
                .collect();
            let pending: Vec<usize> = (0..self.bookings.len())
                .filter(|&i| self.bookings[i].id == 0 && self.bookings[i].company == c)
                .collect();
            ensure!(
                new_rows.len() == pending.len(),
                "company {c}: the waitlist made {:?}, the model expects {:?}",
                new_rows,
                pending
                    .iter()
                    .map(|&i| &self.bookings[i])
                    .collect::<Vec<_>>()
            );
            for row in new_rows {
                let Some(&i) = pending.iter().find(|&&i| {
                    let m = &self.bookings[i];
                    m.id == 0
                        && row.waitlist_entry_id == m.entry
                        && row.member_id == m.member
                        && row.service_id == company.services[SLOTS[m.slot].service]
                        && row.starts_at == SLOTS[m.slot].starts_at()
                }) else {
                    return Err(fail(format!(
                        "company {c}: the waitlist made {row:?}, which the model does not expect"
                    )));
                };
                ensure!(
                    row.source == BookingSource::Waitlist && row.status == BookingStatus::Confirmed,
                    "a waitlist booking must be confirmed and from the waitlist: {row:?}"
                );
                self.bookings[i].id = row.id;
                self.bookings[i].voucher = row.voucher_code.clone();
                if let Ok(mut t) = TALLY.lock() {
                    *t.entry((format!("{:?}", h.backend), "waitlist placed".into()))
                        .or_default() += 1;
                }
            }
        }
        Ok(())
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
                        entry: None,
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
                    if !again {
                        model.bookings[i].confirmed = false;
                        let (company, slot, member) = {
                            let b = &model.bookings[i];
                            (b.company, b.slot, b.member)
                        };
                        model.refill(company, slot);
                        if let Some(member) = member {
                            model.refill_for_member(company, member);
                        }
                        model.adopt(h, setup).await?;
                    }
                }
                (expected, got) => {
                    return Err(fail(format!(
                        "expected {expected:?}, the engine answered {got:?}"
                    )));
                }
            }
            Ok(())
        }
        Op::Join {
            actor,
            member,
            slot,
        } => {
            let a = actor % n;
            let actor = &setup.actors[a];
            let m = &actor.members[member % actor.members.len()];
            let slot_def = SLOTS[*slot];
            let c = actor.company;
            let waiting = model.entries.iter().find(|e| {
                e.member == m.id
                    && e.company == c
                    && e.slot == *slot
                    && e.state == EntryState::Waiting
            });
            let booked_there = model.bookings.iter().any(|b| {
                b.confirmed && b.company == c && b.member == Some(m.id) && b.slot == *slot
            });
            let expected = if let Some(e) = waiting {
                Expected::AlreadyWaiting(e.id)
            } else if booked_there {
                Expected::Refused("ALREADY_BOOKED")
            } else if model.active_of(m.id) >= m.quota {
                Expected::Refused("QUOTA_REACHED")
            } else if model.confirmed_in(c, *slot, None) < slot_def.capacity {
                Expected::Refused("SLOT_AVAILABLE")
            } else {
                Expected::Joined
            };
            let mut req = JoinWaitlistRequest::new(slot_def.date());
            req.member_id = Some(m.id);
            req.service = Some(slot_def.service.to_string());
            req.time_from = Some(slot_def.time());
            req.time_to = Some(slot_def.time());
            tally(h.backend, op, &expected);
            let got = h.engine.join_waitlist(&actor.caller, req).await;
            match (&expected, got) {
                (Expected::Refused(code), Err(e)) => {
                    let got = refusal_code(&e)?;
                    ensure!(got == *code, "expected {code}, the engine said {e:?}");
                }
                (Expected::AlreadyWaiting(id), Ok(r)) => {
                    ensure!(
                        r.already_waiting && r.entry.entry_id == *id,
                        "expected entry {id} again, got {r:?}"
                    );
                }
                (Expected::Joined, Ok(r)) => {
                    ensure!(
                        !r.already_waiting
                            && r.entry.status == WaitlistStatus::Waiting
                            && r.entry.member_id == m.id
                            && model.entries.iter().all(|e| e.id != r.entry.entry_id),
                        "expected a new entry, got {r:?}"
                    );
                    model.entries.push(ModelEntry {
                        id: r.entry.entry_id,
                        company: c,
                        actor: a,
                        member: m.id,
                        slot: *slot,
                        state: EntryState::Waiting,
                    });
                }
                (expected, got) => {
                    return Err(fail(format!(
                        "expected {expected:?}, the engine answered {got:?}"
                    )));
                }
            }
            Ok(())
        }
        Op::Leave { nth } => {
            if model.entries.is_empty() {
                return Ok(());
            }
            let i = nth % model.entries.len();
            let e = model.entries[i].clone();
            let expected = if e.state == EntryState::Waiting {
                Expected::Left(e.id)
            } else {
                Expected::AlreadyLeft(e.id)
            };
            tally(h.backend, op, &expected);
            let got = h
                .engine
                .leave_waitlist(&setup.actors[e.actor].caller, e.id)
                .await
                .map_err(|err| fail(format!("leaving entry {}: {err:?}", e.id)))?;
            ensure!(
                got.entry.entry_id == e.id
                    && got.already_left == matches!(expected, Expected::AlreadyLeft(_)),
                "expected {expected:?}, got {got:?}"
            );
            if e.state == EntryState::Waiting {
                model.entries[i].state = EntryState::Left;
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
                    let from = model.bookings[i].slot;
                    model.bookings[i].slot = *slot;
                    if from != *slot {
                        model.refill(company, from);
                        model.adopt(h, setup).await?;
                    }
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

    // The waitlist: the store's entries are the model's, every waitlist booking matches its
    // entry, and no entry waits while a place it matches is free and its member may take it.
    for (c, company) in setup.companies.iter().enumerate() {
        let stored: BTreeMap<i64, WaitlistStatus> = h
            .store
            .list_waitlist(&WaitlistQuery {
                company_id: company.id,
                limit: 10_000,
                ..Default::default()
            })
            .await
            .map_err(|e| fail(format!("waitlist: {e:?}")))?
            .into_iter()
            .map(|e| (e.id, e.status))
            .collect();
        let expected: BTreeMap<i64, WaitlistStatus> = model
            .entries
            .iter()
            .filter(|e| e.company == c)
            .map(|e| {
                let status = match e.state {
                    EntryState::Waiting => WaitlistStatus::Waiting,
                    EntryState::Booked => WaitlistStatus::Booked,
                    EntryState::Left => WaitlistStatus::Left,
                };
                (e.id, status)
            })
            .collect();
        ensure!(
            stored == expected,
            "company {c}: the store's waitlist is {stored:?}, the model's {expected:?}"
        );
        for b in model.bookings.iter().filter(|b| b.company == c) {
            if let Some(entry) = b.entry {
                let e = model.entries.iter().find(|e| e.id == entry);
                // Its slot matched the entry's when it was made (see `adopt`); the member
                // may have moved it since.
                ensure!(
                    e.is_some_and(
                        |e| e.member == b.member.unwrap_or(-1) && e.state == EntryState::Booked
                    ),
                    "the waitlist booking {b:?} does not match its entry {e:?}"
                );
            }
        }
        for e in model
            .entries
            .iter()
            .filter(|e| e.company == c && e.state == EntryState::Waiting)
        {
            let free = model.confirmed_in(c, e.slot, None) < SLOTS[e.slot].capacity;
            ensure!(
                !(free && model.may_take(c, e.member, e.slot)),
                "entry {e:?} waits while its slot has a free place it may take"
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
    let mut model = Model {
        quotas: setup
            .actors
            .iter()
            .flat_map(|a| a.members.iter().map(|m| (m.id, m.quota)))
            .collect(),
        ..Model::default()
    };
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
