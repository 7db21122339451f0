//! The lost-key flow: find what a key (by serial) or a user was issued, delete the method
//! in Entra, mark it revoked in the inventory and the journal. Reissuing is a retry of the
//! user's job ([`crate::queue::retry`]). A key handed back to the desk
//! ([`report_returned`]) goes the same way, marked returned instead. A name that matches
//! more than one key refuses and lists them ([`ProvisionError::AmbiguousMatch`]).

use keydesk_core::job::JobEvent;

use crate::inventory::{InventoryEntry, KeyStatus};
use crate::{Context, ProvisionError};

/// Revokes every issued passkey found for `serial_or_user`; returns the revoked entries.
pub async fn report_lost(
    ctx: &Context<'_>,
    serial_or_user: &str,
) -> Result<Vec<InventoryEntry>, ProvisionError> {
    take_back(ctx, serial_or_user, KeyStatus::Revoked).await
}

/// A key (by serial) came back to the desk: its passkey is deleted in Entra and the entry
/// marked returned; returns the returned entries.
pub async fn report_returned(
    ctx: &Context<'_>,
    serial: &str,
) -> Result<Vec<InventoryEntry>, ProvisionError> {
    take_back(ctx, serial, KeyStatus::Returned).await
}

async fn take_back(
    ctx: &Context<'_>,
    serial_or_user: &str,
    status: KeyStatus,
) -> Result<Vec<InventoryEntry>, ProvisionError> {
    let (action, why) = match status {
        KeyStatus::Returned => ("returned", "returned to the desk"),
        _ => ("revoked", "reported lost"),
    };
    let found = issued_key(ctx, serial_or_user)?;
    ctx.audit_ok()?;
    let mut revoked = Vec::new();
    for entry in found {
        ctx.directory
            .delete_passkey(&entry.user_id, &entry.method_id)
            .await?;
        ctx.journal.set_inventory_status(entry.id, status)?;
        let state = ctx.journal.job(&entry.user_id)?.map(|j| j.state);
        if state.is_some_and(|s| s.on(JobEvent::Revoked).is_ok()) {
            ctx.journal.advance(
                &entry.user_id,
                &entry.upn,
                JobEvent::Revoked,
                Some(&format!("key {why}")),
            )?;
        }
        ctx.audit(
            action,
            &entry.user_id,
            &format!("key {} {why}", entry.key_serial),
        );
        revoked.push(InventoryEntry { status, ..entry });
    }
    Ok(revoked)
}

/// The issued entries of the one key `serial_or_user` names: by serial, by the credential
/// made on it, or by its user (never by a device path, which the inventory does not keep).
/// Entries of more than one key, or a blank name, refuse and list the candidates.
fn issued_key(
    ctx: &Context<'_>,
    serial_or_user: &str,
) -> Result<Vec<InventoryEntry>, ProvisionError> {
    let name = serial_or_user.trim();
    if name.is_empty() {
        return Err(ProvisionError::AmbiguousMatch {
            candidates: Vec::new(),
        });
    }
    let issued: Vec<InventoryEntry> = ctx
        .journal
        .find_inventory(name)?
        .into_iter()
        .filter(|e| e.status == KeyStatus::Issued)
        .collect();
    let key_of = |e: &InventoryEntry| {
        (
            e.key_serial.clone(),
            e.key_aaguid.clone(),
            e.user_id.clone(),
        )
    };
    let first = issued.first().map(key_of);
    if issued.iter().any(|e| Some(key_of(e)) != first) {
        return Err(ProvisionError::AmbiguousMatch {
            candidates: issued.iter().map(describe).collect(),
        });
    }
    Ok(issued)
}

/// One candidate as the operator can name it.
fn describe(e: &InventoryEntry) -> String {
    let key = if e.key_serial.is_empty() {
        format!("credential {}", e.credential_id)
    } else {
        format!("serial {}", e.key_serial)
    };
    format!("{key} ({}) issued to {}", e.key_model, e.upn)
}
