//! What a PIN letter needs from the journal besides the sealed PIN: the user's display
//! name, whether the key reads fingerprints and whether it asks for a new PIN at first
//! use (columns of `jobs`, recorded by the flow), and when a key's letter was issued (a
//! column of `inventory`; never the PIN). Tables and columns are made in `schema`.

use rusqlite::{params, OptionalExtension, Row};

use crate::journal::{Journal, JournalError};

/// One registered job, with what its letter and its key's label print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterJob {
    /// Entra user id.
    pub user_id: String,
    /// UPN.
    pub upn: String,
    /// Display name, when the job recorded one.
    pub display_name: Option<String>,
    /// Department, when Graph had one.
    pub department: Option<String>,
    /// Office (`officeLocation`), when Graph had one.
    pub office: Option<String>,
    /// Key serial (or the key source's id).
    pub key_serial: String,
    /// Key model.
    pub key_model: String,
    /// Key AAGUID, hex.
    pub key_aaguid: String,
    /// The key has a fingerprint reader.
    pub biometric: bool,
    /// The key asks for a new PIN at first use.
    pub pin_change_forced: bool,
    /// The PIN, sealed by the escrow, while its letter is not delivered.
    pub pin_sealed: Option<Vec<u8>>,
}

const LETTER_COLUMNS: &str = "user_id, upn, display_name, COALESCE(key_serial, ''),
    COALESCE(key_model, ''), COALESCE(key_aaguid, ''), biometric, pin_change_forced,
    pin_sealed, department, office";

fn letter_job(r: &Row<'_>) -> rusqlite::Result<LetterJob> {
    Ok(LetterJob {
        user_id: r.get(0)?,
        upn: r.get(1)?,
        display_name: r.get(2)?,
        key_serial: r.get(3)?,
        key_model: r.get(4)?,
        key_aaguid: r.get(5)?,
        biometric: r.get(6)?,
        pin_change_forced: r.get(7)?,
        pin_sealed: r.get(8)?,
        department: r.get(9)?,
        office: r.get(10)?,
    })
}

impl Journal {
    /// Records who a job's letter addresses and whether its key reads fingerprints
    /// (a job on a new key starts with no forced PIN change recorded).
    pub fn record_letter_facts(
        &self,
        user_id: &str,
        display_name: &str,
        biometric: bool,
    ) -> Result<(), JournalError> {
        self.lock().execute(
            "UPDATE jobs SET display_name = ?2, biometric = ?3, pin_change_forced = 0
             WHERE user_id = ?1",
            params![user_id, display_name, biometric],
        )?;
        self.mirrored_facts(user_id)
    }

    /// Records the department and office a letter's address block prints (as Graph had
    /// them when the key was written).
    pub fn record_address(
        &self,
        user_id: &str,
        department: Option<&str>,
        office: Option<&str>,
    ) -> Result<(), JournalError> {
        self.lock().execute(
            "UPDATE jobs SET department = ?2, office = ?3 WHERE user_id = ?1",
            params![user_id, department, office],
        )?;
        self.mirrored_facts(user_id)
    }

    /// Records that the job's key now asks for a new PIN at first use.
    pub fn record_pin_change_forced(&self, user_id: &str) -> Result<(), JournalError> {
        self.lock().execute(
            "UPDATE jobs SET pin_change_forced = 1 WHERE user_id = ?1",
            [user_id],
        )?;
        self.mirrored_facts(user_id)
    }

    /// Registered jobs in queue order: only those whose PIN is still in escrow (their
    /// letter is not delivered yet) when `undelivered_only`.
    pub fn letter_jobs(&self, undelivered_only: bool) -> Result<Vec<LetterJob>, JournalError> {
        let conn = self.lock();
        let mut stmt = conn.prepare(&format!(
            "SELECT {LETTER_COLUMNS}
             FROM jobs WHERE state = 'registered' AND (pin_sealed IS NOT NULL OR NOT ?1)
             ORDER BY position, rowid"
        ))?;
        let rows = stmt.query_map([undelivered_only], letter_job)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// One user's letter facts, whatever the job's state.
    pub fn letter_job(&self, user_id: &str) -> Result<Option<LetterJob>, JournalError> {
        let conn = self.lock();
        let sql = format!("SELECT {LETTER_COLUMNS} FROM jobs WHERE user_id = ?1");
        Ok(conn.query_row(&sql, [user_id], letter_job).optional()?)
    }

    /// Marks the user's newest issued key as having its letter issued at `at` (Unix
    /// seconds). False when the inventory has no issued key for the user.
    pub fn record_letter_issued(&self, user_id: &str, at: i64) -> Result<bool, JournalError> {
        let n = self.lock().execute(
            "UPDATE inventory SET letter_at = ?2 WHERE id =
                (SELECT MAX(id) FROM inventory WHERE user_id = ?1 AND status = 'issued')",
            params![user_id, at],
        )?;
        Ok(n > 0)
    }

    /// When the letter of the user's newest issued key was issued, if it was.
    pub fn letter_issued_at(&self, user_id: &str) -> Result<Option<i64>, JournalError> {
        let at = self.lock().query_row(
            "SELECT letter_at FROM inventory WHERE user_id = ?1 AND status = 'issued'
             ORDER BY id DESC LIMIT 1",
            [user_id],
            |r| r.get(0),
        );
        match at {
            Ok(at) => Ok(at),
            Err(rusqlite::Error::QueryReturnedNoRows) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::{InventoryEntry, KeyStatus};
    use keydesk_core::job::JobEvent;

    #[test]
    fn only_registered_jobs_with_a_sealed_pin_are_undelivered_and_the_letter_is_inventoried() {
        let j = Journal::in_memory().unwrap();
        for user in ["u1", "u2"] {
            j.advance(user, "kim", JobEvent::OptionsFetched, None)
                .unwrap();
            j.record_key(user, "SN1", "YubiKey Bio", "aa").unwrap();
            j.record_letter_facts(user, "Kim Lee", true).unwrap();
            j.record_setting_pin(user, "kim", b"sealed").unwrap();
        }
        j.record_pin_change_forced("u1").unwrap();
        assert!(
            j.letter_jobs(false).unwrap().is_empty(),
            "not registered yet"
        );
        j.advance("u1", "kim", JobEvent::CredentialStarted, None)
            .unwrap();
        j.record_posting("u1", "kim", &attempt()).unwrap();
        j.record_registered("u1", "kim", JobEvent::Registered, "m-1", "Key")
            .unwrap();
        let pending = j.letter_jobs(true).unwrap();
        assert_eq!(pending.len(), 1);
        let job = &pending[0];
        assert_eq!(job.display_name.as_deref(), Some("Kim Lee"));
        assert!(job.biometric && job.pin_change_forced);
        assert_eq!(job.pin_sealed.as_deref(), Some(&b"sealed"[..]));
        j.wipe_pin("u1").unwrap();
        assert!(j.letter_jobs(true).unwrap().is_empty());
        assert_eq!(j.letter_jobs(false).unwrap()[0].pin_sealed, None);

        assert!(
            !j.record_letter_issued("u1", 100).unwrap(),
            "no inventory yet"
        );
        j.add_inventory(&InventoryEntry {
            id: 0,
            key_serial: "SN1".into(),
            key_aaguid: "aa".into(),
            key_model: "YubiKey Bio".into(),
            user_id: "u1".into(),
            upn: "kim".into(),
            method_id: "m-1".into(),
            credential_id: "c".into(),
            operator: "op".into(),
            at: 90,
            status: KeyStatus::Issued,
        })
        .unwrap();
        assert_eq!(j.letter_issued_at("u1").unwrap(), None);
        assert!(j.record_letter_issued("u1", 100).unwrap());
        assert_eq!(j.letter_issued_at("u1").unwrap(), Some(100));
        assert_eq!(j.letter_issued_at("nobody").unwrap(), None);
    }

    fn attempt() -> keydesk_graph::Attempt {
        keydesk_graph::Attempt {
            before: vec![],
            display_name: None,
            aaguid: None,
            credential_id: "Y3JlZA".into(),
            graph_time: None,
            local_time: 0,
        }
    }
}
