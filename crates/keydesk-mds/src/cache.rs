//! The BLOB on disk: `<data folder>/mds.jwt`, read offline at start, replaced by a newer
//! verified BLOB from the download URL or from a file the operator imports (air-gapped
//! desks). A file is written only after it verified, and never by an older BLOB.

use std::path::{Path, PathBuf};

use time::OffsetDateTime;

use crate::trust::{TrustAnchor, FIDO_MDS_URL};
use crate::{Mds, MdsError};

/// The cache file's name in the data folder.
pub const CACHE_FILE: &str = "mds.jwt";

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
    anchor: TrustAnchor,
    url: String,
}

impl MdsCache {
    /// The cache in `data_dir`, trusting the FIDO Alliance root, downloading from
    /// [`FIDO_MDS_URL`].
    pub fn new(data_dir: &Path) -> Self {
        MdsCache {
            path: data_dir.join(CACHE_FILE),
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

    /// The cached BLOB, verified again (offline). None when there is no cache file.
    pub fn load(&self, now: OffsetDateTime) -> Result<Option<Mds>, MdsError> {
        match std::fs::read_to_string(&self.path) {
            Ok(text) => Mds::verify(&text, &self.anchor, now).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Verifies a BLOB and makes it the cached one, unless the cache holds a newer one.
    pub fn accept(&self, jws: &str, now: OffsetDateTime) -> Result<Mds, MdsError> {
        let offered = Mds::verify(jws, &self.anchor, now)?;
        if let Ok(Some(held)) = self.load(now) {
            if held.number() > offered.number() {
                return Err(MdsError::Older {
                    offered: offered.number(),
                    held: held.number(),
                });
            }
        }
        let partial = self.path.with_extension("jwt.partial");
        std::fs::write(&partial, offered.jws())?;
        std::fs::File::open(&partial)?.sync_all()?;
        std::fs::rename(&partial, &self.path)?;
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
        let due = cached.as_ref().is_none_or(|m| m.next_update() < now.date());
        if !due {
            return Loaded {
                mds: cached,
                warnings,
            };
        }
        match self.refresh(client, now).await {
            Ok(fresh) => Loaded {
                mds: Some(fresh),
                warnings: Vec::new(),
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
