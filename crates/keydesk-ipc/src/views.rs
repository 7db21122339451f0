//! What the window shows: the header, the queue, the plugged keys, a registered user,
//! the letters still to print, the jobs that need the operator's decision.

use serde::Serialize;
use ts_rs::TS;

/// What the window shows in its header.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AppInfo {
    /// Running against the simulated tenant and simulated keys.
    pub demo: bool,
    /// Simulated keys stand in for hardware (demo mode, `--soft-keys`): the key panel
    /// plugs, touches and pulls them.
    pub simulated_keys: bool,
    /// Tenant shown to the operator.
    pub tenant: String,
    /// The group whose users form the queue.
    pub group: String,
    /// Signed in to the tenant now.
    pub signed_in: bool,
    /// Who is signed in: the operator's UPN, or the app for app-only sign-in.
    pub operator: Option<String>,
    /// The tenant's cloud, as the header names it.
    pub cloud: String,
    /// The Graph API version of calls that do not need a specific one.
    pub api_version: String,
    /// Where model names come from: the FIDO metadata BLOB (its number and next update)
    /// or the built-in table.
    pub metadata: String,
    /// Where the desk's work is kept: "SQLite (this desk)", or the shared store, e.g.
    /// "PostgreSQL db.example/keydesk as desk-2" (`--store`). Absent in demo mode.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub store: Option<String>,
    /// The store in a few words, for the header ("SQLite", "PostgreSQL · desk-2"); `store`
    /// is the full address. Absent in demo mode.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub store_name: Option<String>,
}

/// A user's place in the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum UserStatus {
    /// Not started.
    Pending,
    /// Being provisioned now.
    InProgress,
    /// Passkey registered.
    Registered,
    /// Stopped with an error.
    Failed,
    /// Not eligible or skipped.
    Skipped,
    /// The key was reported lost or returned: its passkey is deleted, a new key is a retry.
    Revoked,
    /// The registration could not be confirmed or ruled out: an operator decides.
    NeedsAttention,
}

/// One user of the group.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct QueueUser {
    /// Entra object id.
    pub id: String,
    /// userPrincipalName.
    pub upn: String,
    /// Display name.
    pub display_name: String,
    /// Where this user stands.
    pub status: UserStatus,
    /// Why skipped or failed, or the registered key.
    pub detail: Option<String>,
    /// The user's department in the directory, when set (the queue's search reads it).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub department: Option<String>,
    /// The user had a job from this group and is no longer a member: shown, not
    /// provisioned by a batch; their registration stands. Absent for members.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub left_group: Option<bool>,
    /// The desk working this user now, when it is another desk on the shared store.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub at_desk: Option<String>,
}

/// A user another desk on the shared store is working now.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DeskClaim {
    /// Entra object id.
    pub user_id: String,
    /// The desk's name.
    pub desk: String,
}

/// A plugged security key.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct KeyView {
    /// Stable id while plugged.
    pub id: String,
    /// Model name.
    pub model: String,
    /// The model name comes from the FIDO metadata BLOB (false: the built-in table, or
    /// what the key says of itself).
    pub model_from_metadata: bool,
    /// The model's icon from the metadata statement (a `data:` URL), when it has one.
    pub icon: Option<String>,
    /// The model's FIDO certification from the metadata BLOB, when it lists one.
    pub certification: Option<String>,
    /// Serial, when the key exposes one.
    pub serial: Option<String>,
    /// AAGUID as a UUID string.
    pub aaguid: String,
    /// A simulated key (the demo panel can touch and pull it).
    pub simulated: bool,
    /// The key waits for a touch.
    pub awaiting_touch: bool,
}

/// The done screen for one user. The PIN is shown once and kept nowhere else.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Registered {
    /// User id.
    pub user_id: String,
    /// UPN, for the letter.
    pub upn: String,
    /// Display name, for the letter.
    pub display_name: String,
    /// The new PIN.
    pub pin: String,
    /// Key model, for the letter.
    pub key_model: String,
    /// Key serial, when known.
    pub key_serial: Option<String>,
    /// The passkey's display name in Entra; `None` when the PIN was reopened from escrow
    /// (a reprint), which keeps no name.
    pub method_name: Option<String>,
    /// What the operator should know although the passkey is registered, e.g. that the
    /// FIDO2 policy could not be read, so the key's model was not checked against it.
    pub warnings: Vec<String>,
}

/// A sealed PIN whose letter the operator has not confirmed as printed (after a crash, a
/// skipped print or a command-line run). Carries no PIN: a reprint opens the escrow.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PendingLetter {
    /// User id.
    pub user_id: String,
    /// UPN.
    pub upn: String,
    /// Display name, when the user is in the loaded queue; else the UPN.
    pub display_name: String,
    /// Key model, when journaled.
    pub key_model: Option<String>,
    /// Key serial, when known.
    pub key_serial: Option<String>,
}

/// A passkey listed for a user whose job needs attention.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Candidate {
    /// Entra's method id.
    pub method_id: String,
    /// The passkey's name in Entra.
    pub display_name: Option<String>,
    /// When Entra says it was created.
    pub created: Option<String>,
    /// The key model's AAGUID.
    pub aaguid: Option<String>,
    /// Not listed before the registration attempt: it may be this job's.
    pub new_since_attempt: bool,
}

/// A job whose registration could not be confirmed or ruled out: the operator picks its
/// passkey among the user's, or none.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AttentionJob {
    /// User id.
    pub user_id: String,
    /// UPN.
    pub upn: String,
    /// Display name, when the user is in the loaded queue; else the UPN.
    pub display_name: String,
    /// Why the job is in doubt.
    pub detail: Option<String>,
    /// The user's passkeys now.
    pub candidates: Vec<Candidate>,
}
