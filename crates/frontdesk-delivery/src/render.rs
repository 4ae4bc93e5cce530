//! The words of every message, in the business's language: Fluent messages of
//! `locales/<tag>/frontdesk-delivery.ftl` (ids checked at compile time by `fl!`), dates and
//! times from the locale's ICU4X formatters. Written from the outbox row's payload alone.

use frontdesk_locale::{Loaders, Locale};
use frontdesk_store::{Company, Notification};
use i18n_embed::fluent::{FluentLanguageLoader, fluent_language_loader};
use i18n_embed_fl::fl;
use jiff::civil::{Date, Time};
use serde_json::Value;
use std::sync::LazyLock;

static TEXTS: LazyLock<Loaders> = LazyLock::new(|| Loaders::new(|| fluent_language_loader!()));

/// What a message is about, from its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    Confirmed,
    Rescheduled,
    Cancelled,
    Reminder,
    /// A place freed up and the waitlist booked it.
    WaitlistBooked,
    /// A place freed up and is held for the member until `until`.
    WaitlistOffered,
}

impl Event {
    pub fn of(kind: &str) -> Option<Event> {
        Some(match kind {
            "booking_confirmed" => Event::Confirmed,
            "booking_rescheduled" => Event::Rescheduled,
            "booking_cancelled" => Event::Cancelled,
            "booking_reminder" => Event::Reminder,
            "waitlist_booked" => Event::WaitlistBooked,
            "waitlist_offered" => Event::WaitlistOffered,
            _ => return None,
        })
    }
}

/// Why a row cannot be written as a message (a permanent failure: retrying cannot help).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot write the message: {0}")]
pub struct RenderError(pub String);

/// A message's facts, read from its payload and said in the company's locale.
pub struct Facts {
    locale: &'static Locale,
    texts: &'static FluentLanguageLoader,
    pub event: Event,
    pub company: String,
    pub who: String,
    pub customer_name: Option<String>,
    pub service: String,
    pub date: String,
    pub time: String,
    pub previous: Option<String>,
    pub code: String,
    pub branch: Option<String>,
    pub staff: Option<String>,
    pub reason: Option<String>,
    pub customer_phone: Option<String>,
    pub for_business: bool,
    /// Until when an offered place is held (the business's local time).
    pub until: String,
}

fn text(payload: &Value, field: &str) -> Option<String> {
    payload
        .get(field)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

impl Facts {
    pub fn read(company: &Company, message: &Notification) -> Result<Facts, RenderError> {
        let event = Event::of(&message.kind)
            .ok_or_else(|| RenderError(format!("unknown message kind {:?}", message.kind)))?;
        let locale = frontdesk_locale::resolve(company.language.tag()).locale;
        let p = &message.payload;
        let need = |field: &str| {
            text(p, field).ok_or_else(|| RenderError(format!("the payload has no {field}")))
        };
        let date: Date = need("date")?
            .parse()
            .map_err(|e| RenderError(format!("date: {e}")))?;
        let time: Time = need("time")?
            .parse()
            .map_err(|e| RenderError(format!("time: {e}")))?;
        let previous = match (text(p, "previous_date"), text(p, "previous_time")) {
            (Some(d), Some(t)) => match (d.parse::<Date>(), t.parse::<Time>()) {
                (Ok(d), Ok(t)) => Some(format!("{} {}", locale.date(d), locale.time(t))),
                _ => None,
            },
            _ => None,
        };
        let customer_name = text(p, "customer_name");
        let who = text(p, "member")
            .or_else(|| customer_name.clone())
            .unwrap_or_else(|| need("confirmation_number").unwrap_or_default());
        Ok(Facts {
            locale,
            texts: TEXTS.get(locale),
            event,
            company: text(p, "company").unwrap_or_else(|| company.name.clone()),
            who,
            customer_name,
            service: need("service")?,
            date: locale.date(date),
            time: locale.time(time),
            previous,
            code: need("confirmation_number")?,
            branch: text(p, "branch"),
            staff: text(p, "staff"),
            reason: text(p, "reason"),
            customer_phone: text(p, "customer_phone"),
            for_business: text(p, "audience").as_deref() == Some("business"),
            until: match event {
                Event::WaitlistOffered => {
                    let time: Time = need("held_until_time")?
                        .parse()
                        .map_err(|e| RenderError(format!("held_until_time: {e}")))?;
                    locale.time(time)
                }
                _ => String::new(),
            },
        })
    }

    pub fn locale(&self) -> &'static Locale {
        self.locale
    }

    /// The text message to the customer.
    pub fn sms(&self) -> String {
        let t = self.texts;
        let (company, who, service, date, time, code, until) = (
            &self.company,
            &self.who,
            &self.service,
            &self.date,
            &self.time,
            &self.code,
            &self.until,
        );
        match self.event {
            Event::Confirmed => fl!(
                t,
                "sms-confirmed",
                company = company,
                who = who,
                service = service,
                date = date,
                time = time,
                code = code
            ),
            Event::Rescheduled => fl!(
                t,
                "sms-rescheduled",
                company = company,
                who = who,
                service = service,
                date = date,
                time = time,
                code = code
            ),
            Event::Cancelled => fl!(
                t,
                "sms-cancelled",
                company = company,
                who = who,
                service = service,
                date = date,
                time = time,
                code = code
            ),
            Event::Reminder => fl!(
                t,
                "sms-reminder",
                company = company,
                who = who,
                service = service,
                date = date,
                time = time,
                code = code
            ),
            Event::WaitlistBooked => fl!(
                t,
                "sms-waitlist-booked",
                company = company,
                who = who,
                service = service,
                date = date,
                time = time,
                code = code
            ),
            Event::WaitlistOffered => fl!(
                t,
                "sms-waitlist-offered",
                company = company,
                who = who,
                service = service,
                date = date,
                time = time,
                code = code,
                until = until
            ),
        }
    }

    /// The e-mail's subject: to the customer, or the notice to the business.
    pub fn subject(&self) -> String {
        let t = self.texts;
        let (who, service, date, time) = (&self.who, &self.service, &self.date, &self.time);
        match (self.for_business, self.event) {
            (true, Event::Confirmed | Event::Reminder | Event::WaitlistBooked) => fl!(
                t,
                "notice-subject-confirmed",
                who = who,
                service = service,
                date = date,
                time = time
            ),
            (true, Event::Rescheduled) => fl!(
                t,
                "notice-subject-rescheduled",
                who = who,
                service = service,
                date = date,
                time = time
            ),
            (true, Event::Cancelled) => fl!(
                t,
                "notice-subject-cancelled",
                who = who,
                service = service,
                date = date,
                time = time
            ),
            (false, Event::Confirmed) => fl!(
                t,
                "mail-subject-confirmed",
                service = service,
                date = date,
                time = time
            ),
            (false, Event::Rescheduled) => fl!(
                t,
                "mail-subject-rescheduled",
                service = service,
                date = date,
                time = time
            ),
            (false, Event::Cancelled) => fl!(
                t,
                "mail-subject-cancelled",
                service = service,
                date = date,
                time = time
            ),
            (false, Event::Reminder) => fl!(
                t,
                "mail-subject-reminder",
                service = service,
                date = date,
                time = time
            ),
            (true, Event::WaitlistOffered) => fl!(
                t,
                "notice-subject-offered",
                who = who,
                service = service,
                date = date,
                time = time
            ),
            (false, Event::WaitlistBooked) => fl!(
                t,
                "mail-subject-waitlist-booked",
                service = service,
                date = date,
                time = time
            ),
            (false, Event::WaitlistOffered) => fl!(
                t,
                "mail-subject-waitlist-offered",
                service = service,
                date = date,
                time = time
            ),
        }
    }

    /// The e-mail's opening lines, then its facts as (label, value) rows.
    pub fn mail_parts(&self, with_invitation: bool) -> MailParts {
        let t = self.texts;
        let (company, until) = (&self.company, &self.until);
        let mut opening = Vec::new();
        if self.for_business {
            opening.push(match self.event {
                Event::Confirmed | Event::Reminder => fl!(t, "notice-intro-confirmed"),
                Event::Rescheduled => fl!(t, "notice-intro-rescheduled"),
                Event::Cancelled => fl!(t, "notice-intro-cancelled"),
                Event::WaitlistBooked => fl!(t, "notice-intro-waitlist-booked"),
                Event::WaitlistOffered => fl!(t, "notice-intro-waitlist-offered"),
            });
        } else {
            opening.push(match &self.customer_name {
                Some(name) => fl!(t, "mail-greeting", name = name),
                None => fl!(t, "mail-greeting-anonymous"),
            });
            opening.push(match self.event {
                Event::Confirmed => fl!(t, "mail-intro-confirmed", company = company),
                Event::Rescheduled => fl!(t, "mail-intro-rescheduled", company = company),
                Event::Cancelled => fl!(t, "mail-intro-cancelled", company = company),
                Event::Reminder => fl!(t, "mail-intro-reminder", company = company),
                Event::WaitlistBooked => {
                    fl!(t, "mail-intro-waitlist-booked", company = company)
                }
                Event::WaitlistOffered => fl!(
                    t,
                    "mail-intro-waitlist-offered",
                    company = company,
                    until = until
                ),
            });
        }
        let mut rows = vec![
            (fl!(t, "mail-label-service"), self.service.clone()),
            (fl!(t, "mail-label-for"), self.who.clone()),
            (
                fl!(t, "mail-label-when"),
                format!("{} {}", self.date, self.time),
            ),
        ];
        if let Some(previous) = &self.previous {
            rows.push((fl!(t, "mail-label-before"), previous.clone()));
        }
        if let Some(branch) = &self.branch {
            rows.push((fl!(t, "mail-label-where"), branch.clone()));
        }
        if let Some(staff) = &self.staff {
            rows.push((fl!(t, "mail-label-with"), staff.clone()));
        }
        rows.push((fl!(t, "mail-label-code"), self.code.clone()));
        if let Some(reason) = &self.reason {
            rows.push((fl!(t, "mail-label-reason"), reason.clone()));
        }
        if self.for_business
            && let Some(phone) = &self.customer_phone
        {
            let customer = match &self.customer_name {
                Some(name) => format!("{name} ({phone})"),
                None => phone.clone(),
            };
            rows.push((fl!(t, "mail-label-customer"), customer));
        }
        let mut closing = Vec::new();
        if with_invitation {
            closing.push(fl!(t, "mail-calendar"));
        }
        closing.push(fl!(t, "mail-signature", company = company));
        MailParts {
            opening,
            rows,
            closing,
        }
    }
}

/// What frontdesk answers a text message a customer sends (Twilio's inbound webhook).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmsReply {
    /// The sender has no place held for them.
    NothingHeld,
    /// A place is held but the text was not a yes.
    SayYes,
}

/// The reply's words in the locale of `language` (the nearest shipped one).
pub fn sms_reply(language: &frontdesk_domain::Language, reply: SmsReply) -> String {
    let texts = TEXTS.get(frontdesk_locale::resolve(language.tag()).locale);
    match reply {
        SmsReply::NothingHeld => fl!(texts, "sms-reply-nothing-held"),
        SmsReply::SayYes => fl!(texts, "sms-reply-say-yes"),
    }
}

/// Whether a customer's text means "yes" in any shipped language (`sms-reply-yes-words`):
/// case, accents, spaces and punctuation around the word do not matter.
pub fn is_yes(text: &str) -> bool {
    let fold = |s: &str| {
        s.trim()
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase()
            .replace(['í', 'ì'], "i")
    };
    let said = fold(text);
    !said.is_empty()
        && frontdesk_locale::shipped().iter().any(|locale| {
            fl!(TEXTS.get(locale), "sms-reply-yes-words")
                .split(',')
                .any(|word| fold(word) == said)
        })
}

/// An e-mail's content before it is laid out as text and as HTML.
pub struct MailParts {
    pub opening: Vec<String>,
    pub rows: Vec<(String, String)>,
    pub closing: Vec<String>,
}

impl MailParts {
    pub fn text(&self) -> String {
        let mut out = self.opening.join("\n");
        out.push_str("\n\n");
        for (label, value) in &self.rows {
            out.push_str(&format!("{label}: {value}\n"));
        }
        out.push('\n');
        out.push_str(&self.closing.join("\n"));
        out.push('\n');
        out
    }

    pub fn html(&self, lang: &str) -> String {
        let mut out = format!(
            "<!doctype html><html lang=\"{}\"><body style=\"font-family:sans-serif\">",
            escape(lang)
        );
        for line in &self.opening {
            out.push_str(&format!("<p>{}</p>", escape(line)));
        }
        out.push_str("<table>");
        for (label, value) in &self.rows {
            out.push_str(&format!(
                "<tr><th align=\"left\">{}</th><td>{}</td></tr>",
                escape(label),
                escape(value)
            ));
        }
        out.push_str("</table>");
        for line in &self.closing {
            out.push_str(&format!("<p>{}</p>", escape(line)));
        }
        out.push_str("</body></html>");
        out
    }
}

/// HTML-escapes text (names and reasons come from callers).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use frontdesk_domain::Language;
    use serde_json::json;

    fn company(tag: &str) -> Company {
        Company {
            id: 1,
            slug: "s".into(),
            name: "Surf & Co".into(),
            time_zone: "UTC".into(),
            language: tag.parse::<Language>().expect("tag"),
            phone_region: "BR".into(),
            address: None,
            policy: Default::default(),
            messaging: Default::default(),
            created_at: jiff::Timestamp::UNIX_EPOCH,
        }
    }

    fn message(kind: &str, audience: &str) -> Notification {
        Notification {
            id: 7,
            company_id: 1,
            booking_id: Some(3),
            kind: kind.into(),
            channel: "sms".into(),
            recipient: "+5511999999999".into(),
            payload: json!({
                "company": "Surf & Co", "customer_name": "Ana <b>", "member": "Lucas",
                "service": "Surf", "branch": "Beach", "staff": null, "date": "2026-12-07",
                "time": "08:00", "previous_date": "2026-12-06", "previous_time": "09:00",
                "confirmation_number": "ABC-123", "audience": audience,
                "customer_phone": "+5511999999999", "reason": "rain",
                "held_until_time": "10:15"
            }),
            status: frontdesk_store::MessageStatus::Sending,
            attempts: 1,
            next_attempt_at: jiff::Timestamp::UNIX_EPOCH,
            provider_id: None,
            last_error: None,
            created_at: jiff::Timestamp::UNIX_EPOCH,
            updated_at: jiff::Timestamp::UNIX_EPOCH,
            sent_at: None,
        }
    }

    #[test]
    fn every_message_of_every_locale_names_the_booking_in_its_language() {
        let kinds = [
            "booking_confirmed",
            "booking_rescheduled",
            "booking_cancelled",
            "booking_reminder",
            "waitlist_booked",
            "waitlist_offered",
        ];
        for locale in frontdesk_locale::shipped() {
            let company = company(locale.tag());
            for kind in kinds {
                for audience in ["customer", "business"] {
                    let facts = Facts::read(&company, &message(kind, audience)).expect("facts");
                    let sms = facts.sms();
                    assert!(sms.contains("ABC-123") && sms.contains("Lucas"), "{sms}");
                    assert!(!sms.contains('{') && !sms.contains('\u{2068}'), "{sms}");
                    let parts = facts.mail_parts(audience == "customer");
                    let (text, html) = (parts.text(), parts.html(locale.tag()));
                    assert!(
                        text.contains("ABC-123") && html.contains("ABC-123"),
                        "{text}"
                    );
                    assert!(!html.contains("Ana <b>") && html.contains("Ana &lt;b&gt;"));
                    assert_eq!(text.contains("+5511999999999"), audience == "business");
                    assert!(!facts.subject().is_empty());
                }
            }
        }
        let german = Facts::read(&company("de-DE"), &message("booking_confirmed", "customer"));
        let sms = german.expect("facts").sms();
        assert!(
            sms.contains("Bestätigungscode") && sms.contains("Montag"),
            "{sms}"
        );
    }

    #[test]
    fn yes_is_understood_in_every_shipped_language() {
        for yes in ["YES", "yes!", " Sim ", "ja", "Sí", "si", "oui", "OK"] {
            assert!(is_yes(yes), "{yes:?}");
        }
        for no in [
            "no",
            "não",
            "nein",
            "maybe",
            "",
            "yes please book the other one",
        ] {
            assert!(!is_yes(no), "{no:?}");
        }
        let german: frontdesk_domain::Language = "de-DE".parse().expect("tag");
        assert!(sms_reply(&german, SmsReply::SayYes).contains("JA"));
    }

    #[test]
    fn a_row_without_its_facts_is_refused_not_sent_half_written() {
        let mut row = message("booking_confirmed", "customer");
        row.payload["confirmation_number"] = json!(null);
        assert!(Facts::read(&company("en-US"), &row).is_err());
        row.kind = "something_else".into();
        assert!(Facts::read(&company("en-US"), &row).is_err());
    }
}
