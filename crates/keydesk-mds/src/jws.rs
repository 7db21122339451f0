//! The BLOB's envelope: a compact JWS whose header carries the signing certificate chain
//! (`x5c`). [`verify`] checks that chain up to the [`TrustAnchor`] and the signature
//! (RS256 or ES256) with the chain's first certificate, and only then returns the payload.
//!
//! Not checked: certificate revocation (CRLs). MDS3 asks relying parties to fetch the CRLs
//! named in the chain; a desk without internet cannot, so KeyDesk relies on the chain's
//! validity dates and the BLOB's `nextUpdate` instead.

use std::time::SystemTime;

use base64::alphabet::URL_SAFE;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use crypto_glue::ecdsa_p256::EcdsaP256Signature;
use crypto_glue::traits::DecodeDer;
use crypto_glue::x509::{x509_verify_signature, Certificate, X509Store};
use serde::Deserialize;

use crate::trust::TrustAnchor;
use crate::MdsError;

/// base64url with or without padding.
pub(crate) const B64URL: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

#[derive(Deserialize)]
struct Header {
    alg: String,
    #[serde(default)]
    x5c: Vec<String>,
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

/// Verifies a compact JWS against `anchor` at `now`; returns the payload bytes.
pub fn verify(jws: &str, anchor: &TrustAnchor, now: SystemTime) -> Result<Vec<u8>, MdsError> {
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
    let header: Header = serde_json::from_slice(&decode(header_b64, "header")?)
        .map_err(|e| MdsError::Malformed(format!("header: {e}")))?;
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
    decode(payload_b64, "payload")
}
