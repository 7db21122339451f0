//! What the FIDO metadata BLOB ([`keydesk_mds::Mds`]) decides for the desk, as pure
//! functions over an optional BLOB, so a desk without one behaves as before:
//!
//! - [`describe`]: a model's name, icon, certification and status, from the BLOB, or from
//!   the driver's hand-made AAGUID table when no BLOB is loaded or it lacks the model (the
//!   result says which, [`FactsSource`]).
//! - [`check_status`] (pre-flight, before anything is written): a model whose latest status
//!   report is REVOKED, USER_VERIFICATION_BYPASS or a key compromise is refused.
//! - [`check_attestation`] (after makeCredential, before the POST): under enforced
//!   attestation, the key's chain must end at its model's attestation roots.

use std::time::SystemTime;

use keydesk_core::Attestation;
use keydesk_fido::aaguid_text;
use keydesk_fido::hid::models;
use keydesk_mds::{AttestationCheck, Mds};

pub use keydesk_mds::{FactsSource, ModelFacts};

use crate::preflight::Refusal;

/// Facts about a model: the BLOB's when it lists the model, else the built-in table's.
pub fn describe(mds: Option<&Mds>, aaguid: &[u8; 16]) -> ModelFacts {
    if let Some(facts) = mds.and_then(|m| m.facts(aaguid)) {
        return facts;
    }
    ModelFacts {
        name: models::model_name(aaguid).to_owned(),
        icon: None,
        certification: None,
        status: None,
        unfit: None,
        source: FactsSource::BuiltInTable,
    }
}

/// Whether the BLOB lists the model (so Entra's metadata check can find it).
pub fn listed(mds: Option<&Mds>, aaguid: &[u8; 16]) -> bool {
    mds.is_some_and(|m| m.entry(aaguid).is_some())
}

/// Refuses a model whose latest status makes its keys unfit to hand out.
pub fn check_status(mds: Option<&Mds>, aaguid: &[u8; 16]) -> Result<(), Refusal> {
    match mds.and_then(|m| m.facts(aaguid)) {
        Some(ModelFacts {
            unfit: Some(reason),
            status,
            name,
            ..
        }) => Err(Refusal::ModelUnfit {
            model: format!("{name} (AAGUID {})", aaguid_text(aaguid)),
            status: status.unwrap_or_default(),
            reason,
        }),
        _ => Ok(()),
    }
}

/// Checks the attestation a key gave, before it is sent. `enforced`: the tenant enforces
/// attestation, so a chain that fails (or a model the BLOB does not list, unless
/// `allow_unlisted`) is refused; otherwise a failure is only a warning (returned).
pub fn check_attestation(
    mds: Option<&Mds>,
    aaguid: &[u8; 16],
    attestation: &Attestation,
    enforced: bool,
    allow_unlisted: bool,
) -> Result<Option<String>, Refusal> {
    let Some(mds) = mds else {
        return Ok(None);
    };
    match mds.check_attestation(aaguid, &attestation.x5c, SystemTime::now()) {
        AttestationCheck::Chains | AttestationCheck::SelfAttestation => Ok(None),
        AttestationCheck::NotListed if !enforced || allow_unlisted => Ok(None),
        AttestationCheck::NotListed => Err(Refusal::AttestationRequired(aaguid_text(aaguid))),
        AttestationCheck::Fails(why) if enforced => Err(Refusal::AttestationChain(why)),
        AttestationCheck::Fails(why) => Ok(Some(format!(
            "this key's attestation does not chain to its vendor's root ({why}); the tenant does not enforce attestation, so it was registered"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use keydesk_mds::sign::{sign_blob, TestCa};
    use keydesk_mds::{AuthenticatorStatus, Entry, Payload, Statement, StatusReport, TrustAnchor};
    use time::OffsetDateTime;

    use super::*;

    const YUBIKEY_5: &str = "cb69481e-8ff7-4039-93ec-0a2729a154a8";

    fn aaguid(text: &str) -> [u8; 16] {
        *uuid::Uuid::parse_str(text).unwrap().as_bytes()
    }

    fn blob(vendor: &TestCa) -> Mds {
        let root = TestCa::root("CN=Root,O=Test").unwrap();
        let signer = root.issue("CN=Signer,O=Test").unwrap();
        let payload = Payload {
            legal_header: None,
            no: 3,
            next_update: (OffsetDateTime::now_utc() + time::Duration::days(9))
                .date()
                .to_string(),
            entries: vec![Entry {
                aaguid: Some(YUBIKEY_5.into()),
                metadata_statement: Some(Statement {
                    description: "YubiKey 5 Series (from the BLOB)".into(),
                    attestation_types: vec!["basic_full".into()],
                    attestation_root_certificates: vec![vendor.base64()],
                    ..Statement::default()
                }),
                status_reports: vec![StatusReport {
                    status: AuthenticatorStatus::from("FIDO_CERTIFIED_L2".to_owned()),
                    effective_date: None,
                }],
                time_of_last_status_change: None,
            }],
        };
        let anchor = TrustAnchor::test_root(&root.der()).unwrap();
        Mds::verify(
            &sign_blob(&payload, &signer, &root),
            &anchor,
            OffsetDateTime::now_utc(),
        )
        .unwrap()
    }

    fn attestation(x5c: Vec<Vec<u8>>) -> Attestation {
        Attestation {
            fmt: "packed".into(),
            auth_data: vec![],
            alg: -7,
            sig: vec![],
            x5c,
            credential_id: vec![1],
        }
    }

    #[test]
    fn facts_come_from_the_blob_else_from_the_built_in_table_and_say_so() {
        let vendor = TestCa::root("CN=Vendor,O=Vendor").unwrap();
        let mds = blob(&vendor);
        let from_blob = describe(Some(&mds), &aaguid(YUBIKEY_5));
        assert_eq!(from_blob.name, "YubiKey 5 Series (from the BLOB)");
        assert_eq!(
            from_blob.certification.as_deref(),
            Some("FIDO_CERTIFIED_L2")
        );
        assert_eq!(from_blob.source, FactsSource::Mds(3));
        let from_table = describe(None, &aaguid(YUBIKEY_5));
        assert_eq!(from_table.source, FactsSource::BuiltInTable);
        assert_ne!(from_table.name, models::UNKNOWN_MODEL);
        assert!(check_status(Some(&mds), &aaguid(YUBIKEY_5)).is_ok());
        assert!(check_status(None, &aaguid(YUBIKEY_5)).is_ok());
    }

    #[test]
    fn a_bad_chain_is_refused_only_when_attestation_is_enforced() {
        let vendor = TestCa::root("CN=Vendor,O=Vendor").unwrap();
        let mds = blob(&vendor);
        let yubikey = aaguid(YUBIKEY_5);
        let good = attestation(vec![vendor.issue("CN=Att,O=Vendor").unwrap().der()]);
        assert_eq!(
            check_attestation(Some(&mds), &yubikey, &good, true, false),
            Ok(None)
        );
        let other = TestCa::root("CN=Vendor,O=Vendor").unwrap();
        let bad = attestation(vec![other.issue("CN=Att,O=Vendor").unwrap().der()]);
        let refusal = check_attestation(Some(&mds), &yubikey, &bad, true, false).unwrap_err();
        assert!(matches!(refusal, Refusal::AttestationChain(_)), "{refusal}");
        let warning = check_attestation(Some(&mds), &yubikey, &bad, false, false).unwrap();
        assert!(warning.unwrap().contains("does not chain"));
        // Not in the BLOB: refused under enforcement unless the operator allows it.
        let unlisted = [7; 16];
        assert!(check_attestation(Some(&mds), &unlisted, &good, true, false).is_err());
        assert_eq!(
            check_attestation(Some(&mds), &unlisted, &good, true, true),
            Ok(None)
        );
        // No BLOB: no opinion.
        assert_eq!(
            check_attestation(None, &yubikey, &bad, true, false),
            Ok(None)
        );
    }
}
