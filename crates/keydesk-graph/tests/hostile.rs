//! What a hostile or broken endpoint cannot get out of the client: no secret or token
//! follows a redirect, no secret travels over plain HTTP to another machine, and an answer
//! larger than any KeyDesk asks for is refused instead of filling memory.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::any;
use axum::Router;
use common::*;
use keydesk_graph::{Credentials, GraphClient, GraphConfig, GraphError, Secret};
use url::Url;

/// A server that counts what reaches it and answers 200 `{}`.
async fn bystander() -> (Url, Arc<AtomicUsize>) {
    async fn count(State(hits): State<Arc<AtomicUsize>>) -> &'static str {
        hits.fetch_add(1, Ordering::SeqCst);
        "{}"
    }
    let hits = Arc::new(AtomicUsize::new(0));
    let app = Router::new().fallback(any(count)).with_state(hits.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = Url::parse(&format!("http://{}", listener.local_addr().unwrap())).unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, hits)
}

#[tokio::test]
async fn a_graph_redirect_does_not_carry_the_token_elsewhere() {
    within(async {
        let (elsewhere, hits) = bystander().await;
        let mut moved = answer(307, serde_json::json!({}));
        moved
            .headers
            .push(("location", format!("{elsewhere}v1.0/users/kim")));
        let server = Server::start(vec![moved]).await;
        let error = server
            .client(Arc::new(Recorder::default()))
            .user("kim@contoso.com")
            .await
            .unwrap_err();
        assert_eq!(hits.load(Ordering::SeqCst), 0, "the redirect was followed");
        assert!(error.to_string().contains("307"), "{error}");
    })
    .await
}

#[tokio::test]
async fn a_token_endpoint_redirect_does_not_replay_the_secret() {
    within(async {
        let (elsewhere, hits) = bystander().await;
        let target = format!("{elsewhere}t/oauth2/v2.0/token");
        let app = Router::new().fallback(any(move || {
            let target = target.clone();
            async move { (StatusCode::PERMANENT_REDIRECT, [(header::LOCATION, target)]) }
        }));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = Url::parse(&format!("http://{}", listener.local_addr().unwrap())).unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        let mut config = GraphConfig::global("t", "app");
        config.login_url = base.clone();
        config.graph_url = base;
        let client =
            GraphClient::new(config, Credentials::ClientSecret(Secret::new(SECRET))).unwrap();
        assert!(client.sign_in().await.is_err());
        assert_eq!(hits.load(Ordering::SeqCst), 0, "the secret was replayed");
    })
    .await
}

#[test]
fn plain_http_is_only_for_this_machine() {
    let secret = || Credentials::ClientSecret(Secret::new(SECRET));
    let mut config = GraphConfig::global("t", "app");
    config.login_url = Url::parse("http://login.example.net").unwrap();
    let error = GraphClient::new(config.clone(), secret()).unwrap_err();
    assert!(matches!(error, GraphError::InvalidInput(_)), "{error:?}");
    assert!(error.to_string().contains("unencrypted"), "{error}");
    config.login_url = Url::parse("https://login.example.net").unwrap();
    config.graph_url = Url::parse("http://10.0.0.8:8080").unwrap();
    assert!(GraphClient::new(config.clone(), secret()).is_err());
    for local in ["http://127.0.0.1:9", "http://localhost:9", "http://[::1]:9"] {
        config.graph_url = Url::parse(local).unwrap();
        assert!(
            GraphClient::new(config.clone(), secret()).is_ok(),
            "{local}"
        );
    }
}

#[tokio::test]
async fn an_oversized_answer_is_refused_not_read() {
    within(async {
        let app = Router::new()
            .route(
                "/t/oauth2/v2.0/token",
                any(|| async {
                    r#"{"token_type":"Bearer","expires_in":3599,"access_token":"tok"}"#
                }),
            )
            .fallback(any(|| async {
                // 17 MiB of JSON string: valid, and larger than any page KeyDesk asks for.
                let body = format!("{{\"value\":\"{}\"}}", "x".repeat(17 << 20));
                ([(header::CONTENT_TYPE, "application/json")], body).into_response()
            }));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = Url::parse(&format!("http://{}", listener.local_addr().unwrap())).unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        let mut config = GraphConfig::global("t", "app");
        config.login_url = base.clone();
        config.graph_url = base;
        config.max_attempts = 1;
        let client =
            GraphClient::new(config, Credentials::ClientSecret(Secret::new(SECRET))).unwrap();
        let error = client.user("kim@contoso.com").await.unwrap_err();
        assert!(matches!(error, GraphError::Malformed { .. }), "{error:?}");
        assert!(error.to_string().contains("larger than"), "{error}");
    })
    .await
}
