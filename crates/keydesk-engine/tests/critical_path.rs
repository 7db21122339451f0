//! The key's critical path (issue 16): the FIDO2 policy is read once per run and again
//! after a refusal; a batch takes every attempt's listing from the prefetcher or reads it
//! while the key works, and still journals it before each POST.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use async_trait::async_trait;
use keydesk_core::job::JobState;
use keydesk_core::{CreationOptions, DirectoryUser};
use keydesk_engine::batch::{self, Outcome};
use keydesk_engine::directory::{Directory, Fido2Policy, GroupRef, Method};
use keydesk_engine::keys::RackKeys;
use keydesk_engine::prefetch::Prefetch;
use keydesk_engine::{provision_user, Context, ProvisionError, Step};
use keydesk_graph::{Attempt, GraphClient, PasskeyListing, Registration, Verdict};
use keydesk_sim::{Sim, SimConfig};

/// Graph, counting the policy reads and the listings.
struct Counting<'a> {
    graph: &'a GraphClient,
    policy_reads: AtomicUsize,
    listings: AtomicUsize,
}

#[async_trait]
impl Directory for Counting<'_> {
    async fn user(&self, id: &str) -> Result<DirectoryUser, ProvisionError> {
        Directory::user(self.graph, id).await
    }
    async fn group_users(&self, g: &str) -> Result<Vec<DirectoryUser>, ProvisionError> {
        Directory::group_users(self.graph, g).await
    }
    async fn creation_options(
        &self,
        u: &str,
        m: Option<u32>,
    ) -> Result<CreationOptions, ProvisionError> {
        Directory::creation_options(self.graph, u, m).await
    }
    async fn register(
        &self,
        u: &str,
        r: &Registration,
        a: &Attempt,
    ) -> Result<Method, ProvisionError> {
        Directory::register(self.graph, u, r, a).await
    }
    async fn passkeys(&self, u: &str) -> Result<Vec<Method>, ProvisionError> {
        Directory::passkeys(self.graph, u).await
    }
    async fn passkey_listing(&self, u: &str) -> Result<PasskeyListing, ProvisionError> {
        self.listings.fetch_add(1, Ordering::SeqCst);
        Directory::passkey_listing(self.graph, u).await
    }
    async fn find_registration(&self, u: &str, a: &Attempt) -> Result<Verdict, ProvisionError> {
        Directory::find_registration(self.graph, u, a).await
    }
    async fn delete_passkey(&self, u: &str, m: &str) -> Result<(), ProvisionError> {
        Directory::delete_passkey(self.graph, u, m).await
    }
    async fn fido2_policy(&self) -> Result<Fido2Policy, ProvisionError> {
        self.policy_reads.fetch_add(1, Ordering::SeqCst);
        Directory::fido2_policy(self.graph).await
    }
    async fn resolve_group(&self, g: &str) -> Result<GroupRef, ProvisionError> {
        Directory::resolve_group(self.graph, g).await
    }
    async fn add_group_member(&self, g: &str, u: &str) -> Result<(), ProvisionError> {
        Directory::add_group_member(self.graph, g, u).await
    }
    async fn remove_group_member(&self, g: &str, u: &str) -> Result<(), ProvisionError> {
        Directory::remove_group_member(self.graph, g, u).await
    }
}

fn counting(graph: &GraphClient) -> Counting<'_> {
    Counting {
        graph,
        policy_reads: AtomicUsize::new(0),
        listings: AtomicUsize::new(0),
    }
}

async fn self_service(sim: &Sim, allowed: bool) {
    let set = reqwest::Client::new()
        .post(format!("{}/_sim/policy", sim.base_url()))
        .json(&serde_json::json!({ "isSelfServiceRegistrationAllowed": allowed }))
        .send()
        .await
        .unwrap();
    assert!(set.status().is_success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_reads_the_policy_once_and_journals_an_attempt_before_every_post() {
    common::limited(async {
        let sim = common::sim(SimConfig {
            users: 6,
            ..SimConfig::default()
        })
        .await;
        let (graph, users, journal, escrow, rack) = common::desk(&sim).await;
        let users: Vec<DirectoryUser> = users
            .into_iter()
            .filter(|u| u.ineligibility().is_none())
            .collect();
        let directory = counting(&graph);
        let prefetch = Prefetch::new(4);
        let mut ctx = Context::new(&directory, &journal, &escrow);
        ctx.prefetch = Some(&prefetch);
        rack.plug_new(common::blank_key("ONE"));
        let serial = AtomicUsize::new(0);
        let keys = RackKeys::with_refill(
            rack,
            Box::new(move || {
                common::blank_key(&format!("N{}", serial.fetch_add(1, Ordering::SeqCst)))
            }),
        );
        let registered = Mutex::new(0);
        let report = |_: &DirectoryUser, o: &Outcome| {
            assert!(matches!(o, Outcome::Registered(_)), "{o:?}");
            *registered.lock().unwrap() += 1;
        };
        batch::run(&ctx, users.clone(), &keys, 1, &report)
            .await
            .unwrap();

        assert_eq!(*registered.lock().unwrap(), users.len());
        assert_eq!(directory.policy_reads.load(Ordering::SeqCst), 1);
        // One listing per attempt at least (prefetched or read while the key worked).
        assert!(directory.listings.load(Ordering::SeqCst) >= users.len());
        for user in &users {
            let job = journal.job(&user.id).unwrap().unwrap();
            assert_eq!(job.state, JobState::Registered);
            let attempt = job.attempt.expect("an attempt journaled before the POST");
            assert!(attempt.before.is_empty(), "{attempt:?}");
            assert_eq!(common::passkeys_of(&sim, &user.upn).await, 1);
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_policy_refusal_is_read_again_for_the_next_user() {
    common::limited(async {
        let sim = common::sim(SimConfig {
            users: 3,
            ..SimConfig::default()
        })
        .await;
        let (graph, users, journal, escrow, rack) = common::desk(&sim).await;
        let users: Vec<&DirectoryUser> = users
            .iter()
            .filter(|u| u.ineligibility().is_none())
            .collect();
        let directory = counting(&graph);
        let ctx = Context::new(&directory, &journal, &escrow);
        rack.plug_new(common::blank_key("R1"));
        let keys = RackKeys::with_refill(rack, Box::new(|| common::blank_key("R2")));
        let quiet = |_: Step| {};

        self_service(&sim, false).await;
        let refused = provision_user(&ctx, users[0], &keys, &quiet).await;
        assert!(
            matches!(refused, Err(ProvisionError::Policy(_))),
            "{refused:?}"
        );
        // The administrator fixes the policy: the refusal was not kept.
        self_service(&sim, true).await;
        provision_user(&ctx, users[1], &keys, &quiet).await.unwrap();
        provision_user(&ctx, users[2], &keys, &quiet).await.unwrap();
        assert_eq!(
            directory.policy_reads.load(Ordering::SeqCst),
            2,
            "read for the refusal, then once for the two that followed"
        );
    })
    .await;
}
