//! A user's existing passkeys, as the window's user panel reads and deletes them, against
//! the simulated tenant over HTTP: listed with name, model and created date; deleted one
//! by one, audited, gone from the tenant; one already gone says so.

mod common;

use keydesk_engine::audit::AuditLog;
use keydesk_engine::passkeys;
use keydesk_engine::secrets::MemoryStore;
use keydesk_engine::{Context, ProvisionError};
use keydesk_sim::{Sim, SimConfig};

/// The soft key's AAGUID, which the built-in table names "KeyDesk Soft Key".
const SOFT_KEY: &str = "aa62412e-2cce-4d8b-9c5a-0330bc24e541";

async fn plant(sim: &Sim, upn: &str, name: &str, aaguid: &str, credential_hex: &str) {
    let planted = reqwest::Client::new()
        .post(format!("{}/_sim/passkeys", sim.base_url()))
        .json(&serde_json::json!({
            "user": upn,
            "credentialIdHex": credential_hex,
            "displayName": name,
            "aaguid": aaguid,
        }))
        .send()
        .await
        .unwrap();
    assert!(planted.status().is_success(), "{}", planted.status());
}

/// The display names of `upn`'s passkeys in `/_sim/state`.
async fn names_in_tenant(sim: &Sim, upn: &str) -> Vec<String> {
    let state = keydesk_tests::sim_state(sim).await;
    let user = state["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["upn"] == upn)
        .cloned()
        .unwrap();
    user["passkeys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["displayName"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn a_users_passkeys_are_listed_and_one_deleted_is_gone_and_audited() {
    common::limited(async {
        let sim = common::sim(SimConfig {
            users: 2,
            ..SimConfig::default()
        })
        .await;
        let (graph, users, journal, escrow, _rack) = common::desk(&sim).await;
        let user = &users[0];
        plant(&sim, &user.upn, "Desk key 2025", SOFT_KEY, "0a0b0c").await;
        plant(
            &sim,
            &user.upn,
            "Spare",
            "00000000-0000-0000-0000-000000000000",
            "0d0e0f",
        )
        .await;
        let dir = tempfile::tempdir().unwrap();
        let store = MemoryStore::default();
        let log = dir.path().join("audit.log");
        let audit = AuditLog::open(&log, &store, &journal).unwrap();
        let mut ctx = Context::new(&graph, &journal, &escrow);
        ctx.audit = Some(&audit);

        let listed = passkeys::existing(&ctx, &user.id).await.unwrap();
        assert_eq!(listed.len(), 2);
        let desk_key = listed
            .iter()
            .find(|p| p.display_name.as_deref() == Some("Desk key 2025"))
            .unwrap();
        assert_eq!(passkeys::model_of(None, desk_key), "KeyDesk Soft Key");
        assert!(desk_key.created.as_deref().is_some_and(|c| c.contains('T')));
        let spare = listed.iter().find(|p| p.id != desk_key.id).unwrap();
        assert_eq!(passkeys::model_of(None, spare), "unknown model");
        // Another user has none.
        assert!(passkeys::existing(&ctx, &users[1].id)
            .await
            .unwrap()
            .is_empty());

        let deleted = passkeys::delete_existing(&ctx, &user.id, &desk_key.id)
            .await
            .unwrap();
        assert_eq!(deleted.id, desk_key.id);
        assert_eq!(names_in_tenant(&sim, &user.upn).await, vec!["Spare"]);
        let text = std::fs::read_to_string(&log).unwrap();
        assert!(text.contains("passkey deleted"), "{text}");
        assert!(text.contains("Desk key 2025"), "{text}");
        assert!(text.contains(&user.id), "{text}");

        // Deleted again (another window, a stale list): said to be gone, nothing else.
        let again = passkeys::delete_existing(&ctx, &user.id, &desk_key.id)
            .await
            .unwrap_err();
        assert!(
            matches!(&again, ProvisionError::UnknownMethod(id) if *id == desk_key.id),
            "{again}"
        );
        assert_eq!(names_in_tenant(&sim, &user.upn).await, vec!["Spare"]);
        sim.shutdown().await;
    })
    .await;
}
