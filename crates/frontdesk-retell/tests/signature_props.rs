//! Property tests of the `X-Retell-Signature` header: parsing and verifying never panic
//! whatever the header, body, key and clock; what `sign` produces verifies within the window;
//! and changing any byte of the body, any digit of the digest or of the timestamp, or the key,
//! makes verification fail.

use frontdesk_retell::signature::{
    MAX_SKEW_MS, ParsedSignature, SignatureError, digest_hex, parse, sign, verify,
};
use proptest::prelude::*;

/// Keys as Retell issues them. (HMAC pads short keys with zero bytes, so two keys that differ
/// only by trailing NULs sign alike; real keys have none.)
fn key() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_]{1,80}"
}

/// Timestamps around now and at the edges of `u64`.
fn timestamp() -> impl Strategy<Value = u64> {
    prop_oneof![
        1_600_000_000_000u64..2_000_000_000_000,
        any::<u64>(),
        Just(0u64),
        Just(u64::MAX),
    ]
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..512),
        any::<String>().prop_map(String::into_bytes),
    ]
}

/// Headers that look almost right: parts in any order, spacing, case, doubled or missing
/// parts, wrong lengths, stray characters.
fn near_valid_header() -> impl Strategy<Value = String> {
    let part = prop_oneof![
        timestamp().prop_map(|t| format!("v={t}")),
        "[0-9a-fA-F]{60,68}".prop_map(|d| format!("d={d}")),
        "[vd ]{0,2}=[ 0-9a-fA-F=,;\\-]{0,70}",
        any::<String>(),
        Just(String::new()),
    ];
    (
        prop::collection::vec(part, 0..4),
        prop::sample::select(vec![",", ", ", " , ", ";", ""]),
    )
        .prop_map(|(parts, sep)| parts.join(sep))
}

fn is_refusal_of_the_header(e: &SignatureError) -> bool {
    matches!(e, SignatureError::Missing | SignatureError::Malformed(_))
}

proptest! {
    #[test]
    fn parsing_never_panics(header in prop_oneof![any::<String>(), near_valid_header()]) {
        match parse(&header) {
            Ok(ParsedSignature { timestamp_ms, digest }) => {
                // Only a header naming both parts once parses.
                prop_assert!(header.contains("v=") || header.contains("v ="), "{header:?}");
                prop_assert!(header.to_ascii_lowercase().contains(&hex::encode(digest)), "{header:?}");
                prop_assert!(header.contains(&timestamp_ms.to_string()), "{header:?}");
            }
            Err(e) => {
                prop_assert!(is_refusal_of_the_header(&e), "{e:?}");
                prop_assert!(e.code().starts_with("SIGNATURE_"));
                prop_assert!(!e.to_string().is_empty());
            }
        }
    }

    #[test]
    fn verifying_never_panics(
        key in any::<String>(),
        body in body(),
        header in prop_oneof![any::<String>(), near_valid_header()],
        now in timestamp(),
    ) {
        if let Err(e) = verify(&key, &body, &header, now) {
            prop_assert!(!e.to_string().is_empty());
        }
    }

    #[test]
    fn a_signed_body_verifies_within_the_window(
        key in key(),
        body in body(),
        ts in 1_600_000_000_000u64..2_000_000_000_000,
        skew in -(MAX_SKEW_MS as i64)..=(MAX_SKEW_MS as i64),
    ) {
        let header = sign(&key, &body, ts);
        let now = ts.checked_add_signed(skew).expect("in range");
        prop_assert_eq!(verify(&key, &body, &header, now), Ok(ts));
        // Spacing around the parts and upper-case hex change nothing.
        let loose = format!(" d = {} ,v= {ts} ", digest_hex(&key, &body, ts).to_uppercase());
        prop_assert_eq!(verify(&key, &body, &loose, now), Ok(ts));
    }

    #[test]
    fn outside_the_window_it_is_stale(
        key in key(),
        body in body(),
        ts in 1_600_000_000_000u64..2_000_000_000_000,
        beyond in 1u64..10_000_000_000,
        later in any::<bool>(),
    ) {
        let header = sign(&key, &body, ts);
        let now = if later { ts + MAX_SKEW_MS + beyond } else { ts.saturating_sub(MAX_SKEW_MS + beyond) };
        prop_assert!(
            matches!(verify(&key, &body, &header, now), Err(SignatureError::Stale { .. })),
            "now {now}, signed {ts}"
        );
    }

    #[test]
    fn tampering_with_any_byte_of_the_body_fails(
        key in key(),
        body in prop::collection::vec(any::<u8>(), 1..512),
        at in any::<prop::sample::Index>(),
        flip in 1u8..=255,
        ts in 1_600_000_000_000u64..2_000_000_000_000,
    ) {
        let header = sign(&key, &body, ts);
        let mut tampered = body.clone();
        let i = at.index(tampered.len());
        tampered[i] ^= flip;
        prop_assert_eq!(verify(&key, &tampered, &header, ts), Err(SignatureError::Mismatch));
        // So does a byte more or less.
        let mut longer = body.clone();
        longer.push(flip);
        prop_assert_eq!(verify(&key, &longer, &header, ts), Err(SignatureError::Mismatch));
        prop_assert_eq!(verify(&key, &body[..body.len() - 1], &header, ts), Err(SignatureError::Mismatch));
    }

    #[test]
    fn tampering_with_any_digit_of_the_digest_fails(
        key in key(),
        body in body(),
        at in 0usize..64,
        shift in 1u8..16,
        ts in 1_600_000_000_000u64..2_000_000_000_000,
    ) {
        let digest = digest_hex(&key, &body, ts);
        let mut chars: Vec<char> = digest.chars().collect();
        let value = chars[at].to_digit(16).expect("a hex digit");
        let changed = (value + u32::from(shift)) % 16;
        chars[at] = char::from_digit(changed, 16).expect("a hex digit");
        let forged: String = chars.into_iter().collect();
        let header = format!("v={ts},d={forged}");
        prop_assert_eq!(verify(&key, &body, &header, ts), Err(SignatureError::Mismatch));
    }

    #[test]
    fn tampering_with_the_timestamp_fails(
        key in key(),
        body in body(),
        ts in 1_600_000_000_000u64..2_000_000_000_000,
        delta in prop_oneof![1i64..=MAX_SKEW_MS as i64, -(MAX_SKEW_MS as i64)..=-1],
    ) {
        let digest = digest_hex(&key, &body, ts);
        let moved = ts.checked_add_signed(delta).expect("in range");
        let header = format!("v={moved},d={digest}");
        prop_assert_eq!(verify(&key, &body, &header, ts), Err(SignatureError::Mismatch));
    }

    #[test]
    fn another_key_fails(
        key in key(),
        other in key(),
        body in body(),
        ts in 1_600_000_000_000u64..2_000_000_000_000,
    ) {
        prop_assume!(key != other);
        let header = sign(&key, &body, ts);
        prop_assert_eq!(verify(&other, &body, &header, ts), Err(SignatureError::Mismatch));
    }

    /// A valid header with one character inserted, removed or replaced anywhere either still
    /// means the same signature (spacing, hex case) or is refused; never a panic, never
    /// another signature that verifies.
    #[test]
    fn mangled_headers_never_verify_wrongly(
        key in key(),
        body in body(),
        ts in 1_600_000_000_000u64..2_000_000_000_000,
        at in any::<prop::sample::Index>(),
        c in any::<char>(),
        edit in 0u8..3,
    ) {
        let header = sign(&key, &body, ts);
        let mut chars: Vec<char> = header.chars().collect();
        let i = at.index(chars.len());
        match edit {
            0 => chars.insert(i, c),
            1 => { chars.remove(i); }
            _ => chars[i] = c,
        }
        let mangled: String = chars.into_iter().collect();
        match verify(&key, &body, &mangled, ts) {
            Ok(t) => {
                prop_assert_eq!(t, ts);
                prop_assert_eq!(parse(&mangled), parse(&header), "{:?}", mangled);
            }
            Err(e) => prop_assert!(
                is_refusal_of_the_header(&e) || matches!(e, SignatureError::Mismatch | SignatureError::Stale { .. }),
                "{e:?}"
            ),
        }
    }
}
