//! Queue operations beyond *skip*: *retry* puts a failed (or skipped, or revoked) user back
//! to pending, *move to top* puts users ahead of the queue. The engine decides what may be
//! retried and keeps the order.

use std::collections::HashMap;

use keydesk_core::DirectoryUser;
use keydesk_ipc::IpcError;
use tauri::State;

use crate::convert;
use crate::state::Started;

/// Puts a failed, skipped or revoked user back to pending (a bulk *Retry failed* calls it
/// once per user).
#[tauri::command]
pub fn queue_retry(state: State<'_, Started>, user_id: String) -> Result<(), IpcError> {
    let state = state.get()?;
    let _claim = super::claim_for(state, &user_id)?;
    keydesk_engine::queue::retry(&state.station.journal, &user_id)
        .map_err(|e| convert::provision_error(&e))
}

/// Moves the loaded users among `user_ids` (in that order) ahead of the whole queue.
#[tauri::command]
pub fn queue_move_to_top(state: State<'_, Started>, user_ids: Vec<String>) -> Result<(), IpcError> {
    let state = state.get()?;
    let loaded = state
        .users
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    let by_id: HashMap<&str, &DirectoryUser> = loaded.iter().map(|u| (u.id.as_str(), u)).collect();
    let users: Vec<DirectoryUser> = user_ids
        .iter()
        .filter_map(|id| by_id.get(id.as_str()).map(|u| (*u).clone()))
        .collect();
    // On a shared store each user is held while its position changes.
    let _claims = users
        .iter()
        .map(|u| super::claim_for(state, &u.id))
        .collect::<Result<Vec<_>, _>>()?;
    keydesk_engine::queue::move_to_top(&state.station.journal, &users)
        .map_err(|e| convert::provision_error(&e))
}
