//! The options as [`Credentials`]: which sign-in mode, and where its secret comes from.
//!
//! A client secret is read from [`CLIENT_SECRET_ENV`] and, when that is unset, from the
//! OS keyring (where `keydesk-cli secret set` puts it); never from a flag or a file. A
//! PFX password comes from [`CERT_PASSWORD_ENV`]. A person's refresh token is kept
//! between runs only when the operator asked for it (`login`), see [`KeptSession`].

use std::path::Path;
use std::sync::Arc;

use keydesk_graph::{
    BrowserOpener, ClientCertificate, Credentials, DeviceCodePrompt, GraphConfig, Secret,
    SecretKey, SecretStore,
};
use zeroize::Zeroizing;

use crate::{Auth, Global, KeptSession, OptionsError};

/// The environment variable holding the app's client secret.
pub const CLIENT_SECRET_ENV: &str = "KEYDESK_CLIENT_SECRET";
/// The environment variable holding a PFX file's password.
pub const CERT_PASSWORD_ENV: &str = "KEYDESK_CERT_PASSWORD";

/// How a person's sign-in is shown: the caller's, so the command line prints and the
/// window displays.
#[derive(Clone)]
pub struct Prompts {
    /// Shows a device code and where to enter it.
    pub device_code: Arc<dyn DeviceCodePrompt>,
    /// Opens (or shows) the browser sign-in page.
    pub browser: Arc<dyn BrowserOpener>,
}

impl Global {
    /// How to sign in, from `--auth`, `--cert` and the environment. `keyring` is where a
    /// stored client secret is looked for and where a kept session lives; `keep_session`
    /// says whether a person's new refresh token is stored there (`login`) or only in
    /// memory (unless one was stored before, which is then kept up to date).
    pub fn credentials(
        &self,
        config: &GraphConfig,
        prompts: &Prompts,
        keyring: Arc<dyn SecretStore>,
        keep_session: bool,
    ) -> Result<Credentials, OptionsError> {
        match self.auth {
            Auth::Secret => client_secret(config, keyring.as_ref()).map(Credentials::ClientSecret),
            Auth::Cert => {
                let path = self.cert.as_ref().ok_or(OptionsError::Usage(
                    "--auth cert needs --cert FILE (a PEM or PFX file)",
                ))?;
                certificate(path).map(Credentials::Certificate)
            }
            Auth::DeviceCode => Ok(Credentials::device_code(
                prompts.device_code.clone(),
                Arc::new(KeptSession::new(keyring, keep_session)),
            )),
            Auth::Delegated => Ok(Credentials::browser(
                prompts.browser.clone(),
                Arc::new(KeptSession::new(keyring, keep_session)),
            )),
        }
    }
}

/// The client secret: the environment, else the keyring entry for this tenant and app.
fn client_secret(config: &GraphConfig, keyring: &dyn SecretStore) -> Result<Secret, OptionsError> {
    if let Some(secret) = std::env::var(CLIENT_SECRET_ENV)
        .ok()
        .filter(|s| !s.is_empty())
    {
        // Read once, then gone from the environment: a child process (a browser opened
        // for sign-in, a $BROWSER script) or a crash report does not inherit it.
        std::env::remove_var(CLIENT_SECRET_ENV);
        return Ok(Secret::new(secret));
    }
    match keyring.get(&SecretKey::client_secret(config)) {
        Ok(Some(secret)) if !secret.expose().trim().is_empty() => Ok(secret),
        Ok(_) => Err(OptionsError::NoClientSecret {
            env: CLIENT_SECRET_ENV,
        }),
        Err(e) => {
            tracing::debug!(error = %e, "no OS keyring to read a client secret from");
            Err(OptionsError::NoClientSecret {
                env: CLIENT_SECRET_ENV,
            })
        }
    }
}

/// Reads a PEM file (certificate and unencrypted key) or a PFX/P12 file.
fn certificate(path: &Path) -> Result<ClientCertificate, OptionsError> {
    let bytes = std::fs::read(path).map_err(|e| OptionsError::CertificateUnreadable {
        path: path.to_owned(),
        reason: e.to_string(),
    })?;
    if is_pem(&bytes) {
        ClientCertificate::from_pem(&bytes)
    } else {
        // A PFX without a password is opened with the empty one.
        let password = Zeroizing::new(std::env::var(CERT_PASSWORD_ENV).unwrap_or_default());
        ClientCertificate::from_pfx(&bytes, &password)
    }
    .map_err(|e| OptionsError::Certificate {
        path: path.to_owned(),
        reason: e.to_string(),
    })
}

/// Whether a `--cert` file is PEM text (else it is read as PFX).
fn is_pem(bytes: &[u8]) -> bool {
    bytes.windows(11).any(|w| w == b"-----BEGIN ")
}

#[cfg(test)]
mod tests {
    use clap::Parser;
    use keydesk_graph::MemoryStore;

    use super::*;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        global: Global,
    }

    fn never(_: &keydesk_graph::DeviceCodeInfo) {}

    #[test]
    fn a_client_secret_comes_from_the_environment_else_the_keyring() {
        let global = Cli::parse_from(["x", "--tenant", "t", "--client-id", "c"]).global;
        let config = global.graph_config().unwrap();
        let prompts = Prompts {
            device_code: Arc::new(never),
            browser: Arc::new(keydesk_graph::SystemBrowser),
        };
        let keyring = Arc::new(MemoryStore::new());
        // The only test in this crate that touches the environment.
        std::env::remove_var(CLIENT_SECRET_ENV);
        let missing = global.credentials(&config, &prompts, keyring.clone(), false);
        assert!(matches!(missing, Err(OptionsError::NoClientSecret { .. })));

        Credentials::save_client_secret(keyring.as_ref(), &config, &Secret::new("kept")).unwrap();
        match global.credentials(&config, &prompts, keyring.clone(), false) {
            Ok(Credentials::ClientSecret(secret)) => assert_eq!(secret.expose(), "kept"),
            other => panic!("{other:?}"),
        }
        std::env::set_var(CLIENT_SECRET_ENV, "from-env");
        match global.credentials(&config, &prompts, keyring, false) {
            Ok(Credentials::ClientSecret(secret)) => assert_eq!(secret.expose(), "from-env"),
            other => panic!("{other:?}"),
        }
        std::env::remove_var(CLIENT_SECRET_ENV);
    }
}
