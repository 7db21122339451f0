//! Authenticator status values of MDS3 status reports and which of them make a key unfit
//! to hand out.

use serde::{Deserialize, Serialize};

/// A status report's `status`. Values this version does not know keep their text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum AuthenticatorStatus {
    /// `NOT_FIDO_CERTIFIED`.
    NotFidoCertified,
    /// `FIDO_CERTIFIED` and the levels `FIDO_CERTIFIED_L1` ... `FIDO_CERTIFIED_L3plus`
    /// (the text after `FIDO_CERTIFIED`, e.g. "" or "_L1plus").
    Certified(String),
    /// `USER_VERIFICATION_BYPASS`: the key can be used without its PIN.
    UserVerificationBypass,
    /// `ATTESTATION_KEY_COMPROMISE`: the model's attestation key leaked.
    AttestationKeyCompromise,
    /// `USER_KEY_REMOTE_COMPROMISE`: credential keys can be extracted remotely.
    UserKeyRemoteCompromise,
    /// `USER_KEY_PHYSICAL_COMPROMISE`: credential keys can be extracted with the key in hand.
    UserKeyPhysicalCompromise,
    /// `REVOKED`: the model's metadata is revoked.
    Revoked,
    /// `UPDATE_AVAILABLE`, `SELF_ASSERTION_SUBMITTED` and anything else.
    Other(String),
}

impl AuthenticatorStatus {
    /// The status as the BLOB spells it.
    pub fn as_text(&self) -> String {
        match self {
            AuthenticatorStatus::NotFidoCertified => "NOT_FIDO_CERTIFIED".into(),
            AuthenticatorStatus::Certified(level) => format!("FIDO_CERTIFIED{level}"),
            AuthenticatorStatus::UserVerificationBypass => "USER_VERIFICATION_BYPASS".into(),
            AuthenticatorStatus::AttestationKeyCompromise => "ATTESTATION_KEY_COMPROMISE".into(),
            AuthenticatorStatus::UserKeyRemoteCompromise => "USER_KEY_REMOTE_COMPROMISE".into(),
            AuthenticatorStatus::UserKeyPhysicalCompromise => "USER_KEY_PHYSICAL_COMPROMISE".into(),
            AuthenticatorStatus::Revoked => "REVOKED".into(),
            AuthenticatorStatus::Other(text) => text.clone(),
        }
    }

    /// Why a key of a model whose latest report is this must not be handed out, or None.
    pub fn unfit_reason(&self) -> Option<&'static str> {
        match self {
            AuthenticatorStatus::Revoked => Some("its model's metadata is revoked"),
            AuthenticatorStatus::UserVerificationBypass => {
                Some("its model can be used without its PIN (user verification bypass)")
            }
            AuthenticatorStatus::AttestationKeyCompromise => {
                Some("its model's attestation key is compromised")
            }
            AuthenticatorStatus::UserKeyRemoteCompromise => {
                Some("its model's credential keys can be extracted remotely")
            }
            AuthenticatorStatus::UserKeyPhysicalCompromise => {
                Some("its model's credential keys can be extracted by someone holding the key")
            }
            _ => None,
        }
    }
}

impl From<String> for AuthenticatorStatus {
    fn from(text: String) -> Self {
        match text.as_str() {
            "NOT_FIDO_CERTIFIED" => AuthenticatorStatus::NotFidoCertified,
            "USER_VERIFICATION_BYPASS" => AuthenticatorStatus::UserVerificationBypass,
            "ATTESTATION_KEY_COMPROMISE" => AuthenticatorStatus::AttestationKeyCompromise,
            "USER_KEY_REMOTE_COMPROMISE" => AuthenticatorStatus::UserKeyRemoteCompromise,
            "USER_KEY_PHYSICAL_COMPROMISE" => AuthenticatorStatus::UserKeyPhysicalCompromise,
            "REVOKED" => AuthenticatorStatus::Revoked,
            _ => match text.strip_prefix("FIDO_CERTIFIED") {
                Some(level) => AuthenticatorStatus::Certified(level.to_owned()),
                None => AuthenticatorStatus::Other(text),
            },
        }
    }
}

impl From<AuthenticatorStatus> for String {
    fn from(status: AuthenticatorStatus) -> Self {
        status.as_text()
    }
}
