//! Pending and issued delegated grants: authorization codes, device codes, refresh tokens,
//! and the client-assertion ids already seen.
//!
//! Every delegated grant signs in the seeded operator (see [`crate::seed`]) with the
//! directory roles `SimConfig::operator_roles`. Scopes granted are those requested that the
//! app has consent for (`.default` = all consented); `offline_access` adds a refresh token.

use std::collections::{HashMap, HashSet};

use time::OffsetDateTime;
use uuid::Uuid;

/// An authorization code waiting to be redeemed.
#[derive(Debug, Clone)]
pub struct AuthCode {
    pub client_id: String,
    pub redirect_uri: String,
    /// PKCE S256 code challenge.
    pub challenge: String,
    pub scope: String,
    pub user: Uuid,
    pub expires: OffsetDateTime,
    pub redeemed: bool,
}

/// A device code sign-in in progress.
#[derive(Debug, Clone)]
pub struct DeviceCode {
    pub client_id: String,
    pub user_code: String,
    pub scope: String,
    pub expires: OffsetDateTime,
    /// The user who approved it on the sign-in page, once approved.
    pub approved_by: Option<Uuid>,
}

/// A refresh token.
#[derive(Debug, Clone)]
pub struct Refresh {
    pub client_id: String,
    pub user: Uuid,
    pub scope: String,
    pub expires: OffsetDateTime,
}

/// All of the above.
#[derive(Debug, Default)]
pub struct Grants {
    pub codes: HashMap<String, AuthCode>,
    pub devices: HashMap<String, DeviceCode>,
    pub refresh: HashMap<String, Refresh>,
    pub assertion_ids: HashSet<String>,
}

/// Scopes granted for a requested `scope` string, and whether `offline_access` was asked.
pub fn granted_scopes(requested: &str, consented: &[String]) -> (Vec<String>, bool) {
    let mut granted = Vec::new();
    let mut offline = false;
    for scope in requested.split_whitespace() {
        let name = scope.rsplit_once('/').map_or(scope, |(_, name)| name);
        match name {
            "openid" | "profile" | "email" => {}
            "offline_access" => offline = true,
            ".default" => granted.extend(consented.iter().cloned()),
            other => {
                if let Some(c) = consented.iter().find(|c| c.eq_ignore_ascii_case(other)) {
                    granted.push(c.clone());
                }
            }
        }
    }
    granted.sort();
    granted.dedup();
    (granted, offline)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_scope_grants_everything_consented() {
        let consented = vec!["User.Read".to_owned(), "GroupMember.Read.All".to_owned()];
        let (granted, offline) = granted_scopes(
            "https://graph.microsoft.com/.default offline_access openid",
            &consented,
        );
        assert_eq!(granted, ["GroupMember.Read.All", "User.Read"]);
        assert!(offline);
        let (granted, offline) = granted_scopes("User.Read Mail.Send", &consented);
        assert_eq!(granted, ["User.Read"]);
        assert!(!offline);
    }
}
