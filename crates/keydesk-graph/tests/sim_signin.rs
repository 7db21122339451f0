//! Delegated and certificate sign-in against the simulated tenant over real HTTP: the test
//! plays the browser on the simulated sign-in page and approves device codes on its
//! `/devicelogin` page; the certificate is registered on the simulated app.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use common::within;
use keydesk_graph::{
    BrowserOpener, ClientCertificate, Credentials, DeviceCodeInfo, GraphClient, GraphConfig,
    GraphErrorKind, MemoryStore, OperatorKind, SecretKey, SecretStore, SleepFuture, Sleeper,
};
use keydesk_sim::{Sim, SimConfig};
use url::Url;

const BOTH: &str = include_str!("fixtures/app.pem");
const CERT: &str = include_str!("fixtures/app-cert.pem");

fn config(sim: &Sim) -> GraphConfig {
    keydesk_tests::config_for(sim)
}

/// Signs in on the simulated authorize page like a person would.
struct SimBrowser;

impl BrowserOpener for SimBrowser {
    fn open(&self, url: &Url) -> Result<(), String> {
        let url = url.clone();
        tokio::spawn(async move {
            let http = reqwest::Client::new();
            let page = http
                .get(url.clone())
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            assert!(page.contains("id=\"signin\""), "{page}");
            let mut form: Vec<(String, String)> = url.query_pairs().into_owned().collect();
            form.push(("action".into(), "signin".into()));
            let mut post_to = url.clone();
            post_to.set_query(None);
            let landed = http.post(post_to).form(&form).send().await.unwrap();
            let text = landed.text().await.unwrap();
            assert!(text.contains("Signed in to KeyDesk"), "{text}");
        });
        Ok(())
    }
}

/// Sleeps a little whatever it is asked, so device code polling runs at test speed.
#[derive(Default)]
struct Brief(Mutex<Vec<Duration>>);

impl Sleeper for Brief {
    fn sleep(&self, duration: Duration) -> SleepFuture {
        self.0.lock().unwrap().push(duration);
        Box::pin(tokio::time::sleep(Duration::from_millis(20)))
    }
}

#[tokio::test]
async fn the_browser_flow_signs_in_the_operator_and_keeps_a_refresh_token() {
    within(async {
        let sim = Sim::start(SimConfig::default()).await.unwrap();
        let store = Arc::new(MemoryStore::new());
        let credentials = Credentials::browser(Arc::new(SimBrowser), store.clone());
        let graph = GraphClient::new(config(&sim), credentials).unwrap();
        let operator = graph.operator().await.unwrap();
        assert_eq!(operator.kind, OperatorKind::Person);
        assert!(operator.upn.as_deref().is_some_and(|u| u.contains('@')));
        let group = graph.find_group("FIDO Provisioning").await.unwrap();
        let user = graph.group_users(&group.id).await.unwrap().remove(0);
        graph.creation_options(&user.id, None).await.unwrap();
        let key = SecretKey::refresh_token(graph.config());
        let first = store.get(&key).unwrap().expect("refresh token kept");
        // The access token expires (simulated clock); the refresh token carries on.
        reqwest::Client::new()
            .post(format!("{}/_sim/clock", sim.base_url()))
            .body(r#"{"advanceSeconds": 7200}"#)
            .send()
            .await
            .unwrap();
        graph.passkeys(&user.id).await.unwrap();
        let second = store.get(&key).unwrap().unwrap();
        assert_ne!(first.expose(), second.expose(), "rotated");
        graph.sign_out().await.unwrap();
        assert!(store.is_empty());
        sim.shutdown().await;
    })
    .await
}

#[tokio::test]
async fn the_device_code_flow_polls_until_the_code_is_approved() {
    within(async {
        let sim = Sim::start(SimConfig::default()).await.unwrap();
        let base = sim.base_url();
        let shown: Arc<Mutex<Vec<DeviceCodeInfo>>> = Arc::default();
        let seen = shown.clone();
        let prompt = move |info: &DeviceCodeInfo| {
            seen.lock().unwrap().push(info.clone());
            let (uri, code) = (info.verification_uri.clone(), info.user_code.clone());
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(60)).await;
                let approved = reqwest::Client::new()
                    .post(uri)
                    .form(&[("user_code", code)])
                    .send()
                    .await
                    .unwrap();
                assert!(approved.status().is_success());
            });
        };
        let credentials = Credentials::device_code(Arc::new(prompt), Arc::new(MemoryStore::new()));
        let sleeper = Arc::new(Brief::default());
        let graph = GraphClient::with_sleeper(config(&sim), credentials, sleeper.clone()).unwrap();
        let operator = graph.operator().await.unwrap();
        assert_eq!(operator.kind, OperatorKind::Person);
        let shown = shown.lock().unwrap().clone();
        assert_eq!(shown.len(), 1);
        assert!(shown[0].verification_uri.starts_with(&base));
        let polls = sleeper.0.lock().unwrap().clone();
        assert!(polls.len() >= 2, "polled while pending: {polls:?}");
        assert!(
            polls.iter().all(|p| *p >= Duration::from_secs(5)),
            "{polls:?}"
        );
        sim.shutdown().await;
    })
    .await
}

#[tokio::test]
async fn an_operator_without_the_admin_role_is_told_which_role_is_missing() {
    within(async {
        let sim = Sim::start(SimConfig {
            operator_roles: Vec::new(),
            ..SimConfig::default()
        })
        .await
        .unwrap();
        let credentials = Credentials::browser(Arc::new(SimBrowser), Arc::new(MemoryStore::new()));
        let graph = GraphClient::new(config(&sim), credentials).unwrap();
        let group = graph.find_group("FIDO Provisioning").await.unwrap();
        let user = graph.group_users(&group.id).await.unwrap().remove(0);
        let error = graph.creation_options(&user.id, None).await.unwrap_err();
        assert_eq!(error.kind(), GraphErrorKind::Forbidden, "{error:?}");
        assert!(error.remediation().contains("Authentication Administrator"));
        assert!(
            error.to_string().contains("Authentication Administrator"),
            "{error}"
        );
        sim.shutdown().await;
    })
    .await
}

#[tokio::test]
async fn a_registered_certificate_signs_in_and_an_unknown_one_is_refused() {
    within(async {
        let der: String = CERT.lines().filter(|l| !l.starts_with("-----")).collect();
        let sim = Sim::start(SimConfig {
            client_certificate: Some(STANDARD.decode(der).unwrap()),
            ..SimConfig::default()
        })
        .await
        .unwrap();
        let certificate = ClientCertificate::from_pem(BOTH.as_bytes()).unwrap();
        let graph =
            GraphClient::new(config(&sim), Credentials::Certificate(certificate.clone())).unwrap();
        graph.find_group("FIDO Provisioning").await.unwrap();
        let operator = graph.operator().await.unwrap();
        assert_eq!(operator.kind, OperatorKind::App);
        sim.shutdown().await;

        let without = Sim::start(SimConfig::default()).await.unwrap();
        let graph =
            GraphClient::new(config(&without), Credentials::Certificate(certificate)).unwrap();
        let error = graph.sign_in().await.unwrap_err();
        assert_eq!(error.kind(), GraphErrorKind::SignIn, "{error:?}");
        assert!(
            error.remediation().contains("certificate"),
            "{}",
            error.remediation()
        );
        without.shutdown().await;
    })
    .await
}

/// Issue 11: an operator holding only Authentication Administrator may not read the FIDO2
/// policy (it takes Global Reader or Authentication Policy Administrator); the 403 names
/// those roles.
#[tokio::test]
async fn an_authentication_administrator_is_told_which_role_reads_the_policy() {
    within(async {
        let sim = Sim::start(SimConfig::default()).await.unwrap();
        let credentials = Credentials::browser(Arc::new(SimBrowser), Arc::new(MemoryStore::new()));
        let graph = GraphClient::new(config(&sim), credentials).unwrap();
        let error = graph.fido2_policy().await.unwrap_err();
        assert_eq!(error.kind(), GraphErrorKind::Forbidden, "{error:?}");
        let remediation = error.remediation();
        assert!(remediation.contains("Global Reader"), "{remediation}");
        assert!(
            remediation.contains("Authentication Policy Administrator"),
            "{remediation}"
        );
        sim.shutdown().await;
    })
    .await
}

/// A desk operator holding Authentication Administrator and Global Reader (as batch.mjs
/// signs in) reads the FIDO2 policy, so pre-flight can judge the key's model.
#[tokio::test]
async fn an_operator_who_is_also_global_reader_reads_the_policy() {
    within(async {
        let sim = Sim::start(SimConfig {
            operator_roles: vec![
                "Authentication Administrator".to_owned(),
                "Global Reader".to_owned(),
            ],
            ..SimConfig::default()
        })
        .await
        .unwrap();
        let credentials = Credentials::browser(Arc::new(SimBrowser), Arc::new(MemoryStore::new()));
        let graph = GraphClient::new(config(&sim), credentials).unwrap();
        let policy = graph.fido2_policy().await.unwrap();
        assert!(policy.enabled);
        sim.shutdown().await;
    })
    .await
}
