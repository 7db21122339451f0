//! What the key produced, to be registered for a user: a [`Registration`] and the JSON body
//! of the register POST it becomes. Plain data and its encoding: sending it is
//! [`super::fido2`]'s, recognising it afterwards [`super::reconcile`]'s.

use keydesk_core::b64;

use crate::wire::{AttestationResponseDto, PublicKeyCredentialDto, RegisterBody};

/// Longest passkey display name Graph keeps, in characters.
pub const MAX_DISPLAY_NAME_CHARS: usize = 30;

/// What the key produced, to be registered for a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    /// Name for the passkey; sent truncated to [`MAX_DISPLAY_NAME_CHARS`], omitted if blank.
    pub display_name: String,
    /// Credential id from the key.
    pub credential_id: Vec<u8>,
    /// The exact clientDataJSON bytes the key signed over.
    pub client_data_json: Vec<u8>,
    /// CBOR attestationObject.
    pub attestation_object: Vec<u8>,
    /// The challenge came from beta ([`keydesk_core::CreationOptions::beta`]): the POST
    /// goes to beta as well.
    pub beta: bool,
}

impl Registration {
    /// The display name as it will be sent: trimmed, at most 30 characters, cut on a
    /// character boundary; `None` when blank.
    pub fn sent_display_name(&self) -> Option<&str> {
        let name = self.display_name.trim();
        if name.is_empty() {
            return None;
        }
        let end = name
            .char_indices()
            .nth(MAX_DISPLAY_NAME_CHARS)
            .map_or(name.len(), |(i, _)| i);
        Some(name[..end].trim_end())
    }

    /// The POST body (`displayName` and `publicKeyCredential {id, response {clientDataJSON, attestationObject}, clientExtensionResults}`), base64url without padding.
    pub fn to_json(&self) -> Vec<u8> {
        let body = RegisterBody {
            display_name: self.sent_display_name(),
            public_key_credential: PublicKeyCredentialDto {
                id: b64::encode(&self.credential_id),
                response: AttestationResponseDto {
                    client_data_json: b64::encode(&self.client_data_json),
                    attestation_object: b64::encode(&self.attestation_object),
                },
                client_extension_results: serde_json::Map::new(),
            },
        };
        serde_json::to_vec(&body).expect("the register body always serialises")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registration(name: &str) -> Registration {
        Registration {
            display_name: name.into(),
            credential_id: vec![0xfb, 0xff, 0x01],
            client_data_json: br#"{"type":"webauthn.create"}"#.to_vec(),
            attestation_object: vec![0xa3, 0x63],
            beta: false,
        }
    }

    #[test]
    fn the_register_body_matches_graph_md() {
        let body: serde_json::Value =
            serde_json::from_slice(&registration("YubiKey 5 NFC 31245678").to_json()).unwrap();
        assert_eq!(
            body,
            serde_json::json!({
                "displayName": "YubiKey 5 NFC 31245678",
                "publicKeyCredential": {
                    "id": "-_8B",
                    "response": {
                        "clientDataJSON": "eyJ0eXBlIjoid2ViYXV0aG4uY3JlYXRlIn0",
                        "attestationObject": "o2M"
                    },
                    "clientExtensionResults": {}
                }
            })
        );
        let text = String::from_utf8(registration("k").to_json()).unwrap();
        assert!(!text.contains('='), "{text}");
    }

    #[test]
    fn display_names_are_cut_at_30_characters_on_a_char_boundary() {
        let long = "Schlüssel für Jürgen Müller-Lüdenscheidt 42";
        let sent = registration(long).sent_display_name().unwrap().to_owned();
        assert_eq!(sent.chars().count(), 30);
        assert!(long.starts_with(&sent));
        let emoji = "🔑".repeat(40);
        assert_eq!(
            registration(&emoji).sent_display_name().unwrap(),
            "🔑".repeat(30)
        );
        assert_eq!(
            registration("exactly-thirty-characters-long")
                .sent_display_name()
                .unwrap()
                .len(),
            30
        );
        let blank =
            serde_json::from_slice::<serde_json::Value>(&registration("  ").to_json()).unwrap();
        assert!(blank.get("displayName").is_none());
    }
}
