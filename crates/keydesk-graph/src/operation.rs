//! The Graph calls KeyDesk makes, and the permission each one needs.
//!
//! Errors carry the [`Operation`] they happened in so a 403 can name the exact permission
//! that is missing (least privilege first, application and delegated) instead of a generic "access denied".

use std::fmt;

/// One kind of call to Entra or Graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    /// Getting an access token.
    SignIn,
    /// `GET /groups?$filter=displayName eq '…'`.
    FindGroup,
    /// `GET /groups/{id}/transitiveMembers/microsoft.graph.user`.
    GroupMembers,
    /// `GET /users/{id-or-upn}`.
    GetUser,
    /// `GET /users/{id}/authentication/fido2Methods`.
    ListPasskeys,
    /// `GET /users/{id}/authentication/fido2Methods/creationOptions`.
    CreationOptions,
    /// `POST /users/{id}/authentication/fido2Methods`.
    RegisterPasskey,
    /// `GET /groups/{id}`.
    GetGroup,
    /// `DELETE /users/{id}/authentication/fido2Methods/{methodId}`.
    DeletePasskey,
    /// `GET /policies/authenticationMethodsPolicy/authenticationMethodConfigurations/fido2`.
    ReadFido2Policy,
    /// `POST /users/{id}/authentication/temporaryAccessPassMethods`.
    CreateTemporaryAccessPass,
    /// `GET /users/{id}/authentication/temporaryAccessPassMethods`.
    ListTemporaryAccessPasses,
    /// `DELETE /users/{id}/authentication/temporaryAccessPassMethods/{methodId}`.
    DeleteTemporaryAccessPass,
    /// `GET /policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass`.
    ReadTapPolicy,
    /// `GET /me`: who is signed in (delegated sign-in only).
    GetMe,
    /// `POST /groups/{id}/members/$ref`.
    AddGroupMember,
    /// `DELETE /groups/{id}/members/{userId}/$ref`.
    RemoveGroupMember,
    /// `GET /users/{id}/transitiveMemberOf/microsoft.graph.directoryRole`: the directory
    /// roles a user holds (directly or through a role-assignable group).
    UserRoles,
}

impl Operation {
    /// The Graph application permission this call needs, least privilege first.
    pub fn application_permission(self) -> Option<&'static str> {
        match self {
            Operation::SignIn => None,
            Operation::FindGroup | Operation::GroupMembers | Operation::GetGroup => {
                Some("GroupMember.Read.All")
            }
            Operation::GetUser | Operation::UserRoles => Some("User.Read.All"),
            Operation::ListPasskeys => Some("UserAuthMethod-Passkey.Read.All"),
            Operation::CreationOptions | Operation::RegisterPasskey => {
                Some("UserAuthMethod-Passkey.ReadWrite.All")
            }
            Operation::DeletePasskey => Some("UserAuthMethod-Passkey.ReadWrite.All"),
            Operation::ReadFido2Policy => Some("Policy.Read.AuthenticationMethod"),
            Operation::CreateTemporaryAccessPass | Operation::DeleteTemporaryAccessPass => {
                Some("UserAuthMethod-TAP.ReadWrite.All")
            }
            Operation::ListTemporaryAccessPasses => Some("UserAuthMethod-TAP.Read.All"),
            Operation::ReadTapPolicy => Some("Policy.Read.AuthenticationMethod"),
            Operation::AddGroupMember | Operation::RemoveGroupMember => {
                Some("GroupMember.ReadWrite.All")
            }
            Operation::GetMe => None,
        }
    }

    /// The delegated permission this call needs when a person is signed in.
    pub fn delegated_permission(self) -> Option<&'static str> {
        match self {
            Operation::ListPasskeys => Some("UserAuthMethod-Passkey.Read"),
            Operation::DeletePasskey => Some("UserAuthMethod-Passkey.ReadWrite"),
            Operation::GetUser => Some("User.Read.All"),
            Operation::GetMe => Some("User.Read"),
            Operation::ListTemporaryAccessPasses => Some("UserAuthMethod-TAP.Read"),
            Operation::DeleteTemporaryAccessPass => Some("UserAuthMethod-TAP.ReadWrite"),
            other => other.application_permission(),
        }
    }

    /// The Entra role a signed-in person needs on top of the delegated permission.
    pub fn delegated_role(self) -> Option<&'static str> {
        match self {
            Operation::CreationOptions
            | Operation::RegisterPasskey
            | Operation::DeletePasskey
            | Operation::CreateTemporaryAccessPass
            | Operation::ListTemporaryAccessPasses
            | Operation::DeleteTemporaryAccessPass => {
                Some("Authentication Administrator or Privileged Authentication Administrator")
            }
            Operation::ReadFido2Policy | Operation::ReadTapPolicy => {
                Some("Global Reader or Authentication Policy Administrator")
            }
            _ => None,
        }
    }

    /// What a technician must check when this call answers 403.
    pub fn permission_hint(self) -> String {
        match self {
            Operation::SignIn => "check the app registration, tenant and credentials".into(),
            Operation::CreationOptions | Operation::RegisterPasskey => {
                "the app registration needs the Microsoft Graph application permission \
                 UserAuthMethod-Passkey.ReadWrite.All with admin consent (when signed in as a \
                 person: the delegated permission plus the Authentication Administrator or \
                 Privileged Authentication Administrator role)"
                    .into()
            }
            Operation::ListPasskeys => "the app registration needs the Microsoft Graph \
                 application permission UserAuthMethod-Passkey.Read.All with admin consent \
                 (delegated: UserAuthMethod-Passkey.Read)"
                .into(),
            Operation::GetMe => "the app registration needs the delegated permission \
                 User.Read"
                .into(),
            Operation::GroupMembers => "the app registration needs the Microsoft Graph \
                 permissions GroupMember.Read.All and User.ReadBasic.All (or User.Read.All) with \
                 admin consent: with GroupMember.Read.All alone Graph lists members without \
                 their names"
                .into(),
            other => {
                let mut text = format!(
                    "the app registration needs the Microsoft Graph application permission {} \
                     with admin consent",
                    other.application_permission().unwrap_or_default()
                );
                if let Some(role) = other.delegated_role() {
                    text.push_str(&format!(
                        " (when signed in as a person: the delegated permission {} plus the \
                         {role} role)",
                        other.delegated_permission().unwrap_or_default()
                    ));
                }
                text
            }
        }
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Operation::SignIn => "signing in",
            Operation::FindGroup => "looking up the group",
            Operation::GroupMembers => "reading the group's members",
            Operation::GetUser => "reading the user",
            Operation::ListPasskeys => "listing the user's passkeys",
            Operation::CreationOptions => "getting passkey creation options",
            Operation::RegisterPasskey => "registering the passkey",
            Operation::GetGroup => "reading the group",
            Operation::DeletePasskey => "deleting the passkey",
            Operation::ReadFido2Policy => "reading the FIDO2 policy",
            Operation::CreateTemporaryAccessPass => "creating a Temporary Access Pass",
            Operation::ListTemporaryAccessPasses => "listing the user's Temporary Access Passes",
            Operation::DeleteTemporaryAccessPass => "deleting a Temporary Access Pass",
            Operation::ReadTapPolicy => "reading the Temporary Access Pass policy",
            Operation::GetMe => "reading the signed-in account",
            Operation::AddGroupMember => "adding the user to a group",
            Operation::RemoveGroupMember => "removing the user from a group",
            Operation::UserRoles => "reading the user's directory roles",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_call_names_its_permission() {
        assert!(Operation::RegisterPasskey
            .permission_hint()
            .contains("UserAuthMethod-Passkey.ReadWrite.All"));
        assert!(Operation::RegisterPasskey
            .permission_hint()
            .contains("Authentication Administrator"));
        assert!(Operation::ListPasskeys
            .permission_hint()
            .contains("UserAuthMethod-Passkey.Read.All"));
        let members = Operation::GroupMembers.permission_hint();
        assert!(members.contains("GroupMember.Read.All"), "{members}");
        assert!(members.contains("User.ReadBasic.All"), "{members}");
        assert!(Operation::GetUser
            .permission_hint()
            .contains("User.Read.All"));
        let delete = Operation::DeletePasskey.permission_hint();
        assert!(
            delete.contains("UserAuthMethod-Passkey.ReadWrite.All"),
            "{delete}"
        );
        assert!(delete.contains("Authentication Administrator"), "{delete}");
        let policy = Operation::ReadFido2Policy.permission_hint();
        assert!(
            policy.contains("Policy.Read.AuthenticationMethod"),
            "{policy}"
        );
        assert!(policy.contains("Global Reader"), "{policy}");
        assert!(
            policy.contains("Authentication Policy Administrator"),
            "{policy}"
        );
        assert!(Operation::CreateTemporaryAccessPass
            .permission_hint()
            .contains("UserAuthMethod-TAP.ReadWrite.All"));
        for op in [Operation::AddGroupMember, Operation::RemoveGroupMember] {
            assert!(op.permission_hint().contains("GroupMember.ReadWrite.All"));
            assert_eq!(op.delegated_permission(), Some("GroupMember.ReadWrite.All"));
        }
    }
}
