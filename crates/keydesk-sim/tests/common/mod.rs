//! Shared test helpers: start a tenant, get a token, call Graph over real HTTP.

#![allow(dead_code)]

pub mod credential;
pub mod der;
pub mod passkeys;

use keydesk_sim::{Faults, Sim, SimConfig};
use reqwest::{Response, StatusCode};
use serde_json::Value;

/// Runs a test body with a deadline so a hung server fails the test instead of the suite.
pub use keydesk_tests::within;

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

    /// A default tenant with `faults` set from the start.
    pub async fn with_faults(faults: Faults) -> Api {
        Api::start(SimConfig {
            faults,
            ..SimConfig::default()
        })
        .await
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

/// The token endpoint URL of a tenant.
pub fn token_url(sim: &Sim) -> String {
    format!(
        "{}/{}/oauth2/v2.0/token",
        sim.base_url(),
        sim.config().tenant
    )
}

/// A client that does not follow redirects (to read the authorize redirect).
pub fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// PKCE: a verifier and its S256 challenge.
pub fn pkce() -> (String, String) {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    use sha2::Digest;
    let verifier = URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>());
    let challenge = URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

/// Runs the authorize page as a browser would: GET the form, submit it, return the
/// redirect's query pairs.
pub async fn authorize(sim: &Sim, challenge: &str, scope: &str) -> Vec<(String, String)> {
    let http = no_redirects();
    let url = format!(
        "{}/{}/oauth2/v2.0/authorize",
        sim.base_url(),
        sim.config().tenant
    );
    let params = [
        ("client_id", sim.config().client_id.as_str()),
        ("response_type", "code"),
        ("redirect_uri", "http://localhost:53682/"),
        ("scope", scope),
        ("state", "st4te"),
        ("code_challenge", challenge),
        ("code_challenge_method", "S256"),
    ];
    let page = http.get(&url).query(&params).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("<form method=\"post\""), "{html}");
    let mut form: Vec<(&str, &str)> = params.to_vec();
    form.push(("action", "signin"));
    let submitted = http.post(&url).form(&form).send().await.unwrap();
    assert_eq!(submitted.status(), StatusCode::FOUND);
    let location = submitted.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with("http://localhost:53682/?"),
        "{location}"
    );
    url::Url::parse(&location)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect()
}

/// A delegated token response through authorization code + PKCE.
pub async fn delegated_token(sim: &Sim, scope: &str) -> Value {
    let (verifier, challenge) = pkce();
    let pairs = authorize(sim, &challenge, scope).await;
    let code = pairs.iter().find(|(k, _)| k == "code").unwrap().1.clone();
    let response = reqwest::Client::new()
        .post(token_url(sim))
        .form(&[
            ("grant_type", "authorization_code"),
            ("client_id", sim.config().client_id.as_str()),
            ("code", &code),
            ("redirect_uri", "http://localhost:53682/"),
            ("code_verifier", &verifier),
            ("scope", scope),
        ])
        .send()
        .await
        .unwrap();
    let (status, body) = read(response).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

impl Api {
    /// A tenant and a delegated (operator) token instead of an app token.
    pub async fn start_delegated(config: SimConfig) -> Api {
        let sim = Sim::start(config).await.expect("sim starts");
        let body =
            delegated_token(&sim, "https://graph.microsoft.com/.default offline_access").await;
        let token = body["access_token"].as_str().unwrap().to_owned();
        Api {
            sim,
            http: reqwest::Client::new(),
            token,
        }
    }
}
