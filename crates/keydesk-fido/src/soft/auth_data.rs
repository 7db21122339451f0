//! Authenticator data for makeCredential (WebAuthn §6.1): rpIdHash, flags, signCount,
//! attested credential data and the extensions map.
//!
//! Byte layout: `SHA-256(rp_id) | flags | signCount (u32 BE) | AAGUID | credIdLen (u16 BE) |
//! credId | COSE_Key | extensions?`. Encoding only; parsing lives in `keydesk_core` and tests.

use ciborium::value::Value;
use sha2::{Digest, Sha256};

/// User present.
pub const FLAG_UP: u8 = 0x01;
/// User verified.
pub const FLAG_UV: u8 = 0x04;
/// Attested credential data included.
pub const FLAG_AT: u8 = 0x40;
/// Extension data included.
pub const FLAG_ED: u8 = 0x80;

/// The authenticator extension outputs of one makeCredential.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Extensions {
    /// credProtect level granted.
    pub cred_protect: Option<u8>,
    /// hmac-secret enabled for the credential.
    pub hmac_secret: bool,
}

impl Extensions {
    /// True when no extension output is present (authData then has no ED flag).
    pub fn is_empty(&self) -> bool {
        self.cred_protect.is_none() && !self.hmac_secret
    }

    /// The extensions CBOR map in CTAP2 canonical order ("credProtect" sorts before
    /// "hmac-secret": same length, then bytewise), or None when empty.
    pub fn encode(&self) -> Option<Vec<u8>> {
        if self.is_empty() {
            return None;
        }
        let mut map = Vec::new();
        if let Some(level) = self.cred_protect {
            map.push((
                Value::Text("credProtect".into()),
                Value::Integer(level.into()),
            ));
        }
        if self.hmac_secret {
            map.push((Value::Text("hmac-secret".into()), Value::Bool(true)));
        }
        let mut out = Vec::new();
        ciborium::into_writer(&Value::Map(map), &mut out)
            .expect("writing CBOR to a Vec cannot fail");
        Some(out)
    }
}

/// What goes into one authData with attested credential data.
pub struct AttestedAuthData<'a> {
    /// The relying party id, hashed into the first 32 bytes.
    pub rp_id: &'a str,
    /// The signature counter.
    pub sign_count: u32,
    /// The model's AAGUID.
    pub aaguid: [u8; 16],
    /// The new credential's id.
    pub credential_id: &'a [u8],
    /// The new credential's public key, COSE_Key CBOR.
    pub cose_key: &'a [u8],
    /// Extension outputs.
    pub extensions: Extensions,
}

impl AttestedAuthData<'_> {
    /// Encodes the authData, with UP, UV and AT set (and ED when extensions are present).
    pub fn encode(&self) -> Vec<u8> {
        let extensions = self.extensions.encode();
        let mut flags = FLAG_UP | FLAG_UV | FLAG_AT;
        if extensions.is_some() {
            flags |= FLAG_ED;
        }
        let id_len = u16::try_from(self.credential_id.len()).expect("credential ids are short");
        let mut out = Vec::with_capacity(55 + self.credential_id.len() + self.cose_key.len() + 32);
        out.extend_from_slice(&Sha256::digest(self.rp_id.as_bytes()));
        out.push(flags);
        out.extend_from_slice(&self.sign_count.to_be_bytes());
        out.extend_from_slice(&self.aaguid);
        out.extend_from_slice(&id_len.to_be_bytes());
        out.extend_from_slice(self.credential_id);
        out.extend_from_slice(self.cose_key);
        if let Some(ext) = extensions {
            out.extend_from_slice(&ext);
        }
        out
    }
}

/// The authData of an assertion: `SHA-256(rp_id) | UP+UV | signCount`.
pub fn assertion_auth_data(rp_id: &str, sign_count: u32) -> Vec<u8> {
    let mut out = Vec::with_capacity(37);
    out.extend_from_slice(&Sha256::digest(rp_id.as_bytes()));
    out.push(FLAG_UP | FLAG_UV);
    out.extend_from_slice(&sign_count.to_be_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_and_flags() {
        let data = AttestedAuthData {
            rp_id: "login.microsoft.com",
            sign_count: 5,
            aaguid: [9; 16],
            credential_id: b"id",
            cose_key: &[0xa0],
            extensions: Extensions::default(),
        }
        .encode();
        assert_eq!(data[..32], Sha256::digest(b"login.microsoft.com")[..]);
        assert_eq!(data[32], FLAG_UP | FLAG_UV | FLAG_AT);
        assert_eq!(&data[33..37], &[0, 0, 0, 5]);
        assert_eq!(&data[37..53], &[9; 16]);
        assert_eq!(&data[53..55], &[0, 2]);
        assert_eq!(&data[55..], b"id\xa0");
    }

    #[test]
    fn extensions_are_canonical_and_set_ed() {
        let ext = Extensions {
            cred_protect: Some(2),
            hmac_secret: true,
        };
        let bytes = ext.encode().unwrap();
        let mut expected = vec![0xa2, 0x6b];
        expected.extend_from_slice(b"credProtect");
        expected.push(0x02);
        expected.push(0x6b);
        expected.extend_from_slice(b"hmac-secret");
        expected.push(0xf5);
        assert_eq!(bytes, expected);
        let data = AttestedAuthData {
            rp_id: "x",
            sign_count: 0,
            aaguid: [0; 16],
            credential_id: b"",
            cose_key: &[],
            extensions: ext,
        }
        .encode();
        assert_eq!(data[32] & FLAG_ED, FLAG_ED);
        assert!(Extensions::default().encode().is_none());
    }
}
