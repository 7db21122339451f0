//! The journal: one row per user job in a SQLite file, written before every side effect.
//!
//! It holds states, ids and times, never a PIN or a token. WAL mode keeps a crash from
//! losing the last committed write; every write is its own transaction.

use std::path::Path;
use std::sync::Mutex;

use keydesk_core::job::JobState;
use rusqlite::{params, Connection, OptionalExtension};

/// What the journal knows of one user's job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobRecord {
    /// Entra user id.
    pub user_id: String,
    /// UPN when the job was recorded.
    pub upn: String,
    /// Current state.
    pub state: JobState,
    /// Why failed or skipped, or the registered method's name.
    pub detail: Option<String>,
    /// Credential id made on the key (base64url), once made.
    pub credential_id: Option<String>,
    /// Entra method id, once registered.
    pub method_id: Option<String>,
}

/// A journal failure (disk full, file locked, corrupt).
#[derive(Debug, thiserror::Error)]
#[error("journal: {0}")]
pub struct JournalError(#[from] rusqlite::Error);

/// The journal file.
pub struct Journal {
    conn: Mutex<Connection>,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS jobs (
    user_id       TEXT PRIMARY KEY,
    upn           TEXT NOT NULL,
    state         TEXT NOT NULL,
    detail        TEXT,
    credential_id TEXT,
    method_id     TEXT,
    updated_at    INTEGER NOT NULL
);";

impl Journal {
    /// Opens (or creates) the journal at `path`.
    pub fn open(path: &Path) -> Result<Journal, JournalError> {
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.execute_batch(SCHEMA)?;
        Ok(Journal {
            conn: Mutex::new(conn),
        })
    }

    /// An in-memory journal, for tests and dry runs.
    pub fn in_memory() -> Result<Journal, JournalError> {
        let conn = Connection::open_in_memory()?;
        conn.execute_batch(SCHEMA)?;
        Ok(Journal {
            conn: Mutex::new(conn),
        })
    }

    /// Records a new state for a user's job.
    pub fn record(
        &self,
        user_id: &str,
        upn: &str,
        state: JobState,
        detail: Option<&str>,
    ) -> Result<(), JournalError> {
        self.lock().execute(
            "INSERT INTO jobs (user_id, upn, state, detail, updated_at)
             VALUES (?1, ?2, ?3, ?4, unixepoch())
             ON CONFLICT(user_id) DO UPDATE SET
                upn = excluded.upn, state = excluded.state, detail = excluded.detail,
                updated_at = excluded.updated_at",
            params![user_id, upn, state.as_str(), detail],
        )?;
        Ok(())
    }

    /// Records the credential id the key made, together with the `Posting` state, before
    /// the register POST leaves.
    pub fn record_posting(&self, user_id: &str, credential_id: &str) -> Result<(), JournalError> {
        self.lock().execute(
            "UPDATE jobs SET state = ?2, credential_id = ?3, updated_at = unixepoch()
             WHERE user_id = ?1",
            params![user_id, JobState::Posting.as_str(), credential_id],
        )?;
        Ok(())
    }

    /// Records a confirmed registration.
    pub fn record_registered(
        &self,
        user_id: &str,
        method_id: &str,
        detail: &str,
    ) -> Result<(), JournalError> {
        self.lock().execute(
            "UPDATE jobs SET state = ?2, method_id = ?3, detail = ?4, updated_at = unixepoch()
             WHERE user_id = ?1",
            params![user_id, JobState::Registered.as_str(), method_id, detail],
        )?;
        Ok(())
    }

    /// The job for one user, if any.
    pub fn job(&self, user_id: &str) -> Result<Option<JobRecord>, JournalError> {
        let conn = self.lock();
        let row = conn
            .query_row(
                "SELECT user_id, upn, state, detail, credential_id, method_id
                 FROM jobs WHERE user_id = ?1",
                params![user_id],
                read_record,
            )
            .optional()?;
        Ok(row)
    }

    /// Every job, in the order they were first recorded.
    pub fn jobs(&self) -> Result<Vec<JobRecord>, JournalError> {
        let conn = self.lock();
        let mut stmt = conn.prepare(
            "SELECT user_id, upn, state, detail, credential_id, method_id FROM jobs ORDER BY rowid",
        )?;
        let rows = stmt.query_map([], read_record)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite consistent (each statement is atomic).
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn read_record(row: &rusqlite::Row<'_>) -> rusqlite::Result<JobRecord> {
    let state: String = row.get(2)?;
    Ok(JobRecord {
        user_id: row.get(0)?,
        upn: row.get(1)?,
        state: JobState::parse(&state).unwrap_or(JobState::Failed),
        detail: row.get(3)?,
        credential_id: row.get(4)?,
        method_id: row.get(5)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_survive_reopening_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.sqlite");
        {
            let j = Journal::open(&path).unwrap();
            j.record("u1", "kim@contoso.com", JobState::MakingCredential, None)
                .unwrap();
            j.record_posting("u1", "Y3JlZA").unwrap();
        }
        let j = Journal::open(&path).unwrap();
        let job = j.job("u1").unwrap().unwrap();
        assert_eq!(job.state, JobState::Posting);
        assert_eq!(job.credential_id.as_deref(), Some("Y3JlZA"));
        j.record_registered("u1", "method-1", "Soft Key 1").unwrap();
        assert_eq!(j.jobs().unwrap()[0].state, JobState::Registered);
        assert!(j.job("nobody").unwrap().is_none());
    }
}
