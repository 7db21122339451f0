//! The phone flow's types ([`crate::phone`] re-exports them): how a pass is issued and
//! watched ([`PhoneOptions`]), its progress ([`PhoneEvent`], never carrying the pass), the
//! issued pass ([`PhoneSession`]) and how the watch ended ([`PhoneResult`]).

use std::time::Duration;

use keydesk_core::DirectoryUser;
use keydesk_graph::{TapCode, TemporaryAccessPass};
use serde::Serialize;

use crate::inventory::PhonePlatform;

/// How the pass is issued and how long the desk watches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneOptions {
    /// Lifetime of the pass; the policy's default when `None`.
    pub lifetime_minutes: Option<u32>,
    /// One sign-in only (the default: the pass is needed once, on the phone).
    pub one_time: bool,
    /// Replace a pass the user already holds (Graph would do so silently).
    pub replace: bool,
    /// How long to wait for the passkey.
    pub timeout: Duration,
    /// How often to list the user's passkeys.
    pub poll_every: Duration,
}

impl Default for PhoneOptions {
    fn default() -> Self {
        PhoneOptions {
            lifetime_minutes: None,
            one_time: true,
            replace: false,
            timeout: Duration::from_secs(15 * 60),
            poll_every: Duration::from_secs(5),
        }
    }
}

/// Progress of one phone, for the window or the terminal. Never carries the pass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "event", content = "data", rename_all = "camelCase")]
pub enum PhoneEvent {
    /// Listed the user's passkeys; no Authenticator passkey yet.
    Waiting {
        /// The user.
        upn: String,
        /// Seconds since the watch began.
        elapsed_secs: u64,
    },
    /// The phone's passkey appeared.
    Detected {
        /// The user.
        upn: String,
        /// iOS or Android.
        platform: PhonePlatform,
        /// Its Entra method id.
        method_id: String,
    },
    /// The operator stopped waiting.
    Cancelled {
        /// The user.
        upn: String,
    },
    /// No passkey within the timeout.
    TimedOut {
        /// The user.
        upn: String,
    },
    /// The pass was deleted (or was already gone).
    PassDeleted {
        /// The user.
        upn: String,
    },
}

/// A pass issued for a phone: show [`PhoneSession::pass`], then [`crate::phone::watch_for_phone`].
#[derive(Debug)]
pub struct PhoneSession {
    /// The user.
    pub user: DirectoryUser,
    /// The pass (its code is redacted in `Debug`).
    pub tap: TemporaryAccessPass,
    /// Its lifetime in minutes (as asked, or the policy's default).
    pub lifetime_minutes: u32,
    /// Passkey method ids the user held before, which are not the phone's.
    pub(crate) before: Vec<String>,
}

impl PhoneSession {
    /// The code to show to whoever holds the phone.
    pub fn pass(&self) -> &TapCode {
        &self.tap.pass
    }
}

/// How the watch ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhoneOutcome {
    /// The passkey appeared and the phone is in the inventory.
    Registered {
        /// iOS or Android.
        platform: PhonePlatform,
        /// Its Entra method id.
        method_id: String,
        /// The inventory entry.
        inventory_id: i64,
    },
    /// Cancelled by the operator.
    Cancelled,
    /// No passkey within the timeout.
    TimedOut,
}

/// The outcome, and whether the pass is gone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneResult {
    /// How it ended.
    pub outcome: PhoneOutcome,
    /// `false` when deleting the pass failed: it then expires on its own (audited).
    pub pass_deleted: bool,
}
