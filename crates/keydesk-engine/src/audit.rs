//! The audit log: append-only JSON lines, each entry chained to the one before by an
//! HMAC-SHA256 under a key from the [`SecretStore`], with the operator's identity.
//!
//! The chain's head (sequence number and MAC of the last entry) is also written to the
//! journal after every append, so [`verify`] catches an edited entry, a removed or
//! reordered one, and a tail cut back past the recorded head. What it cannot catch: an
//! attacker holding the MAC key, or a journal rolled back together with the log.
//! Entries never carry a PIN.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::journal::Journal;
use crate::secrets::{SecretError, SecretStore};

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
const HEAD: &str = "audit_head";

/// One audit entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// 1, 2, 3… with no gaps.
    pub seq: u64,
    /// Unix seconds.
    pub at: i64,
    /// Who did it.
    pub operator: String,
    /// What was done, e.g. "registered".
    pub action: String,
    /// Whom it concerns (a user id, a key serial).
    pub subject: String,
    /// More words, never a secret.
    pub detail: String,
    /// HMAC of the previous MAC and this entry, hex.
    pub mac: String,
}

/// The audit log failed, or does not verify.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// The key store failed.
    #[error(transparent)]
    Secret(#[from] SecretError),
    /// The file could not be read or written.
    #[error("audit log: {0}")]
    Io(#[from] std::io::Error),
    /// The journal could not record the head.
    #[error(transparent)]
    Journal(#[from] crate::journal::JournalError),
    /// An entry was edited, removed, inserted or reordered.
    #[error("audit log entry {line} was altered or an entry before it was removed")]
    Tampered {
        /// 1-based line number.
        line: usize,
    },
    /// The log ends before the head the journal recorded.
    #[error("audit log ends at entry {found}, but entry {recorded} was recorded")]
    Truncated {
        /// Last entry present.
        found: u64,
        /// Last entry recorded in the journal.
        recorded: u64,
    },
}

/// An open audit log.
pub struct AuditLog {
    path: PathBuf,
    key: Zeroizing<[u8; 32]>,
    head: Mutex<(u64, String)>,
}

impl AuditLog {
    /// Opens (or creates) the log at `path` with the MAC key `audit` from `store`,
    /// verifying what is there against the head recorded in `journal`.
    pub fn open(
        path: &Path,
        store: &dyn SecretStore,
        journal: &Journal,
    ) -> Result<AuditLog, AuditError> {
        let key = store.get_or_create("audit")?;
        let head = verify(path, key.as_ref(), journal)?;
        Ok(AuditLog {
            path: path.to_owned(),
            key,
            head: Mutex::new(head),
        })
    }

    /// Appends an entry and records the new head in `journal`.
    pub fn append(
        &self,
        journal: &Journal,
        at: i64,
        operator: &str,
        action: &str,
        subject: &str,
        detail: &str,
    ) -> Result<(), AuditError> {
        let mut head = self.head.lock().unwrap_or_else(|p| p.into_inner());
        let mut entry = AuditEntry {
            seq: head.0 + 1,
            at,
            operator: operator.to_owned(),
            action: action.to_owned(),
            subject: subject.to_owned(),
            detail: detail.to_owned(),
            mac: String::new(),
        };
        entry.mac = mac(self.key.as_ref(), &head.1, &entry);
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?;
        let line = serde_json::to_string(&entry).map_err(std::io::Error::other)?;
        writeln!(file, "{line}")?;
        file.sync_data()?;
        journal.set_meta(HEAD, &format!("{}:{}", entry.seq, entry.mac))?;
        *head = (entry.seq, entry.mac);
        Ok(())
    }

    /// The log for an auditor: every entry, then a last line with the head, so a copy
    /// cut short is caught by [`verify_export`].
    pub fn export(&self) -> Result<String, AuditError> {
        let head = self.head.lock().unwrap_or_else(|p| p.into_inner());
        let text = match std::fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(e.into()),
        };
        let (seq, mac) = &*head;
        let last = serde_json::json!({ "head": { "seq": seq, "mac": mac } });
        Ok(format!("{text}{last}\n"))
    }

    /// The head: (last sequence number, its MAC).
    pub fn head(&self) -> (u64, String) {
        self.head.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

fn mac(key: &[u8], previous: &str, entry: &AuditEntry) -> String {
    let body = AuditEntry {
        mac: String::new(),
        ..entry.clone()
    };
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    m.update(previous.as_bytes());
    m.update(b"\n");
    m.update(serde_json::to_string(&body).unwrap_or_default().as_bytes());
    hex::encode(m.finalize().into_bytes())
}

/// Checks the whole chain in `path` and that it reaches the head recorded in `journal`.
/// Returns the head (0 and the genesis value for an empty log).
pub fn verify(path: &Path, key: &[u8], journal: &Journal) -> Result<(u64, String), AuditError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e.into()),
    };
    let recorded = journal.meta(HEAD)?.map(|r| {
        let (seq, mac) = r.split_once(':').unwrap_or(("0", ""));
        (seq.parse().unwrap_or(0), mac.to_owned())
    });
    verify_lines(text.lines(), key, recorded)
}

/// Checks an export made by [`AuditLog::export`]: the chain, and that it reaches the head
/// written at its end.
pub fn verify_export(export: &str, key: &[u8]) -> Result<(u64, String), AuditError> {
    let mut lines: Vec<&str> = export.lines().collect();
    let head = lines
        .pop()
        .and_then(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .and_then(|v| {
            let seq = v["head"]["seq"].as_u64()?;
            Some((seq, v["head"]["mac"].as_str()?.to_owned()))
        })
        .ok_or(AuditError::Tampered {
            line: lines.len() + 1,
        })?;
    verify_lines(lines.into_iter(), key, Some(head))
}

fn verify_lines<'a>(
    lines: impl Iterator<Item = &'a str>,
    key: &[u8],
    recorded: Option<(u64, String)>,
) -> Result<(u64, String), AuditError> {
    let mut head = (0u64, GENESIS.to_owned());
    for (i, line) in lines.enumerate() {
        let entry: AuditEntry =
            serde_json::from_str(line).map_err(|_| AuditError::Tampered { line: i + 1 })?;
        if entry.seq != head.0 + 1 || mac(key, &head.1, &entry) != entry.mac {
            return Err(AuditError::Tampered { line: i + 1 });
        }
        head = (entry.seq, entry.mac);
    }
    if let Some((seq, recorded_mac)) = recorded {
        if head.0 < seq {
            return Err(AuditError::Truncated {
                found: head.0,
                recorded: seq,
            });
        }
        if head.0 == seq && head.1 != recorded_mac {
            return Err(AuditError::Tampered { line: seq as usize });
        }
    }
    Ok(head)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::MemoryStore;

    fn log_of(n: usize) -> (tempfile::TempDir, PathBuf, MemoryStore, Journal) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.log");
        let store = MemoryStore::default();
        let journal = Journal::in_memory().unwrap();
        let log = AuditLog::open(&path, &store, &journal).unwrap();
        for i in 0..n {
            log.append(
                &journal,
                1_700_000_000 + i as i64,
                "ops@contoso",
                "registered",
                &format!("u{i}"),
                "Soft Key",
            )
            .unwrap();
        }
        (dir, path, store, journal)
    }

    fn key(store: &MemoryStore) -> Zeroizing<[u8; 32]> {
        store.get_or_create("audit").unwrap()
    }

    #[test]
    fn an_untouched_log_verifies() {
        let (_dir, path, store, journal) = log_of(4);
        assert_eq!(verify(&path, key(&store).as_ref(), &journal).unwrap().0, 4);
        assert!(AuditLog::open(&path, &store, &journal).is_ok());
    }

    #[test]
    fn an_edited_entry_is_caught() {
        let (_dir, path, store, journal) = log_of(4);
        let text = std::fs::read_to_string(&path).unwrap().replace("u2", "u9");
        std::fs::write(&path, text).unwrap();
        let err = verify(&path, key(&store).as_ref(), &journal).unwrap_err();
        assert!(matches!(err, AuditError::Tampered { line: 3 }), "{err}");
    }

    #[test]
    fn a_removed_entry_is_caught() {
        let (_dir, path, store, journal) = log_of(4);
        let text = std::fs::read_to_string(&path).unwrap();
        let kept: Vec<&str> = text
            .lines()
            .enumerate()
            .filter(|(i, _)| *i != 1)
            .map(|(_, l)| l)
            .collect();
        std::fs::write(&path, kept.join("\n") + "\n").unwrap();
        assert!(matches!(
            verify(&path, key(&store).as_ref(), &journal),
            Err(AuditError::Tampered { line: 2 })
        ));
    }

    #[test]
    fn an_export_carries_its_head_and_a_cut_export_is_caught() {
        let (_dir, path, store, journal) = log_of(3);
        let log = AuditLog::open(&path, &store, &journal).unwrap();
        let export = log.export().unwrap();
        assert_eq!(verify_export(&export, key(&store).as_ref()).unwrap().0, 3);
        let mut lines: Vec<&str> = export.lines().collect();
        lines.remove(2);
        let cut = lines.join("\n");
        assert!(matches!(
            verify_export(&cut, key(&store).as_ref()),
            Err(AuditError::Truncated {
                found: 2,
                recorded: 3
            })
        ));
    }

    #[test]
    fn a_cut_tail_is_caught_by_the_recorded_head() {
        let (_dir, path, store, journal) = log_of(4);
        let text = std::fs::read_to_string(&path).unwrap();
        let kept: Vec<&str> = text.lines().take(2).collect();
        std::fs::write(&path, kept.join("\n") + "\n").unwrap();
        assert!(matches!(
            verify(&path, key(&store).as_ref(), &journal),
            Err(AuditError::Truncated {
                found: 2,
                recorded: 4
            })
        ));
    }
}
