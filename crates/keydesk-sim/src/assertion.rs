//! Client certificate credentials: the signed JWT a confidential client sends as
//! `client_assertion` instead of a secret.
//!
//! Checks, each refusal with its own AADSTS description: three base64url parts; header
//! `alg` PS256 or RS256; header `x5t#S256` names the registered certificate (SHA-256 of its
//! DER); the signature verifies with that certificate's RSA key; `aud` is the token
//! endpoint URL; `iss` and `sub` are the client id; `exp` is in the future and `nbf` not;
//! `jti` is present and not seen before (replay).
//!
//! Known issues: the certificate's own validity period and chain are not checked (Entra
//! does not chain-validate app certificates either); only one certificate per app.

use std::collections::HashSet;

use axum::http::StatusCode;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use crypto_glue::traits::{DecodeDer, EncodeDer};
use crypto_glue::x509::Certificate;
use rsa::pkcs8::DecodePublicKey;
use rsa::signature::Verifier;
use rsa::RsaPublicKey;
use serde_json::Value;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::error::AadError;

/// The JWT bearer client assertion type.
pub const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// What the assertion is checked against.
pub struct Expected<'a> {
    pub certificate: &'a [u8],
    pub client_id: &'a str,
    /// The token endpoint URL the request was sent to.
    pub audience: &'a str,
    pub now: OffsetDateTime,
}

fn invalid(aadsts: u32, description: impl Into<String>) -> AadError {
    AadError::new(
        StatusCode::UNAUTHORIZED,
        "invalid_client",
        aadsts,
        description,
    )
}

/// Verifies `jwt`; `seen_jti` records the ids already used.
pub fn verify(
    jwt: &str,
    expected: &Expected<'_>,
    seen_jti: &mut HashSet<String>,
) -> Result<(), AadError> {
    let malformed =
        |what: &str| invalid(50027, format!("JWT token is invalid or malformed: {what}."));
    let parts: Vec<&str> = jwt.split('.').collect();
    let [header, claims, signature] = parts[..] else {
        return Err(malformed(
            "a client assertion has three dot-separated parts",
        ));
    };
    let decode_json = |part: &str, name: &str| -> Result<Value, AadError> {
        URL_SAFE_NO_PAD
            .decode(part)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .ok_or_else(|| malformed(&format!("the {name} is not base64url JSON")))
    };
    let header_json = decode_json(header, "header")?;
    let claims_json = decode_json(claims, "claims set")?;
    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|_| malformed("the signature is not base64url"))?;

    let alg = header_json["alg"].as_str().unwrap_or_default();
    if alg != "PS256" && alg != "RS256" {
        return Err(invalid(
            5002738,
            format!("The client assertion's alg '{alg}' is not supported; use PS256 or RS256."),
        ));
    }
    let thumbprint = URL_SAFE_NO_PAD.encode(Sha256::digest(expected.certificate));
    match header_json["x5t#S256"].as_str() {
        Some(t) if t == thumbprint => {}
        Some(t) => {
            return Err(invalid(
                700027,
                format!("The certificate with identifier (x5t#S256) '{t}' used to sign the client assertion is not registered on application '{}'.", expected.client_id),
            ))
        }
        None => {
            return Err(invalid(
                700027,
                "The client assertion header has no x5t#S256 naming the signing certificate.",
            ))
        }
    }
    let key = public_key(expected.certificate)
        .ok_or_else(|| invalid(700027, "The registered certificate has no RSA public key."))?;
    let signed = format!("{header}.{claims}");
    if !signature_ok(alg, &key, signed.as_bytes(), &signature) {
        return Err(invalid(
            700027,
            format!("Client assertion failed signature validation ({alg} with the registered certificate's key)."),
        ));
    }

    let text = |name: &str| claims_json[name].as_str().unwrap_or_default();
    if text("aud") != expected.audience {
        return Err(invalid(
            700021,
            format!(
                "The client assertion's audience (aud) '{}' is not the token endpoint '{}'.",
                text("aud"),
                expected.audience
            ),
        ));
    }
    for claim in ["iss", "sub"] {
        if !text(claim).eq_ignore_ascii_case(expected.client_id) {
            return Err(invalid(
                700021,
                format!(
                    "The client assertion's {claim} '{}' does not match the client_id '{}'.",
                    text(claim),
                    expected.client_id
                ),
            ));
        }
    }
    let now = expected.now.unix_timestamp();
    let exp = claims_json["exp"]
        .as_i64()
        .ok_or_else(|| malformed("exp is missing"))?;
    if exp <= now {
        return Err(invalid(
            700024,
            format!("Client assertion is not within its valid time range: it expired (exp {exp}, now {now})."),
        ));
    }
    if claims_json["nbf"].as_i64().is_some_and(|nbf| nbf > now) {
        return Err(invalid(
            700024,
            format!("Client assertion is not within its valid time range: nbf is in the future (now {now})."),
        ));
    }
    let jti = text("jti");
    if jti.is_empty() {
        return Err(malformed("jti is missing"));
    }
    if !seen_jti.insert(jti.to_owned()) {
        return Err(invalid(
            700025,
            format!("The client assertion with jti '{jti}' was already used; every assertion must carry a fresh jti."),
        ));
    }
    Ok(())
}

fn public_key(certificate: &[u8]) -> Option<RsaPublicKey> {
    let certificate = Certificate::from_der(certificate).ok()?;
    let spki = certificate
        .tbs_certificate()
        .subject_public_key_info()
        .to_der()
        .ok()?;
    RsaPublicKey::from_public_key_der(&spki).ok()
}

fn signature_ok(alg: &str, key: &RsaPublicKey, message: &[u8], signature: &[u8]) -> bool {
    if alg == "PS256" {
        let Ok(signature) = rsa::pss::Signature::try_from(signature) else {
            return false;
        };
        rsa::pss::VerifyingKey::<Sha256>::new(key.clone())
            .verify(message, &signature)
            .is_ok()
    } else {
        let Ok(signature) = rsa::pkcs1v15::Signature::try_from(signature) else {
            return false;
        };
        rsa::pkcs1v15::VerifyingKey::<Sha256>::new(key.clone())
            .verify(message, &signature)
            .is_ok()
    }
}
