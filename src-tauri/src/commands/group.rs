//! The group pick: search groups by display name, choose one (remembered in the app's
//! settings with its id, since names are not unique); a chosen group replaces a loaded
//! users file (`user_list.rs`).

use keydesk_graph::GroupMatch;
use keydesk_ipc::{AppInfo, ErrorKind, GroupChoice, IpcError};
use tauri::State;

use super::signed_in;
use crate::convert;
use crate::state::{AppState, Started};

/// Groups whose display name has a word starting with `text`, with id and size.
#[tauri::command]
pub async fn group_search(
    state: State<'_, Started>,
    text: String,
) -> Result<Vec<GroupChoice>, IpcError> {
    let graph = signed_in(state.get()?)?;
    let found = graph
        .search_groups(&text)
        .await
        .map_err(|e| convert::graph_error(&e))?;
    Ok(found.into_iter().map(choice).collect())
}

/// Makes `group` the queue's group and remembers it (`keydesk.json`: id, name and size,
/// nothing secret). The queue is loaded again by the window.
#[tauri::command]
pub fn group_choose(state: State<'_, Started>, group: GroupChoice) -> Result<AppInfo, IpcError> {
    let state = state.get()?;
    if state.demo.is_some() {
        return Err(convert::plain(
            ErrorKind::InvalidInput,
            "The demo works its simulated tenant's group.",
            "Start KeyDesk without --demo to pick a group of your tenant.",
        ));
    }
    if let Some(dir) = &state.config_dir {
        crate::config::update(dir, |file| {
            if let Some(connection) = &mut file.connection {
                connection.group = group.display_name.clone();
            }
            file.group = Some(group.clone());
            file.users_file = None;
        })
        .map_err(|e| {
            convert::plain(
                ErrorKind::Internal,
                e,
                "Check that the config folder is writable.",
            )
        })?;
    }
    if let Some(connection) = state
        .connection
        .write()
        .unwrap_or_else(|p| p.into_inner())
        .as_mut()
    {
        connection.group = group.display_name.clone();
    }
    super::user_list::forget_users_file(state);
    let mut info = state.info.write().unwrap_or_else(|p| p.into_inner());
    info.group = group.display_name.clone();
    *state.group_pick.write().unwrap_or_else(|p| p.into_inner()) = Some(group);
    Ok(info.clone())
}

/// The users file when one was loaded; else the picked group's id when the connection
/// still names it; else the name (or id) the connection holds, for Graph to resolve.
pub(crate) fn queue_group(state: &AppState) -> QueueGroup {
    if let Some(path) = state
        .users_file
        .read()
        .unwrap_or_else(|p| p.into_inner())
        .clone()
    {
        return QueueGroup::File(path);
    }
    match state
        .group_pick
        .read()
        .unwrap_or_else(|p| p.into_inner())
        .as_ref()
    {
        Some(pick) => QueueGroup::Id(pick.id.clone()),
        None => QueueGroup::Named(state.info().group),
    }
}

/// Where the queue's users come from.
pub(crate) enum QueueGroup {
    /// A picked group.
    Id(String),
    /// A display name or object id typed in the connection or given with `--group`.
    Named(String),
    /// A users file (its path).
    File(String),
}

/// Drops the picked group when the connection now names another one.
pub(crate) fn forget_unless_named(state: &AppState, name: &str) {
    let mut pick = state.group_pick.write().unwrap_or_else(|p| p.into_inner());
    if pick.as_ref().is_some_and(|g| g.display_name != name) {
        *pick = None;
    }
}

fn choice(found: GroupMatch) -> GroupChoice {
    GroupChoice {
        id: found.group.id,
        display_name: found.group.display_name,
        member_count: found
            .member_count
            .map(|n| u32::try_from(n).unwrap_or(u32::MAX)),
    }
}
