//! Where the engine's own keys live: the escrow key and the audit MAC key.
//!
//! [`SecretStore`] is the port; [`KeyringStore`] keeps secrets in the OS keyring,
//! [`FileStore`] in a file only the user can read (the fallback for a plain shell or a
//! test VM, where no keyring daemon runs: it is as safe as the user's account, which is
//! why KeyDesk warns when it uses it), [`MemoryStore`] in memory (tests, demo mode).
//! [`open_default`] tries the keyring and falls back to the file.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

use rand::RngCore;
use zeroize::Zeroizing;

/// A secret store could not be used.
#[derive(Debug, thiserror::Error)]
#[error("secret store: {0}")]
pub struct SecretError(pub String);

/// Holds named 32-byte secrets, creating them on first use.
pub trait SecretStore: Send + Sync {
    /// The secret called `name`, made from the CSPRNG and stored if there is none yet.
    fn get_or_create(&self, name: &str) -> Result<Zeroizing<[u8; 32]>, SecretError>;
}

fn random_secret() -> Zeroizing<[u8; 32]> {
    let mut bytes = Zeroizing::new([0u8; 32]);
    rand::rng().fill_bytes(bytes.as_mut());
    bytes
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

/// Secrets in memory only: gone when the process ends.
#[derive(Default)]
pub struct MemoryStore(Mutex<HashMap<String, Zeroizing<[u8; 32]>>>);

impl SecretStore for MemoryStore {
    fn get_or_create(&self, name: &str) -> Result<Zeroizing<[u8; 32]>, SecretError> {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        Ok(map
            .entry(name.to_owned())
            .or_insert_with(random_secret)
            .clone())
    }
}

/// Secrets in files (mode 0600 on Unix) in a directory.
pub struct FileStore {
    dir: PathBuf,
}

impl FileStore {
    /// Keeps secrets under `dir` (created if missing).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        FileStore { dir: dir.into() }
    }
}

impl SecretStore for FileStore {
    fn get_or_create(&self, name: &str) -> Result<Zeroizing<[u8; 32]>, SecretError> {
        let err = |e: std::io::Error| SecretError(format!("{}: {e}", self.dir.display()));
        let path = self.dir.join(format!("{name}.key"));
        if let Ok(text) = std::fs::read_to_string(&path) {
            let text = Zeroizing::new(text);
            return parse_hex(&text)
                .ok_or_else(|| SecretError(format!("{} is not a key", path.display())));
        }
        std::fs::create_dir_all(&self.dir).map_err(err)?;
        let secret = random_secret();
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&path).map_err(err)?;
        let text = Zeroizing::new(hex::encode(secret.as_ref()));
        std::io::Write::write_all(&mut file, text.as_bytes()).map_err(err)?;
        file.sync_all().map_err(err)?;
        Ok(secret)
    }
}

/// Secrets in the OS keyring (Secret Service, macOS Keychain, Windows Credential Manager).
pub struct KeyringStore {
    service: String,
}

impl KeyringStore {
    /// Entries under the keyring service `service`.
    pub fn new(service: impl Into<String>) -> Self {
        KeyringStore {
            service: service.into(),
        }
    }
}

impl SecretStore for KeyringStore {
    fn get_or_create(&self, name: &str) -> Result<Zeroizing<[u8; 32]>, SecretError> {
        let err = |e: keyring::Error| SecretError(e.to_string());
        let entry = keyring::Entry::new(&self.service, name).map_err(err)?;
        match entry.get_password() {
            Ok(text) => parse_hex(&Zeroizing::new(text))
                .ok_or_else(|| SecretError(format!("keyring entry {name} is not a key"))),
            Err(keyring::Error::NoEntry) => {
                let secret = random_secret();
                let text = Zeroizing::new(hex::encode(secret.as_ref()));
                entry.set_password(&text).map_err(err)?;
                Ok(secret)
            }
            Err(e) => Err(err(e)),
        }
    }
}

/// The OS keyring when it answers, else a [`FileStore`] in `data_dir/secrets` (with a
/// warning in the log). The probe only reads, so it leaves nothing in the keyring.
pub fn open_default(data_dir: &std::path::Path) -> Box<dyn SecretStore> {
    let probe = keyring::Entry::new("KeyDesk", "probe").map(|e| e.get_password());
    match probe {
        Ok(Ok(_)) | Ok(Err(keyring::Error::NoEntry)) => Box::new(KeyringStore::new("KeyDesk")),
        Ok(Err(e)) | Err(e) => {
            tracing::warn!(error = %e, "no OS keyring: keeping KeyDesk's keys in a file only this user can read");
            Box::new(FileStore::new(data_dir.join("secrets")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
