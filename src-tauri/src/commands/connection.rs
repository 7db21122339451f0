//! The connection screen's commands: what is saved, sign in, sign out, the tenant check.

use keydesk_engine::tenant_check;
use keydesk_graph::{GraphClient, KeyringStore, Secret, SecretStore};
use keydesk_ipc::{
    AppInfo, CheckLine, Connection, ConnectionState, ErrorKind, IpcError, NewSecret, SignInEvent,
    Verdict,
};
use tauri::ipc::Channel;
use tauri::State;

use super::signed_in;
use crate::convert;
use crate::signin;
use crate::state::Started;

const DEMO_FIXED: &str = "The demo is signed in to its simulated tenant.";
const DEMO_REMEDIATION: &str = "Start KeyDesk without --demo to sign in to your tenant.";

/// The saved connection and whether the desk is signed in.
#[tauri::command]
pub fn connection_load(state: State<'_, Started>) -> Result<ConnectionState, IpcError> {
    let state = state.get()?;
    let connection = state
        .connection
        .read()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    let secret_stored = match (&connection, state.config_dir.is_some()) {
        (Some(c), true) => {
            let config = signin::graph_config(c, &state.settings());
            signin::secret_key(c, &config)
                .and_then(|key| KeyringStore::new().get(&key).ok().flatten())
                .is_some()
        }
        _ => false,
    };
    let mut waiting = state
        .start_sign_in
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    Ok(ConnectionState {
        connection,
        signed_in: state.graph().is_some(),
        secret_stored,
        demo: state.demo.is_some(),
        // A sign-in still running shows its prompt until it ends; its failure is told once.
        start_running: waiting.running,
        waiting: waiting.prompt.clone().filter(|_| waiting.running),
        start_failed: waiting.failed.take(),
    })
}

/// Saves the connection, keeps a typed secret in the keyring, signs in.
#[tauri::command]
pub async fn sign_in(
    state: State<'_, Started>,
    connection: Connection,
    secret: Option<NewSecret>,
    on_event: Channel<SignInEvent>,
) -> Result<AppInfo, IpcError> {
    let state = state.get()?;
    if state.demo.is_some() {
        return Err(convert::plain(
            ErrorKind::InvalidInput,
            DEMO_FIXED,
            DEMO_REMEDIATION,
        ));
    }
    let settings = state.settings();
    if let Some(dir) = &state.config_dir {
        crate::config::update(dir, |file| {
            file.connection = Some(connection.clone());
            file.settings = settings.clone();
        })
        .map_err(|e| {
            convert::plain(
                ErrorKind::Internal,
                e,
                "Check that the config folder is writable.",
            )
        })?;
    }
    *state.connection.write().unwrap_or_else(|p| p.into_inner()) = Some(connection.clone());
    super::forget_unless_named(state, &connection.group);
    let config = signin::graph_config(&connection, &settings);
    let secret = secret.map(|s| Secret::new(s.value));
    let credentials = signin::credentials(&connection, &config, secret, on_event)
        .map_err(|e| convert::graph_error(&e))?;
    let graph = GraphClient::new(config, credentials).map_err(|e| convert::graph_error(&e))?;
    graph
        .sign_in()
        .await
        .map_err(|e| convert::graph_error(&e))?;
    let operator =
        keydesk_engine::station::operator_name(&graph, Some(&keydesk_engine::station::os_user()))
            .await;
    Ok(state.signed_in_as(&connection, graph, operator))
}

/// Forgets every token; with `forget_secret`, the stored secret too.
#[tauri::command]
pub async fn sign_out(state: State<'_, Started>, forget_secret: bool) -> Result<AppInfo, IpcError> {
    let state = state.get()?;
    if state.demo.is_some() {
        return Err(convert::plain(
            ErrorKind::InvalidInput,
            DEMO_FIXED,
            DEMO_REMEDIATION,
        ));
    }
    let graph = state
        .graph
        .write()
        .unwrap_or_else(|p| p.into_inner())
        .take();
    if let (true, Some(graph)) = (forget_secret, &graph) {
        graph
            .sign_out()
            .await
            .map_err(|e| convert::graph_error(&e))?;
        let key = signin::pfx_password_key(graph.config());
        KeyringStore::new()
            .delete(&key)
            .map_err(|e| convert::graph_error(&e.into()))?;
    }
    let mut info = state.info.write().unwrap_or_else(|p| p.into_inner());
    info.signed_in = false;
    info.operator = None;
    Ok(info.clone())
}

/// The read-only tenant check for `group`, with the desk's signed-in client (an
/// interactive sign-in is not started again).
#[tauri::command]
pub async fn tenant_check(
    state: State<'_, Started>,
    group: String,
) -> Result<Vec<CheckLine>, IpcError> {
    let state = state.get()?;
    let graph = signed_in(state)?;
    let mut lines = Vec::new();
    let mut collect = |line: tenant_check::Line| lines.push(check_line(line));
    tenant_check::run_signed_in(&graph, &group, &mut collect).await;
    Ok(lines)
}

/// A tenant check line for the connection screen.
fn check_line(line: tenant_check::Line) -> CheckLine {
    CheckLine {
        verdict: match line.verdict {
            tenant_check::Verdict::Ok => Verdict::Ok,
            tenant_check::Verdict::Fail => Verdict::Fail,
            tenant_check::Verdict::Info => Verdict::Info,
            tenant_check::Verdict::Skipped => Verdict::Skipped,
        },
        text: line.text,
        fix: line.fix,
    }
}
