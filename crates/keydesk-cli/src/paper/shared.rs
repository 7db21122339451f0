//! What the paper commands share: opening the data folder without signing in, the
//! shared store with `--store`, and a warning per user not found. Writing a PDF that may hold PINs (0600, synced, never a
//! temporary file) is `keydesk_deliver::write_private`, which the app uses too.

use std::path::PathBuf;

use keydesk_engine::station::Station;
use keydesk_store_pg::pool::PoolSecret;
use keydesk_store_pg::PgStore;

use crate::args::Global;
use crate::{connect, exit};

/// The data folder opened (lock, journal, escrow, audit log), or the exit code after the
/// error is printed.
pub fn open_local(global: &Global) -> Result<(Station, PathBuf), u8> {
    let dir = connect::data_dir(global).map_err(|message| {
        eprintln!("error: {message}");
        exit::USAGE
    })?;
    let station = Station::open(&dir).map_err(|e| {
        eprintln!("error: {e}\n  {}", e.remediation());
        exit::USAGE
    })?;
    Ok((station, dir))
}

/// The shared store (`--store`) with the pool secret; `None` without `--store`. Errors
/// are printed; the exit code is returned.
pub fn open_shared(global: &Global) -> Result<Option<(PgStore, PoolSecret)>, u8> {
    let target = global.store_target().map_err(|e| {
        eprintln!("error: {e}\n  {}", e.remediation());
        exit::USAGE
    })?;
    let Some(target) = target else {
        return Ok(None);
    };
    keydesk_store_pg::desk::connect(&target, global.desk_name.as_deref())
        .map(Some)
        .map_err(|message| {
            eprintln!("error: {message}");
            exit::FAILED
        })
}

/// A warning for each named user who has nothing to print; true when there was one.
pub fn warn_unmatched(unmatched: &[String], what: &str) -> bool {
    for user in unmatched {
        eprintln!("warning: {user}: {what}");
    }
    !unmatched.is_empty()
}
