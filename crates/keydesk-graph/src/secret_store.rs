//! Where secrets live between runs: the OS keyring, behind a small [`SecretStore`] trait.
//!
//! KeyDesk keeps two kinds of secret: an app registration's client secret (app-only
//! sign-in) and a delegated refresh token. Neither is ever written to a file. Production
//! uses [`KeyringStore`] (Secret Service on Linux, Keychain on macOS, Credential Manager on
//! Windows); tests use [`MemoryStore`]. Entries are named by [`SecretKey`], which keeps
//! tenants and apps apart.
//!
//! Known issues: the `keyring` crate talks to the Secret Service over D-Bus synchronously;
//! callers inside async code go through [`load`], [`save`] and [`delete`], which run it on
//! tokio's blocking pool.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use crate::{GraphConfig, GraphError, Secret};

/// The keyring service name every KeyDesk entry is filed under.
pub const KEYRING_SERVICE: &str = "KeyDesk";

/// Which secret of which app registration.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SecretKey(String);

impl SecretKey {
    /// The client secret of `config`'s app registration.
    pub fn client_secret(config: &GraphConfig) -> Self {
        SecretKey(format!(
            "client-secret:{}:{}",
            config.tenant.trim(),
            config.client_id.trim()
        ))
    }

    /// The delegated refresh token for `config`'s tenant and app.
    pub fn refresh_token(config: &GraphConfig) -> Self {
        SecretKey(format!(
            "refresh-token:{}:{}",
            config.tenant.trim(),
            config.client_id.trim()
        ))
    }

    /// The entry name, as the keyring shows it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A place to keep secrets. Implementations may block (the OS keyring does).
pub trait SecretStore: Send + Sync {
    /// The secret under `key`, if there is one.
    fn get(&self, key: &SecretKey) -> Result<Option<Secret>, GraphError>;
    /// Stores `secret` under `key`, replacing any previous one.
    fn set(&self, key: &SecretKey, secret: &Secret) -> Result<(), GraphError>;
    /// Removes the secret under `key`; removing nothing is not an error.
    fn delete(&self, key: &SecretKey) -> Result<(), GraphError>;
}

/// Secrets in memory, for tests and for sessions that must not persist anything.
#[derive(Default)]
pub struct MemoryStore(Mutex<HashMap<SecretKey, Secret>>);

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many secrets it holds.
    pub fn len(&self) -> usize {
        self.0.lock().expect("not poisoned").len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MemoryStore({} secrets)", self.len())
    }
}

impl SecretStore for MemoryStore {
    fn get(&self, key: &SecretKey) -> Result<Option<Secret>, GraphError> {
        Ok(self.0.lock().expect("not poisoned").get(key).cloned())
    }

    fn set(&self, key: &SecretKey, secret: &Secret) -> Result<(), GraphError> {
        self.0
            .lock()
            .expect("not poisoned")
            .insert(key.clone(), secret.clone());
        Ok(())
    }

    fn delete(&self, key: &SecretKey) -> Result<(), GraphError> {
        self.0.lock().expect("not poisoned").remove(key);
        Ok(())
    }
}

/// The OS keyring, through the `keyring` crate, under [`KEYRING_SERVICE`].
#[derive(Debug, Clone, Default)]
pub struct KeyringStore {
    service: Option<String>,
}

impl KeyringStore {
    /// Entries under [`KEYRING_SERVICE`].
    pub fn new() -> Self {
        Self::default()
    }

    /// Entries under another service name (tests use a unique one).
    pub fn with_service(service: impl Into<String>) -> Self {
        KeyringStore {
            service: Some(service.into()),
        }
    }

    fn entry(&self, key: &SecretKey) -> Result<keyring::Entry, GraphError> {
        let service = self.service.as_deref().unwrap_or(KEYRING_SERVICE);
        keyring::Entry::new(service, key.as_str()).map_err(keyring_error)
    }
}

impl SecretStore for KeyringStore {
    fn get(&self, key: &SecretKey) -> Result<Option<Secret>, GraphError> {
        match self.entry(key)?.get_password() {
            Ok(value) => Ok(Some(Secret::new(value))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(error) => Err(keyring_error(error)),
        }
    }

    fn set(&self, key: &SecretKey, secret: &Secret) -> Result<(), GraphError> {
        self.entry(key)?
            .set_password(secret.expose())
            .map_err(keyring_error)
    }

    fn delete(&self, key: &SecretKey) -> Result<(), GraphError> {
        match self.entry(key)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(error) => Err(keyring_error(error)),
        }
    }
}

/// Keyring errors name the platform failure; they never carry the secret.
fn keyring_error(error: keyring::Error) -> GraphError {
    GraphError::SecretStore(error.to_string())
}

/// [`SecretStore::get`] on the blocking pool.
pub(crate) async fn load(
    store: &Arc<dyn SecretStore>,
    key: &SecretKey,
) -> Result<Option<Secret>, GraphError> {
    let (store, key) = (store.clone(), key.clone());
    blocking(move || store.get(&key)).await
}

/// [`SecretStore::set`] on the blocking pool.
pub(crate) async fn save(
    store: &Arc<dyn SecretStore>,
    key: &SecretKey,
    secret: &Secret,
) -> Result<(), GraphError> {
    let (store, key, secret) = (store.clone(), key.clone(), secret.clone());
    blocking(move || store.set(&key, &secret)).await
}

/// [`SecretStore::delete`] on the blocking pool.
pub(crate) async fn delete(
    store: &Arc<dyn SecretStore>,
    key: &SecretKey,
) -> Result<(), GraphError> {
    let (store, key) = (store.clone(), key.clone());
    blocking(move || store.delete(&key)).await
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, GraphError> + Send + 'static,
) -> Result<T, GraphError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| GraphError::SecretStore(format!("keyring task failed: {e}")))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_store_round_trip_and_idempotent_delete() {
        let config = GraphConfig::global("t", "app");
        let store = MemoryStore::new();
        let key = SecretKey::refresh_token(&config);
        assert!(store.get(&key).unwrap().is_none());
        store.set(&key, &Secret::new("rt")).unwrap();
        assert_eq!(store.get(&key).unwrap().unwrap().expose(), "rt");
        assert_ne!(key, SecretKey::client_secret(&config));
        store.delete(&key).unwrap();
        store.delete(&key).unwrap();
        assert!(store.is_empty());
        assert!(!format!("{store:?}").contains("rt"));
    }
}
