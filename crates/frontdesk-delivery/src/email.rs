//! E-mail over SMTP (lettre): to a customer whose address is known, a text and an HTML part
//! and the booking as an iCalendar invitation (`.ics`, RFC 5545/5546: `METHOD:REQUEST`, or
//! `METHOD:CANCEL` when cancelled); to the business's `notify_email`, a short notice.
//!
//! The `Message-ID` is derived from the outbox row, so a retry after a crash between sending
//! and marking carries the same id and mail systems can drop the copy.

use crate::channel::Channel;
use crate::render::{Event, Facts};
use async_trait::async_trait;
use frontdesk_engine::Engine;
use frontdesk_engine::messages::Attempt;
use frontdesk_store::{Company, Notification};
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct SmtpSettings {
    /// `smtp://host:25` (plain), `smtp://user:pass@host:587?tls=required` (STARTTLS), or
    /// `smtps://user:pass@host:465` (TLS); `?tls=opportunistic` uses STARTTLS when offered.
    pub url: String,
    /// The address messages come from; the company's name is its display name.
    pub from: String,
    pub timeout: Duration,
}

pub struct Email {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: lettre::Address,
}

impl Email {
    pub fn new(settings: &SmtpSettings) -> Result<Email, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&settings.url)
            .map_err(|e| format!("smtp_url is not usable: {e}"))?
            .timeout(Some(settings.timeout))
            .build();
        let from = settings
            .from
            .parse()
            .map_err(|e| format!("mail_from {:?} is not an address: {e}", settings.from))?;
        Ok(Email { transport, from })
    }

    /// The message as it is sent (also used by tests to look at it).
    pub fn compose(
        &self,
        company: &Company,
        message: &Notification,
        invitation: Option<String>,
    ) -> Result<Message, String> {
        let facts = Facts::read(company, message).map_err(|e| e.to_string())?;
        let to: Mailbox = message
            .recipient
            .parse()
            .map_err(|e| format!("{:?} is not an e-mail address: {e}", message.recipient))?;
        let from = Mailbox::new(Some(company.name.clone()), self.from.clone());
        let parts = facts.mail_parts(invitation.is_some());
        let body =
            MultiPart::alternative_plain_html(parts.text(), parts.html(facts.locale().tag()));
        let builder = Message::builder()
            .from(from)
            .to(to)
            .subject(facts.subject())
            .message_id(Some(format!(
                "<frontdesk-message-{}@{}>",
                message.id,
                self.from.domain()
            )));
        let built = match invitation {
            None => builder.multipart(body),
            Some(ics) => {
                let method = if facts.event == Event::Cancelled {
                    "CANCEL"
                } else {
                    "REQUEST"
                };
                let content_type =
                    ContentType::parse(&format!("text/calendar; charset=utf-8; method={method}"))
                        .map_err(|e| e.to_string())?;
                let attachment: SinglePart =
                    Attachment::new("invite.ics".to_string()).body(ics, content_type);
                builder.multipart(MultiPart::mixed().multipart(body).singlepart(attachment))
            }
        };
        built.map_err(|e| format!("cannot build the e-mail: {e}"))
    }
}

#[async_trait]
impl Channel for Email {
    fn name(&self) -> &'static str {
        "email"
    }

    async fn send(&self, engine: &Engine, company: &Company, message: &Notification) -> Attempt {
        let from = self.from.to_string();
        let invitation = match crate::invitation::for_message(engine, company, message, &from).await
        {
            Ok(ics) => ics,
            Err(e) => return Attempt::Transient(e),
        };
        let email = match self.compose(company, message, invitation) {
            Ok(m) => m,
            Err(e) => return Attempt::Permanent(e),
        };
        let message_id = email
            .headers()
            .get_raw("Message-ID")
            .map(|id| id.trim().to_string());
        match self.transport.send(email).await {
            Ok(_) => Attempt::Sent {
                provider_id: message_id,
            },
            Err(e) if e.is_permanent() => Attempt::Permanent(format!("SMTP: {e}")),
            Err(e) => Attempt::Transient(format!("SMTP: {e}")),
        }
    }
}
