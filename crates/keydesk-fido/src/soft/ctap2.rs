//! A CTAP2 CBOR front for the soft key: request bytes in (command byte + CBOR map, as a
//! CTAPHID_CBOR message carries them), response bytes out (status byte + CBOR map).
//!
//! It exists so tests can run ctap-hid-fido2's own request encoders and response parsers
//! against the soft key, testing the hardware path's encoding and decoding without a key.
//! Commands: getInfo (0x04), makeCredential (0x01), getAssertion (0x02).
//!
//! Known issues: no PIN/UV auth protocol key agreement. The front is given the PIN out of
//! band and treats any `pinUvAuthParam` as made with it; a request without one gets 0x36.

use ciborium::value::{Integer, Value};
use keydesk_core::Pin;

use super::SoftKey;
use crate::error::{CtapStatus, KeyError};
use crate::port::{GetAssertion, MakeCredential, SecurityKey};

/// authenticatorMakeCredential.
pub const CMD_MAKE_CREDENTIAL: u8 = 0x01;
/// authenticatorGetAssertion.
pub const CMD_GET_ASSERTION: u8 = 0x02;
/// authenticatorGetInfo.
pub const CMD_GET_INFO: u8 = 0x04;

/// The soft key behind a CTAP2 CBOR interface.
pub struct Ctap2Front<'a> {
    key: &'a SoftKey,
    pin: Pin,
}

impl<'a> Ctap2Front<'a> {
    /// A front for `key`; `pin` stands in for the PIN/UV auth protocol (see Known issues).
    pub fn new(key: &'a SoftKey, pin: Pin) -> Self {
        Ctap2Front { key, pin }
    }

    /// Answers one CTAP2 request: `status || CBOR`.
    pub async fn handle(&self, request: &[u8]) -> Vec<u8> {
        let result = match request.split_first() {
            Some((&CMD_GET_INFO, _)) => self.get_info().await,
            Some((&CMD_MAKE_CREDENTIAL, body)) => match decode(body) {
                Ok(map) => self.make_credential(&map).await,
                Err(e) => Err(e),
            },
            Some((&CMD_GET_ASSERTION, body)) => match decode(body) {
                Ok(map) => self.get_assertion(&map).await,
                Err(e) => Err(e),
            },
            _ => Err(KeyError::ctap(CtapStatus::InvalidCommand)),
        };
        match result {
            Ok(map) => {
                let mut out = vec![0];
                ciborium::into_writer(&Value::Map(map), &mut out).expect("CBOR to a Vec");
                out
            }
            Err(KeyError::Ctap { status }) => vec![status.code()],
            Err(KeyError::UnknownStatus(code)) => vec![code],
            Err(_) => vec![CtapStatus::Other.code()],
        }
    }

    async fn get_info(&self) -> Result<Vec<(Value, Value)>, KeyError> {
        let info = self.key.info().await?;
        let text = |s: &str| Value::Text(s.to_owned());
        let options = vec![
            (text("rk"), Value::Bool(info.resident_keys)),
            (text("up"), Value::Bool(true)),
            (
                text("clientPin"),
                Value::Bool(info.client_pin == Some(true)),
            ),
            (text("credMgmt"), Value::Bool(info.supports_cred_mgmt)),
            (text("authnrCfg"), Value::Bool(info.supports_config)),
            (
                text("setMinPINLength"),
                Value::Bool(info.supports_min_pin_length),
            ),
        ];
        let mut map = vec![
            (
                int(1),
                Value::Array(info.versions.iter().map(|v| text(v)).collect()),
            ),
            (
                int(2),
                Value::Array(vec![text("credProtect"), text("hmac-secret")]),
            ),
            (int(3), Value::Bytes(info.aaguid.to_vec())),
            (int(4), Value::Map(options)),
            (
                int(6),
                Value::Array(
                    info.pin_protocols
                        .iter()
                        .map(|p| int(i64::from(*p)))
                        .collect(),
                ),
            ),
            (int(0x0C), Value::Bool(info.force_pin_change)),
            (int(0x0D), int(i64::from(info.min_pin_length))),
        ];
        if let Some(firmware) = info.firmware {
            map.push((int(0x0E), int(i64::from(firmware))));
        }
        if let Some(remaining) = info.remaining_discoverable_credentials {
            map.push((int(0x14), int(i64::from(remaining))));
        }
        Ok(map)
    }

    async fn make_credential(
        &self,
        map: &[(Value, Value)],
    ) -> Result<Vec<(Value, Value)>, KeyError> {
        let hash = bytes(field(map, 1)?)?;
        let rp = field(map, 2)?;
        let user = field(map, 3)?;
        let algs_ok = array(field(map, 4)?)?
            .iter()
            .any(|p| text_field(p, "alg").and_then(Value::as_integer) == Some(Integer::from(-7)));
        if !algs_ok {
            return Err(KeyError::ctap(CtapStatus::UnsupportedAlgorithm));
        }
        let exclude_list = match lookup(map, 5) {
            Some(list) => array(list)?
                .iter()
                .filter_map(|d| text_field(d, "id")?.as_bytes().cloned())
                .collect(),
            None => Vec::new(),
        };
        let extensions = lookup(map, 6);
        let rk = lookup(map, 7)
            .and_then(|o| text_field(o, "rk"))
            .and_then(Value::as_bool)
            .unwrap_or(false);
        self.require_pin_auth(map, 8)?;
        let request = MakeCredential {
            client_data_json: Vec::new(),
            rp_id: text_of(rp, "id")?,
            rp_name: text_of(rp, "name").unwrap_or_default(),
            user_handle: text_field(user, "id")
                .and_then(Value::as_bytes)
                .cloned()
                .unwrap_or_default(),
            user_name: text_of(user, "name").unwrap_or_default(),
            user_display_name: text_of(user, "displayName").unwrap_or_default(),
            exclude_list,
            resident_key: rk,
            cred_protect: extensions
                .and_then(|e| text_field(e, "credProtect"))
                .and_then(Value::as_integer)
                .and_then(|i| u8::try_from(i).ok()),
            hmac_secret: extensions
                .and_then(|e| text_field(e, "hmac-secret"))
                .and_then(Value::as_bool)
                .unwrap_or(false),
        };
        let made = self
            .key
            .do_make_credential(&request, &hash, &self.pin)
            .await?;
        let mut statement = vec![
            (Value::Text("alg".into()), int(made.alg)),
            (Value::Text("sig".into()), Value::Bytes(made.sig)),
        ];
        if !made.x5c.is_empty() {
            statement.push((
                Value::Text("x5c".into()),
                Value::Array(made.x5c.into_iter().map(Value::Bytes).collect()),
            ));
        }
        Ok(vec![
            (int(1), Value::Text(made.fmt)),
            (int(2), Value::Bytes(made.auth_data)),
            (int(3), Value::Map(statement)),
        ])
    }

    async fn get_assertion(&self, map: &[(Value, Value)]) -> Result<Vec<(Value, Value)>, KeyError> {
        let rp_id = match field(map, 1)? {
            Value::Text(t) => t.clone(),
            _ => return Err(KeyError::ctap(CtapStatus::CborUnexpectedType)),
        };
        let hash = bytes(field(map, 2)?)?;
        let allow_list = match lookup(map, 3) {
            Some(list) => array(list)?
                .iter()
                .filter_map(|d| text_field(d, "id")?.as_bytes().cloned())
                .collect(),
            None => Vec::new(),
        };
        self.require_pin_auth(map, 6)?;
        let request = GetAssertion {
            client_data_json: Vec::new(),
            rp_id,
            allow_list,
        };
        let found = self
            .key
            .do_get_assertion(&request, &hash, &self.pin)
            .await?;
        let descriptor = vec![
            (Value::Text("id".into()), Value::Bytes(found.credential_id)),
            (Value::Text("type".into()), Value::Text("public-key".into())),
        ];
        let mut out = vec![
            (int(1), Value::Map(descriptor)),
            (int(2), Value::Bytes(found.auth_data)),
            (int(3), Value::Bytes(found.signature)),
        ];
        if let Some(handle) = found.user_handle {
            out.push((
                int(4),
                Value::Map(vec![(Value::Text("id".into()), Value::Bytes(handle))]),
            ));
        }
        Ok(out)
    }

    fn require_pin_auth(&self, map: &[(Value, Value)], key: i64) -> Result<(), KeyError> {
        match lookup(map, key) {
            Some(Value::Bytes(_)) => Ok(()),
            _ => Err(KeyError::ctap(CtapStatus::PinRequired)),
        }
    }
}

fn decode(body: &[u8]) -> Result<Vec<(Value, Value)>, KeyError> {
    match ciborium::from_reader::<Value, _>(body) {
        Ok(Value::Map(map)) => Ok(map),
        Ok(_) => Err(KeyError::ctap(CtapStatus::CborUnexpectedType)),
        Err(_) => Err(KeyError::ctap(CtapStatus::InvalidCbor)),
    }
}

fn int(n: i64) -> Value {
    Value::Integer(Integer::from(n))
}

fn lookup(map: &[(Value, Value)], key: i64) -> Option<&Value> {
    map.iter()
        .find(|(k, _)| k.as_integer() == Some(Integer::from(key)))
        .map(|(_, v)| v)
}

fn field(map: &[(Value, Value)], key: i64) -> Result<&Value, KeyError> {
    lookup(map, key).ok_or(KeyError::ctap(CtapStatus::MissingParameter))
}

fn text_field<'v>(value: &'v Value, name: &str) -> Option<&'v Value> {
    value
        .as_map()?
        .iter()
        .find(|(k, _)| k.as_text() == Some(name))
        .map(|(_, v)| v)
}

fn text_of(value: &Value, name: &str) -> Result<String, KeyError> {
    text_field(value, name)
        .and_then(Value::as_text)
        .map(str::to_owned)
        .ok_or(KeyError::ctap(CtapStatus::MissingParameter))
}

fn bytes(value: &Value) -> Result<Vec<u8>, KeyError> {
    value
        .as_bytes()
        .cloned()
        .ok_or(KeyError::ctap(CtapStatus::CborUnexpectedType))
}

fn array(value: &Value) -> Result<&Vec<Value>, KeyError> {
    value
        .as_array()
        .ok_or(KeyError::ctap(CtapStatus::CborUnexpectedType))
}
