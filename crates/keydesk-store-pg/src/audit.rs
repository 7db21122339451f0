//! One audit chain across every desk of a store: each entry names its desk, and its MAC
//! (HMAC-SHA256 under the pool's audit key) covers the previous entry's MAC, its sequence
//! number, desk, time and line.
//!
//! Why one chain and not one per desk with a merge: the store already gives every
//! append one total order (an advisory lock around read-head-and-insert), so a single
//! chain costs one short lock per entry and needs no merge rule; any entry removed,
//! reordered or edited — whichever desk wrote it — breaks every MAC after it, and
//! [`verify`] is the same simple walk as the single-desk log. Per-desk chains would let
//! desks append without waiting on each other, but an entry's place relative to other
//! desks' would then rest on clocks.
//!
//! Known limit: a database writer without the key can drop the newest entries; each
//! desk can check the head it last wrote ([`AuditHead`]) is still in the chain.

use hmac::{Hmac, Mac};
use keydesk_engine::port::StoreError;
use sha2::Sha256;

use crate::conn::PgStore;
use crate::error::store;
use crate::pool::PoolSecret;

const AUDIT_LOCK: i64 = 0x6b64_0003;

/// One entry as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainEntry {
    /// 1, 2, 3… across all desks.
    pub seq: i64,
    /// The desk that wrote it.
    pub desk: String,
    /// Unix seconds on the store's clock.
    pub at: i64,
    /// What happened (no PIN, no secret).
    pub line: String,
    /// HMAC over the previous MAC and this entry.
    pub mac: Vec<u8>,
}

/// The chain's last entry: its number and MAC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditHead {
    /// Sequence number (0 for an empty chain).
    pub seq: i64,
    /// Its MAC (empty for an empty chain).
    pub mac: Vec<u8>,
}

/// Why the chain does not verify.
#[derive(Debug, thiserror::Error)]
pub enum ChainError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// An entry is missing (a gap in the numbers).
    #[error("audit entry {0} is missing")]
    Gap(i64),
    /// An entry was changed, or written without the pool's audit key.
    #[error("audit entry {0} (desk {1}) does not verify")]
    Tampered(i64, String),
}

fn mac(key: &[u8; 32], prev: &[u8], seq: i64, desk: &str, at: i64, line: &str) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key");
    mac.update(&u64::try_from(prev.len()).unwrap_or(0).to_be_bytes());
    mac.update(prev);
    mac.update(&seq.to_be_bytes());
    for text in [desk, line] {
        mac.update(&u64::try_from(text.len()).unwrap_or(0).to_be_bytes());
        mac.update(text.as_bytes());
    }
    mac.update(&at.to_be_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// Walks `entries` (in sequence order) from the start; the head when every entry holds.
pub fn verify(entries: &[ChainEntry], secret: &PoolSecret) -> Result<AuditHead, ChainError> {
    let key = secret.audit_key();
    let mut head = AuditHead {
        seq: 0,
        mac: Vec::new(),
    };
    for e in entries {
        if e.seq != head.seq + 1 {
            return Err(ChainError::Gap(head.seq + 1));
        }
        let expected = mac(key, &head.mac, e.seq, &e.desk, e.at, &e.line);
        // Constant-time comparison through the MAC type is not needed: nothing secret
        // depends on how fast a stored MAC is found wrong.
        if expected != e.mac {
            return Err(ChainError::Tampered(e.seq, e.desk.clone()));
        }
        head = AuditHead {
            seq: e.seq,
            mac: e.mac.clone(),
        };
    }
    Ok(head)
}

impl PgStore {
    /// Appends `line` as this desk's entry; returns the new head.
    pub fn audit_append(&self, secret: &PoolSecret, line: &str) -> Result<AuditHead, StoreError> {
        let key = *secret.audit_key();
        let desk = self.desk.clone();
        self.with(move |client| {
            let mut tx = client.transaction().map_err(store)?;
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&AUDIT_LOCK])
                .map_err(store)?;
            let last = tx
                .query_opt("SELECT seq, mac FROM audit ORDER BY seq DESC LIMIT 1", &[])
                .map_err(store)?;
            let (prev_seq, prev_mac): (i64, Vec<u8>) =
                last.map_or((0, Vec::new()), |r| (r.get(0), r.get(1)));
            let seq = prev_seq + 1;
            let at: i64 = tx
                .query_one("SELECT floor(extract(epoch FROM now()))::bigint", &[])
                .map_err(store)?
                .get(0);
            let mac = mac(&key, &prev_mac, seq, &desk, at, line);
            tx.execute(
                "INSERT INTO audit (seq, desk, at, line, mac) VALUES ($1, $2, $3, $4, $5)",
                &[&seq, &desk, &at, &line, &mac],
            )
            .map_err(store)?;
            tx.commit().map_err(store)?;
            Ok(AuditHead { seq, mac })
        })
    }

    /// Every entry, in order.
    pub fn audit_entries(&self) -> Result<Vec<ChainEntry>, StoreError> {
        self.with(|client| {
            let rows = client
                .query(
                    "SELECT seq, desk, at, line, mac FROM audit ORDER BY seq",
                    &[],
                )
                .map_err(store)?;
            Ok(rows
                .iter()
                .map(|r| ChainEntry {
                    seq: r.get(0),
                    desk: r.get(1),
                    at: r.get(2),
                    line: r.get(3),
                    mac: r.get(4),
                })
                .collect())
        })
    }

    /// Verifies the whole chain; the head when it holds.
    pub fn audit_verify(&self, secret: &PoolSecret) -> Result<AuditHead, ChainError> {
        verify(&self.audit_entries()?, secret)
    }
}
