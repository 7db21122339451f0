//! Reading users and mapping them to [`DirectoryUser`].
//!
//! `accountEnabled` may be absent when the app lacks User.Read.All; an absent value counts
//! as enabled (Graph refuses a disabled user later anyway). A user is a guest when
//! `userType` is `Guest` or, failing that, when the UPN has the `#EXT#` marker.

use keydesk_core::DirectoryUser;

use crate::http::Call;
use crate::query::with_query;
use crate::wire::UserDto;
use crate::{GraphClient, GraphError, Operation};

/// The properties KeyDesk reads for every user.
pub(crate) const USER_SELECT: &str =
    "id,userPrincipalName,displayName,accountEnabled,userType,mail,department,officeLocation";

impl GraphClient {
    /// One user by object id or user principal name.
    pub async fn user(&self, id_or_upn: &str) -> Result<DirectoryUser, GraphError> {
        let id_or_upn = id_or_upn.trim();
        if id_or_upn.is_empty() {
            return Err(GraphError::InvalidInput(
                "the user id or UPN is empty".into(),
            ));
        }
        let url = with_query(
            self.url(self.config().api, &["users", id_or_upn]),
            &[("$select", USER_SELECT)],
        );
        let reply = self
            .send(Call::get(Operation::GetUser, "/users/{id}", url))
            .await?;
        to_directory_user(reply.json("user")?).map_err(|e| with_request_id(e, &reply.request_id))
    }
}

/// Maps Graph's user; `id` and `userPrincipalName` are required.
pub(crate) fn to_directory_user(dto: UserDto) -> Result<DirectoryUser, GraphError> {
    let missing = |what: &str| GraphError::Malformed {
        what: what.into(),
        detail: "missing from a user".into(),
        request_id: None,
    };
    let id = dto
        .id
        .filter(|v| !v.is_empty())
        .ok_or_else(|| missing("id"))?;
    let upn = dto
        .user_principal_name
        .filter(|v| !v.is_empty())
        .ok_or_else(|| missing("userPrincipalName"))?;
    let guest = match dto.user_type.as_deref() {
        Some(kind) => kind.eq_ignore_ascii_case("guest"),
        None => upn.contains("#EXT#"),
    };
    Ok(DirectoryUser {
        id,
        display_name: dto.display_name.unwrap_or_default(),
        enabled: dto.account_enabled.unwrap_or(true),
        guest,
        upn,
        department: dto.department.filter(|d| !d.trim().is_empty()),
        office: dto.office_location.filter(|o| !o.trim().is_empty()),
    })
}

/// Adds the response's request id to a mapping error that lacks one.
pub(crate) fn with_request_id(error: GraphError, id: &Option<String>) -> GraphError {
    match error {
        GraphError::Malformed {
            what,
            detail,
            request_id: None,
        } => GraphError::Malformed {
            what,
            detail,
            request_id: id.clone(),
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dto(json: &str) -> UserDto {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn users_map_with_guest_and_enabled_flags() {
        let user = to_directory_user(dto(
            r#"{"id":"1","userPrincipalName":"kim@contoso.com","displayName":"Kim","accountEnabled":false,"userType":"Member","mail":null,"department":"Finance"}"#,
        ))
        .unwrap();
        assert_eq!(user.upn, "kim@contoso.com");
        assert!(!user.enabled && !user.guest);
        assert_eq!(user.department.as_deref(), Some("Finance"));
        let guest = to_directory_user(dto(
            r#"{"id":"2","userPrincipalName":"bob_fabrikam.com#EXT#@contoso.onmicrosoft.com"}"#,
        ))
        .unwrap();
        assert!(guest.guest && guest.enabled);
        assert_eq!(guest.display_name, "");
        assert_eq!(guest.department, None);
    }

    #[test]
    fn a_user_without_upn_is_malformed() {
        let error = to_directory_user(dto(r#"{"id":"1"}"#)).unwrap_err();
        assert!(
            matches!(error, GraphError::Malformed { ref what, .. } if what == "userPrincipalName")
        );
    }
}
