//! KeyDesk's desktop app: the window, the app state and thin commands.
//!
//! `keydesk --demo` starts a simulated tenant on 127.0.0.1 (real HTTP) and a rack of
//! simulated keys the demo panel plugs, touches and pulls; only in a build with the `demo`
//! cargo feature (`keydesk --version` says whether it has it). Without `--demo` the window
//! opens on its connection screen: the operator signs in to a tenant (saved, without
//! secrets, in the app's config file) and the queue loads.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod config;
mod contract;
mod convert;
mod demo;
mod desk_settings;
mod launch;
mod metadata;
mod signin;
mod sim_keys;
mod start_signin;
mod state;
mod window;

use contract::handler;

fn main() {
    keydesk_engine::logging::init();
    // `--help`, `--version` and usage errors are answered before any window opens.
    let launch = <launch::Launch as clap::Parser>::parse();
    if launch.version {
        println!("{}", version());
        return;
    }
    #[cfg(not(feature = "demo"))]
    if launch.demo {
        eprintln!("keydesk: {}.", demo::NOT_BUILT_IN);
        std::process::exit(2);
    }
    if let Err(message) = launch.check() {
        eprintln!("keydesk: {message}.");
        std::process::exit(2);
    }
    if let Err(message) = check_display() {
        eprintln!("{message}");
        std::process::exit(2);
    }
    let result = tauri::Builder::default()
        .setup(move |app| {
            // A start-up failure (another KeyDesk on the data folder) is shown in the window.
            let started = tauri::async_runtime::block_on(state::AppState::start(app, &launch))
                .map_err(|e| {
                    tracing::error!(error = %e, "KeyDesk could not start");
                    convert::start_error(e.as_ref())
                });
            tauri::Manager::manage(app, state::Started::new(started));
            window::open(app)
        })
        // Every command keydesk-ipc declares, checked against `commands/`.
        .invoke_handler(keydesk_ipc::with_commands!(handler))
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("KeyDesk could not start: {e}");
        std::process::exit(1);
    }
}

/// `keydesk --version`: the version, the git commit it was built from, and whether this
/// build has demo mode, e.g. `keydesk 0.1.0 (commit abc1234, demo: no)`.
fn version() -> String {
    let version = env!("CARGO_PKG_VERSION");
    let commit = env!("KEYDESK_COMMIT");
    let demo = if demo::BUILT_IN { "yes" } else { "no" };
    format!("keydesk {version} (commit {commit}, demo: {demo})")
}

/// On Linux a window needs X11 or Wayland; say so instead of letting GTK abort.
fn check_display() -> Result<(), String> {
    if cfg!(target_os = "linux")
        && std::env::var_os("DISPLAY").is_none()
        && std::env::var_os("WAYLAND_DISPLAY").is_none()
    {
        return Err("KeyDesk needs a graphical display, and none was found (DISPLAY and WAYLAND_DISPLAY are unset).\n\
                    Run it from a desktop session, or under a virtual display: xvfb-run keydesk --demo.\n\
                    For headless work use keydesk-cli."
            .into());
    }
    Ok(())
}
