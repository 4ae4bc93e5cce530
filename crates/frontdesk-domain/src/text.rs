//! The one rule for text from outside (names, notes, reasons, idempotency keys, call ids):
//! control characters and bidirectional formatting characters are refused, whichever
//! surface the text came through and whichever database stores it.
//!
//! Why: PostgreSQL cannot store U+0000 at all (every such request used to end in an internal
//! error), and a bidi override stored in a name is read back and displayed reversed
//! (`"Eve\u{202E}enoD nhoJ"` shows as "Eve John Doe"), so a caller could pose as someone else
//! on the business's screens and in what the agent reads aloud. Text that arrives in bulk
//! from a provider (a call transcript) is stripped instead of refused: losing a whole call
//! record for one stray character would help nobody.

use std::borrow::Cow;
use std::fmt;

/// Whether line breaks and tabs are part of the text (notes, reasons, transcripts) or not
/// (names, keys, ids).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    Single,
    Multi,
}

/// The first character that made a text unacceptable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnsafeChar {
    pub ch: char,
    /// Character (not byte) offset in the text.
    pub position: usize,
}

impl UnsafeChar {
    pub fn is_bidi(&self) -> bool {
        is_bidi_control(self.ch)
    }
}

impl fmt::Display for UnsafeChar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = if self.is_bidi() {
            "a bidirectional formatting character"
        } else {
            "a control character"
        };
        write!(
            f,
            "contains {what} (U+{:04X} at character {}); send plain text",
            u32::from(self.ch),
            self.position + 1
        )
    }
}

/// Unicode's `Bidi_Control` characters: marks, embeddings, overrides and isolates.
fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

fn allowed(c: char, lines: Lines) -> bool {
    if is_bidi_control(c) {
        return false;
    }
    if c.is_control() {
        return lines == Lines::Multi && matches!(c, '\n' | '\r' | '\t');
    }
    true
}

/// `Ok` when `text` holds no character the rule refuses.
pub fn check(text: &str, lines: Lines) -> Result<(), UnsafeChar> {
    match text.chars().enumerate().find(|(_, c)| !allowed(*c, lines)) {
        Some((position, ch)) => Err(UnsafeChar { ch, position }),
        None => Ok(()),
    }
}

/// `text` without the characters the rule refuses (borrowed when there were none).
pub fn strip(text: &str, lines: Lines) -> Cow<'_, str> {
    if check(text, lines).is_ok() {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.chars().filter(|c| allowed(*c, lines)).collect())
    }
}

/// Every string inside a JSON value (keys too) stripped, for provider payloads stored as
/// they came (PostgreSQL's `jsonb` refuses `\u0000` anywhere in a document).
pub fn strip_json(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::String(s) => {
            if let Cow::Owned(clean) = strip(s, Lines::Multi) {
                *s = clean;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(strip_json),
        Value::Object(map) => {
            let dirty: Vec<String> = map
                .keys()
                .filter(|k| check(k, Lines::Multi).is_err())
                .cloned()
                .collect();
            for key in dirty {
                if let Some(v) = map.remove(&key) {
                    map.insert(strip(&key, Lines::Multi).into_owned(), v);
                }
            }
            map.values_mut().for_each(strip_json);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_in_any_script_passes() {
        for ok in [
            "João da Silva",
            "Müller-Lüdenscheidt",
            "محمد",
            "李雷",
            "O'Brien 🏄",
        ] {
            assert_eq!(check(ok, Lines::Single), Ok(()), "{ok}");
        }
        assert_eq!(check("line one\nline two\ttab", Lines::Multi), Ok(()));
    }

    #[test]
    fn nul_and_other_controls_are_refused() {
        let err = check("Eve\0", Lines::Single).expect_err("NUL is refused");
        assert_eq!((err.ch, err.position), ('\0', 3));
        assert!(err.to_string().contains("U+0000"));
        assert!(check("a\nb", Lines::Single).is_err());
        assert!(check("a\u{7}b", Lines::Multi).is_err());
        assert!(check("a\u{85}b", Lines::Multi).is_err());
    }

    #[test]
    fn bidi_overrides_are_refused() {
        let err = check("Eve\u{202E}enoD nhoJ", Lines::Multi).expect_err("an override is refused");
        assert!(err.is_bidi());
        assert!(err.to_string().contains("U+202E"));
        assert!(check("x\u{2066}y", Lines::Single).is_err());
    }

    #[test]
    fn stripping_keeps_the_rest() {
        assert_eq!(strip("Hi\0 \u{202E}there\n", Lines::Multi), "Hi there\n");
        assert!(matches!(strip("clean", Lines::Single), Cow::Borrowed(_)));
        let mut v = serde_json::json!({"a\u{0}": ["x\u{0}y", {"b": "\u{202E}z"}], "n": 1});
        strip_json(&mut v);
        assert_eq!(v, serde_json::json!({"a": ["xy", {"b": "z"}], "n": 1}));
    }
}
