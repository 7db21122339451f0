//! Group membership writes: `POST /groups/{id}/members/$ref` adds a user,
//! `DELETE /groups/{id}/members/{userId}/$ref` removes one. Both need
//! GroupMember.ReadWrite.All (or a broader group or directory write permission).
//!
//! Adding: the body is `{"@odata.id": ".../directoryObjects/{userId}"}` (`/users/{id}` is
//! accepted too); 204; 400 when the user is already a direct member, with Graph's own
//! message; 404 for an unknown group or user. Removing: 204; 404 when the user is not a
//! direct member. Changes show in `members` and `transitiveMembers` at once.
//!
//! Not modelled: adding groups, devices or service principals as members, the 20-objects
//! `members@odata.bind` PATCH, role-assignable groups.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Extension;
use serde_json::Value;

use crate::directory::Member;
use crate::error::GraphError;
use crate::perms::{Caller, Need};
use crate::tenant::Tenant;

/// Graph's message for a member that is already there.
pub const ALREADY_MEMBER: &str = "One or more added object references already exist for the following modified properties: 'members'.";

/// `POST /groups/{id}/members/$ref`.
pub async fn add(
    State(tenant): State<Arc<Tenant>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<StatusCode, GraphError> {
    caller.require(Need::GroupMemberWrite)?;
    let (group, _) = tenant
        .directory
        .group(&id)
        .ok_or_else(|| GraphError::not_found(&id))?;
    let reference = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v.get("@odata.id").and_then(Value::as_str).map(str::to_owned))
        .ok_or_else(|| {
            GraphError::bad_request(
                "The request body must be {\"@odata.id\": \"https://graph.microsoft.com/v1.0/directoryObjects/{id}\"}.",
            )
        })?;
    let object = referenced_id(&reference).ok_or_else(|| {
        GraphError::bad_request(format!(
            "Invalid object identifier '{reference}': expected a URL ending in /directoryObjects/{{id}}."
        ))
    })?;
    let user = tenant
        .directory
        .user_index(object)
        .filter(|_| uuid::Uuid::parse_str(object).is_ok())
        .ok_or_else(|| GraphError::not_found(object))?;
    let mut live = tenant.live();
    let members = &mut live.group_members[group];
    if members
        .iter()
        .any(|m| matches!(m, Member::User(u) if *u == user))
    {
        return Err(GraphError::new(
            StatusCode::BAD_REQUEST,
            "Request_BadRequest",
            ALREADY_MEMBER,
        ));
    }
    members.push(Member::User(user));
    tracing::info!(group = %id, user = %object, "group member added");
    Ok(StatusCode::NO_CONTENT)
}

/// `DELETE /groups/{id}/members/{userId}/$ref`.
pub async fn remove(
    State(tenant): State<Arc<Tenant>>,
    Extension(caller): Extension<Caller>,
    Path((id, member)): Path<(String, String)>,
) -> Result<StatusCode, GraphError> {
    caller.require(Need::GroupMemberWrite)?;
    let (group, _) = tenant
        .directory
        .group(&id)
        .ok_or_else(|| GraphError::not_found(&id))?;
    let user = tenant
        .directory
        .user_index(&member)
        .filter(|_| uuid::Uuid::parse_str(&member).is_ok())
        .ok_or_else(|| GraphError::not_found(&member))?;
    let mut live = tenant.live();
    let members = &mut live.group_members[group];
    let before = members.len();
    members.retain(|m| !matches!(m, Member::User(u) if *u == user));
    if members.len() == before {
        return Err(GraphError::not_found(&member));
    }
    tracing::info!(group = %id, user = %member, "group member removed");
    Ok(StatusCode::NO_CONTENT)
}

/// The object id at the end of a `directoryObjects/{id}` (or `users/{id}`) reference.
fn referenced_id(reference: &str) -> Option<&str> {
    let path = reference.split(['?', '#']).next()?.trim_end_matches('/');
    let (kind, id) = path.rsplit_once('/')?;
    let kind = kind.rsplit('/').next()?;
    let id_ok = !id.is_empty();
    (id_ok && (kind.eq_ignore_ascii_case("directoryObjects") || kind.eq_ignore_ascii_case("users")))
        .then_some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_name_a_directory_object() {
        let id = "6b1f0000-0000-4000-8000-000000000001";
        let url = format!("https://graph.microsoft.com/v1.0/directoryObjects/{id}");
        assert_eq!(referenced_id(&url), Some(id));
        assert_eq!(
            referenced_id(&format!("http://127.0.0.1:9/beta/users/{id}")),
            Some(id)
        );
        assert_eq!(
            referenced_id("https://graph.microsoft.com/v1.0/groups/x"),
            None
        );
        assert_eq!(referenced_id("nothing"), None);
    }
}
