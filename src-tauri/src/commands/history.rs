//! The history window: the audit log as its export, and whether its chain verifies (the
//! engine's `audit::verify_export` under the station's audit key).

use keydesk_ipc::{AuditCheck, ErrorKind, IpcError};
use tauri::State;

use crate::convert;
use crate::state::Started;

/// The audit log in the export format (docs/AUDIT-EXPORT.md).
#[tauri::command]
pub fn audit_export(state: State<'_, Started>) -> Result<String, IpcError> {
    let state = state.get()?;
    state.station.audit.export().map_err(|e| audit_error(&e))
}

/// Verifies the chain of the audit log's export; a broken chain is a verdict, not an error.
#[tauri::command]
pub fn audit_verify(state: State<'_, Started>) -> Result<AuditCheck, IpcError> {
    let state = state.get()?;
    let text = state.station.audit.export().map_err(|e| audit_error(&e))?;
    let key = state
        .station
        .store
        .get_or_create("audit")
        .map_err(|e| audit_error(&e))?;
    Ok(
        match keydesk_engine::audit::verify_export(&text, key.as_ref()) {
            Ok((entries, mac)) => AuditCheck {
                ok: true,
                entries: u32::try_from(entries).unwrap_or(u32::MAX),
                detail: mac,
            },
            Err(e) => AuditCheck {
                ok: false,
                entries: 0,
                detail: e.to_string(),
            },
        },
    )
}

fn audit_error(e: &dyn std::error::Error) -> IpcError {
    convert::plain(
        ErrorKind::Journal,
        format!("The audit log cannot be read: {e}"),
        "Check the data folder, then try again.",
    )
}
