//! The idle lock's backend half: a flag the window sets when it locks (`lock_now`) and
//! only a successful unlock clears, which the commands that show PINs check
//! ([`IdleLock::refuse_if_locked`]), so a locked window cannot be read through the IPC
//! either. App-only modes unlock with the station passphrase
//! (`keydesk_engine::station_pass`, its hash in the station's secret store); delegated
//! modes when the operator who was signed in signs in again ([`unlock_by_sign_in`]);
//! demo mode with a click.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use keydesk_engine::station_pass::{self, PassError, Tries};
use keydesk_ipc::{ErrorKind, IpcError, LockState, SignInMode, UnlockWith};

use crate::convert;
use crate::state::AppState;

/// The lock flag and the passphrase tries of this window.
#[derive(Debug, Default)]
pub struct IdleLock {
    locked: AtomicBool,
    tries: Mutex<Tries>,
}

impl IdleLock {
    /// Whether the window is locked now.
    pub fn is_locked(&self) -> bool {
        self.locked.load(Ordering::SeqCst)
    }

    /// Refuses a command that would show a PIN (or a pass) while the window is locked.
    pub fn refuse_if_locked(&self) -> Result<(), IpcError> {
        if !self.is_locked() {
            return Ok(());
        }
        Err(convert::plain(
            ErrorKind::Locked,
            "KeyDesk is locked, so it shows no PIN.",
            "Unlock the window first.",
        ))
    }
}

/// How `state`'s station unlocks.
fn unlock_with(state: &AppState) -> UnlockWith {
    if state.demo.is_some() {
        return UnlockWith::Click;
    }
    let connection = state.connection.read().unwrap_or_else(|p| p.into_inner());
    match connection.as_ref().map(|c| c.mode) {
        Some(SignInMode::Certificate | SignInMode::ClientSecret) => UnlockWith::Passphrase,
        // Nobody signed in yet (a delegated sign-in is not kept between starts): there is
        // no operator to sign in again, and the connection screen asks for a sign-in anyway.
        Some(SignInMode::Browser | SignInMode::DeviceCode) if state.graph().is_some() => {
            UnlockWith::SignIn
        }
        Some(SignInMode::Browser | SignInMode::DeviceCode) | None => UnlockWith::Click,
    }
}

/// A station that unlocks with its passphrase starts locked once it has one, so closing
/// and opening KeyDesk again is no way around the lock (a keyring that does not answer
/// locks too).
pub fn lock_at_start(state: &AppState) {
    if unlock_with(state) == UnlockWith::Passphrase
        && station_pass::is_set(state.station.store.as_ref()).unwrap_or(true)
    {
        state.lock.locked.store(true, Ordering::SeqCst);
    }
}

/// How the window unlocks if it is locked now (it started locked), else `None`.
pub fn lock_state(state: &AppState) -> Result<Option<LockState>, IpcError> {
    if state.lock.is_locked() {
        describe(state).map(Some)
    } else {
        Ok(None)
    }
}

/// Locks the window; says how it unlocks.
pub fn lock_now(state: &AppState) -> Result<LockState, IpcError> {
    state.lock.locked.store(true, Ordering::SeqCst);
    describe(state)
}

/// How this station unlocks, for the lock screen.
fn describe(state: &AppState) -> Result<LockState, IpcError> {
    let passphrase_set =
        station_pass::is_set(state.station.store.as_ref()).map_err(|e| pass_error(&e))?;
    Ok(LockState {
        unlock_with: unlock_with(state),
        passphrase_set,
        demo: state.demo.is_some(),
    })
}

/// Unlocks with `passphrase` (app-only modes) or with none (demo mode); a refusal leaves
/// the window locked. The delegated modes unlock only with [`unlock_by_sign_in`].
pub fn unlock(state: &AppState, passphrase: Option<&str>, now: Instant) -> Result<(), IpcError> {
    let how = unlock_with(state);
    if how == UnlockWith::SignIn {
        return Err(convert::plain(
            ErrorKind::SignIn,
            "This window unlocks when its operator signs in again.",
            "Select Sign in again and sign in with the account that was signed in.",
        ));
    }
    if how == UnlockWith::Passphrase {
        let Some(passphrase) = passphrase else {
            return Err(convert::plain(
                ErrorKind::Passphrase,
                "This station unlocks with its passphrase.",
                "Type the station passphrase.",
            ));
        };
        let mut tries = state.lock.tries.lock().unwrap_or_else(|p| p.into_inner());
        tries
            .check(state.station.store.as_ref(), passphrase, now)
            .map_err(|e| pass_error(&e))?;
    }
    state.lock.locked.store(false, Ordering::SeqCst);
    Ok(())
}

/// Unlocks in the delegated modes: `credentials` (the saved connection's interactive
/// sign-in, with a fresh token cache) sign in again, and the window unlocks only if the
/// account is the operator signed in now (same object id); another account is refused
/// and the window stays locked.
pub async fn unlock_by_sign_in(
    state: &AppState,
    credentials: keydesk_graph::Credentials,
) -> Result<(), IpcError> {
    if unlock_with(state) != UnlockWith::SignIn {
        return Err(convert::plain(
            ErrorKind::InvalidInput,
            "This station does not unlock by signing in again.",
            "Unlock it the way its lock screen says.",
        ));
    }
    let graph_error = |e: keydesk_graph::GraphError| convert::graph_error(&e);
    let current = state.graph().ok_or_else(|| {
        convert::plain(
            ErrorKind::SignIn,
            "Nobody is signed in, so there is no operator to sign in again.",
            "Restart KeyDesk and sign in.",
        )
    })?;
    let was = current.operator().await.map_err(graph_error)?;
    let fresh = keydesk_graph::GraphClient::new(current.config().clone(), credentials)
        .map_err(graph_error)?;
    fresh.sign_in().await.map_err(graph_error)?;
    let now = fresh.operator().await.map_err(graph_error)?;
    if now.id != was.id {
        let name = |op: &keydesk_graph::Operator| op.upn.clone().unwrap_or_else(|| op.id.clone());
        return Err(convert::plain(
            ErrorKind::SignIn,
            format!(
                "{} signed in, but this window was locked with {} signed in: it stays locked.",
                name(&now),
                name(&was)
            ),
            format!("Sign in again as {}.", name(&was)),
        ));
    }
    state.lock.locked.store(false, Ordering::SeqCst);
    Ok(())
}

/// Sets the station passphrase (once) and unlocks.
pub fn set_passphrase(state: &AppState, passphrase: &str, again: &str) -> Result<(), IpcError> {
    station_pass::set(state.station.store.as_ref(), passphrase, again)
        .map_err(|e| pass_error(&e))?;
    state.lock.locked.store(false, Ordering::SeqCst);
    Ok(())
}

/// A passphrase error as the window shows it: what happened (never the passphrase) and
/// what to do.
fn pass_error(error: &PassError) -> IpcError {
    let remediation = match error {
        PassError::TooShort | PassError::Mismatch => "Type the same passphrase in both fields.",
        PassError::AlreadySet => "Unlock with the passphrase set before.",
        PassError::NotSet => "Set a station passphrase first.",
        PassError::Wrong { .. } => "Type the station passphrase again.",
        PassError::Waiting { .. } => "Wait, then type the station passphrase again.",
        PassError::Corrupt | PassError::Store(_) => {
            "Check that the OS keyring is unlocked and answers, then try again."
        }
    };
    let kind = match error {
        PassError::Corrupt | PassError::Store(_) => ErrorKind::SecretStore,
        _ => ErrorKind::Passphrase,
    };
    convert::plain(kind, error.to_string(), remediation)
}
