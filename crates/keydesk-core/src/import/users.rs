//! A list of users to provision, read from a file: the Yubico sample's
//! `usersToRegister.csv`, a CSV with a UPN column, or plain text with one UPN per line.
//!
//! The sample's header is `#User.Name,User.DisplayName,User.ID,Challenge,ChallengeExpiryTime,RP.ID`
//! (older files lack `RP.ID`). `User.Name` is the UPN and is how a row is resolved;
//! `User.ID` is the WebAuthn user handle (`publicKey.user.id`, plain base64url, decoded
//! strictly), **not** the Graph object id; `ChallengeExpiryTime` is Graph's
//! `challengeTimeoutDateTime` copied verbatim. A row whose challenge has expired still
//! imports, without the challenge (fresh options are fetched), and is reported. Other bad
//! rows (a field missing, a UPN that is not one, a handle that is not base64url, a line
//! that is not UTF-8, a UPN listed twice) are reported with their line number and left
//! out; the good rows import.
//!
//! The file carries no `excludeCredentials`: a caller must fetch fresh options for a user
//! who already has passkeys instead of using the prefetched challenge.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::csv::{records, Record};
use crate::import::prefetched::PrefetchedChallenge;
use crate::import::upn::check_upn;
use crate::rfc3339::unix_seconds;

/// The sample's columns, in order (`RP.ID` is absent from older files).
pub const YUBICO_USERS_HEADER: [&str; 6] = [
    "#User.Name",
    "User.DisplayName",
    "User.ID",
    "Challenge",
    "ChallengeExpiryTime",
    "RP.ID",
];

/// Column names taken as "the UPN" in a plain CSV (compared without case).
const UPN_COLUMNS: [&str; 5] = [
    "upn",
    "#upn",
    "userprincipalname",
    "user.name",
    "#user.name",
];

/// One user to provision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueEntry {
    /// Line of the file it came from.
    pub line: usize,
    /// userPrincipalName, by which the user is looked up.
    pub upn: String,
    /// Display name, when the file gives one.
    pub display_name: Option<String>,
    /// A challenge fetched ahead (the sample's step 1), still valid when read.
    pub prefetched: Option<PrefetchedChallenge>,
}

/// Why a row (or the file) did not import as it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// 1-based line; 0 for the file as a whole.
    pub line: usize,
    /// What is wrong, in a sentence.
    pub message: String,
    /// The row's user was still imported (without what was wrong, e.g. an expired challenge).
    pub imported: bool,
}

impl RowError {
    fn skipped(line: usize, message: impl Into<String>) -> Self {
        RowError {
            line,
            message: message.into(),
            imported: false,
        }
    }
}

/// Reads a user list (see the module docs); `now_unix` judges challenge expiry.
pub fn parse_user_list(bytes: &[u8], now_unix: i64) -> (Vec<QueueEntry>, Vec<RowError>) {
    let mut errors = Vec::new();
    let text = utf8_lines(bytes, &mut errors);
    let rows = records(text.strip_prefix('\u{feff}').unwrap_or(&text));
    let Some(first) = rows.first() else {
        if errors.is_empty() {
            errors.push(RowError::skipped(0, "the file is empty: no users in it"));
        }
        return (Vec::new(), errors);
    };
    let mut entries = Vec::new();
    if first.fields[0].trim().eq_ignore_ascii_case("#User.Name") {
        yubico_rows(first, &rows[1..], now_unix, &mut entries, &mut errors);
    } else if let Some(column) = first
        .fields
        .iter()
        .position(|f| UPN_COLUMNS.contains(&f.trim().to_ascii_lowercase().as_str()))
    {
        for row in &rows[1..] {
            plain_row(row, column, &mut entries, &mut errors);
        }
    } else {
        for row in &rows {
            plain_row(row, 0, &mut entries, &mut errors);
        }
    }
    if entries.is_empty() && errors.is_empty() {
        errors.push(RowError::skipped(0, "the file lists no users"));
    }
    (entries, errors)
}

fn yubico_rows(
    header: &Record,
    rows: &[Record],
    now_unix: i64,
    entries: &mut Vec<QueueEntry>,
    errors: &mut Vec<RowError>,
) {
    let columns: Vec<&str> = header.fields.iter().map(|f| f.trim()).collect();
    let with_rp = columns == YUBICO_USERS_HEADER;
    if !with_rp && columns != YUBICO_USERS_HEADER[..5] {
        errors.push(RowError::skipped(
            header.line,
            format!(
                "the header has the columns {}, not the sample's {}",
                columns.join(","),
                YUBICO_USERS_HEADER.join(",")
            ),
        ));
        return;
    }
    for row in rows {
        let line = row.line;
        if row.fields.len() != columns.len() {
            errors.push(RowError::skipped(
                line,
                format!(
                    "{} fields, the header has {}",
                    row.fields.len(),
                    columns.len()
                ),
            ));
            continue;
        }
        let field = |i: usize| row.fields[i].trim();
        let upn = match check_upn(field(0)) {
            Ok(upn) => upn,
            Err(why) => {
                errors.push(RowError::skipped(line, why));
                continue;
            }
        };
        let Some(user_handle) = strict_base64url(field(2)) else {
            errors.push(RowError::skipped(
                line,
                "User.ID is not the plain base64url user handle Graph's creation options carry",
            ));
            continue;
        };
        let mut prefetched = None;
        match unix_seconds(field(4)) {
            None => errors.push(RowError {
                line,
                message: format!(
                    "ChallengeExpiryTime '{}' is not a date and time: fresh options will be fetched",
                    field(4)
                ),
                imported: true,
            }),
            Some(expires) if expires <= now_unix => errors.push(RowError {
                line,
                message: format!(
                    "the challenge expired at {}: fresh options will be fetched",
                    field(4)
                ),
                imported: true,
            }),
            Some(_) if field(3).is_empty() => {}
            Some(expires_unix) => {
                prefetched = Some(PrefetchedChallenge {
                    challenge: field(3).to_owned(),
                    expires_unix,
                    user_handle,
                    rp_id: with_rp.then(|| field(5).to_owned()),
                })
            }
        }
        let display_name = Some(field(1).to_owned()).filter(|n| !n.is_empty());
        push(
            entries,
            errors,
            QueueEntry {
                line,
                upn,
                display_name,
                prefetched,
            },
        );
    }
}

fn plain_row(
    row: &Record,
    column: usize,
    entries: &mut Vec<QueueEntry>,
    errors: &mut Vec<RowError>,
) {
    let text = row.fields.get(column).map_or("", |f| f.trim());
    if text.starts_with('#') || (text.is_empty() && row.fields.iter().all(|f| f.trim().is_empty()))
    {
        return;
    }
    match check_upn(text) {
        Ok(upn) => push(
            entries,
            errors,
            QueueEntry {
                line: row.line,
                upn,
                display_name: None,
                prefetched: None,
            },
        ),
        Err(why) => errors.push(RowError::skipped(row.line, why)),
    }
}

fn push(entries: &mut Vec<QueueEntry>, errors: &mut Vec<RowError>, entry: QueueEntry) {
    match entries
        .iter()
        .find(|e| e.upn.eq_ignore_ascii_case(&entry.upn))
    {
        Some(first) => errors.push(RowError::skipped(
            entry.line,
            format!("{} is listed already on line {}", entry.upn, first.line),
        )),
        None => entries.push(entry),
    }
}

/// Plain base64url without padding, nothing else (no `+`, `/`, `=` or whitespace).
fn strict_base64url(text: &str) -> Option<Vec<u8>> {
    if text.is_empty()
        || !text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return None;
    }
    URL_SAFE_NO_PAD.decode(text).ok()
}

/// The text of `bytes` with every line that is not UTF-8 reported and blanked, so the
/// other lines keep their numbers and still import.
fn utf8_lines(bytes: &[u8], errors: &mut Vec<RowError>) -> String {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return text.to_owned();
    }
    let mut text = String::with_capacity(bytes.len());
    for (i, line) in bytes.split(|b| *b == b'\n').enumerate() {
        if i > 0 {
            text.push('\n');
        }
        match std::str::from_utf8(line) {
            Ok(line) => text.push_str(line),
            Err(_) => errors.push(RowError::skipped(
                i + 1,
                "the line is not UTF-8 text (save the file as UTF-8)",
            )),
        }
    }
    text
}
