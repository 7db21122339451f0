//! The directory roles a user holds: a passkey registered for a role holder (a Global
//! Administrator above all) is a way into the tenant, so the engine asks for a second
//! confirmation naming each role.
//!
//! `transitiveMemberOf` cast to `microsoft.graph.directoryRole` lists roles held directly
//! and through role-assignable groups. Not listed: roles only *eligible* through Privileged
//! Identity Management (not active), and roles scoped to an administrative unit.

use crate::query::with_query;
use crate::wire::RoleDto;
use crate::{GraphClient, GraphError, Operation};

impl GraphClient {
    /// The display names of the directory roles `user_id` holds (active assignments),
    /// sorted; an unnamed role is listed by its id.
    pub async fn directory_roles(&self, user_id: &str) -> Result<Vec<String>, GraphError> {
        let user_id = user_id.trim();
        if user_id.is_empty() {
            return Err(GraphError::InvalidInput("the user id is empty".into()));
        }
        let url = with_query(
            self.url(
                self.config().api,
                &[
                    "users",
                    user_id,
                    "transitiveMemberOf",
                    "microsoft.graph.directoryRole",
                ],
            ),
            &[("$select", "id,displayName")],
        );
        let template = "/users/{id}/transitiveMemberOf/microsoft.graph.directoryRole";
        let roles: Vec<RoleDto> = self
            .get_all(Operation::UserRoles, template, url, false)
            .await?;
        let mut names: Vec<String> = roles
            .into_iter()
            .filter_map(|r| r.display_name.filter(|n| !n.is_empty()).or(r.id))
            .collect();
        names.sort();
        names.dedup();
        Ok(names)
    }
}
