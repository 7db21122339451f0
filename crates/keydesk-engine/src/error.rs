//! Why provisioning a user stopped, with what the technician should do.

use keydesk_fido::KeyError;
use keydesk_graph::GraphError;

use crate::journal::JournalError;

/// A provisioning failure. Nothing here ever carries a PIN.
#[derive(Debug, thiserror::Error)]
pub enum ProvisionError {
    /// Graph refused or failed.
    #[error("Entra ID: {0}")]
    Graph(#[from] GraphError),
    /// The key refused or failed.
    #[error("security key: {0}")]
    Key(#[from] KeyError),
    /// The journal could not be written: nothing further is done without it.
    #[error(transparent)]
    Journal(#[from] JournalError),
    /// The user cannot hold a passkey.
    #[error("not eligible: {0}")]
    NotEligible(&'static str),
    /// The journal shows this user registered already.
    #[error("already registered")]
    AlreadyRegistered,
    /// The key already has a PIN (change and reset come in a later version).
    #[error("this key already has a PIN")]
    KeyHasPin,
    /// The key cannot do the job.
    #[error("this key cannot be used: {0}")]
    KeyUnsuitable(&'static str),
    /// The challenge expired between makeCredential and the POST.
    #[error("the registration challenge expired before it could be sent")]
    ChallengeExpired,
    /// No key came (the key source closed).
    #[error("no security key is available")]
    NoKey,
}

impl ProvisionError {
    /// A sentence telling the technician what to do.
    pub fn remediation(&self) -> String {
        match self {
            ProvisionError::Graph(e) => e.remediation(),
            ProvisionError::Key(e) => e.remediation().to_owned(),
            ProvisionError::Journal(_) => "KeyDesk cannot write its journal. Check free disk space and that the data folder is writable, then try again.".into(),
            ProvisionError::NotEligible(_) => "Nothing to do for this user; fix the account in Entra ID first if they should get a key.".into(),
            ProvisionError::AlreadyRegistered => "Nothing to do: this user got a key in an earlier run.".into(),
            ProvisionError::KeyHasPin => "Use a new key, or reset this one with the key maker's tool and try again.".into(),
            ProvisionError::KeyUnsuitable(_) => "Use another key: this one cannot store a passkey for Entra ID.".into(),
            ProvisionError::ChallengeExpired => "Start this user again: a fresh challenge will be fetched.".into(),
            ProvisionError::NoKey => "Plug in a security key and start again.".into(),
        }
    }
}
