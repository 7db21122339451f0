//! The shared store's schema, as numbered migrations applied at start.
//!
//! `keydesk_schema` holds one row per applied version. Desks starting at once serialise on
//! an advisory lock, so each migration runs once. A store whose version is newer than
//! [`SCHEMA_VERSION`] is refused (a newer KeyDesk made it; this one would misread it).
//! Migrations only ever add; an older KeyDesk sees a newer schema and stops.

use keydesk_engine::port::StoreError;
use postgres::Client;

use crate::error::store;

/// Each entry is one version (1 first).
const MIGRATIONS: [&str; 3] = [
    "
CREATE TABLE jobs (
    user_id TEXT PRIMARY KEY, upn TEXT NOT NULL, state TEXT NOT NULL, detail TEXT,
    credential_id TEXT, method_id TEXT, key_serial TEXT, key_model TEXT, key_aaguid TEXT,
    pin_sealed BYTEA, position BIGINT NOT NULL DEFAULT 0, attempt TEXT,
    seq BIGSERIAL NOT NULL, updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_by TEXT);
CREATE INDEX jobs_position ON jobs(position, seq);
CREATE TABLE claims (
    user_id TEXT PRIMARY KEY, desk TEXT NOT NULL, until TIMESTAMPTZ NOT NULL);
CREATE INDEX claims_desk ON claims(desk);
CREATE TABLE inventory (
    id BIGSERIAL PRIMARY KEY, key_serial TEXT NOT NULL, key_aaguid TEXT NOT NULL,
    key_model TEXT NOT NULL, user_id TEXT NOT NULL, upn TEXT NOT NULL,
    method_id TEXT NOT NULL, credential_id TEXT NOT NULL, operator TEXT NOT NULL,
    at BIGINT NOT NULL, status TEXT NOT NULL);
CREATE TABLE audit (
    seq BIGINT PRIMARY KEY, desk TEXT NOT NULL, at BIGINT NOT NULL, line TEXT NOT NULL,
    mac BYTEA NOT NULL);
CREATE TABLE pool (name TEXT PRIMARY KEY, value BYTEA NOT NULL);
",
    "
CREATE TABLE escrow_batches (
    id BYTEA PRIMARY KEY, desk TEXT NOT NULL, wrapped BYTEA NOT NULL,
    closed BOOLEAN NOT NULL DEFAULT false);
CREATE INDEX jobs_pin_batch ON jobs (substring(pin_sealed from 2 for 16));
",
    "
ALTER TABLE jobs ADD COLUMN display_name TEXT, ADD COLUMN department TEXT,
    ADD COLUMN office TEXT, ADD COLUMN biometric BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN pin_change_forced BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE inventory ADD COLUMN letter_at BIGINT;
",
];

/// The newest schema version this build knows.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Advisory lock keys: one per thing desks serialise on.
pub(crate) const MIGRATE_LOCK: i64 = 0x6b64_0001;

/// Applies the migrations the store lacks; refuses a newer store.
pub(crate) fn apply(client: &mut Client) -> Result<(), StoreError> {
    let mut tx = client.transaction().map_err(store)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATE_LOCK])
        .map_err(store)?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS keydesk_schema (version BIGINT PRIMARY KEY)")
        .map_err(store)?;
    let found: i64 = tx
        .query_one("SELECT COALESCE(MAX(version), 0) FROM keydesk_schema", &[])
        .map_err(store)?
        .get(0);
    if found > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    for (version, sql) in (1_i64..)
        .zip(MIGRATIONS.iter())
        .skip(usize::try_from(found).unwrap_or(0))
    {
        tx.batch_execute(sql).map_err(store)?;
        tx.execute(
            "INSERT INTO keydesk_schema (version) VALUES ($1)",
            &[&version],
        )
        .map_err(store)?;
    }
    tx.commit().map_err(store)
}
