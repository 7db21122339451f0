//! The per-user provisioning job: its states and the pure transitions between them.
//!
//! The journal stores a job's [`JobState`] before every side effect, so a job found in an
//! unfinished state after a crash says exactly which side effect may or may not have
//! happened. `Posting` in particular means "the register POST may have reached Graph".

/// Where one user's provisioning stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobState {
    /// Nothing done yet.
    Pending,
    /// Creation options fetched; nothing written to a key.
    OptionsFetched,
    /// About to set the PIN on the key (the PIN may be set).
    SettingPin,
    /// About to ask the key for a credential (a credential may exist on the key).
    MakingCredential,
    /// About to POST the attestation (the method may exist in Entra).
    Posting,
    /// Graph answered 201: the passkey is registered.
    Registered,
    /// Stopped with an error the operator must look at.
    Failed,
    /// Not eligible (guest, disabled) or skipped by the operator.
    Skipped,
    /// Registered, then revoked (lost key): the method was deleted in Entra.
    Revoked,
    /// The POST's outcome could not be told (several candidate passkeys, or none listed
    /// yet): never registered again on its own; an operator says which passkey is this
    /// job's, or that none is.
    NeedsAttention,
}

/// What happened to a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobEvent {
    /// Creation options arrived.
    OptionsFetched,
    /// Next: set the PIN.
    PinStarted,
    /// Next: makeCredential.
    CredentialStarted,
    /// Next: POST the attestation.
    PostStarted,
    /// Graph confirmed the registration.
    Registered,
    /// Something failed.
    Failed,
    /// The user is skipped.
    Skipped,
    /// The operator retries a failed job (or reissues a revoked one).
    Retry,
    /// After a crash, the user's passkeys were read: `true` when the credential the job
    /// made is registered, `false` when it is not (start again with a fresh challenge).
    Reconciled(bool),
    /// The key was reported lost and its method deleted in Entra.
    Revoked,
    /// Reading the user's passkeys could not tell whether the POST registered one.
    Unsure,
}

/// A transition the state machine does not allow.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("a job in state {from:?} cannot take event {event:?}")]
pub struct InvalidTransition {
    /// State before.
    pub from: JobState,
    /// Event refused.
    pub event: JobEvent,
}

impl JobState {
    /// The next state, or why not.
    pub fn on(self, event: JobEvent) -> Result<JobState, InvalidTransition> {
        use JobEvent as E;
        use JobState as S;
        let next = match (self, event) {
            (S::Pending | S::OptionsFetched, E::OptionsFetched) => S::OptionsFetched,
            (S::OptionsFetched, E::PinStarted) => S::SettingPin,
            (S::OptionsFetched | S::SettingPin | S::MakingCredential, E::CredentialStarted) => {
                S::MakingCredential
            }
            (S::MakingCredential, E::PostStarted) => S::Posting,
            (S::Posting | S::NeedsAttention, E::Registered | E::Reconciled(true)) => S::Registered,
            (S::Posting | S::NeedsAttention, E::Unsure) => S::NeedsAttention,
            (s, E::Reconciled(false)) if s.is_in_progress() || s == S::NeedsAttention => S::Pending,
            (s, E::Failed) if !s.is_final() && s != S::NeedsAttention => S::Failed,
            (S::Pending | S::Failed, E::Skipped) => S::Skipped,
            (S::Failed | S::Skipped | S::Revoked, E::Retry) => S::Pending,
            (S::Registered, E::Revoked) => S::Revoked,
            (from, event) => return Err(InvalidTransition { from, event }),
        };
        Ok(next)
    }

    /// Registered, skipped and revoked jobs are done; only an operator's retry (of a skip
    /// or a revocation) or a revocation (of a registration) moves them.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            JobState::Registered | JobState::Skipped | JobState::Revoked
        )
    }

    /// A side effect may be half done: a crash here needs reconciling before a retry.
    pub fn is_in_progress(self) -> bool {
        matches!(
            self,
            JobState::OptionsFetched
                | JobState::SettingPin
                | JobState::MakingCredential
                | JobState::Posting
        )
    }

    /// The name stored in the journal.
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Pending => "pending",
            JobState::OptionsFetched => "options_fetched",
            JobState::SettingPin => "setting_pin",
            JobState::MakingCredential => "making_credential",
            JobState::Posting => "posting",
            JobState::Registered => "registered",
            JobState::Failed => "failed",
            JobState::Skipped => "skipped",
            JobState::Revoked => "revoked",
            JobState::NeedsAttention => "needs_attention",
        }
    }

    /// Reads a journal name back.
    pub fn parse(name: &str) -> Option<JobState> {
        ALL.iter().copied().find(|s| s.as_str() == name)
    }
}

/// Every state.
pub const ALL: [JobState; 10] = [
    JobState::Pending,
    JobState::OptionsFetched,
    JobState::SettingPin,
    JobState::MakingCredential,
    JobState::Posting,
    JobState::Registered,
    JobState::Failed,
    JobState::Skipped,
    JobState::Revoked,
    JobState::NeedsAttention,
];

/// Every event (both outcomes of a reconciliation), for exhaustive and property tests.
pub const EVENTS: [JobEvent; 12] = [
    JobEvent::OptionsFetched,
    JobEvent::PinStarted,
    JobEvent::CredentialStarted,
    JobEvent::PostStarted,
    JobEvent::Registered,
    JobEvent::Failed,
    JobEvent::Skipped,
    JobEvent::Retry,
    JobEvent::Reconciled(true),
    JobEvent::Reconciled(false),
    JobEvent::Revoked,
    JobEvent::Unsure,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn happy_path_reaches_registered() {
        let mut s = JobState::Pending;
        for e in [
            JobEvent::OptionsFetched,
            JobEvent::PinStarted,
            JobEvent::CredentialStarted,
            JobEvent::PostStarted,
            JobEvent::Registered,
        ] {
            s = s.on(e).unwrap();
        }
        assert_eq!(s, JobState::Registered);
    }

    #[test]
    fn registered_is_never_left() {
        for e in [
            JobEvent::Failed,
            JobEvent::Retry,
            JobEvent::OptionsFetched,
            JobEvent::Skipped,
        ] {
            assert!(JobState::Registered.on(e).is_err(), "{e:?}");
        }
    }

    #[test]
    fn registration_only_follows_a_post() {
        let after_a_post = [JobState::Posting, JobState::NeedsAttention];
        for s in ALL.into_iter().filter(|s| !after_a_post.contains(s)) {
            assert!(s.on(JobEvent::Registered).is_err(), "{s:?}");
        }
    }

    #[test]
    fn an_unsure_post_waits_for_a_decision_and_is_never_failed_or_retried_blindly() {
        let s = JobState::Posting.on(JobEvent::Unsure).unwrap();
        assert_eq!(s, JobState::NeedsAttention);
        for e in [JobEvent::Failed, JobEvent::Retry, JobEvent::Skipped] {
            assert!(s.on(e).is_err(), "{e:?}");
        }
        assert_eq!(s.on(JobEvent::Unsure), Ok(JobState::NeedsAttention));
        assert_eq!(s.on(JobEvent::Reconciled(true)), Ok(JobState::Registered));
        assert_eq!(s.on(JobEvent::Reconciled(false)), Ok(JobState::Pending));
        assert!(JobState::MakingCredential.on(JobEvent::Unsure).is_err());
    }

    #[test]
    fn names_round_trip() {
        for s in ALL {
            assert_eq!(JobState::parse(s.as_str()), Some(s));
        }
    }
}
