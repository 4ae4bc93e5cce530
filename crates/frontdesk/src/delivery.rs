//! The delivery worker as the binary runs it: the channels the configuration turns on, inside
//! `serve` or on its own (`frontdesk deliver`).

use crate::config::{Config, DeliveryConfig};
use frontdesk_delivery::twilio::STATUS_CALLBACK_PATH;
use frontdesk_delivery::{
    Channel, Email, SmtpSettings, TwilioSettings, TwilioSms, WebhookChannel, Worker, WorkerSettings,
};
use frontdesk_engine::Engine;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

/// The channels the configuration turns on (none: messages wait as `pending`).
pub fn channels(
    delivery: &DeliveryConfig,
    public_url: &str,
    allow_private: bool,
) -> anyhow::Result<Vec<Arc<dyn Channel>>> {
    let mut channels: Vec<Arc<dyn Channel>> = Vec::new();
    if let Some(t) = &delivery.twilio {
        let sms = TwilioSms::new(TwilioSettings {
            account_sid: t.account_sid.clone(),
            auth_token: t.auth_token.clone(),
            from: t.from.clone(),
            messaging_service_sid: t.messaging_service_sid.clone(),
            api_base: t.api_base.clone(),
            status_callback: Some(format!(
                "{}{STATUS_CALLBACK_PATH}",
                public_url.trim_end_matches('/')
            )),
            timeout: Duration::from_secs(15),
        })
        .map_err(anyhow::Error::msg)?;
        channels.push(Arc::new(sms));
    }
    if let Some(m) = &delivery.smtp {
        let email = Email::new(&SmtpSettings {
            url: m.url.clone(),
            from: m.from.clone(),
            timeout: Duration::from_secs(30),
        })
        .map_err(anyhow::Error::msg)?;
        channels.push(Arc::new(email));
    }
    // Webhooks need no provider: on wherever the worker runs.
    channels.push(Arc::new(WebhookChannel::new(
        allow_private,
        Duration::from_secs(10),
    )));
    Ok(channels)
}

/// Why each channel's messages wait, for `messages list` (empty: every channel is on).
pub fn off_channels(delivery: &DeliveryConfig) -> Vec<(&'static str, &'static str)> {
    let mut off = Vec::new();
    if delivery.twilio.is_none() {
        off.push((
            "sms",
            "no SMS provider is configured (FRONTDESK_TWILIO_ACCOUNT_SID and FRONTDESK_TWILIO_AUTH_TOKEN)",
        ));
    }
    if delivery.smtp.is_none() {
        off.push((
            "email",
            "no SMTP server is configured (FRONTDESK_SMTP_URL and FRONTDESK_MAIL_FROM)",
        ));
    }
    off
}

pub fn worker(engine: Engine, config: &Config) -> anyhow::Result<Worker> {
    let channels = channels(
        &config.delivery,
        &config.server.public_url,
        config.server.allow_private_webhook_targets,
    )?;
    Ok(Worker::new(
        engine,
        channels,
        WorkerSettings {
            retry: config.delivery.retry,
            lease: config.delivery.lease,
            ..WorkerSettings::default()
        },
    ))
}

/// `frontdesk deliver`: sends until SIGTERM or Ctrl-C.
pub async fn run(
    engine: Engine,
    config: Config,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    let worker = worker(engine, &config)?;
    for (channel, why) in off_channels(&config.delivery) {
        tracing::warn!(channel, "{why}: its messages stay pending");
    }
    worker.run(shutdown).await;
    Ok(())
}
