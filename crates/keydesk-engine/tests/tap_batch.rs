//! Passes for onboarding letters, against the simulated tenant: each issued pass is the
//! one the tenant holds for that user, with its validity; a user with an active pass, an
//! unknown user and a FIDO2 policy without Authenticator are refused per user; a request
//! outside the TAP policy issues nothing.

mod common;

use keydesk_engine::tap_batch::{issue_passes, PassOptions};
use keydesk_engine::{Context, ProvisionError};
use keydesk_graph::TapRequest;
use keydesk_sim::{Fido2Policy, Sim, SimConfig};
use serde_json::Value;
use uuid::uuid;

async fn held(sim: &Sim, upn: &str) -> Value {
    let state = keydesk_tests::sim_state(sim).await;
    state["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["upn"] == upn)
        .unwrap()["temporaryAccessPass"]
        .clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_letter_gets_the_pass_the_tenant_issued() {
    common::limited(async {
        let sim = common::sim(SimConfig {
            users: 3,
            ..SimConfig::default()
        })
        .await;
        let (graph, users, journal, escrow, _) = common::desk(&sim).await;
        let ctx = Context::new(&graph, &journal, &escrow);
        graph
            .create_temporary_access_pass(&users[2].id, &TapRequest::default())
            .await
            .unwrap();
        let asked: Vec<String> = vec![
            users[0].upn.clone(),
            "nobody@contoso.onmicrosoft.com".into(),
            users[1].upn.clone(),
            users[2].upn.clone(),
        ];
        let options = PassOptions {
            lifetime_minutes: Some(120),
            one_time: true,
            replace: false,
        };
        let results = issue_passes(&ctx, &graph, &asked, options).await.unwrap();
        assert_eq!(results.len(), 4);
        for i in [0, 2] {
            let pass = results[i].as_ref().unwrap();
            let tenant = held(&sim, &pass.upn).await;
            assert_eq!(tenant["pass"], pass.pass.expose());
            assert_eq!(tenant["startDateTime"], pass.start_text());
            assert_eq!(tenant["endDateTime"], pass.end_text());
            assert_eq!(pass.end - pass.start, 120 * 60);
            assert!(pass.one_time);
            assert!(!format!("{pass:?}").contains(pass.pass.expose()));
        }
        let (who, error) = results[1].as_ref().unwrap_err();
        assert_eq!(who, "nobody@contoso.onmicrosoft.com");
        assert!(matches!(error, ProvisionError::Graph(_)), "{error}");
        let (_, error) = results[3].as_ref().unwrap_err();
        assert!(error.to_string().contains("already holds"), "{error}");
        sim.shutdown().await;
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_policies_refuse_before_a_pass_is_issued() {
    common::limited(async {
        let yubikey = uuid!("cb69481e-8ff7-4039-93ec-0a2729a154a8");
        let sim = common::sim(SimConfig {
            users: 1,
            policy: Fido2Policy::allow(vec![yubikey]),
            ..SimConfig::default()
        })
        .await;
        let (graph, users, journal, escrow, _) = common::desk(&sim).await;
        let ctx = Context::new(&graph, &journal, &escrow);
        let asked = vec![users[0].upn.clone()];
        let too_long = PassOptions {
            lifetime_minutes: Some(600),
            ..PassOptions::default()
        };
        let error = issue_passes(&ctx, &graph, &asked, too_long)
            .await
            .unwrap_err();
        assert!(error.to_string().contains("60 to 480"), "{error}");
        let results = issue_passes(&ctx, &graph, &asked, PassOptions::default())
            .await
            .unwrap();
        let (_, error) = results[0].as_ref().unwrap_err();
        assert!(matches!(error, ProvisionError::Policy(_)), "{error}");
        assert_eq!(held(&sim, &users[0].upn).await, Value::Null);
        sim.shutdown().await;
    })
    .await
}
