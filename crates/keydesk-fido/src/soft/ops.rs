//! [`SecurityKey`] for [`SoftKey`]: getInfo, the PIN, authenticatorConfig and reset here;
//! credential operations in `cred_ops`.
//!
//! Every operation that checks a PIN writes the state back (retries count even on failure).

use async_trait::async_trait;
use keydesk_core::{Attestation, Pin};
use sha2::{Digest, Sha256};

use super::SoftKey;
use crate::error::{CtapStatus, KeyError};
use crate::port::{Assertion, CredentialRef, GetAssertion, KeyInfo, MakeCredential, SecurityKey};

#[async_trait]
impl SecurityKey for SoftKey {
    fn id(&self) -> &str {
        &self.id
    }

    async fn info(&self) -> Result<KeyInfo, KeyError> {
        let (_operation, epoch) = self.begin()?;
        self.answer_delay(epoch).await?;
        let state = self.state();
        Ok(KeyInfo {
            versions: vec!["FIDO_2_0".into(), "FIDO_2_1".into()],
            aaguid: self.config.aaguid,
            client_pin: Some(state.pin_is_set()),
            resident_keys: true,
            min_pin_length: state.pin.min_length,
            pin_protocols: vec![2, 1],
            remaining_discoverable_credentials: Some(
                u32::try_from(state.remaining_slots()).unwrap_or(u32::MAX),
            ),
            model: self.config.model.clone(),
            serial: Some(self.config.serial.clone()),
            force_pin_change: state.pin.force_change,
            supports_config: true,
            supports_min_pin_length: true,
            supports_cred_mgmt: true,
            firmware: Some(1),
            biometric: false,
        })
    }

    async fn pin_retries(&self) -> Result<u8, KeyError> {
        let (_operation, epoch) = self.begin()?;
        self.answer_delay(epoch).await?;
        Ok(self.state().retries())
    }

    async fn set_pin(&self, new_pin: &Pin) -> Result<(), KeyError> {
        self.with_state(|state| state.pin.set(new_pin)).await
    }

    async fn make_credential(
        &self,
        request: &MakeCredential,
        pin: &Pin,
    ) -> Result<Attestation, KeyError> {
        let hash = Sha256::digest(&request.client_data_json);
        self.do_make_credential(request, &hash, pin).await
    }

    async fn change_pin(&self, current: &Pin, new_pin: &Pin) -> Result<(), KeyError> {
        self.with_state(|state| state.pin.change(current, new_pin))
            .await
    }

    async fn reset(&self) -> Result<(), KeyError> {
        let (_operation, epoch) = self.begin()?;
        self.answer_delay(epoch).await?;
        if !self.in_reset_window() {
            return Err(KeyError::ctap(CtapStatus::NotAllowed));
        }
        let (touch, timeout) = (self.config.touch, self.config.touch_timeout);
        self.presence.wait_for_touch(epoch, touch, timeout).await?;
        let mut state = self.state();
        self.still_plugged(epoch)?;
        state.reset();
        self.commit(&state);
        tracing::debug!(key = %self.id, "soft key reset");
        Ok(())
    }

    async fn set_min_pin_length(
        &self,
        pin: &Pin,
        min_length: u8,
        rp_ids: &[String],
    ) -> Result<(), KeyError> {
        self.with_state(|state| {
            state.pin.token(pin)?;
            state.pin.set_min_length(min_length, rp_ids)
        })
        .await
    }

    async fn force_pin_change(&self, pin: &Pin) -> Result<(), KeyError> {
        self.with_state(|state| {
            state.pin.token(pin)?;
            state.pin.force_change = true;
            Ok(())
        })
        .await
    }

    async fn get_assertion(
        &self,
        request: &GetAssertion,
        pin: &Pin,
    ) -> Result<Assertion, KeyError> {
        let hash = Sha256::digest(&request.client_data_json);
        self.do_get_assertion(request, &hash, pin).await
    }

    async fn credentials(&self, pin: &Pin) -> Result<Vec<CredentialRef>, KeyError> {
        self.do_credentials(pin).await
    }

    async fn delete_credential(&self, pin: &Pin, credential_id: &[u8]) -> Result<(), KeyError> {
        self.do_delete_credential(pin, credential_id).await
    }

    async fn cancel(&self) {
        self.presence.cancel_pending();
    }

    async fn wink(&self) -> Result<(), KeyError> {
        let (_operation, epoch) = self.begin()?;
        self.answer_delay(epoch).await
    }
}

impl SoftKey {
    /// Runs a state change that needs no touch, then saves the state (also on failure: a
    /// wrong PIN still costs a retry).
    async fn with_state<T>(
        &self,
        change: impl FnOnce(&mut super::state::State) -> Result<T, KeyError>,
    ) -> Result<T, KeyError> {
        let (_operation, epoch) = self.begin()?;
        self.answer_delay(epoch).await?;
        let mut state = self.state();
        let result = change(&mut state);
        self.commit(&state);
        result
    }
}
