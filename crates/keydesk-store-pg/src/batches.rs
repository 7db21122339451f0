//! The escrow's batch keys on PostgreSQL (`escrow_batches`): the engine's `EscrowKeys`,
//! each key wrapped by the pool's escrow key (itself stored only wrapped by the pool
//! secret, `pool`), so a PIN sealed at desk 1 opens at desk 2.
//!
//! A closed batch no sealed PIN names any more is destroyed: its wrapped key overwritten
//! with zeros, its row deleted, then `escrow_batches` and `jobs` vacuumed so the dead row
//! versions' space is reclaimed. PostgreSQL gives no promise that freed bytes are
//! overwritten at once, and its write-ahead log and any base backup keep what they
//! recorded: docs/SECURITY.md says what that leaves to whom.

use keydesk_engine::escrow::{BatchId, EscrowKeys};
use keydesk_engine::port::StoreError;
use postgres::GenericClient;

use crate::conn::PgStore;
use crate::error::store;

/// Closed batches that no job's sealed PIN names (a sealed PIN is `tag || id || …`).
const UNUSED: &str = "closed AND NOT EXISTS (
    SELECT 1 FROM jobs WHERE substring(jobs.pin_sealed from 2 for 16) = escrow_batches.id)";

/// Overwrites, then deletes, every closed batch key no sealed PIN needs. Returns how many.
pub(crate) fn destroy_unused(client: &mut impl GenericClient) -> Result<usize, StoreError> {
    client
        .execute(
            &format!(
                "UPDATE escrow_batches SET wrapped = decode(repeat('00', length(wrapped)), 'hex')
                 WHERE {UNUSED}"
            ),
            &[],
        )
        .map_err(store)?;
    let n = client
        .execute(&format!("DELETE FROM escrow_batches WHERE {UNUSED}"), &[])
        .map_err(store)?;
    Ok(usize::try_from(n).unwrap_or(usize::MAX))
}

/// Reclaims the space of dead row versions (a destroyed key, a wiped PIN) in both tables.
/// Outside any transaction.
pub(crate) fn vacuum(client: &mut postgres::Client) -> Result<(), StoreError> {
    client
        .batch_execute("VACUUM escrow_batches, jobs")
        .map_err(store)
}

impl EscrowKeys for PgStore {
    fn add_batch(&self, batch: &BatchId, wrapped: &[u8]) -> Result<(), StoreError> {
        let desk = self.desk.clone();
        self.with(move |client| {
            client
                .execute(
                    "INSERT INTO escrow_batches (id, desk, wrapped) VALUES ($1, $2, $3)",
                    &[&batch.as_slice(), &desk, &wrapped],
                )
                .map_err(store)
                .map(drop)
        })
    }

    fn batch_key(&self, batch: &BatchId) -> Result<Option<Vec<u8>>, StoreError> {
        self.with(|client| {
            let row = client
                .query_opt(
                    "SELECT wrapped FROM escrow_batches WHERE id = $1",
                    &[&batch.as_slice()],
                )
                .map_err(store)?;
            Ok(row.map(|r| r.get(0)))
        })
    }

    /// With `None`, closes the batches made under this desk's name (the desk starting
    /// again, as `release_all` gives its claims back).
    fn close_batches(&self, batch: Option<&BatchId>) -> Result<usize, StoreError> {
        let desk = self.desk.clone();
        self.with(move |client| {
            let mut tx = client.transaction().map_err(store)?;
            match batch {
                Some(id) => tx.execute(
                    "UPDATE escrow_batches SET closed = true WHERE id = $1",
                    &[&id.as_slice()],
                ),
                None => tx.execute(
                    "UPDATE escrow_batches SET closed = true WHERE desk = $1",
                    &[&desk],
                ),
            }
            .map_err(store)?;
            let destroyed = destroy_unused(&mut tx)?;
            tx.commit().map_err(store)?;
            if destroyed > 0 {
                vacuum(client)?;
            }
            Ok(destroyed)
        })
    }
}
