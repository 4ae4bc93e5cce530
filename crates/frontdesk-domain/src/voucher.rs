//! Voucher codes: short, unambiguous and easy to say aloud on a phone line (`KRM-482`).

use rand::Rng;

/// Letters that are hard to mishear or misread are left out (no I, O, Q, G, B, V, Z).
const LETTERS: &[u8] = b"ACDEFHJKLMNPRSTWXY";
const DIGITS: &[u8] = b"23456789";

/// A fresh voucher code: three letters, a dash, three digits.
pub fn new_voucher_code() -> String {
    let mut rng = rand::thread_rng();
    let mut code = String::with_capacity(7);
    for _ in 0..3 {
        code.push(LETTERS[rng.gen_range(0..LETTERS.len())] as char);
    }
    code.push('-');
    for _ in 0..3 {
        code.push(DIGITS[rng.gen_range(0..DIGITS.len())] as char);
    }
    code
}

/// Normalises a code as a caller or agent may say it (`krm 482`, `KRM482`) to `KRM-482`.
pub fn normalize_voucher_code(input: &str) -> Option<String> {
    let chars: Vec<char> = input
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if chars.len() != 6 {
        return None;
    }
    let (letters, digits) = chars.split_at(3);
    if !letters.iter().all(char::is_ascii_alphabetic) || !digits.iter().all(char::is_ascii_digit) {
        return None;
    }
    Some(format!(
        "{}-{}",
        letters.iter().collect::<String>(),
        digits.iter().collect::<String>()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_have_the_speakable_shape() {
        for _ in 0..200 {
            let code = new_voucher_code();
            assert_eq!(
                normalize_voucher_code(&code).as_deref(),
                Some(code.as_str())
            );
        }
    }

    #[test]
    fn spoken_forms_normalise() {
        assert_eq!(
            normalize_voucher_code("krm 482").as_deref(),
            Some("KRM-482")
        );
        assert_eq!(normalize_voucher_code("KRM482").as_deref(), Some("KRM-482"));
        assert_eq!(normalize_voucher_code("KR-482"), None);
        assert_eq!(normalize_voucher_code("123-KRM"), None);
    }
}
