//! Where KeyDesk keeps secrets between runs: one [`SecretStore`] trait and its
//! implementations, for the Graph client and the engine alike.
//!
//! Three kinds of secret: an app registration's client secret (app-only sign-in), a
//! delegated refresh token, and the engine's own 32-byte keys (the PIN escrow key and the
//! audit MAC key, through [`SecretStore::get_or_create`]). Production uses
//! [`KeyringStore`] (Secret Service on Linux, Keychain on macOS, Credential Manager on
//! Windows) under [`KEYRING_SERVICE`]; [`FileStore`] keeps the engine's keys in files only
//! the user can read, where no keyring daemon runs (a plain shell, a test VM); tests and
//! demo mode use [`MemoryStore`]. Entries are named by [`SecretKey`], which keeps tenants
//! and apps apart. Values are [`Secret`]s: redacted in `Debug`, wiped when dropped.
//!
//! Not here: which store a station uses (the engine's `key_home::open` tries the
//! keyring and falls back to a file). KeyDesk gives sign-in secrets to the keyring or to
//! memory only, never to a [`FileStore`].
//!
//! Known issues: the `keyring` crate talks to the Secret Service over D-Bus synchronously;
//! callers inside async code go through [`load`], [`save`] and [`delete`], which run it on
//! tokio's blocking pool.

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use rand::RngCore;
use zeroize::Zeroizing;

use crate::{GraphConfig, GraphError};

/// The keyring service name every KeyDesk entry is filed under.
pub const KEYRING_SERVICE: &str = "KeyDesk";

/// A string that must not leak: redacted in `Debug`, zeroized on drop.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(Zeroizing::new(value.into()))
    }

    /// The secret itself, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret::new(value)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// A secret store could not be used. Names the platform failure, never the secret.
#[derive(Debug, thiserror::Error)]
#[error("secret store: {0}")]
pub struct SecretError(pub String);

impl From<SecretError> for GraphError {
    fn from(error: SecretError) -> Self {
        GraphError::SecretStore(error.0)
    }
}

/// Which secret: the entry name, as the keyring shows it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SecretKey(String);

impl SecretKey {
    /// The client secret of `config`'s app registration at its login authority.
    pub fn client_secret(config: &GraphConfig) -> Self {
        Self::scoped("client-secret", config)
    }

    /// The delegated refresh token for `config`'s authority, tenant and app.
    pub fn refresh_token(config: &GraphConfig) -> Self {
        Self::scoped("refresh-token", config)
    }

    /// `kind:authority:tenant:client`: the authority is part of the name, so a secret
    /// stored for one login host (a real cloud) is never sent to another (a test tenant on
    /// loopback, a national cloud) that happens to use the same tenant and client id.
    fn scoped(kind: &str, config: &GraphConfig) -> Self {
        SecretKey(format!(
            "{kind}:{}:{}:{}",
            config.login_url.origin().ascii_serialization(),
            config.tenant.trim(),
            config.client_id.trim()
        ))
    }

    /// One of the engine's keys, by its plain name (`escrow`, `audit`).
    pub fn named(name: &str) -> Self {
        SecretKey(name.to_owned())
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
    fn get(&self, key: &SecretKey) -> Result<Option<Secret>, SecretError>;
    /// Stores `secret` under `key`, replacing any previous one.
    fn set(&self, key: &SecretKey, secret: &Secret) -> Result<(), SecretError>;
    /// Removes the secret under `key`; removing nothing is not an error.
    fn delete(&self, key: &SecretKey) -> Result<(), SecretError>;

    /// The 32-byte key called `name` (kept as hex), made from the CSPRNG and stored the
    /// first time it is asked for.
    fn get_or_create(&self, name: &str) -> Result<Zeroizing<[u8; 32]>, SecretError> {
        let key = SecretKey::named(name);
        if let Some(stored) = self.get(&key)? {
            return parse_hex(stored.expose())
                .ok_or_else(|| SecretError(format!("the stored secret {name} is not a key")));
        }
        let mut bytes = Zeroizing::new([0u8; 32]);
        rand::rng().fill_bytes(bytes.as_mut());
        self.set(&key, &Secret::new(hex::encode(bytes.as_ref())))?;
        Ok(bytes)
    }
}

fn parse_hex(text: &str) -> Option<Zeroizing<[u8; 32]>> {
    let bytes = Zeroizing::new(hex::decode(text.trim()).ok()?);
    let mut out = Zeroizing::new([0u8; 32]);
    if bytes.len() != 32 {
        return None;
    }
    out.copy_from_slice(&bytes);
    Some(out)
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
        self.lock().len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<SecretKey, Secret>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MemoryStore({} secrets)", self.len())
    }
}

impl SecretStore for MemoryStore {
    fn get(&self, key: &SecretKey) -> Result<Option<Secret>, SecretError> {
        Ok(self.lock().get(key).cloned())
    }

    fn set(&self, key: &SecretKey, secret: &Secret) -> Result<(), SecretError> {
        self.lock().insert(key.clone(), secret.clone());
        Ok(())
    }

    fn delete(&self, key: &SecretKey) -> Result<(), SecretError> {
        self.lock().remove(key);
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

    /// Whether a keyring answers: reads a `probe` entry, so it leaves nothing behind.
    pub fn probe(&self) -> Result<(), SecretError> {
        self.get(&SecretKey::named("probe")).map(|_| ())
    }

    fn entry(&self, key: &SecretKey) -> Result<keyring::Entry, SecretError> {
        let service = self.service.as_deref().unwrap_or(KEYRING_SERVICE);
        keyring::Entry::new(service, key.as_str()).map_err(keyring_error)
    }
}

impl SecretStore for KeyringStore {
    fn get(&self, key: &SecretKey) -> Result<Option<Secret>, SecretError> {
        match self.entry(key)?.get_password() {
            Ok(value) => Ok(Some(Secret::new(value))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(error) => Err(keyring_error(error)),
        }
    }

    fn set(&self, key: &SecretKey, secret: &Secret) -> Result<(), SecretError> {
        self.entry(key)?
            .set_password(secret.expose())
            .map_err(keyring_error)
    }

    fn delete(&self, key: &SecretKey) -> Result<(), SecretError> {
        match self.entry(key)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(error) => Err(keyring_error(error)),
        }
    }
}

/// Keyring errors name the platform failure; they never carry the secret.
fn keyring_error(error: keyring::Error) -> SecretError {
    SecretError(error.to_string())
}

/// Secrets in files of a directory, `<name>.key`, readable by this user only (mode 0600 on
/// Unix): as safe as the user's account, which is why KeyDesk warns when it uses one.
#[derive(Debug, Clone)]
pub struct FileStore {
    dir: PathBuf,
}

impl FileStore {
    /// Keeps secrets under `dir` (created when the first one is stored).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        FileStore { dir: dir.into() }
    }

    /// `<name>.key`, every byte outside `[A-Za-z0-9._-]` written as `%XX`: a name holding
    /// an authority (`https://…`) stays one file in the folder.
    fn path(&self, key: &SecretKey) -> PathBuf {
        let mut name = String::new();
        for byte in key.as_str().bytes() {
            if byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'_' | b'-') {
                name.push(char::from(byte));
            } else {
                name.push_str(&format!("%{byte:02X}"));
            }
        }
        self.dir.join(format!("{name}.key"))
    }

    fn error(&self, error: std::io::Error) -> SecretError {
        SecretError(format!("{}: {error}", self.dir.display()))
    }
}

impl SecretStore for FileStore {
    fn get(&self, key: &SecretKey) -> Result<Option<Secret>, SecretError> {
        match std::fs::read_to_string(self.path(key)) {
            Ok(text) => Ok(Some(Secret::new(text))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(self.error(e)),
        }
    }

    /// Written to a temporary file, fsynced and renamed over the old one: a crash leaves
    /// the old key or the new one, never an empty or half-written file.
    fn set(&self, key: &SecretKey, secret: &Secret) -> Result<(), SecretError> {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(&self.dir).map_err(|e| self.error(e))?;
        let path = self.path(key);
        let tmp = path.with_extension("key.tmp");
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&tmp).map_err(|e| self.error(e))?;
        std::io::Write::write_all(&mut file, secret.expose().as_bytes())
            .map_err(|e| self.error(e))?;
        file.sync_all().map_err(|e| self.error(e))?;
        drop(file);
        std::fs::rename(&tmp, &path).map_err(|e| self.error(e))?;
        if let Ok(dir) = std::fs::File::open(&self.dir) {
            let _ = dir.sync_all();
        }
        Ok(())
    }

    fn delete(&self, key: &SecretKey) -> Result<(), SecretError> {
        match std::fs::remove_file(self.path(key)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(self.error(e)),
            _ => Ok(()),
        }
    }
}

/// [`SecretStore::get`] on the blocking pool.
pub(crate) async fn load(
    store: &Arc<dyn SecretStore>,
    key: &SecretKey,
) -> Result<Option<Secret>, SecretError> {
    let (store, key) = (store.clone(), key.clone());
    blocking(move || store.get(&key)).await
}

/// [`SecretStore::set`] on the blocking pool.
pub(crate) async fn save(
    store: &Arc<dyn SecretStore>,
    key: &SecretKey,
    secret: &Secret,
) -> Result<(), SecretError> {
    let (store, key, secret) = (store.clone(), key.clone(), secret.clone());
    blocking(move || store.set(&key, &secret)).await
}

/// [`SecretStore::delete`] on the blocking pool.
pub(crate) async fn delete(
    store: &Arc<dyn SecretStore>,
    key: &SecretKey,
) -> Result<(), SecretError> {
    let (store, key) = (store.clone(), key.clone());
    blocking(move || store.delete(&key)).await
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, SecretError> + Send + 'static,
) -> Result<T, SecretError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| SecretError(format!("keyring task failed: {e}")))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_stored_for_one_authority_is_not_offered_to_another() {
        let real = GraphConfig::global("contoso.onmicrosoft.com", "app");
        let mut local = real.clone();
        local.login_url = url::Url::parse("http://127.0.0.1:8080").unwrap();
        assert_ne!(
            SecretKey::client_secret(&real),
            SecretKey::client_secret(&local)
        );
        assert_ne!(
            SecretKey::refresh_token(&real),
            SecretKey::refresh_token(&local)
        );
    }

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

    #[test]
    fn a_key_is_made_once_and_kept() {
        let store = MemoryStore::new();
        let a = store.get_or_create("escrow").unwrap();
        assert_eq!(*a, *store.get_or_create("escrow").unwrap());
        assert_ne!(*a, *store.get_or_create("audit").unwrap());
        store
            .set(&SecretKey::named("bad"), &Secret::new("not hex"))
            .unwrap();
        assert!(store.get_or_create("bad").is_err());
    }

    #[test]
    fn a_file_secret_is_stable_and_private() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::new(dir.path());
        let a = store.get_or_create("escrow").unwrap();
        let b = FileStore::new(dir.path()).get_or_create("escrow").unwrap();
        assert_eq!(*a, *b);
        assert_ne!(*a, *store.get_or_create("audit").unwrap());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("escrow.key"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert!(!names.iter().any(|n| n.ends_with(".tmp")), "{names:?}");
        // A name with an authority in it is one file, not a path.
        let config = GraphConfig::global("t", "app");
        store
            .set(&SecretKey::client_secret(&config), &Secret::new("s"))
            .unwrap();
        assert_eq!(
            store
                .get(&SecretKey::client_secret(&config))
                .unwrap()
                .unwrap()
                .expose(),
            "s"
        );
        store.delete(&SecretKey::named("escrow")).unwrap();
        store.delete(&SecretKey::named("escrow")).unwrap();
        assert!(store.get(&SecretKey::named("escrow")).unwrap().is_none());
    }
}
