//! A batch's summary as the window shows it after the batch, and the formats it is
//! exported in (`batch_summary_save`). No PIN is in either.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What a batch did.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BatchSummary {
    /// When it started (Unix seconds).
    #[ts(type = "number")]
    pub started_at: i64,
    /// When it ended (Unix seconds).
    #[ts(type = "number")]
    pub ended_at: i64,
    /// Seconds from start to end.
    #[ts(type = "number")]
    pub duration_secs: i64,
    /// Users registered.
    pub registered: u32,
    /// Users that failed.
    pub failed: u32,
    /// Users skipped (not eligible, refused before anything was written).
    pub skipped: u32,
    /// *Stop batch* ended it before the queue was done.
    pub stopped: bool,
    /// Registrations per hour over the whole batch; none under a minute.
    pub per_hour: Option<f64>,
    /// Registrations and failures per key model, busiest first.
    pub keys: Vec<KeyCount>,
    /// Why users failed or were skipped, most frequent first.
    pub reasons: Vec<ReasonCount>,
}

/// Registrations and failures on keys of one model (each user leaves with a key of their
/// own, so a count per serial would be one line per user).
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct KeyCount {
    /// The model as the key cards name it, or "no key".
    pub key: String,
    /// Passkeys registered on it.
    pub registered: u32,
    /// Users that failed on it.
    pub failed: u32,
}

/// One failure or skip reason.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ReasonCount {
    /// The reason, as the user's row said it.
    pub reason: String,
    /// How many users.
    pub users: u32,
}

/// How a batch summary is exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum SummaryFormat {
    /// Totals as `#` lines, then a line per user.
    Csv,
    /// One JSON object: totals, per key, reasons and users.
    Json,
}
