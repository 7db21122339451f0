//! The main window, built from `tauri.conf.json` (where it is `create: false`) so it can
//! refuse downloads: WebKit's PDF viewer, which shows the PIN letters, has a download
//! button that would otherwise write the letters, PINs in clear, into the working folder
//! without asking. Files leave the window only through *Save PDF* (0600, synced, a path the
//! operator chose, never the data folder).

use tauri::{App, WebviewWindowBuilder};

/// Opens the main window as configured, with every download refused.
pub fn open(app: &App) -> Result<(), Box<dyn std::error::Error>> {
    let config = app
        .config()
        .app
        .windows
        .first()
        .cloned()
        .ok_or("tauri.conf.json declares no window")?;
    WebviewWindowBuilder::from_config(app, &config)?
        .on_download(|_, _| false)
        .build()?;
    Ok(())
}
