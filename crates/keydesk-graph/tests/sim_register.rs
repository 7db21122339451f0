//! Registering real passkeys (made by `keydesk-fido`'s software key) with the simulated
//! tenant while it loses responses after writing, fails with 503 and throttles: every
//! user ends with exactly one passkey, and the client returns it each time. Deleting them
//! under the same faults leaves none and reports no error.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{within, Recorder};
use keydesk_core::{client_data, Pin};
use keydesk_fido::soft::{SoftKey, SoftKeyConfig, TouchMode};
use keydesk_fido::{MakeCredential, SecurityKey};
use keydesk_graph::{Attempt, Credentials, GraphClient, Registration, Secret};
use keydesk_sim::{Sim, SimConfig};
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lost_responses_outages_and_throttling_lose_and_duplicate_nothing() {
    within(async {
        let sim = Sim::start(SimConfig::default()).await.unwrap();
        let mut config = keydesk_tests::config_for(&sim);
        config.max_attempts = 6;
        let secret = Secret::new(sim.config().client_secret.clone());
        let graph = GraphClient::with_sleeper(
            config,
            Credentials::ClientSecret(secret),
            Arc::new(Recorder::default()),
        )
        .unwrap();
        let group = graph.find_group("FIDO Provisioning").await.unwrap();
        let users = graph.group_users(&group.id).await.unwrap();
        let faults = json!({"loseResponsesEvery": 2, "failEvery": 5, "throttleEvery": 7});
        let set = reqwest::Client::new()
            .post(format!("{}/_sim/faults", sim.base_url()))
            .json(&faults)
            .send()
            .await
            .unwrap();
        assert!(set.status().is_success());

        let key = SoftKey::new(
            "k1",
            SoftKeyConfig {
                touch: TouchMode::Auto(Duration::from_millis(1)),
                ..SoftKeyConfig::default()
            },
        );
        let pin = Pin::new("739146");
        key.set_pin(&pin).await.unwrap();
        let mut registered = Vec::new();
        for user in users.iter().take(6) {
            let options = graph.creation_options(&user.id, None).await.unwrap();
            let client_data_json =
                client_data::for_registration(&options.challenge, &options.rp_id);
            let request = MakeCredential::for_options(&options, client_data_json.clone());
            let attestation = key.make_credential(&request, &pin).await.unwrap();
            let registration = Registration {
                display_name: "Soft key".into(),
                credential_id: attestation.credential_id.clone(),
                client_data_json,
                attestation_object: attestation.to_cbor(),
                beta: false,
            };
            let passkey = graph
                .register_passkey(
                    &user.id,
                    &registration,
                    &Attempt::new(
                        &graph.passkey_listing(&user.id).await.unwrap(),
                        &registration,
                        None,
                    ),
                )
                .await
                .unwrap();
            registered.push((user.id.clone(), passkey.id));
        }

        let state = keydesk_tests::sim_state(&sim).await;
        assert!(state["counters"]["lostResponses"].as_u64().unwrap() > 0);
        assert!(state["counters"]["unavailable"].as_u64().unwrap() > 0);
        assert_eq!(state["counters"]["registrations"], 6);
        for (user_id, method_id) in &registered {
            let user = state["users"]
                .as_array()
                .unwrap()
                .iter()
                .find(|u| u["id"] == user_id.as_str())
                .unwrap();
            let passkeys = user["passkeys"].as_array().unwrap();
            assert_eq!(passkeys.len(), 1, "exactly one passkey for {user_id}");
            assert_eq!(passkeys[0]["id"], method_id.as_str());
        }

        // Deleting under the same faults: a lost answer followed by a 404 is done.
        for (user_id, method_id) in &registered {
            graph.delete_passkey(user_id, method_id).await.unwrap();
            assert!(graph.passkeys(user_id).await.unwrap().is_empty());
        }
        let after = keydesk_tests::sim_state(&sim).await;
        let lost = |s: &Value| s["counters"]["lostResponses"].as_u64().unwrap();
        assert!(
            lost(&after) > lost(&state),
            "a delete's answer was lost too"
        );
        sim.shutdown().await;
    })
    .await
}
