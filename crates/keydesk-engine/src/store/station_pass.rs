//! The station passphrase: what unlocks the idle lock in the app-only sign-in modes, where
//! no operator signs in again. It is set once (at least [`MIN_CHARS`] characters, typed
//! twice) and kept only as an Argon2id hash with a random salt (a PHC string) in the
//! station's secret store, under [`key`]. [`Tries`] checks a passphrase against it
//! (Argon2's verification compares in constant time) and, after [`MAX_WRONG`] wrong tries
//! in a row, refuses every try for [`WAIT`].
//!
//! Not here: when the window locks (the UI's idle timer) or what a lock refuses (the app).
//! The passphrase itself is never stored, logged or put in an error.

use std::time::{Duration, Instant};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use keydesk_graph::{Secret, SecretError, SecretKey, SecretStore};
use rand::RngCore;

/// The shortest passphrase accepted, in characters.
pub const MIN_CHARS: usize = 8;
/// Wrong tries in a row before the wait.
pub const MAX_WRONG: u32 = 5;
/// How long every try is refused after [`MAX_WRONG`] wrong ones.
pub const WAIT: Duration = Duration::from_secs(30);

/// The secret store entry holding the passphrase's hash.
pub fn key() -> SecretKey {
    SecretKey::named("station-passphrase")
}

/// Why a passphrase was not set or did not unlock.
#[derive(Debug, thiserror::Error)]
pub enum PassError {
    /// Fewer than [`MIN_CHARS`] characters.
    #[error("The passphrase is too short: it needs at least {MIN_CHARS} characters.")]
    TooShort,
    /// The second typing differs from the first.
    #[error("The two passphrases differ.")]
    Mismatch,
    /// A passphrase is set already (it is set once).
    #[error("This station already has a passphrase.")]
    AlreadySet,
    /// No passphrase is set.
    #[error("This station has no passphrase yet.")]
    NotSet,
    /// Not the passphrase; `tries_left` more before the wait.
    #[error("The passphrase is wrong ({tries_left} more tries before a {}-second wait).", WAIT.as_secs())]
    Wrong {
        /// Wrong tries left before the wait.
        tries_left: u32,
    },
    /// Tries are refused for `seconds` more.
    #[error("Too many wrong passphrases: wait {seconds} seconds.")]
    Waiting {
        /// Seconds left to wait, rounded up.
        seconds: u64,
    },
    /// The stored value is not a hash KeyDesk made.
    #[error("The stored passphrase hash is unreadable.")]
    Corrupt,
    /// The OS keyring (or the station's secret store) failed.
    #[error("The secret store failed: {0}")]
    Store(#[from] SecretError),
}

/// Whether the station has a passphrase.
pub fn is_set(store: &dyn SecretStore) -> Result<bool, PassError> {
    Ok(store.get(&key())?.is_some())
}

/// Sets the passphrase, once: `again` is the second typing. Stores only the hash.
pub fn set(store: &dyn SecretStore, passphrase: &str, again: &str) -> Result<(), PassError> {
    if passphrase.chars().count() < MIN_CHARS {
        return Err(PassError::TooShort);
    }
    if passphrase != again {
        return Err(PassError::Mismatch);
    }
    if is_set(store)? {
        return Err(PassError::AlreadySet);
    }
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|_| PassError::Corrupt)?;
    let hash = Argon2::default()
        .hash_password(passphrase.as_bytes(), &salt)
        .map_err(|_| PassError::Corrupt)?
        .to_string();
    store.set(&key(), &Secret::new(hash))?;
    Ok(())
}

/// Wrong tries in a row, and the wait they earned: one per window.
#[derive(Debug, Default)]
pub struct Tries {
    wrong: u32,
    wait_until: Option<Instant>,
}

impl Tries {
    /// Checks `passphrase` at `now`; a right one clears the count of wrong tries.
    pub fn check(
        &mut self,
        store: &dyn SecretStore,
        passphrase: &str,
        now: Instant,
    ) -> Result<(), PassError> {
        if let Some(until) = self.wait_until {
            if now < until {
                let left = until - now;
                let seconds = left.as_secs() + u64::from(left.subsec_nanos() > 0);
                return Err(PassError::Waiting { seconds });
            }
            self.wait_until = None;
        }
        let stored = store.get(&key())?.ok_or(PassError::NotSet)?;
        let hash = PasswordHash::new(stored.expose()).map_err(|_| PassError::Corrupt)?;
        if Argon2::default()
            .verify_password(passphrase.as_bytes(), &hash)
            .is_ok()
        {
            self.wrong = 0;
            return Ok(());
        }
        self.wrong += 1;
        if self.wrong >= MAX_WRONG {
            self.wrong = 0;
            self.wait_until = Some(now + WAIT);
            return Err(PassError::Waiting {
                seconds: WAIT.as_secs(),
            });
        }
        Err(PassError::Wrong {
            tries_left: MAX_WRONG - self.wrong,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use keydesk_graph::MemoryStore;

    const PASS: &str = "correct horse battery";

    #[test]
    fn set_then_check_unlocks_and_the_store_holds_a_salted_hash_only() {
        let store = MemoryStore::new();
        assert!(!is_set(&store).unwrap());
        set(&store, PASS, PASS).unwrap();
        assert!(is_set(&store).unwrap());
        let stored = store.get(&key()).unwrap().unwrap();
        assert!(!stored.expose().contains(PASS));
        assert!(!stored.expose().contains("horse"));
        assert!(stored.expose().starts_with("$argon2id$"), "a PHC string");
        // A second station with the same passphrase gets another salt, so another value.
        let other = MemoryStore::new();
        set(&other, PASS, PASS).unwrap();
        assert_ne!(
            other.get(&key()).unwrap().unwrap().expose(),
            stored.expose()
        );
        Tries::default()
            .check(&store, PASS, Instant::now())
            .unwrap();
    }

    #[test]
    fn short_differing_or_second_passphrases_are_refused() {
        let store = MemoryStore::new();
        assert!(matches!(
            set(&store, "short", "short"),
            Err(PassError::TooShort)
        ));
        assert!(matches!(
            set(&store, PASS, "correct horse"),
            Err(PassError::Mismatch)
        ));
        assert!(!is_set(&store).unwrap());
        set(&store, PASS, PASS).unwrap();
        let again = set(&store, "another one!", "another one!");
        assert!(matches!(again, Err(PassError::AlreadySet)));
        Tries::default()
            .check(&store, PASS, Instant::now())
            .unwrap();
    }

    #[test]
    fn no_passphrase_set_unlocks_nothing() {
        let store = MemoryStore::new();
        let result = Tries::default().check(&store, PASS, Instant::now());
        assert!(matches!(result, Err(PassError::NotSet)));
    }

    #[test]
    fn five_wrong_tries_in_a_row_wait_30_seconds_even_for_the_right_one() {
        let store = MemoryStore::new();
        set(&store, PASS, PASS).unwrap();
        let mut tries = Tries::default();
        let start = Instant::now();
        for left in (1..MAX_WRONG).rev() {
            let wrong = tries.check(&store, "wrong passphrase", start);
            assert!(matches!(wrong, Err(PassError::Wrong { tries_left }) if tries_left == left));
        }
        let fifth = tries.check(&store, "wrong passphrase", start);
        assert!(matches!(fifth, Err(PassError::Waiting { seconds: 30 })));
        let during = tries.check(&store, PASS, start + Duration::from_secs(29));
        assert!(matches!(during, Err(PassError::Waiting { seconds: 1 })));
        tries.check(&store, PASS, start + WAIT).unwrap();
    }

    #[test]
    fn a_right_try_clears_the_wrong_ones_before_it() {
        let store = MemoryStore::new();
        set(&store, PASS, PASS).unwrap();
        let mut tries = Tries::default();
        let now = Instant::now();
        for _ in 0..MAX_WRONG - 1 {
            assert!(tries.check(&store, "nope nope", now).is_err());
        }
        tries.check(&store, PASS, now).unwrap();
        let wrong = tries.check(&store, "nope nope", now);
        assert!(matches!(wrong, Err(PassError::Wrong { tries_left: 4 })));
    }

    #[test]
    fn errors_never_carry_the_passphrase() {
        let store = MemoryStore::new();
        set(&store, PASS, PASS).unwrap();
        let error = Tries::default()
            .check(&store, "my secret guess", Instant::now())
            .unwrap_err();
        assert!(!format!("{error} {error:?}").contains("secret guess"));
    }
}
