//! Who is calling and what each Graph call requires of them.
//!
//! An app-only token carries the application permissions (`roles`) configured for the app;
//! a delegated token carries scopes and the signed-in user's directory roles. Each call
//! lists the permissions that allow it, least privilege first (GRAPH.md's table), and
//! whether a delegated caller must also hold an authentication administrator role. A
//! refusal is a 403 whose message names what is missing.
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
        client_id: String,
        roles: Vec<String>,
    },
    /// A signed-in user, through the app.
    User {
        client_id: String,
        user: Uuid,
        scopes: Vec<String>,
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
    MethodDelete,
    PolicyRead,
    TapWrite,
}

struct Rule {
    what: &'static str,
    app: &'static [&'static str],
    delegated: &'static [&'static str],
    admin_role: bool,
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
            admin_role: false,
        },
        Need::GroupRead => Rule {
            what: "read group members",
            app: GROUP,
            delegated: GROUP,
            admin_role: false,
        },
        Need::GroupMemberWrite => Rule {
            what: "change group members",
            app: GROUP_WRITE,
            delegated: GROUP_WRITE,
            admin_role: false,
        },
        Need::UserRead => Rule {
            what: "read users",
            app: &["User.Read.All", "User.ReadBasic.All", "Directory.Read.All"],
            delegated: &["User.ReadBasic.All", "User.Read.All", "Directory.Read.All"],
            admin_role: false,
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
            admin_role: true,
        },
        Need::PasskeyWrite => Rule {
            what: "register passkeys",
            app: PASSKEY_WRITE,
            delegated: PASSKEY_WRITE,
            admin_role: true,
        },
        Need::MethodDelete => Rule {
            what: "delete authentication methods",
            app: &["UserAuthenticationMethod.ReadWrite.All"],
            delegated: &[
                "UserAuthenticationMethod.ReadWrite",
                "UserAuthenticationMethod.ReadWrite.All",
            ],
            admin_role: true,
        },
        Need::PolicyRead => Rule {
            what: "read the authentication methods policy",
            app: POLICY,
            delegated: POLICY,
            admin_role: false,
        },
        Need::TapWrite => Rule {
            what: "issue Temporary Access Passes",
            app: TAP,
            delegated: TAP,
            admin_role: true,
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
            let admin = directory_roles
                .iter()
                .any(|r| ADMIN_ROLES.contains(&r.as_str()));
            if rule.admin_role && !admin {
                return Err(denied(format!(
                    "Insufficient privileges to complete the operation: to {} for other users the signed-in user needs the directory role {} or {}, and holds neither.",
                    rule.what, ADMIN_ROLES[0], ADMIN_ROLES[1]
                )));
            }
        }
        Ok(())
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
