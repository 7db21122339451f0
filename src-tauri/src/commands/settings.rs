//! The settings screen's commands: load and save the desk's settings.

use keydesk_ipc::{DeskSettings, ErrorKind, IpcError};
use tauri::State;

use crate::convert;
use crate::state::Started;

/// The desk's settings.
#[tauri::command]
pub fn settings_load(state: State<'_, Started>) -> Result<DeskSettings, IpcError> {
    Ok(state.get()?.settings())
}

/// Checks and saves the desk's settings; the next job uses them. Demo mode keeps them in
/// memory only.
#[tauri::command]
pub fn settings_save(state: State<'_, Started>, settings: DeskSettings) -> Result<(), IpcError> {
    let state = state.get()?;
    let mut settings = settings;
    crate::desk_settings::check(&settings).map_err(|e| {
        convert::plain(
            ErrorKind::InvalidInput,
            e,
            "Correct the setting and save again.",
        )
    })?;
    settings.letter_template = settings
        .letter_template
        .map(|path| path.trim().to_owned())
        .filter(|path| !path.is_empty());
    crate::desk_settings::letter_template(&settings)?;
    if let Some(dir) = &state.config_dir {
        crate::config::update(dir, |file| file.settings = settings.clone()).map_err(|e| {
            convert::plain(
                ErrorKind::Internal,
                e,
                "Check that the config folder is writable.",
            )
        })?;
    }
    *state.settings.write().unwrap_or_else(|p| p.into_inner()) = settings;
    Ok(())
}
