//! The idle lock's commands: lock, unlock, set the station passphrase
//! (the work is in `crate::state::idle_lock`).

use std::time::Instant;

use keydesk_ipc::{ErrorKind, IpcError, LockState, SignInEvent};
use tauri::ipc::Channel;
use tauri::State;

use crate::state::idle_lock;
use crate::state::Started;
use crate::{convert, signin};

/// How the window unlocks if it started locked, else `None`.
#[tauri::command]
pub fn lock_state(state: State<'_, Started>) -> Result<Option<LockState>, IpcError> {
    idle_lock::lock_state(state.get()?)
}

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

/// Unlocks in the delegated modes when the same operator signs in again.
#[tauri::command]
pub async fn unlock_sign_in(
    state: State<'_, Started>,
    on_event: Channel<SignInEvent>,
) -> Result<(), IpcError> {
    let state = state.get()?;
    let connection = state
        .connection
        .read()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    let (Some(connection), Some(graph)) = (connection, state.graph()) else {
        return Err(convert::plain(
            ErrorKind::SignIn,
            "Nobody is signed in, so there is no operator to sign in again.",
            "Restart KeyDesk and sign in.",
        ));
    };
    let credentials = signin::credentials(&connection, graph.config(), None, on_event)
        .map_err(|e| convert::graph_error(&e))?;
    idle_lock::unlock_by_sign_in(state, credentials).await
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

#[cfg(all(test, feature = "demo"))]
#[path = "lock_tests.rs"]
mod tests;
