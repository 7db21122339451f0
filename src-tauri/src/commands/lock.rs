//! The idle lock's commands: lock, unlock, set the station passphrase
//! (the work is in `crate::idle_lock`).

use std::time::Instant;

use keydesk_ipc::{IpcError, LockState};
use tauri::State;

use crate::idle_lock;
use crate::state::Started;

/// Locks the window; says how it unlocks.
#[tauri::command]
pub fn lock_now(state: State<'_, Started>) -> Result<LockState, IpcError> {
    idle_lock::lock_now(state.get()?)
}

/// Unlocks, with the station passphrase in the app-only modes.
#[tauri::command]
pub fn unlock(state: State<'_, Started>, passphrase: Option<String>) -> Result<(), IpcError> {
    let passphrase = passphrase.map(zeroize::Zeroizing::new);
    idle_lock::unlock(
        state.get()?,
        passphrase.as_deref().map(String::as_str),
        Instant::now(),
    )
}

/// Sets the station passphrase, once, and unlocks.
#[tauri::command]
pub fn station_passphrase_set(
    state: State<'_, Started>,
    passphrase: String,
    again: String,
) -> Result<(), IpcError> {
    let passphrase = zeroize::Zeroizing::new(passphrase);
    let again = zeroize::Zeroizing::new(again);
    idle_lock::set_passphrase(state.get()?, &passphrase, &again)
}
