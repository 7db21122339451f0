//! Issue 11: what a real tenant does that an agreeable simulator let through. Each test
//! runs the client against the stricter simulator.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use std::time::Duration;

use keydesk_core::{client_data, Pin};
use keydesk_fido::soft::{SoftKey, SoftKeyConfig, TouchMode};
use keydesk_fido::{MakeCredential, SecurityKey};
use keydesk_graph::{
    attestation_required, may_register, Attempt, Cloud, GraphErrorKind, Operation, PolicyRefusal,
    Registration, TapRequest,
};
use keydesk_sim::{Fido2Policy, PasskeyProfile, Sim, SimConfig};
use keydesk_tests::{group_members, signed_in, sim_counter, within};

async fn start(config: SimConfig) -> Sim {
    Sim::start(config).await.expect("sim starts")
}

/// A default tenant seeded with `users` users.
async fn tenant(users: usize) -> Sim {
    start(SimConfig {
        users,
        ..SimConfig::default()
    })
    .await
}

/// With GroupMember.Read.All alone Graph lists members as `@odata.type` + `id`: the client
/// reports the missing user-read permission, not a parse error.
#[tokio::test]
async fn members_without_a_user_read_permission_name_it() {
    within(async {
        let sim = start(SimConfig {
            users: 3,
            app_permissions: vec![
                "GroupMember.Read.All".into(),
                "UserAuthMethod-Passkey.ReadWrite.All".into(),
            ],
            ..SimConfig::default()
        })
        .await;
        let graph = signed_in(&sim).await;
        let group = graph.find_group("FIDO Provisioning").await.unwrap();
        let error = graph.group_users(&group.id).await.unwrap_err();
        assert_eq!(error.kind(), GraphErrorKind::Forbidden, "{error:?}");
        let remediation = error.remediation();
        assert!(remediation.contains("User.ReadBasic.All"), "{remediation}");
        assert!(
            remediation.contains("GroupMember.Read.All"),
            "{remediation}"
        );
        let hint = Operation::GroupMembers.permission_hint();
        assert!(hint.contains("User.ReadBasic.All") && hint.contains("User.Read.All"));
        sim.shutdown().await;
    })
    .await
}

/// An app-only token for raw calls, to see what the simulator sends before the client
/// reads it.
async fn raw_token(sim: &Sim) -> String {
    let c = sim.config();
    let http = reqwest::Client::new();
    let token: serde_json::Value = http
        .post(format!("{}/{}/oauth2/v2.0/token", sim.base_url(), c.tenant))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", c.client_id.as_str()),
            ("client_secret", c.client_secret.as_str()),
            ("scope", "https://graph.microsoft.com/.default"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    token["access_token"].as_str().unwrap().to_owned()
}

/// A raw GET with `token`.
async fn raw_get(sim: &Sim, token: &str, path: &str) -> serde_json::Value {
    reqwest::Client::new()
        .get(format!("{}{path}", sim.base_url()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// `publicKey.user.id` is plain base64url of 51 bytes (68 characters): the client keeps
/// exactly those bytes whatever the last character is (`1` would fool the padding-digit
/// rule into dropping a byte).
#[tokio::test]
async fn user_handles_of_real_length_decode_to_their_bytes() {
    within(async {
        let sim = tenant(1500).await;
        let graph = signed_in(&sim).await;
        let token = raw_token(&sim).await;
        let users = group_members(&sim, &graph).await;
        // '1' after a character whose low two bits are zero: 67 characters of valid
        // base64url, so the padding-digit rule would read 50 bytes.
        let misreadable = |id: &str| {
            let b = id.as_bytes();
            let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            let prev = alphabet.iter().position(|c| *c == b[b.len() - 2]).unwrap();
            b[b.len() - 1] == b'1' && prev % 4 == 0
        };
        let mut wanted = vec!['0', '1', '2'];
        for user in &users {
            let path = format!(
                "/v1.0/users/{}/authentication/fido2Methods/creationOptions",
                user.id
            );
            let raw = raw_get(&sim, &token, &path).await;
            let id = raw["publicKey"]["user"]["id"].as_str().unwrap().to_owned();
            let Some(at) = wanted
                .iter()
                .position(|c| id.ends_with(*c) && (*c != '1' || misreadable(&id)))
            else {
                continue;
            };
            wanted.remove(at);
            assert_eq!(id.len(), 68, "{id}");
            let options = graph.creation_options(&user.id, None).await.unwrap();
            assert_eq!(
                options.user_handle,
                URL_SAFE_NO_PAD.decode(&id).unwrap(),
                "{id}"
            );
            assert_eq!(options.user_handle.len(), 51, "{id}");
            if wanted.is_empty() {
                break;
            }
        }
        assert!(wanted.is_empty(), "no seeded handle ends in {wanted:?}");
        sim.shutdown().await;
    })
    .await
}

/// Plants a passkey with `credential_id` for `user` in the simulated tenant.
async fn plant(sim: &Sim, user: &str, credential_id: &[u8]) {
    let hex: String = credential_id.iter().map(|b| format!("{b:02x}")).collect();
    let answer = reqwest::Client::new()
        .post(format!("{}/_sim/passkeys", sim.base_url()))
        .json(&serde_json::json!({"user": user, "credentialIdHex": hex}))
        .send()
        .await
        .unwrap();
    assert!(answer.status().is_success(), "{answer:?}");
}

/// v1.0 spells excluded credential ids in plain base64url, beta in the padding-digit form;
/// an id that reads both ways is excluded under both readings, so the key never gets a
/// second credential for the user.
#[tokio::test]
async fn excluded_credential_ids_are_read_in_both_encodings() {
    within(async {
        let sim = tenant(2).await;
        let graph = signed_in(&sim).await;
        let users = group_members(&sim, &graph).await;
        // 51 bytes whose plain base64url ends in "…A1": also valid padding-digit text.
        let mut plain = vec![0x5a_u8; 51];
        plain[49] = 0xa0;
        plain[50] = 0x35;
        assert!(URL_SAFE_NO_PAD.encode(&plain).ends_with("A1"));
        // 50 bytes: beta writes them with the suffix 1, which reads as 51 plain bytes too.
        let digit = vec![0x33_u8; 50];
        plant(&sim, &users[0].id, &plain).await;
        plant(&sim, &users[0].id, &digit).await;
        for timeout in [None, Some(10)] {
            let options = graph.creation_options(&users[0].id, timeout).await.unwrap();
            let excluded = &options.exclude_credentials;
            assert!(excluded.contains(&plain), "{timeout:?}: {excluded:?}");
            assert!(excluded.contains(&digit), "{timeout:?}: {excluded:?}");
        }
        sim.shutdown().await;
    })
    .await
}

/// A challenge from beta's function form (custom timeout) is registered through beta too:
/// the simulator refuses a v1.0 POST of a beta-issued challenge.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_beta_challenge_is_registered_through_beta() {
    within(async {
        let sim = tenant(2).await;
        let graph = signed_in(&sim).await;
        let user = group_members(&sim, &graph).await.remove(0);
        let key = SoftKey::new(
            "k1",
            SoftKeyConfig {
                touch: TouchMode::Auto(Duration::from_millis(1)),
                ..SoftKeyConfig::default()
            },
        );
        let pin = Pin::new("739146");
        key.set_pin(&pin).await.unwrap();
        let options = graph.creation_options(&user.id, Some(60)).await.unwrap();
        let client_data_json = client_data::for_registration(&options.challenge, &options.rp_id);
        let request = MakeCredential::for_options(&options, client_data_json.clone());
        let attestation = key.make_credential(&request, &pin).await.unwrap();
        let registration = Registration {
            display_name: "Soft key".into(),
            credential_id: attestation.credential_id.clone(),
            client_data_json,
            attestation_object: attestation.to_cbor(),
            beta: options.beta,
        };
        let listing = graph.passkey_listing(&user.id).await.unwrap();
        let attempt = Attempt::new(&listing, &registration, None);
        graph
            .register_passkey(&user.id, &registration, &attempt)
            .await
            .unwrap();
        sim.shutdown().await;
    })
    .await
}

/// Passkey profiles: a tenant whose profiles allow only synced passkeys refuses a security
/// key (device-bound) at registration, and one that enforces attestation refuses a key
/// without it; pre-flight says so before the key is written.
#[tokio::test]
async fn passkey_profiles_are_judged_in_preflight() {
    within(async {
        let profile = |types: &str, attestation: &str| PasskeyProfile {
            passkey_types: types.into(),
            attestation_enforcement: attestation.into(),
            ..PasskeyProfile::default()
        };
        let sim = start(SimConfig {
            users: 1,
            policy: Fido2Policy {
                passkey_profiles: vec![profile("synced", "disabled")],
                ..Fido2Policy::default()
            },
            ..SimConfig::default()
        })
        .await;
        let graph = signed_in(&sim).await;
        let user = group_members(&sim, &graph).await.remove(0);
        let yubikey = uuid::Uuid::parse_str("cb69481e-8ff7-4039-93ec-0a2729a154a8").unwrap();
        let policy = graph.fido2_policy().await.unwrap();
        assert_eq!(policy.profiles[0].passkey_types, ["synced"]);
        let refusal = may_register(&policy, yubikey, &user).unwrap_err();
        assert_eq!(refusal, PolicyRefusal::DeviceBoundNotAllowed, "{refusal}");
        assert!(refusal.remediation().contains("device-bound"));

        let set = reqwest::Client::new()
            .post(format!("{}/_sim/policy", sim.base_url()))
            .json(&Fido2Policy {
                passkey_profiles: vec![profile("deviceBound", "registrationOnly")],
                ..Fido2Policy::default()
            })
            .send()
            .await
            .unwrap();
        assert!(set.status().is_success());
        let policy = graph.fido2_policy().await.unwrap();
        assert_eq!(may_register(&policy, yubikey, &user), Ok(()));
        assert!(policy.profiles[0].attestation_enforced);
        assert!(attestation_required(&policy, yubikey));
        sim.shutdown().await;
    })
    .await
}

/// Least privilege: an app holding UserAuthMethod-Passkey.ReadWrite.All (and not the older
/// UserAuthenticationMethod.ReadWrite.All) deletes passkeys through v1.0.
#[tokio::test]
async fn app_only_delete_with_the_passkey_permission_uses_v1() {
    within(async {
        let sim = start(SimConfig {
            users: 1,
            app_permissions: vec![
                "GroupMember.Read.All".into(),
                "User.ReadBasic.All".into(),
                "UserAuthMethod-Passkey.ReadWrite.All".into(),
            ],
            ..SimConfig::default()
        })
        .await;
        let graph = signed_in(&sim).await;
        let user = group_members(&sim, &graph).await.remove(0);
        plant(&sim, &user.id, &[7; 32]).await;
        let method = graph.passkeys(&user.id).await.unwrap().remove(0);
        graph.delete_passkey(&user.id, &method.id).await.unwrap();
        assert!(graph.passkeys(&user.id).await.unwrap().is_empty());
        sim.shutdown().await;
    })
    .await
}

/// In the China cloud neither provisioning nor listing nor deleting passkeys exists: each
/// is refused before any request, with a sentence saying so.
#[tokio::test]
async fn the_china_cloud_refuses_passkey_calls_before_sending() {
    within(async {
        let sim = tenant(1).await;
        let mut config = keydesk_tests::config_for(&sim);
        config.cloud = Cloud::China;
        let graph = keydesk_tests::signed_in_with(&sim, config).await;
        let before = sim_counter(&sim, "graphRequests").await;
        let user = "6b1f0000-0000-4000-8000-000000000001";
        let errors = [
            graph.passkeys(user).await.unwrap_err(),
            graph.passkey_listing(user).await.unwrap_err(),
            graph.delete_passkey(user, "abc0").await.unwrap_err(),
            graph.creation_options(user, None).await.unwrap_err(),
        ];
        for error in errors {
            assert_eq!(error.kind(), GraphErrorKind::Unsupported, "{error:?}");
            let sentence = error.remediation();
            assert!(sentence.contains("China"), "{sentence}");
        }
        assert_eq!(
            sim_counter(&sim, "graphRequests").await,
            before,
            "nothing was sent"
        );
        sim.shutdown().await;
    })
    .await
}

/// Graph replaces a user's Temporary Access Pass with a new one; it does not refuse it.
#[tokio::test]
async fn a_second_temporary_access_pass_replaces_the_first() {
    within(async {
        let sim = tenant(1).await;
        let graph = signed_in(&sim).await;
        let user = group_members(&sim, &graph).await.remove(0);
        let request = TapRequest::default();
        let first = graph
            .create_temporary_access_pass(&user.id, &request)
            .await
            .unwrap();
        let second = graph
            .create_temporary_access_pass(&user.id, &request)
            .await
            .unwrap();
        assert_ne!(first.pass.expose(), second.pass.expose());
        sim.shutdown().await;
    })
    .await
}
