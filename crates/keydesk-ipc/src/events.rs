//! What streams to the UI over a channel while a command runs. Events use `{event, data}`
//! tagging so the UI can switch on `event`.

use serde::Serialize;
use ts_rs::TS;

use crate::{IpcError, KeyView, Registered};

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
