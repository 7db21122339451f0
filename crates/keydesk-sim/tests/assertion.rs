//! App-only sign-in with a certificate: a PS256 or RS256 client assertion verified against
//! the registered certificate, each refusal for its own reason.

mod common;

use std::sync::OnceLock;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use common::der;
use common::{read, token_url, within};
use keydesk_sim::{Sim, SimConfig};
use reqwest::StatusCode;
use rsa::pkcs8::EncodePublicKey;
use rsa::rand_core::OsRng;
use rsa::signature::{RandomizedSigner, SignatureEncoding, Signer};
use rsa::RsaPrivateKey;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

struct Credential {
    key: RsaPrivateKey,
    certificate: Vec<u8>,
}

/// One RSA key per test binary: generating it is the slow part.
fn credential() -> &'static Credential {
    static CREDENTIAL: OnceLock<Credential> = OnceLock::new();
    CREDENTIAL.get_or_init(|| {
        let key = RsaPrivateKey::new(&mut OsRng, 2048).unwrap();
        let spki = key.to_public_key().to_public_key_der().unwrap();
        let certificate = der::certificate(spki.as_bytes(), &[(der::CN, "KeyDesk app")]);
        Credential { key, certificate }
    })
}

fn x5t() -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(&credential().certificate))
}

fn sign(alg: &str, header: Value, claims: Value) -> String {
    let b64 = |v: &Value| URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap());
    let input = format!("{}.{}", b64(&header), b64(&claims));
    let key = credential().key.clone();
    let signature = match alg {
        "PS256" => rsa::pss::BlindedSigningKey::<Sha256>::new(key)
            .sign_with_rng(&mut OsRng, input.as_bytes())
            .to_vec(),
        _ => rsa::pkcs1v15::SigningKey::<Sha256>::new(key)
            .sign(input.as_bytes())
            .to_vec(),
    };
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
}

fn claims(sim: &Sim) -> Value {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    json!({
        "aud": token_url(sim),
        "iss": sim.config().client_id,
        "sub": sim.config().client_id,
        "jti": uuid::Uuid::new_v4().to_string(),
        "nbf": now - 5,
        "iat": now - 5,
        "exp": now + 540,
    })
}

async fn exchange(sim: &Sim, assertion: &str) -> (StatusCode, Value) {
    let response = reqwest::Client::new()
        .post(token_url(sim))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", sim.config().client_id.as_str()),
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ),
            ("client_assertion", assertion),
            ("scope", "https://graph.microsoft.com/.default"),
        ])
        .send()
        .await
        .unwrap();
    read(response).await
}

async fn start() -> Sim {
    Sim::start(SimConfig {
        client_certificate: Some(credential().certificate.clone()),
        ..SimConfig::default()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn ps256_and_rs256_assertions_get_app_tokens() {
    within(async {
        let sim = start().await;
        for alg in ["PS256", "RS256"] {
            let jwt = sign(
                alg,
                json!({"alg": alg, "typ": "JWT", "x5t#S256": x5t()}),
                claims(&sim),
            );
            let (status, body) = exchange(&sim, &jwt).await;
            assert_eq!(status, StatusCode::OK, "{alg}: {body}");
            let groups = reqwest::Client::new()
                .get(format!("{}/v1.0/groups", sim.base_url()))
                .bearer_auth(body["access_token"].as_str().unwrap())
                .send()
                .await
                .unwrap();
            assert_eq!(groups.status(), StatusCode::OK);
        }
    })
    .await;
}

#[tokio::test]
async fn each_bad_assertion_is_refused_for_its_own_reason() {
    within(async {
        let sim = start().await;
        let header = json!({"alg": "PS256", "x5t#S256": x5t()});
        let with = |name: &str, value: Value| {
            let mut c = claims(&sim);
            c[name] = value;
            c
        };
        let now = claims(&sim)["iat"].as_i64().unwrap();
        let mut cases: Vec<(String, u32, &str)> = vec![
            (
                sign(
                    "PS256",
                    header.clone(),
                    with(
                        "aud",
                        json!("https://login.microsoftonline.com/x/oauth2/v2.0/token"),
                    ),
                ),
                700021,
                "audience",
            ),
            (
                sign("PS256", header.clone(), with("iss", json!("someone-else"))),
                700021,
                "iss",
            ),
            (
                sign("PS256", header.clone(), with("sub", json!("someone-else"))),
                700021,
                "sub",
            ),
            (
                sign("PS256", header.clone(), with("exp", json!(now - 60))),
                700024,
                "expired",
            ),
            (
                sign("PS256", header.clone(), with("nbf", json!(now + 3600))),
                700024,
                "nbf",
            ),
            (
                sign(
                    "PS256",
                    json!({"alg": "PS256", "x5t#S256": "AAAA"}),
                    claims(&sim),
                ),
                700027,
                "not registered",
            ),
            (
                sign("PS256", json!({"alg": "PS256"}), claims(&sim)),
                700027,
                "x5t#S256",
            ),
            (
                sign(
                    "PS256",
                    json!({"alg": "HS256", "x5t#S256": x5t()}),
                    claims(&sim),
                ),
                5002738,
                "HS256",
            ),
            ("not.a-jwt".to_owned(), 50027, "malformed"),
        ];
        // A valid signature moved onto other claims.
        let header_json = json!({"alg": "RS256", "x5t#S256": x5t()});
        let good = sign("RS256", header_json.clone(), claims(&sim));
        let other = sign("RS256", header_json, claims(&sim));
        let (head, _) = other.rsplit_once('.').unwrap();
        let (_, signature) = good.rsplit_once('.').unwrap();
        let parts = [head, signature];
        cases.push((parts.join("."), 700027, "signature"));
        for (jwt, code, needle) in cases {
            let (status, body) = exchange(&sim, &jwt).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{needle}: {body}");
            assert_eq!(body["error_codes"][0], code, "{needle}: {body}");
            let description = body["error_description"].as_str().unwrap();
            assert!(
                description.contains(needle),
                "{needle} not in {description}"
            );
        }
        // The same assertion twice is a replay.
        let jwt = sign("PS256", header.clone(), claims(&sim));
        assert_eq!(exchange(&sim, &jwt).await.0, StatusCode::OK);
        let (status, body) = exchange(&sim, &jwt).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body["error_codes"][0], 700025, "{body}");
    })
    .await;
}

#[tokio::test]
async fn an_app_without_a_certificate_refuses_assertions() {
    within(async {
        let sim = Sim::start(SimConfig::default()).await.unwrap();
        let jwt = sign(
            "PS256",
            json!({"alg": "PS256", "x5t#S256": x5t()}),
            claims(&sim),
        );
        let (status, body) = exchange(&sim, &jwt).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(body["error_description"]
            .as_str()
            .unwrap()
            .contains("no certificate"));
    })
    .await;
}
