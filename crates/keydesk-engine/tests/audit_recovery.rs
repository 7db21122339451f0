//! The audit log after a kill at any instant (issue 10): a log ahead of the journal's
//! recorded head verifies, a torn last line is dropped with an entry saying so, and only
//! real tampering is reported.
//!
//! A kill between the log's write and the journal's head update is simulated by appending
//! with a scratch journal, so the real one keeps the older head.

use std::path::PathBuf;

use keydesk_engine::audit::{self, AuditError, AuditLog};
use keydesk_engine::secrets::{MemoryStore, SecretStore};
use keydesk_engine::Journal;

struct Fixture {
    _dir: tempfile::TempDir,
    path: PathBuf,
    store: MemoryStore,
    journal: Journal,
}

impl Fixture {
    /// A log of `n` entries whose head is recorded in `journal`.
    fn with(n: usize) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.log");
        let fixture = Fixture {
            path,
            store: MemoryStore::default(),
            journal: Journal::open(&dir.path().join("journal.sqlite")).unwrap(),
            _dir: dir,
        };
        let log = fixture.open().unwrap();
        for i in 0..n {
            add(&log, &fixture.journal, i);
        }
        fixture
    }

    fn open(&self) -> Result<AuditLog, AuditError> {
        AuditLog::open(&self.path, &self.store, &self.journal)
    }

    fn verify(&self) -> Result<(u64, String), AuditError> {
        let key = self.store.get_or_create("audit").unwrap();
        audit::verify(&self.path, key.as_ref(), &self.journal)
    }

    /// Appends `n` entries whose head never reaches the journal (a kill after the write).
    fn append_unrecorded(&self, n: usize) {
        let log = self.open().unwrap();
        let scratch = Journal::in_memory().unwrap();
        for i in 0..n {
            add(&log, &scratch, 100 + i);
        }
    }

    fn bytes(&self) -> Vec<u8> {
        std::fs::read(&self.path).unwrap()
    }

    fn write(&self, bytes: &[u8]) {
        std::fs::write(&self.path, bytes).unwrap();
    }

    fn lines(&self) -> Vec<String> {
        String::from_utf8(self.bytes())
            .unwrap()
            .lines()
            .map(str::to_owned)
            .collect()
    }
}

fn add(log: &AuditLog, journal: &Journal, i: usize) {
    log.append(
        journal,
        1_700_000_000 + i as i64,
        "ops@contoso",
        "registered",
        &format!("u{i}"),
        "Soft Key",
    )
    .unwrap();
}

fn recorded_seq(journal: &Journal) -> u64 {
    let head = journal.meta("audit_head").unwrap().unwrap();
    head.split(':').next().unwrap().parse().unwrap()
}

/// Reopens, appends one more, and checks the next open still verifies.
fn keeps_verifying(f: &Fixture, expected: u64) {
    let log = f.open().unwrap();
    assert_eq!(log.head().0, expected);
    add(&log, &f.journal, 999);
    drop(log);
    assert_eq!(f.open().unwrap().head().0, expected + 1);
    assert_eq!(f.verify().unwrap().0, expected + 1);
    assert_eq!(recorded_seq(&f.journal), expected + 1);
}

#[test]
fn a_kill_between_the_log_write_and_the_head_update_verifies_and_the_journal_catches_up() {
    let f = Fixture::with(3);
    f.append_unrecorded(2);
    assert_eq!(recorded_seq(&f.journal), 3);
    assert_eq!(f.verify().unwrap().0, 5);
    let log = f.open().unwrap();
    assert_eq!(log.head().0, 5);
    assert_eq!(recorded_seq(&f.journal), 5, "open records the log's head");
    drop(log);
    keeps_verifying(&f, 5);
}

#[test]
fn a_log_ahead_of_the_head_must_still_carry_the_recorded_mac() {
    let f = Fixture::with(3);
    f.append_unrecorded(1);
    // The log is replaced by another valid chain under the same key, one entry longer
    // than the recorded head: only the recorded MAC of entry 3 tells them apart.
    let scratch = tempfile::tempdir().unwrap();
    let forged_path = scratch.path().join("audit.log");
    let other_journal = Journal::in_memory().unwrap();
    let forged = AuditLog::open(&forged_path, &f.store, &other_journal).unwrap();
    for i in 0..4 {
        add(&forged, &other_journal, 50 + i);
    }
    f.write(&std::fs::read(&forged_path).unwrap());
    let err = f.verify().unwrap_err();
    assert!(matches!(err, AuditError::Tampered { line: 3 }), "{err}");
    assert!(f.open().is_err());
}

#[test]
fn a_torn_last_line_is_dropped_and_the_recovery_is_logged() {
    let f = Fixture::with(3);
    let before = f.bytes();
    f.append_unrecorded(1);
    let full = f.bytes();
    let torn = &full[..before.len() + (full.len() - before.len()) / 2];
    f.write(torn);
    let dropped = torn.len() - before.len();

    let log = f.open().unwrap();
    assert_eq!(log.head().0, 4);
    drop(log);
    let lines = f.lines();
    assert_eq!(lines.len(), 4);
    let last: serde_json::Value = serde_json::from_str(&lines[3]).unwrap();
    assert_eq!(last["seq"], 4);
    assert_eq!(last["action"], "audit log recovered");
    assert_eq!(
        last["detail"],
        format!("a torn last entry of {dropped} bytes was dropped after a crash")
    );
    assert!(f.bytes().starts_with(&before));
    assert!(f.bytes().ends_with(b"\n"));
    assert_eq!(recorded_seq(&f.journal), 4);
    keeps_verifying(&f, 4);
}

#[test]
fn a_torn_line_cut_inside_a_multibyte_character_is_recovered() {
    let f = Fixture::with(1);
    let before = f.bytes().len();
    let log = f.open().unwrap();
    log.append(
        &Journal::in_memory().unwrap(),
        1,
        "ops",
        "registered",
        "u",
        "Zoë Öberg",
    )
    .unwrap();
    drop(log);
    let full = f.bytes();
    let at = before
        + full[before..]
            .iter()
            .position(|&b| b == 0xc3)
            .expect("a two-byte character")
        + 1;
    f.write(&full[..at]);
    assert_eq!(f.open().unwrap().head().0, 2);
    keeps_verifying(&f, 2);
}

#[test]
fn a_whole_last_entry_without_its_newline_is_kept() {
    let f = Fixture::with(3);
    let mut bytes = f.bytes();
    assert_eq!(bytes.pop(), Some(b'\n'));
    f.write(&bytes);
    let log = f.open().unwrap();
    assert_eq!(log.head().0, 3);
    drop(log);
    assert_eq!(f.lines().len(), 3);
    assert!(f.bytes().ends_with(b"\n"));
    keeps_verifying(&f, 3);
}

#[test]
fn a_whole_last_entry_without_its_newline_that_does_not_verify_is_tampering() {
    let f = Fixture::with(3);
    let text = String::from_utf8(f.bytes()).unwrap();
    let edited = text.trim_end().replace("\"u2\"", "\"u9\"");
    f.write(edited.as_bytes());
    let err = f.open().err().expect("refused");
    assert!(matches!(err, AuditError::Tampered { line: 3 }), "{err}");
}

#[test]
fn a_torn_line_that_is_not_the_last_is_tampering() {
    let f = Fixture::with(3);
    let lines = f.lines();
    let torn = &lines[1][..lines[1].len() / 2];
    f.write(format!("{}\n{torn}\n{}\n", lines[0], lines[2]).as_bytes());
    let err = f.open().err().expect("refused");
    assert!(matches!(err, AuditError::Tampered { line: 2 }), "{err}");
}

#[test]
fn a_torn_recorded_entry_is_a_truncation() {
    let f = Fixture::with(3);
    let bytes = f.bytes();
    // Entry 3, recorded in the journal, is cut in half: not a crash, a cut.
    f.write(&bytes[..bytes.len() - 40]);
    let err = f.open().err().expect("refused");
    assert!(
        matches!(
            err,
            AuditError::Truncated {
                found: 2,
                recorded: 3
            }
        ),
        "{err}"
    );
    assert_eq!(f.bytes().len(), bytes.len() - 40, "nothing is repaired");
}

#[test]
fn edits_removals_and_cuts_before_the_head_are_still_caught() {
    let f = Fixture::with(4);
    let original = f.bytes();
    let text = String::from_utf8(original.clone()).unwrap();

    f.write(text.replace("\"u1\"", "\"u7\"").as_bytes());
    assert!(matches!(f.open(), Err(AuditError::Tampered { line: 2 })));

    let lines: Vec<&str> = text.lines().collect();
    f.write(format!("{}\n{}\n{}\n", lines[0], lines[2], lines[3]).as_bytes());
    assert!(matches!(f.open(), Err(AuditError::Tampered { line: 2 })));

    f.write(format!("{}\n{}\n", lines[0], lines[1]).as_bytes());
    assert!(matches!(
        f.open(),
        Err(AuditError::Truncated {
            found: 2,
            recorded: 4
        })
    ));

    f.write(&original);
    assert_eq!(f.open().unwrap().head().0, 4);
}

#[test]
fn issue10_two_instances_on_one_file_never_write_the_same_sequence_number() {
    let f = Fixture::with(2);
    let a = f.open().unwrap();
    let b = f.open().unwrap();
    add(&a, &f.journal, 10);
    let err = b
        .append(&f.journal, 1, "ops", "registered", "u", "")
        .unwrap_err();
    assert!(matches!(err, AuditError::ChangedElsewhere { .. }), "{err}");
    add(&a, &f.journal, 11);
    drop((a, b));
    let seqs: Vec<u64> = f
        .lines()
        .iter()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["seq"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(seqs, [1, 2, 3, 4]);
    assert_eq!(f.verify().unwrap().0, 4);
}

#[test]
fn each_entry_is_one_whole_line() {
    let f = Fixture::with(3);
    let bytes = f.bytes();
    assert!(bytes.ends_with(b"\n"));
    assert_eq!(bytes.iter().filter(|&&b| b == b'\n').count(), 3);
}
