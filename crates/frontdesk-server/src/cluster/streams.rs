//! Legacy SSE across instances: a stream is held by the instance the client connected to,
//! but its `POST /mcp/messages/?session_id=…` may land on any instance.
//!
//! Redis holds the registry, each entry with a TTL the holder refreshes while the stream
//! lives (so a dead instance's entries vanish by themselves):
//!
//! - `sse:stream:{stream_id}` → `{instance} {caller session id}`: where a stream's messages go;
//! - `sse:session:{caller session id}` → `{instance} {stream_id}`: the one stream of a caller
//!   session, taken with a compare-and-set, so the one-stream-per-session limit holds across
//!   instances.
//!
//! Each instance subscribes to its own channel `instance:{id}`. An instance that receives a
//! message for a stream it does not hold publishes it, with the caller, to the holder's
//! channel; the holder feeds it to the stream's MCP session, whose answers go out on the
//! stream. One subscriber connection per instance and one Redis server keep the messages of
//! a stream in the order they were accepted. Logging out on any instance publishes an `end`
//! to the holder.
//!
//! An instance that dies loses its subscription at once (Redis sees the connection close),
//! so a caller reconnecting elsewhere takes the session's stream over without waiting for
//! the TTL: a holder with no subscriber on its channel is gone.

use super::redis::{Redis, Unavailable};
use crate::mcp::hub::StreamHub;
use crate::mcp::with_caller;
use frontdesk_domain::{CompanyId, CustomerId};
use frontdesk_engine::Caller;
use futures::SinkExt;
use rmcp::model::ClientJsonRpcMessage;
use serde::{Deserialize, Serialize};
use std::sync::{Arc, LazyLock};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// How long a registry entry lives without a refresh.
pub const ENTRY_TTL: Duration = Duration::from_secs(30);
/// How often the holder refreshes its entries.
pub const REFRESH_EVERY: Duration = Duration::from_secs(10);
/// How long the subscriber waits for a full stream inbox before dropping a message.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(2);

/// `KEYS` the session entry and the stream entry; `ARGV` this instance, the stream id, the
/// caller session id, the TTL (ms), the channel prefix, the stream-entry prefix. Returns
/// `"ok"`, or the live holder's `{instance} {stream_id}`.
static CLAIM: LazyLock<redis::Script> = LazyLock::new(|| {
    redis::Script::new(
        r#"
local current = redis.call('GET', KEYS[1])
if current then
  local owner, old_stream = string.match(current, '^(%S+) (%S+)$')
  if owner and owner ~= ARGV[1] then
    local subscribers = redis.call('PUBSUB', 'NUMSUB', ARGV[5] .. owner)
    if tonumber(subscribers[2]) > 0 then
      return current
    end
  end
  if old_stream then
    redis.call('DEL', ARGV[6] .. old_stream)
  end
end
redis.call('SET', KEYS[1], ARGV[1] .. ' ' .. ARGV[2], 'PX', ARGV[4])
redis.call('SET', KEYS[2], ARGV[1] .. ' ' .. ARGV[3], 'PX', ARGV[4])
return 'ok'
"#,
    )
});

/// `KEYS` the session entry and the stream entry; `ARGV` this instance, the stream id, the
/// caller session id, the TTL (ms). Refreshes (or writes again, after Redis lost them) the
/// entries while they are this stream's; 0 when another instance took the session over.
static REFRESH: LazyLock<redis::Script> = LazyLock::new(|| {
    redis::Script::new(
        r#"
local mine = ARGV[1] .. ' ' .. ARGV[2]
local current = redis.call('GET', KEYS[1])
if current and current ~= mine then
  return 0
end
redis.call('SET', KEYS[1], mine, 'PX', ARGV[4])
redis.call('SET', KEYS[2], ARGV[1] .. ' ' .. ARGV[3], 'PX', ARGV[4])
return 1
"#,
    )
});

/// `KEYS` the session entry and the stream entry; `ARGV` this instance, the stream id.
/// Deletes both while they are this stream's.
static RELEASE: LazyLock<redis::Script> = LazyLock::new(|| {
    redis::Script::new(
        r#"
if redis.call('GET', KEYS[1]) == ARGV[1] .. ' ' .. ARGV[2] then
  redis.call('DEL', KEYS[1])
end
local stream = redis.call('GET', KEYS[2])
if stream and string.match(stream, '^(%S+)') == ARGV[1] then
  redis.call('DEL', KEYS[2])
end
return 1
"#,
    )
});

/// The caller of a forwarded message, as the receiving instance authenticated it.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct WireCaller {
    company_id: CompanyId,
    phone: Option<String>,
    customer_id: Option<CustomerId>,
}

impl From<&Caller> for WireCaller {
    fn from(c: &Caller) -> Self {
        WireCaller {
            company_id: c.company_id,
            phone: c.phone.clone(),
            customer_id: c.customer_id,
        }
    }
}

impl From<WireCaller> for Caller {
    fn from(c: WireCaller) -> Self {
        Caller {
            company_id: c.company_id,
            phone: c.phone,
            customer_id: c.customer_id,
        }
    }
}

/// What one instance publishes to another.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Envelope {
    /// Messages for a stream the receiver holds, in order.
    Messages {
        stream: String,
        session_id: i64,
        caller: WireCaller,
        messages: Vec<ClientJsonRpcMessage>,
    },
    /// The caller session ended (logout): end its stream.
    End { session_id: i64 },
}

/// The outcome of claiming a caller session's stream.
#[derive(Debug, PartialEq, Eq)]
pub enum Claim {
    Claimed,
    /// Another live instance holds the session's stream.
    HeldElsewhere,
}

/// The outcome of forwarding messages to the instance holding their stream.
#[derive(Debug, PartialEq, Eq)]
pub enum Forwarded {
    Delivered,
    /// No such stream for this caller session.
    Unknown,
    /// The stream's instance is gone: the stream has closed.
    HolderGone,
}

/// The SSE stream registry and message routing of one instance.
pub struct SharedStreams {
    redis: Arc<Redis>,
    instance_id: String,
}

impl SharedStreams {
    pub fn new(redis: Arc<Redis>, instance_id: String) -> Self {
        SharedStreams { redis, instance_id }
    }

    fn session_key(&self, session_id: i64) -> String {
        self.redis.key(format_args!("sse:session:{session_id}"))
    }

    fn stream_key(&self, stream_id: &str) -> String {
        self.redis.key(format_args!("sse:stream:{stream_id}"))
    }

    fn channel_of(&self, instance: &str) -> String {
        self.redis.key(format_args!("instance:{instance}"))
    }

    pub fn redis(&self) -> &Redis {
        &self.redis
    }

    /// Takes the caller session's one stream for `stream_id`, held by this instance.
    pub async fn claim(&self, session_id: i64, stream_id: &str) -> Result<Claim, Unavailable> {
        let (session_key, stream_key) = (self.session_key(session_id), self.stream_key(stream_id));
        let args = (
            self.instance_id.clone(),
            stream_id.to_string(),
            session_id,
            ENTRY_TTL.as_millis() as u64,
            self.redis.key("instance:"),
            self.redis.key("sse:stream:"),
        );
        let answer: String = self
            .redis
            .run("sse_claim", |mut c| async move {
                CLAIM
                    .key(session_key)
                    .key(stream_key)
                    .arg(args.0)
                    .arg(args.1)
                    .arg(args.2)
                    .arg(args.3)
                    .arg(args.4)
                    .arg(args.5)
                    .invoke_async(&mut c)
                    .await
            })
            .await?;
        Ok(if answer == "ok" {
            Claim::Claimed
        } else {
            Claim::HeldElsewhere
        })
    }

    /// Keeps the stream's entries alive; `Ok(false)` when another instance took the session
    /// over (this stream should end).
    pub async fn refresh(&self, session_id: i64, stream_id: &str) -> Result<bool, Unavailable> {
        let (session_key, stream_key) = (self.session_key(session_id), self.stream_key(stream_id));
        let (me, stream, ttl) = (
            self.instance_id.clone(),
            stream_id.to_string(),
            ENTRY_TTL.as_millis() as u64,
        );
        let kept: i64 = self
            .redis
            .run("sse_refresh", |mut c| async move {
                REFRESH
                    .key(session_key)
                    .key(stream_key)
                    .arg(me)
                    .arg(stream)
                    .arg(session_id)
                    .arg(ttl)
                    .invoke_async(&mut c)
                    .await
            })
            .await?;
        Ok(kept == 1)
    }

    /// Forgets the stream (it closed).
    pub async fn release(&self, session_id: i64, stream_id: &str) -> Result<(), Unavailable> {
        let (session_key, stream_key) = (self.session_key(session_id), self.stream_key(stream_id));
        let (me, stream) = (self.instance_id.clone(), stream_id.to_string());
        self.redis
            .run("sse_release", |mut c| async move {
                RELEASE
                    .key(session_key)
                    .key(stream_key)
                    .arg(me)
                    .arg(stream)
                    .invoke_async::<i64>(&mut c)
                    .await
            })
            .await?;
        Ok(())
    }

    /// Sends `messages` of `caller` to the instance holding `stream_id`, if the stream
    /// belongs to caller session `session_id`.
    pub async fn forward(
        &self,
        stream_id: &str,
        session_id: i64,
        caller: &Caller,
        messages: Vec<ClientJsonRpcMessage>,
    ) -> Result<Forwarded, Unavailable> {
        let stream_key = self.stream_key(stream_id);
        let entry: Option<String> = self
            .redis
            .run("sse_locate", |mut c| async move {
                redis::cmd("GET").arg(stream_key).query_async(&mut c).await
            })
            .await?;
        let Some((holder, owner_session)) = entry.as_deref().and_then(|e| e.split_once(' ')) else {
            return Ok(Forwarded::Unknown);
        };
        if owner_session.parse::<i64>().ok() != Some(session_id) {
            return Ok(Forwarded::Unknown);
        }
        if holder == self.instance_id {
            // Registered here but no longer in this instance's hub: it has closed.
            return Ok(Forwarded::HolderGone);
        }
        let envelope = Envelope::Messages {
            stream: stream_id.to_string(),
            session_id,
            caller: caller.into(),
            messages,
        };
        Ok(if self.publish(holder, &envelope).await? > 0 {
            Forwarded::Delivered
        } else {
            Forwarded::HolderGone
        })
    }

    /// Ends the caller session's stream wherever it is held (after a logout).
    pub async fn end_session(&self, session_id: i64) -> Result<(), Unavailable> {
        let session_key = self.session_key(session_id);
        let entry: Option<String> = self
            .redis
            .run("sse_locate", |mut c| async move {
                redis::cmd("GET").arg(session_key).query_async(&mut c).await
            })
            .await?;
        if let Some((holder, _)) = entry.as_deref().and_then(|e| e.split_once(' '))
            && holder != self.instance_id
        {
            self.publish(holder, &Envelope::End { session_id }).await?;
        }
        Ok(())
    }

    /// Publishes to `instance`'s channel; how many subscribers got it.
    async fn publish(&self, instance: &str, envelope: &Envelope) -> Result<i64, Unavailable> {
        let payload =
            serde_json::to_string(envelope).map_err(|e| Unavailable(format!("encoding: {e}")))?;
        let channel = self.channel_of(instance);
        self.redis
            .run("sse_publish", |mut c| async move {
                redis::cmd("PUBLISH")
                    .arg(channel)
                    .arg(payload)
                    .query_async(&mut c)
                    .await
            })
            .await
    }

    /// Receives what other instances publish to this one and hands it to the local streams,
    /// until `stop`; subscribes again by itself when the subscription is lost.
    pub async fn subscribe(self: Arc<Self>, hub: Arc<StreamHub>, stop: CancellationToken) {
        let channel = self.channel_of(&self.instance_id);
        let this = self.clone();
        self.redis
            .listen(
                "SSE messages",
                channel,
                |payload| {
                    let (this, hub) = (this.clone(), hub.clone());
                    async move { this.deliver(&hub, &payload).await }
                },
                |_| {},
                stop,
            )
            .await;
    }

    /// Hands one envelope to the local stream it is for.
    async fn deliver(&self, hub: &StreamHub, payload: &str) {
        let envelope: Envelope = match serde_json::from_str(payload) {
            Ok(e) => e,
            Err(e) => {
                tracing::warn!(error = %e, "an unreadable message from another instance was dropped");
                return;
            }
        };
        match envelope {
            Envelope::End { session_id } => hub.end_session(session_id),
            Envelope::Messages {
                stream,
                session_id,
                caller,
                messages,
            } => {
                let Some(mut inbox) = hub.inbox(&stream, session_id) else {
                    tracing::debug!(
                        session_id,
                        "messages for a stream that has closed were dropped"
                    );
                    return;
                };
                let caller = Caller::from(caller);
                for message in messages {
                    let sent = tokio::time::timeout(
                        DELIVERY_TIMEOUT,
                        inbox.send(with_caller(message, &caller)),
                    );
                    if !matches!(sent.await, Ok(Ok(()))) {
                        tracing::warn!(
                            session_id,
                            "a forwarded message could not reach its SSE stream"
                        );
                        return;
                    }
                }
            }
        }
    }
}
