//! Authenticator status values of MDS3 status reports, which of them make a key unfit to
//! hand out, and the latest report and certification level of an entry.

use serde::{Deserialize, Serialize};

use crate::model::Entry;

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

impl Entry {
    /// The report in force: the latest `effectiveDate` (ISO dates compare as text); among
    /// equal dates, or reports without one, the later in the list.
    pub fn latest_status(&self) -> Option<&AuthenticatorStatus> {
        self.status_reports
            .iter()
            .enumerate()
            .max_by(|(i, a), (j, b)| {
                let a = a.effective_date.as_deref().unwrap_or("");
                let b = b.effective_date.as_deref().unwrap_or("");
                a.cmp(b).then(i.cmp(j))
            })
            .map(|(_, report)| &report.status)
    }

    /// The certification of the latest certification report, e.g. "FIDO_CERTIFIED_L1".
    pub fn certification(&self) -> Option<String> {
        let mut certified: Vec<_> = self
            .status_reports
            .iter()
            .enumerate()
            .filter(|(_, r)| matches!(r.status, AuthenticatorStatus::Certified(_)))
            .collect();
        certified.sort_by(|(i, a), (j, b)| {
            let a = a.effective_date.as_deref().unwrap_or("");
            let b = b.effective_date.as_deref().unwrap_or("");
            a.cmp(b).then(i.cmp(j))
        });
        certified.last().map(|(_, r)| r.status.as_text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::StatusReport;

    fn report(status: &str, date: &str) -> StatusReport {
        StatusReport {
            status: status.to_owned().into(),
            effective_date: Some(date.to_owned()),
        }
    }

    #[test]
    fn the_latest_report_rules_and_certification_is_kept() {
        let entry = Entry {
            aaguid: None,
            metadata_statement: None,
            status_reports: vec![
                report("REVOKED", "2025-06-01"),
                report("FIDO_CERTIFIED_L1", "2020-01-01"),
                report("UPDATE_AVAILABLE", "2022-01-01"),
            ],
            time_of_last_status_change: None,
        };
        assert_eq!(entry.latest_status(), Some(&AuthenticatorStatus::Revoked));
        assert!(entry.latest_status().unwrap().unfit_reason().is_some());
        assert_eq!(entry.certification().as_deref(), Some("FIDO_CERTIFIED_L1"));
        let text: String = AuthenticatorStatus::from("SELF_ASSERTION_SUBMITTED".to_owned()).into();
        assert_eq!(text, "SELF_ASSERTION_SUBMITTED");
    }
}
