//! The language a business speaks to its callers: any well-formed BCP-47 tag (`pt-BR`, `es-MX`,
//! `de`). Which shipped words answer it is decided where the words are (the nearest shipped
//! locale, by language, then en-US); here it is only read and kept in its canonical case.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A BCP-47 language tag in canonical case: language lower case, script title case, region
/// upper case (`pt-BR`, `zh-Hant-TW`, `es-419`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Language(Box<str>);

impl Language {
    pub fn tag(&self) -> &str {
        &self.0
    }

    /// The language subtag alone (`pt`, `de`, `en`), used by prompt templates.
    pub fn short(&self) -> &str {
        self.0.split('-').next().unwrap_or(&self.0)
    }

    /// `en-US`, the language of a business that names none.
    pub fn en_us() -> Language {
        Language("en-US".into())
    }
}

impl Default for Language {
    fn default() -> Self {
        Language::en_us()
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

#[derive(Debug, thiserror::Error)]
#[error(
    "{0:?} is not a language tag: use a BCP-47 tag such as pt-BR, de-DE, en-US, es-ES or fr-FR"
)]
pub struct UnknownLanguage(pub String);

impl FromStr for Language {
    type Err = UnknownLanguage;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || UnknownLanguage(s.chars().take(40).collect());
        let mut tag = String::new();
        for (i, part) in s.trim().split(['-', '_']).enumerate() {
            let ok = !part.is_empty()
                && part.len() <= 8
                && part.bytes().all(|b| b.is_ascii_alphanumeric());
            if !ok {
                return Err(err());
            }
            if i == 0 {
                if !(2..=3).contains(&part.len()) || !part.bytes().all(|b| b.is_ascii_alphabetic())
                {
                    return Err(err());
                }
                tag.push_str(&part.to_ascii_lowercase());
                continue;
            }
            tag.push('-');
            match part.len() {
                // A script: Hant, Latn.
                4 if part.bytes().all(|b| b.is_ascii_alphabetic()) => {
                    tag.push_str(&part[..1].to_ascii_uppercase());
                    tag.push_str(&part[1..].to_ascii_lowercase());
                }
                // A region: BR, 419.
                2 | 3 => tag.push_str(&part.to_ascii_uppercase()),
                _ => tag.push_str(&part.to_ascii_lowercase()),
            }
        }
        if tag.is_empty() {
            return Err(err());
        }
        Ok(Language(tag.into()))
    }
}

impl TryFrom<String> for Language {
    type Error = UnknownLanguage;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Language> for String {
    fn from(language: Language) -> String {
        language.0.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(s: &str) -> Option<String> {
        s.parse::<Language>().ok().map(|l| l.tag().to_string())
    }

    #[test]
    fn any_well_formed_tag_in_canonical_case() {
        assert_eq!(tag("pt-BR").as_deref(), Some("pt-BR"));
        assert_eq!(tag("pt_br").as_deref(), Some("pt-BR"));
        assert_eq!(tag("de").as_deref(), Some("de"));
        assert_eq!(tag("ES-mx").as_deref(), Some("es-MX"));
        assert_eq!(tag("zh-hant-tw").as_deref(), Some("zh-Hant-TW"));
        assert_eq!(tag("es-419").as_deref(), Some("es-419"));
        assert_eq!(
            "fr-FR"
                .parse::<Language>()
                .map(|l| l.short().to_string())
                .ok()
                .as_deref(),
            Some("fr")
        );
    }

    #[test]
    fn what_is_not_a_tag_is_refused() {
        for bad in [
            "",
            "-",
            "p",
            "português",
            "en--US",
            "en-US-",
            "1a",
            "en-toolongsubtag",
            "e n",
        ] {
            assert!(bad.parse::<Language>().is_err(), "{bad:?}");
        }
    }
}
