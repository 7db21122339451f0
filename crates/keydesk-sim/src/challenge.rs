//! Entra-sized challenges.
//!
//! Entra's creationOptions challenge is not a bare 32-byte nonce: it is an opaque blob of
//! several kilobytes (base64url in `publicKey.challenge`), which every client must carry
//! through clientDataJSON unchanged. webauthn-rs-core makes 32-byte challenges, so the
//! simulator takes the harder reading: it issues an opaque challenge of
//! [`OPAQUE_CHALLENGE_BYTES`] (a random nonce followed by random padding, as unreadable to
//! the client as Entra's) and swaps it into the ceremony's [`RegistrationState`], so the
//! registration is still judged by webauthn-rs-core against exactly what was issued.
//!
//! It is not Entra's format: the contents mean nothing; only the size and opacity match.

use serde_json::Value;
use webauthn_rs_core::proto::RegistrationState;

/// Raw size of an issued challenge: 3,000 bytes, 4,000 base64url characters.
pub const OPAQUE_CHALLENGE_BYTES: usize = 3000;

/// A fresh opaque challenge of [`OPAQUE_CHALLENGE_BYTES`].
pub fn opaque() -> Vec<u8> {
    let mut bytes = vec![0u8; OPAQUE_CHALLENGE_BYTES];
    rand::fill(bytes.as_mut_slice());
    bytes
}

/// `state` with its challenge replaced by `challenge`.
///
/// The state's serialised form is the crate's public, stable way in (its fields are
/// private); a field that is not where expected is an error, not a silent 32-byte
/// challenge.
pub fn with_challenge(
    state: RegistrationState,
    challenge: &[u8],
) -> Result<RegistrationState, String> {
    let mut json = serde_json::to_value(&state).map_err(|e| e.to_string())?;
    let slot = json
        .get_mut("challenge")
        .filter(|v| v.is_string())
        .ok_or("registration state has no challenge field")?;
    *slot = Value::String(crate::b64::encode(challenge));
    serde_json::from_value(json).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenges_are_several_kilobytes_and_unique() {
        let (a, b) = (opaque(), opaque());
        assert_eq!(a.len(), OPAQUE_CHALLENGE_BYTES);
        assert!(crate::b64::encode(&a).len() >= 4000);
        assert_ne!(a, b);
    }
}
