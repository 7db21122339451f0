//! Reports as CSV, formatted here and written by the caller: the desk's own report
//! ([`csv_report`]: every user with status, key model, serial and method id) and the Yubico
//! sample's `keysRegistered.csv` ([`yubico_report`]), whose header is kept byte for byte
//! so scripts reading the sample's file read ours. Records end in CRLF, as Python's `csv`
//! module (which wrote the sample's files) ends them.
//!
//! A PIN appears only when the caller hands one in: the Yubico variant's `PIN` column is
//! empty otherwise.

use crate::csv::write_record;
use crate::rfc3339::format_unix;
use crate::Pin;

/// The Yubico sample's `keysRegistered.csv` header, exactly.
pub const YUBICO_KEYS_HEADER: &str = "#upn,entraIDAuthMethodObjectId,serialNumber,PIN";

/// The desk report's columns.
pub const REPORT_HEADER: [&str; 9] = [
    "upn",
    "displayName",
    "status",
    "keyModel",
    "certification",
    "serialNumber",
    "methodId",
    "updated",
    "detail",
];

/// Where a user stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportStatus {
    /// Holds a registered key (or phone).
    Provisioned,
    /// Not provisioned yet (or under way).
    Pending,
    /// The last attempt failed.
    Failed,
    /// The key was reported lost and its passkey deleted.
    Revoked,
}

impl ReportStatus {
    /// The word in the report.
    pub fn as_str(self) -> &'static str {
        match self {
            ReportStatus::Provisioned => "provisioned",
            ReportStatus::Pending => "pending",
            ReportStatus::Failed => "failed",
            ReportStatus::Revoked => "revoked",
        }
    }
}

/// One user's line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRow {
    /// userPrincipalName.
    pub upn: String,
    /// Display name.
    pub display_name: String,
    /// Where the user stands.
    pub status: ReportStatus,
    /// Key model (or "Microsoft Authenticator (iOS)" for a phone).
    pub key_model: String,
    /// The model's FIDO certification from the metadata BLOB (e.g. `FIDO_CERTIFIED_L2`),
    /// empty when the desk had no BLOB listing it.
    pub certification: String,
    /// Key serial.
    pub serial: String,
    /// Entra method id.
    pub method_id: String,
    /// When the status was last set, Unix seconds.
    pub updated_unix: Option<i64>,
    /// An error or a note.
    pub detail: String,
}

/// The desk report: [`REPORT_HEADER`] and a line per row.
pub fn csv_report(rows: &[ReportRow]) -> String {
    let mut out = String::new();
    write_record(&mut out, &REPORT_HEADER);
    for row in rows {
        let updated = row.updated_unix.map(format_unix).unwrap_or_default();
        write_record(
            &mut out,
            &[
                row.upn.as_str(),
                &row.display_name,
                row.status.as_str(),
                &row.key_model,
                &row.certification,
                &row.serial,
                &row.method_id,
                &updated,
                &row.detail,
            ],
        );
    }
    out
}

/// One line of `keysRegistered.csv`.
#[derive(Debug)]
pub struct YubicoKeyRow<'a> {
    /// userPrincipalName.
    pub upn: &'a str,
    /// Entra method id (`entraIDAuthMethodObjectId`).
    pub method_id: &'a str,
    /// Key serial.
    pub serial: &'a str,
    /// The PIN, only when the operator asked for PINs and the escrow still holds it.
    pub pin: Option<&'a Pin>,
}

/// `keysRegistered.csv`: [`YUBICO_KEYS_HEADER`] and a line per registered key.
pub fn yubico_report(rows: &[YubicoKeyRow<'_>]) -> String {
    let mut out = String::new();
    out.push_str(YUBICO_KEYS_HEADER);
    out.push_str("\r\n");
    for row in rows {
        let pin = row.pin.map_or("", Pin::expose);
        write_record(&mut out, &[row.upn, row.method_id, row.serial, pin]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_yubico_header_is_the_samples_byte_for_byte() {
        let pin = Pin::new("482916");
        let out = yubico_report(&[
            YubicoKeyRow {
                upn: "kim@contoso.com",
                method_id: "m-1",
                serial: "31245678",
                pin: None,
            },
            YubicoKeyRow {
                upn: "lee@contoso.com",
                method_id: "m,2",
                serial: "",
                pin: Some(&pin),
            },
        ]);
        assert!(out
            .as_bytes()
            .starts_with(b"#upn,entraIDAuthMethodObjectId,serialNumber,PIN\r\n"));
        assert_eq!(
            out,
            "#upn,entraIDAuthMethodObjectId,serialNumber,PIN\r\n\
             kim@contoso.com,m-1,31245678,\r\n\
             lee@contoso.com,\"m,2\",,482916\r\n"
        );
    }

    #[test]
    fn the_desk_report_quotes_what_needs_it() {
        let out = csv_report(&[ReportRow {
            upn: "kim@contoso.com".into(),
            display_name: "User, Kim \"KJ\"".into(),
            status: ReportStatus::Failed,
            key_model: "YubiKey 5 NFC".into(),
            certification: "FIDO_CERTIFIED_L1".into(),
            serial: "31245678".into(),
            method_id: String::new(),
            updated_unix: Some(0),
            detail: "Entra ID: refused".into(),
        }]);
        assert_eq!(
            out,
            "upn,displayName,status,keyModel,certification,serialNumber,methodId,updated,detail\r\n\
             kim@contoso.com,\"User, Kim \"\"KJ\"\"\",failed,YubiKey 5 NFC,FIDO_CERTIFIED_L1,31245678,,\
             1970-01-01T00:00:00Z,Entra ID: refused\r\n"
        );
    }
}
