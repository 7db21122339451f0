//! Where the engine's own keys live: the escrow key and the audit MAC key, each a 32-byte
//! key from [`SecretStore::get_or_create`].
//!
//! The store itself is KeyDesk's one secret store, `keydesk_graph::SecretStore`, with its
//! implementations ([`KeyringStore`], [`FileStore`], [`MemoryStore`]), re-exported here.
//! What the engine adds is the choice, made once per data folder and then kept
//! ([`super::key_home`]): the OS keyring when it answers, else a [`FileStore`] in the data
//! folder (the fallback for a plain shell or a test VM, where no keyring daemon runs: as
//! safe as the user's account, which is why KeyDesk warns when it uses it).

pub use keydesk_graph::{
    FileStore, KeyringStore, MemoryStore, SecretError, SecretKey, SecretStore,
};
