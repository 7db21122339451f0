//! An error as it crosses to the UI: a kind to branch on, what happened, what to do.
//!
//! Each kind is one cause a screen may treat differently. `src-tauri/src/convert.rs` maps
//! every engine, Graph and key error onto exactly one of them; the UI's list of kinds
//! (`ERROR_KINDS` in `ui/src/bindings/errorKinds.ts`) is generated from this enum.

use serde::Serialize;
use ts_rs::TS;

/// Error categories the UI branches on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ErrorKind {
    // Signing in and Microsoft Graph.
    /// Could not get a token (also a 401 from Graph).
    SignIn,
    /// Graph refused (403): a permission or role is missing.
    GraphForbidden,
    /// Graph throttled us past our retry budget.
    GraphThrottled,
    /// Graph was unavailable (503/504).
    GraphUnavailable,
    /// Graph did not answer in time.
    GraphTimeout,
    /// The network failed.
    Network,
    /// Graph found no such object (404), or no group has the configured name.
    GraphNotFound,
    /// Several groups have the configured name.
    GroupAmbiguous,
    /// Graph refused the request (400, 409…).
    GraphRejected,
    /// Graph answered something KeyDesk does not understand.
    GraphMalformed,
    /// KeyDesk refused to send something Graph would refuse.
    InvalidInput,
    /// The configured cloud does not offer this feature.
    NotInCloud,
    /// This version of KeyDesk's Graph client cannot do this.
    Unsupported,
    /// The OS keyring holding the sign-in secret or tokens failed.
    SecretStore,
    /// Any other Graph error.
    Graph,

    // The security key.
    /// The key already has a PIN (and the settings refuse such keys).
    KeyHasPin,
    /// The key has too few PIN retries left to risk them.
    PinRetriesLow,
    /// The key's PIN is blocked: only a reset makes the key usable.
    PinBlocked,
    /// Three wrong PINs in a row: the key wants to be re-plugged.
    PinAuthBlocked,
    /// The PIN was wrong.
    PinInvalid,
    /// The key refused the PIN, or no PIN the policy makes fits the key.
    PinPolicy,
    /// The operating system does not let KeyDesk talk to the key (hidraw access on Linux,
    /// administrator rights on Windows).
    KeyNoPermission,
    /// The key was pulled mid-operation.
    KeyRemoved,
    /// No key came.
    NoKey,
    /// The key stopped answering.
    KeyTimeout,
    /// Nobody touched the key.
    TouchTimeout,
    /// The key's operation was cancelled.
    Cancelled,
    /// The key already holds a passkey for this user.
    CredentialExcluded,
    /// The key has no room for another passkey.
    KeyFull,
    /// This key (model) cannot do the job.
    KeyUnsuitable,
    /// The key answered the self-test with another credential.
    SelfTestFailed,
    /// A PIN write to the key was interrupted and its PIN is not known: reset it.
    PinUnknown,
    /// Any other key failure.
    Key,

    // The user and the tenant's policy.
    /// The user cannot be provisioned (guest, disabled, skipped).
    NotEligible,
    /// The user got a passkey in an earlier run.
    AlreadyRegistered,
    /// The user's key was reported lost: reissue it explicitly.
    Revoked,
    /// The tenant's FIDO2 policy turns off the method or the self-service setup
    /// provisioning needs.
    ProvisioningDisabled,
    /// The tenant's FIDO2 policy refuses this key model.
    PolicyRefusesKey,
    /// The registration challenge expired before it could be sent.
    ChallengeExpired,
    /// The user holds a directory role the operator has not confirmed by name.
    RoleHolder,
    /// A registration could not be confirmed or ruled out: never retried on its own.
    NeedsAttention,
    /// A decision was given for a job that does not need one.
    NothingToResolve,
    /// The operator named a passkey the user does not have.
    UnknownMethod,
    /// What the operator named matches several keys: nothing was changed.
    AmbiguousMatch,
    /// The user holds an active Temporary Access Pass: ask before replacing it.
    PassActive,

    // This station.
    /// Another operation is running.
    Busy,
    /// Another desk on the shared store is working this user.
    AtAnotherDesk,
    /// The journal (database) failed.
    Journal,
    /// The audit log could not be written: provisioning stopped.
    AuditFailed,
    /// The PIN escrow (its key in the OS keyring or key file) cannot be used.
    EscrowUnavailable,
    /// Another KeyDesk (window or command line) is using the data folder: this one did not
    /// start.
    DataFolderInUse,
    /// The window is locked: unlock it first (commands that show PINs are refused).
    Locked,
    /// The station passphrase was refused: too short, typed differently, wrong, or
    /// wrong too often (wait).
    Passphrase,
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
    /// The PIN tries the key has left, when the error is about a key's PIN and the key
    /// said (`keyHasPin`); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub pin_retries: Option<u8>,
}
