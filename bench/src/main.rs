//! frontdesk-bench: the benchmark harness of frontdesk — a command that prints figures, never
//! a timed test.
//!
//! By default it starts `frontdesk serve` itself on a fresh SQLite file in a temporary
//! directory (or on a fresh PostgreSQL database it creates next to `--database`), imports its
//! own business with `frontdesk import`, mints an MCP key, and drives the server over real
//! HTTP on 127.0.0.1 for a bounded time. With `--url` it targets a running server instead.
//! It talks to frontdesk only over HTTP and through the `frontdesk` binary: it must not
//! depend on any frontdesk crate.

mod client;
mod report;
mod scenarios;
mod server;
mod sse;

use anyhow::{Context, bail};
use clap::{Parser, ValueEnum};
use client::Http;
use report::Row;
use scenarios::Ctx;
use serde_json::json;
use server::Server;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Scenario {
    Tools,
    CallMix,
    Bookings,
    Contention,
    SseStreams,
    Startup,
    Console,
    All,
}

/// Benchmarks frontdesk over real HTTP and prints the figures.
///
/// Without --url: starts `frontdesk serve` (target/release/frontdesk, or --bin) on a fresh
/// SQLite file, or on a fresh database created next to --database postgres://…, with its own
/// business and key; with --instances N and --redis URL, N instances sharing that PostgreSQL
/// database and Redis. With --url (repeatable): targets running servers, requests spread
/// round robin over them; give --database (the servers' database: the harness imports its
/// business there with --bin) or --api-key (an MCP key of a company imported from
/// `--write-business FILE`).
#[derive(Debug, Parser)]
#[command(name = "frontdesk-bench", version)]
struct Args {
    /// Target a running server (http://127.0.0.1:PORT) instead of starting one; repeat it for
    /// several instances of one deployment (requests go round robin, with no affinity).
    #[arg(long, value_name = "URL")]
    url: Vec<String>,
    /// Instances to start on the --database PostgreSQL, sharing --redis.
    #[arg(long, default_value_t = 1, value_name = "N")]
    instances: usize,
    /// The Redis the started instances share (needed for --instances above 1).
    #[arg(long, value_name = "URL")]
    redis: Option<String>,
    /// postgres://… : a fresh database is created beside it (dropped afterwards unless
    /// --keep). With --url: the server's own database, where the business is imported.
    #[arg(long, value_name = "URL")]
    database: Option<String>,
    /// The frontdesk binary [default: target/release/frontdesk].
    #[arg(long, value_name = "PATH")]
    bin: Option<PathBuf>,
    /// With --url and no --database: an MCP key of the bench business.
    #[arg(long, value_name = "KEY")]
    api_key: Option<String>,
    /// Write the bench business (TOML, for `frontdesk import`) to FILE and exit.
    #[arg(long, value_name = "FILE")]
    write_business: Option<PathBuf>,
    /// One JSON document instead of the table.
    #[arg(long)]
    json: bool,
    /// Concurrent callers (tools, call-mix), and console clients (console's throughput).
    #[arg(long, default_value_t = 50)]
    concurrency: usize,
    /// Seconds measured per load phase (after a 1 s warm-up).
    #[arg(long, default_value_t = 10.0)]
    duration: f64,
    /// Customers in the bench business (each with one member).
    #[arg(long, default_value_t = 1000)]
    customers: usize,
    /// Concurrent booking attempts at one slot of capacity 10.
    #[arg(long, default_value_t = 1000)]
    contention_attempts: usize,
    /// SSE streams held open at once.
    #[arg(long, default_value_t = 5000)]
    streams: usize,
    /// Worker threads of the load generator (it shares the machine with the server).
    #[arg(long, default_value_t = 1)]
    client_threads: usize,
    /// Keep the temporary directory and the PostgreSQL database.
    #[arg(long)]
    keep: bool,
    /// Scenarios to run.
    #[arg(value_enum, required_unless_present = "write_business")]
    scenarios: Vec<Scenario>,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if let Some(file) = &args.write_business {
        std::fs::write(file, server::business_toml(args.customers))?;
        eprintln!(
            "wrote {}; import it with `frontdesk import {}`",
            file.display(),
            file.display()
        );
        return Ok(());
    }
    // Thousands of streams need thousands of descriptors, here and in the server we start.
    let nofile = rlimit::increase_nofile_limit(u64::MAX).unwrap_or(0);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.client_threads.max(1))
        .enable_all()
        .build()?;
    runtime.block_on(run(args, nofile))
}

async fn run(args: Args, nofile: u64) -> anyhow::Result<()> {
    let mut wanted: Vec<Scenario> = if args.scenarios.contains(&Scenario::All) {
        vec![
            Scenario::Startup,
            Scenario::Tools,
            Scenario::CallMix,
            Scenario::Contention,
            Scenario::SseStreams,
            Scenario::Console,
            // Last: it books places on every day of the window.
            Scenario::Bookings,
        ]
    } else {
        args.scenarios.clone()
    };
    wanted.dedup();
    let needs_fds = if wanted.contains(&Scenario::SseStreams) {
        2 * args.streams as u64 + 1000
    } else {
        2 * args.contention_attempts as u64 + 1000
    };
    if nofile < needs_fds {
        eprintln!(
            "warning: the open-file limit is {nofile}; {needs_fds} are needed (raise `ulimit -n` hard limit)"
        );
    }
    let dir = tempfile::Builder::new()
        .prefix("frontdesk-bench-")
        .tempdir()?;
    let work = dir.path().to_path_buf();

    let mut started: Vec<Server> = Vec::new();
    let mut fresh_pg: Option<(String, String)> = None;
    let mut server_env: Vec<(String, String)> = Vec::new();
    // The binary, work directory and database for admin commands (`console`'s operator).
    let mut admin_cmd: Option<(PathBuf, PathBuf, String)> = None;
    let (bases, api_key, managed, target) = if !args.url.is_empty() {
        let key = match (&args.database, &args.api_key) {
            (None, Some(key)) => key.clone(),
            (Some(db), Some(key)) => {
                if let Ok(bin) = server::find_bin(args.bin.clone()) {
                    admin_cmd = Some((bin, work.clone(), db.clone()));
                }
                key.clone()
            }
            (Some(db), None) => {
                let bin = server::find_bin(args.bin.clone())?;
                let key = server::prepare(&bin, &work, db, args.customers).await?;
                admin_cmd = Some((bin, work.clone(), db.clone()));
                key
            }
            (None, None) => {
                bail!("--url needs --database (to import the bench business) or --api-key")
            }
        };
        let target = format!("running server(s) at {}", args.url.join(", "));
        (args.url.clone(), key, None, target)
    } else {
        let bin = server::find_bin(args.bin.clone())?;
        let database = match &args.database {
            Some(admin) if admin.starts_with("postgres") => {
                let fresh = server::create_database(admin).await?;
                fresh_pg = Some((admin.clone(), fresh.clone()));
                fresh
            }
            Some(other) => bail!(
                "--database without --url must be postgres://… (SQLite is the default), not {other}"
            ),
            None => format!("sqlite://{}", work.join("bench.db").display()),
        };
        let instances = args.instances.max(1);
        if instances > 1 && (fresh_pg.is_none() || args.redis.is_none()) {
            bail!("--instances above 1 needs --database postgres://… and --redis redis://…");
        }
        if let Some(redis) = &args.redis {
            let prefix = format!("frontdesk-bench-{}:", std::process::id());
            server_env.push(("FRONTDESK_REDIS_URL".into(), redis.clone()));
            server_env.push(("FRONTDESK_REDIS_PREFIX".into(), prefix));
        }
        let key = server::prepare(&bin, &work, &database, args.customers).await?;
        for i in 0..instances {
            let mut env = server_env.clone();
            env.push(("FRONTDESK_INSTANCE_ID".into(), format!("bench-{i}")));
            let log = format!("server-{i}.log");
            started.push(Server::start(&bin, &work, &database, &log, &env).await?);
        }
        let bases = started.iter().map(|s| s.base.clone()).collect();
        let redis = args
            .redis
            .as_deref()
            .map(|r| format!(" + Redis {}", server::redact(r)))
            .unwrap_or_default();
        let target = format!(
            "{} × {} serve on {}{redis}",
            instances,
            bin.display(),
            server::redact(&database)
        );
        admin_cmd = Some((bin.clone(), work.clone(), database.clone()));
        (bases, key, Some((bin, work.clone(), database)), target)
    };

    let ctx = Ctx {
        http: Http::round_robin(&bases),
        api_key,
        concurrency: args.concurrency.max(1),
        duration: Duration::from_secs_f64(args.duration.max(0.5)),
        warmup: Duration::from_secs(1),
        customers: args.customers.max(1),
        contention_attempts: args.contention_attempts,
        streams: args.streams,
        server_pids: started.iter().map(|s| s.pid).collect(),
        managed,
        admin: admin_cmd,
        server_env,
    };
    if !args.json {
        eprintln!("frontdesk-bench: {target}; scenarios {wanted:?}");
    }
    let mut rows: Vec<Row> = Vec::new();
    let mut failed = Vec::new();
    for scenario in &wanted {
        let name = format!("{scenario:?}");
        if !args.json {
            eprintln!("running {name}…");
        }
        let result = match scenario {
            Scenario::Tools => scenarios::tools(&ctx).await,
            Scenario::CallMix => scenarios::call_mix(&ctx).await,
            Scenario::Bookings => scenarios::bookings(&ctx).await,
            Scenario::Contention => scenarios::contention(&ctx).await,
            Scenario::SseStreams => scenarios::sse_streams(&ctx).await,
            Scenario::Startup => scenarios::startup(&ctx).await,
            Scenario::Console => scenarios::console(&ctx).await,
            Scenario::All => Ok(Vec::new()),
        };
        match result.with_context(|| format!("scenario {name}")) {
            Ok(r) => rows.extend(r),
            Err(e) => {
                eprintln!("{e:#}");
                rows.push(Row::text(&name, "failed", &format!("{e:#}")));
                failed.push(name);
            }
        }
    }

    for server in started {
        server.stop().await;
    }
    if let Some((admin, fresh)) = &fresh_pg
        && !args.keep
        && let Err(e) = server::drop_database(admin, fresh).await
    {
        eprintln!("could not drop {}: {e:#}", server::redact(fresh));
    }
    if args.keep {
        let kept = dir.keep();
        eprintln!("kept {}", kept.display());
    }

    let meta = json!({
        "target": target,
        "instances": ctx.http.instances(),
        "concurrency": ctx.concurrency,
        "duration_s": ctx.duration.as_secs_f64(),
        "client_threads": args.client_threads,
        "nproc": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
    });
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report::json_document(meta, &rows))?
        );
    } else {
        print!("{}", report::table(&rows));
    }
    if !failed.is_empty() {
        bail!("scenarios failed: {}", failed.join(", "));
    }
    Ok(())
}
