//! The languages frontdesk speaks to callers in.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Language {
    #[serde(rename = "pt-BR")]
    PtBr,
    #[serde(rename = "de-DE")]
    DeDe,
    #[default]
    #[serde(rename = "en-US")]
    EnUs,
}

impl Language {
    pub fn tag(self) -> &'static str {
        match self {
            Language::PtBr => "pt-BR",
            Language::DeDe => "de-DE",
            Language::EnUs => "en-US",
        }
    }

    /// The two-letter code used by prompt templates (`de`, `en`, `pt`).
    pub fn short(self) -> &'static str {
        match self {
            Language::PtBr => "pt",
            Language::DeDe => "de",
            Language::EnUs => "en",
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

#[derive(Debug, thiserror::Error)]
#[error("unknown language {0:?}: use pt-BR, de-DE or en-US")]
pub struct UnknownLanguage(pub String);

impl FromStr for Language {
    type Err = UnknownLanguage;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "pt-br" | "pt" | "pt_br" => Ok(Language::PtBr),
            "de-de" | "de" | "de_de" => Ok(Language::DeDe),
            "en-us" | "en" | "en_us" => Ok(Language::EnUs),
            _ => Err(UnknownLanguage(s.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_tags_and_short_codes() {
        assert_eq!("pt-BR".parse::<Language>().ok(), Some(Language::PtBr));
        assert_eq!("de".parse::<Language>().ok(), Some(Language::DeDe));
        assert!("fr-FR".parse::<Language>().is_err());
    }
}
