//! The delivery worker: takes the messages due on its channels, sends each, records how it
//! went. Runs inside `frontdesk serve` and as `frontdesk deliver`; any number of workers share
//! one database (a row is taken by one at a time, for a lease; a worker that dies mid-send
//! leaves its rows to be taken again when the lease ends: at least once).

use crate::channel::Channel;
use frontdesk_engine::Engine;
use frontdesk_engine::messages::{Attempt, RetryPolicy};
use frontdesk_store::{MessageStatus, Notification};
use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

/// How the worker paces itself.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// How often the queue is read when nothing rang (messages queued by another instance,
    /// reminders coming due, retries).
    pub poll: Duration,
    /// How long a taken message is this worker's before another may take it again.
    pub lease: Duration,
    /// Messages taken per round.
    pub batch: i64,
    /// Messages sent at the same time.
    pub concurrency: usize,
    pub retry: RetryPolicy,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        WorkerSettings {
            poll: Duration::from_secs(1),
            lease: Duration::from_secs(120),
            batch: 50,
            concurrency: 8,
            retry: RetryPolicy::default(),
        }
    }
}

pub struct Worker {
    engine: Engine,
    channels: HashMap<&'static str, Arc<dyn Channel>>,
    settings: WorkerSettings,
}

impl Worker {
    pub fn new(engine: Engine, channels: Vec<Arc<dyn Channel>>, settings: WorkerSettings) -> Self {
        Worker {
            engine,
            channels: channels.into_iter().map(|c| (c.name(), c)).collect(),
            settings,
        }
    }

    /// The channels this worker sends (rows of other channels stay pending).
    pub fn channel_names(&self) -> Vec<&'static str> {
        let mut names: Vec<_> = self.channels.keys().copied().collect();
        names.sort_unstable();
        names
    }

    /// Sends until `shutdown` resolves; the round in progress finishes first.
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        let names = self.channel_names();
        if names.is_empty() {
            tracing::info!("message delivery off: no channel is configured");
            return;
        }
        tracing::info!(channels = ?names, "message delivery started");
        let signal = self.engine.outbox_signal();
        tokio::pin!(shutdown);
        loop {
            let busy = match self.round(&names).await {
                Ok(n) => n as i64 >= self.settings.batch,
                Err(e) => {
                    tracing::warn!(error = %e, "message delivery: cannot read the queue");
                    false
                }
            };
            if busy {
                // A full batch: more is waiting.
                continue;
            }
            tokio::select! {
                _ = &mut shutdown => break,
                _ = signal.notified() => {}
                _ = tokio::time::sleep(self.settings.poll) => {}
            }
        }
        tracing::info!("message delivery stopped");
    }

    /// Takes what is due and sends it; returns how many were taken.
    pub async fn round(
        &self,
        names: &[&'static str],
    ) -> Result<usize, frontdesk_engine::EngineError> {
        let taken = self
            .engine
            .claim_messages(names, self.settings.lease, self.settings.batch)
            .await?;
        let count = taken.len();
        let semaphore = Arc::new(tokio::sync::Semaphore::new(
            self.settings.concurrency.max(1),
        ));
        let mut running = tokio::task::JoinSet::new();
        for message in taken {
            let Some(channel) = self.channels.get(message.channel.as_str()).cloned() else {
                continue;
            };
            let engine = self.engine.clone();
            let retry = self.settings.retry;
            let permit = semaphore.clone().acquire_owned().await;
            running.spawn(async move {
                let _permit = permit;
                deliver(&engine, channel.as_ref(), &message, &retry).await;
            });
        }
        while running.join_next().await.is_some() {}
        Ok(count)
    }
}

/// One attempt at one message, recorded whatever happens.
async fn deliver(
    engine: &Engine,
    channel: &dyn Channel,
    message: &Notification,
    retry: &RetryPolicy,
) {
    match engine.message_still_holds(message).await {
        Ok(true) => {}
        Ok(false) => {
            if let Err(e) = engine
                .withdraw_message(message, "the booking moved or was cancelled")
                .await
            {
                tracing::warn!(message_id = message.id, error = %e, "cannot withdraw a message");
            }
            return;
        }
        Err(e) => {
            finish(engine, message, Attempt::Transient(e.to_string()), retry).await;
            return;
        }
    }
    let attempt = match engine.message_company(message.company_id).await {
        Ok(company) => channel.send(engine, &company, message).await,
        Err(e) => Attempt::Transient(format!("reading the company: {e}")),
    };
    finish(engine, message, attempt, retry).await;
}

async fn finish(engine: &Engine, message: &Notification, attempt: Attempt, retry: &RetryPolicy) {
    let channel = message.channel.clone();
    let sent = matches!(attempt, Attempt::Sent { .. });
    match engine.finish_attempt(message, attempt, retry).await {
        Ok(done) => match done.status {
            MessageStatus::Sent => {
                metrics::counter!("frontdesk_messages_sent_total", "channel" => channel)
                    .increment(1);
                tracing::info!(message_id = done.id, kind = %done.kind, channel = %done.channel, "message sent");
            }
            MessageStatus::Failed => {
                metrics::counter!("frontdesk_messages_failed_total", "channel" => channel)
                    .increment(1);
                tracing::warn!(message_id = done.id, kind = %done.kind, channel = %done.channel,
                        error = done.last_error.as_deref().unwrap_or(""), "message failed");
            }
            _ => {
                metrics::counter!("frontdesk_message_retries_total", "channel" => channel)
                    .increment(1);
                tracing::info!(
                    message_id = done.id,
                    attempts = done.attempts,
                    error = done.last_error.as_deref().unwrap_or(""),
                    "message will be retried"
                );
            }
        },
        Err(e) => {
            // The row stays `sending` until its lease ends and is then taken again: a sent
            // message may go out twice, a failed one is retried; none is lost.
            tracing::warn!(message_id = message.id, sent, error = %e, "cannot record a message's attempt");
        }
    }
}
