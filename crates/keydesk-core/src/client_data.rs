//! The clientDataJSON Entra verifies, byte for byte.
//!
//! Entra's register endpoint wants exactly `type`, `challenge`, `origin`, `crossOrigin`, in this order, compact,
//! with the challenge string copied verbatim from the creation options and the origin
//! `https://` + rp.id. The key signs SHA-256 of these exact bytes.

use sha2::{Digest, Sha256};

/// Builds the clientDataJSON bytes for a registration.
pub fn for_registration(challenge: &str, rp_id: &str) -> Vec<u8> {
    #[derive(serde::Serialize)]
    struct ClientData<'a> {
        #[serde(rename = "type")]
        kind: &'a str,
        challenge: &'a str,
        origin: String,
        #[serde(rename = "crossOrigin")]
        cross_origin: bool,
    }
    let data = ClientData {
        kind: "webauthn.create",
        challenge,
        origin: format!("https://{rp_id}"),
        cross_origin: false,
    };
    serde_json::to_vec(&data).expect("serialising plain strings cannot fail")
}

/// SHA-256 of the clientDataJSON: what the authenticator signs over.
pub fn hash(client_data_json: &[u8]) -> [u8; 32] {
    Sha256::digest(client_data_json).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_graph_md_byte_for_byte() {
        let json = for_registration("dGVzdC1jaGFsbGVuZ2U", "login.microsoft.com");
        assert_eq!(
            std::str::from_utf8(&json).unwrap(),
            r#"{"type":"webauthn.create","challenge":"dGVzdC1jaGFsbGVuZ2U","origin":"https://login.microsoft.com","crossOrigin":false}"#
        );
    }

    #[test]
    fn challenge_is_escaped_not_altered() {
        let json = for_registration("a\"b", "rp.example");
        let back: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(back["challenge"], "a\"b");
    }
}
