//! Several instances on one PostgreSQL database and one Redis: three real `frontdesk serve`
//! processes on three ports, as behind a load balancer with no sticky sessions.
//!
//! - A caller opens the legacy SSE stream on A and posts every message to B and C: every
//!   response arrives on A's stream, in order.
//! - Rate limits (sessions per IP, messages per session, gateway calls per company) are
//!   counted across the three.
//! - 600 concurrent `book_session` calls at one slot of capacity 10, spread over the three:
//!   exactly 10 win.
//! - SIGKILL one instance during a booking load: no acknowledged booking is lost, no slot goes
//!   over capacity, and its SSE callers reconnect to another instance and carry on with the
//!   same caller session.
//! - A logout on one instance is refused by the others at once (no cached session outlives
//!   it), and so are the sessions of a revoked key; a Streamable HTTP session answers only its
//!   owner's token, on every instance.
//! - Redis made unreachable (a TCP proxy the test controls) and back: every instance keeps
//!   serving on its own state with clear errors where only Redis could help, never a wrong
//!   booking, and shared state resumes by itself.
//!
//! Needs `FRONTDESK_TEST_POSTGRES_URL` and `FRONTDESK_TEST_REDIS_URL`; without them the tests
//! are skipped (said on stdout), except under `CI=true`, where that fails. Each test has a
//! database of its own and a Redis key prefix of its own.

mod support;

use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use support::*;

const REDIS_URL_VAR: &str = "FRONTDESK_TEST_REDIS_URL";
/// A bound on every test (after it got its turn).
const TEST_LIMIT: Duration = Duration::from_secs(150);

/// One test at a time: each starts three servers and loads them; side by side on a small
/// machine they would measure each other.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

// =============================================================================================
// The cluster

/// A Redis key prefix of one test; its keys are deleted on drop.
struct RedisPrefix {
    url: String,
    prefix: String,
}

impl RedisPrefix {
    fn new(url: String) -> RedisPrefix {
        let prefix = format!("fdtest-{:016x}:", rand_u64());
        RedisPrefix { url, prefix }
    }
}

impl Drop for RedisPrefix {
    fn drop(&mut self) {
        let Ok(client) = redis::Client::open(self.url.as_str()) else {
            return;
        };
        let Ok(mut conn) = client.get_connection_with_timeout(Duration::from_secs(2)) else {
            return;
        };
        let keys: Vec<String> = redis::cmd("KEYS")
            .arg(format!("{}*", self.prefix))
            .query(&mut conn)
            .unwrap_or_default();
        if !keys.is_empty() {
            let _: Result<(), _> = redis::cmd("DEL").arg(keys).query(&mut conn);
        }
    }
}

fn rand_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    h.finish()
}

/// The test's Redis URL, or `None` (skipped) — a failure under `CI=true`.
fn redis_url_or_skip(test: &str) -> Option<String> {
    match std::env::var(REDIS_URL_VAR)
        .ok()
        .filter(|u| !u.trim().is_empty())
    {
        Some(url) => Some(url),
        None => {
            if std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true")) {
                panic!("{REDIS_URL_VAR} must be set when CI=true: {test} may not be skipped");
            }
            println!("skipped {test}: {REDIS_URL_VAR} is not set");
            None
        }
    }
}

/// A business on a fresh PostgreSQL database, and a Redis prefix; `None` when skipped.
async fn cluster_setup(test: &str, business: &Business) -> Option<(Setup, RedisPrefix, String)> {
    let redis_url = redis_url_or_skip(test);
    let pg = PgDatabase::create_or_skip(test).await?;
    let redis = RedisPrefix::new(redis_url?);
    let setup = Setup::postgres(pg);
    let key = setup.import(business);
    Some((setup, redis, key))
}

/// Starts instance `name` on the test database, sharing `redis_url` under the test's prefix.
async fn instance(
    setup: &Setup,
    redis: &RedisPrefix,
    redis_url: &str,
    name: &str,
    env: &[(&str, &str)],
) -> Server {
    let mut all = vec![
        ("FRONTDESK_REDIS_URL", redis_url),
        ("FRONTDESK_REDIS_PREFIX", redis.prefix.as_str()),
        ("FRONTDESK_INSTANCE_ID", name),
    ];
    all.extend_from_slice(env);
    setup.serve(None, &all).await
}

/// Three instances, `a`, `b` and `c`.
async fn three(setup: &Setup, redis: &RedisPrefix, env: &[(&str, &str)]) -> Vec<Server> {
    let url = redis.url.clone();
    let (a, b, c) = tokio::join!(
        instance(setup, redis, &url, "a", env),
        instance(setup, redis, &url, "b", env),
        instance(setup, redis, &url, "c", env),
    );
    vec![a, b, c]
}

// =============================================================================================
// A legacy SSE client

/// An open `GET /mcp/sse` stream, read event by event.
struct SseStream {
    response: reqwest::Response,
    buffer: String,
    /// The `POST` path of the stream's messages (`/mcp/messages/?session_id=…`).
    endpoint: String,
}

impl SseStream {
    /// Opens the stream; the HTTP status when it is refused.
    async fn open(client: &reqwest::Client, base: &str, token: &str) -> Result<SseStream, u16> {
        let response = client
            .get(format!("{base}/mcp/sse"))
            .bearer_auth(token)
            .send()
            .await
            .expect("GET /mcp/sse");
        if response.status() != 200 {
            return Err(response.status().as_u16());
        }
        let mut stream = SseStream {
            response,
            buffer: String::new(),
            endpoint: String::new(),
        };
        let (event, data) = stream
            .next_event(Duration::from_secs(10))
            .await
            .expect("the endpoint event");
        assert_eq!(event, "endpoint");
        stream.endpoint = data;
        Ok(stream)
    }

    /// The next event (`event`, `data`); `None` when the stream ended or nothing came in time.
    async fn next_event(&mut self, within: Duration) -> Option<(String, String)> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut event = "message".to_string();
                let mut data = Vec::new();
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("event:") {
                        event = v.trim().to_string();
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push(v.trim_start().to_string());
                    }
                }
                if data.is_empty() {
                    continue; // a keep-alive comment
                }
                return Some((event, data.join("\n")));
            }
            match tokio::time::timeout_at(deadline, self.response.chunk()).await {
                Ok(Ok(Some(bytes))) => self
                    .buffer
                    .push_str(&String::from_utf8_lossy(&bytes).replace("\r\n", "\n")),
                _ => return None,
            }
        }
    }

    /// The next JSON-RPC message on the stream.
    async fn next_message(&mut self, within: Duration) -> Option<Value> {
        loop {
            let (event, data) = self.next_event(within).await?;
            if event == "message" {
                return Some(serde_json::from_str(&data).expect("a JSON message"));
            }
        }
    }

    /// Whether the stream ends (or fails) within `within`.
    async fn ends_within(&mut self, within: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            match tokio::time::timeout_at(deadline, self.response.chunk()).await {
                Err(_) => return false,
                Ok(Ok(Some(_))) => continue,
                Ok(_) => return true,
            }
        }
    }
}

/// Posts `message` for the stream to instance `base`: the HTTP status and body.
async fn post_message(
    client: &reqwest::Client,
    base: &str,
    endpoint: &str,
    token: &str,
    message: &Value,
) -> (u16, String) {
    let response = client
        .post(format!("{base}{endpoint}"))
        .bearer_auth(token)
        .json(message)
        .send()
        .await
        .expect("POST /mcp/messages/");
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}

fn initialize(id: i64) -> Value {
    json!({
        "jsonrpc": "2.0", "id": id, "method": "initialize",
        "params": {
            "protocolVersion": "2024-11-05",
            "capabilities": {},
            "clientInfo": {"name": "cluster-test", "version": "1"}
        }
    })
}

fn initialized() -> Value {
    json!({"jsonrpc": "2.0", "method": "notifications/initialized"})
}

fn tool_request(id: i64, tool: &str, arguments: Value) -> Value {
    json!({
        "jsonrpc": "2.0", "id": id, "method": "tools/call",
        "params": {"name": tool, "arguments": arguments}
    })
}

/// Initialises the MCP session of `stream` with messages posted to `via` (another instance).
async fn handshake(client: &reqwest::Client, stream: &mut SseStream, via: &str, token: &str) {
    let (status, body) = post_message(client, via, &stream.endpoint, token, &initialize(0)).await;
    assert_eq!(status, 202, "initialize through {via}: {body}");
    let answer = stream
        .next_message(Duration::from_secs(10))
        .await
        .expect("the initialize answer on the stream");
    assert_eq!(answer["id"], json!(0), "{answer}");
    assert!(answer["result"]["serverInfo"].is_object(), "{answer}");
    let (status, body) = post_message(client, via, &stream.endpoint, token, &initialized()).await;
    assert_eq!(status, 202, "initialized through {via}: {body}");
}

// =============================================================================================
// SSE on A, messages to B and C

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sse_messages_posted_to_other_instances_are_answered_on_the_stream_in_order() {
    let test = "sse_messages_posted_to_other_instances_are_answered_on_the_stream_in_order";
    let business = Business {
        capacity: 20,
        times: vec!["08:00", "09:00", "10:00"],
        customers: 2,
    };
    let Some((setup, redis, key)) = cluster_setup(test, &business).await else {
        return;
    };
    let _turn = SERIAL.lock().await;
    bounded(TEST_LIMIT, async {
        let started = Instant::now();
        let servers = three(&setup, &redis, &[]).await;
        let (a, b, c) = (&servers[0].base, &servers[1].base, &servers[2].base);
        let client = client();
        let token = open_session(&client, a, &key, &phone(0)).await;

        let mut stream = SseStream::open(&client, a, &token).await.expect("SSE on A");
        // One stream per caller session, across instances.
        for other in [b, c] {
            let refused = SseStream::open(&client, other, &token).await.err();
            assert_eq!(refused, Some(429), "a second stream on {other}");
        }
        handshake(&client, &mut stream, b, &token).await;

        // Requests alternate between B and C; each answer arrives on A's stream, in order.
        let date = utc_date_in(2);
        let calls: Vec<(&str, Value)> = vec![
            ("get_members", json!({})),
            ("get_availability", json!({"date": date})),
            (
                "book_session",
                json!({"service": SERVICE, "date": date, "time": "09:00"}),
            ),
            ("get_bookings", json!({})),
            ("get_business_info", json!({})),
        ];
        let mut booked_voucher = None;
        for round in 0..4 {
            for (k, (tool, arguments)) in calls.iter().enumerate() {
                let id = (round * calls.len() + k + 1) as i64;
                let via = if id % 2 == 0 { b } else { c };
                let (status, body) = post_message(
                    &client,
                    via,
                    &stream.endpoint,
                    &token,
                    &tool_request(id, tool, arguments.clone()),
                )
                .await;
                assert_eq!(status, 202, "{tool} through {via}: {body}");
                let answer = stream
                    .next_message(Duration::from_secs(10))
                    .await
                    .unwrap_or_else(|| panic!("no answer to {tool} (id {id}) on A's stream"));
                assert_eq!(answer["id"], json!(id), "answers out of order: {answer}");
                let result = &answer["result"];
                if *tool == "book_session" && round == 0 {
                    assert_eq!(result["isError"], json!(false), "{answer}");
                    booked_voucher = result["structuredContent"]["booking"]["voucher_code"]
                        .as_str()
                        .map(str::to_string);
                } else if *tool != "book_session" {
                    assert_eq!(result["isError"], json!(false), "{tool}: {answer}");
                }
            }
        }
        // The booking made through the stream is there, seen from any instance.
        let voucher = booked_voucher.expect("a voucher");
        let held = all_bookings(&client, c, &token).await;
        assert!(
            held.iter().any(|b| b["voucher_code"] == json!(voucher)),
            "{held:?}"
        );

        // A burst: twenty pings posted back to back through B and C, each acknowledged
        // before the next is sent; all twenty answers arrive on A's stream.
        let first = 100;
        for id in first..first + 20 {
            let via = if id % 2 == 0 { b } else { c };
            let ping = json!({"jsonrpc": "2.0", "id": id, "method": "ping"});
            let (status, body) = post_message(&client, via, &stream.endpoint, &token, &ping).await;
            assert_eq!(status, 202, "{body}");
        }
        let mut answered = Vec::new();
        for _ in 0..20 {
            let answer = stream
                .next_message(Duration::from_secs(10))
                .await
                .expect("every ping answered on A's stream");
            answered.push(answer["id"].as_i64().expect("an id"));
        }
        answered.sort_unstable();
        assert_eq!(answered, (first..first + 20).collect::<Vec<_>>());

        // Past the subscribers' 5 s keep-alive ping: every subscription stays up (in
        // subscribed mode Redis answers PING with an array, not a string) and messages keep
        // arriving.
        tokio::time::sleep(Duration::from_secs(6)).await;
        let ping = json!({"jsonrpc": "2.0", "id": 200, "method": "ping"});
        let (status, body) = post_message(&client, b, &stream.endpoint, &token, &ping).await;
        assert_eq!(status, 202, "{body}");
        let answer = stream
            .next_message(Duration::from_secs(5))
            .await
            .expect("a ping answered after the subscribers' keep-alive");
        assert_eq!(answer["id"], json!(200));
        for server in &servers {
            let log = server.log();
            for lost in [
                "subscription of this instance was lost",
                "logouts of other instances cannot be heard",
            ] {
                assert!(!log.contains(lost), "{lost}:\n{log}");
            }
        }

        // A stream id that does not exist, or belongs to another caller, is refused anywhere.
        let other = open_session(&client, b, &key, &phone(1)).await;
        let (status, _) = post_message(&client, c, &stream.endpoint, &other, &initialize(1)).await;
        assert_eq!(status, 404, "another caller's stream");
        let (status, _) = post_message(
            &client,
            c,
            "/mcp/messages/?session_id=nope",
            &token,
            &initialize(1),
        )
        .await;
        assert_eq!(status, 404);

        // Logging out on C ends the stream held by A.
        let response = client
            .post(format!("{c}/mcp/auth/logout"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("logout");
        assert_eq!(response.status(), 200);
        assert!(
            stream.ends_within(Duration::from_secs(5)).await,
            "the stream on A did not end after a logout on C"
        );
        for server in &servers {
            server.assert_no_panic();
        }
        println!("SSE across instances: passed in {:?}", started.elapsed());
    })
    .await;
}

// =============================================================================================
// Rate limits across instances

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn rate_limits_are_counted_across_instances() {
    let test = "rate_limits_are_counted_across_instances";
    let business = Business {
        capacity: 5,
        times: vec!["08:00"],
        customers: 1,
    };
    let Some((setup, redis, key)) = cluster_setup(test, &business).await else {
        return;
    };
    let gateway_token = setup.key("gateway");
    let _turn = SERIAL.lock().await;
    bounded(TEST_LIMIT, async {
        let started = Instant::now();
        let servers = three(
            &setup,
            &redis,
            &[
                ("FRONTDESK_RATE_SESSIONS_PER_MINUTE", "6"),
                ("FRONTDESK_RATE_MESSAGES_PER_MINUTE", "9"),
                ("FRONTDESK_GATEWAY_RATE_PER_MINUTE", "5"),
                // Each check below comes from an address of its own.
                ("FRONTDESK_TRUST_FORWARDED_FOR", "true"),
            ],
        )
        .await;
        let bases: Vec<&str> = servers.iter().map(|s| s.base.as_str()).collect();
        let client = client();

        // Sessions per IP: 6 a minute in total, whichever instance is asked.
        let mut statuses = Vec::new();
        for i in 0..9 {
            let response = client
                .post(format!("{}/mcp/auth/session", bases[i % 3]))
                .header("x-api-key", &key)
                .header("x-forwarded-for", "203.0.113.7")
                .json(&json!({"caller_id": phone(0)}))
                .send()
                .await
                .expect("open a session");
            if response.status() == 429 {
                let retry: u64 = response
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse().ok())
                    .expect("Retry-After on a 429");
                assert!((1..=60).contains(&retry), "{retry}");
            }
            statuses.push(response.status().as_u16());
        }
        assert_eq!(statuses, [200, 200, 200, 200, 200, 200, 429, 429, 429]);

        // Messages per caller session: 9 a minute in total.
        let response = client
            .post(format!("{}/mcp/auth/session", bases[0]))
            .header("x-api-key", &key)
            .header("x-forwarded-for", "203.0.113.8")
            .json(&json!({"caller_id": phone(0)}))
            .send()
            .await
            .expect("open a session");
        let token = response.json::<Value>().await.expect("JSON")["session_token"]
            .as_str()
            .expect("a token")
            .to_string();
        let mut statuses = Vec::new();
        for i in 0..12 {
            let (status, _) = call_tool(&client, bases[i % 3], &token, "get_members", json!({}))
                .await
                .expect("a tool call");
            statuses.push(status);
        }
        assert_eq!(statuses[..9], [200; 9]);
        assert_eq!(statuses[9..], [429; 3]);

        // Gateway calls per company: 5 a minute in total, and the headers count down
        // across instances.
        let mut remaining = Vec::new();
        let mut statuses = Vec::new();
        for i in 0..7 {
            let response = client
                .post(format!("{}/api/mcp/gateway", bases[i % 3]))
                .bearer_auth(&gateway_token)
                .json(&json!({
                    "jsonrpc": "2.0", "id": i,
                    "method": "appointment_mgmt.findAppointments",
                    "params": {"phone": phone(0)}
                }))
                .send()
                .await
                .expect("a gateway call");
            statuses.push(response.status().as_u16());
            remaining.push(
                response
                    .headers()
                    .get("x-ratelimit-remaining")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse::<u32>().ok())
                    .expect("X-RateLimit-Remaining"),
            );
        }
        assert_eq!(statuses, [200, 200, 200, 200, 200, 429, 429]);
        assert_eq!(remaining, [4, 3, 2, 1, 0, 0, 0]);
        for server in &servers {
            server.assert_no_panic();
        }
        println!(
            "rate limits across instances: passed in {:?}",
            started.elapsed()
        );
    })
    .await;
}

// =============================================================================================
// 600 bookings at one slot

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn six_hundred_bookings_at_one_slot_over_three_instances_fill_it_exactly() {
    let test = "six_hundred_bookings_at_one_slot_over_three_instances_fill_it_exactly";
    const CALLERS: usize = 60;
    const ATTEMPTS: usize = 600;
    const CAPACITY: usize = 10;
    let business = Business {
        capacity: CAPACITY as u32,
        times: vec!["10:00"],
        customers: CALLERS,
    };
    let Some((setup, redis, key)) = cluster_setup(test, &business).await else {
        return;
    };
    let _turn = SERIAL.lock().await;
    bounded(TEST_LIMIT, async {
        let started = Instant::now();
        // Six hundred requests queue for the slot's lock: let them wait for a connection.
        let servers = three(
            &setup,
            &redis,
            &[
                ("FRONTDESK_DB_MAX_CONNECTIONS", "15"),
                ("FRONTDESK_DB_ACQUIRE_TIMEOUT_SECS", "60"),
                ("FRONTDESK_REQUEST_TIMEOUT_SECS", "120"),
            ],
        )
        .await;
        let bases: Vec<String> = servers.iter().map(|s| s.base.clone()).collect();
        let client = client();
        let mut tokens = Vec::new();
        for caller in 0..CALLERS {
            tokens.push(open_session(&client, &bases[caller % 3], &key, &phone(caller)).await);
        }
        let date = utc_date_in(3);

        let gate = Arc::new(tokio::sync::Barrier::new(ATTEMPTS));
        let mut load = tokio::task::JoinSet::new();
        for attempt in 0..ATTEMPTS {
            let caller = attempt % CALLERS;
            let (client, base, token, date, gate) = (
                client.clone(),
                bases[attempt % 3].clone(),
                tokens[caller].clone(),
                date.clone(),
                gate.clone(),
            );
            load.spawn(async move {
                let arguments = json!({
                    "service": SERVICE, "date": date, "time": "10:00",
                    "idempotency_key": format!("rush-{attempt}"),
                });
                gate.wait().await;
                let (status, body) = call_tool(&client, &base, &token, "book_session", arguments)
                    .await
                    .expect("every instance answers");
                (caller, booked(status, &body))
            });
        }
        let mut confirmed = Vec::new();
        let mut refusals: BTreeMap<String, usize> = BTreeMap::new();
        while let Some(done) = load.join_next().await {
            match done.expect("a booking task") {
                (caller, Booked::Confirmed { id, .. }) => confirmed.push((caller, id)),
                (_, Booked::Refused(code)) => *refusals.entry(code).or_default() += 1,
            }
        }
        assert_eq!(
            confirmed.len(),
            CAPACITY,
            "{} confirmed, refusals {refusals:?}",
            confirmed.len()
        );
        assert!(
            refusals.keys().all(|code| code == "SLOT_FULL"),
            "{refusals:?}"
        );
        // The database agrees: the slot holds exactly its capacity, and every winner's
        // booking is there.
        let mut in_slot = 0;
        for (caller, token) in tokens.iter().enumerate() {
            let held = all_bookings(&client, &bases[(caller + 1) % 3], token).await;
            for booking in held.iter().filter(|b| {
                b["status"] == json!("confirmed") && b["date"] == json!(date)
            }) {
                in_slot += 1;
                assert!(
                    confirmed.contains(&(caller, booking["booking_id"].as_i64().expect("id"))),
                    "{booking}"
                );
            }
        }
        assert_eq!(in_slot, CAPACITY);
        // Each instance counted its own; together they count what happened.
        let mut counted = 0.0;
        for base in &bases {
            let text = client
                .get(format!("{base}/metrics"))
                .send()
                .await
                .expect("GET /metrics")
                .text()
                .await
                .expect("metrics");
            counted += metric(&text, r#"frontdesk_bookings_total{outcome="confirmed",rule="none"}"#);
        }
        assert_eq!(counted, CAPACITY as f64, "confirmed bookings in /metrics");
        for server in &servers {
            server.assert_no_panic();
        }
        println!(
            "{ATTEMPTS} bookings at one slot over three instances: {} confirmed, {refusals:?}, in {:?}",
            confirmed.len(),
            started.elapsed()
        );
    })
    .await;
}

/// The value of the sample `series` (name and labels) in Prometheus text; 0 when absent.
fn metric(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|line| line.strip_prefix(series))
        .and_then(|rest| rest.trim().parse().ok())
        .unwrap_or(0.0)
}

// =============================================================================================
// Streamable HTTP: a session initialised on A continues on B and C

/// A `POST /mcp` with a session (when given): the session id header and the JSON-RPC
/// message of the answer (from a JSON or an SSE body), if any.
async fn streamable_post(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    session: Option<&str>,
    message: &Value,
) -> (u16, Option<String>, Option<Value>) {
    let mut request = client
        .post(format!("{base}/mcp"))
        .bearer_auth(token)
        .header("accept", "application/json, text/event-stream")
        .json(message);
    if let Some(session) = session {
        request = request
            .header("mcp-session-id", session)
            .header("mcp-protocol-version", "2025-06-18");
    }
    let response = request.send().await.expect("POST /mcp");
    let status = response.status().as_u16();
    let session_id = response
        .headers()
        .get("mcp-session-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body = response.text().await.unwrap_or_default();
    let answer = serde_json::from_str::<Value>(&body).ok().or_else(|| {
        body.lines()
            .filter_map(|l| l.strip_prefix("data:"))
            .filter_map(|d| serde_json::from_str::<Value>(d.trim()).ok())
            .find(|v| v.get("id").is_some())
    });
    (status, session_id, answer)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_streamable_http_session_initialised_on_one_instance_continues_on_the_others() {
    let test = "a_streamable_http_session_initialised_on_one_instance_continues_on_the_others";
    let business = Business {
        capacity: 5,
        times: vec!["08:00"],
        customers: 1,
    };
    let Some((setup, redis, key)) = cluster_setup(test, &business).await else {
        return;
    };
    let _turn = SERIAL.lock().await;
    bounded(TEST_LIMIT, async {
        let started = Instant::now();
        let servers = three(&setup, &redis, &[]).await;
        let bases: Vec<&str> = servers.iter().map(|s| s.base.as_str()).collect();
        let client = client();
        let token = open_session(&client, bases[0], &key, &phone(0)).await;

        let init = json!({
            "jsonrpc": "2.0", "id": 0, "method": "initialize",
            "params": {
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "cluster-test", "version": "1"}
            }
        });
        let (status, session, answer) =
            streamable_post(&client, bases[0], &token, None, &init).await;
        assert_eq!(status, 200, "{answer:?}");
        let session = session.expect("Mcp-Session-Id");
        assert_eq!(answer.expect("the initialize answer")["id"], json!(0));
        let notification = json!({"jsonrpc": "2.0", "method": "notifications/initialized"});
        let (status, _, _) =
            streamable_post(&client, bases[1], &token, Some(&session), &notification).await;
        assert_eq!(status, 202, "initialized on B");
        for (id, base) in [(1, bases[1]), (2, bases[2]), (3, bases[0]), (4, bases[2])] {
            let call = tool_request(id, "get_members", json!({}));
            let (status, _, answer) =
                streamable_post(&client, base, &token, Some(&session), &call).await;
            assert_eq!(status, 200, "call {id} on {base}: {answer:?}");
            let answer = answer.expect("an answer");
            assert_eq!(answer["id"], json!(id), "{answer}");
            assert_eq!(answer["result"]["isError"], json!(false), "{answer}");
        }
        // An unknown session is 404 anywhere (the client initialises again).
        let call = tool_request(9, "get_members", json!({}));
        let (status, _, _) =
            streamable_post(&client, bases[2], &token, Some("no-such-session"), &call).await;
        assert_eq!(status, 404);
        for server in &servers {
            server.assert_no_panic();
        }
        println!(
            "Streamable HTTP across instances: passed in {:?}",
            started.elapsed()
        );
    })
    .await;
}

/// A stateless (2026-07-28) `tools/call` on `POST /mcp`: the HTTP status and the body.
async fn stateless_tool_call(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    tool: &str,
) -> (u16, Value) {
    let body = json!({
        "jsonrpc": "2.0", "id": 1, "method": "tools/call",
        "params": {
            "name": tool, "arguments": {},
            "_meta": {
                "io.modelcontextprotocol/protocolVersion": "2026-07-28",
                "io.modelcontextprotocol/clientCapabilities": {}
            }
        }
    });
    let response = client
        .post(format!("{base}/mcp"))
        .bearer_auth(token)
        .header("accept", "application/json, text/event-stream")
        .header("mcp-protocol-version", "2026-07-28")
        .header("mcp-method", "tools/call")
        .header("mcp-name", tool)
        .json(&body)
        .send()
        .await
        .expect("POST /mcp");
    let status = response.status().as_u16();
    let text = response.text().await.unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(json!(text)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_logout_on_one_instance_is_refused_by_every_other_at_once() {
    let test = "a_logout_on_one_instance_is_refused_by_every_other_at_once";
    let business = Business {
        capacity: 5,
        times: vec!["08:00"],
        customers: 3,
    };
    let Some((setup, redis, key)) = cluster_setup(test, &business).await else {
        return;
    };
    let _turn = SERIAL.lock().await;
    bounded(TEST_LIMIT, async {
        let started = Instant::now();
        let servers = three(&setup, &redis, &[]).await;
        let bases: Vec<&str> = servers.iter().map(|s| s.base.as_str()).collect();
        let client = client();
        // Each instance subscribes to the logouts of the others shortly after it starts.
        tokio::time::sleep(Duration::from_millis(300)).await;
        for (round, logout_on) in [0, 1, 2].into_iter().enumerate() {
            let token = open_session(&client, bases[0], &key, &phone(round)).await;
            // Every instance has just answered with this session: each has it cached.
            for base in &bases {
                let (status, body) =
                    stateless_tool_call(&client, base, &token, "get_members").await;
                assert_eq!(status, 200, "{base}: {body}");
                assert_eq!(body["result"]["isError"], json!(false), "{base}: {body}");
            }
            let logout = client
                .post(format!("{}/mcp/auth/logout", bases[logout_on]))
                .bearer_auth(&token)
                .send()
                .await
                .expect("logout");
            assert_eq!(logout.status().as_u16(), 200);
            // At once, on every instance: well inside the 2 s a cached session is trusted.
            for base in &bases {
                let (status, body) =
                    stateless_tool_call(&client, base, &token, "get_members").await;
                assert_eq!(
                    status, 401,
                    "{base} accepted a token logged out on {}: {body}",
                    bases[logout_on]
                );
            }
        }
        for server in &servers {
            server.assert_no_panic();
        }
        println!(
            "logouts heard across instances: passed in {:?}",
            started.elapsed()
        );
    })
    .await;
}

/// The console's cookie `fd_console` after logging in through `base`.
async fn console_login(base: &str, email: &str, password: &str) -> String {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let page = http
        .get(format!("{base}/console/login"))
        .send()
        .await
        .expect("login page");
    let cookie = |response: &reqwest::Response, name: &str| {
        response
            .headers()
            .get_all(reqwest::header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| v.split(';').next()?.split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
            .expect("the cookie is set")
    };
    let login_cookie = cookie(&page, "fd_console_login");
    let html = page.text().await.expect("html");
    let csrf = html
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("csrf")
        .to_string();
    let answer = http
        .post(format!("{base}/console/login"))
        .header(
            reqwest::header::COOKIE,
            format!("fd_console_login={login_cookie}"),
        )
        .form(&[("email", email), ("password", password), ("csrf", &csrf)])
        .send()
        .await
        .expect("login");
    assert_eq!(answer.status().as_u16(), 303, "logged in through {base}");
    cookie(&answer, "fd_console")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_console_logout_on_one_instance_ends_the_session_on_every_other() {
    let test = "a_console_logout_on_one_instance_ends_the_session_on_every_other";
    let business = Business {
        capacity: 5,
        times: vec!["08:00"],
        customers: 1,
    };
    let Some((setup, redis, _key)) = cluster_setup(test, &business).await else {
        return;
    };
    let _turn = SERIAL.lock().await;
    bounded(TEST_LIMIT, async {
        setup.cli_input(
            &[
                "operator",
                "create",
                "--company",
                SLUG,
                "--email",
                "desk@example.com",
                "--password-stdin",
            ],
            "a long password\n",
        );
        let servers = three(&setup, &redis, &[]).await;
        let bases: Vec<&str> = servers.iter().map(|s| s.base.as_str()).collect();
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let today = async |base: &str, token: &str| {
            http.get(format!("{base}/console"))
                .header(reqwest::header::COOKIE, format!("fd_console={token}"))
                .send()
                .await
                .expect("today")
        };
        for logout_on in 0..3 {
            let token = console_login(
                bases[(logout_on + 1) % 3],
                "desk@example.com",
                "a long password",
            )
            .await;
            for base in &bases {
                assert_eq!(today(base, &token).await.status().as_u16(), 200, "{base}");
            }
            let page = today(bases[logout_on], &token)
                .await
                .text()
                .await
                .expect("html");
            let csrf = page
                .split("name=\"csrf\" value=\"")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .expect("csrf")
                .to_string();
            let out = http
                .post(format!("{}/console/logout", bases[logout_on]))
                .header(reqwest::header::COOKIE, format!("fd_console={token}"))
                .form(&[("csrf", csrf.as_str())])
                .send()
                .await
                .expect("logout");
            assert_eq!(out.status().as_u16(), 303);
            for base in &bases {
                let after = today(base, &token).await;
                assert_eq!(
                    after.status().as_u16(),
                    303,
                    "{base} still let in a session logged out on {}",
                    bases[logout_on]
                );
            }
        }
        for server in &servers {
            server.assert_no_panic();
        }
    })
    .await;
}

/// A revoked key's sessions and a caller's Streamable HTTP session, across instances.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn revoked_keys_and_foreign_mcp_sessions_are_refused_on_every_instance() {
    let test = "revoked_keys_and_foreign_mcp_sessions_are_refused_on_every_instance";
    let business = Business {
        capacity: 5,
        times: vec!["08:00"],
        customers: 3,
    };
    let Some((setup, redis, key)) = cluster_setup(test, &business).await else {
        return;
    };
    let other_key = setup.key("mcp");
    let _turn = SERIAL.lock().await;
    bounded(TEST_LIMIT, async {
        let started = Instant::now();
        let servers = three(&setup, &redis, &[]).await;
        let bases: Vec<&str> = servers.iter().map(|s| s.base.as_str()).collect();
        let client = client();
        tokio::time::sleep(Duration::from_millis(300)).await;
        let owner = open_session(&client, bases[0], &key, &phone(0)).await;
        let intruder = open_session(&client, bases[1], &key, &phone(1)).await;
        let kept = open_session(&client, bases[2], &other_key, &phone(2)).await;

        // A Streamable HTTP session opened on A is the owner's on every instance.
        let init = json!({
            "jsonrpc": "2.0", "id": 0, "method": "initialize",
            "params": {
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "cluster-test", "version": "1"}
            }
        });
        let (status, session, _) = streamable_post(&client, bases[0], &owner, None, &init).await;
        assert_eq!(status, 200);
        let session = session.expect("Mcp-Session-Id");
        let (status, _, _) =
            streamable_post(&client, bases[1], &owner, Some(&session), &initialized()).await;
        assert_eq!(status, 202);
        let call = tool_request(1, "get_members", json!({}));
        for base in &bases {
            let (status, _, _) =
                streamable_post(&client, base, &intruder, Some(&session), &call).await;
            assert_eq!(status, 404, "{base}: another caller's token");
        }
        let (status, _, answer) =
            streamable_post(&client, bases[2], &owner, Some(&session), &call).await;
        assert_eq!(status, 200, "{answer:?}");

        // Every instance has the sessions cached; `frontdesk key revoke` (announcing the
        // ended sessions through Redis) ends them everywhere at once.
        for token in [&owner, &intruder, &kept] {
            for base in &bases {
                let (status, body) = stateless_tool_call(&client, base, token, "get_members").await;
                assert_eq!(status, 200, "{base}: {body}");
            }
        }
        let mut stream = SseStream::open(&client, bases[1], &intruder)
            .await
            .expect("SSE on B");
        let store = frontdesk_store_postgres::PostgresStore::connect(&setup.db.url)
            .await
            .expect("store");
        let engine = frontdesk_engine::Engine::new(Arc::new(store));
        let key_id = engine
            .verify_api_key(&key, frontdesk_domain::ApiKeyKind::Mcp)
            .await
            .expect("the key")
            .id;
        let out = setup.cli_with(
            &["key", "revoke", &key_id.to_string()],
            &[
                ("FRONTDESK_REDIS_URL", redis.url.as_str()),
                ("FRONTDESK_REDIS_PREFIX", redis.prefix.as_str()),
            ],
        );
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(said.contains("2 caller sessions it opened ended"), "{said}");
        // The revoked session's SSE stream ends too (long before its next keep-alive).
        let waited = Instant::now();
        assert!(stream.next_event(Duration::from_secs(5)).await.is_none());
        assert!(
            waited.elapsed() < Duration::from_secs(4),
            "the stream of a revoked key's session stayed open"
        );
        for base in &bases {
            for token in [&owner, &intruder] {
                let (status, body) = stateless_tool_call(&client, base, token, "get_members").await;
                assert_eq!(
                    status, 401,
                    "{base} accepted a revoked key's session: {body}"
                );
            }
            let (status, body) = stateless_tool_call(&client, base, &kept, "get_members").await;
            assert_eq!(status, 200, "{base}: another key's session: {body}");
        }
        for server in &servers {
            server.assert_no_panic();
        }
        println!(
            "revocations and MCP session owners across instances: passed in {:?}",
            started.elapsed()
        );
    })
    .await;
}

// =============================================================================================
// SIGKILL one instance during a booking load

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_instance_killed_mid_load_loses_nothing_and_its_sse_callers_resume_elsewhere() {
    let test = "an_instance_killed_mid_load_loses_nothing_and_its_sse_callers_resume_elsewhere";
    const CALLERS: usize = 18;
    const SSE_CALLERS: usize = 3;
    const CAPACITY: usize = 5;
    const TIMES: [&str; 4] = ["08:00", "09:00", "10:00", "11:00"];
    let business = Business {
        capacity: CAPACITY as u32,
        times: TIMES.to_vec(),
        customers: CALLERS + SSE_CALLERS,
    };
    let Some((setup, redis, key)) = cluster_setup(test, &business).await else {
        return;
    };
    let _turn = SERIAL.lock().await;
    bounded(TEST_LIMIT, async {
        let started = Instant::now();
        let mut servers = three(&setup, &redis, &[]).await;
        let bases: Vec<String> = servers.iter().map(|s| s.base.clone()).collect();
        let (a, b, c) = (bases[0].clone(), bases[1].clone(), bases[2].clone());
        let client = client();
        let date = utc_date_in(2);

        // SSE callers hold their streams on A, and each books one place through B.
        let mut sse = Vec::new();
        for i in 0..SSE_CALLERS {
            let token = open_session(&client, &b, &key, &phone(CALLERS + i)).await;
            let mut stream = SseStream::open(&client, &a, &token).await.expect("SSE on A");
            handshake(&client, &mut stream, &b, &token).await;
            let request = tool_request(
                1,
                "book_session",
                json!({"service": SERVICE, "date": date, "time": TIMES[i % TIMES.len()]}),
            );
            let (status, body) = post_message(&client, &c, &stream.endpoint, &token, &request).await;
            assert_eq!(status, 202, "{body}");
            let answer = stream
                .next_message(Duration::from_secs(10))
                .await
                .expect("the booking's answer");
            let voucher = answer["result"]["structuredContent"]["booking"]["voucher_code"]
                .as_str()
                .unwrap_or_else(|| panic!("a booking: {answer}"))
                .to_string();
            sse.push((token, stream, voucher));
        }

        // Direct-mode callers book every slot, spread over the three instances.
        let mut tokens = Vec::new();
        for caller in 0..CALLERS {
            tokens.push(open_session(&client, &bases[caller % 3], &key, &phone(caller)).await);
        }
        let acks: Arc<std::sync::Mutex<Vec<(usize, i64, String)>>> = Arc::default();
        let cut = Arc::new(AtomicUsize::new(0));
        let mut load = tokio::task::JoinSet::new();
        for (caller, token) in tokens.iter().enumerate() {
            let (client, bases, token, date) =
                (client.clone(), bases.clone(), token.clone(), date.clone());
            let (acks, cut) = (acks.clone(), cut.clone());
            load.spawn(async move {
                for k in 0..TIMES.len() {
                    let time = TIMES[(caller + k) % TIMES.len()];
                    let arguments = json!({
                        "service": SERVICE, "date": date, "time": time,
                        "idempotency_key": format!("load-{caller}-{time}"),
                    });
                    // Each caller sticks to one instance (its load balancer's choice).
                    let base = &bases[caller % 3];
                    match call_tool(&client, base, &token, "book_session", arguments).await {
                        Ok((status, body)) => match booked(status, &body) {
                            Booked::Confirmed { id, voucher } => {
                                acks.lock().expect("acks").push((caller, id, voucher))
                            }
                            Booked::Refused(code) => assert_eq!(code, "SLOT_FULL", "{body}"),
                        },
                        // Cut by the kill: nothing was promised. A real client retries
                        // elsewhere with the same idempotency key.
                        Err(_) => {
                            cut.fetch_add(1, Ordering::SeqCst);
                            let retry = &bases[1 + caller % 2];
                            let arguments = json!({
                                "service": SERVICE, "date": date, "time": time,
                                "idempotency_key": format!("load-{caller}-{time}"),
                            });
                            let (status, body) =
                                call_tool(&client, retry, &token, "book_session", arguments)
                                    .await
                                    .expect("another instance answers");
                            match booked(status, &body) {
                                Booked::Confirmed { id, voucher } => {
                                    acks.lock().expect("acks").push((caller, id, voucher))
                                }
                                Booked::Refused(code) => assert_eq!(code, "SLOT_FULL", "{body}"),
                            }
                        }
                    }
                }
            });
        }
        while acks.lock().expect("acks").len() < 8 {
            assert!(!load.is_empty(), "the load ended before the kill");
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        servers[0].kill9();
        let killed_at = started.elapsed();
        while let Some(done) = load.join_next().await {
            done.expect("a booking task");
        }

        // Nothing acknowledged is lost, no slot is over capacity (seen from B and C).
        let acks = acks.lock().expect("acks").clone();
        let mut per_slot: BTreeMap<String, usize> = BTreeMap::new();
        let mut all_tokens: Vec<&String> = tokens.iter().collect();
        all_tokens.extend(sse.iter().map(|(t, _, _)| t));
        let mut held_by = Vec::new();
        for (i, token) in all_tokens.iter().enumerate() {
            let held = all_bookings(&client, if i % 2 == 0 { &b } else { &c }, token).await;
            for booking in held.iter().filter(|b| {
                b["status"] == json!("confirmed") && b["date"] == json!(date)
            }) {
                *per_slot
                    .entry(booking["time"].as_str().expect("time").to_string())
                    .or_default() += 1;
            }
            held_by.push(held);
        }
        for (caller, id, voucher) in &acks {
            assert!(
                held_by[*caller].iter().any(|b| b["booking_id"] == json!(id)
                    && b["voucher_code"] == json!(voucher)
                    && b["status"] == json!("confirmed")),
                "acknowledged booking {id} of caller {caller} is missing"
            );
        }
        for (time, count) in &per_slot {
            assert!(*count <= CAPACITY, "{time} holds {count}, capacity {CAPACITY}");
        }

        // The SSE callers' streams ended with A; each reconnects to B or C with the same
        // caller session, initialises again, and carries on — its earlier booking included.
        for (i, (token, stream, voucher)) in sse.iter_mut().enumerate() {
            assert!(
                stream.ends_within(Duration::from_secs(5)).await,
                "the stream on the killed instance did not end"
            );
            let (holder, via) = if i % 2 == 0 { (&b, &c) } else { (&c, &b) };
            let mut resumed = SseStream::open(&client, holder, token)
                .await
                .unwrap_or_else(|status| panic!("reconnecting to {holder}: HTTP {status}"));
            handshake(&client, &mut resumed, via, token).await;
            let request = tool_request(2, "get_bookings", json!({}));
            let (status, body) =
                post_message(&client, via, &resumed.endpoint, token, &request).await;
            assert_eq!(status, 202, "{body}");
            let answer = resumed
                .next_message(Duration::from_secs(10))
                .await
                .expect("get_bookings answered on the new stream");
            let bookings = answer["result"]["structuredContent"]["bookings"]
                .as_array()
                .unwrap_or_else(|| panic!("{answer}"));
            assert!(
                bookings.iter().any(|b| b["voucher_code"] == json!(voucher)),
                "{answer}"
            );
        }
        for server in &servers[1..] {
            server.assert_no_panic();
        }
        println!(
            "SIGKILL of one of three: killed after {killed_at:?} with {} acknowledged and {} cut; slots {per_slot:?}; passed in {:?}",
            acks.len(),
            cut.load(Ordering::SeqCst),
            started.elapsed()
        );
    })
    .await;
}

// =============================================================================================
// Redis unreachable, then back

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn redis_outage_falls_back_per_instance_books_correctly_and_recovers() {
    let test = "redis_outage_falls_back_per_instance_books_correctly_and_recovers";
    const CAPACITY: usize = 4;
    const CALLERS: usize = 12;
    let business = Business {
        capacity: CAPACITY as u32,
        times: vec!["08:00", "09:00"],
        customers: CALLERS,
    };
    let Some((setup, redis, key)) = cluster_setup(test, &business).await else {
        return;
    };
    let _turn = SERIAL.lock().await;
    bounded(TEST_LIMIT, async {
        let started = Instant::now();
        let upstream = redis
            .url
            .trim_start_matches("redis://")
            .split('/')
            .next()
            .unwrap_or("127.0.0.1:6379")
            .rsplit('@')
            .next()
            .unwrap_or("127.0.0.1:6379")
            .to_string();
        let proxy = TcpProxy::start(upstream).await;
        let via_proxy = format!("redis://127.0.0.1:{}", proxy.port);
        let env = [
            ("FRONTDESK_RATE_SESSIONS_PER_MINUTE", "3"),
            ("FRONTDESK_TRUST_FORWARDED_FOR", "true"),
        ];
        let (a, b, c) = tokio::join!(
            instance(&setup, &redis, &via_proxy, "a", &env),
            instance(&setup, &redis, &via_proxy, "b", &env),
            instance(&setup, &redis, &via_proxy, "c", &env),
        );
        let servers = [a, b, c];
        let bases: Vec<String> = servers.iter().map(|s| s.base.clone()).collect();
        let client = client();
        let date = utc_date_in(2);
        let session_from = |base: String, ip: String, caller: usize| {
            let (client, key) = (client.clone(), key.clone());
            async move {
                client
                    .post(format!("{base}/mcp/auth/session"))
                    .header("x-api-key", key)
                    .header("x-forwarded-for", ip)
                    .json(&json!({"caller_id": phone(caller)}))
                    .send()
                    .await
                    .expect("open a session")
            }
        };

        // Up: the limit is shared (3 in total).
        let mut statuses = Vec::new();
        for i in 0..4 {
            statuses.push(
                session_from(bases[i % 3].clone(), "198.51.100.1".into(), 0)
                    .await
                    .status(),
            );
        }
        assert_eq!(statuses, [200, 200, 200, 429]);
        let mut tokens = Vec::new();
        for caller in 0..CALLERS {
            let ip = format!("198.51.100.{}", 10 + caller);
            let response = session_from(bases[caller % 3].clone(), ip, caller).await;
            let body: Value = response.json().await.expect("JSON");
            tokens.push(body["session_token"].as_str().expect("token").to_string());
        }
        let mut stream = SseStream::open(&client, &bases[0], &tokens[0])
            .await
            .expect("SSE on A");
        handshake(&client, &mut stream, &bases[1], &tokens[0]).await;

        // Down.
        proxy.down();
        tokio::time::sleep(Duration::from_millis(300)).await;
        // Sessions still open; each instance counts on its own (3 each, not 3 in total).
        let mut statuses = Vec::new();
        for i in 0..6 {
            statuses.push(
                session_from(bases[i % 3].clone(), "198.51.100.2".into(), 0)
                    .await
                    .status(),
            );
        }
        assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
        // Bookings stay right: a slot never goes over capacity (the database decides).
        let mut rush = tokio::task::JoinSet::new();
        for (caller, token) in tokens.iter().enumerate() {
            let (client, base, token, date) = (
                client.clone(),
                bases[caller % 3].clone(),
                token.clone(),
                date.clone(),
            );
            rush.spawn(async move {
                let arguments = json!({"service": SERVICE, "date": date, "time": "08:00"});
                let (status, body) = call_tool(&client, &base, &token, "book_session", arguments)
                    .await
                    .expect("an answer while Redis is down");
                booked(status, &body)
            });
        }
        let mut confirmed = 0;
        while let Some(done) = rush.join_next().await {
            match done.expect("a booking task") {
                Booked::Confirmed { .. } => confirmed += 1,
                Booked::Refused(code) => assert_eq!(code, "SLOT_FULL"),
            }
        }
        assert_eq!(confirmed, CAPACITY);
        // A message for A's stream: on A it is delivered; on B, which can only reach A
        // through Redis, a clear 503 with Retry-After.
        let ping = json!({"jsonrpc": "2.0", "id": 7, "method": "ping"});
        let (status, body) =
            post_message(&client, &bases[0], &stream.endpoint, &tokens[0], &ping).await;
        assert_eq!(status, 202, "{body}");
        let answer = stream
            .next_message(Duration::from_secs(10))
            .await
            .expect("the ping's answer");
        assert_eq!(answer["id"], json!(7));
        let response = client
            .post(format!("{}{}", bases[1], stream.endpoint))
            .bearer_auth(&tokens[0])
            .json(&ping)
            .send()
            .await
            .expect("a post");
        assert_eq!(response.status(), 503);
        assert!(response.headers().contains_key("retry-after"));
        let body: Value = response.json().await.expect("JSON");
        assert_eq!(body["code"], json!("TEMPORARILY_UNAVAILABLE"), "{body}");
        // Health says so, and names the instance.
        let health: Value = client
            .get(format!("{}/api/mcp/health", bases[2]))
            .send()
            .await
            .expect("health")
            .json()
            .await
            .expect("JSON");
        assert_eq!(health["redis"]["status"], json!("unhealthy"), "{health}");
        assert_eq!(health["instance_id"], json!("c"), "{health}");

        // Back: shared state resumes by itself.
        proxy.up();
        let back = Instant::now();
        for base in &bases {
            loop {
                let health: Value = client
                    .get(format!("{base}/api/mcp/health"))
                    .send()
                    .await
                    .expect("health")
                    .json()
                    .await
                    .expect("JSON");
                if health["redis"]["status"] == json!("healthy") {
                    break;
                }
                assert!(back.elapsed() < Duration::from_secs(10), "{health}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        // The instances subscribe again and A registers its stream again on its next
        // refresh: messages through B reach A's stream once more.
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let (status, body) =
                post_message(&client, &bases[1], &stream.endpoint, &tokens[0], &ping).await;
            if status == 202 {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "messages through B never reached A's stream again: {status} {body}"
            );
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        let answer = stream
            .next_message(Duration::from_secs(10))
            .await
            .expect("the ping's answer through B");
        assert_eq!(answer["id"], json!(7));
        let mut statuses = Vec::new();
        for i in 0..4 {
            statuses.push(
                session_from(bases[i % 3].clone(), "198.51.100.3".into(), 0)
                    .await
                    .status(),
            );
        }
        assert_eq!(statuses, [200, 200, 200, 429], "the limit is shared again");
        // Still no slot over capacity, whatever happened.
        let mut in_slot = 0;
        for token in &tokens {
            in_slot += all_bookings(&client, &bases[1], token)
                .await
                .iter()
                .filter(|b| b["status"] == json!("confirmed") && b["time"] == json!("08:00"))
                .count();
        }
        assert_eq!(in_slot, CAPACITY);
        for server in &servers {
            server.assert_no_panic();
            assert!(
                server.log().contains("Redis is unavailable"),
                "the outage was not logged"
            );
        }
        println!(
            "Redis outage: recovered {:?} after it came back; passed in {:?}",
            back.elapsed(),
            started.elapsed()
        );
    })
    .await;
}
