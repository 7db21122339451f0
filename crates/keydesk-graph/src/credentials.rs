//! How KeyDesk proves who it is to Entra, and the [`Secret`] type that carries it.
//!
//! Only app-only sign-in with a client secret exists so far; certificate and delegated
//! sign-in will be further [`Credentials`] variants. Secrets never appear in `Debug`
//! output or logs and are wiped from memory when dropped.

use std::fmt;

use zeroize::Zeroizing;

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

/// What the client signs in with.
#[derive(Debug, Clone)]
pub enum Credentials {
    /// App-only sign-in with the app registration's client secret (client credentials grant).
    ClientSecret(Secret),
}

impl Credentials {
    pub(crate) fn is_empty(&self) -> bool {
        match self {
            Credentials::ClientSecret(secret) => secret.expose().trim().is_empty(),
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
