//! The connection screen's import of the Yubico sample's `configs.json` (what
//! `keydesk-cli import yubico-config` does for the command line): the file is parsed by
//! `keydesk_core::import`, its client secret is stored in the OS keyring under the key the
//! client secret sign-in reads, and the connection it names fills the form. The secret
//! never goes back to the window; the operator is told to delete the file.

use std::path::Path;

use keydesk_core::import::parse_yubico_config;
use keydesk_graph::{Credentials, KeyringStore, Secret, SecretStore};
use keydesk_ipc::{Connection, DeskSettings, ErrorKind, IpcError, SignInMode, YubicoImport};
use tauri::State;
use zeroize::Zeroizing;

use crate::convert;
use crate::signin;
use crate::state::Started;

/// Reads `configs.json` at `path`; the secret goes to the OS keyring.
#[tauri::command]
pub async fn connection_import_yubico(
    state: State<'_, Started>,
    path: String,
) -> Result<YubicoImport, IpcError> {
    let state = state.get()?;
    if state.demo.is_some() {
        return Err(convert::plain(
            ErrorKind::InvalidInput,
            "The demo is signed in to its simulated tenant: nothing to import.",
            "Start KeyDesk without --demo to import your configs.json.",
        ));
    }
    let settings = state.settings();
    tokio::task::spawn_blocking(move || {
        import_yubico(Path::new(path.trim()), &settings, &KeyringStore::new())
    })
    .await
    .map_err(|e| convert::plain(ErrorKind::Internal, e.to_string(), "Try again."))?
}

/// The import's work, with the secret store given.
pub(crate) fn import_yubico(
    path: &Path,
    settings: &DeskSettings,
    store: &dyn SecretStore,
) -> Result<YubicoImport, IpcError> {
    let bytes = std::fs::read(path).map(Zeroizing::new).map_err(|e| {
        convert::plain(
            ErrorKind::InvalidInput,
            format!("{} cannot be read: {e}.", path.display()),
            "Give the full path of the sample's configs.json.",
        )
    })?;
    let config = parse_yubico_config(&bytes).map_err(|e| {
        convert::plain(
            ErrorKind::InvalidInput,
            format!("{}: {e}.", path.display()),
            "Fill in the sample's tenantName and client_id, or type the connection here.",
        )
    })?;
    let connection = Connection {
        tenant: config.tenant.clone(),
        mode: SignInMode::ClientSecret,
        client_id: config.client_id.clone(),
        group: config.group.clone().unwrap_or_default(),
        ..Connection::default()
    };
    let file = path.display();
    let (secret_stored, notice) = match config.client_secret.as_ref() {
        None => (
            false,
            format!(
                "{file} holds no client secret: choose a certificate or a person's sign-in instead."
            ),
        ),
        Some(secret) => {
            let graph = signin::graph_config(&connection, settings);
            match Credentials::save_client_secret(store, &graph, &Secret::new(secret.as_str())) {
                Ok(()) => (
                    true,
                    format!(
                        "The client secret is now in the OS keyring. Delete {file} now: it holds the secret in clear."
                    ),
                ),
                Err(e) => (
                    false,
                    format!(
                        "The client secret was not stored ({e}): type it below when you sign in, then delete {file}."
                    ),
                ),
            }
        }
    };
    Ok(YubicoImport {
        connection,
        secret_stored,
        challenge_timeout_minutes: config.challenge_timeout_minutes,
        notice,
    })
}

#[cfg(test)]
mod tests {
    use keydesk_graph::{MemoryStore, SecretKey};

    use super::*;

    const SAMPLE: &str = r#"{"tenantName": "contoso.onmicrosoft.com", "client_id": "0f1e2d3c",
        "client_secret": "s3cr3t~from~the~sample", "usersInScopeGroup": "FIDO Users",
        "challengeTimeoutInMinutes": 60, "useRandomPIN": true}"#;

    #[test]
    fn the_sample_fills_the_form_and_its_secret_goes_to_the_store_only() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("configs.json");
        std::fs::write(&file, SAMPLE).unwrap();
        let store = MemoryStore::default();
        let settings = DeskSettings::default();
        let imported = import_yubico(&file, &settings, &store).unwrap();
        assert_eq!(imported.connection.tenant, "contoso.onmicrosoft.com");
        assert_eq!(imported.connection.client_id, "0f1e2d3c");
        assert_eq!(imported.connection.group, "FIDO Users");
        assert_eq!(imported.connection.mode, SignInMode::ClientSecret);
        assert_eq!(imported.challenge_timeout_minutes, Some(60));
        assert!(imported.secret_stored);
        assert!(imported.notice.contains("Delete"), "{}", imported.notice);
        assert!(
            imported.notice.contains("configs.json"),
            "{}",
            imported.notice
        );
        // Stored where the connection screen and the sign-in look for it.
        let graph = signin::graph_config(&imported.connection, &settings);
        let key = signin::secret_key(&imported.connection, &graph).unwrap();
        assert_eq!(key, SecretKey::client_secret(&graph));
        let stored = store.get(&key).unwrap().unwrap();
        assert_eq!(stored.expose(), "s3cr3t~from~the~sample");
        // Nothing that goes back to the window carries it.
        let sent = serde_json::to_string(&imported).unwrap();
        assert!(!sent.contains("s3cr3t"), "{sent}");
    }

    #[test]
    fn a_placeholder_or_a_missing_file_is_refused_with_a_sentence() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("configs.json");
        std::fs::write(&file, r#"{"tenantName": "{tenantName}", "client_id": "x"}"#).unwrap();
        let store = MemoryStore::default();
        let error = import_yubico(&file, &DeskSettings::default(), &store).unwrap_err();
        assert_eq!(error.kind, ErrorKind::InvalidInput);
        assert!(error.message.contains("tenantName"), "{}", error.message);
        let missing = dir.path().join("nope.json");
        let error = import_yubico(&missing, &DeskSettings::default(), &store).unwrap_err();
        assert!(error.message.contains("nope.json"), "{}", error.message);

        std::fs::write(
            &file,
            r#"{"tenantName": "contoso.onmicrosoft.com", "client_id": "x"}"#,
        )
        .unwrap();
        let imported = import_yubico(&file, &DeskSettings::default(), &store).unwrap();
        assert!(!imported.secret_stored);
        assert!(
            imported.notice.contains("no client secret"),
            "{}",
            imported.notice
        );
    }
}
