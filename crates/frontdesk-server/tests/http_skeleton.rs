//! The HTTP skeleton over real HTTP on a random port: health, readiness, JSON errors for
//! unknown routes and oversized bodies, request ids, graceful shutdown.

use frontdesk_engine::Engine;
use frontdesk_server::{AppState, ServerSettings, serve};
use frontdesk_store_sqlite::SqliteStore;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;

struct TestApp {
    base: String,
    client: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    done: tokio::task::JoinHandle<std::io::Result<()>>,
    _dir: tempfile::TempDir,
}

async fn spawn_app() -> TestApp {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("fd.db").display());
    let store = SqliteStore::connect(&url).await.expect("store");
    let settings = ServerSettings {
        body_limit_bytes: 4096,
        ..ServerSettings::default()
    };
    let state = AppState::new(Engine::new(Arc::new(store)), settings);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let (stop, stopped) = oneshot::channel::<()>();
    let done = tokio::spawn(serve(listener, state, async move {
        let _ = stopped.await;
    }));
    TestApp {
        base,
        client: reqwest::Client::new(),
        stop: Some(stop),
        done,
        _dir: dir,
    }
}

#[tokio::test]
async fn health_and_readiness_answer_when_the_database_is_up() {
    let app = spawn_app().await;

    let health = app
        .client
        .get(format!("{}/healthz", app.base))
        .send()
        .await
        .expect("healthz");
    let ready = app
        .client
        .get(format!("{}/readyz", app.base))
        .send()
        .await
        .expect("readyz");

    assert_eq!(health.status(), 200);
    assert_eq!(ready.status(), 200);
    let body: serde_json::Value = ready.json().await.expect("json");
    assert_eq!(body["status"], "ready");
}

#[tokio::test]
async fn unknown_routes_get_a_json_error_with_a_code() {
    let app = spawn_app().await;

    let response = app
        .client
        .get(format!("{}/no/such/thing", app.base))
        .send()
        .await
        .expect("get");

    assert_eq!(response.status(), 404);
    let body: serde_json::Value = response.json().await.expect("json body");
    assert_eq!(body["code"], "NOT_FOUND");
    assert!(body["error"].as_str().is_some_and(|e| !e.is_empty()));
}

#[tokio::test]
async fn a_wrong_method_gets_a_json_405() {
    let app = spawn_app().await;

    let response = app
        .client
        .delete(format!("{}/healthz", app.base))
        .send()
        .await
        .expect("delete");

    assert_eq!(response.status(), 405);
    let body: serde_json::Value = response.json().await.expect("json body");
    assert_eq!(body["code"], "METHOD_NOT_ALLOWED");
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_keeps_the_clients() {
    let app = spawn_app().await;

    let generated = app
        .client
        .get(format!("{}/healthz", app.base))
        .send()
        .await
        .expect("get");
    let echoed = app
        .client
        .get(format!("{}/healthz", app.base))
        .header("x-request-id", "call-42")
        .send()
        .await
        .expect("get");

    assert!(
        generated
            .headers()
            .get("x-request-id")
            .is_some_and(|v| v.len() >= 32)
    );
    assert_eq!(
        echoed
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok()),
        Some("call-42")
    );
}

#[tokio::test]
async fn shutdown_stops_the_server_promptly() {
    let mut app = spawn_app().await;
    assert_eq!(
        app.client
            .get(format!("{}/healthz", app.base))
            .send()
            .await
            .expect("up")
            .status(),
        200
    );

    app.stop.take().expect("sender").send(()).expect("signal");
    let finished = tokio::time::timeout(Duration::from_secs(5), &mut app.done).await;

    assert!(
        matches!(finished, Ok(Ok(Ok(())))),
        "server did not stop cleanly: {finished:?}"
    );
    assert!(
        app.client
            .get(format!("{}/healthz", app.base))
            .send()
            .await
            .is_err()
    );
}
