//! A phone handed out with a passkey in Microsoft Authenticator, from the window: the
//! request, and the progress that streams while the desk waits for the phone's passkey.
//! The pass crosses once, in [`PhoneEvent::PassIssued`], to be shown; nothing else
//! carries it.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::IpcError;

/// A phone to hand out: the user, and how the pass is issued.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PhoneRequest {
    /// The user, by object id or UPN.
    pub user_id: String,
    /// Lifetime of the pass in minutes, within the TAP policy; its default when none.
    pub lifetime_minutes: Option<u32>,
    /// Replace a pass the user already holds (the operator asked the user first).
    pub replace: bool,
}

/// The phone's platform, from the passkey's AAGUID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum PhoneKind {
    /// Microsoft Authenticator on iOS.
    Ios,
    /// Microsoft Authenticator on Android.
    Android,
}

/// How the wait for the phone ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "outcome", rename_all = "camelCase")]
#[ts(export)]
pub enum PhoneDone {
    /// The passkey appeared; the phone is in the inventory.
    #[serde(rename_all = "camelCase")]
    Registered {
        /// iOS or Android.
        platform: PhoneKind,
        /// `false` when the pass could not be deleted (it expires on its own; audited).
        pass_deleted: bool,
    },
    /// The operator cancelled.
    #[serde(rename_all = "camelCase")]
    Cancelled {
        /// As above.
        pass_deleted: bool,
    },
    /// No passkey within the wait.
    #[serde(rename_all = "camelCase")]
    TimedOut {
        /// As above.
        pass_deleted: bool,
    },
}

/// Progress of one `phone_hand_out` call.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "event", content = "data", rename_all = "camelCase")]
#[ts(export)]
pub enum PhoneEvent {
    /// The pass was issued: show it with the steps, then wait.
    #[serde(rename_all = "camelCase")]
    PassIssued {
        /// The user's UPN (what the technician types in Authenticator).
        upn: String,
        /// The user's name.
        display_name: String,
        /// The Temporary Access Pass, shown to whoever holds the phone; never stored.
        pass: String,
        /// How long it is valid.
        lifetime_minutes: u32,
        /// How long the desk waits for the passkey.
        wait_secs: u32,
    },
    /// Listed the user's passkeys; the phone's is not there yet.
    #[serde(rename_all = "camelCase")]
    Waiting {
        /// Seconds since the wait began.
        elapsed_secs: u32,
    },
    /// The phone's passkey appeared.
    Detected {
        /// iOS or Android.
        platform: PhoneKind,
    },
    /// The pass was deleted (or was already gone).
    PassDeleted,
    /// The wait is over.
    Done(PhoneDone),
    /// Stopped before or while waiting (a refused pass, Graph failing).
    Failed(IpcError),
}
