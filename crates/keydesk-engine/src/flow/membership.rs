//! Who may be provisioned from a list of names (`--users`, a users file): only members of
//! the configured group, unless the operator allows users outside it. Either answer about
//! a user outside the group is audited.
//!
//! A group selection needs no check: its users are the group's. Not here: directory roles
//! (checked per user in pre-flight, [`crate::after::check_roles`]).

use std::collections::HashSet;

use keydesk_core::DirectoryUser;

use crate::{Context, ProvisionError};

/// The users admitted to the queue and those refused for being outside the group.
#[derive(Debug, Default)]
pub struct Admitted {
    /// Members of the group, and (when allowed) the users outside it.
    pub users: Vec<DirectoryUser>,
    /// Users outside the group, refused.
    pub refused: Vec<DirectoryUser>,
}

/// Splits `users` by transitive membership of `group` (display name; `None`: no group, so
/// every user is outside). Users outside it are refused, or admitted when `allow_outside`
/// says so; each is audited either way.
pub async fn within_group(
    ctx: &Context<'_>,
    users: Vec<DirectoryUser>,
    group: Option<&str>,
    allow_outside: bool,
) -> Result<Admitted, ProvisionError> {
    let members: HashSet<String> = match group {
        Some(group) => ctx
            .directory
            .group_users(group)
            .await?
            .into_iter()
            .map(|u| u.id)
            .collect(),
        None => HashSet::new(),
    };
    let group = group.unwrap_or("any configured group (none was given)");
    let mut admitted = Admitted::default();
    for user in users {
        if members.contains(&user.id) {
            admitted.users.push(user);
            continue;
        }
        let detail = format!("{} is not a member of {group}", user.upn);
        if allow_outside {
            ctx.audit("outside group allowed", &user.id, &detail);
            admitted.users.push(user);
        } else {
            ctx.audit("outside group refused", &user.id, &detail);
            admitted.refused.push(user);
        }
    }
    ctx.audit_ok()?;
    Ok(admitted)
}
