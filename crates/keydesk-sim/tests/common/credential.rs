//! A hand-built FIDO2 registration: a P-256 key, authData, packed self-attestation.
//!
//! Test code only. Every knob that a refusal test needs to turn is a field of [`Maker`].

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ciborium::value::Value as Cbor;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

pub const UP: u8 = 0x01;
pub const UV: u8 = 0x04;
pub const AT: u8 = 0x40;
pub const ED: u8 = 0x80;

/// YubiKey 5 Series AAGUID.
pub const AAGUID: [u8; 16] = [
    0xcb, 0x69, 0x48, 0x1e, 0x8f, 0xf7, 0x40, 0x39, 0x93, 0xec, 0x0a, 0x27, 0x29, 0xa1, 0x54, 0xa8,
];

/// How the attestation statement is made.
pub enum Attestation {
    /// `packed` signed by the credential key itself (no x5c).
    SelfPacked,
    /// `none`, with an empty statement.
    None,
    /// `packed` signed by an attestation key whose certificate goes in x5c.
    Certified(SigningKey),
}

/// Builds a registration body; defaults produce one Entra accepts.
pub struct Maker {
    pub key: SigningKey,
    pub credential_id: Vec<u8>,
    pub rp_id: String,
    pub origin: String,
    pub kind: String,
    pub flags: u8,
    pub aaguid: [u8; 16],
    /// Sign something other than authData || hash(clientData).
    pub bad_signature: bool,
    /// Put a different id in `publicKeyCredential.id`.
    pub body_id: Option<Vec<u8>>,
    pub display_name: Option<String>,
    pub attestation: Attestation,
}

impl Maker {
    pub fn new() -> Maker {
        let secret: [u8; 32] = rand::random();
        Maker {
            key: SigningKey::from_slice(&secret).expect("random scalar is valid"),
            credential_id: rand::random::<[u8; 32]>().to_vec(),
            rp_id: "login.microsoft.com".to_owned(),
            origin: "https://login.microsoft.com".to_owned(),
            kind: "webauthn.create".to_owned(),
            flags: UP | UV | AT | ED,
            aaguid: AAGUID,
            bad_signature: false,
            body_id: None,
            display_name: Some("YubiKey 5 NFC 31245678".to_owned()),
            attestation: Attestation::SelfPacked,
        }
    }

    pub fn client_data(&self, challenge: &str) -> Vec<u8> {
        format!(
            r#"{{"type":"{}","challenge":"{challenge}","origin":"{}","crossOrigin":false}}"#,
            self.kind, self.origin
        )
        .into_bytes()
    }

    pub fn auth_data(&self) -> Vec<u8> {
        let mut out = Sha256::digest(self.rp_id.as_bytes()).to_vec();
        out.push(self.flags);
        out.extend_from_slice(&0u32.to_be_bytes());
        out.extend_from_slice(&self.aaguid);
        let id_len = u16::try_from(self.credential_id.len()).expect("credential ids are short");
        out.extend_from_slice(&id_len.to_be_bytes());
        out.extend_from_slice(&self.credential_id);
        let point = self.key.verifying_key().to_encoded_point(false);
        let cose = Cbor::Map(vec![
            (int(1), int(2)),
            (int(3), int(-7)),
            (int(-1), int(1)),
            (int(-2), Cbor::Bytes(point.x().unwrap().to_vec())),
            (int(-3), Cbor::Bytes(point.y().unwrap().to_vec())),
        ]);
        ciborium::into_writer(&cose, &mut out).unwrap();
        if self.flags & ED != 0 {
            let extensions = Cbor::Map(vec![
                (Cbor::Text("credProtect".into()), int(1)),
                (Cbor::Text("hmac-secret".into()), Cbor::Bool(true)),
            ]);
            ciborium::into_writer(&extensions, &mut out).unwrap();
        }
        out
    }

    /// The JSON body of `POST .../fido2Methods` for a challenge string.
    pub fn body(&self, challenge: &str) -> Value {
        let client_data = self.client_data(challenge);
        let auth_data = self.auth_data();
        let mut signed = auth_data.clone();
        signed.extend_from_slice(&Sha256::digest(&client_data));
        if self.bad_signature {
            signed[0] ^= 0xff;
        }
        let signer = match &self.attestation {
            Attestation::Certified(key) => key,
            _ => &self.key,
        };
        let signature: Signature = signer.sign(&signed);
        let mut statement = vec![
            (Cbor::Text("alg".into()), int(-7)),
            (
                Cbor::Text("sig".into()),
                Cbor::Bytes(signature.to_der().as_bytes().to_vec()),
            ),
        ];
        if let Attestation::Certified(key) = &self.attestation {
            statement.push((
                Cbor::Text("x5c".into()),
                Cbor::Array(vec![Cbor::Bytes(attestation_certificate(key))]),
            ));
        }
        let (fmt, statement) = match self.attestation {
            Attestation::None => ("none", Cbor::Map(vec![])),
            _ => ("packed", Cbor::Map(statement)),
        };
        let object = Cbor::Map(vec![
            (Cbor::Text("fmt".into()), Cbor::Text(fmt.into())),
            (Cbor::Text("attStmt".into()), statement),
            (Cbor::Text("authData".into()), Cbor::Bytes(auth_data)),
        ]);
        let mut attestation = Vec::new();
        ciborium::into_writer(&object, &mut attestation).unwrap();
        let id = self.body_id.as_ref().unwrap_or(&self.credential_id);
        let mut body = json!({
            "publicKeyCredential": {
                "id": URL_SAFE_NO_PAD.encode(id),
                "response": {
                    "clientDataJSON": URL_SAFE_NO_PAD.encode(&client_data),
                    "attestationObject": URL_SAFE_NO_PAD.encode(&attestation),
                },
                "clientExtensionResults": {},
            }
        });
        if let Some(name) = &self.display_name {
            body["displayName"] = json!(name);
        }
        body
    }
}

/// A packed attestation certificate (C, O, OU "Authenticator Attestation", CN) for `key`.
pub fn attestation_certificate(key: &SigningKey) -> Vec<u8> {
    use super::der;
    let point = key.verifying_key().to_encoded_point(false);
    der::certificate(
        &der::ec_spki(point.as_bytes()),
        &[
            (der::C, "SE"),
            (der::O, "KeyDesk Test Keys"),
            (der::OU, "Authenticator Attestation"),
            (der::CN, "KeyDesk Test Attestation"),
        ],
    )
}

/// A fresh random P-256 key.
pub fn random_key() -> SigningKey {
    let secret: [u8; 32] = rand::random();
    SigningKey::from_slice(&secret).expect("random scalar is valid")
}

fn int(n: i64) -> Cbor {
    Cbor::Integer(n.into())
}
