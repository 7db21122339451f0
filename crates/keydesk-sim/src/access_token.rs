//! Access tokens shaped like Entra's: a JWT (`header.payload.signature`, base64url) whose
//! payload carries what a Graph token does — `aud`, `iss`, `tid`, `appid`, times, and the
//! caller's `roles` (application permissions) or `scp` (delegated scopes) with `wids`
//! (directory role template ids) and the user's `oid`/`upn`.
//!
//! Clients must treat Graph tokens as opaque; the shape lets a client's *hint* (what the
//! token appears to carry) be tested against something realistic. The signature part is
//! random bytes: the simulator accepts a token by looking it up, never by verifying it.

use serde_json::{json, Value};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::b64;
use crate::perms::Caller;

/// Directory role template ids (the same in every tenant), by the names the simulator
/// uses for roles.
const ROLE_TEMPLATES: [(&str, &str); 5] = [
    (
        "Global Administrator",
        "62e90394-69f5-4237-9190-012177145e10",
    ),
    (
        "Authentication Administrator",
        "c4e39bd9-1100-46d3-8c65-fb160da0071f",
    ),
    (
        "Privileged Authentication Administrator",
        "7be44c8a-adaf-4e2a-84d6-ab2649e08a13",
    ),
    (
        "Authentication Policy Administrator",
        "0526716b-113d-4c15-b2c8-68e3c22b9f80",
    ),
    ("Global Reader", "f2ef992c-3afb-46b9-b7cf-a126ee74c451"),
];

/// Every member user's `wids` also lists this template ("member user").
const MEMBER_USER: &str = "b79fbf4d-3ef9-4689-8143-76b194e85509";

/// What the token is about, beyond the caller.
pub struct Issue<'a> {
    /// The tenant's id.
    pub tenant_id: Uuid,
    /// Issued at.
    pub now: OffsetDateTime,
    /// Expires at.
    pub expires: OffsetDateTime,
    /// The signed-in user's UPN, for delegated tokens.
    pub upn: Option<&'a str>,
}

/// A new access token for `caller`.
pub fn mint(caller: &Caller, issue: &Issue<'_>) -> String {
    let header = json!({ "typ": "JWT", "alg": "RS256", "kid": "keydesk-sim" });
    let mut claims = json!({
        "aud": "https://graph.microsoft.com",
        "iss": format!("https://sts.windows.net/{}/", issue.tenant_id),
        "tid": issue.tenant_id.to_string(),
        "iat": issue.now.unix_timestamp(),
        "nbf": issue.now.unix_timestamp(),
        "exp": issue.expires.unix_timestamp(),
        "uti": Uuid::new_v4().to_string(),
        "ver": "1.0",
    });
    match caller {
        Caller::App { client_id, roles } => {
            claims["appid"] = json!(client_id);
            claims["idtyp"] = json!("app");
            claims["roles"] = json!(roles);
        }
        Caller::User {
            client_id,
            user,
            scopes,
            directory_roles,
        } => {
            claims["appid"] = json!(client_id);
            claims["idtyp"] = json!("user");
            claims["oid"] = json!(user.to_string());
            claims["scp"] = json!(scopes.join(" "));
            claims["wids"] = json!(wids(directory_roles));
            if let Some(upn) = issue.upn {
                claims["upn"] = json!(upn);
            }
        }
    }
    let signature: [u8; 64] = rand::random();
    format!(
        "{}.{}.{}",
        part(&header),
        part(&claims),
        b64::encode(&signature)
    )
}

fn part(value: &Value) -> String {
    b64::encode(value.to_string().as_bytes())
}

fn wids(roles: &[String]) -> Vec<&'static str> {
    let mut ids: Vec<&'static str> = roles
        .iter()
        .filter_map(|r| ROLE_TEMPLATES.iter().find(|(name, _)| name == r))
        .map(|(_, id)| *id)
        .collect();
    ids.push(MEMBER_USER);
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payload(token: &str) -> Value {
        let part = token.split('.').nth(1).unwrap();
        let text = base64_decode(part);
        serde_json::from_slice(&text).unwrap()
    }

    fn base64_decode(text: &str) -> Vec<u8> {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(text)
            .unwrap()
    }

    fn issue() -> Issue<'static> {
        let now = OffsetDateTime::from_unix_timestamp(1_795_942_800).unwrap();
        Issue {
            tenant_id: Uuid::nil(),
            now,
            expires: now + time::Duration::hours(1),
            upn: Some("ops@contoso.onmicrosoft.com"),
        }
    }

    #[test]
    fn an_app_token_carries_its_roles() {
        let caller = Caller::App {
            client_id: "app".into(),
            roles: vec!["User.Read.All".into()],
        };
        let token = mint(&caller, &issue());
        assert_eq!(token.split('.').count(), 3);
        let claims = payload(&token);
        assert_eq!(claims["roles"], json!(["User.Read.All"]));
        assert_eq!(claims["aud"], "https://graph.microsoft.com");
        assert_eq!(claims["exp"].as_i64(), Some(1_795_946_400));
        assert!(claims.get("scp").is_none());
    }

    #[test]
    fn a_delegated_token_carries_scopes_and_role_template_ids() {
        let caller = Caller::User {
            client_id: "app".into(),
            user: Uuid::nil(),
            scopes: vec![
                "User.Read".into(),
                "Policy.Read.AuthenticationMethod".into(),
            ],
            directory_roles: vec!["Authentication Administrator".into()],
        };
        let claims = payload(&mint(&caller, &issue()));
        assert_eq!(claims["scp"], "User.Read Policy.Read.AuthenticationMethod");
        assert_eq!(
            claims["wids"],
            json!(["c4e39bd9-1100-46d3-8c65-fb160da0071f", MEMBER_USER])
        );
        assert_eq!(claims["upn"], "ops@contoso.onmicrosoft.com");
    }
}
