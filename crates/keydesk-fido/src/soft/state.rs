//! The soft key's persistent state: PIN hash, retry counters and the credential store.
//!
//! Synchronous and free of I/O, so every CTAP rule here is tested without a runtime. PIN
//! rules live in [`super::pin`].

use super::credential::{Credential, StoredCredentialView};
use super::pin::PinState;
use crate::error::{CtapStatus, KeyError};

/// Everything the key remembers.
pub struct State {
    pub(crate) pin: PinState,
    pub(crate) sign_count: u32,
    pub(crate) credentials: Vec<Credential>,
    pub(crate) capacity: usize,
}

impl State {
    /// A factory-fresh key with `capacity` discoverable slots.
    pub fn new(capacity: usize) -> Self {
        State {
            pin: PinState::default(),
            sign_count: 0,
            credentials: Vec::new(),
            capacity,
        }
    }

    /// authenticatorReset: factory-fresh again (the capacity stays).
    pub fn reset(&mut self) {
        *self = State::new(self.capacity);
    }

    /// Whether a PIN is set (`options.clientPin`).
    pub fn pin_is_set(&self) -> bool {
        self.pin.is_set()
    }

    /// PIN retries left.
    pub fn retries(&self) -> u8 {
        self.pin.retries
    }

    /// Free discoverable-credential slots.
    pub fn remaining_slots(&self) -> usize {
        let used = self
            .credentials
            .iter()
            .filter(|c| c.is_discoverable())
            .count();
        self.capacity.saturating_sub(used)
    }

    /// Plugging the key back in clears the consecutive-failure block (PIN auth blocked).
    pub fn power_cycle(&mut self) {
        self.pin.power_cycle();
    }

    /// The discoverable credentials, oldest first.
    pub fn discoverable(&self) -> impl Iterator<Item = &Credential> {
        self.credentials.iter().filter(|c| c.is_discoverable())
    }

    /// The credentials getAssertion may use: those in `allow_list` for `rp_id`, or every
    /// discoverable one for `rp_id` when the list is empty. Newest first.
    pub fn for_assertion(&self, rp_id: &str, allow_list: &[Vec<u8>]) -> Vec<&Credential> {
        self.credentials
            .iter()
            .rev()
            .filter(|c| c.rp_id() == rp_id)
            .filter(|c| {
                if allow_list.is_empty() {
                    c.is_discoverable()
                } else {
                    allow_list.iter().any(|id| id == c.id())
                }
            })
            .collect()
    }

    /// Deletes the discoverable credential `id`: 0x2E when there is none.
    pub fn delete(&mut self, id: &[u8]) -> Result<(), KeyError> {
        let before = self.credentials.len();
        self.credentials
            .retain(|c| !(c.is_discoverable() && c.id() == id));
        if self.credentials.len() == before {
            return Err(KeyError::ctap(CtapStatus::NoCredentials));
        }
        Ok(())
    }

    /// True when the key holds one of `exclude_list` for `rp_id`.
    pub fn holds_any(&self, rp_id: &str, exclude_list: &[Vec<u8>]) -> bool {
        self.credentials
            .iter()
            .any(|c| c.rp_id() == rp_id && exclude_list.iter().any(|id| id == c.id()))
    }

    /// Whether `credential` fits: a discoverable one replaces the same account's, or needs
    /// a free slot.
    pub fn check_room(&self, credential: &Credential) -> Result<(), KeyError> {
        let replaces = credential.is_discoverable()
            && self
                .credentials
                .iter()
                .any(|c| c.is_discoverable() && c.same_account(credential));
        if credential.is_discoverable() && !replaces && self.remaining_slots() == 0 {
            return Err(KeyError::ctap(CtapStatus::KeyStoreFull));
        }
        Ok(())
    }

    /// The next value of the key's global signature counter.
    pub fn next_sign_count(&mut self) -> u32 {
        self.sign_count = self.sign_count.wrapping_add(1);
        self.sign_count
    }

    /// Keeps `credential`, replacing the same account's discoverable credential. Call
    /// [`State::check_room`] first.
    pub fn store(&mut self, credential: Credential) {
        if credential.is_discoverable() {
            self.credentials
                .retain(|c| !(c.is_discoverable() && c.same_account(&credential)));
        }
        self.credentials.push(credential);
    }

    /// Public views of every stored credential, oldest first.
    pub fn views(&self) -> Vec<StoredCredentialView> {
        self.credentials.iter().map(Credential::view).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::port::MakeCredential;

    fn status(result: Result<(), KeyError>) -> CtapStatus {
        match result {
            Err(KeyError::Ctap { status }) => status,
            other => panic!("expected a CTAP error, got {other:?}"),
        }
    }

    fn request(user: &[u8], resident: bool) -> MakeCredential {
        MakeCredential {
            client_data_json: b"{}".to_vec(),
            rp_id: "login.microsoft.com".into(),
            rp_name: "Microsoft".into(),
            user_handle: user.to_vec(),
            user_name: "a@contoso.com".into(),
            user_display_name: "A".into(),
            exclude_list: vec![],
            resident_key: resident,
            cred_protect: None,
            hmac_secret: false,
        }
    }

    #[test]
    fn discoverable_slots_fill_and_same_account_replaces() {
        let mut state = State::new(1);
        let first = Credential::generate(&request(b"u1", true));
        state.check_room(&first).unwrap();
        state.store(first);
        assert_eq!(state.remaining_slots(), 0);
        let other = Credential::generate(&request(b"u2", true));
        assert_eq!(status(state.check_room(&other)), CtapStatus::KeyStoreFull);
        let again = Credential::generate(&request(b"u1", true));
        state.check_room(&again).unwrap();
        let id = again.id().to_vec();
        state.store(again);
        assert_eq!(state.views().len(), 1);
        assert_eq!(state.views()[0].credential_id, id);
        let server_side = Credential::generate(&request(b"u2", false));
        state.check_room(&server_side).unwrap();
    }
}
