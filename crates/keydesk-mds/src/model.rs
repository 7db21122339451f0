//! The MDS3 BLOB payload as KeyDesk reads it: a small serde model of the fields the desk
//! uses, not the whole metadata statement dictionary. Unknown fields are ignored, so a
//! newer BLOB still reads. An entry's report in force and certification level are here too.

use serde::{Deserialize, Serialize};

use crate::status::AuthenticatorStatus;

/// The JWS payload of a BLOB.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Payload {
    /// The FIDO Alliance's legal header (kept so an imported file can be shown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_header: Option<String>,
    /// Serial number of this BLOB: each new BLOB has a larger one.
    pub no: u64,
    /// ISO date (`YYYY-MM-DD`) by which a newer BLOB is published.
    pub next_update: String,
    /// One entry per authenticator model.
    pub entries: Vec<Entry>,
}

/// What the BLOB says about one model.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// The model's AAGUID (FIDO2 authenticators; UAF and U2F entries have none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aaguid: Option<String>,
    /// The metadata statement, when the vendor published one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata_statement: Option<Statement>,
    /// Certification and compromise reports, in any order.
    #[serde(default)]
    pub status_reports: Vec<StatusReport>,
    /// ISO date of the last status change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_of_last_status_change: Option<String>,
}

/// The parts of a metadata statement KeyDesk uses.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Statement {
    /// Model name, e.g. "YubiKey 5 Series with NFC".
    #[serde(default)]
    pub description: String,
    /// A `data:image/png;base64,...` URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    /// Attestation types the model uses (`basic_full`, `basic_surrogate`, `attca`, ...).
    #[serde(default)]
    pub attestation_types: Vec<String>,
    /// DER certificates in standard base64: the roots (or intermediates) an attestation
    /// chain of this model ends at.
    #[serde(default)]
    pub attestation_root_certificates: Vec<String>,
    /// The model's getInfo, as the vendor declared it (kept as JSON).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authenticator_get_info: Option<serde_json::Value>,
}

/// One status report.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusReport {
    /// What happened.
    pub status: AuthenticatorStatus,
    /// ISO date from which it holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_date: Option<String>,
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
