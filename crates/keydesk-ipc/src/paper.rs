//! What leaves the desk, as the window asks for it: PDFs (PIN letters, key labels, TAP
//! letters) and reports, either as bytes for the window's viewer or saved to a file the
//! operator names.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A PDF's bytes, sent raw (not as JSON): an `ArrayBuffer` in the UI, a
/// `tauri::ipc::Response` in the app. Only a name in declarations; never built.
#[derive(TS)]
#[ts(export)]
pub struct PdfBytes(#[ts(type = "ArrayBuffer")] pub Vec<u8>);

/// A file the desk wrote where the operator asked.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SavedFile {
    /// The file, as written (absolute).
    pub path: String,
    /// The users it holds a page, a label or a row for, in order (user ids); what
    /// *Saved* then confirms.
    pub user_ids: Vec<String>,
    /// Users asked for who are not in it, each with why (`UPN or id: reason`).
    pub skipped: Vec<String>,
}

/// Which report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ReportFormat {
    /// Every journaled user as provisioned, pending, failed or revoked, with key model,
    /// serial and method id.
    Csv,
    /// The Yubico sample's `keysRegistered.csv` (its header byte for byte; the PIN column
    /// empty).
    Yubico,
}

/// Temporary Access Passes to issue, one per user, for onboarding letters.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TapRequest {
    /// Users by object id or UPN.
    pub user_ids: Vec<String>,
    /// Lifetime in minutes, within the TAP policy; its default when none.
    pub lifetime_minutes: Option<u32>,
    /// One sign-in only.
    pub one_time: bool,
    /// Replace a pass the user already holds (the operator asked the user first).
    pub replace: bool,
}
