//! Who is calling and what each Graph call requires of them.
//!
//! An app-only token carries the application permissions (`roles`) configured for the app;
//! a delegated token carries scopes and the signed-in user's directory roles. Each call
//! lists the permissions that allow it, least privilege first (as Microsoft's permission tables list them), and
//! the directory roles a delegated caller must also hold (an authentication administrator
//! role to manage other users' methods; Global Reader or Authentication Policy
//! Administrator to read the methods policy). A refusal is a 403 whose message names what
//! is missing. Member listings do not refuse a caller without a user-read permission: they
//! answer with limited objects ([`Caller::reads_users`]).
//!
//! Not modelled: administrative units, role scoping, privileged vs. non-privileged targets
//! (an Authentication Administrator may manage every user here).

use axum::http::StatusCode;
use uuid::Uuid;

use crate::error::GraphError;

/// The role the seeded operator holds by default.
pub const AUTHENTICATION_ADMINISTRATOR: &str = "Authentication Administrator";
/// Directory roles that may manage other users' authentication methods.
pub const ADMIN_ROLES: &[&str] = &[
    AUTHENTICATION_ADMINISTRATOR,
    "Privileged Authentication Administrator",
];
/// Directory roles that may read the authentication methods policy (an Authentication
/// Administrator alone may not).
pub const POLICY_READER_ROLES: &[&str] = &[
    "Global Reader",
    "Authentication Policy Administrator",
    "Global Administrator",
];

/// Application permissions granted to the simulated app by default: everything KeyDesk
/// needs.
pub const DEFAULT_APP_PERMISSIONS: &[&str] = &[
    "GroupMember.Read.All",
    "GroupMember.ReadWrite.All",
    "User.Read.All",
    "UserAuthMethod-Passkey.ReadWrite.All",
    "UserAuthenticationMethod.ReadWrite.All",
    "Policy.Read.AuthenticationMethod",
    "UserAuthMethod-TAP.ReadWrite.All",
];

/// Delegated scopes consented for the app by default.
pub const DEFAULT_DELEGATED_SCOPES: &[&str] = &[
    "User.Read",
    "GroupMember.Read.All",
    "GroupMember.ReadWrite.All",
    "User.Read.All",
    "UserAuthMethod-Passkey.ReadWrite.All",
    "UserAuthenticationMethod.ReadWrite.All",
    "Policy.Read.AuthenticationMethod",
    "UserAuthMethod-TAP.ReadWrite.All",
];

/// The principal behind an access token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// App-only (client credentials).
    App {
        /// The app's client id.
        client_id: String,
        /// Application permissions granted (the token's `roles`).
        roles: Vec<String>,
    },
    /// A signed-in user, through the app.
    User {
        /// The app's client id.
        client_id: String,
        /// The signed-in user.
        user: Uuid,
        /// Delegated permissions (the token's `scp`).
        scopes: Vec<String>,
        /// The user's directory roles, by name.
        directory_roles: Vec<String>,
    },
}

/// What a call needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// `GET /me` (delegated only).
    SignedInUser,
    GroupRead,
    /// Adding or removing group members (`members/$ref`).
    GroupMemberWrite,
    UserRead,
    PasskeyRead,
    PasskeyWrite,
    /// Deleting a passkey on beta (older permission names only).
    MethodDelete,
    /// Deleting a passkey on v1.0, which documents the passkey permission (app-only too).
    PasskeyDelete,
    PolicyRead,
    TapWrite,
    /// Listing a user's Temporary Access Passes.
    TapRead,
}

struct Rule {
    what: &'static str,
    app: &'static [&'static str],
    delegated: &'static [&'static str],
    /// Directory roles a delegated caller must hold one of (empty: none needed).
    roles: &'static [&'static str],
    /// Whose data the roles are about, for the message.
    role_scope: &'static str,
}

fn rule(need: Need) -> Rule {
    const GROUP: &[&str] = &[
        "GroupMember.Read.All",
        "Group.Read.All",
        "Directory.Read.All",
    ];
    const GROUP_WRITE: &[&str] = &[
        "GroupMember.ReadWrite.All",
        "Group.ReadWrite.All",
        "Directory.ReadWrite.All",
    ];
    const PASSKEY_WRITE: &[&str] = &[
        "UserAuthMethod-Passkey.ReadWrite.All",
        "UserAuthenticationMethod.ReadWrite.All",
    ];
    const POLICY: &[&str] = &[
        "Policy.Read.AuthenticationMethod",
        "Policy.ReadWrite.AuthenticationMethod",
    ];
    const TAP: &[&str] = &[
        "UserAuthMethod-TAP.ReadWrite.All",
        "UserAuthenticationMethod.ReadWrite.All",
    ];
    match need {
        Need::SignedInUser => Rule {
            what: "read the signed-in user",
            app: &[],
            delegated: &[
                "User.Read",
                "User.ReadBasic.All",
                "User.Read.All",
                "Directory.Read.All",
            ],
            roles: &[],
            role_scope: "",
        },
        Need::GroupRead => Rule {
            what: "read group members",
            app: GROUP,
            delegated: GROUP,
            roles: &[],
            role_scope: "",
        },
        Need::GroupMemberWrite => Rule {
            what: "change group members",
            app: GROUP_WRITE,
            delegated: GROUP_WRITE,
            roles: &[],
            role_scope: "",
        },
        Need::UserRead => Rule {
            what: "read users",
            app: &["User.Read.All", "User.ReadBasic.All", "Directory.Read.All"],
            delegated: &["User.ReadBasic.All", "User.Read.All", "Directory.Read.All"],
            roles: &[],
            role_scope: "",
        },
        Need::PasskeyRead => Rule {
            what: "read passkeys",
            app: &[
                "UserAuthMethod-Passkey.Read.All",
                "UserAuthMethod-Passkey.ReadWrite.All",
                "UserAuthenticationMethod.Read.All",
                "UserAuthenticationMethod.ReadWrite.All",
            ],
            delegated: &[
                "UserAuthMethod-Passkey.Read",
                "UserAuthMethod-Passkey.Read.All",
                "UserAuthMethod-Passkey.ReadWrite.All",
                "UserAuthenticationMethod.Read.All",
                "UserAuthenticationMethod.ReadWrite.All",
            ],
            roles: ADMIN_ROLES,
            role_scope: " for other users",
        },
        Need::PasskeyWrite => Rule {
            what: "register passkeys",
            app: PASSKEY_WRITE,
            delegated: PASSKEY_WRITE,
            roles: ADMIN_ROLES,
            role_scope: " for other users",
        },
        Need::MethodDelete => Rule {
            what: "delete authentication methods",
            app: &["UserAuthenticationMethod.ReadWrite.All"],
            delegated: &[
                "UserAuthenticationMethod.ReadWrite",
                "UserAuthenticationMethod.ReadWrite.All",
            ],
            roles: ADMIN_ROLES,
            role_scope: " for other users",
        },
        Need::PasskeyDelete => Rule {
            what: "delete passkeys",
            app: PASSKEY_WRITE,
            delegated: &[
                "UserAuthMethod-Passkey.ReadWrite",
                "UserAuthMethod-Passkey.ReadWrite.All",
                "UserAuthenticationMethod.ReadWrite",
                "UserAuthenticationMethod.ReadWrite.All",
            ],
            roles: ADMIN_ROLES,
            role_scope: " for other users",
        },
        Need::PolicyRead => Rule {
            what: "read the authentication methods policy",
            app: POLICY,
            delegated: POLICY,
            roles: POLICY_READER_ROLES,
            role_scope: "",
        },
        Need::TapRead => Rule {
            what: "read Temporary Access Passes",
            app: &[
                "UserAuthMethod-TAP.Read.All",
                "UserAuthMethod-TAP.ReadWrite.All",
                "UserAuthenticationMethod.Read.All",
                "UserAuthenticationMethod.ReadWrite.All",
            ],
            delegated: &[
                "UserAuthMethod-TAP.Read",
                "UserAuthMethod-TAP.Read.All",
                "UserAuthMethod-TAP.ReadWrite",
                "UserAuthMethod-TAP.ReadWrite.All",
                "UserAuthenticationMethod.Read.All",
                "UserAuthenticationMethod.ReadWrite.All",
            ],
            roles: ADMIN_ROLES,
            role_scope: " for other users",
        },
        Need::TapWrite => Rule {
            what: "issue Temporary Access Passes",
            app: TAP,
            delegated: TAP,
            roles: ADMIN_ROLES,
            role_scope: " for other users",
        },
    }
}

impl Caller {
    /// Allows the call or answers 403 naming the missing permission or role.
    pub fn require(&self, need: Need) -> Result<(), GraphError> {
        let rule = rule(need);
        let (granted, accepted, kind) = match self {
            Caller::App { roles, .. } => (roles, rule.app, "application permission"),
            Caller::User { scopes, .. } => (scopes, rule.delegated, "delegated permission"),
        };
        if accepted.is_empty() {
            return Err(denied(format!(
                "To {} the token must be delegated (a signed-in user); app-only tokens cannot.",
                rule.what
            )));
        }
        if !accepted
            .iter()
            .any(|p| granted.iter().any(|g| g.eq_ignore_ascii_case(p)))
        {
            let others = if accepted.len() > 1 {
                format!(" (or one of: {})", accepted[1..].join(", "))
            } else {
                String::new()
            };
            return Err(denied(format!(
                "Insufficient privileges to complete the operation: to {} the token needs the {kind} {}{others}, which it does not carry.",
                rule.what, accepted[0]
            )));
        }
        if let Caller::User {
            directory_roles, ..
        } = self
        {
            let holds = directory_roles
                .iter()
                .any(|r| rule.roles.contains(&r.as_str()));
            if !rule.roles.is_empty() && !holds {
                let (last, first) = rule.roles.split_last().expect("not empty");
                return Err(denied(format!(
                    "Insufficient privileges to complete the operation: to {}{} the signed-in user needs the directory role {} or {last}, and holds none of them.",
                    rule.what, rule.role_scope, first.join(", ")
                )));
            }
        }
        Ok(())
    }

    /// Whether the caller may read users' properties (User.ReadBasic.All, User.Read.All or
    /// Directory.Read.All). Without it, member listings answer 200 with limited objects
    /// (`@odata.type` and `id` only), as Graph's "limited information" note says.
    pub fn reads_users(&self) -> bool {
        self.require(Need::UserRead).is_ok()
    }

    /// The signed-in user, for delegated tokens.
    pub fn user(&self) -> Option<Uuid> {
        match self {
            Caller::User { user, .. } => Some(*user),
            Caller::App { .. } => None,
        }
    }
}

fn denied(message: String) -> GraphError {
    GraphError::new(
        StatusCode::FORBIDDEN,
        "Authorization_RequestDenied",
        message,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_without_the_permission_is_told_which_one() {
        let caller = Caller::App {
            client_id: "c".into(),
            roles: vec!["GroupMember.Read.All".into()],
        };
        assert!(caller.require(Need::GroupRead).is_ok());
        let error = caller.require(Need::PasskeyWrite).unwrap_err();
        assert_eq!(error.status, StatusCode::FORBIDDEN);
        assert!(error
            .message
            .contains("application permission UserAuthMethod-Passkey.ReadWrite.All"));
    }

    #[test]
    fn delegated_needs_scope_and_role() {
        let mut caller = Caller::User {
            client_id: "c".into(),
            user: Uuid::nil(),
            scopes: vec!["UserAuthMethod-Passkey.ReadWrite.All".into()],
            directory_roles: vec![],
        };
        let error = caller.require(Need::PasskeyWrite).unwrap_err();
        assert!(error.message.contains("Authentication Administrator"));
        if let Caller::User {
            directory_roles, ..
        } = &mut caller
        {
            directory_roles.push(AUTHENTICATION_ADMINISTRATOR.into());
        }
        assert!(caller.require(Need::PasskeyWrite).is_ok());
        let error = caller.require(Need::MethodDelete).unwrap_err();
        assert!(error
            .message
            .contains("delegated permission UserAuthenticationMethod.ReadWrite"));
    }
}
