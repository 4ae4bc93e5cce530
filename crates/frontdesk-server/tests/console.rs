//! The operator console over real HTTP: login and logout (a logged-out cookie is refused),
//! sessions ended at once by disabling the operator, one company's operator never reaching
//! another's booking, staff kept out of settings, forms refused without the session's CSRF
//! token, the engine's refusal shown without changing anything, login attempts rate limited,
//! and the security headers. The browser tests (tests/e2e/test_console.py) drive the same
//! pages in Chromium.

mod common;

use common::{TestApp, spawn_app_with_clock};
use frontdesk_domain::{BookingSource, BookingStatus, OperatorRole};
use frontdesk_engine::{BookRequest, Caller, FixedClock};
use frontdesk_server::ServerSettings;
use jiff::civil::{Time, date};
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use std::sync::Arc;

const JOHN: &str = "+491234567890";
const PASSWORD: &str = "front desk password";

/// Friday 2026-11-20 12:00 UTC.
async fn app() -> TestApp {
    let clock = Arc::new(FixedClock::new(
        "2026-11-20T12:00:00Z".parse().expect("instant"),
    ));
    spawn_app_with_clock(ServerSettings::default(), Some(clock)).await
}

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// The value a response sets for cookie `name`.
fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// The first `name="csrf"` value of a page.
fn csrf_of(html: &str) -> String {
    let at = html
        .find("name=\"csrf\" value=\"")
        .expect("a form with a csrf field");
    let rest = &html[at + "name=\"csrf\" value=\"".len()..];
    rest[..rest.find('"').expect("closing quote")].to_string()
}

/// An operator who reads the console in English (the demo businesses speak de-DE and pt-BR).
async fn operator(app: &TestApp, company_id: i64, email: &str, role: OperatorRole) {
    let op = app
        .engine
        .create_operator(company_id, email, role, PASSWORD)
        .await
        .expect("operator");
    app.engine
        .set_operator_language(company_id, op.id, Some("en-US"))
        .await
        .expect("language");
}

/// Logs in; the session cookie, or the failed answer.
async fn login(app: &TestApp, email: &str, password: &str) -> Result<String, reqwest::Response> {
    let http = browser();
    let page = http
        .get(app.url("/console/login"))
        .send()
        .await
        .expect("login page");
    let login_cookie = set_cookie(&page, "fd_console_login").expect("login cookie");
    let csrf = csrf_of(&page.text().await.expect("html"));
    let answer = http
        .post(app.url("/console/login"))
        .header(COOKIE, format!("fd_console_login={login_cookie}"))
        .form(&[("email", email), ("password", password), ("csrf", &csrf)])
        .send()
        .await
        .expect("login");
    match set_cookie(&answer, "fd_console").filter(|v| !v.is_empty()) {
        Some(token) if answer.status() == StatusCode::SEE_OTHER => Ok(token),
        _ => Err(answer),
    }
}

async fn get(app: &TestApp, token: &str, path: &str) -> reqwest::Response {
    browser()
        .get(app.url(path))
        .header(COOKIE, format!("fd_console={token}"))
        .send()
        .await
        .expect("page")
}

async fn post(app: &TestApp, token: &str, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
    browser()
        .post(app.url(path))
        .header(COOKIE, format!("fd_console={token}"))
        .form(form)
        .send()
        .await
        .expect("form")
}

/// The session's CSRF token, read off today's page.
async fn csrf_token(app: &TestApp, token: &str) -> String {
    csrf_of(
        &get(app, token, "/console")
            .await
            .text()
            .await
            .expect("html"),
    )
}

/// John's consultation on Tuesday 2026-11-24 at 10:00, booked by the phone agent.
async fn johns_booking(app: &TestApp) -> (i64, String) {
    let john: Caller = app
        .engine
        .identify(app.askpro_id, JOHN)
        .await
        .expect("identify")
        .caller;
    let mut req = BookRequest::new(
        date(2026, 11, 24),
        Time::constant(10, 0, 0, 0),
        BookingSource::Mcp,
    );
    req.service = Some("beratung".into());
    req.notify_customer = false;
    let booked = app.engine.book(&john, req).await.expect("book").booking;
    (booked.id, booked.voucher_code)
}

fn redirects_to_login(response: &reqwest::Response) -> bool {
    response.status() == StatusCode::SEE_OTHER
        && response
            .headers()
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            == Some("/console/login")
}

#[tokio::test]
async fn an_operator_logs_in_and_out_and_the_old_cookie_is_refused() {
    let app = app().await;
    operator(&app, app.askpro_id, "Desk@Example.com", OperatorRole::Staff).await;

    let wrong = login(&app, "desk@example.com", "not the password")
        .await
        .expect_err("a wrong password is refused");
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let text = wrong.text().await.expect("html");
    assert!(
        text.contains("The e-mail or the password is wrong."),
        "{text}"
    );
    let unknown = login(&app, "nobody@example.com", PASSWORD)
        .await
        .expect_err("an unknown e-mail is refused");
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);

    assert!(redirects_to_login(
        &get(&app, "fd_op_made_up", "/console").await
    ));
    let token = login(&app, "desk@example.com", PASSWORD)
        .await
        .expect("the e-mail is matched whatever its case");
    let today = get(&app, &token, "/console").await;
    assert_eq!(today.status(), StatusCode::OK);
    assert!(today.text().await.expect("html").contains("<h1>Today, "));

    let csrf = csrf_token(&app, &token).await;
    let out = post(&app, &token, "/console/logout", &[("csrf", &csrf)]).await;
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    assert_eq!(set_cookie(&out, "fd_console").as_deref(), Some(""));
    assert!(redirects_to_login(&get(&app, &token, "/console").await));
}

#[tokio::test]
async fn disabling_an_operator_ends_their_session_at_once() {
    let app = app().await;
    operator(&app, app.askpro_id, "desk@example.com", OperatorRole::Staff).await;
    let token = login(&app, "desk@example.com", PASSWORD)
        .await
        .expect("login");
    let me = app.engine.operators(app.askpro_id).await.expect("list")[0].id;
    app.engine
        .set_operator_disabled(app.askpro_id, me, true)
        .await
        .expect("disable");
    assert!(redirects_to_login(&get(&app, &token, "/console").await));
    assert!(login(&app, "desk@example.com", PASSWORD).await.is_err());
    app.engine
        .set_operator_disabled(app.askpro_id, me, false)
        .await
        .expect("enable");
    assert!(
        redirects_to_login(&get(&app, &token, "/console").await),
        "re-enabling does not revive an ended session"
    );
    assert!(login(&app, "desk@example.com", PASSWORD).await.is_ok());
}

#[tokio::test]
async fn an_operator_sees_their_companys_bookings_and_never_anothers() {
    let app = app().await;
    let (id, code) = johns_booking(&app).await;
    operator(
        &app,
        app.askpro_id,
        "desk@askpro.example",
        OperatorRole::Staff,
    )
    .await;
    operator(
        &app,
        app.beyond_id,
        "desk@beyond.example",
        OperatorRole::Owner,
    )
    .await;
    let own = login(&app, "desk@askpro.example", PASSWORD)
        .await
        .expect("login");
    let other = login(&app, "desk@beyond.example", PASSWORD)
        .await
        .expect("login");

    let agenda = get(&app, &own, "/console/agenda?date=2026-11-24").await;
    assert_eq!(agenda.status(), StatusCode::OK);
    let html = agenda.text().await.expect("html");
    assert!(html.contains(&code), "the voucher code is on the agenda");
    assert!(html.contains("Phone agent (MCP)"), "the source is shown");
    assert!(html.contains(&format!("/console/bookings/{id}")));
    let page = get(&app, &own, &format!("/console/bookings/{id}")).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.expect("html").contains(&code));

    let theirs = get(&app, &other, &format!("/console/bookings/{id}")).await;
    assert_eq!(theirs.status(), StatusCode::NOT_FOUND);
    assert!(!theirs.text().await.expect("html").contains(&code));
    let html = get(&app, &other, "/console/agenda?date=2026-11-24")
        .await
        .text()
        .await
        .expect("html");
    assert!(!html.contains(&code));
    let csrf = csrf_token(&app, &other).await;
    let cancel = post(
        &app,
        &other,
        &format!("/console/bookings/{id}/cancel"),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(cancel.status(), StatusCode::NOT_FOUND);
    let still = app
        .engine
        .booking_dossier(app.askpro_id, id)
        .await
        .expect("dossier");
    assert_eq!(still.booking.booking.status, BookingStatus::Confirmed);
}

#[tokio::test]
async fn staff_cannot_open_settings_and_owners_can() {
    let app = app().await;
    operator(
        &app,
        app.askpro_id,
        "staff@example.com",
        OperatorRole::Staff,
    )
    .await;
    operator(
        &app,
        app.askpro_id,
        "owner@example.com",
        OperatorRole::Owner,
    )
    .await;
    let staff = login(&app, "staff@example.com", PASSWORD)
        .await
        .expect("login");
    let owner = login(&app, "owner@example.com", PASSWORD)
        .await
        .expect("login");

    let today = get(&app, &staff, "/console")
        .await
        .text()
        .await
        .expect("html");
    assert!(!today.contains("/console/settings"), "no settings link");
    assert_eq!(
        get(&app, &staff, "/console/settings").await.status(),
        StatusCode::FORBIDDEN
    );
    let csrf = csrf_token(&app, &staff).await;
    let minted = post(
        &app,
        &staff,
        "/console/settings/keys",
        &[("csrf", &csrf), ("kind", "mcp"), ("name", "x")],
    )
    .await;
    assert_eq!(minted.status(), StatusCode::FORBIDDEN);
    let keys_before = app
        .engine
        .api_keys(app.askpro_id)
        .await
        .expect("keys")
        .len();

    assert_eq!(
        get(&app, &owner, "/console/settings").await.status(),
        StatusCode::OK
    );
    let csrf = csrf_token(&app, &owner).await;
    let minted = post(
        &app,
        &owner,
        "/console/settings/keys",
        &[("csrf", &csrf), ("kind", "mcp"), ("name", "front desk")],
    )
    .await;
    assert_eq!(minted.status(), StatusCode::OK);
    let html = minted.text().await.expect("html");
    let at = html
        .find("id=\"new-secret\"")
        .expect("the secret is shown once");
    let secret: String = html[at..]
        .split_once('>')
        .expect("tag end")
        .1
        .chars()
        .take_while(|c| *c != '<')
        .collect();
    assert!(secret.starts_with("fd_mcp_"), "{secret}");
    let session = app
        .create_session(&secret, serde_json::json!({"caller_id": JOHN}))
        .await;
    assert!(session.status().is_success(), "the new key opens sessions");
    assert_eq!(
        app.engine
            .api_keys(app.askpro_id)
            .await
            .expect("keys")
            .len(),
        keys_before + 1
    );
}

#[tokio::test]
async fn forms_without_the_sessions_csrf_token_change_nothing() {
    let app = app().await;
    let (id, _) = johns_booking(&app).await;
    operator(&app, app.askpro_id, "desk@example.com", OperatorRole::Staff).await;
    let token = login(&app, "desk@example.com", PASSWORD)
        .await
        .expect("login");
    let path = format!("/console/bookings/{id}/cancel");
    for csrf in ["", "forged"] {
        let refused = post(&app, &token, &path, &[("csrf", csrf)]).await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    }
    let dossier = app
        .engine
        .booking_dossier(app.askpro_id, id)
        .await
        .expect("dossier");
    assert_eq!(dossier.booking.booking.status, BookingStatus::Confirmed);

    let csrf = csrf_token(&app, &token).await;
    let done = post(
        &app,
        &token,
        &path,
        &[("csrf", &csrf), ("reason", "asked by phone")],
    )
    .await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    let dossier = app
        .engine
        .booking_dossier(app.askpro_id, id)
        .await
        .expect("dossier");
    assert_eq!(dossier.booking.booking.status, BookingStatus::Cancelled);
    assert!(
        dossier.events.iter().any(|e| e.kind == "cancelled"),
        "the audit trail has the cancellation"
    );
}

#[tokio::test]
async fn a_rule_that_says_no_is_shown_and_nothing_changes() {
    let app = app().await;
    let (id, _) = johns_booking(&app).await;
    operator(&app, app.askpro_id, "desk@example.com", OperatorRole::Staff).await;
    let token = login(&app, "desk@example.com", PASSWORD)
        .await
        .expect("login");
    let csrf = csrf_token(&app, &token).await;
    let refused = post(
        &app,
        &token,
        &format!("/console/bookings/{id}/move"),
        &[("csrf", &csrf), ("date", "2026-11-24"), ("time", "03:17")],
    )
    .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text().await.expect("html");
    assert!(html.contains("role=\"alert\""), "{html}");
    assert!(html.contains("(NO_SUCH_SLOT)"), "the rule's code is shown");
    let dossier = app
        .engine
        .booking_dossier(app.askpro_id, id)
        .await
        .expect("dossier");
    assert_eq!(dossier.booking.booking.time, "10:00");

    let moved = post(
        &app,
        &token,
        &format!("/console/bookings/{id}/move"),
        &[("csrf", &csrf), ("date", "2026-11-24"), ("time", "11:00")],
    )
    .await;
    assert_eq!(moved.status(), StatusCode::SEE_OTHER);
    let dossier = app
        .engine
        .booking_dossier(app.askpro_id, id)
        .await
        .expect("dossier");
    assert_eq!(dossier.booking.booking.time, "11:00");
}

#[tokio::test]
async fn login_attempts_are_rate_limited_per_address() {
    let app = app().await;
    operator(&app, app.askpro_id, "desk@example.com", OperatorRole::Staff).await;
    let mut statuses = Vec::new();
    for _ in 0..12 {
        let answer = login(&app, "desk@example.com", "wrong password!")
            .await
            .expect_err("wrong");
        statuses.push(answer.status());
    }
    assert!(
        statuses[..10]
            .iter()
            .all(|s| *s == StatusCode::UNAUTHORIZED),
        "{statuses:?}"
    );
    assert_eq!(statuses[10], StatusCode::TOO_MANY_REQUESTS);
    assert!(
        login(&app, "desk@example.com", PASSWORD).await.is_err(),
        "even the right password waits"
    );
}

#[tokio::test]
async fn every_console_answer_carries_the_security_headers() {
    let app = app().await;
    let page = browser()
        .get(app.url("/console/login"))
        .send()
        .await
        .expect("page");
    let header = |name: &str| {
        page.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let csp = header("content-security-policy");
    assert!(
        csp.contains("default-src 'none'") && csp.contains("script-src 'self'"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(header("x-frame-options"), "DENY");
    assert_eq!(header("cache-control"), "no-store");
    let cookie = header("set-cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let html = page.text().await.expect("html");
    let css = html
        .split("href=\"/console/assets/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the stylesheet link");
    let asset = browser()
        .get(app.url(&format!("/console/assets/{css}")))
        .send()
        .await
        .expect("asset");
    assert_eq!(asset.status(), StatusCode::OK);
    assert!(
        asset.headers()[reqwest::header::CACHE_CONTROL]
            .to_str()
            .expect("text")
            .contains("immutable")
    );
    let stale = browser()
        .get(app.url("/console/assets/console-000000000000.css"))
        .send()
        .await
        .expect("asset");
    assert_eq!(stale.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn closing_a_day_lists_its_bookings_first_and_then_the_agent_offers_nothing() {
    let app = app().await;
    let (_, code) = johns_booking(&app).await;
    operator(
        &app,
        app.askpro_id,
        "owner@example.com",
        OperatorRole::Owner,
    )
    .await;
    let owner = login(&app, "owner@example.com", PASSWORD)
        .await
        .expect("login");
    let on_the_day = async || {
        app.engine
            .closures(app.askpro_id)
            .await
            .expect("closures")
            .into_iter()
            .filter(|c| c.exception.date == date(2026, 11, 24))
            .collect::<Vec<_>>()
    };
    let settings = get(&app, &owner, "/console/settings")
        .await
        .text()
        .await
        .expect("html");
    let csrf = csrf_of(&settings);
    let branch = settings
        .split("name=\"branch_id\"><option value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a branch to close")
        .to_string();
    let close = [
        ("csrf", csrf.as_str()),
        ("branch_id", branch.as_str()),
        ("date", "2026-11-24"),
        ("reason", "Holiday"),
    ];
    let asked = post(&app, &owner, "/console/settings/closures", &close).await;
    assert_eq!(asked.status(), StatusCode::OK);
    let html = asked.text().await.expect("html");
    assert!(
        html.contains("id=\"affected\""),
        "the bookings are listed first"
    );
    assert!(html.contains(&code), "John's booking is among them");
    assert!(
        on_the_day().await.is_empty(),
        "nothing is saved before the owner confirms"
    );

    let mut confirmed = close.to_vec();
    confirmed.push(("confirm", "yes"));
    let saved = post(&app, &owner, "/console/settings/closures", &confirmed).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let closures = on_the_day().await;
    assert_eq!(closures.len(), 1);
    assert!(closures[0].exception.closed);
    let anyone = Caller::anonymous(app.askpro_id, None);
    let free = app
        .engine
        .availability(
            &anyone,
            &frontdesk_engine::AvailabilityQuery::on(date(2026, 11, 24)),
        )
        .await
        .expect("availability");
    assert!(free.slots.is_empty(), "the agent offers nothing that day");

    let reopen = [
        ("csrf", csrf.as_str()),
        ("branch_id", branch.as_str()),
        ("date", "2026-11-24"),
    ];
    let reopened = post(&app, &owner, "/console/settings/closures/remove", &reopen).await;
    assert_eq!(reopened.status(), StatusCode::SEE_OTHER);
    assert!(on_the_day().await.is_empty());
}

/// The text of `code#{id}` on a page.
fn code_with_id(html: &str, id: &str) -> String {
    let at = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} on the page"));
    html[at..]
        .split_once('>')
        .expect("tag end")
        .1
        .chars()
        .take_while(|c| *c != '<')
        .collect()
}

#[tokio::test]
async fn owners_mint_calendar_feeds_and_the_desk_edits_a_family() {
    let app = app().await;
    operator(
        &app,
        app.askpro_id,
        "owner@example.com",
        OperatorRole::Owner,
    )
    .await;
    let owner = login(&app, "owner@example.com", PASSWORD)
        .await
        .expect("login");
    let settings = get(&app, &owner, "/console/settings")
        .await
        .text()
        .await
        .expect("html");
    let csrf = csrf_of(&settings);
    let branch = settings
        .split("<option value=\"branch-")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a branch to subscribe to")
        .to_string();
    let minted = post(
        &app,
        &owner,
        "/console/settings/feeds",
        &[("csrf", csrf.as_str()), ("of", &format!("branch-{branch}"))],
    )
    .await;
    assert_eq!(minted.status(), StatusCode::OK);
    let url = code_with_id(&minted.text().await.expect("html"), "new-feed-url");
    let path = &url[url.find("/ical/").expect("a feed path")..];
    let feed = browser().get(app.url(path)).send().await.expect("feed");
    assert_eq!(feed.status(), StatusCode::OK);
    assert!(
        feed.text()
            .await
            .expect("ics")
            .starts_with("BEGIN:VCALENDAR")
    );
    let feed_id = app.engine.list_feeds("askproai-demo").await.expect("feeds")[0]
        .feed
        .id;
    let revoked = post(
        &app,
        &owner,
        &format!("/console/settings/feeds/{feed_id}/revoke"),
        &[("csrf", csrf.as_str())],
    )
    .await;
    assert_eq!(revoked.status(), StatusCode::SEE_OTHER);
    let gone = browser().get(app.url(path)).send().await.expect("feed");
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);

    let john = app
        .engine
        .find_customers(app.askpro_id, "1234567890")
        .await
        .expect("search");
    assert_eq!(john.len(), 1, "found by a part of the number");
    let page = format!("/console/customers/{}/members", john[0].id);
    let added = post(
        &app,
        &owner,
        &page,
        &[
            ("csrf", csrf.as_str()),
            ("name", "Mia Doe"),
            ("relationship", "child"),
        ],
    )
    .await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    let dossier = app
        .engine
        .customer_dossier(app.askpro_id, john[0].id)
        .await
        .expect("dossier");
    let mia = dossier
        .members
        .iter()
        .find(|m| m.member.name == "Mia Doe")
        .expect("Mia is in the family");
    assert_eq!(mia.member.relationship.as_deref(), Some("child"));
    let empty = post(
        &app,
        &owner,
        &page,
        &[("csrf", csrf.as_str()), ("name", " ")],
    )
    .await;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_console_speaks_the_business_language_until_the_operator_picks_another() {
    let app = app().await;
    app.engine
        .create_operator(
            app.askpro_id,
            "desk@example.com",
            OperatorRole::Staff,
            PASSWORD,
        )
        .await
        .expect("operator");
    let token = login(&app, "desk@example.com", PASSWORD)
        .await
        .expect("login");
    let html = get(&app, &token, "/console")
        .await
        .text()
        .await
        .expect("html");
    assert!(
        html.contains("<html lang=\"de-DE\">"),
        "the business's language"
    );
    assert!(html.contains(">Heute<"), "German navigation");
    let csrf = csrf_of(&html);
    let refused = post(
        &app,
        &token,
        "/console/account/language",
        &[("csrf", csrf.as_str()), ("language", "xx-XX")],
    )
    .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let picked = post(
        &app,
        &token,
        "/console/account/language",
        &[("csrf", csrf.as_str()), ("language", "fr-FR")],
    )
    .await;
    assert_eq!(picked.status(), StatusCode::SEE_OTHER);
    let html = get(&app, &token, "/console")
        .await
        .text()
        .await
        .expect("html");
    assert!(
        html.contains("<html lang=\"fr-FR\">"),
        "the operator's own choice"
    );
}
