//! Delegated sign-in: authorization code + PKCE on the simulated sign-in page, device code,
//! refresh tokens; and what a delegated token may do.

mod common;

use common::{authorize, delegated_token, message, pkce, read, token_url, within, Api};
use keydesk_sim::{Sim, SimConfig};
use reqwest::StatusCode;
use serde_json::Value;

async fn token(sim: &Sim, form: &[(&str, &str)]) -> (StatusCode, Value) {
    read(
        reqwest::Client::new()
            .post(token_url(sim))
            .form(form)
            .send()
            .await
            .unwrap(),
    )
    .await
}

fn pair<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    &pairs.iter().find(|(k, _)| k == name).unwrap().1
}

#[tokio::test]
async fn code_with_pkce_signs_in_the_operator_once() {
    within(async {
        let sim = Sim::start(SimConfig::default()).await.unwrap();
        let client = sim.config().client_id.clone();
        let (verifier, challenge) = pkce();
        let pairs = authorize(&sim, &challenge, "https://graph.microsoft.com/.default").await;
        assert_eq!(pair(&pairs, "state"), "st4te");
        let code = pair(&pairs, "code").to_owned();
        let form = |verifier: &str| {
            vec![
                ("grant_type", "authorization_code".to_owned()),
                ("client_id", client.clone()),
                ("code", code.clone()),
                ("redirect_uri", "http://localhost:53682/".to_owned()),
                ("code_verifier", verifier.to_owned()),
            ]
        };
        let send = |f: Vec<(&'static str, String)>| {
            let sim = &sim;
            async move {
                let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
                token(sim, &f).await
            }
        };
        let (status, body) = send(form("not-the-verifier")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["error_codes"][0], 501481, "{body}");
        let (status, body) = send(form(&verifier)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(
            body["refresh_token"].is_null(),
            "no offline_access, no refresh token"
        );
        let access = body["access_token"].as_str().unwrap().to_owned();
        let (status, body) = send(form(&verifier)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["error_codes"][0], 54005, "code is single use: {body}");

        let me = reqwest::Client::new()
            .get(format!("{}/v1.0/me", sim.base_url()))
            .bearer_auth(&access)
            .send()
            .await
            .unwrap();
        let (status, me) = read(me).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            me["userPrincipalName"],
            "keydesk.admin@contoso.onmicrosoft.com"
        );
    })
    .await;
}

#[tokio::test]
async fn authorize_refuses_foreign_redirects_and_missing_pkce() {
    within(async {
        let sim = Sim::start(SimConfig::default()).await.unwrap();
        let http = common::no_redirects();
        let url = format!(
            "{}/{}/oauth2/v2.0/authorize",
            sim.base_url(),
            sim.config().tenant
        );
        let client = sim.config().client_id.clone();
        let page = http
            .get(&url)
            .query(&[
                ("client_id", client.as_str()),
                ("response_type", "code"),
                ("redirect_uri", "https://evil.example/cb"),
                ("scope", "User.Read"),
                ("code_challenge", "x"),
                ("code_challenge_method", "S256"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::BAD_REQUEST);
        assert!(page.text().await.unwrap().contains("AADSTS50011"));
        let page = http
            .get(&url)
            .query(&[
                ("client_id", client.as_str()),
                ("response_type", "code"),
                ("redirect_uri", "http://127.0.0.1:4000"),
                ("scope", "User.Read"),
                ("state", "s"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::FOUND);
        let location = page.headers()["location"].to_str().unwrap();
        assert!(
            location.contains("error=invalid_request") && location.contains("PKCE"),
            "{location}"
        );
        assert!(location.contains("state=s"));
    })
    .await;
}

#[tokio::test]
async fn device_code_is_pending_until_approved_then_expires_if_not() {
    within(async {
        let sim = Sim::start(SimConfig::default()).await.unwrap();
        let client = sim.config().client_id.clone();
        let start = |sim: &Sim| {
            let url = format!(
                "{}/{}/oauth2/v2.0/devicecode",
                sim.base_url(),
                sim.config().tenant
            );
            let client = client.clone();
            async move {
                let response = reqwest::Client::new()
                    .post(url)
                    .form(&[
                        ("client_id", client.as_str()),
                        (
                            "scope",
                            "https://graph.microsoft.com/.default offline_access",
                        ),
                    ])
                    .send()
                    .await
                    .unwrap();
                read(response).await.1
            }
        };
        let flow = start(&sim).await;
        let device = flow["device_code"].as_str().unwrap().to_owned();
        let poll = [
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("client_id", client.as_str()),
            ("device_code", device.as_str()),
        ];
        let (status, body) = token(&sim, &poll).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["error"], "authorization_pending");

        let page = flow["verification_uri"].as_str().unwrap().to_owned();
        assert!(reqwest::get(&page)
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
            .contains("user_code"));
        let approved = reqwest::Client::new()
            .post(&page)
            .form(&[("user_code", flow["user_code"].as_str().unwrap())])
            .send()
            .await
            .unwrap();
        assert_eq!(approved.status(), StatusCode::OK);
        let (status, body) = token(&sim, &poll).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body["refresh_token"].is_string());

        let late = start(&sim).await;
        let late_device = late["device_code"].as_str().unwrap().to_owned();
        reqwest::Client::new()
            .post(format!("{}/_sim/clock", sim.base_url()))
            .json(&serde_json::json!({"advanceSeconds": 901}))
            .send()
            .await
            .unwrap();
        let (status, body) = token(
            &sim,
            &[
                ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
                ("client_id", client.as_str()),
                ("device_code", late_device.as_str()),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["error"], "expired_token");
    })
    .await;
}

#[tokio::test]
async fn refresh_token_outlives_the_access_token() {
    within(async {
        let api = Api::start_delegated(SimConfig::default()).await;
        let body = delegated_token(
            &api.sim,
            "https://graph.microsoft.com/.default offline_access",
        )
        .await;
        let refresh = body["refresh_token"].as_str().unwrap().to_owned();
        api.advance_clock(3601).await;
        let (status, reply) = api.get("/v1.0/me").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(message(&reply).contains("expired"));
        let client = api.sim.config().client_id.clone();
        let (status, body) = token(
            &api.sim,
            &[
                ("grant_type", "refresh_token"),
                ("client_id", &client),
                ("refresh_token", &refresh),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let fresh = body["access_token"].as_str().unwrap();
        let response = api
            .http
            .get(api.url("/v1.0/me"))
            .bearer_auth(fresh)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let (status, body) = token(
            &api.sim,
            &[
                ("grant_type", "refresh_token"),
                ("client_id", &client),
                ("refresh_token", "nope"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["error"], "invalid_grant");
    })
    .await;
}
