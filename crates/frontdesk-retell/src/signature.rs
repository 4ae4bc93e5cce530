//! The `X-Retell-Signature` header, exactly as Retell signs webhooks and custom-function calls
//! (retell-python-sdk `src/retell/lib/webhook_auth.py`):
//!
//! ```text
//! X-Retell-Signature: v=<unix ms>,d=<hex HMAC-SHA256(key = API key, message = raw body ‖ "<unix ms>")>
//! ```
//!
//! A signature is accepted when its timestamp is at most five minutes away from now (either
//! direction) and its digest matches; digests are compared in constant time. Parsing never
//! panics, whatever the header holds.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::time::{SystemTime, UNIX_EPOCH};
use subtle::ConstantTimeEq;

/// The header name (HTTP header names are case-insensitive; this is the lowercase form).
pub const SIGNATURE_HEADER: &str = "x-retell-signature";

/// How far a signature's timestamp may be from now: five minutes, as Retell's SDKs allow.
pub const MAX_SKEW_MS: u64 = 5 * 60 * 1000;

/// Longest header accepted: `v=` + 20 digits + `,d=` + 64 hex digits, with room for spaces.
const MAX_HEADER_LEN: usize = 256;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("missing X-Retell-Signature header")]
    Missing,
    #[error("malformed X-Retell-Signature header: {0}")]
    Malformed(&'static str),
    #[error(
        "X-Retell-Signature timestamp is {} s away from now; at most {} s are allowed",
        .skew_ms / 1000,
        MAX_SKEW_MS / 1000
    )]
    Stale { skew_ms: u64 },
    #[error("X-Retell-Signature does not match the body (wrong API key or modified body)")]
    Mismatch,
}

impl SignatureError {
    /// A stable code for logs and error bodies.
    pub fn code(&self) -> &'static str {
        match self {
            SignatureError::Missing => "SIGNATURE_MISSING",
            SignatureError::Malformed(_) => "SIGNATURE_MALFORMED",
            SignatureError::Stale { .. } => "SIGNATURE_STALE",
            SignatureError::Mismatch => "SIGNATURE_MISMATCH",
        }
    }
}

/// A parsed header: the timestamp and the 32-byte digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParsedSignature {
    pub timestamp_ms: u64,
    pub digest: [u8; 32],
}

/// Milliseconds since the Unix epoch (0 if the clock is before 1970).
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

fn mac(api_key: &str, body: &[u8], timestamp_ms: u64) -> Hmac<Sha256> {
    // HMAC accepts keys of every length (long ones are hashed first): this cannot fail.
    #[allow(clippy::expect_used)]
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(api_key.as_bytes())
        .expect("HMAC accepts keys of any length");
    mac.update(body);
    mac.update(timestamp_ms.to_string().as_bytes());
    mac
}

/// The lowercase hex digest Retell puts after `d=`.
pub fn digest_hex(api_key: &str, body: &[u8], timestamp_ms: u64) -> String {
    hex::encode(mac(api_key, body, timestamp_ms).finalize().into_bytes())
}

/// The header value for `body` signed at `timestamp_ms`: `v=<timestamp_ms>,d=<hex>`.
pub fn sign(api_key: &str, body: &[u8], timestamp_ms: u64) -> String {
    format!(
        "v={timestamp_ms},d={}",
        digest_hex(api_key, body, timestamp_ms)
    )
}

/// [`sign`] at the current time.
pub fn sign_now(api_key: &str, body: &[u8]) -> String {
    sign(api_key, body, now_ms())
}

/// Parses `v=<digits>,d=<64 hex digits>` (the two parts in either order, spaces around them
/// tolerated).
pub fn parse(header: &str) -> Result<ParsedSignature, SignatureError> {
    let header = header.trim();
    if header.is_empty() {
        return Err(SignatureError::Missing);
    }
    if header.len() > MAX_HEADER_LEN {
        return Err(SignatureError::Malformed("too long"));
    }
    let (mut timestamp, mut digest) = (None, None);
    for part in header.split(',') {
        let (name, value) = part
            .trim()
            .split_once('=')
            .ok_or(SignatureError::Malformed(
                "expected v=<unix ms>,d=<hex digest>",
            ))?;
        match name.trim() {
            "v" => {
                if timestamp.is_some() {
                    return Err(SignatureError::Malformed("v= given twice"));
                }
                let value = value.trim();
                if value.is_empty()
                    || value.len() > 20
                    || !value.bytes().all(|b| b.is_ascii_digit())
                {
                    return Err(SignatureError::Malformed(
                        "v= must be a Unix time in milliseconds",
                    ));
                }
                timestamp = Some(value.parse::<u64>().map_err(|_| {
                    SignatureError::Malformed("v= must be a Unix time in milliseconds")
                })?);
            }
            "d" => {
                if digest.is_some() {
                    return Err(SignatureError::Malformed("d= given twice"));
                }
                let value = value.trim();
                if value.len() != 64 {
                    return Err(SignatureError::Malformed("d= must be 64 hex digits"));
                }
                let mut bytes = [0u8; 32];
                hex::decode_to_slice(value, &mut bytes)
                    .map_err(|_| SignatureError::Malformed("d= must be 64 hex digits"))?;
                digest = Some(bytes);
            }
            _ => {
                return Err(SignatureError::Malformed(
                    "unknown part; expected v= and d=",
                ));
            }
        }
    }
    match (timestamp, digest) {
        (Some(timestamp_ms), Some(digest)) => Ok(ParsedSignature {
            timestamp_ms,
            digest,
        }),
        (None, _) => Err(SignatureError::Malformed("v= is missing")),
        (_, None) => Err(SignatureError::Malformed("d= is missing")),
    }
}

/// Checks `header` against `body` and `api_key` at `now_ms`; returns the signed timestamp.
pub fn verify(
    api_key: &str,
    body: &[u8],
    header: &str,
    now_ms: u64,
) -> Result<u64, SignatureError> {
    let parsed = parse(header)?;
    let skew_ms = now_ms.abs_diff(parsed.timestamp_ms);
    if skew_ms > MAX_SKEW_MS {
        return Err(SignatureError::Stale { skew_ms });
    }
    let expected = mac(api_key, body, parsed.timestamp_ms)
        .finalize()
        .into_bytes();
    if bool::from(expected.as_slice().ct_eq(&parsed.digest)) {
        Ok(parsed.timestamp_ms)
    } else {
        Err(SignatureError::Mismatch)
    }
}

/// [`verify`] at the current time.
pub fn verify_now(api_key: &str, body: &[u8], header: &str) -> Result<u64, SignatureError> {
    verify(api_key, body, header, now_ms())
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "key_test123";
    const BODY: &[u8] = br#"{"event":"call_started","call":{"call_id":"abc"}}"#;
    const TS: u64 = 1_700_000_000_000;
    const DIGEST: &str = "8c60a3d3400d1aa12a2f9870cf081333750ac75af310b1c6931f5ecc71eab81a";

    #[test]
    fn signs_the_design_test_vector() {
        assert_eq!(digest_hex(KEY, BODY, TS), DIGEST);
        assert_eq!(sign(KEY, BODY, TS), format!("v={TS},d={DIGEST}"));
    }

    #[test]
    fn verifies_the_design_test_vector_within_the_window() {
        let header = format!("v={TS},d={DIGEST}");
        assert_eq!(verify(KEY, BODY, &header, TS), Ok(TS));
        assert_eq!(verify(KEY, BODY, &header, TS + MAX_SKEW_MS), Ok(TS));
        assert_eq!(verify(KEY, BODY, &header, TS - MAX_SKEW_MS), Ok(TS));
        // Order and spacing do not matter; uppercase hex decodes to the same digest.
        let loose = format!(" d={} , v={TS} ", DIGEST.to_uppercase());
        assert_eq!(verify(KEY, BODY, &loose, TS), Ok(TS));
    }

    #[test]
    fn a_tampered_body_is_a_mismatch() {
        let header = sign(KEY, BODY, TS);
        let tampered = br#"{"event":"call_started","call":{"call_id":"abd"}}"#;
        assert_eq!(
            verify(KEY, tampered, &header, TS),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(verify(KEY, b"", &header, TS), Err(SignatureError::Mismatch));
    }

    #[test]
    fn a_changed_timestamp_is_a_mismatch() {
        let forged = format!("v={},d={DIGEST}", TS + 1);
        assert_eq!(
            verify(KEY, BODY, &forged, TS),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn a_stale_or_future_timestamp_is_refused_before_the_digest() {
        let header = sign(KEY, BODY, TS);
        let late = verify(KEY, BODY, &header, TS + MAX_SKEW_MS + 1);
        assert_eq!(
            late,
            Err(SignatureError::Stale {
                skew_ms: MAX_SKEW_MS + 1
            })
        );
        let early = verify(KEY, BODY, &header, TS - 10 * 60 * 1000);
        assert_eq!(
            early,
            Err(SignatureError::Stale {
                skew_ms: 10 * 60 * 1000
            })
        );
        let msg = late.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(msg.contains("300 s"), "{msg}");
    }

    #[test]
    fn a_wrong_key_is_a_mismatch() {
        let header = sign(KEY, BODY, TS);
        assert_eq!(
            verify("key_other", BODY, &header, TS),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(verify("", BODY, &header, TS), Err(SignatureError::Mismatch));
    }

    #[test]
    fn malformed_headers_are_refused_without_panicking() {
        let cases = [
            "",
            "   ",
            "garbage",
            "v=,d=",
            "v=abc,d=8c60",
            &format!("v={TS}"),
            &format!("d={DIGEST}"),
            &format!("v={TS},d={}", &DIGEST[..63]),
            &format!("v={TS},d={}z", &DIGEST[..63]),
            &format!("v={TS},d={DIGEST}00"),
            &format!("v=-{TS},d={DIGEST}"),
            &format!("v=99999999999999999999999,d={DIGEST}"),
            &format!("v={TS},v={TS},d={DIGEST}"),
            &format!("v={TS},d={DIGEST},x=1"),
            &format!("v={TS};d={DIGEST}"),
            &format!("v={TS},d=ä{}", &DIGEST[..62]),
            &"v=1,".repeat(100),
            "v=١٢٣,d=00",
        ];
        for header in cases {
            let got = verify(KEY, BODY, header, TS);
            assert!(
                matches!(
                    got,
                    Err(SignatureError::Missing | SignatureError::Malformed(_))
                ),
                "{header:?} gave {got:?}"
            );
        }
        assert_eq!(parse(""), Err(SignatureError::Missing));
        assert_eq!(SignatureError::Mismatch.code(), "SIGNATURE_MISMATCH");
    }

    #[test]
    fn sign_now_verifies_now() {
        let header = sign_now(KEY, BODY);
        assert!(verify_now(KEY, BODY, &header).is_ok());
    }
}
