//! The FIDO2 method policy: served, and enforced at creationOptions and at registration;
//! attestation formats none and packed with x5c.

mod common;

use common::credential::{random_key, Attestation, Maker};
use common::{message, within, Api};
use keydesk_sim::{Fido2Policy, SimConfig};
use reqwest::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

const POLICY: &str =
    "/v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/fido2";

async fn challenge(api: &Api, user: &str) -> String {
    let (status, body) = api
        .get(&format!(
            "/v1.0/users/{user}/authentication/fido2Methods/creationOptions"
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["publicKey"]["challenge"].as_str().unwrap().to_owned()
}

async fn register(api: &Api, user: &str, maker: &Maker) -> (StatusCode, Value) {
    let body = maker.body(&challenge(api, user).await);
    api.post(
        &format!("/v1.0/users/{user}/authentication/fido2Methods"),
        &body,
    )
    .await
}

async fn set_policy(api: &Api, policy: Value) {
    let response = api
        .http
        .post(api.url("/_sim/policy"))
        .json(&policy)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

fn aaguid(maker: &Maker) -> Uuid {
    Uuid::from_bytes(maker.aaguid)
}

#[tokio::test]
async fn policy_endpoint_shows_the_configured_policy() {
    within(async {
        let allowed = Uuid::from_bytes(common::credential::AAGUID);
        let api = Api::start(SimConfig {
            policy: Fido2Policy::allow(vec![allowed]),
            ..SimConfig::default()
        })
        .await;
        let (status, body) = api.get(POLICY).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["state"], "enabled");
        assert_eq!(body["isSelfServiceRegistrationAllowed"], true);
        assert_eq!(body["isAttestationEnforced"], false);
        assert_eq!(
            body["keyRestrictions"],
            json!({"isEnforced": true, "enforcementType": "allow", "aaGuids": [allowed]})
        );
        assert_eq!(
            api.get(&POLICY.replace("v1.0", "beta")).await.0,
            StatusCode::OK
        );
    })
    .await;
}

#[tokio::test]
async fn aaguid_outside_the_allow_list_is_refused_and_nothing_is_stored() {
    within(async {
        let api = Api::start(SimConfig::default()).await;
        let (user, _) = api.two_members().await;
        let maker = Maker::new();
        set_policy(&api, json!({"keyRestrictions": {"isEnforced": true, "enforcementType": "allow", "aaGuids": [Uuid::from_u128(7)]}})).await;
        let (status, body) = register(&api, &user, &maker).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(message(&body).contains("allow list"), "{body}");
        assert!(message(&body).contains(&aaguid(&maker).to_string()));
        set_policy(&api, json!({"keyRestrictions": {"isEnforced": true, "enforcementType": "allow", "aaGuids": [aaguid(&maker)]}})).await;
        let (status, body) = register(&api, &user, &maker).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    })
    .await;
}

#[tokio::test]
async fn blocked_aaguid_is_refused() {
    within(async {
        let maker = Maker::new();
        let api = Api::start(SimConfig {
            policy: Fido2Policy::block(vec![aaguid(&maker)]),
            ..SimConfig::default()
        })
        .await;
        let (user, _) = api.two_members().await;
        let (status, body) = register(&api, &user, &maker).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(message(&body).contains("blocked"), "{body}");
        let mut other = Maker::new();
        other.aaguid = [9; 16];
        assert_eq!(register(&api, &user, &other).await.0, StatusCode::CREATED);
    })
    .await;
}

#[tokio::test]
async fn self_service_off_or_method_disabled_refuses_creation_options() {
    within(async {
        let api = Api::start(SimConfig {
            policy: Fido2Policy {
                is_self_service_registration_allowed: false,
                ..Fido2Policy::default()
            },
            ..SimConfig::default()
        })
        .await;
        let (user, _) = api.two_members().await;
        let path = format!("/v1.0/users/{user}/authentication/fido2Methods/creationOptions");
        let (status, body) = api.get(&path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(
            message(&body).contains("isSelfServiceRegistrationAllowed"),
            "{body}"
        );
        set_policy(&api, json!({"enabled": false})).await;
        let (status, body) = api.get(&path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(message(&body).contains("disabled"), "{body}");
    })
    .await;
}

#[tokio::test]
async fn none_and_packed_x5c_attestations_are_accepted_and_labelled() {
    within(async {
        let api = Api::start(SimConfig::default()).await;
        let (user, _) = api.two_members().await;
        let mut none = Maker::new();
        none.attestation = Attestation::None;
        let (status, body) = register(&api, &user, &none).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["attestationLevel"], "notAttested");
        assert_eq!(body["attestationCertificates"], json!([]));

        let mut certified = Maker::new();
        certified.attestation = Attestation::Certified(random_key());
        let (status, body) = register(&api, &user, &certified).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["attestationLevel"], "attested");
        let thumbprints = body["attestationCertificates"].as_array().unwrap();
        assert_eq!(thumbprints.len(), 1);
        assert_eq!(thumbprints[0].as_str().unwrap().len(), 40);
    })
    .await;
}

#[tokio::test]
async fn enforced_attestation_refuses_self_and_none_but_takes_x5c() {
    within(async {
        let api = Api::start(SimConfig {
            policy: Fido2Policy {
                is_attestation_enforced: true,
                ..Fido2Policy::default()
            },
            ..SimConfig::default()
        })
        .await;
        let (user, _) = api.two_members().await;
        for attestation in [Attestation::SelfPacked, Attestation::None] {
            let mut maker = Maker::new();
            maker.attestation = attestation;
            let (status, body) = register(&api, &user, &maker).await;
            assert_eq!(status, StatusCode::BAD_REQUEST);
            assert!(message(&body).contains("isAttestationEnforced"), "{body}");
        }
        let mut certified = Maker::new();
        certified.attestation = Attestation::Certified(random_key());
        assert_eq!(
            register(&api, &user, &certified).await.0,
            StatusCode::CREATED
        );
    })
    .await;
}

#[tokio::test]
async fn guests_and_disabled_users_are_refused_at_registration_too() {
    within(async {
        let api = Api::start(SimConfig {
            guests: 1,
            disabled: 1,
            ..SimConfig::default()
        })
        .await;
        let state = api.state().await;
        let users = state["users"].as_array().unwrap();
        let guest = users.iter().find(|u| u["userType"] == "Guest").unwrap();
        let disabled = users.iter().find(|u| u["accountEnabled"] == false).unwrap();
        let (member, _) = api.two_members().await;
        let body = Maker::new().body(&challenge(&api, &member).await);
        for (user, needle) in [(guest, "guest"), (disabled, "disabled")] {
            let (status, reply) = api
                .post(
                    &format!(
                        "/v1.0/users/{}/authentication/fido2Methods",
                        user["id"].as_str().unwrap()
                    ),
                    &body,
                )
                .await;
            assert_eq!(status, StatusCode::BAD_REQUEST);
            assert!(message(&reply).contains(needle), "{reply}");
        }
    })
    .await;
}
