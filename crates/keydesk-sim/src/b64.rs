//! The base64 spellings Entra reads and writes.
//!
//! Reads are lenient (url-safe or standard alphabet, padded or not) because clients differ.
//! Credential ids (and opaque or credential-shaped method ids, see [`crate::MethodIds`]) are
//! written in Entra's padding-digit form: base64url without `=` followed by one digit
//! counting the `=` that were dropped.

use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use base64::Engine;

/// Unpadded base64url.
pub fn encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Base64url with Entra's trailing padding digit (`0`, `1` or `2`).
pub fn encode_padding_digit(bytes: &[u8]) -> String {
    let dropped = (3 - bytes.len() % 3) % 3;
    format!("{}{dropped}", encode(bytes))
}

/// Decodes base64url or standard base64, with or without `=` padding.
pub fn decode_lenient(text: &str) -> Option<Vec<u8>> {
    let trimmed = text.trim().trim_end_matches('=');
    if trimmed.contains(['+', '/']) {
        STANDARD_NO_PAD.decode(trimmed).ok()
    } else {
        URL_SAFE_NO_PAD.decode(trimmed).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padding_digit_counts_dropped_padding() {
        assert_eq!(encode_padding_digit(b"abc"), "YWJj0");
        assert_eq!(encode_padding_digit(b"ab"), "YWI1");
        assert_eq!(encode_padding_digit(b"a"), "YQ2");
    }

    #[test]
    fn lenient_decode_accepts_all_spellings() {
        let bytes = [0xfb, 0xff, 0x01];
        for text in ["-_8B", "+/8B", "-_8B="] {
            assert_eq!(decode_lenient(text).unwrap(), bytes);
        }
        assert_eq!(decode_lenient("YWI=").unwrap(), b"ab");
        assert!(decode_lenient("not base64!").is_none());
    }
}
