//! How a company's messages go out: its own SMS sender (or Twilio account) and the address
//! that hears of every booking change. Server-wide settings fill in what a company leaves out.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CompanyMessaging {
    /// The number (E.164) the company's text messages come from; else the server's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sms_from: Option<String>,
    /// A Twilio Messaging Service that picks the sender (instead of `sms_from`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub twilio_messaging_service_sid: Option<String>,
    /// The company's own Twilio account (its auth token is stored encrypted with the
    /// credentials); else the server's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub twilio_account_sid: Option<String>,
    /// Where the business hears of every new, moved or cancelled booking (e-mail).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notify_email: Option<String>,
}

impl CompanyMessaging {
    pub fn is_empty(&self) -> bool {
        self == &CompanyMessaging::default()
    }

    /// What is wrong with the settings, if anything (checked on import).
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if let Some(email) = &self.notify_email
            && !looks_like_email(email)
        {
            problems.push(format!("notify_email {email:?} is not an e-mail address"));
        }
        if let Some(sid) = &self.twilio_account_sid
            && !(sid.starts_with("AC") && sid.len() == 34)
        {
            problems.push(format!(
                "twilio_account_sid {sid:?} is not a Twilio account SID (AC followed by 32 characters)"
            ));
        }
        if let Some(sid) = &self.twilio_messaging_service_sid
            && !(sid.starts_with("MG") && sid.len() == 34)
        {
            problems.push(format!(
                "twilio_messaging_service_sid {sid:?} is not a Messaging Service SID (MG followed by 32 characters)"
            ));
        }
        problems
    }
}

/// A cheap shape check (one `@`, a dot in the domain, no spaces or angle brackets); the mail
/// server has the last word.
pub fn looks_like_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && s.matches('@').count() == 1
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>,;\"".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_shapes() {
        assert!(looks_like_email("front@desk.example"));
        for bad in [
            "", "a", "a@b", "@b.c", "a@.c", "a@b.", "a b@c.d", "a@b@c.d", "<a@b.c>",
        ] {
            assert!(!looks_like_email(bad), "{bad:?}");
        }
    }
}
