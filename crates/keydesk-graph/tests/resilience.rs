//! Retries, token refresh, timeouts and write safety, against a scripted fake Graph.
//!
//! The fake is a real HTTP server answering from a queue of canned responses and recording
//! what it received; waits between retries go to a recording [`Sleeper`], so no test
//! sleeps for real.

use std::collections::VecDeque;
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use keydesk_graph::{
    Credentials, GraphClient, GraphConfig, GraphError, GraphErrorKind, Registration, Secret,
    SleepFuture, Sleeper,
};
use serde_json::{json, Value};
use url::Url;

const SECRET: &str = "s3cret-value";

async fn within<T>(test: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(30), test)
        .await
        .expect("test took longer than 30 s")
}

#[derive(Clone)]
struct Canned {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Value,
    delay: Duration,
}

fn answer(status: u16, body: Value) -> Canned {
    Canned {
        status,
        headers: Vec::new(),
        body,
        delay: Duration::ZERO,
    }
}

fn error(status: u16, code: &str) -> Canned {
    answer(
        status,
        json!({"error": {"code": code, "message": format!("{code} happened"),
                "innerError": {"request-id": format!("req-{status}"), "date": "2026-11-28T16:29:58"}}}),
    )
}

#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path: String,
    authorization: String,
    client_request_id: String,
    content_type: String,
    body: Vec<u8>,
}

#[derive(Default)]
struct Fake {
    script: Mutex<VecDeque<Canned>>,
    seen: Mutex<Vec<Seen>>,
    tokens: AtomicUsize,
}

struct Server {
    fake: Arc<Fake>,
    base: Url,
}

impl Server {
    async fn start(script: Vec<Canned>) -> Server {
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

    fn client(&self, sleeper: Arc<Recorder>) -> GraphClient {
        let mut config = GraphConfig::global("t", "app");
        config.login_url = self.base.clone();
        config.graph_url = self.base.clone();
        config.timeout = Duration::from_millis(500);
        GraphClient::with_sleeper(
            config,
            Credentials::ClientSecret(Secret::new(SECRET)),
            sleeper,
        )
        .unwrap()
    }

    fn seen(&self) -> Vec<Seen> {
        self.fake.seen.lock().unwrap().clone()
    }

    fn tokens(&self) -> usize {
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
    tokio::time::sleep(canned.delay).await;
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
struct Recorder(Mutex<Vec<Duration>>);

impl Sleeper for Recorder {
    fn sleep(&self, duration: Duration) -> SleepFuture {
        self.0.lock().unwrap().push(duration);
        Box::pin(async {})
    }
}

impl Recorder {
    fn waits(&self) -> Vec<Duration> {
        self.0.lock().unwrap().clone()
    }
}

fn user_json() -> Value {
    json!({"id": "u1", "userPrincipalName": "kim@contoso.com", "displayName": "Kim",
           "accountEnabled": true, "userType": "Member", "mail": null})
}

fn registration() -> Registration {
    Registration {
        display_name: "YubiKey 5 NFC 31245678".into(),
        credential_id: vec![1, 2, 3],
        client_data_json: b"{}".to_vec(),
        attestation_object: vec![0xa0],
    }
}

#[tokio::test]
async fn a_throttled_read_waits_as_told_and_succeeds() {
    within(async {
        let mut throttled = error(429, "TooManyRequests");
        throttled.headers.push(("retry-after", "2".into()));
        let server = Server::start(vec![throttled, answer(200, user_json())]).await;
        let sleeper = Arc::new(Recorder::default());
        let user = server
            .client(sleeper.clone())
            .user("kim@contoso.com")
            .await
            .unwrap();
        assert_eq!(user.upn, "kim@contoso.com");
        assert_eq!(sleeper.waits(), vec![Duration::from_secs(2)]);
        let seen = server.seen();
        assert_eq!(seen.len(), 2);
        assert_eq!(seen[0].authorization, "Bearer tok1");
        assert_ne!(seen[0].client_request_id, seen[1].client_request_id);
        assert!(uuid::Uuid::parse_str(&seen[1].client_request_id).is_ok());
        assert!(seen[0]
            .path
            .starts_with("/v1.0/users/kim@contoso.com?$select="));
    })
    .await
}

#[tokio::test]
async fn reads_give_up_after_four_attempts_with_growing_backoff() {
    within(async {
        let server = Server::start(vec![error(503, "serviceUnavailable"); 4]).await;
        let sleeper = Arc::new(Recorder::default());
        let error = server
            .client(sleeper.clone())
            .passkeys("u1")
            .await
            .unwrap_err();
        assert!(matches!(error, GraphError::Throttled { .. }), "{error:?}");
        assert_eq!(error.kind(), GraphErrorKind::Throttled);
        assert_eq!(server.seen().len(), 4);
        let waits = sleeper.waits();
        assert_eq!(waits.len(), 3);
        for (wait, cap) in waits.iter().zip([500, 1000, 2000]) {
            let cap = Duration::from_millis(cap);
            assert!(*wait >= cap / 2 && *wait <= cap, "{waits:?}");
        }
    })
    .await
}

#[tokio::test]
async fn the_register_post_is_sent_once_even_when_graph_is_unavailable() {
    within(async {
        let server = Server::start(vec![error(503, "serviceUnavailable")]).await;
        let sleeper = Arc::new(Recorder::default());
        let error = server
            .client(sleeper.clone())
            .register_passkey("u1", &registration())
            .await
            .unwrap_err();
        assert!(
            matches!(error, GraphError::Api { status: 503, .. }),
            "{error:?}"
        );
        assert_eq!(error.kind(), GraphErrorKind::Unavailable);
        assert!(error.remediation().contains("List the user's passkeys"));
        assert_eq!(error.request_id(), Some("req-503"));
        assert_eq!(server.seen().len(), 1);
        assert!(sleeper.waits().is_empty());
    })
    .await
}

#[tokio::test]
async fn a_throttled_register_post_is_not_retried() {
    within(async {
        let mut throttled = error(429, "TooManyRequests");
        throttled.headers.push(("retry-after", "9".into()));
        let server = Server::start(vec![throttled]).await;
        let sleeper = Arc::new(Recorder::default());
        let error = server
            .client(sleeper.clone())
            .register_passkey("u1", &registration())
            .await
            .unwrap_err();
        assert!(
            matches!(error, GraphError::Throttled { retry_after: Some(d), .. } if d == Duration::from_secs(9)),
            "{error:?}"
        );
        assert_eq!(server.seen().len(), 1);
        assert!(sleeper.waits().is_empty());
    })
    .await
}

#[tokio::test]
async fn the_register_post_carries_graph_md_body() {
    within(async {
        let created = json!({"id": "abc1", "displayName": "YubiKey 5 NFC 31245678",
            "aaGuid": "cb69481e-8ff7-4039-93ec-0a2729a154a8", "model": "YubiKey 5",
            "createdDateTime": "2026-11-28T16:29:58Z"});
        let server = Server::start(vec![answer(201, created)]).await;
        let passkey = server
            .client(Arc::default())
            .register_passkey("u1", &registration())
            .await
            .unwrap();
        assert_eq!(passkey.id, "abc1");
        assert_eq!(passkey.model.as_deref(), Some("YubiKey 5"));
        let seen = server.seen();
        assert_eq!(seen[0].method, "POST");
        assert_eq!(seen[0].path, "/v1.0/users/u1/authentication/fido2Methods");
        assert_eq!(seen[0].content_type, "application/json");
        let body: Value = serde_json::from_slice(&seen[0].body).unwrap();
        assert_eq!(
            body,
            json!({"displayName": "YubiKey 5 NFC 31245678", "publicKeyCredential": {
                "id": "AQID", "response": {"clientDataJSON": "e30", "attestationObject": "oA"},
                "clientExtensionResults": {}}})
        );
    })
    .await
}

#[tokio::test]
async fn a_refused_token_is_refreshed_once_for_a_read() {
    within(async {
        let server = Server::start(vec![
            error(401, "InvalidAuthenticationToken"),
            answer(200, user_json()),
        ])
        .await;
        server.client(Arc::default()).user("u1").await.unwrap();
        let seen = server.seen();
        assert_eq!(server.tokens(), 2);
        assert_eq!(seen[0].authorization, "Bearer tok1");
        assert_eq!(seen[1].authorization, "Bearer tok2");
    })
    .await
}

#[tokio::test]
async fn a_token_refused_twice_is_a_sign_in_problem() {
    within(async {
        let server = Server::start(vec![error(401, "InvalidAuthenticationToken"); 2]).await;
        let error = server.client(Arc::default()).user("u1").await.unwrap_err();
        assert!(
            matches!(error, GraphError::Api { status: 401, .. }),
            "{error:?}"
        );
        assert_eq!(error.kind(), GraphErrorKind::SignIn);
        assert_eq!(server.seen().len(), 2);
        assert_eq!(server.tokens(), 2);
    })
    .await
}

#[tokio::test]
async fn forbidden_names_the_permission_of_the_call() {
    within(async {
        let server = Server::start(vec![
            error(403, "Authorization_RequestDenied"),
            error(403, "accessDenied"),
        ])
        .await;
        let graph = server.client(Arc::default());
        let list = graph.passkeys("u1").await.unwrap_err();
        assert_eq!(list.kind(), GraphErrorKind::Forbidden);
        assert_eq!(list.request_id(), Some("req-403"));
        assert!(list
            .remediation()
            .contains("UserAuthMethod-Passkey.Read.All"));
        let options = graph.creation_options("u1", None).await.unwrap_err();
        assert!(options
            .remediation()
            .contains("UserAuthMethod-Passkey.ReadWrite.All"));
    })
    .await
}

#[tokio::test]
async fn a_slow_answer_times_out() {
    within(async {
        let mut slow = answer(200, user_json());
        slow.delay = Duration::from_secs(3);
        let server = Server::start(vec![slow]).await;
        let error = server.client(Arc::default()).user("u1").await.unwrap_err();
        assert!(matches!(error, GraphError::Timeout), "{error:?}");
        assert_eq!(error.kind(), GraphErrorKind::Timeout);
    })
    .await
}

#[tokio::test]
async fn an_unreachable_host_is_a_network_error_without_secrets() {
    within(async {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let base = Url::parse(&format!("http://{}", listener.local_addr().unwrap())).unwrap();
        drop(listener);
        let mut config = GraphConfig::global("t", "app");
        config.login_url = base.clone();
        config.graph_url = base;
        let graph =
            GraphClient::new(config, Credentials::ClientSecret(Secret::new(SECRET))).unwrap();
        let error = graph.sign_in().await.unwrap_err();
        assert_eq!(error.kind(), GraphErrorKind::Network, "{error:?}");
        assert!(!format!("{error:?}").contains(SECRET));
        assert!(!format!("{graph:?}").contains(SECRET));
    })
    .await
}

#[tokio::test]
async fn a_next_link_to_another_host_is_not_followed() {
    within(async {
        let page = answer(
            200,
            json!({"value": [user_json()], "@odata.nextLink": "https://evil.example/v1.0/next"}),
        );
        let server = Server::start(vec![page]).await;
        let error = server
            .client(Arc::default())
            .group_users("g1")
            .await
            .unwrap_err();
        assert!(
            matches!(&error, GraphError::Malformed { what, .. } if what == "@odata.nextLink"),
            "{error:?}"
        );
        assert_eq!(server.seen().len(), 1);
    })
    .await
}

#[tokio::test]
async fn an_unsupported_cast_is_repeated_as_an_advanced_query() {
    within(async {
        let server = Server::start(vec![
            error(400, "Request_UnsupportedQuery"),
            answer(200, json!({"value": [user_json(), user_json()]})),
        ])
        .await;
        let users = server
            .client(Arc::default())
            .group_users("g1")
            .await
            .unwrap();
        assert_eq!(users.len(), 1, "duplicates removed");
        let seen = server.seen();
        assert!(!seen[0].path.contains("$count"));
        assert!(seen[1].path.contains("$count=true"), "{}", seen[1].path);
    })
    .await
}
