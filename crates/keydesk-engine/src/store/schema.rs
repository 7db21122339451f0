//! The journal file's tables, made in one place: `jobs` (one row per user job, read and
//! written by [`super::journal`]), `meta` (named values: the audit log's head, see
//! [`super::audit`]) and `inventory` ([`super::inventory`]).
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

/// Columns of `jobs` added after the first release: added to older files on open.
const ADDED: [(&str, &str); 6] = [
    ("key_serial", "TEXT"),
    ("key_model", "TEXT"),
    ("key_aaguid", "TEXT"),
    ("pin_sealed", "BLOB"),
    ("position", "INTEGER NOT NULL DEFAULT 0"),
    ("attempt", "TEXT"),
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
    let have: Vec<String> = conn
        .prepare("SELECT name FROM pragma_table_info('jobs')")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for (name, ty) in ADDED {
        if !have.iter().any(|h| h == name) {
            conn.execute_batch(&format!("ALTER TABLE jobs ADD COLUMN {name} {ty}"))?;
        }
    }
    // `enqueue` numbers a new job after the highest position: indexed, that is a lookup
    // instead of a scan of every job (which made a 10,000-user batch quadratic).
    conn.execute_batch("CREATE INDEX IF NOT EXISTS jobs_position ON jobs(position)")?;
    conn.execute_batch(INVENTORY)
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
    }
}
