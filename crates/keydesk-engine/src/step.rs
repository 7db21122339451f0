//! The steps of one user's provisioning, each with the prompt the operator reads.

/// A step of [`crate::provision_user`], reported as it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Asking Graph for creation options.
    FetchingOptions,
    /// No free key is plugged: waiting for one.
    InsertKey,
    /// Reading the key's state.
    CheckingKey,
    /// A reset must follow a fresh plug-in: unplug the key and plug it back in.
    ReplugKey,
    /// Resetting the key (the operator confirmed it): touch it now.
    ResetKey,
    /// Setting the new PIN.
    SettingPin,
    /// The key waits for a touch.
    TouchKey,
    /// Sending the passkey to Entra.
    Registering,
}

impl Step {
    /// What the operator is told.
    pub fn prompt(self) -> &'static str {
        match self {
            Step::FetchingOptions => "Asking Entra ID for a registration challenge…",
            Step::InsertKey => "Insert a security key",
            Step::CheckingKey => "Checking the key…",
            Step::ReplugKey => "Unplug the key and plug it back in to reset it",
            Step::ResetKey => "Resetting the key: touch it now",
            Step::SettingPin => "Setting a new PIN on the key…",
            Step::TouchKey => "Touch your security key",
            Step::Registering => "Registering the passkey with Entra ID…",
        }
    }
}
