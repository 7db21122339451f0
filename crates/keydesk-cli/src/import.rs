//! `keydesk-cli import yubico-config FILE` and `keydesk-cli import users FILE`: what a desk
//! running the Yubico sample already has.
//!
//! `yubico-config` reads the sample's `configs.json`: the client secret goes to the OS
//! keyring (under the tenant and client id, where KeyDesk's stored-secret sign-in reads
//! it), and the tenant and client id are printed as the flags to use (KeyDesk keeps no
//! settings file for the command line). stderr then tells the operator to delete the file,
//! which holds the secret in clear. Without a keyring the secret is not stored (exit 2).
//!
//! `users` reads a user list (the sample's `usersToRegister.csv`, a CSV with a UPN column
//! or one UPN per line) and prints the queue it makes, `<UPN> <line> prefetched|fetch`; each
//! bad row goes to stderr as `line N: ...`; exit 1 when a row was left out.

use std::path::PathBuf;

use keydesk_core::import::{parse_user_list, parse_yubico_config};
use keydesk_graph::{Credentials, GraphConfig, KeyringStore, Secret};

use crate::args::Global;
use crate::import_args::{ImportArgs, ImportWhat};
use crate::{exit, out};

/// Runs the command; returns the exit code.
pub async fn run(_global: &Global, args: ImportArgs) -> u8 {
    match args.what {
        ImportWhat::YubicoConfig { file } => yubico_config(&file).await,
        ImportWhat::Users { file } => users(&file),
    }
}

async fn yubico_config(file: &PathBuf) -> u8 {
    let bytes = match std::fs::read(file) {
        Ok(bytes) => zeroize::Zeroizing::new(bytes),
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", file.display());
            return exit::USAGE;
        }
    };
    let config = match parse_yubico_config(&bytes) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    out::line(&format!(
        "--tenant {} --client-id {}",
        config.tenant, config.client_id
    ));
    if let Some(group) = &config.group {
        out::line(&format!("--group {group}"));
    }
    let Some(secret) = config.client_secret.as_ref() else {
        eprintln!(
            "{} holds no client secret: sign in with a certificate or as a person instead",
            file.display()
        );
        return exit::OK;
    };
    let graph = GraphConfig::global(config.tenant.clone(), config.client_id.clone());
    let secret = Secret::new(secret.as_str());
    let stored = tokio::task::spawn_blocking(move || {
        let keyring = KeyringStore::new();
        keyring.probe().map_err(|e| e.to_string()).and_then(|()| {
            Credentials::save_client_secret(&keyring, &graph, &secret).map_err(|e| e.to_string())
        })
    })
    .await
    .unwrap_or_else(|e| Err(e.to_string()));
    match stored {
        Ok(()) => {
            eprintln!(
                "the client secret is now in the OS keyring; delete {} now: it holds the \
                 secret in clear",
                file.display()
            );
            exit::OK
        }
        Err(e) => {
            eprintln!(
                "error: the client secret was not stored: no OS keyring answered ({e}); keep \
                 it out of files and pass it in KEYDESK_CLIENT_SECRET, then delete {}",
                file.display()
            );
            exit::USAGE
        }
    }
}

fn users(file: &PathBuf) -> u8 {
    let bytes = match std::fs::read(file) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", file.display());
            return exit::USAGE;
        }
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    let (entries, errors) = parse_user_list(&bytes, now);
    for entry in &entries {
        let source = if entry.prefetched.is_some() {
            "prefetched"
        } else {
            "fetch"
        };
        out::line(&format!("{} {} {source}", entry.upn, entry.line));
    }
    for error in &errors {
        let note = if error.imported { " (imported)" } else { "" };
        eprintln!("line {}: {}{note}", error.line, error.message);
    }
    eprintln!(
        "{} user(s) imported, {} row(s) left out",
        entries.len(),
        errors.iter().filter(|e| !e.imported).count()
    );
    if errors.iter().any(|e| !e.imported) || entries.is_empty() {
        exit::FAILED
    } else {
        exit::OK
    }
}
