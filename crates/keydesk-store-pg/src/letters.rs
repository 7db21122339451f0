//! PIN letters from the shared store: what a letter prints besides the PIN (written
//! through from the desk that registered the key, `mirror`), the registered jobs whose
//! letter is not delivered yet (the engine's `LetterStore`), and a delivered letter's
//! record in the inventory. So a letter whose PIN was sealed at desk 1 prints at desk 2.

use keydesk_engine::letter_facts::LetterJob;
use keydesk_engine::port::{LetterStore, StoreError};
use postgres::GenericClient;

use crate::conn::PgStore;
use crate::error::store;

/// Writes a job's letter facts (not its PIN: that comes with the job's own row).
pub(crate) fn write_facts(
    client: &mut impl GenericClient,
    job: &LetterJob,
) -> Result<(), StoreError> {
    client
        .execute(
            "UPDATE jobs SET display_name = $2, department = $3, office = $4, biometric = $5,
                 pin_change_forced = $6 WHERE user_id = $1",
            &[
                &job.user_id,
                &job.display_name,
                &job.department,
                &job.office,
                &job.biometric,
                &job.pin_change_forced,
            ],
        )
        .map_err(store)
        .map(drop)
}

impl LetterStore for PgStore {
    fn letter_jobs(&self, undelivered_only: bool) -> Result<Vec<LetterJob>, StoreError> {
        self.with(|client| {
            let rows = client
                .query(
                    "SELECT user_id, upn, display_name, COALESCE(key_serial, ''),
                        COALESCE(key_model, ''), COALESCE(key_aaguid, ''), biometric,
                        pin_change_forced, pin_sealed, department, office
                     FROM jobs WHERE state = 'registered' AND (pin_sealed IS NOT NULL OR NOT $1)
                     ORDER BY position, seq",
                    &[&undelivered_only],
                )
                .map_err(store)?;
            Ok(rows
                .iter()
                .map(|r| LetterJob {
                    user_id: r.get(0),
                    upn: r.get(1),
                    display_name: r.get(2),
                    key_serial: r.get(3),
                    key_model: r.get(4),
                    key_aaguid: r.get(5),
                    biometric: r.get(6),
                    pin_change_forced: r.get(7),
                    pin_sealed: r.get(8),
                    department: r.get(9),
                    office: r.get(10),
                })
                .collect())
        })
    }
}

impl PgStore {
    /// Marks the user's newest issued key as having its letter issued at `at` (Unix
    /// seconds). False when the inventory has no issued key for the user.
    pub fn record_letter_issued(&self, user_id: &str, at: i64) -> Result<bool, StoreError> {
        self.with(|client| {
            let n = client
                .execute(
                    "UPDATE inventory SET letter_at = $2 WHERE id =
                        (SELECT MAX(id) FROM inventory WHERE user_id = $1 AND status = 'issued')",
                    &[&user_id, &at],
                )
                .map_err(store)?;
            Ok(n > 0)
        })
    }
}
