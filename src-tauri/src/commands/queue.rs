//! Queue operations beyond *skip*: *retry* puts a failed (or skipped, or revoked) user back
//! to pending. The engine decides what may be retried.

use keydesk_ipc::IpcError;
use tauri::State;

use crate::convert;
use crate::state::Started;

/// Puts a failed, skipped or revoked user back to pending (a bulk *Retry failed* calls it
/// once per user).
#[tauri::command]
pub fn queue_retry(state: State<'_, Started>, user_id: String) -> Result<(), IpcError> {
    let state = state.get()?;
    keydesk_engine::queue::retry(&state.station.journal, &user_id)
        .map_err(|e| convert::provision_error(&e))
}
