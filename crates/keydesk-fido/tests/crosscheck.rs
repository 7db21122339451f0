//! ctap-hid-fido2's own request encoders and response parsers against the soft key, through
//! the soft key's CTAP2 CBOR front: the hardware path's encoding and decoding, tested
//! without a key. (getInfo's parser is private in the crate; its encoding is checked here
//! field by field instead.)

use keydesk_tests::within;
use std::time::Duration;

use ciborium::value::Value;
use ctap_hid_fido2::fidokey::credential_management::credential_management_params::CredentialProtectionPolicy;
use ctap_hid_fido2::fidokey::get_assertion::{get_assertion_command, get_assertion_response};
use ctap_hid_fido2::fidokey::make_credential::{make_credential_command, make_credential_response};
use ctap_hid_fido2::fidokey::CredentialExtension;
use keydesk_core::Pin;
use keydesk_fido::soft::ctap2::Ctap2Front;
use keydesk_fido::soft::{SoftKey, SoftKeyConfig, TouchMode, SOFT_KEY_AAGUID};
use keydesk_fido::{CtapStatus, SecurityKey};
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{DerSignature, VerifyingKey};
use sha2::{Digest, Sha256};

const PIN: &str = "724915";
const RP: &str = "login.microsoft.com";
const CLIENT_DATA: &[u8] =
    br#"{"type":"webauthn.create","challenge":"abc","origin":"https://login.microsoft.com"}"#;

async fn key_with_pin() -> SoftKey {
    let mut config = SoftKeyConfig::with_serial("XCHECK");
    config.touch = TouchMode::Auto(Duration::from_millis(1));
    let key = SoftKey::new("x", config);
    key.set_pin(&Pin::new(PIN)).await.unwrap();
    key
}

/// The crate's makeCredential payload, as `make_credential_with_args` builds it.
fn make_credential_payload(exclude: Vec<Vec<u8>>, pin_auth: bool) -> Vec<u8> {
    let mut params =
        make_credential_command::Params::new(RP, CLIENT_DATA.to_vec(), b"user-1".to_vec());
    params.rp_name = "Microsoft".into();
    params.user_name = "a@contoso.com".into();
    params.user_display_name = "A".into();
    params.option_rk = true;
    params.exclude_list = exclude;
    if pin_auth {
        params.pin_auth = vec![0x55; 32];
    }
    let ext = vec![
        CredentialExtension::CredProtect(Some(
            CredentialProtectionPolicy::UserVerificationOptionalWithCredentialIdList,
        )),
        CredentialExtension::HmacSecret(Some(true)),
    ];
    make_credential_command::create_payload(params, Some(&ext), 2).unwrap()
}

#[tokio::test]
async fn make_credential_through_the_crates_encoder_and_parser() {
    let key = key_with_pin().await;
    let front = Ctap2Front::new(&key, Pin::new(PIN));
    let response = within(front.handle(&make_credential_payload(vec![], true))).await;
    assert_eq!(response[0], 0, "status");
    let att = make_credential_response::parse_cbor(&response[1..]).unwrap();
    assert_eq!(att.fmt, "packed");
    assert_eq!(att.rpid_hash, Sha256::digest(RP).to_vec());
    assert_eq!(att.aaguid, SOFT_KEY_AAGUID.to_vec());
    assert!(att.flags.user_present_result && att.flags.user_verified_result);
    assert!(att.flags.attested_credential_data_included && att.flags.extension_data_included);
    assert_eq!(att.attstmt_alg, -7);
    assert!(att.attstmt_x5c.is_empty());
    let names: Vec<String> = att.extensions.iter().map(ToString::to_string).collect();
    assert_eq!(names, ["credProtect", "hmac-secret"]);

    let stored = key.credentials();
    assert_eq!(stored.len(), 1);
    assert_eq!(att.credential_descriptor.id, stored[0].credential_id);
    assert_eq!(stored[0].user_handle, b"user-1");
    assert_eq!(stored[0].user_name, "a@contoso.com");
    assert_eq!(stored[0].cred_protect, Some(2));
    assert!(stored[0].discoverable);

    // The crate's parsed public key verifies the packed self-attestation.
    let public = VerifyingKey::from_sec1_bytes(&att.credential_publickey.der).unwrap();
    let mut signed = att.auth_data.clone();
    signed.extend_from_slice(&Sha256::digest(CLIENT_DATA));
    public
        .verify(
            &signed,
            &DerSignature::from_bytes(&att.attstmt_sig).unwrap(),
        )
        .unwrap();
}

#[tokio::test]
async fn exclude_list_and_missing_pin_auth_come_back_as_status_bytes() {
    let key = key_with_pin().await;
    let front = Ctap2Front::new(&key, Pin::new(PIN));
    let first = within(front.handle(&make_credential_payload(vec![], true))).await;
    let id = make_credential_response::parse_cbor(&first[1..])
        .unwrap()
        .credential_descriptor
        .id;
    let excluded = within(front.handle(&make_credential_payload(vec![id], true))).await;
    assert_eq!(excluded, [CtapStatus::CredentialExcluded.code()]);
    let no_pin = within(front.handle(&make_credential_payload(vec![], false))).await;
    assert_eq!(no_pin, [CtapStatus::PinRequired.code()]);
    assert_eq!(
        within(front.handle(&[0x42])).await,
        [CtapStatus::InvalidCommand.code()]
    );
}

#[tokio::test]
async fn get_assertion_through_the_crates_encoder_and_parser() {
    let key = key_with_pin().await;
    let front = Ctap2Front::new(&key, Pin::new(PIN));
    let made = within(front.handle(&make_credential_payload(vec![], true))).await;
    let att = make_credential_response::parse_cbor(&made[1..]).unwrap();
    let id = att.credential_descriptor.id.clone();

    let challenge = b"{\"type\":\"webauthn.get\"}".to_vec();
    let mut params = get_assertion_command::Params::new(RP, challenge.clone(), vec![id.clone()]);
    params.option_up = true;
    params.pin_auth = vec![0x55; 32];
    let payload = get_assertion_command::create_payload(params, None, None, 2).unwrap();
    let response = within(front.handle(&payload)).await;
    assert_eq!(response[0], 0);
    let assertion = get_assertion_response::parse_cbor(&response[1..], None).unwrap();
    assert_eq!(assertion.credential_id, id);
    assert_eq!(assertion.user.id, b"user-1");
    assert_eq!(assertion.rpid_hash, Sha256::digest(RP).to_vec());
    assert!(assertion.flags.user_present_result && assertion.flags.user_verified_result);
    assert!(assertion.sign_count > att.sign_count);
    let public = VerifyingKey::from_sec1_bytes(&att.credential_publickey.der).unwrap();
    let mut signed = assertion.auth_data.clone();
    signed.extend_from_slice(&Sha256::digest(&challenge));
    public
        .verify(
            &signed,
            &DerSignature::from_bytes(&assertion.signature).unwrap(),
        )
        .unwrap();
}

#[tokio::test]
async fn get_info_encodes_what_the_driver_reads() {
    let key = key_with_pin().await;
    let front = Ctap2Front::new(&key, Pin::new(PIN));
    let response = within(front.handle(&[0x04])).await;
    assert_eq!(response[0], 0);
    let info: Value = ciborium::from_reader(&response[1..]).unwrap();
    let map = info.as_map().unwrap();
    let get = |k: i64| {
        map.iter()
            .find(|(key, _)| key.as_integer() == Some(k.into()))
            .map(|(_, v)| v)
            .unwrap()
    };
    assert_eq!(get(3).as_bytes().unwrap(), &SOFT_KEY_AAGUID.to_vec());
    let options = get(4).as_map().unwrap();
    let option = |name: &str| {
        options
            .iter()
            .find(|(k, _)| k.as_text() == Some(name))
            .unwrap()
            .1
            .as_bool()
            .unwrap()
    };
    assert!(
        option("clientPin") && option("rk") && option("authnrCfg") && option("setMinPINLength")
    );
    let protocols: Vec<i128> = get(6)
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_integer().unwrap().into())
        .collect();
    assert_eq!(protocols, [2, 1]);
    assert_eq!(get(0x0D).as_integer(), Some(4.into()));
    // Keys are in canonical (ascending) order, as CTAP2 requires.
    let keys: Vec<i128> = map
        .iter()
        .map(|(k, _)| k.as_integer().unwrap().into())
        .collect();
    assert!(keys.windows(2).all(|w| w[0] < w[1]));
}

/// Found by the `ctap_response` fuzz target: ctap-hid-fido2 3.6.1's makeCredential parser
/// slices authData without checking its length, so a key answering with authData shorter
/// than 55 bytes panics inside the crate. KeyDesk runs every crate call inside
/// `contained`, which must turn that into a transport error naming the library.
#[test]
fn a_short_auth_data_panics_in_the_crate_and_is_contained() {
    let mut answer = Vec::new();
    let map = Value::Map(vec![
        (Value::Integer(1.into()), Value::Text("packed".into())),
        (Value::Integer(2.into()), Value::Bytes(vec![0; 40])),
        (
            Value::Integer(3.into()),
            Value::Map(vec![
                (Value::Text("alg".into()), Value::Integer((-7).into())),
                (Value::Text("sig".into()), Value::Bytes(vec![0x30; 70])),
            ]),
        ),
    ]);
    ciborium::into_writer(&map, &mut answer).unwrap();
    let outcome = keydesk_fido::hid::enumerate::contained("makeCredential", || {
        make_credential_response::parse_cbor(&answer)
            .map_err(|e| keydesk_fido::hid::status::from_anyhow(&e))
    });
    assert!(
        matches!(&outcome, Err(keydesk_fido::KeyError::Transport(m)) if m.contains("inside the HID library")),
        "{:?}",
        outcome.map(|_| ())
    );
}
