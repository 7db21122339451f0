//! Bench tests against a real security key (or the QEMU guest's virtual UHID key). Every test
//! is `#[ignore]`d; run them one at a time:
//!
//! ```text
//! cargo test -p keydesk-fido --test hardware -- --ignored --test-threads=1
//! ```
//!
//! Environment (see HARDWARE.md):
//! - `KEYDESK_HW_PIN` — the key's PIN, or the PIN the suite sets on a blank key (default
//!   `246813`). The key must have no PIN or this PIN.
//! - `KEYDESK_HW_PATH` — which key, when several are plugged (default: the only one).
//! - `KEYDESK_HW_REPLUG_CMD` — a shell command that unplugs the key and plugs it back in;
//!   re-plug tests are skipped (with a message) without it.
//! - `KEYDESK_HW_ALLOW_RESET=1` — allows tests that wipe the key (authenticatorReset).
//!
//! Tests that need a touch expect the operator to touch the key (a virtual key approves
//! presence by itself).

use keydesk_tests::within;
use std::time::Duration;

use ciborium::value::Value;
use keydesk_core::attestation::{aaguid_from_auth_data, credential_id_from_auth_data};
use keydesk_core::Pin;
use keydesk_fido::hid::watch::DeviceSource;
use keydesk_fido::hid::{
    self, choose_pin_protocol, DeviceEvent, DeviceIdentity, HidKey, HidSource,
};
use keydesk_fido::{CtapStatus, GetAssertion, KeyError, MakeCredential, SecurityKey};
use sha2::{Digest, Sha256};

const RP: &str = "login.microsoft.com";

fn pin() -> Pin {
    Pin::new(std::env::var("KEYDESK_HW_PIN").unwrap_or_else(|_| "246813".into()))
}

fn replug_cmd() -> Option<String> {
    std::env::var("KEYDESK_HW_REPLUG_CMD")
        .ok()
        .filter(|c| !c.trim().is_empty())
}

fn reset_allowed() -> bool {
    std::env::var("KEYDESK_HW_ALLOW_RESET").as_deref() == Ok("1")
}

fn skip(test: &str, why: &str) {
    eprintln!("SKIPPED {test}: {why}");
}

/// The key under test: `KEYDESK_HW_PATH`, or the only FIDO key plugged in.
fn identity() -> DeviceIdentity {
    let devices = hid::fido_devices().expect("HID enumeration");
    let wanted = std::env::var("KEYDESK_HW_PATH").ok();
    let mut matching: Vec<_> = devices
        .into_iter()
        .filter(|d| wanted.as_ref().is_none_or(|w| &d.path == w))
        .collect();
    assert_eq!(
        matching.len(),
        1,
        "plug in exactly one FIDO key, or set KEYDESK_HW_PATH"
    );
    matching.remove(0)
}

async fn open() -> HidKey {
    HidKey::open(identity()).await.expect("open the key")
}

/// Opens the key and makes sure it has the suite's PIN.
async fn open_with_pin() -> HidKey {
    let key = open().await;
    let info = key.info().await.unwrap();
    assert_ne!(info.client_pin, None, "the key has no clientPin support");
    if info.client_pin == Some(false) {
        key.set_pin(&pin()).await.expect("set the suite's PIN");
    }
    key
}

fn request(user: &str, exclude_list: Vec<Vec<u8>>) -> MakeCredential {
    MakeCredential {
        client_data_json: format!(
            r#"{{"type":"webauthn.create","challenge":"{user}","origin":"https://{RP}"}}"#
        )
        .into_bytes(),
        rp_id: RP.into(),
        rp_name: "Microsoft".into(),
        user_handle: user.as_bytes().to_vec(),
        user_name: format!("{user}@contoso.com"),
        user_display_name: user.into(),
        exclude_list,
        resident_key: true,
        cred_protect: Some(2),
        hmac_secret: true,
    }
}

/// Runs a shell command in a blocking thread.
async fn run(cmd: &str) -> std::process::ExitStatus {
    let cmd = cmd.to_owned();
    tokio::task::spawn_blocking(move || {
        std::process::Command::new("sh").arg("-c").arg(cmd).status()
    })
    .await
    .unwrap()
    .expect("run the re-plug command")
}

/// Runs `KEYDESK_HW_REPLUG_CMD` while a watcher looks on; returns the key's new identity.
async fn replug(cmd: &str, gone: &DeviceIdentity) -> DeviceIdentity {
    let mut watch = hid::watch();
    while within(watch.next()).await != Some(DeviceEvent::EnumerationComplete) {}
    let status = run(cmd).await;
    assert!(status.success(), "re-plug command failed: {status}");
    hid::wait_for_return(&mut watch, gone, Duration::from_secs(30))
        .await
        .expect("the key came back")
}

#[tokio::test]
#[ignore = "needs a security key"]
async fn hw01_enumeration_and_identity() {
    let id = identity();
    assert!(!id.path.is_empty());
    assert_ne!((id.vid, id.pid), (0, 0));
    let key = within(HidKey::open(id.clone())).await.unwrap();
    let info = within(key.info()).await.unwrap();
    assert!(
        info.versions.iter().any(|v| v.starts_with("FIDO_2")),
        "{:?}",
        info.versions
    );
    assert_ne!(info.aaguid, [0; 16], "a FIDO2 key reports its AAGUID");
    assert!(!info.model.is_empty());
    assert_eq!(info.serial, id.serial);
    drop(key);
    let scanned = HidSource::default().scan().unwrap();
    let seen = scanned
        .iter()
        .find(|d| d.path == id.path)
        .expect("the source sees the key");
    assert_eq!(
        seen.aaguid,
        Some(info.aaguid),
        "the watcher reads the same AAGUID"
    );
    eprintln!(
        "key: {id:?}, model {}, versions {:?}",
        info.model, info.versions
    );
}

#[tokio::test]
#[ignore = "needs a security key"]
async fn hw02_pin_protocol_selection() {
    let key = open().await;
    let info = within(key.info()).await.unwrap();
    assert_eq!(key.pin_protocol(), choose_pin_protocol(&info.pin_protocols));
    if !info.pin_protocols.contains(&1) {
        assert_eq!(
            key.pin_protocol(),
            2,
            "a key without protocol 1 must get protocol 2"
        );
    }
}

#[tokio::test]
#[ignore = "needs a security key"]
async fn hw03_set_pin_then_retries_are_full() {
    let key = within(open_with_pin()).await;
    assert_eq!(within(key.info()).await.unwrap().client_pin, Some(true));
    // CTAP 2.1 §6.5.5.5: setPIN on a key that has a PIN is PIN_AUTH_INVALID (0x33); some
    // older keys answer NOT_ALLOWED (0x30).
    let second = within(key.set_pin(&pin())).await;
    assert!(
        matches!(
            second,
            Err(KeyError::Ctap {
                status: CtapStatus::PinAuthInvalid | CtapStatus::NotAllowed
            })
        ),
        "a second setPIN is refused with 0x33 (or 0x30): {second:?}"
    );
    assert!(within(key.pin_retries()).await.unwrap() > 0);
}

#[tokio::test]
#[ignore = "needs a security key"]
async fn hw04_wrong_pin_costs_one_retry_and_the_right_one_restores() {
    let key = within(open_with_pin()).await;
    let before = within(key.pin_retries()).await.unwrap();
    assert!(
        before >= 2,
        "too few retries left ({before}) to test safely"
    );
    let wrong = Pin::new("9999999999");
    assert_eq!(
        within(key.change_pin(&wrong, &pin())).await,
        Err(KeyError::ctap(CtapStatus::PinInvalid))
    );
    assert_eq!(within(key.pin_retries()).await.unwrap(), before - 1);
    within(key.change_pin(&pin(), &pin()))
        .await
        .expect("changing to the same PIN with the right one");
    assert_eq!(within(key.pin_retries()).await.unwrap(), 8);
}

/// The extensions map at the end of an attested authData.
fn extensions(auth_data: &[u8]) -> Vec<(String, Value)> {
    let id_len = usize::from(u16::from_be_bytes([auth_data[53], auth_data[54]]));
    let mut rest = &auth_data[55 + id_len..];
    let _cose: Value = ciborium::from_reader(&mut rest).unwrap();
    let ext: Value = ciborium::from_reader(&mut rest).expect("an extensions map");
    ext.as_map()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.as_text().unwrap().to_owned(), v.clone()))
        .collect()
}

#[tokio::test]
#[ignore = "needs a security key and a touch"]
async fn hw05_make_credential_with_cred_protect_and_hmac_secret() {
    let key = within(open_with_pin()).await;
    let info = within(key.info()).await.unwrap();
    eprintln!("touch the key");
    let att = within(key.make_credential(&request("hw05", vec![]), &pin()))
        .await
        .unwrap();
    assert!(
        ["packed", "fido-u2f", "none"].contains(&att.fmt.as_str()),
        "{}",
        att.fmt
    );
    assert_eq!(att.auth_data[..32], Sha256::digest(RP)[..]);
    let flags = att.auth_data[32];
    assert_eq!(flags & 0xC5, 0xC5, "UP, UV, AT and ED set: {flags:#04x}");
    assert_eq!(
        credential_id_from_auth_data(&att.auth_data).unwrap(),
        att.credential_id
    );
    assert_eq!(aaguid_from_auth_data(&att.auth_data).unwrap(), info.aaguid);
    let ext = extensions(&att.auth_data);
    let names: Vec<&str> = ext.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(names, ["credProtect", "hmac-secret"], "canonical order");
    assert_eq!(ext[0].1.as_integer(), Some(2.into()));
    assert_eq!(ext[1].1.as_bool(), Some(true));
    assert_eq!(att.alg, -7);
}

#[tokio::test]
#[ignore = "needs a security key and two touches"]
async fn hw06_exclude_list_is_refused() {
    let key = within(open_with_pin()).await;
    eprintln!("touch the key (twice)");
    let first = within(key.make_credential(&request("hw06", vec![]), &pin()))
        .await
        .unwrap();
    let again =
        within(key.make_credential(&request("hw06", vec![first.credential_id]), &pin())).await;
    assert_eq!(
        again.unwrap_err(),
        KeyError::ctap(CtapStatus::CredentialExcluded)
    );
}

#[tokio::test]
#[ignore = "needs a security key and two touches"]
async fn hw07_get_assertion_self_test_and_credential_listing() {
    let key = within(open_with_pin()).await;
    eprintln!("touch the key (twice)");
    let made = within(key.make_credential(&request("hw07", vec![]), &pin()))
        .await
        .unwrap();
    let request = GetAssertion {
        client_data_json: b"{\"type\":\"webauthn.get\"}".to_vec(),
        rp_id: RP.into(),
        allow_list: vec![made.credential_id.clone()],
    };
    let assertion = within(key.get_assertion(&request, &pin())).await.unwrap();
    assert_eq!(assertion.credential_id, made.credential_id);
    assert_eq!(assertion.auth_data[..32], Sha256::digest(RP)[..]);
    if within(key.info()).await.unwrap().supports_cred_mgmt {
        let listed = within(key.credentials(&pin())).await.unwrap();
        assert!(listed
            .iter()
            .any(|c| c.credential_id == made.credential_id && c.rp_id == RP));
        within(key.delete_credential(&pin(), &made.credential_id))
            .await
            .unwrap();
        let listed = within(key.credentials(&pin())).await.unwrap();
        assert!(!listed.iter().any(|c| c.credential_id == made.credential_id));
    }
}

#[tokio::test]
#[ignore = "needs a security key"]
async fn hw08_authenticator_config_or_a_clear_refusal() {
    let key = within(open_with_pin()).await;
    let info = within(key.info()).await.unwrap();
    let length = u8::try_from(pin().len()).unwrap().max(info.min_pin_length);
    let result = within(key.set_min_pin_length(&pin(), length, &[RP.to_owned()])).await;
    if info.supports_config && info.supports_min_pin_length {
        result.expect("setMinPINLength on a CTAP 2.1 key");
        let after = within(key.info()).await.unwrap();
        assert_eq!(after.min_pin_length, length);
        assert!(
            !after.force_pin_change,
            "a minimum the PIN meets forces no change"
        );
    } else {
        let error = result.unwrap_err();
        assert!(matches!(error, KeyError::Unsupported(_)), "{error:?}");
        assert!(error.to_string().contains("authenticatorConfig"), "{error}");
    }
}

#[tokio::test]
#[ignore = "needs a security key; wipes it only if the key misbehaves"]
async fn hw09_reset_outside_the_window_is_not_allowed() {
    if !reset_allowed() {
        return skip(
            "hw09",
            "set KEYDESK_HW_ALLOW_RESET=1 (a key that wrongly accepts would be wiped)",
        );
    }
    let key = open().await;
    tokio::time::sleep(Duration::from_secs(11)).await; // the key was plugged before the suite
    assert_eq!(
        within(key.reset()).await,
        Err(KeyError::ctap(CtapStatus::NotAllowed))
    );
}

#[tokio::test]
#[ignore = "needs a security key, a re-plug command and a touch; wipes the key"]
async fn hw10_reset_after_replug_wipes_the_key() {
    let (Some(cmd), true) = (replug_cmd(), reset_allowed()) else {
        return skip(
            "hw10",
            "needs KEYDESK_HW_REPLUG_CMD and KEYDESK_HW_ALLOW_RESET=1",
        );
    };
    let key = within(open_with_pin()).await;
    let gone = key.identity().clone();
    drop(key);
    let mut watch = hid::watch();
    while within(watch.next()).await != Some(DeviceEvent::EnumerationComplete) {}
    let status = run(&cmd).await;
    assert!(status.success());
    let fresh = within(hid::reset_after_replug(
        &mut watch,
        &gone,
        Duration::from_secs(30),
        |_| eprintln!("touch the key to confirm the reset"),
    ))
    .await
    .unwrap();
    let info = within(fresh.info()).await.unwrap();
    assert_eq!(info.client_pin, Some(false), "reset clears the PIN");
}

#[tokio::test]
#[ignore = "needs a security key and a re-plug command"]
async fn hw11_watcher_sees_pull_and_plug() {
    let Some(cmd) = replug_cmd() else {
        return skip("hw11", "needs KEYDESK_HW_REPLUG_CMD");
    };
    let gone = identity();
    let back = within(replug(&cmd, &gone)).await;
    assert!(hid::same_key(&gone, &back));
    HidKey::open(back).await.expect("the returned key opens");
}

#[tokio::test]
#[ignore = "needs a security key and a re-plug command; costs 3 PIN retries until the right PIN"]
async fn hw12_three_wrong_pins_need_a_replug() {
    let Some(cmd) = replug_cmd() else {
        return skip("hw12", "needs KEYDESK_HW_REPLUG_CMD");
    };
    let key = within(open_with_pin()).await;
    assert!(
        within(key.pin_retries()).await.unwrap() >= 5,
        "too few retries left to test safely"
    );
    let wrong = Pin::new("9999999999");
    for expected in [
        CtapStatus::PinInvalid,
        CtapStatus::PinInvalid,
        CtapStatus::PinAuthBlocked,
    ] {
        assert_eq!(
            within(key.change_pin(&wrong, &pin())).await,
            Err(KeyError::ctap(expected))
        );
    }
    assert_eq!(
        within(key.change_pin(&pin(), &pin())).await,
        Err(KeyError::ctap(CtapStatus::PinAuthBlocked)),
        "even the right PIN waits for a re-plug"
    );
    let gone = key.identity().clone();
    drop(key);
    let back = within(replug(&cmd, &gone)).await;
    let key = within(HidKey::open(back)).await.unwrap();
    within(key.change_pin(&pin(), &pin()))
        .await
        .expect("the right PIN after a re-plug");
    assert_eq!(within(key.pin_retries()).await.unwrap(), 8);
}
