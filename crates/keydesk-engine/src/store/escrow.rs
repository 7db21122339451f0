//! PIN escrow: a PIN sealed with ChaCha20-Poly1305, so the journal can keep it across a
//! crash without ever holding it in clear.
//!
//! An escrow has a base key: the desk's `escrow` key from the [`SecretStore`] (SQLite),
//! or the pool's escrow key (a shared store, unwrapped with the pool secret). With a
//! batch-key store attached ([`Escrow::with_batches`]) each escrow seals under a key of
//! its own batch: 32 random bytes made at its first seal, stored only wrapped by the base
//! key ([`EscrowKeys`]), and named by a 16-byte batch id at the head of every sealed PIN.
//! A batch is open while its escrow lives (dropping the escrow closes it; a desk closes
//! what a crashed run left open when it starts, [`EscrowKeys::close_batches`]). The store
//! destroys a closed batch's key once no sealed PIN of that batch is left (the last
//! letter delivered): a copy of a sealed PIN taken before, from a backup or from the
//! database's free space, then opens under no key anyone holds.
//!
//! The sealed PIN is bound to its user id (associated data): a sealed blob copied onto
//! another user's row does not open. Without a batch-key store (tests, tools) a PIN is
//! sealed under the base key itself, as KeyDesk did before batches; such a PIN still
//! opens.

use std::sync::{Arc, Mutex};

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};
use keydesk_core::Pin;
use rand::RngCore;
use zeroize::Zeroizing;

use crate::port::StoreError;
use crate::secrets::{SecretError, SecretStore};

const NONCE_LEN: usize = 12;
/// The first byte of a PIN sealed under a batch key; the batch id follows.
pub const BATCH_TAG: u8 = 0xB1;
/// The batch keys' id and store, defined with the other store traits.
pub use crate::port::{BatchId, EscrowKeys, BATCH_ID_LEN};

const WRAP_AAD: &[u8] = b"keydesk escrow batch key v1";

/// Escrow could not seal or open a PIN.
#[derive(Debug, thiserror::Error)]
pub enum EscrowError {
    /// The key store failed.
    #[error(transparent)]
    Secret(#[from] SecretError),
    /// The store that keeps the batch keys failed.
    #[error("escrow batch keys: {0}")]
    Store(#[from] StoreError),
    /// The sealed PIN is damaged, or sealed under another key or for another user.
    #[error("the escrowed PIN cannot be opened")]
    Corrupt,
    /// The PIN's batch key is not in this store: it was destroyed once every letter of
    /// its batch was delivered, or the PIN was sealed at a desk on a shared store.
    #[error(
        "the escrowed PIN's batch key is gone: every letter of its batch was delivered, \
         or the PIN was sealed on a shared store"
    )]
    Destroyed,
}

/// The batch id a sealed PIN names, if it was sealed under a batch key.
pub fn batch_of(sealed: &[u8]) -> Option<BatchId> {
    match sealed.split_first() {
        Some((&BATCH_TAG, rest)) if rest.len() > BATCH_ID_LEN + NONCE_LEN => {
            rest[..BATCH_ID_LEN].try_into().ok()
        }
        _ => None,
    }
}

struct Batches {
    keys: Arc<dyn EscrowKeys>,
    /// This escrow's batch, made at its first seal.
    current: Mutex<Option<(BatchId, ChaCha20Poly1305)>>,
}

/// Seals and opens PINs.
pub struct Escrow {
    base: ChaCha20Poly1305,
    batches: Option<Batches>,
}

impl Escrow {
    /// An escrow whose base key is `escrow` in `store`.
    pub fn new(store: &dyn SecretStore) -> Result<Escrow, EscrowError> {
        let key = store.get_or_create("escrow")?;
        let base =
            ChaCha20Poly1305::new_from_slice(key.as_ref()).map_err(|_| EscrowError::Corrupt)?;
        Ok(Escrow {
            base,
            batches: None,
        })
    }

    /// An escrow under a base key the caller holds (a desk pool's escrow key, unwrapped
    /// with the pool secret).
    pub fn from_key(key: &[u8; 32]) -> Escrow {
        Escrow {
            base: ChaCha20Poly1305::new(key.into()),
            batches: None,
        }
    }

    /// Seals under a batch key of this escrow's own, kept wrapped in `keys`.
    pub fn with_batches(mut self, keys: Arc<dyn EscrowKeys>) -> Escrow {
        self.batches = Some(Batches {
            keys,
            current: Mutex::new(None),
        });
        self
    }

    /// The sealed PIN: `nonce || ciphertext` under the base key, or with batches
    /// `BATCH_TAG || batch id || nonce || ciphertext` under the batch key, bound to
    /// `user_id` (and the batch id).
    pub fn seal(&self, user_id: &str, pin: &Pin) -> Result<Vec<u8>, EscrowError> {
        let Some(batches) = &self.batches else {
            return seal_with(&self.base, &[], user_id, pin);
        };
        let mut current = batches
            .current
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if current.is_none() {
            *current = Some(self.new_batch(batches.keys.as_ref())?);
        }
        let (id, cipher) = current.as_ref().expect("made above");
        let head = [&[BATCH_TAG][..], id].concat();
        seal_with(cipher, &head, user_id, pin)
    }

    fn new_batch(&self, keys: &dyn EscrowKeys) -> Result<(BatchId, ChaCha20Poly1305), EscrowError> {
        let mut id = [0u8; BATCH_ID_LEN];
        rand::rng().fill_bytes(&mut id);
        let mut key = Zeroizing::new([0u8; 32]);
        rand::rng().fill_bytes(key.as_mut());
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let aad = [WRAP_AAD, &id].concat();
        let wrapped = self
            .base
            .encrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: key.as_ref(),
                    aad: &aad,
                },
            )
            .map_err(|_| EscrowError::Corrupt)?;
        keys.add_batch(&id, &[nonce.as_slice(), &wrapped].concat())?;
        Ok((id, ChaCha20Poly1305::new(key.as_ref().into())))
    }

    /// The PIN sealed by [`Escrow::seal`] for `user_id`. A PIN of a batch whose key was
    /// destroyed is [`EscrowError::Destroyed`].
    pub fn open(&self, user_id: &str, sealed: &[u8]) -> Result<Pin, EscrowError> {
        let batch = batch_of(sealed);
        let (Some(id), Some(batches)) = (batch, &self.batches) else {
            return open_with(&self.base, 0, user_id, sealed);
        };
        let head = 1 + BATCH_ID_LEN;
        if let Some((current, cipher)) = batches
            .current
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .as_ref()
        {
            if *current == id {
                return open_with(cipher, head, user_id, sealed);
            }
        }
        let Some(wrapped) = batches.keys.batch_key(&id)? else {
            // A blob sealed before batches may start with the tag by chance.
            return open_with(&self.base, 0, user_id, sealed).map_err(|_| EscrowError::Destroyed);
        };
        let cipher = self.unwrap_batch(&id, &wrapped)?;
        open_with(&cipher, head, user_id, sealed)
    }

    fn unwrap_batch(&self, id: &BatchId, wrapped: &[u8]) -> Result<ChaCha20Poly1305, EscrowError> {
        if wrapped.len() <= NONCE_LEN {
            return Err(EscrowError::Corrupt);
        }
        let (nonce, body) = wrapped.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| EscrowError::Corrupt)?;
        let aad = [WRAP_AAD, id].concat();
        let key = Zeroizing::new(
            self.base
                .decrypt(
                    &Nonce::from(nonce),
                    Payload {
                        msg: body,
                        aad: &aad,
                    },
                )
                .map_err(|_| EscrowError::Corrupt)?,
        );
        ChaCha20Poly1305::new_from_slice(&key).map_err(|_| EscrowError::Corrupt)
    }
}

impl Drop for Escrow {
    /// Closes this escrow's batch, so its key goes once its last PIN is delivered (a
    /// failure leaves it open until the desk's next start closes it).
    fn drop(&mut self) {
        if let Some(batches) = &self.batches {
            let current = batches
                .current
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .take();
            if let Some((id, _)) = current {
                if let Err(e) = batches.keys.close_batches(Some(&id)) {
                    tracing::warn!(error = %e, "escrow batch left open until the next start");
                }
            }
        }
    }
}

/// `head || nonce || ciphertext`, with `head || user_id` as associated data.
fn seal_with(
    cipher: &ChaCha20Poly1305,
    head: &[u8],
    user_id: &str,
    pin: &Pin,
) -> Result<Vec<u8>, EscrowError> {
    let mut nonce = [0u8; NONCE_LEN];
    rand::rng().fill_bytes(&mut nonce);
    let aad = [head, user_id.as_bytes()].concat();
    let payload = Payload {
        msg: pin.expose().as_bytes(),
        aad: &aad,
    };
    let sealed = cipher
        .encrypt(&Nonce::from(nonce), payload)
        .map_err(|_| EscrowError::Corrupt)?;
    Ok([head, nonce.as_slice(), &sealed].concat())
}

/// Opens what [`seal_with`] made with a head of `head_len` bytes.
fn open_with(
    cipher: &ChaCha20Poly1305,
    head_len: usize,
    user_id: &str,
    sealed: &[u8],
) -> Result<Pin, EscrowError> {
    if sealed.len() <= head_len + NONCE_LEN {
        return Err(EscrowError::Corrupt);
    }
    let (head, rest) = sealed.split_at(head_len);
    let (nonce, body) = rest.split_at(NONCE_LEN);
    let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| EscrowError::Corrupt)?;
    let aad = [head, user_id.as_bytes()].concat();
    let payload = Payload {
        msg: body,
        aad: &aad,
    };
    let clear = Zeroizing::new(
        cipher
            .decrypt(&Nonce::from(nonce), payload)
            .map_err(|_| EscrowError::Corrupt)?,
    );
    let text = std::str::from_utf8(&clear).map_err(|_| EscrowError::Corrupt)?;
    Ok(Pin::new(text))
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
