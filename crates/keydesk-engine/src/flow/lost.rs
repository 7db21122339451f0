//! The lost-key flow: find what a key (by serial) or a user was issued, delete the method
//! in Entra, mark it revoked in the inventory and the journal. Reissuing is a retry of the
//! user's job ([`crate::queue::retry`]). A key handed back to the desk
//! ([`report_returned`]) goes the same way, marked returned instead.

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
    let mut revoked = Vec::new();
    for entry in ctx.journal.find_inventory(serial_or_user)? {
        if entry.status != KeyStatus::Issued {
            continue;
        }
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
