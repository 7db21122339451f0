//! After a registration is read back: add the user to the "provisioned" group and remove
//! them from the queue group ([`crate::Settings::provisioned_group`],
//! [`crate::Settings::remove_from_queue_group`]).
//!
//! Each group is resolved once per run (a name is looked up, an object id read) and kept in
//! the context's [`crate::context::GroupCache`], shared by a batch's workers; a failed
//! resolution is tried again for the next user. Each write is audited before it is made. A
//! failure is a warning on the registered user, never a failed job: the passkey stays
//! registered. The removal is only made once the add worked, so a user is never in neither
//! group.

use keydesk_core::DirectoryUser;

use crate::{Context, ProvisionError};

/// Moves `user` as the settings ask; failures become `warnings`.
pub(crate) async fn move_user(ctx: &Context<'_>, user: &DirectoryUser, warnings: &mut Vec<String>) {
    let settings = &ctx.settings;
    if let Some(name) = &settings.provisioned_group {
        let added = async {
            let group = ctx.groups.get(ctx.directory, name).await?;
            let detail = format!("added to group {} ({})", group.display_name, group.id);
            ctx.audit("group member added", &user.id, &detail);
            ctx.directory.add_group_member(&group.id, &user.id).await
        }
        .await;
        if let Err(e) = added {
            tracing::warn!(error = %e, upn = %user.upn, "not added to the provisioned group");
            warnings.push(warning("not added to the provisioned group", &e));
            return;
        }
    }
    if let Some(name) = &settings.remove_from_queue_group {
        let removed = async {
            let group = ctx.groups.get(ctx.directory, name).await?;
            let detail = format!("removed from group {} ({})", group.display_name, group.id);
            ctx.audit("group member removed", &user.id, &detail);
            ctx.directory.remove_group_member(&group.id, &user.id).await
        }
        .await;
        if let Err(e) = removed {
            tracing::warn!(error = %e, upn = %user.upn, "not removed from the queue group");
            warnings.push(warning("not removed from the queue group", &e));
        }
    }
}

/// "what failed: why. What to do." (the remediation names a missing permission).
fn warning(what: &str, e: &ProvisionError) -> String {
    format!("{what}: {e}. {}", e.remediation())
}
