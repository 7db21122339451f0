//! The desk's reports from its journal and inventory, formatted by `keydesk_core::report`:
//! [`desk_report`] (every journaled user as provisioned, pending, failed or revoked, with
//! key model, its FIDO certification from the metadata BLOB when the desk has one, serial
//! and method id, and each phone handed out) and [`yubico_report`] (the
//! Yubico sample's `keysRegistered.csv`).
//!
//! Offline: no Graph call, so display names are those the inventory does not keep (empty).
//! A PIN goes into the Yubico variant only when the caller passes the escrow, and only
//! for users whose PIN the escrow still holds (a delivered letter wiped it).

use keydesk_core::job::JobState;
use keydesk_core::report::{self, ReportRow, ReportStatus, YubicoKeyRow};
use keydesk_core::Pin;
use keydesk_mds::Mds;

use crate::inventory::{DeviceKind, InventoryEntry, KeyStatus};
use crate::journal::JobRecord;
use crate::{Escrow, Journal, ProvisionError};

/// The report's status for a job state, with a note for the states it folds.
fn status(state: JobState) -> (ReportStatus, &'static str) {
    match state {
        JobState::Registered => (ReportStatus::Provisioned, ""),
        JobState::Revoked => (ReportStatus::Revoked, ""),
        JobState::Failed => (ReportStatus::Failed, ""),
        JobState::NeedsAttention => (ReportStatus::Failed, "needs attention"),
        JobState::Skipped => (ReportStatus::Pending, "skipped"),
        JobState::Pending => (ReportStatus::Pending, ""),
        _ => (ReportStatus::Pending, "in progress"),
    }
}

/// Every journaled user, then every phone, as report rows.
pub fn desk_rows(journal: &Journal, mds: Option<&Mds>) -> Result<Vec<ReportRow>, ProvisionError> {
    let certification = |aaguid: Option<&str>| {
        aaguid
            .and_then(|a| uuid::Uuid::parse_str(a.trim()).ok())
            .and_then(|id| crate::metadata::describe(mds, id.as_bytes()).certification)
            .unwrap_or_default()
    };
    let inventory = journal.inventory()?;
    let latest_key = |job: &JobRecord| -> Option<&InventoryEntry> {
        inventory
            .iter()
            .rev()
            .find(|e| e.user_id == job.user_id && e.kind() == DeviceKind::SecurityKey)
    };
    let mut rows: Vec<ReportRow> = journal
        .jobs()?
        .iter()
        .map(|job| {
            let (status, note) = status(job.state);
            let entry = latest_key(job).filter(|e| e.status != KeyStatus::Orphan);
            let pick = |ours: &Option<String>, theirs: Option<&String>| {
                ours.clone().or_else(|| theirs.cloned()).unwrap_or_default()
            };
            let detail = match (note, job.detail.as_deref()) {
                ("", detail) => detail.unwrap_or_default().to_owned(),
                (note, Some(detail)) if job.state != JobState::Registered => {
                    format!("{note}: {detail}")
                }
                (note, _) => note.to_owned(),
            };
            ReportRow {
                upn: job.upn.clone(),
                display_name: String::new(),
                status,
                key_model: pick(&job.key_model, entry.map(|e| &e.key_model)),
                certification: certification(
                    job.key_aaguid
                        .as_deref()
                        .or(entry.map(|e| e.key_aaguid.as_str())),
                ),
                serial: pick(&job.key_serial, entry.map(|e| &e.key_serial)),
                method_id: pick(&job.method_id, entry.map(|e| &e.method_id)),
                updated_unix: entry.map(|e| e.at),
                detail,
            }
        })
        .collect();
    rows.extend(
        inventory
            .iter()
            .filter(|e| matches!(e.kind(), DeviceKind::Phone(_)))
            .map(|e| ReportRow {
                upn: e.upn.clone(),
                display_name: String::new(),
                status: match e.status {
                    KeyStatus::Revoked => ReportStatus::Revoked,
                    _ => ReportStatus::Provisioned,
                },
                key_model: e.key_model.clone(),
                certification: certification(Some(&e.key_aaguid)),
                serial: String::new(),
                method_id: e.method_id.clone(),
                updated_unix: Some(e.at),
                detail: "phone".to_owned(),
            }),
    );
    Ok(rows)
}

/// The desk report as CSV; `mds` gives each model's certification.
pub fn desk_report(journal: &Journal, mds: Option<&Mds>) -> Result<String, ProvisionError> {
    Ok(report::csv_report(&desk_rows(journal, mds)?))
}

/// `keysRegistered.csv` for every registered key, and how many PINs it holds. With
/// `pins`, the PIN of each user whose PIN the escrow still holds is filled in.
pub fn yubico_report(
    journal: &Journal,
    pins: Option<&Escrow>,
) -> Result<(String, usize), ProvisionError> {
    let jobs: Vec<JobRecord> = journal
        .jobs()?
        .into_iter()
        .filter(|j| j.state == JobState::Registered)
        .collect();
    let mut opened: Vec<Option<Pin>> = Vec::with_capacity(jobs.len());
    for job in &jobs {
        opened.push(match (pins, &job.pin_sealed) {
            (Some(escrow), Some(sealed)) => Some(escrow.open(&job.user_id, sealed)?),
            _ => None,
        });
    }
    let rows: Vec<YubicoKeyRow<'_>> = jobs
        .iter()
        .zip(&opened)
        .map(|(job, pin)| YubicoKeyRow {
            upn: &job.upn,
            method_id: job.method_id.as_deref().unwrap_or_default(),
            serial: job.key_serial.as_deref().unwrap_or_default(),
            pin: pin.as_ref(),
        })
        .collect();
    let count = opened.iter().flatten().count();
    Ok((report::yubico_report(&rows), count))
}
