//! The Temporary Access Pass port: what the phone flow asks of the directory about passes,
//! named for the operation, and its adapter for `keydesk_graph::GraphClient`.
//!
//! Separate from [`crate::directory::Directory`] so the key flow's port (and the test
//! doubles that wrap it) stay as they are; the phone flow takes both.

use async_trait::async_trait;
use keydesk_graph::{GraphClient, TapPolicy, TapRequest, TemporaryAccessPass};

use crate::ProvisionError;

/// What the phone flow asks about Temporary Access Passes.
#[async_trait]
pub trait TemporaryAccessPasses: Send + Sync {
    /// The tenant's TAP method policy.
    async fn tap_policy(&self) -> Result<TapPolicy, ProvisionError>;
    /// Whether the user holds a pass that a new one would silently replace.
    async fn has_active_pass(&self, user_id: &str) -> Result<bool, ProvisionError>;
    /// Issues a pass (the caller checked the policy); the code is in the answer, once.
    async fn issue_pass(
        &self,
        user_id: &str,
        request: &TapRequest,
    ) -> Result<TemporaryAccessPass, ProvisionError>;
    /// Deletes a pass.
    async fn delete_pass(&self, user_id: &str, pass_id: &str) -> Result<(), ProvisionError>;
}

#[async_trait]
impl TemporaryAccessPasses for GraphClient {
    async fn tap_policy(&self) -> Result<TapPolicy, ProvisionError> {
        Ok(GraphClient::tap_policy(self).await?)
    }

    async fn has_active_pass(&self, user_id: &str) -> Result<bool, ProvisionError> {
        Ok(self.has_active_temporary_access_pass(user_id).await?)
    }

    async fn issue_pass(
        &self,
        user_id: &str,
        request: &TapRequest,
    ) -> Result<TemporaryAccessPass, ProvisionError> {
        Ok(self.create_temporary_access_pass(user_id, request).await?)
    }

    async fn delete_pass(&self, user_id: &str, pass_id: &str) -> Result<(), ProvisionError> {
        Ok(self.delete_temporary_access_pass(user_id, pass_id).await?)
    }
}
