//! The app's config file, `keydesk.json` in the OS config folder for the app: the
//! connection and the desk's settings. It never holds a secret (a client secret or PFX
//! password goes to the OS keyring); neither type it stores has a field for one.

use std::path::{Path, PathBuf};

use keydesk_ipc::{Connection, DeskSettings, GroupChoice};
use serde::{Deserialize, Serialize};

/// The file's name in the config folder.
const FILE: &str = "keydesk.json";

/// What the file holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ConfigFile {
    /// Where and how to sign in, once the operator saved it.
    pub connection: Option<Connection>,
    /// The desk's settings.
    pub settings: DeskSettings,
    /// The group the operator picked by search (id, name, size), used while the
    /// connection names that group.
    pub group: Option<GroupChoice>,
    /// The users file the operator loaded as the queue instead of a group (its path).
    pub users_file: Option<String>,
}

/// Reads the file in `dir`, lets `change` edit it and writes it back (a missing file is
/// the defaults).
pub fn update(dir: &Path, change: impl FnOnce(&mut ConfigFile)) -> Result<(), String> {
    let mut file = load(dir)?;
    change(&mut file);
    save(dir, &file)
}

/// The file in `dir`.
pub fn path(dir: &Path) -> PathBuf {
    dir.join(FILE)
}

/// Reads the file; a missing file is the defaults. A file that does not parse is an error
/// (saving over it would lose what the operator wrote).
pub fn load(dir: &Path) -> Result<ConfigFile, String> {
    let path = path(dir);
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map_err(|e| format!("{} is not a KeyDesk config file: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(ConfigFile::default()),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

/// Writes the file (through a temporary file, so a crash leaves the old one whole).
pub fn save(dir: &Path, config: &ConfigFile) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let path = path(dir);
    let tmp = path.with_extension("json.tmp");
    let text = serde_json::to_vec_pretty(config).map_err(|e| e.to_string())?;
    std::fs::write(&tmp, text).map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, &path).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// How the header names a users file as the queue's group: its file name.
pub fn users_file_label(path: &str) -> String {
    let name = Path::new(path)
        .file_name()
        .map_or_else(|| path.to_owned(), |n| n.to_string_lossy().into_owned());
    format!("{name} (list)")
}

#[cfg(test)]
mod tests {
    use keydesk_ipc::SignInMode;

    use super::*;

    #[test]
    fn a_saved_config_reads_back_and_a_missing_one_is_the_defaults() {
        let dir = std::env::temp_dir().join(format!("keydesk-config-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(load(&dir).unwrap(), ConfigFile::default());
        let config = ConfigFile {
            connection: Some(Connection {
                tenant: "contoso.onmicrosoft.com".into(),
                mode: SignInMode::ClientSecret,
                client_id: "app".into(),
                group: "FIDO".into(),
                ..Connection::default()
            }),
            settings: DeskSettings {
                idle_lock_minutes: 3,
                ..DeskSettings::default()
            },
            group: Some(GroupChoice {
                id: "4f0c5a3e-0000-4000-8000-000000000001".into(),
                display_name: "FIDO".into(),
                member_count: Some(5),
            }),
            users_file: Some("/home/desk/usersToRegister.csv".into()),
        };
        save(&dir, &config).unwrap();
        assert_eq!(load(&dir).unwrap(), config);
        let text = std::fs::read_to_string(path(&dir)).unwrap();
        assert!(!text.to_lowercase().contains("secret\":"), "{text}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
