//! The token endpoint and bearer checks on Graph.

mod common;

use std::time::{Duration, Instant};

use common::{message, read, request_token, within, Api};
use keydesk_sim::{Sim, SimConfig};
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test]
async fn good_secret_gets_a_bearer_token() {
    within(async {
        let sim = Sim::start(SimConfig::default()).await.unwrap();
        let http = reqwest::Client::new();
        let (status, body) = read(request_token(&http, &sim, "keydesk-demo-secret").await).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["token_type"], "Bearer");
        assert_eq!(body["expires_in"], 3600);
        assert_eq!(body["ext_expires_in"], 3600);
        assert!(body["access_token"].as_str().unwrap().len() > 20);
        sim.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn bad_secret_is_aadsts7000215() {
    within(async {
        let sim = Sim::start(SimConfig::default()).await.unwrap();
        let http = reqwest::Client::new();
        let (status, body) = read(request_token(&http, &sim, "wrong").await).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body["error"], "invalid_client");
        assert_eq!(body["error_codes"][0], 7000215);
        assert!(body["error_description"]
            .as_str()
            .unwrap()
            .starts_with("AADSTS7000215: "));
        assert!(body["trace_id"].is_string() && body["correlation_id"].is_string());
    })
    .await;
}

#[tokio::test]
async fn unknown_client_tenant_grant_and_scope_are_refused() {
    within(async {
        let sim = Sim::start(SimConfig::default()).await.unwrap();
        let http = reqwest::Client::new();
        let base = sim.base_url();
        let post = |tenant: &str, form: Vec<(&'static str, String)>| {
            let request = http
                .post(format!("{base}/{tenant}/oauth2/v2.0/token"))
                .form(&form);
            async move { read(request.send().await.unwrap()).await }
        };
        let good = |grant: &str, client: &str, scope: &str| {
            vec![
                ("grant_type", grant.to_owned()),
                ("client_id", client.to_owned()),
                ("client_secret", "keydesk-demo-secret".to_owned()),
                ("scope", scope.to_owned()),
            ]
        };
        let client = sim.config().client_id.clone();
        let scope = format!("{base}/.default");

        let (status, body) = post(
            "fabrikam.onmicrosoft.com",
            good("client_credentials", &client, &scope),
        )
        .await;
        assert_eq!(
            (status, body["error_codes"][0].clone()),
            (StatusCode::BAD_REQUEST, Value::from(90002))
        );

        let (status, body) = post(
            "contoso.onmicrosoft.com",
            good(
                "client_credentials",
                "11111111-1111-1111-1111-111111111111",
                &scope,
            ),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["error"], "unauthorized_client");
        assert_eq!(body["error_codes"][0], 700016);

        let (status, body) =
            post("contoso.onmicrosoft.com", good("password", &client, &scope)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["error"], "unsupported_grant_type");

        let (status, body) = post(
            "contoso.onmicrosoft.com",
            good("client_credentials", &client, "User.Read"),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["error"], "invalid_scope");

        // The tenant id GUID works as well as the domain name.
        let state: Value = http
            .get(format!("{base}/_sim/state"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let tenant_id = state["tenantId"].as_str().unwrap().to_owned();
        let (status, _) = post(&tenant_id, good("client_credentials", &client, &scope)).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(state["counters"]["tokenRequests"], 4);
    })
    .await;
}

#[tokio::test]
async fn graph_without_bearer_prefix_is_401_with_envelope_and_ids() {
    within(async {
        let api = Api::start(SimConfig::default()).await;
        let response = api
            .http
            .get(api.url("/v1.0/groups"))
            .header("Authorization", api.token.clone())
            .header("client-request-id", "5d4f7c1e-0000-4000-8000-000000000001")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert!(response.headers().contains_key("request-id"));
        assert_eq!(
            response.headers()["client-request-id"],
            "5d4f7c1e-0000-4000-8000-000000000001"
        );
        let (_, body) = read(response).await;
        assert_eq!(body["error"]["code"], "InvalidAuthenticationToken");
        assert!(message(&body).contains("Bearer"));
        let inner = &body["error"]["innerError"];
        assert_eq!(
            inner["client-request-id"],
            "5d4f7c1e-0000-4000-8000-000000000001"
        );
        assert!(inner["request-id"].is_string() && inner["date"].is_string());

        let (status, _) = api.get("/v1.0/groups").await;
        assert_eq!(status, StatusCode::OK);
    })
    .await;
}

#[tokio::test]
async fn token_expires_on_the_simulated_clock() {
    within(async {
        let api = Api::start(SimConfig::default()).await;
        api.advance_clock(3601).await;
        let (status, body) = api.get("/beta/groups").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(message(&body).contains("expired"));
    })
    .await;
}

#[tokio::test]
async fn latency_is_added_to_graph_responses() {
    within(async {
        let api = Api::start(SimConfig {
            latency: Duration::from_millis(150),
            ..SimConfig::default()
        })
        .await;
        let started = Instant::now();
        let (status, _) = api.get("/v1.0/groups").await;
        assert_eq!(status, StatusCode::OK);
        assert!(started.elapsed() >= Duration::from_millis(150));
    })
    .await;
}
