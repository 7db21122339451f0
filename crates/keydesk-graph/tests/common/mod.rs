//! A scripted fake Graph for the resilience tests: a real HTTP server answering from a
//! queue of canned responses and recording what it received, and a [`Sleeper`] that
//! records waits instead of waiting.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use keydesk_graph::{
    Attempt, Credentials, GraphClient, GraphConfig, PasskeyListing, Registration, Secret,
    SleepFuture, Sleeper,
};
use serde_json::{json, Value};
use url::Url;

pub const SECRET: &str = "s3cret-value";

pub use keydesk_tests::within;

#[derive(Clone)]
pub struct Canned {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Value,
    pub delay: Duration,
}

pub fn answer(status: u16, body: Value) -> Canned {
    Canned {
        status,
        headers: Vec::new(),
        body,
        delay: Duration::ZERO,
    }
}

pub fn error(status: u16, code: &str) -> Canned {
    answer(
        status,
        json!({"error": {"code": code, "message": format!("{code} happened"),
                "innerError": {"request-id": format!("req-{status}"), "date": "2026-11-28T16:29:58"}}}),
    )
}

#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub authorization: String,
    pub client_request_id: String,
    pub content_type: String,
    pub body: Vec<u8>,
}

#[derive(Default)]
pub struct Fake {
    script: Mutex<VecDeque<Canned>>,
    seen: Mutex<Vec<Seen>>,
    tokens: AtomicUsize,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
}

pub struct Server {
    pub fake: Arc<Fake>,
    pub base: Url,
}

impl Server {
    pub async fn start(script: Vec<Canned>) -> Server {
        let fake = Arc::new(Fake {
            script: Mutex::new(script.into()),
            ..Fake::default()
        });
        let app = Router::new()
            .route("/t/oauth2/v2.0/token", post(token))
            .fallback(graph)
            .with_state(fake.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = Url::parse(&format!("http://{}", listener.local_addr().unwrap())).unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        Server { fake, base }
    }

    pub fn config(&self) -> GraphConfig {
        let mut config = GraphConfig::global("t", "app");
        config.login_url = self.base.clone();
        config.graph_url = self.base.clone();
        config.timeout = Duration::from_millis(500);
        config
    }

    pub fn client(&self, sleeper: Arc<Recorder>) -> GraphClient {
        self.client_with(self.config(), sleeper)
    }

    pub fn client_with(&self, config: GraphConfig, sleeper: Arc<Recorder>) -> GraphClient {
        GraphClient::with_sleeper(
            config,
            Credentials::ClientSecret(Secret::new(SECRET)),
            sleeper,
        )
        .unwrap()
    }

    /// Most Graph requests the fake was handling at one time.
    pub fn max_in_flight(&self) -> usize {
        self.fake.max_in_flight.load(Ordering::SeqCst)
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.fake.seen.lock().unwrap().clone()
    }

    pub fn tokens(&self) -> usize {
        self.fake.tokens.load(Ordering::SeqCst)
    }
}

async fn token(State(fake): State<Arc<Fake>>) -> Json<Value> {
    let n = fake.tokens.fetch_add(1, Ordering::SeqCst) + 1;
    Json(json!({"token_type": "Bearer", "expires_in": 3599, "access_token": format!("tok{n}")}))
}

async fn graph(State(fake): State<Arc<Fake>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let header = |name: &str| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let body = axum::body::to_bytes(body, 1 << 20).await.unwrap().to_vec();
    let seen = Seen {
        method: parts.method.to_string(),
        path: parts.uri.to_string(),
        authorization: header("authorization"),
        client_request_id: header("client-request-id"),
        content_type: header("content-type"),
        body,
    };
    fake.seen.lock().unwrap().push(seen);
    let canned = fake
        .script
        .lock()
        .unwrap()
        .pop_front()
        .unwrap_or_else(|| answer(500, json!({"error": {"code": "scriptExhausted"}})));
    let now = fake.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    fake.max_in_flight.fetch_max(now, Ordering::SeqCst);
    tokio::time::sleep(canned.delay).await;
    fake.in_flight.fetch_sub(1, Ordering::SeqCst);
    let mut response = (
        StatusCode::from_u16(canned.status).unwrap(),
        Json(canned.body),
    )
        .into_response();
    for (name, value) in canned.headers {
        response.headers_mut().insert(name, value.parse().unwrap());
    }
    response
}

/// Records waits instead of waiting.
#[derive(Default)]
pub struct Recorder(Mutex<Vec<Duration>>);

impl Sleeper for Recorder {
    fn sleep(&self, duration: Duration) -> SleepFuture {
        self.0.lock().unwrap().push(duration);
        Box::pin(async {})
    }
}

impl Recorder {
    pub fn waits(&self) -> Vec<Duration> {
        self.0.lock().unwrap().clone()
    }
}

pub fn user_json() -> Value {
    json!({"id": "u1", "userPrincipalName": "kim@contoso.com", "displayName": "Kim",
           "accountEnabled": true, "userType": "Member", "mail": null})
}

/// The attempt to register [`registration`] for a user who had no passkey an hour ago
/// (no Date header known: this machine's clock says the listing lag has passed).
pub fn attempt() -> Attempt {
    let hour_ago = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
        - 3600;
    let before = PasskeyListing {
        passkeys: Vec::new(),
        graph_time: None,
        local_time: hour_ago,
    };
    Attempt::new(
        &before,
        &registration(),
        Some("cb69481e-8ff7-4039-93ec-0a2729a154a8"),
    )
}

pub fn registration() -> Registration {
    Registration {
        display_name: "YubiKey 5 NFC 31245678".into(),
        credential_id: vec![1, 2, 3],
        client_data_json: b"{}".to_vec(),
        attestation_object: vec![0xa0],
        beta: false,
    }
}
