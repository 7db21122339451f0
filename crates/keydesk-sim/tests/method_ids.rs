//! The shape of a new passkey's Graph method id in each `MethodIds` mode, and that a client
//! can use the id it is given (get, list, delete).

mod common;

use std::collections::HashSet;

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use common::{within, Api};
use keydesk_sim::{MethodIds, SimConfig};
use reqwest::StatusCode;
use uuid::Uuid;

/// Every way a client might read `id` as base64: whole or without a trailing padding
/// digit, either alphabet, with the digit turned into `=` padding.
fn readings(id: &str) -> Vec<Vec<u8>> {
    let mut texts = vec![id.to_owned()];
    if let Some((text, digit)) = id.split_at_checked(id.len() - 1) {
        texts.push(text.to_owned());
        if let Ok(n) = digit.parse::<usize>() {
            texts.push(format!("{text}{}", "=".repeat(n)));
        }
    }
    let engines = [&URL_SAFE_NO_PAD, &STANDARD_NO_PAD, &URL_SAFE, &STANDARD];
    texts
        .iter()
        .flat_map(|t| engines.iter().filter_map(move |e| e.decode(t).ok()))
        .collect()
}

/// Every spelling of a credential id a client might compare as text.
fn spellings(credential: &[u8]) -> Vec<String> {
    let plain = URL_SAFE_NO_PAD.encode(credential);
    let digit = (3 - credential.len() % 3) % 3;
    vec![
        format!("{plain}{digit}"),
        plain,
        URL_SAFE.encode(credential),
        STANDARD.encode(credential),
        STANDARD_NO_PAD.encode(credential),
    ]
}

/// Registers `n` passkeys spread over two members; returns (user, method id, credential id).
async fn register_many(api: &Api, n: usize) -> Vec<(String, String, Vec<u8>)> {
    let (first, second) = api.two_members().await;
    let mut made = Vec::new();
    for i in 0..n {
        let user = if i % 2 == 0 { &first } else { &second };
        let (maker, status, method) = api.register_new(user).await;
        assert_eq!(status, StatusCode::CREATED, "{method}");
        let id = method["id"].as_str().unwrap().to_owned();
        made.push((user.clone(), id, maker.credential_id));
    }
    made
}

/// The id works as Graph's handle: listed, readable and deletable.
async fn usable(api: &Api, user: &str, id: &str) {
    assert!(api.listed_ids(user).await.iter().any(|l| l == id), "{id}");
    let (status, one) = api
        .get(&format!("{}/{id}", common::passkeys::fido2_path(user)))
        .await;
    assert_eq!(status, StatusCode::OK, "{one}");
    assert_eq!(one["id"], id);
    assert_eq!(api.delete_method(user, id).await.0, StatusCode::NO_CONTENT);
    assert!(!api.listed_ids(user).await.iter().any(|l| l == id));
}

#[tokio::test]
async fn opaque_ids_are_padding_digit_base64url_unrelated_to_the_credential_id() {
    within(async {
        let api = Api::start(SimConfig::default()).await;
        assert_eq!(api.state().await["methodIds"], "opaque");
        let made = register_many(&api, 12).await;
        let ids: HashSet<&str> = made.iter().map(|(_, id, _)| id.as_str()).collect();
        assert_eq!(ids.len(), made.len(), "ids are unique");
        for (_, id, credential) in &made {
            let (text, digit) = id.split_at(id.len() - 1);
            let bytes = URL_SAFE_NO_PAD
                .decode(text)
                .expect("base64url before the digit");
            assert!((16..=64).contains(&bytes.len()), "{id}");
            assert_eq!(digit, ((3 - bytes.len() % 3) % 3).to_string(), "{id}");
            assert!(
                !readings(id).contains(credential),
                "{id} decodes to the credential"
            );
            assert!(
                !spellings(credential).contains(id),
                "{id} spells the credential"
            );
        }
        // The stored credential ids are still those registered (duplicate checks use them).
        let (user, id, credential) = &made[0];
        let stored = api.stored_passkeys(user).await;
        let mine = stored.iter().find(|p| p["id"] == id.as_str()).unwrap();
        assert_eq!(mine["credentialId"], URL_SAFE_NO_PAD.encode(credential));
        usable(&api, user, id).await;
    })
    .await;
}

#[tokio::test]
async fn guid_ids_are_v4_uuids() {
    within(async {
        let api = Api::start(SimConfig {
            method_ids: MethodIds::Guid,
            ..SimConfig::default()
        })
        .await;
        assert_eq!(api.state().await["methodIds"], "guid");
        let made = register_many(&api, 4).await;
        let ids: HashSet<&str> = made.iter().map(|(_, id, _)| id.as_str()).collect();
        assert_eq!(ids.len(), made.len());
        for (_, id, _) in &made {
            let uuid = Uuid::parse_str(id).expect("a UUID");
            assert_eq!(uuid.get_version_num(), 4, "{id}");
            assert_eq!(uuid.hyphenated().to_string(), *id, "lower case, hyphenated");
        }
        let (user, id, _) = &made[1];
        usable(&api, user, id).await;
    })
    .await;
}

#[tokio::test]
async fn credential_mode_names_the_method_after_its_credential_id() {
    within(async {
        let api = Api::start(SimConfig {
            method_ids: MethodIds::Credential,
            ..SimConfig::default()
        })
        .await;
        assert_eq!(api.state().await["methodIds"], "credential");
        let made = register_many(&api, 2).await;
        for (_, id, credential) in &made {
            // 32 bytes: 43 characters plus the digit for one dropped '='.
            assert_eq!(*id, format!("{}1", URL_SAFE_NO_PAD.encode(credential)));
        }
        let (user, id, _) = &made[0];
        usable(&api, user, id).await;
    })
    .await;
}
