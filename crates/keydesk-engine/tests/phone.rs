//! A phone handed out with a passkey in Microsoft Authenticator, against the simulated
//! tenant and its phone (`/_sim/phone`): the passkey is detected, the pass deleted, the
//! phone in the inventory and the audit log; a cancelled or timed-out watch leaves no pass
//! behind; the TAP policy and an active pass stop the flow before a pass is issued.

mod common;

use std::sync::Mutex;
use std::time::Duration;

use keydesk_engine::audit::AuditLog;
use keydesk_engine::inventory::{DeviceKind, PhonePlatform};
use keydesk_engine::phone::{
    issue_phone_pass, watch_for_phone, PhoneEvent, PhoneOptions, PhoneOutcome,
};
use keydesk_engine::secrets::MemoryStore;
use keydesk_engine::{Context, Journal, ProvisionError};
use keydesk_graph::TapRequest;
use keydesk_sim::{Sim, SimConfig};
use serde_json::{json, Value};

async fn tenant() -> Sim {
    common::sim(SimConfig {
        users: 2,
        ..SimConfig::default()
    })
    .await
}

fn quick() -> PhoneOptions {
    PhoneOptions {
        timeout: Duration::from_secs(20),
        poll_every: Duration::from_millis(50),
        ..PhoneOptions::default()
    }
}

/// The user's entry in `/_sim/state`.
async fn sim_user(sim: &Sim, upn: &str) -> Value {
    let state = keydesk_tests::sim_state(sim).await;
    state["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["upn"] == upn)
        .unwrap()
        .clone()
}

async fn phone(sim: &Sim, upn: &str, pass: &str, platform: &str) -> u16 {
    reqwest::Client::new()
        .post(format!("{}/_sim/phone", sim.base_url()))
        .json(&json!({"user": upn, "pass": pass, "platform": platform}))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_phone_is_detected_the_pass_deleted_and_the_phone_recorded() {
    common::limited(async {
        let sim = tenant().await;
        let (graph, users, _, escrow, _) = common::desk(&sim).await;
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::open(&dir.path().join("journal.sqlite")).unwrap();
        let store = MemoryStore::default();
        let audit = AuditLog::open(&dir.path().join("audit.log"), &store, &journal).unwrap();
        let mut ctx = Context::new(&graph, &journal, &escrow);
        ctx.audit = Some(&audit);
        let user = &users[0];
        let options = quick();
        let session = issue_phone_pass(&ctx, &graph, &user.upn, &options)
            .await
            .unwrap();
        assert_eq!(session.lifetime_minutes, 60);
        assert!(!format!("{session:?}").contains(session.pass().expose()));
        let held = sim_user(&sim, &user.upn).await;
        assert_eq!(held["temporaryAccessPass"]["pass"], session.pass().expose());
        assert_eq!(held["temporaryAccessPass"]["isUsableOnce"], true);

        // The technician signs in to Authenticator with the pass, a moment later.
        let pass = session.pass().expose().to_owned();
        let secret = pass.clone();
        let (sim_url, upn) = (sim.base_url(), user.upn.clone());
        let playing = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(200)).await;
            reqwest::Client::new()
                .post(format!("{sim_url}/_sim/phone"))
                .json(&json!({"user": upn, "pass": pass, "platform": "ios"}))
                .send()
                .await
                .unwrap()
                .status()
        });
        let seen = Mutex::new(Vec::new());
        let record = |e: PhoneEvent| seen.lock().unwrap().push(e);
        let result = watch_for_phone(
            &ctx,
            &graph,
            session,
            &options,
            std::future::pending(),
            &record,
        )
        .await
        .unwrap();
        assert!(playing.await.unwrap().is_success());
        let PhoneOutcome::Registered {
            platform,
            method_id,
            ..
        } = result.outcome
        else {
            panic!("{result:?}")
        };
        assert_eq!(platform, PhonePlatform::Ios);
        assert!(result.pass_deleted);
        let held = sim_user(&sim, &user.upn).await;
        assert_eq!(held["hasTemporaryAccessPass"], false);
        assert_eq!(held["passkeys"][0]["id"], method_id.as_str());
        let seen = seen.into_inner().unwrap();
        assert!(matches!(seen[0], PhoneEvent::Waiting { .. }), "{seen:?}");
        assert!(seen.contains(&PhoneEvent::Detected {
            upn: user.upn.clone(),
            platform,
            method_id: method_id.clone(),
        }));
        assert_eq!(
            seen.last(),
            Some(&PhoneEvent::PassDeleted {
                upn: user.upn.clone()
            })
        );
        let inventory = journal.find_inventory(&user.upn).unwrap();
        assert_eq!(inventory.len(), 1);
        assert_eq!(inventory[0].kind(), DeviceKind::Phone(PhonePlatform::Ios));
        assert_eq!(inventory[0].method_id, method_id);
        let log = audit.export().unwrap();
        assert!(log.contains("phone pass issued") && log.contains("phone registered"));
        // The pass never reaches the audit log.
        assert!(!log.contains(&secret));
        sim.shutdown().await;
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_or_timed_out_watch_leaves_no_pass_behind() {
    common::limited(async {
        let sim = tenant().await;
        let (graph, users, journal, escrow, _) = common::desk(&sim).await;
        let ctx = Context::new(&graph, &journal, &escrow);
        let options = quick();
        let quiet = |_: PhoneEvent| {};

        let session = issue_phone_pass(&ctx, &graph, &users[0].upn, &options)
            .await
            .unwrap();
        let pass = session.pass().expose().to_owned();
        let cancel = tokio::time::sleep(Duration::from_millis(150));
        let result = watch_for_phone(&ctx, &graph, session, &options, cancel, &quiet)
            .await
            .unwrap();
        assert_eq!(result.outcome, PhoneOutcome::Cancelled);
        assert!(result.pass_deleted);
        assert_eq!(
            sim_user(&sim, &users[0].upn).await["hasTemporaryAccessPass"],
            false
        );
        // The withdrawn pass no longer signs the phone in.
        assert_eq!(phone(&sim, &users[0].upn, &pass, "android").await, 403);

        let short = PhoneOptions {
            timeout: Duration::from_millis(300),
            ..quick()
        };
        let session = issue_phone_pass(&ctx, &graph, &users[1].upn, &short)
            .await
            .unwrap();
        let result = watch_for_phone(
            &ctx,
            &graph,
            session,
            &short,
            std::future::pending(),
            &quiet,
        )
        .await
        .unwrap();
        assert_eq!(result.outcome, PhoneOutcome::TimedOut);
        assert_eq!(
            sim_user(&sim, &users[1].upn).await["hasTemporaryAccessPass"],
            false
        );
        assert!(journal.inventory().unwrap().is_empty());
        sim.shutdown().await;
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_policy_and_an_active_pass_stop_the_flow_before_a_pass_is_issued() {
    common::limited(async {
        let sim = tenant().await;
        let (graph, users, journal, escrow, _) = common::desk(&sim).await;
        let ctx = Context::new(&graph, &journal, &escrow);
        let upn = &users[0].upn;
        let too_short = PhoneOptions {
            lifetime_minutes: Some(15),
            ..quick()
        };
        let error = issue_phone_pass(&ctx, &graph, upn, &too_short)
            .await
            .unwrap_err();
        assert!(error.to_string().contains("60 to 480"), "{error}");
        assert_eq!(sim_user(&sim, upn).await["hasTemporaryAccessPass"], false);

        graph
            .create_temporary_access_pass(&users[0].id, &TapRequest::default())
            .await
            .unwrap();
        let held = sim_user(&sim, upn).await["temporaryAccessPass"]["pass"].clone();
        let error = issue_phone_pass(&ctx, &graph, upn, &quick())
            .await
            .unwrap_err();
        assert!(
            matches!(&error, ProvisionError::PassActive(u) if u == upn),
            "{error}"
        );
        assert!(error.to_string().contains("already holds"), "{error}");
        assert_eq!(
            sim_user(&sim, upn).await["temporaryAccessPass"]["pass"],
            held
        );
        let replace = PhoneOptions {
            replace: true,
            ..quick()
        };
        let session = issue_phone_pass(&ctx, &graph, upn, &replace).await.unwrap();
        assert_ne!(Value::from(session.pass().expose()), held);
        sim.shutdown().await;
    })
    .await
}
