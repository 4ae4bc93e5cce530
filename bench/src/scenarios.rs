//! The scenarios. Each returns rows for the report; latencies are recorded in microseconds
//! in HDR histograms (3 significant digits), throughput counts only the measured window
//! (after a one-second warm-up).

use crate::client::{Http, Session, ToolResult, legacy_tool_call_body, quick_ok, tool_call_body};
use crate::report::{Row, ms};
use crate::server::{CONTENTION_CAPACITY, CONTENTION_SERVICE, Server, phone, rss_bytes};
use crate::sse::SseStream;
use anyhow::{Context, anyhow, bail};
use futures::StreamExt;
use hdrhistogram::Histogram;
use http::{HeaderValue, StatusCode};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub struct Ctx {
    pub http: Http,
    pub api_key: String,
    pub concurrency: usize,
    pub duration: Duration,
    pub warmup: Duration,
    pub customers: usize,
    pub contention_attempts: usize,
    pub streams: usize,
    /// The server processes, when the harness started them (for resident memory).
    pub server_pids: Vec<u32>,
    /// What `startup` needs to start more servers: binary, work dir, database.
    pub managed: Option<(PathBuf, PathBuf, String)>,
    /// What `console` needs to add an operator with the binary: binary, work dir, database
    /// (the started servers', or the database given with `--url`).
    pub admin: Option<(PathBuf, PathBuf, String)>,
    /// Environment of the started servers (Redis, when shared).
    pub server_env: Vec<(String, String)>,
}

impl Ctx {
    /// Resident memory of every started server together; `None` when not visible.
    fn servers_rss(&self) -> Option<u64> {
        if self.server_pids.is_empty() {
            return None;
        }
        self.server_pids.iter().map(|&pid| rss_bytes(pid)).sum()
    }
}

fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 120_000_000, 3)
        .unwrap_or_else(|_| Histogram::new(3).unwrap_or_else(|_| unreachable!()))
}

/// Opens `n` caller sessions for customers `first..first+n`, `parallel` at a time.
pub async fn sessions(
    ctx: &Ctx,
    first: usize,
    n: usize,
    parallel: usize,
) -> anyhow::Result<Vec<Session>> {
    let results: Vec<anyhow::Result<Session>> = futures::stream::iter(first..first + n)
        .map(|i| {
            let http = ctx.http.clone();
            let key = ctx.api_key.clone();
            let customers = ctx.customers;
            async move { http.open_session(&key, &phone(i % customers)).await }
        })
        .buffered(parallel.max(1))
        .collect()
        .await;
    results.into_iter().collect()
}

struct Window {
    measure_from: Instant,
    end: Instant,
}

impl Window {
    fn new(ctx: &Ctx) -> Window {
        let now = Instant::now();
        Window {
            measure_from: now + ctx.warmup,
            end: now + ctx.warmup + ctx.duration,
        }
    }
}

#[derive(Default)]
struct Tally {
    hist: Option<Histogram<u64>>,
    count: u64,
    errors: u64,
    first_error: Option<String>,
}

impl Tally {
    fn record(&mut self, started: Instant, window: &Window, ok: Result<(), String>) {
        if started < window.measure_from {
            return;
        }
        let us = started.elapsed().as_micros() as u64;
        let _ = self.hist.get_or_insert_with(histogram).record(us.max(1));
        self.count += 1;
        if let Err(e) = ok {
            self.errors += 1;
            self.first_error.get_or_insert(e);
        }
    }

    fn merge(&mut self, other: Tally) {
        if let Some(h) = other.hist {
            let _ = self.hist.get_or_insert_with(histogram).add(&h);
        }
        self.count += other.count;
        self.errors += other.errors;
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
    }

    fn rows(
        &self,
        scenario: &str,
        what: &str,
        window: Duration,
        p99_target: Option<f64>,
        rps_target: Option<f64>,
    ) -> Vec<Row> {
        let rps = self.count as f64 / window.as_secs_f64();
        let h = self.hist.clone().unwrap_or_else(histogram);
        let q = |p: f64| h.value_at_quantile(p) as f64 / 1000.0;
        let mut rows = vec![
            Row::num(scenario, &format!("{what} calls/s"), rps, "/s").target_min(rps_target),
            Row::num(scenario, &format!("{what} p50"), q(0.50), "ms"),
            Row::num(scenario, &format!("{what} p95"), q(0.95), "ms"),
            Row::num(scenario, &format!("{what} p99"), q(0.99), "ms").target_max(p99_target),
            Row::num(
                scenario,
                &format!("{what} max"),
                h.max() as f64 / 1000.0,
                "ms",
            ),
            Row::num(scenario, &format!("{what} errors"), self.errors as f64, "")
                .target_max(Some(0.0)),
        ];
        if let Some(e) = &self.first_error {
            rows.push(Row::text(scenario, &format!("{what} first error"), e));
        }
        rows
    }
}

/// `tools`: `get_availability` for tomorrow over Streamable HTTP, then over legacy SSE.
pub async fn tools(ctx: &Ctx) -> anyhow::Result<Vec<Row>> {
    let mut rows = Vec::new();
    let body = tool_call_body(1, "get_availability", json!({ "date": "tomorrow" }));

    // Streamable HTTP (stateless 2026-07-28: no handshake, every request stands alone).
    let sessions = sessions(ctx, 0, ctx.concurrency, 50).await?;
    let probe = ctx.http.tool(&sessions[0], body.clone()).await?;
    if probe.is_error {
        bail!("get_availability refused: {}", probe.structured);
    }
    let slots = probe.structured["slots"].as_array().map_or(0, Vec::len);
    rows.push(Row::num("tools", "slots per answer", slots as f64, ""));
    let window = Arc::new(Window::new(ctx));
    let tasks: Vec<_> = sessions
        .into_iter()
        .map(|session| {
            let http = ctx.http.clone();
            let body = body.clone();
            let window = window.clone();
            tokio::spawn(async move {
                let mut tally = Tally::default();
                while Instant::now() < window.end {
                    let started = Instant::now();
                    let outcome = match http.call(http.mcp_request(&session, &body)).await {
                        Ok(a) if a.status == 200 && quick_ok(&a.body) => Ok(()),
                        Ok(a) => Err(format!(
                            "{} {}",
                            a.status,
                            String::from_utf8_lossy(&a.body)
                                .chars()
                                .take(200)
                                .collect::<String>()
                        )),
                        Err(e) => Err(e.to_string()),
                    };
                    tally.record(started, &window, outcome);
                }
                tally
            })
        })
        .collect();
    let mut total = Tally::default();
    for t in tasks {
        total.merge(t.await?);
    }
    rows.extend(total.rows(
        "tools",
        "streamable",
        ctx.duration,
        Some(10.0),
        Some(5000.0),
    ));

    // Legacy SSE: one stream per caller session, answers read off the stream.
    let sessions = sessions_for_streams(ctx, ctx.concurrency).await?;
    let legacy = legacy_tool_call_body(1, "get_availability", json!({ "date": "tomorrow" }));
    let mut streams = Vec::new();
    for session in &sessions {
        let mut stream = SseStream::open(&ctx.http, session).await?;
        stream.initialize(&ctx.http, session).await?;
        streams.push(stream);
    }
    let window = Arc::new(Window::new(ctx));
    let tasks: Vec<_> = sessions
        .into_iter()
        .zip(streams)
        .map(|(session, mut stream)| {
            let http = ctx.http.clone();
            let body = legacy.clone();
            let window = window.clone();
            tokio::spawn(async move {
                let mut tally = Tally::default();
                while Instant::now() < window.end {
                    let started = Instant::now();
                    let outcome = async {
                        stream.post(&http, &session, body.clone()).await?;
                        let answer = stream.next_message().await?;
                        if quick_ok(answer.as_bytes()) {
                            Ok(())
                        } else {
                            Err(anyhow!("{}", answer.chars().take(200).collect::<String>()))
                        }
                    }
                    .await
                    .map_err(|e| e.to_string());
                    let broken = outcome.is_err();
                    tally.record(started, &window, outcome);
                    if broken {
                        break;
                    }
                }
                tally
            })
        })
        .collect();
    let mut total = Tally::default();
    for t in tasks {
        total.merge(t.await?);
    }
    rows.extend(total.rows("tools", "legacy SSE", ctx.duration, None, None));
    Ok(rows)
}

/// Sessions for SSE streams: of customers, round robin (a customer may have many sessions).
async fn sessions_for_streams(ctx: &Ctx, n: usize) -> anyhow::Result<Vec<Session>> {
    sessions(ctx, 0, n, 50).await
}

const STEPS: [&str; 7] = [
    "session",
    "get_business_info",
    "get_availability",
    "book_session",
    "get_bookings",
    "cancel_booking",
    "logout",
];

/// `call-mix`: whole voice calls, one after another on each of `concurrency` lines.
pub async fn call_mix(ctx: &Ctx) -> anyhow::Result<Vec<Row>> {
    let window = Arc::new(Window::new(ctx));
    let tasks: Vec<_> = (0..ctx.concurrency)
        .map(|line| {
            let http = ctx.http.clone();
            let key = ctx.api_key.clone();
            let window = window.clone();
            let phone = phone(line % ctx.customers);
            tokio::spawn(async move {
                let mut tallies: Vec<Tally> = STEPS.iter().map(|_| Tally::default()).collect();
                let mut calls = 0u64;
                let mut failed_calls = 0u64;
                let mut n = 0u64;
                while Instant::now() < window.end {
                    n += 1;
                    let call_started = Instant::now();
                    let ok = one_call(&http, &key, &phone, line, n, &window, &mut tallies).await;
                    if call_started >= window.measure_from {
                        calls += 1;
                        if ok.is_err() {
                            failed_calls += 1;
                        }
                    }
                }
                (tallies, calls, failed_calls)
            })
        })
        .collect();
    let mut tallies: Vec<Tally> = STEPS.iter().map(|_| Tally::default()).collect();
    let (mut calls, mut failed) = (0, 0);
    for t in tasks {
        let (ts, c, f) = t.await?;
        for (total, t) in tallies.iter_mut().zip(ts) {
            total.merge(t);
        }
        calls += c;
        failed += f;
    }
    let mut rows = vec![
        Row::num(
            "call-mix",
            "calls/s",
            calls as f64 / ctx.duration.as_secs_f64(),
            "/s",
        ),
        Row::num("call-mix", "failed calls", failed as f64, "").target_max(Some(0.0)),
    ];
    for (step, tally) in STEPS.iter().zip(&tallies) {
        let h = tally.hist.clone().unwrap_or_else(histogram);
        rows.push(
            Row::text(
                "call-mix",
                step,
                &format!(
                    "p50 {} p95 {} p99 {} max {} ms, {} errors",
                    ms(h.value_at_quantile(0.5)),
                    ms(h.value_at_quantile(0.95)),
                    ms(h.value_at_quantile(0.99)),
                    ms(h.max()),
                    tally.errors
                ),
            )
            .with_json(json!({
                "p50_ms": h.value_at_quantile(0.5) as f64 / 1000.0,
                "p95_ms": h.value_at_quantile(0.95) as f64 / 1000.0,
                "p99_ms": h.value_at_quantile(0.99) as f64 / 1000.0,
                "max_ms": h.max() as f64 / 1000.0,
                "count": tally.count,
                "errors": tally.errors,
                "first_error": tally.first_error,
            })),
        );
    }
    Ok(rows)
}

async fn one_call(
    http: &Http,
    key: &str,
    phone: &str,
    line: usize,
    n: u64,
    window: &Window,
    tallies: &mut [Tally],
) -> anyhow::Result<()> {
    async fn step<T>(
        tally: &mut Tally,
        window: &Window,
        f: impl std::future::Future<Output = anyhow::Result<T>>,
    ) -> anyhow::Result<T> {
        let started = Instant::now();
        let out = f.await;
        tally.record(
            started,
            window,
            out.as_ref().map(|_| ()).map_err(|e| e.to_string()),
        );
        out
    }
    let tool = |result: anyhow::Result<ToolResult>| -> anyhow::Result<Value> {
        let r = result?;
        if r.is_error {
            bail!("tool error {}: {}", r.code(), r.structured);
        }
        Ok(r.structured)
    };
    let session = step(&mut tallies[0], window, http.open_session(key, phone)).await?;
    let member = *session
        .member_ids
        .first()
        .context("the caller has no member")?;
    step(&mut tallies[1], window, async {
        tool(
            http.tool(&session, tool_call_body(1, "get_business_info", json!({})))
                .await,
        )
    })
    .await?;
    let availability = step(&mut tallies[2], window, async {
        tool(
            http.tool(
                &session,
                tool_call_body(2, "get_availability", json!({"date": "tomorrow"})),
            )
            .await,
        )
    })
    .await?;
    // Not the contention service's slot: a member who once cancelled a slot is not offered
    // it from the waitlist, so `contention`'s line (run after this in `all`) must not hold
    // callers that booked and cancelled it here.
    let slots: Vec<Value> = availability["slots"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|s| s["service_code"] != CONTENTION_SERVICE)
        .cloned()
        .collect();
    let slot = slots
        .get((line + n as usize) % slots.len().max(1))
        .context("no free slot tomorrow")?;
    let booked = step(&mut tallies[3], window, async {
        tool(
            http.tool(
                &session,
                tool_call_body(
                    3,
                    "book_session",
                    json!({
                        "member_id": member,
                        "service": slot["service_code"],
                        "date": slot["date"],
                        "time": slot["time"],
                        "idempotency_key": format!("mix-{}-{line}-{n}", std::process::id()),
                    }),
                ),
            )
            .await,
        )
    })
    .await?;
    let booking_id = booked["booking"]["booking_id"]
        .as_i64()
        .context("no booking id")?;
    step(&mut tallies[4], window, async {
        tool(
            http.tool(
                &session,
                tool_call_body(4, "get_bookings", json!({"member_id": member})),
            )
            .await,
        )
    })
    .await?;
    step(&mut tallies[5], window, async {
        tool(
            http.tool(
                &session,
                tool_call_body(
                    5,
                    "cancel_booking",
                    json!({"booking_id": booking_id, "reason": "bench"}),
                ),
            )
            .await,
        )
    })
    .await?;
    step(&mut tallies[6], window, http.logout(&session)).await
}

/// The 24 group places of a day (service, time) in the bench business: six services, four
/// sessions each.
fn group_places() -> Vec<(String, &'static str)> {
    let times = [
        ["07:00", "11:00", "15:00", "19:00"],
        ["08:00", "12:00", "16:00", "20:00"],
        ["09:00", "13:00", "17:00", "21:00"],
    ];
    let mut places = Vec::new();
    for (i, level) in ["beginner", "intermediate", "advanced"].iter().enumerate() {
        for side in ["left", "right"] {
            for time in times[i] {
                places.push((format!("{level}-{side}"), time));
            }
        }
    }
    places
}

/// A counter summed over every instance's `/metrics` (`None` when no instance exports it).
async fn metric_total(http: &Http, name: &str) -> Option<f64> {
    let mut total = None;
    for _ in 0..http.instances() {
        let answer = http.get("/metrics").await.ok()?;
        let text = String::from_utf8_lossy(&answer.body);
        for line in text.lines() {
            if let Some(v) = line
                .strip_prefix(name)
                .and_then(|rest| rest.trim().parse::<f64>().ok())
            {
                *total.get_or_insert(0.0) += v;
            }
        }
    }
    total
}

/// `bookings`: `concurrency` lines book places back to back, nothing else: each line its own
/// customer, every booking a different place (a day of the year's window and a session of
/// it), none ever full. Reports bookings per second and latency, and on SQLite the writes
/// each durable commit carried (the store's group-commit counters in `/metrics`; one commit
/// is one `fsync` of the WAL at `synchronous=FULL`).
pub async fn bookings(ctx: &Ctx) -> anyhow::Result<Vec<Row>> {
    const WRITES: &str = "frontdesk_sqlite_group_writes_total";
    const COMMITS: &str = "frontdesk_sqlite_group_commits_total";
    let sessions = sessions(ctx, 0, ctx.concurrency, 50).await?;
    let places = Arc::new(group_places());
    let today = jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::get("America/Sao_Paulo")?)
        .date();
    let window = Arc::new(Window::new(ctx));
    let mut counters_before = None;
    let tasks: Vec<_> = sessions
        .into_iter()
        .enumerate()
        .map(|(line, session)| {
            let http = ctx.http.clone();
            let window = window.clone();
            let places = places.clone();
            tokio::spawn(async move {
                let mut tally = Tally::default();
                let member = session.member_ids.first().copied();
                let mut n = 0usize;
                while Instant::now() < window.end {
                    // Day 1..=364 first, then the next session of the day: 8,736 places a line.
                    let day = today.saturating_add(jiff::Span::new().days(1 + (n % 364) as i64));
                    let (service, time) = &places[(line + n / 364) % places.len()];
                    n += 1;
                    let body = tool_call_body(
                        n as u64,
                        "book_session",
                        json!({
                            "member_id": member,
                            "service": service,
                            "date": day.to_string(),
                            "time": time,
                        }),
                    );
                    let started = Instant::now();
                    let ok = match http.tool(&session, body).await {
                        Ok(r) if !r.is_error => Ok(()),
                        Ok(r) => Err(format!("tool error {}: {}", r.code(), r.structured)),
                        Err(e) => Err(e.to_string()),
                    };
                    tally.record(started, &window, ok);
                }
                tally
            })
        })
        .collect();
    tokio::time::sleep_until(window.measure_from.into()).await;
    if let (Some(w), Some(c)) = (
        metric_total(&ctx.http, WRITES).await,
        metric_total(&ctx.http, COMMITS).await,
    ) {
        counters_before = Some((w, c));
    }
    let mut tally = Tally::default();
    for t in tasks {
        tally.merge(t.await?);
    }
    let mut rows = tally.rows("bookings", "book_session", ctx.duration, Some(25.0), None);
    if let (Some((w0, c0)), Some(w1), Some(c1)) = (
        counters_before,
        metric_total(&ctx.http, WRITES).await,
        metric_total(&ctx.http, COMMITS).await,
    ) && c1 > c0
    {
        rows.push(Row::num(
            "bookings",
            "writes per commit (fsync)",
            (w1 - w0) / (c1 - c0),
            "",
        ));
        rows.push(Row::num(
            "bookings",
            "commits/s",
            (c1 - c0) / ctx.duration.as_secs_f64(),
            "/s",
        ));
    }
    Ok(rows)
}

/// `contention`: `attempts` callers book the same slot of capacity 10 at once.
pub async fn contention(ctx: &Ctx) -> anyhow::Result<Vec<Row>> {
    let attempts = ctx.contention_attempts.min(ctx.customers);
    let sessions = sessions(ctx, 0, attempts, 50).await?;
    // The first day whose contention slot nobody has booked yet.
    let info = ctx
        .http
        .tool(
            &sessions[0],
            tool_call_body(1, "get_business_info", json!({})),
        )
        .await?;
    let today: jiff::civil::Date = info.structured["now"]["date"]
        .as_str()
        .context("no date in get_business_info")?
        .parse()?;
    let mut slot = None;
    let mut from = today.tomorrow()?;
    for _ in 0..12 {
        let to = from.checked_add(jiff::Span::new().days(30))?;
        let answer = ctx
            .http
            .tool(
                &sessions[0],
                tool_call_body(2, "get_availability", json!({"service": CONTENTION_SERVICE, "date_from": from.to_string(), "date_to": to.to_string()})),
            )
            .await?;
        slot = answer.structured["slots"]
            .as_array()
            .and_then(|s| {
                s.iter()
                    .find(|s| s["remaining"].as_i64() == Some(CONTENTION_CAPACITY))
            })
            .cloned();
        if slot.is_some() {
            break;
        }
        from = to.tomorrow()?;
    }
    let slot = slot.context("no untouched contention slot within the booking window")?;
    let (date, time) = (slot["date"].clone(), slot["time"].clone());

    // Warm the connection pool so the burst measures booking, not TCP handshakes.
    let warm: Vec<_> = (0..attempts)
        .map(|_| {
            let http = ctx.http.clone();
            tokio::spawn(async move { http.get("/healthz").await.map(|_| ()) })
        })
        .collect();
    for w in warm {
        w.await??;
    }

    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    let go = Arc::new(tokio::sync::Barrier::new(attempts + 1));
    let tasks: Vec<_> = sessions
        .iter()
        .enumerate()
        .map(|(i, session)| {
            let http = ctx.http.clone();
            let session = session.clone();
            let go = go.clone();
            let body = tool_call_body(
                1,
                "book_session",
                json!({
                    "member_id": session.member_ids.first(),
                    "service": CONTENTION_SERVICE,
                    "date": date,
                    "time": time,
                    "idempotency_key": format!("contention-{stamp}-{i}"),
                }),
            );
            tokio::spawn(async move {
                go.wait().await;
                let r = http.tool(&session, body).await;
                (r, Instant::now())
            })
        })
        .collect();
    go.wait().await;
    let started = Instant::now();
    let (mut booked, mut full, mut other) = (0u64, 0u64, 0u64);
    let mut other_example = None;
    let mut last = started;
    // Which callers got a place (their booking), and which were refused.
    let mut holders: Vec<(usize, Value)> = Vec::new();
    let mut refused: Vec<usize> = Vec::new();
    for (i, t) in tasks.into_iter().enumerate() {
        let (r, at) = t.await?;
        last = last.max(at);
        match r {
            Ok(r) if !r.is_error => {
                booked += 1;
                holders.push((i, r.structured["booking"]["booking_id"].clone()));
            }
            Ok(r) if r.code() == "SLOT_FULL" => {
                full += 1;
                refused.push(i);
            }
            Ok(r) => {
                other += 1;
                other_example.get_or_insert(format!("{}: {}", r.code(), r.structured));
            }
            Err(e) => {
                other += 1;
                other_example.get_or_insert(e.to_string());
            }
        }
    }
    let settled = last - started;

    // What the server holds: every caller's upcoming bookings at that slot.
    let held: Vec<anyhow::Result<usize>> = futures::stream::iter(sessions.iter())
        .map(|session| {
            let http = ctx.http.clone();
            let (date, time) = (date.clone(), time.clone());
            async move {
                let r = http
                    .tool(
                        session,
                        tool_call_body(9, "get_bookings", json!({"status": "upcoming"})),
                    )
                    .await?;
                Ok(r.structured["bookings"]
                    .as_array()
                    .map(|b| {
                        b.iter()
                            .filter(|b| {
                                b["service_code"] == CONTENTION_SERVICE
                                    && b["date"] == date
                                    && b["time"] == time
                                    && b["status"] == "confirmed"
                            })
                            .count()
                    })
                    .unwrap_or(0))
            }
        })
        .buffer_unordered(50)
        .collect()
        .await;
    let mut confirmed = 0usize;
    for h in held {
        confirmed += h?;
    }
    let overbooked = confirmed.saturating_sub(CONTENTION_CAPACITY as usize);

    let mut rows = vec![
        Row::text(
            "contention",
            "slot",
            &format!(
                "{} {} (capacity {CONTENTION_CAPACITY})",
                date.as_str().unwrap_or("?"),
                time.as_str().unwrap_or("?")
            ),
        ),
        Row::num("contention", "attempts", attempts as f64, ""),
        Row::num("contention", "booked", booked as f64, "").target_eq(CONTENTION_CAPACITY as f64),
        Row::num("contention", "refused SLOT_FULL", full as f64, "")
            .target_eq((attempts as i64 - CONTENTION_CAPACITY) as f64),
        Row::num("contention", "other answers", other as f64, "").target_max(Some(0.0)),
        Row::num(
            "contention",
            "settled in",
            settled.as_secs_f64() * 1000.0,
            "ms",
        )
        .target_max(Some(2000.0)),
        Row::num(
            "contention",
            "confirmed at the slot (server)",
            confirmed as f64,
            "",
        )
        .target_eq(CONTENTION_CAPACITY as f64),
        Row::num("contention", "overbooking", overbooked as f64, "").target_max(Some(0.0)),
    ];
    if let Some(e) = other_example {
        rows.push(Row::text(
            "contention",
            "other answer example",
            &e.chars().take(300).collect::<String>(),
        ));
    }
    rows.extend(waitlist_storm(ctx, &sessions, &date, &time, holders, refused).await?);
    Ok(rows)
}

/// Rounds of cancellation storms at the contended slot.
const STORM_ROUNDS: usize = 5;

/// The waitlist under a cancel storm: every caller refused at the contended slot joins its
/// waitlist (auto-book); then, `STORM_ROUNDS` times, everyone holding a place there cancels at
/// once. Each freed place must go to exactly one entry, in the order the entries joined; the
/// time to settle is from the storm's start to its last answer (the places are given in the
/// cancellations' own transactions).
async fn waitlist_storm(
    ctx: &Ctx,
    sessions: &[Session],
    date: &Value,
    time: &Value,
    mut holders: Vec<(usize, Value)>,
    refused: Vec<usize>,
) -> anyhow::Result<Vec<Row>> {
    let scenario = "contention waitlist";
    let joined = Instant::now();
    let answers: Vec<(usize, anyhow::Result<ToolResult>)> = futures::stream::iter(refused)
        .map(|i| {
            let http = ctx.http.clone();
            let session = sessions[i].clone();
            let body = tool_call_body(
                3,
                "join_waitlist",
                json!({"service": CONTENTION_SERVICE, "date": date, "time_from": time, "time_to": time}),
            );
            async move { (i, http.tool(&session, body).await) }
        })
        .buffer_unordered(50)
        .collect()
        .await;
    let join_time = joined.elapsed();
    // The line: callers by entry id, which is the order of joining.
    let mut line: Vec<(i64, usize)> = Vec::new();
    for (i, answer) in answers {
        let answer = answer.with_context(|| format!("join_waitlist of caller {i}"))?;
        if answer.is_error {
            bail!("join_waitlist of caller {i} refused: {}", answer.structured);
        }
        let id = answer.structured["entry"]["entry_id"]
            .as_i64()
            .context("no entry_id")?;
        line.push((id, i));
    }
    line.sort_unstable();
    let entries = line.len();

    let mut rows = vec![Row::num(scenario, "waitlist entries", entries as f64, "")];
    rows.push(Row::num(
        scenario,
        "joins per second",
        entries as f64 / join_time.as_secs_f64().max(1e-9),
        "/s",
    ));
    let mut settle = histogram();
    let mut given = 0usize;
    let mut failures = 0u64;
    let mut next_in_line = 0usize;
    for _ in 0..STORM_ROUNDS {
        if holders.is_empty() || next_in_line >= line.len() {
            break;
        }
        let go = Arc::new(tokio::sync::Barrier::new(holders.len() + 1));
        let tasks: Vec<_> = holders
            .iter()
            .map(|(i, booking_id)| {
                let http = ctx.http.clone();
                let session = sessions[*i].clone();
                let go = go.clone();
                let body = tool_call_body(
                    4,
                    "cancel_booking",
                    json!({"booking_id": booking_id, "reason": "bench storm"}),
                );
                tokio::spawn(async move {
                    go.wait().await;
                    let r = http.tool(&session, body).await;
                    (r, Instant::now())
                })
            })
            .collect();
        go.wait().await;
        let started = Instant::now();
        let mut last = started;
        for t in tasks {
            let (r, at) = t.await?;
            last = last.max(at);
            if !matches!(r, Ok(ref r) if !r.is_error) {
                failures += 1;
            }
        }
        let _ = settle.record((last - started).as_micros().max(1) as u64);

        // The next holders: whoever of the line now has the place, asked of the server.
        let freed = holders.len();
        let candidates = &line[next_in_line..line.len().min(next_in_line + freed * 2)];
        let mut now_holding = Vec::new();
        for &(_, i) in candidates {
            let r = ctx
                .http
                .tool(
                    &sessions[i],
                    tool_call_body(9, "get_bookings", json!({"status": "upcoming"})),
                )
                .await?;
            if let Some(b) = r.structured["bookings"].as_array().and_then(|b| {
                b.iter().find(|b| {
                    b["service_code"] == CONTENTION_SERVICE
                        && &b["date"] == date
                        && &b["time"] == time
                        && b["status"] == "confirmed"
                })
            }) {
                now_holding.push((i, b["booking_id"].clone()));
            }
        }
        let expected: Vec<usize> = line[next_in_line..line.len().min(next_in_line + freed)]
            .iter()
            .map(|&(_, i)| i)
            .collect();
        let got: Vec<usize> = now_holding.iter().map(|(i, _)| *i).collect();
        if got != expected {
            bail!("the freed places went to callers {got:?}, the first in line were {expected:?}");
        }
        given += now_holding.len();
        next_in_line += freed;
        holders = now_holding;
    }
    rows.push(
        Row::num(
            scenario,
            "places freed and given, in line order",
            given as f64,
            "",
        )
        .target_eq((STORM_ROUNDS * CONTENTION_CAPACITY as usize).min(entries) as f64),
    );
    rows.push(Row::num(scenario, "cancel failures", failures as f64, "").target_max(Some(0.0)));
    rows.push(Row::num(
        scenario,
        "storm settled in p50",
        settle.value_at_quantile(0.5) as f64 / 1000.0,
        "ms",
    ));
    rows.push(Row::num(
        scenario,
        "storm settled in max",
        settle.max() as f64 / 1000.0,
        "ms",
    ));
    Ok(rows)
}

/// `sse-streams`: open many legacy SSE streams (each initialised, as an agent would) and see
/// what they cost the server.
pub async fn sse_streams(ctx: &Ctx) -> anyhow::Result<Vec<Row>> {
    let n = ctx.streams;
    let sessions = sessions_for_streams(ctx, n).await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = ctx.servers_rss();
    let started = Instant::now();
    let opened: Vec<anyhow::Result<SseStream>> = futures::stream::iter(sessions.iter())
        .map(|session| {
            let http = ctx.http.clone();
            async move {
                let mut stream = SseStream::open(&http, session).await?;
                stream.initialize(&http, session).await?;
                Ok(stream)
            }
        })
        .buffer_unordered(100)
        .collect()
        .await;
    let open_time = started.elapsed();
    let mut streams = Vec::new();
    let mut failures = 0;
    let mut first_failure = None;
    for s in opened {
        match s {
            Ok(s) => streams.push(s),
            Err(e) => {
                failures += 1;
                first_failure.get_or_insert(e.to_string());
            }
        }
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let after = ctx.servers_rss();
    let open = streams.len();
    let mut rows = vec![
        Row::num("sse-streams", "streams open", open as f64, "").target_eq(n as f64),
        Row::num("sse-streams", "failed to open", failures as f64, "").target_max(Some(0.0)),
        Row::num(
            "sse-streams",
            "time to open all",
            open_time.as_secs_f64() * 1000.0,
            "ms",
        ),
    ];
    if let Some(e) = first_failure {
        rows.push(Row::text("sse-streams", "first failure", &e));
    }
    match (before, after) {
        (Some(b), Some(a)) => {
            let per = a.saturating_sub(b) as f64 / open.max(1) as f64;
            rows.push(Row::num(
                "sse-streams",
                "server RSS before",
                b as f64 / 1048576.0,
                "MiB",
            ));
            rows.push(Row::num(
                "sse-streams",
                "server RSS with streams",
                a as f64 / 1048576.0,
                "MiB",
            ));
            rows.push(
                Row::num("sse-streams", "per stream", per / 1024.0, "KiB").target_max(Some(50.0)),
            );
        }
        _ => rows.push(Row::text(
            "sse-streams",
            "server RSS",
            "not measured (server process not visible)",
        )),
    }
    drop(streams);
    tokio::time::sleep(Duration::from_millis(500)).await;
    if let Some(a) = ctx.servers_rss() {
        rows.push(Row::num(
            "sse-streams",
            "server RSS after closing",
            a as f64 / 1048576.0,
            "MiB",
        ));
    }
    Ok(rows)
}

/// `startup`: start more frontdesk processes on the same database and time them to `/readyz`.
pub async fn startup(ctx: &Ctx) -> anyhow::Result<Vec<Row>> {
    let Some((bin, dir, database)) = &ctx.managed else {
        return Ok(vec![Row::text(
            "startup",
            "skipped",
            "needs a server the harness starts (not --url)",
        )]);
    };
    let mut times = Vec::new();
    let mut idle = Vec::new();
    for i in 0..5 {
        let log = format!("startup-{i}.log");
        let server = Server::start(bin, dir, database, &log, &ctx.server_env).await?;
        times.push(server.ready_after);
        tokio::time::sleep(Duration::from_secs(1)).await;
        idle.push(rss_bytes(server.pid).unwrap_or(0));
        server.stop().await;
    }
    times.sort();
    idle.sort();
    let median = times[times.len() / 2];
    let idle_median = idle[idle.len() / 2];
    let mut rows = vec![
        Row::num(
            "startup",
            "ready (median of 5)",
            median.as_secs_f64() * 1000.0,
            "ms",
        )
        .target_max(Some(200.0)),
        Row::num(
            "startup",
            "ready (slowest of 5)",
            times[times.len() - 1].as_secs_f64() * 1000.0,
            "ms",
        ),
        Row::num("startup", "idle RSS", idle_median as f64 / 1048576.0, "MiB")
            .target_max(Some(30.0)),
    ];
    if database.starts_with("sqlite://") {
        // A first start creates the file and applies every migration.
        let fresh = format!("sqlite://{}", dir.join("fresh-start.db").display());
        let server = Server::start(bin, dir, &fresh, "startup-fresh.log", &ctx.server_env).await?;
        rows.push(Row::num(
            "startup",
            "ready on a new SQLite file (migrations included)",
            server.ready_after.as_secs_f64() * 1000.0,
            "ms",
        ));
        server.stop().await;
    }
    if let Some(rss) = ctx.servers_rss() {
        rows.push(Row::num(
            "startup",
            "RSS of the loaded server(s) now",
            rss as f64 / 1048576.0,
            "MiB",
        ));
    }
    Ok(rows)
}

/// Bookings `console` puts on one day of the bench business (one caller each).
const CONSOLE_BOOKINGS: usize = 200;

/// What a desk sees of one page asked for again and again, one request at a time.
struct DeskTimes {
    ttfb: Histogram<u64>,
    last_byte: Histogram<u64>,
    count: u64,
    errors: u64,
    first_error: Option<String>,
    /// The server's own mean time per request (routing to the response's head), from its
    /// `/metrics`; `None` when it exports none.
    server_mean_ms: Option<f64>,
}

impl DeskTimes {
    fn rows(&self, scenario: &str, what: &str, window: Duration) -> Vec<Row> {
        let q = |h: &Histogram<u64>, p: f64| h.value_at_quantile(p) as f64 / 1000.0;
        let mut rows = vec![
            Row::num(
                scenario,
                &format!("{what} TTFB p50"),
                q(&self.ttfb, 0.5),
                "ms",
            ),
            Row::num(
                scenario,
                &format!("{what} TTFB p99"),
                q(&self.ttfb, 0.99),
                "ms",
            ),
            Row::num(
                scenario,
                &format!("{what} TTFB max"),
                self.ttfb.max() as f64 / 1000.0,
                "ms",
            ),
            Row::num(
                scenario,
                &format!("{what} last byte p50"),
                q(&self.last_byte, 0.5),
                "ms",
            ),
            Row::num(
                scenario,
                &format!("{what} last byte p99"),
                q(&self.last_byte, 0.99),
                "ms",
            ),
            Row::num(
                scenario,
                &format!("{what} one at a time"),
                self.count as f64 / window.as_secs_f64(),
                "/s",
            ),
            Row::num(scenario, &format!("{what} errors"), self.errors as f64, "")
                .target_max(Some(0.0)),
        ];
        if let Some(server) = self.server_mean_ms {
            rows.push(Row::num(
                scenario,
                &format!("{what} server time mean (/metrics)"),
                server,
                "ms",
            ));
        }
        if let Some(e) = &self.first_error {
            rows.push(Row::text(scenario, &format!("{what} first error"), e));
        }
        rows
    }
}

/// The sum (seconds) and count of the servers' request durations for the console's surface
/// (`other` in `/metrics`), over every instance; `None` when not exported.
async fn console_server_time(http: &Http) -> Option<(f64, f64)> {
    let (mut sum, mut count, mut found) = (0.0, 0.0, false);
    for _ in 0..http.instances() {
        let answer = http.get("/metrics").await.ok()?;
        let text = String::from_utf8_lossy(&answer.body);
        for line in text.lines() {
            let value = |name: &str| {
                line.strip_prefix(name)?
                    .strip_prefix("{surface=\"other\"} ")?
                    .trim()
                    .parse::<f64>()
                    .ok()
            };
            if let Some(v) = value("frontdesk_http_request_duration_seconds_sum") {
                sum += v;
                found = true;
            }
            if let Some(v) = value("frontdesk_http_request_duration_seconds_count") {
                count += v;
            }
        }
    }
    found.then_some((sum, count))
}

/// `path` with the desk's `cookie`, one request after another for the window (after the
/// warm-up): a person at a desk, not load.
async fn one_at_a_time(ctx: &Ctx, path: &str, cookie: &HeaderValue) -> DeskTimes {
    let before = console_server_time(&ctx.http).await;
    let window = Window::new(ctx);
    let mut times = DeskTimes {
        ttfb: histogram(),
        last_byte: histogram(),
        count: 0,
        errors: 0,
        first_error: None,
        server_mean_ms: None,
    };
    while Instant::now() < window.end {
        let started = Instant::now();
        let answer = ctx.http.page(path, Some(cookie)).await;
        if started < window.measure_from {
            continue;
        }
        times.count += 1;
        match answer {
            Ok(page) if page.status == StatusCode::OK => {
                let _ = times.ttfb.record((page.ttfb.as_micros() as u64).max(1));
                let _ = times
                    .last_byte
                    .record((page.total.as_micros() as u64).max(1));
            }
            Ok(page) => {
                times.errors += 1;
                times
                    .first_error
                    .get_or_insert(format!("{path}: {}", page.status));
            }
            Err(e) => {
                times.errors += 1;
                times.first_error.get_or_insert(format!("{path}: {e}"));
            }
        }
    }
    if let (Some((s0, c0)), Some((s1, c1))) = (before, console_server_time(&ctx.http).await)
        && c1 > c0
    {
        times.server_mean_ms = Some((s1 - s0) / (c1 - c0) * 1000.0);
    }
    times
}

/// A hidden field's value in a page (`name="NAME" value="…"`).
fn hidden_field(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let rest = &html[html.find(&marker)? + marker.len()..];
    Some(rest[..rest.find('"')?].to_string())
}

/// The console's assets a page links (`/console/assets/…`), each once, in page order.
fn asset_links(html: &[u8]) -> Vec<String> {
    let mut links: Vec<String> = Vec::new();
    for at in memchr::memmem::find_iter(html, b"/console/assets/") {
        let rest = &html[at..];
        let end = memchr::memchr2(b'"', b'\'', rest).unwrap_or(rest.len());
        let link = String::from_utf8_lossy(&rest[..end]).to_string();
        if !links.contains(&link) {
            links.push(link);
        }
    }
    links
}

/// Logs in at `/console/login` as a browser does (the form's CSRF field and cookie, then the
/// form); returns the `Cookie` header of the session.
async fn console_login(http: &Http, email: &str, password: &str) -> anyhow::Result<HeaderValue> {
    let form = http.page("/console/login", None).await?;
    if form.status != StatusCode::OK {
        bail!("GET /console/login: {}", form.status);
    }
    let login_cookie = form
        .set_cookie("fd_console_login")
        .context("GET /console/login set no fd_console_login cookie")?;
    let csrf = hidden_field(&String::from_utf8_lossy(&form.body), "csrf")
        .context("no csrf field on /console/login")?;
    let cookie = HeaderValue::from_str(&format!("fd_console_login={login_cookie}"))?;
    let answer = http
        .post_form(
            "/console/login",
            &[("email", email), ("password", password), ("csrf", &csrf)],
            Some(&cookie),
        )
        .await?;
    if answer.status != StatusCode::SEE_OTHER {
        bail!(
            "POST /console/login: {} (expected 303) {}",
            answer.status,
            String::from_utf8_lossy(&answer.body)
                .chars()
                .take(300)
                .collect::<String>()
        );
    }
    let token = answer
        .set_cookie("fd_console")
        .filter(|t| !t.is_empty())
        .context("POST /console/login set no fd_console cookie")?;
    Ok(HeaderValue::from_str(&format!("fd_console={token}"))?)
}

/// Links to bookings' pages on a console page: one per booking row of the agenda.
fn booking_links(html: &[u8]) -> usize {
    memchr::memmem::find_iter(html, b"/console/bookings/").count()
}

/// `console`: the operator console on a busy day. 200 callers book one day of the bench
/// business over MCP (`book_session`, free slots from `get_availability`); an owner operator
/// is added with `frontdesk operator create` and logs in over HTTP; then
/// `GET /console/agenda?date=DAY` is asked one request at a time for the window (time to first
/// byte and to the last byte, as a person at a desk sees it) and by `concurrency` clients at
/// once (throughput); the page's weight is the HTML plus the stylesheet and script it links,
/// uncompressed. Then `GET /console` (today) and one booking's page, one at a time.
pub async fn console(ctx: &Ctx) -> anyhow::Result<Vec<Row>> {
    let scenario = "console";
    let Some((bin, dir, database)) = &ctx.admin else {
        return Ok(vec![Row::text(
            scenario,
            "skipped",
            "needs the server's database to add an operator (--url without --database)",
        )]);
    };
    if ctx.customers < CONSOLE_BOOKINGS {
        bail!("console needs --customers {CONSOLE_BOOKINGS} or more (one booking per caller)");
    }
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);

    // The desk: an owner, added with the binary, logged in as a browser would.
    let email = format!("bench-{}-{stamp}@bench.example", std::process::id());
    let password = format!("bench-password-{stamp}");
    crate::server::create_owner(bin, dir, database, &email, &password).await?;
    let cookie = console_login(&ctx.http, &email, &password).await?;

    // The day: the first from 60 days ahead whose agenda shows no booking and whose every
    // session is untouched (other scenarios book tomorrow and the first days after).
    let sessions = sessions(ctx, 0, CONSOLE_BOOKINGS, 50).await?;
    let info = ctx
        .http
        .tool(
            &sessions[0],
            tool_call_body(1, "get_business_info", json!({})),
        )
        .await?;
    let today: jiff::civil::Date = info.structured["now"]["date"]
        .as_str()
        .context("no date in get_business_info")?
        .parse()?;
    let mut day = today.checked_add(jiff::Span::new().days(60))?;
    let mut slots: Vec<Value> = Vec::new();
    for _ in 0..240 {
        let answer = ctx
            .http
            .tool(
                &sessions[0],
                tool_call_body(2, "get_availability", json!({ "date": day.to_string() })),
            )
            .await?;
        if answer.is_error {
            bail!("get_availability {day} refused: {}", answer.structured);
        }
        let all = answer.structured["slots"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let untouched = answer.structured["truncated"] != json!(true)
            && all.iter().all(|s| s["remaining"] == s["capacity"]);
        let group: Vec<Value> = all
            .into_iter()
            .filter(|s| s["service_code"] != CONTENTION_SERVICE)
            .collect();
        let places: i64 = group.iter().filter_map(|s| s["remaining"].as_i64()).sum();
        if untouched && places >= CONSOLE_BOOKINGS as i64 {
            let page = ctx
                .http
                .page(&format!("/console/agenda?date={day}"), Some(&cookie))
                .await?;
            if page.status == StatusCode::OK && booking_links(&page.body) == 0 {
                slots = group;
                break;
            }
        }
        day = day.tomorrow()?;
    }
    if slots.is_empty() {
        bail!("no day from 60 days ahead with room for {CONSOLE_BOOKINGS} and no booking yet");
    }

    // 200 callers, each booking one place; slots taken in turn (about 8 per session).
    let booking_started = Instant::now();
    let results: Vec<anyhow::Result<i64>> = futures::stream::iter(sessions.iter().enumerate())
        .map(|(k, session)| {
            let slot = &slots[k % slots.len()];
            let body = tool_call_body(
                3,
                "book_session",
                json!({
                    "member_id": session.member_ids.first(),
                    "service": slot["service_code"],
                    "date": slot["date"],
                    "time": slot["time"],
                    "idempotency_key": format!("console-{stamp}-{k}"),
                }),
            );
            let http = ctx.http.clone();
            async move {
                let r = http.tool(session, body).await?;
                if r.is_error {
                    bail!("book_session refused: {}: {}", r.code(), r.structured);
                }
                let status = &r.structured["booking"]["status"];
                if *status != "confirmed" {
                    bail!("book_session answered a booking {status}");
                }
                r.structured["booking"]["booking_id"]
                    .as_i64()
                    .context("no booking_id in book_session's answer")
            }
        })
        .buffer_unordered(10)
        .collect()
        .await;
    let booking_time = booking_started.elapsed();
    let mut ids = Vec::new();
    let mut first_error = None;
    for r in results {
        match r {
            Ok(id) => ids.push(id),
            Err(e) => {
                first_error.get_or_insert(e.to_string());
            }
        }
    }
    if ids.len() != CONSOLE_BOOKINGS {
        bail!(
            "{} of {CONSOLE_BOOKINGS} bookings on {day} confirmed; first refusal: {}",
            ids.len(),
            first_error.unwrap_or_default()
        );
    }
    let mut rows = vec![
        Row::text(
            scenario,
            "day",
            &format!(
                "{day}: {CONSOLE_BOOKINGS} confirmed bookings over {} sessions",
                slots.len().min(CONSOLE_BOOKINGS)
            ),
        ),
        Row::num(scenario, "booked (book_session)", ids.len() as f64, "")
            .target_eq(CONSOLE_BOOKINGS as f64),
        Row::num(
            scenario,
            "time to book them (10 at a time)",
            booking_time.as_secs_f64() * 1000.0,
            "ms",
        ),
    ];

    // The page and what it links, each fetched once.
    let agenda = format!("/console/agenda?date={day}");
    let page = ctx.http.page(&agenda, Some(&cookie)).await?;
    if page.status != StatusCode::OK {
        bail!("GET {agenda}: {}", page.status);
    }
    let shown = booking_links(&page.body);
    rows.push(
        Row::num(scenario, "booking rows on the agenda", shown as f64, "")
            .target_eq(CONSOLE_BOOKINGS as f64),
    );
    if shown != CONSOLE_BOOKINGS {
        bail!("the agenda of {day} links {shown} bookings, not {CONSOLE_BOOKINGS}");
    }
    let mut encodings: Vec<String> = page.encoding().into_iter().collect();
    let html = page.body.len();
    let mut weight = html;
    rows.push(Row::num(scenario, "agenda HTML", html as f64, "bytes"));
    let links = asset_links(&page.body);
    if links.is_empty() {
        bail!("the agenda links no /console/assets/");
    }
    for link in &links {
        let asset = ctx.http.page(link, Some(&cookie)).await?;
        if asset.status != StatusCode::OK {
            bail!("GET {link}: {}", asset.status);
        }
        encodings.extend(asset.encoding());
        weight += asset.body.len();
        let name = link.trim_start_matches("/console/assets/");
        rows.push(Row::num(
            scenario,
            &format!("asset {name}"),
            asset.body.len() as f64,
            "bytes",
        ));
    }
    rows.push(Row::num(
        scenario,
        "page weight (HTML + assets, uncompressed)",
        weight as f64,
        "bytes",
    ));
    rows.push(Row::text(
        scenario,
        "compression",
        &if encodings.is_empty() {
            "none (no Content-Encoding; the requests offer gzip, deflate, br, zstd)".to_string()
        } else {
            format!("Content-Encoding {}", encodings.join(", "))
        },
    ));

    // A person at the desk: one request at a time.
    let times = one_at_a_time(ctx, &agenda, &cookie).await;
    rows.extend(times.rows(scenario, "agenda", ctx.duration));

    // Many desks at once.
    let clients = ctx.concurrency;
    let window = Arc::new(Window::new(ctx));
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let http = ctx.http.clone();
            let (agenda, cookie, window) = (agenda.clone(), cookie.clone(), window.clone());
            tokio::spawn(async move {
                let mut tally = Tally::default();
                while Instant::now() < window.end {
                    let started = Instant::now();
                    let outcome = match http.page(&agenda, Some(&cookie)).await {
                        Ok(p) if p.status == StatusCode::OK => Ok(()),
                        Ok(p) => Err(format!("{}", p.status)),
                        Err(e) => Err(e.to_string()),
                    };
                    tally.record(started, &window, outcome);
                }
                tally
            })
        })
        .collect();
    let mut total = Tally::default();
    for t in tasks {
        total.merge(t.await?);
    }
    rows.extend(total.rows(
        scenario,
        &format!("agenda, {clients} clients"),
        ctx.duration,
        None,
        None,
    ));

    // Today's page and one booking's page.
    for (what, path) in [
        ("/console", "/console".to_string()),
        ("booking page", format!("/console/bookings/{}", ids[0])),
    ] {
        let page = ctx.http.page(&path, Some(&cookie)).await?;
        if page.status != StatusCode::OK {
            bail!("GET {path}: {}", page.status);
        }
        rows.push(Row::num(
            scenario,
            &format!("{what} HTML"),
            page.body.len() as f64,
            "bytes",
        ));
        rows.extend(
            one_at_a_time(ctx, &path, &cookie)
                .await
                .rows(scenario, what, ctx.duration),
        );
    }
    Ok(rows)
}
