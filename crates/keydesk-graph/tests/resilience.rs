//! Retries, token refresh, timeouts and write safety, against a scripted fake Graph.
//!
//! The fake is a real HTTP server answering from a queue of canned responses and recording
//! what it received; waits between retries go to a recording [`Sleeper`], so no test
//! sleeps for real.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use keydesk_graph::{Credentials, GraphClient, GraphConfig, GraphError, GraphErrorKind, Secret};
use serde_json::{json, Value};
use url::Url;

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

fn created(id: &str) -> Value {
    json!({"id": id, "displayName": "YubiKey 5 NFC 31245678",
           "aaGuid": "cb69481e-8ff7-4039-93ec-0a2729a154a8", "model": "YubiKey 5"})
}

#[tokio::test]
async fn a_register_lost_in_a_503_is_found_among_the_passkeys_and_not_sent_again() {
    within(async {
        // Credential id [1, 2, 3] is "AQID"; Entra lists it with its padding digit.
        let server = Server::start(vec![
            error(503, "serviceUnavailable"),
            answer(200, json!({"value": [created("AAE1"), created("AQID0")]})),
        ])
        .await;
        let sleeper = Arc::new(Recorder::default());
        let passkey = server
            .client(sleeper.clone())
            .register_passkey("u1", &registration(), &attempt())
            .await
            .unwrap();
        assert_eq!(passkey.id, "AQID0");
        let seen = server.seen();
        assert_eq!(seen.len(), 2);
        assert_eq!(
            (seen[0].method.as_str(), seen[1].method.as_str()),
            ("POST", "GET")
        );
        assert!(sleeper.waits().is_empty());
    })
    .await
}

#[tokio::test]
async fn a_register_surely_not_done_is_sent_again_after_checking() {
    within(async {
        let server = Server::start(vec![
            error(503, "serviceUnavailable"),
            answer(200, json!({"value": []})),
            answer(201, created("AQID0")),
        ])
        .await;
        let sleeper = Arc::new(Recorder::default());
        let passkey = server
            .client(sleeper.clone())
            .register_passkey("u1", &registration(), &attempt())
            .await
            .unwrap();
        assert_eq!(passkey.id, "AQID0");
        let methods: Vec<_> = server.seen().into_iter().map(|s| s.method).collect();
        assert_eq!(methods, ["POST", "GET", "POST"]);
        assert_eq!(sleeper.waits().len(), 1);
    })
    .await
}

#[tokio::test]
async fn a_register_refused_for_a_reason_is_not_reconciled() {
    within(async {
        let server = Server::start(vec![error(400, "badRequest")]).await;
        let error = server
            .client(Arc::default())
            .register_passkey("u1", &registration(), &attempt())
            .await
            .unwrap_err();
        assert_eq!(error.kind(), GraphErrorKind::Rejected);
        assert_eq!(error.request_id(), Some("req-400"));
        assert!(error.client_request_id().is_some());
        assert_eq!(server.seen().len(), 1);
    })
    .await
}

#[tokio::test]
async fn a_throttled_register_post_waits_and_is_sent_again() {
    within(async {
        let mut throttled = error(429, "TooManyRequests");
        throttled.headers.push(("retry-after", "9".into()));
        let server = Server::start(vec![throttled, answer(201, created("AQID0"))]).await;
        let sleeper = Arc::new(Recorder::default());
        let passkey = server
            .client(sleeper.clone())
            .register_passkey("u1", &registration(), &attempt())
            .await
            .unwrap();
        assert_eq!(passkey.id, "AQID0");
        assert_eq!(server.seen().len(), 2);
        assert_eq!(sleeper.waits(), vec![Duration::from_secs(9)]);
    })
    .await
}

#[tokio::test]
async fn a_register_with_an_expired_token_is_sent_again_with_a_new_one() {
    within(async {
        let server = Server::start(vec![
            error(401, "InvalidAuthenticationToken"),
            answer(201, created("AQID0")),
        ])
        .await;
        server
            .client(Arc::default())
            .register_passkey("u1", &registration(), &attempt())
            .await
            .unwrap();
        let seen = server.seen();
        assert_eq!(server.tokens(), 2);
        assert_eq!(seen[1].authorization, "Bearer tok2");
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
            .register_passkey("u1", &registration(), &attempt())
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
        let server = Server::start(vec![slow; 4]).await;
        let sleeper = Arc::new(Recorder::default());
        let error = server.client(sleeper.clone()).user("u1").await.unwrap_err();
        assert!(matches!(error, GraphError::Timeout), "{error:?}");
        assert_eq!(error.kind(), GraphErrorKind::Timeout);
        assert_eq!(
            server.seen().len(),
            4,
            "a read is tried again after a timeout"
        );
        assert_eq!(sleeper.waits().len(), 3);
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
