//! What streams to the UI over a channel while a command runs. Events use `{event, data}`
//! tagging so the UI can switch on `event`.

use serde::Serialize;
use ts_rs::TS;

use crate::{BatchSummary, IpcError, KeyView, Registered};

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
    /// Simulated keys only: a key a batch refused (a PIN on it, its model) was taken out
    /// and is now in the drawer of pulled keys, to be plugged back in (after `removed`).
    Drawer(KeyView),
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
    /// A reset must follow a fresh plug-in: waiting for the key to be pulled and plugged
    /// back in.
    ReplugKey,
    /// Resetting the key: it waits for a touch, within 10 s of being plugged in.
    ResetKey,
    /// Sending the passkey to Entra.
    Registering,
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
    /// The job holds this key (its card names the user).
    #[serde(rename_all = "camelCase")]
    KeyTaken {
        /// The key's id.
        key_id: String,
    },
    /// Done.
    Registered(Registered),
    /// Stopped.
    Failed(IpcError),
}

/// Progress of a batch (`batch_start`): each user in progress on its own key, in the
/// order things happen; several users are in progress at once.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "event", content = "data", rename_all = "camelCase")]
#[ts(export)]
pub enum BatchEvent {
    /// A step of one user started; its key card shows `message`.
    #[serde(rename_all = "camelCase")]
    Step {
        /// The user.
        user_id: String,
        /// The user's display name, for the key card.
        display_name: String,
        /// Which step.
        step: Step,
        /// What the operator reads on that key's card.
        message: String,
    },
    /// A user's job holds this key (its card names the user).
    #[serde(rename_all = "camelCase")]
    KeyTaken {
        /// The user.
        user_id: String,
        /// The user's display name, for the key card.
        display_name: String,
        /// The key's id.
        key_id: String,
    },
    /// A user was registered: the PIN for the letter, once.
    Registered(Registered),
    /// A user ended without a registration (failed, skipped, not eligible).
    #[serde(rename_all = "camelCase")]
    Failed {
        /// The user.
        user_id: String,
        /// The user's display name, for the key card (a user may fail before any step).
        display_name: String,
        /// Why.
        error: IpcError,
        /// The model of the key it failed on (as the key cards name it), when the journal
        /// recorded a key for this user.
        key_model: Option<String>,
    },
    /// No user is in progress any more: the queue is done, or the batch was stopped.
    #[serde(rename_all = "camelCase")]
    Finished {
        /// Users registered in this batch.
        registered: u32,
        /// Users that failed or were skipped in this batch.
        failed: u32,
        /// *Stop batch* ended it before the queue was done.
        stopped: bool,
        /// What the batch did, for the summary (exported with `batch_summary_save`).
        summary: BatchSummary,
    },
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
