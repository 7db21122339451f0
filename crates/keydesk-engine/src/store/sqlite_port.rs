//! The storage port ([`super::port`]) on the SQLite journal: the journal's own methods,
//! and claims in its `claims` table (one desk per data folder in practice, but the same
//! rules as the shared store, so one test suite holds both to them).

use std::time::Duration;

use keydesk_core::job::{JobEvent, JobState};
use rusqlite::{params, OptionalExtension, Transaction};

use super::inventory::{InventoryEntry, KeyStatus};
use super::journal::{JobRecord, Journal};
use super::letter_facts::LetterJob;
use super::port::{
    lease_secs, open_states_sql, ClaimStore, Claimed, InventoryStore, JobStore, Lease, LetterStore,
    StoreError,
};

impl JobStore for Journal {
    fn enqueue(&self, user_id: &str, upn: &str) -> Result<(), StoreError> {
        Ok(Journal::enqueue(self, user_id, upn)?)
    }
    fn advance(
        &self,
        user_id: &str,
        upn: &str,
        event: JobEvent,
        detail: Option<&str>,
    ) -> Result<JobState, StoreError> {
        Ok(Journal::advance(self, user_id, upn, event, detail)?)
    }
    fn record_key(
        &self,
        user_id: &str,
        serial: &str,
        model: &str,
        aaguid: &str,
    ) -> Result<(), StoreError> {
        Ok(Journal::record_key(self, user_id, serial, model, aaguid)?)
    }
    fn record_setting_pin(
        &self,
        user_id: &str,
        upn: &str,
        sealed: &[u8],
    ) -> Result<(), StoreError> {
        Ok(Journal::record_setting_pin(self, user_id, upn, sealed)?)
    }
    fn record_posting(
        &self,
        user_id: &str,
        upn: &str,
        attempt: &keydesk_graph::Attempt,
    ) -> Result<(), StoreError> {
        Ok(Journal::record_posting(self, user_id, upn, attempt)?)
    }
    fn record_registered(
        &self,
        user_id: &str,
        upn: &str,
        event: JobEvent,
        method_id: &str,
        name: &str,
    ) -> Result<(), StoreError> {
        Ok(Journal::record_registered(
            self, user_id, upn, event, method_id, name,
        )?)
    }
    fn wipe_pin(&self, user_id: &str) -> Result<bool, StoreError> {
        Ok(Journal::wipe_pin(self, user_id)?)
    }
    fn job(&self, user_id: &str) -> Result<Option<JobRecord>, StoreError> {
        Ok(Journal::job(self, user_id)?)
    }
    fn jobs(&self) -> Result<Vec<JobRecord>, StoreError> {
        Ok(Journal::jobs(self)?)
    }
    fn move_to_top(&self, users: &[(&str, &str)]) -> Result<(), StoreError> {
        Ok(Journal::move_to_top(self, users)?)
    }
}

/// Claims `user_id` for `desk` inside `tx`; `None` when another desk's lease is live.
fn claim_in(
    tx: &Transaction<'_>,
    user_id: &str,
    desk: &str,
    lease: Duration,
) -> rusqlite::Result<Option<Claimed>> {
    let held: Option<(String, bool)> = tx
        .query_row(
            "SELECT desk, until > unixepoch() FROM claims WHERE user_id = ?1",
            [user_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let claimed = match held {
        None => Claimed::Fresh,
        Some((holder, _)) if holder == desk => Claimed::Renewed,
        Some((_, true)) => return Ok(None),
        Some((from, false)) => Claimed::TakenOver { from },
    };
    tx.execute(
        "INSERT INTO claims (user_id, desk, until) VALUES (?1, ?2, unixepoch() + ?3)
         ON CONFLICT(user_id) DO UPDATE SET desk = excluded.desk, until = excluded.until",
        params![user_id, desk, lease_secs(lease)],
    )?;
    Ok(Some(claimed))
}

fn sql(e: rusqlite::Error) -> StoreError {
    StoreError::Sqlite(e.into())
}

impl ClaimStore for Journal {
    fn claim(
        &self,
        user_id: &str,
        desk: &str,
        lease: Duration,
    ) -> Result<Option<Claimed>, StoreError> {
        let mut conn = self.lock();
        let tx = conn.transaction().map_err(sql)?;
        let claimed = claim_in(&tx, user_id, desk, lease).map_err(sql)?;
        tx.commit().map_err(sql)?;
        Ok(claimed)
    }

    fn claim_next(
        &self,
        desk: &str,
        lease: Duration,
    ) -> Result<Option<(JobRecord, Claimed)>, StoreError> {
        let user = {
            let mut conn = self.lock();
            let tx = conn.transaction().map_err(sql)?;
            let next: Option<String> = tx
                .query_row(
                    &format!(
                        "SELECT j.user_id FROM jobs j LEFT JOIN claims c ON c.user_id = j.user_id
                         WHERE j.state IN ({}) AND (c.user_id IS NULL
                               OR (c.desk <> ?1 AND c.until <= unixepoch()))
                         ORDER BY j.position, j.rowid LIMIT 1",
                        open_states_sql()
                    ),
                    [desk],
                    |r| r.get(0),
                )
                .optional()
                .map_err(sql)?;
            let Some(user) = next else { return Ok(None) };
            let claimed = claim_in(&tx, &user, desk, lease).map_err(sql)?;
            tx.commit().map_err(sql)?;
            claimed.map(|c| (user, c))
        };
        let Some((user, claimed)) = user else {
            return Ok(None);
        };
        let job = Journal::job(self, &user)?;
        Ok(job.map(|j| (j, claimed)))
    }

    fn renew(&self, desk: &str, lease: Duration) -> Result<usize, StoreError> {
        self.lock()
            .execute(
                "UPDATE claims SET until = unixepoch() + ?2 WHERE desk = ?1",
                params![desk, lease_secs(lease)],
            )
            .map_err(sql)
    }

    fn release_all(&self, desk: &str) -> Result<usize, StoreError> {
        self.lock()
            .execute("DELETE FROM claims WHERE desk = ?1", [desk])
            .map_err(sql)
    }

    fn release(&self, user_id: &str, desk: &str) -> Result<bool, StoreError> {
        let n = self
            .lock()
            .execute(
                "DELETE FROM claims WHERE user_id = ?1 AND desk = ?2",
                params![user_id, desk],
            )
            .map_err(sql)?;
        Ok(n > 0)
    }

    fn holder(&self, user_id: &str) -> Result<Option<Lease>, StoreError> {
        self.lock()
            .query_row(
                "SELECT desk, until FROM claims WHERE user_id = ?1",
                [user_id],
                |r| {
                    Ok(Lease {
                        desk: r.get(0)?,
                        until: r.get(1)?,
                    })
                },
            )
            .optional()
            .map_err(sql)
    }
}

impl LetterStore for Journal {
    fn letter_jobs(&self, undelivered_only: bool) -> Result<Vec<LetterJob>, StoreError> {
        Ok(Journal::letter_jobs(self, undelivered_only)?)
    }
}

impl InventoryStore for Journal {
    fn add_inventory(&self, entry: &InventoryEntry) -> Result<i64, StoreError> {
        Ok(Journal::add_inventory(self, entry)?)
    }
    fn inventory(&self) -> Result<Vec<InventoryEntry>, StoreError> {
        Ok(Journal::inventory(self)?)
    }
    fn set_inventory_status(&self, id: i64, status: KeyStatus) -> Result<(), StoreError> {
        Ok(Journal::set_inventory_status(self, id, status)?)
    }
}
