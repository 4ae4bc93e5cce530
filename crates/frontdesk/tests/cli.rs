//! The binary as an operator runs it: `demo`, `import`, `key`, `company`, `serve --demo`.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn frontdesk(db: &str, args: &[&str]) -> std::process::Output {
    frontdesk_with(db, args, &[])
}

/// The secret key file of a test database: next to it, never in the source tree.
fn key_file(db: &str) -> std::path::PathBuf {
    let path = std::path::Path::new(db.strip_prefix("sqlite://").unwrap_or(db));
    path.parent()
        .unwrap_or(std::path::Path::new("."))
        .join("frontdesk.secret")
}

fn frontdesk_with(db: &str, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_frontdesk"));
    command
        .args(args)
        .env("FRONTDESK_DATABASE", db)
        .env("FRONTDESK_SECRET_KEY_FILE", key_file(db))
        .env_remove("FRONTDESK_SECRET_KEY")
        .env_remove("FRONTDESK_CONFIG");
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("run frontdesk")
}

/// An engine on the test database with the key the binary used (to check what it stored).
async fn engine_for(db: &str) -> frontdesk_engine::Engine {
    let text = std::fs::read_to_string(key_file(db)).expect("key file");
    let mut key = [0u8; 32];
    for (i, byte) in key.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text.trim()[2 * i..2 * i + 2], 16).expect("hex");
    }
    let store = frontdesk_store_sqlite::SqliteStore::connect(db)
        .await
        .expect("store");
    frontdesk_engine::Engine::new(std::sync::Arc::new(store)).with_secret_key(key)
}

fn stdout_json(out: &std::process::Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is one JSON document")
}

#[test]
fn demo_prints_both_companies_with_keys_once_and_is_idempotent() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = format!("sqlite://{}", dir.path().join("new.db").display());

    let first = stdout_json(&frontdesk(&db, &["demo"]));
    let second = stdout_json(&frontdesk(&db, &["demo"]));

    let companies = first["companies"].as_array().expect("companies");
    let slugs: Vec<&str> = companies
        .iter()
        .filter_map(|c| c["slug"].as_str())
        .collect();
    assert_eq!(slugs, ["beyond-the-club", "askproai-demo"]);
    for c in companies {
        assert!(c["id"].as_i64().is_some());
        assert!(c["name"].as_str().is_some());
        assert_eq!(c["created"], true);
        assert!(
            c["mcp_api_key"]
                .as_str()
                .is_some_and(|k| k.starts_with("fd_mcp_"))
        );
        assert!(
            c["gateway_token"]
                .as_str()
                .is_some_and(|k| k.starts_with("fd_gw_"))
        );
    }
    // Same companies, same ids; the second run mints nothing and says where the keys are.
    assert_eq!(first["companies"][0]["id"], second["companies"][0]["id"]);
    assert_eq!(first["companies"][1]["id"], second["companies"][1]["id"]);
    for c in second["companies"].as_array().expect("companies") {
        let entry = c.as_object().expect("entry");
        assert_eq!(c["created"], false);
        for secret in [
            "mcp_api_key",
            "gateway_token",
            "retell_api_key",
            "vapi_secret",
        ] {
            assert!(!entry.contains_key(secret), "{secret} printed again: {c}");
        }
    }
    assert!(
        second["note"]
            .as_str()
            .is_some_and(|n| n.contains("frontdesk key list") && n.contains("frontdesk key create")),
        "{second}"
    );

    // The first run's two keys, still valid, and no more.
    let keys = frontdesk(&db, &["key", "list", "--company", "beyond-the-club"]);
    let listing = String::from_utf8_lossy(&keys.stdout);
    assert_eq!(
        listing
            .lines()
            .skip(1)
            .filter(|l| l.trim_end().ends_with(" -"))
            .count(),
        2,
        "{listing}"
    );
    assert!(!listing.contains(first["companies"][0]["mcp_api_key"].as_str().unwrap_or("?")));

    // With its MCP key revoked, a company gets a new one on the next run (and only that one).
    let mcp_id = listing
        .lines()
        .find(|l| l.contains(" mcp "))
        .and_then(|l| l.split_whitespace().next())
        .expect("mcp key listed")
        .to_string();
    assert!(frontdesk(&db, &["key", "revoke", &mcp_id]).status.success());
    let third = stdout_json(&frontdesk(&db, &["demo"]));
    let beyond = third["companies"][0].as_object().expect("beyond");
    assert!(
        beyond["mcp_api_key"]
            .as_str()
            .is_some_and(|k| k.starts_with("fd_mcp_"))
    );
    assert!(!beyond.contains_key("gateway_token"));
}

#[test]
fn keys_are_created_listed_and_revoked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = format!("sqlite://{}", dir.path().join("keys.db").display());
    stdout_json(&frontdesk(&db, &["demo"]));

    let created = frontdesk(
        &db,
        &[
            "key",
            "create",
            "--company",
            "askproai-demo",
            "--kind",
            "gateway",
            "--name",
            "ops",
        ],
    );
    assert!(created.status.success());
    let secret = String::from_utf8_lossy(&created.stdout).trim().to_string();
    assert!(secret.starts_with("fd_gw_"));

    let listing = String::from_utf8_lossy(
        &frontdesk(&db, &["key", "list", "--company", "askproai-demo"]).stdout,
    )
    .to_string();
    let line = listing
        .lines()
        .find(|l| l.contains(" ops "))
        .expect("key listed by name");
    let id = line.split_whitespace().next().expect("id").to_string();

    let revoked = frontdesk(&db, &["key", "revoke", &id]);
    assert!(revoked.status.success());
    let after = String::from_utf8_lossy(
        &frontdesk(&db, &["key", "list", "--company", "askproai-demo"]).stdout,
    )
    .to_string();
    assert!(
        after
            .lines()
            .find(|l| l.contains(" ops "))
            .is_some_and(|l| l.contains("UTC") && !l.trim_end().ends_with(" -"))
    );

    let unknown = frontdesk(&db, &["key", "revoke", "999999"]);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("not found"));
}

#[test]
fn import_creates_then_updates_and_company_list_shows_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = format!("sqlite://{}", dir.path().join("import.db").display());
    let example = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/beyond-the-club.toml"
    );

    let first = frontdesk(&db, &["import", example]);
    let second = frontdesk(&db, &["import", example]);
    let list = frontdesk(&db, &["company", "list"]);

    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(second.status.success());
    assert!(String::from_utf8_lossy(&first.stdout).contains("12 services"));
    let listing = String::from_utf8_lossy(&list.stdout);
    assert_eq!(listing.matches("beyond-the-club").count(), 1, "{listing}");
}

/// A business in Mexico City imports as es-MX and is told its callers hear es-ES; a language
/// frontdesk ships exactly says nothing; a tag that is no language is refused.
#[test]
fn import_says_which_shipped_language_callers_hear() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = format!("sqlite://{}", dir.path().join("lang.db").display());
    let example = include_str!("../../../examples/beyond-the-club.toml");
    let write = |name: &str, language: &str| {
        let path = dir.path().join(name);
        let text = example.replace(
            "language = \"pt-BR\"",
            &format!("language = \"{language}\""),
        );
        std::fs::write(&path, text).expect("write");
        path
    };

    let mexico = write("mx.toml", "es-MX");
    let check = frontdesk(&db, &["import", "--check", mexico.to_str().expect("path")]);
    let imported = frontdesk(&db, &["import", mexico.to_str().expect("path")]);
    for out in [&check, &imported] {
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            stdout.contains("language es-MX: callers are answered in es-ES"),
            "{stdout}"
        );
        assert!(
            stdout.contains("fr-FR") && stdout.contains("pt-BR"),
            "{stdout}"
        );
    }

    let spain = write("es.toml", "es-ES");
    let exact = frontdesk(&db, &["import", spain.to_str().expect("path")]);
    assert!(exact.status.success());
    assert!(!String::from_utf8_lossy(&exact.stdout).contains("callers are answered"));

    let nonsense = write("bad.toml", "español");
    let refused = frontdesk(&db, &["import", nonsense.to_str().expect("path")]);
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("not a language tag"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
}

#[test]
fn a_bad_business_file_is_refused_with_the_reason_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = format!("sqlite://{}", dir.path().join("bad.db").display());
    let file = dir.path().join("bad.toml");
    std::fs::write(
        &file,
        "[company]\nslug = \"bad\"\nname = \"Bad\"\ntime_zone = \"Mars/Olympus\"\nlanguage = \"en-US\"\nphone_region = \"US\"\n[[branches]]\nname = \"Main\"\n",
    )
    .expect("write");

    let out = frontdesk(&db, &["import", file.to_str().expect("path")]);
    let list = frontdesk(&db, &["company", "list"]);

    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("Mars/Olympus"));
    assert!(!String::from_utf8_lossy(&list.stdout).contains("bad"));
}

#[test]
fn an_unsupported_database_url_is_refused_clearly() {
    let out = frontdesk("mysql://root@localhost/x", &["migrate"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unsupported database URL"));
}

#[test]
fn serve_demo_prints_keys_and_a_curl_line_then_becomes_ready() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = format!("sqlite://{}", dir.path().join("serve.db").display());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("port")
        .local_addr()
        .expect("addr")
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_frontdesk"))
        .args(["serve", "--demo", "--bind", &format!("127.0.0.1:{port}")])
        .env("FRONTDESK_DATABASE", &db)
        .env("FRONTDESK_SECRET_KEY_FILE", key_file(&db))
        .env_remove("FRONTDESK_SECRET_KEY")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let mut printed = String::new();
    for line in BufReader::new(stdout).lines().map_while(Result::ok) {
        printed.push_str(&line);
        printed.push('\n');
        if line.contains("curl") {
            break;
        }
    }

    let deadline = Instant::now() + Duration::from_secs(10);
    let mut ready = false;
    while Instant::now() < deadline && !ready {
        ready = std::net::TcpStream::connect(("127.0.0.1", port)).is_ok_and(|mut s| {
            use std::io::{Read, Write};
            let _ = s.write_all(b"GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            let mut answer = String::new();
            let _ = s.read_to_string(&mut answer);
            answer.starts_with("HTTP/1.1 200")
        });
        if !ready {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    let _ = child.kill();
    let _ = child.wait();

    assert!(ready, "server never became ready");
    assert!(printed.contains("fd_mcp_"), "{printed}");
    assert!(printed.contains("fd_gw_"), "{printed}");
    assert!(printed.contains("/mcp/auth/session"), "{printed}");
    assert!(printed.contains("+5511999999999"), "{printed}");
    assert!(
        printed.contains("key_demo_") && printed.contains("vapi_demo_"),
        "{printed}"
    );
}

#[tokio::test]
async fn demo_gives_the_askproai_company_a_retell_key_and_a_vapi_secret_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = format!("sqlite://{}", dir.path().join("voice.db").display());

    let first_out = frontdesk(&db, &["demo"]);
    let first = stdout_json(&first_out);
    let second = stdout_json(&frontdesk(&db, &["demo"]));

    let askpro = &first["companies"][1];
    assert_eq!(askpro["slug"], "askproai-demo");
    let retell = askpro["retell_api_key"]
        .as_str()
        .expect("retell_api_key")
        .to_string();
    let vapi = askpro["vapi_secret"]
        .as_str()
        .expect("vapi_secret")
        .to_string();
    assert!(
        retell.starts_with("key_demo_") && retell.len() > 30,
        "{retell}"
    );
    assert!(vapi.starts_with("vapi_demo_") && vapi.len() > 30, "{vapi}");
    let beyond = first["companies"][0].as_object().expect("beyond");
    assert!(!beyond.contains_key("retell_api_key") && !beyond.contains_key("vapi_secret"));
    let again = second["companies"][1].as_object().expect("askpro");
    assert!(
        !again.contains_key("retell_api_key") && !again.contains_key("vapi_secret"),
        "set once, kept after: {again:?}"
    );

    // The documented field order.
    let text = String::from_utf8_lossy(&first_out.stdout);
    let entry = &text[text
        .find("\"askproai-demo\"")
        .expect("entry")
        .saturating_sub(40)..];
    let at = |field: &str| entry.find(&format!("\"{field}\"")).unwrap_or(usize::MAX);
    let order: Vec<usize> = [
        "id",
        "slug",
        "name",
        "mcp_api_key",
        "gateway_token",
        "retell_api_key",
        "vapi_secret",
        "created",
    ]
    .iter()
    .map(|f| at(f))
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}\n{entry}");

    // What the first run printed is what is still stored: the key encrypted, the secret hashed.
    let engine = engine_for(&db).await;
    let company_id = second["companies"][1]["id"].as_i64().expect("id");
    let stored = engine.retell_api_key(company_id).await.expect("key");
    assert_eq!(stored.as_deref(), Some(retell.as_str()));
    let found = engine.company_by_vapi_secret(&vapi).await;
    assert_eq!(found.map(|c| c.slug).ok().as_deref(), Some("askproai-demo"));
}

/// Runs `serve --demo` until its banner is printed and the server answers `/readyz`, stops
/// it, and returns what it printed on stdout.
fn serve_demo_banner(db: &str) -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("port")
        .local_addr()
        .expect("addr")
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_frontdesk"))
        .args(["serve", "--demo", "--bind", &format!("127.0.0.1:{port}")])
        .env("FRONTDESK_DATABASE", db)
        .env("FRONTDESK_SECRET_KEY_FILE", key_file(db))
        .env_remove("FRONTDESK_SECRET_KEY")
        .env_remove("FRONTDESK_CONFIG")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let mut printed = String::new();
    for line in BufReader::new(stdout).lines().map_while(Result::ok) {
        printed.push_str(&line);
        printed.push('\n');
        if line.contains("curl") {
            break;
        }
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut ready = false;
    while Instant::now() < deadline && !ready {
        ready = std::net::TcpStream::connect(("127.0.0.1", port)).is_ok_and(|mut s| {
            use std::io::{Read, Write};
            let _ = s.write_all(b"GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            let mut answer = String::new();
            let _ = s.read_to_string(&mut answer);
            answer.starts_with("HTTP/1.1 200")
        });
        if !ready {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(ready, "server never became ready:\n{printed}");
    printed
}

#[tokio::test]
async fn demo_and_serve_demo_keep_the_credentials_and_bookings_an_operator_set() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = format!("sqlite://{}", dir.path().join("keep.db").display());
    let first_banner = serve_demo_banner(&db);
    assert!(first_banner.contains("fd_mcp_"), "{first_banner}");
    let set = frontdesk(
        &db,
        &[
            "company",
            "set",
            "askproai-demo",
            "--retell-api-key",
            "key_live_askpro",
            "--vapi-secret",
            "vapi_live_askpro",
        ],
    );
    assert!(
        set.status.success(),
        "{}",
        String::from_utf8_lossy(&set.stderr)
    );
    // The operator cancels the demo's one booking (John Doe's).
    let engine = engine_for(&db).await;
    let askpro = engine
        .company_by_slug("askproai-demo")
        .await
        .expect("askpro");
    let john = engine
        .identify(askpro.id, "+491234567890")
        .await
        .expect("john")
        .caller;
    let bookings = engine
        .bookings(&john, None, frontdesk_engine::BookingScope::All)
        .await
        .expect("bookings");
    assert_eq!(bookings.len(), 1);
    engine
        .cancel(
            &john,
            &frontdesk_engine::BookingRef::Id(bookings[0].id),
            None,
        )
        .await
        .expect("cancel");
    let keys_before = frontdesk(&db, &["key", "list", "--company", "askproai-demo"]);

    let second_banner = serve_demo_banner(&db);
    stdout_json(&frontdesk(&db, &["demo"]));
    let third_banner = serve_demo_banner(&db);

    for banner in [&second_banner, &third_banner] {
        assert!(
            !banner.contains("fd_mcp_") || banner.contains("fd_mcp_…"),
            "no new keys on a later start: {banner}"
        );
        assert!(!banner.contains("fd_gw_"), "{banner}");
        assert!(!banner.contains("key_demo_") && !banner.contains("vapi_demo_"));
        assert!(banner.contains("frontdesk key list"), "{banner}");
    }
    assert_eq!(
        frontdesk(&db, &["key", "list", "--company", "askproai-demo"]).stdout,
        keys_before.stdout,
        "no key minted"
    );
    assert_eq!(
        engine
            .retell_api_key(askpro.id)
            .await
            .expect("key")
            .as_deref(),
        Some("key_live_askpro")
    );
    assert_eq!(
        engine
            .company_by_vapi_secret("vapi_live_askpro")
            .await
            .map(|c| c.id)
            .ok(),
        Some(askpro.id)
    );
    let after = engine
        .bookings(&john, None, frontdesk_engine::BookingScope::All)
        .await
        .expect("bookings");
    assert_eq!(after.len(), 1, "no booking made again");
    assert_eq!(after[0].status.to_string(), "cancelled");
}

#[tokio::test]
async fn company_set_stores_the_retell_key_encrypted_and_the_vapi_secret_hashed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = format!("sqlite://{}", dir.path().join("creds.db").display());
    let demo = stdout_json(&frontdesk(&db, &["demo"]));
    let beyond_id = demo["companies"][0]["id"].as_i64().expect("id");

    let both = frontdesk(
        &db,
        &[
            "company",
            "set",
            "beyond-the-club",
            "--retell-api-key",
            "key_live_beyond",
            "--vapi-secret",
            "vapi_beyond",
        ],
    );
    assert!(
        both.status.success(),
        "{}",
        String::from_utf8_lossy(&both.stderr)
    );
    let said = String::from_utf8_lossy(&both.stdout);
    assert!(
        said.contains("beyond-the-club")
            && said.contains("Retell API key")
            && said.contains("Vapi secret"),
        "{said}"
    );
    assert!(
        !said.contains("key_live_beyond") && !said.contains("vapi_beyond"),
        "secrets are not echoed: {said}"
    );

    let engine = engine_for(&db).await;
    assert_eq!(
        engine
            .retell_api_key(beyond_id)
            .await
            .expect("key")
            .as_deref(),
        Some("key_live_beyond")
    );
    assert_eq!(
        engine
            .company_by_vapi_secret("vapi_beyond")
            .await
            .map(|c| c.id)
            .ok(),
        Some(beyond_id)
    );
    let raw = engine
        .store()
        .get_company_credentials(beyond_id)
        .await
        .expect("stored");
    assert!(
        raw.retell_api_key_enc
            .is_some_and(|v| v.starts_with("v1:") && !v.contains("key_live_beyond"))
    );

    // One of the two keeps the other.
    let vapi_only = frontdesk(
        &db,
        &[
            "company",
            "set",
            "beyond-the-club",
            "--vapi-secret",
            "vapi_beyond_2",
        ],
    );
    assert!(vapi_only.status.success());
    assert_eq!(
        engine
            .retell_api_key(beyond_id)
            .await
            .expect("key")
            .as_deref(),
        Some("key_live_beyond")
    );
    assert_eq!(
        engine
            .company_by_vapi_secret("vapi_beyond_2")
            .await
            .map(|c| c.id)
            .ok(),
        Some(beyond_id)
    );

    let neither = frontdesk(&db, &["company", "set", "beyond-the-club"]);
    assert!(!neither.status.success());
    assert!(String::from_utf8_lossy(&neither.stderr).contains("--retell-api-key"));
    let unknown = frontdesk(
        &db,
        &["company", "set", "no-such-company", "--vapi-secret", "x"],
    );
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("company not found"));
    let bad_key = frontdesk_with(
        &db,
        &[
            "company",
            "set",
            "beyond-the-club",
            "--retell-api-key",
            "key_x",
        ],
        &[("FRONTDESK_SECRET_KEY", "not-hex")],
    );
    assert!(!bad_key.status.success());
    assert!(
        String::from_utf8_lossy(&bad_key.stderr)
            .contains("FRONTDESK_SECRET_KEY must be 64 hex characters")
    );
    // A key from the environment replaces the file; values stored with another key do not decrypt.
    let env_key = "ab".repeat(32);
    let with_env = frontdesk_with(
        &db,
        &[
            "company",
            "set",
            "askproai-demo",
            "--retell-api-key",
            "key_env",
        ],
        &[("FRONTDESK_SECRET_KEY", &env_key)],
    );
    assert!(
        with_env.status.success(),
        "{}",
        String::from_utf8_lossy(&with_env.stderr)
    );
    let askpro_id = demo["companies"][1]["id"].as_i64().expect("id");
    assert!(
        engine.retell_api_key(askpro_id).await.is_err(),
        "stored with the environment's key"
    );
}

#[test]
fn commands_that_need_no_secret_key_create_no_key_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = format!("sqlite://{}", dir.path().join("plain.db").display());
    assert!(frontdesk(&db, &["migrate"]).status.success());
    assert!(frontdesk(&db, &["company", "list"]).status.success());
    assert!(!key_file(&db).exists());
}

#[test]
fn a_bad_redis_url_or_instance_id_stops_serve_with_the_setting_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = format!("sqlite://{}", dir.path().join("fd.db").display());
    let out = frontdesk(&db, &["serve", "--redis", "http://:secret@cache:6379"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("redis_url"), "{stderr}");
    assert!(!stderr.contains("secret"), "the password leaked: {stderr}");

    let out = frontdesk_with(&db, &["serve"], &[("FRONTDESK_INSTANCE_ID", "fd a")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("instance_id"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The binary with no database from the environment: only what `args` say, run in `dir` so
/// nothing lands in the source tree.
fn frontdesk_in(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_frontdesk"))
        .args(args)
        .current_dir(dir)
        .env_remove("FRONTDESK_DATABASE")
        .env_remove("FRONTDESK_CONFIG")
        .env_remove("FRONTDESK_SECRET_KEY")
        .env("FRONTDESK_SECRET_KEY_FILE", dir.join("frontdesk.secret"))
        .output()
        .expect("run frontdesk")
}

fn ok_stdout(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

#[test]
fn global_options_are_taken_before_or_after_any_subcommand() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = format!("sqlite://{}", dir.path().join("global.db").display());
    let config = dir.path().join("frontdesk.toml");
    std::fs::write(&config, format!("database = {db:?}\n")).expect("config");

    ok_stdout(&frontdesk_in(dir.path(), &["demo", "--database", &db]));
    for args in [
        vec!["company", "list", "--database", &db],
        vec!["--database", &db, "company", "list"],
        vec!["company", "--database", &db, "list"],
        vec![
            "company",
            "list",
            "--config",
            config.to_str().expect("path"),
        ],
    ] {
        let listing = ok_stdout(&frontdesk_in(dir.path(), &args));
        assert!(listing.contains("beyond-the-club"), "{args:?}: {listing}");
    }
    let keys = ok_stdout(&frontdesk_in(
        dir.path(),
        &[
            "key",
            "list",
            "--company",
            "beyond-the-club",
            "--database",
            &db,
        ],
    ));
    assert!(keys.contains("fd_mcp_"), "{keys}");
    ok_stdout(&frontdesk_in(dir.path(), &["migrate", "--database", &db]));
    assert!(
        !dir.path().join("frontdesk.db").exists(),
        "the default database was opened instead"
    );
}

#[test]
fn key_list_columns_line_up() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = format!("sqlite://{}", dir.path().join("cols.db").display());
    stdout_json(&frontdesk(&db, &["demo"]));
    for name in ["x", "a rather long name for a key"] {
        let created = frontdesk(
            &db,
            &[
                "key",
                "create",
                "--company",
                "beyond-the-club",
                "--kind",
                "gateway",
                "--name",
                name,
            ],
        );
        assert!(created.status.success());
    }
    let listing = ok_stdout(&frontdesk(
        &db,
        &["key", "list", "--company", "beyond-the-club"],
    ));
    let lines: Vec<&str> = listing.lines().collect();
    assert_eq!(lines.len(), 5, "{listing}");
    let column = |line: &str, what: &str| {
        line.chars()
            .collect::<String>()
            .find(what)
            .map(|b| line[..b].chars().count())
    };
    let prefix_at = column(lines[0], "PREFIX").expect("PREFIX");
    let created_at = column(lines[0], "CREATED").expect("CREATED");
    let revoked_at = column(lines[0], "REVOKED").expect("REVOKED");
    for line in &lines[1..] {
        assert_eq!(column(line, "fd_"), Some(prefix_at), "{listing}");
        assert_eq!(column(line, "20"), Some(created_at), "{listing}");
        let last = line.chars().count() - 1;
        assert!(last >= revoked_at, "{listing}");
        assert_eq!(
            line.chars().nth(revoked_at - 1),
            Some(' '),
            "REVOKED column starts after a space: {listing}"
        );
    }
}

#[test]
fn key_revoke_names_the_company_and_says_when_it_was_already_revoked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = format!("sqlite://{}", dir.path().join("revoke.db").display());
    stdout_json(&frontdesk(&db, &["demo"]));
    let listing = ok_stdout(&frontdesk(
        &db,
        &["key", "list", "--company", "askproai-demo"],
    ));
    let id = listing
        .lines()
        .nth(1)
        .and_then(|l| l.split_whitespace().next())
        .expect("a key")
        .to_string();

    let first = frontdesk(&db, &["key", "revoke", &id]);
    let said = ok_stdout(&first);
    assert!(
        said.contains("askproai-demo") && said.contains("revoked") && !said.contains("already"),
        "{said}"
    );
    let again = frontdesk(&db, &["key", "revoke", &id]);
    let said = ok_stdout(&again);
    assert!(
        said.contains("askproai-demo") && said.contains("already revoked"),
        "{said}"
    );
    let unknown = frontdesk(&db, &["key", "revoke", "424242"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("not found"));
}

#[test]
fn mcp_stdio_without_the_company_names_the_database_it_opened() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = format!("sqlite://{}", dir.path().join("empty.db").display());
    let out = frontdesk(
        &db,
        &[
            "mcp-stdio",
            "--company",
            "beyond-the-club",
            "--caller",
            "+5511999999999",
        ],
    );
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&db), "{stderr}");
    assert!(stderr.contains("no companies"), "{stderr}");
}

#[test]
fn human_logs_carry_no_colours_off_a_terminal_and_the_public_url_is_the_bound_address() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = format!("sqlite://{}", dir.path().join("logs.db").display());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("port")
        .local_addr()
        .expect("addr")
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_frontdesk"))
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .env("FRONTDESK_DATABASE", &db)
        .env("FRONTDESK_SECRET_KEY_FILE", key_file(&db))
        .env_remove("FRONTDESK_SECRET_KEY")
        .env_remove("FRONTDESK_PUBLIC_URL")
        .env_remove("FRONTDESK_LOG_FORMAT")
        .env_remove("FRONTDESK_CONFIG")
        .env_remove("NO_COLOR")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let stderr = child.stderr.take().expect("stderr");
    let mut log = String::new();
    for line in BufReader::new(stderr).lines().map_while(Result::ok) {
        log.push_str(&line);
        log.push('\n');
        if line.contains("frontdesk listening") {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(log.contains("frontdesk listening"), "{log}");
    assert!(!log.contains('\u{1b}'), "ANSI escapes in a pipe: {log:?}");
    assert!(
        log.contains(&format!("public_url=http://127.0.0.1:{port}")),
        "{log}"
    );
}

#[test]
fn default_config_shows_every_option_and_the_file_accepts_them_all() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = format!("sqlite://{}", dir.path().join("cfg.db").display());
    let example = ok_stdout(&frontdesk_in(dir.path(), &["default-config"]));
    for option in [
        "gateway_rate_per_minute = 100",
        "gateway_webhook_rate_per_minute = 1000",
        "gateway_test_rate_per_minute = 10",
        "session_ttl_secs = 600",
        "public_url",
    ] {
        assert!(example.contains(option), "{option} missing:\n{example}");
    }
    assert!(example.contains("at least 10"), "minimum session TTL");
    // Every option uncommented: the file takes them all.
    let uncommented: String = example
        .lines()
        .filter_map(|l| l.strip_prefix("# ").filter(|l| l.contains(" = ")))
        .map(|l| format!("{}\n", l.split("  ").next().unwrap_or(l).trim()))
        .collect();
    let config = dir.path().join("all.toml");
    std::fs::write(&config, &uncommented).expect("write");
    ok_stdout(&frontdesk_in(
        dir.path(),
        &[
            "migrate",
            "--config",
            config.to_str().expect("path"),
            "--database",
            &db,
        ],
    ));

    // A gateway limit from the file is used, and the minimum TTL is enforced with its value.
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "gateway_rate_per_minute = 0\n").expect("write");
    let out = frontdesk_in(
        dir.path(),
        &[
            "migrate",
            "--config",
            bad.to_str().expect("path"),
            "--database",
            &db,
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("gateway_rate_per_minute"));
    std::fs::write(&bad, "session_ttl_secs = 5\n").expect("write");
    let out = frontdesk_in(
        dir.path(),
        &[
            "migrate",
            "--config",
            bad.to_str().expect("path"),
            "--database",
            &db,
        ],
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("session_ttl_secs must be at least 10"));
}

#[tokio::test]
async fn export_round_trips_and_import_check_shows_what_an_edit_retires_without_changing_anything()
{
    let dir = tempfile::tempdir().expect("tempdir");
    let db = format!("sqlite://{}", dir.path().join("export.db").display());
    stdout_json(&frontdesk(&db, &["demo"]));

    // The demo businesses, exported and checked: nothing would change.
    for (slug, format, name) in [
        ("beyond-the-club", "toml", "beyond.toml"),
        ("askproai-demo", "yaml", "askpro.yaml"),
    ] {
        let text = ok_stdout(&frontdesk(
            &db,
            &["export", "--company", slug, "--format", format],
        ));
        let path = dir.path().join(name);
        std::fs::write(&path, &text).expect("write");
        let parsed = frontdesk_engine::import::BusinessFile::from_path(&path).expect("parses");
        assert_eq!(parsed.company.slug, slug);
        let check = ok_stdout(&frontdesk(
            &db,
            &["import", "--check", path.to_str().expect("path")],
        ));
        assert!(check.contains("no changes"), "{slug}: {check}");
    }

    // John Doe's demo booking; its service taken out of the exported file.
    let engine = engine_for(&db).await;
    let askpro = engine
        .company_by_slug("askproai-demo")
        .await
        .expect("askpro");
    let john = engine
        .identify(askpro.id, "+491234567890")
        .await
        .expect("john")
        .caller;
    let booking = engine
        .bookings(&john, None, frontdesk_engine::BookingScope::Upcoming)
        .await
        .expect("bookings")
        .remove(0);
    let path = dir.path().join("askpro.yaml");
    let mut file = frontdesk_engine::import::BusinessFile::from_path(&path).expect("parses");
    let before = file.services.len();
    file.services.retain(|s| s.code != booking.service_code);
    assert_eq!(file.services.len(), before - 1);
    let edited = dir.path().join("edited.yaml");
    std::fs::write(&edited, file.to_text("yaml").expect("yaml")).expect("write");
    let edited = edited.to_str().expect("path");

    let check = ok_stdout(&frontdesk(&db, &["import", "--check", edited]));
    assert!(
        check.contains(&format!("services retired: {}", booking.service_code)),
        "{check}"
    );
    assert!(
        check.contains(&format!("booking {}", booking.id)) && check.contains("service retired"),
        "{check}"
    );
    assert!(check.contains("nothing was changed"), "{check}");
    let offered = |info: frontdesk_engine::BusinessInfo| {
        info.services.iter().any(|s| s.code == booking.service_code)
    };
    assert!(
        offered(engine.business_info(&john).await.expect("info")),
        "--check changed nothing"
    );

    let imported = ok_stdout(&frontdesk(&db, &["import", edited]));
    assert!(
        imported.contains("retired services") && imported.contains(&booking.service_code),
        "{imported}"
    );
    // A fresh engine (no cached catalogue) sees what the binary wrote.
    let engine = engine_for(&db).await;
    assert!(!offered(engine.business_info(&john).await.expect("info")));
    let still = engine
        .bookings(&john, None, frontdesk_engine::BookingScope::Upcoming)
        .await
        .expect("bookings");
    assert!(still.iter().any(|b| b.id == booking.id), "still visible");
    let cancelled = engine
        .cancel(&john, &frontdesk_engine::BookingRef::Id(booking.id), None)
        .await
        .expect("still cancellable");
    assert_eq!(cancelled.booking.status.to_string(), "cancelled");
    let again = ok_stdout(&frontdesk(&db, &["import", "--check", edited]));
    assert!(again.contains("no changes"), "{again}");
}

#[tokio::test]
async fn global_database_flag_after_the_subcommand_reaches_postgres() {
    let Some(pg) = support::PgDatabase::create_or_skip("global_database_flag_on_postgres").await
    else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let url = pg.url();
    ok_stdout(&frontdesk_in(dir.path(), &["demo", "--database", &url]));
    let listing = ok_stdout(&frontdesk_in(
        dir.path(),
        &["company", "list", "--database", &url],
    ));
    assert!(listing.contains("askproai-demo"), "{listing}");
    let keys = ok_stdout(&frontdesk_in(
        dir.path(),
        &[
            "key",
            "list",
            "--company",
            "askproai-demo",
            "--database",
            &url,
        ],
    ));
    assert!(keys.contains("fd_gw_"), "{keys}");
    assert!(!dir.path().join("frontdesk.db").exists());
}

/// `frontdesk ARGS` with `input` on standard input.
fn frontdesk_stdin(db: &str, args: &[&str], input: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_frontdesk"))
        .args(args)
        .env("FRONTDESK_DATABASE", db)
        .env("FRONTDESK_SECRET_KEY_FILE", key_file(db))
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
        .expect("write stdin");
    child.wait_with_output().expect("wait")
}

#[tokio::test]
async fn operators_are_created_from_stdin_listed_disabled_and_log_in() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = format!("sqlite://{}", dir.path().join("ops.db").display());
    assert!(
        frontdesk(&db, &["import", "../../examples/askproai-demo.yaml"])
            .status
            .success()
    );
    let create = |email: &str, input: &str| {
        frontdesk_stdin(
            &db,
            &[
                "operator",
                "create",
                "--company",
                "askproai-demo",
                "--email",
                email,
                "--role",
                "owner",
                "--password-stdin",
            ],
            input,
        )
    };
    let made = create("Desk@Example.com", "a long password\n");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    for (email, input, why) in [
        ("other@example.com", "", "no password on standard input"),
        ("other@example.com", "short\n", "at least 10 characters"),
        ("desk@example.com", "a long password\n", "exists"),
        ("not-an-email", "a long password\n", "e-mail"),
    ] {
        let refused = create(email, input);
        assert!(!refused.status.success(), "{email} {input:?} was accepted");
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert!(stderr.contains(why), "{why}: {stderr}");
    }
    let no_stdin_flag = frontdesk(
        &db,
        &[
            "operator",
            "create",
            "--company",
            "askproai-demo",
            "--email",
            "x@example.com",
        ],
    );
    assert!(
        !no_stdin_flag.status.success(),
        "the password never comes from argv"
    );

    let list = frontdesk(&db, &["operator", "list", "--company", "askproai-demo"]);
    let text = String::from_utf8_lossy(&list.stdout);
    assert!(
        text.contains("desk@example.com") && text.contains("owner"),
        "{text}"
    );
    assert!(text.contains("active"), "{text}");

    let engine = engine_for(&db).await;
    assert!(
        engine
            .operator_login("desk@example.com", "a long password")
            .await
            .expect("login")
            .is_some()
    );
    let disabled = frontdesk(
        &db,
        &[
            "operator",
            "disable",
            "--company",
            "askproai-demo",
            "--email",
            "DESK@example.com",
        ],
    );
    assert!(
        disabled.status.success(),
        "{}",
        String::from_utf8_lossy(&disabled.stderr)
    );
    assert!(
        engine
            .operator_login("desk@example.com", "a long password")
            .await
            .expect("login")
            .is_none()
    );
    let text = String::from_utf8_lossy(
        &frontdesk(&db, &["operator", "list", "--company", "askproai-demo"]).stdout,
    )
    .to_string();
    assert!(text.contains("disabled"), "{text}");
}

#[tokio::test]
async fn bookings_list_prints_a_days_bookings_for_scripts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = format!("sqlite://{}", dir.path().join("list.db").display());
    stdout_json(&frontdesk(&db, &["demo"]));
    let engine = engine_for(&db).await;
    let company = engine
        .company_by_slug("askproai-demo")
        .await
        .expect("company");
    let john = engine
        .identify(company.id, "+491234567890")
        .await
        .expect("john")
        .caller;
    let today = engine.today(company.id).await.expect("today");
    let mut query =
        frontdesk_engine::AvailabilityQuery::on(today.saturating_add(jiff::Span::new().days(7)));
    query.to = today.saturating_add(jiff::Span::new().days(13));
    let slot = engine
        .availability(&john, &query)
        .await
        .expect("availability")
        .slots
        .into_iter()
        .next()
        .expect("a free slot next week");
    let mut req = frontdesk_engine::BookRequest::new(
        slot.date,
        slot.time,
        frontdesk_domain::BookingSource::Mcp,
    );
    req.service_id = Some(slot.service_id);
    req.notify_customer = false;
    let code = engine
        .book(&john, req)
        .await
        .expect("book")
        .booking
        .voucher_code;

    let day = slot.date.to_string();
    let json = stdout_json(&frontdesk(
        &db,
        &[
            "bookings",
            "list",
            "--company",
            "askproai-demo",
            "--date",
            &day,
            "--json",
        ],
    ));
    let listed = json.as_array().expect("a list");
    assert_eq!(listed.len(), 1, "{json}");
    assert_eq!(listed[0]["voucher_code"], code.as_str());
    assert_eq!(listed[0]["customer_phone"], "+491234567890");
    assert_eq!(listed[0]["status"], "confirmed");
    assert_eq!(listed[0]["source"], "mcp");
    let table = frontdesk(
        &db,
        &[
            "bookings",
            "list",
            "--company",
            "askproai-demo",
            "--date",
            &day,
        ],
    );
    assert!(String::from_utf8_lossy(&table.stdout).contains(&code));

    let empty = stdout_json(&frontdesk(
        &db,
        &[
            "bookings",
            "list",
            "--company",
            "askproai-demo",
            "--date",
            "2099-01-05",
            "--json",
        ],
    ));
    assert_eq!(
        empty,
        serde_json::json!([]),
        "a day without bookings is an empty list"
    );
    let refused = frontdesk(
        &db,
        &[
            "bookings",
            "list",
            "--company",
            "askproai-demo",
            "--date",
            "tomorrow-ish",
        ],
    );
    assert!(!refused.status.success(), "a bad date is refused");
    let unknown = frontdesk(&db, &["bookings", "list", "--company", "nobody"]);
    assert!(!unknown.status.success());
}
