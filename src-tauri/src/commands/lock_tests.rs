//! The idle lock against demo mode's state: PIN commands refused while locked, the
//! passphrase, the click and the sign-in again that unlock (`crate::state::idle_lock`).

use std::time::{Duration, Instant};

use keydesk_ipc::{Connection, ErrorKind, SignInMode, UnlockWith};

use crate::state::idle_lock::*;
use crate::state::AppState;

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
