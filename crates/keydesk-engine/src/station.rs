//! Opening a desk's data folder: the one place that takes the folder's lock and opens the
//! journal, the secret store, the PIN escrow and the audit log, in that order, for the app
//! (desk or demo files) and the command line; and who the operator is.
//!
//! The lock comes first ([`crate::lock`]): one process per data folder, so the journal and
//! the audit chain have a single writer. The audit log is verified on open; a log that
//! does not verify is kept as it is for investigation and the station does not open.

use std::path::Path;

use crate::audit::{AuditError, AuditLog};
use crate::directory::Directory;
use crate::escrow::{Escrow, EscrowError};
use crate::journal::{Journal, JournalError};
use crate::key_home::{self, KeyHomeError};
use crate::lock::{DataDirLock, LockError};
use crate::secrets::SecretStore;
use crate::Context;
use keydesk_graph::GraphClient;

/// File names inside a data folder.
pub const JOURNAL_FILE: &str = "journal.sqlite";
/// The audit log's file name.
pub const AUDIT_FILE: &str = "audit.log";

/// Which files of the data folder a station uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StationFiles {
    /// The journal's file name.
    pub journal: &'static str,
    /// The audit log's file name.
    pub audit: &'static str,
    /// Start from nothing: the journal (with its `-wal` and `-shm`) and the audit log are
    /// deleted, once the lock is held, before they are opened.
    pub fresh: bool,
}

impl StationFiles {
    /// A desk's own files, kept from run to run.
    pub const DESK: StationFiles = StationFiles {
        journal: JOURNAL_FILE,
        audit: AUDIT_FILE,
        fresh: false,
    };
    /// Demo mode's files beside them: a demo tenant is new at every start, so its journal
    /// and log are too.
    pub const DEMO: StationFiles = StationFiles {
        journal: "demo-journal.sqlite",
        audit: "demo-audit.log",
        fresh: true,
    };
}

/// An open data folder.
pub struct Station {
    /// The journal.
    pub journal: Journal,
    /// Where the escrow and audit keys live (OS keyring, or a 0600 file in the folder).
    pub store: Box<dyn SecretStore>,
    /// Seals PINs for the journal.
    pub escrow: Escrow,
    /// The audit log.
    pub audit: AuditLog,
    // Dropped last: released only when everything above is closed.
    _lock: DataDirLock,
}

/// Why a data folder could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum StationError {
    /// Another KeyDesk holds the folder.
    #[error(transparent)]
    Lock(#[from] LockError),
    /// The journal could not be opened.
    #[error(transparent)]
    Journal(#[from] JournalError),
    /// The escrow key could not be read or made.
    #[error("PIN escrow: {0}")]
    Escrow(#[from] EscrowError),
    /// The audit log could not be opened or does not verify.
    #[error(transparent)]
    Audit(#[from] AuditError),
    /// The folder or its files could not be made private to this OS account.
    #[error("data folder: cannot make it private to this account: {0}")]
    Folder(std::io::Error),
    /// The folder's keys are not where it keeps them, or are not the ones it was made with.
    #[error(transparent)]
    Keys(#[from] KeyHomeError),
}

impl StationError {
    /// What the technician should do.
    pub fn remediation(&self) -> String {
        match self {
            StationError::Lock(e) => e.remediation().to_owned(),
            StationError::Journal(_) => "Check free disk space and that the data folder is \
                writable, then start again."
                .into(),
            StationError::Escrow(_) => "Check that the OS keyring is unlocked (or that the \
                data folder's key file is readable), then start again."
                .into(),
            StationError::Audit(AuditError::Tampered { .. } | AuditError::Truncated { .. }) => {
                "The audit log does not verify: keep the data folder as it is for \
                 investigation and use another data folder."
                    .into()
            }
            StationError::Keys(e) => e.remediation().to_owned(),
            StationError::Folder(_) => "Use a data folder that belongs to the account \
                running KeyDesk."
                .into(),
            StationError::Audit(_) => "Check that the data folder is readable and writable, \
                then start again."
                .into(),
        }
    }
}

impl Station {
    /// Takes the lock on `dir` (which must exist) and opens the desk's files in it, with
    /// the default secret store (OS keyring, or a 0600 file in the folder).
    pub fn open(dir: &Path) -> Result<Station, StationError> {
        Station::open_with(dir, StationFiles::DESK, None)
    }

    /// Takes the lock on `dir` (which must exist), then, when `files.fresh`, deletes the
    /// old files, then opens `files` with `store` (or the default secret store when
    /// `None`; demo mode passes a [`crate::secrets::MemoryStore`] so its keys die with it).
    /// Nothing in the folder is touched unless the lock is held.
    pub fn open_with(
        dir: &Path,
        files: StationFiles,
        store: Option<Box<dyn SecretStore>>,
    ) -> Result<Station, StationError> {
        let lock = DataDirLock::acquire(dir)?;
        let journal_path = dir.join(files.journal);
        let audit_path = dir.join(files.audit);
        if files.fresh {
            for suffix in ["", "-wal", "-shm"] {
                let mut name = journal_path.clone().into_os_string();
                name.push(suffix);
                let _ = std::fs::remove_file(name);
            }
            let _ = std::fs::remove_file(&audit_path);
        }
        let journal = Journal::open(&journal_path)?;
        crate::store::restrict_folder(dir, files.journal, files.audit)
            .map_err(StationError::Folder)?;
        let store = match store {
            Some(store) => store,
            None => key_home::open(dir)?,
        };
        // This folder's last run has ended (the lock says so): its escrow batches are
        // closed, and those whose letters are all delivered lose their keys.
        let keys = journal.escrow_keys();
        keys.close_batches(None).map_err(EscrowError::from)?;
        let escrow = Escrow::new(store.as_ref())?.with_batches(keys);
        let audit = AuditLog::open(&audit_path, store.as_ref(), &journal)?;
        Ok(Station {
            journal,
            store,
            escrow,
            audit,
            _lock: lock,
        })
    }

    /// A provisioning context over `directory`, with this station's journal, escrow and
    /// audit log and default settings.
    pub fn context<'a>(&'a self, directory: &'a dyn Directory) -> Context<'a> {
        let mut ctx = Context::new(directory, &self.journal, &self.escrow);
        ctx.audit = Some(&self.audit);
        ctx
    }
}

/// Who is at the desk, for the inventory and the audit log: `os_user` (when given) and the
/// identity signed in to Graph (when it answers), e.g. `alice as admin@contoso.com`; `None`
/// when neither is known.
pub async fn operator_name(graph: &GraphClient, os_user: Option<&str>) -> Option<String> {
    match (graph.operator().await, os_user) {
        (Ok(op), Some(os)) => Some(format!("{os} as {}", op.upn.unwrap_or(op.id))),
        (Ok(op), None) => Some(op.upn.unwrap_or(op.id)),
        (Err(_), os) => os.map(str::to_owned),
    }
}

/// The OS account running KeyDesk: `USER` (`USERNAME` on Windows, `LOGNAME`), else the
/// account the OS names for this process (a process started by a service, such as
/// tauri-driver or cron, often has none of the variables), else `unknown`.
pub fn os_user() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .find(|name| !name.trim().is_empty())
        .or_else(|| whoami::username().ok().filter(|n| !n.trim().is_empty()))
        .unwrap_or_else(|| "unknown".into())
}

#[cfg(test)]
mod os_user_tests {
    /// Regression: under tauri-driver `USER` is unset and the header read "unknown as
    /// admin@…"; the OS still knows who runs the process.
    #[test]
    fn the_os_account_is_found_without_the_environment() {
        let name = whoami::username().unwrap_or_default();
        assert!(!name.is_empty(), "the OS names no account for this process");
        assert_ne!(super::os_user(), "unknown");
    }
}
