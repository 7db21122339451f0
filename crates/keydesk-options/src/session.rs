//! [`KeptSession`]: where a person's refresh token lives between runs, only if asked.
//!
//! A session is kept in the OS keyring when the operator says so (`keydesk-cli login`,
//! a "keep me signed in" in the app); otherwise the token stays in memory and the next run
//! signs in again. A session kept earlier is used, and a rotated token replaces it, until
//! `logout` (or a refused token) deletes it. A keyring that does not answer is the same as
//! an empty one, except when keeping was asked for: then the error is the caller's.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use keydesk_graph::{MemoryStore, Secret, SecretError, SecretKey, SecretStore};

/// A [`SecretStore`] for delegated sign-in: memory always, the keyring when keeping.
pub struct KeptSession {
    keyring: Arc<dyn SecretStore>,
    memory: MemoryStore,
    keep: AtomicBool,
}

impl KeptSession {
    /// Over `keyring`; `keep` stores new tokens there too.
    pub fn new(keyring: Arc<dyn SecretStore>, keep: bool) -> Self {
        KeptSession {
            keyring,
            memory: MemoryStore::new(),
            keep: AtomicBool::new(keep),
        }
    }

    fn keeping(&self) -> bool {
        self.keep.load(Ordering::Relaxed)
    }
}

impl SecretStore for KeptSession {
    fn get(&self, key: &SecretKey) -> Result<Option<Secret>, SecretError> {
        if let Some(secret) = self.memory.get(key)? {
            return Ok(Some(secret));
        }
        match self.keyring.get(key) {
            Ok(Some(secret)) => {
                // A session kept earlier stays kept: its rotated token goes back there.
                self.keep.store(true, Ordering::Relaxed);
                Ok(Some(secret))
            }
            Ok(None) => Ok(None),
            Err(e) if self.keeping() => Err(e),
            Err(e) => {
                tracing::debug!(error = %e, "no OS keyring: the session is not kept");
                Ok(None)
            }
        }
    }

    fn set(&self, key: &SecretKey, secret: &Secret) -> Result<(), SecretError> {
        self.memory.set(key, secret)?;
        if self.keeping() {
            self.keyring.set(key, secret)?;
        }
        Ok(())
    }

    fn delete(&self, key: &SecretKey) -> Result<(), SecretError> {
        self.memory.delete(key)?;
        match self.keyring.delete(key) {
            Err(e) if self.keeping() => Err(e),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SecretKey {
        SecretKey::named("refresh-token:t:c")
    }

    #[test]
    fn a_session_is_kept_only_when_asked_or_kept_before() {
        let keyring = Arc::new(MemoryStore::new());
        let passing = KeptSession::new(keyring.clone(), false);
        passing.set(&key(), &Secret::new("one")).unwrap();
        assert!(keyring.is_empty());
        assert_eq!(passing.get(&key()).unwrap().unwrap().expose(), "one");

        let login = KeptSession::new(keyring.clone(), true);
        login.set(&key(), &Secret::new("two")).unwrap();
        assert_eq!(keyring.len(), 1);

        // A later run without `login` uses the kept session and keeps its rotation.
        let later = KeptSession::new(keyring.clone(), false);
        assert_eq!(later.get(&key()).unwrap().unwrap().expose(), "two");
        later.set(&key(), &Secret::new("three")).unwrap();
        assert_eq!(keyring.get(&key()).unwrap().unwrap().expose(), "three");
        later.delete(&key()).unwrap();
        assert!(keyring.is_empty());
    }
}
