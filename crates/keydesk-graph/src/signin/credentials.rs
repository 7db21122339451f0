//! How KeyDesk proves who it is to Entra.
//!
//! Four modes: a person signing in (browser or device code, [`Credentials::Delegated`],
//! the default for a helpdesk), an app with a certificate, and an app with a client secret
//! either given directly or kept in the OS keyring. Secrets never appear in `Debug` output
//! or logs and are wiped from memory when dropped.

use std::fmt;
use std::sync::Arc;

use super::delegated::{Delegated, Flow};
use crate::secret_store::{KeyringStore, Secret, SecretKey, SecretStore};
use crate::{BrowserOpener, ClientCertificate, DeviceCodePrompt, GraphConfig, GraphError};

/// What the client signs in with.
#[derive(Clone)]
pub enum Credentials {
    /// App-only sign-in with the app registration's client secret (client credentials grant).
    ClientSecret(Secret),
    /// App-only sign-in with the client secret kept in a [`SecretStore`] (the OS keyring),
    /// read when a token is needed; see [`Credentials::save_client_secret`].
    StoredClientSecret(Arc<dyn SecretStore>),
    /// App-only sign-in with a certificate (JWT client assertion).
    Certificate(ClientCertificate),
    /// A person signs in; the refresh token is kept in the settings' store.
    Delegated(Delegated),
}

impl Credentials {
    /// Delegated sign-in in the browser (authorization code + PKCE).
    pub fn browser(opener: Arc<dyn BrowserOpener>, store: Arc<dyn SecretStore>) -> Self {
        Credentials::Delegated(Delegated::new(Flow::Browser(opener), store))
    }

    /// Delegated sign-in with a device code shown through `prompt`.
    pub fn device_code(prompt: Arc<dyn DeviceCodePrompt>, store: Arc<dyn SecretStore>) -> Self {
        Credentials::Delegated(Delegated::new(Flow::DeviceCode(prompt), store))
    }

    /// App-only sign-in with the client secret kept in the OS keyring ([`KeyringStore`]).
    pub fn keyring_client_secret() -> Self {
        Credentials::StoredClientSecret(Arc::new(KeyringStore::new()))
    }

    /// Saves `secret` as `config`'s client secret in `store`, for
    /// [`Credentials::StoredClientSecret`].
    pub fn save_client_secret(
        store: &dyn SecretStore,
        config: &GraphConfig,
        secret: &Secret,
    ) -> Result<(), GraphError> {
        if secret.expose().trim().is_empty() {
            return Err(GraphError::InvalidInput(
                "the client secret is empty".into(),
            ));
        }
        Ok(store.set(&SecretKey::client_secret(config), secret)?)
    }

    /// Whether this is app-only sign-in (no person signed in).
    pub fn is_app_only(&self) -> bool {
        !matches!(self, Credentials::Delegated(_))
    }

    pub(crate) fn is_empty(&self) -> bool {
        match self {
            Credentials::ClientSecret(secret) => secret.expose().trim().is_empty(),
            _ => false,
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::ClientSecret(secret) => {
                f.debug_tuple("ClientSecret").field(secret).finish()
            }
            Credentials::StoredClientSecret(_) => f.write_str("StoredClientSecret(<keyring>)"),
            Credentials::Certificate(c) => f.debug_tuple("Certificate").field(c).finish(),
            Credentials::Delegated(d) => f.debug_tuple("Delegated").field(d).finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let creds = Credentials::ClientSecret(Secret::new("hunter2"));
        let shown = format!("{creds:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("redacted"));
        assert_eq!(Secret::from("x").expose(), "x");
    }
}
