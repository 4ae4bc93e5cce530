//! E.164 phone numbers, parsed with libphonenumber's rules in a company's default region.

use phonenumber::{Mode, country};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// `+` and at most 15 digits.
const MAX_E164_LEN: usize = 16;

/// A validated phone number in E.164 form (`+5511999999999`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PhoneNumber(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("phone number is empty")]
    Empty,
    #[error("{0:?} is not a valid phone number: send it in E.164 form, like +5511999999999")]
    Invalid(String),
    #[error("unknown phone region {0:?}: use a two-letter country code such as BR or DE")]
    UnknownRegion(String),
}

impl PhoneNumber {
    /// Parses `input` as a phone number, reading numbers without a country code in
    /// `default_region` (a two-letter country code such as `BR`).
    ///
    /// `+5511999999999`, `5511999999999` and `(11) 99999-9999` all give `+5511999999999`
    /// in region BR; `99999999` is refused because it has no area code.
    pub fn parse(input: &str, default_region: &str) -> Result<Self, PhoneError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(PhoneError::Empty);
        }
        if trimmed.len() > 40 {
            return Err(PhoneError::Invalid(trimmed.chars().take(40).collect()));
        }
        let region = country::Id::from_str(&default_region.trim().to_ascii_uppercase())
            .map_err(|_| PhoneError::UnknownRegion(default_region.to_string()))?;
        // Digits and the punctuation people write numbers with; anything else (letters, a
        // leading minus, control characters) means this is not a phone number, even when its
        // digits would make one (`5511999999999abc`, `-5511999999999`).
        let punctuation_ok = trimmed.chars().enumerate().all(|(i, c)| {
            c.is_ascii_digit()
                || matches!(c, ' ' | '-' | '.' | '(' | ')' | '/')
                || (c == '+' && i == 0)
        });
        let starts_well = trimmed.starts_with(|c: char| c.is_ascii_digit() || c == '+' || c == '(');
        if !punctuation_ok || !starts_well {
            return Err(PhoneError::Invalid(trimmed.to_string()));
        }
        let digits: String = trimmed.chars().filter(|c| c.is_ascii_digit()).collect();
        if digits.is_empty() {
            return Err(PhoneError::Invalid(trimmed.to_string()));
        }

        // A number read in the default region must be valid there. A number that carries its
        // country code (with `+`, or a caller id without it such as `5511999999999`) may also
        // merely have a possible length, so new number ranges are not refused. The digits alone
        // after `+` come last: the parser refuses some spellings of international numbers
        // (`+5511-9…`) that only differ by where the punctuation is.
        let mut candidates = vec![(trimmed.to_string(), trimmed.starts_with('+'))];
        let compact = format!("+{digits}");
        if compact != trimmed {
            candidates.push((compact, true));
        }
        for (candidate, international) in candidates {
            if let Ok(number) = parse_in(region, &candidate)
                && (phonenumber::is_valid(&number) || international && has_possible_length(&number))
            {
                let e164 = number.format().mode(Mode::E164).to_string();
                // E.164 allows 15 digits; the metadata lets some German fixed-line numbers
                // grow past that (`+4920144440004444`), which no carrier would dial.
                if e164.len() <= MAX_E164_LEN {
                    return Ok(PhoneNumber(e164));
                }
            }
        }
        Err(PhoneError::Invalid(trimmed.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }

    /// Wraps a number that was validated before (read back from the database).
    pub fn from_trusted_e164(e164: String) -> Self {
        PhoneNumber(e164)
    }
}

/// `phonenumber::parse` in a default region, minus a slip of the crate: it strips the *default
/// region's* national prefix even from a number that carries another country's code, so in
/// region US `+4915112345678` became `+495112345678` and `+5511999999999` became
/// `+55999999999`. A number with its own country code (after `+`, or after the region's
/// international prefix such as `011`) is read again on its own.
fn parse_in(
    region: country::Id,
    input: &str,
) -> Result<phonenumber::PhoneNumber, phonenumber::ParseError> {
    let number = phonenumber::parse(Some(region), input)?;
    let Some(meta) = phonenumber::metadata::DATABASE.by_id(region.as_ref()) else {
        return Ok(number);
    };
    if number.code().value() == meta.country_code() {
        return Ok(number);
    }
    match number.code().source() {
        country::Source::Plus => phonenumber::parse(None, input),
        country::Source::Idd => {
            let digits: String = input.chars().filter(|c| c.is_ascii_digit()).collect();
            match meta
                .international_prefix()
                .and_then(|idd| idd.find(&digits))
            {
                Some(idd) if idd.start() == 0 => {
                    phonenumber::parse(None, format!("+{}", &digits[idd.end()..]))
                }
                _ => Ok(number),
            }
        }
        _ => Ok(number),
    }
}

/// libphonenumber's "possible number" test: the national number has a length that numbers of
/// its country have. The guide refuses `99999999` as "too short"; numbers in ranges the
/// metadata does not list yet (the AskProAI example `+491234567890`) still pass.
fn has_possible_length(number: &phonenumber::PhoneNumber) -> bool {
    let Some(meta) = number.metadata(&phonenumber::metadata::DATABASE) else {
        return false;
    };
    let Ok(len) = u16::try_from(number.national().to_string().len()) else {
        return false;
    };
    // The metadata keeps the lengths on each number type, not on the general descriptor.
    let d = meta.descriptors();
    [
        Some(d.general()),
        d.fixed_line(),
        d.mobile(),
        d.toll_free(),
        d.premium_rate(),
        d.shared_cost(),
        d.personal_number(),
        d.voip(),
        d.uan(),
    ]
    .into_iter()
    .flatten()
    .any(|desc| desc.possible_length().contains(&len))
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The table from the Beyond integration guide, verbatim.
    #[test]
    fn the_integration_guide_table_normalises_to_e164() {
        for input in ["+5511999999999", "5511999999999", "(11) 99999-9999"] {
            assert_eq!(
                PhoneNumber::parse(input, "BR").map(PhoneNumber::into_string),
                Ok("+5511999999999".to_string()),
                "{input}"
            );
        }
    }

    #[test]
    fn a_number_without_area_code_is_refused() {
        assert!(matches!(
            PhoneNumber::parse("99999999", "BR"),
            Err(PhoneError::Invalid(_))
        ));
    }

    #[test]
    fn german_numbers_parse_in_region_de() {
        assert_eq!(
            PhoneNumber::parse("030 83793369", "DE").map(PhoneNumber::into_string),
            Ok("+493083793369".to_string())
        );
        assert_eq!(
            PhoneNumber::parse("+49 1234567890", "DE").map(PhoneNumber::into_string),
            Ok("+491234567890".to_string())
        );
    }

    #[test]
    fn foreign_numbers_keep_their_digits_in_every_region() {
        for (input, region, e164) in [
            ("+4915112345678", "US", "+4915112345678"),
            ("+5511999999999", "US", "+5511999999999"),
            ("+49 1234567890", "US", "+491234567890"),
            ("011 49 151 12345678", "US", "+4915112345678"),
            ("0015 49 151 12345678", "BR", "+4915112345678"),
            ("001 415 555 2671", "DE", "+14155552671"),
        ] {
            assert_eq!(
                PhoneNumber::parse(input, region).map(PhoneNumber::into_string),
                Ok(e164.to_string()),
                "{input} in {region}"
            );
        }
    }

    #[test]
    fn digits_wrapped_in_other_characters_are_not_a_number() {
        for input in [
            "5511999999999abc",
            "-5511999999999",
            "+55 11 99999-9999 ext",
            "55119999\u{0}99999",
            "+55+11999999999",
            "tel:+5511999999999",
        ] {
            assert!(
                matches!(PhoneNumber::parse(input, "BR"), Err(PhoneError::Invalid(_))),
                "{input:?}"
            );
        }
    }

    #[test]
    fn garbage_is_refused_without_panicking() {
        for input in [
            "",
            "   ",
            "abc",
            "+",
            "++++",
            "0",
            "+999999999999999999999",
            "💥",
            "+4920144440004444",
        ] {
            assert!(PhoneNumber::parse(input, "BR").is_err(), "{input:?}");
        }
        assert!(matches!(
            PhoneNumber::parse("+5511999999999", "XX"),
            Err(PhoneError::UnknownRegion(_))
        ));
    }
}
