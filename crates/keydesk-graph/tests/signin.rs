//! Every sign-in mode against a scripted identity provider over real HTTP: certificate
//! assertions (signature checked here), the browser flow with PKCE (the test plays the
//! browser), device code polling, refresh tokens in the secret store, sign-out, and the
//! client secret kept in the store. The simulated tenant (`keydesk-sim`) only speaks the
//! client-credentials grant so far, hence this fake.

mod common;

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use common::{within, Recorder};
use keydesk_graph::{
    BrowserOpener, ClientCertificate, Credentials, DeviceCodeInfo, GraphClient, GraphConfig,
    GraphErrorKind, MemoryStore, OperatorKind, Secret, SecretKey, SecretStore,
};
use rsa::pkcs8::DecodePrivateKey;
use rsa::signature::Verifier;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use url::Url;

const CERT: &str = include_str!("fixtures/app-cert.pem");
const KEY: &str = include_str!("fixtures/app-key.pem");
const BOTH: &str = include_str!("fixtures/app.pem");

#[derive(Default)]
struct Idp {
    base: Mutex<String>,
    codes: Mutex<HashMap<String, (String, String)>>,
    device: Mutex<VecDeque<&'static str>>,
    grants: Mutex<Vec<String>>,
    assertions: Mutex<Vec<String>>,
    issued: AtomicUsize,
}

async fn start() -> (Arc<Idp>, Url) {
    let idp = Arc::new(Idp::default());
    let app = Router::new()
        .route("/t/oauth2/v2.0/authorize", get(authorize))
        .route("/t/oauth2/v2.0/devicecode", post(devicecode))
        .route("/t/oauth2/v2.0/token", post(token))
        .route("/v1.0/me", get(me))
        .with_state(idp.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = Url::parse(&format!("http://{}", listener.local_addr().unwrap())).unwrap();
    *idp.base.lock().unwrap() = base.to_string();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (idp, base)
}

async fn authorize(
    State(idp): State<Arc<Idp>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    assert_eq!(q["response_type"], "code");
    assert_eq!(q["code_challenge_method"], "S256");
    assert!(q["redirect_uri"].starts_with("http://localhost:"), "{q:?}");
    assert!(q["scope"].contains("offline_access"));
    let code = format!("code-{}", idp.codes.lock().unwrap().len());
    idp.codes.lock().unwrap().insert(
        code.clone(),
        (q["code_challenge"].clone(), q["redirect_uri"].clone()),
    );
    let target = format!("{}/?code={code}&state={}", q["redirect_uri"], q["state"]);
    Redirect::to(&target).into_response()
}

async fn devicecode() -> Json<Value> {
    Json(json!({"device_code": "dc-secret", "user_code": "ABCD-EFGH",
        "verification_uri": "https://microsoft.com/devicelogin", "expires_in": 4,
        "interval": 1, "message": "To sign in, enter ABCD-EFGH"}))
}

fn tokens(idp: &Idp) -> Response {
    let n = idp.issued.fetch_add(1, Ordering::SeqCst) + 1;
    Json(
        json!({"token_type": "Bearer", "expires_in": 3599, "access_token": format!("at{n}"),
        "refresh_token": format!("rt{n}")}),
    )
    .into_response()
}

fn oauth_error(error: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({"error": error, "error_description": format!("AADSTS0: {error}")})),
    )
        .into_response()
}

async fn token(State(idp): State<Arc<Idp>>, Form(f): Form<HashMap<String, String>>) -> Response {
    assert_eq!(f["client_id"], "app");
    let grant = f["grant_type"].clone();
    idp.grants.lock().unwrap().push(grant.clone());
    match grant.as_str() {
        "client_credentials" => {
            if let Some(assertion) = f.get("client_assertion") {
                idp.assertions.lock().unwrap().push(assertion.clone());
            } else if f.get("client_secret").map(String::as_str) != Some("stored-s3cret") {
                return oauth_error("invalid_client");
            }
            tokens(&idp)
        }
        "authorization_code" => {
            let Some((challenge, redirect)) = idp.codes.lock().unwrap().remove(&f["code"]) else {
                return oauth_error("invalid_grant");
            };
            let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(f["code_verifier"].as_bytes()));
            assert_eq!(computed, challenge, "PKCE verifier does not match");
            assert_eq!(f["redirect_uri"], redirect);
            tokens(&idp)
        }
        "refresh_token" if f["refresh_token"].starts_with("rt") => tokens(&idp),
        "refresh_token" => oauth_error("invalid_grant"),
        "urn:ietf:params:oauth:grant-type:device_code" => {
            assert_eq!(f["device_code"], "dc-secret");
            match idp.device.lock().unwrap().pop_front() {
                Some("ok") | None => tokens(&idp),
                Some(error) => oauth_error(error),
            }
        }
        other => oauth_error(&format!("unsupported {other}")),
    }
}

async fn me(headers: HeaderMap) -> Response {
    let auth = headers["authorization"].to_str().unwrap();
    assert!(auth.starts_with("Bearer at"), "{auth}");
    Json(json!({"id": "op-1", "userPrincipalName": "admin@contoso.com", "displayName": "Admin"}))
        .into_response()
}

fn config(base: &Url) -> GraphConfig {
    GraphConfig::custom(base.clone(), base.clone(), "t", "app")
}

/// Plays the browser: follows Entra's redirect back to KeyDesk's loopback listener.
#[derive(Default)]
struct TestBrowser(AtomicUsize);

impl BrowserOpener for TestBrowser {
    fn open(&self, url: &Url) -> Result<(), String> {
        self.0.fetch_add(1, Ordering::SeqCst);
        let url = url.clone();
        tokio::spawn(async move {
            let page = reqwest::get(url).await.unwrap().text().await.unwrap();
            assert!(page.contains("Signed in"), "{page}");
        });
        Ok(())
    }
}

#[tokio::test]
async fn a_certificate_assertion_is_ps256_with_x5t_and_graph_md_claims() {
    within(async {
        let (idp, base) = start().await;
        let certificate = ClientCertificate::from_pem(BOTH.as_bytes()).unwrap();
        let graph = GraphClient::new(config(&base), Credentials::Certificate(certificate)).unwrap();
        graph.sign_in().await.unwrap();
        let assertion = idp.assertions.lock().unwrap()[0].clone();
        let parts: Vec<&str> = assertion.split('.').collect();
        let decode = |p: &str| -> Value {
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(p).unwrap()).unwrap()
        };
        let (header, claims) = (decode(parts[0]), decode(parts[1]));
        let der: String = CERT.lines().filter(|l| !l.starts_with("-----")).collect();
        let thumb = URL_SAFE_NO_PAD.encode(Sha256::digest(STANDARD.decode(der).unwrap()));
        assert_eq!(header["alg"], "PS256");
        assert_eq!(header["x5t#S256"], thumb.as_str());
        assert_eq!(claims["aud"], format!("{base}t/oauth2/v2.0/token"));
        assert_eq!(
            (claims["iss"].as_str(), claims["sub"].as_str()),
            (Some("app"), Some("app"))
        );
        let (nbf, exp) = (
            claims["nbf"].as_i64().unwrap(),
            claims["exp"].as_i64().unwrap(),
        );
        assert!(exp > nbf && exp - nbf <= 600);
        assert!(claims["jti"].as_str().is_some_and(|j| !j.is_empty()));
        let public = rsa::RsaPrivateKey::from_pkcs8_pem(KEY)
            .unwrap()
            .to_public_key();
        let verifier = rsa::pss::VerifyingKey::<Sha256>::new(public);
        let signature =
            rsa::pss::Signature::try_from(URL_SAFE_NO_PAD.decode(parts[2]).unwrap().as_slice())
                .unwrap();
        verifier
            .verify(format!("{}.{}", parts[0], parts[1]).as_bytes(), &signature)
            .expect("the PS256 signature verifies with the certificate's key");
        // Separate files work too; a mismatched key is refused.
        assert!(ClientCertificate::from_pem_parts(CERT.as_bytes(), KEY.as_bytes()).is_ok());
        let other =
            "-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n".to_owned() + KEY;
        let error = ClientCertificate::from_pem(other.as_bytes()).unwrap_err();
        assert!(error.to_string().contains("does not belong"), "{error}");
    })
    .await
}

#[tokio::test]
async fn pfx_files_modern_and_legacy_give_the_same_certificate() {
    within(async {
        let pem = ClientCertificate::from_pem(BOTH.as_bytes()).unwrap();
        for file in ["app.pfx", "app-legacy.pfx"] {
            let path = format!("{}/tests/fixtures/{file}", env!("CARGO_MANIFEST_DIR"));
            let pfx = ClientCertificate::from_pfx_file(&path, "keydesk-test").unwrap();
            assert_eq!(pfx.thumbprint_s256(), pem.thumbprint_s256(), "{file}");
            let error = ClientCertificate::from_pfx_file(&path, "wrong").unwrap_err();
            assert_eq!(error.kind(), GraphErrorKind::InvalidInput);
            assert!(error.to_string().contains("password"), "{error}");
        }
    })
    .await
}

#[tokio::test]
async fn browser_sign_in_keeps_the_refresh_token_reuses_it_and_signs_out() {
    within(async {
        let (idp, base) = start().await;
        let store = Arc::new(MemoryStore::new());
        let browser = Arc::new(TestBrowser::default());
        let credentials = Credentials::browser(browser.clone(), store.clone());
        let graph = GraphClient::new(config(&base), credentials.clone()).unwrap();
        let operator = graph.operator().await.unwrap();
        assert_eq!(operator.kind, OperatorKind::Person);
        assert_eq!(operator.upn.as_deref(), Some("admin@contoso.com"));
        let key = SecretKey::refresh_token(graph.config());
        assert_eq!(store.get(&key).unwrap().unwrap().expose(), "rt1");
        // A new session signs in silently with the saved refresh token (rotated).
        let again = GraphClient::new(config(&base), credentials).unwrap();
        again.sign_in().await.unwrap();
        assert_eq!(browser.0.load(Ordering::SeqCst), 1);
        assert_eq!(store.get(&key).unwrap().unwrap().expose(), "rt2");
        assert_eq!(
            *idp.grants.lock().unwrap(),
            ["authorization_code", "refresh_token"]
        );
        again.sign_out().await.unwrap();
        assert!(store.is_empty());
    })
    .await
}

#[tokio::test]
async fn a_refused_refresh_token_falls_back_to_the_browser() {
    within(async {
        let (idp, base) = start().await;
        let store = Arc::new(MemoryStore::new());
        store
            .set(
                &SecretKey::refresh_token(&config(&base)),
                &Secret::new("revoked"),
            )
            .unwrap();
        let browser = Arc::new(TestBrowser::default());
        let graph = GraphClient::new(
            config(&base),
            Credentials::browser(browser.clone(), store.clone()),
        )
        .unwrap();
        graph.sign_in().await.unwrap();
        assert_eq!(browser.0.load(Ordering::SeqCst), 1);
        assert_eq!(
            *idp.grants.lock().unwrap(),
            ["refresh_token", "authorization_code"]
        );
        let saved = store
            .get(&SecretKey::refresh_token(graph.config()))
            .unwrap()
            .unwrap();
        assert_eq!(saved.expose(), "rt1");
    })
    .await
}

fn device_client(
    base: &Url,
    sleeper: Arc<Recorder>,
    shown: Arc<Mutex<Vec<DeviceCodeInfo>>>,
) -> GraphClient {
    let prompt = move |info: &DeviceCodeInfo| shown.lock().unwrap().push(info.clone());
    let credentials = Credentials::device_code(Arc::new(prompt), Arc::new(MemoryStore::new()));
    GraphClient::with_sleeper(config(base), credentials, sleeper).unwrap()
}

#[tokio::test]
async fn device_code_polls_through_pending_and_slow_down() {
    within(async {
        let (idp, base) = start().await;
        idp.device
            .lock()
            .unwrap()
            .extend(["authorization_pending", "slow_down", "ok"]);
        let (sleeper, shown) = (Arc::new(Recorder::default()), Arc::default());
        let graph = device_client(&base, sleeper.clone(), Arc::clone(&shown));
        graph.sign_in().await.unwrap();
        let shown = shown.lock().unwrap().clone();
        assert_eq!(shown.len(), 1);
        assert_eq!(shown[0].user_code, "ABCD-EFGH");
        assert_eq!(
            shown[0].verification_uri,
            "https://microsoft.com/devicelogin"
        );
        let secs: Vec<u64> = sleeper.waits().iter().map(|d| d.as_secs()).collect();
        assert_eq!(
            secs,
            [1, 1, 6],
            "interval, interval, interval + 5 after slow_down"
        );
    })
    .await
}

#[tokio::test]
async fn an_expired_or_unanswered_device_code_is_a_sign_in_error() {
    within(async {
        let (idp, base) = start().await;
        idp.device
            .lock()
            .unwrap()
            .extend(["authorization_pending", "expired_token"]);
        let graph = device_client(&base, Arc::default(), Arc::default());
        let error = graph.sign_in().await.unwrap_err();
        assert_eq!(error.kind(), GraphErrorKind::SignIn);
        assert!(
            error.remediation().contains("device code expired"),
            "{}",
            error.remediation()
        );
        // Never approved: the code's lifetime (4 s at 1 s intervals) runs out.
        idp.device
            .lock()
            .unwrap()
            .extend(["authorization_pending"; 10]);
        let sleeper = Arc::new(Recorder::default());
        let error = device_client(&base, sleeper.clone(), Arc::default())
            .sign_in()
            .await
            .unwrap_err();
        assert!(error.remediation().contains("device code expired"));
        assert_eq!(sleeper.waits().len(), 4);
    })
    .await
}

#[tokio::test]
async fn a_client_secret_kept_in_the_store_is_used_and_removed_at_sign_out() {
    within(async {
        let (idp, base) = start().await;
        let store = Arc::new(MemoryStore::new());
        let credentials = Credentials::StoredClientSecret(store.clone());
        let graph = GraphClient::new(config(&base), credentials).unwrap();
        let missing = graph.sign_in().await.unwrap_err();
        assert_eq!(missing.kind(), GraphErrorKind::SignIn);
        assert!(missing.remediation().contains("keyring"));
        assert!(
            idp.grants.lock().unwrap().is_empty(),
            "nothing sent without a secret"
        );
        Credentials::save_client_secret(
            store.as_ref(),
            graph.config(),
            &Secret::new("stored-s3cret"),
        )
        .unwrap();
        graph.sign_in().await.unwrap();
        let operator = graph.operator().await.unwrap();
        assert_eq!(
            (operator.kind, operator.id.as_str()),
            (OperatorKind::App, "app")
        );
        assert!(!format!("{graph:?}").contains("stored-s3cret"));
        graph.sign_out().await.unwrap();
        assert!(store.is_empty());
    })
    .await
}

/// Skips without a Secret Service. To run it for real on Linux:
/// `dbus-run-session -- sh -c 'echo -n pw | gnome-keyring-daemon --unlock --daemonize
/// --components=secrets; sleep 1; cargo test -p keydesk-graph --test signin'`.
#[tokio::test]
async fn the_os_keyring_round_trips_or_the_test_skips() {
    within(async {
        let store = keydesk_graph::KeyringStore::with_service(format!(
            "KeyDesk-test-{}",
            uuid::Uuid::new_v4()
        ));
        let key = SecretKey::client_secret(&GraphConfig::global("t", "app"));
        let saved = tokio::task::spawn_blocking({
            let store = store.clone();
            let key = key.clone();
            move || store.set(&key, &Secret::new("kr-secret"))
        })
        .await
        .unwrap();
        if let Err(error) = saved {
            eprintln!("skipped: no usable Secret Service ({error})");
            return;
        }
        tokio::task::spawn_blocking(move || {
            assert_eq!(store.get(&key).unwrap().unwrap().expose(), "kr-secret");
            store.delete(&key).unwrap();
            assert!(store.get(&key).unwrap().is_none());
        })
        .await
        .unwrap();
    })
    .await
}
