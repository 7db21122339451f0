//! The simulator's own FIDO metadata service: a BLOB signed by a test root made at start,
//! listing the simulated keys' models, served at `GET /_sim/mds` (the JWS) and
//! `GET /_sim/mds/root` (the root, DER). A desk trusts that root only in a test or demo
//! build (`keydesk_mds::TrustAnchor::test_root`); a release desk refuses this BLOB.
//!
//! The signer's certificate names `GET /_sim/mds/crl` as its CRL distribution point: the
//! root's revocation list, fresh at each request, valid for 7 days. `POST
//! /_sim/mds/revoke-signer` puts the signer on it (a compromised MDS signing key).
//!
//! The payload JSON is written here, not with the client's model; only the certificates
//! and the ES256 signature come from `keydesk_mds::sign`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::http::header::CONTENT_TYPE;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use keydesk_mds::sign::{sign_jws, TestCa};

/// The icon every simulated model's statement carries (an SVG key, as a `data:` URL).
const KEY_ICON: &str = "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHZpZXdCb3g9IjAgMCAxNiAxNiI+PHJlY3QgeD0iNCIgeT0iMSIgd2lkdGg9IjgiIGhlaWdodD0iMTQiIHJ4PSIzIiBmaWxsPSIjMWQ0ZWQ4Ii8+PGNpcmNsZSBjeD0iOCIgY3k9IjEwIiByPSIyIiBmaWxsPSIjZmZmIi8+PC9zdmc+";

/// The KeyDesk soft key's AAGUID.
pub const SOFT_KEY_AAGUID: &str = "aa62412e-2cce-4d8b-9c5a-0330bc24e541";
/// The VM tests' virtual key (`keydesk-vkey-001` as bytes).
pub const VM_KEY_AAGUID: &str = "6b657964-6573-6b2d-766b-65792d303031";
/// A model the simulated BLOB reports REVOKED, for demos of the refusal.
pub const REVOKED_AAGUID: &str = "0badc0de-0000-4000-8000-00000000dead";

/// The BLOB, its root and the root's revocation list.
pub struct SimMds {
    root: TestCa,
    signer: TestCa,
    root_der: Vec<u8>,
    blob: String,
    signer_revoked: AtomicBool,
}

impl std::fmt::Debug for SimMds {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimMds")
            .field("signer_revoked", &self.signer_revoked)
            .finish_non_exhaustive()
    }
}

impl SimMds {
    /// A fresh root, a signer it issued (naming `{base_url}/_sim/mds/crl` as its CRL), and
    /// a BLOB numbered 1, due for update in 30 days.
    pub fn generate(base_url: &str) -> Result<SimMds, String> {
        let root = TestCa::root("CN=KeyDesk Simulator MDS Root,O=KeyDesk Simulator")
            .map_err(|e| format!("{e:?}"))?;
        let signer = root
            .issue_with_crl(
                "CN=KeyDesk Simulator MDS Signer,O=KeyDesk Simulator",
                &format!("{base_url}/_sim/mds/crl"),
            )
            .map_err(|e| format!("{e:?}"))?;
        let next_update = (time::OffsetDateTime::now_utc() + time::Duration::days(30)).date();
        let entry = |aaguid: &str, name: &str, status: &str| {
            serde_json::json!({
                "aaguid": aaguid,
                "metadataStatement": {
                    "description": name,
                    "icon": KEY_ICON,
                    "attestationTypes": ["basic_surrogate"],
                    "attestationRootCertificates": [],
                },
                "statusReports": [{ "status": status, "effectiveDate": "2026-01-01" }],
            })
        };
        let payload = serde_json::json!({
            "legalHeader": "Simulated: not the FIDO Alliance's metadata.",
            "no": 1,
            "nextUpdate": next_update.to_string(),
            "entries": [
                entry(SOFT_KEY_AAGUID, "KeyDesk Soft Key", "NOT_FIDO_CERTIFIED"),
                entry(VM_KEY_AAGUID, "KeyDesk Virtual Key (soft-fido2)", "NOT_FIDO_CERTIFIED"),
                entry(REVOKED_AAGUID, "Revoked Test Key", "REVOKED"),
            ],
        });
        let blob = sign_jws(payload.to_string().as_bytes(), &signer, &root);
        Ok(SimMds {
            root_der: root.der(),
            root,
            signer,
            blob,
            signer_revoked: AtomicBool::new(false),
        })
    }

    /// The root's revocation list now (DER), valid for 7 days.
    pub fn crl(&self) -> Result<Vec<u8>, String> {
        let revoked: &[&TestCa] = if self.signer_revoked.load(Ordering::SeqCst) {
            &[&self.signer]
        } else {
            &[]
        };
        self.root
            .crl(revoked, SystemTime::now() + Duration::from_secs(7 * 86_400))
    }

    /// The root certificate (DER) a test or demo desk trusts.
    pub fn root_der(&self) -> &[u8] {
        &self.root_der
    }

    /// The BLOB (compact JWS).
    pub fn blob(&self) -> &str {
        &self.blob
    }

    /// `GET /_sim/mds`, `GET /_sim/mds/root`, `GET /_sim/mds/crl` and `POST
    /// /_sim/mds/revoke-signer`.
    pub fn routes(self: &Arc<Self>) -> Router {
        let blob = self.clone();
        let root = self.clone();
        let crl = self.clone();
        let revoke = self.clone();
        Router::new()
            .route(
                "/_sim/mds",
                get(
                    move || async move { ([(CONTENT_TYPE, "application/jwt")], blob.blob.clone()) },
                ),
            )
            .route(
                "/_sim/mds/root",
                get(move || async move {
                    (
                        [(CONTENT_TYPE, "application/pkix-cert")],
                        root.root_der.clone(),
                    )
                }),
            )
            .route(
                "/_sim/mds/crl",
                get(move || async move {
                    match crl.crl() {
                        Ok(der) => Ok(([(CONTENT_TYPE, "application/pkix-crl")], der)),
                        Err(e) => Err((StatusCode::INTERNAL_SERVER_ERROR, e)),
                    }
                }),
            )
            .route(
                "/_sim/mds/revoke-signer",
                post(move || async move {
                    revoke.signer_revoked.store(true, Ordering::SeqCst);
                    StatusCode::NO_CONTENT
                }),
            )
    }
}
