//! Key inventory: which key (serial, AAGUID, model) went to which user, under which Entra
//! method id, by which operator, when; and credentials left on keys that Entra never saw
//! (orphans). Stored in the journal file (its table is made in `schema`); the
//! lost-key flow is [`crate::lost::report_lost`].
//!
//! A phone handed out with a passkey in Microsoft Authenticator is an entry too (made by
//! [`crate::phone`]): its AAGUID is Authenticator's, which no security key carries, so
//! [`InventoryEntry::kind`] tells a phone (and its platform) from a key without a column
//! of its own; its serial is empty and its model names the platform.

use rusqlite::params;
use serde::Serialize;
use uuid::{uuid, Uuid};

use crate::journal::{Journal, JournalError};

/// One inventory row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InventoryEntry {
    /// Row id.
    pub id: i64,
    /// Key serial (or the key source's id when the key has none).
    pub key_serial: String,
    /// Key AAGUID, hex.
    pub key_aaguid: String,
    /// Key model.
    pub key_model: String,
    /// Entra user id.
    pub user_id: String,
    /// UPN.
    pub upn: String,
    /// Entra method id (empty for an orphan).
    pub method_id: String,
    /// Credential id on the key, base64url.
    pub credential_id: String,
    /// Who provisioned it.
    pub operator: String,
    /// Unix seconds.
    pub at: i64,
    /// What became of it.
    pub status: KeyStatus,
}

/// The platform of a phone holding a passkey in Microsoft Authenticator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum PhonePlatform {
    /// Microsoft Authenticator on iOS.
    Ios,
    /// Microsoft Authenticator on Android.
    Android,
}

impl PhonePlatform {
    /// Authenticator's AAGUID on this platform.
    pub const fn aaguid(self) -> Uuid {
        match self {
            PhonePlatform::Ios => uuid!("90a3ccdf-635c-4729-a248-9b709135078f"),
            PhonePlatform::Android => uuid!("de1e552d-db1d-4423-a619-566b625cdc84"),
        }
    }

    /// The platform whose Authenticator has this AAGUID (any spelling `Uuid` reads).
    pub fn from_aaguid(aaguid: &str) -> Option<PhonePlatform> {
        let aaguid = Uuid::parse_str(aaguid.trim()).ok()?;
        [PhonePlatform::Ios, PhonePlatform::Android]
            .into_iter()
            .find(|p| p.aaguid() == aaguid)
    }

    /// What the inventory's model column says.
    pub fn model(self) -> &'static str {
        match self {
            PhonePlatform::Ios => "Microsoft Authenticator (iOS)",
            PhonePlatform::Android => "Microsoft Authenticator (Android)",
        }
    }
}

/// What an inventory entry is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceKind {
    /// A FIDO2 security key.
    SecurityKey,
    /// A phone with a passkey in Microsoft Authenticator.
    Phone(PhonePlatform),
}

impl InventoryEntry {
    /// A key or a phone (told by the AAGUID).
    pub fn kind(&self) -> DeviceKind {
        PhonePlatform::from_aaguid(&self.key_aaguid)
            .map_or(DeviceKind::SecurityKey, DeviceKind::Phone)
    }
}

/// The fate of an inventory entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyStatus {
    /// Registered and handed out.
    Issued,
    /// Reported lost; the method was deleted in Entra.
    Revoked,
    /// The key came back to the desk; its passkey was deleted in Entra.
    Returned,
    /// A credential on a key that Entra never registered (its challenge expired, or the
    /// job restarted) and that could not be deleted from the key.
    Orphan,
}

impl KeyStatus {
    /// The word stored and shown: `issued`, `revoked`, `returned`, `orphan`.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyStatus::Issued => "issued",
            KeyStatus::Revoked => "revoked",
            KeyStatus::Orphan => "orphan",
            KeyStatus::Returned => "returned",
        }
    }

    /// The status a stored word names (an unknown word reads as issued).
    pub fn parse(text: &str) -> KeyStatus {
        match text {
            "revoked" => KeyStatus::Revoked,
            "orphan" => KeyStatus::Orphan,
            "returned" => KeyStatus::Returned,
            _ => KeyStatus::Issued,
        }
    }
}

const COLUMNS: &str = "id, key_serial, key_aaguid, key_model, user_id, upn, method_id, \
                       credential_id, operator, at, status";

impl Journal {
    /// Adds an inventory entry (its `id` is ignored); returns the new id.
    pub fn add_inventory(&self, e: &InventoryEntry) -> Result<i64, JournalError> {
        let conn = self.lock();
        conn.execute(
            "INSERT INTO inventory (key_serial, key_aaguid, key_model, user_id, upn, method_id,
                credential_id, operator, at, status)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                e.key_serial,
                e.key_aaguid,
                e.key_model,
                e.user_id,
                e.upn,
                e.method_id,
                e.credential_id,
                e.operator,
                e.at,
                e.status.as_str()
            ],
        )?;
        let id = conn.last_insert_rowid();
        drop(conn);
        self.mirrored_inventory(e)?;
        Ok(id)
    }

    /// Entries for a key serial, a credential id or a user (id or UPN), newest first. A
    /// blank name matches nothing (keys without a serial keep an empty one).
    pub fn find_inventory(
        &self,
        serial_or_user: &str,
    ) -> Result<Vec<InventoryEntry>, JournalError> {
        let conn = self.lock();
        let sql = format!(
            "SELECT {COLUMNS} FROM inventory
             WHERE ?1 <> '' AND (key_serial = ?1 OR credential_id = ?1 OR user_id = ?1
                   OR upn = ?1) ORDER BY id DESC"
        );
        let mut stmt = conn.prepare(&sql)?;
        let rows = stmt.query_map([serial_or_user], read_entry)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The whole inventory, oldest first.
    pub fn inventory(&self) -> Result<Vec<InventoryEntry>, JournalError> {
        let conn = self.lock();
        let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM inventory ORDER BY id"))?;
        let rows = stmt.query_map([], read_entry)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Marks an entry revoked.
    pub fn revoke_inventory(&self, id: i64) -> Result<(), JournalError> {
        self.set_inventory_status(id, KeyStatus::Revoked)
    }

    /// Sets an entry's status.
    pub fn set_inventory_status(&self, id: i64, status: KeyStatus) -> Result<(), JournalError> {
        self.lock().execute(
            "UPDATE inventory SET status = ?1 WHERE id = ?2",
            params![status.as_str(), id],
        )?;
        Ok(())
    }
}

fn read_entry(row: &rusqlite::Row<'_>) -> rusqlite::Result<InventoryEntry> {
    let status: String = row.get(10)?;
    Ok(InventoryEntry {
        id: row.get(0)?,
        key_serial: row.get(1)?,
        key_aaguid: row.get(2)?,
        key_model: row.get(3)?,
        user_id: row.get(4)?,
        upn: row.get(5)?,
        method_id: row.get(6)?,
        credential_id: row.get(7)?,
        operator: row.get(8)?,
        at: row.get(9)?,
        status: KeyStatus::parse(&status),
    })
}
