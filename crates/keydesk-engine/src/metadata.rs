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
