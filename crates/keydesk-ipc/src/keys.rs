//! A key that is not fresh: what the operator chooses for it, and the demo key panel's
//! keys that come with a PIN or a chosen model.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::KeyView;

/// What to do, for one job only, with a key that already has a PIN (the desk's setting
/// refused it). Skipping the user is `queue_skip`.
#[derive(Clone, Deserialize, TS)]
#[serde(tag = "choice", rename_all = "camelCase")]
#[ts(export)]
pub enum PinChoice {
    /// Change the PIN: the operator typed the key's current PIN.
    #[serde(rename_all = "camelCase")]
    Change {
        /// The key's current PIN (never logged or stored).
        current_pin: String,
    },
    /// Reset the key (every credential on it is lost): the operator confirmed it.
    Reset,
}

impl std::fmt::Debug for PinChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PinChoice::Change { .. } => f.write_str("Change { current_pin: <redacted> }"),
            PinChoice::Reset => f.write_str("Reset"),
        }
    }
}

/// The demo key panel's *Plug in*: a blank key, or one that already has a PIN, of the
/// model with this AAGUID.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PlugKey {
    /// Set a PIN on the key before it is plugged (the panel shows it).
    pub with_pin: bool,
    /// The AAGUID the key reports (one of [`DemoModel`]s' ids); none: the simulator's own
    /// model.
    pub aaguid: Option<String>,
}

/// A simulated key just plugged in.
#[derive(Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PluggedKey {
    /// The key.
    pub key: KeyView,
    /// The PIN it was given, for the tester to type (only simulated keys have one here).
    pub pin: Option<String>,
}

impl std::fmt::Debug for PluggedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PluggedKey")
            .field("key", &self.key)
            .field("pin", &self.pin.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// A model the demo key panel can plug a key of.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DemoModel {
    /// AAGUID as a UUID string.
    pub aaguid: String,
    /// Model name.
    pub name: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_carries_the_pin_but_never_prints_it() {
        let choice: PinChoice =
            serde_json::from_str(r#"{"choice":"change","currentPin":"482913"}"#).unwrap();
        assert!(matches!(&choice, PinChoice::Change { current_pin } if current_pin == "482913"));
        assert!(!format!("{choice:?}").contains("482913"));
        let reset: PinChoice = serde_json::from_str(r#"{"choice":"reset"}"#).unwrap();
        assert!(matches!(reset, PinChoice::Reset));
    }
}
