//! Temporary Access Pass against the simulated tenant: the policy is read and enforced
//! before anything is sent, an active pass is visible before it would be replaced, a pass
//! is listed without its code and deleted, and the simulator's phone plays Authenticator
//! only for a user holding a usable pass.

use keydesk_graph::{GraphErrorKind, TapRequest};
use keydesk_sim::{Sim, SimConfig};
use keydesk_tests::{group_members, signed_in, sim_counter, sim_state, within};
use serde_json::{json, Value};

async fn tenant() -> Sim {
    Sim::start(SimConfig {
        users: 2,
        ..SimConfig::default()
    })
    .await
    .expect("sim starts")
}

async fn post(sim: &Sim, path: &str, body: Value) -> reqwest::StatusCode {
    reqwest::Client::new()
        .post(format!("{}{path}", sim.base_url()))
        .json(&body)
        .send()
        .await
        .unwrap()
        .status()
}

fn ask(minutes: Option<u32>, once: Option<bool>) -> TapRequest {
    TapRequest {
        lifetime_in_minutes: minutes,
        is_usable_once: once,
        ..TapRequest::default()
    }
}

#[tokio::test]
async fn a_pass_outside_the_policy_is_refused_before_it_is_sent() {
    within(async {
        let sim = tenant().await;
        let graph = signed_in(&sim).await;
        let user = group_members(&sim, &graph).await.remove(0);
        let status = post(
            &sim,
            "/_sim/tapPolicy",
            json!({"minimumLifetimeInMinutes": 30, "maximumLifetimeInMinutes": 120,
                   "defaultLifetimeInMinutes": 60, "isUsableOnce": true}),
        )
        .await;
        assert!(status.is_success());
        let policy = graph.tap_policy().await.unwrap();
        assert!(policy.enabled && policy.usable_once_required);
        assert_eq!(
            (policy.min_lifetime_minutes, policy.max_lifetime_minutes),
            (30, 120)
        );
        for bad in [ask(Some(20), None), ask(Some(60), Some(false))] {
            let posts_before = sim_counter(&sim, "graphRequests").await;
            let error = graph
                .issue_temporary_access_pass(&user.id, &bad)
                .await
                .unwrap_err();
            assert_eq!(error.kind(), GraphErrorKind::InvalidInput, "{error}");
            // Only the policy read went out.
            assert_eq!(sim_counter(&sim, "graphRequests").await, posts_before + 1);
        }
        assert_eq!(
            sim_state(&sim).await["users"][0]["hasTemporaryAccessPass"],
            false
        );
        // The simulator refuses the same on its own, when a client skips the check.
        let error = graph
            .create_temporary_access_pass(&user.id, &ask(Some(20), None))
            .await
            .unwrap_err();
        assert_eq!(error.kind(), GraphErrorKind::Rejected, "{error}");
        post(&sim, "/_sim/tapPolicy", json!({"enabled": false})).await;
        let error = graph
            .issue_temporary_access_pass(&user.id, &ask(None, None))
            .await
            .unwrap_err();
        assert!(error.to_string().contains("disabled"), "{error}");
        sim.shutdown().await;
    })
    .await
}

#[tokio::test]
async fn an_active_pass_is_seen_listed_without_its_code_and_deleted() {
    within(async {
        let sim = tenant().await;
        let graph = signed_in(&sim).await;
        let user = group_members(&sim, &graph).await.remove(0);
        assert!(!graph
            .has_active_temporary_access_pass(&user.id)
            .await
            .unwrap());
        let (pass, policy) = graph
            .issue_temporary_access_pass(&user.id, &ask(Some(60), Some(true)))
            .await
            .unwrap();
        assert_eq!(policy.lifetime_for(&ask(Some(60), None)), 60);
        assert!(graph
            .has_active_temporary_access_pass(&user.id)
            .await
            .unwrap());
        let listed = graph.temporary_access_passes(&user.id).await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].id, pass.id);
        assert_eq!(listed[0].is_usable_once, Some(true));
        let state = sim_state(&sim).await;
        let held = state["users"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["id"] == user.id.as_str())
            .unwrap()["temporaryAccessPass"]
            .clone();
        assert_eq!(held["pass"], pass.pass.expose());
        graph
            .delete_temporary_access_pass(&user.id, &pass.id)
            .await
            .unwrap();
        assert!(graph
            .temporary_access_passes(&user.id)
            .await
            .unwrap()
            .is_empty());
        let again = graph
            .delete_temporary_access_pass(&user.id, &pass.id)
            .await
            .unwrap_err();
        assert_eq!(again.kind(), GraphErrorKind::NotFound);
        sim.shutdown().await;
    })
    .await
}

#[tokio::test]
async fn the_phone_needs_the_users_usable_pass_and_uses_a_one_time_pass_up() {
    within(async {
        let sim = tenant().await;
        let graph = signed_in(&sim).await;
        let user = group_members(&sim, &graph).await.remove(0);
        let phone = |pass: &str| json!({"user": user.upn, "pass": pass, "platform": "android"});
        assert_eq!(post(&sim, "/_sim/phone", phone("nope")).await, 403);
        let (pass, _) = graph
            .issue_temporary_access_pass(&user.id, &ask(None, Some(true)))
            .await
            .unwrap();
        assert_eq!(post(&sim, "/_sim/phone", phone("wrong-pass")).await, 403);
        assert_eq!(
            post(&sim, "/_sim/phone", phone(pass.pass.expose())).await,
            200
        );
        let passkeys = graph.passkeys(&user.id).await.unwrap();
        assert_eq!(
            passkeys[0].aaguid.as_deref(),
            Some("de1e552d-db1d-4423-a619-566b625cdc84")
        );
        // One-time: a second phone is refused, and the listing says it was used.
        assert_eq!(
            post(&sim, "/_sim/phone", phone(pass.pass.expose())).await,
            403
        );
        assert!(!graph
            .has_active_temporary_access_pass(&user.id)
            .await
            .unwrap());
        // An expired pass is refused too.
        let (pass, _) = graph
            .issue_temporary_access_pass(&user.id, &ask(Some(60), Some(false)))
            .await
            .unwrap();
        post(&sim, "/_sim/clock", json!({"advanceSeconds": 3601})).await;
        assert_eq!(
            post(&sim, "/_sim/phone", phone(pass.pass.expose())).await,
            403
        );
        sim.shutdown().await;
    })
    .await
}

#[tokio::test]
async fn the_phone_is_refused_when_the_fido2_policy_leaves_authenticator_out() {
    within(async {
        let yubikey = uuid::uuid!("cb69481e-8ff7-4039-93ec-0a2729a154a8");
        let sim = Sim::start(SimConfig {
            users: 1,
            policy: keydesk_sim::Fido2Policy::allow(vec![yubikey]),
            ..SimConfig::default()
        })
        .await
        .unwrap();
        let graph = signed_in(&sim).await;
        let user = group_members(&sim, &graph).await.remove(0);
        let (pass, _) = graph
            .issue_temporary_access_pass(&user.id, &ask(None, Some(true)))
            .await
            .unwrap();
        let phone = json!({"user": user.upn, "pass": pass.pass.expose(), "platform": "ios"});
        assert_eq!(post(&sim, "/_sim/phone", phone).await, 403);
        assert!(graph.passkeys(&user.id).await.unwrap().is_empty());
        // The pass was not used up by the refused attempt.
        assert!(graph
            .has_active_temporary_access_pass(&user.id)
            .await
            .unwrap());
        sim.shutdown().await;
    })
    .await
}
