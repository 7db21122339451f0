//! Crash-resume: the engine is dropped at every step boundary (just before and just after
//! each side effect), the journal reopened, and the job run again. Every case must end in
//! exactly one registration for the user, with a PIN that opens the key.

mod common;

use std::sync::Arc;

use common::trip::{Trip, TripDirectory, TripKeys};
use keydesk_core::job::JobState;
use keydesk_engine::keys::RackKeys;
use keydesk_engine::secrets::MemoryStore;
use keydesk_engine::{provision_user, Context, Escrow, Journal, Step};
use keydesk_fido::rack::SoftRack;
use keydesk_fido::{GetAssertion, SecurityKey};
use keydesk_sim::{Faults, SimConfig};

/// creation options, set PIN, makeCredential, register POST.
const SIDE_EFFECTS: usize = 4;
/// The sim's empty "provisioned" group.
const PROVISIONED: &str = "FIDO Provisioning - Provisioned";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_at_every_step_boundary_ends_in_exactly_one_registration() {
    common::limited(restart_at_every_step(Faults::default())).await;
}

/// Regression (issue 10): with opaque method ids and a listing that shows a new passkey
/// only after a while, a restart after the POST must still find it, not register again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_finds_its_passkey_in_a_lagging_listing_of_opaque_ids() {
    let lagging = Faults {
        listing_delay_ms: 1200,
        ..Faults::default()
    };
    common::limited(restart_at_every_step(lagging)).await;
}

async fn restart_at_every_step(faults: Faults) {
    {
        let sim = common::sim(SimConfig {
            users: 2 * SIDE_EFFECTS,
            faults,
            ..SimConfig::default()
        })
        .await;
        let graph = common::graph(&sim).await;
        let users = common::users(&graph, &sim).await;
        // One escrow key for the whole test: it lives in the OS keyring, not the process.
        let store = MemoryStore::default();
        let cases = (0..SIDE_EFFECTS).flat_map(|at| [(at, false), (at, true)]);
        for ((at, after), user) in cases.zip(&users) {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("journal.sqlite");
            let rack = Arc::new(SoftRack::new());
            let key = rack.plug_new(common::blank_key(&format!("K{at}{after}")));

            // First run: dropped at the tripwire, as a crash would.
            {
                let journal = Journal::open(&path).unwrap();
                let escrow = Escrow::new(&store).unwrap();
                let trip = Trip::new(at, after);
                let directory = TripDirectory {
                    graph: &graph,
                    trip: trip.clone(),
                };
                let keys = TripKeys {
                    inner: RackKeys::new(rack.clone()),
                    trip: trip.clone(),
                };
                let ctx = Context::new(&directory, &journal, &escrow);
                let quiet = |_: Step| {};
                tokio::select! {
                    result = provision_user(&ctx, user, &keys, &quiet) => {
                        panic!("case {at}/{after}: finished before the tripwire: {result:?}")
                    }
                    () = trip.tripped.notified() => {}
                }
            }

            // Second run: a new engine on the reopened journal.
            let journal = Journal::open(&path).unwrap();
            let state = journal.job(&user.id).unwrap().unwrap().state;
            assert_ne!(state, JobState::Registered, "case {at}/{after}");
            let escrow = Escrow::new(&store).unwrap();
            let mut ctx = Context::new(&graph, &journal, &escrow);
            // Found registered or registered now: either way the user is moved once.
            ctx.settings.provisioned_group = Some(PROVISIONED.into());
            let keys = RackKeys::new(rack.clone());
            let quiet = |_: Step| {};
            let done = provision_user(&ctx, user, &keys, &quiet)
                .await
                .unwrap_or_else(|e| panic!("case {at}/{after}: {e}"));
            assert!(
                !done.warnings.iter().any(|w| w.contains("group")),
                "case {at}/{after}: {:?}",
                done.warnings
            );
            assert_eq!(
                common::passkeys_of(&sim, &user.upn).await,
                1,
                "case {at}/{after}: exactly one registration"
            );
            let job = journal.job(&user.id).unwrap().unwrap();
            assert_eq!(job.state, JobState::Registered, "case {at}/{after}");
            assert_eq!(job.method_id.as_deref(), Some(done.method_id.as_str()));

            // The PIN handed back is the key's PIN (nothing lost across the crash).
            let probe = GetAssertion {
                client_data_json: br#"{"type":"webauthn.get"}"#.to_vec(),
                rp_id: "login.microsoft.com".into(),
                allow_list: vec![],
            };
            key.get_assertion(&probe, &done.pin)
                .await
                .unwrap_or_else(|e| {
                    panic!("case {at}/{after}: the PIN does not open the key: {e}")
                });

            // A third run registers nobody.
            let again = provision_user(&ctx, user, &keys, &quiet).await;
            assert!(matches!(
                again,
                Err(keydesk_engine::ProvisionError::AlreadyRegistered)
            ));
            assert_eq!(common::passkeys_of(&sim, &user.upn).await, 1);
        }
        assert_eq!(common::counter(&sim, "rejectedRegistrations").await, 0);
        let group = graph.find_group(PROVISIONED).await.unwrap();
        let moved: Vec<String> = graph
            .group_users(&group.id)
            .await
            .unwrap()
            .into_iter()
            .map(|u| u.id)
            .collect();
        let expected: Vec<String> = users[..2 * SIDE_EFFECTS]
            .iter()
            .map(|u| u.id.clone())
            .collect();
        assert_eq!(moved, expected, "every user moved exactly once");
        sim.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_register_response_is_reconciled_not_sent_twice() {
    common::limited(async {
        let sim = common::sim(SimConfig {
            users: 2,
            faults: Faults {
                lose_responses_every: 1,
                ..Faults::default()
            },
            ..SimConfig::default()
        })
        .await;
        let (graph, users, journal, escrow, rack) = common::desk(&sim).await;
        let ctx = Context::new(&graph, &journal, &escrow);
        rack.plug_new(common::blank_key("LOST"));
        let keys = RackKeys::new(rack);
        let quiet = |_: Step| {};
        let done = provision_user(&ctx, &users[0], &keys, &quiet)
            .await
            .unwrap();
        assert!(!done.method_id.is_empty());
        assert_eq!(common::passkeys_of(&sim, &users[0].upn).await, 1);
        assert_eq!(
            journal.job(&users[0].id).unwrap().unwrap().state,
            JobState::Registered
        );
        assert_eq!(common::counter(&sim, "lostResponses").await, 1);
        assert_eq!(common::counter(&sim, "registrations").await, 1);
    })
    .await;
}
