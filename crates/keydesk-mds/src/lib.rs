//! The FIDO Metadata Service (MDS3) for KeyDesk: know a key's model before writing to it.
//!
//! - [`Mds::verify`] reads a BLOB (a compact JWS): its `x5c` chain must verify to the
//!   [`TrustAnchor`] (the FIDO Alliance MDS root, GlobalSign Root CA - R3), its RS256/ES256
//!   signature must verify, and its `nextUpdate` decides whether it is current, stale
//!   (used with a warning for [`GRACE_DAYS`]) or expired (refused).
//! - [`Mds::facts`] gives a model's name, icon, certification and latest status by AAGUID;
//!   [`AuthenticatorStatus::unfit_reason`] says which statuses make a key unfit to hand out.
//! - [`Mds::check_attestation`] checks a makeCredential attestation chain against the
//!   model's `attestationRootCertificates`.
//! - [`MdsCache`] keeps the BLOB in the data folder (`mds.jwt`), loads it offline, refreshes
//!   it past `nextUpdate` when the URL answers, and imports a file for air-gapped desks.
//!
//! - [`RevocationLists`]: the CRLs the BLOB's chain names ([`crl_urls`]), fetched with it
//!   or imported; a revoked signer refuses the BLOB, a list the desk lacks is a warning.
//!
//! No Tauri, no HID. **Known gaps**: revocation of the attestation chains of keys (the
//! statement roots) is not checked; only the statement fields above are modelled.

mod attest;
mod blob;
mod cache;
mod crl;
#[cfg(test)]
mod crl_tests;
mod error;
mod jws;
mod model;
#[cfg(any(test, feature = "sign"))]
pub mod sign;
mod status;
#[cfg(test)]
mod tests;
mod trust;

pub use attest::AttestationCheck;
pub use blob::{FactsSource, Freshness, Mds, ModelFacts, GRACE_DAYS};
pub use cache::{Loaded, MdsCache, CACHE_FILE, CRL_FOLDER};
pub use crl::{RevocationLists, MAX_CRL_URLS};
pub use error::MdsError;
pub use jws::crl_urls;
pub use model::{Entry, Payload, Statement, StatusReport};
pub use status::AuthenticatorStatus;
pub use trust::{TrustAnchor, FIDO_MDS_ROOT_DER, FIDO_MDS_URL};
