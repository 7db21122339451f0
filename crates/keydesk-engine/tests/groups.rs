//! After registration the user is moved from the queue group to the "provisioned" group
//! (audited), and a move Graph refuses is a warning on a registered user, not a failure.
//! Pre-flight under enforced attestation: an unknown key model is refused before anything
//! is written to it, unless the operator allows unverified attestation.

mod common;

use std::sync::Arc;

use keydesk_core::job::JobState;
use keydesk_engine::audit::AuditLog;
use keydesk_engine::keys::RackKeys;
use keydesk_engine::queue::{self, QueueStatus};
use keydesk_engine::secrets::MemoryStore;
use keydesk_engine::{provision_user, Context, Journal, ProvisionError, Step};
use keydesk_fido::rack::SoftRack;
use keydesk_fido::SecurityKey;
use keydesk_graph::GraphClient;
use keydesk_sim::SimConfig;

const QUEUE: &str = "FIDO Provisioning";
const DONE: &str = "FIDO Provisioning - Provisioned";

fn quiet(_: Step) {}

async fn member_ids(graph: &GraphClient, name: &str) -> Vec<String> {
    let group = graph.find_group(name).await.unwrap();
    let users = graph.group_users(&group.id).await.unwrap();
    users.into_iter().map(|u| u.id).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_registered_user_moves_from_the_queue_group_to_the_provisioned_group() {
    common::limited(async {
        let sim = common::sim(SimConfig {
            users: 3,
            nested: Some(0),
            ..SimConfig::default()
        })
        .await;
        let graph = common::graph(&sim).await;
        let users = common::users(&graph, &sim).await;
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::open(&dir.path().join("journal.sqlite")).unwrap();
        let store = MemoryStore::default();
        let escrow = keydesk_engine::Escrow::new(&store).unwrap();
        let log_path = dir.path().join("audit.log");
        let audit = AuditLog::open(&log_path, &store, &journal).unwrap();
        let rack = Arc::new(SoftRack::new());
        let keys = RackKeys::new(rack.clone());
        let done_id = graph.find_group(DONE).await.unwrap().id;
        let mut ctx = Context::new(&graph, &journal, &escrow);
        ctx.audit = Some(&audit);
        // By name for one, by object id for the other: both resolve.
        ctx.settings.provisioned_group = Some(done_id.clone());
        ctx.settings.remove_from_queue_group = Some(QUEUE.into());
        for (i, user) in users.iter().take(2).enumerate() {
            rack.plug_new(common::blank_key(&format!("MOVE{i}")));
            let done = provision_user(&ctx, user, &keys, &quiet).await.unwrap();
            assert!(done.warnings.is_empty(), "{:?}", done.warnings);
        }
        let provisioned = member_ids(&graph, DONE).await;
        assert_eq!(provisioned, [users[0].id.clone(), users[1].id.clone()]);
        let queue = member_ids(&graph, QUEUE).await;
        assert_eq!(queue, [users[2].id.as_str()]);
        let log = std::fs::read_to_string(&log_path).unwrap();
        assert_eq!(log.matches("group member added").count(), 2, "{log}");
        assert_eq!(log.matches("group member removed").count(), 2, "{log}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_move_graph_refuses_is_a_warning_and_the_passkey_stays() {
    common::limited(async {
        let mut config = SimConfig {
            users: 1,
            nested: Some(0),
            ..SimConfig::default()
        };
        config
            .app_permissions
            .retain(|p| p != "GroupMember.ReadWrite.All");
        let sim = common::sim(config).await;
        let (graph, mut users, journal, escrow, rack) = common::desk(&sim).await;
        let user = users.remove(0);
        rack.plug_new(common::blank_key("NOPERM"));
        let keys = RackKeys::new(rack);
        let mut ctx = Context::new(&graph, &journal, &escrow);
        ctx.settings.provisioned_group = Some(DONE.into());
        ctx.settings.remove_from_queue_group = Some(QUEUE.into());
        let done = provision_user(&ctx, &user, &keys, &quiet).await.unwrap();
        assert_eq!(done.warnings.len(), 1, "{:?}", done.warnings);
        let warning = &done.warnings[0];
        assert!(warning.contains("provisioned group"), "{warning}");
        assert!(warning.contains("GroupMember.ReadWrite.All"), "{warning}");
        assert_eq!(
            journal.job(&user.id).unwrap().unwrap().state,
            JobState::Registered
        );
        assert_eq!(common::passkeys_of(&sim, &user.upn).await, 1);
        // Not added, so not removed either: the user stays in the queue group.
        assert_eq!(member_ids(&graph, QUEUE).await, [user.id.as_str()]);
        assert!(member_ids(&graph, DONE).await.is_empty());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enforced_attestation_refuses_an_unknown_model_unless_allowed() {
    common::limited(async {
        let sim = common::sim(SimConfig {
            users: 2,
            ..SimConfig::default()
        })
        .await;
        let set = reqwest::Client::new()
            .post(format!("{}/_sim/policy", sim.base_url()))
            .json(&serde_json::json!({ "isAttestationEnforced": true }))
            .send()
            .await
            .unwrap();
        assert!(set.status().is_success());
        let (graph, users, journal, escrow, rack) = common::desk(&sim).await;
        let user = users.iter().find(|u| u.ineligibility().is_none()).unwrap();
        let mut unknown = common::blank_key("NOMDS");
        unknown.aaguid = [0x42; 16];
        let key = rack.plug_new(unknown);
        let keys = RackKeys::new(rack);

        let mut ctx = Context::new(&graph, &journal, &escrow);
        let err = provision_user(&ctx, user, &keys, &quiet).await.unwrap_err();
        assert!(matches!(err, ProvisionError::Policy(_)), "{err}");
        let text = err.to_string();
        assert!(text.contains("attestation"), "{text}");
        assert!(
            text.contains("42424242-4242-4242-4242-424242424242"),
            "{text}"
        );
        assert!(err.remediation().contains("allow unverified attestation"));
        assert_eq!(
            key.info().await.unwrap().client_pin,
            Some(false),
            "no PIN set"
        );
        assert_eq!(common::passkeys_of(&sim, &user.upn).await, 0);

        // The operator takes the risk: pre-flight lets the key through, and the key is
        // written to (Entra has the last word on the attestation).
        ctx.settings.allow_unverified_attestation = true;
        let outcome = provision_user(&ctx, user, &keys, &quiet).await;
        if let Err(e) = &outcome {
            assert!(!matches!(e, ProvisionError::Policy(_)), "{e}");
        }
        assert_eq!(key.info().await.unwrap().client_pin, Some(true), "PIN set");
    })
    .await;
}

/// The key panel plugs keys that report a known model's AAGUID: such a key registers
/// (the simulator's policy does not enforce attestation), and the job names its model.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_soft_key_reporting_a_known_models_aaguid_registers_under_that_model() {
    common::limited(async {
        let sim = common::sim(SimConfig {
            users: 1,
            ..SimConfig::default()
        })
        .await;
        let (graph, mut users, journal, escrow, rack) = common::desk(&sim).await;
        let user = users.remove(0);
        let mut yubikey = common::blank_key("YK0001");
        yubikey.aaguid = *uuid::Uuid::parse_str("cb69481e-8ff7-4039-93ec-0a2729a154a8")
            .unwrap()
            .as_bytes();
        yubikey.model = "YubiKey 5 Series".to_owned();
        rack.plug_new(yubikey);
        let keys = RackKeys::new(rack);
        let ctx = Context::new(&graph, &journal, &escrow);
        let done = provision_user(&ctx, &user, &keys, &quiet).await.unwrap();
        assert_eq!(done.key_model, "YubiKey 5 Series");
        assert_eq!(common::passkeys_of(&sim, &user.upn).await, 1);
    })
    .await;
}

/// Issue 14: a reload of the queue shows the users who left the group since their job
/// started, marked and in their journaled state; their passkey stays where it is, and a
/// member who left without a job simply leaves the queue.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_who_left_the_group_stays_in_the_reloaded_queue_marked_as_left() {
    common::limited(async {
        let sim = common::sim(SimConfig {
            users: 4,
            nested: Some(0),
            ..SimConfig::default()
        })
        .await;
        let graph = common::graph(&sim).await;
        let group = graph.find_group(QUEUE).await.unwrap().id;
        let first = graph.group_users(&group).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::open(&dir.path().join("journal.sqlite")).unwrap();
        let store = MemoryStore::default();
        let escrow = keydesk_engine::Escrow::new(&store).unwrap();
        let rack = Arc::new(SoftRack::new());
        let keys = RackKeys::new(rack.clone());
        let ctx = Context::new(&graph, &journal, &escrow);
        queue::rows_of_group(&journal, &group, &[], &first).unwrap();
        // Registered after the load, then removed from the group: only the earlier load
        // knew them as a member.
        rack.plug_new(common::blank_key("LEFT0"));
        provision_user(&ctx, &first[0], &keys, &quiet)
            .await
            .unwrap();
        // Skipped as the window does it: enqueued with the UPN the queue knows, then skipped.
        journal.enqueue(&first[1].id, &first[1].upn).unwrap();
        queue::skip(&journal, &first[1].id).unwrap();
        for gone in [&first[0], &first[1], &first[3]] {
            graph.remove_group_member(&group, &gone.id).await.unwrap();
        }
        let now = graph.group_users(&group).await.unwrap();
        assert_eq!(now.len(), 1);
        let rows = queue::rows_of_group(&journal, &group, &first, &now).unwrap();
        let got: Vec<_> = rows
            .iter()
            .map(|r| (r.user.upn.as_str(), r.status, r.left_group))
            .collect();
        assert_eq!(
            got,
            [
                (first[2].upn.as_str(), QueueStatus::Pending, false),
                (first[0].upn.as_str(), QueueStatus::Registered, true),
                (first[1].upn.as_str(), QueueStatus::Skipped, true),
            ],
            "the member who left without a job ({}) is not listed",
            first[3].upn
        );
        assert_eq!(rows[1].user.display_name, first[0].display_name);
        // The registration is untouched: the simulator still holds the passkey.
        let state = keydesk_tests::sim_state(&sim).await;
        let passkeys = state["users"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["id"] == first[0].id.as_str())
            .map(|u| u["passkeys"].as_array().map_or(0, Vec::len));
        assert_eq!(passkeys, Some(1), "{state}");
        // The next load, with no earlier list, still knows who left.
        let again = queue::rows_of_group(&journal, &group, &[], &now).unwrap();
        assert_eq!(again.iter().filter(|r| r.left_group).count(), 2);
    })
    .await;
}
