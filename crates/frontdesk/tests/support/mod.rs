//! What the fault tests share: a business on a fresh database (SQLite file or a PostgreSQL
//! database of its own), the real `frontdesk` binary serving it on a random port, MCP calls in
//! the guide's direct mode, a raw HTTP/1.1 reader that tells a cleanly ended body from a cut
//! one, and a TCP proxy in front of PostgreSQL that the test can take down and bring back.

#![allow(dead_code)] // each test file uses its own part of this module

pub mod twilio;

use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub const POSTGRES_URL_VAR: &str = "FRONTDESK_TEST_POSTGRES_URL";

/// The slug of the test business.
pub const SLUG: &str = "fault-surf";
/// The code of its one service.
pub const SERVICE: &str = "surf";

/// Bounds a whole test: a fault test that hangs fails instead of stalling CI.
pub async fn bounded<F: std::future::Future>(limit: Duration, test: F) -> F::Output {
    match tokio::time::timeout(limit, test).await {
        Ok(out) => out,
        Err(_) => panic!("the test did not finish within {limit:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Databases

/// Where a test's data lives: a SQLite file in the test's directory, or a fresh PostgreSQL
/// database dropped when this is dropped.
pub struct TestDb {
    pub url: String,
    pub pg: Option<PgDatabase>,
}

/// A PostgreSQL database of one test, `fdf_<random hex>`, dropped (WITH FORCE) on drop.
pub struct PgDatabase {
    admin_url: String,
    pub name: String,
}

impl PgDatabase {
    /// Creates a database on the server of `FRONTDESK_TEST_POSTGRES_URL`, or returns `None`
    /// (after saying so) when it is unset — except under `CI=true`, where that is a failure, so
    /// CI can never pass by skipping the PostgreSQL variants.
    pub async fn create_or_skip(test: &str) -> Option<PgDatabase> {
        let Some(admin_url) = std::env::var(POSTGRES_URL_VAR)
            .ok()
            .filter(|u| !u.trim().is_empty())
        else {
            if std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true")) {
                panic!("{POSTGRES_URL_VAR} must be set when CI=true: {test} may not be skipped");
            }
            println!("skipped {test}: {POSTGRES_URL_VAR} is not set");
            return None;
        };
        let name = format!("fdf_{:016x}", rand::random::<u64>());
        admin_execute(&admin_url, &format!("CREATE DATABASE \"{name}\""))
            .await
            .unwrap_or_else(|e| panic!("create database {name} via {POSTGRES_URL_VAR}: {e}"));
        Some(PgDatabase { admin_url, name })
    }

    /// The URL of this database on the test server.
    pub fn url(&self) -> String {
        pg_url(&self.admin_url, None, &self.name)
    }

    /// The URL of this database through `127.0.0.1:port` (a proxy) instead of the server.
    pub fn url_via(&self, port: u16) -> String {
        pg_url(
            &self.admin_url,
            Some(&format!("127.0.0.1:{port}")),
            &self.name,
        )
    }

    /// The `host:port` of the PostgreSQL server.
    pub fn server_addr(&self) -> String {
        let (_, authority, _, _) = split_url(&self.admin_url);
        let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        if host
            .rsplit_once(':')
            .is_some_and(|(_, p)| p.parse::<u16>().is_ok())
        {
            host.to_string()
        } else {
            format!("{host}:5432")
        }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let (url, name) = (self.admin_url.clone(), self.name.clone());
        // Drop may run inside a runtime, which cannot be blocked on; a thread can.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            runtime.block_on(admin_execute(
                &url,
                &format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
            ))
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("could not drop test database {}: {dropped:?}", self.name);
        }
    }
}

async fn admin_execute(url: &str, sql: &str) -> Result<(), String> {
    use sqlx::Connection;
    let connect = sqlx::PgConnection::connect(url);
    let mut conn = tokio::time::timeout(Duration::from_secs(10), connect)
        .await
        .map_err(|_| "connecting timed out".to_string())?
        .map_err(|e| e.to_string())?;
    sqlx::raw_sql(sql)
        .execute(&mut conn)
        .await
        .map_err(|e| e.to_string())?;
    conn.close().await.map_err(|e| e.to_string())
}

/// `scheme://`, the authority, the path (without `/`) and the query (with `?`) of a URL.
fn split_url(url: &str) -> (&str, &str, &str, &str) {
    let (head, query) = match url.find('?') {
        Some(q) => url.split_at(q),
        None => (url, ""),
    };
    let scheme_end = head.find("://").map_or(0, |i| i + 3);
    let (scheme, rest) = head.split_at(scheme_end);
    let (authority, path) = match rest.find('/') {
        Some(slash) => (&rest[..slash], &rest[slash + 1..]),
        None => (rest, ""),
    };
    (scheme, authority, path, query)
}

/// `base` with its database replaced by `db` and, when given, its host and port by `host_port`
/// (user, password and parameters kept).
fn pg_url(base: &str, host_port: Option<&str>, db: &str) -> String {
    let (scheme, authority, _, query) = split_url(base);
    let authority = match (host_port, authority.rsplit_once('@')) {
        (None, _) => authority.to_string(),
        (Some(hp), Some((userinfo, _))) => format!("{userinfo}@{hp}"),
        (Some(hp), None) => hp.to_string(),
    };
    format!("{scheme}{authority}/{db}{query}")
}

// ---------------------------------------------------------------------------------------------
// The business and the command line

/// A test's directory, database and secret key file, and the `frontdesk` commands on them.
pub struct Setup {
    pub dir: tempfile::TempDir,
    pub db: TestDb,
    servers_started: std::sync::atomic::AtomicUsize,
}

impl Setup {
    pub fn sqlite() -> Setup {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}", dir.path().join("fd.db").display());
        Setup {
            dir,
            db: TestDb { url, pg: None },
            servers_started: Default::default(),
        }
    }

    pub fn postgres(pg: PgDatabase) -> Setup {
        let dir = tempfile::tempdir().expect("tempdir");
        Setup {
            dir,
            db: TestDb {
                url: pg.url(),
                pg: Some(pg),
            },
            servers_started: Default::default(),
        }
    }

    pub fn key_file(&self) -> PathBuf {
        self.dir.path().join("frontdesk.secret")
    }

    /// Runs `frontdesk ARGS` on the test database (never the server's URL: a proxy may be down).
    pub fn cli(&self, args: &[&str]) -> Output {
        self.cli_with(args, &[])
    }

    /// [`Setup::cli`] with more environment variables.
    pub fn cli_with(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_frontdesk"));
        command.envs(env.iter().copied());
        command
            .args(args)
            .env("FRONTDESK_DATABASE", &self.db.url)
            .env("FRONTDESK_SECRET_KEY_FILE", self.key_file())
            .env_remove("FRONTDESK_SECRET_KEY")
            .env_remove("FRONTDESK_CONFIG")
            .stdin(Stdio::null());
        let out = command.output().expect("run frontdesk");
        assert!(
            out.status.success(),
            "frontdesk {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// Runs `frontdesk ARGS` on the test database with `input` on standard input.
    pub fn cli_input(&self, args: &[&str], input: &str) -> Output {
        use std::io::Write;
        let mut child = Command::new(env!("CARGO_BIN_EXE_frontdesk"))
            .args(args)
            .env("FRONTDESK_DATABASE", &self.db.url)
            .env("FRONTDESK_SECRET_KEY_FILE", self.key_file())
            .env_remove("FRONTDESK_SECRET_KEY")
            .env_remove("FRONTDESK_CONFIG")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run frontdesk");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("stdin");
        let out = child.wait_with_output().expect("wait");
        assert!(
            out.status.success(),
            "frontdesk {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// Imports `business` and returns a fresh key of `kind` (`mcp` or `gateway`).
    pub fn import(&self, business: &Business) -> String {
        let file = self.dir.path().join("business.toml");
        std::fs::write(&file, business.toml()).expect("write business file");
        self.cli(&["import", file.to_str().expect("utf-8 path")]);
        self.key("mcp")
    }

    pub fn key(&self, kind: &str) -> String {
        let out = self.cli(&["key", "create", "--company", SLUG, "--kind", kind]);
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Starts `frontdesk serve` on `database` (the test database unless a proxy's URL is
    /// given) and waits until `/readyz` answers 200.
    pub async fn serve(&self, database: Option<&str>, env: &[(&str, &str)]) -> Server {
        let database = database.unwrap_or(&self.db.url).to_string();
        let mut last_log = String::new();
        for _ in 0..3 {
            let n = self
                .servers_started
                .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let log = self.dir.path().join(format!("server-{n}.log"));
            let mut server = Server::spawn(self, &database, env, log);
            match server.wait_ready(Duration::from_secs(20)).await {
                Ok(()) => return server,
                // Another process took the port between our probe and the server's bind.
                Err(log) if log.contains("cannot listen") => last_log = log,
                Err(log) => panic!("the server did not become ready:\n{log}"),
            }
        }
        panic!("the server could not listen on a free port:\n{last_log}")
    }
}

/// A business with one service (`surf`, capacity `capacity`, starting daily at `times`, in
/// UTC) and `customers` known callers with one member each.
pub struct Business {
    pub capacity: u32,
    pub times: Vec<&'static str>,
    pub customers: usize,
}

impl Business {
    pub fn toml(&self) -> String {
        let times: Vec<String> = self.times.iter().map(|t| format!("\"{t}\"")).collect();
        let mut text = format!(
            r#"[company]
slug = "{SLUG}"
name = "Fault Surf"
time_zone = "UTC"
language = "en-US"
phone_region = "BR"

[company.policy]
min_notice_minutes = 0
booking_window_days = 30
max_active_bookings_per_member = 50
free_cancellation_hours = 24
allow_unknown_callers = false

[[branches]]
name = "Fault Surf Beach"

[[services]]
code = "{SERVICE}"
name = "Surf"
duration_minutes = 60
capacity = {capacity}
schedule = {{ kind = "fixed_times", times = {{ daily = [{times}] }} }}
"#,
            capacity = self.capacity,
            times = times.join(", "),
        );
        for i in 0..self.customers {
            text.push_str(&format!(
                "\n[[customers]]\nphone = \"{}\"\nname = \"Caller {i}\"\n\n[[customers.members]]\nname = \"Caller {i}\"\nrelationship = \"self\"\n",
                phone(i)
            ));
        }
        text
    }
}

/// The phone number of customer `i` (a São Paulo mobile number).
pub fn phone(i: usize) -> String {
    format!("+551198765{i:04}")
}

/// The UTC calendar date `days` from today, `YYYY-MM-DD`.
pub fn utc_date_in(days: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs() as i64;
    // Howard Hinnant's days_from_civil, inverted.
    let z = now.div_euclid(86_400) + days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

// ---------------------------------------------------------------------------------------------
// The server process

/// `frontdesk serve` as a child process; killed when dropped.
pub struct Server {
    child: Child,
    pub port: u16,
    pub base: String,
    log: PathBuf,
}

impl Server {
    fn spawn(setup: &Setup, database: &str, env: &[(&str, &str)], log: PathBuf) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let log_file = std::fs::File::create(&log).expect("server log file");
        let mut command = Command::new(env!("CARGO_BIN_EXE_frontdesk"));
        command
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .args(["--database", database])
            .env("FRONTDESK_SECRET_KEY_FILE", setup.key_file())
            .env_remove("FRONTDESK_SECRET_KEY")
            .env_remove("FRONTDESK_CONFIG")
            .env_remove("FRONTDESK_DATABASE")
            .env("RUST_LOG", "info,sqlx=warn")
            // Many callers from one address: the per-IP and per-session limits are not
            // what these tests are about.
            .env("FRONTDESK_RATE_SESSIONS_PER_MINUTE", "1000000")
            .env("FRONTDESK_RATE_MESSAGES_PER_MINUTE", "1000000")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::from(log_file));
        for (name, value) in env {
            command.env(name, value);
        }
        let child = command.spawn().expect("spawn frontdesk serve");
        Server {
            child,
            port,
            base: format!("http://127.0.0.1:{port}"),
            log,
        }
    }

    /// Waits for `/readyz` 200; the log as the error when the process exits or time runs out.
    async fn wait_ready(&mut self, within: Duration) -> Result<(), String> {
        let client = client();
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("exited with {status}:\n{}", self.log()));
            }
            let ready = client.get(format!("{}/readyz", self.base)).send().await;
            if ready.is_ok_and(|r| r.status() == 200) {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        Err(format!("not ready within {within:?}:\n{}", self.log()))
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGKILL, and reap.
    pub fn kill9(&mut self) {
        self.child.kill().expect("SIGKILL the server");
        self.child.wait().expect("reap the server");
    }

    /// SIGTERM (the orchestrator's stop).
    pub fn sigterm(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -TERM failed");
    }

    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Waits up to `within` for the process to exit.
    pub async fn wait_exit(&mut self, within: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + within;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// Everything the server wrote to stderr so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Fails when the server's log shows a panic.
    pub fn assert_no_panic(&self) {
        let log = self.log();
        assert!(!log.contains("panicked"), "the server panicked:\n{log}");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// HTTP clients

/// A client with a bound on every request.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(15))
        .build()
        .expect("client")
}

/// Opens a caller session for `phone` with the MCP `key`; the session token.
pub async fn open_session(client: &reqwest::Client, base: &str, key: &str, phone: &str) -> String {
    let response = client
        .post(format!("{base}/mcp/auth/session"))
        .header("x-api-key", key)
        .json(&json!({ "caller_id": phone }))
        .send()
        .await
        .expect("open a session");
    let status = response.status();
    let body: Value = response.json().await.expect("session JSON");
    assert_eq!(status, 200, "session for {phone}: {body}");
    body["session_token"]
        .as_str()
        .expect("session_token")
        .to_string()
}

/// The body of a direct-mode `tools/call`.
pub fn tool_call_body(tool: &str, arguments: Value) -> Value {
    json!({
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/call",
        "params": { "name": tool, "arguments": arguments }
    })
}

/// A `tools/call` in the guide's direct mode: the HTTP status and the JSON body.
pub async fn call_tool(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    tool: &str,
    arguments: Value,
) -> reqwest::Result<(u16, Value)> {
    let response = client
        .post(format!("{base}/mcp/messages/"))
        .bearer_auth(token)
        .json(&tool_call_body(tool, arguments))
        .send()
        .await?;
    let status = response.status().as_u16();
    let body = response.json::<Value>().await?;
    Ok((status, body))
}

/// The `structuredContent` of a successful tool result; panics with the body otherwise.
pub fn tool_ok(status: u16, body: &Value) -> &Value {
    assert_eq!(status, 200, "{body}");
    let result = &body["result"];
    assert_eq!(result["isError"], json!(false), "{body}");
    &result["structuredContent"]
}

/// What a `book_session` call came to.
#[derive(Debug, Clone)]
pub enum Booked {
    Confirmed { id: i64, voucher: String },
    Refused(String),
}

/// Reads a `book_session` answer.
pub fn booked(status: u16, body: &Value) -> Booked {
    assert_eq!(status, 200, "{body}");
    let result = &body["result"];
    let data = &result["structuredContent"];
    if result["isError"] == json!(true) {
        return Booked::Refused(data["code"].as_str().unwrap_or("?").to_string());
    }
    let booking = &data["booking"];
    assert_eq!(booking["status"], json!("confirmed"), "{body}");
    Booked::Confirmed {
        id: booking["booking_id"].as_i64().expect("booking_id"),
        voucher: booking["voucher_code"]
            .as_str()
            .expect("voucher_code")
            .to_string(),
    }
}

/// Every booking of the session's caller (any status).
pub async fn all_bookings(client: &reqwest::Client, base: &str, token: &str) -> Vec<Value> {
    let (status, body) = call_tool(
        client,
        base,
        token,
        "get_bookings",
        json!({"status": "all"}),
    )
    .await
    .expect("get_bookings");
    tool_ok(status, &body)["bookings"]
        .as_array()
        .expect("bookings")
        .clone()
}

// ---------------------------------------------------------------------------------------------
// Raw HTTP/1.1

/// One HTTP/1.1 exchange over a raw socket, for what a client library hides: a request sent
/// in pieces, and whether a response body ended cleanly or was cut.
pub struct RawHttp {
    pub stream: TcpStream,
    buf: Vec<u8>,
}

/// A response head.
#[derive(Debug)]
pub struct Head {
    pub status: u16,
    pub headers: Vec<(String, String)>,
}

impl Head {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn chunked(&self) -> bool {
        self.header("transfer-encoding")
            .is_some_and(|v| v.eq_ignore_ascii_case("chunked"))
    }
}

impl RawHttp {
    pub async fn connect(port: u16) -> RawHttp {
        let stream = TcpStream::connect(("127.0.0.1", port))
            .await
            .expect("connect");
        RawHttp {
            stream,
            buf: Vec::new(),
        }
    }

    pub async fn send(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.stream.write_all(bytes).await?;
        self.stream.flush().await
    }

    /// Reads more bytes into the buffer; `UnexpectedEof` when the peer closed.
    async fn fill(&mut self) -> std::io::Result<()> {
        let mut chunk = [0u8; 8192];
        let n = self.stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        self.buf.extend_from_slice(&chunk[..n]);
        Ok(())
    }

    async fn line(&mut self) -> std::io::Result<String> {
        loop {
            if let Some(end) = self.buf.windows(2).position(|w| w == b"\r\n") {
                let line = String::from_utf8_lossy(&self.buf[..end]).to_string();
                self.buf.drain(..end + 2);
                return Ok(line);
            }
            self.fill().await?;
        }
    }

    async fn exact(&mut self, n: usize) -> std::io::Result<Vec<u8>> {
        while self.buf.len() < n {
            self.fill().await?;
        }
        Ok(self.buf.drain(..n).collect())
    }

    pub async fn head(&mut self) -> std::io::Result<Head> {
        let status_line = self.line().await?;
        let status = status_line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| std::io::Error::other(format!("bad status line {status_line:?}")))?;
        let mut headers = Vec::new();
        loop {
            let line = self.line().await?;
            if line.is_empty() {
                return Ok(Head { status, headers });
            }
            if let Some((name, value)) = line.split_once(':') {
                headers.push((name.trim().to_string(), value.trim().to_string()));
            }
        }
    }

    /// The next chunk of a chunked body; `None` after the terminating zero-size chunk. An
    /// error means the body was cut (the connection closed or reset mid-body).
    pub async fn chunk(&mut self) -> std::io::Result<Option<Vec<u8>>> {
        let size_line = self.line().await?;
        let size = usize::from_str_radix(size_line.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|_| std::io::Error::other(format!("bad chunk size {size_line:?}")))?;
        if size == 0 {
            // Trailers (none expected), then the empty line.
            while !self.line().await?.is_empty() {}
            return Ok(None);
        }
        let data = self.exact(size).await?;
        let crlf = self.exact(2).await?;
        if crlf != b"\r\n" {
            return Err(std::io::Error::other("chunk not followed by CRLF"));
        }
        Ok(Some(data))
    }

    /// The whole body after `head`: by Content-Length, or chunks to the terminating one.
    pub async fn body(&mut self, head: &Head) -> std::io::Result<Vec<u8>> {
        if head.chunked() {
            let mut body = Vec::new();
            while let Some(chunk) = self.chunk().await? {
                body.extend(chunk);
            }
            return Ok(body);
        }
        let length = head
            .header("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        self.exact(length).await
    }

    /// Whether the server closed the connection: waits up to `within` for EOF or a reset,
    /// ignoring any bytes it sends first.
    pub async fn closed_within(&mut self, within: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let mut chunk = [0u8; 1024];
            match tokio::time::timeout_at(deadline, self.stream.read(&mut chunk)).await {
                Err(_) => return false,
                Ok(Ok(0)) | Ok(Err(_)) => return true,
                Ok(Ok(_)) => continue,
            }
        }
    }
}

/// A `POST /mcp/messages/` request (direct mode) as bytes: the head and the body separately.
pub fn raw_tool_call(port: u16, token: &str, tool: &str, arguments: Value) -> (Vec<u8>, Vec<u8>) {
    let body = serde_json::to_vec(&tool_call_body(tool, arguments)).expect("json");
    let head = format!(
        "POST /mcp/messages/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    (head.into_bytes(), body)
}

// ---------------------------------------------------------------------------------------------
// A TCP proxy the test controls

/// Forwards `127.0.0.1:port` to `upstream`. [`TcpProxy::down`] cuts every open connection and
/// closes the listening socket (new connections are refused, as from a stopped database);
/// [`TcpProxy::up`] listens again on the same port.
pub struct TcpProxy {
    pub port: u16,
    up: tokio::sync::watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl TcpProxy {
    pub async fn start(upstream: String) -> TcpProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let port = listener.local_addr().expect("proxy addr").port();
        let (up, watch) = tokio::sync::watch::channel(true);
        let upstream = Arc::new(upstream);
        let task = tokio::spawn(proxy_loop(listener, port, upstream, watch));
        TcpProxy { port, up, task }
    }

    /// Cuts every connection and refuses new ones.
    pub fn down(&self) {
        self.up.send_replace(false);
    }

    /// Accepts and forwards again.
    pub fn up(&self) {
        self.up.send_replace(true);
    }
}

impl Drop for TcpProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn proxy_loop(
    listener: TcpListener,
    port: u16,
    upstream: Arc<String>,
    mut watch: tokio::sync::watch::Receiver<bool>,
) {
    let mut listener = Some(listener);
    loop {
        let Some(open) = listener.as_ref() else {
            // Down: nothing listens, so connecting is refused. Wait to come back.
            if watch.wait_for(|up| *up).await.is_err() {
                return;
            }
            for _ in 0..200 {
                match TcpListener::bind(("127.0.0.1", port)).await {
                    Ok(l) => {
                        listener = Some(l);
                        break;
                    }
                    Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
                }
            }
            assert!(
                listener.is_some(),
                "the proxy could not listen again on {port}"
            );
            continue;
        };
        let accepted = tokio::select! {
            accepted = open.accept() => Some(accepted.ok()),
            changed = watch.wait_for(|up| !*up) => {
                if changed.is_err() {
                    return;
                }
                None
            }
        };
        let Some(accepted) = accepted else {
            listener = None;
            continue;
        };
        let Some((client, _)) = accepted else {
            continue;
        };
        let upstream = upstream.clone();
        let mut watch = watch.clone();
        tokio::spawn(async move {
            let Ok(mut server) = TcpStream::connect(upstream.as_str()).await else {
                return;
            };
            let mut client = client;
            tokio::select! {
                _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                _ = watch.wait_for(|up| !*up) => {
                    // Cut as a failed network does: a reset, not a goodbye.
                    let _ = client.set_zero_linger();
                }
            }
        });
    }
}
