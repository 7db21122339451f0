//! The soft key's PIN state and CTAP 2.1's rules for it (§6.5): retries, the re-plug block,
//! the minimum length (which only grows), and the forced PIN change.
//!
//! The PIN is kept only as `LEFT(SHA-256(pin), 16)` plus its length in code points, as a
//! real key keeps it. Synchronous and free of I/O.

use keydesk_core::Pin;
use sha2::{Digest, Sha256};

use crate::error::{CtapStatus, KeyError};

/// PIN retries a fresh key (or a correct PIN) gives.
pub const MAX_PIN_RETRIES: u8 = 8;
/// Minimum PIN length in code points on a fresh key.
pub const MIN_PIN_LENGTH: u8 = 4;
/// Maximum PIN length in UTF-8 bytes.
pub const MAX_PIN_BYTES: usize = 63;
/// Wrong PINs in a row after which the key needs a power cycle.
pub const MAX_CONSECUTIVE_FAILURES: u8 = 3;

/// Everything the key remembers about its PIN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinState {
    pub(crate) hash: Option<[u8; 16]>,
    pub(crate) length: u8,
    pub(crate) retries: u8,
    pub(crate) consecutive_failures: u8,
    pub(crate) min_length: u8,
    pub(crate) min_length_rp_ids: Vec<String>,
    pub(crate) force_change: bool,
}

impl Default for PinState {
    fn default() -> Self {
        PinState {
            hash: None,
            length: 0,
            retries: MAX_PIN_RETRIES,
            consecutive_failures: 0,
            min_length: MIN_PIN_LENGTH,
            min_length_rp_ids: Vec::new(),
            force_change: false,
        }
    }
}

impl PinState {
    /// Whether a PIN is set (`options.clientPin`).
    pub fn is_set(&self) -> bool {
        self.hash.is_some()
    }

    /// Checks a new PIN against the length rules: 0x37 when too short or too long.
    fn check_new(&self, pin: &Pin) -> Result<(), KeyError> {
        if pin.len() < usize::from(self.min_length) || pin.expose().len() > MAX_PIN_BYTES {
            return Err(KeyError::ctap(CtapStatus::PinPolicyViolation));
        }
        Ok(())
    }

    fn store(&mut self, pin: &Pin) {
        self.hash = Some(pin_hash(pin));
        self.length = u8::try_from(pin.len()).unwrap_or(u8::MAX);
        self.retries = MAX_PIN_RETRIES;
        self.consecutive_failures = 0;
        self.force_change = false;
    }

    /// clientPin setPIN: only on a key without a PIN. On a key with one, CTAP 2.1 §6.5.5.5
    /// answers 0x33 PIN_AUTH_INVALID (some older keys say 0x30 NOT_ALLOWED instead).
    pub fn set(&mut self, pin: &Pin) -> Result<(), KeyError> {
        if self.is_set() {
            return Err(KeyError::ctap(CtapStatus::PinAuthInvalid));
        }
        self.check_new(pin)?;
        self.store(pin);
        Ok(())
    }

    /// Checks `pin` the way getPinUvAuthToken does (§6.5.5.7): blocked keys refuse first,
    /// every attempt costs a retry, a correct PIN gives them all back.
    pub fn verify(&mut self, pin: &Pin) -> Result<(), KeyError> {
        let Some(stored) = self.hash else {
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

    /// getPinUvAuthToken: [`PinState::verify`], then 0x37 while a PIN change is forced.
    pub fn token(&mut self, pin: &Pin) -> Result<(), KeyError> {
        self.verify(pin)?;
        if self.force_change {
            return Err(KeyError::ctap(CtapStatus::PinPolicyViolation));
        }
        Ok(())
    }

    /// clientPin changePIN: the current PIN costs a retry like any check; the new one must
    /// meet the minimum, and differ from the old one when a change is forced.
    pub fn change(&mut self, current: &Pin, new_pin: &Pin) -> Result<(), KeyError> {
        self.verify(current)?;
        self.check_new(new_pin)?;
        if self.force_change && self.hash == Some(pin_hash(new_pin)) {
            return Err(KeyError::ctap(CtapStatus::PinPolicyViolation));
        }
        self.store(new_pin);
        Ok(())
    }

    /// setMinPINLength (after a token): never shrinks; a minimum longer than the current
    /// PIN forces a change.
    pub fn set_min_length(&mut self, min_length: u8, rp_ids: &[String]) -> Result<(), KeyError> {
        if min_length < self.min_length || usize::from(min_length) > MAX_PIN_BYTES {
            return Err(KeyError::ctap(CtapStatus::PinPolicyViolation));
        }
        self.min_length = min_length;
        if !rp_ids.is_empty() {
            self.min_length_rp_ids = rp_ids.to_vec();
        }
        if self.is_set() && self.length < min_length {
            self.force_change = true;
        }
        Ok(())
    }

    /// Plugging the key back in clears the consecutive-failure block (PIN auth blocked).
    pub fn power_cycle(&mut self) {
        self.consecutive_failures = 0;
    }
}

/// `LEFT(SHA-256(pin), 16)`.
pub fn pin_hash(pin: &Pin) -> [u8; 16] {
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

    fn status(result: Result<(), KeyError>) -> CtapStatus {
        match result {
            Err(KeyError::Ctap { status }) => status,
            other => panic!("expected a CTAP error, got {other:?}"),
        }
    }

    #[test]
    fn pin_rules() {
        let mut pin = PinState::default();
        assert_eq!(status(pin.verify(&Pin::new("1234"))), CtapStatus::PinNotSet);
        assert_eq!(
            status(pin.set(&Pin::new("123"))),
            CtapStatus::PinPolicyViolation
        );
        assert_eq!(
            status(pin.set(&Pin::new("1".repeat(64)))),
            CtapStatus::PinPolicyViolation
        );
        // Four code points, eight bytes: long enough.
        pin.set(&Pin::new("éééé")).unwrap();
        assert_eq!(
            status(pin.set(&Pin::new("5678"))),
            CtapStatus::PinAuthInvalid
        );
        assert_eq!(
            status(pin.verify(&Pin::new("eeee"))),
            CtapStatus::PinInvalid
        );
        assert_eq!(pin.retries, 7);
        pin.verify(&Pin::new("éééé")).unwrap();
        assert_eq!(pin.retries, MAX_PIN_RETRIES);
    }

    #[test]
    fn longer_minimum_forces_a_change_and_never_shrinks() {
        let mut pin = PinState::default();
        pin.set(&Pin::new("1234")).unwrap();
        pin.set_min_length(6, &["login.microsoft.com".into()])
            .unwrap();
        assert!(pin.force_change);
        assert_eq!(
            status(pin.token(&Pin::new("1234"))),
            CtapStatus::PinPolicyViolation
        );
        assert_eq!(
            status(pin.set_min_length(5, &[])),
            CtapStatus::PinPolicyViolation
        );
        assert_eq!(
            status(pin.change(&Pin::new("1234"), &Pin::new("12345"))),
            CtapStatus::PinPolicyViolation
        );
        pin.change(&Pin::new("1234"), &Pin::new("123456")).unwrap();
        pin.token(&Pin::new("123456")).unwrap();
        assert_eq!(pin.min_length_rp_ids, ["login.microsoft.com"]);
    }

    #[test]
    fn forced_change_refuses_the_same_pin() {
        let mut pin = PinState::default();
        pin.set(&Pin::new("1234")).unwrap();
        pin.force_change = true;
        assert_eq!(
            status(pin.change(&Pin::new("1234"), &Pin::new("1234"))),
            CtapStatus::PinPolicyViolation
        );
        pin.change(&Pin::new("1234"), &Pin::new("4321")).unwrap();
        assert!(!pin.force_change);
    }
}
