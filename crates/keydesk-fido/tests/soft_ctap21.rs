//! The soft key's CTAP 2.1 behaviour: reset window, PIN change, minimum PIN length, forced
//! PIN change (and why it must come last), getAssertion, credential management, cancel,
//! latency and the state file.

use keydesk_tests::within;
use std::sync::Arc;
use std::time::Duration;

use keydesk_core::Pin;
use keydesk_fido::soft::{pin_hash, SoftKey, SoftKeyConfig, TouchMode, RESET_WINDOW};
use keydesk_fido::{CtapStatus, GetAssertion, KeyError, MakeCredential, SecurityKey};
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{DerSignature, VerifyingKey};
use sha2::{Digest, Sha256};

const PIN: &str = "724915";
const RP: &str = "login.microsoft.com";

fn config(touch: TouchMode) -> SoftKeyConfig {
    let mut config = SoftKeyConfig::with_serial("CTAP21");
    config.touch = touch;
    config
}

fn auto_key() -> Arc<SoftKey> {
    Arc::new(SoftKey::new(
        "k",
        config(TouchMode::Auto(Duration::from_millis(5))),
    ))
}

fn request(user: &str) -> MakeCredential {
    MakeCredential {
        client_data_json: format!(r#"{{"challenge":"{user}"}}"#).into_bytes(),
        rp_id: RP.into(),
        rp_name: "Microsoft".into(),
        user_handle: user.as_bytes().to_vec(),
        user_name: format!("{user}@contoso.com"),
        user_display_name: user.into(),
        exclude_list: vec![],
        resident_key: true,
        cred_protect: Some(2),
        hmac_secret: true,
    }
}

fn ctap(status: CtapStatus) -> KeyError {
    KeyError::ctap(status)
}

fn pin() -> Pin {
    Pin::new(PIN)
}

#[tokio::test(start_paused = true)]
async fn reset_in_time_wipes_pin_and_credentials() {
    let key = auto_key();
    within(async {
        key.set_pin(&pin()).await.unwrap();
        key.make_credential(&request("u1"), &pin()).await.unwrap();
        key.reset().await.unwrap();
        let info = key.info().await.unwrap();
        assert_eq!(info.client_pin, Some(false));
        assert_eq!(info.remaining_discoverable_credentials, Some(25));
        assert!(key.credentials().is_empty());
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn reset_too_late_is_not_allowed_until_replugged() {
    let key = auto_key();
    within(async {
        key.set_pin(&pin()).await.unwrap();
        tokio::time::sleep(RESET_WINDOW + Duration::from_millis(1)).await;
        assert_eq!(key.reset().await, Err(ctap(CtapStatus::NotAllowed)));
        assert_eq!(key.info().await.unwrap().client_pin, Some(true));
        key.pull();
        key.plug();
        tokio::time::sleep(Duration::from_secs(9)).await;
        key.reset().await.unwrap();
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn reset_without_a_touch_times_out_and_keeps_everything() {
    let key = Arc::new(SoftKey::new("m", config(TouchMode::Manual)));
    within(async {
        key.set_pin(&pin()).await.unwrap();
        assert_eq!(key.reset().await, Err(ctap(CtapStatus::UserActionTimeout)));
        assert_eq!(key.info().await.unwrap().client_pin, Some(true));
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn pulling_the_key_during_reset_is_removed() {
    let key = Arc::new(SoftKey::new("m", config(TouchMode::Manual)));
    within(async {
        let resetting = tokio::spawn({
            let key = Arc::clone(&key);
            async move { key.reset().await }
        });
        key.subscribe_changes()
            .wait_for(|s| s.awaiting_touch)
            .await
            .unwrap();
        key.pull();
        assert_eq!(resetting.await.unwrap(), Err(KeyError::Removed));
    })
    .await;
}

#[tokio::test]
async fn ctap21_order_min_length_then_credential_then_force_change_last() {
    let key = auto_key();
    within(async {
        key.set_pin(&pin()).await.unwrap();
        key.set_min_pin_length(&pin(), 6, &[RP.to_owned()])
            .await
            .unwrap();
        let info = key.info().await.unwrap();
        assert_eq!(info.min_pin_length, 6);
        assert!(!info.force_pin_change, "a 6-digit PIN meets a minimum of 6");
        key.make_credential(&request("u1"), &pin()).await.unwrap();
        key.force_pin_change(&pin()).await.unwrap();
        assert!(key.info().await.unwrap().force_pin_change);
        // Forcing earlier would have broken makeCredential: PIN tokens now fail with 0x37.
        assert_eq!(
            key.make_credential(&request("u2"), &pin())
                .await
                .unwrap_err(),
            ctap(CtapStatus::PinPolicyViolation)
        );
        assert_eq!(
            key.set_min_pin_length(&pin(), 8, &[]).await,
            Err(ctap(CtapStatus::PinPolicyViolation))
        );
        // A correct PIN under a forced change does not burn retries.
        assert_eq!(key.pin_retries().await.unwrap(), 8);
        assert_eq!(
            key.change_pin(&pin(), &pin()).await,
            Err(ctap(CtapStatus::PinPolicyViolation))
        );
        let new_pin = Pin::new("583920");
        key.change_pin(&pin(), &new_pin).await.unwrap();
        assert!(!key.info().await.unwrap().force_pin_change);
        key.make_credential(&request("u2"), &new_pin).await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn a_minimum_longer_than_the_pin_forces_a_change_and_never_shrinks() {
    let key = auto_key();
    within(async {
        key.set_pin(&pin()).await.unwrap();
        key.set_min_pin_length(&pin(), 8, &[]).await.unwrap();
        assert!(key.info().await.unwrap().force_pin_change);
        assert_eq!(
            key.change_pin(&pin(), &Pin::new("1234567")).await,
            Err(ctap(CtapStatus::PinPolicyViolation))
        );
        let long = Pin::new("58392017");
        key.change_pin(&pin(), &long).await.unwrap();
        assert_eq!(
            key.set_min_pin_length(&long, 6, &[]).await,
            Err(ctap(CtapStatus::PinPolicyViolation))
        );
        assert_eq!(key.info().await.unwrap().min_pin_length, 8);
    })
    .await;
}

#[tokio::test]
async fn change_pin_with_a_wrong_current_pin_costs_a_retry() {
    let key = auto_key();
    within(async {
        key.set_pin(&pin()).await.unwrap();
        assert_eq!(
            key.change_pin(&Pin::new("000000"), &Pin::new("111111"))
                .await,
            Err(ctap(CtapStatus::PinInvalid))
        );
        assert_eq!(key.pin_retries().await.unwrap(), 7);
    })
    .await;
}

#[tokio::test]
async fn get_assertion_signs_with_the_credential_made() {
    let key = auto_key();
    within(async {
        key.set_pin(&pin()).await.unwrap();
        let made = key.make_credential(&request("u1"), &pin()).await.unwrap();
        let public = public_key(&made.auth_data);
        let client_data = b"{\"type\":\"webauthn.get\"}".to_vec();
        for allow_list in [vec![], vec![made.credential_id.clone()]] {
            let request = GetAssertion {
                client_data_json: client_data.clone(),
                rp_id: RP.into(),
                allow_list,
            };
            let assertion = key.get_assertion(&request, &pin()).await.unwrap();
            assert_eq!(assertion.credential_id, made.credential_id);
            assert_eq!(assertion.user_handle.as_deref(), Some(b"u1".as_slice()));
            assert_eq!(assertion.auth_data[..32], Sha256::digest(RP)[..]);
            assert_eq!(assertion.auth_data[32], 0x05, "UP and UV");
            let mut signed = assertion.auth_data.clone();
            signed.extend_from_slice(&Sha256::digest(&client_data));
            let sig = DerSignature::from_bytes(&assertion.signature).unwrap();
            public.verify(&signed, &sig).unwrap();
        }
        let other = GetAssertion {
            client_data_json: client_data,
            rp_id: "example.com".into(),
            allow_list: vec![],
        };
        assert_eq!(
            key.get_assertion(&other, &pin()).await,
            Err(ctap(CtapStatus::NoCredentials))
        );
    })
    .await;
}

/// The P-256 key in an attested authData's COSE key (x at -2, y at -3).
fn public_key(auth_data: &[u8]) -> VerifyingKey {
    let id_len = usize::from(u16::from_be_bytes([auth_data[53], auth_data[54]]));
    let cose: ciborium::value::Value = ciborium::from_reader(&auth_data[55 + id_len..]).unwrap();
    let field = |k: i64| {
        cose.as_map()
            .unwrap()
            .iter()
            .find(|(key, _)| key.as_integer() == Some(k.into()))
            .unwrap()
            .1
            .as_bytes()
            .unwrap()
            .clone()
    };
    let mut sec1 = vec![4];
    sec1.extend(field(-2));
    sec1.extend(field(-3));
    VerifyingKey::from_sec1_bytes(&sec1).unwrap()
}

#[tokio::test]
async fn credentials_are_listed_and_deleted() {
    let key = auto_key();
    within(async {
        key.set_pin(&pin()).await.unwrap();
        let a = key.make_credential(&request("a"), &pin()).await.unwrap();
        let mut server_side = request("b");
        server_side.resident_key = false;
        key.make_credential(&server_side, &pin()).await.unwrap();
        let listed = SecurityKey::credentials(&*key, &pin()).await.unwrap();
        assert_eq!(listed.len(), 1, "only discoverable credentials are listed");
        assert_eq!(listed[0].credential_id, a.credential_id);
        assert_eq!(listed[0].user_name, "a@contoso.com");
        assert_eq!(listed[0].rp_id, RP);
        key.delete_credential(&pin(), &a.credential_id)
            .await
            .unwrap();
        assert!(SecurityKey::credentials(&*key, &pin())
            .await
            .unwrap()
            .is_empty());
        assert_eq!(
            key.delete_credential(&pin(), &a.credential_id).await,
            Err(ctap(CtapStatus::NoCredentials))
        );
    })
    .await;
}

#[tokio::test]
async fn cancel_ends_a_pending_touch_with_keepalive_cancel() {
    let key = Arc::new(SoftKey::new("m", config(TouchMode::Manual)));
    within(async {
        key.set_pin(&pin()).await.unwrap();
        let making = tokio::spawn({
            let key = Arc::clone(&key);
            async move { key.make_credential(&request("u"), &pin()).await }
        });
        key.subscribe_changes()
            .wait_for(|s| s.awaiting_touch)
            .await
            .unwrap();
        key.cancel().await;
        assert_eq!(
            making.await.unwrap().unwrap_err(),
            ctap(CtapStatus::KeepaliveCancel)
        );
        key.wink().await.unwrap();
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn latency_delays_every_answer() {
    let mut config = config(TouchMode::Auto(Duration::ZERO));
    config.latency = Duration::from_millis(250);
    let key = SoftKey::new("slow", config);
    let started = tokio::time::Instant::now();
    within(key.info()).await.unwrap();
    assert_eq!(started.elapsed(), Duration::from_millis(250));
}

#[tokio::test]
async fn state_survives_a_restart_and_the_file_holds_only_the_pin_hash() {
    let dir = std::env::temp_dir().join(format!("keydesk-soft-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut cfg = config(TouchMode::Auto(Duration::from_millis(5)));
    cfg.state_dir = Some(dir.clone());
    within(async {
        let key = SoftKey::open("p", cfg.clone()).unwrap();
        key.set_pin(&pin()).await.unwrap();
        let made = key.make_credential(&request("u1"), &pin()).await.unwrap();
        assert_eq!(
            key.change_pin(&Pin::new("999999"), &Pin::new("111111"))
                .await,
            Err(ctap(CtapStatus::PinInvalid))
        );
        drop(key);

        let text = std::fs::read_to_string(dir.join("state.json")).unwrap();
        assert!(!text.contains(PIN), "the PIN itself must never be written");
        assert!(text.contains(&hex::encode(pin_hash(&pin()))));

        let again = SoftKey::open("p", cfg.clone()).unwrap();
        assert_eq!(again.pin_retries().await.unwrap(), 7);
        let listed = SecurityKey::credentials(&again, &pin()).await.unwrap();
        assert_eq!(listed[0].credential_id, made.credential_id);
        let request = GetAssertion {
            client_data_json: b"{}".to_vec(),
            rp_id: RP.into(),
            allow_list: vec![],
        };
        again.get_assertion(&request, &pin()).await.unwrap();
    })
    .await;
    std::fs::remove_dir_all(&dir).unwrap();
}
