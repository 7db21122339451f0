//! Test certificate authorities and BLOB signing, for the simulator and tests only (the
//! `sign` feature): a P-256 CA, leaf certificates it issues (P-256 or RSA), and ES256 or
//! RS256 BLOBs whose `x5c` is `[signer, root]`. Never part of what verifies a real BLOB.

use std::str::FromStr;
use std::time::{Duration, SystemTime};

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use crypto_glue::ecdsa_p256::{
    EcdsaP256DerSignature, EcdsaP256Signature, EcdsaP256SigningKey, EcdsaP256VerifyingKey,
};
use crypto_glue::rsa::{RS256Signature, RS256SigningKey};
use crypto_glue::traits::{EncodeDer, Generate, SignatureEncoding, Signer, ToExtension};
use crypto_glue::x509::profile::BuilderProfile;
use crypto_glue::x509::{
    uuid_to_serial, BasicConstraints, Builder, CertBuilderError, Certificate, CertificateBuilder,
    Extension, KeyUsage, KeyUsages, Name, SubjectPublicKeyInfoOwned, SubjectPublicKeyInfoRef,
    TbsCertificate, Time, Validity,
};

use crypto_glue::spki::AlgorithmIdentifierOwned;
use crypto_glue::x509::oiddb::rfc5912::ECDSA_WITH_SHA_256;
use crypto_glue::x509::{
    BitString, CrlDistributionPoints, DistributionPoint, DistributionPointName, GeneralName,
    Ia5String, Version,
};
use x509_cert::crl::{CertificateList, RevokedCert, TbsCertList};

use crate::jws::B64URL;
use crate::model::Payload;

/// A certificate authority (or an end entity) with its key.
pub struct TestCa {
    key: EcdsaP256SigningKey,
    cert: Certificate,
}

struct Profile {
    subject: Name,
    issuer: Option<Name>,
    ca: bool,
    crl_url: Option<String>,
}

impl BuilderProfile for Profile {
    fn get_issuer(&self, subject: &Name) -> Name {
        self.issuer.clone().unwrap_or_else(|| subject.clone())
    }
    fn get_subject(&self) -> Name {
        self.subject.clone()
    }
    fn build_extensions(
        &self,
        _spk: SubjectPublicKeyInfoRef<'_>,
        _issuer_spk: SubjectPublicKeyInfoRef<'_>,
        tbs: &TbsCertificate,
    ) -> Result<Vec<Extension>, CertBuilderError> {
        let mut extensions = Vec::new();
        let constraints = BasicConstraints {
            ca: self.ca,
            path_len_constraint: None,
        };
        extensions.push(constraints.to_extension(tbs.subject(), &extensions)?);
        let usage = if self.ca {
            KeyUsages::KeyCertSign | KeyUsages::CRLSign
        } else {
            KeyUsages::DigitalSignature.into()
        };
        extensions.push(KeyUsage(usage).to_extension(tbs.subject(), &extensions)?);
        if let Some(url) = &self.crl_url {
            let uri = Ia5String::new(url).map_err(CertBuilderError::from)?;
            let points = CrlDistributionPoints(vec![DistributionPoint {
                distribution_point: Some(DistributionPointName::FullName(vec![
                    GeneralName::UniformResourceIdentifier(uri),
                ])),
                reasons: None,
                crl_issuer: None,
            }]);
            extensions.push(points.to_extension(tbs.subject(), &extensions)?);
        }
        Ok(extensions)
    }
}

fn certificate(
    subject: &str,
    issuer: Option<&TestCa>,
    ca: bool,
    crl_url: Option<&str>,
    spki: SubjectPublicKeyInfoOwned,
    own_key: &EcdsaP256SigningKey,
) -> Result<Certificate, CertBuilderError> {
    let now = SystemTime::now();
    let validity = Validity::new(
        Time::try_from(now - Duration::from_secs(3600))?,
        Time::try_from(now + Duration::from_secs(10 * 365 * 86_400))?,
    );
    let profile = Profile {
        subject: Name::from_str(subject)?,
        issuer: issuer.map(|i| i.cert.tbs_certificate().subject().clone()),
        ca,
        crl_url: crl_url.map(str::to_owned),
    };
    let builder = CertificateBuilder::new(
        profile,
        uuid_to_serial(uuid::Uuid::new_v4()),
        validity,
        spki,
    )?;
    let signer = issuer.map_or(own_key, |i| &i.key);
    builder.build::<EcdsaP256SigningKey, EcdsaP256DerSignature>(signer)
}

fn build(
    subject: &str,
    issuer: Option<&TestCa>,
    ca: bool,
    crl_url: Option<&str>,
) -> Result<TestCa, CertBuilderError> {
    let key = EcdsaP256SigningKey::generate();
    let spki = SubjectPublicKeyInfoOwned::from_key(&EcdsaP256VerifyingKey::from(&key))?;
    let cert = certificate(subject, issuer, ca, crl_url, spki, &key)?;
    Ok(TestCa { key, cert })
}

/// An RSA end entity a [`TestCa`] issued: signs RS256, as the FIDO Alliance's BLOBs are.
pub struct RsaSigner {
    key: RS256SigningKey,
    cert: Certificate,
}

impl RsaSigner {
    /// The certificate, standard base64.
    pub fn base64(&self) -> String {
        #[allow(clippy::expect_used)]
        STANDARD.encode(self.cert.to_der().expect("a built certificate encodes"))
    }

    /// Signs `message` (RS256, PKCS#1 v1.5).
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        let signature: RS256Signature = self.key.sign(message);
        signature.to_vec()
    }
}

impl TestCa {
    /// A self-signed CA named by `subject` (e.g. `"CN=KeyDesk Sim MDS Root,O=KeyDesk"`).
    pub fn root(subject: &str) -> Result<TestCa, CertBuilderError> {
        build(subject, None, true, None)
    }

    /// An RSA-2048 end-entity certificate this CA issues.
    pub fn issue_rsa(&self, subject: &str) -> Result<RsaSigner, String> {
        let private = crypto_glue::rsa::new_key(2048).map_err(|e| e.to_string())?;
        let spki = SubjectPublicKeyInfoOwned::from_key(&private.to_public_key())
            .map_err(|e| e.to_string())?;
        let cert = certificate(subject, Some(self), false, None, spki, &self.key)
            .map_err(|e| format!("{e:?}"))?;
        Ok(RsaSigner {
            key: RS256SigningKey::new(private),
            cert,
        })
    }

    /// An end-entity certificate this CA issues.
    pub fn issue(&self, subject: &str) -> Result<TestCa, CertBuilderError> {
        build(subject, Some(self), false, None)
    }

    /// An end-entity certificate this CA issues, naming `crl_url` as its CRL distribution
    /// point.
    pub fn issue_with_crl(&self, subject: &str, crl_url: &str) -> Result<TestCa, CertBuilderError> {
        build(subject, Some(self), false, Some(crl_url))
    }

    /// An intermediate CA this CA issues, naming `crl_url` as its CRL distribution point.
    pub fn issue_ca(&self, subject: &str, crl_url: &str) -> Result<TestCa, CertBuilderError> {
        build(subject, Some(self), true, Some(crl_url))
    }

    /// A revocation list (DER) this CA signs, valid from an hour ago until `next_update`,
    /// listing `revoked`.
    pub fn crl(&self, revoked: &[&TestCa], next_update: SystemTime) -> Result<Vec<u8>, String> {
        let text = |e: crypto_glue::der::Error| e.to_string();
        let this_update =
            Time::try_from(SystemTime::now() - Duration::from_secs(3600)).map_err(text)?;
        let revoked_certificates = revoked
            .iter()
            .map(|ca| RevokedCert {
                serial_number: ca.cert.tbs_certificate().serial_number().clone(),
                revocation_date: this_update,
                crl_entry_extensions: None,
            })
            .collect::<Vec<_>>();
        let tbs = TbsCertList {
            version: Version::V2,
            signature: AlgorithmIdentifierOwned {
                oid: ECDSA_WITH_SHA_256,
                parameters: None,
            },
            issuer: self.cert.tbs_certificate().subject().clone(),
            this_update,
            next_update: Some(Time::try_from(next_update).map_err(text)?),
            revoked_certificates: (!revoked_certificates.is_empty())
                .then_some(revoked_certificates),
            crl_extensions: None,
        };
        let signature: EcdsaP256DerSignature = self.key.sign(&tbs.to_der().map_err(text)?);
        CertificateList {
            tbs_cert_list: tbs,
            signature_algorithm: AlgorithmIdentifierOwned {
                oid: ECDSA_WITH_SHA_256,
                parameters: None,
            },
            signature: BitString::from_bytes(signature.to_bytes().as_ref()).map_err(text)?,
        }
        .to_der()
        .map_err(text)
    }

    /// The certificate, DER.
    pub fn der(&self) -> Vec<u8> {
        #[allow(clippy::expect_used)]
        self.cert.to_der().expect("a built certificate encodes")
    }

    /// The certificate, standard base64 (as `x5c` and `attestationRootCertificates` hold it).
    pub fn base64(&self) -> String {
        STANDARD.encode(self.der())
    }

    /// Signs `message` (ES256), the 64-byte `r || s` form.
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        let signature: EcdsaP256Signature = self.key.sign(message);
        signature.to_bytes().to_vec()
    }
}

/// A compact ES256 JWS of `payload`, signed by `signer` with `x5c` = `[signer, root]`.
pub fn sign_blob(payload: &Payload, signer: &TestCa, root: &TestCa) -> String {
    #[allow(clippy::expect_used)]
    let body = serde_json::to_vec(payload).expect("a payload serialises");
    sign_jws(&body, signer, root)
}

/// A compact RS256 JWS of payload bytes, signed by `signer` with `x5c` = `[signer, root]`.
pub fn sign_jws_rs256(payload: &[u8], signer: &RsaSigner, root: &TestCa) -> String {
    let header = serde_json::json!({
        "alg": "RS256",
        "typ": "JWT",
        "x5c": [signer.base64(), root.base64()],
    });
    let signed = format!(
        "{}.{}",
        B64URL.encode(header.to_string()),
        B64URL.encode(payload)
    );
    let signature = B64URL.encode(signer.sign(signed.as_bytes()));
    format!("{signed}.{signature}")
}

/// A compact ES256 JWS of any payload bytes (a caller with its own JSON, e.g. the
/// simulator), signed by `signer` with `x5c` = `[signer, root]`.
pub fn sign_jws(payload: &[u8], signer: &TestCa, root: &TestCa) -> String {
    sign_jws_chain(payload, signer, &[root])
}

/// A compact ES256 JWS of payload bytes, signed by `signer` with `x5c` = `[signer, rest...]`
/// (e.g. an intermediate CA, as the FIDO Alliance's chain has).
pub fn sign_jws_chain(payload: &[u8], signer: &TestCa, rest: &[&TestCa]) -> String {
    let x5c: Vec<String> = std::iter::once(signer)
        .chain(rest.iter().copied())
        .map(TestCa::base64)
        .collect();
    let header = serde_json::json!({ "alg": "ES256", "typ": "JWT", "x5c": x5c });
    let signed = format!(
        "{}.{}",
        B64URL.encode(header.to_string()),
        B64URL.encode(payload)
    );
    let signature = B64URL.encode(signer.sign(signed.as_bytes()));
    format!("{signed}.{signature}")
}
