//! `keydesk-cli inventory`: the key inventory from the data folder (no sign-in), or with
//! `--store postgres://…` the shared store's (every desk's keys). stdout, one entry per
//! line, oldest first: `<UPN> <status> <serial> <model> <method id> <operator> <time>`,
//! or one JSON object per line with `--json`.

use keydesk_engine::inventory::InventoryEntry;
use keydesk_engine::port::InventoryStore;
use serde_json::json;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::args::{Global, InventoryArgs};
use crate::{connect, exit, out};

/// Runs the command; returns the exit code.
pub fn run(global: &Global, args: InventoryArgs) -> u8 {
    let station = match connect::station(global) {
        Ok(station) => station,
        Err(code) => return code,
    };
    let entries = match shared_inventory(global) {
        Ok(Some(entries)) => entries,
        Ok(None) => match station.journal.inventory() {
            Ok(entries) => entries,
            Err(e) => {
                eprintln!("error: {e}");
                return exit::USAGE;
            }
        },
        Err(code) => return code,
    };
    let search = args.search.as_deref().map(str::to_lowercase);
    let shown: Vec<&InventoryEntry> = entries
        .iter()
        .filter(|e| search.as_deref().is_none_or(|s| matches(e, s)))
        .collect();
    for entry in &shown {
        print(entry, args.json);
    }
    eprintln!("{} of {} inventory entries", shown.len(), entries.len());
    exit::OK
}

/// The shared store's inventory with `--store`; `None` without it.
fn shared_inventory(global: &Global) -> Result<Option<Vec<InventoryEntry>>, u8> {
    let target = global.store_target().map_err(|e| {
        eprintln!("error: {e}\n  {}", e.remediation());
        exit::USAGE
    })?;
    let Some(target) = target else {
        return Ok(None);
    };
    let (store, _) = keydesk_store_pg::desk::connect(&target, global.desk_name.as_deref())
        .map_err(|message| {
            eprintln!("error: {message}");
            exit::FAILED
        })?;
    store.inventory().map(Some).map_err(|e| {
        eprintln!("error: {target}: {e}\n  {}", e.remediation());
        exit::FAILED
    })
}

fn matches(entry: &InventoryEntry, search: &str) -> bool {
    [
        &entry.upn,
        &entry.user_id,
        &entry.key_serial,
        &entry.key_model,
        &entry.method_id,
        &entry.operator,
    ]
    .iter()
    .any(|field| field.to_lowercase().contains(search))
}

/// One inventory entry as a line (shared with `lost` and `returned`).
pub fn print(entry: &InventoryEntry, json: bool) {
    let at = when(entry.at);
    let method = if entry.method_id.is_empty() {
        "-"
    } else {
        &entry.method_id
    };
    let detail = format!(
        "{} {} {method} {} {at}",
        entry.key_serial,
        entry.key_model.replace(' ', "_"),
        entry.operator.replace(' ', "_")
    );
    let extra = json!({
        "userId": entry.user_id,
        "keySerial": entry.key_serial,
        "keyAaguid": entry.key_aaguid,
        "keyModel": entry.key_model,
        "methodId": entry.method_id,
        "credentialId": entry.credential_id,
        "operator": entry.operator,
        "at": at,
    });
    out::user(json, &entry.upn, entry.status.as_str(), &detail, extra);
}

/// Unix seconds as RFC 3339 (UTC).
pub fn when(at: i64) -> String {
    OffsetDateTime::from_unix_timestamp(at)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| at.to_string())
}
