//! Every fault knob produces the fault it names, and only that one.

mod common;

use std::time::{Duration, Instant};

use common::credential::Maker;
use common::passkeys::fido2_path;
use common::{message, within, Api};
use keydesk_sim::{Faults, SimConfig};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn set_faults(api: &Api, knobs: Value) -> StatusCode {
    api.http
        .post(api.url("/_sim/faults"))
        .json(&knobs)
        .send()
        .await
        .unwrap()
        .status()
}

async fn counter(api: &Api, name: &str) -> u64 {
    api.state().await["counters"][name].as_u64().unwrap()
}

fn tap_path(user: &str) -> String {
    format!("/v1.0/users/{user}/authentication/temporaryAccessPassMethods")
}

async fn has_tap(api: &Api, user: &str) -> bool {
    api.state().await["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == user)
        .unwrap()["hasTemporaryAccessPass"]
        == true
}

#[tokio::test]
async fn every_third_graph_request_is_429_with_retry_after_and_tokens_do_not_count() {
    within(async {
        let api = Api::with_faults(Faults {
            throttle_every: 3,
            ..Faults::default()
        })
        .await;
        let mut throttled = Vec::new();
        for i in 0..6 {
            if i == 1 {
                // A token request in between must not shift the count.
                common::request_token(&api.http, &api.sim, "keydesk-demo-secret").await;
            }
            let response = api
                .http
                .get(api.url("/v1.0/groups"))
                .bearer_auth(&api.token)
                .send()
                .await
                .unwrap();
            if response.status() == StatusCode::TOO_MANY_REQUESTS {
                throttled.push(i);
                assert_eq!(response.headers()["retry-after"], "1");
                assert!(response.headers().contains_key("x-ms-throttle-scope"));
                let (_, body) = common::read(response).await;
                assert_eq!(body["error"]["code"], "TooManyRequests");
                assert!(body["error"]["innerError"]["request-id"].is_string());
            }
        }
        assert_eq!(throttled, [2, 5]);
        let (status, _) = api.get("/v1.0/groups").await;
        assert_eq!(status, StatusCode::OK, "7th request passes");
        assert_eq!(counter(&api, "throttled").await, 2);
    })
    .await;
}

#[tokio::test]
async fn a_503_comes_before_the_write() {
    within(async {
        let api = Api::start(SimConfig::default()).await;
        let (user, _) = api.two_members().await;
        assert_eq!(
            set_faults(&api, json!({"failEvery": 1})).await,
            StatusCode::OK
        );
        let (status, body) = api.post(&tap_path(&user), &json!({})).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(body["error"]["code"], "serviceNotAvailable");
        assert!(!has_tap(&api, &user).await, "no state change on 503");
        assert_eq!(set_faults(&api, json!({})).await, StatusCode::OK);
        let (status, _) = api.post(&tap_path(&user), &json!({})).await;
        assert_eq!(status, StatusCode::CREATED);
        assert_eq!(counter(&api, "unavailable").await, 1);
    })
    .await;
}

#[tokio::test]
async fn a_lost_response_still_makes_the_write() {
    within(async {
        let api = Api::start(SimConfig::default()).await;
        let (first, second) = api.two_members().await;
        assert_eq!(
            set_faults(&api, json!({"loseResponsesEvery": 2})).await,
            StatusCode::OK
        );
        // Reads do not count towards "every 2nd write".
        assert_eq!(api.get("/v1.0/groups").await.0, StatusCode::OK);
        let (status, _) = api.post(&tap_path(&first), &json!({})).await;
        assert_eq!(status, StatusCode::CREATED);
        let lost = api
            .http
            .post(api.url(&tap_path(&second)))
            .bearer_auth(&api.token)
            .json(&json!({}))
            .send()
            .await;
        let error = lost.expect_err("the response is dropped");
        assert!(!error.is_status() && !error.is_timeout(), "{error:?}");
        assert!(has_tap(&api, &second).await, "the write happened");
        assert_eq!(counter(&api, "lostResponses").await, 1);
    })
    .await;
}

#[tokio::test]
async fn dropped_connections_happen_before_handling() {
    within(async {
        let api = Api::start(SimConfig::default()).await;
        let (user, _) = api.two_members().await;
        set_faults(&api, json!({"dropConnectionsEvery": 1})).await;
        let result = api
            .http
            .post(api.url(&tap_path(&user)))
            .bearer_auth(&api.token)
            .json(&json!({}))
            .send()
            .await;
        assert!(result.is_err());
        assert!(!has_tap(&api, &user).await);
        assert_eq!(counter(&api, "droppedConnections").await, 1);
    })
    .await;
}

#[tokio::test]
async fn malformed_json_is_a_truncated_read() {
    within(async {
        let api = Api::start(SimConfig::default()).await;
        set_faults(&api, json!({"malformedEvery": 2})).await;
        let ok = api.get("/v1.0/groups").await;
        assert!(ok.1.is_object());
        let response = api
            .http
            .get(api.url("/v1.0/groups"))
            .bearer_auth(&api.token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let text = response.text().await.unwrap();
        assert!(text.starts_with("{\"value\":["), "{text}");
        assert!(serde_json::from_str::<Value>(&text).is_err());
        assert_eq!(counter(&api, "malformed").await, 1);
    })
    .await;
}

#[tokio::test]
async fn probability_one_throttles_everything_and_bad_knobs_are_refused() {
    within(async {
        let api = Api::start(SimConfig::default()).await;
        set_faults(&api, json!({"throttleProbability": 1.0})).await;
        for _ in 0..3 {
            assert_eq!(
                api.get("/beta/groups").await.0,
                StatusCode::TOO_MANY_REQUESTS
            );
        }
        assert_eq!(
            set_faults(&api, json!({"throttleEvry": 2})).await,
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            set_faults(&api, json!({"failProbability": 2.0})).await,
            StatusCode::BAD_REQUEST
        );
        let knobs: Value = api
            .http
            .get(api.url("/_sim/faults"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(knobs["throttleProbability"], 1.0);
    })
    .await;
}

#[tokio::test]
async fn latency_distribution_stays_within_its_bounds() {
    within(async {
        let api = Api::start(SimConfig::default()).await;
        set_faults(&api, json!({"latencyMs": 40, "latencyJitterMs": 60})).await;
        for _ in 0..4 {
            let started = Instant::now();
            assert_eq!(api.get("/v1.0/groups").await.0, StatusCode::OK);
            let elapsed = started.elapsed();
            assert!(elapsed >= Duration::from_millis(40), "{elapsed:?}");
            assert!(elapsed < Duration::from_millis(1000), "{elapsed:?}");
        }
    })
    .await;
}

#[tokio::test]
async fn page_cap_set_at_run_time_overrides_top() {
    within(async {
        let api = Api::start(SimConfig::default()).await;
        set_faults(&api, json!({"pageSize": 4})).await;
        let (_, groups) = api
            .get("/v1.0/groups?$filter=displayName eq 'FIDO Provisioning'")
            .await;
        let id = groups["value"][0]["id"].as_str().unwrap().to_owned();
        let (status, page) = api
            .get(&format!(
                "/v1.0/groups/{id}/transitiveMembers/microsoft.graph.user?$top=999"
            ))
            .await;
        assert_eq!(status, StatusCode::OK, "{}", message(&page));
        assert_eq!(page["value"].as_array().unwrap().len(), 4);
        assert!(page["@odata.nextLink"].is_string());
    })
    .await;
}

#[tokio::test]
async fn a_lost_registration_is_listed_and_stored_under_its_credential_id() {
    within(async {
        let api = Api::with_faults(Faults {
            lose_responses_every: 1,
            ..Faults::default()
        })
        .await;
        let (user, _) = api.two_members().await;
        let (_, options) = api
            .get(&format!("{}/creationOptions", fido2_path(&user)))
            .await;
        let maker = Maker::new();
        let body = maker.body(options["publicKey"]["challenge"].as_str().unwrap());
        let lost = api
            .http
            .post(api.url(&fido2_path(&user)))
            .bearer_auth(&api.token)
            .json(&body)
            .send()
            .await;
        assert!(lost.is_err(), "the 201 never arrives");
        let (status, list) = api.get(&fido2_path(&user)).await;
        assert_eq!(status, StatusCode::OK);
        let methods = list["value"].as_array().unwrap();
        assert_eq!(methods.len(), 1, "the write happened: {list}");
        // The method id is opaque (unrelated to the credential id); the simulator's own
        // state links the two.
        use base64::Engine;
        let credential =
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&maker.credential_id);
        let stored = api.stored_passkeys(&user).await;
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0]["credentialId"], credential);
        assert_eq!(stored[0]["id"], methods[0]["id"]);
        assert_ne!(methods[0]["id"], format!("{credential}1"));
    })
    .await;
}

#[tokio::test]
async fn token_lifetime_set_at_run_time_applies_to_new_tokens() {
    within(async {
        let api = Api::start(SimConfig::default()).await;
        set_faults(&api, json!({"tokenTtlSeconds": 30})).await;
        let response = common::request_token(&api.http, &api.sim, "keydesk-demo-secret").await;
        let (_, body) = common::read(response).await;
        assert_eq!(body["expires_in"], 30);
        let short = body["access_token"].as_str().unwrap().to_owned();
        api.advance_clock(31).await;
        let response = api
            .http
            .get(api.url("/v1.0/groups"))
            .bearer_auth(&short)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(
            api.get("/v1.0/groups").await.0,
            StatusCode::OK,
            "older token keeps its hour"
        );
    })
    .await;
}
