//! The settings screen's contract: every engine setting a desk keeps between runs, saved in
//! the app's config file next to the connection.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What to do with a key that already has a PIN, when the operator is not asked each time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum KeyWithPin {
    /// Refuse the key: the operator plugs a fresh one.
    #[default]
    Refuse,
    /// Skip the user for now.
    Skip,
}

/// The desk's settings. Missing fields in a saved file take their defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct DeskSettings {
    /// Digits in a generated PIN (4 to 63).
    pub pin_length: u8,
    /// A key that already has a PIN.
    pub key_with_pin: KeyWithPin,
    /// CTAP 2.1 minimum PIN length to set on keys that support it; none: leave it.
    pub min_pin_length: Option<u8>,
    /// CTAP 2.1 forceChangePin: the user must choose their own PIN at first use.
    pub force_change_pin: bool,
    /// Sign in once with the new passkey after registering it (one more touch).
    pub self_test: bool,
    /// The passkey's name in Entra; `{model}`, `{serial}`, `{upn}`, `{date}` are filled in.
    pub display_name: String,
    /// Delete the user's existing passkeys once the new one is registered (never before);
    /// the default a job's `existing` choice overrides.
    pub delete_existing_passkeys: bool,
    /// Delete Microsoft credentials found on a used key instead of warning.
    pub delete_key_credentials: bool,
    /// Check the tenant's FIDO2 policy before writing to a key.
    pub check_policy: bool,
    /// Stop when the FIDO2 policy cannot be read, instead of warning once.
    pub strict_policy: bool,
    /// Group (id or exact name) each registered user is added to; none: no move.
    pub provisioned_group: Option<String>,
    /// Group each registered user is removed from after that; none: stay.
    pub remove_from_queue_group: Option<String>,
    /// Go ahead with a key model KeyDesk cannot vouch for when the tenant enforces
    /// attestation.
    pub allow_unverified_attestation: bool,
    /// Graph API version of calls that do not need a specific one (`v1.0` or `beta`).
    pub api_version: String,
    /// Minutes a registration challenge is valid (Entra allows 5 to 43200); none: Entra's
    /// default.
    pub challenge_timeout_minutes: Option<u32>,
    /// Graph calls in flight at once.
    pub concurrency: u8,
    /// Minutes without input before the window locks; 0: never.
    pub idle_lock_minutes: u32,
    /// The letter template file (organisation name, logo, instruction text; TOML, or JSON
    /// when the name ends in `.json`) every letter the window renders uses; none: the
    /// built-in English one. Checked when saved.
    pub letter_template: Option<String>,
    /// The shared store for several desks (`postgres://user@host/db`, no password in it),
    /// joined at the next start; `--store` wins. None: the data folder's SQLite.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub store: Option<String>,
    /// This desk's name in the shared store (`--desk-name` wins); None: the host name.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub desk_name: Option<String>,
}

impl Default for DeskSettings {
    fn default() -> Self {
        DeskSettings {
            pin_length: 6,
            key_with_pin: KeyWithPin::Refuse,
            min_pin_length: None,
            force_change_pin: false,
            self_test: false,
            display_name: "{model} {serial}".to_owned(),
            delete_existing_passkeys: false,
            delete_key_credentials: false,
            check_policy: true,
            strict_policy: false,
            provisioned_group: None,
            remove_from_queue_group: None,
            allow_unverified_attestation: false,
            api_version: "v1.0".to_owned(),
            challenge_timeout_minutes: None,
            concurrency: 8,
            idle_lock_minutes: 10,
            letter_template: None,
            store: None,
            desk_name: None,
        }
    }
}
