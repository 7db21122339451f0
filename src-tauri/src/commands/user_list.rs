//! The queue from a users file instead of a group: the operator names the file (a CSV with
//! a UPN column, the Yubico sample's `usersToRegister.csv`, or one UPN per line); each UPN
//! is looked up in the tenant (`keydesk_engine::user_list`) and the choice is remembered in
//! `keydesk.json` like a group. The file is read again at each queue load.

use keydesk_core::DirectoryUser;
use keydesk_ipc::{ErrorKind, IpcError, UserListLoaded};
use tauri::State;

use super::signed_in;
use crate::convert;
use crate::state::{AppState, Started};

/// Loads the users listed in the file at `path` as the queue and remembers the file.
/// Listing users by name reaches past any group, so each is audited as admitted outside a
/// group (as `keydesk-cli provision --users-csv --allow-outside-group` does).
#[tauri::command]
pub async fn users_file_load(
    state: State<'_, Started>,
    path: String,
) -> Result<UserListLoaded, IpcError> {
    let state = state.get()?;
    if state.demo.is_some() {
        return Err(convert::plain(
            ErrorKind::InvalidInput,
            "The demo works its simulated tenant's group.",
            "Start KeyDesk without --demo to load a list of users.",
        ));
    }
    let graph = signed_in(state)?;
    let path = path.trim().to_owned();
    let list = read(&graph, &path).await?;
    let ctx = state.context(&graph);
    keydesk_engine::membership::within_group(&ctx, list.users.clone(), None, true)
        .await
        .map_err(|e| convert::provision_error(&e))?;
    if let Some(dir) = &state.config_dir {
        crate::config::update(dir, |file| file.users_file = Some(path.clone())).map_err(|e| {
            convert::plain(
                ErrorKind::Internal,
                e,
                "Check that the config folder is writable.",
            )
        })?;
    }
    *state.users_file.write().unwrap_or_else(|p| p.into_inner()) = Some(path.clone());
    let mut info = state.info.write().unwrap_or_else(|p| p.into_inner());
    info.group = crate::config::users_file_label(&path);
    Ok(UserListLoaded {
        info: info.clone(),
        users: u32::try_from(list.users.len()).unwrap_or(u32::MAX),
        problems: list.problems.iter().map(ToString::to_string).collect(),
        path,
    })
}

/// The users file's users, for a queue load (lines left out are not reported again).
pub(crate) async fn users_from_file(
    graph: &keydesk_graph::GraphClient,
    path: &str,
) -> Result<Vec<DirectoryUser>, IpcError> {
    Ok(read(graph, path).await?.users)
}

/// Forgets the users file (a group was chosen).
pub(crate) fn forget_users_file(state: &AppState) {
    *state.users_file.write().unwrap_or_else(|p| p.into_inner()) = None;
}

async fn read(
    graph: &keydesk_graph::GraphClient,
    path: &str,
) -> Result<keydesk_engine::user_list::UserList, IpcError> {
    if path.is_empty() {
        return Err(convert::plain(
            ErrorKind::InvalidInput,
            "No file was named.",
            "Type the full path of a CSV or text file listing one user principal name per line.",
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| {
        convert::plain(
            ErrorKind::InvalidInput,
            format!("Cannot read {path}: {e}."),
            "Check the path (the full path, e.g. /home/me/users.csv) and that the file is readable.",
        )
    })?;
    let list = keydesk_engine::user_list::resolve(graph, &bytes).await;
    if list.users.is_empty() {
        let why = list
            .problems
            .iter()
            .take(5)
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ");
        return Err(convert::plain(
            ErrorKind::InvalidInput,
            format!("{path} gives no user of this tenant: {why}."),
            "List one user principal name (name@domain) per line, or a CSV with a upn or userPrincipalName column.",
        ));
    }
    Ok(list)
}
