//! Fault tests: the real binary, over real HTTP on random ports, when things go wrong.
//!
//! - `kill -9` in the middle of a booking load, then a restart on the same database (SQLite
//!   and PostgreSQL): every booking a client was told is confirmed exists, no slot is over
//!   capacity, and the server starts cleanly.
//! - PostgreSQL becomes unreachable (a TCP proxy in the test cuts every connection and refuses
//!   new ones) and comes back: `/readyz` 503, tools and gateway say "temporarily unavailable",
//!   nothing panics, and service resumes by itself.
//! - SIGTERM with SSE streams open and requests in flight: the requests get their answers,
//!   the streams end cleanly, the process exits 0 within the grace period.
//! - Slow clients (silent connections, a byte at a time) do not hold up other callers, and a
//!   connection that never completes its headers is closed after the header-read timeout.
//!
//! PostgreSQL variants run when `FRONTDESK_TEST_POSTGRES_URL` is set (each on a database of
//! its own); without it they are skipped, except under `CI=true`, where that fails.

mod support;

use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::*;

/// A bound on every test: a fault that hangs fails the test instead of stalling CI.
const TEST_LIMIT: Duration = Duration::from_secs(90);

fn panic_of(error: tokio::task::JoinError) -> ! {
    match error.try_into_panic() {
        Ok(payload) => std::panic::resume_unwind(payload),
        Err(error) => panic!("task failed: {error}"),
    }
}

// =============================================================================================
// kill -9 in the middle of a booking load

const CALLERS: usize = 24;
const CAPACITY: usize = 6;
const TIMES: [&str; 5] = ["08:00", "09:00", "10:00", "11:00", "12:00"];
/// The server is killed once this many bookings were acknowledged (of 30 places).
const KILL_AFTER_ACKS: usize = 10;

#[derive(Debug, Clone)]
struct Ack {
    caller: usize,
    time: &'static str,
    id: i64,
    voucher: String,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_mid_booking_load_loses_no_acknowledged_booking_sqlite() {
    bounded(TEST_LIMIT, kill_9_mid_booking_load(Setup::sqlite())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_mid_booking_load_loses_no_acknowledged_booking_postgres() {
    let test = "kill_9_mid_booking_load_loses_no_acknowledged_booking_postgres";
    let Some(pg) = PgDatabase::create_or_skip(test).await else {
        return;
    };
    bounded(TEST_LIMIT, kill_9_mid_booking_load(Setup::postgres(pg))).await;
}

async fn kill_9_mid_booking_load(setup: Setup) {
    let started = Instant::now();
    let key = setup.import(&Business {
        capacity: CAPACITY as u32,
        times: TIMES.to_vec(),
        customers: CALLERS,
    });
    let date = utc_date_in(2);
    let mut server = setup.serve(None, &[]).await;
    let client = client();
    let mut tokens = Vec::new();
    for caller in 0..CALLERS {
        tokens.push(open_session(&client, &server.base, &key, &phone(caller)).await);
    }

    // Every caller books each slot once, in its own order, until the server goes away.
    let acks: Arc<Mutex<Vec<Ack>>> = Arc::default();
    let cut = Arc::new(AtomicUsize::new(0));
    let mut load = tokio::task::JoinSet::new();
    for (caller, token) in tokens.iter().enumerate() {
        let (client, base, token, date) = (
            client.clone(),
            server.base.clone(),
            token.clone(),
            date.clone(),
        );
        let (acks, cut) = (acks.clone(), cut.clone());
        load.spawn(async move {
            for k in 0..TIMES.len() {
                let time = TIMES[(caller + k) % TIMES.len()];
                let arguments = json!({
                    "service": SERVICE, "date": date, "time": time,
                    "idempotency_key": format!("load-{caller}-{time}"),
                });
                match call_tool(&client, &base, &token, "book_session", arguments).await {
                    Ok((status, body)) => match booked(status, &body) {
                        Booked::Confirmed { id, voucher } => acks.lock().expect("acks").push(Ack {
                            caller,
                            time,
                            id,
                            voucher,
                        }),
                        Booked::Refused(code) => {
                            assert_eq!(code, "SLOT_FULL", "caller {caller} at {time}: {body}")
                        }
                    },
                    // The kill: no answer, so nothing was promised.
                    Err(_) => {
                        cut.fetch_add(1, Ordering::SeqCst);
                        return;
                    }
                }
            }
        });
    }
    loop {
        if acks.lock().expect("acks").len() >= KILL_AFTER_ACKS {
            break;
        }
        while let Some(done) = load.try_join_next() {
            done.unwrap_or_else(|e| panic_of(e));
        }
        assert!(!load.is_empty(), "the load ended before the kill");
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    server.kill9();
    let killed_at = started.elapsed();
    while let Some(done) = load.join_next().await {
        done.unwrap_or_else(|e| panic_of(e));
    }
    let acks = acks.lock().expect("acks").clone();
    let cut = cut.load(Ordering::SeqCst);
    assert!(acks.len() >= KILL_AFTER_ACKS);
    assert!(
        cut > 0,
        "the load had ended before the kill: nothing was in flight"
    );

    // Restart on the same database: it starts cleanly and serves.
    let server = setup.serve(None, &[]).await;
    let log = server.log();
    assert!(
        !log.contains("ERROR") && !log.contains("panicked"),
        "the restart was not clean:\n{log}"
    );

    // Every acknowledged booking exists, confirmed, at the slot it was made for. The caller
    // sessions survived the restart too (they live in the database).
    let mut held: Vec<Vec<Value>> = Vec::new();
    for token in &tokens {
        held.push(all_bookings(&client, &server.base, token).await);
    }
    for ack in &acks {
        let found = held[ack.caller]
            .iter()
            .find(|b| b["voucher_code"] == json!(ack.voucher))
            .unwrap_or_else(|| {
                panic!(
                    "acknowledged booking {ack:?} is missing after kill -9: {:?}",
                    held[ack.caller]
                )
            });
        assert_eq!(found["booking_id"], json!(ack.id), "{found}");
        assert_eq!(found["status"], json!("confirmed"), "{found}");
        assert_eq!(
            (found["date"].as_str(), found["time"].as_str()),
            (Some(date.as_str()), Some(ack.time)),
            "{found}"
        );
    }
    let per_slot = count_per_slot(&held, &date);
    for (time, count) in &per_slot {
        assert!(
            *count <= CAPACITY,
            "{time} holds {count} bookings, capacity {CAPACITY}"
        );
    }

    // The restarted server fills what is left, concurrently, and no further: every slot ends
    // with exactly its capacity.
    let mut fill = tokio::task::JoinSet::new();
    for (caller, token) in tokens.iter().enumerate() {
        let mine: Vec<String> = held[caller]
            .iter()
            .filter_map(|b| b["time"].as_str().map(str::to_string))
            .collect();
        let (client, base, token, date) = (
            client.clone(),
            server.base.clone(),
            token.clone(),
            date.clone(),
        );
        fill.spawn(async move {
            for time in TIMES.iter().filter(|t| !mine.iter().any(|m| m == *t)) {
                let arguments = json!({
                    "service": SERVICE, "date": date, "time": time,
                    "idempotency_key": format!("fill-{caller}-{time}"),
                });
                let (status, body) = call_tool(&client, &base, &token, "book_session", arguments)
                    .await
                    .expect("the restarted server answers");
                if let Booked::Refused(code) = booked(status, &body) {
                    assert_eq!(code, "SLOT_FULL", "caller {caller} at {time}: {body}");
                }
            }
        });
    }
    while let Some(done) = fill.join_next().await {
        done.unwrap_or_else(|e| panic_of(e));
    }
    let mut after: Vec<Vec<Value>> = Vec::new();
    for token in &tokens {
        after.push(all_bookings(&client, &server.base, token).await);
    }
    let per_slot_after = count_per_slot(&after, &date);
    for time in TIMES {
        assert_eq!(
            per_slot_after.get(time).copied().unwrap_or(0),
            CAPACITY,
            "slot {time} after filling: {per_slot_after:?}"
        );
    }
    for ack in &acks {
        assert!(
            after[ack.caller]
                .iter()
                .any(|b| b["booking_id"] == json!(ack.id) && b["status"] == json!("confirmed")),
            "{ack:?} lost after the restart"
        );
    }
    server.assert_no_panic();
    println!(
        "kill -9 ({}): killed after {killed_at:?} with {} acknowledged and {cut} requests cut; {:?} before the restart; all {} checks passed in {:?}",
        if setup.db.pg.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        },
        acks.len(),
        per_slot,
        acks.len(),
        started.elapsed()
    );
}

/// Confirmed bookings per start time on `date`, across every caller.
fn count_per_slot(held: &[Vec<Value>], date: &str) -> BTreeMap<String, usize> {
    let mut per_slot = BTreeMap::new();
    let mut seen = HashMap::new();
    for booking in held.iter().flatten() {
        let id = booking["booking_id"].as_i64().expect("booking_id");
        assert!(
            seen.insert(id, ()).is_none(),
            "booking {id} listed for two callers"
        );
        if booking["status"] == json!("confirmed") && booking["date"] == json!(date) {
            let time = booking["time"].as_str().expect("time").to_string();
            *per_slot.entry(time).or_insert(0) += 1;
        }
    }
    per_slot
}

// =============================================================================================
// The database becomes unreachable and comes back

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn database_outage_answers_temporarily_unavailable_and_recovers_postgres() {
    let test = "database_outage_answers_temporarily_unavailable_and_recovers_postgres";
    let Some(pg) = PgDatabase::create_or_skip(test).await else {
        return;
    };
    bounded(TEST_LIMIT, database_outage(Setup::postgres(pg))).await;
}

/// How long an answer may take while the database is down: the pool's acquire timeout (set
/// to 1 s below) and some slack for a loaded machine.
const OUTAGE_ANSWER_WITHIN: Duration = Duration::from_secs(4);

async fn database_outage(setup: Setup) {
    let started = Instant::now();
    let key = setup.import(&Business {
        capacity: 4,
        times: vec!["08:00", "09:00"],
        customers: 3,
    });
    let gateway = setup.key("gateway");
    let pg = setup.db.pg.as_ref().expect("PostgreSQL");
    let proxy = TcpProxy::start(pg.server_addr()).await;
    let mut server = setup
        .serve(
            Some(&pg.url_via(proxy.port)),
            &[("FRONTDESK_DB_ACQUIRE_TIMEOUT_SECS", "1")],
        )
        .await;
    let client = client();
    let base = server.base.clone();
    let date = utc_date_in(2);
    let token = open_session(&client, &base, &key, &phone(0)).await;
    let (status, body) = call_tool(
        &client,
        &base,
        &token,
        "get_availability",
        json!({"date": date}),
    )
    .await
    .expect("availability");
    assert!(tool_ok(status, &body)["total"].as_i64() > Some(0), "{body}");
    let (status, body) = gateway_call(&client, &base, &gateway, &phone(0)).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["result"]["appointments"].is_array(), "{body}");

    proxy.down();
    let outage = Instant::now();

    // /readyz: 503 TEMPORARILY_UNAVAILABLE with Retry-After.
    let t = Instant::now();
    let ready = client
        .get(format!("{base}/readyz"))
        .send()
        .await
        .expect("readyz answers");
    let ready_took = t.elapsed();
    assert_eq!(ready.status(), 503);
    assert!(ready.headers().contains_key("retry-after"));
    let body: Value = ready.json().await.expect("json");
    assert_eq!(body["code"], json!("TEMPORARILY_UNAVAILABLE"), "{body}");
    assert!(
        ready_took < OUTAGE_ANSWER_WITHIN,
        "readyz took {ready_took:?}"
    );

    // A tool call (a read, and a write): "temporarily unavailable", as an HTTP 503 of the
    // session check or as a tool error.
    for (tool, arguments) in [
        ("get_availability", json!({"date": date})),
        (
            "book_session",
            json!({"service": SERVICE, "date": date, "time": "08:00"}),
        ),
    ] {
        let t = Instant::now();
        let (status, body) = call_tool(&client, &base, &token, tool, arguments)
            .await
            .expect("a tool call answers during the outage");
        let took = t.elapsed();
        assert_temporarily_unavailable(status, &body, tool);
        assert!(took < OUTAGE_ANSWER_WITHIN, "{tool} took {took:?}");
    }

    // A new caller session: 503 TEMPORARILY_UNAVAILABLE.
    let t = Instant::now();
    let session = client
        .post(format!("{base}/mcp/auth/session"))
        .header("x-api-key", &key)
        .json(&json!({"caller_id": phone(1)}))
        .send()
        .await
        .expect("session answers");
    let took = t.elapsed();
    assert_eq!(session.status(), 503);
    let body: Value = session.json().await.expect("json");
    assert_eq!(body["code"], json!("TEMPORARILY_UNAVAILABLE"), "{body}");
    assert!(took < OUTAGE_ANSWER_WITHIN, "session took {took:?}");

    // The gateway: a JSON-RPC error saying so.
    let t = Instant::now();
    let (status, body) = gateway_call(&client, &base, &gateway, &phone(0)).await;
    let took = t.elapsed();
    assert!(status == 503 || status == 200, "{status} {body}");
    let error = &body["error"];
    assert_eq!(body["jsonrpc"], json!("2.0"), "{body}");
    assert_eq!(
        error["data"]["code"],
        json!("TEMPORARILY_UNAVAILABLE"),
        "{body}"
    );
    assert!(
        error["data"]["details"]
            .as_str()
            .is_some_and(|d| d.contains("temporarily unavailable")),
        "{body}"
    );
    assert!(took < OUTAGE_ANSWER_WITHIN, "gateway took {took:?}");

    // The MCP health endpoint agrees with /readyz.
    let mcp_health = client
        .get(format!("{base}/mcp/health"))
        .send()
        .await
        .expect("mcp health answers");
    assert_eq!(mcp_health.status(), 503);
    let body: Value = mcp_health.json().await.expect("json");
    assert_eq!(body["code"], json!("TEMPORARILY_UNAVAILABLE"), "{body}");

    // The process is alive and says so.
    let health = client
        .get(format!("{base}/healthz"))
        .send()
        .await
        .expect("healthz");
    assert_eq!(health.status(), 200);
    assert!(server.is_running(), "the server died:\n{}", server.log());
    let outage_checks = outage.elapsed();

    // The database comes back: service resumes without a restart.
    proxy.up();
    let back = Instant::now();
    let mut ready = false;
    while back.elapsed() < Duration::from_secs(20) {
        let answer = client.get(format!("{base}/readyz")).send().await;
        if answer.is_ok_and(|r| r.status() == 200) {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(ready, "not ready 20 s after the database came back");
    let recovered_in = back.elapsed();
    let (status, body) = call_tool(
        &client,
        &base,
        &token,
        "get_availability",
        json!({"date": date}),
    )
    .await
    .expect("availability");
    assert!(tool_ok(status, &body)["total"].as_i64() > Some(0), "{body}");
    let (status, body) = call_tool(
        &client,
        &base,
        &token,
        "book_session",
        json!({"service": SERVICE, "date": date, "time": "08:00", "idempotency_key": "after-outage"}),
    )
    .await
    .expect("book");
    assert!(
        matches!(booked(status, &body), Booked::Confirmed { .. }),
        "{body}"
    );
    let second = open_session(&client, &base, &key, &phone(1)).await;
    assert!(second.starts_with("sess_"));
    let (status, body) = gateway_call(&client, &base, &gateway, &phone(0)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["result"]["appointments"].as_array().map(Vec::len),
        Some(1),
        "{body}"
    );

    assert!(server.is_running());
    server.assert_no_panic();
    println!(
        "database outage: readyz 503 in {ready_took:?}, outage checks {outage_checks:?}, ready again {recovered_in:?} after the database came back; total {:?}",
        started.elapsed()
    );
}

async fn gateway_call(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    phone: &str,
) -> (u16, Value) {
    let response = client
        .post(format!("{base}/api/mcp/gateway"))
        .bearer_auth(token)
        .json(&json!({
            "jsonrpc": "2.0", "id": "fault-1",
            "method": "appointment_mgmt.findAppointments",
            "params": {"phone": phone},
        }))
        .send()
        .await
        .expect("the gateway answers");
    let status = response.status().as_u16();
    (status, response.json().await.expect("gateway JSON"))
}

/// A 503 `TEMPORARILY_UNAVAILABLE` error body, or a tool result with `isError` and that code.
fn assert_temporarily_unavailable(status: u16, body: &Value, what: &str) {
    match status {
        503 => assert_eq!(
            body["code"],
            json!("TEMPORARILY_UNAVAILABLE"),
            "{what}: {body}"
        ),
        200 => {
            let result = &body["result"];
            assert_eq!(result["isError"], json!(true), "{what}: {body}");
            assert_eq!(
                result["structuredContent"]["code"],
                json!("TEMPORARILY_UNAVAILABLE"),
                "{what}: {body}"
            );
        }
        other => panic!("{what}: HTTP {other}: {body}"),
    }
}

// =============================================================================================
// SIGTERM with open streams and requests in flight

const GRACE: Duration = Duration::from_secs(3);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_finishes_requests_ends_streams_and_exits_within_the_grace_period() {
    bounded(TEST_LIMIT, sigterm_drain()).await;
}

async fn sigterm_drain() {
    let setup = Setup::sqlite();
    let key = setup.import(&Business {
        capacity: 10,
        times: vec!["08:00", "09:00"],
        customers: 8,
    });
    let date = utc_date_in(2);
    let mut server = setup
        .serve(None, &[("FRONTDESK_SHUTDOWN_GRACE_SECS", "3")])
        .await;
    let client = client();
    let mut tokens = Vec::new();
    for caller in 0..8 {
        tokens.push(open_session(&client, &server.base, &key, &phone(caller)).await);
    }

    // Four legacy SSE streams, each past its `endpoint` event.
    let mut streams = Vec::new();
    for token in &tokens[..4] {
        let mut sse = RawHttp::connect(server.port).await;
        sse.send(
            format!(
                "GET /mcp/sse HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nAuthorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n",
                server.port
            )
            .as_bytes(),
        )
        .await
        .expect("open SSE");
        let head = sse.head().await.expect("SSE head");
        assert_eq!(head.status, 200);
        assert!(head.chunked(), "{head:?}");
        let first = sse.chunk().await.expect("first event").expect("an event");
        assert!(
            String::from_utf8_lossy(&first).contains("event: endpoint"),
            "{}",
            String::from_utf8_lossy(&first)
        );
        streams.push(("legacy SSE", sse));
    }

    // A Streamable HTTP session and its standalone GET stream.
    let init = client
        .post(format!("{}/mcp", server.base))
        .bearer_auth(&tokens[4])
        .header("accept", "application/json, text/event-stream")
        .json(&json!({
            "jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                       "clientInfo": {"name": "faults", "version": "1"}},
        }))
        .send()
        .await
        .expect("initialize");
    assert_eq!(init.status(), 200);
    let mcp_session = init
        .headers()
        .get("mcp-session-id")
        .and_then(|v| v.to_str().ok())
        .expect("Mcp-Session-Id")
        .to_string();
    let _ = init.text().await.expect("initialize answer");
    let initialized = client
        .post(format!("{}/mcp", server.base))
        .bearer_auth(&tokens[4])
        .header("accept", "application/json, text/event-stream")
        .header("mcp-session-id", &mcp_session)
        .header("mcp-protocol-version", "2025-06-18")
        .json(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}))
        .send()
        .await
        .expect("initialized");
    assert!(initialized.status().is_success(), "{initialized:?}");
    let mut standalone = RawHttp::connect(server.port).await;
    standalone
        .send(
            format!(
                "GET /mcp HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nAuthorization: Bearer {}\r\nAccept: text/event-stream\r\nMcp-Session-Id: {mcp_session}\r\nMCP-Protocol-Version: 2025-06-18\r\n\r\n",
                server.port, tokens[4]
            )
            .as_bytes(),
        )
        .await
        .expect("open the standalone stream");
    let head = standalone.head().await.expect("standalone head");
    assert_eq!(head.status, 200, "{head:?}");
    assert!(head.chunked(), "{head:?}");
    streams.push(("Streamable HTTP GET", standalone));

    // Three requests in flight: head and half the body sent, the rest to follow after SIGTERM.
    let mut in_flight = Vec::new();
    for (i, (tool, arguments)) in [
        (
            "book_session",
            json!({"service": SERVICE, "date": date, "time": "08:00", "idempotency_key": "drain-1"}),
        ),
        (
            "book_session",
            json!({"service": SERVICE, "date": date, "time": "09:00", "idempotency_key": "drain-2"}),
        ),
        ("get_availability", json!({"date": date})),
    ]
    .into_iter()
    .enumerate()
    {
        let (head, body) = raw_tool_call(server.port, &tokens[5 + i], tool, arguments);
        let mut request = RawHttp::connect(server.port).await;
        request.send(&head).await.expect("send head");
        request
            .send(&body[..body.len() / 2])
            .await
            .expect("send half the body");
        in_flight.push((tool, request, body));
    }
    // Let the server read the heads, so the requests are truly in flight.
    tokio::time::sleep(Duration::from_millis(200)).await;

    server.sigterm();
    let term = Instant::now();

    // The streams end cleanly (the terminating chunk), promptly, not cut at the grace period.
    let mut stream_ends = Vec::new();
    for (kind, mut stream) in streams {
        let ended = tokio::time::timeout(GRACE, async {
            loop {
                match stream.chunk().await {
                    Ok(Some(_)) => continue,
                    Ok(None) => return Ok(term.elapsed()),
                    Err(e) => return Err(e),
                }
            }
        })
        .await;
        match ended {
            Ok(Ok(after)) => stream_ends.push(after),
            Ok(Err(e)) => panic!("the {kind} stream was cut, not ended: {e}"),
            Err(_) => panic!("the {kind} stream did not end within the grace period"),
        }
    }

    // The in-flight requests finish and get their answers.
    tokio::time::sleep(Duration::from_millis(300)).await;
    for (tool, mut request, body) in in_flight {
        request
            .send(&body[body.len() / 2..])
            .await
            .unwrap_or_else(|e| panic!("{tool}: the server dropped an in-flight request: {e}"));
        let head = request.head().await.expect("an answer after SIGTERM");
        let answer = request.body(&head).await.expect("a whole answer");
        let answer: Value = serde_json::from_slice(&answer).expect("JSON answer");
        assert_eq!(head.status, 200, "{tool}: {answer}");
        match tool {
            "book_session" => assert!(
                matches!(booked(200, &answer), Booked::Confirmed { .. }),
                "{answer}"
            ),
            _ => assert!(tool_ok(200, &answer)["total"].as_i64() > Some(0)),
        }
        // And the server closes the connection afterwards.
        assert!(
            request.closed_within(GRACE).await,
            "{tool}: the connection stayed open"
        );
    }

    let status = server
        .wait_exit(GRACE + Duration::from_secs(5))
        .await
        .expect("the server exits");
    let exited_after = term.elapsed();
    assert!(status.success(), "exit status {status}:\n{}", server.log());
    assert!(
        exited_after < GRACE,
        "exited {exited_after:?} after SIGTERM, grace period {GRACE:?}:\n{}",
        server.log()
    );
    server.assert_no_panic();
    println!(
        "SIGTERM: streams ended after {stream_ends:?}; exit 0 after {exited_after:?} (grace {GRACE:?})"
    );
}

// =============================================================================================
// Slow clients

const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(3);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(2);
const SILENT_CONNECTIONS: usize = 60;
/// A correctness bound, not a benchmark: a normal request answered while slow clients hang on.
const PROMPT: Duration = Duration::from_secs(2);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn slow_clients_do_not_hold_up_other_callers_and_idle_ones_are_closed() {
    bounded(TEST_LIMIT, slow_clients()).await;
}

async fn slow_clients() {
    let setup = Setup::sqlite();
    let key = setup.import(&Business {
        capacity: 10,
        times: vec!["08:00", "09:00"],
        customers: 4,
    });
    let date = utc_date_in(2);
    let server = setup
        .serve(
            None,
            &[
                (
                    "FRONTDESK_HEADER_READ_TIMEOUT_SECS",
                    &HEADER_READ_TIMEOUT.as_secs().to_string(),
                ),
                (
                    "FRONTDESK_REQUEST_TIMEOUT_SECS",
                    &REQUEST_TIMEOUT.as_secs().to_string(),
                ),
            ],
        )
        .await;
    let port = server.port;
    // A first call pays for one-time work (phone-number metadata, the catalogue): warm up, so
    // what is measured below is the slow clients' effect only.
    let warm = client();
    let token = open_session(&warm, &server.base, &key, &phone(3)).await;
    let (status, body) = call_tool(
        &warm,
        &server.base,
        &token,
        "get_availability",
        json!({"date": date}),
    )
    .await
    .expect("availability");
    tool_ok(status, &body);

    // Connections that send nothing.
    let opened = Instant::now();
    let mut silent = Vec::new();
    for _ in 0..SILENT_CONNECTIONS {
        silent.push(RawHttp::connect(port).await);
    }
    // Each watched for the server closing it (reading sends nothing): when, after opening.
    let mut silent_closed = tokio::task::JoinSet::new();
    for mut conn in silent {
        silent_closed.spawn(async move {
            let closed = conn
                .closed_within(HEADER_READ_TIMEOUT + Duration::from_secs(3))
                .await;
            closed.then(|| opened.elapsed())
        });
    }
    // A client that never finishes its headers, one byte at a time.
    let slowloris = tokio::spawn(async move {
        let mut conn = RawHttp::connect(port).await;
        let started = Instant::now();
        let request = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
        for byte in request.iter().chain(std::iter::repeat(&b'a')) {
            if conn.send(&[*byte]).await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
            if started.elapsed() > HEADER_READ_TIMEOUT + Duration::from_secs(5) {
                break;
            }
        }
        let closed = conn.closed_within(Duration::from_secs(1)).await;
        (closed, started.elapsed())
    });
    // A client that sends a whole request a byte at a time, within the header timeout.
    let trickle = tokio::spawn(async move {
        let mut conn = RawHttp::connect(port).await;
        let started = Instant::now();
        for byte in b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" {
            conn.send(&[*byte]).await.expect("trickle");
            tokio::time::sleep(Duration::from_millis(15)).await;
        }
        let head = conn.head().await.expect("an answer to the slow request");
        let body = conn.body(&head).await.expect("body");
        let answered = started.elapsed();
        // Kept alive, then idle: closed after the header-read timeout too.
        let idle_closed = conn
            .closed_within(HEADER_READ_TIMEOUT + Duration::from_secs(3))
            .await;
        let idle_for = started.elapsed() - answered;
        (
            head.status,
            String::from_utf8_lossy(&body).to_string(),
            answered,
            idle_closed.then_some(idle_for),
        )
    });
    // A client whose body never finishes arriving: answered 408 after the request timeout.
    let slow_body = tokio::spawn(async move {
        let mut conn = RawHttp::connect(port).await;
        let started = Instant::now();
        conn.send(b"POST /mcp/auth/session HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n{")
            .await
            .expect("send the head");
        while started.elapsed() < REQUEST_TIMEOUT + Duration::from_secs(5) {
            let mut probe = [0u8; 1];
            let peek = conn.stream.peek(&mut probe);
            if tokio::time::timeout(Duration::from_millis(100), peek)
                .await
                .is_ok()
            {
                break; // an answer (or the end)
            }
            if conn.send(b" ").await.is_err() {
                break;
            }
        }
        let status = conn.head().await.map(|h| h.status).ok();
        (status, started.elapsed())
    });

    // Meanwhile, normal callers, each request on a new connection.
    let fresh = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .pool_max_idle_per_host(0)
        .build()
        .expect("client");
    let mut callers = tokio::task::JoinSet::new();
    for caller in 0..3 {
        let (client, base, key, date) = (
            fresh.clone(),
            server.base.clone(),
            key.clone(),
            date.clone(),
        );
        callers.spawn(async move {
            let mut slowest = Duration::ZERO;
            for _ in 0..5 {
                let t = Instant::now();
                let health = client
                    .get(format!("{base}/healthz"))
                    .send()
                    .await
                    .expect("healthz");
                assert_eq!(health.status(), 200);
                slowest = slowest.max(t.elapsed());

                let t = Instant::now();
                let token = open_session(&client, &base, &key, &phone(caller)).await;
                slowest = slowest.max(t.elapsed());

                let t = Instant::now();
                let (status, body) = call_tool(
                    &client,
                    &base,
                    &token,
                    "get_availability",
                    json!({"date": date}),
                )
                .await
                .expect("availability");
                assert!(tool_ok(status, &body)["total"].as_i64() > Some(0));
                slowest = slowest.max(t.elapsed());
            }
            slowest
        });
    }
    let mut slowest = Duration::ZERO;
    while let Some(done) = callers.join_next().await {
        slowest = slowest.max(done.unwrap_or_else(|e| panic_of(e)));
    }
    let normal_done = opened.elapsed();
    assert!(
        slowest < PROMPT,
        "a normal request took {slowest:?} with slow clients connected"
    );
    assert!(
        normal_done < HEADER_READ_TIMEOUT,
        "the normal requests ({normal_done:?}) did not run while the slow clients were connected"
    );

    let (status, body, took, idle_closed) = trickle.await.unwrap_or_else(|e| panic_of(e));
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("ok"), "{body}");
    let idle_closed = idle_closed.expect("an idle kept-alive connection was never closed");
    assert!(
        idle_closed >= HEADER_READ_TIMEOUT - Duration::from_millis(500),
        "an idle kept-alive connection was closed after {idle_closed:?}"
    );

    // The silent connections are closed by the server after the header-read timeout.
    let mut closed_at = Vec::new();
    while let Some(done) = silent_closed.join_next().await {
        let closed = done.unwrap_or_else(|e| panic_of(e));
        closed_at.push(closed.expect("a connection that sent nothing was never closed"));
    }
    let first_closed = closed_at.iter().min().copied().unwrap_or_default();
    assert!(
        first_closed >= HEADER_READ_TIMEOUT - Duration::from_millis(500),
        "closed after {first_closed:?}, before the header-read timeout"
    );
    let (slowloris_closed, slowloris_after) = slowloris.await.unwrap_or_else(|e| panic_of(e));
    assert!(
        slowloris_closed && slowloris_after < HEADER_READ_TIMEOUT + Duration::from_secs(3),
        "a client dripping its headers was not closed ({slowloris_after:?})"
    );
    let (slow_body_status, slow_body_after) = slow_body.await.unwrap_or_else(|e| panic_of(e));
    assert_eq!(
        slow_body_status,
        Some(408),
        "a body dripping in for {slow_body_after:?}"
    );
    assert!(
        slow_body_after >= REQUEST_TIMEOUT - Duration::from_millis(500)
            && slow_body_after < REQUEST_TIMEOUT + Duration::from_secs(3),
        "a slow body was answered after {slow_body_after:?}"
    );

    // Still serving.
    let health = fresh
        .get(format!("{}/healthz", server.base))
        .send()
        .await
        .expect("healthz");
    assert_eq!(health.status(), 200);
    server.assert_no_panic();
    println!(
        "slow clients: slowest normal request {slowest:?}; trickled request answered after {took:?}, its idle connection closed {idle_closed:?} later; silent connections closed after {first_closed:?}..{:?}; slowloris closed after {slowloris_after:?}; slow body answered 408 after {slow_body_after:?}",
        closed_at.iter().max().copied().unwrap_or_default()
    );
}
