//! The frontdesk under test: a process this harness starts (on a fresh SQLite file, or on a
//! fresh PostgreSQL database it creates), or a running server named by `--url`. Either way the
//! business is the harness's own (see [`business_toml`]), imported with `frontdesk import`.

use crate::client::Http;
use anyhow::{Context, bail};
use http::StatusCode;
use sqlx::Connection;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;
use tokio::process::{Child, Command};

pub const SLUG: &str = "frontdesk-bench";
/// The service the contention scenario fights over.
pub const CONTENTION_SERVICE: &str = "contention";
pub const CONTENTION_CAPACITY: i64 = 10;

/// The phone number of the harness's customer `i` (US numbers, E.164).
pub fn phone(i: usize) -> String {
    format!("+1212{:07}", 7_000_000 + i)
}

/// The business: six group services with four sessions a day and room for 100 (what
/// `get_availability` lists: 24 slots a day), one service of capacity 10 with one session a
/// day (contention), a booking window of a year, no notice, no quota; `customers` customers,
/// each with one member. A day holds 2,400 group places: `console` books 200 of one day.
pub fn business_toml(customers: usize) -> String {
    let mut s = String::from(
        r#"# The frontdesk-bench business (written by frontdesk-bench).
[company]
slug = "frontdesk-bench"
name = "Bench Surf Club"
time_zone = "America/Sao_Paulo"
language = "en-US"
phone_region = "US"
address = "1 Bench Street"

[company.policy]
min_notice_minutes = 0
booking_window_days = 365
free_cancellation_hours = 24
allow_unknown_callers = false

[[branches]]
name = "Bench Main"
phone_numbers = ["+12125550100"]
"#,
    );
    let times = [
        ["07:00", "11:00", "15:00", "19:00"],
        ["08:00", "12:00", "16:00", "20:00"],
        ["09:00", "13:00", "17:00", "21:00"],
    ];
    for (i, level) in ["Beginner", "Intermediate", "Advanced"].iter().enumerate() {
        for side in ["Left", "Right"] {
            let code = format!("{}-{}", level.to_lowercase(), side.to_lowercase());
            let _ = write!(
                s,
                r#"
[[services]]
code = "{code}"
name = "{level} {side}"
duration_minutes = 60
capacity = 100
price_cents = 25000
currency = "BRL"
attributes = {{ level = "{level}", wave_side = "{side}" }}
schedule = {{ kind = "fixed_times", times = {{ daily = {times:?} }} }}
"#,
                times = times[i],
            );
        }
    }
    let _ = write!(
        s,
        r#"
[[services]]
code = "{CONTENTION_SERVICE}"
name = "Contention Session"
duration_minutes = 60
capacity = {CONTENTION_CAPACITY}
attributes = {{ level = "Contention", wave_side = "Both" }}
schedule = {{ kind = "fixed_times", times = {{ daily = ["06:00"] }} }}
"#
    );
    for i in 0..customers {
        let _ = write!(
            s,
            "\n[[customers]]\nphone = \"{}\"\nname = \"Caller {i}\"\n\n[[customers.members]]\nname = \"Caller {i}\"\nrelationship = \"self\"\n",
            phone(i)
        );
    }
    s
}

/// Environment every frontdesk process of the harness gets: rate limits out of the way
/// (they are per minute and per session/IP: the load comes from one IP), logs as in
/// production (info).
fn env(cmd: &mut Command, dir: &Path) {
    cmd.env("FRONTDESK_RATE_SESSIONS_PER_MINUTE", "1000000000")
        .env("FRONTDESK_RATE_MESSAGES_PER_MINUTE", "1000000000")
        .env("FRONTDESK_SECRET_KEY_FILE", dir.join("frontdesk.secret"))
        .env_remove("FRONTDESK_CONFIG")
        .env_remove("FRONTDESK_DATABASE")
        .env_remove("FRONTDESK_BIND")
        .env_remove("RUST_LOG");
}

/// Runs a frontdesk admin command and returns its stdout.
pub async fn admin(
    bin: &Path,
    dir: &Path,
    database: &str,
    args: &[&str],
) -> anyhow::Result<String> {
    admin_with_input(bin, dir, database, args, None).await
}

/// Runs a frontdesk admin command, writing `input` to its standard input, and returns its
/// stdout.
pub async fn admin_with_input(
    bin: &Path,
    dir: &Path,
    database: &str,
    args: &[&str],
    input: Option<&str>,
) -> anyhow::Result<String> {
    let mut cmd = Command::new(bin);
    cmd.args(args);
    env(&mut cmd, dir);
    cmd.env("FRONTDESK_DATABASE", database)
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd
        .spawn()
        .with_context(|| format!("cannot run {}", bin.display()))?;
    if let (Some(input), Some(mut stdin)) = (input, child.stdin.take()) {
        stdin.write_all(input.as_bytes()).await?;
        // Dropped here: the command reads to the end of its input.
    }
    let out = child.wait_with_output().await?;
    if !out.status.success() {
        bail!(
            "frontdesk {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Imports the business into `database` and mints an MCP key for it.
pub async fn prepare(
    bin: &Path,
    dir: &Path,
    database: &str,
    customers: usize,
) -> anyhow::Result<String> {
    let file = dir.join("bench-business.toml");
    std::fs::write(&file, business_toml(customers))?;
    let path = file.to_string_lossy().to_string();
    admin(bin, dir, database, &["import", &path]).await?;
    let key = admin(
        bin,
        dir,
        database,
        &[
            "key",
            "create",
            "--company",
            SLUG,
            "--kind",
            "mcp",
            "--name",
            "bench",
        ],
    )
    .await?;
    let key = key
        .split_whitespace()
        .find(|w| w.starts_with("fd_mcp_"))
        .map(str::to_string)
        .with_context(|| format!("no MCP key in {key:?}"))?;
    Ok(key)
}

/// Adds an owner operator to the bench business with `frontdesk operator create` (the
/// password on standard input).
pub async fn create_owner(
    bin: &Path,
    dir: &Path,
    database: &str,
    email: &str,
    password: &str,
) -> anyhow::Result<()> {
    let args = [
        "operator",
        "create",
        "--company",
        SLUG,
        "--email",
        email,
        "--role",
        "owner",
        "--password-stdin",
    ];
    admin_with_input(bin, dir, database, &args, Some(&format!("{password}\n"))).await?;
    Ok(())
}

/// A frontdesk process started by the harness.
pub struct Server {
    pub child: Child,
    pub pid: u32,
    pub base: String,
    /// From spawn to the first `/readyz` 200.
    pub ready_after: Duration,
}

/// A free port on the loopback interface.
pub fn free_port() -> anyhow::Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

impl Server {
    /// Starts `frontdesk serve` and waits for `/readyz` (polled every millisecond).
    pub async fn start(
        bin: &Path,
        dir: &Path,
        database: &str,
        log: &str,
        extra_env: &[(String, String)],
    ) -> anyhow::Result<Server> {
        let port = free_port()?;
        let base = format!("http://127.0.0.1:{port}");
        let log_file = std::fs::File::create(dir.join(log))?;
        let mut cmd = Command::new(bin);
        cmd.arg("serve")
            .arg("--bind")
            .arg(format!("127.0.0.1:{port}"))
            .arg("--database")
            .arg(database)
            .stdin(Stdio::null())
            .stdout(log_file.try_clone()?)
            .stderr(log_file)
            .kill_on_drop(true);
        env(&mut cmd, dir);
        cmd.envs(extra_env.iter().map(|(k, v)| (k, v)));
        let http = Http::new(&base);
        let started = Instant::now();
        let mut child = cmd
            .spawn()
            .with_context(|| format!("cannot start {}", bin.display()))?;
        let pid = child.id().unwrap_or(0);
        loop {
            if let Ok(answer) = http.get("/readyz").await
                && answer.status == StatusCode::OK
            {
                break;
            }
            if let Some(status) = child.try_wait()? {
                bail!(
                    "frontdesk serve exited with {status}; see {}",
                    dir.join(log).display()
                );
            }
            if started.elapsed() > Duration::from_secs(30) {
                bail!("frontdesk serve not ready after 30 s");
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        Ok(Server {
            child,
            pid,
            base,
            ready_after: started.elapsed(),
        })
    }

    /// SIGTERM, then a kill after 10 s.
    pub async fn stop(mut self) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.pid.to_string())
            .status()
            .await;
        if tokio::time::timeout(Duration::from_secs(10), self.child.wait())
            .await
            .is_err()
        {
            let _ = self.child.kill().await;
        }
    }
}

/// Resident memory of a process, in bytes (`VmRSS` of `/proc/PID/status`).
pub fn rss_bytes(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// The frontdesk binary: `--bin`, else `target/release/frontdesk` next to this harness.
pub fn find_bin(given: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    if let Some(bin) = given {
        return Ok(bin);
    }
    let mut candidates = Vec::new();
    if let Ok(me) = std::env::current_exe()
        && let Some(dir) = me.parent()
    {
        candidates.push(dir.join("frontdesk"));
    }
    candidates.push(PathBuf::from("target/release/frontdesk"));
    candidates
        .into_iter()
        .find(|p| p.is_file())
        .context("no frontdesk binary: run `cargo build --release -p frontdesk` or pass --bin")
}

/// A fresh PostgreSQL database next to the one `url` names: created now, dropped by
/// [`drop_database`].
pub async fn create_database(url: &str) -> anyhow::Result<String> {
    let mut admin_url = url::Url::parse(url).context("--database is not a URL")?;
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    let name = format!("frontdesk_bench_{}_{stamp}", std::process::id());
    let mut conn = sqlx::PgConnection::connect(admin_url.as_str())
        .await
        .with_context(|| format!("cannot connect to {}", redact(url)))?;
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await?;
    admin_url.set_path(&name);
    Ok(admin_url.to_string())
}

pub async fn drop_database(admin: &str, fresh: &str) -> anyhow::Result<()> {
    let name = url::Url::parse(fresh)?
        .path()
        .trim_start_matches('/')
        .to_string();
    let mut conn = sqlx::PgConnection::connect(admin).await?;
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&mut conn)
        .await?;
    Ok(())
}

/// A database URL without its password, for printing.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}
