//! App-only sign-in with a certificate: the key pair from a PEM file, and the signed JWT
//! client assertion Entra accepts in place of a client secret.
//!
//! The assertion is the one Entra documents for certificate credentials: header `alg` PS256 with `x5t#S256` (base64url SHA-256
//! of the DER certificate); claims `aud` = token endpoint, `iss` = `sub` = client id, a
//! random `jti`, `nbf`/`iat` now and `exp` five minutes ahead. Signing is pure Rust (`rsa`
//! with PSS and SHA-256).
//!
//! Files: unencrypted PEM (PKCS#8 `PRIVATE KEY` or PKCS#1 `RSA PRIVATE KEY` plus a
//! `CERTIFICATE`, in one file or two), or a PFX/PKCS#12 file with its password (read with
//! `p12-keystore`, modern and legacy encryption).
//!
//! Known issues: RSA keys only (Entra's PS256/RS256); an encrypted PEM key must be
//! exported without a password first.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::pss::BlindedSigningKey;
use rsa::signature::{RandomizedSigner, SignatureEncoding};
use rsa::traits::PublicKeyParts;
use rsa::RsaPrivateKey;
use sha2::{Digest, Sha256};

use crate::GraphError;

/// Lifetime written into an assertion (Entra accepts at most 10 minutes).
const ASSERTION_LIFETIME_SECS: i64 = 5 * 60;

/// A certificate and its private key, as registered on the app registration.
#[derive(Clone)]
pub struct ClientCertificate {
    key: Arc<RsaPrivateKey>,
    thumbprint: String,
}

impl ClientCertificate {
    /// Reads a PEM document holding the certificate and its unencrypted private key.
    pub fn from_pem(pem: &[u8]) -> Result<Self, GraphError> {
        Self::from_pem_parts(pem, pem)
    }

    /// Reads the certificate and the private key from separate PEM documents.
    pub fn from_pem_parts(certificate: &[u8], key: &[u8]) -> Result<Self, GraphError> {
        let text = |bytes: &[u8]| {
            std::str::from_utf8(bytes)
                .map(str::to_owned)
                .map_err(|_| invalid("the certificate file is not PEM text"))
        };
        let (cert_text, key_text) = (text(certificate)?, text(key)?);
        let cert = pem_block(&cert_text, &["CERTIFICATE"])?
            .ok_or_else(|| invalid("no CERTIFICATE block in the PEM file"))?
            .1;
        if pem_block(&key_text, &["ENCRYPTED PRIVATE KEY"])?.is_some() {
            return Err(invalid(
                "the private key is encrypted: export it without a password \
                 (openssl pkey -in key.pem -out plain.pem)",
            ));
        }
        let (label, der) = pem_block(&key_text, &["PRIVATE KEY", "RSA PRIVATE KEY"])?
            .ok_or_else(|| invalid("no PRIVATE KEY block in the PEM file"))?;
        let key = if label == "PRIVATE KEY" {
            RsaPrivateKey::from_pkcs8_der(&der)
        } else {
            RsaPrivateKey::from_pkcs1_der(&der).map_err(Into::into)
        }
        .map_err(|_| invalid("the private key is not an RSA key KeyDesk can read"))?;
        Self::from_key(&cert, key)
    }

    /// Reads a PFX (PKCS#12) document protected by `password`.
    pub fn from_pfx(pfx: &[u8], password: &str) -> Result<Self, GraphError> {
        let store = p12_keystore::KeyStore::from_pkcs12(
            pfx,
            password,
            p12_keystore::Pkcs12ImportPolicy::Relaxed,
        )
        .map_err(|e| {
            invalid(&format!(
                "the PFX file cannot be opened (wrong password or damaged file): {e}"
            ))
        })?;
        let (_, chain) = store
            .private_key_chain()
            .ok_or_else(|| invalid("the PFX file holds no private key"))?;
        let cert = chain
            .certs()
            .first()
            .ok_or_else(|| invalid("the PFX file holds no certificate for its key"))?;
        let key = RsaPrivateKey::from_pkcs8_der(chain.key().as_der())
            .map_err(|_| invalid("the PFX file's key is not an RSA key KeyDesk can read"))?;
        Self::from_key(cert.as_der(), key)
    }

    /// Reads a PFX (PKCS#12) file protected by `password`.
    pub fn from_pfx_file(path: impl AsRef<Path>, password: &str) -> Result<Self, GraphError> {
        let path = path.as_ref();
        let bytes = std::fs::read(path)
            .map_err(|e| invalid(&format!("cannot read {}: {e}", path.display())))?;
        Self::from_pfx(&bytes, password)
    }

    /// Pairs a DER certificate with its key, checking that they belong together.
    fn from_key(cert: &[u8], key: RsaPrivateKey) -> Result<Self, GraphError> {
        // The certificate's public key holds the key's modulus, big-endian.
        let modulus = key.n().to_bytes_be();
        if !cert.windows(modulus.len()).any(|w| w == modulus.as_slice()) {
            return Err(invalid(
                "the private key does not belong to the certificate in the file",
            ));
        }
        Ok(ClientCertificate {
            key: Arc::new(key),
            thumbprint: URL_SAFE_NO_PAD.encode(Sha256::digest(cert)),
        })
    }

    /// Reads a PEM file (certificate and key together).
    pub fn from_pem_file(path: impl AsRef<Path>) -> Result<Self, GraphError> {
        let path = path.as_ref();
        let bytes = std::fs::read(path)
            .map_err(|e| invalid(&format!("cannot read {}: {e}", path.display())))?;
        Self::from_pem(&bytes)
    }

    /// `x5t#S256`: base64url SHA-256 of the DER certificate.
    pub fn thumbprint_s256(&self) -> &str {
        &self.thumbprint
    }

    /// A signed client assertion for `client_id` at `audience` (the token endpoint URL),
    /// issued at `now_unix`.
    pub fn assertion(
        &self,
        client_id: &str,
        audience: &str,
        now_unix: i64,
    ) -> Result<String, GraphError> {
        let header = serde_json::json!({
            "alg": "PS256", "typ": "JWT", "x5t#S256": self.thumbprint,
        });
        let claims = serde_json::json!({
            "aud": audience, "iss": client_id, "sub": client_id,
            "jti": uuid::Uuid::new_v4().to_string(),
            "nbf": now_unix, "iat": now_unix, "exp": now_unix + ASSERTION_LIFETIME_SECS,
        });
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let signer = BlindedSigningKey::<Sha256>::new((*self.key).clone());
        let signature = signer
            .try_sign_with_rng(&mut rsa::rand_core::OsRng, signing_input.as_bytes())
            .map_err(|_| invalid("the private key could not sign the client assertion"))?;
        Ok(format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(signature.to_bytes())
        ))
    }
}

impl fmt::Debug for ClientCertificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCertificate")
            .field("x5t#S256", &self.thumbprint)
            .finish_non_exhaustive()
    }
}

fn invalid(message: &str) -> GraphError {
    GraphError::InvalidInput(message.to_owned())
}

/// The first PEM block whose label is one of `labels`, decoded.
fn pem_block(text: &str, labels: &[&str]) -> Result<Option<(String, Vec<u8>)>, GraphError> {
    let mut rest = text;
    while let Some(start) = rest.find("-----BEGIN ") {
        let after = &rest[start + 11..];
        let Some(end_label) = after.find("-----") else {
            break;
        };
        let label = &after[..end_label];
        let body_start = &after[end_label + 5..];
        let end_marker = format!("-----END {label}-----");
        let Some(body_end) = body_start.find(&end_marker) else {
            return Err(invalid(&format!("the PEM block {label} is not closed")));
        };
        if labels.contains(&label) {
            let body: String = body_start[..body_end]
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            let der = STANDARD
                .decode(body)
                .map_err(|_| invalid(&format!("the PEM block {label} is not base64")))?;
            return Ok(Some((label.to_owned(), der)));
        }
        rest = &body_start[body_end + end_marker.len()..];
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_blocks_are_found_by_label() {
        let text = "junk\n-----BEGIN CERTIFICATE-----\nAAEC\nAw==\n-----END CERTIFICATE-----\n\
                    -----BEGIN PRIVATE KEY-----\nBAU=\n-----END PRIVATE KEY-----\n";
        let (label, der) = pem_block(text, &["PRIVATE KEY"]).unwrap().unwrap();
        assert_eq!((label.as_str(), der), ("PRIVATE KEY", vec![4, 5]));
        assert_eq!(
            pem_block(text, &["CERTIFICATE"]).unwrap().unwrap().1,
            vec![0, 1, 2, 3]
        );
        assert!(pem_block(text, &["RSA PRIVATE KEY"]).unwrap().is_none());
        assert!(pem_block("-----BEGIN X-----\nAA", &["X"]).is_err());
    }

    #[test]
    fn garbage_is_refused_with_a_reason() {
        let error = ClientCertificate::from_pem(b"not pem").unwrap_err();
        assert!(error.to_string().contains("CERTIFICATE"), "{error}");
    }
}
