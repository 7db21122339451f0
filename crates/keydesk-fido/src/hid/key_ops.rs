//! [`SecurityKey`] for [`HidKey`]: each operation is one or two ctap-hid-fido2 calls under
//! the watchdog ([`HidKey::call`]); reset is our own CTAPHID exchange.
//!
//! makeCredential passes the exact clientDataJSON bytes as the crate's `challenge` (the
//! crate hashes it into clientDataHash) and its extensions in CTAP2 canonical order
//! (credProtect, then hmac-secret), never with a `None` inside (the crate would panic).

use async_trait::async_trait;
use ctap_hid_fido2::fidokey::credential_management::credential_management_params::CredentialProtectionPolicy;
use ctap_hid_fido2::fidokey::{
    CredentialExtension, GetAssertionArgsBuilder, MakeCredentialArgsBuilder,
};
use ctap_hid_fido2::public_key_credential_descriptor::PublicKeyCredentialDescriptor;
use ctap_hid_fido2::public_key_credential_user_entity::PublicKeyCredentialUserEntity;
use keydesk_core::{Attestation, Pin};
use zeroize::Zeroizing;

use super::key::{HidKey, CALL_TIMEOUT, TOUCH_TIMEOUT};
use crate::error::{CtapStatus, KeyError};
use crate::port::{Assertion, CredentialRef, GetAssertion, KeyInfo, MakeCredential, SecurityKey};

/// Why credential management is refused: see [`super::key::cred_mgmt_command`].
const NO_CRED_MGMT: &str =
    "credential management (getInfo offers neither credMgmt nor credentialMgmtPreview)";

fn secret(pin: &Pin) -> Zeroizing<String> {
    Zeroizing::new(pin.expose().to_owned())
}

/// The makeCredential extensions, in canonical order.
pub fn extensions(request: &MakeCredential) -> Result<Vec<CredentialExtension>, KeyError> {
    let mut out = Vec::new();
    if let Some(level) = request.cred_protect {
        let policy = match level {
            1 => CredentialProtectionPolicy::UserVerificationOptional,
            2 => CredentialProtectionPolicy::UserVerificationOptionalWithCredentialIdList,
            3 => CredentialProtectionPolicy::UserVerificationRequired,
            _ => return Err(KeyError::ctap(CtapStatus::InvalidParameter)),
        };
        out.push(CredentialExtension::CredProtect(Some(policy)));
    }
    if request.hmac_secret {
        out.push(CredentialExtension::HmacSecret(Some(true)));
    }
    Ok(out)
}

#[async_trait]
impl SecurityKey for HidKey {
    fn id(&self) -> &str {
        &self.identity.path
    }

    async fn info(&self) -> Result<KeyInfo, KeyError> {
        let (pin_set, force, remaining) = self
            .call("getInfo", CALL_TIMEOUT, |d| {
                let info = d.get_info()?;
                let pin = info
                    .options
                    .iter()
                    .find(|(n, _)| n == "clientPin")
                    .map(|(_, v)| *v);
                Ok((
                    pin,
                    info.force_pin_change,
                    info.remaining_discoverable_credentials,
                ))
            })
            .await?;
        let mut info = self.info.clone();
        info.client_pin = pin_set;
        info.force_pin_change = force;
        info.remaining_discoverable_credentials = (remaining > 0).then_some(remaining);
        Ok(info)
    }

    async fn pin_retries(&self) -> Result<u8, KeyError> {
        let n = self
            .call("getPinRetries", CALL_TIMEOUT, |d| d.get_pin_retries())
            .await?;
        u8::try_from(n).map_err(|_| KeyError::Malformed(format!("PIN retries {n}")))
    }

    async fn set_pin(&self, new_pin: &Pin) -> Result<(), KeyError> {
        let pin = secret(new_pin);
        self.call("setPIN", CALL_TIMEOUT, move |d| d.set_new_pin(&pin))
            .await
    }

    async fn make_credential(
        &self,
        request: &MakeCredential,
        pin: &Pin,
    ) -> Result<Attestation, KeyError> {
        let pin = secret(pin);
        let request = request.clone();
        let extensions = extensions(&request)?;
        let made = self
            .call("makeCredential", TOUCH_TIMEOUT, move |d| {
                let user = PublicKeyCredentialUserEntity::new(
                    Some(&request.user_handle),
                    Some(&request.user_name),
                    Some(&request.user_display_name),
                );
                let mut args =
                    MakeCredentialArgsBuilder::new(&request.rp_id, &request.client_data_json)
                        .pin(&pin)
                        .user_entity(&user);
                for id in &request.exclude_list {
                    args = args.exclude_authenticator(id);
                }
                if request.resident_key {
                    args = args.resident_key();
                }
                if !extensions.is_empty() {
                    args = args.extensions(&extensions);
                }
                d.make_credential_with_args(&args.build())
            })
            .await?;
        Ok(Attestation {
            fmt: made.fmt,
            auth_data: made.auth_data,
            alg: i64::from(made.attstmt_alg),
            sig: made.attstmt_sig,
            x5c: made.attstmt_x5c,
            credential_id: made.credential_descriptor.id,
        })
    }

    async fn change_pin(&self, current: &Pin, new_pin: &Pin) -> Result<(), KeyError> {
        let (current, new_pin) = (secret(current), secret(new_pin));
        self.call("changePIN", CALL_TIMEOUT, move |d| {
            d.change_pin(&current, &new_pin)
        })
        .await
    }

    async fn reset(&self) -> Result<(), KeyError> {
        self.send_reset().await
    }

    async fn set_min_pin_length(
        &self,
        pin: &Pin,
        min_length: u8,
        rp_ids: &[String],
    ) -> Result<(), KeyError> {
        if !self.info.supports_config || !self.info.supports_min_pin_length {
            return Err(KeyError::Unsupported(
                "authenticatorConfig setMinPINLength (CTAP 2.1)",
            ));
        }
        let pin = secret(pin);
        let rp_ids = rp_ids.to_vec();
        self.call("setMinPINLength", CALL_TIMEOUT, move |d| {
            d.set_min_pin_length(min_length, Some(&pin))?;
            if !rp_ids.is_empty() {
                d.set_min_pin_length_rpids(rp_ids, Some(&pin))?;
            }
            Ok(())
        })
        .await
    }

    async fn force_pin_change(&self, pin: &Pin) -> Result<(), KeyError> {
        if !self.info.supports_config {
            return Err(KeyError::Unsupported(
                "authenticatorConfig forceChangePin (CTAP 2.1)",
            ));
        }
        let pin = secret(pin);
        self.call("forceChangePin", CALL_TIMEOUT, move |d| {
            d.force_change_pin(Some(&pin))
        })
        .await
    }

    async fn get_assertion(
        &self,
        request: &GetAssertion,
        pin: &Pin,
    ) -> Result<Assertion, KeyError> {
        let pin = secret(pin);
        let request = request.clone();
        let mut found = self
            .call("getAssertion", TOUCH_TIMEOUT, move |d| {
                let mut args =
                    GetAssertionArgsBuilder::new(&request.rp_id, &request.client_data_json)
                        .pin(&pin);
                for id in &request.allow_list {
                    args = args.add_credential_id(id);
                }
                d.get_assertion_with_args(&args.build())
            })
            .await?;
        if found.is_empty() {
            return Err(KeyError::ctap(CtapStatus::NoCredentials));
        }
        let first = found.swap_remove(0);
        Ok(Assertion {
            credential_id: first.credential_id,
            auth_data: first.auth_data,
            signature: first.signature,
            user_handle: (!first.user.id.is_empty()).then_some(first.user.id),
        })
    }

    async fn credentials(&self, pin: &Pin) -> Result<Vec<CredentialRef>, KeyError> {
        if !self.info.supports_cred_mgmt {
            return Err(KeyError::Unsupported(NO_CRED_MGMT));
        }
        let pin = secret(pin);
        self.call("credentialManagement", CALL_TIMEOUT, move |d| {
            let mut out = Vec::new();
            for rp in d.credential_management_enumerate_rps(Some(&pin))? {
                let rp_id = rp.public_key_credential_rp_entity.id.clone();
                for c in d.credential_management_enumerate_credentials(Some(&pin), &rp.rpid_hash)? {
                    out.push(CredentialRef {
                        rp_id: rp_id.clone(),
                        credential_id: c.public_key_credential_descriptor.id,
                        user_handle: c.public_key_credential_user_entity.id,
                        user_name: c.public_key_credential_user_entity.name,
                    });
                }
            }
            Ok(out)
        })
        .await
        .or_else(|e| match e {
            // A key with no discoverable credential answers enumerateRPs with 0x2E.
            KeyError::Ctap {
                status: CtapStatus::NoCredentials,
            } => Ok(Vec::new()),
            e => Err(e),
        })
    }

    async fn delete_credential(&self, pin: &Pin, credential_id: &[u8]) -> Result<(), KeyError> {
        if !self.info.supports_cred_mgmt {
            return Err(KeyError::Unsupported(NO_CRED_MGMT));
        }
        let pin = secret(pin);
        let descriptor = PublicKeyCredentialDescriptor {
            id: credential_id.to_vec(),
            ctype: "public-key".into(),
        };
        self.call("deleteCredential", CALL_TIMEOUT, move |d| {
            d.credential_management_delete_credential(Some(&pin), descriptor)
        })
        .await
    }

    async fn cancel(&self) {
        self.send_cancel().await;
    }

    async fn wink(&self) -> Result<(), KeyError> {
        self.call("wink", CALL_TIMEOUT, |d| d.wink()).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_in_canonical_order_without_none() {
        let mut request = MakeCredential {
            client_data_json: b"{}".to_vec(),
            rp_id: "login.microsoft.com".into(),
            rp_name: "Microsoft".into(),
            user_handle: b"u".to_vec(),
            user_name: "a@contoso.com".into(),
            user_display_name: "A".into(),
            exclude_list: vec![],
            resident_key: true,
            cred_protect: Some(2),
            hmac_secret: true,
        };
        let ext = extensions(&request).unwrap();
        let names: Vec<String> = ext.iter().map(ToString::to_string).collect();
        assert_eq!(names, ["credProtect", "hmac-secret"]);
        request.cred_protect = Some(9);
        assert_eq!(
            extensions(&request).unwrap_err(),
            KeyError::ctap(CtapStatus::InvalidParameter)
        );
    }
}
