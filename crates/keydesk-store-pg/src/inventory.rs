//! The inventory on PostgreSQL: the engine's `InventoryStore`, one table for every desk.

use keydesk_engine::inventory::{InventoryEntry, KeyStatus};
use keydesk_engine::port::{InventoryStore, StoreError};

use crate::conn::PgStore;
use crate::error::store;

impl InventoryStore for PgStore {
    fn add_inventory(&self, e: &InventoryEntry) -> Result<i64, StoreError> {
        self.with(|client| {
            let row = client
                .query_one(
                    "INSERT INTO inventory (key_serial, key_aaguid, key_model, user_id, upn,
                        method_id, credential_id, operator, at, status)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                    &[
                        &e.key_serial,
                        &e.key_aaguid,
                        &e.key_model,
                        &e.user_id,
                        &e.upn,
                        &e.method_id,
                        &e.credential_id,
                        &e.operator,
                        &e.at,
                        &e.status.as_str(),
                    ],
                )
                .map_err(store)?;
            Ok(row.get(0))
        })
    }

    fn inventory(&self) -> Result<Vec<InventoryEntry>, StoreError> {
        self.with(|client| {
            let rows = client
                .query(
                    "SELECT id, key_serial, key_aaguid, key_model, user_id, upn, method_id,
                        credential_id, operator, at, status FROM inventory ORDER BY id",
                    &[],
                )
                .map_err(store)?;
            Ok(rows
                .iter()
                .map(|r| InventoryEntry {
                    id: r.get(0),
                    key_serial: r.get(1),
                    key_aaguid: r.get(2),
                    key_model: r.get(3),
                    user_id: r.get(4),
                    upn: r.get(5),
                    method_id: r.get(6),
                    credential_id: r.get(7),
                    operator: r.get(8),
                    at: r.get(9),
                    status: KeyStatus::parse(r.get(10)),
                })
                .collect())
        })
    }

    fn set_inventory_status(&self, id: i64, status: KeyStatus) -> Result<(), StoreError> {
        self.with(|client| {
            client
                .execute(
                    "UPDATE inventory SET status = $1 WHERE id = $2",
                    &[&status.as_str(), &id],
                )
                .map_err(store)
                .map(drop)
        })
    }
}
