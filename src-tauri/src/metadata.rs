//! The FIDO metadata BLOB the window works with (issue 20): read offline from the data
//! folder's cache at start, then refreshed in the background when it is missing or past
//! its `nextUpdate` and the download URL answers. Provisioning sees it as the engine's
//! `Context::metadata` (pre-flight refuses revoked models, attestation chains are checked
//! before the POST); the key tray and the letters name models from it. In demo mode the
//! BLOB is the simulator's, trusted through its test root (demo builds only).

use std::path::Path;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use keydesk_mds::{FactsSource, Mds, MdsCache};
use time::OffsetDateTime;

/// The BLOB in use (if any) and one line for the header.
#[derive(Debug, Default)]
pub struct Metadata {
    current: RwLock<Option<Arc<Mds>>>,
}

impl Metadata {
    /// What the cache in `data_dir` holds, verified again, without the network.
    pub fn offline(data_dir: &Path) -> Metadata {
        Self::from_cache(&MdsCache::new(data_dir))
    }

    fn from_cache(cache: &MdsCache) -> Metadata {
        let now = OffsetDateTime::now_utc();
        let current = match cache.load(now) {
            Ok(mds) => mds.map(Arc::new),
            Err(e) => {
                tracing::warn!(error = %e, "the cached FIDO metadata BLOB is not used");
                None
            }
        };
        Metadata {
            current: RwLock::new(current),
        }
    }

    /// Brings the BLOB up to date from `cache`'s URL when it is due (missing, past
    /// `nextUpdate`, or a revocation list is missing or old); keeps what it has otherwise.
    /// The BLOB already held is not read and verified again.
    pub async fn refresh(&self, cache: &MdsCache) {
        let client = match reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
        {
            Ok(client) => client,
            Err(e) => {
                tracing::warn!(error = %e, "no HTTP client for the FIDO metadata");
                return;
            }
        };
        let held = self.current().map(|mds| Mds::clone(&mds));
        let loaded = cache.update(held, &client, OffsetDateTime::now_utc()).await;
        for warning in &loaded.warnings {
            tracing::warn!(%warning, "FIDO metadata");
        }
        if let Some(mds) = loaded.mds {
            *self.current.write().unwrap_or_else(|p| p.into_inner()) = Some(Arc::new(mds));
        }
    }

    /// The BLOB in use, if any.
    pub fn current(&self) -> Option<Arc<Mds>> {
        self.current
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// The header's line: which BLOB names the models, or that the built-in table does.
    pub fn summary(&self) -> String {
        match self.current() {
            Some(mds) => {
                let today = OffsetDateTime::now_utc().date();
                let stale = mds.warning(today).map_or("", |_| ", out of date");
                let revocation = if mds.revocation_warnings().is_empty() {
                    ""
                } else {
                    ", revocation not checked"
                };
                format!(
                    "FIDO metadata no. {} (next update {}{stale}{revocation})",
                    mds.number(),
                    mds.next_update()
                )
            }
            None => "built-in model table (no FIDO metadata BLOB)".to_owned(),
        }
    }
}

/// What the key tray shows of a key's model: its name, whether the FIDO metadata BLOB gave
/// it, and the statement's icon and certification when it did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrayModel {
    /// The model's name (`fallback` when neither the BLOB nor the built-in table knows it).
    pub name: String,
    /// The name comes from the BLOB.
    pub from_metadata: bool,
    /// A `data:` URL of the model's icon.
    pub icon: Option<String>,
    /// E.g. `FIDO_CERTIFIED_L1`.
    pub certification: Option<String>,
}

/// The tray's facts for a key of `aaguid` (`fallback` names it when nothing else does).
pub fn model_of(mds: Option<&Mds>, aaguid: Option<&[u8; 16]>, fallback: &str) -> TrayModel {
    let plain = |name: String| TrayModel {
        name,
        from_metadata: false,
        icon: None,
        certification: None,
    };
    let Some(aaguid) = aaguid else {
        return plain(fallback.to_owned());
    };
    let facts = keydesk_engine::metadata::describe(mds, aaguid);
    match facts.source {
        FactsSource::Mds(_) => TrayModel {
            name: facts.name,
            from_metadata: true,
            // Only images: the tray puts it in an <img>, under a CSP allowing data: images.
            icon: facts.icon.filter(|i| i.starts_with("data:image/")),
            certification: facts.certification,
        },
        FactsSource::BuiltInTable if facts.name == keydesk_fido::hid::models::UNKNOWN_MODEL => {
            plain(fallback.to_owned())
        }
        FactsSource::BuiltInTable => plain(facts.name),
    }
}

/// The demo's cache: the simulator's BLOB, trusted through its test root.
#[cfg(feature = "demo")]
pub fn demo_cache(data_dir: &Path, sim: &keydesk_sim::Sim) -> Option<MdsCache> {
    let anchor = keydesk_mds::TrustAnchor::test_root(sim.mds().root_der()).ok()?;
    Some(
        MdsCache::new(data_dir)
            .with_anchor(anchor)
            .with_url(format!("{}/_sim/mds", sim.base_url())),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use keydesk_mds::sign::{sign_jws, TestCa};
    use keydesk_mds::TrustAnchor;

    const YUBIKEY_5: &str = "cb69481e-8ff7-4039-93ec-0a2729a154a8";
    const NOWHERE: &str = "11111111-2222-3333-4444-555555555555";

    fn aaguid(text: &str) -> [u8; 16] {
        *uuid::Uuid::parse_str(text).unwrap().as_bytes()
    }

    fn blob() -> Mds {
        let root = TestCa::root("CN=Window Test Root").unwrap();
        let signer = root.issue("CN=Window Test Signer").unwrap();
        let next = (OffsetDateTime::now_utc() + time::Duration::days(20)).date();
        let payload = serde_json::json!({
            "no": 4,
            "nextUpdate": next.to_string(),
            "entries": [{
                "aaguid": YUBIKEY_5,
                "metadataStatement": {
                    "description": "YubiKey 5 Series with NFC (MDS)",
                    "icon": "data:image/png;base64,AA==",
                },
                "statusReports": [{ "status": "FIDO_CERTIFIED_L1" }],
            }],
        });
        let jws = sign_jws(payload.to_string().as_bytes(), &signer, &root);
        let anchor = TrustAnchor::test_root(&root.der()).unwrap();
        Mds::verify(&jws, &anchor, OffsetDateTime::now_utc()).unwrap()
    }

    #[test]
    fn the_tray_names_a_listed_model_from_the_blob_and_marks_every_other_source() {
        let mds = blob();
        let yubico = "Yubico YubiKey OTP+FIDO+CCID";
        let listed = model_of(Some(&mds), Some(&aaguid(YUBIKEY_5)), yubico);
        assert_eq!(listed.name, "YubiKey 5 Series with NFC (MDS)");
        assert!(listed.from_metadata);
        assert_eq!(listed.icon.as_deref(), Some("data:image/png;base64,AA=="));
        assert_eq!(listed.certification.as_deref(), Some("FIDO_CERTIFIED_L1"));
        // No BLOB: the built-in table, marked as such, with no icon or certification.
        let table = model_of(None, Some(&aaguid(YUBIKEY_5)), yubico);
        assert_eq!(table.name, "YubiKey 5 Series");
        assert!(!table.from_metadata);
        assert_eq!((table.icon, table.certification), (None, None));
        // Known to neither, or no AAGUID read: what the key calls itself.
        let neither = model_of(Some(&mds), Some(&aaguid(NOWHERE)), "Some Key");
        assert_eq!(neither.name, "Some Key");
        assert!(!neither.from_metadata);
        assert_eq!(model_of(Some(&mds), None, "Some Key").name, "Some Key");
    }

    #[test]
    fn the_header_says_which_blob_or_that_the_built_in_table_names_models() {
        let dir = tempfile::tempdir().unwrap();
        let none = Metadata::offline(dir.path());
        assert!(none.current().is_none());
        assert_eq!(
            none.summary(),
            "built-in model table (no FIDO metadata BLOB)"
        );
        let held = Metadata {
            current: RwLock::new(Some(Arc::new(blob()))),
        };
        assert!(
            held.summary()
                .starts_with("FIDO metadata no. 4 (next update "),
            "{}",
            held.summary()
        );
        // Its chain names no revocation lists, so nothing was left unchecked.
        assert!(!held.summary().contains("revocation"), "{}", held.summary());
    }
}
