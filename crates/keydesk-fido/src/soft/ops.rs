//! [`SecurityKey`] for [`SoftKey`]: getInfo, PIN retries, setPIN and makeCredential.
//!
//! makeCredential follows CTAP 2.1 §6.1.2's order: PIN check, exclude list (touch, then
//! 0x19), user presence, key store room, then a fresh P-256 credential with a packed
//! self-attestation signed over `authData || SHA-256(clientDataJSON)`.

use async_trait::async_trait;
use keydesk_core::{Attestation, Pin};
use sha2::{Digest, Sha256};

use super::auth_data::{AttestedAuthData, Extensions};
use super::cose::{self, ES256};
use super::credential::Credential;
use super::state::MIN_PIN_LENGTH;
use super::SoftKey;
use crate::error::{CtapStatus, KeyError};
use crate::port::{KeyInfo, MakeCredential, SecurityKey};

#[async_trait]
impl SecurityKey for SoftKey {
    fn id(&self) -> &str {
        &self.id
    }

    async fn info(&self) -> Result<KeyInfo, KeyError> {
        let _operation = self.begin()?;
        let state = self.state();
        Ok(KeyInfo {
            versions: vec!["FIDO_2_0".into(), "FIDO_2_1".into()],
            aaguid: self.config.aaguid,
            client_pin: Some(state.pin_is_set()),
            resident_keys: true,
            min_pin_length: MIN_PIN_LENGTH,
            pin_protocols: vec![2, 1],
            remaining_discoverable_credentials: Some(
                u32::try_from(state.remaining_slots()).unwrap_or(u32::MAX),
            ),
            model: self.config.model.clone(),
            serial: Some(self.config.serial.clone()),
        })
    }

    async fn pin_retries(&self) -> Result<u8, KeyError> {
        let _operation = self.begin()?;
        Ok(self.state().retries())
    }

    async fn set_pin(&self, new_pin: &Pin) -> Result<(), KeyError> {
        let _operation = self.begin()?;
        self.state().set_pin(new_pin)
    }

    async fn make_credential(
        &self,
        request: &MakeCredential,
        pin: &Pin,
    ) -> Result<Attestation, KeyError> {
        let (_operation, epoch) = self.begin()?;
        if request
            .cred_protect
            .is_some_and(|level| !(1..=3).contains(&level))
        {
            return Err(KeyError::ctap(CtapStatus::InvalidParameter));
        }
        let excluded = {
            let mut state = self.state();
            state.verify_pin(pin)?;
            state.holds_any(&request.rp_id, &request.exclude_list)
        };
        let (touch, timeout) = (self.config.touch, self.config.touch_timeout);
        self.presence.wait_for_touch(epoch, touch, timeout).await?;
        if excluded {
            return Err(KeyError::ctap(CtapStatus::CredentialExcluded));
        }

        let mut state = self.state();
        self.still_plugged(epoch)?;
        let credential = Credential::generate(request);
        state.check_room(&credential)?;
        let auth_data = AttestedAuthData {
            rp_id: &request.rp_id,
            sign_count: state.next_sign_count(),
            aaguid: self.config.aaguid,
            credential_id: credential.id(),
            cose_key: &cose::encode_p256(credential.public_key()),
            extensions: Extensions {
                cred_protect: request.cred_protect,
                hmac_secret: request.hmac_secret,
            },
        }
        .encode();
        let mut signed = auth_data.clone();
        signed.extend_from_slice(&Sha256::digest(&request.client_data_json));
        let attestation = Attestation {
            fmt: "packed".into(),
            sig: credential.sign(&signed),
            auth_data,
            alg: ES256,
            x5c: vec![],
            credential_id: credential.id().to_vec(),
        };
        state.store(credential);
        tracing::debug!(key = %self.id, rp_id = %request.rp_id, "soft key made a credential");
        Ok(attestation)
    }
}
