//! frontdesk-delivery: the worker that sends the message outbox, and its providers.
//!
//! The engine queues every message in the transaction of the change that causes it and says
//! when and how often to try ([`frontdesk_engine::messages`]). This crate takes due rows,
//! writes them in the business's language ([`render`], from `locales/<tag>/frontdesk-delivery.ftl`)
//! and sends them: SMS through Twilio's REST API ([`twilio`]), e-mail over SMTP ([`email`]).

pub mod channel;
pub mod email;
mod invitation;
pub mod render;
pub mod twilio;
pub mod webhook;
pub mod worker;

pub use channel::Channel;
pub use email::{Email, SmtpSettings};
pub use twilio::{TwilioSettings, TwilioSms};
pub use webhook::WebhookChannel;
pub use worker::{Worker, WorkerSettings};
