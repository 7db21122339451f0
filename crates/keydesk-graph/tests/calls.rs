//! Clouds, the concurrency limit and the newer calls (group by id, delete, TAP, policy),
//! against the scripted fake Graph in `common`.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use keydesk_graph::{Cloud, GraphError, GraphErrorKind, TapRequest};
use serde_json::json;

#[tokio::test]
async fn provisioning_is_refused_outside_the_global_cloud_before_any_call() {
    within(async {
        let server = Server::start(vec![answer(200, json!({"value": []}))]).await;
        for cloud in [Cloud::UsGovL4, Cloud::UsGovDodL5, Cloud::China] {
            let mut config = server.config();
            config.cloud = cloud;
            let graph = server.client_with(config, Arc::default());
            let error = graph.creation_options("u1", None).await.unwrap_err();
            assert!(matches!(error, GraphError::NotInCloud { .. }), "{error:?}");
            assert_eq!(error.kind(), GraphErrorKind::Unsupported);
            assert!(error.remediation().contains("global cloud only"));
            let error = graph
                .register_passkey("u1", &registration(), &attempt())
                .await
                .unwrap_err();
            assert_eq!(error.kind(), GraphErrorKind::Unsupported);
        }
        assert_eq!(server.tokens(), 0);
        assert!(server.seen().is_empty());
        // Listing works in US Gov.
        let mut config = server.config();
        config.cloud = Cloud::UsGovL4;
        let listed = server
            .client_with(config, Arc::default())
            .passkeys("u1")
            .await
            .unwrap();
        assert!(listed.is_empty());
    })
    .await
}

#[tokio::test]
async fn the_concurrency_limit_is_shared_by_every_clone() {
    within(async {
        let mut slow = answer(200, user_json());
        slow.delay = Duration::from_millis(100);
        let server = Server::start(vec![slow; 12]).await;
        let mut config = server.config();
        config.max_concurrency = 3;
        let graph = server.client_with(config, Arc::default());
        graph.sign_in().await.unwrap();
        let calls: Vec<_> = (0..12)
            .map(|_| {
                let graph = graph.clone();
                tokio::spawn(async move { graph.user("u1").await })
            })
            .collect();
        for call in calls {
            call.await.unwrap().unwrap();
        }
        assert_eq!(server.seen().len(), 12);
        assert!(server.max_in_flight() <= 3, "{}", server.max_in_flight());
        assert_eq!(server.tokens(), 1, "one token shared by all");
    })
    .await
}

#[tokio::test]
async fn app_only_delete_uses_v1_and_encodes_the_method_id() {
    within(async {
        let server = Server::start(vec![answer(204, json!(null))]).await;
        server
            .client(Arc::default())
            .delete_passkey("u1", "ab+/cd1")
            .await
            .unwrap();
        let seen = server.seen();
        assert_eq!(seen[0].method, "DELETE");
        assert_eq!(
            seen[0].path,
            "/v1.0/users/u1/authentication/fido2Methods/ab+%2Fcd1"
        );
    })
    .await
}

/// An app that v1.0 refuses (still on the older UserAuthenticationMethod.ReadWrite.All)
/// tries beta once.
#[tokio::test]
async fn an_app_only_delete_refused_by_v1_tries_beta() {
    within(async {
        let server = Server::start(vec![
            error(403, "Authorization_RequestDenied"),
            answer(204, json!(null)),
        ])
        .await;
        server
            .client(Arc::default())
            .delete_passkey("u1", "m1")
            .await
            .unwrap();
        let paths: Vec<String> = server.seen().into_iter().map(|s| s.path).collect();
        assert_eq!(
            paths,
            [
                "/v1.0/users/u1/authentication/fido2Methods/m1",
                "/beta/users/u1/authentication/fido2Methods/m1"
            ]
        );
    })
    .await
}

#[tokio::test]
async fn a_group_by_id_or_by_name() {
    within(async {
        let id = "0b5a1e0c-55b0-4a51-9a8f-111111111111";
        let group = json!({"id": id, "displayName": "Keys"});
        let server = Server::start(vec![
            answer(200, group.clone()),
            answer(200, json!({"value": [group]})),
        ])
        .await;
        let graph = server.client(Arc::default());
        assert_eq!(graph.resolve_group(id).await.unwrap().display_name, "Keys");
        assert_eq!(graph.resolve_group("Keys").await.unwrap().id, id);
        let seen = server.seen();
        assert!(seen[0].path.starts_with(&format!("/v1.0/groups/{id}?")));
        assert!(seen[1]
            .path
            .contains("$filter=displayName%20eq%20%27Keys%27"));
    })
    .await
}

#[tokio::test]
async fn a_temporary_access_pass_is_returned_once_and_never_printed() {
    within(async {
        let created = json!({"id": "tap1", "temporaryAccessPass": "TAP-Xy7!secret",
            "startDateTime": "2026-11-28T16:00:00Z", "lifetimeInMinutes": 60,
            "isUsableOnce": true, "isUsable": true});
        let server = Server::start(vec![answer(201, created)]).await;
        let graph = server.client(Arc::default());
        let request = TapRequest {
            lifetime_in_minutes: Some(60),
            is_usable_once: Some(true),
            ..TapRequest::default()
        };
        let tap = graph
            .create_temporary_access_pass("u1", &request)
            .await
            .unwrap();
        assert_eq!(tap.pass.expose(), "TAP-Xy7!secret");
        assert!(!format!("{tap:?}").contains("Xy7"));
        let seen = server.seen();
        assert_eq!(
            seen[0].path,
            "/v1.0/users/u1/authentication/temporaryAccessPassMethods"
        );
        let body: serde_json::Value = serde_json::from_slice(&seen[0].body).unwrap();
        assert_eq!(body, json!({"lifetimeInMinutes": 60, "isUsableOnce": true}));
        let too_long = TapRequest {
            lifetime_in_minutes: Some(5),
            ..TapRequest::default()
        };
        let error = graph
            .create_temporary_access_pass("u1", &too_long)
            .await
            .unwrap_err();
        assert_eq!(error.kind(), GraphErrorKind::InvalidInput);
        assert_eq!(server.seen().len(), 1);
    })
    .await
}

#[tokio::test]
async fn a_forbidden_policy_read_names_its_permission() {
    within(async {
        let server = Server::start(vec![error(403, "accessDenied")]).await;
        let error = server
            .client(Arc::default())
            .fido2_policy()
            .await
            .unwrap_err();
        assert_eq!(error.kind(), GraphErrorKind::Forbidden);
        assert!(error
            .remediation()
            .contains("Policy.Read.AuthenticationMethod"));
        assert!(error.client_request_id().is_some());
    })
    .await
}
