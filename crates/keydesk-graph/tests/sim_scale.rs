//! The client against the simulated tenant under load and faults: 10,000 users in nested
//! groups paged through throttling, outages, dropped connections and truncated pages;
//! permissions missing from the app; the FIDO2 policy; Temporary Access Passes; time moving
//! past the token's expiry in the middle of a batch. Waits go to a recording sleeper, so
//! `Retry-After: 1` costs nothing.

mod common;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use common::{within, Recorder};
use keydesk_graph::{
    may_register, Credentials, GraphClient, GraphErrorKind, PolicyRefusal, Secret, TapRequest,
};
use keydesk_sim::{Faults, Sim, SimConfig};
use keydesk_tests::sim_state;

fn client(sim: &Sim, sleeper: Arc<Recorder>) -> GraphClient {
    let mut config = keydesk_tests::config_for(sim);
    config.max_attempts = 6;
    let secret = Secret::new(sim.config().client_secret.clone());
    GraphClient::with_sleeper(config, Credentials::ClientSecret(secret), sleeper).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_nested_users_page_through_every_fault_without_loss_or_duplicates() {
    within(async {
        let sim = Sim::start(SimConfig {
            users: 8_000,
            nested: Some(2_000),
            page_size: 500,
            faults: Faults {
                throttle_every: 5,
                fail_every: 7,
                malformed_every: 11,
                drop_connections_every: 13,
                ..Faults::default()
            },
            ..SimConfig::default()
        })
        .await
        .unwrap();
        let sleeper = Arc::new(Recorder::default());
        let graph = client(&sim, sleeper.clone());
        let group = graph.find_group("FIDO Provisioning").await.unwrap();
        let users = graph.group_users(&group.id).await.unwrap();
        assert_eq!(users.len(), 10_000);
        let ids: HashSet<_> = users.iter().map(|u| u.id.as_str()).collect();
        assert_eq!(ids.len(), 10_000, "no duplicates");
        let counters = &sim_state(&sim).await["counters"];
        for fault in [
            "throttled",
            "unavailable",
            "malformed",
            "droppedConnections",
        ] {
            assert!(counters[fault].as_u64().unwrap() > 0, "{fault} never fired");
        }
        let one_second = sleeper
            .waits()
            .iter()
            .filter(|w| **w == Duration::from_secs(1))
            .count();
        assert!(one_second > 0, "Retry-After: 1 was honoured");
        sim.shutdown().await;
    })
    .await
}

#[tokio::test]
async fn cut_off_answers_to_single_reads_are_asked_for_again() {
    within(async {
        let sim = Sim::start(SimConfig {
            faults: Faults {
                malformed_every: 2,
                ..Faults::default()
            },
            ..SimConfig::default()
        })
        .await
        .unwrap();
        let graph = client(&sim, Arc::default());
        let group = graph.find_group("FIDO Provisioning").await.unwrap();
        let user = graph.group_users(&group.id).await.unwrap().remove(0);
        assert_eq!(graph.user(&user.upn).await.unwrap(), user);
        let options = graph.creation_options(&user.id, None).await.unwrap();
        assert_eq!(options.user_name, user.upn);
        graph.fido2_policy().await.unwrap();
        assert!(
            sim_state(&sim).await["counters"]["malformed"]
                .as_u64()
                .unwrap()
                >= 3
        );
        sim.shutdown().await;
    })
    .await
}

#[tokio::test]
async fn a_token_expiring_mid_batch_is_refreshed_and_the_batch_goes_on() {
    within(async {
        let sim = Sim::start(SimConfig::default()).await.unwrap();
        let graph = client(&sim, Arc::default());
        let group = graph.find_group("FIDO Provisioning").await.unwrap();
        let users = graph.group_users(&group.id).await.unwrap();
        for (i, user) in users.iter().take(6).enumerate() {
            if i == 3 {
                let moved = reqwest::Client::new()
                    .post(format!("{}/_sim/clock", sim.base_url()))
                    .body(r#"{"advanceSeconds": 7200}"#)
                    .send()
                    .await
                    .unwrap();
                assert!(moved.status().is_success());
            }
            assert!(graph.passkeys(&user.id).await.unwrap().is_empty());
        }
        assert_eq!(sim_state(&sim).await["counters"]["tokenRequests"], 2);
        sim.shutdown().await;
    })
    .await
}

#[tokio::test]
async fn a_missing_application_permission_is_named() {
    within(async {
        let sim = Sim::start(SimConfig {
            app_permissions: vec!["GroupMember.Read.All".into(), "User.Read.All".into()],
            ..SimConfig::default()
        })
        .await
        .unwrap();
        let graph = client(&sim, Arc::default());
        let group = graph.find_group("FIDO Provisioning").await.unwrap();
        let user = graph.group_users(&group.id).await.unwrap().remove(0);
        for (error, permission) in [
            (
                graph.passkeys(&user.id).await.unwrap_err(),
                "UserAuthMethod-Passkey.Read.All",
            ),
            (
                graph.creation_options(&user.id, None).await.unwrap_err(),
                "UserAuthMethod-Passkey.ReadWrite.All",
            ),
            (
                graph.fido2_policy().await.unwrap_err(),
                "Policy.Read.AuthenticationMethod",
            ),
            (
                graph
                    .create_temporary_access_pass(&user.id, &TapRequest::default())
                    .await
                    .unwrap_err(),
                "UserAuthMethod-TAP.ReadWrite.All",
            ),
        ] {
            assert_eq!(error.kind(), GraphErrorKind::Forbidden, "{error:?}");
            assert!(
                error.remediation().contains(permission),
                "{}",
                error.remediation()
            );
            assert!(error.request_id().is_some() && error.client_request_id().is_some());
        }
        sim.shutdown().await;
    })
    .await
}

#[tokio::test]
async fn the_policy_is_read_and_judged_and_a_tap_is_created_once() {
    within(async {
        let sim = Sim::start(SimConfig {
            guests: 1,
            ..SimConfig::default()
        })
        .await
        .unwrap();
        let graph = client(&sim, Arc::default());
        let policy = graph.fido2_policy().await.unwrap();
        assert!(policy.enabled && policy.self_service_allowed, "{policy:?}");
        let group = graph.find_group("FIDO Provisioning").await.unwrap();
        let users = graph.group_users(&group.id).await.unwrap();
        let member = users.iter().find(|u| !u.guest).unwrap();
        let guest = users.iter().find(|u| u.guest).unwrap();
        let yubikey = uuid::Uuid::parse_str("cb69481e-8ff7-4039-93ec-0a2729a154a8").unwrap();
        assert_eq!(may_register(&policy, yubikey, member), Ok(()));
        assert!(matches!(
            may_register(&policy, yubikey, guest),
            Err(PolicyRefusal::Guest(_))
        ));
        let request = TapRequest {
            lifetime_in_minutes: Some(60),
            is_usable_once: Some(true),
            ..TapRequest::default()
        };
        let tap = graph
            .create_temporary_access_pass(&member.id, &request)
            .await
            .unwrap();
        assert!(!tap.pass.expose().is_empty());
        assert!(!format!("{tap:?}").contains(tap.pass.expose()));
        let user_state = sim_state(&sim).await["users"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["id"] == member.id.as_str())
            .cloned()
            .unwrap();
        assert_eq!(user_state["hasTemporaryAccessPass"], true);
        sim.shutdown().await;
    })
    .await
}
