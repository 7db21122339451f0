//! The key inventory: list it, report a key lost (by serial or user) or returned (by
//! serial). The engine's lost flow deletes the passkey in Entra, marks the entry, advances
//! the job and audits; these commands only map its results.

use keydesk_engine::inventory::{InventoryEntry, KeyStatus};
use keydesk_engine::ProvisionError;
use keydesk_ipc::{ErrorKind, InventoryItem, IpcError, KeyState};
use tauri::State;

use super::signed_in;
use crate::convert;
use crate::state::Started;

/// The whole key inventory, newest first.
#[tauri::command]
pub fn inventory_list(state: State<'_, Started>) -> Result<Vec<InventoryItem>, IpcError> {
    let state = state.get()?;
    let entries = state
        .station
        .journal
        .inventory()
        .map_err(|e| convert::provision_error(&e.into()))?;
    let mds = state.metadata.current();
    Ok(entries
        .into_iter()
        .rev()
        .map(|e| item(e, mds.as_deref()))
        .collect())
}

/// Revokes every issued passkey found for a key serial, a user id or a UPN; rejects with
/// `nothingToResolve` when none is issued.
#[tauri::command]
pub async fn inventory_lost(
    state: State<'_, Started>,
    serial_or_user: String,
) -> Result<Vec<InventoryItem>, IpcError> {
    let state = state.get()?;
    let graph = signed_in(state)?;
    let ctx = state.context(&graph);
    let query = serial_or_user.trim();
    let taken = keydesk_engine::lost::report_lost(&ctx, query)
        .await
        .map_err(|e: ProvisionError| convert::provision_error(&e))?;
    found(
        state.metadata.current().as_deref(),
        taken,
        query,
        "Check the serial on the key, or the user's UPN.",
    )
}

/// A key came back to the desk: its passkey is deleted and the entry marked returned.
#[tauri::command]
pub async fn inventory_returned(
    state: State<'_, Started>,
    serial: String,
) -> Result<Vec<InventoryItem>, IpcError> {
    let state = state.get()?;
    let graph = signed_in(state)?;
    let ctx = state.context(&graph);
    let query = serial.trim();
    let taken = keydesk_engine::lost::report_returned(&ctx, query)
        .await
        .map_err(|e: ProvisionError| convert::provision_error(&e))?;
    found(
        state.metadata.current().as_deref(),
        taken,
        query,
        "Check the serial on the key.",
    )
}

/// The entries taken back, or why nothing was: no issued key matched.
fn found(
    mds: Option<&keydesk_mds::Mds>,
    taken: Vec<InventoryEntry>,
    query: &str,
    remediation: &str,
) -> Result<Vec<InventoryItem>, IpcError> {
    if taken.is_empty() {
        return Err(convert::plain(
            ErrorKind::NothingToResolve,
            format!("No issued key matches “{query}”."),
            remediation,
        ));
    }
    Ok(taken.into_iter().map(|e| item(e, mds)).collect())
}

fn item(e: InventoryEntry, mds: Option<&keydesk_mds::Mds>) -> InventoryItem {
    let certification = uuid::Uuid::parse_str(e.key_aaguid.trim())
        .ok()
        .and_then(|id| keydesk_engine::metadata::describe(mds, id.as_bytes()).certification);
    InventoryItem {
        certification,
        id: u32::try_from(e.id).unwrap_or(u32::MAX),
        serial: e.key_serial,
        model: e.key_model,
        user_id: e.user_id,
        upn: e.upn,
        operator: e.operator,
        at: u32::try_from(e.at).unwrap_or(0),
        state: match e.status {
            KeyStatus::Issued => KeyState::Issued,
            KeyStatus::Revoked => KeyState::Revoked,
            KeyStatus::Returned => KeyState::Returned,
            KeyStatus::Orphan => KeyState::Orphan,
        },
    }
}
