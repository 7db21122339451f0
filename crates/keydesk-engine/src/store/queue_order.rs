//! The queue's order and its group in the journal: *move to top* as one transaction, and
//! which group a job's user was a member of when the queue was loaded (so a reload can
//! show the users that left it, see `flow::queue::rows_of_group`).
//!
//! Not here: which users are moved or shown (`flow/queue.rs`).

use rusqlite::params;

use super::journal::{JobRecord, Journal, JournalError};

/// The position `Journal::enqueue` gives the first user; smaller ones were moved to the top.
pub const FIRST_POSITION: i64 = 1;

impl Journal {
    /// Puts `users` (`(id, upn)`, in this order) ahead of every job, before any moved
    /// earlier, enqueueing those the journal does not know: one transaction, so a failure
    /// moves nobody and a reader never sees half a move.
    pub fn move_to_top(&self, users: &[(&str, &str)]) -> Result<(), JournalError> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        for (id, upn) in users {
            tx.execute(
                "INSERT INTO jobs (user_id, upn, state, updated_at, position)
                 VALUES (?1, ?2, 'pending', unixepoch(),
                         (SELECT COALESCE(MAX(position), 0) + 1 FROM jobs))
                 ON CONFLICT(user_id) DO NOTHING",
                params![id, upn],
            )?;
        }
        let first: i64 = tx.query_row(
            "SELECT MIN(COALESCE(MIN(position), ?1), ?1) FROM jobs",
            [FIRST_POSITION],
            |r| r.get(0),
        )?;
        let count = i64::try_from(users.len()).unwrap_or(i64::MAX);
        for (position, (id, _)) in (first.saturating_sub(count)..).zip(users) {
            tx.execute(
                "UPDATE jobs SET position = ?2 WHERE user_id = ?1",
                params![id, position],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Records `group` (its object id) as the group of the jobs of `user_ids` that have
    /// none yet: they were its members when the queue was loaded. One transaction.
    pub fn note_group(&self, group: &str, user_ids: &[&str]) -> Result<(), JournalError> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        {
            let mut stmt = tx.prepare(
                "UPDATE jobs SET source_group = ?1 WHERE user_id = ?2 AND source_group IS NULL",
            )?;
            for id in user_ids {
                stmt.execute(params![group, id])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The jobs whose user was a member of `group` when a queue was loaded, in queue
    /// order, each with the display name the journal holds (set when the job started).
    pub fn jobs_of_group(
        &self,
        group: &str,
    ) -> Result<Vec<(JobRecord, Option<String>)>, JournalError> {
        let ids: Vec<(String, Option<String>)> = {
            let conn = self.lock();
            let mut stmt = conn.prepare(
                "SELECT user_id, display_name FROM jobs WHERE source_group = ?1
                 ORDER BY position, rowid",
            )?;
            let rows = stmt.query_map([group], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        let mut jobs = Vec::with_capacity(ids.len());
        for (id, name) in ids {
            jobs.extend(self.job(&id)?.map(|job| (job, name)));
        }
        Ok(jobs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn positions(journal: &Journal) -> Vec<(String, i64)> {
        journal
            .jobs()
            .unwrap()
            .into_iter()
            .map(|j| (j.user_id, j.position))
            .collect()
    }

    #[test]
    fn a_move_to_top_that_fails_halfway_moves_nobody() {
        let journal = Journal::in_memory().unwrap();
        for id in ["a", "b", "c", "d"] {
            journal.enqueue(id, &format!("{id}@contoso.test")).unwrap();
        }
        let before = positions(&journal);
        // The third user's move is refused by the file, as a full disk or a lock would.
        journal
            .lock()
            .execute_batch(
                "CREATE TRIGGER refuse BEFORE UPDATE OF position ON jobs
                 WHEN NEW.user_id = 'b' BEGIN SELECT RAISE(ABORT, 'refused'); END",
            )
            .unwrap();
        let moved = journal.move_to_top(&[("d", "d"), ("c", "c"), ("b", "b")]);
        assert!(moved.is_err(), "the refused write must fail the move");
        assert_eq!(positions(&journal), before, "d and c must not have moved");
        journal.lock().execute_batch("DROP TRIGGER refuse").unwrap();
        journal
            .move_to_top(&[("d", "d"), ("c", "c"), ("b", "b")])
            .unwrap();
        let order: Vec<String> = positions(&journal).into_iter().map(|(id, _)| id).collect();
        assert_eq!(order, ["d", "c", "b", "a"]);
    }

    #[test]
    fn a_group_is_noted_once_and_lists_its_jobs() {
        let journal = Journal::in_memory().unwrap();
        for id in ["a", "b", "c"] {
            journal.enqueue(id, id).unwrap();
        }
        journal.note_group("g1", &["a", "b", "unknown"]).unwrap();
        journal.note_group("g2", &["b", "c"]).unwrap();
        let of = |g: &str| -> Vec<String> {
            journal
                .jobs_of_group(g)
                .unwrap()
                .into_iter()
                .map(|(j, _)| j.user_id)
                .collect()
        };
        assert_eq!(of("g1"), ["a", "b"]);
        assert_eq!(
            of("g2"),
            ["c"],
            "b stays g1's: the first group that listed it"
        );
    }
}
