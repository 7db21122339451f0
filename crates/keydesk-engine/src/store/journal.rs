//! The journal: one row per user job in a SQLite file, written before every side effect.
//!
//! It holds states, ids, times and the key a job used; a PIN only sealed by
//! [`crate::escrow::Escrow`], never in clear, and never a token. WAL mode keeps a crash from
//! losing the last committed write; every write is its own transaction, and every state
//! change goes through the pure [`JobState::on`], so the file never holds a state the
//! machine could not reach. Inventory ([`crate::inventory`]) and the audit head
//! ([`crate::audit`]) live in the same file; every table is made in `schema`.

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use keydesk_core::job::{InvalidTransition, JobEvent, JobState};
use rusqlite::{params, Connection, OptionalExtension, ToSql};

use super::schema;

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
    /// The key the job used: its serial (or source id when it has none).
    pub key_serial: Option<String>,
    /// The key's model.
    pub key_model: Option<String>,
    /// The key's AAGUID, hex.
    pub key_aaguid: Option<String>,
    /// The PIN, sealed by the escrow, until its letter is printed.
    pub pin_sealed: Option<Vec<u8>>,
    /// Queue position (smaller first).
    pub position: i64,
    /// What was known just before the register POST, to recognise its passkey after a
    /// crash or a lost answer (see `keydesk_graph::Attempt`).
    pub attempt: Option<keydesk_graph::Attempt>,
}

/// A journal failure (disk full, file locked, corrupt) or a refused transition.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    /// SQLite failed.
    #[error("journal: {0}")]
    Sql(#[from] rusqlite::Error),
    /// The state machine refused the change (a bug, or two workers on one user).
    #[error("journal: {0}")]
    Transition(#[from] InvalidTransition),
    /// The shared store this journal writes through to refused the change.
    #[error("shared store: {0}")]
    Shared(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// The journal file.
pub struct Journal {
    conn: Arc<Mutex<Connection>>,
    /// Where job changes are also written (a shared store; set by `super::mirror`).
    pub(crate) mirror: OnceLock<Arc<dyn super::JournalMirror>>,
}

const COLUMNS: &str = "user_id, upn, state, detail, credential_id, method_id, key_serial, \
                       key_model, key_aaguid, pin_sealed, position, attempt";

impl Journal {
    /// Opens (or creates) the journal at `path`.
    pub fn open(path: &Path) -> Result<Journal, JournalError> {
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        // Deleted content (a wiped sealed PIN) is overwritten with zeros in the file, not
        // left in free space for a file carver.
        conn.pragma_update(None, "secure_delete", "ON")?;
        Self::with(conn)
    }

    /// An in-memory journal, for tests and dry runs.
    pub fn in_memory() -> Result<Journal, JournalError> {
        Self::with(Connection::open_in_memory()?)
    }

    fn with(conn: Connection) -> Result<Journal, JournalError> {
        schema::create(&conn)?;
        Ok(Journal {
            conn: Arc::new(Mutex::new(conn)),
            mirror: OnceLock::new(),
        })
    }

    /// Puts a user in the queue (pending) unless the journal knows them already.
    pub fn enqueue(&self, user_id: &str, upn: &str) -> Result<(), JournalError> {
        self.lock().execute(
            "INSERT INTO jobs (user_id, upn, state, updated_at, position)
             VALUES (?1, ?2, 'pending', unixepoch(),
                     (SELECT COALESCE(MAX(position), 0) + 1 FROM jobs))
             ON CONFLICT(user_id) DO NOTHING",
            params![user_id, upn],
        )?;
        Ok(())
    }

    /// Applies `event` to the user's job (a new job starts pending), writing `detail` and
    /// the `extra` columns in the same transaction. Returns the new state.
    pub fn advance(
        &self,
        user_id: &str,
        upn: &str,
        event: JobEvent,
        detail: Option<&str>,
    ) -> Result<JobState, JournalError> {
        self.advance_with(user_id, upn, event, detail, &[])
    }

    pub(crate) fn advance_with(
        &self,
        user_id: &str,
        upn: &str,
        event: JobEvent,
        detail: Option<&str>,
        extra: &[(&str, &dyn ToSql)],
    ) -> Result<JobState, JournalError> {
        self.enqueue(user_id, upn)?;
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let now: String = tx.query_row(
            "SELECT state FROM jobs WHERE user_id = ?1",
            [user_id],
            |r| r.get(0),
        )?;
        let next = JobState::parse(&now)
            .unwrap_or(JobState::Failed)
            .on(event)?;
        tx.execute(
            "UPDATE jobs SET state = ?2, detail = ?3, upn = ?4, updated_at = unixepoch()
             WHERE user_id = ?1",
            params![user_id, next.as_str(), detail, upn],
        )?;
        for (column, value) in extra {
            tx.execute(
                &format!("UPDATE jobs SET {column} = ?2 WHERE user_id = ?1"),
                params![user_id, value],
            )?;
        }
        tx.commit()?;
        drop(conn);
        self.mirrored(user_id)?;
        super::crash_point::after_commit(next);
        Ok(next)
    }

    /// Records the key a job works on.
    pub fn record_key(
        &self,
        user_id: &str,
        serial: &str,
        model: &str,
        aaguid: &str,
    ) -> Result<(), JournalError> {
        self.lock().execute(
            "UPDATE jobs SET key_serial = ?2, key_model = ?3, key_aaguid = ?4 WHERE user_id = ?1",
            params![user_id, serial, model, aaguid],
        )?;
        Ok(())
    }

    /// Moves to `SettingPin` with the sealed PIN, before the PIN goes to the key.
    pub fn record_setting_pin(
        &self,
        user_id: &str,
        upn: &str,
        sealed: &[u8],
    ) -> Result<(), JournalError> {
        let extra: [(&str, &dyn ToSql); 1] = [("pin_sealed", &sealed)];
        self.advance_with(user_id, upn, JobEvent::PinStarted, None, &extra)
            .map(drop)
    }

    /// Moves to `Posting` with the credential id the key made and the [`Attempt`]
    /// (the user's passkeys just before), before the POST leaves.
    ///
    /// [`Attempt`]: keydesk_graph::Attempt
    pub fn record_posting(
        &self,
        user_id: &str,
        upn: &str,
        attempt: &keydesk_graph::Attempt,
    ) -> Result<(), JournalError> {
        let json = serde_json::to_string(attempt).expect("an attempt always serialises");
        let extra: [(&str, &dyn ToSql); 2] = [
            ("credential_id", &attempt.credential_id),
            ("attempt", &json),
        ];
        self.advance_with(user_id, upn, JobEvent::PostStarted, None, &extra)
            .map(drop)
    }

    /// Moves a job whose POST outcome cannot be told to `NeedsAttention`, saying why.
    pub fn record_unsure(&self, user_id: &str, upn: &str, why: &str) -> Result<(), JournalError> {
        self.advance(user_id, upn, JobEvent::Unsure, Some(why))
            .map(drop)
    }

    /// Records a confirmed registration (`event` is `Registered` or `Reconciled(true)`).
    pub fn record_registered(
        &self,
        user_id: &str,
        upn: &str,
        event: JobEvent,
        method_id: &str,
        name: &str,
    ) -> Result<(), JournalError> {
        let extra: [(&str, &dyn ToSql); 1] = [("method_id", &method_id)];
        self.advance_with(user_id, upn, event, Some(name), &extra)
            .map(drop)
    }

    /// Forgets the sealed PIN (its letter is printed). True when there was one.
    ///
    /// The row is rewritten with `secure_delete` on, then the write-ahead log is
    /// checkpointed into the database and truncated: the WAL still held the page as it was
    /// when the PIN was sealed, and a wipe that leaves that copy behind is no wipe.
    pub fn wipe_pin(&self, user_id: &str) -> Result<bool, JournalError> {
        let conn = self.lock();
        let n = conn.execute(
            "UPDATE jobs SET pin_sealed = NULL WHERE user_id = ?1 AND pin_sealed IS NOT NULL",
            [user_id],
        )?;
        if n > 0 {
            // The last PIN of a closed batch takes its batch key with it.
            destroy_unused(&conn)?;
            // (busy, log frames, checkpointed frames); busy = 1 means a reader held an old
            // snapshot: this process holds the folder's lock and the only connection, so
            // that would be a bug, reported rather than ignored.
            let busy: i64 = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
            if busy != 0 {
                return Err(JournalError::Sql(rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                    Some("the journal could not be checkpointed after wiping a PIN".into()),
                )));
            }
            drop(conn);
            self.mirrored(user_id)?;
        }
        Ok(n > 0)
    }

    /// Moves a user in the queue: smaller positions are worked first.
    pub fn set_position(&self, user_id: &str, position: i64) -> Result<(), JournalError> {
        self.lock().execute(
            "UPDATE jobs SET position = ?2 WHERE user_id = ?1",
            params![user_id, position],
        )?;
        Ok(())
    }

    /// The job for one user, if any.
    pub fn job(&self, user_id: &str) -> Result<Option<JobRecord>, JournalError> {
        let conn = self.lock();
        let sql = format!("SELECT {COLUMNS} FROM jobs WHERE user_id = ?1");
        Ok(conn.query_row(&sql, [user_id], read_record).optional()?)
    }

    /// Every job, in queue order.
    pub fn jobs(&self) -> Result<Vec<JobRecord>, JournalError> {
        let conn = self.lock();
        let sql = format!("SELECT {COLUMNS} FROM jobs ORDER BY position, rowid");
        let mut stmt = conn.prepare(&sql)?;
        let rows = stmt.query_map([], read_record)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// A value of the `meta` table.
    pub fn meta(&self, name: &str) -> Result<Option<String>, JournalError> {
        let conn = self.lock();
        let value = conn
            .query_row("SELECT value FROM meta WHERE name = ?1", [name], |r| {
                r.get(0)
            })
            .optional()?;
        Ok(value)
    }

    /// Sets a value of the `meta` table.
    pub fn set_meta(&self, name: &str, value: &str) -> Result<(), JournalError> {
        self.lock().execute(
            "INSERT INTO meta (name, value) VALUES (?1, ?2)
             ON CONFLICT(name) DO UPDATE SET value = excluded.value",
            params![name, value],
        )?;
        Ok(())
    }

    /// Hands the user's job, as written, to the mirror (if any).
    fn mirrored(&self, user_id: &str) -> Result<(), JournalError> {
        let Some(mirror) = self.mirror.get() else {
            return Ok(());
        };
        match self.job(user_id)? {
            Some(job) => mirror
                .mirror(&job)
                .map_err(|e| JournalError::Shared(Box::new(e))),
            None => Ok(()),
        }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Connection> {
        lock(&self.conn)
    }

    /// The journal's connection, shared (the escrow's batch keys live in the same file).
    pub(crate) fn shared_conn(&self) -> Arc<Mutex<Connection>> {
        self.conn.clone()
    }
}

/// Locks a journal connection. A panic while holding the lock leaves SQLite consistent
/// (each statement is atomic).
pub(crate) fn lock(conn: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A job's `state` and `attempt` columns as the journal reads them back: an unknown state
/// reads as [`JobState::Failed`], an unreadable attempt as none. The two text columns of a
/// row that hold more than an id; pure, so the fuzz target can feed it any text.
pub fn decode_columns(
    state: &str,
    attempt: Option<&str>,
) -> (JobState, Option<keydesk_graph::Attempt>) {
    (
        JobState::parse(state).unwrap_or(JobState::Failed),
        attempt.and_then(|json| serde_json::from_str(json).ok()),
    )
}

fn read_record(row: &rusqlite::Row<'_>) -> rusqlite::Result<JobRecord> {
    let state: String = row.get(2)?;
    let attempt: Option<String> = row.get(11)?;
    let (state, attempt) = decode_columns(&state, attempt.as_deref());
    Ok(JobRecord {
        user_id: row.get(0)?,
        upn: row.get(1)?,
        state,
        detail: row.get(3)?,
        credential_id: row.get(4)?,
        method_id: row.get(5)?,
        key_serial: row.get(6)?,
        key_model: row.get(7)?,
        key_aaguid: row.get(8)?,
        pin_sealed: row.get(9)?,
        position: row.get(10)?,
        attempt,
    })
}

/// Closed batches that no job's sealed PIN names (a sealed PIN is `tag || id || …`).
const UNUSED: &str = "closed = 1 AND NOT EXISTS (
    SELECT 1 FROM jobs WHERE substr(jobs.pin_sealed, 2, 16) = escrow_batches.id)";

/// Overwrites, then deletes, every closed batch key no sealed PIN needs. Returns how many.
/// (The SQLite side of the escrow's batch keys: `escrow_keys.rs`.)
pub(crate) fn destroy_unused(conn: &Connection) -> rusqlite::Result<usize> {
    conn.execute(
        &format!("UPDATE escrow_batches SET wrapped = zeroblob(length(wrapped)) WHERE {UNUSED}"),
        [],
    )?;
    conn.execute(&format!("DELETE FROM escrow_batches WHERE {UNUSED}"), [])
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
            j.advance("u1", "kim", JobEvent::OptionsFetched, None)
                .unwrap();
            j.record_setting_pin("u1", "kim", b"sealed").unwrap();
            j.advance("u1", "kim", JobEvent::CredentialStarted, None)
                .unwrap();
            j.record_posting("u1", "kim", &keydesk_tests::sample_attempt())
                .unwrap();
        }
        let j = Journal::open(&path).unwrap();
        let job = j.job("u1").unwrap().unwrap();
        assert_eq!(job.state, JobState::Posting);
        assert_eq!(job.credential_id.as_deref(), Some("Y3JlZA"));
        assert_eq!(job.attempt, Some(keydesk_tests::sample_attempt()));
        assert_eq!(job.pin_sealed.as_deref(), Some(&b"sealed"[..]));
        j.record_registered("u1", "kim", JobEvent::Registered, "m-1", "Soft Key 1")
            .unwrap();
        assert_eq!(j.jobs().unwrap()[0].state, JobState::Registered);
        assert!(j.wipe_pin("u1").unwrap());
        assert!(!j.wipe_pin("u1").unwrap());
        assert!(j.job("nobody").unwrap().is_none());
    }

    #[test]
    fn a_wiped_pin_is_in_neither_the_database_nor_its_log() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.sqlite");
        // Random bytes stand in for a sealed PIN: a unique pattern to look for.
        let sealed: [u8; 48] = rand::random();
        let j = Journal::open(&path).unwrap();
        j.advance("u1", "kim", JobEvent::OptionsFetched, None)
            .unwrap();
        j.record_setting_pin("u1", "kim", &sealed).unwrap();
        for n in 0..50 {
            j.enqueue(&format!("other{n}"), "someone").unwrap();
        }
        let contains = |needle: &[u8]| {
            ["", "-wal"].iter().any(|suffix| {
                let mut name = path.clone().into_os_string();
                name.push(suffix);
                std::fs::read(name)
                    .map(|bytes| bytes.windows(needle.len()).any(|w| w == needle))
                    .unwrap_or(false)
            })
        };
        assert!(contains(&sealed), "the sealed PIN was written");
        assert!(j.wipe_pin("u1").unwrap());
        assert!(
            !contains(&sealed),
            "the sealed PIN is still in the file or its log"
        );
        assert!(j.job("u1").unwrap().unwrap().pin_sealed.is_none());
    }

    #[test]
    fn a_transition_the_machine_refuses_is_not_written() {
        let j = Journal::in_memory().unwrap();
        let refused = j.advance("u1", "kim", JobEvent::Registered, None);
        assert!(matches!(refused, Err(JournalError::Transition(_))));
        assert_eq!(j.job("u1").unwrap().unwrap().state, JobState::Pending);
    }
}
