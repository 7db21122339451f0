//! Which secret store holds a data folder's keys, remembered in the folder.
//!
//! The escrow key seals PINs of keys already handed out and the audit key chains the log:
//! a new key made silently (because the keyring did not answer today, or its entry was
//! deleted) would leave every sealed PIN unreadable and the audit log "altered" from its
//! first entry. So the first open writes `keys.json` beside the journal: where the keys
//! live (`keyring` or `file`) and a check value per key (the first 8 bytes of
//! HMAC-SHA256(key, "keydesk key check"): it tells a changed key from a tampered log and
//! says nothing about the key). Later opens use that store or refuse with a sentence, and
//! never make a key once the folder has one.
//!
//! The marker holds no secret; it is written by temp file, fsync and rename.

use std::io::Write;
use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use super::secrets::{FileStore, KeyringStore, SecretError, SecretStore};

/// The marker's file name in the data folder.
pub const MARKER: &str = "keys.json";

/// The engine's keys, by name.
pub const KEY_NAMES: [&str; 2] = ["escrow", "audit"];

/// Where a folder's keys live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyHome {
    /// The OS keyring.
    Keyring,
    /// A 0600 file in `secrets/` of the data folder.
    File,
}

#[derive(Debug, Serialize, Deserialize)]
struct Marker {
    home: KeyHome,
    /// Key name → check value (hex).
    checks: std::collections::BTreeMap<String, String>,
}

/// Why the folder's keys cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyHomeError {
    /// The keyring holds the keys and does not answer.
    #[error("this data folder's keys are in the OS keyring, which does not answer ({0})")]
    KeyringUnavailable(String),
    /// A key the folder was made with is gone.
    #[error("the {name} key this data folder was made with is missing from the {home:?} store")]
    Missing {
        /// `escrow` or `audit`.
        name: String,
        /// Where it was.
        home: KeyHome,
    },
    /// A key is there but is not the one the folder was made with.
    #[error("the {name} key in the {home:?} store is not the one this data folder was made with")]
    Changed {
        /// `escrow` or `audit`.
        name: String,
        /// Where it is.
        home: KeyHome,
    },
    /// The marker or the store could not be read or written.
    #[error("key store: {0}")]
    Io(String),
}

impl KeyHomeError {
    /// What the technician should do.
    pub fn remediation(&self) -> &'static str {
        match self {
            KeyHomeError::KeyringUnavailable(_) => {
                "Unlock the OS keyring (sign in to the desktop session, or start the keyring \
                 daemon) and start again. KeyDesk will not make new keys: sealed PINs and \
                 the audit log need the old ones."
            }
            KeyHomeError::Missing { .. } | KeyHomeError::Changed { .. } => {
                "Restore the key (from the keyring backup, or the data folder's secrets/ \
                 file), or keep this folder for investigation and start with a new data \
                 folder. Sealed PINs in this folder cannot be read without it."
            }
            KeyHomeError::Io(_) => "Check that the data folder is readable and writable.",
        }
    }
}

/// Opens the store that holds `dir`'s keys: the one the marker names, or, for a new folder,
/// the OS keyring when it answers, else a file store (then the marker is written).
pub fn open(dir: &Path) -> Result<Box<dyn SecretStore>, KeyHomeError> {
    open_preferring(dir, None)
}

/// [`open`], with the home of a new folder's keys chosen by the caller (`None`: the
/// keyring when it answers). A folder that has keys keeps them where they are.
pub fn open_preferring(
    dir: &Path,
    new_home: Option<KeyHome>,
) -> Result<Box<dyn SecretStore>, KeyHomeError> {
    let marker_path = dir.join(MARKER);
    let marker = read_marker(&marker_path)?;
    let home = match (&marker, new_home) {
        (Some(m), _) => m.home,
        (None, Some(home)) => home,
        (None, None) => match KeyringStore::new().probe() {
            Ok(()) => KeyHome::Keyring,
            Err(e) => {
                tracing::warn!(error = %e, "no OS keyring: keeping KeyDesk's keys in a file only this user can read");
                KeyHome::File
            }
        },
    };
    let store: Box<dyn SecretStore> = match home {
        KeyHome::Keyring => {
            let keyring = KeyringStore::new();
            keyring
                .probe()
                .map_err(|e| KeyHomeError::KeyringUnavailable(e.to_string()))?;
            Box::new(keyring)
        }
        KeyHome::File => Box::new(FileStore::new(dir.join("secrets"))),
    };
    let mut checks = std::collections::BTreeMap::new();
    for name in KEY_NAMES {
        let check = match &marker {
            Some(m) => {
                let key = existing(store.as_ref(), name, home)?;
                let check = check_value(&key);
                if m.checks.get(name).is_some_and(|c| *c != check) {
                    return Err(KeyHomeError::Changed {
                        name: name.into(),
                        home,
                    });
                }
                check
            }
            None => check_value(&*store.get_or_create(name).map_err(io)?),
        };
        checks.insert(name.to_owned(), check);
    }
    if marker.is_none() {
        write_marker(&marker_path, &Marker { home, checks })?;
    }
    Ok(store)
}

fn existing(
    store: &dyn SecretStore,
    name: &str,
    home: KeyHome,
) -> Result<zeroize::Zeroizing<[u8; 32]>, KeyHomeError> {
    let key = super::secrets::SecretKey::named(name);
    match store.get(&key) {
        Ok(Some(_)) => store.get_or_create(name).map_err(io),
        Ok(None) => Err(KeyHomeError::Missing {
            name: name.into(),
            home,
        }),
        Err(e) if home == KeyHome::Keyring => Err(KeyHomeError::KeyringUnavailable(e.to_string())),
        Err(e) => Err(io(e)),
    }
}

fn check_value(key: &[u8; 32]) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("any key length");
    mac.update(b"keydesk key check");
    hex::encode(&mac.finalize().into_bytes()[..8])
}

fn io(e: SecretError) -> KeyHomeError {
    KeyHomeError::Io(e.to_string())
}

fn read_marker(path: &Path) -> Result<Option<Marker>, KeyHomeError> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| KeyHomeError::Io(format!("{} is not readable ({e})", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(KeyHomeError::Io(format!("{}: {e}", path.display()))),
    }
}

fn write_marker(path: &Path, marker: &Marker) -> Result<(), KeyHomeError> {
    let text = serde_json::to_vec_pretty(marker).expect("a marker serialises");
    write_atomically(path, &text).map_err(|e| KeyHomeError::Io(format!("{}: {e}", path.display())))
}

/// Writes `bytes` to `path` through a temporary file beside it, fsynced and renamed over
/// it, so a crash leaves the old file or the new one, never half of one.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut tmp = PathBuf::from(path);
    tmp.set_extension("tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(&tmp, path)?;
    if let Some(dir) = path.parent() {
        // The rename itself is durable only once the folder is synced (Unix).
        if let Ok(dir) = std::fs::File::open(dir) {
            let _ = dir.sync_all();
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::SecretKey;

    fn file_folder() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let store = open_preferring(dir.path(), Some(KeyHome::File)).unwrap();
        assert!(store.get(&SecretKey::named("escrow")).unwrap().is_some());
        dir
    }

    #[test]
    fn a_folder_keeps_its_keys_and_their_home() {
        let dir = file_folder();
        let first = FileStore::new(dir.path().join("secrets"))
            .get_or_create("audit")
            .unwrap();
        // Even when asked for the keyring, a folder whose keys are in a file keeps them.
        let again = open_preferring(dir.path(), Some(KeyHome::Keyring)).unwrap();
        assert_eq!(*again.get_or_create("audit").unwrap(), *first);
        let marker = std::fs::read_to_string(dir.path().join(MARKER)).unwrap();
        assert!(marker.contains("\"file\""), "{marker}");
        assert!(
            !marker.contains(&hex::encode(*first)),
            "the marker holds no key"
        );
    }

    #[test]
    fn a_missing_key_is_refused_not_made_anew() {
        let dir = file_folder();
        std::fs::remove_file(dir.path().join("secrets/escrow.key")).unwrap();
        let error = open(dir.path()).err().unwrap();
        assert!(matches!(error, KeyHomeError::Missing { ref name, .. } if name == "escrow"));
        assert!(error.remediation().contains("Restore the key"));
        assert!(!dir.path().join("secrets/escrow.key").exists());
    }

    #[test]
    fn a_replaced_key_is_named_as_changed() {
        let dir = file_folder();
        std::fs::write(dir.path().join("secrets/audit.key"), "11".repeat(32)).unwrap();
        let error = open(dir.path()).err().unwrap();
        assert!(matches!(error, KeyHomeError::Changed { ref name, .. } if name == "audit"));
    }

    #[test]
    fn keys_in_an_unanswering_keyring_are_waited_for_not_replaced() {
        if KeyringStore::new().probe().is_ok() {
            return; // a desktop session: the keyring answers, nothing to show here
        }
        let dir = tempfile::tempdir().unwrap();
        let marker = r#"{"home":"keyring","checks":{}}"#;
        std::fs::write(dir.path().join(MARKER), marker).unwrap();
        let error = open(dir.path()).err().unwrap();
        assert!(
            matches!(error, KeyHomeError::KeyringUnavailable(_)),
            "{error}"
        );
        assert!(!dir.path().join("secrets").exists(), "no file key was made");
    }
}
