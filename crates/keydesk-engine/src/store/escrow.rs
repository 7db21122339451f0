//! PIN escrow: a PIN sealed with ChaCha20-Poly1305 under a key from the [`SecretStore`],
//! so the journal can keep it across a crash without ever holding it in clear.
//!
//! The sealed PIN is bound to its user id (associated data): a sealed blob copied onto
//! another user's row does not open. The journal wipes it when the operator confirms the
//! letter was printed.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};
use keydesk_core::Pin;
use rand::RngCore;
use zeroize::Zeroizing;

use crate::secrets::{SecretError, SecretStore};

const NONCE_LEN: usize = 12;

/// Escrow could not seal or open a PIN.
#[derive(Debug, thiserror::Error)]
pub enum EscrowError {
    /// The key store failed.
    #[error(transparent)]
    Secret(#[from] SecretError),
    /// The sealed PIN is damaged, or sealed under another key or for another user.
    #[error("the escrowed PIN cannot be opened")]
    Corrupt,
}

/// Seals and opens PINs.
pub struct Escrow {
    cipher: ChaCha20Poly1305,
}

impl Escrow {
    /// An escrow whose key is `escrow` in `store`.
    pub fn new(store: &dyn SecretStore) -> Result<Escrow, EscrowError> {
        let key = store.get_or_create("escrow")?;
        let cipher =
            ChaCha20Poly1305::new_from_slice(key.as_ref()).map_err(|_| EscrowError::Corrupt)?;
        Ok(Escrow { cipher })
    }

    /// An escrow under a key the caller holds (a desk pool's escrow key, unwrapped with
    /// the pool secret).
    pub fn from_key(key: &[u8; 32]) -> Escrow {
        Escrow {
            cipher: ChaCha20Poly1305::new(key.into()),
        }
    }

    /// nonce || ciphertext of the PIN, bound to `user_id`.
    pub fn seal(&self, user_id: &str, pin: &Pin) -> Result<Vec<u8>, EscrowError> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let payload = Payload {
            msg: pin.expose().as_bytes(),
            aad: user_id.as_bytes(),
        };
        let sealed = self
            .cipher
            .encrypt(&Nonce::from(nonce), payload)
            .map_err(|_| EscrowError::Corrupt)?;
        Ok([nonce.as_slice(), &sealed].concat())
    }

    /// The PIN sealed by [`Escrow::seal`] for `user_id`.
    pub fn open(&self, user_id: &str, sealed: &[u8]) -> Result<Pin, EscrowError> {
        if sealed.len() <= NONCE_LEN {
            return Err(EscrowError::Corrupt);
        }
        let (nonce, body) = sealed.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| EscrowError::Corrupt)?;
        let payload = Payload {
            msg: body,
            aad: user_id.as_bytes(),
        };
        let clear = Zeroizing::new(
            self.cipher
                .decrypt(&Nonce::from(nonce), payload)
                .map_err(|_| EscrowError::Corrupt)?,
        );
        let text = std::str::from_utf8(&clear).map_err(|_| EscrowError::Corrupt)?;
        Ok(Pin::new(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::MemoryStore;

    #[test]
    fn a_sealed_pin_opens_only_for_its_user_and_never_shows_in_clear() {
        let escrow = Escrow::new(&MemoryStore::default()).unwrap();
        let pin = Pin::new("482915");
        let sealed = escrow.seal("u1", &pin).unwrap();
        assert!(!sealed.windows(6).any(|w| w == b"482915"));
        assert_eq!(escrow.open("u1", &sealed).unwrap().expose(), "482915");
        assert!(matches!(
            escrow.open("u2", &sealed),
            Err(EscrowError::Corrupt)
        ));
        let other = Escrow::new(&MemoryStore::default()).unwrap();
        assert!(other.open("u1", &sealed).is_err());
    }
}
