//! Write-through to a shared store: a desk on a shared store keeps its SQLite journal as
//! its own record and hands every job change to a [`JournalMirror`] before the change's
//! side effect (the mirror is called inside [`Journal::advance`] and its siblings, after
//! the local commit and before they return). A mirror that refuses (the store is gone, or
//! another desk took the user over) fails the journal write, so the flow stops before
//! the side effect, as it does when the journal itself fails.
//!
//! [`Journal::import`] is the other direction: a desk that takes over a user writes the
//! shared row into its journal, and the ordinary crash-resume reconciles it.

use std::sync::Arc;

use super::inventory::InventoryEntry;
use super::journal::{JobRecord, Journal, JournalError};

pub use super::JournalMirror;

impl Journal {
    /// Sends every later job change to `mirror` too. Set once; a second call is ignored
    /// and returns false.
    pub fn mirror_to(&self, mirror: Arc<dyn JournalMirror>) -> bool {
        self.mirror.set(mirror).is_ok()
    }

    /// Hands the user's letter facts, as written, to the mirror (if any).
    pub(crate) fn mirrored_facts(&self, user_id: &str) -> Result<(), JournalError> {
        let Some(mirror) = self.mirror.get() else {
            return Ok(());
        };
        match self.letter_job(user_id)? {
            Some(job) => mirror
                .letter_facts(&job)
                .map_err(|e| JournalError::Shared(Box::new(e))),
            None => Ok(()),
        }
    }

    /// Hands a new inventory entry to the mirror (if any).
    pub(crate) fn mirrored_inventory(&self, entry: &InventoryEntry) -> Result<(), JournalError> {
        match self.mirror.get() {
            Some(mirror) => mirror
                .inventory(entry)
                .map_err(|e| JournalError::Shared(Box::new(e))),
            None => Ok(()),
        }
    }

    /// Writes `job` as it stands (state, ids, key, sealed PIN, attempt), replacing what
    /// the journal held for that user: a job taken over from another desk. Not mirrored
    /// (it came from the shared store).
    pub fn import(&self, job: &JobRecord) -> Result<(), JournalError> {
        self.enqueue(&job.user_id, &job.upn)?;
        let attempt = job
            .attempt
            .as_ref()
            .map(|a| serde_json::to_string(a).expect("an attempt always serialises"));
        self.lock().execute(
            "UPDATE jobs SET upn = ?2, state = ?3, detail = ?4, credential_id = ?5,
                 method_id = ?6, key_serial = ?7, key_model = ?8, key_aaguid = ?9,
                 pin_sealed = ?10, attempt = ?11, updated_at = unixepoch()
             WHERE user_id = ?1",
            rusqlite::params![
                job.user_id,
                job.upn,
                job.state.as_str(),
                job.detail,
                job.credential_id,
                job.method_id,
                job.key_serial,
                job.key_model,
                job.key_aaguid,
                job.pin_sealed,
                attempt,
            ],
        )?;
        Ok(())
    }
}
