//! Where the engine's own keys live: the escrow key and the audit MAC key, each a 32-byte
//! key from [`SecretStore::get_or_create`].
//!
//! The store itself is KeyDesk's one secret store, `keydesk_graph::SecretStore`, with its
//! implementations ([`KeyringStore`], [`FileStore`], [`MemoryStore`]), re-exported here.
//! What the engine adds is the choice: [`open_default`] takes the OS keyring when it
//! answers, else a [`FileStore`] in the data folder (the fallback for a plain shell or a
//! test VM, where no keyring daemon runs: as safe as the user's account, which is why
//! KeyDesk warns when it uses it).

use std::path::Path;

pub use keydesk_graph::{FileStore, KeyringStore, MemoryStore, SecretError, SecretStore};

/// The OS keyring when it answers, else a [`FileStore`] in `data_dir/secrets` (with a
/// warning in the log). The probe only reads, so it leaves nothing in the keyring.
pub fn open_default(data_dir: &Path) -> Box<dyn SecretStore> {
    let keyring = KeyringStore::new();
    match keyring.probe() {
        Ok(()) => Box::new(keyring),
        Err(e) => {
            tracing::warn!(error = %e, "no OS keyring: keeping KeyDesk's keys in a file only this user can read");
            Box::new(FileStore::new(data_dir.join("secrets")))
        }
    }
}
