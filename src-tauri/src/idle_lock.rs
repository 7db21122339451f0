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

#[cfg(all(test, feature = "demo"))]
mod tests {
    use std::time::Duration;

    use super::*;
    use keydesk_ipc::Connection;

    /// Demo mode's state with its data folder in `dir`, its connection made app-only.
    async fn app_only(dir: &std::path::Path) -> AppState {
        let mut state = AppState::start_demo(dir).await.unwrap();
        state.demo = None;
        let connection = Connection {
            mode: SignInMode::ClientSecret,
            ..Connection::default()
        };
        *state.connection.write().unwrap() = Some(connection);
        state
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_locked_window_refuses_the_pin_commands_until_the_passphrase_unlocks_it() {
        keydesk_tests::within(async {
            let dir = tempfile::tempdir().unwrap();
            let state = app_only(dir.path()).await;
            let first = lock_now(&state).unwrap();
            assert_eq!(first.unlock_with, UnlockWith::Passphrase);
            assert!(!first.passphrase_set);
            let refused = crate::commands::letters_to(&state, &[], "/tmp/never.pdf");
            assert_eq!(refused.unwrap_err().kind, ErrorKind::Locked);
            assert_eq!(
                crate::commands::pending_letters(&state).unwrap_err().kind,
                ErrorKind::Locked
            );

            // The first lock sets the passphrase, which unlocks.
            set_passphrase(&state, "desk seven pass", "desk seven pass").unwrap();
            assert!(!state.lock.is_locked());
            assert!(crate::commands::pending_letters(&state).is_ok());

            assert!(lock_now(&state).unwrap().passphrase_set);
            let now = Instant::now();
            let wrong = unlock(&state, Some("desk eight pass"), now).unwrap_err();
            assert_eq!(wrong.kind, ErrorKind::Passphrase);
            assert!(wrong.message.contains("4 more tries"), "{}", wrong.message);
            assert!(!wrong.message.contains("eight"), "{}", wrong.message);
            assert!(unlock(&state, None, now).is_err());
            assert!(state.lock.is_locked());
            for _ in 0..4 {
                let _ = unlock(&state, Some("desk eight pass"), now);
            }
            let waiting = unlock(&state, Some("desk seven pass"), now).unwrap_err();
            assert!(
                waiting.message.contains("wait 30 seconds"),
                "{}",
                waiting.message
            );
            assert!(state.lock.is_locked());
            unlock(
                &state,
                Some("desk seven pass"),
                now + Duration::from_secs(30),
            )
            .unwrap();
            assert!(!state.lock.is_locked());
            assert_eq!(lock_state(&state).unwrap(), None);

            // Closing and opening KeyDesk again starts it locked.
            lock_at_start(&state);
            assert!(lock_state(&state).unwrap().unwrap().passphrase_set);
            assert_eq!(
                crate::commands::pending_letters(&state).unwrap_err().kind,
                ErrorKind::Locked
            );
        })
        .await;
    }

    /// Signs in on the simulator's authorize page like a person, as `login_as` (a UPN)
    /// when given, else as the simulated operator.
    struct SimBrowser(Option<String>);

    impl keydesk_graph::BrowserOpener for SimBrowser {
        fn open(&self, url: &url::Url) -> Result<(), String> {
            let (url, login_as) = (url.clone(), self.0.clone());
            tokio::spawn(async move {
                let mut form: Vec<(String, String)> = url.query_pairs().into_owned().collect();
                form.push(("action".into(), "signin".into()));
                form.extend(login_as.map(|upn| ("login_as".to_owned(), upn)));
                let mut post_to = url.clone();
                post_to.set_query(None);
                let http = reqwest::Client::new();
                let landed = http.post(post_to).form(&form).send().await.unwrap();
                assert!(landed.status().is_redirection() || landed.status().is_success());
            });
            Ok(())
        }
    }

    fn browser(login_as: Option<String>) -> keydesk_graph::Credentials {
        keydesk_graph::Credentials::browser(
            std::sync::Arc::new(SimBrowser(login_as)),
            std::sync::Arc::new(keydesk_graph::MemoryStore::new()),
        )
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_delegated_window_unlocks_for_its_operator_signing_in_again_and_no_one_else() {
        keydesk_tests::within(async {
            let dir = tempfile::tempdir().unwrap();
            let mut state = AppState::start_demo(dir.path()).await.unwrap();
            // The simulator lives on in `demo`; the state is a browser sign-in's.
            let demo = state.demo.take().unwrap();
            let app = state.graph().unwrap();
            let group = app.find_group(&demo.sim.config().group).await.unwrap();
            let someone_else = app.group_users(&group.id).await.unwrap()[0].upn.clone();
            let config = app.config().clone();
            *state.graph.write().unwrap() = None;
            *state.connection.write().unwrap() = Some(Connection {
                mode: SignInMode::Browser,
                ..Connection::default()
            });
            // Before anyone signed in, there is nobody to sign in again: a click.
            assert_eq!(lock_now(&state).unwrap().unlock_with, UnlockWith::Click);
            unlock(&state, None, Instant::now()).unwrap();

            let operator = keydesk_graph::GraphClient::new(config, browser(None)).unwrap();
            operator.sign_in().await.unwrap();
            *state.graph.write().unwrap() = Some(operator);

            assert_eq!(lock_now(&state).unwrap().unlock_with, UnlockWith::SignIn);
            let click = unlock(&state, None, Instant::now()).unwrap_err();
            assert_eq!(click.kind, ErrorKind::SignIn);
            assert!(state.lock.is_locked());

            let other = unlock_by_sign_in(&state, browser(Some(someone_else.clone())))
                .await
                .unwrap_err();
            assert_eq!(other.kind, ErrorKind::SignIn);
            assert!(other.message.contains(&someone_else), "{}", other.message);
            assert!(other.message.contains("stays locked"), "{}", other.message);
            assert!(state.lock.is_locked());
            assert_eq!(
                crate::commands::pending_letters(&state).unwrap_err().kind,
                ErrorKind::Locked
            );

            unlock_by_sign_in(&state, browser(None)).await.unwrap();
            assert!(!state.lock.is_locked());
            assert!(crate::commands::pending_letters(&state).is_ok());
        })
        .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn demo_mode_unlocks_with_a_click() {
        keydesk_tests::within(async {
            let dir = tempfile::tempdir().unwrap();
            let state = AppState::start_demo(dir.path()).await.unwrap();
            let locked = lock_now(&state).unwrap();
            assert_eq!(locked.unlock_with, UnlockWith::Click);
            assert!(locked.demo);
            assert_eq!(
                crate::commands::pending_letters(&state).unwrap_err().kind,
                ErrorKind::Locked
            );
            unlock(&state, None, Instant::now()).unwrap();
            assert!(crate::commands::pending_letters(&state).is_ok());
        })
        .await;
    }
}
