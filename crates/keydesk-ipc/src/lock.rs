//! The idle lock: how this station unlocks once the window locked itself.

use serde::Serialize;
use ts_rs::TS;

/// What the lock screen asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum UnlockWith {
    /// A click: demo mode, to keep the demo easy (and a station with no connection yet).
    Click,
    /// The operator who was signed in signs in again (delegated modes: browser, device
    /// code); another account is refused.
    SignIn,
    /// The station passphrase (app-only modes: certificate, client secret).
    Passphrase,
}

/// The lock as `lock_now` left it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LockState {
    /// How to unlock.
    pub unlock_with: UnlockWith,
    /// Whether the station has a passphrase yet; without one the lock screen sets it
    /// first (typed twice), which also unlocks.
    pub passphrase_set: bool,
    /// Demo mode: the screen says why one click is enough.
    pub demo: bool,
}
