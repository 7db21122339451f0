//! The one place that declares what crosses between the Rust backend and the UI.
//!
//! Every type derives [`ts_rs::TS`]; `cargo test -p keydesk-ipc` writes them to
//! `ui/src/bindings/` (see `.cargo/config.toml`). The generated files are committed and
//! `make test` fails when they are stale. Events use `{event, data}` tagging so the UI can
//! switch on `event`.
//!
//! Commands (in `src-tauri/src/commands.rs`):
//! - `app_info() -> Result<AppInfo, IpcError>`: rejects only when the app could not
//!   start (then every command rejects with the same error, and the window shows it)
//! - `queue_load() -> Result<QueueUser[], IpcError>`
//! - `provision(userId, onEvent: Channel<ProvisionEvent>) -> Result<(), IpcError>`
//! - `keys_watch(onEvent: Channel<KeyEvent>) -> Result<(), IpcError>`
//! - demo only: `demo_plug_key() -> KeyView`, `demo_pull_key(keyId)`, `demo_touch_key(keyId)`

use serde::Serialize;
use ts_rs::TS;

/// What the window shows in its header.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AppInfo {
    /// Running against the simulated tenant and simulated keys.
    pub demo: bool,
    /// Tenant shown to the operator.
    pub tenant: String,
    /// The group whose users form the queue.
    pub group: String,
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
    /// Serial, when the key exposes one.
    pub serial: Option<String>,
    /// AAGUID as a UUID string.
    pub aaguid: String,
    /// A simulated key (the demo panel can touch and pull it).
    pub simulated: bool,
    /// The key waits for a touch.
    pub awaiting_touch: bool,
}

/// Changes in the set of plugged keys.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "event", content = "data", rename_all = "camelCase")]
#[ts(export)]
pub enum KeyEvent {
    /// A key was plugged (or was present when watching started).
    Added(KeyView),
    /// A key changed (e.g. it now waits for a touch).
    Changed(KeyView),
    /// A key was pulled.
    Removed {
        /// The key's id.
        id: String,
    },
    /// Every key present at start has been reported.
    EnumerationComplete,
}

/// The steps of one user's provisioning, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Step {
    /// Getting creation options from Graph.
    FetchingOptions,
    /// Waiting for a key to be plugged.
    InsertKey,
    /// Reading the key's state.
    CheckingKey,
    /// Setting the new PIN.
    SettingPin,
    /// Waiting for the operator to touch the key.
    TouchKey,
    /// Sending the passkey to Entra.
    Registering,
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
    /// The passkey's display name in Entra.
    pub method_name: String,
}

/// Progress of one `provision` call.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "event", content = "data", rename_all = "camelCase")]
#[ts(export)]
pub enum ProvisionEvent {
    /// A step started; `message` is the prompt to show.
    Step {
        /// Which step.
        step: Step,
        /// What the operator reads.
        message: String,
    },
    /// Done.
    Registered(Registered),
    /// Stopped.
    Failed(IpcError),
}

/// Error categories the UI branches on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ErrorKind {
    /// Could not get a token.
    SignIn,
    /// Graph refused: a permission or role is missing.
    GraphForbidden,
    /// Graph throttled us past our retry budget.
    GraphThrottled,
    /// Any other Graph error.
    Graph,
    /// The network failed.
    Network,
    /// The key's PIN is blocked.
    PinBlocked,
    /// The key was pulled mid-operation.
    KeyRemoved,
    /// Nobody touched the key.
    TouchTimeout,
    /// The key already holds a passkey for this user.
    CredentialExcluded,
    /// Any other key failure.
    Key,
    /// The user cannot be provisioned (guest, disabled, already registered).
    NotEligible,
    /// Another operation is running.
    Busy,
    /// The journal (database) failed.
    Journal,
    /// Another KeyDesk (window or command line) is using the data folder: this one did not
    /// start.
    DataFolderInUse,
    /// A registration could not be confirmed or ruled out: never retried on its own.
    NeedsAttention,
    /// Something KeyDesk did not expect.
    Internal,
}

/// An error as the UI shows it: what happened and what to do.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct IpcError {
    /// Category.
    pub kind: ErrorKind,
    /// What happened.
    pub message: String,
    /// What to do.
    pub remediation: String,
    /// Graph's request-id, to quote to Microsoft support.
    pub request_id: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_tagged_for_the_ui() {
        let e = ProvisionEvent::Step {
            step: Step::TouchKey,
            message: "Touch".into(),
        };
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"event":"step","data":{"step":"touchKey","message":"Touch"}}"#
        );
        let k = KeyEvent::Removed { id: "k1".into() };
        assert_eq!(
            serde_json::to_string(&k).unwrap(),
            r#"{"event":"removed","data":{"id":"k1"}}"#
        );
    }
}
