//! The escrow's batch keys in the journal file (`escrow_batches`), wrapped by the desk's
//! escrow key from the keyring: the SQLite side of [`EscrowKeys`].
//!
//! A closed batch no sealed PIN names any more is destroyed: its wrapped key is
//! overwritten with zeros, then its row deleted (`secure_delete` zeroes the freed space
//! too, and [`Journal::wipe_pin`] checkpoints the log), so nothing left in the file, its
//! log or a later copy of it opens the batch's PINs.

use std::sync::{Arc, Mutex};

use rusqlite::{params, Connection, OptionalExtension};

use super::escrow::{BatchId, EscrowKeys};
use super::journal::{destroy_unused, lock, Journal, JournalError};
use super::port::StoreError;

/// The journal's batch keys on the journal's own connection, for the station's escrow.
struct JournalKeys(Arc<Mutex<Connection>>);

impl Journal {
    /// The journal's batch-key store, for [`crate::escrow::Escrow::with_batches`].
    pub fn escrow_keys(&self) -> Arc<dyn EscrowKeys> {
        Arc::new(JournalKeys(self.shared_conn()))
    }
}

fn add(conn: &Connection, batch: &BatchId, wrapped: &[u8]) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO escrow_batches (id, wrapped) VALUES (?1, ?2)",
        params![batch.as_slice(), wrapped],
    )
    .map(drop)
}

fn get(conn: &Connection, batch: &BatchId) -> rusqlite::Result<Option<Vec<u8>>> {
    conn.query_row(
        "SELECT wrapped FROM escrow_batches WHERE id = ?1",
        [batch.as_slice()],
        |r| r.get(0),
    )
    .optional()
}

fn close(conn: &mut Connection, batch: Option<&BatchId>) -> rusqlite::Result<usize> {
    let tx = conn.transaction()?;
    match batch {
        Some(id) => tx.execute(
            "UPDATE escrow_batches SET closed = 1 WHERE id = ?1",
            [id.as_slice()],
        )?,
        // One process per data folder: every batch in the file is this desk's.
        None => tx.execute("UPDATE escrow_batches SET closed = 1", [])?,
    };
    let destroyed = destroy_unused(&tx)?;
    tx.commit()?;
    Ok(destroyed)
}

fn failed(e: rusqlite::Error) -> StoreError {
    StoreError::Sqlite(JournalError::Sql(e))
}

impl EscrowKeys for JournalKeys {
    fn add_batch(&self, batch: &BatchId, wrapped: &[u8]) -> Result<(), StoreError> {
        add(&lock(&self.0), batch, wrapped).map_err(failed)
    }
    fn batch_key(&self, batch: &BatchId) -> Result<Option<Vec<u8>>, StoreError> {
        get(&lock(&self.0), batch).map_err(failed)
    }
    fn close_batches(&self, batch: Option<&BatchId>) -> Result<usize, StoreError> {
        close(&mut lock(&self.0), batch).map_err(failed)
    }
}

impl EscrowKeys for Journal {
    fn add_batch(&self, batch: &BatchId, wrapped: &[u8]) -> Result<(), StoreError> {
        add(&self.lock(), batch, wrapped).map_err(failed)
    }
    fn batch_key(&self, batch: &BatchId) -> Result<Option<Vec<u8>>, StoreError> {
        get(&self.lock(), batch).map_err(failed)
    }
    fn close_batches(&self, batch: Option<&BatchId>) -> Result<usize, StoreError> {
        close(&mut self.lock(), batch).map_err(failed)
    }
}
