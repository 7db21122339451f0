//! The soft key against CTAP 2.1's rules, its attestations checked with real crypto.

use keydesk_tests::within;
use std::sync::Arc;
use std::time::Duration;

use ciborium::value::Value;
use keydesk_core::attestation::{aaguid_from_auth_data, credential_id_from_auth_data};
use keydesk_core::{Attestation, Pin};
use keydesk_fido::soft::{
    SoftKey, SoftKeyConfig, TouchMode, FLAG_AT, FLAG_ED, FLAG_UP, FLAG_UV, MAX_PIN_RETRIES,
    SOFT_KEY_AAGUID,
};
use keydesk_fido::{CtapStatus, KeyError, MakeCredential, SecurityKey};
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{Signature, VerifyingKey};
use sha2::{Digest, Sha256};

const PIN: &str = "724915";
const RP: &str = "login.microsoft.com";

fn auto_key() -> SoftKey {
    let mut config = SoftKeyConfig::with_serial("AUTO-1");
    config.touch = TouchMode::Auto(Duration::from_millis(5));
    SoftKey::new("auto", config)
}

fn manual_key() -> Arc<SoftKey> {
    let mut config = SoftKeyConfig::with_serial("MANUAL-1");
    config.touch = TouchMode::Manual;
    Arc::new(SoftKey::new("manual", config))
}

fn request(user: &str) -> MakeCredential {
    MakeCredential {
        client_data_json: format!(r#"{{"type":"webauthn.create","challenge":"{user}"}}"#)
            .into_bytes(),
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

async fn with_pin(key: &SoftKey) {
    key.set_pin(&Pin::new(PIN)).await.unwrap();
}

async fn until_awaiting(key: &SoftKey) {
    key.subscribe_changes()
        .wait_for(|s| s.awaiting_touch)
        .await
        .unwrap();
}

/// What the test reads back out of authData.
struct Parsed {
    rp_id_hash: Vec<u8>,
    flags: u8,
    sign_count: u32,
    aaguid: Vec<u8>,
    credential_id: Vec<u8>,
    public_key: VerifyingKey,
    extensions: Option<Value>,
}

fn parse(auth_data: &[u8]) -> Parsed {
    let id_len = u16::from_be_bytes([auth_data[53], auth_data[54]]) as usize;
    let mut rest = &auth_data[55 + id_len..];
    let cose: Value = ciborium::from_reader(&mut rest).unwrap();
    let cose = cose.as_map().unwrap();
    let keys: Vec<i128> = cose
        .iter()
        .map(|(k, _)| k.as_integer().unwrap().into())
        .collect();
    assert_eq!(keys, [1, 3, -1, -2, -3], "COSE_Key in canonical order");
    let int = |i: usize| -> i128 { cose[i].1.as_integer().unwrap().into() };
    assert_eq!((int(0), int(1), int(2)), (2, -7, 1), "EC2, ES256, P-256");
    let (x, y) = (cose[3].1.as_bytes().unwrap(), cose[4].1.as_bytes().unwrap());
    assert_eq!((x.len(), y.len()), (32, 32));
    let mut sec1 = vec![0x04];
    sec1.extend_from_slice(x);
    sec1.extend_from_slice(y);
    let extensions = if rest.is_empty() {
        None
    } else {
        let value: Value = ciborium::from_reader(&mut rest).unwrap();
        assert!(rest.is_empty(), "nothing after the extensions");
        Some(value)
    };
    Parsed {
        rp_id_hash: auth_data[..32].to_vec(),
        flags: auth_data[32],
        sign_count: u32::from_be_bytes(auth_data[33..37].try_into().unwrap()),
        aaguid: auth_data[37..53].to_vec(),
        credential_id: auth_data[55..55 + id_len].to_vec(),
        public_key: VerifyingKey::from_sec1_bytes(&sec1).unwrap(),
        extensions,
    }
}

fn verify_packed(attestation: &Attestation, client_data_json: &[u8], key: &VerifyingKey) {
    assert_eq!(attestation.fmt, "packed");
    assert_eq!(attestation.alg, -7);
    assert!(attestation.x5c.is_empty(), "self-attestation");
    let mut signed = attestation.auth_data.clone();
    signed.extend_from_slice(&Sha256::digest(client_data_json));
    let signature = Signature::from_der(&attestation.sig).expect("DER signature");
    key.verify(&signed, &signature).expect("signature verifies");
}

#[tokio::test]
async fn make_credential_returns_a_verifiable_packed_self_attestation() {
    within(async {
        let key = auto_key();
        with_pin(&key).await;
        let req = request("adele");
        let att = key.make_credential(&req, &Pin::new(PIN)).await.unwrap();

        let parsed = parse(&att.auth_data);
        verify_packed(&att, &req.client_data_json, &parsed.public_key);
        assert_eq!(parsed.rp_id_hash, Sha256::digest(RP.as_bytes()).to_vec());
        assert_eq!(parsed.flags, FLAG_UP | FLAG_UV | FLAG_AT | FLAG_ED);
        assert_eq!(parsed.sign_count, 1);
        assert_eq!(parsed.aaguid, SOFT_KEY_AAGUID);
        assert_eq!(parsed.credential_id, att.credential_id);
        assert!(att.credential_id.len() >= 32);
        assert_eq!(
            credential_id_from_auth_data(&att.auth_data).unwrap(),
            att.credential_id
        );
        assert_eq!(
            aaguid_from_auth_data(&att.auth_data).unwrap(),
            SOFT_KEY_AAGUID
        );
        let extensions = parsed.extensions.expect("extensions present");
        assert_eq!(
            extensions,
            Value::Map(vec![
                (Value::Text("credProtect".into()), Value::Integer(2.into())),
                (Value::Text("hmac-secret".into()), Value::Bool(true)),
            ])
        );

        // A signature over anything else does not verify.
        let signature = Signature::from_der(&att.sig).unwrap();
        let mut tampered = att.auth_data.clone();
        tampered.extend_from_slice(&Sha256::digest(b"other client data"));
        assert!(parsed.public_key.verify(&tampered, &signature).is_err());

        let stored = key.credentials();
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0].rp_id, RP);
        assert_eq!(stored[0].user_name, "adele@contoso.com");
        assert_eq!(stored[0].credential_id, att.credential_id);
        assert_eq!(stored[0].cred_protect, Some(2));
        let info = key.info().await.unwrap();
        assert_eq!(info.remaining_discoverable_credentials, Some(24));

        // The attestationObject KeyDesk sends carries the same bytes.
        let object: Value = ciborium::from_reader(att.to_cbor().as_slice()).unwrap();
        assert_eq!(
            object.as_map().unwrap()[2].1.as_bytes().unwrap(),
            &att.auth_data
        );
    })
    .await
}

#[tokio::test]
async fn without_extensions_there_is_no_ed_flag_and_counters_advance() {
    within(async {
        let key = auto_key();
        with_pin(&key).await;
        let mut req = request("ben");
        req.cred_protect = None;
        req.hmac_secret = false;
        let first = key.make_credential(&req, &Pin::new(PIN)).await.unwrap();
        let parsed = parse(&first.auth_data);
        assert_eq!(parsed.flags, FLAG_UP | FLAG_UV | FLAG_AT);
        assert!(parsed.extensions.is_none());
        verify_packed(&first, &req.client_data_json, &parsed.public_key);

        req.hmac_secret = true;
        let second = key.make_credential(&req, &Pin::new(PIN)).await.unwrap();
        let parsed = parse(&second.auth_data);
        assert_eq!(parsed.sign_count, 2);
        assert_eq!(
            parsed.extensions.unwrap(),
            Value::Map(vec![(Value::Text("hmac-secret".into()), Value::Bool(true))])
        );
        assert_ne!(first.credential_id, second.credential_id);
        assert_eq!(
            key.credentials().len(),
            1,
            "same user replaced its credential"
        );
    })
    .await
}

#[tokio::test]
async fn info_reports_a_fresh_ctap21_key_and_the_pin_once_set() {
    within(async {
        let key = auto_key();
        let info = key.info().await.unwrap();
        assert_eq!(info.versions, ["FIDO_2_0", "FIDO_2_1"]);
        assert_eq!(info.client_pin, Some(false));
        assert!(info.resident_keys);
        assert_eq!(info.min_pin_length, 4);
        assert_eq!(info.pin_protocols, [2, 1]);
        assert_eq!(info.remaining_discoverable_credentials, Some(25));
        assert_eq!(info.model, "KeyDesk Soft Key");
        assert_eq!(info.serial.as_deref(), Some("AUTO-1"));
        assert_eq!(info.aaguid, key.aaguid());
        assert_eq!(key.pin_retries().await.unwrap(), MAX_PIN_RETRIES);
        with_pin(&key).await;
        assert_eq!(key.info().await.unwrap().client_pin, Some(true));
    })
    .await
}

#[tokio::test]
async fn set_pin_refuses_a_second_pin_and_policy_violations() {
    within(async {
        let key = auto_key();
        assert_eq!(
            key.set_pin(&Pin::new("123")).await,
            Err(ctap(CtapStatus::PinPolicyViolation))
        );
        assert_eq!(
            key.set_pin(&Pin::new("9".repeat(64))).await,
            Err(ctap(CtapStatus::PinPolicyViolation))
        );
        with_pin(&key).await;
        assert_eq!(
            key.set_pin(&Pin::new("836152")).await,
            Err(ctap(CtapStatus::PinAuthInvalid)),
            "CTAP 2.1 §6.5.5.5: setPIN on a key with a PIN"
        );
    })
    .await
}

#[tokio::test]
async fn make_credential_without_a_pin_is_pin_not_set() {
    within(async {
        let key = auto_key();
        let result = key.make_credential(&request("c"), &Pin::new(PIN)).await;
        assert_eq!(result, Err(ctap(CtapStatus::PinNotSet)));
    })
    .await
}

#[tokio::test]
async fn wrong_pin_decrements_retries_and_a_right_one_restores_them() {
    within(async {
        let key = auto_key();
        with_pin(&key).await;
        let wrong = Pin::new("000001");
        for left in [7, 6] {
            let result = key.make_credential(&request("d"), &wrong).await;
            assert_eq!(result, Err(ctap(CtapStatus::PinInvalid)));
            assert_eq!(key.pin_retries().await.unwrap(), left);
        }
        key.make_credential(&request("d"), &Pin::new(PIN))
            .await
            .unwrap();
        assert_eq!(key.pin_retries().await.unwrap(), MAX_PIN_RETRIES);
    })
    .await
}

#[tokio::test]
async fn three_wrong_pins_block_pin_auth_until_the_key_is_replugged() {
    within(async {
        let key = auto_key();
        with_pin(&key).await;
        let wrong = Pin::new("000001");
        let expected = [
            CtapStatus::PinInvalid,
            CtapStatus::PinInvalid,
            CtapStatus::PinAuthBlocked,
        ];
        for status in expected {
            assert_eq!(
                key.make_credential(&request("e"), &wrong).await,
                Err(ctap(status))
            );
        }
        // Even the right PIN is refused, and costs no retry.
        let right = key.make_credential(&request("e"), &Pin::new(PIN)).await;
        assert_eq!(right, Err(ctap(CtapStatus::PinAuthBlocked)));
        assert_eq!(key.pin_retries().await.unwrap(), 5);
        key.pull();
        key.plug();
        key.make_credential(&request("e"), &Pin::new(PIN))
            .await
            .unwrap();
        assert_eq!(key.pin_retries().await.unwrap(), MAX_PIN_RETRIES);
    })
    .await
}

#[tokio::test]
async fn eight_wrong_pins_block_the_pin_for_good() {
    within(async {
        let key = auto_key();
        with_pin(&key).await;
        let wrong = Pin::new("000001");
        let mut last = Ok(());
        for attempt in 1..=8 {
            last = key.make_credential(&request("f"), &wrong).await.map(|_| ());
            if attempt % 3 == 0 {
                assert_eq!(last, Err(ctap(CtapStatus::PinAuthBlocked)));
                key.pull();
                key.plug();
            } else if attempt < 8 {
                assert_eq!(last, Err(ctap(CtapStatus::PinInvalid)));
            }
        }
        assert_eq!(last, Err(ctap(CtapStatus::PinBlocked)));
        assert_eq!(key.pin_retries().await.unwrap(), 0);
        key.pull();
        key.plug();
        let right = key.make_credential(&request("f"), &Pin::new(PIN)).await;
        assert_eq!(right, Err(ctap(CtapStatus::PinBlocked)));
    })
    .await
}

#[tokio::test]
async fn a_held_credential_in_the_exclude_list_is_refused_after_a_touch() {
    within(async {
        let key = manual_key();
        with_pin(&key).await;
        let first = {
            let run = {
                let key = Arc::clone(&key);
                tokio::spawn(
                    async move { key.make_credential(&request("g"), &Pin::new(PIN)).await },
                )
            };
            until_awaiting(&key).await;
            key.touch();
            run.await.unwrap().unwrap()
        };

        let mut again = request("g2");
        again.exclude_list = vec![b"unknown".to_vec(), first.credential_id.clone()];
        let run = {
            let key = Arc::clone(&key);
            let again = again.clone();
            tokio::spawn(async move { key.make_credential(&again, &Pin::new(PIN)).await })
        };
        until_awaiting(&key).await;
        key.touch();
        assert_eq!(
            run.await.unwrap(),
            Err(ctap(CtapStatus::CredentialExcluded))
        );
        assert_eq!(key.credentials().len(), 1);

        // The same id listed for another relying party does not exclude.
        again.rp_id = "example.com".into();
        let run = {
            let key = Arc::clone(&key);
            tokio::spawn(async move { key.make_credential(&again, &Pin::new(PIN)).await })
        };
        until_awaiting(&key).await;
        key.touch();
        run.await.unwrap().unwrap();
    })
    .await
}

#[tokio::test(start_paused = true)]
async fn no_touch_is_a_user_action_timeout() {
    // Virtual time: the outer guard must outlast the key's 30 s touch timeout.
    tokio::time::timeout(Duration::from_secs(60), async {
        let key = manual_key();
        with_pin(&key).await;
        let started = tokio::time::Instant::now();
        let result = key.make_credential(&request("h"), &Pin::new(PIN)).await;
        assert_eq!(result, Err(ctap(CtapStatus::UserActionTimeout)));
        assert_eq!(started.elapsed(), Duration::from_secs(30));
        assert!(!key.awaiting_touch());
        assert!(key.credentials().is_empty());
    })
    .await
    .expect("test took too long")
}

#[tokio::test]
async fn a_touch_with_nothing_pending_is_ignored() {
    within(async {
        let key = manual_key();
        with_pin(&key).await;
        key.touch();
        let run = {
            let key = Arc::clone(&key);
            tokio::spawn(async move { key.make_credential(&request("i"), &Pin::new(PIN)).await })
        };
        until_awaiting(&key).await;
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(key.awaiting_touch(), "the early touch did not count");
        key.touch();
        run.await.unwrap().unwrap();
        assert!(!key.awaiting_touch());
    })
    .await
}

#[tokio::test]
async fn pulling_the_key_while_it_waits_for_a_touch_is_removed() {
    within(async {
        let key = manual_key();
        with_pin(&key).await;
        let run = {
            let key = Arc::clone(&key);
            tokio::spawn(async move { key.make_credential(&request("j"), &Pin::new(PIN)).await })
        };
        until_awaiting(&key).await;
        key.pull();
        assert_eq!(run.await.unwrap(), Err(KeyError::Removed));
        assert!(!key.awaiting_touch());
        assert_eq!(key.info().await, Err(KeyError::Removed));
        assert_eq!(key.pin_retries().await, Err(KeyError::Removed));
        assert_eq!(key.set_pin(&Pin::new(PIN)).await, Err(KeyError::Removed));
        key.touch();
        key.plug();
        assert!(key.credentials().is_empty());
        assert_eq!(
            key.info().await.unwrap().client_pin,
            Some(true),
            "the PIN survives"
        );
    })
    .await
}

#[tokio::test]
async fn dropping_a_pending_operation_withdraws_the_touch_request() {
    within(async {
        let key = manual_key();
        with_pin(&key).await;
        let (req, pin) = (request("k"), Pin::new(PIN));
        let pending = key.make_credential(&req, &pin);
        let cut_short = tokio::time::timeout(Duration::from_millis(20), pending).await;
        assert!(cut_short.is_err());
        assert!(!key.awaiting_touch());
        assert_eq!(
            key.pin_retries().await,
            Ok(MAX_PIN_RETRIES),
            "the key is free again"
        );
    })
    .await
}

#[tokio::test]
async fn a_full_store_is_key_store_full_but_the_same_user_replaces() {
    within(async {
        let mut config = SoftKeyConfig::with_serial("SMALL");
        config.touch = TouchMode::Auto(Duration::ZERO);
        config.capacity = 2;
        let key = SoftKey::new("small", config);
        with_pin(&key).await;
        for user in ["l1", "l2"] {
            key.make_credential(&request(user), &Pin::new(PIN))
                .await
                .unwrap();
        }
        assert_eq!(
            key.info().await.unwrap().remaining_discoverable_credentials,
            Some(0)
        );
        let full = key.make_credential(&request("l3"), &Pin::new(PIN)).await;
        assert_eq!(full, Err(ctap(CtapStatus::KeyStoreFull)));
        let replaced = key
            .make_credential(&request("l1"), &Pin::new(PIN))
            .await
            .unwrap();
        let stored = key.credentials();
        assert_eq!(stored.len(), 2);
        assert!(stored
            .iter()
            .any(|c| c.credential_id == replaced.credential_id));
    })
    .await
}

#[tokio::test]
async fn a_second_call_while_one_runs_is_busy() {
    within(async {
        let key = manual_key();
        with_pin(&key).await;
        let run = {
            let key = Arc::clone(&key);
            tokio::spawn(async move { key.make_credential(&request("m"), &Pin::new(PIN)).await })
        };
        until_awaiting(&key).await;
        assert_eq!(key.info().await, Err(KeyError::Busy));
        let second = key.make_credential(&request("m2"), &Pin::new(PIN)).await;
        assert_eq!(second, Err(KeyError::Busy));
        key.touch();
        run.await.unwrap().unwrap();
        assert!(key.info().await.is_ok());
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_keys_work_concurrently() {
    within(async {
        let one = Arc::new(auto_key());
        let two = manual_key();
        with_pin(&one).await;
        with_pin(&two).await;
        let slow = {
            let two = Arc::clone(&two);
            tokio::spawn(async move { two.make_credential(&request("n2"), &Pin::new(PIN)).await })
        };
        until_awaiting(&two).await;
        // The first key finishes while the second still waits for its touch.
        let fast = one
            .make_credential(&request("n1"), &Pin::new(PIN))
            .await
            .unwrap();
        assert!(two.awaiting_touch());
        two.touch();
        let slow = slow.await.unwrap().unwrap();
        assert_ne!(fast.credential_id, slow.credential_id);
        assert_eq!(one.credentials()[0].credential_id, fast.credential_id);
        assert_eq!(two.credentials()[0].credential_id, slow.credential_id);
    })
    .await
}
