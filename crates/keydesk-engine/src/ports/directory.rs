//! The directory port: the Graph operations the engine needs, named for what they do.
//!
//! [`crate::graph_directory`] implements it for `keydesk_graph::GraphClient`; tests can
//! wrap it (to lose a response, or stop at a step) without mocking HTTP. Calls a Graph
//! client version cannot make answer [`ProvisionError::Unsupported`].

use async_trait::async_trait;
use keydesk_core::{CreationOptions, DirectoryUser};
use keydesk_graph::{Attempt, Group, Passkey, PasskeyListing, Registration, Verdict};

use crate::ProvisionError;

/// The tenant's FIDO2 method policy: the Graph client's own type, judged in pre-flight by
/// [`crate::preflight`] (which asks `keydesk_graph::may_register` about the key's model).
pub use keydesk_graph::Fido2Policy;

/// The registered method as Entra returns it.
pub type Method = Passkey;

/// A group found by object id or display name.
pub type GroupRef = Group;

/// What the engine asks of the directory.
#[async_trait]
pub trait Directory: Send + Sync {
    /// One user by id or UPN.
    async fn user(&self, id_or_upn: &str) -> Result<DirectoryUser, ProvisionError>;
    /// The users of a group (transitively), by display name.
    async fn group_users(&self, group: &str) -> Result<Vec<DirectoryUser>, ProvisionError>;
    /// Creation options for one registration.
    async fn creation_options(
        &self,
        user_id: &str,
        timeout_minutes: Option<u32>,
    ) -> Result<CreationOptions, ProvisionError>;
    /// POSTs a registration; returns the new method. An unknown outcome is reconciled
    /// against `attempt` (journaled before the call).
    async fn register(
        &self,
        user_id: &str,
        registration: &Registration,
        attempt: &Attempt,
    ) -> Result<Method, ProvisionError>;
    /// The user's passkeys.
    async fn passkeys(&self, user_id: &str) -> Result<Vec<Method>, ProvisionError>;
    /// The user's passkeys with the directory's clock, to take an [`Attempt`] from.
    async fn passkey_listing(&self, user_id: &str) -> Result<PasskeyListing, ProvisionError>;
    /// Whether `attempt` left a passkey, waiting a bounded time for a lagging listing.
    async fn find_registration(
        &self,
        user_id: &str,
        attempt: &Attempt,
    ) -> Result<Verdict, ProvisionError>;
    /// Deletes one passkey.
    async fn delete_passkey(&self, user_id: &str, method_id: &str) -> Result<(), ProvisionError>;
    /// The tenant's FIDO2 policy.
    async fn fido2_policy(&self) -> Result<Fido2Policy, ProvisionError>;
    /// The group named by an object id or an exact display name (one match only).
    async fn resolve_group(&self, id_or_name: &str) -> Result<GroupRef, ProvisionError>;
    /// Adds a user to a group (by object ids); a user already a direct member is fine.
    async fn add_group_member(&self, group_id: &str, user_id: &str) -> Result<(), ProvisionError>;
    /// Removes a user from a group's direct members (by object ids).
    async fn remove_group_member(
        &self,
        group_id: &str,
        user_id: &str,
    ) -> Result<(), ProvisionError>;
    /// The directory roles the user holds (display names). A directory that cannot tell
    /// answers none.
    async fn directory_roles(&self, _user_id: &str) -> Result<Vec<String>, ProvisionError> {
        Ok(Vec::new())
    }
}
