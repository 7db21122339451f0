//! A verified BLOB ([`Mds`]): lookups by AAGUID and its freshness.
//!
//! **Freshness policy.** A BLOB is current until its `nextUpdate` date (inclusive). For
//! [`GRACE_DAYS`] after that it is still used, and every answer carries a warning (the
//! desk tries to download a newer one meanwhile); past the grace period it is refused
//! ([`MdsError::Expired`]) and the desk falls back to its built-in model table, which knows
//! names but no revocations.

use std::collections::HashMap;

use time::{Date, OffsetDateTime};

use crate::crl::RevocationLists;
use crate::jws;
use crate::model::{Entry, Payload};
use crate::trust::TrustAnchor;
use crate::MdsError;

/// Days a BLOB past its `nextUpdate` is still used (with a warning).
pub const GRACE_DAYS: i64 = 30;

/// How current a BLOB is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// On or before its `nextUpdate`.
    Current,
    /// Past `nextUpdate` by this many days, within the grace period.
    Stale(i64),
}

/// Where facts about a model come from (shown next to them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactsSource {
    /// A verified metadata BLOB, by its number.
    Mds(u64),
    /// KeyDesk's hand-made AAGUID table (no BLOB loaded, or the model is not in it).
    BuiltInTable,
}

/// What the desk shows about a key model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelFacts {
    /// Model name.
    pub name: String,
    /// A `data:` URL of the model's icon.
    pub icon: Option<String>,
    /// Certification, e.g. "FIDO_CERTIFIED_L1".
    pub certification: Option<String>,
    /// Latest status, e.g. "REVOKED".
    pub status: Option<String>,
    /// Why a key of this model must not be handed out, when its latest status says so.
    pub unfit: Option<&'static str>,
    /// Where this comes from.
    pub source: FactsSource,
}

/// A BLOB whose chain and signature verified.
#[derive(Debug, Clone)]
pub struct Mds {
    jws: String,
    payload: Payload,
    next_update: Date,
    by_aaguid: HashMap<[u8; 16], usize>,
    fido_root: bool,
    revocation_warnings: Vec<String>,
}

impl Mds {
    /// Verifies `jws` against `anchor` and reads it; refuses a BLOB past its grace period.
    /// Holds no revocation lists: revocation is reported as not checked
    /// ([`Mds::revocation_warnings`]).
    pub fn verify(jws: &str, anchor: &TrustAnchor, now: OffsetDateTime) -> Result<Mds, MdsError> {
        Self::verify_with(jws, anchor, &RevocationLists::none(), now)
    }

    /// [`Mds::verify`], judging the chain against revocation `lists` too: a revoked
    /// certificate refuses the BLOB ([`MdsError::Revoked`]).
    pub fn verify_with(
        jws: &str,
        anchor: &TrustAnchor,
        lists: &RevocationLists,
        now: OffsetDateTime,
    ) -> Result<Mds, MdsError> {
        let verified = jws::verify(jws, anchor, lists, now.into())?;
        let payload: Payload = serde_json::from_slice(&verified.payload)
            .map_err(|e| MdsError::Malformed(format!("payload: {e}")))?;
        let format = time::macros::format_description!("[year]-[month]-[day]");
        let next_update = Date::parse(&payload.next_update, format).map_err(|e| {
            MdsError::Malformed(format!("nextUpdate {:?}: {e}", payload.next_update))
        })?;
        let by_aaguid = payload
            .entries
            .iter()
            .enumerate()
            .filter_map(|(i, e)| {
                let id = uuid::Uuid::parse_str(e.aaguid.as_deref()?).ok()?;
                Some((*id.as_bytes(), i))
            })
            .collect();
        let mds = Mds {
            jws: jws.trim().to_owned(),
            payload,
            next_update,
            by_aaguid,
            fido_root: anchor.is_fido_alliance(),
            revocation_warnings: verified.revocation_warnings,
        };
        mds.freshness(now.date())?;
        Ok(mds)
    }

    /// Current, stale (within the grace period) or [`MdsError::Expired`] on `today`.
    pub fn freshness(&self, today: Date) -> Result<Freshness, MdsError> {
        let overdue = (today - self.next_update).whole_days();
        if overdue <= 0 {
            Ok(Freshness::Current)
        } else if overdue <= GRACE_DAYS {
            Ok(Freshness::Stale(overdue))
        } else {
            Err(MdsError::Expired {
                next_update: self.payload.next_update.clone(),
                grace_days: GRACE_DAYS,
            })
        }
    }

    /// The warning to show with every answer on `today`, if any.
    pub fn warning(&self, today: Date) -> Option<String> {
        match self.freshness(today) {
            Ok(Freshness::Current) => None,
            Ok(Freshness::Stale(days)) => Some(format!(
                "the FIDO metadata BLOB is {days} days past its update date ({}); revocations since then are not known: import a current one",
                self.payload.next_update
            )),
            Err(e) => Some(e.to_string()),
        }
    }

    /// What could not be checked about the signing chain's revocation (no list, an old
    /// list, a list that did not verify). Empty when every certificate was checked.
    pub fn revocation_warnings(&self) -> &[String] {
        &self.revocation_warnings
    }

    /// The BLOB's serial number.
    pub fn number(&self) -> u64 {
        self.payload.no
    }

    /// The BLOB's `nextUpdate` date.
    pub fn next_update(&self) -> Date {
        self.next_update
    }

    /// How many models it describes by AAGUID.
    pub fn models(&self) -> usize {
        self.by_aaguid.len()
    }

    /// Whether it verified to the FIDO Alliance root (false: a test root).
    pub fn from_fido_alliance(&self) -> bool {
        self.fido_root
    }

    /// The BLOB as received (what the cache stores).
    pub fn jws(&self) -> &str {
        &self.jws
    }

    /// The entry for an AAGUID.
    pub fn entry(&self, aaguid: &[u8; 16]) -> Option<&Entry> {
        self.by_aaguid
            .get(aaguid)
            .map(|&i| &self.payload.entries[i])
    }

    /// What the BLOB says about a model, if it lists it.
    pub fn facts(&self, aaguid: &[u8; 16]) -> Option<ModelFacts> {
        let entry = self.entry(aaguid)?;
        let statement = entry.metadata_statement.clone().unwrap_or_default();
        let status = entry.latest_status();
        Some(ModelFacts {
            name: statement.description,
            icon: statement.icon,
            certification: entry.certification(),
            status: status.map(|s| s.as_text()),
            unfit: status.and_then(|s| s.unfit_reason()),
            source: FactsSource::Mds(self.payload.no),
        })
    }
}
