//! The BLOB's envelope: a compact JWS whose header carries the signing certificate chain
//! (`x5c`). [`verify`] checks that chain up to the [`TrustAnchor`] and the signature
//! (RS256 or ES256) with the chain's first certificate, and only then returns the payload.
//!
//! Then the chain is judged against the revocation lists the desk holds ([`crate::crl`]).

use std::time::SystemTime;

use base64::alphabet::URL_SAFE;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use crypto_glue::ecdsa_p256::EcdsaP256Signature;
use crypto_glue::traits::DecodeDer;
use crypto_glue::x509::{x509_verify_signature, Certificate, X509Store};
use serde::Deserialize;

use crate::crl::{self, RevocationLists};
use crate::trust::TrustAnchor;
use crate::MdsError;

/// base64url with or without padding.
pub(crate) const B64URL: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

#[derive(Deserialize)]
pub(crate) struct Header {
    pub(crate) alg: String,
    #[serde(default)]
    pub(crate) x5c: Vec<String>,
}

/// The JWS header from its base64url part.
pub(crate) fn decode_header(part: &str) -> Result<Header, MdsError> {
    let bytes = B64URL
        .decode(part)
        .map_err(|e| MdsError::Malformed(format!("header is not base64url: {e}")))?;
    serde_json::from_slice(&bytes).map_err(|e| MdsError::Malformed(format!("header: {e}")))
}

/// A verified payload and what could not be checked about the chain's revocation.
pub(crate) struct Verified {
    pub(crate) payload: Vec<u8>,
    pub(crate) revocation_warnings: Vec<String>,
}

/// Certificates from standard-base64 DER strings (`x5c`, `attestationRootCertificates`).
pub(crate) fn certificates(encoded: &[String]) -> Result<Vec<Certificate>, String> {
    encoded
        .iter()
        .map(|text| {
            let der = STANDARD
                .decode(text.trim())
                .map_err(|e| format!("certificate is not base64: {e}"))?;
            Certificate::from_der(&der).map_err(|e| format!("certificate does not parse: {e}"))
        })
        .collect()
}

/// The CRL URLs (http or https) the certificates of a BLOB's `x5c` name, without verifying
/// anything: what to fetch before verifying. At most [`MAX_CRL_URLS`](crate::MAX_CRL_URLS).
pub fn crl_urls(jws: &str) -> Vec<String> {
    let Some(header) = jws.split('.').next() else {
        return Vec::new();
    };
    let Ok(header) = decode_header(header) else {
        return Vec::new();
    };
    let Header { x5c, .. } = header;
    let certs = certificates(&x5c).unwrap_or_default();
    let mut urls: Vec<String> = certs.iter().flat_map(crl::distribution_points).collect();
    urls.dedup();
    urls.truncate(crl::MAX_CRL_URLS);
    urls
}

/// Verifies a compact JWS against `anchor` and `lists` at `now`; returns the payload bytes.
pub(crate) fn verify(
    jws: &str,
    anchor: &TrustAnchor,
    lists: &RevocationLists,
    now: SystemTime,
) -> Result<Verified, MdsError> {
    let parts: Vec<&str> = jws.trim().split('.').collect();
    let [header_b64, payload_b64, signature_b64] = parts[..] else {
        return Err(MdsError::Malformed(
            "not a compact JWS (three parts)".into(),
        ));
    };
    let decode = |part: &str, what: &str| {
        B64URL
            .decode(part)
            .map_err(|e| MdsError::Malformed(format!("{what} is not base64url: {e}")))
    };
    let header = decode_header(header_b64)?;
    let signature = decode(signature_b64, "signature")?;

    let mut chain = certificates(&header.x5c).map_err(MdsError::Chain)?;
    chain.retain(|c| c != anchor.certificate());
    let Some((leaf, intermediates)) = chain.split_first() else {
        return Err(MdsError::Chain("the header has no x5c certificates".into()));
    };
    let mut store = X509Store::new(std::slice::from_ref(anchor.certificate()));
    store.leaf_basic_constraints_required(false);
    store
        .verify(leaf, intermediates, now)
        .map_err(|e| MdsError::Chain(format!("{e:?}")))?;

    let signed = format!("{header_b64}.{payload_b64}");
    let signature = match header.alg.as_str() {
        "RS256" => signature,
        "ES256" => EcdsaP256Signature::from_slice(&signature)
            .map_err(|_| MdsError::Signature("an ES256 signature is 64 bytes".into()))?
            .to_der()
            .as_bytes()
            .to_vec(),
        other => {
            return Err(MdsError::Signature(format!(
                "algorithm {other} is not accepted (RS256 or ES256)"
            )))
        }
    };
    x509_verify_signature(signed.as_bytes(), &signature, leaf)
        .map_err(|e| MdsError::Signature(format!("{e:?}")))?;
    let mut path = chain.clone();
    path.push(anchor.certificate().clone());
    let revocation_warnings = crl::check(&path, lists, now)?;
    Ok(Verified {
        payload: decode(payload_b64, "payload")?,
        revocation_warnings,
    })
}
