//! The client against the simulated tenant (`keydesk-sim`) over real HTTP.

use std::collections::HashSet;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use keydesk_core::options::CredProtect;
use keydesk_graph::{
    Attempt, Credentials, GraphClient, GraphConfig, GraphError, GraphErrorKind, Registration,
    Secret,
};
use keydesk_sim::{Sim, SimConfig};
use url::Url;

use keydesk_tests::{sim_counter, within};

async fn start(config: SimConfig) -> Sim {
    Sim::start(config).await.expect("sim starts")
}

fn client_with_secret(sim: &Sim, secret: &str) -> GraphClient {
    let mut config = keydesk_tests::config_for(sim);
    config.timeout = Duration::from_secs(10);
    GraphClient::new(config, Credentials::ClientSecret(Secret::new(secret))).unwrap()
}

fn client(sim: &Sim) -> GraphClient {
    client_with_secret(sim, &sim.config().client_secret.clone())
}

fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

#[tokio::test]
async fn sign_in_with_the_right_secret() {
    within(async {
        let sim = start(SimConfig::default()).await;
        client(&sim).sign_in().await.unwrap();
        assert_eq!(sim_counter(&sim, "tokenRequests").await, 1);
        sim.shutdown().await;
    })
    .await
}

#[tokio::test]
async fn sign_in_with_a_wrong_secret_is_a_sign_in_error() {
    within(async {
        let sim = start(SimConfig::default()).await;
        let error = client_with_secret(&sim, "not-the-secret")
            .sign_in()
            .await
            .unwrap_err();
        assert_eq!(error.kind(), GraphErrorKind::SignIn);
        let GraphError::SignIn { code, message, .. } = &error else {
            panic!("{error:?}")
        };
        assert_eq!(code, "AADSTS7000215");
        assert!(message.contains("Invalid client secret"), "{message}");
        assert!(!error.to_string().contains("not-the-secret"));
        assert!(error.remediation().contains("client secret"));
        sim.shutdown().await;
    })
    .await
}

#[tokio::test]
async fn an_unknown_tenant_is_named_in_the_remediation() {
    within(async {
        let sim = start(SimConfig::default()).await;
        let base = Url::parse(&sim.base_url()).unwrap();
        let mut config = GraphConfig::global("fabrikam.onmicrosoft.com", "x");
        config.login_url = base.clone();
        config.graph_url = base;
        let error = GraphClient::new(config, Credentials::ClientSecret("s".into()))
            .unwrap()
            .sign_in()
            .await
            .unwrap_err();
        assert!(matches!(&error, GraphError::SignIn { code, .. } if code == "AADSTS90002"));
        assert!(error.remediation().contains("tenant was not found"));
        sim.shutdown().await;
    })
    .await
}

#[tokio::test]
async fn the_token_is_cached_across_calls() {
    within(async {
        let sim = start(SimConfig::default()).await;
        let graph = client(&sim);
        let group = graph.find_group("FIDO Provisioning").await.unwrap();
        graph.group_users(&group.id).await.unwrap();
        graph.clone().find_group("FIDO Provisioning").await.unwrap();
        assert_eq!(sim_counter(&sim, "tokenRequests").await, 1);
        sim.shutdown().await;
    })
    .await
}

#[tokio::test]
async fn an_expired_token_is_refreshed_once_and_the_read_retried() {
    within(async {
        let sim = start(SimConfig::default()).await;
        let graph = client(&sim);
        graph.find_group("FIDO Provisioning").await.unwrap();
        // The sim's clock moves past the token's expiry; the client's cache does not know.
        let advanced = reqwest::Client::new()
            .post(format!("{}/_sim/clock", sim.base_url()))
            .body(r#"{"advanceSeconds": 7200}"#)
            .send()
            .await
            .unwrap();
        assert!(advanced.status().is_success());
        graph.find_group("FIDO Provisioning").await.unwrap();
        assert_eq!(sim_counter(&sim, "tokenRequests").await, 2);
        sim.shutdown().await;
    })
    .await
}

#[tokio::test]
async fn find_group_by_name() {
    within(async {
        let sim = start(SimConfig::default()).await;
        let graph = client(&sim);
        let group = graph.find_group("FIDO Provisioning").await.unwrap();
        assert_eq!(group.display_name, "FIDO Provisioning");
        assert!(!group.id.is_empty());
        let missing = graph.find_group("No Such Group").await.unwrap_err();
        assert!(matches!(&missing, GraphError::GroupNotFound(n) if n == "No Such Group"));
        assert_eq!(missing.kind(), GraphErrorKind::NotFound);
        let quoted = graph.find_group("O'Brien's team").await.unwrap_err();
        assert!(matches!(quoted, GraphError::GroupNotFound(_)), "{quoted:?}");
        sim.shutdown().await;
    })
    .await
}

#[tokio::test]
async fn two_groups_with_one_name_are_ambiguous() {
    within(async {
        // The sim always seeds a "Helpdesk" group; naming the provisioning group the same
        // makes two.
        let sim = start(SimConfig {
            group: "Helpdesk".into(),
            ..SimConfig::default()
        })
        .await;
        let error = client(&sim).find_group("Helpdesk").await.unwrap_err();
        let GraphError::AmbiguousGroup { name, candidates } = &error else {
            panic!("{error:?}")
        };
        assert_eq!(name, "Helpdesk");
        assert_eq!(candidates.len(), 2);
        assert_ne!(candidates[0].id, candidates[1].id);
        assert_eq!(error.kind(), GraphErrorKind::Ambiguous);
        assert!(error.remediation().contains(&candidates[1].id));
        sim.shutdown().await;
    })
    .await
}

#[tokio::test]
async fn group_users_follows_every_page_without_duplicates() {
    within(async {
        let sim = start(SimConfig {
            page_size: 7,
            guests: 2,
            disabled: 1,
            ..SimConfig::default()
        })
        .await;
        let graph = client(&sim);
        let group = graph.find_group("FIDO Provisioning").await.unwrap();
        let users = graph.group_users(&group.id).await.unwrap();
        assert_eq!(users.len(), 25 + 2 + 1);
        let ids: HashSet<_> = users.iter().map(|u| u.id.as_str()).collect();
        assert_eq!(ids.len(), users.len(), "duplicates");
        assert_eq!(users.iter().filter(|u| u.guest).count(), 2);
        assert_eq!(users.iter().filter(|u| !u.enabled).count(), 1);
        assert!(users.iter().all(|u| u.upn.contains('@')));
        // Every seeded user has a department, which the queue's search reads.
        assert!(users.iter().all(|u| u.department.is_some()), "{users:?}");
        // 28 users in pages of 7: four pages, plus one token request's worth of nothing else.
        assert_eq!(sim_counter(&sim, "graphRequests").await, 1 + 4);
        sim.shutdown().await;
    })
    .await
}

#[tokio::test]
async fn user_by_upn_and_by_id_and_not_found() {
    within(async {
        let sim = start(SimConfig::default()).await;
        let graph = client(&sim);
        let group = graph.find_group("FIDO Provisioning").await.unwrap();
        let first = graph.group_users(&group.id).await.unwrap().remove(0);
        assert_eq!(graph.user(&first.upn).await.unwrap(), first);
        assert_eq!(graph.user(&first.id).await.unwrap(), first);

        let error = graph
            .user("nobody@contoso.onmicrosoft.com")
            .await
            .unwrap_err();
        let GraphError::Api {
            status,
            code,
            request_id,
            client_request_id,
            ..
        } = &error
        else {
            panic!("{error:?}")
        };
        assert_eq!(*status, 404);
        assert_eq!(code, "Request_ResourceNotFound");
        assert!(request_id.is_some());
        assert!(client_request_id.is_some());
        assert_eq!(error.kind(), GraphErrorKind::NotFound);
        assert!(error.remediation().contains("user was not found"));
        sim.shutdown().await;
    })
    .await
}

#[tokio::test]
async fn creation_options_from_v1() {
    within(async {
        let sim = start(SimConfig::default()).await;
        let graph = client(&sim);
        let group = graph.find_group("FIDO Provisioning").await.unwrap();
        let user = graph.group_users(&group.id).await.unwrap().remove(0);
        let options = graph.creation_options(&user.id, None).await.unwrap();
        assert_eq!(options.rp_id, "login.microsoft.com");
        assert_eq!(options.rp_name, "Microsoft");
        assert_eq!(options.user_name, user.upn);
        assert_eq!(options.user_display_name, user.display_name);
        assert!(!options.user_handle.is_empty());
        assert!(!options.challenge.is_empty());
        assert_eq!(options.algorithms, vec![-7, -257]);
        assert!(options.exclude_credentials.is_empty());
        assert!(options.resident_key && options.hmac_secret);
        assert_eq!(options.cred_protect, Some(CredProtect::UvOptional));
        let ahead = options.expires_at_unix - now_unix();
        assert!((280..=305).contains(&ahead), "expires in {ahead} s");
        let again = graph.creation_options(&user.id, None).await.unwrap();
        assert_ne!(again.challenge, options.challenge);
        assert_eq!(again.user_handle, options.user_handle);
        sim.shutdown().await;
    })
    .await
}

#[tokio::test]
async fn creation_options_with_a_custom_timeout_use_the_beta_function_form() {
    within(async {
        let sim = start(SimConfig::default()).await;
        let graph = client(&sim);
        let group = graph.find_group("FIDO Provisioning").await.unwrap();
        let user = graph.group_users(&group.id).await.unwrap().remove(0);
        let options = graph.creation_options(&user.id, Some(60)).await.unwrap();
        let ahead = options.expires_at_unix - now_unix();
        assert!((3580..=3605).contains(&ahead), "expires in {ahead} s");
        sim.shutdown().await;
    })
    .await
}

#[tokio::test]
async fn an_out_of_range_timeout_is_refused_before_any_call() {
    within(async {
        let sim = start(SimConfig::default()).await;
        let graph = client(&sim);
        for minutes in [0, 4, 43201] {
            let error = graph
                .creation_options("any", Some(minutes))
                .await
                .unwrap_err();
            assert!(matches!(error, GraphError::InvalidInput(_)), "{error:?}");
        }
        assert_eq!(sim_counter(&sim, "tokenRequests").await, 0);
        assert_eq!(sim_counter(&sim, "graphRequests").await, 0);
        sim.shutdown().await;
    })
    .await
}

#[tokio::test]
async fn guests_are_refused_creation_options() {
    within(async {
        let sim = start(SimConfig {
            guests: 1,
            ..SimConfig::default()
        })
        .await;
        let graph = client(&sim);
        let group = graph.find_group("FIDO Provisioning").await.unwrap();
        let users = graph.group_users(&group.id).await.unwrap();
        let guest = users.iter().find(|u| u.guest).unwrap();
        let error = graph.creation_options(&guest.id, None).await.unwrap_err();
        assert!(
            matches!(error, GraphError::Api { status: 400, .. }),
            "{error:?}"
        );
        assert_eq!(error.kind(), GraphErrorKind::Rejected);
        sim.shutdown().await;
    })
    .await
}

#[tokio::test]
async fn a_new_user_has_no_passkeys() {
    within(async {
        let sim = start(SimConfig::default()).await;
        let graph = client(&sim);
        let group = graph.find_group("FIDO Provisioning").await.unwrap();
        let user = graph.group_users(&group.id).await.unwrap().remove(0);
        assert!(graph.passkeys(&user.id).await.unwrap().is_empty());
        sim.shutdown().await;
    })
    .await
}

#[tokio::test]
async fn a_refused_registration_is_sent_once_and_reported() {
    within(async {
        let sim = start(SimConfig::default()).await;
        let graph = client(&sim);
        let group = graph.find_group("FIDO Provisioning").await.unwrap();
        let user = graph.group_users(&group.id).await.unwrap().remove(0);
        let registration = Registration {
            display_name: "Not a real key".into(),
            credential_id: vec![1, 2, 3],
            client_data_json: br#"{"type":"webauthn.create"}"#.to_vec(),
            attestation_object: vec![0xa0],
            beta: false,
        };
        let listing = graph.passkey_listing(&user.id).await.unwrap();
        let before = sim_counter(&sim, "graphRequests").await;
        let error = graph
            .register_passkey(
                &user.id,
                &registration,
                &Attempt::new(&listing, &registration, None),
            )
            .await
            .unwrap_err();
        assert!(
            matches!(error, GraphError::Api { status: 400, .. }),
            "{error:?}"
        );
        assert!(error.request_id().is_some());
        assert_eq!(sim_counter(&sim, "graphRequests").await, before + 1);
        assert_eq!(sim_counter(&sim, "rejectedRegistrations").await, 1);
        sim.shutdown().await;
    })
    .await
}

#[tokio::test]
async fn a_group_search_shows_every_group_of_a_name_with_its_size() {
    within(async {
        let sim = start(SimConfig {
            users: 5,
            duplicate_group: true,
            ..SimConfig::default()
        })
        .await;
        let graph = client(&sim);
        // A word's start, any case: both groups named "FIDO Provisioning" (5 users and 1),
        // the nested pilot group and "FIDO Provisioning - Provisioned" (empty).
        let found = graph.search_groups("fido").await.unwrap();
        let mut named: Vec<(String, Option<u64>)> = found
            .iter()
            .map(|m| (m.group.display_name.clone(), m.member_count))
            .collect();
        named.sort();
        assert_eq!(
            named,
            [
                ("FIDO Provisioning".to_owned(), Some(1)),
                ("FIDO Provisioning".to_owned(), Some(5)),
                ("FIDO Provisioning - Pilot".to_owned(), Some(2)),
                ("FIDO Provisioning - Provisioned".to_owned(), Some(0)),
            ]
        );
        let ids: HashSet<&str> = found.iter().map(|m| m.group.id.as_str()).collect();
        assert_eq!(ids.len(), 4);
        assert_eq!(graph.search_groups("provisioning").await.unwrap().len(), 4);
        // Not a substring search, as in Entra.
        assert!(graph.search_groups("ovisioning").await.unwrap().is_empty());
        assert!(graph.search_groups("  ").await.is_err());
        sim.shutdown().await;
    })
    .await
}
