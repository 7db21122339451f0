//! The Yubico sample's usersToRegister.csv as a queue: rows are resolved by UPN, a fresh
//! challenge from the file is the one provisioning uses (the simulated tenant verifies it
//! as any), a user who already holds a passkey gets fresh options instead, and an expired
//! challenge is never sent.

mod common;

use keydesk_core::import::parse_user_list;
use keydesk_core::rfc3339::format_unix;
use keydesk_engine::imported::plant_imported;
use keydesk_engine::keys::RackKeys;
use keydesk_engine::prefetch::Prefetch;
use keydesk_engine::{provision_user, system_now, Context, Step};
use keydesk_sim::SimConfig;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn challenges_from_the_samples_file_are_used_while_fresh() {
    common::limited(async {
        let sim = common::sim(SimConfig {
            users: 3,
            ..SimConfig::default()
        })
        .await;
        let (graph, users, journal, escrow, rack) = common::desk(&sim).await;
        // What the sample's step 1 writes: beta options with a 60-minute challenge.
        let mut text =
            "#User.Name,User.DisplayName,User.ID,Challenge,ChallengeExpiryTime,RP.ID\r\n"
                .to_owned();
        for (i, user) in users.iter().enumerate() {
            let options = graph.creation_options(&user.id, Some(60)).await.unwrap();
            let expiry = if i == 2 {
                system_now() - 1
            } else {
                options.expires_at_unix
            };
            text.push_str(&format!(
                "{},{},{},{},{},{}\r\n",
                options.user_name,
                options.user_display_name,
                keydesk_core::b64::encode(&options.user_handle),
                options.challenge,
                format_unix(expiry),
                options.rp_id
            ));
        }
        // users[1] already holds a passkey: the file cannot exclude it.
        let planted = reqwest::Client::new()
            .post(format!("{}/_sim/passkeys", sim.base_url()))
            .json(&serde_json::json!({"user": users[1].upn, "credentialIdHex": "0a0b0c"}))
            .send()
            .await
            .unwrap();
        assert!(planted.status().is_success());

        let (entries, errors) = parse_user_list(text.as_bytes(), system_now());
        assert_eq!(entries.len(), 3);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].imported && errors[0].line == 4);
        let prefetch = Prefetch::new(2);
        let imported = plant_imported(&graph, &prefetch, &entries, system_now()).await;
        assert_eq!(imported.users.len(), 3);
        assert_eq!(imported.planted, 1);
        assert_eq!(prefetch.len(), 1);

        let mut ctx = Context::new(&graph, &journal, &escrow);
        ctx.prefetch = Some(&prefetch);
        rack.plug_new(common::blank_key("F1"));
        let keys = RackKeys::with_refill(rack, Box::new(|| common::blank_key("F2")));
        let quiet = |_: Step| {};
        for user in &imported.users {
            provision_user(&ctx, user, &keys, &quiet).await.unwrap();
        }
        assert!(prefetch.is_empty(), "the planted challenge was taken");
        assert_eq!(prefetch.discarded(), 0);
        assert_eq!(common::passkeys_of(&sim, &users[0].upn).await, 1);
        assert_eq!(common::passkeys_of(&sim, &users[1].upn).await, 2);
        assert_eq!(common::passkeys_of(&sim, &users[2].upn).await, 1);
        assert_eq!(common::counter(&sim, "rejectedRegistrations").await, 0);
    })
    .await;
}
