//! The audit log: append-only JSON lines, each entry chained to the one before by an
//! HMAC-SHA256 under a key from the [`SecretStore`], with the operator's identity.
//!
//! The chain's head (sequence number and MAC of the last entry) is also written to the
//! journal after every append, so [`verify`] catches an edited entry, a removed or
//! reordered one, and a tail cut back past the recorded head. What it cannot catch: an
//! attacker holding the MAC key, or a journal rolled back together with the log.
//! Entries never carry a PIN.
//!
//! A kill at any instant leaves a log that opens:
//! - each entry is one `write_all` of its whole line, `\n` included, then an fsync, and
//!   only then is the head recorded in the journal; a kill between the two leaves the log
//!   ahead of the recorded head, which verifies (the entry at the recorded sequence number
//!   must still carry the recorded MAC) and [`AuditLog::open`] brings the journal up to it;
//! - a kill mid-line leaves a torn last line past the recorded head: `open` cuts the file
//!   back to the last whole line, fsyncs, and appends an "audit log recovered" entry that
//!   says how many bytes were dropped. A last entry that verifies but lost only its `\n`
//!   is kept and the newline added.
//!
//! Anything else is reported: an edited or removed entry, a cut before the recorded head,
//! an unreadable line that is not the last one.
//!
//! One writer per file: the app and the command line hold the data folder's
//! [`crate::lock::DataDirLock`], so no two processes append to one log. Within a process,
//! open one `AuditLog` per file: a second instance's append finds the file changed behind
//! it and fails with [`AuditError::ChangedElsewhere`] instead of forking the chain.

use std::fs::{File, OpenOptions};
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::journal::Journal;
use crate::secrets::{SecretError, SecretStore};

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
const HEAD: &str = "audit_head";
/// Who signs the entries KeyDesk writes about the log itself.
const SELF: &str = "keydesk";

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
    /// The file is not as this `AuditLog` left it: something else wrote to it (another
    /// instance, or another process on the same data folder). Nothing was appended.
    #[error("audit log changed behind KeyDesk's back: {found} bytes where {expected} were written; nothing was appended")]
    ChangedElsewhere {
        /// The length this instance last wrote.
        expected: u64,
        /// The length found.
        found: u64,
    },
}

/// The end of the chain, and where it ends in the file.
struct Tip {
    seq: u64,
    mac: String,
    /// Bytes in the file, all whole lines.
    len: u64,
}

/// An open audit log.
pub struct AuditLog {
    path: PathBuf,
    key: Zeroizing<[u8; 32]>,
    tip: Mutex<Tip>,
}

impl AuditLog {
    /// Opens (or creates) the log at `path` with the MAC key `audit` from `store`,
    /// verifying what is there against the head recorded in `journal`, and repairing
    /// what a crash can leave (see the module doc).
    pub fn open(
        path: &Path,
        store: &dyn SecretStore,
        journal: &Journal,
    ) -> Result<AuditLog, AuditError> {
        let key = store.get_or_create("audit")?;
        let bytes = read_or_empty(path)?;
        let recorded = recorded_head(journal)?;
        let scan = scan(&bytes, key.as_ref(), recorded.as_ref())?;
        let log = AuditLog {
            path: path.to_owned(),
            key,
            tip: Mutex::new(Tip {
                seq: scan.head.0,
                mac: scan.head.1,
                len: scan.whole,
            }),
        };
        match scan.tail {
            Tail::Clean => {}
            Tail::Unterminated => log.terminate(bytes.len() as u64)?,
            Tail::Torn(dropped) => {
                log.cut()?;
                let now = time::OffsetDateTime::now_utc().unix_timestamp();
                let detail =
                    format!("a torn last entry of {dropped} bytes was dropped after a crash");
                log.append(
                    journal,
                    now,
                    SELF,
                    "audit log recovered",
                    "audit log",
                    &detail,
                )?;
                tracing::warn!(path = %path.display(), dropped, "audit log recovered");
            }
        }
        // A kill between the log's fsync and the journal's update: catch the journal up.
        let (seq, mac) = log.head();
        if seq > 0 && recorded.as_ref().map(|r| r.0) != Some(seq) {
            journal.set_meta(HEAD, &format!("{seq}:{mac}"))?;
        }
        Ok(log)
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
        let mut tip = self.tip();
        let mut entry = AuditEntry {
            seq: tip.seq + 1,
            at,
            operator: operator.to_owned(),
            action: action.to_owned(),
            subject: subject.to_owned(),
            detail: detail.to_owned(),
            mac: String::new(),
        };
        entry.mac = mac(self.key.as_ref(), &tip.mac, &entry);
        let mut line = serde_json::to_vec(&entry).map_err(std::io::Error::other)?;
        line.push(b'\n');
        let mut file = self.locked_file(tip.len)?;
        // One write of the whole line: a kill leaves it whole, absent, or torn at the end.
        let written = file
            .seek(SeekFrom::Start(tip.len))
            .and_then(|_| file.write_all(&line))
            .and_then(|()| file.sync_data());
        if let Err(e) = written {
            // Not counted, so not left behind (best effort: `open` would drop it anyway).
            let _ = file.set_len(tip.len);
            return Err(e.into());
        }
        drop(file);
        // The entry is in the log: the head moves on even if the journal fails now.
        *tip = Tip {
            seq: entry.seq,
            len: tip.len + line.len() as u64,
            mac: entry.mac,
        };
        journal.set_meta(HEAD, &format!("{}:{}", tip.seq, tip.mac))?;
        Ok(())
    }

    /// The log for an auditor: every entry as it is in the log (one JSON object per
    /// line), then a last line `{"head":{"entries":N,"last_mac":"…","mac":"…"}}`, where
    /// `mac` is an HMAC-SHA256 of [`EXPORT_HEAD_DOMAIN`], N and the last entry's MAC under
    /// the audit key: a copy cut short, or with a head written by someone without the key,
    /// is caught by [`verify_export`].
    pub fn export(&self) -> Result<String, AuditError> {
        let tip = self.tip();
        let text = String::from_utf8(read_or_empty(&self.path)?)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
        let last = serde_json::json!({ "head": {
            "entries": tip.seq,
            "last_mac": tip.mac,
            "mac": head_mac(self.key.as_ref(), tip.seq, &tip.mac),
        } });
        Ok(format!("{text}{last}\n"))
    }

    /// The head: (last sequence number, its MAC).
    pub fn head(&self) -> (u64, String) {
        let tip = self.tip();
        (tip.seq, tip.mac.clone())
    }

    /// The chain's end, locked (a poisoned lock is taken over: the tip is only ever
    /// replaced whole or has its length set).
    fn tip(&self) -> MutexGuard<'_, Tip> {
        self.tip.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The file, created if need be, locked against other writers for as long as it is
    /// open, and checked to be `len` bytes long as this instance left it.
    fn locked_file(&self, len: u64) -> Result<File, AuditError> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&self.path)?;
        file.lock()?;
        let found = file.metadata()?.len();
        if found != len {
            return Err(AuditError::ChangedElsewhere {
                expected: len,
                found,
            });
        }
        Ok(file)
    }

    /// Adds the `\n` a verified last entry lost (the file is `found` bytes long).
    fn terminate(&self, found: u64) -> Result<(), AuditError> {
        let mut tip = self.tip();
        let mut file = self.locked_file(found)?;
        file.seek(SeekFrom::Start(found))?;
        file.write_all(b"\n")?;
        file.sync_data()?;
        tip.len = found + 1;
        Ok(())
    }

    /// Cuts the file back to its last whole line.
    fn cut(&self) -> Result<(), AuditError> {
        let tip = self.tip();
        let file = OpenOptions::new().write(true).open(&self.path)?;
        file.lock()?;
        file.set_len(tip.len)?;
        file.sync_all()?;
        Ok(())
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

fn read_or_empty(path: &Path) -> Result<Vec<u8>, AuditError> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(e.into()),
    }
}

fn recorded_head(journal: &Journal) -> Result<Option<(u64, String)>, AuditError> {
    Ok(journal.meta(HEAD)?.map(|r| {
        let (seq, mac) = r.split_once(':').unwrap_or(("0", ""));
        (seq.parse().unwrap_or(0), mac.to_owned())
    }))
}

/// Checks the whole chain in `path` and that it reaches the head recorded in `journal`.
/// Returns the head (0 and the genesis value for an empty log). A torn last line past
/// the recorded head (a crash mid-write) is not part of the chain and not an error:
/// [`AuditLog::open`] drops it.
pub fn verify(path: &Path, key: &[u8], journal: &Journal) -> Result<(u64, String), AuditError> {
    let bytes = read_or_empty(path)?;
    let recorded = recorded_head(journal)?;
    verify_bytes(&bytes, key, recorded.as_ref())
}

/// [`verify`] on a log's bytes and the head the journal recorded (sequence number, MAC),
/// without the file or the journal: the same reading, for the fuzz target.
pub fn verify_bytes(
    bytes: &[u8],
    key: &[u8],
    recorded: Option<&(u64, String)>,
) -> Result<(u64, String), AuditError> {
    Ok(scan(bytes, key, recorded)?.head)
}

/// Checks an export made by [`AuditLog::export`]: the head line's MAC, the chain, and
/// that the chain has exactly the head's number of entries and ends at its MAC. Returns
/// the head (entries, last MAC).
pub fn verify_export(export: &str, key: &[u8]) -> Result<(u64, String), AuditError> {
    let mut lines: Vec<&str> = export.lines().collect();
    let head_line = lines.len().max(1);
    let head = lines
        .pop()
        .and_then(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .and_then(|v| {
            let entries = v["head"]["entries"].as_u64()?;
            let last_mac = v["head"]["last_mac"].as_str()?.to_owned();
            let sealed = v["head"]["mac"].as_str()? == head_mac(key, entries, &last_mac);
            sealed.then_some((entries, last_mac))
        })
        .ok_or(AuditError::Tampered { line: head_line })?;
    let mut chain = Chain::new(key, Some(&head));
    for line in lines {
        chain.push(line.as_bytes())?;
    }
    let found = chain.finish()?;
    if found != head {
        return Err(AuditError::Tampered { line: head_line });
    }
    Ok(found)
}

/// What an export's head MAC covers first, so it can never be mistaken for an entry's.
pub const EXPORT_HEAD_DOMAIN: &str = "keydesk audit export head v1";

fn head_mac(key: &[u8], entries: u64, last_mac: &str) -> String {
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    m.update(EXPORT_HEAD_DOMAIN.as_bytes());
    m.update(format!("\n{entries}\n{last_mac}").as_bytes());
    hex::encode(m.finalize().into_bytes())
}

/// What a log's bytes hold: the verified chain, and what follows its last whole line.
struct Scan {
    head: (u64, String),
    /// Bytes up to and including the last `\n`: verified entries.
    whole: u64,
    tail: Tail,
}

/// What follows the last `\n`.
enum Tail {
    /// Nothing.
    Clean,
    /// A last entry that verifies (it is in `head`) but lost its `\n`.
    Unterminated,
    /// This many bytes of a line cut short by a crash, past the recorded head.
    Torn(usize),
}

fn scan(bytes: &[u8], key: &[u8], recorded: Option<&(u64, String)>) -> Result<Scan, AuditError> {
    let whole = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let (body, rest) = bytes.split_at(whole);
    let mut chain = Chain::new(key, recorded);
    for line in body.split_inclusive(|&b| b == b'\n') {
        chain.push(&line[..line.len() - 1])?;
    }
    let tail = if rest.is_empty() {
        Tail::Clean
    } else if serde_json::from_slice::<AuditEntry>(rest).is_ok() {
        // A whole entry: a crash cannot write one without its `\n` but a tool might drop
        // it. It must verify like any other.
        chain.push(rest)?;
        Tail::Unterminated
    } else {
        Tail::Torn(rest.len())
    };
    let head = chain.finish()?;
    Ok(Scan {
        head,
        whole: whole as u64,
        tail,
    })
}

/// Walks a chain line by line.
struct Chain<'a> {
    key: &'a [u8],
    recorded: Option<&'a (u64, String)>,
    head: (u64, String),
    lines: usize,
}

impl<'a> Chain<'a> {
    fn new(key: &'a [u8], recorded: Option<&'a (u64, String)>) -> Self {
        Chain {
            key,
            recorded,
            head: (0, GENESIS.to_owned()),
            lines: 0,
        }
    }

    /// The next line (without its `\n`): it must follow the head, and carry the
    /// recorded MAC if it is the recorded entry.
    fn push(&mut self, line: &[u8]) -> Result<(), AuditError> {
        self.lines += 1;
        let tampered = AuditError::Tampered { line: self.lines };
        let Ok(entry) = serde_json::from_slice::<AuditEntry>(line) else {
            return Err(tampered);
        };
        // The MAC covers the entry's fields; the line must also be exactly the bytes
        // KeyDesk writes for them, so an added field, a reordered key or changed spacing
        // is caught even though serde would read past it.
        if serde_json::to_vec(&entry).ok().as_deref() != Some(line) {
            return Err(tampered);
        }
        if entry.seq != self.head.0 + 1 || mac(self.key, &self.head.1, &entry) != entry.mac {
            return Err(tampered);
        }
        if let Some((seq, recorded_mac)) = self.recorded {
            if *seq == entry.seq && *recorded_mac != entry.mac {
                return Err(tampered);
            }
        }
        self.head = (entry.seq, entry.mac);
        Ok(())
    }

    /// The head, once it is known to reach the recorded one.
    fn finish(self) -> Result<(u64, String), AuditError> {
        match self.recorded {
            Some((seq, _)) if self.head.0 < *seq => Err(AuditError::Truncated {
                found: self.head.0,
                recorded: *seq,
            }),
            _ => Ok(self.head),
        }
    }
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
    fn an_added_field_or_reformatted_line_is_caught() {
        let (_dir, path, store, journal) = log_of(3);
        let original = std::fs::read_to_string(&path).unwrap();
        // serde reads past an extra field, so the MAC alone would still match.
        let extra = original.replacen("\"seq\":2,", "\"seq\":2,\"pin\":\"123456\",", 1);
        let spaced = original.replacen("\"seq\":2,", "\"seq\": 2,", 1);
        for text in [extra, spaced] {
            assert_ne!(text, original);
            std::fs::write(&path, text).unwrap();
            let err = verify(&path, key(&store).as_ref(), &journal).unwrap_err();
            assert!(matches!(err, AuditError::Tampered { line: 2 }), "{err}");
        }
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
    fn an_export_head_rewritten_without_the_key_is_caught() {
        let (_dir, path, store, journal) = log_of(3);
        let log = AuditLog::open(&path, &store, &journal).unwrap();
        let export = log.export().unwrap();
        let mut lines: Vec<String> = export.lines().map(str::to_owned).collect();
        // Drop the last entry and claim a head of two entries ending at the second's MAC:
        // the chain agrees, the head's MAC does not.
        let second: AuditEntry = serde_json::from_str(&lines[1]).unwrap();
        lines.remove(3);
        lines.remove(2);
        lines.push(
            serde_json::json!({ "head": { "entries": 2, "last_mac": second.mac, "mac": "00" } })
                .to_string(),
        );
        assert!(matches!(
            verify_export(&lines.join("\n"), key(&store).as_ref()),
            Err(AuditError::Tampered { line: 3 })
        ));
        let other_key = [7u8; 32];
        assert!(verify_export(&export, &other_key).is_err());
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
