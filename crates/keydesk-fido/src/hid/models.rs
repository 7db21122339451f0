//! Model names from AAGUIDs, for keys common in Entra ID deployments.
//!
//! A small table written from public AAGUID lists (the vendors' documentation and the
//! community `passkey-authenticator-aaguids` list); the FIDO metadata service is not
//! reachable from here. Anything else is [`UNKNOWN_MODEL`]: the operator still gets the
//! AAGUID itself.
//!
//! Known issues: vendors issue new AAGUIDs with firmware lines; the table lags them.

/// What a key not in the table is called.
pub const UNKNOWN_MODEL: &str = "unknown model";

const MODELS: &[(&str, &str)] = &[
    ("cb69481e-8ff7-4039-93ec-0a2729a154a8", "YubiKey 5 Series"),
    ("ee882879-721c-4913-9775-3dfcce97072a", "YubiKey 5 Series"),
    (
        "fa2b99dc-9e39-4257-8f92-4a30d23c4118",
        "YubiKey 5 Series with NFC",
    ),
    (
        "19083c3d-8383-4b18-bc03-8f1c9ab2fd1b",
        "YubiKey 5 Series (firmware 5.7)",
    ),
    (
        "a25342c0-3cdc-4414-8e46-f4807fca511c",
        "YubiKey 5 Series with NFC (firmware 5.7)",
    ),
    ("c5ef55ff-ad9a-4b9f-b580-adebafe026d0", "YubiKey 5Ci"),
    (
        "73bb0cd4-e502-49b8-9c6f-b59445bf720b",
        "YubiKey 5 FIPS Series",
    ),
    ("d8522d9f-575b-4866-88a9-ba99fa02f35b", "YubiKey Bio Series"),
    (
        "dd86a2da-86a0-4cbe-b462-4bd31f57bc6f",
        "YubiKey Bio Series (FIDO Edition)",
    ),
    (
        "f8a011f3-8c0a-4d15-8006-17111f9edc7d",
        "Security Key by Yubico",
    ),
    (
        "b92c3f9a-c014-4056-887f-140a2501163b",
        "Security Key by Yubico",
    ),
    (
        "6d44ba9b-f6ec-2e49-b930-0c8fe920cb73",
        "Security Key NFC by Yubico",
    ),
    (
        "149a2021-8ef6-4133-96b8-81f8d5b7f1f5",
        "Security Key NFC by Yubico",
    ),
    (
        "a4e9fc6d-4cbe-4758-b8ba-37598bb5bbaa",
        "Security Key NFC by Yubico",
    ),
    (
        "0bb43545-fd2c-4185-87dd-feb0b2916ace",
        "Security Key NFC by Yubico (Enterprise)",
    ),
    (
        "42b4fb4a-2866-43b2-9bf7-6c6669c2e5d3",
        "Google Titan Security Key v2",
    ),
    (
        "833b721a-ff5f-4d00-bb2e-bdda3ec01e29",
        "Feitian ePass FIDO2",
    ),
    (
        "ee041bce-25e5-4cdb-8f86-897fd6418464",
        "Feitian ePass FIDO2-NFC",
    ),
    (
        "77010bd7-212a-4fc9-b236-d2ca5e9d4084",
        "Feitian BioPass FIDO2",
    ),
    (
        "12ded745-4bed-47d4-abaa-e713f51d6393",
        "Feitian AllinOne FIDO2",
    ),
    (
        "ab32f0c6-2239-afbb-c470-d2ef4e254db7",
        "TOKEN2 FIDO2 Security Key",
    ),
    ("8876631b-d4a0-427f-5773-0ec71c9e0279", "SoloKeys Solo 2"),
    ("aa62412e-2cce-4d8b-9c5a-0330bc24e541", "KeyDesk Soft Key"),
];

/// The model name for `aaguid`, or [`UNKNOWN_MODEL`].
pub fn model_name(aaguid: &[u8; 16]) -> &'static str {
    let id = crate::port::aaguid_text(aaguid);
    MODELS
        .iter()
        .find(|(known, _)| *known == id)
        .map_or(UNKNOWN_MODEL, |(_, name)| name)
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;

    #[test]
    fn known_and_unknown() {
        let yubikey = *Uuid::parse_str("ee882879-721c-4913-9775-3dfcce97072a")
            .unwrap()
            .as_bytes();
        assert_eq!(model_name(&yubikey), "YubiKey 5 Series");
        assert_eq!(model_name(&[0; 16]), UNKNOWN_MODEL);
        assert_eq!(
            model_name(&crate::soft::SOFT_KEY_AAGUID),
            "KeyDesk Soft Key"
        );
    }

    #[test]
    fn table_entries_are_valid_uuids_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for (id, _) in MODELS {
            assert_eq!(Uuid::parse_str(id).unwrap().to_string(), *id);
            assert!(seen.insert(id), "duplicate {id}");
        }
    }
}
