//! The console's words: every message a template or a page asks for exists in English (the
//! fallback every locale falls back to), and every locale's file holds only messages English
//! has (a misspelt id in a translation would silently never show).

use std::collections::BTreeSet;
use std::path::Path;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The message ids of a Fluent file (`id = …` at the start of a line).
fn ids(path: &Path) -> BTreeSet<String> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
        .filter_map(|l| l.split_once(" =").map(|(id, _)| id.trim().to_string()))
        .collect()
}

/// String literals passed to the words' `.t("…")`, `.t1("…"` and `.t2("…"` in templates and
/// the console's Rust files.
fn asked_for(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for call in [".t(\"", ".t1(\"", ".t2(\""] {
        for part in text.split(call).skip(1) {
            if let Some(id) = part.split('"').next() {
                out.push(id.to_string());
            }
        }
    }
    out
}

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn every_message_the_console_asks_for_exists_in_english() {
    let english = ids(&Path::new(ROOT).join("../../locales/en-US/frontdesk-console.ftl"));
    let mut sources = Vec::new();
    files(&Path::new(ROOT).join("templates/console"), &mut sources);
    files(&Path::new(ROOT).join("src/console"), &mut sources);
    let mut missing = Vec::new();
    for path in sources {
        let text = std::fs::read_to_string(&path).expect("source");
        for id in asked_for(&text) {
            if !english.contains(&id) {
                missing.push(format!("{}: {id}", path.display()));
            }
        }
    }
    // Ids built at run time: a booking source, a status, a role, a notice after an action.
    for id in [
        "source-mcp",
        "source-retell",
        "source-vapi",
        "source-gateway",
        "source-admin",
        "source-waitlist",
        "source-console",
        "status-confirmed",
        "status-held",
        "status-cancelled",
        "status-completed",
        "status-no_show",
        "role-owner",
        "role-staff",
        "done-booked",
        "done-moved",
        "done-cancelled",
        "done-saved",
        "done-retried",
        "done-closed",
        "done-reopened",
        "done-key-revoked",
        "done-operator-added",
        "done-operator-disabled",
        "done-operator-enabled",
        "done-language",
        "url-mcp",
        "url-sse",
        "url-retell-function",
        "url-retell-webhook",
        "url-vapi",
        "url-gateway",
        "error-forbidden",
        "error-not-found",
        "login-failed",
        "login-expired",
        "login-too-many",
    ] {
        if !english.contains(id) {
            missing.push(id.to_string());
        }
    }
    assert!(
        missing.is_empty(),
        "not in en-US/frontdesk-console.ftl: {missing:#?}"
    );
}

#[test]
fn every_locale_says_only_what_english_says() {
    let locales = Path::new(ROOT).join("../../locales");
    let english = ids(&locales.join("en-US/frontdesk-console.ftl"));
    for entry in std::fs::read_dir(&locales).expect("locales").flatten() {
        let file = entry.path().join("frontdesk-console.ftl");
        if !file.exists() {
            continue;
        }
        let extra: Vec<String> = ids(&file).difference(&english).cloned().collect();
        assert!(extra.is_empty(), "{}: {extra:?}", file.display());
    }
}
