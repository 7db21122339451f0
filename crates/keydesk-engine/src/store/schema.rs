//! The journal file's tables, made in one place: `jobs` (one row per user job, read and
//! written by [`super::journal`], and what a PIN letter needs by
//! [`super::letter_facts`]), `claims` ([`super::sqlite_port`]), `meta` (named values: the audit log's head, see
//! [`super::audit`]), `inventory` ([`super::inventory`]) and `escrow_batches`
//! ([`super::escrow_keys`]).
//!
//! Opening a file made by an older KeyDesk adds the columns it lacks ([`ADDED`]) and the
//! index on `jobs.position`; nothing is ever dropped or renamed, so an older file opens
//! and a newer one keeps its data.

use rusqlite::Connection;

const TABLES: &str = "
CREATE TABLE IF NOT EXISTS jobs (
    user_id       TEXT PRIMARY KEY,
    upn           TEXT NOT NULL,
    state         TEXT NOT NULL,
    detail        TEXT,
    credential_id TEXT,
    method_id     TEXT,
    updated_at    INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);";

/// Claims (`super::sqlite_port`): which desk works a user, until when (Unix seconds).
const CLAIMS: &str = "
CREATE TABLE IF NOT EXISTS claims (
    user_id TEXT PRIMARY KEY, desk TEXT NOT NULL, until INTEGER NOT NULL)";

/// Escrow batch keys (`super::escrow_keys`), wrapped by the desk's escrow key; `closed`
/// once the escrow that made the batch is gone.
const ESCROW_BATCHES: &str = "
CREATE TABLE IF NOT EXISTS escrow_batches (
    id BLOB PRIMARY KEY, wrapped BLOB NOT NULL, closed INTEGER NOT NULL DEFAULT 0)";

/// Columns of `jobs` added after the first release: added to older files on open.
const ADDED: [(&str, &str); 14] = [
    ("key_serial", "TEXT"),
    ("key_model", "TEXT"),
    ("key_aaguid", "TEXT"),
    ("pin_sealed", "BLOB"),
    ("position", "INTEGER NOT NULL DEFAULT 0"),
    ("attempt", "TEXT"),
    // What a PIN letter prints besides the escrowed PIN (`super::letter_facts`).
    ("display_name", "TEXT"),
    ("biometric", "INTEGER NOT NULL DEFAULT 0"),
    ("pin_change_forced", "INTEGER NOT NULL DEFAULT 0"),
    // Whether the key had a PIN when claimed, and whether it answered the PIN write
    // (`super::pin_mark`).
    ("pin_before", "INTEGER"),
    ("pin_confirmed", "INTEGER NOT NULL DEFAULT 0"),
    // The letter's address block: department and office as Graph had them.
    ("department", "TEXT"),
    ("office", "TEXT"),
    // The group (object id) the user was a member of when a queue listed them
    // (`super::queue_order`): a reload shows who left it.
    ("source_group", "TEXT"),
];

/// Columns of `inventory` added after the first release.
const INVENTORY_ADDED: [(&str, &str); 1] = [
    // Unix seconds when the key's PIN letter was issued (never the PIN itself).
    ("letter_at", "INTEGER"),
];

const INVENTORY: &str = "
CREATE TABLE IF NOT EXISTS inventory (
    id INTEGER PRIMARY KEY, key_serial TEXT NOT NULL, key_aaguid TEXT NOT NULL,
    key_model TEXT NOT NULL, user_id TEXT NOT NULL, upn TEXT NOT NULL,
    method_id TEXT NOT NULL, credential_id TEXT NOT NULL, operator TEXT NOT NULL,
    at INTEGER NOT NULL, status TEXT NOT NULL)";

/// Makes every table that is missing and adds the columns an older file lacks.
pub(crate) fn create(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(TABLES)?;
    add_missing(conn, "jobs", &ADDED)?;
    // `enqueue` numbers a new job after the highest position: indexed, that is a lookup
    // instead of a scan of every job (which made a 10,000-user batch quadratic).
    conn.execute_batch("CREATE INDEX IF NOT EXISTS jobs_position ON jobs(position)")?;
    conn.execute_batch(INVENTORY)?;
    conn.execute_batch(CLAIMS)?;
    conn.execute_batch(ESCROW_BATCHES)?;
    // Whether a batch still has a sealed PIN is asked at every wipe: indexed, that is a
    // lookup instead of a scan of every job (a 10,000-letter print run stays linear).
    conn.execute_batch(
        "CREATE INDEX IF NOT EXISTS jobs_pin_batch ON jobs(substr(pin_sealed, 2, 16))",
    )?;
    add_missing(conn, "inventory", &INVENTORY_ADDED)
}

fn add_missing(conn: &Connection, table: &str, columns: &[(&str, &str)]) -> rusqlite::Result<()> {
    let have: Vec<String> = conn
        .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for (name, ty) in columns {
        if !have.iter().any(|h| h == name) {
            conn.execute_batch(&format!("ALTER TABLE {table} ADD COLUMN {name} {ty}"))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_first_release_file_gains_the_added_columns_and_the_inventory() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(TABLES).unwrap();
        conn.execute(
            "INSERT INTO jobs (user_id, upn, state, updated_at) VALUES ('u', 'kim', 'pending', 0)",
            [],
        )
        .unwrap();
        create(&conn).unwrap();
        create(&conn).unwrap();
        let position: i64 = conn
            .query_row("SELECT position FROM jobs WHERE user_id = 'u'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(position, 0);
        let rows: i64 = conn
            .query_row("SELECT COUNT(*) FROM inventory", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 0);
        let letter_at: Option<i64> = conn
            .query_row("SELECT MAX(letter_at) FROM inventory", [], |r| r.get(0))
            .unwrap();
        assert_eq!(letter_at, None);
    }
}
