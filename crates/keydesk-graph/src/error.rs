//! Everything that can go wrong talking to Entra and Graph, and what to tell the operator.
//!
//! [`GraphError`] keeps the facts (status, Graph code, request ids); [`GraphError::kind`]
//! gives the UI something to branch on; [`GraphError::remediation`] is a sentence a helpdesk
//! technician can act on. No variant ever holds a token, a secret or a response body of the
//! token endpoint.

use std::time::Duration;

use crate::{Cloud, Group, Operation, Passkey};

/// A failed Graph or sign-in call.
#[derive(Debug, thiserror::Error)]
pub enum GraphError {
    /// The token endpoint refused to issue a token.
    #[error("sign-in failed: {code}: {message}")]
    SignIn {
        /// `AADSTS…` code, or the OAuth error name when no number was given.
        code: String,
        /// First line of Entra's description.
        message: String,
        /// What to do about it.
        remediation: String,
        /// Entra's trace id, for support.
        trace_id: Option<String>,
    },
    /// Graph answered with an error status.
    #[error("Graph answered {status} while {operation}: {code}: {message}")]
    Api {
        /// The call that failed.
        operation: Operation,
        /// HTTP status.
        status: u16,
        /// Graph's error code, e.g. `Authorization_RequestDenied`.
        code: String,
        /// Graph's message.
        message: String,
        /// `request-id` (envelope first, then header).
        request_id: Option<String>,
        /// `client-request-id` KeyDesk sent (or Graph echoed).
        client_request_id: Option<String>,
    },
    /// Graph kept throttling after the retries allowed.
    #[error("Graph is throttling requests")]
    Throttled {
        /// What the last `Retry-After` asked for.
        retry_after: Option<Duration>,
        /// `request-id` of the last answer.
        request_id: Option<String>,
        /// `client-request-id` of the last attempt.
        client_request_id: Option<String>,
    },
    /// The connection failed (DNS, TLS, refused, reset). Never contains secrets.
    #[error("network error: {0}")]
    Network(String),
    /// A call took longer than the configured timeout.
    #[error("Graph did not answer in time")]
    Timeout,
    /// A response KeyDesk could not understand.
    #[error("unexpected response from Graph ({what}): {detail}")]
    Malformed {
        /// Which field or document, e.g. `publicKey.challenge`.
        what: String,
        /// Why it was refused.
        detail: String,
        /// `request-id` of the response.
        request_id: Option<String>,
    },
    /// No group has this display name.
    #[error("no group named {0:?}")]
    GroupNotFound(String),
    /// Several groups have this display name.
    #[error("{} groups are named {name:?}", candidates.len())]
    AmbiguousGroup {
        /// The name searched for.
        name: String,
        /// Every group with that name.
        candidates: Vec<Group>,
    },
    /// The caller passed something Graph would refuse; nothing was sent.
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// The configured cloud lacks this feature; nothing was sent.
    #[error("{feature} is not available in {cloud}")]
    NotInCloud {
        /// What was asked for, e.g. "passkey provisioning".
        feature: &'static str,
        /// The configured cloud.
        cloud: Cloud,
    },
    /// The OS keyring (or another secret store) failed.
    #[error("secret store: {0}")]
    SecretStore(String),
    /// A register POST's outcome stayed unknown: the passkey may or may not exist, and
    /// registering again could give the user two.
    #[error("could not tell whether the passkey was registered ({} candidate(s) listed): {cause}", candidates.len())]
    RegistrationUnsure {
        /// New passkeys that could be this registration (empty: none listed yet).
        candidates: Vec<Passkey>,
        /// What made the outcome unknown.
        cause: Box<GraphError>,
    },
}

/// What kind of failure, for the UI to branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GraphErrorKind {
    /// Credentials, tenant or token problems (also a 401 from Graph).
    SignIn,
    /// 403: a permission or role is missing.
    Forbidden,
    /// 404, or a group that does not exist.
    NotFound,
    /// 429 (or 503/504 on reads) after retries.
    Throttled,
    /// 503/504 on a write: the outcome is unknown, reconcile before retrying.
    Unavailable,
    /// Connection failure.
    Network,
    /// Timeout.
    Timeout,
    /// A response KeyDesk did not understand.
    Malformed,
    /// Several groups share the name.
    Ambiguous,
    /// Graph refused the request (400, 405, 409…).
    Rejected,
    /// Bad input caught before sending.
    InvalidInput,
    /// The configured cloud does not offer the feature.
    Unsupported,
    /// The OS keyring failed.
    SecretStore,
    /// A registration may or may not have happened: an operator must decide.
    Unsure,
    /// Anything else (other 5xx).
    Other,
}

impl GraphError {
    /// The kind of failure.
    pub fn kind(&self) -> GraphErrorKind {
        match self {
            GraphError::SignIn { .. } => GraphErrorKind::SignIn,
            GraphError::Api { status, .. } => match status {
                401 => GraphErrorKind::SignIn,
                403 => GraphErrorKind::Forbidden,
                404 => GraphErrorKind::NotFound,
                429 => GraphErrorKind::Throttled,
                503 | 504 => GraphErrorKind::Unavailable,
                400..=499 => GraphErrorKind::Rejected,
                _ => GraphErrorKind::Other,
            },
            GraphError::Throttled { .. } => GraphErrorKind::Throttled,
            GraphError::Network(_) => GraphErrorKind::Network,
            GraphError::Timeout => GraphErrorKind::Timeout,
            GraphError::Malformed { .. } => GraphErrorKind::Malformed,
            GraphError::GroupNotFound(_) => GraphErrorKind::NotFound,
            GraphError::AmbiguousGroup { .. } => GraphErrorKind::Ambiguous,
            GraphError::InvalidInput(_) => GraphErrorKind::InvalidInput,
            GraphError::NotInCloud { .. } => GraphErrorKind::Unsupported,
            GraphError::SecretStore(_) => GraphErrorKind::SecretStore,
            GraphError::RegistrationUnsure { .. } => GraphErrorKind::Unsure,
        }
    }

    /// The `client-request-id` KeyDesk sent (or Graph echoed), for the log.
    pub fn client_request_id(&self) -> Option<&str> {
        match self {
            GraphError::Api {
                client_request_id, ..
            }
            | GraphError::Throttled {
                client_request_id, ..
            } => client_request_id.as_deref(),
            _ => None,
        }
    }

    /// Graph's error code (`Authorization_RequestDenied`, `AADSTS7000215`…), if it sent one.
    pub fn code(&self) -> Option<&str> {
        match self {
            GraphError::SignIn { code, .. } | GraphError::Api { code, .. } => Some(code),
            _ => None,
        }
    }

    /// Graph's `request-id` (or Entra's trace id), to quote to Microsoft support.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            GraphError::SignIn { trace_id, .. } => trace_id.as_deref(),
            GraphError::Api { request_id, .. }
            | GraphError::Throttled { request_id, .. }
            | GraphError::Malformed { request_id, .. } => request_id.as_deref(),
            GraphError::RegistrationUnsure { cause, .. } => cause.request_id(),
            _ => None,
        }
    }

    /// A sentence a helpdesk technician can act on.
    pub fn remediation(&self) -> String {
        let quote = self
            .request_id()
            .map(|id| format!(" Quote request id {id} if you contact support."))
            .unwrap_or_default();
        match self {
            GraphError::SignIn { remediation, .. } => remediation.clone(),
            GraphError::Api {
                operation,
                status,
                code,
                ..
            } => api_remediation(*operation, *status, code) + &quote,
            GraphError::Throttled { retry_after, .. } => {
                let wait = retry_after
                    .map(|d| format!("about {} seconds", d.as_secs().max(1)))
                    .unwrap_or_else(|| "a minute".into());
                format!(
                    "Microsoft Graph is throttling this tenant: wait {wait} and try again, or \
                     process fewer users at a time.{quote}"
                )
            }
            GraphError::Network(_) => "Could not reach Microsoft: check the network \
                connection, proxy and firewall, and that the login and Graph URLs are right."
                .into(),
            GraphError::Timeout => "Microsoft did not answer in time: check the network and \
                try again; if it keeps happening, raise the timeout in the settings."
                .into(),
            GraphError::Malformed { what, .. } => format!(
                "Microsoft Graph sent a response KeyDesk does not understand ({what}): try \
                 again, and report it if it persists.{quote}"
            ),
            GraphError::GroupNotFound(name) => format!(
                "No group is named \"{name}\": check the spelling (the name must match \
                 exactly) and that the app may read groups (GroupMember.Read.All)."
            ),
            GraphError::AmbiguousGroup { name, candidates } => format!(
                "{} groups are named \"{name}\": rename one, or pick the group by its object \
                 id ({}).",
                candidates.len(),
                candidates
                    .iter()
                    .map(|g| g.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            GraphError::InvalidInput(message) => format!("Fix the input: {message}."),
            GraphError::NotInCloud { feature, cloud } => format!(
                "Microsoft does not offer {feature} through Graph in {cloud}, where this \
                 tenant is (passkey provisioning exists in the global cloud only; listing and \
                 deleting passkeys in the global and US Government clouds): provision these \
                 keys another way (for example self-service registration with a Temporary \
                 Access Pass)."
            ),
            GraphError::SecretStore(_) => "The system keyring could not be used: unlock it \
                (or start a keyring service such as GNOME Keyring or KWallet) and sign in \
                again."
                .into(),
            GraphError::RegistrationUnsure { candidates, .. } => format!(
                "Do not register this user again yet: Entra may already hold this key's \
                 passkey. Look at the user's passkeys in Entra ID ({}) and mark which one is \
                 this key's, or that none is.{quote}",
                if candidates.is_empty() {
                    "none listed yet".to_owned()
                } else {
                    candidates
                        .iter()
                        .map(|p| p.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            ),
        }
    }
}

fn api_remediation(operation: Operation, status: u16, code: &str) -> String {
    match status {
        401 => "Microsoft Graph rejected KeyDesk's sign-in token: sign in again; if it keeps \
                happening, check the app registration's credentials."
            .into(),
        403 => format!(
            "Access denied while {operation}: {}.",
            operation.permission_hint()
        ),
        404 => match operation {
            Operation::GetUser => {
                "The user was not found: check the user principal name or object id.".into()
            }
            Operation::GroupMembers => "The group no longer exists: look it up again.".into(),
            Operation::RemoveGroupMember => "The user is not a direct member of that group (a \
                member through a nested group must be removed from the nested group), or the \
                group no longer exists."
                .into(),
            _ => format!("Microsoft Graph did not find what was asked for while {operation}."),
        },
        405 if operation == Operation::CreationOptions => "Microsoft Graph refused creation \
            options (methodNotAllowed): an account cannot provision a passkey for itself; \
            provision this user from another account."
            .into(),
        400 if operation == Operation::CreateTemporaryAccessPass => format!(
            "Microsoft Graph refused the Temporary Access Pass ({code}): the Temporary Access \
             Pass method may not be enabled for this user, or its policy may not allow this \
             lifetime or one-time use. (A user who already has a pass is not the cause: a new \
             pass replaces it.)"
        ),
        400 | 409 | 422 if operation == Operation::RegisterPasskey => format!(
            "Microsoft Graph refused the passkey ({code}): the challenge may have expired or \
             the key's model may not be allowed by the FIDO2 policy. List the user's passkeys, \
             then start again with fresh creation options."
        ),
        503 | 504 if operation == Operation::RegisterPasskey => "Microsoft Graph was \
            unavailable while registering: the passkey may or may not have been saved. List \
            the user's passkeys before trying again."
            .into(),
        429 | 503 | 504 => "Microsoft Graph is busy: wait a minute and try again.".into(),
        500..=599 => {
            format!("Microsoft Graph had an internal error while {operation}: try again later.")
        }
        _ => format!("Microsoft Graph refused the request while {operation} ({code})."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(operation: Operation, status: u16) -> GraphError {
        GraphError::Api {
            operation,
            status,
            code: "Authorization_RequestDenied".into(),
            message: "Insufficient privileges to complete the operation.".into(),
            request_id: Some("rid-1".into()),
            client_request_id: None,
        }
    }

    #[test]
    fn forbidden_names_the_missing_permission_for_each_call() {
        let reg = api(Operation::RegisterPasskey, 403);
        assert_eq!(reg.kind(), GraphErrorKind::Forbidden);
        assert!(reg
            .remediation()
            .contains("UserAuthMethod-Passkey.ReadWrite.All"));
        assert!(reg.remediation().contains("Authentication Administrator"));
        assert!(reg.remediation().contains("rid-1"));
        let list = api(Operation::ListPasskeys, 403).remediation();
        assert!(list.contains("UserAuthMethod-Passkey.Read.All"), "{list}");
        let members = api(Operation::GroupMembers, 403).remediation();
        assert!(members.contains("GroupMember.Read.All"), "{members}");
        let user = api(Operation::GetUser, 403).remediation();
        assert!(user.contains("User.Read.All"), "{user}");
    }

    #[test]
    fn kinds_follow_the_status() {
        assert_eq!(
            api(Operation::GetUser, 404).kind(),
            GraphErrorKind::NotFound
        );
        assert_eq!(api(Operation::GetUser, 401).kind(), GraphErrorKind::SignIn);
        assert_eq!(
            api(Operation::RegisterPasskey, 503).kind(),
            GraphErrorKind::Unavailable
        );
        assert_eq!(
            api(Operation::RegisterPasskey, 400).kind(),
            GraphErrorKind::Rejected
        );
        assert_eq!(api(Operation::GetUser, 500).kind(), GraphErrorKind::Other);
        assert_eq!(GraphError::Timeout.kind(), GraphErrorKind::Timeout);
        assert_eq!(
            GraphError::GroupNotFound("x".into()).kind(),
            GraphErrorKind::NotFound
        );
        assert_eq!(api(Operation::GetUser, 404).request_id(), Some("rid-1"));
    }

    #[test]
    fn an_unavailable_write_says_to_reconcile() {
        let text = api(Operation::RegisterPasskey, 504).remediation();
        assert!(text.contains("List the user's passkeys"), "{text}");
    }
}
