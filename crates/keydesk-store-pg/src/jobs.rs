//! The journal on PostgreSQL: the engine's `JobStore`, each change a transaction that
//! locks the job's row, runs the pure `JobState::on` and writes the result, and tells
//! the other desks (`progress`).

use keydesk_core::job::{JobEvent, JobState};
use keydesk_engine::journal::{decode_columns, JobRecord};
use keydesk_engine::port::{JobStore, StoreError};
use keydesk_engine::queue_order::FIRST_POSITION;
use postgres::types::ToSql;
use postgres::{GenericClient, Row};

use crate::batches;
use crate::conn::PgStore;
use crate::error::store;
use crate::progress;

pub(crate) const COLUMNS: &str = "user_id, upn, state, detail, credential_id, method_id, \
     key_serial, key_model, key_aaguid, pin_sealed, position, attempt";

/// What a job's change writes besides its state and detail.
enum Extra<'a> {
    None,
    Sealed(&'a [u8]),
    Posting {
        credential_id: &'a str,
        attempt: String,
    },
    Method(&'a str),
}

pub(crate) fn enqueue_in(
    client: &mut impl GenericClient,
    user_id: &str,
    upn: &str,
) -> Result<(), StoreError> {
    client
        .execute(
            "INSERT INTO jobs (user_id, upn, state, position)
             VALUES ($1, $2, 'pending', (SELECT COALESCE(MAX(position), 0) + 1 FROM jobs))
             ON CONFLICT (user_id) DO NOTHING",
            &[&user_id, &upn],
        )
        .map_err(store)?;
    Ok(())
}

impl PgStore {
    fn advance_with(
        &self,
        user_id: &str,
        upn: &str,
        event: JobEvent,
        detail: Option<&str>,
        extra: Extra<'_>,
    ) -> Result<JobState, StoreError> {
        let desk = self.desk.clone();
        self.with(move |client| {
            // Queued in its own statement, as the SQLite journal does: a refused change
            // still leaves the user in the queue.
            enqueue_in(client, user_id, upn)?;
            let mut tx = client.transaction().map_err(store)?;
            let row = tx
                .query_one(
                    "SELECT state FROM jobs WHERE user_id = $1 FOR UPDATE",
                    &[&user_id],
                )
                .map_err(store)?;
            let now: String = row.get(0);
            let next = JobState::parse(&now)
                .unwrap_or(JobState::Failed)
                .on(event)?;
            tx.execute(
                "UPDATE jobs SET state = $2, detail = $3, upn = $4, updated_at = now(),
                     updated_by = $5 WHERE user_id = $1",
                &[&user_id, &next.as_str(), &detail, &upn, &desk],
            )
            .map_err(store)?;
            let (sql, value): (&str, Vec<&(dyn ToSql + Sync)>) = match &extra {
                Extra::None => ("", vec![]),
                Extra::Sealed(sealed) => (
                    "UPDATE jobs SET pin_sealed = $2 WHERE user_id = $1",
                    vec![sealed],
                ),
                Extra::Posting {
                    credential_id,
                    attempt,
                } => (
                    "UPDATE jobs SET credential_id = $2, attempt = $3 WHERE user_id = $1",
                    vec![credential_id, attempt],
                ),
                Extra::Method(method) => (
                    "UPDATE jobs SET method_id = $2 WHERE user_id = $1",
                    vec![method],
                ),
            };
            if !sql.is_empty() {
                let mut params: Vec<&(dyn ToSql + Sync)> = vec![&user_id];
                params.extend(value);
                tx.execute(sql, &params).map_err(store)?;
            }
            progress::notify(&mut tx, &desk, user_id, next)?;
            tx.commit().map_err(store)?;
            Ok(next)
        })
    }
}

impl JobStore for PgStore {
    fn enqueue(&self, user_id: &str, upn: &str) -> Result<(), StoreError> {
        self.with(|client| enqueue_in(client, user_id, upn))
    }

    fn advance(
        &self,
        user_id: &str,
        upn: &str,
        event: JobEvent,
        detail: Option<&str>,
    ) -> Result<JobState, StoreError> {
        self.advance_with(user_id, upn, event, detail, Extra::None)
    }

    fn record_key(
        &self,
        user_id: &str,
        serial: &str,
        model: &str,
        aaguid: &str,
    ) -> Result<(), StoreError> {
        self.with(|client| {
            client
                .execute(
                    "UPDATE jobs SET key_serial = $2, key_model = $3, key_aaguid = $4
                     WHERE user_id = $1",
                    &[&user_id, &serial, &model, &aaguid],
                )
                .map_err(store)
                .map(drop)
        })
    }

    fn record_setting_pin(
        &self,
        user_id: &str,
        upn: &str,
        sealed: &[u8],
    ) -> Result<(), StoreError> {
        self.advance_with(
            user_id,
            upn,
            JobEvent::PinStarted,
            None,
            Extra::Sealed(sealed),
        )
        .map(drop)
    }

    fn record_posting(
        &self,
        user_id: &str,
        upn: &str,
        attempt: &keydesk_graph::Attempt,
    ) -> Result<(), StoreError> {
        let json = serde_json::to_string(attempt).expect("an attempt always serialises");
        let extra = Extra::Posting {
            credential_id: &attempt.credential_id,
            attempt: json,
        };
        self.advance_with(user_id, upn, JobEvent::PostStarted, None, extra)
            .map(drop)
    }

    fn record_registered(
        &self,
        user_id: &str,
        upn: &str,
        event: JobEvent,
        method_id: &str,
        name: &str,
    ) -> Result<(), StoreError> {
        self.advance_with(user_id, upn, event, Some(name), Extra::Method(method_id))
            .map(drop)
    }

    /// Clears the column, and destroys the PIN's batch key when the batch is closed and
    /// this was its last PIN (`batches`). PostgreSQL may keep the old row version in its
    /// files until a vacuum reuses the space: what that leaves is the PIN sealed under
    /// its batch key, which the database alone does not open (see `pool`).
    fn wipe_pin(&self, user_id: &str) -> Result<bool, StoreError> {
        self.with(|client| {
            let mut tx = client.transaction().map_err(store)?;
            let n = tx
                .execute(
                    "UPDATE jobs SET pin_sealed = NULL
                     WHERE user_id = $1 AND pin_sealed IS NOT NULL",
                    &[&user_id],
                )
                .map_err(store)?;
            let destroyed = if n > 0 {
                batches::destroy_unused(&mut tx)?
            } else {
                0
            };
            tx.commit().map_err(store)?;
            if destroyed > 0 {
                batches::vacuum(client)?;
            }
            Ok(n > 0)
        })
    }

    fn job(&self, user_id: &str) -> Result<Option<JobRecord>, StoreError> {
        self.with(|client| {
            let sql = format!("SELECT {COLUMNS} FROM jobs WHERE user_id = $1");
            let row = client.query_opt(&sql, &[&user_id]).map_err(store)?;
            Ok(row.as_ref().map(record))
        })
    }

    fn jobs(&self) -> Result<Vec<JobRecord>, StoreError> {
        self.with(|client| {
            let sql = format!("SELECT {COLUMNS} FROM jobs ORDER BY position, seq");
            let rows = client.query(&sql, &[]).map_err(store)?;
            Ok(rows.iter().map(record).collect())
        })
    }

    /// One transaction: the table is locked against other desks' moves and enqueues
    /// first, so two desks moving users at once each put theirs ahead of the other's.
    fn move_to_top(&self, users: &[(&str, &str)]) -> Result<(), StoreError> {
        self.with(|client| {
            let mut tx = client.transaction().map_err(store)?;
            tx.batch_execute("LOCK TABLE jobs IN SHARE ROW EXCLUSIVE MODE")
                .map_err(store)?;
            for (id, upn) in users {
                enqueue_in(&mut tx, id, upn)?;
            }
            let first: i64 = tx
                .query_one(
                    "SELECT LEAST(COALESCE(MIN(position), $1), $1) FROM jobs",
                    &[&FIRST_POSITION],
                )
                .map_err(store)?
                .get(0);
            let count = i64::try_from(users.len()).unwrap_or(i64::MAX);
            for (position, (id, _)) in (first.saturating_sub(count)..).zip(users) {
                tx.execute(
                    "UPDATE jobs SET position = $2 WHERE user_id = $1",
                    &[id, &position],
                )
                .map_err(store)?;
            }
            tx.commit().map_err(store)
        })
    }
}

/// A row of [`COLUMNS`] as the engine's record (the same decoding as the SQLite journal).
pub(crate) fn record(row: &Row) -> JobRecord {
    let state: String = row.get(2);
    let attempt: Option<String> = row.get(11);
    let (state, attempt) = decode_columns(&state, attempt.as_deref());
    JobRecord {
        user_id: row.get(0),
        upn: row.get(1),
        state,
        detail: row.get(3),
        credential_id: row.get(4),
        method_id: row.get(5),
        key_serial: row.get(6),
        key_model: row.get(7),
        key_aaguid: row.get(8),
        pin_sealed: row.get(9),
        position: row.get(10),
        attempt,
    }
}
