//! The simulated tenant's Temporary Access Pass method policy, as Graph renders it
//! (`temporaryAccessPassAuthenticationMethodConfiguration`) and as `POST /_sim/tapPolicy`
//! sets it. Entra's defaults: enabled, one hour by default, one to eight hours, reusable
//! passes allowed, eight characters.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// The policy in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TapPolicy {
    /// `state: enabled`.
    pub enabled: bool,
    /// Lifetime when a request names none.
    pub default_lifetime_in_minutes: u32,
    /// Shortest lifetime accepted.
    pub minimum_lifetime_in_minutes: u32,
    /// Longest lifetime accepted.
    pub maximum_lifetime_in_minutes: u32,
    /// Every pass is one-time; a request for a reusable one is refused.
    pub is_usable_once: bool,
    /// Characters in a pass (8..=48).
    pub default_length: u32,
}

impl Default for TapPolicy {
    fn default() -> Self {
        TapPolicy {
            enabled: true,
            default_lifetime_in_minutes: 60,
            minimum_lifetime_in_minutes: 60,
            maximum_lifetime_in_minutes: 480,
            is_usable_once: false,
            default_length: 8,
        }
    }
}

impl TapPolicy {
    /// Graph's rendering of the policy.
    pub fn to_graph(&self) -> Value {
        json!({
            "@odata.type": "#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration",
            "id": "TemporaryAccessPass",
            "state": if self.enabled { "enabled" } else { "disabled" },
            "defaultLifetimeInMinutes": self.default_lifetime_in_minutes,
            "defaultLength": self.default_length,
            "minimumLifetimeInMinutes": self.minimum_lifetime_in_minutes,
            "maximumLifetimeInMinutes": self.maximum_lifetime_in_minutes,
            "isUsableOnce": self.is_usable_once,
            "includeTargets": [{"targetType": "group", "id": "all_users", "isRegistrationRequired": false}],
        })
    }
}
