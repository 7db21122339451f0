//! What Graph lists about a registered key, read from its attestation object independently
//! of webauthn-rs: the AAGUID, a model name for well-known AAGUIDs, and the SHA-1
//! thumbprints of a packed statement's x5c certificates.

use uuid::Uuid;

/// A few AAGUIDs Entra names in `model`.
const MODELS: &[(&str, &str)] = &[
    ("cb69481e-8ff7-4039-93ec-0a2729a154a8", "YubiKey 5 Series"),
    ("ee882879-721c-4913-9775-3dfcce97072a", "YubiKey 5 NFC"),
    (
        "fa2b99dc-9e39-4257-8f92-4a30d23c4118",
        "YubiKey 5 Series with NFC",
    ),
    (
        "2fc0579f-8113-47ea-b116-bb5a8db9202a",
        "YubiKey 5 Series with NFC",
    ),
];

/// The AAGUID in the attestation object's authData, read independently of webauthn-rs.
pub fn aaguid(attestation_object: &[u8]) -> Option<Uuid> {
    let value: ciborium::Value = ciborium::from_reader(attestation_object).ok()?;
    let auth_data = value
        .as_map()?
        .iter()
        .find(|(k, _)| k.as_text() == Some("authData"))?
        .1
        .as_bytes()?;
    Uuid::from_slice(auth_data.get(37..53)?).ok()
}

/// SHA-1 thumbprints (hex) of the x5c certificates in a packed statement, as Graph lists
/// them in `attestationCertificates`.
pub fn x5c_thumbprints(attestation_object: &[u8]) -> Vec<String> {
    use crypto_glue::sha1::Sha1;
    use crypto_glue::traits::Digest;
    let Ok(value) = ciborium::from_reader::<ciborium::Value, _>(attestation_object) else {
        return Vec::new();
    };
    let field = |map: &ciborium::Value, name: &str| {
        map.as_map()?
            .iter()
            .find(|(k, _)| k.as_text() == Some(name))
            .map(|(_, v)| v.clone())
    };
    field(&value, "attStmt")
        .and_then(|statement| field(&statement, "x5c"))
        .and_then(|x5c| x5c.as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|c| c.as_bytes())
        .map(|der| {
            Sha1::digest(der)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect()
        })
        .collect()
}

pub fn model(aaguid: &Uuid) -> String {
    let text = aaguid.to_string();
    MODELS
        .iter()
        .find(|(id, _)| *id == text)
        .map_or("Unknown", |(_, name)| name)
        .to_owned()
}
