//! Group membership writes: add a user to a group, remove a user from a group.
//!
//! Both are writes and follow the client's write rules ([`crate::http`]): a throttled or
//! refused-token attempt is repeated (Graph did not process it), anything else is not
//! repeated blindly. When an add's outcome is unknown (timeout, dropped connection, 5xx)
//! it is sent again, and Graph's "already exist" 400 on that second attempt means the first
//! one landed: done. A remove is a DELETE: the transport repeats it, and a 404 after an
//! attempt whose outcome was unknown means it is done.

use reqwest::Method;

use super::reconcile::outcome_unknown;
use crate::http::Call;
use crate::retry::backoff;
use crate::{GraphClient, GraphError, Operation};

impl GraphError {
    /// Graph refused an add because the object is already a member (400, "One or more
    /// added object references already exist…").
    pub fn is_already_member(&self) -> bool {
        matches!(
            self,
            GraphError::Api { status: 400, message, .. }
                if message.contains("added object references already exist")
        )
    }
}

impl GraphClient {
    /// Adds the user (object id) to the group (object id) as a direct member.
    /// An already-member answer after an unknown outcome counts as done (module docs);
    /// on a first attempt it is returned ([`GraphError::is_already_member`]).
    pub async fn add_group_member(&self, group_id: &str, user_id: &str) -> Result<(), GraphError> {
        let group_id = required(group_id, "group id")?;
        let user_id = required(user_id, "user id")?;
        let reference = self.url(self.config().api, &["directoryObjects", user_id]);
        let body = serde_json::json!({ "@odata.id": reference.as_str() });
        let call = Call {
            operation: Operation::AddGroupMember,
            method: Method::POST,
            template: "/groups/{id}/members/$ref",
            url: self.url(self.config().api, &["groups", group_id, "members", "$ref"]),
            body: Some(serde_json::to_vec(&body).expect("the reference serialises")),
            eventual: false,
        };
        let mut round = 0;
        let mut unknown = false;
        loop {
            round += 1;
            let error = match self.send(call.clone()).await {
                Ok(_) => return Ok(()),
                Err(error) => error,
            };
            if unknown && error.is_already_member() {
                tracing::info!("the earlier add had landed");
                return Ok(());
            }
            if !outcome_unknown(&error) || round >= self.config().max_attempts {
                return Err(error);
            }
            tracing::warn!(%error, "add-member outcome unknown, sending it again");
            unknown = true;
            self.pause(backoff(round, rand::random::<f64>())).await;
        }
    }

    /// Removes the user (object id) from the group's direct members (204). A user who is
    /// not a direct member is a 404 (unless an earlier attempt's outcome was unknown).
    pub async fn remove_group_member(
        &self,
        group_id: &str,
        user_id: &str,
    ) -> Result<(), GraphError> {
        let group_id = required(group_id, "group id")?;
        let user_id = required(user_id, "user id")?;
        let call = Call {
            operation: Operation::RemoveGroupMember,
            method: Method::DELETE,
            template: "/groups/{id}/members/{userId}/$ref",
            url: self.url(
                self.config().api,
                &["groups", group_id, "members", user_id, "$ref"],
            ),
            body: None,
            eventual: false,
        };
        self.send(call).await.map(drop)
    }
}

fn required<'a>(value: &'a str, what: &str) -> Result<&'a str, GraphError> {
    let value = value.trim();
    if value.is_empty() {
        Err(GraphError::InvalidInput(format!("the {what} is empty")))
    } else {
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn already_member_is_recognised_by_graphs_message() {
        let api = |status, message: &str| GraphError::Api {
            operation: Operation::AddGroupMember,
            status,
            code: "Request_BadRequest".into(),
            message: message.into(),
            request_id: None,
            client_request_id: None,
        };
        let text = "One or more added object references already exist for the following modified properties: 'members'.";
        assert!(api(400, text).is_already_member());
        assert!(!api(400, "Invalid object identifier").is_already_member());
        assert!(!api(404, text).is_already_member());
    }
}
