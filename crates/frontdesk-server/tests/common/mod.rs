//! Starts the real app on a random port over a fresh SQLite file with the demo businesses,
//! and gives each test a client and fresh MCP keys.
#![allow(dead_code)]

use frontdesk_domain::ApiKeyKind;
use frontdesk_engine::{Clock, Engine};
use frontdesk_server::{AppState, ServerSettings, serve};
use frontdesk_store_sqlite::SqliteStore;
use serde_json::{Value, json};
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
    spawn_app_with_clock(settings, None).await
}

/// The app with the engine's clock pinned (`None`: the system clock).
pub async fn spawn_app_with_clock(
    settings: ServerSettings,
    clock: Option<Arc<dyn Clock>>,
) -> TestApp {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("fd.db").display());
    let store = SqliteStore::connect(&url).await.expect("store");
    let engine = match clock {
        Some(clock) => Engine::with_clock(Arc::new(store), clock),
        None => Engine::new(Arc::new(store)),
    }
    // Retell API keys are stored encrypted with the operator's key.
    .with_secret_key([7u8; 32]);
    let companies = engine.load_demo().await.expect("demo");
    let (beyond_id, askpro_id) = (companies[0].company.id, companies[1].company.id);
    let beyond_key = engine
        .create_api_key(beyond_id, ApiKeyKind::Mcp, None)
        .await
        .expect("key")
        .secret;
    let askpro_key = engine
        .create_api_key(askpro_id, ApiKeyKind::Mcp, None)
        .await
        .expect("key")
        .secret;
    let state = AppState::new(engine.clone(), settings);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
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
        let response = self
            .create_session(&self.beyond_key, json!({ "caller_id": caller_id }))
            .await;
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

    /// A fresh gateway token (an API key of kind `gateway`) of `company_id`.
    pub async fn gateway_token(&self, company_id: i64) -> String {
        self.engine
            .create_api_key(company_id, ApiKeyKind::Gateway, None)
            .await
            .expect("gateway key")
            .secret
    }

    /// `POST /api/mcp/gateway` with a JSON body.
    pub async fn gateway(&self, token: &str, body: &Value) -> reqwest::Response {
        self.client
            .post(self.url("/api/mcp/gateway"))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("POST /api/mcp/gateway")
    }

    /// `POST /api/mcp/gateway` with a raw body, as sent.
    pub async fn gateway_raw(&self, token: &str, body: &str) -> reqwest::Response {
        self.client
            .post(self.url("/api/mcp/gateway"))
            .bearer_auth(token)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .expect("POST /api/mcp/gateway")
    }
}

/// Retell and Vapi: signed requests and credentials.
impl TestApp {
    /// Gives the company a Retell API key and a Vapi secret (either may be `None`).
    pub async fn set_credentials(&self, company_id: i64, retell: Option<&str>, vapi: Option<&str>) {
        self.engine
            .set_company_credentials(company_id, retell, vapi)
            .await
            .expect("credentials");
    }

    /// `POST path` with the raw `body` and, when given, `X-Retell-Signature: signature`.
    pub async fn retell_post(
        &self,
        path: &str,
        body: &str,
        signature: Option<&str>,
    ) -> reqwest::Response {
        let mut request = self
            .client
            .post(self.url(path))
            .header("content-type", "application/json")
            .body(body.to_string());
        if let Some(signature) = signature {
            request = request.header("x-retell-signature", signature);
        }
        request.send().await.expect("POST retell")
    }
}
