//! Three users provisioned end to end: Graph client → simulated tenant over HTTP,
//! simulated keys with real crypto, and the simulator's own webauthn-rs-core verification
//! deciding whether each attestation is accepted.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use keydesk_core::PinPolicy;
use keydesk_engine::batch::{self, Outcome};
use keydesk_engine::keys::RackKeys;
use keydesk_engine::secrets::MemoryStore;
use keydesk_engine::{Context, Escrow, Journal};
use keydesk_fido::rack::SoftRack;
use keydesk_fido::soft::{SoftKeyConfig, TouchMode};
use keydesk_sim::{Sim, SimConfig};
use keydesk_tests::{signed_in, within};

fn blank_key() -> SoftKeyConfig {
    let mut config = SoftKeyConfig::with_serial("E2E");
    config.touch = TouchMode::Auto(Duration::from_millis(5));
    config
}

/// Two keys plugged; each registered key is handed out and a blank one takes its place.
fn desk() -> (Arc<SoftRack>, RackKeys) {
    let rack = Arc::new(SoftRack::new());
    rack.plug_new(blank_key());
    rack.plug_new(blank_key());
    let keys = RackKeys::with_refill(rack.clone(), Box::new(blank_key));
    (rack, keys)
}

async fn passkeys_per_user(sim: &Sim) -> Vec<(String, usize)> {
    let state: serde_json::Value = reqwest::get(format!("{}/_sim/state", sim.base_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    state["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            let upn = u["upn"].as_str().unwrap().to_owned();
            (upn, u["passkeys"].as_array().map_or(0, Vec::len))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_users_registered_once_each_and_a_rerun_registers_nobody_twice() {
    within(async {
        let sim = Sim::start(SimConfig {
            users: 3,
            ..SimConfig::default()
        })
        .await
        .unwrap();
        let graph = signed_in(&sim).await;
        let group = graph.find_group("FIDO Provisioning").await.unwrap();
        let users = graph.group_users(&group.id).await.unwrap();
        assert_eq!(users.len(), 3);
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::open(&dir.path().join("journal.sqlite")).unwrap();
        let (rack, keys) = desk();
        let escrow = Escrow::new(&MemoryStore::default()).unwrap();
        let mut ctx = Context::new(&graph, &journal, &escrow);
        ctx.pin_policy = PinPolicy::default();

        let outcomes = Mutex::new(Vec::new());
        let record = |u: &keydesk_core::DirectoryUser, o: &Outcome| {
            let label = match o {
                Outcome::Registered(done) => {
                    assert_eq!(done.pin.len(), 6);
                    "registered".to_owned()
                }
                other => format!("{other:?}"),
            };
            outcomes.lock().unwrap().push((u.upn.clone(), label));
        };
        batch::run(&ctx, users.clone(), &keys, 2, &record)
            .await
            .unwrap();
        let first = outcomes.lock().unwrap().clone();
        assert_eq!(first.len(), 3);
        assert!(first.iter().all(|(_, o)| o == "registered"), "{first:?}");
        let counts = passkeys_per_user(&sim).await;
        for user in &users {
            let n = counts.iter().find(|(upn, _)| *upn == user.upn).unwrap().1;
            assert_eq!(n, 1, "{} should hold exactly one passkey", user.upn);
        }
        // Every registered key was handed out: the rack holds two blank keys again.
        assert_eq!(rack.plugged().len(), 2);
        assert!(rack.plugged().iter().all(|k| k.credentials().is_empty()));

        outcomes.lock().unwrap().clear();
        batch::run(&ctx, users.clone(), &keys, 2, &record)
            .await
            .unwrap();
        let second = outcomes.lock().unwrap().clone();
        assert!(
            second.iter().all(|(_, o)| o == "AlreadyRegistered"),
            "{second:?}"
        );
        assert_eq!(
            passkeys_per_user(&sim).await,
            counts,
            "a rerun must register nobody"
        );
        sim.shutdown().await;
    })
    .await;
}
