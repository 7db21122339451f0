//! What can be wrong with the global options: each a usage or configuration error,
//! worded for the operator (exit code 2 on the command line).

use std::path::PathBuf;

/// The global options cannot be used as given.
#[derive(Debug, thiserror::Error)]
pub enum OptionsError {
    /// A required option is missing.
    #[error("{0} is required")]
    Missing(&'static str),
    /// Options that do not go together, or a mode missing what it needs.
    #[error("{0}")]
    Usage(&'static str),
    /// A URL option does not parse.
    #[error("{flag} {text:?} is not a URL: {reason}")]
    BadUrl {
        /// The option.
        flag: &'static str,
        /// What was given.
        text: String,
        /// Why it does not parse.
        reason: String,
    },
    /// No client secret in the environment nor in the OS keyring.
    #[error("set the client secret in the {env} environment variable, or keep it in the OS keyring with `keydesk-cli secret set`")]
    NoClientSecret {
        /// The environment variable read.
        env: &'static str,
    },
    /// The `--cert` file cannot be read.
    #[error("cannot read --cert {}: {reason}", path.display())]
    CertificateUnreadable {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The `--cert` file is not a usable certificate and key.
    #[error("--cert {}: {reason}", path.display())]
    Certificate {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// The data folder cannot be found or created.
    #[error("{0}")]
    DataDir(String),
}
