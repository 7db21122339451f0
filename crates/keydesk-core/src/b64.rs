//! Base64url, written strictly and read leniently.
//!
//! Graph sends ids in several spellings: plain base64url, base64url with a
//! "padding number suffix" (a trailing `0`, `1` or `2` standing for that many `=`), padded
//! or unpadded, and sometimes the standard alphabet (`+`, `/`). [`decode_lenient`] accepts
//! all of them; [`encode`] always writes unpadded base64url.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// Why a Graph id could not be decoded.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("not valid base64url: {0:?}")]
pub struct DecodeError(pub String);

/// Unpadded base64url, the form WebAuthn and Graph bodies use.
pub fn encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes any spelling Graph is known to use (see the module docs).
pub fn decode_lenient(text: &str) -> Result<Vec<u8>, DecodeError> {
    let normal = url_alphabet(text);
    let padded = normal.ends_with('=');
    let bare = normal.trim_end_matches('=');
    // Padding-digit form: "<data><n>" where n is the number of '=' that were dropped. When
    // the last character is a digit that matches the length it is read this way first: a
    // padding-digit id with n = 1 or 2 is also valid plain base64 of other bytes, while a
    // plain id is mistaken for one only when its last character happens to be that digit.
    if !padded {
        if let Some(bytes) = decode_padding_digit(bare) {
            return Ok(bytes);
        }
    }
    if let Ok(bytes) = URL_SAFE_NO_PAD.decode(bare) {
        return Ok(bytes);
    }
    Err(DecodeError(text.to_owned()))
}

/// Decodes plain base64 only: the URL-safe or standard alphabet, with or without `=`
/// padding, but never the padding-digit rule. For values Graph documents as plain
/// base64url, such as `publicKey.user.id`, where a trailing `0`, `1` or `2` is data.
pub fn decode_plain(text: &str) -> Result<Vec<u8>, DecodeError> {
    let normal = url_alphabet(text);
    URL_SAFE_NO_PAD
        .decode(normal.trim_end_matches('='))
        .map_err(|_| DecodeError(text.to_owned()))
}

/// Every byte string `text` can stand for: the padding-digit reading and the plain one
/// when both decode (a trailing digit may be data or a padding count), else the one that
/// does. For matching an id against known bytes, where picking one reading would miss the
/// other.
pub fn readings(text: &str) -> Vec<Vec<u8>> {
    let normal = url_alphabet(text);
    let bare = normal.trim_end_matches('=');
    let mut all = Vec::new();
    if !normal.ends_with('=') {
        all.extend(decode_padding_digit(bare));
    }
    if let Ok(bytes) = URL_SAFE_NO_PAD.decode(bare) {
        if !all.contains(&bytes) {
            all.push(bytes);
        }
    }
    all
}

/// `text` trimmed, in the URL-safe alphabet.
fn url_alphabet(text: &str) -> String {
    text.trim()
        .chars()
        .map(|c| match c {
            '+' => '-',
            '/' => '_',
            c => c,
        })
        .collect()
}

fn decode_padding_digit(text: &str) -> Option<Vec<u8>> {
    let pad = text.chars().last()?.to_digit(10).filter(|d| *d <= 2)? as usize;
    let data = &text[..text.len() - 1];
    if (4 - data.len() % 4) % 4 != pad {
        return None;
    }
    URL_SAFE_NO_PAD.decode(data).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_spelling_graph_uses() {
        let bytes = [0xfb, 0xff, 0x10, 0x20, 0x30];
        assert_eq!(decode_lenient("-_8QIDA").unwrap(), bytes);
        assert_eq!(decode_lenient("-_8QIDA=").unwrap(), bytes);
        assert_eq!(decode_lenient("+/8QIDA=").unwrap(), bytes);
        assert_eq!(decode_lenient("-_8QIDA1").unwrap(), bytes);
        assert_eq!(decode_lenient("AAAA0").unwrap(), [0, 0, 0]);
        assert_eq!(decode_lenient("AA2").unwrap(), [0]);
    }

    #[test]
    fn an_id_that_decodes_both_ways_has_both_readings() {
        let both = readings("AAE1");
        assert_eq!(both.len(), 2);
        assert!(both.contains(&vec![0, 1]));
        assert!(both.contains(&URL_SAFE_NO_PAD.decode("AAE1").unwrap()));
        assert_eq!(
            readings("-_8QIDA="),
            vec![vec![0xfb, 0xff, 0x10, 0x20, 0x30]]
        );
        assert!(readings("*bad*").is_empty());
    }

    #[test]
    fn a_consistent_padding_digit_wins_over_plain_reading() {
        // "AAE1" is also valid plain base64 (3 bytes), but Entra means "AAE=" (2 bytes).
        assert_eq!(decode_lenient("AAE1").unwrap(), [0, 1]);
        // A digit that does not match the length is data.
        assert_eq!(
            decode_lenient("AAE2").unwrap(),
            URL_SAFE_NO_PAD.decode("AAE2").unwrap()
        );
    }

    #[test]
    fn plain_decoding_keeps_a_trailing_digit_as_data() {
        assert_eq!(
            decode_plain("AAE1").unwrap(),
            URL_SAFE_NO_PAD.decode("AAE1").unwrap()
        );
        assert_eq!(
            decode_plain("+/8QIDA=").unwrap(),
            [0xfb, 0xff, 0x10, 0x20, 0x30]
        );
        assert!(decode_plain("AA2").is_err());
    }

    #[test]
    fn garbage_is_refused_with_the_text() {
        assert_eq!(decode_lenient("a*b"), Err(DecodeError("a*b".into())));
    }

    #[test]
    fn encode_is_unpadded_url_safe() {
        assert_eq!(encode(&[0xfb, 0xff]), "-_8");
    }
}
