//! Creation options: what Graph issues for one user and one registration.
//!
//! The Graph client turns the wire shape into this type; the engine and the key only see
//! this. Everything is taken from the response (rp, user, algorithms, extensions), never
//! assumed: Graph's values differ from WebAuthn's defaults and change between tenants.

use crate::b64::{decode_plain, DecodeError};

/// Decodes `publicKey.user.id` strictly as plain base64url: real user handles are 51
/// bytes, 68 characters, and a last character `0`, `1` or `2` is data. The padding-digit
/// rule is for credential ids only; applied here it would turn about 1 in 240 real handles
/// into wrong bytes.
pub fn decode_user_handle(text: &str) -> Result<Vec<u8>, DecodeError> {
    decode_plain(text)
}

/// credProtect levels (CTAP 2.1 §12.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredProtect {
    /// userVerificationOptional (1): what Entra asks for.
    UvOptional = 1,
    /// userVerificationOptionalWithCredentialIDList (2).
    UvOptionalWithIdList = 2,
    /// userVerificationRequired (3).
    UvRequired = 3,
}

impl CredProtect {
    /// Parses Graph's `credentialProtectionPolicy` string.
    pub fn from_policy_name(name: &str) -> Option<Self> {
        match name {
            "userVerificationOptional" => Some(CredProtect::UvOptional),
            "userVerificationOptionalWithCredentialIDList" => {
                Some(CredProtect::UvOptionalWithIdList)
            }
            "userVerificationRequired" => Some(CredProtect::UvRequired),
            _ => None,
        }
    }
}

/// One registration's creation options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreationOptions {
    /// The challenge string, verbatim (it goes into clientDataJSON as is).
    pub challenge: String,
    /// When Graph stops accepting this challenge, seconds since the Unix epoch.
    pub expires_at_unix: i64,
    /// Relying party id, e.g. "login.microsoft.com".
    pub rp_id: String,
    /// Relying party name, e.g. "Microsoft".
    pub rp_name: String,
    /// User handle bytes (decoded `user.id`).
    pub user_handle: Vec<u8>,
    /// `user.name`, usually the UPN.
    pub user_name: String,
    /// `user.displayName`.
    pub user_display_name: String,
    /// COSE algorithms in the server's order of preference.
    pub algorithms: Vec<i64>,
    /// Credential ids the key must not already hold (decoded).
    pub exclude_credentials: Vec<Vec<u8>>,
    /// Whether the server requires a discoverable credential.
    pub resident_key: bool,
    /// hmac-secret extension requested.
    pub hmac_secret: bool,
    /// credProtect level requested, if any.
    pub cred_protect: Option<CredProtect>,
    /// Issued by beta (the function form with a custom timeout): the registration must be
    /// POSTed to beta too, with the same API version as the creationOptions.
    pub beta: bool,
}

impl CreationOptions {
    /// True when the challenge will still be valid `margin_secs` after `now_unix`.
    pub fn is_fresh(&self, now_unix: i64, margin_secs: i64) -> bool {
        now_unix + margin_secs < self.expires_at_unix
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;

    /// Real-length (51-byte) handles ending in `0`, `1` and `2`; the one ending in `1`
    /// after a character whose low bits are zero is valid padding-digit text of 50 bytes.
    #[test]
    fn user_handles_are_plain_base64url_whatever_their_last_character() {
        let mut bytes = [0x5a_u8; 51];
        for (last, text_end) in [(0x34_u8, '0'), (0x35, '1'), (0x36, '2')] {
            bytes[49] = 0xa0;
            bytes[50] = last;
            let text = URL_SAFE_NO_PAD.encode(bytes);
            assert_eq!(text.len(), 68);
            assert!(text.ends_with(text_end), "{text}");
            assert_eq!(decode_user_handle(&text).unwrap(), bytes, "{text}");
        }
        let misread = URL_SAFE_NO_PAD.encode({
            bytes[50] = 0x35;
            bytes
        });
        assert_ne!(crate::b64::decode_lenient(&misread).unwrap(), bytes);
        assert_eq!(decode_user_handle(&misread).unwrap(), bytes);
    }
}
