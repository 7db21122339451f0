//! The BLOB on disk: `<data folder>/mds.jwt`, read offline at start, replaced by a newer
//! verified BLOB from the download URL or from a file the operator imports (air-gapped
//! desks). A file is written only after it verified, and never by an older BLOB.
//!
//! The revocation lists the BLOB's chain names live beside it in `<data folder>/mds-crl/`,
//! one file per issuing CA (`<sha-256 of the issuer name>.crl`), replaced only by a newer
//! list. They are fetched with the BLOB, again when one is missing or past its
//! `nextUpdate`, or imported ([`MdsCache::import_crl`]).

use std::path::{Path, PathBuf};

use time::OffsetDateTime;

use crypto_glue::s256::Sha256;
use crypto_glue::traits::{Digest, EncodeDer};

use crate::crl::{self, RevocationLists};
use crate::jws::crl_urls;
use crate::trust::{TrustAnchor, FIDO_MDS_URL};
use crate::{Mds, MdsError};

/// The cache file's name in the data folder.
pub const CACHE_FILE: &str = "mds.jwt";
/// The folder of revocation lists in the data folder.
pub const CRL_FOLDER: &str = "mds-crl";
/// Largest revocation list the desk downloads.
const MAX_CRL_BYTES: usize = 4 << 20;

/// What [`MdsCache::current`] found: a BLOB (or none) and what the operator should know.
#[derive(Debug)]
pub struct Loaded {
    /// The BLOB in use, if any.
    pub mds: Option<Mds>,
    /// Warnings (stale, expired, download failed, ...).
    pub warnings: Vec<String>,
}

/// The cache of one data folder.
#[derive(Debug, Clone)]
pub struct MdsCache {
    path: PathBuf,
    crl_dir: PathBuf,
    anchor: TrustAnchor,
    url: String,
}

impl MdsCache {
    /// The cache in `data_dir`, trusting the FIDO Alliance root, downloading from
    /// [`FIDO_MDS_URL`].
    pub fn new(data_dir: &Path) -> Self {
        MdsCache {
            path: data_dir.join(CACHE_FILE),
            crl_dir: data_dir.join(CRL_FOLDER),
            anchor: TrustAnchor::fido_alliance(),
            url: FIDO_MDS_URL.to_owned(),
        }
    }

    /// Downloads from `url` instead.
    pub fn with_url(mut self, url: impl Into<String>) -> Self {
        self.url = url.into();
        self
    }

    /// Trusts another root (tests and demo builds only).
    #[cfg(any(test, feature = "test-root"))]
    pub fn with_anchor(mut self, anchor: TrustAnchor) -> Self {
        self.anchor = anchor;
        self
    }

    /// The cache file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The revocation lists held. A file that does not parse is skipped (and logged).
    pub fn revocation_lists(&self) -> Result<RevocationLists, MdsError> {
        let mut held = Vec::new();
        let entries = match std::fs::read_dir(&self.crl_dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(RevocationLists::none())
            }
            Err(e) => return Err(e.into()),
        };
        for entry in entries {
            let path = entry?.path();
            if path.extension().is_some_and(|x| x == "crl") {
                let der = std::fs::read(&path)?;
                if crl::parse(&der).is_ok() {
                    held.push(der);
                } else {
                    tracing::warn!(file = %path.display(), "a cached revocation list does not parse; ignored");
                }
            }
        }
        RevocationLists::from_der(held.iter().map(Vec::as_slice))
    }

    /// Keeps a revocation list (DER), unless a newer one from the same issuer is held.
    /// Returns whether it was stored.
    pub fn store_crl(&self, der: &[u8]) -> Result<bool, MdsError> {
        let offered = crl::parse(der).map_err(MdsError::Crl)?;
        let issuer = offered
            .tbs_cert_list
            .issuer
            .to_der()
            .map_err(|e| MdsError::Crl(e.to_string()))?;
        let name = crypto_glue::hex::encode(Sha256::digest(&issuer));
        let path = self.crl_dir.join(format!("{name}.crl"));
        if let Ok(held) = std::fs::read(&path) {
            if let Ok(held) = crl::parse(&held) {
                let when = |l: &x509_cert::crl::CertificateList| {
                    std::time::SystemTime::from(&l.tbs_cert_list.this_update)
                };
                if when(&held) >= when(&offered) {
                    return Ok(false);
                }
            }
        }
        std::fs::create_dir_all(&self.crl_dir)?;
        write_synced(&path, der)?;
        Ok(true)
    }

    /// Imports a revocation list file the operator brought (air-gapped desks).
    pub fn import_crl(&self, file: &Path) -> Result<bool, MdsError> {
        self.store_crl(&std::fs::read(file)?)
    }

    /// Fetches the revocation lists `jws`'s chain names and keeps those that parse.
    /// Returns what could not be fetched (the verification then warns about it).
    pub async fn fetch_crls(&self, client: &reqwest::Client, jws: &str) -> Vec<String> {
        let mut failures = Vec::new();
        for url in crl_urls(jws) {
            match fetch_capped(client, &url).await {
                Ok(der) => {
                    if let Err(e) = self.store_crl(&der) {
                        failures.push(format!("{url}: {e}"));
                    }
                }
                Err(e) => failures.push(format!("{url}: {e}")),
            }
        }
        failures
    }

    /// The cached BLOB, verified again (offline). None when there is no cache file.
    pub fn load(&self, now: OffsetDateTime) -> Result<Option<Mds>, MdsError> {
        match std::fs::read_to_string(&self.path) {
            Ok(text) => {
                Mds::verify_with(&text, &self.anchor, &self.revocation_lists()?, now).map(Some)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Verifies a BLOB and makes it the cached one, unless the cache holds a newer one.
    pub fn accept(&self, jws: &str, now: OffsetDateTime) -> Result<Mds, MdsError> {
        let offered = Mds::verify_with(jws, &self.anchor, &self.revocation_lists()?, now)?;
        if let Ok(Some(held)) = self.load(now) {
            if held.number() > offered.number() {
                return Err(MdsError::Older {
                    offered: offered.number(),
                    held: held.number(),
                });
            }
        }
        write_synced(&self.path, offered.jws().as_bytes())?;
        tracing::info!(no = offered.number(), "FIDO metadata BLOB stored");
        Ok(offered)
    }

    /// Imports a BLOB file the operator brought (e.g. downloaded elsewhere).
    pub fn import(&self, file: &Path, now: OffsetDateTime) -> Result<Mds, MdsError> {
        let text = std::fs::read_to_string(file)?;
        self.accept(&text, now)
    }

    /// Downloads the BLOB from the configured URL and accepts it.
    pub async fn refresh(
        &self,
        client: &reqwest::Client,
        now: OffsetDateTime,
    ) -> Result<Mds, MdsError> {
        let download = |e: reqwest::Error| MdsError::Download(e.to_string());
        let text = client
            .get(&self.url)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(download)?
            .text()
            .await
            .map_err(download)?;
        let failures = self.fetch_crls(client, &text).await;
        if !failures.is_empty() {
            tracing::warn!(?failures, "revocation lists not fetched");
        }
        self.accept(&text, now)
    }

    /// The BLOB to use at start: the cache, refreshed when it is missing, past
    /// `nextUpdate` or unreadable and the URL answers; otherwise what the cache has, with
    /// warnings saying why.
    pub async fn current(&self, client: &reqwest::Client, now: OffsetDateTime) -> Loaded {
        let mut warnings = Vec::new();
        let cached = match self.load(now) {
            Ok(cached) => cached,
            Err(e) => {
                warnings.push(format!("cached {e}"));
                None
            }
        };
        self.settle(cached, warnings, client, now).await
    }

    /// [`MdsCache::current`] for a caller that already loaded the cache (`cached`, as
    /// [`MdsCache::load`] gave it): refreshes only what is due, without verifying the
    /// cached BLOB again.
    pub async fn update(
        &self,
        cached: Option<Mds>,
        client: &reqwest::Client,
        now: OffsetDateTime,
    ) -> Loaded {
        self.settle(cached, Vec::new(), client, now).await
    }

    async fn settle(
        &self,
        cached: Option<Mds>,
        mut warnings: Vec<String>,
        client: &reqwest::Client,
        now: OffsetDateTime,
    ) -> Loaded {
        let due = cached.as_ref().is_none_or(|m| m.next_update() < now.date());
        if !due {
            let mut cached = cached;
            if let Some(held) = cached
                .as_ref()
                .filter(|m| !m.revocation_warnings().is_empty())
            {
                // A list is missing or old: fetch the lists again and judge the BLOB anew.
                self.fetch_crls(client, held.jws()).await;
                match self.load(now) {
                    Ok(again) => cached = again,
                    Err(e) => {
                        warnings.push(e.to_string());
                        cached = None;
                    }
                }
            }
            warnings.extend(cached.iter().flat_map(|m| m.revocation_warnings().to_vec()));
            return Loaded {
                mds: cached,
                warnings,
            };
        }
        match self.refresh(client, now).await {
            Ok(fresh) => Loaded {
                warnings: fresh.revocation_warnings().to_vec(),
                mds: Some(fresh),
            },
            Err(e) => {
                warnings.push(e.to_string());
                if let Some(warning) = cached.as_ref().and_then(|m| m.warning(now.date())) {
                    warnings.push(warning);
                }
                Loaded {
                    mds: cached,
                    warnings,
                }
            }
        }
    }
}

/// Writes `bytes` to `path` through a synced temporary file and a rename.
fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let partial = path.with_extension("partial");
    std::fs::write(&partial, bytes)?;
    std::fs::File::open(&partial)?.sync_all()?;
    std::fs::rename(&partial, path)
}

/// GETs `url`, refusing a body over [`MAX_CRL_BYTES`].
async fn fetch_capped(client: &reqwest::Client, url: &str) -> Result<Vec<u8>, String> {
    let mut response = client
        .get(url)
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .map_err(|e| e.to_string())?;
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| e.to_string())? {
        if body.len() + chunk.len() > MAX_CRL_BYTES {
            return Err(format!("larger than {MAX_CRL_BYTES} bytes"));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
