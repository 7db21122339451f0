//! The key panel of demo mode and `--soft-keys`: plug (blank, with a PIN, of a chosen
//! model), touch, pull, and plug a pulled key back in.

use keydesk_ipc::{DemoModel, ErrorKind, IpcError, KeyView, PlugKey, PluggedKey};
use tauri::State;

use crate::convert;
use crate::state::{AppState, Started};
use std::sync::Arc;

const USE_DEMO: &str = "Start KeyDesk with --demo to try it against a simulated tenant.";

/// The key panel: plugs a new simulated key, blank or with a PIN, of the chosen model.
#[tauri::command]
pub async fn demo_plug_key(
    state: State<'_, Started>,
    key: PlugKey,
) -> Result<PluggedKey, IpcError> {
    let state = state.get()?;
    let rack = rack(state)?;
    let base = match &state.demo {
        Some(demo) => demo.next_key(),
        None => crate::sim_keys::blank(),
    };
    let (plugged, pin) = crate::sim_keys::plug(rack, base, &key)
        .await
        .map_err(|why| {
            convert::plain(ErrorKind::InvalidInput, why, "Pick a model from the list.")
        })?;
    let mds = state.metadata.current();
    Ok(PluggedKey {
        key: convert::key_view(&plugged, mds.as_deref()),
        pin: pin.map(|p| p.expose().to_owned()),
    })
}

/// The key panel: the models it can plug a key of.
#[tauri::command]
pub fn demo_models(state: State<'_, Started>) -> Result<Vec<DemoModel>, IpcError> {
    rack(state.get()?)?;
    Ok(crate::sim_keys::models())
}

/// The key panel: pulls a simulated key (an operation on it fails as a real pull would);
/// it waits in the drawer to be plugged back in.
#[tauri::command]
pub fn demo_pull_key(state: State<'_, Started>, key_id: String) -> Result<(), IpcError> {
    let state = state.get()?;
    state.drawer.pull(rack(state)?, &key_id);
    Ok(())
}

/// The key panel: plugs a pulled key back in, same key, same state.
#[tauri::command]
pub fn demo_replug_key(state: State<'_, Started>, key_id: String) -> Result<KeyView, IpcError> {
    let state = state.get()?;
    let key = state.drawer.replug(rack(state)?, &key_id).ok_or_else(|| {
        convert::plain(
            ErrorKind::InvalidInput,
            "That key is not in the drawer of pulled keys.",
            "Plug in a new key instead.",
        )
    })?;
    let mds = state.metadata.current();
    Ok(convert::key_view(&key, mds.as_deref()))
}

/// The key panel: touches a simulated key.
#[tauri::command]
pub fn demo_touch_key(state: State<'_, Started>, key_id: String) -> Result<(), IpcError> {
    let key = rack(state.get()?)?.key(&key_id).ok_or_else(|| {
        convert::plain(
            ErrorKind::KeyRemoved,
            "That key is no longer plugged in.",
            "Plug in a key.",
        )
    })?;
    key.touch();
    Ok(())
}

fn rack(state: &AppState) -> Result<&Arc<keydesk_fido::rack::SoftRack>, IpcError> {
    state.rack.as_ref().ok_or_else(|| {
        convert::plain(
            ErrorKind::Internal,
            "Simulated keys exist only in demo mode or with --soft-keys.",
            USE_DEMO,
        )
    })
}
