//! Shared test helpers: start a tenant, get a token, call Graph over real HTTP.

#![allow(dead_code)]

pub mod credential;

use std::future::Future;
use std::time::Duration;

use keydesk_sim::{Sim, SimConfig};
use reqwest::{Response, StatusCode};
use serde_json::Value;

/// Runs a test body with a deadline so a hung server fails the test instead of the suite.
pub async fn within<F: Future<Output = ()>>(body: F) {
    tokio::time::timeout(Duration::from_secs(30), body)
        .await
        .expect("test timed out");
}

/// A started tenant plus an HTTP client holding an access token.
pub struct Api {
    pub sim: Sim,
    pub http: reqwest::Client,
    pub token: String,
}

impl Api {
    pub async fn start(config: SimConfig) -> Api {
        let sim = Sim::start(config).await.expect("sim starts");
        let http = reqwest::Client::new();
        let response = request_token(&http, &sim, &sim.config().client_secret).await;
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.unwrap();
        let token = body["access_token"].as_str().unwrap().to_owned();
        Api { sim, http, token }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.sim.base_url())
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        let response = self
            .http
            .get(self.url(path))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap();
        read(response).await
    }

    pub async fn get_url(&self, url: &str) -> (StatusCode, Value) {
        let response = self
            .http
            .get(url)
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap();
        read(response).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        let response = self
            .http
            .post(self.url(path))
            .bearer_auth(&self.token)
            .json(body)
            .send()
            .await
            .unwrap();
        read(response).await
    }

    /// `/_sim/state`.
    pub async fn state(&self) -> Value {
        self.http
            .get(self.url("/_sim/state"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    pub async fn advance_clock(&self, seconds: u64) {
        let response = self
            .http
            .post(self.url("/_sim/clock"))
            .json(&serde_json::json!({ "advanceSeconds": seconds }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }

    /// The object id of the first enabled member user and of another one.
    pub async fn two_members(&self) -> (String, String) {
        let state = self.state().await;
        let ids: Vec<String> = state["users"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|u| u["userType"] == "Member" && u["accountEnabled"] == true)
            .map(|u| u["id"].as_str().unwrap().to_owned())
            .take(2)
            .collect();
        (ids[0].clone(), ids[1].clone())
    }
}

pub async fn request_token(http: &reqwest::Client, sim: &Sim, secret: &str) -> Response {
    let config = sim.config();
    http.post(format!(
        "{}/{}/oauth2/v2.0/token",
        sim.base_url(),
        config.tenant
    ))
    .form(&[
        ("grant_type", "client_credentials"),
        ("client_id", config.client_id.as_str()),
        ("client_secret", secret),
        ("scope", &format!("{}/.default", sim.base_url())),
    ])
    .send()
    .await
    .unwrap()
}

pub async fn read(response: Response) -> (StatusCode, Value) {
    let status = response.status();
    let text = response.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    (status, body)
}

/// The Graph error message of a response body.
pub fn message(body: &Value) -> &str {
    body["error"]["message"].as_str().unwrap_or_default()
}
