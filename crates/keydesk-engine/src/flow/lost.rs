//! The lost-key flow: find what a key (by serial) or a user was issued, delete the method
//! in Entra, mark it revoked in the inventory and the journal. Reissuing is a retry of the
//! user's job ([`crate::queue::retry`]).

use keydesk_core::job::JobEvent;

use crate::inventory::{InventoryEntry, KeyStatus};
use crate::{Context, ProvisionError};

/// Revokes every issued passkey found for `serial_or_user`; returns the revoked entries.
pub async fn report_lost(
    ctx: &Context<'_>,
    serial_or_user: &str,
) -> Result<Vec<InventoryEntry>, ProvisionError> {
    let mut revoked = Vec::new();
    for entry in ctx.journal.find_inventory(serial_or_user)? {
        if entry.status != KeyStatus::Issued {
            continue;
        }
        ctx.directory
            .delete_passkey(&entry.user_id, &entry.method_id)
            .await?;
        ctx.journal.revoke_inventory(entry.id)?;
        let state = ctx.journal.job(&entry.user_id)?.map(|j| j.state);
        if state.is_some_and(|s| s.on(JobEvent::Revoked).is_ok()) {
            ctx.journal.advance(
                &entry.user_id,
                &entry.upn,
                JobEvent::Revoked,
                Some("key reported lost"),
            )?;
        }
        ctx.audit(
            "revoked",
            &entry.user_id,
            &format!("key {} reported lost", entry.key_serial),
        );
        revoked.push(InventoryEntry {
            status: KeyStatus::Revoked,
            ..entry
        });
    }
    Ok(revoked)
}
