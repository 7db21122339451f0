//! Group membership writes against the simulated tenant: a user moved from the queue
//! group to the "provisioned" group, the same under lost responses (an add whose answer
//! was lost and a remove whose answer was lost both end done, once), and a 403 that names
//! GroupMember.ReadWrite.All.

mod common;

use std::sync::Arc;

use common::{within, Recorder};
use keydesk_graph::{Credentials, GraphClient, GraphErrorKind, Operation, Secret};
use keydesk_sim::{Faults, Sim, SimConfig};

fn client(sim: &Sim) -> GraphClient {
    let mut config = keydesk_tests::config_for(sim);
    config.max_attempts = 4;
    let secret = Secret::new(sim.config().client_secret.clone());
    GraphClient::with_sleeper(
        config,
        Credentials::ClientSecret(secret),
        Arc::new(Recorder::default()),
    )
    .unwrap()
}

async fn ids(graph: &GraphClient, group: &str) -> Vec<String> {
    let users = graph.group_users(group).await.unwrap();
    users.into_iter().map(|u| u.id).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_moves_to_the_provisioned_group_even_when_answers_are_lost() {
    within(async {
        let sim = Sim::start(SimConfig {
            users: 6,
            // Every second write is carried out and its answer lost.
            faults: Faults {
                lose_responses_every: 2,
                ..Faults::default()
            },
            ..SimConfig::default()
        })
        .await
        .unwrap();
        let graph = client(&sim);
        let queue = graph.resolve_group("FIDO Provisioning").await.unwrap();
        let done = graph
            .resolve_group("FIDO Provisioning - Provisioned")
            .await
            .unwrap();
        let again = graph.resolve_group(&done.id).await.unwrap();
        assert_eq!(again, done);
        let mut users = graph.group_users(&queue.id).await.unwrap();
        let (user, other) = (users.pop().unwrap(), users.pop().unwrap());

        // Write 1 answered; write 2 (the remove) lost, its repeat a 404: done.
        graph.add_group_member(&done.id, &user.id).await.unwrap();
        assert_eq!(ids(&graph, &done.id).await, [user.id.as_str()]);
        graph
            .remove_group_member(&queue.id, &user.id)
            .await
            .unwrap();
        assert!(!ids(&graph, &queue.id).await.contains(&user.id));
        // Write 4 (the add) lost, its repeat "already exist": done, and added once.
        graph.add_group_member(&done.id, &other.id).await.unwrap();
        assert_eq!(
            ids(&graph, &done.id).await,
            [user.id.clone(), other.id.clone()]
        );
        graph
            .remove_group_member(&queue.id, &other.id)
            .await
            .unwrap();
        assert!(!ids(&graph, &queue.id).await.contains(&other.id));

        // Without faults: a second add is Graph's "already exist" 400, reported as such;
        // a second remove is a 404.
        reqwest::Client::new()
            .post(format!("{}/_sim/faults", sim.base_url()))
            .json(&serde_json::json!({}))
            .send()
            .await
            .unwrap();
        let error = graph
            .add_group_member(&done.id, &user.id)
            .await
            .unwrap_err();
        assert!(error.is_already_member(), "{error}");
        let error = graph
            .remove_group_member(&queue.id, &user.id)
            .await
            .unwrap_err();
        assert_eq!(error.kind(), GraphErrorKind::NotFound, "{error}");
        assert!(error.remediation().contains("direct member"), "{error}");
        assert!(graph.add_group_member(" ", &user.id).await.is_err());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_permission_names_group_member_read_write() {
    within(async {
        let sim = Sim::start(SimConfig {
            users: 2,
            app_permissions: vec!["GroupMember.Read.All".into(), "User.Read.All".into()],
            ..SimConfig::default()
        })
        .await
        .unwrap();
        let graph = client(&sim);
        let queue = graph.resolve_group("FIDO Provisioning").await.unwrap();
        let user = graph.group_users(&queue.id).await.unwrap().remove(0);
        for error in [
            graph
                .add_group_member(&queue.id, &user.id)
                .await
                .unwrap_err(),
            graph
                .remove_group_member(&queue.id, &user.id)
                .await
                .unwrap_err(),
        ] {
            assert_eq!(error.kind(), GraphErrorKind::Forbidden, "{error}");
            assert!(
                error.remediation().contains("GroupMember.ReadWrite.All"),
                "{}",
                error.remediation()
            );
        }
        assert!(matches!(
            graph.add_group_member(&queue.id, &user.id).await,
            Err(keydesk_graph::GraphError::Api {
                operation: Operation::AddGroupMember,
                ..
            })
        ));
    })
    .await;
}
