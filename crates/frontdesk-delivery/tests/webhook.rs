//! The webhook channel against a local receiver (axum on a loopback port): each event arrives
//! as the Standard Webhooks envelope with `webhook-id`, `webhook-timestamp` and a
//! `webhook-signature` the receiver verifies with the endpoint's secret; a 500 is retried
//! with the same `webhook-id` and the same bytes; a 400 ends `failed`; a removed endpoint's
//! waiting events are withdrawn and nothing more is sent to it; an inside address is refused
//! when added unless private targets are allowed.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use frontdesk_delivery::{Channel, WebhookChannel, Worker, WorkerSettings};
use frontdesk_engine::Engine;
use frontdesk_engine::messages::RetryPolicy;
use frontdesk_store::{MessageQuery, MessageStatus, Notification};
use frontdesk_store_sqlite::SqliteStore;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the receiver got: headers and raw body of each request.
#[derive(Clone, Debug)]
struct Received {
    id: String,
    timestamp: String,
    signature: String,
    content_type: String,
    body: Bytes,
}

#[derive(Clone, Default)]
struct Receiver {
    got: Arc<Mutex<Vec<Received>>>,
    /// The statuses to answer, in order; 200 once they run out.
    answers: Arc<Mutex<VecDeque<StatusCode>>>,
}

impl Receiver {
    fn got(&self) -> Vec<Received> {
        self.got.lock().map(|g| g.clone()).unwrap_or_default()
    }

    fn answer(&self, statuses: &[u16]) {
        if let Ok(mut a) = self.answers.lock() {
            a.extend(
                statuses
                    .iter()
                    .filter_map(|s| StatusCode::from_u16(*s).ok()),
            );
        }
    }
}

async fn receive(State(r): State<Receiver>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    if let Ok(mut got) = r.got.lock() {
        got.push(Received {
            id: header("webhook-id"),
            timestamp: header("webhook-timestamp"),
            signature: header("webhook-signature"),
            content_type: header("content-type"),
            body,
        });
    }
    let next = r.answers.lock().ok().and_then(|mut a| a.pop_front());
    next.unwrap_or(StatusCode::OK)
}

/// A receiver on a loopback port; its URL.
async fn start_receiver() -> (Receiver, String) {
    let receiver = Receiver::default();
    let app = Router::new()
        .route("/hook", post(receive))
        .with_state(receiver.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a loopback port");
    let addr = listener.local_addr().expect("local address");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (receiver, format!("http://{addr}/hook"))
}

/// A receiver's check, written from the specification (not with the sender's code):
/// `v1,` + base64 HMAC-SHA256 of `id.timestamp.body` keyed with the secret's bytes.
fn verifies(secret: &str, r: &Received) -> bool {
    let Some(key) = secret
        .strip_prefix("whsec_")
        .and_then(|k| BASE64.decode(k).ok())
    else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&key) else {
        return false;
    };
    mac.update(format!("{}.{}.", r.id, r.timestamp).as_bytes());
    mac.update(&r.body);
    let expected = BASE64.encode(mac.finalize().into_bytes());
    r.signature
        .split(' ')
        .any(|s| s.strip_prefix("v1,") == Some(expected.as_str()))
}

struct Setup {
    engine: Engine,
    worker: Worker,
    company_id: i64,
    _dir: tempfile::TempDir,
}

async fn setup() -> Setup {
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = format!("sqlite://{}", dir.path().join("fd.db").display());
    let store = SqliteStore::connect(&url).await.expect("open SQLite");
    let engine = Engine::new(Arc::new(store))
        .with_secret_key([5u8; 32])
        .with_private_webhook_targets(true);
    engine.load_demo().await.expect("demo businesses");
    let company_id = engine
        .company_by_slug("askproai-demo")
        .await
        .expect("company")
        .id;
    let channels: Vec<Arc<dyn Channel>> =
        vec![Arc::new(WebhookChannel::new(true, Duration::from_secs(5)))];
    let worker = Worker::new(
        engine.clone(),
        channels,
        WorkerSettings {
            retry: RetryPolicy {
                first_retry: Duration::from_millis(10),
                max_wait: Duration::from_millis(10),
                max_attempts: 3,
            },
            ..WorkerSettings::default()
        },
    );
    Setup {
        engine,
        worker,
        company_id,
        _dir: dir,
    }
}

/// Worker rounds until `done` holds for the message (at most 10 s).
async fn deliver_until(s: &Setup, id: i64, done: impl Fn(&Notification) -> bool) -> Notification {
    for _ in 0..100 {
        s.worker.round(&["webhook"]).await.expect("a round");
        let message = s.engine.store().get_message(id).await.expect("message");
        if done(&message) {
            return message;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("message {id} did not reach the expected state");
}

#[tokio::test]
async fn an_event_arrives_signed_with_the_standard_webhooks_headers() {
    // Arrange
    let s = setup().await;
    let (receiver, url) = start_receiver().await;
    let added = s
        .engine
        .add_webhook(s.company_id, &url, &[], None)
        .await
        .expect("add the endpoint");

    // Act
    let queued = s
        .engine
        .test_webhook(added.endpoint.id)
        .await
        .expect("ping");
    let sent = deliver_until(&s, queued.id, |m| m.status != MessageStatus::Pending).await;

    // Assert
    assert_eq!(sent.status, MessageStatus::Sent, "{sent:?}");
    let got = receiver.got();
    assert_eq!(got.len(), 1);
    let r = &got[0];
    assert_eq!(r.id, format!("msg_{}", queued.id));
    assert_eq!(sent.provider_id.as_deref(), Some(r.id.as_str()));
    assert_eq!(r.content_type, "application/json");
    let at: i64 = r.timestamp.parse().expect("Unix seconds");
    let now = jiff::Timestamp::now().as_second();
    assert!((now - at).abs() < 30, "timestamp {at} is now ({now})");
    assert!(
        verifies(&added.secret, r),
        "signature {} verifies",
        r.signature
    );
    assert!(
        !verifies("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", r),
        "another secret does not"
    );
    let body: Value = serde_json::from_slice(&r.body).expect("JSON body");
    assert_eq!(body["type"], "webhook.test");
    assert_eq!(body["data"]["endpoint_id"], added.endpoint.id);
    let when: jiff::Timestamp = body["timestamp"]
        .as_str()
        .and_then(|t| t.parse().ok())
        .expect("an RFC 3339 timestamp");
    assert_eq!(when, queued.created_at);
}

#[tokio::test]
async fn a_500_is_retried_with_the_same_id_and_a_400_fails_with_the_answer() {
    // Arrange
    let s = setup().await;
    let (receiver, url) = start_receiver().await;
    let added = s
        .engine
        .add_webhook(s.company_id, &url, &[], None)
        .await
        .expect("add the endpoint");
    receiver.answer(&[500]);

    // Act: the first attempt gets a 500, the retry a 200.
    let first = s
        .engine
        .test_webhook(added.endpoint.id)
        .await
        .expect("ping");
    let sent = deliver_until(&s, first.id, |m| m.status == MessageStatus::Sent).await;

    // Assert
    assert_eq!(sent.attempts, 2);
    let got = receiver.got();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].id, got[1].id, "the same webhook-id on every attempt");
    assert_eq!(got[0].body, got[1].body, "the same bytes on every attempt");
    assert!(got.iter().all(|r| verifies(&added.secret, r)));

    // Act: a 400 is not retried.
    receiver.answer(&[400]);
    let second = s
        .engine
        .test_webhook(added.endpoint.id)
        .await
        .expect("ping");
    let failed = deliver_until(&s, second.id, |m| m.status != MessageStatus::Pending).await;

    // Assert
    assert_eq!(failed.status, MessageStatus::Failed, "{failed:?}");
    assert_eq!(failed.attempts, 1);
    assert!(
        failed.last_error.as_deref().unwrap_or("").contains("400"),
        "{failed:?}"
    );
    assert_eq!(receiver.got().len(), 3);
    // A failed webhook event announces no `message.failed` of its own.
    let log = s
        .engine
        .list_messages(MessageQuery {
            channel: Some("webhook".into()),
            ..MessageQuery::default()
        })
        .await
        .expect("delivery log");
    assert!(log.iter().all(|m| m.kind == "webhook.test"), "{log:?}");
}

#[tokio::test]
async fn a_removed_endpoint_gets_nothing_more() {
    // Arrange
    let s = setup().await;
    let (receiver, url) = start_receiver().await;
    let added = s
        .engine
        .add_webhook(s.company_id, &url, &[], None)
        .await
        .expect("add the endpoint");
    let waiting = s
        .engine
        .test_webhook(added.endpoint.id)
        .await
        .expect("ping");

    // Act
    s.engine
        .remove_webhook(added.endpoint.id)
        .await
        .expect("remove");
    let withdrawn = deliver_until(&s, waiting.id, |m| m.status != MessageStatus::Pending).await;

    // Assert
    assert_eq!(withdrawn.status, MessageStatus::Cancelled, "{withdrawn:?}");
    assert!(receiver.got().is_empty());
    assert!(s.engine.test_webhook(added.endpoint.id).await.is_err());
}

#[tokio::test]
async fn an_inside_address_is_refused_unless_private_targets_are_allowed() {
    let s = setup().await;
    let strict = Engine::new(s.engine.store().clone()).with_secret_key([5u8; 32]);
    let public = strict
        .add_webhook(s.company_id, "https://203.0.114.7/hook", &[], None)
        .await;
    assert!(public.is_ok(), "a public address: {public:?}");

    for url in [
        "http://127.0.0.1:9/hook",
        "http://10.0.0.1/hook",
        "http://localhost:9/hook",
    ] {
        let refused = strict.add_webhook(s.company_id, url, &[], None).await;
        assert!(refused.is_err(), "{url} accepted");
    }
    for url in [
        "ftp://example.com/hook",
        "not a url",
        "http://169.254.169.254/latest",
    ] {
        assert!(
            s.engine
                .add_webhook(s.company_id, url, &[], None)
                .await
                .is_err(),
            "{url} accepted"
        );
    }
    assert!(
        s.engine
            .add_webhook(
                s.company_id,
                "http://127.0.0.1:9/hook",
                &["booking.deleted".into()],
                None
            )
            .await
            .is_err(),
        "an unknown event"
    );
}
