//! A user's existing passkeys as the user panel lists them (each may be deleted, after a
//! confirmation), and the operator's per-job choice for them when the user is provisioned.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One passkey the user already has in Entra.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ExistingPasskey {
    /// Graph's method id (what `passkey_delete` takes).
    pub method_id: String,
    /// The name the user sees in Entra; empty when it has none.
    pub name: String,
    /// The key's model, named from its AAGUID (the metadata's or the built-in table's name;
    /// Graph's when neither knows it).
    pub model: String,
    /// When it was registered (RFC 3339, as Graph wrote it), when Graph said.
    pub created: Option<String>,
}

/// What to do, for one job, with the passkeys the user already has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ExistingChoice {
    /// Leave them as they are.
    Keep,
    /// Delete them once the new passkey is registered (never before).
    DeleteAfterRegistration,
}
