//! Text from callers: the one acceptance rule for what is stored (`plain`, `plain_lines`,
//! `plain_json`: see `frontdesk_domain::text`), and loose matching for what they say (case,
//! accents and separators do not matter: `avancado 1` matches `Avançado1`).

use crate::error::{EngineError, EngineResult};
use frontdesk_domain::text::{Lines, check};

/// Refuses a one-line text (a name, a key, an id) holding control or bidi characters.
pub(crate) fn plain(field: &'static str, text: &str) -> EngineResult<()> {
    check(text, Lines::Single).map_err(|bad| EngineError::UnsafeText {
        field,
        message: bad.to_string(),
    })
}

/// Refuses a text that may span lines (notes, a reason, a template) holding control
/// characters other than line breaks and tabs, or bidi characters.
pub(crate) fn plain_lines(field: &'static str, text: &str) -> EngineResult<()> {
    check(text, Lines::Multi).map_err(|bad| EngineError::UnsafeText {
        field,
        message: bad.to_string(),
    })
}

/// Refuses a structured value any of whose strings (keys too) `plain_lines` would refuse.
pub(crate) fn plain_json(field: &'static str, value: &serde_json::Value) -> EngineResult<()> {
    use serde_json::Value;
    match value {
        Value::String(s) => plain_lines(field, s),
        Value::Array(items) => items.iter().try_for_each(|v| plain_json(field, v)),
        Value::Object(map) => map.iter().try_for_each(|(k, v)| {
            plain_lines(field, k)?;
            plain_json(field, v)
        }),
        _ => Ok(()),
    }
}

pub(crate) fn fold(input: &str) -> String {
    input
        .chars()
        .flat_map(char::to_lowercase)
        .filter_map(|c| {
            let c = match c {
                'á' | 'à' | 'â' | 'ã' | 'ä' => 'a',
                'é' | 'ê' | 'è' | 'ë' => 'e',
                'í' | 'î' | 'ï' => 'i',
                'ó' | 'ô' | 'õ' | 'ö' => 'o',
                'ú' | 'ü' | 'û' => 'u',
                'ç' => 'c',
                'ß' => 's',
                other => other,
            };
            c.is_alphanumeric().then_some(c)
        })
        .collect()
}

pub(crate) fn same(a: &str, b: &str) -> bool {
    fold(a) == fold(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_ignores_case_accents_and_separators() {
        assert!(same("avancado 1", "Avançado1"));
        assert!(same("lado_esquerdo", "Lado esquerdo"));
        assert!(!same("Iniciante1", "Iniciante2"));
    }
}
