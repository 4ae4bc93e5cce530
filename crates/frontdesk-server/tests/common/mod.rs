//! Starts the real app on a random port over a fresh SQLite file with the demo businesses,
//! and gives each test a client and fresh MCP keys.
#![allow(dead_code)]

use frontdesk_domain::ApiKeyKind;
use frontdesk_engine::Engine;
use frontdesk_server::{serve, AppState, ServerSettings};
use frontdesk_store_sqlite::SqliteStore;
use serde_json::{json, Value};
use std::sync::Arc;
use tokio::sync::oneshot;

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub engine: Engine,
    pub beyond_key: String,
    pub askpro_key: String,
    pub beyond_id: i64,
    pub askpro_id: i64,
    stop: Option<oneshot::Sender<()>>,
    _dir: tempfile::TempDir,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(ServerSettings::default()).await
}

pub async fn spawn_app_with(settings: ServerSettings) -> TestApp {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("fd.db").display());
    let store = SqliteStore::connect(&url).await.expect("store");
    let engine = Engine::new(Arc::new(store));
    let companies = engine.load_demo().await.expect("demo");
    let (beyond_id, askpro_id) = (companies[0].company.id, companies[1].company.id);
    let beyond_key = engine.create_api_key(beyond_id, ApiKeyKind::Mcp, None).await.expect("key").secret;
    let askpro_key = engine.create_api_key(askpro_id, ApiKeyKind::Mcp, None).await.expect("key").secret;
    let state = AppState::new(engine.clone(), settings);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(serve(listener, state, async move {
        let _ = stopped.await;
    }));
    TestApp {
        base,
        client: reqwest::Client::new(),
        engine,
        beyond_key,
        askpro_key,
        beyond_id,
        askpro_id,
        stop: Some(stop),
        _dir: dir,
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn create_session(&self, key: &str, body: Value) -> reqwest::Response {
        self.client
            .post(self.url("/mcp/auth/session"))
            .header("x-api-key", key)
            .json(&body)
            .send()
            .await
            .expect("POST /mcp/auth/session")
    }

    /// A session token for `caller_id` at Beyond The Club.
    pub async fn session_token(&self, caller_id: &str) -> String {
        let response = self.create_session(&self.beyond_key, json!({ "caller_id": caller_id })).await;
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.expect("json");
        body["session_token"].as_str().expect("token").to_string()
    }

    pub async fn rpc(&self, token: &str, body: Value) -> reqwest::Response {
        self.client
            .post(self.url("/mcp/messages/"))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .expect("POST /mcp/messages/")
    }
}
