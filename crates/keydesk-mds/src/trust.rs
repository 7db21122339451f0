//! The root a BLOB's chain must end at. A release build knows one root: the FIDO Alliance
//! MDS root, GlobalSign Root CA - R3 (embedded, SHA-256 fingerprint pinned in a test).
//! Tests and demo builds (the `test-root` feature) may trust another, e.g. the simulator's.

use crypto_glue::traits::DecodeDer;
use crypto_glue::x509::Certificate;

/// GlobalSign Root CA - R3 (DER), which signs the FIDO Alliance's MDS3 BLOB chain.
pub const FIDO_MDS_ROOT_DER: &[u8] = include_bytes!("roots/globalsign-root-r3.der");

/// Where a BLOB is downloaded from by default.
pub const FIDO_MDS_URL: &str = "https://mds3.fidoalliance.org/";

/// The certificate a BLOB's `x5c` chain must verify to.
#[derive(Clone)]
pub struct TrustAnchor {
    root: Certificate,
    label: &'static str,
}

impl std::fmt::Debug for TrustAnchor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label)
    }
}

impl TrustAnchor {
    /// The FIDO Alliance MDS root.
    pub fn fido_alliance() -> Self {
        #[allow(clippy::expect_used)]
        let root = Certificate::from_der(FIDO_MDS_ROOT_DER).expect("the embedded root parses");
        TrustAnchor {
            root,
            label: "FIDO Alliance MDS root (GlobalSign Root CA - R3)",
        }
    }

    /// Another root (DER). Only in tests and demo builds: a release build cannot be told to
    /// trust anything but [`TrustAnchor::fido_alliance`].
    #[cfg(any(test, feature = "test-root"))]
    pub fn test_root(der: &[u8]) -> Result<Self, crate::MdsError> {
        let root =
            Certificate::from_der(der).map_err(|e| crate::MdsError::Malformed(e.to_string()))?;
        Ok(TrustAnchor {
            root,
            label: "test root (not the FIDO Alliance's)",
        })
    }

    /// The root certificate.
    pub fn certificate(&self) -> &Certificate {
        &self.root
    }

    /// Whether this is the FIDO Alliance root (a test root says so in `status`).
    pub fn is_fido_alliance(&self) -> bool {
        self.label.starts_with("FIDO")
    }
}

#[cfg(test)]
mod tests {
    use crypto_glue::x509::x509_digest_cert_sha256;

    use super::*;

    const PINNED_SHA256: &str = "cbb522d7b7f127ad6a0113865bdf1cd4102e7d0759af635a7cf4720dc963c53b";

    #[test]
    fn the_embedded_root_is_globalsign_r3_by_its_pinned_fingerprint() {
        let anchor = TrustAnchor::fido_alliance();
        let digest = x509_digest_cert_sha256(anchor.certificate()).unwrap();
        assert_eq!(crypto_glue::hex::encode(digest), PINNED_SHA256);
        let debian = "/usr/share/ca-certificates/mozilla/GlobalSign_Root_CA_-_R3.crt";
        if let Ok(pem) = std::fs::read_to_string(debian) {
            use crypto_glue::traits::DecodePem;
            let system = Certificate::from_pem(pem.as_bytes()).unwrap();
            assert_eq!(&system, anchor.certificate(), "Debian's copy differs");
        }
    }
}
