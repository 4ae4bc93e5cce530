//! The console's words: `locales/<tag>/frontdesk-console.ftl`, in the operator's language
//! (their own choice, else the business's), English filling any message a locale lacks.
//! Templates ask for messages by id; `tests/console_words.rs` checks that every id a
//! template uses exists in the English file and that every locale's ids are English ones.

use frontdesk_domain::{BookingSource, BookingStatus};
use frontdesk_locale::{Loaders, Locale};
use frontdesk_store::MessageStatus;
use i18n_embed::fluent::FluentLanguageLoader;
use jiff::Timestamp;
use std::collections::HashMap;
use std::sync::LazyLock;

/// The Fluent domain, and so the file name under each locale's folder.
pub const DOMAIN: &str = "frontdesk-console";

static TEXTS: LazyLock<Loaders> = LazyLock::new(|| {
    Loaders::new(|| {
        let english = frontdesk_locale::fallback().langid().clone();
        FluentLanguageLoader::new(DOMAIN, english)
    })
});

/// The words of one page, in one locale.
#[derive(Clone)]
pub struct Words {
    pub locale: &'static Locale,
    loader: &'static FluentLanguageLoader,
    /// The business's time zone, for instants (a message sent, an audit entry).
    tz: jiff::tz::TimeZone,
}

impl Words {
    pub fn new(locale: &'static Locale, time_zone: &str) -> Words {
        Words {
            locale,
            loader: TEXTS.get(locale),
            tz: jiff::tz::TimeZone::get(time_zone).unwrap_or(jiff::tz::TimeZone::UTC),
        }
    }

    /// The message `id`.
    pub fn t(&self, id: &str) -> String {
        self.loader.get(id)
    }

    /// The message `id` with one argument.
    pub fn t1(&self, id: &str, name: &str, value: impl ToString) -> String {
        let mut args = HashMap::new();
        args.insert(name.to_string(), value.to_string());
        self.loader.get_args(id, args)
    }

    /// The message `id` with two arguments.
    pub fn t2(
        &self,
        id: &str,
        a: &str,
        a_value: impl ToString,
        b: &str,
        b_value: impl ToString,
    ) -> String {
        let mut args = HashMap::new();
        args.insert(a.to_string(), a_value.to_string());
        args.insert(b.to_string(), b_value.to_string());
        self.loader.get_args(id, args)
    }

    /// Where a booking came from (`source-mcp`, `source-console`, …).
    pub fn source(&self, source: &BookingSource) -> String {
        self.t(&format!("source-{}", source.as_str()))
    }

    /// A booking's status (`status-confirmed`, …).
    pub fn status(&self, status: &BookingStatus) -> String {
        self.t(&format!("status-{}", status.as_str()))
    }

    /// An audit entry's kind (`event-created`, …); an unknown kind as it is.
    pub fn event(&self, kind: &str) -> String {
        let id = format!("event-{kind}");
        if self.loader.has(&id) {
            self.t(&id)
        } else {
            kind.to_string()
        }
    }

    /// An instant as the business's local date and time.
    pub fn instant(&self, at: &Timestamp) -> String {
        let local = at.to_zoned(self.tz.clone());
        format!(
            "{} {}",
            self.locale.date_with_year(local.date()),
            self.locale.time(local.time())
        )
    }

    /// How long a call took (`4 min 05 s`); empty while unknown.
    pub fn duration(&self, started: &Option<Timestamp>, ended: &Option<Timestamp>) -> String {
        match (started, ended) {
            (Some(s), Some(e)) if e >= s => {
                let secs = e.duration_since(*s).as_secs();
                self.t2(
                    "duration",
                    "minutes",
                    secs / 60,
                    "seconds",
                    format!("{:02}", secs % 60),
                )
            }
            _ => String::new(),
        }
    }

    /// A tool's answer as the agent got it: its text when it is one, else the JSON.
    pub fn answer(&self, value: &serde_json::Value) -> String {
        match value {
            serde_json::Value::String(text) => text.clone(),
            other => serde_json::to_string_pretty(other).unwrap_or_default(),
        }
    }

    /// A value as indented JSON (preferences and the like).
    pub fn json(&self, value: &impl serde::Serialize) -> String {
        serde_json::to_string_pretty(value).unwrap_or_default()
    }

    /// An operator's role (`role-owner`, `role-staff`).
    pub fn role(&self, role: &frontdesk_domain::OperatorRole) -> String {
        self.t(&format!("role-{}", role.as_str()))
    }

    /// Whether the desk may send this message again: only a failed one.
    pub fn retryable(&self, status: &MessageStatus) -> bool {
        // A withdrawn reminder (cancelled) would only be withdrawn again.
        matches!(status, MessageStatus::Failed)
    }

    /// The locale's tag for `<html lang>`.
    pub fn lang(&self) -> &str {
        self.locale.tag()
    }

    pub fn date(&self, d: &jiff::civil::Date) -> String {
        self.locale.date_with_year(*d)
    }
}
