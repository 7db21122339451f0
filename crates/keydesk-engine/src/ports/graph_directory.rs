//! [`Directory`] for `keydesk_graph::GraphClient`: the one adapter between the engine and
//! the Graph client.

use async_trait::async_trait;
use keydesk_core::{CreationOptions, DirectoryUser};
use keydesk_graph::{Attempt, GraphClient, PasskeyListing, Registration, Verdict};

use crate::directory::{Directory, Fido2Policy, GroupRef, Method};
use crate::ProvisionError;

#[async_trait]
impl Directory for GraphClient {
    async fn user(&self, id_or_upn: &str) -> Result<DirectoryUser, ProvisionError> {
        Ok(GraphClient::user(self, id_or_upn).await?)
    }

    async fn directory_roles(&self, user_id: &str) -> Result<Vec<String>, ProvisionError> {
        Ok(GraphClient::directory_roles(self, user_id).await?)
    }

    async fn group_users(&self, group: &str) -> Result<Vec<DirectoryUser>, ProvisionError> {
        let group = self.find_group(group).await?;
        Ok(GraphClient::group_users(self, &group.id).await?)
    }

    async fn creation_options(
        &self,
        user_id: &str,
        timeout_minutes: Option<u32>,
    ) -> Result<CreationOptions, ProvisionError> {
        Ok(GraphClient::creation_options(self, user_id, timeout_minutes).await?)
    }

    async fn register(
        &self,
        user_id: &str,
        registration: &Registration,
        attempt: &Attempt,
    ) -> Result<Method, ProvisionError> {
        Ok(self
            .register_passkey(user_id, registration, attempt)
            .await?)
    }

    async fn passkeys(&self, user_id: &str) -> Result<Vec<Method>, ProvisionError> {
        Ok(GraphClient::passkeys(self, user_id).await?)
    }

    async fn passkey_listing(&self, user_id: &str) -> Result<PasskeyListing, ProvisionError> {
        Ok(GraphClient::passkey_listing(self, user_id).await?)
    }

    async fn find_registration(
        &self,
        user_id: &str,
        attempt: &Attempt,
    ) -> Result<Verdict, ProvisionError> {
        Ok(GraphClient::find_registration(self, user_id, attempt).await?)
    }

    async fn delete_passkey(&self, user_id: &str, method_id: &str) -> Result<(), ProvisionError> {
        Ok(GraphClient::delete_passkey(self, user_id, method_id).await?)
    }

    async fn fido2_policy(&self) -> Result<Fido2Policy, ProvisionError> {
        Ok(GraphClient::fido2_policy(self).await?)
    }

    async fn resolve_group(&self, id_or_name: &str) -> Result<GroupRef, ProvisionError> {
        Ok(GraphClient::resolve_group(self, id_or_name).await?)
    }

    async fn add_group_member(&self, group_id: &str, user_id: &str) -> Result<(), ProvisionError> {
        match GraphClient::add_group_member(self, group_id, user_id).await {
            // Already there (an earlier run moved them): the goal is reached.
            Err(e) if e.is_already_member() => Ok(()),
            other => Ok(other?),
        }
    }

    async fn remove_group_member(
        &self,
        group_id: &str,
        user_id: &str,
    ) -> Result<(), ProvisionError> {
        Ok(GraphClient::remove_group_member(self, group_id, user_id).await?)
    }
}
