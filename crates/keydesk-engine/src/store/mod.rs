//! The store: what a desk keeps in its data folder, and the keys that protect it.
//!
//! [`journal`] (one SQLite file, its tables made in `schema`) holds each job's state,
//! [`inventory`] which key went to whom, [`letter_facts`] what a PIN letter prints;
//! [`escrow`] seals PINs for the journal (under batch keys kept in the journal by
//! `escrow_keys`) and [`audit`] is the HMAC-chained log, both
//! under keys from [`secrets`], whose home per folder [`key_home`] remembers; [`lock`]
//! keeps a data folder to one process and `private` to its owner (0700/0600).
//! [`port`] is the storage port (journal, claims, inventory as traits), implemented for
//! the journal in `sqlite_port` and for PostgreSQL in the `keydesk-store-pg` crate;
//! [`queue_order`] moves users to the top in one transaction and notes each job's group;
//! [`mirror`] writes a desk's journal through to such a shared store; [`station_pass`]
//! keeps the station passphrase's hash (the idle lock's key in app-only modes). Opening
//! all of them in order is [`crate::station`].
//!
//! Not here: any decision about a user or a key (that is `flow/`), and no Graph or key I/O.

pub mod audit;
mod crash_point;
pub mod escrow;
mod escrow_keys;
pub mod inventory;
pub mod journal;
pub mod key_home;
pub mod letter_facts;
pub mod lock;
pub mod mirror;
pub mod pin_mark;
pub mod port;
mod private;
pub mod queue_order;
mod schema;
pub mod secrets;
mod sqlite_port;
pub mod station_pass;

/// Makes `dir` and a station's files in it private to the OS user (see `private`).
/// `journal` and `audit` are the file names of the station's journal and audit log.
pub(crate) fn restrict_folder(
    dir: &std::path::Path,
    journal: &str,
    audit: &str,
) -> std::io::Result<()> {
    private::restrict(dir, &[journal, lock::LOCK_FILE, key_home::MARKER], &[audit])
}

/// Receives every job change of a journal, in order, and what another desk needs to
/// print its letters and list its keys ([`mirror`] writes a journal through to it). It
/// lives here, above the modules whose records it carries, so that none of them depends
/// on another through it.
pub trait JournalMirror: Send + Sync {
    /// `job` as the journal now holds it. An error fails the journal write.
    fn mirror(&self, job: &journal::JobRecord) -> Result<(), port::StoreError>;
    /// What the job's letter prints besides the PIN (name, address, key facts), as the
    /// journal now holds it. An error fails the journal write.
    fn letter_facts(&self, _job: &letter_facts::LetterJob) -> Result<(), port::StoreError> {
        Ok(())
    }
    /// A new inventory entry. An error fails the journal write (the local entry stays).
    fn inventory(&self, _entry: &inventory::InventoryEntry) -> Result<(), port::StoreError> {
        Ok(())
    }
}
