//! Where `provision` gets its keys: the security keys plugged into this machine, or
//! `--soft-keys N` simulated keys touched automatically (only against a Graph on
//! loopback), optionally kept in `--soft-key-dir DIR` between runs.
//!
//! With a directory, each simulated key has a folder `DIR/SIMnnnnn` holding its state
//! (PIN state and credentials, file mode 0600). A key with a credential went to its user
//! and stays in the drawer; the others (blank, or prepared by a run that stopped) are
//! plugged in again at the next start, and new blank keys continue the numbering.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use keydesk_engine::hid_keys::HidKeys;
use keydesk_engine::keys::{KeySource, RackKeys};
use keydesk_fido::rack::SoftRack;
use keydesk_fido::soft::{SoftKey, SoftKeyConfig, TouchMode};
use url::Url;

use crate::args::ProvisionArgs;
use crate::connect;

/// Refuses simulated keys where they must not go, before anything is opened.
pub fn check(args: &ProvisionArgs, login_url: &Url, graph_url: &Url) -> Result<(), String> {
    if args.soft_keys == Some(0) {
        return Err("--soft-keys needs at least 1 key".into());
    }
    if args.soft_keys.is_some()
        && !(connect::is_loopback(graph_url) && connect::is_loopback(login_url))
    {
        return Err("--soft-keys only works against a Graph on this machine (a simulated tenant): simulated keys must never be registered in a real tenant".into());
    }
    if args.soft_key_dir.is_some() && args.soft_keys.is_none() {
        return Err("--soft-key-dir is only used with --soft-keys".into());
    }
    Ok(())
}

/// The key source, and how many users are worked at once (one per key).
pub async fn source(args: &ProvisionArgs) -> Result<(Box<dyn KeySource>, usize), String> {
    if let Some(n) = args.soft_keys {
        return soft(n, args.soft_key_dir.as_deref());
    }
    let keys = HidKeys::start();
    let present = keys.present().await;
    if present == 0 {
        eprintln!("Insert a security key (waiting).");
    } else {
        eprintln!("{present} security key(s) found: touch each key when it blinks; swap in a new key after each user.");
    }
    Ok((Box::new(keys), present.max(1)))
}

fn soft(n: usize, dir: Option<&Path>) -> Result<(Box<dyn KeySource>, usize), String> {
    let rack = Arc::new(SoftRack::new());
    let mut on_desk = Vec::new();
    let mut next = 0;
    if let Some(dir) = dir {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create --soft-key-dir {}: {e}", dir.display()))?;
        for (number, folder) in kept_keys(dir)? {
            next = next.max(number);
            let key = SoftKey::open(format!("kept-{number}"), soft_config(number, Some(folder)))
                .map_err(|e| format!("simulated key {number} in {}: {e}", dir.display()))?;
            // A key holding a credential went to its user: it stays in the drawer.
            if key.credentials().is_empty() {
                let key = Arc::new(key);
                rack.replug(&key);
                on_desk.push(key);
            }
        }
    }
    let serials = Arc::new(AtomicUsize::new(next));
    let state_dir = dir.map(Path::to_owned);
    let blank_key = move || {
        let number = serials.fetch_add(1, Ordering::Relaxed) + 1;
        soft_config(
            number,
            state_dir.as_ref().map(|d| d.join(folder_name(number))),
        )
    };
    for _ in on_desk.len()..n {
        rack.plug_new(blank_key());
    }
    let workers = n.max(on_desk.len());
    // Each registered key goes to its user; the next blank simulated key takes its place.
    Ok((
        Box::new(RackKeys::with_refill(rack, Box::new(blank_key))),
        workers,
    ))
}

fn soft_config(number: usize, state_dir: Option<PathBuf>) -> SoftKeyConfig {
    let mut key = SoftKeyConfig::with_serial(format!("SIM{number:05}"));
    key.touch = TouchMode::Auto(soft_touch_delay());
    key.state_dir = state_dir;
    key
}

fn folder_name(number: usize) -> String {
    format!("SIM{number:05}")
}

/// The key folders in `dir` (`SIMnnnnn` holding a state file), by number.
fn kept_keys(dir: &Path) -> Result<Vec<(usize, PathBuf)>, String> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read --soft-key-dir {}: {e}", dir.display()))?;
    let mut keys: Vec<(usize, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let number = name.strip_prefix("SIM")?.parse().ok()?;
            entry
                .path()
                .join("state.json")
                .exists()
                .then(|| (number, entry.path()))
        })
        .collect();
    keys.sort();
    Ok(keys)
}

/// How long a simulated key takes to be touched: 20 ms, or `KEYDESK_SOFT_TOUCH_MS` (the
/// benchmarks set 0 to measure the station itself, with instantly touched keys).
fn soft_touch_delay() -> Duration {
    let ms = std::env::var("KEYDESK_SOFT_TOUCH_MS")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(20);
    Duration::from_millis(ms)
}
