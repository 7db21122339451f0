//! creationOptions and passkey registration, accepted and refused.

mod common;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use common::credential::{Maker, AT, UP};
use common::{message, within, Api};
use keydesk_sim::SimConfig;
use reqwest::StatusCode;
use serde_json::Value;
async fn options(api: &Api, version: &str, user: &str) -> Value {
    let (status, body) = api
        .get(&format!(
            "/{version}/users/{user}/authentication/fido2Methods/creationOptions"
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

fn challenge(options: &Value) -> String {
    options["publicKey"]["challenge"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn register(api: &Api, user: &str, body: &Value) -> (StatusCode, Value) {
    api.post(
        &format!("/v1.0/users/{user}/authentication/fido2Methods"),
        body,
    )
    .await
}

#[tokio::test]
async fn creation_options_have_entras_shape_at_top_level() {
    within(async {
        let api = Api::start(SimConfig::default()).await;
        let (user, _) = api.two_members().await;
        let body = options(&api, "v1.0", &user).await;
        assert!(body.get("value").is_none());
        assert!(body["challengeTimeoutDateTime"]
            .as_str()
            .unwrap()
            .ends_with('Z'));
        assert_eq!(body["challengeTimeoutDateTime"].as_str().unwrap().len(), 20);
        let pk = &body["publicKey"];
        assert_eq!(pk["attestation"], "direct");
        assert_eq!(
            pk["rp"],
            serde_json::json!({"id": "login.microsoft.com", "name": "Microsoft"})
        );
        let handle = URL_SAFE_NO_PAD
            .decode(pk["user"]["id"].as_str().unwrap())
            .unwrap();
        assert_eq!(handle.len(), 51, "real user handles are 51 bytes");
        assert!(pk["user"]["name"].as_str().unwrap().contains('@'));
        let algs: Vec<i64> = pk["pubKeyCredParams"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["alg"].as_i64().unwrap())
            .collect();
        assert_eq!(algs, [-7, -257]);
        assert_eq!(pk["excludeCredentials"].as_array().unwrap().len(), 0);
        assert_eq!(
            pk["authenticatorSelection"]["authenticatorAttachment"],
            "cross-platform"
        );
        assert_eq!(pk["authenticatorSelection"]["requireResidentKey"], true);
        assert_eq!(pk["authenticatorSelection"]["userVerification"], "required");
        assert_eq!(pk["extensions"]["hmacCreateSecret"], true);
        assert_eq!(pk["extensions"]["enforceCredentialProtectionPolicy"], true);
        assert_eq!(
            pk["extensions"]["credentialProtectionPolicy"],
            "userVerificationOptional"
        );
        // Entra's challenges are opaque blobs of several kilobytes, not 32-byte nonces: a
        // client that caps or parses them fails here first, not on its first real tenant.
        assert!(pk["challenge"].as_str().unwrap().len() >= 4000);
        // The handle is stable per user; the challenge is not.
        let again = options(&api, "v1.0", &user).await;
        assert_eq!(again["publicKey"]["user"]["id"], pk["user"]["id"]);
        assert_ne!(again["publicKey"]["challenge"], pk["challenge"]);
    })
    .await;
}

#[tokio::test]
async fn challenge_timeout_forms_per_version() {
    within(async {
        let api = Api::start(SimConfig {
            guests: 1,
            disabled: 1,
            ..SimConfig::default()
        })
        .await;
        let (user, _) = api.two_members().await;
        let base = "/authentication/fido2Methods/creationOptions";
        let (status, body) = api
            .get(&format!(
                "/beta/users/{user}{base}(challengeTimeoutInMinutes=60)"
            ))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, body) = api
            .get(&format!(
                "/beta/users/{user}{base}(challengeTimeoutInMinutes=4)"
            ))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(message(&body).contains("between 5 and 43200"));
        let (status, body) = api
            .get(&format!(
                "/v1.0/users/{user}{base}(challengeTimeoutInMinutes=60)"
            ))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(message(&body).contains("v1.0"));
        let (status, body) = api
            .get(&format!(
                "/beta/users/{user}{base}?challengeTimeoutInMinutes=60"
            ))
            .await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(body["error"]["code"], "methodNotAllowed");

        let state = api.state().await;
        let users = state["users"].as_array().unwrap();
        let guest = users.iter().find(|u| u["userType"] == "Guest").unwrap();
        let (status, body) = api
            .get(&format!(
                "/v1.0/users/{}{base}",
                guest["id"].as_str().unwrap()
            ))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(message(&body).contains("guest"));
        let disabled = users.iter().find(|u| u["accountEnabled"] == false).unwrap();
        let (status, body) = api
            .get(&format!(
                "/v1.0/users/{}{base}",
                disabled["id"].as_str().unwrap()
            ))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(message(&body).contains("disabled"));
    })
    .await;
}

#[tokio::test]
async fn valid_packed_self_attestation_registers_and_is_then_excluded() {
    within(async {
        let api = Api::start(SimConfig::default()).await;
        let (user, _) = api.two_members().await;
        let maker = Maker::new();
        let opts = options(&api, "v1.0", &user).await;
        let (status, method) = register(&api, &user, &maker.body(&challenge(&opts))).await;
        assert_eq!(status, StatusCode::CREATED, "{method}");
        assert_eq!(method["displayName"], "YubiKey 5 NFC 31245678");
        assert_eq!(method["aaGuid"], "cb69481e-8ff7-4039-93ec-0a2729a154a8");
        assert_eq!(method["model"], "YubiKey 5 Series");
        assert_eq!(method["attestationLevel"], "notAttested");
        assert_eq!(method["attestationCertificates"], serde_json::json!([]));
        let method_id = method["id"].as_str().unwrap();
        assert!(method_id.ends_with(['0', '1', '2']));

        let (_, list) = api
            .get(&format!("/v1.0/users/{user}/authentication/fido2Methods"))
            .await;
        assert_eq!(list["value"][0]["id"], method_id);

        // The next creationOptions exclude the new credential: in padding-digit form on
        // beta, plain base64url on v1.0.
        let next = options(&api, "beta", &user).await;
        let exclude = next["publicKey"]["excludeCredentials"].as_array().unwrap();
        assert_eq!(exclude.len(), 1);
        // 32 bytes encode to 43 characters plus one dropped '=': suffix "1".
        let expected = format!("{}1", URL_SAFE_NO_PAD.encode(&maker.credential_id));
        assert_eq!(exclude[0]["id"], expected);
        assert_eq!(exclude[0]["type"], "public-key");
        let v1 = options(&api, "v1.0", &user).await;
        assert_eq!(
            v1["publicKey"]["excludeCredentials"][0]["id"],
            URL_SAFE_NO_PAD.encode(&maker.credential_id)
        );

        // A challenge beta issued is not registered through v1.0.
        let (status, body) = register(&api, &user, &maker.body(&challenge(&next))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(
            message(&body).contains("issued by the beta endpoint"),
            "{body}"
        );

        // Registering the same credential again is refused.
        let (status, body) = register(&api, &user, &maker.body(&challenge(&v1))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(
            message(&body).contains("already registered for the user"),
            "{body}"
        );

        let state = api.state().await;
        assert_eq!(state["counters"]["registrations"], 1);
        assert_eq!(state["counters"]["rejectedRegistrations"], 2);
        let stored = state["users"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["id"] == user)
            .unwrap();
        assert_eq!(
            stored["passkeys"][0]["credentialId"],
            URL_SAFE_NO_PAD.encode(&maker.credential_id)
        );

        let (status, _) = api
            .http
            .delete(api.url(&format!(
                "/beta/users/{user}/authentication/fido2Methods/{method_id}"
            )))
            .bearer_auth(&api.token)
            .send()
            .await
            .map(|r| (r.status(), ()))
            .unwrap();
        assert_eq!(status, StatusCode::NO_CONTENT);
    })
    .await;
}

/// Asserts a registration is refused with a message containing `needle`.
async fn refused(api: &Api, user: &str, body: &Value, needle: &str) {
    let (status, response) = register(api, user, body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{response}");
    assert!(
        message(&response).contains(needle),
        "expected '{needle}' in {response}"
    );
}

#[tokio::test]
async fn refusals_each_have_their_own_message() {
    within(async {
        let api = Api::start(SimConfig::default()).await;
        let (user, other) = api.two_members().await;

        let mut wrong_origin = Maker::new();
        wrong_origin.origin = "https://evil.example".to_owned();
        let c = challenge(&options(&api, "v1.0", &user).await);
        refused(&api, &user, &wrong_origin.body(&c), "clientDataJSON.origin").await;

        let mut wrong_type = Maker::new();
        wrong_type.kind = "webauthn.get".to_owned();
        refused(&api, &user, &wrong_type.body(&c), "webauthn.create").await;

        let c_other = challenge(&options(&api, "v1.0", &other).await);
        refused(&api, &user, &Maker::new().body(&c_other), "different user").await;

        let mut bad_sig = Maker::new();
        bad_sig.bad_signature = true;
        refused(&api, &user, &bad_sig.body(&c), "signature does not verify").await;

        let mut no_uv = Maker::new();
        no_uv.flags = UP | AT;
        refused(&api, &user, &no_uv.body(&c), "user verification (UV)").await;

        let mut wrong_rp = Maker::new();
        wrong_rp.rp_id = "login.microsoftonline.com".to_owned();
        refused(&api, &user, &wrong_rp.body(&c), "rpIdHash").await;

        let mut wrong_id = Maker::new();
        wrong_id.body_id = Some(vec![1, 2, 3]);
        refused(
            &api,
            &user,
            &wrong_id.body(&c),
            "publicKeyCredential.id does not match",
        )
        .await;

        refused(
            &api,
            &user,
            &Maker::new().body("bm90LWEtY2hhbGxlbmdl"),
            "unknown",
        )
        .await;
        refused(
            &api,
            &user,
            &serde_json::json!({"displayName": "x"}),
            "Malformed request body",
        )
        .await;

        // Failed attempts do not spend the challenge; a success does.
        let (status, body) = register(&api, &user, &Maker::new().body(&c)).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        refused(&api, &user, &Maker::new().body(&c), "already been used").await;

        // Expiry follows the simulated clock.
        let c = challenge(&options(&api, "v1.0", &user).await);
        api.advance_clock(301).await;
        refused(&api, &user, &Maker::new().body(&c), "expired").await;
    })
    .await;
}

#[tokio::test]
async fn unknown_user_and_segment_are_graph_errors() {
    within(async {
        let api = Api::start(SimConfig::default()).await;
        let (status, body) = api
            .get("/v1.0/users/nobody@contoso.onmicrosoft.com/authentication/fido2Methods")
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(body["error"]["code"], "Request_ResourceNotFound");
        let (status, body) = api.get("/v1.0/nothing/here").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(body["error"]["innerError"]["request-id"].is_string());
    })
    .await;
}
