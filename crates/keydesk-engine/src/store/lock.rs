//! One KeyDesk per data folder: an exclusive lock on `<data folder>/keydesk.lock`, held for
//! the life of the process.
//!
//! The journal, the audit log's head and the escrow assume a single writer: two processes
//! on one folder each kept their own audit head and wrote the same sequence numbers twice
//! (issue 10). The app and `keydesk-cli provision` take a [`DataDirLock`] before opening
//! anything in the folder, and keep it until they exit.
//!
//! The lock is the OS's (`flock` on Unix, `LockFileEx` on Windows, through
//! [`std::fs::File::try_lock`]), so the OS releases it when the process dies, SIGKILL and
//! crashes included: a stale lock file never blocks the next run. The holder writes its PID,
//! program name and start time into the file so a refused process can name it.
//!
//! Known issues:
//! - On Windows the lock covers the whole file and is mandatory, so a refused process
//!   cannot read the holder's PID: the error then says "another KeyDesk" without one.
//! - A data folder on a network share gets whatever locking that share offers.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// The lock file's name inside the data folder.
pub const LOCK_FILE: &str = "keydesk.lock";

/// The data folder could not be locked.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another process (or another lock in this one) holds the data folder.
    #[error("another KeyDesk{} is using the data folder {}", pid_text(*.pid), .path.display())]
    Held {
        /// The holder's process id, when its lock file could be read.
        pid: Option<u32>,
        /// The data folder.
        path: PathBuf,
    },
    /// The lock file could not be opened or locked.
    #[error("cannot lock the data folder {}: {source}", .path.display())]
    Io {
        /// The data folder.
        path: PathBuf,
        /// What the OS said.
        #[source]
        source: std::io::Error,
    },
}

impl LockError {
    /// A sentence telling the operator what to do.
    pub fn remediation(&self) -> &'static str {
        match self {
            LockError::Held { .. } => {
                "Wait for the other KeyDesk to finish (or close it), or use another --data-dir."
            }
            LockError::Io { .. } => {
                "Check that the data folder exists and is writable, then start again."
            }
        }
    }
}

fn pid_text(pid: Option<u32>) -> String {
    pid.map(|p| format!(" (PID {p})")).unwrap_or_default()
}

/// The exclusive lock on a data folder. Dropping it (or the process ending in any way)
/// releases it.
#[derive(Debug)]
pub struct DataDirLock {
    // Held open: closing it releases the lock.
    _file: File,
    path: PathBuf,
}

impl DataDirLock {
    /// Takes the lock on `dir` (which must exist) without waiting, and records this
    /// process in the lock file. Fails with [`LockError::Held`] when another process, or
    /// another `DataDirLock` in this one, has it.
    pub fn acquire(dir: &Path) -> Result<DataDirLock, LockError> {
        let io = |source| LockError::Io {
            path: dir.to_owned(),
            source,
        };
        let path = dir.join(LOCK_FILE);
        // Not truncated here: until the lock is ours, the holder's PID in it must stay.
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                return Err(LockError::Held {
                    pid: holder_pid_soon(&mut file),
                    path: dir.to_owned(),
                })
            }
            Err(TryLockError::Error(e)) => return Err(io(e)),
        }
        write_holder(&mut file).map_err(io)?;
        Ok(DataDirLock { _file: file, path })
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// [`holder_pid`], read again for up to 200 ms while empty: a holder that has just taken
/// the lock truncates the file before it writes its PID, and a refusal that names the
/// holder is worth that wait.
fn holder_pid_soon(file: &mut File) -> Option<u32> {
    for _ in 0..10 {
        if let Some(pid) = holder_pid(file) {
            return Some(pid);
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    holder_pid(file)
}

/// Who holds the lock, as written by [`write_holder`]: `None` when unreadable (Windows,
/// or a holder that has not written yet).
fn holder_pid(file: &mut File) -> Option<u32> {
    file.seek(SeekFrom::Start(0)).ok()?;
    let mut text = String::new();
    file.read_to_string(&mut text).ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix("pid="))
        .and_then(|p| p.trim().parse().ok())
}

fn write_holder(file: &mut File) -> std::io::Result<()> {
    let program = std::env::current_exe()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_default();
    let started = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let text = format!(
        "pid={}\nprogram={program}\nstarted={started}\n",
        std::process::id()
    );
    file.set_len(0)?;
    file.seek(SeekFrom::Start(0))?;
    file.write_all(text.as_bytes())?;
    file.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_in_the_same_process_is_refused_and_names_this_process() {
        let dir = tempfile::tempdir().unwrap();
        let first = DataDirLock::acquire(dir.path()).unwrap();
        let err = DataDirLock::acquire(dir.path()).unwrap_err();
        match &err {
            LockError::Held { pid, path } => {
                assert_eq!(*pid, Some(std::process::id()));
                assert_eq!(path, dir.path());
            }
            other => panic!("{other}"),
        }
        assert_eq!(
            err.to_string(),
            format!(
                "another KeyDesk (PID {}) is using the data folder {}",
                std::process::id(),
                dir.path().display()
            )
        );
        drop(first);
        DataDirLock::acquire(dir.path()).unwrap();
    }

    #[test]
    fn the_lock_file_names_its_holder() {
        let dir = tempfile::tempdir().unwrap();
        // A stale file from a crashed run is taken over and rewritten.
        std::fs::write(
            dir.path().join(LOCK_FILE),
            "pid=999999\nprogram=old-and-long\n",
        )
        .unwrap();
        let lock = DataDirLock::acquire(dir.path()).unwrap();
        let text = std::fs::read_to_string(lock.path()).unwrap();
        assert!(
            text.starts_with(&format!("pid={}\n", std::process::id())),
            "{text}"
        );
        assert!(!text.contains("old-and-long"), "{text}");
        assert!(text.contains("started="), "{text}");
    }

    #[test]
    fn a_missing_folder_is_an_io_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = DataDirLock::acquire(&dir.path().join("nope")).unwrap_err();
        assert!(matches!(err, LockError::Io { .. }), "{err}");
        assert!(err.to_string().starts_with("cannot lock the data folder"));
    }

    #[test]
    fn an_unknown_holder_is_said_plainly() {
        let err = LockError::Held {
            pid: None,
            path: PathBuf::from("/x"),
        };
        assert_eq!(
            err.to_string(),
            "another KeyDesk is using the data folder /x"
        );
    }
}
