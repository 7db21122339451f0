//! Certificate revocation for the BLOB's signing chain.
//!
//! MDS3 asks a relying party to check the CRLs its chain names (the signer's CRL from the
//! intermediate CA, the intermediate's from the root). A desk fetches them with the BLOB
//! (the `x5c` certificates' CRL distribution points) and
//! keeps them beside it; an air-gapped desk imports them with the BLOB.
//! `crate::jws::crl_urls` reads the URLs from a BLOB.
//!
//! [`check`] judges a verified chain against the lists it has. A list counts only when its
//! signature verifies with the public key of the certificate whose subject issued it.
//! - A certificate of the chain listed as revoked refuses the BLOB ([`MdsError::Revoked`]).
//! - No usable list for a certificate that names distribution points, a list past its
//!   `nextUpdate`, or a list that does not verify: the BLOB is used and a warning says that
//!   revocation was not (or not freshly) checked. A desk without internet still works from
//!   what it has; it is told what it could not check.

use std::time::SystemTime;

use crypto_glue::traits::{DecodeDer, EncodeDer};
use crypto_glue::x509::{
    x509_verify_signature, Certificate, CrlDistributionPoints, DistributionPointName, GeneralName,
};
use x509_cert::crl::CertificateList;

use crate::MdsError;

/// Most URLs read from one BLOB's chain (a real chain names two).
pub const MAX_CRL_URLS: usize = 4;

/// Certificate revocation lists a desk holds (DER as fetched or imported).
#[derive(Debug, Clone, Default)]
pub struct RevocationLists {
    lists: Vec<CertificateList>,
}

impl RevocationLists {
    /// No lists: revocation is reported as not checked.
    pub fn none() -> Self {
        Self::default()
    }

    /// Parses DER lists. A list that does not parse is an error naming its position.
    pub fn from_der<'a>(items: impl IntoIterator<Item = &'a [u8]>) -> Result<Self, MdsError> {
        let lists = items
            .into_iter()
            .enumerate()
            .map(|(i, der)| parse(der).map_err(|e| MdsError::Crl(format!("list {}: {e}", i + 1))))
            .collect::<Result<_, _>>()?;
        Ok(RevocationLists { lists })
    }

    /// How many lists are held.
    pub fn len(&self) -> usize {
        self.lists.len()
    }

    /// True when no list is held.
    pub fn is_empty(&self) -> bool {
        self.lists.is_empty()
    }
}

/// Parses one DER CRL (what a distribution point serves).
pub fn parse(der: &[u8]) -> Result<CertificateList, String> {
    CertificateList::from_der(der)
        .map_err(|e| format!("not a DER certificate revocation list: {e}"))
}

/// The http(s) URLs of a certificate's CRL distribution points.
pub(crate) fn distribution_points(cert: &Certificate) -> Vec<String> {
    let Ok(Some((_, points))) = cert
        .tbs_certificate()
        .get_extension::<CrlDistributionPoints>()
    else {
        return Vec::new();
    };
    points
        .0
        .iter()
        .filter_map(|p| match &p.distribution_point {
            Some(DistributionPointName::FullName(names)) => Some(names),
            _ => None,
        })
        .flatten()
        .filter_map(|name| match name {
            GeneralName::UniformResourceIdentifier(uri) => Some(uri.to_string()),
            _ => None,
        })
        .filter(|uri| uri.starts_with("http://") || uri.starts_with("https://"))
        .collect()
}

/// Judges each certificate of a verified `path` (leaf first, the trust anchor last) against
/// `lists` at `now`. Returns warnings for what could not be checked; a revoked certificate
/// is an error.
pub(crate) fn check(
    path: &[Certificate],
    lists: &RevocationLists,
    now: SystemTime,
) -> Result<Vec<String>, MdsError> {
    let mut warnings = Vec::new();
    for cert in path {
        let subject = cert.tbs_certificate().subject();
        let issuer_name = cert.tbs_certificate().issuer();
        if subject == issuer_name {
            continue; // the self-signed anchor: trusted as pinned, not by a list
        }
        let Some(issuer) = path
            .iter()
            .find(|c| c.tbs_certificate().subject() == issuer_name)
        else {
            continue; // the chain check already required the issuer
        };
        let mut newest: Option<&CertificateList> = None;
        for list in lists
            .lists
            .iter()
            .filter(|l| &l.tbs_cert_list.issuer == issuer_name)
        {
            if verify_list(list, issuer).is_err() {
                warnings.push(format!(
                    "a revocation list from {issuer_name} does not verify with its issuer's key and was ignored"
                ));
                continue;
            }
            let this_update = SystemTime::from(&list.tbs_cert_list.this_update);
            if newest.is_none_or(|n| SystemTime::from(&n.tbs_cert_list.this_update) < this_update) {
                newest = Some(list);
            }
        }
        let Some(list) = newest else {
            let urls = distribution_points(cert);
            if !urls.is_empty() {
                warnings.push(format!(
                    "revocation of {subject} was not checked: no revocation list from {} (fetch or import it)",
                    urls.join(", ")
                ));
            }
            continue;
        };
        let serial = cert.tbs_certificate().serial_number();
        let revoked = list
            .tbs_cert_list
            .revoked_certificates
            .iter()
            .flatten()
            .any(|r| r.serial_number.as_bytes() == serial.as_bytes());
        if revoked {
            return Err(MdsError::Revoked(subject.to_string()));
        }
        if let Some(next) = &list.tbs_cert_list.next_update {
            if SystemTime::from(next) < now {
                warnings.push(format!(
                    "the revocation list from {issuer_name} was due for renewal on {next}; revocation was checked against an old list"
                ));
            }
        }
    }
    Ok(warnings)
}

fn verify_list(list: &CertificateList, issuer: &Certificate) -> Result<(), String> {
    let tbs = list.tbs_cert_list.to_der().map_err(|e| e.to_string())?;
    let signature = list
        .signature
        .as_bytes()
        .ok_or("the list's signature has unused bits")?;
    x509_verify_signature(&tbs, signature, issuer).map_err(|e| format!("{e:?}"))
}
