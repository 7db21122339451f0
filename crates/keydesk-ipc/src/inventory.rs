//! The key inventory as the window shows it: which key (or phone) was issued to whom, by
//! whom and when, and what became of it (lost, returned).

use serde::Serialize;
use ts_rs::TS;

/// What became of an issued key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum KeyState {
    /// Registered and handed out.
    Issued,
    /// Reported lost; its passkey was deleted in Entra.
    Revoked,
    /// Handed back to the desk; its passkey was deleted in Entra.
    Returned,
    /// A credential Entra never registered, left on a key.
    Orphan,
}

/// One inventory entry.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct InventoryItem {
    /// The entry's number in the inventory.
    pub id: u32,
    /// Key serial (empty when the key exposes none).
    pub serial: String,
    /// Key model (or Authenticator and the phone's platform).
    pub model: String,
    /// The model's FIDO certification from the desk's metadata BLOB, when it lists it.
    pub certification: Option<String>,
    /// Entra object id of the user.
    pub user_id: String,
    /// The user's UPN.
    pub upn: String,
    /// Who provisioned it.
    pub operator: String,
    /// When, in Unix seconds.
    pub at: u32,
    /// What became of it.
    pub state: KeyState,
}
