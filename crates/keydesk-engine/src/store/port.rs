//! The storage port: what the engine keeps about jobs, claims and keys, as narrow traits
//! with one implementation per backend (SQLite here in `sqlite_port`, PostgreSQL in the
//! `keydesk-store-pg` crate). One test suite runs against both (`keydesk-store-pg`'s
//! `tests/suite.rs`).
//!
//! - [`JobStore`]: the journal (each job's state, written before each side effect) and
//!   the escrowed PIN column.
//! - [`ClaimStore`]: which desk works a user, with a lease a live desk renews. A claim
//!   taken over from a desk whose lease ran out says so ([`Claimed::TakenOver`]): the
//!   new holder must reconcile that user with Graph before anything else, exactly as
//!   crash-resume does for its own folder.
//! - [`InventoryStore`]: which key went to whom.
//! - [`EscrowKeys`]: the escrow's batch keys, wrapped; a batch's key is destroyed once
//!   no sealed PIN of it is left.
//!
//! Times of leases are the store's clock (SQLite's `unixepoch()`, PostgreSQL's `now()`),
//! never a desk's, so desks with skewed clocks agree on who holds what.
//!
//! Not here: the decision what to do with a user (`flow/`), the audit log's chain
//! (`audit`), any Graph or key I/O.

use std::time::Duration;

use keydesk_core::job::{InvalidTransition, JobEvent, JobState};

use crate::inventory::{InventoryEntry, KeyStatus};
use crate::journal::{JobRecord, JournalError};
use crate::letter_facts::LetterJob;

/// What kind of failure a [`StoreError`] is, for callers that branch on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreErrorKind {
    /// The store cannot be reached (network, server down, TLS refused).
    Unreachable,
    /// The store refused us (authentication, permission, a newer schema).
    Refused,
    /// A bug or a concurrent writer: a state change the machine refuses.
    Conflict,
    /// Anything else the backend reports.
    Backend,
}

/// A storage failure, from any backend.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The SQLite journal failed.
    #[error(transparent)]
    Sqlite(#[from] JournalError),
    /// The state machine refused the change.
    #[error("store: {0}")]
    Transition(#[from] InvalidTransition),
    /// The store holds a schema newer than this KeyDesk knows.
    #[error("the store's schema is version {found}; this KeyDesk knows up to {supported}")]
    NewerSchema {
        /// The version found in the store.
        found: i64,
        /// The newest version this build migrates to.
        supported: i64,
    },
    /// Another backend failed.
    #[error("store ({kind:?}): {source}")]
    Backend {
        /// What kind of failure.
        kind: StoreErrorKind,
        /// The backend's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

impl StoreError {
    /// What kind of failure this is.
    pub fn kind(&self) -> StoreErrorKind {
        match self {
            StoreError::Sqlite(JournalError::Transition(_)) | StoreError::Transition(_) => {
                StoreErrorKind::Conflict
            }
            StoreError::Sqlite(JournalError::Shared(e)) => e
                .downcast_ref::<StoreError>()
                .map_or(StoreErrorKind::Backend, StoreError::kind),
            StoreError::Sqlite(_) => StoreErrorKind::Backend,
            StoreError::NewerSchema { .. } => StoreErrorKind::Refused,
            StoreError::Backend { kind, .. } => *kind,
        }
    }

    /// One sentence for the operator: what to do.
    pub fn remediation(&self) -> &'static str {
        match self.kind() {
            StoreErrorKind::Unreachable => {
                "Check the store's address, that the database server runs and its TLS certificate."
            }
            StoreErrorKind::Refused => {
                "Check the store's user and password (OS keyring or PGPASSWORD), or upgrade KeyDesk."
            }
            StoreErrorKind::Conflict => "Run again: the job is reconciled before it continues.",
            StoreErrorKind::Backend => "Check the store's disk and logs, then run again.",
        }
    }
}

/// The journal: one job per user, every change through the pure [`JobState::on`].
pub trait JobStore: Send + Sync {
    /// Puts a user in the queue (pending) unless the store knows them already.
    fn enqueue(&self, user_id: &str, upn: &str) -> Result<(), StoreError>;
    /// Applies `event` to the user's job (a new job starts pending). Returns the new state.
    fn advance(
        &self,
        user_id: &str,
        upn: &str,
        event: JobEvent,
        detail: Option<&str>,
    ) -> Result<JobState, StoreError>;
    /// Records the key a job works on.
    fn record_key(
        &self,
        user_id: &str,
        serial: &str,
        model: &str,
        aaguid: &str,
    ) -> Result<(), StoreError>;
    /// Moves to `SettingPin` with the sealed PIN, before the PIN goes to the key.
    fn record_setting_pin(&self, user_id: &str, upn: &str, sealed: &[u8])
        -> Result<(), StoreError>;
    /// Moves to `Posting` with the attempt, before the POST leaves.
    fn record_posting(
        &self,
        user_id: &str,
        upn: &str,
        attempt: &keydesk_graph::Attempt,
    ) -> Result<(), StoreError>;
    /// Records a confirmed registration (`Registered` or `Reconciled(true)`).
    fn record_registered(
        &self,
        user_id: &str,
        upn: &str,
        event: JobEvent,
        method_id: &str,
        name: &str,
    ) -> Result<(), StoreError>;
    /// Forgets the sealed PIN, and the key of its batch when the batch is closed and this
    /// was its last PIN ([`EscrowKeys`]). True when there was one.
    fn wipe_pin(&self, user_id: &str) -> Result<bool, StoreError>;
    /// The job for one user, if any.
    fn job(&self, user_id: &str) -> Result<Option<JobRecord>, StoreError>;
    /// Every job, in queue order.
    fn jobs(&self) -> Result<Vec<JobRecord>, StoreError>;
    /// Puts `users` (`(id, upn)`, in this order) ahead of every job, before any moved
    /// earlier, enqueueing the unknown ones: in one transaction, so a failure moves nobody.
    fn move_to_top(&self, users: &[(&str, &str)]) -> Result<(), StoreError>;
}

/// Who holds a claim and until when (the store's clock, Unix seconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    /// The desk's name.
    pub desk: String,
    /// Unix seconds on the store's clock; the claim is free at and after this.
    pub until: i64,
}

/// How a claim was obtained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claimed {
    /// No desk held the user.
    Fresh,
    /// This desk held it already; the lease is renewed.
    Renewed,
    /// Another desk held it and its lease ran out (that desk died or hung). The job may
    /// be anywhere in its flow: reconcile the user with Graph before acting.
    TakenOver {
        /// The desk whose lease ran out.
        from: String,
    },
}

/// Claims with leases: two desks never hold the same user.
pub trait ClaimStore: Send + Sync {
    /// Claims `user_id` for `desk` for `lease`. `None` when another desk holds a live
    /// lease on it.
    fn claim(
        &self,
        user_id: &str,
        desk: &str,
        lease: Duration,
    ) -> Result<Option<Claimed>, StoreError>;
    /// Claims the first job in queue order that is not finished and not held: neither by
    /// a live lease of another desk nor by `desk` itself (a user it holds is being worked
    /// already); `None` when there is none.
    fn claim_next(
        &self,
        desk: &str,
        lease: Duration,
    ) -> Result<Option<(JobRecord, Claimed)>, StoreError>;
    /// Extends every lease `desk` holds by `lease` from now. Returns how many.
    fn renew(&self, desk: &str, lease: Duration) -> Result<usize, StoreError>;
    /// Gives up every claim of `desk` (a desk starting again: its users go back to the
    /// queue, their journal rows tell where they stood). Returns how many.
    fn release_all(&self, desk: &str) -> Result<usize, StoreError>;
    /// Gives a claim up. False when `desk` did not hold it.
    fn release(&self, user_id: &str, desk: &str) -> Result<bool, StoreError>;
    /// Who holds `user_id`, live or expired.
    fn holder(&self, user_id: &str) -> Result<Option<Lease>, StoreError>;
}

/// Which key went to whom.
pub trait InventoryStore: Send + Sync {
    /// Adds an entry (its `id` is ignored); returns the new id.
    fn add_inventory(&self, entry: &InventoryEntry) -> Result<i64, StoreError>;
    /// The whole inventory, oldest first.
    fn inventory(&self) -> Result<Vec<InventoryEntry>, StoreError>;
    /// Sets an entry's status.
    fn set_inventory_status(&self, id: i64, status: KeyStatus) -> Result<(), StoreError>;
}

/// What PIN letters are printed from: the registered jobs with their letter facts, and
/// the record of a delivered letter. The SQLite journal, or the shared store (so a
/// letter sealed at desk 1 prints at desk 2).
pub trait LetterStore: Send + Sync {
    /// Registered jobs in queue order; only those whose PIN is still in escrow when
    /// `undelivered_only`.
    fn letter_jobs(&self, undelivered_only: bool) -> Result<Vec<LetterJob>, StoreError>;
}

/// A whole store: every part behind one object, for a desk to hold.
pub trait DeskStore: JobStore + ClaimStore + InventoryStore + EscrowKeys {}
impl<T: JobStore + ClaimStore + InventoryStore + EscrowKeys> DeskStore for T {}

/// The states of a job that still needs a desk: `claim_next` hands out only these
/// (finished, failed and needs-attention jobs wait for an operator).
pub const OPEN_STATES: [JobState; 5] = [
    JobState::Pending,
    JobState::OptionsFetched,
    JobState::SettingPin,
    JobState::MakingCredential,
    JobState::Posting,
];

/// [`OPEN_STATES`] as an SQL list (`'pending', …`), the same text for both backends.
pub fn open_states_sql() -> String {
    OPEN_STATES
        .iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A lease's length in whole seconds, as both backends store it (at least 0).
pub fn lease_secs(lease: Duration) -> i64 {
    i64::try_from(lease.as_secs()).unwrap_or(i64::MAX)
}

/// The length of a batch's id.
pub const BATCH_ID_LEN: usize = 16;

/// A batch's id: 16 random bytes.
pub type BatchId = [u8; BATCH_ID_LEN];

/// Where batch keys are kept, wrapped: the journal (SQLite) or the shared store. The
/// store destroys a closed batch's key (overwrites and deletes its row) when no sealed
/// PIN of that batch is left, both here and when a PIN is wiped.
pub trait EscrowKeys: Send + Sync {
    /// Keeps a new, open batch's wrapped key.
    fn add_batch(&self, batch: &BatchId, wrapped: &[u8]) -> Result<(), StoreError>;
    /// A batch's wrapped key; `None` once destroyed (or never made).
    fn batch_key(&self, batch: &BatchId) -> Result<Option<Vec<u8>>, StoreError>;
    /// Closes `batch`, or with `None` every batch this desk made (a desk starting: its
    /// last run has ended, cleanly or not), then destroys every closed batch no sealed
    /// PIN refers to. Returns how many keys were destroyed.
    fn close_batches(&self, batch: Option<&BatchId>) -> Result<usize, StoreError>;
}
