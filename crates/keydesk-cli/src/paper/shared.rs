//! What the paper commands share: opening the data folder without signing in, a
//! warning per user not found, and writing a PDF that may hold PINs (0600, synced, never a
//! temporary file).

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use keydesk_engine::station::Station;

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

/// A warning for each named user who has nothing to print; true when there was one.
pub fn warn_unmatched(unmatched: &[String], what: &str) -> bool {
    for user in unmatched {
        eprintln!("warning: {user}: {what}");
    }
    !unmatched.is_empty()
}

/// Refuses an output file inside the data folder: a file that holds PINs in clear does
/// not belong beside the journal, whose folder is kept free of them.
pub fn outside_data_dir(out: &Path, data_dir: &Path) -> Result<(), String> {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let (Ok(parent), Ok(data)) = (parent.canonicalize(), data_dir.canonicalize()) else {
        return Ok(()); // a missing folder fails at write time with its own message
    };
    if parent.starts_with(&data) {
        return Err(format!(
            "--out {} is inside the data folder: write PIN letters elsewhere",
            out.display()
        ));
    }
    Ok(())
}

/// Writes `bytes` to `path` directly (no temporary file), readable by the owner only,
/// and syncs the file and its folder before returning.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(path)?;
    // An existing file keeps its mode on open: narrow it before any byte is written.
    #[cfg(unix)]
    file.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
    finish(file, path, bytes)
}

fn finish(mut file: File, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    file.write_all(bytes)?;
    file.sync_all()?;
    #[cfg(unix)]
    {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        File::open(dir)?.sync_all()?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}
