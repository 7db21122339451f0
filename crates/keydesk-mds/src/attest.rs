//! Does a key's attestation chain (the `x5c` of its makeCredential answer) end at one of
//! its model's `attestationRootCertificates`? Checked before the registration is sent, so
//! a key Entra's attestation enforcement would refuse is caught at the desk.

use std::time::SystemTime;

use crypto_glue::traits::DecodeDer;
use crypto_glue::x509::{Certificate, X509Store};

use crate::blob::Mds;
use crate::jws::certificates;

/// The outcome of [`Mds::check_attestation`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttestationCheck {
    /// The chain verifies to one of the model's roots.
    Chains,
    /// No certificate (self attestation), and the model declares `basic_surrogate`.
    SelfAttestation,
    /// The BLOB does not list this model.
    NotListed,
    /// It does not verify; the reason.
    Fails(String),
}

impl Mds {
    /// Checks an attestation certificate chain (DER, leaf first) of a key of model
    /// `aaguid` at `now`.
    pub fn check_attestation(
        &self,
        aaguid: &[u8; 16],
        x5c: &[Vec<u8>],
        now: SystemTime,
    ) -> AttestationCheck {
        let Some(entry) = self.entry(aaguid) else {
            return AttestationCheck::NotListed;
        };
        let statement = entry.metadata_statement.clone().unwrap_or_default();
        if x5c.is_empty() {
            return if statement
                .attestation_types
                .iter()
                .any(|t| t == "basic_surrogate")
            {
                AttestationCheck::SelfAttestation
            } else {
                AttestationCheck::Fails(
                    "the key gave no attestation certificate, and its model does not declare self attestation".into(),
                )
            };
        }
        let roots = match certificates(&statement.attestation_root_certificates) {
            Ok(roots) if !roots.is_empty() => roots,
            Ok(_) => {
                return AttestationCheck::Fails("its metadata lists no attestation root".into())
            }
            Err(e) => return AttestationCheck::Fails(format!("its metadata root: {e}")),
        };
        let chain: Result<Vec<Certificate>, _> =
            x5c.iter().map(|der| Certificate::from_der(der)).collect();
        let mut chain = match chain {
            Ok(chain) => chain,
            Err(e) => return AttestationCheck::Fails(format!("a certificate does not parse: {e}")),
        };
        if chain.len() > 1 {
            chain.retain(|c| !roots.contains(c));
        }
        let Some((leaf, intermediates)) = chain.split_first() else {
            return AttestationCheck::Fails("no attestation certificate".into());
        };
        let mut store = X509Store::new(&roots);
        store.leaf_basic_constraints_required(false);
        match store.verify(leaf, intermediates, now) {
            Ok(_) => AttestationCheck::Chains,
            Err(e) => AttestationCheck::Fails(format!("{e:?}")),
        }
    }
}
