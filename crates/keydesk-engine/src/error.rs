//! Why provisioning a user stopped, with what the technician should do.

use keydesk_fido::KeyError;
use keydesk_graph::GraphError;

use crate::escrow::EscrowError;
use crate::journal::JournalError;
use crate::preflight::Refusal;

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
    /// The PIN escrow failed: no PIN is set without it.
    #[error("PIN escrow: {0}")]
    Escrow(#[from] EscrowError),
    /// The user cannot hold a passkey.
    #[error("not eligible: {0}")]
    NotEligible(&'static str),
    /// The tenant's policy refuses (checked before writing to the key).
    #[error("pre-flight: {0}")]
    Policy(Refusal),
    /// The journal shows this user registered already.
    #[error("already registered")]
    AlreadyRegistered,
    /// The user's key was reported lost; reissue it explicitly.
    #[error("this user's key was revoked")]
    Revoked,
    /// The key already has a PIN and the operator chose to refuse such keys; `retries`
    /// is how many PIN tries the key has left (for an operator who means to change it).
    #[error("this key already has a PIN{}", retries_left(*retries))]
    KeyHasPin {
        /// The key's PIN retries counter, when it answered.
        retries: Option<u8>,
    },
    /// The operator skipped this user.
    #[error("skipped by the operator")]
    SkippedByOperator,
    /// The key has too few PIN retries left to risk the operator's PIN.
    #[error("this key has too few PIN retries left")]
    PinRetriesLow,
    /// The PIN policy cannot make a PIN the key accepts.
    #[error("the PIN policy cannot make a PIN this key accepts")]
    PinPolicy,
    /// The key cannot do the job.
    #[error("this key cannot be used: {0}")]
    KeyUnsuitable(&'static str),
    /// The challenge expired between makeCredential and the POST.
    #[error("the registration challenge expired before it could be sent")]
    ChallengeExpired,
    /// The self-test assertion came from another credential.
    #[error("the key answered the self-test with another credential")]
    SelfTest,
    /// The Graph client cannot do this yet.
    #[error("{0} is not supported by this Graph client version")]
    Unsupported(&'static str),
    /// No key came (the key source closed).
    #[error("no security key is available")]
    NoKey,
    /// Whether the register POST created a passkey cannot be told: the job waits for an
    /// operator's decision and is never registered again on its own.
    #[error(
        "needs attention: Entra may or may not hold this registration ({})",
        describe(candidates)
    )]
    NeedsAttention {
        /// Method ids that could be this registration (empty: none listed yet).
        candidates: Vec<String>,
    },
    /// A decision was given for a job that does not wait for one.
    #[error("this user's job does not need attention")]
    NothingToResolve,
    /// The operator named a passkey the user does not have.
    #[error("the user has no passkey with id {0}")]
    UnknownMethod(String),
    /// A PIN write to this key was interrupted and the key had a PIN before (or was
    /// tried once already): its PIN is not known and KeyDesk does not guess.
    #[error("this key's PIN is not known: a PIN change on it was interrupted")]
    PinUnknown,
    /// The audit log could not be written: provisioning stops before the next step.
    #[error("the audit log could not be written: {0}")]
    AuditFailed(String),
    /// The user holds directory roles the operator has not confirmed by name.
    #[error("this user holds the directory role {}: a passkey for them needs a second confirmation naming it", roles.join(", "))]
    RoleHolder {
        /// The roles not confirmed.
        roles: Vec<String>,
    },
    /// The user holds an active Temporary Access Pass, which a new one would silently
    /// replace; nothing was issued (the UPN).
    #[error("{0} already holds an active Temporary Access Pass, which a new one would replace")]
    PassActive(String),
    /// Several keys match what the operator named; nothing was changed.
    #[error("{} keys match; name one of them: {}", candidates.len(), candidates.join("; "))]
    AmbiguousMatch {
        /// Each matching key: serial or credential, model, user.
        candidates: Vec<String>,
    },
}

fn describe(candidates: &[String]) -> String {
    match candidates {
        [] => "no matching passkey is listed yet".to_owned(),
        ids => format!("candidates: {}", ids.join(", ")),
    }
}

impl ProvisionError {
    /// Whether the failure is the key's, not the user's: the key is set aside and the
    /// queue goes on with the next key.
    pub fn refuses_key(&self) -> bool {
        matches!(
            self,
            ProvisionError::KeyUnsuitable(_)
                | ProvisionError::KeyHasPin { .. }
                | ProvisionError::PinPolicy
                | ProvisionError::PinRetriesLow
                | ProvisionError::PinUnknown
                | ProvisionError::Policy(
                    Refusal::Key(_)
                        | Refusal::ModelUnfit { .. }
                        | Refusal::AttestationRequired(_)
                        | Refusal::Restricted { .. }
                        | Refusal::Graph(
                            keydesk_graph::PolicyRefusal::Blocked(_)
                                | keydesk_graph::PolicyRefusal::NotAllowed(_)
                        )
                )
        )
    }

    /// A sentence telling the technician what to do.
    pub fn remediation(&self) -> String {
        match self {
            ProvisionError::Graph(e) => e.remediation(),
            ProvisionError::Key(e) => e.remediation().to_owned(),
            ProvisionError::Journal(JournalError::Shared(e)) => e
                .downcast_ref::<crate::port::StoreError>()
                .map_or("Check the shared store, then run again.", |e| e.remediation())
                .into(),
            ProvisionError::Journal(_) => "KeyDesk cannot write its journal. Check free disk space and that the data folder is writable, then try again.".into(),
            ProvisionError::Escrow(EscrowError::Destroyed) => "KeyDesk no longer holds this PIN (its letter was delivered): reset the key, or revoke it and provision the user again. On a desk of a shared store, give --store.".into(),
            ProvisionError::Escrow(_) => "KeyDesk cannot use its escrow key (OS keyring or its key file). Check the keyring is unlocked, then try again.".into(),
            ProvisionError::NotEligible(_) => "Nothing to do for this user; fix the account in Entra ID first if they should get a key.".into(),
            ProvisionError::Policy(r) => r.remediation().into(),
            ProvisionError::AlreadyRegistered => "Nothing to do: this user got a key in an earlier run.".into(),
            ProvisionError::Revoked => "Reissue a key for this user from the inventory (retry).".into(),
            ProvisionError::KeyHasPin { .. } => "Use a new key, or choose to change the PIN (type the current one) or reset the key.".into(),
            ProvisionError::SkippedByOperator => "Retry the user when a key is ready.".into(),
            ProvisionError::PinRetriesLow => "Reset this key (it wipes it) or use another one.".into(),
            ProvisionError::PinPolicy => "Make the PIN policy's length at least the key's minimum PIN length.".into(),
            ProvisionError::KeyUnsuitable(_) => "Use another key: this one cannot store a passkey for Entra ID.".into(),
            ProvisionError::ChallengeExpired => "Start this user again: a fresh challenge will be fetched.".into(),
            ProvisionError::SelfTest => "Report the key as lost and issue another one.".into(),
            ProvisionError::Unsupported(_) => "Update KeyDesk, or do this step in the Entra admin center.".into(),
            ProvisionError::NoKey => "Plug in a security key and start again.".into(),
            ProvisionError::NothingToResolve => "Nothing to decide: only a job marked \"needs attention\" takes a decision.".into(),
            ProvisionError::PinUnknown => "Reset this key (it wipes it) and provision the user again, or use another key; KeyDesk never guesses a PIN on a key that had one.".into(),
            ProvisionError::AuditFailed(_) => "Provisioning stopped: nothing more is done without its audit line. Check free disk space and that the data folder's audit log is writable, then start again.".into(),
            ProvisionError::RoleHolder { roles } => format!("If this user should get a key, confirm each role by name (command line: --allow-role-holders \"{}\"), then retry the user.", roles.join(",")),
            ProvisionError::PassActive(_) => "Ask the user whether they still need that pass; if not, replace it explicitly (it stops working).".into(),
            ProvisionError::AmbiguousMatch { .. } => "Name the key by its serial, or by the credential id listed, exactly as shown.".into(),
            ProvisionError::UnknownMethod(_) => "Copy the passkey id exactly as Entra ID lists it for this user.".into(),
            ProvisionError::NeedsAttention { .. } => "Look at the user's passkeys in Entra ID, then say which one this key made (keydesk-cli reconcile --user UPN --method ID) or that none is (--none); a later run also checks again on its own.".into(),
        }
    }
}

/// ", N PIN tries left" for [`ProvisionError::KeyHasPin`].
fn retries_left(retries: Option<u8>) -> String {
    match retries {
        Some(1) => " (1 PIN try left)".to_owned(),
        Some(n) => format!(" ({n} PIN tries left)"),
        None => String::new(),
    }
}
