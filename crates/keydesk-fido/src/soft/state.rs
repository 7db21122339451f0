//! The soft key's persistent state: PIN hash, retry counters and the credential store.
//!
//! Synchronous and free of I/O, so every CTAP rule here is tested without a runtime. The
//! PIN is kept only as `LEFT(SHA-256(pin), 16)`, as CTAP 2.1 §6.5.5 prescribes; the PIN
//! itself is never stored.

use keydesk_core::Pin;
use sha2::{Digest, Sha256};

use super::credential::{Credential, StoredCredentialView};
use crate::error::{CtapStatus, KeyError};

/// PIN retries a fresh key (or a correct PIN) gives.
pub const MAX_PIN_RETRIES: u8 = 8;
/// Minimum PIN length in code points.
pub const MIN_PIN_LENGTH: u8 = 4;
/// Maximum PIN length in UTF-8 bytes.
pub const MAX_PIN_BYTES: usize = 63;
/// Wrong PINs in a row after which the key needs a power cycle.
pub const MAX_CONSECUTIVE_FAILURES: u8 = 3;

/// Everything the key remembers.
pub struct State {
    pin_hash: Option<[u8; 16]>,
    retries: u8,
    consecutive_failures: u8,
    sign_count: u32,
    credentials: Vec<Credential>,
    capacity: usize,
}

impl State {
    /// A factory-fresh key with `capacity` discoverable slots.
    pub fn new(capacity: usize) -> Self {
        State {
            pin_hash: None,
            retries: MAX_PIN_RETRIES,
            consecutive_failures: 0,
            sign_count: 0,
            credentials: Vec::new(),
            capacity,
        }
    }

    /// Whether a PIN is set (`options.clientPin`).
    pub fn pin_is_set(&self) -> bool {
        self.pin_hash.is_some()
    }

    /// PIN retries left.
    pub fn retries(&self) -> u8 {
        self.retries
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
        self.consecutive_failures = 0;
    }

    /// clientPin setPIN: only on a key without a PIN, 4 code points to 63 bytes.
    pub fn set_pin(&mut self, pin: &Pin) -> Result<(), KeyError> {
        if self.pin_is_set() {
            return Err(KeyError::ctap(CtapStatus::NotAllowed));
        }
        if pin.len() < usize::from(MIN_PIN_LENGTH) || pin.expose().len() > MAX_PIN_BYTES {
            return Err(KeyError::ctap(CtapStatus::PinPolicyViolation));
        }
        self.pin_hash = Some(pin_hash(pin));
        self.retries = MAX_PIN_RETRIES;
        self.consecutive_failures = 0;
        Ok(())
    }

    /// Checks `pin` the way getPinUvAuthToken does (CTAP 2.1 §6.5.5.7): blocked keys refuse
    /// first, every attempt costs a retry, a correct PIN gives them all back.
    pub fn verify_pin(&mut self, pin: &Pin) -> Result<(), KeyError> {
        let Some(stored) = self.pin_hash else {
            return Err(KeyError::ctap(CtapStatus::PinNotSet));
        };
        if self.retries == 0 {
            return Err(KeyError::ctap(CtapStatus::PinBlocked));
        }
        if self.consecutive_failures >= MAX_CONSECUTIVE_FAILURES {
            return Err(KeyError::ctap(CtapStatus::PinAuthBlocked));
        }
        self.retries -= 1;
        if constant_time_eq(&stored, &pin_hash(pin)) {
            self.retries = MAX_PIN_RETRIES;
            self.consecutive_failures = 0;
            return Ok(());
        }
        self.consecutive_failures += 1;
        let status = if self.retries == 0 {
            CtapStatus::PinBlocked
        } else if self.consecutive_failures >= MAX_CONSECUTIVE_FAILURES {
            CtapStatus::PinAuthBlocked
        } else {
            CtapStatus::PinInvalid
        };
        Err(KeyError::ctap(status))
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

fn pin_hash(pin: &Pin) -> [u8; 16] {
    let digest = Sha256::digest(pin.expose().as_bytes());
    let mut left = [0u8; 16];
    left.copy_from_slice(&digest[..16]);
    left
}

fn constant_time_eq(a: &[u8; 16], b: &[u8; 16]) -> bool {
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
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
    fn pin_rules() {
        let mut state = State::new(1);
        assert_eq!(
            status(state.verify_pin(&Pin::new("1234"))),
            CtapStatus::PinNotSet
        );
        assert_eq!(
            status(state.set_pin(&Pin::new("123"))),
            CtapStatus::PinPolicyViolation
        );
        assert_eq!(
            status(state.set_pin(&Pin::new("1".repeat(64)))),
            CtapStatus::PinPolicyViolation
        );
        // Four code points, eight bytes: long enough.
        state.set_pin(&Pin::new("éééé")).unwrap();
        assert_eq!(
            status(state.set_pin(&Pin::new("5678"))),
            CtapStatus::NotAllowed
        );
        assert_eq!(
            status(state.verify_pin(&Pin::new("eeee"))),
            CtapStatus::PinInvalid
        );
        assert_eq!(state.retries(), 7);
        state.verify_pin(&Pin::new("éééé")).unwrap();
        assert_eq!(state.retries(), MAX_PIN_RETRIES);
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
