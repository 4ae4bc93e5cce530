//! A way out for messages: SMS, e-mail, webhooks. Each channel writes and sends one outbox
//! row and says how the attempt went; the worker does the rest (claiming, retries, marking).

use async_trait::async_trait;
use frontdesk_engine::Engine;
use frontdesk_engine::messages::Attempt;
use frontdesk_store::{Company, Notification};

#[async_trait]
pub trait Channel: Send + Sync {
    /// The outbox `channel` this sends (`sms`, `email`, `webhook`).
    fn name(&self) -> &'static str;

    /// Sends one message of `company`. Never panics: every failure is an [`Attempt`].
    async fn send(&self, engine: &Engine, company: &Company, message: &Notification) -> Attempt;
}
