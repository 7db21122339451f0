//! The WebAuthn attestationObject built from what an authenticator returned.
//!
//! As WebAuthn's "Generating an Attestation Object" defines it: the CBOR map `{"fmt",
//! "attStmt", "authData"}` in this canonical order; attStmt per format: packed
//! `{alg, sig, x5c?}`, fido-u2f `{sig, x5c}`, none `{}`. Only authData and the
//! clientDataJSON are signed, so rebuilding the object from parsed fields is safe as long
//! as authData is kept byte for byte.

use ciborium::value::Value;

/// What makeCredential produced, as parsed fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attestation {
    /// Attestation statement format: "packed", "fido-u2f" or "none".
    pub fmt: String,
    /// Authenticator data exactly as the key returned it.
    pub auth_data: Vec<u8>,
    /// COSE algorithm of the signature (-7 for ES256).
    pub alg: i64,
    /// Attestation signature over authData || clientDataHash.
    pub sig: Vec<u8>,
    /// Attestation certificate chain, DER; empty for self-attestation.
    pub x5c: Vec<Vec<u8>>,
    /// Credential id, as found in the attested credential data.
    pub credential_id: Vec<u8>,
}

/// An authData too short to hold attested credential data.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("authenticator data is malformed: {0}")]
pub struct AuthDataError(pub &'static str);

impl Attestation {
    /// Encodes the attestationObject CBOR.
    pub fn to_cbor(&self) -> Vec<u8> {
        let statement = match self.fmt.as_str() {
            "none" => Vec::new(),
            "fido-u2f" => vec![
                (text("sig"), Value::Bytes(self.sig.clone())),
                (text("x5c"), certificates(&self.x5c)),
            ],
            _ => {
                let mut s = vec![
                    (text("alg"), Value::Integer(self.alg.into())),
                    (text("sig"), Value::Bytes(self.sig.clone())),
                ];
                if !self.x5c.is_empty() {
                    s.push((text("x5c"), certificates(&self.x5c)));
                }
                s
            }
        };
        let object = Value::Map(vec![
            (text("fmt"), text(&self.fmt)),
            (text("attStmt"), Value::Map(statement)),
            (text("authData"), Value::Bytes(self.auth_data.clone())),
        ]);
        let mut out = Vec::new();
        ciborium::into_writer(&object, &mut out).expect("writing CBOR to a Vec cannot fail");
        out
    }
}

/// Reads the credential id from authData's attested credential data:
/// rpIdHash(32) flags(1) signCount(4) aaguid(16) idLength(2) id(idLength) ...
pub fn credential_id_from_auth_data(auth_data: &[u8]) -> Result<Vec<u8>, AuthDataError> {
    const AT_FLAG: u8 = 0x40;
    let flags = *auth_data
        .get(32)
        .ok_or(AuthDataError("shorter than 37 bytes"))?;
    if flags & AT_FLAG == 0 {
        return Err(AuthDataError("no attested credential data (AT flag clear)"));
    }
    let len_bytes = auth_data
        .get(53..55)
        .ok_or(AuthDataError("credential id length missing"))?;
    let len = u16::from_be_bytes([len_bytes[0], len_bytes[1]]) as usize;
    auth_data
        .get(55..55 + len)
        .map(<[u8]>::to_vec)
        .ok_or(AuthDataError("credential id truncated"))
}

/// The AAGUID in authData's attested credential data.
pub fn aaguid_from_auth_data(auth_data: &[u8]) -> Result<[u8; 16], AuthDataError> {
    auth_data
        .get(37..53)
        .and_then(|s| s.try_into().ok())
        .ok_or(AuthDataError("AAGUID missing"))
}

fn text(s: &str) -> Value {
    Value::Text(s.to_owned())
}

fn certificates(x5c: &[Vec<u8>]) -> Value {
    Value::Array(x5c.iter().cloned().map(Value::Bytes).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auth_data_with_id(id: &[u8]) -> Vec<u8> {
        let mut a = vec![0u8; 32];
        a.push(0x45); // UP | UV | AT
        a.extend_from_slice(&[0, 0, 0, 1]);
        a.extend_from_slice(&[7u8; 16]);
        a.extend_from_slice(&u16::try_from(id.len()).expect("short id").to_be_bytes());
        a.extend_from_slice(id);
        a
    }

    #[test]
    fn packed_object_has_canonical_key_order() {
        let att = Attestation {
            fmt: "packed".into(),
            auth_data: auth_data_with_id(b"cred"),
            alg: -7,
            sig: vec![1, 2, 3],
            x5c: vec![],
            credential_id: b"cred".to_vec(),
        };
        let value: Value = ciborium::from_reader(att.to_cbor().as_slice()).unwrap();
        let map = value.as_map().unwrap();
        let keys: Vec<_> = map.iter().map(|(k, _)| k.as_text().unwrap()).collect();
        assert_eq!(keys, ["fmt", "attStmt", "authData"]);
        let stmt = map[1].1.as_map().unwrap();
        assert_eq!(stmt.len(), 2, "self-attestation carries no x5c");
        assert_eq!(map[2].1.as_bytes().unwrap(), &att.auth_data);
    }

    #[test]
    fn credential_id_and_aaguid_are_read_from_auth_data() {
        let auth = auth_data_with_id(b"credential-id");
        assert_eq!(
            credential_id_from_auth_data(&auth).unwrap(),
            b"credential-id"
        );
        assert_eq!(aaguid_from_auth_data(&auth).unwrap(), [7u8; 16]);
        assert!(credential_id_from_auth_data(&auth[..60]).is_err());
    }
}
