//! The soft key's credential operations: makeCredential, getAssertion and credential
//! management (enumerate, delete).
//!
//! makeCredential follows CTAP 2.1 §6.1.2's order: PIN token, exclude list (touch, then
//! 0x19), user presence, key store room, then a fresh P-256 credential with a packed
//! self-attestation signed over `authData || SHA-256(clientDataJSON)`. getAssertion: PIN
//! token, credentials (0x2E when none), presence, then a signature over
//! `authData || SHA-256(clientDataJSON)` with UP and UV set.

use keydesk_core::{Attestation, Pin};

use super::auth_data::{assertion_auth_data, AttestedAuthData, Extensions};
use super::cose::{self, ES256};
use super::credential::Credential;
use super::SoftKey;
use crate::error::{CtapStatus, KeyError};
use crate::port::{Assertion, CredentialRef, GetAssertion, MakeCredential};

impl SoftKey {
    /// getPinUvAuthToken; a failure is saved at once (it cost a retry).
    fn token(&self, state: &mut super::state::State, pin: &Pin) -> Result<(), KeyError> {
        let result = state.pin.token(pin);
        if result.is_err() {
            self.commit(state);
        }
        result
    }

    /// makeCredential over a clientDataHash (the CTAP2 front passes the one it decoded;
    /// `request.client_data_json` is then ignored).
    pub(super) async fn do_make_credential(
        &self,
        request: &MakeCredential,
        client_data_hash: &[u8],
        pin: &Pin,
    ) -> Result<Attestation, KeyError> {
        let (_operation, epoch) = self.begin()?;
        self.answer_delay(epoch).await?;
        if request
            .cred_protect
            .is_some_and(|level| !(1..=3).contains(&level))
        {
            return Err(KeyError::ctap(CtapStatus::InvalidParameter));
        }
        let excluded = {
            let mut state = self.state();
            self.token(&mut state, pin)?;
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
        signed.extend_from_slice(client_data_hash);
        let attestation = Attestation {
            fmt: "packed".into(),
            sig: credential.sign(&signed),
            auth_data,
            alg: ES256,
            x5c: vec![],
            credential_id: credential.id().to_vec(),
        };
        state.store(credential);
        self.commit(&state);
        tracing::debug!(key = %self.id, rp_id = %request.rp_id, "soft key made a credential");
        Ok(attestation)
    }

    /// getAssertion over a clientDataHash (as [`SoftKey::do_make_credential`]).
    pub(super) async fn do_get_assertion(
        &self,
        request: &GetAssertion,
        client_data_hash: &[u8],
        pin: &Pin,
    ) -> Result<Assertion, KeyError> {
        let (_operation, epoch) = self.begin()?;
        self.answer_delay(epoch).await?;
        let found = {
            let mut state = self.state();
            self.token(&mut state, pin)?;
            let found = state.for_assertion(&request.rp_id, &request.allow_list);
            found.first().map(|c| c.id().to_vec())
        };
        let Some(credential_id) = found else {
            return Err(KeyError::ctap(CtapStatus::NoCredentials));
        };
        let (touch, timeout) = (self.config.touch, self.config.touch_timeout);
        self.presence.wait_for_touch(epoch, touch, timeout).await?;

        let mut state = self.state();
        self.still_plugged(epoch)?;
        let sign_count = state.next_sign_count();
        let credential = state
            .credentials
            .iter()
            .find(|c| c.id() == credential_id.as_slice())
            .ok_or(KeyError::ctap(CtapStatus::NoCredentials))?;
        let auth_data = assertion_auth_data(&request.rp_id, sign_count);
        let mut signed = auth_data.clone();
        signed.extend_from_slice(client_data_hash);
        let assertion = Assertion {
            credential_id,
            signature: credential.sign(&signed),
            auth_data,
            user_handle: credential
                .is_discoverable()
                .then(|| credential.user_handle().to_vec()),
        };
        self.commit(&state);
        Ok(assertion)
    }

    pub(super) async fn do_credentials(&self, pin: &Pin) -> Result<Vec<CredentialRef>, KeyError> {
        let (_operation, epoch) = self.begin()?;
        self.answer_delay(epoch).await?;
        let mut state = self.state();
        self.token(&mut state, pin)?;
        self.commit(&state);
        Ok(state
            .discoverable()
            .map(|c| {
                let view = c.view();
                CredentialRef {
                    rp_id: view.rp_id,
                    credential_id: view.credential_id,
                    user_handle: view.user_handle,
                    user_name: view.user_name,
                }
            })
            .collect())
    }

    pub(super) async fn do_delete_credential(
        &self,
        pin: &Pin,
        credential_id: &[u8],
    ) -> Result<(), KeyError> {
        let (_operation, epoch) = self.begin()?;
        self.answer_delay(epoch).await?;
        let mut state = self.state();
        self.token(&mut state, pin)?;
        let result = state.delete(credential_id);
        self.commit(&state);
        result
    }
}
