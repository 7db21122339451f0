//! Opening a desk's data folder: the one place that takes the folder's lock and opens the
//! journal, the secret store, the PIN escrow and the audit log, in that order.
//!
//! The lock comes first ([`crate::lock`]): one process per data folder, so the journal and
//! the audit chain have a single writer. The audit log is verified on open; a log that
//! does not verify is kept as it is for investigation and the station does not open.

use std::path::Path;

use crate::audit::{AuditError, AuditLog};
use crate::directory::Directory;
use crate::escrow::{Escrow, EscrowError};
use crate::journal::{Journal, JournalError};
use crate::lock::{DataDirLock, LockError};
use crate::secrets::{self, SecretStore};
use crate::Context;

/// File names inside a data folder.
pub const JOURNAL_FILE: &str = "journal.sqlite";
/// The audit log's file name.
pub const AUDIT_FILE: &str = "audit.log";

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
            StationError::Audit(_) => "Check that the data folder is readable and writable, \
                then start again."
                .into(),
        }
    }
}

impl Station {
    /// Takes the lock on `dir` (which must exist) and opens everything in it.
    pub fn open(dir: &Path) -> Result<Station, StationError> {
        let lock = DataDirLock::acquire(dir)?;
        let journal = Journal::open(&dir.join(JOURNAL_FILE))?;
        let store = secrets::open_default(dir);
        let escrow = Escrow::new(store.as_ref())?;
        let audit = AuditLog::open(&dir.join(AUDIT_FILE), store.as_ref(), &journal)?;
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
