//! The history window: the audit log's verdict. The log itself crosses as its export text
//! (`AuditLog::export`, docs/AUDIT-EXPORT.md), which the window parses and can save.

use serde::Serialize;
use ts_rs::TS;

/// Whether the audit chain verifies.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AuditCheck {
    /// Every entry's MAC chains to the next and the head matches.
    pub ok: bool,
    /// Entries in the chain (when it verifies).
    pub entries: u32,
    /// Why it does not verify, or the head MAC when it does.
    pub detail: String,
}
