//! Permissions and roles per call: app permissions for app-only tokens, scopes plus the
//! signed-in user's directory role for delegated ones; each 403 names what is missing.

mod common;

use common::credential::Maker;
use common::{message, within, Api};
use keydesk_sim::SimConfig;
use reqwest::StatusCode;
use serde_json::json;

fn denied(status: StatusCode, body: &serde_json::Value, needle: &str) {
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"]["code"], "Authorization_RequestDenied");
    assert!(message(body).contains(needle), "{needle} not in {body}");
}

#[tokio::test]
async fn app_without_passkey_permissions_is_told_which_one_each_call_needs() {
    within(async {
        let api = Api::start(SimConfig {
            app_permissions: vec!["GroupMember.Read.All".into(), "User.Read.All".into()],
            ..SimConfig::default()
        })
        .await;
        let (user, _) = api.two_members().await;
        let fido = format!("/v1.0/users/{user}/authentication/fido2Methods");
        let (s, b) = api.get(&format!("{fido}/creationOptions")).await;
        denied(s, &b, "application permission UserAuthMethod-Passkey.ReadWrite.All");
        let (s, b) = api.post(&fido, &json!({})).await;
        denied(s, &b, "UserAuthMethod-Passkey.ReadWrite.All");
        let (s, b) = api.get(&fido).await;
        denied(s, &b, "UserAuthMethod-Passkey.Read.All");
        let response = api
            .http
            .delete(api.url(&format!("{fido}/abc0")))
            .bearer_auth(&api.token)
            .send()
            .await
            .unwrap();
        let (s, b) = common::read(response).await;
        denied(s, &b, "UserAuthenticationMethod.ReadWrite.All");
        let (s, b) = api
            .get("/v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/fido2")
            .await;
        denied(s, &b, "Policy.Read.AuthenticationMethod");
        let (s, b) = api
            .post(&format!("/v1.0/users/{user}/authentication/temporaryAccessPassMethods"), &json!({}))
            .await;
        denied(s, &b, "UserAuthMethod-TAP.ReadWrite.All");
        assert_eq!(api.get("/v1.0/groups").await.0, StatusCode::OK);
        assert_eq!(api.get(&format!("/v1.0/users/{user}")).await.0, StatusCode::OK);
    })
    .await;
}

#[tokio::test]
async fn app_without_group_permission_cannot_list_members() {
    within(async {
        let api = Api::start(SimConfig {
            app_permissions: vec!["UserAuthMethod-Passkey.ReadWrite.All".into()],
            ..SimConfig::default()
        })
        .await;
        let (s, b) = api
            .get("/v1.0/groups?$filter=displayName eq 'FIDO Provisioning'")
            .await;
        denied(s, &b, "GroupMember.Read.All");
        let (s, b) = api.get("/v1.0/me").await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert!(message(&b).contains("delegated authentication flow"), "{b}");
    })
    .await;
}

#[tokio::test]
async fn delegated_admin_provisions_others_but_not_themself() {
    within(async {
        let api = Api::start_delegated(SimConfig::default()).await;
        let (user, _) = api.two_members().await;
        let (status, options) = api
            .get(&format!(
                "/beta/users/{user}/authentication/fido2Methods/creationOptions"
            ))
            .await;
        assert_eq!(status, StatusCode::OK, "{options}");
        let challenge = options["publicKey"]["challenge"].as_str().unwrap();
        let (status, body) = api
            .post(
                &format!("/beta/users/{user}/authentication/fido2Methods"),
                &Maker::new().body(challenge),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let (_, me) = api.get("/v1.0/me").await;
        let me = me["id"].as_str().unwrap();
        let (status, body) = api
            .get(&format!(
                "/v1.0/users/{me}/authentication/fido2Methods/creationOptions"
            ))
            .await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(body["error"]["code"], "methodNotAllowed");
    })
    .await;
}

#[tokio::test]
async fn delegated_operator_without_role_is_refused_with_the_role_named() {
    within(async {
        let api = Api::start_delegated(SimConfig {
            operator_roles: Vec::new(),
            ..SimConfig::default()
        })
        .await;
        let (user, _) = api.two_members().await;
        assert_eq!(api.get("/v1.0/me").await.0, StatusCode::OK);
        assert_eq!(api.get("/v1.0/groups").await.0, StatusCode::OK);
        let (s, b) = api
            .get(&format!(
                "/v1.0/users/{user}/authentication/fido2Methods/creationOptions"
            ))
            .await;
        denied(s, &b, "Authentication Administrator");
        let (s, b) = api
            .get(&format!("/v1.0/users/{user}/authentication/fido2Methods"))
            .await;
        denied(s, &b, "Privileged Authentication Administrator");
    })
    .await;
}

#[tokio::test]
async fn delegated_token_carries_only_the_scopes_asked_for() {
    within(async {
        let sim = keydesk_sim::Sim::start(SimConfig::default()).await.unwrap();
        let narrow = common::delegated_token(&sim, "GroupMember.Read.All").await;
        let response = reqwest::Client::new()
            .get(format!("{}/v1.0/me", sim.base_url()))
            .bearer_auth(narrow["access_token"].as_str().unwrap())
            .send()
            .await
            .unwrap();
        let (s, b) = common::read(response).await;
        denied(s, &b, "delegated permission User.Read");
        let body = common::delegated_token(&sim, "User.Read openid").await;
        assert_eq!(body["scope"], "User.Read");
        let token = body["access_token"].as_str().unwrap();
        let response = reqwest::Client::new()
            .get(format!("{}/v1.0/groups", sim.base_url()))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        let (s, b) = common::read(response).await;
        denied(s, &b, "delegated permission GroupMember.Read.All");
    })
    .await;
}
