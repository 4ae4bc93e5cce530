//! The binary as an operator runs it: `demo`, `import`, `key`, `company`, `serve --demo`.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn frontdesk(db: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_frontdesk"))
        .args(args)
        .env("FRONTDESK_DATABASE", db)
        .env_remove("FRONTDESK_CONFIG")
        .output()
        .expect("run frontdesk")
}

fn stdout_json(out: &std::process::Output) -> serde_json::Value {
    assert!(out.status.success(), "failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("stdout is one JSON document")
}

#[test]
fn demo_prints_both_companies_with_fresh_keys_and_is_idempotent() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = format!("sqlite://{}", dir.path().join("new.db").display());

    let first = stdout_json(&frontdesk(&db, &["demo"]));
    let second = stdout_json(&frontdesk(&db, &["demo"]));

    let companies = first["companies"].as_array().expect("companies");
    let slugs: Vec<&str> = companies.iter().filter_map(|c| c["slug"].as_str()).collect();
    assert_eq!(slugs, ["beyond-the-club", "askproai-demo"]);
    for c in companies {
        assert!(c["id"].as_i64().is_some());
        assert!(c["name"].as_str().is_some());
        assert!(c["mcp_api_key"].as_str().is_some_and(|k| k.starts_with("fd_mcp_")));
        assert!(c["gateway_token"].as_str().is_some_and(|k| k.starts_with("fd_gw_")));
    }
    // Same companies, same ids; new keys each run.
    assert_eq!(first["companies"][0]["id"], second["companies"][0]["id"]);
    assert_eq!(first["companies"][1]["id"], second["companies"][1]["id"]);
    assert_ne!(first["companies"][0]["mcp_api_key"], second["companies"][0]["mcp_api_key"]);

    // The old keys stay valid: both runs' keys are listed, none revoked.
    let keys = frontdesk(&db, &["key", "list", "--company", "beyond-the-club"]);
    let listing = String::from_utf8_lossy(&keys.stdout);
    assert_eq!(listing.lines().skip(1).filter(|l| l.trim_end().ends_with(" -")).count(), 4, "{listing}");
    assert!(!listing.contains(first["companies"][0]["mcp_api_key"].as_str().unwrap_or("?")));
}

#[test]
fn keys_are_created_listed_and_revoked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = format!("sqlite://{}", dir.path().join("keys.db").display());
    stdout_json(&frontdesk(&db, &["demo"]));

    let created = frontdesk(&db, &["key", "create", "--company", "askproai-demo", "--kind", "gateway", "--name", "ops"]);
    assert!(created.status.success());
    let secret = String::from_utf8_lossy(&created.stdout).trim().to_string();
    assert!(secret.starts_with("fd_gw_"));

    let listing = String::from_utf8_lossy(&frontdesk(&db, &["key", "list", "--company", "askproai-demo"]).stdout).to_string();
    let line = listing.lines().find(|l| l.contains(" ops ")).expect("key listed by name");
    let id = line.split_whitespace().next().expect("id").to_string();

    let revoked = frontdesk(&db, &["key", "revoke", &id]);
    assert!(revoked.status.success());
    let after = String::from_utf8_lossy(&frontdesk(&db, &["key", "list", "--company", "askproai-demo"]).stdout).to_string();
    assert!(after.lines().find(|l| l.contains(" ops ")).is_some_and(|l| l.contains("UTC") && !l.trim_end().ends_with(" -")));

    let unknown = frontdesk(&db, &["key", "revoke", "999999"]);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("not found"));
}

#[test]
fn import_creates_then_updates_and_company_list_shows_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = format!("sqlite://{}", dir.path().join("import.db").display());
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/beyond-the-club.toml");

    let first = frontdesk(&db, &["import", example]);
    let second = frontdesk(&db, &["import", example]);
    let list = frontdesk(&db, &["company", "list"]);

    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    assert!(second.status.success());
    assert!(String::from_utf8_lossy(&first.stdout).contains("12 services"));
    let listing = String::from_utf8_lossy(&list.stdout);
    assert_eq!(listing.matches("beyond-the-club").count(), 1, "{listing}");
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
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("port").local_addr().expect("addr").port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_frontdesk"))
        .args(["serve", "--demo", "--bind", &format!("127.0.0.1:{port}")])
        .env("FRONTDESK_DATABASE", &db)
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
}
