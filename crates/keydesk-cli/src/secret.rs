//! Sign-in secrets in the OS keyring: `secret set|clear` (the app's client secret) and
//! `login` / `logout` (a person's session, i.e. the refresh token).
//!
//! The client secret is read from stdin, never from a flag (flags end up in shell
//! history and process listings): one line, without echo when stdin is a terminal.
//! Entries are filed per tenant and client id (`keydesk_graph::SecretKey`). With no
//! keyring on this machine, each says so and exits 2.

use std::io::{BufRead, IsTerminal};
use std::sync::Arc;

use keydesk_graph::{Credentials, KeyringStore, Secret, SecretKey, SecretStore};

use crate::args::{Global, SecretCommand};
use crate::{connect, exit, out};

/// `secret set|clear`: runs the command; returns the exit code.
pub fn run(global: &Global, command: SecretCommand) -> u8 {
    let config = match global.graph_config() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    let keyring = KeyringStore::new();
    let key = SecretKey::client_secret(&config);
    let done = match command {
        SecretCommand::Set => match read_secret() {
            Ok(secret) => Credentials::save_client_secret(&keyring, &config, &secret)
                .map(|()| "set")
                .map_err(|e| e.to_string()),
            Err(message) => {
                eprintln!("error: {message}");
                return exit::USAGE;
            }
        },
        SecretCommand::Clear => keyring
            .delete(&key)
            .map(|()| "cleared")
            .map_err(|e| e.to_string()),
    };
    match done {
        Ok(word) => {
            out::line(&format!("{key} {word}"));
            exit::OK
        }
        Err(e) => {
            eprintln!("error: {e}\n  KeyDesk keeps sign-in secrets in the OS keyring only (Secret Service on Linux, Keychain, Credential Manager); start one, or use KEYDESK_CLIENT_SECRET.");
            exit::USAGE
        }
    }
}

/// One line from stdin; a prompt on stderr and no echo when stdin is a terminal.
fn read_secret() -> Result<Secret, String> {
    let text = if std::io::stdin().is_terminal() {
        rpassword::prompt_password("client secret (not shown): ")
            .map_err(|e| format!("cannot read the secret: {e}"))?
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| format!("cannot read the secret from stdin: {e}"))?;
        line
    };
    let secret = Secret::new(text.trim_end_matches(['\r', '\n']));
    if secret.expose().trim().is_empty() {
        return Err("no secret on stdin (pipe it in, e.g. printf '%s' \"$SECRET\" | keydesk-cli secret set …)".into());
    }
    Ok(secret)
}

/// `login`: a person signs in and the session is kept in the keyring.
pub async fn login(global: &Global) -> u8 {
    if !global.auth.is_person() {
        eprintln!(
            "error: login is for a person's sign-in: add --auth device-code or --auth delegated"
        );
        return exit::USAGE;
    }
    if let Err(e) = KeyringStore::new().probe() {
        eprintln!(
            "error: no OS keyring to keep the session in ({e}); sign in with each command instead"
        );
        return exit::USAGE;
    }
    let (config, credentials) = match connect::signing_in(global, true) {
        Ok(found) => found,
        Err(message) => {
            eprintln!("error: {message}");
            return exit::USAGE;
        }
    };
    let graph = match connect::client(config, credentials) {
        Ok(graph) => graph,
        Err(code) => return code,
    };
    if let Err(e) = graph.sign_in().await {
        eprintln!("error: sign-in failed: {e}\n  {}", e.remediation());
        return exit::SIGN_IN;
    }
    let who = connect::operator_name(&graph).await;
    out::line(&format!("signed in {who}"));
    eprintln!("the session is kept in the OS keyring until `keydesk-cli logout`");
    exit::OK
}

/// `logout`: forgets the kept session.
pub fn logout(global: &Global) -> u8 {
    let config = match global.graph_config() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    let keyring: Arc<dyn SecretStore> = Arc::new(KeyringStore::new());
    match keyring.delete(&SecretKey::refresh_token(&config)) {
        Ok(()) => {
            out::line("signed out");
            exit::OK
        }
        Err(e) => {
            eprintln!("error: {e}");
            exit::USAGE
        }
    }
}
