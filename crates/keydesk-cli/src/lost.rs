//! `keydesk-cli lost --serial S | --user UPN` and `keydesk-cli returned --serial S`: the
//! key's passkey is deleted in Entra and its inventory entry marked revoked (lost) or
//! returned (back at the desk), journaled and audited by the engine's lost-key flow.
//!
//! Exactly one issued key must match: none is exit 2 ("nothing issued"); several (a user
//! with two keys, a serial seen twice) refuse with the candidates on stderr, exit 2, so
//! the operator names the one key by serial. stdout: the entry as `inventory` shows it.

use keydesk_engine::inventory::{InventoryEntry, KeyStatus};
use keydesk_engine::lost;
use keydesk_engine::station::Station;
use keydesk_graph::GraphClient;

use crate::args::{Global, LostArgs, ReturnedArgs};
use crate::{connect, exit, inventory};

/// `lost`: runs the command; returns the exit code.
pub async fn run_lost(global: &Global, args: LostArgs) -> u8 {
    let wanted = match (&args.serial, &args.user) {
        (Some(serial), _) => Wanted::Serial(serial.clone()),
        (None, Some(user)) => Wanted::User(user.clone()),
        (None, None) => return exit::USAGE,
    };
    take_back(global, wanted, KeyStatus::Revoked).await
}

/// `returned`: runs the command; returns the exit code.
pub async fn run_returned(global: &Global, args: ReturnedArgs) -> u8 {
    take_back(global, Wanted::Serial(args.serial), KeyStatus::Returned).await
}

enum Wanted {
    Serial(String),
    User(String),
}

async fn take_back(global: &Global, wanted: Wanted, status: KeyStatus) -> u8 {
    let (station, graph) = match connect::prepare_and_open(global).await {
        Ok(opened) => opened,
        Err(code) => return code,
    };
    let entry = match the_one(&station, &graph, &wanted).await {
        Ok(entry) => entry,
        Err(code) => return code,
    };
    let mut ctx = station.context(&graph);
    ctx.operator = connect::operator_name(&graph).await;
    // The flow takes back every issued key its argument matches: by serial when a serial
    // was named (one issued key has it), else by the user (who has one issued key).
    let name = match wanted {
        Wanted::Serial(_) => &entry.key_serial,
        Wanted::User(_) => &entry.user_id,
    };
    let done = match status {
        KeyStatus::Returned => lost::report_returned(&ctx, name).await,
        _ => lost::report_lost(&ctx, name).await,
    };
    match done {
        Ok(entries) if !entries.is_empty() => {
            for entry in &entries {
                inventory::print(entry, false);
            }
            eprintln!(
                "key {} {}: its passkey was deleted in Entra",
                entry.key_serial,
                status.as_str()
            );
            exit::OK
        }
        Ok(_) => {
            eprintln!("error: key {} is no longer issued", entry.key_serial);
            exit::FAILED
        }
        Err(e) => {
            eprintln!("error: {e}\n  {}", e.remediation());
            exit::FAILED
        }
    }
}

/// The one issued inventory entry `wanted` names; otherwise the reason is printed and
/// exit code 2 returned.
async fn the_one(
    station: &Station,
    graph: &GraphClient,
    wanted: &Wanted,
) -> Result<InventoryEntry, u8> {
    let (what, mut names) = match wanted {
        Wanted::Serial(serial) => (format!("key {serial}"), vec![serial.clone()]),
        Wanted::User(user) => (format!("user {user}"), vec![user.clone()]),
    };
    // A UPN typed differently from the one recorded still finds the user's keys.
    if let Wanted::User(user) = wanted {
        if let Ok(found) = graph.user(user).await {
            names.push(found.id);
        }
    }
    let mut issued: Vec<InventoryEntry> = Vec::new();
    for name in &names {
        let entries = station.journal.find_inventory(name).map_err(|e| {
            eprintln!("error: {e}");
            exit::USAGE
        })?;
        for entry in entries {
            if entry.status == KeyStatus::Issued && !issued.iter().any(|e| e.id == entry.id) {
                issued.push(entry);
            }
        }
    }
    if issued.len() == 1 {
        return Ok(issued.remove(0));
    }
    if issued.is_empty() {
        eprintln!("error: the inventory shows no issued key for {what}");
        return Err(exit::USAGE);
    }
    eprintln!(
        "error: {what} matches {} issued keys; name one with --serial:",
        issued.len()
    );
    for entry in &issued {
        eprintln!(
            "  {} {} {} issued {}",
            entry.key_serial,
            entry.upn,
            entry.key_model,
            inventory::when(entry.at)
        );
    }
    Err(exit::USAGE)
}
